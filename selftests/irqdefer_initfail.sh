#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loads that fail halfway. Fault injection fails the Nth slab allocation
# made with module code on the stack (/proc/self/fail-nth, with failslab's
# stack filter set to the module area: irqdefer's init and what it calls).
# N takes values spread over the init (INITFAIL_N; a full sweep, every N
# up to INITFAIL_MAX, with INITFAIL_STEP=1: hours under KASAN and TCG).
# Busybox's insmod tries finit_module() and, when that fails,
# init_module(): the second try runs with the fault spent, so a load ends
# loaded either way; the log tells whether a fault hit the first. While
# each load runs, a reader keeps opening a debugfs file: module init must
# never fail after a file a user can hold open exists (the open file would
# outlive the module). Every load must end whole, or with nothing left;
# kmemleak (at the end of the run) and KASAN see what a failed load leaks
# or touches after freeing. Needs CONFIG_FAILSLAB and its stack filter
# (the debug kernel).

. "$(dirname "$0")/lib.sh"

FAILSLAB=/sys/kernel/debug/failslab
if [ -n "${INITFAIL_STEP:-}" ]; then
	N_LIST=$(seq "$INITFAIL_STEP" "$INITFAIL_STEP" "${INITFAIL_MAX:-3000}")
else
	N_LIST=${INITFAIL_N:-"1 2 3 5 8 13 21 34 55 89 144 233 377 610 987"}
fi
# x86_64's module area (MODULES_VADDR..MODULES_END).
MODULES_START=0xffffffffa0000000
MODULES_END=0xffffffffff000000

ktap_print_header
[ -e /proc/self/fail-nth ] || ktap_skip_all "no fault injection in this kernel (CONFIG_FAULT_INJECTION)"
[ -e $FAILSLAB/require-start ] ||
	ktap_skip_all "no slab fault injection with a stack filter (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"
[ "$(uname -m)" = x86_64 ] || ktap_skip_all "the module area is known here for x86_64 only"
ktap_set_plan 2

irqdefer_loaded && irqdefer_unload
# Fail GFP_KERNEL allocations too, only those made with module code on
# the stack, and say so in one line (no backtrace).
echo 0 > $FAILSLAB/ignore-gfp-wait
echo 1 > $FAILSLAB/verbose
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

injected=0 partial=0 whole=0 bad=0 loads=0 full_files=
for n in $N_LIST; do
	loads=$((loads + 1))
	dmesg -c >/dev/null
	rm -f /tmp/initfail.stop
	reader &
	sh -c "echo $n > /proc/self/fail-nth && exec insmod $KO" 2>/dev/null
	touch /tmp/initfail.stop
	wait
	hit=0
	dmesg | grep -q 'FAULT_INJECTION: forcing a failure' && hit=1
	injected=$((injected + hit))
	if irqdefer_loaded; then
		if dmesg | grep -q 'debugfs files could not be created'; then
			partial=$((partial + 1))
		else
			whole=$((whole + 1))
			full_files=$(files)
		fi
		irqdefer_unload || bad=$((bad + 1))
	fi
	nothing_left || { ktap_print_msg "N=$n: left after the load: $(left | tr '\n' ' ')"; bad=$((bad + 1)); }
done
ktap_print_msg "$loads loads (N = $(echo $N_LIST | cut -c1-60)...): a fault hit $injected; $partial loaded without some debugfs files, $whole whole ($full_files files)"
ktap_test_result "every load ended whole or left nothing, and unloaded" test $bad -eq 0
ktap_test_result "faults were injected into the init" test $injected -gt 0

ktap_finished
