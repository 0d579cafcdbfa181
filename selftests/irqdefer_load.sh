#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loading and unloading: the module creates its device, IRQ lines and files,
# one of each per path of its registry (available_paths), and removes every
# one of them on unload; it can be loaded again.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 9

irqdefer_loaded && irqdefer_unload

ktap_test_result "insmod succeeds" irqdefer_load

# The registry as published: available_paths names each path once, and
# each has its debugfs directory and its meta line in snapshot, and there
# are no others.
registry_ok() {
	[ "$NPATHS" -ge 1 ] || return 1
	[ "$(echo $ALL_PATHS | tr ' ' '\n' | sort -u | wc -l)" -eq "$NPATHS" ] || return 1
	[ "$(grep -c '^meta path\.' "$DBG/snapshot")" -eq "$NPATHS" ] || return 1
	[ "$(ls -d "$DBG"/*/ | wc -l)" -eq "$NPATHS" ] || return 1
	for p in $ALL_PATHS; do
		[ -d "$DBG/$p" ] && grep -q "^meta path\.$p mechanism=" "$DBG/snapshot" || return 1
	done
}
ktap_print_msg "available_paths: $ALL_PATHS"
ktap_test_result "available_paths names $NPATHS paths, each once, each with its directory and meta line" \
	registry_ok
rows=0
for p in $ALL_PATHS; do grep -q "^ *$p:" "$PROC" && rows=$((rows + 1)); done
ktap_test_result "/proc/irqdefer has a CPU0 column and a row for each of the $NPATHS paths" \
	test "$rows" -eq "$NPATHS" -a "$(head -1 $PROC | awk '{ print $1 }')" = CPU0
ktap_test_result "debugfs has trigger, snapshot and hardirq/raised" \
	test -f "$DBG/trigger" -a -f "$DBG/snapshot" -a -f "$DBG/hardirq/raised"
lines=0
for p in $ALL_PATHS; do
	grep -qE "^ *$(irq_of "$p"):.*irq_sim.*irqdefer-$p\$" /proc/interrupts && lines=$((lines + 1))
done
ktap_test_result "/proc/interrupts has an irq_sim line irqdefer-<path> for each path" \
	test "$lines" -eq "$NPATHS" -a "$(grep -c 'irqdefer-' /proc/interrupts)" -eq "$NPATHS"
ktap_test_result "rmmod succeeds" irqdefer_unload
ktap_test_result "unload removes /proc, debugfs, the IRQs and the thread" \
	sh -c "! test -e $PROC && ! test -e $DBG && ! grep -q irqdefer /proc/interrupts &&
	       ! ps | grep -q '[i]rqdefer-thread'"

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
