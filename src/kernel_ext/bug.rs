// SPDX-License-Identifier: GPL-2.0

//! Kernel warnings: `WARN()`, for a broken invariant of the module's own
//! that is a bug, not an input error. Newer kernels have `warn_on!` in
//! `rust/kernel/bug.rs`; 6.12 has none, so the C shim's `WARN()` stands in.
//! 7.x uses upstream's.

#[cfg(not(irqdefer_series_7))]
use super::ffi;
// `CStr` (and, on 7.x, `CStrExt` for `as_char_ptr`).
use kernel::prelude::*;

/// Prints a kernel warning (`WARNING: CPU: ...`) with `msg` and a
/// backtrace, and taints the kernel, as `WARN(1, ...)` does. Callers
/// report a given bug once.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn warn(msg: &CStr) {
    // SAFETY: `msg` is a valid NUL-terminated string for the call; it is
    // only printed.
    unsafe { ffi::irqdefer_warn(msg.as_char_ptr()) };
}

/// Prints `msg`, then a kernel warning (`WARNING: CPU: ...`, upstream's
/// `warn_on!`) with a backtrace, and taints the kernel. Callers report a
/// given bug once.
#[cfg(irqdefer_series_7)]
pub(crate) fn warn(msg: &CStr) {
    pr_err!("{}\n", msg.to_str().unwrap_or("?"));
    kernel::warn_on!(true);
}
