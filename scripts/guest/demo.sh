#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# irqdefer demo, in the guest: load, fire interrupts on every path, show
# what ran where and how late, next to the kernel's own counters.

DBG=/sys/kernel/debug/irqdefer
N=${N:-1000}
snap() { awk -v p="$1" -v k="$2" '$1 == p && $2 == k { print $3 }' "$DBG/snapshot"; }

insmod /irqdefer/irqdefer.ko || exit 1
echo "== irqdefer on Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs (QEMU TCG: absolute times are inflated; compare paths)"
for s in TASKLET HI TIMER HRTIMER; do
	eval "before_$s=$(awk -v k="$s:" '$1 == k { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs)"
done
echo "== echo $N > $DBG/trigger"
echo "$N" > "$DBG/trigger"
sleep 1
echo
echo "== /proc/irqdefer (bottom-half runs per CPU)"
cat /proc/irqdefer
echo
echo "== per path: top halves (irqdefer / /proc/interrupts), runs, coalesced, latency ns, where it ran"
printf '%-13s %7s %7s %6s %6s %8s %8s %8s  %s\n' path raised kernel runs coal p50 p99 max context
rc=0
for p in $(tr ',' ' ' < "$DBG/paths"); do
	irq=$(snap "$p" irq)
	kernel=$(awk -v irq="$irq:" '$1 == irq { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts)
	ctx=$(grep "^$p ctx_" "$DBG/snapshot" | awk '$3 != 0 && $2 != "ctx_irqs_disabled" { sub("ctx_", "", $2); printf "%s ", $2 }')
	printf '%-13s %7s %7s %6s %6s %8s %8s %8s  %s\n' "$p" "$(snap "$p" raised)" "$kernel" \
		"$(snap "$p" executed)" "$(snap "$p" coalesced)" "$(snap "$p" lat_p50)" \
		"$(snap "$p" lat_p99)" "$(snap "$p" lat_max)" "$ctx"
	[ "$(snap "$p" raised)" = "$kernel" ] || rc=1
done
echo
echo "== cat $DBG/tasklet/latency   (min mean p50 p90 p99 p99.9 max, ns)"
cat "$DBG/tasklet/latency"
echo "== cat $DBG/tasklet/context"
cat "$DBG/tasklet/context" | tr '\n' ' '
echo
printf '== /proc/softirqs deltas:'
for s in TASKLET HI TIMER HRTIMER; do
	eval "b=\$before_$s"
	printf ' %s +%s' "$s" $(( $(awk -v k="$s:" '$1 == k { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs) - b ))
done
echo
if [ $rc -eq 0 ]; then
	echo "== every path's top halves == its line's count in /proc/interrupts: yes"
else
	echo "== every path's top halves == its line's count in /proc/interrupts: NO"
fi
rmmod irqdefer || rc=1
exit $rc
