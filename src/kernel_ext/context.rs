// SPDX-License-Identifier: GPL-2.0

//! The execution context of the caller, as the kernel itself reports it.
//!
//! C header: [`include/linux/preempt.h`](srctree/include/linux/preempt.h)

use super::compat;
use super::ffi::{self, ctx_flags};

/// A sample of the caller's context.
pub(crate) struct Context {
    raw: ffi::IrqdeferCtx,
}

impl Context {
    /// Samples the caller's context: `in_hardirq()`, `in_serving_softirq()`,
    /// `in_task()`, `preemptible()`, whether sleeping is legal and,
    /// outside hard interrupt and NMI context, the name of `current`.
    pub(crate) fn current() -> Self {
        let mut raw = ffi::IrqdeferCtx {
            flags: 0,
            comm: [0; 16],
        };
        // SAFETY: `raw` is a valid, writable `struct irqdefer_ctx`.
        unsafe { ffi::irqdefer_ctx_read(&mut raw) };
        Self { raw }
    }

    fn has(&self, flag: u32) -> bool {
        self.raw.flags & flag != 0
    }

    /// `in_hardirq()`.
    pub(crate) fn in_hardirq(&self) -> bool {
        self.has(ctx_flags::HARDIRQ)
    }

    /// `in_serving_softirq()`.
    pub(crate) fn in_softirq(&self) -> bool {
        self.has(ctx_flags::SOFTIRQ)
    }

    /// `in_nmi()`.
    pub(crate) fn in_nmi(&self) -> bool {
        self.has(ctx_flags::NMI)
    }

    /// `preemptible()`.
    pub(crate) fn preemptible(&self) -> bool {
        self.has(ctx_flags::PREEMPTIBLE)
    }

    /// Whether `might_sleep()` would accept sleeping here.
    pub(crate) fn may_sleep(&self) -> bool {
        self.has(ctx_flags::MAY_SLEEP)
    }

    /// `irqs_disabled()`.
    pub(crate) fn irqs_disabled(&self) -> bool {
        self.has(ctx_flags::IRQS_DISABLED)
    }

    /// Whether `current` is a kernel thread.
    pub(crate) fn in_kthread(&self) -> bool {
        self.has(ctx_flags::KTHREAD)
    }

    /// Whether the kernel is PREEMPT_RT: softirqs then run in tasks, at
    /// `local_bh_enable()` or in `ksoftirqd/N`, never at interrupt exit.
    pub(crate) fn preempt_rt(&self) -> bool {
        self.has(ctx_flags::PREEMPT_RT)
    }

    /// The name of `current` (`comm`), in its buffer of 16 bytes, zero
    /// past its NUL (the shim `strscpy`s it into zeros); all zero in hard
    /// interrupt or NMI context, where it would name whatever was
    /// interrupted.
    pub(crate) fn comm(&self) -> &[u8; 16] {
        &self.raw.comm
    }
}

/// The running preemption model, as `preempt=` names it: `none`,
/// `voluntary`, `full` or `lazy` (one `PREEMPT_DYNAMIC` image boots
/// those its series has: 6.12 the first three, 7.3 on x86 the last two),
/// or `rt` (`PREEMPT_RT`).
pub(crate) fn preempt_model() -> &'static str {
    // SAFETY: The call has no preconditions.
    let model = unsafe { ffi::irqdefer_preempt_model() };
    // SAFETY: The shim returns one of its static, NUL-terminated literals.
    let model = unsafe { compat::cstr_from_ptr(model) };
    // The literals are ASCII.
    model.to_str().unwrap_or("?")
}

/// `in_task()`: whether the caller runs in task context (not in a hard
/// interrupt, softirq or NMI).
pub(crate) fn in_task() -> bool {
    // SAFETY: The call has no preconditions.
    unsafe { ffi::irqdefer_in_task() }
}

/// Where the caller runs, as the starvation guard accounts for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Busy {
    /// A task that CFS tasks share the CPU with.
    Task,
    /// Hard interrupt context, or serving a softirq.
    Irq,
    /// A task a nice-0 CFS task never preempts (`SCHED_FIFO`, `SCHED_RR`,
    /// `SCHED_DEADLINE`) or gets little of the CPU beside (a negative nice,
    /// as `events_highpri`'s workers at -20: 1% of a CPU they share).
    Favoured,
}

/// The current task's CPU time, for the starvation guard. In task context
/// only: in an interrupt it is the interrupted task's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TaskRuntime {
    /// The task's pid.
    pub(crate) pid: u32,
    /// How many times it moved to another CPU (`se.nr_migrations`).
    pub(crate) migrations: u64,
    /// The CPU time it has run, ns, up to its last scheduler update
    /// (`se.sum_exec_runtime`).
    pub(crate) runtime_ns: u64,
}

impl TaskRuntime {
    /// The current task's.
    pub(crate) fn current() -> Self {
        // SAFETY: The calls have no preconditions; they read `current`.
        unsafe {
            Self {
                pid: ffi::irqdefer_current_pid(),
                migrations: ffi::irqdefer_current_migrations(),
                runtime_ns: ffi::irqdefer_current_runtime_ns(),
            }
        }
    }
}

impl Busy {
    /// The caller's class.
    pub(crate) fn current() -> Self {
        // SAFETY: The call has no preconditions.
        match unsafe { ffi::irqdefer_busy_class() } {
            ffi::IRQDEFER_BUSY_IRQ => Busy::Irq,
            ffi::IRQDEFER_BUSY_FAVOURED => Busy::Favoured,
            _ => Busy::Task,
        }
    }
}
