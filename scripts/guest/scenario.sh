#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo's scenario matrix, in the guest: every path alone, at every rate,
# with CPU 1 idle and then busy; each cell's counters, before and after,
# written to a results file for the host tool (samples/irqdefer-report).
#
#   scenario.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]
#
# Interrupts are raised on CPU 1 (the module's `cpu`), where the "busy"
# load runs a CPU-bound loop pinned by taskset: the bottom halves then
# compete with it. Rates: "single" (50 single interrupts, 20 ms apart),
# then the periodic source at 100, 1000 and 10000 Hz (its top rate), for
# CELL_S seconds each. The module's counters are reset before each cell.
#
# The results file: a scenario capture of the results grammar, version 2
# (one record per line, space separated; samples/irqdefer-report/FORMAT.md
# has the grammar):
#   irqdefer-results 2
#   meta capture scenario
#   meta KEY VALUE...                  kernel, boot, flavour, accel, vcpus,
#                                      cmdline, raise_cpu, cell_seconds, and
#                                      path.NAME: the module's registry, its
#                                      snapshot's meta lines as they are
#   cell I N PATH RATE LOAD            I of N, 1-based
#   uptime before|stop|after SECONDS   load on at "before", off at
#                                      "stop", drained at "after"
#   snapshot before|after PATH KEY VALUE
#   interrupts before|after LINE       the path's /proc/interrupts line
#   softirqs before|after LINE         each /proc/softirqs line
#   endcell I
#   end N

out=${1:?usage: scenario.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]}
boot=${2:-normal}
accel=${3:-unknown}
flavour=${4:-normal}
DBG=/sys/kernel/debug/irqdefer
RATES="single 100 1000 10000"
LOADS="idle busy"
CELL_S=${CELL_S:-1}
RAISE_CPU=1
. "$(dirname "$0")/results.sh"

ncpus=$(grep -c ^processor /proc/cpuinfo)
[ "$ncpus" -ge 2 ] || { echo "scenario: needs 2 vCPUs, have $ncpus" >&2; exit 1; }
insmod /irqdefer/irqdefer.ko paths=hardirq cpu=$RAISE_CPU || exit 1
# Every path the module has, in its order.
PATHS=$(cat "$DBG/available_paths") || exit 1

# One phase's counters: the cell's path in the snapshot, its line in
# /proc/interrupts, every line of /proc/softirqs.
record() {
	echo "uptime $1 $(cut -d' ' -f1 /proc/uptime)"
	awk -v ph="$1" -v p="$2" '$1 == p { print "snapshot", ph, $0 }' "$DBG/snapshot"
	irq=$(awk -v p="$2" '$1 == p && $2 == "irq" { print $3 }' "$DBG/snapshot")
	awk -v ph="$1" -v irq="$irq:" '$1 == irq { print "interrupts", ph, $0 }' /proc/interrupts
	awk -v ph="$1" 'NR > 1 { print "softirqs", ph, $0 }' /proc/softirqs
}

hog=
start_hog() {
	taskset -c $RAISE_CPU sh -c 'while :; do :; done' &
	hog=$!
}
stop_hog() {
	[ -n "$hog" ] && kill "$hog" && wait "$hog" 2>/dev/null
	hog=
}

# Waits (up to 5 s) until a path is at rest: raised == executed + coalesced.
settle() {
	_w=0
	while [ $_w -lt 50 ]; do
		awk -v p="$1" '$1 == p { v[$2] = $3 }
			END { exit !(v["raised"] == v["executed"] + v["coalesced"]) }' \
			"$DBG/snapshot" && return 0
		usleep 100000
		_w=$((_w + 1))
	done
}

set -- $PATHS
npaths=$#
set -- $RATES
n=$((npaths * $# * 2))
i=0
{
	results_header scenario "$boot" "$accel" "$flavour"
	echo "meta cell_seconds $CELL_S"
	results_registry
} > "$out"
for load in $LOADS; do
	[ "$load" = busy ] && start_hog
	for path in $PATHS; do
		echo "$path" > "$DBG/paths"
		for rate in $RATES; do
			i=$((i + 1))
			echo "[$i/$n] $boot: $path, rate $rate, CPU $RAISE_CPU $load" >&2
			echo 1 > "$DBG/reset"
			{
				echo "cell $i $n $path $rate $load"
				record before "$path"
			} >> "$out"
			if [ "$rate" = single ]; then
				k=0
				while [ $k -lt 50 ]; do
					echo 1 > "$DBG/trigger"
					usleep 20000
					k=$((k + 1))
				done
			else
				echo "$rate" > "$DBG/rate_hz"
				sleep "$CELL_S"
				echo 0 > "$DBG/rate_hz"
			fi
			echo "uptime stop $(cut -d' ' -f1 /proc/uptime)" >> "$out"
			settle "$path"
			{
				record after "$path"
				echo "endcell $i"
			} >> "$out"
		done
	done
	stop_hog
done
echo "end $n" >> "$out"
rmmod irqdefer
