// SPDX-License-Identifier: GPL-2.0

//! Load generation: bursts (`trigger`) and a periodic source (`rate_hz`),
//! both raising the device's interrupts on the active paths' lines, on a
//! chosen CPU (`cpu`) or the caller's (-1).
//!
//! The periodic source is an hrtimer in hard interrupt context, pinned to
//! the CPU that starts it; each expiry fires every active line once.
//!
//! # CPU hotplug
//!
//! A source bound to a CPU (`cpu` >= 0) runs there or not at all: CPU
//! hotplug is held off while it is checked and started, and when that CPU
//! goes offline the periodic source stops (`rate_hz` reads 0, and the
//! kernel log says why) instead of following its timer to another CPU. A
//! `trigger` bound to a CPU that goes offline stops between two chunks and
//! fails with `ERANGE`; `injected` tells what it fired. With `cpu` -1 the
//! source is bound to nothing: its timer starts on the writer's CPU and
//! moves, as the kernel moves timers, when that CPU goes offline.
//!
//! # Triggers
//!
//! A `trigger` fires its rounds (one interrupt on every active path) in
//! chunks of at most [`TRIGGER_CHUNK_NS`], with CPU hotplug held off only
//! for a chunk; between two, a fatal signal ends it (`EINTR`), and it
//! paces itself so that, on average, it asks no more of its CPU than the
//! load bounds allow the periodic source ([`check_load`]). Bound to a CPU,
//! it runs in a kernel thread of its own there (`irqdefer-trigger`), not
//! in a workqueue worker: a `work_on_cpu()` chunk would occupy the very
//! worker pool that the `wq` and `wq_own` paths queue into, and their
//! work would wait for it (one run for 256 requests, measured).
//!
//! # Starvation
//!
//! The periodic source holds (fires nothing) while hard and soft interrupt
//! context take most of its CPU: see [`guard`].

mod guard;

pub(crate) use guard::{GUARD_PCT_DEFAULT, GUARD_PCT_MAX, WINDOW_NS as GUARD_WINDOW_NS};

use crate::kernel_ext::compat::value;
use crate::kernel_ext::cpu::{self, HotplugLock};
use crate::kernel_ext::hrtimer::{HrTimer, HrTimerHandler, PinnedHard, Restart};
use crate::kernel_ext::{cpuhp, kthread, time};
use crate::paths::{Model, PathId};
use crate::shared::Core;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::c_str;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

/// The most interrupts one `trigger` fires per path.
pub(crate) const TRIGGER_MAX: u64 = 1_000_000;
/// The fastest periodic source, Hz.
pub(crate) const RATE_HZ_MAX: u32 = 10_000;
/// The most busy work per bottom half, ns (10 ms).
pub(crate) const WORK_NS_MAX: u64 = 10_000_000;
/// The longest sleep per bottom half, ms.
pub(crate) const SLEEP_MS_MAX: u32 = 100;
/// The most busy work per second the periodic source may ask of the
/// bottom halves that run in atomic context on the raising CPU (hard
/// interrupt or softirq: [`PathId::atomic`]), together, ns: `rate_hz *
/// work_ns * such active paths` at most one CPU. Softirqs run at every
/// interrupt exit, so more would starve every task on that CPU (RCU
/// stalls); work in a CFS task shares its CPU fairly, and takes any
/// load (for FIFO threads see [`ABOVE_CFS_NS_PER_S_MAX`]).
pub(crate) const BUSY_NS_PER_S_MAX: u64 = 1_000_000_000;
/// The most work per second that no CFS task can preempt, ns: summed
/// over the active paths whose bottom half runs in hard interrupt context
/// (`hardirq`, `irq_work`, interrupts off) or in a `SCHED_FIFO` thread
/// (`threaded`'s IRQ thread, `kthread_worker`): half a CPU. Softirq work
/// hands over to `ksoftirqd`, a CFS task; these do not, and more would
/// starve every ordinary task on that CPU.
pub(crate) const ABOVE_CFS_NS_PER_S_MAX: u64 = 500_000_000;
/// The longest `trigger` fires before it checks for a fatal signal, lets
/// CPU hotplug proceed and paces itself, ns (a round begun is finished).
pub(crate) const TRIGGER_CHUNK_NS: u64 = 10_000_000;
/// Rounds between two `cond_resched()` inside a chunk.
const RESCHED_EVERY: u64 = 16;
/// The longest single sleep of a trigger's pacing, ms: a fatal signal is
/// seen within that.
const PACE_SLICE_MS: u64 = 10;

/// The work one round (one interrupt on every path of mask `active`, with
/// `work_ns` each) asks of the bounds on `model`, ns: in atomic context on
/// the raising CPU, and where no CFS task can preempt it. The counts are
/// by the running model: on PREEMPT_RT the registry's `context_rt`, and
/// where top halves are forced into threads, the softirqs they raise run
/// in those `SCHED_FIFO` threads.
fn round_load(work_ns: u64, active: u32, model: Model) -> (u64, u64) {
    let count = |f: fn(&crate::paths::PathInfo, Model) -> bool| {
        PathId::ALL
            .into_iter()
            .filter(|p| active & p.bit() != 0 && f(p.info(), model))
            .count() as u64
    };
    let atomic = count(crate::paths::PathInfo::atomic_on);
    let above_cfs = count(crate::paths::PathInfo::above_cfs_on);
    (
        work_ns.saturating_mul(atomic),
        work_ns.saturating_mul(above_cfs),
    )
}

/// Whether `rate_hz` interrupts per second with `work_ns` of work each,
/// on the paths of mask `active`, stay within [`BUSY_NS_PER_S_MAX`] and
/// [`ABOVE_CFS_NS_PER_S_MAX`] on `model` (else `ERANGE`).
pub(crate) fn check_load(rate_hz: u32, work_ns: u64, active: u32, model: Model) -> Result {
    let (atomic, above_cfs) = round_load(work_ns, active, model);
    let rate = u64::from(rate_hz);
    if rate.saturating_mul(atomic) > BUSY_NS_PER_S_MAX
        || rate.saturating_mul(above_cfs) > ABOVE_CFS_NS_PER_S_MAX
    {
        return Err(ERANGE);
    }
    Ok(())
}

/// The shortest time per round, on average, that keeps a trigger within
/// the bounds [`check_load`] sets the periodic source, ns.
fn round_ns_min(work_ns: u64, active: u32, model: Model) -> u64 {
    let (atomic, above_cfs) = round_load(work_ns, active, model);
    let per_s = |ns: u64, max: u64| {
        ns.saturating_mul(1_000_000_000)
            .checked_div(max)
            .unwrap_or(u64::MAX)
    };
    per_s(atomic, BUSY_NS_PER_S_MAX).max(per_s(above_cfs, ABOVE_CFS_NS_PER_S_MAX))
}

/// One expiry of the periodic source.
struct Tick {
    core: Arc<Core>,
    /// The period, ns; 0 stops the source at its next expiry.
    period_ns: AtomicU64,
    guard: guard::Guard,
}

impl HrTimerHandler for Tick {
    type Mode = PinnedHard;

    fn run(&self) -> Restart {
        let fire = !self.guard.holds(&self.core);
        for path in self.core.settings.active_paths().filter(|_| fire) {
            // A line the kernel refuses, or a device held by a reset, is
            // counted nowhere: `injected` counts what the simulator took.
            let _ = self.core.device.fire(path);
        }
        match self.period_ns.load(Relaxed) {
            0 => Restart::No,
            ns => Restart::AfterNs(ns),
        }
    }
}

/// Every control's default: its value at load (the module parameter's,
/// where it has one, else the built-in default). `reset` restores them all
/// ([`Source::restore_defaults`]); `snapshot` publishes them
/// (`meta control.<name>`).
pub(crate) struct Defaults {
    /// `cpu`.
    pub(crate) cpu: i32,
    /// `rate_hz`.
    pub(crate) rate_hz: u32,
    /// `paths`, as a mask.
    pub(crate) active: u32,
    /// `work_ns`.
    pub(crate) work_ns: u64,
    /// `sleep_ms`.
    pub(crate) sleep_ms: u32,
    /// `guard_pct`.
    pub(crate) guard_pct: u32,
    /// `measure`: `full` (`true`) or `count`.
    pub(crate) measure: bool,
}

/// The settings of the source, changed under its lock.
struct State {
    cpu: i32,
    rate_hz: u32,
}

/// The load generator.
#[pin_data]
pub(crate) struct Source {
    core: Arc<Core>,
    defaults: Defaults,
    /// Taken after [`HotplugLock`] where both are held: the hotplug
    /// callback takes it with CPU hotplug write-locked.
    #[pin]
    state: Mutex<State>,
    #[pin]
    timer: HrTimer<Tick>,
}

/// Validates a CPU setting: -1, or an online CPU (else `ERANGE`).
pub(crate) fn check_cpu(cpu: i32) -> Result {
    if cpu == -1 || u32::try_from(cpu).is_ok_and(cpu::online) {
        Ok(())
    } else {
        Err(ERANGE)
    }
}

impl Source {
    /// A stopped source for `core`, on the default CPU; `defaults` are
    /// the values `reset` restores.
    pub(crate) fn new(core: Arc<Core>, defaults: Defaults) -> impl PinInit<Self, Error> {
        let tick_core = core.clone();
        let cpu = defaults.cpu;
        try_pin_init!(Self {
            core,
            defaults,
            state <- new_mutex!(State { cpu, rate_hz: 0 }),
            timer <- HrTimer::new(value(Tick {
                core: tick_core,
                period_ns: AtomicU64::new(0),
                guard: guard::Guard::new(),
            })),
        })
    }

    /// The shared state of the paths.
    pub(crate) fn core(&self) -> &Arc<Core> {
        &self.core
    }

    /// Every control's default.
    pub(crate) fn defaults(&self) -> &Defaults {
        &self.defaults
    }

    /// Restores every control's default ([`Defaults`]), all or none:
    /// `ERANGE`, changing nothing, if the default CPU is offline or the
    /// defaults' load passes the bounds on the running model
    /// ([`check_load`]). Must be called where sleeping is legal.
    fn restore_defaults(&self) -> Result {
        let d = &self.defaults;
        let hotplug = HotplugLock::new();
        if u32::try_from(d.cpu).is_ok_and(|cpu| !hotplug.online(cpu)) {
            return Err(ERANGE);
        }
        let mut state = self.state.lock();
        check_load(d.rate_hz, d.work_ns, d.active, self.core.model())?;
        // Stopped while the settings change, then restarted with them.
        self.restart(&hotplug, state.cpu, 0)?;
        state.rate_hz = 0;
        let settings = &self.core.settings;
        settings.work_ns.store(d.work_ns, Relaxed);
        settings.sleep_ms.store(d.sleep_ms, Relaxed);
        settings.active.store(d.active, Relaxed);
        settings.measure.store(d.measure, Relaxed);
        settings.guard_pct.store(d.guard_pct, Relaxed);
        // Cannot fail: the CPU was checked online under `hotplug`.
        self.restart(&hotplug, d.cpu, d.rate_hz)?;
        state.cpu = d.cpu;
        state.rate_hz = d.rate_hz;
        Ok(())
    }

    /// The CPU interrupts are raised on (-1: the caller's).
    pub(crate) fn cpu(&self) -> i32 {
        self.state.lock().cpu
    }

    /// The periodic rate, Hz (0: off).
    pub(crate) fn rate_hz(&self) -> u32 {
        self.state.lock().rate_hz
    }

    /// Ticks of the periodic source that fired nothing, held by the
    /// starvation guard, and the holds begun, since load or the last reset.
    pub(crate) fn held(&self) -> (u64, u64) {
        let guard = &self.timer.handler().guard;
        (guard.skipped(), guard.holds_begun())
    }

    /// Zeroes every counter: the paths' ([`Core::reset`]), then the
    /// starvation guard's.
    pub(crate) fn reset(&self) -> Result {
        self.core.reset()?;
        self.timer.handler().guard.reset();
        Ok(())
    }

    /// `defaults`: [`Source::restore_defaults`], then [`Source::reset`], as
    /// one: the defaults are restored inside the reset, once nothing can
    /// fail it any more, so that an `EBUSY` (another reset, a device that
    /// does not drain) or an `ERANGE` (the defaults refused) changes
    /// nothing.
    pub(crate) fn reset_to_defaults(&self) -> Result {
        self.core.reset_with(|| self.restore_defaults())?;
        self.timer.handler().guard.reset();
        Ok(())
    }

    /// The starvation guard's threshold, percent of the CPU (0: off).
    pub(crate) fn guard_pct(&self) -> u32 {
        self.core.settings.guard_pct.load(Relaxed)
    }

    /// Sets the starvation guard's threshold; `ERANGE` past
    /// [`GUARD_PCT_MAX`].
    pub(crate) fn set_guard_pct(&self, pct: u64) -> Result {
        match u32::try_from(pct) {
            Ok(pct) if pct <= GUARD_PCT_MAX => {
                self.core.settings.guard_pct.store(pct, Relaxed);
                Ok(())
            }
            _ => Err(ERANGE),
        }
    }

    /// Runs `f` on `cpu`, or here for -1; `ERANGE` if `cpu` is offline.
    fn on_cpu(hotplug: &HotplugLock, cpu: i32, f: impl FnOnce() + Send) -> Result {
        match u32::try_from(cpu) {
            Ok(cpu) => hotplug.run_on(cpu, f),
            Err(_) => {
                f();
                Ok(())
            }
        }
    }

    /// Fires `n` interrupts on every active path, on the configured CPU:
    /// see "Triggers" above. `ERANGE` if that CPU is or goes offline,
    /// `EINTR` on a fatal signal, `EBUSY` if a reset held the device. Must
    /// be called where sleeping is legal.
    pub(crate) fn trigger(&self, n: u64) -> Result {
        if n == 0 || n > TRIGGER_MAX {
            return Err(ERANGE);
        }
        match u32::try_from(self.cpu()) {
            Ok(cpu) => kthread::run_bound(cpu, c_str!("irqdefer-trigger"), |stop| {
                self.fire_paced(n, Some(cpu), stop)
            }),
            Err(_) => self.fire_paced(n, None, &cpu::fatal_signal_pending),
        }
    }

    /// Fires `n` rounds in chunks of [`TRIGGER_CHUNK_NS`], paced by
    /// [`round_ns_min`], on `cpu` (the caller is a thread bound there, and
    /// is bound again for each chunk: CPU hotplug may have moved it), or
    /// wherever the caller runs; `stop()` ends it with `EINTR`.
    fn fire_paced(&self, n: u64, cpu: Option<u32>, stop: &dyn Fn() -> bool) -> Result {
        let start = time::ktime_get_ns();
        let mut done: u64 = 0;
        while done < n {
            {
                let hotplug = HotplugLock::new();
                if let Some(cpu) = cpu {
                    hotplug.bind_current(cpu)?;
                }
                let chunk_start = time::ktime_get_ns();
                loop {
                    for path in self.core.settings.active_paths() {
                        self.core.device.fire(path)?;
                    }
                    done = done.saturating_add(1);
                    if done >= n
                        || time::ktime_get_ns().saturating_sub(chunk_start) >= TRIGGER_CHUNK_NS
                    {
                        break;
                    }
                    if done % RESCHED_EVERY == 0 {
                        cpu::cond_resched();
                    }
                }
            }
            if stop() {
                return Err(EINTR);
            }
            // The settings may change meanwhile: pace by today's.
            let settings = &self.core.settings;
            let round_ns = round_ns_min(
                settings.work_ns.load(Relaxed),
                settings.active.load(Relaxed),
                self.core.model(),
            );
            let due = start.saturating_add(done.saturating_mul(round_ns));
            loop {
                let ahead_ms = due.saturating_sub(time::ktime_get_ns()) / 1_000_000;
                if ahead_ms == 0 || done >= n {
                    break;
                }
                time::msleep(ahead_ms.min(PACE_SLICE_MS) as u32);
                if stop() {
                    return Err(EINTR);
                }
            }
            cpu::cond_resched();
        }
        Ok(())
    }

    /// Sets the periodic rate (0 stops it) and restarts the source on the
    /// configured CPU. `ERANGE` if the CPU is offline or the load would
    /// pass [`BUSY_NS_PER_S_MAX`].
    pub(crate) fn set_rate(&self, hz: u32) -> Result {
        if hz > RATE_HZ_MAX {
            return Err(ERANGE);
        }
        let hotplug = HotplugLock::new();
        let mut state = self.state.lock();
        let settings = &self.core.settings;
        check_load(
            hz,
            settings.work_ns.load(Relaxed),
            settings.active.load(Relaxed),
            self.core.model(),
        )?;
        self.restart(&hotplug, state.cpu, hz)?;
        state.rate_hz = hz;
        Ok(())
    }

    /// Sets the busy work per bottom half; `ERANGE` if the periodic load
    /// would pass [`BUSY_NS_PER_S_MAX`].
    pub(crate) fn set_work_ns(&self, ns: u64) -> Result {
        if ns > WORK_NS_MAX {
            return Err(ERANGE);
        }
        let state = self.state.lock();
        let settings = &self.core.settings;
        check_load(
            state.rate_hz,
            ns,
            settings.active.load(Relaxed),
            self.core.model(),
        )?;
        settings.work_ns.store(ns, Relaxed);
        Ok(())
    }

    /// Sets the active paths (a mask of [`PathId::bit`]); `ERANGE` if the
    /// periodic load would pass [`BUSY_NS_PER_S_MAX`].
    pub(crate) fn set_paths(&self, active: u32) -> Result {
        let state = self.state.lock();
        let settings = &self.core.settings;
        check_load(
            state.rate_hz,
            settings.work_ns.load(Relaxed),
            active,
            self.core.model(),
        )?;
        settings.active.store(active, Relaxed);
        Ok(())
    }

    /// Sets the CPU; a running periodic source moves there. `ERANGE` if
    /// `cpu` is neither -1 nor online.
    pub(crate) fn set_cpu(&self, cpu: i32) -> Result {
        let hotplug = HotplugLock::new();
        check_cpu(cpu)?;
        let mut state = self.state.lock();
        self.restart(&hotplug, cpu, state.rate_hz)?;
        state.cpu = cpu;
        Ok(())
    }

    /// Stops the periodic source and, for `hz > 0`, starts it on `cpu`.
    /// `ERANGE`, changing nothing, if it should start on an offline CPU.
    fn restart(&self, hotplug: &HotplugLock, cpu: i32, hz: u32) -> Result {
        if hz != 0 && u32::try_from(cpu).is_ok_and(|cpu| !hotplug.online(cpu)) {
            return Err(ERANGE);
        }
        self.timer.handler().period_ns.store(0, Relaxed);
        self.timer.cancel();
        if hz == 0 {
            return Ok(());
        }
        let period = 1_000_000_000u64.checked_div(u64::from(hz)).unwrap_or(0);
        self.timer.handler().period_ns.store(period, Relaxed);
        self.timer.handler().guard.restart();
        // Cannot fail: `cpu` was online, and stays so under `hotplug`.
        Self::on_cpu(hotplug, cpu, || self.timer.start(period))
    }

    /// Stops the periodic source, waiting for a running expiry.
    pub(crate) fn stop(&self) {
        let mut state = self.state.lock();
        self.timer.handler().period_ns.store(0, Relaxed);
        self.timer.cancel();
        state.rate_hz = 0;
    }
}

impl cpuhp::Handler for Source {
    fn offline(&self, cpu: u32) {
        let mut state = self.state.lock();
        if state.rate_hz != 0 && u32::try_from(state.cpu) == Ok(cpu) {
            self.timer.handler().period_ns.store(0, Relaxed);
            self.timer.cancel();
            state.rate_hz = 0;
            pr_info!(
                "CPU {} is going offline: the periodic source bound to it stopped (rate_hz 0)\n",
                cpu
            );
        }
    }
}
