// SPDX-License-Identifier: GPL-2.0

//! The pending-request stamp: one `u64` that a top half stores with a
//! compare-and-exchange and a bottom half takes with a swap.
//!
//! ```text
//!  63      62      61 .. 12                           11 .. 0
//! +-------+-------+------------------------------------+---------+
//! | 1     | timed | time: ns since load mod 2^50        | cpu     |
//! +-------+-------+------------------------------------+---------+
//! ```
//!
//! A stamp is `0` when no request is pending; every request has bit 63
//! ([`STAMPED`]) set, so it is never `0`. Bit 62 ([`TIMED`]) says whether
//! the request carries a time: a request made while not measuring does
//! not, and time `0` is a valid time.
//!
//! The time field holds the raising clock reading modulo [`WRAP_NS`]
//! (2^50 ns, about 13 days 0 h 45 min), and [`latency`] subtracts modulo
//! [`WRAP_NS`] too. So a latency is exact whatever the clock reads (after
//! 13, 26 or 1000 days since load, and across any wrap of the field), as
//! long as the latency itself is shorter than [`WRAP_NS`]; a longer one
//! reads modulo [`WRAP_NS`].

/// Bits of a stamp that hold the raising CPU.
pub const CPU_BITS: u32 = 12;
/// The highest CPU count a stamp can carry (CPUs `0..MAX_CPUS`). The module
/// refuses to load on a system with more.
pub const MAX_CPUS: u32 = 1 << CPU_BITS;
/// The CPU field of a stamp.
const CPU_MASK: u64 = (1 << CPU_BITS) - 1;
/// Bit 63: set in every request, so that a stamp is never `0`.
pub const STAMPED: u64 = 1 << 63;
/// Bit 62: set when the request carries a time.
pub const TIMED: u64 = 1 << 62;
/// Bits of the time field, between [`TIMED`] and the CPU field.
pub const TIME_BITS: u32 = 62 - CPU_BITS;
/// The wrap period of stamp times and the bound on measurable latencies:
/// 2^50 ns, 1,125,899.9 s, about 13 days 0 h 45 min.
pub const WRAP_NS: u64 = 1 << TIME_BITS;
/// The time field, before its shift: times are kept modulo [`WRAP_NS`].
pub const TIME_MASK: u64 = WRAP_NS - 1;

/// A pending request, unpacked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Request {
    /// The CPU that raised it (below [`MAX_CPUS`]).
    pub cpu: u32,
    /// When it was raised, modulo [`WRAP_NS`] (`now & TIME_MASK`), if timed.
    pub time: Option<u64>,
}

/// The stamp of a request raised on `cpu` at `now` (any clock reading, ns;
/// `None` when not measuring). `cpu` is kept modulo [`MAX_CPUS`]: callers
/// pass the current CPU, below [`MAX_CPUS`] on any system the module loads
/// on. Never `0`.
pub fn pack(cpu: u32, now: Option<u64>) -> u64 {
    let cpu = u64::from(cpu) & CPU_MASK;
    match now {
        Some(now) => STAMPED | TIMED | ((now & TIME_MASK) << CPU_BITS) | cpu,
        None => STAMPED | cpu,
    }
}

/// The request in `stamp`, or `None` if none is pending (`0`, or anything
/// without [`STAMPED`], which [`pack`] never returns).
pub fn unpack(stamp: u64) -> Option<Request> {
    if stamp & STAMPED == 0 {
        return None;
    }
    // Lossless: the value is masked to CPU_BITS (12) bits.
    let cpu = (stamp & CPU_MASK) as u32;
    let time = (stamp & TIMED != 0).then_some((stamp >> CPU_BITS) & TIME_MASK);
    Some(Request { cpu, time })
}

/// The latency, in ns, of a request stamped with time `t` (a
/// [`Request::time`]) and served at `now` (the same clock, unmasked):
/// `(now - t) mod WRAP_NS`. Exact whenever the true latency is below
/// [`WRAP_NS`], across any wrap of the clock or of the time field.
///
/// `now` must not precede the request: a request stamped `d` ns after
/// `now` was read (`0 < d < WRAP_NS`) reads as `WRAP_NS - d`.
pub fn latency(t: u64, now: u64) -> u64 {
    now.wrapping_sub(t) & TIME_MASK
}
