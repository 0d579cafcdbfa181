/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqdefer: C shim for the kernel's static inline functions and macros,
 * which Rust cannot call directly. Nothing else lives here: real exported
 * functions are called from Rust. The Rust side is generated from this
 * header by bindgen at build time (Kbuild): src/kernel_ext/ffi.rs.
 */
#ifndef IRQDEFER_SHIM_H
#define IRQDEFER_SHIM_H

#include <linux/bits.h>
#include <linux/fs.h>		/* struct file_operations */
#include <linux/hrtimer.h>
#include <linux/irq_poll.h>	/* struct irq_poll, for bindgen (Kbuild) */
#include <linux/irq_work_types.h>
/*
 * For __percpu: in 7.3 (asm/percpu_types.h) it names x86's per-CPU
 * address space, CONCATENATE(__seg_, __percpu_seg), where the compiler
 * has typeof_unqual, as the libclang behind bindgen does; __percpu_seg
 * comes from asm/percpu.h. Without it bindgen reads
 * "void __seg___percpu_seg *".
 */
#include <linux/percpu.h>
#include <linux/types.h>

struct completion;
struct dentry;
struct fwnode_handle;
struct hlist_node;
struct hrtimer;
struct kthread_work;
struct kthread_worker;
struct napi_struct;
struct net_device;
struct sk_buff;
struct task_struct;
struct tasklet_struct;
struct timer_list;
struct workqueue_struct;

/* Bits of irqdefer_ctx.flags: the kernel's own context predicates. */
#define IRQDEFER_CTX_HARDIRQ		BIT(0)	/* in_hardirq() */
#define IRQDEFER_CTX_SOFTIRQ		BIT(1)	/* in_serving_softirq() */
#define IRQDEFER_CTX_TASK		BIT(2)	/* in_task() */
#define IRQDEFER_CTX_NMI		BIT(3)	/* in_nmi() */
#define IRQDEFER_CTX_PREEMPTIBLE	BIT(4)	/* preemptible() */
#define IRQDEFER_CTX_MAY_SLEEP		BIT(5)	/* what might_sleep() accepts */
#define IRQDEFER_CTX_IRQS_DISABLED	BIT(6)	/* irqs_disabled() */
#define IRQDEFER_CTX_KTHREAD		BIT(7)	/* current is a kernel thread */
#define IRQDEFER_CTX_PREEMPT_RT		BIT(8)	/* CONFIG_PREEMPT_RT */

#define IRQDEFER_COMM_LEN 16

/* The caller's context, sampled by irqdefer_ctx_read(). */
struct irqdefer_ctx {
	u32 flags;
	char comm[IRQDEFER_COMM_LEN];
};

void irqdefer_ctx_read(struct irqdefer_ctx *ctx);
#ifndef IRQDEFER_SERIES_7
/* 7.x: kernel::cpu::{CpuId::current, nr_cpu_ids}. */
u32 irqdefer_cpu_id(void);
u32 irqdefer_nr_cpu_ids(void);
#endif
#ifndef IRQDEFER_SERIES_7
/* 7.x: kernel::cpumask::Cpumask on cpu_{online,possible}_mask. */
bool irqdefer_cpu_online(u32 cpu);
bool irqdefer_cpu_possible(u32 cpu);
#endif
void __percpu *irqdefer_alloc_percpu(size_t size, size_t align);
void *irqdefer_per_cpu_ptr(void __percpu *ptr, u32 cpu);
void *irqdefer_this_cpu_ptr(void __percpu *ptr, u32 *cpu);

struct fwnode_handle *irqdefer_alloc_named_fwnode(const char *name);

bool irqdefer_tasklet_schedule(struct tasklet_struct *t, bool hi);

void irqdefer_timer_setup(struct timer_list *timer,
			  void (*fn)(struct timer_list *));
unsigned long irqdefer_jiffies(void);

#ifndef IRQDEFER_SERIES_7
/* 7.x: kernel::time::hrtimer (HrTimer::new, HrTimerCallbackContext). */
u64 irqdefer_hrtimer_forward_now(struct hrtimer *timer, s64 interval_ns);
void irqdefer_hrtimer_setup(struct hrtimer *timer,
			    enum hrtimer_restart (*fn)(struct hrtimer *),
			    enum hrtimer_mode mode);
#endif
bool irqdefer_hrtimer_is_queued(struct hrtimer *timer);

/* alloc_workqueue("%s", ...): a macro in 7.x (allocation profiling). */
struct workqueue_struct *irqdefer_alloc_workqueue(const char *name,
						  unsigned int flags,
						  int max_active);

long irqdefer_work_on_cpu(u32 cpu, long (*fn)(void *), void *arg);

/*
 * CPU hotplug: cpus_read_lock() (a no-op without CONFIG_HOTPLUG_CPU) and
 * the multi-instance dynamic state API (CPUHP_AP_ONLINE_DYN).
 */
void irqdefer_cpus_read_lock(void);
void irqdefer_cpus_read_unlock(void);
int irqdefer_cpuhp_setup_multi(const char *name,
			       int (*offline)(unsigned int cpu,
					      struct hlist_node *node));
int irqdefer_cpuhp_add_instance(int state, struct hlist_node *node);
void irqdefer_cpuhp_remove_instance(int state, struct hlist_node *node);
void irqdefer_cpuhp_remove_multi(int state);

/* cond_resched() and fatal_signal_pending(current). */
void irqdefer_cond_resched(void);
bool irqdefer_fatal_signal_pending(void);

/*
 * CPU cpu's time in hard and soft interrupt context, ns, as /proc/stat's
 * irq and softirq columns count it (kcpustat), read as /proc/stat reads it.
 */
u64 irqdefer_irq_time_ns(u32 cpu);

/*
 * Where the caller runs, for the starvation guard's own accounting:
 * IRQDEFER_BUSY_FAVOURED is a task a nice-0 CFS task never preempts
 * (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE) or gets little of the CPU beside
 * (a negative nice: at -20, a nice-0 task gets 1 % of a CPU they share).
 */
#define IRQDEFER_BUSY_TASK	0	/* a task that CFS tasks share the CPU with */
#define IRQDEFER_BUSY_IRQ	1	/* hard interrupt, or serving a softirq */
#define IRQDEFER_BUSY_FAVOURED	2	/* real-time, deadline, or nice below 0 */
u32 irqdefer_busy_class(void);

/*
 * The current task's pid; the CPU time it has run, ns, up to its last
 * scheduler update (se.sum_exec_runtime, which every scheduling class
 * keeps); and how many times it moved to another CPU (se.nr_migrations).
 */
u32 irqdefer_current_pid(void);
u64 irqdefer_current_runtime_ns(void);
u64 irqdefer_current_migrations(void);

/*
 * Whether the IRQ core forced the handler of irq, requested without a
 * thread function, into a thread (threadirqs, PREEMPT_RT): its action then
 * has one. force_irqthreads() reads a static key modules cannot see.
 */
bool irqdefer_irq_forced_thread(unsigned int irq);

/* set_cpus_allowed_ptr(current, cpumask_of(cpu)): cpumask_of() is a macro. */
int irqdefer_bind_current(u32 cpu);

/* init_completion() is an inline. */
#ifndef IRQDEFER_SERIES_7
/* 7.x: the kernel crate's helpers, in kernel::bindings. */
void irqdefer_init_completion(struct completion *c);

void irqdefer_get_task_struct(struct task_struct *task);
#endif
void irqdefer_set_current_interruptible(void);
void irqdefer_set_current_running(void);

/* WARN() with irqdefer's message: a kernel warning with a backtrace. */
#ifndef IRQDEFER_SERIES_7
/* 7.x: kernel::warn_on!. */
void irqdefer_warn(const char *msg);
#endif

/*
 * The irqdefer tracepoints (irqdefer_trace.h), and how many users they have
 * (a tracer, perf, BPF): counted by their registration callbacks, before a
 * tracepoint's static key goes on and after it goes off, under the
 * tracepoints' mutex. While it reads 0 both are off, and a caller may skip
 * the calls below.
 */
extern int irqdefer_trace_users;
void irqdefer_trace_raise(const char *path, int irq, bool stamped);
void irqdefer_trace_run(const char *path, u32 raised_on, u64 latency_ns);

/* Module parameters, declared with module_param() in the shim. */
const char *irqdefer_param_paths(void);
#ifndef IRQDEFER_SERIES_7
int irqdefer_param_cpu(void);
unsigned int irqdefer_param_rate_hz(void);
unsigned long irqdefer_param_work_ns(void);
unsigned int irqdefer_param_sleep_ms(void);
#endif

/*
 * irq_work: struct irq_work is not in the 6.12 kernel crate's bindings, so
 * Rust embeds this wrapper, whose irq_work is bytes to it: the kernel's
 * irq_work, and the function called with the wrapper when it runs. The one
 * exception to "inlines and macros only": every use of the struct as an
 * irq_work is here, exported irq_work_queue() and irq_work_sync() too.
 * init_irq_work() is an inline.
 */
struct irqdefer_irq_work {
	u8 work[sizeof(struct irq_work)] __aligned(__alignof__(struct irq_work));
	void (*func)(struct irqdefer_irq_work *w);
};

void irqdefer_init_irq_work(struct irqdefer_irq_work *w,
			    void (*func)(struct irqdefer_irq_work *w));
bool irqdefer_irq_work_queue(struct irqdefer_irq_work *w);
void irqdefer_irq_work_sync(struct irqdefer_irq_work *w);

/* debugfs_create_file() is a macro in 7.x (_Generic over the fops' type). */
struct dentry *irqdefer_debugfs_create_file(const char *name, umode_t mode,
					    struct dentry *parent, void *data,
					    const struct file_operations *fops);

/* kthread_init_work() is a macro; so is kthread_create_worker() in 7.x. */
void irqdefer_kthread_init_work(struct kthread_work *work,
				void (*fn)(struct kthread_work *work));
struct kthread_worker *irqdefer_kthread_create_worker(const char *name);

bool irqdefer_in_task(void);

/* The running preemption model: "none", "voluntary", "full", "lazy" or "rt". */
const char *irqdefer_preempt_model(void);

/*
 * NAPI on a dummy net device, never registered (no interface appears),
 * whose private area holds the NAPI instance. The 6.12 kernel crate has
 * struct napi_struct only as an opaque type and none of netdevice.h's
 * functions: these wrap the exported ones irqdefer needs and the inlines
 * napi_schedule() and netif_napi_del().
 */
struct napi_struct *irqdefer_napi_create(const char *name,
					 int (*poll)(struct napi_struct *napi,
						     int budget),
					 void *data, bool threaded);
void *irqdefer_napi_data(struct napi_struct *napi);
bool irqdefer_napi_schedule(struct napi_struct *napi);
bool irqdefer_napi_complete_done(struct napi_struct *napi, int work_done);
void irqdefer_napi_destroy(struct napi_struct *napi);

/*
 * Transmit completion: an skb whose data is @owner, freed from an
 * interrupt handler by dev_kfree_skb_irq() (an inline), which queues it on
 * the CPU's completion queue for NET_TX_SOFTIRQ; @destructor runs when
 * that softirq frees it. alloc_skb(), skb_put_data() and (6.12 without
 * tracepoints) consume_skb() are inlines.
 */
struct sk_buff *irqdefer_skb_alloc(void *owner, bool atomic);
void *irqdefer_skb_owner(const struct sk_buff *skb);
void irqdefer_skb_free_irq(struct sk_buff *skb,
			   void (*destructor)(struct sk_buff *skb));
void irqdefer_skb_consume(struct sk_buff *skb);

#endif /* IRQDEFER_SHIM_H */
