#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cross-check with the kernel's own softirq counters: one softirq pass runs
# a given tasklet or work item at most once, so the /proc/softirqs delta of
# each softirq is at least the runs of each path it serves.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 5

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

for s in TASKLET HI TIMER HRTIMER; do eval "before_$s=$(softirq_count $s)"; done
echo 500 > "$DBG/trigger"
wait_for all_at_rest 30
for s in TASKLET HI TIMER HRTIMER; do
	eval "d_$s=\$(( $(softirq_count $s) - before_$s ))"
done

check() { # SOFTIRQ PATH
	eval "d=\$d_$1"
	e=$(snap "$2" executed)
	ktap_print_msg "$1 +$d, $2 executed $e"
	[ "$e" -gt 0 ] && [ "$d" -ge "$e" ]
}
ktap_test_result "TASKLET softirqs >= tasklet runs" check TASKLET tasklet
ktap_test_result "TASKLET softirqs >= bh_wq runs (system_bh_wq runs from TASKLET_SOFTIRQ)" check TASKLET bh_wq
ktap_test_result "HI softirqs >= tasklet_hi runs" check HI tasklet_hi
ktap_test_result "TIMER softirqs >= timer runs" check TIMER timer
ktap_test_result "HRTIMER softirqs >= hrtimer_soft runs" check HRTIMER hrtimer_soft

irqdefer_unload
ktap_finished
