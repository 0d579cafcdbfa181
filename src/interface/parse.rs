// SPDX-License-Identifier: GPL-2.0

//! Parsing of what users write to control files. Every parser checks the
//! whole input before the caller changes anything.

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
