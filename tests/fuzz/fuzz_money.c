/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_money: money and percentage parsing, formatting and rounding.
 * Properties: parse(format(x)) == x for every accepted amount; a parsed
 * amount is never negative; rounding never goes the wrong way, and lands
 * on a whole yuan except for "fen".
 */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "money.h"
#include "fuzz_util.h"

static void
check_money(const char *s, size_t n)
{
	char buf[PAYROLL_MONEY_MAX];
	int64_t fen = -1, back = -1, r;
	const char *why = NULL;
	size_t len;
	int rc, rule;

	rc = payroll_money_parse(s, n, &fen, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EOVERFLOW, "rc %d", rc);
	if (rc == PAYROLL_EFORMAT)
		FUZZ_ASSERT(why != NULL, "no reason for a bad amount");
	if (rc != 0)
		return;
	FUZZ_ASSERT(fen >= 0, "negative amount %lld", (long long)fen);
	len = payroll_money_format(fen, buf);
	FUZZ_ASSERT(len == strlen(buf) && len < sizeof buf, "format length");
	rc = payroll_money_parse(buf, len, &back, &why);
	FUZZ_ASSERT(rc == 0 && back == fen, "'%s' read back as %lld, not %lld",
		    buf, (long long)back, (long long)fen);
	for (rule = PAYROLL_ROUND_FEN; rule <= PAYROLL_ROUND_YUAN_DOWN; rule++) {
		if (payroll_round(fen, (enum payroll_rounding)rule, &r))
			continue;
		switch (rule) {
		case PAYROLL_ROUND_FEN:
			FUZZ_ASSERT(r == fen, "fen rounding changed %lld", (long long)fen);
			break;
		case PAYROLL_ROUND_YUAN_HALF_UP:
			FUZZ_ASSERT(r % 100 == 0 && r - fen <= 50 && fen - r < 50,
				    "half-up %lld -> %lld", (long long)fen, (long long)r);
			break;
		case PAYROLL_ROUND_YUAN_UP:
			FUZZ_ASSERT(r % 100 == 0 && r >= fen && r - fen < 100,
				    "up %lld -> %lld", (long long)fen, (long long)r);
			break;
		case PAYROLL_ROUND_YUAN_DOWN:
			FUZZ_ASSERT(r % 100 == 0 && r <= fen && fen - r < 100,
				    "down %lld -> %lld", (long long)fen, (long long)r);
			break;
		}
	}
}

static void
check_percent(const char *s, size_t n)
{
	char buf[PAYROLL_MONEY_MAX + 1];
	int64_t h = -1, back = -1, r;
	const char *why = NULL;
	size_t len;
	int rc;

	rc = payroll_percent_parse(s, n, &h, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EOVERFLOW, "rc %d", rc);
	if (rc != 0)
		return;
	FUZZ_ASSERT(h >= 0, "negative percentage");
	len = payroll_percent_format(h, buf);
	FUZZ_ASSERT(len == strlen(buf) && buf[len - 1] == '%', "percent format '%s'", buf);
	rc = payroll_percent_parse(buf, len, &back, &why);
	FUZZ_ASSERT(rc == 0 && back == h, "'%s' read back as %lld, not %lld",
		    buf, (long long)back, (long long)h);
	/* a percentage of a base: half up, so within half a fen of exact */
	if (payroll_percent_of(72000, h, &r) == 0)
		FUZZ_ASSERT(r >= 0, "percent_of negative");
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t a, b, r;
	int k;

	check_money(s, size);
	check_percent(s, size);
	k = payroll_rounding_parse(s, size);
	if (k >= 0)
		FUZZ_ASSERT(strlen(payroll_rounding_name((enum payroll_rounding)k)) == size,
			    "rounding word");
	/* checked arithmetic on the first 16 bytes taken as two numbers */
	if (size >= 16) {
		memcpy(&a, data, 8);
		memcpy(&b, data + 8, 8);
		if (payroll_add(a, b, &r) == 0)
			FUZZ_ASSERT(r - b == a, "add");
		if (payroll_sub(a, b, &r) == 0)
			FUZZ_ASSERT(r + b == a, "sub");
		if (payroll_mul(a, b, &r) == 0 && a != 0 && !(a == -1 && r == INT64_MIN))
			FUZZ_ASSERT(r / a == b, "mul");
		{
			char buf[PAYROLL_MONEY_MAX];
			size_t len = payroll_money_format(a, buf);

			FUZZ_ASSERT(len < sizeof buf && len == strlen(buf), "format of any int64");
		}
	}
	return 0;
}
