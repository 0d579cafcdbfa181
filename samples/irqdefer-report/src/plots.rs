// SPDX-License-Identifier: GPL-2.0

//! SVG plots, drawn by plotters' SVG backend. Text goes into the SVG as
//! `<text>` elements rendered by the browser; plotters only estimates its
//! size, so no font is needed at build or run time.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

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

#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Dashed,
    Block,
}

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
            Swatch::Block => area
                .draw(&Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.filled()))
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
        .map(|s| Entry {
            label: format!(
                "{} (n={})",
                s.label,
                s.hist.iter().map(|(_, n)| n).sum::<u64>()
            ),
            colour: PALETTE[s.colour % PALETTE.len()],
            swatch: Swatch::Line,
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
    let mut entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry {
            label: s.label.clone(),
            colour: PALETTE[s.colour % PALETTE.len()],
            swatch: Swatch::Line,
        })
        .collect();
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
    let mut entries: Vec<Entry> = series
        .iter()
        .map(|s| Entry {
            label: s.label.clone(),
            colour: PALETTE[s.colour % PALETTE.len()],
            swatch: Swatch::Line,
        })
        .collect();
    if series.iter().any(|s| !s.dashed.is_empty()) {
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
