#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The periodic source cannot starve its CPU. At 1000 and 10000 Hz on
# every path, pinned to CPU 0, a shell loop pinned there keeps running and
# a trigger bound there completes: where hard and soft interrupt context
# take guard_pct percent of the CPU over 100 ms or more (the debug
# kernel under TCG), the source holds for the next 100 ms and counts it
# (snapshot: source skipped, source holds). guard_pct 0 turns that off, 1
# holds a light load. The guard counts what the kernel does not count as
# interrupt time: hard interrupt work alone (without IRQ_TIME_ACCOUNTING
# the tick charges it elsewhere) and work in SCHED_FIFO threads alone
# engage it; of the real-time and negative-nice threads that run bottom
# halves it counts the whole runtime (on the 7.3 debug kernel, counting
# only the bottom halves' own time, the loop once ran 18 times in 10 s).
# Nothing raised is lost meanwhile.

. "$(dirname "$0")/lib.sh"

# The longest a shell loop pinned to the source's CPU may wait between two
# iterations, cs: what tells a CPU its tasks still get from one that
# starves them. Without the guard, on the debug kernel at 1000 Hz, the
# loop did not run for minutes. With it, at 10000 Hz: 23 to 24 cs on a
# quiet host; beside another VM (make check's two lanes: four vCPUs on
# two cores) 91 to 220 cs on 7.3 rt, whose fair server, not the guard,
# keeps the loop running there (18 cs with guard_pct 0, on a quiet host).
MAX_GAP_CS=400
# Seconds each pinned loop runs.
LOOP_S=10

ktap_print_header
ktap_set_plan 9

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

uptime_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }
source_key() { awk -v k="$1" '$1 == "source" && $2 == k { print $3 }' "$DBG/snapshot"; }
# Whether the source has begun more holds than $1.
held_since() { [ "$(source_key holds)" -gt "$1" ]; }

# A shell loop pinned to CPU 0 reading the clock for LOOP_S seconds:
# prints the longest gap between two of its iterations (cs) and their
# count, or fails if it did not end within a minute more.
pinned_gaps() {
	timeout $((LOOP_S + 60)) taskset -c 0 sh -c '
		read up _ < /proc/uptime
		last=${up%.*}${up#*.} max=0 n=0
		end=$((last + $1 * 100))
		while [ $last -lt $end ]; do
			read up _ < /proc/uptime
			now=${up%.*}${up#*.}
			[ $((now - last)) -gt $max ] && max=$((now - last))
			last=$now n=$((n + 1))
		done
		echo "$max $n"' _ $LOOP_S
}

set -- $(pinned_gaps)
alone=${2:-0}
ktap_print_msg "pinned loop alone: longest gap $1 cs, $alone iterations in $LOOP_S s"
echo all > "$DBG/paths"
echo 0 > "$DBG/cpu"
echo 1 > "$DBG/reset"
# The host's own stalls of the vCPU (another VM beside this one) lengthen
# a gap and never shorten it: a loop is run up to three times, and one
# within the bound passes. Without the guard the loop waits for minutes,
# every time.
for rate in 1000 10000; do
	echo $rate > "$DBG/rate_hz"
	ok=1
	for try in 1 2 3; do
		set -- $(pinned_gaps) "" ""
		ktap_print_msg "pinned loop beside $rate Hz on $NPATHS paths (run $try): longest gap ${1:-(not done)} cs, ${2:-0} iterations ($((${2:-0} * 100 / (alone + 1)))% of alone); source skipped $(source_key skipped) ticks in $(source_key holds) holds"
		[ -n "$1" ] && [ "$1" -le $MAX_GAP_CS ] && ok=0 && break
	done
	echo 0 > "$DBG/rate_hz"
	ktap_test_result "at $rate Hz, a task pinned to the source's CPU never waits over $MAX_GAP_CS cs" \
		test $ok -eq 0
done

echo 1000 > "$DBG/rate_hz"
t0=$(uptime_cs)
timeout 120 sh -c "echo 100 > $DBG/trigger"
rc=$?
ktap_print_msg "trigger 100 bound to CPU 0 beside 1000 Hz: exit $rc after $(($(uptime_cs) - t0)) cs"
ktap_test_result "a trigger bound to the source's CPU completes beside it" test $rc -eq 0

echo 0 > "$DBG/rate_hz"
skipped=$(source_key skipped) holds=$(source_key holds)
ktap_print_msg "source skipped $skipped ticks in $holds holds"
echo 1 > "$DBG/reset"
ktap_test_result "the snapshot counts the source's holds and skipped ticks (both or neither), reset zeroes them" \
	test -n "$skipped" -a -n "$holds" -a "$((${holds:-0} > 0))" -eq "$((${skipped:-0} > 0))" \
	-a "$(source_key skipped)" -eq 0 -a "$(source_key holds)" -eq 0

# The threshold: 1% holds a load, 0 never holds. (Before the guard timed
# the bottom halves itself, it read only the kernel's irq and softirq
# time, which the tick samples: on PREEMPT_RT at 1000 Hz a hold took up
# to 5.35 s; 10000 Hz is kept.)
h0=$(source_key holds)
echo 10000 > "$DBG/rate_hz"
echo 1 > "$DBG/guard_pct"
t0=$(uptime_cs)
wait_for "held_since $h0" 15
h1=$(source_key holds)
t1=$(uptime_cs)
echo 0 > "$DBG/guard_pct"
sleep 0.3
s0=$(source_key skipped)
sleep 1
s1=$(source_key skipped)
echo 0 > "$DBG/rate_hz"
default_control guard_pct
ktap_print_msg "10000 Hz: holds $h0 -> $h1 after $((t1 - t0)) cs at guard_pct 1; skipped $s0 -> $s1 over 1 s at guard_pct 0"
ktap_test_result "guard_pct 1 holds a load within 15 s, 0 never holds" \
	test "$h1" -gt "$h0" -a "$s1" -eq "$s0"

# One path alone. With no work, what the kernel spends around it stays
# below guard_pct for 2 s, but for at most one 100 ms window (a stall of
# the emulated CPU, which another VM beside it makes now and then: seen
# once at every guard_pct up to 80 on 7.3 rt beside the debug VM); else
# the threshold could not tell the work from it. With work near the
# bounds' limit the guard then holds about every other window: at least
# 3 holds more in 2 s than in the 2 s without work before. A stall that
# lands in the 2 s with work can hide that (seen: 3 more at guard_pct 80,
# with the host loaded beyond CI's two VMs), so the pair is measured up to
# three times; a guard that does not engage misses it every time.
# The guard counts the whole runtime of the FIFO threads that run the
# path's halves (on PREEMPT_RT its top half's IRQ thread too), and with
# no work that varies: little on 6.12 normal; at 1000 Hz near 30% of the
# CPU for kthread_worker on the 7.3 debug kernel, 40 to 80% on 7.3 rt,
# over 80% on 6.12 rt beside another VM. So the first guard_pct of the
# list that holds nothing without work is taken, and kthread_worker runs
# at 200 Hz, where that overhead is a fifth, with 2250 us of work (45%:
# the bounds allow half a CPU above CFS tasks); hardirq at 1000 Hz with
# 400 us (40%). The kernel's own count misses both: the tick cannot
# sample inside a hard interrupt handler, and a FIFO thread is task time
# to it.
guard_engages() { # PATH RATE_HZ WORK_NS GUARD_PCT...
	_path=$1 _rate=$2 _work=$3
	shift 3
	echo 0 > "$DBG/rate_hz"
	echo "$_path" > "$DBG/paths"
	echo 0 > "$DBG/work_ns"
	for _pct in "$@"; do
		echo "$_pct" > "$DBG/guard_pct"
		h0=$(source_key holds)
		echo "$_rate" > "$DBG/rate_hz"
		sleep 2
		h1=$(source_key holds)
		ktap_print_msg "$_path alone at $_rate Hz, guard_pct $_pct: holds $h0 -> $h1 in 2 s without work"
		[ $((h1 - h0)) -le 1 ] && break
		echo 0 > "$DBG/rate_hz"
	done
	[ $((h1 - h0)) -le 1 ] || return 1
	for _round in 1 2 3; do
		if [ "$_round" -gt 1 ]; then
			echo 0 > "$DBG/work_ns"
			h0=$(source_key holds)
			sleep 2
			h1=$(source_key holds)
			ktap_print_msg "$_path alone at $_rate Hz, guard_pct $_pct: holds $h0 -> $h1 in 2 s without work (round $_round)"
		fi
		echo "$_work" > "$DBG/work_ns"
		sleep 2
		h2=$(source_key holds)
		ktap_print_msg "$_path alone at $_rate Hz, guard_pct $_pct: holds $h1 -> $h2 in 2 s at $((_work / 1000)) us"
		if [ $((h2 - h1)) -ge $((h1 - h0 + 3)) ]; then
			echo 0 > "$DBG/rate_hz"
			return 0
		fi
	done
	echo 0 > "$DBG/rate_hz"
	return 1
}
ktap_test_result "hard interrupt work alone engages the guard" guard_engages hardirq 1000 400000 30 40 60
worker=$(thread_pid "$(path_rule kthread_worker "$(rule_key thread)")") &&
	taskset -p 1 "$worker" >/dev/null
ktap_test_result "SCHED_FIFO thread work alone engages the guard" guard_engages kthread_worker 200 2250000 30 40 60 80
echo 0 > "$DBG/work_ns"
default_control guard_pct
echo all > "$DBG/paths"

ktap_test_result "every path at rest" wait_for at_rest 30
bad=$(identity_failures)
ktap_test_result "raised == executed + coalesced on every path, no inconsistency" test $bad -eq 0

irqdefer_unload
ktap_finished
