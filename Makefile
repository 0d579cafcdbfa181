# SPDX-License-Identifier: GPL-2.0
#
# irqdefer: user-facing targets. Kbuild (next to this file) is what the
# kernel's build system reads for the module itself.
#
#   make            build irqdefer.ko against KDIR
#   make demo       set up, build, run the scenario matrix in the VM on each
#                   preemption model of DEMO_SERIES (7.3: full, lazy,
#                   threadirqs, PREEMPT_RT without and with the BH lock; a
#                   real-time hog and softirq overload on full and the RTs),
#                   print the comparison tables, write out/report.html and
#                   out/compare-*.md; DEMO_SERIES="6.12 7.3" compares kernels
#   make demo-host  make demo's matrix on this machine, no VM (a Rust-enabled
#                   6.12 kernel, as root, the module loaded or KO=): report
#                   labelled bare metal, KVM or TCG, out/report-host.html
#   make check      set up, build, lint, and run every test (host and VM)
#   make torture    the torture selftest on the debug kernel (KASAN,
#                   lockdep), TORTURE_SECS long (default 600), and the
#                   init-failure loads
#   make bench      what measuring costs, top rates, accuracy against ftrace,
#                   scaling: out/bench.md
#   make report-png render out/report.html to out/report.png (headless Chromium)
#   make vm         a shell in the VM with the module ready to insmod
#   make install    install irqdefer.ko for the running kernel (or KDIR=):
#                   the kernel's modules_install (INSTALL_MOD_PATH,
#                   INSTALL_MOD_DIR honoured), then depmod; dkms.conf does
#                   the same through DKMS
#   make kselftest-install   the selftests as a kselftest collection, by the
#                   kernel's own install (run_kselftest.sh, kselftest/,
#                   kselftest-list.txt): KSFT_INSTALL_PATH, out/kselftest
#   make kernel     build (or find cached) the VM kernel (kernel-debug,
#                   kernel-rt: the other flavours; modules-debug,
#                   modules-rt: the module for them)
#   make lint       clippy (CLIPPY=1), rustfmt --check, checkpatch --strict
#   make fmt        rustfmt the Rust sources in place
#   make count-unsafe   unsafe blocks and shim lines each series compiles
#   make rust-analyzer   write rust-project.json
#   make clean

SHELL := /bin/bash
ROOT := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
SCRIPTS := $(ROOT)scripts

# KERNEL_SERIES: the series of the project's VM kernels, 6.12 (default) or
# 7.3 (scripts/lib.sh). A 7.3 module is built apart, in out/7.3-<flavour>-module
# (make KERNEL_SERIES=7.3 modules-normal, kernel-rt, modules-rt, ...).
KERNEL_SERIES ?= 6.12
export KERNEL_SERIES
# KDIR: the project's cached VM kernel when it is built, else the running
# kernel's headers. `make KDIR=/path/to/linux` builds against your own tree.
KDIR ?= $(shell KERNEL_SERIES=$(KERNEL_SERIES) $(SCRIPTS)/kernel.sh dir normal 2>/dev/null || echo /lib/modules/$$(uname -r)/build)

# The kernel must be built with Debian's rustc (docs/building.md, "Toolchain
# and the kernel cache"): scripts/lib.sh's rustc, library source and bindgen, unless
# RUSTC=, BINDGEN= or RUST_LIB_SRC= is given to make (on its command line or
# in the environment: DKMS), for a kernel of your own built with others.
KMAKE_ARGS := $(shell bash -c '. $(SCRIPTS)/lib.sh && kmake_args') \
	$(foreach v,RUSTC BINDGEN RUST_LIB_SRC,$(if $(filter command line environment,$(origin $(v))),$(v)=$($(v)))) \
	$(if $(filter command line environment,$(origin RUSTC)),HOSTRUSTC=$(RUSTC))
KMAKE = PATH=/usr/bin:$$PATH $(MAKE) -C $(KDIR) M=$(ROOT:/=) $(KMAKE_ARGS)
# Before a build: the kernel's options, its Rust metadata, the toolchain
# (scripts/preflight.sh); it refuses, naming what is missing.
PREFLIGHT = $(SCRIPTS)/preflight.sh build

# The kernel source behind KDIR (an O= build tree links it as "source").
KSRC = $(shell readlink -f $(KDIR)/source 2>/dev/null || echo $(KDIR))
RUSTFMT ?= /usr/bin/rustfmt
RUST_SRCS = $(shell find $(ROOT)src -name '*.rs')

.PHONY: all modules modules-normal modules-debug modules-rt modules-rt-bhlock clean setup \
	kernel kernel-debug kernel-rt kernel-rt-bhlock \
	demo demo-host check torture bench vm lint \
	fmt rust-analyzer report-png kselftest-install install install-built count-unsafe

all: modules

modules:
	@test -d $(KDIR) || { echo "KDIR=$(KDIR) is not a kernel build tree: run 'make kernel' or pass KDIR=" >&2; exit 1; }
	@$(PREFLIGHT) $(KDIR) $(KMAKE_ARGS)
	$(KMAKE) modules

# The module for the running kernel (/lib/modules/$(uname -r)/build), or
# for KDIR= when given: the irqdefer.ko built last (as `make modules_install`
# does: `make` first, as yourself, then `sudo make install`; built here only
# if there is none), refused if it was built for another kernel release;
# installed by the kernel's modules_install (into
# INSTALL_MOD_PATH/lib/modules/RELEASE/INSTALL_MOD_DIR, by default
# /lib/modules/RELEASE/updates; signed if the kernel signs its modules),
# then depmod, so that `modprobe irqdefer` finds it.
INSTALL_KDIR = $(if $(filter file,$(origin KDIR)),/lib/modules/$(shell uname -r)/build,$(KDIR))
DEPMOD ?= depmod
install:
	@rel=$$(cat $(INSTALL_KDIR)/include/config/kernel.release 2>/dev/null) || \
		{ echo "install: KDIR=$(INSTALL_KDIR) is not a configured kernel build tree" >&2; exit 1; }; \
	ko=$(ROOT)irqdefer.ko; \
	[ -f $$ko ] || $(MAKE) --no-print-directory KDIR=$(INSTALL_KDIR) modules || exit; \
	built=$$(PATH=$$PATH:/usr/sbin:/sbin modinfo -F vermagic $$ko | cut -d' ' -f1); \
	[ "$$built" = "$$rel" ] || { echo "install: $$ko was built for kernel $$built, not $$rel (KDIR=$(INSTALL_KDIR)): build it first with 'make KDIR=$(INSTALL_KDIR)'" >&2; exit 1; }
	@$(MAKE) --no-print-directory KDIR=$(INSTALL_KDIR) install-built

# The install itself, of the module built against KDIR (in INSTALL_M, by
# default this tree; scripts/vm.sh installs each flavour's module from
# out/ into the guest this way). modules_install runs depmod only in a
# tree with a System.map (a full build tree, not a headers package): then
# it is run here.
INSTALL_M ?= $(ROOT:/=)
install-built:
	PATH=/usr/bin:$$PATH $(MAKE) -C $(KDIR) M=$(INSTALL_M) $(KMAKE_ARGS) modules_install
	$(if $(wildcard $(KDIR)/System.map),,PATH=$$PATH:/usr/sbin:/sbin $(DEPMOD) -a \
		$(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $$(cat $(KDIR)/include/config/kernel.release))

clean:
	-test -d $(KDIR) && $(KMAKE) clean
	rm -rf $(ROOT)out $(ROOT)rust-project.json $(ROOT)irqdefer_shim_generated.rs

setup:
	@$(SCRIPTS)/setup.sh

kernel: setup
	@$(SCRIPTS)/kernel.sh build normal >/dev/null

kernel-debug: setup
	@$(SCRIPTS)/kernel.sh build debug >/dev/null

kernel-rt: setup
	@$(SCRIPTS)/kernel.sh build rt >/dev/null

# 7.3 only: PREEMPT_RT with PREEMPT_RT_NEEDS_BH_LOCK=y.
kernel-rt-bhlock: setup
	@$(SCRIPTS)/kernel.sh build rt-bhlock >/dev/null

# The module for another kernel flavour (debug, rt; and for a series
# other than 6.12 every flavour), built in a copy of the sources (a .ko is
# specific to the kernel configuration it was built against) into
# out/[<series>-]<flavour>-module, with the tree's compiler and libclang
# (debug: clang, LLVM=-16 or -19, from kernel.sh makeargs).
MODULE_PREFIX := $(if $(filter 6.12,$(KERNEL_SERIES)),,$(KERNEL_SERIES)-)
modules-normal modules-debug modules-rt modules-rt-bhlock: modules-%:
	@KDIR_F=$$($(SCRIPTS)/kernel.sh dir $*) || { echo "no $(KERNEL_SERIES) $* kernel: run 'make KERNEL_SERIES=$(KERNEL_SERIES) kernel-$*'" >&2; exit 1; }; \
	out=$(ROOT)out/$(MODULE_PREFIX)$*-module; \
	$(PREFLIGHT) $$KDIR_F $(KMAKE_ARGS) && \
	mkdir -p $$out && rsync -a --delete $(ROOT)Kbuild $(ROOT)src $$out/ && \
	PATH=/usr/bin:$$PATH $(MAKE) -C $$KDIR_F M=$$out $(KMAKE_ARGS) \
		$$($(SCRIPTS)/kernel.sh makeargs $*) modules

rust-analyzer:
	$(KMAKE) rust-analyzer

lint:
	@$(SCRIPTS)/lint.sh $(KDIR)

fmt:
	$(RUSTFMT) --edition 2021 --config-path $(KSRC)/.rustfmt.toml $(RUST_SRCS)
	cargo fmt --manifest-path $(ROOT)scripts/irqdefer-report/Cargo.toml

count-unsafe:
	@for s in 6.12 7.3; do $(SCRIPTS)/count-unsafe.sh $$s $(ROOT); done

# The targets below set up and build what is missing, then run.
# DEMO_SERIES: 7.3 (default: full, lazy, threadirqs, rt, rt-bhlock), 6.12
# (none, voluntary, full, threadirqs, rt) or "6.12 7.3" (the models both
# have, on each kernel, compared); scripts/demo.sh sets up and builds what
# its boots need.
DEMO_SERIES ?= 7.3
demo:
	@DEMO_SERIES="$(DEMO_SERIES)" $(SCRIPTS)/demo.sh

# On the machine itself: it checks the kernel (CONFIG_RUST), debugfs and
# the module (loaded, or KO=, default ./irqdefer.ko, built for uname -r)
# and refuses, changing nothing, when one is missing.
demo-host:
	@$(SCRIPTS)/demo-host.sh

bench: kernel
	$(MAKE) modules
	@$(SCRIPTS)/bench.sh

report-png:
	@$(ROOT)scripts/irqdefer-report/render-png.sh $(ROOT)out/report.html $(ROOT)out/report.png 1400,9000

# The selftests run on each SERIES:FLAVOUR of CHECK_KERNELS (or, for
# SERIES:FLAVOUR:A,B, on irqdefer_A.sh and irqdefer_B.sh only): 7.3's
# normal, debug (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS,
# kmemleak, KFENCE, UBSAN, ...) and rt (PREEMPT_RT: context expectations
# per model, context_rt); 6.12's normal and rt; and on 7.3's rt-bhlock
# (RT with the softirq BH lock) the scripts whose subject is where and
# how softirqs and teardown run. 6.12's debug kernel passes them too, but
# a second debug run does not fit the 25-minute budget (docs/testing.md):
# CHECK_KERNELS=6.12:debug, or make torture. scripts/check.sh builds (or
# finds cached) each kernel and its module first; the debug run goes
# beside the others (CHECK_PARALLEL=0: in turn); a series Debian's
# archive no longer carries is reported skipped, with the reason.
CHECK_KERNELS ?= 6.12:normal 6.12:rt 7.3:normal 7.3:debug 7.3:rt \
	7.3:rt-bhlock:context,softirqs,accounting,storm,race,unload,bounds
check: kernel
	$(MAKE) modules
	$(MAKE) lint
	@CHECK_KERNELS="$(CHECK_KERNELS)" $(SCRIPTS)/check.sh

# Everything at once for TORTURE_SECS on the debug kernel; any splat fails.
TORTURE_SECS ?= 600
torture: kernel-debug
	$(MAKE) modules-debug
	@FLAVOUR=debug VM_TIMEOUT=$$(($(TORTURE_SECS) + 600)) \
		APPEND="irqdefer_torture_secs=$(TORTURE_SECS)" \
		$(SCRIPTS)/vm.sh test irqdefer_torture.sh irqdefer_initfail.sh 2>&1 | tee $(ROOT)out/torture.log; \
		exit $${PIPESTATUS[0]}

vm: kernel
	$(MAKE) modules
	@$(SCRIPTS)/vm.sh shell

# selftests/ is a kselftest target (selftests/README); this installs it
# with the kernel source's tools/testing/selftests (KSFT_DIR, by default
# that of KDIR's source) for run_kselftest.sh -c irqdefer on the machine
# under test (IRQDEFER_KO=/path/to/irqdefer.ko).
KSFT_INSTALL_PATH ?= $(ROOT)out/kselftest
kselftest-install:
	@KSFT_DIR=$${KSFT_DIR:-$(KSRC)/tools/testing/selftests} \
		$(SCRIPTS)/kselftest.sh $(KSFT_INSTALL_PATH)
