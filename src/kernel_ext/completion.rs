// SPDX-License-Identifier: GPL-2.0

//! Completions: one task waits until another says that something is done.
//!
//! The shape of upstream's `kernel::sync::Completion` (6.15), which the
//! 6.12 kernel crate lacks, with the killable wait irqdefer needs.
//!
//! C header: [`include/linux/completion.h`](srctree/include/linux/completion.h)

// `init_completion()` is an inline: the shim's on 6.12, a helper bound in
// `kernel::bindings` on 7.x.
#[cfg(not(irqdefer_series_7))]
use super::ffi::irqdefer_init_completion as init_completion;
use kernel::bindings;
#[cfg(irqdefer_series_7)]
use kernel::bindings::init_completion;
use kernel::prelude::*;
use kernel::types::Opaque;

/// A `struct completion`.
///
/// # Invariants
///
/// `inner` was initialised by `init_completion()` and is pinned.
#[pin_data]
pub(crate) struct Completion {
    #[pin]
    inner: Opaque<bindings::completion>,
}

// SAFETY: A completion may be completed and waited for from any thread.
unsafe impl Send for Completion {}
// SAFETY: Its functions serialise on the completion's own lock.
unsafe impl Sync for Completion {}

impl Completion {
    /// A completion not yet completed.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid for writes; `init_completion()`
            // initialises all of it.
            inner <- Opaque::ffi_init(|slot| unsafe { init_completion(slot) }),
        })
    }

    /// Completes it for every waiter, present and future.
    pub(crate) fn complete_all(&self) {
        // SAFETY: `inner` is initialised (type invariant).
        unsafe { bindings::complete_all(self.inner.get()) };
    }

    /// Waits until it is completed; `Err(EINTR)` if the caller gets a fatal
    /// signal first. Must be called where sleeping is legal.
    pub(crate) fn wait_killable(&self) -> Result {
        // SAFETY: `inner` is initialised (type invariant); sleeping is
        // legal (the caller's duty).
        match unsafe { bindings::wait_for_completion_killable(self.inner.get()) } {
            0 => Ok(()),
            _ => Err(EINTR),
        }
    }
}
