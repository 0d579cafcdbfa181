// SPDX-License-Identifier: GPL-2.0

//! `kthread`: the top half wakes a kernel thread of the module's own
//! (`irqdefer-thread`), which runs the bottom half in task context.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use crate::kernel_ext::kthread::{KThread, ThreadHandler};
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The thread's name; [`crate::stats::OWN_THREAD_PREFIX`] recognises it.
const THREAD_NAME: &kernel::str::CStr = c_str!("irqdefer-thread");

/// The bottom half, run by the thread whenever a request is pending.
pub(crate) struct Bottom {
    core: Arc<Core>,
}

impl ThreadHandler for Bottom {
    fn has_work(&self) -> bool {
        self.core.stats(PathId::Kthread).is_pending()
    }

    fn run(&self) {
        self.core.bottom_half(PathId::Kthread);
    }
}

/// The top half, owning the thread; dropped after `free_irq()`, when the
/// thread finishes what is pending and stops.
#[pin_data]
pub(crate) struct Top {
    core: Arc<Core>,
    #[pin]
    thread: KThread<Bottom>,
}

impl Handler for Top {
    fn handle(&self) -> IrqReturn {
        if self.core.top_half(PathId::Kthread) {
            self.thread.wake();
        }
        IrqReturn::Handled
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top>;

/// Starts the thread and requests the `kthread` line.
pub(crate) fn new(core: Arc<Core>) -> impl PinInit<Path, Error> {
    let irq = core.device.irq(PathId::Kthread);
    let bottom = Bottom { core: core.clone() };
    irq::Registration::new(
        irq,
        irq::Flags::NONE,
        PathId::Kthread.irq_name(),
        try_pin_init!(Top {
            core,
            thread <- KThread::new(THREAD_NAME, bottom),
        }),
    )
}
