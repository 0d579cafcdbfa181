// SPDX-License-Identifier: GPL-2.0

//! Tests of the snapshot's keys: the names the module writes and the host
//! tool reads.

// Tests fail by panicking, index and compute freely, and use std.
#![allow(
    clippy::std_instead_of_core,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use irqdefer_logic::context::{Flag, Where};
use irqdefer_logic::snapshot::{Key, PathField};
use std::collections::BTreeSet;

#[test]
fn every_name_is_read_back_as_its_key() {
    for k in Key::ALL {
        assert_eq!(Key::from_name(k.name()), Some(k), "{k:?}");
    }
    assert_eq!(Key::from_name("lat_p42"), None);
    assert_eq!(Key::from_name(""), None);
}

#[test]
fn no_two_keys_share_a_name_with_each_other_or_a_family() {
    let mut seen = BTreeSet::new();
    for k in Key::ALL {
        assert!(seen.insert(k.name().to_string()), "{} twice", k.name());
        assert!(!k.name().starts_with("ctx_") && !k.name().starts_with("hist_"));
        assert!(!k.name().ends_with("_executed"));
    }
    for w in Where::ALL {
        assert!(seen.insert(format!("ctx_{}", w.name())));
    }
    for f in Flag::ALL {
        assert!(seen.insert(format!("ctx_{}", f.name())));
    }
}

#[test]
fn the_quantile_keys_have_their_rank_and_only_they() {
    let ranked: Vec<_> = Key::ALL
        .into_iter()
        .filter_map(|k| Some((k.name(), k.permille()?)))
        .collect();
    assert_eq!(
        ranked,
        [
            ("lat_p50", 500),
            ("lat_p90", 900),
            ("lat_p99", 990),
            ("lat_p999", 999)
        ]
    );
}

#[test]
fn what_the_figures_are_made_of_is_required() {
    for k in [
        Key::Irq,
        Key::Raised,
        Key::Executed,
        Key::Coalesced,
        Key::LatP99,
    ] {
        assert!(k.required(), "{k:?}");
    }
    assert!(!Key::TopThreaded.required());
}

#[test]
fn every_key_is_in_all_once_in_declaration_order() {
    // A variant left out of `ALL` would compile, and never be written.
    assert_eq!(Key::ALL.len(), Key::LatMax as usize + 1);
    for (i, k) in Key::ALL.into_iter().enumerate() {
        assert_eq!(k as usize, i, "{k:?}");
    }
}

#[test]
fn every_path_field_is_in_all_once_with_a_name_of_its_own() {
    // A variant left out of `ALL` would compile, and never be written.
    assert_eq!(PathField::ALL.len(), PathField::TopThreadable as usize + 1);
    let mut seen = BTreeSet::new();
    for (i, f) in PathField::ALL.into_iter().enumerate() {
        assert_eq!(f as usize, i, "{f:?}");
        let name = f.name();
        assert!(seen.insert(name), "{name} twice");
        // One token of `KEY=VALUE`, as the scripts split it.
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    }
}

#[test]
fn the_host_requires_the_rule_and_not_the_running_kernel() {
    let optional: Vec<_> = PathField::ALL
        .into_iter()
        .filter(|f| !f.required())
        .map(PathField::name)
        .collect();
    assert_eq!(
        optional,
        [
            "above_cfs",
            "atomic_now",
            "above_cfs_now",
            "thread",
            "thread_rt"
        ]
    );
}
