// SPDX-License-Identifier: GPL-2.0

//! `selfcost`: what measuring costs, timed by the module itself.
//!
//! `measure full` adds to each run, over `measure count`, two clock reads
//! (top and bottom half), a sample of the context, its classification,
//! the latency's recording (sum, minimum, maximum, histogram bucket,
//! `same_cpu`), the context's per-CPU counters and the two `irqdefer`
//! tracepoints. A write of `N` to `selfcost` times each of these
//! [`Component`]s alone, `N` times, with the very functions the top and
//! bottom halves call ([`Core::account_top`], [`Core::account_bottom`] and
//! the parts of [`PathStats::begin_run`]), on statistics of its own (the
//! paths' are untouched), in each [`Class`] of context a bottom half runs
//! in: hard interrupt (an irq_work), softirq (a tasklet) and task (the
//! writer itself). It also times the whole accounting of a top and a
//! bottom half in both modes (`count`, `full`) and the empty loop, which
//! the figures are net of. Reading `selfcost` gives the figures of the
//! last write.
//!
//! The iterations run in chunks of [`CHUNK`]: each round times every
//! component once per class, in alternating order, and a component's
//! figure is the median of its chunks: a chunk that an interrupt or the
//! host's scheduler (under TCG) stretched does not move it. Between chunks
//! the writer sleeps or reschedules: the run is bounded ([`ITERATIONS_MAX`],
//! [`EXTRA_TOTAL_NS_MAX`]), killable, and keeps interrupts off for one
//! chunk at most.
//!
//! `N EXTRA_NS` also adds a busy-wait of `EXTRA_NS` to every latency
//! recorded on the statistics it times ([`ExtraNs`]): a cost of known size
//! in one component (`histogram`), which the figures must show, and
//! `selftests/irqdefer_selfcost.sh` checks that they do. The paths'
//! statistics are of another type ([`crate::stats::NoExtra`]), where that
//! hook compiles to nothing: `selfcost` times the same source code as the
//! paths run, but for the hook, which costs them nothing.

#![deny(clippy::arithmetic_side_effects)]

use crate::kernel_ext::compat::value;
use crate::kernel_ext::context::Context;
use crate::kernel_ext::irq_work::{IrqWork, IrqWorkHandler};
use crate::kernel_ext::seq_file::{seq_print, SeqFile};
use crate::kernel_ext::tasklet::{Softirq, Tasklet, TaskletHandler};
use crate::kernel_ext::{cpu, time, trace};
use crate::logic::stamp;
use crate::shared::Core;
use crate::stats::{ExtraCost, ExtraNs, NoExtra, PathStats, Where};
use core::fmt;
use core::hint::black_box;
use core::sync::atomic::{
    AtomicBool, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

/// Iterations of one component timed at once.
pub(crate) const CHUNK: u64 = 200;
/// The fewest iterations a write asks for (per component and class).
pub(crate) const ITERATIONS_MIN: u64 = 1000;
/// The most iterations a write asks for (per component and class).
pub(crate) const ITERATIONS_MAX: u64 = 200_000;
/// The longest extra busy-wait per recorded latency, ns.
pub(crate) const EXTRA_NS_MAX: u64 = 20_000;
/// The most extra busy-waiting per class and run, ns: `N * EXTRA_NS`.
pub(crate) const EXTRA_TOTAL_NS_MAX: u64 = 1_000_000_000;
/// How long the writer waits for a chunk to run in an irq_work or a
/// tasklet, in `msleep(1)` steps.
const CHUNK_WAIT_MS: u32 = 5000;
/// The latency of the request the `histogram` component records, ns.
const LATENCY_NS: u64 = 1000;

/// A part of the accounting, timed alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Component {
    /// The loop alone: the others are net of it.
    Empty,
    /// One read of the clock ([`Core::now`]); a measured run makes two.
    Clock,
    /// One sample of the context ([`Context::current`]).
    Context,
    /// The sample's classification ([`Where::of`]), and the task's name
    /// where that is kept ([`PathStats::note_task`]).
    Classify,
    /// The latency's recording ([`PathStats::record_served`]).
    Histogram,
    /// The context's per-CPU counters: where, and the three flags.
    Counters,
    /// The two `irqdefer` tracepoints (a static branch each while off).
    Trace,
    /// One relaxed per-CPU counter increment, the unit of every counter:
    /// an operation whose cost on real hardware is known.
    Atomic,
    /// The accounting of a top and a bottom half under `measure count`.
    Count,
    /// The same under `measure full`.
    Full,
}

impl Component {
    /// Number of components.
    pub(crate) const COUNT: usize = Self::ALL.len();
    /// Every component, in output order.
    pub(crate) const ALL: [Component; 10] = [
        Component::Empty,
        Component::Clock,
        Component::Context,
        Component::Classify,
        Component::Histogram,
        Component::Counters,
        Component::Trace,
        Component::Atomic,
        Component::Count,
        Component::Full,
    ];

    /// Its name in `selfcost`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Component::Empty => "empty",
            Component::Clock => "clock",
            Component::Context => "context",
            Component::Classify => "classify",
            Component::Histogram => "histogram",
            Component::Counters => "counters",
            Component::Trace => "trace",
            Component::Atomic => "atomic",
            Component::Count => "count",
            Component::Full => "full",
        }
    }

    /// How many times a measured run does it beyond `count`: the parts
    /// that `full` adds (0 for the rest).
    fn per_run(self) -> i64 {
        match self {
            Component::Clock => 2,
            Component::Context
            | Component::Classify
            | Component::Histogram
            | Component::Counters
            | Component::Trace => 1,
            Component::Empty | Component::Atomic | Component::Count | Component::Full => 0,
        }
    }
}

/// Where a chunk runs: the classes of context a bottom half runs in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Class {
    /// Hard interrupt context, interrupts off: an irq_work.
    Hardirq,
    /// Serving a softirq: a tasklet.
    Softirq,
    /// Task context, preemptible: the writer.
    Task,
}

impl Class {
    /// Number of classes.
    pub(crate) const COUNT: usize = Self::ALL.len();
    /// Every class, in output order.
    pub(crate) const ALL: [Class; 3] = [Class::Hardirq, Class::Softirq, Class::Task];

    /// Its name in `selfcost`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Class::Hardirq => "hardirq",
            Class::Softirq => "softirq",
            Class::Task => "task",
        }
    }
}

/// A time in picoseconds, shown in ns with one decimal.
struct Ns(i64);

impl fmt::Display for Ns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let ps = self.0.unsigned_abs();
        let whole = ps.checked_div(1000).unwrap_or(0);
        let tenths = ps
            .checked_rem(1000)
            .unwrap_or(0)
            .checked_div(100)
            .unwrap_or(0);
        write!(f, "{}{}.{}", sign, whole, tenths)
    }
}

/// The figures of the last run, for reading.
pub(crate) struct Results {
    /// A run is under way (a second writer gets `EBUSY`).
    busy: AtomicBool,
    /// Iterations per component and class of the last run (0: none yet).
    iterations: AtomicU64,
    /// The extra busy-wait of the last run, ns.
    extra_ns: AtomicU64,
    /// Median ps per call, by class and component.
    ps: [[AtomicU64; Component::COUNT]; Class::COUNT],
}

impl Results {
    /// No figures yet.
    pub(crate) fn new() -> Self {
        Self {
            busy: AtomicBool::new(false),
            iterations: AtomicU64::new(0),
            extra_ns: AtomicU64::new(0),
            ps: [const { [const { AtomicU64::new(0) }; Component::COUNT] }; Class::COUNT],
        }
    }

    fn slot(&self, class: Class, comp: Component) -> Option<&AtomicU64> {
        self.ps.get(class as usize)?.get(comp as usize)
    }

    fn raw(&self, class: Class, comp: Component) -> i64 {
        let ps = self.slot(class, comp).map_or(0, |s| s.load(Relaxed));
        i64::try_from(ps).unwrap_or(i64::MAX)
    }

    fn net(&self, class: Class, comp: Component) -> i64 {
        self.raw(class, comp)
            .saturating_sub(self.raw(class, Component::Empty))
    }

    /// The file's content: the limits, the last run's settings, then one
    /// `cost` line per class and component (ns per call, and net of the
    /// empty loop), and per class the two totals: `measuring`, `full`
    /// less `count` timed whole, and `parts`, the sum of the parts a
    /// measured run does. Before any run, only the limits.
    pub(crate) fn show(&self, m: &mut SeqFile) {
        seq_print!(
            m,
            "meta selfcost_limits iterations_min={} iterations_max={} extra_ns_max={} \
             extra_total_ns_max={} chunk={}\n",
            ITERATIONS_MIN,
            ITERATIONS_MAX,
            EXTRA_NS_MAX,
            EXTRA_TOTAL_NS_MAX,
            CHUNK
        );
        let iterations = self.iterations.load(Relaxed);
        if iterations == 0 {
            return;
        }
        seq_print!(
            m,
            "meta selfcost iterations={} extra_ns={}\n",
            iterations,
            self.extra_ns.load(Relaxed)
        );
        for class in Class::ALL {
            let mut parts = 0i64;
            for comp in Component::ALL {
                let net = self.net(class, comp);
                parts = parts.saturating_add(net.saturating_mul(comp.per_run()));
                seq_print!(
                    m,
                    "cost class={} component={} ns={} net={}\n",
                    class.name(),
                    comp.name(),
                    Ns(self.raw(class, comp)),
                    Ns(net)
                );
            }
            let measuring = self
                .raw(class, Component::Full)
                .saturating_sub(self.raw(class, Component::Count));
            seq_print!(
                m,
                "cost class={} component=measuring net={}\n",
                class.name(),
                Ns(measuring)
            );
            seq_print!(
                m,
                "cost class={} component=parts net={}\n",
                class.name(),
                Ns(parts)
            );
        }
    }

    /// Takes a write, `N` or `N EXTRA_NS`, and runs: `EINVAL` for what is
    /// not that, `ERANGE` for a value out of range, `EBUSY` while another
    /// run is under way, `EINTR` if the writer is killed, `EAGAIN` if a
    /// chunk does not run within [`CHUNK_WAIT_MS`]. The figures change only
    /// when a run completes. Must be called where sleeping is legal.
    pub(crate) fn store(&self, core: &Arc<Core>, input: &[u8]) -> Result {
        let input = crate::logic::parse::strip_newline(input);
        let mut words = input.splitn(2, |&b| b == b' ');
        let n = words.next().unwrap_or(&[]);
        let iterations = parse(n, ITERATIONS_MIN, ITERATIONS_MAX, "iterations")?;
        let extra_ns = match words.next() {
            Some(k) => parse(k, 0, EXTRA_NS_MAX, "extra_ns")?,
            None => 0,
        };
        // (Not `is_none_or`: 6.12's minimum rustc, 1.78, lacks it.)
        if !matches!(iterations.checked_mul(extra_ns), Some(t) if t <= EXTRA_TOTAL_NS_MAX) {
            pr_info!(
                "selfcost: iterations * extra_ns is over {} ns\n",
                EXTRA_TOTAL_NS_MAX
            );
            return Err(ERANGE);
        }
        if self.busy.swap(true, Acquire) {
            return Err(EBUSY);
        }
        let result = self.run(core, iterations, extra_ns);
        self.busy.store(false, Release);
        result
    }

    /// Without an extra cost, times the statistics of the paths' own type
    /// ([`NoExtra`]): the very code they run.
    fn run(&self, core: &Arc<Core>, iterations: u64, extra_ns: u64) -> Result {
        if extra_ns == 0 {
            self.run_with(core, iterations, NoExtra)?;
        } else {
            self.run_with(core, iterations, ExtraNs::new(extra_ns))?;
        }
        self.extra_ns.store(extra_ns, Relaxed);
        Ok(())
    }

    fn run_with<E: ExtraCost + 'static>(
        &self,
        core: &Arc<Core>,
        iterations: u64,
        extra: E,
    ) -> Result {
        let chunks = iterations.div_ceil(CHUNK);
        let len = usize::try_from(chunks).map_err(|_| ERANGE)?;
        let job = Arc::new(Job::new(core.clone(), extra)?, GFP_KERNEL)?;
        let hard = Arc::pin_init(IrqWork::new(value(Runner(job.clone()))), GFP_KERNEL)?;
        let soft = Arc::pin_init(
            Tasklet::new(Softirq::Tasklet, value(Runner(job.clone()))),
            GFP_KERNEL,
        )?;
        let mut samples: [[KVec<u64>; Component::COUNT]; Class::COUNT] =
            core::array::from_fn(|_| core::array::from_fn(|_| KVec::new()));
        for v in samples.iter_mut().flatten() {
            v.reserve(len, GFP_KERNEL)?;
        }
        for round in 0..chunks {
            job.reverse.store(round & 1 == 1, Relaxed);
            for (class, row) in Class::ALL.into_iter().zip(samples.iter_mut()) {
                job.done.store(false, Relaxed);
                match class {
                    Class::Hardirq => {
                        hard.queue();
                        job.wait()?;
                    }
                    Class::Softirq => {
                        soft.schedule();
                        job.wait()?;
                    }
                    Class::Task => job.run(),
                }
                for (v, e) in row.iter_mut().zip(job.elapsed.iter()) {
                    v.push(e.load(Acquire), GFP_KERNEL)?;
                }
                cpu::cond_resched();
            }
            if cpu::fatal_signal_pending() {
                return Err(EINTR);
            }
        }
        // Every chunk ran and was waited for: nothing is queued. Dropping
        // `hard` and `soft` syncs and kills them all the same.
        drop(hard);
        drop(soft);
        for (class, row) in Class::ALL.into_iter().zip(samples.iter_mut()) {
            for (comp, v) in Component::ALL.into_iter().zip(row.iter_mut()) {
                v.sort_unstable();
                let median = v.get(v.len().checked_div(2).unwrap_or(0)).copied();
                let ps = median
                    .unwrap_or(0)
                    .saturating_mul(1000)
                    .checked_div(CHUNK)
                    .unwrap_or(0);
                if let Some(slot) = self.slot(class, comp) {
                    slot.store(ps, Relaxed);
                }
            }
        }
        self.iterations.store(chunks.saturating_mul(CHUNK), Relaxed);
        Ok(())
    }
}

/// A decimal in `min..=max`, or `EINVAL`/`ERANGE` with a word in the log.
fn parse(word: &[u8], min: u64, max: u64, what: &str) -> Result<u64> {
    crate::interface::parse::parse_u64(word, min, max).inspect_err(|_| {
        pr_info!(
            "selfcost: write N [EXTRA_NS]: {} must be a number in {}..={}\n",
            what,
            min,
            max
        );
    })
}

/// What the chunks share: the statistics they time, and the last chunk's
/// times.
struct Job<E: ExtraCost> {
    core: Arc<Core>,
    /// Statistics of `selfcost`'s own, never a path's.
    stats: PathStats<E>,
    /// A counter for [`Component::Atomic`].
    counter: AtomicU64,
    /// ns per component of the last chunk.
    elapsed: [AtomicU64; Component::COUNT],
    /// The last chunk times the components in reverse order.
    reverse: AtomicBool,
    /// The last chunk finished.
    done: AtomicBool,
}

impl<E: ExtraCost> Job<E> {
    fn new(core: Arc<Core>, extra: E) -> Result<Self> {
        let stats = PathStats::with_extra(extra)?;
        Ok(Self {
            core,
            stats,
            counter: AtomicU64::new(0),
            elapsed: [const { AtomicU64::new(0) }; Component::COUNT],
            reverse: AtomicBool::new(false),
            done: AtomicBool::new(false),
        })
    }

    /// Waits for the chunk queued to an irq_work or a tasklet.
    fn wait(&self) -> Result {
        let mut waited = 0u32;
        while !self.done.load(Acquire) {
            if waited >= CHUNK_WAIT_MS {
                return Err(EAGAIN);
            }
            time::msleep(1);
            waited = waited.saturating_add(1);
        }
        Ok(())
    }

    /// One chunk: every component, [`CHUNK`] times each, here.
    fn run(&self) {
        let ctx = Context::current();
        let (cpu, c) = self.stats.this_cpu();
        let place = Where::of(&ctx);
        let now = self.core.now();
        let stamp = stamp::pack(cpu, Some(now.saturating_sub(LATENCY_NS)));
        let name = c_str!("selfcost");
        let reverse = self.reverse.load(Relaxed);
        for i in 0..Component::COUNT {
            let i = if reverse {
                Component::COUNT.saturating_sub(1).saturating_sub(i)
            } else {
                i
            };
            let Some(&comp) = Component::ALL.get(i) else {
                continue;
            };
            let ns = match comp {
                Component::Empty => repeat(|| {}),
                Component::Clock => repeat(|| {
                    black_box(self.core.now());
                }),
                Component::Context => repeat(|| {
                    black_box(Context::current());
                }),
                Component::Classify => repeat(|| {
                    let place = Where::of(black_box(&ctx));
                    self.stats.note_task(place, &ctx);
                    black_box(place);
                }),
                Component::Histogram => repeat(|| {
                    black_box(self.stats.record_served(c, cpu, black_box(stamp), now));
                }),
                Component::Counters => repeat(|| {
                    black_box(c).count_context(place, &ctx);
                }),
                Component::Trace => repeat(|| {
                    trace::irqdefer_raise(name, 0, true);
                    trace::irqdefer_run(name, cpu, LATENCY_NS);
                }),
                Component::Atomic => repeat(|| {
                    black_box(&self.counter).fetch_add(1, Relaxed);
                }),
                Component::Count => repeat(|| self.pair(false)),
                Component::Full => repeat(|| self.pair(true)),
            };
            if let Some(e) = self.elapsed.get(i) {
                e.store(ns, Release);
            }
        }
    }

    /// A top and a bottom half's accounting, as a path's would be.
    fn pair(&self, measure: bool) {
        let name = c_str!("selfcost");
        black_box(self.core.account_top(&self.stats, name, 0, measure));
        drop(self.core.account_bottom(&self.stats, name, measure));
    }
}

/// `f`, [`CHUNK`] times; returns the ns it took.
#[inline(always)]
fn repeat(mut f: impl FnMut()) -> u64 {
    let start = time::ktime_get_ns();
    let mut i = 0u64;
    while i < CHUNK {
        f();
        i = black_box(i.wrapping_add(1));
    }
    time::ktime_get_ns().saturating_sub(start)
}

/// Runs a chunk where the kernel calls it (irq_work, tasklet).
struct Runner<E: ExtraCost>(Arc<Job<E>>);

impl<E: ExtraCost> Runner<E> {
    fn chunk(&self) {
        self.0.run();
        self.0.done.store(true, Release);
    }
}

impl<E: ExtraCost> IrqWorkHandler for Runner<E> {
    fn run(&self) {
        self.chunk();
    }
}

impl<E: ExtraCost> TaskletHandler for Runner<E> {
    fn run(&self) {
        self.chunk();
    }
}
