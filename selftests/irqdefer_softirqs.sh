#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Cross-check with the kernel's own softirq counters: one softirq pass runs
# a given tasklet or work item at most once, so the /proc/softirqs delta of
# each softirq is at least the runs of each path it serves. Which softirq
# serves which path is the registry's rule (softirq=TASKLET, HI, TIMER,
# HRTIMER, NET_RX, NET_TX, IRQ_POLL: system_bh_wq runs from
# TASKLET_SOFTIRQ), for the paths that a softirq runs on the running model
# (on PREEMPT_RT, RCU callbacks run in rcuc/N threads instead: context_rt).
# Of the kernel's ten vectors, no path drives two: SCHED, the scheduler's
# own (load balancing, raised from the tick: no driver can request it,
# open_softirq() and raise_softirq() are not exported), printed beside
# the others; and BLOCK (docs/design.md says why).

. "$(dirname "$0")/lib.sh"

ktap_print_header
irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
served=
for p in $(paths_where softirq '!none'); do
	if [ "$(path_rule "$p" "$(rule_key context)")" = softirq ]; then
		served="$served $p"
	else
		ktap_print_msg "$p: not run by its softirq on the $(preempt_model) model"
	fi
done
ktap_set_plan $(count_words $served)

vectors=$(for p in $served; do path_rule "$p" softirq; done | sort -u)
for s in $vectors SCHED; do eval "before_$s=$(softirq_count "$s")"; done
echo 500 > "$DBG/trigger"
wait_for at_rest 30
for s in $vectors SCHED; do
	eval "d_$s=\$(( $(softirq_count "$s") - before_$s ))"
done
ktap_print_msg "SCHED +$d_SCHED meanwhile: the scheduler's own, no path's"

check() { # SOFTIRQ PATH
	eval "d=\$d_$1"
	e=$(snap "$2" executed)
	ktap_print_msg "$1 +$d, $2 executed $e"
	[ "$e" -gt 0 ] && [ "$d" -ge "$e" ]
}
for p in $served; do
	s=$(path_rule "$p" softirq)
	ktap_test_result "$s softirqs >= $p runs" check "$s" "$p"
done

irqdefer_unload
ktap_finished
