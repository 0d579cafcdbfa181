#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a finished irqdefer VM run from its console log.

Counts the selftests' KTAP results (each test case of each script), prints
a closing line 'N passed, N failed[, N skipped]', and fails the run on any
failed case, a script that failed without a failed case, passed without
reporting one, or reported other than its plan, a script that exited 2
(the kernel's runner calls that an expected failure), a guest that did not
finish, or a kernel splat anywhere in the console or the guest's dmesg:
the same for either runner (scripts/guest/run_selftests.sh: the project's,
or the kernel's run_kselftest.sh). With the kernel's runner, which prints
the timeout it gives each script (settings), also a script that ran
longer.
"""

import argparse
import re
import sys

SPLATS = [
    r"BUG:",
    r"WARNING:",
    r"Oops",
    r"Kernel panic",
    r"general protection fault",
    r"Call Trace:",
    r"possible recursive locking",
    r"possible circular locking",
    r"inconsistent lock state",
    r"INFO: lockdep is turned off|DEBUG_LOCKS_WARN_ON|possible irq lock inversion",
    r"bad unlock balance|held lock freed|lock held when returning",
    r"suspicious RCU usage",
    r"KASAN",
    r"UBSAN",
    r"sleeping function called from invalid context",
    r"scheduling while atomic",
    r"unreferenced object",
    r"soft lockup",
    r"hung_task|blocked for more than",
    r"ODEBUG",
    r"rcu_sched self-detected stall|rcu: INFO",
]
SPLAT_RE = re.compile("|".join(SPLATS))
KMSG_RE = re.compile(r"^\[\s*\d+\.\d+\]")
# warn_alloc(): an allocation that failed reports itself with a backtrace.
# Under fault injection (irqdefer_initfail.sh) that is the expected outcome,
# not a bug: its "Call Trace:" is not a splat. Anything else in the same
# report (BUG, WARNING, KASAN, ...) still is.
ALLOC_FAIL_RE = re.compile(r"vmalloc error: |page allocation failure: ")
ALLOC_FAIL_WINDOW = 6  # kernel lines from the failure to its "Call Trace:"
# The kernel's own race between a debugfs open and rmmod: delete_module()
# drops the module's last reference (try_stop_module()) before it marks
# the module GOING, and an open in between finds no reference to take and
# the module still live, so full_proxy_open_regular() (fs/debugfs/file.c)
# refuses it (-ENXIO) and warns "debugfs file owner did not clean up at
# exit" although the module is mid-unload, its files still there. The
# selftests' readers racing an unload (irqdefer_torture.sh) hit it on 7.3
# rt. A real leak comes after the module is gone: its report then lists
# the module only as "[last unloaded: ...]". So that report, and only
# while "Modules linked in:" still lists the module, is the kernel's: its
# WARNING and Call Trace lines are set aside (and printed as such);
# anything else in it still counts.
DEBUGFS_RACE_RE = re.compile(r"debugfs file owner did not clean up at exit: ")
RACE_LINES_RE = re.compile(r"WARNING: fs/debugfs/file\.c:\d+ at full_proxy_open|Call Trace:")
LINKED_RE = re.compile(r"Modules linked in:(.*)")
END_TRACE_RE = re.compile(r"---\[ end trace")


def debugfs_race_lines(kmsg):
    """Indices of kmsg lines that belong to the kernel's debugfs/rmmod race
    reports (DEBUGFS_RACE_RE), where each report's module list still holds
    irqdefer."""
    known = set()
    i = 0
    while i < len(kmsg):
        if not DEBUGFS_RACE_RE.search(kmsg[i]):
            i += 1
            continue
        # The reports from here to as many "end trace" lines as reports
        # began (two CPUs' reports interleave).
        start, open_reports, j = i, 0, i
        while j < len(kmsg):
            if DEBUGFS_RACE_RE.search(kmsg[j]):
                open_reports += 1
            elif END_TRACE_RE.search(kmsg[j]):
                open_reports -= 1
                if open_reports == 0:
                    break
            j += 1
        block = range(start, min(j + 1, len(kmsg)))
        linked = [LINKED_RE.search(kmsg[k]) for k in block]
        linked = [m.group(1).split("[last unloaded")[0] for m in linked if m]
        if linked and all("irqdefer(" in m for m in linked):
            known.update(k for k in block if RACE_LINES_RE.search(kmsg[k]))
        i = j + 1
    return known


def find_splats(lines, known=None):
    """Kernel lines that report a problem, less allocation-failure traces
    and the kernel's debugfs/rmmod race (appended to known, if given)."""
    kmsg = [l for l in lines if KMSG_RE.match(l)]
    race = debugfs_race_lines(kmsg)
    splats = []
    last_alloc_fail = None
    for i, l in enumerate(kmsg):
        if ALLOC_FAIL_RE.search(l):
            last_alloc_fail = i
        if not SPLAT_RE.search(l):
            continue
        if ("Call Trace:" in l and last_alloc_fail is not None
                and i - last_alloc_fail <= ALLOC_FAIL_WINDOW):
            continue
        if i in race:
            if known is not None:
                known.append(l)
            continue
        splats.append(l)
    return splats
# Nested (script-level) result lines: "# ok 3 desc", "# not ok 4 desc".
CASE_RE = re.compile(r"^# (not ok|ok) (\d+) (.*)$")
TOP_RE = re.compile(r"^(not ok|ok) (\d+) selftests: irqdefer: (\S+)(.*)$")
# Any other top-level result is a harness-level case, such as the kmemleak
# scan or the debug flavour's check that its checkers are live.
HARNESS_RE = re.compile(r"^(not ok|ok) (\d+) (.*)$")
# A script's run time, which the guest prints just before its result.
# A script's own plan, nested one level: "# 1..N" (not "# 1..0 # SKIP").
PLAN_RE = re.compile(r"^# 1\.\.(\d+)$")
TIME_RE = re.compile(r"^# (\S+\.sh): ([0-9.]+) s$")
# The time the kernel's runner gives each script (settings, or -o): past
# it, the runner kills the script where /usr/bin/timeout is coreutils'
# (not in the VM's busybox userland, where vm.sh's VM_TIMEOUT bounds it).
TIMEOUT_RE = re.compile(r"^# (?:timeout set|overriding timeout) to (\d+)$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--timed-out", type=int, default=0)
    ap.add_argument("log")
    args = ap.parse_args()

    with open(args.log, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\r\n") for l in f]

    problems = []
    if args.timed_out:
        problems.append("the VM timed out")
    end = [l for l in lines if l.startswith("IRQDEFER-END ")]
    if not any(l.startswith("IRQDEFER-BEGIN ") for l in lines):
        problems.append("the guest never started its script (boot failure?)")
    elif not end:
        problems.append("the guest did not finish its script (crash or hang?)")

    # Kernel messages carry a timestamp (PRINTK_TIME), on the console and
    # in the dmesg dump; test output does not.
    known = []
    splats = find_splats(lines, known)
    for l in known[:10]:
        print(f"kernel's debugfs/rmmod race (not irqdefer's): {l}", file=sys.stderr)
    for l in splats[:20]:
        print(f"splat: {l}", file=sys.stderr)
    if splats:
        problems.append(f"{len(splats)} kernel splat line(s) in the guest log")

    rc = 0
    if end:
        m = re.search(r"rc=(\d+)", end[0])
        rc = int(m.group(1)) if m else 1

    # kselftest: the same KTAP, from the kernel's run_kselftest.sh.
    if args.mode in ("test", "kselftest"):
        passed = failed = skipped = 0
        failed_scripts, silent_scripts, slow_scripts = [], [], []
        short_scripts, xfail_scripts = [], []
        # The current script's results, its plan, run time and timeout.
        cases = failed_cases = 0
        plan = run_time = timeout = None
        for l in lines:
            m = PLAN_RE.match(l)
            if m:
                plan = int(m.group(1))
                continue
            m = CASE_RE.match(l)
            if m:
                cases += 1
                if m.group(1) == "not ok":
                    failed += 1
                    failed_cases += 1
                elif "# SKIP" in m.group(3):
                    skipped += 1
                else:
                    passed += 1
                continue
            if l.startswith("# 1..0 # SKIP"):
                cases += 1
                skipped += 1
                continue
            m = TIME_RE.match(l)
            if m:
                run_time = (m.group(1), float(m.group(2)))
                continue
            m = TIMEOUT_RE.match(l)
            if m:
                timeout = int(m.group(1))
                continue
            m = TOP_RE.match(l)
            if m:
                script = m.group(3)
                if m.group(1) == "not ok" and failed_cases == 0:
                    failed += 1
                    failed_scripts.append(script)
                elif m.group(1) == "ok" and "# XFAIL" in m.group(4):
                    # The kernel's runner (7.x) reads exit 2 as an expected
                    # failure; a shell that aborts exits 2: irqdefer
                    # expects no failure.
                    failed += 1
                    xfail_scripts.append(script)
                elif plan is not None and cases != plan and failed_cases == 0:
                    failed += 1
                    short_scripts.append(f"{script} ({cases} of {plan})")
                elif cases == 0 and "# SKIP" in m.group(4):
                    skipped += 1
                elif cases == 0:
                    failed += 1
                    silent_scripts.append(script)
                if timeout and run_time and run_time[0] == script and run_time[1] > timeout:
                    slow_scripts.append(f"{script} ({run_time[1]} s > {timeout} s)")
                cases = failed_cases = 0
                plan = run_time = timeout = None
                continue
            m = HARNESS_RE.match(l)
            if m:
                if m.group(1) == "ok":
                    passed += 1
                else:
                    failed += 1
        if failed_scripts:
            problems.append("scripts failed without a failed case: " + ", ".join(failed_scripts))
        if silent_scripts:
            problems.append("scripts passed without reporting a case: " + ", ".join(silent_scripts))
        if xfail_scripts:
            problems.append("scripts exited 2, which the kernel's runner reads as an expected "
                            "failure (a shell that aborts exits 2): " + ", ".join(xfail_scripts))
        if short_scripts:
            problems.append("scripts reported fewer or more cases than their plan: "
                            + ", ".join(short_scripts))
        if slow_scripts:
            problems.append("scripts ran longer than the kernel's runner allows (selftests/settings): "
                            + ", ".join(slow_scripts))
        if passed + failed + skipped == 0:
            problems.append("no test ran")
        if rc != 0 and failed == 0:
            problems.append(f"the guest runner exited {rc}")
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        tail = f", {skipped} skipped" if skipped else ""
        print(f"vm: {passed} passed, {failed} failed{tail}")
        return 1 if failed or problems else 0

    if rc != 0:
        problems.append(f"the guest's {args.mode} script exited {rc}")
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
