# SPDX-License-Identifier: GPL-2.0
"""The guest's shell library is one file: selftests/module_lib.sh, which
the selftests source through lib.sh and the guest scripts through the link
scripts/guest/module_lib.sh; no other script defines its helpers again."""

import glob
import os
import re
import unittest

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIB = os.path.join(ROOT, "selftests", "module_lib.sh")
DEF = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)", re.M)


def shell_files():
    files = glob.glob(os.path.join(ROOT, "selftests", "*.sh"))
    files += glob.glob(os.path.join(ROOT, "scripts", "*.sh"))
    files += [f for f in glob.glob(os.path.join(ROOT, "scripts", "guest", "*"))
              if not f.endswith(".c")]
    return sorted(f for f in files if os.path.realpath(f) != LIB)


class GuestLibrary(unittest.TestCase):
    def test_guest_link_is_the_library(self):
        link = os.path.join(ROOT, "scripts", "guest", "module_lib.sh")
        self.assertTrue(os.path.islink(link), link)
        self.assertEqual(os.path.realpath(link), LIB)

    def test_helpers_defined_once(self):
        with open(LIB, encoding="utf-8") as f:
            helpers = set(DEF.findall(f.read()))
        self.assertIn("snap", helpers)
        self.assertIn("path_rule", helpers)
        for path in shell_files():
            with open(path, encoding="utf-8") as f:
                again = helpers & set(DEF.findall(f.read()))
            self.assertFalse(again, f"{os.path.relpath(path, ROOT)} defines {sorted(again)} again")

    def test_guest_scripts_source_it(self):
        for name in ("scenario.sh", "bench.sh", "demo.sh", "demo-host-test.sh"):
            with open(os.path.join(ROOT, "scripts", "guest", name), encoding="utf-8") as f:
                self.assertIn('/module_lib.sh"', f.read(), name)


if __name__ == "__main__":
    unittest.main()
