// SPDX-License-Identifier: GPL-2.0

//! A task's name (`comm`, at most 16 bytes) packed into two 64-bit words,
//! so that the last one seen can be kept in two atomics, written from any
//! context without a lock. Two writers at once may leave a mix of their
//! names: the reader gets printable ASCII of at most 16 bytes either way.

/// The most bytes a packed name holds (`TASK_COMM_LEN`).
pub const LEN: usize = 16;

/// Packs the first [`LEN`] bytes of `name` (little-endian, zero-padded).
pub fn pack(name: &[u8]) -> [u64; 2] {
    let mut bytes = [0u8; LEN];
    for (dst, src) in bytes.iter_mut().zip(name) {
        *dst = *src;
    }
    let (lo, hi) = bytes.split_at(LEN / 2);
    [word(lo), word(hi)]
}

fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    for (dst, src) in w.iter_mut().zip(bytes) {
        *dst = *src;
    }
    u64::from_le_bytes(w)
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
