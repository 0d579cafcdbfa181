// SPDX-License-Identifier: GPL-2.0

//! `bh_wq`: the top half queues work on `system_bh_wq` (since 6.9, the
//! replacement for tasklets): the work runs in softirq context, on the
//! queueing CPU, like a tasklet, but through the workqueue API.

use super::wq::{self, Target};
use super::PathId;
use crate::kernel_ext::workqueue::system_bh;
use crate::shared::Core;
use kernel::new_work;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The registered path: the `wq` machinery.
pub(crate) type Path = wq::Path;

/// Requests the line of `path`, on `system_bh_wq`.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    wq::with_target(
        core,
        path,
        Target::System(system_bh()),
        new_work!("irqdefer::bh_wq::Item::work"),
        wq::BH_WQ,
    )
}
