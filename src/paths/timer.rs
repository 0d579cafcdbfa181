// SPDX-License-Identifier: GPL-2.0

//! `timer`: the top half arms a `timer_list` for the next jiffy; it runs
//! from `TIMER_SOFTIRQ`, in softirq context. Latency is at least the time
//! to the next tick.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::timer::{Timer, TimerHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl TimerHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for Timer<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `mod_timer()` returns whether the timer was pending.
        Scheduled::new_if(!self.arm_next_tick())
    }
}

/// The registered path. The timer is shut down after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<Timer<Bottom>>>;

/// Requests the line of `path` and sets up its timer.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, Timer::new(value(bottom))))
}
