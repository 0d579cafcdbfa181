// SPDX-License-Identifier: GPL-2.0

//! Shared by the integration tests: the real captured results.

#![allow(dead_code)]

use std::path::PathBuf;

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
