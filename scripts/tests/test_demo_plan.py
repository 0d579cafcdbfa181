# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of make demo's plan (scripts/demo.sh, DEMO_PLAN=1):
which boots each DEMO_SERIES runs, that a boot a series lacks is refused,
and that a series Debian's archive cannot give falls back to one it can,
saying so. The archive is made unreachable (DEBIAN_MIRROR on a closed
port, an empty cache), so that the tests do not depend on the network."""

import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO = os.path.join(ROOT, "scripts", "demo.sh")
UNREACHABLE = "http://127.0.0.1:9/debian"


class DemoPlan(unittest.TestCase):
    def setUp(self):
        self.cache = tempfile.mkdtemp(prefix="irqdefer-demo-plan.")

    def tearDown(self):
        shutil.rmtree(self.cache, ignore_errors=True)

    def plan(self, **env):
        e = dict(os.environ, DEMO_PLAN="1", IRQDEFER_CACHE=self.cache,
                 DEBIAN_MIRROR=UNREACHABLE)
        e.pop("BOOTS", None)
        e.update(env)
        p = subprocess.run(["bash", DEMO], capture_output=True, text=True,
                           env=e, check=False, timeout=300)
        boots = [tuple(line.split()[1:]) for line in p.stdout.splitlines()
                 if line.startswith("plan: ")]
        return p.returncode, boots, p.stderr

    def test_612_runs_its_five_models(self):
        rc, boots, _ = self.plan(DEMO_SERIES="6.12")
        self.assertEqual(rc, 0)
        self.assertEqual(boots, [("6.12", "none", "normal"), ("6.12", "voluntary", "normal"),
                                 ("6.12", "full", "normal"), ("6.12", "threadirqs", "normal"),
                                 ("6.12", "rt", "rt")])

    def test_a_model_the_series_lacks_is_refused(self):
        rc, boots, err = self.plan(DEMO_SERIES="6.12", BOOTS="full lazy")
        self.assertEqual(rc, 1)
        self.assertEqual(boots, [])
        self.assertIn("kernel series 6.12 has no model 'lazy'", err)

    def test_unknown_series_is_refused(self):
        rc, boots, err = self.plan(DEMO_SERIES="5.10")
        self.assertNotEqual(rc, 0)
        self.assertEqual(boots, [])
        self.assertIn("5.10", err)

    def test_unreachable_73_falls_back_to_612(self):
        rc, boots, err = self.plan(DEMO_SERIES="7.3")
        self.assertEqual(rc, 0, err)
        self.assertIn("could not read Debian's trixie-backports index", err)
        self.assertIn("running the demo on kernel series 6.12 instead of 7.3", err)
        self.assertEqual([b[1] for b in boots], ["none", "voluntary", "full", "threadirqs", "rt"])
        self.assertTrue(all(b[0] == "6.12" for b in boots))

    def test_kernel_comparison_without_73_runs_612_alone(self):
        rc, boots, err = self.plan(DEMO_SERIES="6.12 7.3")
        self.assertEqual(rc, 0, err)
        self.assertIn("comparing kernels needs both", err)
        self.assertEqual({b[0] for b in boots}, {"6.12"})
        self.assertEqual(len(boots), 5)


if __name__ == "__main__":
    unittest.main()
