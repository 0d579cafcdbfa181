// SPDX-License-Identifier: GPL-2.0

//! `napi`, `napi_threaded`: the top half schedules a NAPI poll, as a network
//! driver's interrupt handler does (`napi_schedule()`); the poll runs the
//! bottom half as one unit of work, under its budget of 64, and completes.
//!
//! - `napi`: polled in `NET_RX_SOFTIRQ`, the busiest softirq on real
//!   systems, at interrupt exit or in `ksoftirqd/N`.
//! - `napi_threaded`: the same after `dev_set_threaded()` (what
//!   `/sys/class/net/<dev>/threaded` sets): polled by the kernel thread
//!   `napi/irqdefer-<id>` with bottom halves disabled, so in task context
//!   but neither preemptible nor allowed to sleep.
//!
//! A request that arrives while the poll runs is not merged: NAPI polls
//! again after it (`NAPI_STATE_MISSED`), see `kernel_ext::napi`.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::napi::{Napi, NapiHandler};
use crate::shared::Core;
use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

impl NapiHandler for Bottom {
    fn poll(&self) {
        self.run();
    }
}

impl Defer for Napi<Bottom> {
    fn schedule(&self) -> Scheduled {
        // `napi_schedule_prep()`'s claim of `NAPI_STATE_SCHED`: false if a
        // poll was scheduled and has not started.
        Scheduled::new_if(Napi::schedule(self))
    }
}

/// The registered path. The NAPI instance is disabled and deleted after
/// `free_irq()`.
pub(crate) type Path = irq::Registration<Top<Napi<Bottom>>>;

/// The dummy net device's name; a threaded instance's thread is
/// `napi/<name>-<id>` (published in the registry, `thread=`).
pub(crate) const DEVICE: &kernel::str::CStr = c_str!("irqdefer");

/// Who runs the poll: the registry's parameter.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Poll {
    /// `NET_RX_SOFTIRQ`.
    Softirq,
    /// The device's NAPI kernel thread (`dev_set_threaded()`).
    Threaded,
}

/// Requests the line of `path` and sets up its NAPI instance, polled by
/// `poll`.
pub(crate) fn new(core: Arc<Core>, path: PathId, poll: Poll) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    let napi = Napi::new(DEVICE, poll == Poll::Threaded, value(bottom));
    Ok(register(core, path, napi))
}
