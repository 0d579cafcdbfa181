// SPDX-License-Identifier: GPL-2.0

//! The page's sections, one function each, in the page's order (see
//! [`super::render`]); each section's prose is a constant beside it.

use std::fmt::Write;

use super::{esc, Out, CSS};
use crate::figures::{Boot, CellFigures, Report};
use crate::plots::{
    self, CcdfSeries, CpuBar, DotRow, DotSeries, HistSeries, LoadSeries, RateSeries, Shape,
};
use crate::results::scenario::{Load, Rate};
use crate::tables::{
    accel_note, hog_table, main_table, model, overload_detail_table, overload_table,
    rt_latency_table, rt_pair, rt_where_table, runs_table, summary_tables, sweep_table,
    textbook_table,
};

/// The colour of a boot's series under a load, in every plot that draws a
/// series per boot and load (a boot's idle series is `3 × boot`).
fn colour(boot: usize, load: Load) -> usize {
    let shade = match load {
        Load::Busy => 1,
        Load::KernelBusy => 2,
        _ => 0,
    };
    boot * 3 + shade
}

/// The document's head, the title, and the warning on absolute times.
pub(super) fn head(p: &mut Out, report: &Report) {
    p.push("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    p.push("<title>irqdefer report</title>\n<style>");
    p.push(CSS);
    p.push("</style>\n</head>\n<body>\n");
    p.push("<h1>irqdefer: interrupt deferral paths, measured</h1>\n");
    let _ = writeln!(
        p.html,
        "<p class=\"warn\"><b>Read the numbers relatively.</b> {}</p>",
        accel_note(report, |label| format!("<b>{}</b>", esc(label)))
    );
}

/// What the matrix measures, and the words the tables use.
const INTRO: &str = "Each cell of the matrix raises interrupts from a virtual device on one \
    CPU, defers the work down one path, and counts. Latency runs from the raise of the \
    request to the start of the bottom half. <i>Coalesced</i>: requests merged into one \
    already pending. <i>Same CPU</i>: runs on the raising CPU. <i>irq-exit</i>: softirq run \
    on interrupt exit or at <code>local_bh_enable()</code>.";

/// The summary: a dot plot of each path's p99 per boot, and the table the
/// terminal prints by default; then what the matrix measures.
pub(super) fn summary(p: &mut Out, report: &Report, rate: Rate) -> Result<(), String> {
    p.section(&format!("Summary at {rate}"));
    let series: Vec<DotSeries> = report
        .boots
        .iter()
        .enumerate()
        .map(|(i, b)| DotSeries {
            label: format!("{} ({})", b.label, model(b)),
            colour: colour(i, Load::Idle),
            shape: Shape::nth(i),
        })
        .collect();
    let rows: Vec<DotRow> = report
        .paths()
        .into_iter()
        .map(|path| DotRow {
            values: report
                .boots
                .iter()
                .map(|b| {
                    b.cell(&path, rate, Load::Idle)
                        .filter(|c| c.runs() > 0)
                        .map(|c| c.latency.p99 as f64)
                })
                .collect(),
            label: path,
        })
        .collect();
    p.plot(plots::dot_plot(
        &format!("p99 latency at {rate}, the raising CPU idle"),
        "p99 latency (log axis)",
        &series,
        &rows,
    )?);
    p.note(&format!(
        "Each path's p99 latency at {} with the raising CPU (CPU {}) idle, one marker per \
         boot and its preemption model, on a log axis: further right is slower, a missing \
         marker means no runs, and the small vertical offsets only keep equal values \
         visible.",
        esc(&rate.to_string()),
        esc(raise_cpu(report)),
    ));
    for t in summary_tables(report, rate, report.boots.len()) {
        p.table(&t);
    }
    p.note(INTRO);
    Ok(())
}

/// The CPU the first boot raised interrupts on.
fn raise_cpu(report: &Report) -> &str {
    report.boots.first().map_or("?", |b| b.meta("raise_cpu"))
}

/// How to read a CCDF drawn from log2 buckets.
const TAILS: &str = "The latency CCDF: for each boot, the fraction of runs at or above each \
    latency, every path a line, both axes log, so that the tail (p99, p99.9, the slowest \
    run) reads at a glance. The lines come from each cell's log2 latency histogram: their \
    steps are the buckets' edges, where the fraction is exact; between two edges a line \
    holds the most it can be, so the tail is exact to a factor of 2 in latency. A line ends \
    at the upper edge of its slowest run's bucket, at the share of the runs in that bucket \
    (1/n for a single run).";

/// A latency CCDF per boot at `rate`, idle: every path in it.
pub(super) fn tails(p: &mut Out, report: &Report, rate: Rate) -> Result<(), String> {
    p.section(&format!("Latency tails at {rate}"));
    p.note(TAILS);
    let paths = report.paths();
    let mut svgs = Vec::new();
    for b in &report.boots {
        let series: Vec<CcdfSeries<'_>> = paths
            .iter()
            .enumerate()
            .filter_map(|(i, path)| {
                b.cell(path, rate, Load::Idle)
                    .filter(|c| !c.hist.is_empty())
                    .map(|c| CcdfSeries {
                        label: path.clone(),
                        index: i,
                        hist: &c.hist,
                    })
            })
            .collect();
        svgs.push(plots::ccdf_plot(
            &format!("{} ({}): latency CCDF at {rate}, idle", b.label, model(b)),
            &series,
        )?);
    }
    p.grid(svgs);
    Ok(())
}

/// The boots, one row each.
pub(super) fn runs(p: &mut Out, report: &Report) {
    p.section("Runs");
    p.push(&super::table(&runs_table(report)));
}

/// The headline of the RT boot against `full`.
const RT_HEADLINE: &str = "Each path on the <code>rt</code> kernel against the same path on \
    the normal kernel booted <code>preempt=full</code>: where it ran, whether it was \
    preemptible and whether sleeping was legal there, and its latency without a hog and \
    while a SCHED_FIFO hog held the raising CPU (the real-time hog below). Red: differs \
    from <code>full</code>, or starved.";

/// What changes under PREEMPT_RT, where the report has both boots.
pub(super) fn rt_headline(p: &mut Out, report: &Report) {
    let Some((full, rt)) = rt_pair(report) else {
        return;
    };
    p.section("What changes under PREEMPT_RT");
    p.note(RT_HEADLINE);
    p.table(&rt_where_table(full, rt));
    p.table(&rt_latency_table(full, rt));
}

/// What the real-time hog does and how the tables read.
const RT_HOG: &str = "A SCHED_FIFO busy loop pinned on the raising CPU, below the IRQ \
    threads' priority 50 and above it. For each path, the fate the kernel's rules predict \
    (written before the measurement, from the path's registry row) and the measured one: \
    <i>runs</i> if a bottom half ran while the hog ran. A disagreement is marked red and \
    explained under the table.";

/// The real-time hog's table of each boot that ran it.
pub(super) fn rt_hog(p: &mut Out, report: &Report) {
    let boots: Vec<&Boot> = report
        .boots
        .iter()
        .filter(|b| !b.hog_prios().is_empty())
        .collect();
    if boots.is_empty() {
        return;
    }
    p.section("Real-time hog");
    p.note(RT_HOG);
    for b in boots {
        p.table(&hog_table(b));
    }
}

/// What the overload scenario does, and the kernel's softirq limits.
const OVERLOAD: &str = "Each softirq path alone at a fixed rate, its work per bottom half \
    stepped up until it takes a whole CPU. Interrupt exit serves softirqs for at most \
    <code>MAX_SOFTIRQ_TIME</code> (2 ms, one jiffy at HZ=250) or 10 rounds, then hands over \
    to <code>ksoftirqd</code>; on PREEMPT_RT the task that re-enables bottom halves serves \
    them.";

/// Softirq overload: tables, then the ksoftirqd share and the latency
/// against load of each boot that ran it, then the detail tables.
pub(super) fn overload(p: &mut Out, report: &Report) -> Result<(), String> {
    let boots: Vec<&Boot> = report
        .boots
        .iter()
        .filter(|b| !b.overload_paths().is_empty())
        .collect();
    if boots.is_empty() {
        return Ok(());
    }
    p.section("Softirq overload");
    p.note(OVERLOAD);
    for b in &boots {
        p.table(&overload_table(b));
    }
    let mut svgs = Vec::new();
    for b in &boots {
        svgs.push(plots::share_plot(
            &format!("{}: runs in ksoftirqd against load", b.label),
            &overload_shares(b),
        )?);
        svgs.push(plots::load_latency_plot(
            &format!("{}: latency against load", b.label),
            &overload_latency(b),
        )?);
    }
    p.grid(svgs);
    for b in &boots {
        p.table(&overload_detail_table(b));
    }
    Ok(())
}

/// Per overload path of a boot, the share of runs in ksoftirqd (%) at
/// each load.
fn overload_shares(b: &Boot) -> Vec<LoadSeries> {
    b.overload_paths()
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
        .collect()
}

/// Per overload path of a boot, p50 (solid) and p99 (dashed) at each load
/// with runs.
fn overload_latency(b: &Boot) -> Vec<LoadSeries> {
    b.overload_paths()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cells = b.overload_cells(p);
            let pick = |f: fn(&CellFigures) -> u64| {
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
        .collect()
}

/// The two counts of interrupts, and why they can differ.
const COMPARISON: &str = "raised: requests counted by the module; /proc/interrupts: the \
    kernel's count for the path's IRQ. Under <code>threadirqs</code> the latter can exceed \
    the former: the kernel coalesces IRQ-thread wakeups before the handler runs.";

/// The comparison table of each boot and load at `rate`.
pub(super) fn comparison(p: &mut Out, report: &Report, rate: Rate) {
    p.section(&format!("Comparison at {rate}"));
    for b in &report.boots {
        for load in b.loads() {
            p.table(&main_table(b, load, rate));
        }
    }
    p.note(COMPARISON);
}

/// The sweep over the rates of each boot and load.
pub(super) fn every_rate(p: &mut Out, report: &Report) {
    p.section("Every rate");
    for b in &report.boots {
        for load in b.loads() {
            p.table(&sweep_table(b, load));
        }
    }
}

/// How the textbook table reads.
const TEXTBOOK: &str = "For each executor, the documented rule (italic) and what the run \
    measured, every cell of the boot pooled (all rates, both loads). Cells that disagree \
    with the rule are marked in red and explained below the table.";

/// The textbook table, measured, of each boot.
pub(super) fn textbook(p: &mut Out, report: &Report) {
    p.section("The textbook table, measured");
    p.note(TEXTBOOK);
    for b in &report.boots {
        p.table(&textbook_table(b));
    }
}

/// Every (boot, load) series, with its colour.
fn boot_loads(report: &Report) -> Vec<(usize, &Boot, Load)> {
    report
        .boots
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.loads().into_iter().map(move |l| (colour(i, l), b, l)))
        .collect()
}

/// A latency histogram per path at `rate`: a line per boot and load.
pub(super) fn histograms(p: &mut Out, report: &Report, rate: Rate) -> Result<(), String> {
    p.section(&format!("Latency histograms at {rate}"));
    let series = boot_loads(report);
    let mut svgs = Vec::new();
    for path in report.paths() {
        let hs: Vec<HistSeries<'_>> = series
            .iter()
            .filter_map(|(colour, b, l)| {
                b.cell(&path, rate, *l).map(|cell| HistSeries {
                    label: format!("{} {}", b.label, l.name()),
                    colour: *colour,
                    hist: &cell.hist,
                })
            })
            .collect();
        svgs.push(plots::histogram(
            &format!("{path}: latency at {rate}"),
            &hs,
        )?);
    }
    p.grid(svgs);
    Ok(())
}

/// p50 and p99 against rate per path: a line per boot and load.
pub(super) fn rate_plots(p: &mut Out, report: &Report) -> Result<(), String> {
    p.section("Latency against rate");
    let series = boot_loads(report);
    let rates = report.rates();
    let mut svgs = Vec::new();
    for path in report.paths() {
        let rs: Vec<RateSeries> = series
            .iter()
            .map(|(colour, b, l)| RateSeries {
                label: format!("{} {}", b.label, l.name()),
                colour: *colour,
                points: rates
                    .iter()
                    .map(|r| {
                        b.cell(&path, *r, *l)
                            .map(|c| (c.latency.p50, c.latency.p99))
                    })
                    .collect(),
            })
            .collect();
        svgs.push(plots::rate_plot(
            &format!("{path}: p50 and p99 latency"),
            &rates,
            &rs,
        )?);
    }
    p.grid(svgs);
    Ok(())
}

/// The share of each path's runs on each CPU at `rate`, a plot per boot.
pub(super) fn per_cpu(p: &mut Out, report: &Report, rate: Rate) -> Result<(), String> {
    p.section(&format!("Per-CPU distribution at {rate}"));
    p.note(&format!(
        "Share of each path's runs on each CPU; interrupts are raised on CPU {}.",
        esc(raise_cpu(report))
    ));
    let mut svgs = Vec::new();
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
        svgs.push(plots::per_cpu(
            &format!("{}: runs per CPU at {rate}", b.label),
            &bars,
        )?);
    }
    p.grid(svgs);
    Ok(())
}

/// What made the page, from which files; the end of the document.
pub(super) fn foot(p: &mut Out, report: &Report) {
    let files: Vec<String> = report
        .boots
        .iter()
        .map(|b| format!("<code>{}</code>", esc(&b.file)))
        .collect();
    p.note(&format!(
        "Generated by irqdefer-report {} from {}.",
        env!("CARGO_PKG_VERSION"),
        files.join(", ")
    ));
    p.push("</body>\n</html>\n");
}
