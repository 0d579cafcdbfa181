// SPDX-License-Identifier: GPL-2.0

//! RCU callbacks: `call_rcu()` runs a callback once a grace period has
//! passed, in `RCU_SOFTIRQ` (or, with `rcutree.use_softirq=0`, in
//! `rcuc/N`; with `rcu_nocbs`, in an `rcuo` thread).
//!
//! An [`RcuCallback`] is pinned and owns its handler and one `rcu_head`,
//! queued at most once at a time: [`RcuCallback::call`] answers whether it
//! queued it, as `call_rcu()` itself cannot. Dropping it waits with
//! `rcu_barrier()` for a queued callback to run and finish.
//!
//! C header: [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h)

use core::marker::PhantomPinned;
use core::sync::atomic::{
    AtomicBool,
    Ordering::{AcqRel, Release},
};
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::Opaque;

/// What an RCU callback runs.
pub(crate) trait RcuHandler: Sync {
    /// Runs after a grace period: in softirq context with the kernel's
    /// defaults. Must not sleep.
    fn run(&self);
}

/// An `rcu_head` with its handler.
///
/// # Invariants
///
/// `head` is queued by `call_rcu` with [`run_callback::<T>`] only while
/// `pending` is set, and `pending` is cleared only by that callback; `self`
/// is pinned, so the callback can find `handler` from `head`'s address.
#[pin_data(PinnedDrop)]
pub(crate) struct RcuCallback<T: RcuHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    head: Opaque<bindings::callback_head>,
    /// `head` is queued and its callback has not started.
    pending: AtomicBool,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The callback may run on any CPU; `T: Sync`. `head` is queued
// once at a time (`pending`), through `call_rcu`, which any CPU may call.
unsafe impl<T: RcuHandler + Send + 'static> Send for RcuCallback<T> {}
// SAFETY: `call` may be called from any context and CPU at once.
unsafe impl<T: RcuHandler + 'static> Sync for RcuCallback<T> {}

impl<T: RcuHandler + 'static> RcuCallback<T> {
    /// A callback running `handler`, not queued.
    pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            head: Opaque::uninit(),
            pending: AtomicBool::new(false),
            _pin: PhantomPinned,
        })
    }

    /// Queues the callback for after the next grace period. Returns
    /// `false` if it is already queued and has not started: this request
    /// then merges into that run (an `rcu_head` may be queued only once at
    /// a time). Callable from any context, hard interrupts included.
    pub(crate) fn call(&self) -> bool {
        if self.pending.swap(true, AcqRel) {
            return false;
        }
        // `head` is not queued: `pending` was clear, so its callback started
        // and RCU no longer uses it. Drop waits for it with `rcu_barrier`.
        // SAFETY: `head` is unqueued (above) and lives as long as `self`.
        unsafe { bindings::call_rcu(self.head.get(), Some(run_callback::<T>)) };
        true
    }
}

/// `rcu_barrier()`: waits for every RCU callback queued so far.
#[cfg(not(irqdefer_series_7))]
fn rcu_barrier() {
    // SAFETY: `rcu_barrier()` has no preconditions; it may sleep, as
    // `drop` may here.
    unsafe { bindings::rcu_barrier() };
}
#[cfg(irqdefer_series_7)]
use kernel::sync::rcu::rcu_barrier;

#[pinned_drop]
impl<T: RcuHandler + 'static> PinnedDrop for RcuCallback<T> {
    fn drop(self: Pin<&mut Self>) {
        // Waits for every callback queued before it to run and finish, ours included; the
        // owner no longer calls `call` (it drops its IRQ first), so none runs after this.
        rcu_barrier();
    }
}

/// # Safety
///
/// `head` must be the `head` field of a live [`RcuCallback<T>`].
unsafe extern "C" fn run_callback<T: RcuHandler + 'static>(head: *mut bindings::callback_head) {
    // SAFETY: `head` points at `head` of a pinned `RcuCallback<T>`;
    // `Opaque` is `repr(transparent)`, so `container_of!` finds it.
    let cb = unsafe {
        &*kernel::container_of!(
            head.cast::<Opaque<bindings::callback_head>>(),
            RcuCallback<T>,
            head
        )
    };
    // The head is free again: a request from now on queues a new run.
    cb.pending.store(false, Release);
    cb.handler.run();
}
