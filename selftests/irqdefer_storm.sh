#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Storm: the periodic source at its top rate on every path for a bounded
# time, with concurrent resets and readers. The guest stays responsive, and
# once the storm stops every path is at rest with raised == executed +
# coalesced, exactly.

. "$(dirname "$0")/lib.sh"

SECS=${STORM_SECS:-8}

ktap_print_header
ktap_set_plan 5

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

echo 10000 > "$DBG/rate_hz"
end=$(( $(cut -d. -f1 /proc/uptime) + SECS ))
resets=0 reads=0 worst=0
(
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		cat "$DBG/snapshot" /proc/irqdefer "$DBG"/*/latency >/dev/null
	done
) &
reader=$!
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	t0=$(now_ms)
	echo 1 > "$DBG/reset" && resets=$((resets + 1))
	t1=$(now_ms)
	[ $((t1 - t0)) -gt $worst ] && worst=$((t1 - t0))
	sleep 0.2
done
wait $reader
r=$(snap hardirq raised)
echo 0 > "$DBG/rate_hz"
ktap_print_msg "$SECS s at 10000 Hz on $NPATHS paths: $resets resets, slowest reset+shell round trip ${worst} ms, hardirq raised $r since the last reset"
ktap_test_result "the storm raised interrupts" test "$r" -gt 0
ktap_test_result "resets succeed under the storm" test "$resets" -gt 0
ktap_test_result "the shell stayed responsive (every reset answered within 5 s)" test "$worst" -lt 5000
ktap_test_result "every path at rest after the storm" wait_for at_rest 10
ktap_test_result "no bookkeeping inconsistency (spurious, mismatch)" test "$(inconsistencies)" -eq 0

irqdefer_unload
ktap_finished
