// SPDX-License-Identifier: GPL-2.0

//! Transmit completion: a network driver's interrupt handler frees the
//! packets the device has sent with `dev_kfree_skb_irq()`, which cannot
//! free them there: it queues each on the CPU's completion queue and
//! raises `NET_TX_SOFTIRQ`, whose `net_tx_action()` frees them, at
//! interrupt exit or in `ksoftirqd/N`. An skb's destructor runs as it is
//! freed.
//!
//! A [`TxCompletion`] keeps one skb "sent" (allocated where sleeping is
//! legal, or refilled in the softirq, as a driver's transmit path would)
//! and completes it from the top half; the skb's destructor runs the
//! handler. Each completion is one skb, so requests never merge. It is
//! pinned, and waits when dropped until no skb of its own is queued.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use super::ffi;
use core::marker::PhantomPinned;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering::SeqCst};
use kernel::bindings;
use kernel::prelude::*;

/// What an skb's destructor runs.
pub(crate) trait TxHandler: Sync {
    /// Runs as `NET_TX_SOFTIRQ` frees an skb. Must not sleep. Runs
    /// concurrently with itself if skbs of several CPUs are freed at once.
    fn completed(&self);
}

/// Transmit completion with its handler.
///
/// # Invariants
///
/// `spare` is null or an skb of [`ffi::irqdefer_skb_alloc`] owned by
/// `self`, with `self`'s address as its data. `queued` counts the skbs
/// handed to `dev_kfree_skb_irq()` whose [`destructor::<T>`] has not
/// returned from its use of `self`; `self` is pinned, so the destructor
/// finds it from the skb.
#[pin_data(PinnedDrop)]
pub(crate) struct TxCompletion<T: TxHandler + 'static> {
    #[pin]
    handler: T,
    spare: AtomicPtr<bindings::sk_buff>,
    queued: AtomicU32,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The destructor runs on any CPU; `T: Sync`. `spare` is taken and
// put back atomically.
unsafe impl<T: TxHandler + Send + 'static> Send for TxCompletion<T> {}
// SAFETY: `complete` may be called from any context and CPU at once.
unsafe impl<T: TxHandler + 'static> Sync for TxCompletion<T> {}

impl<T: TxHandler + 'static> TxCompletion<T> {
    /// Transmit completion running `handler`, with its first skb. Sleeps.
    pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            spare: {
                // SAFETY: `irqdefer_skb_alloc` only stores the address; this is process
                // context (GFP_KERNEL).
                let skb = unsafe { ffi::irqdefer_skb_alloc(this.as_ptr().cast(), false) };
                if skb.is_null() {
                    return Err(ENOMEM);
                }
                // INVARIANT: an skb owned by `self`, with `self`'s address as its data.
                AtomicPtr::new(skb)
            },
            queued: AtomicU32::new(0),
            _pin: PhantomPinned,
        })
    }

    /// Completes one skb (`dev_kfree_skb_irq()`) on the current CPU: its
    /// destructor runs the handler in `NET_TX_SOFTIRQ`. Callable from hard
    /// interrupt context. If no skb can be had (the spare is gone and
    /// memory is short), runs the handler here, so that nothing is lost
    /// (its context then shows it), and returns `false`.
    pub(crate) fn complete(&self) -> bool {
        let mut skb = self.spare.swap(null_mut(), SeqCst);
        if skb.is_null() {
            // The last destructor has not refilled it yet.
            // SAFETY: As in `new`; GFP_ATOMIC, as this may be interrupt context.
            skb = unsafe { ffi::irqdefer_skb_alloc(self.owner(), true) };
        }
        if skb.is_null() {
            self.handler.completed();
            return false;
        }
        self.queued.fetch_add(1, SeqCst);
        // SAFETY: `skb` is ours, with `self`'s address as its data (type invariant);
        // `destructor::<T>` has the right signature. Its ownership passes to the softirq.
        unsafe { ffi::irqdefer_skb_free_irq(skb, Some(destructor::<T>)) };
        true
    }

    /// `self`'s address: the data of its skbs.
    fn owner(&self) -> *mut kernel::ffi::c_void {
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// Puts an skb back as the spare, or frees it if there is one.
    fn refill(&self) {
        if !self.spare.load(SeqCst).is_null() {
            return;
        }
        // SAFETY: As in `complete`.
        let skb = unsafe { ffi::irqdefer_skb_alloc(self.owner(), true) };
        if skb.is_null() {
            return;
        }
        if self
            .spare
            .compare_exchange(null_mut(), skb, SeqCst, SeqCst)
            .is_err()
        {
            // SAFETY: `skb` is ours and has no destructor.
            unsafe { ffi::irqdefer_skb_consume(skb) };
        }
    }
}

#[pinned_drop]
impl<T: TxHandler + 'static> PinnedDrop for TxCompletion<T> {
    fn drop(self: Pin<&mut Self>) {
        // The owner no longer completes (it drops its IRQ first): wait for what is queued,
        // however long, as `tasklet_kill()` does. The softirq frees it at an interrupt exit
        // or in `ksoftirqd/N` (an offline CPU's queue moves to a live one, `dev_cpu_dead()`);
        // the destructors use `self` until they count themselves out.
        while self.queued.load(SeqCst) != 0 {
            super::time::msleep(1);
        }
        // A destructor that counted itself out may still be returning: it runs in a
        // softirq, which is an RCU read-side critical section.
        // SAFETY: No preconditions beyond a sleepable context, which drop has.
        unsafe { bindings::synchronize_rcu() };
        let skb = self.spare.swap(null_mut(), SeqCst);
        if !skb.is_null() {
            // SAFETY: The spare is ours and has no destructor (type invariant).
            unsafe { ffi::irqdefer_skb_consume(skb) };
        }
    }
}

/// # Safety
///
/// `skb` must be an skb of a live [`TxCompletion<T>`], handed to
/// `dev_kfree_skb_irq()` by [`TxCompletion::complete`].
unsafe extern "C" fn destructor<T: TxHandler + 'static>(skb: *mut bindings::sk_buff) {
    // SAFETY: The skb's data is its `TxCompletion<T>`'s address (type invariant), alive
    // while `queued` counts this skb.
    let this = unsafe { &*ffi::irqdefer_skb_owner(skb).cast::<TxCompletion<T>>() };
    // The next completion's skb first, then the handler, which lets the next request in.
    this.refill();
    this.handler.completed();
    this.queued.fetch_sub(1, SeqCst);
}
