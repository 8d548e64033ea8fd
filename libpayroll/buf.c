/* SPDX-License-Identifier: Apache-2.0 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "money.h"
#include "banned.h"

int
payroll_buf_reserve(struct payroll_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (n > SIZE_MAX - b->len - 1)
		return PAYROLL_ENOMEM;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	p = realloc(b->p, cap);
	if (!p)
		return PAYROLL_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int
payroll_buf_add(struct payroll_buf *b, const void *data, size_t n)
{
	if (payroll_buf_reserve(b, n))
		return PAYROLL_ENOMEM;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
payroll_buf_addstr(struct payroll_buf *b, const char *s)
{
	return payroll_buf_add(b, s, strlen(s));
}

int
payroll_buf_addch(struct payroll_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return payroll_buf_add(b, &c, 1);
}

int
payroll_buf_addf(struct payroll_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || payroll_buf_reserve(b, (size_t)n))
		return PAYROLL_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
payroll_buf_addmoney(struct payroll_buf *b, int64_t fen)
{
	char tmp[PAYROLL_MONEY_MAX];

	return payroll_buf_add(b, tmp, payroll_money_format(fen, tmp));
}

/*
 * The four bytes that need quoting are all below '-' (0x2d), which
 * digits, letters and UTF-8 text never are: words of eight bytes with
 * no byte below it are skipped (the has-less test), the rest is tested
 * byte by byte.
 */
int
payroll_csv_needs_quote(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	const uint64_t ones = 0x0101010101010101ULL;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, u + i, 8);
		if ((w - 0x2d * ones) & ~w & (0x80 * ones))
			break;
	}
	for (; i < n; i++)
		if (u[i] < 0x2d && (u[i] == ',' || u[i] == '"' || u[i] == '\n' || u[i] == '\r'))
			return 1;
	return 0;
}

char *
payroll_csv_put_quoted(char *o, const char *s, size_t n)
{
	size_t i;

	*o++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*o++ = '"';
		*o++ = s[i];
	}
	*o++ = '"';
	return o;
}

int
payroll_buf_addcsv(struct payroll_buf *b, const char *s, size_t n)
{
	if (payroll_buf_reserve(b, 2 * n + 2))
		return PAYROLL_ENOMEM;
	b->len = (size_t)(payroll_csv_put(b->p + b->len, s, n, payroll_csv_needs_quote(s, n)) - b->p);
	b->p[b->len] = '\0';
	return 0;
}

int
payroll_buf_addjson(struct payroll_buf *b, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	if (payroll_buf_reserve(b, n))
		return PAYROLL_ENOMEM;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			if (payroll_buf_addch(b, '\\') || payroll_buf_addch(b, (char)c))
				return PAYROLL_ENOMEM;
		} else if (c < 0x20) {
			if (payroll_buf_addf(b, "\\u%04x", c))
				return PAYROLL_ENOMEM;
		} else if (payroll_buf_addch(b, (char)c)) {
			return PAYROLL_ENOMEM;
		}
	}
	return 0;
}

void
payroll_buf_reset(struct payroll_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
payroll_buf_release(struct payroll_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

const char *
payroll_buf_str(const struct payroll_buf *b)
{
	return b->p ? b->p : "";
}

int
payroll_grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *g;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 1024;
	if (c > SIZE_MAX / size)
		return PAYROLL_ENOMEM;
	g = realloc(*v, c * size);
	if (!g)
		return PAYROLL_ENOMEM;
	*v = g;
	*cap = c;
	return 0;
}
