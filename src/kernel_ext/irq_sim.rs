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
        // INVARIANT: `fwnode` and `domain` are valid; `virqs` fills below
        // and drop disposes only what it holds.
        let mut this = Self {
            fwnode,
            domain,
            virqs: KVec::with_capacity(lines as usize, GFP_KERNEL)?,
        };
        for hwirq in 0..lines {
            // SAFETY: `domain` is valid and `hwirq` is below its size.
            let virq = unsafe {
                ffi::irq_create_mapping_affinity(
                    this.domain,
                    hwirq as kernel::ffi::c_ulong,
                    core::ptr::null(),
                )
            };
            if virq == 0 {
                return Err(ENOMEM);
            }
            this.virqs.push(virq, GFP_KERNEL)?;
        }
        Ok(this)
    }

    /// The Linux IRQ number of `line`.
    pub(crate) fn irq(&self, line: usize) -> u32 {
        self.virqs[line]
    }

    /// Raises the interrupt of `line`, as the hardware would. Callable from
    /// any context. A line that nobody has requested (or that is disabled)
    /// drops the event.
    pub(crate) fn fire(&self, line: usize) -> Result {
        // SAFETY: `virqs[line]` is a mapped IRQ of our live domain.
        to_result(unsafe {
            bindings::irq_set_irqchip_state(
                self.virqs[line],
                bindings::irqchip_irq_state_IRQCHIP_STATE_PENDING,
                true,
            )
        })
    }
}

/// Every line of a [`SimDomain`] disabled; see [`SimDomain::hold`].
pub(crate) struct Held<'a> {
    domain: &'a SimDomain,
}

impl SimDomain {
    /// Disables every line, waiting for handlers in progress (top halves
    /// and IRQ threads) to finish; the lines are enabled again when the
    /// result is dropped. Events raised meanwhile are dropped by the
    /// simulator. Must be called where sleeping is legal.
    pub(crate) fn hold(&self) -> Held<'_> {
        for &virq in self.virqs.iter() {
            // SAFETY: `virq` is a mapped IRQ of our live domain.
            unsafe { bindings::disable_irq(virq) };
        }
        Held { domain: self }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        for &virq in self.domain.virqs.iter() {
            // SAFETY: Balances the `disable_irq` of `hold`.
            unsafe { bindings::enable_irq(virq) };
        }
    }
}

impl Drop for SimDomain {
    fn drop(&mut self) {
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
