// SPDX-License-Identifier: GPL-2.0

//! NAPI: the network stack's deferral. A driver's interrupt handler calls
//! `napi_schedule()`; the NAPI instance is put on the CPU's poll list and
//! `NET_RX_SOFTIRQ` polls it, at interrupt exit or in `ksoftirqd/N`, with a
//! budget (its weight, `NAPI_POLL_WEIGHT` = 64 packets). A poll that does
//! less than its budget completes (`napi_complete_done()`); a poll asked
//! for again while it runs is polled again. Threaded NAPI
//! (`dev_set_threaded()`) polls in a kernel thread `napi/<dev>-<id>`
//! instead, with bottom halves disabled.
//!
//! The instance lives on a dummy net device of its own, never registered
//! (no interface appears). A [`Napi`] is pinned, owns its handler, and is
//! disabled and deleted with its device when dropped: `napi_disable()`
//! waits for a scheduled or running poll.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use super::ffi;
use core::marker::PhantomPinned;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering::SeqCst};
use kernel::bindings;
use kernel::error::from_err_ptr;
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::str::CStr;

/// What a NAPI poll does.
pub(crate) trait NapiHandler: Sync {
    /// Polls: in `NET_RX_SOFTIRQ`, or in the `napi/...` thread with bottom
    /// halves disabled. Never concurrently with itself; must not sleep.
    fn poll(&self);
}

/// A NAPI instance on a dummy net device of its own, with its handler.
///
/// # Invariants
///
/// `napi` was created by `irqdefer_napi_create` with [`poll_callback::<T>`]
/// and `self`'s address as its data, is enabled, and is destroyed (with its
/// device) in drop. `self` is pinned, so the callback finds it.
#[pin_data(PinnedDrop)]
pub(crate) struct Napi<T: NapiHandler + 'static> {
    #[pin]
    handler: T,
    /// Poll starts and ends: odd while a poll is under way.
    polls: AtomicU32,
    napi: NonNull<bindings::napi_struct>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: Polls run on any CPU; `T: Sync`. Scheduling goes through the
// instance's atomic state, and destroying it may happen on any thread.
unsafe impl<T: NapiHandler + Send + 'static> Send for Napi<T> {}
// SAFETY: `schedule` may be called from any context and CPU at once.
unsafe impl<T: NapiHandler + 'static> Sync for Napi<T> {}

impl<T: NapiHandler + 'static> Napi<T> {
    /// A NAPI instance on a dummy net device called `name` (at most 15
    /// bytes), polled in `NET_RX_SOFTIRQ`, or by its own kernel thread
    /// `napi/<name>-<id>` if `threaded`.
    pub(crate) fn new(
        name: &'static CStr,
        threaded: bool,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            polls: AtomicU32::new(0),
            // `poll_callback::<T>` reads `this` as its data: pinned, it outlives the
            // instance, and the fields it uses are initialised above, before any poll.
            // On failure the initialiser drops the handler.
            napi: {
                // SAFETY: `name` is a valid string (copied); the callback's signature is
                // right.
                let napi = unsafe {
                    ffi::irqdefer_napi_create(
                        name.as_char_ptr(),
                        Some(poll_callback::<T>),
                        this.as_ptr().cast(),
                        threaded,
                    )
                };
                // INVARIANT: created with `poll_callback::<T>` and `self`'s address as its
                // data.
                from_err_ptr(napi).and_then(|n| NonNull::new(n).ok_or(ENOMEM))?
            },
            _pin: PhantomPinned,
        })
    }

    /// Schedules a poll (`napi_schedule()`) on the current CPU. Returns
    /// `false` if one was already scheduled and had not started: this
    /// request then merges into it. (`napi_schedule()` answers "already
    /// scheduled" for a running poll too, but NAPI then polls again after
    /// it, `NAPI_STATE_MISSED`: that request is not merged, and this
    /// returns `true`.) Callable from hard interrupt context.
    pub(crate) fn schedule(&self) -> bool {
        let before = self.polls.load(SeqCst);
        // SAFETY: `napi` is live and enabled (type invariant) while `self` is.
        let new = unsafe { ffi::irqdefer_napi_schedule(self.napi.as_ptr()) };
        // A poll under way, or one that started or ended meanwhile: runs after this request.
        new || before & 1 == 1 || self.polls.load(SeqCst) != before
    }
}

#[pinned_drop]
impl<T: NapiHandler + 'static> PinnedDrop for Napi<T> {
    fn drop(self: Pin<&mut Self>) {
        // `napi_disable()` waits for a scheduled or running poll, `netif_napi_del()` stops the
        // thread of a threaded instance, then the device is freed. The owner no longer
        // schedules (it drops its IRQ first).
        // SAFETY: `napi` is live (type invariant); nothing schedules it any more.
        unsafe { ffi::irqdefer_napi_destroy(self.napi.as_ptr()) };
    }
}

/// # Safety
///
/// `n` must be the instance of a live [`Napi<T>`].
unsafe extern "C" fn poll_callback<T: NapiHandler + 'static>(
    n: *mut bindings::napi_struct,
    budget: c_int,
) -> c_int {
    // SAFETY: `n` was created with its `Napi<T>`'s address as data (type invariant).
    let napi = unsafe { &*ffi::irqdefer_napi_data(n).cast::<Napi<T>>() };
    // A budget of 0 is netpoll asking for transmit completions only: none here.
    if budget <= 0 {
        return 0;
    }
    napi.polls.fetch_add(1, SeqCst);
    napi.handler.poll();
    // One unit of work, under the budget: the poll is done. `false` means it was asked for
    // again meanwhile, and NAPI polls it again.
    // SAFETY: `n` is this poll's instance, owned by its poller until this call.
    let _ = unsafe { ffi::irqdefer_napi_complete_done(n, 1) };
    // `napi` outlives this callback although the poll is complete: drop's `napi_disable()`
    // may now go ahead, but `netif_napi_del()`'s `synchronize_net()` waits for the callback
    // to return (it runs in an RCU read-side section: `NET_RX_SOFTIRQ`, or the thread with
    // bottom halves disabled), and only then is the `Napi<T>` freed.
    napi.polls.fetch_add(1, SeqCst);
    1
}
