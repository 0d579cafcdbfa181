// SPDX-License-Identifier: GPL-2.0

//! `rcu`: the top half queues an RCU callback with `call_rcu()`; it runs
//! once a grace period has passed (every CPU went through a quiescent
//! state), in `RCU_SOFTIRQ` with the VM kernel's configuration (no
//! `CONFIG_RCU_NOCB_CPU`, `rcutree.use_softirq=1`): milliseconds, not
//! microseconds, and that wait is the lesson.
//!
//! Coalescing: the path has one `rcu_head`, queued at most once at a time.
//! `call_rcu()` gives no answer, so the wrapper keeps its own flag: set
//! when the head is queued, cleared when its callback starts. A request
//! that finds it set merges into the callback waiting for its grace
//! period.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::rcu::{RcuCallback, RcuHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl RcuHandler for Bottom {
    fn run(&self) {
        Bottom::run(self);
    }
}

impl Defer for RcuCallback<Bottom> {
    fn schedule(&self) -> Scheduled {
        // The wrapper's flag: false if the head is queued and its callback
        // has not started.
        Scheduled::new_if(self.call())
    }
}

/// The registered path. `rcu_barrier()` waits for the callback after
/// `free_irq()`.
pub(crate) type Path = irq::Registration<Top<RcuCallback<Bottom>>>;

/// Requests the line of `path` with its RCU callback.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, RcuCallback::new(value(bottom))))
}
