// SPDX-License-Identifier: GPL-2.0

//! IRQ handler registration.
//!
//! Shaped like `kernel::irq::request` of newer kernels: a [`Handler`] (or
//! [`ThreadedHandler`]) trait, and a pinned [`Registration`] (or
//! [`ThreadedRegistration`]) that owns the handler, requests the line when
//! initialised and frees it when dropped. The registration's own address is
//! the cookie (`dev_id`) passed to the kernel.
//!
//! C header: [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h)

use super::compat;
use core::marker::PhantomPinned;
use kernel::bindings;
use kernel::error::to_result;
use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::str::CStr;

/// Flags for [`Registration::new`] and [`ThreadedRegistration::new`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Flags(u32);

impl Flags {
    /// No flags.
    pub(crate) const NONE: Flags = Flags(0);
    /// `IRQF_ONESHOT`: where the line's flow handler masks it (level and
    /// fasteoi lines), keep it masked until the thread has run. `irq_sim`'s
    /// `handle_simple_irq` never masks: top halves run on meanwhile.
    pub(crate) const ONESHOT: Flags = Flags(bindings::IRQF_ONESHOT);
    /// `IRQF_NO_THREAD`: never force the handler into a thread (under
    /// `threadirqs` or `PREEMPT_RT`): it stays in hard interrupt context.
    pub(crate) const NO_THREAD: Flags = Flags(bindings::IRQF_NO_THREAD);

    fn into_inner(self) -> kernel::ffi::c_ulong {
        self.0 as kernel::ffi::c_ulong
    }
}

/// What a top half tells the kernel. (`IRQ_NONE`, for shared lines, is
/// left out: irqdefer's lines are its own.)
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IrqReturn {
    /// The interrupt was handled.
    Handled,
}

/// What a top half with a thread tells the kernel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ThreadedIrqReturn {
    /// The interrupt was handled; the thread need not run.
    Handled,
    /// Wake the handler thread.
    WakeThread,
}

impl IrqReturn {
    fn into_inner(self) -> bindings::irqreturn {
        match self {
            IrqReturn::Handled => compat::IRQ_HANDLED,
        }
    }
}

impl ThreadedIrqReturn {
    fn into_inner(self) -> bindings::irqreturn {
        match self {
            ThreadedIrqReturn::Handled => compat::IRQ_HANDLED,
            ThreadedIrqReturn::WakeThread => compat::IRQ_WAKE_THREAD,
        }
    }
}

/// A top half: runs in hard interrupt context and must not sleep.
pub(crate) trait Handler: Sync {
    /// Handles the interrupt.
    fn handle(&self) -> IrqReturn;
}

/// A top half with a bottom half in a kernel thread (`irq/N-name`).
pub(crate) trait ThreadedHandler: Sync {
    /// Runs in hard interrupt context; returns
    /// [`ThreadedIrqReturn::WakeThread`] to have [`Self::handle_threaded`] run.
    fn handle(&self) -> ThreadedIrqReturn;

    /// Runs in the IRQ thread, in task context, and may sleep.
    fn handle_threaded(&self) -> IrqReturn;
}

/// A requested IRQ line with its top half.
///
/// # Invariants
///
/// While the registration exists, `irq` is requested with a pointer to
/// `self` as cookie and [`handle_irq_callback::<T>`] as handler; `self` is
/// pinned, so the cookie stays valid until [`PinnedDrop`] frees the line.
#[pin_data(PinnedDrop)]
pub(crate) struct Registration<T: Handler + 'static> {
    #[pin]
    handler: T,
    irq: u32,
    #[pin]
    _pin: PhantomPinned,
}

impl<T: Handler + 'static> Registration<T> {
    /// Requests `irq` with `handler` as its top half, named `name` in
    /// `/proc/interrupts`.
    pub(crate) fn new(
        irq: u32,
        flags: Flags,
        name: &'static CStr,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            irq: {
                // The cookie is `this`: its `handler` was initialised just above, and it
                // stays pinned and valid until `drop` calls `free_irq`.
                // SAFETY: The callback has the kernel's signature, the cookie is valid (above),
                // `name` is `'static`.
                to_result(unsafe {
                    bindings::request_threaded_irq(
                        irq,
                        Some(handle_irq_callback::<T>),
                        None,
                        flags.into_inner(),
                        name.as_char_ptr(),
                        this.as_ptr().cast::<c_void>(),
                    )
                })?;
                irq
            },
            _pin: PhantomPinned,
        })
    }
}

#[pinned_drop]
impl<T: Handler + 'static> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the line is requested with this cookie. `free_irq`
        // waits for running handlers to finish, so none runs once it returns.
        unsafe {
            bindings::free_irq(
                self.irq,
                core::ptr::from_ref::<Self>(&*self).cast_mut().cast(),
            )
        };
    }
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`Registration<T>`].
unsafe extern "C" fn handle_irq_callback<T: Handler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // The handler may run before `request_threaded_irq` returns, while
    // the rest of the registration is still being written: reach the
    // handler, initialised before the request, by its field alone.
    // The kernel passes back the cookie given to `request_threaded_irq`.
    // SAFETY: It is a pinned `Registration<T>` whose `handler` is
    // initialised and lives until `free_irq` returns.
    let handler = unsafe { &*core::ptr::addr_of!((*ptr.cast::<Registration<T>>()).handler) };
    T::handle(handler).into_inner()
}

/// A requested IRQ line with a top half and a handler thread.
///
/// # Invariants
///
/// As for [`Registration`], with [`handle_threaded_irq_callback::<T>`] and
/// [`thread_fn_callback::<T>`] as handler and thread function.
#[pin_data(PinnedDrop)]
pub(crate) struct ThreadedRegistration<T: ThreadedHandler + 'static> {
    #[pin]
    handler: T,
    irq: u32,
    #[pin]
    _pin: PhantomPinned,
}

impl<T: ThreadedHandler + 'static> ThreadedRegistration<T> {
    /// Requests `irq` with `handler`'s top half and thread function.
    pub(crate) fn new(
        irq: u32,
        flags: Flags,
        name: &'static CStr,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            irq: {
                // SAFETY: As in `Registration::new`; both callbacks have
                // the signatures the kernel expects.
                to_result(unsafe {
                    bindings::request_threaded_irq(
                        irq,
                        Some(handle_threaded_irq_callback::<T>),
                        Some(thread_fn_callback::<T>),
                        flags.into_inner(),
                        name.as_char_ptr(),
                        this.as_ptr().cast::<c_void>(),
                    )
                })?;
                irq
            },
            _pin: PhantomPinned,
        })
    }
}

#[pinned_drop]
impl<T: ThreadedHandler + 'static> PinnedDrop for ThreadedRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the line is requested with this
        // cookie. `free_irq` waits for the top half and stops the thread.
        unsafe {
            bindings::free_irq(
                self.irq,
                core::ptr::from_ref::<Self>(&*self).cast_mut().cast(),
            )
        };
    }
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`ThreadedRegistration<T>`].
unsafe extern "C" fn handle_threaded_irq_callback<T: ThreadedHandler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // By field, as in `handle_irq_callback`: the cookie is a pinned
    // `ThreadedRegistration<T>` whose `handler` is initialised.
    // SAFETY: The cookie's `handler` is initialised and pinned.
    let handler =
        unsafe { &*core::ptr::addr_of!((*ptr.cast::<ThreadedRegistration<T>>()).handler) };
    T::handle(handler).into_inner()
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`ThreadedRegistration<T>`].
unsafe extern "C" fn thread_fn_callback<T: ThreadedHandler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // By field, as in `handle_irq_callback`: the cookie is a pinned
    // `ThreadedRegistration<T>` whose `handler` is initialised.
    // SAFETY: The cookie's `handler` is initialised and pinned.
    let handler =
        unsafe { &*core::ptr::addr_of!((*ptr.cast::<ThreadedRegistration<T>>()).handler) };
    T::handle_threaded(handler).into_inner()
}

/// Whether the IRQ core forced the handler of `irq`, requested without a
/// thread function, into a thread (`threadirqs`, always on PREEMPT_RT).
/// `false` for a line with no handler.
pub(crate) fn forced_thread(irq: u32) -> bool {
    // SAFETY: Any IRQ number is accepted; the shim reads the line's action
    // under its descriptor's lock.
    unsafe { super::ffi::irqdefer_irq_forced_thread(irq) }
}
