// SPDX-License-Identifier: GPL-2.0

//! `hardirq`: no bottom half. The top half does the work itself, in hard
//! interrupt context; the baseline every other path is compared with.

use super::{Core, PathId};
use crate::kernel_ext::irq::{self, Handler, IrqReturn};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The top half that is also the bottom half.
pub(crate) struct Hardirq {
    core: Arc<Core>,
}

impl Handler for Hardirq {
    fn handle(&self) -> IrqReturn {
        // Never pending: the run starts right here.
        if self.core.top_half(PathId::Hardirq) {
            self.core.bottom_half(PathId::Hardirq);
        }
        IrqReturn::Handled
    }
}

/// The registered path.
pub(crate) type Path = irq::Registration<Hardirq>;

/// Requests the `hardirq` line.
pub(crate) fn new(core: Arc<Core>) -> impl PinInit<Path, Error> {
    let irq = core.device.irq(PathId::Hardirq);
    irq::Registration::new(
        irq,
        irq::Flags::NONE,
        PathId::Hardirq.irq_name(),
        Hardirq { core },
    )
}
