#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Torture: for a set time, everything a user can do at once. Writers on
# every control (valid and invalid values, resets, path changes, rate,
# work_ns and guard_pct changes, long triggers killed midway, values split
# over two writes), readers on every file, and (TORTURE_HOTPLUG=1) CPU
# hotplug cycles. Every worker must end within a minute of the end (else
# the blocked tasks' stacks are printed and the run fails). Then the load
# stops: every path must be at rest with raised == executed + coalesced,
# exactly; then the module unloads under load with readers still reading,
# and nothing is left. A kernel splat anywhere fails the run (vm.sh).
#
# TORTURE_SECS (or irqdefer_torture_secs on the kernel command line, as
# `make torture` sets): the duration, 20 s by default.

. "$(dirname "$0")/lib.sh"

SECS=${TORTURE_SECS:-${irqdefer_torture_secs:-20}}
ONLINE=/sys/devices/system/cpu/cpu1/online

ktap_print_header
ktap_set_plan 6

STUCK=
cleanup() {
	touch /tmp/torture.stop
	echo 1 > $ONLINE 2>/dev/null
	# A worker stuck in the kernel would make `wait` wait for ever.
	[ -n "$STUCK" ] && return
	wait
	irqdefer_loaded && irqdefer_unload
}
trap cleanup EXIT

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

rm -f /tmp/torture.*
uptime_s() { cut -d. -f1 /proc/uptime; }
end=$(($(uptime_s) + SECS))
running() { [ "$(uptime_s)" -lt $end ] && ! [ -e /tmp/torture.stop ]; }
pick() { # one of the arguments, at random
	shift $((RANDOM % $#))
	echo "$1"
}

WORKERS=
# start NAME BODY: a worker in the background, known by name.
start() {
	WORKERS="$WORKERS $1"
	worker "$@" &
}
# worker NAME BODY: runs BODY until the time is up; counts rounds.
worker() {
	n=0
	while running; do
		eval "$2" >/dev/null 2>&1
		n=$((n + 1))
	done
	echo "$n" > "/tmp/torture.$1"
}

ALL=$(echo $ALL_PATHS | tr ' ' ',')
# One to three of the module's paths, at random, separated by commas.
some_paths() {
	_sp_n=$((RANDOM % 3 + 1)) _sp=
	while [ $_sp_n -gt 0 ]; do
		_sp="$_sp${_sp:+,}$(pick $ALL_PATHS)"
		_sp_n=$((_sp_n - 1))
	done
	echo "$_sp"
}
# Rates up to 1000 Hz: 10 kHz on every path is the storm test's (with both
# CPUs up). Here CPU 1 goes offline often, and 10 kHz on every path on the
# one CPU left starved RCU's grace-period thread under KASAN and TCG (seen:
# an RCU stall): an emulated CPU's overload, not a race.
start rate 'echo $(pick 0 100 500 1000 10001 x) > $DBG/rate_hz'
start cpu 'echo $(pick -1 0 1 2 -2 9999) > $DBG/cpu'
start paths 'echo $(pick all "$(some_paths)" "$(some_paths | tr , " ")" nope "" $ALL) > $DBG/paths'
start work 'echo $(pick 0 0 1000 20000 50000 10000001 abc) > $DBG/work_ns'
start sleep 'echo $(pick 0 0 0 1 101) > $DBG/sleep_ms'
# Not 0: the guard off under these rates would starve CPU 0 on the debug
# kernel (irqdefer_starve.sh tests 0).
guard_default=$(control guard_pct default)
start guard 'echo $(pick $guard_default $guard_default 50 1 100 101 x) > $DBG/guard_pct'
start measure 'echo $(pick full full count bogus) > $DBG/measure'
start trigger 'echo $(pick 1 10 100 1000 0 x) > $DBG/trigger'
start longtrigger 'sh -c "echo 100000 > $DBG/trigger" & t=$!; sleep 0.$(pick 1 3 5); kill -9 $t; wait $t'
start reset 'echo 1 > $DBG/reset; echo 2 > $DBG/reset'
start split '(printf 1; printf 0) > $DBG/$(pick rate_hz work_ns trigger cpu)'
start readall 'cat $DBG/* $DBG/*/* /proc/irqdefer'
start readlat 'cat $DBG/*/latency $DBG/snapshot'
# CPU hotplug cycles only with TORTURE_HOTPLUG=1 (irqdefer_torture_hotplug
# on the kernel command line). On the debug kernel, cycling under this load
# hung: cpu_up held cpu_hotplug_lock for over 120 s while irqdefer's
# writers waited for cpus_read_lock() (not yet diagnosed). Faster cycling
# hit a warning in the kernel's deadline scheduler (deadline.c:265,
# dl_rq->running_bw underflow in migration/N during CPU offline).
# irqdefer_hotplug.sh keeps testing hotplug under load, in check.
if [ "${TORTURE_HOTPLUG:-${irqdefer_torture_hotplug:-0}}" = 1 ] && [ -w $ONLINE ]; then
	start hotplug 'echo 0 > $ONLINE; sleep 1; echo 1 > $ONLINE; sleep 2'
fi

# Every worker ends within a minute of the end; one that does not is
# blocked in the kernel: show where the blocked and running tasks are,
# and fail here rather than at the VM's timeout.
while [ "$(uptime_s)" -lt $((end + 60)) ]; do
	STUCK=
	for w in $WORKERS; do
		[ -e "/tmp/torture.$w" ] || STUCK="$STUCK $w"
	done
	[ -z "$STUCK" ] && break
	sleep 1
done
if [ -n "$STUCK" ]; then
	ktap_test_fail "every worker ended within 60 s of the end (stuck:$STUCK)"
	for d in /proc/[0-9]*; do
		st=$(awk '$1 == "State:" { print $2 }' "$d/status" 2>/dev/null)
		case $st in D | R) ;; *) continue ;; esac
		ktap_print_msg "$(cat "$d/comm" 2>/dev/null) ${d#/proc/} $st:"
		sed 's/^/#   /' "$d/stack" 2>/dev/null
	done
	exit "$KSFT_FAIL"
fi
wait

echo 0 > "$DBG/rate_hz"
echo 1 > $ONLINE 2>/dev/null
echo -1 > "$DBG/cpu"
echo 0 > "$DBG/sleep_ms"
echo 0 > "$DBG/work_ns"
default_control guard_pct
ops=0 summary=
for f in /tmp/torture.*; do
	n=$(cat "$f")
	ops=$((ops + n))
	summary="$summary ${f#/tmp/torture.}=$n"
done
ktap_print_msg "$SECS s of torture, $ops operations:$summary"
ktap_test_result "every worker ran, and ended within 60 s of the end" test "$ops" -gt 0 -a -e /tmp/torture.readall -a -e /tmp/torture.reset
ktap_test_result "the module answers after the torture" sh -c "cat $DBG/snapshot >/dev/null"
ktap_test_result "every path at rest" wait_for at_rest 20
echo all > "$DBG/paths"
echo 1000 > "$DBG/rate_hz"
sleep 0.5
echo 0 > "$DBG/rate_hz"
wait_for at_rest 10
bad=$(identity_failures)
ktap_test_result "identity exact at rest on every path, no inconsistency" test $bad -eq 0

# Unload under load, with readers opening and closing files. An open
# debugfs file pins the module (rmmod fails with EAGAIN): retry until the
# readers hold none.
rm -f /tmp/torture.*
end=$(($(uptime_s) + 3))
echo 10000 > "$DBG/rate_hz"
worker readall2 'cat $DBG/* $DBG/*/* /proc/irqdefer' &
worker readlat2 'cat $DBG/*/latency $DBG/snapshot' &
sleep 1
ktap_test_result "unload under load with readers running" wait_for "irqdefer_unload 2>/dev/null" 10
wait
ktap_test_result "nothing left after unload" nothing_left

ktap_finished
