/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqdefer's tracepoints: one per top half and one per bottom-half run,
 * so that each run the module measures can be paired with the kernel's
 * own trace of it (irq_handler_entry, tasklet_entry, ...). Off, each
 * costs a static branch, and the Rust callers skip even the call while
 * irqdefer_trace_users (irqdefer_shim.h) is 0.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM irqdefer

#if !defined(IRQDEFER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define IRQDEFER_TRACE_H

#include <linux/tracepoint.h>

/* Count the events' users, see irqdefer_trace_users. */
int irqdefer_trace_reg(void);
void irqdefer_trace_unreg(void);

/**
 * irqdefer_raise - a top half asked for its path's bottom half
 * @path: the path's name
 * @irq: its Linux IRQ number
 * @stamped: true if this request scheduled a bottom half, false if it
 *	was coalesced into one already pending
 */
TRACE_EVENT_FN(irqdefer_raise,
	       TP_PROTO(const char *path, int irq, bool stamped),
	       TP_ARGS(path, irq, stamped),
	       TP_STRUCT__entry(__string(path, path)
				__field(int, irq)
				__field(bool, stamped)),
	       TP_fast_assign(__assign_str(path);
			      __entry->irq = irq;
			      __entry->stamped = stamped;),
	       TP_printk("path=%s irq=%d stamped=%d",
			 __get_str(path), __entry->irq, __entry->stamped),
	       irqdefer_trace_reg, irqdefer_trace_unreg
);

/**
 * irqdefer_run - a bottom half started
 * @path: the path's name
 * @raised_on: the CPU whose top half stamped the request it serves
 * @latency_ns: the latency irqdefer records for this run
 */
TRACE_EVENT_FN(irqdefer_run,
	       TP_PROTO(const char *path, u32 raised_on, u64 latency_ns),
	       TP_ARGS(path, raised_on, latency_ns),
	       TP_STRUCT__entry(__string(path, path)
				__field(u32, raised_on)
				__field(u64, latency_ns)),
	       TP_fast_assign(__assign_str(path);
			      __entry->raised_on = raised_on;
			      __entry->latency_ns = latency_ns;),
	       TP_printk("path=%s raised_on=%u latency_ns=%llu",
			 __get_str(path), __entry->raised_on, __entry->latency_ns),
	       irqdefer_trace_reg, irqdefer_trace_unreg
);

#endif /* IRQDEFER_TRACE_H */

/* Outside the include guard: define_trace.h reads this file again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE irqdefer_trace
#include <trace/define_trace.h>
