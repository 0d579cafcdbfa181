// SPDX-License-Identifier: GPL-2.0

//! SVG plots, drawn by plotters' SVG backend. Text goes into the SVG as
//! `<text>` elements rendered by the browser; plotters only estimates its
//! size, so no font is needed at build or run time.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use irqdefer_logic::hist::bounds;

use crate::figures::fmt_tick;
use crate::results::scenario::Rate;

/// Colours of the series, in order (boot × load).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x17, 0xbe, 0xcf),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
];

/// The colour of series `i`, as CSS.
pub fn css_colour(i: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[i % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

type PlotResult = Result<String, String>;

fn e<E: std::fmt::Display>(err: E) -> String {
    format!("plot: {err}")
}

const FONT: &str = "sans-serif";

/// A legend entry: label, colour, and how the swatch is drawn.
struct Entry {
    label: String,
    colour: RGBColor,
    swatch: Swatch,
}

impl Entry {
    /// A line of the palette's colour `colour` (an index).
    fn line(label: String, colour: usize) -> Self {
        Entry {
            label,
            colour: PALETTE[colour % PALETTE.len()],
            swatch: Swatch::Line,
        }
    }
}

/// The legend of line series (label, palette index), then, if
/// `percentiles`, the black solid p50 and dashed p99 keys.
fn line_legend<'a>(
    series: impl Iterator<Item = (&'a str, usize)>,
    percentiles: bool,
) -> Vec<Entry> {
    let mut entries: Vec<Entry> = series.map(|(l, c)| Entry::line(l.into(), c)).collect();
    if percentiles {
        entries.push(Entry {
            label: "p50".into(),
            colour: BLACK,
            swatch: Swatch::Line,
        });
        entries.push(Entry {
            label: "p99".into(),
            colour: BLACK,
            swatch: Swatch::Dashed,
        });
    }
    entries
}

#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Dashed,
    Dotted,
    Block,
    Mark(Shape),
}

/// A marker's shape: the summary figure gives each boot its own, so that
/// boots differ by more than colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A disc (a 12-gon).
    Circle,
    /// A square.
    Square,
    /// A triangle, point up.
    Up,
    /// A diamond.
    Diamond,
    /// A triangle, point down.
    Down,
    /// An upright bar.
    Bar,
}

impl Shape {
    /// Every shape, in the order boots take them.
    pub const ALL: [Shape; 6] = [
        Shape::Circle,
        Shape::Square,
        Shape::Up,
        Shape::Diamond,
        Shape::Down,
        Shape::Bar,
    ];

    /// The `i`-th shape, cycling.
    pub fn nth(i: usize) -> Shape {
        Shape::ALL[i % Shape::ALL.len()]
    }

    /// The outline, in pixels around the marker's centre.
    fn outline(self) -> Vec<(i32, i32)> {
        match self {
            Shape::Circle => (0..12)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::PI / 6.0;
                    (
                        (5.0 * a.cos()).round() as i32,
                        (5.0 * a.sin()).round() as i32,
                    )
                })
                .collect(),
            Shape::Square => vec![(-4, -4), (4, -4), (4, 4), (-4, 4)],
            Shape::Up => vec![(0, -6), (5, 4), (-5, 4)],
            Shape::Diamond => vec![(0, -6), (5, 0), (0, 6), (-5, 0)],
            Shape::Down => vec![(0, 6), (5, -4), (-5, -4)],
            Shape::Bar => vec![(-2, -6), (2, -6), (2, 6), (-2, 6)],
        }
    }
}

/// The opacity of a data marker of the summary figure: overlapping
/// markers show through each other. Nothing else in a plot is drawn at
/// it, so a marker is one SVG polygon carrying `opacity="0.85"`.
pub const MARKER_OPACITY: f64 = 0.85;

/// The frame every plot shares: title, margins, axis label areas
/// (`y_area` wide for the y labels). The caller picks the coordinates.
fn frame<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    title: &str,
    y_area: u32,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut b = ChartBuilder::on(area);
    b.caption(title, (FONT, 17))
        .margin(8)
        .margin_right(22)
        .x_label_area_size(38)
        .y_label_area_size(y_area);
    b
}

/// Height of a legend strip holding `entries` in `width` pixels.
fn legend_height(entries: &[Entry], width: u32) -> u32 {
    let rows = legend_layout(entries, width).last().map_or(0, |p| p.1 + 1);
    6 + 18 * rows
}

/// (x, row) of each entry, left to right, wrapping at `width`.
fn legend_layout(entries: &[Entry], width: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let (mut x, mut row) = (10, 0);
    for en in entries {
        let w = 28 + 7 * en.label.chars().count() as u32;
        if x > 10 && x + w > width {
            x = 10;
            row += 1;
        }
        out.push((x, row));
        x += w + 12;
    }
    out
}

/// Draws a legend strip under a chart (pixel coordinates of `area`).
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[Entry],
    width: u32,
) -> Result<(), String> {
    for (en, (x, row)) in entries.iter().zip(legend_layout(entries, width)) {
        let (x, y) = (x as i32, 4 + 18 * row as i32 + 9);
        let c = en.colour;
        match en.swatch {
            Swatch::Line => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 20, y)],
                    c.stroke_width(2),
                ))
                .map_err(e)?,
            Swatch::Dashed => {
                for k in 0..3 {
                    area.draw(&PathElement::new(
                        vec![(x + 8 * k, y), (x + 8 * k + 5, y)],
                        c.stroke_width(2),
                    ))
                    .map_err(e)?;
                }
            }
            Swatch::Dotted => {
                for k in 0..5 {
                    area.draw(&PathElement::new(
                        vec![(x + 5 * k, y), (x + 5 * k + 2, y)],
                        c.stroke_width(2),
                    ))
                    .map_err(e)?;
                }
            }
            Swatch::Block => area
                .draw(&Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.filled()))
                .map_err(e)?,
            Swatch::Mark(shape) => area
                .draw(&(EmptyElement::at((x + 10, y)) + Polygon::new(shape.outline(), c.filled())))
                .map_err(e)?,
        }
        area.draw(&Text::new(
            en.label.clone(),
            (x + 26, y - 6),
            (FONT, 12).into_font().color(&BLACK),
        ))
        .map_err(e)?;
    }
    Ok(())
}

/// Lower bound of a log2 latency bucket, ns, from the module's own
/// bucket bounds (bucket 0, 0 ns, is drawn at [0.5, 1) on the log axis).
fn bucket_lo(b: u32) -> f64 {
    match bounds(b as usize) {
        (0, _) => 0.5,
        (lo, _) => lo as f64,
    }
}

/// Upper bound (exclusive) of a log2 latency bucket, ns.
fn bucket_hi(b: u32) -> f64 {
    bounds(b as usize).1 as f64 + 1.0
}

/// One series of a latency histogram.
pub struct HistSeries<'a> {
    /// Legend.
    pub label: String,
    /// Index into the palette.
    pub colour: usize,
    /// The log2 latency histogram: (bucket, count), non-empty buckets by
    /// rising bucket (a cell's `hist`).
    pub hist: &'a [(u32, u64)],
}

const W: u32 = 430;
const H: u32 = 280;

/// A path's latency histograms, one step line per series, share of runs
/// against latency on a log axis.
pub fn histogram(title: &str, series: &[HistSeries<'_>]) -> PlotResult {
    let mut lo = f64::MAX;
    let mut hi: f64 = 1.0;
    let mut ymax: f64 = 1.0;
    for s in series {
        let total: u64 = s.hist.iter().map(|(_, n)| n).sum();
        if let (Some(f), Some(l)) = (s.hist.first(), s.hist.last()) {
            lo = lo.min(bucket_lo(f.0));
            hi = hi.max(bucket_hi(l.0));
        }
        for (_, n) in s.hist {
            ymax = ymax.max(*n as f64 * 100.0 / total as f64);
        }
    }
    if lo == f64::MAX {
        lo = 100.0;
        hi = hi.max(1e6);
    }
    let x0 = 10f64.powf(lo.log10().floor());
    let x1 = 10f64.powf(hi.log10().ceil()).max(x0 * 100.0);
    let ytop = (ymax * 1.1).min(100.0);
    let entries: Vec<Entry> = series
        .iter()
        .map(|s| {
            let n: u64 = s.hist.iter().map(|(_, n)| n).sum();
            Entry::line(format!("{} (n={n})", s.label), s.colour)
        })
        .collect();
    let lh = legend_height(&entries, W);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(H);
        let mut ch = frame(&upper, title, 46)
            .build_cartesian_2d((x0..x1).log_scale(), 0f64..ytop)
            .map_err(e)?;
        ch.configure_mesh()
            .x_desc("latency (log axis, log2 buckets)")
            .y_desc("% of runs")
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(e)?;
        for s in series {
            let total: u64 = s.hist.iter().map(|(_, n)| n).sum();
            let (Some(first), Some(last)) = (s.hist.first(), s.hist.last()) else {
                continue;
            };
            let mut pts = vec![(bucket_lo(first.0), 0.0)];
            for b in first.0..=last.0 {
                let n = s.hist.iter().find(|(k, _)| *k == b).map_or(0, |(_, n)| *n);
                let y = n as f64 * 100.0 / total as f64;
                pts.push((bucket_lo(b), y));
                pts.push((bucket_hi(b), y));
            }
            pts.push((bucket_hi(last.0), 0.0));
            let colour = PALETTE[s.colour % PALETTE.len()];
            ch.draw_series(LineSeries::new(pts, colour.stroke_width(2)))
                .map_err(e)?;
        }
        draw_legend(&lower, &entries, W)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// One series of a latency-against-rate plot: p50 and p99 at each rate
/// (None where the cell is missing).
pub struct RateSeries {
    /// Legend.
    pub label: String,
    /// Index into the palette.
    pub colour: usize,
    /// (p50, p99) per rate, ns.
    pub points: Vec<Option<(u64, u64)>>,
}

/// A path's p50 (solid) and p99 (dashed) latency at every rate, log axis.
pub fn rate_plot(title: &str, rates: &[Rate], series: &[RateSeries]) -> PlotResult {
    let mut lo = f64::MAX;
    let mut hi: f64 = 1.0;
    for s in series {
        for (p50, p99) in s.points.iter().flatten() {
            lo = lo.min((*p50).max(1) as f64);
            hi = hi.max(*p99 as f64);
        }
    }
    if lo == f64::MAX {
        lo = 100.0;
        hi = 1e6;
    }
    let y0 = 10f64.powf(lo.log10().floor());
    let y1 = 10f64.powf(hi.log10().ceil()).max(y0 * 100.0);
    let n = rates.len() as i32;
    let names: Vec<String> = rates.iter().map(Rate::to_string).collect();
    let entries = line_legend(series.iter().map(|s| (s.label.as_str(), s.colour)), true);
    let lh = legend_height(&entries, W);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(H);
        let mut ch = frame(&upper, title, 56)
            .build_cartesian_2d((0..(n - 1).max(1)).into_segmented(), (y0..y1).log_scale())
            .map_err(e)?;
        ch.configure_mesh()
            .disable_x_mesh()
            .x_desc("interrupt rate")
            .y_desc("latency (log axis)")
            .x_labels(rates.len() + 1)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| fmt_tick(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(e)?;
        for s in series {
            let colour = PALETTE[s.colour % PALETTE.len()];
            let pts = |pick: fn(&(u64, u64)) -> u64| -> Vec<(SegmentValue<i32>, f64)> {
                s.points
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| {
                        p.as_ref()
                            .map(|p| (SegmentValue::CenterOf(i as i32), pick(p).max(1) as f64))
                    })
                    .collect()
            };
            let p50 = pts(|p| p.0);
            let p99 = pts(|p| p.1);
            ch.draw_series(LineSeries::new(p50.clone(), colour.stroke_width(2)))
                .map_err(e)?;
            ch.draw_series(DashedLineSeries::new(
                p99.clone(),
                5,
                4,
                colour.stroke_width(2),
            ))
            .map_err(e)?;
            ch.draw_series(
                p50.into_iter()
                    .chain(p99)
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(e)?;
        }
        draw_legend(&lower, &entries, W)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// One bar of the per-CPU plot.
pub struct CpuBar {
    /// Row label.
    pub label: String,
    /// Runs per CPU.
    pub per_cpu: Vec<u64>,
}

/// Horizontal bars, one per row, split by the share of runs on each CPU.
pub fn per_cpu(title: &str, bars: &[CpuBar]) -> PlotResult {
    const PW: u32 = 640;
    let ncpu = bars
        .iter()
        .map(|b| b.per_cpu.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let n = bars.len().max(1) as i32;
    let entries: Vec<Entry> = (0..ncpu)
        .map(|cpu| Entry {
            label: format!("CPU {cpu}"),
            colour: PALETTE[(cpu * 2) % PALETTE.len()],
            swatch: Swatch::Block,
        })
        .collect();
    let lh = legend_height(&entries, PW);
    let ph = 90 + 20 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (PW, ph + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(ph);
        let mut ch = frame(&upper, title, 140)
            .build_cartesian_2d(0f64..100f64, (0..(n - 1).max(1)).into_segmented())
            .map_err(e)?;
        ch.configure_mesh()
            .disable_y_mesh()
            .x_desc("% of runs on each CPU")
            .y_labels(bars.len() + 1)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => bars
                    .get((n - 1 - *i) as usize)
                    .map(|b| b.label.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(e)?;
        for (cpu, en) in entries.iter().enumerate() {
            let rects: Vec<Rectangle<(f64, SegmentValue<i32>)>> = bars
                .iter()
                .enumerate()
                .filter_map(|(k, b)| {
                    let total: u64 = b.per_cpu.iter().sum();
                    if total == 0 {
                        return None;
                    }
                    let before: u64 = b.per_cpu.iter().take(cpu).sum();
                    let mine = b.per_cpu.get(cpu).copied().unwrap_or(0);
                    let x0 = before as f64 * 100.0 / total as f64;
                    let x1 = (before + mine) as f64 * 100.0 / total as f64;
                    let row = n - 1 - k as i32;
                    Some(Rectangle::new(
                        [
                            (x0, SegmentValue::Exact(row)),
                            (x1, SegmentValue::Exact(row + 1)),
                        ],
                        en.colour.filled(),
                    ))
                })
                .collect();
            ch.draw_series(rects).map_err(e)?;
        }
        // White separators between rows.
        ch.draw_series((0..=n).map(|r| {
            PathElement::new(
                vec![
                    (0.0, SegmentValue::Exact(r)),
                    (100.0, SegmentValue::Exact(r)),
                ],
                WHITE.stroke_width(3),
            )
        }))
        .map_err(e)?;
        draw_legend(&lower, &entries, PW)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// One path's series of an overload plot: points by rising load (percent
/// of a CPU); `y2` a second, dashed line of the same colour (p99 beside
/// p50), if any.
pub struct LoadSeries {
    /// Legend.
    pub label: String,
    /// Index into the palette.
    pub colour: usize,
    /// (load %, value).
    pub points: Vec<(f64, f64)>,
    /// (load %, value), dashed.
    pub dashed: Vec<(f64, f64)>,
}

/// The ksoftirqd share of runs (%) against load (% of a CPU), one line per
/// path, the majority line dotted at 50%.
pub fn share_plot(title: &str, series: &[LoadSeries]) -> PlotResult {
    load_plot(title, series, "% of runs in ksoftirqd", None)
}

/// p50 (solid) and p99 (dashed) latency against load, log axis.
pub fn load_latency_plot(title: &str, series: &[LoadSeries]) -> PlotResult {
    let mut lo = f64::MAX;
    let mut hi: f64 = 1.0;
    for s in series {
        for (_, v) in s.points.iter().chain(&s.dashed) {
            lo = lo.min(v.max(1.0));
            hi = hi.max(*v);
        }
    }
    if lo == f64::MAX {
        lo = 100.0;
        hi = 1e6;
    }
    let y0 = 10f64.powf(lo.log10().floor());
    let y1 = 10f64.powf(hi.log10().ceil()).max(y0 * 100.0);
    load_plot(title, series, "latency (log axis)", Some((y0, y1)))
}

/// A line of a plot: its points, whether dashed, its colour.
type Line = (Vec<(f64, f64)>, bool, RGBColor);

fn load_plot(
    title: &str,
    series: &[LoadSeries],
    y_desc: &str,
    log: Option<(f64, f64)>,
) -> PlotResult {
    let entries = line_legend(
        series.iter().map(|s| (s.label.as_str(), s.colour)),
        series.iter().any(|s| !s.dashed.is_empty()),
    );
    let lh = legend_height(&entries, W);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(H);
        let draw = |s: &LoadSeries| -> Vec<Line> {
            let c = PALETTE[s.colour % PALETTE.len()];
            vec![(s.points.clone(), false, c), (s.dashed.clone(), true, c)]
        };
        macro_rules! body {
            ($ch:expr, $fmt:expr) => {{
                let mut ch = $ch;
                ch.configure_mesh()
                    .x_desc("load: work per bottom half x rate, % of a CPU")
                    .y_desc(y_desc)
                    .x_label_formatter(&|v| format!("{v:.0}"))
                    .y_label_formatter($fmt)
                    .label_style((FONT, 12))
                    .axis_desc_style((FONT, 12))
                    .draw()
                    .map_err(e)?;
                for s in series {
                    for (pts, dashed, c) in draw(s) {
                        if pts.is_empty() {
                            continue;
                        }
                        if dashed {
                            ch.draw_series(DashedLineSeries::new(
                                pts.clone(),
                                5,
                                4,
                                c.stroke_width(2),
                            ))
                            .map_err(e)?;
                        } else {
                            ch.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                                .map_err(e)?;
                        }
                        ch.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))
                            .map_err(e)?;
                    }
                }
                ch
            }};
        }
        match log {
            Some((y0, y1)) => {
                let ch = frame(&upper, title, 56)
                    .build_cartesian_2d(0f64..100f64, (y0..y1).log_scale())
                    .map_err(e)?;
                body!(ch, &|v: &f64| fmt_tick(*v));
            }
            None => {
                let ch = frame(&upper, title, 46)
                    .build_cartesian_2d(0f64..100f64, 0f64..100f64)
                    .map_err(e)?;
                let mut ch = body!(ch, &|v: &f64| format!("{v:.0}"));
                ch.draw_series(DashedLineSeries::new(
                    vec![(0.0, 50.0), (100.0, 50.0)],
                    2,
                    4,
                    BLACK.stroke_width(1),
                ))
                .map_err(e)?;
            }
        }
        draw_legend(&lower, &entries, W)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// A decade at or below `v`, and one at or above `hi` (at least two
/// decades apart): the ends of a log axis.
fn decades(lo: f64, hi: f64) -> (f64, f64) {
    let a = 10f64.powf(lo.log10().floor());
    let b = 10f64.powf(hi.log10().ceil()).max(a * 100.0);
    (a, b)
}

/// One boot of the summary figure: its legend and its marker.
pub struct DotSeries {
    /// Legend.
    pub label: String,
    /// Index into the palette.
    pub colour: usize,
    /// The marker.
    pub shape: Shape,
}

/// One row of the summary figure: a path, and its value (ns) for each
/// [`DotSeries`], in order; none where it has no marker.
pub struct DotRow {
    /// The row's label.
    pub label: String,
    /// Per series, ns.
    pub values: Vec<Option<f64>>,
}

/// A dot plot: a row per [`DotRow`], top to bottom, and on it a marker per
/// series that has a value, on a log latency axis. The markers of one row
/// are set a few pixels apart vertically, in series order, so that equal
/// values stay visible; the offset carries no value.
pub fn dot_plot(title: &str, x_desc: &str, series: &[DotSeries], rows: &[DotRow]) -> PlotResult {
    const DW: u32 = 900;
    const ROW: u32 = 24;
    let values = || rows.iter().flat_map(|r| r.values.iter().flatten());
    let lo = values().fold(f64::MAX, |a, v| a.min(v.max(1.0)));
    let hi = values().fold(1.0f64, |a, v| a.max(*v));
    let (x0, x1) = if lo == f64::MAX {
        (100.0, 1e6)
    } else {
        decades(lo, hi)
    };
    let n = rows.len().max(1);
    let label_w = rows
        .iter()
        .map(|r| r.label.chars().count() as u32)
        .max()
        .unwrap_or(4)
        * 7
        + 16;
    let entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry {
            label: s.label.clone(),
            colour: PALETTE[s.colour % PALETTE.len()],
            swatch: Swatch::Mark(s.shape),
        })
        .collect();
    let lh = legend_height(&entries, DW);
    let ph = 40 + 38 + ROW * n as u32;
    let ns = series.len().max(1);
    let step = (0.5 / ns as f64).min(0.12);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (DW, ph + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(ph);
        let mut ch = frame(&upper, title, label_w)
            .build_cartesian_2d((x0..x1).log_scale(), 0f64..n as f64)
            .map_err(e)?;
        ch.configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_desc)
            .x_label_formatter(&|v| fmt_tick(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(e)?;
        // Row i's centre, from the top.
        let centre = |i: usize| (n - i) as f64 - 0.5;
        let guide = RGBColor(0xdd, 0xdd, 0xdd);
        ch.draw_series(
            (0..rows.len())
                .map(|i| PathElement::new(vec![(x0, centre(i)), (x1, centre(i))], guide)),
        )
        .map_err(e)?;
        for (i, r) in rows.iter().enumerate() {
            let (px, py) = ch.backend_coord(&(x0, centre(i)));
            upper
                .draw(&Text::new(
                    r.label.clone(),
                    (px - 6, py),
                    (FONT, 12)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(e)?;
        }
        for (k, s) in series.iter().enumerate() {
            let dy = (k as f64 - (ns - 1) as f64 / 2.0) * step;
            let colour = PALETTE[s.colour % PALETTE.len()].mix(MARKER_OPACITY);
            ch.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                r.values.get(k).copied().flatten().map(|v| {
                    EmptyElement::at((v.max(1.0), centre(i) - dy))
                        + Polygon::new(s.shape.outline(), colour.filled())
                })
            }))
            .map_err(e)?;
        }
        draw_legend(&lower, &entries, DW)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// The complementary cumulative distribution of a log2 latency histogram
/// (a cell's `hist`: (bucket, count), non-empty buckets by rising bucket),
/// as the points of a step line: (latency ns, fraction of runs at or above
/// it). At each bucket's lower edge the fraction is exact (the runs in it
/// and every slower bucket); across the bucket the line holds that value,
/// the most it can be there, and drops at the next edge. It starts at 1 on
/// the first non-empty bucket's lower edge and ends at the upper edge of
/// the last one, at the fraction of the runs in it (beyond, none: 0, below
/// any log axis). Bucket 0 (0 ns) starts at 0.5 ns, as in [`histogram`].
/// Empty for an empty histogram.
pub fn ccdf(hist: &[(u32, u64)]) -> Vec<(f64, f64)> {
    let total: u64 = hist.iter().map(|(_, n)| n).sum();
    let (Some(first), Some(last)) = (hist.first(), hist.last()) else {
        return Vec::new();
    };
    if total == 0 {
        return Vec::new();
    }
    let mut pts = Vec::new();
    let mut above = total;
    for b in first.0..=last.0 {
        let n = hist.iter().find(|(k, _)| *k == b).map_or(0, |(_, n)| *n);
        let y = above as f64 / total as f64;
        pts.push((bucket_lo(b), y));
        pts.push((bucket_hi(b), y));
        above = above.saturating_sub(n);
    }
    pts
}

/// One line of a CCDF plot.
pub struct CcdfSeries<'a> {
    /// Legend.
    pub label: String,
    /// Its place among the lines: the colour cycles through the palette,
    /// and each pass of the palette draws solid, then dashed, then dotted.
    pub index: usize,
    /// The log2 latency histogram (a cell's `hist`).
    pub hist: &'a [(u32, u64)],
}

/// A log axis's tick for a fraction: 1, 0.1, 0.01, 0.001, 1e-4.
fn fmt_fraction(v: f64) -> String {
    if v >= 1e-3 {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.0e}")
    }
}

/// Latency CCDFs, a step line per series ([`ccdf`]): the fraction of runs
/// at or above a latency, both axes log.
pub fn ccdf_plot(title: &str, series: &[CcdfSeries<'_>]) -> PlotResult {
    const CW: u32 = 660;
    const CH: u32 = 380;
    let lines: Vec<Vec<(f64, f64)>> = series.iter().map(|s| ccdf(s.hist)).collect();
    let pts = || lines.iter().flatten();
    let lo = pts().fold(f64::MAX, |a, p| a.min(p.0));
    let hi = pts().fold(1.0f64, |a, p| a.max(p.0));
    let floor = pts().fold(1.0f64, |a, p| a.min(p.1));
    let (x0, x1) = if lo == f64::MAX {
        (100.0, 1e6)
    } else {
        decades(lo, hi)
    };
    let y0 = 10f64.powf(floor.log10().floor()).min(0.1);
    let pass = |s: &CcdfSeries<'_>| s.index / PALETTE.len() % 3;
    let entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry {
            label: format!(
                "{} (n={})",
                s.label,
                s.hist.iter().map(|(_, n)| n).sum::<u64>()
            ),
            colour: PALETTE[s.index % PALETTE.len()],
            swatch: [Swatch::Line, Swatch::Dashed, Swatch::Dotted][pass(s)],
        })
        .collect();
    let lh = legend_height(&entries, CW);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (CW, CH + lh)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(CH);
        let mut ch = frame(&upper, title, 52)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..1.25).log_scale())
            .map_err(e)?;
        ch.configure_mesh()
            .x_desc("latency (log axis; steps at the log2 buckets' edges)")
            .y_desc("fraction of runs at or above (log)")
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| fmt_fraction(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 12))
            .draw()
            .map_err(e)?;
        for (s, line) in series.iter().zip(lines) {
            if line.is_empty() {
                continue;
            }
            let style = PALETTE[s.index % PALETTE.len()].stroke_width(2);
            match pass(s) {
                0 => ch.draw_series(LineSeries::new(line, style)),
                1 => ch.draw_series(DashedLineSeries::new(line, 7, 4, style)),
                _ => ch.draw_series(DashedLineSeries::new(line, 2, 3, style)),
            }
            .map_err(e)?;
        }
        draw_legend(&lower, &entries, CW)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}
