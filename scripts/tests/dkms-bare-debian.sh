#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on a plain Debian 12, end to end: run by scripts/bare-debian.sh
# (which starts from a debootstrap with no rustup and no cargo) as
#
#   scripts/bare-debian.sh scripts/tests/dkms-bare-debian.sh [SERIES]
#
# The project's setup (Debian's rustc-web and cargo-web, bindgen-cli from
# crates.io), then Debian's dkms: dkms add, build and install irqdefer for
# the SERIES normal kernel (7.3 by default; its tree is the one
# scripts/kernel.sh built, given to dkms as the kernel source), then the
# module dkms built, booted in the VM: irqdefer_load.sh and
# irqdefer_install.sh. Exits non-zero at the first step that fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh

series=${1:-7.3}
export KERNEL_SERIES=$series
step() { printf '==> dkms-bare-debian: %s\n' "$*" >&2; }

step "the project's setup (scripts/setup.sh)"
scripts/setup.sh
step "cargo: $(command -v cargo) ($(cargo --version)); rustup: $(command -v rustup || echo none)"

tree=$(scripts/kernel.sh dir normal) || { scripts/kernel.sh build normal >/dev/null; tree=$(scripts/kernel.sh dir normal); }
release=$(cat "$tree/include/config/kernel.release")
step "kernel tree $tree, release $release"

# As a machine with that kernel installed has it: its modules directory
# and, as its headers package makes it, the build link to its tree.
mkdir -p "/lib/modules/$release"
ln -sfn "$tree" "/lib/modules/$release/build"

step "Debian's dkms"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dkms >/dev/null
version=$(awk -F'"' '/^PACKAGE_VERSION=/ { print $2 }' dkms.conf)
dkms remove "irqdefer/$version" --all >/dev/null 2>&1 || true
rm -rf "/usr/src/irqdefer-$version"

step "dkms add ."
dkms add .
step "dkms build irqdefer/$version -k $release --kernelsourcedir $tree"
dkms build "irqdefer/$version" -k "$release" --kernelsourcedir "$tree" ||
	{ cat "/var/lib/dkms/irqdefer/$version/build/make.log" 2>/dev/null | tail -40; exit 1; }
step "dkms install irqdefer/$version -k $release"
dkms install "irqdefer/$version" -k "$release" --kernelsourcedir "$tree"
dkms status irqdefer
installed=$(find "/lib/modules/$release" -name 'irqdefer.ko*' | head -1)
[ -n "$installed" ] || { echo "dkms-bare-debian: no irqdefer.ko under /lib/modules/$release" >&2; exit 1; }
step "installed: $installed, vermagic $(modinfo -F vermagic "$installed")"
modinfo -F vermagic "$installed" | grep -q "^$release " ||
	{ echo "dkms-bare-debian: $installed was not built for $release" >&2; exit 1; }

# The module dkms built and installed, in the VM.
step "the dkms-built module in the VM"
KO=$installed FLAVOUR=normal scripts/vm.sh test irqdefer_load.sh irqdefer_install.sh
dkms remove "irqdefer/$version" --all
step "done: dkms add, build, install, the module in the VM, dkms remove"
