// SPDX-License-Identifier: GPL-2.0

//! `kthread_worker`: the top half queues a `kthread_work` on a
//! `kthread_worker` of the module's own, made `SCHED_FIFO` (priority 50)
//! with `sched_set_fifo()`: the pattern real-time drivers use. The worker
//! thread, `irqdefer-worker`, runs the bottom half in task context and
//! preempts every `SCHED_NORMAL` task on its CPU.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::kthread_worker::{KWorkHandler, KWorker};
use crate::shared::Core;
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The worker thread's name (at most 15 characters, `TASK_COMM_LEN`);
/// [`crate::logic::context::OWN_THREAD_PREFIX`] recognises it. Not `kworker/...`:
/// that is the workqueues' (`task_kworker`).
/// The worker's name (its comm), published in the registry (`thread=`).
pub(crate) const WORKER_NAME: &kernel::str::CStr = c_str!("irqdefer-worker");

impl KWorkHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for KWorker<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `kthread_queue_work()`: false if the work is queued and has not
        // started.
        Scheduled::new_if(self.queue())
    }
}

/// The registered path. The worker runs what is queued and is destroyed
/// after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<KWorker<Bottom>>>;

/// Starts the worker and requests the line of `path`.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    // SCHED_FIFO: the worker preempts every normal task on its CPU.
    Ok(register(
        core,
        path,
        KWorker::new(WORKER_NAME, true, value(bottom)),
    ))
}
