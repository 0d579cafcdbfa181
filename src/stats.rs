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
//!
//! # Never panicking
//!
//! Everything here runs in top halves, bottom halves and file reads, where
//! a panic is `BUG()`. Counters are atomics that wrap; sums over CPUs wrap
//! or saturate; no slice is indexed; a CPU without per-CPU data (see
//! [`PerCpu::get`]) counts nothing and reads as 0. Readers load per-CPU
//! counters one by one while writers run and `reset` zeroes them: what
//! they sum may be torn, and [`Latency`] takes any such input (see
//! [`crate::logic::hist`]).

#![deny(clippy::arithmetic_side_effects)]

use crate::kernel_ext::context::{Busy, Context, TaskRuntime};
use crate::kernel_ext::percpu::{Counter, PerCpu};
use crate::kernel_ext::{cpu, time};
use crate::logic::{context, hist, name, stamp};
use crate::paths::PathId;
use core::sync::atomic::{
    AtomicU32, AtomicU64, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed,
};
use kernel::prelude::*;

/// A latency summary, in ns: see [`hist::Summary`].
pub(crate) use crate::logic::hist::Summary as Latency;
/// Buckets of the latency histogram: see [`hist::bucket_of`].
pub(crate) use crate::logic::hist::BUCKETS as HIST_BUCKETS;
/// The highest CPU count a pending stamp can carry.
pub(crate) use crate::logic::stamp::MAX_CPUS;

/// Where a bottom half ran, its names and its classification (by the
/// thread name prefix `crate::logic::context::OWN_THREAD_PREFIX` for
/// irqdefer's own threads): the pure code is in [`crate::logic::context`],
/// shared with the host tool.
pub(crate) use crate::logic::context::Where;

// The adapter from the kernel's context sample. `Where` is this crate's
// own type (mounted from `src/logic`), so the method lives here, beside
// the kernel code it needs.
impl Where {
    /// Classifies a context sample: see [`Where::classify`].
    #[inline]
    pub(crate) fn of(ctx: &Context) -> Where {
        Where::classify(&context::Sample {
            in_hardirq: ctx.in_hardirq(),
            in_nmi: ctx.in_nmi(),
            in_softirq: ctx.in_softirq(),
            in_kthread: ctx.in_kthread(),
            preempt_rt: ctx.preempt_rt(),
            // The buffer, zero past the NUL: see `Sample::comm`.
            comm: ctx.comm(),
        })
    }
}

/// Flags counted per run besides [`Where`], and their names.
pub(crate) use crate::logic::context::Flag;

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
    /// Top halves on this CPU that ran in a thread: the IRQ core forced
    /// the handler into one (`threadirqs`, PREEMPT_RT).
    top_threaded: Counter,
    /// Sum of latencies, ns.
    lat_sum: Counter,
    /// Smallest latency plus one, ns (0: none yet).
    lat_min_plus1: Counter,
    /// Largest latency, ns.
    lat_max: Counter,
    /// Latency histogram, see [`hist::bucket_of`].
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
    /// Top halves that ran in a thread (forced IRQ threading).
    TopThreaded,
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
            Field::TopThreaded => &self.top_threaded,
            Field::Slept => &self.slept,
            Field::Where(w) => self.wherein(w),
            Field::Flag(f) => self.flag(f),
        }
    }

    /// The counter of runs in `w`: a total match, no index to check.
    fn wherein(&self, w: Where) -> &Counter {
        let [hardirq, irq_exit, ksoftirqd, softirq_task, irq_thread, kworker, own_thread, napi_thread, other] =
            &self.wherein;
        match w {
            Where::Hardirq => hardirq,
            Where::SoftirqIrqExit => irq_exit,
            Where::SoftirqKsoftirqd => ksoftirqd,
            Where::SoftirqTask => softirq_task,
            Where::TaskIrqThread => irq_thread,
            Where::TaskKworker => kworker,
            Where::TaskOwnThread => own_thread,
            Where::TaskNapiThread => napi_thread,
            Where::TaskOther => other,
        }
    }

    /// The counter of runs with `f`: a total match, no index to check.
    fn flag(&self, f: Flag) -> &Counter {
        let [preemptible, may_sleep, irqs_disabled] = &self.flags;
        match f {
            Flag::Preemptible => preemptible,
            Flag::MaySleep => may_sleep,
            Flag::IrqsDisabled => irqs_disabled,
        }
    }

    /// Counts a run in `place` with the flags of `ctx`. Straight-line
    /// code: a loop over the flags called the iterator's methods of `core`
    /// (not inlined across crates), which cost more than the adds.
    #[inline]
    pub(crate) fn count_context(&self, place: Where, ctx: &Context) {
        self.wherein(place).fetch_add(1, Relaxed);
        if ctx.preemptible() {
            self.flag(Flag::Preemptible).fetch_add(1, Relaxed);
        }
        if ctx.may_sleep() {
            self.flag(Flag::MaySleep).fetch_add(1, Relaxed);
        }
        if ctx.irqs_disabled() {
            self.flag(Flag::IrqsDisabled).fetch_add(1, Relaxed);
        }
    }

    /// Records a latency of `lat` ns.
    #[inline]
    fn record_latency(&self, lat: u64) {
        self.lat_sum.fetch_add(lat, Relaxed);
        // A locked update only when the maximum changes.
        if lat > self.lat_max.load(Relaxed) {
            self.lat_max.fetch_max(lat, Relaxed);
        }
        // Below `stamp::WRAP_NS`: `lat + 1` cannot saturate.
        let plus1 = lat.saturating_add(1);
        let _ = self
            .lat_min_plus1
            .fetch_update(Relaxed, Relaxed, |m| (m == 0 || plus1 < m).then_some(plus1));
        if let Some(bucket) = self.hist.get(hist::bucket_of(lat)) {
            bucket.fetch_add(1, Relaxed);
        }
    }
}

/// A cost added to every latency recorded ([`PathStats::record_served`]):
/// none on the paths' statistics ([`NoExtra`], which compiles to nothing);
/// a busy-wait of known size on `selfcost`'s ([`ExtraNs`]), to show that
/// `selfcost` sees one.
pub(crate) trait ExtraCost: Send + Sync {
    /// Spends the cost.
    fn spend(&self);
}

/// No extra cost: the paths' statistics.
pub(crate) struct NoExtra;

impl ExtraCost for NoExtra {
    #[inline(always)]
    fn spend(&self) {}
}

/// A busy-wait of a set number of ns (0: none): `selfcost`'s statistics.
pub(crate) struct ExtraNs(AtomicU64);

impl ExtraNs {
    /// A busy-wait of `ns`.
    pub(crate) fn new(ns: u64) -> Self {
        Self(AtomicU64::new(ns))
    }
}

impl ExtraCost for ExtraNs {
    fn spend(&self) {
        let ns = self.0.load(Relaxed);
        if ns != 0 {
            time::busy_wait_ns(ns);
        }
    }
}

/// Statistics of one deferral path; `E`, the extra cost of each recorded
/// latency, is none but on `selfcost`'s own.
pub(crate) struct PathStats<E: ExtraCost = NoExtra> {
    cpus: PerCpu<CpuStats>,
    /// The pending request, a [`stamp`] (0 when no bottom half is pending).
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
    /// The task of the last run counted as `softirq_task` or `task_other`
    /// (its `comm`, [`name::pack`]ed): which task that was.
    last_task: [AtomicU64; 2],
    /// The extra cost of each recorded latency: see [`ExtraCost`].
    extra: E,
}

/// A bottom half in progress; see [`PathStats::begin_run`].
pub(crate) struct Run<'a, E: ExtraCost = NoExtra> {
    stats: &'a PathStats<E>,
    /// The counters of the CPU the run started on.
    counters: &'a CpuStats,
    /// The context, when measured.
    ctx: Option<Context>,
    /// The raising CPU and the latency, when measured.
    served: Option<(u32, u64)>,
}

impl<E: ExtraCost> Run<'_, E> {
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
        self.counters.slept.fetch_add(1, Relaxed);
    }
}

impl<E: ExtraCost> Drop for Run<'_, E> {
    fn drop(&mut self) {
        self.stats.running.fetch_sub(1, AcqRel);
    }
}

impl PathStats {
    /// Zeroed statistics, with no extra cost.
    pub(crate) fn new() -> Result<Self> {
        Self::with_extra(NoExtra)
    }
}

impl<E: ExtraCost> PathStats<E> {
    /// Zeroed statistics, with `extra` spent on every latency recorded.
    pub(crate) fn with_extra(extra: E) -> Result<Self> {
        Ok(Self {
            cpus: PerCpu::new()?,
            pending: AtomicU64::new(0),
            running: AtomicU32::new(0),
            max_running: AtomicU32::new(0),
            spurious: AtomicU64::new(0),
            mismatch: AtomicU64::new(0),
            last_task: [AtomicU64::new(0), AtomicU64::new(0)],
            extra,
        })
    }

    /// The counters of `cpu`; `None` for a CPU that is not possible, which
    /// no caller passes (they pass the current CPU or a possible one): it
    /// then counts nothing and reads as 0, rather than panic.
    fn cpu(&self, cpu: u32) -> Option<&CpuStats> {
        self.cpus.get(cpu)
    }

    /// The counters of the CPU the caller runs on, and its number: see
    /// [`PerCpu::this_cpu`].
    #[inline]
    pub(crate) fn this_cpu(&self) -> (u32, &CpuStats) {
        self.cpus.this_cpu()
    }

    /// A top half on this CPU asks for the bottom half at `now` (ns since
    /// load; `None` when not measuring). Returns `true` if the caller must
    /// schedule it, `false` if the request was coalesced into one already
    /// pending.
    #[inline]
    pub(crate) fn raise(&self, now: Option<u64>, threaded: bool) -> bool {
        let (cpu, c) = self.this_cpu();
        c.raised.fetch_add(1, Relaxed);
        if threaded {
            c.top_threaded.fetch_add(1, Relaxed);
        }
        // A request made without a clock carries no time: its run records
        // no latency.
        let stamp = stamp::pack(cpu, now);
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

    /// The bottom half starts, on this CPU: takes the pending request and,
    /// when measuring (`clock` is `Some`: it reads now, in ns since load),
    /// records latency and context. The clock is read after the request is
    /// taken, so the request is never newer than `now`: the latency is
    /// [`stamp::latency`], modular, exact for any latency below
    /// [`stamp::WRAP_NS`].
    #[inline]
    pub(crate) fn begin_run(&self, clock: Option<impl FnOnce() -> u64>) -> Run<'_, E> {
        // Counted as running before it takes the request, so that a
        // request is always either pending or being run: see `is_idle`.
        let running = self.running.fetch_add(1, AcqRel).wrapping_add(1);
        // A locked update only on a new maximum: racing runs may each
        // find theirs new, and `fetch_max` keeps the largest.
        if running > self.max_running.load(Relaxed) {
            self.max_running.fetch_max(running, Relaxed);
        }
        let stamp = self.pending.swap(0, AcqRel);
        let Some(now) = clock.map(|read| read()) else {
            let (_, c) = self.this_cpu();
            self.count_run(c, stamp);
            return Run {
                stats: self,
                counters: c,
                ctx: None,
                served: None,
            };
        };
        let ctx = Context::current();
        let (cpu, c) = self.this_cpu();
        self.count_run(c, stamp);
        let served = self.record_served(c, cpu, stamp, now);
        let place = Where::of(&ctx);
        self.note_task(place, &ctx);
        c.count_context(place, &ctx);
        Run {
            stats: self,
            counters: c,
            ctx: Some(ctx),
            served,
        }
    }

    // The parts of a measured `begin_run`, each its own function so that
    // `selfcost` (`crate::selfcost`) times the very code the bottom halves
    // run, one part at a time.

    /// The latency part of a measured run on `cpu` (counters `c`) that
    /// took `stamp` at `now`: `same_cpu`, the latency's sum, minimum,
    /// maximum and histogram bucket. Returns the raising CPU and the
    /// latency, if the request carried a time.
    #[inline]
    pub(crate) fn record_served(
        &self,
        c: &CpuStats,
        cpu: u32,
        stamp: u64,
        now: u64,
    ) -> Option<(u32, u64)> {
        let stamp::Request {
            cpu: raised_on,
            time: Some(t),
        } = stamp::unpack(stamp)?
        else {
            return None;
        };
        // Modular: exact across the wrap of the stamp's time field.
        let lat = stamp::latency(t, now);
        if raised_on == cpu {
            c.same_cpu.fetch_add(1, Relaxed);
        }
        c.record_latency(lat);
        // Nothing but in `selfcost`'s own statistics.
        self.extra.spend();
        Some((raised_on, lat))
    }

    /// The task part of a measured run in `place`: the name of the task
    /// of a run counted as `softirq_task` or `task_other`.
    #[inline]
    pub(crate) fn note_task(&self, place: Where, ctx: &Context) {
        if matches!(place, Where::SoftirqTask | Where::TaskOther) {
            let [lo, hi] = &self.last_task;
            let [lo_word, hi_word] = name::pack(ctx.comm());
            lo.store(lo_word, Relaxed);
            hi.store(hi_word, Relaxed);
        }
    }

    /// Counts a run, on the CPU whose counters are `c`, that took `stamp`.
    #[inline]
    fn count_run(&self, c: &CpuStats, stamp: u64) {
        c.executed.fetch_add(1, Relaxed);
        // Reported once; the counter tells how often.
        if stamp == 0 && self.spurious.fetch_add(1, Relaxed) == 0 {
            pr_warn!("a bottom half ran with no request pending\n");
        }
    }

    /// Whether no bottom half is pending or running. Meaningful when no
    /// top half can run (they would make it pending again).
    pub(crate) fn is_idle(&self) -> bool {
        self.pending.load(Acquire) == 0 && self.running.load(Acquire) == 0
    }

    /// Sums `field` over all CPUs, modulo 2^64 as the counters wrap.
    pub(crate) fn sum(&self, field: Field) -> u64 {
        cpu::possible_cpus().fold(0, |sum, cpu| sum.wrapping_add(self.on_cpu(cpu, field)))
    }

    /// `field` of one CPU (0 for a CPU that is not possible).
    pub(crate) fn on_cpu(&self, cpu: u32, field: Field) -> u64 {
        self.cpu(cpu).map_or(0, |c| c.field(field).load(Relaxed))
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

    /// The latency summary over all CPUs. The loads race with writers and
    /// `reset`, so the parts may disagree: [`Latency`] takes that.
    pub(crate) fn latency(&self) -> Latency {
        let mut hist = [0u64; HIST_BUCKETS];
        let (mut min, mut max, mut sum) = (u64::MAX, 0, 0u64);
        for c in cpu::possible_cpus().filter_map(|cpu| self.cpu(cpu)) {
            for (h, b) in hist.iter_mut().zip(c.hist.iter()) {
                *h = h.saturating_add(b.load(Relaxed));
            }
            // 0: no sample on this CPU.
            if let Some(m) = c.lat_min_plus1.load(Relaxed).checked_sub(1) {
                min = min.min(m);
            }
            max = max.max(c.lat_max.load(Relaxed));
            sum = sum.wrapping_add(c.lat_sum.load(Relaxed));
        }
        Latency::new(hist, min, max, sum)
    }

    /// Zeroes every counter. Exact only when no request is pending and no
    /// top half runs: see [`crate::shared::Core::reset`].
    pub(crate) fn reset(&self) {
        for c in cpu::possible_cpus().filter_map(|cpu| self.cpu(cpu)) {
            let scalars = [
                &c.raised,
                &c.coalesced,
                &c.executed,
                &c.same_cpu,
                &c.top_threaded,
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
        for slot in &self.last_task {
            slot.store(0, Relaxed);
        }
    }

    /// The task of the last run counted as `softirq_task` or `task_other`
    /// (empty if none since load or reset).
    pub(crate) fn last_task(&self) -> name::Name {
        let [lo, hi] = &self.last_task;
        name::unpack([lo.load(Relaxed), hi.load(Relaxed)])
    }
}

/// The time used in stamps: ns since `base`.
pub(crate) fn now_since(base: u64) -> u64 {
    time::ktime_get_ns().saturating_sub(base)
}

/// The time bottom halves kept a CPU busy where no CFS task could run, ns,
/// for the starvation guard (see `crate::source`): its own figures, beside
/// the kernel's, which without `CONFIG_IRQ_TIME_ACCOUNTING` charge most
/// hard interrupt time elsewhere and count no task's time as interrupt
/// time.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct BusyNs {
    /// In hard interrupt context or serving a softirq: the bottom halves'
    /// own time.
    pub(crate) irq: u64,
    /// In favoured tasks ([`Busy::Favoured`]): the whole runtime of the
    /// tasks that ran the bottom halves, not only the bottom halves' own
    /// time. On a debug kernel under TCG an IRQ thread or an
    /// `events_highpri` worker spends far more waking, switching and
    /// checking than in a bottom half with no work, and a task pinned
    /// beside them starved with the guard counting none of it.
    pub(crate) favoured: u64,
}

/// The favoured task that last ran a path's top or bottom half on a CPU:
/// its pid, migrations and runtime then, and the time, ns.
#[derive(Zeroable)]
struct ExecutorMark {
    pid: Counter,
    migrations: Counter,
    runtime_ns: Counter,
    at_ns: Counter,
}

impl ExecutorMark {
    /// Moves the mark to `task`, at `now`. Returns the task's runtime
    /// since the last mark if that was the same task, it has stayed on
    /// this CPU since, and the mark is at most a guard window old: time
    /// that is surely this CPU's and recent. Else `None`.
    fn runtime_since(&self, task: &TaskRuntime, now: u64) -> Option<u64> {
        let pid = self.pid.swap(u64::from(task.pid), Relaxed);
        let migrations = self.migrations.swap(task.migrations, Relaxed);
        let runtime = self.runtime_ns.swap(task.runtime_ns, Relaxed);
        let at = self.at_ns.swap(now, Relaxed);
        let age = now.saturating_sub(at);
        let same = pid == u64::from(task.pid) && migrations == task.migrations;
        (same && at != 0 && age <= crate::source::GUARD_WINDOW_NS)
            .then(|| task.runtime_ns.saturating_sub(runtime).min(age))
    }

    /// Whether the mark's task is `task`.
    fn is(&self, task: &TaskRuntime) -> bool {
        self.pid.load(Relaxed) == u64::from(task.pid)
    }
}

/// One CPU's [`BusyNs`], counted by the top and bottom halves that run
/// there.
#[repr(C, align(64))]
#[derive(Zeroable)]
pub(crate) struct CpuBusy {
    irq: Counter,
    favoured: Counter,
    /// The threads of top halves forced into threads, by path (`PathId as
    /// usize`).
    tops: [ExecutorMark; PathId::COUNT],
    /// The favoured tasks that ran bottom halves, by path.
    bottoms: [ExecutorMark; PathId::COUNT],
}

impl CpuBusy {
    /// Counts a run of `path`'s bottom half in `class` whose own time was
    /// `own_ns`. In a favoured task, what counts is the task's runtime
    /// since its last run of `path` here: the run before this one, and all
    /// the task did around it; `own_ns` for the first run, or the first in
    /// another task; nothing in the thread of `path`'s own top half, which
    /// [`CpuBusy::add_top`] counts whole. A task running two paths counts
    /// twice: the guard errs towards holding. A CFS task's time is not
    /// counted.
    pub(crate) fn add(&self, path: PathId, class: Busy, own_ns: u64) {
        match class {
            Busy::Irq => {
                self.irq.fetch_add(own_ns, Relaxed);
            }
            Busy::Favoured => {
                let task = TaskRuntime::current();
                if self.tops.get(path as usize).is_some_and(|m| m.is(&task)) {
                    return;
                }
                let since = self
                    .bottoms
                    .get(path as usize)
                    .and_then(|m| m.runtime_since(&task, time::ktime_get_ns()));
                self.favoured.fetch_add(since.unwrap_or(own_ns), Relaxed);
            }
            Busy::Task => {}
        }
    }

    /// Counts a run of `path`'s top half in a thread (threadirqs,
    /// PREEMPT_RT: a `SCHED_FIFO` IRQ thread): the thread's runtime since
    /// its last top half of `path` here, its bottom halves and softirqs
    /// included. Where that is unknown (the first run), nothing.
    pub(crate) fn add_top(&self, path: PathId, class: Busy) {
        if class != Busy::Favoured {
            return;
        }
        let task = TaskRuntime::current();
        if let Some(ns) = self
            .tops
            .get(path as usize)
            .and_then(|m| m.runtime_since(&task, time::ktime_get_ns()))
        {
            self.favoured.fetch_add(ns, Relaxed);
        }
    }

    /// The totals so far (they wrap).
    pub(crate) fn read(&self) -> BusyNs {
        BusyNs {
            irq: self.irq.load(Relaxed),
            favoured: self.favoured.load(Relaxed),
        }
    }
}
