// SPDX-License-Identifier: GPL-2.0

//! `hardirq`: no bottom half. The top half does the work itself, in hard
//! interrupt context; the baseline every other path is compared with.

use super::{register, Bottom, Core, Defer, PathId, Scheduled, Top};
use crate::kernel_ext::irq;
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

/// Requests the line of `path`.
pub(crate) fn new(core: Arc<Core>, path: PathId) -> Result<impl PinInit<Path, Error>> {
    let bottom = Bottom::new(core.clone(), path);
    Ok(register(core, path, Inline(bottom)))
}
