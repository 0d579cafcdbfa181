// SPDX-License-Identifier: GPL-2.0

//! The deferral paths: one file each. A path owns its IRQ registration and
//! its bottom-half mechanism; its top half stamps the request in
//! [`crate::stats`] and hands off, its bottom half records the run.

use crate::device::Device;
use crate::stats::PathStats;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;

pub(crate) mod hardirq;

/// A deferral path. The names are part of irqdefer's interface.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum PathId {
    /// No bottom half: the work is done in the top half (the baseline).
    Hardirq = 0,
}

impl PathId {
    /// Number of paths.
    pub(crate) const COUNT: usize = 1;
    /// Every path, in line order.
    pub(crate) const ALL: [PathId; Self::COUNT] = [PathId::Hardirq];

    /// The path's name, as a C string.
    pub(crate) fn cname(self) -> &'static CStr {
        match self {
            PathId::Hardirq => c_str!("hardirq"),
        }
    }

    /// The path's name.
    pub(crate) fn name(self) -> &'static str {
        // Path names are ASCII.
        core::str::from_utf8(self.cname().as_bytes()).unwrap_or("?")
    }

    /// The name its IRQ has in `/proc/interrupts`: `irqdefer-<name>`.
    pub(crate) fn irq_name(self) -> &'static CStr {
        match self {
            PathId::Hardirq => c_str!("irqdefer-hardirq"),
        }
    }
}

/// Settings that bottom halves read on every run.
pub(crate) struct Settings {
    /// Busy work per bottom half, ns.
    pub(crate) work_ns: AtomicU64,
}

/// What every path shares: the device, the statistics, the settings.
pub(crate) struct Core {
    /// The virtual device.
    pub(crate) device: Device,
    /// Statistics, indexed by [`PathId`].
    pub(crate) stats: KVec<PathStats>,
    /// Run-time settings.
    pub(crate) settings: Settings,
    /// `ktime_get()` at load: stamps count from here.
    pub(crate) base_ns: u64,
}

impl Core {
    /// Creates the device and zeroed statistics.
    pub(crate) fn new() -> Result<Self> {
        let mut stats = KVec::with_capacity(PathId::COUNT, GFP_KERNEL)?;
        for _ in PathId::ALL {
            stats.push(PathStats::new()?, GFP_KERNEL)?;
        }
        Ok(Self {
            device: Device::new()?,
            stats,
            settings: Settings {
                work_ns: AtomicU64::new(0),
            },
            base_ns: crate::kernel_ext::time::ktime_get_ns(),
        })
    }

    /// The statistics of `path`.
    pub(crate) fn stats(&self, path: PathId) -> &PathStats {
        &self.stats[path as usize]
    }

    /// Zeroes all statistics. Exact only at rest.
    pub(crate) fn reset(&self) {
        self.device.reset();
        for s in self.stats.iter() {
            s.reset();
        }
    }

    /// Now, in ns since load.
    pub(crate) fn now(&self) -> u64 {
        crate::stats::now_since(self.base_ns)
    }

    /// The simulated work of one bottom half.
    pub(crate) fn do_work(&self) {
        crate::kernel_ext::time::busy_wait_ns(self.settings.work_ns.load(Relaxed));
    }
}
