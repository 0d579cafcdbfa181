// SPDX-License-Identifier: GPL-2.0

//! The virtual device: an `irq_sim` interrupt controller with one line per
//! deferral path. Its interrupts are real Linux IRQs: they have numbers,
//! run through the IRQ core and show in `/proc/interrupts`.

use crate::kernel_ext::irq_sim::{Held, SimDomain};
use crate::paths::PathId;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::c_str;
use kernel::prelude::*;

/// The device.
pub(crate) struct Device {
    domain: SimDomain,
    /// Interrupts injected per line (not per CPU: injection is rare
    /// next to handling, and this is not on a top half's path).
    injected: KVec<AtomicU64>,
}

impl Device {
    /// Creates the controller with a line for every path.
    pub(crate) fn new() -> Result<Self> {
        let mut injected = KVec::with_capacity(PathId::COUNT, GFP_KERNEL)?;
        for _ in 0..PathId::COUNT {
            injected.push(AtomicU64::new(0), GFP_KERNEL)?;
        }
        Ok(Self {
            domain: SimDomain::new(c_str!("irqdefer"), PathId::COUNT as u32)?,
            injected,
        })
    }

    /// The Linux IRQ number of `path`'s line.
    pub(crate) fn irq(&self, path: PathId) -> u32 {
        self.domain.irq(path as usize)
    }

    /// Raises `path`'s interrupt once. The simulator delivers it from an
    /// irq_work on this CPU; requests made before that runs merge, as
    /// level interrupts on real hardware do, so count top halves (in
    /// `/proc/interrupts` and `raised`), not injections.
    pub(crate) fn fire(&self, path: PathId) -> Result {
        self.domain.fire(path as usize)?;
        self.injected[path as usize].fetch_add(1, Relaxed);
        Ok(())
    }

    /// Interrupts injected on `path`'s line so far.
    pub(crate) fn injected(&self, path: PathId) -> u64 {
        self.injected[path as usize].load(Relaxed)
    }

    /// Disables every line until the result is dropped; see
    /// [`SimDomain::hold`].
    pub(crate) fn hold(&self) -> Held<'_> {
        self.domain.hold()
    }

    /// Forgets the injection counts.
    pub(crate) fn reset(&self) {
        for i in self.injected.iter() {
            i.store(0, Relaxed);
        }
    }
}
