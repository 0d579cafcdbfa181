#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find, cached) a Rust-enabled kernel for irqdefer's VM from
# Debian's linux-source-6.12.
#
#   scripts/kernel.sh build    [normal|debug|rt]   build if needed, print the tree
#   scripts/kernel.sh dir      [normal|debug|rt]   print the tree if built, else fail
#   scripts/kernel.sh makeargs [normal|debug|rt]   the extra make arguments a
#                                                  module for that tree needs
#
# normal is built with gcc, CONFIG_PREEMPT with PREEMPT_DYNAMIC: one image
# boots preempt=none|voluntary|full. rt is the same base with PREEMPT_RT
# (gcc). debug (lockdep, KASAN, kmemleak, ...) is built
# with clang-16 (LLVM=-16), because 6.12's RUST allows KASAN only with a
# clang C compiler (Debian's clang-16, lld-16 and llvm-16, which setup.sh
# installs). Modules for it must be built with the same LLVM=-16.
# The tree lives in $IRQDEFER_CACHE/kernel/<flavour>-<key>, where the key
# hashes every input that changes the result: the kernel source package
# version, the config fragments, this recipe, and the versions of rustc,
# bindgen and the C compiler(s). Same inputs: nothing to do. Changed inputs:
# new tree, and the flavour's older trees are removed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1	# bump when the steps below change the result
cmd=${1:-build}
flavour=${2:-normal}

# bindgen takes the newest libclang it finds: pin the one matching the C
# compiler (14 is libclang-dev's, and what the gcc flavour is built with).
llvm=() libclang=/usr/lib/llvm-14/lib
case $flavour in
normal) fragments=(base.config) ;;
debug) fragments=(base.config debug.config kasan.config) llvm=(LLVM=-16) libclang=/usr/lib/llvm-16/lib ;;
rt) fragments=(base.config rt.config) ;;
*) die "unknown kernel flavour '$flavour' (normal, debug or rt)" ;;
esac
if [ "$cmd" = makeargs ]; then
	echo "${llvm[@]}"
	exit 0
fi
fragpaths=()
for f in "${fragments[@]}"; do fragpaths+=("$IRQDEFER_ROOT/scripts/config/$f"); done

src_version() {
	dpkg-query -W -f='${Version}' linux-source-$KERNEL_SERIES 2>/dev/null ||
		die "linux-source-$KERNEL_SERIES is not installed: run scripts/setup.sh"
}

key() {
	{
		echo "recipe $RECIPE $flavour"
		echo "source $(src_version)"
		cat "${fragpaths[@]}"
		"$RUSTC" --version
		"$BINDGEN" --version 2>/dev/null || echo "no bindgen"
		gcc --version | head -1
		if ((${#llvm[@]})); then clang-16 --version | head -1; fi
	} | sha256sum | cut -c1-16
}

# The clang flavour's compiler is part of its key.
if ((${#llvm[@]})) && ! command -v clang-16 ld.lld-16 llvm-ar-16 >/dev/null; then
	die "clang-16, lld-16 or llvm-16 missing (the $flavour flavour's compiler): run scripts/setup.sh"
fi

tree="$IRQDEFER_CACHE/kernel/$flavour-$(key)"
built() { [ -f "$tree/.irqdefer-built" ] && [ -f "$tree/arch/x86/boot/bzImage" ]; }

case $cmd in
dir)
	built || exit 1
	echo "$tree"
	exit 0
	;;
build) ;;
*) die "usage: $0 build|dir|makeargs [normal|debug|rt]" ;;
esac

if built; then
	msg "kernel ($flavour): cached at $tree"
	echo "$tree"
	exit 0
fi

# Extract the source once per package version; trees build out of it (O=).
ver=$(src_version)
src="$IRQDEFER_CACHE/src/linux-${ver//[^A-Za-z0-9.+-]/_}"
if ! [ -f "$src/.irqdefer-extracted" ]; then
	msg "extracting $KERNEL_SRC_TARBALL ($ver)"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$KERNEL_SRC_TARBALL" -C "$src" --strip-components=1
	touch "$src/.irqdefer-extracted"
fi

rm -rf "$tree"
mkdir -p "$tree"
log="$tree/build.log"
jobs=$(($(nproc) + 1))
mapfile -t kargs < <(kmake_args)
kmake() {
	PATH=/usr/bin:$PATH LIBCLANG_PATH=$libclang \
		make -C "$src" O="$tree" ARCH=x86_64 "${kargs[@]}" "${llvm[@]}" "$@"
}

fail() {
	echo >&2
	echo "---- last lines of $log ----" >&2
	grep -E -B2 -A6 'error|Error|\*\*\*' "$log" | tail -40 >&2 || tail -40 "$log" >&2
	die "$*"
}

msg "kernel ($flavour): configuring in $tree"
kmake tinyconfig >"$log" 2>&1 || fail "make tinyconfig failed"
kmake rustavailable >>"$log" 2>&1 || fail "Rust is not available to the kernel build (see above)"
(cd "$tree" && "$src/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "${fragpaths[@]}") \
	>>"$log" 2>&1 || fail "merge_config.sh failed"
kmake olddefconfig >>"$log" 2>&1 || fail "make olddefconfig failed"

# Every option asked for must have stuck; Kconfig drops them silently.
# A later fragment overrides an earlier one (as merge_config.sh does): the
# last value of each option is the one checked.
bad=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) ! grep -q "^${line%=n}=[ym]" "$tree/.config" || bad+=("$line") ;;
	CONFIG_*) grep -qx "$line" "$tree/.config" || bad+=("$line") ;;
	esac
done < <(awk -F= '/^CONFIG_/ { if (!($1 in v)) k[n++] = $1; v[$1] = $0 }
	END { for (i = 0; i < n; i++) print v[k[i]] }' "${fragpaths[@]}")
((${#bad[@]} == 0)) || die "options that did not stick after olddefconfig: ${bad[*]}"

msg "kernel ($flavour): building bzImage and modules with -j$jobs (on 2 cores about 7 minutes for normal, 15 for debug; log: $log)"
start=$SECONDS
kmake -j"$jobs" bzImage modules >>"$log" 2>&1 &
pid=$!
# Progress: a line every 20 seconds with the number of objects compiled.
while kill -0 $pid 2>/dev/null; do
	sleep 20
	kill -0 $pid 2>/dev/null || break
	n=$(grep -cE '^  (CC|RUSTC|AS|LD|AR)' "$log" || true)
	printf '    %4ds  %5d objects, last: %s\n' $((SECONDS - start)) "$n" \
		"$(grep -E '^  (CC|RUSTC|AS|LD|AR)' "$log" | tail -1 | sed 's/^ *//')" >&2
done
wait $pid || fail "kernel build failed"

touch "$tree/.irqdefer-built"
msg "kernel ($flavour): built in $((SECONDS - start)) s"
# Drop this flavour's trees for older inputs.
for old in "$IRQDEFER_CACHE/kernel/$flavour"-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
echo "$tree"
