#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint irqdefer against the kernel tree KDIR: clippy through the kernel
# build (CLIPPY=1), rustfmt with the kernel's .rustfmt.toml, and
# checkpatch.pl --strict on the C shim; cargo clippy and cargo fmt on the
# host crates: the module's pure logic in src/logic (which the module
# compiles too: it must use core only, and format as the kernel does) and
# the tools in samples/. Any finding fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: lint.sh KDIR}
src=$(readlink -f "$kdir/source" 2>/dev/null || echo "$kdir")
cd "$IRQDEFER_ROOT"
mapfile -t kargs < <(kmake_args)
fail=0

msg "lint: clippy"
# Rebuild the Rust object so clippy sees it.
touch src/irqdefer_main.rs
out=$(PATH=/usr/bin:$PATH make -C "$kdir" M="$IRQDEFER_ROOT" "${kargs[@]}" CLIPPY=1 modules 2>&1) ||
	{ echo "$out"; die "clippy build failed"; }
if grep -qE '^(warning|error)' <<<"$out"; then
	grep -vE '^  (CLIPPY|CC|LD|MODPOST|AR)|^make' <<<"$out"
	echo "lint: clippy or rustc reported warnings" >&2
	fail=1
fi

msg "lint: rustfmt"
# Pruned: build output, should a cargo target dir end up under src/.
mapfile -t rs < <(find src -name target -prune -o -name '*.rs' -print)
if ! /usr/bin/rustfmt --check --edition 2021 --config-path "$src/.rustfmt.toml" "${rs[@]}"; then
	echo "lint: rustfmt wants changes (run 'make fmt')" >&2
	fail=1
fi

msg "lint: checkpatch --strict"
mapfile -t cs < <(find src -name '*.[ch]')
if ! perl "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse -f "${cs[@]}"; then
	echo "lint: checkpatch found problems" >&2
	fail=1
fi

msg "lint: src/logic uses core only, and formats as the kernel does"
# The module mounts src/logic/*.rs (not its tests), which have no std,
# alloc or kernel there; the host crate would accept them all.
if grep -nE '\b(std|alloc|kernel)::|extern crate|\b(Vec|String|Box|Rc|Arc)\b|\b(vec|format|print|println|eprintln|dbg)!' \
	src/logic/*.rs | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//'; then
	echo "lint: src/logic/*.rs must use core only (the kernel mounts them)" >&2
	fail=1
fi
# cargo fmt reads src/logic/rustfmt.toml: it must say what the kernel's does.
if ! diff <(grep -vE '^[[:space:]]*(#|$)' "$src/.rustfmt.toml") \
	<(grep -vE '^[[:space:]]*(#|$)' src/logic/rustfmt.toml); then
	echo "lint: src/logic/rustfmt.toml differs from $src/.rustfmt.toml" >&2
	fail=1
fi

# From each crate's directory, so that its .cargo/config.toml applies
# (src/logic builds in out/, not under src/).
for manifest in src/logic/Cargo.toml samples/*/Cargo.toml; do
	crate=${manifest%/Cargo.toml}
	msg "lint: cargo clippy, cargo fmt --check ($crate)"
	(cd "$crate" && cargo clippy --quiet --all-targets -- -D warnings) || fail=1
	(cd "$crate" && cargo fmt --check) || fail=1
done

exit $fail
