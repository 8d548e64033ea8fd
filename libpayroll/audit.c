/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"
#include "audit_basis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dupindex.h"
#include "ident.h"
#include "keyindex.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "roster.h"
#include "table.h"
#include "banned.h"

static const char *const rule_names[PAYROLL_AUDIT_NRULES] = {
	"same-person-twice", "shared-account", "account-changed", "amount-jump",
	"payee-age", "listed", "review-overdue", "basis-mismatch",
};

const char *
payroll_audit_rule_name(enum payroll_audit_rule r)
{
	return r < PAYROLL_AUDIT_NRULES ? rule_names[r] : "";
}

static uint64_t
hash_str(const char *s, size_t n)
{
	return payroll_keyhash_end(payroll_keyhash_add(PAYROLL_KEYHASH_INIT, s, n));
}

/* ---- indexes of the previous ledgers, the roster and the lists --------- */

/* 24 bytes a case of the previous ledgers. */
struct prev {
	uint64_t key;		/* first: keyindex; hash of case_id */
	int64_t regular;	/* fen */
	uint32_t account;	/* offset of "BANK ACCOUNT" in the arena */
	uint32_t month : 26;	/* a month number: below 10000 * 12 */
	uint32_t members : 6;	/* 1 to 20 */
};

struct review {
	uint64_t key;		/* hash of case_id */
	int32_t month;		/* reviewed; -1 empty */
	uint32_t line;
};

struct listed {
	uint64_t key;		/* hash of the id number */
	uint32_t detail;	/* offset in the arena */
	uint32_t seq;
};

struct list {
	const char *name, *path;
	struct listed *e;
	size_t n, cap;
	struct payroll_keyindex ix;
};

/* A finding: its rule and the offset of "case_id\0id\0name\0detail\0". */
struct finding {
	uint32_t rule, off;
};

/* A case of the audited ledgers marked by a rule found at the end. */
struct mark {
	uint32_t c, group, rule, off;
};

/* The case being read: the consecutive lines of one case_id and program. */
enum { CF_CASE, CF_PROGRAM, CF_PERIOD, CF_ID, CF_NAME, CF_BANK, CF_ACCOUNT, CF_SUPPORT,
       CF_REGION, CF_N };

struct cur {
	int open;
	struct payroll_buf text;	/* the CF_* fields, each NUL-terminated */
	size_t off[CF_N], len[CF_N];
	int members;
	int64_t regular;
	long line;
	const char *path;	/* the ledger, for messages */
};

struct audit {
	const struct payroll_audit_opts *o;
	struct payroll_error *err;
	struct payroll_buf arena;	/* NUL-separated strings */
	struct finding *f;
	size_t nf, capf;
	struct mark *m;
	size_t nm, capm;
	/* audited cases */
	uint32_t ncases;
	uint64_t *idhash;	/* per case */
	size_t capid;
	struct payroll_dupindex ids, accounts;
	struct cur cur;
	/* previous ledgers */
	struct prev *p;
	size_t np, capp;
	struct payroll_keyindex pix;
	/* roster */
	struct review *rv;
	size_t nrv, caprv;
	struct payroll_keyindex rix;
	struct list *lists;
	long lines;
	long unread;		/* list rows not read */
};

static long
arena_add(struct audit *a, const char *const *s, size_t n)
{
	size_t off = a->arena.len, i;

	if (off > UINT32_MAX - 4096)
		return PAYROLL_EOVERFLOW;
	for (i = 0; i < n; i++)
		if (payroll_buf_add(&a->arena, s[i], strlen(s[i]) + 1))
			return PAYROLL_ENOMEM;
	return (long)off;
}

/* The strings may lie in the arena itself (a list's evidence, a marked
 * case's fields): they are copied out first, since the arena may move. */
static int
add_finding(struct audit *a, int rule, const char *case_id, const char *id, const char *name,
	    const char *detail)
{
	const char *s[] = { case_id, id, name, detail };
	struct payroll_buf t = { 0 };
	size_t i, off = a->arena.len;

	for (i = 0; i < 4; i++)
		if (payroll_buf_add(&t, s[i], strlen(s[i]) + 1)) {
			payroll_buf_release(&t);
			return PAYROLL_ENOMEM;
		}
	if (off > UINT32_MAX - t.len || payroll_buf_add(&a->arena, t.p, t.len)) {
		payroll_buf_release(&t);
		return off > UINT32_MAX - t.len ? PAYROLL_EOVERFLOW : PAYROLL_ENOMEM;
	}
	payroll_buf_release(&t);
	if (payroll_grow((void **)&a->f, a->nf, &a->capf, sizeof *a->f))
		return PAYROLL_ENOMEM;
	a->f[a->nf].rule = (uint32_t)rule;
	a->f[a->nf++].off = (uint32_t)off;
	return 0;
}

/* 1 when l starts another case than c. */
static int
new_case(const struct cur *c, const struct payroll_ledger_line *l)
{
	return !c->open || memcmp(c->text.p + c->off[CF_CASE], l->case_id, c->len[CF_CASE] + 1) ||
	       memcmp(c->text.p + c->off[CF_PROGRAM], l->program, c->len[CF_PROGRAM] + 1);
}

/* Copy the case's fields from its first line, into one buffer. */
static int
begin_case(struct cur *c, const struct payroll_ledger_line *l)
{
	const char *f[CF_N];
	size_t i, n;

	f[CF_CASE] = l->case_id;
	f[CF_PROGRAM] = l->program;
	f[CF_PERIOD] = l->period;
	f[CF_ID] = l->id_number;
	f[CF_NAME] = l->name;
	f[CF_BANK] = l->bank;
	f[CF_ACCOUNT] = l->account;
	f[CF_SUPPORT] = l->support_mode;
	f[CF_REGION] = l->region;
	c->open = 1;
	c->members = l->members;
	c->regular = 0;
	c->line = l->line;
	for (i = 0, n = 0; i < CF_N; i++) {
		c->off[i] = n;
		c->len[i] = strlen(f[i]);
		n += c->len[i] + 1;
	}
	payroll_buf_reset(&c->text);
	if (payroll_buf_reserve(&c->text, n))
		return PAYROLL_ENOMEM;
	for (i = 0; i < CF_N; i++)
		memcpy(c->text.p + c->off[i], f[i], c->len[i] + 1);
	c->text.len = n;
	return 0;
}

static void
cur_release(struct cur *c)
{
	payroll_buf_release(&c->text);
}

/* Field f of the case c. */
#define S(c, f) ((c)->text.p + (c)->off[f])

/*
 * Walk a ledger case by case: fn(ctx, cur) at the end of each case, and
 * line(ctx, cur, l) for every line (may be NULL).
 */
static int
walk(struct audit *a, const char *path, unsigned need, struct cur *c,
     int (*fn)(struct audit *, struct cur *),
     int (*line)(struct audit *, struct cur *, const struct payroll_ledger_line *))
{
	struct payroll_ledger_reader *lr;
	struct payroll_ledger_line l;
	int rc;

	if ((rc = payroll_ledger_open(&lr, path, a->err)) != 0)
		return rc;
	rc = payroll_ledger_require(lr, need, "audit exempts centralized cases from "
				    "shared-account and payee-age", a->err);
	c->open = 0;
	c->path = path;
	while (rc == 0 && (rc = payroll_ledger_next(lr, &l, a->err)) == 1) {
		rc = 0;
		if (new_case(c, &l)) {
			if (c->open && (rc = fn(a, c)) != 0)
				break;
			if ((rc = begin_case(c, &l)) != 0)
				break;
		}
		if (payroll_ledger_is_regular(&l) && payroll_add(c->regular, l.amount, &c->regular))
			rc = payroll_error_set(a->err, PAYROLL_EOVERFLOW, path, l.line, 0, "overflow",
					       "a case's amount does not fit");
		if (rc == 0 && line)
			rc = line(a, c, &l);
	}
	if (rc == 0 && c->open)
		rc = fn(a, c);
	c->open = 0;
	if (rc == PAYROLL_ENOMEM && !a->err->message[0])
		payroll_error_errno(a->err, rc, path, "out of memory");
	else if (rc == PAYROLL_EOVERFLOW && !a->err->message[0])
		payroll_error_set(a->err, rc, path, 0, 0, "overflow", "too many cases or strings");
	payroll_ledger_close(lr);
	return rc;
}

/* "BANK ACCOUNT" of the case into t (cap bytes, cut there). */
static void
account_text(const struct cur *c, char *t, size_t cap)
{
	size_t nb = c->len[CF_BANK] < cap - 1 ? c->len[CF_BANK] : cap - 1, na;

	memcpy(t, S(c, CF_BANK), nb);
	if (nb < cap - 1)
		t[nb++] = ' ';
	na = c->len[CF_ACCOUNT] < cap - 1 - nb ? c->len[CF_ACCOUNT] : cap - 1 - nb;
	memcpy(t + nb, S(c, CF_ACCOUNT), na);
	t[nb + na] = 0;
}

/* -- previous ledgers -- */

static int
prev_case(struct audit *a, struct cur *c)
{
	char acct[160];
	const char *s[1] = { acct };
	long off, m;

	if (!strcmp(S(c, CF_PROGRAM), "temporary"))
		return 0;	/* a grant is paid once: nothing to compare */
	m = payroll_month_parse(S(c, CF_PERIOD), c->len[CF_PERIOD]);
	if (m < 0)
		return payroll_error_set(a->err, PAYROLL_EFORMAT, c->path, c->line, 0, "bad-month",
					 "period '%s' is not a month YYYY-MM", S(c, CF_PERIOD));
	account_text(c, acct, sizeof acct);
	if ((off = arena_add(a, s, 1)) < 0)
		return (int)off;
	if (payroll_grow((void **)&a->p, a->np, &a->capp, sizeof *a->p))
		return PAYROLL_ENOMEM;
	a->p[a->np] = (struct prev){
		.key = hash_str(S(c, CF_CASE), c->len[CF_CASE]), .regular = c->regular,
		.account = (uint32_t)off, .month = (uint32_t)m, .members = (uint32_t)c->members,
	};
	a->np++;
	return 0;
}

static int
cmp_prev(const void *x, const void *y)
{
	const struct prev *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	/* the latest first; of one month the first read (dedupe_index keeps
	 * the earlier of equals) */
	return (a->month < b->month) - (a->month > b->month);
}

static int
cmp_review(const void *x, const void *y)
{
	const struct review *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static int
cmp_listed(const void *x, const void *y)
{
	const struct listed *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * Keep, of the entries with equal keys (their first 8 bytes), the one
 * that cmp puts first, and index what is kept. A table of 4-byte slots
 * and a bitmap for the while (4 to 8 bytes and a bit an entry), not a
 * sort and its copy of the entries; the kept entries stay in their order.
 */
static int
dedupe_index(struct payroll_keyindex *ix, void *v, size_t *n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	unsigned char *e = v, *keep;
	size_t cap = 16, mask, i, j, k = 0, first, second;
	uint32_t *slot;
	uint64_t key, other;

	while (cap < 2 * *n)
		cap *= 2;
	mask = cap - 1;
	slot = calloc(cap, sizeof *slot);
	keep = calloc(*n / 8 + 1, 1);
	if (!slot || !keep) {
		free(slot);
		free(keep);
		return PAYROLL_ENOMEM;
	}
	for (i = 0; i < *n; i++) {
		memcpy(&key, e + i * size, 8);
		for (j = key & mask; slot[j]; j = (j + 1) & mask) {
			memcpy(&other, e + (slot[j] - 1) * size, 8);
			if (other == key)
				break;
		}
		if (!slot[j] || cmp(e + i * size, e + (size_t)(slot[j] - 1) * size) < 0)
			slot[j] = (uint32_t)(i + 1);
	}
	for (j = 0; j < cap; j++)
		if (slot[j])
			keep[(slot[j] - 1) / 8] |= (unsigned char)(1u << ((slot[j] - 1) % 8));
	free(slot);
	for (i = 0; i < *n; i++) {
		if (!(keep[i / 8] >> (i % 8) & 1))
			continue;
		if (k != i)
			memcpy(e + k * size, e + i * size, size);
		k++;
	}
	free(keep);
	*n = k;
	return payroll_keyindex_build(ix, e, k, size, &first, &second) ? PAYROLL_ENOMEM : 0;
}

static int
read_roster(struct audit *a)
{
	static const struct payroll_column cols[] = {
		{ "case_id", "编号", PAYROLL_COL_REQUIRED },
		{ "reviewed", "复核月份", PAYROLL_COL_REQUIRED },
	};
	struct payroll_table *t;
	struct payroll_row row;
	int rc;

	if ((rc = payroll_table_open_path(&t, a->o->roster, PAYROLL_ENC_AUTO, cols, 2, a->err)) != 0)
		return rc;
	while ((rc = payroll_table_next(t, &row, a->err)) == 1) {
		long m = -1;

		rc = 0;
		if (row.problem != PAYROLL_ROW_OK || !row.n[0])
			continue;	/* calc rejects such rows: nothing was paid on them */
		if (row.n[1] && (m = payroll_month_parse(row.v[1], row.n[1])) < 0) {
			rc = payroll_error_set(a->err, PAYROLL_EFORMAT, a->o->roster, row.line,
					       row.col[1], "bad-month",
					       "column %d (reviewed): '%s' is not a month YYYY-MM",
					       row.col[1], row.v[1]);
			break;
		}
		if (payroll_grow((void **)&a->rv, a->nrv, &a->caprv, sizeof *a->rv)) {
			rc = PAYROLL_ENOMEM;
			break;
		}
		a->rv[a->nrv++] = (struct review){ hash_str(row.v[0], row.n[0]), (int32_t)m,
						    (uint32_t)row.line };
	}
	payroll_table_close(t);
	if (rc == 0)
		rc = dedupe_index(&a->rix, a->rv, &a->nrv, sizeof *a->rv, cmp_review);
	return rc;
}

static int
header_is(const char *h, const char *name, const char *alias)
{
	return !strcasecmp(h, name) || !strcmp(h, alias);
}

static void
norm_id(char *id, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 31; i++)
		id[i] = s[i] == 'x' ? 'X' : s[i];
	id[i] = 0;
}

/* A list's column names are copied into its findings: each must be
 * text, as the reader judges a value. */
static int
check_header(struct audit *a, const struct list *li, const struct payroll_table *t)
{
	size_t nc = payroll_table_ncolumns(t), i;

	for (i = 0; i < nc; i++)
		if (payroll_table_header_problem(t, (int)i + 1) != PAYROLL_ROW_OK)
			return payroll_error_set(a->err, PAYROLL_EFORMAT, li->path, 1, (int)i + 1,
						 "bad-encoding",
						 "list %s: the name of column %zu is not valid text (mixed encodings?)",
						 li->name, i + 1);
	return 0;
}

/* A list row the reader could not read: reported, counted, not matched. */
static void
unread_row(struct audit *a, const struct list *li, const struct payroll_row *row)
{
	struct payroll_problems p = { .path = li->path, .diag = a->o->diag,
				      .ctx = a->o->diag_ctx, .all = 1 };

	payroll_row_report(row, &p);
	a->unread++;
}

static int
read_list(struct audit *a, struct list *li)
{
	struct payroll_table *t;
	struct payroll_row row;
	struct payroll_buf d = { 0 };
	size_t nc, i;
	int rc, idc = -1;

	if ((rc = payroll_table_open_path(&t, li->path, PAYROLL_ENC_AUTO, NULL, 0, a->err)) != 0)
		return rc;
	nc = payroll_table_ncolumns(t);
	for (i = 0; i < nc; i++)
		if (header_is(payroll_table_header(t, (int)i + 1), "id_number", "身份证号"))
			idc = (int)i;
	if (idc < 0) {
		payroll_table_close(t);
		return payroll_error_set(a->err, PAYROLL_EFORMAT, li->path, 1, 0, "missing-column",
					 "required column 'id_number' (身份证号) is missing from list %s",
					 li->name);
	}
	if ((rc = check_header(a, li, t)) != 0) {
		payroll_table_close(t);
		return rc;
	}
	while ((rc = payroll_table_next(t, &row, a->err)) == 1) {
		char id[32];
		const char *s[1];
		long off;

		rc = 0;
		if (row.problem != PAYROLL_ROW_OK) {
			unread_row(a, li, &row);
			continue;
		}
		if (!row.n[idc])
			continue;
		norm_id(id, row.v[idc], row.n[idc]);
		payroll_buf_reset(&d);
		rc = payroll_buf_addf(&d, "list %s, line %ld", li->name, row.line);
		for (i = 0; rc == 0 && i < nc; i++)
			if ((int)i != idc && row.n[i])
				rc = payroll_buf_addf(&d, "; %s=%s", payroll_table_header(t, (int)i + 1),
						      row.v[i]);
		s[0] = payroll_buf_str(&d);
		if (rc || (off = arena_add(a, s, 1)) < 0 ||
		    payroll_grow((void **)&li->e, li->n, &li->cap, sizeof *li->e)) {
			rc = rc ? rc : PAYROLL_ENOMEM;
			break;
		}
		li->e[li->n] = (struct listed){ hash_str(id, strlen(id)), (uint32_t)off, (uint32_t)li->n };
		li->n++;
	}
	payroll_buf_release(&d);
	payroll_table_close(t);
	if (rc == 0)
		rc = dedupe_index(&li->ix, li->e, &li->n, sizeof *li->e, cmp_listed);
	return rc;
}

/* ---- the audited ledgers ----------------------------------------------- */

/* Completed years on the first day of month (a month number), or -1 when
 * the id number carries no birth date. */
static int
age_at(const char *id, long month, char *birth)
{
	int y, m, d, i, age;
	long py = month / 12, pm = month % 12 + 1;

	if (strlen(id) != 18)
		return -1;
	for (i = 6; i < 14; i++)
		if (id[i] < '0' || id[i] > '9')
			return -1;
	y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
	m = (id[10] - '0') * 10 + (id[11] - '0');
	d = (id[12] - '0') * 10 + (id[13] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memcpy(birth, id + 6, 4);
	birth[4] = '-';
	memcpy(birth + 5, id + 10, 2);
	birth[7] = '-';
	memcpy(birth + 8, id + 12, 2);
	birth[10] = 0;
	age = (int)(py - y);
	if (pm < m || (pm == m && 1 < d))
		age--;
	return age;
}

static int
audited_line(struct audit *a, struct cur *c, const struct payroll_ledger_line *l)
{
	char detail[600], amount[PAYROLL_MONEY_MAX], got[PAYROLL_MONEY_MAX];
	const char *why;
	int64_t v;

	(void)c;
	a->lines++;
	if (payroll_audit_basis(l->basis, &v, &why) == 0 && v == l->amount)
		return 0;
	payroll_money_format(l->amount, amount);
	if (!why) {
		payroll_money_format(v, got);
		snprintf(detail, sizeof detail, "line %ld, %s %s: basis %s gives %s, amount %s",
			 l->line, l->item, l->month, l->basis, got, amount);
	} else {
		snprintf(detail, sizeof detail, "line %ld, %s %s: basis '%s': %s; amount %s",
			 l->line, l->item, l->month, l->basis, why, amount);
	}
	return add_finding(a, PAYROLL_AUDIT_BASIS_MISMATCH, l->case_id, l->id_number, l->name,
			   detail);
}

/* "A|B|C" into k (cap bytes, cut there): its length. */
static size_t
key_of(char *k, size_t cap, const char *a, size_t na, const char *b, size_t nb,
       const char *c, size_t nc)
{
	const char *f[3] = { a, b, c };
	size_t len[3] = { na, nb, nc }, n = 0, i, m;

	for (i = 0; i < 3; i++) {
		if (i && n < cap)
			k[n++] = '|';
		m = len[i] < cap - n ? len[i] : cap - n;
		memcpy(k + n, f[i], m);
		n += m;
	}
	return n;
}

static int
audited_case(struct audit *a, struct cur *c)
{
	const char *case_id = S(c, CF_CASE), *id = S(c, CF_ID), *name = S(c, CF_NAME);
	int temporary = !strcmp(S(c, CF_PROGRAM), "temporary");
	int centralized = !strcmp(S(c, CF_SUPPORT), "centralized");
	char key[256], detail[600], birth[16], p0[8];
	long month = payroll_month_parse(S(c, CF_PERIOD), c->len[CF_PERIOD]);
	uint64_t h = hash_str(case_id, c->len[CF_CASE]);
	size_t i, at, n;
	int rc, age;

	if (month < 0)
		return payroll_error_set(a->err, PAYROLL_EFORMAT, c->path, c->line, 0, "bad-month",
					 "period '%s' is not a month YYYY-MM", S(c, CF_PERIOD));
	if (a->ncases >= PAYROLL_DUP_MAXROW)
		return PAYROLL_EOVERFLOW;
	if (payroll_grow((void **)&a->idhash, a->ncases, &a->capid, sizeof *a->idhash))
		return PAYROLL_ENOMEM;
	a->idhash[a->ncases] = hash_str(id, c->len[CF_ID]);
	if (!temporary) {
		n = key_of(key, sizeof key, S(c, CF_PERIOD), c->len[CF_PERIOD], id, c->len[CF_ID],
			   "", 0);
		if ((rc = payroll_dupindex_add(&a->ids, key, n, a->ncases)) != 0)
			return rc;
	}
	if (!centralized) {
		n = key_of(key, sizeof key, S(c, CF_PERIOD), c->len[CF_PERIOD], S(c, CF_BANK),
			   c->len[CF_BANK], S(c, CF_ACCOUNT), c->len[CF_ACCOUNT]);
		if ((rc = payroll_dupindex_add(&a->accounts, key, n, a->ncases)) != 0)
			return rc;
	}
	a->ncases++;
	if (!centralized && (age = age_at(id, month, birth)) >= 0 && (age < 16 || age > 100)) {
		snprintf(detail, sizeof detail, "born %s: %d years old on %s-01 (%s)", birth, age,
			 S(c, CF_PERIOD), age < 16 ? "under 16" : "over 100");
		if ((rc = add_finding(a, PAYROLL_AUDIT_PAYEE_AGE, case_id, id, name, detail)) != 0)
			return rc;
	}
	for (i = 0; i < a->o->nlists; i++) {
		struct list *li = &a->lists[i];
		char nid[32];

		norm_id(nid, id, c->len[CF_ID]);
		if (!li->n || (at = payroll_keyindex_find(&li->ix, hash_str(nid, strlen(nid)))) == SIZE_MAX)
			continue;
		if ((rc = add_finding(a, PAYROLL_AUDIT_LISTED, case_id, id, name,
				      a->arena.p + li->e[at].detail)) != 0)
			return rc;
	}
	if (temporary)
		return 0;
	if (a->nrv && (at = payroll_keyindex_find(&a->rix, h)) != SIZE_MAX &&
	    a->rv[at].month >= 0 && month - a->rv[at].month > 12) {
		payroll_month_format(a->rv[at].month, p0);
		snprintf(detail, sizeof detail, "reviewed %s, %ld months before %s (roster line %u)",
			 p0, month - a->rv[at].month, S(c, CF_PERIOD), a->rv[at].line);
		if ((rc = add_finding(a, PAYROLL_AUDIT_REVIEW_OVERDUE, case_id, id, name, detail)) != 0)
			return rc;
	}
	if (a->np && (at = payroll_keyindex_find(&a->pix, h)) != SIZE_MAX && a->p[at].month < month) {
		const struct prev *p = &a->p[at];
		const char *old = a->arena.p + p->account;
		char now[160], o1[PAYROLL_MONEY_MAX], n1[PAYROLL_MONEY_MAX];
		__int128 diff = (__int128)c->regular - p->regular;

		payroll_month_format(p->month, p0);
		account_text(c, now, sizeof now);
		if (strcmp(now, old)) {
			snprintf(detail, sizeof detail, "%s in %s, %s now", old, p0, now);
			if ((rc = add_finding(a, PAYROLL_AUDIT_ACCOUNT_CHANGED, case_id, id, name, detail)))
				return rc;
		}
		if (diff < 0)
			diff = -diff;
		if (p->members == c->members && p->regular > 0 &&
		    diff * 100 > (__int128)p->regular * a->o->jump) {
			payroll_money_format(p->regular, o1);
			payroll_money_format(c->regular, n1);
			snprintf(detail, sizeof detail,
				 "regular amount %s in %s, %s now (%+lld%%), members %d unchanged",
				 o1, p0, n1,
				 (long long)(((__int128)c->regular - p->regular) * 100 / p->regular),
				 c->members);
			if ((rc = add_finding(a, PAYROLL_AUDIT_AMOUNT_JUMP, case_id, id, name, detail)))
				return rc;
		}
	}
	return 0;
}

/* -- groups found at the end: same-person-twice, shared-account -- */

struct groups {
	struct audit *a;
	int rule;
	uint32_t group;
};

static int
mark_group(void *ctx, const uint32_t *rows, size_t n)
{
	struct groups *g = ctx;
	struct audit *a = g->a;
	size_t i;

	if (g->rule == PAYROLL_AUDIT_SHARED_ACCOUNT) {
		for (i = 1; i < n && a->idhash[rows[i]] == a->idhash[rows[0]]; i++)
			;
		if (i == n)
			return 0;	/* one person's cases: a grant beside the allowance */
	}
	for (i = 0; i < n; i++) {
		if (payroll_grow((void **)&a->m, a->nm, &a->capm, sizeof *a->m))
			return PAYROLL_ENOMEM;
		a->m[a->nm++] = (struct mark){ rows[i] & PAYROLL_DUP_MAXROW, g->group, (uint32_t)g->rule, 0 };
	}
	g->group++;
	return 0;
}

static int
cmp_mark_case(const void *x, const void *y)
{
	const struct mark *a = x, *b = y;

	if (a->c != b->c)
		return a->c < b->c ? -1 : 1;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

static int
cmp_mark_group(const void *x, const void *y)
{
	const struct mark *a = x, *b = y;

	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return (a->c > b->c) - (a->c < b->c);
}

/* Second pass: the strings of the marked cases. */
struct second {
	size_t next;		/* next mark, by case */
	uint32_t c;		/* case ordinal */
};

static struct second *second_ctx;

static int
second_case(struct audit *a, struct cur *c)
{
	struct second *s = second_ctx;
	char acct[160];

	account_text(c, acct, sizeof acct);
	for (; s->next < a->nm && a->m[s->next].c == s->c; s->next++) {
		const char *v[] = { S(c, CF_CASE), S(c, CF_ID), S(c, CF_NAME), S(c, CF_PROGRAM),
				    S(c, CF_REGION), acct, S(c, CF_PERIOD) };
		long off = arena_add(a, v, 7);

		if (off < 0)
			return (int)off;
		a->m[s->next].off = (uint32_t)off;
	}
	s->c++;
	return 0;
}

/* The n-th NUL-separated string at off. */
static const char *
field(const struct audit *a, uint32_t off, int n)
{
	const char *s = a->arena.p + off;

	while (n-- > 0)
		s += strlen(s) + 1;
	return s;
}

static int
group_findings(struct audit *a)
{
	struct payroll_buf d = { 0 };
	size_t i, j, k;
	int rc = 0;

	if (a->nm > 1)
		qsort(a->m, a->nm, sizeof *a->m, cmp_mark_group);
	for (i = 0; rc == 0 && i < a->nm; i = j) {
		for (j = i; j < a->nm && a->m[j].rule == a->m[i].rule && a->m[j].group == a->m[i].group; j++)
			;
		for (k = i; rc == 0 && k < j; k++) {
			uint32_t off = a->m[k].off;
			size_t x, shown = 0;

			payroll_buf_reset(&d);
			if (a->m[k].rule == PAYROLL_AUDIT_SAME_PERSON)
				rc = payroll_buf_addf(&d, "id number paid in %zu cases of %s:", j - i,
						      field(a, off, 6));
			else
				rc = payroll_buf_addf(&d, "account %s paid in %zu cases of %s:",
						      field(a, off, 5), j - i, field(a, off, 6));
			for (x = i; rc == 0 && x < j; x++) {
				if (x == k)
					continue;
				if (shown++ == 10) {
					rc = payroll_buf_addf(&d, " and %zu more", j - i - 11);
					break;
				}
				rc = payroll_buf_addf(&d, " %s (%s %s, %s %s)", field(a, a->m[x].off, 0),
						      field(a, a->m[x].off, 3), field(a, a->m[x].off, 4),
						      field(a, a->m[x].off, 1), field(a, a->m[x].off, 2));
			}
			if (rc == 0)
				rc = add_finding(a, (int)a->m[k].rule, field(a, off, 0), field(a, off, 1),
						 field(a, off, 2), payroll_buf_str(&d));
		}
	}
	payroll_buf_release(&d);
	return rc;
}

/* ---- output ------------------------------------------------------------ */

static const struct audit *sorting;

static int
cmp_finding(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	int i, c;

	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	for (i = 0; i < 4; i++)
		if ((c = strcmp(field(sorting, a->off, i), field(sorting, b->off, i))) != 0)
			return c;
	return 0;
}

static int
write_findings(struct audit *a, struct payroll_outfile *out)
{
	struct payroll_buf b = { 0 };
	size_t i;
	int rc = 0, k;

	sorting = a;
	if (a->nf)
		qsort(a->f, a->nf, sizeof *a->f, cmp_finding);
	if (payroll_buf_addstr(&b, a->o->bom ? PAYROLL_UTF8_BOM PAYROLL_AUDIT_HEADER :
					   PAYROLL_AUDIT_HEADER))
		rc = PAYROLL_ENOMEM;
	for (i = 0; rc == 0 && i < a->nf; i++) {
		const char *r = rule_names[a->f[i].rule];

		rc = payroll_buf_addcsv(&b, r, strlen(r));
		for (k = 0; rc == 0 && k < 4; k++) {
			const char *s = field(a, a->f[i].off, k);

			rc = payroll_buf_addch(&b, ',') || payroll_buf_addcsv(&b, s, strlen(s));
		}
		if (rc == 0)
			rc = payroll_buf_addch(&b, '\n');
		if (rc == 0 && b.len > (1 << 16)) {
			if (payroll_outfile_write(out, b.p, b.len))
				rc = PAYROLL_EIO;
			payroll_buf_reset(&b);
		}
	}
	if (rc == 0 && b.len && payroll_outfile_write(out, b.p, b.len))
		rc = PAYROLL_EIO;
	payroll_buf_release(&b);
	return rc ? PAYROLL_ENOMEM : 0;
}

static int
run(struct audit *a, struct payroll_audit_result *res)
{
	const struct payroll_audit_opts *o = a->o;
	struct groups g = { a, 0, 0 };
	struct second s = { 0, 0 };
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < o->nprevious; i++)
		rc = walk(a, o->previous[i], 0, &a->cur, prev_case, NULL);
	if (rc == 0 && a->np)
		rc = dedupe_index(&a->pix, a->p, &a->np, sizeof *a->p, cmp_prev);
	if (rc == 0 && o->roster)
		rc = read_roster(a);
	for (i = 0; rc == 0 && i < o->nlists; i++)
		rc = read_list(a, &a->lists[i]);
	for (i = 0; rc == 0 && i < o->nledgers; i++)
		rc = walk(a, o->ledgers[i], PAYROLL_LEDGER_SUPPORT_MODE, &a->cur, audited_case,
			  audited_line);
	if (rc == 0) {
		g.rule = PAYROLL_AUDIT_SAME_PERSON;
		rc = payroll_dupindex_find(&a->ids, mark_group, &g);
	}
	if (rc == 0) {
		g.rule = PAYROLL_AUDIT_SHARED_ACCOUNT;
		rc = payroll_dupindex_find(&a->accounts, mark_group, &g);
	}
	if (rc == 0 && a->nm) {
		qsort(a->m, a->nm, sizeof *a->m, cmp_mark_case);
		second_ctx = &s;
		for (i = 0; rc == 0 && i < o->nledgers; i++)
			rc = walk(a, o->ledgers[i], 0, &a->cur, second_case, NULL);
		if (rc == 0)
			rc = group_findings(a);
	}
	if (rc == PAYROLL_ENOMEM && !a->err->message[0])
		payroll_error_errno(a->err, rc, NULL, "out of memory");
	if (rc == 0) {
		res->cases = a->ncases;
		res->lines = a->lines;
		res->findings = (long)a->nf;
		res->unread = a->unread;
		for (i = 0; i < a->nf; i++)
			res->by_rule[a->f[i].rule]++;
	}
	return rc;
}

int
payroll_audit(const struct payroll_audit_opts *o, struct payroll_audit_result *res,
	      struct payroll_error *err)
{
	struct payroll_audit_opts oo = *o;
	struct audit a = { 0 };
	struct payroll_outfile *out = NULL;
	const char *outs[1] = { o->output ? o->output : "-" };
	const char **ins = NULL;
	size_t i, nin = 0;
	int rc = 0;

	memset(res, 0, sizeof *res);
	payroll_error_clear(err);
	if (!oo.jump)
		oo.jump = 30;
	a.o = &oo;
	a.err = err;
	if (!o->nledgers)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "no ledger to audit");
	if (oo.jump < 1 || oo.jump > 1000)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "jump %d: a percentage from 1 to 1000", oo.jump);
	for (i = 0; i < o->nledgers; i++)
		if (!strcmp(o->ledgers[i], "-"))
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "audit reads its ledgers twice: give files, not standard input");
	for (i = 0; i < o->nlists; i++)
		if (!o->lists[i].name || !o->lists[i].name[0] || !o->lists[i].path || !o->lists[i].path[0])
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "a list is given as NAME=FILE");
	ins = calloc(o->nledgers + o->nprevious + o->nlists + 1, sizeof *ins);
	a.lists = calloc(o->nlists + 1, sizeof *a.lists);
	if (!ins || !a.lists)
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	for (i = 0; rc == 0 && i < o->nledgers; i++)
		ins[nin++] = o->ledgers[i];
	for (i = 0; rc == 0 && i < o->nprevious; i++)
		ins[nin++] = o->previous[i];
	for (i = 0; rc == 0 && i < o->nlists; i++) {
		ins[nin++] = o->lists[i].path;
		a.lists[i].name = o->lists[i].name;
		a.lists[i].path = o->lists[i].path;
	}
	if (rc == 0 && o->roster)
		ins[nin++] = o->roster;
	if (rc == 0)
		rc = payroll_outfile_check_paths(ins, nin, outs, 1, err);
	if (rc == 0)
		rc = run(&a, res);
	if (rc == 0 && (rc = payroll_outfile_open(&out, outs[0], 0, err)) == 0) {
		if ((rc = write_findings(&a, out)) != 0) {
			payroll_error_errno(err, rc, outs[0], "cannot write the findings");
			payroll_outfile_abort(out);
		} else {
			rc = payroll_outfile_commit(out, err);
		}
	}
	if (rc)
		memset(res, 0, sizeof *res);
	for (i = 0; a.lists && i < o->nlists; i++) {
		free(a.lists[i].e);
		payroll_keyindex_release(&a.lists[i].ix);
	}
	free(a.lists);
	free(ins);
	free(a.f);
	free(a.m);
	free(a.idhash);
	free(a.p);
	free(a.rv);
	payroll_keyindex_release(&a.pix);
	payroll_keyindex_release(&a.rix);
	payroll_dupindex_release(&a.ids);
	payroll_dupindex_release(&a.accounts);
	cur_release(&a.cur);
	payroll_buf_release(&a.arena);
	return rc;
}
