// SPDX-License-Identifier: GPL-2.0

//! `irqdefer-report compare A B`: what changed from capture A to capture
//! B (before and after a patch, one kernel against another, one machine
//! against another), for every path and cell both hold.
//!
//! - Latency: the p50 and p99 of each cell, as the module summarises its
//!   own runs (the log2 histogram and `irqdefer_logic::hist::Summary`),
//!   and their change with a 95% bootstrap interval
//!   ([`crate::bench::stats::hist_change`]).
//! - Where the runs took place (scenario captures): the share in each of
//!   the module's context classes, the `ksoftirqd` share of softirq paths.
//! - The real-time hog's verdicts, where both captures ran it.
//! - The registry's rule on each capture's model, where it differs.
//!
//! Paths and cells are those of the captures: their registries (`meta
//! path.<name>`) and cells; nothing here names one. A gate (`--fail-if`,
//! [`Gate`]) turns differences into an exit status.

use std::collections::BTreeMap;
use std::path::Path;

use irqdefer_logic::context::Where;
use irqdefer_logic::hist::{bounds, bucket_of, Summary, BUCKETS};
use serde::Serialize;

use crate::bench::stats::{hist_changes, Change, Interval, BOOT_RESAMPLES, LEVEL};
use crate::doc::Doc;
use crate::figures::{fmt_ns, window_hist, Boot};
use crate::plots::{self, HistSeries};
use crate::pressure::{self, Fate};
use crate::results::bench::{Bench, EventKind};
use crate::results::scenario::{Group, Scenario};
use crate::results::{self, accel_label, Capture, Header, PathRule};
use crate::tables::{model_of, places_of as places};
use crate::view::{Cell, Column, Table};

/// A capture of either kind.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// A scenario capture (`make demo`).
    Scenario(Box<Scenario>),
    /// A bench capture (`make bench`).
    Bench(Box<Bench>),
}

impl Loaded {
    /// Its header.
    pub fn header(&self) -> &Header {
        match self {
            Loaded::Scenario(s) => &s.header,
            Loaded::Bench(b) => &b.header,
        }
    }

    /// Its kind.
    pub fn kind(&self) -> Capture {
        match self {
            Loaded::Scenario(_) => Capture::Scenario,
            Loaded::Bench(_) => Capture::Bench,
        }
    }
}

/// Reads two captures that can be compared: the same results version and
/// the same kind, each checked before either is parsed; then each parsed
/// in full (a malformed or truncated one is refused, `FILE:LINE:`).
pub fn load_pair(a: &Path, b: &Path) -> Result<(Loaded, Loaded), String> {
    let (na, ta) = results::read(a).map_err(|e| e.to_string())?;
    let (nb, tb) = results::read(b).map_err(|e| e.to_string())?;
    let (sa, sb) = (results::sniff(&ta), results::sniff(&tb));
    if let (Some((va, _)), Some((vb, _))) = (sa, sb) {
        if va != vb {
            return Err(format!(
                "{na} is results version {va}, {nb} version {vb}: compare reads two captures \
                 of one version (this tool reads version {})",
                results::VERSION
            ));
        }
    }
    if let (Some((_, Some(ka))), Some((_, Some(kb)))) = (sa, sb) {
        if ka != kb {
            return Err(format!(
                "{na} is a {} capture, {nb} a {} capture: compare reads two of one kind",
                ka.name(),
                kb.name()
            ));
        }
    }
    let parse = |name: &str, text: &str, kind: Option<(u32, Option<Capture>)>| {
        match kind.and_then(|k| k.1) {
            Some(Capture::Bench) => results::bench::parse_str(name, text)
                .map(|b| Loaded::Bench(Box::new(b)))
                .map_err(|e| e.to_string()),
            // A scenario capture, or one whose header the parser will
            // refuse, saying why.
            _ => results::scenario::parse_str(name, text)
                .map(|s| Loaded::Scenario(Box::new(s)))
                .map_err(|e| e.to_string()),
        }
    };
    Ok((parse(&na, &ta, sa)?, parse(&nb, &tb, sb)?))
}

/// A latency distribution: the module's log2 histogram, with the smallest
/// and largest run where known (else its buckets' bounds).
#[derive(Debug, Clone, PartialEq)]
pub struct Lat {
    /// Runs per bucket (`irqdefer_logic::hist::bucket_of`).
    pub hist: [u64; BUCKETS],
    /// The smallest run, ns.
    pub min: u64,
    /// The largest, ns.
    pub max: u64,
}

impl Lat {
    /// From buckets and the smallest and largest run.
    pub fn new(hist: [u64; BUCKETS], min: u64, max: u64) -> Lat {
        Lat { hist, min, max }
    }

    /// From buckets alone: the smallest and largest run are somewhere in
    /// the first and last non-empty bucket.
    pub fn of_buckets(hist: [u64; BUCKETS]) -> Lat {
        let lo = hist.iter().position(|n| *n > 0).unwrap_or(0);
        let hi = hist.iter().rposition(|n| *n > 0).unwrap_or(0);
        Lat::new(hist, bounds(lo).0, bounds(hi).1)
    }

    /// From runs, ns: bucketed as the module buckets them.
    pub fn of_samples(xs: &[u64]) -> Lat {
        let mut hist = [0; BUCKETS];
        for x in xs {
            hist[bucket_of(*x)] += 1;
        }
        Lat::new(
            hist,
            xs.iter().copied().min().unwrap_or(0),
            xs.iter().copied().max().unwrap_or(0),
        )
    }

    /// Runs.
    pub fn count(&self) -> u64 {
        self.hist.iter().sum()
    }

    /// The quantiles (per mille) of counts `h` of the buckets `idx` with
    /// these bounds, as the module computes its own (`Summary::quantile`);
    /// none without runs.
    fn quantiles_of(&self, idx: &[usize], h: &[u64], per_mille: &[u64]) -> Option<Vec<f64>> {
        let mut hist = [0; BUCKETS];
        for (i, n) in idx.iter().zip(h) {
            hist[*i] = *n;
        }
        let s = Summary::new(hist, self.min, self.max, 0);
        (s.count > 0).then(|| per_mille.iter().map(|p| s.quantile(*p) as f64).collect())
    }

    /// A quantile (per mille); none without runs.
    pub fn quantile(&self, per_mille: u64) -> Option<f64> {
        let idx: Vec<usize> = (0..BUCKETS).collect();
        self.quantiles_of(&idx, &self.hist, &[per_mille])
            .map(|q| q[0])
    }

    /// The non-empty buckets' indices and counts.
    fn nonempty(&self) -> (Vec<usize>, Vec<u64>) {
        (0..BUCKETS)
            .filter(|i| self.hist[*i] > 0)
            .map(|i| (i, self.hist[i]))
            .unzip()
    }

    /// The non-empty buckets, for a plot.
    pub fn buckets(&self) -> Vec<(u32, u64)> {
        (0..BUCKETS as u32)
            .zip(self.hist)
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// The changes of the p50 and p99 from `a` to `b`, with their intervals;
/// none if either has no runs. Each resample keeps its own capture's
/// smallest and largest run: only the counts are resampled.
fn quantile_changes(a: &Lat, b: &Lat) -> Option<(Change, Change)> {
    const Q: [u64; 2] = [500, 990];
    let ((ia, ca), (ib, cb)) = (a.nonempty(), b.nonempty());
    let c = hist_changes(
        &ca,
        &cb,
        |h| a.quantiles_of(&ia, h, &Q),
        |h| b.quantiles_of(&ib, h, &Q),
    )?;
    Some((c[0], c[1]))
}

/// One measured cell of one capture: a path under one condition.
#[derive(Debug, Clone)]
struct Measured {
    path: String,
    /// What the cell is: `1000 Hz idle`, `fifo51 hog 1000 Hz`, `acc`...
    label: String,
    /// The matrix's cells, whose latency plots stand for a path.
    headline: bool,
    lat: Lat,
    /// Runs per context class (scenario captures).
    wherein: Option<BTreeMap<Where, u64>>,
    /// The hog's priority and the measured fate (hog cells).
    hog: Option<(u32, Fate)>,
}

/// A side of the comparison, as its header describes it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The file.
    pub file: String,
    /// `meta boot`.
    pub boot: String,
    /// `meta kernel`.
    pub kernel: String,
    /// `meta flavour`.
    pub flavour: String,
    /// `meta accel`, as the report labels it.
    pub accel: String,
    /// `meta vcpus`.
    pub vcpus: String,
    /// `meta preempt` ("unknown" when absent).
    pub preempt: String,
    /// The model in words (forced threading included).
    pub model: String,
    /// The kernel command line.
    pub cmdline: String,
}

impl Side {
    fn of(h: &Header) -> Side {
        let m = &h.meta;
        Side {
            file: h.file.clone(),
            boot: m.text("boot").into(),
            kernel: m.text("kernel").into(),
            flavour: m.text("flavour").into(),
            accel: accel_label(m.text("accel")).into(),
            vcpus: m.text("vcpus").into(),
            preempt: m.text("preempt").into(),
            model: model_of(
                m.text("preempt"),
                m.get("cmdline").unwrap_or(""),
                m.get("bh_lock").unwrap_or(""),
            ),
            cmdline: m.get("cmdline").unwrap_or("").into(),
        }
    }

    fn rt(&self) -> bool {
        self.preempt == "rt"
    }

    fn words(&self) -> String {
        format!(
            "{} (boot {}, {}, kernel {}, flavour {}, {}, {} vCPUs)",
            self.file, self.boot, self.model, self.kernel, self.flavour, self.accel, self.vcpus
        )
    }
}

/// A header value that differs.
#[derive(Debug, Clone, Serialize)]
pub struct MetaDiff {
    /// What (`kernel`, `model`, ...).
    pub key: String,
    /// In A.
    pub a: String,
    /// In B.
    pub b: String,
}

/// One path and cell, from A to B.
#[derive(Debug, Clone, Serialize)]
pub struct CellChange {
    /// The path.
    pub path: String,
    /// The cell.
    pub cell: String,
    /// Runs with a latency, in A and in B.
    pub n_a: u64,
    /// In B.
    pub n_b: u64,
    /// p50 in A, ns.
    pub p50_a: Option<f64>,
    /// p50 in B, ns.
    pub p50_b: Option<f64>,
    /// p99 in A, ns.
    pub p99_a: Option<f64>,
    /// p99 in B, ns.
    pub p99_b: Option<f64>,
    /// The p50's change: difference (ns) and ratio, with intervals.
    pub p50: Option<Change>,
    /// The p99's.
    pub p99: Option<Change>,
    /// Where the runs took place in A (scenario captures).
    pub places_a: Option<String>,
    /// In B.
    pub places_b: Option<String>,
    /// The share of runs in each context class, A (by the module's name).
    pub shares_a: BTreeMap<String, f64>,
    /// In B.
    pub shares_b: BTreeMap<String, f64>,
    /// The share in `ksoftirqd`, for a path that is a softirq on either
    /// model (by its rule).
    pub ksoftirqd_a: Option<f64>,
    /// In B.
    pub ksoftirqd_b: Option<f64>,
    /// The share of runs that changed place: half the sum of the shares'
    /// absolute differences (0: the same places, 1: none in common).
    pub moved: Option<f64>,
}

/// The smallest p50 factor (B / A, or A / B) the headline names.
pub const HEADLINE_FACTOR: f64 = 2.0;
/// The smallest share of runs that moved place the headline names.
pub const HEADLINE_MOVED: f64 = 0.25;
/// At most this many lines of each kind in the headline.
pub const HEADLINE_MAX: usize = 8;

/// A real-time hog verdict, from A to B.
#[derive(Debug, Clone, Serialize)]
pub struct HogChange {
    /// The path.
    pub path: String,
    /// The hog's SCHED_FIFO priority.
    pub prio: u32,
    /// What the rules predict on A's model.
    pub expected_a: Fate,
    /// What A measured.
    pub measured_a: Fate,
    /// What the rules predict on B's model.
    pub expected_b: Fate,
    /// What B measured.
    pub measured_b: Fate,
}

/// A path's rule on each side's model, where it differs.
#[derive(Debug, Clone, Serialize)]
pub struct RuleChange {
    /// The path.
    pub path: String,
    /// `context=... may_sleep=...` on A's model.
    pub a: String,
    /// On B's.
    pub b: String,
}

/// Cells one capture has and the other lacks, by cell: the paths.
pub type Only = Vec<(String, Vec<String>)>;

/// A difference that passes a `--fail-if` term.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The term, as given.
    pub term: String,
    /// The path.
    pub path: String,
    /// The cell (or `fifoP hog` for a verdict).
    pub cell: String,
    /// The difference, in words.
    pub value: String,
}

/// Everything `compare` found.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// `scenario` or `bench`.
    pub kind: &'static str,
    /// The results version of both.
    pub format_version: u32,
    /// Capture A.
    pub a: Side,
    /// Capture B.
    pub b: Side,
    /// What differs between their headers.
    pub differs: Vec<MetaDiff>,
    /// How the figures and intervals are computed.
    pub method: String,
    /// Per path and cell both hold, in A's order.
    pub cells: Vec<CellChange>,
    /// The hog's verdicts, where both ran it.
    pub hog: Vec<HogChange>,
    /// Rules that differ between the models.
    pub rules: Vec<RuleChange>,
    /// Paths only A measured.
    pub paths_only_a: Vec<String>,
    /// Paths only B measured.
    pub paths_only_b: Vec<String>,
    /// Cells only A has (of paths both measured).
    pub cells_only_a: Only,
    /// Cells only B has.
    pub cells_only_b: Only,
    /// The differences that pass the `--fail-if` terms.
    pub fail_if: Vec<Hit>,
    /// Latency histograms for the page's plots, by path: A's and B's
    /// first cell of the matrix both hold.
    #[serde(skip)]
    plots: Vec<Plot>,
}

/// A path's latency histograms, for a plot: path, cell, A's and B's
/// buckets.
type Plot = (String, String, Vec<(u32, u64)>, Vec<(u32, u64)>);

/// The cells of a scenario capture.
fn scenario_cells(s: &Scenario) -> Vec<Measured> {
    let boot = Boot::of(s);
    s.cells
        .iter()
        .zip(&boot.cells)
        .map(|(c, f)| {
            let label = match c.group {
                Group::Matrix => format!("{} {}", c.rate, c.load.name()),
                Group::RtHog => format!("{} hog {}", c.load.name(), c.rate),
                Group::Overload => format!("overload {:.0}% {}", f.load_pct(), c.rate),
            };
            let a = &c.after.snapshot;
            // A hog cell: the runs of the hog's window (stop - before).
            let window = (c.group == Group::RtHog)
                .then(|| Some((window_hist(c)?, &c.stop.as_ref()?.snapshot)))
                .flatten();
            let (lat, wherein) = match window {
                Some((hist, stop)) => {
                    let before = &c.before.snapshot.wherein;
                    let wherein = stop
                        .wherein
                        .iter()
                        .map(|(w, n)| (*w, n.saturating_sub(before.get(w).copied().unwrap_or(0))))
                        .collect();
                    (Lat::of_buckets(hist), wherein)
                }
                None => {
                    let mut hist = [0; BUCKETS];
                    for (i, n) in &a.hist {
                        hist[(*i as usize).min(BUCKETS - 1)] += n;
                    }
                    let lat = Lat::new(hist, a.latency.min, a.latency.max);
                    (lat, f.wherein.clone())
                }
            };
            let hog = match (c.load, pressure::measured_fate(f)) {
                (crate::results::scenario::Load::Fifo(p), Some(fate)) => Some((p, fate)),
                _ => None,
            };
            Measured {
                path: c.path.clone(),
                label,
                headline: c.group == Group::Matrix,
                lat,
                wherein: Some(wherein),
                hog,
            }
        })
        .collect()
}

/// The latency cells of a bench capture: each path's runs in the
/// accuracy phase (from the trace's `irqdefer_run` events), and the
/// module's histograms of the hist-trigger, timerlat and cyclictest
/// phases (`hb ... src=module`).
fn bench_cells(b: &Bench) -> Vec<Measured> {
    let reg = &b.header.registry;
    let mut out = Vec::new();
    for (path, events) in &b.traces {
        let runs: Vec<u64> = events
            .iter()
            .filter(|e| e.kind == EventKind::Run && e.path == *path)
            .map(|e| e.arg(1).max(0) as u64)
            .collect();
        if !runs.is_empty() {
            out.push(Measured {
                path: path.clone(),
                label: "acc".into(),
                headline: true,
                lat: Lat::of_samples(&runs),
                wherein: None,
                hog: None,
            });
        }
    }
    let mut hb: Vec<(String, [u64; BUCKETS])> = Vec::new();
    for r in b.records("hb").iter().filter(|r| r.word("src") == "module") {
        let cell = r.word("cell");
        let i = match hb.iter().position(|(c, _)| c == cell) {
            Some(i) => i,
            None => {
                hb.push((cell.to_string(), [0; BUCKETS]));
                hb.len() - 1
            }
        };
        hb[i].1[bucket_of(r.num("lo").max(0.0) as u64)] += r.int("count").max(0) as u64;
    }
    for (cell, hist) in hb {
        // The cell's path: the part of its name the registry knows, else
        // timerlat's (`tl.RUN`).
        let parts: Vec<&str> = cell.split('.').collect();
        let path = parts
            .iter()
            .find(|p| reg.get(p).is_some())
            .map(|p| p.to_string())
            .or_else(|| (parts[0] == "tl").then(|| b.header.meta.words("tl_path").join(" ")));
        let Some(path) = path else { continue };
        let rest: Vec<&str> = parts.iter().copied().filter(|p| *p != path).collect();
        let label = match rest[..] {
            [] => "hist".to_string(),
            ["chain"] => "hist chain".to_string(),
            _ => rest.join(" "),
        };
        out.push(Measured {
            path,
            label,
            headline: false,
            lat: Lat::of_buckets(hist),
            wherein: None,
            hog: None,
        });
    }
    out.sort_by_key(|m| reg.position(&m.path));
    out
}

/// The share of runs in each place, by the module's names.
fn shares(w: &BTreeMap<Where, u64>) -> BTreeMap<String, f64> {
    let runs: u64 = w.values().sum();
    w.iter()
        .filter(|(_, n)| **n > 0)
        .map(|(w, n)| (w.name().to_string(), *n as f64 / runs as f64))
        .collect()
}

/// The method, in words: what the figures are and how the intervals are
/// made.
fn method(kind: Capture) -> String {
    let source = match kind {
        Capture::Scenario => {
            "each cell's log2 latency histogram (the after snapshot's hist_* buckets, with \
             lat_min and lat_max; for a real-time hog cell, the runs of the hog's window: the \
             stop snapshot's buckets less the before's)"
        }
        Capture::Bench => {
            "the accuracy phase's runs (the latency of each irqdefer_run event in its trace, \
             bucketed as the module buckets them), and the module's histograms of the \
             hist-trigger, timerlat and cyclictest phases (hb src=module). A bench capture \
             holds no context counts nor hog cells: only latency is compared"
        }
    };
    format!(
        "Latency: p50 and p99 (as the module computes its own, irqdefer_logic::hist::Summary: \
         the bucket the rank falls in, interpolated) of {source}. \
         Change: B - A, and B / A - 1 in percent, each with a {:.0}% percentile bootstrap \
         interval: {BOOT_RESAMPLES} resamples of each histogram on its own (every run \
         weighted by an independent Poisson(1) count, seeded: the same input gives the same \
         interval). The interval treats runs as independent; runs close in time are not \
         quite, and two boots of one kernel differ by more than it says: read it as the \
         least uncertainty there is, and gate on a margin (--fail-if 'p99>+20%'). A cell of \
         few runs (a `single` one: 15 to 50) has a p99 that is its largest run, or nearly. '!' marks a change whose \
         whole interval lies above 0 (B slower), or one that passes --fail-if.",
        LEVEL * 100.0
    )
}

impl Comparison {
    /// Compares A with B.
    pub fn of(a: &Loaded, b: &Loaded) -> Comparison {
        let (ha, hb) = (a.header(), b.header());
        let (sa, sb) = (Side::of(ha), Side::of(hb));
        let kind = a.kind();
        let cells = |l: &Loaded| match l {
            Loaded::Scenario(s) => scenario_cells(s),
            Loaded::Bench(b) => bench_cells(b),
        };
        let (ca, cb) = (cells(a), cells(b));
        let paths = |c: &[Measured]| {
            let mut v: Vec<String> = Vec::new();
            for m in c {
                if !v.contains(&m.path) {
                    v.push(m.path.clone());
                }
            }
            v
        };
        let (pa, pb) = (paths(&ca), paths(&cb));
        let only = |x: &[String], y: &[String]| -> Vec<String> {
            x.iter().filter(|p| !y.contains(p)).cloned().collect()
        };
        let both: Vec<&String> = pa.iter().filter(|p| pb.contains(p)).collect();
        let find = |c: &'_ [Measured], path: &str, label: &str| -> Option<usize> {
            c.iter().position(|m| m.path == path && m.label == label)
        };

        let mut out = Vec::new();
        let mut hog = Vec::new();
        let mut plots: Vec<Plot> = Vec::new();
        for m in ca.iter().filter(|m| both.contains(&&m.path)) {
            let Some(j) = find(&cb, &m.path, &m.label) else {
                continue;
            };
            let n = &cb[j];
            let softirq = [(ha, sa.rt()), (hb, sb.rt())].iter().any(|(h, rt)| {
                h.registry
                    .get(&m.path)
                    .is_some_and(|r| r.context_on(*rt).name == "softirq")
            });
            let (wa, wb) = (m.wherein.as_ref(), n.wherein.as_ref());
            let ksoftirqd = |w: Option<&BTreeMap<Where, u64>>| {
                let w = w?;
                let runs: u64 = w.values().sum();
                (softirq && runs > 0).then(|| {
                    w.get(&Where::SoftirqKsoftirqd).copied().unwrap_or(0) as f64 / runs as f64
                })
            };
            let (sha, shb) = (
                wa.map(shares).unwrap_or_default(),
                wb.map(shares).unwrap_or_default(),
            );
            let moved =
                (wa.is_some() && wb.is_some() && !sha.is_empty() && !shb.is_empty()).then(|| {
                    Where::ALL
                        .iter()
                        .map(|w| {
                            let s =
                                |m: &BTreeMap<String, f64>| m.get(w.name()).copied().unwrap_or(0.0);
                            (s(&sha) - s(&shb)).abs()
                        })
                        .sum::<f64>()
                        / 2.0
                });
            if m.headline && !plots.iter().any(|(p, ..)| *p == m.path) {
                plots.push((
                    m.path.clone(),
                    m.label.clone(),
                    m.lat.buckets(),
                    n.lat.buckets(),
                ));
            }
            if let (Some((prio, fa)), Some((_, fb))) = (m.hog, n.hog) {
                if let (Some(ra), Some(rb)) = (ha.registry.get(&m.path), hb.registry.get(&m.path)) {
                    hog.push(HogChange {
                        path: m.path.clone(),
                        prio,
                        expected_a: pressure::hog(ra, sa.rt(), prio).what,
                        measured_a: fa,
                        expected_b: pressure::hog(rb, sb.rt(), prio).what,
                        measured_b: fb,
                    });
                }
            }
            let changes = quantile_changes(&m.lat, &n.lat);
            out.push(CellChange {
                path: m.path.clone(),
                cell: m.label.clone(),
                n_a: m.lat.count(),
                n_b: n.lat.count(),
                p50_a: m.lat.quantile(500),
                p50_b: n.lat.quantile(500),
                p99_a: m.lat.quantile(990),
                p99_b: n.lat.quantile(990),
                p50: changes.map(|c| c.0),
                p99: changes.map(|c| c.1),
                places_a: wa.map(places),
                places_b: wb.map(places),
                shares_a: sha,
                shares_b: shb,
                ksoftirqd_a: ksoftirqd(wa),
                ksoftirqd_b: ksoftirqd(wb),
                moved,
            });
        }

        let only_cells = |x: &[Measured], y: &[Measured]| -> Only {
            let mut v: Only = Vec::new();
            for m in x.iter().filter(|m| both.contains(&&m.path)) {
                if find(y, &m.path, &m.label).is_some() {
                    continue;
                }
                match v.iter_mut().find(|(l, _)| *l == m.label) {
                    Some((_, ps)) if !ps.contains(&m.path) => ps.push(m.path.clone()),
                    Some(_) => {}
                    None => v.push((m.label.clone(), vec![m.path.clone()])),
                }
            }
            v
        };

        let rules = both
            .iter()
            .filter_map(|p| {
                let (ra, rb) = (ha.registry.get(p)?, hb.registry.get(p)?);
                let rule =
                    |r: &PathRule, rt: bool| (r.context_on(rt).name.clone(), r.may_sleep_on(rt));
                (rule(ra, sa.rt()) != rule(rb, sb.rt())).then(|| RuleChange {
                    path: p.to_string(),
                    a: ra.words_on(sa.rt()),
                    b: rb.words_on(sb.rt()),
                })
            })
            .collect();

        let mut differs = Vec::new();
        for (key, x, y) in [
            ("boot", &sa.boot, &sb.boot),
            ("kernel", &sa.kernel, &sb.kernel),
            ("flavour", &sa.flavour, &sb.flavour),
            ("model", &sa.model, &sb.model),
            ("accel", &sa.accel, &sb.accel),
            ("vcpus", &sa.vcpus, &sb.vcpus),
            ("cmdline", &sa.cmdline, &sb.cmdline),
        ] {
            if x != y {
                differs.push(MetaDiff {
                    key: key.into(),
                    a: x.clone(),
                    b: y.clone(),
                });
            }
        }

        Comparison {
            kind: kind.name(),
            format_version: results::VERSION,
            differs,
            method: method(kind),
            cells_only_a: only_cells(&ca, &cb),
            cells_only_b: only_cells(&cb, &ca),
            paths_only_a: only(&pa, &pb),
            paths_only_b: only(&pb, &pa),
            a: sa,
            b: sb,
            cells: out,
            hog,
            rules,
            fail_if: Vec::new(),
            plots,
        }
    }

    /// Applies a gate: records the differences that pass its terms.
    pub fn gate(&mut self, gate: &Gate) {
        self.fail_if = gate.hits(self);
    }
}

/// What a `--fail-if` term measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// The median latency.
    P50,
    /// The 99th percentile.
    P99,
    /// The share of runs in `ksoftirqd` (softirq paths).
    Ksoftirqd,
    /// The share of runs that changed place.
    Moved,
    /// A path that ran under the real-time hog in A starves in B.
    Starves,
}

/// How a term's amount is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Relative: B / A - 1, as a fraction.
    Rel(f64),
    /// Absolute latency, ns.
    Ns(f64),
    /// A share, in percentage points (as a fraction).
    Points(f64),
    /// No amount (`starves`).
    None,
}

/// One term: a statistic, a direction, an amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// As given.
    pub text: String,
    /// What it measures.
    pub stat: Stat,
    /// `>`: B above A by more than the amount; `<`: below.
    pub above: bool,
    /// The amount.
    pub amount: Amount,
}

/// The `--fail-if` grammar (README.md, "compare"):
///
/// ```text
/// gate   = term ("," term)*                 any term passing fails
/// term   = ("p50" | "p99") op (percent | time)
///        | ("ksoftirqd" | "moved") op points
///        | "starves"
/// op     = ">" | "<"                         B above A / below A
/// percent= ["+" | "-"] NUMBER "%"            relative: B / A - 1
/// time   = ["+" | "-"] NUMBER ("ns" | "us" | "µs" | "ms")   B - A
/// points = ["+" | "-"] NUMBER "pp"           B's share - A's, points
/// ```
///
/// A latency term passes where the whole 95% interval of the change lies
/// beyond the amount (`>`: its low end above it; `<`: its high end
/// below), so that noise alone does not fail a run. Shares are counts of
/// every run, compared as they are. `starves`: a hog cell whose path ran
/// during the hog's window in A and starved in B.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gate {
    /// The terms, of every `--fail-if` given.
    pub terms: Vec<Term>,
}

impl Gate {
    /// Parses the terms of one or more `--fail-if` values.
    pub fn parse(specs: &[String]) -> Result<Gate, String> {
        let mut terms = Vec::new();
        for spec in specs {
            for t in spec.split(',').map(str::trim) {
                terms.push(Term::parse(t)?);
            }
        }
        Ok(Gate { terms })
    }

    /// The differences that pass a term.
    pub fn hits(&self, c: &Comparison) -> Vec<Hit> {
        let mut out = Vec::new();
        for t in &self.terms {
            for x in &c.cells {
                if let Some(value) = t.passes(x) {
                    out.push(Hit {
                        term: t.text.clone(),
                        path: x.path.clone(),
                        cell: x.cell.clone(),
                        value,
                    });
                }
            }
            if t.stat == Stat::Starves {
                for h in &c.hog {
                    if h.measured_a != Fate::Starves && h.measured_b == Fate::Starves {
                        out.push(Hit {
                            term: t.text.clone(),
                            path: h.path.clone(),
                            cell: format!("fifo{} hog", h.prio),
                            value: format!("{} -> starves", h.measured_a.word()),
                        });
                    }
                }
            }
        }
        out
    }
}

impl Term {
    fn parse(s: &str) -> Result<Term, String> {
        let bad = |why: &str| {
            Err(format!(
                "--fail-if `{s}`: {why} (terms: p50|p99 >|< [+-]N% or [+-]N(ns|us|ms), \
                 ksoftirqd|moved >|< [+-]Npp, starves; comma-separated)"
            ))
        };
        if s == "starves" {
            return Ok(Term {
                text: s.into(),
                stat: Stat::Starves,
                above: true,
                amount: Amount::None,
            });
        }
        let Some(at) = s.find(['>', '<']) else {
            return bad("no `>` or `<`");
        };
        let (name, rest) = (s[..at].trim(), &s[at..]);
        let above = rest.starts_with('>');
        let value = rest[1..].trim();
        let stat = match name {
            "p50" => Stat::P50,
            "p99" => Stat::P99,
            "ksoftirqd" => Stat::Ksoftirqd,
            "moved" => Stat::Moved,
            _ => return bad(&format!("unknown statistic `{name}`")),
        };
        let split = value
            .find(|c: char| !(c.is_ascii_digit() || "+-.".contains(c)))
            .unwrap_or(value.len());
        let (num, unit) = value.split_at(split);
        let Ok(n) = num.parse::<f64>() else {
            return bad(&format!("`{value}` does not start with a number"));
        };
        if !n.is_finite() {
            return bad("not a finite number");
        }
        let amount = match (stat, unit) {
            (Stat::P50 | Stat::P99, "%") => Amount::Rel(n / 100.0),
            (Stat::P50 | Stat::P99, "ns") => Amount::Ns(n),
            (Stat::P50 | Stat::P99, "us" | "µs") => Amount::Ns(n * 1e3),
            (Stat::P50 | Stat::P99, "ms") => Amount::Ns(n * 1e6),
            (Stat::Ksoftirqd | Stat::Moved, "pp") => Amount::Points(n / 100.0),
            (Stat::P50 | Stat::P99, _) => return bad("a latency takes %, ns, us or ms"),
            _ => return bad("a share takes pp (percentage points)"),
        };
        Ok(Term {
            text: s.into(),
            stat,
            above,
            amount,
        })
    }

    /// Whether a cell's change passes the term: the difference in words.
    fn passes(&self, x: &CellChange) -> Option<String> {
        let beyond = |lo: f64, hi: f64, bound: f64| {
            if self.above {
                lo > bound
            } else {
                hi < bound
            }
        };
        let change = match self.stat {
            Stat::P50 => x.p50.as_ref(),
            Stat::P99 => x.p99.as_ref(),
            _ => None,
        };
        match (self.stat, self.amount) {
            (Stat::P50 | Stat::P99, Amount::Rel(r)) => {
                let iv = change?.ratio?;
                beyond(iv.lo - 1.0, iv.hi - 1.0, r).then(|| rel_words(&iv))
            }
            (Stat::P50 | Stat::P99, Amount::Ns(ns)) => {
                let iv = change?.diff;
                beyond(iv.lo, iv.hi, ns).then(|| diff_words(&iv))
            }
            (Stat::Ksoftirqd, Amount::Points(p)) => {
                let d = x.ksoftirqd_b? - x.ksoftirqd_a?;
                beyond(d, d, p).then(|| format!("{:+.1} pp", d * 100.0))
            }
            (Stat::Moved, Amount::Points(p)) => {
                let d = x.moved?;
                beyond(d, d, p).then(|| format!("{:.1}% of runs moved", d * 100.0))
            }
            _ => None,
        }
    }
}

/// A relative change with its interval: `+12% [+8, +15]`.
fn rel_words(iv: &Interval) -> String {
    format!(
        "{:+.0}% [{:+.0}, {:+.0}]",
        (iv.est - 1.0) * 100.0,
        (iv.lo - 1.0) * 100.0,
        (iv.hi - 1.0) * 100.0
    )
}

/// A difference of latencies with its interval: `+1.20µs [+0.90µs, +1.50µs]`.
fn diff_words(iv: &Interval) -> String {
    let s = |x: f64| {
        if x < 0.0 {
            format!("-{}", fmt_ns(-x))
        } else {
            format!("+{}", fmt_ns(x))
        }
    };
    format!("{} [{}, {}]", s(iv.est), s(iv.lo), s(iv.hi))
}

/// `A→B` of two latencies.
fn arrow(a: Option<f64>, b: Option<f64>) -> String {
    let f = |x: Option<f64>| x.map_or("-".into(), fmt_ns);
    format!("{}→{}", f(a), f(b))
}

/// `A→B` of two shares, percent.
fn share_arrow(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}→{:.1}", a * 100.0, b * 100.0),
        _ => "-".into(),
    }
}

/// Whether a change is slower in B beyond doubt: the interval above 0.
fn slower(c: Option<&Change>) -> bool {
    c.is_some_and(|c| c.diff.lo > 0.0)
}

impl Comparison {
    /// Whether a cell has a hit of the gate.
    fn hit(&self, x: &CellChange, stat: &str) -> bool {
        self.fail_if
            .iter()
            .any(|h| h.path == x.path && h.cell == x.cell && h.term.starts_with(stat))
    }

    /// Counts for the summary: (higher, lower) by interval, of a quantile.
    fn tally(&self, pick: fn(&CellChange) -> Option<&Change>) -> (usize, usize) {
        let v: Vec<&Change> = self.cells.iter().filter_map(pick).collect();
        (
            v.iter().filter(|c| c.diff.lo > 0.0).count(),
            v.iter().filter(|c| c.diff.hi < 0.0).count(),
        )
    }

    /// The summary, in words: what was compared and what changed.
    pub fn summary(&self) -> String {
        let paths = {
            let mut v: Vec<&str> = self.cells.iter().map(|c| c.path.as_str()).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        let (p50_up, p50_down) = self.tally(|c| c.p50.as_ref());
        let (p99_up, p99_down) = self.tally(|c| c.p99.as_ref());
        let moved = self
            .cells
            .iter()
            .filter(|c| c.moved.is_some_and(|m| m >= 0.1))
            .count();
        let hog = self
            .hog
            .iter()
            .filter(|h| h.measured_a != h.measured_b)
            .count();
        let mut s = format!(
            "{} cells of {paths} paths compared. p50 higher in B in {p50_up} cells, lower in \
             {p50_down} (the 95% interval wholly above or below 0); p99 higher in {p99_up}, \
             lower in {p99_down}.",
            self.cells.len()
        );
        if self.kind == "scenario" {
            s.push_str(&format!(
                " Runs moved place (10% of them or more) in {moved} cells; {hog} of {} \
                 real-time hog verdicts changed.",
                self.hog.len()
            ));
        }
        s
    }

    /// The largest changes, in words, largest first: the cells whose p50
    /// moved by a factor whose whole interval lies beyond
    /// [`HEADLINE_FACTOR`] (either way), then those where at least
    /// [`HEADLINE_MOVED`] of the runs changed place, then the hog verdicts
    /// that changed; at most [`HEADLINE_MAX`] of each.
    pub fn headline(&self) -> Vec<String> {
        let mut latency: Vec<(f64, String)> = self
            .cells
            .iter()
            .filter_map(|x| {
                let r = x.p50.as_ref()?.ratio?;
                let up = r.lo >= HEADLINE_FACTOR;
                let down = r.hi > 0.0 && r.hi <= 1.0 / HEADLINE_FACTOR;
                if !(up || down) || r.est <= 0.0 {
                    return None;
                }
                let factor = if up { r.est } else { 1.0 / r.est };
                let how = if up { "slower" } else { "faster" };
                Some((
                    factor,
                    format!(
                        "{} at {}: p50 {} in B, {factor:.1}× {how} ({})",
                        x.path,
                        x.cell,
                        arrow(x.p50_a, x.p50_b),
                        rel_words(&r)
                    ),
                ))
            })
            .collect();
        latency.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut moved: Vec<(f64, String)> = self
            .cells
            .iter()
            .filter_map(|x| {
                let m = x.moved.filter(|m| *m >= HEADLINE_MOVED)?;
                Some((
                    m,
                    format!(
                        "{} at {}: {:.0}% of the runs changed place ({} → {})",
                        x.path,
                        x.cell,
                        m * 100.0,
                        x.places_a.as_deref().unwrap_or("-"),
                        x.places_b.as_deref().unwrap_or("-")
                    ),
                ))
            })
            .collect();
        moved.sort_by(|a, b| b.0.total_cmp(&a.0));
        let hog = self
            .hog
            .iter()
            .filter(|h| h.measured_a != h.measured_b)
            .map(|h| {
                format!(
                    "{} beside a SCHED_FIFO {} hog: {} in A, {} in B",
                    h.path,
                    h.prio,
                    h.measured_a.word(),
                    h.measured_b.word()
                )
            });
        latency
            .into_iter()
            .take(HEADLINE_MAX)
            .chain(moved.into_iter().take(HEADLINE_MAX))
            .map(|(_, s)| s)
            .chain(hog.take(HEADLINE_MAX))
            .collect()
    }

    /// The latency table.
    pub fn latency_table(&self) -> Table {
        let mut t = Table::new(vec![
            Column::left("path"),
            Column::left("cell"),
            Column::right("n A/B").detail(),
            Column::right("p50 A→B"),
            Column::right("Δp50").long("Δp50, 95% interval").detail(),
            Column::right("Δp50%").long("Δp50 %, 95% interval"),
            Column::right("p99 A→B"),
            Column::right("Δp99").long("Δp99, 95% interval").detail(),
            Column::right("Δp99%").long("Δp99 %, 95% interval"),
        ])
        .titled("Latency, B against A: p50 and p99, their change with its 95% interval");
        for x in &self.cells {
            let rel = |c: Option<&Change>, stat: &str| {
                let text = c
                    .and_then(|c| c.ratio)
                    .map_or("-".into(), |iv| rel_words(&iv));
                Cell::marked(text, slower(c) || self.hit(x, stat))
            };
            let diff = |c: Option<&Change>| c.map_or("-".into(), |c| diff_words(&c.diff));
            t.row(vec![
                Cell::from(&x.path),
                Cell::from(&x.cell),
                Cell::from(format!("{}/{}", x.n_a, x.n_b)),
                Cell::from(arrow(x.p50_a, x.p50_b)),
                Cell::from(diff(x.p50.as_ref())),
                rel(x.p50.as_ref(), "p50"),
                Cell::from(arrow(x.p99_a, x.p99_b)),
                Cell::from(diff(x.p99.as_ref())),
                rel(x.p99.as_ref(), "p99"),
            ]);
        }
        t
    }

    /// Where the runs took place, for the cells where it changed (scenario
    /// captures): none if it changed nowhere, or the captures hold no
    /// context counts.
    pub fn places_table(&self) -> Option<Table> {
        let changed: Vec<&CellChange> = self
            .cells
            .iter()
            .filter(|x| x.places_a != x.places_b || x.ksoftirqd_a != x.ksoftirqd_b)
            .collect();
        if changed.is_empty() {
            return None;
        }
        let mut t = Table::new(vec![
            Column::left("path"),
            Column::left("cell"),
            Column::right("ksirq% A→B").long("ksoftirqd % A→B"),
            Column::right("moved%").long("runs that moved place %"),
            Column::left("context A→B"),
        ])
        .titled(format!(
            "Where the runs took place, B against A: the {} cells where it changed (the              others ran where they did in A)",
            changed.len()
        ));
        for x in changed {
            t.row(vec![
                Cell::from(&x.path),
                Cell::from(&x.cell),
                Cell::marked(
                    share_arrow(x.ksoftirqd_a, x.ksoftirqd_b),
                    self.hit(x, "ksoftirqd"),
                ),
                Cell::marked(
                    x.moved.map_or("-".into(), |m| format!("{:.1}", m * 100.0)),
                    self.hit(x, "moved"),
                ),
                Cell::from(format!(
                    "{} → {}",
                    x.places_a.as_deref().unwrap_or("-"),
                    x.places_b.as_deref().unwrap_or("-")
                )),
            ]);
        }
        t.note(
            "ksirq%: runs in ksoftirqd, for a path that is a softirq on either model (by its \
             rule). moved%: the share of runs whose place changed (half the sum of the \
             differences of the shares per context class).",
        );
        Some(t)
    }

    /// The hog verdicts' table, if both captures ran the hog.
    pub fn hog_table(&self) -> Option<Table> {
        if self.hog.is_empty() {
            return None;
        }
        let mut prios: Vec<u32> = self.hog.iter().map(|h| h.prio).collect();
        prios.sort_unstable();
        prios.dedup();
        let mut cols = vec![Column::left("path")];
        for p in &prios {
            let g = format!("FIFO {p}");
            cols.push(Column::left("measured A→B").group(&g));
            cols.push(Column::left("expected A→B").group(&g).detail());
        }
        let mut t = Table::new(cols).titled(
            "Real-time hog verdicts: whether a bottom half ran while a SCHED_FIFO hog held the \
             raising CPU, A→B ('!': changed; expected: by the kernel's rules on each model)",
        );
        let mut paths: Vec<&str> = Vec::new();
        for h in &self.hog {
            if !paths.contains(&h.path.as_str()) {
                paths.push(&h.path);
            }
        }
        for path in paths {
            let mut row = vec![Cell::from(path)];
            for p in &prios {
                match self.hog.iter().find(|h| h.path == path && h.prio == *p) {
                    Some(h) => {
                        row.push(Cell::marked(
                            format!("{}→{}", h.measured_a.word(), h.measured_b.word()),
                            h.measured_a != h.measured_b,
                        ));
                        row.push(Cell::from(format!(
                            "{}→{}",
                            h.expected_a.word(),
                            h.expected_b.word()
                        )));
                    }
                    None => row.extend([Cell::from("-"), Cell::from("-")]),
                }
            }
            t.row(row);
        }
        Some(t)
    }

    /// The document every format but JSON renders.
    pub fn doc(&self) -> Result<Doc, String> {
        let mut d = Doc::new(format!(
            "irqdefer compare: B = {} against A = {}",
            self.b.boot, self.a.boot
        ));
        d.para(format!("A: {}", self.a.words()));
        d.para(format!("B: {}", self.b.words()));
        if self.differs.is_empty() {
            d.para("Their headers do not differ (the same kernel, model and machine).");
        } else {
            let w: Vec<String> = self
                .differs
                .iter()
                .filter(|m| m.key != "cmdline")
                .map(|m| format!("{} {} → {}", m.key, m.a, m.b))
                .collect();
            let cmdline = self.differs.iter().any(|m| m.key == "cmdline");
            d.para(format!(
                "What differs: {}{}.",
                w.join("; "),
                if cmdline {
                    if w.is_empty() {
                        "the kernel command line"
                    } else {
                        "; the kernel command line"
                    }
                } else {
                    ""
                }
            ));
        }
        d.para(self.summary());
        let headline = self.headline();
        d.heading("The largest changes");
        if headline.is_empty() {
            d.para(format!(
                "No p50 changed by {HEADLINE_FACTOR}× or more (the whole 95% interval), no cell's \
                 runs moved place ({:.0}% or more), no hog verdict changed.",
                HEADLINE_MOVED * 100.0
            ));
        } else {
            d.para(format!(
                "p50 changes of {HEADLINE_FACTOR}× or more (the whole 95% interval), cells where \
                 {:.0}% of the runs or more changed place, changed hog verdicts; at most \
                 {HEADLINE_MAX} of each, largest first:",
                HEADLINE_MOVED * 100.0
            ));
            d.list(headline);
        }
        if !self.fail_if.is_empty() {
            d.heading(format!(
                "--fail-if: {} differences pass",
                self.fail_if.len()
            ));
            let mut t = Table::new(vec![
                Column::left("term"),
                Column::left("path"),
                Column::left("cell"),
                Column::left("change, 95% interval"),
            ]);
            for h in &self.fail_if {
                t.row(crate::cells![
                    h.term.clone(),
                    h.path.clone(),
                    h.cell.clone(),
                    h.value.clone()
                ]);
            }
            d.table(t);
        }
        d.heading("Latency");
        d.table(self.latency_table());
        if let Some(t) = self.places_table() {
            d.heading("Where the runs took place");
            d.table(t);
        }
        if let Some(t) = self.hog_table() {
            d.heading("Real-time hog");
            d.table(t);
        }
        if !self.rules.is_empty() {
            d.heading("Rules that differ between the models");
            let mut t = Table::new(vec![
                Column::left("path"),
                Column::left("A"),
                Column::left("B"),
            ]);
            for r in &self.rules {
                t.row(crate::cells![r.path.clone(), r.a.clone(), r.b.clone()]);
            }
            t.note(
                "The registry's rule (meta path.<name>) on each capture's model: context_rt \
                 and may_sleep_rt on PREEMPT_RT.",
            );
            d.table(t);
        }
        d.heading("Only in one capture");
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        d.para(format!("Paths only in A: {}.", list(&self.paths_only_a)));
        d.para(format!("Paths only in B: {}.", list(&self.paths_only_b)));
        for (side, v) in [("A", &self.cells_only_a), ("B", &self.cells_only_b)] {
            let cells: Vec<String> = v
                .iter()
                .map(|(cell, paths)| format!("{cell} ({} paths)", paths.len()))
                .collect();
            d.para(format!(
                "Cells only in {side} (of the paths both measured): {}.",
                list(&cells)
            ));
        }
        d.heading("Method");
        d.para(self.method.clone());
        for (path, cell, a, b) in &self.plots {
            let series = [
                HistSeries {
                    label: format!("A {}", self.a.boot),
                    colour: 0,
                    hist: a,
                },
                HistSeries {
                    label: format!("B {}", self.b.boot),
                    colour: 2,
                    hist: b,
                },
            ];
            d.svg(plots::histogram(
                &format!("{path}: latency, {cell}"),
                &series,
            )?);
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_parse() {
        let g = Gate::parse(&["p99>+20%, p50<-5us".into(), "ksoftirqd>10pp".into()]).unwrap();
        assert_eq!(g.terms.len(), 3);
        assert_eq!(g.terms[0].stat, Stat::P99);
        assert!(g.terms[0].above);
        assert_eq!(g.terms[0].amount, Amount::Rel(0.2));
        assert!(!g.terms[1].above);
        assert_eq!(g.terms[1].amount, Amount::Ns(-5000.0));
        assert_eq!(g.terms[2].amount, Amount::Points(0.1));
        assert_eq!(
            Gate::parse(&["starves".into()]).unwrap().terms[0].stat,
            Stat::Starves
        );
        for bad in [
            "p99=20%", "p98>1%", "p99>x%", "p99>20pp", "moved>5%", "p50>5s",
        ] {
            let e = Gate::parse(&[bad.into()]).unwrap_err();
            assert!(e.starts_with(&format!("--fail-if `{bad}`")), "{e}");
        }
    }

    #[test]
    fn latency_from_runs() {
        let l = Lat::of_samples(&[1000, 1100, 1200, 5000]);
        assert_eq!(l.count(), 4);
        assert_eq!((l.min, l.max), (1000, 5000));
        assert_eq!(l.quantile(1000), Some(5000.0));
        assert_eq!(Lat::of_samples(&[]).quantile(500), None);
        let b = Lat::of_buckets(l.hist);
        assert_eq!((b.min, b.max), (512, 8191));
    }
}
