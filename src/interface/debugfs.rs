// SPDX-License-Identifier: GPL-2.0

//! `/sys/kernel/debug/irqdefer/`: controls and per-path readings.
//!
//! Controls are 0600, readings 0400; `available_paths` (the registry's
//! names) is 0444, as ftrace's `available_tracers`. Every control checks
//! its whole input before changing anything and fails with `EINVAL` (not a
//! value) or `ERANGE` (a value out of range).

use super::controls::{Control, CONTROLS};
use super::parse::{parse_choice, parse_u64};
use crate::kernel_ext::debugfs::{Attribute, Dir, DirId};
use crate::kernel_ext::seq_file::{seq_print, SeqFile};
use crate::kernel_ext::{context, cpu};
use crate::logic::snapshot::{Key, PathField};
use crate::paths::PathId;
use crate::selfcost;
use crate::shared::Core;
use crate::source::{self, Source};
use crate::stats::{Field, Flag, Where, HIST_BUCKETS};
use kernel::c_str;
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;
use kernel::ThisModule;

const CONTROL: u16 = 0o600;
const READING: u16 = 0o400;
/// The registry, readable by all, as ftrace's `available_tracers`.
const PUBLIC: u16 = 0o444;

/// A control of [`CONTROLS`]: its file.
struct ControlFile {
    source: Arc<Source>,
    control: &'static Control,
}

impl Attribute for ControlFile {
    fn show(&self, m: &mut SeqFile) -> Result {
        self.control.show(&self.source, m);
        Ok(())
    }

    fn store(&self, input: &[u8]) -> Result {
        self.control.store(&self.source, input)
    }
}

/// The top-level files that are not settings: actions and readings.
#[derive(Clone, Copy)]
enum Action {
    Trigger,
    Reset,
    Snapshot,
    AvailablePaths,
}

/// What `reset` takes: `1` zeroes the statistics; `defaults` first
/// restores every control's default.
const RESET: [(&[u8], bool); 2] = [(b"1", false), (b"defaults", true)];

struct ActionFile {
    source: Arc<Source>,
    kind: Action,
}

impl Attribute for ActionFile {
    fn show(&self, m: &mut SeqFile) -> Result {
        match self.kind {
            Action::Trigger | Action::Reset => {}
            Action::Snapshot => snapshot(&self.source, m),
            Action::AvailablePaths => {
                let mut sep = "";
                for path in PathId::ALL {
                    seq_print!(m, "{}{}", sep, path.name());
                    sep = " ";
                }
                seq_print!(m, "\n");
            }
        }
        Ok(())
    }

    fn store(&self, input: &[u8]) -> Result {
        match self.kind {
            Action::Trigger => self
                .source
                .trigger(parse_u64(input, 1, source::TRIGGER_MAX)?),
            Action::Reset => {
                // A number other than 1 is out of range, as before `defaults`.
                let defaults = match parse_choice(input, &RESET) {
                    Ok(defaults) => defaults,
                    Err(_) => parse_u64(input, 1, 1).map(|_| false)?,
                };
                if defaults {
                    self.source.reset_to_defaults()
                } else {
                    self.source.reset()
                }
            }
            Action::Snapshot | Action::AvailablePaths => Err(EPERM),
        }
    }
}

/// `selfcost`: write `N [EXTRA_NS]` to time what measuring costs, read the
/// figures ([`crate::selfcost`]).
struct SelfCostFile {
    core: Arc<Core>,
    results: selfcost::Results,
}

impl Attribute for SelfCostFile {
    fn show(&self, m: &mut SeqFile) -> Result {
        self.results.show(m);
        Ok(())
    }

    fn store(&self, input: &[u8]) -> Result {
        self.results.store(&self.core, input)
    }
}

/// The files of one path's directory.
#[derive(Clone, Copy)]
enum Reading {
    Raised,
    Executed,
    Coalesced,
    Latency,
    Histogram,
    Context,
    Cpus,
}

struct ReadingFile {
    core: Arc<Core>,
    path: PathId,
    kind: Reading,
}

impl Attribute for ReadingFile {
    fn show(&self, m: &mut SeqFile) -> Result {
        let s = self.core.stats(self.path);
        match self.kind {
            Reading::Raised => seq_print!(m, "{}\n", s.sum(Field::Raised)),
            Reading::Executed => seq_print!(m, "{}\n", s.sum(Field::Executed)),
            Reading::Coalesced => seq_print!(m, "{}\n", s.sum(Field::Coalesced)),
            Reading::Latency => {
                let l = s.latency();
                seq_print!(
                    m,
                    "{} {} {} {} {} {} {}\n",
                    l.min,
                    l.mean,
                    l.quantile(500),
                    l.quantile(900),
                    l.quantile(990),
                    l.quantile(999),
                    l.max
                );
            }
            Reading::Histogram => {
                let l = s.latency();
                for (i, n) in l.hist.iter().enumerate() {
                    let (lo, _) = crate::logic::hist::bounds(i);
                    seq_print!(m, "{} {}\n", lo, n);
                }
            }
            Reading::Context => {
                for w in Where::ALL {
                    seq_print!(m, "{} {}\n", w.name(), s.sum(Field::Where(w)));
                }
                for f in Flag::ALL {
                    seq_print!(m, "{} {}\n", f.name(), s.sum(Field::Flag(f)));
                }
                seq_print!(m, "{} {}\n", Key::SameCpu.name(), s.sum(Field::SameCpu));
                seq_print!(m, "{} {}\n", Key::MaxConcurrent.name(), s.max_running());
                let task = s.last_task();
                let task = if task.as_str().is_empty() {
                    "-"
                } else {
                    task.as_str()
                };
                seq_print!(m, "last_task {}\n", task);
            }
            Reading::Cpus => {
                for c in cpu::possible_cpus() {
                    seq_print!(m, "{} {}\n", c, s.on_cpu(c, Field::Executed));
                }
            }
        }
        Ok(())
    }
}

/// Whether PREEMPT_RT serializes softirqs with the per-CPU BH lock
/// (`local_bh_disable()` takes it; softirq handlers run under it): `yes`
/// on 6.12's RT, which always does; on 7.x's RT as
/// `PREEMPT_RT_NEEDS_BH_LOCK` says (default `no` since 6.18); `-` without
/// PREEMPT_RT, where the question does not arise.
fn bh_lock() -> &'static str {
    if !cfg!(CONFIG_PREEMPT_RT) {
        "-"
    } else if cfg!(not(irqdefer_series_7)) || cfg!(CONFIG_PREEMPT_RT_NEEDS_BH_LOCK) {
        "yes"
    } else {
        "no"
    }
}

/// One field of a `meta path.` line that is a yes or no: ` KEY=0|1`.
fn flag(m: &mut SeqFile, key: &str, value: bool) {
    seq_print!(m, " {}={}", key, u8::from(value));
}

/// `snapshot`: everything, for tools. First the kernel's preemption model
/// (`meta preempt <model>`, `meta bh_lock`), the load bounds and whether
/// top halves are forced into threads (`meta load`); the registry, one
/// line per path, `meta path.<name> KEY=VALUE...` ([`PathField`], whose
/// meanings docs/interfaces.md gives), and one line per control, `meta
/// control.<name> value=V default=D ...` ([`super::controls`]); then one
/// `path key value` line per reading ([`Key`]); last the periodic
/// source's, `source key value`.
fn snapshot(source: &Source, m: &mut SeqFile) {
    let core = source.core();
    seq_print!(m, "meta preempt {}\n", context::preempt_model());
    seq_print!(m, "meta bh_lock {}\n", bh_lock());
    let model = core.model();
    seq_print!(
        m,
        "meta load busy_ns_per_s={} above_cfs_ns_per_s={} forced_threads={}\n",
        source::BUSY_NS_PER_S_MAX,
        source::ABOVE_CFS_NS_PER_S_MAX,
        u8::from(model.forced_threads)
    );
    for path in PathId::ALL {
        let info = path.info();
        let irq = core.device.irq(path);
        seq_print!(m, "meta path.{}", path.name());
        for field in PathField::ALL {
            let key = field.name();
            match field {
                PathField::Mechanism => seq_print!(m, " {}={}", key, info.mechanism),
                PathField::Softirq => seq_print!(m, " {}={}", key, info.softirq.name()),
                PathField::Context => seq_print!(m, " {}={}", key, info.context.name()),
                PathField::MaySleep => flag(m, key, info.context.may_sleep()),
                PathField::Atomic => flag(m, key, info.context.atomic()),
                PathField::AboveCfs => flag(m, key, info.context.above_cfs()),
                PathField::ContextRt => seq_print!(m, " {}={}", key, info.context_rt.name()),
                PathField::MaySleepRt => flag(m, key, info.context_rt.may_sleep()),
                PathField::Trace => seq_print!(m, " {}={}", key, info.trace),
                PathField::AtomicNow => flag(m, key, info.atomic_on(model)),
                PathField::AboveCfsNow => flag(m, key, info.above_cfs_on(model)),
                PathField::Executor => seq_print!(m, " {}={}", key, info.executor),
                PathField::Thread => seq_print!(m, " {}={}", key, info.context.thread(irq)),
                PathField::Sched => seq_print!(m, " {}={}", key, info.context.sched()),
                PathField::ThreadRt => {
                    seq_print!(m, " {}={}", key, info.context_rt.thread(irq))
                }
                PathField::SchedRt => seq_print!(m, " {}={}", key, info.sched_rt()),
                PathField::Bound => flag(m, key, info.bound),
                PathField::Merges => flag(m, key, info.merges()),
                PathField::TopThreadable => flag(m, key, info.top_threadable()),
            }
        }
        seq_print!(m, "\n");
    }
    for control in &CONTROLS {
        control.publish(source, m);
    }
    for path in PathId::ALL {
        let name = path.name();
        let s = core.stats(path);
        let l = s.latency();
        for key in Key::ALL {
            let value = match key {
                Key::Irq => u64::from(core.device.irq(path)),
                Key::Injected => core.device.injected(path),
                Key::Raised => s.sum(Field::Raised),
                Key::Executed => s.sum(Field::Executed),
                Key::Coalesced => s.sum(Field::Coalesced),
                Key::SameCpu => s.sum(Field::SameCpu),
                Key::TopThreaded => s.sum(Field::TopThreaded),
                Key::Slept => s.sum(Field::Slept),
                Key::Active => u64::from(core.settings.is_active(path)),
                Key::Spurious => s.spurious(),
                Key::Mismatch => s.mismatch(),
                Key::MaxConcurrent => u64::from(s.max_running()),
                Key::LatCount => l.count,
                Key::LatMin => l.min,
                Key::LatMean => l.mean,
                Key::LatP50 | Key::LatP90 | Key::LatP99 | Key::LatP999 => {
                    key.permille().map_or(0, |pm| l.quantile(pm))
                }
                Key::LatMax => l.max,
            };
            seq_print!(m, "{} {} {}\n", name, key.name(), value);
        }
        for w in Where::ALL {
            seq_print!(m, "{} ctx_{} {}\n", name, w.name(), s.sum(Field::Where(w)));
        }
        for f in Flag::ALL {
            seq_print!(m, "{} ctx_{} {}\n", name, f.name(), s.sum(Field::Flag(f)));
        }
        for c in cpu::possible_cpus() {
            seq_print!(
                m,
                "{} cpu{}_executed {}\n",
                name,
                c,
                s.on_cpu(c, Field::Executed)
            );
        }
        for (i, &n) in l.hist.iter().enumerate().take(HIST_BUCKETS) {
            if n != 0 {
                seq_print!(m, "{} hist_{} {}\n", name, i, n);
            }
        }
    }
    let (skipped, holds) = source.held();
    seq_print!(m, "source skipped {}\n", skipped);
    seq_print!(m, "source holds {}\n", holds);
}

/// Creates the whole tree. Fails only if the directory cannot be made:
/// once a file exists, a user may hold it open, and module init must not
/// fail after that (an open file would outlive the module). A file that
/// cannot be made is reported in the kernel log and left out, as is the
/// kernel's rule for debugfs.
pub(crate) fn create(source: &Arc<Source>, module: &'static ThisModule) -> Result<Dir> {
    let core = source.core();
    let mut dir = Dir::new(c_str!("irqdefer"), module)?;
    let mut missing = 0u32;
    for control in &CONTROLS {
        let file = ControlFile {
            source: source.clone(),
            control,
        };
        if add(&mut dir, Dir::ROOT, control.name, CONTROL, file).is_err() {
            missing = missing.saturating_add(1);
        }
    }
    for (name, kind, mode) in [
        (c_str!("trigger"), Action::Trigger, CONTROL),
        (c_str!("reset"), Action::Reset, CONTROL),
        (c_str!("snapshot"), Action::Snapshot, READING),
        (c_str!("available_paths"), Action::AvailablePaths, PUBLIC),
    ] {
        let file = ActionFile {
            source: source.clone(),
            kind,
        };
        if add(&mut dir, Dir::ROOT, name, mode, file).is_err() {
            missing = missing.saturating_add(1);
        }
    }
    let file = SelfCostFile {
        core: core.clone(),
        results: selfcost::Results::new(),
    };
    if add(&mut dir, Dir::ROOT, c_str!("selfcost"), CONTROL, file).is_err() {
        missing = missing.saturating_add(1);
    }
    const READINGS: [(&CStr, Reading); 7] = [
        (c_str!("raised"), Reading::Raised),
        (c_str!("executed"), Reading::Executed),
        (c_str!("coalesced"), Reading::Coalesced),
        (c_str!("latency"), Reading::Latency),
        (c_str!("histogram"), Reading::Histogram),
        (c_str!("context"), Reading::Context),
        (c_str!("cpus"), Reading::Cpus),
    ];
    for path in PathId::ALL {
        let Ok(sub) = dir.subdir(Dir::ROOT, path.cname()) else {
            missing = missing.saturating_add(READINGS.len() as u32);
            continue;
        };
        for (name, kind) in READINGS {
            let file = ReadingFile {
                core: core.clone(),
                path,
                kind,
            };
            if add(&mut dir, sub, name, READING, file).is_err() {
                missing = missing.saturating_add(1);
            }
        }
    }
    if missing != 0 {
        pr_warn!("{} debugfs files could not be created\n", missing);
    }
    Ok(dir)
}

/// Adds one file that owns `data`.
fn add<T: Attribute + 'static>(
    dir: &mut Dir,
    parent: DirId,
    name: &CStr,
    mode: u16,
    data: T,
) -> Result {
    dir.file(parent, name, mode, Arc::new(data, GFP_KERNEL)?)
}
