// SPDX-License-Identifier: GPL-2.0

//! `net_tx`: the top half completes a sent packet, as a network driver's
//! interrupt handler does (`dev_kfree_skb_irq()`); `NET_TX_SOFTIRQ` frees
//! it on the CPU that completed it, at interrupt exit or in `ksoftirqd/N`,
//! and the skb's destructor runs the bottom half.
//!
//! Each completion is an skb of its own: the kernel never merges them
//! (irqdefer's own stamp does, before asking), see `kernel_ext::skb`.

use super::{register, Bottom, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::compat::value;
use crate::kernel_ext::irq;
use crate::kernel_ext::skb::{TxCompletion, TxHandler};
use crate::shared::Core;
use kernel::prelude::*;
use kernel::sync::Arc;

impl TxHandler for Bottom {
    fn completed(&self) {
        self.run();
    }
}

impl Defer for TxCompletion<Bottom> {
    fn schedule(&self) -> Scheduled {
        // Queued for the softirq, or (no memory for an skb) run here: new
        // either way.
        self.complete();
        Scheduled::New
    }
}

/// The registered path. Its queued skbs are freed after `free_irq()`.
pub(crate) type Path = irq::Registration<Top<TxCompletion<Bottom>>>;

/// Requests the line of `path` and sets up its transmit completion.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, TxCompletion::new(value(bottom))))
}
