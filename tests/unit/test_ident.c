/* SPDX-License-Identifier: Apache-2.0 */
/* Identifiers: GB 11643 id numbers, Luhn, accounts, banks, regions, months. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "ident.h"

static int
id(const char *s, char *out, const char **code)
{
	const char *why;

	return payroll_id_check(s, strlen(s), out, code, &why);
}

static void
id_numbers(void **state)
{
	char out[19];
	const char *code;

	(void)state;
	/* the standard's own example, and its lowercase form */
	assert_int_equal(id("11010519491231002X", out, &code), 0);
	assert_string_equal(out, "11010519491231002X");
	assert_int_equal(id("11010519491231002x", out, &code), 0);
	assert_string_equal(out, "11010519491231002X");
	assert_int_equal(id("440524188001010014", out, &code), 0);
	assert_int_equal(payroll_id_check_digit("11010519491231002"), 'X');
	assert_int_equal(id("110105194912310021", out, &code), PAYROLL_EFORMAT);
	assert_string_equal(code, "bad-id-checksum");
	assert_int_equal(id("11010519491231002", out, &code), PAYROLL_EFORMAT);
	assert_string_equal(code, "bad-id");
	assert_int_equal(id("1101051949123100XX", out, &code), PAYROLL_EFORMAT);
	assert_string_equal(code, "bad-id");
	assert_int_equal(id("11010519491231002Y", out, &code), PAYROLL_EFORMAT);
	assert_string_equal(code, "bad-id");
	assert_int_equal(id("", out, &code), PAYROLL_EFORMAT);
	assert_int_equal(id("1.10105E+17", out, &code), PAYROLL_EFORMAT);
}

static void
luhn_and_accounts(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_true(payroll_luhn_ok("4111111111111111", 16));
	assert_true(payroll_luhn_ok("6217000000001000003", 19));
	assert_false(payroll_luhn_ok("6217000000001000004", 19));
	assert_false(payroll_luhn_ok("62170000a0001000003", 19));
	assert_int_equal(payroll_account_check("6217000000001000003", 19, &why), 0);
	assert_int_equal(payroll_account_check("6217000000001000004", 19, &why), PAYROLL_EFORMAT);
	assert_non_null(strstr(why, "Luhn"));
	/* not a UnionPay card: no Luhn rule */
	assert_int_equal(payroll_account_check("220421000000188801", 18, &why), 0);
	assert_int_equal(payroll_account_check("6217000000001000004123", 22, &why), 0);
	assert_int_equal(payroll_account_check("12345678", 8, &why), 0);
	assert_int_equal(payroll_account_check("1234567", 7, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_account_check("123456789012345678901234567890123", 33, &why),
			 PAYROLL_EFORMAT);
	assert_int_equal(payroll_account_check("6.21700E+18", 11, &why), PAYROLL_EFORMAT);
	assert_non_null(strstr(why, "scientific"));
	assert_int_equal(payroll_account_check("6217 0000", 9, &why), PAYROLL_EFORMAT);
}

static void
banks(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(payroll_bank_check("ICBC", 4, &why), 0);
	assert_int_equal(payroll_bank_check("PSBC", 4, &why), 0);
	assert_int_equal(payroll_bank_check("102100099996", 12, &why), 0);
	assert_int_equal(payroll_bank_check("1021000999", 10, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_bank_check("工商银行", strlen("工商银行"), &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_bank_check("", 0, &why), PAYROLL_EFORMAT);
}

static void
bank_names(void **state)
{
	static const struct { const char *in, *code; } good[] = {
		{ "中国工商银行", "ICBC" }, { "工商银行", "ICBC" }, { "工行", "ICBC" },
		{ "中国农业银行", "ABC" }, { "农业银行", "ABC" }, { "农行", "ABC" },
		{ "中国银行", "BOC" }, { "中行", "BOC" },
		{ "中国建设银行", "CCB" }, { "建设银行", "CCB" }, { "建行", "CCB" },
		{ "交通银行", "BOCOM" }, { "交行", "BOCOM" },
		{ "中国邮政储蓄银行", "PSBC" }, { "邮储银行", "PSBC" }, { "邮政储蓄", "PSBC" },
		{ "招商银行", "CMB" },
		{ "农村信用社", "RCC" }, { "农村信用合作社", "RCC" }, { "信用社", "RCC" },
		{ "农信社", "RCC" },
		{ "农村商业银行", "RCB" }, { "农商银行", "RCB" }, { "农商行", "RCB" },
		/* a branch, a place before a rural bank's name */
		{ "中国工商银行东丰支行", "ICBC" }, { "中国银行股份有限公司东丰支行", "BOC" },
		{ "吉林东丰农村商业银行", "RCB" }, { "东丰县农村信用合作社", "RCC" },
		{ "中国邮政储蓄银行东丰县支行", "PSBC" },
	};
	const char *code, *why, *near, *near_code;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		assert_int_equal(payroll_bank_resolve(good[i].in, strlen(good[i].in), &code, &why,
						      &near, &near_code), 0);
		assert_non_null(code);
		assert_string_equal(code, good[i].code);
	}
	/* codes stay as they are */
	assert_int_equal(payroll_bank_resolve("ICBC", 4, &code, &why, &near, &near_code), 0);
	assert_null(code);
	assert_int_equal(payroll_bank_resolve("102100099996", 12, &code, &why, &near, &near_code), 0);
	assert_null(code);
	/* short forms count only whole: 工行 inside a longer value is not taken */
	assert_int_equal(payroll_bank_resolve("工行东丰", strlen("工行东丰"), &code, &why, &near,
					      &near_code), PAYROLL_EFORMAT);
	/* unknown: the nearest name is suggested */
	assert_int_equal(payroll_bank_resolve("工商行", strlen("工商行"), &code, &why, &near,
					      &near_code), PAYROLL_EFORMAT);
	assert_non_null(strstr(why, "not a bank name"));
	assert_string_equal(near, "工商银行");
	assert_string_equal(near_code, "ICBC");
	assert_int_equal(payroll_bank_resolve("中国农行银行", strlen("中国农行银行"), &code, &why,
					      &near, &near_code), PAYROLL_EFORMAT);
	assert_string_equal(near_code, "ABC");
	assert_int_equal(payroll_bank_resolve("邮政银行", strlen("邮政银行"), &code, &why, &near,
					      &near_code), PAYROLL_EFORMAT);
	assert_string_equal(near_code, "PSBC");
	/* nothing near: no suggestion */
	assert_int_equal(payroll_bank_resolve("花旗", strlen("花旗"), &code, &why, &near,
					      &near_code), PAYROLL_EFORMAT);
	assert_null(near);
	/* two banks in one value */
	assert_int_equal(payroll_bank_resolve("工商银行转建设银行", strlen("工商银行转建设银行"),
					      &code, &why, &near, &near_code), PAYROLL_EFORMAT);
	assert_non_null(strstr(why, "two different banks"));
	assert_int_equal(payroll_bank_resolve("", 0, &code, &why, &near, &near_code), PAYROLL_EFORMAT);
	assert_int_equal(payroll_bank_resolve("\xff\xfe", 2, &code, &why, &near, &near_code),
			 PAYROLL_EFORMAT);
}

static void
regions(void **state)
{
	static const struct { const char *code; size_t prefix; } t[] = {
		{ "220402", 6 }, { "220400", 4 }, { "220000", 2 }, { "220402101000", 9 },
		{ "220402000000", 6 }, { "220402101203", 12 }, { "220400000000", 4 },
		{ "220421103000", 9 }, { "220421100000", 9 },
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof *t; i++)
		assert_int_equal(payroll_region_prefix(t[i].code, strlen(t[i].code)), t[i].prefix);
	assert_int_equal(payroll_region_check("220421", 6, &why), 0);
	assert_int_equal(payroll_region_check("220421101201", 12, &why), 0);
	assert_int_equal(payroll_region_check("22042", 5, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_region_check("2204211012", 10, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_region_check("22042a", 6, &why), PAYROLL_EFORMAT);
	assert_int_equal(payroll_region_check("000000", 6, &why), PAYROLL_EFORMAT);
}

static void
months(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(payroll_month_parse("2026-11", 7), 2026 * 12 + 10);
	assert_int_equal(payroll_month_parse("2026-01", 7), 2026 * 12);
	assert_int_equal(payroll_month_parse("2026-13", 7), -1);
	assert_int_equal(payroll_month_parse("2026-00", 7), -1);
	assert_int_equal(payroll_month_parse("2026/11", 7), -1);
	assert_int_equal(payroll_month_parse("2026-1", 6), -1);
	assert_int_equal(payroll_month_parse("26-11", 5), -1);
	payroll_month_format(2026 * 12 + 10, buf);
	assert_string_equal(buf, "2026-11");
	payroll_month_format(2027 * 12, buf);
	assert_string_equal(buf, "2027-01");
	/* P-1 across a year boundary */
	payroll_month_format(payroll_month_parse("2027-01", 7) - 1, buf);
	assert_string_equal(buf, "2026-12");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_numbers),
		cmocka_unit_test(luhn_and_accounts),
		cmocka_unit_test(banks),
		cmocka_unit_test(bank_names),
		cmocka_unit_test(regions),
		cmocka_unit_test(months),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
