// SPDX-License-Identifier: GPL-2.0

//! A task's name (`comm`, at most 16 bytes) packed into two 64-bit words,
//! so that the last one seen can be kept in two atomics, written from any
//! context without a lock. Two writers at once may leave a mix of their
//! names: the reader gets printable ASCII of at most 16 bytes either way.

/// The most bytes a packed name holds (`TASK_COMM_LEN`).
pub const LEN: usize = 16;

/// Packs a name in its buffer of [`LEN`] bytes, zero past its first NUL
/// (as the kernel's `strscpy` into a zeroed buffer leaves it; the bytes
/// past the NUL never show, see [`unpack`]): little-endian, with no loop
/// (the module packs the name of a task on every run counted as
/// `softirq_task` or `task_other`).
pub fn pack(bytes: &[u8; LEN]) -> [u64; 2] {
    let all = u128::from_le_bytes(*bytes);
    // The low and the high eight bytes: the truncation is the point.
    [all as u64, all.checked_shr(64).unwrap_or(0) as u64]
}

/// A name unpacked for display.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Name {
    bytes: [u8; LEN],
    len: usize,
}

impl Name {
    /// The name, up to its first NUL; a byte that is not printable ASCII
    /// reads as `?`, and a space as `_` (a name is one field of a
    /// `key value` line).
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..self.len).unwrap_or(&[]);
        // Printable ASCII only (see `unpack`): always valid UTF-8.
        core::str::from_utf8(bytes).unwrap_or("?")
    }
}

/// Unpacks what [`pack`] packed.
pub fn unpack(words: [u64; 2]) -> Name {
    let mut bytes = [0u8; LEN];
    let [lo, hi] = words;
    let all = lo.to_le_bytes().into_iter().chain(hi.to_le_bytes());
    for (dst, src) in bytes.iter_mut().zip(all) {
        *dst = src;
    }
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(LEN);
    for b in bytes.iter_mut().take(len) {
        if *b == b' ' {
            *b = b'_';
        } else if !b.is_ascii_graphic() {
            *b = b'?';
        }
    }
    Name { bytes, len }
}
