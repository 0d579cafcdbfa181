// SPDX-License-Identifier: GPL-2.0

//! The registry's facts and the published controls, on a real capture
//! that carries them (tests/data/full-facts.txt: `make demo`, boot `full`,
//! `RATES=1000`): the textbook's rows and the real-time hog's predictions
//! come from the registry's words (`executor=`, `bound=`, `sched=`), not
//! from the mechanism's text, and the cells record the work the module
//! reported.

mod common;

use irqdefer_report::figures::Boot;
use irqdefer_report::pressure;
use irqdefer_report::results::scenario::{parse_file, Group, Scenario};
use irqdefer_report::tables::hog_table;

fn capture() -> Scenario {
    parse_file(&common::data("full-facts.txt")).expect("parses")
}

#[test]
fn controls_are_published_and_cells_record_what_the_module_reported() {
    let r = capture();
    let control = |name: &str, field: &str| -> String {
        let line = r.meta(&format!("control.{name}"));
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(&format!("{field}=")).map(str::to_string))
            .unwrap_or_else(|| panic!("control.{name} has no {field}= in `{line}`"))
    };
    for name in ["rate_hz", "cpu", "work_ns", "sleep_ms", "guard_pct"] {
        let (min, max): (i64, i64) = (
            control(name, "min").parse().unwrap(),
            control(name, "max").parse().unwrap(),
        );
        let default: i64 = control(name, "default").parse().unwrap();
        assert!(min <= default && default <= max, "{name}");
    }
    assert_eq!(control("measure", "choices"), "full,count");
    assert_eq!(control("cpu", "value"), r.meta("raise_cpu"));
    // Every cell states its work; an overload cell the module's.
    let pcts: Vec<u64> = r
        .meta("overload_pct")
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    let over: Vec<u64> = r
        .cells
        .iter()
        .filter(|c| c.group == Group::Overload && c.path == "tasklet")
        .map(|c| c.work_ns)
        .collect();
    let asked: Vec<u64> = pcts.iter().map(|p| p * 10_000).collect();
    assert_eq!(over, asked);
    assert!(r
        .cells
        .iter()
        .filter(|c| c.group != Group::Overload)
        .all(|c| c.work_ns == 0));
}

#[test]
fn registry_states_the_facts() {
    let r = capture();
    let reg = &r.header.registry;
    for p in &reg.paths {
        for key in ["executor", "thread", "sched", "bound", "merges"] {
            assert!(p.fields.contains_key(key), "{}: no {key}=", p.name);
        }
    }
    let get = |name: &str| reg.get(name).unwrap();
    assert!(!get("wq_unbound").bound && get("wq").bound);
    assert_eq!(get("kthread_worker").fifo_prio_on(false), 50);
    assert_eq!(get("threaded").fifo_prio_on(false), 50);
    assert_eq!(get("kthread").fifo_prio_on(false), 0);
    assert_eq!(get("irq_work").fifo_prio_on(true), 1);
    assert_eq!(get("wq_highpri").executor, get("wq_own").executor);
}

#[test]
fn textbook_rows_are_the_registry_executors_in_its_order() {
    let r = capture();
    let mut want: Vec<&str> = Vec::new();
    for p in &r.header.registry.paths {
        let e = p.executor.as_str();
        if !want.contains(&e) {
            want.push(e);
        }
    }
    let b = Boot::of(&r);
    let rows: Vec<&str> = b.textbook.iter().map(|t| t.executor.as_str()).collect();
    assert_eq!(rows, want);
    for t in &b.textbook {
        assert!(t.agrees(), "{}: {:?}", t.executor, t);
    }
}

#[test]
fn hog_predictions_from_the_registry_agree() {
    let b = Boot::of(&capture());
    for p in b.paths() {
        let rule = b.registry.get(&p).unwrap();
        for prio in b.hog_prios() {
            let e = pressure::hog(rule, false, prio);
            let measured = pressure::measured_fate(b.hog_cell(&p, prio).unwrap()).unwrap();
            assert!(
                pressure::agrees(e.what, measured),
                "{p} at {prio}: {}",
                e.why
            );
            // Only the unbound workqueue's kworker may run off the hog's CPU
            // on 6.12 (no forced IRQ threads on full).
            if measured == pressure::Fate::MovedOff {
                assert_eq!(p, "wq_unbound");
            } else {
                assert_eq!(measured, e.what, "{p} at {prio}: {}", e.why);
            }
        }
    }
    assert!(!hog_table(&b).any_bad());
}
