#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Each path runs where the kernel documents it: the threaded IRQ in its
# irq/N thread, tasklets and the BH workqueue in softirq, workqueues in
# kworkers, the kthread in its own thread, timers in softirq; sleeping is
# legal only in task context; a tasklet never runs twice at once.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 14

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
echo 200 > "$DBG/trigger"
wait_for all_at_rest 30

# all_runs PATH KEY...: the runs counted under KEYs add up to all runs.
all_runs() {
	p=$1
	shift
	sum=0
	for k in "$@"; do sum=$((sum + $(snap "$p" "ctx_$k"))); done
	e=$(snap "$p" executed)
	ktap_print_msg "$p: $(grep "^$p ctx_" "$DBG/snapshot" | awk '$3 != 0 { printf "%s=%s ", $2, $3 }')"
	[ "$e" -gt 0 ] && [ "$sum" -eq "$e" ]
}
softirq="softirq_irq_exit softirq_ksoftirqd"

ktap_test_result "hardirq: hard interrupt context" all_runs hardirq hardirq
ktap_test_result "threaded: task context in irq/N-irqdefer-threaded" all_runs threaded task_irq_thread
ktap_test_result "tasklet: softirq" all_runs tasklet $softirq
ktap_test_result "tasklet_hi: softirq" all_runs tasklet_hi $softirq
ktap_test_result "bh_wq: softirq" all_runs bh_wq $softirq
ktap_test_result "timer: softirq" all_runs timer $softirq
ktap_test_result "hrtimer_soft: softirq" all_runs hrtimer_soft $softirq
for p in wq wq_highpri wq_unbound wq_own; do
	ktap_test_result "$p: task context in a kworker" all_runs "$p" task_kworker
done
ktap_test_result "kthread: task context in irqdefer-thread" all_runs kthread task_own_thread

may_sleep_ok=1
for p in $ALL_PATHS; do
	e=$(snap "$p" executed) s=$(snap "$p" ctx_may_sleep)
	case $p in
	threaded | wq* | kthread) [ "$s" -eq "$e" ] || may_sleep_ok=0 ;;
	*) [ "$s" -eq 0 ] || may_sleep_ok=0 ;;
	esac
done
ktap_test_result "sleeping is legal in every task-context run and in no other" test $may_sleep_ok -eq 1

ktap_test_result "a tasklet never runs on two CPUs at once (max_concurrent <= 1)" \
	test "$(snap tasklet max_concurrent)" -le 1 -a "$(snap tasklet_hi max_concurrent)" -le 1

irqdefer_unload
ktap_finished
