// SPDX-License-Identifier: GPL-2.0

//! Where a bottom half ran: the context classes the module counts, their
//! names (the `context` file's keys, the snapshot's `ctx_<name>` keys), and
//! the classification of a context sample.
//!
//! The module takes the sample from the kernel (`src/stats.rs` adapts its
//! `Context`); the host tool (`scripts/irqdefer-report`) reads the counts
//! back by these same names.

/// The name prefix of irqdefer's own kernel threads (`irqdefer-thread`,
/// `irqdefer-worker`).
pub const OWN_THREAD_PREFIX: &[u8] = b"irqdefer";

/// What a classification needs to know of the context a run saw: plain
/// values, as the kernel reports them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Sample<'a> {
    /// `in_hardirq()`: hard interrupt context.
    pub in_hardirq: bool,
    /// `in_nmi()`: NMI context, counted as hard interrupt.
    pub in_nmi: bool,
    /// `in_softirq()`: serving a softirq, or with bottom halves disabled.
    pub in_softirq: bool,
    /// The current task is a kernel thread (`PF_KTHREAD`).
    pub in_kthread: bool,
    /// The kernel is PREEMPT_RT: softirqs never run at interrupt exit.
    pub preempt_rt: bool,
    /// The current task's `comm`, up to (not including) its NUL; or its
    /// whole buffer, zero-padded past the NUL: the classes compare it with
    /// prefixes that hold no NUL, so either gives the same class (the
    /// module passes the buffer, and saves the search for the NUL).
    pub comm: &'a [u8],
}

/// Where a bottom half ran.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Where {
    /// Hard interrupt context.
    Hardirq = 0,
    /// Softirq, run on the way out of an interrupt or at `local_bh_enable()`
    /// (not PREEMPT_RT).
    SoftirqIrqExit,
    /// Softirq, run by `ksoftirqd/N`.
    SoftirqKsoftirqd,
    /// Softirq on PREEMPT_RT, run in the task that re-enabled bottom halves
    /// (`local_bh_enable()`), such as the IRQ thread whose handler raised
    /// it: interrupt exit never runs softirqs there.
    SoftirqTask,
    /// Task context in an IRQ thread (`irq/N-name`).
    TaskIrqThread,
    /// Task context in a workqueue worker (`kworker/...`).
    TaskKworker,
    /// Task context in irqdefer's own kernel thread.
    TaskOwnThread,
    /// Task context in a threaded NAPI instance's kernel thread
    /// (`napi/<dev>-<id>`), which polls with bottom halves disabled.
    TaskNapiThread,
    /// Task context in any other task.
    TaskOther,
}

impl Where {
    /// Every value, in counter order.
    pub const ALL: [Where; 9] = [
        Where::Hardirq,
        Where::SoftirqIrqExit,
        Where::SoftirqKsoftirqd,
        Where::SoftirqTask,
        Where::TaskIrqThread,
        Where::TaskKworker,
        Where::TaskOwnThread,
        Where::TaskNapiThread,
        Where::TaskOther,
    ];

    /// The name used in the `context` file and the snapshot (`ctx_<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Where::Hardirq => "hardirq",
            Where::SoftirqIrqExit => "softirq_irq_exit",
            Where::SoftirqKsoftirqd => "softirq_ksoftirqd",
            Where::SoftirqTask => "softirq_task",
            Where::TaskIrqThread => "task_irq_thread",
            Where::TaskKworker => "task_kworker",
            Where::TaskOwnThread => "task_own_thread",
            Where::TaskNapiThread => "task_napi_thread",
            Where::TaskOther => "task_other",
        }
    }

    /// Classifies a context sample: hard interrupt (or NMI) first; then
    /// softirq, in `ksoftirqd/N`, else in a task on PREEMPT_RT, else at
    /// interrupt exit (or `local_bh_enable()`); then task
    /// context by the thread's name: an IRQ thread (`irq/`), a workqueue
    /// worker (`kworker/`), one of irqdefer's own ([`OWN_THREAD_PREFIX`]),
    /// a threaded NAPI poller (`napi/`: `in_serving_softirq()` is false
    /// there, its bottom halves are only disabled), or any other task (a
    /// user task is always "other").
    pub fn classify(s: &Sample<'_>) -> Where {
        if s.in_hardirq || s.in_nmi {
            Where::Hardirq
        } else if s.in_softirq {
            if s.in_kthread && s.comm.starts_with(b"ksoftirqd/") {
                Where::SoftirqKsoftirqd
            } else if s.preempt_rt {
                Where::SoftirqTask
            } else {
                Where::SoftirqIrqExit
            }
        } else if !s.in_kthread {
            Where::TaskOther
        } else if s.comm.starts_with(b"irq/") {
            Where::TaskIrqThread
        } else if s.comm.starts_with(b"kworker/") {
            Where::TaskKworker
        } else if s.comm.starts_with(OWN_THREAD_PREFIX) {
            Where::TaskOwnThread
        } else if s.comm.starts_with(b"napi/") {
            Where::TaskNapiThread
        } else {
            Where::TaskOther
        }
    }
}

/// What the module counts of each run besides [`Where`]: the snapshot's
/// `ctx_<flag>` keys.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flag {
    /// `preemptible()` was true.
    Preemptible = 0,
    /// Sleeping was legal.
    MaySleep,
    /// Interrupts were disabled.
    IrqsDisabled,
}

impl Flag {
    /// Every value, in counter order.
    pub const ALL: [Flag; 3] = [Flag::Preemptible, Flag::MaySleep, Flag::IrqsDisabled];

    /// The name used in the `context` file and the snapshot (`ctx_<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Flag::Preemptible => "preemptible",
            Flag::MaySleep => "may_sleep",
            Flag::IrqsDisabled => "irqs_disabled",
        }
    }
}
