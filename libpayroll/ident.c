/* SPDX-License-Identifier: Apache-2.0 */
#include "ident.h"

#include <string.h>

#include "error.h"
#include "intl.h"
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
		*why = payroll_tr(reason);
	return PAYROLL_EFORMAT;
}

/* Excel shows long numbers as 6.21700E+18: say so, it is the usual cause. */
static const char *
shape_reason(const char *s, size_t n, const char *usual)
{
	if (memchr(s, 'E', n) && memchr(s, '.', n))
		return N_("looks like a spreadsheet number in scientific notation; format the column as text");
	return usual;
}

static const int id_weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char id_check_map[] = "10X98765432";

char
payroll_id_check_digit(const char *d)
{
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * id_weight[i];
	return id_check_map[sum % 11];
}

int
payroll_id_check(const char *s, size_t n, char *out, const char **code,
		 const char **why)
{
	unsigned bad = 0;
	int i, sum = 0;
	char last;

	*code = "bad-id";
	/* the shape and the weighted sum in one pass over the 17 digits */
	for (i = 0; n == 18 && i < 17; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';

		bad |= d > 9;
		sum += (int)d * id_weight[i];
	}
	if (n != 18 || bad)
		return fail(why, shape_reason(s, n, "an id number is 17 digits and a check digit"));
	last = s[17] == 'x' ? 'X' : s[17];
	if (!(last == 'X' || (last >= '0' && last <= '9')))
		return fail(why, "the check digit must be 0-9 or X");
	if (id_check_map[sum % 11] != last) {
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

/* Luhn over n digits known to be digits: every second one from the
 * right doubled (its digits summed: the table), the total 0 mod 10. */
static int
luhn_digits(const char *d, size_t n)
{
	static const unsigned char doubled[10] = { 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 };
	unsigned sum = 0;
	size_t i = n;

	while (i >= 2) {
		sum += (unsigned)(d[i - 1] - '0') + doubled[d[i - 2] - '0'];
		i -= 2;
	}
	if (i)
		sum += (unsigned)(d[0] - '0');
	return sum % 10 == 0;
}

int
payroll_luhn_ok(const char *d, size_t n)
{
	return all_digits(d, n) && luhn_digits(d, n);
}

int
payroll_account_check(const char *s, size_t n, const char **why)
{
	if (!all_digits(s, n))
		return fail(why, shape_reason(s, n, "an account number is digits only"));
	if (n < 8 || n > 32)
		return fail(why, "an account number has 8 to 32 digits");
	if (n >= 16 && n <= 19 && s[0] == '6' && s[1] == '2' && !luhn_digits(s, n))
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

/* The one table of bank names (payroll-roster(5) lists it). Longer names
 * first within a bank; codes as the rest of the project writes them. */
static const struct { const char *name, *code; } bank_names[] = {
	{ "中国工商银行", "ICBC" }, { "工商银行", "ICBC" }, { "工行", "ICBC" },
	{ "中国农业银行", "ABC" }, { "农业银行", "ABC" }, { "农行", "ABC" },
	{ "中国银行", "BOC" }, { "中行", "BOC" },
	{ "中国建设银行", "CCB" }, { "建设银行", "CCB" }, { "建行", "CCB" },
	{ "交通银行", "BOCOM" }, { "交行", "BOCOM" },
	{ "中国邮政储蓄银行", "PSBC" }, { "邮政储蓄银行", "PSBC" }, { "邮储银行", "PSBC" },
	{ "邮政储蓄", "PSBC" }, { "邮储", "PSBC" },
	{ "招商银行", "CMB" }, { "招行", "CMB" },
	{ "农村信用合作社", "RCC" }, { "农村信用社", "RCC" }, { "农信社", "RCC" },
	{ "信用社", "RCC" },
	{ "农村商业银行", "RCB" }, { "农商银行", "RCB" }, { "农商行", "RCB" },
};
#define NBANK_NAMES (sizeof bank_names / sizeof *bank_names)
/* A name this long (in characters) or longer is also found inside a
 * longer value (a branch, a place before a rural bank's name). */
#define BANK_CONTAINS_MIN 4
#define BANK_MAXCP 64

/* UTF-8 to code points, at most max; invalid bytes count as themselves. */
static size_t
codepoints(const char *s, size_t n, unsigned *cp, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		unsigned c = u[i], len = 1, j;

		if (c >= 0xf8)
			len = 1;
		else if (c >= 0xf0)
			len = 4, c &= 0x07;
		else if (c >= 0xe0)
			len = 3, c &= 0x0f;
		else if (c >= 0xc0)
			len = 2, c &= 0x1f;
		if (i + len > n)
			len = 1, c = u[i];
		for (j = 1; j < len; j++)
			c = c << 6 | (u[i + j] & 0x3f);
		cp[k++] = c;
		i += len;
	}
	return k;
}

static size_t
edit_distance(const unsigned *a, size_t na, const unsigned *b, size_t nb)
{
	size_t row[BANK_MAXCP + 1], i, j;

	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

static const char *
find_bytes(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle), i;

	for (i = 0; i + nn <= hn; i++)
		if (!memcmp(h + i, needle, nn))
			return h + i;
	return NULL;
}

int
payroll_bank_resolve(const char *s, size_t n, const char **code,
		     const char **why, const char **suggest,
		     const char **suggest_code)
{
	unsigned in[BANK_MAXCP], nm[BANK_MAXCP];
	size_t i, nin, best_len = 0, best_dist = (size_t)-1;
	const char *found = NULL;
	int ambiguous = 0;

	*code = NULL;
	*suggest = *suggest_code = NULL;
	if (payroll_bank_check(s, n, why) == 0)
		return 0;
	for (i = 0; i < NBANK_NAMES; i++) {
		size_t len = strlen(bank_names[i].name), chars;

		if (len == n && !memcmp(s, bank_names[i].name, n)) {
			*code = bank_names[i].code;
			return 0;
		}
		chars = codepoints(bank_names[i].name, len, nm, BANK_MAXCP);
		if (chars < BANK_CONTAINS_MIN || len < best_len || !find_bytes(s, n, bank_names[i].name))
			continue;
		if (len > best_len)
			ambiguous = 0, best_len = len, found = bank_names[i].code;
		else if (strcmp(found, bank_names[i].code))
			ambiguous = 1;
	}
	if (found && !ambiguous) {
		*code = found;
		return 0;
	}
	nin = codepoints(s, n, in, BANK_MAXCP);
	for (i = 0; i < NBANK_NAMES; i++) {
		size_t len = codepoints(bank_names[i].name, strlen(bank_names[i].name), nm, BANK_MAXCP);
		size_t d = edit_distance(in, nin, nm, len);

		/* Near: at most half of the longer one changed. */
		if (d < best_dist && 2 * d <= (nin > len ? nin : len)) {
			best_dist = d;
			*suggest = bank_names[i].name;
			*suggest_code = bank_names[i].code;
		}
	}
	if (found)
		return fail(why, "the name contains the names of two different banks");
	if (nin > 0 && in[0] >= 0x80)
		return fail(why, "not a bank name payroll knows (payroll-roster(5)) nor a code such as ICBC or a 12-digit CNAPS number");
	return PAYROLL_EFORMAT;
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

int
payroll_month_days(long m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y = m / 12;
	int mm = (int)(m % 12);

	return mdays[mm] + (mm == 1 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
}

long
payroll_date_parse(const char *s, size_t n, int *day)
{
	long m;
	int d;

	if (n != 10 || s[7] != '-' || !all_digits(s + 8, 2) || (m = payroll_month_parse(s, 7)) < 0)
		return -1;
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d < 1 || d > payroll_month_days(m))
		return -1;
	*day = d;
	return m;
}
