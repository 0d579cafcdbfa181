#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# irqdefer's interface end to end, with nothing but echo, cat and grep:
# load the module on two paths, fire interrupts, read what ran where and
# how late, drive it from a timer, see bad input refused, reset, unload.
#
#   samples/debugfs-tour.sh [IRQDEFER_KO]   (as root; default ./irqdefer.ko)
#
# Every step prints its command, then the kernel's answer. It exits 1 if
# the kernel's answer is not what the step says (a request lost, bad input
# taken), 4 if it cannot run here. docs/interfaces.md describes each file.

KO=${1:-./irqdefer.ko}
D=/sys/kernel/debug/irqdefer

# run CMD...: prints the command, then runs it.
run() {
	echo "\$ $*"
	eval "$*"
}

# fail MSG: says what went wrong, unloads, exits 1.
fail() {
	echo "tour: $*" >&2
	rmmod irqdefer 2>/dev/null
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "tour: run it as root" >&2; exit 4; }
[ -r "$KO" ] || { echo "tour: no module at $KO" >&2; exit 4; }
grep -qw debugfs /proc/mounts || mount -t debugfs none /sys/kernel/debug
grep -q '^irqdefer ' /proc/modules && { echo "tour: irqdefer is loaded already" >&2; exit 4; }

echo "== 1. Load it on two paths, the interrupts raised on CPU 0."
run insmod "$KO" paths=tasklet,wq cpu=0 || exit 4
[ -d $D ] || { rmmod irqdefer; echo "tour: no $D (a kernel without DEBUG_FS?)" >&2; exit 4; }
run cat $D/available_paths
run "grep -E 'irqdefer-(tasklet|wq)\$' /proc/interrupts"
echo
echo "== 2. The registry: what the kernel promises of the tasklet path."
run "grep '^meta path.tasklet ' $D/snapshot | tr ' ' '\n' | grep -E '^(mechanism|softirq|context|may_sleep)='"
echo
echo "== 3. Fire 1000 interrupts on each path; wait until every request is served."
run "echo 1000 > $D/trigger"
for p in tasklet wq; do
	i=0
	until [ "$(cat $D/$p/raised)" = $(($(cat $D/$p/executed) + $(cat $D/$p/coalesced))) ]; do
		i=$((i + 1))
		[ $i -le 50 ] || fail "$p: raised is not executed + coalesced after 5 s"
		sleep 0.1
	done
done
echo
echo "== 4. What ran, where, and how late."
for p in tasklet wq; do
	run "echo raised \$(cat $D/$p/raised) executed \$(cat $D/$p/executed) coalesced \$(cat $D/$p/coalesced)"
	run cat $D/$p/latency "  # ns: min mean p50 p90 p99 p99.9 max"
	run "grep -v ' 0\$' $D/$p/context"
done
run cat /proc/irqdefer
# The kernel's count of each line: every interrupt fired. Where the IRQ core
# runs top halves in threads (threadirqs, PREEMPT_RT), interrupts that come
# before the thread runs share one top half: raised may then be fewer.
run "grep -E 'irqdefer-(tasklet|wq)\$' /proc/interrupts"
for p in tasklet wq; do
	# The CPU columns: as many as the header's words.
	n=$(awk -v l="irqdefer-$p" 'NR == 1 { c = NF } $NF == l { for (i = 2; i <= c + 1; i++) s += $i; print s; exit }' /proc/interrupts)
	[ "$n" = 1000 ] || fail "$p: 1000 fired, /proc/interrupts counts $n"
done
echo
echo "== 5. A periodic source instead: 200 Hz for one second, then off."
run "echo 200 > $D/rate_hz"
run sleep 1
run "echo 0 > $D/rate_hz"
run cat $D/wq/raised
echo
echo "== 6. Bad input is refused and changes nothing."
run "echo 99999 > $D/rate_hz" && fail "rate_hz took 99999 (above its 10000 Hz)"
run "echo nosuchpath > $D/paths" && fail "paths took a path that does not exist"
run cat $D/rate_hz $D/paths
echo
echo "== 7. Reset: waits for pending bottom halves, then zeroes every counter."
run "echo 1 > $D/reset"
run cat $D/tasklet/raised
[ "$(cat $D/tasklet/raised)" = 0 ] || fail "reset left tasklet/raised at $(cat $D/tasklet/raised)"
echo
echo "== 8. Unload."
run rmmod irqdefer || exit 1
echo "tour: done"
