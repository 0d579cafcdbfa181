// SPDX-License-Identifier: GPL-2.0

//! The virtual device: an `irq_sim` interrupt controller with one line per
//! deferral path. Its interrupts are real Linux IRQs: they have numbers,
//! run through the IRQ core and show in `/proc/interrupts`.

use crate::kernel_ext::irq_sim::SimDomain;
use crate::kernel_ext::time::msleep;
use crate::paths::{PathId, PerPath};
use core::sync::atomic::{
    AtomicU64,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};
use kernel::c_str;
use kernel::prelude::*;

/// The bit of [`Device::gate`] that closes it.
const CLOSED: u64 = 1 << 63;

/// The device.
pub(crate) struct Device {
    domain: SimDomain,
    /// Interrupts injected per line (not per CPU: injection is rare
    /// next to handling, and this is not on a top half's path).
    injected: PerPath<AtomicU64>,
    /// [`CLOSED`] while a [`Held`] lives; the other bits count the
    /// [`Device::fire`] calls in progress.
    gate: AtomicU64,
}

impl Device {
    /// Creates the controller with a line for every path.
    pub(crate) fn new() -> Result<Self> {
        Ok(Self {
            domain: SimDomain::new(c_str!("irqdefer"), PathId::COUNT as u32)?,
            injected: PerPath::try_new(|_| Ok(AtomicU64::new(0)))?,
            gate: AtomicU64::new(0),
        })
    }

    /// The Linux IRQ number of `path`'s line.
    pub(crate) fn irq(&self, path: PathId) -> u32 {
        self.domain.irq(path as usize)
    }

    /// Raises `path`'s interrupt once; `EBUSY` while the device is held
    /// ([`Device::hold`]). The simulator delivers it from an irq_work on
    /// this CPU; requests made before that runs merge, as level interrupts
    /// on real hardware do, so count top halves (in `/proc/interrupts` and
    /// `raised`), not injections.
    pub(crate) fn fire(&self, path: PathId) -> Result {
        // One atomic order decides between this and `hold`: either `hold`
        // sees this call in progress and waits for it, or this sees
        // `CLOSED` and raises nothing.
        if self.gate.fetch_add(1, Acquire) & CLOSED != 0 {
            self.gate.fetch_sub(1, Release);
            return Err(EBUSY);
        }
        let result = self.domain.fire(path as usize);
        if result.is_ok() {
            self.injected[path].fetch_add(1, Relaxed);
        }
        self.gate.fetch_sub(1, Release);
        result
    }

    /// Interrupts injected on `path`'s line so far.
    pub(crate) fn injected(&self, path: PathId) -> u64 {
        self.injected[path].load(Relaxed)
    }

    /// Closes the device until the result is dropped: [`Device::fire`]
    /// refuses, and this waits (up to `timeout_ms`, else `EBUSY`) until
    /// every interrupt raised before has been handled (its top half, and
    /// its handler thread, has returned).
    ///
    /// The lines stay enabled: a line disabled while an event is in flight
    /// would keep it pending and replay its handler, from the IRQ resend
    /// tasklet in softirq context, when enabled again; a top half must
    /// only ever run as a top half. Must be called where sleeping is legal.
    pub(crate) fn hold(&self, timeout_ms: u32) -> Result<Held<'_>> {
        self.gate.fetch_or(CLOSED, AcqRel);
        let held = Held { device: self };
        let mut waited = 0;
        while self.gate.load(Acquire) != CLOSED || self.domain.any_pending() {
            if waited >= timeout_ms {
                return Err(EBUSY);
            }
            msleep(1);
            waited = waited.saturating_add(1);
        }
        self.domain.synchronize();
        Ok(held)
    }

    /// Forgets the injection counts.
    pub(crate) fn reset(&self) {
        for i in self.injected.iter() {
            i.store(0, Relaxed);
        }
    }
}

/// The device closed; see [`Device::hold`].
pub(crate) struct Held<'a> {
    device: &'a Device,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.device.gate.fetch_and(!CLOSED, Release);
    }
}
