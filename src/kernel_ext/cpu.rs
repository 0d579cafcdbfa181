// SPDX-License-Identifier: GPL-2.0

//! CPU numbers and masks.
//!
//! C header: [`include/linux/cpumask.h`](srctree/include/linux/cpumask.h)

use super::ffi;

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
