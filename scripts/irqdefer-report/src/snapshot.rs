// SPDX-License-Identifier: GPL-2.0

//! The module's `snapshot` of one path, typed: each `path KEY VALUE` line
//! read into the field the module's key names. The keys are the module's
//! own list (`irqdefer_logic::snapshot::Key`), so a key the module gains
//! is a compile error here until this reader says where it goes.

use std::collections::{BTreeMap, BTreeSet};

use irqdefer_logic::context::{Flag, Where};
use irqdefer_logic::snapshot::Key;
use serde::Serialize;

/// Latency statistics, ns: the `lat_*` keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// `lat_count`: runs with a latency sample.
    pub count: u64,
    /// `lat_min`.
    pub min: u64,
    /// `lat_mean`.
    pub mean: u64,
    /// `lat_p50`.
    pub p50: u64,
    /// `lat_p90`.
    pub p90: u64,
    /// `lat_p99`.
    pub p99: u64,
    /// `lat_p999`.
    pub p999: u64,
    /// `lat_max`.
    pub max: u64,
}

/// Counts of runs with a property: the `ctx_<flag>` keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Flags {
    /// `ctx_preemptible`.
    pub preemptible: u64,
    /// `ctx_may_sleep`: runs where sleeping was legal.
    pub may_sleep: u64,
    /// `ctx_irqs_disabled`.
    pub irqs_disabled: u64,
}

/// One path's snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// `irq`: the path's IRQ number.
    pub irq: u64,
    /// `active`: 1 if the path takes load.
    pub active: u64,
    /// `injected`: interrupts the source injected.
    pub injected: u64,
    /// `raised`: top halves that asked for the bottom half.
    pub raised: u64,
    /// `executed`: bottom-half runs.
    pub executed: u64,
    /// `coalesced`: requests merged into a pending bottom half.
    pub coalesced: u64,
    /// `same_cpu`: runs on the CPU that raised them.
    pub same_cpu: u64,
    /// `top_threaded`: top halves that ran in a thread.
    pub top_threaded: u64,
    /// `slept`: sleeps performed.
    pub slept: u64,
    /// `spurious`: runs with nothing pending (always 0).
    pub spurious: u64,
    /// `mismatch`: the kernel merged a request seen as new (always 0).
    pub mismatch: u64,
    /// `max_concurrent`: most runs at once.
    pub max_concurrent: u64,
    /// `lat_*`.
    pub latency: Latency,
    /// `ctx_<where>`: runs per place, by the module's context classes.
    pub wherein: BTreeMap<Where, u64>,
    /// `ctx_preemptible`, `ctx_may_sleep`, `ctx_irqs_disabled`.
    pub flags: Flags,
    /// `cpu<N>_executed`: runs on CPU N.
    pub cpu_executed: BTreeMap<u32, u64>,
    /// `hist_<i>`: the log2 latency histogram's non-empty buckets
    /// (`irqdefer_logic::hist::bounds`).
    pub hist: BTreeMap<u32, u64>,
    /// Keys this reader does not know (a newer module's), kept.
    pub other: BTreeMap<String, u64>,
    /// The keys read.
    keys: BTreeSet<String>,
}

/// Why a snapshot line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The key was already read.
    Duplicate,
    /// `hist_<i>` or `cpu<N>_executed` with a bad number: what it is.
    BadIndex(&'static str),
}

/// Keys an `after` snapshot must carry (docs/capture-format.md): the
/// counts the figures need ([`Key::required`]), then every property count.
pub fn required() -> impl Iterator<Item = String> {
    Key::ALL
        .into_iter()
        .filter(|k| k.required())
        .map(|k| k.name().to_string())
        .chain(Flag::ALL.into_iter().map(|f| format!("ctx_{}", f.name())))
}

impl Snapshot {
    /// The field a plain key names, if this reader knows it: each of the
    /// module's keys ([`Key`]) and `ctx_<where>` and `ctx_<flag>`.
    fn field(&mut self, key: &str) -> Option<&mut u64> {
        if let Some(k) = Key::from_name(key) {
            let l = &mut self.latency;
            return Some(match k {
                Key::Irq => &mut self.irq,
                Key::Injected => &mut self.injected,
                Key::Raised => &mut self.raised,
                Key::Executed => &mut self.executed,
                Key::Coalesced => &mut self.coalesced,
                Key::SameCpu => &mut self.same_cpu,
                Key::TopThreaded => &mut self.top_threaded,
                Key::Slept => &mut self.slept,
                Key::Active => &mut self.active,
                Key::Spurious => &mut self.spurious,
                Key::Mismatch => &mut self.mismatch,
                Key::MaxConcurrent => &mut self.max_concurrent,
                Key::LatCount => &mut l.count,
                Key::LatMin => &mut l.min,
                Key::LatMean => &mut l.mean,
                Key::LatP50 => &mut l.p50,
                Key::LatP90 => &mut l.p90,
                Key::LatP99 => &mut l.p99,
                Key::LatP999 => &mut l.p999,
                Key::LatMax => &mut l.max,
            });
        }
        let name = key.strip_prefix("ctx_")?;
        if let Some(f) = Flag::ALL.into_iter().find(|f| f.name() == name) {
            return Some(match f {
                Flag::Preemptible => &mut self.flags.preemptible,
                Flag::MaySleep => &mut self.flags.may_sleep,
                Flag::IrqsDisabled => &mut self.flags.irqs_disabled,
            });
        }
        let w = Where::ALL.into_iter().find(|w| w.name() == name)?;
        Some(self.wherein.entry(w).or_insert(0))
    }

    /// Reads one `KEY VALUE` of the snapshot; each key once.
    pub fn set(&mut self, key: &str, value: u64) -> Result<(), KeyError> {
        if !self.keys.insert(key.to_string()) {
            return Err(KeyError::Duplicate);
        }
        if let Some(b) = key.strip_prefix("hist_") {
            let b = b
                .parse()
                .map_err(|_| KeyError::BadIndex("histogram bucket"))?;
            self.hist.insert(b, value);
        } else if let Some(c) = key
            .strip_prefix("cpu")
            .and_then(|k| k.strip_suffix("_executed"))
        {
            let c = c.parse().map_err(|_| KeyError::BadIndex("CPU number"))?;
            self.cpu_executed.insert(c, value);
        } else if let Some(f) = self.field(key) {
            *f = value;
        } else {
            self.other.insert(key.to_string(), value);
        }
        Ok(())
    }

    /// Whether the key was read.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Whether no key was read.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The first of [`required`] missing, if any.
    pub fn missing(&self) -> Option<String> {
        required().find(|k| !self.has(k))
    }

    /// Runs counted by place: the sum of the `ctx_<where>` counters.
    pub fn runs(&self) -> u64 {
        self.wherein.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_land_in_their_fields() {
        let mut s = Snapshot::default();
        for (k, v) in [
            ("raised", 10),
            ("lat_p99", 99),
            ("ctx_task_kworker", 7),
            ("ctx_may_sleep", 7),
            ("cpu1_executed", 7),
            ("hist_12", 3),
            ("from_the_future", 1),
        ] {
            s.set(k, v).unwrap();
        }
        assert_eq!(s.raised, 10);
        assert_eq!(s.latency.p99, 99);
        assert_eq!(s.wherein[&Where::TaskKworker], 7);
        assert_eq!(s.flags.may_sleep, 7);
        assert_eq!(s.cpu_executed[&1], 7);
        assert_eq!(s.hist[&12], 3);
        assert_eq!(s.other["from_the_future"], 1);
        assert_eq!(s.runs(), 7);
        assert_eq!(s.set("raised", 1), Err(KeyError::Duplicate));
        assert_eq!(
            s.set("hist_x", 1),
            Err(KeyError::BadIndex("histogram bucket"))
        );
        assert_eq!(s.missing().as_deref(), Some("irq"));
    }

    #[test]
    fn every_context_class_has_a_key() {
        let mut s = Snapshot::default();
        for w in Where::ALL {
            s.set(&format!("ctx_{}", w.name()), 1).unwrap();
        }
        assert_eq!(s.runs(), Where::ALL.len() as u64);
        assert!(s.other.is_empty());
    }
}
