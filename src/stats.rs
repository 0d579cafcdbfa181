// SPDX-License-Identifier: GPL-2.0

//! Per-path statistics: what was raised, run and coalesced, per CPU; the
//! latency from top half to bottom half; the context each run saw.
//!
//! The hot paths (top halves and bottom halves on every CPU) touch only
//! their own CPU's counters, which are per-CPU data: no lock, no shared
//! cache line. Readers sum over CPUs.
//!
//! # Accounting
//!
//! A path has at most one bottom half pending. [`PathStats::raise`] is the
//! top half asking for it: the first request while none is pending stamps
//! the time and tells the caller to schedule the bottom half; any further
//! request before that bottom half starts is *coalesced* into it.
//! [`PathStats::begin_run`] is the bottom half starting: it takes the
//! stamp, so later requests schedule a new run. Hence, at rest,
//! `raised == executed + coalesced`, exactly. The latency of a run is
//! measured from the *oldest* request it serves: the one that stamped.

use crate::kernel_ext::context::Context;
use crate::kernel_ext::percpu::{Counter, PerCpu};
use crate::kernel_ext::{cpu, time};
use core::sync::atomic::{
    AtomicU32, AtomicU64, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed,
};
use kernel::prelude::*;

/// Buckets of the latency histogram: bucket `i` counts latencies `l` with
/// `2^(i-1) <= l < 2^i` ns (bucket 0: `l == 0`).
pub(crate) const HIST_BUCKETS: usize = 64;

/// Bits of a pending stamp that hold the raising CPU.
const CPU_BITS: u32 = 12;
/// The highest CPU count the stamp can carry.
pub(crate) const MAX_CPUS: u32 = 1 << CPU_BITS;
/// The top bit of a pending stamp: set in every request, so that a stamp
/// is never 0 (no request), even without a time.
const STAMPED: u64 = 1 << 63;
/// The time part of a stamp: 51 bits of ns, 26 days since load (a run
/// whose request straddles the wrap records no latency).
const TIME_MASK: u64 = (1 << (63 - CPU_BITS)) - 1;

/// The name prefix of irqdefer's own kernel threads.
pub(crate) const OWN_THREAD_PREFIX: &[u8] = b"irqdefer";

/// Where a bottom half ran, as counted in [`CpuStats::ctx`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Where {
    /// Hard interrupt context.
    Hardirq = 0,
    /// Softirq, run on the way out of an interrupt or at `local_bh_enable()`.
    SoftirqIrqExit,
    /// Softirq, run by `ksoftirqd/N`.
    SoftirqKsoftirqd,
    /// Task context in an IRQ thread (`irq/N-name`).
    TaskIrqThread,
    /// Task context in a workqueue worker (`kworker/...`).
    TaskKworker,
    /// Task context in irqdefer's own kernel thread.
    TaskOwnThread,
    /// Task context in any other task.
    TaskOther,
}

impl Where {
    /// Every value, in counter order.
    pub(crate) const ALL: [Where; 7] = [
        Where::Hardirq,
        Where::SoftirqIrqExit,
        Where::SoftirqKsoftirqd,
        Where::TaskIrqThread,
        Where::TaskKworker,
        Where::TaskOwnThread,
        Where::TaskOther,
    ];

    /// The name used in the `context` file and the snapshot.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Where::Hardirq => "hardirq",
            Where::SoftirqIrqExit => "softirq_irq_exit",
            Where::SoftirqKsoftirqd => "softirq_ksoftirqd",
            Where::TaskIrqThread => "task_irq_thread",
            Where::TaskKworker => "task_kworker",
            Where::TaskOwnThread => "task_own_thread",
            Where::TaskOther => "task_other",
        }
    }

    /// Classifies a context sample.
    pub(crate) fn of(ctx: &Context) -> Where {
        let comm = ctx.comm();
        if ctx.in_hardirq() || ctx.in_nmi() {
            Where::Hardirq
        } else if ctx.in_softirq() {
            if ctx.in_kthread() && comm.starts_with(b"ksoftirqd/") {
                Where::SoftirqKsoftirqd
            } else {
                Where::SoftirqIrqExit
            }
        } else if !ctx.in_kthread() {
            Where::TaskOther
        } else if comm.starts_with(b"irq/") {
            Where::TaskIrqThread
        } else if comm.starts_with(b"kworker/") {
            Where::TaskKworker
        } else if comm.starts_with(OWN_THREAD_PREFIX) {
            Where::TaskOwnThread
        } else {
            Where::TaskOther
        }
    }
}

/// Flags counted per run besides [`Where`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flag {
    /// `preemptible()` was true.
    Preemptible = 0,
    /// Sleeping was legal.
    MaySleep,
    /// Interrupts were disabled.
    IrqsDisabled,
}

impl Flag {
    /// Every value, in counter order.
    pub(crate) const ALL: [Flag; 3] = [Flag::Preemptible, Flag::MaySleep, Flag::IrqsDisabled];

    /// The name used in the `context` file and the snapshot.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Flag::Preemptible => "preemptible",
            Flag::MaySleep => "may_sleep",
            Flag::IrqsDisabled => "irqs_disabled",
        }
    }
}

/// One CPU's counters of one path. Cache-line aligned so that two CPUs
/// never write the same line. Read through [`Field`].
#[repr(C, align(64))]
#[derive(Zeroable)]
pub(crate) struct CpuStats {
    /// Top halves on this CPU that asked for the bottom half.
    raised: Counter,
    /// Requests on this CPU merged into an already pending bottom half.
    coalesced: Counter,
    /// Bottom-half runs on this CPU.
    executed: Counter,
    /// Runs on the CPU whose request stamped them.
    same_cpu: Counter,
    /// Sum of latencies, ns.
    lat_sum: Counter,
    /// Smallest latency plus one, ns (0: none yet).
    lat_min_plus1: Counter,
    /// Largest latency, ns.
    lat_max: Counter,
    /// Latency histogram, see [`HIST_BUCKETS`].
    hist: [Counter; HIST_BUCKETS],
    /// Runs per [`Where`].
    wherein: [Counter; Where::ALL.len()],
    /// Runs per [`Flag`].
    flags: [Counter; Flag::ALL.len()],
    /// Sleeps performed (only where sleeping was legal).
    slept: Counter,
}

/// A counter of [`CpuStats`], for readers.
#[derive(Clone, Copy)]
pub(crate) enum Field {
    /// Top halves that asked for the bottom half.
    Raised,
    /// Requests merged into a pending bottom half.
    Coalesced,
    /// Bottom-half runs.
    Executed,
    /// Runs on the CPU that raised them.
    SameCpu,
    /// Sleeps performed.
    Slept,
    /// Runs in a given place.
    Where(Where),
    /// Runs with a given flag.
    Flag(Flag),
}

impl CpuStats {
    fn field(&self, f: Field) -> &Counter {
        match f {
            Field::Raised => &self.raised,
            Field::Coalesced => &self.coalesced,
            Field::Executed => &self.executed,
            Field::SameCpu => &self.same_cpu,
            Field::Slept => &self.slept,
            Field::Where(w) => &self.wherein[w as usize],
            Field::Flag(f) => &self.flags[f as usize],
        }
    }
}

/// The log2 bucket of a latency.
pub(crate) fn bucket_of(ns: u64) -> usize {
    (u64::BITS - ns.leading_zeros()) as usize
}

/// Statistics of one deferral path.
pub(crate) struct PathStats {
    cpus: PerCpu<CpuStats>,
    /// The pending request: `STAMPED | ((ns since load + 1) << CPU_BITS) |
    /// cpu` (the time part 0 if the request was not timed), or 0 when no
    /// bottom half is pending.
    pending: AtomicU64,
    /// Runs of this path's bottom half in progress now, and the most ever.
    running: AtomicU32,
    max_running: AtomicU32,
    /// Bottom halves that started with nothing pending: a bookkeeping
    /// error, reported, never expected.
    spurious: AtomicU64,
    /// Times the kernel said a bottom half was already pending when this
    /// bookkeeping said it was not: reported, never expected.
    mismatch: AtomicU64,
}

/// A bottom half in progress; see [`PathStats::begin_run`].
pub(crate) struct Run<'a> {
    stats: &'a PathStats,
    cpu: u32,
    /// The context, when measured.
    ctx: Option<Context>,
    /// The raising CPU and the latency, when measured.
    served: Option<(u32, u64)>,
}

impl Run<'_> {
    /// The context the bottom half runs in, if this run measured it.
    pub(crate) fn context(&self) -> Option<&Context> {
        self.ctx.as_ref()
    }

    /// The CPU that raised the request this run serves, and its latency
    /// in ns, if this run measured them.
    pub(crate) fn served(&self) -> Option<(u32, u64)> {
        self.served
    }

    /// Counts a sleep the bottom half made.
    pub(crate) fn count_sleep(&self) {
        self.stats.cpu(self.cpu).slept.fetch_add(1, Relaxed);
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        self.stats.running.fetch_sub(1, AcqRel);
    }
}

impl PathStats {
    /// Zeroed statistics.
    pub(crate) fn new() -> Result<Self> {
        Ok(Self {
            cpus: PerCpu::new()?,
            pending: AtomicU64::new(0),
            running: AtomicU32::new(0),
            max_running: AtomicU32::new(0),
            spurious: AtomicU64::new(0),
            mismatch: AtomicU64::new(0),
        })
    }

    fn cpu(&self, cpu: u32) -> &CpuStats {
        self.cpus.get(cpu)
    }

    /// A top half on `cpu` asks for the bottom half at `now` (ns since
    /// load; `None` when not measuring). Returns `true` if the caller must
    /// schedule it, `false` if the request was coalesced into one already
    /// pending.
    pub(crate) fn raise(&self, cpu: u32, now: Option<u64>) -> bool {
        let c = self.cpu(cpu);
        c.raised.fetch_add(1, Relaxed);
        // A request made without a clock carries time 0: its run records
        // no latency.
        let t = now.map_or(0, |t| (t + 1) & TIME_MASK);
        let stamp = STAMPED | (t << CPU_BITS) | u64::from(cpu);
        if self
            .pending
            .compare_exchange(0, stamp, AcqRel, Relaxed)
            .is_ok()
        {
            true
        } else {
            c.coalesced.fetch_add(1, Relaxed);
            false
        }
    }

    /// The bottom half starts, on `cpu`, at `now` (ns since load): takes
    /// the pending request and, when measuring (`now` is `Some`), records
    /// latency and context.
    pub(crate) fn begin_run(&self, cpu: u32, now: Option<u64>) -> Run<'_> {
        // Counted as running before it takes the request, so that a
        // request is always either pending or being run: see `is_idle`.
        let running = self.running.fetch_add(1, AcqRel) + 1;
        self.max_running.fetch_max(running, Relaxed);
        let stamp = self.pending.swap(0, AcqRel);
        let Some(now) = now else {
            self.count_run(cpu, stamp);
            return Run {
                stats: self,
                cpu,
                ctx: None,
                served: None,
            };
        };
        let ctx = Context::current();
        let cpu = ctx.cpu();
        self.count_run(cpu, stamp);
        let c = self.cpu(cpu);
        let mut served = None;
        let t = (stamp & !STAMPED) >> CPU_BITS;
        if t != 0 {
            let raised_on = (stamp & u64::from(MAX_CPUS - 1)) as u32;
            let lat = now.saturating_sub(t - 1);
            if raised_on == cpu {
                c.same_cpu.fetch_add(1, Relaxed);
            }
            c.lat_sum.fetch_add(lat, Relaxed);
            c.lat_max.fetch_max(lat, Relaxed);
            let _ = c.lat_min_plus1.fetch_update(Relaxed, Relaxed, |m| {
                (m == 0 || lat + 1 < m).then_some(lat + 1)
            });
            c.hist[bucket_of(lat).min(HIST_BUCKETS - 1)].fetch_add(1, Relaxed);
            served = Some((raised_on, lat));
        }
        c.wherein[Where::of(&ctx) as usize].fetch_add(1, Relaxed);
        for (flag, on) in [
            (Flag::Preemptible, ctx.preemptible()),
            (Flag::MaySleep, ctx.may_sleep()),
            (Flag::IrqsDisabled, ctx.irqs_disabled()),
        ] {
            if on {
                c.flags[flag as usize].fetch_add(1, Relaxed);
            }
        }
        Run {
            stats: self,
            cpu,
            ctx: Some(ctx),
            served,
        }
    }

    /// Counts a run on `cpu` that took `stamp`.
    fn count_run(&self, cpu: u32, stamp: u64) {
        self.cpu(cpu).executed.fetch_add(1, Relaxed);
        // Reported once; the counter tells how often.
        if stamp == 0 && self.spurious.fetch_add(1, Relaxed) == 0 {
            pr_warn!("a bottom half ran with no request pending\n");
        }
    }

    /// Whether a bottom half is pending (requested, not yet started).
    pub(crate) fn is_pending(&self) -> bool {
        self.pending.load(Relaxed) != 0
    }

    /// Whether no bottom half is pending or running. Meaningful when no
    /// top half can run (they would make it pending again).
    pub(crate) fn is_idle(&self) -> bool {
        self.pending.load(Acquire) == 0 && self.running.load(Acquire) == 0
    }

    /// Sums `field` over all CPUs.
    pub(crate) fn sum(&self, field: Field) -> u64 {
        cpu::possible_cpus()
            .map(|cpu| self.cpu(cpu).field(field).load(Relaxed))
            .sum()
    }

    /// `field` of one CPU.
    pub(crate) fn on_cpu(&self, cpu: u32, field: Field) -> u64 {
        self.cpu(cpu).field(field).load(Relaxed)
    }

    /// The most runs of this bottom half ever seen at once.
    pub(crate) fn max_running(&self) -> u32 {
        self.max_running.load(Relaxed)
    }

    /// Bottom halves that ran with nothing pending.
    pub(crate) fn spurious(&self) -> u64 {
        self.spurious.load(Relaxed)
    }

    /// Counts a request the kernel merged although none was pending here.
    pub(crate) fn count_mismatch(&self) {
        if self.mismatch.fetch_add(1, Relaxed) == 0 {
            pr_warn!("the kernel merged a request irqdefer saw as new\n");
        }
    }

    /// Requests the kernel merged although none was pending here.
    pub(crate) fn mismatch(&self) -> u64 {
        self.mismatch.load(Relaxed)
    }

    /// The latency summary over all CPUs.
    pub(crate) fn latency(&self) -> Latency {
        let mut hist = [0u64; HIST_BUCKETS];
        let (mut min, mut max, mut sum) = (u64::MAX, 0, 0u64);
        for cpu in cpu::possible_cpus() {
            let c = self.cpu(cpu);
            for (h, b) in hist.iter_mut().zip(c.hist.iter()) {
                *h += b.load(Relaxed);
            }
            let m = c.lat_min_plus1.load(Relaxed);
            if m != 0 {
                min = min.min(m - 1);
            }
            max = max.max(c.lat_max.load(Relaxed));
            sum = sum.wrapping_add(c.lat_sum.load(Relaxed));
        }
        Latency::from_parts(hist, min, max, sum)
    }

    /// Zeroes every counter. Exact only when no request is pending and no
    /// top half runs: see [`crate::paths::Core::reset`].
    pub(crate) fn reset(&self) {
        for cpu in cpu::possible_cpus() {
            let c = self.cpu(cpu);
            let scalars = [
                &c.raised,
                &c.coalesced,
                &c.executed,
                &c.same_cpu,
                &c.lat_sum,
                &c.lat_min_plus1,
                &c.lat_max,
                &c.slept,
            ];
            let arrays = Iterator::chain(c.hist.iter(), c.wherein.iter());
            let arrays = Iterator::chain(arrays, c.flags.iter());
            for a in Iterator::chain(scalars.into_iter(), arrays) {
                a.store(0, Relaxed);
            }
        }
        self.max_running.store(0, Relaxed);
        self.spurious.store(0, Relaxed);
        self.mismatch.store(0, Relaxed);
    }
}

/// A latency summary, in ns.
pub(crate) struct Latency {
    /// The histogram, see [`HIST_BUCKETS`].
    pub(crate) hist: [u64; HIST_BUCKETS],
    /// Number of samples.
    pub(crate) count: u64,
    /// Smallest, mean and largest sample (0 when there are none).
    pub(crate) min: u64,
    pub(crate) mean: u64,
    pub(crate) max: u64,
}

impl Latency {
    fn from_parts(hist: [u64; HIST_BUCKETS], min: u64, max: u64, sum: u64) -> Self {
        let count: u64 = hist.iter().sum();
        Self {
            hist,
            count,
            min: if count == 0 { 0 } else { min },
            mean: sum.checked_div(count).unwrap_or(0),
            max,
        }
    }

    /// The `per_mille`-th per-mille quantile, from the histogram: the
    /// bucket holding that rank, interpolated linearly inside it and
    /// clamped to the observed `[min, max]`.
    pub(crate) fn quantile(&self, per_mille: u64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        // The 1-based rank of the sample sought.
        let rank = (self.count * per_mille).div_ceil(1000).max(1);
        let mut seen = 0u64;
        for (i, &n) in self.hist.iter().enumerate() {
            if n == 0 {
                continue;
            }
            if seen + n >= rank {
                let (lo, hi) = if i == 0 {
                    (0, 0)
                } else {
                    (1u64 << (i - 1), (1u64 << i) - 1)
                };
                // No 128-bit division in the kernel: fall back to the
                // coarser order when the product would overflow.
                let (span, k) = (hi - lo, rank - seen);
                let off = span.checked_mul(k).map_or(span / n * k, |p| p / n);
                return (lo + off).clamp(self.min, self.max);
            }
            seen += n;
        }
        self.max
    }
}

/// The time used in stamps: ns since `base`.
pub(crate) fn now_since(base: u64) -> u64 {
    time::ktime_get_ns().saturating_sub(base)
}
