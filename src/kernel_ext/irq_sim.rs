// SPDX-License-Identifier: GPL-2.0

//! The interrupt simulator: an irq domain whose lines are real Linux IRQs,
//! raised by software.
//!
//! C header: [`include/linux/irq_sim.h`](srctree/include/linux/irq_sim.h)

use super::ffi;
use kernel::bindings;
use kernel::error::to_result;
use kernel::prelude::*;
use kernel::str::CStr;

/// Zeroed ops: no request or release callbacks. Passing them (rather than
/// NULL) keeps `irq_domain_create_sim_full()` from reading uninitialised
/// ops on 6.12 kernels older than 6.12.37 (CVE-2025-38408).
static NO_OPS: ffi::IrqSimOps = ffi::IrqSimOps {
    irq_sim_irq_requested: None,
    irq_sim_irq_released: None,
};

/// How long dropping a domain waits for raised events to be delivered, ms.
const DRAIN_MS: u32 = 1000;

/// An `irq_sim` domain with every line mapped to a Linux IRQ number.
///
/// # Invariants
///
/// `fwnode` and `domain` are valid and owned by `self`; `virqs[i]` is the
/// mapping of hardware line `i` of `domain`.
pub(crate) struct SimDomain {
    fwnode: *mut bindings::fwnode_handle,
    domain: *mut bindings::irq_domain,
    virqs: KVec<u32>,
}

// SAFETY: The domain's functions may be called from any thread; `SimDomain`
// hands out only IRQ numbers and `fire`, which takes the kernel's own locks.
unsafe impl Send for SimDomain {}
// SAFETY: See above: `&SimDomain` gives nothing that is not thread safe.
unsafe impl Sync for SimDomain {}

impl SimDomain {
    /// Creates a domain named `name` with `lines` lines, all mapped.
    pub(crate) fn new(name: &'static CStr, lines: u32) -> Result<Self> {
        // Allocated first: after the domain exists, every failure must
        // still reach `drop`, which removes it.
        let mut virqs = KVec::with_capacity(lines as usize, GFP_KERNEL)?;
        // SAFETY: `name` is a valid NUL-terminated string.
        let fwnode = unsafe { ffi::irqdefer_alloc_named_fwnode(name.as_char_ptr()) };
        if fwnode.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `fwnode` is valid; `NO_OPS` is static.
        let domain = unsafe {
            ffi::irq_domain_create_sim_full(fwnode, lines, &NO_OPS, core::ptr::null_mut())
        };
        if let Err(e) = kernel::error::from_err_ptr(domain) {
            // SAFETY: `fwnode` was allocated above and is used by nothing.
            unsafe { ffi::irq_domain_free_fwnode(fwnode) };
            return Err(e);
        }
        for hwirq in 0..lines {
            // SAFETY: `domain` is valid and `hwirq` is below its size.
            let virq = unsafe {
                ffi::irq_create_mapping_affinity(
                    domain,
                    hwirq as kernel::ffi::c_ulong,
                    core::ptr::null(),
                )
            };
            // Cannot fail: the capacity is reserved.
            if virq == 0 || virqs.push(virq, GFP_KERNEL).is_err() {
                break;
            }
        }
        // INVARIANT: `fwnode` and `domain` are valid; `virqs` holds the
        // mappings made, which drop disposes of.
        let this = Self {
            fwnode,
            domain,
            virqs,
        };
        if this.virqs.len() != lines as usize {
            return Err(ENOMEM);
        }
        Ok(this)
    }

    /// The Linux IRQ number of `line` (0, no IRQ, for a line the domain
    /// does not have).
    pub(crate) fn irq(&self, line: usize) -> u32 {
        self.virqs.get(line).copied().unwrap_or(0)
    }

    /// Raises the interrupt of `line`, as the hardware would. Callable from
    /// any context. A line that nobody has requested (or that is masked)
    /// drops the event.
    pub(crate) fn fire(&self, line: usize) -> Result {
        let virq = *self.virqs.get(line).ok_or(EINVAL)?;
        // SAFETY: `virq` is a mapped IRQ of our live domain.
        to_result(unsafe {
            bindings::irq_set_irqchip_state(
                virq,
                bindings::irqchip_irq_state_IRQCHIP_STATE_PENDING,
                true,
            )
        })
    }

    /// Whether any line has an event raised and not yet delivered (the
    /// simulator delivers from an irq_work on the raising CPU).
    pub(crate) fn any_pending(&self) -> bool {
        self.virqs.iter().any(|&virq| {
            let mut pending = false;
            // SAFETY: `virq` is a mapped IRQ of our live domain; `pending`
            // is valid for writes.
            let r = unsafe {
                bindings::irq_get_irqchip_state(
                    virq,
                    bindings::irqchip_irq_state_IRQCHIP_STATE_PENDING,
                    &mut pending,
                )
            };
            r == 0 && pending
        })
    }

    /// Waits until no handler of any line runs: the simulator's irq_work
    /// instances that already took an event have finished (their top
    /// halves run inside them, with interrupts off, so one RCU grace period
    /// covers them), then every handler thread. Events not yet taken
    /// ([`Self::any_pending`]) are not waited for. Must be called where
    /// sleeping is legal.
    pub(crate) fn synchronize(&self) {
        // SAFETY: No preconditions beyond a sleepable context.
        unsafe { bindings::synchronize_rcu() };
        for &virq in self.virqs.iter() {
            // SAFETY: `virq` is a mapped IRQ of our live domain.
            unsafe { bindings::synchronize_irq(virq) };
        }
    }
}

impl Drop for SimDomain {
    fn drop(&mut self) {
        // The simulator's irq_work looks each raised line up in the
        // domain: let it deliver what it has taken, and finish, before the
        // mappings go (`irq_domain_remove_sim()` syncs it only after).
        // Bounded: an irq_work stranded on an offline CPU (PREEMPT_RT
        // parks `irq_work/N` with its list) is waited for by the removal.
        let mut waited = 0;
        while self.any_pending() && waited < DRAIN_MS {
            super::time::msleep(1);
            waited = waited.saturating_add(1);
        }
        self.synchronize();
        for &virq in self.virqs.iter() {
            // SAFETY: `virq` is a mapping we created; its users (IRQ registrations, which
            // borrow the number from the domain) are gone before the domain is dropped.
            unsafe { ffi::irq_dispose_mapping(virq) };
        }
        // SAFETY: Every mapping is disposed; the domain is ours. This also
        // syncs the simulator's irq_work.
        unsafe { ffi::irq_domain_remove_sim(self.domain) };
        // SAFETY: The domain that used `fwnode` is gone.
        unsafe { ffi::irq_domain_free_fwnode(self.fwnode) };
    }
}
