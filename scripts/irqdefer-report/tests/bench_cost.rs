// SPDX-License-Identifier: GPL-2.0

//! What measuring costs (phase `cost`, the module's `selfcost`) and the
//! overhead verdict it decides: what `full` adds per run, as the module
//! timed it, as a share of the CPU per run under `count`.
//!
//! `tests/data/bench-smoke4.txt` is a real capture of `BENCH_SMOKE=1
//! scripts/bench.sh` with the cost and kwork phases (20 paths' registry),
//! unchanged (tests/data/README.md); taken while a kernel was being built,
//! so its CPU per run is the harness's, not a result.

mod common;

use irqdefer_report::bench::stats::{judge_share, Status};
use irqdefer_report::bench::{analyse, kwork, report, selfcost, Analysis, OV_TARGET};
use irqdefer_report::results::bench::parse_str;

const SMOKE4: &str = "bench-smoke4.txt";

fn analysis() -> Analysis {
    let b = parse_str("smoke4.txt", &common::text(SMOKE4)).expect("the real capture parses");
    analyse(&[b]).expect("the real capture passes the sanity checks")
}

#[test]
fn every_class_has_every_part() {
    let a = analysis();
    let c = a.costs.as_ref().expect("the capture ran the cost phase");
    assert_eq!(c.classes.len(), selfcost::CLASSES.len());
    for k in &c.classes {
        assert_eq!(k.parts.len(), selfcost::PARTS.len());
        assert!(k.count > 0.0 && k.full > k.count, "{k:?}");
    }
    // What `full` adds, in the costliest class: hundreds of ns under TCG.
    let m = c.measuring_max();
    assert!((100.0..3000.0).contains(&m), "{m}");
}

#[test]
fn the_share_decides_every_path() {
    let a = analysis();
    for r in &a.overhead.rows {
        let v = r
            .measured_share
            .as_ref()
            .expect("decided where there is a cost phase");
        assert_ne!(v.status, Status::Inconclusive, "{}: {}", r.path, v.verdict);
        assert_eq!(r.overhead_verdict(), v);
        let iv = v.ci.expect("an interval");
        assert!(iv.lo <= iv.est && iv.est <= iv.hi, "{iv:?}");
    }
    // This capture: a few hundred ns against tens of µs per run.
    let md = report::render(&a);
    assert!(
        md.contains(
            "| full measurement costs ≤5% of throughput, every path | met: met on 3/3 paths"
        ),
        "{md}"
    );
    assert!(md.contains("selfcost share of count's CPU (≤5%)"));
}

#[test]
fn the_share_can_fail_or_stay_open() {
    // 400 ns (±15%) of 4 µs per run: 10%, above 5% whatever the rounds.
    let v = judge_share(400.0, 0.15, &[4.0, 4.1, 3.9, 4.0], OV_TARGET);
    assert_eq!(v.status, Status::NotMet, "{}", v.verdict);
    // Of 8 µs: 5%, the target inside the interval.
    let v = judge_share(400.0, 0.15, &[8.0, 8.2, 7.8, 8.1], OV_TARGET);
    assert_eq!(v.status, Status::Inconclusive, "{}", v.verdict);
    // Of 20 µs: 2%.
    let v = judge_share(400.0, 0.15, &[20.0, 21.0, 19.0, 20.5], OV_TARGET);
    assert_eq!(v.status, Status::Met, "{}", v.verdict);
    // No CPU above the idle noise in some round: no verdict.
    let v = judge_share(400.0, 0.15, &[-1.0, 0.0], OV_TARGET);
    assert_eq!(v.status, Status::Unresolved);
}

#[test]
fn perf_kwork_beside_irqdefer() {
    let a = analysis();
    let k = a.kwork.as_ref().expect("the capture ran the kwork phase");
    assert!(k.perf.starts_with("6."), "{}", k.perf);
    let row = |p: &str| k.rows.iter().find(|r| r.path == p).expect(p);
    // The softirq path: perf's row for its vector, one softirq per run
    // (nothing else of TASKLET runs in the VM).
    let t = row("tasklet");
    assert_eq!(
        (t.kind.as_str(), t.perf_name.as_str()),
        ("softirq", "(s)TASKLET:6")
    );
    assert_eq!(t.perf_count, t.runs);
    // The work item: perf's busiest function, one execution per run.
    let w = row("wq");
    assert_eq!(w.kind, "workqueue");
    assert!(w.perf_name.starts_with("(w)_R"), "{}", w.perf_name);
    assert_eq!(w.perf_count, w.runs);
    for r in &k.rows {
        // irqdefer's span holds perf's (it starts earlier, ends later).
        assert!(r.mean_ns > r.perf_avg_ns, "{r:?}");
        // Recording costs CPU.
        assert!(r.cpu_perf_us > r.cpu_alone_us, "{r:?}");
        assert!(!kwork::definition(&r.kind).is_empty());
    }
    let md = report::render(&a);
    assert!(md.contains("## 3e. perf kwork beside irqdefer"), "{md}");
    assert!(md.contains("`(s)TASKLET:6`"));
}
