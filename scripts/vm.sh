#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the irqdefer VM: the cached kernel, a busybox initramfs holding
# irqdefer.ko, the selftests and the guest scripts.
#
#   scripts/vm.sh test  [SCRIPT...]   run selftests (all, or those named);
#                                     print KTAP, a closing count line, and
#                                     exit 0 only if all passed and the
#                                     guest's log has no kernel splat
#   scripts/vm.sh kselftest [SCRIPT...]
#                                     the same by the kernel's own runner:
#                                     a kselftest install of selftests/
#                                     (scripts/kselftest.sh) in the
#                                     initramfs, run by its run_kselftest.sh
#                                     (-c irqdefer, or -t each one named);
#                                     the same checks around the scripts
#                                     (scripts/guest/run_selftests.sh), the
#                                     same judge (scripts/vm_result.py)
#   scripts/vm.sh demo                fire interrupts and show the counters
#   scripts/vm.sh scenario BOOT OUT   run the demo's scenario matrix, write
#                                     its results to OUT (the guest's second
#                                     serial port); BOOT names the boot
#                                     (e.g. "threadirqs", with APPEND=threadirqs)
#   scripts/vm.sh bench BOOT OUT      the same for the benchmarks (make bench)
#   scripts/vm.sh demo-host OUTDIR    make demo-host's entry point in the guest,
#                                     as if it were the host: its refusals,
#                                     then a short matrix; the report comes
#                                     back to OUTDIR and its sections are
#                                     compared with make demo's
#                                     (scripts/tests/report_sections.py)
#   scripts/vm.sh shell               an interactive shell in the guest
#
# Environment: KERNEL_SERIES (6.12, the default, or 7.3), FLAVOUR
# (kernel flavour: normal, debug, rt; 7.3 also rt-bhlock), SMP (vCPUs, 2),
# MEM (512M, 1G for debug: KASAN's shadow), VM_TIMEOUT (seconds: 600, or
# 2400 for debug, whose whole suite beside another VM took 17 minutes and,
# on a slower day, over 25: 1500 s cut off its closing kmemleak scan), KO
# (module: ./irqdefer.ko, or out/<flavour>-module/irqdefer.ko for debug, rt;
# for 7.3 out/7.3-<flavour>-module/irqdefer.ko),
# ACCEL (tcg or kvm; by default kvm only where a probe boot with it, cached,
# succeeded: nested KVM fails on this project's machines),
# APPEND (extra kernel command line).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-test}
shift || true
FLAVOUR=${FLAVOUR:-normal}
SMP=${SMP:-2}
# The debug kernel needs room for KASAN's shadow, time, and its own module.
case $FLAVOUR in
debug) mem=1G timeout=2400 ko=$IRQDEFER_ROOT/out/debug-module/irqdefer.ko ;;
rt*) mem=512M timeout=600 ko=$IRQDEFER_ROOT/out/$FLAVOUR-module/irqdefer.ko ;;
*) mem=512M timeout=600 ko=$IRQDEFER_ROOT/irqdefer.ko ;;
esac
# Another series' modules are all built apart (make modules-FLAVOUR).
[ "$KERNEL_SERIES" = 6.12 ] || ko=$IRQDEFER_ROOT/out/$KERNEL_SERIES-$FLAVOUR-module/irqdefer.ko
MEM=${MEM:-$mem}
VM_TIMEOUT=${VM_TIMEOUT:-$timeout}
KO=${KO:-$ko}

tree=$("$IRQDEFER_ROOT/scripts/kernel.sh" dir "$FLAVOUR") ||
	die "no $FLAVOUR kernel built: run 'make kernel' (or scripts/kernel.sh build $FLAVOUR)"
[ -f "$KO" ] || die "$KO not built: run 'make' ('make modules-$FLAVOUR' for the $FLAVOUR flavour)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run scripts/setup.sh"
[ -x /bin/busybox ] || die "/bin/busybox missing: run scripts/setup.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/irqdefer-vm.XXXXXX")
qemu_pid=
cleanup() {
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill -TERM "$qemu_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The initramfs.
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,irqdefer/selftests}
cp /bin/busybox "$root/bin/busybox"
cp "$KO" "$root/irqdefer/irqdefer.ko"
# The same module installed as a user installs it, by make install-built
# (the kernel's modules_install, then depmod), for irqdefer_install.sh's
# modprobe by name.
# A module built elsewhere (by DKMS, say) has no kbuild directory beside
# it: it is staged in one, as the kernel's install reads it.
moddir=$(dirname "$(readlink -f "$KO")")
if ! [ -f "$moddir/modules.order" ]; then
	moddir=$work/module
	mkdir -p "$moddir"
	cp "$KO" "$moddir/irqdefer.ko"
	echo irqdefer.o >"$moddir/modules.order"
fi
make -s -C "$IRQDEFER_ROOT" KDIR="$tree" INSTALL_M="$moddir" \
	INSTALL_MOD_PATH="$root" $("$IRQDEFER_ROOT/scripts/kernel.sh" makeargs "$FLAVOUR") \
	install-built >"$work/install.log" 2>&1 ||
	die "make install-built into the initramfs failed: $(tail -5 "$work/install.log")"
cp "$IRQDEFER_ROOT"/selftests/*.sh "$root/irqdefer/selftests/"
# The samples (selftests/irqdefer_samples.sh runs them), as in the tree: ../samples.
mkdir -p "$root/irqdefer/samples"
cp "$IRQDEFER_ROOT"/samples/*.sh "$root/irqdefer/samples/"
cp "$IRQDEFER_ROOT"/scripts/guest/* "$root/irqdefer/"
cp "$IRQDEFER_ROOT/scripts/guest/init" "$root/init"
cp "$IRQDEFER_ROOT/scripts/demo-host.sh" "$IRQDEFER_ROOT/scripts/preflight.sh" "$root/irqdefer/"
# The guest's C helpers (scripts/guest/*.c, the demo's real-time hog), static:
# the initramfs has no libc.
for c in "$IRQDEFER_ROOT"/scripts/guest/*.c; do
	[ -e "$c" ] || continue
	rm -f "$root/irqdefer/${c##*/}"
	gcc -static -O2 -o "$root/irqdefer/$(basename "$c" .c)" "$c" ||
		die "cannot build $c: gcc -static needs libc6-dev (scripts/setup.sh)"
done
# Host binaries the guest runs (make bench: cyclictest, from rt-tests, and
# perf, from linux-perf, 33 MB with its libraries, for the bench only;
# demo-host: the report tool), with their shared libraries at the same
# paths, where the host has them.
bins=cyclictest
[ "$mode" != bench ] || bins+=" perf"
if [ "$mode" = demo-host ]; then
	msg "building the report tool (scripts/irqdefer-report)"
	cargo build --quiet --locked --release --manifest-path "$IRQDEFER_ROOT/scripts/irqdefer-report/Cargo.toml"
	bins+=" $IRQDEFER_ROOT/scripts/irqdefer-report/target/release/irqdefer-report"
fi
for b in $bins; do
	bin=$(command -v "$b") || continue
	cp "$bin" "$root/bin/"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root${lib%/*}" && cp -L "$lib" "$root$lib"
	done
done
# The kernel's kselftest runner and the selftests as its collection.
if [ "$mode" = kselftest ]; then
	"$IRQDEFER_ROOT/scripts/kselftest.sh" "$root/kselftest" 2>/dev/null ||
		die "cannot install the selftests as a kselftest collection (scripts/kselftest.sh)"
fi
chmod +x "$root/init" "$root"/irqdefer/*.sh "$root"/irqdefer/selftests/*.sh "$root"/irqdefer/samples/*.sh
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc-passwd"
mkdir -p "$root/etc"
mv "$root/etc-passwd" "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"

results= boot=
if [ "$mode" = scenario ] || [ "$mode" = bench ]; then
	[ $# -eq 2 ] || die "usage: vm.sh $mode BOOT OUT"
	boot=$1 results=$2
	set --
	rm -f "$results"
	mkdir -p "$(dirname "$results")"
elif [ "$mode" = demo-host ]; then
	[ $# -eq 1 ] || die "usage: vm.sh demo-host OUTDIR"
	outdir=$1 boot=host results=$1/bundle.txt
	set --
	rm -rf "$outdir"
	mkdir -p "$outdir"
fi
args="$*"
# KVM where a short probe boot proves it works (once per QEMU version and
# kernel), TCG otherwise.
probe_kvm() {
	[ -w /dev/kvm ] || return 1
	local stamp
	stamp="$IRQDEFER_CACHE/kvm-probe-$( (qemu-system-x86_64 --version | head -1; echo "$tree") | md5sum | cut -c1-12)"
	if ! [ -f "$stamp" ]; then
		msg "probing KVM with a short boot (cached in $stamp)"
		if timeout --kill-after=2 20 qemu-system-x86_64 -accel kvm -smp 1 -m 256M -no-reboot \
			-display none -monitor none -serial stdio \
			-kernel "$tree/arch/x86/boot/bzImage" -initrd "$work/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 irqdefer_mode=probe" </dev/null 2>/dev/null |
			grep -q '^IRQDEFER-END probe'; then
			echo yes >"$stamp"
		else
			echo no >"$stamp"
		fi
	fi
	[ "$(cat "$stamp")" = yes ]
}
if [ -z "${ACCEL:-}" ]; then
	if probe_kvm; then ACCEL=kvm; else ACCEL=tcg; fi
fi

append="console=ttyS0 panic=-1 loglevel=5 log_buf_len=4M irqdefer_mode=$mode irqdefer_args=${args// /,}"
append+=" irqdefer_accel=$ACCEL irqdefer_flavour=$FLAVOUR ${boot:+irqdefer_boot=$boot} ${APPEND:-}"
log=${VM_LOG:-$work/console.log}
qemu=(qemu-system-x86_64 -accel "$ACCEL" -smp "$SMP" -m "$MEM" -no-reboot
	-kernel "$tree/arch/x86/boot/bzImage" -initrd "$work/initramfs.cpio.gz"
	-append "$append")

if [ "$mode" = shell ]; then
	msg "VM shell ($FLAVOUR kernel, $SMP vCPUs): insmod /irqdefer/irqdefer.ko; 'poweroff -f' or Ctrl-a x to leave"
	"${qemu[@]}" -nographic
	exit 0
fi

msg "booting the $FLAVOUR kernel in QEMU ($ACCEL, $SMP vCPUs, timeout ${VM_TIMEOUT}s)"
start=$SECONDS
serial2=()
[ -z "$results" ] || serial2=(-serial "file:$results")
# The log exists before tail looks for it (a tail that starts first exits).
: >"$log"
"${qemu[@]}" -display none -monitor none -serial stdio "${serial2[@]}" </dev/null >"$log" 2>&1 &
qemu_pid=$!
# Stream the console while the guest runs; stop it at the time limit.
tail -n +1 -f --pid="$qemu_pid" "$log" 2>/dev/null |
	sed -u -n 's/\r$//; /^IRQDEFER-BEGIN/,/^IRQDEFER-END/{/^IRQDEFER-/!p}' &
stream_pid=$!
timed_out=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	if ((SECONDS - start > VM_TIMEOUT)); then
		timed_out=1
		echo "error: the VM did not finish within ${VM_TIMEOUT}s; killing it" >&2
		kill -KILL "$qemu_pid" 2>/dev/null || true
		break
	fi
	sleep 0.5
done
wait "$qemu_pid" 2>/dev/null || true
wait "$stream_pid" 2>/dev/null || true
qemu_pid=
msg "VM finished in $((SECONDS - start))s"
[ -n "${VM_LOG:-}" ] || cp "$log" "$IRQDEFER_ROOT/out/console-$FLAVOUR.log" 2>/dev/null ||
	{ mkdir -p "$IRQDEFER_ROOT/out" && cp "$log" "$IRQDEFER_ROOT/out/console-$FLAVOUR.log"; }

if [ "$mode" = demo-host ]; then
	rc=0
	python3 "$IRQDEFER_ROOT/scripts/vm_result.py" --mode "$mode" --timed-out "$timed_out" "$log" || rc=1
	python3 "$IRQDEFER_ROOT/scripts/tests/report_sections.py" --accel "$ACCEL" "$results" "$outdir" || rc=1
	exit $rc
fi
exec python3 "$IRQDEFER_ROOT/scripts/vm_result.py" --mode "$mode" --timed-out "$timed_out" "$log"
