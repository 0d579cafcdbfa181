#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Count what one kernel series' build of irqdefer compiles: Rust `unsafe`
# blocks and `unsafe impl`s in src/ (where they may live: src/kernel_ext/),
# and C shim lines (src/shim/*.c, *.h). Only the code of that series is
# counted: an item under #[cfg(irqdefer_series_7)] (or its `not`) counts
# for its series only, and so does the file of a `mod x;` under such a
# cfg; in the shim, #ifdef/#ifndef IRQDEFER_SERIES_7 ... #else ... #endif.
# These are the only two switches Kbuild sets per series.
#
#   scripts/count-unsafe.sh 6.12|7.3 [TREE]      (TREE: a checkout, default this one)
#
# Items are found as rustfmt lays them out: the attribute on its own line,
# then the item, whose end is where its braces balance (or its `;`).
# Comment lines (//) are not counted; a SAFETY comment is.
set -euo pipefail

series=${1:?usage: count-unsafe.sh SERIES [TREE]}
tree=${2:-$(dirname "$0")/..}
case $series in
6.*) seven=0 ;;
*) seven=1 ;;
esac
cd "$tree"

# The Rust of one file as this series compiles it; the names of the
# `mod x;` items it drops go to stderr as "dropmod x".
rust_filter() {
	awk -v seven="$seven" '
	function opens(s,   t) { t = s; return gsub(/\{/, "", t) }
	function closes(s,   t) { t = s; return gsub(/\}/, "", t) }
	skip == 0 && /^[ \t]*#\[cfg\((not\()?irqdefer_series_7\)?\)\][ \t]*$/ {
		neg = ($0 ~ /not\(/)
		# Drop the item if it is for the other series.
		if ((seven && neg) || (!seven && !neg)) { skip = 1; depth = 0; started = 0 }
		next
	}
	skip == 1 {
		if ($0 ~ /^[ \t]*#\[/ && !started) next
		if (!started && $0 ~ /^[ \t]*(pub(\([a-z]+\))? )?mod [a-z_0-9]+;/) {
			m = $0; sub(/.*mod /, "", m); sub(/;.*/, "", m)
			print "dropmod " m > "/dev/stderr"
			skip = 0; next
		}
		depth += opens($0) - closes($0)
		if (opens($0) > 0) started = 1
		if ((started && depth <= 0) || (!started && $0 ~ /;[ \t]*$/)) skip = 0
		next
	}
	{ print }
	' "$1"
}

c_filter() {
	awk -v seven="$seven" '
	# A stack of conditionals: keep[i] says whether its current branch is
	# compiled; only IRQDEFER_SERIES_7 ones are decided, others kept.
	BEGIN { n = 0; keep[0] = 1 }
	function live(   i) { for (i = 0; i <= n; i++) if (!keep[i]) return 0; return 1 }
	/^#[ \t]*if/ {
		n++; ours[n] = 0; keep[n] = 1
		if ($0 ~ /^#[ \t]*ifdef[ \t]+IRQDEFER_SERIES_7/) { ours[n] = 1; keep[n] = seven }
		else if ($0 ~ /^#[ \t]*ifndef[ \t]+IRQDEFER_SERIES_7/) { ours[n] = 1; keep[n] = !seven }
		if (ours[n]) next
	}
	/^#[ \t]*else/ && ours[n] { keep[n] = !keep[n]; next }
	/^#[ \t]*endif/ { o = ours[n]; n--; if (o) next }
	live() { print }
	'  "$1"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Which modules the series drops, from every file (mod.rs declares them).
: >"$tmp/drop"
while IFS= read -r f; do
	rust_filter "$f" >/dev/null 2>>"$tmp/drop"
done < <(find src -name '*.rs' -not -path 'src/logic/*' | sort)

blocks=0 impls=0 ext_lines=0
while IFS= read -r f; do
	base=$(basename "$f" .rs)
	if grep -qx "dropmod $base" "$tmp/drop" && [ "$(dirname "$f")" = src/kernel_ext ]; then
		continue
	fi
	rust_filter "$f" 2>/dev/null | grep -v '^[[:space:]]*//' >"$tmp/code" || true
	b=$(grep -o 'unsafe {' "$tmp/code" | wc -l || true)
	i=$(grep -c 'unsafe impl' "$tmp/code" || true)
	blocks=$((blocks + b))
	impls=$((impls + i))
	case $f in src/kernel_ext/*) ext_lines=$((ext_lines + $(rust_filter "$f" 2>/dev/null | wc -l))) ;; esac
done < <(find src -name '*.rs' -not -path 'src/logic/*' | sort)

shim=0
for f in src/shim/*.c src/shim/*.h; do
	shim=$((shim + $(c_filter "$f" | wc -l)))
done
# Functions the shim defines for Rust: non-static definitions.
shim_fns=$(c_filter src/shim/irqdefer_shim.c | grep -E '^[a-z][^;]*\<irqdefer_[a-z0-9_]+\(' |
	grep -vcE '^static|;[[:space:]]*$' || true)

printf 'series %s: unsafe blocks %d, unsafe impls %d, src/kernel_ext lines %d, shim C lines %d, shim functions %d\n' \
	"$series" "$blocks" "$impls" "$ext_lines" "$shim" "$shim_fns"
