// SPDX-License-Identifier: GPL-2.0
/*
 * irqdefer: C shim for static inline functions and macros. Each function
 * here is one inline or macro of the kernel, unchanged in meaning.
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/kernel_stat.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "irqdefer_shim.h"

#define CREATE_TRACE_POINTS
#include "irqdefer_trace.h"

/*
 * Sample the caller's context. MAY_SLEEP is false wherever something forbids
 * sleeping, on every preemption model: hard interrupt or softirq context,
 * preemption or bottom halves disabled (softirq_count(): on PREEMPT_RT it is
 * not part of preempt_count(), and a softirq served in a task is
 * preemptible but must not sleep either), interrupts off, an RCU read-side
 * critical section.
 */
void irqdefer_ctx_read(struct irqdefer_ctx *ctx)
{
	/*
	 * Each predicate read once: the preempt count, irqs_disabled() (a
	 * pushf on x86, dear under TCG) and in_task() serve several flags.
	 */
	unsigned int count = preempt_count();
	bool irqs_off = irqs_disabled();
	bool task = in_task();
	u32 flags = 0;

	if (in_hardirq())
		flags |= IRQDEFER_CTX_HARDIRQ;
	if (in_serving_softirq())
		flags |= IRQDEFER_CTX_SOFTIRQ;
	if (task)
		flags |= IRQDEFER_CTX_TASK;
	if (in_nmi())
		flags |= IRQDEFER_CTX_NMI;
	/* preemptible(), with the values read above. */
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT) && !count && !irqs_off)
		flags |= IRQDEFER_CTX_PREEMPTIBLE;
	if (irqs_off)
		flags |= IRQDEFER_CTX_IRQS_DISABLED;
	if (task && !count && !softirq_count() && !irqs_off &&
	    !rcu_preempt_depth())
		flags |= IRQDEFER_CTX_MAY_SLEEP;
	if (current->flags & PF_KTHREAD)
		flags |= IRQDEFER_CTX_KTHREAD;
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		flags |= IRQDEFER_CTX_PREEMPT_RT;

	ctx->flags = flags;
	/*
	 * The name classifies softirq and task context only. The bytes past
	 * its NUL stay as the caller left them (zero).
	 */
	if (flags & (IRQDEFER_CTX_HARDIRQ | IRQDEFER_CTX_NMI))
		ctx->comm[0] = '\0';
	else
		strscpy(ctx->comm, current->comm, sizeof(ctx->comm));
}

bool irqdefer_in_task(void)
{
	return in_task();
}

const char *irqdefer_preempt_model(void)
{
	if (preempt_model_rt())
		return "rt";
	if (preempt_model_full())
		return "full";
#ifdef IRQDEFER_SERIES_7
	if (preempt_model_lazy())
		return "lazy";
#endif
	if (preempt_model_voluntary())
		return "voluntary";
	if (preempt_model_none())
		return "none";
	return "unknown";
}

#ifndef IRQDEFER_SERIES_7
u32 irqdefer_cpu_id(void)
{
	return raw_smp_processor_id();
}

u32 irqdefer_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}
#endif

#ifndef IRQDEFER_SERIES_7
bool irqdefer_cpu_online(u32 cpu)
{
	return cpu < nr_cpu_ids && cpu_online(cpu);
}

bool irqdefer_cpu_possible(u32 cpu)
{
	return cpu < nr_cpu_ids && cpu_possible(cpu);
}
#endif

void __percpu *irqdefer_alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu(size, align);
}

void *irqdefer_per_cpu_ptr(void __percpu *ptr, u32 cpu)
{
	return per_cpu_ptr(ptr, cpu);
}

/*
 * raw_cpu_ptr(), and the CPU it is of: one call for the pair the hot paths
 * need (the CPU may change right after, outside interrupt context).
 */
void *irqdefer_this_cpu_ptr(void __percpu *ptr, u32 *cpu)
{
	u32 here = raw_smp_processor_id();

	*cpu = here;
	return per_cpu_ptr(ptr, here);
}

struct fwnode_handle *irqdefer_alloc_named_fwnode(const char *name)
{
	return irq_domain_alloc_named_fwnode(name);
}

/*
 * tasklet_schedule() and tasklet_hi_schedule(), telling the caller whether
 * this call scheduled the tasklet (false: it was already scheduled).
 */
bool irqdefer_tasklet_schedule(struct tasklet_struct *t, bool hi)
{
	if (test_and_set_bit(TASKLET_STATE_SCHED, &t->state))
		return false;
	if (hi)
		__tasklet_hi_schedule(t);
	else
		__tasklet_schedule(t);
	return true;
}

void irqdefer_timer_setup(struct timer_list *timer,
			  void (*fn)(struct timer_list *))
{
	timer_setup(timer, fn, 0);
}

unsigned long irqdefer_jiffies(void)
{
	return jiffies;
}

#ifndef IRQDEFER_SERIES_7
u64 irqdefer_hrtimer_forward_now(struct hrtimer *timer, s64 interval_ns)
{
	return hrtimer_forward_now(timer, ns_to_ktime(interval_ns));
}

void irqdefer_hrtimer_setup(struct hrtimer *timer,
			    enum hrtimer_restart (*fn)(struct hrtimer *),
			    enum hrtimer_mode mode)
{
	hrtimer_init(timer, CLOCK_MONOTONIC, mode);
	timer->function = fn;
}
#endif

bool irqdefer_hrtimer_is_queued(struct hrtimer *timer)
{
	return hrtimer_is_queued(timer);
}

struct workqueue_struct *irqdefer_alloc_workqueue(const char *name,
						  unsigned int flags,
						  int max_active)
{
	return alloc_workqueue("%s", flags, max_active, name);
}

long irqdefer_work_on_cpu(u32 cpu, long (*fn)(void *), void *arg)
{
	return work_on_cpu(cpu, fn, arg);
}

void irqdefer_cpus_read_lock(void)
{
	cpus_read_lock();
}

void irqdefer_cpus_read_unlock(void)
{
	cpus_read_unlock();
}

int irqdefer_cpuhp_setup_multi(const char *name,
			       int (*offline)(unsigned int cpu,
					      struct hlist_node *node))
{
	return cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, name, NULL,
				       offline);
}

int irqdefer_cpuhp_add_instance(int state, struct hlist_node *node)
{
	return cpuhp_state_add_instance_nocalls(state, node);
}

void irqdefer_cpuhp_remove_instance(int state, struct hlist_node *node)
{
	cpuhp_state_remove_instance_nocalls(state, node);
}

void irqdefer_cpuhp_remove_multi(int state)
{
	cpuhp_remove_multi_state(state);
}

void irqdefer_cond_resched(void)
{
	cond_resched();
}

bool irqdefer_fatal_signal_pending(void)
{
	return fatal_signal_pending(current);
}

u64 irqdefer_irq_time_ns(u32 cpu)
{
	const u64 *cpustat;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return 0;
	cpustat = kcpustat_cpu(cpu).cpustat;
	return READ_ONCE(cpustat[CPUTIME_IRQ]) +
	       READ_ONCE(cpustat[CPUTIME_SOFTIRQ]);
}

u32 irqdefer_busy_class(void)
{
	if (in_hardirq() || in_nmi() || in_serving_softirq())
		return IRQDEFER_BUSY_IRQ;
	if (current->policy == SCHED_FIFO || current->policy == SCHED_RR ||
	    current->policy == SCHED_DEADLINE || task_nice(current) < 0)
		return IRQDEFER_BUSY_FAVOURED;
	return IRQDEFER_BUSY_TASK;
}

u32 irqdefer_current_pid(void)
{
	return current->pid;
}

u64 irqdefer_current_runtime_ns(void)
{
	return READ_ONCE(current->se.sum_exec_runtime);
}

u64 irqdefer_current_migrations(void)
{
	return READ_ONCE(current->se.nr_migrations);
}

bool irqdefer_irq_forced_thread(unsigned int irq)
{
	struct irq_data *data = irq_get_irq_data(irq);
	struct irq_desc *desc;
	struct irqaction *action;

	if (!data)
		return false;
	desc = irq_data_to_desc(data);
	guard(raw_spinlock_irqsave)(&desc->lock);
	action = desc->action;
	return action && action->thread_fn;
}

int irqdefer_bind_current(u32 cpu)
{
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	return set_cpus_allowed_ptr(current, cpumask_of(cpu));
}

#ifndef IRQDEFER_SERIES_7
void irqdefer_init_completion(struct completion *c)
{
	init_completion(c);
}

void irqdefer_get_task_struct(struct task_struct *task)
{
	get_task_struct(task);
}
#endif

void irqdefer_set_current_interruptible(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
}

void irqdefer_set_current_running(void)
{
	__set_current_state(TASK_RUNNING);
}

/*
 * Module parameters. The Rust side validates them at load and fails it,
 * with a message, on a bad one; the same settings live on in debugfs.
 */
static char *paths = "all";
module_param(paths, charp, 0444);
MODULE_PARM_DESC(paths, "active paths: names separated by commas, or all");

#ifndef IRQDEFER_SERIES_7
/* 7.x: the integer ones are module!'s (src/irqdefer_main.rs). */
static int cpu = -1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU to raise interrupts on, -1 for the caller's");

static unsigned int rate_hz;
module_param(rate_hz, uint, 0444);
MODULE_PARM_DESC(rate_hz, "periodic interrupts per second on every path, 0 for none");

static unsigned long work_ns;
module_param(work_ns, ulong, 0444);
MODULE_PARM_DESC(work_ns, "busy work per bottom half, ns");

static unsigned int sleep_ms;
module_param(sleep_ms, uint, 0444);
MODULE_PARM_DESC(sleep_ms, "msleep() per bottom half where sleeping is legal, ms");
#endif

const char *irqdefer_param_paths(void)
{
	return paths ? paths : "";
}

#ifndef IRQDEFER_SERIES_7
int irqdefer_param_cpu(void)
{
	return cpu;
}

unsigned int irqdefer_param_rate_hz(void)
{
	return rate_hz;
}

unsigned long irqdefer_param_work_ns(void)
{
	return work_ns;
}

unsigned int irqdefer_param_sleep_ms(void)
{
	return sleep_ms;
}
#endif

int irqdefer_trace_users;

int irqdefer_trace_reg(void)
{
	WRITE_ONCE(irqdefer_trace_users, irqdefer_trace_users + 1);
	return 0;
}

void irqdefer_trace_unreg(void)
{
	WRITE_ONCE(irqdefer_trace_users, irqdefer_trace_users - 1);
}

void irqdefer_trace_raise(const char *path, int irq, bool stamped)
{
	trace_irqdefer_raise(path, irq, stamped);
}

void irqdefer_trace_run(const char *path, u32 raised_on, u64 latency_ns)
{
	trace_irqdefer_run(path, raised_on, latency_ns);
}

#ifndef IRQDEFER_SERIES_7
void irqdefer_warn(const char *msg)
{
	WARN(1, "irqdefer: %s\n", msg);
}
#endif

static struct irq_work *irqdefer_irq_work_of(struct irqdefer_irq_work *w)
{
	return (struct irq_work *)w->work;
}

static void irqdefer_irq_work_run(struct irq_work *work)
{
	struct irqdefer_irq_work *w =
		container_of((void *)work, struct irqdefer_irq_work, work);

	w->func(w);
}

void irqdefer_init_irq_work(struct irqdefer_irq_work *w,
			    void (*func)(struct irqdefer_irq_work *w))
{
	w->func = func;
	init_irq_work(irqdefer_irq_work_of(w), irqdefer_irq_work_run);
}

bool irqdefer_irq_work_queue(struct irqdefer_irq_work *w)
{
	return irq_work_queue(irqdefer_irq_work_of(w));
}

void irqdefer_irq_work_sync(struct irqdefer_irq_work *w)
{
	irq_work_sync(irqdefer_irq_work_of(w));
}

struct dentry *irqdefer_debugfs_create_file(const char *name, umode_t mode,
					    struct dentry *parent, void *data,
					    const struct file_operations *fops)
{
	return debugfs_create_file(name, mode, parent, data, fops);
}

void irqdefer_kthread_init_work(struct kthread_work *work,
				void (*fn)(struct kthread_work *work))
{
	kthread_init_work(work, fn);
}

struct kthread_worker *irqdefer_kthread_create_worker(const char *name)
{
	return kthread_create_worker(0, "%s", name);
}

/* The private area of irqdefer's dummy net devices. */
struct irqdefer_napi_priv {
	struct napi_struct napi;
	void *data;
};

/*
 * Allocates a dummy net device called @name (its NAPI thread is then
 * "napi/<name>-<id>") with one NAPI instance, added with @poll and the
 * default weight (the poll budget, NAPI_POLL_WEIGHT), threaded if
 * @threaded, and enabled. @data is kept for @poll: irqdefer_napi_data().
 * Returns the instance, or an ERR_PTR() with nothing left allocated.
 */
struct napi_struct *irqdefer_napi_create(const char *name,
					 int (*poll)(struct napi_struct *napi,
						     int budget),
					 void *data, bool threaded)
{
	struct irqdefer_napi_priv *priv;
	struct net_device *dev;
	int err;

	dev = alloc_netdev_dummy(sizeof(*priv));
	if (!dev)
		return ERR_PTR(-ENOMEM);
	strscpy(dev->name, name, sizeof(dev->name));
	priv = netdev_priv(dev);
	priv->data = data;
	netif_napi_add_weight(dev, &priv->napi, poll, NAPI_POLL_WEIGHT);
	if (threaded) {
		/* An enum in 7.3 (it also offers busy poll), a bool in 6.12. */
#ifdef IRQDEFER_SERIES_7
		err = dev_set_threaded(dev, NETDEV_NAPI_THREADED_ENABLED);
#else
		err = dev_set_threaded(dev, true);
#endif
		if (err) {
			netif_napi_del(&priv->napi);
			free_netdev(dev);
			return ERR_PTR(err);
		}
	}
	napi_enable(&priv->napi);
	return &priv->napi;
}

void *irqdefer_napi_data(struct napi_struct *napi)
{
	return container_of(napi, struct irqdefer_napi_priv, napi)->data;
}

bool irqdefer_napi_schedule(struct napi_struct *napi)
{
	return napi_schedule(napi);
}

bool irqdefer_napi_complete_done(struct napi_struct *napi, int work_done)
{
	return napi_complete_done(napi, work_done);
}

/*
 * Waits for a scheduled or running poll, removes the instance (stopping
 * its thread) and frees its device. May sleep.
 */
void irqdefer_napi_destroy(struct napi_struct *napi)
{
	struct net_device *dev = napi->dev;

	napi_disable(napi);
	netif_napi_del(napi);
	free_netdev(dev);
}

/*
 * An skb carrying @owner as its data, allocated GFP_ATOMIC if @atomic
 * (interrupt context), else GFP_KERNEL. NULL if memory is short.
 */
struct sk_buff *irqdefer_skb_alloc(void *owner, bool atomic)
{
	struct sk_buff *skb;

	skb = alloc_skb(sizeof(owner), atomic ? GFP_ATOMIC : GFP_KERNEL);
	if (skb)
		skb_put_data(skb, &owner, sizeof(owner));
	return skb;
}

void *irqdefer_skb_owner(const struct sk_buff *skb)
{
	void *owner;

	memcpy(&owner, skb->data, sizeof(owner));
	return owner;
}

/* Frees @skb in NET_TX_SOFTIRQ, where @destructor runs. */
void irqdefer_skb_free_irq(struct sk_buff *skb,
			   void (*destructor)(struct sk_buff *skb))
{
	skb->destructor = destructor;
	dev_kfree_skb_irq(skb);
}

void irqdefer_skb_consume(struct sk_buff *skb)
{
	consume_skb(skb);
}
