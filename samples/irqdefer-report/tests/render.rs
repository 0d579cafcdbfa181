// SPDX-License-Identifier: GPL-2.0

//! The renderings on real results: terminal width, marks, and an HTML
//! page that is self-contained with one SVG per plot.

mod common;

use irqdefer_report::figures::Report;
use irqdefer_report::results::scenario::{parse_file, Rate};
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
        let out = term::render(&rep, rate);
        for l in out.lines() {
            assert!(l.chars().count() <= 120, "{} chars: {l}", l.chars().count());
        }
    }
}

#[test]
fn terminal_tables() {
    let rep = report();
    let out = term::render(&rep, Rate::Hz(1000));
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
