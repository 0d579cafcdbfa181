// SPDX-License-Identifier: GPL-2.0

//! A kernel thread that sleeps until woken and then does its handler's
//! work; stopped (after finishing pending work) when dropped.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)

use super::ffi;
use core::marker::PhantomPinned;
use kernel::bindings;
use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;

/// What a [`KThread`] does.
pub(crate) trait ThreadHandler: Sync {
    /// Whether there is work to do. Checked after the thread marks itself
    /// sleeping, so a waker that makes it true and then calls
    /// [`KThread::wake`] is never missed.
    fn has_work(&self) -> bool;

    /// Does the work, in the thread (task context, may sleep).
    fn run(&self);
}

/// A kernel thread owning its handler.
///
/// # Invariants
///
/// `task` is a running kernel thread, with a reference held, whose data is
/// `&handler`; it runs [`thread_fn::<T>`] until stopped in drop.
#[pin_data(PinnedDrop)]
pub(crate) struct KThread<T: ThreadHandler + 'static> {
    #[pin]
    handler: T,
    task: *mut bindings::task_struct,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: Waking and stopping a thread may be done from any thread.
unsafe impl<T: ThreadHandler + Send + 'static> Send for KThread<T> {}
// SAFETY: `wake` may be called concurrently from any context.
unsafe impl<T: ThreadHandler + 'static> Sync for KThread<T> {}

impl<T: ThreadHandler + 'static> KThread<T> {
    /// Starts thread `name` running `handler`.
    pub(crate) fn new(
        name: &'static CStr,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            task: {
                // SAFETY: `handler` is initialised and pinned; the thread uses only it. The
                // format "%s" takes `name`, a valid string.
                let task = unsafe {
                    bindings::kthread_create_on_node(
                        Some(thread_fn::<T>),
                        core::ptr::addr_of_mut!((*this.as_ptr()).handler).cast::<c_void>(),
                        bindings::NUMA_NO_NODE,
                        kernel::c_str!("%s").as_char_ptr(),
                        name.as_char_ptr(),
                    )
                };
                let task = kernel::error::from_err_ptr(task)?;
                // SAFETY: `task` is a new, live thread: hold a reference
                // for `kthread_stop_put`, then let it run.
                unsafe {
                    ffi::irqdefer_get_task_struct(task);
                    bindings::wake_up_process(task);
                }
                task
            },
            _pin: PhantomPinned,
        })
    }

    /// Wakes the thread. Callable from any context, hard interrupts
    /// included.
    pub(crate) fn wake(&self) {
        // SAFETY: `task` is alive: we hold a reference (type invariant).
        unsafe { bindings::wake_up_process(self.task) };
    }
}

#[pinned_drop]
impl<T: ThreadHandler + 'static> PinnedDrop for KThread<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `task` is our thread, with our reference. It returns once it should stop
        // and no work is left; this waits for that and drops the reference.
        unsafe { bindings::kthread_stop_put(self.task) };
    }
}

/// # Safety
///
/// `data` must point at the pinned `handler` of a live [`KThread<T>`],
/// which outlives the thread.
unsafe extern "C" fn thread_fn<T: ThreadHandler + 'static>(data: *mut c_void) -> c_int {
    // SAFETY: Guaranteed by the caller: `KThread` stops the thread before
    // the handler is dropped.
    let handler = unsafe { &*data.cast::<T>() };
    loop {
        // SAFETY: Marks `current` (this thread) as about to sleep.
        unsafe { ffi::irqdefer_set_current_interruptible() };
        // SAFETY: Called from a kthread.
        let stop = unsafe { bindings::kthread_should_stop() };
        if !handler.has_work() {
            if stop {
                break;
            }
            // SAFETY: Sleeps until woken; a wake-up after the check above
            // makes this return at once.
            unsafe { bindings::schedule() };
        }
        // SAFETY: `current` is this thread.
        unsafe { ffi::irqdefer_set_current_running() };
        if handler.has_work() {
            handler.run();
        }
    }
    // SAFETY: `current` is this thread.
    unsafe { ffi::irqdefer_set_current_running() };
    0
}
