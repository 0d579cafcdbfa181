// SPDX-License-Identifier: GPL-2.0

//! CPU numbers and masks.
//!
//! C header: [`include/linux/cpumask.h`](srctree/include/linux/cpumask.h)

use super::ffi;
use kernel::ffi::{c_long, c_void};

/// `nr_cpu_ids`: one more than the highest possible CPU number.
pub(crate) fn nr_cpu_ids() -> u32 {
    // SAFETY: Reads a variable fixed at boot.
    unsafe { ffi::irqdefer_nr_cpu_ids() }
}

/// Whether `cpu` is online now (it may go offline right after).
pub(crate) fn online(cpu: u32) -> bool {
    // SAFETY: Any value is accepted; out-of-range gives `false`.
    unsafe { ffi::irqdefer_cpu_online(cpu) }
}

/// Whether `cpu` is possible on this system.
pub(crate) fn possible(cpu: u32) -> bool {
    // SAFETY: Any value is accepted; out-of-range gives `false`.
    unsafe { ffi::irqdefer_cpu_possible(cpu) }
}

/// The possible CPUs, in order.
pub(crate) fn possible_cpus() -> impl Iterator<Item = u32> {
    (0..nr_cpu_ids()).filter(|&cpu| possible(cpu))
}

/// The CPU the caller runs on. Stable only where the caller cannot
/// migrate (interrupt context, preemption off); elsewhere a hint.
pub(crate) fn current() -> u32 {
    // SAFETY: `raw_smp_processor_id()` has no preconditions.
    unsafe { ffi::irqdefer_cpu_id() }
}

/// Runs `f` on `cpu`, in a worker bound to it (`work_on_cpu()`), and
/// waits for it. Must be called where sleeping is legal.
pub(crate) fn run_on<F: FnOnce() + Send>(cpu: u32, f: F) {
    /// # Safety
    ///
    /// `arg` must point at a live `Option<F>`.
    unsafe extern "C" fn call<F: FnOnce()>(arg: *mut c_void) -> c_long {
        // SAFETY: Guaranteed by the caller.
        let slot = unsafe { &mut *arg.cast::<Option<F>>() };
        if let Some(f) = slot.take() {
            f();
        }
        0
    }
    let mut slot = Some(f);
    // SAFETY: `slot` outlives the call, which waits for `call` to return.
    unsafe { ffi::irqdefer_work_on_cpu(cpu, call::<F>, (&mut slot as *mut Option<F>).cast()) };
}
