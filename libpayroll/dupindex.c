/* SPDX-License-Identifier: Apache-2.0 */
#include "dupindex.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hash.h"
#include "banned.h"

/* A bucket's blocks grow from BLOCK_MIN to BLOCK_MAX entries. */
#define BLOCK_MIN 8
#define BLOCK_MAX 256
/* A bucket of at most this many entries (192 KiB) is sorted in one array;
 * a larger one (many rows on few values) is split again, in blocks. */
#define SCRATCH_MAX 16384

struct payroll_dup_block {
	struct payroll_dup_block *next;
	uint32_t n, cap;
	struct payroll_dup_entry e[];
};

/* A chain of blocks; the last one's n is set from w when it is sorted. */
struct payroll_dup_bucket {
	struct payroll_dup_entry *w, *end;	/* free space in the last block */
	struct payroll_dup_block *head, *tail;
	size_t n;
	int sorted;		/* since the last add */
};

/* Start a block of cap entries at the end of c. 0 or PAYROLL_ENOMEM. */
static int
chain_grow(struct payroll_dup_bucket *c, uint32_t cap)
{
	struct payroll_dup_block *k = malloc(sizeof *k + cap * sizeof k->e[0]);

	if (!k)
		return PAYROLL_ENOMEM;
	k->next = NULL;
	k->n = 0;
	k->cap = cap;
	if (c->tail) {
		c->tail->n = (uint32_t)(c->w - c->tail->e);
		c->tail->next = k;
	} else {
		c->head = k;
	}
	c->tail = k;
	c->w = k->e;
	c->end = k->e + cap;
	return 0;
}

/* Append x to c, in a new block when the last is full: of cap entries,
 * or with cap 0 twice the last's (BLOCK_MIN to BLOCK_MAX). */
static inline int
chain_add(struct payroll_dup_bucket *c, const struct payroll_dup_entry *x, uint32_t cap)
{
	if (c->w == c->end) {
		if (!cap)
			cap = !c->tail ? BLOCK_MIN : c->tail->cap < BLOCK_MAX ? 2 * c->tail->cap : BLOCK_MAX;
		if (chain_grow(c, cap))
			return PAYROLL_ENOMEM;
	}
	*c->w++ = *x;
	c->n++;
	return 0;
}

/* Move the blocks of s to the end of c. */
static void
chain_join(struct payroll_dup_bucket *c, struct payroll_dup_bucket *s)
{
	if (!s->head)
		return;
	if (c->tail)
		c->tail->next = s->head;
	else
		c->head = s->head;
	c->tail = s->tail;
	c->w = s->w;
	c->end = s->end;
	c->n += s->n;
	memset(s, 0, sizeof *s);
}

int
payroll_dupindex_add(struct payroll_dupindex *d, const char *s, size_t n,
		     uint32_t row)
{
	struct payroll_dup_bucket *c;
	struct payroll_dup_entry x;
	uint64_t h;

	if (n == 0)
		return 0;
	if (!d->b && !(d->b = calloc(PAYROLL_DUP_BUCKETS, sizeof *d->b)))
		return PAYROLL_ENOMEM;
	h = payroll_hash_bytes(s, n);
	x.hi = (uint32_t)(h >> 32);
	x.lo = (uint32_t)h;
	x.row = row;
	c = &d->b[h >> 56];
	if (chain_add(c, &x, 0))
		return PAYROLL_ENOMEM;
	c->sorted = 0;
	d->n++;
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
	size_t count[256], start[256], next[256], i, b;

	if (n < 48) {
		insertion(a, n);
		return;
	}
	if (shift < 0) {	/* one value on many rows: order them by row */
		qsort(a, n, sizeof *a, cmp_entry);
		return;
	}
	memset(count, 0, sizeof count);	/* not before: most calls are small */
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

/* Byte level of an entry's key: the hash's 8 from the top, then the row's 4. */
static unsigned
digit(const struct payroll_dup_entry *e, int level)
{
	if (level < 8)
		return (unsigned)(key(e) >> (56 - 8 * level)) & 0xff;
	return ((e->row & PAYROLL_DUP_MAXROW) >> (88 - 8 * level)) & 0xff;
}

static int sort_chain(struct payroll_dup_bucket *c, int level, struct payroll_dup_entry *tmp);

/*
 * Sort c, too big for tmp, by splitting it on the byte at level into 256
 * chains, sorting each and joining them in order. The entries move to new
 * blocks as the old ones are freed, so memory stays about that of c. 0,
 * or PAYROLL_ENOMEM and c holds all its entries, unsorted.
 */
static int
sort_big(struct payroll_dup_bucket *c, int level, struct payroll_dup_entry *tmp)
{
	struct payroll_dup_bucket *sub, rest;
	struct payroll_dup_block *k;
	uint32_t i = 0;
	int b, rc = 0;

	if (level >= 12)
		return 0;	/* hash and row equal: in order */
	if (!(sub = calloc(256, sizeof *sub)))
		return PAYROLL_ENOMEM;
	rest = *c;
	while (rc == 0 && (k = rest.head)) {
		for (i = 0; i < k->n; i++)
			if ((rc = chain_add(&sub[digit(&k->e[i], level)], &k->e[i], BLOCK_MAX)))
				break;
		rest.n -= i;
		if (rc) {	/* keep the entries not moved yet */
			memmove(k->e, k->e + i, (k->n - i) * sizeof *k->e);
			k->n -= i;
			if (k == rest.tail)
				rest.w = k->e + k->n;
			break;
		}
		rest.head = k->next;
		free(k);
	}
	c->head = c->tail = NULL;
	c->n = 0;
	for (b = 0; b < 256; b++) {
		if (rc == 0)
			rc = sort_chain(&sub[b], level + 1, tmp);
		chain_join(c, &sub[b]);
	}
	if (rest.head)
		chain_join(c, &rest);
	free(sub);
	return rc;
}

/* Sort c, whose entries share their key's bytes above level, with tmp
 * for a scratch (c->n entries, or SCRATCH_MAX when c->n is more). 0 or
 * PAYROLL_ENOMEM. */
static int
sort_chain(struct payroll_dup_bucket *c, int level, struct payroll_dup_entry *tmp)
{
	struct payroll_dup_block *k;
	size_t i;

	if (c->tail)
		c->tail->n = (uint32_t)(c->w - c->tail->e);
	if (c->n < 2)
		return 0;
	if (c->head == c->tail) {
		radix(c->head->e, c->n, 56 - 8 * level);
		return 0;
	}
	if (c->n > SCRATCH_MAX)
		return sort_big(c, level, tmp);
	for (i = 0, k = c->head; k; i += k->n, k = k->next)
		memcpy(tmp + i, k->e, k->n * sizeof *tmp);
	radix(tmp, c->n, 56 - 8 * level);
	for (i = 0, k = c->head; k; i += k->n, k = k->next)
		memcpy(k->e, tmp + i, k->n * sizeof *tmp);
	return 0;
}

void
payroll_dupindex_sort_part(struct payroll_dupindex *d, unsigned part, unsigned nparts)
{
	size_t from = (size_t)PAYROLL_DUP_BUCKETS * part / nparts;
	size_t to = (size_t)PAYROLL_DUP_BUCKETS * (part + 1) / nparts, b;
	struct payroll_dup_entry *tmp;
	size_t most = 0;

	if (!d->b)
		return;
	for (b = from; b < to; b++)
		if (!d->b[b].sorted && d->b[b].n > most)
			most = d->b[b].n;
	tmp = malloc((most < SCRATCH_MAX ? most : SCRATCH_MAX) * sizeof *tmp + 1);
	for (b = from; b < to; b++) {
		struct payroll_dup_bucket *c = &d->b[b];

		if (!c->sorted && (c->n < 2 || c->head == c->tail || tmp))
			c->sorted = sort_chain(c, 1, tmp) == 0;
	}
	free(tmp);
}

void
payroll_dupindex_sort(struct payroll_dupindex *d)
{
	payroll_dupindex_sort_part(d, 0, 1);
}

/* The rows of a group of equal hashes, gathered across blocks. */
struct group {
	uint32_t *rows;
	size_t n, cap;
	int (*fn)(void *ctx, const uint32_t *rows, size_t n);
	void *ctx;
};

static int
group_end(struct group *g)
{
	int rc = g->n > 1 ? g->fn(g->ctx, g->rows, g->n) : 0;

	g->n = 0;
	return rc;
}

static int
group_add(struct group *g, uint32_t row)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		uint32_t *r = realloc(g->rows, cap * sizeof *r);

		if (!r)
			return PAYROLL_ENOMEM;
		g->rows = r;
		g->cap = cap;
	}
	g->rows[g->n++] = row;
	return 0;
}

static int
find_bucket(const struct payroll_dup_bucket *c, struct group *g)
{
	const struct payroll_dup_block *k;
	uint64_t cur = 0;
	uint32_t i, first = 0;
	int rc, any = 0;

	for (k = c->head; k; k = k->next)
		for (i = 0; i < k->n; i++) {
			uint64_t x = key(&k->e[i]);

			if (any && x == cur) {
				if ((g->n == 0 && (rc = group_add(g, first))) ||
				    (rc = group_add(g, k->e[i].row)))
					return rc;
				continue;
			}
			if ((rc = group_end(g)))
				return rc;
			cur = x;
			first = k->e[i].row;
			any = 1;
		}
	return group_end(g);
}

int
payroll_dupindex_find(struct payroll_dupindex *d,
		      int (*fn)(void *ctx, const uint32_t *rows, size_t n),
		      void *ctx)
{
	struct group g = { NULL, 0, 0, fn, ctx };
	size_t b;
	int rc = 0;

	payroll_dupindex_sort(d);
	for (b = 0; rc == 0 && d->b && b < PAYROLL_DUP_BUCKETS; b++)
		rc = d->b[b].sorted ? find_bucket(&d->b[b], &g) : PAYROLL_ENOMEM;
	free(g.rows);
	return rc;
}

void
payroll_dupindex_release(struct payroll_dupindex *d)
{
	struct payroll_dup_block *k;
	size_t b;

	for (b = 0; d->b && b < PAYROLL_DUP_BUCKETS; b++)
		while ((k = d->b[b].head)) {
			d->b[b].head = k->next;
			free(k);
		}
	free(d->b);
	d->b = NULL;
	d->n = 0;
}
