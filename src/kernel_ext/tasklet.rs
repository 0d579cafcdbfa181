// SPDX-License-Identifier: GPL-2.0

//! Tasklets: bottom halves run by the `TASKLET` or `HI` softirq.
//!
//! A [`Tasklet`] is pinned, owns its handler, and is killed when dropped:
//! `tasklet_kill()` waits for a scheduled run to happen and finish, so a
//! pending tasklet is never lost nor left to run after its owner is gone.
//!
//! C header: [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h)

use super::ffi;
use core::marker::PhantomPinned;
use kernel::bindings;
use kernel::prelude::*;
use kernel::types::Opaque;

/// Which softirq runs the tasklet.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Softirq {
    /// `TASKLET_SOFTIRQ`, through `tasklet_schedule()`.
    Tasklet,
    /// `HI_SOFTIRQ`, through `tasklet_hi_schedule()`.
    Hi,
}

/// What a tasklet runs, in softirq context.
pub(crate) trait TaskletHandler: Sync {
    /// Runs the tasklet. Never concurrently with itself.
    fn run(&self);
}

/// A tasklet with its handler.
///
/// # Invariants
///
/// `raw` was set up by `tasklet_setup` with [`run_callback::<T>`]; `self`
/// is pinned, so the callback can find `handler` from `raw`'s address.
#[pin_data(PinnedDrop)]
pub(crate) struct Tasklet<T: TaskletHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    raw: Opaque<bindings::tasklet_struct>,
    softirq: Softirq,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The kernel may run the tasklet on any CPU; `T: Sync`, and
// scheduling only touches the `tasklet_struct` atomically.
unsafe impl<T: TaskletHandler + Send + 'static> Send for Tasklet<T> {}
// SAFETY: `schedule` may be called from any context and CPU at once.
unsafe impl<T: TaskletHandler + 'static> Sync for Tasklet<T> {}

impl<T: TaskletHandler + 'static> Tasklet<T> {
    /// A tasklet on `softirq` running `handler`.
    pub(crate) fn new(
        softirq: Softirq,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            // SAFETY: `slot` is valid for writes; `tasklet_setup` fully
            // initialises it. `run_callback::<T>` has the right signature.
            raw <- Opaque::ffi_init(|slot| unsafe {
                bindings::tasklet_setup(slot, Some(run_callback::<T>))
            }),
            softirq,
            _pin: PhantomPinned,
        })
    }

    /// Schedules the tasklet. Returns `false` if it was already scheduled
    /// and has not started yet: this request then merges into that run.
    /// Callable from any context.
    pub(crate) fn schedule(&self) -> bool {
        // SAFETY: `raw` is a set-up tasklet (type invariant), alive while
        // `self` is.
        unsafe { ffi::irqdefer_tasklet_schedule(self.raw.get(), self.softirq == Softirq::Hi) }
    }
}

#[pinned_drop]
impl<T: TaskletHandler + 'static> PinnedDrop for Tasklet<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `raw` is set up. `tasklet_kill` waits for a scheduled and a running run; the
        // owner no longer schedules it (it drops its IRQ first), so none runs after this.
        unsafe { bindings::tasklet_kill(self.raw.get()) };
    }
}

/// # Safety
///
/// `t` must be the `raw` field of a live [`Tasklet<T>`].
unsafe extern "C" fn run_callback<T: TaskletHandler + 'static>(t: *mut bindings::tasklet_struct) {
    // SAFETY: `t` points at `raw` of a pinned `Tasklet<T>`; `Opaque` is
    // `repr(transparent)`, so `container_of!` finds the tasklet.
    let tasklet = unsafe {
        &*kernel::container_of!(
            t.cast::<Opaque<bindings::tasklet_struct>>(),
            Tasklet<T>,
            raw
        )
    };
    tasklet.handler.run();
}
