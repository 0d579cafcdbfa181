// SPDX-License-Identifier: GPL-2.0

//! The body of a scenario capture (`meta capture scenario`): the matrix's
//! cells, each with the module's snapshot and the kernel's counters
//! before and after (docs/capture-format.md, "Scenario body").

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::{fifo_prio, read, rest_after, Capture, Header, Lines, MetaSpec, ParseError, Value};
use crate::snapshot::{KeyError, Snapshot};

/// The meta keys of a scenario capture, besides the common ones.
pub const META: MetaSpec = &[
    ("cell_seconds", false, Value::Seconds),
    ("single_n", false, Value::Int),
    ("pressure", false, Value::Words),
    ("rthog_prios", false, Value::Ints),
    ("rthog_rate", false, Value::Int),
    ("rthog_seconds", false, Value::Seconds),
    ("rthog_setup", false, Value::Text),
    ("overload_rate", false, Value::Int),
    ("overload_pct", false, Value::Ints),
    ("overload_seconds", false, Value::Seconds),
];

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

/// Whether a CPU hog ran on the raising CPU, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Load {
    /// Nothing else on the raising CPU.
    Idle,
    /// A CPU-bound loop (SCHED_OTHER) pinned on the raising CPU.
    Busy,
    /// A SCHED_OTHER task pinned on the raising CPU that is busy in the
    /// kernel (`kbusy`: long reads of /dev/zero), where a lazy
    /// reschedule waits for the tick and a full one does not.
    KernelBusy,
    /// A CPU-bound loop at SCHED_FIFO priority P pinned on the raising
    /// CPU (`fifoP`).
    Fifo(u32),
}

impl Load {
    /// Parses `idle`, `busy`, `kbusy` or `fifoP` (P in 1..=99).
    pub fn parse(s: &str) -> Option<Load> {
        match s {
            "idle" => Some(Load::Idle),
            "busy" => Some(Load::Busy),
            "kbusy" => Some(Load::KernelBusy),
            _ => fifo_prio(s).map(Load::Fifo),
        }
    }

    /// How the tables and the page describe it.
    pub fn words(self) -> String {
        match self {
            Load::Idle => "idle".into(),
            Load::Busy => "busy (CPU hog pinned on it)".into(),
            Load::KernelBusy => "busy in the kernel (a reader of /dev/zero pinned on it)".into(),
            Load::Fifo(p) => format!("SCHED_FIFO {p} hog pinned on it"),
        }
    }

    /// The name used in the file.
    pub fn name(self) -> String {
        match self {
            Load::Idle => "idle".into(),
            Load::Busy => "busy".into(),
            Load::KernelBusy => "kbusy".into(),
            Load::Fifo(p) => format!("fifo{p}"),
        }
    }
}

/// Which part of the demo a cell belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Group {
    /// The matrix: every path at every rate, idle and busy.
    #[default]
    Matrix,
    /// The real-time hog: a SCHED_FIFO loop on the raising CPU.
    RtHog,
    /// Softirq overload: work per bottom half stepped up.
    Overload,
}

impl Group {
    /// Parses `matrix`, `rthog` or `overload`.
    pub fn parse(s: &str) -> Option<Group> {
        match s {
            "matrix" => Some(Group::Matrix),
            "rthog" => Some(Group::RtHog),
            "overload" => Some(Group::Overload),
            _ => None,
        }
    }

    /// The name used in the file.
    pub fn name(self) -> &'static str {
        match self {
            Group::Matrix => "matrix",
            Group::RtHog => "rthog",
            Group::Overload => "overload",
        }
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
    /// The part of the demo it belongs to.
    pub group: Group,
    /// Busy work per bottom half, ns (`work_ns`; 0 when not stated).
    pub work_ns: u64,
    /// Ticks of the periodic source the starvation guard held back during
    /// the cell (`guard_skipped`; 0 when not stated).
    pub guard_skipped: u64,
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
    /// Counters at the stop, taken before the drain (the real-time hog's
    /// cells: what ran while the hog still ran), if recorded.
    pub stop: Option<Phase>,
}

/// One scenario capture: one boot.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The header: file, meta, registry.
    pub header: Header,
    /// The cells, in file order.
    pub cells: Vec<Cell>,
}

impl Scenario {
    /// The file as named on the command line.
    pub fn file(&self) -> &str {
        &self.header.file
    }

    /// A meta value, "unknown" when absent.
    pub fn meta(&self, key: &str) -> &str {
        self.header.meta.text(key)
    }
}

/// Reads and parses a scenario capture.
pub fn parse_file(path: &Path) -> Result<Scenario, ParseError> {
    let (name, text) = read(path)?;
    parse_str(&name, &text)
}

struct OpenCell {
    cell: Cell,
    uptime: [Option<f64>; 3],
    work_ns: Option<u64>,
    guard_skipped: Option<u64>,
}

/// A phase of a cell's counters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum When {
    Before,
    Stop,
    After,
}

impl OpenCell {
    fn phase(&mut self, w: When) -> &mut Phase {
        match w {
            When::Before => &mut self.cell.before,
            When::After => &mut self.cell.after,
            When::Stop => self.cell.stop.get_or_insert_with(Phase::default),
        }
    }
}

/// Which phase a record is of; `stop` only where `stop_ok`.
fn phase(l: &Lines<'_>, s: Option<&str>, record: &str, stop_ok: bool) -> Result<When, ParseError> {
    match s {
        Some("before") => Ok(When::Before),
        Some("after") => Ok(When::After),
        Some("stop") if stop_ok => Ok(When::Stop),
        Some(other) if stop_ok => l.err(format!(
            "{record}: phase `{other}` is not before|stop|after"
        )),
        Some(other) => l.err(format!("{record}: phase `{other}` is not before|after")),
        None => l.err(format!("{record}: missing phase")),
    }
}

fn open_error<T>(l: &Lines<'_>, what: &str, o: &OpenCell) -> Result<T, ParseError> {
    let (i, line) = (o.cell.index, o.cell.line);
    l.err(format!(
        "`{what}` while cell {i} (line {line}) is still open: missing `endcell {i}`"
    ))
}

/// Parses the text of a scenario capture; `file` names it in errors.
pub fn parse_str(file: &str, text: &str) -> Result<Scenario, ParseError> {
    let mut l = Lines::new(file, text);
    let header = Header::read(&mut l, Capture::Scenario, META)?;
    let mut cells: Vec<Cell> = Vec::new();
    let mut open: Option<OpenCell> = None;
    let mut total: Option<usize> = None;
    let mut ended = false;

    while let Some((raw, t)) = l.next_record() {
        if ended {
            return l.err(format!("record `{}` after `end`", t[0]));
        }
        match t[0] {
            "meta" => return l.err("`meta` after the first cell"),
            "cell" => {
                if let Some(o) = &open {
                    return open_error(&l, "cell", o);
                }
                if t.len() != 6 && t.len() != 7 {
                    return l.err("`cell` needs 5 or 6 fields: I N PATH RATE LOAD [GROUP]");
                }
                let index: usize = l.num("cell index", t[1])?;
                let n: usize = l.num("cell count", t[2])?;
                if index != cells.len() + 1 {
                    return l.err(format!(
                        "cell {index} out of sequence: expected cell {}",
                        cells.len() + 1
                    ));
                }
                if index > n {
                    return l.err(format!("cell {index} of {n}: index beyond count"));
                }
                if let Some(first) = total.filter(|first| *first != n) {
                    return l.err(format!(
                        "count mismatch: cell {index} says {n} cells, earlier cells say {first}"
                    ));
                }
                total = Some(n);
                if header.registry.get(t[3]).is_none() {
                    return l.err(format!(
                        "path `{}` is not in the module's registry (the `meta path.<name>` \
                         records)",
                        t[3]
                    ));
                }
                let Some(rate) = Rate::parse(t[4]) else {
                    return l.err(format!(
                        "rate `{}` is neither `single` nor a positive number of Hz",
                        t[4]
                    ));
                };
                let Some(load) = Load::parse(t[5]) else {
                    return l.err(format!("load `{}` is not idle|busy|kbusy|fifoP", t[5]));
                };
                let group = match t.get(6) {
                    None => Group::Matrix,
                    Some(g) => match Group::parse(g) {
                        Some(g) => g,
                        None => return l.err(format!("group `{g}` is not matrix|rthog|overload")),
                    },
                };
                open = Some(OpenCell {
                    cell: Cell {
                        index,
                        line: l.line,
                        path: t[3].to_string(),
                        rate,
                        load,
                        group,
                        work_ns: 0,
                        guard_skipped: 0,
                        uptime_before: 0.0,
                        uptime_stop: 0.0,
                        uptime_after: 0.0,
                        before: Phase::default(),
                        after: Phase::default(),
                        stop: None,
                    },
                    uptime: [None; 3],
                    work_ns: None,
                    guard_skipped: None,
                });
            }
            "uptime" | "snapshot" | "interrupts" | "softirqs" | "work_ns" | "guard_skipped" => {
                let Some(o) = open.as_mut() else {
                    return l.err(format!("`{}` outside a cell", t[0]));
                };
                cell_record(&l, o, raw, &t)?;
            }
            "endcell" => {
                let Some(o) = open.take() else {
                    return l.err("`endcell` outside a cell");
                };
                if t.len() != 2 {
                    return l.err("`endcell` needs I");
                }
                let index: usize = l.num("endcell index", t[1])?;
                if index != o.cell.index {
                    return l.err(format!(
                        "`endcell {index}` does not match open cell {} (line {})",
                        o.cell.index, o.cell.line
                    ));
                }
                cells.push(finish_cell(&l, o)?);
            }
            "end" => {
                if let Some(o) = &open {
                    return open_error(&l, "end", o);
                }
                if t.len() != 2 {
                    return l.err("`end` needs N");
                }
                let n: usize = l.num("end count", t[1])?;
                if n != cells.len() {
                    return l.err(format!(
                        "count mismatch: `end {n}` but the file has {} cells",
                        cells.len()
                    ));
                }
                if let Some(first) = total.filter(|first| *first != n) {
                    return l.err(format!(
                        "count mismatch: `end {n}` but the cells say {first}"
                    ));
                }
                ended = true;
            }
            other => return l.err(format!("unknown record `{other}`")),
        }
    }

    if let Some(o) = open {
        let (i, line) = (o.cell.index, o.cell.line);
        return l.err(format!(
            "file ends inside cell {i} (line {line}): missing `endcell {i}` (truncated?)"
        ));
    }
    if !ended {
        return l.err("file ends without `end N` (truncated?)");
    }
    Ok(Scenario { header, cells })
}

/// One record inside a cell: `uptime`, `snapshot`, `interrupts`,
/// `softirqs`, `work_ns`, `guard_skipped`.
fn cell_record(l: &Lines<'_>, o: &mut OpenCell, raw: &str, t: &[&str]) -> Result<(), ParseError> {
    match t[0] {
        "work_ns" => {
            if t.len() != 2 {
                return l.err("`work_ns` needs NS");
            }
            let ns: u64 = l.num("work_ns", t[1])?;
            if o.work_ns.replace(ns).is_some() {
                return l.err("duplicate `work_ns`");
            }
            o.cell.work_ns = ns;
        }
        "guard_skipped" => {
            if t.len() != 2 {
                return l.err("`guard_skipped` needs TICKS");
            }
            let n: u64 = l.num("guard_skipped", t[1])?;
            if o.guard_skipped.replace(n).is_some() {
                return l.err("duplicate `guard_skipped`");
            }
            o.cell.guard_skipped = n;
        }
        "uptime" => {
            let slot = match t.get(1) {
                Some(&"before") => 0,
                Some(&"stop") => 1,
                Some(&"after") => 2,
                _ => return l.err("`uptime` phase must be before|stop|after"),
            };
            if t.len() != 3 {
                return l.err("`uptime` needs PHASE SECONDS");
            }
            let s: f64 = l.num("uptime", t[2])?;
            if !s.is_finite() || s < 0.0 {
                return l.err(format!("uptime `{}` is not a valid time", t[2]));
            }
            if o.uptime[slot].replace(s).is_some() {
                return l.err(format!("duplicate `uptime {}`", t[1]));
            }
        }
        "snapshot" => {
            let when = phase(l, t.get(1).copied(), "snapshot", true)?;
            if t.len() != 5 {
                return l.err("`snapshot` needs PHASE PATH KEY VALUE");
            }
            if t[2] != o.cell.path {
                return l.err(format!(
                    "snapshot of path `{}` in a cell of path `{}`",
                    t[2], o.cell.path
                ));
            }
            let key = t[3];
            let v: u64 = l.num(&format!("snapshot {key}"), t[4])?;
            match o.phase(when).snapshot.set(key, v) {
                Ok(()) => {}
                Err(KeyError::Duplicate) => {
                    return l.err(format!("duplicate snapshot key `{key}`"))
                }
                Err(KeyError::BadIndex(what)) => {
                    return l.err(format!("{what} of `{key}` is not a valid number"))
                }
            }
        }
        "interrupts" => {
            let when = phase(l, t.get(1).copied(), "interrupts", true)?;
            let Some(label) = t.get(2).and_then(|l| l.strip_suffix(':')) else {
                return l.err("`interrupts` line must start with `IRQ:`");
            };
            let counts: Vec<u64> = t[3..].iter().map_while(|s| s.parse().ok()).collect();
            if counts.is_empty() {
                return l.err("`interrupts` line without per-CPU counts");
            }
            let line = IrqLine {
                irq: label.to_string(),
                rest: rest_after(raw, 3 + counts.len()).to_string(),
                counts,
            };
            if o.phase(when).interrupts.replace(line).is_some() {
                return l.err("duplicate `interrupts` line");
            }
        }
        _ => {
            let when = phase(l, t.get(1).copied(), "softirqs", false)?;
            let Some(name) = t.get(2).and_then(|l| l.strip_suffix(':')) else {
                return l.err("`softirqs` line must start with `NAME:`");
            };
            let mut counts = Vec::new();
            for s in &t[3..] {
                counts.push(l.num(&format!("softirqs {name}"), s)?);
            }
            if o.phase(when)
                .softirqs
                .insert(name.to_string(), counts)
                .is_some()
            {
                return l.err(format!("duplicate softirqs line `{name}`"));
            }
        }
    }
    Ok(())
}

/// Checks a cell at its `endcell` and fills in the uptimes.
fn finish_cell(l: &Lines<'_>, o: OpenCell) -> Result<Cell, ParseError> {
    let mut c = o.cell;
    let idx = c.index;
    let [Some(b), Some(s), Some(a)] = o.uptime else {
        let missing = ["before", "stop", "after"]
            .iter()
            .zip(o.uptime)
            .find(|(_, u)| u.is_none())
            .map_or("", |(name, _)| *name);
        return l.err(format!("cell {idx} has no `uptime {missing}`"));
    };
    if s < b || a < s {
        return l.err(format!(
            "cell {idx}: uptimes out of order (before {b}, stop {s}, after {a})"
        ));
    }
    (c.uptime_before, c.uptime_stop, c.uptime_after) = (b, s, a);
    for (phase, name) in [(&c.before, "before"), (&c.after, "after")] {
        if phase.snapshot.is_empty() {
            return l.err(format!("cell {idx} has no `snapshot {name}` lines"));
        }
    }
    if let Some(key) = c.after.snapshot.missing() {
        return l.err(format!("cell {idx}: `snapshot after` lacks `{key}`"));
    }
    if let Some(key) = c.stop.as_ref().and_then(|s| s.snapshot.missing()) {
        return l.err(format!("cell {idx}: `snapshot stop` lacks `{key}`"));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "irqdefer-results 2\nmeta capture scenario\nmeta kernel k\n\
                        meta boot normal\nmeta flavour f\nmeta accel kvm\nmeta vcpus 2\n\
                        meta cmdline\nmeta path.p0 mechanism=none softirq=none \
                        context=hardirq may_sleep=0 atomic=1 context_rt=hardirq \
                        may_sleep_rt=0 trace=none executor=hardirq sched=- sched_rt=- \
                        bound=1 merges=0 top_threadable=0\n";

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
    fn loads_and_groups() {
        assert_eq!(Load::parse("kbusy"), Some(Load::KernelBusy));
        assert_eq!(Load::KernelBusy.name(), "kbusy");
        assert_eq!(Load::parse("fifo51"), Some(Load::Fifo(51)));
        assert_eq!(Load::parse("fifo0"), None);
        assert_eq!(Load::parse("fifo100"), None);
        assert_eq!(Load::Fifo(49).name(), "fifo49");
        assert_eq!(Group::parse("rthog"), Some(Group::RtHog));
        assert_eq!(Group::parse("x"), None);
    }

    #[test]
    fn pressure_cell() {
        let snap = |ph: &str| {
            crate::snapshot::required()
                .map(|k| format!("snapshot {ph} p0 {k} 1\n"))
                .collect::<String>()
        };
        let cell = format!(
            "cell 1 1 p0 1000 fifo51 rthog\nwork_ns 5\nuptime before 1\nuptime stop 2\n\
             uptime after 3\n{}{}{}endcell 1\nend 1\n",
            snap("before"),
            snap("stop"),
            snap("after")
        );
        let r = parse_str("m", &format!("{HEAD}{cell}")).unwrap();
        let c = &r.cells[0];
        assert_eq!(
            (c.load, c.group, c.work_ns),
            (Load::Fifo(51), Group::RtHog, 5)
        );
        assert!(c.stop.is_some());
        let bad = cell.replace("rthog", "moon");
        let e = parse_str("m", &format!("{HEAD}{bad}")).unwrap_err();
        assert!(e.to_string().contains("group `moon`"), "{e}");
        let bad = cell.replace("work_ns 5\n", "work_ns 5\nwork_ns 6\n");
        let e = parse_str("m", &format!("{HEAD}{bad}")).unwrap_err();
        assert!(e.to_string().contains("duplicate `work_ns`"), "{e}");
        let bad = cell.replace("snapshot stop p0 lat_max 1\n", "");
        let e = parse_str("m", &format!("{HEAD}{bad}")).unwrap_err();
        assert!(
            e.to_string().contains("`snapshot stop` lacks `lat_max`"),
            "{e}"
        );
    }

    #[test]
    fn minimal_file() {
        let r = parse_str("m", &format!("{HEAD}end 0\n")).unwrap();
        assert!(r.cells.is_empty());
        assert_eq!(r.meta("cmdline"), "");
        assert_eq!(r.meta("raise_cpu"), "unknown");
        assert_eq!(r.header.registry.names(), ["p0"]);
        let e = parse_str("m", "irqdefer-results 2\nend 0\n").unwrap_err();
        assert_eq!(e.to_string(), "m:2: `meta capture` missing");
        let e = parse_str("m", &format!("{HEAD}end 0")).unwrap_err();
        assert_eq!(e.to_string(), "m:9: file ends without `end N` (truncated?)");
    }
}
