#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest: measure irqdefer's own cost and accuracy, and
# write the raw figures to a results file; `irqdefer-report bench`
# (scripts/irqdefer-report) on the host turns them into numbers and
# verdicts.
#
#   bench.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]
#
# What runs is chosen by `irqdefer_bench=` on the kernel command line
# (the kernel hands unknown parameters to init as environment):
#   all (default)  idle baseline, overhead (with the cost of tracing the
#                  same events), max rate, accuracy (ftrace pairing, then
#                  in-kernel hist triggers), timerlat, cyclictest, scaling
#   scaling        idle baseline and scaling only (the extra vCPU boots)
#   smoke          everything, 3 paths, two rounds, short intervals
#
# Interrupts are raised on CPU 1 (the module's `cpu`). CPU time comes from
# the first line of /proc/stat (all CPUs, USER_HZ ticks, see mark); times from
# /proc/uptime. Both are read with the shell's `read`, no fork, so the
# measured window is tight around the load.
#
# The results file: a bench capture of the results grammar, version 2
# (docs/capture-format.md has it all; one record per line, data
# records are KEY=VALUE):
#   irqdefer-results 2
#   meta capture bench
#   meta KEY VALUE...                    kernel, boot, flavour, accel, vcpus,
#                                        cmdline, the phase settings, and
#                                        path.NAME: the module's registry (its
#                                        snapshot's meta lines as they are)
#   idle  round= ms= <window>
#   inst  path= trace=G:E,... hist=REQ>ENTRY|none key= filter=  the kernel
#                                        instruments of the path (bench-inst.sh)
#   ov    round= path= mode=full|count|trace|hist|reader|hog rate= <window>
#         <counts> [reads=] [tev=] [hits=]
#   max   path= rate= try=1|2 <window> <counts> r100= e100= c100=   (100 ms after stop)
#   scale n= paths=a,b rate= <window> <counts>
#   acc   path= irq= rate= ms= <window> <counts> overrun=   then its trace:
#   fn    path= id= name=               a traced function's name, by id
#   tr    CPU TS PID EVENT ARGS...       one compact ftrace event (see dump_trace)
#   endtrace path= lines=               the number of tr lines written
#   hist  path= rate= ms= <window> <counts> hits= drops= lmin= lp90= lp99= lmax=
#   hb    cell= src=kernel|module|cyclictest lo= hi= count=   histogram buckets, ns
#   tl    run=timerlat|irqdefer|both path= period_us= ms= <window> <counts>
#   tls   run= seq= irq= thread=        one timerlat activation, ns
#   cyc   run= tool=cyclictest|irqdefer path= policy= prio= interval_us= ms=
#         <window> <counts> [min= avg= max= overflows= samples=]
#   kw    run=alone|perf path= kinds= rate= ms= <window> <counts> lmean=
#         perf kwork beside irqdefer: the path alone, then the same load
#         under `perf kwork -k KINDS record` (perf= its exit status)
#   kwl   path= kind= name= cpu= count= avg_ns= max_ns=   one line of
#         `perf kwork latency` on that recording
#   cost  class= component= [ns=] net=  the module's self-timing (selfcost):
#                                        ns per call of each part of the
#                                        accounting, per context class
#   end   phase=PHASE                   each phase, when it finished
#   meta  tsc_mhz MHZ SOURCE            known only at the end
#   end   all rc=RC                     last line: anything short is truncated
#   <window> = up0= idle0= busy0= up1= idle1= busy1=
#   <counts> = raised= executed= coalesced= lat_count= lat_p50=

out=${1:?usage: bench.sh RESULTS [BOOT] [ACCEL] [FLAVOUR]}
boot=${2:-normal}
accel=${3:-unknown}
flavour=${4:-normal}
what=${irqdefer_bench:-all}
T=/sys/kernel/tracing
RAISE_CPU=1
. "$(dirname "$0")/module_lib.sh"
. "$(dirname "$0")/bench-inst.sh"
. "$(dirname "$0")/bench-window.sh"

case $what in
all | scaling | smoke) ;;
*) echo "bench: unknown irqdefer_bench=$what" >&2; exit 1 ;;
esac
ncpus=$(grep -c ^processor /proc/cpuinfo)
[ "$ncpus" -ge 2 ] || { echo "bench: needs 2 vCPUs, have $ncpus" >&2; exit 1; }
insmod /irqdefer/irqdefer.ko cpu=$RAISE_CPU || exit 1
# The starvation guard off: a hold at the top rates would cut the runs of
# the costlier mode more than the other's, and the bench compares them.
set_control guard_pct 0 || exit 1
[ -e "$DBG/available_paths" ] || { echo "bench: $DBG/available_paths missing: module too old" >&2; exit 1; }
# The first path alone active until a phase chooses.
set_control paths "$(cut -d" " -f1 "$DBG/available_paths")" || exit 1

# The paths and their rules come from the module's registry:
# available_paths, and the snapshot's "meta path.NAME KEY=VALUE..." lines
# (module_lib.sh: path_rule, paths_where, first_path_where).
ALL=$(cat "$DBG/available_paths")
# deal PATH...: the order paths join in the scaling phase: dealt round-robin
# over their contexts (each context's paths in line order), so that the
# first few mix contexts.
deal() {
	awk -v ps=" $* " '$1 == "meta" && $2 ~ /^path\./ {
		p = substr($2, 6)
		if (!index(ps, " " p " ")) next
		for (i = 3; i <= NF; i++) if (index($i, "context=") == 1) c = substr($i, 9)
		if (!(c in n)) { order[++nc] = c; n[c] = 0 }
		m[c, ++n[c]] = p
	} END {
		for (r = 1; ; r++) {
			any = 0
			for (i = 1; i <= nc; i++) if (r <= n[order[i]]) {
				printf "%s%s", sep, m[order[i], r]; sep = " "; any = 1
			}
			if (!any) break
		}
		print ""
	}' "$DBG/snapshot"
}
# scale_n N: 1, 2, 4, ... below N, then N.
scale_n() { awk -v n="$1" 'BEGIN { for (k = 1; k < n; k *= 2) printf "%d ", k; print n }'; }
nwords() { echo $#; }

case $what in
all | scaling)
	PATHS=$ALL ROUNDS=8 IDLE_MS=1000 OV_MS=400 OV_RATE=10000
	MAX_STEPS="1000 2000 5000 10000" MAX_MS=1000
	ACC_RATE=500 ACC_MS=1000 SCALE_N=$(scale_n $(nwords $ALL)) SCALE_RATE=1000 SCALE_MS=2000
	HIST_RATE=500 HIST_MS=1000 TL_PERIOD_US=1000 TL_MS=3000 CYC_US=1000 CYC_MS=3000
	COST_N=50000 KW_RATE=1000 KW_MS=2000
	;;
smoke)
	# One path of each kind of context: hard interrupt, softirq, task.
	PATHS="$(first_path_where context hardirq) $(first_path_where context softirq) $(first_path_where context task_)"
	ROUNDS=2 IDLE_MS=500 OV_MS=400 OV_RATE=10000
	MAX_STEPS="1000 10000" MAX_MS=500
	ACC_RATE=200 ACC_MS=500 SCALE_N="1 $(nwords $PATHS)" SCALE_RATE=1000 SCALE_MS=500
	HIST_RATE=200 HIST_MS=500 TL_PERIOD_US=1000 TL_MS=1000 CYC_US=1000 CYC_MS=1000
	COST_N=5000 KW_RATE=1000 KW_MS=1000
	# perf kwork's two kinds: a softirq and a work item.
	KW_PATHS="$(first_path_where context softirq) $(first_path_where executor workqueue)"
	;;
esac
# irqdefer_bench_paths=a,b on the kernel command line: only those paths
# (to try a phase on a few).
[ -z "${irqdefer_bench_paths:-}" ] || PATHS=$(echo "$irqdefer_bench_paths" | tr , ' ')
KW_PATHS=${KW_PATHS:-$PATHS}
# The overhead phase's modes: irqdefer full and count, count with the
# kernel's tracepoints for the same events (trace) or its hist triggers
# (hist), full with a reader or a hog on CPU 0. Odd rounds run them in
# this order, even rounds in reverse.
OV_MODES="full count trace hist reader hog"
# The hist triggers' latency buckets, ns.
HIST_BUCKET_NS=1000
# timerlat's like: the first path whose bottom half is a SCHED_FIFO thread
# of the module's own, woken from the top half (the registry's context
# task_own_thread and sched fifoN); cyclictest's: the first path run by an
# IRQ thread, and the first run by a thread of the module's own.
TL_PATH=$(for p in $(paths_where context task_own_thread); do
	case $(path_rule "$p" sched) in fifo*) echo "$p"; break ;; esac
done)
CYC_PATHS="$(first_path_where context task_own_thread) $(first_path_where context task_irq_thread)"
SCALE_ORDER=$(deal $PATHS)
case $what in
scaling) PHASES="idle scale" ;;
*) PHASES="idle cost ov max acc hist tl cyc kwork scale" ;;
esac
# irqdefer_bench_phases=a,b likewise: only those phases (idle first, if
# a phase needs its baseline).
[ -z "${irqdefer_bench_phases:-}" ] || PHASES=$(echo "$irqdefer_bench_phases" | tr , ' ')

msg() { echo "bench $boot: $*" >&2; }

# Sums of the counters over paths "a,b,..."; lat_* are meaningful for one.
counts() {
	awk -v ps=",$1," 'index(ps, "," $1 ",") {
		if ($2 == "raised") r += $3
		else if ($2 == "executed") e += $3
		else if ($2 == "coalesced") c += $3
		else if ($2 == "lat_count") n += $3
		else if ($2 == "lat_p50") p = $3
	} END { printf "raised=%d executed=%d coalesced=%d lat_count=%d lat_p50=%d\n", r, e, c, n, p }' \
		"$DBG/snapshot"
}

# settle_paths "a,b,...": waits (up to 5 s) until the paths have no bottom
# half pending; warns if they still have.
settle_paths() { settle "$1" || msg "warning: $1 did not settle in 5 s"; }

# Sets the active paths and measurement mode at rest, then zeroes counters.
setup() {
	set_control paths "$1"
	set_control measure "$2"
	echo 1 > "$DBG/reset"
}

# What measuring costs, part by part, timed by the module itself
# (selfcost): COST_N iterations of each part in each context class, no
# load running; its `cost` lines as they are.
phase_cost() {
	echo "$COST_N" > "$DBG/selfcost" || return
	grep '^cost ' "$DBG/selfcost" >> "$out"
}

phase_idle() {
	echo 0 > "$DBG/rate_hz"
	echo "idle round=$1 ms=$IDLE_MS $(window "" 0 "$IDLE_MS")" >> "$out"
}

# A reader looping on snapshot, on CPU 0 (the load is raised on CPU 1):
# one awk process reading the whole file again and again, no forks; it
# appends its count of reads to /tmp/reads every 20 reads (appends, not
# rewrites: a kill between a rewrite's truncation and its write left the
# file empty).
reader=
start_reader() {
	rm -f /tmp/reads
	taskset -c 0 awk -v f="$DBG/snapshot" 'BEGIN {
		for (n = 1; ; n++) {
			while ((getline l < f) > 0) ;
			close(f)
			if (n % 20 == 0) { print n >> "/tmp/reads"; close("/tmp/reads") }
		} }' &
	reader=$!
}
# The reader's control: a plain CPU hog on CPU 0, no reads. Under TCG a
# busy vCPU competes with the others for the host's cores; what the reader
# costs beyond the hog is the cost of reading.
start_hog() {
	taskset -c 0 sh -c 'while :; do :; done' &
	reader=$!
}
stop_reader() {
	kill "$reader" && wait "$reader" 2> /dev/null
	reader=
}

phase_ov() {
	echo 0 > "$T/tracing_on"
	echo mono > "$T/trace_clock"
	echo 2048 > "$T/buffer_size_kb"
	synth_create
	r=1
	while [ $r -le "$ROUNDS" ]; do
		phase_idle "$r"
		# Alternate the order: forward in odd rounds, reversed in even.
		modes=$OV_MODES
		[ $((r % 2)) -eq 1 ] || modes=$(echo $OV_MODES | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n") }')
		for p in $PATHS; do
			msg "overhead round $r/$ROUNDS: $p ($modes)"
			inst_plan "$p"
			for m in $modes; do
				# hist: only where the kernel has the event pair.
				[ "$m" = hist ] && [ -z "$PAIR_REQUEST" ] && continue
				case $m in count | trace | hist) setup "$p" count ;; *) setup "$p" full ;; esac
				case $m in
				reader) start_reader ;;
				hog) start_hog ;;
				trace) trace_on ;;
				hist) hist_on ;;
				esac
				w=$(window "$p" "$OV_RATE" "$OV_MS")
				extra=
				case $m in
				reader)
					stop_reader
					extra=" reads=$(tail -n 1 /tmp/reads 2> /dev/null | grep . || echo 0)"
					;;
				hog) stop_reader ;;
				trace)
					trace_off
					extra=" tev=$(trace_count)"
					;;
				hist)
					extra=" $(hist_totals)"
					hist_off
					;;
				esac
				settle_paths "$p"
				echo "ov round=$r path=$p mode=$m rate=$OV_RATE $w $(counts "$p")$extra" >> "$out"
			done
		done
		r=$((r + 1))
	done
	echo > "$T/trace"
}

# Upward through the steps; a step that fails twice ends the path's climb.
# The second try is for TCG: the whole VM stalls now and then (the kernel
# logs "hrtimer: interrupt took N ns"), and the source loses ticks to it.
phase_max() {
	for p in $PATHS; do
		for rate in $MAX_STEPS; do
			ok=0
			for try in 1 2; do
				msg "max rate: $p at $rate Hz, try $try"
				setup "$p" full
				w=$(window "$p" "$rate" "$MAX_MS")
				usleep 100000
				at100=$(counts "$p" | awk '{ gsub(/raised=/, "r100="); gsub(/executed=/, "e100=")
					gsub(/coalesced=/, "c100="); print $1, $2, $3 }')
				settle_paths "$p"
				rec="max path=$p rate=$rate try=$try $w $(counts "$p") $at100"
				echo "$rec" >> "$out"
				# The host judges; this only decides whether to go on.
				ok=$(echo "$rec" | awk -v ms="$MAX_MS" '{
					for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
					dt = v["up1"] - v["up0"]; if (dt <= 0) dt = ms / 1000
					print (v["raised"] == v["executed"] + v["coalesced"] &&
					       v["r100"] == v["e100"] + v["c100"] && v["coalesced"] * 100 <= v["raised"] &&
					       v["raised"] >= 0.95 * v["rate"] * dt) ? 1 : 0 }')
				[ "$ok" = 1 ] && break
			done
			[ "$ok" = 1 ] || break
		done
	done
}

# The kernel event that starts a path's bottom half (the registry's trace
# rule, as events/GROUP/EVENT), and for a thread its wake-up too; none
# beyond irq_handler_entry, which every path's trace has, for a path
# without a bottom half or whose start the kernel does not trace
# (trace=none).
entry_event() {
	t=$(path_rule "$1" trace)
	case $t in
	irq:irq_handler_entry | none | "") ;;
	sched:sched_switch) echo "sched/sched_switch sched/sched_wakeup" ;;
	*) echo "${t%%:*}/${t#*:}" ;;
	esac
}

# Compacts the trace to what the pairing needs, one event a line:
#   tr CPU TS PID irq IRQ | raise PATH IRQ STAMPED | run PATH RAISED_ON NS
#      | tasklet|work|timer|hrtimer|kwork FN_ID | switch NEXT_PID | wakeup PID
#      | irqwork VECTOR
# Function names are long (Rust symbols): each gets an id, named once in
# an `fn` record.
dump_trace() {
	awk -v path="$1" '
	/^#/ { next }
	{
		if (!match($0, /-[0-9]+ +\[[0-9]+\] /)) next
		hdr = substr($0, RSTART + 1, RLENGTH - 1)
		gsub(/[^0-9]+/, " ", hdr)
		split(hdr, h, " ")
		pid = h[1]; cpu = h[2] + 0
		n = split(substr($0, RSTART + RLENGTH), a, " ")
		for (i = 1; i <= n && a[i] !~ /^[0-9]+:$/; i++) ;
		if (i >= n) next
		ts = substr(a[i], 1, length(a[i]) - 1)
		ev = a[i + 1]; sub(/:$/, "", ev)
		delete kv; fnname = ""
		for (j = i + 2; j <= n; j++) {
			if (a[j] == "function" && j < n) fnname = a[j + 1]
			if (split(a[j], p, "=") == 2) { kv[p[1]] = p[2]; if (p[1] == "function") fnname = p[2] }
		}
		out = ""
		if (ev == "irq_handler_entry") out = "irq " kv["irq"]
		else if (ev == "irqdefer_raise") out = "raise " kv["path"] " " kv["irq"] " " kv["stamped"]
		else if (ev == "irqdefer_run") out = "run " kv["path"] " " kv["raised_on"] " " kv["latency_ns"]
		else if (ev == "sched_switch") out = "switch " kv["next_pid"]
		else if (ev == "sched_wakeup") out = "wakeup " kv["pid"]
		else if (ev == "irq_work_entry") out = "irqwork " kv["vector"]
		else {
			k = ev == "tasklet_entry" ? "tasklet" : ev == "workqueue_execute_start" ? "work" : \
			    ev == "timer_expire_entry" ? "timer" : ev == "hrtimer_expire_entry" ? "hrtimer" : \
			    ev == "sched_kthread_work_execute_start" ? "kwork" : ""
			if (k == "") next
			if (!(fnname in ids)) { ids[fnname] = ++nid; print "fn path=" path " id=" nid " name=" fnname }
			out = k " " ids[fnname]
		}
		print "tr " cpu " " ts " " pid " " out
		lines++
	}
	END { print "endtrace path=" path " lines=" lines + 0 }' "$T/trace"
}

phase_acc() {
	[ -d "$T/events/irqdefer" ] || { msg "no irqdefer trace events"; return 1; }
	echo 0 > "$T/tracing_on"
	echo x86-tsc > "$T/trace_clock"
	echo 2048 > "$T/buffer_size_kb"
	for p in $PATHS; do
		msg "accuracy: $p at $ACC_RATE Hz for $ACC_MS ms, traced"
		setup "$p" full
		irq=$(snap "$p" irq)
		echo 0 > "$T/events/enable"
		echo > "$T/trace"
		echo "irq==$irq" > "$T/events/irq/irq_handler_entry/filter"
		evs="irq/irq_handler_entry irqdefer/irqdefer_raise irqdefer/irqdefer_run $(entry_event "$p")"
		# A path run by a thread of its own: only that thread's switches.
		glob=$(thread_glob "$p")
		if [ -n "$glob" ]; then
			echo "next_comm ~ \"$glob\"" > "$T/events/sched/sched_switch/filter"
			echo "comm ~ \"$glob\"" > "$T/events/sched/sched_wakeup/filter"
		fi
		for e in $evs; do echo 1 > "$T/events/$e/enable"; done
		echo 1 > "$T/tracing_on"
		w=$(window "$p" "$ACC_RATE" "$ACC_MS")
		settle_paths "$p"
		echo 0 > "$T/tracing_on"
		for e in $evs; do echo 0 > "$T/events/$e/enable"; done
		for f in irq/irq_handler_entry sched/sched_switch sched/sched_wakeup; do
			echo 0 > "$T/events/$f/filter"
		done
		overrun=$(cat "$T"/per_cpu/cpu*/stats | awk '$1 == "overrun:" { s += $2 } END { print s + 0 }')
		echo "acc path=$p irq=$irq rate=$ACC_RATE ms=$ACC_MS $w $(counts "$p") overrun=$overrun" >> "$out"
		dump_trace "$p" >> "$out"
	done
	echo > "$T/trace"
}

# Accuracy against the kernel's own histograms: each path with an event
# pair, three runs of the same load: irqdefer alone (what the triggers'
# own cost adds to the latency they measure shows beside it); irqdefer
# and the chain from the top half's entry (like for like: cell PATH.chain);
# irqdefer and the request -> entry pair (cell PATH). One set of triggers
# at a time: a trigger's work at the entry event falls after the kernel's
# timestamp and before irqdefer's clock read.
phase_hist() {
	echo 0 > "$T/tracing_on"
	echo mono > "$T/trace_clock"
	synth_create
	for p in $PATHS; do
		inst_plan "$p"
		[ -n "$PAIR_REQUEST" ] || continue
		msg "hist triggers: $p at $HIST_RATE Hz for 3 x $HIST_MS ms"
		setup "$p" full
		irq=$(snap "$p" irq)
		window "$p" "$HIST_RATE" "$HIST_MS" > /dev/null
		settle_paths "$p"
		bare=$(snap "$p" lat_p50)
		setup "$p" full
		ihist_on "$irq" || return 1
		window "$p" "$HIST_RATE" "$HIST_MS" > /dev/null
		settle_paths "$p"
		chain="$(hist_totals "$SYNTH_ILAT" i) chain=irq/irq_handler_entry>$PAIR_REQUEST>$CHAIN_ENTRY"
		hist_buckets "$p.chain" "$SYNTH_ILAT" kernel_irq >> "$out"
		module_buckets "$p" "$p.chain" >> "$out"
		ihist_off "$irq"
		setup "$p" full
		hist_on
		w=$(window "$p" "$HIST_RATE" "$HIST_MS")
		settle_paths "$p"
		echo "hist path=$p rate=$HIST_RATE ms=$HIST_MS $w $(counts "$p") $(hist_totals) $chain bare_p50=${bare:-0} $(lat_stats "$p")" >> "$out"
		hist_buckets "$p" >> "$out"
		module_buckets "$p" "$p" >> "$out"
		hist_off
	done
}

# timerlat through tracefs on the raising CPU, then irqdefer's FIFO thread
# path at the same period, then both at once.
# timerlat_start / timerlat_stop RUN: the tracer; its activations as tls
# records ("#SEQ context irq|thread timer_latency NS ns" lines, paired by
# SEQ).
timerlat_start() {
	echo nop > "$T/current_tracer"
	echo 0 > "$T/tracing_on"
	echo > "$T/trace"
	echo "$TL_PERIOD_US" > "$T/osnoise/timerlat_period_us"
	echo "$RAISE_CPU" > "$T/osnoise/cpus"
	echo timerlat > "$T/current_tracer"
	echo 1 > "$T/tracing_on"
}
timerlat_stop() {
	echo 0 > "$T/tracing_on"
	awk -v run="$1" '/ context +(irq|thread) timer_latency / {
		for (i = 1; i <= NF; i++) if ($i ~ /^#[0-9]+$/) s = substr($i, 2) + 0
		for (i = 1; i < NF; i++) if ($i == "timer_latency") v = $(i + 1)
		for (i = 1; i < NF; i++) if ($i == "context") c = $(i + 1)
		if (c == "irq") irq[s] = v; else if (s in irq) {
			printf "tls run=%s seq=%d irq=%d thread=%d\n", run, s, irq[s], v; delete irq[s]
		}
	}' "$T/trace"
	echo nop > "$T/current_tracer"
	echo > "$T/trace"
}
phase_tl() {
	[ -e "$T/osnoise/timerlat_period_us" ] || { msg "no timerlat tracer"; return 1; }
	[ -n "$TL_PATH" ] || { msg "no SCHED_FIFO path in the registry"; return 1; }
	hz=$((1000000 / TL_PERIOD_US))
	echo mono > "$T/trace_clock"
	echo 4096 > "$T/buffer_size_kb"
	for run in timerlat irqdefer both; do
		msg "timerlat: $run, $TL_PERIOD_US us period, $TL_MS ms"
		setup "$TL_PATH" full
		case $run in
		irqdefer) rate=$hz ;;
		*) rate=$hz; [ $run = timerlat ] && rate=0; timerlat_start ;;
		esac
		w=$(window "$TL_PATH" "$rate" "$TL_MS")
		settle_paths "$TL_PATH"
		samples=
		[ $run = irqdefer ] || samples=$(timerlat_stop $run)
		echo "tl run=$run path=$TL_PATH period_us=$TL_PERIOD_US ms=$TL_MS $w $(counts "$TL_PATH") $(lat_stats "$TL_PATH")" >> "$out"
		[ -z "$samples" ] || echo "$samples" >> "$out"
		[ $run = timerlat ] || module_buckets "$TL_PATH" "tl.$run" >> "$out"
	done
	echo 2048 > "$T/buffer_size_kb"
}

# cyclictest (rt-tests), pinned to the raising CPU, SCHED_OTHER then
# SCHED_FIFO 50; then irqdefer's thread paths at the same rate, one at a
# time; then cyclictest FIFO 50 and those paths at once.
# cyclictest_run RUN POLICY PRIO: one cyclictest, in the background; its
# results in /tmp/cyc.RUN.json (--json: rt-tests' machine-readable
# output), its terminal output in /tmp/cyc.RUN.
cyclictest_run() {
	cyclictest -m -q -a "$RAISE_CPU" -t 1 --policy="$2" -p "$3" -i "$CYC_US" \
		-h 10000 -D "$((CYC_MS / 1000))" --json="/tmp/cyc.$1.json" > "/tmp/cyc.$1" 2>&1 &
	cyc_pid=$!
}
# cyclictest_record RUN POLICY PRIO WINDOW: its record and its buckets
# (us), from its JSON: thread 0's "histogram" (bucket in us: count),
# "cycles", "min", "avg", "max" (us). What the histogram does not hold
# overflowed it.
cyclictest_record() {
	awk -v run="$1" -v pol="$2" -v prio="$3" -v w="$4" -v us="$CYC_US" -v ms="$CYC_MS" '
		function num(s) { gsub(/[",:{} ]/, "", s); return s + 0 }
		/"histogram": *\{/ { inhist = 1; next }
		inhist && /\}/ { inhist = 0; next }
		inhist { split($0, kv, ":"); k = num(kv[1]); b[k] = num(kv[2]); tot += b[k]; next }
		/"cycles":/ { cyc = num($2) } /"min":/ { mn = num($2) }
		/"avg":/ { av = num($2) } /"max":/ { mx = num($2) }
		END {
			printf "cyc run=%s tool=cyclictest path=- policy=%s prio=%d interval_us=%d ms=%d %s raised=0 executed=0 coalesced=0 lat_count=0 lat_p50=0 min=%d avg=%d max=%d overflows=%d samples=%d\n", \
				run, pol, prio, us, ms, w, mn * 1000, av * 1000, mx * 1000, cyc - tot, cyc
			for (k in b) if (b[k] > 0) printf "hb cell=cyc.%s src=cyclictest lo=%d hi=%d count=%d\n", run, k * 1000, (k + 1) * 1000, b[k]
		}' "/tmp/cyc.$1.json"
}
phase_cyc() {
	command -v cyclictest > /dev/null || { msg "no cyclictest in the initramfs"; return 1; }
	mkdir -p /dev/shm
	grep -q ' /dev/shm ' /proc/mounts || mount -t tmpfs tmpfs /dev/shm
	hz=$((1000000 / CYC_US))
	for run in other fifo; do
		pol=$run prio=0
		[ $run = fifo ] && prio=50
		msg "cyclictest: $pol $prio, $CYC_US us, $CYC_MS ms"
		setup "$(echo $CYC_PATHS | tr ' ' ,)" count
		_a=$(mark 0)
		cyclictest_run $run $pol $prio
		wait $cyc_pid
		cyclictest_record $run $pol $prio "$_a $(mark 1)" >> "$out"
	done
	for p in $CYC_PATHS; do
		msg "cyclictest's like: $p at $hz Hz, $CYC_MS ms"
		setup "$p" full
		w=$(window "$p" "$hz" "$CYC_MS")
		settle_paths "$p"
		echo "cyc run=$p tool=irqdefer path=$p policy=- prio=0 interval_us=$CYC_US ms=$CYC_MS $w $(counts "$p") $(lat_stats "$p")" >> "$out"
		module_buckets "$p" "cyc.$p" >> "$out"
	done
	ps=$(echo $CYC_PATHS | tr ' ' ,)
	msg "cyclictest fifo 50 and $ps at $hz Hz at once"
	setup "$ps" full
	_a=$(mark 0)
	echo "$hz" > "$DBG/rate_hz"
	cyclictest_run both fifo 50
	wait $cyc_pid
	echo 0 > "$DBG/rate_hz"
	cw="$_a $(mark 1)"
	settle_paths "$ps"
	cyclictest_record both fifo 50 "$cw" >> "$out"
	for p in $CYC_PATHS; do
		echo "cyc run=both.$p tool=irqdefer path=$p policy=- prio=0 interval_us=$CYC_US ms=$CYC_MS $cw $(counts "$p") $(lat_stats "$p")" >> "$out"
		module_buckets "$p" "cyc.both.$p" >> "$out"
	done
}

# perf kwork beside irqdefer: each path whose bottom half perf kwork
# times (a softirq, by vector; a work item, by its function: the
# registry's softirq= and executor=), at KW_RATE for KW_MS, first alone,
# then under `perf kwork record` (what recording costs against `full`);
# then `perf kwork latency` of that recording, one kwl record per line of
# its table. perf starts the load itself (through `sh -c`), so that the
# recording covers the window and nothing else.
kw_kinds() {
	_k=
	[ "$(path_rule "$1" softirq)" = none ] || _k=softirq
	case $(path_rule "$1" executor) in
	workqueue | bh_workqueue) _k=${_k:+$_k,}workqueue ;;
	esac
	echo "$_k"
}

phase_kwork() {
	command -v perf > /dev/null || { msg "no perf in the initramfs"; return 1; }
	for p in $KW_PATHS; do
		k=$(kw_kinds "$p")
		[ -n "$k" ] || continue
		msg "perf kwork: $p ($k) at $KW_RATE Hz for $KW_MS ms, alone then recorded"
		setup "$p" full
		w=$(window "$p" "$KW_RATE" "$KW_MS")
		settle_paths "$p"
		echo "kw run=alone path=$p kinds=$k rate=$KW_RATE ms=$KW_MS $w $(counts "$p") lmean=$(snap "$p" lat_mean)" >> "$out"
		setup "$p" full
		rm -f /tmp/kw.data /tmp/kw.window
		# perf records while its command runs: the window, in a shell of its own.
		perf kwork -k "$k" record -o /tmp/kw.data -- \
			sh -c ". $(dirname "$0")/bench-window.sh && window $p $KW_RATE $KW_MS > /tmp/kw.window" \
			> /tmp/kw.log 2>&1
		rc=$?
		settle_paths "$p"
		echo "kw run=perf path=$p kinds=$k rate=$KW_RATE ms=$KW_MS $(cat /tmp/kw.window) $(counts "$p") lmean=$(snap "$p" lat_mean) perf=$rc" >> "$out"
		[ $rc -eq 0 ] || { sed 's/^/perf: /' /tmp/kw.log >&2; continue; }
		perf kwork -k "$k" latency -i /tmp/kw.data 2> /dev/null | kwork_lines "$p" >> "$out"
	done
	rm -f /tmp/kw.data
}

# kwork_lines PATH: perf kwork latency's table (`| name | cpu | avg delay
# | count | max delay | ...`, delays in ms) as kwl records. The name is
# perf's: (s)VECTOR:NR for a softirq, (w)FUNCTION for a work item.
kwork_lines() {
	awk -F'|' -v path="$1" 'NF >= 6 && $2 ~ /^ *[0-9]+ *$/ {
		name = $1; gsub(/^ +| +$/, "", name)
		kind = substr(name, 1, 3) == "(s)" ? "softirq" : substr(name, 1, 3) == "(w)" ? "workqueue" : "other"
		gsub(/ /, "_", name)
		avg = $3; gsub(/[^0-9.]/, "", avg)
		cnt = $4; gsub(/[^0-9]/, "", cnt)
		max = $5; gsub(/[^0-9.]/, "", max)
		printf "kwl path=%s kind=%s name=%s cpu=%d count=%d avg_ns=%.0f max_ns=%.0f\n", \
			path, kind, name, $2 + 0, cnt, avg * 1e6, max * 1e6
	}'
}

phase_scale() {
	for n in $SCALE_N; do
		ps=$(echo $SCALE_ORDER | awk -v n="$n" '{ s = $1; for (i = 2; i <= n && i <= NF; i++) s = s "," $i; print s }')
		msg "scaling: $n path(s) at $SCALE_RATE Hz: $ps"
		setup "$ps" full
		w=$(window "$ps" "$SCALE_RATE" "$SCALE_MS")
		settle_paths "$ps"
		echo "scale n=$n paths=$ps rate=$SCALE_RATE $w $(counts "$ps")" >> "$out"
	done
}

{
	results_header bench "$boot" "$accel" "$flavour"
	echo "meta what $what"
	echo "meta phases $PHASES"
	echo "meta paths $PATHS"
	echo "meta clk_tck 100"
	echo "meta rounds $ROUNDS"
	echo "meta idle_ms $IDLE_MS"
	echo "meta ov_ms $OV_MS"
	echo "meta ov_rate $OV_RATE"
	echo "meta max_steps $MAX_STEPS"
	echo "meta max_ms $MAX_MS"
	echo "meta acc_rate $ACC_RATE"
	echo "meta acc_ms $ACC_MS"
	echo "meta scale_n $SCALE_N"
	echo "meta scale_rate $SCALE_RATE"
	echo "meta scale_ms $SCALE_MS"
	echo "meta ov_modes $OV_MODES"
	echo "meta hist_rate $HIST_RATE"
	echo "meta hist_ms $HIST_MS"
	echo "meta hist_bucket_ns $HIST_BUCKET_NS"
	echo "meta tl_path ${TL_PATH:--}"
	echo "meta tl_period_us $TL_PERIOD_US"
	echo "meta tl_ms $TL_MS"
	echo "meta cost_iterations ${COST_N:-0}"
	echo "meta cyc_paths $CYC_PATHS"
	echo "meta cyc_interval_us $CYC_US"
	echo "meta cyc_ms $CYC_MS"
	echo "meta kw_paths $KW_PATHS"
	echo "meta kw_rate $KW_RATE"
	echo "meta kw_ms $KW_MS"
	echo "meta perf $(perf version 2>/dev/null | sed -n 's/^perf version //p')"
	echo "meta cyclictest $(cyclictest --help 2>&1 | sed -n 's/^cyclictest V \([0-9.]*\).*/\1/p' | head -1)"
	# The kernel's instruments for each path (phases ov and hist).
	for p in $PATHS; do inst_record "$p"; done
} > "$out"

rc=0
for ph in $PHASES; do
	case $ph in
	idle) phase_idle 0 ;;
	*) "phase_$ph" || { rc=1; msg "phase $ph failed"; } ;;
	esac
	echo "end phase=$ph" >> "$out"
done
echo 0 > "$DBG/rate_hz"
synth_remove
rmmod irqdefer || rc=1
# The TSC rate for the trace clock, read last: the refined calibration
# lands in dmesg about 2 s after boot.
tsc=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -1)
tsc_src=refined
if [ -z "$tsc" ]; then
	tsc=$(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -1)
	tsc_src=detected
fi
{ echo "meta tsc_mhz ${tsc:-0} $tsc_src"; echo "end all rc=$rc"; } >> "$out"
msg "done, $(wc -c < "$out") bytes of results"
exit $rc
