// SPDX-License-Identifier: GPL-2.0

//! `tasklet` and `tasklet_hi`: the top half schedules a tasklet, run by
//! `TASKLET_SOFTIRQ` or `HI_SOFTIRQ` (the registry's `softirq`) in softirq
//! context, on the CPU that scheduled it, at interrupt exit or in
//! `ksoftirqd/N`.

use super::{register, Bottom, Defer, PathId, Scheduled, Top, Vector};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::tasklet::{Softirq, Tasklet, TaskletHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl TaskletHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for Tasklet<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `tasklet_schedule()`'s test-and-set of `TASKLET_STATE_SCHED`.
        Scheduled::new_if(Tasklet::schedule(self))
    }
}

/// The registered path. The tasklet is killed after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<Tasklet<Bottom>>>;

/// Requests the line of `path` and sets up its tasklet, on the softirq the
/// registry gives it.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let softirq = match path.info().softirq {
        Vector::Hi => Softirq::Hi,
        Vector::Tasklet => Softirq::Tasklet,
        _ => return Err(EINVAL),
    };
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, Tasklet::new(softirq, value(bottom))))
}
