// SPDX-License-Identifier: GPL-2.0

//! `wq`, `wq_highpri`, `wq_unbound`, `wq_own`: the top half queues a work
//! item, run by a `kworker` thread in task context, where it may sleep.
//!
//! - `wq`: `system_wq`, per-CPU workers, on the queueing CPU.
//! - `wq_highpri`: `system_highpri_wq`, per-CPU workers at nice -20
//!   (`kworker/N:MH`).
//! - `wq_unbound`: `system_unbound_wq`, workers not bound to a CPU.
//! - `wq_own`: `alloc_workqueue("irqdefer_wq", WQ_MEM_RECLAIM, 1)`: a
//!   per-CPU queue of the module's own, with a rescuer thread and at most
//!   one item in flight per CPU.
//!
//! `bh_wq` (see `bh_wq.rs`) uses the same machinery on `system_bh_wq`.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use crate::kernel_ext::workqueue::{self as wq_ext, OwnedQueue};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::workqueue::{self, Queue, Work, WorkItem};
use kernel::{c_str, impl_has_work, new_work};

/// The bottom half: a work item.
#[pin_data]
pub(crate) struct Bottom {
    core: Arc<Core>,
    path: PathId,
    #[pin]
    work: Work<Bottom>,
}

impl_has_work! {
    impl HasWork<Self> for Bottom { self.work }
}

impl WorkItem for Bottom {
    type Pointer = Arc<Bottom>;

    fn run(this: Arc<Bottom>) {
        this.core.bottom_half(this.path);
    }
}

/// Where the work goes.
pub(crate) enum Target {
    /// A queue of the kernel's.
    System(&'static Queue),
    /// A queue irqdefer allocates.
    Owned(OwnedQueue),
}

/// The top half, owning the work item and its queue. Dropped after
/// `free_irq()`: waits for the last queued run, then frees the queue.
pub(crate) struct Top {
    core: Arc<Core>,
    item: Arc<Bottom>,
    target: Target,
}

impl Top {
    fn queue(&self) -> &Queue {
        match &self.target {
            Target::System(q) => q,
            Target::Owned(q) => q,
        }
    }
}

impl Handler for Top {
    fn handle(&self) -> IrqReturn {
        let path = self.item.path;
        if self.core.top_half(path) && self.queue().enqueue(self.item.clone()).is_err() {
            self.core.stats(path).count_mismatch();
        }
        IrqReturn::Handled
    }
}

impl Drop for Top {
    fn drop(&mut self) {
        wq_ext::flush(&self.item.work);
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top>;

/// Requests the line of `path` and sets up its work item on `target`.
///
/// `work` comes from the caller's own `new_work!`, which gives the work
/// item a lockdep class of its own: a class shared by work run in softirq
/// (`bh_wq`) and in task context would look to lockdep like a lock taken
/// both with and without softirqs enabled.
pub(crate) fn with_target(
    core: Arc<Core>,
    path: PathId,
    target: Target,
    work: impl PinInit<Work<Bottom>>,
) -> Result<impl PinInit<Path, Error>> {
    let bottom_core = core.clone();
    let item = Arc::pin_init(
        pin_init!(Bottom {
            core: bottom_core,
            path,
            work <- work,
        }),
        GFP_KERNEL,
    )?;
    let irq = core.device.irq(path);
    Ok(irq::Registration::new(
        irq,
        irq::Flags::NONE,
        path.irq_name(),
        Top { core, item, target },
    ))
}

/// Requests the line of one of the `wq*` paths.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let target = match path {
        PathId::WqHighpri => Target::System(workqueue::system_highpri()),
        PathId::WqUnbound => Target::System(workqueue::system_unbound()),
        PathId::WqOwn => Target::Owned(OwnedQueue::new(
            c_str!("irqdefer_wq"),
            wq_ext::WQ_MEM_RECLAIM,
            1,
        )?),
        _ => Target::System(workqueue::system()),
    };
    with_target(core, path, target, new_work!("irqdefer::wq::Bottom::work"))
}
