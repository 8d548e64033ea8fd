/* SPDX-License-Identifier: Apache-2.0 */
#include "money.h"

#include <string.h>

#include "error.h"
#include "intl.h"
#include "banned.h"

static int
parse_fixed(const char *s, size_t n, int64_t *out, const char **why)
{
	int64_t v = 0;
	size_t i = 0, ndec = 0;
	int digits = 0, dot = 0;

	*why = NULL;
	if (n == 0) {
		*why = _("empty");
		return PAYROLL_EFORMAT;
	}
	if (s[0] == '-') {
		*why = _("negative amounts are not allowed");
		return PAYROLL_EFORMAT;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (dot && ++ndec > 2) {
				*why = _("more than two decimals");
				return PAYROLL_EFORMAT;
			}
			if (v > (INT64_MAX - (c - '0')) / 10)
				return PAYROLL_EOVERFLOW;
			v = v * 10 + (c - '0');
			digits++;
		} else if (c == '.' && !dot && digits) {
			dot = 1;
		} else {
			if (c == ',')
				*why = _("thousands separators or decimal commas are not allowed");
			else if (c == 'e' || c == 'E')
				*why = _("exponent notation is not allowed");
			else if (c == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbc)
				*why = _("full-width characters are not digits");
			else
				*why = _("not of the form 123 or 123.45");
			return PAYROLL_EFORMAT;
		}
	}
	if (dot && ndec == 0) {
		*why = _("a decimal point needs digits after it");
		return PAYROLL_EFORMAT;
	}
	for (; ndec < 2; ndec++) {
		if (v > INT64_MAX / 10)
			return PAYROLL_EOVERFLOW;
		v *= 10;
	}
	*out = v;
	return 0;
}

int
payroll_money_parse(const char *s, size_t n, int64_t *fen, const char **why)
{
	return parse_fixed(s, n, fen, why);
}

int
payroll_percent_parse(const char *s, size_t n, int64_t *hundredths,
		      const char **why)
{
	if (n == 0 || s[n - 1] != '%') {
		*why = _("a percentage ends in %");
		return PAYROLL_EFORMAT;
	}
	return parse_fixed(s, n - 1, hundredths, why);
}

static size_t
format_fixed(int64_t v, char *buf)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	static const uint64_t tens[] = {
		10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
		1000000000u, 10000000000u, 100000000000u, 1000000000000u,
		10000000000000u, 100000000000000u, 1000000000000000u,
		10000000000000000u, 100000000000000000u,
	};
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, y = u / 100;
	size_t len = (v < 0) + 1 + 3, d;	/* sign, a yuan digit, ".ff" */
	char *p;

	/* count the yuan digits (at most 18), then write from the right, two
	 * at a step: fen, the point, then yuan */
	for (d = 0; d < sizeof tens / sizeof *tens && y >= tens[d]; d++)
		len++;
	p = buf + len;
	*p = '\0';
	d = (size_t)(u % 100);
	*--p = pairs[2 * d + 1];
	*--p = pairs[2 * d];
	*--p = '.';
	for (; y >= 100; y /= 100) {
		d = (size_t)(y % 100);
		*--p = pairs[2 * d + 1];
		*--p = pairs[2 * d];
	}
	if (y >= 10) {
		*--p = pairs[2 * y + 1];
		*--p = pairs[2 * y];
	} else {
		*--p = (char)('0' + y);
	}
	if (v < 0)
		*--p = '-';
	return len;
}

size_t
payroll_money_format(int64_t fen, char *buf)
{
	return format_fixed(fen, buf);
}

size_t
payroll_int_format(int64_t x, char *buf)
{
	char tmp[24];
	uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	size_t n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

size_t
payroll_percent_format(int64_t hundredths, char *buf)
{
	size_t len = format_fixed(hundredths, buf);

	/* "130.00" -> "130", "107.40" -> "107.4" */
	if (buf[len - 1] == '0')
		len--;
	if (buf[len - 1] == '0')
		len--;
	if (buf[len - 1] == '.')
		len--;
	buf[len++] = '%';
	buf[len] = '\0';
	return len;
}

int
payroll_add(int64_t a, int64_t b, int64_t *r)
{
	int64_t v;

	if (__builtin_add_overflow(a, b, &v))
		return PAYROLL_EOVERFLOW;
	*r = v;
	return 0;
}

int
payroll_sub(int64_t a, int64_t b, int64_t *r)
{
	int64_t v;

	if (__builtin_sub_overflow(a, b, &v))
		return PAYROLL_EOVERFLOW;
	*r = v;
	return 0;
}

int
payroll_mul(int64_t a, int64_t b, int64_t *r)
{
	int64_t v;

	if (__builtin_mul_overflow(a, b, &v))
		return PAYROLL_EOVERFLOW;
	*r = v;
	return 0;
}

int
payroll_percent_of(int64_t base, int64_t hundredths, int64_t *r)
{
	int64_t p;

	/* base * (hundredths / 10000), half up: (p + 5000) / 10000. */
	if (payroll_mul(base, hundredths, &p) || payroll_add(p, 5000, &p))
		return PAYROLL_EOVERFLOW;
	*r = p / 10000;
	return 0;
}

int
payroll_round(int64_t fen, enum payroll_rounding rule, int64_t *r)
{
	int64_t v = fen;

	switch (rule) {
	case PAYROLL_ROUND_FEN:
		break;
	case PAYROLL_ROUND_YUAN_HALF_UP:
		if (payroll_add(fen, 50, &v))
			return PAYROLL_EOVERFLOW;
		v -= v % 100;
		break;
	case PAYROLL_ROUND_YUAN_UP:
		if (fen % 100 && payroll_add(fen, 100 - fen % 100, &v))
			return PAYROLL_EOVERFLOW;
		break;
	case PAYROLL_ROUND_YUAN_DOWN:
		v = fen - fen % 100;
		break;
	}
	*r = v;
	return 0;
}

static const char *const rounding_names[] = {
	"fen", "yuan-half-up", "yuan-up", "yuan-down",
};

int
payroll_rounding_parse(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof rounding_names / sizeof *rounding_names; i++)
		if (strlen(rounding_names[i]) == n && !memcmp(rounding_names[i], s, n))
			return (int)i;
	return -1;
}

const char *
payroll_rounding_name(enum payroll_rounding rule)
{
	return rounding_names[rule];
}
