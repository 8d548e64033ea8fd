/* SPDX-License-Identifier: Apache-2.0 */
#include "paidset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "ledger.h"
#include "banned.h"

/* One slot: where the id (NUL-ended, then its 8-byte period) lies in the
 * arena, plus one; 0 marks a free slot. */
struct payroll_paidset {
	uint64_t *hash;
	size_t *at;
	size_t cap, n;		/* cap a power of two, n < cap / 2 */
	struct payroll_buf arena;
};

static size_t
slot(const struct payroll_paidset *s, uint64_t h, const char *id, size_t n)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->at[i]) {
		const char *k = s->arena.p + s->at[i] - 1;

		if (s->hash[i] == h && strlen(k) == n && !memcmp(k, id, n))
			break;
		i = (i + 1) & (s->cap - 1);
	}
	return i;
}

static int
grow(struct payroll_paidset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256, i;
	uint64_t *oh = s->hash;
	size_t *oa = s->at, ocap = s->cap;

	s->hash = calloc(cap, sizeof *s->hash);
	s->at = calloc(cap, sizeof *s->at);
	if (!s->hash || !s->at) {
		free(s->hash);
		free(s->at);
		s->hash = oh;
		s->at = oa;
		return PAYROLL_ENOMEM;
	}
	s->cap = cap;
	for (i = 0; i < ocap; i++)
		if (oa[i]) {
			size_t j = (size_t)oh[i] & (cap - 1);

			while (s->at[j])
				j = (j + 1) & (cap - 1);
			s->hash[j] = oh[i];
			s->at[j] = oa[i];
		}
	free(oh);
	free(oa);
	return 0;
}

static int
add(struct payroll_paidset *s, const char *id, const char *period)
{
	size_t n = strlen(id), i;
	uint64_t h = payroll_hash_bytes(id, n);
	char p[8] = { 0 };

	if ((s->n + 1) * 2 > s->cap && grow(s))
		return PAYROLL_ENOMEM;
	i = slot(s, h, id, n);
	if (s->at[i])
		return 0;	/* the first payment found is the one named */
	memcpy(p, period, strnlen(period, 7));
	s->hash[i] = h;
	s->at[i] = s->arena.len + 1;
	if (payroll_buf_add(&s->arena, id, n + 1) || payroll_buf_add(&s->arena, p, sizeof p))
		return PAYROLL_ENOMEM;
	s->n++;
	return 0;
}

static int
load_one(struct payroll_paidset *s, const char *path, struct payroll_error *err)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	int rc;

	if ((rc = payroll_ledger_open(&r, path, err)) != 0)
		return rc;
	while ((rc = payroll_ledger_next(r, &l, err)) == 1)
		if (!strcmp(l.item, "temporary") && (rc = add(s, l.case_id, l.period)) != 0) {
			payroll_error_errno(err, rc, path, "out of memory");
			break;
		}
	payroll_ledger_close(r);
	return rc;
}

int
payroll_paidset_load(struct payroll_paidset **out, const char *const *paths, size_t n,
		     struct payroll_error *err)
{
	struct payroll_paidset *s = calloc(1, sizeof *s);
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!s)
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	if (grow(s)) {
		payroll_paidset_free(s);
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = load_one(s, paths[i], err);
	if (rc) {
		payroll_paidset_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

const char *
payroll_paidset_find(const struct payroll_paidset *s, const char *id, size_t n)
{
	size_t i;

	if (!s || !n)
		return NULL;
	i = slot(s, payroll_hash_bytes(id, n), id, n);
	if (!s->at[i])
		return NULL;
	return s->arena.p + s->at[i] + n;
}

size_t
payroll_paidset_count(const struct payroll_paidset *s)
{
	return s ? s->n : 0;
}

void
payroll_paidset_free(struct payroll_paidset *s)
{
	if (!s)
		return;
	free(s->hash);
	free(s->at);
	payroll_buf_release(&s->arena);
	free(s);
}
