// SPDX-License-Identifier: GPL-2.0

//! Parsing of what users write to control files. Every parser checks the
//! whole input before the caller changes anything, and takes any bytes
//! without panicking.
//!
//! The grammar is strict: one optional trailing newline (as `echo` adds),
//! no other whitespace, no padding, no sign but an optional leading `-` for
//! signed values. Empty input is [`ParseError::Invalid`].

/// Why an input was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParseError {
    /// Not a value of the expected form (`EINVAL`).
    Invalid,
    /// A value of the expected form, out of range (`ERANGE`).
    Range,
}

/// Strips one trailing newline, as `echo` adds.
pub fn strip_newline(input: &[u8]) -> &[u8] {
    input.strip_suffix(b"\n").unwrap_or(input)
}

/// The value of a nonempty run of decimal digits, or
/// [`ParseError::Invalid`] if `digits` is empty or holds anything else,
/// or [`ParseError::Range`] if it exceeds `u64::MAX`.
fn decimal(digits: &[u8]) -> Result<u64, ParseError> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::Invalid);
    }
    digits.iter().try_fold(0u64, |value, &d| {
        value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d.wrapping_sub(b'0'))))
            .ok_or(ParseError::Range)
    })
}

/// Parses a decimal `u64` in `min..=max`: digits only (leading zeros
/// allowed) and one optional trailing newline. [`ParseError::Invalid`] if
/// it is not such a number, [`ParseError::Range`] if it is one but out of
/// range (`u64` overflow included).
pub fn parse_u64(input: &[u8], min: u64, max: u64) -> Result<u64, ParseError> {
    let value = decimal(strip_newline(input))?;
    if value < min || value > max {
        return Err(ParseError::Range);
    }
    Ok(value)
}

/// Parses a decimal `i64` in `min..=max`, as [`parse_u64`] does, with an
/// optional leading `-` (`-0` is 0).
pub fn parse_i64(input: &[u8], min: i64, max: i64) -> Result<i64, ParseError> {
    let (neg, digits) = match input.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let magnitude = decimal(strip_newline(digits))?;
    let value = if neg {
        0i64.checked_sub_unsigned(magnitude)
            .ok_or(ParseError::Range)?
    } else {
        i64::try_from(magnitude).map_err(|_| ParseError::Range)?
    };
    if value < min || value > max {
        return Err(ParseError::Range);
    }
    Ok(value)
}

/// Parses `all` (the mask `all`) or a list of names separated by commas or
/// spaces (empty items skipped) into the union of their bits, as `lookup`
/// gives them. [`ParseError::Invalid`] for an unknown name or a list with
/// no name (or whose bits are all 0).
pub fn parse_names(
    input: &[u8],
    lookup: impl Fn(&[u8]) -> Option<u32>,
    all: u32,
) -> Result<u32, ParseError> {
    let list = strip_newline(input);
    if list == b"all" {
        return Ok(all);
    }
    let mut mask = 0;
    for name in list
        .split(|&b| b == b',' || b == b' ')
        .filter(|n| !n.is_empty())
    {
        mask |= lookup(name).ok_or(ParseError::Invalid)?;
    }
    if mask == 0 {
        return Err(ParseError::Invalid);
    }
    Ok(mask)
}

/// Parses one of the words of `choices` (and one optional trailing
/// newline) into its value; anything else is [`ParseError::Invalid`].
pub fn parse_choice<T: Copy>(input: &[u8], choices: &[(&[u8], T)]) -> Result<T, ParseError> {
    let word = strip_newline(input);
    choices
        .iter()
        .find(|(w, _)| *w == word)
        .map(|&(_, value)| value)
        .ok_or(ParseError::Invalid)
}
