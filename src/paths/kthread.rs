// SPDX-License-Identifier: GPL-2.0

//! `kthread`: the top half queues a request to a kernel thread of the
//! module's own (`irqdefer-thread`) and wakes it; the thread runs the
//! bottom half in task context.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::kthread::{KThread, ThreadHandler};
use crate::shared::Core;
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The thread's name; [`crate::logic::context::OWN_THREAD_PREFIX`] recognises it.
/// The thread's name (its comm), published in the registry (`thread=`).
pub(crate) const THREAD_NAME: &kernel::str::CStr = c_str!("irqdefer-thread");

impl ThreadHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for KThread<Bottom> {
    fn schedule(&self) -> Scheduled {
        // The thread's own queued flag, as a `kthread_worker`'s queue
        // would answer. (`wake_up_process()`'s return says whether the
        // thread was asleep, not whether a request was pending: a thread
        // still finishing the previous run is awake with none pending.)
        Scheduled::new_if(self.queue())
    }
}

/// The registered path. The thread finishes what is queued and stops
/// after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<KThread<Bottom>>>;

/// Starts the thread and requests the line of `path`.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(
        core,
        path,
        KThread::new(THREAD_NAME, value(bottom)),
    ))
}
