/* SPDX-License-Identifier: Apache-2.0 */
#include "mask.h"

#include "error.h"
#include "banned.h"

int
payroll_utf8_char(const char *s, size_t n, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	unsigned long v;
	int len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		v = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		v = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return len;
}

static int
is_separator_dot(unsigned long cp)
{
	return cp == 0x00b7 || cp == 0x2022 || cp == 0x2027 || cp == 0x30fb ||
	       cp == 0xff65;
}

int
payroll_mask_name(struct payroll_buf *b, const char *s, size_t n,
		  size_t *bad)
{
	size_t i, nchars = 0, k, first_len = 0, last_at = 0, old_len = b->len;
	unsigned long cp;
	int len;

	/* Validate and count first, so a bad name leaves b as it was. */
	for (i = 0; i < n; i += (size_t)len) {
		len = payroll_utf8_char(s + i, n - i, &cp);
		if (len == 0) {
			if (bad)
				*bad = i;
			return PAYROLL_EFORMAT;
		}
		if (nchars == 0)
			first_len = (size_t)len;
		last_at = i;
		nchars++;
	}
	if (nchars <= 1)
		return payroll_buf_add(b, s, n);
	if (payroll_buf_add(b, s, first_len))
		return PAYROLL_ENOMEM;
	if (nchars == 2)
		return payroll_buf_addch(b, '*');
	for (i = first_len, k = 1; k + 1 < nchars; k++, i += (size_t)len) {
		len = payroll_utf8_char(s + i, n - i, &cp);
		if (is_separator_dot(cp) ? payroll_buf_add(b, s + i, (size_t)len)
					 : payroll_buf_addch(b, '*'))
			goto nomem;
	}
	if (payroll_buf_add(b, s + last_at, n - last_at))
		goto nomem;
	return 0;
nomem:
	b->len = old_len;
	if (b->p)
		b->p[old_len] = '\0';
	return PAYROLL_ENOMEM;
}

int
payroll_is_bidi_control(unsigned long cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int
payroll_csv_text_safe(struct payroll_buf *b, const char *s, size_t n)
{
	size_t i, start = b->len;
	unsigned long cp;
	int len;

	for (i = 0; i < n; i += (size_t)len) {
		len = payroll_utf8_char(s + i, n - i, &cp);
		if (len == 0)
			len = 1, cp = (unsigned char)s[i];
		else if (payroll_is_bidi_control(cp))
			continue;
		if (b->len == start && (cp == '=' || cp == '+' || cp == '-' || cp == '@' ||
					cp == '\t' || cp == '\r') && payroll_buf_addch(b, '\''))
			return PAYROLL_ENOMEM;
		if (payroll_buf_add(b, s + i, (size_t)len))
			return PAYROLL_ENOMEM;
	}
	return 0;
}

int
payroll_mask_number(struct payroll_buf *b, const char *s, size_t n)
{
	size_t i, stars = 0;
	int ascii = 1;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			stars++;
	}
	if (ascii && n > 8)
		return payroll_buf_add(b, s, 4) || payroll_buf_addstr(b, "****") ||
		       payroll_buf_add(b, s + n - 4, 4) ? PAYROLL_ENOMEM : 0;
	for (i = 0; i < stars; i++)
		if (payroll_buf_addch(b, '*'))
			return PAYROLL_ENOMEM;
	return 0;
}
