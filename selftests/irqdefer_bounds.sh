#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The load bounds hold for every writer and on every preemption model.
#
#  1. The bounds count where work runs on the running kernel: the snapshot's
#     atomic_now and above_cfs_now (on PREEMPT_RT the registry's context_rt;
#     where top halves are forced into threads, the softirqs they raise run
#     in those SCHED_FIFO threads), and the periodic source is refused, or
#     accepted, exactly at the bound they give (meta load).
#  2. A trigger paces itself within the same bounds: N rounds take at least
#     N times the shortest round the bounds allow.
#  3. A trigger asking 10 ms of work of every path, bound to a CPU or not,
#     ends within 2 s of SIGKILL, and CPU hotplug of its CPU completes
#     within 2 s beside it (the trigger then fails, ERANGE).

. "$(dirname "$0")/lib.sh"

# The most a bounded operation may take, ms.
BOUND_MS=2000

ktap_print_header
ktap_set_plan 7

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
load_key() {
	awk -v k="$1=" '$1 == "meta" && $2 == "load" {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
	}' "$DBG/snapshot"
}
BUSY=$(load_key busy_ns_per_s)
ABOVE=$(load_key above_cfs_ns_per_s)
FORCED=$(load_key forced_threads)
MODEL=$(preempt_model)
grep -qw threadirqs /proc/cmdline && threadirqs=1 || threadirqs=0
ktap_print_msg "model $MODEL, threadirqs $threadirqs, forced_threads $FORCED, bounds: $BUSY ns/s atomic, $ABOVE ns/s above CFS"

# 1. The running model.
case $MODEL in rt) expect_forced=1 ;; *) expect_forced=$threadirqs ;; esac
ktap_test_result "forced_threads is $expect_forced on $MODEL (threadirqs $threadirqs)" \
	test "$FORCED" = "$expect_forced"

# What the rules say where top halves run in hard interrupt context: the
# model's count equals the book's.
rules_ok() {
	for p in $ALL_PATHS; do
		a=$(path_rule "$p" above_cfs_now) b=$(path_rule "$p" atomic_now)
		[ -n "$a" ] && [ -n "$b" ] || return 1
		if [ "$FORCED" = 0 ]; then
			[ "$a" = "$(path_rule "$p" above_cfs)" ] && [ "$b" = "$(path_rule "$p" atomic)" ] || return 1
		fi
	done
	if [ "$FORCED" = 1 ]; then
		# A tasklet raised by a threaded top half runs in that FIFO thread.
		[ "$(path_rule tasklet above_cfs_now)" = 1 ] && [ "$(path_rule wq above_cfs_now)" = 0 ] || return 1
	fi
	if [ "$MODEL" = rt ]; then
		# irq_work/N and rcuc/N are SCHED_FIFO threads.
		[ "$(path_rule irq_work above_cfs_now)" = 1 ] && [ "$(path_rule rcu above_cfs_now)" = 1 ] || return 1
	fi
}
ktap_test_result "every path has atomic_now and above_cfs_now, as the model's rules say" rules_ok

# The source on every path at 100 us of work: the highest rate the bounds
# allow by the model's counts is accepted, one more is refused, and a
# refused rate starts nothing.
W=100000
n_above=$(count_words $(paths_where above_cfs_now 1))
n_atomic=$(count_words $(paths_where atomic_now 1))
max_rate() { # NS_PER_S COUNT: the highest rate with COUNT * W ns per interrupt
	[ "$2" -eq 0 ] && { echo 10000; return; }
	echo $(($1 / ($2 * W)))
}
r=$(max_rate "$ABOVE" "$n_above")
r2=$(max_rate "$BUSY" "$n_atomic")
[ "$r2" -lt "$r" ] && r=$r2
[ "$r" -gt 9999 ] && r=9999
echo 0 > "$DBG/rate_hz"
echo all > "$DBG/paths"
echo $W > "$DBG/work_ns"
over=0 at=0
write_fails "$DBG/rate_hz" $((r + 1)) && [ "$(cat "$DBG/rate_hz")" -eq 0 ] && over=1
echo "$r" > "$DBG/rate_hz" && at=1
echo 0 > "$DBG/rate_hz"
ktap_print_msg "all paths, work_ns $W: $n_above above CFS, $n_atomic atomic: rate $((r + 1)) refused $over, $r accepted $at"
ktap_test_result "the source is refused one above the model's bound and accepted at it" \
	test $over -eq 1 -a $at -eq 1

# 2. Pacing: hardirq alone (above CFS and atomic on every model), 5 ms of
# work: the bounds allow one round per max(W / BUSY, W / ABOVE) s.
W=5000000
N=60
echo hardirq > "$DBG/paths"
echo $W > "$DBG/work_ns"
round_ms=$((W * 1000 / ABOVE))
[ $((W * 1000 / BUSY)) -gt $round_ms ] && round_ms=$((W * 1000 / BUSY))
t0=$(ms)
echo $N > "$DBG/trigger"
t1=$(ms)
ktap_print_msg "trigger $N at work_ns $W on hardirq: $((t1 - t0)) ms (the bounds: at least $((N * round_ms)) ms)"
ktap_test_result "a trigger is paced by the load bounds" test $((t1 - t0)) -ge $((N * round_ms - 10))
echo 1 > "$DBG/reset"

# 3. A trigger of 10 ms of work per path on every path yields within
# BOUND_MS to SIGKILL, bound or not.
echo all > "$DBG/paths"
echo 10000000 > "$DBG/work_ns"
kill_after() { # CPU: ms from SIGKILL to the writer's end
	echo "$1" > "$DBG/cpu"
	sh -c "echo 1000000 > $DBG/trigger" &
	trig=$!
	sleep 2
	t0=$(ms)
	kill -9 $trig
	wait $trig 2>/dev/null
	echo $(($(ms) - t0))
}
for cpu in 1 -1; do
	took=$(kill_after $cpu)
	ktap_print_msg "cpu $cpu: SIGKILL ended a trigger of 1000000 after $took ms"
	ktap_test_result "cpu $cpu: SIGKILL ends a trigger at work_ns 10 ms on every path within $BOUND_MS ms" \
		test "$took" -lt $BOUND_MS
done

# CPU hotplug of the trigger's CPU waits for one chunk at most.
if [ -w /sys/devices/system/cpu/cpu1/online ]; then
	echo 1 > "$DBG/cpu"
	sh -c "echo 1000000 > $DBG/trigger; echo \$? > /tmp/bounds-trig-rc" &
	trig=$!
	sleep 2
	t0=$(ms)
	echo 0 > /sys/devices/system/cpu/cpu1/online
	t1=$(ms)
	wait $trig 2>/dev/null
	echo 1 > /sys/devices/system/cpu/cpu1/online
	ktap_print_msg "cpu 1 went offline $((t1 - t0)) ms after asked, beside a bound trigger (its exit: $(cat /tmp/bounds-trig-rc))"
	ktap_test_result "CPU hotplug beside a bound trigger completes within $BOUND_MS ms, and the trigger fails" \
		test $((t1 - t0)) -lt $BOUND_MS -a "$(cat /tmp/bounds-trig-rc)" -ne 0
else
	ktap_test_skip "CPU hotplug beside a bound trigger" "no CPU hotplug on this kernel"
fi

echo 0 > "$DBG/work_ns"
echo -1 > "$DBG/cpu"
wait_for at_rest 30
irqdefer_unload
ktap_finished
