#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU hotplug: take a CPU offline and back while interrupts are raised on
# it. Tasklets, timers and work move or drain as the kernel promises: once
# the load stops, every path is at rest with raised == executed +
# coalesced, exactly. A source bound to the CPU says what really happened:
# the periodic source stops with its CPU (rate_hz reads 0, nothing is
# raised elsewhere), and a trigger bound to it never fires on another CPU.

. "$(dirname "$0")/lib.sh"

CPU=1
ONLINE=/sys/devices/system/cpu/cpu$CPU/online
RATE=${HOTPLUG_RATE:-200}

ktap_print_header
[ -w $ONLINE ] || ktap_skip_all "CPU $CPU cannot be taken offline here"
ktap_set_plan 9

cleanup() { echo 1 > $ONLINE 2>/dev/null; irqdefer_loaded && irqdefer_unload; }
trap cleanup EXIT

irqdefer_loaded && irqdefer_unload
irqdefer_load cpu=$CPU rate_hz="$RATE" || ktap_skip_all "insmod failed"

# 1. Cycles under load: the source is restarted after each online.
now() { cut -d' ' -f1 /proc/uptime; }
cycles=0 stopped=0
for i in 1 2 3; do
	sleep 0.5
	t0=$(now)
	echo 0 > $ONLINE || break
	t1=$(now)
	[ "$(cat $DBG/rate_hz)" = 0 ] && stopped=$((stopped + 1))
	sleep 0.5
	echo 1 > $ONLINE || break
	echo "$RATE" > $DBG/rate_hz || break
	ktap_print_msg "cycle $i: offline took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, online $(awk -v a="$t1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a - 0.5 }') s"
	cycles=$((cycles + 1))
done
ktap_test_result "CPU $CPU went offline and online 3 times under load ($cycles)" test $cycles -eq 3
ktap_test_result "each offline stopped the source bound to CPU $CPU: rate_hz read 0 ($stopped of 3)" \
	test $stopped -eq 3

# 2. Offline: the source stops, and nothing is raised anywhere.
dmesg -c >/dev/null
echo 0 > $ONLINE
irq=$(irq_of hardirq)
n0=$(proc_interrupts_count "$irq")
sleep 1
n1=$(proc_interrupts_count "$irq")
ktap_print_msg "hardirq line $irq: $n0 interrupts, then $n1 after 1 s with CPU $CPU offline"
ktap_test_result "no interrupt raised while the source's CPU is offline" test "$n0" -eq "$n1"
ktap_test_result "the kernel log says the source stopped, and why" \
	sh -c "dmesg | grep -q 'CPU $CPU is going offline: the periodic source bound to it stopped'"
ktap_test_result "cpu still reads $CPU" test "$(cat $DBG/cpu)" = $CPU
ktap_test_result "trigger and rate_hz on the offline CPU are refused" \
	sh -c "! echo 5 > $DBG/trigger 2>/dev/null && ! echo $RATE > $DBG/rate_hz 2>/dev/null"
echo 1 > $ONLINE

# 3. A long trigger bound to CPU 1 while CPU 1 goes offline under it: it
# stops (or ends first), and never fires on CPU 0. The irq_sim delivers on
# the raising CPU, so the hardirq path's runs on CPU 0 count such fires.
echo hardirq > $DBG/paths
echo 1 > $DBG/reset
echo 1000000 > $DBG/trigger 2>/dev/null &
trig=$!
sleep 0.5
echo 0 > $ONLINE
wait $trig
rc=$?
on0=$(snap hardirq cpu0_executed)
ktap_print_msg "trigger exit $rc; hardirq runs on CPU 1: $(snap hardirq cpu1_executed), on CPU 0: $on0"
ktap_test_result "a trigger bound to CPU $CPU never fired on CPU 0 while CPU $CPU went offline" \
	test "$on0" -eq 0
echo 1 > $ONLINE
echo all > $DBG/paths

# 4. Exact at rest.
ktap_test_result "every path at rest" wait_for at_rest 10
echo "$RATE" > $DBG/rate_hz
sleep 0.5
echo 0 > $DBG/rate_hz
wait_for at_rest 10
bad=0
for p in $ALL_PATHS; do
	r=$(snap "$p" raised) e=$(snap "$p" executed) c=$(snap "$p" coalesced)
	[ "$r" -eq $((e + c)) ] && [ "$r" -gt 0 ] || bad=$((bad + 1))
done
bad=$((bad + $(inconsistencies)))
ktap_test_result "every path raised == executed + coalesced, no inconsistency" test $bad -eq 0

ktap_finished
