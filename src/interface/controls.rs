// SPDX-License-Identifier: GPL-2.0

//! The controls: the settings a user writes in
//! `/sys/kernel/debug/irqdefer/`, each declared once, in [`CONTROLS`],
//! with its bounds, how it reads, how it is written and its default.
//! Everything else is generated from that table: each control's file, its
//! line in `snapshot` (`meta control.<name> value=V default=D`, with
//! `min=N max=N` for a number, `choices=A,B` for a word) and its part in
//! `reset`'s `defaults` (which restores [`crate::source::Defaults`]).
//!
//! A write is checked whole before anything changes: `EINVAL` for what is
//! not a value, `ERANGE` for a value out of range (or past the load
//! bounds), and the control reads as before.

use super::parse::{parse_i64, parse_measure, parse_paths, MEASURE};
use crate::kernel_ext::cpu;
use crate::kernel_ext::seq_file::{seq_print, SeqFile};
use crate::paths::PathId;
use crate::source::{self, Defaults, Source};
use core::fmt;
use core::sync::atomic::Ordering::Relaxed;
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;

/// A control's value.
#[derive(Clone, Copy)]
pub(crate) enum Value {
    /// A decimal number.
    Number(i64),
    /// `measure`: `full` (`true`) or `count`.
    Measure(bool),
    /// `paths`: a mask of [`PathId::bit`], shown as the names, in line
    /// order, separated by commas.
    Paths(u32),
}

impl Value {
    /// A word of a parser's table, as text (they are ASCII).
    fn word(word: &[u8]) -> &str {
        core::str::from_utf8(word).unwrap_or("?")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Number(n) => write!(f, "{}", n),
            Value::Measure(full) => {
                let word = MEASURE
                    .iter()
                    .find(|(_, m)| *m == full)
                    .map_or(&b"?"[..], |(w, _)| w);
                f.write_str(Value::word(word))
            }
            Value::Paths(mask) => {
                let mut sep = "";
                for path in PathId::ALL.into_iter().filter(|p| mask & p.bit() != 0) {
                    write!(f, "{}{}", sep, path.name())?;
                    sep = ",";
                }
                Ok(())
            }
        }
    }
}

/// How a control is written.
pub(crate) enum Kind {
    /// A decimal number in `min..=max()` (else `ERANGE`), then `set`.
    Number {
        /// The least value.
        min: i64,
        /// The greatest value (the last possible CPU for `cpu`).
        max: fn() -> i64,
        /// Applies a value in range; `ERANGE` past the load bounds.
        set: fn(&Source, i64) -> Result,
    },
    /// A word: `parse` checks it (`EINVAL`), then applies it.
    Word {
        /// Writes the accepted words, for `snapshot` (`choices=`); `None`
        /// for a list (`paths`: `available_paths` names its words).
        choices: Option<fn(&mut SeqFile)>,
        /// Parses and applies.
        set: fn(&Source, &[u8]) -> Result,
    },
}

/// One control.
pub(crate) struct Control {
    /// Its file's name.
    pub(crate) name: &'static CStr,
    /// How it is written.
    pub(crate) kind: Kind,
    /// Its value now.
    pub(crate) get: fn(&Source) -> Value,
    /// Its default.
    pub(crate) default: fn(&Defaults) -> Value,
}

impl Control {
    /// Shows the value, as its file reads.
    pub(crate) fn show(&self, source: &Source, m: &mut SeqFile) {
        seq_print!(m, "{}\n", (self.get)(source));
    }

    /// Takes one write: checks it whole, then applies it.
    pub(crate) fn store(&self, source: &Source, input: &[u8]) -> Result {
        match self.kind {
            Kind::Number { min, max, set } => set(source, parse_i64(input, min, max())?),
            Kind::Word { set, .. } => set(source, input),
        }
    }

    /// Its `snapshot` line.
    pub(crate) fn publish(&self, source: &Source, m: &mut SeqFile) {
        seq_print!(
            m,
            "meta control.{} value={} default={}",
            self.name.to_str().unwrap_or("?"),
            (self.get)(source),
            (self.default)(source.defaults())
        );
        match self.kind {
            Kind::Number { min, max, .. } => seq_print!(m, " min={} max={}\n", min, max()),
            Kind::Word {
                choices: Some(choices),
                ..
            } => {
                seq_print!(m, " choices=");
                choices(m);
                seq_print!(m, "\n");
            }
            Kind::Word { choices: None, .. } => seq_print!(m, "\n"),
        }
    }
}

/// A `u64` as a control's `i64`, saturated.
const fn as_i64(n: u64) -> i64 {
    if n > i64::MAX as u64 {
        i64::MAX
    } else {
        n as i64
    }
}

/// A value that `parse_i64` checked against a bound that fits `T`.
fn fits<T: TryFrom<i64>>(v: i64) -> Result<T> {
    T::try_from(v).map_err(|_| ERANGE)
}

/// The controls, in the order of their files.
pub(crate) static CONTROLS: [Control; 7] = [
    Control {
        name: c_str!("rate_hz"),
        kind: Kind::Number {
            min: 0,
            max: || i64::from(source::RATE_HZ_MAX),
            set: |s, v| s.set_rate(fits(v)?),
        },
        get: |s| Value::Number(s.rate_hz().into()),
        default: |d| Value::Number(d.rate_hz.into()),
    },
    Control {
        name: c_str!("cpu"),
        kind: Kind::Number {
            min: -1,
            max: || i64::from(cpu::nr_cpu_ids()).saturating_sub(1),
            set: |s, v| s.set_cpu(fits(v)?),
        },
        get: |s| Value::Number(s.cpu().into()),
        default: |d| Value::Number(d.cpu.into()),
    },
    Control {
        name: c_str!("paths"),
        kind: Kind::Word {
            choices: None,
            set: |s, input| s.set_paths(parse_paths(input)?),
        },
        get: |s| Value::Paths(s.core().settings.active.load(Relaxed)),
        default: |d| Value::Paths(d.active),
    },
    Control {
        name: c_str!("work_ns"),
        kind: Kind::Number {
            min: 0,
            max: || as_i64(source::WORK_NS_MAX),
            set: |s, v| s.set_work_ns(fits(v)?),
        },
        get: |s| Value::Number(as_i64(s.core().settings.work_ns.load(Relaxed))),
        default: |d| Value::Number(as_i64(d.work_ns)),
    },
    Control {
        name: c_str!("sleep_ms"),
        kind: Kind::Number {
            min: 0,
            max: || i64::from(source::SLEEP_MS_MAX),
            set: |s, v| {
                s.core().settings.sleep_ms.store(fits(v)?, Relaxed);
                Ok(())
            },
        },
        get: |s| Value::Number(s.core().settings.sleep_ms.load(Relaxed).into()),
        default: |d| Value::Number(d.sleep_ms.into()),
    },
    Control {
        name: c_str!("guard_pct"),
        kind: Kind::Number {
            min: 0,
            max: || i64::from(source::GUARD_PCT_MAX),
            set: |s, v| s.set_guard_pct(fits(v)?),
        },
        get: |s| Value::Number(s.guard_pct().into()),
        default: |d| Value::Number(d.guard_pct.into()),
    },
    Control {
        name: c_str!("measure"),
        kind: Kind::Word {
            choices: Some(|m| {
                let mut sep = "";
                for (word, _) in MEASURE {
                    seq_print!(m, "{}{}", sep, Value::word(word));
                    sep = ",";
                }
            }),
            set: |s, input| {
                s.core()
                    .settings
                    .measure
                    .store(parse_measure(input)?, Relaxed);
                Ok(())
            },
        },
        get: |s| Value::Measure(s.core().settings.measure.load(Relaxed)),
        default: |d| Value::Measure(d.measure),
    },
];
