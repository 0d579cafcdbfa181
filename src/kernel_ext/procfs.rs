// SPDX-License-Identifier: GPL-2.0

//! Read-only `/proc` files.
//!
//! C header: [`include/linux/proc_fs.h`](srctree/include/linux/proc_fs.h)

use super::seq_file::{self, SeqFile};
use super::{compat, ffi};
use kernel::bindings;
use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;
use kernel::types::ForeignOwnable;

/// What a read-only `/proc` file shows.
pub(crate) trait Show: Send + Sync {
    /// Writes the whole content of the file.
    fn show(&self, m: &mut SeqFile) -> Result;
}

/// A `/proc` file that owns its data and is removed before it.
///
/// # Invariants
///
/// `entry` is a live proc entry whose data is `data` (from
/// `Arc::into_foreign`) and whose show callback is `show_callback::<T>`.
pub(crate) struct Entry<T: Show + 'static> {
    entry: *mut bindings::proc_dir_entry,
    data: *mut c_void,
    _t: core::marker::PhantomData<Arc<T>>,
}

// SAFETY: The entry is only removed (in drop), which proc allows from any
// thread; `T` is `Send + Sync`.
unsafe impl<T: Show + 'static> Send for Entry<T> {}
// SAFETY: `&Entry` offers nothing.
unsafe impl<T: Show + 'static> Sync for Entry<T> {}

impl<T: Show + 'static> Entry<T> {
    /// Creates `/proc/<name>` with mode `mode`, showing `data`.
    pub(crate) fn new(name: &'static CStr, mode: u16, data: Arc<T>) -> Result<Self> {
        let ptr = compat::into_foreign(data);
        // SAFETY: `name` is a valid string; `ptr` stays valid until drop
        // removes the entry, after which it is released.
        let entry = unsafe {
            ffi::proc_create_single_data(
                name.as_char_ptr(),
                mode,
                core::ptr::null_mut(),
                show_callback::<T>,
                ptr,
            )
        };
        if entry.is_null() {
            // SAFETY: `ptr` came from `into_foreign` and nobody saw it.
            drop(unsafe { Arc::<T>::from_foreign(ptr) });
            return Err(ENOMEM);
        }
        // INVARIANT: `entry` shows `ptr` through `show_callback::<T>`.
        Ok(Self {
            entry,
            data: ptr,
            _t: core::marker::PhantomData,
        })
    }
}

impl<T: Show + 'static> Drop for Entry<T> {
    fn drop(&mut self) {
        // SAFETY: `entry` is live. `proc_remove` waits for readers inside
        // `show` and closes open files, so no callback uses `data` after.
        unsafe { ffi::proc_remove(self.entry) };
        // SAFETY: `data` came from `into_foreign` in `new`; nothing
        // refers to it any more.
        drop(unsafe { Arc::<T>::from_foreign(self.data) });
    }
}

/// # Safety
///
/// Called by `seq_file` with `m->private` set to an `Entry<T>`'s data.
unsafe extern "C" fn show_callback<T: Show + 'static>(
    m: *mut bindings::seq_file,
    _v: *mut c_void,
) -> c_int {
    // SAFETY: `single_open` stored the entry's data, an `Arc<T>` foreign pointer, in
    // `private`; the entry, hence the data, outlives every `show` call.
    unsafe { seq_file::show_arc(m, T::show) }
}
