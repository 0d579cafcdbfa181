// SPDX-License-Identifier: GPL-2.0

//! The bench report: the verdicts, then each phase's table with what it
//! means, as Markdown. The tables are [`Table`]s, rendered by
//! [`crate::markdown`].

use super::stats::Status;
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

/// "met: met on N/M paths, not met on K, inconclusive on J".
fn tally(rows: &[OverheadRow], status: impl Fn(&OverheadRow) -> Status) -> String {
    let st: Vec<Status> = rows.iter().map(status).collect();
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

/// The verdict of each target.
pub fn verdicts(a: &Analysis) -> Table {
    let (ov, mx, ac) = (&a.overhead, &a.maxrate, &a.accuracy);
    let accs: Vec<bool> = ac.rows.iter().filter_map(|r| r.met).collect();
    let n_ac = accs.iter().filter(|m| **m).count();
    let mut t = Table::new(columns(&["target", "verdict"]));
    t.row(cells![
        format!(
            "full measurement costs ≤{:.0}% of throughput, every path",
            OV_TARGET * 100.0
        ),
        tally(&ov.rows, |r| r.full_vs_count.status),
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
        .filter(|r| r.met.is_none())
        .map(|r| r.path.as_str())
        .collect();
    t.row(cells![
        format!(
            "median \\|module − kernel\\| < {:.0}% of median latency",
            ACC_TARGET * 100.0
        ),
        format!(
            "{}: {n_ac}/{} paths ({} n/a)",
            if n_ac == accs.len() { "met" } else { "NOT MET" },
            accs.len(),
            if na.is_empty() {
                "none".to_string()
            } else {
                na.join(", ")
            }
        ),
    ]);
    t.row(cells!["scaling (no target)", "reported below"]);
    t
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
        "verdict (≤5%)",
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
        ]);
    }
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
        "verdict (<10%)",
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
             capacity and the verdict uses it. A change over the target is *not met* only if \
             every round of one mode is worse than every round of the other, else \
             *inconclusive*; *noise* is half the spread of the `count` rounds. Idle baseline: \
             {:.3} CPU.",
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
