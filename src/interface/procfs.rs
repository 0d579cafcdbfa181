// SPDX-License-Identifier: GPL-2.0

//! `/proc/irqdefer`: bottom-half runs per path and CPU, laid out like
//! `/proc/softirqs`.
//!
//! ```text
//!                     CPU0       CPU1
//!      hardirq:         12          0
//! ```

use crate::kernel_ext::cpu;
use crate::kernel_ext::procfs::Show;
use crate::kernel_ext::seq_file::{seq_print, SeqFile};
use crate::shared::Core;
use crate::stats::Field;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The content of `/proc/irqdefer`.
pub(crate) struct Summary {
    core: Arc<Core>,
}

impl Summary {
    /// A view of `core`.
    pub(crate) fn new(core: Arc<Core>) -> Self {
        Self { core }
    }
}

impl Show for Summary {
    fn show(&self, m: &mut SeqFile) -> Result {
        seq_print!(m, "                    ");
        for c in cpu::possible_cpus() {
            seq_print!(m, "CPU{:<8}", c);
        }
        seq_print!(m, "\n");
        for path in self.core.settings.active_paths() {
            let stats = self.core.stats(path);
            seq_print!(m, "{:>12}:", path.name());
            for c in cpu::possible_cpus() {
                seq_print!(m, " {:>10}", stats.on_cpu(c, Field::Executed));
            }
            seq_print!(m, "\n");
        }
        Ok(())
    }
}
