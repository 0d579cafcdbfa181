// SPDX-License-Identifier: GPL-2.0

//! The terminal rendering: plain text, at most 120 columns.

use std::fmt::Write;

use crate::figures::{CellFigures, Report};
use crate::results::scenario::Rate;
use crate::tables::{
    accel_note, hog_table, main_table, overload_detail_table, overload_table, rt_latency_table,
    rt_pair, rt_where_table, runs_table, summary_tables, sweep_table, textbook_table, RunsColumn,
};
use crate::view::{Align, Cell, Table, Unit};

/// Width of the text, continuation lines included.
const WIDTH: usize = 118;

/// A column's heading in the terminal: the first of a group carries the
/// group's name (`p99@100Hz`).
fn heading(t: &Table, i: usize) -> String {
    let c = &t.columns[i];
    let first_in_group = c.group.is_some()
        && !t.columns[..i]
            .iter()
            .any(|o| !o.detail && o.group == c.group);
    match &c.group {
        Some(g) if first_in_group => format!("{}@{}", c.head, g.replace(' ', "")),
        _ => c.head.clone(),
    }
}

/// Renders a table's columns (but its details), each as wide as its
/// widest cell, one space between them, trailing spaces trimmed; a marked
/// cell ends in ` !`. Then its notes, wrapped.
pub fn render_table(t: &Table) -> String {
    render_table_in(t, Unit::Auto)
}

/// [`render_table`], times in `unit`: with a fixed one, a time cell is a
/// bare number and its column's heading names the unit (`p99_us`).
pub fn render_table_in(t: &Table, unit: Unit) -> String {
    let shown: Vec<usize> = (0..t.columns.len())
        .filter(|i| !t.columns[*i].detail)
        .collect();
    let timed = |i: usize| {
        t.rows
            .iter()
            .any(|r| r.cells.get(i).is_some_and(|c| c.ns.is_some()))
    };
    let heads: Vec<String> = shown
        .iter()
        .map(|i| {
            let h = heading(t, *i);
            if timed(*i) {
                h + unit.suffix()
            } else {
                h
            }
        })
        .collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            shown
                .iter()
                .map(|i| match r.cells.get(*i) {
                    Some(c) if c.bad => format!("{} !", c.text_in(unit)),
                    Some(c) => c.text_in(unit),
                    None => String::new(),
                })
                .collect()
        })
        .collect();
    let mut w: Vec<usize> = heads.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&heads).chain(rows.iter()) {
        let mut line = String::new();
        for (k, c) in r.iter().enumerate() {
            if k > 0 {
                line.push(' ');
            }
            let _ = match t.columns[shown[k]].align {
                Align::L => write!(line, "{:<w$}", c, w = w[k]),
                Align::R => write!(line, "{:>w$}", c, w = w[k]),
            };
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for n in &t.notes {
        out.push_str(&wrap(n, WIDTH, "  "));
    }
    out
}

/// A boot's one-line description: its row of the runs table.
pub fn boot_line(row: &[Cell]) -> String {
    let c = |i: usize| row.get(i).map_or("", |c| c.text.as_str());
    format!(
        "boot {}: kernel {}, flavour {}, {}, {}, {} vCPUs, interrupts raised on CPU {}, {} s cells \
         ({})",
        c(RunsColumn::Boot as usize),
        c(RunsColumn::Kernel as usize),
        c(RunsColumn::Flavour as usize),
        c(RunsColumn::Model as usize),
        c(RunsColumn::Accel as usize),
        c(RunsColumn::Vcpus as usize),
        c(RunsColumn::RaiseCpu as usize),
        c(RunsColumn::CellSeconds as usize),
        c(RunsColumn::File as usize),
    )
}

/// Wraps text at `width` columns, continuation lines indented.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        } else if len > 0 && line != indent {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A table under a `-- title --` line (wrapped).
fn section(t: &Table, unit: Unit) -> String {
    format!(
        "\n{}{}",
        wrap(
            &format!("-- {} --", t.title.as_deref().unwrap_or("")),
            WIDTH,
            "   "
        ),
        render_table_in(t, unit)
    )
}

/// The report's first line: what it compares, and under what.
fn opening(report: &Report) -> String {
    wrap(
        &format!(
            "irqdefer: interrupt deferral paths compared. Latency is from the raise of the \
             request to the start of the bottom half. {}",
            accel_note(report, str::to_string)
        ),
        WIDTH,
        "",
    )
}

/// Boots side by side in the summary: 5 fit in [`WIDTH`] columns.
const SUMMARY_BOOTS: usize = 5;

/// The default: one screen. Each boot in a line, then for each path and
/// boot the p99 at `rate` on an idle CPU and where most runs took place,
/// then any broken invariant. The tables come with `--full`.
pub fn summary(report: &Report, rate: Rate, unit: Unit) -> String {
    let mut out = opening(report);
    out.push('\n');
    let runs = runs_table(report);
    for run in &runs.rows {
        out.push_str(&wrap(&boot_line(&run.cells), WIDTH, "  "));
    }
    for t in summary_tables(report, rate, SUMMARY_BOOTS) {
        out.push_str(&section(&t, unit));
    }
    out.push_str(&invariant_warnings(report));
    out
}

/// A line per boot whose cells broke raised = executed + coalesced.
fn invariant_warnings(report: &Report) -> String {
    let mut out = String::new();
    for b in &report.boots {
        let bad: Vec<String> = b
            .cells
            .iter()
            .filter(|c| !c.identity_ok)
            .map(|c| c.index.to_string())
            .collect();
        if !bad.is_empty() {
            let _ = writeln!(
                out,
                "\nWARNING: boot {}: raised != executed + coalesced at rest in cells: {}",
                b.label,
                bad.join(" ")
            );
        }
    }
    out
}

/// Everything: per boot, the comparison and sweep tables of every load,
/// the textbook table, the hog and overload tables; then RT against full.
pub fn render(report: &Report, rate: Rate, unit: Unit) -> String {
    let mut out = opening(report);
    out.push_str(&wrap(
        "Columns: coal% = coalesced/raised (requests merged into a pending one); same% = runs \
         on the raising CPU; ksirq% = runs in ksoftirqd; raised = module's count, irqs = \
         /proc/interrupts count (may exceed raised under threadirqs); context = where the runs \
         took place (irq-exit = softirq on interrupt exit or at local_bh_enable()).",
        WIDTH,
        "  ",
    ));
    let runs = runs_table(report);
    for (b, run) in report.boots.iter().zip(&runs.rows) {
        out.push('\n');
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        out.push_str(&wrap(&boot_line(&run.cells), WIDTH, "  "));
        for load in b.loads() {
            out.push_str(&section(&main_table(b, load, rate), unit));
            out.push_str(&section(&sweep_table(b, load), unit));
        }
        let bad: Vec<&CellFigures> = b.cells.iter().filter(|c| !c.identity_ok).collect();
        if !bad.is_empty() {
            out.push_str("\nWARNING: raised != executed + coalesced at rest in cells:");
            for c in bad {
                let _ = write!(out, " {}", c.index);
            }
            out.push('\n');
        }
        let t = textbook_table(b);
        let _ = write!(
            out,
            "\n{}{}",
            wrap(t.title.as_deref().unwrap_or(""), WIDTH, "  "),
            render_table_in(&t, unit)
        );
        if !b.hog_prios().is_empty() {
            out.push_str(&section(&hog_table(b), unit));
        }
        if !b.overload_paths().is_empty() {
            out.push_str(&section(&overload_table(b), unit));
            out.push_str(&section(&overload_detail_table(b), unit));
        }
    }
    if let Some((full, rt)) = rt_pair(report) {
        out.push('\n');
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        out.push_str(&section(&rt_where_table(full, rt), unit));
        out.push_str(&section(&rt_latency_table(full, rt), unit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells;
    use crate::view::{Cell, Column};

    #[test]
    fn wraps() {
        let w = wrap("aaa bbb ccc ddd", 7, "  ");
        assert_eq!(w, "aaa bbb\n  ccc\n  ddd\n");
        assert_eq!(wrap("", 10, ""), "");
    }

    #[test]
    fn tables_align() {
        let mut t = Table::new(vec![
            Column::left("a"),
            Column::right("hidden").detail(),
            Column::right("n"),
        ]);
        t.row(cells!["xyz", "x", "1"]);
        t.row(vec!["µ".into(), "y".into(), Cell::bad("100")]);
        t.note("a note");
        assert_eq!(
            render_table(&t),
            "a       n\nxyz     1\nµ   100 !\na note\n"
        );
    }

    #[test]
    fn groups_head_their_first_column() {
        let t = Table::new(vec![
            Column::left("path"),
            Column::right("p50").group("100 Hz").detail(),
            Column::right("p99").group("100 Hz"),
            Column::right("runs/s").group("100 Hz"),
        ]);
        assert_eq!(render_table(&t), "path p99@100Hz runs/s\n");
    }
}
