// SPDX-License-Identifier: GPL-2.0

//! `make bench`'s analysis: from the bench captures (one per boot), after
//! sanity checks that refuse to report nonsense (every expected cell
//! present, no path with zero runs, `raised == executed + coalesced` at
//! rest, no negative count or latency, runs paired with the kernel's trace
//! on every path), the figures and verdicts of each phase: the overhead of
//! measuring, the highest rate without loss, the accuracy against the
//! kernel's trace, and scaling. [`report`] renders them.

pub mod kernel;
pub mod kwork;
pub mod pair;
pub mod report;
pub mod selfcost;
pub mod stats;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::results::bench::{Bench, EventKind, Record, COUNT_KEYS};
use crate::results::PathRule;
use pair::{pair, Tally};
use stats::{
    judge, judge_below_one, judge_share, median, median0, paired_ratio, percentile, Interval,
    Verdict, Worse,
};

/// Full measurement may cost at most this share of throughput.
pub const OV_TARGET: f64 = 0.05;
/// A reader looping on `snapshot` may slow a path by at most this share.
pub const READER_TARGET: f64 = 0.02;
/// The module's latency within this share of the kernel's (medians).
pub const ACC_TARGET: f64 = 0.10;
/// A max-rate step's window, s, below which it is a smoke run's.
pub const SUSTAIN_S: f64 = 1.0;
/// The overhead phase's modes, in order: irqdefer `full` and `count`,
/// `count` with the kernel's tracepoints for the same events (`trace`) or
/// its hist triggers (`hist`), `full` with a reader or a hog on CPU 0.
/// A capture lists those it ran in `meta ov_modes`.
pub const MODES: [&str; 6] = ["full", "count", "trace", "hist", "reader", "hog"];
/// The modes every overhead phase runs, whose runs/s the report shows.
const RATE_MODES: [&str; 4] = ["full", "count", "reader", "hog"];

/// Bad or implausible results: one line, and exit 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchError(pub String);

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

type Result<T> = std::result::Result<T, BenchError>;

fn fail<T>(msg: impl Into<String>) -> Result<T> {
    Err(BenchError(msg.into()))
}

/// One boot's capture, with what the analysis reads of it.
#[derive(Clone, Copy)]
struct Boot<'a> {
    b: &'a Bench,
}

impl<'a> Boot<'a> {
    fn name(&self) -> &str {
        self.b.name()
    }

    /// The records of `kind` by their `path` (a path's last).
    fn by_path(&self, kind: &str) -> BTreeMap<&'a str, &'a Record> {
        self.b
            .records(kind)
            .iter()
            .map(|r| (r.word("path"), r))
            .collect()
    }

    fn text(&self, key: &str) -> String {
        self.b.header.meta.words(key).join(" ")
    }

    fn words(&self, key: &str) -> Vec<&str> {
        self.b.header.meta.words(key)
    }

    /// An integer meta value (the parser checked the form of those it
    /// knows).
    fn int(&self, key: &str) -> Result<u64> {
        self.b
            .header
            .meta
            .int(key)
            .ok_or_else(|| BenchError(format!("{}: meta {key}: not an integer", self.name())))
    }

    fn ints(&self, key: &str) -> Vec<u64> {
        self.words(key)
            .iter()
            .filter_map(|w| w.parse().ok())
            .collect()
    }

    fn rule(&self, path: &str) -> Option<&PathRule> {
        self.b.header.registry.get(path)
    }

    /// The window's length, s.
    fn dt(&self, r: &Record) -> Result<f64> {
        let d = r.num("up1") - r.num("up0");
        if d <= 0.0 {
            return fail(format!("{}: window of {d:.2} s", r.at));
        }
        Ok(d)
    }

    /// CPU seconds used in a window, all vCPUs: elapsed x vCPUs - idle.
    fn cpu_s(&self, r: &Record) -> Result<f64> {
        let d_idle = r.int("idle1") - r.int("idle0");
        if d_idle < 0 {
            return fail(format!("{}: idle time went backwards", r.at));
        }
        let (vcpus, tck) = (self.int("vcpus")? as f64, self.int("clk_tck")? as f64);
        Ok((self.dt(r)? * vcpus - d_idle as f64 / tck).max(0.0))
    }

    /// CPU seconds per second the guest uses with no load (median).
    fn idle_load(&self) -> Result<f64> {
        let xs = self
            .b
            .records("idle")
            .iter()
            .map(|r| Ok(self.cpu_s(r)? / self.dt(r)?))
            .collect::<Result<Vec<f64>>>()?;
        median(&xs).ok_or_else(|| BenchError(format!("{}: no idle baseline", self.name())))
    }

    /// CPU time per bottom-half run, µs, above the idle baseline.
    fn cost_us(&self, r: &Record, idle: f64) -> Result<f64> {
        Ok((self.cpu_s(r)? - idle * self.dt(r)?).max(0.0) * 1e6 / r.num("executed"))
    }
}

/// The sanity checks of a record's counters.
fn check_counts(r: &Record, what: &str) -> Result<()> {
    let w = &r.at;
    let (raised, executed, coalesced) = (r.int("raised"), r.int("executed"), r.int("coalesced"));
    if executed <= 0 {
        return fail(format!("{w}: {what}: zero bottom-half runs"));
    }
    if raised != executed + coalesced {
        return fail(format!(
            "{w}: {what}: raised {raised} != executed {executed} + coalesced {coalesced} at rest"
        ));
    }
    for k in COUNT_KEYS {
        if r.int(k) < 0 {
            return fail(format!("{w}: {what}: negative {k} {}", r.int(k)));
        }
    }
    Ok(())
}

/// One path's overhead figures.
#[derive(Debug, Clone, Serialize)]
pub struct OverheadRow {
    /// The path.
    pub path: String,
    /// What limits its runs/s: `source`, `tick` or `path`.
    pub bound: &'static str,
    /// Requests per second the source reached (`full` mode, median).
    pub source_hz: f64,
    /// Runs per second, per mode (medians).
    pub runs_s: BTreeMap<&'static str, f64>,
    /// CPU µs per run, `full` and `count` (medians).
    pub cpu_us: BTreeMap<&'static str, f64>,
    /// Coalesced share, per mode (medians).
    pub coalesced: BTreeMap<&'static str, f64>,
    /// Median latency, ns, `full`, `reader` and `hog` (medians).
    pub p50: BTreeMap<&'static str, f64>,
    /// Reads of `snapshot` per second by the reader.
    pub reads_s: f64,
    /// `full` against `count`, CPU per run (or runs/s) round by round
    /// from `/proc/stat`.
    pub full_vs_count: Verdict,
    /// `full` against `count` decided: what the module timed `full` to
    /// add ([`selfcost`], the costliest context class) as a share of the
    /// CPU per run under `count`, where the capture has both phases.
    pub measured_share: Option<Verdict>,
    /// The reader against the hog.
    pub reader_vs_hog: Verdict,
    /// Runs/s with the reader against alone.
    pub reader_vs_full: f64,
    /// Against the kernel's instruments for the same events, where the
    /// capture ran them.
    pub cost: Option<CostRow>,
}

impl OverheadRow {
    /// The overhead verdict: the measured share where there is one, else
    /// the `/proc/stat` comparison.
    pub fn overhead_verdict(&self) -> &Verdict {
        self.measured_share.as_ref().unwrap_or(&self.full_vs_count)
    }
}

/// One path's CPU time per run: irqdefer `full`, and `count` with the
/// kernel's tracepoints or hist triggers for the same events, as paired
/// ratios (per round) with their intervals.
#[derive(Debug, Clone, Serialize)]
pub struct CostRow {
    /// The tracepoints enabled (`group/event`).
    pub events: Vec<String>,
    /// The hist triggers' event pair (`request>entry`), if the kernel has
    /// one for the path.
    pub hist: Option<String>,
    /// CPU µs per run, per mode (medians over rounds).
    pub cpu_us: BTreeMap<&'static str, f64>,
    /// Trace events written per run (median).
    pub events_per_run: Option<f64>,
    /// `full` / `count`.
    pub full_count: Option<Interval>,
    /// `trace` / `count`.
    pub trace_count: Option<Interval>,
    /// `hist` / `count`.
    pub hist_count: Option<Interval>,
    /// `full` / `trace`: the verdict (below 1: irqdefer costs less).
    pub full_vs_trace: Verdict,
    /// `full` / `hist`, where the kernel has the pair.
    pub full_vs_hist: Option<Verdict>,
}

/// The overhead phase.
#[derive(Debug, Clone, Serialize)]
pub struct Overhead {
    /// The boot that ran it.
    pub boot: String,
    /// The idle baseline, CPU.
    pub idle_cpu: f64,
    /// Rounds.
    pub rounds: u64,
    /// The source's rate, Hz.
    pub rate: u64,
    /// Per path.
    pub rows: Vec<OverheadRow>,
}

/// How far the module's own timing of `full − count` may be off, as a
/// fraction: six runs of it on one kernel spread over −7%..+7% of their
/// median (docs/benchmarks.md), doubled.
pub const SELFCOST_SPREAD: f64 = 0.15;

/// The overhead phase of one boot: `full` against `count`, the reader
/// against the hog; with the module's own timing of what `full` adds
/// (`costs`), its share of the CPU per run as well.
pub fn overhead(b: &Bench, costs: Option<&selfcost::Costs>) -> Result<Overhead> {
    let boot = Boot { b };
    let rounds = boot.int("rounds")?;
    let idle = boot.idle_load()?;
    let cells = overhead_cells(&boot)?;
    let modes = overhead_modes(&boot)?;
    // The kernel's instruments of each path (`inst` records).
    let inst = boot.by_path("inst");
    let mut rows = Vec::new();
    for p in boot.words("paths") {
        let c = path_cells(boot, idle, &cells, &modes, inst.get(p).copied(), p, rounds)?;
        rows.push(overhead_row(&c, p, modes.contains(&"trace"), costs)?);
    }
    Ok(Overhead {
        boot: boot.text("boot"),
        idle_cpu: idle,
        rounds,
        rate: boot.int("ov_rate")?,
        rows,
    })
}

/// A boot's overhead cells, by (round, path, mode).
type OverheadCells<'a> = BTreeMap<(i64, &'a str, &'a str), &'a Record>;

/// Reads a boot's overhead cells, each checked: none twice, its counts
/// sane.
fn overhead_cells<'a>(boot: &Boot<'a>) -> Result<OverheadCells<'a>> {
    let mut cells = BTreeMap::new();
    for r in boot.b.records("ov") {
        let (rnd, p, m) = (r.int("round"), r.word("path"), r.word("mode"));
        if cells.insert((rnd, p, m), r).is_some() {
            return fail(format!(
                "{}: duplicate overhead cell: {p}, {m}, round {rnd}",
                r.at
            ));
        }
        check_counts(r, &format!("overhead {p} {m} round {rnd}"))?;
    }
    Ok(cells)
}

/// The overhead modes a boot ran (`meta ov_modes`), in [`MODES`]' order;
/// every one of [`RATE_MODES`] must be among them.
fn overhead_modes(boot: &Boot<'_>) -> Result<Vec<&'static str>> {
    let ran = boot.words("ov_modes");
    if ran.is_empty() {
        return fail("an overhead phase without `meta ov_modes`");
    }
    let modes: Vec<&'static str> = MODES.iter().copied().filter(|m| ran.contains(m)).collect();
    if let Some(m) = RATE_MODES.iter().find(|m| !modes.contains(m)) {
        return fail(format!("`meta ov_modes` without the mode {m}"));
    }
    Ok(modes)
}

/// One path's overhead cells, per mode, round by round, with what its
/// figures read of them.
struct PathCells<'a> {
    boot: Boot<'a>,
    /// The boot's idle baseline, CPU.
    idle: f64,
    /// The path's `inst` record: the kernel's instruments for it.
    inst: Option<&'a Record>,
    per: BTreeMap<&'static str, Vec<&'a Record>>,
}

impl PathCells<'_> {
    /// Whether the kernel has hist triggers for the path.
    fn has_hist(&self) -> bool {
        self.inst.is_some_and(|r| r.word("hist") != "none")
    }

    /// The cells of mode `m`.
    fn of(&self, m: &str) -> &[&Record] {
        self.per.get(m).map_or(&[][..], Vec::as_slice)
    }

    /// Runs per second of each cell of mode `m`.
    fn runs(&self, m: &str) -> Result<Vec<f64>> {
        self.of(m)
            .iter()
            .map(|c| Ok(c.num("executed") / self.boot.dt(c)?))
            .collect()
    }

    /// CPU µs per run of each cell of mode `m`.
    fn cost(&self, m: &str) -> Result<Vec<f64>> {
        self.of(m)
            .iter()
            .map(|c| self.boot.cost_us(c, self.idle))
            .collect()
    }

    /// The median coalesced share of mode `m`.
    fn coal(&self, m: &str) -> f64 {
        median0(
            &self
                .of(m)
                .iter()
                .map(|c| c.num("coalesced") / c.num("raised"))
                .collect::<Vec<f64>>(),
        )
    }

    /// The median of `per(cell) / window` over the cells of mode `m`.
    fn per_s(&self, m: &str, per: impl Fn(&Record) -> f64) -> Result<f64> {
        let xs = self
            .of(m)
            .iter()
            .map(|c| Ok(per(c) / self.boot.dt(c)?))
            .collect::<Result<Vec<f64>>>()?;
        Ok(median0(&xs))
    }
}

/// Gathers path `p`'s cells of every mode the boot ran, round by round:
/// `hist` only where the kernel has the path's pair; an error for a cell
/// or an `inst` record missing.
fn path_cells<'a>(
    boot: Boot<'a>,
    idle: f64,
    cells: &OverheadCells<'a>,
    modes: &[&'static str],
    inst: Option<&'a Record>,
    p: &str,
    rounds: u64,
) -> Result<PathCells<'a>> {
    let mut c = PathCells {
        boot,
        idle,
        inst,
        per: BTreeMap::new(),
    };
    let has_hist = c.has_hist();
    for rnd in 1..=rounds as i64 {
        for &m in modes {
            if m == "hist" && !has_hist {
                continue;
            }
            if (m == "trace" || m == "hist") && inst.is_none() {
                return no_inst(&boot, p);
            }
            let Some(cell) = cells.get(&(rnd, p, m)) else {
                return fail(format!(
                    "{}: overhead cell missing: {p}, {m}, round {rnd}",
                    boot.name()
                ));
            };
            c.per.entry(m).or_default().push(cell);
        }
    }
    Ok(c)
}

/// A path without the `inst` record its `trace` or `hist` mode needs.
fn no_inst<T>(boot: &Boot<'_>, p: &str) -> Result<T> {
    fail(format!(
        "{}: overhead: no `inst` record for {p}",
        boot.name()
    ))
}

/// What limits a path's runs/s: `tick` for a `timer_list` (the TIMER
/// softirq runs once per jiffy), `path` where requests coalesce, else
/// `source`.
fn limit(c: &PathCells<'_>, p: &str) -> &'static str {
    if c.boot.rule(p).is_some_and(|r| r.softirq == "TIMER") {
        "tick"
    } else if c.coal("count") > 0.01 || c.coal("full") > 0.01 {
        "path"
    } else {
        "source"
    }
}

/// `full` against `count`. Source- or tick-bound, runs/s is the same
/// whatever the path costs: a CPU-bound path's throughput is inverse to
/// its CPU per run, so the verdict uses that there.
fn full_vs_count(c: &PathCells<'_>, bound: &str) -> Result<Verdict> {
    let (full, count, what, worse) = if bound == "path" {
        (c.runs("full")?, c.runs("count")?, "runs/s", Worse::Less)
    } else {
        (c.cost("full")?, c.cost("count")?, "CPU/run", Worse::More)
    };
    Ok(judge(&full, &count, OV_TARGET, what, worse))
}

/// The reader against the hog, runs/s.
fn reader_vs_hog(c: &PathCells<'_>, bound: &str) -> Result<Verdict> {
    let mut rd = judge(
        &c.runs("reader")?,
        &c.runs("hog")?,
        READER_TARGET,
        "runs/s",
        Worse::Less,
    );
    if bound != "path" {
        rd.verdict += &format!("; {bound}-bound");
    }
    Ok(rd)
}

/// The path's CPU time per run against the kernel's instruments for the
/// same events (its `inst` record `i`).
fn cost_row(c: &PathCells<'_>, i: &Record) -> Result<CostRow> {
    let has_hist = c.has_hist();
    let mut cu = BTreeMap::new();
    for m in ["full", "count", "trace", "hist"] {
        if !c.of(m).is_empty() {
            cu.insert(m, median0(&c.cost(m)?));
        }
    }
    let epr: Vec<f64> = c
        .of("trace")
        .iter()
        .filter_map(|r| r.opt("tev").map(|e| e as f64 / r.num("executed")))
        .collect();
    let ratio = |a: &str, b: &str| -> Result<Option<Interval>> {
        Ok(paired_ratio(&c.cost(a)?, &c.cost(b)?))
    };
    Ok(CostRow {
        events: i.word("trace").split(',').map(String::from).collect(),
        hist: has_hist.then(|| i.word("hist").to_string()),
        cpu_us: cu,
        events_per_run: median(&epr),
        full_count: ratio("full", "count")?,
        trace_count: ratio("trace", "count")?,
        hist_count: if has_hist {
            ratio("hist", "count")?
        } else {
            None
        },
        full_vs_trace: judge_below_one(&c.cost("full")?, &c.cost("trace")?),
        full_vs_hist: if has_hist {
            Some(judge_below_one(&c.cost("full")?, &c.cost("hist")?))
        } else {
            None
        },
    })
}

/// One path's overhead figures and verdicts, from its cells `c`; against
/// the kernel's instruments where the boot ran the `trace` mode (`trace`).
fn overhead_row(
    c: &PathCells<'_>,
    p: &str,
    trace: bool,
    costs: Option<&selfcost::Costs>,
) -> Result<OverheadRow> {
    let bound = limit(c, p);
    let v = full_vs_count(c, bound)?;
    let rd = reader_vs_hog(c, bound)?;
    let mut runs_s = BTreeMap::new();
    let mut coalesced = BTreeMap::new();
    for m in RATE_MODES {
        runs_s.insert(m, median0(&c.runs(m)?));
        coalesced.insert(m, c.coal(m));
    }
    let mut cpu_us = BTreeMap::new();
    for m in ["full", "count"] {
        cpu_us.insert(m, median0(&c.cost(m)?));
    }
    let cost = match (trace, c.inst) {
        (false, _) => None,
        (true, Some(i)) => Some(cost_row(c, i)?),
        (true, None) => return no_inst(&c.boot, p),
    };
    let mut p50 = BTreeMap::new();
    for m in ["full", "reader", "hog"] {
        let xs: Vec<f64> = c.of(m).iter().map(|r| r.num("lat_p50")).collect();
        p50.insert(m, median0(&xs));
    }
    let source_hz = c.per_s("full", |r| r.num("raised"))?;
    let reads_s = c.per_s("reader", |r| r.opt("reads").unwrap_or(0) as f64)?;
    let reader_vs_full = runs_s["reader"] / runs_s["full"] - 1.0;
    Ok(OverheadRow {
        path: p.to_string(),
        bound,
        source_hz,
        reader_vs_full,
        runs_s,
        cpu_us,
        coalesced,
        p50,
        reads_s,
        measured_share: match costs {
            Some(s) => Some(judge_share(
                s.measuring_max(),
                SELFCOST_SPREAD,
                &c.cost("count")?,
                OV_TARGET,
            )),
            None => None,
        },
        full_vs_count: v,
        reader_vs_hog: rd,
        cost,
    })
}

/// Why a max-rate try fails (empty: it passed).
fn step_failures(boot: &Boot<'_>, r: &Record) -> Result<Vec<String>> {
    let d = boot.dt(r)?;
    let (raised, coalesced, rate) = (r.num("raised"), r.num("coalesced"), r.num("rate"));
    let mut why = Vec::new();
    if coalesced * 100.0 > raised {
        why.push(format!("coalesced {:.1}%", coalesced / raised * 100.0));
    }
    if raised < 0.95 * rate * d {
        why.push(format!("source {:.0}% of rate", raised / d / rate * 100.0));
    }
    if r.int("r100") != r.int("e100") + r.int("c100") {
        why.push("not drained 100 ms after stop".into());
    }
    Ok(why)
}

/// One path's highest rate.
#[derive(Debug, Clone, Serialize)]
pub struct MaxRateRow {
    /// The path.
    pub path: String,
    /// The highest step passed, Hz.
    pub max_hz: Option<u64>,
    /// Whether that is the last step (the source's cap).
    pub capped: bool,
    /// The passing step's window, s.
    pub sustained_s: Option<f64>,
    /// The step that failed, Hz.
    pub fails_at: Option<u64>,
    /// Why it failed.
    pub why: Vec<String>,
    /// Steps that passed on their second try.
    pub passed_on_retry: u64,
    /// `max_hz` as shown.
    pub shown: String,
    /// Against the baseline's.
    pub ratio: Option<f64>,
    /// `ratio` as shown.
    pub ratio_shown: String,
    /// In words.
    pub verdict: String,
}

/// The max-rate phase.
#[derive(Debug, Clone, Serialize)]
pub struct MaxRate {
    /// The boot that ran it.
    pub boot: String,
    /// The baseline path (no bottom half) the rates are compared with.
    pub baseline: Option<String>,
    /// The steps, Hz.
    pub steps: Vec<u64>,
    /// Each try's window, s.
    pub window_s: f64,
    /// Per path.
    pub rows: Vec<MaxRateRow>,
}

/// The max-rate phase of one boot.
pub fn max_rate(b: &Bench) -> Result<MaxRate> {
    let boot = &Boot { b };
    let steps = boot.ints("max_steps");
    let mut by_path: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in boot.b.records("max") {
        let (p, rate) = (r.word("path"), r.int("rate"));
        if !steps.iter().any(|s| *s as i64 == rate) {
            return fail(format!("{}: rate {rate} is not a declared step", r.at));
        }
        check_counts(r, &format!("max rate {p} {rate} Hz"))?;
        by_path.entry(p).or_default().push(r);
    }
    let mut rows = Vec::new();
    for p in boot.words("paths") {
        let Some(recs) = by_path.get(p) else {
            return fail(format!("{}: max rate: no cell for {p}", boot.name()));
        };
        // The tries of each step, in order.
        let mut tried: Vec<(u64, Vec<&Record>)> = Vec::new();
        for r in recs {
            let rate = r.int("rate") as u64;
            match tried.last_mut() {
                Some((last, tries)) if *last == rate => tries.push(r),
                _ => tried.push((rate, vec![r])),
            }
        }
        let rates: Vec<u64> = tried.iter().map(|(r, _)| *r).collect();
        if steps.get(..rates.len()) != Some(&rates[..]) {
            return fail(format!(
                "{}: max rate: {p}'s steps are not the declared ones in order",
                boot.name()
            ));
        }
        // A step passes if one of its tries passes (a second try follows a
        // failed one: TCG stalls the whole VM now and then).
        let (mut best, mut failed, mut retried) = (None, None, 0);
        for (rate, tries) in &tried {
            let mut passed = None;
            let mut why = Vec::new();
            for r in tries {
                why = step_failures(boot, r)?;
                if why.is_empty() {
                    passed = Some(*r);
                    break;
                }
            }
            let Some(passed) = passed else {
                failed = Some((*rate, why));
                break;
            };
            retried += u64::from(passed.int("try") > 1);
            best = Some(passed);
        }
        let max_hz = best.map(|b| b.int("rate") as u64);
        rows.push(MaxRateRow {
            path: p.to_string(),
            capped: max_hz.is_some() && max_hz == steps.last().copied(),
            max_hz,
            sustained_s: best.map(|b| boot.dt(b)).transpose()?,
            fails_at: failed.as_ref().map(|f| f.0),
            why: failed.map(|f| f.1).unwrap_or_default(),
            passed_on_retry: retried,
            shown: String::new(),
            ratio: None,
            ratio_shown: String::new(),
            verdict: String::new(),
        });
    }
    let baseline = boot
        .words("paths")
        .into_iter()
        .find(|p| boot.rule(p).is_some_and(|r| !r.has_bottom_half()));
    let base = baseline.and_then(|b| rows.iter().find(|r| r.path == b));
    let (base_hz, base_capped) = (base.and_then(|b| b.max_hz), base.is_some_and(|b| b.capped));
    let first = steps.first().copied().unwrap_or(0);
    for o in &mut rows {
        o.shown = match o.max_hz {
            None => format!("<{first}"),
            Some(hz) if o.capped => format!("≥{hz} (source cap)"),
            Some(hz) => hz.to_string(),
        };
        (o.ratio, o.ratio_shown) = match (base_hz, o.max_hz) {
            (Some(b), Some(hz)) => {
                let ratio = hz as f64 / b as f64;
                let shown = if o.capped && base_capped {
                    "1.00 (both at cap)".to_string()
                } else {
                    format!("{}{ratio:.2}", if o.capped { "≥" } else { "" })
                };
                (Some(ratio), shown)
            }
            _ => (None, "n/a".into()),
        };
        o.verdict = match o.fails_at {
            Some(rate) => format!("fails at {rate} Hz: {}", o.why.join(", ")),
            None => "no loss at any step".into(),
        };
        if o.passed_on_retry > 0 {
            o.verdict += &format!("; {} step(s) passed on the second try", o.passed_on_retry);
        }
        if let Some(s) = o.sustained_s.filter(|s| *s < SUSTAIN_S - 0.05) {
            o.verdict += &format!(" (window {s:.1} s < {SUSTAIN_S:.0} s: smoke)");
        }
    }
    Ok(MaxRate {
        boot: boot.text("boot"),
        baseline: baseline.map(String::from),
        steps,
        window_s: boot.int("max_ms")? as f64 / 1000.0,
        rows,
    })
}

/// One path's accuracy against the kernel's trace.
#[derive(Debug, Clone, Serialize)]
pub struct AccuracyRow {
    /// The path.
    pub path: String,
    /// Runs in the trace.
    pub runs_traced: usize,
    /// Runs paired with the kernel's trace of them.
    pub paired: usize,
    /// Runs left unpaired.
    pub unpaired: u64,
    /// Why, by reason.
    pub unpaired_why: BTreeMap<String, u64>,
    /// Other oddities seen.
    pub oddities: BTreeMap<String, u64>,
    /// The module's median latency, ns.
    pub module_p50: Option<f64>,
    /// The kernel's, ns.
    pub kernel_p50: Option<f64>,
    /// Median of |module - kernel|, ns.
    pub diff_p50: Option<f64>,
    /// 99th percentile of |module - kernel|, ns.
    pub diff_p99: Option<f64>,
    /// `diff_p50 / module_p50`.
    pub rel: Option<f64>,
    /// Share of runs within the trace's bracket.
    pub in_bracket: Option<f64>,
    /// Median of module - kernel, ns.
    pub signed_p50: Option<f64>,
    /// In words.
    pub verdict: String,
    /// Whether the target is met (none: not applicable or inconclusive).
    pub met: Option<bool>,
    /// The verdict's status.
    pub status: Option<stats::Status>,
    /// Median of module - kernel, ns, with its 95% interval.
    pub offset: Option<Interval>,
    /// Trace events lost.
    pub overrun: i64,
    /// The kernel event paired with (`none`).
    pub entry: String,
    /// The path's own function, where entry events name one.
    pub function: Option<String>,
    /// `unpaired_why` and `oddities` in the order seen, for the report.
    #[serde(skip)]
    pub why: (Tally, Tally),
}

/// The accuracy phase.
#[derive(Debug, Clone, Serialize)]
pub struct Accuracy {
    /// The boot that ran it.
    pub boot: String,
    /// The trace clock's rate, MHz.
    pub tsc_mhz: f64,
    /// Where it comes from (`refined`, `detected`).
    pub tsc_source: String,
    /// The rate, Hz.
    pub rate: u64,
    /// Each path's window, ms.
    pub ms: u64,
    /// Per path.
    pub rows: Vec<AccuracyRow>,
}

fn tally_map(t: &Tally) -> BTreeMap<String, u64> {
    t.0.iter().cloned().collect()
}

/// The accuracy phase of one boot: each run against the kernel's trace.
pub fn accuracy(b: &Bench) -> Result<Accuracy> {
    let boot = &Boot { b };
    let mhz = boot.b.header.meta.number("tsc_mhz").unwrap_or(0.0);
    if mhz <= 0.0 {
        return fail(format!(
            "{}: no TSC frequency (meta tsc_mhz) to convert the trace clock",
            boot.name()
        ));
    }
    let recs = boot.by_path("acc");
    let mut rows = Vec::new();
    for p in boot.words("paths") {
        let Some(r) = recs.get(p) else {
            return fail(format!("{}: accuracy: no cell for {p}", boot.name()));
        };
        check_counts(r, &format!("accuracy {p}"))?;
        rows.push(accuracy_row(boot, r, p, mhz)?);
    }
    Ok(Accuracy {
        boot: boot.text("boot"),
        tsc_mhz: mhz,
        tsc_source: boot.words("tsc_mhz").last().unwrap_or(&"").to_string(),
        rate: boot.int("acc_rate")?,
        ms: boot.int("acc_ms")?,
        rows,
    })
}

/// One path's accuracy: its runs in the trace (`r` its record, `mhz` the
/// trace clock's rate) paired with the kernel's own trace of them, where
/// the registry names a kernel event for the start of its bottom half.
fn accuracy_row(boot: &Boot<'_>, r: &Record, p: &str, mhz: f64) -> Result<AccuracyRow> {
    let trace = boot.b.traces.get(p).map_or(&[][..], Vec::as_slice);
    let runs: Vec<f64> = trace
        .iter()
        .filter(|e| e.kind == EventKind::Run && e.path == p)
        .map(|e| e.arg(1) as f64)
        .collect();
    if runs.is_empty() {
        return fail(format!(
            "{}: accuracy {p}: no irqdefer_run in the trace",
            r.at
        ));
    }
    let rule = boot.rule(p);
    let trace_event = rule.map_or("none", |r| r.trace.as_str());
    let row = unpaired_row(p, &runs, r);
    // The kernel event that starts the path's bottom half: the
    // registry's trace rule.
    let Some(kind) = EventKind::of_event(trace_event) else {
        let verdict = if trace_event == "none" {
            "n/a: the kernel has no event for the start of its bottom half".into()
        } else {
            format!("n/a: the kernel's {trace_event} is not paired by this tool")
        };
        return Ok(AccuracyRow { verdict, ..row });
    };
    let got = pair(trace, p, kind, mhz);
    if got.pairs.is_empty() {
        let why: Vec<&str> = got.unpaired.0.iter().map(|(w, _)| w.as_str()).collect();
        let why = if why.is_empty() {
            "nothing found".to_string()
        } else {
            why.join(", ")
        };
        return fail(format!(
            "{}: accuracy {p}: no run paired with the kernel's trace ({why})",
            r.at
        ));
    }
    paired_row(boot, r, p, rule, kind, got, row)
}

/// A path's row before pairing: its runs' latencies (`runs`, ns) as the
/// module recorded them, the trace events lost.
fn unpaired_row(p: &str, runs: &[f64], r: &Record) -> AccuracyRow {
    AccuracyRow {
        path: p.to_string(),
        runs_traced: runs.len(),
        paired: 0,
        unpaired: 0,
        unpaired_why: BTreeMap::new(),
        oddities: BTreeMap::new(),
        module_p50: median(runs),
        kernel_p50: None,
        diff_p50: None,
        diff_p99: None,
        rel: None,
        in_bracket: None,
        signed_p50: None,
        verdict: String::new(),
        met: None,
        status: None,
        offset: None,
        overrun: r.int("overrun"),
        entry: "none".into(),
        function: None,
        why: Default::default(),
    }
}

/// The verdict on a path's signed offset (module − kernel, its interval)
/// against its median latency `med`: n/a without a bottom half.
fn offset_verdict(
    rule: Option<&PathRule>,
    offset: Option<Interval>,
    med: f64,
) -> (String, Option<stats::Status>) {
    if rule.is_some_and(|r| !r.has_bottom_half()) {
        (
            "n/a: no bottom half (the kernel's latency is 0 by definition)".to_string(),
            None,
        )
    } else if let (Some(iv), true) = (offset, med > 0.0) {
        // On the interval of the signed offset: within ±10% of the
        // median latency, beyond it, or straddling the bound.
        let (st, words) = stats::judge_offset(&iv, ACC_TARGET * med);
        (words, Some(st))
    } else {
        ("unresolved (median latency 0)".to_string(), None)
    }
}

/// The name of the path's own entry function (`fn` records), by its id.
fn function_name(boot: &Boot<'_>, p: &str, id: Option<i64>) -> Option<String> {
    let id = id?;
    boot.b
        .records("fn")
        .iter()
        .find(|f| f.word("path") == p && f.int("id") == id)
        .map(|f| f.word("name").to_string())
}

/// A path's row from its runs paired with the kernel's trace (`got`,
/// paired on `kind`): the two latencies, their differences, the verdict.
fn paired_row(
    boot: &Boot<'_>,
    r: &Record,
    p: &str,
    rule: Option<&PathRule>,
    kind: EventKind,
    got: pair::Pairing,
    row: AccuracyRow,
) -> Result<AccuracyRow> {
    let module: Vec<f64> = got.pairs.iter().map(|x| x.module).collect();
    let kernel: Vec<f64> = got.pairs.iter().map(|x| x.kernel).collect();
    if module.iter().chain(&kernel).any(|x| *x < 0.0) {
        return fail(format!("{}: accuracy {p}: negative latency", r.at));
    }
    let diffs: Vec<f64> = got
        .pairs
        .iter()
        .map(|x| (x.module - x.kernel).abs())
        .collect();
    let signed: Vec<f64> = got.pairs.iter().map(|x| x.module - x.kernel).collect();
    let inside = got.pairs.iter().filter(|x| x.in_bracket).count() as f64;
    let med = median0(&module);
    let offset = stats::median_ci(&signed);
    let (verdict, status) = offset_verdict(rule, offset, med);
    let met = match status {
        Some(stats::Status::Met) => Some(true),
        Some(stats::Status::NotMet) => Some(false),
        _ => None,
    };
    Ok(AccuracyRow {
        paired: got.pairs.len(),
        unpaired: got.unpaired.total(),
        unpaired_why: tally_map(&got.unpaired),
        oddities: tally_map(&got.odd),
        module_p50: Some(med),
        kernel_p50: median(&kernel),
        diff_p50: median(&diffs),
        diff_p99: percentile(&diffs, 99),
        rel: (med > 0.0).then(|| median0(&diffs) / med),
        in_bracket: Some(inside / got.pairs.len() as f64),
        signed_p50: median(&signed),
        status,
        offset,
        verdict,
        met,
        entry: kind.event_name().to_string(),
        function: function_name(boot, p, got.function),
        why: (got.unpaired, got.odd),
        ..row
    })
}

/// Scaling at one step: `n` paths active.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingRow {
    /// Paths active.
    pub n: u64,
    /// Which, comma-separated.
    pub paths: String,
    /// Runs per second, all paths.
    pub runs_s: f64,
    /// CPU µs per run.
    pub cpu_us: f64,
    /// Coalesced share.
    pub coalesced: f64,
}

/// The scaling phase of one boot.
#[derive(Debug, Clone, Serialize)]
pub struct Scaling {
    /// The boot's vCPUs.
    pub vcpus: u64,
    /// The boot.
    pub boot: String,
    /// Its idle baseline, CPU.
    pub idle_cpu: f64,
    /// The rate per path, Hz.
    pub rate: u64,
    /// Per step.
    pub rows: Vec<ScalingRow>,
}

/// The scaling phase of one boot.
pub fn scaling(b: &Bench) -> Result<Scaling> {
    let boot = &Boot { b };
    let idle = boot.idle_load()?;
    let mut recs: BTreeMap<i64, &Record> = BTreeMap::new();
    for r in boot.b.records("scale") {
        check_counts(r, &format!("scaling {} paths", r.int("n")))?;
        recs.insert(r.int("n"), r);
    }
    let mut rows = Vec::new();
    for n in boot.ints("scale_n") {
        let Some(r) = recs.get(&(n as i64)) else {
            return fail(format!("{}: scaling: no cell for {n} path(s)", boot.name()));
        };
        rows.push(ScalingRow {
            n,
            paths: r.word("paths").to_string(),
            runs_s: r.num("executed") / boot.dt(r)?,
            cpu_us: boot.cost_us(r, idle)?,
            coalesced: r.num("coalesced") / r.num("raised"),
        });
    }
    Ok(Scaling {
        vcpus: boot.int("vcpus")?,
        boot: boot.text("boot"),
        idle_cpu: idle,
        rate: boot.int("scale_rate")?,
        rows,
    })
}

/// A boot, as the report describes it.
#[derive(Debug, Clone, Serialize)]
pub struct BootInfo {
    /// Its `boot` meta.
    pub name: String,
    /// The file.
    pub file: String,
    /// Kernel release.
    pub kernel: String,
    /// Kernel build flavour.
    pub flavour: String,
    /// `tcg` or `kvm`.
    pub accel: String,
    /// vCPUs.
    pub vcpus: u64,
    /// What ran (`all`, `scaling`, `smoke`).
    pub what: String,
    /// The phases run.
    pub phases: Vec<String>,
}

/// Every figure of the benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The boots.
    pub boots: Vec<BootInfo>,
    /// The overhead phase.
    pub overhead: Overhead,
    /// The max-rate phase.
    pub maxrate: MaxRate,
    /// The accuracy phase.
    pub accuracy: Accuracy,
    /// The scaling phase, per boot that ran it, by vCPUs.
    pub scaling: Vec<Scaling>,
    /// Beside the kernel's hist triggers, timerlat and cyclictest, where a
    /// boot ran them.
    pub peers: kernel::Peers,
    /// What measuring costs, part by part (phase `cost`), where a boot ran it.
    pub costs: Option<selfcost::Costs>,
    /// perf kwork beside irqdefer (phase `kwork`), where a boot ran it.
    pub kwork: Option<kwork::Kwork>,
}

/// Analyses the captures of every boot: each phase once (scaling once per
/// boot), every sanity check passed.
pub fn analyse(captures: &[Bench]) -> Result<Analysis> {
    if captures.is_empty() {
        return fail("no results files");
    }
    let mut boots = Vec::new();
    let (mut ov, mut mx, mut ac, mut sc) = (None, None, None, Vec::new());
    let (mut costs, mut kw) = (None, None);
    let mut peers = kernel::Peers {
        hist: None,
        timerlat: None,
        cyclictest: None,
    };
    for b in captures {
        let boot = Boot { b };
        let phases = boot.words("phases");
        boots.push(BootInfo {
            name: boot.text("boot"),
            file: boot.name().to_string(),
            kernel: boot.text("kernel"),
            flavour: boot.text("flavour"),
            accel: boot.text("accel"),
            vcpus: boot.int("vcpus")?,
            what: boot.text("what"),
            phases: phases.iter().map(|p| p.to_string()).collect(),
        });
        if phases.contains(&"ov") {
            if ov.is_some() {
                return fail(format!(
                    "{}: a second boot with the overhead phase",
                    boot.name()
                ));
            }
            // The same boot's `cost` phase, if it ran one (it runs first).
            if phases.contains(&"cost") {
                costs = Some(selfcost::costs(b)?);
            }
            ov = Some(overhead(b, costs.as_ref())?);
        } else if phases.contains(&"cost") {
            costs = Some(selfcost::costs(b)?);
        }
        if phases.contains(&"max") {
            mx = Some(max_rate(b)?);
        }
        if phases.contains(&"kwork") {
            kw = Some(kwork::kwork(&boot, b, boot.idle_load()?)?);
        }
        if phases.contains(&"acc") {
            ac = Some(accuracy(b)?);
        }
        if phases.contains(&"scale") {
            sc.push(scaling(b)?);
        }
        let p = kernel::peers(b)?;
        peers.hist = peers.hist.or(p.hist);
        peers.timerlat = peers.timerlat.or(p.timerlat);
        peers.cyclictest = peers.cyclictest.or(p.cyclictest);
    }
    let missing = |k: &str| BenchError(format!("no boot ran the {k} phase"));
    let overhead = ov.ok_or_else(|| missing("overhead"))?;
    let maxrate = mx.ok_or_else(|| missing("maxrate"))?;
    let accuracy = ac.ok_or_else(|| missing("accuracy"))?;
    if sc.is_empty() {
        return Err(missing("scaling"));
    }
    sc.sort_by_key(|s| s.vcpus);
    Ok(Analysis {
        boots,
        overhead,
        maxrate,
        accuracy,
        scaling: sc,
        peers,
        costs,
        kwork: kw,
    })
}
