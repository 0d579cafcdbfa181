// SPDX-License-Identifier: GPL-2.0

//! `irq_work`: the top half queues an irq_work, run in hard interrupt
//! context through a self-IPI on the CPU that queued it (x86: the `IWI` row
//! of `/proc/interrupts`), as soon as that CPU has interrupts on again:
//! here, right after the top half returns. The mechanism `irq_sim` itself
//! uses to deliver its interrupts.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::irq_work::{IrqWork, IrqWorkHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl IrqWorkHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for IrqWork<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `irq_work_queue()`'s claim of `IRQ_WORK_PENDING`: false if the
        // irq_work was queued and has not started.
        Scheduled::new_if(self.queue())
    }
}

/// The registered path. The irq_work is synced after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<IrqWork<Bottom>>>;

/// Requests the line of `path` and sets up its irq_work.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, IrqWork::new(value(bottom))))
}
