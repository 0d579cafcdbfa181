// SPDX-License-Identifier: GPL-2.0

//! The statistics the bench verdicts rest on: medians, nearest-rank
//! percentiles, and the comparison of two sets of rounds against a target.

use serde::Serialize;

/// The median (the mean of the middle two of an even count); `None` when
/// empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
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

/// How a measured change compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Within the target.
    Met,
    /// Over the target, every round of one side worse than every round of
    /// the other.
    #[serde(rename = "not met")]
    NotMet,
    /// Over the target, the rounds overlapping: within the noise.
    Inconclusive,
    /// Nothing to compare (a median of 0).
    Unresolved,
}

/// A verdict on `test` rounds against `ref` rounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// The relative change of the medians (`test / ref - 1`).
    pub change: Option<f64>,
    /// Half the spread of the reference rounds, relative to their median.
    pub noise: Option<f64>,
    /// The verdict in words, with its figure.
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

/// A verdict on `test` rounds against `reference` rounds, within `target`
/// (a fraction). The change is of the medians; over target it is not met
/// only if every test round is worse than every reference round, else the
/// rounds overlap and the figure is within the round-to-round noise.
/// `basis` names the figure (`runs/s`, `CPU/run`).
pub fn judge(test: &[f64], reference: &[f64], target: f64, basis: &str, worse: Worse) -> Verdict {
    let (mt, mr) = (median0(test), median0(reference));
    if mt == 0.0 || mr == 0.0 {
        return Verdict {
            status: Status::Unresolved,
            change: None,
            noise: None,
            verdict: "unresolved (CPU cost below the idle noise)".into(),
        };
    }
    let change = mt / mr - 1.0;
    let lo = reference.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = reference.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let noise = (hi - lo) / 2.0 / mr;
    let (separated, by) = match worse {
        Worse::More => (test.iter().all(|t| *t > hi), change),
        Worse::Less => (test.iter().all(|t| *t < lo), -change),
    };
    let fig = format!("{basis} {:+.1}%", change * 100.0);
    let (status, verdict) = if by <= target {
        if noise > target {
            (
                Status::Met,
                format!("met ({fig}; noise ±{:.0}%)", noise * 100.0),
            )
        } else {
            (Status::Met, format!("met ({fig})"))
        }
    } else if separated {
        (Status::NotMet, format!("NOT MET ({fig})"))
    } else {
        (
            Status::Inconclusive,
            format!(
                "inconclusive ({fig}, rounds overlap; noise ±{:.0}%)",
                noise * 100.0
            ),
        )
    };
    Verdict {
        status,
        change: Some(change),
        noise: Some(noise),
        verdict,
    }
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
        // One round: any loss over the target is "not met", never noise.
        let v = judge(&[90.0], &[100.0], 0.05, "runs/s", Worse::Less);
        assert_eq!(v.status, Status::NotMet);
        assert!((v.change.unwrap() + 0.1).abs() < 1e-12);
        assert_eq!(v.verdict, "NOT MET (runs/s -10.0%)");
        let v = judge(&[96.0], &[100.0], 0.05, "runs/s", Worse::Less);
        assert_eq!(
            (v.status, v.verdict.as_str()),
            (Status::Met, "met (runs/s -4.0%)")
        );
        // Overlapping rounds: a median loss over the target is inconclusive.
        let v = judge(
            &[80.0, 95.0, 120.0],
            &[90.0, 100.0, 110.0],
            0.05,
            "runs/s",
            Worse::Less,
        );
        assert_eq!(v.status, Status::Inconclusive);
        assert_eq!(
            v.verdict,
            "inconclusive (runs/s -5.0%, rounds overlap; noise ±10%)"
        );
        // Every full round costlier than every count round: not met.
        let v = judge(
            &[12.0, 13.0, 14.0],
            &[10.0, 10.5, 11.0],
            0.05,
            "CPU/run",
            Worse::More,
        );
        assert_eq!(v.status, Status::NotMet);
        // Met, but the reference is noisier than the target.
        let v = judge(&[100.0], &[80.0, 100.0, 120.0], 0.05, "runs/s", Worse::Less);
        assert_eq!(v.verdict, "met (runs/s +0.0%; noise ±20%)");
        let v = judge(&[0.0], &[0.0], 0.05, "CPU/run", Worse::More);
        assert_eq!(v.status, Status::Unresolved);
    }
}
