// SPDX-License-Identifier: GPL-2.0

//! The results file, version 1: a strict line-by-line parser.
//!
//! FORMAT.md in this crate is the grammar; every deviation from it is a
//! [`ParseError`] naming the file and the line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The only version this parser reads.
pub const VERSION: u32 = 1;

/// Snapshot keys every `snapshot after` block must carry.
pub const REQUIRED_KEYS: &[&str] = &[
    "irq",
    "raised",
    "executed",
    "coalesced",
    "same_cpu",
    "lat_count",
    "lat_min",
    "lat_mean",
    "lat_p50",
    "lat_p90",
    "lat_p99",
    "lat_p999",
    "lat_max",
    "ctx_hardirq",
    "ctx_softirq_irq_exit",
    "ctx_softirq_ksoftirqd",
    "ctx_task_irq_thread",
    "ctx_task_kworker",
    "ctx_task_own_thread",
    "ctx_task_other",
    "ctx_preemptible",
    "ctx_may_sleep",
    "ctx_irqs_disabled",
];

/// Meta keys that must precede the first cell.
pub const REQUIRED_META: &[&str] = &["kernel", "boot", "flavour", "accel", "vcpus"];

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

/// A cell's interrupt rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rate {
    /// 50 single interrupts, 20 ms apart.
    Single,
    /// The periodic source at this many Hz.
    Hz(u32),
}

impl Rate {
    /// Parses `single` or a positive integer.
    pub fn parse(s: &str) -> Option<Rate> {
        if s == "single" {
            return Some(Rate::Single);
        }
        match s.parse::<u32>() {
            Ok(hz) if hz > 0 => Some(Rate::Hz(hz)),
            _ => None,
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rate::Single => f.pad("single"),
            Rate::Hz(hz) => f.pad(&format!("{hz} Hz")),
        }
    }
}

/// Whether a CPU hog ran on the raising CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Load {
    /// Nothing else on the raising CPU.
    Idle,
    /// A CPU-bound loop pinned on the raising CPU.
    Busy,
}

impl Load {
    /// How the tables and the page describe it.
    pub fn words(self) -> &'static str {
        match self {
            Load::Idle => "idle",
            Load::Busy => "busy (CPU hog pinned on it)",
        }
    }

    /// The name used in the file.
    pub fn name(self) -> &'static str {
        match self {
            Load::Idle => "idle",
            Load::Busy => "busy",
        }
    }
}

/// The module's debugfs snapshot of one path, at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Plain counters and statistics (`raised`, `lat_p99`, `ctx_*`, ...).
    pub values: BTreeMap<String, u64>,
    /// `hist_<i>`: log2 latency buckets; only non-empty ones are listed.
    pub hist: BTreeMap<u32, u64>,
    /// `cpu<N>_executed`.
    pub cpu_executed: BTreeMap<u32, u64>,
}

impl Snapshot {
    /// A value, 0 when absent.
    pub fn get(&self, key: &str) -> u64 {
        self.values.get(key).copied().unwrap_or(0)
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.hist.is_empty() && self.cpu_executed.is_empty()
    }
}

/// A `/proc/interrupts` line.
#[derive(Debug, Clone, PartialEq)]
pub struct IrqLine {
    /// The label before the colon (the IRQ number).
    pub irq: String,
    /// Per-CPU counts.
    pub counts: Vec<u64>,
    /// The rest: chip, hwirq, name.
    pub rest: String,
}

impl IrqLine {
    /// Total over CPUs.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Everything recorded at one phase (`before` or `after`) of a cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phase {
    /// The module's counters for the cell's path.
    pub snapshot: Snapshot,
    /// The path's `/proc/interrupts` line, when it was found.
    pub interrupts: Option<IrqLine>,
    /// `/proc/softirqs`, name to per-CPU counts.
    pub softirqs: BTreeMap<String, Vec<u64>>,
}

/// One cell of the matrix: one path at one rate under one load.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 1-based index.
    pub index: usize,
    /// Line of the `cell` record.
    pub line: usize,
    /// The deferral path.
    pub path: String,
    /// The interrupt rate.
    pub rate: Rate,
    /// The load on the raising CPU.
    pub load: Load,
    /// Uptime when the load started.
    pub uptime_before: f64,
    /// Uptime when the load stopped.
    pub uptime_stop: f64,
    /// Uptime when the bottom halves had drained.
    pub uptime_after: f64,
    /// Counters just after the reset.
    pub before: Phase,
    /// Counters after the drain.
    pub after: Phase,
}

/// One results file: one boot.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// The file as named on the command line.
    pub file: String,
    /// `meta` records, key to value (the rest of the line).
    pub meta: BTreeMap<String, String>,
    /// The cells, in file order.
    pub cells: Vec<Cell>,
}

impl Results {
    /// A meta value, "unknown" when absent.
    pub fn meta(&self, key: &str) -> &str {
        self.meta.get(key).map(String::as_str).unwrap_or("unknown")
    }
}

/// Reads and parses a results file.
pub fn parse_file(path: &Path) -> Result<Results, ParseError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ParseError {
        file: name.clone(),
        line: 0,
        msg: format!("cannot read: {e}"),
    })?;
    parse_str(&name, &text)
}

struct OpenCell {
    cell: Cell,
    total: usize,
    uptime: [Option<f64>; 3],
}

struct Parser<'a> {
    file: &'a str,
    line: usize,
}

impl Parser<'_> {
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            file: self.file.to_string(),
            line: self.line,
            msg: msg.into(),
        })
    }

    fn num<T: std::str::FromStr>(&self, what: &str, s: &str) -> Result<T, ParseError> {
        match s.parse::<T>() {
            Ok(v) => Ok(v),
            Err(_) => self.err(format!("{what}: `{s}` is not a valid number")),
        }
    }

    fn phase(&self, s: Option<&str>, record: &str) -> Result<usize, ParseError> {
        match s {
            Some("before") => Ok(0),
            Some("after") => Ok(1),
            Some(other) => self.err(format!("{record}: phase `{other}` is not before|after")),
            None => self.err(format!("{record}: missing phase")),
        }
    }
}

/// The remainder of `line` after its first `n` whitespace-separated tokens,
/// with surrounding whitespace trimmed.
fn rest_after(line: &str, n: usize) -> &str {
    let mut s = line.trim_start();
    for _ in 0..n {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        s = s[end..].trim_start();
    }
    s.trim_end()
}

/// Parses the text of a results file; `file` names it in errors.
pub fn parse_str(file: &str, text: &str) -> Result<Results, ParseError> {
    let mut p = Parser { file, line: 0 };
    let mut lines = text.lines().enumerate();

    // Header.
    let Some((_, first)) = lines.next() else {
        p.line = 1;
        return p.err("empty file: missing header `irqdefer-results 1`");
    };
    p.line = 1;
    let hdr: Vec<&str> = first.split_whitespace().collect();
    if hdr.len() != 2 || hdr[0] != "irqdefer-results" {
        return p.err(format!(
            "bad header `{}`: expected `irqdefer-results {VERSION}`",
            first.trim()
        ));
    }
    let version: u32 = p.num("header version", hdr[1])?;
    if version != VERSION {
        return p.err(format!(
            "unsupported results version {version} (this tool reads version {VERSION})"
        ));
    }

    let mut meta = BTreeMap::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut open: Option<OpenCell> = None;
    let mut total: Option<usize> = None;
    let mut ended = false;

    for (i, raw) in lines {
        p.line = i + 1;
        let t: Vec<&str> = raw.split_whitespace().collect();
        if t.is_empty() {
            continue;
        }
        if ended {
            return p.err(format!("record `{}` after `end`", t[0]));
        }
        match t[0] {
            "meta" => {
                if !cells.is_empty() || open.is_some() {
                    return p.err("`meta` after the first cell");
                }
                let Some(key) = t.get(1) else {
                    return p.err("`meta` without a key");
                };
                let value = rest_after(raw, 2).to_string();
                if *key == "vcpus" || *key == "raise_cpu" {
                    p.num::<u32>(&format!("meta {key}"), &value)?;
                }
                if *key == "cell_seconds" {
                    p.num::<f64>("meta cell_seconds", &value)?;
                }
                if meta.insert(key.to_string(), value).is_some() {
                    return p.err(format!("duplicate `meta {key}`"));
                }
            }
            "cell" => {
                if let Some(o) = &open {
                    return p.err(format!(
                        "`cell` while cell {} (line {}) is still open: missing `endcell {}`",
                        o.cell.index, o.cell.line, o.cell.index
                    ));
                }
                if cells.is_empty() {
                    for key in REQUIRED_META {
                        if !meta.contains_key(*key) {
                            return p.err(format!("`meta {key}` missing before the first cell"));
                        }
                    }
                }
                if t.len() != 6 {
                    return p.err("`cell` needs 5 fields: I N PATH RATE LOAD");
                }
                let index: usize = p.num("cell index", t[1])?;
                let n: usize = p.num("cell count", t[2])?;
                if index != cells.len() + 1 {
                    return p.err(format!(
                        "cell {index} out of sequence: expected cell {}",
                        cells.len() + 1
                    ));
                }
                if index > n {
                    return p.err(format!("cell {index} of {n}: index beyond count"));
                }
                if let Some(first) = total {
                    if first != n {
                        return p.err(format!(
                            "count mismatch: cell {index} says {n} cells, earlier cells say {first}"
                        ));
                    }
                }
                total = Some(n);
                let Some(rate) = Rate::parse(t[4]) else {
                    return p.err(format!(
                        "rate `{}` is neither `single` nor a positive number of Hz",
                        t[4]
                    ));
                };
                let load = match t[5] {
                    "idle" => Load::Idle,
                    "busy" => Load::Busy,
                    other => return p.err(format!("load `{other}` is not idle|busy")),
                };
                open = Some(OpenCell {
                    cell: Cell {
                        index,
                        line: p.line,
                        path: t[3].to_string(),
                        rate,
                        load,
                        uptime_before: 0.0,
                        uptime_stop: 0.0,
                        uptime_after: 0.0,
                        before: Phase::default(),
                        after: Phase::default(),
                    },
                    total: n,
                    uptime: [None; 3],
                });
            }
            "uptime" | "snapshot" | "interrupts" | "softirqs" | "endcell" => {
                let Some(o) = open.as_mut() else {
                    return p.err(format!("`{}` outside a cell", t[0]));
                };
                match t[0] {
                    "uptime" => {
                        let slot = match t.get(1) {
                            Some(&"before") => 0,
                            Some(&"stop") => 1,
                            Some(&"after") => 2,
                            _ => return p.err("`uptime` phase must be before|stop|after"),
                        };
                        if t.len() != 3 {
                            return p.err("`uptime` needs PHASE SECONDS");
                        }
                        let s: f64 = p.num("uptime", t[2])?;
                        if !s.is_finite() || s < 0.0 {
                            return p.err(format!("uptime `{}` is not a valid time", t[2]));
                        }
                        if o.uptime[slot].replace(s).is_some() {
                            return p.err(format!("duplicate `uptime {}`", t[1]));
                        }
                    }
                    "snapshot" => {
                        let ph = p.phase(t.get(1).copied(), "snapshot")?;
                        if t.len() != 5 {
                            return p.err("`snapshot` needs PHASE PATH KEY VALUE");
                        }
                        if t[2] != o.cell.path {
                            return p.err(format!(
                                "snapshot of path `{}` in a cell of path `{}`",
                                t[2], o.cell.path
                            ));
                        }
                        let key = t[3];
                        let v: u64 = p.num(&format!("snapshot {key}"), t[4])?;
                        let snap = if ph == 0 {
                            &mut o.cell.before.snapshot
                        } else {
                            &mut o.cell.after.snapshot
                        };
                        let dup = if let Some(b) = key.strip_prefix("hist_") {
                            let b: u32 = p.num("histogram bucket", b)?;
                            snap.hist.insert(b, v).is_some()
                        } else if let Some(c) = key
                            .strip_prefix("cpu")
                            .and_then(|k| k.strip_suffix("_executed"))
                        {
                            let c: u32 = p.num("CPU number", c)?;
                            snap.cpu_executed.insert(c, v).is_some()
                        } else {
                            snap.values.insert(key.to_string(), v).is_some()
                        };
                        if dup {
                            return p.err(format!("duplicate snapshot key `{key}`"));
                        }
                    }
                    "interrupts" => {
                        let ph = p.phase(t.get(1).copied(), "interrupts")?;
                        let Some(label) = t.get(2).and_then(|l| l.strip_suffix(':')) else {
                            return p.err("`interrupts` line must start with `IRQ:`");
                        };
                        let counts: Vec<u64> =
                            t[3..].iter().map_while(|s| s.parse::<u64>().ok()).collect();
                        if counts.is_empty() {
                            return p.err("`interrupts` line without per-CPU counts");
                        }
                        let line = IrqLine {
                            irq: label.to_string(),
                            rest: rest_after(raw, 3 + counts.len()).to_string(),
                            counts,
                        };
                        let slot = if ph == 0 {
                            &mut o.cell.before.interrupts
                        } else {
                            &mut o.cell.after.interrupts
                        };
                        if slot.replace(line).is_some() {
                            return p.err("duplicate `interrupts` line");
                        }
                    }
                    "softirqs" => {
                        let ph = p.phase(t.get(1).copied(), "softirqs")?;
                        let Some(name) = t.get(2).and_then(|l| l.strip_suffix(':')) else {
                            return p.err("`softirqs` line must start with `NAME:`");
                        };
                        let mut counts = Vec::new();
                        for s in &t[3..] {
                            counts.push(p.num(&format!("softirqs {name}"), s)?);
                        }
                        let map = if ph == 0 {
                            &mut o.cell.before.softirqs
                        } else {
                            &mut o.cell.after.softirqs
                        };
                        if map.insert(name.to_string(), counts).is_some() {
                            return p.err(format!("duplicate softirqs line `{name}`"));
                        }
                    }
                    _ => {
                        // endcell
                        if t.len() != 2 {
                            return p.err("`endcell` needs I");
                        }
                        let index: usize = p.num("endcell index", t[1])?;
                        if index != o.cell.index {
                            return p.err(format!(
                                "`endcell {index}` does not match open cell {} (line {})",
                                o.cell.index, o.cell.line
                            ));
                        }
                        let o = open.take().expect("checked above");
                        cells.push(finish_cell(&p, o)?);
                    }
                }
            }
            "end" => {
                if let Some(o) = &open {
                    return p.err(format!(
                        "`end` while cell {} (line {}) is still open: missing `endcell {}`",
                        o.cell.index, o.cell.line, o.cell.index
                    ));
                }
                if t.len() != 2 {
                    return p.err("`end` needs N");
                }
                let n: usize = p.num("end count", t[1])?;
                if n != cells.len() {
                    return p.err(format!(
                        "count mismatch: `end {n}` but the file has {} cells",
                        cells.len()
                    ));
                }
                if let Some(first) = total {
                    if first != n {
                        return p.err(format!(
                            "count mismatch: `end {n}` but the cells say {first}"
                        ));
                    }
                }
                if cells.is_empty() {
                    for key in REQUIRED_META {
                        if !meta.contains_key(*key) {
                            return p.err(format!("`meta {key}` missing"));
                        }
                    }
                }
                ended = true;
            }
            other => return p.err(format!("unknown record `{other}`")),
        }
    }

    p.line = text.lines().count().max(1);
    if let Some(o) = open {
        return p.err(format!(
            "file ends inside cell {} (line {}): missing `endcell {}` (truncated?)",
            o.cell.index, o.cell.line, o.cell.index
        ));
    }
    if !ended {
        return p.err("file ends without `end N` (truncated?)");
    }
    Ok(Results {
        file: file.to_string(),
        meta,
        cells,
    })
}

/// Checks a cell at its `endcell` and fills in the uptimes.
fn finish_cell(p: &Parser<'_>, o: OpenCell) -> Result<Cell, ParseError> {
    let mut c = o.cell;
    let idx = c.index;
    let names = ["before", "stop", "after"];
    for (slot, name) in o.uptime.iter().zip(names) {
        if slot.is_none() {
            return p.err(format!("cell {idx} has no `uptime {name}`"));
        }
    }
    let [Some(b), Some(s), Some(a)] = o.uptime else {
        unreachable!("checked above")
    };
    if s < b || a < s {
        return p.err(format!(
            "cell {idx}: uptimes out of order (before {b}, stop {s}, after {a})"
        ));
    }
    (c.uptime_before, c.uptime_stop, c.uptime_after) = (b, s, a);
    for (phase, name) in [(&c.before, "before"), (&c.after, "after")] {
        if phase.snapshot.is_empty() {
            return p.err(format!("cell {idx} has no `snapshot {name}` lines"));
        }
    }
    for key in REQUIRED_KEYS {
        if !c.after.snapshot.values.contains_key(*key) {
            return p.err(format!("cell {idx}: `snapshot after` lacks `{key}`"));
        }
    }
    debug_assert!(idx <= o.total);
    Ok(c)
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
    fn rates() {
        assert_eq!(Rate::parse("single"), Some(Rate::Single));
        assert_eq!(Rate::parse("10000"), Some(Rate::Hz(10000)));
        assert_eq!(Rate::parse("0"), None);
        assert_eq!(Rate::parse("-5"), None);
        assert!(Rate::Single < Rate::Hz(1));
        assert_eq!(format!("{:>8}", Rate::Hz(100)), "  100 Hz");
    }

    #[test]
    fn minimal_file() {
        let text = "irqdefer-results 1\nmeta kernel k\nmeta boot normal\nmeta flavour f\n\
                    meta accel kvm\nmeta vcpus 2\nmeta cmdline\nend 0\n";
        let r = parse_str("m", text).unwrap();
        assert!(r.cells.is_empty());
        assert_eq!(r.meta("cmdline"), "");
        assert_eq!(r.meta("raise_cpu"), "unknown");
        let e = parse_str("m", "irqdefer-results 1\nend 0\n").unwrap_err();
        assert_eq!(e.to_string(), "m:2: `meta kernel` missing");
    }
}
