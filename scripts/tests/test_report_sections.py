# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of scripts/tests/report_sections.py, the check of make
demo-host's report (made in the VM) against make demo's sections."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import report_sections as rs  # noqa: E402

DEMO = """<h1>irqdefer</h1>
<h2>Runs</h2>
<h2>What changes under PREEMPT_RT</h2>
<h3>What changes under PREEMPT_RT: where each path ran (rt against full, 1000 Hz)</h3>
<h2>Real-time hog</h2>
<h3>Real-time hog (full, preempt=full): SCHED_FIFO busy loop at 1000 Hz for 0.4 s</h3>
<h2>Comparison at 1000 Hz</h2>
<h3>full (preempt=full): CPU 1 idle, rate 1000 Hz</h3>
<h3>rt (PREEMPT_RT): CPU 1 idle, rate 1000 Hz</h3>
<h2>The textbook table, measured</h2>
"""
REF = """<h2>Runs</h2>
<h2>Real-time hog</h2>
<h3>Real-time hog (full, preempt=full): SCHED_FIFO busy loop at 1000 Hz for 0.4 s</h3>
<h2>Comparison at 1000 Hz</h2>
<h3>full (preempt=full): CPU 1 idle, rate 1000 Hz</h3>
<h2>The textbook table, measured</h2>
<h3>Textbook table, measured (full, preempt=full: every matrix cell pooled, 86397 runs; &#39;!&#39; = x)</h3>
"""
HOST = """<h2>Runs</h2>
<h2>Real-time hog</h2>
<h3>Real-time hog (host, preempt=full): SCHED_FIFO busy loop at 1000 Hz for 0.2 s</h3>
<h2>Comparison at 1000 Hz</h2>
<h3>host (preempt=full): CPU 1 idle, rate 1000 Hz</h3>
<h2>The textbook table, measured</h2>
<h3>Textbook table, measured (host, preempt=full: every matrix cell pooled, 1234 runs; &#39;!&#39; = x)</h3>
"""


class ReportSections(unittest.TestCase):
    def test_headings_are_text(self):
        self.assertEqual(rs.headings("<h2 id=a>A <b>b</b> &amp; c</h2>", 2), ["A b & c"])
        self.assertTrue(rs.headings(REF, 3)[2].endswith("runs; '!' = x)"))

    def test_normalize_takes_out_the_boot_and_numbers_only(self):
        self.assertEqual(rs.normalize("full (preempt=full): CPU 1 idle", "full"),
                         "BOOT (preempt=full): CPU N idle")
        self.assertEqual(rs.normalize("Textbook table, measured (host, preempt=full: 12 runs)", "host"),
                         "Textbook table, measured (BOOT, preempt=full: N runs)")
        self.assertEqual(rs.normalize("Real-time hog (host): x", "host"), "Real-time hog (BOOT): x")
        # Not a word that merely contains the name.
        self.assertEqual(rs.normalize("hostile (x)", "host"), "hostile (x)")

    def test_host_page_with_the_sections_of_make_demo_passes(self):
        self.assertEqual(rs.compare(HOST, "host", REF, "full", DEMO), [])
        self.assertEqual(rs.compare(HOST, "host", REF, "full"), [])

    def test_a_missing_section_fails(self):
        host = HOST.replace("<h2>Real-time hog</h2>\n", "")
        problems = rs.compare(host, "host", REF, "full", DEMO)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("<h2> sections differ from make demo's one-boot page", problems[0])
        self.assertIn("out/report.html", problems[1])

    def test_a_missing_table_fails(self):
        host = HOST.replace("<h3>host (preempt=full): CPU 1 idle, rate 1000 Hz</h3>\n", "")
        problems = rs.compare(host, "host", REF, "full")
        self.assertEqual(len(problems), 1)
        self.assertIn("missing ['BOOT (preempt=full): CPU N idle, rate N Hz']", problems[0])

    def test_only_the_two_boot_sections_are_excused(self):
        demo = DEMO.replace("<h2>Runs</h2>", "<h2>Runs</h2>\n<h2>Every rate</h2>")
        problems = rs.compare(HOST, "host", REF, "full", demo)
        self.assertEqual(len(problems), 1)
        self.assertIn("Every rate", problems[0])

    def test_unbundle(self):
        files = rs.unbundle("IRQDEFER-FILE a.txt\nx\ny\nIRQDEFER-FILE results/b.txt\nz\n")
        self.assertEqual(files, {"a.txt": "x\ny\n", "results/b.txt": "z\n"})
        for bad in ["/etc/passwd", "../x", "a/../../x", ""]:
            with self.assertRaises(ValueError):
                rs.unbundle(f"IRQDEFER-FILE {bad}\n")

    def test_meta(self):
        self.assertEqual(rs.meta("irqdefer-results 2\nmeta accel tcg\nmeta boot host\n", "accel"), "tcg")
        self.assertIsNone(rs.meta("meta accelx y\n", "accel"))


if __name__ == "__main__":
    unittest.main()
