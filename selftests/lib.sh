#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers shared by irqdefer's selftests.

. "$(dirname "$0")/ktap_helpers.sh"

KO=${IRQDEFER_KO:-/irqdefer/irqdefer.ko}
DBG=/sys/kernel/debug/irqdefer
PROC=/proc/irqdefer

# Loads the module; then ALL_PATHS holds the names of its paths, from its
# registry (available_paths), and NPATHS their number. Every list of paths
# and every plan count that depends on them comes from these, or from the
# registry's rules (path_rule, paths_where): a script that needs them loads
# the module first.
ALL_PATHS=
NPATHS=0
irqdefer_load() {
	insmod "$KO" "$@" || return
	ALL_PATHS=$(cat "$DBG/available_paths") || return
	NPATHS=$(count_words $ALL_PATHS)
}
count_words() { echo $#; }
irqdefer_unload() { rmmod irqdefer; }
irqdefer_loaded() { grep -q '^irqdefer ' /proc/modules; }

# Whether nothing of the module is left: no module, files, IRQs or threads
# (irqdefer-thread, irqdefer-worker: the module's threads are irqdefer-*).
nothing_left() {
	! irqdefer_loaded && ! test -e "$PROC" && ! test -e "$DBG" &&
		! grep -q irqdefer /proc/interrupts && ! ps | grep -q '[i]rqdefer-'
}

# The pid of the kernel thread named $1, if any.
thread_pid() {
	for _d in /proc/[0-9]*; do
		[ "$(cat "$_d/comm" 2>/dev/null)" = "$1" ] && { echo "${_d#/proc/}"; return 0; }
	done
	return 1
}

# The Linux IRQ number of a path's line.
irq_of() { awk -v p="$1" '$1 == p && $2 == "irq" { print $3 }' "$DBG/snapshot"; }

# Sum over CPUs of an IRQ's count in /proc/interrupts.
proc_interrupts_count() {
	awk -v irq="$1:" '$1 == irq {
		s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
		print s
		found = 1
	} END { if (!found) print -1 }' /proc/interrupts
}

# A key of a path from the snapshot.
snap() { awk -v p="$1" -v k="$2" '$1 == p && $2 == k { print $3 }' "$DBG/snapshot"; }

# top_halves_for PATH N: whether PATH's top halves (raised) account for N
# interrupts delivered: one each, or, where the IRQ core forced them into a
# thread (threadirqs, PREEMPT_RT: every top half counted in top_threaded),
# between 1 and N, because the IRQ core merges an interrupt that comes while
# the thread's wake-up is pending, before any top half sees it.
top_halves_for() {
	_th_r=$(snap "$1" raised) _th_t=$(snap "$1" top_threaded)
	[ "$_th_r" -eq "$2" ] ||
		{ [ "$_th_t" -eq "$_th_r" ] && [ "$_th_r" -ge 1 ] && [ "$_th_r" -le "$2" ]; }
}

# The paths whose identity fails at rest (raised != executed + coalesced,
# or nothing raised), each named in a message, plus the bookkeeping errors:
# 0 when all is exact.
identity_failures() {
	_if_bad=0
	for _if_p in $ALL_PATHS; do
		_if_r=$(snap "$_if_p" raised) _if_e=$(snap "$_if_p" executed)
		_if_c=$(snap "$_if_p" coalesced)
		[ "$_if_r" -eq $((_if_e + _if_c)) ] && [ "$_if_r" -gt 0 ] || {
			ktap_print_msg "$_if_p: raised $_if_r, executed $_if_e, coalesced $_if_c" >&2
			_if_bad=$((_if_bad + 1))
		}
	done
	echo $((_if_bad + $(inconsistencies)))
}

# Sum of a path's row in /proc/irqdefer.
proc_row_sum() {
	awk -v p="$1:" '$1 == p { s = 0; for (i = 2; i <= NF; i++) s += $i; print s; f = 1 }
		END { if (!f) print -1 }' "$PROC"
}

# Waits up to $2 seconds (default 10) for command $1 to succeed.
wait_for() {
	_wait=$(( ${2:-10} * 10 ))
	while [ $_wait -gt 0 ]; do
		eval "$1" && return 0
		sleep 0.1
		_wait=$((_wait - 1))
	done
	return 1
}

# Whether writing $2 and a newline to file $1 fails.
write_fails() { ! echo "$2" > "$1" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || ktap_skip_all "must run as root"
[ -f "$KO" ] || ktap_skip_all "$KO not found"

# path_rule PATH KEY: a rule of PATH from the registry, the VALUE of KEY=VALUE
# in the snapshot's "meta path.PATH KEY=VALUE..." line (README, snapshot).
path_rule() {
	awk -v p="path.$1" -v k="$2=" '$1 == "meta" && $2 == p {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
	}' "$DBG/snapshot"
}

# The running preemption model (the snapshot's "meta preempt MODEL"), and
# rule_key KEY: the registry key holding rule KEY on it (context_rt,
# may_sleep_rt on rt; KEY elsewhere).
preempt_model() { awk '$1 == "meta" && $2 == "preempt" { print $3 }' "$DBG/snapshot"; }
rule_key() { if [ "$(preempt_model)" = rt ]; then echo "$1_rt"; else echo "$1"; fi; }

# paths_where KEY VALUE: the paths whose rule KEY is VALUE, in line order.
# paths_where KEY !VALUE: those whose rule KEY is not VALUE.
paths_where() {
	awk -v k="$1=" -v v="$2" '$1 == "meta" && $2 ~ /^path\./ {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) {
			x = substr($i, length(k) + 1)
			if (v ~ /^!/ ? x != substr(v, 2) : x == v) { printf "%s%s", sep, substr($2, 6); sep = " " }
		}
	} END { print "" }' "$DBG/snapshot"
}

# The bookkeeping errors over every path: spurious runs plus mismatches
# (README, "Accounting"; always 0).
inconsistencies() {
	awk '$2 == "spurious" || $2 == "mismatch" { s += $3 } END { print s + 0 }' "$DBG/snapshot"
}

# Whether every path's requests were run or coalesced (nothing pending).
all_at_rest() {
	awk '$2 == "raised" { r[$1] = $3 } $2 == "executed" { e[$1] = $3 }
	     $2 == "coalesced" { c[$1] = $3 }
	     END { for (p in r) if (r[p] != e[p] + c[p]) exit 1 }' "$DBG/snapshot"
}

# Sum over CPUs of a row of /proc/softirqs.
softirq_count() {
	awk -v k="$1:" '$1 == k { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs
}
