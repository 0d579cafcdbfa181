// SPDX-License-Identifier: GPL-2.0

//! The renderings on real results: terminal width, marks, and an HTML
//! page that is self-contained with one SVG per plot.

mod common;

use irqdefer_logic::hist::bounds;
use irqdefer_report::figures::Report;
use irqdefer_report::results::scenario::{parse_file, Load, Rate};
use irqdefer_report::view::Unit;
use irqdefer_report::{html, plots, term};

fn report() -> Report {
    let results: Vec<_> = common::real_files()
        .iter()
        .map(|f| parse_file(f).unwrap())
        .collect();
    Report::of(&results)
}

#[test]
fn terminal_fits_120_columns() {
    let rep = report();
    for rate in rep.rates() {
        let out = term::render(&rep, rate, Unit::Auto);
        for l in out.lines() {
            assert!(l.chars().count() <= 120, "{} chars: {l}", l.chars().count());
        }
    }
}

#[test]
fn terminal_tables() {
    let rep = report();
    let out = term::render(&rep, Rate::Hz(1000), Unit::Auto);
    assert!(out.contains("TCG"));
    assert!(out.contains("-- threadirqs (model unknown): CPU 1 idle, rate 1000 Hz --"));
    assert!(out.contains(
        "-- threadirqs (model unknown): CPU 1 busy (CPU hog pinned on it), every rate --"
    ));
    assert!(out.contains("Textbook table, measured (threadirqs"));
    // The main table row of the first path, and the disagreement mark.
    let row = out
        .lines()
        .find(|l| l.starts_with("hardirq ") && l.contains("irq-thread"))
        .unwrap();
    assert!(row.contains("no 0/1006"), "{row}");
    assert!(out.contains("task 19274/19274 !"));
    assert!(out.contains("irq-thread 19274 !"));
    assert!(out.contains("! hardirq: documented: hard interrupt context"));
    // Nothing else is marked: a normal boot follows the book throughout.
    let marked = out.lines().filter(|l| l.contains(" !")).count();
    assert_eq!(marked, 1);
}

/// The default: one screen, every path with each boot's p99 and where
/// most runs took place; the full tables only with --full.
#[test]
fn summary_is_one_screen() {
    let rep = report();
    let out = term::summary(&rep, Rate::Hz(1000), Unit::Auto);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() <= 50, "{} lines:\n{out}", lines.len());
    for l in &lines {
        assert!(l.chars().count() <= 120, "{} chars: {l}", l.chars().count());
    }
    for path in rep.paths() {
        assert!(
            lines
                .iter()
                .any(|l| l.split_whitespace().next() == Some(path.as_str())),
            "{path} missing:\n{out}"
        );
    }
    let row = lines.iter().find(|l| l.starts_with("hardirq ")).unwrap();
    assert!(row.contains("irq-thread"), "{row}");
    assert!(!out.contains("Textbook table"));
}

/// A fixed unit: times are bare numbers in it, the heading names it, and
/// sort -n orders them.
#[test]
fn fixed_unit_writes_bare_numbers() {
    let rep = report();
    let us = term::summary(&rep, Rate::Hz(1000), Unit::Us);
    let ns = term::summary(&rep, Rate::Hz(1000), Unit::Ns);
    assert!(us.contains("_us where"), "{us}");
    assert!(ns.contains("_ns where"), "{ns}");
    let row = |out: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.starts_with("tasklet "))
            .unwrap()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let (u, n) = (row(&us), row(&ns));
    let u: f64 = u[1].parse().unwrap();
    let n: f64 = n[1].parse().unwrap();
    assert!((u * 1e3 - n).abs() <= 5.0, "{u} us against {n} ns");
    assert!(
        !us.contains("µs")
            || !us
                .lines()
                .any(|l| l.starts_with("tasklet ") && l.contains("µs"))
    );
    let full = term::render(&rep, Rate::Hz(1000), Unit::Us);
    assert!(full.contains("p99_us"));
}

#[test]
fn html_is_self_contained_with_one_svg_per_plot() {
    let rep = report();
    let page = html::render(&rep, Rate::Hz(1000)).unwrap();
    let h = &page.html;
    // Per path: a histogram and a latency-against-rate plot. Per boot: a
    // CCDF and a per-CPU plot. Once: the summary figure. (These captures
    // ran no softirq overload, which adds two plots per boot.)
    let paths = rep.paths().len();
    assert!(rep.boots.iter().all(|b| b.overload_paths().is_empty()));
    assert_eq!(page.plots, 2 * paths + 2 * rep.boots.len() + 1);
    assert_eq!(h.matches("<svg").count(), page.plots);
    assert_eq!(h.matches("</svg>").count(), page.plots);
    // No external reference: the only URL is the SVG namespace.
    let stripped = h.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!stripped.contains("http://"));
    assert!(!stripped.contains("https://"));
    for bad in [
        "<script", "<link", "<img", "<iframe", "src=", "@import", "url(",
    ] {
        assert!(!h.contains(bad), "found {bad}");
    }
    // The facts the page must state.
    assert!(h.contains("6.12.117"));
    assert!(h.contains("<b>TCG</b>"));
    assert!(h.contains("inflated"));
    assert!(h.contains("compare the paths, rates and loads with each other"));
    // Axis labels, as text, in the plots.
    for label in [
        "latency (log axis, log2 buckets)",
        "% of runs",
        "interrupt rate",
        "% of runs on each CPU",
        "10000 Hz",
        "hardirq: latency at 1000 Hz",
        "CPU 1",
    ] {
        assert!(h.contains(label), "missing {label}");
    }
    // Log-axis ticks are formatted as times.
    assert!(h.contains(">\n1µs\n<") || h.contains(">\n10µs\n<"));
    // The textbook disagreement is marked.
    assert!(h.contains("class=\"bad\""));
}

/// The SVGs of a page, in order.
fn svgs(h: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = h;
    while let Some(a) = rest.find("<svg") {
        let b = a + rest[a..].find("</svg>").unwrap() + "</svg>".len();
        out.push(&rest[a..b]);
        rest = &rest[b..];
    }
    out
}

/// The (path, boot) pairs with runs at `rate`, the raising CPU idle.
fn with_runs(rep: &Report, rate: Rate) -> usize {
    rep.paths()
        .iter()
        .map(|p| {
            rep.boots
                .iter()
                .filter(|b| b.cell(p, rate, Load::Idle).is_some_and(|c| c.runs() > 0))
                .count()
        })
        .sum()
}

/// A data marker of the summary figure is one SVG polygon at the markers'
/// opacity; nothing else is drawn at it.
fn markers(svg: &str) -> usize {
    svg.matches(&format!("opacity=\"{}\"", plots::MARKER_OPACITY))
        .count()
}

/// The page opens with the summary: after the title and the warning, the
/// figure with one marker per (path, boot) that has runs, its caption,
/// then the summary table; the CCDFs follow, then the rest.
#[test]
fn summary_figure_opens_the_page() {
    let rep = report();
    let rate = Rate::Hz(1000);
    let h = html::render(&rep, rate).unwrap().html;
    let at = |s: &str| h.find(s).unwrap_or_else(|| panic!("missing {s}"));
    let first = at("<svg");
    assert!(at("<h1>") < at("class=\"warn\""));
    assert!(at("class=\"warn\"") < at("<h2>Summary at 1000 Hz</h2>"));
    assert!(at("<h2>Summary at 1000 Hz</h2>") < first);
    assert!(first < at("one marker per boot"));
    assert!(at("one marker per boot") < at("where most runs took place</h3>"));
    assert!(at("where most runs took place</h3>") < at("<h2>Latency tails at 1000 Hz</h2>"));
    assert!(at("<h2>Latency tails at 1000 Hz</h2>") < at("<h2>Runs</h2>"));
    let h2: Vec<&str> = h
        .split("<h2>")
        .skip(1)
        .map(|s| &s[..s.find("</h2>").unwrap()])
        .collect();
    assert_eq!(
        h2[..3],
        ["Summary at 1000 Hz", "Latency tails at 1000 Hz", "Runs"]
    );

    let all = svgs(&h);
    let summary = all[0];
    let want = with_runs(&rep, rate);
    assert_eq!(want, rep.paths().len() * rep.boots.len(), "every cell ran");
    assert_eq!(markers(summary), want);
    // The legend names each boot; its swatches are opaque, not markers.
    for b in &rep.boots {
        assert!(summary.contains(&format!("{} (", b.label)), "{}", b.label);
    }
    for p in rep.paths() {
        assert!(summary.contains(&format!(">\n{p}\n<")), "row {p}");
    }
    // No other plot draws at the markers' opacity.
    assert!(all[1..].iter().all(|s| markers(s) == 0));

    // A path without runs on a boot loses its marker there, and only it.
    let mut fewer = rep.clone();
    let cell = fewer.boots[0]
        .cells
        .iter_mut()
        .find(|c| c.path == "tasklet" && c.rate() == rate && c.load() == Load::Idle)
        .unwrap();
    cell.wherein.values_mut().for_each(|n| *n = 0);
    let h = html::render(&fewer, rate).unwrap().html;
    assert_eq!(markers(svgs(&h)[0]), want - 1);
    assert_eq!(with_runs(&fewer, rate), want - 1);
    assert!(h.contains("no runs"));
}

/// The CCDF of every idle cell at 1000 Hz: from 1 down, never rising,
/// exact at each bucket's lower edge, ending at the upper edge of the
/// last bucket at the fraction of runs in it.
#[test]
fn ccdf_steps_down_to_the_last_bucket() {
    let rep = report();
    let mut checked = 0;
    for b in &rep.boots {
        for path in rep.paths() {
            let Some(c) = b.cell(&path, Rate::Hz(1000), Load::Idle) else {
                continue;
            };
            let total: u64 = c.hist.iter().map(|(_, n)| n).sum();
            let pts = plots::ccdf(&c.hist);
            if total == 0 {
                assert!(pts.is_empty());
                continue;
            }
            assert_eq!(pts[0].1, 1.0, "{path}");
            for w in pts.windows(2) {
                assert!(w[1].0 >= w[0].0, "{path}: x falls: {w:?}");
                assert!(w[1].1 <= w[0].1, "{path}: rises: {w:?}");
            }
            // Exact at each non-empty bucket's lower edge: the runs in it
            // and in every slower bucket.
            for (k, _) in &c.hist {
                // Bucket 0 (0 ns) is drawn from 0.5 ns on the log axis.
                let lo = match bounds(*k as usize).0 {
                    0 => 0.5,
                    lo => lo as f64,
                };
                let above: u64 = c.hist.iter().filter(|(j, _)| j >= k).map(|(_, n)| n).sum();
                // The step at an edge: the last point there.
                let at = pts.iter().rev().find(|p| p.0 == lo).unwrap();
                assert_eq!(at.1, above as f64 / total as f64, "{path} bucket {k}");
            }
            let (last, n_last) = *c.hist.last().unwrap();
            let end = *pts.last().unwrap();
            assert_eq!(end.0, bounds(last as usize).1 as f64 + 1.0, "{path}");
            assert_eq!(end.1, n_last as f64 / total as f64, "{path}");
            checked += 1;
        }
    }
    assert_eq!(checked, rep.paths().len() * rep.boots.len());
    assert!(plots::ccdf(&[]).is_empty());

    // On the page: a CCDF per boot, right after the summary, every path
    // in its legend.
    let h = html::render(&rep, Rate::Hz(1000)).unwrap().html;
    let all = svgs(&h);
    for (b, svg) in rep.boots.iter().zip(&all[1..]) {
        assert!(svg.contains(&format!("{} (", b.label)), "{}", b.label);
        assert!(svg.contains("latency CCDF at 1000 Hz, idle"));
        for path in rep.paths() {
            assert!(svg.contains(&format!("{path} (n=")), "{}: {path}", b.label);
        }
    }
    assert!(h.contains("steps are the buckets' edges"));
    assert!(h.contains("exact to a factor of 2 in latency"));
}
