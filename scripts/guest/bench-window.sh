# SPDX-License-Identifier: GPL-2.0
# The bench's measured window (sourced by bench.sh, and by the shell that
# perf runs in phase kwork): the source at a rate for a time, between two
# marks of CPU time and uptime.

DBG=${DBG:-/sys/kernel/debug/irqdefer}

# The window's edges: uptime, and from the all-CPU line of /proc/stat the
# idle and busy ticks. Idle (idle + iowait) is the precise one: with
# NO_HZ_IDLE it is the nohz idle clock, which stops for each interrupt, so
# CPU time = vCPUs x elapsed - idle sees interrupt work done while idle.
# The busy columns are tick-sampled and miss most of it; kept for reference.
mark() {
	read -r _c u n s i w q sq st _rest < /proc/stat
	read -r _up _idle < /proc/uptime
	echo "up$1=$_up idle$1=$((i + w)) busy$1=$((u + n + s + q + sq + st))"
}

# One loaded window: rate $2 on paths $1 for $3 ms. Prints the window.
window() {
	_a=$(mark 0)
	echo "$2" > "$DBG/rate_hz"
	usleep $(($3 * 1000))
	echo 0 > "$DBG/rate_hz"
	echo "$_a $(mark 1)"
}
