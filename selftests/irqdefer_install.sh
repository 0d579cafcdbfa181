#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module as a user installs it: `make install` (the kernel's
# modules_install, then depmod) puts irqdefer.ko under
# /lib/modules/RELEASE/, where modprobe finds it by name. scripts/vm.sh
# installs it into the guest that way (make install-built, the step make
# install ends with); on a machine of your own, run make install first.
# modprobe loads it by name, with parameters, and refuses a bad one as
# insmod does; modprobe -r removes it.

. "$(dirname "$0")/lib.sh"

MODDIR=/lib/modules/$(uname -r)

ktap_print_header
[ -f "$MODDIR/modules.dep" ] ||
	ktap_skip_all "no $MODDIR/modules.dep: the module is not installed (make install)"
ktap_set_plan 5

irqdefer_loaded && irqdefer_unload
installed=$(awk -F: '$1 ~ /(^|\/)irqdefer\.ko$/ { print $1 }' "$MODDIR/modules.dep")
ktap_print_msg "modules.dep: ${installed:-(no irqdefer.ko)}"
ktap_test_result "depmod's modules.dep lists the installed irqdefer.ko, and it is there" \
	test -n "$installed" -a -f "$MODDIR/$installed"

ktap_test_result "modprobe irqdefer loads it by name" \
	sh -c 'modprobe irqdefer && grep -q "^irqdefer " /proc/modules && test -e /proc/irqdefer'

ktap_test_result "modprobe -r irqdefer removes it, and what it made" \
	sh -c 'modprobe -r irqdefer && ! grep -q "^irqdefer " /proc/modules && ! test -e /proc/irqdefer'

ktap_test_result "modprobe passes parameters (rate_hz=0 cpu=1)" \
	sh -c 'modprobe irqdefer rate_hz=0 cpu=1 && grep -qx 1 '"$DBG"'/cpu && modprobe -r irqdefer'

ktap_test_result "modprobe refuses a bad parameter as insmod does, and leaves nothing" \
	sh -c '! modprobe irqdefer cpu=100000 2>/dev/null && ! grep -q "^irqdefer " /proc/modules'

ktap_finished
