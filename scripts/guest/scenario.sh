#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo's scenario matrix, in the guest: every path alone, at every rate,
# with CPU 1 idle and then busy; then, where asked, the pressure scenarios
# (a real-time hog, softirq overload); each cell's counters, before and
# after, written to a results file for the host tool
# (scripts/irqdefer-report).
#
#   scenario.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]
#
# Interrupts are raised on CPU 1 (the module's `cpu`; irqdefer_raise_cpu
# picks another; "CPU 1" below is that CPU). This script pins itself to
# CPU 0 (1 if the interrupts are raised on 0), so that a hog on the
# interrupts' CPU cannot starve it.
#
# The matrix: with CPU 1 idle, then "busy" (a SCHED_OTHER loop pinned
# there by taskset: the bottom halves compete with it), and where
# irqdefer_loads asks, "kbusy" (a SCHED_OTHER task pinned there, busy in
# the kernel). Rates: "single"
# (SINGLE_N single interrupts, 20 ms apart), then the periodic source at
# each rate, CELL_MS each. The module's counters are reset before each
# cell; the cell ends when the path is at rest (5 s at most).
#
# Pressure (PRESSURE, comma separated):
#  - rthog: every path at HOG_RATE Hz for HOG_MS while a SCHED_FIFO busy
#    loop (/irqdefer/hog, scripts/guest/hog.c) pinned on CPU 1 runs at each
#    priority of HOG_PRIOS: below the IRQ threads' 50, and above. For these
#    cells the module's threads (module_lib.sh: module_threads) are pinned
#    to CPU 1, and RT throttling is off
#    (sched_rt_runtime_us -1; both undone after). The fair server, the other
#    safety net, is left alone: it is deferred, running starved CFS tasks
#    for 50 ms only after 950 ms of starvation, longer than a window. The
#    hog ends itself after HOG_MS + 3 s at most. A cell:
#    source on (before the hog: starting it needs a kworker on CPU 1), hog
#    on, "before" snapshot, window, source off, "stop" snapshot with the
#    hog still running (what ran under it), hog killed, at rest, "after".
#  - overload: each softirq path (the registry's softirq != none) at
#    OVERLOAD_RATE Hz for OVERLOAD_MS with work_ns stepped so that the
#    work takes each of OVERLOAD_PCT percent of the CPU (the module's
#    bound: at most 100).
#
# Settings come from the kernel command line (the environment of init),
# lists comma separated: irqdefer_raise_cpu, irqdefer_rates, irqdefer_loads, irqdefer_cell_ms,
# irqdefer_single_n, irqdefer_pressure, irqdefer_hog_prios, irqdefer_hog_ms,
# irqdefer_overload_pct, irqdefer_overload_ms. Where the files are:
# irqdefer_ko, the module to load (/irqdefer/irqdefer.ko; empty: the module
# is loaded already, its controls at their defaults, and stays loaded), and
# irqdefer_hog, the hog (/irqdefer/hog); scripts/demo-host.sh sets them on
# a real machine.
#
# The results file: a scenario capture of the results grammar, version 2
# (one record per line, space separated; docs/capture-format.md
# has the grammar):
#   irqdefer-results 2
#   meta capture scenario
#   meta KEY VALUE...                  kernel, boot, flavour, accel, vcpus,
#                                      cmdline, raise_cpu, preempt,
#                                      cell_seconds, the pressure settings,
#                                      and path.NAME: the module's registry,
#                                      its snapshot's meta lines as they are
#   cell I N PATH RATE LOAD GROUP      I of N, 1-based; LOAD idle, busy,
#                                      kbusy or fifoP; GROUP matrix, rthog, overload
#   work_ns NS                         the cell's work per bottom half, as
#                                      the module reports it
#   uptime before|stop|after SECONDS   load on at "before", off at
#                                      "stop", at rest at "after"
#   snapshot before|stop|after PATH KEY VALUE
#   interrupts before|stop|after LINE  the path's /proc/interrupts line
#   softirqs before|after LINE         each /proc/softirqs line
#   endcell I
#   end N

out=${1:?usage: scenario.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]}
boot=${2:-normal}
accel=${3:-unknown}
flavour=${4:-normal}
list() { echo "$1" | tr ',' ' '; }
RATES=$(list "${irqdefer_rates:-single,100,1000,10000}")
LOADS=$(list "${irqdefer_loads:-idle,busy}")
CELL_MS=${irqdefer_cell_ms:-1000}
SINGLE_N=${irqdefer_single_n:-50}
PRESSURE=$(list "${irqdefer_pressure:-}")
HOG_PRIOS=$(list "${irqdefer_hog_prios:-49,51}")
HOG_MS=${irqdefer_hog_ms:-500}
HOG_RATE=1000
OVERLOAD_PCT=$(list "${irqdefer_overload_pct:-0,50,80,90,95,100}")
OVERLOAD_MS=${irqdefer_overload_ms:-1000}
OVERLOAD_RATE=1000
RAISE_CPU=${irqdefer_raise_cpu:-1}
KO=${irqdefer_ko-/irqdefer/irqdefer.ko}
HOG=${irqdefer_hog:-/irqdefer/hog}
. "$(dirname "$0")/module_lib.sh"

ncpus=$(grep -c ^processor /proc/cpuinfo)
[ "$ncpus" -ge 2 ] || { echo "scenario: needs 2 vCPUs, have $ncpus" >&2; exit 1; }
# The interrupts' CPU: an online CPU, not the only one.
cpu_online() { [ "$1" = 0 ] || grep -qx 1 "/sys/devices/system/cpu/cpu$1/online" 2>/dev/null; }
case $RAISE_CPU in
'' | *[!0-9]*) false ;;
*) [ "$RAISE_CPU" -lt "$ncpus" ] && cpu_online "$RAISE_CPU" ;;
esac || {
	echo "scenario: irqdefer_raise_cpu=$RAISE_CPU is not an online CPU (0 to $((ncpus - 1)))" >&2
	exit 1
}
# This script, and all it starts but the hogs, on another CPU: 0, or 1
# when the interrupts are raised on 0.
HOME_CPU=0
[ "$RAISE_CPU" = 0 ] && HOME_CPU=1
taskset -p $((1 << HOME_CPU)) $$ >/dev/null || exit 1
if [ -n "$KO" ]; then
	insmod "$KO" cpu=$RAISE_CPU || exit 1
else
	# Loaded already, its controls at their defaults: the source stopped.
	set_control rate_hz 0 && set_control cpu $RAISE_CPU || exit 1
fi
# Every path the module has, in its order; the first alone active until a
# cell chooses.
PATHS=$(cat "$DBG/available_paths") || exit 1
set_control paths "${PATHS%% *}" || exit 1
# The softirq paths, by the registry's rule.
SOFTIRQ_PATHS=$(paths_where softirq '!none')
has() { case " $PRESSURE " in *" $1 "*) return 0 ;; esac; return 1; }
seconds() { awk -v ms="$1" 'BEGIN { print ms / 1000 }'; }

# One phase's counters: the cell's path in the snapshot, its line in
# /proc/interrupts, every line of /proc/softirqs (not at "stop").
record() {
	echo "uptime $1 $(cut -d' ' -f1 /proc/uptime)"
	awk -v ph="$1" -v p="$2" '$1 == p { print "snapshot", ph, $0 }' "$DBG/snapshot"
	awk -v ph="$1" -v irq="$(irq_of "$2"):" '$1 == irq { print "interrupts", ph, $0 }' /proc/interrupts
	[ "$1" = stop ] || awk -v ph="$1" 'NR > 1 { print "softirqs", ph, $0 }' /proc/softirqs
}

hog=
start_busy() {
	taskset -c $RAISE_CPU sh -c 'while :; do :; done' &
	hog=$!
}
# Busy in the kernel: reads of 8 MB of /dev/zero, each milliseconds of
# clearing memory in the kernel between two returns to user space (under
# TCG). Lazy preemption shows there: a woken SCHED_OTHER bottom half waits
# for the tick (or the read's end), where preempt=full preempts at once.
start_kbusy() {
	taskset -c $RAISE_CPU dd if=/dev/zero of=/dev/null bs=8M 2>/dev/null &
	hog=$!
}
start_fifo() {
	$HOG run $RAISE_CPU "$1" $((HOG_MS / 1000 + 3)) &
	hog=$!
}
stop_hog() {
	[ -n "$hog" ] && kill "$hog" 2>/dev/null
	[ -n "$hog" ] && wait "$hog" 2>/dev/null
	hog=
}

i=0
n=0
# begin_cell PATH RATE LOAD GROUP [WORK_NS]: the path alone, WORK_NS of
# work per bottom half (default: the control's default), counters zeroed;
# the cell records the work the module reports, which a refused write left
# as it was.
begin_cell() {
	i=$((i + 1))
	echo "[$i/$n] $boot: $1, rate $2, CPU $RAISE_CPU $3 ($4${5:+, work_ns $5})" >&2
	set_control paths "$1"
	set_control work_ns "${5:-$(control work_ns default)}"
	echo 1 > "$DBG/reset" || echo "scenario: reset failed" >&2
	{
		echo "cell $i $n $1 $2 $3 $4"
		echo "work_ns $(control work_ns value)"
	} >> "$out"
}
end_cell() { # PATH
	settle "$1" || echo "scenario: $1 not at rest after 5 s" >&2
	_held=$(awk '$1 == "source" && $2 == "skipped" { print $3 }' "$DBG/snapshot")
	[ "${_held:-0}" -eq 0 ] ||
		echo "scenario: cell $i: the starvation guard held the source for $_held ticks" >&2
	{
		record after "$1"
		echo "guard_skipped ${_held:-0}"
		echo "endcell $i"
	} >> "$out"
}

set -- $PATHS
npaths=$#
set -- $RATES
nrates=$#
set -- $LOADS
n=$((npaths * nrates * $#))
set -- $HOG_PRIOS
has rthog && n=$((n + npaths * $#))
# The overload levels the load bounds take, per path, asked of the module
# itself (a refused rate starts nothing; an accepted one stops at once): on
# PREEMPT_RT and under threadirqs, the softirqs a top half raises run in
# its SCHED_FIFO thread, which the bounds keep at half a CPU.
overload_levels() { # PATH
	set_control paths "$1"
	for pct in $OVERLOAD_PCT; do
		set_control work_ns $((pct * 10000000 / OVERLOAD_RATE)) || continue
		if echo $OVERLOAD_RATE > "$DBG/rate_hz" 2>/dev/null; then
			echo 0 > "$DBG/rate_hz"
			printf '%s ' "$pct"
		else
			echo "scenario: $1 at $pct% of a CPU: refused by the load bounds on this kernel" >&2
		fi
	done
	default_control work_ns
}
LEVELS=
if has overload; then
	for path in $SOFTIRQ_PATHS; do
		levels=$(overload_levels "$path")
		LEVELS="$LEVELS $path:$(echo $levels | tr ' ' ,)"
		set -- $levels
		n=$((n + $#))
	done
fi
levels_of() { # PATH: its overload levels
	for l in $LEVELS; do
		[ "${l%%:*}" = "$1" ] && echo "${l#*:}" | tr , ' '
	done
}

rt_runtime=$(cat /proc/sys/kernel/sched_rt_runtime_us)
fair=/sys/kernel/debug/sched/fair_server/cpu$RAISE_CPU
fair_server="$(cat "$fair/runtime" 2>/dev/null || echo ?)/$(cat "$fair/period" 2>/dev/null || echo ?) ns"
{
	results_header scenario "$boot" "$accel" "$flavour"
	echo "meta cell_seconds $(seconds "$CELL_MS")"
	echo "meta single_n $SINGLE_N"
	echo "meta pressure ${PRESSURE:-none}"
	if has rthog; then
		echo "meta rthog_prios $HOG_PRIOS"
		echo "meta rthog_rate $HOG_RATE"
		echo "meta rthog_seconds $(seconds "$HOG_MS")"
		echo "meta rthog_setup module threads pinned to CPU $RAISE_CPU where the kernel lets them move;" \
			"sched_rt_runtime_us -1 (was $rt_runtime);" \
			"fair server of CPU $RAISE_CPU left at $fair_server (deferred)"
	fi
	if has overload; then
		echo "meta overload_rate $OVERLOAD_RATE"
		echo "meta overload_pct $OVERLOAD_PCT"
		echo "meta overload_seconds $(seconds "$OVERLOAD_MS")"
	fi
} > "$out"

# The matrix.
for load in $LOADS; do
	case $load in
	busy) start_busy ;;
	kbusy) start_kbusy ;;
	esac
	for path in $PATHS; do
		for rate in $RATES; do
			begin_cell "$path" "$rate" "$load" matrix
			record before "$path" >> "$out"
			if [ "$rate" = single ]; then
				k=0
				while [ $k -lt "$SINGLE_N" ]; do
					echo 1 > "$DBG/trigger"
					usleep 20000
					k=$((k + 1))
				done
			else
				echo "$rate" > "$DBG/rate_hz"
				usleep $((CELL_MS * 1000))
				echo 0 > "$DBG/rate_hz"
			fi
			echo "uptime stop $(cut -d' ' -f1 /proc/uptime)" >> "$out"
			end_cell "$path"
		done
	done
	stop_hog
done

# The real-time hog.
if has rthog; then
	# 7.x binds IRQ threads to their interrupt's affinity
	# (PF_NO_SETAFFINITY, since "genirq: Fix interrupt threads affinity vs.
	# cpuset isolated partitions"): they cannot be pinned, and run where the
	# kernel puts them (docs/log/2026-12-04-7.3-fifo-hog.md).
	for pid in $(module_threads); do
		if $HOG pin "$pid" $RAISE_CPU 2>/dev/null; then
			echo "scenario: pinned $(cat /proc/$pid/comm) ($($HOG policy "$pid")) to CPU $RAISE_CPU" >&2
		else
			echo "scenario: $(cat /proc/$pid/comm) ($($HOG policy "$pid")) cannot be pinned (the kernel binds it): left where it is" >&2
		fi
	done
	echo -1 > /proc/sys/kernel/sched_rt_runtime_us ||
		echo "scenario: could not turn RT throttling off" >&2
	for prio in $HOG_PRIOS; do
		for path in $PATHS; do
			begin_cell "$path" $HOG_RATE "fifo$prio" rthog
			echo $HOG_RATE > "$DBG/rate_hz"
			start_fifo "$prio"
			usleep 100000
			record before "$path" >> "$out"
			usleep $((HOG_MS * 1000))
			echo 0 > "$DBG/rate_hz"
			echo "uptime stop $(cut -d' ' -f1 /proc/uptime)" >> "$out"
			usleep 100000
			{
				awk -v p="$path" '$1 == p { print "snapshot stop", $0 }' "$DBG/snapshot"
				awk -v irq="$(irq_of "$path"):" '$1 == irq { print "interrupts stop", $0 }' /proc/interrupts
			} >> "$out"
			stop_hog
			end_cell "$path"
		done
	done
	echo "$rt_runtime" > /proc/sys/kernel/sched_rt_runtime_us ||
		echo "scenario: could not restore sched_rt_runtime_us $rt_runtime" >&2
	for pid in $(module_threads); do
		$HOG pin "$pid" -1 2>/dev/null || true
	done
	echo "scenario: after the hog cells: sched_rt_runtime_us" \
		"$(cat /proc/sys/kernel/sched_rt_runtime_us)" >&2
fi

# Softirq overload. Its point is the overload itself: the starvation guard,
# which would hold the source once interrupt and softirq context take
# guard_pct percent of the CPU, is off for these cells (guard_pct 0), and
# back at its default after.
if has overload; then
	set_control guard_pct 0
	for path in $SOFTIRQ_PATHS; do
		for pct in $(levels_of "$path"); do
			begin_cell "$path" $OVERLOAD_RATE idle overload $((pct * 10000000 / OVERLOAD_RATE))
			record before "$path" >> "$out"
			echo $OVERLOAD_RATE > "$DBG/rate_hz"
			usleep $((OVERLOAD_MS * 1000))
			echo 0 > "$DBG/rate_hz"
			echo "uptime stop $(cut -d' ' -f1 /proc/uptime)" >> "$out"
			end_cell "$path"
		done
	done
	default_control work_ns
	default_control guard_pct
fi
echo "end $n" >> "$out"
[ -z "$KO" ] || rmmod irqdefer
