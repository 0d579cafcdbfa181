// SPDX-License-Identifier: GPL-2.0

//! `meta accel`: where a capture ran (docs/capture-format.md, "Header"). `make demo`
//! writes `tcg` or `kvm`, `make demo-host` also `metal` (or `vm`, a
//! hypervisor that is neither); the report labels the runs with it.

mod common;

use irqdefer_report::figures::Report;
use irqdefer_report::results::scenario::{parse_str, Rate};
use irqdefer_report::results::{accel_label, ACCELS};
use irqdefer_report::tables::{accel_note, runs_table};
use irqdefer_report::view::Unit;
use irqdefer_report::{html, term};

/// The real `full` capture, its `meta accel` replaced.
fn full_with(accel: &str) -> String {
    let text = common::text("full.txt");
    assert!(text.contains("\nmeta accel tcg\n"));
    text.replacen("\nmeta accel tcg\n", &format!("\nmeta accel {accel}\n"), 1)
}

fn report(accel: &str) -> Report {
    Report::of(&[parse_str("full.txt", &full_with(accel)).unwrap()])
}

#[test]
fn every_documented_value_parses_and_has_a_label() {
    for (word, label) in ACCELS {
        let r = parse_str("full.txt", &full_with(word)).unwrap();
        assert_eq!(r.meta("accel"), *word);
        assert_eq!(accel_label(word), *label);
    }
    assert_eq!(accel_label("metal"), "bare metal");
}

#[test]
fn an_unknown_accelerator_is_refused_at_its_line() {
    let text = full_with("qemu");
    let line = text.lines().position(|l| l == "meta accel qemu").unwrap() + 1;
    let e = parse_str("full.txt", &text).unwrap_err();
    assert_eq!(e.line, line, "{e}");
    assert!(e.msg.contains("is not one of tcg, kvm, metal, vm"), "{e}");
    let e = parse_str("full.txt", &full_with("")).unwrap_err();
    assert!(e.msg.contains("meta accel"), "{e}");
}

#[test]
fn bare_metal_is_labelled_and_not_called_emulated() {
    let rep = report("metal");
    let runs = runs_table(&rep);
    assert!(
        runs.rows[0].cells.iter().any(|c| c.text == "bare metal"),
        "{:?}",
        runs.rows[0].cells
    );
    let out = term::render(&rep, Rate::Hz(1000), Unit::Auto);
    assert!(
        out.contains("Measured on bare metal (no hypervisor): full."),
        "{out}"
    );
    assert!(out.contains(", bare metal, 2 vCPUs"));
    assert!(!out.contains("TCG"));
    let h = html::render(&rep, Rate::Hz(1000)).unwrap().html;
    assert!(h.contains("Measured on <b>bare metal</b> (no hypervisor): full."));
    assert!(!h.contains("TCG"));
    assert!(!h.contains("inflated"));
}

#[test]
fn kvm_and_tcg_are_labelled() {
    let h = html::render(&report("kvm"), Rate::Hz(1000)).unwrap().html;
    assert!(h.contains("in a guest under <b>KVM</b> (hardware virtualisation): full."));
    assert!(!h.contains("inflated"));
    let h = html::render(&report("tcg"), Rate::Hz(1000)).unwrap().html;
    assert!(h.contains("in a QEMU guest under <b>TCG</b> (no hardware virtualisation): full."));
    assert!(h.contains("inflated under TCG emulation"));
}

#[test]
fn boots_of_different_accelerators_are_named_each() {
    let tcg = parse_str("full.txt", &full_with("tcg")).unwrap();
    let host = full_with("metal").replacen("\nmeta boot full\n", "\nmeta boot host\n", 1);
    let metal = parse_str("host.txt", &host).unwrap();
    let note = accel_note(&Report::of(&[tcg, metal]), str::to_string);
    assert!(
        note.starts_with(
            "Measured in a QEMU guest under TCG (no hardware virtualisation): full; on bare \
             metal (no hypervisor): host. Absolute times are inflated"
        ),
        "{note}"
    );
}
