// SPDX-License-Identifier: GPL-2.0

//! `irq_poll`: the block and RDMA drivers' NAPI. A driver's interrupt
//! handler calls `irq_poll_sched()`; the instance is put on the CPU's
//! list and `IRQ_POLL_SOFTIRQ` polls it, at interrupt exit or in
//! `ksoftirqd/N`, with a budget (its weight). A poll that does less than
//! its budget completes (`irq_poll_complete()`).
//!
//! Unlike NAPI, `irq_poll_sched()` tells nobody that the instance was
//! already scheduled, and it drops a request that arrives while the poll
//! runs: a driver re-arms its interrupt after completing and polls the
//! hardware again. An [`IrqPoll`] keeps that request itself (`owed`) and
//! schedules again after completing, so that nothing is lost; a request
//! merges only into a poll that was asked for and has not started.
//!
//! An [`IrqPoll`] is pinned, owns its handler, and is disabled when
//! dropped, after its owed poll has run: `irq_poll_disable()` waits for a
//! scheduled or running poll.
//!
//! C header: [`include/linux/irq_poll.h`](srctree/include/linux/irq_poll.h)

use super::ffi;
use core::marker::PhantomPinned;
use core::sync::atomic::{fence, AtomicBool, Ordering::SeqCst};
use kernel::bindings;
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::types::Opaque;

/// The budget of one poll: what block drivers give (`IRQ_POLL_WEIGHT`
/// is not a kernel constant; `irq_poll_budget` is 256 per softirq run).
const WEIGHT: c_int = 64;

/// What an irq_poll instance polls.
pub(crate) trait IrqPollHandler: Sync {
    /// Polls, in `IRQ_POLL_SOFTIRQ`. Never concurrently with itself; must
    /// not sleep.
    fn poll(&self);
}

/// An irq_poll instance with its handler.
///
/// # Invariants
///
/// `raw` was set up by `irq_poll_init` with [`poll_callback::<T>`] and is
/// enabled until drop; `self` is pinned, so the callback can find
/// `handler` from `raw`'s address.
#[pin_data(PinnedDrop)]
pub(crate) struct IrqPoll<T: IrqPollHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    raw: Opaque<ffi::irq_poll>,
    /// A poll was asked for and has not started.
    owed: AtomicBool,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: Polls run on any CPU; `T: Sync`. Scheduling goes through the
// instance's atomic state.
unsafe impl<T: IrqPollHandler + Send + 'static> Send for IrqPoll<T> {}
// SAFETY: `schedule` may be called from any context and CPU at once.
unsafe impl<T: IrqPollHandler + 'static> Sync for IrqPoll<T> {}

impl<T: IrqPollHandler + 'static> IrqPoll<T> {
    /// An irq_poll instance running `handler`.
    pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            // SAFETY: `slot` is valid for writes; `irq_poll_init` fully initialises it.
            // `poll_callback::<T>` has the right signature.
            raw <- Opaque::ffi_init(|slot| unsafe {
                ffi::irq_poll_init(slot, WEIGHT, Some(poll_callback::<T>))
            }),
            owed: AtomicBool::new(false),
            _pin: PhantomPinned,
        })
    }

    /// Schedules a poll (`irq_poll_sched()`) on the current CPU. Returns
    /// `false` if one was asked for and has not started: this request
    /// then merges into it. Callable from hard interrupt context.
    pub(crate) fn schedule(&self) -> bool {
        if self.owed.swap(true, SeqCst) {
            return false;
        }
        // A poll under way keeps `IRQ_POLL_F_SCHED` and this call does nothing: that poll
        // sees `owed` after completing and schedules again.
        // SAFETY: `raw` is set up and enabled (type invariant), alive while `self` is.
        unsafe { ffi::irq_poll_sched(self.raw.get()) };
        true
    }
}

#[pinned_drop]
impl<T: IrqPollHandler + 'static> PinnedDrop for IrqPoll<T> {
    fn drop(self: Pin<&mut Self>) {
        // The owner no longer schedules (it drops its IRQ first). An owed poll is scheduled,
        // or will be by the poll under way after it completes: let it run first, however
        // long, as `tasklet_kill()` waits (an offline CPU's list moves to a live one,
        // `irq_poll_cpu_dead()`). Disabling first would drop that second scheduling.
        while self.owed.load(SeqCst) {
            super::time::msleep(1);
        }
        // SAFETY: `raw` is set up (type invariant). `irq_poll_disable` waits for a scheduled
        // or running poll to complete and leaves the instance disabled.
        unsafe { ffi::irq_poll_disable(self.raw.get()) };
        // A poll that completed may still be reading `owed`: it runs in a softirq, which
        // is an RCU read-side critical section.
        // SAFETY: No preconditions beyond a sleepable context, which drop has.
        unsafe { bindings::synchronize_rcu() };
    }
}

/// # Safety
///
/// `iop` must be the `raw` field of a live [`IrqPoll<T>`].
unsafe extern "C" fn poll_callback<T: IrqPollHandler + 'static>(
    iop: *mut ffi::irq_poll,
    _budget: c_int,
) -> c_int {
    let raw = iop.cast::<Opaque<ffi::irq_poll>>();
    // `Opaque` is `repr(transparent)`, so `container_of!` finds the instance.
    // SAFETY: `iop` points at `raw` of a pinned, live `IrqPoll<T>` (the caller's duty).
    let this = unsafe { &*kernel::container_of!(raw, IrqPoll<T>, raw) };
    // Started: a request from now on is owed a poll of its own.
    this.owed.store(false, SeqCst);
    this.handler.poll();
    // One unit of work, under the budget: the poll is done.
    // SAFETY: `iop` is this poll's instance, scheduled until this call.
    unsafe { ffi::irq_poll_complete(iop) };
    // A request that came while this poll ran found it scheduled and was dropped by
    // `irq_poll_sched()`: ask again. (Clearing `IRQ_POLL_F_SCHED`, then reading `owed`,
    // against setting `owed`, then testing the bit: the fence orders each side.)
    fence(SeqCst);
    if this.owed.load(SeqCst) {
        // SAFETY: `iop` is set up; the owner drains `owed` before disabling it.
        unsafe { ffi::irq_poll_sched(iop) };
    }
    1
}
