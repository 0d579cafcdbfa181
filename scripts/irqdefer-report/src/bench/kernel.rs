// SPDX-License-Identifier: GPL-2.0

//! irqdefer beside the kernel's own instruments and the peers (issue 14):
//! its latency histograms against the ones hist triggers build in the
//! kernel for the same runs, timerlat's thread latency against the
//! `SCHED_FIFO` thread path at the same period, and cyclictest against
//! the thread paths at the same rate. (The cost against tracing the same
//! events is part of the overhead phase: [`super::CostRow`].)

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{hist_median_diff, hist_quantile, judge_offset, Interval, Status};
use super::{check_counts, fail, Boot, Result, ACC_TARGET};
use crate::results::bench::{Bench, Record};

/// A distribution's figures, ns.
#[derive(Debug, Clone, Serialize)]
pub struct Dist {
    /// Samples.
    pub n: u64,
    /// Percentiles 50, 90, 99 and the largest bucket's top.
    pub p50: Option<f64>,
    /// 90th.
    pub p90: Option<f64>,
    /// 99th.
    pub p99: Option<f64>,
    /// The top of the highest non-empty bucket (or the largest sample).
    pub max: Option<f64>,
    /// The buckets, `(lo, hi, count)`, ns.
    #[serde(skip)]
    pub buckets: Vec<(f64, f64, u64)>,
}

impl Dist {
    /// From buckets.
    pub fn of(buckets: Vec<(f64, f64, u64)>) -> Dist {
        let q = |x| hist_quantile(&buckets, x);
        Dist {
            n: buckets.iter().map(|b| b.2).sum(),
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
            max: buckets
                .iter()
                .filter(|b| b.2 > 0)
                .map(|b| b.1)
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))),
            buckets,
        }
    }

    /// From samples, ns (one bucket of 1 ns each).
    pub fn of_samples(xs: &[f64]) -> Dist {
        let mut d = Dist::of(xs.iter().map(|x| (*x, *x + 1.0, 1)).collect());
        d.max = xs.iter().copied().reduce(f64::max);
        d
    }

    /// Counts per log2 bucket `[2^(i-1), 2^i)` ns (bucket 0: below 1 ns),
    /// a bucket split across two log2 buckets counted where its low end
    /// falls: for showing two distributions side by side.
    pub fn log2(&self) -> BTreeMap<u32, u64> {
        let mut m = BTreeMap::new();
        for &(lo, _, c) in &self.buckets {
            let i = if lo < 1.0 {
                0
            } else {
                64 - (lo as u64).leading_zeros()
            };
            *m.entry(i).or_insert(0) += c;
        }
        m
    }
}

/// The `hb` buckets of a cell and source.
fn buckets(b: &Bench, cell: &str, src: &str) -> Vec<(f64, f64, u64)> {
    b.records("hb")
        .iter()
        .filter(|r| r.word("cell") == cell && r.word("src") == src)
        .map(|r| (r.num("lo"), r.num("hi"), r.int("count").max(0) as u64))
        .collect()
}

/// One path's latency, irqdefer's histogram against the hist triggers'.
#[derive(Debug, Clone, Serialize)]
pub struct HistRow {
    /// The path.
    pub path: String,
    /// The kernel's event pair, `request>entry`.
    pub pair: String,
    /// The chain's events, `irq_handler_entry>request>entry` (the pair
    /// where the capture has no chain).
    pub chain: String,
    /// Bottom-half runs measured in the compared run.
    pub runs: i64,
    /// Coalesced requests.
    pub coalesced: i64,
    /// The synthetic latency events (hits) of the like-for-like chain,
    /// or of the pair in a capture without the chain.
    pub hits: i64,
    /// Dropped.
    pub drops: i64,
    /// irqdefer's own p50, ns, from its log2 histogram in the compared run.
    pub module_p50: f64,
    /// irqdefer's p50 in a run of the same load without triggers, ns:
    /// what the triggers' own cost adds to the latency they measure.
    pub bare_p50: Option<f64>,
    /// irqdefer's distribution in the run it is compared in: the chain's,
    /// or the pair's in a capture without the chain.
    pub module: Dist,
    /// The kernel's, request to entry (the pair).
    pub kernel: Dist,
    /// The kernel's, from the top half's `irq_handler_entry` to the entry
    /// (the chain): irqdefer's own start and end, in the kernel's events.
    /// `None` in a capture from before the chain.
    pub kernel_irq: Option<Dist>,
    /// module − kernel, medians, ns, with its interval: against the chain
    /// where the capture has it, else against the pair.
    pub offset: Option<Interval>,
    /// module − the pair, medians, in the pair's run.
    pub pair_offset: Option<Interval>,
    /// The verdict.
    pub status: Status,
    /// In words.
    pub verdict: String,
}

/// The hist-trigger phase.
#[derive(Debug, Clone, Serialize)]
pub struct HistAcc {
    /// The boot.
    pub boot: String,
    /// Rate, Hz.
    pub rate: u64,
    /// Window, ms.
    pub ms: u64,
    /// The kernel histogram's bucket, ns.
    pub bucket_ns: u64,
    /// Paths without an event pair in the kernel.
    pub no_pair: Vec<String>,
    /// Per path.
    pub rows: Vec<HistRow>,
}

/// The hist-trigger phase of one boot.
pub fn hist_acc(b: &Bench) -> Result<HistAcc> {
    let boot = &Boot { b };
    let inst: BTreeMap<&str, &Record> = b
        .records("inst")
        .iter()
        .map(|r| (r.word("path"), r))
        .collect();
    let recs: BTreeMap<&str, &Record> = b
        .records("hist")
        .iter()
        .map(|r| (r.word("path"), r))
        .collect();
    let (mut rows, mut no_pair) = (Vec::new(), Vec::new());
    for p in boot.words("paths") {
        let Some(i) = inst.get(p) else {
            return fail(format!("{}: hist: no `inst` record for {p}", boot.name()));
        };
        if i.word("hist") == "none" {
            no_pair.push(p.to_string());
            continue;
        }
        let Some(r) = recs.get(p) else {
            return fail(format!("{}: hist: no cell for {p}", boot.name()));
        };
        check_counts(r, &format!("hist {p}"))?;
        // The pair's run (cell PATH); the run the verdict compares: the
        // chain's (cell PATH.chain), or the pair's in a capture from
        // before the chain.
        let pair_module = buckets(b, p, "module");
        let kernel = buckets(b, p, "kernel");
        let chained = r.opt("ihits").is_some();
        let (cell, src, hits, drops, chain) = if chained {
            (
                format!("{p}.chain"),
                "kernel_irq",
                "ihits",
                "idrops",
                r.word("chain"),
            )
        } else {
            (p.to_string(), "kernel", "hits", "drops", i.word("hist"))
        };
        let (module, compared) = (buckets(b, &cell, "module"), buckets(b, &cell, src));
        for (hist, what) in [
            (&kernel, "kernel's request → entry"),
            (&compared, "kernel's"),
            (&module, "module's"),
        ] {
            if hist.is_empty() {
                return fail(format!(
                    "{}: hist {p}: the {what} histogram of cell {cell} is empty ({} hits)",
                    r.at,
                    r.int(hits)
                ));
            }
        }
        let offset = hist_median_diff(&module, &compared);
        let module_p50 = hist_quantile(&module, 0.5).unwrap_or(0.0);
        let (status, verdict) = match offset {
            Some(iv) if module_p50 > 0.0 => judge_offset(&iv, ACC_TARGET * module_p50),
            _ => (Status::Unresolved, "unresolved".into()),
        };
        rows.push(HistRow {
            path: p.to_string(),
            pair: i.word("hist").to_string(),
            chain: chain.to_string(),
            runs: module.iter().map(|b| b.2).sum::<u64>() as i64,
            coalesced: r.int("coalesced"),
            hits: r.int(hits),
            drops: r.int(drops),
            module_p50,
            bare_p50: r.opt("bare_p50").filter(|v| *v > 0).map(|v| v as f64),
            module: Dist::of(module),
            kernel_irq: chained.then(|| Dist::of(compared)),
            pair_offset: hist_median_diff(&pair_module, &kernel),
            kernel: Dist::of(kernel),
            offset,
            status,
            verdict,
        });
    }
    Ok(HistAcc {
        boot: boot.text("boot"),
        rate: boot.int("hist_rate")?,
        ms: boot.int("hist_ms")?,
        bucket_ns: boot.int("hist_bucket_ns")?,
        no_pair,
        rows,
    })
}

/// One timerlat or irqdefer run.
#[derive(Debug, Clone, Serialize)]
pub struct TlRow {
    /// What ran: `timerlat`, `irqdefer`, or `both` at once.
    pub run: String,
    /// timerlat's thread − irq latency per activation, ns.
    pub timerlat: Option<Dist>,
    /// timerlat's IRQ latency (the timer's lateness), ns.
    pub timerlat_irq: Option<Dist>,
    /// timerlat's thread latency from the expiry (what cyclictest's
    /// figure is, less the return to user space), ns.
    pub timerlat_thread: Option<Dist>,
    /// irqdefer's top → bottom latency, ns (its log2 histogram).
    pub irqdefer: Option<Dist>,
    /// irqdefer's own p50, ns.
    pub irqdefer_p50: Option<f64>,
    /// Source requests coalesced (irqdefer).
    pub coalesced: i64,
}

/// The timerlat phase.
#[derive(Debug, Clone, Serialize)]
pub struct Timerlat {
    /// The irqdefer path with timerlat's shape.
    pub path: String,
    /// The period, µs.
    pub period_us: u64,
    /// Each run's window, ms.
    pub ms: u64,
    /// The runs: timerlat alone, irqdefer alone, both.
    pub rows: Vec<TlRow>,
    /// irqdefer − timerlat, medians, ns: alone (each in its own run) and
    /// at once.
    pub offset_alone: Option<Interval>,
    /// At once.
    pub offset_both: Option<Interval>,
}

/// The timerlat phase of one boot.
pub fn timerlat(b: &Bench) -> Result<Timerlat> {
    let boot = &Boot { b };
    let mut rows = Vec::new();
    for run in ["timerlat", "irqdefer", "both"] {
        let Some(r) = b.records("tl").iter().find(|r| r.word("run") == run) else {
            return fail(format!("{}: timerlat: no `{run}` run", boot.name()));
        };
        let tls: Vec<&Record> = b
            .records("tls")
            .iter()
            .filter(|t| t.word("run") == run)
            .collect();
        let has_tl = run != "irqdefer";
        if has_tl && tls.is_empty() {
            return fail(format!("{}: timerlat {run}: no activation traced", r.at));
        }
        if run != "timerlat" {
            check_counts(r, &format!("timerlat {run}"))?;
        }
        let thr: Vec<f64> = tls
            .iter()
            .map(|t| (t.int("thread") - t.int("irq")) as f64)
            .collect();
        let irq: Vec<f64> = tls.iter().map(|t| t.int("irq") as f64).collect();
        let from_expiry: Vec<f64> = tls.iter().map(|t| t.int("thread") as f64).collect();
        let module = buckets(b, &format!("tl.{run}"), "module");
        rows.push(TlRow {
            run: run.to_string(),
            timerlat: has_tl.then(|| Dist::of_samples(&thr)),
            timerlat_irq: has_tl.then(|| Dist::of_samples(&irq)),
            timerlat_thread: has_tl.then(|| Dist::of_samples(&from_expiry)),
            irqdefer: (run != "timerlat").then(|| Dist::of(module)),
            irqdefer_p50: (run != "timerlat").then(|| r.num("lat_p50")),
            coalesced: r.int("coalesced"),
        });
    }
    let diff = |a: &TlRow, t: &TlRow| -> Option<Interval> {
        hist_median_diff(&a.irqdefer.as_ref()?.buckets, &t.timerlat.as_ref()?.buckets)
    };
    let path = boot.text("tl_path");
    Ok(Timerlat {
        offset_alone: diff(&rows[1], &rows[0]),
        offset_both: diff(&rows[2], &rows[2]),
        path,
        period_us: boot.int("tl_period_us")?,
        ms: boot.int("tl_ms")?,
        rows,
    })
}

/// One cyclictest or irqdefer run.
#[derive(Debug, Clone, Serialize)]
pub struct CycRow {
    /// The run's name (`other`, `fifo`, a path, `both`, `both.<path>`).
    pub run: String,
    /// `cyclictest` or `irqdefer`.
    pub tool: String,
    /// The irqdefer path (`-` for cyclictest).
    pub path: String,
    /// cyclictest's policy and priority.
    pub policy: String,
    /// Priority.
    pub prio: i64,
    /// The distribution, ns.
    pub dist: Dist,
    /// cyclictest's own min, average and max, ns; its overflows.
    pub own: Option<(i64, i64, i64, i64)>,
    /// Whether it ran at once with the others.
    pub together: bool,
    /// irqdefer − cyclictest FIFO (the same kind of run: alone or
    /// together), medians, ns.
    pub vs_fifo: Option<Interval>,
}

/// The cyclictest phase.
#[derive(Debug, Clone, Serialize)]
pub struct Cyclictest {
    /// cyclictest's version.
    pub version: String,
    /// The interval, µs.
    pub interval_us: u64,
    /// Each run's window, ms.
    pub ms: u64,
    /// The runs.
    pub rows: Vec<CycRow>,
}

/// The cyclictest phase of one boot.
pub fn cyclictest(b: &Bench) -> Result<Cyclictest> {
    let boot = &Boot { b };
    let mut rows = Vec::new();
    for r in b.records("cyc") {
        let (run, tool) = (r.word("run"), r.word("tool"));
        let is_cyc = tool == "cyclictest";
        if !is_cyc {
            check_counts(r, &format!("cyclictest's like {run}"))?;
        }
        let dist = Dist::of(buckets(b, &format!("cyc.{run}"), tool_src(tool)));
        if dist.n == 0 {
            return fail(format!("{}: cyclictest {run}: no samples", r.at));
        }
        rows.push(CycRow {
            run: run.to_string(),
            tool: tool.to_string(),
            path: r.word("path").to_string(),
            policy: r.word("policy").to_string(),
            prio: r.int("prio"),
            dist,
            own: is_cyc.then(|| (r.int("min"), r.int("avg"), r.int("max"), r.int("overflows"))),
            together: run.starts_with("both"),
            vs_fifo: None,
        });
    }
    if !rows.iter().any(|r| r.tool == "cyclictest") {
        return fail(format!("{}: cyclictest: no cyclictest run", boot.name()));
    }
    let fifo = |together: bool| {
        rows.iter()
            .find(|r| r.tool == "cyclictest" && r.policy == "fifo" && r.together == together)
            .map(|r| r.dist.buckets.clone())
    };
    let (alone, both) = (fifo(false), fifo(true));
    for r in rows.iter_mut().filter(|r| r.tool == "irqdefer") {
        let f = if r.together { &both } else { &alone };
        r.vs_fifo = f
            .as_ref()
            .and_then(|f| hist_median_diff(&r.dist.buckets, f));
    }
    Ok(Cyclictest {
        version: boot.text("cyclictest"),
        interval_us: boot.int("cyc_interval_us")?,
        ms: boot.int("cyc_ms")?,
        rows,
    })
}

fn tool_src(tool: &str) -> &'static str {
    if tool == "cyclictest" {
        "cyclictest"
    } else {
        "module"
    }
}

/// Everything beside the kernel's instruments and the peers, where the
/// capture ran it.
#[derive(Debug, Clone, Serialize)]
pub struct Peers {
    /// The hist-trigger accuracy.
    pub hist: Option<HistAcc>,
    /// timerlat.
    pub timerlat: Option<Timerlat>,
    /// cyclictest.
    pub cyclictest: Option<Cyclictest>,
}

/// The phases of one boot that ran them (`hist`, `tl`, `cyc`).
pub fn peers(b: &Bench) -> Result<Peers> {
    let phases = b.header.meta.words("phases");
    let run = |ph: &str| phases.contains(&ph);
    Ok(Peers {
        hist: run("hist").then(|| hist_acc(b)).transpose()?,
        timerlat: run("tl").then(|| timerlat(b)).transpose()?,
        cyclictest: run("cyc").then(|| cyclictest(b)).transpose()?,
    })
}
