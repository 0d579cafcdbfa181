# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of scripts/vm_result.py: the judge must fail a run on
every kind of failure the VM can show."""

import os
import subprocess
import sys
import tempfile
import unittest

JUDGE = os.path.join(os.path.dirname(__file__), "..", "vm_result.py")

GOOD = """\
IRQDEFER-BEGIN test
TAP version 13
1..1
# selftests: irqdefer: irqdefer_a.sh
# TAP version 13
# 1..2
# ok 1 first
# ok 2 second # SKIP not here
ok 1 selftests: irqdefer: irqdefer_a.sh
IRQDEFER-END test rc=0
IRQDEFER-DMESG-BEGIN
[    0.1] irqdefer: loaded
IRQDEFER-DMESG-END
"""


def judge(text, mode="test", timed_out=0):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
    try:
        p = subprocess.run(
            [sys.executable, JUDGE, "--mode", mode, "--timed-out", str(timed_out), f.name],
            capture_output=True, text=True, check=False)
        return p.returncode, p.stdout, p.stderr
    finally:
        os.unlink(f.name)


class VmResultTest(unittest.TestCase):
    def test_good_run_passes_and_counts(self):
        rc, out, _ = judge(GOOD)
        self.assertEqual(rc, 0)
        self.assertIn("vm: 1 passed, 0 failed, 1 skipped", out)

    def test_failed_case_fails(self):
        rc, out, _ = judge(GOOD.replace("# ok 1 first", "# not ok 1 first")
                           .replace("ok 1 selftests", "not ok 1 selftests"))
        self.assertEqual(rc, 1)
        self.assertIn("1 failed", out)

    def test_script_failing_without_failed_case_fails(self):
        rc, _, err = judge(GOOD.replace("ok 1 selftests", "not ok 1 selftests"))
        self.assertEqual(rc, 1)
        self.assertIn("without a failed case", err)

    def test_splat_in_dmesg_fails(self):
        for splat in ["WARNING: CPU: 0 PID: 1 at irqdefer", "BUG: sleeping function called from invalid context",
                      "Oops: 0000", "unreferenced object 0xffff", "INFO: possible recursive locking detected"]:
            rc, _, err = judge(GOOD.replace("irqdefer: loaded", splat))
            self.assertEqual(rc, 1, splat)
            self.assertIn("splat", err)

    def test_allocation_failure_trace_is_not_a_splat(self):
        report = ("insmod: vmalloc error: size 400328, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL)\n"
                  "[    0.2] CPU: 1 UID: 0 PID: 557 Comm: insmod Tainted: G O 6.12.117 #1\n"
                  "[    0.2] Call Trace:\n"
                  "[    0.2]  <TASK>\n"
                  "[    0.2]  dump_stack_lvl+0x5d/0x80")
        rc, _, err = judge(GOOD.replace("irqdefer: loaded", report))
        self.assertEqual(rc, 0, err)

    def test_trace_far_from_an_allocation_failure_is_a_splat(self):
        report = "page allocation failure: order:0\n" + "[    0.2] x\n" * 8 + "[    0.3] Call Trace:"
        rc, _, _ = judge(GOOD.replace("irqdefer: loaded", report))
        self.assertEqual(rc, 1)

    def test_bug_in_an_allocation_failure_report_is_a_splat(self):
        report = ("vmalloc error: size 1\n[    0.2] Call Trace:\n"
                  "[    0.2] BUG: KASAN: slab-use-after-free in irqdefer")
        rc, _, _ = judge(GOOD.replace("irqdefer: loaded", report))
        self.assertEqual(rc, 1)

    # A real report of the kernel's debugfs/rmmod race (7.3 rt,
    # irqdefer_torture.sh), two CPUs' reports interleaved, registers left out.
    RACE = """\
[  233.504002] debugfs file owner did not clean up at exit: coalesced
[  233.504802] WARNING: fs/debugfs/file.c:461 at full_proxy_open_regular+0x77/0xda, CPU#0: cat/12153
[  233.507574] Modules linked in: irqdefer(O) [last unloaded: irqdefer(O)]
[  233.508734] debugfs file owner did not clean up at exit: latency
[  233.508748] WARNING: fs/debugfs/file.c:461 at full_proxy_open_regular+0x77/0xda, CPU#1: cat/12158
[  233.509391] Modules linked in: irqdefer(O) [last unloaded: irqdefer(O)]
[  233.509912] Call Trace:
[  233.510422]  ? open_proxy_open+0xae/0xae
[  233.510662] ---[ end trace 0000000000000000 ]---
[  233.519727] Call Trace:
[  233.519815]  ? open_proxy_open+0xae/0xae
[  233.520509] ---[ end trace 0000000000000000 ]---"""

    def test_debugfs_rmmod_race_is_the_kernels(self):
        rc, _, err = judge(GOOD.replace("[    0.1] irqdefer: loaded", self.RACE))
        self.assertEqual(rc, 0, err)
        self.assertIn("debugfs/rmmod race", err)

    def test_debugfs_leak_after_unload_is_a_splat(self):
        # The module gone: listed only as last unloaded. A real leak.
        gone = self.RACE.replace("Modules linked in: irqdefer(O) [last",
                                 "Modules linked in: [last")
        rc, _, err = judge(GOOD.replace("[    0.1] irqdefer: loaded", gone))
        self.assertEqual(rc, 1)
        self.assertIn("splat", err)

    def test_other_splat_inside_the_race_report_counts(self):
        bad = self.RACE.replace("[  233.510422]  ? open_proxy_open+0xae/0xae",
                                "[  233.510422] BUG: KASAN: use-after-free in irqdefer")
        rc, _, _ = judge(GOOD.replace("[    0.1] irqdefer: loaded", bad))
        self.assertEqual(rc, 1)

    def test_boot_banners_are_not_splats(self):
        rc, _, _ = judge(GOOD.replace("irqdefer: loaded", "rcu: \tRCU lockdep checking is enabled."))
        self.assertEqual(rc, 0)

    def test_guest_that_never_finishes_fails(self):
        rc, _, err = judge(GOOD.split("IRQDEFER-END")[0])
        self.assertEqual(rc, 1)
        self.assertIn("did not finish", err)

    def test_timeout_fails(self):
        rc, _, _ = judge(GOOD, timed_out=1)
        self.assertEqual(rc, 1)

    def test_no_tests_fails(self):
        rc, _, err = judge("IRQDEFER-BEGIN test\nTAP version 13\n1..0\nIRQDEFER-END test rc=0\n")
        self.assertEqual(rc, 1)
        self.assertIn("no test ran", err)

    def test_kmemleak_case_counts(self):
        ok = GOOD.replace("IRQDEFER-END", "ok 2 kmemleak: no unreferenced object after the last unload\nIRQDEFER-END")
        rc, out, _ = judge(ok)
        self.assertEqual(rc, 0)
        self.assertIn("vm: 2 passed, 0 failed", out)
        leak = GOOD.replace("IRQDEFER-END", "not ok 2 kmemleak: unreferenced objects after the last unload\nIRQDEFER-END")
        self.assertEqual(judge(leak)[0], 1)

    def test_debug_checkers_case_counts(self):
        dead = GOOD.replace("IRQDEFER-END", "not ok 2 debug checkers live to the end: not live: KASAN\nIRQDEFER-END")
        rc, out, _ = judge(dead)
        self.assertEqual(rc, 1)
        self.assertIn("vm: 1 passed, 1 failed", out)

    def test_demo_mode_uses_exit_status(self):
        self.assertEqual(judge("IRQDEFER-BEGIN demo\nIRQDEFER-END demo rc=0\n", mode="demo")[0], 0)
        self.assertEqual(judge("IRQDEFER-BEGIN demo\nIRQDEFER-END demo rc=1\n", mode="demo")[0], 1)

    # The kernel's runner (vm.sh kselftest): its own lines around the same
    # KTAP, a skipped script, and a timeout, as run_kselftest.sh prints them.
    KSFT = """\
IRQDEFER-BEGIN kselftest
TAP version 13
1..2
# timeout set to 600
# selftests: irqdefer: irqdefer_a.sh
# TAP version 13
# 1..1
# ok 1 first
ok 1 selftests: irqdefer: irqdefer_a.sh
# timeout set to 600
# selftests: irqdefer: irqdefer_b.sh
# TAP version 13
# 1..0 # SKIP no fault injection in this kernel (CONFIG_FAULT_INJECTION)
ok 2 selftests: irqdefer: irqdefer_b.sh # SKIP
IRQDEFER-END kselftest rc=0
"""

    def test_kselftest_runner_output_counts(self):
        rc, out, _ = judge(self.KSFT, mode="kselftest")
        self.assertEqual(rc, 0)
        self.assertIn("vm: 1 passed, 0 failed, 1 skipped", out)

    def test_kselftest_xfail_fails(self):
        # 7.x's runner: exit 2 is "ok ... # XFAIL"; a shell abort exits 2.
        rc, out, err = judge(self.KSFT.replace(
            "ok 1 selftests: irqdefer: irqdefer_a.sh",
            "ok 1 selftests: irqdefer: irqdefer_a.sh # XFAIL"), mode="kselftest")
        self.assertEqual(rc, 1)
        self.assertIn("1 failed", out)
        self.assertIn("exited 2", err)

    def test_script_short_of_its_plan_fails(self):
        rc, out, err = judge(GOOD.replace("# 1..2", "# 1..3"))
        self.assertEqual(rc, 1)
        self.assertIn("irqdefer_a.sh (2 of 3)", err)

    def test_kselftest_timeout_fails(self):
        rc, _, err = judge(self.KSFT.replace(
            "ok 1 selftests: irqdefer: irqdefer_a.sh",
            "#\nnot ok 1 selftests: irqdefer: irqdefer_a.sh # TIMEOUT 600 seconds"), mode="kselftest")
        self.assertEqual(rc, 1)
        self.assertIn("irqdefer_a.sh", err)


if __name__ == "__main__":
    unittest.main()
