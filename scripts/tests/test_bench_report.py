# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of scripts/bench_report.py: the figures computed from a
real guest results file, the pairing of module runs with the kernel's
trace, and clear errors (no traceback) on bad input."""

import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "bench_report.py")
SMOKE = os.path.join(HERE, "data", "bench", "smoke.txt")

_spec = importlib.util.spec_from_file_location("bench_report", SCRIPT)
br = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(br)


def smoke_text():
    with open(SMOKE, encoding="utf-8") as f:
        return f.read()


def run_main(*args):
    """Runs main() in-process; returns (rc, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = br.main(list(args))
    return rc, out.getvalue(), err.getvalue()


def kv(line):
    return dict(t.split("=", 1) for t in line.split()[1:])


class RealResults(unittest.TestCase):
    """A smoke run captured from the VM (scripts/bench.sh, BENCH_SMOKE=1)."""

    @classmethod
    def setUpClass(cls):
        cls.text = smoke_text()
        cls.boot = br.parse(cls.text, "smoke.txt")
        cls.res = br.analyse([cls.boot])

    def test_meta(self):
        self.assertEqual(self.boot.m("what"), "smoke")
        self.assertEqual(self.boot.mint("vcpus"), 2)
        self.assertGreater(float(self.boot.meta["tsc_mhz"][0]), 100)

    def test_registry_meta_lines(self):
        # The module's registry in the header (bench.sh copies the
        # snapshot's "meta path.NAME KEY=VALUE..." lines): accepted as meta
        # records, keyed by path, and the figures do not change.
        lines = self.text.splitlines()
        reg = ["meta path.hardirq mechanism=none softirq=none context=hardirq may_sleep=0 "
               "atomic=1 trace=irq:irq_handler_entry",
               "meta path.tasklet mechanism=tasklet_schedule() softirq=TASKLET context=softirq "
               "may_sleep=0 atomic=1 trace=irq:tasklet_entry"]
        i = next(i for i, l in enumerate(lines) if l.startswith("meta scale_ms "))
        text = "\n".join(lines[:i + 1] + reg + lines[i + 1:]) + "\n"
        boot = br.parse(text, "smoke.txt")
        self.assertEqual(boot.mlist("path.tasklet")[:3],
                         ["mechanism=tasklet_schedule()", "softirq=TASKLET", "context=softirq"])
        self.assertEqual(boot.m("paths"), self.boot.m("paths"))
        self.assertEqual(json.dumps(br.analyse([boot]), sort_keys=True, default=str),
                         json.dumps(self.res, sort_keys=True, default=str))

    def test_every_cell_parsed(self):
        paths = self.boot.mlist("paths")
        self.assertEqual(len(self.boot.recs["ov"]), len(paths) * 4 * self.boot.mint("rounds"))
        self.assertEqual({r["path"] for r in self.boot.recs["acc"]}, set(paths))
        self.assertEqual(len(self.res["overhead"]["rows"]), len(paths))

    def test_runs_per_second(self):
        # Recompute one cell by hand from the raw line.
        line = next(l for l in self.text.splitlines()
                    if l.startswith("ov ") and "path=tasklet" in l and "mode=count" in l)
        v = kv(line)
        want = int(v["executed"]) / (float(v["up1"]) - float(v["up0"]))
        row = next(r for r in self.res["overhead"]["rows"] if r["path"] == "tasklet")
        self.assertAlmostEqual(row["runs_s"]["count"], want)

    def test_cpu_per_run(self):
        line = next(l for l in self.text.splitlines()
                    if l.startswith("scale ") and " n=1 " in l)
        v = kv(line)
        d = float(v["up1"]) - float(v["up0"])
        cpu = d * 2 - (int(v["idle1"]) - int(v["idle0"])) / 100
        idle = self.res["scaling"][0]["idle_cpu"]
        want = max(0, cpu - idle * d) * 1e6 / int(v["executed"])
        self.assertAlmostEqual(self.res["scaling"][0]["rows"][0]["cpu_us"], want)

    def test_every_traced_run_paired(self):
        for r in self.res["accuracy"]["rows"]:
            self.assertGreater(r["paired"], 0, r["path"])
            self.assertEqual(r["paired"] + r["unpaired"], r["runs_traced"], r["path"])
            self.assertGreaterEqual(r["diff_p99"], r["diff_p50"])

    def test_module_latency_matches_trace(self):
        # Each paired run's module latency against the raw trace line.
        rows = {r["path"]: r for r in self.res["accuracy"]["rows"]}
        self.assertEqual(rows["hardirq"]["kernel_p50"], 0)
        self.assertIsNone(rows["hardirq"]["met"])
        lat = sorted(int(l.split()[-1]) for l in self.text.splitlines()
                     if re.match(r"tr \d+ \d+ \d+ run tasklet ", l))
        self.assertEqual(rows["tasklet"]["module_p50"], br.median(lat))

    def test_verdict_rules(self):
        # One round: any loss over the target is "not met", never noise.
        v = br.judge([90.0], [100.0], 0.05, "runs/s")
        self.assertEqual((v["status"], round(v["change"], 3)), ("not met", -0.1))
        v = br.judge([96.0], [100.0], 0.05, "runs/s")
        self.assertEqual(v["status"], "met")
        # Overlapping rounds: a median loss over the target is inconclusive.
        v = br.judge([80.0, 95.0, 120.0], [90.0, 100.0, 110.0], 0.05, "runs/s")
        self.assertEqual(v["status"], "inconclusive")
        # Every full round costlier than every count round: not met.
        v = br.judge([12.0, 13.0, 14.0], [10.0, 10.5, 11.0], 0.05, "CPU/run", more_is_worse=True)
        self.assertEqual(v["status"], "not met")
        self.assertEqual(br.judge([0.0], [0.0], 0.05, "CPU/run")["status"], "unresolved")

    def test_max_rate_ratio(self):
        rows = {r["path"]: r for r in self.res["maxrate"]["rows"]}
        base = rows["hardirq"]["max_hz"]
        for r in rows.values():
            if r["max_hz"] is not None and base:
                self.assertAlmostEqual(r["ratio"], r["max_hz"] / base)

    def test_main_writes_reports(self):
        with tempfile.TemporaryDirectory() as d:
            md, js = os.path.join(d, "bench.md"), os.path.join(d, "bench.json")
            rc, out, err = run_main("--md", md, "--json", js, SMOKE)
            self.assertEqual(rc, 0, err)
            with open(md, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual(text.strip(), out.strip())
            for h in ("## Verdicts", "## 1.", "## 2.", "## 3.", "## 4.", "Smoke run", "TCG"):
                self.assertIn(h, text)
            with open(js, encoding="utf-8") as f:
                data = json.load(f)
            self.assertEqual(data["boots"][0]["vcpus"], 2)


class MaxRate(unittest.TestCase):
    def boot(self, cells):
        b = br.Boot("t")
        b.meta.update(paths=["hardirq", "wq"], max_steps=["1000", "2000", "5000"], max_ms=["2000"])
        for i, (path, rate, tr, raised, coal) in enumerate(cells):
            b.recs["max"].append({
                "_where": f"t:{i}", "path": path, "rate": rate, "try": tr,
                "up0": 10.0, "up1": 12.0, "idle0": 0, "idle1": 0, "busy0": 0, "busy1": 0,
                "raised": raised, "executed": raised - coal, "coalesced": coal,
                "lat_count": raised - coal, "lat_p50": 1000,
                "r100": raised, "e100": raised - coal, "c100": coal})
        return {r["path"]: r for r in br.max_rate(b)["rows"]}

    def test_retry_and_ratio(self):
        rows = self.boot([
            ("hardirq", 1000, 1, 2000, 0), ("hardirq", 2000, 1, 4000, 0),
            ("hardirq", 5000, 1, 10000, 0),
            # A stalled first try at 1000 Hz (source 90%), then a good one.
            ("wq", 1000, 1, 1800, 0), ("wq", 1000, 2, 2000, 0),
            ("wq", 2000, 1, 4000, 0),
            ("wq", 5000, 1, 10000, 500), ("wq", 5000, 2, 10000, 300),
        ])
        self.assertEqual(rows["hardirq"]["shown"], "≥5000 (source cap)")
        self.assertEqual(rows["wq"]["max_hz"], 2000)
        self.assertEqual(rows["wq"]["passed_on_retry"], 1)
        self.assertAlmostEqual(rows["wq"]["ratio"], 0.4)
        self.assertIn("fails at 5000 Hz: coalesced 3.0%", rows["wq"]["verdict"])

    def test_steps_out_of_order(self):
        with self.assertRaisesRegex(br.BenchError, "not the declared ones"):
            self.boot([("hardirq", 2000, 1, 4000, 0), ("wq", 1000, 1, 2000, 0)])


# --- pairing on hand-made traces (1000 MHz: one cycle is one ns) -----------

def ev(cpu, ts, pid, kind, *args):
    return br.Event(cpu, ts, pid, kind, tuple(args))


def irq(cpu, ts, n=30, pid=0):
    return ev(cpu, ts, pid, "irq", n)


def raise_(cpu, ts, path, stamped, pid=0):
    return ev(cpu, ts, pid, "raise", path, 30, stamped)


def run(cpu, ts, path, raised_on, ns, pid=0):
    return ev(cpu, ts, pid, "run", path, raised_on, ns)


class Pairing(unittest.TestCase):
    def pair(self, events, path):
        return br.pair(events, path, 1000.0)

    def test_simple(self):
        pairs, unpaired, func, _ = self.pair([
            irq(1, 100), raise_(1, 110, "tasklet", 1),
            ev(1, 300, 0, "tasklet", 7), run(1, 320, "tasklet", 1, 210),
        ], "tasklet")
        self.assertEqual([(m, k) for m, k, _ in pairs], [(210, 200.0)])
        self.assertEqual(unpaired, {})
        self.assertEqual(func, 7)
        self.assertTrue(pairs[0][2])  # 300 - 110 <= 210 <= 320 - 100

    def test_coalesced_request_is_not_a_stamp(self):
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "tasklet", 1),
            irq(1, 200), raise_(1, 210, "tasklet", 0),
            ev(1, 400, 0, "tasklet", 7), run(1, 420, "tasklet", 1, 310),
        ], "tasklet")
        self.assertEqual([k for _, k, _ in pairs], [300.0])
        self.assertEqual(unpaired, {})

    def test_cross_cpu_run(self):
        # Raised on CPU 1, run by a kworker (pid 50) on CPU 0.
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 105, "wq_unbound", 1),
            ev(1, 150, 9, "work", 3),             # someone else's work on CPU 1
            ev(0, 500, 50, "work", 4), run(0, 520, "wq_unbound", 1, 410, pid=50),
            irq(1, 1000), raise_(1, 1005, "wq_unbound", 1),
            ev(0, 1200, 50, "work", 4), run(0, 1210, "wq_unbound", 1, 205, pid=50),
        ], "wq_unbound")
        self.assertEqual([k for _, k, _ in pairs], [400.0, 200.0])
        self.assertEqual(unpaired, {})

    def test_other_function_ignored(self):
        # The path's function (4) precedes most runs; a foreign work item
        # (3) squeezed in before one run is not taken for it.
        evs = []
        for i, t in enumerate((0, 1000, 2000)):
            evs += [irq(1, t + 10), raise_(1, t + 20, "wq", 1), ev(1, t + 100, 50, "work", 4)]
            if i == 2:
                evs.append(ev(1, t + 110, 50, "work", 3))
            evs.append(run(1, t + 120, "wq", 1, 100, pid=50))
        pairs, unpaired, func, _ = self.pair(evs, "wq")
        self.assertEqual(func, 4)
        self.assertEqual([k for _, k, _ in pairs], [90.0, 90.0, 90.0])

    def test_thread_that_did_not_sleep_is_unpaired(self):
        # threaded: the thread (pid 77) is switched in once and serves two
        # requests; the second run has no sched_switch of its own.
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "threaded", 1),
            ev(1, 300, 0, "switch", 77), run(1, 320, "threaded", 1, 210, pid=77),
            irq(1, 400, pid=77), raise_(1, 410, "threaded", 1, pid=77),
            run(1, 600, "threaded", 1, 195, pid=77),
            irq(1, 1000), raise_(1, 1010, "threaded", 1),
            ev(1, 1100, 0, "switch", 77), run(1, 1120, "threaded", 1, 110, pid=77),
        ], "threaded")
        self.assertEqual([k for _, k, _ in pairs], [200.0, 100.0])
        self.assertEqual(sum(unpaired.values()), 1)
        self.assertIn("without sleeping", next(iter(unpaired)))

    def test_switch_to_another_task_does_not_count(self):
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "kthread", 1),
            ev(1, 300, 0, "switch", 12), run(1, 320, "kthread", 1, 210, pid=88),
        ], "kthread")
        self.assertEqual(pairs, [])
        self.assertEqual(sum(unpaired.values()), 1)

    def test_raised_on_mismatch(self):
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "tasklet", 1),
            ev(1, 300, 0, "tasklet", 7), run(1, 320, "tasklet", 0, 210),
        ], "tasklet")
        self.assertEqual(pairs, [])
        self.assertIn("raising CPU differs from the module's raised_on", unpaired)

    def test_request_nested_between_entry_and_run(self):
        # An interrupt lands after tasklet_entry but before irqdefer_run:
        # its stamp is for the next run, not this one.
        pairs, unpaired, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "tasklet", 1),
            ev(1, 300, 0, "tasklet", 7),
            irq(1, 305), raise_(1, 308, "tasklet", 1),
            run(1, 320, "tasklet", 1, 210),
            ev(1, 500, 0, "tasklet", 7), run(1, 510, "tasklet", 1, 200),
        ], "tasklet")
        self.assertEqual([k for _, k, _ in pairs], [200.0, 195.0])
        self.assertEqual(unpaired, {})

    def test_untraced_run_leaves_its_stamp(self):
        # A stamp whose run is missing from the trace is noted, not paired
        # with the next run.
        pairs, unpaired, _, odd = self.pair([
            irq(1, 100), raise_(1, 110, "tasklet", 1),
            irq(1, 200), raise_(1, 210, "tasklet", 1),
            ev(1, 300, 0, "tasklet", 7), run(1, 320, "tasklet", 1, 110),
        ], "tasklet")
        self.assertEqual([k for _, k, _ in pairs], [100.0])
        self.assertEqual(unpaired, {})
        self.assertEqual(odd, {"stamp never served (run not traced)": 1})

    def test_run_without_request(self):
        pairs, unpaired, _, _ = self.pair([
            ev(1, 300, 0, "tasklet", 7), run(1, 320, "tasklet", 1, 210),
        ], "tasklet")
        self.assertEqual(pairs, [])
        self.assertIn("no stamping request before it", unpaired)

    def test_hardirq_kernel_latency_is_zero(self):
        pairs, _, _, _ = self.pair([
            irq(1, 100), raise_(1, 110, "hardirq", 1), run(1, 120, "hardirq", 1, 9),
        ], "hardirq")
        self.assertEqual([(m, k) for m, k, _ in pairs], [(9, 0.0)])


# --- bad input -------------------------------------------------------------

class BadInput(unittest.TestCase):
    def fails(self, text, pattern):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "r.txt")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            rc, out, err = run_main(p)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^bench_report: error: ")
        self.assertRegex(err, pattern)
        self.assertNotIn("Traceback", err)
        return err

    def edit(self, pred, repl):
        """The smoke file with the first line matching pred replaced."""
        lines = smoke_text().splitlines()
        i = next(i for i, l in enumerate(lines) if pred(l))
        lines[i:i + 1] = repl(lines[i])
        return "\n".join(lines) + "\n"

    def test_empty(self):
        self.fails("", "not an irqdefer-bench")

    def test_truncated(self):
        text = smoke_text()
        self.fails(text[:len(text) // 2], "truncated")

    def test_truncated_trace(self):
        self.fails(self.edit(lambda l: l.startswith("tr "), lambda l: []), "truncated")

    def test_non_numeric(self):
        self.fails(self.edit(lambda l: l.startswith("ov "),
                             lambda l: [re.sub(r"executed=\d+", "executed=12x", l)]),
                   r"executed='12x' is not a number")

    def test_non_numeric_trace(self):
        self.fails(self.edit(lambda l: l.startswith("tr "),
                             lambda l: [l.replace(l.split()[2], "abc", 1)]), "non-numeric")

    def test_missing_cell(self):
        self.fails(self.edit(lambda l: l.startswith("ov ") and "mode=count" in l, lambda l: []),
                   "overhead cell missing")

    def test_missing_key(self):
        self.fails(self.edit(lambda l: l.startswith("scale "),
                             lambda l: [re.sub(r" raised=\d+", "", l)]), "lacks raised")

    def test_zero_runs(self):
        self.fails(self.edit(lambda l: l.startswith("max "),
                             lambda l: [re.sub(r"raised=\d+ executed=\d+ coalesced=\d+",
                                               "raised=0 executed=0 coalesced=0", l)]),
                   "zero bottom-half runs")

    def test_identity_broken(self):
        self.fails(self.edit(lambda l: l.startswith("acc "),
                             lambda l: [re.sub(r"coalesced=\d+", "coalesced=5", l)]),
                   r"raised \d+ != executed")

    def test_negative_latency(self):
        self.fails(self.edit(lambda l: l.startswith("ov ") and "mode=full" in l,
                             lambda l: [re.sub(r"lat_p50=\d+", "lat_p50=-3", l)]),
                   "negative lat_p50")

    def test_unfinished_phase(self):
        self.fails(self.edit(lambda l: l == "end phase=acc", lambda l: []), "phase acc did not finish")

    def test_no_pairs(self):
        # Without entry events no run can be paired.
        text = "\n".join(l for l in smoke_text().splitlines()
                         if not re.match(r"tr \S+ \S+ \S+ tasklet ", l)
                         and not (l.startswith("fn ") and "path=tasklet" in l)) + "\n"
        text = re.sub(r"endtrace path=tasklet lines=\d+",
                      "endtrace path=tasklet lines=%d" % len(re.findall(
                          r"^tr .*$", text.split("acc path=tasklet")[1].split("endtrace")[0], re.M)),
                      text)
        self.fails(text, "tasklet: no run paired")

    def test_unreadable_file(self):
        rc, _, err = run_main("/nonexistent/bench.txt")
        self.assertEqual(rc, 1)
        self.assertIn("No such file", err)

    def test_cli_exit_status(self):
        p = subprocess.run([sys.executable, SCRIPT, "/nonexistent"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("Traceback", p.stderr)


if __name__ == "__main__":
    unittest.main()
