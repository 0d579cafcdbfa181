// SPDX-License-Identifier: GPL-2.0

//! High-resolution timers, after `kernel::time::hrtimer` of newer kernels:
//! an [`HrTimer`] owns its handler and is cancelled (waiting for a running
//! callback) when dropped.
//!
//! C header: [`include/linux/hrtimer.h`](srctree/include/linux/hrtimer.h)

use super::{compat, ffi};
use core::marker::PhantomPinned;
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::Opaque;

/// Where the callback runs. Expiry times are relative to now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// `HRTIMER_MODE_REL_PINNED_HARD`: in hard interrupt context, on the
    /// CPU that started the timer.
    PinnedHard,
    /// `HRTIMER_MODE_REL_SOFT`: in softirq context (`HRTIMER_SOFTIRQ`).
    Soft,
}

impl Mode {
    fn into_inner(self) -> bindings::hrtimer_mode {
        match self {
            Mode::PinnedHard => bindings::hrtimer_mode_HRTIMER_MODE_REL_PINNED_HARD,
            Mode::Soft => bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT,
        }
    }
}

/// What a callback asks for next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Restart {
    /// Stop.
    No,
    /// Run again this many ns after the previous expiry.
    AfterNs(u64),
}

/// What an hrtimer runs.
pub(crate) trait HrTimerHandler: Sync {
    /// Runs on expiry, in the context the timer's [`Mode`] gives.
    fn run(&self) -> Restart;
}

/// An hrtimer on `CLOCK_MONOTONIC` with its handler.
///
/// # Invariants
///
/// `raw` was set up by `hrtimer_init` for `mode` with
/// [`run_callback::<T>`] as function; `self` is pinned.
#[pin_data(PinnedDrop)]
pub(crate) struct HrTimer<T: HrTimerHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    raw: Opaque<bindings::hrtimer>,
    mode: Mode,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The callback may run on any CPU; `T: Sync`. Starting and
// cancelling go through the kernel's locks.
unsafe impl<T: HrTimerHandler + Send + 'static> Send for HrTimer<T> {}
// SAFETY: `start` and `cancel` may be called concurrently.
unsafe impl<T: HrTimerHandler + 'static> Sync for HrTimer<T> {}

impl<T: HrTimerHandler + 'static> HrTimer<T> {
    /// A timer in `mode` running `handler`.
    pub(crate) fn new(mode: Mode, handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            // The setup initialises it before anyone can start it.
            // SAFETY: `slot` is valid for writes; `run_callback::<T>` has the
            // right signature.
            raw <- Opaque::ffi_init(|slot: *mut bindings::hrtimer| unsafe {
                ffi::irqdefer_hrtimer_setup(slot, Some(run_callback::<T>), mode.into_inner());
            }),
            mode,
            _pin: PhantomPinned,
        })
    }

    /// Starts (or restarts) the timer to expire in `ns`. Callable from
    /// any context.
    pub(crate) fn start(&self, ns: u64) {
        // SAFETY: `raw` is a set-up timer, alive while `self` is; the mode
        // is the one it was set up with.
        unsafe {
            bindings::hrtimer_start_range_ns(
                self.raw.get(),
                ns.min(i64::MAX as u64) as i64,
                0,
                self.mode.into_inner(),
            )
        };
    }

    /// Whether the timer is queued, waiting to expire: the kernel's
    /// `hrtimer_is_queued()`. A timer whose callback runs is not queued:
    /// the kernel dequeues it before calling it. Callable from any context.
    pub(crate) fn is_queued(&self) -> bool {
        // SAFETY: `raw` is a set-up timer, alive while `self` is.
        unsafe { ffi::irqdefer_hrtimer_is_queued(self.raw.get()) }
    }

    /// The handler.
    pub(crate) fn handler(&self) -> &T {
        &self.handler
    }

    /// Cancels the timer, waiting for a running callback to finish. Must
    /// not be called from the callback itself.
    pub(crate) fn cancel(&self) {
        // SAFETY: `raw` is a set-up timer.
        unsafe { bindings::hrtimer_cancel(self.raw.get()) };
    }
}

#[pinned_drop]
impl<T: HrTimerHandler + 'static> PinnedDrop for HrTimer<T> {
    fn drop(self: Pin<&mut Self>) {
        self.cancel();
    }
}

/// # Safety
///
/// `t` must be the `raw` field of a live [`HrTimer<T>`].
unsafe extern "C" fn run_callback<T: HrTimerHandler + 'static>(
    t: *mut bindings::hrtimer,
) -> bindings::hrtimer_restart {
    // `Opaque` is transparent.
    // SAFETY: `t` is `raw` of a pinned `HrTimer<T>`.
    let timer =
        unsafe { &*kernel::container_of!(t.cast::<Opaque<bindings::hrtimer>>(), HrTimer<T>, raw) };
    match timer.handler.run() {
        Restart::No => compat::HRTIMER_NORESTART,
        Restart::AfterNs(ns) => {
            // SAFETY: Called from the timer's own callback, as
            // `hrtimer_forward_now` requires.
            unsafe { ffi::irqdefer_hrtimer_forward_now(t, ns.min(i64::MAX as u64) as i64) };
            compat::HRTIMER_RESTART
        }
    }
}
