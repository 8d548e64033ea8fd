/* SPDX-License-Identifier: Apache-2.0 */
/* Masking names by character for the disclosure list (SPEC 8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "error.h"
#include "mask.h"

static void
check(const char *in, const char *want)
{
	struct payroll_buf b = { 0 };
	size_t bad = 99;

	assert_int_equal(payroll_mask_name(&b, in, strlen(in), &bad), 0);
	assert_string_equal(payroll_buf_str(&b), want);
	assert_int_equal(bad, 99);	/* untouched on success */
	payroll_buf_release(&b);
}

static void
one_two_three_four(void **state)
{
	(void)state;
	check("周", "周");
	check("张伟", "张*");
	check("张三丰", "张*丰");
	check("李小二丫", "李**丫");
	check("𠀀𠀁𠀂", "𠀀*𠀂");	/* 4-byte characters count as one */
	check("", "");
}

static void
compound_surname(void **state)
{
	(void)state;
	check("欧阳娜娜", "欧**娜");
	check("司马相如", "司**如");
}

static void
middle_dot(void **state)
{
	(void)state;
	/* the separator dot stays; every letter the literal rule hides stays hidden */
	check("买买提·吐尔逊", "买**·**逊");
	check("阿依·木", "阿*·木");
	check("玛丽・居里", "玛*・*里");	/* U+30FB katakana middle dot */
	check("·", "·");
	check("张·", "张*");		/* two characters: the rule, nothing revealed */
	check("·张三", "·*三");		/* first character: kept as the rule keeps it */
}

static void
latin(void **state)
{
	(void)state;
	check("A", "A");
	check("Li", "L*");
	check("Lei", "L*i");
	check("Li Lei", "L****i");
	check("Zoë", "Z*ë");
}

static void
appends(void **state)
{
	struct payroll_buf b = { 0 };

	(void)state;
	assert_int_equal(payroll_buf_addstr(&b, "x,"), 0);
	assert_int_equal(payroll_mask_name(&b, "张三丰", strlen("张三丰"), NULL), 0);
	assert_string_equal(payroll_buf_str(&b), "x,张*丰");
	payroll_buf_release(&b);
}

static void
refuses_bad_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t at;
	} bad[] = {
		{ "\xd5\xc5", 0 },		/* GBK 张 */
		{ "张\xff", 3 },
		{ "张\xe5\xbc", 3 },		/* truncated */
		{ "\xc0\x80", 0 },		/* overlong NUL */
		{ "\xe0\x80\xaf", 0 },		/* overlong / */
		{ "\xed\xa0\x80", 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "ab\x80", 2 },		/* lone continuation */
	};
	struct payroll_buf b = { 0 };
	size_t i, at;

	(void)state;
	assert_int_equal(payroll_buf_addstr(&b, "kept"), 0);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		at = 99;
		assert_int_equal(payroll_mask_name(&b, bad[i].s, strlen(bad[i].s), &at),
				 PAYROLL_EFORMAT);
		assert_int_equal(at, bad[i].at);
		assert_string_equal(payroll_buf_str(&b), "kept");
	}
	payroll_buf_release(&b);
}

static void
decodes(void **state)
{
	unsigned long cp = 0;

	(void)state;
	assert_int_equal(payroll_utf8_char("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(payroll_utf8_char("·", 2, &cp), 2);
	assert_int_equal(cp, 0xb7);
	assert_int_equal(payroll_utf8_char("张", 3, &cp), 3);
	assert_int_equal(cp, 0x5f20);
	assert_int_equal(payroll_utf8_char("𠀀", 4, &cp), 4);
	assert_int_equal(cp, 0x20000);
	assert_int_equal(payroll_utf8_char("张", 2, &cp), 0);
	assert_int_equal(payroll_utf8_char("", 0, &cp), 0);
}

static void
csv_check(const char *in, const char *want)
{
	struct payroll_buf b = { 0 };

	assert_int_equal(payroll_buf_addstr(&b, "x,"), 0);
	assert_int_equal(payroll_csv_text_safe(&b, in, strlen(in)), 0);
	assert_string_equal(payroll_buf_str(&b), want);
	payroll_buf_release(&b);
}

/* A spreadsheet must not run a name as a formula nor show it reversed. */
static void
csv_safe(void **state)
{
	(void)state;
	csv_check("张*丰", "x,张*丰");
	csv_check("", "x,");
	csv_check("=**2", "x,'=**2");
	csv_check("+*1", "x,'+*1");
	csv_check("-*三", "x,'-*三");
	csv_check("@*", "x,'@*");
	csv_check("\t*x", "x,'\t*x");
	csv_check("\r*x", "x,'\r*x");
	csv_check("a=b", "x,a=b");	/* only the first character counts */
	csv_check("'=x", "x,'=x");
	/* bidi controls dropped wherever they are, then the check above */
	csv_check("\xe2\x80\xae*\xe4\xb8\x89", "x,*三");	/* U+202E */
	csv_check("\xe2\x80\xae=1", "x,'=1");
	csv_check("\xe2\x81\xa6" "a\xe2\x81\xa9" "b", "x,ab");	/* U+2066, U+2069 */
	csv_check("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xe2\x80\xaa\xe2\x80\xab"
		  "\xe2\x80\xac\xe2\x80\xad\xe2\x81\xa7\xe2\x81\xa8-", "x,'-");
	csv_check("\xe2\x80\x8d\xe2\x80\xaf", "x,\xe2\x80\x8d\xe2\x80\xaf");	/* ZWJ, NNBSP stay */
	csv_check("\xff=", "x,\xff=");	/* not UTF-8: copied */
	assert_int_equal(payroll_is_bidi_control(0x202a), 1);
	assert_int_equal(payroll_is_bidi_control(0x2069), 1);
	assert_int_equal(payroll_is_bidi_control(0x2065), 0);
	assert_int_equal(payroll_is_bidi_control(0x202f), 0);
}

static void
number_check(const char *in, const char *want)
{
	struct payroll_buf b = { 0 };

	assert_int_equal(payroll_mask_number(&b, in, strlen(in)), 0);
	assert_string_equal(payroll_buf_str(&b), want);
	payroll_buf_release(&b);
}

static void
numbers(void **state)
{
	(void)state;
	number_check("6217000000001000003", "6217****0003");
	number_check("22042119650304004X", "2204****004X");
	number_check("123456789", "1234****6789");
	number_check("12345678", "********");
	number_check("12345", "*****");
	number_check("", "");
	number_check("账号甲123456789", "************");	/* a star a character */
	number_check("\xff\xfe", "**");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_two_three_four),
		cmocka_unit_test(compound_surname),
		cmocka_unit_test(middle_dot),
		cmocka_unit_test(latin),
		cmocka_unit_test(appends),
		cmocka_unit_test(refuses_bad_utf8),
		cmocka_unit_test(decodes),
		cmocka_unit_test(csv_safe),
		cmocka_unit_test(numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
