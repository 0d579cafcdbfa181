#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loads that fail halfway. Fault injection fails the Nth slab allocation
# made with module code on the stack (/proc/self/fail-nth, with failslab's
# stack filter set to the module area: irqdefer's init and what it calls),
# for N = 1, 2, ... until loads succeed whole. While each load runs, a
# reader keeps opening a debugfs file: module init must never fail after a
# file a user can hold open exists (the open file would outlive the
# module). Every load must end whole, or with nothing left; kmemleak (at
# the end of the run) and KASAN see what a failed load leaks or touches
# after freeing. Needs CONFIG_FAILSLAB and its stack filter (the debug
# kernel). INITFAIL_STEP (or irqdefer_initfail_step on the kernel command
# line) tries every STEP-th N: 2 in `make check`, 1 in `make torture`.

. "$(dirname "$0")/lib.sh"

FAILSLAB=/sys/kernel/debug/failslab
STEP=${INITFAIL_STEP:-${irqdefer_initfail_step:-2}}
MAX=${INITFAIL_MAX:-3000}
# x86_64's module area (MODULES_VADDR..MODULES_END).
MODULES_START=0xffffffffa0000000
MODULES_END=0xffffffffff000000

ktap_print_header
[ -e /proc/self/fail-nth ] || ktap_skip_all "no fault injection in this kernel (CONFIG_FAULT_INJECTION)"
[ -e $FAILSLAB/require-start ] ||
	ktap_skip_all "no slab fault injection with a stack filter (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"
[ "$(uname -m)" = x86_64 ] || ktap_skip_all "the module area is known here for x86_64 only"
ktap_set_plan 4

irqdefer_loaded && irqdefer_unload
# Fail GFP_KERNEL allocations too, quietly, and only those made with
# module code on the stack.
echo 0 > $FAILSLAB/ignore-gfp-wait
echo 0 > $FAILSLAB/verbose
echo $MODULES_START > $FAILSLAB/require-start
echo $MODULES_END > $FAILSLAB/require-end
echo 64 > $FAILSLAB/stacktrace-depth
cleanup() {
	touch /tmp/initfail.stop
	wait
	echo 1 > $FAILSLAB/ignore-gfp-wait
	echo 0 > $FAILSLAB/require-start
	echo 0 > $FAILSLAB/require-end
	irqdefer_loaded && irqdefer_unload
}
trap cleanup EXIT

files() { find "$DBG" -type f 2>/dev/null | wc -l; }
left() { # what of the module is left, if anything
	irqdefer_loaded && echo module
	test -e "$PROC" && echo /proc
	test -e "$DBG" && echo debugfs
	grep irqdefer /proc/interrupts
	ps | grep '[i]rqdefer-thread'
}
# While a load runs: open a debugfs file whenever it exists, hold it a
# little, again.
reader() {
	while ! [ -e /tmp/initfail.stop ]; do
		{ sleep 0.01 < "$DBG/rate_hz"; } 2>/dev/null
	done
}

n=0 failed=0 partial=0 whole=0 run=0 bad=0 held=0 full_files=
while [ $run -lt 5 ] && [ $n -lt "$MAX" ]; do
	n=$((n + STEP))
	dmesg -c >/dev/null
	rm -f /tmp/initfail.stop
	reader &
	if sh -c "echo $n > /proc/self/fail-nth && exec insmod $KO" 2>/dev/null; then
		touch /tmp/initfail.stop
		wait
		if dmesg | grep -q 'debugfs files could not be created'; then
			partial=$((partial + 1))
			run=0
		else
			whole=$((whole + 1))
			run=$((run + 1))
			full_files=$(files)
		fi
		irqdefer_unload || bad=$((bad + 1))
	else
		touch /tmp/initfail.stop
		wait
		failed=$((failed + 1))
		run=0
	fi
	[ $((n % (50 * STEP))) -eq 0 ] &&
		ktap_print_msg "N=$n: $failed failed, $partial partial, $whole whole so far"
	nothing_left || { ktap_print_msg "N=$n: left after the load: $(left | tr '\n' ' ')"; bad=$((bad + 1)); }
done
ktap_print_msg "N=$STEP..$n step $STEP: $failed loads failed, $partial loaded without some debugfs files, $whole whole ($full_files files)"
ktap_test_result "every failed load left nothing; every load unloaded" test $bad -eq 0
ktap_test_result "the sweep passed every allocation of the init (5 whole loads in a row)" test $run -eq 5
ktap_test_result "fault injection took effect: some loads failed" test $failed -gt 0
ktap_test_result "a load whose debugfs files failed still loaded, and unloaded" test $partial -gt 0

ktap_finished
