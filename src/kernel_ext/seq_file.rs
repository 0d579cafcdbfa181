// SPDX-License-Identifier: GPL-2.0

//! `seq_file`: the output side of `/proc` and debugfs readers.
//!
//! Like `kernel::seq_file` of newer kernels, with formatting done in Rust
//! and the bytes handed to `seq_write`.
//!
//! C header: [`include/linux/seq_file.h`](srctree/include/linux/seq_file.h)

use core::fmt;
use kernel::bindings;

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
        // SAFETY: `ptr` is valid (type invariant); `s` is valid for reads
        // of its length. On overflow `seq_file` retries the whole `show`
        // with a larger buffer, so the result is ignored, as in C.
        unsafe { bindings::seq_write(self.ptr, s.as_ptr().cast(), s.len()) };
        Ok(())
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
