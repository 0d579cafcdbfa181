#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# sleep_ms: bottom halves sleep (msleep) exactly where their own context
# check says it is legal: in task context (the registry's may_sleep=1
# paths: threaded, wq*, kthread), never in hard or soft interrupt context. A sleep in the wrong place would splat,
# which the host finds in dmesg.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 2

irqdefer_loaded && irqdefer_unload
irqdefer_load sleep_ms=1 || ktap_skip_all "insmod failed"
echo 20 > "$DBG/trigger"
wait_for at_rest 30

ok=1
for p in $ALL_PATHS; do
	slept=$(snap "$p" slept) e=$(snap "$p" executed)
	ktap_print_msg "$p: executed $e, slept $slept"
	case $(path_rule "$p" may_sleep) in
	1) [ "$slept" -eq "$e" ] && [ "$e" -gt 0 ] || ok=0 ;;
	*) [ "$slept" -eq 0 ] || ok=0 ;;
	esac
done
ktap_test_result "every task-context run slept, no other did" test $ok -eq 1
ktap_test_result "all paths at rest after sleeping runs" at_rest

irqdefer_unload
ktap_finished
