// SPDX-License-Identifier: GPL-2.0

//! What irqdefer shows: `/proc/irqdefer` and `/sys/kernel/debug/irqdefer/`.

pub(crate) mod controls;
pub(crate) mod debugfs;
pub(crate) mod parse;
pub(crate) mod procfs;
