# SPDX-License-Identifier: GPL-2.0
# Shared settings for irqdefer's host scripts. Source it; do not run it.

IRQDEFER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IRQDEFER_CACHE=${IRQDEFER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/irqdefer}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The kernel series the VM kernel is built from: KERNEL_SERIES=6.12 (the
# default: Debian 12's own linux-source-6.12) or 7.3 (linux-source-7.3 from
# Debian's trixie-backports, fetched into the cache by fetch_kernel_source,
# without touching the machine's apt sources). Per series: the suite it
# comes from (empty: the machine's own sources), the libclang that bindgen
# and `make rustavailable` use with gcc, and the LLVM of the clang-built
# debug flavour.
SUPPORTED_SERIES="6.12 7.3"
KERNEL_SERIES=${KERNEL_SERIES:-6.12}
case $KERNEL_SERIES in
6.12) KERNEL_SRC_SUITE= LIBCLANG_LLVM=14 CLANG_LLVM=16 ;;
# 7.3's rustavailable needs libclang >= 17.0.1: Debian 12 has 19.
7.3) KERNEL_SRC_SUITE=trixie-backports LIBCLANG_LLVM=19 CLANG_LLVM=19 ;;
*) die "unknown kernel series '$KERNEL_SERIES' (supported: $SUPPORTED_SERIES)" ;;
esac
# Where Debian's archive is (a series from another suite is fetched from it).
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ -z "$KERNEL_SRC_SUITE" ]; then
	KERNEL_SRC_TARBALL=/usr/src/linux-source-$KERNEL_SERIES.tar.xz
else
	KERNEL_SRC_DEBDIR=$IRQDEFER_CACHE/debs/linux-source-$KERNEL_SERIES
	KERNEL_SRC_TARBALL=$KERNEL_SRC_DEBDIR/usr/src/linux-source-$KERNEL_SERIES.tar.xz
fi

# The version of the series' source package: installed (6.12) or fetched.
kernel_src_version() {
	if [ -z "$KERNEL_SRC_SUITE" ]; then
		dpkg-query -W -f='${Version}' "linux-source-$KERNEL_SERIES" 2>/dev/null ||
			die "linux-source-$KERNEL_SERIES is not installed: run scripts/setup.sh"
	else
		cat "$KERNEL_SRC_DEBDIR/.irqdefer-version" 2>/dev/null ||
			die "linux-source-$KERNEL_SERIES is not fetched: run KERNEL_SERIES=$KERNEL_SERIES scripts/setup.sh"
	fi
}

# Fetch linux-source-$KERNEL_SERIES from $KERNEL_SRC_SUITE with apt, on a
# private sources list and private lists and caches under the cache
# directory (the machine's apt sources and state are left alone; apt checks
# the suite's signature with the installed Debian keyring), and unpack the
# .deb. Once unpacked, the series is not fetched again. If the suite no
# longer carries the series, say so and name the series it offers.
fetch_kernel_source() {
	[ -n "$KERNEL_SRC_SUITE" ] || return 0
	[ -f "$KERNEL_SRC_DEBDIR/.irqdefer-version" ] && [ -f "$KERNEL_SRC_TARBALL" ] && return 0
	local pkg=linux-source-$KERNEL_SERIES apt=$IRQDEFER_CACHE/apt/$KERNEL_SRC_SUITE
	local debs=$IRQDEFER_CACHE/debs ver deb offered
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$debs"
	echo "deb $DEBIAN_MIRROR $KERNEL_SRC_SUITE main" >"$apt/sources.list"
	local o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
	msg "fetching the package lists of $KERNEL_SRC_SUITE (private sources list: $apt/sources.list)"
	apt-get -q "${o[@]}" update >"$apt/update.log" 2>&1 ||
		{ cat "$apt/update.log" >&2; die "apt-get update of $KERNEL_SRC_SUITE failed"; }
	# apt-get update exits 0 when it cannot reach the archive (it warns):
	# without the suite's index, nothing can be said about the series.
	compgen -G "$apt/lists/*_dists_${KERNEL_SRC_SUITE}_*Packages*" >/dev/null || {
		grep -E '^(W|E):' "$apt/update.log" >&2
		die "could not read Debian's $KERNEL_SRC_SUITE index from $DEBIAN_MIRROR (above; DEBIAN_MIRROR= names another mirror): kernel series $KERNEL_SERIES cannot be fetched"
	}
	ver=$(apt-cache "${o[@]}" show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
	if [ -z "$ver" ]; then
		offered=$(apt-cache "${o[@]}" pkgnames linux-source- 2>/dev/null |
			sed -n 's/^linux-source-\([0-9][0-9.]*\)$/\1/p' | sort -V | paste -sd' ')
		die "Debian's $KERNEL_SRC_SUITE no longer carries $pkg (kernel series $KERNEL_SERIES); it offers: ${offered:-no linux-source package}. Supported here: $SUPPORTED_SERIES."
	fi
	msg "downloading $pkg $ver from $KERNEL_SRC_SUITE (about 170 MB)"
	(cd "$debs" && apt-get -q "${o[@]}" download "$pkg=$ver" >"$apt/download.log" 2>&1) ||
		{ cat "$apt/download.log" >&2; die "apt-get download $pkg=$ver failed"; }
	deb=$(ls -t "$debs/${pkg}_"*.deb | head -1)
	[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] || die "$deb is not $pkg $ver"
	msg "unpacking $deb"
	rm -rf "$KERNEL_SRC_DEBDIR"
	dpkg-deb -x "$deb" "$KERNEL_SRC_DEBDIR"
	[ -f "$KERNEL_SRC_TARBALL" ] || die "$deb has no ${KERNEL_SRC_TARBALL#"$KERNEL_SRC_DEBDIR"}"
	echo "$ver" >"$KERNEL_SRC_DEBDIR/.irqdefer-version"
}

# The toolchain the kernel must be built with (docs/building.md, "Toolchain
# and the kernel cache"); make's RUSTC=, BINDGEN=, RUST_LIB_SRC= replace these
# for the module's build (Makefile, KMAKE_ARGS).
BINDGEN_VERSION=0.73.2
RUSTC=/usr/bin/rustc
BINDGEN=$IRQDEFER_CACHE/tools/bin/bindgen
RUST_LIB_SRC=/usr/lib/rustlib/src/rust/library

# Kernel make arguments that select Debian's rustc, its library source and
# our bindgen rather than whatever rustup put first on PATH.
kmake_args() {
	printf '%s\n' "RUSTC=$RUSTC" "BINDGEN=$BINDGEN" \
		"RUST_LIB_SRC=$RUST_LIB_SRC" "HOSTRUSTC=$RUSTC"
}
