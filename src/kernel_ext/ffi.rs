// SPDX-License-Identifier: GPL-2.0

//! Foreign functions that `kernel::bindings` of 6.12 does not carry.
//!
//! Two kinds: exported kernel functions whose headers the 6.12 bindings do
//! not include (prototypes copied from the named headers), and the C shim
//! (`src/shim/irqdefer_shim.h`) for static inline functions and macros.

// As in `kernel::bindings`: kernel structs reach C only by pointer.
#![allow(improper_ctypes)]

use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

/// `struct irq_sim_ops` from `include/linux/irq_sim.h`.
#[repr(C)]
pub(crate) struct IrqSimOps {
    pub(crate) irq_sim_irq_requested: Option<unsafe extern "C" fn()>,
    pub(crate) irq_sim_irq_released: Option<unsafe extern "C" fn()>,
}

/// `struct irqdefer_ctx` from `irqdefer_shim.h`.
#[repr(C)]
pub(crate) struct IrqdeferCtx {
    pub(crate) flags: u32,
    pub(crate) cpu: u32,
    pub(crate) comm: [u8; 16],
}

/// Flags of [`IrqdeferCtx`], as in `irqdefer_shim.h`.
pub(crate) mod ctx_flags {
    pub(crate) const HARDIRQ: u32 = 1 << 0;
    pub(crate) const SOFTIRQ: u32 = 1 << 1;
    pub(crate) const NMI: u32 = 1 << 3;
    pub(crate) const PREEMPTIBLE: u32 = 1 << 4;
    pub(crate) const MAY_SLEEP: u32 = 1 << 5;
    pub(crate) const IRQS_DISABLED: u32 = 1 << 6;
    pub(crate) const KTHREAD: u32 = 1 << 7;
}

extern "C" {
    // include/linux/irq_sim.h
    pub(crate) fn irq_domain_create_sim_full(
        fwnode: *mut bindings::fwnode_handle,
        num_irqs: c_uint,
        ops: *const IrqSimOps,
        data: *mut c_void,
    ) -> *mut bindings::irq_domain;
    pub(crate) fn irq_domain_remove_sim(domain: *mut bindings::irq_domain);

    // include/linux/irqdomain.h
    pub(crate) fn irq_create_mapping_affinity(
        domain: *mut bindings::irq_domain,
        hwirq: c_ulong,
        affinity: *const c_void,
    ) -> c_uint;
    pub(crate) fn irq_dispose_mapping(virq: c_uint);
    pub(crate) fn irq_domain_free_fwnode(fwnode: *mut bindings::fwnode_handle);

    // include/linux/debugfs.h
    pub(crate) fn debugfs_create_dir(
        name: *const c_char,
        parent: *mut bindings::dentry,
    ) -> *mut bindings::dentry;
    pub(crate) fn debugfs_create_file(
        name: *const c_char,
        mode: u16,
        parent: *mut bindings::dentry,
        data: *mut c_void,
        fops: *const bindings::file_operations,
    ) -> *mut bindings::dentry;
    pub(crate) fn debugfs_remove(dentry: *mut bindings::dentry);

    // include/linux/proc_fs.h
    pub(crate) fn proc_create_single_data(
        name: *const c_char,
        mode: u16,
        parent: *mut bindings::proc_dir_entry,
        show: unsafe extern "C" fn(*mut bindings::seq_file, *mut c_void) -> c_int,
        data: *mut c_void,
    ) -> *mut bindings::proc_dir_entry;
    pub(crate) fn proc_remove(de: *mut bindings::proc_dir_entry);

    // src/shim/irqdefer_shim.h
    pub(crate) fn irqdefer_ctx_read(ctx: *mut IrqdeferCtx);
    pub(crate) fn irqdefer_cpu_id() -> u32;
    pub(crate) fn irqdefer_nr_cpu_ids() -> u32;
    pub(crate) fn irqdefer_cpu_online(cpu: u32) -> bool;
    pub(crate) fn irqdefer_cpu_possible(cpu: u32) -> bool;
    pub(crate) fn irqdefer_alloc_percpu(size: usize, align: usize) -> *mut c_void;
    pub(crate) fn irqdefer_per_cpu_ptr(ptr: *mut c_void, cpu: u32) -> *mut c_void;
    pub(crate) fn irqdefer_alloc_named_fwnode(name: *const c_char) -> *mut bindings::fwnode_handle;
    pub(crate) fn irqdefer_tasklet_schedule(t: *mut bindings::tasklet_struct, hi: bool) -> bool;
    pub(crate) fn irqdefer_timer_setup(
        timer: *mut bindings::timer_list,
        func: unsafe extern "C" fn(*mut bindings::timer_list),
    );
    pub(crate) fn irqdefer_jiffies() -> c_ulong;
    pub(crate) fn irqdefer_hrtimer_forward_now(
        timer: *mut bindings::hrtimer,
        interval_ns: i64,
    ) -> u64;
    pub(crate) fn irqdefer_work_on_cpu(
        cpu: u32,
        func: unsafe extern "C" fn(*mut c_void) -> c_long,
        arg: *mut c_void,
    ) -> c_long;
    pub(crate) fn irqdefer_param_paths() -> *const c_char;
    pub(crate) fn irqdefer_param_cpu() -> c_int;
    pub(crate) fn irqdefer_param_rate_hz() -> c_uint;
    pub(crate) fn irqdefer_param_work_ns() -> c_ulong;
    pub(crate) fn irqdefer_param_sleep_ms() -> c_uint;

    pub(crate) fn irqdefer_trace_raise(path: *const c_char, irq: c_int, stamped: bool);
    pub(crate) fn irqdefer_trace_run(path: *const c_char, raised_on: u32, latency_ns: u64);
    pub(crate) fn irqdefer_warn(msg: *const c_char);
    pub(crate) fn irqdefer_get_task_struct(task: *mut bindings::task_struct);
    pub(crate) fn irqdefer_set_current_interruptible();
    pub(crate) fn irqdefer_set_current_running();
}
