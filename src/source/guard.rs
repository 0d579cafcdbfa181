// SPDX-License-Identifier: GPL-2.0

//! The starvation guard of the periodic source: it holds the source back
//! while hard and soft interrupt context take most of its CPU.
//!
//! The load bounds ([`super::check_load`]) count the work a bottom half is
//! asked to do, not what the kernel spends around it: interrupt entry and
//! exit, the softirq machinery, lockdep and KASAN on a debug kernel, an
//! emulated CPU. On the debug kernel under QEMU TCG, 1000 Hz on every path
//! with no work at all kept CPU 0 81% in interrupt and softirq context and
//! the rest in the paths' `SCHED_FIFO` threads: a task pinned there made
//! no progress in minutes, and a `trigger` bound to it never finished.
//!
//! So the source measures what it spends. At each tick, in every window of
//! [`WINDOW_NS`], it reads its CPU's interrupt and softirq time (the
//! kernel's own count, `/proc/stat`'s `irq` and `softirq`); a window in
//! which they took `guard_pct` percent of the CPU or more holds the source
//! (its ticks fire nothing, and are counted) for the next window. Under
//! such a load the source thus fires at most every other window, and the
//! CPU's tasks get the windows between. A `SCHED_FIFO` hog is task time:
//! it does not engage the guard (the kernel's fair server keeps 50 ms a
//! second for CFS tasks beside it).

use crate::kernel_ext::{cpu, time};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;

/// The window over which the guard measures, ns.
pub(crate) const WINDOW_NS: u64 = 100_000_000;
/// The default `guard_pct`.
pub(crate) const GUARD_PCT_DEFAULT: u32 = 75;
/// The largest `guard_pct` (0: the guard is off).
pub(crate) const GUARD_PCT_MAX: u32 = 100;

/// The guard. Its window is written by the tick alone (an hrtimer
/// callback does not run concurrently with itself); readers see counters.
pub(crate) struct Guard {
    /// Percent of the CPU in interrupt and softirq context that holds the
    /// source; 0: never.
    pct: AtomicU32,
    /// The window's start, ns of the monotonic clock.
    window_ns: AtomicU64,
    /// The CPU's interrupt and softirq time at the window's start, ns.
    window_irq_ns: AtomicU64,
    /// The CPU the window was opened on.
    window_cpu: AtomicU32,
    /// The source fires nothing before this time, ns.
    hold_until_ns: AtomicU64,
    /// Ticks that fired nothing.
    skipped: AtomicU64,
    /// Holds begun.
    holds: AtomicU64,
}

impl Guard {
    /// A guard at [`GUARD_PCT_DEFAULT`], not holding.
    pub(crate) fn new() -> Self {
        Self {
            pct: AtomicU32::new(GUARD_PCT_DEFAULT),
            window_ns: AtomicU64::new(0),
            window_irq_ns: AtomicU64::new(0),
            window_cpu: AtomicU32::new(u32::MAX),
            hold_until_ns: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            holds: AtomicU64::new(0),
        }
    }

    /// The threshold, percent (0: off).
    pub(crate) fn pct(&self) -> u32 {
        self.pct.load(Relaxed)
    }

    /// Sets the threshold; `ERANGE` past [`GUARD_PCT_MAX`].
    pub(crate) fn set_pct(&self, pct: u64) -> Result {
        match u32::try_from(pct) {
            Ok(pct) if pct <= GUARD_PCT_MAX => {
                self.pct.store(pct, Relaxed);
                Ok(())
            }
            _ => Err(ERANGE),
        }
    }

    /// Called by each tick, on its CPU, in hard interrupt context: whether
    /// the tick must fire nothing.
    pub(crate) fn holds(&self) -> bool {
        let now = time::ktime_get_ns();
        let irq = cpu::irq_time_ns();
        let here = cpu::current();
        let elapsed = now.saturating_sub(self.window_ns.load(Relaxed));
        if elapsed >= WINDOW_NS {
            // The window's share, if it was measured on this CPU (the
            // source moves with `cpu`, or with its timer for -1).
            let busy = irq.saturating_sub(self.window_irq_ns.load(Relaxed));
            let pct = u64::from(self.pct.load(Relaxed));
            if pct != 0
                && self.window_cpu.load(Relaxed) == here
                && busy.saturating_mul(100) >= elapsed.saturating_mul(pct)
            {
                if now >= self.hold_until_ns.load(Relaxed) {
                    self.holds.fetch_add(1, Relaxed);
                }
                self.hold_until_ns
                    .store(now.saturating_add(WINDOW_NS), Relaxed);
            }
            self.window_ns.store(now, Relaxed);
            self.window_irq_ns.store(irq, Relaxed);
            self.window_cpu.store(here, Relaxed);
        }
        let holds = now < self.hold_until_ns.load(Relaxed);
        if holds {
            self.skipped.fetch_add(1, Relaxed);
        }
        holds
    }

    /// Zeroes the counters (a tick counting meanwhile may land on either
    /// side of the reset).
    pub(crate) fn reset(&self) {
        self.skipped.store(0, Relaxed);
        self.holds.store(0, Relaxed);
    }

    /// Ticks that fired nothing since load or the last reset.
    pub(crate) fn skipped(&self) -> u64 {
        self.skipped.load(Relaxed)
    }

    /// Holds begun since load or the last reset.
    pub(crate) fn holds_begun(&self) -> u64 {
        self.holds.load(Relaxed)
    }
}
