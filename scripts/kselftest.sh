#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install irqdefer's selftests as a kselftest collection, by the kernel's
# own machinery:
#
#   scripts/kselftest.sh DEST
#
# A scratch copy of a kernel's tools/testing/selftests, reduced to what an
# install reads (its Makefile, lib.mk, kselftest/, run_kselftest.sh), gets
# selftests/ as its target irqdefer; its `make install TARGETS=irqdefer`
# then writes DEST as for any in-tree target: run_kselftest.sh,
# kselftest/runner.sh, kselftest-list.txt (irqdefer:<script> lines, from
# the target's emit_tests) and irqdefer/ (lib.mk's install: TEST_PROGS,
# TEST_FILES, config, settings). Run it with DEST/run_kselftest.sh
# [-c irqdefer | -t irqdefer:SCRIPT].
#
# KSFT_DIR: the kernel's tools/testing/selftests; by default that of the
# source of the project's KERNEL_SERIES normal kernel (scripts/kernel.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: kselftest.sh DEST"
dest=$(realpath -m "$1")
if [ -z "${KSFT_DIR:-}" ]; then
	tree=$("$IRQDEFER_ROOT/scripts/kernel.sh" dir normal) ||
		die "no kernel source: build one (make kernel) or pass KSFT_DIR=<linux>/tools/testing/selftests"
	KSFT_DIR=$(readlink -f "$tree/source" 2>/dev/null || echo "$tree")/tools/testing/selftests
fi
[ -f "$KSFT_DIR/lib.mk" ] && [ -f "$KSFT_DIR/run_kselftest.sh" ] ||
	die "$KSFT_DIR is not a kernel's tools/testing/selftests"
srctree=$(realpath "$KSFT_DIR/../../..")

stage=$(mktemp -d "${TMPDIR:-/tmp}/irqdefer-ksft.XXXXXX")
trap 'rm -rf "$stage"' EXIT
for f in Makefile lib.mk kselftest run_kselftest.sh; do
	ln -s "$KSFT_DIR/$f" "$stage/$f"
done
# A copy, not a link: the target's `include ../lib.mk` must find the stage.
cp -a "$IRQDEFER_ROOT/selftests" "$stage/irqdefer"
# Its TEST_FILES include ../samples/debugfs-tour.sh, which irqdefer_samples.sh runs.
cp -a "$IRQDEFER_ROOT/samples" "$stage/samples"
rm -rf "$dest"
env -u KSFT_DIR make -s -C "$stage" top_srcdir="$srctree" TARGETS=irqdefer \
	KSFT_INSTALL_PATH="$dest" install >/dev/null
[ -s "$dest/kselftest-list.txt" ] || die "the install wrote no kselftest-list.txt"
msg "kselftest install in $dest: $(wc -l <"$dest/kselftest-list.txt") tests (run_kselftest.sh -c irqdefer)"
