// SPDX-License-Identifier: GPL-2.0

//! A kernel thread that sleeps until work is queued to it and then runs its
//! handler; stopped (after running what is queued) when dropped. And
//! [`run_bound`]: one function run in a thread of its own on a given CPU.
//!
//! C header: [`include/linux/kthread.h`](srctree/include/linux/kthread.h)

use super::completion::Completion;
use super::ffi;
// `get_task_struct()` is an inline: the shim's on 6.12, a helper bound in
// `kernel::bindings` on 7.x.
#[cfg(not(irqdefer_series_7))]
use super::ffi::irqdefer_get_task_struct as get_task_struct;
use core::cell::UnsafeCell;
use core::marker::PhantomPinned;
use core::sync::atomic::{
    AtomicBool, AtomicI32,
    Ordering::{AcqRel, Acquire, Release},
};
use kernel::bindings;
#[cfg(irqdefer_series_7)]
use kernel::bindings::get_task_struct;
use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;

/// What a [`KThread`] does.
pub(crate) trait ThreadHandler: Sync {
    /// Does the queued work, in the thread (task context, may sleep).
    fn run(&self);
}

/// What the thread uses: the handler, and whether a run is queued.
#[pin_data]
struct Shared<T> {
    #[pin]
    handler: T,
    /// A run is queued and has not started: set by [`KThread::queue`],
    /// cleared by the thread just before it runs the handler.
    queued: AtomicBool,
}

/// A kernel thread owning its handler.
///
/// # Invariants
///
/// `task` is a running kernel thread, with a reference held, whose data is
/// `&shared`; it runs [`thread_fn::<T>`] until stopped in drop.
#[pin_data(PinnedDrop)]
pub(crate) struct KThread<T: ThreadHandler + 'static> {
    #[pin]
    shared: Shared<T>,
    task: *mut bindings::task_struct,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: Queueing to and stopping a thread may be done from any thread.
unsafe impl<T: ThreadHandler + Send + 'static> Send for KThread<T> {}
// SAFETY: `queue` may be called concurrently from any context.
unsafe impl<T: ThreadHandler + 'static> Sync for KThread<T> {}

impl<T: ThreadHandler + 'static> KThread<T> {
    /// Starts thread `name` running `handler`.
    pub(crate) fn new(
        name: &'static CStr,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            shared <- try_pin_init!(Shared {
                handler <- handler,
                queued: AtomicBool::new(false),
            }),
            task: {
                // SAFETY: `shared` is initialised and pinned; the thread uses only it. The
                // format "%s" takes `name`, a valid string.
                let task = unsafe {
                    bindings::kthread_create_on_node(
                        Some(thread_fn::<T>),
                        core::ptr::addr_of_mut!((*this.as_ptr()).shared).cast::<c_void>(),
                        bindings::NUMA_NO_NODE,
                        kernel::c_str!("%s").as_char_ptr(),
                        name.as_char_ptr(),
                    )
                };
                let task = kernel::error::from_err_ptr(task)?;
                // SAFETY: `task` is a new, live thread: hold a reference
                // for `kthread_stop_put`, then let it run.
                unsafe {
                    get_task_struct(task);
                    bindings::wake_up_process(task);
                }
                task
            },
            _pin: PhantomPinned,
        })
    }

    /// Queues a run of the handler and wakes the thread. Returns `false` if
    /// a run was already queued and has not started: this request then
    /// merges into it. Callable from any context, hard interrupts included.
    pub(crate) fn queue(&self) -> bool {
        if self.shared.queued.swap(true, AcqRel) {
            return false;
        }
        // `wake_up_process` orders the store above before its check of the
        // thread's state, which the thread sets before it reads `queued`.
        // SAFETY: `task` is alive: we hold a reference (type invariant).
        unsafe { bindings::wake_up_process(self.task) };
        true
    }
}

#[pinned_drop]
impl<T: ThreadHandler + 'static> PinnedDrop for KThread<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `task` is our thread, with our reference. It returns once it should stop
        // and nothing is queued; this waits for that and drops the reference.
        unsafe { bindings::kthread_stop_put(self.task) };
    }
}

/// # Safety
///
/// `data` must point at the pinned `shared` of a live [`KThread<T>`],
/// which outlives the thread.
unsafe extern "C" fn thread_fn<T: ThreadHandler + 'static>(data: *mut c_void) -> c_int {
    // SAFETY: Guaranteed by the caller: `KThread` stops the thread before
    // `shared` is dropped.
    let shared = unsafe { &*data.cast::<Shared<T>>() };
    loop {
        // SAFETY: Marks `current` (this thread) as about to sleep.
        unsafe { ffi::irqdefer_set_current_interruptible() };
        // SAFETY: Called from a kthread.
        let stop = unsafe { bindings::kthread_should_stop() };
        if !shared.queued.load(Acquire) {
            if stop {
                break;
            }
            // SAFETY: Sleeps until woken; a wake-up after the check above
            // makes this return at once.
            unsafe { bindings::schedule() };
        }
        // SAFETY: `current` is this thread.
        unsafe { ffi::irqdefer_set_current_running() };
        // Take the request, then run it: a request queued from now on
        // queues a new run.
        if shared.queued.swap(false, AcqRel) {
            shared.handler.run();
        }
    }
    // SAFETY: `current` is this thread.
    unsafe { ffi::irqdefer_set_current_running() };
    0
}

/// A function run by [`run_bound`], and what it returned.
#[pin_data]
struct Job<F> {
    /// Taken once, by the thread.
    f: UnsafeCell<Option<F>>,
    /// What `f` returned, as an errno (0: `Ok`).
    errno: AtomicI32,
    /// Completed when `f` has returned.
    #[pin]
    done: Completion,
}

/// Runs `f` in a new kernel thread `name`, bound to `cpu` from its start
/// (`kthread_bind()`), and waits for it; returns what `f` returned. `f` is
/// given a function that says whether it should stop: the caller got a
/// fatal signal, and then returns `Err(EINTR)` once `f` has returned (or at
/// once, if `f` had not started). A thread of its own, unlike
/// `work_on_cpu()`, shares no workqueue pool with anything `f` measures.
/// If `cpu` goes offline the thread runs elsewhere: `f` checks where it
/// runs. Must be called where sleeping is legal.
pub(crate) fn run_bound<F>(cpu: u32, name: &CStr, f: F) -> Result
where
    F: FnOnce(&dyn Fn() -> bool) -> Result + Send,
{
    super::compat::stack_pin_init!(let job = pin_init!(Job {
        f: UnsafeCell::new(Some(f)),
        errno: AtomicI32::new(0),
        done <- Completion::new(),
    }));
    // `kthread_stop_put` below waits for the thread to exit.
    // SAFETY: `job` is pinned and outlives the thread; the format "%s"
    // takes `name`, a valid string.
    let task = unsafe {
        bindings::kthread_create_on_node(
            Some(bound_fn::<F>),
            core::ptr::from_ref::<Job<F>>(&*job)
                .cast_mut()
                .cast::<c_void>(),
            bindings::NUMA_NO_NODE,
            kernel::c_str!("%s").as_char_ptr(),
            name.as_char_ptr(),
        )
    };
    let task = kernel::error::from_err_ptr(task)?;
    // Hold a reference for `kthread_stop_put`, then let it run.
    // SAFETY: `task` is a new thread that has not run yet, as
    // `kthread_bind()` needs.
    unsafe {
        bindings::kthread_bind(task, cpu);
        get_task_struct(task);
        bindings::wake_up_process(task);
    }
    let waited = job.done.wait_killable();
    // On a fatal signal its function sees `kthread_should_stop()` and
    // returns; else it has returned already. This waits for the exit.
    // SAFETY: `task` is our thread, with our reference.
    unsafe { bindings::kthread_stop_put(task) };
    match job.errno.load(Acquire) {
        0 => waited,
        errno => Err(Error::from_errno(errno)),
    }
}

/// # Safety
///
/// `data` must point at the pinned `Job<F>` of a [`run_bound`] call, which
/// outlives the thread.
unsafe extern "C" fn bound_fn<F>(data: *mut c_void) -> c_int
where
    F: FnOnce(&dyn Fn() -> bool) -> Result + Send,
{
    // SAFETY: Guaranteed by the caller.
    let job = unsafe { &*data.cast::<Job<F>>() };
    // SAFETY: This thread is the only one to touch `f` until it exits.
    if let Some(f) = unsafe { (*job.f.get()).take() } {
        // SAFETY: Called from a kthread (this one).
        let stop = || unsafe { bindings::kthread_should_stop() };
        let errno = match f(&stop) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        };
        job.errno.store(errno, Release);
    }
    job.done.complete_all();
    // Exit only when `kthread_stop_put` asks: it holds the task until then.
    loop {
        // SAFETY: Marks `current` (this thread) as about to sleep.
        unsafe { ffi::irqdefer_set_current_interruptible() };
        // SAFETY: Called from a kthread.
        if unsafe { bindings::kthread_should_stop() } {
            break;
        }
        // SAFETY: Sleeps until `kthread_stop_put` wakes it.
        unsafe { bindings::schedule() };
    }
    // SAFETY: `current` is this thread.
    unsafe { ffi::irqdefer_set_current_running() };
    0
}
