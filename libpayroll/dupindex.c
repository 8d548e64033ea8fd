/* SPDX-License-Identifier: Apache-2.0 */
#include "dupindex.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hash.h"
#include "banned.h"

int
payroll_dupindex_add(struct payroll_dupindex *d, const char *s, size_t n,
		     uint32_t row)
{
	uint64_t h;

	if (n == 0)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		struct payroll_dup_entry *g = realloc(d->e, cap * sizeof *g);

		if (!g)
			return PAYROLL_ENOMEM;
		d->e = g;
		d->cap = cap;
	}
	h = payroll_hash_bytes(s, n);
	d->e[d->n].hi = (uint32_t)(h >> 32);
	d->e[d->n].lo = (uint32_t)h;
	d->e[d->n].row = row;
	d->n++;
	d->sorted = 0;
	return 0;
}

static uint64_t
key(const struct payroll_dup_entry *e)
{
	return ((uint64_t)e->hi << 32) | e->lo;
}

static int
less(const struct payroll_dup_entry *a, const struct payroll_dup_entry *b)
{
	uint64_t x = key(a), y = key(b);

	return x < y || (x == y && (a->row & PAYROLL_DUP_MAXROW) < (b->row & PAYROLL_DUP_MAXROW));
}

static void
insertion(struct payroll_dup_entry *a, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct payroll_dup_entry x = a[i];

		for (j = i; j > 0 && less(&x, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct payroll_dup_entry *x = a, *y = b;

	return less(x, y) ? -1 : less(y, x);
}

/* In-place MSD radix sort on the hash, a byte at a time (American flag). */
static void
radix(struct payroll_dup_entry *a, size_t n, int shift)
{
	size_t count[256] = { 0 }, start[256], next[256], i, b;

	if (n < 48) {
		insertion(a, n);
		return;
	}
	if (shift < 0) {	/* one value on many rows: order them by row */
		qsort(a, n, sizeof *a, cmp_entry);
		return;
	}
	for (i = 0; i < n; i++)
		count[(key(&a[i]) >> shift) & 0xff]++;
	for (b = 0, i = 0; b < 256; b++) {
		start[b] = next[b] = i;
		i += count[b];
	}
	for (b = 0; b < 256; b++) {
		size_t end = start[b] + count[b];

		while (next[b] < end) {
			struct payroll_dup_entry x = a[next[b]];
			size_t d = (key(&x) >> shift) & 0xff;

			while (d != b) {
				struct payroll_dup_entry y = a[next[d]];

				a[next[d]++] = x;
				x = y;
				d = (key(&x) >> shift) & 0xff;
			}
			a[next[b]++] = x;
		}
	}
	for (b = 0; b < 256; b++)
		if (count[b] > 1)
			radix(a + start[b], count[b], shift - 8);
}

void
payroll_dupindex_sort(struct payroll_dupindex *d)
{
	if (!d->sorted)
		radix(d->e, d->n, 56);
	d->sorted = 1;
}

int
payroll_dupindex_find(struct payroll_dupindex *d,
		      int (*fn)(void *ctx, const uint32_t *rows, size_t n),
		      void *ctx)
{
	size_t i = 0, j, k;
	uint32_t small[16], *rows;
	int rc;

	payroll_dupindex_sort(d);
	while (i < d->n) {
		for (j = i + 1; j < d->n && key(&d->e[j]) == key(&d->e[i]); j++)
			;
		if (j - i > 1) {
			rows = j - i <= 16 ? small : malloc((j - i) * sizeof *rows);
			if (!rows)
				return PAYROLL_ENOMEM;
			for (k = i; k < j; k++)
				rows[k - i] = d->e[k].row;
			rc = fn(ctx, rows, j - i);
			if (rows != small)
				free(rows);
			if (rc)
				return rc;
		}
		i = j;
	}
	return 0;
}

void
payroll_dupindex_release(struct payroll_dupindex *d)
{
	free(d->e);
	d->e = NULL;
	d->n = d->cap = 0;
	d->sorted = 0;
}
