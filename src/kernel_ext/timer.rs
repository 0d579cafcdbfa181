// SPDX-License-Identifier: GPL-2.0

//! `timer_list` timers: callbacks run by `TIMER_SOFTIRQ` at a jiffy.
//!
//! C header: [`include/linux/timer.h`](srctree/include/linux/timer.h)

use super::ffi;
use core::marker::PhantomPinned;
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::Opaque;

/// What a timer runs, in softirq context.
pub(crate) trait TimerHandler: Sync {
    /// Runs on expiry.
    fn run(&self);
}

/// A timer with its handler, shut down (waiting for a running callback)
/// when dropped.
///
/// # Invariants
///
/// `raw` was set up by `timer_setup` with [`run_callback::<T>`]; `self` is
/// pinned.
#[pin_data(PinnedDrop)]
pub(crate) struct Timer<T: TimerHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    raw: Opaque<bindings::timer_list>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The callback may run on any CPU; `T: Sync`. Arming is done by
// the kernel under its own lock.
unsafe impl<T: TimerHandler + Send + 'static> Send for Timer<T> {}
// SAFETY: `arm_next_tick` may be called concurrently from any context.
unsafe impl<T: TimerHandler + 'static> Sync for Timer<T> {}

impl<T: TimerHandler + 'static> Timer<T> {
    /// A timer running `handler`.
    pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            // SAFETY: `slot` is valid for writes; `timer_setup` fully
            // initialises it with a callback of the right signature.
            raw <- Opaque::ffi_init(|slot| unsafe {
                ffi::irqdefer_timer_setup(slot, run_callback::<T>)
            }),
            _pin: PhantomPinned,
        })
    }

    /// Arms the timer for the next jiffy (`mod_timer(t, jiffies + 1)`).
    /// Returns whether it was already pending. Callable from any context.
    pub(crate) fn arm_next_tick(&self) -> bool {
        // SAFETY: `raw` is a set-up timer, alive while `self` is.
        unsafe { bindings::mod_timer(self.raw.get(), ffi::irqdefer_jiffies().wrapping_add(1)) != 0 }
    }
}

#[pinned_drop]
impl<T: TimerHandler + 'static> PinnedDrop for Timer<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `raw` is a set-up timer. `timer_shutdown_sync` waits for
        // a running callback and keeps the timer from being armed again.
        unsafe { bindings::timer_shutdown_sync(self.raw.get()) };
    }
}

/// # Safety
///
/// `t` must be the `raw` field of a live [`Timer<T>`].
unsafe extern "C" fn run_callback<T: TimerHandler + 'static>(t: *mut bindings::timer_list) {
    // `Opaque` is transparent.
    // SAFETY: `t` is `raw` of a pinned `Timer<T>`.
    let timer =
        unsafe { &*kernel::container_of!(t.cast::<Opaque<bindings::timer_list>>(), Timer<T>, raw) };
    timer.handler.run();
}
