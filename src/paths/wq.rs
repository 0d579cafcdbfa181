// SPDX-License-Identifier: GPL-2.0

//! `wq`, `wq_highpri`, `wq_unbound`, `wq_own`: the top half queues a work
//! item, run by a `kworker` thread in task context, where it may sleep.
//!
//! - `wq`: the per-CPU system queue (`system_percpu_wq`; 6.12: `system_wq`),
//!   per-CPU workers, on the queueing CPU.
//! - `wq_highpri`: `system_highpri_wq`, per-CPU workers at nice -20
//!   (`kworker/N:MH`).
//! - `wq_unbound`: the unbound system queue (`system_dfl_wq`; 6.12:
//!   `system_unbound_wq`), workers not bound to a CPU.
//! - `wq_own`: `alloc_workqueue("irqdefer_wq", WQ_MEM_RECLAIM | WQ_PERCPU, 1)`: a
//!   per-CPU queue of the module's own, with a rescuer thread and at most
//!   one item in flight per CPU.
//!
//! `bh_wq` (see `bh_wq.rs`) uses the same machinery on `system_bh_wq`.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::workqueue::{self as wq_ext, OwnedQueue, WorkFn};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::workqueue::{self, Queue, Work, WorkItem};
use kernel::{c_str, impl_has_work, new_work};

/// The bottom half as a work item.
#[pin_data]
pub(crate) struct Item {
    bottom: Bottom,
    #[pin]
    work: Work<Item>,
}

impl_has_work! {
    impl HasWork<Self> for Item { self.work }
}

impl WorkItem for Item {
    type Pointer = Arc<Item>;

    fn run(this: Arc<Item>) {
        this.bottom.run();
    }
}

// Each path's work function, named `irqdefer_<path>_work` for the kernel's
// tools (`workqueue_execute_start`'s `function=`, perf kwork, bcc's wqlat;
// `irqdefer_load.sh` finds each in `/proc/kallsyms`).
wq_ext::work_fns! { Item {
    WQ = irqdefer_wq_work,
    WQ_HIGHPRI = irqdefer_wq_highpri_work,
    WQ_UNBOUND = irqdefer_wq_unbound_work,
    WQ_OWN = irqdefer_wq_own_work,
    BH_WQ = irqdefer_bh_wq_work,
} }

/// Where the work goes.
pub(crate) enum Target {
    /// A queue of the kernel's.
    System(&'static Queue),
    /// A queue irqdefer allocates.
    Owned(OwnedQueue),
}

/// The mechanism: the work item and its queue. Dropped after `free_irq()`:
/// waits for the last queued run, then frees the queue.
pub(crate) struct Queued {
    item: Arc<Item>,
    target: Target,
}

impl Queued {
    fn queue(&self) -> &Queue {
        match &self.target {
            Target::System(q) => q,
            Target::Owned(q) => q,
        }
    }
}

impl Defer for Queued {
    fn schedule(&self) -> Scheduled {
        // `queue_work()`'s test-and-set of `WORK_STRUCT_PENDING`.
        Scheduled::new_if(self.queue().enqueue(self.item.clone()).is_ok())
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        wq_ext::flush(&self.item.work);
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top<Queued>>;

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
    work: impl PinInit<Work<Item>>,
    run: WorkFn<Item>,
) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    let item = Arc::pin_init(
        pin_init!(Item {
            bottom,
            work <- wq_ext::named(work, run),
        }),
        GFP_KERNEL,
    )?;
    Ok(register(core, path, value(Queued { item, target })))
}

/// The workqueue a path queues on: the registry's parameter.
#[derive(Clone, Copy)]
pub(crate) enum On {
    /// `system_percpu_wq` (6.12: `system_wq`).
    System,
    /// `system_highpri_wq`.
    SystemHighpri,
    /// `system_dfl_wq` (6.12: `system_unbound_wq`).
    SystemUnbound,
    /// A workqueue of the module's own, `irqdefer_wq`.
    Own,
}

/// Requests the line of `path`, whose work goes on `queue`.
pub(crate) fn new(core: Arc<Core>, path: PathId, queue: On) -> Result<impl PinInit<Path, Error>> {
    let (target, run) = match queue {
        On::System => (Target::System(wq_ext::system_percpu()), WQ),
        On::SystemHighpri => (Target::System(workqueue::system_highpri()), WQ_HIGHPRI),
        On::SystemUnbound => (Target::System(wq_ext::system_dfl()), WQ_UNBOUND),
        On::Own => (
            Target::Owned(OwnedQueue::new(
                c_str!("irqdefer_wq"),
                wq_ext::WQ_MEM_RECLAIM | wq_ext::WQ_PERCPU,
                1,
            )?),
            WQ_OWN,
        ),
    };
    with_target(
        core,
        path,
        target,
        new_work!("irqdefer::wq::Item::work"),
        run,
    )
}
