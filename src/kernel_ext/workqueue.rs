// SPDX-License-Identifier: GPL-2.0

//! What `kernel::workqueue` of 6.12 lacks: the BH workqueue, workqueues a
//! module allocates, and waiting for a work item; and, on either series,
//! a work function with a name of its own ([`WorkFn`]).
//!
//! C header: [`include/linux/workqueue.h`](srctree/include/linux/workqueue.h)

use super::{compat, ffi};
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::bindings;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::workqueue::{Queue, Work};

/// `system_bh_wq`: work items run in softirq context (`BH` workqueue,
/// since 6.9; the replacement for tasklets).
#[cfg(not(irqdefer_series_7))]
pub(crate) fn system_bh() -> &'static Queue {
    // SAFETY: `system_bh_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_bh_wq) }
}
#[cfg(irqdefer_series_7)]
pub(crate) use kernel::workqueue::system_bh;

/// The per-CPU system workqueue: `system_percpu_wq` on 7.x, where
/// `system_wq` (upstream's `workqueue::system()`) is deprecated and warns
/// at first use; `system_wq` on 6.12, which has no other.
#[cfg(not(irqdefer_series_7))]
pub(crate) use kernel::workqueue::system as system_percpu;
/// The per-CPU system workqueue: `system_percpu_wq` on 7.x, where
/// `system_wq` (upstream's `workqueue::system()`) is deprecated and warns
/// at first use; `system_wq` on 6.12, which has no other.
#[cfg(irqdefer_series_7)]
pub(crate) fn system_percpu() -> &'static Queue {
    // SAFETY: `system_percpu_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_percpu_wq) }
}

/// The unbound system workqueue: `system_dfl_wq` on 7.x, where
/// `system_unbound_wq` is deprecated; `system_unbound_wq` on 6.12.
#[cfg(not(irqdefer_series_7))]
pub(crate) use kernel::workqueue::system_unbound as system_dfl;
/// The unbound system workqueue: `system_dfl_wq` on 7.x, where
/// `system_unbound_wq` is deprecated; `system_unbound_wq` on 6.12.
#[cfg(irqdefer_series_7)]
pub(crate) fn system_dfl() -> &'static Queue {
    // SAFETY: `system_dfl_wq` is set up at boot and never destroyed.
    unsafe { Queue::from_raw(bindings::system_dfl_wq) }
}

/// Waits until the last queueing of `work` has finished running.
/// Returns whether it had to wait. Must be called from a context that may
/// sleep.
pub(crate) fn flush<T: ?Sized, const ID: u64>(work: &Work<T, ID>) -> bool {
    // SAFETY: `work` is an initialised work item, alive for this call.
    unsafe { bindings::flush_work(Work::raw_get(work)) }
}

/// A workqueue allocated by the module, destroyed (after draining) when
/// dropped.
///
/// # Invariants
///
/// `ptr` is a live workqueue owned by `self`.
pub(crate) struct OwnedQueue {
    ptr: NonNull<bindings::workqueue_struct>,
}

// SAFETY: Workqueues may be used and destroyed from any thread.
unsafe impl Send for OwnedQueue {}
// SAFETY: Queueing on a workqueue is thread safe.
unsafe impl Sync for OwnedQueue {}

/// `WQ_MEM_RECLAIM`: the queue has a rescuer thread of its own.
pub(crate) const WQ_MEM_RECLAIM: u32 = bindings::wq_flags_WQ_MEM_RECLAIM;
/// `WQ_PERCPU`: the queue's workers are per CPU (see [`compat::WQ_PERCPU`]).
pub(crate) const WQ_PERCPU: u32 = compat::WQ_PERCPU;

impl OwnedQueue {
    /// `alloc_workqueue(name, flags, max_active)`.
    pub(crate) fn new(name: &'static CStr, flags: u32, max_active: i32) -> Result<Self> {
        // SAFETY: `name` is a valid string (copied).
        let ptr = unsafe { ffi::irqdefer_alloc_workqueue(name.as_char_ptr(), flags, max_active) };
        // INVARIANT: a non-NULL result is a live workqueue we own.
        Ok(Self {
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
        })
    }
}

impl core::ops::Deref for OwnedQueue {
    type Target = Queue;

    fn deref(&self) -> &Queue {
        // SAFETY: `ptr` is live while `self` is, and the result borrows
        // `self`.
        unsafe { Queue::from_raw(self.ptr.as_ptr()) }
    }
}

impl Drop for OwnedQueue {
    fn drop(&mut self) {
        // SAFETY: The queue is ours; `destroy_workqueue` drains it first.
        unsafe { bindings::destroy_workqueue(self.ptr.as_ptr()) };
    }
}

/// A work function with a name of its own, for `Arc<T>` work items on
/// upstream's [`Work`].
///
/// Upstream's `Work<T>` runs every item through one generic function,
/// `<Arc<T> as WorkItemPointer>::run`, whose symbol is a mangled Rust name
/// the kernel's tools print as it is (perf kwork cuts it to 32 characters:
/// `_RNvXs6_NtCsl7L7n58I0Vr_6k`), the same for every item of `T`. A
/// `WorkFn` is a `#[no_mangle]` function of the caller's naming that calls
/// that `run`: ftrace's `workqueue_execute_start`, perf kwork and bcc's
/// `wqlat` then name each path's work. Declared by [`work_fns!`]; set on a
/// work item by [`named`].
///
/// # Invariants
///
/// `f`, given the `work_struct` of an `Arc<T>` queued by [`Queue::enqueue`],
/// does what `<Arc<T> as WorkItemPointer<0>>::run` does with it.
pub(crate) struct WorkFn<T> {
    f: unsafe extern "C" fn(*mut bindings::work_struct),
    _item: PhantomData<fn(T)>,
}

impl<T> WorkFn<T> {
    /// # Safety
    ///
    /// `f` must do with the `work_struct` of a queued `Arc<T>` what
    /// `<Arc<T> as WorkItemPointer<0>>::run` does (as [`work_fns!`]'s do:
    /// they call it).
    pub(crate) const unsafe fn new(f: unsafe extern "C" fn(*mut bindings::work_struct)) -> Self {
        // INVARIANT: the caller's duty.
        Self {
            f,
            _item: PhantomData,
        }
    }
}

impl<T> Clone for WorkFn<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for WorkFn<T> {}

/// Declares work functions with names of their own for the `Arc<$item>`
/// work items on upstream's `Work`, and a [`WorkFn`] for each:
/// `work_fns! { Item { CONST = symbol_name, ... } }`.
macro_rules! work_fns {
    ($item:ty { $($konst:ident = $name:ident),+ $(,)? }) => {
        $(
            /// A work function under a name of its own: upstream's `run`.
            ///
            /// # Safety
            ///
            /// `work` is the `work_struct` of a queued `Arc` item, as for
            /// upstream's `run`: the workqueue calls it.
            #[no_mangle]
            unsafe extern "C" fn $name(work: *mut kernel::bindings::work_struct) {
                // Its own name in its code: else LLVM merges the functions, whose bodies
                // are the same, into one address, which the kernel's tools name once.
                core::hint::black_box(stringify!($name));
                // SAFETY: The workqueue calls this, as it would upstream's `run`, with
                // the `work_struct` of a queued `Arc<$item>` ([`named`] set it).
                unsafe {
                    <kernel::sync::Arc<$item> as kernel::workqueue::WorkItemPointer<0>>::run(work)
                }
            }
            /// The work function of the same name.
            pub(crate) const $konst: $crate::kernel_ext::workqueue::WorkFn<$item> =
                // SAFETY: `$name` calls upstream's `run` for `Arc<$item>`.
                unsafe { $crate::kernel_ext::workqueue::WorkFn::new($name) };
        )+
    };
}
pub(crate) use work_fns;

/// `work`, run by `f` rather than by upstream's generic function: the
/// function pointer is replaced once the work item is initialised, before
/// it can be queued.
pub(crate) fn named<T>(work: impl PinInit<Work<T>>, f: WorkFn<T>) -> impl PinInit<Work<T>> {
    work.pin_chain(move |w| {
        // `w` is initialised and, until this initialiser returns, exclusively ours: nothing
        // has queued it, nothing reads its function.
        // SAFETY: `w` is live and unqueued; `f` runs it as upstream's would (`WorkFn`).
        unsafe { (*Work::raw_get(&*w)).func = Some(f.f) };
        Ok(())
    })
}
