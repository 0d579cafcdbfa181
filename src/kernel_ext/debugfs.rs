// SPDX-License-Identifier: GPL-2.0

//! debugfs directories and files.
//!
//! Modelled on `kernel::debugfs` of newer kernels: files own their data
//! (an [`Arc`]) and the directory removes them before releasing it. One
//! [`Dir`] owns a whole tree; `debugfs_remove()` of its root removes every
//! file and waits for callbacks in progress, and only then is the data
//! dropped.
//!
//! C header: [`include/linux/debugfs.h`](srctree/include/linux/debugfs.h)

use super::seq_file::{self, SeqFile};
use super::{compat, ffi};
use kernel::bindings;
use kernel::error::from_result;
use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;
use kernel::types::ForeignOwnable;
use kernel::ThisModule;

/// The longest write a file accepts, in bytes. Longer writes fail with
/// `EINVAL` and change nothing.
pub(crate) const MAX_WRITE: usize = 1024;

/// What a debugfs file shows and accepts.
pub(crate) trait Attribute: Send + Sync {
    /// Writes the whole content of the file. The default shows nothing.
    fn show(&self, _m: &mut SeqFile) -> Result {
        Ok(())
    }

    /// Takes one write, whole. Must validate everything before changing
    /// anything. The default refuses writes.
    fn store(&self, _input: &[u8]) -> Result {
        Err(EPERM)
    }
}

/// Identifies a directory inside a [`Dir`] tree.
#[derive(Clone, Copy)]
pub(crate) struct DirId(usize);

/// Data owned by a file, released when the tree is gone.
struct Owned {
    ptr: *mut c_void,
    release: unsafe fn(*mut c_void),
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `release` matches how `ptr` was made (type invariant of
        // `Dir`), and the file using it was removed.
        unsafe { (self.release)(self.ptr) };
    }
}

/// # Safety
///
/// `ptr` must come from `Arc::<T>::into_foreign` and be used by no file.
unsafe fn release_arc<T: Attribute + 'static>(ptr: *mut c_void) {
    // SAFETY: Guaranteed by the caller.
    drop(unsafe { Arc::<T>::from_foreign(ptr) });
}

/// A debugfs directory tree.
///
/// # Invariants
///
/// `dentries[0]` is the live root directory and every other entry a live
/// directory below it. Each file in the tree uses one element of `owned`
/// as its data and one element of `fops` as its operations; both outlive
/// the tree's removal in [`Drop`].
pub(crate) struct Dir {
    dentries: KVec<*mut bindings::dentry>,
    fops: KVec<KBox<bindings::file_operations>>,
    owned: KVec<Owned>,
    module: &'static ThisModule,
}

// SAFETY: debugfs may be called from any thread; file data is `Send + Sync`.
unsafe impl Send for Dir {}
// SAFETY: `&Dir` offers nothing.
unsafe impl Sync for Dir {}

fn check_dentry(dentry: *mut bindings::dentry) -> Result<*mut bindings::dentry> {
    if dentry.is_null() {
        return Err(ENOMEM);
    }
    kernel::error::from_err_ptr(dentry)
}

impl Dir {
    /// The root of the tree.
    pub(crate) const ROOT: DirId = DirId(0);

    /// Creates `/sys/kernel/debug/<name>`; open files hold `module`.
    pub(crate) fn new(name: &CStr, module: &'static ThisModule) -> Result<Self> {
        // SAFETY: `name` is a valid string; NULL parent is the debugfs root.
        let root = check_dentry(unsafe {
            ffi::debugfs_create_dir(name.as_char_ptr(), core::ptr::null_mut())
        })?;
        let mut dentries = KVec::new();
        if let Err(e) = dentries.push(root, GFP_KERNEL) {
            // SAFETY: `root` was just created and is used by nothing.
            unsafe { ffi::debugfs_remove(root) };
            return Err(e.into());
        }
        // INVARIANT: `dentries[0]` is the live root.
        Ok(Self {
            dentries,
            fops: KVec::new(),
            owned: KVec::new(),
            module,
        })
    }

    /// The directory `id` (`EINVAL` if this tree has no such directory).
    fn dentry(&self, id: DirId) -> Result<*mut bindings::dentry> {
        self.dentries.get(id.0).copied().ok_or(EINVAL)
    }

    /// Creates directory `name` in `parent`.
    pub(crate) fn subdir(&mut self, parent: DirId, name: &CStr) -> Result<DirId> {
        let parent = self.dentry(parent)?;
        self.dentries.reserve(1, GFP_KERNEL)?;
        // SAFETY: `parent` is live (type invariant); `name` is valid.
        let dentry = check_dentry(unsafe { ffi::debugfs_create_dir(name.as_char_ptr(), parent) })?;
        // INVARIANT: the new directory is below the root. Cannot fail:
        // capacity is reserved.
        self.dentries.push(dentry, GFP_KERNEL)?;
        // The new directory is the last one: `len() >= 2` here.
        Ok(DirId(self.dentries.len().saturating_sub(1)))
    }

    /// Creates file `name` in `parent` with `mode`, reading and writing
    /// through `data`.
    pub(crate) fn file<T: Attribute + 'static>(
        &mut self,
        parent: DirId,
        name: &CStr,
        mode: u16,
        data: Arc<T>,
    ) -> Result {
        let parent = self.dentry(parent)?;
        self.owned.reserve(1, GFP_KERNEL)?;
        self.fops.reserve(1, GFP_KERNEL)?;
        let fops = KBox::new(
            bindings::file_operations {
                owner: self.module.as_ptr(),
                open: Some(open_callback::<T>),
                read: Some(bindings::seq_read),
                write: Some(write_callback::<T>),
                llseek: Some(bindings::seq_lseek),
                release: Some(bindings::single_release),
                // SAFETY: All-zero is a valid `file_operations`: every
                // other field is an optional callback or a plain value.
                ..unsafe { core::mem::zeroed() }
            },
            GFP_KERNEL,
        )?;
        let ptr = compat::into_foreign(data);
        // Own `ptr` right away, so that it is released on every path.
        // Cannot fail: capacity is reserved.
        self.owned.push(
            Owned {
                ptr,
                release: release_arc::<T>,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `parent` is live; `ptr` and `fops` stay valid until the
        // tree is removed (type invariant), as they are owned by `self`.
        check_dentry(unsafe {
            ffi::irqdefer_debugfs_create_file(name.as_char_ptr(), mode, parent, ptr, &*fops)
        })?;
        // Cannot fail: capacity is reserved.
        self.fops.push(fops, GFP_KERNEL)?;
        Ok(())
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        // `debugfs_remove` removes the whole tree and waits for every callback in progress;
        // later calls on open files fail in debugfs without reaching ours.
        if let Some(&root) = self.dentries.first() {
            // SAFETY: The root is live; nothing of ours runs after (above), and the fields
            // (data, operations) are dropped after this.
            unsafe { ffi::debugfs_remove(root) };
        }
    }
}

/// # Safety
///
/// Called by the VFS for a file created by [`Dir::file::<T>`].
unsafe extern "C" fn open_callback<T: Attribute + 'static>(
    inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: `inode` is valid; debugfs put the file's data, an
    // `Arc<T>` foreign pointer, in `i_private`.
    let data = unsafe { (*inode).i_private };
    // SAFETY: `file` is valid; `show_callback::<T>` matches the `seq_file`
    // show signature and `data` outlives the open file's callbacks.
    unsafe { bindings::single_open(file, Some(show_callback::<T>), data) }
}

/// # Safety
///
/// Called by `seq_file` with `private` set by [`open_callback::<T>`].
unsafe extern "C" fn show_callback<T: Attribute + 'static>(
    m: *mut bindings::seq_file,
    _v: *mut c_void,
) -> c_int {
    // SAFETY: `private` is the file's `Arc<T>` foreign pointer, valid while
    // callbacks run (type invariant of `Dir`).
    unsafe { seq_file::show_arc(m, T::show) }
}

/// # Safety
///
/// Called by the VFS for a file opened by [`open_callback::<T>`].
unsafe extern "C" fn write_callback<T: Attribute + 'static>(
    file: *mut bindings::file,
    buf: *const kernel::ffi::c_char,
    count: usize,
    ppos: *mut bindings::loff_t,
) -> isize {
    from_result(|| {
        // SAFETY: `ppos` is valid for this call.
        let pos = unsafe { &mut *ppos };
        // One write carries one whole value, from offset 0: a second write
        // on the same open file (the rest of a split value) starts past 0
        // and is refused, as are oversized writes, before anything is read.
        if *pos != 0 || count == 0 || count > MAX_WRITE {
            return Err(EINVAL);
        }
        // SAFETY: `single_open` made `private_data` our `seq_file`.
        let seq = unsafe { &*(*file).private_data.cast::<bindings::seq_file>() };
        // SAFETY: The `seq_file`'s `private` is the file's `Arc<T>` foreign pointer.
        let data = unsafe { Arc::<T>::borrow(seq.private) };
        let mut input = KVec::new();
        compat::user_slice(buf, count)
            .reader()
            .read_all(&mut input, GFP_KERNEL)?;
        data.store(&input)?;
        // `count <= MAX_WRITE`: both conversions are exact.
        *pos = count as bindings::loff_t;
        Ok(count as isize)
    })
}
