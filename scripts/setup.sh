#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything irqdefer needs on a Debian 12 machine, from Debian's
# archive and crates.io only, for the kernel series KERNEL_SERIES (6.12 by
# default, or 7.3; see scripts/lib.sh). A series from another Debian suite
# (7.3: trixie-backports) is fetched into the cache, the machine's apt
# sources untouched. Idempotent: when all is present it prints one line and
# returns in well under a second.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# kernel build tools
	flex bison bc libelf-dev libssl-dev cpio kmod
	xz-utils make gcc perl python3 rsync
	# Rust for the kernel: a rustc whose library source is packaged, and
	# the cargo of that rustc (bindgen-cli, the report tool; rustup's, if
	# there is one, comes first on PATH and is used instead)
	rustc-web rust-web-src rust-web-clippy rustfmt-web cargo-web
	# the VM; libc6-dev: the guest's C helper (scripts/guest/hog.c) is static
	qemu-system-x86 busybox-static libc6-dev
	# make bench: cyclictest and perf (perf kwork beside irqdefer), packed
	# with their libraries into the initramfs
	rt-tests linux-perf
)
# Per series: the kernel source (when the machine's own sources carry it;
# else fetch_kernel_source), the libclang for bindgen, and the debug
# flavour's LLVM (KASAN with Rust needs a clang C compiler).
case $KERNEL_SERIES in
6.12) PACKAGES+=(linux-source-6.12 libclang-dev clang-16 lld-16 llvm-16) ;;
# 7.3's rustavailable needs libclang >= 17.0.1; Debian 12 has 19.
7.3) PACKAGES+=(libclang-19-dev clang-19 lld-19 llvm-19) ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

if ((${#missing[@]})); then
	msg "installing Debian packages: ${missing[*]}"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q >/dev/null
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! [ -x "$BINDGEN" ] || ! "$BINDGEN" --version 2>/dev/null | grep -q "$BINDGEN_VERSION"; then
	command -v cargo >/dev/null || die "cargo not found, though cargo-web is installed: is /usr/bin on PATH?"
	msg "building bindgen-cli $BINDGEN_VERSION from crates.io (about 2 minutes)"
	cargo install --quiet --locked --root "$IRQDEFER_CACHE/tools" \
		--version "$BINDGEN_VERSION" bindgen-cli
fi

fetch_kernel_source
[ -f "$KERNEL_SRC_TARBALL" ] || die "$KERNEL_SRC_TARBALL missing after install"
[ -d "$RUST_LIB_SRC/core" ] || die "$RUST_LIB_SRC has no core: is rust-web-src installed?"
msg "setup: all dependencies present (kernel series $KERNEL_SERIES)"
