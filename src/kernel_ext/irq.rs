// SPDX-License-Identifier: GPL-2.0

//! IRQ handler registration.
//!
//! Shaped like `kernel::irq::request` of newer kernels: a [`Handler`] (or
//! [`ThreadedHandler`]) trait, and a pinned [`Registration`] (or
//! [`ThreadedRegistration`]) that owns the handler, requests the line when
//! initialised and frees it when dropped. The registration's own address is
//! the cookie (`dev_id`) passed to the kernel. Upstream's needs a bound
//! device (`IrqRequest`); an `irq_sim` line has none. The two registrations
//! are one [`Line`], told apart by the callbacks they request it with.
//!
//! C header: [`include/linux/interrupt.h`](srctree/include/linux/interrupt.h)

use super::compat;
use core::marker::{PhantomData, PhantomPinned};
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

/// A requested line: freed when dropped. Shared by both registrations, as
/// upstream's `RegistrationInner`.
///
/// # Invariants
///
/// `irq` is requested with `cookie`, the address of the pinned
/// registration that holds this, whose handler outlives it (the field
/// drops first).
struct RegistrationInner {
    irq: u32,
    cookie: *mut c_void,
}

// SAFETY: `cookie` is only handed back to `free_irq`, from any thread.
unsafe impl Send for RegistrationInner {}
// SAFETY: `&RegistrationInner` gives no access to `cookie`.
unsafe impl Sync for RegistrationInner {}

/// A line's primary handler and thread function, as `request_threaded_irq`
/// takes them.
type Callback = unsafe extern "C" fn(c_int, *mut c_void) -> bindings::irqreturn;

impl RegistrationInner {
    /// Requests `irq` with `handler` (and `thread`), passing `cookie` back
    /// to both.
    ///
    /// # Safety
    ///
    /// `cookie` is the address of a pinned registration whose handler is
    /// initialised, and that holds the result, so that the line is freed
    /// before the handler is dropped; the callbacks accept that cookie.
    unsafe fn request(
        irq: u32,
        handler: Callback,
        thread: Option<Callback>,
        flags: Flags,
        name: &'static CStr,
        cookie: *mut c_void,
    ) -> Result<Self> {
        // SAFETY: The callbacks and the cookie are the caller's duty; `name` is `'static`.
        to_result(unsafe {
            bindings::request_threaded_irq(
                irq,
                Some(handler),
                thread,
                flags.into_inner(),
                name.as_char_ptr(),
                cookie,
            )
        })?;
        // INVARIANT: requested with `cookie`, by the caller's duty.
        Ok(Self { irq, cookie })
    }
}

impl Drop for RegistrationInner {
    fn drop(&mut self) {
        // `free_irq` waits for running handlers to finish and stops the line's thread, so
        // none runs once it returns.
        // SAFETY: By the type invariant the line is requested with this cookie.
        unsafe { bindings::free_irq(self.irq, self.cookie) };
    }
}

mod private {
    /// Seals [`super::Callbacks`]: its two implementations are this file's.
    pub(crate) trait Sealed {}
}

/// The C callbacks a line is requested with, for a handler `T`: the
/// difference between a [`Registration`] and a [`ThreadedRegistration`].
/// Sealed: implemented here only, by [`TopOnly`] and [`WithThread`].
///
/// # Safety
///
/// [`Self::PRIMARY`] and [`Self::THREAD`] accept as cookie the address of a
/// pinned [`Line<T, Self>`] whose `handler` is initialised and outlives the
/// call, and reach the handler by its field alone ([`Line::handler`]): a
/// callback may run before `request_threaded_irq` returns, while the rest
/// of the line is not yet written, so it must never form a `&Line`.
pub(crate) unsafe trait Callbacks<T>: private::Sealed + 'static {
    /// The primary handler, in hard interrupt context.
    const PRIMARY: Callback;
    /// The thread function, if the line has a thread of its own.
    const THREAD: Option<Callback>;
}

/// A line with a top half alone ([`Handler`]).
pub(crate) struct TopOnly;

/// A line with a top half and a handler thread ([`ThreadedHandler`]).
pub(crate) struct WithThread;

impl private::Sealed for TopOnly {}
impl private::Sealed for WithThread {}

// SAFETY: `handle_irq_callback::<T>` reads the handler of a `Line<T, TopOnly>` cookie.
unsafe impl<T: Handler + 'static> Callbacks<T> for TopOnly {
    const PRIMARY: Callback = handle_irq_callback::<T>;
    const THREAD: Option<Callback> = None;
}

// SAFETY: Both callbacks read the handler of a `Line<T, WithThread>` cookie.
unsafe impl<T: ThreadedHandler + 'static> Callbacks<T> for WithThread {
    const PRIMARY: Callback = handle_threaded_irq_callback::<T>;
    const THREAD: Option<Callback> = Some(thread_fn_callback::<T>);
}

/// A requested IRQ line with its handler: a [`Registration`] or a
/// [`ThreadedRegistration`].
///
/// # Invariants
///
/// `inner` requested the line with a pointer to `self` as cookie and
/// `C`'s callbacks; `self` is pinned, so the cookie stays valid until
/// `inner`, dropped before `handler`, frees the line.
#[pin_data]
pub(crate) struct Line<T: 'static, C> {
    inner: RegistrationInner,
    #[pin]
    handler: T,
    #[pin]
    _pin: PhantomPinned,
    // A marker only: `C` never decides whether a line is `Send` or `Sync`.
    _callbacks: PhantomData<fn() -> C>,
}

/// A requested IRQ line with its top half.
pub(crate) type Registration<T> = Line<T, TopOnly>;

/// A requested IRQ line with a top half and a handler thread.
pub(crate) type ThreadedRegistration<T> = Line<T, WithThread>;

impl<T: Sync + 'static, C: Callbacks<T>> Line<T, C> {
    /// Requests `irq` with `handler` (its top half, and its thread
    /// function if it has one), named `name` in `/proc/interrupts`.
    pub(crate) fn new(
        irq: u32,
        flags: Flags,
        name: &'static CStr,
        handler: impl PinInit<T, Error>,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            handler <- handler,
            // The cookie is `this`: its `handler` is initialised just above, and `inner` is
            // declared before it, so the line is freed first.
            // SAFETY: As above; `C`'s callbacks take that cookie, by `Callbacks`' safety.
            inner: unsafe {
                RegistrationInner::request(
                    irq,
                    C::PRIMARY,
                    C::THREAD,
                    flags,
                    name,
                    this.as_ptr().cast(),
                )?
            },
            _pin: PhantomPinned,
            _callbacks: PhantomData,
        })
    }

    /// The handler of the line whose cookie is `ptr`.
    ///
    /// A callback may run before `request_threaded_irq` returns, while the
    /// rest of the line is still being written: the handler, initialised
    /// before the request, is reached by its field alone.
    ///
    /// # Safety
    ///
    /// `ptr` is the cookie of a pinned `Line<T, C>` whose `handler` is
    /// initialised (the rest may not be written yet), and the reference is
    /// used only until the callback that received it returns.
    unsafe fn handler<'a>(ptr: *mut c_void) -> &'a T {
        // SAFETY: The cookie is a pinned `Line<T, C>` whose `handler` is initialised and lives
        // until `free_irq` returns, which waits for the running callbacks.
        unsafe { &*core::ptr::addr_of!((*ptr.cast::<Self>()).handler) }
    }
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`Registration<T>`].
unsafe extern "C" fn handle_irq_callback<T: Handler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // SAFETY: The kernel passes back the cookie given to `request_threaded_irq`.
    T::handle(unsafe { Registration::<T>::handler(ptr) }).into_inner()
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`ThreadedRegistration<T>`].
unsafe extern "C" fn handle_threaded_irq_callback<T: ThreadedHandler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // SAFETY: The kernel passes back the cookie given to `request_threaded_irq`.
    T::handle(unsafe { ThreadedRegistration::<T>::handler(ptr) }).into_inner()
}

/// # Safety
///
/// `ptr` must be the cookie of a live [`ThreadedRegistration<T>`].
unsafe extern "C" fn thread_fn_callback<T: ThreadedHandler + 'static>(
    _irq: c_int,
    ptr: *mut c_void,
) -> bindings::irqreturn {
    // SAFETY: The kernel passes back the cookie given to `request_threaded_irq`.
    T::handle_threaded(unsafe { ThreadedRegistration::<T>::handler(ptr) }).into_inner()
}

/// Whether the IRQ core forced the handler of `irq`, requested without a
/// thread function, into a thread (`threadirqs`, always on PREEMPT_RT).
/// `false` for a line with no handler.
pub(crate) fn forced_thread(irq: u32) -> bool {
    // SAFETY: Any IRQ number is accepted; the shim reads the line's action
    // under its descriptor's lock.
    unsafe { super::ffi::irqdefer_irq_forced_thread(irq) }
}
