/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx_value.h"

#include "ident.h"
#include "banned.h"

/* A number format shows a date when its code has a day or year in it,
 * outside quoted text, [colour] and [$-locale] sections and escapes. */
int
payroll_xlsx_format_is_date(const char *code)
{
	int quoted = 0, bracket = 0;

	for (; *code; code++) {
		char c = *code;

		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '[')
			bracket = 1;
		else if (c == ']')
			bracket = 0;
		else if (bracket)
			continue;
		else if (c == '\\' || c == '_' || c == '*') {
			if (code[1])
				code++;
		} else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D' || c == 'e')
			return 1;
	}
	return 0;
}

/* Built-in number formats that are dates (ECMA-376 18.8.30, and the East
 * Asian ones Excel writes for zh-CN). */
int
payroll_xlsx_builtin_is_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

int
payroll_xlsx_number(const char *s, struct payroll_buf *out)
{
	char d[80];
	int nd = 0, neg = 0, seen_point = 0, any = 0, i;
	long exp10 = 0, e = 0, esign = 1;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; (*s >= '0' && *s <= '9') || (*s == '.' && !seen_point); s++) {
		if (*s == '.') {
			seen_point = 1;
			continue;
		}
		any = 1;
		if (nd == 0 && *s == '0') {
			if (seen_point)
				exp10--;
			continue;
		}
		if (nd < 64) {
			d[nd++] = *s;
			if (seen_point)
				exp10--;
		} else if (!seen_point) {
			exp10++;
		}
	}
	if (!any)
		return -1;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			esign = *s++ == '-' ? -1 : 1;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((e = e * 10 + (*s - '0')) > 400)
				return -1;
	}
	if (*s)
		return -1;
	exp10 += esign * e;
	if (nd > 15) {
		int carry = d[15] >= '5';

		exp10 += nd - 15;
		nd = 15;
		for (i = nd - 1; carry && i >= 0; i--) {
			if (d[i] == '9') {
				d[i] = '0';
			} else {
				d[i]++;
				carry = 0;
			}
		}
		if (carry) {	/* 999... rounded up to 1000... */
			d[0] = '1';
			for (i = 1; i < nd; i++)
				d[i] = '0';
			exp10++;
		}
	}
	while (nd > 0 && d[nd - 1] == '0') {
		nd--;
		exp10++;
	}
	if (nd == 0)
		return payroll_buf_addch(out, '0') ? -2 : 0;
	if (exp10 > 300 || exp10 < -300)
		return -1;
	if (neg && payroll_buf_addch(out, '-'))
		return -2;
	if (exp10 >= 0) {
		if (payroll_buf_add(out, d, (size_t)nd))
			return -2;
		for (i = 0; i < exp10; i++)
			if (payroll_buf_addch(out, '0'))
				return -2;
	} else if (nd > -exp10) {
		if (payroll_buf_add(out, d, (size_t)(nd + exp10)) || payroll_buf_addch(out, '.') ||
		    payroll_buf_add(out, d + nd + exp10, (size_t)-exp10))
			return -2;
	} else {
		if (payroll_buf_add(out, "0.", 2))
			return -2;
		for (i = 0; i < -exp10 - nd; i++)
			if (payroll_buf_addch(out, '0'))
				return -2;
		if (payroll_buf_add(out, d, (size_t)nd))
			return -2;
	}
	return 0;
}

int
payroll_xlsx_number_plain(const char *s, size_t n)
{
	size_t i, point = n;

	if (n == 0 || n > 16 || s[0] < '1' || s[0] > '9')
		return n == 1 && s[0] == '0';
	for (i = 1; i < n; i++)
		if (s[i] == '.' && point == n)
			point = i;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	if (point == n)
		return n <= 15;
	return point < n - 1 && s[n - 1] != '0';
}

/* Days from 1970-01-01 to a civil date (H. Hinnant's algorithm), inverse. */
static void
civil_from_days(long z, long *y, int *m)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
payroll_xlsx_serial_month(int date1904, const char *v, size_t n, char *out)
{
	long serial = 0, days, y;
	size_t i;
	int m;

	for (i = 0; i < n && v[i] != '.'; i++) {
		if (v[i] < '0' || v[i] > '9' || serial > 3000000)
			return -1;
		serial = serial * 10 + (v[i] - '0');
	}
	if (i == 0)
		return -1;
	/* days since 1970-01-01: 1900 system day 1 is 1900-01-01, and day 60
	 * is the 29 February 1900 that never was (Lotus 1-2-3's leap year);
	 * 1904 system day 0 is 1904-01-01 */
	if (date1904)
		days = serial - 24107;
	else if (serial >= 61)
		days = serial - 25569;
	else if (serial == 60)
		days = -25509;	/* shown as 1900-02-29: February */
	else if (serial >= 1)
		days = serial - 25568;
	else
		return -1;
	civil_from_days(days, &y, &m);
	if (y < 1900 || y > 9999)
		return -1;
	payroll_month_format(y * 12 + m - 1, out);
	return 0;
}
