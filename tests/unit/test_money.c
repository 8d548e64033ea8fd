/* SPDX-License-Identifier: Apache-2.0 */
/* Money: strict parsing, formatting, checked arithmetic, percentages and
 * the rounding rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "money.h"

static int64_t
parse(const char *s, int *rc)
{
	int64_t v = -1;
	const char *why;

	*rc = payroll_money_parse(s, strlen(s), &v, &why);
	return v;
}

static void
parses_good_amounts(void **state)
{
	static const struct { const char *in; int64_t fen; } ok[] = {
		{ "410", 41000 }, { "410.5", 41050 }, { "410.50", 41050 }, { "0", 0 },
		{ "0.01", 1 }, { "007.10", 710 }, { "92233720368547758.07", INT64_MAX },
	};
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(parse(ok[i].in, &rc), ok[i].fen);
		assert_int_equal(rc, 0);
	}
}

static void
rejects_bad_amounts(void **state)
{
	static const char *const bad[] = {
		"", "-1", "1e3", "4,10", "1.234", ".5", "5.", "1.2.3", " 5", "５", "１２３",
		"12a", "+5", "0x10", "1 000",
	};
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		parse(bad[i], &rc);
		assert_int_equal(rc, PAYROLL_EFORMAT);
	}
	parse("92233720368547758.08", &rc);
	assert_int_equal(rc, PAYROLL_EOVERFLOW);
	parse("99999999999999999999", &rc);
	assert_int_equal(rc, PAYROLL_EOVERFLOW);
}

static void
explains_why(void **state)
{
	const char *why = NULL;
	int64_t v;

	(void)state;
	payroll_money_parse("1,200", 5, &v, &why);
	assert_non_null(strstr(why, "thousands"));
	payroll_money_parse("1e3", 3, &v, &why);
	assert_non_null(strstr(why, "exponent"));
	payroll_money_parse("-5", 2, &v, &why);
	assert_non_null(strstr(why, "negative"));
	payroll_money_parse("１", 3, &v, &why);
	assert_non_null(strstr(why, "full-width"));
}

static void
formats_and_round_trips(void **state)
{
	static const int64_t v[] = { 0, 1, 5, 10, 99, 100, 41050, 123456789, INT64_MAX, -1, -50, -12345 };
	static const char *const want[] = {
		"0.00", "0.01", "0.05", "0.10", "0.99", "1.00", "410.50", "1234567.89",
		"92233720368547758.07", "-0.01", "-0.50", "-123.45",
	};
	char buf[PAYROLL_MONEY_MAX];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof v / sizeof *v; i++) {
		assert_int_equal(payroll_money_format(v[i], buf), strlen(want[i]));
		assert_string_equal(buf, want[i]);
		if (v[i] >= 0)
			assert_int_equal(parse(buf, &rc), v[i]);
	}
	payroll_money_format(INT64_MIN, buf);
	assert_string_equal(buf, "-92233720368547758.08");
}

static void
checks_overflow(void **state)
{
	int64_t r = 7;

	(void)state;
	assert_int_equal(payroll_add(INT64_MAX, 1, &r), PAYROLL_EOVERFLOW);
	assert_int_equal(r, 7);
	assert_int_equal(payroll_sub(INT64_MIN, 1, &r), PAYROLL_EOVERFLOW);
	assert_int_equal(payroll_mul(INT64_MAX / 2 + 1, 2, &r), PAYROLL_EOVERFLOW);
	assert_int_equal(payroll_mul(41000, 20, &r), 0);
	assert_int_equal(r, 820000);
	assert_int_equal(payroll_percent_of(INT64_MAX, 13000, &r), PAYROLL_EOVERFLOW);
}

static void
percentages(void **state)
{
	int64_t p = 0, r = 0;
	const char *why;
	char buf[PAYROLL_MONEY_MAX];

	(void)state;
	assert_int_equal(payroll_percent_parse("130%", 4, &p, &why), 0);
	assert_int_equal(p, 13000);
	assert_int_equal(payroll_percent_parse("107.4%", 6, &p, &why), 0);
	assert_int_equal(p, 10740);
	assert_int_equal(payroll_percent_parse("130", 3, &p, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_percent_parse("-5%", 3, &p, &why), PAYROLL_EFORMAT);
	payroll_percent_format(13000, buf);
	assert_string_equal(buf, "130%");
	payroll_percent_format(10740, buf);
	assert_string_equal(buf, "107.4%");
	payroll_percent_format(10745, buf);
	assert_string_equal(buf, "107.45%");
	/* half up to the fen */
	assert_int_equal(payroll_percent_of(41000, 13000, &r), 0);
	assert_int_equal(r, 53300);
	assert_int_equal(payroll_percent_of(44034, 13000, &r), 0);	/* 572.442 */
	assert_int_equal(r, 57244);
	assert_int_equal(payroll_percent_of(41000, 10740, &r), 0);	/* 440.34 */
	assert_int_equal(r, 44034);
	assert_int_equal(payroll_percent_of(1, 5000, &r), 0);		/* 0.005 -> 0.01 */
	assert_int_equal(r, 1);
	assert_int_equal(payroll_percent_of(1, 4999, &r), 0);
	assert_int_equal(r, 0);
}

static void
rounding_rules(void **state)
{
	static const struct { int64_t in; enum payroll_rounding rule; int64_t out; } t[] = {
		{ 58068, PAYROLL_ROUND_FEN, 58068 },
		{ 58068, PAYROLL_ROUND_YUAN_HALF_UP, 58100 },
		{ 58050, PAYROLL_ROUND_YUAN_HALF_UP, 58100 },
		{ 58049, PAYROLL_ROUND_YUAN_HALF_UP, 58000 },
		{ 58001, PAYROLL_ROUND_YUAN_UP, 58100 },
		{ 58000, PAYROLL_ROUND_YUAN_UP, 58000 },
		{ 58099, PAYROLL_ROUND_YUAN_DOWN, 58000 },
		{ 0, PAYROLL_ROUND_YUAN_UP, 0 },
		{ 49, PAYROLL_ROUND_YUAN_HALF_UP, 0 },
	};
	size_t i;
	int64_t r;

	(void)state;
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		assert_int_equal(payroll_round(t[i].in, t[i].rule, &r), 0);
		assert_int_equal(r, t[i].out);
	}
	assert_int_equal(payroll_round(INT64_MAX, PAYROLL_ROUND_YUAN_UP, &r), PAYROLL_EOVERFLOW);
	assert_int_equal(payroll_rounding_parse("yuan-half-up", 12), PAYROLL_ROUND_YUAN_HALF_UP);
	assert_int_equal(payroll_rounding_parse("fen", 3), PAYROLL_ROUND_FEN);
	assert_int_equal(payroll_rounding_parse("yuan", 4), -1);
	assert_string_equal(payroll_rounding_name(PAYROLL_ROUND_YUAN_DOWN), "yuan-down");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_good_amounts),
		cmocka_unit_test(rejects_bad_amounts),
		cmocka_unit_test(explains_why),
		cmocka_unit_test(formats_and_round_trips),
		cmocka_unit_test(checks_overflow),
		cmocka_unit_test(percentages),
		cmocka_unit_test(rounding_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
