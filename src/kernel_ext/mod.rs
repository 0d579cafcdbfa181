// SPDX-License-Identifier: GPL-2.0

//! The thin layer over the kernel's C API that the 6.12 `kernel` crate
//! lacks. All of irqdefer's `unsafe` code lives here; each type is a small
//! safe abstraction shaped like its upstream Rust-for-Linux counterpart in
//! newer kernels, so that moving to those is a swap of imports.

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
pub(crate) mod tasklet;
pub(crate) mod time;
pub(crate) mod timer;
pub(crate) mod trace;
pub(crate) mod workqueue;
