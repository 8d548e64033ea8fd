/* SPDX-License-Identifier: Apache-2.0 */
/* The batch configuration: keys, relative paths, and every error naming
 * its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "error.h"

static int
parse(const char *text, struct payroll_config **c, struct payroll_error *err)
{
	return payroll_config_parse(c, "/srv/pay/payroll.conf", text, strlen(text), err);
}

#define MIN "roster = r.csv\nstandards = /abs/s.csv\nlayout = csv\nkey = k.key\noutput = out\n"

static void
good_file(void **state)
{
	struct payroll_config *c;
	struct payroll_error err;

	(void)state;
	assert_int_equal(parse("# the month\n\n" MIN
			       "  layout   =  ../layouts/bank.layout  \r\n"
			       "layout = pain001\npayer = payer.conf\npass = file:secret\n"
			       "office = 东丰县民政局\nnotice_days = 10\nencoding = gbk\n", &c, &err), 0);
	assert_string_equal(c->roster, "/srv/pay/r.csv");
	assert_string_equal(c->standards, "/abs/s.csv");
	assert_int_equal(c->nlayouts, 3);
	assert_string_equal(c->layouts[0], "csv");
	assert_string_equal(c->layouts[1], "/srv/pay/../layouts/bank.layout");
	assert_string_equal(c->layouts[2], "pain001");
	assert_string_equal(c->pass, "file:/srv/pay/secret");
	assert_string_equal(c->office, "东丰县民政局");
	assert_int_equal(c->notice_days, 10);
	assert_null(c->grants);
	payroll_config_free(c);
	assert_int_equal(parse(MIN, &c, &err), 0);
	assert_int_equal(c->notice_days, 7);
	assert_int_equal(c->notice_day, 0);
	assert_string_equal(c->notice_date, "");
	payroll_config_free(c);
}

static void
notice_start(void **state)
{
	struct payroll_config *c;
	struct payroll_error err;
	static const char *const days[] = { "1", "5", "09", "31" };
	static const int want[] = { 1, 5, 9, 31 };
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof text, MIN "notice_start = %s\n", days[i]);
		assert_int_equal(parse(text, &c, &err), 0);
		assert_int_equal(c->notice_day, want[i]);
		assert_string_equal(c->notice_date, "");
		payroll_config_free(c);
	}
	assert_int_equal(parse(MIN "notice_start = 2028-02-29\n", &c, &err), 0);
	assert_int_equal(c->notice_day, 0);
	assert_string_equal(c->notice_date, "2028-02-29");
	payroll_config_free(c);
	/* the value at the very end of the text, without a line feed */
	assert_int_equal(payroll_config_parse(&c, "p.conf", MIN "notice_start = 7", strlen(MIN) + 16,
					      &err), 0);
	assert_int_equal(c->notice_day, 7);
	payroll_config_free(c);
}

static void
expect(const char *text, const char *code, long line)
{
	struct payroll_config *c = NULL;
	struct payroll_error err;

	assert_int_equal(parse(text, &c, &err), PAYROLL_EFORMAT);
	assert_null(c);
	assert_string_equal(err.code, code);
	assert_int_equal(err.line, line);
	assert_string_equal(err.file, "/srv/pay/payroll.conf");
}

static void
errors(void **state)
{
	(void)state;
	expect(MIN "colour = blue\n", "unknown-key", 6);
	expect(MIN "roster = again.csv\n", "duplicate-key", 6);
	expect(MIN "grants =\n", "bad-value", 6);
	expect(MIN "just words\n", "bad-line", 6);
	expect(MIN "pass = hunter2\n", "bad-value", 6);
	expect(MIN "notice_days = 0\n", "bad-value", 6);
	expect(MIN "notice_days = 7x\n", "bad-value", 6);
	expect(MIN "encoding = latin1\n", "bad-value", 6);
	expect(MIN "notice_start = 0\n", "bad-value", 6);
	expect(MIN "notice_start = 32\n", "bad-value", 6);
	expect(MIN "notice_start = 100\n", "bad-value", 6);
	expect(MIN "notice_start = 5th\n", "bad-value", 6);
	expect(MIN "notice_start = 2027-02-29\n", "bad-value", 6);
	expect(MIN "notice_start = 2026-11-5\n", "bad-value", 6);
	expect(MIN "notice_start = 2026/11/05\n", "bad-value", 6);
	expect(MIN "notice_start = 5\nnotice_start = 6\n", "duplicate-key", 7);
	expect("roster = r.csv\n", "missing-key", 0);
	expect("", "missing-key", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(errors),
		cmocka_unit_test(notice_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
