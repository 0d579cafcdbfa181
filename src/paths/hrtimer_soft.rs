// SPDX-License-Identifier: GPL-2.0

//! `hrtimer_soft`: the top half starts an hrtimer in `HRTIMER_MODE_REL_SOFT`
//! expiring at once; it runs from `HRTIMER_SOFTIRQ`, in softirq context.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::hrtimer::{HrTimer, HrTimerHandler, Restart, Soft};
use crate::kernel_ext::irq;
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl HrTimerHandler for Bottom {
    type Mode = Soft;

    fn run(&self) -> Restart {
        Bottom::run(self);
        Restart::No
    }
}

impl Defer for HrTimer<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `hrtimer_start()` returns nothing: ask `hrtimer_is_queued()`
        // first. The kernel dequeues the timer before its callback runs,
        // and the top halves of one line never run at once, so the answer
        // holds until the start: queued means a bottom half is pending.
        let pending = self.is_queued();
        self.start(0);
        Scheduled::new_if(!pending)
    }
}

/// The registered path. The hrtimer is cancelled after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<HrTimer<Bottom>>>;

/// Requests the line of `path` and sets up its hrtimer.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, HrTimer::new(value(bottom))))
}
