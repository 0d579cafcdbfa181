#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: run the scenario matrix (scripts/guest/scenario.sh) in five
# boots of the VM, one per preemption model, then render the comparison
# with samples/irqdefer-report: tables in the terminal, out/report.html
# with the plots, out/report.json.
#
# Boots (BOOTS, default all five):
#   none, voluntary, full   the normal kernel (PREEMPT_DYNAMIC), preempt=...
#   threadirqs              the normal kernel, preempt=full threadirqs
#   rt                      the rt kernel (PREEMPT_RT), FLAVOUR=rt
# Each runs the matrix (every path at RATES, CPU 1 idle and busy); full and
# rt also the pressure scenarios (a SCHED_FIFO hog at 49 and 51, softirq
# overload).
#
# Budget: at most 12 minutes with the kernels cached on a 2-core TCG host;
# the cell lengths below are what fits. Environment: BOOTS, RATES
# (single,1000,10000), CELL_MS (400), SINGLE_N (15), HOG_MS (400),
# OVERLOAD_PCT (0,50,80,90,95,100), OVERLOAD_PCT_RT (the same),
# OVERLOAD_MS (500), and what scripts/vm.sh takes (SMP: 2; the matrix
# needs 2 or more).
#
# The rt boot adds `noirqdebug`: on PREEMPT_RT under TCG, sending the
# results (about 1 MB) out of the second serial port made the kernel's
# spurious-interrupt detector disable the port's interrupt ("irq 3: nobody
# cared": its forced-threaded handler finds most interrupts already
# served), and the transfer stalled; the detector has no part in the
# measurement.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$IRQDEFER_ROOT"

REPORT_DIR=samples/irqdefer-report
BOOTS=${BOOTS:-none voluntary full threadirqs rt}
RATES=${RATES:-single,1000,10000}
CELL_MS=${CELL_MS:-400}
SINGLE_N=${SINGLE_N:-15}
HOG_MS=${HOG_MS:-400}
OVERLOAD_PCT=${OVERLOAD_PCT:-0,50,80,90,95,100}
OVERLOAD_PCT_RT=${OVERLOAD_PCT_RT:-$OVERLOAD_PCT}
OVERLOAD_MS=${OVERLOAD_MS:-500}
start=$SECONDS

# The host tool first, so that its build does not compete with the VM.
msg "building the report tool ($REPORT_DIR)"
cargo build --quiet --release --manifest-path "$REPORT_DIR/Cargo.toml"
report=$REPORT_DIR/target/release/irqdefer-report

# The rt boot needs the rt kernel (built once, cached) and the module for it.
if [[ " $BOOTS " == *" rt "* ]]; then
	msg "the rt kernel and its module (make modules-rt)"
	"$IRQDEFER_ROOT/scripts/kernel.sh" build rt >/dev/null
	make --no-print-directory modules-rt >/dev/null
fi

files=()
set -- $BOOTS
nboots=$#
k=0
for boot in $BOOTS; do
	k=$((k + 1))
	flavour=normal
	words="irqdefer_rates=$RATES irqdefer_cell_ms=$CELL_MS irqdefer_single_n=$SINGLE_N"
	case $boot in
	none | voluntary | full) words+=" preempt=$boot" ;;
	threadirqs) words+=" preempt=full threadirqs" ;;
	rt) flavour=rt words+=" noirqdebug" ;;
	*) die "unknown boot '$boot' (none, voluntary, full, threadirqs, rt)" ;;
	esac
	if [ "$boot" = full ] || [ "$boot" = rt ]; then
		pct=$OVERLOAD_PCT
		[ "$boot" = rt ] && pct=$OVERLOAD_PCT_RT
		words+=" irqdefer_pressure=rthog,overload irqdefer_hog_ms=$HOG_MS"
		words+=" irqdefer_overload_pct=$pct irqdefer_overload_ms=$OVERLOAD_MS"
	fi
	out=out/results/$boot.txt
	msg "boot $k/$nboots '$boot' ($flavour kernel, +$words${APPEND:+ $APPEND}); $((SECONDS - start)) s so far"
	FLAVOUR=$flavour APPEND="$words ${APPEND:-}" "$IRQDEFER_ROOT/scripts/vm.sh" scenario "$boot" "$out"
	files+=("$out")
done

msg "rendering"
"$report" --html out/report.html --json out/report.json "${files[@]}"
msg "demo done in $((SECONDS - start)) s: out/report.html (open it in a browser), out/report.json"
