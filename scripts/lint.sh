#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint irqdefer against the kernel tree KDIR: clippy through the kernel
# build (CLIPPY=1), rustfmt with the kernel's .rustfmt.toml, and
# checkpatch.pl --strict on the C shim; cargo clippy and cargo fmt on the
# host crates: the module's pure logic in src/logic (which the module
# compiles too: it must use core only, and format as the kernel does) and
# the report tool in scripts/irqdefer-report. Any finding fails.
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
for manifest in src/logic/Cargo.toml scripts/irqdefer-report/Cargo.toml; do
	crate=${manifest%/Cargo.toml}
	msg "lint: cargo clippy, cargo fmt --check ($crate)"
	(cd "$crate" && cargo clippy --quiet --all-targets -- -D warnings) || fail=1
	(cd "$crate" && cargo fmt --check) || fail=1
done


msg "lint: no list of path names outside the registry"
# The registry (the paths! table in src/paths/mod.rs) is the one list of
# the deferral paths. Shell code reads it from the module: available_paths,
# and the rules in the snapshot's "meta path.NAME KEY=VALUE..." lines
# (selftests/lib.sh: ALL_PATHS, NPATHS, path_rule, paths_where). In the
# shell scripts of selftests/, scripts/ and scripts/guest/, outside
# comments, a path name may stand for a deliberate choice of one path or a
# few (paths=tasklet, snap hardirq raised, echo tasklet,wq > paths), but
# not as a list or a classification, which go stale when a path is added:
#  - a for loop over two or more literal path names;
#  - a case pattern naming a path, or a glob matching one (wq*): classify
#    by the registry's rules instead;
#  - an assignment (a line's leading NAME=VALUE words) whose value holds
#    two or more path names;
#  - any line naming half of the paths or more.
# The bench scripts (scripts/bench.sh, scripts/guest/bench.sh) are among
# those shell scripts. The host tool (scripts/irqdefer-report/src) reads
# the paths and their rules from the results' headers (the module's
# `meta path.NAME` lines); in its Rust code, outside comments, a path name
# in a string literal may stand for one path on purpose, but not:
#  - two or more on one line (a list, a match arm on names);
#  - half of the paths or more in one file (a table, however laid out).
# Its tests name the paths of the real captures they check, on purpose.
# Not covered: the docs.
mapfile -t path_names < <(sed -nE '/^paths! \{/,/^\}/s/^    [A-Z][A-Za-z0-9]* ([a-z][a-z0-9_]*) => .*/\1/p' \
	src/paths/mod.rs)
read -r -d '' names_prog <<'AWK' || true
function names_in(s,    w, c, seen) {
	c = 0
	while (match(s, /[A-Za-z0-9_]+/)) {
		w = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		if ((w in isname) && !(w in seen)) { seen[w] = 1; c++ }
	}
	return c
}
function is_path_pattern(p,    re, i) {
	gsub(/["' \t]/, "", p)
	if (p == "" || p == "*") return 0
	if (p in isname) return 1
	if (p !~ /[*?]/) return 0
	re = p
	gsub(/\./, "\\.", re); gsub(/\*/, ".*", re); gsub(/\?/, ".", re)
	for (i = 1; i <= n; i++) if (nm[i] ~ ("^" re "$")) return 1
	return 0
}
BEGIN {
	n = split(names, nm, " ")
	for (i = 1; i <= n; i++) isname[nm[i]] = 1
	half = int((n + 1) / 2)
}
/^[ \t]*#/ { next }
{
	line = $0
	sub(/[ \t]#[ \t].*$/, "", line)
	why = ""
	c = names_in(line)
	if (c >= half) why = "names " c " of the " n " paths"
	s = line
	if (match(s, /(^|[;&| \t])for[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+in[ \t]/)) {
		s = substr(s, RSTART + RLENGTH)
		sub(/(;|[ \t]do([ \t]|$)).*/, "", s)
		if (names_in(s) >= 2) why = "a for loop over path names"
	}
	pat = "\"?[A-Za-z0-9_*?.-]+\"?"
	if (match(line, "(^|[ \t]in)[ \t]*[(]?[ \t]*(" pat "[ \t]*[|][ \t]*)*" pat "[ \t]*[)]")) {
		arm = substr(line, RSTART, RLENGTH)
		sub(/^[ \t]*(in[ \t]+)?[(]?/, "", arm)
		sub(/[)]$/, "", arm)
		k = split(arm, alt, "|")
		for (i = 1; i <= k; i++) if (is_path_pattern(alt[i])) why = "a case pattern on path names"
	}
	s = line
	sub(/^[ \t]*((export|local)[ \t]+)?/, "", s)
	while (match(s, /^[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'[^']*'|[^ \t;]*)/)) {
		v = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		sub(/^[^=]*=/, "", v)
		sub(/^[ \t]+/, "", s)
		if (names_in(v) >= 2) why = "an assignment of a list of path names"
	}
	if (why != "") { printf "%s:%d: %s: %s\n", FILENAME, FNR, why, $0; bad = 1 }
}
END { exit bad }
AWK
# The same rule for Rust: path names in string literals ("tasklet").
read -r -d '' literals_prog <<'AWK' || true
function report(where, why) { printf "%s: %s\n", where, why; bad = 1 }
function end_file(    c) {
	c = 0
	for (w in infile) c++
	if (c >= half) report(prev, "names " c " of the " n " paths in string literals")
	delete infile
}
BEGIN {
	n = split(names, nm, " ")
	for (i = 1; i <= n; i++) isname[nm[i]] = 1
	half = int((n + 1) / 2)
}
FNR == 1 { if (prev != "") end_file(); prev = FILENAME }
/^[ \t]*\/\// { next }
{
	line = $0
	sub(/[ \t]\/\/[ \t].*$/, "", line)
	s = line; c = 0
	delete online
	while (match(s, /"[a-z][a-z0-9_]*"/)) {
		w = substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
		if ((w in isname) && !(w in online)) { online[w] = 1; c++; infile[w] = 1 }
	}
	if (c >= 2) report(FILENAME ":" FNR, "a list of path names: " $0)
}
END { if (prev != "") end_file(); exit bad }
AWK
if [ "${#path_names[@]}" -lt 2 ]; then
	echo "lint: could not read the path names from src/paths/mod.rs's paths! table" >&2
	fail=1
else
	if ! awk -v names="${path_names[*]}" "$names_prog" selftests/*.sh scripts/*.sh scripts/guest/*; then
		echo "lint: path names listed outside the registry: read them from the module" \
			"(available_paths, the snapshot's meta path lines; selftests/lib.sh)" >&2
		fail=1
	fi
	mapfile -t tool_rs < <(find scripts/irqdefer-report/src -name '*.rs')
	if ! awk -v names="${path_names[*]}" "$literals_prog" "${tool_rs[@]}"; then
		echo "lint: path names listed in the report tool: take them from the results'" \
			"registry (the meta path.NAME lines)" >&2
		fail=1
	fi
fi

msg "lint: the README's path table is the registry's, in its order"
# README.md, "The deferral paths": one row per path, "| `NAME` | ...".
mapfile -t readme_paths < <(awk '/^## The deferral paths/ { on = 1; next }
	on && /^#/ { exit }
	on && /^\| `[a-z][a-z0-9_]*` \|/ { split($0, f, "`"); print f[2] }' README.md)
if [ "${readme_paths[*]}" != "${path_names[*]}" ]; then
	echo "lint: README.md's path table lists: ${readme_paths[*]}" >&2
	echo "lint: the registry (src/paths/mod.rs) has: ${path_names[*]}" >&2
	fail=1
fi

msg "lint: the README is a user's page, and the docs' links lead somewhere"
# README.md answers a newcomer in one read (issue 23): at most 250 lines;
# reference, design and findings go to docs/. Every relative Markdown link
# in README.md and docs/ names a file or directory that exists.
if [ "$(wc -l <README.md)" -gt 250 ]; then
	echo "lint: README.md has $(wc -l <README.md) lines, more than 250: move reference to docs/" >&2
	fail=1
fi
mapfile -t md < <(find README.md docs -name '*.md')
for f in "${md[@]}"; do
	while IFS= read -r target; do
		target=${target%%#*}
		[ -z "$target" ] || [ -e "$(dirname "$f")/$target" ] || {
			echo "lint: $f links to $target, which does not exist" >&2
			fail=1
		}
	done < <(grep -oE '\]\([^)[:space:]]+\)' "$f" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^[a-z]+:')
done

exit $fail
