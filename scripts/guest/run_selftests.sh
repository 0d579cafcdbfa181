#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs irqdefer's selftests in the guest, as kselftest's runner does: a
# top-level KTAP plan with one result per script, each script's own KTAP
# output nested behind "# ".

cd "$(dirname "$0")/selftests" || exit 1
if [ $# -gt 0 ]; then
	tests="$*"
else
	tests=$(ls irqdefer_*.sh)
fi
n=0
for t in $tests; do n=$((n + 1)); done
# On a kernel with kmemleak, the runner adds one last test: no object
# allocated during the run is left unreferenced after the last unload.
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -e $KMEMLEAK ] && n=$((n + 1)) && echo clear > $KMEMLEAK
# On the debug flavour, a last test checks that its checkers were live to
# the end: a checker that never started, or that switched itself off after
# a first report (lockdep does), would let the run pass unwatched.
# KASAN says so once, at boot: look before the tests fill the log.
if [ "${irqdefer_flavour:-}" = debug ]; then
	n=$((n + 1))
	kasan=no
	dmesg -s 4194304 | grep -q 'KernelAddressSanitizer initialized' && kasan=yes
fi

echo "TAP version 13"
echo "1..$n"
i=0
fail=0
for t in $tests; do
	i=$((i + 1))
	echo "# selftests: irqdefer: $t"
	t0=$(cut -d' ' -f1 /proc/uptime)
	( ./"$t" 2>&1; echo $? >/tmp/rc ) | sed 's/^/# /'
	rc=$(cat /tmp/rc)
	echo "# $t: $(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime) s"
	case $rc in
	0) echo "ok $i selftests: irqdefer: $t" ;;
	4) echo "ok $i selftests: irqdefer: $t # SKIP" ;;
	*) echo "not ok $i selftests: irqdefer: $t # exit=$rc"; fail=1 ;;
	esac
done
if [ -e $KMEMLEAK ]; then
	i=$((i + 1))
	grep -q '^irqdefer ' /proc/modules && rmmod irqdefer
	# kmemleak reports only objects older than 5 s, found in two scans.
	sleep 6
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	if [ -s $KMEMLEAK ]; then
		sed 's/^/# /' $KMEMLEAK | head -60
		echo "not ok $i kmemleak: unreferenced objects after the last unload"
		fail=1
	else
		echo "ok $i kmemleak: no unreferenced object after the last unload"
	fi
fi
if [ "${irqdefer_flavour:-}" = debug ]; then
	i=$((i + 1))
	dead=
	[ $kasan = yes ] || dead="$dead KASAN"
	grep -q 'debug_locks: *1' /proc/lockdep_stats 2>/dev/null || dead="$dead lockdep"
	grep -q 'enabled: *1' /sys/kernel/debug/kfence/stats 2>/dev/null || dead="$dead KFENCE"
	[ -e $KMEMLEAK ] || dead="$dead kmemleak"
	if [ -n "$dead" ]; then
		echo "not ok $i debug checkers live to the end: not live:$dead"
		fail=1
	else
		echo "ok $i debug checkers live to the end: KASAN, lockdep, KFENCE, kmemleak"
	fi
fi
exit $fail
