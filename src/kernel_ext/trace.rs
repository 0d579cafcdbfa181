// SPDX-License-Identifier: GPL-2.0

//! irqdefer's tracepoints, `irqdefer:irqdefer_raise` and
//! `irqdefer:irqdefer_run` (defined in `src/shim/irqdefer_trace.h`), for
//! pairing each measured run with the kernel's own trace of it. While no
//! one uses them (`irqdefer_trace_users` of the shim reads 0), a call is a
//! relaxed load and a branch here: the call into the shim, where the
//! tracepoint's static branch is, and its arguments' preparation are
//! skipped. (The `declare_trace!` of newer kernels puts the static branch
//! in Rust itself; 6.12 has none.)

use super::ffi;
use core::sync::atomic::{AtomicI32, Ordering::Relaxed};
// `CStr` (and, on 7.x, `CStrExt` for `as_char_ptr`).
use kernel::prelude::*;

/// A top half on the line `irq` of `path` asked for its bottom half;
/// `stamped` if that scheduled one, not if it coalesced.
#[inline]
pub(crate) fn irqdefer_raise(path: &CStr, irq: u32, stamped: bool) {
    if !used() {
        return;
    }
    // SAFETY: `path` is a valid NUL-terminated string for the call; the
    // tracepoint copies it.
    unsafe { ffi::irqdefer_trace_raise(path.as_char_ptr(), irq as i32, stamped) };
}

/// A bottom half of `path` started, serving a request raised on CPU
/// `raised_on` `latency_ns` ago.
#[inline]
pub(crate) fn irqdefer_run(path: &CStr, raised_on: u32, latency_ns: u64) {
    if !used() {
        return;
    }
    // SAFETY: as in `irqdefer_raise`.
    unsafe { ffi::irqdefer_trace_run(path.as_char_ptr(), raised_on, latency_ns) };
}

/// Whether either tracepoint may be on: the shim counts their users
/// before a static key goes on and after it goes off, so `false` means
/// both are off.
#[inline(always)]
fn used() -> bool {
    // `irqdefer_trace_users` is an `int` of the shim that lives as long as
    // the module; the shim writes it with `WRITE_ONCE`, and an `AtomicI32`
    // has the layout of an `int`: a relaxed load is what `READ_ONCE` is.
    // SAFETY: A live, aligned `int` of the shim, read as an `AtomicI32`.
    let users = unsafe { &*core::ptr::addr_of!(ffi::irqdefer_trace_users).cast::<AtomicI32>() };
    users.load(Relaxed) != 0
}
