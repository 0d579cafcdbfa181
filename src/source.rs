// SPDX-License-Identifier: GPL-2.0

//! Load generation: bursts (`trigger`) and a periodic source (`rate_hz`),
//! both raising the device's interrupts on the active paths' lines, on a
//! chosen CPU (`cpu`) or the caller's (-1).
//!
//! The periodic source is an hrtimer in hard interrupt context, pinned to
//! the CPU that starts it; each expiry fires every active line once.

use crate::kernel_ext::cpu;
use crate::kernel_ext::hrtimer::{HrTimer, HrTimerHandler, Mode, Restart};
use crate::paths::Core;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};

/// The most interrupts one `trigger` fires per path.
pub(crate) const TRIGGER_MAX: u64 = 1_000_000;
/// The fastest periodic source, Hz.
pub(crate) const RATE_HZ_MAX: u32 = 10_000;

/// One expiry of the periodic source.
struct Tick {
    core: Arc<Core>,
    /// The period, ns; 0 stops the source at its next expiry.
    period_ns: AtomicU64,
}

impl HrTimerHandler for Tick {
    fn run(&self) -> Restart {
        for path in self.core.settings.active_paths() {
            // A line the kernel refuses is counted nowhere: injected
            // counts only what the simulator took.
            let _ = self.core.device.fire(path);
        }
        match self.period_ns.load(Relaxed) {
            0 => Restart::No,
            ns => Restart::AfterNs(ns),
        }
    }
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
    #[pin]
    state: Mutex<State>,
    #[pin]
    timer: HrTimer<Tick>,
}

/// Validates a CPU setting: -1, or an online CPU (else `ERANGE`).
pub(crate) fn check_cpu(cpu: i32) -> Result {
    if cpu == -1 || (cpu >= 0 && cpu::online(cpu as u32)) {
        Ok(())
    } else {
        Err(ERANGE)
    }
}

impl Source {
    /// A stopped source on `cpu` for `core`.
    pub(crate) fn new(core: Arc<Core>, cpu: i32) -> impl PinInit<Self, Error> {
        let tick = Tick {
            core: core.clone(),
            period_ns: AtomicU64::new(0),
        };
        try_pin_init!(Self {
            core,
            state <- new_mutex!(State { cpu, rate_hz: 0 }),
            timer <- HrTimer::new(Mode::PinnedHard, tick),
        })
    }

    /// The shared state of the paths.
    pub(crate) fn core(&self) -> &Arc<Core> {
        &self.core
    }

    /// The CPU interrupts are raised on (-1: the caller's).
    pub(crate) fn cpu(&self) -> i32 {
        self.state.lock().cpu
    }

    /// The periodic rate, Hz (0: off).
    pub(crate) fn rate_hz(&self) -> u32 {
        self.state.lock().rate_hz
    }

    /// Runs `f` on `cpu` (or here, for -1).
    fn on_cpu(cpu: i32, f: impl FnOnce() + Send) {
        if cpu < 0 {
            f();
        } else {
            cpu::run_on(cpu as u32, f);
        }
    }

    /// Fires `n` interrupts on every active path, on the configured CPU.
    /// Must be called where sleeping is legal.
    pub(crate) fn trigger(&self, n: u64) -> Result {
        if n == 0 || n > TRIGGER_MAX {
            return Err(ERANGE);
        }
        let cpu = self.cpu();
        check_cpu(cpu)?;
        let mut result = Ok(());
        let core = &self.core;
        Self::on_cpu(cpu, || {
            for _ in 0..n {
                for path in core.settings.active_paths() {
                    if let Err(e) = core.device.fire(path) {
                        result = Err(e);
                        return;
                    }
                }
            }
        });
        result
    }

    /// Sets the periodic rate (0 stops it) and restarts the source on the
    /// configured CPU.
    pub(crate) fn set_rate(&self, hz: u32) -> Result {
        if hz > RATE_HZ_MAX {
            return Err(ERANGE);
        }
        let mut state = self.state.lock();
        // Stopping needs no CPU: it works even after `cpu` went offline.
        if hz > 0 {
            check_cpu(state.cpu)?;
        }
        self.restart(state.cpu, hz);
        state.rate_hz = hz;
        Ok(())
    }

    /// Sets the CPU; a running periodic source moves there.
    pub(crate) fn set_cpu(&self, cpu: i32) -> Result {
        check_cpu(cpu)?;
        let mut state = self.state.lock();
        self.restart(cpu, state.rate_hz);
        state.cpu = cpu;
        Ok(())
    }

    /// Stops the periodic source and, for `hz > 0`, starts it on `cpu`.
    fn restart(&self, cpu: i32, hz: u32) {
        self.timer.cancel();
        let period = if hz == 0 {
            0
        } else {
            1_000_000_000 / u64::from(hz)
        };
        self.timer.handler().period_ns.store(period, Relaxed);
        if period != 0 {
            Self::on_cpu(cpu, || self.timer.start(period));
        }
    }

    /// Stops the periodic source, waiting for a running expiry.
    pub(crate) fn stop(&self) {
        let mut state = self.state.lock();
        self.timer.handler().period_ns.store(0, Relaxed);
        self.timer.cancel();
        state.rate_hz = 0;
    }
}
