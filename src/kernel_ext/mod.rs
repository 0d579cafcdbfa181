// SPDX-License-Identifier: GPL-2.0

//! The thin layer over the kernel's C API that the 6.12 `kernel` crate
//! lacks. All of irqdefer's `unsafe` code lives here; each type is a small
//! safe abstraction shaped like its upstream Rust-for-Linux counterpart in
//! newer kernels, so that moving to those is a swap of imports.
//!
//! On 7.x (`cfg(irqdefer_series_7)`) the items 7.3's crate provides are
//! upstream's, re-exported or behind a thin adapter: `hrtimer`, the
//! integer `params`, `cpu::{nr_cpu_ids, current}`, `time::ktime_get_ns`,
//! `workqueue::system_bh`, `rcu_barrier` and `bug::warn`. Each file keeps
//! the two series side by side; `docs/porting-7.3.md` says why the rest
//! stays (`scripts/count-unsafe.sh` counts what each series compiles).

pub(crate) mod bug;
pub(crate) mod compat;
pub(crate) mod completion;
pub(crate) mod context;
pub(crate) mod cpu;
pub(crate) mod cpuhp;
pub(crate) mod debugfs;
mod ffi;
pub(crate) mod hrtimer;
pub(crate) mod irq;
pub(crate) mod irq_poll;
pub(crate) mod irq_sim;
pub(crate) mod irq_work;
pub(crate) mod kthread;
pub(crate) mod kthread_worker;
pub(crate) mod napi;
pub(crate) mod params;
pub(crate) mod percpu;
pub(crate) mod procfs;
pub(crate) mod rcu;
pub(crate) mod seq_file;
pub(crate) mod skb;
pub(crate) mod tasklet;
pub(crate) mod time;
pub(crate) mod timer;
pub(crate) mod trace;
pub(crate) mod workqueue;
