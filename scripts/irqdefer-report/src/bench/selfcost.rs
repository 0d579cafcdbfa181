// SPDX-License-Identifier: GPL-2.0

//! Phase `cost`: what measuring costs, part by part, as the module timed
//! it (its `selfcost` file, one `cost` record per line it read): ns per
//! call of each part of the accounting, per context class, net of the
//! empty loop.

use serde::Serialize;

use super::{fail, BenchError, Result};
use crate::results::bench::Bench;
use crate::view::{Cell, Column, Table};

/// The context classes, in the module's order.
pub const CLASSES: [&str; 3] = ["hardirq", "softirq", "task"];

/// The parts a measured run does beyond `count`, with how many times it
/// does each, and what each is, in the module's order (`src/selfcost.rs`,
/// `Component`).
pub const PARTS: [(&str, u32, &str); 6] = [
    (
        "clock",
        2,
        "one clock read (`ktime_get`); a run makes two, top and bottom half",
    ),
    (
        "context",
        1,
        "a sample of the context (`preempt_count`, flags, `comm`)",
    ),
    (
        "classify",
        1,
        "its classification, and the task's name where kept",
    ),
    (
        "histogram",
        1,
        "the latency's sum, minimum, maximum, histogram bucket, `same_cpu`",
    ),
    (
        "counters",
        1,
        "the context's per-CPU counters (where, three flags)",
    ),
    ("trace", 1, "the two `irqdefer` tracepoints, off"),
];

/// The rows every class must have besides [`PARTS`].
const OTHERS: [&str; 6] = ["empty", "atomic", "count", "full", "measuring", "parts"];

/// One class's figures, ns per call, net of the empty loop.
#[derive(Debug, Clone, Serialize)]
pub struct ClassCost {
    /// `hardirq`, `softirq` or `task`.
    pub class: String,
    /// The empty loop itself, ns per iteration.
    pub empty: f64,
    /// Each of [`PARTS`], per call.
    pub parts: Vec<(String, f64)>,
    /// One relaxed counter increment.
    pub atomic: f64,
    /// The accounting of a top and a bottom half under `count`: the floor.
    pub count: f64,
    /// The same under `full`.
    pub full: f64,
    /// `full` less `count`, timed whole.
    pub measuring: f64,
    /// The parts a measured run does, summed (`clock` twice).
    pub sum: f64,
}

/// The phase's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Costs {
    /// The boot that ran it.
    pub boot: String,
    /// Iterations per part and class.
    pub iterations: u64,
    /// Per class, in [`CLASSES`] order.
    pub classes: Vec<ClassCost>,
}

impl Costs {
    /// What `full` adds over `count` per run, ns, in the costliest class:
    /// a run's top and bottom halves may run in any of them.
    pub fn measuring_max(&self) -> f64 {
        self.classes.iter().map(|c| c.measuring).fold(0.0, f64::max)
    }
}

/// Reads phase `cost` of `b`: every class has every row, no figure is
/// negative but the derived ones' noise.
pub fn costs(b: &Bench) -> Result<Costs> {
    let recs = b.records("cost");
    let get = |class: &str, comp: &str| -> Result<f64> {
        let mut found = recs
            .iter()
            .filter(|r| r.word("class") == class && r.word("component") == comp);
        let Some(r) = found.next() else {
            return fail(format!(
                "{}: phase cost has no {class} {comp} figure",
                b.name()
            ));
        };
        if found.next().is_some() {
            return fail(format!("{}: two cost figures for {class} {comp}", b.name()));
        }
        let net = r.num("net");
        if !net.is_finite() || r.num("ns") < 0.0 {
            return Err(BenchError(format!(
                "{}: {class} {comp}: a negative time",
                r.at
            )));
        }
        Ok(net)
    };
    let mut classes = Vec::new();
    for class in CLASSES {
        for comp in OTHERS {
            get(class, comp)?;
        }
        let empty = recs
            .iter()
            .find(|r| r.word("class") == class && r.word("component") == "empty")
            .map_or(0.0, |r| r.num("ns"));
        let mut parts = Vec::new();
        for (p, _, _) in PARTS {
            parts.push((p.to_string(), get(class, p)?));
        }
        classes.push(ClassCost {
            class: class.to_string(),
            empty,
            parts,
            atomic: get(class, "atomic")?,
            count: get(class, "count")?,
            full: get(class, "full")?,
            measuring: get(class, "measuring")?,
            sum: get(class, "parts")?,
        });
    }
    Ok(Costs {
        boot: b.header.meta.words("boot").join(" "),
        iterations: b.header.meta.int("cost_iterations").unwrap_or(0),
        classes,
    })
}

fn ns(x: f64) -> String {
    format!("{x:.1}")
}

/// A summary row: its name, its figure of a class, what it is.
type Summary = (&'static str, fn(&ClassCost) -> f64, &'static str);

/// The breakdown: one row per part, ns per run, one column per class.
pub fn table(c: &Costs) -> Table {
    let mut cols = vec![Column::left("part")];
    for cc in &c.classes {
        cols.push(Column::right(&format!("{} ns/run", cc.class)));
    }
    cols.push(Column::left("what it is"));
    let mut t = Table::new(cols);
    for (i, (p, times, what)) in PARTS.iter().enumerate() {
        let mut row = vec![Cell::from(if *times > 1 {
            format!("{p} × {times}")
        } else {
            p.to_string()
        })];
        for cc in &c.classes {
            let v = cc.parts.get(i).map_or(0.0, |(_, v)| *v) * f64::from(*times);
            row.push(Cell::from(ns(v)));
        }
        row.push(Cell::from(what.to_string()));
        t.row(row);
    }
    let summary: [Summary; 6] = [
        (
            "sum of the parts",
            |c| c.sum,
            "what a measured run does beyond `count`, part by part",
        ),
        (
            "`full` − `count`",
            |c| c.measuring,
            "the same, timed whole: the cost of measuring",
        ),
        (
            "unattributed",
            |c| c.measuring - c.sum,
            "the whole less its parts: copies, branches, the `Run` it returns",
        ),
        (
            "`count` (the floor)",
            |c| c.count,
            "the counting alone: request, coalescing, run, `running`",
        ),
        (
            "`full`",
            |c| c.full,
            "the whole accounting of a measured run",
        ),
        (
            "one counter increment",
            |c| c.atomic,
            "a relaxed atomic add: the unit of every counter",
        ),
    ];
    for (name, f, what) in summary {
        let mut row = vec![Cell::from(name.to_string())];
        for cc in &c.classes {
            row.push(Cell::from(ns(f(cc))));
        }
        row.push(Cell::from(what.to_string()));
        t.row(row);
    }
    let mut row = vec![Cell::from("`full` / `count`".to_string())];
    for cc in &c.classes {
        row.push(Cell::from(if cc.count > 0.0 {
            format!("{:.2}", cc.full / cc.count)
        } else {
            "-".into()
        }));
    }
    row.push(Cell::from(
        "how many floors a measured run's accounting costs".to_string(),
    ));
    t.row(row);
    t
}
