// SPDX-License-Identifier: GPL-2.0

//! The scenario report's tables, built once for every renderer: the
//! comparison at one rate, the sweep over the rates, the textbook table
//! measured, and the runs.

use crate::cells;
use crate::figures::{fmt_ns, pct, Boot, CellFigures, Report};
use crate::places::short;
use crate::results::scenario::{Load, Rate};
use crate::textbook::Check;
use crate::view::{Cell, Column, Kind, Table};

/// Where a cell's runs took place: the only place, or each with its share.
pub fn places(c: &CellFigures) -> String {
    let runs = c.runs();
    if runs == 0 {
        return "-".into();
    }
    let seen: Vec<_> = c.wherein.iter().filter(|(_, n)| **n > 0).collect();
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
    format!("{}: CPU {} {}", b.label, b.meta("raise_cpu"), load.words())
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
        Column::left("context"),
        Column::left("may sleep"),
        Column::left("raised = executed + coalesced").detail(),
    ])
    .titled(format!("{}, rate {rate}", section(b, load)));
    for path in b.paths() {
        let Some(c) = b.cell(&path, rate, load) else {
            continue;
        };
        let mut row = cells![
            path.clone(),
            fmt_ns(c.latency.p50 as f64),
            fmt_ns(c.latency.p99 as f64),
            fmt_ns(c.latency.max as f64),
            format!("{:.0}", c.runs_per_s),
            pct(c.coalesced_share),
            pct(c.same_cpu_share),
            pct(c.ksoftirqd_share),
            c.raised.to_string(),
            c.executed.to_string(),
            c.proc_interrupts.map_or("-".into(), |n| n.to_string()),
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
    t
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
                    fmt_ns(c.latency.p50 as f64),
                    fmt_ns(c.latency.p99 as f64),
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

/// The textbook table of one boot: each executor's rule, then what every
/// cell of the boot measured; notes name the paths and explain each
/// disagreement.
pub fn textbook_table(b: &Boot) -> Table {
    let runs: u64 = b.cells.iter().map(CellFigures::runs).sum();
    let mut t = Table::new(vec![
        Column::left("executor"),
        Column::left(""),
        Column::left("context"),
        Column::left("may sleep"),
        Column::left("preemptible"),
        Column::left("alloc").long("allocation flags"),
        Column::left("where it ran"),
    ])
    .titled(format!(
        "Textbook table, measured ({}: every cell pooled, {runs} runs; '!' = disagrees with \
         the rule)",
        b.label
    ));
    for r in &b.textbook {
        let rule = [&r.context, &r.may_sleep, &r.preemptible, &r.gfp, &r.ran];
        let mut row = cells![r.executor.clone(), "rule"];
        row.extend(rule.iter().map(|c| Cell::from(&c.documented)));
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
        for n in &r.notes {
            t.note(format!("! {}: {}", r.executor, n));
        }
    }
    t
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
            b.meta("accel"),
            b.meta("vcpus"),
            b.meta("raise_cpu"),
            b.meta("cell_seconds"),
            b.cells.len().to_string(),
            b.meta("cmdline"),
            b.file.clone(),
        ]);
    }
    t
}
