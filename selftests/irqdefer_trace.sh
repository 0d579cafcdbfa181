#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cross-check with ftrace: irqdefer's own tracepoints agree with its
# counters (one irqdefer_raise per top half, one irqdefer_run per measured
# run, through coalescing), and the kernel's tracepoints saw the same work: irq_handler_entry
# for every top half, tasklet_entry for every tasklet run; and the
# kernel's tools name each path's work function, irqdefer_<path>_work,
# once per run (workqueue_execute_start's function).

. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
[ -d $T/events/irq ] || ktap_skip_all "no tracefs with irq events at $T"

ktap_print_header
ktap_set_plan 7

irqdefer_loaded && irqdefer_unload
irqdefer_load paths=tasklet work_ns=150000 || ktap_skip_all "insmod failed"
[ -d $T/events/irqdefer ] || ktap_skip_all "no irqdefer events in $T/events"

irq=$(irq_of tasklet)
irqs_before=$(proc_interrupts_count "$irq")
echo 0 > $T/tracing_on
echo > $T/trace
echo 4096 > $T/buffer_size_kb
echo > $T/set_event
echo 1 > $T/events/irqdefer/enable
echo "irq == $irq" > $T/events/irq/irq_handler_entry/filter
echo 1 > $T/events/irq/irq_handler_entry/enable
echo 1 > $T/events/irq/tasklet_entry/enable
echo 1 > $T/tracing_on
# 150 us per run at 6 kHz: some requests coalesce. Where the tasklet runs
# in its top half's SCHED_FIFO thread (above_cfs_now: PREEMPT_RT), the load
# bound takes half a CPU of it: 3 kHz, and the IRQ core merges interrupts.
rate=6000
[ "$(path_rule tasklet above_cfs_now)" = 1 ] && rate=3000
echo $rate > "$DBG/rate_hz"
sleep 1
echo 0 > "$DBG/rate_hz"
wait_for at_rest 30
echo 0 > $T/tracing_on
cat $T/trace > /tmp/irqdefer-trace.txt
echo > $T/set_event
echo 0 > $T/events/irq/irq_handler_entry/filter
echo > $T/trace

count() { grep -c "$1" /tmp/irqdefer-trace.txt; }
irqs=$(($(proc_interrupts_count "$irq") - irqs_before))
threaded=$(snap tasklet top_threaded)
raised=$(snap tasklet raised)
executed=$(snap tasklet executed)
coalesced=$(snap tasklet coalesced)
ktap_print_msg "raised $raised (threaded $threaded) executed $executed coalesced $coalesced, /proc/interrupts +$irqs; trace: $(count 'irqdefer_raise:') raises, $(count 'irqdefer_run:') runs, $(count 'irq_handler_entry:') irq_handler_entry, $(count 'tasklet_entry:') tasklet_entry"
# Where the top half is forced into a thread (PREEMPT_RT), the tasklet runs
# in that thread as its bottom halves are enabled again, before the next
# top half: the IRQ core merges interrupts instead.
ktap_test_result "the trace lost nothing, and some requests merged (coalesced, or before a threaded top half)" \
	sh -c "! grep -q 'LOST' /tmp/irqdefer-trace.txt && [ $coalesced -gt 0 -o $irqs -gt $raised ]"
ktap_test_result "one irqdefer_raise per top half; stamped=1 for each run, stamped=0 for each coalesced" \
	sh -c "[ $(count 'irqdefer_raise:') -eq $raised ] && [ $(count 'stamped=1') -eq $executed ] && [ $(count 'stamped=0') -eq $coalesced ]"
ktap_test_result "one irqdefer_run per run, each with a latency" \
	sh -c "[ $(count 'irqdefer_run: path=tasklet raised_on=[0-9]* latency_ns=[0-9]') -eq $executed ]"
# irq_handler_entry marks each hard interrupt: the top half, or, for a
# threaded one, the primary handler that wakes its thread.
entries_ok=0
[ "$(count 'irq_handler_entry:')" -eq $irqs ] && top_halves_for tasklet $irqs && entries_ok=1
ktap_test_result "irq_handler_entry for irq $irq once per interrupt (once per top half unless threaded)" \
	test $entries_ok -eq 1
ktap_test_result "tasklet_entry once per tasklet run" \
	test "$(count 'tasklet_entry:')" -eq "$executed"

# Every path's entry event (the registry's trace rule) is one this kernel
# has, or none.
events_ok=1
for p in $ALL_PATHS; do
	t=$(path_rule "$p" trace)
	[ "$t" = none ] || [ -d "$T/events/${t%%:*}/${t#*:}" ] ||
		{ ktap_print_msg "$p: no event $t in $T/events"; events_ok=0; }
done
ktap_test_result "every path's trace event exists in tracefs, or is none" test $events_ok -eq 1

# Each path whose work the kernel traces as workqueue_execute_start: its
# work function under its own name, once per run (upstream's Work would
# show one mangled Rust name for all of them).
named() {
	_ok=0
	echo > $T/set_event
	echo 1 > $T/events/workqueue/workqueue_execute_start/enable
	for p in $ALL_PATHS; do
		[ "$(path_rule "$p" trace)" = workqueue:workqueue_execute_start ] || continue
		echo "$p" > "$DBG/paths"
		echo 1 > "$DBG/reset"
		echo > $T/trace
		echo 1 > $T/tracing_on
		echo 20 > "$DBG/trigger"
		wait_for at_rest 30
		echo 0 > $T/tracing_on
		n=$(grep -cE "workqueue_execute_start:.*function.irqdefer_${p}_work( |\$)" $T/trace)
		ktap_print_msg "$p: $(snap "$p" executed) runs, workqueue_execute_start names irqdefer_${p}_work $n times"
		[ "$n" -eq "$(snap "$p" executed)" ] && [ "$n" -gt 0 ] || _ok=1
	done
	echo > $T/set_event
	echo > $T/trace
	return $_ok
}
ktap_test_result "workqueue_execute_start names each path's work function irqdefer_<path>_work, once per run" named

rm -f /tmp/irqdefer-trace.txt
irqdefer_unload
ktap_finished
