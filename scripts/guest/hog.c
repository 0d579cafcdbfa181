// SPDX-License-Identifier: GPL-2.0
/*
 * hog: the demo's real-time CPU hog, and the few scheduling calls the
 * guest's busybox lacks (it has no chrt). Built static by scripts/vm.sh
 * into the initramfs (/irqdefer/hog).
 *
 *   hog run CPU PRIO SECONDS    pin to CPU; SCHED_FIFO at PRIO (0: stay
 *                               SCHED_OTHER); busy-loop, then exit after
 *                               SECONDS of wall time at most (a bound that
 *                               needs no timer, signal or other task: on
 *                               PREEMPT_RT a timer's expiry may itself be
 *                               starved by the hog)
 *   hog fifo PID PRIO           set task PID to SCHED_FIFO at PRIO
 *   hog pin PID CPU             pin task PID to CPU (-1: every online CPU)
 *   hog policy PID              print "PID POLICY PRIO" (POLICY: other,
 *                               fifo, rr, batch, idle, deadline)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fputs("usage: hog run CPU PRIO SECONDS | fifo PID PRIO | pin PID CPU | policy PID\n",
	      stderr);
	return 2;
}

static long num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "hog: `%s` is not a number\n", s);
		exit(2);
	}
	return v;
}

static int pin(pid_t pid, long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu < 0) {
		for (long c = 0; c < sysconf(_SC_NPROCESSORS_ONLN) && c < CPU_SETSIZE; c++)
			CPU_SET(c, &set);
	} else {
		CPU_SET(cpu, &set);
	}
	if (sched_setaffinity(pid, sizeof(set), &set)) {
		fprintf(stderr, "hog: pin %d to CPU %ld: %s\n", pid, cpu, strerror(errno));
		return 1;
	}
	return 0;
}

static int fifo(pid_t pid, long prio)
{
	struct sched_param sp = { .sched_priority = prio };

	if (sched_setscheduler(pid, SCHED_FIFO, &sp)) {
		fprintf(stderr, "hog: SCHED_FIFO %ld for %d: %s\n", prio, pid, strerror(errno));
		return 1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "run")) {
		long cpu = num(argv[2]), prio = num(argv[3]);
		double end = now() + num(argv[4]);
		volatile unsigned long spin = 0;

		if (pin(0, cpu) || (prio > 0 && fifo(0, prio)))
			return 1;
		while (now() < end)
			for (int i = 0; i < 10000; i++)
				spin++;
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "fifo"))
		return fifo(num(argv[2]), num(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "pin"))
		return pin(num(argv[2]), num(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "policy")) {
		static const char *const names[] = { "other", "fifo", "rr", "batch",
						     "iso", "idle", "deadline" };
		pid_t pid = num(argv[2]);
		int pol = sched_getscheduler(pid);
		struct sched_param sp;

		if (pol < 0 || sched_getparam(pid, &sp)) {
			fprintf(stderr, "hog: policy of %d: %s\n", pid, strerror(errno));
			return 1;
		}
		printf("%d %s %d\n", pid, pol >= 0 && pol < 7 ? names[pol] : "?",
		       sp.sched_priority);
		return 0;
	}
	return usage();
}
