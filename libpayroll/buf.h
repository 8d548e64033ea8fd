/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * A zeroed struct payroll_buf is empty and ready. Appends return 0 or
 * PAYROLL_ENOMEM; after a failed append the buffer keeps what it had.
 */
#ifndef PAYROLL_BUF_H
#define PAYROLL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct payroll_buf {
	char *p;	/* NULL until the first append */
	size_t len;
	size_t cap;
};

/* Make room for n more bytes. */
int payroll_buf_reserve(struct payroll_buf *b, size_t n);
int payroll_buf_add(struct payroll_buf *b, const void *data, size_t n);
int payroll_buf_addstr(struct payroll_buf *b, const char *s);
int payroll_buf_addch(struct payroll_buf *b, char c);
int payroll_buf_addf(struct payroll_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append fen as yuan with two decimals ("-12.05"). */
int payroll_buf_addmoney(struct payroll_buf *b, int64_t fen);
/* Append one CSV field, quoted per RFC 4180 only when it needs it. */
int payroll_buf_addcsv(struct payroll_buf *b, const char *s, size_t n);
/* 1 when n bytes of s need CSV quoting (a comma, quote, CR or LF). */
int payroll_csv_needs_quote(const char *s, size_t n);
/* Nonzero when a byte of the word w equals b: eight bytes tested at a
 * time (the classic has-zero test on w XOR b in every byte; exact). */
static inline uint64_t
payroll_word_has(uint64_t w, unsigned char b)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x = w ^ (b * ones);

	return (x - ones) & ~x & (0x80 * ones);
}
/*
 * memcpy for the short values of CSV fields (a name, a code, a month):
 * up to 32 bytes by two overlapping loads and stores of a word or two,
 * without the call; longer ones by memcpy. Reads and writes exactly the
 * n bytes.
 */
static inline void
payroll_copy(char *o, const char *s, size_t n)
{
	uint64_t a, b, c, d;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n > 16 && n <= 32) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		memcpy(&c, s + n - 16, 8);
		memcpy(&d, s + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + 8, &b, 8);
		memcpy(o + n - 16, &c, 8);
		memcpy(o + n - 8, &d, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(o, &x, 4);
		memcpy(o + n - 4, &y, 4);
	} else if (n < 4) {
		while (n--)
			*o++ = *s++;
	} else {
		memcpy(o, s, n);
	}
}

/* Write s (n bytes) at o as a CSV field quoted (o has room for 2 * n + 2
 * bytes); returns the end of what was written. */
char *payroll_csv_put_quoted(char *o, const char *s, size_t n);

/* Write s (n bytes) at o as a CSV field, quoted when quote is nonzero
 * (o has room for 2 * n + 2 bytes); returns the end of what was written. */
static inline char *
payroll_csv_put(char *o, const char *s, size_t n, int quote)
{
	if (quote)
		return payroll_csv_put_quoted(o, s, n);
	payroll_copy(o, s, n);
	return o + n;
}
/* Append s escaped for a JSON string body (no surrounding quotes). */
int payroll_buf_addjson(struct payroll_buf *b, const char *s, size_t n);
/*
 * Make room in the array *v (n elements used, *cap allocated, each of
 * size bytes) for one more: doubles it (1024 at first). 0, or
 * PAYROLL_ENOMEM with the array unchanged.
 */
int payroll_grow(void **v, size_t n, size_t *cap, size_t size);
/* Empty the buffer, keeping its memory. */
void payroll_buf_reset(struct payroll_buf *b);
/* Free the memory; b is empty and reusable after. */
void payroll_buf_release(struct payroll_buf *b);
/* The contents as a C string ("" when never appended to). */
const char *payroll_buf_str(const struct payroll_buf *b);

#endif
