// SPDX-License-Identifier: GPL-2.0

//! Tests of the control parsers: the exact grammar, and arbitrary bytes
//! against reference parsers built on `str::parse`.

// Tests fail by panicking, index and compute freely, and use std.
#![allow(
    clippy::std_instead_of_core,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use irqdefer_logic::parse::{
    parse_choice, parse_i64, parse_names, parse_u64, strip_newline, ParseError,
    ParseError::{Invalid, Range},
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// The path names of the module, as `parse_paths` looks them up.
const NAMES: [&str; 12] = [
    "hardirq",
    "threaded",
    "tasklet",
    "tasklet_hi",
    "wq",
    "wq_highpri",
    "wq_unbound",
    "wq_own",
    "bh_wq",
    "timer",
    "hrtimer_soft",
    "kthread",
];
const ALL: u32 = (1 << NAMES.len()) - 1;

fn lookup(name: &[u8]) -> Option<u32> {
    NAMES
        .iter()
        .position(|n| n.as_bytes() == name)
        .map(|i| 1 << i)
}

fn paths(input: &[u8]) -> Result<u32, ParseError> {
    parse_names(input, lookup, ALL)
}

const MEASURE: [(&[u8], bool); 2] = [(b"full", true), (b"count", false)];

/// The text of `input` without one trailing newline, if it is UTF-8.
fn text(input: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(input).ok()?;
    Some(s.strip_suffix('\n').unwrap_or(s))
}

/// Reference: `str::parse::<u64>`, but for the signs and whitespace it
/// would accept.
fn ref_u64(input: &[u8], min: u64, max: u64) -> Result<u64, ParseError> {
    let s = text(input).ok_or(Invalid)?;
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid);
    }
    // Digits only: parse can fail only by overflow.
    let v = s.parse::<u64>().map_err(|_| Range)?;
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(Range)
    }
}

/// Reference: `str::parse::<i128>` of the digits after an optional `-`.
fn ref_i64(input: &[u8], min: i64, max: i64) -> Result<i64, ParseError> {
    let s = text(input).ok_or(Invalid)?;
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid);
    }
    let v = s.parse::<i128>().map_err(|_| Range)?;
    let v = i64::try_from(v).map_err(|_| Range)?;
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(Range)
    }
}

/// Reference: a `str` split and a set of names.
fn ref_paths(input: &[u8]) -> Result<u32, ParseError> {
    let s = text(input).ok_or(Invalid)?;
    if s == "all" {
        return Ok(ALL);
    }
    let mut mask = 0;
    for name in s.split([',', ' ']).filter(|n| !n.is_empty()) {
        let i = NAMES.iter().position(|&n| n == name).ok_or(Invalid)?;
        mask |= 1 << i;
    }
    if mask == 0 {
        Err(Invalid)
    } else {
        Ok(mask)
    }
}

fn ref_measure(input: &[u8]) -> Result<bool, ParseError> {
    match text(input) {
        Some("full") => Ok(true),
        Some("count") => Ok(false),
        _ => Err(Invalid),
    }
}

#[test]
fn newline() {
    assert_eq!(strip_newline(b"5\n"), b"5");
    assert_eq!(strip_newline(b"5\n\n"), b"5\n");
    assert_eq!(strip_newline(b"\n"), b"");
    assert_eq!(strip_newline(b""), b"");
}

#[test]
fn u64_grammar() {
    let full = |s: &[u8]| parse_u64(s, 0, u64::MAX);
    assert_eq!(full(b"0"), Ok(0));
    assert_eq!(full(b"10\n"), Ok(10));
    assert_eq!(full(b"007"), Ok(7));
    assert_eq!(full(b"18446744073709551615"), Ok(u64::MAX));
    assert_eq!(full(b"18446744073709551616"), Err(Range));
    assert_eq!(full(b"99999999999999999999999999999"), Err(Range));
    for bad in [
        &b""[..],
        b"\n",
        b"10\n\n",
        b" 10",
        b"10 ",
        b"+1",
        b"-1",
        b"1_000",
        b"0x10",
        b"1e3",
        b"\n10",
        b"10\r\n",
        b"\xff",
        b"1\x00",
    ] {
        assert_eq!(full(bad), Err(Invalid), "{bad:?}");
    }
    assert_eq!(parse_u64(b"5", 1, 4), Err(Range));
    assert_eq!(parse_u64(b"0", 1, 4), Err(Range));
    assert_eq!(parse_u64(b"1\n", 1, 1), Ok(1));
    // An empty range refuses everything in it.
    assert_eq!(parse_u64(b"3", 4, 2), Err(Range));
}

#[test]
fn i64_grammar() {
    let full = |s: &[u8]| parse_i64(s, i64::MIN, i64::MAX);
    assert_eq!(full(b"-1\n"), Ok(-1));
    assert_eq!(full(b"-0"), Ok(0));
    assert_eq!(full(b"42"), Ok(42));
    assert_eq!(full(b"-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(full(b"9223372036854775807"), Ok(i64::MAX));
    assert_eq!(full(b"-9223372036854775809"), Err(Range));
    assert_eq!(full(b"9223372036854775808"), Err(Range));
    assert_eq!(full(b"-18446744073709551616"), Err(Range));
    for bad in [
        &b""[..],
        b"-",
        b"-\n",
        b"--1",
        b"+1",
        b"- 1",
        b"1-",
        b"\n-1",
        b"-1\n\n",
    ] {
        assert_eq!(full(bad), Err(Invalid), "{bad:?}");
    }
    assert_eq!(parse_i64(b"-2", -1, 5), Err(Range));
    assert_eq!(parse_i64(b"-1", -1, 5), Ok(-1));
}

#[test]
fn names_grammar() {
    let bit = |n: &str| lookup(n.as_bytes()).unwrap();
    assert_eq!(paths(b"all"), Ok(ALL));
    assert_eq!(paths(b"all\n"), Ok(ALL));
    assert_eq!(paths(b"wq"), Ok(bit("wq")));
    assert_eq!(paths(b"wq,tasklet\n"), Ok(bit("wq") | bit("tasklet")));
    assert_eq!(paths(b" wq,, tasklet  wq,"), Ok(bit("wq") | bit("tasklet")));
    for bad in [
        &b""[..],
        b"\n",
        b",",
        b" , ",
        b"all,wq",
        b"all ",
        b"ALL",
        b"Wq",
        b"wq\t",
        b"wq\n\n",
        b"wq;tasklet",
        b"nope",
        b"wq,nope",
        b"\xffwq",
    ] {
        assert_eq!(paths(bad), Err(Invalid), "{bad:?}");
    }
    // A lookup that gives bit 0 for a name: a list of only that is empty.
    assert_eq!(parse_names(b"x", |_| Some(0), 1), Err(Invalid));
}

#[test]
fn choice_grammar() {
    assert_eq!(parse_choice(b"full", &MEASURE), Ok(true));
    assert_eq!(parse_choice(b"count\n", &MEASURE), Ok(false));
    for bad in [
        &b""[..],
        b"\n",
        b"Full",
        b"full ",
        b"full\n\n",
        b"fullcount",
        b"ful",
    ] {
        assert_eq!(parse_choice(bad, &MEASURE), Err(Invalid), "{bad:?}");
    }
    assert_eq!(parse_choice::<u8>(b"x", &[]), Err(Invalid));
}

/// Inputs close to valid ones, and arbitrary bytes.
fn number_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "-?[0-9]{0,25}\n?".prop_map(String::into_bytes),
        "[-+ 0-9\n\t]{0,25}".prop_map(String::into_bytes),
        any::<u64>().prop_map(|v| format!("{v}\n").into_bytes()),
        any::<i64>().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

fn names_like() -> impl Strategy<Value = Vec<u8>> {
    let word = prop_oneof![
        8 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
        1 => Just("all".to_owned()),
        1 => Just(String::new()),
        1 => "[a-z_A-Z]{1,12}",
    ];
    let sep = prop::sample::select(vec![",", " ", ",,", ", ", "\t", "\n", ";"]);
    prop_oneof![
        4 => (
            prop::collection::vec((word, sep), 0..6),
            prop::sample::select(vec!["", "\n", "\n\n", " "]),
        )
            .prop_map(|(items, end)| {
                let mut s = String::new();
                for (w, sep) in items {
                    s.push_str(&w);
                    s.push_str(sep);
                }
                s.push_str(end);
                s.into_bytes()
            }),
        1 => prop::collection::vec(any::<u8>(), 0..40),
    ]
}

/// Proptest settings: `cases` cases, and failures kept (to commit) in
/// `tests/proptest-regressions/parse.txt` rather than next to the
/// nearest `src` directory, which would be the module's.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/parse.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn u64_agrees(input in number_like(), a in any::<u64>(), b in any::<u64>()) {
        prop_assert_eq!(parse_u64(&input, 0, u64::MAX), ref_u64(&input, 0, u64::MAX));
        let (min, max) = (a.min(b), a.max(b));
        prop_assert_eq!(parse_u64(&input, min, max), ref_u64(&input, min, max));
        prop_assert_eq!(parse_u64(&input, 1, 1000), ref_u64(&input, 1, 1000));
    }

    #[test]
    fn i64_agrees(input in number_like(), a in any::<i64>(), b in any::<i64>()) {
        prop_assert_eq!(parse_i64(&input, i64::MIN, i64::MAX), ref_i64(&input, i64::MIN, i64::MAX));
        let (min, max) = (a.min(b), a.max(b));
        prop_assert_eq!(parse_i64(&input, min, max), ref_i64(&input, min, max));
        prop_assert_eq!(parse_i64(&input, -1, i64::from(i32::MAX)), ref_i64(&input, -1, i64::from(i32::MAX)));
    }

    #[test]
    fn names_agree(input in names_like()) {
        prop_assert_eq!(paths(&input), ref_paths(&input));
    }

    #[test]
    fn choice_agrees(input in prop_oneof![
        prop::sample::select(vec!["full", "count", "full\n", "count\n", "full\n\n", "", "\n"])
            .prop_map(|s| s.as_bytes().to_vec()),
        "[a-z\n ]{0,8}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..12),
    ]) {
        prop_assert_eq!(parse_choice(&input, &MEASURE), ref_measure(&input));
    }

    #[test]
    fn numbers_round_trip(v in any::<u64>(), i in any::<i64>(), nl in any::<bool>()) {
        let end = if nl { "\n" } else { "" };
        prop_assert_eq!(parse_u64(format!("{v}{end}").as_bytes(), 0, u64::MAX), Ok(v));
        prop_assert_eq!(parse_i64(format!("{i}{end}").as_bytes(), i64::MIN, i64::MAX), Ok(i));
    }
}
