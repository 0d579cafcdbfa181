#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the VM to measure irqdefer (scripts/guest/bench.sh),
# then report (`irqdefer-report bench`, scripts/irqdefer-report):
# out/bench.md, out/bench.json.
#
#   scripts/bench.sh              three boots: 2 vCPUs, everything; then
#                                 4 and 8 vCPUs, the scaling phase only
#   BENCH_SMOKE=1 scripts/bench.sh   one short boot, 3 paths (for make check),
#                                 reported in out/bench-smoke.md
#
# The guest's raw results stay in out/bench/<boot>.txt. FLAVOUR, ACCEL,
# MEM and APPEND pass through to scripts/vm.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

raw=$IRQDEFER_ROOT/out/bench
mkdir -p "$raw"
start=$SECONDS

# The host tool first, so that its build does not compete with the VM.
REPORT_DIR=$IRQDEFER_ROOT/scripts/irqdefer-report
msg "building the report tool (scripts/irqdefer-report)"
cargo build --quiet --locked --release --manifest-path "$REPORT_DIR/Cargo.toml"

# boot NAME SMP WHAT TIMEOUT: one VM run of the guest's bench.sh.
boot() {
	msg "bench boot '$1': $2 vCPUs, irqdefer_bench=$3"
	SMP=$2 VM_TIMEOUT=$4 APPEND="irqdefer_bench=$3 ${APPEND:-}" \
		VM_LOG="$raw/$1.console.log" \
		"$IRQDEFER_ROOT/scripts/vm.sh" bench "$1" "$raw/$1.txt" ||
		die "bench boot '$1' failed (console: $raw/$1.console.log)"
	files+=("$raw/$1.txt")
}

files=()
if [ "${BENCH_SMOKE:-0}" = 1 ]; then
	boot smoke 2 smoke 300
else
	# 2 vCPUs for everything; more vCPUs only for scaling. The host has 2
	# cores, so 4 and 8 vCPUs are QEMU MTTCG threads sharing them.
	boot smp2 2 all 1500
	boot smp4 4 scaling 600
	boot smp8 8 scaling 600
fi
msg "bench boots done in $((SECONDS - start))s"
# A smoke run reports beside, not over, the real one.
report=$IRQDEFER_ROOT/out/bench
[ "${BENCH_SMOKE:-0}" = 1 ] && report+=-smoke
"$REPORT_DIR/target/release/irqdefer-report" bench \
	--md "$report.md" --json "$report.json" "${files[@]}"
