// SPDX-License-Identifier: GPL-2.0

//! `compare A B` on the real captures: a capture against itself, two
//! different boots, both kinds, bad input, and the --fail-if gate.

mod common;

use common::{bin, data, tmp};
use irqdefer_report::compare::{load_pair, Comparison, Gate, HEADLINE_MAX};
use irqdefer_report::figures::Boot;
use irqdefer_report::pressure::Fate;
use irqdefer_report::results::scenario::{parse_file, Group};

fn compare(a: &str, b: &str) -> Comparison {
    let (a, b) = load_pair(&data(a), &data(b)).expect("loads");
    Comparison::of(&a, &b)
}

/// Every change of a capture against itself is 0, and its interval holds
/// 0.
fn assert_no_change(c: &Comparison) {
    assert!(!c.cells.is_empty());
    for x in &c.cells {
        for (what, ch) in [("p50", &x.p50), ("p99", &x.p99)] {
            // A hog cell whose path starved has no runs: nothing to
            // compare.
            if x.n_a == 0 {
                assert!(ch.is_none());
                continue;
            }
            let ch = ch
                .as_ref()
                .unwrap_or_else(|| panic!("{} {}", x.path, x.cell));
            let (d, r) = (ch.diff, ch.ratio.expect("a ratio"));
            assert_eq!(d.est, 0.0, "{} {} {what}", x.path, x.cell);
            assert!(
                d.lo <= 0.0 && d.hi >= 0.0,
                "{} {} {what}: {d:?}",
                x.path,
                x.cell
            );
            assert_eq!(r.est, 1.0);
            assert!(
                r.lo <= 1.0 && r.hi >= 1.0,
                "{} {} {what}: {r:?}",
                x.path,
                x.cell
            );
        }
        assert_eq!(x.n_a, x.n_b);
        assert!(x.moved.is_none_or(|m| m == 0.0));
    }
    assert!(c.paths_only_a.is_empty() && c.paths_only_b.is_empty());
    assert!(c.cells_only_a.is_empty() && c.cells_only_b.is_empty());
    assert!(c.differs.is_empty() && c.rules.is_empty());
    assert!(c.hog.iter().all(|h| h.measured_a == h.measured_b));
}

#[test]
fn a_scenario_capture_against_itself_changes_nothing() {
    let c = compare("full.txt", "full.txt");
    assert_eq!(c.kind, "scenario");
    // Every cell of the capture is compared: matrix, hog and overload.
    assert_eq!(
        c.cells.len(),
        parse_file(&data("full.txt")).unwrap().cells.len()
    );
    assert_eq!(c.hog.len(), 36);
    assert_no_change(&c);
    assert!(c.headline().is_empty());
    let mut gated = c.clone();
    gated.gate(&Gate::parse(&["p99>+0%,p50>+0%,p99<-0%,moved>0pp,starves".into()]).unwrap());
    assert!(gated.fail_if.is_empty(), "{:?}", gated.fail_if);
}

#[test]
fn a_bench_capture_against_itself_changes_nothing() {
    let c = compare("bench-smoke3.txt", "bench-smoke3.txt");
    assert_eq!(c.kind, "bench");
    // The accuracy phase's runs of each measured path, and the module's
    // histograms of the other phases.
    let acc: Vec<&str> = c
        .cells
        .iter()
        .filter(|x| x.cell == "acc")
        .map(|x| x.path.as_str())
        .collect();
    assert_eq!(acc.len(), 3, "{acc:?}");
    assert!(c.cells.iter().any(|x| x.cell == "hist chain"));
    assert_no_change(&c);
}

#[test]
fn the_figures_are_the_modules() {
    // A matrix cell's p50 and p99, from its histogram as the module
    // summarises it, are the module's own lat_p50 and lat_p99.
    let c = compare("full.txt", "full.txt");
    let b = Boot::of(&parse_file(&data("full.txt")).unwrap());
    let mut checked = 0;
    for f in b.cells.iter().filter(|f| f.group() == Group::Matrix) {
        let label = format!("{} {}", f.rate(), f.load);
        let x = c
            .cells
            .iter()
            .find(|x| x.path == f.path && x.cell == label)
            .unwrap();
        assert_eq!(x.p50_a, Some(f.latency.p50 as f64), "{} {label}", f.path);
        assert_eq!(x.p99_a, Some(f.latency.p99 as f64), "{} {label}", f.path);
        checked += 1;
    }
    assert_eq!(checked, 108);
}

#[test]
fn full_against_rt() {
    let c = compare("full.txt", "rt.txt");
    let keys: Vec<&str> = c.differs.iter().map(|d| d.key.as_str()).collect();
    assert!(
        keys.contains(&"model") && keys.contains(&"flavour"),
        "{keys:?}"
    );
    assert_eq!(c.cells.len(), 186);
    // The registry's rule differs on PREEMPT_RT where context_rt says so.
    let reg = &parse_file(&data("rt.txt")).unwrap().header.registry;
    let differ: Vec<&str> = reg
        .paths
        .iter()
        .filter(|p| {
            (&p.context_on(false).name, p.may_sleep_on(false))
                != (&p.context_on(true).name, p.may_sleep_on(true))
        })
        .map(|p| p.name.as_str())
        .collect();
    let rules: Vec<&str> = c.rules.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(rules, differ);
    assert!(!rules.is_empty());
    // A top half forced into a thread on RT: every run moved place.
    let x = c
        .cells
        .iter()
        .find(|x| x.path == "hardirq_forced" && x.cell == "1000 Hz idle")
        .unwrap();
    assert_eq!(x.moved, Some(1.0));
    assert_eq!(x.places_b.as_deref(), Some("irq-thread"));
    // The timer softirq goes to ksoftirqd on RT.
    let t = c
        .cells
        .iter()
        .find(|x| x.path == "timer" && x.cell == "1000 Hz idle")
        .unwrap();
    assert!(
        t.ksoftirqd_b.unwrap() > t.ksoftirqd_a.unwrap() + 0.5,
        "{t:?}"
    );
    // Hog verdicts: some change, and the hardirq path runs on both.
    assert!(c.hog.iter().any(|h| h.measured_a != h.measured_b));
    for h in c.hog.iter().filter(|h| h.path == "hardirq") {
        assert_eq!((h.measured_a, h.measured_b), (Fate::Runs, Fate::Runs));
    }
    // Significant changes either way.
    assert!(c.cells.iter().any(|x| x.p50.unwrap().diff.lo > 0.0));
    assert!(c.cells.iter().any(|x| x.p50.unwrap().diff.hi < 0.0));
    // The headline names the forced top half's move and a changed hog
    // verdict, and every p50 it names moved by 2x or more, the whole
    // interval.
    let head = c.headline();
    assert!(
        head.iter().any(
            |l| l.starts_with("hardirq_forced at 1000 Hz idle: 100% of the runs changed place")
        ),
        "{head:#?}"
    );
    assert!(
        head.iter().any(|l| l.contains("beside a SCHED_FIFO")),
        "{head:#?}"
    );
    let mut qualify = 0;
    let mut named = 0;
    for x in &c.cells {
        let Some(r) = x.p50.and_then(|c| c.ratio) else {
            continue;
        };
        let q = r.lo >= 2.0 || r.hi <= 0.5;
        let n = head
            .iter()
            .any(|l| l.starts_with(&format!("{} at {}: p50", x.path, x.cell)));
        assert!(!n || q, "{} {}: {r:?}", x.path, x.cell);
        qualify += usize::from(q);
        named += usize::from(n);
    }
    assert!(qualify > 0);
    assert_eq!(named, qualify.min(HEADLINE_MAX));
}

#[test]
fn normal_against_rt_lists_what_only_one_has() {
    let c = compare("normal.txt", "rt.txt");
    let (na, nb) = (
        parse_file(&data("normal.txt"))
            .unwrap()
            .header
            .registry
            .names()
            .len(),
        parse_file(&data("rt.txt"))
            .unwrap()
            .header
            .registry
            .names()
            .len(),
    );
    assert!(c.paths_only_a.is_empty());
    assert_eq!(c.paths_only_b.len(), nb - na);
    let only_a: Vec<&str> = c.cells_only_a.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(only_a, ["100 Hz idle", "100 Hz busy"]);
    assert!(c
        .cells_only_b
        .iter()
        .any(|(l, p)| l == "fifo51 hog 1000 Hz" && p.len() == na));
    assert!(c
        .cells_only_b
        .iter()
        .any(|(l, _)| l.starts_with("overload")));
    // No cell of a path only one has is compared.
    assert!(c.cells.iter().all(|x| !c.paths_only_b.contains(&x.path)));
}

#[test]
fn normal_against_threadirqs() {
    let c = compare("normal.txt", "threadirqs.txt");
    // Forced threading moves the top half into an IRQ thread.
    for x in c.cells.iter().filter(|x| x.path == "hardirq") {
        assert_eq!(x.places_a.as_deref(), Some("hardirq"));
        assert_eq!(x.places_b.as_deref(), Some("irq-thread"));
    }
    assert!(c.hog.is_empty());
    let text = c.doc().unwrap().term();
    assert!(
        text.contains("What differs: boot normal → threadirqs"),
        "{text}"
    );
    for l in text.lines() {
        assert!(l.chars().count() <= 120, "{l}");
    }
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = bin().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn d(name: &str) -> String {
    data(name).display().to_string()
}

#[test]
fn formats() {
    let (code, out, _) = run(&["compare", &d("full.txt"), &d("rt.txt")]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("irqdefer compare: B = rt against A = full\n"));
    for l in out.lines() {
        assert!(l.chars().count() <= 120, "{l}");
    }
    let (code, out, _) = run(&["compare", "--format", "json", &d("full.txt"), &d("rt.txt")]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["kind"], "scenario");
    assert_eq!(v["cells"].as_array().unwrap().len(), 186);
    assert!(v["cells"][0]["p99"]["diff"]["lo"].is_number());
    let (_, out, _) = run(&["compare", "--format", "md", &d("full.txt"), &d("rt.txt")]);
    assert!(out.contains("| path | cell | n A/B | p50 A→B |"), "{out}");
    let (_, out, _) = run(&["compare", "--format", "html", &d("full.txt"), &d("rt.txt")]);
    assert!(out.starts_with("<!DOCTYPE html>"));
    // A latency histogram per path, A against B.
    assert_eq!(out.matches("<svg").count(), 18);
    assert!(!out.contains("<script"));
}

#[test]
fn bad_input_exits_1() {
    // Truncated: cut inside a cell.
    let text = common::text("full.txt");
    let cut = tmp("truncated.txt");
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let (code, out, err) = run(&["compare", &d("full.txt"), &cut.display().to_string()]);
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert!(err.contains("truncated"), "{err}");
    // Another results version.
    let v1 = tmp("version1.txt");
    std::fs::write(
        &v1,
        text.replacen("irqdefer-results 2", "irqdefer-results 1", 1),
    )
    .unwrap();
    let (code, _, err) = run(&["compare", &d("full.txt"), &v1.display().to_string()]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("is results version 2") && err.contains("version 1: compare reads two"),
        "{err}"
    );
    // Both of that version: the parser's refusal.
    let (code, _, err) = run(&[
        "compare",
        &v1.display().to_string(),
        &v1.display().to_string(),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains(":1: unsupported results version 1"), "{err}");
    // A scenario capture against a bench capture.
    let (code, _, err) = run(&["compare", &d("full.txt"), &d("bench-smoke.txt")]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("is a scenario capture") && err.contains("a bench capture"),
        "{err}"
    );
    // A bad --fail-if.
    let (code, _, err) = run(&[
        "compare",
        "--fail-if",
        "p99>=1",
        &d("full.txt"),
        &d("rt.txt"),
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--fail-if `p99>=1`"), "{err}");
}

#[test]
fn fail_if_triggers_and_does_not() {
    // A capture against itself: nothing passes.
    let (code, _, err) = run(&[
        "compare",
        "--fail-if",
        "p99>+20%",
        &d("rt.txt"),
        &d("rt.txt"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    // full against rt: the p99 of some cells more than doubles, beyond
    // doubt, and some paths that ran under the FIFO hog starve.
    let (code, out, err) = run(&[
        "compare",
        "--fail-if",
        "p99>+100%",
        "--fail-if",
        "starves",
        &d("full.txt"),
        &d("rt.txt"),
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("differences pass --fail-if p99>+100%,starves"),
        "{err}"
    );
    assert!(out.contains("-- --fail-if:"), "{out}");
    assert!(out.contains("runs -> starves"));
    // The gate, on the figures: each hit's interval lies beyond +100%.
    let mut c = compare("full.txt", "rt.txt");
    c.gate(&Gate::parse(&["p99>+100%".into()]).unwrap());
    assert!(!c.fail_if.is_empty());
    for h in &c.fail_if {
        let x = c
            .cells
            .iter()
            .find(|x| x.path == h.path && x.cell == h.cell)
            .unwrap();
        assert!(x.p99.unwrap().ratio.unwrap().lo > 2.0, "{h:?}");
    }
    // The other way: improvements beyond 50%.
    c.gate(&Gate::parse(&["p99<-50%".into()]).unwrap());
    assert!(c
        .fail_if
        .iter()
        .all(|h| c.cells.iter().any(|x| x.path == h.path
            && x.cell == h.cell
            && x.p99.unwrap().ratio.unwrap().hi < 0.5)));
    assert!(!c.fail_if.is_empty());
}
