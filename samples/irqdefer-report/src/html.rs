// SPDX-License-Identifier: GPL-2.0

//! The self-contained HTML page: inline CSS, inline SVG, no script, no
//! external resource.

use std::fmt::Write;

use crate::figures::{Boot, Report};
use crate::plots::{self, CpuBar, HistSeries, LoadSeries, RateSeries};
use crate::results::scenario::{Load, Rate};
use crate::tables::{
    accel_note, hog_table, main_table, overload_detail_table, overload_table, rt_latency_table,
    rt_pair, rt_where_table, runs_table, sweep_table, textbook_table,
};
use crate::view::{Align, Kind, Table};

/// A rendered page.
pub struct Page {
    /// The HTML.
    pub html: String,
    /// How many plots (inline SVGs) it holds.
    pub plots: usize,
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub(crate) const CSS: &str = "
body { font-family: sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.rule td { color: #555; font-style: italic; background: #fafafa; }
td.bad { background: #fde0dc; font-weight: bold; }
.warn { background: #fff4d6; border: 1px solid #e0b94c; padding: 0.6em 1em; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.grid svg { border: 1px solid #ddd; }
.note { font-size: 0.9em; }
code { background: #f2f2f2; padding: 0 3px; }
";

/// The page for a report, its main tables at `rate`.
pub fn render(report: &Report, rate: Rate) -> Result<Page, String> {
    let mut h = String::new();
    let mut plots = 0;
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<title>irqdefer report</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<h1>irqdefer: interrupt deferral paths, measured</h1>\n");

    let _ = writeln!(
        h,
        "<p class=\"warn\"><b>Read the numbers relatively.</b> {}</p>",
        accel_note(report, |label| format!("<b>{}</b>", esc(label)))
    );
    h.push_str(
        "<p class=\"note\">Each cell of the matrix raises interrupts from a virtual device on \
         one CPU, defers the work down one path, and counts. Latency runs from the raise of \
         the request to the start of the bottom half. <i>Coalesced</i>: requests merged into \
         one already pending. <i>Same CPU</i>: runs on the raising CPU. <i>irq-exit</i>: \
         softirq run on interrupt exit or at <code>local_bh_enable()</code>.</p>\n",
    );

    h.push_str("<h2>Runs</h2>\n");
    h.push_str(&table(&runs_table(report)));

    if let Some((full, rt)) = rt_pair(report) {
        h.push_str("<h2>What changes under PREEMPT_RT</h2>\n");
        h.push_str(
            "<p class=\"note\">Each path on the <code>rt</code> kernel against the same \
             path on the normal kernel booted <code>preempt=full</code>: where it ran, \
             whether it was preemptible and whether sleeping was legal there, and its \
             latency without a hog and while a SCHED_FIFO hog held the raising CPU (the \
             real-time hog below). Red: differs from <code>full</code>, or starved.</p>\n",
        );
        h.push_str(&titled(&rt_where_table(full, rt)));
        h.push_str(&titled(&rt_latency_table(full, rt)));
    }

    let hog_boots: Vec<&Boot> = report
        .boots
        .iter()
        .filter(|b| !b.hog_prios().is_empty())
        .collect();
    if !hog_boots.is_empty() {
        h.push_str("<h2>Real-time hog</h2>\n");
        h.push_str(
            "<p class=\"note\">A SCHED_FIFO busy loop pinned on the raising CPU, below the \
             IRQ threads' priority 50 and above it. For each path, the fate the kernel's \
             rules predict (written before the measurement, from the path's registry row) \
             and the measured one: <i>runs</i> if a bottom half ran while the hog ran. A \
             disagreement is marked red and explained under the table.</p>\n",
        );
        for b in &hog_boots {
            h.push_str(&titled(&hog_table(b)));
        }
    }

    let over_boots: Vec<(usize, &Boot)> = report
        .boots
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.overload_paths().is_empty())
        .collect();
    if !over_boots.is_empty() {
        h.push_str("<h2>Softirq overload</h2>\n");
        h.push_str(
            "<p class=\"note\">Each softirq path alone at a fixed rate, its work per bottom \
             half stepped up until it takes a whole CPU. Interrupt exit serves softirqs for \
             at most <code>MAX_SOFTIRQ_TIME</code> (2 ms, one jiffy at HZ=250) or 10 rounds, \
             then hands over to <code>ksoftirqd</code>; on PREEMPT_RT the task that \
             re-enables bottom halves serves them.</p>\n",
        );
        for (_, b) in &over_boots {
            h.push_str(&titled(&overload_table(b)));
        }
        h.push_str("<div class=\"grid\">\n");
        for (_, b) in &over_boots {
            let paths = b.overload_paths();
            let shares: Vec<LoadSeries> = paths
                .iter()
                .enumerate()
                .map(|(i, p)| LoadSeries {
                    label: p.clone(),
                    colour: i,
                    points: b
                        .overload_cells(p)
                        .iter()
                        .map(|c| (c.load_pct(), c.ksoftirqd_share * 100.0))
                        .collect(),
                    dashed: Vec::new(),
                })
                .collect();
            h.push_str(&plots::share_plot(
                &format!("{}: runs in ksoftirqd against load", b.label),
                &shares,
            )?);
            plots += 1;
            let lat: Vec<LoadSeries> = paths
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let cells = b.overload_cells(p);
                    let pick = |f: fn(&crate::figures::CellFigures) -> u64| {
                        cells
                            .iter()
                            .filter(|c| c.latency.count > 0)
                            .map(|c| (c.load_pct(), f(c).max(1) as f64))
                            .collect::<Vec<_>>()
                    };
                    LoadSeries {
                        label: p.clone(),
                        colour: i,
                        points: pick(|c| c.latency.p50),
                        dashed: pick(|c| c.latency.p99),
                    }
                })
                .collect();
            h.push_str(&plots::load_latency_plot(
                &format!("{}: latency against load", b.label),
                &lat,
            )?);
            plots += 1;
        }
        h.push_str("</div>\n");
        for (_, b) in &over_boots {
            h.push_str(&titled(&overload_detail_table(b)));
        }
    }

    // Comparison tables.
    let _ = writeln!(h, "<h2>Comparison at {}</h2>", esc(&rate.to_string()));
    for b in &report.boots {
        for load in b.loads() {
            h.push_str(&titled(&main_table(b, load, rate)));
        }
    }
    h.push_str(
        "<p class=\"note\">raised: requests counted by the module; /proc/interrupts: the \
         kernel's count for the path's IRQ. Under <code>threadirqs</code> the latter can \
         exceed the former: the kernel coalesces IRQ-thread wakeups before the handler \
         runs.</p>\n",
    );

    h.push_str("<h2>Every rate</h2>\n");
    for b in &report.boots {
        for load in b.loads() {
            h.push_str(&titled(&sweep_table(b, load)));
        }
    }

    h.push_str("<h2>The textbook table, measured</h2>\n");
    h.push_str(
        "<p class=\"note\">For each executor, the documented rule (italic) and what the run \
         measured, every cell of the boot pooled (all rates, both loads). Cells that disagree \
         with the rule are marked in red and explained below the table.</p>\n",
    );
    for b in &report.boots {
        h.push_str(&titled(&textbook_table(b)));
    }

    // Plots.
    let paths = report.paths();
    let series: Vec<(usize, &Boot, Load)> = report
        .boots
        .iter()
        .enumerate()
        .flat_map(|(bi, b)| b.loads().into_iter().map(move |l| (bi, b, l)))
        .map(|(bi, b, l)| {
            let shade = match l {
                Load::Busy => 1,
                Load::KernelBusy => 2,
                _ => 0,
            };
            let colour = bi * 3 + shade;
            (colour, b, l)
        })
        .collect();

    let _ = writeln!(
        h,
        "<h2>Latency histograms at {}</h2>\n<div class=\"grid\">",
        esc(&rate.to_string())
    );
    for path in &paths {
        let hs: Vec<HistSeries<'_>> = series
            .iter()
            .filter_map(|(colour, b, l)| {
                b.cell(path, rate, *l).map(|cell| HistSeries {
                    label: format!("{} {}", b.label, l.name()),
                    colour: *colour,
                    hist: &cell.hist,
                })
            })
            .collect();
        h.push_str(&plots::histogram(
            &format!("{path}: latency at {}", rate),
            &hs,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let rates = report.rates();
    h.push_str("<h2>Latency against rate</h2>\n<div class=\"grid\">\n");
    for path in &paths {
        let rs: Vec<RateSeries> = series
            .iter()
            .map(|(colour, b, l)| RateSeries {
                label: format!("{} {}", b.label, l.name()),
                colour: *colour,
                points: rates
                    .iter()
                    .map(|r| b.cell(path, *r, *l).map(|c| (c.latency.p50, c.latency.p99)))
                    .collect(),
            })
            .collect();
        h.push_str(&plots::rate_plot(
            &format!("{path}: p50 and p99 latency"),
            &rates,
            &rs,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let _ = writeln!(
        h,
        "<h2>Per-CPU distribution at {}</h2>\n<p class=\"note\">Share of each path's runs on \
         each CPU; interrupts are raised on CPU {}.</p>\n<div class=\"grid\">",
        esc(&rate.to_string()),
        esc(report.boots.first().map_or("?", |b| b.meta("raise_cpu")))
    );
    for b in &report.boots {
        let mut bars = Vec::new();
        for path in b.paths() {
            for l in b.loads() {
                if let Some(c) = b.cell(&path, rate, l) {
                    bars.push(CpuBar {
                        label: format!("{path} {}", l.name()),
                        per_cpu: c.per_cpu.clone(),
                    });
                }
            }
        }
        h.push_str(&plots::per_cpu(
            &format!("{}: runs per CPU at {}", b.label, rate),
            &bars,
        )?);
        plots += 1;
    }
    h.push_str("</div>\n");

    let _ = writeln!(
        h,
        "<p class=\"note\">Generated by irqdefer-report {} from {}.</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        report
            .boots
            .iter()
            .map(|b| format!("<code>{}</code>", esc(&b.file)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Page { html: h, plots })
}

/// A table under an `<h3>` of its title.
fn titled(t: &Table) -> String {
    let title = t
        .title
        .as_deref()
        .map_or(String::new(), |x| format!("<h3>{}</h3>\n", esc(x)));
    title + &table(t)
}

/// Renders a table: every column, details included, a group of columns
/// headed once above its columns; numbers right-aligned; a marked cell
/// red, reading "≠ rule" on a rule's measurement; the notes as
/// paragraphs.
pub fn table(t: &Table) -> String {
    let mut o = String::from("<table>\n");
    let grouped = t.columns.iter().any(|c| c.group.is_some());
    if grouped {
        // One row of groups (a column without one spans both rows), then
        // the columns of each group.
        o.push_str("<tr>");
        let mut i = 0;
        while let Some(c) = t.columns.get(i) {
            match &c.group {
                None => {
                    let _ = write!(o, "<th rowspan=\"2\">{}</th>", esc(c.long_head()));
                    i += 1;
                }
                Some(g) => {
                    let n = t.columns[i..]
                        .iter()
                        .take_while(|x| x.group.as_ref() == Some(g))
                        .count();
                    let _ = write!(o, "<th colspan=\"{n}\">{}</th>", esc(g));
                    i += n;
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("<tr>");
    for c in t.columns.iter().filter(|c| !grouped || c.group.is_some()) {
        let _ = write!(o, "<th>{}</th>", esc(c.long_head()));
    }
    o.push_str("</tr>\n");
    let has_rules = t.rows.iter().any(|r| r.kind == Kind::Rule);
    for r in &t.rows {
        o.push_str(if r.kind == Kind::Rule {
            "<tr class=\"rule\">"
        } else {
            "<tr>"
        });
        for (c, col) in r.cells.iter().zip(&t.columns) {
            let text = esc(&c.text);
            match (c.bad, col.align) {
                (true, _) if r.kind == Kind::Rule => {
                    let _ = write!(o, "<td class=\"bad\">{text} &#x2260; textbook</td>");
                }
                (true, _) if has_rules => {
                    let _ = write!(o, "<td class=\"bad\">{text} &#x2260; rule</td>");
                }
                (true, _) => {
                    let _ = write!(o, "<td class=\"bad\">{text}</td>");
                }
                (false, Align::R) => {
                    let _ = write!(o, "<td class=\"n\">{text}</td>");
                }
                (false, Align::L) => {
                    let _ = write!(o, "<td>{text}</td>");
                }
            }
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    for n in &t.notes {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(n));
    }
    o
}
