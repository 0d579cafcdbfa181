// SPDX-License-Identifier: GPL-2.0

//! The deferral paths. [`paths!`] below is their registry: each path is
//! declared there once, with its name, its mechanism and the kernel's rule
//! for it; [`PathId`], the names, the IRQ names and the set of registered
//! paths ([`Paths`]) are derived from it, and `available_paths` and the
//! `meta path.<name>` lines of `snapshot` publish it.
//!
//! A path's own file holds its mechanism: a [`Defer`] whose
//! [`Defer::schedule`] asks the kernel for the bottom half and returns the
//! kernel's answer. One generic top half ([`Top`]) does the accounting for
//! every path; its bottom half is [`Bottom::run`].

use crate::kernel_ext::compat;
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use crate::shared::{guarded, Core, Guarded};
use crate::stats::Where;
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;

pub(crate) mod bh_wq;
pub(crate) mod hardirq;
pub(crate) mod hrtimer_soft;
pub(crate) mod irq_poll;
pub(crate) mod irq_work;
pub(crate) mod kthread;
pub(crate) mod kthread_worker;
pub(crate) mod napi;
pub(crate) mod net_tx;
pub(crate) mod rcu;
pub(crate) mod tasklet;
pub(crate) mod threaded;
pub(crate) mod timer;
pub(crate) mod wq;

/// Declares the paths, from the one table below. A row is
///
/// ```text
/// /// doc
/// Variant name => file::constructor(parameter) {
///     mechanism: "the kernel call that defers the work", or "none",
///     executor: "the kernel's executor of it" (one word: the textbook's row),
///     bound: whether it runs on the CPU that raised it (true, false),
///     softirq: the Vector that runs the bottom half,
///     context: where the bottom half runs (Runs),
///     context_rt: where it runs on PREEMPT_RT (Runs),
///     trace: "group:event", the ftrace event that marks its start, or "none",
/// },
/// ```
///
/// and gives the `PathId` variant, the name (`name` is also the field of
/// [`Paths`] holding the path), its rule ([`PathInfo`]), and the
/// registration: `file::constructor(core, id, parameter)` returns the
/// pin-initialiser of `file::Path`. The parameter, where a file serves
/// several paths, is the mechanism's own (the request flags, the queue, the
/// NAPI poll's executor): a path file never tells its paths apart by
/// `PathId`. Rows without one leave out `(parameter)`. Rows are in line order; the order is the interface's
/// (snapshot, `available_paths`, `paths=all`). `scripts/lint.sh` reads the
/// names from this table: keep one row per line as `Variant name =>`.
macro_rules! paths {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident $name:ident => $file:ident :: $ctor:ident $(($($param:expr),+))? {
            mechanism: $mechanism:expr,
            executor: $executor:literal,
            bound: $bound:literal,
            softirq: $softirq:ident,
            context: $context:ident,
            context_rt: $context_rt:ident,
            trace: $trace:literal $(,)?
        }
    ),* $(,)?) => {
        /// A deferral path. The names are part of irqdefer's interface.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub(crate) enum PathId {
            $($(#[doc = $doc])* $variant,)*
        }

        impl PathId {
            /// Number of paths.
            pub(crate) const COUNT: usize = [$(PathId::$variant),*].len();
            /// Every path, in line order.
            pub(crate) const ALL: [PathId; Self::COUNT] = [$(PathId::$variant),*];

            /// The path's name, as a C string.
            pub(crate) fn cname(self) -> &'static CStr {
                match self {
                    $(PathId::$variant => c_str!(stringify!($name)),)*
                }
            }

            /// The name its IRQ has in `/proc/interrupts`: `irqdefer-<name>`.
            pub(crate) fn irq_name(self) -> &'static CStr {
                match self {
                    $(PathId::$variant => c_str!(concat!("irqdefer-", stringify!($name))),)*
                }
            }

            /// What the registry says of the path.
            pub(crate) fn info(self) -> &'static PathInfo {
                match self {
                    $(PathId::$variant => {
                        const INFO: PathInfo = PathInfo {
                            mechanism: $mechanism,
                            executor: $executor,
                            bound: $bound,
                            softirq: Vector::$softirq,
                            context: Runs::$context,
                            context_rt: Runs::$context_rt,
                            trace: $trace,
                        };
                        &INFO
                    })*
                }
            }
        }

        // The registry's own consistency, checked at compile time.
        const _: () = {
            $(
                // A bottom half that a softirq vector runs runs in softirq
                // context, and one in softirq context has its vector.
                assert!(
                    matches!(Vector::$softirq, Vector::None)
                        != matches!(Runs::$context, Runs::Softirq),
                    concat!(stringify!($name), ": softirq and context disagree")
                );
                // `meta` starts the snapshot's registry lines, `source`
                // the periodic source's readings.
                assert!(
                    !matches!(stringify!($name).as_bytes(), b"meta" | b"source"),
                    "a path may not be called meta or source"
                );
            )*
            // Masks of paths are `u32`.
            assert!(PathId::COUNT <= 32);
        };

        // 7.x's `#[pin_data]` also generates a `project()`, unused here,
        // and undocumented `unsafe` field accessors.
        #[allow(dead_code, clippy::missing_safety_doc)]
        mod registered {
            use super::*;

            /// Every path, registered. Fields drop in order; each path frees
            /// its IRQ first, then drains its bottom half.
            #[pin_data]
            pub(crate) struct Paths {
                $(
                    #[pin]
                    pub(super) $name: Guarded<$file::Path>,
                )*
            }
        }
        pub(crate) use registered::Paths;

        impl Paths {
            /// Registers every path.
            pub(crate) fn new(core: &Arc<Core>) -> Result<impl PinInit<Self, Error>> {
                // Each path and its teardown mark; see `Guarded`.
                $(
                    let $name = guarded(
                        core.clone(),
                        PathId::$variant,
                        $file::$ctor(core.clone(), PathId::$variant $($(, $param)+)?)?,
                    );
                )*
                Ok(try_pin_init!(Self {
                    $($name <- $name,)*
                }))
            }
        }
    };
}

paths! {
    /// No bottom half: the work is done in the top half, requested
    /// `IRQF_NO_THREAD` (the baseline).
    Hardirq hardirq => hardirq::new(irq::Flags::NO_THREAD) {
        mechanism: "none",
        executor: "hardirq",
        bound: true,
        softirq: None,
        context: Hardirq,
        context_rt: Hardirq,
        trace: "irq:irq_handler_entry",
    },
    /// The same, requested without `IRQF_NO_THREAD`: forced into an IRQ
    /// thread under `threadirqs` and on PREEMPT_RT.
    HardirqForced hardirq_forced => hardirq::new(irq::Flags::NONE) {
        mechanism: "none(threadable)",
        executor: "hardirq",
        bound: true,
        softirq: None,
        context: Hardirq,
        context_rt: ForcedIrqThread,
        trace: "irq:irq_handler_entry",
    },
    /// `request_threaded_irq()` with `IRQF_ONESHOT`: `irq/N-name` runs it.
    Threaded threaded => threaded::new {
        mechanism: "request_threaded_irq(IRQF_ONESHOT)",
        executor: "irq_thread",
        bound: false,
        softirq: None,
        context: IrqThread,
        context_rt: IrqThread,
        trace: "sched:sched_switch",
    },
    /// A tasklet on `TASKLET_SOFTIRQ`.
    Tasklet tasklet => tasklet::new {
        mechanism: "tasklet_schedule()",
        executor: "tasklet",
        bound: true,
        softirq: Tasklet,
        context: Softirq,
        context_rt: Softirq,
        trace: "irq:tasklet_entry",
    },
    /// A tasklet on `HI_SOFTIRQ`.
    TaskletHi tasklet_hi => tasklet::new {
        mechanism: "tasklet_hi_schedule()",
        executor: "tasklet",
        bound: true,
        softirq: Hi,
        context: Softirq,
        context_rt: Softirq,
        trace: "irq:tasklet_entry",
    },
    /// Work on the per-CPU system workqueue (`system_percpu_wq`; 6.12:
    /// `system_wq`, which 7.x deprecates).
    Wq wq => wq::new(wq::On::System) {
        mechanism: compat::MECHANISM_WQ,
        executor: "workqueue",
        bound: true,
        softirq: None,
        context: Kworker,
        context_rt: Kworker,
        trace: "workqueue:workqueue_execute_start",
    },
    /// Work on `system_highpri_wq`.
    WqHighpri wq_highpri => wq::new(wq::On::SystemHighpri) {
        mechanism: "queue_work(system_highpri_wq)",
        executor: "workqueue",
        bound: true,
        softirq: None,
        context: Kworker,
        context_rt: Kworker,
        trace: "workqueue:workqueue_execute_start",
    },
    /// Work on the unbound system workqueue (`system_dfl_wq`; 6.12:
    /// `system_unbound_wq`, which 7.x deprecates).
    WqUnbound wq_unbound => wq::new(wq::On::SystemUnbound) {
        mechanism: compat::MECHANISM_WQ_UNBOUND,
        executor: "workqueue",
        bound: false,
        softirq: None,
        context: Kworker,
        context_rt: Kworker,
        trace: "workqueue:workqueue_execute_start",
    },
    /// Work on a workqueue of irqdefer's own.
    WqOwn wq_own => wq::new(wq::On::Own) {
        mechanism: "queue_work(irqdefer_wq)",
        executor: "workqueue",
        bound: true,
        softirq: None,
        context: Kworker,
        context_rt: Kworker,
        trace: "workqueue:workqueue_execute_start",
    },
    /// Work on `system_bh_wq`, run in softirq context.
    BhWq bh_wq => bh_wq::new {
        mechanism: "queue_work(system_bh_wq)",
        executor: "bh_workqueue",
        bound: true,
        softirq: Tasklet,
        context: Softirq,
        context_rt: Softirq,
        trace: "workqueue:workqueue_execute_start",
    },
    /// A `timer_list` armed for the next jiffy (`TIMER_SOFTIRQ`).
    Timer timer => timer::new {
        mechanism: "mod_timer(jiffies+1)",
        executor: "timer",
        bound: true,
        softirq: Timer,
        context: Softirq,
        context_rt: Softirq,
        trace: "timer:timer_expire_entry",
    },
    /// An hrtimer in soft mode expiring at once (`HRTIMER_SOFTIRQ`).
    HrtimerSoft hrtimer_soft => hrtimer_soft::new {
        mechanism: "hrtimer_start(0,HRTIMER_MODE_REL_SOFT)",
        executor: "hrtimer",
        bound: true,
        softirq: Hrtimer,
        context: Softirq,
        context_rt: Softirq,
        trace: "timer:hrtimer_expire_entry",
    },
    /// A kernel thread of the module's own, woken from the top half.
    Kthread kthread => kthread::new {
        mechanism: "wake_up_process(irqdefer-thread)",
        executor: "kthread",
        bound: false,
        softirq: None,
        context: OwnThread,
        context_rt: OwnThread,
        trace: "sched:sched_switch",
    },
    /// An irq_work, run in hard interrupt context by a self-IPI.
    IrqWork irq_work => irq_work::new {
        mechanism: "irq_work_queue()",
        executor: "irq_work",
        bound: true,
        softirq: None,
        context: Hardirq,
        context_rt: IrqWorkThread,
        trace: "irq_vectors:irq_work_entry",
    },
    /// A `kthread_work` on a `SCHED_FIFO` `kthread_worker` of the module's own.
    KthreadWorker kthread_worker => kthread_worker::new {
        mechanism: "kthread_queue_work(irqdefer-worker,SCHED_FIFO)",
        executor: "kthread_worker",
        bound: false,
        softirq: None,
        context: OwnFifoThread,
        context_rt: OwnFifoThread,
        // Not the switch to the worker: the worker then takes its lock,
        // which the waker holds across the wake-up.
        trace: "sched:sched_kthread_work_execute_start",
    },
    /// An RCU callback (`call_rcu()`), run after a grace period in
    /// `RCU_SOFTIRQ`. The kernel's event for its start,
    /// `rcu:rcu_invoke_callback`, needs `CONFIG_RCU_TRACE`, which the VM
    /// kernel lacks: no trace event.
    Rcu rcu => rcu::new {
        mechanism: "call_rcu()",
        executor: "rcu_callback",
        bound: true,
        softirq: Rcu,
        context: Softirq,
        context_rt: RcuThread,
        trace: "none",
    },
    /// A NAPI poll (`napi_schedule()`) on a dummy net device, run in
    /// `NET_RX_SOFTIRQ`. The kernel's event `napi:napi_poll` marks the end
    /// of each poll (it carries the work done and the budget).
    Napi napi => napi::new(napi::Poll::Softirq) {
        mechanism: "napi_schedule()",
        executor: "napi",
        bound: true,
        softirq: NetRx,
        context: Softirq,
        context_rt: Softirq,
        trace: "napi:napi_poll",
    },
    /// The same NAPI poll, threaded (`dev_set_threaded()`): run by the
    /// kernel thread `napi/irqdefer-<id>` with bottom halves disabled.
    NapiThreaded napi_threaded => napi::new(napi::Poll::Threaded) {
        mechanism: "napi_schedule(dev_set_threaded)",
        executor: "napi_thread",
        bound: false,
        softirq: None,
        context: NapiThread,
        context_rt: NapiThread,
        trace: "sched:sched_switch",
    },
    /// A transmit completion (`dev_kfree_skb_irq()`): `NET_TX_SOFTIRQ`
    /// frees the skb, whose destructor runs the bottom half. The kernel's
    /// `skb:consume_skb` there does not tell irqdefer's skbs from others:
    /// no trace event.
    NetTx net_tx => net_tx::new {
        mechanism: "dev_kfree_skb_irq()",
        executor: "net_tx",
        bound: true,
        softirq: NetTx,
        context: Softirq,
        context_rt: Softirq,
        trace: "none",
    },
    /// An irq_poll instance (`irq_poll_sched()`), the block and RDMA
    /// drivers' NAPI, polled in `IRQ_POLL_SOFTIRQ`. The kernel has no event
    /// of its own for the poll: no trace event.
    IrqPoll irq_poll => irq_poll::new {
        mechanism: "irq_poll_sched()",
        executor: "irq_poll",
        bound: true,
        softirq: IrqPoll,
        context: Softirq,
        context_rt: Softirq,
        trace: "none",
    },
}

/// What the registry says of a path: its mechanism and the kernel's rule
/// for it. Published in `snapshot` (`meta path.<name>`).
pub(crate) struct PathInfo {
    /// The kernel call that defers the work; `none` for no bottom half.
    /// No whitespace (it is one field of the snapshot line).
    pub(crate) mechanism: &'static str,
    /// The kernel's executor of the work, one word (`tasklet`,
    /// `workqueue`, `irq_thread`, ...): paths that share one are the same
    /// mechanism, requested differently.
    pub(crate) executor: &'static str,
    /// Whether the bottom half runs on the CPU that raised it (per-CPU
    /// softirqs, a per-CPU workqueue's pool); `false` where the scheduler
    /// picks the CPU (an unbound workqueue, a kernel thread).
    pub(crate) bound: bool,
    /// The softirq vector that runs the bottom half.
    pub(crate) softirq: Vector,
    /// Where the bottom half runs.
    pub(crate) context: Runs,
    /// Where it runs on PREEMPT_RT, which forces IRQ handlers into
    /// threads and runs softirqs in tasks.
    pub(crate) context_rt: Runs,
    /// The ftrace event that marks the start of the bottom half, as
    /// `set_event` names it (`group:event`). `sched:sched_switch` for a
    /// thread: the switch to it; a `kthread_worker`'s own event, emitted
    /// just before the work's function, for one. `none` if the kernel has
    /// no such event.
    pub(crate) trace: &'static str,
}

/// The running kernel's rules, as far as where a bottom half runs goes:
/// the registry's `context_rt` on PREEMPT_RT, `context` elsewhere, with
/// forced IRQ threading (`threadirqs`, always on PREEMPT_RT) moving the
/// threadable top halves, and the softirqs they raise, into `SCHED_FIFO`
/// threads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Model {
    /// `CONFIG_PREEMPT_RT`.
    pub(crate) rt: bool,
    /// The IRQ core forces handlers into threads.
    pub(crate) forced_threads: bool,
}

impl PathInfo {
    /// The scheduling class of the task that runs the bottom half on
    /// PREEMPT_RT ([`Runs::sched`] of `context_rt`), except that the timer
    /// softirqs run in `ktimers/N` at FIFO 1 where the kernel has it (7.x,
    /// [`Vector::fifo_when_forced`]), not in the task that raised them.
    pub(crate) fn sched_rt(&self) -> &'static str {
        let ktimers = matches!(self.softirq, Vector::Timer | Vector::Hrtimer)
            && self.softirq.fifo_when_forced();
        if self.context_rt == Runs::Softirq && ktimers {
            "fifo1"
        } else {
            self.context_rt.sched()
        }
    }

    /// Whether a request while the bottom half is pending merges into it
    /// (the kernel's answer [`Scheduled::Pending`]; counted `coalesced`):
    /// for every mechanism, as there is a bottom half.
    pub(crate) fn merges(&self) -> bool {
        !matches!(self.mechanism.as_bytes(), b"none" | b"none(threadable)")
    }

    /// Whether forced IRQ threading (`threadirqs`, PREEMPT_RT) moves the
    /// top half into an IRQ thread: every handler but one requested
    /// `IRQF_NO_THREAD` (which the registry shows as hard interrupt
    /// context on PREEMPT_RT) or with a thread of its own (`IrqThread`):
    /// `irq_setup_forced_threading()`.
    pub(crate) fn top_threadable(&self) -> bool {
        self.context_rt != Runs::Hardirq && self.context != Runs::IrqThread
    }

    /// Where the bottom half runs on `model`.
    pub(crate) fn runs_on(&self, model: Model) -> Runs {
        if model.rt || (model.forced_threads && self.context_rt == Runs::ForcedIrqThread) {
            self.context_rt
        } else {
            self.context
        }
    }

    /// Whether no CFS task can preempt the bottom half on `model`
    /// ([`Runs::above_cfs`]), a softirq that forced threading runs in a
    /// FIFO thread ([`Vector::fifo_when_forced`]) included.
    pub(crate) fn above_cfs_on(&self, model: Model) -> bool {
        let runs = self.runs_on(model);
        runs.above_cfs()
            || (model.forced_threads && runs == Runs::Softirq && self.softirq.fifo_when_forced())
    }

    /// Whether the bottom half runs in atomic context on `model`
    /// ([`Runs::atomic`]).
    pub(crate) fn atomic_on(&self, model: Model) -> bool {
        self.runs_on(model).atomic()
    }
}

/// A softirq vector, named as in `/proc/softirqs`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Vector {
    /// No softirq runs the bottom half.
    None,
    /// `HI_SOFTIRQ`.
    Hi,
    /// `TASKLET_SOFTIRQ`.
    Tasklet,
    /// `TIMER_SOFTIRQ`.
    Timer,
    /// `HRTIMER_SOFTIRQ`.
    Hrtimer,
    /// `RCU_SOFTIRQ`.
    Rcu,
    /// `NET_RX_SOFTIRQ`.
    NetRx,
    /// `NET_TX_SOFTIRQ`.
    NetTx,
    /// `IRQ_POLL_SOFTIRQ`.
    IrqPoll,
}

impl Vector {
    /// Whether, where the IRQ core forces top halves into threads, it runs
    /// in a `SCHED_FIFO` thread: the top half's own when the path's top
    /// half raises it (a tasklet, BH work, a NAPI poll, an irq_poll, a
    /// transmit completion: run as the thread re-enables bottom halves),
    /// and for the timer softirqs `ktimers/N` (FIFO 1) on kernels that
    /// have it (7.x; 6.12 runs them in `ksoftirqd/N`). RCU's runs from the tick, in `ksoftirqd/N` or, on
    /// PREEMPT_RT, `rcuc/N` (`context_rt`).
    pub(crate) fn fifo_when_forced(self) -> bool {
        match self {
            Vector::Hi | Vector::Tasklet | Vector::NetRx | Vector::NetTx | Vector::IrqPoll => true,
            Vector::Timer | Vector::Hrtimer => crate::kernel_ext::compat::KTIMERS,
            Vector::None | Vector::Rcu => false,
        }
    }

    /// Its row in `/proc/softirqs`, or `none`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Vector::None => "none",
            Vector::Hi => "HI",
            Vector::Tasklet => "TASKLET",
            Vector::Timer => "TIMER",
            Vector::Hrtimer => "HRTIMER",
            Vector::Rcu => "RCU",
            Vector::NetRx => "NET_RX",
            Vector::NetTx => "NET_TX",
            Vector::IrqPoll => "IRQ_POLL",
        }
    }
}

/// Where a bottom half runs, by the kernel's rule (without `threadirqs` or
/// PREEMPT_RT).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Runs {
    /// Hard interrupt context.
    Hardirq,
    /// Softirq context, at interrupt exit or in `ksoftirqd/N`.
    Softirq,
    /// Task context, in the IRQ thread `irq/N-name`.
    IrqThread,
    /// Task context, in a workqueue worker.
    Kworker,
    /// Task context, in irqdefer's own kernel thread.
    OwnThread,
    /// Task context, in irqdefer's own `SCHED_FIFO` kernel thread.
    OwnFifoThread,
    /// Task context with bottom halves disabled, in a threaded NAPI
    /// instance's kernel thread `napi/<dev>-<id>`.
    NapiThread,
    /// Task context with bottom halves disabled, in the IRQ thread a
    /// handler was forced into (`irq_forced_thread_fn()`).
    ForcedIrqThread,
    /// Task context, in the per-CPU `irq_work/N` thread that runs irq_work
    /// not marked `IRQ_WORK_HARD_IRQ` on PREEMPT_RT. Preemptible; the work
    /// was written for hard interrupt context: it may not sleep.
    IrqWorkThread,
    /// Task context with bottom halves disabled, in the per-CPU `rcuc/N`
    /// thread that invokes RCU callbacks when RCU does not use its softirq
    /// (`rcutree.use_softirq=0`, the PREEMPT_RT default).
    RcuThread,
}

impl Runs {
    /// The name: that of the [`Where`] class every run must fall in, or
    /// `softirq` for both softirq classes. The snapshot's `ctx_<name>`
    /// key, or `ctx_<name>_*` keys, count the runs that obey the rule.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Runs::Hardirq => Where::Hardirq.name(),
            Runs::Softirq => "softirq",
            Runs::IrqThread => Where::TaskIrqThread.name(),
            Runs::Kworker => Where::TaskKworker.name(),
            Runs::OwnThread | Runs::OwnFifoThread => Where::TaskOwnThread.name(),
            Runs::NapiThread => Where::TaskNapiThread.name(),
            Runs::ForcedIrqThread => Where::TaskIrqThread.name(),
            Runs::IrqWorkThread | Runs::RcuThread => Where::TaskOther.name(),
        }
    }

    /// The path's own task that runs the bottom half there, as its comm
    /// reads (`*`: any characters; `irq` is the path's IRQ), or `-` where
    /// it runs in none of its own (interrupt context, a shared worker
    /// pool, `irq_work/N`, `rcuc/N`).
    pub(crate) fn thread(self, irq: u32) -> Comm {
        match self {
            Runs::IrqThread | Runs::ForcedIrqThread => Comm::Irq(irq),
            Runs::OwnThread => Comm::Named(kthread::THREAD_NAME),
            Runs::OwnFifoThread => Comm::Named(kthread_worker::WORKER_NAME),
            Runs::NapiThread => Comm::Napi(napi::DEVICE),
            Runs::Hardirq
            | Runs::Softirq
            | Runs::Kworker
            | Runs::IrqWorkThread
            | Runs::RcuThread => Comm::None,
        }
    }

    /// The scheduling class and priority of the task that runs the bottom
    /// half there: `fifoN` (`SCHED_FIFO` N), `other` (`SCHED_OTHER`), or
    /// `-` in interrupt context. IRQ threads and `sched_set_fifo()`'s
    /// workers run at FIFO 50, `irq_work/N` and `rcuc/N` at FIFO 1.
    pub(crate) fn sched(self) -> &'static str {
        match self {
            Runs::Hardirq | Runs::Softirq => "-",
            Runs::IrqThread | Runs::ForcedIrqThread | Runs::OwnFifoThread => "fifo50",
            Runs::IrqWorkThread | Runs::RcuThread => "fifo1",
            Runs::Kworker | Runs::OwnThread | Runs::NapiThread => "other",
        }
    }

    /// Whether sleeping is legal there: in task context with bottom halves
    /// enabled.
    pub(crate) fn may_sleep(self) -> bool {
        matches!(
            self,
            Runs::IrqThread | Runs::Kworker | Runs::OwnThread | Runs::OwnFifoThread
        )
    }

    /// Whether no CFS task can preempt the work there: hard interrupt
    /// context, or a `SCHED_FIFO` thread (IRQ threads run at FIFO 50,
    /// `irq_work/N` and `rcuc/N` at FIFO 1). Such work can starve every
    /// ordinary task on its CPU.
    pub(crate) fn above_cfs(self) -> bool {
        matches!(
            self,
            Runs::Hardirq
                | Runs::IrqThread
                | Runs::ForcedIrqThread
                | Runs::OwnFifoThread
                | Runs::IrqWorkThread
                | Runs::RcuThread
        )
    }

    /// Whether it is atomic context (hard interrupt or softirq) on the CPU
    /// that raised the request.
    pub(crate) fn atomic(self) -> bool {
        matches!(self, Runs::Hardirq | Runs::Softirq)
    }
}

/// A task's comm, as [`Runs::thread`] gives it.
pub(crate) enum Comm {
    /// No task of the path's own.
    None,
    /// The IRQ thread of IRQ N: `irq/N-<name>`, cut to the comm's length.
    Irq(u32),
    /// A thread of the module's own.
    Named(&'static CStr),
    /// A threaded NAPI instance's thread: `napi/<device>-<id>`.
    Napi(&'static CStr),
}

impl core::fmt::Display for Comm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = |s: &'static CStr| s.to_str().unwrap_or("?");
        match *self {
            Comm::None => f.write_str("-"),
            Comm::Irq(irq) => write!(f, "irq/{}-*", irq),
            Comm::Named(s) => f.write_str(name(s)),
            Comm::Napi(dev) => write!(f, "napi/{}-*", name(dev)),
        }
    }
}

impl PathId {
    /// Every path, as a mask.
    pub(crate) const ALL_MASK: u32 = u32::MAX >> (32 - Self::COUNT);

    /// The path's bit in a mask.
    pub(crate) fn bit(self) -> u32 {
        1 << self as u32
    }

    /// The path called `name`, if any.
    pub(crate) fn from_name(name: &[u8]) -> Option<PathId> {
        Self::ALL.into_iter().find(|p| p.name().as_bytes() == name)
    }

    /// The path's name.
    pub(crate) fn name(self) -> &'static str {
        // Path names are ASCII.
        self.cname().to_str().unwrap_or("?")
    }
}

// `PathId::ALL[i]` is the path with discriminant `i`: what `PerPath`'s
// indexing relies on. Checked at compile time.
#[allow(clippy::indexing_slicing)] // `i < COUNT`, the array's length.
const _: () = {
    let mut i = 0;
    while i < PathId::COUNT {
        assert!(PathId::ALL[i] as usize == i);
        i += 1;
    }
};

/// The kernel's answer to a top half asking for the bottom half.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scheduled {
    /// Scheduled: none was pending.
    New,
    /// One was already pending and not started: the request merged into it.
    Pending,
}

impl Scheduled {
    /// [`Scheduled::New`] if `new`, else [`Scheduled::Pending`].
    pub(crate) fn new_if(new: bool) -> Self {
        if new {
            Scheduled::New
        } else {
            Scheduled::Pending
        }
    }
}

/// A deferral mechanism: how a path's top half gets its bottom half run.
pub(crate) trait Defer: Sync {
    /// Asks for the bottom half, from the top half (hard interrupt
    /// context: must not sleep), and returns the kernel's own answer: new,
    /// or already pending (`tasklet_schedule()` finding the tasklet
    /// scheduled, `queue_work()` the work queued, `mod_timer()` the timer
    /// pending, ...).
    fn schedule(&self) -> Scheduled;
}

/// A path's bottom half: what every mechanism runs.
pub(crate) struct Bottom {
    core: Arc<Core>,
    path: PathId,
}

impl Bottom {
    /// The bottom half of `path`.
    pub(crate) fn new(core: Arc<Core>, path: PathId) -> Self {
        Self { core, path }
    }

    /// Runs it: records the run and does the work.
    pub(crate) fn run(&self) {
        self.core.bottom_half(self.path);
    }
}

/// The top half of every path, over its mechanism `D`.
#[pin_data]
pub(crate) struct Top<D> {
    core: Arc<Core>,
    path: PathId,
    #[pin]
    defer: D,
}

impl<D: Defer> Top<D> {
    /// The accounting of every path: counts the request ([`Core::top_half`]);
    /// if it is new by irqdefer's stamp, schedules the bottom half, and
    /// counts a `mismatch` if the kernel answers that one was already
    /// pending. Returns whether the bottom half was asked for.
    fn request(&self) -> bool {
        if !self.core.top_half(self.path) {
            return false;
        }
        if self.defer.schedule() == Scheduled::Pending {
            self.core.stats(self.path).count_mismatch();
        }
        true
    }
}

impl<D: Defer> Handler for Top<D> {
    fn handle(&self) -> IrqReturn {
        self.request();
        IrqReturn::Handled
    }
}

/// Requests the line of `path` with the generic top half over `defer`.
/// The top half, with its mechanism, drops after `free_irq()`: nothing can
/// schedule the bottom half any more when the mechanism is drained.
pub(crate) fn register<D: Defer + 'static>(
    core: Arc<Core>,
    path: PathId,
    defer: impl PinInit<D, Error>,
) -> impl PinInit<irq::Registration<Top<D>>, Error> {
    register_with(core, path, irq::Flags::NONE, defer)
}

/// [`register`] with request flags.
pub(crate) fn register_with<D: Defer + 'static>(
    core: Arc<Core>,
    path: PathId,
    flags: irq::Flags,
    defer: impl PinInit<D, Error>,
) -> impl PinInit<irq::Registration<Top<D>>, Error> {
    let irq = core.device.irq(path);
    irq::Registration::new(
        irq,
        flags,
        path.irq_name(),
        try_pin_init!(Top::<D> {
            core,
            path,
            defer <- defer,
        }),
    )
}

/// One `T` per path, indexed by [`PathId`].
///
/// # Invariants
///
/// `items.len() == PathId::COUNT`, and `items[p as usize]` belongs to `p`.
pub(crate) struct PerPath<T> {
    items: KVec<T>,
}

impl<T> PerPath<T> {
    /// `f(path)` for every path.
    pub(crate) fn try_new(mut f: impl FnMut(PathId) -> Result<T>) -> Result<Self> {
        let mut items = KVec::with_capacity(PathId::COUNT, GFP_KERNEL)?;
        for path in PathId::ALL {
            items.push(f(path)?, GFP_KERNEL)?;
        }
        // INVARIANT: one item per path, in `PathId::ALL` order, which is
        // discriminant order (checked above).
        Ok(Self { items })
    }

    /// Every item, in path order.
    pub(crate) fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T> core::ops::Index<PathId> for PerPath<T> {
    type Output = T;

    fn index(&self, path: PathId) -> &T {
        // In bounds: `path as usize < COUNT == items.len()` (type invariant).
        #[allow(clippy::indexing_slicing)]
        &self.items[path as usize]
    }
}
