// SPDX-License-Identifier: GPL-2.0

//! The bench report: the verdicts, then each phase's table with what it
//! means, as Markdown. The tables are [`Table`]s, rendered by
//! [`crate::markdown`].

use super::kernel::Dist;
use super::stats::{Interval, Status};
use super::{Analysis, OverheadRow, ACC_TARGET, OV_TARGET, READER_TARGET};
use crate::cells;
use crate::markdown;
use crate::view::{Column, Table};

fn f0(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.0}"))
}

fn f1(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.1}"))
}

fn pc(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:+.1}%", x * 100.0))
}

fn columns(heads: &[&str]) -> Vec<Column> {
    heads.iter().map(|h| Column::left(h)).collect()
}

/// [`tally_status`] of each row's status.
fn tally(rows: &[OverheadRow], status: impl Fn(&OverheadRow) -> Status) -> String {
    tally_status(rows.iter().map(status))
}

/// The verdict of each target.
pub fn verdicts(a: &Analysis) -> Table {
    let (ov, mx, ac) = (&a.overhead, &a.maxrate, &a.accuracy);
    let mut t = Table::new(columns(&["target", "verdict"]));
    t.row(cells![
        format!(
            "full measurement costs ≤{:.0}% of throughput, every path",
            OV_TARGET * 100.0
        ),
        tally(&ov.rows, |r| r.overhead_verdict().status),
    ]);
    t.row(cells![
        format!(
            "a reader looping on `snapshot` slows paths ≤{:.0}%",
            READER_TARGET * 100.0
        ),
        tally(&ov.rows, |r| r.reader_vs_hog.status),
    ]);
    t.row(cells![
        format!(
            "highest rate without loss, vs `{}`",
            mx.baseline.as_deref().unwrap_or("n/a")
        ),
        mx.rows
            .iter()
            .map(|r| format!("{} {}", r.path, r.shown))
            .collect::<Vec<_>>()
            .join("; "),
    ]);
    let na: Vec<&str> = ac
        .rows
        .iter()
        .filter(|r| r.status.is_none())
        .map(|r| r.path.as_str())
        .collect();
    t.row(cells![
        format!(
            "median module − kernel (signed, its 95% interval) within ±{:.0}% of median latency",
            ACC_TARGET * 100.0
        ),
        format!(
            "{} ({} n/a)",
            tally_status(ac.rows.iter().filter_map(|r| r.status)),
            if na.is_empty() {
                "none".to_string()
            } else {
                na.join(", ")
            }
        ),
    ]);
    let costs: Vec<&super::CostRow> = ov.rows.iter().filter_map(|r| r.cost.as_ref()).collect();
    if !costs.is_empty() {
        t.row(cells![
            "full costs less CPU per run than tracing the same events (tracepoints), every path",
            tally_status(costs.iter().map(|c| c.full_vs_trace.status)),
        ]);
        t.row(cells![
            "full costs less CPU per run than the hist triggers, every path with an event pair",
            tally_status(
                costs
                    .iter()
                    .filter_map(|c| c.full_vs_hist.as_ref().map(|v| v.status))
            ),
        ]);
    }
    if let Some(h) = &a.peers.hist {
        t.row(cells![
            format!(
                "median module − hist trigger within ±{:.0}% of the median latency",
                ACC_TARGET * 100.0
            ),
            tally_status(h.rows.iter().map(|r| r.status)),
        ]);
    }
    if let Some(tl) = &a.peers.timerlat {
        t.row(cells![
            format!("`{}` against timerlat (no target)", tl.path),
            format!(
                "irqdefer − timerlat, medians: alone {}; at once {}",
                us_iv(tl.offset_alone),
                us_iv(tl.offset_both)
            ),
        ]);
    }
    if let Some(c) = &a.peers.cyclictest {
        let v: Vec<String> = c
            .rows
            .iter()
            .filter(|r| r.tool == "irqdefer")
            .map(|r| format!("{} {}", r.run, us_iv(r.vs_fifo)))
            .collect();
        t.row(cells![
            "irqdefer's threads against cyclictest FIFO 50 (no target)",
            format!("irqdefer − cyclictest, medians: {}", v.join("; ")),
        ]);
    }
    t.row(cells!["scaling (no target)", "reported below"]);
    t
}

fn us_iv(iv: Option<Interval>) -> String {
    iv.map_or("—".into(), |iv| iv.us())
}

fn us(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.1}", x / 1e3))
}

/// "met: met on N/M paths, not met on K, inconclusive on J".
fn tally_status(st: impl Iterator<Item = Status>) -> String {
    let st: Vec<Status> = st.collect();
    let count = |s: Status| st.iter().filter(|x| **x == s).count();
    let n = st.len();
    let word = if count(Status::Met) == n {
        "met"
    } else if count(Status::NotMet) > 0 {
        "NOT MET"
    } else {
        "inconclusive"
    };
    format!(
        "{word}: met on {}/{n} paths, not met on {}, inconclusive on {}",
        count(Status::Met),
        count(Status::NotMet),
        count(Status::Inconclusive) + count(Status::Unresolved)
    )
}

/// Cost against tracing the same events: CPU per run, paired ratios.
pub fn cost_table(a: &Analysis) -> Table {
    let mut t = Table::new(columns(&[
        "path",
        "CPU µs/run count",
        "full",
        "tracepoints",
        "hist triggers",
        "full / count",
        "tracepoints / count",
        "hist / count",
        "events/run",
        "verdict full / tracepoints (< 1)",
        "verdict full / hist (< 1)",
    ]));
    let ratio = |iv: Option<Interval>| iv.map_or("—".into(), |iv| iv.ratio());
    for r in &a.overhead.rows {
        let Some(c) = &r.cost else { continue };
        let cu = |m: &str| f1(c.cpu_us.get(m).copied());
        t.row(cells![
            r.path.clone(),
            cu("count"),
            cu("full"),
            cu("trace"),
            cu("hist"),
            ratio(c.full_count),
            ratio(c.trace_count),
            ratio(c.hist_count),
            f1(c.events_per_run),
            c.full_vs_trace.verdict.clone(),
            c.full_vs_hist
                .as_ref()
                .map_or("n/a: no event pair".into(), |v| v.verdict.clone()),
        ]);
    }
    let sets: Vec<String> = a
        .overhead
        .rows
        .iter()
        .filter_map(|r| {
            let c = r.cost.as_ref()?;
            Some(format!(
                "{}: {}{}",
                r.path,
                c.events.join(", "),
                c.hist
                    .as_ref()
                    .map_or(String::new(), |h| format!("; hist {h}"))
            ))
        })
        .collect();
    t.note(format!(
        "Events traced, and the hist triggers' pair: {}.",
        sets.join(" — ")
    ));
    t
}

fn dist_cells(d: Option<&Dist>) -> [String; 4] {
    match d {
        Some(d) => [us(d.p50), us(d.p90), us(d.p99), us(d.max)],
        None => ["—".into(), "—".into(), "—".into(), "—".into()],
    }
}

/// Two distributions side by side, by log2 bucket: "2^12: 40 | 38 ...".
fn side_by_side(a: &Dist, b: &Dist) -> String {
    let (la, lb) = (a.log2(), b.log2());
    let keys: std::collections::BTreeSet<u32> = la.keys().chain(lb.keys()).copied().collect();
    keys.iter()
        .map(|k| {
            let lo = if *k == 0 { 0 } else { 1u64 << (k - 1) };
            format!(
                "≥{}: {}/{}",
                if lo >= 1000 {
                    format!("{} µs", lo as f64 / 1e3)
                } else {
                    format!("{lo} ns")
                },
                la.get(k).unwrap_or(&0),
                lb.get(k).unwrap_or(&0)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Accuracy against the kernel's hist triggers.
pub fn hist_table(a: &Analysis) -> Option<Table> {
    let h = a.peers.hist.as_ref()?;
    let mut t = Table::new(columns(&[
        "path",
        "kernel events (hist)",
        "runs",
        "hits",
        "module p50 µs, no triggers",
        "module p50 µs",
        "p90",
        "p99",
        "kernel p50 µs",
        "p90",
        "p99",
        "module − kernel (median)",
        "verdict (±10% of module p50)",
        "kernel request → entry p50 µs",
    ]));
    for r in &h.rows {
        let m = dist_cells(Some(&r.module));
        let k = dist_cells(r.kernel_irq.as_ref().or(Some(&r.kernel)));
        let pair = dist_cells(Some(&r.kernel));
        t.row(cells![
            r.path.clone(),
            r.chain.replace('>', " → "),
            r.runs.to_string(),
            format!(
                "{}{}",
                r.hits,
                if r.drops > 0 {
                    format!(" ({} dropped)", r.drops)
                } else {
                    String::new()
                }
            ),
            us(r.bare_p50),
            us(Some(r.module_p50)),
            m[1].clone(),
            m[2].clone(),
            k[0].clone(),
            k[1].clone(),
            k[2].clone(),
            us_iv(r.offset),
            r.verdict.clone(),
            pair[0].clone(),
        ]);
    }
    for r in &h.rows {
        t.note(format!(
            "{}, module/kernel per log2 bucket: {}.",
            r.path,
            side_by_side(&r.module, r.kernel_irq.as_ref().unwrap_or(&r.kernel))
        ));
    }
    if !h.no_pair.is_empty() {
        t.note(format!(
            "No kernel event pair (no bottom half, or no event that requests it): {}.",
            h.no_pair.join(", ")
        ));
    }
    Some(t)
}

/// timerlat beside irqdefer.
pub fn timerlat_table(a: &Analysis) -> Option<Table> {
    let tl = a.peers.timerlat.as_ref()?;
    let mut t = Table::new(columns(&[
        "run", "measure", "samples", "p50 µs", "p90", "p99", "max",
    ]));
    for r in &tl.rows {
        let at_once = if r.run == "both" { ", at once" } else { "" };
        let timerlat = format!("timerlat{at_once}");
        let irqdefer = format!("irqdefer `{}`{at_once}", tl.path);
        // Each measure of the run, with the p50 it reports (irqdefer's is
        // interpolated in its histogram, not a bucket's).
        let measures = [
            (&timerlat, "thread − irq, per activation", &r.timerlat, None),
            (
                &timerlat,
                "irq (the timer's lateness)",
                &r.timerlat_irq,
                None,
            ),
            (
                &timerlat,
                "thread, from the expiry",
                &r.timerlat_thread,
                None,
            ),
            (
                &irqdefer,
                "top → bottom half (log2 histogram)",
                &r.irqdefer,
                Some(r.irqdefer_p50),
            ),
        ];
        for (who, what, dist, p50) in measures {
            let Some(d) = dist else { continue };
            let [c50, c90, c99, cmax] = dist_cells(Some(d));
            t.row(cells![
                who.clone(),
                what,
                d.n.to_string(),
                p50.map_or(c50, us),
                c90,
                c99,
                cmax,
            ]);
        }
    }
    for r in &tl.rows {
        if let (Some(a), Some(b)) = (&r.irqdefer, &r.timerlat) {
            t.note(format!(
                "at once, irqdefer/timerlat (thread − irq) per log2 bucket: {}.",
                side_by_side(a, b)
            ));
        }
    }
    if let (Some(a), Some(b)) = (
        tl.rows.iter().find_map(|r| r.irqdefer.as_ref()),
        tl.rows.iter().find_map(|r| r.timerlat.as_ref()),
    ) {
        t.note(format!(
            "alone, irqdefer/timerlat (thread − irq) per log2 bucket: {}.",
            side_by_side(a, b)
        ));
    }
    Some(t)
}

/// cyclictest beside irqdefer.
pub fn cyclictest_table(a: &Analysis) -> Option<Table> {
    let c = a.peers.cyclictest.as_ref()?;
    let mut t = Table::new(columns(&[
        "run",
        "what",
        "samples",
        "p50 µs",
        "p90",
        "p99",
        "max",
        "− cyclictest FIFO 50 (median)",
    ]));
    for r in &c.rows {
        let what = if r.tool == "cyclictest" {
            format!(
                "cyclictest, {}{}",
                if r.policy == "fifo" {
                    format!("SCHED_FIFO {}", r.prio)
                } else {
                    "SCHED_OTHER".to_string()
                },
                r.own.map_or(String::new(), |o| if o.3 > 0 {
                    format!(" ({} over the histogram)", o.3)
                } else {
                    String::new()
                })
            )
        } else {
            format!("irqdefer `{}`", r.path)
        };
        let d = dist_cells(Some(&r.dist));
        t.row(cells![
            if r.together { "at once" } else { "alone" },
            what,
            r.dist.n.to_string(),
            d[0].clone(),
            d[1].clone(),
            d[2].clone(),
            d[3].clone(),
            us_iv(r.vs_fifo),
        ]);
    }
    Some(t)
}

/// Overhead: `full` against `count`.
pub fn overhead_table(a: &Analysis) -> Table {
    let mut t = Table::new(columns(&[
        "path",
        "bound",
        "source Hz",
        "runs/s full",
        "runs/s count",
        "coalesced full",
        "CPU µs/run full",
        "count",
        "/proc/stat: full vs count (≤5%)",
        "selfcost share of count's CPU (≤5%)",
    ]));
    for r in &a.overhead.rows {
        t.row(cells![
            r.path.clone(),
            r.bound,
            f0(Some(r.source_hz)),
            f0(Some(r.runs_s["full"])),
            f0(Some(r.runs_s["count"])),
            format!("{:.1}%", r.coalesced["full"] * 100.0),
            f1(Some(r.cpu_us["full"])),
            f1(Some(r.cpu_us["count"])),
            r.full_vs_count.verdict.clone(),
            r.measured_share
                .as_ref()
                .map_or("— (no cost phase)".into(), |v| v.verdict.clone()),
        ]);
    }
    t.note(
        "The verdict is the last column where the boot ran the cost phase: what the module \
         timed `full` to add per run (its costliest context class, ±15%) against the CPU per \
         run under `count` (the bootstrap interval of its median over the rounds). The \
         `/proc/stat` column reads both modes' CPU at 10 ms per CPU and window: a cross-check, \
         too coarse to decide 5%.",
    );
    t
}

/// Overhead: a reader looping on `snapshot` against a plain CPU hog.
pub fn reader_table(a: &Analysis) -> Table {
    let mut t = Table::new(columns(&[
        "path",
        "runs/s alone",
        "with hog",
        "with reader",
        "reader vs alone",
        "coalesced with reader",
        "p50 ns alone",
        "with hog",
        "with reader",
        "reads/s",
        "verdict, reader vs hog (≤2%)",
    ]));
    for r in &a.overhead.rows {
        t.row(cells![
            r.path.clone(),
            f0(Some(r.runs_s["full"])),
            f0(Some(r.runs_s["hog"])),
            f0(Some(r.runs_s["reader"])),
            pc(Some(r.reader_vs_full)),
            format!("{:.1}%", r.coalesced["reader"] * 100.0),
            f0(Some(r.p50["full"])),
            f0(Some(r.p50["hog"])),
            f0(Some(r.p50["reader"])),
            f0(Some(r.reads_s)),
            r.reader_vs_hog.verdict.clone(),
        ]);
    }
    t
}

/// The highest rate without loss.
pub fn max_rate_table(a: &Analysis) -> Table {
    let base = a.maxrate.baseline.as_deref().unwrap_or("the baseline");
    let mut t = Table::new(columns(&[
        "path",
        "highest Hz",
        &format!("ratio to {base}"),
        "verdict",
    ]));
    for r in &a.maxrate.rows {
        t.row(cells![
            r.path.clone(),
            r.shown.clone(),
            r.ratio_shown.clone(),
            r.verdict.clone(),
        ]);
    }
    t
}

/// Accuracy against the kernel's trace, with what was seen besides.
pub fn accuracy_table(a: &Analysis) -> Table {
    let mut t = Table::new(columns(&[
        "path",
        "entry event",
        "runs",
        "paired",
        "unpaired",
        "module p50 ns",
        "kernel p50 ns",
        "module − kernel p50",
        "\\|diff\\| p50",
        "\\|diff\\| p99",
        "in bracket",
        "verdict (offset within ±10% of module p50)",
    ]));
    let rows = &a.accuracy.rows;
    for r in rows {
        t.row(cells![
            r.path.clone(),
            r.entry.clone(),
            r.runs_traced.to_string(),
            r.paired.to_string(),
            r.unpaired.to_string(),
            f0(r.module_p50),
            f0(r.kernel_p50),
            f0(r.signed_p50),
            f0(r.diff_p50),
            f0(r.diff_p99),
            r.in_bracket
                .map_or("—".into(), |x| format!("{:.0}%", x * 100.0)),
            r.verdict.clone(),
        ]);
    }
    t.note(
        "*in bracket*: runs whose module latency lies within what the trace allows: at least \
         (entry event − `irqdefer_raise`), at most (`irqdefer_run` − `irq_handler_entry`); the \
         module stamps between the handler's entry and its raise event and reads the clock \
         between the entry event and its run event. Under TCG each event costs microseconds, \
         so the fixed offset between the module's clock reads and the kernel's events (the \
         signed column) weighs heavily on short latencies.",
    );
    // What pairing counted, per path: "path: N why; N why — path: ...".
    let counted = |pick: fn(&super::AccuracyRow) -> &super::pair::Tally| -> String {
        rows.iter()
            .filter(|r| !pick(r).is_empty())
            .map(|r| format!("{}: {}", r.path, pick(r).words()))
            .collect::<Vec<_>>()
            .join(" — ")
    };
    for (what, pick) in [
        (
            "Unpaired runs",
            (|r| &r.why.0) as fn(&super::AccuracyRow) -> &super::pair::Tally,
        ),
        ("Also seen", |r| &r.why.1),
    ] {
        let seen = counted(pick);
        if !seen.is_empty() {
            t.note(format!("{what}: {seen}."));
        }
    }
    let lost: Vec<&str> = rows
        .iter()
        .filter(|r| r.overrun != 0)
        .map(|r| r.path.as_str())
        .collect();
    if !lost.is_empty() {
        t.note(format!(
            "Trace buffer overruns (events lost) on: {}.",
            lost.join(", ")
        ));
    }
    t
}

/// Scaling: one column of CPU per run and one of runs/s per boot.
pub fn scaling_table(a: &Analysis) -> Table {
    let sc = &a.scaling;
    let mut heads = vec!["active paths".to_string(), "paths".to_string()];
    heads.extend(sc.iter().map(|s| format!("{} vCPUs µs/run", s.vcpus)));
    heads.extend(sc.iter().map(|s| format!("{} vCPUs runs/s", s.vcpus)));
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut t = Table::new(columns(&heads));
    let Some(first) = sc.first() else {
        return t;
    };
    for r0 in &first.rows {
        let mut row = cells![r0.n.to_string(), r0.paths.replace(',', ", ")];
        let cell = |s: &super::Scaling| s.rows.iter().find(|r| r.n == r0.n).cloned();
        row.extend(sc.iter().map(|s| f1(cell(s).map(|c| c.cpu_us)).into()));
        row.extend(sc.iter().map(|s| f0(cell(s).map(|c| c.runs_s)).into()));
        t.row(row);
    }
    let ns: Vec<u64> = first.rows.iter().map(|r| r.n).collect();
    let ratios: Vec<String> = sc
        .iter()
        .filter_map(|s| {
            let (a, z) = (s.rows.first()?, s.rows.last()?);
            (a.cpu_us > 0.0).then(|| format!("{} vCPUs ×{:.2}", s.vcpus, z.cpu_us / a.cpu_us))
        })
        .collect();
    if let (false, [n0, .., nz]) = (ratios.is_empty(), &ns[..]) {
        t.note(format!(
            "CPU per run with {nz} paths against {n0}: {}.",
            ratios.join(", ")
        ));
    }
    t.note(format!(
        "Idle baselines: {}.",
        sc.iter()
            .map(|s| format!("{} vCPUs {:.3} CPU", s.vcpus, s.idle_cpu))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    t
}

/// A paragraph, then a blank line.
fn para(l: &mut Vec<String>, s: String) {
    l.push(s);
    l.push(String::new());
}

/// The whole report, as Markdown.
pub fn render(a: &Analysis) -> String {
    let b0 = &a.boots[0];
    let (ov, mx, ac) = (&a.overhead, &a.maxrate, &a.accuracy);
    let mut l: Vec<String> = vec!["# irqdefer benchmarks".into(), String::new()];
    if a.boots.iter().any(|b| b.what == "smoke") {
        para(
            &mut l,
            "**Smoke run** (`BENCH_SMOKE=1`): a few paths, one round, short windows; the \
             figures are checks of the harness, not results."
                .into(),
        );
    }
    let boots: Vec<String> = a
        .boots
        .iter()
        .map(|b| format!("`{}` ({} vCPUs: {})", b.name, b.vcpus, b.phases.join(" ")))
        .collect();
    para(
        &mut l,
        format!(
            "Linux {}, `{}` flavour, QEMU `{}`; boots: {}. Interrupts are raised on CPU 1.",
            b0.kernel,
            b0.flavour,
            b0.accel,
            boots.join(", ")
        ),
    );
    if a.boots.iter().any(|b| b.accel == "tcg") {
        para(
            &mut l,
            "TCG emulation inflates absolute times (every instruction is translated, and the \
             vCPUs share this host's 2 cores: with 4 and 8 vCPUs QEMU's multi-threaded TCG \
             runs more vCPU threads than cores). Only ratios within one boot count; compare \
             them, not the microseconds, with real hardware."
                .into(),
        );
    }
    para(
        &mut l,
        "CPU time is vCPUs × elapsed − idle over each window, from /proc/stat's idle column \
         (the nohz idle clock, which stops for every interrupt; the tick-sampled busy columns \
         miss interrupt work done while idle), less the idle baseline of the same boot, \
         divided by the bottom-half runs. Resolution: 10 ms per CPU per window."
            .into(),
    );

    para(&mut l, "## Verdicts".into());
    l.extend(markdown::table(&verdicts(a)));
    l.push(String::new());

    para(
        &mut l,
        format!(
            "## 1. Overhead of measurement (`{}`, {} Hz, {} alternating round(s), medians)",
            ov.boot, ov.rate, ov.rounds
        ),
    );
    para(
        &mut l,
        format!(
            "`full` measures everything; `count` keeps bare counters (no clock, latency, \
             context or trace). *bound*: what limits runs/s. `source`: every request gets its \
             own run, so runs/s is the source's rate whatever the path costs, and the verdict \
             uses CPU per run (what a CPU-bound path's throughput is inverse to); `tick`: the \
             timer path runs once per jiffy; `path`: the path coalesces, so runs/s is its own \
             capacity and the verdict uses it. Each verdict rests on the rounds paired (the \
             modes alternate within a round): the median of the per-round ratios \
             `full`/`count`, with its 95% interval (a seeded percentile bootstrap over the \
             rounds): *met* when the whole interval lies within the target, *not met* when \
             it lies wholly beyond, *inconclusive* when it straddles the target. Idle \
             baseline: {:.3} CPU.",
            ov.idle_cpu
        ),
    );
    l.extend(markdown::table(&overhead_table(a)));
    l.push(String::new());
    para(
        &mut l,
        "A reader looping on `snapshot` (one awk process re-reading the file, pinned to CPU \
         0; the load is raised on CPU 1), `full` mode. Its control is a plain CPU hog on CPU \
         0: under TCG any busy vCPU slows the others (they share the host's cores), so the \
         verdict compares the reader with the hog:"
            .into(),
    );
    l.extend(markdown::table(&reader_table(a)));
    l.push(String::new());

    if let Some(c) = &a.costs {
        render_costs(c, &mut l);
    }

    let steps: Vec<String> = mx.steps.iter().map(u64::to_string).collect();
    para(
        &mut l,
        format!(
            "## 2. Highest sustained rate without loss (`{}`, steps {} Hz, {:.1} s each)",
            mx.boot,
            steps.join(", "),
            mx.window_s
        ),
    );
    para(
        &mut l,
        "A step passes if every request got its own run (coalesced ≤ 1%), the source reached \
         ≥ 95% of the rate, and nothing was pending 100 ms after the stop; a failed step is \
         tried once more (TCG stalls the whole VM now and then), and the climb ends at a step \
         that fails twice. The periodic source tops out at 10000 Hz."
            .into(),
    );
    l.extend(markdown::table(&max_rate_table(a)));
    l.push(String::new());

    para(
        &mut l,
        format!(
            "## 3. Accuracy against the kernel's trace (`{}`, {} Hz, {} ms per path)",
            ac.boot, ac.rate, ac.ms
        ),
    );
    para(
        &mut l,
        format!(
            "ftrace with `trace_clock=x86-tsc`, converted at {} MHz ({} calibration from \
             dmesg; the module's ktime runs on the same TSC). Kernel latency: the path's \
             bottom-half entry event on the run's CPU minus the `irq_handler_entry` before the \
             stamping request it serves. Runs without an entry event of their own are counted \
             as unpaired, not guessed.",
            ac.tsc_mhz, ac.tsc_source
        ),
    );
    l.extend(markdown::table(&accuracy_table(a)));
    l.push(String::new());

    render_peers(a, &mut l);
    if let Some(k) = &a.kwork {
        render_kwork(k, &mut l);
    }

    let sc = &a.scaling;
    para(
        &mut l,
        format!(
            "## 4. Scaling: CPU µs per bottom-half run at {} Hz per path",
            sc[0].rate
        ),
    );
    para(
        &mut l,
        "Paths join in the order of the `paths` column. Columns: one boot each. The host has \
         2 cores, so beyond 2 vCPUs QEMU's multi-threaded TCG time-shares them."
            .into(),
    );
    l.extend(markdown::table(&scaling_table(a)));
    l.push(String::new());
    l.join("\n")
}

/// Section 3e: perf kwork beside irqdefer.
fn render_kwork(k: &super::kwork::Kwork, l: &mut Vec<String>) {
    para(
        l,
        format!(
            "## 3e. perf kwork beside irqdefer (`{}`, perf {}, {} Hz, {} ms per path)",
            k.boot, k.perf, k.rate, k.ms
        ),
    );
    para(
        l,
        "Each path whose bottom half perf kwork times ran alone, then under `perf kwork -k \
         KINDS record`; `perf kwork latency` of that recording against irqdefer's mean for \
         the same runs. perf kwork times a softirq per vector and CPU (every softirq of the \
         vector, the kernel's own beside the path's) and a work item per function; the \
         spans differ by definition (last column), so irqdefer's latency is the longer by \
         what the top half does before it asks and what the kernel does between perf's entry \
         event and the work's first instruction. Recording costs CPU (perf's own process \
         included: the whole machine's CPU per run) and latency: both are shown against the \
         same load alone."
            .into(),
    );
    let mut t = Table::new(columns(&[
        "path",
        "perf kwork's name",
        "runs perf / irqdefer",
        "perf avg µs",
        "irqdefer mean µs",
        "irqdefer − perf",
        "irqdefer alone µs",
        "CPU µs/run alone",
        "under perf record",
        "spans",
    ]));
    for r in &k.rows {
        t.row(cells![
            format!("{} ({})", r.path, r.kind),
            if r.perf_name.is_empty() {
                "— (none listed)".to_string()
            } else {
                format!("`{}`", r.perf_name)
            },
            format!("{} / {}", r.perf_count, r.runs),
            f1(Some(r.perf_avg_ns / 1e3)),
            f1(Some(r.mean_ns / 1e3)),
            format!("{:+.1}", (r.mean_ns - r.perf_avg_ns) / 1e3),
            f1(Some(r.mean_alone_ns / 1e3)),
            f1(Some(r.cpu_alone_us)),
            format!(
                "{} (×{:.2})",
                f1(Some(r.cpu_perf_us)),
                if r.cpu_alone_us > 0.0 {
                    r.cpu_perf_us / r.cpu_alone_us
                } else {
                    f64::NAN
                }
            ),
            super::kwork::definition(&r.kind),
        ]);
    }
    t.note(
        "perf names a work item by its function's symbol: irqdefer's work runs through the \
         `kernel` crate's `Work` (upstream's abstraction) behind a function named for its \
         path, `irqdefer_<path>_work`, which calls upstream's `run` (captures from before \
         show upstream's generic Rust symbol, `_RNv...`, which perf 6.1 cut to 32 \
         characters and could not demangle). The softirq rows, `(s)VECTOR:NR`, read as the \
         kernel names the vector.",
    );
    l.extend(markdown::table(&t));
    l.push(String::new());
}

/// Section 1a: what measuring costs, part by part, as the module timed it.
fn render_costs(c: &super::selfcost::Costs, l: &mut Vec<String>) {
    para(
        l,
        format!(
            "## 1a. What measuring costs, part by part (`{}`, the module's `selfcost`, {} \
             iterations per part and class)",
            c.boot, c.iterations
        ),
    );
    para(
        l,
        "The module times each part that `full` adds over `count` alone, with the very \
         functions its top and bottom halves call, on statistics of its own, in each class \
         of context a bottom half runs in: hard interrupt (an irq_work), softirq (a tasklet), \
         task (the writer; the `classify` part there takes the name of a task that is no \
         kernel thread of a known kind, which a `kworker` or an IRQ thread does not). Each \
         figure is the median over chunks of 200 calls, net of the empty loop, in ns per \
         run under this boot's emulation: compare them with each other, and with the \
         overhead above, not with real hardware (docs/benchmarks.md gives an estimate)."
            .into(),
    );
    l.extend(markdown::table(&super::selfcost::table(c)));
    l.push(String::new());
}

/// The sections beside the kernel's instruments and the peers.
fn render_peers(a: &Analysis, l: &mut Vec<String>) {
    let ov = &a.overhead;
    if ov.rows.iter().any(|r| r.cost.is_some()) {
        para(
            l,
            format!(
                "## 3a. Cost against the kernel's tracepoints and hist triggers for the same \
                 events (`{}`, {} Hz, {} alternating rounds)",
                ov.boot, ov.rate, ov.rounds
            ),
        );
        para(
            l,
            "Three ways per path, in one boot, alternating within each round: irqdefer \
             `full`; irqdefer `count` with the kernel's tracepoints for the same events \
             enabled into the ring buffer (the top half's `irq_handler_entry`/`exit`; the \
             softirq's `softirq_raise`/`entry`/`exit` where the registry's `softirq=` names \
             one; the event its `trace=` names and the event that requests it: \
             `workqueue_queue_work`, `timer_start`, `hrtimer_start`, `sched_wakeup`); \
             irqdefer `count` with in-kernel hist triggers building the raise-to-entry \
             latency (a synthetic event and its histogram). CPU µs per run as in section 1; \
             each ratio is the median of the per-round ratios with its 95% bootstrap \
             interval. The goal: `full` costs less than tracing the same events, the \
             interval below 1."
                .into(),
        );
        l.extend(markdown::table(&cost_table(a)));
        l.push(String::new());
    }
    if let (Some(t), Some(h)) = (hist_table(a), &a.peers.hist) {
        para(
            l,
            format!(
                "## 3b. Accuracy against the kernel's hist triggers (`{}`, {} Hz, {} ms per \
                 path)",
                h.boot, h.rate, h.ms
            ),
        );
        para(
            l,
            format!(
                "Three runs of the same load per path, irqdefer `full` in each: without \
                 triggers; with the chain; with the pair (one set of triggers at a time). \
                 The triggers emit synthetic latency events into histograms of {} ns \
                 buckets, `trace_clock=mono` (the module's clock). The chain, like for like, \
                 gives the verdict: from the top half's `irq_handler_entry` for the path's \
                 line (kept per CPU), through the request its handler makes (keyed by what \
                 it names: the work, the timer, the thread's pid, or for a softirq the CPU \
                 that raised it), to the entry event with that key. A request that merges \
                 into a pending one emits no request event, so the time kept is the oldest \
                 pending request's, as irqdefer's; a time is read once, never paired twice. \
                 The pair, request → entry, is the raise-to-entry latency as a user builds \
                 it (`softirq_raise` → `softirq_entry`, `workqueue_queue_work` → \
                 `workqueue_execute_start`, `sched_waking` → `sched_switch`, ...); it starts \
                 later, at the request. Triggers are not free: their work runs inside the \
                 latency they measure, and the column without triggers shows how much they \
                 add. What remains of the offset is where that work falls: the trigger at \
                 the entry event runs after the kernel's timestamp and before irqdefer's \
                 bottom half reads the clock (counted by irqdefer only), the one at \
                 `irq_handler_entry` after the kernel's timestamp and before irqdefer's top \
                 half reads it (counted by the kernel only). irqdefer's percentiles come \
                 from its log2 histogram (interpolated, error under the bucket's width): the \
                 interval of the offset resamples both histograms.",
                h.bucket_ns
            ),
        );
        l.extend(markdown::table(&t));
        l.push(String::new());
    }
    if let (Some(t), Some(tl)) = (timerlat_table(a), &a.peers.timerlat) {
        para(
            l,
            format!(
                "## 3c. timerlat beside irqdefer's `{}` ({} µs period, {} ms per run, the \
                 raising CPU)",
                tl.path, tl.period_us, tl.ms
            ),
        );
        para(
            l,
            format!(
                "timerlat (tracefs, `osnoise/cpus` = the raising CPU) wakes its SCHED_FIFO 95 \
                 kthread from a hard, pinned hrtimer and reports, per activation, the timer's \
                 IRQ latency and the thread's, both from the programmed expiry: thread − irq \
                 is the wake-up after the handler, what irqdefer's top → bottom latency \
                 measures. irqdefer's source is also a hard pinned hrtimer, whose handler \
                 raises the simulated interrupt (an `irq_work` self-IPI runs the top half); \
                 the top half queues a `kthread_work` on a SCHED_FIFO 50 worker. Runs: \
                 timerlat alone, irqdefer alone, both at once (timerlat's thread then \
                 preempts irqdefer's worker). Under TCG the IRQ latency itself is large (the \
                 emulated timer fires late): compare the wake-ups, not the raw figures. \
                 irqdefer − timerlat, medians: alone {}, at once {}.",
                us_iv(tl.offset_alone),
                us_iv(tl.offset_both)
            ),
        );
        l.extend(markdown::table(&t));
        l.push(String::new());
    }
    if let (Some(t), Some(c)) = (cyclictest_table(a), &a.peers.cyclictest) {
        para(
            l,
            format!(
                "## 3d. cyclictest beside irqdefer's thread paths ({} µs interval, {} ms per \
                 run, the raising CPU; rt-tests {})",
                c.interval_us, c.ms, c.version
            ),
        );
        para(
            l,
            "cyclictest (`-m -a CPU -t 1 -i 1000 -h`) sleeps in `clock_nanosleep()` to an \
             absolute expiry and measures, in user space, how late it wakes: the hrtimer's \
             lateness, the wake-up of its thread, the return to user space and the \
             `clock_gettime()` (a vDSO call: the VM's clocksource is the TSC). irqdefer's \
             figure starts later, in the top half, after the interrupt's own lateness, and \
             ends earlier, at the bottom half's first instruction in the kernel: it is the \
             wake-up alone. cyclictest's figure therefore exceeds irqdefer's by about \
             timerlat's IRQ latency plus the return to user space; the thread's policy \
             (SCHED_OTHER against FIFO 50) changes only the wake-up. Histograms in 1 µs \
             buckets (cyclictest's own) and log2 (irqdefer's)."
                .into(),
        );
        if let Some(tl) = a.peers.timerlat.as_ref().and_then(|tl| tl.rows.first()) {
            let p50 = |d: &Option<Dist>| us(d.as_ref().and_then(|d| d.p50));
            para(
                l,
                format!(
                    "For scale, from the timerlat run alone on the same CPU: the timer's \
                     IRQ latency p50 {} µs, the thread's from the expiry {} µs, thread − irq \
                     {} µs. cyclictest's figure compares with the thread's from the expiry \
                     (plus the return to user space), irqdefer's with thread − irq.",
                    p50(&tl.timerlat_irq),
                    p50(&tl.timerlat_thread),
                    p50(&tl.timerlat)
                ),
            );
        }
        l.extend(markdown::table(&t));
        l.push(String::new());
    }
}
