#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Each path runs where the kernel documents it, as the module's registry
# states the rule for the running preemption model (context and may_sleep;
# context_rt and may_sleep_rt on PREEMPT_RT) (README, "The deferral
# paths"): the threaded IRQ in its
# irq/N thread, tasklets and the BH workqueue in softirq, workqueues in
# kworkers, the kthread in its own thread, timers in softirq; sleeping is
# legal exactly where the rule says; a tasklet never runs twice at once.

. "$(dirname "$0")/lib.sh"

ktap_print_header
irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
ktap_set_plan $((NPATHS + 4))
echo 200 > "$DBG/trigger"
wait_for at_rest 30

# in_context PATH: every run of PATH was counted in the context its rule
# names: the snapshot's ctx_CONTEXT key, or its ctx_CONTEXT_* keys
# (context=softirq: ctx_softirq_irq_exit and ctx_softirq_ksoftirqd).
in_context() {
	e=$(snap "$1" executed)
	sum=$(awk -v p="$1" -v c="ctx_$2" '$1 == p && ($2 == c || index($2, c "_") == 1) { s += $3 }
		END { print s + 0 }' "$DBG/snapshot")
	ktap_print_msg "$1: $(grep "^$1 ctx_" "$DBG/snapshot" | awk '$3 != 0 { printf "%s=%s ", $2, $3 }')"
	[ "$e" -gt 0 ] && [ "$sum" -eq "$e" ]
}

ktap_print_msg "preemption model: $(preempt_model)"
for p in $ALL_PATHS; do
	c=$(path_rule "$p" "$(rule_key context)")
	ktap_test_result "$p: every run in $c context" in_context "$p" "$c"
done

may_sleep_ok=1
for p in $ALL_PATHS; do
	e=$(snap "$p" executed) s=$(snap "$p" ctx_may_sleep)
	case $(path_rule "$p" "$(rule_key may_sleep)") in
	1) [ "$s" -eq "$e" ] || may_sleep_ok=0 ;;
	*) [ "$s" -eq 0 ] || may_sleep_ok=0 ;;
	esac
done
ktap_test_result "sleeping is legal in every run of a may_sleep=1 path and in no other" \
	test $may_sleep_ok -eq 1

# last_task names the task of the last run counted as softirq_task or
# task_other (on PREEMPT_RT: the IRQ thread a tasklet ran in, rcuc/N), and
# is "-" for a path with no such run.
tasks_ok=1
for p in $ALL_PATHS; do
	n=$(($(snap "$p" ctx_softirq_task) + $(snap "$p" ctx_task_other)))
	t=$(awk '$1 == "last_task" { print $2 }' "$DBG/$p/context")
	[ "$n" -gt 0 ] && ktap_print_msg "$p: $n runs in softirq_task or task_other, the last in $t"
	if [ "$n" -gt 0 ]; then [ -n "$t" ] && [ "$t" != - ] || tasks_ok=0; else [ "$t" = - ] || tasks_ok=0; fi
done
ktap_test_result "last_task names a task exactly for the paths with runs in softirq_task or task_other" \
	test $tasks_ok -eq 1

# The paths run as tasklets: those whose runs tasklet_entry marks.
tasklets=$(paths_where trace irq:tasklet_entry)
once=1
for p in $tasklets; do [ "$(snap "$p" max_concurrent)" -le 1 ] || once=0; done
ktap_test_result "a tasklet never runs on two CPUs at once (max_concurrent <= 1: $tasklets)" \
	test -n "$tasklets" -a $once -eq 1

# Each path's own thread, as the registry names it (thread=; thread_rt= on
# PREEMPT_RT), runs in the scheduling class the registry states (sched=,
# sched_rt=): fifoN is /proc/PID/stat's rt_priority (field 40) N and
# policy (field 41) 1; other is 0 and 0. The kthread_worker path's worker
# is made SCHED_FIFO by sched_set_fifo(), IRQ threads run at FIFO 50.
threads_as_published() {
	_tp_n=0
	for p in $ALL_PATHS; do
		t=$(path_rule "$p" "$(rule_key thread)") s=$(path_rule "$p" "$(rule_key sched)")
		[ "$t" = - ] && continue
		case $s in
		fifo*) want="${s#fifo} 1" ;;
		other) want="0 0" ;;
		*) ktap_print_msg "$p: thread $t with sched=$s"; return 1 ;;
		esac
		pids=
		for d in /proc/[0-9]*; do
			read -r c <"$d/comm" 2>/dev/null || continue
			case $c in $t) pids="$pids ${d#/proc/}" ;; esac
		done
		[ -n "$pids" ] || { ktap_print_msg "$p: no thread $t"; return 1; }
		for pid in $pids; do
			st=$(awk '{ print $40, $41 }' "/proc/$pid/stat" 2>/dev/null)
			ktap_print_msg "$p: $(cat "/proc/$pid/comm") (pid $pid): rt_priority, policy $st ($s)"
			[ "$st" = "$want" ] || return 1
			_tp_n=$((_tp_n + 1))
		done
	done
	[ $_tp_n -gt 0 ]
}
ktap_test_result "each path's own thread runs in the scheduling class its registry rule states" \
	threads_as_published

irqdefer_unload
ktap_finished
