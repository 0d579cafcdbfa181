// SPDX-License-Identifier: GPL-2.0

//! Tests of the pending-request stamp: packing, and latency across the
//! wrap of the clock and of the time field.

// Tests fail by panicking, index and compute freely, and use std.
#![allow(
    clippy::std_instead_of_core,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use irqdefer_logic::stamp::{
    latency, pack, unpack, Request, CPU_BITS, MAX_CPUS, STAMPED, TIMED, TIME_MASK, WRAP_NS,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const SEC: u64 = 1_000_000_000;
const DAY: u64 = 86_400 * SEC;

/// Raises on `cpu` at `raised` and serves at `served`: the latency the
/// module records.
fn measured(cpu: u32, raised: u64, served: u64) -> u64 {
    let req = unpack(pack(cpu, Some(raised))).expect("a stamp is a request");
    assert_eq!(req.cpu, cpu);
    latency(req.time.expect("a timed request"), served)
}

/// The latency as the module computed it up to be80d2a: the time field
/// masked to 51 bits, the time it was subtracted from not.
fn old_latency(raised: u64, served: u64) -> u64 {
    let old_mask: u64 = (1 << (63 - CPU_BITS)) - 1;
    let t = (raised + 1) & old_mask;
    served.saturating_sub(t - 1)
}

// The wrap period: about 13 days 0 h 45 min.
const _: () = assert!(WRAP_NS > 13 * DAY && WRAP_NS < 13 * DAY + 45 * 60 * SEC);

#[test]
fn layout() {
    assert_eq!(MAX_CPUS, 4096);
    assert_eq!(WRAP_NS, 1 << 50);
    assert_eq!(STAMPED, 1 << 63);
    assert_eq!(TIMED, 1 << 62);
    // The fields do not overlap and fill the word.
    assert_eq!(
        STAMPED | TIMED | (TIME_MASK << CPU_BITS) | u64::from(MAX_CPUS - 1),
        u64::MAX
    );
    assert_eq!(STAMPED & TIMED, 0);
    assert_eq!((TIME_MASK << CPU_BITS) & (STAMPED | TIMED), 0);
}

#[test]
fn no_request() {
    assert_eq!(unpack(0), None);
    // Anything without bit 63 is no request: pack never makes one.
    assert_eq!(unpack(TIMED | 5), None);
    assert_eq!(unpack(u64::MAX >> 1), None);
}

#[test]
fn untimed_and_time_zero_differ() {
    let untimed = pack(7, None);
    let zero = pack(7, Some(0));
    assert_ne!(untimed, 0);
    assert_ne!(zero, 0);
    assert_ne!(untimed, zero);
    assert_eq!(unpack(untimed), Some(Request { cpu: 7, time: None }));
    assert_eq!(
        unpack(zero),
        Some(Request {
            cpu: 7,
            time: Some(0)
        })
    );
}

#[test]
fn cpu_field_edges() {
    for cpu in [0, 1, MAX_CPUS / 2, MAX_CPUS - 1] {
        assert_eq!(unpack(pack(cpu, None)).unwrap().cpu, cpu);
        assert_eq!(unpack(pack(cpu, Some(u64::MAX))).unwrap().cpu, cpu);
    }
    // Out of range: kept modulo MAX_CPUS, never spilling into the time.
    assert_eq!(
        unpack(pack(MAX_CPUS, Some(3))).unwrap(),
        unpack(pack(0, Some(3))).unwrap()
    );
    assert_eq!(unpack(pack(u32::MAX, None)).unwrap().cpu, MAX_CPUS - 1);
}

/// Issue 11: after 2^51 ns (26 days) since load, every latency read about
/// 2.25e15 ns, because the stamp's time was masked and `now` was not.
#[test]
fn stamp_after_26_days() {
    let raised = (1 << 51) + 1234;
    let served = raised + 5_000;
    assert_eq!(measured(3, raised, served), 5_000);
    // A week later still, and across the wrap of the time field.
    let raised = 33 * DAY + 17;
    assert_eq!(measured(1, raised, raised + 42), 42);
    let raised = 3 * WRAP_NS - 10;
    assert_eq!(measured(1, raised, raised + 25), 25);
}

/// What `stamp_after_26_days` guards against: the formula it replaces.
#[test]
fn old_stamp_was_wrong_after_26_days() {
    let raised = (1 << 51) + 1234;
    assert_eq!(old_latency(1234, 1234 + 5_000), 5_000);
    let old = old_latency(raised, raised + 5_000);
    assert_eq!(old, (1 << 51) + 5_000);
    assert!(old > 2_250_000_000_000_000);
}

#[test]
fn latency_edges() {
    assert_eq!(latency(0, 0), 0);
    assert_eq!(latency(5, 5), 0);
    assert_eq!(latency(0, TIME_MASK), TIME_MASK);
    // Across the wrap of the time field...
    assert_eq!(measured(0, WRAP_NS - 1, WRAP_NS), 1);
    // ...and of the clock itself.
    assert_eq!(measured(0, u64::MAX, 0), 1);
    assert_eq!(measured(0, u64::MAX - 9, 10), 20);
    // The longest latency measured exactly, and the first that is not.
    assert_eq!(measured(0, 77, 77 + WRAP_NS - 1), WRAP_NS - 1);
    assert_eq!(measured(0, 77, 77 + WRAP_NS), 0);
    // A request stamped after `now` was read: the documented reading.
    assert_eq!(measured(0, 1000, 990), WRAP_NS - 10);
}

/// Clock readings near every power of two, and the u64 edges.
fn near_edges() -> impl Strategy<Value = u64> {
    prop_oneof![
        (0u32..64, -2000i64..2000).prop_map(|(k, d)| (1u64 << k).wrapping_add_signed(d)),
        (0u32..64, -2000i64..2000).prop_map(|(k, d)| (u64::MAX >> k).wrapping_add_signed(d)),
        (1u64..64, -2000i64..2000).prop_map(|(k, d)| (k * WRAP_NS).wrapping_add_signed(d)),
        Just(0),
        Just(u64::MAX),
        any::<u64>(),
    ]
}

/// Latencies the stamp measures exactly: below WRAP_NS, edges included.
fn latencies() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..100_000,
        0u64..WRAP_NS,
        (0u64..1000).prop_map(|d| WRAP_NS - 1 - d),
        (0u32..50).prop_map(|k| 1u64 << k),
    ]
}

/// Proptest settings: `cases` cases, and failures kept (to commit) in
/// `tests/proptest-regressions/stamp.txt` rather than next to the
/// nearest `src` directory, which would be the module's.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/stamp.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(1024))]
    #[test]
    fn round_trip(cpu in 0..MAX_CPUS, now in any::<u64>(), timed in any::<bool>()) {
        let now = timed.then_some(now);
        let stamp = pack(cpu, now);
        prop_assert_ne!(stamp, 0);
        prop_assert_eq!(stamp & STAMPED, STAMPED);
        prop_assert_eq!(
            unpack(stamp),
            Some(Request { cpu, time: now.map(|t| t & TIME_MASK) })
        );
    }

    #[test]
    fn true_latency_around_the_wrap(
        cpu in 0..MAX_CPUS,
        raised in near_edges(),
        lat in latencies(),
    ) {
        prop_assert_eq!(measured(cpu, raised, raised.wrapping_add(lat)), lat);
    }

    #[test]
    fn unpack_any(stamp in prop_oneof![near_edges(), any::<u64>()]) {
        match unpack(stamp) {
            None => prop_assert_eq!(stamp & STAMPED, 0),
            Some(req) => {
                prop_assert!(req.cpu < MAX_CPUS);
                prop_assert_eq!(req.time.is_some(), stamp & TIMED != 0);
                if let Some(t) = req.time {
                    prop_assert!(t <= TIME_MASK);
                    prop_assert!(latency(t, stamp) <= TIME_MASK);
                }
                // Packing what came out gives it back.
                prop_assert_eq!(unpack(pack(req.cpu, req.time)), Some(req));
            }
        }
    }

    #[test]
    fn latency_any(t in any::<u64>(), now in any::<u64>()) {
        let lat = latency(t, now);
        prop_assert!(lat < WRAP_NS);
        prop_assert_eq!(lat, ((u128::from(now) + (1 << 64) - u128::from(t)) % u128::from(WRAP_NS)) as u64);
    }
}
