// SPDX-License-Identifier: GPL-2.0

//! Per-CPU data, for counters that hot paths on every CPU update without
//! sharing a cache line or a lock.
//!
//! C header: [`include/linux/percpu.h`](srctree/include/linux/percpu.h)

use super::compat::Zeroable;
use super::ffi;
use core::marker::PhantomData;
use core::sync::atomic::AtomicU64;
use kernel::bindings;
use kernel::ffi::c_void;
use kernel::prelude::*;

/// One `T` per possible CPU, zero-initialised.
///
/// # Invariants
///
/// `ptr` is a live `__percpu` allocation of a zeroed `T` for each possible
/// CPU, owned by `self`.
pub(crate) struct PerCpu<T: Zeroable + Sync> {
    ptr: *mut c_void,
    _t: PhantomData<T>,
}

// SAFETY: The allocation may be freed from any thread; `T: Sync` makes
// shared access from several CPUs sound.
unsafe impl<T: Zeroable + Sync + Send> Send for PerCpu<T> {}
// SAFETY: `get` hands out `&T`, and `T: Sync`.
unsafe impl<T: Zeroable + Sync> Sync for PerCpu<T> {}

impl<T: Zeroable + Sync> PerCpu<T> {
    /// Allocates a zeroed `T` for every possible CPU.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: Any size and a power-of-two alignment are valid; the
        // memory comes back zeroed, which `T: Zeroable` makes a valid `T`.
        let ptr = unsafe { ffi::irqdefer_alloc_percpu(size_of::<T>(), align_of::<T>()) };
        if ptr.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: `ptr` is a zeroed per-CPU `T`.
        Ok(Self {
            ptr,
            _t: PhantomData,
        })
    }

    /// The copy of `cpu`, or `None` if `cpu` is not a possible CPU (past
    /// `nr_cpu_ids`, or a hole in the possible mask): such a CPU has no
    /// copy. Never panics, whatever `cpu` is (it may come from data another
    /// CPU wrote); callers decide what a missing CPU means, which for
    /// counters is "nothing to count" and "reads as 0".
    pub(crate) fn get(&self, cpu: u32) -> Option<&T> {
        if !super::cpu::possible(cpu) {
            return None;
        }
        // SAFETY: `ptr` is a live per-CPU allocation and `cpu` a possible
        // CPU, which has a copy: a valid `T` that lives as long as `self`.
        Some(unsafe { &*ffi::irqdefer_per_cpu_ptr(self.ptr, cpu).cast::<T>() })
    }

    /// The copy of the CPU the caller runs on, and that CPU's number: one
    /// call, no check (the current CPU is always possible). Outside
    /// interrupt context and with preemption on, the caller may move to
    /// another CPU right after: the copy stays valid, it is then another
    /// CPU's, which for counters updated atomically is no error.
    pub(crate) fn this_cpu(&self) -> (u32, &T) {
        let mut cpu = 0u32;
        // The shim takes the copy of the current CPU, which is possible,
        // hence holds a valid `T` that lives as long as `self`.
        // SAFETY: `ptr` is a live per-CPU allocation; `cpu` is writable.
        let t = unsafe { &*ffi::irqdefer_this_cpu_ptr(self.ptr, &mut cpu).cast::<T>() };
        (cpu, t)
    }
}

impl<T: Zeroable + Sync> Drop for PerCpu<T> {
    fn drop(&mut self) {
        // SAFETY: `ptr` is ours and no reference from `get` outlives `self`.
        unsafe { bindings::free_percpu(self.ptr) };
    }
}

/// A counter for per-CPU data: an [`AtomicU64`] that may be zero-filled.
#[repr(transparent)]
#[derive(Default)]
pub(crate) struct Counter(AtomicU64);

// SAFETY: All-zero bytes are a valid `AtomicU64`, of value 0.
unsafe impl Zeroable for Counter {}

impl core::ops::Deref for Counter {
    type Target = AtomicU64;

    fn deref(&self) -> &AtomicU64 {
        &self.0
    }
}
