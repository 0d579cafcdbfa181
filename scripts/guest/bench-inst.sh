# SPDX-License-Identifier: GPL-2.0
# The kernel's own instruments for one path, for make bench (sourced by
# bench.sh): the tracepoints that trace the same events as irqdefer, and
# the in-kernel hist triggers that build the same raise-to-entry latency.
# Everything derives from the path's registry rule (path_rule PATH KEY,
# module_lib.sh): its softirq vector (softirq=), its context, and the event
# that starts its bottom half (trace=); nothing here names a path.
#
# Needs T (tracefs) and module_lib.sh.

# softirq_nr NAME: the vector's number (include/linux/interrupt.h).
softirq_nr() {
	awk -v v="$1" 'BEGIN { n = split("HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU", a, " ")
		for (i = 1; i <= n; i++) if (a[i] == v) { print i - 1; exit } }'
}

# thread_glob PATH: the comm pattern of the path's own thread on the
# running model, from its registry rule (thread=, thread_rt=); empty if it
# has none.
thread_glob() {
	_tg=$(path_rule "$1" "$(rule_key thread)")
	[ "$_tg" = - ] || echo "$_tg"
}

# inst_plan PATH: sets, for PATH,
#   TRACE_EVENTS  the tracepoints of its events (GROUP/EVENT ...): the top
#         half (irq_handler_entry/exit), its softirq if any (softirq_raise,
#         entry, exit), the event that starts its bottom half (trace=) and
#         the one that requests it (TRACED_REQUEST: for a thread,
#         sched_wakeup);
#   the hist triggers' pair: PAIR_REQUEST and PAIR_ENTRY, the events
#         (GROUP/EVENT) that request the bottom half and start it;
#         PAIR_REQUEST_KEY and PAIR_ENTRY_KEY, their fields that name it;
#         PAIR_REQUEST_FILTER and PAIR_ENTRY_FILTER, their filters.
#         PAIR_REQUEST is empty when the kernel has no event pair for it
#         (no bottom half, or no request event);
#   the chain from the top half's entry (see ihist_on): CHAIN_REQUEST_KEY,
#         the request's field that names the bottom half; CHAIN_ENTRY, the
#         entry event; CHAIN_ENTRY_KEY and CHAIN_ENTRY_FILTER, its key field
#         and filter.
# The request event of an entry event: workqueue_queue_work for
# workqueue_execute_start (keyed by the work), its kthread_work twin for
# sched_kthread_work_execute_start, timer_start and
# hrtimer_start for the timers (keyed by the timer), sched_waking for a
# switch to the path's thread (keyed by the pid, filtered by its name),
# and for an entry in a softirq (tasklet_entry, napi_poll),
# softirq_raise -> softirq_entry of its vector (keyed by vec). Requests
# are filtered to hard interrupt context (common_flags & 8,
# TRACE_FLAG_HARDIRQ): the path's top half makes them.
inst_plan() {
	_t=$(path_rule "$1" trace)
	_s=$(path_rule "$1" softirq)
	_g=${_t%%:*} _e=${_t#*:}
	TRACE_EVENTS="irq/irq_handler_entry irq/irq_handler_exit"
	[ "$_s" = none ] || TRACE_EVENTS="$TRACE_EVENTS irq/softirq_raise irq/softirq_entry irq/softirq_exit"
	PAIR_REQUEST= PAIR_ENTRY= PAIR_REQUEST_KEY= PAIR_ENTRY_KEY= PAIR_REQUEST_FILTER= PAIR_ENTRY_FILTER= TRACED_REQUEST=
	case $_e in
	irq_handler_entry | none | "") ;;
	workqueue_execute_start)
		PAIR_REQUEST=workqueue/workqueue_queue_work PAIR_ENTRY=$_g/$_e PAIR_REQUEST_KEY=work PAIR_ENTRY_KEY=work
		PAIR_REQUEST_FILTER="common_flags & 8"
		;;
	sched_kthread_work_execute_start)
		PAIR_REQUEST=$_g/sched_kthread_work_queue_work PAIR_ENTRY=$_g/$_e PAIR_REQUEST_KEY=work PAIR_ENTRY_KEY=work
		PAIR_REQUEST_FILTER="common_flags & 8"
		;;
	timer_expire_entry)
		PAIR_REQUEST=$_g/timer_start PAIR_ENTRY=$_g/$_e PAIR_REQUEST_KEY=timer PAIR_ENTRY_KEY=timer PAIR_REQUEST_FILTER="common_flags & 8"
		;;
	hrtimer_expire_entry)
		# A softirq-run hrtimer is a soft one (HRTIMER_MODE_SOFT, 0x4):
		# that leaves out the tick's hard hrtimer, restarted from irq_exit.
		PAIR_REQUEST=$_g/hrtimer_start PAIR_ENTRY=$_g/$_e PAIR_REQUEST_KEY=hrtimer PAIR_ENTRY_KEY=hrtimer PAIR_REQUEST_FILTER="common_flags & 8"
		[ "$_s" = none ] || PAIR_REQUEST_FILTER="$PAIR_REQUEST_FILTER && mode & 4"
		;;
	sched_switch)
		_glob=$(thread_glob "$1")
		# Traced: the wake-up (as a user traces it); paired: the waking.
		TRACED_REQUEST=sched/sched_wakeup
		PAIR_REQUEST=sched/sched_waking PAIR_ENTRY=sched/sched_switch PAIR_REQUEST_KEY=pid PAIR_ENTRY_KEY=next_pid
		PAIR_REQUEST_FILTER="comm ~ \"$_glob\"" PAIR_ENTRY_FILTER="next_comm ~ \"$_glob\""
		;;
	*)
		# An entry inside the softirq: its vector's raise and entry.
		if [ "$_s" != none ]; then
			_v=$(softirq_nr "$_s")
			PAIR_REQUEST=irq/softirq_raise PAIR_ENTRY=irq/softirq_entry PAIR_REQUEST_KEY=vec PAIR_ENTRY_KEY=vec
			PAIR_REQUEST_FILTER="vec == $_v" PAIR_ENTRY_FILTER="vec == $_v"
		fi
		;;
	esac
	# The chain's end: the entry event, keyed as the request names it.
	# A softirq runs on the CPU that raised it, so a softirq-run entry is
	# keyed by that CPU: the path's own event where the kernel emits it
	# before the bottom half's code (tasklet_entry; napi_poll comes after
	# the poll), else its vector's softirq_entry.
	CHAIN_REQUEST_KEY=$PAIR_REQUEST_KEY CHAIN_ENTRY=$PAIR_ENTRY CHAIN_ENTRY_KEY=$PAIR_ENTRY_KEY CHAIN_ENTRY_FILTER=$PAIR_ENTRY_FILTER
	if [ "$PAIR_REQUEST" = irq/softirq_raise ]; then
		CHAIN_REQUEST_KEY=common_cpu CHAIN_ENTRY_KEY=common_cpu
		case $_e in
		tasklet_entry) CHAIN_ENTRY=$_g/$_e CHAIN_ENTRY_FILTER= ;;
		esac
	fi
	case $_e in
	irq_handler_entry | none | "") ;;
	*) TRACE_EVENTS="$TRACE_EVENTS $_g/$_e" ;;
	esac
	TRACED_REQUEST=${TRACED_REQUEST:-$PAIR_REQUEST}
	[ -z "$TRACED_REQUEST" ] || case " $TRACE_EVENTS " in
	*" $TRACED_REQUEST "*) ;;
	*) TRACE_EVENTS="$TRACE_EVENTS $TRACED_REQUEST" ;;
	esac
}

# inst_record PATH: the `inst` record of the path's instruments.
inst_record() {
	inst_plan "$1"
	_h=none
	[ -z "$PAIR_REQUEST" ] || _h="$PAIR_REQUEST>$PAIR_ENTRY"
	echo "inst path=$1 trace=$(echo $TRACE_EVENTS | tr ' ' ',') hist=$_h key=${PAIR_REQUEST_KEY:-none}"
}

# The synthetic event the hist triggers emit, its latency in ns (the trace
# clock must count ns: trace_clock=mono, the module's own clock).
SYNTH=irqdefer_lat
synth_create() {
	grep -q "^$SYNTH[[:space:]]" "$T/synthetic_events" 2> /dev/null ||
		echo "$SYNTH u64 lat" >> "$T/synthetic_events"
}
synth_remove() {
	echo "!$SYNTH u64 lat" >> "$T/synthetic_events" 2> /dev/null
	echo "!$SYNTH_ILAT u64 lat" >> "$T/synthetic_events" 2> /dev/null
}

# The trigger texts of the plan (inst_plan first); "!" + text removes one.
_hist_req() { echo "hist:keys=$PAIR_REQUEST_KEY:ts0=common_timestamp${PAIR_REQUEST_FILTER:+ if $PAIR_REQUEST_FILTER}"; }
_hist_ent() {
	echo "hist:keys=$PAIR_ENTRY_KEY:lat=common_timestamp-\$ts0:onmatch(${PAIR_REQUEST%%/*}.${PAIR_REQUEST#*/}).trace($SYNTH,\$lat)${PAIR_ENTRY_FILTER:+ if $PAIR_ENTRY_FILTER}"
}
_hist_lat() { echo "hist:keys=lat.buckets=$HIST_BUCKET_NS:sort=lat:size=8192"; }

# hist_on / hist_off: the path's hist triggers (inst_plan first).
hist_on() {
	echo "$(_hist_req)" >> "$T/events/$PAIR_REQUEST/trigger"
	echo "$(_hist_ent)" >> "$T/events/$PAIR_ENTRY/trigger"
	echo "$(_hist_lat)" >> "$T/events/synthetic/$SYNTH/trigger"
}
hist_off() {
	echo "!$(_hist_lat)" >> "$T/events/synthetic/$SYNTH/trigger"
	echo "!$(_hist_ent)" >> "$T/events/$PAIR_ENTRY/trigger"
	echo "!$(_hist_req)" >> "$T/events/$PAIR_REQUEST/trigger"
}

# The chain from the top half's entry, irqdefer's own start, to the bottom
# half's entry: what irqdefer measures, in the kernel's events. Three hops,
# for the three keys (the CPU, the request's, the entry's):
#   irq_handler_entry of the path's line   keeps its time per CPU (its0);
#   the request, on that CPU in the handler   reads its0 (once) and emits
#         $SYNTH_REQ(k, ts): the bottom half it names (the work, the timer,
#         the pid; the CPU for a softirq) and that time;
#   $SYNTH_REQ   keeps ts per k (its1); the entry event with that key
#         reads it (once) and emits $SYNTH_ILAT(lat), histogrammed as above.
# A request that merges into a pending one emits no request event (the
# kernel's work, timer and tasklet state say so), so ts stays the oldest
# pending request's, as irqdefer's. Variables read by another event are
# read once, so a stale time is never paired twice.
SYNTH_REQ=irqdefer_req SYNTH_ILAT=irqdefer_ilat
# _ktype: the synthetic type of the request's key field: its own where a
# synthetic event takes it (pid_t), else one of the same size and sign
# (a pointer's: u64).
_ktype() {
	[ "$CHAIN_REQUEST_KEY" = common_cpu ] && { echo u32; return; }
	awk -v f="$CHAIN_REQUEST_KEY" '$0 ~ "field:.*[ *]" f ";" {
		t = $0; sub(/^[ \t]*field:/, "", t); sub("[ *]*" f ";.*", "", t)
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^size:/) { sz = substr($i, 6) + 0 }
			if ($i ~ /^signed:/) { sg = substr($i, 8) + 0 }
		}
		if (t == "pid_t") print t
		else printf "%s%d\n", sg ? "s" : "u", sz * 8
		exit
	}' "$T/events/$PAIR_REQUEST/format"
}
_ihist_irq() { echo "hist:keys=common_cpu:its0=common_timestamp if irq == $1"; }
_ihist_req() {
	if [ "$CHAIN_REQUEST_KEY" = common_cpu ]; then
		echo "hist:keys=common_cpu:icpu=common_cpu:onmatch(irq.irq_handler_entry).trace($SYNTH_REQ,\$icpu,\$its0)${PAIR_REQUEST_FILTER:+ if $PAIR_REQUEST_FILTER}"
	else
		echo "hist:keys=common_cpu:onmatch(irq.irq_handler_entry).trace($SYNTH_REQ,$CHAIN_REQUEST_KEY,\$its0)${PAIR_REQUEST_FILTER:+ if $PAIR_REQUEST_FILTER}"
	fi
}
_ihist_k() { echo "hist:keys=k:its1=ts"; }
_ihist_ent() {
	echo "hist:keys=$CHAIN_ENTRY_KEY:ilat=common_timestamp-\$its1:onmatch(synthetic.$SYNTH_REQ).trace($SYNTH_ILAT,\$ilat)${CHAIN_ENTRY_FILTER:+ if $CHAIN_ENTRY_FILTER}"
}

# ihist_on IRQ / ihist_off IRQ: the chain for the path's line IRQ
# (inst_plan first), beside hist_on's pair.
ihist_on() {
	_kt=$(_ktype)
	[ -n "$_kt" ] || { echo "bench: no field $CHAIN_REQUEST_KEY in $PAIR_REQUEST" >&2; return 1; }
	echo "$SYNTH_REQ $_kt k; u64 ts" >> "$T/synthetic_events"
	grep -q "^$SYNTH_ILAT[[:space:]]" "$T/synthetic_events" ||
		echo "$SYNTH_ILAT u64 lat" >> "$T/synthetic_events"
	echo "$(_ihist_irq "$1")" >> "$T/events/irq/irq_handler_entry/trigger"
	echo "$(_ihist_req)" >> "$T/events/$PAIR_REQUEST/trigger"
	echo "$(_ihist_k)" >> "$T/events/synthetic/$SYNTH_REQ/trigger"
	echo "$(_ihist_ent)" >> "$T/events/$CHAIN_ENTRY/trigger"
	echo "$(_hist_lat)" >> "$T/events/synthetic/$SYNTH_ILAT/trigger"
}
ihist_off() {
	echo "!$(_hist_lat)" >> "$T/events/synthetic/$SYNTH_ILAT/trigger"
	echo "!$(_ihist_ent)" >> "$T/events/$CHAIN_ENTRY/trigger"
	echo "!$(_ihist_k)" >> "$T/events/synthetic/$SYNTH_REQ/trigger"
	echo "!$(_ihist_req)" >> "$T/events/$PAIR_REQUEST/trigger"
	echo "!$(_ihist_irq "$1")" >> "$T/events/irq/irq_handler_entry/trigger"
	# Its key's type is the path's: made anew for each.
	echo "!$SYNTH_REQ" >> "$T/synthetic_events"
}

# hist_totals [EVENT [PREFIX]]: "PREFIXhits=N PREFIXdrops=N" of the
# latency histogram of synthetic EVENT ($SYNTH) (before hist_off).
hist_totals() {
	awk -v p="${2:-}" '$1 == "Hits:" { h = $2 } $1 == "Dropped:" { d = $2 }
		END { printf "%shits=%d %sdrops=%d\n", p, h, p, d }' "$T/events/synthetic/${1:-$SYNTH}/hist"
}

# hist_buckets CELL [EVENT [SRC]]: one hb record per bucket of the latency
# histogram of synthetic EVENT ($SYNTH), "{ lat: ~ LO-HI } hitcount: N",
# as source SRC (kernel) (before hist_off).
hist_buckets() {
	awk -v cell="$1" -v src="${3:-kernel}" '/^\{ lat: ~/ {
		split($4, r, "-"); n = $NF
		printf "hb cell=%s src=%s lo=%d hi=%d count=%d\n", cell, src, r[1], r[2] + 1, n
	}' "$T/events/synthetic/${2:-$SYNTH}/hist"
}

# module_buckets PATH CELL: the path's own log2 histogram (snapshot
# hist_<i>: [2^(i-1), 2^i) ns; bucket 0 is 0 ns) as hb records.
module_buckets() {
	awk -v p="$1" -v cell="$2" '$1 == p && $2 ~ /^hist_[0-9]+$/ && $3 > 0 {
		i = substr($2, 6) + 0
		# No ^ in busybox awk without math support.
		hi = 1; for (k = 0; k < i; k++) hi *= 2
		lo = i == 0 ? 0 : hi / 2
		printf "hb cell=%s src=module lo=%d hi=%d count=%d\n", cell, lo, hi, $3
	}' "$DBG/snapshot"
}

# lat_stats PATH: the module's latency figures, ns.
lat_stats() {
	awk -v p="$1" '$1 == p { v[$2] = $3 } END {
		printf "lmin=%d lp90=%d lp99=%d lmax=%d\n", v["lat_min"], v["lat_p90"], v["lat_p99"], v["lat_max"] }' \
		"$DBG/snapshot"
}

# trace_on / trace_off: the path's tracepoints into the ring buffer (TRACE_EVENTS).
trace_on() {
	echo > "$T/trace"
	for _ev in $TRACE_EVENTS; do echo 1 > "$T/events/$_ev/enable"; done
	echo 1 > "$T/tracing_on"
}
trace_off() {
	echo 0 > "$T/tracing_on"
	for _ev in $TRACE_EVENTS; do echo 0 > "$T/events/$_ev/enable"; done
}
# trace_count: events written since the last clear (entries + overrun).
trace_count() {
	cat "$T"/per_cpu/cpu*/stats | awk '$1 == "entries:" || $1 == "overrun:" { s += $2 }
		END { print s + 0 }'
}
