#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The samples a reader runs first work on this kernel: samples/debugfs-tour.sh
# (the interface end to end with echo, cat and grep) exits 0, that is, every
# step got the kernel's answer it says, and leaves nothing of the module
# behind. The tour is found beside this script (a kselftest install copies
# it there: TEST_FILES) or in the tree's samples/.

. "$(dirname "$0")/lib.sh"

ktap_print_header
tour=
for t in "$(dirname "$0")/debugfs-tour.sh" "$(dirname "$0")/../samples/debugfs-tour.sh"; do
	[ -f "$t" ] && tour=$t && break
done
[ -n "$tour" ] || ktap_skip_all "samples/debugfs-tour.sh is neither beside this script nor in ../samples"
irqdefer_loaded && ktap_skip_all "irqdefer is loaded already: the tour loads it itself"
ktap_set_plan 2

out=$(sh "$tour" "$KO" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
ktap_test_result "samples/debugfs-tour.sh exits 0 (got $rc): every step got the answer it says" \
	test "$rc" = 0
ktap_test_result "and leaves nothing of the module behind" nothing_left
# What it left, the next script must not find.
irqdefer_loaded && irqdefer_unload

ktap_finished
