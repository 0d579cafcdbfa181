#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# irqdefer demo, in the guest: load, fire interrupts, show the counters
# next to the kernel's own.

DBG=/sys/kernel/debug/irqdefer
N=${N:-1000}

insmod /irqdefer/irqdefer.ko || exit 1
echo "== irqdefer loaded on $(uname -r), $(nproc) CPUs"
echo "== /proc/interrupts before:"
grep -E 'CPU|irqdefer' /proc/interrupts
echo "== firing $N interrupts on every path: echo $N > $DBG/trigger"
echo "$N" > "$DBG/trigger"
sleep 1
echo "== /proc/irqdefer (bottom-half runs per CPU):"
cat /proc/irqdefer
echo "== /proc/interrupts after:"
grep -E 'CPU|irqdefer' /proc/interrupts
rc=0
for dir in "$DBG"/*/; do
	p=$(basename "$dir")
	irq=$(awk -v p="$p" '$1 == p && $2 == "irq" { print $3 }' "$DBG/snapshot")
	kernel=$(awk -v irq="$irq:" '$1 == irq { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts)
	raised=$(cat "$dir/raised")
	echo "== $p (IRQ $irq): raised $raised, executed $(cat "$dir/executed"), coalesced $(cat "$dir/coalesced"); /proc/interrupts says $kernel"
	echo "   latency ns (min mean p50 p90 p99 p99.9 max): $(cat "$dir/latency")"
	echo "   context: $(tr '\n' ' ' < "$dir/context")"
	if [ "$raised" = "$kernel" ]; then
		echo "   top halves counted by irqdefer == /proc/interrupts: yes"
	else
		echo "   top halves counted by irqdefer == /proc/interrupts: NO"
		rc=1
	fi
done
rmmod irqdefer || rc=1
exit $rc
