// SPDX-License-Identifier: GPL-2.0

//! The terminal rendering: plain text, at most 120 columns.

use std::fmt::Write;

use crate::figures::{fmt_ns, pct, Boot, CellFigures, Report, Where};
use crate::format::{Load, Rate};
use crate::textbook::{Check, RULES};

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
pub enum Align {
    /// Left.
    L,
    /// Right.
    R,
}

/// A text table whose columns are as wide as their widest cell.
pub struct Table {
    heads: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers.
    pub fn new(heads: &[(&str, Align)]) -> Table {
        Table {
            heads: heads.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders, one space between columns, trailing spaces trimmed.
    pub fn render(&self) -> String {
        let n = self.heads.len();
        let mut w: Vec<usize> = self.heads.iter().map(|(h, _)| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        let heads: Vec<String> = self.heads.iter().map(|(h, _)| h.clone()).collect();
        for r in std::iter::once(&heads).chain(self.rows.iter()) {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate().take(n) {
                if i > 0 {
                    line.push(' ');
                }
                match self.heads[i].1 {
                    Align::L => write!(line, "{:<w$}", c, w = w[i]).unwrap(),
                    Align::R => write!(line, "{:>w$}", c, w = w[i]).unwrap(),
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Where a cell's runs took place: the only place, or each with its share.
pub fn places(c: &CellFigures) -> String {
    let runs = c.runs();
    if runs == 0 {
        return "-".into();
    }
    let seen: Vec<(Where, u64)> = c
        .wherein
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(w, n)| (*w, *n))
        .collect();
    if seen.len() == 1 {
        return seen[0].0.short().into();
    }
    seen.iter()
        .map(|(w, n)| format!("{} {:.0}%", w.short(), *n as f64 * 100.0 / runs as f64))
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

/// The boot's one-line description.
pub fn boot_line(b: &Boot) -> String {
    format!(
        "boot {}: kernel {}, flavour {}, {}, {} vCPUs, interrupts raised on CPU {}, {} s cells ({})",
        b.label,
        b.meta("kernel"),
        b.meta("flavour"),
        b.meta("accel"),
        b.meta("vcpus"),
        b.meta("raise_cpu"),
        b.meta("cell_seconds"),
        b.file
    )
}

/// The comparison table of one boot and load at one rate.
pub fn main_table(b: &Boot, load: Load, rate: Rate) -> String {
    let mut t = Table::new(&[
        ("path", Align::L),
        ("p50", Align::R),
        ("p99", Align::R),
        ("max", Align::R),
        ("runs/s", Align::R),
        ("coal%", Align::R),
        ("same%", Align::R),
        ("ksirq%", Align::R),
        ("raised", Align::R),
        ("irqs", Align::R),
        ("context", Align::L),
        ("may sleep", Align::L),
    ]);
    for path in b.paths() {
        let Some(c) = b.cell(&path, rate, load) else {
            continue;
        };
        t.row(vec![
            path.clone(),
            fmt_ns(c.latency.p50 as f64),
            fmt_ns(c.latency.p99 as f64),
            fmt_ns(c.latency.max as f64),
            format!("{:.0}", c.runs_per_s),
            pct(c.coalesced_share),
            pct(c.same_cpu_share),
            pct(c.ksoftirqd_share),
            c.raised.to_string(),
            c.proc_interrupts.map_or("-".into(), |n| n.to_string()),
            places(c),
            sleep_legal(c),
        ]);
    }
    t.render()
}

/// p99, runs/s and coalesced share of one boot and load at every rate.
pub fn sweep_table(b: &Boot, load: Load) -> String {
    let rates = b.rates();
    let mut heads: Vec<(String, Align)> = vec![("path".into(), Align::L)];
    for r in &rates {
        let tag = match r {
            Rate::Single => "single".to_string(),
            Rate::Hz(hz) => format!("{hz}Hz"),
        };
        heads.push((format!("p99@{tag}"), Align::R));
        heads.push(("runs/s".into(), Align::R));
        heads.push(("coal%".into(), Align::R));
    }
    let hrefs: Vec<(&str, Align)> = heads.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut t = Table::new(&hrefs);
    for path in b.paths() {
        let mut row = vec![path.clone()];
        for r in &rates {
            match b.cell(&path, *r, load) {
                Some(c) => {
                    row.push(fmt_ns(c.latency.p99 as f64));
                    row.push(format!("{:.0}", c.runs_per_s));
                    row.push(pct(c.coalesced_share));
                }
                None => row.extend(["-".into(), "-".into(), "-".into()]),
            }
        }
        t.row(row);
    }
    t.render()
}

fn mark(c: &Check) -> String {
    if c.agrees {
        c.measured.clone()
    } else {
        format!("{} !", c.measured)
    }
}

/// Compacts "no (0/4200 may sleep)" to "no 0/4200" for the terminal.
fn compact(c: &Check) -> String {
    let m = c
        .measured
        .replace(" may sleep)", "")
        .replace(" preemptible)", "");
    let m = m.replace('(', "");
    if c.agrees {
        m
    } else {
        format!("{m} !")
    }
}

/// The textbook table of one boot.
pub fn textbook_table(b: &Boot) -> String {
    let mut t = Table::new(&[
        ("executor", Align::L),
        ("", Align::L),
        ("context", Align::L),
        ("may sleep", Align::L),
        ("preemptible", Align::L),
        ("alloc", Align::L),
        ("where it ran", Align::L),
    ]);
    for r in &b.textbook {
        t.row(vec![
            r.executor.clone(),
            "rule".into(),
            r.context.documented.clone(),
            r.may_sleep.documented.clone(),
            r.preemptible.documented.clone(),
            r.gfp.documented.clone(),
            r.ran.documented.clone(),
        ]);
        t.row(vec![
            String::new(),
            "measured".into(),
            mark(&r.context),
            compact(&r.may_sleep),
            compact(&r.preemptible),
            mark(&r.gfp),
            mark(&r.ran),
        ]);
    }
    let mut out = t.render();
    let legend: Vec<String> = RULES
        .iter()
        .filter(|rule| b.textbook.iter().any(|r| r.executor == rule.executor))
        .map(|rule| format!("{} = {}", rule.executor, rule.paths.join(" ")))
        .collect();
    out.push_str(&wrap(&format!("paths: {}", legend.join("; ")), 118, "  "));
    for r in &b.textbook {
        for n in &r.notes {
            out.push_str(&wrap(&format!("! {}: {}", r.executor, n), 118, "  "));
        }
    }
    out
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

/// Everything printed on stdout.
pub fn render(report: &Report, rate: Rate) -> String {
    let mut out = String::new();
    out.push_str(&wrap(
        "irqdefer: interrupt deferral paths compared. Latency is from the raise of the \
         request to the start of the bottom half. Under TCG emulation absolute times are \
         inflated; compare the paths with each other, not with real hardware.",
        118,
        "",
    ));
    out.push_str(&wrap(
        "Columns: coal% = coalesced/raised (requests merged into a pending one); same% = runs \
         on the raising CPU; ksirq% = runs in ksoftirqd; raised = module's count, irqs = \
         /proc/interrupts count (may exceed raised under threadirqs); context = where the runs \
         took place (irq-exit = softirq on interrupt exit or at local_bh_enable()).",
        118,
        "  ",
    ));
    for b in &report.boots {
        out.push('\n');
        out.push_str(&"=".repeat(118));
        out.push('\n');
        out.push_str(&wrap(&boot_line(b), 118, "  "));
        for load in b.loads() {
            out.push_str(&format!(
                "\n-- {}: CPU {} {}, rate {rate} --\n",
                b.label,
                b.meta("raise_cpu"),
                load.words()
            ));
            out.push_str(&main_table(b, load, rate));
            out.push_str(&format!(
                "\n-- {}: CPU {} {}, every rate --\n",
                b.label,
                b.meta("raise_cpu"),
                load.words()
            ));
            out.push_str(&sweep_table(b, load));
        }
        let bad: Vec<&CellFigures> = b.cells.iter().filter(|c| !c.identity_ok).collect();
        if !bad.is_empty() {
            out.push_str("\nWARNING: raised != executed + coalesced at rest in cells:");
            for c in bad {
                out.push_str(&format!(" {}", c.index));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "\nTextbook table, measured ({}: every cell pooled, {} runs; '!' = disagrees with the rule)\n",
            b.label,
            b.cells.iter().map(CellFigures::runs).sum::<u64>()
        ));
        out.push_str(&textbook_table(b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        let w = wrap("aaa bbb ccc ddd", 7, "  ");
        assert_eq!(w, "aaa bbb\n  ccc\n  ddd\n");
        assert_eq!(wrap("", 10, ""), "");
    }

    #[test]
    fn tables_align() {
        let mut t = Table::new(&[("a", Align::L), ("n", Align::R)]);
        t.row(vec!["xyz".into(), "1".into()]);
        t.row(vec!["µ".into(), "100".into()]);
        assert_eq!(t.render(), "a     n\nxyz   1\nµ   100\n");
    }
}
