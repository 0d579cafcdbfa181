// SPDX-License-Identifier: GPL-2.0

//! The statistics the bench verdicts rest on: medians, nearest-rank
//! percentiles, seeded bootstrap confidence intervals, and the comparison
//! of two sets of rounds against a target.
//!
//! Every verdict rests on a 95% confidence interval, printed with it. A
//! cost is judged on the rounds *paired*: the bench alternates the modes
//! within each round (forward in odd rounds, reversed in even ones), so
//! each round gives one ratio of test to reference taken minutes apart at
//! most, seconds apart in fact; drift of the host (other VMs, TCG's
//! translation cache) cancels in it. The estimate is the median of the
//! per-round ratios, its interval a percentile bootstrap of that median
//! over the rounds ([`BOOT_RESAMPLES`] resamples, a fixed seed: the same
//! input gives the same interval). A target is *met* when the whole
//! interval lies within it, *not met* when the whole interval lies beyond
//! it, and *inconclusive* when the interval straddles it: a verdict that
//! turns up by chance where the truth sits at the target about 2.5% of the
//! time, not one time in three as the old rule (every round of one mode
//! beating every round of the other) did with four rounds over twelve
//! paths.

use serde::Serialize;

/// The median (the mean of the middle two of an even count); `None` when
/// empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    median_sorted(&s)
}

fn median_sorted(s: &[f64]) -> Option<f64> {
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
    }
}

/// The median of a set known not to be empty (0 if it is).
pub fn median0(xs: &[f64]) -> f64 {
    median(xs).unwrap_or(0.0)
}

/// The nearest-rank percentile `q` (0 to 100) of `xs`: the
/// `ceil(n q / 100)`-th smallest, at least the first; `None` when empty.
pub fn percentile(xs: &[f64], q: u32) -> Option<f64> {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        return None;
    }
    let rank = (n * q as usize).div_ceil(100).clamp(1, n);
    Some(s[rank - 1])
}

/// Resamples per bootstrap.
pub const BOOT_RESAMPLES: usize = 4000;
/// The confidence level of every interval.
pub const LEVEL: f64 = 0.95;
/// The bootstraps' seed: the same input gives the same interval.
pub const SEED: u64 = 0x1e9d_efe4_2024_0014;

/// SplitMix64: a small, seeded, portable generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Poisson variate of mean `lambda`: products of uniforms (Knuth)
    /// below 10, else Hörmann's transformed rejection with squeeze (PTRS,
    /// 1993, as numpy draws it). Both are exact.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda < 10.0 {
            let floor = (-lambda).exp();
            let (mut k, mut p) = (0, 1.0);
            loop {
                p *= self.uniform();
                if p <= floor {
                    return k;
                }
                k += 1;
            }
        }
        let (slam, loglam) = (lambda.sqrt(), lambda.ln());
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln()
                <= -lambda + k * loglam - ln_factorial(k)
            {
                return k as u64;
            }
        }
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        // Multiply-shift: bias below 2^-32 for the sizes used here.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// `ln(k!)` for an integer `k >= 0`: Stirling's series past 7, shifted
/// down to `k` below (numpy's `loggam`).
fn ln_factorial(k: f64) -> f64 {
    const A: [f64; 10] = [
        8.333_333_333_333_333e-2,
        -2.777_777_777_777_778e-3,
        7.936_507_936_507_937e-4,
        -5.952_380_952_380_952e-4,
        8.417_508_417_508_418e-4,
        -1.917_526_917_526_918e-3,
        6.410_256_410_256_41e-3,
        -2.955_065_359_477_124e-2,
        1.796_443_723_688_307e-1,
        -1.392_432_216_905_9,
    ];
    let x = k + 1.0;
    if x <= 2.0 {
        return 0.0;
    }
    let shift = if x <= 7.0 { (7.0 - x).floor() } else { 0.0 };
    let mut x0 = x + shift;
    let x2 = 1.0 / (x0 * x0);
    let series = A.iter().rev().fold(0.0, |acc, c| acc * x2 + c);
    let mut gl = series / x0 + 0.5 * (2.0 * std::f64::consts::PI).ln() + (x0 - 0.5) * x0.ln() - x0;
    for _ in 0..shift as u32 {
        gl -= (x0 - 1.0).ln();
        x0 -= 1.0;
    }
    gl
}

/// An estimate with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The estimate.
    pub est: f64,
    /// The interval's lower bound.
    pub lo: f64,
    /// Its upper bound.
    pub hi: f64,
    /// Samples it rests on.
    pub n: usize,
}

impl Interval {
    /// The interval shifted and scaled: `(x + add) * mul` for each bound
    /// (`mul > 0`).
    pub fn map(self, add: f64, mul: f64) -> Interval {
        Interval {
            est: (self.est + add) * mul,
            lo: (self.lo + add) * mul,
            hi: (self.hi + add) * mul,
            n: self.n,
        }
    }

    /// As a relative change in percent: `+4.1% [−1.2, +9.0]`, for a ratio.
    pub fn pct(&self) -> String {
        format!(
            "{:+.1}% [{:+.1}, {:+.1}]",
            (self.est - 1.0) * 100.0,
            (self.lo - 1.0) * 100.0,
            (self.hi - 1.0) * 100.0
        )
    }

    /// As a ratio: `0.82 [0.75, 0.90]`.
    pub fn ratio(&self) -> String {
        format!("{:.2} [{:.2}, {:.2}]", self.est, self.lo, self.hi)
    }

    /// In µs from ns: `+2.1 µs [+1.8, +2.4]`.
    pub fn us(&self) -> String {
        format!(
            "{:+.1} µs [{:+.1}, {:+.1}]",
            self.est / 1e3,
            self.lo / 1e3,
            self.hi / 1e3
        )
    }
}

/// The percentile (0 to 1) `q` of sorted values, by linear interpolation
/// between order statistics.
fn quantile_sorted(s: &[f64], q: f64) -> f64 {
    let n = s.len();
    if n == 1 {
        return s[0];
    }
    let h = q * (n - 1) as f64;
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 >= n {
        s[n - 1]
    } else {
        s[i] + f * (s[i + 1] - s[i])
    }
}

/// The percentile bootstrap interval of `stat` over `xs`: `stat` of
/// [`BOOT_RESAMPLES`] resamples (with replacement, seeded), their
/// 2.5th and 97.5th percentiles. `None` when `xs` is empty.
pub fn bootstrap(xs: &[f64], stat: impl Fn(&mut [f64]) -> f64) -> Option<Interval> {
    if xs.is_empty() {
        return None;
    }
    let mut own = xs.to_vec();
    let est = stat(&mut own);
    let mut rng = Rng::new(SEED);
    let mut buf = vec![0.0; xs.len()];
    let mut stats: Vec<f64> = (0..BOOT_RESAMPLES)
        .map(|_| {
            for b in buf.iter_mut() {
                *b = xs[rng.below(xs.len())];
            }
            stat(&mut buf)
        })
        .collect();
    stats.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    Some(Interval {
        est,
        lo: quantile_sorted(&stats, tail),
        hi: quantile_sorted(&stats, 1.0 - tail),
        n: xs.len(),
    })
}

/// The median, as a bootstrap statistic (sorts its buffer).
pub fn median_of(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    median_sorted(xs).unwrap_or(0.0)
}

/// The bootstrap interval of the median of `xs`.
pub fn median_ci(xs: &[f64]) -> Option<Interval> {
    bootstrap(xs, median_of)
}

/// The paired ratio of `test` to `reference` (the same rounds, in the same
/// order): the median of the per-round ratios and its bootstrap interval.
/// Rounds with a zero reference are left out; `None` if none is left.
pub fn paired_ratio(test: &[f64], reference: &[f64]) -> Option<Interval> {
    let ratios: Vec<f64> = test
        .iter()
        .zip(reference)
        .filter(|(_, r)| **r > 0.0)
        .map(|(t, r)| t / r)
        .collect();
    median_ci(&ratios)
}

/// A histogram: `(lo, hi, count)` buckets, `[lo, hi)`, any order.
pub type Buckets = [(f64, f64, u64)];

/// The quantile `q` (0 to 1) of a bucketed distribution: the bucket holding
/// the rank `max(1, ceil(n q))`, interpolated linearly inside it.
pub fn hist_quantile(b: &Buckets, q: f64) -> Option<f64> {
    let mut s: Vec<(f64, f64, u64)> = b.iter().copied().filter(|x| x.2 > 0).collect();
    s.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n: u64 = s.iter().map(|x| x.2).sum();
    if n == 0 {
        return None;
    }
    let rank = ((n as f64 * q).ceil() as u64).clamp(1, n);
    let mut below = 0;
    for (lo, hi, c) in s {
        if below + c >= rank {
            let f = (rank - below) as f64 / c as f64;
            return Some(lo + f * (hi - lo));
        }
        below += c;
    }
    None
}

/// The samples of a histogram, one value per count at its bucket's
/// middle-rank interpolation: what the bootstraps resample.
fn hist_samples(b: &Buckets) -> Vec<f64> {
    let mut out = Vec::new();
    for &(lo, hi, c) in b {
        for k in 0..c {
            out.push(lo + (k as f64 + 0.5) / c as f64 * (hi - lo));
        }
    }
    out
}

/// The difference of the medians of two histograms (`a − b`) and its
/// bootstrap interval (each resampled on its own, seeded). `None` if
/// either is empty.
pub fn hist_median_diff(a: &Buckets, b: &Buckets) -> Option<Interval> {
    median_diff(&hist_samples(a), &hist_samples(b))
}

/// A change from `a` to `b`: the difference `b − a` and the ratio `b / a`,
/// each with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// `b − a`.
    pub diff: Interval,
    /// `b / a`; none where `a` is 0.
    pub ratio: Option<Interval>,
}

/// The changes of statistics of a histogram (`stat_a` of `a`'s counts per
/// bucket, `stat_b` of `b`'s: the same statistics, each knowing its own
/// histogram's buckets and bounds; none when it has no samples) from `a`
/// to `b`, one per statistic, with percentile bootstrap intervals. Each
/// resample weights every sample by an independent Poisson(1) count (the
/// Poisson bootstrap, which stands for drawing `n` with replacement as `n`
/// grows): a bucket holding `c` samples holds Poisson(`c`) in the
/// resample, so that a resample costs a draw per bucket, not per sample.
/// [`BOOT_RESAMPLES`] resamples of each histogram on its own, seeded; a
/// resample left empty is skipped. `None` if either histogram has no
/// samples.
pub fn hist_changes(
    a: &[u64],
    b: &[u64],
    stat_a: impl Fn(&[u64]) -> Option<Vec<f64>>,
    stat_b: impl Fn(&[u64]) -> Option<Vec<f64>>,
) -> Option<Vec<Change>> {
    let (ea, eb) = (stat_a(a)?, stat_b(b)?);
    let k = ea.len().min(eb.len());
    let mut rng = Rng::new(SEED);
    let (mut ra, mut rb) = (vec![0; a.len()], vec![0; b.len()]);
    let (mut diffs, mut ratios) = (vec![Vec::new(); k], vec![Vec::new(); k]);
    for _ in 0..BOOT_RESAMPLES {
        for (r, c) in ra.iter_mut().zip(a).chain(rb.iter_mut().zip(b)) {
            *r = rng.poisson(*c as f64);
        }
        let (Some(x), Some(y)) = (stat_a(&ra), stat_b(&rb)) else {
            continue;
        };
        for i in 0..k {
            diffs[i].push(y[i] - x[i]);
            if x[i] > 0.0 {
                ratios[i].push(y[i] / x[i]);
            }
        }
    }
    let n = a.iter().sum::<u64>().min(b.iter().sum()) as usize;
    let interval = |est: f64, v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let tail = (1.0 - LEVEL) / 2.0;
        let (lo, hi) = if v.is_empty() {
            (est, est)
        } else {
            (quantile_sorted(v, tail), quantile_sorted(v, 1.0 - tail))
        };
        Interval { est, lo, hi, n }
    };
    Some(
        (0..k)
            .map(|i| Change {
                diff: interval(eb[i] - ea[i], &mut diffs[i]),
                ratio: (ea[i] > 0.0).then(|| interval(eb[i] / ea[i], &mut ratios[i])),
            })
            .collect(),
    )
}

/// The difference of the medians of two samples (`a − b`) and its
/// bootstrap interval (each resampled on its own, seeded).
pub fn median_diff(a: &[f64], b: &[f64]) -> Option<Interval> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let est = median0(a) - median0(b);
    let mut rng = Rng::new(SEED);
    let (mut ba, mut bb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    // Fewer resamples for large samples: the interval is narrow there.
    let k = (BOOT_RESAMPLES * 64 / (a.len() + b.len()).max(64)).clamp(500, BOOT_RESAMPLES);
    let mut d: Vec<f64> = (0..k)
        .map(|_| {
            for x in ba.iter_mut() {
                *x = a[rng.below(a.len())];
            }
            for x in bb.iter_mut() {
                *x = b[rng.below(b.len())];
            }
            median_of(&mut ba) - median_of(&mut bb)
        })
        .collect();
    d.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    Some(Interval {
        est,
        lo: quantile_sorted(&d, tail),
        hi: quantile_sorted(&d, 1.0 - tail),
        n: a.len().min(b.len()),
    })
}

/// How a measured change compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The whole interval within the target.
    Met,
    /// The whole interval beyond the target.
    #[serde(rename = "not met")]
    NotMet,
    /// The interval straddles the target: within the noise.
    Inconclusive,
    /// Nothing to compare (a median of 0).
    Unresolved,
}

impl Status {
    /// Where an interval `[lo, hi]` lies against the acceptable range
    /// `[min, max]`: met inside, not met wholly outside, else
    /// inconclusive.
    pub fn of(iv: &Interval, min: f64, max: f64) -> Status {
        if iv.lo >= min && iv.hi <= max {
            Status::Met
        } else if iv.hi < min || iv.lo > max {
            Status::NotMet
        } else {
            Status::Inconclusive
        }
    }

    /// The word the report uses.
    pub fn word(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "NOT MET",
            Status::Inconclusive => "inconclusive",
            Status::Unresolved => "unresolved",
        }
    }
}

/// A verdict on `test` rounds against `ref` rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// The relative change, the median of the per-round ratios less 1.
    pub change: Option<f64>,
    /// The ratio's 95% interval.
    pub ci: Option<Interval>,
    /// The verdict in words, with its figure and interval.
    pub verdict: String,
}

/// Which way a change is worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    /// Less is worse (runs per second).
    Less,
    /// More is worse (CPU per run).
    More,
}

/// A verdict on `test` rounds against `reference` rounds, round by round
/// (the same order), within `target` (a fraction): the median per-round
/// ratio and its interval; met when the interval lies within the target,
/// not met when it lies wholly beyond it. `basis` names the figure
/// (`runs/s`, `CPU/run`).
pub fn judge(test: &[f64], reference: &[f64], target: f64, basis: &str, worse: Worse) -> Verdict {
    let Some(iv) = paired_ratio(test, reference).filter(|iv| iv.est > 0.0) else {
        return Verdict {
            status: Status::Unresolved,
            change: None,
            ci: None,
            verdict: "unresolved (CPU cost below the idle noise)".into(),
        };
    };
    let (min, max) = match worse {
        Worse::More => (0.0, 1.0 + target),
        Worse::Less => (1.0 - target, f64::INFINITY),
    };
    // One round gives no interval, so no verdict either way.
    let status = match Status::of(&iv, min, max) {
        Status::NotMet | Status::Met if iv.n < 2 => Status::Inconclusive,
        st => st,
    };
    let rounds = if iv.n < 2 {
        format!("; {} round: no interval", iv.n)
    } else {
        String::new()
    };
    Verdict {
        status,
        change: Some(iv.est - 1.0),
        ci: Some(iv),
        verdict: format!("{} ({basis} {}{rounds})", status.word(), iv.pct()),
    }
}

/// A verdict on the share of CPU per run that a closely known cost takes:
/// `cost_ns` (the module's own timing of what `full` adds, within
/// `±spread` of it, a fraction) against the CPU per run measured per round
/// (`per_run_us`, from `/proc/stat`), as `cost / per run` against
/// `target`. Its interval: the cost's range over the bootstrap interval of
/// the per-run median. Met when it lies at or below `target`, not met when
/// above, inconclusive when it holds it; unresolved when the CPU per run
/// is not above the idle noise.
pub fn judge_share(cost_ns: f64, spread: f64, per_run_us: &[f64], target: f64) -> Verdict {
    let Some(per_run) = median_ci(per_run_us).filter(|iv| iv.lo > 0.0) else {
        return Verdict {
            status: Status::Unresolved,
            change: None,
            ci: None,
            verdict: "unresolved (CPU per run below the idle noise)".into(),
        };
    };
    let share = Interval {
        est: cost_ns / 1e3 / per_run.est,
        lo: cost_ns * (1.0 - spread) / 1e3 / per_run.hi,
        hi: cost_ns * (1.0 + spread) / 1e3 / per_run.lo,
        n: per_run.n,
    };
    let status = if share.hi <= target {
        Status::Met
    } else if share.lo > target {
        Status::NotMet
    } else {
        Status::Inconclusive
    };
    Verdict {
        status,
        change: Some(share.est),
        ci: Some(share),
        verdict: format!(
            "{} ({:.0} ns of {:.1} µs per run: {:.1}% [{:.1}, {:.1}])",
            status.word(),
            cost_ns,
            per_run.est,
            share.est * 100.0,
            share.lo * 100.0,
            share.hi * 100.0
        ),
    }
}

/// A verdict on the ratio `test / reference` per round against 1: met
/// when the interval lies below 1 (the test costs less), not met when it
/// lies above, inconclusive when it holds 1.
pub fn judge_below_one(test: &[f64], reference: &[f64]) -> Verdict {
    let Some(iv) = paired_ratio(test, reference).filter(|iv| iv.est > 0.0) else {
        return Verdict {
            status: Status::Unresolved,
            change: None,
            ci: None,
            verdict: "unresolved (CPU cost below the idle noise)".into(),
        };
    };
    let status = if iv.hi < 1.0 {
        Status::Met
    } else if iv.lo > 1.0 {
        Status::NotMet
    } else {
        Status::Inconclusive
    };
    Verdict {
        status,
        change: Some(iv.est - 1.0),
        ci: Some(iv),
        verdict: format!("{} (×{})", status.word(), iv.ratio()),
    }
}

/// A verdict on a signed offset (its interval, ns) against `±bound`:
/// met when the interval lies within it, not met when wholly outside.
pub fn judge_offset(iv: &Interval, bound: f64) -> (Status, String) {
    let st = Status::of(iv, -bound, bound);
    (
        st,
        format!(
            "{} (offset {}; bound ±{:.1} µs)",
            st.word(),
            iv.us(),
            bound / 1e3
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 99), Some(99.0));
        assert_eq!(percentile(&xs, 50), Some(50.0));
        assert_eq!(percentile(&[7.0], 99), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0], 0), Some(1.0));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn verdict_rules() {
        // One round: no interval, no verdict.
        let v = judge(&[90.0], &[100.0], 0.05, "runs/s", Worse::Less);
        assert_eq!(v.status, Status::Inconclusive);
        assert!((v.change.unwrap() + 0.1).abs() < 1e-12);
        assert_eq!(
            v.verdict,
            "inconclusive (runs/s -10.0% [-10.0, -10.0]; 1 round: no interval)"
        );
        // Paired rounds: the second round's reference is high, the test
        // follows it; the ratios are steady, the verdict met.
        let test = [101.0, 202.0, 99.0, 198.0, 100.0, 201.0, 100.0, 199.0];
        let reference = [100.0, 200.0, 100.0, 200.0, 100.0, 200.0, 100.0, 200.0];
        let v = judge(&test, &reference, 0.05, "CPU/run", Worse::More);
        assert_eq!(v.status, Status::Met);
        let iv = v.ci.unwrap();
        assert!(iv.lo >= 0.98 && iv.hi <= 1.02, "{iv:?}");
        // The same values unpaired would straddle anything: the pairing is
        // what makes the verdict.
        // A cost clearly over the target, every round: not met.
        let test = [1.12, 1.2, 1.15, 1.18, 1.1, 1.22, 1.16, 1.14];
        let v = judge(&test, &[1.0; 8], 0.05, "CPU/run", Worse::More);
        assert_eq!(v.status, Status::NotMet);
        // Straddling the target: inconclusive.
        let test = [0.98, 1.12, 1.01, 1.09, 1.03, 1.07, 0.99, 1.1];
        let v = judge(&test, &[1.0; 8], 0.05, "CPU/run", Worse::More);
        assert_eq!(v.status, Status::Inconclusive);
        assert!(v.verdict.starts_with("inconclusive (CPU/run +"));
        let v = judge(&[0.0], &[0.0], 0.05, "CPU/run", Worse::More);
        assert_eq!(v.status, Status::Unresolved);
        // Below one: met only when the whole interval is.
        let v = judge_below_one(&[0.5, 0.6, 0.55, 0.52], &[1.0; 4]);
        assert_eq!(v.status, Status::Met);
        assert!(v.verdict.starts_with("met (×0.5"), "{}", v.verdict);
        let v = judge_below_one(&[0.9, 1.1, 0.95, 1.05], &[1.0; 4]);
        assert_eq!(v.status, Status::Inconclusive);
        let v = judge_below_one(&[1.3, 1.4, 1.5, 1.35], &[1.0; 4]);
        assert_eq!(v.status, Status::NotMet);
    }

    #[test]
    fn bootstrap_is_seeded_and_covers() {
        let xs: Vec<f64> = (1..=9).map(f64::from).collect();
        let a = median_ci(&xs).unwrap();
        let b = median_ci(&xs).unwrap();
        assert_eq!(a, b, "the same input, the same interval");
        assert_eq!(a.est, 5.0);
        assert!(a.lo < 5.0 && a.hi > 5.0 && a.lo >= 1.0 && a.hi <= 9.0);
        // Coverage: over many normal-ish samples of 8 rounds, the
        // interval of the median holds the true median (0) most of the
        // time. A percentile bootstrap of a median of 8 undercovers a
        // little; it must stay near the nominal 95%.
        let mut rng = Rng::new(7);
        let mut hits = 0;
        let trials = 300;
        for _ in 0..trials {
            let xs: Vec<f64> = (0..8)
                .map(|_| {
                    (0..12)
                        .map(|_| rng.below(1000) as f64 / 1000.0)
                        .sum::<f64>()
                        - 6.0
                })
                .collect();
            let iv = median_ci(&xs).unwrap();
            hits += usize::from(iv.lo <= 0.0 && iv.hi >= 0.0);
        }
        let cover = hits as f64 / trials as f64;
        assert!(cover > 0.85, "coverage {cover}");
        // A false "not met" where the truth sits at the target is rare:
        // rounds of ratio 1.05 with noise, judged against +5%.
        let mut false_not_met = 0;
        for _ in 0..trials {
            let test: Vec<f64> = (0..8)
                .map(|_| 1.05 * (1.0 + (rng.below(2001) as f64 - 1000.0) / 10000.0))
                .collect();
            let v = judge(&test, &[1.0; 8], 0.05, "CPU/run", Worse::More);
            false_not_met += usize::from(v.status == Status::NotMet);
        }
        assert!(
            (false_not_met as f64) < 0.1 * trials as f64,
            "{false_not_met} of {trials}"
        );
    }

    #[test]
    fn poisson_draws() {
        let mut rng = Rng::new(3);
        for lambda in [0.5, 4.0, 30.0, 2500.0] {
            let n = 20_000;
            let xs: Vec<f64> = (0..n).map(|_| rng.poisson(lambda) as f64).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            // The mean within 4 standard errors; the variance near lambda.
            assert!(
                (mean - lambda).abs() < 4.0 * (lambda / n as f64).sqrt(),
                "{lambda}: {mean}"
            );
            assert!((var / lambda - 1.0).abs() < 0.06, "{lambda}: {var}");
        }
        assert_eq!(rng.poisson(0.0), 0);
        // ln k! against the product.
        let mut f = 1.0f64;
        for k in 1..=30 {
            f *= f64::from(k);
            assert!((ln_factorial(f64::from(k)) - f.ln()).abs() < 1e-9, "{k}");
        }
        assert_eq!(ln_factorial(0.0), 0.0);
    }

    #[test]
    fn histogram_changes() {
        // The median bucket of counts: a histogram against itself changes
        // by 0, and the interval holds 0.
        let median_bucket = |h: &[u64]| {
            let n: u64 = h.iter().sum();
            let mut seen = 0;
            (n > 0).then(|| {
                h.iter()
                    .position(|c| {
                        seen += c;
                        2 * seen >= n
                    })
                    .unwrap_or(0) as f64
            })
        };
        let a = [0, 10, 200, 300, 100, 5];
        let stat = |h: &[u64]| median_bucket(h).map(|m| vec![m]);
        let c = hist_changes(&a, &a, stat, stat).unwrap()[0];
        assert_eq!(c.diff.est, 0.0);
        assert!(c.diff.lo <= 0.0 && c.diff.hi >= 0.0, "{c:?}");
        assert_eq!(c.ratio.unwrap().est, 1.0);
        // Moved up two buckets: the interval excludes 0.
        let b = [0, 0, 0, 10, 200, 300, 100, 5];
        let c = hist_changes(&a, &b, stat, stat).unwrap()[0];
        assert_eq!(c.diff.est, 2.0);
        assert!(c.diff.lo > 0.0, "{c:?}");
        assert!(hist_changes(&[0, 0], &a, stat, stat).is_none());
    }

    #[test]
    fn histograms() {
        // 10 samples in [0, 10), 10 in [10, 20): the median is the 10th,
        // at the top of the first bucket.
        let b = [(10.0, 20.0, 10), (0.0, 10.0, 10)];
        assert_eq!(hist_quantile(&b, 0.5), Some(10.0));
        assert_eq!(hist_quantile(&b, 0.05), Some(1.0));
        assert_eq!(hist_quantile(&[], 0.5), None);
        // Two histograms 5 apart: the difference's interval holds 5.
        let a = [(10.0, 11.0, 200), (11.0, 12.0, 200)];
        let c = [(5.0, 6.0, 200), (6.0, 7.0, 200)];
        let d = hist_median_diff(&a, &c).unwrap();
        assert!((d.est - 5.0).abs() < 0.1, "{d:?}");
        assert!(d.lo <= 5.0 && d.hi >= 5.0 && d.hi - d.lo < 0.5, "{d:?}");
        // An offset judged against a bound.
        let iv = Interval {
            est: 1500.0,
            lo: 1200.0,
            hi: 1800.0,
            n: 100,
        };
        assert_eq!(judge_offset(&iv, 2000.0).0, Status::Met);
        assert_eq!(judge_offset(&iv, 1000.0).0, Status::NotMet);
        assert_eq!(judge_offset(&iv, 1500.0).0, Status::Inconclusive);
        assert_eq!(
            judge_offset(&iv, 2000.0).1,
            "met (offset +1.5 µs [+1.2, +1.8]; bound ±2.0 µs)"
        );
    }
}
