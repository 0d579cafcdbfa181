#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn make bench's guest results (scripts/guest/bench.sh) into a report.

    bench_report.py [--md OUT.md] [--json OUT.json] RESULTS...

One RESULTS file per boot (out/bench/<boot>.txt). Prints the tables and
writes them as Markdown and JSON. Before reporting anything it checks the
figures for sanity (every expected cell present, no path with zero runs,
raised == executed + coalesced at rest, no negative latency, runs paired
with the kernel's trace on every path) and exits 1 with a message instead
of reporting nonsense.
"""

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field

ALL_PATHS = [
    "hardirq", "threaded", "tasklet", "tasklet_hi", "wq", "wq_highpri",
    "wq_unbound", "wq_own", "bh_wq", "timer", "hrtimer_soft", "kthread",
    "irq_work", "kthread_worker", "rcu",
]
# The kernel event that starts each path's bottom half (see bench.sh's
# dump_trace for the compact names).
ENTRY = {
    "hardirq": "irq",
    "threaded": "switch",
    "tasklet": "tasklet",
    "tasklet_hi": "tasklet",
    "wq": "work",
    "wq_highpri": "work",
    "wq_unbound": "work",
    "wq_own": "work",
    "bh_wq": "work",
    "timer": "timer",
    "hrtimer_soft": "hrtimer",
    "kthread": "switch",
    "irq_work": "irqwork",
    "kthread_worker": "switch",
    # No event marks the start of an RCU callback here: the kernel's
    # rcu:rcu_invoke_callback needs CONFIG_RCU_TRACE (the registry's
    # trace=none).
    "rcu": None,
}
ENTRY_NAME = {
    "irq": "irq_handler_entry",
    "switch": "sched_switch to the thread",
    "tasklet": "tasklet_entry",
    "work": "workqueue_execute_start",
    "timer": "timer_expire_entry",
    "hrtimer": "hrtimer_expire_entry",
    "irqwork": "irq_work_entry",
}
MODES = ["full", "count", "reader", "hog"]

WINDOW = ["up0", "up1", "idle0", "idle1", "busy0", "busy1"]
COUNTS = ["raised", "executed", "coalesced", "lat_count", "lat_p50"]
REQUIRED = {
    "idle": ["round", "ms"] + WINDOW,
    "ov": ["round", "path", "mode", "rate"] + WINDOW + COUNTS,
    "max": ["path", "rate", "try"] + WINDOW + COUNTS + ["r100", "e100", "c100"],
    "scale": ["n", "paths", "rate"] + WINDOW + COUNTS,
    "acc": ["path", "irq", "rate", "ms"] + WINDOW + COUNTS + ["overrun"],
    "fn": ["path", "id", "name"],
    "endtrace": ["path", "lines"],
}
STRINGS = {"path", "mode", "paths", "name"}
FLOATS = {"up0", "up1"}
META_REQUIRED = ["kernel", "boot", "flavour", "accel", "vcpus", "what", "phases",
                 "paths", "clk_tck", "rounds", "max_steps", "max_ms", "scale_n"]
# Arity of each compact trace event's arguments.
TRACE_ARGS = {"irq": 1, "raise": 3, "run": 3, "tasklet": 1, "work": 1,
              "timer": 1, "hrtimer": 1, "switch": 1, "wakeup": 1, "irqwork": 1}

OV_TARGET = 0.05
READER_TARGET = 0.02
ACC_TARGET = 0.10
SUSTAIN_S = 2.0


class BenchError(Exception):
    """Bad or implausible results: reported as one line, no traceback."""


@dataclass
class Event:
    cpu: int
    ts: int
    pid: int
    kind: str
    args: tuple


@dataclass
class Boot:
    name: str
    meta: dict = field(default_factory=dict)
    recs: dict = field(default_factory=lambda: {k: [] for k in REQUIRED})
    traces: dict = field(default_factory=dict)
    ends: set = field(default_factory=set)

    def m(self, key):
        return " ".join(self.meta[key])

    def mint(self, key):
        try:
            return int(self.meta[key][0])
        except (KeyError, IndexError, ValueError):
            raise BenchError(f"{self.name}: meta {key}: not an integer") from None

    def mlist(self, key):
        return self.meta.get(key, [])


# --- parsing -------------------------------------------------------------

def _number(where, key, val):
    try:
        return float(val) if key in FLOATS else int(val)
    except ValueError:
        raise BenchError(f"{where}: {key}={val!r} is not a number") from None


def parse(text, name):
    """Parses one boot's results file into a Boot."""
    boot = Boot(name)
    lines = text.replace("\r", "").split("\n")
    # The guest ends every line: a last one without its newline was cut
    # off; leave it out, and the missing 'end all' reports the truncation.
    lines.pop()
    if not lines or lines[0].strip() != "irqdefer-bench 1":
        raise BenchError(f"{name}: not an irqdefer-bench version 1 results file")
    acc = None
    for no, line in enumerate(lines[1:], 2):
        where = f"{name}:{no}"
        tok = line.split()
        if not tok:
            continue
        rec = tok[0]
        if rec == "meta":
            if len(tok) < 3:
                raise BenchError(f"{where}: meta line without a value")
            boot.meta[tok[1]] = tok[2:]
        elif rec == "tr":
            if acc is None:
                raise BenchError(f"{where}: trace event outside an accuracy cell")
            if len(tok) < 5 or tok[4] not in TRACE_ARGS or len(tok) != 5 + TRACE_ARGS[tok[4]]:
                raise BenchError(f"{where}: malformed trace event {line.strip()!r}")
            try:
                cpu, ts, pid = int(tok[1]), int(tok[2]), int(tok[3])
                args = tuple(a if i == 0 and tok[4] in ("raise", "run") else int(a)
                             for i, a in enumerate(tok[5:]))
            except ValueError:
                raise BenchError(f"{where}: non-numeric field in trace event {line.strip()!r}") from None
            boot.traces[acc].append(Event(cpu, ts, pid, tok[4], args))
        elif rec == "end":
            boot.ends.add(tok[1] if len(tok) > 1 else "")
        elif rec in REQUIRED:
            kv = {}
            for t in tok[1:]:
                k, eq, v = t.partition("=")
                if not eq or not k:
                    raise BenchError(f"{where}: {rec}: expected key=value, got {t!r}")
                if k == "name":
                    v = t[len("name="):]
                kv[k] = v if k in STRINGS else _number(where, k, v)
            missing = [k for k in REQUIRED[rec] if k not in kv]
            if missing:
                raise BenchError(f"{where}: {rec} record lacks {', '.join(missing)}")
            kv["_where"] = where
            boot.recs[rec].append(kv)
            if rec == "acc":
                acc = kv["path"]
                if acc in boot.traces:
                    raise BenchError(f"{where}: a second accuracy cell for {acc}")
                boot.traces[acc] = []
            elif rec == "endtrace":
                if acc != kv["path"]:
                    raise BenchError(f"{where}: endtrace for {kv['path']} inside {acc}'s cell")
                if kv["lines"] != len(boot.traces[acc]):
                    raise BenchError(f"{where}: {acc}'s trace has {len(boot.traces[acc])} events, "
                                     f"the guest wrote {kv['lines']}: truncated")
                acc = None
        else:
            raise BenchError(f"{where}: unknown record {rec!r}")
    if "all" not in boot.ends:
        raise BenchError(f"{name}: no final 'end all': the results are truncated "
                         "(the guest stopped early?)")
    missing = [k for k in META_REQUIRED if k not in boot.meta]
    if missing:
        raise BenchError(f"{name}: meta lacks {', '.join(missing)}")
    for ph in boot.mlist("phases"):
        if f"phase={ph}" not in boot.ends:
            raise BenchError(f"{name}: phase {ph} did not finish")
    return boot


# --- figures --------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else None


def pct(xs, q):
    """Nearest-rank percentile q (0..100) of xs."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(0, min(len(s) - 1, -(-len(s) * q // 100) - 1))
    return s[int(k)]


def dt(rec):
    d = rec["up1"] - rec["up0"]
    if d <= 0:
        raise BenchError(f"{rec['_where']}: window of {d:.2f} s")
    return d


def cpu_s(boot, rec):
    """CPU seconds used in a window, all vCPUs: elapsed x vCPUs - idle."""
    d_idle = rec["idle1"] - rec["idle0"]
    if d_idle < 0:
        raise BenchError(f"{rec['_where']}: idle time went backwards")
    return max(0.0, dt(rec) * boot.mint("vcpus") - d_idle / boot.mint("clk_tck"))


def idle_load(boot):
    """CPU seconds per second the guest uses with no load (median)."""
    xs = [cpu_s(boot, r) / dt(r) for r in boot.recs["idle"]]
    if not xs:
        raise BenchError(f"{boot.name}: no idle baseline")
    return median(xs)


def cost_us(boot, rec, idle):
    """CPU time per bottom-half run, µs, above the idle baseline."""
    return max(0.0, cpu_s(boot, rec) - idle * dt(rec)) * 1e6 / rec["executed"]


def check_counts(rec, what):
    w = rec["_where"]
    if rec["executed"] <= 0:
        raise BenchError(f"{w}: {what}: zero bottom-half runs")
    if rec["raised"] != rec["executed"] + rec["coalesced"]:
        raise BenchError(f"{w}: {what}: raised {rec['raised']} != executed {rec['executed']} "
                         f"+ coalesced {rec['coalesced']} at rest")
    for k in COUNTS:
        if rec[k] < 0:
            raise BenchError(f"{w}: {what}: negative {k} {rec[k]}")


def judge(test, ref, target, basis, more_is_worse=False):
    """A verdict on `test` rounds against `ref` rounds, within `target`.

    The change is of the medians (for runs/s a loss is negative; for CPU
    per run, a cost is positive). Over target it is 'NOT MET' only if
    every test round is worse than every reference round; otherwise the
    rounds overlap and the figure is within TCG's round-to-round noise.
    """
    mt, mr = median(test), median(ref)
    if not mt or not mr:
        return {"status": "unresolved", "change": None, "noise": None,
                "verdict": "unresolved (CPU cost below the idle noise)"}
    change = mt / mr - 1
    worse = change if more_is_worse else -change
    noise = (max(ref) - min(ref)) / 2 / mr
    if more_is_worse:
        separated = min(test) > max(ref)
    else:
        separated = max(test) < min(ref)
    fig = f"{basis} {change * 100:+.1f}%"
    if worse <= target:
        status = "met"
        verdict = f"met ({fig})"
        if noise > target:
            verdict = f"met ({fig}; noise ±{noise * 100:.0f}%)"
    elif separated:
        status, verdict = "not met", f"NOT MET ({fig})"
    else:
        status = "inconclusive"
        verdict = f"inconclusive ({fig}, rounds overlap; noise ±{noise * 100:.0f}%)"
    return {"status": status, "change": change, "noise": noise, "verdict": verdict}


def overhead(boot):
    paths = boot.mlist("paths")
    rounds = boot.mint("rounds")
    idle = idle_load(boot)
    cells = {}
    for r in boot.recs["ov"]:
        key = (r["round"], r["path"], r["mode"])
        if key in cells:
            raise BenchError(f"{r['_where']}: duplicate overhead cell {key}")
        check_counts(r, f"overhead {r['path']} {r['mode']} round {r['round']}")
        cells[key] = r
    rows = []
    for p in paths:
        per = {m: [] for m in MODES}
        for rnd in range(1, rounds + 1):
            for m in MODES:
                if (rnd, p, m) not in cells:
                    raise BenchError(f"{boot.name}: overhead cell missing: {p}, {m}, round {rnd}")
                per[m].append(cells[(rnd, p, m)])

        def runs(m):
            return [c["executed"] / dt(c) for c in per[m]]

        def cost(m):
            return [cost_us(boot, c, idle) for c in per[m]]

        def coal(m):
            return median([c["coalesced"] / c["raised"] for c in per[m]])

        if p == "timer":
            bound = "tick"
        elif coal("count") > 0.01 or coal("full") > 0.01:
            bound = "path"
        else:
            bound = "source"
        # Source- or tick-bound, runs/s is the same whatever the path
        # costs: a CPU-bound path's throughput is inverse to its CPU per
        # run, so the verdict uses that there.
        if bound == "path":
            v = judge(runs("full"), runs("count"), OV_TARGET, "runs/s")
        else:
            v = judge(cost("full"), cost("count"), OV_TARGET, "CPU/run", more_is_worse=True)
        rd = judge(runs("reader"), runs("hog"), READER_TARGET, "runs/s")
        if bound != "path":
            rd["verdict"] += f"; {bound}-bound"
        rows.append({
            "path": p, "bound": bound, "source_hz": median([c["raised"] / dt(c) for c in per["full"]]),
            "runs_s": {m: median(runs(m)) for m in MODES},
            "cpu_us": {m: median(cost(m)) for m in ("full", "count")},
            "coalesced": {m: coal(m) for m in MODES},
            "p50": {m: median([c["lat_p50"] for c in per[m]]) for m in ("full", "reader", "hog")},
            "reads_s": median([c.get("reads", 0) / dt(c) for c in per["reader"]]),
            "full_vs_count": v, "reader_vs_hog": rd,
            "reader_vs_full": median(runs("reader")) / median(runs("full")) - 1,
        })
    return {"idle_cpu": idle, "rounds": rounds, "rate": boot.mint("ov_rate"), "rows": rows}


def step_failures(r):
    """Why a max-rate try fails (empty: it passed)."""
    d = dt(r)
    why = []
    if r["coalesced"] * 100 > r["raised"]:
        why.append(f"coalesced {r['coalesced'] / r['raised'] * 100:.1f}%")
    if r["raised"] < 0.95 * r["rate"] * d:
        why.append(f"source {r['raised'] / d / r['rate'] * 100:.0f}% of rate")
    if r["r100"] != r["e100"] + r["c100"]:
        why.append("not drained 100 ms after stop")
    return why


def max_rate(boot):
    steps = [int(s) for s in boot.mlist("max_steps")]
    by_path = {}
    for r in boot.recs["max"]:
        if r["rate"] not in steps:
            raise BenchError(f"{r['_where']}: rate {r['rate']} is not a declared step")
        check_counts(r, f"max rate {r['path']} {r['rate']} Hz")
        by_path.setdefault(r["path"], []).append(r)
    out = {}
    for p in boot.mlist("paths"):
        recs = by_path.get(p)
        if not recs:
            raise BenchError(f"{boot.name}: max rate: no cell for {p}")
        tried = []
        for r in recs:
            if not tried or tried[-1][0] != r["rate"]:
                tried.append((r["rate"], []))
            tried[-1][1].append(r)
        if [t[0] for t in tried] != steps[:len(tried)]:
            raise BenchError(f"{boot.name}: max rate: {p}'s steps are not the declared ones in order")
        # A step passes if one of its tries passes (a second try follows a
        # failed one: TCG stalls the whole VM now and then).
        best, fail, retried = None, None, 0
        for rate, tries in tried:
            passed, why = None, []
            for r in tries:
                why = step_failures(r)
                if not why:
                    passed = r
                    break
            if passed is None:
                fail = (rate, why)
                break
            retried += passed["try"] > 1
            best = passed
        hz = best["rate"] if best else None
        out[p] = {
            "max_hz": hz, "capped": hz == steps[-1],
            "sustained_s": dt(best) if best else None,
            "fails_at": fail[0] if fail else None, "why": fail[1] if fail else [],
            "passed_on_retry": retried,
        }
    base = out.get("hardirq", {}).get("max_hz")
    rows = []
    for p, o in out.items():
        if o["max_hz"] is None:
            shown = f"<{steps[0]}"
        elif o["capped"]:
            shown = f"≥{o['max_hz']} (source cap)"
        else:
            shown = str(o["max_hz"])
        if base is None or o["max_hz"] is None:
            ratio = None
            rshown = "n/a"
        else:
            ratio = o["max_hz"] / base
            rshown = f"{'≥' if o['capped'] else ''}{ratio:.2f}"
            if o["capped"] and out["hardirq"]["capped"]:
                rshown = "1.00 (both at cap)"
        if o["fails_at"]:
            verdict = f"fails at {o['fails_at']} Hz: {', '.join(o['why'])}"
        else:
            verdict = "no loss at any step"
        if o["passed_on_retry"]:
            verdict += f"; {o['passed_on_retry']} step(s) passed on the second try"
        if o["sustained_s"] is not None and o["sustained_s"] < SUSTAIN_S - 0.05:
            verdict += f" (window {o['sustained_s']:.1f} s < {SUSTAIN_S:.0f} s: smoke)"
        rows.append(dict(o, path=p, shown=shown, ratio=ratio, ratio_shown=rshown, verdict=verdict))
    return {"steps": steps, "window_s": boot.mint("max_ms") / 1000, "rows": rows}


def pair(events, path, mhz):
    """Pairs each irqdefer_run with the kernel's own trace of the same run.

    Kernel latency = the path's bottom-half entry event on the run's CPU
    (the last one before the run, after the path's previous run, in the
    run's task) minus the irq_handler_entry on the raising CPU just before
    the stamping request (irqdefer_raise stamped=1) that the run serves.
    Returns (pairs: (module ns, kernel ns, whether the module's figure
    lies within what the trace brackets), {why: runs left unpaired}, the
    entry function used, {what: other oddities seen}).
    """
    kind = ENTRY[path]
    events = sorted(events, key=lambda e: e.ts)
    func = None
    if kind in ("tasklet", "work", "timer", "hrtimer"):
        # Other tasklets, work items and timers run too: the path's own is
        # the function found most often just before its runs.
        last, seen = {}, {}
        for e in events:
            if e.kind == kind:
                last[e.cpu] = e
            elif e.kind == "run" and e.cpu in last and last[e.cpu].pid == e.pid:
                f = last[e.cpu].args[0]
                seen[f] = seen.get(f, 0) + 1
        func = max(seen, key=seen.get) if seen else None

    last_irq = {}      # cpu -> irq_handler_entry event
    last_raise = {}    # cpu -> ts of the last irqdefer_raise
    last_entry = {}    # cpu -> entry event
    stamps = []        # (handler ts, cpu), oldest first, not yet served
    prev_run = None
    pairs, unpaired, odd = [], {}, {}

    def miss(why, where=unpaired):
        where[why] = where.get(why, 0) + 1

    for e in events:
        if e.kind == "irq":
            last_irq[e.cpu] = e
        elif e.kind == "raise":
            if e.args[0] != path:
                continue
            h = last_irq.get(e.cpu)
            if e.args[2] == 1:
                if h is None or h.ts > e.ts or h.ts <= last_raise.get(e.cpu, -1):
                    miss("stamping request without its irq_handler_entry", odd)
                else:
                    stamps.append((h.ts, e.cpu, e.ts))
            last_raise[e.cpu] = e.ts
        elif e.kind == kind and (func is None or e.args[0] == func):
            last_entry[e.cpu] = e
        if e.kind != "run" or e.args[0] != path:
            continue
        raised_on, module_ns = e.args[1], e.args[2]
        ent = last_irq.get(e.cpu) if kind == "irq" else last_entry.get(e.cpu)
        who = (lambda x: x.args[0]) if kind == "switch" else (lambda x: x.pid)
        ok_entry = (ent is not None and ent.ts <= e.ts and who(ent) == e.pid
                    and (prev_run is None or ent.ts > prev_run))
        prev_run = e.ts
        limit = ent.ts if ok_entry else e.ts
        i = len(stamps) - 1
        while i >= 0 and stamps[i][0] > limit:
            i -= 1
        if i < 0:
            miss("no stamping request before it")
            continue
        stamp = stamps[i]
        # Older unserved stamps are requests whose run was not traced.
        if i > 0:
            miss("stamp never served (run not traced)", odd)
        del stamps[:i + 1]
        if not ok_entry:
            miss(f"no {ENTRY_NAME[kind]} of its own (e.g. a thread that ran again without sleeping)")
            continue
        if stamp[1] != raised_on:
            miss("raising CPU differs from the module's raised_on")
            continue
        ns = 1000.0 / mhz
        # The module's stamp lies between the handler's entry and its
        # irqdefer_raise event, its run's start between the entry event
        # and irqdefer_run: its latency must fall in [lo, hi].
        lo, hi = (ent.ts - stamp[2]) * ns, (e.ts - stamp[0]) * ns
        pairs.append((module_ns, (ent.ts - stamp[0]) * ns, lo <= module_ns <= hi))
    return pairs, unpaired, func, odd


def accuracy(boot):
    mhz = float(boot.meta.get("tsc_mhz", ["0"])[0] or 0)
    if mhz <= 0:
        raise BenchError(f"{boot.name}: no TSC frequency (meta tsc_mhz) to convert the trace clock")
    recs = {r["path"]: r for r in boot.recs["acc"]}
    rows = []
    for p in boot.mlist("paths"):
        r = recs.get(p)
        if r is None:
            raise BenchError(f"{boot.name}: accuracy: no cell for {p}")
        check_counts(r, f"accuracy {p}")
        runs = [e for e in boot.traces.get(p, []) if e.kind == "run" and e.args[0] == p]
        if not runs:
            raise BenchError(f"{r['_where']}: accuracy {p}: no irqdefer_run in the trace")
        if ENTRY[p] is None:
            rows.append({
                "path": p, "runs_traced": len(runs), "paired": 0, "unpaired": 0,
                "unpaired_why": {}, "oddities": {}, "module_p50": median([e.args[2] for e in runs]),
                "kernel_p50": None, "diff_p50": None, "diff_p99": None, "rel": None,
                "in_bracket": None, "signed_p50": None, "met": None,
                "verdict": "n/a: the kernel has no event for the start of its bottom half",
                "overrun": r["overrun"], "entry": "none", "function": None,
            })
            continue
        pairs, unpaired, func, odd = pair(boot.traces[p], p, mhz)
        if not pairs:
            raise BenchError(f"{r['_where']}: accuracy {p}: no run paired with the kernel's trace "
                             f"({', '.join(unpaired) or 'nothing found'})")
        mod = [m for m, _, _ in pairs]
        ker = [k for _, k, _ in pairs]
        if min(mod) < 0 or min(ker) < 0:
            raise BenchError(f"{r['_where']}: accuracy {p}: negative latency")
        diffs = [abs(m - k) for m, k, _ in pairs]
        inside = sum(b for _, _, b in pairs) / len(pairs)
        med = median(mod)
        rel = median(diffs) / med if med > 0 else None
        if p == "hardirq":
            verdict = "n/a: no bottom half (the kernel's latency is 0 by definition)"
            met = None
        elif rel is None:
            verdict, met = "unresolved (median latency 0)", None
        else:
            met = rel < ACC_TARGET
            verdict = f"{'met' if met else 'NOT MET'} ({rel * 100:.1f}% of the median)"
        rows.append({
            "path": p, "runs_traced": len(runs), "paired": len(pairs),
            "unpaired": sum(unpaired.values()), "unpaired_why": unpaired, "oddities": odd,
            "module_p50": med, "kernel_p50": median(ker), "diff_p50": median(diffs),
            "diff_p99": pct(diffs, 99), "rel": rel, "in_bracket": inside,
            "signed_p50": median([m - k for m, k, _ in pairs]), "verdict": verdict, "met": met,
            "overrun": r["overrun"], "entry": ENTRY_NAME[ENTRY[p]],
            "function": next((f["name"] for f in boot.recs["fn"]
                              if f["path"] == p and f["id"] == func), None),
        })
    return {"tsc_mhz": mhz, "tsc_source": boot.m("tsc_mhz").split()[-1],
            "rate": boot.mint("acc_rate"), "ms": boot.mint("acc_ms"), "rows": rows}


def scaling(boot):
    idle = idle_load(boot)
    recs = {}
    for r in boot.recs["scale"]:
        check_counts(r, f"scaling {r['n']} paths")
        recs[r["n"]] = r
    rows = []
    for n in (int(x) for x in boot.mlist("scale_n")):
        r = recs.get(n)
        if r is None:
            raise BenchError(f"{boot.name}: scaling: no cell for {n} path(s)")
        rows.append({"n": n, "paths": r["paths"], "runs_s": r["executed"] / dt(r),
                     "cpu_us": cost_us(boot, r, idle), "coalesced": r["coalesced"] / r["raised"]})
    return {"vcpus": boot.mint("vcpus"), "boot": boot.m("boot"), "idle_cpu": idle,
            "rate": boot.mint("scale_rate"), "rows": rows}


def analyse(boots):
    if not boots:
        raise BenchError("no results files")
    res = {"boots": [], "overhead": None, "maxrate": None, "accuracy": None, "scaling": []}
    for b in boots:
        phases = b.mlist("phases")
        for p in b.mlist("paths"):
            if p not in ALL_PATHS:
                raise BenchError(f"{b.name}: unknown path {p!r}")
        res["boots"].append({"name": b.m("boot"), "file": b.name, "kernel": b.m("kernel"), "flavour": b.m("flavour"),
                             "accel": b.m("accel"), "vcpus": b.mint("vcpus"), "what": b.m("what"),
                             "phases": phases})
        if "ov" in phases:
            if res["overhead"]:
                raise BenchError(f"{b.name}: a second boot with the overhead phase")
            res["overhead"] = dict(overhead(b), boot=b.m("boot"))
        if "max" in phases:
            res["maxrate"] = dict(max_rate(b), boot=b.m("boot"))
        if "acc" in phases:
            res["accuracy"] = dict(accuracy(b), boot=b.m("boot"))
        if "scale" in phases:
            res["scaling"].append(scaling(b))
    for k in ("overhead", "maxrate", "accuracy"):
        if res[k] is None:
            raise BenchError(f"no boot ran the {k} phase")
    if not res["scaling"]:
        raise BenchError("no boot ran the scaling phase")
    res["scaling"].sort(key=lambda s: s["vcpus"])
    return res


# --- report ---------------------------------------------------------------

def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def f0(x):
    return "—" if x is None else f"{x:.0f}"


def f1(x):
    return "—" if x is None else f"{x:.1f}"


def pc(x):
    return "—" if x is None else f"{x * 100:+.1f}%"


def render(res):
    b0 = res["boots"][0]
    ov, mx, ac = res["overhead"], res["maxrate"], res["accuracy"]
    smoke = any(b["what"] == "smoke" for b in res["boots"])
    L = ["# irqdefer benchmarks", ""]
    if smoke:
        L += ["**Smoke run** (`BENCH_SMOKE=1`): a few paths, one round, short windows; "
              "the figures are checks of the harness, not results.", ""]
    L += [f"Linux {b0['kernel']}, `{b0['flavour']}` flavour, QEMU `{b0['accel']}`; boots: "
          + ", ".join(f"`{b['name']}` ({b['vcpus']} vCPUs: {' '.join(b['phases'])})"
                      for b in res["boots"]) + ". Interrupts are raised on CPU 1.", ""]
    if any(b["accel"] == "tcg" for b in res["boots"]):
        L += ["TCG emulation inflates absolute times (every instruction is translated, "
              "and the vCPUs share this host's 2 cores: with 4 and 8 vCPUs QEMU's "
              "multi-threaded TCG runs more vCPU threads than cores). Only ratios within "
              "one boot count; compare them, not the microseconds, with real hardware.", ""]
    L += ["CPU time is vCPUs × elapsed − idle over each window, from /proc/stat's idle "
          "column (the nohz idle clock, which stops for every interrupt; the tick-sampled "
          "busy columns miss interrupt work done while idle), less the idle baseline of "
          "the same boot, divided by the bottom-half runs. Resolution: 10 ms per CPU per "
          "window.", ""]

    # Summary of verdicts.
    L += ["## Verdicts", ""]

    def tally(key):
        st = [r[key]["status"] for r in ov["rows"]]
        n = len(st)
        word = "met" if st.count("met") == n else "NOT MET" if "not met" in st else "inconclusive"
        return (f"{word}: met on {st.count('met')}/{n} paths, not met on {st.count('not met')}, "
                f"inconclusive on {st.count('inconclusive') + st.count('unresolved')}")

    accs = [r for r in ac["rows"] if r["met"] is not None]
    n_ac = sum(r["met"] for r in accs)
    L += table(["target", "verdict"], [
        [f"full measurement costs ≤{OV_TARGET * 100:.0f}% of throughput, every path",
         tally("full_vs_count")],
        [f"a reader looping on `snapshot` slows paths ≤{READER_TARGET * 100:.0f}%",
         tally("reader_vs_hog")],
        ["highest rate without loss, vs `hardirq`",
         "; ".join(f"{r['path']} {r['shown']}" for r in mx["rows"])],
        [f"median \\|module − kernel\\| < {ACC_TARGET * 100:.0f}% of median latency",
         f"{'met' if n_ac == len(accs) else 'NOT MET'}: {n_ac}/{len(accs)} paths (hardirq n/a)"],
        ["scaling (no target)", "reported below"],
    ])
    L.append("")

    L += [f"## 1. Overhead of measurement (`{ov['boot']}`, {ov['rate']} Hz, "
          f"{ov['rounds']} alternating round(s), medians)", "",
          "`full` measures everything; `count` keeps bare counters (no clock, latency, "
          "context or trace). *bound*: what limits runs/s. `source`: every request gets "
          "its own run, so runs/s is the source's rate whatever the path costs, and the "
          "verdict uses CPU per run (what a CPU-bound path's throughput is inverse to); "
          "`tick`: the timer path runs once per jiffy; `path`: the path coalesces, so "
          "runs/s is its own capacity and the verdict uses it. A change over the target "
          "is *not met* only if every round of one mode is worse than every round of the "
          "other, else *inconclusive*; *noise* is half the spread of the `count` rounds. "
          f"Idle baseline: {ov['idle_cpu']:.3f} CPU.", ""]
    L += table(["path", "bound", "source Hz", "runs/s full", "runs/s count", "coalesced full",
                "CPU µs/run full", "count", "verdict (≤5%)"],
               [[r["path"], r["bound"], f0(r["source_hz"]), f0(r["runs_s"]["full"]),
                 f0(r["runs_s"]["count"]), f"{r['coalesced']['full'] * 100:.1f}%",
                 f1(r["cpu_us"]["full"]), f1(r["cpu_us"]["count"]),
                 r["full_vs_count"]["verdict"]] for r in ov["rows"]])
    L += ["", "A reader looping on `snapshot` (one awk process re-reading the file, pinned "
          "to CPU 0; the load is raised on CPU 1), `full` mode. Its control is a plain "
          "CPU hog on CPU 0: under TCG any busy vCPU slows the others (they share the "
          "host's cores), so the verdict compares the reader with the hog:", ""]
    L += table(["path", "runs/s alone", "with hog", "with reader", "reader vs alone",
                "coalesced with reader", "p50 ns alone", "with hog", "with reader",
                "reads/s", "verdict, reader vs hog (≤2%)"],
               [[r["path"], f0(r["runs_s"]["full"]), f0(r["runs_s"]["hog"]),
                 f0(r["runs_s"]["reader"]), pc(r["reader_vs_full"]),
                 f"{r['coalesced']['reader'] * 100:.1f}%", f0(r["p50"]["full"]),
                 f0(r["p50"]["hog"]), f0(r["p50"]["reader"]), f0(r["reads_s"]),
                 r["reader_vs_hog"]["verdict"]] for r in ov["rows"]])
    L.append("")

    L += [f"## 2. Highest sustained rate without loss (`{mx['boot']}`, steps "
          f"{', '.join(map(str, mx['steps']))} Hz, {mx['window_s']:.1f} s each)", "",
          "A step passes if every request got its own run (coalesced ≤ 1%), the source "
          "reached ≥ 95% of the rate, and nothing was pending 100 ms after the stop; a "
          "failed step is tried once more (TCG stalls the whole VM now and then), and the "
          "climb ends at a step that fails twice. The periodic source tops out at 10000 Hz.", ""]
    L += table(["path", "highest Hz", "ratio to hardirq", "verdict"],
               [[r["path"], r["shown"], r["ratio_shown"], r["verdict"]] for r in mx["rows"]])
    L.append("")

    L += [f"## 3. Accuracy against the kernel's trace (`{ac['boot']}`, {ac['rate']} Hz, "
          f"{ac['ms']} ms per path)", "",
          f"ftrace with `trace_clock=x86-tsc`, converted at {ac['tsc_mhz']} MHz "
          f"({ac['tsc_source']} calibration from dmesg; the module's ktime runs on the same "
          "TSC). Kernel latency: the path's bottom-half entry event on the run's CPU minus "
          "the `irq_handler_entry` before the stamping request it serves. Runs without an "
          "entry event of their own are counted as unpaired, not guessed.", ""]
    L += table(["path", "entry event", "runs", "paired", "unpaired", "module p50 ns",
                "kernel p50 ns", "module − kernel p50", "\\|diff\\| p50", "\\|diff\\| p99",
                "in bracket", "verdict (<10%)"],
               [[r["path"], r["entry"], r["runs_traced"], r["paired"], r["unpaired"],
                 f0(r["module_p50"]), f0(r["kernel_p50"]), f0(r["signed_p50"]), f0(r["diff_p50"]),
                 f0(r["diff_p99"]), "—" if r["in_bracket"] is None else f"{r['in_bracket'] * 100:.0f}%",
                 r["verdict"]]
                for r in ac["rows"]])
    L += ["", "*in bracket*: runs whose module latency lies within what the trace allows: "
          "at least (entry event − `irqdefer_raise`), at most (`irqdefer_run` − "
          "`irq_handler_entry`); the module stamps between the handler's entry and its "
          "raise event and reads the clock between the entry event and its run event. "
          "Under TCG each event costs microseconds, so the fixed offset between the "
          "module's clock reads and the kernel's events (the signed column) weighs "
          "heavily on short latencies."]
    why = [f"{r['path']}: " + "; ".join(f"{n} {w}" for w, n in r["unpaired_why"].items())
           for r in ac["rows"] if r["unpaired_why"]]
    if why:
        L += ["", "Unpaired runs: " + " — ".join(why) + "."]
    odd = [f"{r['path']}: " + "; ".join(f"{n} {w}" for w, n in r["oddities"].items())
           for r in ac["rows"] if r["oddities"]]
    if odd:
        L += ["", "Also seen: " + " — ".join(odd) + "."]
    lost = [r["path"] for r in ac["rows"] if r["overrun"]]
    if lost:
        L += ["", f"Trace buffer overruns (events lost) on: {', '.join(lost)}."]
    L.append("")

    sc = res["scaling"]
    L += [f"## 4. Scaling: CPU µs per bottom-half run at {sc[0]['rate']} Hz per path", "",
          "Paths join in the order of the `paths` column. Columns: one boot each. The host "
          "has 2 cores, so beyond 2 vCPUs QEMU's multi-threaded TCG time-shares them.", ""]
    ns = [r["n"] for r in sc[0]["rows"]]
    head = ["active paths", "paths"] + [f"{s['vcpus']} vCPUs µs/run" for s in sc] + \
        [f"{s['vcpus']} vCPUs runs/s" for s in sc]
    rows = []
    for i, n in enumerate(ns):
        row = [n, sc[0]["rows"][i]["paths"].replace(",", ", ")]
        for s in sc:
            cell = next((r for r in s["rows"] if r["n"] == n), None)
            row.append(f1(cell["cpu_us"]) if cell else "—")
        for s in sc:
            cell = next((r for r in s["rows"] if r["n"] == n), None)
            row.append(f0(cell["runs_s"]) if cell else "—")
        rows.append(row)
    L += table(head, rows)
    ratios = []
    for s in sc:
        a, z = s["rows"][0], s["rows"][-1]
        if a["cpu_us"] > 0:
            ratios.append(f"{s['vcpus']} vCPUs ×{z['cpu_us'] / a['cpu_us']:.2f}")
    if ratios and len(ns) > 1:
        L += ["", f"CPU per run with {ns[-1]} paths against {ns[0]}: " + ", ".join(ratios) + "."]
    L += ["", "Idle baselines: " + ", ".join(f"{s['vcpus']} vCPUs {s['idle_cpu']:.3f} CPU"
                                            for s in sc) + "."]
    L.append("")
    return "\n".join(L)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--md", help="write the Markdown report here")
    ap.add_argument("--json", help="write the figures as JSON here")
    ap.add_argument("results", nargs="+")
    args = ap.parse_args(argv)
    try:
        boots = []
        for path in args.results:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError as e:
                raise BenchError(f"{path}: {e.strerror}") from None
            boots.append(parse(text, path))
        res = analyse(boots)
        md = render(res)
    except BenchError as e:
        print(f"bench_report: error: {e}", file=sys.stderr)
        return 1
    print(md)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write(md)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
