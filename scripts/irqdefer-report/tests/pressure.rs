// SPDX-License-Identifier: GPL-2.0

//! The preemption models and the pressure scenarios on real captures of
//! `make demo` (tests/data/full.txt: preempt=full; rt.txt: PREEMPT_RT):
//! parsing, the hog's windows, the expectations against the measurement,
//! the overload crossing, the PREEMPT_RT headline and the renderings.

mod common;

use irqdefer_logic::context::Where;
use irqdefer_report::figures::{Boot, Report};
use irqdefer_report::pressure::{self, Fate, Handover};
use irqdefer_report::results::scenario::{parse_file, Group, Load, Rate};
use irqdefer_report::tables::{
    hog_table, overload_table, rt_latency_table, rt_pair, rt_where_table, textbook_table,
};
use irqdefer_report::view::Unit;
use irqdefer_report::{html, term};

fn boot(name: &str) -> Boot {
    Boot::of(&parse_file(&common::data(name)).expect("parses"))
}

fn report() -> Report {
    let files: Vec<_> = ["full.txt", "rt.txt"]
        .iter()
        .map(|f| parse_file(&common::data(f)).unwrap())
        .collect();
    Report::of(&files)
}

#[test]
fn header_states_the_model_and_the_pressure() {
    let full = parse_file(&common::data("full.txt")).unwrap();
    assert_eq!(full.meta("preempt"), "full");
    assert_eq!(full.meta("pressure"), "rthog overload");
    assert_eq!(full.meta("rthog_prios"), "49 51");
    assert!(full.meta("cmdline").contains("preempt=full"));
    let rt = parse_file(&common::data("rt.txt")).unwrap();
    assert_eq!(rt.meta("preempt"), "rt");
    assert_eq!(rt.meta("flavour"), "rt");
    // The registry's rule on PREEMPT_RT.
    let forced = rt.header.registry.get("hardirq_forced").unwrap();
    assert_eq!(forced.context.name, "hardirq");
    assert_eq!(forced.context_on(true).name, "task_irq_thread");
    let tasklet = rt.header.registry.get("tasklet").unwrap();
    assert_eq!(
        tasklet.context_on(true).places,
        [Where::SoftirqKsoftirqd, Where::SoftirqTask]
    );
}

#[test]
fn groups_and_windows() {
    let r = parse_file(&common::data("full.txt")).unwrap();
    let npaths = r.header.registry.paths.len();
    let hog: Vec<_> = r.cells.iter().filter(|c| c.group == Group::RtHog).collect();
    assert_eq!(hog.len(), 2 * npaths);
    assert!(hog
        .iter()
        .all(|c| c.stop.is_some() && c.rate == Rate::Hz(1000)));
    assert!(hog
        .iter()
        .all(|c| matches!(c.load, Load::Fifo(49) | Load::Fifo(51))));
    let over: Vec<_> = r
        .cells
        .iter()
        .filter(|c| c.group == Group::Overload)
        .collect();
    assert!(!over.is_empty());
    assert!(over.iter().any(|c| c.work_ns == 1_000_000));
    // Only the matrix feeds the matrix's tables.
    let b = Boot::of(&r);
    assert_eq!(b.loads(), [Load::Idle, Load::Busy]);
    assert_eq!(b.hog_prios(), [49, 51]);
    for c in &b.cells {
        if let Some(w) = &c.window {
            // The window is part of the cell; what ran in it ran in the cell.
            assert!(
                w.executed <= c.executed && w.raised <= c.raised,
                "{}",
                c.index
            );
            assert!(w.lat_count <= w.executed + 1);
            if w.executed > 0 {
                assert!(w.p50.unwrap() <= w.p99.unwrap());
            }
        }
    }
}

#[test]
fn hog_fates_on_full() {
    let b = boot("full.txt");
    let fate = |p: &str, prio| pressure::measured_fate(b.hog_cell(p, prio).unwrap()).unwrap();
    // Hard interrupt context and softirqs at interrupt exit preempt any task.
    for p in ["hardirq", "tasklet"] {
        assert_eq!(fate(p, 49), Fate::Runs, "{p}");
        assert_eq!(fate(p, 51), Fate::Runs, "{p}");
    }
    // SCHED_FIFO 50 runs above 49, starves under 51.
    assert_eq!(fate("threaded", 49), Fate::Runs);
    assert_eq!(fate("threaded", 51), Fate::Starves);
    assert_eq!(fate("kthread_worker", 49), Fate::Runs);
    assert_eq!(fate("kthread_worker", 51), Fate::Starves);
    // SCHED_OTHER on the hog's CPU starves under either.
    for p in ["wq", "kthread", "napi_threaded"] {
        assert_eq!(fate(p, 49), Fate::Starves, "{p}");
        assert_eq!(fate(p, 51), Fate::Starves, "{p}");
    }
    // A starved path ran nothing in the window, and everything after it.
    let c = b.hog_cell("wq", 51).unwrap();
    let w = c.window.as_ref().unwrap();
    assert_eq!(w.executed, 0);
    assert!(w.raised > 100);
    assert!(c.identity_ok);
    // Every measured fate on 6.12 full is the expected one, but the
    // unbound workqueue's, whose kworker ran on CPU 0: moved off.
    for p in b.paths() {
        let rule = b.registry.get(&p).unwrap();
        for prio in b.hog_prios() {
            let e = pressure::hog(rule, false, prio);
            let want = if p == "wq_unbound" {
                Fate::MovedOff
            } else {
                e.what
            };
            assert_eq!(fate(&p, prio), want, "{p} at {prio}: {}", e.why);
            assert!(pressure::agrees(e.what, want));
        }
    }
    let t = hog_table(&b);
    assert!(!t.any_bad());
}

#[test]
fn hog_on_rt_predicts_the_forced_threads() {
    let b = boot("rt.txt");
    let rule = |p: &str| b.registry.get(p).unwrap().clone();
    assert_eq!(pressure::hog(&rule("hardirq"), true, 51).what, Fate::Runs);
    assert_eq!(pressure::hog(&rule("tasklet"), true, 49).what, Fate::Runs);
    assert_eq!(
        pressure::hog(&rule("tasklet"), true, 51).what,
        Fate::Starves
    );
    assert_eq!(
        pressure::hog(&rule("irq_work"), true, 49).what,
        Fate::Starves
    );
    assert_eq!(pressure::hog(&rule("irq_work"), false, 51).what, Fate::Runs);
    let fate = |p: &str, prio| pressure::measured_fate(b.hog_cell(p, prio).unwrap()).unwrap();
    assert_eq!(fate("hardirq", 51), Fate::Runs);
    assert_eq!(fate("tasklet", 51), Fate::Starves);
    assert_eq!(fate("wq", 49), Fate::Starves);
}

/// On 7.3 `rt` (the sample report's capture, samples/report/rt.txt) the
/// forced IRQ thread of a source raised on CPU 1 runs on CPU 0, and with
/// it whatever its top half queues: those paths' runs in the hog's window
/// took place off the hog's CPU. They are moved off, not a disagreement;
/// a path that ran on the hog's CPU still runs, one that ran nowhere still
/// starves.
#[test]
fn hog_runs_off_the_hogs_cpu_are_moved_off() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/report/rt.txt");
    let b = Boot::of(&parse_file(&file).expect("the sample capture parses"));
    assert_eq!(b.meta("raise_cpu"), "1");
    let cell = |p: &str, prio| b.hog_cell(p, prio).unwrap();
    let fate = |p: &str, prio| pressure::measured_fate(cell(p, prio)).unwrap();
    for (p, prio) in [("threaded", 51), ("wq", 49), ("tasklet", 51)] {
        let w = cell(p, prio).window.as_ref().unwrap();
        assert!(w.executed > 100, "{p} at {prio}");
        assert_eq!(w.on_hog_cpu, Some(0), "{p} at {prio}");
        assert_eq!(fate(p, prio), Fate::MovedOff, "{p} at {prio}");
        let e = pressure::hog(b.registry.get(p).unwrap(), true, prio);
        assert_eq!(e.what, Fate::Starves, "{p} at {prio}");
        assert!(pressure::agrees(e.what, Fate::MovedOff));
    }
    // Hard interrupt context runs on the hog's CPU, above it.
    let w = cell("hardirq", 51).window.as_ref().unwrap();
    assert_eq!(w.on_hog_cpu, Some(w.executed));
    assert_eq!(fate("hardirq", 51), Fate::Runs);
    assert_eq!(fate("kthread", 51), Fate::Starves);
    assert!(!pressure::agrees(Fate::Starves, Fate::Runs));
    assert!(!pressure::agrees(Fate::Runs, Fate::Starves));
    // The table says so in its notes, and marks nothing for it.
    let t = hog_table(&b);
    let text = term::render_table(&t);
    assert!(!t.any_bad(), "{text}");
    assert!(text.contains("threaded (FIFO 49, 51)"), "{text}");
    assert!(text.contains("moved off"), "{text}");
    assert!(!text.contains("kthread (FIFO"), "{text}");
}

#[test]
fn overload_crosses_near_full_load_on_full() {
    let b = boot("full.txt");
    let shares = pressure::shares(&b, "tasklet");
    assert_eq!(shares.first().map(|s| s.0), Some(0.0));
    assert!(shares[0].1 < 0.05, "{shares:?}");
    let cross = pressure::crossing(&shares).expect("ksoftirqd takes the majority");
    assert!((80.0..=100.0).contains(&cross), "{cross}");
    assert!(shares.last().unwrap().1 > 0.5);
    let rule = b.registry.get("tasklet").unwrap();
    let e = pressure::overload(rule, false);
    assert_eq!(e.what, Handover::NearFull);
    assert!(e.what.agrees(&shares));
    // The timer path merges requests: its share never rises.
    let timer = b.registry.get("timer").unwrap();
    assert_eq!(pressure::overload(timer, false).what, Handover::Never);
    // The softirq paths are those the registry names, by its rule.
    let softirq: Vec<String> = b
        .registry
        .paths
        .iter()
        .filter(|p| p.softirq != "none")
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(b.overload_paths(), softirq);
}

#[test]
fn overload_on_rt_stays_in_the_task() {
    let b = boot("rt.txt");
    let rule = b.registry.get("tasklet").unwrap();
    assert_eq!(pressure::overload(rule, true).what, Handover::Never);
    let cells = b.overload_cells("tasklet");
    assert!(!cells.is_empty());
    for c in cells {
        assert_eq!(
            c.wherein[&Where::SoftirqIrqExit],
            0,
            "never at interrupt exit on RT"
        );
    }
    let t = overload_table(&b);
    assert!(t.title.as_deref().unwrap().contains("PREEMPT_RT"));
}

#[test]
fn textbook_marks_the_model_rule() {
    let b = boot("rt.txt");
    let t = textbook_table(&b);
    // The forced top half has a row of its own, after the textbook's rule.
    assert!(t.rows.iter().any(|r| r.cells[1].text == "textbook"));
    assert!(t
        .rows
        .iter()
        .any(|r| r.cells[1].text == "rule (RT)" && r.cells.iter().any(|c| c.bad)));
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("the rule differs from the textbook's")));
    // On full, no rule differs from the textbook.
    let full = textbook_table(&boot("full.txt"));
    assert!(!full.rows.iter().any(|r| r.cells[1].text == "textbook"));
}

#[test]
fn rt_headline() {
    let rep = report();
    let (full, rt) = rt_pair(&rep).expect("a full and an rt boot");
    assert_eq!((full.label.as_str(), rt.label.as_str()), ("full", "rt"));
    let w = rt_where_table(full, rt);
    let row = |t: &irqdefer_report::view::Table, p: &str| {
        t.rows
            .iter()
            .find(|r| r.cells[0].text == p)
            .unwrap()
            .clone()
    };
    // The tasklet: interrupt exit on full, in a task on RT, marked.
    let r = row(&w, "tasklet");
    assert!(r.cells[3].text.starts_with("irq-exit"), "{:?}", r.cells[3]);
    assert!(r.cells[4].bad);
    // hardirq stays where it is.
    let r = row(&w, "hardirq");
    assert_eq!(
        (r.cells[3].text.as_str(), r.cells[4].text.as_str()),
        ("hardirq", "hardirq")
    );
    assert!(!r.cells[4].bad);
    let l = rt_latency_table(full, rt);
    assert_eq!(l.columns.len(), 3 + 2 * 2);
    let r = row(&l, "wq");
    assert_eq!(r.cells[3].text, "starved");
    assert!(r.cells[3].bad);
}

#[test]
fn renderings_fit_and_hold_the_new_sections() {
    let rep = report();
    let out = term::render(&rep, Rate::Hz(1000), Unit::Auto);
    for l in out.lines() {
        assert!(l.chars().count() <= 120, "{} chars: {l}", l.chars().count());
    }
    assert!(out.contains("-- Real-time hog (full, preempt=full)"));
    assert!(out.contains("-- Softirq overload (rt, PREEMPT_RT)"));
    assert!(out.contains("What changes under PREEMPT_RT"));
    let page = html::render(&rep, Rate::Hz(1000)).unwrap();
    let paths = rep.paths().len();
    // Per path a histogram and a rate plot, per boot the CPUs and a CCDF,
    // per overload boot its two plots, and the summary figure.
    assert_eq!(page.plots, 2 * paths + 2 * rep.boots.len() + 2 * 2 + 1);
    assert_eq!(page.html.matches("<svg").count(), page.plots);
    assert!(page.html.contains("<h2>What changes under PREEMPT_RT</h2>"));
    assert!(page.html.contains("<h2>Real-time hog</h2>"));
    assert!(page.html.contains("<h2>Softirq overload</h2>"));
    assert!(page.html.contains("&#x2260; textbook"));
}
