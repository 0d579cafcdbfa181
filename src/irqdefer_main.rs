// SPDX-License-Identifier: GPL-2.0

//! irqdefer: watch and compare, on a live kernel, how Linux defers
//! interrupt work.
//!
//! A virtual device ([`device`]) raises real interrupts; for each deferral
//! path ([`paths`]) a top half hands off to a bottom half, and
//! [`stats`] measures what ran, where, and how late. [`interface`] shows
//! it in `/proc/irqdefer` and `/sys/kernel/debug/irqdefer/`. All `unsafe`
//! code is in [`kernel_ext`].

use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

mod device;
mod interface;
mod kernel_ext;
mod paths;
mod stats;

use kernel_ext::{debugfs, procfs};
use paths::Core;

module! {
    type: IrqDefer,
    name: "irqdefer",
    author: "The irqdefer developers",
    description: "Measure how Linux defers interrupt work",
    license: "GPL",
}

/// The loaded module. Fields drop in declaration order, which is the
/// teardown order: files first (no new triggers or readers), then the
/// paths (IRQs freed, bottom halves drained), and the device last, when
/// the final reference to [`Core`] goes.
struct IrqDefer {
    _debugfs: debugfs::Dir,
    _proc: procfs::Entry<interface::procfs::Summary>,
    _hardirq: Pin<KBox<paths::hardirq::Path>>,
    _core: Arc<Core>,
}

impl kernel::Module for IrqDefer {
    fn init(module: &'static ThisModule) -> Result<Self> {
        if kernel_ext::cpu::nr_cpu_ids() > stats::MAX_CPUS {
            pr_err!(
                "irqdefer: {} CPUs, at most {} supported\n",
                kernel_ext::cpu::nr_cpu_ids(),
                stats::MAX_CPUS
            );
            return Err(EINVAL);
        }
        let core = Arc::new(Core::new()?, GFP_KERNEL)?;
        let hardirq = KBox::pin_init(paths::hardirq::new(core.clone()), GFP_KERNEL)?;
        let summary = Arc::new(interface::procfs::Summary::new(core.clone()), GFP_KERNEL)?;
        let proc = procfs::Entry::new(c_str!("irqdefer"), 0o444, summary)?;
        let debugfs = interface::debugfs::create(&core, module)?;
        pr_info!("irqdefer: loaded, hardirq on IRQ {}\n", hardirq.irq());
        Ok(IrqDefer {
            _debugfs: debugfs,
            _proc: proc,
            _hardirq: hardirq,
            _core: core,
        })
    }
}
