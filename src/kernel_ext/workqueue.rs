// SPDX-License-Identifier: GPL-2.0

//! What `kernel::workqueue` of 6.12 lacks: the BH workqueue, workqueues a
//! module allocates, and waiting for a work item.
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)

use super::{compat, ffi};
use core::ptr::NonNull;
use kernel::bindings;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::workqueue::{Queue, Work};

/// `system_bh_wq`: work items run in softirq context (`BH` workqueue,
/// since 6.9; the replacement for tasklets).
#[cfg(not(irqdefer_series_7))]
pub(crate) fn system_bh() -> &'static Queue {
    // SAFETY: `system_bh_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_bh_wq) }
}
#[cfg(irqdefer_series_7)]
pub(crate) use kernel::workqueue::system_bh;

/// The per-CPU system workqueue: `system_percpu_wq` on 7.x, where
/// `system_wq` (upstream's `workqueue::system()`) is deprecated and warns
/// at first use; `system_wq` on 6.12, which has no other.
#[cfg(not(irqdefer_series_7))]
pub(crate) use kernel::workqueue::system as system_percpu;
/// The per-CPU system workqueue: `system_percpu_wq` on 7.x, where
/// `system_wq` (upstream's `workqueue::system()`) is deprecated and warns
/// at first use; `system_wq` on 6.12, which has no other.
#[cfg(irqdefer_series_7)]
pub(crate) fn system_percpu() -> &'static Queue {
    // SAFETY: `system_percpu_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_percpu_wq) }
}

/// The unbound system workqueue: `system_dfl_wq` on 7.x, where
/// `system_unbound_wq` is deprecated; `system_unbound_wq` on 6.12.
#[cfg(not(irqdefer_series_7))]
pub(crate) use kernel::workqueue::system_unbound as system_dfl;
/// The unbound system workqueue: `system_dfl_wq` on 7.x, where
/// `system_unbound_wq` is deprecated; `system_unbound_wq` on 6.12.
#[cfg(irqdefer_series_7)]
pub(crate) fn system_dfl() -> &'static Queue {
    // SAFETY: `system_dfl_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_dfl_wq) }
}

/// Waits until the last queueing of `work` has finished running.
/// Returns whether it had to wait. Must be called from a context that may
/// sleep.
pub(crate) fn flush<T: ?Sized, const ID: u64>(work: &Work<T, ID>) -> bool {
    // SAFETY: `work` is an initialised work item, alive for this call.
    unsafe { bindings::flush_work(Work::raw_get(work)) }
}

/// A workqueue allocated by the module, destroyed (after draining) when
/// dropped.
///
/// # Invariants
///
/// `ptr` is a live workqueue owned by `self`.
pub(crate) struct OwnedQueue {
    ptr: NonNull<bindings::workqueue_struct>,
}

// SAFETY: Workqueues may be used and destroyed from any thread.
unsafe impl Send for OwnedQueue {}
// SAFETY: Queueing on a workqueue is thread safe.
unsafe impl Sync for OwnedQueue {}

/// `WQ_MEM_RECLAIM`: the queue has a rescuer thread of its own.
pub(crate) const WQ_MEM_RECLAIM: u32 = bindings::wq_flags_WQ_MEM_RECLAIM;
/// `WQ_PERCPU`: the queue's workers are per CPU (see [`compat::WQ_PERCPU`]).
pub(crate) const WQ_PERCPU: u32 = compat::WQ_PERCPU;

impl OwnedQueue {
    /// `alloc_workqueue(name, flags, max_active)`.
    pub(crate) fn new(name: &'static CStr, flags: u32, max_active: i32) -> Result<Self> {
        // SAFETY: `name` is a valid string (copied).
        let ptr = unsafe { ffi::irqdefer_alloc_workqueue(name.as_char_ptr(), flags, max_active) };
        // INVARIANT: a non-NULL result is a live workqueue we own.
        Ok(Self {
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
        })
    }
}

impl core::ops::Deref for OwnedQueue {
    type Target = Queue;

    fn deref(&self) -> &Queue {
        // SAFETY: `ptr` is live while `self` is, and the result borrows
        // `self`.
        unsafe { Queue::from_raw(self.ptr.as_ptr()) }
    }
}

impl Drop for OwnedQueue {
    fn drop(&mut self) {
        // SAFETY: The queue is ours; `destroy_workqueue` drains it first.
        unsafe { bindings::destroy_workqueue(self.ptr.as_ptr()) };
    }
}
