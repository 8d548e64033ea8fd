/* SPDX-License-Identifier: Apache-2.0 */
#include "ident.h"

#include <string.h>

#include "error.h"
#include "banned.h"

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static int
fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return PAYROLL_EFORMAT;
}

/* Excel shows long numbers as 6.21700E+18: say so, it is the usual cause. */
static const char *
shape_reason(const char *s, size_t n, const char *usual)
{
	if (memchr(s, 'E', n) && memchr(s, '.', n))
		return "looks like a spreadsheet number in scientific notation; format the column as text";
	return usual;
}

char
payroll_id_check_digit(const char *d)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * w[i];
	return map[sum % 11];
}

int
payroll_id_check(const char *s, size_t n, char *out, const char **code,
		 const char **why)
{
	char last;

	*code = "bad-id";
	if (n != 18 || !all_digits(s, 17))
		return fail(why, shape_reason(s, n, "an id number is 17 digits and a check digit"));
	last = s[17] == 'x' ? 'X' : s[17];
	if (!(last == 'X' || (last >= '0' && last <= '9')))
		return fail(why, "the check digit must be 0-9 or X");
	if (payroll_id_check_digit(s) != last) {
		*code = "bad-id-checksum";
		return fail(why, "the check digit does not match (GB 11643)");
	}
	if (out) {
		memcpy(out, s, 17);
		out[17] = last;
		out[18] = '\0';
	}
	return 0;
}

int
payroll_luhn_ok(const char *d, size_t n)
{
	int sum = 0, dbl = 0;
	size_t i;

	if (!all_digits(d, n))
		return 0;
	for (i = n; i-- > 0;) {
		int v = d[i] - '0';

		if (dbl) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

int
payroll_account_check(const char *s, size_t n, const char **why)
{
	if (!all_digits(s, n))
		return fail(why, shape_reason(s, n, "an account number is digits only"));
	if (n < 8 || n > 32)
		return fail(why, "an account number has 8 to 32 digits");
	if (n >= 16 && n <= 19 && s[0] == '6' && s[1] == '2' && !payroll_luhn_ok(s, n))
		return fail(why, "card number fails its Luhn check digit");
	return 0;
}

int
payroll_bank_check(const char *s, size_t n, const char **why)
{
	size_t i;

	if (n == 12 && all_digits(s, n))
		return 0;
	if (n < 2 || n > 11 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return fail(why, "a bank is a code such as ICBC or a 12-digit CNAPS number");
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return fail(why, "a bank is a code such as ICBC or a 12-digit CNAPS number");
	}
	return 0;
}

int
payroll_region_check(const char *s, size_t n, const char **why)
{
	if ((n != 6 && n != 12) || !all_digits(s, n))
		return fail(why, "a region is a 6-digit GB/T 2260 code or a 12-digit village code");
	if (s[0] == '0' && s[1] == '0')
		return fail(why, "a region code cannot start with 00");
	return 0;
}

size_t
payroll_region_prefix(const char *s, size_t n)
{
	if (n == 12)
		while (n > 6 && !memcmp(s + n - 3, "000", 3))
			n -= 3;
	if (n == 6)
		while (n > 0 && s[n - 1] == '0' && s[n - 2] == '0')
			n -= 2;
	return n;
}

long
payroll_month_parse(const char *s, size_t n)
{
	long y, m;

	if (n != 7 || s[4] != '-' || !all_digits(s, 4) || !all_digits(s + 5, 2))
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1900 || m < 1 || m > 12)
		return -1;
	return y * 12 + m - 1;
}

void
payroll_month_format(long m, char *buf)
{
	long y = (m / 12) % 10000, mm = m % 12 + 1;

	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + mm / 10);
	buf[6] = (char)('0' + mm % 10);
	buf[7] = '\0';
}
