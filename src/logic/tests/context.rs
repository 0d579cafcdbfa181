// SPDX-License-Identifier: GPL-2.0

//! Tests of the context classes: their names (the module's keys), and the
//! classification of every kind of sample, against a reference written as
//! a table of the kernel's rules.

// Tests fail by panicking, index and compute freely, and use std.
#![allow(
    clippy::std_instead_of_core,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use irqdefer_logic::context::{Sample, Where, OWN_THREAD_PREFIX};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn sample(hard: bool, nmi: bool, soft: bool, kthread: bool, comm: &[u8]) -> Where {
    sample_on(false, hard, nmi, soft, kthread, comm)
}

fn sample_on(rt: bool, hard: bool, nmi: bool, soft: bool, kthread: bool, comm: &[u8]) -> Where {
    Where::classify(&Sample {
        in_hardirq: hard,
        in_nmi: nmi,
        in_softirq: soft,
        in_kthread: kthread,
        preempt_rt: rt,
        comm,
    })
}

#[test]
fn names_are_the_module_keys() {
    let names: Vec<&str> = Where::ALL.iter().map(|w| w.name()).collect();
    assert_eq!(
        names,
        [
            "hardirq",
            "softirq_irq_exit",
            "softirq_ksoftirqd",
            "softirq_task",
            "task_irq_thread",
            "task_kworker",
            "task_own_thread",
            "task_napi_thread",
            "task_other",
        ]
    );
    // ALL is in counter order: the discriminant is the position.
    for (i, w) in Where::ALL.iter().enumerate() {
        assert_eq!(*w as usize, i);
    }
    let mut sorted = Where::ALL;
    sorted.sort();
    assert_eq!(sorted, Where::ALL);
}

#[test]
fn classifies_each_context() {
    // Hard interrupt or NMI wins over everything else.
    assert_eq!(
        sample(true, false, true, true, b"ksoftirqd/1"),
        Where::Hardirq
    );
    assert_eq!(sample(false, true, false, false, b"sh"), Where::Hardirq);
    // Softirq: in ksoftirqd only if the thread is a kernel thread so named.
    assert_eq!(
        sample(false, false, true, true, b"ksoftirqd/1"),
        Where::SoftirqKsoftirqd
    );
    assert_eq!(
        sample(false, false, true, false, b"ksoftirqd/1"),
        Where::SoftirqIrqExit
    );
    assert_eq!(
        sample(false, false, true, true, b"kworker/1:0"),
        Where::SoftirqIrqExit
    );
    assert_eq!(
        sample(false, false, true, false, b""),
        Where::SoftirqIrqExit
    );
    // Task context, by the kernel thread's name.
    assert_eq!(
        sample(false, false, false, true, b"irq/24-irqdefer"),
        Where::TaskIrqThread
    );
    assert_eq!(
        sample(false, false, false, true, b"kworker/u4:2"),
        Where::TaskKworker
    );
    assert_eq!(
        sample(false, false, false, true, b"irqdefer-thread"),
        Where::TaskOwnThread
    );
    assert_eq!(
        sample(false, false, false, true, b"irqdefer-worker"),
        Where::TaskOwnThread
    );
    assert_eq!(
        sample(false, false, false, true, b"rcu_preempt"),
        Where::TaskOther
    );
    assert_eq!(
        sample(false, false, false, true, b"napi/irqdefer-8"),
        Where::TaskNapiThread
    );
    // A NAPI thread serving a softirq at local_bh_enable() is in softirq.
    assert_eq!(
        sample(false, false, true, true, b"napi/irqdefer-8"),
        Where::SoftirqIrqExit
    );
    // A user task is "other", whatever it calls itself.
    assert_eq!(
        sample(false, false, false, false, b"kworker/1:0"),
        Where::TaskOther
    );
    assert_eq!(
        sample(false, false, false, false, b"irqdefer"),
        Where::TaskOther
    );
    // Prefixes, not substrings; short names do not match.
    assert_eq!(sample(false, false, false, true, b"irq"), Where::TaskOther);
    assert_eq!(
        sample(false, false, false, true, b"irqdefe"),
        Where::TaskOther
    );
    assert_eq!(OWN_THREAD_PREFIX, b"irqdefer");
    // PREEMPT_RT: a softirq outside ksoftirqd runs in the task that
    // re-enabled bottom halves; everything else is classified alike.
    assert_eq!(
        sample_on(true, false, false, true, true, b"irq/24-irqdefer"),
        Where::SoftirqTask
    );
    assert_eq!(
        sample_on(true, false, false, true, true, b"ksoftirqd/0"),
        Where::SoftirqKsoftirqd
    );
    assert_eq!(
        sample_on(true, true, false, true, true, b"irq/24-irqdefer"),
        Where::Hardirq
    );
    assert_eq!(
        sample_on(true, false, false, false, true, b"irq/24-irqdefer"),
        Where::TaskIrqThread
    );
}

/// The kernel's rules as a reference, written independently.
fn reference(rt: bool, hard: bool, nmi: bool, soft: bool, kthread: bool, comm: &[u8]) -> Where {
    let starts = |p: &[u8]| comm.len() >= p.len() && &comm[..p.len()] == p;
    match (hard || nmi, soft, kthread) {
        (true, _, _) => Where::Hardirq,
        (false, true, true) if starts(b"ksoftirqd/") => Where::SoftirqKsoftirqd,
        (false, true, _) if rt => Where::SoftirqTask,
        (false, true, _) => Where::SoftirqIrqExit,
        (false, false, false) => Where::TaskOther,
        (false, false, true) => {
            if starts(b"irq/") {
                Where::TaskIrqThread
            } else if starts(b"kworker/") {
                Where::TaskKworker
            } else if starts(b"irqdefer") {
                Where::TaskOwnThread
            } else if starts(b"napi/") {
                Where::TaskNapiThread
            } else {
                Where::TaskOther
            }
        }
    }
}

fn comm() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop::sample::select(vec![
        &b""[..],
        b"irq/",
        b"kworker/",
        b"ksoftirqd/",
        b"irqdefer",
        b"napi/",
        b"irq",
        b"kwork",
    ]);
    (prefix, prop::collection::vec(any::<u8>(), 0..16)).prop_map(|(p, rest)| {
        let mut v = p.to_vec();
        v.extend(rest);
        v.truncate(15);
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn matches_the_reference(
        rt in any::<bool>(),
        hard in any::<bool>(),
        nmi in any::<bool>(),
        soft in any::<bool>(),
        kthread in any::<bool>(),
        comm in comm(),
    ) {
        prop_assert_eq!(
            sample_on(rt, hard, nmi, soft, kthread, &comm),
            reference(rt, hard, nmi, soft, kthread, &comm)
        );
    }
}

proptest! {
    /// A name or its zero-padded buffer: the same class, whatever the flags.
    #[test]
    fn padded_comm_classifies_as_comm(
        name in proptest::collection::vec(1u8..=255, 0..16),
        prefix in prop_oneof![
            Just(&b""[..]), Just(&b"irq/"[..]), Just(&b"kworker/"[..]),
            Just(OWN_THREAD_PREFIX), Just(&b"napi/"[..]), Just(&b"ksoftirqd/"[..])
        ],
        flags in any::<[bool; 5]>(),
    ) {
        let mut name = [prefix, &name[..]].concat();
        name.truncate(15);
        let mut padded = [0u8; 16];
        padded[..name.len()].copy_from_slice(&name);
        let [rt, hard, nmi, soft, kthread] = flags;
        prop_assert_eq!(
            sample_on(rt, hard, nmi, soft, kthread, &name),
            sample_on(rt, hard, nmi, soft, kthread, &padded)
        );
    }
}
