#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loads that fail halfway: the Nth slab allocation of insmod fails
# (fault injection, /proc/self/fail-nth), for N = 1, 2, ... until loads
# succeed whole. Every load must end whole or with nothing left, while a
# reader keeps debugfs files open: module init must never fail after a
# file a user can hold open exists (the file would outlive the module).
# kmemleak (at the end of the run) and KASAN see what a failed load leaks
# or touches after freeing. Needs CONFIG_FAULT_INJECTION and FAILSLAB (the
# debug kernel).

. "$(dirname "$0")/lib.sh"

FAILSLAB=/sys/kernel/debug/failslab

ktap_print_header
[ -e /proc/self/fail-nth ] || ktap_skip_all "no fault injection in this kernel (CONFIG_FAULT_INJECTION)"
[ -d $FAILSLAB ] || ktap_skip_all "no slab fault injection in this kernel (CONFIG_FAILSLAB)"
ktap_set_plan 3

irqdefer_loaded && irqdefer_unload
# Fail GFP_KERNEL allocations too, and quietly (no stack per failure).
echo 0 > $FAILSLAB/ignore-gfp-wait
echo 0 > $FAILSLAB/verbose
cleanup() {
	touch /tmp/initfail.stop
	echo 1 > $FAILSLAB/ignore-gfp-wait
	wait
	irqdefer_loaded && irqdefer_unload
}
trap cleanup EXIT

# A reader holding a debugfs file open whenever one exists.
rm -f /tmp/initfail.stop
(
	while ! [ -e /tmp/initfail.stop ]; do
		sleep 0.02 < "$DBG/rate_hz" 2>/dev/null || sleep 0.01
	done
) &

files() { find "$DBG" -type f 2>/dev/null | wc -l; }
n=0 failed=0 partial=0 whole=0 run=0 bad=0 full_files=
while [ $run -lt 10 ] && [ $n -lt ${INITFAIL_MAX:-5000} ]; do
	n=$((n + 1))
	dmesg -c >/dev/null
	if sh -c "echo $n > /proc/self/fail-nth && exec insmod $KO" 2>/dev/null; then
		f=$(files)
		if dmesg | grep -q 'debugfs files could not be created'; then
			partial=$((partial + 1))
			run=0
		else
			whole=$((whole + 1))
			run=$((run + 1))
			full_files=$f
		fi
		irqdefer_unload || bad=$((bad + 1))
	else
		failed=$((failed + 1))
		run=0
	fi
	nothing_left || { ktap_print_msg "N=$n: something left after the load"; bad=$((bad + 1)); }
done
ktap_print_msg "N=1..$n: $failed loads failed, $partial loaded without some debugfs files, $whole whole ($full_files files)"
ktap_test_result "every failed load left nothing; every load unloaded" test $bad -eq 0
ktap_test_result "the sweep passed every allocation of a load (10 whole loads in a row)" test $run -eq 10
ktap_test_result "fault injection took effect: some loads failed" test $failed -gt 0

ktap_finished
