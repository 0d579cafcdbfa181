// SPDX-License-Identifier: GPL-2.0

//! The textbook table of deferral mechanisms, each rule checked against
//! the counts of a run.

use std::collections::BTreeMap;

use irqdefer_logic::context::Where;
use serde::Serialize;

use crate::figures::CellFigures;
use crate::places::{class, serialize_counts, short, Class};
use crate::results::{PathRule, Registry};

/// The documented rule for one executor on one preemption model, from the
/// registry: the context its paths run in, and whether they may sleep.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The executor's name.
    pub executor: String,
    /// Its context.
    pub class: Class,
    /// Whether it may sleep.
    pub may_sleep: bool,
    /// Whether it is preemptible: where it may sleep.
    pub preemptible: bool,
    /// Where it is documented to run.
    pub places: Vec<Where>,
}

impl Rule {
    /// The rule of a path of the registry, the textbook's (not PREEMPT_RT).
    pub fn of(p: &PathRule) -> Rule {
        Rule::on(p, false)
    }

    /// The rule of a path on a model: on PREEMPT_RT (`rt`) the registry's
    /// `context_rt` and `may_sleep_rt`, and everything but hard interrupt
    /// context is preemptible (bottom halves disabled or a softirq served
    /// in a task, as a spinlock_t held, do not disable preemption there).
    /// Elsewhere a context is preemptible where it may sleep.
    pub fn on(p: &PathRule, rt: bool) -> Rule {
        let context = p.context_on(rt);
        let class = context.places.first().map_or(Class::Task, |w| class(*w));
        let may_sleep = p.may_sleep_on(rt);
        Rule {
            executor: p.executor.clone(),
            class,
            may_sleep,
            preemptible: if rt {
                class != Class::Hardirq
            } else {
                may_sleep
            },
            places: context.places.clone(),
        }
    }

    /// The rule's five cells: context, may sleep, preemptible, allocation
    /// flags, where it runs.
    pub fn cells(&self) -> [String; 5] {
        [
            self.class.name().into(),
            yes_no(self.may_sleep).into(),
            yes_no(self.preemptible).into(),
            self.gfp().into(),
            self.places
                .iter()
                .map(|w| short(*w))
                .collect::<Vec<_>>()
                .join(" or "),
        ]
    }

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
    #[serde(serialize_with = "serialize_counts")]
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
    /// The textbook's rule (not PREEMPT_RT), where the boot's model has
    /// another: its five cells, and which of them differ.
    pub textbook: Option<TextbookRule>,
}

/// The textbook's rule for an executor whose rule differs on the boot's
/// model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextbookRule {
    /// Context, may sleep, preemptible, allocation flags, where.
    pub cells: [String; 5],
    /// Which of the model's five cells differ from them.
    pub differs: [bool; 5],
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

/// Measures every executor's rule over the cells of one boot, on its
/// model (`rt`: PREEMPT_RT): one row per executor of the registry's paths
/// (`executor=`) that has cells, in the registry's order. An executor
/// whose paths have different rules on the model (on PREEMPT_RT, the
/// `hardirq` top half kept in hard interrupt context and the one forced
/// into a thread) is one row per rule, its name followed by the rule's
/// place.
pub fn measure(
    registry: &Registry,
    cells: &[CellFigures],
    threadirqs: bool,
    rt: bool,
) -> Vec<TextbookRow> {
    type Group<'a> = (Rule, &'a PathRule, Vec<&'a CellFigures>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for p in &registry.paths {
        let mine: Vec<&CellFigures> = cells.iter().filter(|c| c.path == p.name).collect();
        if mine.is_empty() {
            continue;
        }
        let rule = Rule::on(p, rt);
        match groups.iter_mut().find(|(r, _, _)| *r == rule) {
            Some((_, _, v)) => v.extend(mine),
            None => groups.push((rule, p, mine)),
        }
    }
    let split: Vec<String> = groups.iter().map(|(r, _, _)| r.executor.clone()).collect();
    groups
        .into_iter()
        .map(|(mut rule, p, mut mine)| {
            mine.sort_by_key(|c| c.index);
            if split.iter().filter(|e| **e == rule.executor).count() > 1 {
                rule.executor = format!("{} ({})", rule.executor, rule.cells()[4]);
            }
            let mut row = measure_rule(&rule, &mine, threadirqs);
            let book = Rule::of(p);
            let (model, text) = (rule.cells(), book.cells());
            let differs: [bool; 5] = std::array::from_fn(|i| model[i] != text[i]);
            if differs.iter().any(|d| *d) {
                row.textbook = Some(TextbookRule {
                    cells: text,
                    differs,
                });
            }
            row
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
            *by_class.entry(class(*w)).or_insert(0) += n;
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
            .map(|w| short(*w))
            .collect::<Vec<_>>()
            .join(" or "),
        measured: wherein
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(w, n)| format!("{} {n}", short(*w)))
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
        executor: rule.executor.clone(),
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
        textbook: None,
    }
}
