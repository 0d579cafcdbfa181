// SPDX-License-Identifier: GPL-2.0

//! The binary: exit codes and messages.

mod common;

use common::{bin, tmp};

#[test]
fn renders_real_files() {
    let html = tmp("sub/report.html");
    let json = tmp("figures.json");
    let out = bin()
        .arg("--html")
        .arg(&html)
        .arg("--json")
        .arg(&json)
        .args(common::real_files())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    // One screen by default, which names the page and the flag for more.
    assert!(!stdout.contains("Textbook table, measured"));
    assert!(stdout.contains("add --full"), "{stdout}");
    assert!(stdout.contains(&format!("The report with its plots: {}", html.display())));
    let full = bin()
        .arg("--full")
        .args(common::real_files())
        .output()
        .unwrap();
    assert!(full.status.success());
    assert!(String::from_utf8(full.stdout)
        .unwrap()
        .contains("Textbook table, measured"));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        v["boots"].as_array().unwrap().len(),
        common::real_files().len()
    );
}

#[test]
fn json_to_stdout() {
    let out = bin()
        .args(["--json", "-", "--rate", "single"])
        .arg(common::data("threadirqs.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["boots"][0]["label"], "threadirqs");
}

#[test]
fn malformed_input_exits_1_naming_file_and_line() {
    let text = common::text("threadirqs.txt").replace("endcell 1\n", "endcell 0\n");
    let bad = tmp("bad.txt");
    std::fs::write(&bad, text).unwrap();
    let out = bin().arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "{}:114: `endcell 0` does not match",
            bad.display()
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_file_and_missing_rate_exit_1() {
    let out = bin().arg("/nonexistent/results.txt").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = bin()
        .args(["--rate", "500"])
        .arg(common::data("threadirqs.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no cell at rate 500 Hz"));
}
