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
/* Write s (n bytes) at o as a CSV field, quoted when quote is nonzero
 * (o has room for 2 * n + 2 bytes); returns the end of what was written. */
char *payroll_csv_put(char *o, const char *s, size_t n, int quote);
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
