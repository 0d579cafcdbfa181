// SPDX-License-Identifier: GPL-2.0

//! The terminal rendering: plain text, at most 120 columns.

use std::fmt::Write;

use crate::figures::{CellFigures, Report};
use crate::results::scenario::Rate;
use crate::tables::{
    accel_note, hog_table, main_table, overload_detail_table, overload_table, rt_latency_table,
    rt_pair, rt_where_table, runs_table, sweep_table, textbook_table, RunsColumn,
};
use crate::view::{Align, Cell, Table};

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
    let shown: Vec<usize> = (0..t.columns.len())
        .filter(|i| !t.columns[*i].detail)
        .collect();
    let heads: Vec<String> = shown.iter().map(|i| heading(t, *i)).collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            shown
                .iter()
                .map(|i| match r.cells.get(*i) {
                    Some(c) if c.bad => format!("{} !", c.text),
                    Some(c) => c.text.clone(),
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
fn section(t: &Table) -> String {
    format!(
        "\n{}{}",
        wrap(
            &format!("-- {} --", t.title.as_deref().unwrap_or("")),
            WIDTH,
            "   "
        ),
        render_table(t)
    )
}

/// Everything printed on stdout.
pub fn render(report: &Report, rate: Rate) -> String {
    let mut out = String::new();
    out.push_str(&wrap(
        &format!(
            "irqdefer: interrupt deferral paths compared. Latency is from the raise of the \
             request to the start of the bottom half. {}",
            accel_note(report, str::to_string)
        ),
        WIDTH,
        "",
    ));
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
            out.push_str(&section(&main_table(b, load, rate)));
            out.push_str(&section(&sweep_table(b, load)));
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
            render_table(&t)
        );
        if !b.hog_prios().is_empty() {
            out.push_str(&section(&hog_table(b)));
        }
        if !b.overload_paths().is_empty() {
            out.push_str(&section(&overload_table(b)));
            out.push_str(&section(&overload_detail_table(b)));
        }
    }
    if let Some((full, rt)) = rt_pair(report) {
        out.push('\n');
        out.push_str(&"=".repeat(WIDTH));
        out.push('\n');
        out.push_str(&section(&rt_where_table(full, rt)));
        out.push_str(&section(&rt_latency_table(full, rt)));
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
