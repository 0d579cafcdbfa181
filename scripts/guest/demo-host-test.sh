#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo-host's entry point (scripts/demo-host.sh, here
# /irqdefer/demo-host.sh) tested in the VM, as if the guest were the host
# (scripts/vm.sh demo-host): first what it must refuse, then a short run,
# with the module loaded from its file and then already loaded.
#
#   demo-host-test.sh BUNDLE
#
# BUNDLE collects what the host checks (scripts/tests/report_sections.py):
# each file after a line "IRQDEFER-FILE NAME": refusals.txt, and the
# run's report-host.txt, report-host.html, report-host.json and
# results/host.txt.
#
# Refusals, each checked for a non-zero exit, its message, and nothing
# changed (debugfs mounts, the module loaded or not):
#  - no module file (KO names none), debugfs unmounted;
#  - a KO that is not a module;
#  - a KO built for another kernel (its vermagic changed);
#  - a kernel configuration without CONFIG_RUST (KCONFIG: the guest
#    kernel has no /proc/config.gz, so the runs below also show the
#    "cannot tell" path);
#  - debugfs that cannot be mounted: its mount point hidden under a
#    read-only tmpfs on /sys/kernel.
# The runs: the matrix kept short by the irqdefer_* settings below
# (the kernel command line may override them).
bundle=${1:?usage: demo-host-test.sh BUNDLE}
. "$(dirname "$0")/module_lib.sh"
entry=/irqdefer/demo-host.sh
export REPORT=/bin/irqdefer-report HOG=/irqdefer/hog OUT=/tmp/out
export FLAVOUR=${irqdefer_flavour:-normal}
export irqdefer_rates=${irqdefer_rates:-single,1000}
export irqdefer_cell_ms=${irqdefer_cell_ms:-200}
export irqdefer_single_n=${irqdefer_single_n:-5}
export irqdefer_pressure=${irqdefer_pressure-rthog,overload}
export irqdefer_hog_ms=${irqdefer_hog_ms:-200}
export irqdefer_overload_pct=${irqdefer_overload_pct:-0,100}
export irqdefer_overload_ms=${irqdefer_overload_ms:-200}
refusals=/tmp/refusals.txt
: >"$refusals"
fail=0

state() {
	echo "debugfs mounted at: $(awk '$3 == "debugfs" { printf "%s ", $2 }' /proc/mounts)," \
		"module: $([ -d /sys/module/irqdefer ] && echo loaded || echo not loaded)"
}
note() { echo "$*" | tee -a "$refusals"; }

# refusal NAME EXPECTED [VAR=VALUE...]: the entry point, with VAR=VALUE in
# its environment, must exit non-zero, say EXPECTED, and change nothing.
refusal() {
	name=$1 expected=$2
	shift 2
	before=$(state)
	out=$(env "$@" sh "$entry" 2>&1)
	rc=$?
	after=$(state)
	verdict=ok
	[ "$rc" -ne 0 ] || verdict="FAILED: exit 0"
	echo "$out" | grep -qF "$expected" || verdict="FAILED: no '$expected'"
	[ "$before" = "$after" ] || verdict="FAILED: changed: $before -> $after"
	[ "$verdict" = ok ] || fail=1
	note "refusal '$name' ($*): exit $rc, $verdict"
	echo "$out" | sed 's/^/    /' | tee -a "$refusals"
}

umount /sys/kernel/debug
note "state before the refusals: $(state)"
refusal "no module file, debugfs unmounted" "/irqdefer/missing.ko does not exist" \
	KO=/irqdefer/missing.ko
refusal "not a module" "is not a kernel module (no vermagic" KO=/irqdefer/hog
rel=$(uname -r)
other=$(echo "$rel" | tr '0-9' '9')
sed "s/vermagic=$rel /vermagic=$other /" /irqdefer/irqdefer.ko >/tmp/other.ko
refusal "module built for another kernel" "was built for kernel $other, the running kernel is $rel" \
	KO=/tmp/other.ko
printf '# CONFIG_RUST is not set\nCONFIG_DEBUG_FS=y\n' >/tmp/config-norust
refusal "kernel without CONFIG_RUST" "built without Rust support" \
	KO=/irqdefer/irqdefer.ko KCONFIG=/tmp/config-norust
mount -t tmpfs -o ro,size=4k tmpfs /sys/kernel
refusal "debugfs not mountable" "debugfs is not mounted" KO=/irqdefer/irqdefer.ko
umount /sys/kernel
note "state after the refusals: $(state)"

# The run, loading the module from its file.
echo "demo-host-test: the run (module from KO)"
start=$(cut -d. -f1 /proc/uptime)
if KO=/irqdefer/irqdefer.ko BOOT=host sh "$entry"; then
	note "run (KO=/irqdefer/irqdefer.ko): ok in $(($(cut -d. -f1 /proc/uptime) - start)) s; after it: $(state)"
else
	note "run (KO=/irqdefer/irqdefer.ko): FAILED, exit $?"
	fail=1
fi
[ -d /sys/module/irqdefer ] && { note "FAILED: the module is still loaded after the run"; fail=1; }

# The run with the module loaded already: a tiny matrix.
insmod /irqdefer/irqdefer.ko && mount -t debugfs debugfs /sys/kernel/debug &&
	echo 2000 >/sys/kernel/debug/irqdefer/work_ns
start=$(cut -d. -f1 /proc/uptime)
if OUT=/tmp/out-loaded BOOT=host-loaded irqdefer_rates=1000 irqdefer_loads=idle \
	irqdefer_pressure= irqdefer_cell_ms=100 sh "$entry" >/dev/null; then
	note "run (module loaded already): ok in $(($(cut -d. -f1 /proc/uptime) - start)) s;" \
		"work_ns after it: $(control work_ns value); $(state)"
	[ -d /sys/module/irqdefer ] || { note "FAILED: the loaded module was unloaded"; fail=1; }
	off=$(controls_off_default)
	[ -z "$off" ] ||
		{ note "FAILED: the loaded module's controls were not restored:" $off; fail=1; }
else
	note "run (module loaded already): FAILED"
	fail=1
fi
rmmod irqdefer 2>/dev/null

: >"$bundle"
for f in refusals.txt:$refusals report-host.txt:/tmp/out/report-host.txt \
	report-host.html:/tmp/out/report-host.html report-host.json:/tmp/out/report-host.json \
	results/host.txt:/tmp/out/results/host.txt; do
	[ -f "${f#*:}" ] || continue
	{
		echo "IRQDEFER-FILE ${f%%:*}"
		cat "${f#*:}"
	} >>"$bundle"
done
exit $fail
