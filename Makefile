# SPDX-License-Identifier: GPL-2.0
#
# irqdefer: user-facing targets. Kbuild (next to this file) is what the
# kernel's build system reads for the module itself.
#
#   make            build irqdefer.ko against KDIR
#   make demo       set up, build, run the scenario matrix in the VM on five
#                   preemption models (none, voluntary, full, threadirqs,
#                   PREEMPT_RT; a real-time hog and softirq overload on full
#                   and rt), print the comparison tables, write out/report.html
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

# The kernel must be built with Debian's rustc (see README, "Toolchain").
KMAKE_ARGS := $(shell bash -c '. $(SCRIPTS)/lib.sh && kmake_args')
KMAKE = PATH=/usr/bin:$$PATH $(MAKE) -C $(KDIR) M=$(ROOT:/=) $(KMAKE_ARGS)

# The kernel source behind KDIR (an O= build tree links it as "source").
KSRC = $(shell readlink -f $(KDIR)/source 2>/dev/null || echo $(KDIR))
RUSTFMT ?= /usr/bin/rustfmt
RUST_SRCS = $(shell find $(ROOT)src -name '*.rs')

.PHONY: all modules modules-normal modules-debug modules-rt modules-rt-bhlock clean setup \
	kernel kernel-debug kernel-rt kernel-rt-bhlock \
	demo demo-host check torture bench vm lint \
	fmt rust-analyzer report-png kselftest-install count-unsafe

all: modules

modules:
	@test -d $(KDIR) || { echo "KDIR=$(KDIR) is not a kernel build tree: run 'make kernel' or pass KDIR=" >&2; exit 1; }
	$(KMAKE) modules

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
	mkdir -p $$out && rsync -a --delete $(ROOT)Kbuild $(ROOT)src $$out/ && \
	PATH=/usr/bin:$$PATH $(MAKE) -C $$KDIR_F M=$$out $(KMAKE_ARGS) \
		$$($(SCRIPTS)/kernel.sh makeargs $*) modules

rust-analyzer:
	$(KMAKE) rust-analyzer

lint:
	@$(SCRIPTS)/lint.sh $(KDIR)

fmt:
	$(RUSTFMT) --edition 2021 --config-path $(KSRC)/.rustfmt.toml $(RUST_SRCS)
	for m in $(ROOT)samples/*/Cargo.toml; do cargo fmt --manifest-path $$m; done

count-unsafe:
	@for s in 6.12 7.3; do $(SCRIPTS)/count-unsafe.sh $$s $(ROOT); done

# The targets below set up and build what is missing, then run.
demo: kernel kernel-rt
	$(MAKE) modules
	@$(SCRIPTS)/demo.sh

# On the machine itself: it checks the kernel (CONFIG_RUST), debugfs and
# the module (loaded, or KO=, default ./irqdefer.ko, built for uname -r)
# and refuses, changing nothing, when one is missing.
demo-host:
	@$(SCRIPTS)/demo-host.sh

bench: kernel
	$(MAKE) modules
	@$(SCRIPTS)/bench.sh

report-png:
	@$(ROOT)samples/irqdefer-report/render-png.sh $(ROOT)out/report.html $(ROOT)out/report.png 1400,9000

# The selftests run on each SERIES:FLAVOUR of CHECK_KERNELS: 6.12's
# normal, debug (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS,
# kmemleak, KFENCE, UBSAN, ...) and rt (PREEMPT_RT: context expectations
# per model, context_rt), and 7.3's normal, rt and rt-bhlock (RT with the
# BH lock). scripts/check.sh builds (or
# finds cached) each kernel and its module; a series Debian's archive no
# longer carries is reported skipped, with the reason.
CHECK_KERNELS ?= 6.12:normal 6.12:debug 6.12:rt 7.3:normal 7.3:rt 7.3:rt-bhlock
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
