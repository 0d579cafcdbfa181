// SPDX-License-Identifier: GPL-2.0

//! irqdefer's tracepoints, `irqdefer:irqdefer_raise` and
//! `irqdefer:irqdefer_run` (defined in `src/shim/irqdefer_trace.h`), for
//! pairing each measured run with the kernel's own trace of it. Like the
//! `declare_trace!` tracepoints of newer kernels, each call costs a static
//! branch while the event is off.

use super::ffi;
// `CStr` (and, on 7.x, `CStrExt` for `as_char_ptr`).
use kernel::prelude::*;

/// A top half on the line `irq` of `path` asked for its bottom half;
/// `stamped` if that scheduled one, not if it coalesced.
pub(crate) fn irqdefer_raise(path: &CStr, irq: u32, stamped: bool) {
    // SAFETY: `path` is a valid NUL-terminated string for the call; the
    // tracepoint copies it.
    unsafe { ffi::irqdefer_trace_raise(path.as_char_ptr(), irq as i32, stamped) };
}

/// A bottom half of `path` started, serving a request raised on CPU
/// `raised_on` `latency_ns` ago.
pub(crate) fn irqdefer_run(path: &CStr, raised_on: u32, latency_ns: u64) {
    // SAFETY: as in `irqdefer_raise`.
    unsafe { ffi::irqdefer_trace_run(path.as_char_ptr(), raised_on, latency_ns) };
}
