// SPDX-License-Identifier: GPL-2.0

//! Where the 6.12 and 7.x `kernel` crates differ under irqdefer's code.
//!
//! One item per difference, one block per series; everything else in the
//! module is written once, for both. `Kbuild` sets `irqdefer_series_7`
//! when building against a 7.x tree.
//!
//! | item | 6.12 | 7.x |
//! | --- | --- | --- |
//! | [`pin_init_from_closure`], [`Zeroable`], [`stack_pin_init`] | `kernel::init` | the `pin_init` crate (6.15) |
//! | [`value`] | every `T` is an `Init<T, E>` for any `E` | only for `E = Infallible`; `Result<T, E>` is |
//! | [`into_foreign`] | returns `*const c_void` | `*mut c_void` |
//! | [`user_slice`] | `UserPtr` is `usize` | `UserPtr` is a type |
//! | [`cstr_bytes`], [`cstr_from_ptr`] | `kernel::str::CStr` | `core::ffi::CStr` with `CStrExt` |
//! | [`IRQ_HANDLED`] and the other C enum values | `<enum>_<VALUE>` constants | `<enum>::<VALUE>` (newtype enums); the hrtimer ones are upstream's `HrTimerRestart` |
//! | [`KTIMERS`]: where top halves are forced into threads, `TIMER` and `HRTIMER` softirqs run in `ktimers/N` (FIFO 1) | no: in `ksoftirqd/N` | yes |
//! | [`WQ_PERCPU`] | none: per-CPU is what a queue without `WQ_UNBOUND` is | a flag; `alloc_workqueue()` warns (a splat) without it or `WQ_UNBOUND` |

#[cfg(not(irqdefer_series_7))]
mod series {
    use kernel::bindings;
    use kernel::ffi::{c_char, c_void};
    use kernel::prelude::*;
    use kernel::str::CStr;
    use kernel::types::ForeignOwnable;
    use kernel::uaccess::UserSlice;

    pub(crate) use kernel::init::{pin_init_from_closure, Zeroable};
    pub(crate) use kernel::stack_pin_init;

    /// `v` as an initialiser that may fail with [`Error`].
    pub(crate) fn value<T>(v: T) -> impl PinInit<T, Error> {
        v
    }

    /// [`ForeignOwnable::into_foreign`], as the `*mut` C's `void *` is.
    pub(crate) fn into_foreign<P: ForeignOwnable>(p: P) -> *mut c_void {
        p.into_foreign().cast_mut()
    }

    /// The user memory at `buf`, `len` bytes.
    pub(crate) fn user_slice(buf: *const c_char, len: usize) -> UserSlice {
        UserSlice::new(buf as usize, len)
    }

    /// The bytes of `s`, without its NUL.
    pub(crate) fn cstr_bytes(s: &CStr) -> &[u8] {
        s.as_bytes()
    }

    /// The string at `ptr`.
    ///
    /// # Safety
    ///
    /// As for [`CStr::from_char_ptr`].
    pub(crate) unsafe fn cstr_from_ptr<'a>(ptr: *const c_char) -> &'a CStr {
        // SAFETY: The caller's duty.
        unsafe { CStr::from_char_ptr(ptr) }
    }

    pub(crate) const IRQ_HANDLED: bindings::irqreturn = bindings::irqreturn_IRQ_HANDLED;
    pub(crate) const IRQ_WAKE_THREAD: bindings::irqreturn = bindings::irqreturn_IRQ_WAKE_THREAD;
    pub(crate) const HRTIMER_NORESTART: bindings::hrtimer_restart =
        bindings::hrtimer_restart_HRTIMER_NORESTART;
    pub(crate) const HRTIMER_RESTART: bindings::hrtimer_restart =
        bindings::hrtimer_restart_HRTIMER_RESTART;
    pub(crate) const WQ_PERCPU: u32 = 0;
    pub(crate) const KTIMERS: bool = false;
    pub(crate) const MECHANISM_WQ: &str = "queue_work(system_wq)";
    pub(crate) const MECHANISM_WQ_UNBOUND: &str = "queue_work(system_unbound_wq)";
}

#[cfg(irqdefer_series_7)]
mod series {
    use kernel::bindings;
    use kernel::ffi::{c_char, c_void};
    use kernel::prelude::*;
    use kernel::str::CStr;
    use kernel::types::ForeignOwnable;
    use kernel::uaccess::{UserPtr, UserSlice};

    pub(crate) use pin_init::{pin_init_from_closure, stack_pin_init, Zeroable};

    /// `v` as an initialiser that may fail with [`Error`].
    pub(crate) fn value<T>(v: T) -> impl PinInit<T, Error> {
        Ok::<T, Error>(v)
    }

    /// [`ForeignOwnable::into_foreign`], as the `*mut` C's `void *` is.
    pub(crate) fn into_foreign<P: ForeignOwnable>(p: P) -> *mut c_void {
        p.into_foreign()
    }

    /// The user memory at `buf`, `len` bytes.
    pub(crate) fn user_slice(buf: *const c_char, len: usize) -> UserSlice {
        UserSlice::new(UserPtr::from_addr(buf as usize), len)
    }

    /// The bytes of `s`, without its NUL.
    pub(crate) fn cstr_bytes(s: &CStr) -> &[u8] {
        s.to_bytes()
    }

    /// The string at `ptr`.
    ///
    /// # Safety
    ///
    /// As for `CStr::from_char_ptr`.
    pub(crate) unsafe fn cstr_from_ptr<'a>(ptr: *const c_char) -> &'a CStr {
        // SAFETY: The caller's duty.
        unsafe { CStr::from_char_ptr(ptr) }
    }

    pub(crate) const IRQ_HANDLED: bindings::irqreturn = bindings::irqreturn::IRQ_HANDLED;
    pub(crate) const IRQ_WAKE_THREAD: bindings::irqreturn = bindings::irqreturn::IRQ_WAKE_THREAD;
    pub(crate) const WQ_PERCPU: u32 = bindings::wq_flags_WQ_PERCPU;
    pub(crate) const KTIMERS: bool = true;
    pub(crate) const MECHANISM_WQ: &str = "queue_work(system_percpu_wq)";
    pub(crate) const MECHANISM_WQ_UNBOUND: &str = "queue_work(system_dfl_wq)";
}

pub(crate) use series::*;
