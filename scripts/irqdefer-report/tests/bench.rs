// SPDX-License-Identifier: GPL-2.0

//! The bench report (`irqdefer-report bench`): the grammar and the figures
//! on a real capture, the pairing of module runs with the kernel's trace,
//! and clear errors (file and line, exit 1) on bad input.
//!
//! `tests/data/bench-smoke.txt` is a real capture of `BENCH_SMOKE=1
//! scripts/bench.sh` (out/bench/smoke.txt), converted to the version 2
//! header: its first line `irqdefer-bench 1` became `irqdefer-results 2`,
//! and `meta capture bench` and `meta ov_modes full count reader hog` (the
//! modes its harness ran) were added after it; nothing else changed
//! (tests/data/README.md).

mod common;

use irqdefer_report::bench::pair::{pair, Pairing};
use irqdefer_report::bench::stats::median;
use irqdefer_report::bench::{analyse, max_rate, Analysis};
use irqdefer_report::results::bench::{parse_str, Bench, Event, EventKind};

const SMOKE: &str = "bench-smoke.txt";

fn smoke_text() -> String {
    common::text(SMOKE)
}

fn smoke() -> Bench {
    parse_str("smoke.txt", &smoke_text()).expect("the real capture parses")
}

fn analysis() -> Analysis {
    analyse(&[smoke()]).expect("the real capture passes the sanity checks")
}

#[test]
fn overhead_modes_must_be_listed() {
    let without: String = smoke_text()
        .lines()
        .filter(|l| !l.starts_with("meta ov_modes"))
        .map(|l| format!("{l}\n"))
        .collect();
    let b = parse_str("smoke.txt", &without).expect("parses");
    let e = analyse(&[b]).expect_err("no ov_modes");
    assert!(e.0.contains("without `meta ov_modes`"), "{}", e.0);
    let partial = smoke_text().replace(
        "meta ov_modes full count reader hog",
        "meta ov_modes full count",
    );
    let b = parse_str("smoke.txt", &partial).expect("parses");
    let e = analyse(&[b]).expect_err("no reader, no hog");
    assert!(e.0.contains("without the mode reader"), "{}", e.0);
}

/// A record's `KEY=VALUE` fields.
fn kv(line: &str) -> std::collections::BTreeMap<&str, &str> {
    line.split_whitespace()
        .skip(1)
        .filter_map(|t| t.split_once('='))
        .collect()
}

#[test]
fn meta_and_registry() {
    let b = smoke();
    let m = &b.header.meta;
    assert_eq!(m.text("capture"), "bench");
    assert_eq!(m.text("what"), "smoke");
    assert_eq!(m.int("vcpus"), Some(2));
    assert!(m.number("tsc_mhz").unwrap() > 100.0);
    assert_eq!(m.words("tsc_mhz")[1], "refined");
    // The module's registry: every path the module had, the bench's among
    // them; the entry events come from its trace rules.
    let reg = &b.header.registry;
    assert_eq!(reg.paths.len(), 15);
    assert_eq!(m.words("paths"), ["hardirq", "tasklet", "threaded"]);
    let entry = |p: &str| EventKind::of_event(&reg.get(p).unwrap().trace);
    assert_eq!(entry("hardirq"), Some(EventKind::Irq));
    assert_eq!(entry("tasklet"), Some(EventKind::Tasklet));
    assert_eq!(entry("threaded"), Some(EventKind::Switch));
    assert_eq!(entry("wq"), Some(EventKind::Work));
    assert_eq!(entry("irq_work"), Some(EventKind::IrqWork));
    assert_eq!(reg.get("rcu").unwrap().trace, "none");
    assert_eq!(entry("rcu"), None);
}

#[test]
fn every_cell_parsed() {
    let b = smoke();
    let paths = b.header.meta.words("paths");
    let rounds = b.header.meta.int("rounds").unwrap() as usize;
    assert_eq!(b.records("ov").len(), paths.len() * 4 * rounds);
    let acc: Vec<&str> = b.records("acc").iter().map(|r| r.word("path")).collect();
    assert_eq!(acc, paths);
    assert_eq!(analysis().overhead.rows.len(), paths.len());
    // Every trace as long as its endtrace says.
    for r in b.records("endtrace") {
        assert_eq!(b.traces[r.word("path")].len() as i64, r.int("lines"));
    }
}

#[test]
fn runs_per_second() {
    // One cell recomputed by hand from its raw line.
    let text = smoke_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("ov ") && l.contains("path=tasklet") && l.contains("mode=count"))
        .unwrap();
    let v = kv(line);
    let up: f64 = v["up1"].parse::<f64>().unwrap() - v["up0"].parse::<f64>().unwrap();
    let want = v["executed"].parse::<f64>().unwrap() / up;
    let a = analysis();
    let row = a
        .overhead
        .rows
        .iter()
        .find(|r| r.path == "tasklet")
        .unwrap();
    assert!((row.runs_s["count"] - want).abs() < 1e-9);
}

#[test]
fn cpu_per_run() {
    let text = smoke_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("scale ") && l.contains(" n=1 "))
        .unwrap();
    let v = kv(line);
    let f = |k: &str| v[k].parse::<f64>().unwrap();
    let d = f("up1") - f("up0");
    let cpu = d * 2.0 - (f("idle1") - f("idle0")) / 100.0;
    let a = analysis();
    let idle = a.scaling[0].idle_cpu;
    let want = (cpu - idle * d).max(0.0) * 1e6 / f("executed");
    assert!((a.scaling[0].rows[0].cpu_us - want).abs() < 1e-9);
}

#[test]
fn every_traced_run_paired() {
    for r in &analysis().accuracy.rows {
        assert!(r.paired > 0, "{}", r.path);
        assert_eq!(
            r.paired as u64 + r.unpaired,
            r.runs_traced as u64,
            "{}",
            r.path
        );
        assert!(r.diff_p99 >= r.diff_p50);
    }
}

#[test]
fn module_latency_matches_trace() {
    let a = analysis();
    let rows: Vec<_> = a.accuracy.rows.iter().collect();
    let hard = rows.iter().find(|r| r.path == "hardirq").unwrap();
    assert_eq!(hard.kernel_p50, Some(0.0));
    assert_eq!(hard.met, None);
    // Each paired run's module latency against the raw trace lines.
    let lat: Vec<f64> = smoke_text()
        .lines()
        .filter(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            t.len() == 8 && t[0] == "tr" && t[4] == "run" && t[5] == "tasklet"
        })
        .map(|l| l.split_whitespace().last().unwrap().parse().unwrap())
        .collect();
    let tasklet = rows.iter().find(|r| r.path == "tasklet").unwrap();
    assert_eq!(tasklet.module_p50, median(&lat));
    assert_eq!(tasklet.entry, "tasklet_entry");
    assert!(tasklet.function.as_deref().unwrap().contains("tasklet"));
}

#[test]
fn max_rate_ratio() {
    let a = analysis();
    assert_eq!(a.maxrate.baseline.as_deref(), Some("hardirq"));
    let base = a
        .maxrate
        .rows
        .iter()
        .find(|r| r.path == "hardirq")
        .unwrap()
        .max_hz;
    for r in &a.maxrate.rows {
        if let (Some(hz), Some(b)) = (r.max_hz, base) {
            assert!((r.ratio.unwrap() - hz as f64 / b as f64).abs() < 1e-12);
        }
    }
}

#[test]
fn report_has_every_section() {
    let md = irqdefer_report::bench::report::render(&analysis());
    for h in [
        "## Verdicts",
        "## 1.",
        "## 2.",
        "## 3.",
        "## 4.",
        "Smoke run",
        "TCG",
        "| hardirq | irq_handler_entry | 103 | 103 | 0 |",
        "highest rate without loss, vs `hardirq`",
        "| path | highest Hz | ratio to hardirq | verdict |",
        "NOT MET: met on 1/2 paths, not met on 1, inconclusive on 0 (hardirq n/a)",
    ] {
        assert!(md.contains(h), "missing {h}");
    }
}

// --- max rate on hand-made records ------------------------------------

/// A capture of the max-rate phase only, on two paths: `(path, rate, try,
/// raised, coalesced)` per record, 2 s windows.
fn max_capture(cells: &[(&str, u64, u64, i64, i64)]) -> Bench {
    let mut text = String::from(
        "irqdefer-results 2\nmeta capture bench\nmeta kernel k\nmeta boot b\n\
         meta flavour f\nmeta accel tcg\nmeta vcpus 2\nmeta what all\nmeta phases max\n\
         meta paths top wq\nmeta clk_tck 100\nmeta rounds 1\nmeta max_steps 1000 2000 5000\n\
         meta max_ms 2000\nmeta scale_n 1\n\
         meta path.top mechanism=none softirq=none context=hardirq may_sleep=0 atomic=1 \
         context_rt=hardirq may_sleep_rt=0 trace=irq:irq_handler_entry executor=hardirq \
         sched=- sched_rt=- bound=1 merges=0 top_threadable=0\n\
         meta path.wq mechanism=queue_work(system_wq) softirq=none context=task_kworker \
         may_sleep=1 atomic=0 context_rt=task_kworker may_sleep_rt=1 \
         trace=workqueue:workqueue_execute_start executor=workqueue sched=other \
         sched_rt=other bound=1 merges=1 top_threadable=1\n",
    );
    for (path, rate, tr, raised, coal) in cells {
        let e = raised - coal;
        text += &format!(
            "max path={path} rate={rate} try={tr} up0=10.0 idle0=0 busy0=0 up1=12.0 idle1=0 \
             busy1=0 raised={raised} executed={e} coalesced={coal} lat_count={e} lat_p50=1000 \
             r100={raised} e100={e} c100={coal}\n"
        );
    }
    text += "end phase=max\nend all rc=0\n";
    parse_str("t", &text).unwrap()
}

#[test]
fn max_rate_retry_and_ratio() {
    let b = max_capture(&[
        ("top", 1000, 1, 2000, 0),
        ("top", 2000, 1, 4000, 0),
        ("top", 5000, 1, 10000, 0),
        // A stalled first try at 1000 Hz (source 90%), then a good one.
        ("wq", 1000, 1, 1800, 0),
        ("wq", 1000, 2, 2000, 0),
        ("wq", 2000, 1, 4000, 0),
        ("wq", 5000, 1, 10000, 500),
        ("wq", 5000, 2, 10000, 300),
    ]);
    let m = max_rate(&b).unwrap();
    // The baseline is the registry's path without a bottom half.
    assert_eq!(m.baseline.as_deref(), Some("top"));
    let top = &m.rows[0];
    assert_eq!(top.shown, "≥5000 (source cap)");
    assert_eq!(top.ratio_shown, "1.00 (both at cap)");
    let wq = &m.rows[1];
    assert_eq!(wq.max_hz, Some(2000));
    assert_eq!(wq.passed_on_retry, 1);
    assert!((wq.ratio.unwrap() - 0.4).abs() < 1e-12);
    assert!(
        wq.verdict.starts_with("fails at 5000 Hz: coalesced 3.0%"),
        "{}",
        wq.verdict
    );
    assert!(wq.verdict.contains("1 step(s) passed on the second try"));
}

#[test]
fn max_rate_steps_out_of_order() {
    let b = max_capture(&[("top", 2000, 1, 4000, 0), ("wq", 1000, 1, 2000, 0)]);
    let e = max_rate(&b).unwrap_err();
    assert!(e.0.contains("not the declared ones"), "{e}");
}

// --- pairing on hand-made traces (1000 MHz: one cycle is one ns) -------

fn ev(cpu: i64, ts: i64, pid: i64, kind: EventKind, path: &str, args: &[i64]) -> Event {
    Event {
        cpu,
        ts,
        pid,
        kind,
        path: path.to_string(),
        args: args.to_vec(),
    }
}

fn irq(cpu: i64, ts: i64) -> Event {
    ev(cpu, ts, 0, EventKind::Irq, "", &[30])
}

fn irq_in(cpu: i64, ts: i64, pid: i64) -> Event {
    ev(cpu, ts, pid, EventKind::Irq, "", &[30])
}

fn raise(cpu: i64, ts: i64, path: &str, stamped: i64) -> Event {
    ev(cpu, ts, 0, EventKind::Raise, path, &[30, stamped])
}

fn raise_in(cpu: i64, ts: i64, path: &str, pid: i64) -> Event {
    ev(cpu, ts, pid, EventKind::Raise, path, &[30, 1])
}

fn run(cpu: i64, ts: i64, path: &str, raised_on: i64, ns: i64, pid: i64) -> Event {
    ev(cpu, ts, pid, EventKind::Run, path, &[raised_on, ns])
}

fn entry(kind: EventKind, cpu: i64, ts: i64, pid: i64, arg: i64) -> Event {
    ev(cpu, ts, pid, kind, "", &[arg])
}

fn paired(events: &[Event], path: &str, kind: EventKind) -> Pairing {
    pair(events, path, kind, 1000.0)
}

fn kernel(p: &Pairing) -> Vec<f64> {
    p.pairs.iter().map(|x| x.kernel).collect()
}

use EventKind::{KWork, Switch, Tasklet, Work};

#[test]
fn pairs_a_simple_run() {
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "tasklet", 1),
            entry(Tasklet, 1, 300, 0, 7),
            run(1, 320, "tasklet", 1, 210, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert_eq!(p.pairs.len(), 1);
    assert_eq!((p.pairs[0].module, p.pairs[0].kernel), (210.0, 200.0));
    assert!(p.unpaired.is_empty());
    assert_eq!(p.function, Some(7));
    // 300 - 110 <= 210 <= 320 - 100.
    assert!(p.pairs[0].in_bracket);
}

#[test]
fn coalesced_request_is_not_a_stamp() {
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "tasklet", 1),
            irq(1, 200),
            raise(1, 210, "tasklet", 0),
            entry(Tasklet, 1, 400, 0, 7),
            run(1, 420, "tasklet", 1, 310, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert_eq!(kernel(&p), [300.0]);
    assert!(p.unpaired.is_empty());
}

#[test]
fn cross_cpu_run() {
    // Raised on CPU 1, run by a kworker (pid 50) on CPU 0.
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 105, "wq_unbound", 1),
            entry(Work, 1, 150, 9, 3), // someone else's work on CPU 1
            entry(Work, 0, 500, 50, 4),
            run(0, 520, "wq_unbound", 1, 410, 50),
            irq(1, 1000),
            raise(1, 1005, "wq_unbound", 1),
            entry(Work, 0, 1200, 50, 4),
            run(0, 1210, "wq_unbound", 1, 205, 50),
        ],
        "wq_unbound",
        Work,
    );
    assert_eq!(kernel(&p), [400.0, 200.0]);
    assert!(p.unpaired.is_empty());
}

#[test]
fn other_function_ignored() {
    // The path's function (4) precedes most runs; a foreign work item (3)
    // squeezed in before one run is not taken for it.
    let mut evs = Vec::new();
    for (i, t) in [0, 1000, 2000].into_iter().enumerate() {
        evs.extend([
            irq(1, t + 10),
            raise(1, t + 20, "wq", 1),
            entry(Work, 1, t + 100, 50, 4),
        ]);
        if i == 2 {
            evs.push(entry(Work, 1, t + 110, 50, 3));
        }
        evs.push(run(1, t + 120, "wq", 1, 100, 50));
    }
    let p = paired(&evs, "wq", Work);
    assert_eq!(p.function, Some(4));
    assert_eq!(kernel(&p), [90.0, 90.0, 90.0]);
}

#[test]
fn thread_that_did_not_sleep_is_unpaired() {
    // threaded: the thread (pid 77) is switched in once and serves two
    // requests; the second run has no sched_switch of its own.
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "threaded", 1),
            entry(Switch, 1, 300, 0, 77),
            run(1, 320, "threaded", 1, 210, 77),
            irq_in(1, 400, 77),
            raise_in(1, 410, "threaded", 77),
            run(1, 600, "threaded", 1, 195, 77),
            irq(1, 1000),
            raise(1, 1010, "threaded", 1),
            entry(Switch, 1, 1100, 0, 77),
            run(1, 1120, "threaded", 1, 110, 77),
        ],
        "threaded",
        Switch,
    );
    assert_eq!(kernel(&p), [200.0, 100.0]);
    assert_eq!(p.unpaired.total(), 1);
    assert!(p.unpaired.0[0].0.contains("without sleeping"));
    assert!(p.unpaired.0[0].0.contains("sched_switch to the thread"));
}

#[test]
fn kthread_work_pairs_with_its_execute_start() {
    // kthread_worker (pid 58): the switch to the worker is not its entry;
    // the worker's own event just before the work's function is. Here the
    // worker waited 500 after the switch (its lock, held by the waker):
    // the kernel's latency is the one irqdefer saw, not the switch's.
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "kthread_worker", 1),
            entry(Switch, 0, 200, 0, 58),
            entry(KWork, 0, 700, 58, 6),
            run(0, 710, "kthread_worker", 1, 605, 58),
        ],
        "kthread_worker",
        KWork,
    );
    assert_eq!(p.function, Some(6));
    assert_eq!(kernel(&p), [600.0]);
    assert_eq!(p.unpaired.total(), 0);
    assert_eq!(
        EventKind::of_event("sched:sched_kthread_work_execute_start"),
        Some(KWork)
    );
    assert!(KWork.takes_function());
}

#[test]
fn switch_to_another_task_does_not_count() {
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "kthread", 1),
            entry(Switch, 1, 300, 0, 12),
            run(1, 320, "kthread", 1, 210, 88),
        ],
        "kthread",
        Switch,
    );
    assert!(p.pairs.is_empty());
    assert_eq!(p.unpaired.total(), 1);
}

#[test]
fn raised_on_mismatch() {
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "tasklet", 1),
            entry(Tasklet, 1, 300, 0, 7),
            run(1, 320, "tasklet", 0, 210, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert!(p.pairs.is_empty());
    assert_eq!(
        p.unpaired
            .get("raising CPU differs from the module's raised_on"),
        Some(1)
    );
}

#[test]
fn request_nested_between_entry_and_run() {
    // An interrupt lands after tasklet_entry but before irqdefer_run: its
    // stamp is for the next run, not this one.
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "tasklet", 1),
            entry(Tasklet, 1, 300, 0, 7),
            irq(1, 305),
            raise(1, 308, "tasklet", 1),
            run(1, 320, "tasklet", 1, 210, 0),
            entry(Tasklet, 1, 500, 0, 7),
            run(1, 510, "tasklet", 1, 200, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert_eq!(kernel(&p), [200.0, 195.0]);
    assert!(p.unpaired.is_empty());
}

#[test]
fn untraced_run_leaves_its_stamp() {
    // A stamp whose run is missing from the trace is noted, not paired
    // with the next run.
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "tasklet", 1),
            irq(1, 200),
            raise(1, 210, "tasklet", 1),
            entry(Tasklet, 1, 300, 0, 7),
            run(1, 320, "tasklet", 1, 110, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert_eq!(kernel(&p), [100.0]);
    assert!(p.unpaired.is_empty());
    assert_eq!(
        p.odd.0,
        [("stamp never served (run not traced)".to_string(), 1)]
    );
}

#[test]
fn run_without_request() {
    let p = paired(
        &[
            entry(Tasklet, 1, 300, 0, 7),
            run(1, 320, "tasklet", 1, 210, 0),
        ],
        "tasklet",
        Tasklet,
    );
    assert!(p.pairs.is_empty());
    assert_eq!(p.unpaired.get("no stamping request before it"), Some(1));
}

#[test]
fn hardirq_kernel_latency_is_zero() {
    let p = paired(
        &[
            irq(1, 100),
            raise(1, 110, "hardirq", 1),
            run(1, 120, "hardirq", 1, 9, 0),
        ],
        "hardirq",
        EventKind::Irq,
    );
    assert_eq!(p.pairs.len(), 1);
    assert_eq!((p.pairs[0].module, p.pairs[0].kernel), (9.0, 0.0));
}

// --- bad input -----------------------------------------------------------

/// Parses and analyses `text`: the error, which names the file (and the
/// line, for a record's fault).
fn fails(text: &str, needle: &str) -> String {
    let e = match parse_str("r.txt", text) {
        Err(e) => e.to_string(),
        Ok(b) => analyse(&[b]).expect_err("must fail").to_string(),
    };
    assert!(e.starts_with("r.txt"), "{e}");
    assert!(e.contains(needle), "`{e}` lacks `{needle}`");
    e
}

/// The smoke capture with the first line matching `pred` replaced by
/// `repl`'s lines.
fn edit(pred: impl Fn(&str) -> bool, repl: impl Fn(&str) -> Vec<String>) -> String {
    let text = smoke_text();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let i = lines.iter().position(|l| pred(l)).expect("a line to edit");
    let new = repl(&lines[i]);
    lines.splice(i..=i, new);
    lines.join("\n") + "\n"
}

/// Line number (1-based) of the first line matching `pred`.
fn line_of(pred: impl Fn(&str) -> bool) -> usize {
    smoke_text().lines().position(pred).unwrap() + 1
}

/// `line` with `KEY=...` set to `KEY=value`.
fn set(line: &str, key: &str, value: &str) -> String {
    line.split(' ')
        .map(|t| match t.split_once('=') {
            Some((k, _)) if k == key => format!("{k}={value}"),
            _ => t.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn empty_and_old_headers() {
    fails("", "empty file");
    fails("irqdefer-bench 1\n", "bad header");
    let e = fails(
        &smoke_text().replacen("meta capture bench", "meta capture scenario", 1),
        "",
    );
    assert!(e.contains("r.txt:2: a scenario capture"), "{e}");
}

#[test]
fn truncated() {
    let text = smoke_text();
    fails(&text[..text.len() / 2], "truncated");
    // The last line without its newline was cut off.
    fails(text.trim_end(), "no final `end all`");
}

#[test]
fn truncated_trace() {
    fails(&edit(|l| l.starts_with("tr "), |_| vec![]), "truncated");
}

#[test]
fn non_numeric() {
    let n = line_of(|l| l.starts_with("ov "));
    let e = fails(
        &edit(
            |l| l.starts_with("ov "),
            |l| vec![set(l, "executed", "12x")],
        ),
        "executed='12x' is not a number",
    );
    assert!(e.starts_with(&format!("r.txt:{n}: ")), "{e}");
}

#[test]
fn non_numeric_trace() {
    fails(
        &edit(
            |l| l.starts_with("tr "),
            |l| vec![l.replacen(l.split(' ').nth(2).unwrap(), "abc", 1)],
        ),
        "non-numeric",
    );
    fails(
        &edit(|l| l.starts_with("tr "), |l| vec![format!("{l} 9")]),
        "malformed trace event",
    );
}

#[test]
fn missing_cell() {
    fails(
        &edit(
            |l| l.starts_with("ov ") && l.contains("mode=count"),
            |_| vec![],
        ),
        "overhead cell missing",
    );
}

#[test]
fn missing_key() {
    fails(
        &edit(
            |l| l.starts_with("scale "),
            |l| {
                vec![l
                    .split(' ')
                    .filter(|t| !t.starts_with("raised="))
                    .collect::<Vec<_>>()
                    .join(" ")]
            },
        ),
        "scale record lacks raised",
    );
}

#[test]
fn zero_runs() {
    fails(
        &edit(
            |l| l.starts_with("max "),
            |l| {
                vec![set(
                    &set(&set(l, "raised", "0"), "executed", "0"),
                    "coalesced",
                    "0",
                )]
            },
        ),
        "zero bottom-half runs",
    );
}

#[test]
fn identity_broken() {
    let n = line_of(|l| l.starts_with("acc "));
    let e = fails(
        &edit(
            |l| l.starts_with("acc "),
            |l| vec![set(l, "coalesced", "5")],
        ),
        "!= executed",
    );
    assert!(
        e.starts_with(&format!("r.txt:{n}: accuracy hardirq: raised ")),
        "{e}"
    );
}

#[test]
fn negative_latency() {
    fails(
        &edit(
            |l| l.starts_with("ov ") && l.contains("mode=full"),
            |l| vec![set(l, "lat_p50", "-3")],
        ),
        "negative lat_p50",
    );
}

#[test]
fn unfinished_phase() {
    fails(
        &edit(|l| l == "end phase=acc", |_| vec![]),
        "phase acc did not finish",
    );
}

#[test]
fn path_not_in_the_registry() {
    let n = line_of(|l| l.starts_with("meta paths "));
    let e = fails(
        &edit(
            |l| l.starts_with("meta paths "),
            |_| vec!["meta paths hardirq tasklet nosuch".into()],
        ),
        "`nosuch` is not in the module's registry",
    );
    assert!(e.starts_with(&format!("r.txt:{n}: ")), "{e}");
}

#[test]
fn no_pairs() {
    // Without entry events no run can be paired.
    let text = smoke_text();
    let mut lines: Vec<String> = Vec::new();
    let mut in_tasklet = false;
    let mut count = 0;
    for l in text.lines() {
        let t: Vec<&str> = l.split_whitespace().collect();
        if l.starts_with("acc path=tasklet ") {
            in_tasklet = true;
        }
        if in_tasklet && t.first() == Some(&"tr") && t.get(4) == Some(&"tasklet") {
            continue;
        }
        if l.starts_with("fn path=tasklet ") {
            continue;
        }
        if in_tasklet && t.first() == Some(&"tr") {
            count += 1;
        }
        if l.starts_with("endtrace path=tasklet ") {
            lines.push(format!("endtrace path=tasklet lines={count}"));
            in_tasklet = false;
            continue;
        }
        lines.push(l.to_string());
    }
    fails(
        &(lines.join("\n") + "\n"),
        "accuracy tasklet: no run paired",
    );
}

// --- the binary ------------------------------------------------------------

use common::{bin, tmp};

#[test]
fn writes_markdown_and_json() {
    let (md, js) = (tmp("out/bench.md"), tmp("out/bench.json"));
    let out = bin()
        .arg("bench")
        .arg("--md")
        .arg(&md)
        .arg("--json")
        .arg(&js)
        .arg(common::data(SMOKE))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), text.trim());
    assert!(text.starts_with("# irqdefer benchmarks\n"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    assert_eq!(v["boots"][0]["vcpus"], 2);
    assert_eq!(
        v["overhead"]["rows"][1]["full_vs_count"]["status"], "inconclusive",
        "one round: no interval, no verdict"
    );
    assert_eq!(v["accuracy"]["rows"][1]["entry"], "tasklet_entry");
}

#[test]
fn bad_input_exits_1_naming_file_and_line() {
    let bad = tmp("bad.txt");
    std::fs::write(&bad, edit(|l| l.starts_with("tr "), |_| vec![])).unwrap();
    let out = bin().arg("bench").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("irqdefer-report: error: {}:", bad.display())),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(out.stdout.is_empty());
    let out = bin()
        .args(["bench", "/nonexistent/bench.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    // A scenario capture is not a bench capture, and the other way round.
    let out = bin()
        .arg("bench")
        .arg(common::data("normal.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a scenario capture"));
    let out = bin().arg(common::data(SMOKE)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("irqdefer-report bench RESULTS"));
}
