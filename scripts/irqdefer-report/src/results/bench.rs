// SPDX-License-Identifier: GPL-2.0

//! The body of a bench capture (`meta capture bench`): the records of
//! `scripts/guest/bench.sh`, one `KEY=VALUE` record a line, the compact
//! trace of each accuracy cell, and the end of each phase (docs/capture-format.md,
//! "Bench body").

use std::collections::BTreeMap;
use std::path::Path;

use super::{read, Capture, Header, Lines, MetaSpec, ParseError, Value};

/// The meta keys of a bench capture, besides the common ones.
pub const META: MetaSpec = &[
    ("what", true, Value::Words),
    ("phases", true, Value::Words),
    ("paths", true, Value::Words),
    ("clk_tck", true, Value::Int),
    ("rounds", true, Value::Int),
    ("max_steps", true, Value::Ints),
    ("max_ms", true, Value::Int),
    ("scale_n", true, Value::Ints),
    ("idle_ms", false, Value::Int),
    ("ov_ms", false, Value::Int),
    ("ov_rate", false, Value::Int),
    ("acc_rate", false, Value::Int),
    ("acc_ms", false, Value::Int),
    ("scale_rate", false, Value::Int),
    ("scale_ms", false, Value::Int),
    ("tsc_mhz", false, Value::Number),
    // The kernel's instruments beside irqdefer (issue 14): the overhead
    // phase's modes, the hist-trigger, timerlat and cyclictest phases.
    ("ov_modes", false, Value::Words),
    ("hist_rate", false, Value::Int),
    ("hist_ms", false, Value::Int),
    ("hist_bucket_ns", false, Value::Int),
    ("tl_path", false, Value::Words),
    ("tl_period_us", false, Value::Int),
    ("tl_ms", false, Value::Int),
    ("cyc_paths", false, Value::Words),
    ("cyc_interval_us", false, Value::Int),
    ("cyc_ms", false, Value::Int),
    ("cyclictest", false, Value::Text),
    // The module's self-timing (issue 24): iterations per part and class.
    ("cost_iterations", false, Value::Int),
    // perf kwork beside irqdefer (phase kwork): its rate, window, perf.
    ("kw_paths", false, Value::Words),
    ("kw_rate", false, Value::Int),
    ("kw_ms", false, Value::Int),
    ("perf", false, Value::Text),
];

/// The kinds of data record, and the keys each must carry.
pub const RECORDS: &[(&str, &[&str])] = &[
    ("idle", &["round", "ms", WINDOW]),
    ("ov", &["round", "path", "mode", "rate", WINDOW, COUNTS]),
    (
        "max",
        &[
            "path", "rate", "try", WINDOW, COUNTS, "r100", "e100", "c100",
        ],
    ),
    ("scale", &["n", "paths", "rate", WINDOW, COUNTS]),
    (
        "acc",
        &["path", "irq", "rate", "ms", WINDOW, COUNTS, "overrun"],
    ),
    ("fn", &["path", "id", "name"]),
    ("endtrace", &["path", "lines"]),
    ("inst", &["path", "trace", "hist", "key"]),
    (
        "hist",
        &["path", "rate", "ms", WINDOW, COUNTS, "hits", "drops"],
    ),
    ("hb", &["cell", "src", "lo", "hi", "count"]),
    ("tl", &["run", "path", "period_us", "ms", WINDOW, COUNTS]),
    ("tls", &["run", "seq", "irq", "thread"]),
    ("cost", &["class", "component", "net"]),
    (
        "kw",
        &[
            "run", "path", "kinds", "rate", "ms", WINDOW, COUNTS, "lmean",
        ],
    ),
    (
        "kwl",
        &["path", "kind", "name", "cpu", "count", "avg_ns", "max_ns"],
    ),
    (
        "cyc",
        &[
            "run",
            "tool",
            "path",
            "policy",
            "prio",
            "interval_us",
            "ms",
            WINDOW,
            COUNTS,
        ],
    ),
];

/// Stands for the window's keys in [`RECORDS`].
const WINDOW: &str = "<window>";
/// Stands for the counters' keys in [`RECORDS`].
const COUNTS: &str = "<counts>";
/// The window's edges: uptime, idle and busy ticks, before and after.
pub const WINDOW_KEYS: &[&str] = &["up0", "up1", "idle0", "idle1", "busy0", "busy1"];
/// The module's counters, summed over the record's paths.
pub const COUNT_KEYS: &[&str] = &["raised", "executed", "coalesced", "lat_count", "lat_p50"];
/// Keys whose value is a word, not a number.
const STRINGS: &[&str] = &[
    "path",
    "mode",
    "paths",
    "name",
    "trace",
    "hist",
    "chain",
    "key",
    "cell",
    "src",
    "run",
    "tool",
    "policy",
    "class",
    "component",
    "kinds",
    "kind",
];
/// Keys whose value is a decimal number (seconds; `cost`'s ns).
const FLOATS: &[&str] = &["up0", "up1", "ns", "net"];

/// A record's `KEY=VALUE` fields, read by type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `file:line`, for the sanity checks' messages.
    pub at: String,
    fields: BTreeMap<String, Field>,
}

#[derive(Debug, Clone, PartialEq)]
enum Field {
    Int(i64),
    Float(f64),
    Word(String),
}

impl Record {
    /// An integer field (0 if absent: required keys were checked).
    pub fn int(&self, key: &str) -> i64 {
        match self.fields.get(key) {
            Some(Field::Int(v)) => *v,
            _ => 0,
        }
    }

    /// An optional integer field.
    pub fn opt(&self, key: &str) -> Option<i64> {
        match self.fields.get(key) {
            Some(Field::Int(v)) => Some(*v),
            _ => None,
        }
    }

    /// A numeric field as a float (integer or decimal).
    pub fn num(&self, key: &str) -> f64 {
        match self.fields.get(key) {
            Some(Field::Int(v)) => *v as f64,
            Some(Field::Float(v)) => *v,
            _ => 0.0,
        }
    }

    /// A word field ("" if absent).
    pub fn word(&self, key: &str) -> &str {
        match self.fields.get(key) {
            Some(Field::Word(v)) => v,
            _ => "",
        }
    }
}

/// A compact trace event's kind (`tr CPU TS PID KIND ARGS...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// `irq IRQ`: `irq:irq_handler_entry`.
    Irq,
    /// `raise PATH IRQ STAMPED`: `irqdefer:irqdefer_raise`.
    Raise,
    /// `run PATH RAISED_ON NS`: `irqdefer:irqdefer_run`.
    Run,
    /// `tasklet FN`: `irq:tasklet_entry`.
    Tasklet,
    /// `work FN`: `workqueue:workqueue_execute_start`.
    Work,
    /// `timer FN`: `timer:timer_expire_entry`.
    Timer,
    /// `hrtimer FN`: `timer:hrtimer_expire_entry`.
    Hrtimer,
    /// `switch NEXT_PID`: `sched:sched_switch`.
    Switch,
    /// `wakeup PID`: `sched:sched_wakeup`.
    Wakeup,
    /// `irqwork VECTOR`: `irq_vectors:irq_work_entry`.
    IrqWork,
    /// `kwork FN`: `sched:sched_kthread_work_execute_start`.
    KWork,
}

impl EventKind {
    /// Every kind, with its compact name and the kernel event it stands
    /// for (`group:event`).
    pub const ALL: [(EventKind, &'static str, &'static str); 11] = [
        (EventKind::Irq, "irq", "irq:irq_handler_entry"),
        (EventKind::Raise, "raise", "irqdefer:irqdefer_raise"),
        (EventKind::Run, "run", "irqdefer:irqdefer_run"),
        (EventKind::Tasklet, "tasklet", "irq:tasklet_entry"),
        (EventKind::Work, "work", "workqueue:workqueue_execute_start"),
        (EventKind::Timer, "timer", "timer:timer_expire_entry"),
        (EventKind::Hrtimer, "hrtimer", "timer:hrtimer_expire_entry"),
        (EventKind::Switch, "switch", "sched:sched_switch"),
        (EventKind::Wakeup, "wakeup", "sched:sched_wakeup"),
        (EventKind::IrqWork, "irqwork", "irq_vectors:irq_work_entry"),
        (
            EventKind::KWork,
            "kwork",
            "sched:sched_kthread_work_execute_start",
        ),
    ];

    /// The kind of a compact name.
    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL
            .iter()
            .find(|(_, n, _)| *n == s)
            .map(|(k, _, _)| *k)
    }

    /// The kind standing for a kernel event (`group:event`, as the
    /// registry's `trace=` names it).
    pub fn of_event(event: &str) -> Option<EventKind> {
        Self::ALL
            .iter()
            .find(|(_, _, e)| *e == event)
            .map(|(k, _, _)| *k)
    }

    /// The kernel event's name, as the report calls it.
    pub fn event_name(self) -> &'static str {
        match self {
            EventKind::Switch => "sched_switch to the thread",
            k => Self::ALL
                .iter()
                .find(|(x, _, _)| *x == k)
                .and_then(|(_, _, e)| e.split(':').nth(1))
                .unwrap_or("?"),
        }
    }

    /// Whether its argument is a function id (an `fn` record names it).
    pub fn takes_function(self) -> bool {
        matches!(
            self,
            EventKind::Tasklet
                | EventKind::Work
                | EventKind::Timer
                | EventKind::Hrtimer
                | EventKind::KWork
        )
    }
}

/// One compact trace event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The CPU it was traced on.
    pub cpu: i64,
    /// Its timestamp, in trace-clock cycles.
    pub ts: i64,
    /// The task it was traced in.
    pub pid: i64,
    /// What it is.
    pub kind: EventKind,
    /// `raise` and `run`: the path.
    pub path: String,
    /// The numeric arguments: `raise` IRQ STAMPED; `run` RAISED_ON NS;
    /// the others their one argument.
    pub args: Vec<i64>,
}

impl Event {
    /// A numeric argument (0 past the end: the parser checked the arity).
    pub fn arg(&self, i: usize) -> i64 {
        self.args.get(i).copied().unwrap_or(0)
    }
}

/// One bench capture: one boot.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    /// The header: file, meta (a `meta` record after the body's start is
    /// added), registry.
    pub header: Header,
    /// The data records, by kind, in file order.
    pub records: BTreeMap<&'static str, Vec<Record>>,
    /// Each accuracy cell's trace, by path.
    pub traces: BTreeMap<String, Vec<Event>>,
}

impl Bench {
    /// The file as named on the command line.
    pub fn name(&self) -> &str {
        &self.header.file
    }

    /// The records of a kind.
    pub fn records(&self, kind: &str) -> &[Record] {
        self.records.get(kind).map_or(&[], Vec::as_slice)
    }
}

/// Reads and parses a bench capture.
pub fn parse_file(path: &Path) -> Result<Bench, ParseError> {
    let (name, text) = read(path)?;
    parse_str(&name, &text)
}

/// Parses a `tr CPU TS PID KIND ARGS...` record.
fn event(l: &Lines<'_>, raw: &str, t: &[&str]) -> Result<Event, ParseError> {
    let malformed = || l.err(format!("malformed trace event `{}`", raw.trim()));
    let Some(kind) = t.get(4).and_then(|k| EventKind::parse(k)) else {
        return malformed();
    };
    let arity = match kind {
        EventKind::Raise | EventKind::Run => 3,
        _ => 1,
    };
    if t.len() != 5 + arity {
        return malformed();
    }
    let int = |s: &str| {
        s.parse::<i64>()
            .or_else(|_| l.err(format!("non-numeric field in trace event `{}`", raw.trim())))
    };
    let has_path = matches!(kind, EventKind::Raise | EventKind::Run);
    let mut args = Vec::new();
    for a in &t[if has_path { 6 } else { 5 }..] {
        args.push(int(a)?);
    }
    Ok(Event {
        cpu: int(t[1])?,
        ts: int(t[2])?,
        pid: int(t[3])?,
        kind,
        path: if has_path {
            t[5].to_string()
        } else {
            String::new()
        },
        args,
    })
}

/// Parses a data record's `KEY=VALUE` fields and checks its keys.
fn record(l: &Lines<'_>, rec: &str, t: &[&str]) -> Result<Record, ParseError> {
    let mut fields = BTreeMap::new();
    for tok in &t[1..] {
        let Some((k, v)) = tok.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return l.err(format!("{rec}: expected key=value, got '{tok}'"));
        };
        let f = if STRINGS.contains(&k) {
            Field::Word(v.to_string())
        } else if FLOATS.contains(&k) {
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Field::Float(x),
                _ => return l.err(format!("{k}='{v}' is not a number")),
            }
        } else {
            match v.parse::<i64>() {
                Ok(x) => Field::Int(x),
                Err(_) => return l.err(format!("{k}='{v}' is not a number")),
            }
        };
        fields.insert(k.to_string(), f);
    }
    let required = RECORDS
        .iter()
        .find(|(r, _)| *r == rec)
        .map_or(&[][..], |(_, keys)| keys);
    let missing: Vec<&str> = required
        .iter()
        .flat_map(|k| match *k {
            WINDOW => WINDOW_KEYS,
            COUNTS => COUNT_KEYS,
            _ => std::slice::from_ref(k),
        })
        .filter(|k| !fields.contains_key(**k))
        .copied()
        .collect();
    if !missing.is_empty() {
        return l.err(format!("{rec} record lacks {}", missing.join(", ")));
    }
    Ok(Record {
        at: format!("{}:{}", l.file(), l.line),
        fields,
    })
}

/// Parses the text of a bench capture; `file` names it in errors.
pub fn parse_str(file: &str, text: &str) -> Result<Bench, ParseError> {
    let mut l = Lines::new(file, text);
    let mut header = Header::read(&mut l, Capture::Bench, META)?;
    let mut records: BTreeMap<&'static str, Vec<Record>> = BTreeMap::new();
    let mut traces: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    let mut ends: Vec<String> = Vec::new();
    let mut acc: Option<String> = None;
    let mut all = false;
    while let Some((raw, t)) = l.next_record() {
        if all {
            return l.err(format!("record `{}` after `end all`", t[0]));
        }
        match t[0] {
            // Values known only at the end (tsc_mhz).
            "meta" => header.meta.record(&l, raw, &t)?,
            "tr" => {
                let Some(path) = &acc else {
                    return l.err("trace event outside an accuracy cell");
                };
                let e = event(&l, raw, &t)?;
                traces.entry(path.clone()).or_default().push(e);
            }
            "end" => {
                let what = t.get(1).copied().unwrap_or("");
                if let Some(p) = &acc {
                    return l.err(format!(
                        "`end {what}` inside {p}'s trace: missing `endtrace`"
                    ));
                }
                all = what == "all";
                ends.push(what.to_string());
            }
            rec => {
                let Some((kind, _)) = RECORDS.iter().find(|(r, _)| *r == rec) else {
                    return l.err(format!("unknown record '{rec}'"));
                };
                let r = record(&l, rec, &t)?;
                match rec {
                    "acc" => {
                        if let Some(p) = &acc {
                            return l
                                .err(format!("acc while {p}'s trace is open: missing `endtrace`"));
                        }
                        let path = r.word("path").to_string();
                        if traces.insert(path.clone(), Vec::new()).is_some() {
                            return l.err(format!("a second accuracy cell for {path}"));
                        }
                        acc = Some(path);
                    }
                    "endtrace" => {
                        let path = r.word("path");
                        if acc.as_deref() != Some(path) {
                            return l.err(format!(
                                "endtrace for {path} inside {}'s cell",
                                acc.as_deref().unwrap_or("no")
                            ));
                        }
                        let n = traces.get(path).map_or(0, Vec::len);
                        if r.int("lines") != n as i64 {
                            return l.err(format!(
                                "{path}'s trace has {n} events, the guest wrote {}: truncated",
                                r.int("lines")
                            ));
                        }
                        acc = None;
                    }
                    _ => {}
                }
                records.entry(kind).or_default().push(r);
            }
        }
    }
    if !all {
        return l.err("no final `end all`: the results are truncated (the guest stopped early?)");
    }
    let meta = &header.meta;
    meta.check(&l, META, l.line)?;
    for ph in meta.words("phases") {
        if !ends.iter().any(|e| *e == format!("phase={ph}")) {
            return l.err(format!("phase {ph} did not finish"));
        }
    }
    for p in meta.words("paths") {
        if header.registry.get(p).is_none() {
            return l.err_at(
                meta.line("paths").unwrap_or(l.line),
                format!(
                    "meta paths: `{p}` is not in the module's registry (the `meta path.<name>` \
                 records)"
                ),
            );
        }
    }
    Ok(Bench {
        header,
        records,
        traces,
    })
}
