#include "mask.h"

#include "error.h"
#include "banned.h"

size_t
payroll_utf8_char(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;
		hi = p[0] == 0xed ? 0x9f : 0xbf;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		lo = p[0] == 0xf0 ? 0x90 : 0x80;
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 0;
	return len;
}

int
payroll_mask_name(const char *s, size_t n, struct payroll_buf *out)
{
	size_t i = 0, k, chars = 0, first = 0, last = 0, last_at = 0;

	for (i = 0; i < n; i += k, chars++) {
		k = payroll_utf8_char(s + i, n - i);
		if (k == 0)
			return PAYROLL_EFORMAT;
		if (chars == 0)
			first = k;
		last = k;
		last_at = i;
	}
	if (chars == 0)
		return PAYROLL_EFORMAT;
	if (payroll_buf_add(out, s, first))
		return PAYROLL_ENOMEM;
	for (k = 1; k + 1 < chars; k++)
		if (payroll_buf_addch(out, '*'))
			return PAYROLL_ENOMEM;
	if (chars == 2)
		return payroll_buf_addch(out, '*') ? PAYROLL_ENOMEM : 0;
	if (chars >= 3 && payroll_buf_add(out, s + last_at, last))
		return PAYROLL_ENOMEM;
	return 0;
}
