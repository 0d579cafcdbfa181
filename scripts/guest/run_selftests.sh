#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs irqdefer's selftests in the guest, by one of two runners:
#
#   run_selftests.sh [SCRIPT...]      the project's own, below (vm.sh test)
#   run_selftests.sh -k [SCRIPT...]   the kernel's: run_kselftest.sh from
#                                     the kselftest install in /kselftest
#                                     (vm.sh kselftest): -c irqdefer, or
#                                     -t irqdefer:SCRIPT for each one named
#
# Both print kselftest's KTAP: a top-level plan with one result per script,
# each script's own KTAP nested behind "# ". Around the scripts, the same
# for both: the module they load (IRQDEFER_KO), each script's run time
# ("# SCRIPT: T s", just before its result), and the runner's own tests
# after the last script (run_checks). The project's runner counts those in
# its plan; after the kernel's, they are a KTAP document of their own.
# Exits 0 when every script and every check passed. IRQDEFER_KSFT (the
# install) and TMPDIR move what lives at the guest's paths, for a run on
# the host (scripts/tests/test_kselftest.py).

export IRQDEFER_KO="${IRQDEFER_KO:-/irqdefer/irqdefer.ko}"
KSFT=${IRQDEFER_KSFT:-/kselftest}
KMEMLEAK=/sys/kernel/debug/kmemleak
tmp=${TMPDIR:-/tmp}

# The project's runner: the scripts, in turn, from their directory.
own_runner() {
	echo "TAP version 13"
	echo "1..$(($# + checks))"
	n=0 failed=0
	for t; do
		n=$((n + 1))
		echo "# selftests: irqdefer: $t"
		( ./"$t" 2>&1; echo $? >"$tmp/rc" ) | sed 's/^/# /'
		rc=$(cat "$tmp/rc")
		case $rc in
		0) echo "ok $n selftests: irqdefer: $t" ;;
		4) echo "ok $n selftests: irqdefer: $t # SKIP" ;;
		*) echo "not ok $n selftests: irqdefer: $t # exit=$rc"; failed=1 ;;
		esac
	done
	return "$failed"
}

# The kernel's runner, on its install of the selftests: the whole
# collection, or each script named (irqdefer: may be left out). It logs to
# /dev/stdout: devtmpfs makes no such link (udev does), and a write to it
# would create a file there instead.
kernel_runner() {
	for fd in 0:stdin 1:stdout 2:stderr; do
		[ -e "/dev/${fd#*:}" ] || ln -s "/proc/self/fd/${fd%:*}" "/dev/${fd#*:}"
	done
	tests=
	for t; do tests="$tests -t irqdefer:${t#irqdefer:}"; done
	# shellcheck disable=SC2086 # one word per option
	"$KSFT/run_kselftest.sh" ${tests:--c irqdefer}
}

# with_times: the runner's output, with each script's run time, from its
# "# selftests: irqdefer: SCRIPT" line to its result, just before that.
with_times() {
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"# selftests: irqdefer: "*)
			t0=$(cut -d' ' -f1 /proc/uptime) ;;
		"ok "*" selftests: irqdefer: "* | "not ok "*" selftests: irqdefer: "*)
			t=${line#* selftests: irqdefer: }
			echo "# ${t%% *}: $(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime) s" ;;
		esac
		printf '%s\n' "$line"
	done
}

# The runner's own tests, what the scripts cannot see themselves. On a
# kernel with kmemleak: no object allocated during the run is left
# unreferenced after the last unload. On the debug flavour: its checkers
# were live to the end (a checker that never started, or that switched
# itself off after a first report, as lockdep does, would let the run pass
# unwatched). Counted, and their state taken, before the scripts run:
# kmemleak starts clear, and KASAN says it is there once, at boot.
checks=0
if [ -e $KMEMLEAK ]; then
	checks=$((checks + 1))
	echo clear >$KMEMLEAK
fi
if [ "${irqdefer_flavour:-}" = debug ]; then
	checks=$((checks + 1))
	kasan=no
	dmesg -s 4194304 | grep -q 'KernelAddressSanitizer initialized' && kasan=yes
fi

# run_checks FIRST: those tests, numbered from FIRST; fails if one fails.
run_checks() {
	n=$1 failed=0
	if [ -e $KMEMLEAK ]; then
		grep -q '^irqdefer ' /proc/modules && rmmod irqdefer
		# kmemleak reports only objects older than 5 s, found in two scans.
		sleep 6
		echo scan >$KMEMLEAK
		echo scan >$KMEMLEAK
		if [ -s $KMEMLEAK ]; then
			sed 's/^/# /' $KMEMLEAK | head -60
			echo "not ok $n kmemleak: unreferenced objects after the last unload"
			failed=1
		else
			echo "ok $n kmemleak: no unreferenced object after the last unload"
		fi
		n=$((n + 1))
	fi
	if [ "${irqdefer_flavour:-}" = debug ]; then
		dead=
		[ "$kasan" = yes ] || dead="$dead KASAN"
		grep -q 'debug_locks: *1' /proc/lockdep_stats 2>/dev/null || dead="$dead lockdep"
		grep -q 'enabled: *1' /sys/kernel/debug/kfence/stats 2>/dev/null || dead="$dead KFENCE"
		[ -e $KMEMLEAK ] || dead="$dead kmemleak"
		if [ -n "$dead" ]; then
			echo "not ok $n debug checkers live to the end: not live:$dead"
			failed=1
		else
			echo "ok $n debug checkers live to the end: KASAN, lockdep, KFENCE, kmemleak"
		fi
	fi
	return "$failed"
}

kernel=
if [ "${1:-}" = -k ]; then
	kernel=1 first=1
	shift
else
	cd "$(dirname "$0")/selftests" || exit 1
	[ $# -gt 0 ] || set -- irqdefer_*.sh
	first=$(($# + 1))
fi
{
	if [ -n "$kernel" ]; then kernel_runner "$@"; else own_runner "$@"; fi
	echo $? >"$tmp/runner-rc"
} | with_times
status=$(cat "$tmp/runner-rc")
if [ $checks -gt 0 ]; then
	# After the kernel's runner, a KTAP document of their own.
	[ -z "$kernel" ] || printf 'TAP version 13\n1..%d\n' $checks
	run_checks $first || status=1
fi
exit "$status"
