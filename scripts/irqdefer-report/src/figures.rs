// SPDX-License-Identifier: GPL-2.0

//! The figures computed from a parsed results file: per cell, and per boot.

use std::collections::BTreeMap;

use irqdefer_logic::context::Where;
use serde::Serialize;

use crate::places::serialize_counts;
use crate::results::scenario::{Cell, Group, Load, Rate, Scenario};
use crate::results::Registry;
use crate::snapshot::Latency;
use crate::textbook::{self, TextbookRow};

/// The figures of one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellFigures {
    /// 1-based cell index.
    pub index: usize,
    /// The path.
    pub path: String,
    /// "single" or the rate in Hz.
    pub rate: String,
    /// The rate in Hz, none for "single".
    pub rate_hz: Option<u32>,
    /// "idle", "busy" or "fifoP".
    pub load: String,
    /// "matrix", "rthog" or "overload".
    pub group: &'static str,
    /// Busy work per bottom half, ns.
    pub work_ns: u64,
    /// Ticks the starvation guard held back: the source fired less than
    /// the rate asked.
    pub guard_skipped: u64,
    /// Seconds under load: uptime stop - before.
    pub duration_s: f64,
    /// Seconds to drain: uptime after - stop.
    pub drain_s: f64,
    /// Interrupts injected by the module.
    pub injected: u64,
    /// Bottom halves requested.
    pub raised: u64,
    /// Bottom-half runs.
    pub executed: u64,
    /// Requests merged into one already pending.
    pub coalesced: u64,
    /// Runs with no request pending.
    pub spurious: u64,
    /// Runs that slept.
    pub slept: u64,
    /// Most runs at once.
    pub max_concurrent: u64,
    /// `raised == executed + coalesced`, the invariant at rest.
    pub identity_ok: bool,
    /// The path's IRQ number.
    pub irq: u64,
    /// Interrupts counted by /proc/interrupts during the cell, all CPUs.
    pub proc_interrupts: Option<u64>,
    /// Interrupts the IRQ core merged before the top half ran (a forced
    /// IRQ thread's wake-up already pending): the /proc/interrupts delta
    /// minus `raised`.
    pub merged_before_top_half: Option<u64>,
    /// Top halves that ran in an IRQ thread (forced threading).
    pub top_threaded: u64,
    /// executed / duration.
    pub runs_per_s: f64,
    /// coalesced / raised.
    pub coalesced_share: f64,
    /// Runs on the raising CPU / executed.
    pub same_cpu_share: f64,
    /// Runs in ksoftirqd / executed.
    pub ksoftirqd_share: f64,
    /// Latency, ns.
    pub latency: Latency,
    /// Runs per context, by [`Where`].
    #[serde(serialize_with = "serialize_counts")]
    pub wherein: BTreeMap<Where, u64>,
    /// Runs that were preemptible.
    pub preemptible: u64,
    /// Runs where sleeping was legal.
    pub may_sleep: u64,
    /// Runs with interrupts disabled.
    pub irqs_disabled: u64,
    /// Runs per CPU (index = CPU).
    pub per_cpu: Vec<u64>,
    /// Log2 latency histogram: (bucket, count), non-empty buckets.
    pub hist: Vec<(u32, u64)>,
    /// /proc/softirqs deltas during the cell, all CPUs, non-zero only.
    pub softirqs: BTreeMap<String, u64>,
    /// The hog's window (`stop` minus `before`), where a `stop` snapshot
    /// was taken: what ran while the hog still ran.
    pub window: Option<Window>,
}

/// What happened between two snapshots of a cell (the real-time hog's
/// window: from its `before`, taken with the hog running, to its `stop`,
/// taken with the hog still running).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    /// Seconds.
    pub seconds: f64,
    /// Interrupts injected.
    pub injected: u64,
    /// Top halves.
    pub raised: u64,
    /// Bottom-half runs.
    pub executed: u64,
    /// Runs per second.
    pub runs_per_s: f64,
    /// Latency samples.
    pub lat_count: u64,
    /// Median latency from the window's histogram, ns (none without runs).
    pub p50: Option<u64>,
    /// 99th percentile, ns.
    pub p99: Option<u64>,
    /// Runs on the CPU that ran their top half.
    pub same_cpu: u64,
    /// Runs on the hog's CPU (the raising CPU, where the scenario pins the
    /// hog), where the capture has per-CPU counts.
    pub on_hog_cpu: Option<u64>,
}

/// The latency histogram of a cell's hog window (its `stop` snapshot's
/// buckets less its `before`'s), where a `stop` snapshot was taken.
pub fn window_hist(c: &Cell) -> Option<[u64; irqdefer_logic::hist::BUCKETS]> {
    let (b, s) = (&c.before.snapshot, &c.stop.as_ref()?.snapshot);
    let mut hist = [0u64; irqdefer_logic::hist::BUCKETS];
    for (i, n) in &s.hist {
        if let Some(slot) = hist.get_mut(*i as usize) {
            *slot = n.saturating_sub(b.hist.get(i).copied().unwrap_or(0));
        }
    }
    Some(hist)
}

impl Window {
    fn of(c: &Cell, hog_cpu: Option<u32>) -> Option<Window> {
        let stop = c.stop.as_ref()?;
        let (b, s) = (&c.before.snapshot, &stop.snapshot);
        let seconds = c.uptime_stop - c.uptime_before;
        let hist = window_hist(c)?;
        let lat_count: u64 = hist.iter().sum();
        let quantile = |pm: u64| {
            let lo = hist.iter().position(|n| *n > 0)?;
            let hi = hist.iter().rposition(|n| *n > 0)?;
            let (min, max) = (
                irqdefer_logic::hist::bounds(lo).0,
                irqdefer_logic::hist::bounds(hi).1,
            );
            Some(irqdefer_logic::hist::Summary::new(hist, min, max, 0).quantile(pm))
        };
        let executed = s.executed.saturating_sub(b.executed);
        Some(Window {
            seconds,
            injected: s.injected.saturating_sub(b.injected),
            raised: s.raised.saturating_sub(b.raised),
            executed,
            runs_per_s: if seconds > 0.0 {
                executed as f64 / seconds
            } else {
                0.0
            },
            lat_count,
            p50: quantile(500),
            p99: quantile(990),
            same_cpu: s.same_cpu.saturating_sub(b.same_cpu),
            on_hog_cpu: hog_cpu.filter(|_| !s.cpu_executed.is_empty()).map(|cpu| {
                let n = |m: &BTreeMap<u32, u64>| m.get(&cpu).copied().unwrap_or(0);
                n(&s.cpu_executed).saturating_sub(n(&b.cpu_executed))
            }),
        })
    }
}

fn share(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

impl CellFigures {
    /// Computes the figures of a cell from its `after` snapshot (counters
    /// are reset just before `before`).
    pub fn of(c: &Cell, raise_cpu: Option<u32>) -> CellFigures {
        let a = &c.after.snapshot;
        let duration_s = c.uptime_stop - c.uptime_before;
        let wherein: BTreeMap<Where, u64> = Where::ALL
            .iter()
            .map(|w| (*w, a.wherein.get(w).copied().unwrap_or(0)))
            .collect();
        let ncpu = a.cpu_executed.keys().max().map_or(0, |m| *m as usize + 1);
        let mut per_cpu = vec![0; ncpu];
        for (cpu, n) in &a.cpu_executed {
            per_cpu[*cpu as usize] = *n;
        }
        let proc_interrupts = match (&c.before.interrupts, &c.after.interrupts) {
            (Some(b), Some(a)) => Some(a.total().saturating_sub(b.total())),
            _ => None,
        };
        let mut softirqs = BTreeMap::new();
        for (name, after) in &c.after.softirqs {
            let before: u64 = c.before.softirqs.get(name).map_or(0, |v| v.iter().sum());
            let d = after.iter().sum::<u64>().saturating_sub(before);
            if d > 0 {
                softirqs.insert(name.clone(), d);
            }
        }
        CellFigures {
            index: c.index,
            path: c.path.clone(),
            rate: match c.rate {
                Rate::Single => "single".into(),
                Rate::Hz(hz) => hz.to_string(),
            },
            rate_hz: match c.rate {
                Rate::Single => None,
                Rate::Hz(hz) => Some(hz),
            },
            load: c.load.name(),
            group: c.group.name(),
            work_ns: c.work_ns,
            guard_skipped: c.guard_skipped,
            duration_s,
            drain_s: c.uptime_after - c.uptime_stop,
            injected: a.injected,
            raised: a.raised,
            executed: a.executed,
            coalesced: a.coalesced,
            spurious: a.spurious,
            slept: a.slept,
            max_concurrent: a.max_concurrent,
            identity_ok: a.raised == a.executed + a.coalesced,
            irq: a.irq,
            proc_interrupts,
            merged_before_top_half: proc_interrupts.map(|n| n.saturating_sub(a.raised)),
            top_threaded: a.top_threaded,
            runs_per_s: if duration_s > 0.0 {
                a.executed as f64 / duration_s
            } else {
                0.0
            },
            coalesced_share: share(a.coalesced, a.raised),
            same_cpu_share: share(a.same_cpu, a.executed),
            ksoftirqd_share: share(wherein[&Where::SoftirqKsoftirqd], a.executed),
            latency: a.latency,
            wherein,
            preemptible: a.flags.preemptible,
            may_sleep: a.flags.may_sleep,
            irqs_disabled: a.flags.irqs_disabled,
            per_cpu,
            hist: a.hist.iter().map(|(b, n)| (*b, *n)).collect(),
            softirqs,
            window: Window::of(c, raise_cpu),
        }
    }

    /// Runs counted by context (the sum of the `ctx_*` place counters).
    pub fn runs(&self) -> u64 {
        self.wherein.values().sum()
    }

    /// The rate as parsed.
    pub fn rate(&self) -> Rate {
        self.rate_hz.map_or(Rate::Single, Rate::Hz)
    }

    /// The load as parsed.
    pub fn load(&self) -> Load {
        Load::parse(&self.load).unwrap_or(Load::Idle)
    }

    /// The group as parsed.
    pub fn group(&self) -> Group {
        Group::parse(self.group).unwrap_or_default()
    }

    /// The work's share of one CPU: work_ns times the rate.
    pub fn load_pct(&self) -> f64 {
        self.work_ns as f64 * f64::from(self.rate_hz.unwrap_or(0)) / 1e7
    }
}

/// The figures of one boot (one results file).
#[derive(Debug, Clone, Serialize)]
pub struct Boot {
    /// A label: the boot meta, made unique across files.
    pub label: String,
    /// The file.
    pub file: String,
    /// Its meta records.
    pub meta: BTreeMap<String, String>,
    /// The preemption model: `meta preempt` (none, voluntary, full, rt),
    /// "unknown" in a capture without it.
    pub preempt: String,
    /// The module's registry, from the header.
    #[serde(skip)]
    pub registry: Registry,
    /// Per cell.
    pub cells: Vec<CellFigures>,
    /// The textbook table, measured.
    pub textbook: Vec<TextbookRow>,
}

impl Boot {
    /// Computes a boot's figures.
    pub fn of(r: &Scenario) -> Boot {
        let raise_cpu = r
            .header
            .meta
            .int("raise_cpu")
            .and_then(|n| u32::try_from(n).ok());
        let cells: Vec<CellFigures> = r
            .cells
            .iter()
            .map(|c| CellFigures::of(c, raise_cpu))
            .collect();
        let threadirqs = r.meta("boot") == "threadirqs"
            || r.meta("cmdline")
                .split_whitespace()
                .any(|w| w == "threadirqs");
        let preempt = r.meta("preempt").to_string();
        let registry = r.header.registry.clone();
        let matrix: Vec<CellFigures> = cells
            .iter()
            .filter(|c| c.group() == Group::Matrix)
            .cloned()
            .collect();
        let textbook = textbook::measure(&registry, &matrix, threadirqs, preempt == "rt");
        Boot {
            label: r.meta("boot").to_string(),
            file: r.file().to_string(),
            meta: r.header.meta.map(),
            preempt,
            registry,
            cells,
            textbook,
        }
    }

    /// A meta value, "unknown" when absent.
    pub fn meta(&self, key: &str) -> &str {
        self.meta.get(key).map(String::as_str).unwrap_or("unknown")
    }

    /// Whether the boot ran PREEMPT_RT.
    pub fn rt(&self) -> bool {
        self.preempt == "rt"
    }

    /// The matrix's cells.
    pub fn matrix(&self) -> impl Iterator<Item = &CellFigures> {
        self.cells.iter().filter(|c| c.group() == Group::Matrix)
    }

    /// The matrix's cell for a path, rate and load.
    pub fn cell(&self, path: &str, rate: Rate, load: Load) -> Option<&CellFigures> {
        self.matrix()
            .find(|c| c.path == path && c.rate() == rate && c.load() == load)
    }

    /// The real-time hog's cell for a path at priority `prio`.
    pub fn hog_cell(&self, path: &str, prio: u32) -> Option<&CellFigures> {
        self.cells
            .iter()
            .find(|c| c.group() == Group::RtHog && c.path == path && c.load() == Load::Fifo(prio))
    }

    /// The hog's priorities, in order.
    pub fn hog_prios(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .cells
            .iter()
            .filter(|c| c.group() == Group::RtHog)
            .filter_map(|c| match c.load() {
                Load::Fifo(p) => Some(p),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The overload cells of a path, by rising work.
    pub fn overload_cells(&self, path: &str) -> Vec<&CellFigures> {
        let mut v: Vec<&CellFigures> = self
            .cells
            .iter()
            .filter(|c| c.group() == Group::Overload && c.path == path)
            .collect();
        v.sort_by_key(|c| c.work_ns);
        v
    }

    /// The paths with overload cells, in the module's order.
    pub fn overload_paths(&self) -> Vec<String> {
        self.paths()
            .into_iter()
            .filter(|p| !self.overload_cells(p).is_empty())
            .collect()
    }

    /// The paths present in any cell, in the module's order (its
    /// registry's).
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<&str> = self.cells.iter().map(|c| c.path.as_str()).collect();
        v.sort_by_key(|p| (self.registry.position(p), *p));
        v.dedup();
        v.into_iter().map(String::from).collect()
    }

    /// The matrix's loads, idle first.
    pub fn loads(&self) -> Vec<Load> {
        let mut l: Vec<Load> = self.matrix().map(CellFigures::load).collect();
        l.sort();
        l.dedup();
        l
    }

    /// The matrix's rates, single first.
    pub fn rates(&self) -> Vec<Rate> {
        let mut r: Vec<Rate> = self.matrix().map(CellFigures::rate).collect();
        r.sort();
        r.dedup();
        r
    }
}

/// The whole report: every boot.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Results format version read.
    pub format_version: u32,
    /// One per results file.
    pub boots: Vec<Boot>,
}

impl Report {
    /// Computes the figures of every file; boot labels are made unique.
    pub fn of(results: &[Scenario]) -> Report {
        let mut boots: Vec<Boot> = results.iter().map(Boot::of).collect();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for b in &mut boots {
            let n = seen.entry(b.label.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                b.label = format!("{}#{}", b.label, n);
            }
        }
        Report {
            format_version: crate::results::VERSION,
            boots,
        }
    }

    /// The paths present in any boot: the first boot's in its module's
    /// order, then those only later boots have.
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for p in self.boots.iter().flat_map(Boot::paths) {
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    }

    /// The rates present in any boot.
    pub fn rates(&self) -> Vec<Rate> {
        let mut r: Vec<Rate> = self.boots.iter().flat_map(Boot::rates).collect();
        r.sort();
        r.dedup();
        r
    }
}

/// Formats nanoseconds with 3 significant digits at most: 812ns, 1.5µs,
/// 12.5µs, 125µs, 1.25ms, 12.5ms, 1.25s.
pub fn fmt_ns(ns: f64) -> String {
    let (v, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    if unit == "ns" || v >= 100.0 {
        format!("{v:.0}{unit}")
    } else if v >= 10.0 {
        format!("{v:.1}{unit}")
    } else {
        format!("{v:.2}{unit}")
    }
}

/// Formats an axis tick: like [`fmt_ns`] without trailing zeros (10µs,
/// 1ms, 2.5ms).
pub fn fmt_tick(ns: f64) -> String {
    let s = fmt_ns(ns);
    let split = s.find(|c: char| c.is_alphabetic()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num = if num.contains('.') {
        num.trim_end_matches('0').trim_end_matches('.')
    } else {
        num
    };
    format!("{num}{unit}")
}

/// A share as a percentage with one decimal.
pub fn pct(s: f64) -> String {
    format!("{:.1}", s * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(fmt_ns(0.0), "0ns");
        assert_eq!(fmt_ns(812.0), "812ns");
        assert_eq!(fmt_ns(1500.0), "1.50µs");
        assert_eq!(fmt_ns(12_537.0), "12.5µs");
        assert_eq!(fmt_ns(125_828.0), "126µs");
        assert_eq!(fmt_ns(1_250_000.0), "1.25ms");
        assert_eq!(fmt_ns(11_749_700.0), "11.7ms");
        assert_eq!(fmt_ns(2.5e9), "2.50s");
        assert_eq!(fmt_tick(1e3), "1µs");
        assert_eq!(fmt_tick(1e4), "10µs");
        assert_eq!(fmt_tick(1e5), "100µs");
        assert_eq!(fmt_tick(2.5e6), "2.5ms");
        assert_eq!(fmt_tick(100.0), "100ns");
        assert_eq!(pct(0.9147), "91.5");
    }
}
