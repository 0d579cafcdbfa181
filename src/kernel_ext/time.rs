// SPDX-License-Identifier: GPL-2.0

//! Clocks and delays.
//!
//! C header: [`include/linux/timekeeping.h`](srctree/include/linux/timekeeping.h)

use kernel::bindings;

/// `ktime_get()` in nanoseconds: the monotonic clock. Callable from any
/// context, hard interrupts included.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn ktime_get_ns() -> u64 {
    // SAFETY: `ktime_get` has no preconditions.
    let t = unsafe { bindings::ktime_get() };
    t as u64
}
/// `ktime_get()` in nanoseconds, through `kernel::time::Monotonic`.
#[cfg(irqdefer_series_7)]
pub(crate) fn ktime_get_ns() -> u64 {
    use kernel::time::{ClockSource, Monotonic};
    // In 0..=KTIME_MAX (`ClockSource`'s guarantee): never negative.
    Monotonic::ktime_get() as u64
}

/// Spins for `ns` nanoseconds of the monotonic clock without sleeping.
pub(crate) fn busy_wait_ns(ns: u64) {
    if ns == 0 {
        return;
    }
    let start = ktime_get_ns();
    while ktime_get_ns().wrapping_sub(start) < ns {
        core::hint::spin_loop();
    }
}

/// `msleep()`: sleeps at least `ms` milliseconds.
///
/// Only for contexts where sleeping is legal; callers check
/// [`super::context::Context::may_sleep`] first.
pub(crate) fn msleep(ms: u32) {
    // SAFETY: `msleep` has no memory-safety preconditions; sleeping where
    // it is illegal is a logic error that the kernel reports, not UB here.
    unsafe { bindings::msleep(ms) };
}
