// SPDX-License-Identifier: GPL-2.0

//! irqdefer-report: reads the results files of irqdefer's scenario matrix
//! (one per boot) and renders a terminal table, the textbook table of
//! deferral mechanisms checked against the measurement, an HTML page with
//! SVG plots, and JSON.

pub mod figures;
pub mod format;
pub mod html;
pub mod plots;
pub mod term;
pub mod textbook;

use std::path::PathBuf;

use format::{ParseError, Rate};

/// Parses every file, failing on the first malformed one.
pub fn load(files: &[PathBuf]) -> Result<Vec<format::Results>, ParseError> {
    files.iter().map(|f| format::parse_file(f)).collect()
}

/// Checks that every boot has cells at `rate`.
pub fn check_rate(report: &figures::Report, rate: Rate) -> Result<(), String> {
    for b in &report.boots {
        if !b.cells.is_empty() && !b.rates().contains(&rate) {
            return Err(format!(
                "{}: no cell at rate {rate} (rates present: {})",
                b.file,
                b.rates()
                    .iter()
                    .map(Rate::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}
