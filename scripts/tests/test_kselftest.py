# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of the kselftest target (selftests/Makefile, config,
settings): the kernel's own install lists every script and carries what
they source, its runner reads settings and takes a skip, and the VM's
kernel has every option selftests/config asks for."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SELFTESTS = os.path.join(ROOT, "selftests")


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
