#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Nothing is lost: after bursts of 1, 10 and 10000 interrupts on every path,
# each path's requests were all run or coalesced (raised == executed +
# coalesced, exactly), its top halves equal the kernel's count for its line
# in /proc/interrupts (or, for a top half forced into a thread, at least
# each; the rest were merged by the IRQ core before any top half), and its
# bookkeeping found no inconsistency.

. "$(dirname "$0")/lib.sh"

ktap_print_header
irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"
ktap_set_plan $((3 * NPATHS))

for n in 1 10 10000; do
	echo 1 > "$DBG/reset"
	for p in $ALL_PATHS; do
		eval "before_$p=$(proc_interrupts_count "$(irq_of "$p")")"
	done
	echo "$n" > "$DBG/trigger"
	wait_for at_rest 30
	for p in $ALL_PATHS; do
		r=$(snap "$p" raised) e=$(snap "$p" executed) c=$(snap "$p" coalesced)
		after=$(proc_interrupts_count "$(irq_of "$p")")
		eval "delta=\$((after - before_$p))"
		bad=$(( $(snap "$p" spurious) + $(snap "$p" mismatch) ))
		desc="burst $n: $p raised $r = executed $e + coalesced $c, /proc/interrupts +$delta"
		[ "$r" -eq "$delta" ] ||
			desc="$desc, $((delta - r)) merged before the top half ($(snap "$p" top_threaded) top halves threaded)"
		ok=0
		[ "$r" -eq $((e + c)) ] && [ "$bad" -eq 0 ] && top_halves_for "$p" "$delta" && ok=1
		ktap_test_result "$desc" test $ok -eq 1
	done
done

irqdefer_unload
ktap_finished
