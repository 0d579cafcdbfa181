// SPDX-License-Identifier: GPL-2.0

//! Shared by the integration tests: the real captured results.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// A file under tests/data.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The text of a file under tests/data.
pub fn text(name: &str) -> String {
    std::fs::read_to_string(data(name)).expect("test data")
}

/// The real captured results files, one per boot.
pub const REAL: &[&str] = &["normal.txt", "threadirqs.txt"];

/// The real files present (normal.txt may be added later).
pub fn real_files() -> Vec<PathBuf> {
    REAL.iter()
        .map(|n| data(n))
        .filter(|p| p.exists())
        .collect()
}

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_irqdefer-report"))
}

/// A path in this test process's own temporary directory.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("irqdefer-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}
