#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Firing interrupts through debugfs: every top half is counted, agrees with
# the kernel's own count in /proc/interrupts, and with /proc/irqdefer; bad
# input is refused and changes nothing.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 13

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
irq=$(irq_of hardirq)

for n in 1 10 1000; do
	echo 1 > "$DBG/reset"
	before=$(proc_interrupts_count "$irq")
	echo "$n" > "$DBG/trigger"
	wait_for "at_rest hardirq" 10
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
wait_for at_rest 10

# A trigger bound to a CPU runs in a kernel thread of its own there,
# irqdefer-trigger, not in a workqueue worker: a work_on_cpu() chunk ran in
# the per-CPU pool that wq queues into, which woke no other worker while
# it ran (1 run of wq's work for 256 requests). The thread is gone once
# the trigger ends, here by SIGKILL.
echo hardirq > "$DBG/paths"
echo 1 > "$DBG/cpu"
sh -c "echo 1000000 > $DBG/trigger" &
trig=$!
sleep 1
pid=$(thread_pid irqdefer-trigger)
allowed=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/${pid:-0}/status" 2>/dev/null)
kill -9 $trig
wait $trig 2>/dev/null
wait_for at_rest 10
ktap_print_msg "bound trigger: thread ${pid:-(none)}, allowed CPUs ${allowed:-(none)}"
ktap_test_result "a trigger bound to CPU 1 runs in irqdefer-trigger, bound there, gone after it" \
	sh -c "[ -n '$pid' ] && [ '$allowed' = 1 ] && ! grep -qx irqdefer-trigger /proc/[0-9]*/comm 2>/dev/null"
echo -1 > "$DBG/cpu"
echo all > "$DBG/paths"

irqdefer_unload
ktap_finished
