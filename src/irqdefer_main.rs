// SPDX-License-Identifier: GPL-2.0

//! irqdefer: watch and compare, on a live kernel, how Linux defers
//! interrupt work.
//!
//! A virtual device ([`device`]) raises real interrupts; for each deferral
//! path ([`paths`]) a top half hands off to a bottom half, and
//! [`stats`] measures what ran, where, and how late. [`interface`] shows
//! it in `/proc/irqdefer` and `/sys/kernel/debug/irqdefer/`. All `unsafe`
//! code is in [`kernel_ext`].
//!
//! Nothing reachable from a file operation, a handler, a bottom half or a
//! timer may panic (in the kernel a panic is `BUG()`): the lints below
//! keep the classes of panic out, and an `#[allow]` of one says why the
//! case at hand cannot panic.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]

use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

mod device;
mod interface;
mod kernel_ext;
#[allow(unreachable_pub)] // src/logic's items are `pub` for its host test crate.
#[path = "logic/lib.rs"]
mod logic;
mod paths;
mod selfcost;
mod shared;
mod source;
mod stats;

use core::sync::atomic::Ordering::Relaxed;
use kernel_ext::params;
use kernel_ext::{cpuhp, debugfs, procfs};
use paths::PathId;
use shared::{Core, Settings};
use source::Source;

// 7.x's `module!` takes `authors:` (a list); 6.12's takes `author:`.
#[cfg(not(irqdefer_series_7))]
module! {
    type: IrqDefer,
    name: "irqdefer",
    author: "The irqdefer developers",
    description: "Measure how Linux defers interrupt work",
    license: "GPL",
}
// 7.x's also declares the integer parameters (`kernel::module_param`;
// `paths=`, a string, stays the shim's: 7.3 has no string parameter).
#[cfg(irqdefer_series_7)]
module! {
    type: IrqDefer,
    name: "irqdefer",
    authors: ["The irqdefer developers"],
    description: "Measure how Linux defers interrupt work",
    license: "GPL",
    params: {
        cpu: i32 {
            default: -1,
            description: "CPU to raise interrupts on, -1 for the caller's",
        },
        rate_hz: u32 {
            default: 0,
            description: "periodic interrupts per second on every path, 0 for none",
        },
        work_ns: u64 {
            default: 0,
            description: "busy work per bottom half, ns",
        },
        sleep_ms: u32 {
            default: 0,
            description: "msleep() per bottom half where sleeping is legal, ms",
        },
    },
}

/// The loaded module. Teardown: [`Drop::drop`] stops the periodic source;
/// then the fields drop in declaration order: the files (removal waits for
/// readers and writers inside them; a write between the stop and the
/// removal may start the source again, which the source's own drop, after
/// the files' last reference to it, cancels), the hotplug callbacks, the
/// source, the paths (each frees its IRQ, then drains
/// its bottom half: tasklets killed, work flushed, timers shut down, the
/// thread stopped), and the device last, with the final reference to
/// [`Core`].
struct IrqDefer {
    _debugfs: debugfs::Dir,
    _proc: procfs::Entry<interface::procfs::Summary>,
    _hotplug: Pin<KBox<cpuhp::Registration<Source>>>,
    source: Arc<Source>,
    _paths: Pin<KBox<paths::Paths>>,
    _core: Arc<Core>,
}

impl Drop for IrqDefer {
    fn drop(&mut self) {
        self.source.stop();
    }
}

/// `ERANGE`, with a message saying why, if `value` is past `max`.
fn check_max(name: &str, value: u64, max: u64) -> Result {
    if value > max {
        pr_err!("{}={}: at most {}\n", name, value, max);
        return Err(ERANGE);
    }
    Ok(())
}

/// The module parameters, checked, as the controls' defaults (the
/// controls without a parameter take their built-in default). A bad one
/// fails the load with a message saying why, before anything is created.
fn check_params() -> Result<source::Defaults> {
    let raw = params::paths();
    let active = interface::parse::parse_paths(raw).inspect_err(|_| {
        pr_err!(
            "paths={}: not a list of path names (or all)\n",
            core::str::from_utf8(raw).unwrap_or("?")
        )
    })?;
    let cpu = params::cpu();
    source::check_cpu(cpu).inspect_err(|_| pr_err!("cpu={}: not -1 or an online CPU\n", cpu))?;
    let rate_hz = params::rate_hz();
    check_max("rate_hz", rate_hz.into(), source::RATE_HZ_MAX.into())?;
    let work_ns = params::work_ns();
    check_max("work_ns", work_ns, source::WORK_NS_MAX)?;
    let sleep_ms = params::sleep_ms();
    check_max("sleep_ms", u64::from(sleep_ms), source::SLEEP_MS_MAX.into())?;
    Ok(source::Defaults {
        cpu,
        rate_hz,
        active,
        work_ns,
        sleep_ms,
        guard_pct: source::GUARD_PCT_DEFAULT,
        measure: true,
    })
}

impl kernel::Module for IrqDefer {
    fn init(module: &'static ThisModule) -> Result<Self> {
        if kernel_ext::cpu::nr_cpu_ids() > stats::MAX_CPUS {
            pr_err!(
                "{} CPUs, at most {} supported\n",
                kernel_ext::cpu::nr_cpu_ids(),
                stats::MAX_CPUS
            );
            return Err(EINVAL);
        }
        let defaults = check_params()?;
        let core = Arc::new(Core::new(Settings::new(&defaults))?, GFP_KERNEL)?;
        let paths = KBox::pin_init(paths::Paths::new(&core)?, GFP_KERNEL)?;
        // With the lines requested: where the IRQ core forces top halves
        // into threads shows on them.
        let settings = &core.settings;
        let work_ns = settings.work_ns.load(Relaxed);
        let active = settings.active.load(Relaxed);
        let (rate_hz, cpu) = (defaults.rate_hz, defaults.cpu);
        source::check_load(rate_hz, work_ns, active, core.model()).inspect_err(|_| {
            pr_err!(
                "rate_hz={} with work_ns={}: more than {} ns per second of work in atomic context on one CPU, or {} that no CFS task can preempt (hard interrupt context, SCHED_FIFO threads), on this kernel's preemption model\n",
                rate_hz,
                work_ns,
                source::BUSY_NS_PER_S_MAX,
                source::ABOVE_CFS_NS_PER_S_MAX
            )
        })?;
        let source = Arc::pin_init(Source::new(core.clone(), defaults), GFP_KERNEL)?;
        // Before the source starts: a CPU it is bound to may go offline
        // from then on.
        let hotplug = KBox::pin_init(
            cpuhp::Registration::new(c_str!("irqdefer:online"), source.clone())?,
            GFP_KERNEL,
        )?;
        source
            .set_rate(rate_hz)
            .inspect_err(|_| pr_err!("cpu={}: went offline during the load\n", cpu))?;
        let summary = Arc::new(interface::procfs::Summary::new(core.clone()), GFP_KERNEL)?;
        let proc = procfs::Entry::new(c_str!("irqdefer"), 0o444, summary)?;
        // Last, and nothing after it may fail: a debugfs file held open
        // must never see the module's init fail under it.
        let debugfs = interface::debugfs::create(&source, module)?;
        pr_info!(
            "loaded, {} paths on IRQs {}-{}\n",
            PathId::COUNT,
            core.device.irq(PathId::ALL[0]),
            core.device.irq(PathId::ALL[PathId::COUNT - 1])
        );
        Ok(IrqDefer {
            _debugfs: debugfs,
            _proc: proc,
            _hotplug: hotplug,
            source,
            _paths: paths,
            _core: core,
        })
    }
}
