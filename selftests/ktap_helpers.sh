#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# KTAP output for irqdefer's selftests, after the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh (busybox sh friendly).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KTAP_TESTNO=1
KTAP_PLAN=
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header() { echo "TAP version 13"; }
ktap_set_plan() {
	KTAP_PLAN=$1
	echo "1..$1"
}
ktap_print_msg() { echo "# $*"; }

ktap_test_pass() {
	echo "ok $KTAP_TESTNO $*"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_fail() {
	echo "not ok $KTAP_TESTNO $*"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_skip() {
	echo "ok $KTAP_TESTNO $1 # SKIP ${2:-}"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

# ktap_test_result DESC CMD...: pass if CMD succeeds.
ktap_test_result() {
	desc=$1
	shift
	if "$@"; then ktap_test_pass "$desc"; else ktap_test_fail "$desc"; fi
}

# Skips the whole script: plan 0, exit 4.
ktap_skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# As the kernel's ktap_finished: a run whose results do not add up to its
# plan (a test that never reported, or one reported twice) fails.
ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
	if [ -n "$KTAP_PLAN" ] &&
		[ $((KTAP_CNT_PASS + KTAP_CNT_FAIL + KTAP_CNT_SKIP)) -ne "$KTAP_PLAN" ]; then
		echo "# Planned tests != run tests ($KTAP_PLAN != $((KTAP_CNT_PASS + KTAP_CNT_FAIL + KTAP_CNT_SKIP)))"
		exit $KSFT_FAIL
	fi
	if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
		exit $KSFT_FAIL
	elif [ "$KTAP_CNT_PASS" -eq 0 ] && [ "$KTAP_CNT_SKIP" -gt 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}
