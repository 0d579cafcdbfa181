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
//! [`WINDOW_NS`], it reads how long its CPU was kept from CFS tasks: the
//! interrupt and softirq time, the larger of the kernel's own count
//! (`/proc/stat`'s `irq` and `softirq`) and irqdefer's (the bottom halves
//! that ran in interrupt context there, timed by themselves: without
//! `CONFIG_IRQ_TIME_ACCOUNTING` the kernel samples at its tick and charges
//! most hard interrupt time to whatever the tick interrupted), plus the
//! whole runtime there of the favoured tasks that ran top or bottom
//! halves: `SCHED_FIFO` threads (the IRQ threads, top halves forced into
//! them included, `irq_work/N`, `rcuc/N`, irqdefer's worker) and
//! negative-nice ones (`events_highpri`'s workers,
//! nice -20, beside which a nice-0 task gets 1% of the CPU). The kernel
//! counts none of that as interrupt time, and a bottom half's own time is
//! the least of it: on the 7.3 debug kernel under TCG at 1000 Hz on every
//! path, an IRQ thread and the `events_highpri` workers took 48% of CPU 0
//! with no work asked, and a pinned task ran 76 times in 10 s while the
//! guard, counting only the bottom halves' own time, held 4 times. A
//! window in which they took `guard_pct`
//! percent of the CPU or more holds the source (its ticks fire nothing,
//! and are counted) for the next window. Under such a load the source thus
//! fires at most every other window, and the CPU's tasks get the windows
//! between. A `SCHED_FIFO` hog of the user's is not irqdefer's work: it
//! does not engage the guard (the kernel's fair server keeps 50 ms a
//! second for CFS tasks beside it).

use crate::kernel_ext::{cpu, time};
use crate::shared::Core;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

/// The window over which the guard measures, ns.
pub(crate) const WINDOW_NS: u64 = 100_000_000;
/// The default `guard_pct`.
pub(crate) const GUARD_PCT_DEFAULT: u32 = 75;
/// The largest `guard_pct` (0: the guard is off).
pub(crate) const GUARD_PCT_MAX: u32 = 100;

/// The guard. Its window is written by the tick alone (an hrtimer
/// callback does not run concurrently with itself) and by [`Guard::restart`]
/// while the tick is stopped; readers see counters. The threshold is
/// `Settings::guard_pct`.
pub(crate) struct Guard {
    /// The window's start, ns of the monotonic clock.
    window_ns: AtomicU64,
    /// The CPU's interrupt and softirq time at the window's start, ns:
    /// the kernel's count.
    window_irq_ns: AtomicU64,
    /// The same, irqdefer's count ([`Core::busy`]).
    window_own_irq_ns: AtomicU64,
    /// The favoured tasks' time ([`Core::busy`]) at the window's start, ns.
    window_own_favoured_ns: AtomicU64,
    /// The CPU the window was opened on (`u32::MAX`: none).
    window_cpu: AtomicU32,
    /// The source fires nothing before this time, ns.
    hold_until_ns: AtomicU64,
    /// Ticks that fired nothing.
    skipped: AtomicU64,
    /// Holds begun.
    holds: AtomicU64,
}

impl Guard {
    /// A guard with no window open, not holding.
    pub(crate) fn new() -> Self {
        Self {
            window_ns: AtomicU64::new(0),
            window_irq_ns: AtomicU64::new(0),
            window_own_irq_ns: AtomicU64::new(0),
            window_own_favoured_ns: AtomicU64::new(0),
            window_cpu: AtomicU32::new(u32::MAX),
            hold_until_ns: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            holds: AtomicU64::new(0),
        }
    }

    /// Forgets the window and any hold, for a source that starts: the time
    /// it was stopped says nothing of the load it is about to make. Call
    /// with the tick stopped.
    pub(crate) fn restart(&self) {
        self.window_cpu.store(u32::MAX, Relaxed);
        self.hold_until_ns.store(0, Relaxed);
    }

    /// Called by each tick, on its CPU, in hard interrupt context: whether
    /// the tick must fire nothing.
    pub(crate) fn holds(&self, core: &Core) -> bool {
        let now = time::ktime_get_ns();
        let here = cpu::current();
        let irq = cpu::irq_time_ns(here);
        let own = core.busy(here);
        let elapsed = now.saturating_sub(self.window_ns.load(Relaxed));
        if elapsed >= WINDOW_NS {
            // The window's share, if it was measured on this CPU (the
            // source moves with `cpu`, or with its timer for -1). The
            // counters wrap: differences are modular.
            let kernel_irq = irq.wrapping_sub(self.window_irq_ns.load(Relaxed));
            let own_irq = own.irq.wrapping_sub(self.window_own_irq_ns.load(Relaxed));
            let own_favoured = own
                .favoured
                .wrapping_sub(self.window_own_favoured_ns.load(Relaxed));
            let busy = kernel_irq.max(own_irq).saturating_add(own_favoured);
            let pct = u64::from(core.settings.guard_pct.load(Relaxed));
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
            self.window_own_irq_ns.store(own.irq, Relaxed);
            self.window_own_favoured_ns.store(own.favoured, Relaxed);
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
