#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make check` runs after building and linting: each kernel of
# CHECK_KERNELS and its module, built or found cached; a debug kernel's VM
# run started in a background lane (CHECK_PARALLEL); the host-side tests
# (Python's unittest for the VM result judge and the scripts, cargo test
# for the module's pure logic in src/logic and for the report tool, whose
# tests cover the scenario and bench reports); then the selftests in the
# VM on each other kernel (on CHECK_KSELFTEST's by the kernel's own
# runner, run_kselftest.sh) and the bench smoke run, in both lanes. Prints
# one closing line, 'check: N passed, N failed[, N skipped]', and exits 1
# if anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$IRQDEFER_ROOT"
mkdir -p out
# Each step with the seconds since the start: the time budget (README).
msg() { printf '==> [%d s] %s\n' "$SECONDS" "$*" >&2; }

passed=0 failed=0 skipped=0
add_counts() { # parses 'N passed, N failed[, N skipped]' from a file
	local line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
	failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
	grep -q skipped <<<"$line" &&
		skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")))
}
status=0

# cargo test for one crate, logged to LOG, closing with 'NAME: N passed,
# N failed' summed over its 'test result:' lines (one per test binary); a
# build failure has none, and counts as one failure. Run from the crate's
# directory, so that its .cargo/config.toml applies (src/logic builds in
# out/, not under src/). ARGS go to cargo test.
cargo_tests() { # NAME MANIFEST LOG [ARGS...]
	local name=$1 manifest=$2 log=$3 rc=0 p f
	shift 3
	(cd "$(dirname "$manifest")" && cargo test --locked "$@") >"$log" 2>&1 || rc=1
	read -r p f < <(awk '/^test result:/ { p += $4; f += $6; n++ }
		END { if (n == 0) f = 1; print p + 0, f + 0 }' "$log")
	((rc == 0 || f > 0)) || f=1
	((rc == 0 && f == 0)) || { cat "$log"; status=1; }
	echo "$name: $p passed, $f failed" | tee -a "$log"
	add_counts "$log"
}

# vm_judge LABEL RC: counts out/selftests-LABEL.log. A guest that did not
# finish, or a splat, fails the run even when every case that ran passed:
# count it, so that the closing line says so.
vm_judge() {
	local label=$1 rc=$2 log="out/selftests-$1.log"
	add_counts "$log"
	if ((rc != 0)); then
		status=1
		grep -q '^vm: .* [1-9][0-9]* failed' "$log" || {
			echo "vm ($label): the run itself failed (timeout, unfinished guest or splat): 1 failed"
			failed=$((failed + 1))
		}
	fi
}

# build_for SERIES FLAVOUR: set up, build (or find cached) the kernel and
# build the module for it; 0 when ready, 1 on a failure (counted), 2 when
# the series cannot be had (counted as skipped, with the reason).
build_for() {
	local series=$1 flavour=$2 log="out/build-$1-$2.log"
	if ! KERNEL_SERIES=$series "$IRQDEFER_ROOT/scripts/setup.sh" >"$log" 2>&1; then
		if grep -qE "no longer carries|could not read Debian's" "$log"; then
			echo "ok - selftests on $series $flavour # SKIP $(grep -oE "(Debian|could not read).*" "$log" | head -1)"
			skipped=$((skipped + 1))
			return 2
		fi
		cat "$log"
		echo "build ($series $flavour): setup failed: 1 failed"
		failed=$((failed + 1)) status=1
		return 1
	fi
	# 6.12's normal module is ./irqdefer.ko (make modules, and make lint's
	# clippy, before this script). Another series' normal module is built
	# with clippy (CLIPPY=1): its kernel crate's lints, warnings fail.
	local clippy=
	[ "$series" != 6.12 ] && [ "$flavour" = normal ] && clippy=CLIPPY=1
	if ! { KERNEL_SERIES=$series "$IRQDEFER_ROOT/scripts/kernel.sh" build "$flavour" &&
		{ [ "$series:$flavour" = 6.12:normal ] ||
			make -s -C "$IRQDEFER_ROOT" KERNEL_SERIES="$series" $clippy "modules-$flavour"; }; } >>"$log" 2>&1 ||
		grep -qE '^(warning|error)' "$log"; then
		grep -E -A8 '^(warning|error)' "$log" | head -60 || tail -30 "$log"
		echo "build ($series $flavour): kernel or module failed, or clippy warned: 1 failed"
		failed=$((failed + 1)) status=1
		return 1
	fi
}

# CHECK_KSELFTEST: the SERIES:FLAVOUR of CHECK_KERNELS whose selftests run
# by the kernel's own runner instead of the project's: run_kselftest.sh -c
# irqdefer from a kselftest install of selftests/ (vm.sh kselftest), every
# script, with the same checks around them and judged the same way
# (scripts/guest/run_selftests.sh, scripts/vm_result.py). By default 7.3
# normal: the newer runner (it exits 1 when a test failed, and prints its
# totals) in the VM, while the host tests run 6.12's, the default series'
# (scripts/tests/test_kselftest.py); the 6.12 normal kernel keeps the
# project's runner. None if CHECK_KERNELS does not list it.
kselftest_kernel=${CHECK_KSELFTEST:-7.3:normal}

# CHECK_KERNELS: SERIES:FLAVOUR, every selftest; SERIES:FLAVOUR:A,B,...
# those scripts only (irqdefer_A.sh, irqdefer_B.sh, ...).
#
# The VM runs go in two lanes when the machine has two CPUs or more
# (CHECK_PARALLEL=0: one). A debug kernel's run is the longest (17
# minutes on 7.3 under TCG) and its guest keeps about one host CPU busy:
# it starts in the background lane as soon as its module is built (once
# every kernel is, where some are not cached), beside the other builds and
# the host tests. The other runs wait in a queue:
# the foreground lane takes them from its head, the background lane,
# once its debug run has ended, from its tail. Each run is claimed by
# renaming its file, so each runs once; the background lane's logs are
# printed and counted when both lanes are done.
parallel=${CHECK_PARALLEL:-$(($(nproc) >= 2))}
lanes=out/lanes
rm -rf "$lanes"
mkdir -p "$lanes/queue" "$lanes/fg" "$lanes/bg"
bg_pid=
queued=0

# enqueue LABEL SERIES FLAVOUR APPEND MODE [SCRIPT...]: a VM run for
# either lane, in order (MODE: test, the project's runner, or kselftest).
enqueue() {
	queued=$((queued + 1))
	printf '%s\n' "$@" >"$lanes/queue/$(printf %03d $queued)"
}

# read_run FILE: sets run_label, run_series, run_flavour, run_append,
# run_mode and run_scripts from a queue file.
read_run() {
	{
		read -r run_label
		read -r run_series
		read -r run_flavour
		read -r run_append
		read -r run_mode
		mapfile -t run_scripts
	} <"$1"
}

# vm_run FILE: the VM run a queue file describes, logged to
# out/selftests-LABEL.log; returns vm.sh's status. MODE bench-smoke: the
# benchmark harness in miniature (BENCH_SMOKE=1 scripts/bench.sh, one
# short boot), whose report must pass its own sanity checks (figures, not
# targets, are what a smoke run checks); it counts itself.
vm_run() {
	local log
	read_run "$1"
	log=out/selftests-$run_label.log
	if [ "$run_mode" = bench-smoke ]; then
		if BENCH_SMOKE=1 "$IRQDEFER_ROOT/scripts/bench.sh" >"$log" 2>&1; then
			echo "bench smoke: 1 passed, 0 failed" >>"$log"
		else
			echo "bench smoke: 0 passed, 1 failed" >>"$log"
		fi
		return 0
	fi
	KERNEL_SERIES=$run_series APPEND=$run_append FLAVOUR=$run_flavour \
		"$IRQDEFER_ROOT/scripts/vm.sh" "$run_mode" "${run_scripts[@]}" >"$log" 2>&1
}

# claim LANE head|tail: moves the next queued run into the lane's
# directory and prints its path; fails when the queue is empty.
claim() {
	local f
	for f in $(ls "$lanes/queue" | { [ "$2" = tail ] && sort -r || cat; }); do
		if mv "$lanes/queue/$f" "$lanes/$1/$f" 2>/dev/null; then
			echo "$lanes/$1/$f"
			return 0
		fi
	done
	return 1
}

# label_of FILE: the run's label; describe FILE: the run, in words.
label_of() { head -1 "$1"; }
describe() {
	read_run "$1"
	printf 'the %s %s kernel' "$run_series" "$run_flavour"
	[ -z "$run_append" ] || printf ' booted %s' "$run_append"
	[ "$run_mode" != kselftest ] || printf ", the kernel's kselftest runner"
	[ "$run_mode" != bench-smoke ] || printf ", the bench smoke run"
	((${#run_scripts[@]} == 0)) ||
		printf ' (%s)' "$(printf '%s\n' "${run_scripts[@]}" | sed 's/^irqdefer_//; s/\.sh$//' | paste -sd' ')"
	echo
}

# The background lane: its debug run, then, once the queue is complete
# (the "ready" mark), runs from its tail.
bg_lane() { # FILE
	local f=$1
	while :; do
		vm_run "$f"
		echo $? >"$f.rc"
		until [ -e "$lanes/ready" ]; do sleep 2; done
		f=$(claim bg tail) || break
		echo "$SECONDS" >"$f.start"
	done
}

# The foreground lane: runs from the head, each printed and counted.
fg_lane() {
	local f
	while f=$(claim fg head); do
		msg "VM selftests: $(describe "$f")"
		vm_run "$f"
		local rc=$?
		cat "out/selftests-$(label_of "$f").log"
		vm_judge "$(label_of "$f")" $rc
	done
}

# Every kernel and module is built (or found cached) first, a debug one
# first of all. Its VM run starts in the background lane as soon as it is
# ready, beside the other modules' builds, the host tests and the other VM
# runs, where the other kernels are cached; else once they are built: on
# a machine with nothing cached, four kernels built beside it (each with
# make -j3 on the two cores) kept the debug guest from finishing in its
# timeout, then 1500 s (2026-12-05: it had reached the 13th of 21 scripts).
others_cached=1
for k in ${CHECK_KERNELS:-6.12:normal}; do
	IFS=: read -r series flavour _ <<<"$k"
	[ "$flavour" = debug ] ||
		KERNEL_SERIES=$series "$IRQDEFER_ROOT/scripts/kernel.sh" dir "$flavour" >/dev/null 2>&1 ||
		others_cached=0
done
debug_run=
start_debug_lane() {
	[ -n "$debug_run" ] && ((parallel)) && [ -z "$bg_pid" ] || return 0
	local f=$lanes/bg/$debug_run
	mv "$lanes/queue/$debug_run" "$f"
	echo "$SECONDS" >"$f.start"
	msg "VM selftests: $(describe "$f"), in the background lane (out/selftests-$(label_of "$f").log)"
	bg_lane "$f" &
	bg_pid=$!
}
build_and_queue() { # SERIES:FLAVOUR[:SCRIPTS]
	local series flavour only scripts=() s
	IFS=: read -r series flavour only <<<"$1"
	msg "the $series $flavour kernel and its module"
	build_for "$series" "$flavour" || return 0
	[ -z "$only" ] || for s in ${only//,/ }; do scripts+=("irqdefer_$s.sh"); done
	local mode=test
	[ "$series:$flavour" != "$kselftest_kernel" ] || mode=kselftest
	enqueue "$series-$flavour" "$series" "$flavour" "" "$mode" "${scripts[@]}"
	[[ $1 != *:debug* ]] || [ -n "$debug_run" ] || debug_run=$(printf %03d $queued)
}
for k in ${CHECK_KERNELS:-6.12:normal}; do
	[[ $k == *:debug* ]] && build_and_queue "$k"
done
((others_cached == 0)) || start_debug_lane
for k in ${CHECK_KERNELS:-6.12:normal}; do
	[[ $k == *:debug* ]] || build_and_queue "$k"
done
start_debug_lane

# Forced IRQ threading without PREEMPT_RT: the normal kernel booted with
# threadirqs, for the selftests whose expectations depend on it (the load
# bounds count the softirqs a threaded top half raises as FIFO work).
if [[ " ${CHECK_KERNELS:-6.12:normal} " == *" 6.12:normal "* ]]; then
	enqueue threadirqs 6.12 normal threadirqs test irqdefer_bounds.sh irqdefer_controls.sh
fi
# Last in the queue, so that the background lane takes it first when its
# debug run ends.
enqueue bench-smoke 6.12 normal "" bench-smoke
touch "$lanes/ready"

msg "host tests"
if python3 -m unittest discover -s scripts/tests -p 'test_*.py' >out/host-tests.log 2>&1; then
	n=$(grep -oE '^Ran [0-9]+' out/host-tests.log | grep -oE '[0-9]+')
	echo "host: $n passed, 0 failed" | tee -a out/host-tests.log
else
	cat out/host-tests.log
	n=$(grep -oE '^Ran [0-9]+' out/host-tests.log | grep -oE '[0-9]+' || echo 0)
	f=$(grep -oE '(failures|errors)=[0-9]+' out/host-tests.log | grep -oE '[0-9]+' | paste -sd+ | bc)
	echo "host: $((n - ${f:-1})) passed, ${f:-1} failed" | tee -a out/host-tests.log
	status=1
fi
add_counts out/host-tests.log

# The module's own stamp, histogram and parser code, compiled for the host
# (unit and property tests: src/logic/tests).
msg "logic tests (cargo test in src/logic)"
cargo_tests logic src/logic/Cargo.toml out/logic-tests.log

msg "report tool tests (cargo test in scripts/irqdefer-report)"
# Optimised (with overflow checks, Cargo.toml): the bootstrap tests take
# 7 s, not 70, and the dependencies are those the VM runs build anyway.
cargo_tests "report tool" scripts/irqdefer-report/Cargo.toml out/report-tests.log --release

fg_lane

if [ -n "$bg_pid" ]; then
	msg "waiting for the background lane"
	wait "$bg_pid"
	for f in "$lanes"/bg/[0-9][0-9][0-9]; do
		[ -e "$f" ] || continue
		msg "VM selftests in the background lane, from $(cat "$f.start") s: $(describe "$f")"
		cat "out/selftests-$(label_of "$f").log"
		vm_judge "$(label_of "$f")" "$(cat "$f.rc" 2>/dev/null || echo 1)"
	done
fi

((failed == 0)) || status=1
tail=
((skipped == 0)) || tail=", $skipped skipped"
echo "check: $passed passed, $failed failed$tail"
exit $status
