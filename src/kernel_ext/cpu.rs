// SPDX-License-Identifier: GPL-2.0

//! CPU numbers and masks.
//!
//! C header: [`include/linux/cpumask.h`](srctree/include/linux/cpumask.h)

use super::ffi;
use kernel::ffi::{c_long, c_void};

/// `nr_cpu_ids`: one more than the highest possible CPU number.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn nr_cpu_ids() -> u32 {
    // SAFETY: Reads a variable fixed at boot.
    unsafe { ffi::irqdefer_nr_cpu_ids() }
}
#[cfg(irqdefer_series_7)]
pub(crate) use kernel::cpu::nr_cpu_ids;

/// Whether `cpu` is online now (it may go offline right after).
#[cfg(not(irqdefer_series_7))]
pub(crate) fn online(cpu: u32) -> bool {
    // SAFETY: Any value is accepted; out-of-range gives `false`.
    unsafe { ffi::irqdefer_cpu_online(cpu) }
}

/// Whether `cpu` is possible on this system.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn possible(cpu: u32) -> bool {
    // SAFETY: Any value is accepted; out-of-range gives `false`.
    unsafe { ffi::irqdefer_cpu_possible(cpu) }
}

/// Whether `cpu` is online now (it may go offline right after):
/// `cpu_online_mask` through `kernel::cpumask::Cpumask`.
#[cfg(irqdefer_series_7)]
pub(crate) fn online(cpu: u32) -> bool {
    use kernel::cpumask::Cpumask;
    // SAFETY: `__cpu_online_mask` is the kernel's, alive for ever; it is
    // only read, racily, as `cpu_online()` reads it.
    let mask = unsafe { Cpumask::from_raw(&raw const kernel::bindings::__cpu_online_mask) };
    kernel::cpu::CpuId::from_u32(cpu).is_some_and(|cpu| mask.test(cpu))
}

/// Whether `cpu` is possible on this system: `cpu_possible_mask` through
/// `kernel::cpumask::Cpumask`.
#[cfg(irqdefer_series_7)]
pub(crate) fn possible(cpu: u32) -> bool {
    use kernel::cpumask::Cpumask;
    // SAFETY: `__cpu_possible_mask` is the kernel's, alive for ever and
    // fixed after boot; it is only read.
    let mask = unsafe { Cpumask::from_raw(&raw const kernel::bindings::__cpu_possible_mask) };
    kernel::cpu::CpuId::from_u32(cpu).is_some_and(|cpu| mask.test(cpu))
}

/// The possible CPUs, in order.
pub(crate) fn possible_cpus() -> impl Iterator<Item = u32> {
    (0..nr_cpu_ids()).filter(|&cpu| possible(cpu))
}

/// The CPU the caller runs on. Stable only where the caller cannot
/// migrate (interrupt context, preemption off); elsewhere a hint.
#[cfg(not(irqdefer_series_7))]
pub(crate) fn current() -> u32 {
    // SAFETY: `raw_smp_processor_id()` has no preconditions.
    unsafe { ffi::irqdefer_cpu_id() }
}
/// The CPU the caller runs on: `kernel::cpu::CpuId::current()`.
#[cfg(irqdefer_series_7)]
pub(crate) fn current() -> u32 {
    kernel::cpu::CpuId::current().as_u32()
}

/// `cpu`'s time in hard and soft interrupt context so far, ns: the `irq`
/// and `softirq` columns of `/proc/stat` (sampled at each scheduler tick
/// unless `CONFIG_IRQ_TIME_ACCOUNTING`, so hard interrupt time is often
/// charged elsewhere). 0 for a CPU that is not possible.
pub(crate) fn irq_time_ns(cpu: u32) -> u64 {
    // SAFETY: Any value is accepted; the shim checks `cpu` and reads
    // `kcpustat_cpu(cpu)` racily, as `/proc/stat` does.
    unsafe { ffi::irqdefer_irq_time_ns(cpu) }
}

/// CPU hotplug held off: `cpus_read_lock()` until dropped. No CPU goes
/// online or offline meanwhile, so a CPU checked online stays online.
/// Lock order: take it before any lock that a hotplug callback takes.
pub(crate) struct HotplugLock {
    _not_send: core::marker::PhantomData<*mut ()>,
}

impl HotplugLock {
    /// Takes `cpus_read_lock()`. Must be called where sleeping is legal.
    pub(crate) fn new() -> Self {
        // SAFETY: Sleeping is legal here (the caller's duty); the lock is
        // released by `drop`, on the same task (`HotplugLock` is not `Send`).
        unsafe { ffi::irqdefer_cpus_read_lock() };
        Self {
            _not_send: core::marker::PhantomData,
        }
    }

    /// Whether `cpu` is online; it stays so while `self` lives.
    pub(crate) fn online(&self, cpu: u32) -> bool {
        online(cpu)
    }

    /// Binds the calling task to `cpu` (`set_cpus_allowed_ptr()`), moving
    /// it there; `Err(ERANGE)` if `cpu` is offline. The task stays there
    /// while `self` lives, unless it changes its affinity itself.
    pub(crate) fn bind_current(&self, cpu: u32) -> kernel::error::Result {
        if !self.online(cpu) {
            return Err(kernel::error::code::ERANGE);
        }
        // SAFETY: Changes the calling task's own affinity; sleeping is
        // legal here (`HotplugLock` was taken where it is).
        kernel::error::to_result(unsafe { ffi::irqdefer_bind_current(cpu) })
            .map_err(|_| kernel::error::code::ERANGE)
    }

    /// Runs `f` on `cpu`, in a worker bound to it (`work_on_cpu()`), and
    /// waits for it; `Err(ERANGE)` without running it if `cpu` is offline.
    /// The CPU cannot go offline while `f` runs: the caller holds `self`.
    pub(crate) fn run_on<F: FnOnce() + Send>(&self, cpu: u32, f: F) -> kernel::error::Result {
        if !self.online(cpu) {
            return Err(kernel::error::code::ERANGE);
        }
        run_on(cpu, f);
        Ok(())
    }
}

impl Drop for HotplugLock {
    fn drop(&mut self) {
        // SAFETY: Balances the `cpus_read_lock()` of `new`, on the same task.
        unsafe { ffi::irqdefer_cpus_read_unlock() };
    }
}

/// `cond_resched()`: lets other tasks run if one is due, on kernels built
/// or booted without full preemption. Must be called where sleeping is legal.
pub(crate) fn cond_resched() {
    // SAFETY: The caller may sleep (its duty, as for `msleep`).
    unsafe { ffi::irqdefer_cond_resched() };
}

/// `fatal_signal_pending(current)`: the calling task is being killed.
pub(crate) fn fatal_signal_pending() -> bool {
    // SAFETY: Reads `current`'s pending signals; no preconditions.
    unsafe { ffi::irqdefer_fatal_signal_pending() }
}

/// Runs `f` on `cpu`, in a worker bound to it (`work_on_cpu()`), and
/// waits for it. Must be called where sleeping is legal, with CPU hotplug
/// held off ([`HotplugLock::run_on`]): a worker for an offline CPU runs
/// anywhere.
fn run_on<F: FnOnce() + Send>(cpu: u32, f: F) {
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
    unsafe { ffi::irqdefer_work_on_cpu(cpu, call::<F>, core::ptr::from_mut(&mut slot).cast()) };
}
