#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Module parameters: good ones take effect; a bad one fails insmod with a
# dmesg line saying why, and leaves nothing behind.

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 10

irqdefer_loaded && irqdefer_unload

# refused PARAM MESSAGE: insmod with PARAM fails, dmesg says MESSAGE.
refused() {
	dmesg -c >/dev/null
	# shellcheck disable=SC2086 # $1 may hold several parameters
	if irqdefer_load $1 2>/dev/null; then
		irqdefer_unload
		return 1
	fi
	dmesg | grep -q "irqdefer: $2" && nothing_left
}

ktap_test_result "paths=nope fails, says why" refused paths=nope "paths=nope: not a list"
ktap_test_result "cpu=4096 fails, says why" refused cpu=4096 "cpu=4096: not -1 or an online CPU"
ktap_test_result "rate_hz=10001 fails, says why" refused rate_hz=10001 "rate_hz=10001: at most"
ktap_test_result "work_ns=10000001 fails, says why" refused work_ns=10000001 "work_ns=10000001: at most"
ktap_test_result "sleep_ms=101 fails, says why" refused sleep_ms=101 "sleep_ms=101: at most"
ktap_test_result "rate_hz=10000 work_ns=100000 (6 s/s of atomic work) fails, says why" \
	refused "rate_hz=10000 work_ns=100000" "rate_hz=10000 with work_ns=100000: more than 1000000000 ns per second"

# A parameter given twice: 6.12's module_param takes the last; 7.x's
# module! parameters are set once, and the kernel refuses the second.
case $(uname -r) in
[0-6].*)
	irqdefer_load cpu=0 cpu=1
	ktap_test_result "cpu=0 cpu=1: 6.12 takes the last" test "$(cat $DBG/cpu)" = 1
	irqdefer_unload
	;;
*)
	ktap_test_result "cpu=0 cpu=1: 7.x fails the load, the kernel says why" \
		refused "cpu=0 cpu=1" "\`1' invalid for parameter \`cpu'"
	;;
esac

irqdefer_load paths=tasklet,wq cpu=0 work_ns=1000
ktap_test_result "paths=tasklet,wq cpu=0 work_ns=1000 take effect" \
	test "$(cat $DBG/paths)" = "tasklet,wq" -a "$(cat $DBG/cpu)" = 0 -a "$(cat $DBG/work_ns)" = 1000
irqdefer_unload
irqdefer_load rate_hz=500
sleep 0.5
ktap_test_result "rate_hz=500 starts the periodic source at load" \
	test "$(cat $DBG/rate_hz)" = 500 -a "$(snap hardirq raised)" -gt 0
irqdefer_unload
ktap_test_result "unload with the periodic source running leaves nothing" nothing_left

ktap_finished
