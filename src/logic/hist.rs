// SPDX-License-Identifier: GPL-2.0

//! The log2 latency histogram, and the summary a reader makes of it.
//!
//! Writers count each latency in its bucket ([`bucket_of`]) of a per-CPU
//! histogram, and keep per-CPU smallest, largest and sum. A reader sums
//! these over CPUs with separate loads while writers run and `reset`
//! zeroes them, so what it gets may be torn: a histogram from before a
//! reset and `min`/`max` from after, `min > max`, counts that agree with
//! nothing. [`Summary`] takes any such input without panicking and gives
//! values that stay within what the histogram says.

/// Buckets of the histogram.
pub const BUCKETS: usize = 64;

/// The last bucket, which also holds every value past it.
const LAST: usize = BUCKETS - 1;

/// The bucket of a latency of `ns` ns: bucket 0 holds `0`, bucket `i`
/// (`1 <= i <= 63`) holds `2^(i-1) <= ns < 2^i`, and the last bucket (63)
/// also holds everything from `2^63` up.
pub fn bucket_of(ns: u64) -> usize {
    // The bit length of `ns`, 0 to 64: lossless into usize.
    let bits = u64::BITS.saturating_sub(ns.leading_zeros()) as usize;
    bits.min(LAST)
}

/// The smallest and largest value (both inclusive) of bucket `i`: `(0, 0)`
/// for bucket 0, `(2^(i-1), 2^i - 1)` for `1 <= i < 63`, and `(2^62,
/// u64::MAX)` for the last bucket. Any `i` past the last is the last.
pub fn bounds(i: usize) -> (u64, u64) {
    let i = i.min(LAST);
    if i == 0 {
        return (0, 0);
    }
    // Lossless: 1 <= i <= 63. `ones` is 2^i - 1.
    let ones = u64::MAX.checked_shl(i as u32).map_or(u64::MAX, |m| !m);
    // The top bit of `ones`: 2^(i-1).
    let lo = ones ^ (ones >> 1);
    let hi = if i == LAST { u64::MAX } else { ones };
    (lo, hi)
}

/// A latency summary, in ns, made by a reader from possibly torn loads.
///
/// # Error bound of [`Summary::quantile`]
///
/// Say the inputs are consistent: `hist` counts a multiset `S` of samples
/// by [`bucket_of`], and `min` and `max` are its smallest and largest
/// sample. For a quantile `p` (per mille, at most 1000), let `rank =
/// max(1, ceil(count * p / 1000))` and let the *exact quantile* be the
/// `rank`-th smallest sample of `S`. It lies in the bucket `i` where the
/// cumulative count first reaches `rank`, `[lo, hi]` = [`bounds`]`(i)`,
/// and between `min` and `max`: in `[A, B] = [max(lo, min), min(hi,
/// max)]`. The estimate is chosen in that same interval, so
///
/// `|estimate - exact| <= B - A < B - A + 1`,
///
/// the width of the interval (the number of ns values it holds). As `B -
/// A <= hi - lo = lo - 1 < exact` below the last bucket, the error is less
/// than the exact value itself: the two are within a factor of 2. The
/// estimate is exact in bucket 0, when `A == B`, and for the rank of the
/// smallest or largest sample (`p = 0` gives `min`, `p = 1000` gives `max`).
///
/// Inside `[A, B]`, the estimate is the expected `k`-th of the bucket's `n`
/// samples if those not known to be `min` or `max` were spread uniformly:
/// for samples uniform on 1 to 100 µs, p90 reads within 1% of the exact
/// value.
///
/// With torn inputs nothing is exact, but nothing panics: every quantile
/// lies within [`bounds`] of the bucket that the rank falls in, or is `0`
/// when the histogram is empty. Quantiles never decrease as `p` grows.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Summary {
    /// The histogram: `hist[i]` samples in bucket `i`, see [`bucket_of`].
    pub hist: [u64; BUCKETS],
    /// Number of samples: the sum of `hist`, saturating.
    pub count: u64,
    /// Smallest sample (0 when there are none).
    pub min: u64,
    /// Mean: the sum of the samples divided by `count`, rounded down (0 when
    /// there are none).
    pub mean: u64,
    /// Largest sample (0 when there are none).
    pub max: u64,
}

impl Summary {
    /// The summary of a histogram and the smallest (`u64::MAX` when none
    /// was recorded), largest and sum of the samples, as loaded, torn or
    /// not.
    pub fn new(hist: [u64; BUCKETS], min: u64, max: u64, sum: u64) -> Self {
        let count = hist.iter().fold(0u64, |acc, &n| acc.saturating_add(n));
        let (min, max) = if count == 0 { (0, 0) } else { (min, max) };
        Self {
            hist,
            count,
            min,
            mean: sum.checked_div(count).unwrap_or(0),
            max,
        }
    }

    /// The `per_mille`-th per-mille quantile (500: the median; values past
    /// 1000 are 1000), from the histogram, interpolated inside the part of
    /// its bucket that lies between `min` and `max`. `0` when there are no
    /// samples. See the error bound in [`Summary`].
    pub fn quantile(&self, per_mille: u64) -> u64 {
        let Some(rank) = rank(self.count, per_mille) else {
            return 0;
        };
        let mut seen = 0u64;
        let mut last = None;
        for (i, &n) in self.hist.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let through = seen.saturating_add(n);
            if through >= rank {
                // 1 <= rank - seen <= n.
                return self.interpolate(i, n, rank.saturating_sub(seen));
            }
            seen = through;
            last = Some((i, n));
        }
        // Only if `count` was set above the sum of `hist`: the top sample.
        last.map_or(0, |(i, n)| self.interpolate(i, n, n))
    }

    /// The estimate of the `k`-th smallest (`1 <= k <= n`) of the `n`
    /// samples in bucket `i`.
    fn interpolate(&self, i: usize, n: u64, k: u64) -> u64 {
        let (lo, hi) = bounds(i);
        let (min, max) = (self.min, self.max);
        // [a, b]: where the bucket's samples can be. `first`: the bucket
        // holds the smallest sample, which is `a`; `last`: the largest,
        // which is `b`. Torn bounds (min > max, or missing the bucket)
        // say nothing: the whole bucket.
        let (a, b, first, last) = if min <= max && min <= hi && max >= lo {
            (min.max(lo), max.min(hi), min >= lo, max <= hi)
        } else {
            (lo, hi, false, false)
        };
        // The samples other than a known smallest and largest, spread
        // uniformly on [a, b]: the k-th is expected at `a + (b - a) * (k -
        // first) / (n + 1 - first - last)`.
        let span = b.saturating_sub(a);
        let num = k.saturating_sub(u64::from(first));
        let den = n
            .saturating_add(1)
            .saturating_sub(u64::from(first))
            .saturating_sub(u64::from(last));
        a.saturating_add(mul_div(span, num, den).min(span))
    }
}

/// The 1-based rank of the `per_mille` quantile of `count` samples:
/// `max(1, ceil(count * per_mille / 1000))`, `per_mille` capped at 1000,
/// computed without overflow. `None` when `count` is 0.
fn rank(count: u64, per_mille: u64) -> Option<u64> {
    if count == 0 {
        return None;
    }
    let p = per_mille.min(1000);
    // count = 1000 q + r, so ceil(count * p / 1000) = q p + ceil(r p / 1000),
    // where q p <= count and r p < 10^6.
    let (q, r) = (count / 1000, count % 1000);
    let whole = q.saturating_mul(p);
    let part = r.saturating_mul(p).div_ceil(1000);
    Some(whole.saturating_add(part).max(1))
}

/// `floor(x * y / z)`, exactly, for `y <= z` (so that it fits: at most
/// `x`); `0` if `z` is 0. Without 128-bit division, which the kernel lacks
/// (`__udivti3`): a 64-bit product when it fits, else a 128-bit product in
/// two `u64` halves and a restoring long division.
fn mul_div(x: u64, y: u64, z: u64) -> u64 {
    if z == 0 {
        return 0;
    }
    if let Some(p) = x.checked_mul(y) {
        return p.checked_div(z).unwrap_or(0);
    }
    let (hi, lo) = mul_wide(x, y);
    if hi >= z {
        // The quotient would not fit: only when y > z, against the contract.
        return x;
    }
    // Long division of hi:lo by z, one bit of lo at a time; `rem < z`
    // throughout, and the quotient fits in 64 bits as hi < z.
    let (mut rem, mut quo) = (hi, 0u64);
    for bit in (0..u64::BITS).rev() {
        let carry = rem >> 63 != 0;
        rem = (rem << 1) | ((lo >> bit) & 1);
        quo <<= 1;
        // `carry`: the true remainder is 2^64 + rem >= z.
        if carry || rem >= z {
            rem = rem.wrapping_sub(z);
            quo |= 1;
        }
    }
    quo
}

/// The 128-bit product `x * y` as `(high, low)` 64-bit halves, from four
/// 32 x 32-bit products (none of the sums below can overflow).
fn mul_wide(x: u64, y: u64) -> (u64, u64) {
    const LOW: u64 = u32::MAX as u64;
    let (x1, x0) = (x >> 32, x & LOW);
    let (y1, y0) = (y >> 32, y & LOW);
    let p00 = x0.wrapping_mul(y0);
    let p01 = x0.wrapping_mul(y1);
    let p10 = x1.wrapping_mul(y0);
    let p11 = x1.wrapping_mul(y1);
    // Below 3 * 2^32.
    let mid = (p00 >> 32).wrapping_add(p01 & LOW).wrapping_add(p10 & LOW);
    let lo = (mid << 32) | (p00 & LOW);
    let hi = p11
        .wrapping_add(p01 >> 32)
        .wrapping_add(p10 >> 32)
        .wrapping_add(mid >> 32);
    (hi, lo)
}
