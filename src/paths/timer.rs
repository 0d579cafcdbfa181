// SPDX-License-Identifier: GPL-2.0

//! `timer`: the top half arms a `timer_list` for the next jiffy; it runs
//! from `TIMER_SOFTIRQ`, in softirq context. Latency is at least the time
//! to the next tick.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use crate::kernel_ext::timer::{Timer, TimerHandler};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The bottom half.
pub(crate) struct Bottom {
    core: Arc<Core>,
}

impl TimerHandler for Bottom {
    fn run(&self) {
        self.core.bottom_half(PathId::Timer);
    }
}

/// The top half, owning the timer; dropped after `free_irq()`.
#[pin_data]
pub(crate) struct Top {
    core: Arc<Core>,
    #[pin]
    timer: Timer<Bottom>,
}

impl Handler for Top {
    fn handle(&self) -> IrqReturn {
        if self.core.top_half(PathId::Timer) && self.timer.arm_next_tick() {
            self.core.stats(PathId::Timer).count_mismatch();
        }
        IrqReturn::Handled
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top>;

/// Requests the `timer` line and sets up its timer.
pub(crate) fn new(core: Arc<Core>) -> impl PinInit<Path, Error> {
    let irq = core.device.irq(PathId::Timer);
    let bottom = Bottom { core: core.clone() };
    irq::Registration::new(
        irq,
        irq::Flags::NONE,
        PathId::Timer.irq_name(),
        try_pin_init!(Top {
            core,
            timer <- Timer::new(bottom),
        }),
    )
}
