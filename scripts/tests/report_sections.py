#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check make demo-host's report, made in the VM, against make demo's.

scripts/vm.sh demo-host runs make demo-host's entry point in the guest
(scripts/guest/demo-host-test.sh) and gets back a bundle: each file after
a line "IRQDEFER-FILE NAME". This unpacks it into OUTDIR and checks that
the report has make demo's sections:

 - its <h2> sections, in order, are those of make demo's page for one
   boot: the page the report tool renders from make demo's capture of the
   `full` boot (out/results/<series>/full.txt, else the copy in the report tool's
   test data), its <h3> titles too, once the boot's name and the numbers
   are taken out;
 - and those of out/report.html, make demo's page, when there is one,
   less the sections that compare two boots (TWO_BOOTS: the rt boot
   against full), which one machine, one kernel, cannot have;
 - the capture says the accelerator it ran under (--accel), and the page
   labels it.

  report_sections.py [--accel tcg|kvm] BUNDLE OUTDIR
"""

import argparse
import glob
import html
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT_DIR = os.path.join(ROOT, "samples", "irqdefer-report")
REPORT_BIN = os.path.join(REPORT_DIR, "target", "release", "irqdefer-report")
# make demo's sections that need two boots (scripts/irqdefer-report,
# html.rs: rt_pair, the rt boot against full).
TWO_BOOTS = {"What changes under PREEMPT_RT"}
# The labels the page gives each `meta accel` (results/mod.rs, ACCELS).
ACCEL_LABELS = {"tcg": "TCG", "kvm": "KVM", "metal": "bare metal", "vm": "another hypervisor"}
MARK = "IRQDEFER-FILE "


def unbundle(text):
    """The files of a bundle: name to text, in order."""
    files = {}
    name = None
    for line in text.splitlines(keepends=True):
        if line.startswith(MARK):
            name = line[len(MARK):].strip()
            if not name or name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"bad file name in the bundle: {name!r}")
            files[name] = ""
        elif name is not None:
            files[name] += line
    return files


def headings(page, level):
    """The page's <hN> titles, as text."""
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in found]


def normalize(title, label):
    """A title with its boot's name and its numbers taken out."""
    title = re.sub(rf"(^|\(){re.escape(label)}(?=[ ,)])", r"\1BOOT", title)
    return re.sub(r"\d+(\.\d+)?", "N", title)


def meta(capture, key):
    """A capture's `meta KEY` value, or None."""
    for line in capture.splitlines():
        if line.startswith(f"meta {key} "):
            return line[len(f"meta {key} "):].strip()
    return None


def compare(host, host_label, ref, ref_label, demo=None):
    """What differs: host's page against the one-boot reference page and,
    if given, make demo's page (less TWO_BOOTS)."""
    problems = []
    h2, ref_h2 = headings(host, 2), headings(ref, 2)
    if h2 != ref_h2:
        problems.append(f"<h2> sections differ from make demo's one-boot page: {h2} against {ref_h2}")
    h3 = [normalize(t, host_label) for t in headings(host, 3)]
    ref_h3 = [normalize(t, ref_label) for t in headings(ref, 3)]
    if h3 != ref_h3:
        missing = [t for t in ref_h3 if t not in h3]
        extra = [t for t in h3 if t not in ref_h3]
        problems.append(f"<h3> titles differ from make demo's one-boot page: missing {missing}, "
                        f"extra {extra}" if missing or extra else "<h3> titles in another order")
    if demo is not None:
        want = [t for t in headings(demo, 2) if t not in TWO_BOOTS]
        if h2 != want:
            problems.append(f"<h2> sections differ from out/report.html's (less {sorted(TWO_BOOTS)}): "
                            f"{h2} against {want}")
    return problems


def reference_page(tmp):
    """make demo's page for its `full` boot alone, rendered now; its capture."""
    # make demo's newest `full` capture, of whichever series.
    found = glob.glob(os.path.join(ROOT, "out", "results", "*", "full.txt"))
    capture = max(found, key=os.path.getmtime) if found else \
        os.path.join(REPORT_DIR, "tests", "data", "full.txt")
    if not os.access(REPORT_BIN, os.X_OK):
        subprocess.run(["cargo", "build", "--quiet", "--release", "--manifest-path",
                        os.path.join(REPORT_DIR, "Cargo.toml")], check=True)
    page = os.path.join(tmp, "ref.html")
    subprocess.run([REPORT_BIN, "--html", page, capture], check=True, capture_output=True)
    with open(page, encoding="utf-8") as f, open(capture, encoding="utf-8") as c:
        return f.read(), c.read(), capture


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accel", help="the accelerator the capture must name")
    ap.add_argument("bundle")
    ap.add_argument("outdir")
    args = ap.parse_args()

    try:
        with open(args.bundle, encoding="utf-8", errors="replace") as f:
            files = unbundle(f.read())
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for name, text in files.items():
        path = os.path.join(args.outdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    print(f"demo-host: {len(files)} files from the guest in {args.outdir}: {', '.join(files)}")
    for line in files.get("refusals.txt", "").splitlines():
        if not line.startswith("    "):
            print(f"demo-host: {line}")

    need = ["report-host.html", "results/host.txt"]
    missing = [n for n in need if n not in files]
    if missing:
        print(f"error: the guest sent no {', '.join(missing)}", file=sys.stderr)
        return 1
    host, capture = files["report-host.html"], files["results/host.txt"]
    problems = []
    accel = meta(capture, "accel")
    if args.accel and accel != args.accel:
        problems.append(f"the capture says accel {accel}, the VM ran under {args.accel}")
    label = ACCEL_LABELS.get(accel or "", "?")
    if f"<b>{label}</b>" not in host:
        problems.append(f"the page does not label the accelerator ({label})")

    with tempfile.TemporaryDirectory() as tmp:
        ref, ref_capture, ref_file = reference_page(tmp)
    demo_file = os.path.join(ROOT, "out", "report.html")
    demo = None
    if os.path.exists(demo_file):
        with open(demo_file, encoding="utf-8") as f:
            demo = f.read()
    problems += compare(host, meta(capture, "boot") or "host", ref, meta(ref_capture, "boot") or "full",
                        demo)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        return 1
    h2 = headings(host, 2)
    print(f"demo-host: the report's {len(h2)} sections are make demo's ({ref_file} rendered alone"
          + (f"; out/report.html less {', '.join(sorted(TWO_BOOTS))}" if demo else "")
          + f"): {'; '.join(h2)}; its {len(headings(host, 3))} table titles are those of make "
          "demo's boot too")
    print(f"demo-host: accelerator {accel} ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
