// SPDX-License-Identifier: GPL-2.0

//! `hrtimer_soft`: the top half starts an hrtimer in `HRTIMER_MODE_REL_SOFT`
//! expiring at once; it runs from `HRTIMER_SOFTIRQ`, in softirq context.

use super::{Core, PathId};
use crate::kernel_ext::hrtimer::{HrTimer, HrTimerHandler, Mode, Restart};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The bottom half.
pub(crate) struct Bottom {
    core: Arc<Core>,
}

impl HrTimerHandler for Bottom {
    fn run(&self) -> Restart {
        self.core.bottom_half(PathId::HrtimerSoft);
        Restart::No
    }
}

/// The top half, owning the hrtimer; dropped after `free_irq()`.
#[pin_data]
pub(crate) struct Top {
    core: Arc<Core>,
    #[pin]
    timer: HrTimer<Bottom>,
}

impl Handler for Top {
    fn handle(&self) -> IrqReturn {
        if self.core.top_half(PathId::HrtimerSoft) {
            self.timer.start(0);
        }
        IrqReturn::Handled
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top>;

/// Requests the `hrtimer_soft` line and sets up its hrtimer.
pub(crate) fn new(core: Arc<Core>) -> impl PinInit<Path, Error> {
    let irq = core.device.irq(PathId::HrtimerSoft);
    let bottom = Bottom { core: core.clone() };
    irq::Registration::new(
        irq,
        irq::Flags::NONE,
        PathId::HrtimerSoft.irq_name(),
        try_pin_init!(Top {
            core,
            timer <- HrTimer::new(Mode::Soft, bottom),
        }),
    )
}
