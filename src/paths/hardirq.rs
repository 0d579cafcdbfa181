// SPDX-License-Identifier: GPL-2.0

//! `hardirq`, `hardirq_forced`: no bottom half. The top half does the
//! work itself.
//!
//! - `hardirq`: requested `IRQF_NO_THREAD`, so it stays in hard interrupt
//!   context on every model: the baseline every other path is compared
//!   with.
//! - `hardirq_forced`: the same handler requested as drivers normally do.
//!   Under forced IRQ threading (`threadirqs`, and always on PREEMPT_RT)
//!   the IRQ core runs it in a thread `irq/N-irqdefer-hardirq_forced`, with
//!   bottom halves disabled, and merges an interrupt that comes while the
//!   thread's wake-up is still pending: `/proc/interrupts` then counts
//!   more than the top halves.

use super::{register_with, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The "mechanism": the run, right there in the top half.
pub(crate) struct Inline(Bottom);

impl Defer for Inline {
    fn schedule(&self) -> Scheduled {
        // Never pending: the run starts and ends here.
        self.0.run();
        Scheduled::New
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Top<Inline>>;

/// Requests the line of `path` with `flags` (the registry's parameter:
/// `IRQF_NO_THREAD` keeps the top half in hard interrupt context even where
/// the IRQ core forces handlers into threads).
pub(crate) fn new(
    core: Arc<Core>,
    path: PathId,
    flags: irq::Flags,
) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register_with(core, path, flags, value(Inline(bottom))))
}
