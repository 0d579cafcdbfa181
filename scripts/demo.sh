#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: run the scenario matrix (scripts/guest/scenario.sh) in two
# boots of the VM, without and with the `threadirqs` boot option, then
# render the comparison with samples/irqdefer-report: tables in the
# terminal, out/report.html with the plots.
#
# Environment: FLAVOUR (normal), SMP (2; the matrix needs 2 or more),
# BOOTS ("normal threadirqs"), and what scripts/vm.sh takes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$IRQDEFER_ROOT"

REPORT_DIR=samples/irqdefer-report
BOOTS=${BOOTS:-normal threadirqs}
start=$SECONDS

# The host tool first, so that its build does not compete with the VM.
msg "building the report tool ($REPORT_DIR)"
cargo build --quiet --release --manifest-path "$REPORT_DIR/Cargo.toml"
report=$REPORT_DIR/target/release/irqdefer-report

files=()
for boot in $BOOTS; do
	out=out/results/$boot.txt
	append=${APPEND:-}
	[ "$boot" = threadirqs ] && append+=" threadirqs"
	msg "scenario matrix, boot '$boot'${append:+ (kernel command line +$append)}"
	APPEND=$append "$IRQDEFER_ROOT/scripts/vm.sh" scenario "$boot" "$out"
	files+=("$out")
done

msg "rendering"
"$report" --html out/report.html --json out/report.json "${files[@]}"
msg "demo done in $((SECONDS - start)) s: out/report.html (open it in a browser), out/report.json"
