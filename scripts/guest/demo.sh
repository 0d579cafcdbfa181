#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# irqdefer demo, in the guest: load, fire interrupts on every path, show
# what ran where and how late, next to the kernel's own counters.

N=${N:-1000}
. "$(dirname "$0")/module_lib.sh"

insmod /irqdefer/irqdefer.ko || exit 1
echo "== irqdefer on Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs (QEMU TCG: absolute times are inflated; compare paths)"
for s in TASKLET HI TIMER HRTIMER; do
	eval "before_$s=$(softirq_count $s)"
done
echo "== echo $N > $DBG/trigger"
echo "$N" > "$DBG/trigger"
settle || echo "== not at rest after 5 s"
echo
echo "== /proc/irqdefer (bottom-half runs per CPU)"
cat /proc/irqdefer
echo
echo "== per path: top halves (irqdefer / /proc/interrupts), runs, coalesced, latency ns, where it ran"
printf '%-13s %7s %7s %6s %6s %8s %8s %8s  %s\n' path raised kernel runs coal p50 p99 max context
rc=0
for p in $(tr ',' ' ' < "$DBG/paths"); do
	kernel=$(proc_interrupts_count "$(irq_of "$p")")
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
	printf ' %s +%s' "$s" $(( $(softirq_count $s) - b ))
done
echo
if [ $rc -eq 0 ]; then
	echo "== every path's top halves == its line's count in /proc/interrupts: yes"
else
	echo "== every path's top halves == its line's count in /proc/interrupts: NO"
fi
rmmod irqdefer || rc=1
exit $rc
