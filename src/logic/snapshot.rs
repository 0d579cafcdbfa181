// SPDX-License-Identifier: GPL-2.0

//! The names of the module's `snapshot`: the fields of each path's
//! registry line ([`PathField`]), and the keys of its counts ([`Key`]), one
//! `<path> <key> <value>` line each. Declared once, here: the module
//! writes them in [`Key::ALL`]'s order (`src/interface/debugfs.rs`), and
//! the host tool reads them by these names (`scripts/irqdefer-report`,
//! `snapshot.rs`), so a key added here is a compile error in both until
//! each says what it means.
//!
//! Besides these, each path has four families of keys:
//! `ctx_<where>` ([`crate::context::Where::name`]), `ctx_<flag>`
//! ([`crate::context::Flag::name`]), `cpu<N>_executed` (runs on CPU N,
//! every possible CPU) and `hist_<i>` (the non-empty buckets of the log2
//! latency histogram, [`crate::hist`]).

/// A per-path count of the snapshot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    /// The path's IRQ number.
    Irq,
    /// Interrupts the source injected on the path's line.
    Injected,
    /// Top halves that asked for the bottom half.
    Raised,
    /// Bottom-half runs.
    Executed,
    /// Requests merged into a bottom half already pending.
    Coalesced,
    /// Runs on the CPU whose request stamped them.
    SameCpu,
    /// Top halves that ran in a thread (`threadirqs`, PREEMPT_RT).
    TopThreaded,
    /// Sleeps the bottom halves took.
    Slept,
    /// 1 if the path takes load.
    Active,
    /// Runs with nothing pending (a bug: always 0).
    Spurious,
    /// Requests new by the module's stamp that the kernel found pending
    /// (a bug: always 0).
    Mismatch,
    /// Most runs of the bottom half at once.
    MaxConcurrent,
    /// Runs with a latency sample.
    LatCount,
    /// The smallest latency, ns.
    LatMin,
    /// The mean latency, ns.
    LatMean,
    /// The median latency, ns.
    LatP50,
    /// The 90th percentile, ns.
    LatP90,
    /// The 99th percentile, ns.
    LatP99,
    /// The 99.9th percentile, ns.
    LatP999,
    /// The largest latency, ns.
    LatMax,
}

impl Key {
    /// Every key, in the order the module writes them.
    pub const ALL: [Key; 20] = [
        Key::Irq,
        Key::Injected,
        Key::Raised,
        Key::Executed,
        Key::Coalesced,
        Key::SameCpu,
        Key::TopThreaded,
        Key::Slept,
        Key::Active,
        Key::Spurious,
        Key::Mismatch,
        Key::MaxConcurrent,
        Key::LatCount,
        Key::LatMin,
        Key::LatMean,
        Key::LatP50,
        Key::LatP90,
        Key::LatP99,
        Key::LatP999,
        Key::LatMax,
    ];

    /// The key as the snapshot writes it.
    pub fn name(self) -> &'static str {
        match self {
            Key::Irq => "irq",
            Key::Injected => "injected",
            Key::Raised => "raised",
            Key::Executed => "executed",
            Key::Coalesced => "coalesced",
            Key::SameCpu => "same_cpu",
            Key::TopThreaded => "top_threaded",
            Key::Slept => "slept",
            Key::Active => "active",
            Key::Spurious => "spurious",
            Key::Mismatch => "mismatch",
            Key::MaxConcurrent => "max_concurrent",
            Key::LatCount => "lat_count",
            Key::LatMin => "lat_min",
            Key::LatMean => "lat_mean",
            Key::LatP50 => "lat_p50",
            Key::LatP90 => "lat_p90",
            Key::LatP99 => "lat_p99",
            Key::LatP999 => "lat_p999",
            Key::LatMax => "lat_max",
        }
    }

    /// The key named `name`, if there is one.
    #[allow(dead_code)] // The host tool's: the module only writes.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }

    /// For a latency quantile, its rank in per mille
    /// ([`crate::hist::Summary::quantile`]).
    pub fn permille(self) -> Option<u64> {
        match self {
            Key::LatP50 => Some(500),
            Key::LatP90 => Some(900),
            Key::LatP99 => Some(990),
            Key::LatP999 => Some(999),
            _ => None,
        }
    }

    /// Whether a capture's `after` snapshot must carry it: the counts the
    /// report's figures are made of (docs/capture-format.md). The others
    /// came later, or are bugs' counters, and read as 0 when absent.
    #[allow(dead_code)] // The host tool's, as `from_name`.
    pub fn required(self) -> bool {
        !matches!(
            self,
            Key::Injected
                | Key::TopThreaded
                | Key::Slept
                | Key::Active
                | Key::Spurious
                | Key::Mismatch
                | Key::MaxConcurrent
        )
    }
}

/// A field of a path's line in the registry, `meta path.<name>
/// KEY=VALUE...`: what the module's registry says of the path. Declared
/// once, here, as [`Key`]: the module writes [`PathField::ALL`] in order
/// (`src/interface/debugfs.rs`) and the host tool requires those it reads
/// ([`PathField::required`]); the guest scripts read them by these names
/// (`selftests/lib.sh`, `rule_key`). docs/interfaces.md says what each
/// means.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathField {
    /// The kernel call that defers the work, or `none`.
    Mechanism,
    /// The softirq that runs the bottom half, as `/proc/softirqs` names
    /// it, or `none`.
    Softirq,
    /// Where every run must be.
    Context,
    /// Whether sleeping is legal there.
    MaySleep,
    /// Whether the work is atomic there.
    Atomic,
    /// Whether no CFS task can preempt it there.
    AboveCfs,
    /// Where every run must be on PREEMPT_RT.
    ContextRt,
    /// Whether sleeping is legal there.
    MaySleepRt,
    /// The ftrace event that marks the start of a run, or `none`.
    Trace,
    /// Whether the work is atomic on the running kernel.
    AtomicNow,
    /// Whether no CFS task can preempt it on the running kernel.
    AboveCfsNow,
    /// The kernel's executor of the work, one word: the textbook's row.
    Executor,
    /// The comm of the task that runs it, a pattern, or `-`.
    Thread,
    /// Its scheduling class: `fifoN`, `other` or `-`.
    Sched,
    /// The comm on PREEMPT_RT.
    ThreadRt,
    /// The scheduling class on PREEMPT_RT.
    SchedRt,
    /// Whether the bottom half runs on the CPU that raised it.
    Bound,
    /// Whether a request while one is pending merges into it.
    Merges,
    /// Whether forced IRQ threading moves the top half into a thread.
    TopThreadable,
}

impl PathField {
    /// Every field, in the order the module writes them.
    pub const ALL: [PathField; 19] = [
        PathField::Mechanism,
        PathField::Softirq,
        PathField::Context,
        PathField::MaySleep,
        PathField::Atomic,
        PathField::AboveCfs,
        PathField::ContextRt,
        PathField::MaySleepRt,
        PathField::Trace,
        PathField::AtomicNow,
        PathField::AboveCfsNow,
        PathField::Executor,
        PathField::Thread,
        PathField::Sched,
        PathField::ThreadRt,
        PathField::SchedRt,
        PathField::Bound,
        PathField::Merges,
        PathField::TopThreadable,
    ];

    /// The field's key, as the line writes it before `=`.
    pub fn name(self) -> &'static str {
        match self {
            PathField::Mechanism => "mechanism",
            PathField::Softirq => "softirq",
            PathField::Context => "context",
            PathField::MaySleep => "may_sleep",
            PathField::Atomic => "atomic",
            PathField::AboveCfs => "above_cfs",
            PathField::ContextRt => "context_rt",
            PathField::MaySleepRt => "may_sleep_rt",
            PathField::Trace => "trace",
            PathField::AtomicNow => "atomic_now",
            PathField::AboveCfsNow => "above_cfs_now",
            PathField::Executor => "executor",
            PathField::Thread => "thread",
            PathField::Sched => "sched",
            PathField::ThreadRt => "thread_rt",
            PathField::SchedRt => "sched_rt",
            PathField::Bound => "bound",
            PathField::Merges => "merges",
            PathField::TopThreadable => "top_threadable",
        }
    }

    /// Whether the host tool reads it, and so a capture must carry it
    /// (docs/capture-format.md). The others describe the running kernel
    /// (`*_now`), name a task for the guest's scripts, or are derived.
    #[allow(dead_code)] // The host tool's: the module only writes.
    pub fn required(self) -> bool {
        match self {
            PathField::Mechanism
            | PathField::Softirq
            | PathField::Context
            | PathField::MaySleep
            | PathField::Atomic
            | PathField::ContextRt
            | PathField::MaySleepRt
            | PathField::Trace
            | PathField::Executor
            | PathField::Sched
            | PathField::SchedRt
            | PathField::Bound
            | PathField::Merges
            | PathField::TopThreadable => true,
            PathField::AboveCfs
            | PathField::AtomicNow
            | PathField::AboveCfsNow
            | PathField::Thread
            | PathField::ThreadRt => false,
        }
    }
}
