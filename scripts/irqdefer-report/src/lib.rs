// SPDX-License-Identifier: GPL-2.0

//! irqdefer-report: reads irqdefer's results (docs/capture-format.md: one grammar, one
//! header, for both kinds of capture) and renders them.
//!
//! - Scenario captures (`make demo`, one per boot): a terminal table, the
//!   textbook table of deferral mechanisms checked against the
//!   measurement, an HTML page with SVG plots, and JSON.
//! - Bench captures (`make bench`): sanity checks, then the verdicts and
//!   tables as Markdown, and JSON ([`bench`]).
//!
//! The paths and their rules come from each capture's header: the module's
//! registry (`meta path.<name>`). Tables are built once ([`view`],
//! [`tables`]) and rendered by [`term`], [`html`] and [`markdown`].

pub mod advise;
pub mod bench;
pub mod compare;
pub mod doc;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod places;
pub mod plots;
pub mod pressure;
pub mod results;
pub mod snapshot;
pub mod tables;
pub mod term;
pub mod textbook;
pub mod view;

use std::path::PathBuf;

use results::scenario::{self, Rate, Scenario};
use results::ParseError;

/// Parses every scenario capture, failing on the first malformed one.
pub fn load(files: &[PathBuf]) -> Result<Vec<Scenario>, ParseError> {
    files.iter().map(|f| scenario::parse_file(f)).collect()
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
