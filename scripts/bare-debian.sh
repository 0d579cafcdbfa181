#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs a command in a plain Debian 12 made by debootstrap: no rustup, no
# cargo, nothing but the base system and the archive's usual sources
# (bookworm, bookworm-updates, bookworm-security). It shows that the
# project's own scripts install everything they need on such a machine.
#
#   scripts/bare-debian.sh [COMMAND...]
#
# The chroot is made once under IRQDEFER_CACHE (about 300 MB), then a
# fresh copy of it serves each run, so that every run starts bare. The
# clone's committed tree (git archive HEAD) is copied to /irqdefer in it.
# The kernel trees already built on this machine (IRQDEFER_CACHE's kernel/
# and src/) are bind-mounted, so that a run does not spend half an hour
# building kernels the host has: everything else (Debian packages,
# bindgen-cli, the report tool, the module, the VM) is the chroot's own.
# BARE_COLD=1 binds nothing: the run fetches Debian's kernel sources and
# builds every kernel itself, as on a machine that never ran irqdefer.
# Default COMMAND: make check on the 7.3 normal kernel. Root only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "bare-debian: run as root (debootstrap, chroot, mounts)"
(($#)) || set -- make check CHECK_KERNELS=7.3:normal

base=$IRQDEFER_CACHE/bare-debian12
if ! [ -x "$base/bin/sh" ]; then
	command -v debootstrap >/dev/null || {
		msg "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
	}
	msg "debootstrap: a minimal Debian 12 in $base (a few minutes)"
	rm -rf "$base.tmp"
	debootstrap --variant=minbase bookworm "$base.tmp" http://deb.debian.org/debian >/dev/null
	cat >"$base.tmp/etc/apt/sources.list" <<-EOF
		deb http://deb.debian.org/debian bookworm main
		deb http://deb.debian.org/debian bookworm-updates main
		deb http://deb.debian.org/debian-security bookworm-security main
	EOF
	mv "$base.tmp" "$base"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/irqdefer-bare.XXXXXX")
mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null || true
	done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
msg "a fresh copy of the chroot in $root"
cp -a "$base/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's own certificate authorities (a network that inspects TLS has
# one): the machine's network, not a dependency of the project.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
mkdir -p "$root/irqdefer" "$root/root/.cache/irqdefer/kernel" "$root/root/.cache/irqdefer/src"
git -C "$IRQDEFER_ROOT" archive HEAD | tar -x -C "$root/irqdefer"
bind() { # SRC DST
	mount --bind "$1" "$2"
	mounts+=("$2")
}
for d in proc sys dev dev/pts; do
	bind "/$d" "$root/$d"
done
if [ "${BARE_COLD:-0}" = 1 ]; then
	msg "cold: no kernel tree or source from this machine"
else
	for d in kernel src; do
		[ -d "$IRQDEFER_CACHE/$d" ] && bind "$IRQDEFER_CACHE/$d" "$root/root/.cache/irqdefer/$d"
	done
fi
# A kernel tree records its source by absolute path: the same path inside.
[ -d "$IRQDEFER_CACHE" ] && [ "$IRQDEFER_CACHE" != /root/.cache/irqdefer ] &&
	die "bare-debian: IRQDEFER_CACHE must be /root/.cache/irqdefer (the kernel trees name it)"

msg "in the chroot: apt-get install make git ca-certificates, then: $*"
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -c 'set -e
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends make git ca-certificates >/dev/null
		update-ca-certificates >/dev/null 2>&1
		cd /irqdefer
		echo "bare-debian: $(. /etc/os-release; echo "$PRETTY_NAME"); rustup: $(command -v rustup || echo none); cargo before setup: $(command -v cargo || echo none)"
		"$@"' _ "$@"
