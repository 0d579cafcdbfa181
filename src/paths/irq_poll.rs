// SPDX-License-Identifier: GPL-2.0

//! `irq_poll`: the top half schedules an irq_poll instance, as a block or
//! RDMA driver's interrupt handler does (`irq_poll_sched()`); the poll runs
//! the bottom half as one unit of work, under its budget, in
//! `IRQ_POLL_SOFTIRQ` on the CPU that scheduled it, at interrupt exit or
//! in `ksoftirqd/N`, and completes.
//!
//! A request that arrives while the poll runs is not merged: the instance
//! polls again after it, see `kernel_ext::irq_poll`.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::irq_poll::{IrqPoll, IrqPollHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl IrqPollHandler for Bottom {
    fn poll(&self) {
        self.run();
    }
}

impl Defer for IrqPoll<Bottom> {
    fn schedule(&self) -> Scheduled {
        // False if a poll was asked for and has not started.
        Scheduled::new_if(IrqPoll::schedule(self))
    }
}

/// The registered path. The instance is disabled after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<IrqPoll<Bottom>>>;

/// Requests the line of `path` and sets up its irq_poll instance.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, IrqPoll::new(value(bottom))))
}
