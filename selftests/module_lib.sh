# SPDX-License-Identifier: GPL-2.0
# irqdefer's interface, read and driven from the shell: the one library of
# the selftests (through lib.sh) and of the guest scripts (scenario.sh,
# bench.sh, demo.sh, demo-host.sh: scripts/guest/module_lib.sh is a link
# to this file, and scripts/vm.sh copies it next to them).
#
# POSIX sh and busybox awk. Sourcing it defines functions and DBG only: it
# loads nothing and exits on nothing. Everything it says of the module it
# reads from the module: the snapshot's lines (README, "Interfaces";
# docs/capture-format.md):
#   meta path.NAME KEY=VALUE...       the registry's rule of each path
#   meta control.NAME value=V default=D [min=N max=N | choices=A,B]
#   PATH KEY VALUE                    each path's readings
# Helpers' own variables start with an underscore and their name's initials.

DBG=${DBG:-/sys/kernel/debug/irqdefer}

# --- Readings --------------------------------------------------------------

# snap PATH KEY: PATH's reading KEY (raised, irq, lat_p50, ...).
snap() { awk -v p="$1" -v k="$2" '$1 == p && $2 == k { print $3 }' "$DBG/snapshot"; }

# at_rest [PATH...]: whether every request of the paths (names separated
# by spaces or commas; none: every path) was run or coalesced: raised ==
# executed + coalesced.
at_rest() {
	awk -v ps=" $(echo "$*" | tr ',' ' ') " '
		$2 == "raised" { r[$1] = $3 } $2 == "executed" { e[$1] = $3 }
		$2 == "coalesced" { c[$1] = $3 }
		END {
			for (p in r) if ((ps ~ /^ *$/ || index(ps, " " p " ")) && r[p] != e[p] + c[p]) exit 1
		}' "$DBG/snapshot"
}

# wait_for COMMAND [SECONDS]: waits up to SECONDS (10) for COMMAND to
# succeed.
wait_for() {
	_wf_left=$(( ${2:-10} * 10 ))
	while [ $_wf_left -gt 0 ]; do
		eval "$1" && return 0
		sleep 0.1
		_wf_left=$((_wf_left - 1))
	done
	return 1
}

# settle [PATH...]: waits up to 5 s until the paths are at rest (at_rest);
# fails if they are not.
settle() { wait_for "at_rest $*" 5; }

# The bookkeeping errors over every path: spurious runs plus mismatches
# (README, "Accounting"; always 0).
inconsistencies() {
	awk '$2 == "spurious" || $2 == "mismatch" { s += $3 } END { print s + 0 }' "$DBG/snapshot"
}

# --- The registry ----------------------------------------------------------

# path_rule PATH KEY: the VALUE of KEY=VALUE in PATH's registry line.
path_rule() {
	awk -v p="path.$1" -v k="$2=" '$1 == "meta" && $2 == p {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
	}' "$DBG/snapshot"
}

# paths_where KEY VALUE: the paths whose rule KEY is VALUE, in line order.
# paths_where KEY !VALUE: those whose rule KEY is not VALUE.
paths_where() {
	awk -v k="$1=" -v v="$2" '$1 == "meta" && $2 ~ /^path\./ {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) {
			x = substr($i, length(k) + 1)
			if (v ~ /^!/ ? x != substr(v, 2) : x == v) { printf "%s%s", sep, substr($2, 6); sep = " " }
		}
	} END { print "" }' "$DBG/snapshot"
}

# first_path_where KEY PREFIX: the first path whose rule KEY starts with
# PREFIX.
first_path_where() {
	awk -v k="$1=$2" '$1 == "meta" && $2 ~ /^path\./ {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) { print substr($2, 6); exit }
	}' "$DBG/snapshot"
}

# The running preemption model (the snapshot's "meta preempt MODEL"), and
# rule_key KEY: the registry key holding rule KEY on it (context_rt,
# may_sleep_rt on rt; KEY elsewhere).
preempt_model() { awk '$1 == "meta" && $2 == "preempt" { print $3 }' "$DBG/snapshot"; }
rule_key() { if [ "$(preempt_model)" = rt ]; then echo "$1_rt"; else echo "$1"; fi; }

# --- Controls --------------------------------------------------------------

# control NAME FIELD: FIELD (value, default, min, max, choices) of control
# NAME, as the module publishes it.
control() {
	awk -v c="control.$1" -v k="$2=" '$1 == "meta" && $2 == c {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1)
	}' "$DBG/snapshot"
}

# set_control NAME VALUE: writes VALUE to control NAME; fails, saying so
# on stderr, if the module refuses it. Either way the control holds what
# control NAME value reads, not necessarily VALUE.
set_control() {
	echo "$2" >"$DBG/$1" 2>/dev/null && return 0
	echo "irqdefer: $1 refused $2 (still $(control "$1" value))" >&2
	return 1
}

# default_control NAME: restores control NAME's default.
default_control() { set_control "$1" "$(control "$1" default)"; }

# controls_defaults: restores every control's default and zeroes the
# statistics (reset's defaults form).
controls_defaults() { echo defaults >"$DBG/reset"; }

# controls_off_default: the controls whose value is not their default,
# each as NAME=VALUE (default DEFAULT), one a line; none: nothing printed.
controls_off_default() {
	awk '$1 == "meta" && $2 ~ /^control\./ {
		v = d = ""
		for (i = 3; i <= NF; i++) {
			if (index($i, "value=") == 1) v = substr($i, 7)
			if (index($i, "default=") == 1) d = substr($i, 9)
		}
		if (v != d) printf "%s=%s (default %s)\n", substr($2, 9), v, d
	}' "$DBG/snapshot"
}

# --- Kernel counters -------------------------------------------------------

# irq_of PATH: the Linux IRQ number of PATH's line.
irq_of() { snap "$1" irq; }

# proc_interrupts_count IRQ: the sum over CPUs of IRQ's count in
# /proc/interrupts (-1: no such line).
proc_interrupts_count() {
	awk -v irq="$1:" '$1 == irq {
		s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
		print s
		found = 1
	} END { if (!found) print -1 }' /proc/interrupts
}

# softirq_count NAME: the sum over CPUs of a row of /proc/softirqs.
softirq_count() {
	awk -v k="$1:" '$1 == k { s = 0; for (i = 2; i <= NF; i++) s += $i; print s }' /proc/softirqs
}

# --- Threads ---------------------------------------------------------------

# thread_pid COMM: the pid of the task named COMM, if any.
thread_pid() {
	for _tp_dir in /proc/[0-9]*; do
		[ "$(cat "$_tp_dir/comm" 2>/dev/null)" = "$1" ] && { echo "${_tp_dir#/proc/}"; return 0; }
	done
	return 1
}

# module_threads: the pids of the module's threads, by the snapshot: each
# path's IRQ thread (irq/N-..., where the IRQ has one) and its own thread
# where its registry rule names one (thread=, thread_rt=).
module_threads() (
	_mt_globs=$(awk '$1 == "meta" && $2 ~ /^path\./ {
		for (i = 3; i <= NF; i++) if ($i ~ /^thread(_rt)?=/ && $i !~ /=-$/) print substr($i, index($i, "=") + 1)
	} $1 != "meta" && $1 != "source" && $2 == "irq" { print "irq/" $3 "-*" }' "$DBG/snapshot" | sort -u)
	set -- /proc/[0-9]*
	# The patterns are for case, not for the file system.
	set -f
	for _mt_dir; do
		read -r _mt_comm <"$_mt_dir/comm" 2>/dev/null || continue
		for _mt_glob in $_mt_globs; do
			case $_mt_comm in $_mt_glob) echo "${_mt_dir#/proc/}"; break ;; esac
		done
	done
)

# --- Captures --------------------------------------------------------------

# results_header CAPTURE BOOT ACCEL FLAVOUR: the first lines of a capture
# (docs/capture-format.md, "Header"): the version, the meta records every capture has,
# the module's controls as it reports them, and its registry. The
# capture's own meta records follow.
results_header() {
	echo "irqdefer-results 2"
	echo "meta capture $1"
	echo "meta kernel $(uname -r)"
	echo "meta boot $2"
	echo "meta flavour $4"
	echo "meta accel $3"
	echo "meta vcpus $(grep -c ^processor /proc/cpuinfo)"
	echo "meta cmdline $(cat /proc/cmdline)"
	echo "meta raise_cpu $(control cpu value)"
	echo "meta preempt $(preempt_model)"
	grep -E '^meta bh_lock ' "$DBG/snapshot"
	grep -E '^meta (control|path)\.' "$DBG/snapshot"
}
