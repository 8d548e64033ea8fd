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

/* payroll_xlsx_number_plain says 1 exactly for what payroll_xlsx_number
 * gives back unchanged among the texts it is asked about (a cheap test:
 * it may say 0 for some that would be unchanged, never 1 for others). */
static void
plain_numbers(void **state)
{
	static const char *const plain[] = { "0", "7", "410.5", "46327", "123456789012345",
		"12345678901234.5", "1.25" };
	static const char *const not_plain[] = { "", "-7", "+7", "007", "0.5", "410.50", "410.",
		"1E+18", "1e3", "1234567890123456", "12345678901234.56", "1..2", ".5", "4 1",
		"410.49999999999994" };
	static const char alphabet[] = "0123456789.-E+0000011";
	struct payroll_buf out = { 0 };
	unsigned seed = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof plain / sizeof *plain; i++)
		assert_int_equal(payroll_xlsx_number_plain(plain[i], strlen(plain[i])), 1);
	for (i = 0; i < sizeof not_plain / sizeof *not_plain; i++)
		assert_int_equal(payroll_xlsx_number_plain(not_plain[i], strlen(not_plain[i])), 0);
	for (i = 0; i < 200000; i++) {
		char s[24];
		size_t n, j;

		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % 18;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			s[j] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		s[n] = '\0';
		if (!payroll_xlsx_number_plain(s, n))
			continue;
		payroll_buf_reset(&out);
		assert_int_equal(payroll_xlsx_number(s, &out), 0);
		assert_string_equal(payroll_buf_str(&out), s);
	}
	payroll_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff),
		cmocka_unit_test(colnames),
		cmocka_unit_test(numbers),
		cmocka_unit_test(plain_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
