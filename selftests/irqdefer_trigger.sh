#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Firing interrupts through debugfs: every top half is counted, agrees with
# the kernel's own count in /proc/interrupts, and with /proc/irqdefer; bad
# input is refused and changes nothing.

. "$(dirname "$0")/lib.sh"

# The fewest runs of wq's work for at least WQ_RAISED_MIN requests from a
# trigger bound to its CPU (1 when the trigger itself ran in that pool).
WQ_RUNS_MIN=16
WQ_RAISED_MIN=64

ktap_print_header
ktap_set_plan 13

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
irq=$(irq_of hardirq)

# At rest every request was run or coalesced.
at_rest() {
	r=$(snap hardirq raised); e=$(snap hardirq executed); c=$(snap hardirq coalesced)
	[ "$r" -eq $((e + c)) ]
}

for n in 1 10 1000; do
	echo 1 > "$DBG/reset"
	before=$(proc_interrupts_count "$irq")
	echo "$n" > "$DBG/trigger"
	wait_for at_rest 10
	after=$(proc_interrupts_count "$irq")
	raised=$(snap hardirq raised)
	injected=$(snap hardirq injected)
	ktap_print_msg "n=$n injected=$injected raised=$raised /proc/interrupts delta=$((after - before))"
	ktap_test_result "trigger $n: raised equals the /proc/interrupts delta" \
		test "$raised" -eq $((after - before)) -a "$injected" -eq "$n" -a "$raised" -ge 1
	ktap_test_result "trigger $n: raised == executed + coalesced, /proc/irqdefer == executed" \
		sh -c "[ $(snap hardirq raised) -eq \$(( $(snap hardirq executed) + $(snap hardirq coalesced) )) ] &&
		       [ $(proc_row_sum hardirq) -eq $(snap hardirq executed) ]"
done

ktap_test_result "hardirq runs in hard interrupt context, never may sleep" \
	test "$(snap hardirq ctx_hardirq)" -eq "$(snap hardirq executed)" -a \
	     "$(snap hardirq ctx_may_sleep)" -eq 0

raised=$(cat "$DBG/hardirq/raised")
for bad in "" "abc" "-1" "0" "1x" "99999999999999999999999" "1000001"; do
	write_fails "$DBG/trigger" "$bad" || { ktap_print_msg "'$bad' was accepted"; bad=ACCEPTED; break; }
done
ktap_test_result "trigger refuses empty, junk, negative, zero and out-of-range input" \
	test "$bad" != ACCEPTED
ktap_test_result "refused writes fire nothing" test "$(cat "$DBG/hardirq/raised")" -eq "$raised"
ktap_test_result "reset refuses anything but 1" \
	sh -c "! echo 2 > $DBG/reset 2>/dev/null && [ $(cat "$DBG/hardirq/raised") -eq $raised ]"

echo 1 > "$DBG/reset"
ktap_test_result "reset zeroes the counters" \
	test "$(snap hardirq raised)" -eq 0 -a "$(proc_row_sum hardirq)" -eq 0

# A long trigger yields: a fatal signal ends it between two chunks, well
# before its million interrupts per path are fired.
sh -c "echo 1000000 > $DBG/trigger" &
trig=$!
sleep 1
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
kill -9 $trig
wait $trig 2>/dev/null
t1=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
r=$(snap hardirq raised)
ktap_print_msg "SIGKILL ended a trigger of 1000000 after $((t1 - t0)) ms, $r fired on hardirq"
ktap_test_result "SIGKILL ends a trigger of 1000000 within 2 s" \
	test $((t1 - t0)) -lt 2000 -a "$r" -lt 1000000
wait_for all_at_rest 10

# A trigger bound to a CPU runs in a thread of its own there, not in the
# per-CPU workqueue pool that wq queues into: that pool's worker runs the
# work beside it, instead of once after it (work_on_cpu(): 1 run for 256
# requests). The simulator may merge interrupts before any top half sees
# them (on PREEMPT_RT its irq_work runs in a thread): judged on a trigger
# that made at least WQ_RAISED_MIN requests, of three at most.
echo wq > "$DBG/paths"
echo 1 > "$DBG/cpu"
wq_beside=skip tries=0
while [ $wq_beside = skip ] && [ $tries -lt 3 ]; do
	tries=$((tries + 1))
	echo 1 > "$DBG/reset"
	echo 256 > "$DBG/trigger"
	wait_for all_at_rest 10
	r=$(snap wq raised) e=$(snap wq executed) c=$(snap wq coalesced)
	ktap_print_msg "trigger 256 bound to CPU 1 on wq: $r requests, $e runs, $c coalesced"
	[ "$r" -ge $WQ_RAISED_MIN ] || continue
	wq_beside=fail
	[ "$e" -ge $WQ_RUNS_MIN ] && top_halves_for wq 256 && wq_beside=pass
done
if [ $wq_beside = skip ]; then
	ktap_test_skip "a trigger bound to a CPU leaves the wq path's pool to it" \
		"the simulator merged the interrupts into fewer than $WQ_RAISED_MIN requests, $tries times"
else
	ktap_test_result "a trigger bound to a CPU leaves the wq path's pool to it" test $wq_beside = pass
fi
echo -1 > "$DBG/cpu"
echo all > "$DBG/paths"

irqdefer_unload
ktap_finished
