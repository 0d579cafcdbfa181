// SPDX-License-Identifier: GPL-2.0

//! Phase `kwork`: perf kwork beside irqdefer. Each path whose bottom half
//! perf kwork times (a softirq, per vector; a work item, per function) ran
//! alone, then under `perf kwork record`; `perf kwork latency` of that
//! recording gives its latency per work, irqdefer its own for the same
//! runs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{check_counts, fail, Boot, Result};
use crate::results::bench::{Bench, Record};

/// What each tool's latency spans, per kind of work.
pub fn definition(kind: &str) -> &'static str {
    match kind {
        "softirq" => {
            "perf: `softirq_raise` → `softirq_entry` of the vector; irqdefer: the top half's \
             stamp (before it asks) → the bottom half's start inside the softirq"
        }
        _ => {
            "perf: `workqueue_activate_work` (inside `queue_work()`) → \
             `workqueue_execute_start`; irqdefer: the top half's stamp (before `queue_work()`) → \
             the work function's start"
        }
    }
}

/// One path and kind of work.
#[derive(Debug, Clone, Serialize)]
pub struct KworkRow {
    /// The path.
    pub path: String,
    /// `softirq` or `workqueue`: how perf kwork sees its bottom half.
    pub kind: String,
    /// perf kwork's name for it (`(s)VECTOR:NR`, `(w)FUNCTION`, as perf
    /// prints it), or empty if perf listed none.
    pub perf_name: String,
    /// perf kwork's count, mean and max delay (ns), summed over CPUs.
    pub perf_count: u64,
    /// Mean delay, ns.
    pub perf_avg_ns: f64,
    /// Max delay, ns.
    pub perf_max_ns: f64,
    /// irqdefer's runs and mean latency (ns) in the recorded window.
    pub runs: u64,
    /// Mean latency, ns, recorded.
    pub mean_ns: f64,
    /// irqdefer's mean latency (ns) in the same load without perf.
    pub mean_alone_ns: f64,
    /// CPU µs per run, alone and under `perf kwork record`.
    pub cpu_alone_us: f64,
    /// The same, recorded.
    pub cpu_perf_us: f64,
}

/// The phase's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Kwork {
    /// The boot that ran it.
    pub boot: String,
    /// perf's version.
    pub perf: String,
    /// The source's rate, Hz, and each window, ms.
    pub rate: u64,
    /// Each window, ms.
    pub ms: u64,
    /// Per path and kind.
    pub rows: Vec<KworkRow>,
}

/// The name irqdefer gives a path's work function, for the kernel's tools
/// (`src/paths/wq.rs`: `work_fns!`; `irqdefer_trace.sh` checks that ftrace
/// names each so).
pub fn work_fn(path: &str) -> String {
    format!("irqdefer_{path}_work")
}

/// perf's line for a path's work of `kind`, summed over CPUs: for a
/// softirq, its vector's `(s)VECTOR:NR`; for a work item, the path's own
/// function ([`work_fn`]), or in a capture from before irqdefer named it,
/// the busiest function (the path's, at the source's rate, beside the
/// kernel's occasional `vmstat_update`).
fn perf_line<'a>(
    lines: &[&'a Record],
    kind: &str,
    vector: &str,
    path: &str,
) -> Option<(&'a str, u64, f64, f64)> {
    let mut by: BTreeMap<&str, (u64, f64, f64)> = BTreeMap::new();
    for r in lines.iter().filter(|r| r.word("kind") == kind) {
        let name = r.word("name");
        if kind == "softirq" && !name.starts_with(&format!("(s){vector}:")) {
            continue;
        }
        let e = by.entry(name).or_default();
        let n = r.int("count").max(0) as u64;
        e.0 += n;
        e.1 += r.num("avg_ns") * n as f64;
        e.2 = e.2.max(r.num("max_ns"));
    }
    let own = format!("(w){}", work_fn(path));
    if let Some((name, (n, sum, max))) = by.iter().find(|(name, _)| **name == own) {
        if *n > 0 {
            return Some((name, *n, sum / *n as f64, *max));
        }
    }
    by.into_iter()
        .filter(|(_, (n, _, _))| *n > 0)
        .max_by_key(|(_, (n, _, _))| *n)
        .map(|(name, (n, sum, max))| (name, n, sum / n as f64, max))
}

/// Reads phase `kwork` of `b`.
pub(super) fn kwork(boot: &Boot<'_>, b: &Bench, idle: f64) -> Result<Kwork> {
    let runs = b.records("kw");
    let lines = b.records("kwl");
    let mut rows = Vec::new();
    for p in boot.words("kw_paths") {
        let of = |run: &str| {
            runs.iter()
                .find(|r| r.word("path") == p && r.word("run") == run)
        };
        let (Some(alone), Some(rec)) = (of("alone"), of("perf")) else {
            continue;
        };
        check_counts(alone, &format!("kwork {p} alone"))?;
        check_counts(rec, &format!("kwork {p} under perf"))?;
        if rec.int("perf") != 0 {
            return fail(format!("{}: perf kwork record failed for {p}", rec.at));
        }
        let vector = boot.rule(p).map_or("", |r| r.softirq.as_str());
        let mine: Vec<&Record> = lines.iter().filter(|r| r.word("path") == p).collect();
        for kind in rec.word("kinds").split(',') {
            let (name, n, avg, max) =
                perf_line(&mine, kind, vector, p).unwrap_or(("", 0, 0.0, 0.0));
            rows.push(KworkRow {
                path: p.to_string(),
                kind: kind.to_string(),
                perf_name: name.to_string(),
                perf_count: n,
                perf_avg_ns: avg,
                perf_max_ns: max,
                runs: rec.int("executed").max(0) as u64,
                mean_ns: rec.num("lmean"),
                mean_alone_ns: alone.num("lmean"),
                cpu_alone_us: boot.cost_us(alone, idle)?,
                cpu_perf_us: boot.cost_us(rec, idle)?,
            });
        }
    }
    if rows.is_empty() {
        return fail(format!("{}: phase kwork has no path", b.name()));
    }
    Ok(Kwork {
        boot: boot.text("boot"),
        perf: boot.text("perf"),
        rate: boot.int("kw_rate")?,
        ms: boot.int("kw_ms")?,
        rows,
    })
}
