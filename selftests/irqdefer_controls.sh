#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The debugfs controls: each takes its documented values, refuses anything
# else with an error and no change, and does what it says.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 21

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

# refuses FILE VALUE...: every VALUE is refused and FILE reads the same.
refuses() {
	f=$DBG/$1
	shift
	was=$(cat "$f")
	for v in "$@"; do
		if echo "$v" > "$f" 2>/dev/null; then
			ktap_print_msg "$f accepted '$v'"
			return 1
		fi
	done
	[ "$(cat "$f")" = "$was" ]
}

ktap_test_result "paths refuses empty, unknown and malformed lists" \
	refuses paths "" "nope" "tasklet,nope" "," "all,tasklet"
echo "tasklet wq" > "$DBG/paths"
ktap_test_result "paths takes a space-separated list" test "$(cat "$DBG/paths")" = "tasklet,wq"
ktap_test_result "/proc/irqdefer lists only the active paths" \
	sh -c "grep -c ':' $PROC | grep -qx 2 && grep -q '^ *tasklet:' $PROC && grep -q '^ *wq:' $PROC"
echo 1 > "$DBG/reset"
echo 10 > "$DBG/trigger"
wait_for all_at_rest 10
ktap_test_result "trigger fires only the active paths" \
	test "$(snap tasklet raised)" -ge 1 -a "$(snap wq raised)" -ge 1 -a "$(snap hardirq raised)" -eq 0
echo all > "$DBG/paths"
ktap_test_result "paths takes all" test "$(cat "$DBG/paths" | tr ',' ' ')" = "$ALL_PATHS"

ncpu=$(grep -c '^processor' /proc/cpuinfo)
ktap_test_result "cpu refuses -2, an offline or absent CPU, junk" \
	refuses cpu -2 "$ncpu" 4096 x "1 2" 99999999999999999999
last=$((ncpu - 1))
echo "$last" > "$DBG/cpu"
echo 1 > "$DBG/reset"
echo 50 > "$DBG/trigger"
wait_for all_at_rest 10
on_last=$(awk -v c="$last" '$1 == c { print $2 }' "$DBG/hardirq/cpus")
ktap_test_result "cpu=$last: top halves run on CPU $last" test "$on_last" -eq "$(snap hardirq executed)"
echo -1 > "$DBG/cpu"

ktap_test_result "rate_hz refuses more than 10000, negative, junk" refuses rate_hz 10001 -1 abc
echo 1 > "$DBG/reset"
echo 1000 > "$DBG/rate_hz"
sleep 1
echo 0 > "$DBG/rate_hz"
wait_for all_at_rest 10
r=$(snap hardirq raised)
ktap_print_msg "rate_hz=1000 for about 1 s: hardirq raised $r"
ktap_test_result "the periodic source raises interrupts, and stops" \
	sh -c "[ $r -gt 0 ] && sleep 0.3 && [ \$(awk '\$1 == \"hardirq\" && \$2 == \"raised\" { print \$3 }' $DBG/snapshot) -eq $r ]"
ktap_test_result "after the periodic source, every path is at rest" all_at_rest

ktap_test_result "work_ns refuses more than 10 ms, junk" refuses work_ns 10000001 -5 1e3
ktap_test_result "sleep_ms refuses more than 100, junk" refuses sleep_ms 101 x
ktap_test_result "guard_pct reads 75 at load, takes 0 and 100, refuses more than 100, junk" \
	sh -c "[ \$(cat $DBG/guard_pct) -eq 75 ] && echo 0 > $DBG/guard_pct && echo 100 > $DBG/guard_pct &&
		echo 75 > $DBG/guard_pct && ! echo 101 > $DBG/guard_pct 2>/dev/null &&
		! echo x > $DBG/guard_pct 2>/dev/null && [ \$(cat $DBG/guard_pct) -eq 75 ]"
ktap_test_result "snapshot cannot be written" refuses snapshot 1

ktap_test_result "measure refuses anything but full and count" refuses measure 0 Full "count x"

# measure=count keeps the counters exact and records nothing else.
echo count > "$DBG/measure"
echo 1 > "$DBG/reset"
echo 50 > "$DBG/trigger"
wait_for all_at_rest 10
counted_only() {
	[ "$(cat "$DBG/measure")" = count ] || return 1
	for p in $ALL_PATHS; do
		top_halves_for $p 50 &&
			[ "$(snap $p lat_count)" -eq 0 ] &&
			[ "$(snap $p ctx_preemptible)" -eq 0 ] &&
			[ "$(snap $p raised)" -eq $(($(snap $p executed) + $(snap $p coalesced))) ] ||
			return 1
	done
}
ktap_test_result "measure=count: raised == executed + coalesced, no latency or context recorded" \
	counted_only
echo full > "$DBG/measure"

echo 100000 > "$DBG/work_ns"
echo 1 > "$DBG/reset"
echo 20 > "$DBG/trigger"
wait_for all_at_rest 10
ktap_test_result "work_ns takes 100000, and loaded runs all complete" \
	test "$(cat "$DBG/work_ns")" -eq 100000 -a "$(snap wq executed)" -ge 1
echo 0 > "$DBG/work_ns"

# rate_hz x work_ns is bounded (half a CPU of work per second), whichever
# is written last; a refused write changes nothing.
echo 100000 > "$DBG/work_ns"
ktap_test_result "rate_hz x work_ns over 0.5 s/s is refused, nothing changes" \
	sh -c "! echo 10000 > $DBG/rate_hz 2>/dev/null && [ \$(cat $DBG/rate_hz) = 0 ]"
echo 0 > "$DBG/work_ns"
echo 10000 > "$DBG/rate_hz"
ktap_test_result "work_ns x rate_hz over 0.5 s/s is refused, nothing changes" \
	sh -c "! echo 100000 > $DBG/work_ns 2>/dev/null && [ \$(cat $DBG/work_ns) = 0 ]"
echo 0 > "$DBG/rate_hz"
# Work no CFS task can preempt (hard interrupt context, SCHED_FIFO threads:
# the hardirq path, kthread_worker, the threaded IRQ's thread) is bounded
# at 0.5 s/s, the work of all active atomic-context paths together at
# 1 s/s; other task paths take any load. Two paths in atomic context that
# no FIFO thread runs on this model (the snapshot's atomic_now and
# above_cfs_now: on 6.12, timer and hrtimer_soft, raised by the timer
# interrupt; irqdefer_bounds.sh tests the model's rules).
set -- $(for p in $(paths_where atomic_now 1); do
	[ "$(path_rule "$p" above_cfs_now)" = 0 ] && echo "$p"
done)
if [ $# -ge 2 ]; then
	a=$1 b=$2
	# paths reads back in the registry's order.
	both=
	for p in $ALL_PATHS; do case $p in wq | "$a") both=${both:+$both,}$p ;; esac; done
	echo "$a" > "$DBG/paths"
	echo 90000 > "$DBG/work_ns"
	ktap_test_result "$a alone: 0.9 s/s taken; a task path joins; hardirq or a second softirq path ($b) is refused" \
		sh -c "echo 10000 > $DBG/rate_hz && ! echo hardirq,$a > $DBG/paths 2>/dev/null &&
			! echo $a,$b > $DBG/paths 2>/dev/null && echo wq,$a > $DBG/paths &&
			[ \$(cat $DBG/paths) = $both ]"
else
	ktap_test_skip "two softirq paths at 0.9 s/s each are refused together" \
		"fewer than two paths run in atomic context outside FIFO threads on this model"
fi
echo 0 > "$DBG/rate_hz"
echo 60000 > "$DBG/work_ns"
ktap_test_result "a SCHED_FIFO path: 0.6 s/s refused on kthread_worker and on threaded, taken on kthread" \
	sh -c "echo kthread_worker > $DBG/paths && ! echo 10000 > $DBG/rate_hz 2>/dev/null &&
		echo threaded > $DBG/paths && ! echo 10000 > $DBG/rate_hz 2>/dev/null &&
		echo kthread > $DBG/paths && echo 10000 > $DBG/rate_hz && [ \$(cat $DBG/rate_hz) = 10000 ]"
echo 0 > "$DBG/rate_hz"
echo 0 > "$DBG/work_ns"
echo all > "$DBG/paths"
wait_for all_at_rest 10

irqdefer_unload
ktap_finished
