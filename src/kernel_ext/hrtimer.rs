// SPDX-License-Identifier: GPL-2.0

//! High-resolution timers: an [`HrTimer`] owns its handler, may be
//! (re)started from any context through a shared reference, and is
//! cancelled (waiting for a running callback) when dropped.
//!
//! On 7.x it is upstream's `kernel::time::hrtimer::HrTimer` embedded next
//! to the handler (`impl_has_hr_timer!`, `HrTimerCallback`), started
//! through `Pin<&Self>`. On 6.12, whose crate has no hrtimer, it is the
//! same shape written here. The mode is a type ([`Soft`], [`PinnedHard`]),
//! as upstream's.
//!
//! C header: [`include/linux/hrtimer.h`](srctree/include/linux/hrtimer.h)

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
    /// Where the callback runs: [`Soft`] or [`PinnedHard`].
    type Mode: TimerMode;

    /// Runs on expiry, in the context the timer's mode gives.
    fn run(&self) -> Restart;
}

/// `ns`, as the kernel's signed nanoseconds (saturating).
fn ns_i64(ns: u64) -> i64 {
    i64::try_from(ns).unwrap_or(i64::MAX)
}

#[cfg(not(irqdefer_series_7))]
mod series {
    use super::super::{compat, ffi};
    use super::{ns_i64, HrTimerHandler, Restart};
    use core::marker::PhantomPinned;
    use kernel::bindings;
    use kernel::prelude::*;
    use kernel::types::Opaque;

    /// The mode of an hrtimer; expiry times are relative to now.
    pub(crate) trait TimerMode {
        /// The C mode.
        const C_MODE: bindings::hrtimer_mode;
    }

    /// `HRTIMER_MODE_REL_PINNED_HARD`: in hard interrupt context, on the
    /// CPU that started the timer.
    pub(crate) struct PinnedHard;
    impl TimerMode for PinnedHard {
        const C_MODE: bindings::hrtimer_mode = bindings::hrtimer_mode_HRTIMER_MODE_REL_PINNED_HARD;
    }

    /// `HRTIMER_MODE_REL_SOFT`: in softirq context (`HRTIMER_SOFTIRQ`).
    pub(crate) struct Soft;
    impl TimerMode for Soft {
        const C_MODE: bindings::hrtimer_mode = bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT;
    }

    /// An hrtimer on `CLOCK_MONOTONIC` with its handler.
    ///
    /// # Invariants
    ///
    /// `raw` was set up by `hrtimer_init` for `T::Mode` with
    /// [`run_callback::<T>`] as function; `self` is pinned.
    #[pin_data(PinnedDrop)]
    pub(crate) struct HrTimer<T: HrTimerHandler + 'static> {
        #[pin]
        handler: T,
        #[pin]
        raw: Opaque<bindings::hrtimer>,
        #[pin]
        _pin: PhantomPinned,
    }

    // SAFETY: The callback may run on any CPU; `T: Sync`. Starting and
    // cancelling go through the kernel's locks.
    unsafe impl<T: HrTimerHandler + Send + 'static> Send for HrTimer<T> {}
    // SAFETY: `start` and `cancel` may be called concurrently.
    unsafe impl<T: HrTimerHandler + 'static> Sync for HrTimer<T> {}

    impl<T: HrTimerHandler + 'static> HrTimer<T> {
        /// A timer running `handler`.
        pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
            try_pin_init!(Self {
                handler <- handler,
                // The setup initialises it before anyone can start it.
                // SAFETY: `slot` is valid for writes; `run_callback::<T>` has the
                // right signature.
                raw <- Opaque::ffi_init(|slot: *mut bindings::hrtimer| unsafe {
                    ffi::irqdefer_hrtimer_setup(slot, Some(run_callback::<T>), T::Mode::C_MODE);
                }),
                _pin: PhantomPinned,
            })
        }

        /// Starts (or restarts) the timer to expire in `ns`. Callable from
        /// any context.
        pub(crate) fn start(&self, ns: u64) {
            // SAFETY: `raw` is a set-up timer, alive while `self` is; the mode
            // is the one it was set up with.
            unsafe {
                bindings::hrtimer_start_range_ns(self.raw.get(), ns_i64(ns), 0, T::Mode::C_MODE)
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
        let timer = unsafe {
            &*kernel::container_of!(t.cast::<Opaque<bindings::hrtimer>>(), HrTimer<T>, raw)
        };
        match timer.handler.run() {
            Restart::No => compat::HRTIMER_NORESTART,
            Restart::AfterNs(ns) => {
                // SAFETY: Called from the timer's own callback, as
                // `hrtimer_forward_now` requires.
                unsafe { ffi::irqdefer_hrtimer_forward_now(t, ns_i64(ns)) };
                compat::HRTIMER_RESTART
            }
        }
    }
}

#[cfg(irqdefer_series_7)]
mod series {
    use super::super::ffi;
    use super::{ns_i64, HrTimerHandler, Restart};
    use kernel::bindings;
    use kernel::prelude::*;
    use kernel::time::hrtimer::{
        self as up, HasHrTimer, HrTimerCallback, HrTimerCallbackContext, HrTimerRestart,
        UnsafeHrTimerPointer,
    };
    use kernel::time::{Delta, Monotonic};

    /// The mode of an hrtimer: one of upstream's relative modes.
    pub(crate) trait TimerMode: up::HrTimerMode<Expires = Delta> {}
    impl<M: up::HrTimerMode<Expires = Delta>> TimerMode for M {}

    /// `HRTIMER_MODE_REL_PINNED_HARD`: in hard interrupt context, on the
    /// CPU that started the timer.
    pub(crate) type PinnedHard = up::RelativePinnedHardMode<Monotonic>;

    /// `HRTIMER_MODE_REL_SOFT`: in softirq context (`HRTIMER_SOFTIRQ`).
    pub(crate) type Soft = up::RelativeSoftMode<Monotonic>;

    /// An hrtimer on `CLOCK_MONOTONIC` with its handler: upstream's
    /// `HrTimer<Self>` beside it.
    ///
    /// # Invariants
    ///
    /// `self` is pinned: it is made only by [`HrTimer::new`], an in-place
    /// initialiser, and is `!Unpin` (upstream's timer is).
    #[pin_data(PinnedDrop)]
    pub(crate) struct HrTimer<T: HrTimerHandler + 'static> {
        #[pin]
        handler: T,
        #[pin]
        timer: up::HrTimer<Self>,
    }

    kernel::impl_has_hr_timer! {
        impl{T: HrTimerHandler + 'static} HasHrTimer<Self> for HrTimer<T> {
            mode: T::Mode,
            field: self.timer
        }
    }

    impl<T: HrTimerHandler + 'static> HrTimerCallback for HrTimer<T> {
        type Pointer<'a> = Pin<&'a Self>;

        fn run(this: Pin<&Self>, mut ctx: HrTimerCallbackContext<'_, Self>) -> HrTimerRestart {
            match this.handler.run() {
                Restart::No => HrTimerRestart::NoRestart,
                Restart::AfterNs(ns) => {
                    ctx.forward_now(Delta::from_nanos(ns_i64(ns)));
                    HrTimerRestart::Restart
                }
            }
        }
    }

    impl<T: HrTimerHandler + 'static> HrTimer<T> {
        /// A timer running `handler`.
        pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
            try_pin_init!(Self {
                handler <- handler,
                timer <- up::HrTimer::new(),
            })
        }

        /// The C timer.
        fn raw(&self) -> *mut bindings::hrtimer {
            // SAFETY: `self` is a valid `Self` (a reference).
            unsafe { <Self as HasHrTimer<Self>>::c_timer_ptr(self) }.cast_mut()
        }

        /// Whether the timer is queued, waiting to expire: the kernel's
        /// `hrtimer_is_queued()` (upstream has no such method). A timer whose
        /// callback runs is not queued: the kernel dequeues it before calling
        /// it. Callable from any context.
        pub(crate) fn is_queued(&self) -> bool {
            // SAFETY: The timer is set up (by `up::HrTimer::new`) and alive
            // while `self` is.
            unsafe { ffi::irqdefer_hrtimer_is_queued(self.raw()) }
        }

        /// The handler.
        pub(crate) fn handler(&self) -> &T {
            &self.handler
        }

        /// Cancels the timer, waiting for a running callback to finish. Must
        /// not be called from the callback itself. (Upstream cancels only
        /// through a start's handle.)
        pub(crate) fn cancel(&self) {
            // SAFETY: The timer is set up and alive while `self` is.
            unsafe { bindings::hrtimer_cancel(self.raw()) };
        }
    }

    impl<T: HrTimerHandler + Send + 'static> HrTimer<T> {
        /// Starts (or restarts) the timer to expire in `ns`. Callable from
        /// any context.
        pub(crate) fn start(&self, ns: u64) {
            // Upstream's `start` through `Pin<&Self>` is `unsafe`: its handle
            // keeps the timer alive, and cancels and waits when dropped, which
            // a top half may not do. The handle is forgotten (it only borrows);
            // `drop` of `Self` cancels before the memory goes, which is what
            // the handle would have guaranteed.
            // SAFETY: `self` is pinned (type invariant); it outlives the timer
            // (`PinnedDrop` cancels it, waiting for a running callback).
            let handle = unsafe {
                UnsafeHrTimerPointer::start(Pin::new_unchecked(self), Delta::from_nanos(ns_i64(ns)))
            };
            core::mem::forget(handle);
        }
    }

    #[pinned_drop]
    impl<T: HrTimerHandler + 'static> PinnedDrop for HrTimer<T> {
        fn drop(self: Pin<&mut Self>) {
            // The handles a start forgot borrowed `self`: they end here.
            self.cancel();
        }
    }
}

pub(crate) use series::*;
