# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of the kselftest target (selftests/Makefile, config,
settings): the kernel's own install lists every script and carries what
they source, its runner reads settings and takes a skip, the guest's
kselftest mode (scripts/guest/run_selftests.sh -k, vm.sh kselftest) runs
it with each script's time and is judged as the project's runner is
(scripts/vm_result.py), and the VM's kernel has every option
selftests/config asks for."""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SELFTESTS = os.path.join(ROOT, "selftests")
JUDGE = os.path.join(ROOT, "scripts", "vm_result.py")


def judge(text, mode="kselftest"):
    """vm_result.py's verdict on a console log: (exit status, stdout, stderr)."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
    try:
        p = subprocess.run([sys.executable, JUDGE, "--mode", mode, f.name],
                           capture_output=True, text=True, check=False)
        return p.returncode, p.stdout, p.stderr
    finally:
        os.unlink(f.name)


def kernel_tree(flavour):
    p = subprocess.run([os.path.join(ROOT, "scripts", "kernel.sh"), "dir", flavour],
                       capture_output=True, text=True, check=False)
    return p.stdout.strip() if p.returncode == 0 else None


class KselftestInstall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not kernel_tree("normal"):
            raise unittest.SkipTest("no kernel source (make kernel)")
        cls.tmp = tempfile.mkdtemp(prefix="irqdefer-ksft-test.")
        cls.dest = os.path.join(cls.tmp, "install")
        subprocess.run([os.path.join(ROOT, "scripts", "kselftest.sh"), cls.dest],
                       capture_output=True, text=True, check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_list_has_every_script(self):
        with open(os.path.join(self.dest, "kselftest-list.txt"), encoding="utf-8") as f:
            listed = f.read().split()
        scripts = sorted(os.path.basename(p)
                         for p in glob.glob(os.path.join(SELFTESTS, "irqdefer_*.sh")))
        self.assertEqual(listed, ["irqdefer:" + s for s in scripts])
        for s in scripts:
            self.assertTrue(os.access(os.path.join(self.dest, "irqdefer", s), os.X_OK), s)

    def test_what_scripts_source_is_installed(self):
        sourced = set()
        for p in glob.glob(os.path.join(SELFTESTS, "*.sh")):
            with open(p, encoding="utf-8") as f:
                sourced |= set(re.findall(r'^\s*\. "\$\(dirname "\$0"\)/([^"]+)"', f.read(), re.M))
        self.assertIn("lib.sh", sourced)
        for s in sorted(sourced) + ["config", "settings"]:
            self.assertTrue(os.path.isfile(os.path.join(self.dest, "irqdefer", s)), s)

    def test_runner_reads_settings_and_takes_a_skip(self):
        env = dict(os.environ, IRQDEFER_KO="/nonexistent/irqdefer.ko")
        p = subprocess.run([os.path.join(self.dest, "run_kselftest.sh"),
                            "-t", "irqdefer:irqdefer_load.sh"],
                           capture_output=True, text=True, env=env, check=False)
        with open(os.path.join(SELFTESTS, "settings"), encoding="utf-8") as f:
            timeout = re.search(r"^timeout=(\d+)$", f.read(), re.M).group(1)
        self.assertIn(f"# timeout set to {timeout}\n", p.stdout)
        self.assertIn("ok 1 selftests: irqdefer: irqdefer_load.sh # SKIP\n", p.stdout)

    @unittest.skipIf(os.path.exists("/sys/kernel/debug/kmemleak"),
                     "the guest runner would scan this machine's kmemleak")
    def test_guest_kselftest_mode_times_and_is_judged(self):
        """run_selftests.sh -k: the kernel's runner on the install, each
        script's time just before its result, judged and counted as the
        project's runner's output is."""
        env = dict(os.environ, IRQDEFER_KO="/nonexistent/irqdefer.ko",
                   IRQDEFER_KSFT=self.dest, TMPDIR=self.tmp)
        env.pop("irqdefer_flavour", None)
        # The guest's shell where the host has it (vm.sh needs it).
        shell = ["busybox", "sh"] if shutil.which("busybox") else ["sh"]
        p = subprocess.run(shell + [os.path.join(ROOT, "scripts", "guest", "run_selftests.sh"), "-k",
                            "irqdefer_load.sh", "irqdefer:irqdefer_initfail.sh"],
                           capture_output=True, text=True, env=env, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("1..2\n", p.stdout)
        self.assertRegex(p.stdout, r"\n# irqdefer_load\.sh: [0-9]+\.[0-9] s\n"
                                   r"ok 1 selftests: irqdefer: irqdefer_load\.sh # SKIP\n")
        self.assertRegex(p.stdout, r"\n# irqdefer_initfail\.sh: [0-9]+\.[0-9] s\n"
                                   r"ok 2 selftests: irqdefer: irqdefer_initfail\.sh # SKIP\n")
        rc, out, err = judge(f"IRQDEFER-BEGIN kselftest\n{p.stdout}IRQDEFER-END kselftest rc=0\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("vm: 0 passed, 0 failed, 2 skipped", out)


class KselftestJudge(unittest.TestCase):
    """What the judge adds for the kernel's runner, from its output as the
    guest's kselftest mode prints it (the project's runner prints the same
    around the scripts, less the timeout lines)."""

    RUN = """\
IRQDEFER-BEGIN kselftest
TAP version 13
1..2
# timeout set to 600
# selftests: irqdefer: irqdefer_a.sh
# TAP version 13
# 1..1
# ok 1 first
# irqdefer_a.sh: 12.5 s
ok 1 selftests: irqdefer: irqdefer_a.sh
# timeout set to 600
# selftests: irqdefer: irqdefer_b.sh
# TAP version 13
# 1..2
# ok 1 one
# ok 2 two # SKIP not here
# irqdefer_b.sh: 40.0 s
ok 2 selftests: irqdefer: irqdefer_b.sh
# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0
IRQDEFER-END kselftest rc=0
"""

    def test_counts_every_case(self):
        rc, out, err = judge(self.RUN)
        self.assertEqual(rc, 0, err)
        self.assertIn("vm: 2 passed, 0 failed, 1 skipped", out)

    def test_script_that_reports_no_case_fails(self):
        rc, out, err = judge(self.RUN.replace("# TAP version 13\n# 1..1\n# ok 1 first\n", ""))
        self.assertEqual(rc, 1)
        self.assertIn("1 failed", out)
        self.assertIn("without reporting a case: irqdefer_a.sh", err)

    def test_script_that_skips_silently_counts_skipped(self):
        rc, out, err = judge(self.RUN.replace("# TAP version 13\n# 1..1\n# ok 1 first\n", "")
                             .replace("irqdefer_a.sh\n# timeout", "irqdefer_a.sh # SKIP\n# timeout"))
        self.assertEqual(rc, 0, err)
        self.assertIn("vm: 1 passed, 0 failed, 2 skipped", out)

    def test_script_past_the_runners_timeout_fails(self):
        rc, _, err = judge(self.RUN.replace("irqdefer_b.sh: 40.0 s", "irqdefer_b.sh: 600.1 s"))
        self.assertEqual(rc, 1)
        self.assertIn("irqdefer_b.sh (600.1 s > 600 s)", err)
        # -o: the runner's override, for that script only.
        longer = self.RUN.replace("irqdefer_b.sh: 40.0 s", "irqdefer_b.sh: 600.1 s").replace(
            "# timeout set to 600\n# selftests: irqdefer: irqdefer_b.sh",
            "# overriding timeout to 900\n# selftests: irqdefer: irqdefer_b.sh")
        self.assertEqual(judge(longer)[0], 0)
        # Another script's time is not this one's.
        other = self.RUN.replace("# irqdefer_b.sh: 40.0 s", "# irqdefer_z.sh: 700.0 s")
        self.assertEqual(judge(other)[0], 0)

    def test_settings_timeout_is_a_whole_number_of_seconds(self):
        """run_kselftest.sh takes it as is (timeout(1)'s argument): the
        judge compares every script's time with it."""
        with open(os.path.join(SELFTESTS, "settings"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r"(?m)^timeout=[1-9][0-9]*$")


class KselftestConfig(unittest.TestCase):
    def test_vm_kernels_have_the_config(self):
        """Each option is set in the VM's normal or debug kernel (fault
        injection: debug only), so that no selftest skips there for want
        of one; ENABLE_DEFAULT_TRACERS is hidden where a tracer is on."""
        configs = {}
        for flavour in ("normal", "debug"):
            tree = kernel_tree(flavour)
            if tree and os.path.isfile(os.path.join(tree, ".config")):
                with open(os.path.join(tree, ".config"), encoding="utf-8") as f:
                    configs[flavour] = dict(re.findall(r"^(CONFIG_\w+)=(.*)$", f.read(), re.M))
        if len(configs) < 2:
            self.skipTest("the normal and debug kernels are not both built")
        with open(os.path.join(SELFTESTS, "config"), encoding="utf-8") as f:
            wanted = re.findall(r"^(CONFIG_\w+)=(\S+)$", f.read(), re.M)
        self.assertTrue(wanted)
        for name, value in wanted:
            with self.subTest(name):
                if name == "CONFIG_ENABLE_DEFAULT_TRACERS":
                    name, value = "CONFIG_TRACING", "y"
                have = [c.get(name) for c in configs.values()]
                # =m asks for the feature; built in (y) gives it too.
                self.assertTrue(any(h == value or (value == "m" and h == "y") for h in have),
                                f"{name}={value}: normal, debug have {have}")


if __name__ == "__main__":
    unittest.main()
