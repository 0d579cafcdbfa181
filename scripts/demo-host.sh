#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo-host: make demo's scenario matrix on the machine this runs on,
# no VM: a Rust-enabled 6.12 kernel on real hardware, or in a KVM guest.
# The same capture (scripts/guest/scenario.sh) and the same report
# (scripts/irqdefer-report): tables on stdout, OUT/report-host.html,
# OUT/report-host.json, the capture in OUT/results/BOOT.txt. The report is
# labelled with the accelerator detected from inside (detect_accel: bare
# metal, KVM or TCG).
#
# POSIX sh, for busybox too: scripts/vm.sh demo-host runs this very script
# inside the VM, as if the guest were the host (scripts/guest/demo-host-test.sh).
#
# It first checks, changing nothing, and refuses (exit 2, every problem
# named with its fix) when:
#  - it does not run as root (insmod, debugfs, SCHED_FIFO);
#  - the running kernel lacks an option irqdefer needs (CONFIG_RUST,
#    CONFIG_IRQ_SIM, CONFIG_DEBUG_FS, ...: the list is scripts/preflight.sh's),
#    read from KCONFIG, else /proc/config.gz, else /boot/config-$(uname -r)
#    (neither readable: it says it cannot tell, and lets insmod decide);
#  - debugfs is not mounted at /sys/kernel/debug and cannot be
#    (CONFIG_DEBUG_FS off, not in /proc/filesystems, no mount point; or,
#    once the rest passed, the mount itself fails, e.g. debugfs=off);
#  - the module is neither loaded nor found as a .ko built for the running
#    kernel: KO (default ./irqdefer.ko), its vermagic (modinfo -F
#    vermagic, else the .ko's .modinfo strings) against uname -r;
#  - fewer than 2 CPUs, a command missing, the report tool not built.
# A loaded module is used as it is (every control restored to its default,
# before and after: reset's defaults) and stays loaded; otherwise KO is
# loaded and unloaded at the end.
#
# Environment: KO, OUT (the repository's out/), REPORT (the report tool:
# built with cargo if cargo is there, else
# scripts/irqdefer-report/target/release/irqdefer-report), HOG (the
# real-time hog, scripts/guest/hog.c: built with cc into OUT/demo-host/ if
# not given), BOOT (the boot's name in the report, host), FLAVOUR (host),
# KCONFIG (the kernel configuration to read), and scenario.sh's settings
# (irqdefer_rates, irqdefer_cell_ms, irqdefer_single_n, irqdefer_pressure,
# irqdefer_hog_ms, irqdefer_overload_pct, irqdefer_overload_ms, ...), by
# default make demo's (scripts/demo.sh).
#
# On the machine: CPU 1 takes the interrupts, a CPU-bound loop and, for the
# real-time hog cells, a SCHED_FIFO loop (ending itself after 3 s at most)
# with RT throttling off meanwhile (restored after, and on an interrupted
# run): run it on a machine that can spare CPU 1 for a few minutes.

here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/guest/scenario.sh" ]; then
	guest=$here/guest
	root=$(cd "$here/.." && pwd)
elif [ -f "$here/scenario.sh" ]; then
	# Inside the VM: next to the guest scripts in /irqdefer.
	guest=$here
	root=
else
	echo "demo-host: scenario.sh not found next to $0" >&2
	exit 1
fi
. "$guest/module_lib.sh"
OUT=${OUT:-${root:-.}/out}
BOOT=${BOOT:-host}
FLAVOUR=${FLAVOUR:-host}
rel=$(uname -r)
DEBUGFS=/sys/kernel/debug

# make demo's matrix (scripts/demo.sh), unless the environment says
# otherwise; scenario.sh reads them.
export irqdefer_rates=${irqdefer_rates:-single,1000,10000}
export irqdefer_cell_ms=${irqdefer_cell_ms:-400}
export irqdefer_single_n=${irqdefer_single_n:-15}
export irqdefer_pressure=${irqdefer_pressure-rthog,overload}
export irqdefer_hog_ms=${irqdefer_hog_ms:-400}
export irqdefer_overload_pct=${irqdefer_overload_pct:-0,50,80,90,95,100}
export irqdefer_overload_ms=${irqdefer_overload_ms:-500}

say() { echo "demo-host: $*" >&2; }
problems=
problem() {
	problems="$problems
  - $*"
}

# Where this runs, from inside. Each answer is the first that holds:
#  - metal: the CPU does not report the "hypervisor" flag (CPUID leaf 1,
#    ECX bit 31: reserved as 0 on real CPUs, set by every hypervisor for
#    its guests);
#  - kvm: the KVM paravirtual clock, kvm-clock, is among the clocksources
#    (the kernel offers it only when the hypervisor's CPUID signature is
#    KVM's), or systemd-detect-virt --vm says kvm (it reads that signature;
#    --vm: a container on the machine is not the question), or the kernel
#    logged "Hypervisor detected: KVM";
#  - tcg: a hypervisor that is not KVM but is QEMU (systemd-detect-virt
#    says qemu, or the CPU model or the firmware's vendor names QEMU):
#    QEMU without KVM emulates the CPU (TCG). A KVM guest whose kernel
#    has neither kvm-clock nor the hypervisor detection, on a system
#    without systemd-detect-virt, is taken for TCG;
#  - vm: another hypervisor (VMware, Hyper-V, Xen, ...).
detect_accel() {
	grep -qw hypervisor /proc/cpuinfo || { echo metal; return; }
	virt=$(systemd-detect-virt --vm 2>/dev/null)
	if grep -qw kvm-clock /sys/devices/system/clocksource/clocksource0/available_clocksource 2>/dev/null ||
		[ "$virt" = kvm ] || dmesg 2>/dev/null | grep -q 'Hypervisor detected: KVM'; then
		echo kvm
	elif [ "$virt" = qemu ] || grep -q '^model name.*QEMU' /proc/cpuinfo ||
		grep -qs QEMU /sys/class/dmi/id/sys_vendor; then
		echo tcg
	else
		echo vm
	fi
}

# Where the running kernel's configuration can be read (none: empty).
kconfig_source() {
	if [ -n "${KCONFIG:-}" ]; then
		echo "$KCONFIG"
	elif [ -r /proc/config.gz ]; then
		echo /proc/config.gz
	elif [ -r "/boot/config-$rel" ]; then
		echo "/boot/config-$rel"
	fi
}

debugfs_mounted() {
	awk -v m="$DEBUGFS" '$2 == m && $3 == "debugfs" { f = 1 } END { exit !f }' /proc/mounts
}

# 1. Checks that change nothing.
[ "$(id -u)" = 0 ] ||
	problem "not root: loading the module, debugfs and the SCHED_FIFO hog need it; run 'sudo make demo-host' (or sudo scripts/demo-host.sh)"

kconfig_src=$(kconfig_source)
if [ -n "$kconfig_src" ] && ! [ -r "$kconfig_src" ]; then
	problem "KCONFIG=$kconfig_src is not readable"
elif [ -n "$kconfig_src" ]; then
	# Every option irqdefer needs (CONFIG_RUST, CONFIG_IRQ_SIM,
	# CONFIG_DEBUG_FS, ...): the list and its messages are preflight.sh's.
	kconfig_problems=$("$here/preflight.sh" config "$kconfig_src" "the running kernel ($rel)")
	while IFS= read -r line; do
		[ -z "$line" ] || problem "$line"
	done <<EOF
$kconfig_problems
EOF
else
	say "cannot tell whether the running kernel ($rel) has the options irqdefer needs (CONFIG_RUST, CONFIG_IRQ_SIM, ...): neither /proc/config.gz nor /boot/config-$rel is readable (KCONFIG=FILE names one); loading the module will tell"
fi

ko_arg=
if [ -d /sys/module/irqdefer ]; then
	say "irqdefer is loaded: using it as it is${KO:+ (not loading KO=$KO)}; it stays loaded"
else
	ko=${KO:-./irqdefer.ko}
	case $ko in /*) ;; *) ko=$(pwd)/${ko#./} ;; esac
	if ! [ -f "$ko" ]; then
		problem "the irqdefer module is not loaded, and $ko does not exist: build it against the running kernel ('make KDIR=/lib/modules/$rel/build', README, 'Your own kernel and a real machine') or name it with KO=path/to/irqdefer.ko"
	else
		# modinfo where it exists; busybox's reads only modules.dep's
		# modules: then the .ko's own .modinfo strings.
		vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{ print $1; exit }')
		[ -n "$vermagic" ] ||
			vermagic=$(tr '\000' '\n' <"$ko" | awk -F'[= ]' '/^vermagic=/ { print $2; exit }')
		if [ -z "$vermagic" ]; then
			problem "$ko is not a kernel module (no vermagic in it): name the irqdefer.ko built for $rel with KO="
		elif [ "$vermagic" != "$rel" ]; then
			problem "$ko was built for kernel $vermagic, the running kernel is $rel: rebuild it against this one ('make KDIR=/lib/modules/$rel/build') or name another with KO="
		fi
	fi
	ko_arg=$ko
fi

mount_debugfs=0
if ! debugfs_mounted; then
	if ! grep -qw debugfs /proc/filesystems; then
		problem "debugfs is not mounted, and the kernel does not offer it (not in /proc/filesystems): boot a kernel built with CONFIG_DEBUG_FS=y"
	elif ! [ -d "$DEBUGFS" ]; then
		problem "debugfs is not mounted, and its mount point $DEBUGFS is missing (is sysfs mounted at /sys?): mount sysfs, then 'mount -t debugfs debugfs $DEBUGFS'"
	else
		mount_debugfs=1
	fi
fi

ncpus=$(grep -c ^processor /proc/cpuinfo)
[ "$ncpus" -ge 2 ] ||
	problem "$ncpus CPU: the matrix raises interrupts on CPU 1 and runs itself on CPU 0; it needs 2 or more"

missing=
for c in taskset awk; do
	command -v $c >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$ko_arg" ] || for c in insmod rmmod; do
	command -v $c >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$missing" ] ||
	problem "commands missing:$missing (Debian: util-linux, mawk, kmod)"

# The report tool and the hog: given, or built, or buildable (built once
# the checks pass).
build_report=0
if [ -z "${REPORT:-}" ] && [ -n "$root" ]; then
	manifest=$root/scripts/irqdefer-report/Cargo.toml
	REPORT=$root/scripts/irqdefer-report/target/release/irqdefer-report
	command -v cargo >/dev/null 2>&1 && build_report=1
fi
[ "$build_report" = 1 ] || { [ -n "${REPORT:-}" ] && [ -x "$REPORT" ]; } ||
	problem "the report tool is not built (${REPORT:-REPORT unset}) and there is no cargo: build it as your user with 'cargo build --release --manifest-path scripts/irqdefer-report/Cargo.toml', or name it with REPORT="
build_hog=0
case ",$irqdefer_pressure," in
*,rthog,*)
	if [ -z "${HOG:-}" ]; then
		HOG=$OUT/demo-host/hog
		[ "$HOG" -nt "$guest/hog.c" ] || build_hog=1
	fi
	[ "$build_hog" = 0 ] || command -v "${CC:-cc}" >/dev/null 2>&1 ||
		problem "the real-time hog ($guest/hog.c) needs a C compiler, and ${CC:-cc} is missing: install one (Debian: gcc), name a built hog with HOG=, or leave the hog out with irqdefer_pressure=overload"
	[ "$build_hog" = 1 ] || [ -x "$HOG" ] ||
		problem "the real-time hog HOG=$HOG is not an executable"
	;;
esac

refuse() {
	echo "demo-host: cannot run make demo's matrix on this machine:$problems" >&2
	echo "demo-host: nothing was changed" >&2
	exit 2
}
[ -z "$problems" ] || refuse

# 2. Build what is missing (as whoever runs this: under sudo, the files
# are handed back to the user at the end).
if [ "$build_report" = 1 ]; then
	say "building the report tool (cargo build --release)"
	cargo build --quiet --locked --release --manifest-path "$manifest" ||
		{ say "the report tool did not build (cargo build --release --manifest-path $manifest)"; exit 1; }
fi
if [ "$build_hog" = 1 ]; then
	mkdir -p "$OUT/demo-host" && "${CC:-cc}" -O2 -o "$HOG" "$guest/hog.c" ||
		{ say "the real-time hog did not build (${CC:-cc} -O2 -o $HOG $guest/hog.c)"; exit 1; }
fi

# 3. Set up: debugfs, the module's state, and what to restore after.
if [ "$mount_debugfs" = 1 ]; then
	if ! err=$(mount -t debugfs debugfs "$DEBUGFS" 2>&1); then
		problem "debugfs is not mounted at $DEBUGFS and cannot be ('mount -t debugfs debugfs $DEBUGFS': ${err:-failed}); a kernel booted with debugfs=off or debugfs=no-mount refuses it: boot without that option"
		refuse
	fi
	say "mounted debugfs at $DEBUGFS (unmounted at the end)"
fi
rt_runtime=$(cat /proc/sys/kernel/sched_rt_runtime_us)
cleanup() {
	if [ -n "$ko_arg" ] && [ -d /sys/module/irqdefer ]; then
		echo 0 >"$DBG/rate_hz" 2>/dev/null
		rmmod irqdefer 2>/dev/null
	elif [ -z "$ko_arg" ] && [ -d "$DBG" ]; then
		# The module stays loaded, as it was: every control at its default.
		controls_defaults 2>/dev/null
	fi
	echo "$rt_runtime" >/proc/sys/kernel/sched_rt_runtime_us 2>/dev/null
	[ "$mount_debugfs" = 0 ] || umount "$DEBUGFS" 2>/dev/null
	[ -z "${SUDO_UID:-}" ] || chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" \
		"$OUT/results" "$OUT/demo-host" "$OUT"/report-host.* 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$ko_arg" ]; then
	# The loaded module with every control at its default, the scenario's
	# starting point (scenario.sh stops its periodic source).
	controls_defaults || { say "the module refused to restore its defaults (echo defaults > $DBG/reset)"; exit 1; }
fi

# busybox has usleep, Debian does not: one in seconds, for scenario.sh.
if ! command -v usleep >/dev/null 2>&1; then
	mkdir -p "$OUT/demo-host/bin"
	printf '#!/bin/sh\nexec sleep "$(awk -v u="$1" %s)"\n' \
		"'BEGIN { printf \"%.6f\", u / 1000000 }'" >"$OUT/demo-host/bin/usleep"
	chmod +x "$OUT/demo-host/bin/usleep"
	PATH=$OUT/demo-host/bin:$PATH
fi

# 4. The matrix, then the report.
accel=$(detect_accel)
results=$OUT/results/$BOOT.txt
mkdir -p "$OUT/results"
say "the matrix on $rel ($accel, $ncpus CPUs): rates $irqdefer_rates, ${irqdefer_cell_ms} ms cells, pressure ${irqdefer_pressure:-none}; capture in $results"
start=$(cut -d. -f1 /proc/uptime)
irqdefer_ko=$ko_arg irqdefer_hog=${HOG:-} sh "$guest/scenario.sh" "$results" "$BOOT" "$accel" "$FLAVOUR" ||
	{ say "the scenario failed (capture so far in $results)"; exit 1; }
say "matrix done in $(($(cut -d. -f1 /proc/uptime) - start)) s; rendering"
"$REPORT" --html "$OUT/report-host.html" --json "$OUT/report-host.json" "$results" \
	>"$OUT/report-host.txt" || { say "the report tool failed on $results"; exit 1; }
cat "$OUT/report-host.txt"
say "done: $OUT/report-host.html, $OUT/report-host.json (terminal: $OUT/report-host.txt)"
