// SPDX-License-Identifier: GPL-2.0

//! `seq_file`: the output side of `/proc` and debugfs readers.
//!
//! Like `kernel::seq_file` of newer kernels, with formatting done in Rust
//! and the bytes handed to `seq_write`.
//!
//! C header: [`include/linux/seq_file.h`](srctree/include/linux/seq_file.h)

use core::fmt;
use kernel::bindings;
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::ForeignOwnable;

/// A `struct seq_file` being filled by a `show` callback.
///
/// # Invariants
///
/// `ptr` is the valid `seq_file` of the `show` call that created `self`.
pub(crate) struct SeqFile {
    ptr: *mut bindings::seq_file,
}

impl SeqFile {
    /// # Safety
    ///
    /// `ptr` must be a valid `seq_file` for the lifetime of the result,
    /// which must not escape the `show` callback it was made in.
    pub(crate) unsafe fn from_raw(ptr: *mut bindings::seq_file) -> Self {
        // INVARIANT: Guaranteed by the caller.
        Self { ptr }
    }
}

impl fmt::Write for SeqFile {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // On overflow `seq_file` retries the whole `show` with a larger buffer, so the
        // result is ignored, as in C.
        // SAFETY: `ptr` is valid (type invariant); `s` is valid for reads of its length.
        unsafe { bindings::seq_write(self.ptr, s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// The body of a `show` callback whose `seq_file` private data is an
/// `Arc<T>` foreign pointer: runs `show` on it and returns what the
/// callback must return.
///
/// # Safety
///
/// `m` must be the valid `seq_file` of a `show` call, and its `private`
/// an `Arc<T>` from [`ForeignOwnable::into_foreign`] that outlives the call.
pub(crate) unsafe fn show_arc<T: Send + Sync + 'static>(
    m: *mut bindings::seq_file,
    show: impl FnOnce(&T, &mut SeqFile) -> Result,
) -> c_int {
    // SAFETY: Guaranteed by the caller.
    let data = unsafe { Arc::<T>::borrow((*m).private) };
    // SAFETY: `m` is valid for this call, which `seq` does not outlive.
    let mut seq = unsafe { SeqFile::from_raw(m) };
    match show(&data, &mut seq) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Writes formatted text to a [`SeqFile`], like `seq_printf`.
macro_rules! seq_print {
    ($m:expr, $($arg:tt)*) => {{
        // `SeqFile::write_str` never fails.
        let _ = ::core::fmt::Write::write_fmt($m, format_args!($($arg)*));
    }};
}
pub(crate) use seq_print;
