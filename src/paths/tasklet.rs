// SPDX-License-Identifier: GPL-2.0

//! `tasklet` and `tasklet_hi`: the top half schedules a tasklet, run by
//! `TASKLET_SOFTIRQ` or `HI_SOFTIRQ` in softirq context, on the CPU that
//! scheduled it, at interrupt exit or in `ksoftirqd/N`.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use crate::kernel_ext::tasklet::{Softirq, Tasklet, TaskletHandler};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The bottom half.
pub(crate) struct Bottom {
    core: Arc<Core>,
    path: PathId,
}

impl TaskletHandler for Bottom {
    fn run(&self) {
        self.core.bottom_half(self.path);
    }
}

/// The top half, owning the tasklet. Dropped after `free_irq()`, so the
/// tasklet is killed when nothing can schedule it any more.
#[pin_data]
pub(crate) struct Top {
    core: Arc<Core>,
    path: PathId,
    #[pin]
    tasklet: Tasklet<Bottom>,
}

impl Handler for Top {
    fn handle(&self) -> IrqReturn {
        if self.core.top_half(self.path) && !self.tasklet.schedule() {
            self.core.stats(self.path).count_mismatch();
        }
        IrqReturn::Handled
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top>;

/// Requests the line of `path` (`Tasklet` or `TaskletHi`) and sets up its
/// tasklet.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> impl PinInit<Path, Error> {
    let softirq = if path == PathId::TaskletHi {
        Softirq::Hi
    } else {
        Softirq::Tasklet
    };
    let irq = core.device.irq(path);
    let bottom = Bottom {
        core: core.clone(),
        path,
    };
    irq::Registration::new(
        irq,
        irq::Flags::NONE,
        path.irq_name(),
        try_pin_init!(Top {
            core,
            path,
            tasklet <- Tasklet::new(softirq, bottom),
        }),
    )
}
