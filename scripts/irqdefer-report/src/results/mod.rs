// SPDX-License-Identifier: GPL-2.0

//! The results grammar, version 2 (docs/capture-format.md): one header for every
//! capture, and the body of each kind, scenario ([`scenario`]) and bench
//! ([`bench`]).
//!
//! A capture is read line by line; every deviation from the grammar is a
//! [`ParseError`] naming the file and the line.

pub mod bench;
pub mod scenario;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use irqdefer_logic::context::Where;
use irqdefer_logic::snapshot::PathField;

/// The only version this parser reads.
pub const VERSION: u32 = 2;

/// The first word of every capture.
pub const MAGIC: &str = "irqdefer-results";

/// A malformed input, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file as named on the command line.
    pub file: String,
    /// 1-based line number; 0 when the file could not be read at all.
    pub line: usize,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.msg)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.msg)
        }
    }
}

impl std::error::Error for ParseError {}

/// Reads a file for a parser; an unreadable file is an error of line 0.
pub fn read(path: &Path) -> Result<(String, String), ParseError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ParseError {
        file: name.clone(),
        line: 0,
        msg: format!("cannot read: {e}"),
    })?;
    Ok((name, text))
}

/// What a capture holds: its body's grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// `scripts/guest/scenario.sh`: the matrix of cells (`make demo`).
    Scenario,
    /// `scripts/guest/bench.sh`: the benchmarks (`make bench`).
    Bench,
}

impl Capture {
    /// The `meta capture` value.
    pub fn name(self) -> &'static str {
        match self {
            Capture::Scenario => "scenario",
            Capture::Bench => "bench",
        }
    }

    fn parse(s: &str) -> Option<Capture> {
        [Capture::Scenario, Capture::Bench]
            .into_iter()
            .find(|c| c.name() == s)
    }

    /// The command that renders it.
    fn command(self) -> &'static str {
        match self {
            Capture::Scenario => "irqdefer-report RESULTS...",
            Capture::Bench => "irqdefer-report bench RESULTS...",
        }
    }
}

/// What a capture says it is, from its first lines and before any check:
/// its version (the first line's number) and its kind (`meta capture`,
/// if the header has it and it is one). `None` when the first line is
/// not `irqdefer-results N`: the parser then says what is wrong. For the
/// commands that read two captures and must refuse a mix before parsing
/// either.
pub fn sniff(text: &str) -> Option<(u32, Option<Capture>)> {
    let mut l = Lines::new("", text);
    let (_, t) = l.next_record()?;
    if l.line != 1 || t.len() != 2 || t[0] != MAGIC {
        return None;
    }
    let version = t[1].parse().ok()?;
    let mut kind = None;
    while let Some((_, t)) = l.next_record() {
        match t[..] {
            ["meta", "capture", c] => kind = Capture::parse(c),
            ["meta", ..] => {}
            _ => break,
        }
    }
    Some((version, kind))
}

/// A cursor over the lines of a capture: the current line number for
/// errors, the lines' whitespace-separated tokens.
pub struct Lines<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    next: usize,
    /// 1-based number of the line last returned (or of the last line, at
    /// the end).
    pub line: usize,
}

impl<'a> Lines<'a> {
    /// The lines of `text`. Every line ends in `\n`: a last line without
    /// one was cut off, and is left out (the missing end record then says
    /// the file is truncated). A trailing `\r` is dropped.
    pub fn new(file: &'a str, text: &'a str) -> Lines<'a> {
        let mut lines: Vec<&str> = text.split('\n').collect();
        // The piece after the last `\n`: empty, or a line cut off.
        lines.pop();
        let lines = lines
            .into_iter()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        Lines {
            file,
            lines,
            next: 0,
            line: 0,
        }
    }

    /// The file's name, for errors.
    pub fn file(&self) -> &str {
        self.file
    }

    /// The next non-blank line, with its tokens.
    pub fn next_record(&mut self) -> Option<(&'a str, Vec<&'a str>)> {
        while let Some(raw) = self.lines.get(self.next) {
            self.next += 1;
            self.line = self.next;
            let t: Vec<&str> = raw.split_whitespace().collect();
            if !t.is_empty() {
                return Some((raw, t));
            }
        }
        self.line = self.lines.len().max(1);
        None
    }

    /// Puts the last record back: the next call returns it again.
    pub fn unread(&mut self) {
        self.next = self.next.saturating_sub(1);
    }

    /// An error at the current line.
    pub fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        self.err_at(self.line, msg)
    }

    /// An error at line `line`.
    pub fn err_at<T>(&self, line: usize, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            file: self.file.to_string(),
            line,
            msg: msg.into(),
        })
    }

    /// Parses a number, or says which field holds what.
    pub fn num<T: std::str::FromStr>(&self, what: &str, s: &str) -> Result<T, ParseError> {
        match s.parse::<T>() {
            Ok(v) => Ok(v),
            Err(_) => self.err(format!("{what}: `{s}` is not a valid number")),
        }
    }
}

/// The remainder of `line` after its first `n` whitespace-separated tokens,
/// with surrounding whitespace trimmed.
pub fn rest_after(line: &str, n: usize) -> &str {
    let mut s = line.trim_start();
    for _ in 0..n {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        s = s[end..].trim_start();
    }
    s.trim_end()
}

/// How a meta value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Anything, the empty string included.
    Text,
    /// One or more words.
    Words,
    /// A non-negative integer.
    Int,
    /// One or more non-negative integers.
    Ints,
    /// A non-negative decimal number.
    Seconds,
    /// A non-negative decimal number, then optional words (`tsc_mhz`).
    Number,
    /// One word of [`ACCELS`]: where the capture ran.
    Accel,
}

/// The values of `meta accel` (docs/capture-format.md, "Header"), each with the label
/// the report prints: QEMU without hardware virtualisation, QEMU with
/// KVM, no hypervisor at all (`make demo-host` on real hardware), or a
/// hypervisor that is neither (`make demo-host` in a VMware, Hyper-V, Xen,
/// ... guest).
pub const ACCELS: &[(&str, &str)] = &[
    ("tcg", "TCG"),
    ("kvm", "KVM"),
    ("metal", "bare metal"),
    ("vm", "another hypervisor"),
];

/// The report's label of a `meta accel` value; the value itself if it is
/// not one of [`ACCELS`] (only a capture the parser did not check).
pub fn accel_label(accel: &str) -> &str {
    ACCELS
        .iter()
        .find(|(word, _)| *word == accel)
        .map_or(accel, |(_, label)| label)
}

/// The meta keys a kind of capture knows: whether each is required, and
/// its value. Keys not listed are kept as text.
pub type MetaSpec = &'static [(&'static str, bool, Value)];

/// Keys every capture has (docs/capture-format.md, "Header").
pub const COMMON_META: MetaSpec = &[
    ("capture", true, Value::Text),
    ("kernel", true, Value::Text),
    ("boot", true, Value::Text),
    ("flavour", true, Value::Text),
    ("accel", true, Value::Accel),
    ("vcpus", true, Value::Int),
    ("cmdline", false, Value::Text),
    ("raise_cpu", false, Value::Int),
    ("preempt", false, Value::Text),
];

/// The `meta` records: key to value (the rest of the line) and line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    entries: BTreeMap<String, (String, usize)>,
}

impl Meta {
    /// A value, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|(v, _)| v.as_str())
    }

    /// A value, "unknown" when absent.
    pub fn text(&self, key: &str) -> &str {
        self.get(key).unwrap_or("unknown")
    }

    /// A value's words (none when absent).
    pub fn words(&self, key: &str) -> Vec<&str> {
        self.get(key)
            .map_or(Vec::new(), |v| v.split_whitespace().collect())
    }

    /// The first word of a value as an integer; the spec checked it.
    pub fn int(&self, key: &str) -> Option<u64> {
        self.words(key).first().and_then(|w| w.parse().ok())
    }

    /// The first word of a value as a number; the spec checked it.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.words(key).first().and_then(|w| w.parse().ok())
    }

    /// The line of a key's record.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.entries.get(key).map(|(_, line)| *line)
    }

    /// Every key and value, for the JSON output.
    pub fn map(&self) -> BTreeMap<String, String> {
        self.entries
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect()
    }

    /// Reads a `meta KEY VALUE...` record (its tokens `t`); each key once.
    pub fn record(&mut self, l: &Lines<'_>, raw: &str, t: &[&str]) -> Result<(), ParseError> {
        let Some(key) = t.get(1) else {
            return l.err("`meta` without a key");
        };
        let value = rest_after(raw, 2).to_string();
        if self
            .entries
            .insert(key.to_string(), (value, l.line))
            .is_some()
        {
            return l.err(format!("duplicate `meta {key}`"));
        }
        Ok(())
    }

    /// Checks the keys of `spec`: the required ones present (else an error
    /// at line `at`), every value of its form (else an error at its line).
    pub fn check(&self, l: &Lines<'_>, spec: MetaSpec, at: usize) -> Result<(), ParseError> {
        for (key, required, form) in spec {
            let Some((value, line)) = self.entries.get(*key) else {
                if *required {
                    return l.err_at(at, format!("`meta {key}` missing"));
                }
                continue;
            };
            let words: Vec<&str> = value.split_whitespace().collect();
            let bad = |why: &str| l.err_at(*line, format!("meta {key}: `{value}` {why}"));
            let int = |w: &&str| w.parse::<u64>().is_ok();
            let number = |w: &str| w.parse::<f64>().is_ok_and(|x| x.is_finite() && x >= 0.0);
            match form {
                Value::Text => {}
                Value::Words if words.is_empty() => return bad("is empty"),
                Value::Words => {}
                Value::Int if words.len() != 1 || !int(&words[0]) => {
                    return bad("is not a valid number")
                }
                Value::Ints if words.is_empty() || !words.iter().all(int) => {
                    return bad("is not a list of numbers")
                }
                Value::Seconds if words.len() != 1 || !number(words[0]) => {
                    return bad("is not a valid number")
                }
                Value::Number if words.first().is_none_or(|w| !number(w)) => {
                    return bad("does not start with a number")
                }
                Value::Accel if !ACCELS.iter().any(|(w, _)| *value == *w) => {
                    let words: Vec<&str> = ACCELS.iter().map(|(w, _)| *w).collect();
                    return bad(&format!("is not one of {}", words.join(", ")));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Where a path's bottom half must run, by the registry's `context`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The registry's word (`softirq`, `task_kworker`, ...).
    pub name: String,
    /// The places that obey the rule.
    pub places: Vec<Where>,
}

impl Context {
    /// `softirq` (both softirq places) or the name of one place, on a
    /// model: on PREEMPT_RT (`rt`) a softirq runs in `ksoftirqd` or in the
    /// task that re-enabled bottom halves, never at interrupt exit.
    fn parse_on(s: &str, rt: bool) -> Option<Context> {
        let places = if s == "softirq" && rt {
            vec![Where::SoftirqKsoftirqd, Where::SoftirqTask]
        } else if s == "softirq" {
            vec![Where::SoftirqIrqExit, Where::SoftirqKsoftirqd]
        } else {
            vec![*Where::ALL.iter().find(|w| w.name() == s)?]
        };
        Some(Context {
            name: s.to_string(),
            places,
        })
    }
}

/// The priority of a `fifoN` word (`Load`'s `fifoP`, the registry's
/// `sched=fifoN`): N in 1..=99, the range of `SCHED_FIFO`.
pub fn fifo_prio(word: &str) -> Option<u32> {
    word.strip_prefix("fifo")?
        .parse()
        .ok()
        .filter(|p| (1..=99).contains(p))
}

/// The scheduling class of the task that runs a path's bottom half, as the
/// registry's `sched=` and `sched_rt=` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sched {
    /// `-`: no task, interrupt context (hard interrupt or softirq).
    None,
    /// `other`: `SCHED_OTHER`.
    Other,
    /// `fifoN`: `SCHED_FIFO` at priority N.
    Fifo(u32),
}

impl Sched {
    /// `-`, `other` or `fifoN`.
    fn parse(s: &str) -> Option<Sched> {
        match s {
            "-" => Some(Sched::None),
            "other" => Some(Sched::Other),
            _ => fifo_prio(s).map(Sched::Fifo),
        }
    }

    /// The `SCHED_FIFO` priority, 0 for `SCHED_OTHER` or no task.
    pub fn fifo_prio(self) -> u32 {
        match self {
            Sched::Fifo(p) => p,
            Sched::None | Sched::Other => 0,
        }
    }
}

/// One path of the module's registry: a `meta path.<name>` line. Every
/// fact the tool uses about a path is one of its fields, read as the
/// module published it; nothing is inferred from the mechanism's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    /// The path's name.
    pub name: String,
    /// The kernel call that defers the work, for display; `none` (with or
    /// without arguments) for no bottom half.
    pub mechanism: String,
    /// The softirq that runs it, as `/proc/softirqs` names it, or `none`.
    pub softirq: String,
    /// Where every run must be.
    pub context: Context,
    /// Whether sleeping is legal there.
    pub may_sleep: bool,
    /// Whether the work is atomic on the raising CPU.
    pub atomic: bool,
    /// Where every run must be on PREEMPT_RT (`context_rt`).
    pub context_rt: Context,
    /// Whether sleeping is legal there (`may_sleep_rt`).
    pub may_sleep_rt: bool,
    /// The ftrace event that marks the start of a run (`group:event`), or
    /// `none`.
    pub trace: String,
    /// The kernel's executor of the work (`executor=`: `hardirq` where the
    /// top half does it, `tasklet`, `workqueue`, `irq_thread`, ...): the
    /// textbook table's row.
    pub executor: String,
    /// The class of the task that runs the bottom half (`sched=`).
    pub sched: Sched,
    /// The same on PREEMPT_RT (`sched_rt=`).
    pub sched_rt: Sched,
    /// Whether the bottom half runs on the CPU that raised it (`bound=`).
    pub bound: bool,
    /// Whether a request while one is pending merges into it (`merges=`).
    pub merges: bool,
    /// Whether forced IRQ threading (`threadirqs`, PREEMPT_RT) moves the
    /// top half into an IRQ thread (`top_threadable=`).
    pub top_threadable: bool,
    /// Every field, known or not.
    pub fields: BTreeMap<String, String>,
}

impl PathRule {
    /// Whether the path has a bottom half at all: not where the top half
    /// does the work (`executor=hardirq`: the baseline and its
    /// forced-threading twin).
    pub fn has_bottom_half(&self) -> bool {
        self.executor != "hardirq"
    }

    /// Where every run must be on a model: PREEMPT_RT (`rt`) or not.
    pub fn context_on(&self, rt: bool) -> &Context {
        if rt {
            &self.context_rt
        } else {
            &self.context
        }
    }

    /// Whether sleeping is legal there, on a model.
    pub fn may_sleep_on(&self, rt: bool) -> bool {
        if rt {
            self.may_sleep_rt
        } else {
            self.may_sleep
        }
    }

    /// The rule on a model in the registry's words: `context=softirq
    /// may_sleep=0`, or `context_rt=... may_sleep_rt=...` on PREEMPT_RT
    /// (`rt`).
    pub fn words_on(&self, rt: bool) -> String {
        let (c, s) = if rt {
            ("context_rt", "may_sleep_rt")
        } else {
            ("context", "may_sleep")
        };
        format!(
            "{c}={} {s}={}",
            self.context_on(rt).name,
            u8::from(self.may_sleep_on(rt))
        )
    }

    /// The class of the task that runs the bottom half on a model
    /// (`sched_rt=` on PREEMPT_RT, `sched=` elsewhere).
    pub fn sched_on(&self, rt: bool) -> Sched {
        if rt {
            self.sched_rt
        } else {
            self.sched
        }
    }

    /// Its `SCHED_FIFO` priority on a model, 0 for `SCHED_OTHER` or no task.
    pub fn fifo_prio_on(&self, rt: bool) -> u32 {
        self.sched_on(rt).fifo_prio()
    }

    /// Parses the fields of `meta path.<name> KEY=VALUE...`: every
    /// [`PathField::required`] one present and of its form.
    pub(crate) fn parse(name: &str, value: &str) -> Result<PathRule, String> {
        let mut fields = BTreeMap::new();
        for f in value.split_whitespace() {
            let Some((k, v)) = f.split_once('=') else {
                return Err(format!("`{f}` is not KEY=VALUE"));
            };
            fields.insert(k.to_string(), v.to_string());
        }
        let missing: Vec<String> = PathField::ALL
            .into_iter()
            .filter(|f| f.required() && !fields.contains_key(f.name()))
            .map(|f| format!("`{}=`", f.name()))
            .collect();
        if !missing.is_empty() {
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(format!(
                "no {} field{s}: the capture predates the registry's facts this tool \
                 reads (docs/capture-format.md); re-capture it with the current module",
                missing.join(", ")
            ));
        }
        let get = |f: PathField| fields.get(f.name()).cloned().unwrap_or_default();
        let flag = |f: PathField| match get(f).as_str() {
            "0" => Ok(false),
            "1" => Ok(true),
            other => Err(format!("`{}={other}` is not 0 or 1", f.name())),
        };
        let context = |f: PathField, rt: bool| {
            let c = get(f);
            Context::parse_on(&c, rt).ok_or_else(|| format!("`{}={c}` is not a context", f.name()))
        };
        let sched = |f: PathField| {
            let s = get(f);
            Sched::parse(&s).ok_or_else(|| format!("`{}={s}` is not fifoN, other or -", f.name()))
        };
        let executor = get(PathField::Executor);
        if executor.is_empty() {
            return Err("`executor=` is empty".into());
        }
        Ok(PathRule {
            name: name.to_string(),
            mechanism: get(PathField::Mechanism),
            softirq: get(PathField::Softirq),
            context: context(PathField::Context, false)?,
            may_sleep: flag(PathField::MaySleep)?,
            atomic: flag(PathField::Atomic)?,
            context_rt: context(PathField::ContextRt, true)?,
            may_sleep_rt: flag(PathField::MaySleepRt)?,
            trace: get(PathField::Trace),
            executor,
            sched: sched(PathField::Sched)?,
            sched_rt: sched(PathField::SchedRt)?,
            bound: flag(PathField::Bound)?,
            merges: flag(PathField::Merges)?,
            top_threadable: flag(PathField::TopThreadable)?,
            fields,
        })
    }
}

/// The module's registry: every path, in the module's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    /// The paths.
    pub paths: Vec<PathRule>,
}

impl Registry {
    /// A path's rule.
    pub fn get(&self, name: &str) -> Option<&PathRule> {
        self.paths.iter().find(|p| p.name == name)
    }

    /// The names, in the module's order.
    pub fn names(&self) -> Vec<&str> {
        self.paths.iter().map(|p| p.name.as_str()).collect()
    }

    /// A path's position in the module's order (unknown paths after).
    pub fn position(&self, name: &str) -> usize {
        self.paths
            .iter()
            .position(|p| p.name == name)
            .unwrap_or(self.paths.len())
    }

    /// The baseline: the first path without a bottom half.
    pub fn baseline(&self) -> Option<&PathRule> {
        self.paths.iter().find(|p| !p.has_bottom_half())
    }

    /// The registry of the `meta path.<name>` records.
    fn of(meta: &Meta, l: &Lines<'_>) -> Result<Registry, ParseError> {
        // In the order of the lines, which is the module's: the first
        // line in error is the one reported.
        let mut lines: Vec<(usize, &str, &str)> = meta
            .entries
            .iter()
            .filter_map(|(key, (value, line))| {
                Some((*line, key.strip_prefix("path.")?, value.as_str()))
            })
            .collect();
        lines.sort_by_key(|(line, _, _)| *line);
        let mut paths = Vec::new();
        for (line, name, value) in lines {
            let rule = PathRule::parse(name, value)
                .or_else(|e| l.err_at(line, format!("meta path.{name}: {e}")))?;
            paths.push(rule);
        }
        Ok(Registry { paths })
    }
}

/// What every capture starts with: `irqdefer-results VERSION` and the
/// `meta` records before the first body record.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The file as named on the command line.
    pub file: String,
    /// The meta records (a bench capture adds some after its body).
    pub meta: Meta,
    /// The module's registry, from the `meta path.<name>` records.
    pub registry: Registry,
}

impl Header {
    /// Reads the header of a capture of kind `want`, whose own meta keys
    /// are `spec`; leaves `l` at the first body record.
    pub fn read(l: &mut Lines<'_>, want: Capture, spec: MetaSpec) -> Result<Header, ParseError> {
        let Some((first, t)) = l.next_record() else {
            return l.err_at(1, format!("empty file: missing header `{MAGIC} {VERSION}`"));
        };
        if l.line != 1 || t.len() != 2 || t[0] != MAGIC {
            return l.err(format!(
                "bad header `{}`: expected `{MAGIC} {VERSION}`",
                first.trim()
            ));
        }
        let version: u32 = l.num("header version", t[1])?;
        if version != VERSION {
            return l.err(format!(
                "unsupported results version {version} (this tool reads version {VERSION})"
            ));
        }
        let mut meta = Meta::default();
        let mut at = l.line;
        while let Some((raw, t)) = l.next_record() {
            at = l.line;
            if t[0] != "meta" {
                l.unread();
                break;
            }
            meta.record(l, raw, &t)?;
        }
        // A header error is reported at the first line past the header.
        meta.check(l, COMMON_META, at)?;
        let capture = meta.text("capture");
        match Capture::parse(capture) {
            Some(c) if c == want => {}
            Some(c) => {
                return l.err_at(
                    meta.entries["capture"].1,
                    format!("a {} capture: render it with `{}`", c.name(), c.command()),
                )
            }
            None => {
                return l.err_at(
                    meta.entries["capture"].1,
                    format!("meta capture: `{capture}` is not scenario|bench"),
                )
            }
        }
        meta.check(l, spec, at)?;
        let registry = Registry::of(&meta, l)?;
        if registry.paths.is_empty() {
            return l.err_at(
                at,
                "no `meta path.<name>` records: the module's registry is missing",
            );
        }
        Ok(Header {
            file: l.file().to_string(),
            meta,
            registry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_of_line() {
        assert_eq!(rest_after("meta cmdline  a  b ", 2), "a  b");
        assert_eq!(rest_after("meta cmdline", 2), "");
        assert_eq!(
            rest_after("interrupts before  24:  0  3  irq_sim  0-edge  x", 5),
            "irq_sim  0-edge  x"
        );
    }

    #[test]
    fn lines_drop_a_cut_off_last_line() {
        let mut l = Lines::new("f", "a\r\n\n b c\nd");
        assert_eq!(l.next_record().unwrap().1, ["a"]);
        assert_eq!(l.line, 1);
        assert_eq!(l.next_record().unwrap().1, ["b", "c"]);
        assert_eq!(l.line, 3);
        assert!(l.next_record().is_none());
        assert_eq!(l.line, 3);
    }

    #[test]
    fn sniffs_version_and_kind() {
        let head = "irqdefer-results 2\nmeta kernel k\nmeta capture bench\nidle x\n";
        assert_eq!(sniff(head), Some((2, Some(Capture::Bench))));
        assert_eq!(sniff("irqdefer-results 1\n"), Some((1, None)));
        assert_eq!(
            sniff("irqdefer-results 2\nmeta capture moon\n"),
            Some((2, None))
        );
        assert_eq!(sniff("irqdefer-bench 1\n"), None);
        assert_eq!(sniff(""), None);
    }

    /// A registry line with every field, `extra` replacing or adding some.
    fn line(extra: &str) -> String {
        let fields: BTreeMap<&str, &str> = "mechanism=tasklet_schedule() softirq=TASKLET \
             context=softirq may_sleep=0 atomic=1 context_rt=softirq may_sleep_rt=0 \
             trace=irq:tasklet_entry executor=tasklet sched=- sched_rt=- bound=1 merges=1 \
             top_threadable=1"
            .split_whitespace()
            .chain(extra.split_whitespace())
            .filter_map(|f| f.split_once('='))
            .collect();
        let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        fields.join(" ")
    }

    #[test]
    fn path_rules() {
        let r = PathRule::parse("tasklet", &line("future=x")).unwrap();
        assert_eq!(r.mechanism, "tasklet_schedule()");
        assert_eq!(
            r.context.places,
            [Where::SoftirqIrqExit, Where::SoftirqKsoftirqd]
        );
        assert_eq!(
            r.context_on(true).places,
            [Where::SoftirqKsoftirqd, Where::SoftirqTask]
        );
        assert!(r.has_bottom_half() && r.atomic && !r.may_sleep);
        assert_eq!(r.fields["future"], "x");
        let e = PathRule::parse("x", "mechanism=m softirq=none context=moon").unwrap_err();
        assert!(e.starts_with("no `may_sleep=`, `atomic=`, "), "{e}");
        assert!(e.contains("fields: the capture predates"), "{e}");
        let e = PathRule::parse("x", &line("context=moon")).unwrap_err();
        assert_eq!(e, "`context=moon` is not a context");
        let e = PathRule::parse("x", &line("context_rt=moon")).unwrap_err();
        assert_eq!(e, "`context_rt=moon` is not a context");
        assert!(PathRule::parse("x", "mechanism").is_err());
    }

    #[test]
    fn published_facts() {
        let r = PathRule::parse(
            "x",
            &line("executor=workqueue bound=0 sched=fifo50 sched_rt=fifo1 top_threadable=0"),
        )
        .unwrap();
        assert_eq!(r.executor, "workqueue");
        assert!(!r.top_threadable && !r.bound && r.merges);
        assert_eq!((r.sched, r.sched_rt), (Sched::Fifo(50), Sched::Fifo(1)));
        assert_eq!((r.fifo_prio_on(false), r.fifo_prio_on(true)), (50, 1));
        let r = PathRule::parse("x", &line("sched=other sched_rt=-")).unwrap();
        assert_eq!((r.sched, r.sched_rt), (Sched::Other, Sched::None));
        assert_eq!((r.fifo_prio_on(false), r.fifo_prio_on(true)), (0, 0));
        for (bad, why) in [
            ("sched=fifo", "`sched=fifo` is not fifoN, other or -"),
            (
                "sched_rt=fifo100",
                "`sched_rt=fifo100` is not fifoN, other or -",
            ),
            ("bound=yes", "`bound=yes` is not 0 or 1"),
            ("merges=2", "`merges=2` is not 0 or 1"),
            ("top_threadable=", "`top_threadable=` is not 0 or 1"),
            ("executor=", "`executor=` is empty"),
        ] {
            assert_eq!(PathRule::parse("x", &line(bad)).unwrap_err(), why);
        }
    }

    #[test]
    fn older_registries_are_refused() {
        // A capture of a module before the facts: no guess from the
        // mechanism's text.
        let old = "mechanism=queue_work(system_unbound_wq) softirq=none context=task_kworker \
                   may_sleep=1 atomic=0 context_rt=task_kworker may_sleep_rt=1 trace=none";
        let e = PathRule::parse("wq_unbound", old).unwrap_err();
        assert_eq!(
            e,
            "no `executor=`, `sched=`, `sched_rt=`, `bound=`, `merges=`, `top_threadable=` \
             fields: the capture predates the registry's facts this tool reads \
             (docs/capture-format.md); re-capture it with the current module"
        );
        let e = PathRule::parse(
            "x",
            &format!("{old} executor=workqueue sched=other sched_rt=other bound=0 merges=1"),
        )
        .unwrap_err();
        assert!(e.starts_with("no `top_threadable=` field: "), "{e}");
    }

    #[test]
    fn no_bottom_half_where_the_top_half_executes() {
        let rule = |m: &str, e: &str| {
            PathRule::parse("x", &line(&format!("mechanism={m} executor={e}"))).unwrap()
        };
        assert!(!rule("none", "hardirq").has_bottom_half());
        assert!(!rule("none(threadable)", "hardirq").has_bottom_half());
        assert!(rule("irq_work_queue()", "irq_work").has_bottom_half());
    }
}
