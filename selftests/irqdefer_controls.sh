#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The debugfs controls: each is published in the snapshot (meta
# control.NAME value= default= min= max=, or choices=), takes its
# documented values, refuses anything else with ERANGE (out of range) or
# EINVAL (not a value) and no change, does what it says, and reset's
# defaults restores them all.

. "$(dirname "$0")/lib.sh"

irqdefer_loaded && irqdefer_unload
irqdefer_load || { ktap_print_header; ktap_skip_all "insmod failed"; }
# The controls, as the module publishes them; one test each, and 24 more.
CONTROLS=$(awk '$1 == "meta" && $2 ~ /^control\./ { printf "%s ", substr($2, 9) }' "$DBG/snapshot")
ktap_print_header
ktap_set_plan $(($(count_words $CONTROLS) + 25))

# write_errno FILE VALUE: writes VALUE to FILE; prints ok, ERANGE, EINVAL,
# EBUSY or the error's text.
write_errno() {
	_we=$( (echo "$2" > "$1") 2>&1) && { echo ok; return; }
	case $_we in
	*"out of range"*) echo ERANGE ;;
	*"Invalid argument"*) echo EINVAL ;;
	*"resource busy"*) echo EBUSY ;;
	*) echo "$_we" ;;
	esac
}

# published NAME: control NAME's line agrees with its file, and, for a
# number, min <= default, value <= max; for a word, choices holds the value
# and the default.
published() {
	_v=$(control "$1" value) _d=$(control "$1" default)
	_min=$(control "$1" min) _max=$(control "$1" max) _ch=$(control "$1" choices)
	ktap_print_msg "$1: value=$_v default=$_d${_min:+ min=$_min max=$_max}${_ch:+ choices=$_ch}"
	[ -f "$DBG/$1" ] && [ "$(cat "$DBG/$1")" = "$_v" ] && [ -n "$_d" ] || return 1
	if [ -n "$_min" ]; then
		[ "$_min" -le "$_d" ] && [ "$_d" -le "$_max" ] && [ "$_min" -le "$_v" ] && [ "$_v" -le "$_max" ]
	elif [ -n "$_ch" ]; then
		case ",$_ch," in *",$_v,"*) ;; *) return 1 ;; esac
		case ",$_ch," in *",$_d,"*) ;; *) return 1 ;; esac
	fi
}
for c in $CONTROLS; do
	ktap_test_result "control.$c is published and reads as its file" published "$c"
done

# Every control refuses min - 1 and max + 1 with ERANGE, and junk with
# EINVAL, and reads the same after.
bounds_refused() {
	for c in $CONTROLS; do
		was=$(cat "$DBG/$c")
		_min=$(control "$c" min) _max=$(control "$c" max)
		if [ -n "$_min" ]; then
			for v in $((_min - 1)) $((_max + 1)); do
				e=$(write_errno "$DBG/$c" "$v")
				[ "$e" = ERANGE ] || { ktap_print_msg "$c: $v gave $e, not ERANGE"; return 1; }
			done
		fi
		e=$(write_errno "$DBG/$c" "x1")
		[ "$e" = EINVAL ] || { ktap_print_msg "$c: x1 gave $e, not EINVAL"; return 1; }
		[ "$(cat "$DBG/$c")" = "$was" ] || { ktap_print_msg "$c changed: $was -> $(cat "$DBG/$c")"; return 1; }
	done
}
ktap_test_result "each control: min - 1 and max + 1 give ERANGE, junk EINVAL, nothing changes" \
	bounds_refused

# Each control moved off its default (one at a time: within the load
# bounds), then reset's defaults: every control back, counters zeroed.
echo 5 > "$DBG/trigger"
wait_for at_rest 10
moved_then_defaults() {
	for c in $CONTROLS; do
		_d=$(control "$c" default) _min=$(control "$c" min) _ch=$(control "$c" choices)
		if [ -n "$_min" ]; then
			v=$_min
			[ "$_d" != "$_min" ] || v=$((_min + 1))
		elif [ -n "$_ch" ]; then
			v=$(echo "$_ch" | tr ',' '\n' | grep -vx "$_d" | head -1)
		else
			v=${ALL_PATHS%% *}
		fi
		set_control "$c" "$v" || return 1
	done
	ktap_print_msg "moved: $(controls_off_default | tr '\n' ' ')"
	[ "$(controls_off_default | wc -l)" -eq "$(count_words $CONTROLS)" ] || return 1
	echo defaults > "$DBG/reset" || return 1
	off=$(controls_off_default)
	[ -z "$off" ] || { ktap_print_msg "not restored: $off"; return 1; }
	[ "$(snap hardirq raised)" -eq 0 ]
}
ktap_test_result "defaults restores every control moved off its default, and zeroes the counters" \
	moved_then_defaults
# defaults while another reset drains (a bottom half sleeping in the
# module): EBUSY, and nothing changed, controls included. The device
# refuses triggers for the whole of a reset, so a refused trigger before
# the write and another after it bracket it inside the reset. A write
# that succeeded with the reset still holding the device fails the case;
# one the reset ended before (a stall of the vCPU longer than the drain:
# seen once on the debug kernel while the host built kernels) proves
# nothing either way, and the collision is made again, up to five times.
defaults_busy() {
	for _try in 1 2 3 4 5; do
		set_control paths kthread && set_control sleep_ms 100 || return 1
		echo 3 > "$DBG/trigger"
		echo 1 > "$DBG/reset" &
		# The reset is under way once the device refuses a trigger (a
		# trigger before that only adds to what it drains). The writes
		# are the shell's own, without a subshell: on the debug kernel a
		# fork takes longer than the drain.
		k=0
		until ! echo 1 2>/dev/null > "$DBG/trigger"; do
			k=$((k + 1))
			[ $k -lt 400 ] || { wait $!; ktap_print_msg "the reset never held the device"; return 1; }
			usleep 5000
		done
		if echo defaults 2>/tmp/irqdefer-defaults.err > "$DBG/reset"; then e=ok; else e=$(cat /tmp/irqdefer-defaults.err); fi
		if echo 1 2>/dev/null > "$DBG/trigger"; then after=ended; else after=holding; fi
		wait $!
		was=$(controls_off_default | tr '\n' ' ')
		ktap_print_msg "defaults during a reset (try $_try): $e, the reset $after after it; off their defaults after: $was"
		case $e in
		*"resource busy"*)
			[ "$(control paths value)" = kthread ] && [ "$(control sleep_ms value)" = 100 ]
			_r=$?
			wait_for at_rest 10
			return $_r
			;;
		ok) [ "$after" = ended ] || return 1 ;;
		*) return 1 ;;
		esac
		wait_for at_rest 10
	done
	ktap_print_msg "no defaults write landed inside a reset in 5 tries"
	return 1
}
ktap_test_result "defaults during another reset: EBUSY, and no control changes" defaults_busy
echo defaults > "$DBG/reset"
ktap_test_result "reset refuses 0 and 2 (ERANGE), default and junk (EINVAL)" \
	test "$(write_errno "$DBG/reset" 0) $(write_errno "$DBG/reset" 2) $(write_errno "$DBG/reset" default) $(write_errno "$DBG/reset" x)" = "ERANGE ERANGE EINVAL EINVAL"

# refuses FILE VALUE...: every VALUE is refused and FILE reads the same.
refuses() {
	f=$DBG/$1
	shift
	was=$(cat "$f")
	for v in "$@"; do
		if echo "$v" > "$f" 2>/dev/null; then
			ktap_print_msg "$f accepted '$v'"
			return 1
		fi
	done
	[ "$(cat "$f")" = "$was" ]
}

ktap_test_result "paths refuses empty, unknown and malformed lists" \
	refuses paths "" "nope" "tasklet,nope" "," "all,tasklet"
echo "tasklet wq" > "$DBG/paths"
ktap_test_result "paths takes a space-separated list" test "$(cat "$DBG/paths")" = "tasklet,wq"
ktap_test_result "/proc/irqdefer lists only the active paths" \
	sh -c "grep -c ':' $PROC | grep -qx 2 && grep -q '^ *tasklet:' $PROC && grep -q '^ *wq:' $PROC"
echo 1 > "$DBG/reset"
echo 10 > "$DBG/trigger"
wait_for at_rest 10
ktap_test_result "trigger fires only the active paths" \
	test "$(snap tasklet raised)" -ge 1 -a "$(snap wq raised)" -ge 1 -a "$(snap hardirq raised)" -eq 0
echo all > "$DBG/paths"
ktap_test_result "paths takes all" test "$(cat "$DBG/paths" | tr ',' ' ')" = "$ALL_PATHS"

ncpu=$(grep -c '^processor' /proc/cpuinfo)
ktap_test_result "cpu refuses -2, an offline or absent CPU, junk" \
	refuses cpu -2 "$ncpu" 4096 x "1 2" 99999999999999999999
last=$((ncpu - 1))
echo "$last" > "$DBG/cpu"
echo 1 > "$DBG/reset"
echo 50 > "$DBG/trigger"
wait_for at_rest 10
on_last=$(awk -v c="$last" '$1 == c { print $2 }' "$DBG/hardirq/cpus")
ktap_test_result "cpu=$last: top halves run on CPU $last" test "$on_last" -eq "$(snap hardirq executed)"
echo -1 > "$DBG/cpu"

ktap_test_result "rate_hz refuses more than 10000, negative, junk" refuses rate_hz 10001 -1 abc
echo 1 > "$DBG/reset"
echo 1000 > "$DBG/rate_hz"
sleep 1
echo 0 > "$DBG/rate_hz"
wait_for at_rest 10
r=$(snap hardirq raised)
ktap_print_msg "rate_hz=1000 for about 1 s: hardirq raised $r"
ktap_test_result "the periodic source raises interrupts, and stops" \
	sh -c "[ $r -gt 0 ] && sleep 0.3 && [ \$(awk '\$1 == \"hardirq\" && \$2 == \"raised\" { print \$3 }' $DBG/snapshot) -eq $r ]"
ktap_test_result "after the periodic source, every path is at rest" at_rest

ktap_test_result "work_ns refuses more than 10 ms, junk" refuses work_ns 10000001 -5 1e3
ktap_test_result "sleep_ms refuses more than 100, junk" refuses sleep_ms 101 x
guard_default=$(control guard_pct default)
ktap_test_result "guard_pct reads its default ($guard_default) at load, takes 0 and 100, refuses more than 100, junk" \
	sh -c "[ \$(cat $DBG/guard_pct) -eq $guard_default ] && echo 0 > $DBG/guard_pct && echo 100 > $DBG/guard_pct &&
		echo $guard_default > $DBG/guard_pct && ! echo 101 > $DBG/guard_pct 2>/dev/null &&
		! echo x > $DBG/guard_pct 2>/dev/null && [ \$(cat $DBG/guard_pct) -eq $guard_default ]"
ktap_test_result "snapshot cannot be written" refuses snapshot 1

ktap_test_result "measure refuses anything but full and count" refuses measure 0 Full "count x"

# measure=count keeps the counters exact and records nothing else.
echo count > "$DBG/measure"
echo 1 > "$DBG/reset"
echo 50 > "$DBG/trigger"
wait_for at_rest 10
counted_only() {
	[ "$(cat "$DBG/measure")" = count ] || return 1
	for p in $ALL_PATHS; do
		top_halves_for $p 50 &&
			[ "$(snap $p lat_count)" -eq 0 ] &&
			[ "$(snap $p ctx_preemptible)" -eq 0 ] &&
			[ "$(snap $p raised)" -eq $(($(snap $p executed) + $(snap $p coalesced))) ] ||
			return 1
	done
}
ktap_test_result "measure=count: raised == executed + coalesced, no latency or context recorded" \
	counted_only
echo full > "$DBG/measure"

echo 100000 > "$DBG/work_ns"
echo 1 > "$DBG/reset"
echo 20 > "$DBG/trigger"
wait_for at_rest 10
ktap_test_result "work_ns takes 100000, and loaded runs all complete" \
	test "$(cat "$DBG/work_ns")" -eq 100000 -a "$(snap wq executed)" -ge 1
echo 0 > "$DBG/work_ns"

# rate_hz x work_ns is bounded (half a CPU of work per second), whichever
# is written last; a refused write changes nothing.
echo 100000 > "$DBG/work_ns"
ktap_test_result "rate_hz x work_ns over 0.5 s/s is refused, nothing changes" \
	sh -c "! echo 10000 > $DBG/rate_hz 2>/dev/null && [ \$(cat $DBG/rate_hz) = 0 ]"
echo 0 > "$DBG/work_ns"
echo 10000 > "$DBG/rate_hz"
ktap_test_result "work_ns x rate_hz over 0.5 s/s is refused, nothing changes" \
	sh -c "! echo 100000 > $DBG/work_ns 2>/dev/null && [ \$(cat $DBG/work_ns) = 0 ]"
echo 0 > "$DBG/rate_hz"
# Work no CFS task can preempt (hard interrupt context, SCHED_FIFO threads:
# the hardirq path, kthread_worker, the threaded IRQ's thread) is bounded
# at 0.5 s/s, the work of all active atomic-context paths together at
# 1 s/s; other task paths take any load. Two paths in atomic context that
# no FIFO thread runs on this model (the snapshot's atomic_now and
# above_cfs_now: on 6.12, timer and hrtimer_soft, raised by the timer
# interrupt; irqdefer_bounds.sh tests the model's rules).
set -- $(for p in $(paths_where atomic_now 1); do
	[ "$(path_rule "$p" above_cfs_now)" = 0 ] && echo "$p"
done)
if [ $# -ge 2 ]; then
	a=$1 b=$2
	# paths reads back in the registry's order.
	both=
	for p in $ALL_PATHS; do case $p in wq | "$a") both=${both:+$both,}$p ;; esac; done
	echo "$a" > "$DBG/paths"
	echo 90000 > "$DBG/work_ns"
	ktap_test_result "$a alone: 0.9 s/s taken; a task path joins; hardirq or a second softirq path ($b) is refused" \
		sh -c "echo 10000 > $DBG/rate_hz && ! echo hardirq,$a > $DBG/paths 2>/dev/null &&
			! echo $a,$b > $DBG/paths 2>/dev/null && echo wq,$a > $DBG/paths &&
			[ \$(cat $DBG/paths) = $both ]"
else
	ktap_test_skip "two softirq paths at 0.9 s/s each are refused together" \
		"fewer than two paths run in atomic context outside FIFO threads on this model"
fi
echo 0 > "$DBG/rate_hz"
echo 60000 > "$DBG/work_ns"
ktap_test_result "a SCHED_FIFO path: 0.6 s/s refused on kthread_worker and on threaded, taken on kthread" \
	sh -c "echo kthread_worker > $DBG/paths && ! echo 10000 > $DBG/rate_hz 2>/dev/null &&
		echo threaded > $DBG/paths && ! echo 10000 > $DBG/rate_hz 2>/dev/null &&
		echo kthread > $DBG/paths && echo 10000 > $DBG/rate_hz && [ \$(cat $DBG/rate_hz) = 10000 ]"
echo 0 > "$DBG/rate_hz"
echo 0 > "$DBG/work_ns"
echo all > "$DBG/paths"
wait_for at_rest 10

irqdefer_unload
ktap_finished
