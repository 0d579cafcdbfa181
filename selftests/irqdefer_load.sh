#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loading and unloading: the module creates its device, IRQ lines and files,
# and removes every one of them on unload; it can be loaded again.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 8

irqdefer_loaded && irqdefer_unload

ktap_test_result "insmod succeeds" irqdefer_load
ktap_test_result "/proc/irqdefer lists CPU0 and the hardirq path" \
	sh -c "head -1 $PROC | grep -q CPU0 && grep -q '^ *hardirq:' $PROC"
ktap_test_result "debugfs has trigger, snapshot and hardirq/raised" \
	test -f "$DBG/trigger" -a -f "$DBG/snapshot" -a -f "$DBG/hardirq/raised"
irq=$(irq_of hardirq)
ktap_test_result "/proc/interrupts has IRQ $irq as irq_sim irqdefer-hardirq" \
	sh -c "grep -E '^ *$irq:.*irq_sim.*irqdefer-hardirq\$' /proc/interrupts >/dev/null"
ktap_test_result "rmmod succeeds" irqdefer_unload
ktap_test_result "unload removes /proc, debugfs and the IRQ" \
	sh -c "! test -e $PROC && ! test -e $DBG && ! grep -q irqdefer /proc/interrupts"

irqdefer_load
ktap_test_result "a reloaded module starts from zero" \
	test "$(cat $DBG/hardirq/raised)" -eq 0 -a "$(proc_row_sum hardirq)" -eq 0

cycles=0
for i in $(seq 20); do
	irqdefer_loaded || irqdefer_load || break
	echo 5 > "$DBG/trigger" || break
	irqdefer_unload || break
	cycles=$((cycles + 1))
done
ktap_test_result "20 load/trigger/unload cycles ($cycles done)" test $cycles -eq 20

ktap_finished
