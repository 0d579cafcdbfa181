// SPDX-License-Identifier: GPL-2.0

//! What every path shares: the [`Core`] (the virtual device, each path's
//! statistics, the run-time [`Settings`], the starvation guard's per-CPU
//! time), the accounting of a top and a bottom half, `reset`, and the
//! [`Guarded`] wrapper that checks each path's teardown drained it. The
//! paths themselves, and their registry, are in `crate::paths`.

use crate::device::Device;
use crate::kernel_ext::context::{Busy, Context};
use crate::kernel_ext::irq;
use crate::kernel_ext::percpu::PerCpu;
use crate::kernel_ext::{time, trace};
use crate::paths::{Model, PathId, PerPath};
use crate::stats::{BusyNs, CpuBusy, ExtraCost, PathStats, Run};
use core::sync::atomic::{
    AtomicBool, AtomicU32, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;

/// Settings that the halves read on every run.
pub(crate) struct Settings {
    /// Busy work per bottom half, ns.
    pub(crate) work_ns: AtomicU64,
    /// `msleep()` per bottom half where sleeping is legal, ms.
    pub(crate) sleep_ms: AtomicU32,
    /// The active paths: bit `PathId as usize` set. Load goes only to
    /// these, and `/proc/irqdefer` lists only these.
    pub(crate) active: AtomicU32,
    /// Full measurement (the default): clock, latency, context and the
    /// `irqdefer` tracepoints. Off, the halves keep only the counters
    /// (`raised`, `executed`, `coalesced`), for `make bench` to measure
    /// what measuring costs.
    pub(crate) measure: AtomicBool,
    /// The starvation guard's threshold, percent of a CPU (0: off; see
    /// `crate::source`). While it is on, bottom halves account the time
    /// they keep their CPU busy ([`Core::busy`]).
    pub(crate) guard_pct: AtomicU32,
}

impl Settings {
    /// The settings at load: the controls' defaults.
    pub(crate) fn new(defaults: &crate::source::Defaults) -> Self {
        Self {
            work_ns: AtomicU64::new(defaults.work_ns),
            sleep_ms: AtomicU32::new(defaults.sleep_ms),
            active: AtomicU32::new(defaults.active),
            measure: AtomicBool::new(defaults.measure),
            guard_pct: AtomicU32::new(defaults.guard_pct),
        }
    }

    /// Whether `path` is active.
    pub(crate) fn is_active(&self, path: PathId) -> bool {
        self.active.load(Relaxed) & path.bit() != 0
    }

    /// The active paths.
    pub(crate) fn active_paths(&self) -> impl Iterator<Item = PathId> + '_ {
        let mask = self.active.load(Relaxed);
        PathId::ALL.into_iter().filter(move |p| mask & p.bit() != 0)
    }
}

/// What every path shares: the device, the statistics, the settings.
pub(crate) struct Core {
    /// The virtual device.
    pub(crate) device: Device,
    /// Statistics of each path.
    pub(crate) stats: PerPath<PathStats>,
    /// Run-time settings.
    pub(crate) settings: Settings,
    /// `ktime_get()` at load: stamps count from here.
    pub(crate) base_ns: u64,
    /// A reset is under way.
    resetting: AtomicBool,
    /// The paths whose teardown finished (bit `PathId as usize`): their
    /// bottom halves must never run again. See [`Guarded`].
    torn_down: AtomicU32,
    /// A bottom half ran after its path's teardown (reported once).
    ran_late: AtomicBool,
    /// The time bottom halves kept each CPU busy, for the starvation guard.
    busy: PerCpu<CpuBusy>,
}

/// How long a reset waits for pending bottom halves, ms.
pub(crate) const RESET_DRAIN_MS: u32 = 5000;

impl Core {
    /// Creates the device and zeroed statistics.
    pub(crate) fn new(settings: Settings) -> Result<Self> {
        Ok(Self {
            device: Device::new()?,
            stats: PerPath::try_new(|_| PathStats::new())?,
            settings,
            base_ns: time::ktime_get_ns(),
            resetting: AtomicBool::new(false),
            torn_down: AtomicU32::new(0),
            ran_late: AtomicBool::new(false),
            busy: PerCpu::new()?,
        })
    }

    /// The running kernel's rules ([`Model`]). Forced IRQ threading shows
    /// on the `hardirq_forced` line, requested without a thread function:
    /// before the paths are registered, only PREEMPT_RT is known.
    pub(crate) fn model(&self) -> Model {
        let rt = cfg!(CONFIG_PREEMPT_RT);
        Model {
            rt,
            forced_threads: rt || irq::forced_thread(self.device.irq(PathId::HardirqForced)),
        }
    }

    /// The time bottom halves kept `cpu` busy so far, ns (0 for a CPU that
    /// is not possible).
    pub(crate) fn busy(&self, cpu: u32) -> BusyNs {
        self.busy.get(cpu).map_or(BusyNs::default(), CpuBusy::read)
    }

    /// The statistics of `path`.
    pub(crate) fn stats(&self, path: PathId) -> &PathStats {
        &self.stats[path]
    }

    /// Zeroes all statistics, exactly, even under load: closes the device
    /// (new interrupts are refused before they are raised) and waits for
    /// every interrupt already raised to be handled and every bottom half
    /// it asked for to run; then zeroes, and opens the device again.
    /// `EBUSY` if another reset is under way or the device does not drain
    /// within [`RESET_DRAIN_MS`]; then nothing is zeroed. Must be called
    /// where sleeping is legal.
    pub(crate) fn reset(&self) -> Result {
        self.reset_with(|| Ok(()))
    }

    /// [`Core::reset`], calling `first` once the device is closed and
    /// drained, before anything is zeroed: the one place where a reset can
    /// no longer fail but for `first` itself, whose error ends it with
    /// nothing zeroed (`defaults`: the controls are restored only by a
    /// reset that then zeroes).
    pub(crate) fn reset_with(&self, first: impl FnOnce() -> Result) -> Result {
        if self.resetting.swap(true, Acquire) {
            return Err(EBUSY);
        }
        let result = self.reset_held(first);
        self.resetting.store(false, Release);
        result
    }

    fn reset_held(&self, first: impl FnOnce() -> Result) -> Result {
        let held = self.device.hold(RESET_DRAIN_MS)?;
        let mut waited = 0;
        while !self.stats.iter().all(|s| s.is_idle()) && waited < RESET_DRAIN_MS {
            time::msleep(1);
            waited = waited.saturating_add(1);
        }
        if !self.stats.iter().all(|s| s.is_idle()) {
            return Err(EBUSY);
        }
        first()?;
        self.device.reset();
        for s in self.stats.iter() {
            s.reset();
        }
        drop(held);
        Ok(())
    }

    /// Now, in ns since load.
    pub(crate) fn now(&self) -> u64 {
        crate::stats::now_since(self.base_ns)
    }

    /// The top half of `path`: counts the request. Returns `true` if the
    /// caller must schedule the bottom half, `false` if the request merged
    /// into one already pending.
    pub(crate) fn top_half(&self, path: PathId) -> bool {
        let measure = self.settings.measure.load(Relaxed);
        let schedule = self.account_top(
            self.stats(path),
            path.cname(),
            self.device.irq(path),
            measure,
        );
        self.count_top_thread(path);
        schedule
    }

    /// For the starvation guard, a top half the IRQ core forced into a
    /// thread (threadirqs, PREEMPT_RT): on PREEMPT_RT every path's top
    /// half runs in a `SCHED_FIFO` IRQ thread, whose time no CFS task can
    /// take, and which the kernel counts as task time.
    fn count_top_thread(&self, path: PathId) {
        if self.settings.guard_pct.load(Relaxed) == 0 || !crate::kernel_ext::context::in_task() {
            return;
        }
        if let Some(busy) = self.busy.get(crate::kernel_ext::cpu::current()) {
            busy.add_top(path, Busy::current());
        }
    }

    /// The accounting of a top half, on `stats`, whose tracepoint names
    /// `name` and `irq`: counts the request and, if `measure`, stamps it
    /// with the time and traces it. [`Core::top_half`] for a path;
    /// `selfcost` times it on statistics of its own.
    pub(crate) fn account_top<E: ExtraCost>(
        &self,
        stats: &PathStats<E>,
        name: &CStr,
        irq: u32,
        measure: bool,
    ) -> bool {
        // A top half in task context runs in the thread the IRQ core forced it into.
        let threaded = crate::kernel_ext::context::in_task();
        if !measure {
            return stats.raise(None, threaded);
        }
        let stamped = stats.raise(Some(self.now()), threaded);
        trace::irqdefer_raise(name, irq, stamped);
        stamped
    }

    /// The accounting of a bottom half on this CPU, on `stats`, whose
    /// tracepoint names `name`: takes the request and, if `measure`,
    /// records latency and context and traces the run.
    /// [`Core::bottom_half`] for a path; `selfcost` times it on statistics
    /// of its own.
    pub(crate) fn account_bottom<'a, E: ExtraCost>(
        &self,
        stats: &'a PathStats<E>,
        name: &CStr,
        measure: bool,
    ) -> Run<'a, E> {
        let clock = || self.now();
        let run = stats.begin_run(measure.then_some(clock));
        if let Some((raised_on, lat)) = run.served() {
            trace::irqdefer_run(name, raised_on, lat);
        }
        run
    }

    /// A bottom half of `path` ran after the path's teardown finished: the
    /// teardown did not drain it (a missing `tasklet_kill()`, flush, timer
    /// shutdown or thread stop), and the memory it runs from may already be
    /// freed. A bug: a kernel warning, with the backtrace of the run, once.
    #[cold]
    fn report_late_run(&self, path: PathId) {
        if !self.ran_late.swap(true, Relaxed) {
            pr_err!(
                "{}: a bottom half ran after its path was torn down\n",
                path.name()
            );
            crate::kernel_ext::bug::warn(c_str!("a bottom half ran after its teardown"));
        }
    }

    /// The bottom half of `path`: records the run and does the work: the
    /// busy work, and the sleep where the context allows one.
    pub(crate) fn bottom_half(&self, path: PathId) {
        if self.torn_down.load(Acquire) & path.bit() != 0 {
            self.report_late_run(path);
            return;
        }
        let measure = self.settings.measure.load(Relaxed);
        // The starvation guard's CPU and start, only when it is on.
        let busy_since = (self.settings.guard_pct.load(Relaxed) != 0)
            .then(|| (crate::kernel_ext::cpu::current(), time::ktime_get_ns()));
        let run = self.account_bottom(self.stats(path), path.cname(), measure);
        time::busy_wait_ns(self.settings.work_ns.load(Relaxed));
        // Up to here: a sleep below keeps no CPU busy.
        if let Some((busy, since)) =
            busy_since.and_then(|(cpu, since)| Some((self.busy.get(cpu)?, since)))
        {
            busy.add(
                path,
                Busy::current(),
                time::ktime_get_ns().saturating_sub(since),
            );
        }
        let sleep_ms = self.settings.sleep_ms.load(Relaxed);
        if sleep_ms > 0 {
            let may_sleep = match run.context() {
                Some(ctx) => ctx.may_sleep(),
                None => Context::current().may_sleep(),
            };
            if may_sleep {
                time::msleep(sleep_ms);
                run.count_sleep();
            }
        }
    }
}

/// A path, followed by the mark that its teardown finished. Fields drop in
/// declaration order: `path` frees its IRQ and drains its bottom half, then
/// `_mark` records that in [`Core`], whose bottom halves report any run
/// after it. This checks the drain (`tasklet_kill()`, flush, timer
/// shutdown, thread stop) at every unload, not only when a run outlives the
/// module's memory.
#[pin_data]
pub(crate) struct Guarded<P> {
    #[pin]
    path: P,
    _mark: TeardownMark,
}

struct TeardownMark {
    core: Arc<Core>,
    path: PathId,
}

impl Drop for TeardownMark {
    fn drop(&mut self) {
        self.core.torn_down.fetch_or(self.path.bit(), Release);
    }
}

/// `init`, the path `id`, [`Guarded`] by its teardown mark.
pub(crate) fn guarded<P>(
    core: Arc<Core>,
    id: PathId,
    init: impl PinInit<P, Error>,
) -> impl PinInit<Guarded<P>, Error> {
    try_pin_init!(Guarded {
        path <- init,
        _mark: TeardownMark { core, path: id },
    })
}
