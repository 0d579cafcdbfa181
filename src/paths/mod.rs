// SPDX-License-Identifier: GPL-2.0

//! The deferral paths: one file each. A path owns its IRQ registration and
//! its bottom-half mechanism; its top half stamps the request in
//! [`crate::stats`] and hands off, its bottom half records the run.

use crate::device::Device;
use crate::kernel_ext::context::Context;
use crate::kernel_ext::trace;
use crate::stats::PathStats;
use core::sync::atomic::{
    AtomicBool, AtomicU32, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;

pub(crate) mod bh_wq;
pub(crate) mod hardirq;
pub(crate) mod hrtimer_soft;
pub(crate) mod kthread;
pub(crate) mod tasklet;
pub(crate) mod threaded;
pub(crate) mod timer;
pub(crate) mod wq;

/// A deferral path. The names are part of irqdefer's interface.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum PathId {
    /// No bottom half: the work is done in the top half (the baseline).
    Hardirq = 0,
    /// `request_threaded_irq()` with `IRQF_ONESHOT`: `irq/N-name` runs it.
    Threaded,
    /// A tasklet on `TASKLET_SOFTIRQ`.
    Tasklet,
    /// A tasklet on `HI_SOFTIRQ`.
    TaskletHi,
    /// Work on `system_wq`.
    Wq,
    /// Work on `system_highpri_wq`.
    WqHighpri,
    /// Work on `system_unbound_wq`.
    WqUnbound,
    /// Work on a workqueue of irqdefer's own.
    WqOwn,
    /// Work on `system_bh_wq`, run in softirq context.
    BhWq,
    /// A `timer_list` armed for the next jiffy (`TIMER_SOFTIRQ`).
    Timer,
    /// An hrtimer in soft mode expiring at once (`HRTIMER_SOFTIRQ`).
    HrtimerSoft,
    /// A kernel thread of the module's own, woken from the top half.
    Kthread,
}

impl PathId {
    /// Number of paths.
    pub(crate) const COUNT: usize = 12;
    /// Every path, in line order.
    pub(crate) const ALL: [PathId; Self::COUNT] = [
        PathId::Hardirq,
        PathId::Threaded,
        PathId::Tasklet,
        PathId::TaskletHi,
        PathId::Wq,
        PathId::WqHighpri,
        PathId::WqUnbound,
        PathId::WqOwn,
        PathId::BhWq,
        PathId::Timer,
        PathId::HrtimerSoft,
        PathId::Kthread,
    ];

    /// Every path, as a mask.
    pub(crate) const ALL_MASK: u32 = (1 << Self::COUNT) - 1;

    /// The path's bit in a mask.
    pub(crate) fn bit(self) -> u32 {
        1 << self as u32
    }

    /// The path called `name`, if any.
    pub(crate) fn from_name(name: &[u8]) -> Option<PathId> {
        Self::ALL.into_iter().find(|p| p.cname().as_bytes() == name)
    }

    /// The path's name, as a C string.
    pub(crate) fn cname(self) -> &'static CStr {
        match self {
            PathId::Hardirq => c_str!("hardirq"),
            PathId::Threaded => c_str!("threaded"),
            PathId::Tasklet => c_str!("tasklet"),
            PathId::TaskletHi => c_str!("tasklet_hi"),
            PathId::Wq => c_str!("wq"),
            PathId::WqHighpri => c_str!("wq_highpri"),
            PathId::WqUnbound => c_str!("wq_unbound"),
            PathId::WqOwn => c_str!("wq_own"),
            PathId::BhWq => c_str!("bh_wq"),
            PathId::Timer => c_str!("timer"),
            PathId::HrtimerSoft => c_str!("hrtimer_soft"),
            PathId::Kthread => c_str!("kthread"),
        }
    }

    /// The name its IRQ has in `/proc/interrupts`: `irqdefer-<name>`.
    pub(crate) fn irq_name(self) -> &'static CStr {
        match self {
            PathId::Hardirq => c_str!("irqdefer-hardirq"),
            PathId::Threaded => c_str!("irqdefer-threaded"),
            PathId::Tasklet => c_str!("irqdefer-tasklet"),
            PathId::TaskletHi => c_str!("irqdefer-tasklet_hi"),
            PathId::Wq => c_str!("irqdefer-wq"),
            PathId::WqHighpri => c_str!("irqdefer-wq_highpri"),
            PathId::WqUnbound => c_str!("irqdefer-wq_unbound"),
            PathId::WqOwn => c_str!("irqdefer-wq_own"),
            PathId::BhWq => c_str!("irqdefer-bh_wq"),
            PathId::Timer => c_str!("irqdefer-timer"),
            PathId::HrtimerSoft => c_str!("irqdefer-hrtimer_soft"),
            PathId::Kthread => c_str!("irqdefer-kthread"),
        }
    }

    /// Whether the bottom half runs in atomic context (hard interrupt or
    /// softirq) on the CPU that raised it, by the kernel's rule (without
    /// `threadirqs` or PREEMPT_RT).
    pub(crate) fn atomic(self) -> bool {
        matches!(
            self,
            PathId::Hardirq
                | PathId::Tasklet
                | PathId::TaskletHi
                | PathId::BhWq
                | PathId::Timer
                | PathId::HrtimerSoft
        )
    }

    /// The path's name.
    pub(crate) fn name(self) -> &'static str {
        // Path names are ASCII.
        core::str::from_utf8(self.cname().as_bytes()).unwrap_or("?")
    }
}

// `PathId::ALL[i]` is the path with discriminant `i`: what `PerPath`'s
// indexing relies on. Checked at compile time.
#[allow(clippy::indexing_slicing)] // `i < COUNT`, the array's length.
const _: () = {
    let mut i = 0;
    while i < PathId::COUNT {
        assert!(PathId::ALL[i] as usize == i);
        i += 1;
    }
};

/// One `T` per path, indexed by [`PathId`].
///
/// # Invariants
///
/// `items.len() == PathId::COUNT`, and `items[p as usize]` belongs to `p`.
pub(crate) struct PerPath<T> {
    items: KVec<T>,
}

impl<T> PerPath<T> {
    /// `f(path)` for every path.
    pub(crate) fn try_new(mut f: impl FnMut(PathId) -> Result<T>) -> Result<Self> {
        let mut items = KVec::with_capacity(PathId::COUNT, GFP_KERNEL)?;
        for path in PathId::ALL {
            items.push(f(path)?, GFP_KERNEL)?;
        }
        // INVARIANT: one item per path, in `PathId::ALL` order, which is
        // discriminant order (checked above).
        Ok(Self { items })
    }

    /// Every item, in path order.
    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T> core::ops::Index<PathId> for PerPath<T> {
    type Output = T;

    fn index(&self, path: PathId) -> &T {
        // In bounds: `path as usize < COUNT == items.len()` (type invariant).
        #[allow(clippy::indexing_slicing)]
        &self.items[path as usize]
    }
}

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
}

impl Settings {
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
            base_ns: crate::kernel_ext::time::ktime_get_ns(),
            resetting: AtomicBool::new(false),
            torn_down: AtomicU32::new(0),
            ran_late: AtomicBool::new(false),
        })
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
        if self.resetting.swap(true, Acquire) {
            return Err(EBUSY);
        }
        let result = self.reset_held();
        self.resetting.store(false, Release);
        result
    }

    fn reset_held(&self) -> Result {
        let held = self.device.hold(RESET_DRAIN_MS)?;
        let mut waited = 0;
        while !self.stats.iter().all(|s| s.is_idle()) && waited < RESET_DRAIN_MS {
            crate::kernel_ext::time::msleep(1);
            waited = waited.saturating_add(1);
        }
        if !self.stats.iter().all(|s| s.is_idle()) {
            return Err(EBUSY);
        }
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
        let cpu = crate::kernel_ext::cpu::current();
        if !self.settings.measure.load(Relaxed) {
            return self.stats(path).raise(cpu, None);
        }
        let stamped = self.stats(path).raise(cpu, Some(self.now()));
        trace::irqdefer_raise(path.cname(), self.device.irq(path), stamped);
        stamped
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
        let cpu = crate::kernel_ext::cpu::current();
        let clock = || self.now();
        let run = self.stats(path).begin_run(cpu, measure.then_some(clock));
        if let Some((raised_on, lat)) = run.served() {
            trace::irqdefer_run(path.cname(), raised_on, lat);
        }
        crate::kernel_ext::time::busy_wait_ns(self.settings.work_ns.load(Relaxed));
        let sleep_ms = self.settings.sleep_ms.load(Relaxed);
        if sleep_ms > 0 {
            let may_sleep = match run.context() {
                Some(ctx) => ctx.may_sleep(),
                None => Context::current().may_sleep(),
            };
            if may_sleep {
                crate::kernel_ext::time::msleep(sleep_ms);
                run.count_sleep();
            }
        }
    }
}

/// Every path, registered. Fields drop in order; each path frees its IRQ
/// first, then drains its bottom half.
#[pin_data]
pub(crate) struct Paths {
    #[pin]
    hardirq: Guarded<hardirq::Path>,
    #[pin]
    threaded: Guarded<threaded::Path>,
    #[pin]
    tasklet: Guarded<tasklet::Path>,
    #[pin]
    tasklet_hi: Guarded<tasklet::Path>,
    #[pin]
    wq: Guarded<wq::Path>,
    #[pin]
    wq_highpri: Guarded<wq::Path>,
    #[pin]
    wq_unbound: Guarded<wq::Path>,
    #[pin]
    wq_own: Guarded<wq::Path>,
    #[pin]
    bh_wq: Guarded<wq::Path>,
    #[pin]
    timer: Guarded<timer::Path>,
    #[pin]
    hrtimer_soft: Guarded<hrtimer_soft::Path>,
    #[pin]
    kthread: Guarded<kthread::Path>,
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

fn guarded<P>(
    core: Arc<Core>,
    id: PathId,
    init: impl PinInit<P, Error>,
) -> impl PinInit<Guarded<P>, Error> {
    try_pin_init!(Guarded {
        path <- init,
        _mark: TeardownMark { core, path: id },
    })
}

impl Paths {
    /// Registers every path.
    pub(crate) fn new(core: &Arc<Core>) -> Result<impl PinInit<Self, Error>> {
        // Each path and its teardown mark; see `Guarded`.
        let wq = guarded(core.clone(), PathId::Wq, wq::new(core.clone(), PathId::Wq)?);
        let wq_highpri = guarded(
            core.clone(),
            PathId::WqHighpri,
            wq::new(core.clone(), PathId::WqHighpri)?,
        );
        let wq_unbound = guarded(
            core.clone(),
            PathId::WqUnbound,
            wq::new(core.clone(), PathId::WqUnbound)?,
        );
        let wq_own = guarded(
            core.clone(),
            PathId::WqOwn,
            wq::new(core.clone(), PathId::WqOwn)?,
        );
        let bh_wq = guarded(core.clone(), PathId::BhWq, bh_wq::new(core.clone())?);
        let hardirq = guarded(core.clone(), PathId::Hardirq, hardirq::new(core.clone()));
        let threaded = guarded(core.clone(), PathId::Threaded, threaded::new(core.clone()));
        let tasklet = guarded(
            core.clone(),
            PathId::Tasklet,
            tasklet::new(core.clone(), PathId::Tasklet),
        );
        let tasklet_hi = guarded(
            core.clone(),
            PathId::TaskletHi,
            tasklet::new(core.clone(), PathId::TaskletHi),
        );
        let timer = guarded(core.clone(), PathId::Timer, timer::new(core.clone()));
        let hrtimer_soft = guarded(
            core.clone(),
            PathId::HrtimerSoft,
            hrtimer_soft::new(core.clone()),
        );
        let kthread = guarded(core.clone(), PathId::Kthread, kthread::new(core.clone()));
        Ok(try_pin_init!(Self {
            hardirq <- hardirq,
            threaded <- threaded,
            tasklet <- tasklet,
            tasklet_hi <- tasklet_hi,
            wq <- wq,
            wq_highpri <- wq_highpri,
            wq_unbound <- wq_unbound,
            wq_own <- wq_own,
            bh_wq <- bh_wq,
            timer <- timer,
            hrtimer_soft <- hrtimer_soft,
            kthread <- kthread,
        }))
    }
}
