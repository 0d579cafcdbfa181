// SPDX-License-Identifier: GPL-2.0

//! CPU hotplug callbacks: a dynamic multi-instance state
//! (`CPUHP_AP_ONLINE_DYN`) with one instance, owned by a pinned
//! [`Registration`] that removes both when dropped.
//!
//! C header: [`include/linux/cpuhotplug.h`](srctree/include/linux/cpuhotplug.h)

use super::compat::pin_init_from_closure;
use super::ffi;
use kernel::bindings;
use kernel::error::to_result;
use kernel::ffi::{c_int, c_uint};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;
use kernel::types::Opaque;

/// What a hotplug registration is told.
pub(crate) trait Handler: Send + Sync {
    /// `cpu` is about to go offline. Runs on `cpu`, in its hotplug thread
    /// (task context, may sleep), with CPU hotplug write-locked: it must
    /// not wait for anything that holds [`super::cpu::HotplugLock`].
    fn offline(&self, cpu: u32);
}

/// A dynamic hotplug state whose callbacks serve `Registration<T>`s.
///
/// # Invariants
///
/// `0` is a state number returned by `cpuhp_setup_state_multi()`, owned.
struct State(c_int);

impl State {
    fn new<T: Handler + 'static>(name: &'static CStr) -> Result<Self> {
        // `offline_callback::<T>` is only called for `Registration<T>`
        // nodes: the only instances this state gets (`Registration::new`).
        let callback = offline_callback::<T>;
        // SAFETY: `name` is static; `callback` matches the teardown signature (above).
        let state = unsafe { ffi::irqdefer_cpuhp_setup_multi(name.as_char_ptr(), callback) };
        to_result(state)?;
        // INVARIANT: a dynamic state is a positive number.
        Ok(Self(state))
    }
}

impl Drop for State {
    fn drop(&mut self) {
        // SAFETY: The state is ours and has no instance left: the
        // registration removed its node before this field drops.
        unsafe { ffi::irqdefer_cpuhp_remove_multi(self.0) };
    }
}

/// Hotplug callbacks delivered to `data` while this lives.
///
/// # Invariants
///
/// `node` is an instance of `state`, added with `data` reachable from it
/// (`container_of`), until drop removes it.
#[pin_data(PinnedDrop)]
pub(crate) struct Registration<T: Handler + 'static> {
    state: State,
    data: Arc<T>,
    #[pin]
    node: Opaque<bindings::hlist_node>,
}

// SAFETY: The registration only gives `&T` to callbacks; `T: Send + Sync`.
unsafe impl<T: Handler + 'static> Send for Registration<T> {}
// SAFETY: `&Registration` offers nothing.
unsafe impl<T: Handler + 'static> Sync for Registration<T> {}

impl<T: Handler + 'static> Registration<T> {
    /// Registers `data` for hotplug callbacks, named `name` in
    /// `/sys/devices/system/cpu/hotplug/states`.
    pub(crate) fn new(name: &'static CStr, data: Arc<T>) -> Result<impl PinInit<Self, Error>> {
        let state = State::new::<T>(name)?;
        let number = state.0;
        Ok(try_pin_init!(Self {
            state,
            data,
            // On success, `cpuhp_state_add_instance_nocalls()` has linked
            // (so initialised) the node at its final, pinned address.
            // SAFETY: On failure the node is unused; an `Opaque` may be anything.
            node <- unsafe {
                pin_init_from_closure(move |slot: *mut Opaque<bindings::hlist_node>| {
                    to_result(ffi::irqdefer_cpuhp_add_instance(
                        number,
                        // `Opaque` is `repr(transparent)`.
                        slot.cast::<bindings::hlist_node>(),
                    ))
                })
            },
        }))
    }
}

#[pinned_drop]
impl<T: Handler + 'static> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `node` is an instance of `state` (type invariant). The
        // removal takes the hotplug lock: no callback runs after it.
        unsafe { ffi::irqdefer_cpuhp_remove_instance(self.state.0, self.node.get()) };
    }
}

/// # Safety
///
/// Called by the hotplug core for an instance of a state made by
/// `State::new::<T>`, whose instances are all `Registration<T>` nodes.
unsafe extern "C" fn offline_callback<T: Handler + 'static>(
    cpu: c_uint,
    node: *mut bindings::hlist_node,
) -> c_int {
    // `node` is removed, waiting for callbacks, before its registration is freed.
    // SAFETY: `node` is the `node` field of a live, pinned `Registration<T>`.
    let reg = unsafe {
        &*kernel::container_of!(
            node.cast::<Opaque<bindings::hlist_node>>(),
            Registration<T>,
            node
        )
    };
    reg.data.offline(cpu);
    0
}
