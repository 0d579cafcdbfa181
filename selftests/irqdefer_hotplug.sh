#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU hotplug: take a CPU offline and back while interrupts are raised on
# it. Tasklets, timers and work move or drain as the kernel promises: once
# the load stops, every path is at rest with raised == executed +
# coalesced, exactly.

. "$(dirname "$0")/lib.sh"

CPU=1
ONLINE=/sys/devices/system/cpu/cpu$CPU/online

ktap_print_header
[ -w $ONLINE ] || ktap_skip_all "CPU $CPU cannot be taken offline here"
ktap_set_plan 5

irqdefer_loaded && irqdefer_unload
irqdefer_load cpu=$CPU rate_hz=${HOTPLUG_RATE:-200} || ktap_skip_all "insmod failed"

now() { cut -d' ' -f1 /proc/uptime; }
cycles=0
for i in 1 2 3; do
	sleep 0.5
	t0=$(now)
	echo 0 > $ONLINE || break
	t1=$(now)
	sleep 0.5
	echo 1 > $ONLINE || break
	ktap_print_msg "cycle $i: offline took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, online $(awk -v a="$t1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a - 0.5 }') s"
	cycles=$((cycles + 1))
done
ktap_test_result "CPU $CPU went offline and online 3 times under load ($cycles)" test $cycles -eq 3

echo 0 > $ONLINE
ktap_test_result "trigger on an offline CPU is refused" sh -c "! echo 5 > $DBG/trigger 2>/dev/null"
ktap_test_result "the periodic source stops with its CPU offline" sh -c "echo 0 > $DBG/rate_hz"
echo 1 > $ONLINE
ktap_test_result "every path at rest" wait_for all_at_rest 10
bad=0
for p in $ALL_PATHS; do
	r=$(snap "$p" raised) e=$(snap "$p" executed) c=$(snap "$p" coalesced)
	[ "$r" -eq $((e + c)) ] && [ "$r" -gt 0 ] || bad=$((bad + 1))
	bad=$((bad + $(snap "$p" spurious) + $(snap "$p" mismatch)))
done
ktap_test_result "every path raised == executed + coalesced, no inconsistency" test $bad -eq 0

irqdefer_unload
ktap_finished
