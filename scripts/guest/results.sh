# SPDX-License-Identifier: GPL-2.0
# The header every results file starts with, whatever it holds (the results
# grammar, samples/irqdefer-report/FORMAT.md, "Header"). Sourced by
# scenario.sh and bench.sh, in the guest; needs RAISE_CPU and the module
# loaded.

# results_header CAPTURE BOOT ACCEL FLAVOUR: the version line and the meta
# records every capture has. The capture's own meta records follow, then
# results_registry.
results_header() {
	echo "irqdefer-results 2"
	echo "meta capture $1"
	echo "meta kernel $(uname -r)"
	echo "meta boot $2"
	echo "meta flavour $4"
	echo "meta accel $3"
	echo "meta vcpus $(grep -c ^processor /proc/cpuinfo)"
	echo "meta cmdline $(cat /proc/cmdline)"
	echo "meta raise_cpu $RAISE_CPU"
	# The running preemption model, as the module's snapshot states it:
	# none, voluntary, full or rt.
	echo "meta preempt $(awk '$1 == "meta" && $2 == "preempt" { print $3; exit }' \
		/sys/kernel/debug/irqdefer/snapshot)"
}

# results_registry: the module's registry, one "meta path.NAME KEY=VALUE..."
# record per path, as its snapshot has them.
results_registry() {
	grep '^meta path\.' /sys/kernel/debug/irqdefer/snapshot
}
