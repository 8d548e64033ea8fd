/* SPDX-License-Identifier: Apache-2.0 */
/* Amounts in Chinese capital numerals (大写) for the approval sheet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "approval.h"
#include "error.h"
#include "ledger.h"

static void
check(int64_t fen, const char *want)
{
	char buf[PAYROLL_CAPITAL_MAX];
	size_t n = payroll_money_capital(fen, buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* The examples of the rules for filling in bills (零 between digits,
 * 整 after 元 only, 零 before the 分 when the 角 is zero). */
static void
rules(void **state)
{
	(void)state;
	check(0, "零元整");
	check(1, "壹分");
	check(10, "壹角");
	check(11, "壹角壹分");
	check(100, "壹元整");
	check(1000, "壹拾元整");
	check(1500, "壹拾伍元整");
	check(10010, "壹佰元壹角");
	check(10001, "壹佰元零壹分");
	check(1816400, "壹万捌仟壹佰陆拾肆元整");
	check(140950, "壹仟肆佰零玖元伍角");
	check(600714, "陆仟零柒元壹角肆分");
	check(1640902, "壹万陆仟肆佰零玖元零贰分");
	check(32504, "叁佰贰拾伍元零肆分");
	check(168032, "壹仟陆佰捌拾元叁角贰分");
	check(10700053, "壹拾万零柒仟元伍角叁分");
	check(1000005, "壹万元零伍分");
	check(10050000, "壹拾万零伍佰元整");
	check(100000000, "壹佰万元整");
	check(10000000000, "壹亿元整");
	check(10000000100, "壹亿零壹元整");
	check(10001000000, "壹亿零壹万元整");
	check(1000100000000, "壹佰亿零壹佰万元整");
	check(INT64_C(100000000000000), "壹万亿元整");
	check(INT64_C(100000000000000000), "壹仟万亿元整");
	check(INT64_C(1000000000000000000), "壹亿亿元整");
	check(INT64_C(1000000010000000000), "壹亿亿零壹亿元整");
	check(INT64_C(1000100000000000000), "壹亿亿零壹万亿元整");
	check(INT64_MAX, "玖亿亿贰仟贰佰叁拾叁万亿柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分");
	check(INT64_MIN, "负玖亿亿贰仟贰佰叁拾叁万亿柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分");
	check(-1, "负壹分");
	check(-100, "负壹元整");
}

/* An independent reader of capital numerals: groups of up to four digits
 * with 拾佰仟, each closed by 万, 亿, 万亿, 亿亿 or 元. */
static int
next(const char **s, const char *tok)
{
	size_t n = strlen(tok);

	if (strncmp(*s, tok, n))
		return 0;
	*s += n;
	return 1;
}

static int64_t
parse(const char *s)
{
	static const char *const digit[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
	uint64_t total = 0, group = 0, d = 0;
	int neg = next(&s, "负"), k, progress;

	while (*s) {
		progress = 0;
		for (k = 0; k < 10; k++)
			if (next(&s, digit[k]))
				d = (uint64_t)k, progress = 1;
		if (next(&s, "拾"))
			group += d * 10, d = 0, progress = 1;
		else if (next(&s, "佰"))
			group += d * 100, d = 0, progress = 1;
		else if (next(&s, "仟"))
			group += d * 1000, d = 0, progress = 1;
		else if (next(&s, "亿亿"))
			total += (group + d) * UINT64_C(10000000000000000) * 100, group = d = 0, progress = 1;
		else if (next(&s, "万亿"))
			total += (group + d) * UINT64_C(1000000000000) * 100, group = d = 0, progress = 1;
		else if (next(&s, "亿"))
			total += (group + d) * 100000000 * 100, group = d = 0, progress = 1;
		else if (next(&s, "万"))
			total += (group + d) * 10000 * 100, group = d = 0, progress = 1;
		else if (next(&s, "元"))
			total += (group + d) * 100, group = d = 0, progress = 1;
		else if (next(&s, "角"))
			total += d * 10, d = 0, progress = 1;
		else if (next(&s, "分"))
			total += d, d = 0, progress = 1;
		else if (next(&s, "整"))
			progress = 1;
		assert_true(progress);
	}
	assert_int_equal(group + d, 0);
	return neg ? (int64_t)(0 - total) : (int64_t)total;
}

static void
round_trip(int64_t fen)
{
	char buf[PAYROLL_CAPITAL_MAX];

	assert_true(payroll_money_capital(fen, buf) < PAYROLL_CAPITAL_MAX);
	if (parse(buf) != fen)
		fail_msg("%lld gives %s", (long long)fen, buf);
	assert_null(strstr(buf, "零零"));
	if (fen)
		assert_null(strstr(buf, "零元"));	/* zeros at the end of the yuan: no 零 */
	if (fen % 100 == 0)
		assert_non_null(strstr(buf, "整"));
	else
		assert_null(strstr(buf, "整"));
}

/* Every amount reads back as itself: all up to 1000.00 yuan, every
 * power of ten and its neighbours, and 300000 pseudo-random ones. */
static void
reads_back(void **state)
{
	uint64_t x = 88172645463325252u;
	int64_t fen, p;
	long i;

	(void)state;
	for (fen = 0; fen <= 100000; fen++)
		round_trip(fen);
	for (p = 1; p <= INT64_MAX / 10; p *= 10) {
		round_trip(p);
		round_trip(p + 1);
		round_trip(p - 1);
		round_trip(p * 10 - 1);
		round_trip(p * 9 + p / 10);
	}
	round_trip(INT64_MAX);
	round_trip(INT64_MIN + 1);
	for (i = 0; i < 300000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		fen = (int64_t)(x >> (i % 64));
		round_trip(fen);
	}
}

static void
write_ledger(const char *path, const char *second_period)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(PAYROLL_LEDGER_HEADER, f);
	fprintf(f, "2026-11,A,subsistence,allowance,2026-11,220421,urban,村,张伟,220421196503040015,"
		"ICBC,6217000000001000003,张伟,2,,,100.00,100.00\n");
	fprintf(f, "%s,B,temporary,temporary,%s,220421,urban,村,李四,220421196503040015,"
		"ICBC,6217000000001000003,李四,1,,,0.05,0.05\n", second_period, second_period);
	assert_int_equal(fclose(f), 0);
}

/* The sheet's errors: each leaves no output. */
static void
errors(void **state)
{
	char dir[] = "/tmp/test_approval.XXXXXX", ledger[64], out[64], missing[64];
	struct payroll_approval_file f = { "bank.csv", NULL, 2, 10005 };
	struct payroll_approval_opts o = { NULL, NULL, NULL, &f, 1 };
	struct payroll_approval_result r;
	struct payroll_error err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(ledger, sizeof ledger, "%s/ledger.csv", dir);
	snprintf(out, sizeof out, "%s/sheet.html", dir);
	snprintf(missing, sizeof missing, "%s/no-such-bank.csv", dir);
	assert_int_equal(payroll_approval(&o, &r, &err), PAYROLL_EUSAGE);
	o.ledger = ledger;
	o.output = out;
	write_ledger(ledger, "2026-12");
	f.path = ledger;
	assert_int_equal(payroll_approval(&o, &r, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "mixed-period");
	assert_int_equal(err.line, 3);
	assert_int_equal(access(out, F_OK), -1);
	write_ledger(ledger, "2026-11");
	f.path = missing;
	assert_int_equal(payroll_approval(&o, &r, &err), PAYROLL_EIO);
	assert_int_equal(access(out, F_OK), -1);
	f.path = ledger;
	assert_int_equal(payroll_approval(&o, &r, &err), 0);
	assert_int_equal(r.households, 2);
	assert_int_equal(r.persons, 3);
	assert_int_equal(r.total, 10005);
	assert_int_equal(unlink(out), 0);
	assert_int_equal(unlink(ledger), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(reads_back),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
