#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Can irqdefer build, or run, on this kernel? Checks that change nothing,
# and a refusal that names every missing piece with its fix.
#
#   preflight.sh config FILE [LABEL]
#                                   the kernel options irqdefer needs, in
#                                   a kernel configuration (.config,
#                                   /proc/config.gz, /boot/config-*): one
#                                   problem per line on stdout, exit 2 if
#                                   any (make demo-host reads these lines);
#                                   LABEL names the kernel (the kernel)
#   preflight.sh build KDIR [RUSTC=... BINDGEN=...]
#                                   before building against the kernel
#                                   tree KDIR (make modules, make install,
#                                   DKMS): its options, its Rust metadata,
#                                   and that RUSTC and BINDGEN (default:
#                                   rustc, bindgen on PATH; the Makefile
#                                   passes scripts/lib.sh's or yours) are
#                                   the ones the kernel was built with;
#                                   the problems on stderr, exit 2 if any
#
# POSIX sh (busybox too: make demo-host runs in the VM's initramfs).

# The kernel options irqdefer needs, one line each: NAME|what needs it|how
# to get it. The one list: make demo-host, make install, make modules and
# DKMS read it from here; scripts/tests/test_preflight.py checks that the
# project's own kernels (scripts/config/base.config) set every one.
options() {
	cat <<'EOF'
RUST|irqdefer is a Rust module|build the kernel with CONFIG_RUST=y (on 6.12 that needs MODVERSIONS off), with the rustc and bindgen the module will be built with (README, "Your own kernel and a real machine"), or run 'make demo' (its own kernel, in a VM)
MODULES|irqdefer is a loadable module|build the kernel with CONFIG_MODULES=y
MODULE_UNLOAD|irqdefer is unloaded after every run (rmmod: make demo-host, the selftests)|build the kernel with CONFIG_MODULE_UNLOAD=y
IRQ_SIM|the virtual device is an irq_sim domain: real IRQ numbers, no hardware|IRQ_SIM has no prompt of its own: build the kernel with CONFIG_GPIO_SIM=y or =m, which selects it
NET|the napi paths need a (dummy) net device and NET_RX_SOFTIRQ, net_tx NET_TX_SOFTIRQ|build the kernel with CONFIG_NET=y
IRQ_POLL|the irq_poll path is lib/irq_poll.c on IRQ_POLL_SOFTIRQ|build the kernel with CONFIG_IRQ_POLL=y
DEBUG_FS|the controls and readings are in /sys/kernel/debug/irqdefer|build the kernel with CONFIG_DEBUG_FS=y
PROC_FS|the per-CPU counts are in /proc/irqdefer|build the kernel with CONFIG_PROC_FS=y
EOF
}

usage() {
	echo "usage: preflight.sh config FILE [LABEL] | preflight.sh build KDIR [RUSTC=PATH] [BINDGEN=PATH]" >&2
	exit 1
}

# read_config FILE: the configuration's text (gzip'd or not) on stdout.
read_config() {
	case $1 in
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# option_problems FILE LABEL: one line per option of options() that FILE
# (a kernel configuration) does not set to y, saying what needs it and how
# to get it. LABEL names the kernel in the message.
option_problems() {
	conf=$(read_config "$1") || { echo "$1 cannot be read as a kernel configuration"; return; }
	options | while IFS='|' read -r name why fix; do
		printf '%s\n' "$conf" | grep -qx "CONFIG_$name=y" && continue
		if [ "$name" = RUST ]; then
			# "built without Rust support": make demo-host's test
			# (scripts/guest/demo-host-test.sh) looks for these words.
			echo "$2 is built without Rust support (no CONFIG_RUST=y in $1): $why; $fix"
		else
			echo "$2 is built without CONFIG_$name (no CONFIG_$name=y in $1): $why; $fix"
		fi
	done
}

# config_value FILE NAME: the value of CONFIG_NAME in FILE, quotes removed.
config_value() {
	read_config "$1" | sed -n "s/^CONFIG_$2=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p"
}

# build_problems KDIR RUSTC BINDGEN: option_problems of KDIR's .config, and
# whether the tree can build a Rust module with this toolchain.
build_problems() {
	kdir=$1 rustc=$2 bindgen=$3
	if ! [ -f "$kdir/Makefile" ] || ! [ -f "$kdir/.config" ]; then
		echo "$kdir is not a configured kernel build tree (no Makefile or no .config): give KDIR= the kernel's build tree, e.g. /lib/modules/\$(uname -r)/build from its headers package"
		return
	fi
	rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || rel="the kernel in $kdir"
	label="the kernel $rel"
	option_problems "$kdir/.config" "$label"
	grep -qx 'CONFIG_RUST=y' "$kdir/.config" || return 0
	[ -f "$kdir/rust/libkernel.rmeta" ] ||
		echo "$kdir has no Rust metadata (rust/libkernel.rmeta): a Rust module builds only against a kernel tree that was built with CONFIG_RUST=y, or headers that carry its rust/ directory; give KDIR= that tree"
	want=$(config_value "$kdir/.config" RUSTC_VERSION_TEXT)
	if ! have=$("$rustc" --version 2>/dev/null); then
		echo "rustc '$rustc' cannot be run: give RUSTC= the rustc $label was built with${want:+ ($want)}"
	elif [ -n "$want" ] && [ "$have" != "$want" ]; then
		echo "$label was built with '$want', the module would be built with '$have' ($rustc): Rust has no stable ABI, so both must be the same; give RUSTC= the kernel's rustc"
	fi
	want=$(config_value "$kdir/.config" BINDGEN_VERSION_TEXT)
	if ! have=$("$bindgen" --version 2>/dev/null); then
		echo "bindgen '$bindgen' cannot be run: give BINDGEN= the bindgen $label was built with${want:+ ($want)} (scripts/setup.sh builds the project's into ~/.cache/irqdefer/tools/bin)"
	elif [ -n "$want" ] && [ "$have" != "$want" ]; then
		echo "$label was built with '$want', the module's C shim would be bound with '$have' ($bindgen): give BINDGEN= the kernel's bindgen"
	fi
}

[ $# -ge 2 ] || usage
mode=$1 target=$2
shift 2
case $mode in
config)
	[ $# -le 1 ] || usage
	[ -r "$target" ] || { echo "preflight: $target is not readable" >&2; exit 1; }
	out=$(option_problems "$target" "${1:-the kernel}")
	[ -z "$out" ] && exit 0
	printf '%s\n' "$out"
	exit 2
	;;
build)
	rustc=rustc bindgen=bindgen
	for a; do
		case $a in
		RUSTC=*) rustc=${a#RUSTC=} ;;
		BINDGEN=*) bindgen=${a#BINDGEN=} ;;
		*=*) ;; # the other kernel make arguments (HOSTRUSTC=, RUST_LIB_SRC=)
		*) usage ;;
		esac
	done
	out=$(build_problems "$target" "$rustc" "$bindgen")
	[ -z "$out" ] && exit 0
	{
		echo "preflight: cannot build irqdefer against $target:"
		printf '%s\n' "$out" | sed 's/^/  - /'
		echo "preflight: nothing was built"
	} >&2
	exit 2
	;;
*) usage ;;
esac
