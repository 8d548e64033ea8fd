/* SPDX-License-Identifier: Apache-2.0 */
/* xlsx.h: what a file is by its first bytes, column letters, numbers as
 * Excel shows them (15 significant digits, decimal arithmetic only). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "xlsx.h"
#include "xlsx_value.h"

static void
sniff(void **state)
{
	struct payroll_error err;
	unsigned char bin[64];

	(void)state;
	assert_int_equal(payroll_xlsx_sniff((const unsigned char *)"case_id,name\n", 13, "r.csv", &err), 0);
	assert_int_equal(payroll_xlsx_sniff((const unsigned char *)"PK\x03\x04....", 8, "r.xlsx", &err), 1);
	assert_int_equal(payroll_xlsx_sniff((const unsigned char *)"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
					    "r.xls", &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "unsupported-file");
	assert_non_null(strstr(err.message, "legacy Excel .xls"));
	assert_non_null(strstr(err.message, "save it as .xlsx"));
	assert_int_equal(payroll_xlsx_sniff((const unsigned char *)"%PDF-1.7", 8, "r.pdf", &err),
			 PAYROLL_EFORMAT);
	assert_non_null(strstr(err.message, "PDF"));
	memset(bin, 0, sizeof bin);
	assert_int_equal(payroll_xlsx_sniff(bin, sizeof bin, "r.bin", &err), PAYROLL_EFORMAT);
	assert_non_null(strstr(err.message, "binary"));
	/* one NUL in a long text is that row's problem, not the file's */
	{
		char text[200];

		memset(text, 'a', sizeof text);
		text[50] = '\0';
		assert_int_equal(payroll_xlsx_sniff((const unsigned char *)text, sizeof text, "r.csv", &err), 0);
	}
}

static void
colnames(void **state)
{
	static const struct { int col; const char *name; } t[] = {
		{ 1, "A" }, { 13, "M" }, { 26, "Z" }, { 27, "AA" }, { 52, "AZ" }, { 53, "BA" },
		{ 702, "ZZ" }, { 703, "AAA" }, { 16384, "XFD" },
	};
	char buf[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		payroll_xlsx_colname(t[i].col, buf);
		assert_string_equal(buf, t[i].name);
	}
}

static void
numbers(void **state)
{
	static const struct { const char *in, *out; } t[] = {
		{ "410.5", "410.5" }, { "410.50", "410.5" }, { "410", "410" }, { "0", "0" },
		{ "0.0", "0" }, { "410.49999999999994", "410.5" }, { "1000.4999999999999", "1000.5" },
		{ "0.30000000000000004", "0.3" }, { "6.2170000000010003E+18", "6217000000001000000" },
		{ "2.20421196503040E+17", "220421196503040000" }, { "1E-3", "0.001" },
		{ "-12.25", "-12.25" }, { "999999999999999.5", "1000000000000000" },
		{ "0.000123", "0.000123" }, { "45658", "45658" }, { "1.5e2", "150" },
		{ "007", "7" },
	};
	static const char *bad[] = { "", "abc", "1e", "1.2.3", "--1", "1e999", "0x10", " 1" };
	struct payroll_buf b = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		payroll_buf_reset(&b);
		assert_int_equal(payroll_xlsx_number(t[i].in, &b), 0);
		assert_string_equal(payroll_buf_str(&b), t[i].out);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(payroll_xlsx_number(bad[i], &b), -1);
	payroll_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff),
		cmocka_unit_test(colnames),
		cmocka_unit_test(numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
