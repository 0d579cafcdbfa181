// SPDX-License-Identifier: GPL-2.0

//! The bench grammar of issue 14 on a real capture: the cost of irqdefer
//! against the kernel's tracepoints and hist triggers for the same events,
//! its latency against the hist triggers' histograms, timerlat and
//! cyclictest beside it; the confidence interval printed with every
//! verdict.
//!
//! `tests/data/bench-smoke2.txt` is a real capture of `BENCH_SMOKE=1
//! scripts/bench.sh` (out/bench/smoke.txt) with the kernel's instruments,
//! unchanged (tests/data/README.md); `bench-smoke3.txt` a later one, whose
//! hist phase adds the chain from the top half's entry and a run without
//! triggers.

mod common;

use irqdefer_report::bench::stats::Status;
use irqdefer_report::bench::{analyse, report, Analysis};
use irqdefer_report::results::bench::{parse_str, Bench};

const SMOKE2: &str = "bench-smoke2.txt";
const SMOKE3: &str = "bench-smoke3.txt";

fn capture() -> Bench {
    parse_str("smoke2.txt", &common::text(SMOKE2)).expect("the real capture parses")
}

fn analysis() -> Analysis {
    analyse(&[capture()]).expect("the real capture passes the sanity checks")
}

#[test]
fn new_records_parse() {
    let b = capture();
    let m = &b.header.meta;
    assert_eq!(
        m.words("ov_modes"),
        ["full", "count", "trace", "hist", "reader", "hog"]
    );
    assert_eq!(
        m.words("phases"),
        ["idle", "ov", "max", "acc", "hist", "tl", "cyc", "scale"]
    );
    let paths = m.words("paths");
    // One `inst` record per path, derived from its registry rule.
    let inst = b.records("inst");
    assert_eq!(inst.len(), paths.len());
    for r in inst {
        let rule = b.header.registry.get(r.word("path")).unwrap();
        let events: Vec<&str> = r.word("trace").split(',').collect();
        assert!(events.contains(&"irq/irq_handler_entry"), "{events:?}");
        // A softirq's events exactly where the registry names one.
        assert_eq!(
            events.contains(&"irq/softirq_raise"),
            rule.softirq != "none",
            "{}",
            r.word("path")
        );
        // A pair exactly where the entry event is not the top half's.
        assert_eq!(
            r.word("hist") == "none",
            rule.trace == "irq:irq_handler_entry" || rule.trace == "none",
            "{}",
            r.word("path")
        );
    }
    // Every overhead round has the tracepoint mode for every path, the
    // hist mode for those with a pair.
    let rounds = m.int("rounds").unwrap() as usize;
    let ov = b.records("ov");
    let n = |mode: &str| ov.iter().filter(|r| r.word("mode") == mode).count();
    let pairs = inst.iter().filter(|r| r.word("hist") != "none").count();
    assert_eq!(n("trace"), paths.len() * rounds);
    assert_eq!(n("hist"), pairs * rounds);
    assert!(ov
        .iter()
        .filter(|r| r.word("mode") == "trace")
        .all(|r| r.opt("tev").is_some_and(|e| e > 0)));
    // The hist-trigger cells, their buckets; timerlat's activations.
    assert_eq!(b.records("hist").len(), pairs);
    assert!(b.records("hb").len() > 10);
    assert!(b.records("tls").len() > 100);
    let runs: Vec<&str> = b.records("tl").iter().map(|r| r.word("run")).collect();
    assert_eq!(runs, ["timerlat", "irqdefer", "both"]);
    assert!(b
        .records("cyc")
        .iter()
        .any(|r| r.word("tool") == "cyclictest" && r.word("policy") == "fifo"));
}

#[test]
fn cost_against_tracing() {
    let a = analysis();
    for r in &a.overhead.rows {
        let c = r.cost.as_ref().expect("every path has the three ways");
        // Every ratio with its interval around it.
        for iv in [c.full_count, c.trace_count].into_iter().flatten() {
            assert!(iv.lo <= iv.est && iv.est <= iv.hi, "{}: {iv:?}", r.path);
        }
        let v = &c.full_vs_trace;
        assert!(
            v.verdict.contains('[') && v.verdict.contains(']'),
            "{}",
            v.verdict
        );
        assert_eq!(c.full_vs_hist.is_some(), c.hist.is_some());
        // Tracing writes at least the top half's two events per run.
        assert!(c.events_per_run.unwrap() >= 1.5, "{}", r.path);
    }
}

#[test]
fn hist_timerlat_cyclictest() {
    let a = analysis();
    let h = a.peers.hist.as_ref().unwrap();
    assert!(!h.rows.is_empty());
    for r in &h.rows {
        // The kernel saw (nearly) each run: hits are runs, give or take
        // a raise the trigger did not pair.
        assert!(r.hits > 0 && r.kernel.n > 0 && r.module.n > 0);
        assert_eq!(r.module.n as i64, r.runs, "{}", r.path);
        let iv = r.offset.unwrap();
        assert!(iv.lo <= iv.est && iv.est <= iv.hi);
        assert!(r.verdict.contains("µs ["), "{}", r.verdict);
        assert_ne!(r.status, Status::Unresolved);
    }
    let tl = a.peers.timerlat.as_ref().unwrap();
    assert_eq!(tl.rows.len(), 3);
    let t = tl.rows[0].timerlat.as_ref().unwrap();
    // thread − irq: a wake-up after the handler, never negative.
    assert!(t.p50.unwrap() > 0.0 && t.n > 100);
    assert!(tl.rows[0].irqdefer.is_none() && tl.rows[1].timerlat.is_none());
    assert!(tl.offset_alone.is_some() && tl.offset_both.is_some());
    let c = a.peers.cyclictest.as_ref().unwrap();
    for r in &c.rows {
        assert!(r.dist.n > 0);
        if r.tool == "irqdefer" {
            assert!(r.vs_fifo.is_some(), "{}", r.run);
        } else {
            // cyclictest's histogram holds every sample but its overflows.
            let (_, _, _, over) = r.own.unwrap();
            assert!(r.dist.n > 0 && over >= 0);
        }
    }
}

#[test]
fn report_has_the_four_sections() {
    let md = report::render(&analysis());
    let heads: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    for word in ["tracepoints", "hist", "timerlat", "cyclictest"] {
        assert!(
            heads.iter().any(|h| h.contains(word)),
            "no heading with `{word}`: {heads:?}"
        );
    }
    // Every verdict cell prints its interval: "[lo, hi]" beside the word.
    for l in md.lines().filter(|l| l.starts_with('|')) {
        for w in ["| met (", "| NOT MET (", "| inconclusive ("] {
            if let Some(i) = l.find(w) {
                let rest = &l[i..];
                let cell = &rest[..rest[1..].find('|').map_or(rest.len(), |j| j + 1)];
                assert!(cell.contains('['), "a verdict without its interval: {cell}");
            }
        }
    }
    // The JSON carries the intervals too.
    let js = serde_json::to_value(analysis()).unwrap();
    assert!(js["overhead"]["rows"][0]["cost"]["full_vs_trace"]["ci"]["lo"].is_number());
}

#[test]
fn the_same_input_gives_the_same_report() {
    let (a, b) = (analysis(), analysis());
    assert_eq!(report::render(&a), report::render(&b));
}

#[test]
fn capture_without_the_chain_compares_with_the_pair() {
    let a = analysis();
    for r in &a.peers.hist.as_ref().unwrap().rows {
        assert!(r.kernel_irq.is_none() && r.bare_p50.is_none(), "{}", r.path);
        assert_eq!(r.chain, r.pair);
        assert_eq!(r.offset.map(|i| i.est), r.pair_offset.map(|i| i.est));
    }
}

#[test]
fn the_chain_gives_the_verdict() {
    let b = parse_str("smoke3.txt", &common::text(SMOKE3)).expect("the real capture parses");
    let a = analyse(&[b]).expect("the real capture passes the sanity checks");
    let h = a.peers.hist.as_ref().unwrap();
    assert!(!h.rows.is_empty());
    for r in &h.rows {
        let k = r.kernel_irq.as_ref().expect("the chain's histogram");
        // The chain starts at the top half's entry, before the request:
        // its median is above the pair's.
        assert!(k.p50.unwrap() > r.kernel.p50.unwrap(), "{}", r.path);
        assert!(r.chain.starts_with("irq/irq_handler_entry>"), "{}", r.chain);
        assert!(r.chain.contains(r.pair.split('>').next().unwrap()));
        // Each measured run is in the module's histogram of the chain's run.
        assert_eq!(r.module.n as i64, r.runs, "{}", r.path);
        assert!(r.hits > 0 && k.n > 0);
        // The run without triggers: triggers only add to the latency.
        let bare = r.bare_p50.expect("the run without triggers");
        assert!(
            bare > 0.0 && bare < r.module_p50,
            "{}: {bare} {}",
            r.path,
            r.module_p50
        );
        let iv = r.offset.unwrap();
        assert!(iv.lo <= iv.est && iv.est <= iv.hi);
        assert_ne!(r.offset.map(|i| i.est), r.pair_offset.map(|i| i.est));
    }
    let md = report::render(&a);
    assert!(md.contains("module p50 µs, no triggers"));
    assert!(md.contains("irq/irq_handler_entry → irq/softirq_raise → irq/tasklet_entry"));
}

/// The trace mode needs each path's `inst` record: without one, the
/// overhead phase is an error naming the path, whatever the rounds (with
/// `meta rounds 0` no cell asks for it first).
#[test]
fn trace_mode_without_an_inst_record_is_an_error() {
    for rounds in ["2", "0"] {
        let text: String = common::text(SMOKE2)
            .lines()
            .filter(|l| !(l.starts_with("inst ") && l.contains(" path=hardirq ")))
            .map(|l| match l {
                "meta rounds 2" => format!("meta rounds {rounds}\n"),
                l => format!("{l}\n"),
            })
            .collect();
        let b = parse_str("smoke2.txt", &text).expect("parses");
        let e = analyse(&[b]).expect_err("must fail").to_string();
        assert_eq!(
            e, "smoke2.txt: overhead: no `inst` record for hardirq",
            "{rounds}"
        );
    }
}
