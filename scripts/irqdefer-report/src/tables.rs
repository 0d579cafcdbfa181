// SPDX-License-Identifier: GPL-2.0

//! The scenario report's tables, built once for every renderer: the
//! comparison at one rate, the sweep over the rates, the textbook table
//! measured, and the runs.

use std::collections::BTreeMap;

use irqdefer_logic::context::Where;

use crate::cells;
use crate::figures::{fmt_ns, pct, Boot, CellFigures, Report};
use crate::places::short;
use crate::pressure::{self, Fate};
use crate::results::accel_label;
use crate::results::scenario::{Load, Rate};
use crate::textbook::{Check, Rule};
use crate::view::{Cell, Column, Kind, Table};

/// Where a cell's runs took place: the only place, or each with its share.
pub fn places(c: &CellFigures) -> String {
    places_of(&c.wherein)
}

/// Where runs took place, from their count per place.
pub fn places_of(wherein: &BTreeMap<Where, u64>) -> String {
    let runs: u64 = wherein.values().sum();
    if runs == 0 {
        return "-".into();
    }
    let seen: Vec<_> = wherein.iter().filter(|(_, n)| **n > 0).collect();
    if let [(w, _)] = seen[..] {
        return short(*w);
    }
    seen.iter()
        .map(|(w, n)| format!("{} {:.0}%", short(**w), **n as f64 * 100.0 / runs as f64))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether sleeping was legal: "no 0/N", "yes N/N" or "mixed K/N".
pub fn sleep_legal(c: &CellFigures) -> String {
    let runs = c.runs();
    let word = if runs == 0 {
        return "-".into();
    } else if c.may_sleep == runs {
        "yes"
    } else if c.may_sleep == 0 {
        "no"
    } else {
        "mixed"
    };
    format!("{word} {}/{runs}", c.may_sleep)
}

/// The title of a boot and load's tables.
fn section(b: &Boot, load: Load) -> String {
    format!(
        "{} ({}): CPU {} {}",
        b.label,
        model(b),
        b.meta("raise_cpu"),
        load.words()
    )
}

/// The boot's preemption model, in words.
pub fn model(b: &Boot) -> String {
    model_of(&b.preempt, b.meta("cmdline"), b.meta("bh_lock"))
}

/// A preemption model (`meta preempt`, "unknown" when absent) in words,
/// with forced threading where the command line asks for it, and on
/// PREEMPT_RT whether softirqs take the BH lock (`meta bh_lock`; older
/// captures lack it).
pub fn model_of(preempt: &str, cmdline: &str, bh_lock: &str) -> String {
    match preempt {
        "rt" => match bh_lock {
            "yes" => "PREEMPT_RT, BH lock".into(),
            "no" => "PREEMPT_RT, no BH lock".into(),
            _ => "PREEMPT_RT".into(),
        },
        "unknown" => "model unknown".into(),
        m if cmdline.split_whitespace().any(|w| w == "threadirqs") => {
            format!("preempt={m} threadirqs")
        }
        m => format!("preempt={m}"),
    }
}

/// "yes", "no" or "mixed k/n" for a count of runs with a property.
fn flag_word(count: u64, runs: u64) -> String {
    if runs == 0 {
        "-".into()
    } else if count == runs {
        "yes".into()
    } else if count == 0 {
        "no".into()
    } else {
        format!("mixed {count}/{runs}")
    }
}

/// The comparison table of one boot and load at one rate.
pub fn main_table(b: &Boot, load: Load, rate: Rate) -> Table {
    let mut t = Table::new(vec![
        Column::left("path"),
        Column::right("p50"),
        Column::right("p99"),
        Column::right("max"),
        Column::right("runs/s"),
        Column::right("coal%").long("coalesced %"),
        Column::right("same%").long("same CPU %"),
        Column::right("ksirq%").long("ksoftirqd %"),
        Column::right("raised"),
        Column::right("executed").detail(),
        Column::right("irqs").long("/proc/interrupts"),
        Column::right("merged").long("merged before the top half"),
        Column::left("context"),
        Column::left("may sleep"),
        Column::left("raised = executed + coalesced").detail(),
    ])
    .titled(format!("{}, rate {rate}", section(b, load)));
    let mut held = Vec::new();
    for path in b.paths() {
        let Some(c) = b.cell(&path, rate, load) else {
            continue;
        };
        if c.guard_skipped > 0 {
            held.push(format!("{path} ({})", c.guard_skipped));
        }
        let mut row = cells![
            path.clone(),
            Cell::time(c.latency.p50 as f64),
            Cell::time(c.latency.p99 as f64),
            Cell::time(c.latency.max as f64),
            Cell::marked(format!("{:.0}", c.runs_per_s), c.guard_skipped > 0),
            pct(c.coalesced_share),
            pct(c.same_cpu_share),
            pct(c.ksoftirqd_share),
            c.raised.to_string(),
            c.executed.to_string(),
            c.proc_interrupts.map_or("-".into(), |n| n.to_string()),
            c.merged_before_top_half
                .map_or("-".into(), |n| n.to_string()),
            places(c),
            sleep_legal(c),
        ];
        row.push(if c.identity_ok {
            "ok".into()
        } else {
            Cell::bad("VIOLATED")
        });
        t.row(row);
    }
    if !held.is_empty() {
        t.note(format!(
            "! runs/s: the starvation guard held the source back (ticks that fired nothing), \
             because interrupt context and the paths' favoured threads took more than guard_pct \
             of the CPU: {}.",
            held.join(", ")
        ));
    }
    t
}

/// The summary: for each path, in each boot, the p99 latency at `rate`
/// with nothing else on the raising CPU, and where most runs took place.
/// At most `per_table` boots in one table (the terminal's width).
pub fn summary_tables(report: &Report, rate: Rate, per_table: usize) -> Vec<Table> {
    let mut tables = Vec::new();
    for boots in report.boots.chunks(per_table.max(1)) {
        let mut columns = vec![Column::left("path")];
        for b in boots {
            columns.push(Column::right("p99").group(&b.label));
            columns.push(Column::left("where").group(&b.label));
        }
        let mut t = Table::new(columns).titled(format!(
            "p99 latency at {rate}, the raising CPU idle, and where most runs took place"
        ));
        let mut paths: Vec<String> = Vec::new();
        for b in boots {
            for p in b.paths() {
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
        for path in &paths {
            let mut row = cells![path.clone()];
            for b in boots {
                match b.cell(path, rate, Load::Idle) {
                    Some(c) if c.runs() > 0 => row.extend(vec![
                        Cell::time(c.latency.p99 as f64),
                        Cell::from(most_runs(&c.wherein)),
                    ]),
                    Some(_) => row.extend(cells!["no runs", "-"]),
                    None => row.extend(cells!["-", "-"]),
                }
            }
            t.row(row);
        }
        tables.push(t);
    }
    tables
}

/// Where most runs took place ("-" without runs).
fn most_runs(wherein: &BTreeMap<Where, u64>) -> String {
    wherein
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by_key(|(_, n)| **n)
        .map_or("-".into(), |(w, _)| short(*w))
}

/// p50, p99, runs/s and coalesced share of one boot and load at every
/// rate: a group of columns per rate.
pub fn sweep_table(b: &Boot, load: Load) -> Table {
    let rates = b.rates();
    let mut columns = vec![Column::left("path")];
    for r in &rates {
        let g = r.to_string();
        columns.push(Column::right("p50").group(&g).detail());
        columns.push(Column::right("p99").group(&g));
        columns.push(Column::right("runs/s").group(&g));
        columns.push(Column::right("coal%").long("coal. %").group(&g));
    }
    let mut t = Table::new(columns).titled(format!("{}, every rate", section(b, load)));
    for path in b.paths() {
        let mut row = cells![path.clone()];
        for r in &rates {
            match b.cell(&path, *r, load) {
                Some(c) => row.extend(cells![
                    Cell::time(c.latency.p50 as f64),
                    Cell::time(c.latency.p99 as f64),
                    format!("{:.0}", c.runs_per_s),
                    pct(c.coalesced_share),
                ]),
                None => row.extend(cells!["-", "-", "-", "-"]),
            }
        }
        t.row(row);
    }
    t
}

/// A measurement, compacted ("no (0/4200 may sleep)" to "no 0/4200"),
/// marked where it disagrees with the rule.
fn measured(c: &Check) -> Cell {
    let m = c
        .measured
        .replace(" may sleep)", "")
        .replace(" preemptible)", "")
        .replace('(', "");
    Cell::marked(m, !c.agrees)
}

/// The textbook table of one boot: each executor's rule on the boot's
/// model (after the textbook's, marked where they differ), then what every
/// matrix cell of the boot measured; notes name the paths and explain each
/// disagreement.
pub fn textbook_table(b: &Boot) -> Table {
    let runs: u64 = b.matrix().map(CellFigures::runs).sum();
    let mut t = Table::new(vec![
        Column::left("executor"),
        Column::left(""),
        Column::left("context"),
        Column::left("may sleep"),
        Column::left("preemptible"),
        Column::left("alloc").long("allocation flags").detail(),
        Column::left("where it ran"),
    ])
    .titled(format!(
        "Textbook table, measured ({}, {}: every matrix cell pooled, {runs} runs; '!' = \
         disagrees with the rule; on a rule, differs from the textbook's)",
        b.label,
        model(b)
    ));
    for r in &b.textbook {
        let rule = [&r.context, &r.may_sleep, &r.preemptible, &r.gfp, &r.ran];
        let mut label = "rule";
        if let Some(book) = &r.textbook {
            let mut row = cells![r.executor.clone(), "textbook"];
            row.extend(book.cells.iter().map(Cell::from));
            t.push(row, Kind::Rule);
            label = if b.rt() { "rule (RT)" } else { "rule here" };
        }
        let mut row = cells![
            if r.textbook.is_some() {
                String::new()
            } else {
                r.executor.clone()
            },
            label
        ];
        row.extend(rule.iter().enumerate().map(|(i, c)| {
            let differs = r.textbook.as_ref().is_some_and(|book| book.differs[i]);
            Cell::marked(&c.documented, differs)
        }));
        t.push(row, Kind::Rule);
        let mut row = cells!["", "measured"];
        row.extend(rule.iter().map(|c| measured(c)));
        t.row(row);
    }
    let legend: Vec<String> = b
        .textbook
        .iter()
        .map(|r| format!("{} = {}", r.executor, r.paths.join(" ")))
        .collect();
    t.note(format!("paths: {}", legend.join("; ")));
    for r in &b.textbook {
        if let Some(book) = &r.textbook {
            let what: Vec<String> = ["context", "may sleep", "preemptible", "allocation", "where"]
                .iter()
                .zip(book.differs.iter().zip(book.cells.iter()))
                .zip([&r.context, &r.may_sleep, &r.preemptible, &r.gfp, &r.ran])
                .filter(|((_, (d, _)), _)| **d)
                .map(|((name, (_, text)), model)| {
                    format!("{name} {} (textbook: {text})", model.documented)
                })
                .collect();
            t.note(format!(
                "! {}: on {} the rule differs from the textbook's: {}.",
                r.executor,
                model(b),
                what.join("; ")
            ));
        }
        for n in &r.notes {
            t.note(format!("! {}: {}", r.executor, n));
        }
    }
    let merged: u64 = b.matrix().filter_map(|c| c.merged_before_top_half).sum();
    if merged > 0 {
        t.note(format!(
            "merged before the top half: {merged} interrupts in all ({}) counted by \
             /proc/interrupts never reached a top half: with forced threading the IRQ core \
             merges an interrupt that comes while the handler thread's wake-up is pending. \
             The module's accounting (raised = executed + coalesced) covers the top halves \
             that ran.",
            b.paths()
                .iter()
                .filter_map(|p| {
                    let n: u64 = b
                        .matrix()
                        .filter(|c| &c.path == p)
                        .filter_map(|c| c.merged_before_top_half)
                        .sum();
                    (n > 0).then(|| format!("{p} {n}"))
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    t
}

/// The boots the PREEMPT_RT headline compares: the first `full` boot
/// without forced threading, and the first `rt` boot.
pub fn rt_pair(report: &Report) -> Option<(&Boot, &Boot)> {
    let full = report.boots.iter().find(|b| {
        b.preempt == "full"
            && !b
                .meta("cmdline")
                .split_whitespace()
                .any(|w| w == "threadirqs")
    })?;
    let rt = report.boots.iter().find(|b| b.rt())?;
    Some((full, rt))
}

/// The rate of the headline: 1000 Hz if the matrix has it, else its
/// highest.
fn headline_rate(b: &Boot) -> Option<Rate> {
    let rates = b.rates();
    if rates.contains(&Rate::Hz(1000)) {
        Some(Rate::Hz(1000))
    } else {
        rates.last().copied()
    }
}

/// "p50/p99" of a cell, or "-".
fn p50_p99(c: Option<&CellFigures>) -> String {
    match c {
        Some(c) if c.latency.count > 0 => format!(
            "{}/{}",
            fmt_ns(c.latency.p50 as f64),
            fmt_ns(c.latency.p99 as f64)
        ),
        Some(_) => "no runs".into(),
        None => "-".into(),
    }
}

/// "p50/p99" of a hog cell's window, "starved" without runs.
fn hog_latency(c: Option<&CellFigures>) -> String {
    let Some(w) = c.and_then(|c| c.window.as_ref()) else {
        return "-".into();
    };
    match (w.p50, w.p99) {
        (Some(p50), Some(p99)) if w.executed > 0 => {
            format!("{}/{}", fmt_ns(p50 as f64), fmt_ns(p99 as f64))
        }
        _ => "starved".into(),
    }
}

/// The headline, part one: where each path ran, whether preemptible and
/// whether sleeping was legal, on `full` and on PREEMPT_RT; a PREEMPT_RT
/// cell marked where it differs from `full`.
pub fn rt_where_table(full: &Boot, rt: &Boot) -> Table {
    let rate = headline_rate(rt).unwrap_or(Rate::Hz(1000));
    let mut t = Table::new(vec![
        Column::left("path"),
        Column::left("full").group("rule").detail(),
        Column::left("RT").group("rule").detail(),
        Column::left("full").group("ran"),
        Column::left("RT").group("ran"),
        Column::left("full").group("preempt").long("full"),
        Column::left("RT").group("preempt"),
        Column::left("full").group("sleep").long("full"),
        Column::left("RT").group("sleep"),
    ])
    .titled(format!(
        "What changes under PREEMPT_RT: where each path ran, preemptible, may sleep ({} \
         against {}, {rate}, CPU {} idle; '!' = differs from full)",
        rt.label,
        full.label,
        rt.meta("raise_cpu")
    ));
    for path in rt.paths() {
        let Some(rule) = rt.registry.get(&path) else {
            continue;
        };
        let (a, b) = (
            full.cell(&path, rate, Load::Idle),
            rt.cell(&path, rate, Load::Idle),
        );
        let ran = |c: Option<&CellFigures>| c.map_or("-".into(), places);
        let pre =
            |c: Option<&CellFigures>| c.map_or("-".into(), |c| flag_word(c.preemptible, c.runs()));
        let slp =
            |c: Option<&CellFigures>| c.map_or("-".into(), |c| flag_word(c.may_sleep, c.runs()));
        let (rf, rr) = (
            Rule::on(rule, false).cells()[4].clone(),
            Rule::on(rule, true).cells()[4].clone(),
        );
        let mark = |x: String, y: String| {
            let differs = x != y && x != "-" && y != "-";
            (Cell::from(x), Cell::marked(y, differs))
        };
        let (rule_f, rule_r) = mark(rf, rr);
        let (ran_f, ran_r) = mark(ran(a), ran(b));
        let (pre_f, pre_r) = mark(pre(a), pre(b));
        let (slp_f, slp_r) = mark(slp(a), slp(b));
        t.row(vec![
            Cell::from(&path),
            rule_f,
            rule_r,
            ran_f,
            ran_r,
            pre_f,
            pre_r,
            slp_f,
            slp_r,
        ]);
    }
    t.note(
        "ran: the places of the runs (irq-exit: softirq at interrupt exit or \
         local_bh_enable(); in-task: on PREEMPT_RT, a softirq served by the task that \
         re-enabled bottom halves, such as the path's forced IRQ thread). preempt: \
         preemptible() at the run; sleep: might_sleep() would be legal there (on \
         PREEMPT_RT a softirq served in a task is preemptible but still may not sleep).",
    );
    t
}

/// The headline, part two: p50/p99 latency without a hog and under each
/// SCHED_FIFO hog, on `full` and on PREEMPT_RT.
pub fn rt_latency_table(full: &Boot, rt: &Boot) -> Table {
    let rate = headline_rate(rt).unwrap_or(Rate::Hz(1000));
    let mut prios = full.hog_prios();
    prios.extend(rt.hog_prios());
    prios.sort_unstable();
    prios.dedup();
    let mut columns = vec![
        Column::left("path"),
        Column::right("full").group("idle"),
        Column::right("RT").group("idle"),
    ];
    for p in &prios {
        let g = format!("FIFO {p} hog");
        columns.push(Column::right("full").group(&g));
        columns.push(Column::right("RT").group(&g));
    }
    let mut t = Table::new(columns).titled(format!(
        "What changes under PREEMPT_RT: latency p50/p99 ({} against {}, {rate}; idle: the \
         matrix cell; under a hog: the runs during its window; starved: none ran)",
        rt.label, full.label
    ));
    for path in rt.paths() {
        let mut row = cells![
            path.clone(),
            p50_p99(full.cell(&path, rate, Load::Idle)),
            p50_p99(rt.cell(&path, rate, Load::Idle)),
        ];
        for p in &prios {
            for b in [full, rt] {
                let text = hog_latency(b.hog_cell(&path, *p));
                let starved = text == "starved";
                row.push(Cell::marked(text, starved));
            }
        }
        t.row(row);
    }
    t.note("'!' marks a path starved by the hog: no bottom half ran during its window.");
    t
}

/// The real-time hog's table of one boot: for each path and priority, the
/// fate the kernel's rules predict and the measured one; a disagreement
/// marked and explained.
pub fn hog_table(b: &Boot) -> Table {
    let prios = b.hog_prios();
    let mut columns = vec![Column::left("path")];
    for p in &prios {
        let g = format!("FIFO {p}");
        columns.push(Column::left("expected").group(&g));
        columns.push(Column::left("why").group(&g).detail());
        columns.push(Column::left("measured").group(&g));
        columns.push(
            Column::right("runs")
                .long("runs/raised in the window")
                .group(&g),
        );
        columns.push(Column::right("p50").group(&g).detail());
        columns.push(Column::right("p99").group(&g));
        columns.push(
            Column::right("same%")
                .long("on the hog's CPU %")
                .group(&g)
                .detail(),
        );
    }
    let mut t = Table::new(columns).titled(format!(
        "Real-time hog ({}, {}): SCHED_FIFO busy loop pinned on CPU {} at {} Hz for {} s; \
         expected from the kernel's rules, then measured ('!' = disagrees; 'moved off': every \
         run off the hog's CPU, which tests no rule)",
        b.label,
        model(b),
        b.meta("raise_cpu"),
        b.meta("rthog_rate"),
        b.meta("rthog_seconds"),
    ));
    let mut notes = Vec::new();
    // Paths whose runs in the window all took place off the hog's CPU, with
    // the priorities.
    let mut moved: Vec<(String, Vec<String>)> = Vec::new();
    for path in b.paths() {
        let Some(rule) = b.registry.get(&path) else {
            continue;
        };
        let mut row = cells![path.clone()];
        let mut any = false;
        for p in &prios {
            let c = b.hog_cell(&path, *p);
            let e = pressure::hog(rule, b.rt(), *p);
            let m = c.and_then(pressure::measured_fate);
            let w = c.and_then(|c| c.window.as_ref());
            any |= c.is_some();
            let agrees = m.is_none_or(|m| pressure::agrees(e.what, m));
            if m == Some(Fate::MovedOff) {
                match moved.last_mut() {
                    Some((last, prios)) if *last == path => prios.push(p.to_string()),
                    _ => moved.push((path.clone(), vec![p.to_string()])),
                }
            } else if !agrees {
                notes.push(format!(
                    "! {path} under FIFO {p}: expected {} ({}); measured {} ({} runs of {} \
                     raised in the window).",
                    e.what.word(),
                    e.why,
                    m.map_or("-", Fate::word),
                    w.map_or(0, |w| w.executed),
                    w.map_or(0, |w| w.raised),
                ));
            }
            row.extend(vec![
                Cell::from(e.what.word()),
                Cell::from(&e.why),
                Cell::marked(m.map_or("-", Fate::word), !agrees),
                Cell::from(w.map_or("-".into(), |w| format!("{}/{}", w.executed, w.raised))),
                w.and_then(|w| w.p50)
                    .filter(|_| w.is_some_and(|w| w.executed > 0))
                    .map_or("-".into(), |v| Cell::time(v as f64)),
                w.and_then(|w| w.p99)
                    .filter(|_| w.is_some_and(|w| w.executed > 0))
                    .map_or("-".into(), |v| Cell::time(v as f64)),
                Cell::from(w.map_or("-".into(), |w| {
                    if w.executed == 0 {
                        "-".into()
                    } else {
                        pct(w.on_hog_cpu.unwrap_or(w.same_cpu) as f64 / w.executed as f64)
                    }
                })),
            ]);
        }
        if any {
            t.row(row);
        }
    }
    t.note(format!(
        "Setup: {}. runs: bottom halves run during the window, with the hog running / top \
         halves raised then; a starved path runs once the hog stops.",
        b.meta("rthog_setup")
    ));
    if !moved.is_empty() {
        let list: Vec<String> = moved
            .iter()
            .map(|(path, prios)| format!("{path} (FIFO {})", prios.join(", ")))
            .collect();
        t.note(format!(
            "moved off: every run in the window took place off the hog's CPU {}, so the hog \
             never competed with the executor and the rule was not tested (an unbound \
             kworker runs on any CPU; on 7.x an IRQ thread follows its interrupt's affinity, \
             every CPU for irq_sim, and cannot be pinned, and what its top half queues locally \
             follows it): {}.",
            b.meta("raise_cpu"),
            list.join(", ")
        ));
    }
    for n in notes {
        t.note(n);
    }
    t
}

/// The overload steps of a boot, as (percent of a CPU) of the first path's
/// cells.
fn overload_steps(b: &Boot) -> Vec<f64> {
    let mut v: Vec<f64> = b
        .overload_paths()
        .iter()
        .flat_map(|p| b.overload_cells(p))
        .map(CellFigures::load_pct)
        .collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// The share of a cell's runs in one place.
fn share_in(c: &CellFigures, w: Where) -> f64 {
    let runs = c.runs();
    if runs == 0 {
        0.0
    } else {
        c.wherein.get(&w).copied().unwrap_or(0) as f64 / runs as f64
    }
}

/// Softirq overload, one boot: per path, the share of runs in ksoftirqd at
/// each load, where it takes the majority, against what the rules predict.
pub fn overload_table(b: &Boot) -> Table {
    let steps = overload_steps(b);
    let mut columns = vec![Column::left("path")];
    columns.push(Column::left("expected"));
    for s in &steps {
        columns.push(Column::right(&format!("{s:.0}%")).group("load"));
    }
    columns.push(Column::left("majority from"));
    columns.push(Column::left("why").detail());
    let mut t = Table::new(columns).titled(format!(
        "Softirq overload ({}, {}): share of runs in ksoftirqd as the work per bottom half \
         grows to a whole CPU ({} Hz, load = work_ns x rate; '!' = disagrees with the \
         expectation)",
        b.label,
        model(b),
        b.meta("overload_rate")
    ));
    for path in b.overload_paths() {
        let Some(rule) = b.registry.get(&path) else {
            continue;
        };
        let e = pressure::overload(rule, b.rt());
        let shares = pressure::shares(b, &path);
        let agrees = e.what.agrees(&shares);
        let mut row = cells![path.clone(), e.what.words()];
        for s in &steps {
            row.push(Cell::from(
                b.overload_cells(&path)
                    .iter()
                    .find(|c| (c.load_pct() - s).abs() < 0.5)
                    .map_or("-".into(), |c| pct(c.ksoftirqd_share)),
            ));
        }
        let cross = pressure::crossing(&shares);
        row.push(Cell::marked(
            cross.map_or("never".into(), |x| {
                let prev = shares
                    .iter()
                    .take_while(|(p, _)| *p < x)
                    .last()
                    .map_or(String::new(), |(p, _)| format!(" (above {p:.0}%)"));
                format!("{x:.0}%{prev}")
            }),
            !agrees,
        ));
        row.push(Cell::from(&e.why));
        t.row(row);
        if !agrees {
            t.note(format!(
                "! {path}: expected {} ({}); measured {}.",
                e.what.words(),
                e.why,
                cross.map_or("never the majority".into(), |x| format!(
                    "the majority from {x:.0}% load"
                ))
            ));
        }
    }
    t
}

/// Softirq overload, one boot: where the runs took place and what the
/// handover costs in latency, per path and load.
pub fn overload_detail_table(b: &Boot) -> Table {
    let mut t = Table::new(vec![
        Column::left("path"),
        Column::right("load%").long("load % of a CPU"),
        Column::right("work").long("work_ns"),
        Column::right("runs/s"),
        Column::right("coal%").long("coalesced %"),
        Column::right("exit%").long("irq-exit %"),
        Column::right("ksirq%").long("ksoftirqd %"),
        Column::right("task%").long("in-task %"),
        Column::right("other%").long("elsewhere %"),
        Column::right("p50"),
        Column::right("p99"),
        Column::right("max").detail(),
    ])
    .titled(format!(
        "Softirq overload ({}, {}): where the runs took place, and the latency, at each \
         load",
        b.label,
        model(b)
    ));
    for path in b.overload_paths() {
        for c in b.overload_cells(&path) {
            let (exit, ksirq, task) = (
                share_in(c, Where::SoftirqIrqExit),
                share_in(c, Where::SoftirqKsoftirqd),
                share_in(c, Where::SoftirqTask),
            );
            let other = if c.runs() == 0 {
                0.0
            } else {
                (1.0 - exit - ksirq - task).max(0.0)
            };
            t.row(cells![
                path.clone(),
                format!("{:.0}", c.load_pct()),
                Cell::time(c.work_ns as f64),
                format!("{:.0}", c.runs_per_s),
                pct(c.coalesced_share),
                pct(exit),
                pct(ksirq),
                pct(task),
                pct(other),
                Cell::time(c.latency.p50 as f64),
                Cell::time(c.latency.p99 as f64),
                Cell::time(c.latency.max as f64),
            ]);
        }
    }
    t
}

/// Where the boots ran (`meta accel`), for the warning that heads the
/// report: one clause per accelerator, naming its boots, then what that
/// means for absolute times. `strong` wraps the accelerator's label (the
/// HTML page's `<b>`).
pub fn accel_note(report: &Report, strong: fn(&str) -> String) -> String {
    let mut seen: Vec<(&str, Vec<&str>)> = Vec::new();
    for b in &report.boots {
        let accel = b.meta("accel");
        match seen.iter_mut().find(|(a, _)| *a == accel) {
            Some((_, boots)) => boots.push(&b.label),
            None => seen.push((accel, vec![&b.label])),
        }
    }
    let clauses: Vec<String> = seen
        .iter()
        .map(|(accel, boots)| {
            let label = strong(accel_label(accel));
            let place = match *accel {
                "tcg" => format!("in a QEMU guest under {label} (no hardware virtualisation)"),
                "kvm" => format!("in a guest under {label} (hardware virtualisation)"),
                "metal" => format!("on {label} (no hypervisor)"),
                _ => format!("in a virtual machine ({label})"),
            };
            format!("{place}: {}", boots.join(", "))
        })
        .collect();
    let mut note = format!("Measured {}.", clauses.join("; "));
    let has = |a: &str| seen.iter().any(|(accel, _)| *accel == a);
    if has("tcg") {
        note.push_str(
            " Absolute times are inflated under TCG emulation (every guest instruction is \
             translated by QEMU): compare the paths, rates and loads with each other, not \
             with real hardware.",
        );
    } else if seen.iter().any(|(accel, _)| *accel != "metal") {
        note.push_str(
            " A hypervisor delivers the guest's timer and interrupts: absolute times include \
             its exits; compare the paths, rates and loads with each other.",
        );
    } else {
        note.push_str(
            " Absolute times are the machine's own; they still depend on its CPUs, firmware \
             and load: compare the paths, rates and loads with each other.",
        );
    }
    note
}

/// The columns of [`runs_table`], in order.
pub enum RunsColumn {
    /// The boot's label.
    Boot,
    /// Kernel release.
    Kernel,
    /// Kernel build flavour.
    Flavour,
    /// The accelerator.
    Accel,
    /// vCPUs.
    Vcpus,
    /// The preemption model.
    Model,
    /// The CPU interrupts are raised on.
    RaiseCpu,
    /// A periodic cell's length.
    CellSeconds,
    /// Cells.
    Cells,
    /// The kernel command line.
    Cmdline,
    /// The results file.
    File,
}

/// The runs: one row per boot, in [`RunsColumn`] order.
pub fn runs_table(report: &Report) -> Table {
    let mut t = Table::new(vec![
        Column::left("boot"),
        Column::left("kernel"),
        Column::left("flavour"),
        Column::left("accelerator"),
        Column::right("vCPUs"),
        Column::left("model"),
        Column::right("raising CPU"),
        Column::right("cell seconds"),
        Column::right("cells"),
        Column::left("kernel command line"),
        Column::left("file"),
    ]);
    for b in &report.boots {
        t.row(cells![
            b.label.clone(),
            b.meta("kernel"),
            b.meta("flavour"),
            accel_label(b.meta("accel")),
            b.meta("vcpus"),
            model(b),
            b.meta("raise_cpu"),
            b.meta("cell_seconds"),
            b.cells.len().to_string(),
            b.meta("cmdline"),
            b.file.clone(),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::model_of;

    #[test]
    fn models_in_words() {
        assert_eq!(model_of("lazy", "console=ttyS0", "-"), "preempt=lazy");
        assert_eq!(
            model_of("full", "x threadirqs", "-"),
            "preempt=full threadirqs"
        );
        assert_eq!(model_of("rt", "", "yes"), "PREEMPT_RT, BH lock");
        assert_eq!(model_of("rt", "", "no"), "PREEMPT_RT, no BH lock");
        // A capture from before `meta bh_lock`.
        assert_eq!(model_of("rt", "", "unknown"), "PREEMPT_RT");
        assert_eq!(model_of("unknown", "", "unknown"), "model unknown");
    }
}
