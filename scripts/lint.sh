#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint irqdefer against the kernel tree KDIR: clippy through the kernel
# build (CLIPPY=1), rustfmt with the kernel's .rustfmt.toml, and
# checkpatch.pl --strict on the C shim; cargo clippy and cargo fmt on the
# host tools in samples/. Any finding fails.
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
mapfile -t rs < <(find src -name '*.rs')
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

for manifest in samples/*/Cargo.toml; do
	msg "lint: cargo clippy, cargo fmt --check (${manifest%/Cargo.toml})"
	cargo clippy --quiet --all-targets --manifest-path "$manifest" -- -D warnings || fail=1
	cargo fmt --check --manifest-path "$manifest" || fail=1
done

exit $fail
