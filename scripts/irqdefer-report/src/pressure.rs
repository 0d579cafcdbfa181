// SPDX-License-Identifier: GPL-2.0

//! The pressure scenarios: what the kernel's rules predict, written down
//! before the measurement, and the measured verdict against it.
//!
//! - The real-time hog: a `SCHED_FIFO` busy loop pinned on the raising CPU,
//!   at a priority below the IRQ threads' 50 and above; the module's
//!   threads pinned there too, RT throttling off; the fair server, deferred
//!   by 950 ms, never runs within a window (`scripts/guest/scenario.sh`). A path runs or starves by who executes
//!   its top half and its bottom half, and at what priority.
//! - Softirq overload: a softirq path's work stepped up to a whole CPU; who
//!   serves the softirq (interrupt exit, `ksoftirqd`, or the task that
//!   re-enables bottom halves), and where `ksoftirqd` takes the majority.
//!
//! The predictions follow from each path's registry row (its softirq,
//! context, `sched`, `bound`, `merges` and `top_threadable` on the model,
//! and its executor), never from its name or its mechanism's text.

use serde::Serialize;

use crate::figures::{Boot, CellFigures};
use crate::results::PathRule;

/// The priority of IRQ threads (`irq/N-*`) and of `sched_set_fifo()`
/// kernel threads: `MAX_RT_PRIO / 2`. A kernel constant, not a fact of a
/// path: the registry publishes the class of the task that runs a path's
/// bottom half (`sched=`, `sched_rt=`, read where that task is an IRQ
/// thread), not that of the IRQ thread forced threading moves a top half
/// into, nor of the one that then serves the softirq it raised: those are
/// always at this priority (`irq_thread()`'s `sched_set_fifo()`).
pub const IRQ_THREAD_PRIO: u32 = 50;

/// Whether a path runs while the hog runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Its bottom halves run during the hog's window.
    Runs,
    /// None runs until the hog stops.
    Starves,
    /// Its bottom halves run during the hog's window, none on the hog's
    /// CPU: the kernel ran their executor elsewhere (on 7.3 `rt`, the
    /// forced IRQ thread of a source raised on CPU 1 runs on CPU 0), so
    /// the hog never competed with it. The rule, which assumes the
    /// executor on the hog's CPU, is neither confirmed nor refuted.
    MovedOff,
}

impl Fate {
    /// Its word.
    pub fn word(self) -> &'static str {
        match self {
            Fate::Runs => "runs",
            Fate::Starves => "starves",
            Fate::MovedOff => "moved off",
        }
    }
}

/// A prediction and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expect<T> {
    /// What the rules predict.
    pub what: T,
    /// The rule that predicts it.
    pub why: String,
}

fn expect<T>(what: T, why: impl Into<String>) -> Expect<T> {
    Expect {
        what,
        why: why.into(),
    }
}

/// Whether a path's top half runs in an IRQ thread on a model: under forced
/// threading (PREEMPT_RT, `threadirqs`), where the registry says it is
/// threadable (`top_threadable`: every handler but those requested
/// `IRQF_NO_THREAD` or with a thread of their own, which the IRQ core
/// leaves alone: `irq_setup_forced_threading()`).
pub fn top_half_threaded(p: &PathRule, forced: bool) -> bool {
    forced && p.top_threadable
}

/// A task at `prio` (0: SCHED_OTHER) on the hog's CPU against a SCHED_FIFO
/// hog at `hog`.
fn task(prio: u32, hog: u32, who: &str) -> Expect<Fate> {
    if prio > hog {
        expect(
            Fate::Runs,
            format!("{who}: SCHED_FIFO {prio}, above the hog's {hog}: it preempts the hog"),
        )
    } else if prio == 0 {
        expect(
            Fate::Starves,
            format!("{who}: SCHED_OTHER on the hog's CPU: no CFS task runs under a FIFO hog"),
        )
    } else {
        expect(
            Fate::Starves,
            format!("{who}: SCHED_FIFO {prio}, not above the hog's {hog}"),
        )
    }
}

/// What the rules predict for a path under a SCHED_FIFO hog at `hog` on
/// the raising CPU, on PREEMPT_RT (`rt`) or not. The scenario pins the
/// module's threads to that CPU and turns RT throttling off. The task that
/// runs the bottom half is at the registry's priority (`sched=`,
/// `sched_rt=` on PREEMPT_RT).
pub fn hog(p: &PathRule, rt: bool, hog: u32) -> Expect<Fate> {
    if top_half_threaded(p, rt) {
        let top = task(IRQ_THREAD_PRIO, hog, "top half forced into irq/N");
        if top.what == Fate::Starves {
            return top;
        }
    }
    let prio = p.fifo_prio_on(rt);
    let ctx = p.context_on(rt);
    match ctx.name.as_str() {
        "hardirq" => expect(
            Fate::Runs,
            "hard interrupt context: preempts any task, whatever its priority",
        ),
        // 7.x serves the timer softirqs in ktimers/N (SCHED_FIFO 1), as
        // the registry's sched_rt says, not in the task that raised them.
        "softirq" if rt && prio > 0 => task(
            prio,
            hog,
            "softirq served by a per-CPU kernel thread of its own (ktimers/N on 7.x)",
        ),
        "softirq" if rt && top_half_threaded(p, rt) => {
            // Served by the task that re-enables bottom halves: the path's
            // own forced IRQ thread, which raised it.
            task(
                IRQ_THREAD_PRIO,
                hog,
                "softirq served at local_bh_enable() in the forced irq/N thread",
            )
        }
        // Raised in hard interrupt context (a top half the IRQ core does
        // not thread): interrupt exit wakes ksoftirqd/N on PREEMPT_RT.
        "softirq" if rt => task(
            0,
            hog,
            "softirq raised in hard interrupt context, served by ksoftirqd/N",
        ),
        "softirq" => expect(
            Fate::Runs,
            "softirq at interrupt exit, which preempts any task (only what is \
             handed to ksoftirqd/N, SCHED_OTHER, would wait)",
        ),
        "task_irq_thread" => task(prio, hog, "irq/N thread"),
        "task_kworker" if !p.bound => expect(
            Fate::Runs,
            "unbound workqueue: its kworker may run on another CPU",
        ),
        "task_kworker" => task(prio, hog, "per-CPU kworker"),
        "task_own_thread" if prio > 0 => {
            task(prio, hog, "kthread_worker made FIFO by sched_set_fifo()")
        }
        "task_own_thread" => task(prio, hog, "the module's kernel thread"),
        "task_napi_thread" => task(prio, hog, "napi/ thread"),
        _ if rt => task(
            prio,
            hog,
            "a per-CPU kernel thread (irq_work/N, rcuc/N at SCHED_FIFO 1)",
        ),
        other => task(prio, hog, &format!("a task ({other})")),
    }
}

/// The measured fate of a hog cell: runs if a bottom half ran during the
/// window, with the hog running, on the hog's CPU; moved off if every one
/// that ran did elsewhere (where the capture counts runs per CPU).
pub fn measured_fate(c: &CellFigures) -> Option<Fate> {
    let w = c.window.as_ref()?;
    Some(if w.executed == 0 {
        Fate::Starves
    } else if w.on_hog_cpu == Some(0) {
        Fate::MovedOff
    } else {
        Fate::Runs
    })
}

/// Whether a measured fate agrees with the rules' prediction: moved off
/// tests no rule, and disagrees with none.
pub fn agrees(expected: Fate, measured: Fate) -> bool {
    measured == expected || measured == Fate::MovedOff
}

/// When `ksoftirqd` should take the majority of a softirq path's runs as
/// its work grows to a whole CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handover {
    /// Only near full load (80% and up).
    NearFull,
    /// At every load.
    Always,
    /// At no load.
    Never,
}

impl Handover {
    /// Its words.
    pub fn words(self) -> &'static str {
        match self {
            Handover::NearFull => "majority only near full load",
            Handover::Always => "majority at every load",
            Handover::Never => "never the majority",
        }
    }

    /// Whether measured shares (by rising load) agree.
    pub fn agrees(self, shares: &[(f64, f64)]) -> bool {
        let over = |s: f64| s > 0.5;
        match self {
            Handover::Always => shares.iter().all(|(_, s)| over(*s)),
            Handover::Never => !shares.iter().any(|(_, s)| over(*s)),
            Handover::NearFull => {
                crossing(shares).is_some_and(|pct| pct >= 80.0)
                    && shares.iter().all(|(pct, s)| *pct >= 80.0 || !over(*s))
            }
        }
    }
}

/// The first load (percent of a CPU) at which ksoftirqd has the majority.
pub fn crossing(shares: &[(f64, f64)]) -> Option<f64> {
    shares.iter().find(|(_, s)| *s > 0.5).map(|(pct, _)| *pct)
}

/// The softirqs (`softirq=`, as `/proc/softirqs` names them) whose work
/// waits, once pending, for the tick or a grace period: `TIMER` runs the
/// `timer_list`s that expired at a jiffy, `RCU` the callbacks whose grace
/// period ended. Requests merge into such work at any rate above HZ, so
/// the CPU its runs take stays well below the nominal load. Kernel
/// knowledge of the vector, not of a path: every other softirq runs what
/// was raised at the next interrupt exit.
const WAITS_FOR_A_TICK: &[&str] = &["TIMER", "RCU"];

/// What the rules predict for a softirq path whose work grows to a whole
/// CPU at a fixed rate, on PREEMPT_RT (`rt`) or not.
pub fn overload(p: &PathRule, rt: bool) -> Expect<Handover> {
    let ctx = p.context_on(rt);
    if ctx.name != "softirq" {
        return expect(
            Handover::Never,
            format!("not a softirq on this model: runs in {}", ctx.name),
        );
    }
    // The registry's `merges`: a request while one is pending merges into
    // it; how long one stays pending is its softirq's (`WAITS_FOR_A_TICK`).
    let merges = p.merges && WAITS_FOR_A_TICK.contains(&p.softirq.as_str());
    if rt && p.fifo_prio_on(rt) > 0 {
        return expect(
            Handover::Never,
            "served by a per-CPU kernel thread of its own at SCHED_FIFO (7.x: ktimers/N \
             for the timer softirqs, as the registry's sched_rt says), not by ksoftirqd/N",
        );
    }
    if rt && p.softirq == "TIMER" {
        return expect(
            Handover::Always,
            "PREEMPT_RT: TIMER_SOFTIRQ is raised by the tick, in hard interrupt context, \
             where no task holds bottom halves off: ksoftirqd/N is woken to serve it",
        );
    }
    if rt && !top_half_threaded(p, rt) {
        return expect(
            Handover::Always,
            "PREEMPT_RT: raised by a top half the IRQ core does not thread, in hard \
             interrupt context: ksoftirqd/N is woken to serve it",
        );
    }
    if rt {
        return expect(
            Handover::Never,
            "PREEMPT_RT: raised while the path's forced IRQ thread holds bottom halves off \
             (its top half, or the hrtimer it armed from there), so that thread serves it \
             at local_bh_enable(), whatever the load",
        );
    }
    if merges {
        return expect(
            Handover::Never,
            "requests merge (one run per jiffy, or per grace period): the CPU the work \
             takes stays well below the nominal load, and interrupt exit keeps up",
        );
    }
    expect(
        Handover::NearFull,
        "interrupt exit serves it and restarts while a new request is pending, up to \
         MAX_SOFTIRQ_TIME (2 ms, one jiffy at HZ=250) or 10 rounds, then wakes \
         ksoftirqd/N; with a periodic source a request is pending at the end of a run \
         only when the work nearly fills the period",
    )
}

/// The overload shares of one path on one boot: (load %, ksoftirqd
/// share), by rising load.
pub fn shares(b: &Boot, path: &str) -> Vec<(f64, f64)> {
    b.overload_cells(path)
        .iter()
        .map(|c| (c.load_pct(), c.ksoftirqd_share))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(sched_rt: &str) -> PathRule {
        timer_top(sched_rt, 1)
    }

    fn timer_top(sched_rt: &str, top: u8) -> PathRule {
        PathRule::parse(
            "timer",
            &format!(
                "mechanism=mod_timer() softirq=TIMER context=softirq may_sleep=0 atomic=1 \
                 context_rt=softirq may_sleep_rt=0 trace=none executor=timer bound=1 \
                 sched=- sched_rt={sched_rt} merges=1 top_threadable={top}"
            ),
        )
        .unwrap()
    }

    #[test]
    fn timer_softirqs_in_ktimers_starve_under_any_hog_above_1() {
        // 7.x: ktimers/N at FIFO 1.
        let e = hog(&timer("fifo1"), true, 49);
        assert_eq!(e.what, Fate::Starves, "{}", e.why);
        assert!(e.why.contains("ktimers"), "{}", e.why);
        // 6.12: served where bottom halves are re-enabled (FIFO 50 on RT).
        assert_eq!(hog(&timer("-"), true, 49).what, Fate::Runs);
        assert_eq!(hog(&timer("-"), true, 51).what, Fate::Starves);
        // Without PREEMPT_RT, at interrupt exit.
        assert_eq!(hog(&timer("fifo1"), false, 51).what, Fate::Runs);
    }

    #[test]
    fn a_softirq_raised_in_hard_interrupt_context_on_rt_waits_for_ksoftirqd() {
        // No registry row has it today (a softirq path's top half is
        // threadable), but the rule must not assume so.
        let e = hog(&timer_top("-", 0), true, 1);
        assert_eq!(e.what, Fate::Starves, "{}", e.why);
        assert!(e.why.contains("ksoftirqd/N"), "{}", e.why);
        assert_eq!(hog(&timer_top("-", 0), false, 99).what, Fate::Runs);
        let mut hi = timer_top("-", 0);
        hi.softirq = "HI".into();
        assert_eq!(overload(&hi, true).what, Handover::Always);
        hi.top_threadable = true;
        assert_eq!(overload(&hi, true).what, Handover::Never);
    }

    #[test]
    fn timer_softirqs_in_ktimers_never_reach_ksoftirqd() {
        assert_eq!(overload(&timer("fifo1"), true).what, Handover::Never);
        // 6.12's RT: the tick raises it, ksoftirqd/N serves it.
        assert_eq!(overload(&timer("-"), true).what, Handover::Always);
    }
}
