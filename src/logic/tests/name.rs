// SPDX-License-Identifier: GPL-2.0

//! Tests of the packed task names.

// Tests fail by panicking, index and compute freely, and use std.
#![allow(
    clippy::std_instead_of_core,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use irqdefer_logic::name::{unpack, LEN};

/// The first [`LEN`] bytes of `name`, zero-padded, packed.
fn pack(name: &[u8]) -> [u64; 2] {
    let mut padded = [0u8; LEN];
    let n = name.len().min(LEN);
    padded[..n].copy_from_slice(&name[..n]);
    irqdefer_logic::name::pack(&padded)
}
use proptest::prelude::*;

#[test]
fn round_trips() {
    for n in [
        &b""[..],
        b"irq/27-irqdefer",
        b"ksoftirqd/1",
        b"rcuc/0",
        b"0123456789abcdef",
    ] {
        let name = unpack(pack(n));
        assert_eq!(name.as_str().as_bytes(), n);
    }
    assert_eq!(pack(b""), [0, 0]);
}

#[test]
fn truncates_and_sanitises() {
    assert_eq!(
        unpack(pack(b"0123456789abcdefXYZ")).as_str(),
        "0123456789abcdef"
    );
    assert_eq!(unpack(pack(b"a\x01b\xffc")).as_str(), "a?b?c");
    // One field of a `key value` line: no space inside.
    assert_eq!(unpack(pack(b"my task 1")).as_str(), "my_task_1");
    // Stops at the first NUL.
    assert_eq!(unpack(pack(b"ab\0cd")).as_str(), "ab");
}

proptest! {
    #[test]
    fn any_words_give_printable_ascii(lo in any::<u64>(), hi in any::<u64>()) {
        let name = unpack([lo, hi]);
        let s = name.as_str();
        prop_assert!(s.len() <= LEN);
        prop_assert!(s.bytes().all(|b| b.is_ascii_graphic() || b == b' ' || b == b'?'));
    }

    #[test]
    fn packs_little_endian(n in proptest::collection::vec(any::<u8>(), LEN..=LEN)) {
        let lo = u64::from_le_bytes(n[..8].try_into().unwrap());
        let hi = u64::from_le_bytes(n[8..].try_into().unwrap());
        prop_assert_eq!(pack(&n), [lo, hi]);
    }

    #[test]
    fn printable_names_round_trip(n in "[ -~]{0,16}") {
        let name = unpack(pack(n.as_bytes()));
        prop_assert_eq!(name.as_str(), n.replace(' ', "_"));
        prop_assert!(!name.as_str().contains(' '));
    }
}
