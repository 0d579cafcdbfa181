// SPDX-License-Identifier: GPL-2.0

//! Parsing and figures on real captured results.

mod common;

use irqdefer_logic::context::Where;
use irqdefer_report::figures::{Boot, CellFigures, Report};
use irqdefer_report::results::scenario::{parse_file, parse_str, Load, Rate};

fn threadirqs() -> Boot {
    let r = parse_file(&common::data("threadirqs.txt")).expect("parses");
    Boot::of(&r)
}

#[test]
fn threadirqs_meta_and_matrix() {
    let r = parse_file(&common::data("threadirqs.txt")).expect("parses");
    assert_eq!(r.meta("kernel"), "6.12.117");
    assert_eq!(r.meta("boot"), "threadirqs");
    assert_eq!(r.meta("flavour"), "normal");
    assert_eq!(r.meta("accel"), "tcg");
    assert_eq!(r.meta("vcpus"), "2");
    assert_eq!(r.meta("raise_cpu"), "1");
    assert_eq!(r.meta("cell_seconds"), "1");
    assert!(r
        .meta("cmdline")
        .ends_with("irqdefer_boot=threadirqs threadirqs"));
    assert_eq!(r.cells.len(), 96);
    // The paths and their order come from the module's registry, in the
    // header.
    let names = r.header.registry.names();
    assert_eq!(names.len(), 12);
    let b = Boot::of(&r);
    assert_eq!(b.paths(), names);
    assert_eq!(
        b.rates(),
        [Rate::Single, Rate::Hz(100), Rate::Hz(1000), Rate::Hz(10000)]
    );
    assert_eq!(b.loads(), [Load::Idle, Load::Busy]);
    // Every path at every rate under every load, once.
    for p in &names {
        for r in b.rates() {
            for l in b.loads() {
                assert!(b.cell(p, r, l).is_some(), "{p} {r} {l:?}");
            }
        }
    }
}

#[test]
fn first_cell_figures() {
    let b = threadirqs();
    let c = b.cell("hardirq", Rate::Single, Load::Idle).unwrap();
    assert_eq!(c.index, 1);
    assert_eq!(
        (c.injected, c.raised, c.executed, c.coalesced),
        (50, 50, 50, 0)
    );
    assert!((c.duration_s - 1.41).abs() < 1e-9);
    assert!((c.drain_s - 0.02).abs() < 1e-9);
    assert!((c.runs_per_s - 50.0 / 1.41).abs() < 1e-9);
    assert_eq!(c.coalesced_share, 0.0);
    assert_eq!(c.same_cpu_share, 1.0);
    assert_eq!(c.ksoftirqd_share, 0.0);
    assert_eq!(c.irq, 24);
    assert_eq!(c.proc_interrupts, Some(50));
    assert_eq!(c.latency.p50, 3875);
    assert_eq!(c.latency.p99, 113111);
    assert_eq!(c.latency.max, 113111);
    assert_eq!(c.wherein[&Where::TaskIrqThread], 50);
    assert_eq!(c.runs(), 50);
    assert_eq!((c.preemptible, c.may_sleep, c.irqs_disabled), (0, 0, 50));
    assert_eq!(c.per_cpu, [50, 0]);
    assert_eq!(c.hist, [(12, 28), (13, 21), (17, 1)]);
    // /proc/softirqs deltas over both CPUs: TIMER 37+34 -> 95+113.
    assert_eq!(c.softirqs["TIMER"], 95 + 113 - 37 - 34);
    assert!(!c.softirqs.contains_key("HI"));
}

#[test]
fn identities_hold_on_real_data() {
    for f in common::real_files() {
        let r = parse_file(&f).unwrap();
        for c in r.cells.iter().map(|c| CellFigures::of(c, None)) {
            assert!(c.identity_ok, "{}: cell {}", f.display(), c.index);
            // Every run is counted in exactly one place...
            assert_eq!(c.runs(), c.executed, "cell {}", c.index);
            // ...and on exactly one CPU.
            assert_eq!(c.per_cpu.iter().sum::<u64>(), c.executed);
            // Each latency sample lands in one histogram bucket.
            assert_eq!(c.hist.iter().map(|h| h.1).sum::<u64>(), c.latency.count);
            assert!(c.latency.p50 <= c.latency.p99 && c.latency.p99 <= c.latency.max);
            assert!((0.0..=1.0).contains(&c.coalesced_share));
            assert!((0.0..=1.0).contains(&c.same_cpu_share));
            assert!((0.0..=1.0).contains(&c.ksoftirqd_share));
            assert!(c.duration_s > 0.0);
        }
    }
}

#[test]
fn rates_reached() {
    let b = threadirqs();
    // Periodic cells run for about cell_seconds; the rate reached is close
    // to the rate asked for where nothing coalesces.
    let c = b.cell("tasklet", Rate::Hz(1000), Load::Idle).unwrap();
    assert_eq!(c.executed, 1006);
    assert!((c.runs_per_s - 1006.0 / c.duration_s).abs() < 1e-9);
    assert!(c.runs_per_s > 900.0 && c.runs_per_s < 1100.0);
    // The timer path fires at the next jiffy: most requests at 1000 Hz
    // coalesce.
    let t = b.cell("timer", Rate::Hz(1000), Load::Idle).unwrap();
    assert_eq!((t.raised, t.executed, t.coalesced), (1008, 86, 922));
    assert!((t.coalesced_share - 922.0 / 1008.0).abs() < 1e-12);
    assert_eq!(t.ksoftirqd_share, 1.0);
}

#[test]
fn threadirqs_interrupt_counts_may_exceed_raised() {
    let b = threadirqs();
    let c = b.cell("hardirq", Rate::Hz(1000), Load::Idle).unwrap();
    assert_eq!(c.raised, 1006);
    assert_eq!(c.proc_interrupts, Some(1008));
}

#[test]
fn textbook_under_threadirqs() {
    let b = threadirqs();
    let names: Vec<&str> = b.textbook.iter().map(|r| r.executor.as_str()).collect();
    // The registry's executors (`executor=`), in its order.
    assert_eq!(
        names,
        [
            "hardirq",
            "irq_thread",
            "tasklet",
            "workqueue",
            "bh_workqueue",
            "timer",
            "hrtimer",
            "kthread"
        ]
    );
    let hard = &b.textbook[0];
    // The top half ran in an irq/N thread: task context, still atomic.
    assert!(!hard.context.agrees);
    assert!(!hard.ran.agrees);
    assert!(hard.may_sleep.agrees && hard.preemptible.agrees && hard.gfp.agrees);
    assert_eq!(hard.runs, hard.wherein[&Where::TaskIrqThread]);
    assert_eq!(
        hard.may_sleep.measured,
        format!("no (0/{} may sleep)", hard.runs)
    );
    assert_eq!(hard.gfp.measured, "GFP_ATOMIC");
    assert!(hard.notes[0].contains("threadirqs"), "{:?}", hard.notes);
    // Every other executor follows the book.
    for r in &b.textbook[1..] {
        assert!(r.agrees(), "{}: {:?}", r.executor, r);
    }
    let wq = &b.textbook[3];
    assert_eq!(wq.gfp.measured, "GFP_KERNEL");
    assert_eq!(
        wq.may_sleep.measured,
        format!("yes ({0}/{0} may sleep)", wq.runs)
    );
    // Pooled counts are the sums over the executor's cells.
    let sum: u64 = b
        .cells
        .iter()
        .filter(|c| c.path.starts_with("wq"))
        .map(|c| c.executed)
        .sum();
    assert_eq!(wq.runs, sum);
}

#[test]
fn report_labels_are_unique() {
    let r = parse_file(&common::data("threadirqs.txt")).unwrap();
    let rep = Report::of(&[r.clone(), r]);
    assert_eq!(rep.boots[0].label, "threadirqs");
    assert_eq!(rep.boots[1].label, "threadirqs#2");
}

#[test]
fn json_round_trips() {
    let r = parse_file(&common::data("threadirqs.txt")).unwrap();
    let rep = Report::of(&[r]);
    let v: serde_json::Value = serde_json::to_value(&rep).unwrap();
    assert_eq!(v["format_version"], 2);
    let c = &v["boots"][0]["cells"][0];
    assert_eq!(c["path"], "hardirq");
    assert_eq!(c["rate"], "single");
    assert_eq!(c["executed"], 50);
    assert_eq!(c["wherein"]["task_irq_thread"], 50);
    assert_eq!(v["boots"][0]["textbook"][0]["context"]["agrees"], false);
}

#[test]
fn parse_is_line_ending_agnostic() {
    let text = common::text("threadirqs.txt");
    let a = parse_str("a", &text).unwrap();
    let b = parse_str("a", &text.replace('\n', "\r\n")).unwrap();
    assert_eq!(a.cells, b.cells);
}

#[test]
fn normal_boot_follows_the_book() {
    let f = common::data("normal.txt");
    let r = parse_file(&f).expect("parses");
    assert_eq!(r.meta("boot"), "normal");
    let b = Boot::of(&r);
    assert_eq!(b.cells.len(), 96);
    for row in &b.textbook {
        assert!(row.agrees(), "{}: {:?}", row.executor, row);
    }
    let hard = &b.textbook[0];
    assert_eq!(hard.runs, hard.wherein[&Where::Hardirq]);
    assert_eq!(hard.irqs_disabled_runs, hard.runs);
}

/// The module's percentiles, recomputed from the histogram with the
/// module's own code (`irqdefer_logic::hist`, the file the module mounts):
/// each lies in the bucket the histogram puts it in, within the error
/// bound `[max(lo, min), min(hi, max)]` the module documents.
#[test]
fn percentiles_agree_with_the_modules_histogram() {
    use irqdefer_logic::hist::{bounds, bucket_of, Summary, BUCKETS};
    let mut checked = 0;
    for f in common::real_files() {
        let r = parse_file(&f).unwrap();
        for c in &r.cells {
            let s = &c.after.snapshot;
            let mut hist = [0u64; BUCKETS];
            for (b, n) in &s.hist {
                hist[*b as usize] = *n;
            }
            let lat = &s.latency;
            let sum = lat.mean * lat.count;
            let sum_ = Summary::new(hist, lat.min, lat.max, sum);
            assert_eq!(sum_.count, lat.count);
            for (pm, got) in [
                (500, lat.p50),
                (900, lat.p90),
                (990, lat.p99),
                (999, lat.p999),
            ] {
                let want = sum_.quantile(pm);
                let (lo, hi) = bounds(bucket_of(want));
                let (a, b) = (lo.max(lat.min), hi.min(lat.max));
                assert!(
                    a <= got && got <= b,
                    "{} cell {}: p{pm} {got} outside [{a}, {b}] (recomputed {want})",
                    f.display(),
                    c.index
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
