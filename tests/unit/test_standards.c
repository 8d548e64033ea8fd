/* SPDX-License-Identifier: Apache-2.0 */
/* Standards: lookup precedence, month ranges, percentages, and the errors
 * that make a standards file unusable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "ident.h"
#include "standards.h"

#define HEADER "region,program,area,item,amount,from,to\n"

static char path[64];
static char codes[32][40];
static int ncodes;

static void
collect(void *ctx, const struct payroll_error *e)
{
	(void)ctx;
	if (ncodes < 32)
		snprintf(codes[ncodes++], sizeof codes[0], "%s", e->code);
}

static struct payroll_standards *
load(const char *text, int *rc)
{
	struct payroll_standards *s = NULL;
	struct payroll_error err;
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/payroll-std-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	ncodes = 0;
	*rc = payroll_standards_load(&s, path, PAYROLL_ENC_AUTO, collect, NULL, &err);
	unlink(path);
	return s;
}

static long
month(const char *m)
{
	return payroll_month_parse(m, 7);
}

static const struct payroll_rates *
at(struct payroll_standards *s, const char *region, int program, int area, const char *m)
{
	const struct payroll_rates *r = payroll_standards_resolve(s, region, strlen(region), program, area, month(m));

	assert_non_null(r);
	return r;
}

static void
most_specific_wins(void **state)
{
	int rc;
	struct payroll_standards *s = load(HEADER
		"*,*,*,base,100.00,2020-01,\n"
		"220000,*,*,base,200.00,2020-01,\n"
		"220400,*,*,base,300.00,2020-01,\n"
		"220402,*,*,base,400.00,2020-01,\n"
		"220402,subsistence,*,base,410.00,2020-01,\n"
		"220402,subsistence,rural,base,420.00,2020-01,\n"
		"220402,*,rural,base,430.00,2020-01,\n"
		"220402101000,*,*,base,500.00,2020-01,\n", &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(at(s, "220402", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-11")->base.fen, 42000);
	assert_int_equal(at(s, "220402", PAYROLL_SUBSISTENCE, PAYROLL_URBAN, "2026-11")->base.fen, 41000);
	/* exact program beats exact area */
	assert_int_equal(at(s, "220402", PAYROLL_EXTREME_POVERTY, PAYROLL_RURAL, "2026-11")->base.fen, 43000);
	assert_int_equal(at(s, "220402", PAYROLL_EXTREME_POVERTY, PAYROLL_URBAN, "2026-11")->base.fen, 40000);
	assert_int_equal(at(s, "220403", PAYROLL_SUBSISTENCE, PAYROLL_URBAN, "2026-11")->base.fen, 30000);
	assert_int_equal(at(s, "220502", PAYROLL_SUBSISTENCE, PAYROLL_URBAN, "2026-11")->base.fen, 20000);
	assert_int_equal(at(s, "110101", PAYROLL_SUBSISTENCE, PAYROLL_URBAN, "2026-11")->base.fen, 10000);
	/* a village under the township code, and one beside it */
	assert_int_equal(at(s, "220402101201", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-11")->base.fen, 50000);
	assert_int_equal(at(s, "220402102201", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-11")->base.fen, 42000);
	payroll_standards_free(s);
}

static void
months_and_percentages(void **state)
{
	int rc;
	struct payroll_standards *s = load(HEADER
		"220421,subsistence,rural,base,410.00,2025-01,2026-06\n"
		"220421,subsistence,rural,base,440.34,2026-07,\n"
		"220000,extreme-poverty,*,base,130%,2025-01,\n"
		"220000,extreme-poverty,*,care:full,492.00,2025-01,\n"
		"220000,*,*,subsidy:living,30.00,2026-11,2026-11\n"
		"220000,*,*,subsidy:coal,10.00,2026-11,2026-11\n"
		"220000,subsistence,*,supplement:minor,10%,2025-01,\n"
		"220421,*,rural,rounding,yuan-half-up,2025-01,\n", &rc);
	const struct payroll_rates *r;

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-06")->base.fen, 41000);
	assert_int_equal(at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-07")->base.fen, 44034);
	assert_false(at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2024-12")->base.present);
	r = at(s, "220421", PAYROLL_EXTREME_POVERTY, PAYROLL_RURAL, "2026-11");
	assert_int_equal(r->base.fen, 57244);
	assert_string_equal(r->base.frag, "(440.34*130%=572.44)");
	assert_int_equal(r->care[PAYROLL_CARE_FULL].fen, 49200);
	assert_false(r->care[PAYROLL_CARE_SELF].present);
	assert_int_equal(r->rounding, PAYROLL_ROUND_YUAN_HALF_UP);
	assert_int_equal(r->nsubsidies, 2);	/* sorted by name */
	assert_string_equal(r->subsidies[0].name, "coal");
	assert_string_equal(r->subsidies[1].item, "subsidy:living");
	assert_int_equal(at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-10")->nsubsidies, 0);
	/* no subsistence base in the urban area: the percentage has nothing to take */
	assert_false(at(s, "220421", PAYROLL_EXTREME_POVERTY, PAYROLL_URBAN, "2026-11")->base.present);
	r = at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_RURAL, "2026-11");
	assert_int_equal(r->nsupplements, 1);
	assert_int_equal(r->supplements[0].rate.fen, 4403);
	assert_int_equal(at(s, "220421", PAYROLL_SUBSISTENCE, PAYROLL_URBAN, "2026-11")->rounding,
			 PAYROLL_ROUND_FEN);
	assert_true(payroll_standards_knows_category(s, "minor", 5));
	assert_false(payroll_standards_knows_category(s, "blind", 5));
	payroll_standards_free(s);
}

static void
expect_error(const char *text, const char *code)
{
	int rc, i, seen = 0;
	struct payroll_standards *s = load(text, &rc);

	assert_null(s);
	assert_int_equal(rc, PAYROLL_EFORMAT);
	for (i = 0; i < ncodes; i++)
		seen |= !strcmp(codes[i], code);
	if (!seen)
		fail_msg("expected %s, first was %s", code, ncodes ? codes[0] : "none");
}

static void
unusable_files(void **state)
{
	(void)state;
	expect_error(HEADER "220421,subsistence,urban,base,700.00,2026-01,2026-12\n"
		     "220421,subsistence,urban,base,720.00,2026-06,\n", "overlap");
	/* the same prefix written as a 12-digit code still overlaps */
	expect_error(HEADER "220421,*,*,base,700.00,2026-01,\n"
		     "220421000000,*,*,base,720.00,2026-06,\n", "overlap");
	expect_error(HEADER "220421,subsistence,urban,base,130%,2026-01,\n", "percent-of-percent");
	expect_error(HEADER "220421,*,urban,base,130%,2026-01,\n", "percent-of-percent");
	expect_error(HEADER "220421,*,*,bonus,1.00,2026-01,\n", "unknown-item");
	expect_error(HEADER "220421,*,*,care:sleepy,1.00,2026-01,\n", "unknown-item");
	expect_error(HEADER "220421,*,*,rounding,yuan-sideways,2026-01,\n", "bad-rounding");
	expect_error(HEADER "220421,*,*,base,1e3,2026-01,\n", "bad-money");
	expect_error(HEADER "220421,*,*,base,1.00,2026-13,\n", "bad-month");
	expect_error(HEADER "220421,*,*,base,1.00,2026-06,2026-05\n", "bad-month");
	expect_error(HEADER "2204,*,*,base,1.00,2026-01,\n", "bad-region");
	expect_error(HEADER "220421,poor,*,base,1.00,2026-01,\n", "bad-program");
	expect_error(HEADER "220421,*,suburban,base,1.00,2026-01,\n", "bad-area");
}

static void
no_overlap_when_keys_differ(void **state)
{
	int rc;
	struct payroll_standards *s = load(HEADER
		"220421,subsistence,urban,base,700.00,2026-01,2026-05\n"
		"220421,subsistence,urban,base,720.00,2026-06,\n"
		"220421,subsistence,rural,base,500.00,2026-01,\n"
		"220421,*,urban,base,600.00,2026-01,\n"
		"220421,extreme-poverty,*,base,130%,2026-01,\n", &rc);

	(void)state;
	assert_int_equal(rc, 0);
	payroll_standards_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(most_specific_wins),
		cmocka_unit_test(months_and_percentages),
		cmocka_unit_test(unusable_files),
		cmocka_unit_test(no_overlap_when_keys_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
