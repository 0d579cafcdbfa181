// SPDX-License-Identifier: GPL-2.0

//! The renderings on real results: terminal width, marks, and an HTML
//! page that is self-contained with one SVG per plot.

mod common;

use irqdefer_report::figures::Report;
use irqdefer_report::results::scenario::{parse_file, Rate};
use irqdefer_report::view::Unit;
use irqdefer_report::{html, term};

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
    let paths = rep.paths().len();
    assert_eq!(page.plots, 2 * paths + rep.boots.len());
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
