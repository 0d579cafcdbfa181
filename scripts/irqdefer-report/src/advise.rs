// SPDX-License-Identifier: GPL-2.0

//! `irqdefer-report advise`: which deferral path meets a driver's
//! constraints (a p99 bound, must sleep, a model, the same CPU, survive a
//! SCHED_FIFO hog, a rate), answered from the user's own capture: its
//! measured cells and its registry (`meta path.<name>`), never from a
//! table of paths here. Each path that fits comes with its evidence; each
//! that does not, with its reasons.

use serde::Serialize;

use crate::doc::Doc;
use crate::figures::{fmt_ns, pct, Boot, CellFigures};
use crate::pressure::{self, Fate};
use crate::results::scenario::{Rate, Scenario};
use crate::tables::{model, places, sleep_legal};
use crate::view::{Cell, Column, Table};

/// The exit status when no path fits.
pub const NO_FIT: u8 = 2;

/// What the paths are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// The worst p99 of the cells the constraints select.
    #[default]
    P99,
    /// The worst p50.
    P50,
}

/// The constraints, as `advise`'s options.
#[derive(Debug, Clone, Default, clap::Args, Serialize)]
pub struct Constraints {
    /// A bound on p99 latency, raise to the start of the work: a number
    /// and ns, us (µs) or ms, e.g. 100us. Holds in every cell selected.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub p99: Option<u64>,
    /// The work must be able to sleep: the registry's rule on the model
    /// allows it (may_sleep, or may_sleep_rt on PREEMPT_RT), and every
    /// measured run could (ctx_may_sleep).
    #[arg(long)]
    pub sleep: bool,
    /// Which capture: its preemption model (meta preempt: none, voluntary,
    /// full, rt) or its boot's name (normal, threadirqs, ...).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// Every run on the CPU that raised it.
    #[arg(long)]
    pub same_cpu: bool,
    /// Must run while a SCHED_FIFO busy loop holds the raising CPU: the
    /// capture's real-time hog cells at PRIO (`--fifo-hog=51`; alone, its
    /// highest priority); the p99 bound then holds in the hog's window
    /// too.
    #[arg(
        long,
        value_name = "PRIO",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "0"
    )]
    pub fifo_hog: Option<u32>,
    /// The interrupt rate, Hz: the matrix's cells at this rate, or at the
    /// next rate above it the capture measured (default: 1000 Hz if
    /// measured, else its highest).
    #[arg(long, value_name = "HZ")]
    pub rate: Option<u32>,
    /// Rank the paths that fit by their worst p99 or p50.
    #[arg(long, value_enum, default_value = "p99")]
    pub by: RankBy,
}

/// Parses a time: a number and `ns`, `us`, `µs` or `ms`; ns.
pub fn parse_time(s: &str) -> Result<u64, String> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a time (e.g. 100us, 2ms, 500ns)"))?;
    let mul = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        _ => return Err(format!("`{s}`: the unit is ns, us or ms")),
    };
    Ok((n * mul).round() as u64)
}

/// Why a path fails one constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The constraint: `p99`, `sleep`, `same_cpu`, `fifo_hog`, `rate`.
    pub constraint: &'static str,
    /// Why, with the figure or the rule.
    pub why: String,
}

/// A path measured in one cell the constraints select.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// The cell: `1000 Hz idle`, `fifo51 hog 1000 Hz`.
    pub cell: String,
    /// Runs with a latency.
    pub runs: u64,
    /// p50, ns (none without runs).
    pub p50: Option<u64>,
    /// p99, ns.
    pub p99: Option<u64>,
    /// Where the runs took place.
    pub places: String,
    /// Whether sleeping was legal: `yes N/N`, `no 0/N`.
    pub may_sleep: String,
    /// Share of runs on the raising CPU.
    pub same_cpu: f64,
    /// Share of requests merged into one pending.
    pub coalesced: f64,
}

/// One path's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The path.
    pub path: String,
    /// Its rule on the model, in the registry's words.
    pub rule: String,
    /// The measurements.
    pub evidence: Vec<Evidence>,
    /// Under the hog, where asked: the fate measured, and the one the
    /// kernel's rules predict with why.
    pub hog: Option<String>,
    /// Under the hog, every run in its window took place off the hog's CPU:
    /// the path survived it because the kernel ran its executor elsewhere.
    pub hog_moved_off: bool,
    /// The worst p50 and p99 of the cells, ns.
    pub worst_p50: Option<u64>,
    /// The worst p99.
    pub worst_p99: Option<u64>,
    /// Why it fails; empty when it fits.
    pub reasons: Vec<Reason>,
}

/// `advise`'s answer.
#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    /// The capture.
    pub file: String,
    /// Its model, in words.
    pub model: String,
    /// The constraints.
    pub constraints: Constraints,
    /// The rate of the cells used.
    pub rate: String,
    /// The cells, in words.
    pub cells: Vec<String>,
    /// Why the rate differs from the one asked for, if it does.
    pub rate_note: Option<String>,
    /// The paths that fit, ranked.
    pub fits: Vec<Verdict>,
    /// The others, in the module's order.
    pub rejected: Vec<Verdict>,
}

/// Whether a capture is of a model: its `meta preempt`, its boot's name,
/// or `threadirqs` on its command line.
fn is_model(s: &Scenario, m: &str) -> bool {
    s.meta("preempt") == m
        || s.meta("boot") == m
        || (m == "threadirqs" && s.meta("cmdline").split_whitespace().any(|w| w == m))
}

/// Picks the capture of the model asked for.
fn pick<'a>(results: &'a [Scenario], want: Option<&str>) -> Result<&'a Scenario, String> {
    let models = || {
        results
            .iter()
            .map(|s| {
                format!(
                    "{} (boot {}, preempt {})",
                    s.file(),
                    s.meta("boot"),
                    s.meta("preempt")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found: Vec<&Scenario> = match want {
        Some(m) => results.iter().filter(|s| is_model(s, m)).collect(),
        None => results.iter().collect(),
    };
    match (&found[..], want) {
        ([s], _) => Ok(*s),
        ([], Some(m)) => Err(format!(
            "no capture of model `{m}` among {}: --model names a capture's meta preempt or boot",
            models()
        )),
        (_, Some(m)) => Err(format!(
            "several captures are of model `{m}`: {}; give one",
            models()
        )),
        (_, None) => Err(format!(
            "several captures: choose one with --model (preempt or boot): {}",
            models()
        )),
    }
}

/// The rate of the cells: the one asked for, or the next above it the
/// capture measured; by default 1000 Hz, else the highest.
fn pick_rate(b: &Boot, want: Option<u32>) -> Result<Rate, String> {
    let hz: Vec<u32> = b
        .rates()
        .into_iter()
        .filter_map(|r| match r {
            Rate::Hz(h) => Some(h),
            Rate::Single => None,
        })
        .collect();
    let list = || {
        b.rates()
            .iter()
            .map(Rate::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match want {
        Some(w) => hz
            .iter()
            .find(|h| **h >= w)
            .map(|h| Rate::Hz(*h))
            .ok_or_else(|| {
                format!(
                    "{}: no rate of {w} Hz or above measured (rates: {})",
                    b.file,
                    list()
                )
            }),
        None if hz.contains(&1000) => Ok(Rate::Hz(1000)),
        None => hz
            .last()
            .map(|h| Rate::Hz(*h))
            .ok_or_else(|| format!("{}: no periodic rate measured ({})", b.file, list())),
    }
}

fn evidence(cell: String, c: &CellFigures) -> Evidence {
    let has = c.latency.count > 0;
    Evidence {
        cell,
        runs: c.latency.count,
        p50: has.then_some(c.latency.p50),
        p99: has.then_some(c.latency.p99),
        places: places(c),
        may_sleep: sleep_legal(c),
        same_cpu: c.same_cpu_share,
        coalesced: c.coalesced_share,
    }
}

impl Advice {
    /// Answers the constraints from the captures.
    pub fn of(results: &[Scenario], k: &Constraints) -> Result<Advice, String> {
        let s = pick(results, k.model.as_deref())?;
        let b = Boot::of(s);
        let rate = pick_rate(&b, k.rate)?;
        let loads = b.loads();
        let prio = match k.fifo_hog {
            None => None,
            Some(p) => {
                let prios = b.hog_prios();
                if prios.is_empty() {
                    return Err(format!(
                        "{}: --fifo-hog: the capture has no real-time hog cells (meta pressure \
                         lacks rthog: run the demo with the pressure scenarios)",
                        b.file
                    ));
                }
                let p = if p == 0 {
                    *prios.last().unwrap_or(&0)
                } else {
                    p
                };
                if !prios.contains(&p) {
                    return Err(format!(
                        "{}: --fifo-hog {p}: the hog ran at SCHED_FIFO {} only",
                        b.file,
                        prios
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                Some(p)
            }
        };
        let mut cells: Vec<String> = loads
            .iter()
            .map(|l| format!("{rate} {}", l.name()))
            .collect();
        if let Some(p) = prio {
            cells.push(format!("fifo{p} hog {} Hz", b.meta("rthog_rate")));
        }

        let mut verdicts = Vec::new();
        for path in b.paths() {
            let Some(rule) = b.registry.get(&path) else {
                continue;
            };
            let mut v = Verdict {
                path: path.clone(),
                rule: rule.words_on(b.rt()),
                evidence: Vec::new(),
                hog: None,
                hog_moved_off: false,
                worst_p50: None,
                worst_p99: None,
                reasons: Vec::new(),
            };
            let mut measured: Vec<(String, Option<u64>, Option<u64>)> = Vec::new();
            let (mut sleep, mut same, mut missing) = (Vec::new(), Vec::new(), Vec::new());
            for load in &loads {
                let name = format!("{rate} {}", load.name());
                let Some(c) = b.cell(&path, rate, *load) else {
                    missing.push(name);
                    continue;
                };
                let e = evidence(name.clone(), c);
                measured.push((name.clone(), e.p50, e.p99));
                if k.sleep && c.may_sleep < c.runs() {
                    sleep.push(format!("{}/{} at {name}", c.may_sleep, c.runs()));
                }
                if k.same_cpu && c.executed > 0 && c.same_cpu_share < 1.0 {
                    same.push(format!("{}% at {name}", pct(c.same_cpu_share)));
                }
                v.evidence.push(e);
            }
            let mut reason = |constraint, why: String| v.reasons.push(Reason { constraint, why });
            if !missing.is_empty() {
                reason("rate", format!("not measured at {}", missing.join(", ")));
            }
            if k.sleep && !rule.may_sleep_on(b.rt()) {
                // The rule first: it is why the runs could not sleep.
                reason(
                    "sleep",
                    format!(
                        "may not sleep: the registry's rule on {} is {}",
                        model(&b),
                        rule.words_on(b.rt())
                    ),
                );
            }
            if !sleep.is_empty() {
                reason(
                    "sleep",
                    format!(
                        "runs that could sleep (ctx_may_sleep): {}",
                        sleep.join(", ")
                    ),
                );
            }
            if !same.is_empty() {
                reason(
                    "same_cpu",
                    format!("runs on the raising CPU: {}", same.join(", ")),
                );
            }
            if let Some(p) = prio {
                let expected = pressure::hog(rule, b.rt(), p);
                let c = b.hog_cell(&path, p);
                let fate = c.and_then(pressure::measured_fate);
                let w = c.and_then(|c| c.window.as_ref());
                let name = format!("fifo{p} hog {} Hz", b.meta("rthog_rate"));
                match (fate, w) {
                    (Some(f @ (Fate::Runs | Fate::MovedOff)), Some(w)) => {
                        measured.push((name.clone(), w.p50, w.p99));
                        v.hog_moved_off = f == Fate::MovedOff;
                        let off = if v.hog_moved_off {
                            ", every run off the hog's CPU"
                        } else {
                            ""
                        };
                        v.hog = Some(format!(
                            "runs under FIFO {p}{off}: {}/{} in the window, p99 {} (the rules \
                             predict {}: {})",
                            w.executed,
                            w.raised,
                            w.p99.map_or("-".into(), |x| fmt_ns(x as f64)),
                            expected.what.word(),
                            expected.why
                        ));
                    }
                    (Some(Fate::Starves), w) => {
                        let raised = w.map_or(0, |w| w.raised);
                        let what = if raised == 0 {
                            "not even its top half ran in its window".to_string()
                        } else {
                            format!("none of {raised} requests ran in its window")
                        };
                        v.hog = Some(format!("starves under FIFO {p}"));
                        reason(
                            "fifo_hog",
                            format!(
                                "starved under the FIFO {p} hog: {what} (rules: {}, {})",
                                expected.what.word(),
                                expected.why
                            ),
                        );
                    }
                    _ => reason("fifo_hog", format!("no hog cell at FIFO {p} for this path")),
                }
            }
            if let Some(bound) = k.p99 {
                let over: Vec<String> = measured
                    .iter()
                    .filter_map(|(name, _, p99)| match p99 {
                        Some(x) if *x > bound => Some(format!("{} at {name}", fmt_ns(*x as f64))),
                        Some(_) => None,
                        None => Some(format!("no runs at {name}")),
                    })
                    .collect();
                if !over.is_empty() {
                    reason(
                        "p99",
                        format!("p99 {}: over {}", over.join(", "), fmt_ns(bound as f64)),
                    );
                }
            }
            v.worst_p50 = measured.iter().filter_map(|m| m.1).max();
            v.worst_p99 = measured.iter().filter_map(|m| m.2).max();
            verdicts.push(v);
        }
        let (mut fits, rejected): (Vec<Verdict>, Vec<Verdict>) =
            verdicts.into_iter().partition(|v| v.reasons.is_empty());
        // Stable: ties keep the module's order.
        fits.sort_by_key(|v| match k.by {
            RankBy::P99 => (v.worst_p99, v.worst_p50),
            RankBy::P50 => (v.worst_p50, v.worst_p99),
        });
        Ok(Advice {
            file: b.file.clone(),
            model: model(&b),
            constraints: k.clone(),
            rate: rate.to_string(),
            rate_note: k.rate.filter(|r| Rate::Hz(*r) != rate).map(|r| {
                format!("{rate}: the capture has no cell at {r} Hz; the next rate above it")
            }),
            cells,
            fits,
            rejected,
        })
    }

    /// The constraints in words.
    fn asked(&self) -> String {
        let k = &self.constraints;
        let mut v = Vec::new();
        if let Some(b) = k.p99 {
            v.push(format!("p99 at most {}", fmt_ns(b as f64)));
        }
        if k.sleep {
            v.push("may sleep".into());
        }
        if k.same_cpu {
            v.push("every run on the raising CPU".into());
        }
        if k.fifo_hog.is_some() {
            v.push("runs under a SCHED_FIFO hog".into());
        }
        if v.is_empty() {
            v.push("none (every path measured fits)".into());
        }
        v.join("; ")
    }

    /// The document every format but JSON renders.
    pub fn doc(&self) -> Doc {
        let mut d = Doc::new(format!("irqdefer advise: {} ({})", self.file, self.model));
        d.para(format!(
            "Constraints: {}. Cells: {}{} (a path must meet every constraint in each). Ranked \
             by the worst {} of those cells.",
            self.asked(),
            self.cells.join(", "),
            self.rate_note
                .as_ref()
                .map_or(String::new(), |n| format!(" ({n})")),
            match self.constraints.by {
                RankBy::P99 => "p99",
                RankBy::P50 => "p50",
            }
        ));
        if self.fits.is_empty() {
            d.heading("No path fits");
            let mut counts: Vec<(&str, usize)> = Vec::new();
            for v in &self.rejected {
                let mut seen: Vec<&str> = v.reasons.iter().map(|r| r.constraint).collect();
                seen.dedup();
                for c in seen {
                    match counts.iter_mut().find(|(x, _)| *x == c) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((c, 1)),
                    }
                }
            }
            d.para(format!(
                "No path of the capture meets all the constraints. Paths failing each: {}. \
                 Every path's reasons are below.",
                counts
                    .iter()
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else {
            d.heading(format!("{} paths fit", self.fits.len()));
            let mut t = Table::new(vec![
                Column::right("#"),
                Column::left("path"),
                Column::right("p99").long("worst p99"),
                Column::right("p50").long("worst p50"),
                Column::left("ran"),
                Column::left("may sleep").long("may sleep (measured)"),
                Column::right("same%").long("same CPU %"),
                Column::right("coal%").long("coalesced %").detail(),
                Column::left("rule").long("rule (registry)"),
                Column::left("hog").detail(),
            ]);
            for (i, v) in self.fits.iter().enumerate() {
                let join = |f: fn(&Evidence) -> String| {
                    let mut xs: Vec<String> = v.evidence.iter().map(f).collect();
                    xs.dedup();
                    xs.join(" / ")
                };
                t.row(vec![
                    Cell::from((i + 1).to_string()),
                    Cell::from(&v.path),
                    Cell::from(v.worst_p99.map_or("-".into(), |x| fmt_ns(x as f64))),
                    Cell::from(v.worst_p50.map_or("-".into(), |x| fmt_ns(x as f64))),
                    Cell::from(join(|e| e.places.clone())),
                    Cell::from(join(|e| e.may_sleep.clone())),
                    Cell::from(join(|e| pct(e.same_cpu))),
                    Cell::from(join(|e| pct(e.coalesced))),
                    Cell::from(&v.rule),
                    Cell::from(v.hog.clone().unwrap_or_else(|| "-".into())),
                ]);
            }
            t.note(
                "p99, p50: the worst of the cells. ran, may sleep, same%: per cell where they \
                 differ (a / b). rule: the registry's (meta path.<name>) on this model.",
            );
            let moved: Vec<&str> = self
                .fits
                .iter()
                .filter(|v| v.hog_moved_off)
                .map(|v| v.path.as_str())
                .collect();
            if !moved.is_empty() {
                t.note(format!(
                    "Moved off: under the hog, every run of {} took place on another CPU (the \
                     kernel ran the executor there: on 7.x an IRQ thread follows its \
                     interrupt's affinity and cannot be pinned). They fit because a CPU was \
                     free; with every CPU held, the rule in the hog's table applies.",
                    moved.join(", ")
                ));
            }
            d.table(t);
        }
        if !self.rejected.is_empty() {
            d.heading(format!("{} paths do not fit", self.rejected.len()));
            let mut t = Table::new(vec![
                Column::left("path"),
                Column::left("fails"),
                Column::left("why"),
            ]);
            for v in &self.rejected {
                for (i, r) in v.reasons.iter().enumerate() {
                    let path = if i == 0 { v.path.as_str() } else { "" };
                    t.row(crate::cells![path, r.constraint, r.why.clone()]);
                }
            }
            d.table(t);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::scenario::Load;

    #[test]
    fn times() {
        assert_eq!(parse_time("100us"), Ok(100_000));
        assert_eq!(parse_time("1.5ms"), Ok(1_500_000));
        assert_eq!(parse_time("250ns"), Ok(250));
        assert_eq!(parse_time("2µs"), Ok(2000));
        assert!(parse_time("100").is_err());
        assert!(parse_time("fast").is_err());
    }

    #[test]
    fn loads_in_cell_names() {
        assert_eq!(
            format!("{} {}", Rate::Hz(1000), Load::Busy.name()),
            "1000 Hz busy"
        );
    }
}
