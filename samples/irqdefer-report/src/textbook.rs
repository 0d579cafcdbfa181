// SPDX-License-Identifier: GPL-2.0

//! The textbook table of deferral mechanisms, each rule checked against
//! the counts of a run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::figures::{CellFigures, Class, Where};

/// The documented rule for one executor.
pub struct Rule {
    /// The executor's name.
    pub executor: &'static str,
    /// irqdefer paths that use it.
    pub paths: &'static [&'static str],
    /// Its context.
    pub class: Class,
    /// Whether it may sleep (and is preemptible).
    pub may_sleep: bool,
    /// Whether it is preemptible.
    pub preemptible: bool,
    /// Where it is documented to run.
    pub places: &'static [Where],
}

impl Rule {
    /// The allocation flags its rule implies.
    pub fn gfp(&self) -> &'static str {
        gfp(self.may_sleep)
    }
}

fn gfp(may_sleep: bool) -> &'static str {
    if may_sleep {
        "GFP_KERNEL"
    } else {
        "GFP_ATOMIC"
    }
}

const SOFTIRQ_PLACES: &[Where] = &[Where::SoftirqIrqExit, Where::SoftirqKsoftirqd];

/// The textbook, one rule per executor.
pub const RULES: &[Rule] = &[
    Rule {
        executor: "hardirq",
        paths: &["hardirq"],
        class: Class::Hardirq,
        may_sleep: false,
        preemptible: false,
        places: &[Where::Hardirq],
    },
    Rule {
        executor: "softirq/tasklet",
        paths: &["tasklet", "tasklet_hi"],
        class: Class::Softirq,
        may_sleep: false,
        preemptible: false,
        places: SOFTIRQ_PLACES,
    },
    Rule {
        executor: "timer softirq",
        paths: &["timer", "hrtimer_soft"],
        class: Class::Softirq,
        may_sleep: false,
        preemptible: false,
        places: SOFTIRQ_PLACES,
    },
    Rule {
        executor: "BH workqueue",
        paths: &["bh_wq"],
        class: Class::Softirq,
        may_sleep: false,
        preemptible: false,
        places: SOFTIRQ_PLACES,
    },
    Rule {
        executor: "workqueue",
        paths: &["wq", "wq_highpri", "wq_unbound", "wq_own"],
        class: Class::Task,
        may_sleep: true,
        preemptible: true,
        places: &[Where::TaskKworker],
    },
    Rule {
        executor: "threaded IRQ",
        paths: &["threaded"],
        class: Class::Task,
        may_sleep: true,
        preemptible: true,
        places: &[Where::TaskIrqThread],
    },
    Rule {
        executor: "kthread",
        paths: &["kthread"],
        class: Class::Task,
        may_sleep: true,
        preemptible: true,
        places: &[Where::TaskOwnThread],
    },
    Rule {
        executor: "irq_work",
        paths: &["irq_work"],
        class: Class::Hardirq,
        may_sleep: false,
        preemptible: false,
        places: &[Where::Hardirq],
    },
    Rule {
        executor: "kthread_worker",
        paths: &["kthread_worker"],
        class: Class::Task,
        may_sleep: true,
        preemptible: true,
        places: &[Where::TaskOwnThread],
    },
    Rule {
        executor: "RCU callback",
        paths: &["rcu"],
        class: Class::Softirq,
        may_sleep: false,
        preemptible: false,
        places: SOFTIRQ_PLACES,
    },
];

/// A table cell: the documented value, the measured one with its counts,
/// and whether they agree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The rule, e.g. "no".
    pub documented: String,
    /// The measurement, e.g. "no (0/4200 may sleep)".
    pub measured: String,
    /// Whether the measurement agrees with the rule.
    pub agrees: bool,
}

/// One executor, measured over every cell of a boot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextbookRow {
    /// The executor.
    pub executor: String,
    /// The paths pooled.
    pub paths: Vec<String>,
    /// Runs pooled.
    pub runs: u64,
    /// Runs per place.
    pub wherein: BTreeMap<Where, u64>,
    /// Runs where sleeping was legal.
    pub may_sleep_runs: u64,
    /// Runs that were preemptible.
    pub preemptible_runs: u64,
    /// Runs with interrupts disabled.
    pub irqs_disabled_runs: u64,
    /// Context.
    pub context: Check,
    /// May it sleep.
    pub may_sleep: Check,
    /// Is it preemptible.
    pub preemptible: Check,
    /// Allocation flags.
    pub gfp: Check,
    /// Where it ran.
    pub ran: Check,
    /// Why the measurement disagrees, when it does.
    pub notes: Vec<String>,
}

impl TextbookRow {
    /// Whether every check agrees.
    pub fn agrees(&self) -> bool {
        [
            &self.context,
            &self.may_sleep,
            &self.preemptible,
            &self.gfp,
            &self.ran,
        ]
        .iter()
        .all(|c| c.agrees)
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// "yes (n/n what)", "no (0/n what)" or "mixed (k/n what)", and whether it
/// matches the rule.
fn flag_check(documented: bool, count: u64, runs: u64, what: &str) -> Check {
    let measured = if runs == 0 {
        "no runs".to_string()
    } else if count == runs {
        format!("yes ({count}/{runs} {what})")
    } else if count == 0 {
        format!("no (0/{runs} {what})")
    } else {
        format!("mixed ({count}/{runs} {what})")
    };
    let agrees = runs == 0 || (documented && count == runs) || (!documented && count == 0);
    Check {
        documented: yes_no(documented).into(),
        measured,
        agrees,
    }
}

/// Measures every rule over the cells of one boot.
pub fn measure(cells: &[CellFigures], threadirqs: bool) -> Vec<TextbookRow> {
    RULES
        .iter()
        .filter_map(|rule| {
            let mine: Vec<&CellFigures> = cells
                .iter()
                .filter(|c| rule.paths.contains(&c.path.as_str()))
                .collect();
            if mine.is_empty() {
                return None;
            }
            Some(measure_rule(rule, &mine, threadirqs))
        })
        .collect()
}

fn measure_rule(rule: &Rule, cells: &[&CellFigures], threadirqs: bool) -> TextbookRow {
    let mut wherein: BTreeMap<Where, u64> = BTreeMap::new();
    let (mut sleep, mut pre, mut irqoff) = (0, 0, 0);
    let mut paths: Vec<String> = Vec::new();
    for c in cells {
        for (w, n) in &c.wherein {
            *wherein.entry(*w).or_insert(0) += n;
        }
        sleep += c.may_sleep;
        pre += c.preemptible;
        irqoff += c.irqs_disabled;
        if !paths.contains(&c.path) {
            paths.push(c.path.clone());
        }
    }
    let runs: u64 = wherein.values().sum();
    let mut by_class: BTreeMap<Class, u64> = BTreeMap::new();
    for (w, n) in &wherein {
        if *n > 0 {
            *by_class.entry(w.class()).or_insert(0) += n;
        }
    }
    let in_class = by_class.get(&rule.class).copied().unwrap_or(0);
    let context = Check {
        documented: rule.class.name().into(),
        measured: if runs == 0 {
            "no runs".into()
        } else {
            by_class
                .iter()
                .map(|(c, n)| format!("{} {n}/{runs}", c.name()))
                .collect::<Vec<_>>()
                .join(", ")
        },
        agrees: in_class == runs,
    };
    let may_sleep = flag_check(rule.may_sleep, sleep, runs, "may sleep");
    let preemptible = flag_check(rule.preemptible, pre, runs, "preemptible");
    let measured_gfp = gfp(runs > 0 && sleep == runs);
    let gfp_check = Check {
        documented: rule.gfp().into(),
        measured: if runs == 0 {
            "no runs".into()
        } else {
            measured_gfp.into()
        },
        agrees: runs == 0 || measured_gfp == rule.gfp(),
    };
    let outside: u64 = wherein
        .iter()
        .filter(|(w, _)| !rule.places.contains(w))
        .map(|(_, n)| n)
        .sum();
    let ran = Check {
        documented: rule
            .places
            .iter()
            .map(|w| w.short())
            .collect::<Vec<_>>()
            .join(" or "),
        measured: wherein
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(w, n)| format!("{} {n}", w.short()))
            .collect::<Vec<_>>()
            .join(", "),
        agrees: outside == 0,
    };

    let mut notes = Vec::new();
    if !context.agrees || !ran.agrees {
        let threads = wherein.get(&Where::TaskIrqThread).copied().unwrap_or(0);
        if rule.class == Class::Hardirq && threadirqs && threads > 0 {
            notes.push(format!(
                "documented: hard interrupt context; measured: {threads}/{runs} runs in an \
                 irq/N thread. Under threadirqs the kernel force-threads the handler, so \
                 the top half runs in task context, but with interrupts disabled \
                 ({irqoff}/{runs}) and not preemptible ({pre}/{runs}): it still may not \
                 sleep and must use GFP_ATOMIC."
            ));
        } else {
            notes.push(format!(
                "documented: {} context in {}; measured: {}.",
                rule.class.name(),
                ran.documented,
                ran.measured
            ));
        }
    }
    for (check, what) in [
        (&may_sleep, "may sleep"),
        (&preemptible, "preemptible"),
        (&gfp_check, "allocation flags"),
    ] {
        if !check.agrees {
            notes.push(format!(
                "{what}: documented {}; measured {}.",
                check.documented, check.measured
            ));
        }
    }
    TextbookRow {
        executor: rule.executor.into(),
        paths,
        runs,
        wherein,
        may_sleep_runs: sleep,
        preemptible_runs: pre,
        irqs_disabled_runs: irqoff,
        context,
        may_sleep,
        preemptible,
        gfp: gfp_check,
        ran,
        notes,
    }
}
