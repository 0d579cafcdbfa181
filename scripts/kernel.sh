#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find, cached) a Rust-enabled kernel for irqdefer's VM from
# Debian's linux-source-$KERNEL_SERIES (scripts/lib.sh: 6.12, the default,
# or 7.3).
#
#   scripts/kernel.sh build    [FLAVOUR]   build if needed, print the tree
#   scripts/kernel.sh dir      [FLAVOUR]   print the tree if built, else fail
#   scripts/kernel.sh makeargs [FLAVOUR]   the extra make arguments a module
#                                          for that tree needs
#
# Flavours (default normal), per series:
#   6.12  normal  gcc, CONFIG_PREEMPT with PREEMPT_DYNAMIC: one image boots
#                 preempt=none|voluntary|full
#         rt      the same base with PREEMPT_RT (gcc)
#         debug   lockdep, KASAN, kmemleak, ...; clang-16 (LLVM=-16), because
#                 RUST allows KASAN only with a clang C compiler
#   7.3   normal  gcc, PREEMPT_LAZY with PREEMPT_DYNAMIC: one image boots
#                 preempt=full|lazy (x86 has no none or voluntary in 7.3)
#         rt      PREEMPT_RT on that base (7.3 keeps PREEMPT_DYNAMIC with RT)
#         rt-bhlock  rt with PREEMPT_RT_NEEDS_BH_LOCK=y (softirqs serialized
#                 by the per-CPU BH lock, as before 6.18; a build option
#                 only, no boot parameter: a kernel of its own)
#         debug   as 6.12's, with clang-19 (LLVM=-19): 7.3 needs LLVM 17+
# Each series' gcc flavours run bindgen with its libclang (6.12: 14, 7.3:
# 19, which 7.3's rustavailable needs); the clang flavours with their
# clang's. Modules for a clang tree must be built with the same LLVM=.
# The tree lives in $IRQDEFER_CACHE/kernel/<flavour>-<key> (6.12) or
# <series>-<flavour>-<key>, where the key hashes every input that changes
# the result: the kernel source package version, the config fragments,
# this recipe, and the versions of rustc, bindgen and the C compiler(s)
# (and, for a series other than 6.12, the series and its libclang; 6.12's
# input is kept as it was, so its cached trees stay valid). Same inputs:
# nothing to do. Changed inputs: new tree, and the flavour's older trees
# are removed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1	# bump when the steps below change the result
cmd=${1:-build}
flavour=${2:-normal}

# bindgen takes the newest libclang it finds: pin the one matching the C
# compiler (for gcc, the series' LIBCLANG_LLVM; 6.12: 14, libclang-dev's).
llvm=() libclang_llvm=$LIBCLANG_LLVM
clang_llvm() { llvm=(LLVM=-$CLANG_LLVM) libclang_llvm=$CLANG_LLVM; }
case $KERNEL_SERIES/$flavour in
6.12/normal) fragments=(base.config) ;;
6.12/debug) fragments=(base.config debug.config kasan.config) && clang_llvm ;;
6.12/rt) fragments=(base.config rt.config) ;;
# 7.3: base.config, then the series' changes to it (7.3/base.config).
7.3/normal) fragments=(base.config 7.3/base.config) ;;
7.3/debug) fragments=(base.config 7.3/base.config debug.config kasan.config) && clang_llvm ;;
7.3/rt) fragments=(base.config 7.3/base.config 7.3/rt.config) ;;
7.3/rt-bhlock) fragments=(base.config 7.3/base.config 7.3/rt.config 7.3/rt-bhlock.config) ;;
*) die "no kernel flavour '$flavour' for series $KERNEL_SERIES (6.12: normal, debug, rt; 7.3: normal, debug, rt, rt-bhlock)" ;;
esac
libclang=/usr/lib/llvm-$libclang_llvm/lib
if [ "$cmd" = makeargs ]; then
	echo "${llvm[@]}" "LIBCLANG_PATH=$libclang"
	exit 0
fi
fragpaths=()
for f in "${fragments[@]}"; do fragpaths+=("$IRQDEFER_ROOT/scripts/config/$f"); done

src_version() { kernel_src_version; }

# 6.12's lines are exactly those of before series existed (its cached trees
# keep their keys); another series adds its name and its libclang's version.
key() {
	{
		echo "recipe $RECIPE $flavour"
		if [ "$KERNEL_SERIES" != 6.12 ]; then
			echo "series $KERNEL_SERIES"
			echo "libclang $(dpkg-query -W -f='${Version}' "libclang1-$libclang_llvm" 2>/dev/null)"
		fi
		echo "source $(src_version)"
		cat "${fragpaths[@]}"
		"$RUSTC" --version
		"$BINDGEN" --version 2>/dev/null || echo "no bindgen"
		gcc --version | head -1
		if ((${#llvm[@]})); then "clang-$CLANG_LLVM" --version | head -1; fi
	} | sha256sum | cut -c1-16
}

# The clang flavour's compiler is part of its key.
if ((${#llvm[@]})) && ! command -v "clang-$CLANG_LLVM" "ld.lld-$CLANG_LLVM" "llvm-ar-$CLANG_LLVM" >/dev/null; then
	die "clang-$CLANG_LLVM, lld-$CLANG_LLVM or llvm-$CLANG_LLVM missing (the $flavour flavour's compiler): run scripts/setup.sh"
fi

# A series from another suite is fetched first (its version is in the key).
[ "$cmd" != build ] || fetch_kernel_source

# 6.12's trees keep their names; another series' carry it as a prefix.
name=$flavour
[ "$KERNEL_SERIES" = 6.12 ] || name=$KERNEL_SERIES-$flavour
tree="$IRQDEFER_CACHE/kernel/$name-$(key)"
built() { [ -f "$tree/.irqdefer-built" ] && [ -f "$tree/arch/x86/boot/bzImage" ]; }

case $cmd in
dir)
	built || exit 1
	echo "$tree"
	exit 0
	;;
build) ;;
*) die "usage: $0 build|dir|makeargs [FLAVOUR]" ;;
esac

if built; then
	msg "kernel ($KERNEL_SERIES $flavour): cached at $tree"
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

msg "kernel ($KERNEL_SERIES $flavour): configuring in $tree"
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

msg "kernel ($KERNEL_SERIES $flavour): building bzImage and modules with -j$jobs (on 2 cores about 7 minutes for normal, 15 for debug; log: $log)"
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
msg "kernel ($KERNEL_SERIES $flavour): built in $((SECONDS - start)) s"
echo "$((SECONDS - start))" >"$tree/.irqdefer-build-seconds"
# Drop this flavour's trees for older inputs (the key is 16 characters: rt's
# pattern does not match rt-bhlock's trees, nor 6.12's another series').
for old in "$IRQDEFER_CACHE/kernel/$name"-????????????????; do
	[ -e "$old" ] || continue
	[ "$old" = "$tree" ] || rm -rf "$old"
done
echo "$tree"
