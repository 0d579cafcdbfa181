# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of the preflight (scripts/preflight.sh) and of what
reads its list: it passes the project's kernels and refuses, naming the
option, a configuration without one; it checks a build tree's Rust
metadata and toolchain; make demo-host refuses with its words; dkms.conf
and the project's kernel configuration agree with its list; make install
puts the module where modprobe finds it."""

import gzip
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
PREFLIGHT = os.path.join(ROOT, "scripts", "preflight.sh")
FLAVOURS = {"6.12": ["normal", "debug", "rt"], "7.3": ["normal", "rt", "rt-bhlock", "debug"]}


def kernel_tree(series, flavour):
    p = subprocess.run([os.path.join(ROOT, "scripts", "kernel.sh"), "dir", flavour],
                       capture_output=True, text=True, check=False,
                       env=dict(os.environ, KERNEL_SERIES=series))
    return p.stdout.strip() if p.returncode == 0 else None


def preflight(*args, **env):
    return subprocess.run(["sh", PREFLIGHT, *args], capture_output=True, text=True,
                          check=False, env=dict(os.environ, **env))


def option_names():
    """The options preflight.sh requires, from its own table."""
    with open(PREFLIGHT, encoding="utf-8") as f:
        text = f.read()
    table = re.search(r"^options\(\) \{\n\tcat <<'EOF'\n(.*?)^EOF$", text, re.M | re.S)
    return [line.split("|")[0] for line in table.group(1).splitlines()]


# A configuration that has every option, and the toolchain's version texts.
GOOD = "".join(f"CONFIG_{n}=y\n" for n in ["RUST", "MODULES", "MODULE_UNLOAD", "IRQ_SIM",
                                            "NET", "IRQ_POLL", "DEBUG_FS", "PROC_FS"])
RUSTC_TEXT = "rustc 9.99.0 (irqdefer test)"
BINDGEN_TEXT = "bindgen 9.99.0"


class Preflight(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="irqdefer-preflight-test.")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def tool(self, name, version):
        return self.write(f"bin/{name}", f"#!/bin/sh\necho '{version}'\n", 0o755)

    def tree(self, config, rmeta=True):
        """A stand-in kernel build tree: Makefile, .config, release, rust/."""
        self.write("kdir/Makefile", "")
        self.write("kdir/include/config/kernel.release", "6.99.0-test\n")
        self.write("kdir/.config", config + f'CONFIG_RUSTC_VERSION_TEXT="{RUSTC_TEXT}"\n'
                   f'CONFIG_BINDGEN_VERSION_TEXT="{BINDGEN_TEXT}"\n')
        if rmeta:
            self.write("kdir/rust/libkernel.rmeta", "")
        return os.path.join(self.tmp, "kdir")

    def test_the_list_is_read(self):
        self.assertEqual(option_names(), ["RUST", "MODULES", "MODULE_UNLOAD", "IRQ_SIM",
                                          "NET", "IRQ_POLL", "DEBUG_FS", "PROC_FS"])

    def test_every_option_present_passes(self):
        p = preflight("config", self.write("config", GOOD))
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))

    def test_each_missing_option_is_named(self):
        for name in option_names():
            with self.subTest(option=name):
                config = GOOD.replace(f"CONFIG_{name}=y\n", f"# CONFIG_{name} is not set\n")
                p = preflight("config", self.write("config", config), "the kernel 6.99")
                self.assertEqual(p.returncode, 2)
                lines = p.stdout.splitlines()
                self.assertEqual(len(lines), 1, p.stdout)
                self.assertIn("the kernel 6.99 is built without", lines[0])
                self.assertIn(f"CONFIG_{name}=y", lines[0])

    def test_irq_sim_says_how_to_get_it(self):
        config = GOOD.replace("CONFIG_IRQ_SIM=y\n", "")
        p = preflight("config", self.write("config", config))
        self.assertEqual(p.returncode, 2)
        self.assertIn("built without CONFIG_IRQ_SIM", p.stdout)
        self.assertIn("CONFIG_GPIO_SIM", p.stdout)

    def test_rust_has_the_words_demo_host_test_looks_for(self):
        # scripts/guest/demo-host-test.sh: "built without Rust support".
        p = preflight("config", self.write("config", "# CONFIG_RUST is not set\nCONFIG_DEBUG_FS=y\n"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("built without Rust support", p.stdout)

    def test_a_gzipped_config_is_read(self):
        path = os.path.join(self.tmp, "config.gz")
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(GOOD.replace("CONFIG_NET=y\n", ""))
        p = preflight("config", path)
        self.assertEqual(p.returncode, 2)
        self.assertIn("CONFIG_NET", p.stdout)
        self.assertNotIn("CONFIG_RUST", p.stdout)

    def test_build_passes_with_the_kernels_toolchain(self):
        kdir = self.tree(GOOD)
        p = preflight("build", kdir, "RUSTC=" + self.tool("rustc", RUSTC_TEXT),
                      "BINDGEN=" + self.tool("bindgen", BINDGEN_TEXT), "HOSTRUSTC=x")
        self.assertEqual((p.returncode, p.stderr), (0, ""))

    def test_build_refuses_and_names_every_problem(self):
        kdir = self.tree(GOOD.replace("CONFIG_IRQ_SIM=y\n", ""), rmeta=False)
        p = preflight("build", kdir, "RUSTC=" + self.tool("rustc", "rustc 1.0.0 (other)"),
                      "BINDGEN=/nonexistent/bindgen")
        self.assertEqual(p.returncode, 2)
        err = p.stderr
        self.assertIn(f"cannot build irqdefer against {kdir}", err)
        self.assertIn("the kernel 6.99.0-test is built without CONFIG_IRQ_SIM", err)
        self.assertIn("rust/libkernel.rmeta", err)
        self.assertIn(f"'{RUSTC_TEXT}'", err)
        self.assertIn("'rustc 1.0.0 (other)'", err)
        self.assertIn("bindgen '/nonexistent/bindgen' cannot be run", err)
        self.assertIn(BINDGEN_TEXT, err)
        self.assertTrue(err.rstrip().endswith("nothing was built"), err)

    def test_build_refuses_a_directory_that_is_no_tree(self):
        p = preflight("build", self.tmp)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not a configured kernel build tree", p.stderr)

    def test_demo_host_refuses_with_the_list(self):
        config = self.write("config", GOOD.replace("CONFIG_IRQ_SIM=y\n", ""))
        p = subprocess.run(["sh", os.path.join(ROOT, "scripts", "demo-host.sh")],
                           capture_output=True, text=True, check=False, cwd=self.tmp,
                           env=dict(os.environ, KCONFIG=config, KO="/nonexistent/irqdefer.ko",
                                    OUT=os.path.join(self.tmp, "out")))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("is built without CONFIG_IRQ_SIM", p.stderr)
        self.assertIn("demo-host: nothing was changed", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))


class TheListAgrees(unittest.TestCase):
    def test_dkms_conf_builds_only_where_the_options_are(self):
        p = subprocess.run(["bash", "-c", 'kernel_source_dir=/k; . "$1"; echo "$BUILD_EXCLUSIVE_CONFIG";'
                            'echo "${BUILT_MODULE_NAME[0]}"; echo "${MAKE[0]}"',
                            "-", os.path.join(ROOT, "dkms.conf")],
                           capture_output=True, text=True, check=True)
        exclusive, name, make = p.stdout.splitlines()
        self.assertEqual(exclusive.split(), ["CONFIG_" + n for n in option_names()])
        with open(os.path.join(ROOT, "Kbuild"), encoding="utf-8") as f:
            self.assertIn(f"obj-m := {name}.o", f.read())
        self.assertEqual(make, "make KDIR=/k modules")

    def test_the_docs_name_every_option(self):
        with open(os.path.join(ROOT, "docs", "your-kernel.md"), encoding="utf-8") as f:
            doc = f.read()
        section = doc.split("## The preflight", 1)[1].split("\n## ", 1)[0]
        named = {n for n in re.findall(r"`CONFIG_([A-Z_]+)`", section)
                 if n != "GPIO_SIM" and not n.endswith("_VERSION_TEXT")}
        self.assertEqual(sorted(named),
                         sorted(option_names()))

    def test_the_project_kernels_set_every_option(self):
        with open(os.path.join(ROOT, "scripts", "config", "base.config"), encoding="utf-8") as f:
            base = f.read().splitlines()
        with open(os.path.join(ROOT, "scripts", "config", "7.3", "base.config"), encoding="utf-8") as f:
            base73 = f.read()
        for name in option_names():
            self.assertIn(f"CONFIG_{name}=y", base, name)
            self.assertNotRegex(base73, rf"(?m)^(# )?CONFIG_{name}[= ]", name)

    def test_the_cached_kernels_pass(self):
        trees = [t for s, fl in FLAVOURS.items() for f in fl if (t := kernel_tree(s, f))]
        if not trees:
            self.skipTest("no cached kernel (make kernel)")
        args = subprocess.run(["bash", "-c", f'. "{ROOT}/scripts/lib.sh" && kmake_args'],
                              capture_output=True, text=True, check=True).stdout.split()
        for tree in trees:
            with self.subTest(tree=tree):
                p = preflight("build", tree, *args)
                self.assertEqual((p.returncode, p.stderr), (0, ""))


class Install(unittest.TestCase):
    """make install into a scratch INSTALL_MOD_PATH, with the cached 6.12
    normal kernel: the module lands under lib/modules/RELEASE/updates,
    and depmod's modules.dep lists it (modprobe irqdefer finds it); a
    module built for another kernel is refused."""

    def test_install_into_a_scratch_root(self):
        kdir = kernel_tree("6.12", "normal")
        if not kdir:
            self.skipTest("no cached kernel (make kernel)")
        with open(os.path.join(kdir, "include", "config", "kernel.release"), encoding="utf-8") as f:
            release = f.read().strip()
        dest = tempfile.mkdtemp(prefix="irqdefer-install-test.")
        self.addCleanup(shutil.rmtree, dest, ignore_errors=True)
        p = subprocess.run(["make", "-s", "-C", ROOT, "install", f"KDIR={kdir}",
                            f"INSTALL_MOD_PATH={dest}"],
                           capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        mod = os.path.join(dest, "lib", "modules", release, "updates", "irqdefer.ko")
        self.assertTrue(os.path.isfile(mod), p.stdout + p.stderr)
        self.assertFalse(os.stat(mod).st_mode & stat.S_IXUSR)
        with open(os.path.join(dest, "lib", "modules", release, "modules.dep"), encoding="utf-8") as f:
            self.assertIn("updates/irqdefer.ko:", f.read())

    def test_install_refuses_a_module_built_for_another_kernel(self):
        """./irqdefer.ko (6.12's, as make check leaves it) for the 7.3
        tree: refused, nothing installed, nothing rebuilt."""
        ko = os.path.join(ROOT, "irqdefer.ko")
        kdir = kernel_tree("7.3", "normal")
        if not kdir or not os.path.isfile(ko):
            self.skipTest("needs ./irqdefer.ko and the cached 7.3 normal kernel")
        built = subprocess.run(["/sbin/modinfo", "-F", "vermagic", ko], capture_output=True,
                               text=True, check=True).stdout.split()[0]
        with open(os.path.join(kdir, "include", "config", "kernel.release"), encoding="utf-8") as f:
            release = f.read().strip()
        if built == release:
            self.skipTest("./irqdefer.ko is built for the 7.3 tree")
        before = os.stat(ko).st_mtime_ns
        dest = tempfile.mkdtemp(prefix="irqdefer-install-test.")
        self.addCleanup(shutil.rmtree, dest, ignore_errors=True)
        p = subprocess.run(["make", "-s", "-C", ROOT, "install", f"KDIR={kdir}",
                            f"INSTALL_MOD_PATH={dest}"],
                           capture_output=True, text=True, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(f"was built for kernel {built}, not {release}", p.stderr)
        self.assertEqual(os.listdir(dest), [])
        self.assertEqual(os.stat(ko).st_mtime_ns, before)


if __name__ == "__main__":
    unittest.main()
