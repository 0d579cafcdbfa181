#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hostile input: every writable debugfs file refuses empty writes, junk,
# negative numbers, values past u64, oversized and binary writes, and
# writes that do not start at offset 0, and its state reads back unchanged;
# concurrent writers leave a valid state; a non-root user can read
# /proc/irqdefer and write no control.

. "$(dirname "$0")/lib.sh"

CONTROLS="trigger rate_hz cpu paths work_ns sleep_ms guard_pct measure reset"

ktap_print_header
ktap_set_plan 12

irqdefer_loaded && irqdefer_unload
irqdefer_load || ktap_skip_all "insmod failed"

state() { # everything a refused write must leave as it was
	for f in rate_hz cpu paths work_ns sleep_ms guard_pct measure; do cat "$DBG/$f"; done
	snap hardirq raised
	snap hardirq injected
}

tried=0
refused_all() { # NAME WRITER: WRITER F must fail for every control F
	before=$(state)
	for f in $CONTROLS; do
		tried=$((tried + 1))
		if $2 "$DBG/$f" 2>/dev/null; then
			ktap_print_msg "$1 accepted by $f"
			return 1
		fi
	done
	[ "$(state)" = "$before" ]
}

w_empty() { echo > "$1"; }
w_junk() { echo "zzz-17" > "$1"; }
w_negative() { echo -2 > "$1"; }
w_past_u64() { echo 18446744073709551616 > "$1"; }
w_huge() { head -c 4096 /dev/zero | tr '\0' '1' > "$1"; }
w_binary() { printf '\001\377\000\2001\n' > "$1"; }
w_offset() { echo 1 | dd of="$1" bs=1 seek=1 conv=notrunc 2>/dev/null; }
w_spaces() { echo " 1 " > "$1"; }

ktap_test_result "empty writes are refused, nothing changes" refused_all empty w_empty
ktap_test_result "junk is refused, nothing changes" refused_all junk w_junk
ktap_test_result "negative numbers are refused, nothing changes" refused_all negative w_negative
ktap_test_result "values past u64 are refused, nothing changes" refused_all past-u64 w_past_u64
ktap_test_result "4 KiB writes are refused, nothing changes" refused_all huge w_huge
ktap_test_result "binary junk is refused, nothing changes" refused_all binary w_binary
ktap_test_result "writes at an offset (partial writes) are refused" refused_all offset w_offset
ktap_test_result "padded numbers are refused, nothing changes" refused_all spaces w_spaces
ktap_print_msg "$tried hostile writes tried"

# A value split over two write() calls on one open file: the second part
# is not a new value. "10" then "00" on one descriptor must leave 10.
split_write() { # FILE PART1 PART2
	(printf '%s' "$2" && sleep 0.1 && printf '%s' "$3") > "$1" 2>/dev/null
	cat "$1"
}
ktap_test_result "a value split over two writes: the second is refused (rate_hz 10, not 0)" \
	test "$(split_write "$DBG/rate_hz" 10 00)" = 10
echo 0 > "$DBG/rate_hz"
ktap_test_result "a value split over two writes: the second is refused (work_ns 12, not 3)" \
	test "$(split_write "$DBG/work_ns" 12 3)" = 12
echo 0 > "$DBG/work_ns"

# Concurrent writers, valid and invalid, on every setting at once.
writer() {
	end=$(( $(cut -d. -f1 /proc/uptime) + 3 ))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		echo "$2" > "$DBG/$1" 2>/dev/null
		echo "$3" > "$DBG/$1" 2>/dev/null
	done
}
writer rate_hz 100 20000 & writer rate_hz 0 x &
writer paths "tasklet,wq" all & writer paths nope "" &
writer work_ns 1000 0 & writer cpu 0 -1 &
writer sleep_ms 0 1000 & writer trigger 10 0 &
wait
echo 0 > "$DBG/rate_hz"
valid=1
case $(cat "$DBG/rate_hz") in 0) ;; *) valid=0 ;; esac
case $(cat "$DBG/paths") in "tasklet,wq" | "$(echo $ALL_PATHS | tr ' ' ',')") ;; *) valid=0 ;; esac
case $(cat "$DBG/work_ns") in 1000 | 0) ;; *) valid=0 ;; esac
case $(cat "$DBG/cpu") in 0 | -1) ;; *) valid=0 ;; esac
ktap_test_result "8 concurrent writers for 3 s leave only valid settings" test $valid -eq 1
wait_for at_rest 10

if ! command -v su >/dev/null; then
	ktap_test_skip "non-root user" "no su in this userland"
else
	as_nobody() { su -s /bin/sh nobody -c "$1"; }
	ok=1
	as_nobody "cat $PROC" | grep -q 'CPU0' || ok=0
	for f in $CONTROLS; do
		as_nobody "echo 1 > $DBG/$f" 2>/dev/null && ok=0
	done
	as_nobody "cat $DBG/snapshot" >/dev/null 2>&1 && ok=0
	ktap_test_result "nobody reads /proc/irqdefer, writes no control, reads no debugfs file" test $ok -eq 1
fi

irqdefer_unload
ktap_finished
