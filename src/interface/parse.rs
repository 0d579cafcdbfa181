// SPDX-License-Identifier: GPL-2.0

//! Parsing of what users write to control files. Every parser checks the
//! whole input before the caller changes anything, and takes any bytes
//! without panicking. The grammar and its host tests are in
//! [`crate::logic::parse`]; here the errors become errnos: `EINVAL` (not a
//! value) and `ERANGE` (a value out of range).

#![deny(clippy::arithmetic_side_effects)]

use crate::logic::parse::{self, ParseError};
use crate::paths::PathId;
use kernel::prelude::*;

/// The `measure` modes: `full` measures latency and context, `count` only
/// counts.
pub(crate) const MEASURE: [(&[u8], bool); 2] = [(b"full", true), (b"count", false)];

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        match e {
            ParseError::Invalid => EINVAL,
            ParseError::Range => ERANGE,
        }
    }
}

/// Parses a decimal `u64` in `min..=max`: `EINVAL` if it is not a plain
/// decimal number, `ERANGE` if it is one but out of range.
pub(crate) fn parse_u64(input: &[u8], min: u64, max: u64) -> Result<u64> {
    Ok(parse::parse_u64(input, min, max)?)
}

/// Parses a decimal `i64` in `min..=max`, as [`parse_u64`] does, with an
/// optional leading `-`.
pub(crate) fn parse_i64(input: &[u8], min: i64, max: i64) -> Result<i64> {
    Ok(parse::parse_i64(input, min, max)?)
}

/// Parses a list of path names separated by commas or spaces, or `all`,
/// into a mask. Empty lists and unknown names are `EINVAL`.
pub(crate) fn parse_paths(input: &[u8]) -> Result<u32> {
    Ok(parse::parse_names(
        input,
        |name| PathId::from_name(name).map(PathId::bit),
        PathId::ALL_MASK,
    )?)
}

/// Parses one word of `choices`; anything else is `EINVAL`.
pub(crate) fn parse_choice<T: Copy>(input: &[u8], choices: &[(&[u8], T)]) -> Result<T> {
    Ok(parse::parse_choice(input, choices)?)
}

/// Parses a `measure` mode: `full` (`true`) or `count` (`false`);
/// anything else is `EINVAL`.
pub(crate) fn parse_measure(input: &[u8]) -> Result<bool> {
    parse_choice(input, &MEASURE)
}
