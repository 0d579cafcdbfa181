#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Readers racing reset: every reading file is read in a loop while another
# loop resets as fast as it can, under the storm (10 kHz on every path).
# A reader that sees half a reset (a histogram from before it, min and max
# from after) must still get numbers, never crash the kernel. Resets hold
# the device without disabling its lines, so no top half is ever replayed
# later from the IRQ resend tasklet: every run of the hardirq path is in
# hard interrupt context.

. "$(dirname "$0")/lib.sh"

SECS=${RACE_SECS:-10}

ktap_print_header
ktap_set_plan 6

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

uptime_s() { cut -d. -f1 /proc/uptime; }
end=$(($(uptime_s) + SECS))
# Each reader counts its reads and the reads that failed (a reader killed
# by an oops ends its loop: its count file is never written).
reader() { # NAME FILES...
	name=$1
	shift
	n=0 bad=0
	while [ "$(uptime_s)" -lt $end ]; do
		for i in 1 2 3 4 5 6 7 8; do
			cat "$@" >/dev/null 2>&1 || bad=$((bad + 1))
		done
		n=$((n + 8))
	done
	echo "$n $bad" > "/tmp/race.$name"
}
rm -f /tmp/race.*
echo 10000 > "$DBG/rate_hz"
reader latency "$DBG"/*/latency &
reader latency2 "$DBG"/*/latency &
reader snapshot "$DBG/snapshot" /proc/irqdefer "$DBG"/*/histogram "$DBG"/*/context &
resets=0 busy=0
while [ "$(uptime_s)" -lt $end ]; do
	if echo 1 > "$DBG/reset" 2>/dev/null; then
		resets=$((resets + 1))
	else
		busy=$((busy + 1))
	fi
done
wait
echo 0 > "$DBG/rate_hz"
read -r nl badl < /tmp/race.latency || nl=0 badl=-1
read -r nl2 badl2 < /tmp/race.latency2 || nl2=0 badl2=-1
nl=$((nl + nl2)) badl=$((badl + badl2))
[ "$badl2" -ge 0 ] || badl=-1
read -r ns bads < /tmp/race.snapshot || ns=0 bads=-1
ktap_print_msg "$SECS s: $resets resets ($busy busy), $nl latency rounds ($badl failed), $ns snapshot rounds ($bads failed)"
# A reset waits for every raised interrupt and bottom half: under KASAN
# and TCG, 5 in 10 s were seen.
ktap_test_result "resets ran under the storm" test "$resets" -ge 3
ktap_test_result "latency readers survived every round, no read failed" test "$nl" -gt 0 -a "$badl" -eq 0
ktap_test_result "snapshot, histogram, context and /proc readers survived, no read failed" \
	test "$ns" -gt 0 -a "$bads" -eq 0
ktap_test_result "every path at rest after the storm" wait_for at_rest 10
ktap_test_result "no bookkeeping inconsistency (spurious, mismatch)" test "$(inconsistencies)" -eq 0
e=$(snap hardirq executed) h=$(snap hardirq ctx_hardirq)
ktap_print_msg "hardirq path since the last reset: $e runs, $h in hard interrupt context"
ktap_test_result "every hardirq run was in hard interrupt context (none replayed by a resend)" \
	test "$e" -gt 0 -a "$e" -eq "$h"

irqdefer_unload
ktap_finished
