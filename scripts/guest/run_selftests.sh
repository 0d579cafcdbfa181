#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs irqdefer's selftests in the guest, as kselftest's runner does: a
# top-level KTAP plan with one result per script, each script's own KTAP
# output nested behind "# ".

cd "$(dirname "$0")/selftests" || exit 1
if [ $# -gt 0 ]; then
	tests="$*"
else
	tests=$(ls irqdefer_*.sh)
fi
n=0
for t in $tests; do n=$((n + 1)); done

echo "TAP version 13"
echo "1..$n"
i=0
fail=0
for t in $tests; do
	i=$((i + 1))
	echo "# selftests: irqdefer: $t"
	( ./"$t" 2>&1; echo $? >/tmp/rc ) | sed 's/^/# /'
	rc=$(cat /tmp/rc)
	case $rc in
	0) echo "ok $i selftests: irqdefer: $t" ;;
	4) echo "ok $i selftests: irqdefer: $t # SKIP" ;;
	*) echo "not ok $i selftests: irqdefer: $t # exit=$rc"; fail=1 ;;
	esac
done
exit $fail
