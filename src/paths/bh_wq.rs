// SPDX-License-Identifier: GPL-2.0

//! `bh_wq`: the top half queues work on `system_bh_wq` (since 6.9, the
//! replacement for tasklets): the work runs in softirq context, on the
//! queueing CPU, like a tasklet, but through the workqueue API.

use super::wq::{self, Target};
use super::{Core, PathId};
use crate::kernel_ext::workqueue::system_bh;
use kernel::new_work;
use kernel::prelude::*;
use kernel::sync::Arc;

/// Requests the `bh_wq` line.
pub(crate) fn new(core: Arc<Core>) -> Result<impl PinInit<wq::Path, Error>> {
    wq::with_target(
        core,
        PathId::BhWq,
        Target::System(system_bh()),
        new_work!("irqdefer::bh_wq::Bottom::work"),
    )
}
