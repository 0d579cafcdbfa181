# SPDX-License-Identifier: GPL-2.0
# Shared settings for irqdefer's host scripts. Source it; do not run it.

IRQDEFER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IRQDEFER_CACHE=${IRQDEFER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/irqdefer}

# The toolchain the kernel must be built with (see README, "Toolchain").
BINDGEN_VERSION=0.73.2
KERNEL_SERIES=6.12
KERNEL_SRC_TARBALL=/usr/src/linux-source-$KERNEL_SERIES.tar.xz
RUSTC=/usr/bin/rustc
BINDGEN=$IRQDEFER_CACHE/tools/bin/bindgen
RUST_LIB_SRC=/usr/lib/rustlib/src/rust/library

# Kernel make arguments that select Debian's rustc, its library source and
# our bindgen rather than whatever rustup put first on PATH.
kmake_args() {
	printf '%s\n' "RUSTC=$RUSTC" "BINDGEN=$BINDGEN" \
		"RUST_LIB_SRC=$RUST_LIB_SRC" "HOSTRUSTC=$RUSTC"
}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
