// SPDX-License-Identifier: GPL-2.0

//! The pairing of each run the module measured (`irqdefer_run`) with the
//! kernel's own trace of the same run: the kernel's latency for it.

use std::collections::BTreeMap;

use crate::results::bench::{Event, EventKind};

/// Counts by reason, in the order the reasons were first seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(pub Vec<(String, u64)>);

impl Tally {
    /// Counts one more of `why`.
    pub fn add(&mut self, why: &str) {
        match self.0.iter_mut().find(|(w, _)| w == why) {
            Some((_, n)) => *n += 1,
            None => self.0.push((why.to_string(), 1)),
        }
    }

    /// The total count.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The count of one reason.
    pub fn get(&self, why: &str) -> Option<u64> {
        self.0.iter().find(|(w, _)| w == why).map(|(_, n)| *n)
    }

    /// "N why; N why".
    pub fn words(&self) -> String {
        self.0
            .iter()
            .map(|(w, n)| format!("{n} {w}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One run, paired.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// The module's latency, ns.
    pub module: f64,
    /// The kernel's: entry event minus the stamping request's handler
    /// entry, ns.
    pub kernel: f64,
    /// Whether the module's latency lies within what the trace allows.
    pub in_bracket: bool,
}

/// What pairing found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    /// The paired runs.
    pub pairs: Vec<Pair>,
    /// Runs left unpaired, by reason.
    pub unpaired: Tally,
    /// The entry function taken for the path's own (tasklets, work,
    /// timers), by its id.
    pub function: Option<i64>,
    /// Other oddities seen, by what.
    pub odd: Tally,
}

/// The function the path's own runs start with: of the entry events of
/// `kind` just before a run in the same task, the function found most
/// often (the first seen, on a tie). Other tasklets, work items and
/// timers run too.
fn own_function(events: &[&Event], kind: EventKind) -> Option<i64> {
    let mut last: BTreeMap<i64, &Event> = BTreeMap::new();
    let mut seen: Vec<(i64, u64)> = Vec::new();
    for e in events {
        if e.kind == kind {
            last.insert(e.cpu, e);
        } else if e.kind == EventKind::Run {
            if let Some(entry) = last.get(&e.cpu).filter(|l| l.pid == e.pid) {
                let f = entry.arg(0);
                match seen.iter_mut().find(|(x, _)| *x == f) {
                    Some((_, n)) => *n += 1,
                    None => seen.push((f, 1)),
                }
            }
        }
    }
    let most = seen.iter().map(|(_, n)| *n).max()?;
    seen.iter().find(|(_, n)| *n == most).map(|(f, _)| *f)
}

/// Pairs each `irqdefer_run` of `path` with the kernel's own trace of the
/// same run; `kind` is the event that starts the path's bottom half,
/// `mhz` the trace clock's rate.
///
/// Kernel latency = the path's entry event on the run's CPU (the last one
/// before the run, after the path's previous run, in the run's task; for
/// a thread, the switch to it) minus the `irq_handler_entry` on the
/// raising CPU just before the stamping request (`irqdefer_raise
/// stamped=1`) that the run serves.
pub fn pair(events: &[Event], path: &str, kind: EventKind, mhz: f64) -> Pairing {
    let mut events: Vec<&Event> = events.iter().collect();
    events.sort_by_key(|e| e.ts);
    let function = if kind.takes_function() {
        own_function(&events, kind)
    } else {
        None
    };
    let mut last_irq: BTreeMap<i64, &Event> = BTreeMap::new();
    let mut last_raise: BTreeMap<i64, i64> = BTreeMap::new();
    let mut last_entry: BTreeMap<i64, &Event> = BTreeMap::new();
    // (handler ts, cpu, raise ts), oldest first, not yet served.
    let mut stamps: Vec<(i64, i64, i64)> = Vec::new();
    let mut prev_run: Option<i64> = None;
    let mut out = Pairing {
        function,
        ..Pairing::default()
    };
    let ns = 1000.0 / mhz;
    for e in events {
        if e.kind == EventKind::Irq {
            last_irq.insert(e.cpu, e);
        } else if e.kind == EventKind::Raise {
            if e.path != path {
                continue;
            }
            let h = last_irq.get(&e.cpu);
            if e.arg(1) == 1 {
                match h {
                    Some(h) if h.ts <= e.ts && h.ts > *last_raise.get(&e.cpu).unwrap_or(&-1) => {
                        stamps.push((h.ts, e.cpu, e.ts))
                    }
                    _ => out
                        .odd
                        .add("stamping request without its irq_handler_entry"),
                }
            }
            last_raise.insert(e.cpu, e.ts);
        } else if e.kind == kind && function.is_none_or(|f| e.arg(0) == f) {
            last_entry.insert(e.cpu, e);
        }
        if e.kind != EventKind::Run || e.path != path {
            continue;
        }
        let (raised_on, module_ns) = (e.arg(0), e.arg(1));
        let ent = if kind == EventKind::Irq {
            last_irq.get(&e.cpu)
        } else {
            last_entry.get(&e.cpu)
        };
        let who = |x: &Event| {
            if kind == EventKind::Switch {
                x.arg(0)
            } else {
                x.pid
            }
        };
        let ent =
            ent.filter(|x| x.ts <= e.ts && who(x) == e.pid && prev_run.is_none_or(|p| x.ts > p));
        prev_run = Some(e.ts);
        let limit = ent.map_or(e.ts, |x| x.ts);
        let Some(i) = stamps.iter().rposition(|s| s.0 <= limit) else {
            out.unpaired.add("no stamping request before it");
            continue;
        };
        let stamp = stamps[i];
        // Older unserved stamps are requests whose run was not traced.
        if i > 0 {
            out.odd.add("stamp never served (run not traced)");
        }
        stamps.drain(..=i);
        let Some(ent) = ent else {
            out.unpaired.add(&format!(
                "no {} of its own (e.g. a thread that ran again without sleeping)",
                kind.event_name()
            ));
            continue;
        };
        if stamp.1 != raised_on {
            out.unpaired
                .add("raising CPU differs from the module's raised_on");
            continue;
        }
        // The module's stamp lies between the handler's entry and its
        // irqdefer_raise event, its run's start between the entry event
        // and irqdefer_run: its latency must fall in [lo, hi].
        let (lo, hi) = ((ent.ts - stamp.2) as f64 * ns, (e.ts - stamp.0) as f64 * ns);
        let module = module_ns as f64;
        out.pairs.push(Pair {
            module,
            kernel: (ent.ts - stamp.0) as f64 * ns,
            in_bracket: lo <= module && module <= hi,
        });
    }
    out
}
