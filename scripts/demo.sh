#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: run the scenario matrix (scripts/guest/scenario.sh) in one
# boot of the VM per preemption model, then render the comparison with
# scripts/irqdefer-report: tables in the terminal, out/report.html with the
# plots, out/report.json, and the comparisons between boots that differ in
# one thing (out/compare-*.md, and .html with plots).
#
# DEMO_SERIES picks the kernels (default 7.3, Debian's newest):
#   7.3        boots full, lazy, threadirqs, rt, rt-bhlock; compares lazy
#              against full, and RT with the BH lock (rt-bhlock) against
#              RT without it (rt, 7.3's default)
#   6.12       boots none, voluntary, full, threadirqs, rt (6.12's models)
#   "6.12 7.3" the models both series have (full, threadirqs, rt) on each,
#              and each 7.3 boot compared against its 6.12 twin
# If Debian's archive no longer carries a series (and it is not cached),
# the demo says so and falls back to the newest supported series that is
# there, so that `make demo` keeps working.
#
# Boots (BOOTS, default: the series' models, above):
#   none, voluntary, full, lazy  the normal kernel (PREEMPT_DYNAMIC),
#                           preempt=...
#   threadirqs              the normal kernel, preempt=full threadirqs
#   rt                      the rt kernel (PREEMPT_RT), FLAVOUR=rt
#   rt-bhlock               7.3's rt kernel with PREEMPT_RT_NEEDS_BH_LOCK
# Each runs the matrix (every path at RATES, CPU 1 idle and busy; the
# non-RT models without threadirqs also busy in the kernel); full,
# rt and rt-bhlock also the pressure scenarios (a SCHED_FIFO hog at 49 and
# 51, softirq overload).
#
# Environment: DEMO_SERIES, BOOTS, IRQ_CPU (the CPU that takes the
# interrupts and the loads: 1; the scenario runs on another), DEMO_PLAN (1: print the boots, one
# "plan: SERIES BOOT FLAVOUR" line each, after the fallback, and stop), RATES (single,1000,10000), CELL_MS
# (400), SINGLE_N (15), HOG_MS (400), OVERLOAD_PCT (0,50,80,90,95,100),
# OVERLOAD_PCT_RT (the same), OVERLOAD_MS (500), and what scripts/vm.sh
# takes (SMP: 2; the matrix needs 2 or more). Captures go to
# out/results/<series>/<boot>.txt.
#
# The rt boots add `noirqdebug`: on PREEMPT_RT under TCG, sending the
# results (about 1 MB) out of the second serial port made the kernel's
# spurious-interrupt detector disable the port's interrupt ("irq 3: nobody
# cared": its forced-threaded handler finds most interrupts already
# served), and the transfer stalled; the detector has no part in the
# measurement.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$IRQDEFER_ROOT"

REPORT_DIR=scripts/irqdefer-report
DEMO_SERIES=${DEMO_SERIES:-7.3}
IRQ_CPU=${IRQ_CPU:-1}
case $IRQ_CPU in '' | *[!0-9]*) die "IRQ_CPU=$IRQ_CPU: a CPU number" ;; esac
RATES=${RATES:-single,1000,10000}
CELL_MS=${CELL_MS:-400}
SINGLE_N=${SINGLE_N:-15}
HOG_MS=${HOG_MS:-400}
OVERLOAD_PCT=${OVERLOAD_PCT:-0,50,80,90,95,100}
OVERLOAD_PCT_RT=${OVERLOAD_PCT_RT:-$OVERLOAD_PCT}
OVERLOAD_MS=${OVERLOAD_MS:-500}
start=$SECONDS

# The models each series has, and those both have.
series_boots() {
	case $1 in
	6.12) echo none voluntary full threadirqs rt ;;
	7.3) echo full lazy threadirqs rt rt-bhlock ;;
	*) die "unknown kernel series '$1' (supported: $SUPPORTED_SERIES)" ;;
	esac
}
COMMON_BOOTS="full threadirqs rt"

# Whether a series' source is here or can be fetched (6.12 is Debian 12's
# own package, installed by setup.sh). A fetch that fails has said why.
series_there() {
	[ "$1" = 6.12 ] && return 0
	(KERNEL_SERIES=$1 && . scripts/lib.sh && fetch_kernel_source) >&2
}

wanted=($DEMO_SERIES)
((${#wanted[@]} >= 1 && ${#wanted[@]} <= 2)) || die "DEMO_SERIES: one or two series (supported: $SUPPORTED_SERIES), not '$DEMO_SERIES'"
series=()
for s in "${wanted[@]}"; do
	series_boots "$s" >/dev/null
	if series_there "$s"; then
		series+=("$s")
	else
		msg "kernel series $s is not available (above); falling back"
	fi
done
if ((${#series[@]} == 0)); then
	# The newest supported series that is still there.
	for s in $(tr ' ' '\n' <<<"$SUPPORTED_SERIES" | sort -rV); do
		[[ " ${wanted[*]} " == *" $s "* ]] && continue
		if series_there "$s"; then series=("$s") && break; fi
	done
	((${#series[@]})) || die "no supported kernel series ($SUPPORTED_SERIES) is available"
	msg "running the demo on kernel series ${series[0]} instead of $DEMO_SERIES"
	BOOTS=
elif ((${#series[@]} < ${#wanted[@]})); then
	msg "comparing kernels needs both of $DEMO_SERIES: running ${series[0]} alone"
	BOOTS=
fi
if ((${#series[@]} == 2)); then
	: "${BOOTS:=$COMMON_BOOTS}"
else
	: "${BOOTS:=$(series_boots "${series[0]}")}"
fi

# Each boot's kernel flavour and command line.
flavour_of() {
	case $1 in
	rt | rt-bhlock) echo "$1" ;;
	*) echo normal ;;
	esac
}
words_of() { # SERIES BOOT
	local w="irqdefer_raise_cpu=$IRQ_CPU irqdefer_rates=$RATES irqdefer_cell_ms=$CELL_MS irqdefer_single_n=$SINGLE_N"
	[[ " $(series_boots "$1") " == *" $2 "* ]] ||
		die "kernel series $1 has no model '$2' (it has: $(series_boots "$1"))"
	case $2 in
	# The models that differ in how a task busy in the kernel is
	# preempted run that load too (kbusy).
	none | voluntary | full | lazy) w+=" preempt=$2 irqdefer_loads=idle,busy,kbusy" ;;
	threadirqs) w+=" preempt=full threadirqs" ;;
	rt | rt-bhlock) w+=" noirqdebug" ;;
	esac
	case $2 in
	full | rt | rt-bhlock)
		local pct=$OVERLOAD_PCT
		[ "$2" = full ] || pct=$OVERLOAD_PCT_RT
		w+=" irqdefer_pressure=rthog,overload irqdefer_hog_ms=$HOG_MS"
		w+=" irqdefer_overload_pct=$pct irqdefer_overload_ms=$OVERLOAD_MS"
		;;
	esac
	echo "$w"
}

# Every boot is one of its series' models.
for s in "${series[@]}"; do
	for b in $BOOTS; do words_of "$s" "$b" >/dev/null; done
done

# DEMO_PLAN=1: say what would run, and stop.
if [ -n "${DEMO_PLAN:-}" ]; then
	for s in "${series[@]}"; do
		for b in $BOOTS; do echo "plan: $s $b $(flavour_of "$b")"; done
	done
	exit 0
fi

# What each series needs installed (cargo among it, on a bare machine).
for s in "${series[@]}"; do
	KERNEL_SERIES=$s "$IRQDEFER_ROOT/scripts/setup.sh"
done

# The host tool first, so that its build does not compete with the VM.
msg "building the report tool ($REPORT_DIR)"
cargo build --quiet --locked --release --manifest-path "$REPORT_DIR/Cargo.toml"
report=$REPORT_DIR/target/release/irqdefer-report

# The kernels and modules the boots need (built once, cached).
for s in "${series[@]}"; do
	for f in $(for b in $BOOTS; do flavour_of "$b"; done | sort -u); do
		msg "the $s $f kernel and its module"
		KERNEL_SERIES=$s "$IRQDEFER_ROOT/scripts/kernel.sh" build "$f" >/dev/null
		if [ "$s/$f" = 6.12/normal ]; then
			make --no-print-directory KERNEL_SERIES=6.12 modules >/dev/null
		else
			make --no-print-directory KERNEL_SERIES="$s" "modules-$f" >/dev/null
		fi
	done
done

files=()
set -- $BOOTS
nboots=$((${#series[@]} * $#))
k=0
for s in "${series[@]}"; do
	mkdir -p "out/results/$s"
	for boot in $BOOTS; do
		k=$((k + 1))
		flavour=$(flavour_of "$boot")
		words=$(words_of "$s" "$boot")
		out=out/results/$s/$boot.txt
		msg "boot $k/$nboots: $s '$boot' ($flavour kernel, +$words${APPEND:+ $APPEND}); $((SECONDS - start)) s so far"
		KERNEL_SERIES=$s FLAVOUR=$flavour APPEND="$words ${APPEND:-}" \
			"$IRQDEFER_ROOT/scripts/vm.sh" scenario "$boot" "$out"
		files+=("$out")
	done
done

msg "rendering"
"$report" --html out/report.html --json out/report.json "${files[@]}"

# The comparisons of two boots that differ in one thing: A (before) and B.
rm -f out/compare-*.md out/compare-*.html
compare() { # NAME A B
	[ -f "$2" ] && [ -f "$3" ] || return 0
	msg "compare $(basename "$(dirname "$2")")/$(basename "$2" .txt) -> $(basename "$(dirname "$3")")/$(basename "$3" .txt): out/compare-$1.{md,html}"
	"$report" compare --format md "$2" "$3" >"out/compare-$1.md"
	"$report" compare --format html "$2" "$3" >"out/compare-$1.html"
	# In the terminal, what changed in words; the tables are in the files.
	"$report" compare "$2" "$3" | sed '/^-- Latency --$/,$d'
}
if ((${#series[@]} == 2)); then
	for boot in $BOOTS; do
		compare "$boot-${series[0]}-${series[1]}" "out/results/${series[0]}/$boot.txt" "out/results/${series[1]}/$boot.txt"
	done
elif [ "${series[0]}" = 7.3 ]; then
	compare lazy-full out/results/7.3/full.txt out/results/7.3/lazy.txt
	compare rt-bhlock out/results/7.3/rt-bhlock.txt out/results/7.3/rt.txt
fi
msg "demo done in $((SECONDS - start)) s: out/report.html (open it in a browser), out/report.json$(compgen -G 'out/compare-*.md' >/dev/null && echo ', out/compare-*.{md,html}')"
