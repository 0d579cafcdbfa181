// SPDX-License-Identifier: GPL-2.0

//! `irq_work`: a callback run in hard interrupt context, raised from any
//! context (NMI included) on the current CPU. On x86 `irq_work_queue()`
//! sends a self-IPI (`IRQ_WORK_VECTOR`, the `IWI` row of
//! `/proc/interrupts`), so the callback runs as soon as interrupts are on.
//!
//! An [`IrqWork`] is pinned, owns its handler, and is synced when dropped:
//! `irq_work_sync()` waits for a queued or running callback to finish.
//!
//! C header: [`include/linux/irq_work.h`](srctree/include/linux/irq_work.h)

use super::ffi;
use core::marker::PhantomPinned;
use kernel::prelude::*;
use kernel::types::Opaque;

/// What an irq_work runs, in hard interrupt context.
pub(crate) trait IrqWorkHandler: Sync {
    /// Runs the irq_work. Never concurrently with itself on one CPU; must
    /// not sleep.
    fn run(&self);
}

/// An irq_work with its handler.
///
/// # Invariants
///
/// `raw` was set up by `irqdefer_init_irq_work` with
/// [`run_callback::<T>`]; `self` is pinned, so the callback can find
/// `handler` from `raw`'s address.
#[pin_data(PinnedDrop)]
pub(crate) struct IrqWork<T: IrqWorkHandler + 'static> {
    #[pin]
    handler: T,
    #[pin]
    raw: Opaque<ffi::irqdefer_irq_work>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: The callback may run on any CPU; `T: Sync`, and queueing only
// touches the `irq_work` atomically.
unsafe impl<T: IrqWorkHandler + Send + 'static> Send for IrqWork<T> {}
// SAFETY: `queue` may be called from any context and CPU at once.
unsafe impl<T: IrqWorkHandler + 'static> Sync for IrqWork<T> {}

impl<T: IrqWorkHandler + 'static> IrqWork<T> {
    /// An irq_work running `handler`.
    pub(crate) fn new(handler: impl PinInit<T, Error>) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            handler <- handler,
            raw <- Opaque::ffi_init(|slot| {
                // SAFETY: `slot` is valid for writes and fully initialised
                // by the call; `run_callback::<T>` has the right signature.
                unsafe { ffi::irqdefer_init_irq_work(slot, Some(run_callback::<T>)) }
            }),
            _pin: PhantomPinned,
        })
    }

    /// Queues the irq_work on the current CPU. Returns `false` if it was
    /// already pending (queued, not started): this request then merges
    /// into that run. Callable from any context.
    pub(crate) fn queue(&self) -> bool {
        // SAFETY: `raw` is a set-up irq_work (type invariant), alive while
        // `self` is.
        unsafe { ffi::irqdefer_irq_work_queue(self.raw.get()) }
    }
}

#[pinned_drop]
impl<T: IrqWorkHandler + 'static> PinnedDrop for IrqWork<T> {
    fn drop(self: Pin<&mut Self>) {
        // `irq_work_sync` waits until the irq_work is neither pending nor running; the owner no
        // longer queues it (it drops its IRQ first), so none runs after this.
        // SAFETY: `raw` is set up, and nothing queues it any more (above).
        unsafe { ffi::irqdefer_irq_work_sync(self.raw.get()) };
    }
}

/// # Safety
///
/// `w` must be the `raw` field of a live [`IrqWork<T>`].
unsafe extern "C" fn run_callback<T: IrqWorkHandler + 'static>(w: *mut ffi::irqdefer_irq_work) {
    // SAFETY: `w` points at `raw` of a pinned `IrqWork<T>`; `Opaque` is
    // `repr(transparent)`, so `container_of!` finds the irq_work.
    let work = unsafe {
        &*kernel::container_of!(w.cast::<Opaque<ffi::irqdefer_irq_work>>(), IrqWork<T>, raw)
    };
    work.handler.run();
}
