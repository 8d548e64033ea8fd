/* SPDX-License-Identifier: Apache-2.0 */
/* The duplicate index against a plain model: every (hash, row) pair
 * sorted by qsort, its groups handed out in the same order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dupindex.h"
#include "error.h"
#include "hash.h"

struct pair {
	uint64_t h;
	uint32_t row;
};

/* What find should hand out: the groups one after another, each as its
 * length then its rows. */
struct model {
	struct pair *p;
	size_t n, cap;
	uint32_t *want;
	size_t nwant, at;	/* at: how far find's groups have matched */
	int groups, stop_at;
};

static uint32_t seed = 12345;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 1;
}

static void
add(struct payroll_dupindex *d, struct model *m, const char *s, uint32_t row)
{
	assert_int_equal(payroll_dupindex_add(d, s, strlen(s), row), 0);
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->p = realloc(m->p, m->cap * sizeof *m->p);
		assert_non_null(m->p);
	}
	m->p[m->n].h = payroll_hash_bytes(s, strlen(s));
	m->p[m->n++].row = row;
}

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	uint32_t r = x->row & PAYROLL_DUP_MAXROW, s = y->row & PAYROLL_DUP_MAXROW;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (r > s) - (r < s);
}

static void
expect(struct model *m)
{
	size_t i = 0, j, k;

	if (m->n)	/* qsort's array may not be NULL, even empty */
		qsort(m->p, m->n, sizeof *m->p, cmp_pair);
	m->want = realloc(m->want, (2 * m->n + 1) * sizeof *m->want);
	m->nwant = m->at = 0;
	m->groups = 0;
	for (; i < m->n; i = j) {
		for (j = i + 1; j < m->n && m->p[j].h == m->p[i].h; j++)
			;
		if (j - i < 2)
			continue;
		m->want[m->nwant++] = (uint32_t)(j - i);
		for (k = i; k < j; k++)
			m->want[m->nwant++] = m->p[k].row;
	}
}

static int
on_group(void *ctx, const uint32_t *rows, size_t n)
{
	struct model *m = ctx;

	if (m->stop_at && m->groups == m->stop_at)
		return -42;
	m->groups++;
	assert_true(m->at + 1 + n <= m->nwant);
	assert_int_equal(m->want[m->at], n);
	assert_memory_equal(m->want + m->at + 1, rows, n * sizeof *rows);
	m->at += 1 + n;
	return 0;
}

static void
check(struct payroll_dupindex *d, struct model *m)
{
	expect(m);
	assert_int_equal(d->n, m->n);
	assert_int_equal(payroll_dupindex_find(d, on_group, m), 0);
	assert_int_equal(m->at, m->nwant);
}

static void
model_free(struct model *m)
{
	free(m->p);
	free(m->want);
	memset(m, 0, sizeof *m);
}

static void
empty(void **state)
{
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };

	(void)state;
	payroll_dupindex_sort(&d);
	check(&d, &m);
	assert_int_equal(payroll_dupindex_add(&d, "x", 0, 1), 0);	/* not added */
	check(&d, &m);
	payroll_dupindex_release(&d);
	payroll_dupindex_release(&d);
	model_free(&m);
}

static void
small(void **state)
{
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };
	char s[32];
	uint32_t r;

	(void)state;
	for (r = 0; r < 20; r++) {
		snprintf(s, sizeof s, "v%u", r % 7);
		add(&d, &m, s, r | (r % 3 ? 0 : PAYROLL_DUP_FLAG));
	}
	add(&d, &m, "alone", 20);
	check(&d, &m);
	payroll_dupindex_release(&d);
	model_free(&m);
}

/* Many values, some repeated, rows added out of order: buckets of many
 * blocks sorted in one array. */
static void
many(void **state)
{
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };
	char s[32];
	uint32_t r;

	(void)state;
	for (r = 0; r < 300000; r++) {
		snprintf(s, sizeof s, "%u", rnd() % 250000);
		add(&d, &m, s, (rnd() % 0x7fffffff) | (r & 1 ? PAYROLL_DUP_FLAG : 0));
	}
	check(&d, &m);
	payroll_dupindex_release(&d);
	model_free(&m);
}

/* One value on many rows, in shuffled order: one bucket too big for the
 * scratch, split down to the rows' bytes. The same with three values. */
static void
few_values(void **state)
{
	static const char *const v[] = { "same", "other", "third" };
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };
	uint32_t r, nv;

	(void)state;
	for (nv = 1; nv <= 3; nv += 2) {
		for (r = 0; r < 100000; r++) {
			uint32_t row = (r * 7919u) % 100000u * 20000u + r % 7;

			add(&d, &m, v[r % nv], row | (r % 5 ? 0 : PAYROLL_DUP_FLAG));
		}
		check(&d, &m);
		payroll_dupindex_release(&d);
		model_free(&m);
	}
}

/* Sorted in two parts, then more added (those buckets sorted again). */
static void
parts_then_more(void **state)
{
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };
	char s[32];
	uint32_t r;

	(void)state;
	for (r = 0; r < 50000; r++) {
		snprintf(s, sizeof s, "a%u", rnd() % 40000);
		add(&d, &m, s, rnd() % 1000000);
	}
	payroll_dupindex_sort_part(&d, 1, 2);
	payroll_dupindex_sort_part(&d, 0, 2);
	check(&d, &m);
	for (r = 0; r < 5000; r++) {
		snprintf(s, sizeof s, "a%u", rnd() % 40000);
		add(&d, &m, s, rnd() % 1000000);
	}
	check(&d, &m);
	payroll_dupindex_release(&d);
	assert_int_equal(d.n, 0);
	model_free(&m);
	add(&d, &m, "again", 1);	/* reusable after release */
	add(&d, &m, "again", 0);
	check(&d, &m);
	assert_int_equal(m.groups, 1);
	payroll_dupindex_release(&d);
	model_free(&m);
}

static void
fn_stops_the_walk(void **state)
{
	struct payroll_dupindex d = { 0 };
	struct model m = { 0 };
	char s[32];
	uint32_t r;

	(void)state;
	for (r = 0; r < 100; r++) {
		snprintf(s, sizeof s, "k%u", r % 10);
		add(&d, &m, s, r);
	}
	expect(&m);
	m.stop_at = 3;
	assert_int_equal(payroll_dupindex_find(&d, on_group, &m), -42);
	assert_int_equal(m.groups, 3);
	payroll_dupindex_release(&d);
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty),
		cmocka_unit_test(small),
		cmocka_unit_test(many),
		cmocka_unit_test(few_values),
		cmocka_unit_test(parts_then_more),
		cmocka_unit_test(fn_stops_the_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
