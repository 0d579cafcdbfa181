#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers of irqdefer's selftests: KTAP (ktap_helpers.sh), the module's
# interface (module_lib.sh, shared with the guest scripts), and what only
# the tests need: loading, unloading, the identity checks.

. "$(dirname "$0")/ktap_helpers.sh"
. "$(dirname "$0")/module_lib.sh"

KO=${IRQDEFER_KO:-/irqdefer/irqdefer.ko}
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
# (irqdefer-thread, irqdefer-worker: the module's own threads are
# irqdefer-*; with the module gone, its snapshot cannot name them).
nothing_left() {
	! irqdefer_loaded && ! test -e "$PROC" && ! test -e "$DBG" &&
		! grep -q irqdefer /proc/interrupts && ! ps | grep -q '[i]rqdefer-'
}

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

# Whether writing $2 and a newline to file $1 fails.
write_fails() { ! echo "$2" > "$1" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || ktap_skip_all "must run as root"
[ -f "$KO" ] || ktap_skip_all "$KO not found"
