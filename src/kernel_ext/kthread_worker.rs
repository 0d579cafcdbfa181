// SPDX-License-Identifier: GPL-2.0

//! A `kthread_worker` with one work item: the kernel's own "kernel thread
//! that runs queued work", as real-time drivers use it (a worker of their
//! own, made `SCHED_FIFO`). Destroyed when dropped: `kthread_destroy_worker()`
//! flushes the queued work, then stops the thread.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)

use super::ffi;
use core::marker::PhantomPinned;
use core::ptr::NonNull;
use kernel::bindings;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::types::Opaque;

/// What a [`KWorker`]'s work item does.
pub(crate) trait KWorkHandler: Sync {
    /// Runs the work, in the worker thread (task context, may sleep).
    fn run(&self);
}

/// A `kthread_worker` and one work item of its, with the work's handler.
///
/// # Invariants
///
/// `work` was set up by `kthread_init_work` with [`run_callback::<T>`];
/// `worker` is a live worker owned by `self`, destroyed in drop. `self`
/// is pinned, so the callback can find `handler` from `work`'s address.
#[pin_data(PinnedDrop)]
pub(crate) struct KWorker<T: KWorkHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    work: Opaque<bindings::kthread_work>,
    worker: NonNull<bindings::kthread_worker>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The worker thread runs the work; `T: Sync`. Queueing and
// destroying a worker go through its lock and may happen on any thread.
unsafe impl<T: KWorkHandler + Send + 'static> Send for KWorker<T> {}
// SAFETY: `queue` may be called from any context and CPU at once.
unsafe impl<T: KWorkHandler + 'static> Sync for KWorker<T> {}

impl<T: KWorkHandler + 'static> KWorker<T> {
    /// Starts worker thread `name`, `SCHED_FIFO` at priority 50
    /// (`sched_set_fifo()`) if `fifo`, else `SCHED_NORMAL`, and sets up its
    /// work item to run `handler`.
    pub(crate) fn new(
        name: &'static CStr,
        fifo: bool,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            // SAFETY: `slot` is valid for writes; `kthread_init_work` fully
            // initialises it. `run_callback::<T>` has the right signature.
            work <- Opaque::ffi_init(|slot| unsafe {
                ffi::irqdefer_kthread_init_work(slot, Some(run_callback::<T>))
            }),
            worker: {
                // SAFETY: `name` is a valid string (copied).
                let worker = unsafe { ffi::irqdefer_kthread_create_worker(name.as_char_ptr()) };
                let worker = kernel::error::from_err_ptr(worker)?;
                let worker = NonNull::new(worker).ok_or(ENOMEM)?;
                if fifo {
                    // SAFETY: `worker` is live, and its `task` is its running thread, set by
                    // `kthread_create_worker` and kept until `kthread_destroy_worker`.
                    unsafe { bindings::sched_set_fifo((*worker.as_ptr()).task) };
                }
                // INVARIANT: a live worker, ours.
                worker
            },
            _pin: PhantomPinned,
        })
    }

    /// Queues the work on the worker and wakes it. Returns `false` if the
    /// work was already queued and has not started: this request then
    /// merges into that run. Callable from any context, hard interrupts
    /// included (the worker's lock is a raw spinlock taken irqsave).
    pub(crate) fn queue(&self) -> bool {
        // SAFETY: `worker` is live and `work` set up (type invariants), both
        // alive while `self` is; the work is only ever queued on `worker`.
        unsafe { bindings::kthread_queue_work(self.worker.as_ptr(), self.work.get()) }
    }
}

#[pinned_drop]
impl<T: KWorkHandler + 'static> PinnedDrop for KWorker<T> {
    fn drop(self: Pin<&mut Self>) {
        // `kthread_destroy_worker` flushes the queued work, stops the thread and frees the
        // worker; the owner no longer queues (it drops its IRQ first).
        // SAFETY: `worker` is ours, and nothing queues on it any more (above).
        unsafe { bindings::kthread_destroy_worker(self.worker.as_ptr()) };
    }
}

/// # Safety
///
/// `w` must be the `work` field of a live [`KWorker<T>`].
unsafe extern "C" fn run_callback<T: KWorkHandler + 'static>(w: *mut bindings::kthread_work) {
    // SAFETY: `w` points at `work` of a pinned `KWorker<T>`; `Opaque` is
    // `repr(transparent)`, so `container_of!` finds it.
    let worker = unsafe {
        &*kernel::container_of!(w.cast::<Opaque<bindings::kthread_work>>(), KWorker<T>, work)
    };
    worker.handler.run();
}
