// SPDX-License-Identifier: GPL-2.0

//! Parsing of what users write to control files. Every parser checks the
//! whole input before the caller changes anything.

use crate::paths::PathId;
use kernel::prelude::*;

/// Strips one trailing newline, as `echo` adds.
fn strip_newline(input: &[u8]) -> &[u8] {
    input.strip_suffix(b"\n").unwrap_or(input)
}

/// Parses a decimal `u64` in `min..=max`: `EINVAL` if it is not a plain
/// decimal number, `ERANGE` if it is one but out of range.
pub(crate) fn parse_u64(input: &[u8], min: u64, max: u64) -> Result<u64> {
    let digits = strip_newline(input);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(EINVAL);
    }
    let mut value: u64 = 0;
    for &d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(ERANGE)?;
    }
    if value < min || value > max {
        return Err(ERANGE);
    }
    Ok(value)
}

/// Parses a decimal `i64` in `min..=max`, as [`parse_u64`] does, with an
/// optional leading `-`.
pub(crate) fn parse_i64(input: &[u8], min: i64, max: i64) -> Result<i64> {
    let (neg, digits) = match input.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let magnitude = parse_u64(digits, 0, u64::MAX)?;
    let value = if neg {
        0i64.checked_sub_unsigned(magnitude).ok_or(ERANGE)?
    } else {
        i64::try_from(magnitude).map_err(|_| ERANGE)?
    };
    if value < min || value > max {
        return Err(ERANGE);
    }
    Ok(value)
}

/// Parses a list of path names separated by commas or spaces, or `all`,
/// into a mask. Empty lists and unknown names are `EINVAL`.
pub(crate) fn parse_paths(input: &[u8]) -> Result<u32> {
    let list = strip_newline(input);
    if list == b"all" {
        return Ok(PathId::ALL_MASK);
    }
    let mut mask = 0;
    for name in list
        .split(|&b| b == b',' || b == b' ')
        .filter(|n| !n.is_empty())
    {
        mask |= PathId::from_name(name).ok_or(EINVAL)?.bit();
    }
    if mask == 0 {
        return Err(EINVAL);
    }
    Ok(mask)
}

/// Parses a `measure` mode: `full` (`true`) or `count` (`false`);
/// anything else is `EINVAL`.
pub(crate) fn parse_measure(input: &[u8]) -> Result<bool> {
    match strip_newline(input) {
        b"full" => Ok(true),
        b"count" => Ok(false),
        _ => Err(EINVAL),
    }
}
