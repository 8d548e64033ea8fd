/* SPDX-License-Identifier: Apache-2.0 */
/* calc through the library: the demo month fed at every chunk size from 1
 * to 64 gives the bytes of the default run; counts reconcile; a failed
 * run leaves nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "calc.h"
#include "error.h"
#include "ident.h"

static char dir[64], demo[512];

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void
run(size_t chunk, const char *ledger, const char *rejects, struct payroll_calc_report *rep)
{
	char roster[600], standards[600], grants[600];
	struct payroll_calc_opts o = { 0 };
	struct payroll_error err;

	snprintf(roster, sizeof roster, "%s/roster.csv", demo);
	snprintf(standards, sizeof standards, "%s/standards.csv", demo);
	snprintf(grants, sizeof grants, "%s/grants.csv", demo);
	o.roster = roster;
	o.standards = standards;
	o.grants = grants;
	o.ledger = ledger;
	o.rejects = rejects;
	o.period = payroll_month_parse("2026-11", 7);
	o.chunk = chunk;
	assert_int_equal(payroll_calc(&o, rep, &err), 0);
}

static void
every_chunk_size(void **state)
{
	struct payroll_calc_report rep;
	char l0[128], r0[128], l[128], r[128];
	size_t n0, m0, n, m, chunk;
	char *a, *b, *c, *d;

	(void)state;
	snprintf(l0, sizeof l0, "%s/ledger-0.csv", dir);
	snprintf(r0, sizeof r0, "%s/rejects-0.csv", dir);
	run(0, l0, r0, &rep);
	assert_int_equal(rep.rows_read, rep.rows_paid + rep.rows_rejected);
	assert_true(rep.rows_paid > 10);
	assert_true(rep.attention > 0);
	payroll_calc_report_free(&rep);
	a = slurp(l0, &n0);
	b = slurp(r0, &m0);
	for (chunk = 1; chunk <= 64; chunk++) {
		snprintf(l, sizeof l, "%s/ledger.csv", dir);
		snprintf(r, sizeof r, "%s/rejects.csv", dir);
		run(chunk, l, r, &rep);
		payroll_calc_report_free(&rep);
		c = slurp(l, &n);
		d = slurp(r, &m);
		assert_int_equal(n, n0);
		assert_memory_equal(a, c, n);
		assert_int_equal(m, m0);
		assert_memory_equal(b, d, m);
		free(c);
		free(d);
	}
	free(a);
	free(b);
}

static void
failure_leaves_nothing(void **state)
{
	struct payroll_calc_opts o = { 0 };
	struct payroll_calc_report rep;
	struct payroll_error err;
	char ledger[128], rejects[128], summary[128];
	struct stat st;

	(void)state;
	snprintf(ledger, sizeof ledger, "%s/fail-ledger.csv", dir);
	snprintf(rejects, sizeof rejects, "%s/fail-rejects.csv", dir);
	snprintf(summary, sizeof summary, "%s/fail-summary.json", dir);
	o.roster = "/nonexistent/roster.csv";
	o.standards = "/nonexistent/standards.csv";
	o.ledger = ledger;
	o.rejects = rejects;
	o.summary = summary;
	o.period = payroll_month_parse("2026-11", 7);
	assert_int_equal(payroll_calc(&o, &rep, &err), PAYROLL_EIO);
	assert_non_null(strstr(err.file, "standards.csv"));
	payroll_calc_report_free(&rep);
	assert_int_not_equal(stat(ledger, &st), 0);
	assert_int_not_equal(stat(rejects, &st), 0);
	assert_int_not_equal(stat(summary, &st), 0);
	o.period = -1;
	assert_int_equal(payroll_calc(&o, &rep, &err), PAYROLL_EUSAGE);
	payroll_calc_report_free(&rep);
}

static int
setup(void **state)
{
	const char *f = getenv("FIXTURES");

	(void)state;
	snprintf(demo, sizeof demo, "%s/every-code", f ? f : "fixtures");
	snprintf(dir, sizeof dir, "/tmp/payroll-calc-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_chunk_size),
		cmocka_unit_test(failure_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
