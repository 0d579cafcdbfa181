// SPDX-License-Identifier: GPL-2.0

//! The module's context classes ([`Where`], from `src/logic`, the module's
//! own code) as the report shows them: short names, and the three
//! execution contexts they fall in.

use std::collections::BTreeMap;

use irqdefer_logic::context::Where;
use serde::{Serialize, Serializer};

/// A short name for tables: the module's name without its context
/// (`task_irq_thread`: `irq-thread`, `softirq_irq_exit`: `irq-exit`), but
/// `other-task` and `in-task` (a softirq run by the task that re-enabled
/// bottom halves, on PREEMPT_RT). Derived from the name, so that a class the module adds
/// reads well without a change here.
pub fn short(w: Where) -> String {
    match w.name() {
        "task_other" => "other-task".into(),
        "softirq_task" => "in-task".into(),
        name => name
            .strip_prefix("task_")
            .or_else(|| name.strip_prefix("softirq_"))
            .unwrap_or(name)
            .replace('_', "-"),
    }
}

/// The context class a place is in, by the module's name for it.
pub fn class(w: Where) -> Class {
    match w.name() {
        "hardirq" => Class::Hardirq,
        name if name.starts_with("softirq") => Class::Softirq,
        _ => Class::Task,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_classes() {
        let short: Vec<String> = Where::ALL.iter().map(|w| short(*w)).collect();
        for s in [
            "hardirq",
            "irq-exit",
            "ksoftirqd",
            "irq-thread",
            "kworker",
            "own-thread",
        ] {
            assert!(short.contains(&s.to_string()), "{s}");
        }
        assert_eq!(short.last().map(String::as_str), Some("other-task"));
        assert_eq!(class(Where::Hardirq), Class::Hardirq);
        assert_eq!(class(Where::SoftirqKsoftirqd), Class::Softirq);
        assert_eq!(class(Where::TaskOther), Class::Task);
    }
}

/// The three execution contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Hard interrupt.
    Hardirq,
    /// Software interrupt.
    Softirq,
    /// Process (task) context.
    Task,
}

impl Class {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Hardirq => "hardirq",
            Class::Softirq => "softirq",
            Class::Task => "task",
        }
    }
}

/// Serializes runs per place keyed by the module's names
/// (`task_irq_thread`), for `#[serde(serialize_with)]`.
pub fn serialize_counts<S: Serializer>(m: &BTreeMap<Where, u64>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(w, n)| (w.name(), n)))
}
