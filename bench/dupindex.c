/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU time of the duplicate index as calc uses it: three indices (case_id,
 * id number, account) of ROWS entries each (default 1000000), 1.5% of the
 * rows repeating an earlier value. Prints the seconds of add, of sort and
 * of find, each on one thread (CLOCK_PROCESS_CPUTIME_ID), best of 5, and
 * the peak memory. With a second argument "same", one value on every row.
 * cc -O2 -Ilibpayroll bench/dupindex.c build/libpayroll.a -o dupindex
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "dupindex.h"

static double
cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int
count(void *ctx, const uint32_t *rows, size_t n)
{
	(void)rows;
	*(size_t *)ctx += n;
	return 0;
}

int
main(int argc, char **argv)
{
	uint32_t rows = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	double best[3] = { 1e9, 1e9, 1e9 };
	int same = argc > 2 && !strcmp(argv[2], "same");
	struct rusage ru;
	size_t found = 0;
	int round, k;

	for (round = 0; round < 5; round++) {
		struct payroll_dupindex d[3] = { { 0 } };
		uint32_t r, seed = 1;
		double t0, t1, t2, t3;
		char s[40];

		t0 = cpu();
		for (r = 0; r < rows; r++) {
			uint32_t v = same ? 0 : r;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 8) % 1000 < 15 && r > 0 && !same)
				v = (seed >> 4) % r;	/* a duplicate */
			for (k = 0; k < 3; k++) {
				int n = snprintf(s, sizeof s, "%d-%0*u", k, 10 + 4 * k, v);

				if (payroll_dupindex_add(&d[k], s, (size_t)n, r))
					return 1;
			}
		}
		t1 = cpu();
		for (k = 0; k < 3; k++)
			payroll_dupindex_sort(&d[k]);
		t2 = cpu();
		found = 0;
		for (k = 0; k < 3; k++)
			if (payroll_dupindex_find(&d[k], count, &found))
				return 1;
		t3 = cpu();
		for (k = 0; k < 3; k++)
			payroll_dupindex_release(&d[k]);
		best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
		best[1] = t2 - t1 < best[1] ? t2 - t1 : best[1];
		best[2] = t3 - t2 < best[2] ? t3 - t2 : best[2];
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%u rows x 3: add+hash %.3f s, sort %.3f s, find %.3f s (%zu rows in groups), peak %.1f MiB\n",
	       rows, best[0], best[1], best[2], found, ru.ru_maxrss / 1024.0);
	return 0;
}
