/* SPDX-License-Identifier: Apache-2.0 */
/* Baseline for benchmarks: a bare libcsv parse of a file, counting rows
 * and fields, with the options payroll uses. cc -O2 csvparse.c -lcsv */
#include <csv.h>
#include <stdio.h>

static void field(void *s, size_t n, void *d) { (void)s; (void)n; ++*(size_t *)d; }
static void row(int c, void *d) { (void)c; ++((size_t *)d)[1]; }

int
main(int argc, char **argv)
{
	static char buf[64 * 1024];
	struct csv_parser p;
	size_t counts[2] = { 0, 0 }, n;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb")))
		return 2;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, field, row, counts) != n)
			return 1;
	csv_fini(&p, field, row, counts);
	csv_free(&p);
	printf("%zu rows %zu fields\n", counts[1], counts[0]);
	return 0;
}
