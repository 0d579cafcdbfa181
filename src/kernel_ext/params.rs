// SPDX-License-Identifier: GPL-2.0

//! The module's parameters, declared in C with `module_param()` (the 6.12
//! `module!` macro has no parameters) and read here. On 7.x the integer
//! ones are `module!`'s (`kernel::module_param`); `paths=` stays C's: 7.3
//! has no string parameter type.

use super::{compat, ffi};

/// `paths=`: the raw list.
pub(crate) fn paths() -> &'static [u8] {
    // SAFETY: The shim returns a valid NUL-terminated string that lives
    // as long as the module (parameters are read-only: 0444).
    compat::cstr_bytes(unsafe { compat::cstr_from_ptr(ffi::irqdefer_param_paths()) })
}

/// `cpu=`.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn cpu() -> i32 {
    // SAFETY: Reads an int parameter.
    unsafe { ffi::irqdefer_param_cpu() }
}

/// `rate_hz=`.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn rate_hz() -> u32 {
    // SAFETY: Reads a uint parameter.
    unsafe { ffi::irqdefer_param_rate_hz() }
}

/// `work_ns=`.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn work_ns() -> u64 {
    // SAFETY: Reads a ulong parameter.
    unsafe { ffi::irqdefer_param_work_ns() as u64 }
}

/// `sleep_ms=`.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn sleep_ms() -> u32 {
    // SAFETY: Reads a uint parameter.
    unsafe { ffi::irqdefer_param_sleep_ms() }
}

/// `cpu=`, from `module!`'s parameters.
#[cfg(irqdefer_series_7)]
pub(crate) fn cpu() -> i32 {
    crate::module_parameters::cpu.value()
}

/// `rate_hz=`.
#[cfg(irqdefer_series_7)]
pub(crate) fn rate_hz() -> u32 {
    crate::module_parameters::rate_hz.value()
}

/// `work_ns=`.
#[cfg(irqdefer_series_7)]
pub(crate) fn work_ns() -> u64 {
    crate::module_parameters::work_ns.value()
}

/// `sleep_ms=`.
#[cfg(irqdefer_series_7)]
pub(crate) fn sleep_ms() -> u32 {
    crate::module_parameters::sleep_ms.value()
}
