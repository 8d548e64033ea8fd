/* SPDX-License-Identifier: Apache-2.0 */
#include "transfers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "ident.h"
#include "ledger.h"
#include "money.h"
#include "intl.h"
#include "banned.h"

/* ---- cases seen: open addressing over 64-bit hashes ---- */

struct caseset {
	uint64_t *h;		/* 0 = empty slot */
	uint32_t *line;		/* first ledger line of the case */
	size_t cap, n;
};

/* A hash never 0, which marks an empty slot. */
static uint64_t
nonzero(uint64_t h)
{
	return h ? h : 1;
}

static uint64_t
case_hash(const char *id, int temporary)
{
	uint64_t h = payroll_keyhash_add(PAYROLL_KEYHASH_INIT, id, strlen(id));

	return nonzero(payroll_keyhash_end(payroll_keyhash_add(h, temporary ? "t" : "c", 1)));
}

/* (item, month) of a line: two fields, so ("ab", "c") is not ("a", "bc"). */
static uint64_t
line_hash(const char *item, const char *month)
{
	uint64_t h = payroll_keyhash_add(PAYROLL_KEYHASH_INIT, item, strlen(item));

	return nonzero(payroll_keyhash_end(payroll_keyhash_add(h, month, strlen(month))));
}

static int
caseset_grow(struct caseset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i, j;
	uint64_t *h = calloc(cap, sizeof *h);
	uint32_t *line = malloc(cap * sizeof *line);

	if (!h || !line) {
		free(h);
		free(line);
		return PAYROLL_ENOMEM;
	}
	for (i = 0; i < s->cap; i++) {
		if (!s->h[i])
			continue;
		for (j = s->h[i] & (cap - 1); h[j]; j = (j + 1) & (cap - 1))
			;
		h[j] = s->h[i];
		line[j] = s->line[i];
	}
	free(s->h);
	free(s->line);
	s->h = h;
	s->line = line;
	s->cap = cap;
	return 0;
}

/* Insert h; 0 when new, else the line recorded for it (>0), or ENOMEM. */
static long
caseset_add(struct caseset *s, uint64_t h, long line)
{
	size_t j;

	if ((s->n + 1) * 8 > s->cap * 7 && caseset_grow(s))
		return PAYROLL_ENOMEM;
	for (j = h & (s->cap - 1); s->h[j]; j = (j + 1) & (s->cap - 1))
		if (s->h[j] == h)
			return s->line[j] ? (long)s->line[j] : 1;
	s->h[j] = h;
	s->line[j] = line > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	s->n++;
	return 0;
}

static void
caseset_free(struct caseset *s)
{
	free(s->h);
	free(s->line);
}

enum {
	T_CASE, T_PROGRAM, T_REGION, T_LOCALITY, T_NAME, T_ID, T_BANK,
	T_ACCOUNT, T_ACCOUNT_NAME, T_NSTR
};

/* ---- transfers from the ledger: the one place they are derived ---- */

/* A transfer being summed: its strings, NUL-ended, in s at off[]. */
struct building {
	struct payroll_buf s;
	size_t off[T_NSTR];
	int64_t amount;
	long line;
	int nlines, members, temporary, active;
};

/* The (item, month) lines of the case being summed: a few in an array,
 * more in a set (freed when the case ends). */
#define ITEMS_FEW 32
struct items {
	uint64_t h[ITEMS_FEW];
	long line[ITEMS_FEW];
	size_t n;
	struct caseset many;
};

struct payroll_transfers {
	struct payroll_ledger_reader *lr;
	char path[PAYROLL_PATH_MAX];
	char period[8];
	struct caseset seen;
	struct items items;
	struct building b[2];
	int cur;		/* b[cur] is being summed, b[!cur] was handed out */
	int64_t nt;
	int64_t line_total;	/* sum of every ledger line */
	long lines;
	int state;		/* 0 reading, 1 at the end, < 0 failed */
};

static int
tr_error(struct payroll_transfers *tr, struct payroll_error *err, long line, int rc,
	 const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
tr_error(struct payroll_transfers *tr, struct payroll_error *err, long line, int rc,
	 const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = payroll_error_vset(err, rc, tr->path, line, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *
bstr(const struct building *b, int i)
{
	return b->s.p + b->off[i];
}

/* Check l as bankfile does. payee 0: l has the payee of the case's first
 * line, already checked (the same bytes pass again), so only the period and
 * the amount are left: a case's later lines skip the Luhn check. */
static int
check_line(struct payroll_transfers *tr, const struct payroll_ledger_line *l, int payee,
	   struct payroll_error *err)
{
	const char *why;

	if (!tr->period[0]) {
		if (payroll_month_parse(l->period, strlen(l->period)) < 0)
			return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-period",
					"period '%s' is not YYYY-MM", l->period);
		memcpy(tr->period, l->period, 8);
	} else if (strcmp(l->period, tr->period)) {
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "mixed-period",
				"period %s differs from %s of the first line; one bank file pays one period",
				l->period, tr->period);
	}
	if (payee && payroll_account_check(l->account, strlen(l->account), &why))
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-account",
				"case %s: account '%s': %s", l->case_id, l->account, why);
	if (l->amount <= 0)
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-amount",
				"case %s: amount must be greater than 0", l->case_id);
	if (payee && payroll_bank_check(l->bank, strlen(l->bank), &why))
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-bank",
				"case %s: bank code '%s': %s", l->case_id, l->bank, why);
	if (payee && !l->account_name[0])
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "missing-field",
				"case %s: account_name is empty", l->case_id);
	return 0;
}

static void
items_reset(struct items *it)
{
	it->n = 0;
	if (it->many.cap) {
		caseset_free(&it->many);
		memset(&it->many, 0, sizeof it->many);
	}
}

/* Record l's (item, month) in its case; a second line of one (case_id,
 * item, month) would be paid twice: "duplicate-line", naming both. */
static int
items_add(struct payroll_transfers *tr, const struct payroll_ledger_line *l,
	  struct payroll_error *err)
{
	struct items *it = &tr->items;
	uint64_t h = line_hash(l->item, l->month);
	long prev = 0;
	size_t i;

	if (it->n < ITEMS_FEW) {
		for (i = 0; i < it->n && !prev; i++)
			if (it->h[i] == h)
				prev = it->line[i];
		if (!prev) {
			it->h[it->n] = h;
			it->line[it->n++] = l->line;
		}
	} else {
		for (i = 0; it->n == ITEMS_FEW && i < ITEMS_FEW; i++)
			if (caseset_add(&it->many, it->h[i], it->line[i]) < 0)
				return payroll_error_errno(err, PAYROLL_ENOMEM, tr->path, "out of memory");
		it->n = ITEMS_FEW + 1;
		prev = caseset_add(&it->many, h, l->line);
		if (prev < 0)
			return payroll_error_errno(err, PAYROLL_ENOMEM, tr->path, "out of memory");
	}
	if (prev)
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "duplicate-line",
				"case %s: item %s for month %s again (first at line %ld); "
				"a line is paid once", l->case_id, l->item, l->month, prev);
	return 0;
}

/* Start summing a new case at line l; a case seen before is an error. */
static int
start_case(struct payroll_transfers *tr, struct building *b,
	   const struct payroll_ledger_line *l, int temporary, struct payroll_error *err)
{
	const char *v[T_NSTR] = {
		l->case_id, l->program, l->region, l->locality, l->name,
		l->id_number, l->bank, l->account, l->account_name,
	};
	long prev;
	int i;

	prev = caseset_add(&tr->seen, case_hash(l->case_id, temporary), l->line);
	if (prev < 0)
		return payroll_error_errno(err, PAYROLL_ENOMEM, tr->path, "out of memory");
	if (prev > 0)
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "case-not-contiguous",
				"case %s%s appears again after other cases (first at line %ld); "
				"a case's lines must be consecutive",
				temporary ? _("(temporary) ") : "", l->case_id, prev);
	items_reset(&tr->items);
	if ((i = items_add(tr, l, err)) != 0)
		return i;
	payroll_buf_reset(&b->s);
	for (i = 0; i < T_NSTR; i++) {
		b->off[i] = b->s.len;
		if (payroll_buf_add(&b->s, v[i], strlen(v[i]) + 1))
			return payroll_error_errno(err, PAYROLL_ENOMEM, tr->path, "out of memory");
	}
	b->amount = l->amount;
	b->line = l->line;
	b->nlines = 1;
	b->members = l->members;
	b->temporary = temporary;
	b->active = 1;
	return 0;
}

/* Hand out b, numbered next. */
static int
emit(struct payroll_transfers *tr, struct building *b, struct payroll_transfer *t)
{
	b->active = 0;
	t->seq = ++tr->nt;
	t->case_id = bstr(b, T_CASE);
	t->program = bstr(b, T_PROGRAM);
	t->bank = bstr(b, T_BANK);
	t->account = bstr(b, T_ACCOUNT);
	t->account_name = bstr(b, T_ACCOUNT_NAME);
	t->name = bstr(b, T_NAME);
	t->id_number = bstr(b, T_ID);
	t->region = bstr(b, T_REGION);
	t->locality = bstr(b, T_LOCALITY);
	t->period = tr->period;
	t->temporary = b->temporary;
	t->members = b->members;
	t->amount = b->amount;
	t->line = b->line;
	t->nlines = b->nlines;
	return 1;
}

int
payroll_transfers_open(struct payroll_transfers **r, const char *path,
		       struct payroll_error *err)
{
	struct payroll_transfers *tr;
	int rc;

	*r = NULL;
	payroll_error_clear(err);
	tr = calloc(1, sizeof *tr);
	if (!tr)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	rc = payroll_ledger_open(&tr->lr, path, err);
	if (rc) {
		free(tr);
		return rc;
	}
	snprintf(tr->path, sizeof tr->path, "%s", payroll_ledger_path(tr->lr));
	*r = tr;
	return 0;
}

int
payroll_transfers_next(struct payroll_transfers *tr, struct payroll_transfer *t,
		       struct payroll_error *err)
{
	struct payroll_ledger_line l;
	struct building *b;
	int rc, temporary;

	if (tr->state)
		return tr->state < 0 ? tr->state : 0;
	while ((rc = payroll_ledger_next(tr->lr, &l, err)) == 1) {
		int same_case, same_payee;

		b = &tr->b[tr->cur];
		tr->lines++;
		temporary = !strcmp(l.program, "temporary");
		same_case = b->active && b->temporary == temporary &&
			    !strcmp(bstr(b, T_CASE), l.case_id);
		same_payee = same_case && !strcmp(bstr(b, T_BANK), l.bank) &&
			     !strcmp(bstr(b, T_ACCOUNT), l.account) &&
			     !strcmp(bstr(b, T_ACCOUNT_NAME), l.account_name);
		if ((rc = check_line(tr, &l, !same_payee, err)) != 0)
			break;
		if (payroll_add(tr->line_total, l.amount, &tr->line_total)) {
			rc = tr_error(tr, err, l.line, PAYROLL_EOVERFLOW, "overflow",
				      "the sum of the ledger does not fit");
			break;
		}
		if (same_case) {
			if (!same_payee) {
				rc = tr_error(tr, err, l.line, PAYROLL_EFORMAT, "payee-mismatch",
					      "case %s: bank, account or account_name differs from "
					      "line %ld of the same case", l.case_id, b->line);
				break;
			}
			if ((rc = items_add(tr, &l, err)) != 0)
				break;
			if (payroll_add(b->amount, l.amount, &b->amount)) {
				rc = tr_error(tr, err, l.line, PAYROLL_EOVERFLOW, "overflow",
					      "case %s: the transfer amount does not fit", l.case_id);
				break;
			}
			b->nlines++;
			continue;
		}
		/* a new case: the one summed so far is complete */
		tr->cur = !tr->cur;
		if ((rc = start_case(tr, &tr->b[tr->cur], &l, temporary, err)) != 0)
			break;
		if (b->active)
			return emit(tr, b, t);
	}
	if (rc == 0) {
		tr->state = 1;
		b = &tr->b[tr->cur];
		if (b->active)
			return emit(tr, b, t);
		if (tr->nt == 0)
			rc = tr_error(tr, err, 0, PAYROLL_EFORMAT, "empty-ledger",
				      "the ledger has no lines: there is nothing to pay");
	}
	if (rc < 0)
		tr->state = rc;
	return rc;
}

const char *
payroll_transfers_path(const struct payroll_transfers *tr)
{
	return tr->path;
}

void
payroll_transfers_counts(const struct payroll_transfers *tr, long *lines, int64_t *line_total)
{
	*lines = tr->lines;
	*line_total = tr->line_total;
}

void
payroll_transfers_close(struct payroll_transfers *tr)
{
	if (!tr)
		return;
	payroll_ledger_close(tr->lr);
	caseset_free(&tr->seen);
	caseset_free(&tr->items.many);
	payroll_buf_release(&tr->b[0].s);
	payroll_buf_release(&tr->b[1].s);
	free(tr);
}

int
payroll_transfer_ref(const struct payroll_transfer *t, struct payroll_buf *b)
{
	payroll_buf_reset(b);
	if (payroll_buf_add(b, t->period, 7) ||
	    payroll_buf_add(b, t->temporary ? "-T-" : "-", t->temporary ? 3 : 1) ||
	    payroll_buf_addstr(b, t->case_id))
		return PAYROLL_ENOMEM;
	return 0;
}
