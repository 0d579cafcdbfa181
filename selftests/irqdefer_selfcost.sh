#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# selfcost: the module times what measuring costs, part by part, in hard
# interrupt, softirq and task context. The instrument must be able to
# fail: a known extra cost (a busy-wait of EXTRA_NS added to each latency
# recorded, the `histogram` part) shows in that part and in `full` less
# `count`, within a tolerance, and is gone again without it. Bad writes are
# refused and change nothing; the paths' statistics are never touched.

. "$(dirname "$0")/lib.sh"

F=$DBG/selfcost
# Iterations per part and class, and the known extra cost, ns: the most
# a write takes, so that the noise below is the smallest part of it.
N=${SELFCOST_N:-5000}
K=${SELFCOST_EXTRA_NS:-20000}
# How far from K the extra cost may read, percent of K: below, and above.
# The busy-wait ends on its first clock read past EXTRA_NS, so it never
# reads short, but it overshoots: by a clock read or two (0.8 to 3.8 us
# under TCG on the debug kernel), by any stall of the vCPU inside it, and,
# where interrupts are on, by the tick's share of its chunk (200 waits of
# 20 us: a chunk holds a tick at HZ=250). And under TCG a whole run can go
# at half the speed of the next (the baseline of full - count 2.6 to 11.5
# us in one boot). Seen: +11 to +40% on 7.3 debug; with 10000 ns,
# +7 to +36% on the others, up to +55% on 7.3 debug beside another VM. A
# missing extra cost reads -100%; one counted twice +100% and more, as
# the overshoot only adds.
TOL_LO=25
TOL_HI=75

# cost CLASS COMPONENT: its net ns per call in the last run's figures.
cost() {
	awk -v c="class=$1" -v p="component=$2" '$1 == "cost" && $2 == c && $3 == p {
		for (i = 4; i <= NF; i++) if (index($i, "net=") == 1) print substr($i, 5) }' "$F"
}
limit() { awk -v k="$1" '$2 == "selfcost_limits" { for (i = 3; i <= NF; i++)
	if (index($i, k "=") == 1) print substr($i, length(k) + 2) }' "$F"; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
classes="hardirq softirq task"
parts="empty clock context classify histogram counters trace atomic count full measuring parts"

ktap_print_header
ktap_set_plan 7

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
[ -e "$F" ] || ktap_skip_all "no $F"

min=$(limit iterations_min) max=$(limit iterations_max) kmax=$(limit extra_ns_max)
ktap_print_msg "limits: iterations $min..$max, extra_ns 0..$kmax, $(limit extra_total_ns_max) ns of extra in all"
# refused: nothing before a run, and every bad write refused, leaving none.
refused() {
	! grep -q '^cost' "$F" &&
		write_fails "$F" $((min - 1)) && write_fails "$F" $((max + 1)) &&
		write_fails "$F" x && write_fails "$F" '' && write_fails "$F" "$min $((kmax + 1))" &&
		write_fails "$F" "$max $kmax" && write_fails "$F" "$min 1 2" &&
		! grep -q '^cost' "$F"
}
ktap_test_result "no figures before a run; out-of-range and malformed writes refused (ERANGE, EINVAL)" refused

# run EXTRA: one run of N iterations; prints its figures.
run() {
	echo "$N $1" > "$F" || return
	for c in $classes; do
		line=
		for p in $parts; do line="$line $p=$(cost $c $p)"; done
		ktap_print_msg "extra $1 ns, $c:$line"
	done
}

# complete: every class has every part, and full costs more than count.
complete() {
	for c in $classes; do
		for p in $parts; do [ -n "$(cost $c $p)" ] || return 1; done
		below "$(cost $c count)" "$(cost $c full)" || return 1
	done
}
# Each figure is kept at its lowest: a stall of the vCPU (the host busy
# with other VMs: two VMs' four vCPUs on two cores) inside many chunks
# moves even a run's median, and only ever up.
# base CLASS PART: the lowest figure of every run without extra cost.
base() { eval echo "\$base_$1_$2"; }
# best CLASS PART: the lowest figure of the runs of shows_in_runs so far.
best() { eval echo "\$best_$1_$2"; }
lowest() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
lower_base() { for c in $classes; do for p in histogram measuring; do
	eval "base_${c}_$p=$(lowest "$(cost $c $p)" "$(base $c $p)")"; done; done; }
keep_best() { for c in $classes; do for p in histogram measuring; do
	eval "best_${c}_$p=$(lowest "$(cost $c $p)" "$(best $c $p)")"; done; done; }
forget_best() { for c in $classes; do for p in histogram measuring; do
	eval "best_${c}_$p="; done; done; }
# shows E: in every class, histogram and full - count read E (K, or 0
# once it is taken away) over the runs without extra cost, from
# E - TOL_LO% to E + TOL_HI% of K.
shows() {
	ok=0
	for c in $classes; do
		for p in histogram measuring; do
			d=$(awk -v a="$(best $c $p)" -v b="$(base $c $p)" 'BEGIN { print a - b }')
			ktap_print_msg "$c $p: +$d ns against $1 added"
			awk -v d="$d" -v e="$1" -v k="$K" -v lo="$TOL_LO" -v hi="$TOL_HI" \
				'BEGIN { exit !(d >= e - k * lo / 100 && d <= e + k * hi / 100) }' || ok=1
		done
	done
	return $ok
}

# The paths' own statistics, before: nothing raised.
raised0=$(awk '$2 == "raised" { s += $3 } END { print s + 0 }' "$DBG/snapshot")

run 0
ktap_test_result "$N iterations: every part in every class, full above count" complete
lower_base
run 0
lower_base
# none: the histogram part below K/2 in every class.
none() { for c in $classes; do below "$(cost $c histogram)" $((K / 2)) || return 1; done; }
ktap_test_result "without an extra cost, none shows (histogram below $((K / 2)) ns in every class)" none

# A stall moves the figures without extra cost as much as those with it
# (seen: the runs after the extra was taken away read 1.2 us below the
# first two, in softirq, on 7.3 beside the debug VM). So the run is made
# up to five times, each figure kept at its lowest, until every class
# reads within the bounds, and every retry measures the baseline again:
# an E of 0 lowers it with its own figures, another E with a run without
# extra cost before its own. A cost counted twice, or not at all, or left
# behind once taken away, is out of the bounds in every run.
shows_in_runs() { # E EXTRA
	forget_best
	for _try in 1 2 3 4 5; do
		if [ "$2" -ne 0 ] && [ "$_try" -gt 1 ]; then
			run 0
			lower_base
		fi
		run "$2"
		keep_best
		[ "$2" -eq 0 ] && lower_base
		shows "$1" && return 0
		ktap_print_msg "run $_try: the lowest figures so far are outside the bounds"
	done
	return 1
}
ktap_test_result "an extra $K ns per latency shows in histogram and in full - count (-$TOL_LO% to +$TOL_HI%)" shows_in_runs "$K" "$K"
ktap_test_result "the run says what it added" grep -q "^meta selfcost iterations=[0-9]* extra_ns=$K\$" "$F"

ktap_test_result "taken away, it is gone: histogram and full - count back to the first run (-$TOL_LO% to +$TOL_HI% of $K)" shows_in_runs 0 0

raised1=$(awk '$2 == "raised" { s += $3 } END { print s + 0 }' "$DBG/snapshot")
ktap_test_result "the paths' statistics untouched (raised $raised0 -> $raised1)" test "$raised0" -eq "$raised1"

irqdefer_unload
ktap_finished
