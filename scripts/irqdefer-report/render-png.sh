#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Renders the HTML report to a PNG with headless Chromium, to check that
# every plot is drawn. Installs Debian's chromium with apt-get if missing.
#
#   render-png.sh [HTML [PNG [WIDTH,HEIGHT]]]
#
# Defaults: out/report.html, out/report.png, 1400,4000.
set -eu

html=${1:-out/report.html}
png=${2:-out/report.png}
size=${3:-1400,4000}

[ -f "$html" ] || { echo "render-png: $html not found" >&2; exit 1; }

browser=
for b in chromium chromium-browser; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "render-png: installing chromium" >&2
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get install -y chromium >/dev/null || {
		$sudo apt-get update >/dev/null && $sudo apt-get install -y chromium >/dev/null
	}
	browser=chromium
fi

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case $png in /*) ;; *) png=$PWD/$png ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$profile" --window-size="$size" \
	--screenshot="$png" "file://$abs" >/dev/null 2>&1
[ -s "$png" ] || { echo "render-png: no screenshot written" >&2; exit 1; }
echo "render-png: wrote $png" >&2
