// SPDX-License-Identifier: GPL-2.0

//! irqdefer's pure logic: the arithmetic of the module that needs neither
//! the kernel nor an allocator, so that the host can test it.
//!
//! - [`stamp`]: the pending-request stamp, and latency across its wrap;
//! - [`context`]: where a bottom half ran (the context classes, their
//!   names, and the classification of a context sample);
//! - [`hist`]: the log2 latency histogram and its summary (count, mean,
//!   quantiles), tolerant of torn per-CPU reads;
//! - [`parse`]: the parsers of what users write to the control files;
//! - [`snapshot`]: the registry's fields and the per-path keys of the
//!   `snapshot` file, which the module writes and the host tool reads.
//!
//! These files are compiled twice: into the module, which mounts them with
//! `#[path = "logic/lib.rs"] mod logic;` in `src/irqdefer_main.rs`, and as
//! the host crate `irqdefer-logic` (`src/logic/Cargo.toml`), whose tests
//! (`cargo test` in `src/logic`) thus run the module's own code. The host
//! tool `scripts/irqdefer-report` depends on that crate too: it reads the
//! histogram and the context classes with the module's own code. They use
//! `core` only: no `std`, no `alloc`, no `kernel`.
//!
//! Everything here is reachable from file operations, IRQ handlers and
//! bottom halves, where a Rust panic is `BUG()`: nothing may panic, for any
//! input. No indexing, no `unwrap`, no arithmetic that can overflow or
//! divide by zero; the lints of `src/logic/Cargo.toml` (host) and of the
//! module crate keep it so.

#![deny(clippy::arithmetic_side_effects)]

pub mod context;
pub mod hist;
pub mod name;
pub mod parse;
pub mod snapshot;
pub mod stamp;
