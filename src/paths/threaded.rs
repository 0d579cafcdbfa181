// SPDX-License-Identifier: GPL-2.0

//! `threaded`: a threaded IRQ (`request_threaded_irq()`, `IRQF_ONESHOT`).
//! The top half wakes the IRQ thread `irq/N-irqdefer-threaded`, which runs
//! the bottom half in task context, where it may sleep.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, IrqReturn, ThreadedHandler, ThreadedIrqReturn};
use kernel::prelude::*;
use kernel::sync::Arc;

/// Both halves of the threaded IRQ.
pub(crate) struct Threaded {
    core: Arc<Core>,
}

impl ThreadedHandler for Threaded {
    fn handle(&self) -> ThreadedIrqReturn {
        if self.core.top_half(PathId::Threaded) {
            ThreadedIrqReturn::WakeThread
        } else {
            ThreadedIrqReturn::Handled
        }
    }

    fn handle_threaded(&self) -> IrqReturn {
        self.core.bottom_half(PathId::Threaded);
        IrqReturn::Handled
    }
}

/// The registered path: `free_irq()` on drop waits for the thread.
pub(crate) type Path = irq::ThreadedRegistration<Threaded>;

/// Requests the `threaded` line with its thread.
pub(crate) fn new(core: Arc<Core>) -> impl PinInit<Path, Error> {
    let irq = core.device.irq(PathId::Threaded);
    irq::ThreadedRegistration::new(
        irq,
        irq::Flags::ONESHOT,
        PathId::Threaded.irq_name(),
        Threaded { core },
    )
}
