// SPDX-License-Identifier: GPL-2.0

//! `threaded`: a threaded IRQ (`request_threaded_irq()`, `IRQF_ONESHOT`).
//! The top half wakes the IRQ thread `irq/N-irqdefer-threaded`, which runs
//! the bottom half in task context, where it may sleep.

use super::{Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq::{self, IrqReturn, ThreadedHandler, ThreadedIrqReturn};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The mechanism: the IRQ core wakes the thread when the top half returns
/// [`ThreadedIrqReturn::WakeThread`].
pub(crate) struct WakeThread;

impl Defer for WakeThread {
    fn schedule(&self) -> Scheduled {
        // The wake-up is the top half's return value. With `IRQF_ONESHOT`
        // the line stays masked until the thread has run, so no top half
        // runs while a thread run is pending: the kernel's answer is
        // always new.
        Scheduled::New
    }
}

impl ThreadedHandler for Top<WakeThread> {
    fn handle(&self) -> ThreadedIrqReturn {
        if self.request() {
            ThreadedIrqReturn::WakeThread
        } else {
            ThreadedIrqReturn::Handled
        }
    }

    fn handle_threaded(&self) -> IrqReturn {
        self.core.bottom_half(self.path);
        IrqReturn::Handled
    }
}

/// The registered path: `free_irq()` on drop waits for the thread.
pub(crate) type Path = irq::ThreadedRegistration<Top<WakeThread>>;

/// Requests the line of `path` with its thread.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let irq = core.device.irq(path);
    Ok(irq::ThreadedRegistration::new(
        irq,
        irq::Flags::ONESHOT,
        path.irq_name(),
        value(Top {
            core,
            path,
            defer: WakeThread,
        }),
    ))
}
