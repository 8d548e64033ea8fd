/* SPDX-License-Identifier: Apache-2.0 */
#include "diff.h"
#include "diff_fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "keyindex.h"
#include "mask.h"
#include "money.h"
#include "outfile.h"
#include "table.h"
#include "intl.h"
#include "banned.h"

#define MAXKEY 16
#define MATE_CHANGED 0x80000000u
#define MATE_LINE 0x7fffffffu

/* A row of the indexed (smaller) file, in file order: 32 bytes. */
struct ent {
	uint64_t key;		/* hash of the key */
	uint64_t val;		/* hash of the compared values; once the row is
				 * matched and changed, where the other file's
				 * values are in the arena */
	int64_t amount;		/* fen; 0 without an amount column */
	uint32_t line;		/* its line */
	uint32_t mate;		/* line of the same key in the streamed file | MATE_CHANGED; 0 none */
};

/* A row of the streamed file with no match in the index: 24 bytes. */
struct lone {
	uint64_t key;
	uint32_t line;
	size_t at;		/* its values in the arena, SIZE_MAX when not kept */
};

struct side {
	const char *path;
	struct payroll_table *t;
	int key[MAXKEY];	/* 0-based file column of each key column */
	int amount;		/* file column of amount, -1 none */
	long rows;
	int64_t sum;
};

/* A column compared between the files. */
struct col {
	const char *name;	/* OLD's header cell, in diff.names */
	size_t name_at;		/* its offset there while names grows */
	int oc, nc;		/* 0-based file columns */
	int is_amount;
	int mask;	/* shown masked (opts.mask) */
};

struct diff {
	const struct payroll_diff_opts *o;
	struct payroll_diff_result *res;
	struct payroll_error *err;
	struct side s[2];	/* 0 OLD, 1 NEW */
	const char *key;	/* the key list: --key, or the default */
	char *keybuf;		/* the key list, split in place */
	const char *keyname[MAXKEY];
	int keymask[MAXKEY];	/* key column shown masked (opts.mask) */
	int nkey;
	struct col *cols;
	int ncols, namew;
	struct payroll_buf only;	/* rendered "column only in" records */
	struct payroll_buf sect[3];	/* removed, changed, added */
	int64_t tolerance;
	unsigned only_kinds;
	struct ent *ent;		/* the index, in the indexed file's order */
	size_t nent;
	struct payroll_keyindex ix;	/* open addressing over ent */
	struct lone *lone;		/* the streamed file's rows without a match */
	size_t nlone, naonly;
	struct payroll_buf arena;	/* captured rows of the streamed file */
	size_t ncap;			/* columns of a captured row */
	const char **capv;		/* a captured row's values, for rendering */
	size_t *capn;
	struct payroll_buf *target[3];	/* where records of each kind are rendered */
	struct payroll_buf names;	/* compared columns' names (tables are reopened) */
	struct payroll_buf shown[3];	/* masked values: OLD's, NEW's, a key's */
};

int
payroll_diff_format_parse(const char *s)
{
	if (!strcmp(s, "text"))
		return PAYROLL_DIFF_TEXT;
	if (!strcmp(s, "csv"))
		return PAYROLL_DIFF_CSV;
	if (!strcmp(s, "json"))
		return PAYROLL_DIFF_JSON;
	return -1;
}

int
payroll_diff_only_parse(const char *s)
{
	int bits = 0;
	size_t n;

	while (*s) {
		n = strcspn(s, ",");
		if (n == 5 && !strncmp(s, "added", 5))
			bits |= PAYROLL_DIFF_ADDED;
		else if (n == 7 && !strncmp(s, "removed", 7))
			bits |= PAYROLL_DIFF_REMOVED;
		else if (n == 7 && !strncmp(s, "changed", 7))
			bits |= PAYROLL_DIFF_CHANGED;
		else
			return -1;
		s += n;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	return bits ? bits : -1;
}

/* Find a header cell by name, case-insensitively; -1 when absent. */
static int
find_col(const struct payroll_table *t, const char *name, size_t n)
{
	size_t c, nc = payroll_table_ncolumns(t);

	for (c = 1; c <= nc; c++) {
		const char *h = payroll_table_header(t, (int)c);

		if (strlen(h) == n && !strncasecmp(h, name, n))
			return (int)c - 1;
	}
	return -1;
}

/* Is name in the comma list? */
/* Is column h one of those --mask masks (account and id numbers)? */
static int
masked_column(const char *h)
{
	return !strcasecmp(h, "account") || !strcasecmp(h, "id_number") ||
	       !strcmp(h, "账号") || !strcmp(h, "身份证号");
}

static int
in_list(const char *list, const char *name)
{
	size_t n, len = strlen(name);

	while (list && *list) {
		n = strcspn(list, ",");
		if (n == len && !strncasecmp(list, name, n))
			return 1;
		list += n + (list[n] == ',');
	}
	return 0;
}

static int
fmt_error(struct diff *d, const char *path, const struct payroll_row *row)
{
	static const char *const code[] = { "ok", "bad-row", "bad-encoding", "bad-char", "bad-csv" };

	if (row->problem == PAYROLL_ROW_FIELD_COUNT)
		return payroll_error_set(d->err, PAYROLL_EFORMAT, path, row->line, 0, code[1],
					 "line has %zu fields, the header has more or fewer", row->nfields);
	return payroll_error_set(d->err, PAYROLL_EFORMAT, path, row->line, row->problem_col,
				 code[row->problem], "column %d: %s", row->problem_col,
				 row->problem == PAYROLL_ROW_ENCODING ? "invalid byte sequence" :
				 row->problem == PAYROLL_ROW_CONTROL ? "control character in value" :
				 "a stray quote; a quoted field must be quoted whole");
}

/* Next good row of side i: 1, 0 at end, or a negative PAYROLL_E*. */
static int
next_row(struct diff *d, int i, struct payroll_row *row)
{
	int rc = payroll_table_next(d->s[i].t, row, d->err);

	if (rc <= 0)
		return rc;
	if (row->problem != PAYROLL_ROW_OK)
		return fmt_error(d, d->s[i].path, row);
	if (row->line > (long)MATE_LINE)
		return payroll_error_set(d->err, PAYROLL_EOVERFLOW, d->s[i].path, row->line, 0,
					 "too-many-lines", "more than %u lines", MATE_LINE);
	return 1;
}

/* Amount of the row in fen ("-" allowed before it, as reconcile writes). */
static int
row_amount(struct diff *d, int i, const struct payroll_row *row, int64_t *fen)
{
	const char *s, *why = NULL;	/* translated only on an error */
	size_t n;
	int neg, rc;

	*fen = 0;
	if (d->s[i].amount < 0)
		return 0;
	s = row->v[d->s[i].amount];
	n = row->n[d->s[i].amount];
	neg = n > 0 && s[0] == '-';
	rc = payroll_money_parse(s + neg, n - (size_t)neg, fen, &why);
	if (rc)
		return payroll_error_set(d->err, rc == PAYROLL_EOVERFLOW ? rc : PAYROLL_EFORMAT,
					 d->s[i].path, row->line, d->s[i].amount + 1, "bad-money",
					 "amount '%.*s': %s", (int)(n > 40 ? 40 : n), s,
					 rc == PAYROLL_EOVERFLOW ? _("too large") :
					 why ? why : _("not money"));
	if (neg)
		*fen = -*fen;
	if (payroll_add(d->s[i].sum, *fen, &d->s[i].sum))
		return payroll_error_set(d->err, PAYROLL_EOVERFLOW, d->s[i].path, row->line, 0,
					 "overflow", "the sum of amount does not fit");
	return 0;
}

static void
hash_row(const struct diff *d, int i, const struct payroll_row *row, uint64_t *key, uint64_t *val)
{
	uint64_t h = PAYROLL_KEYHASH_INIT;
	int k;

	for (k = 0; k < d->nkey; k++)
		h = payroll_keyhash_add(h, row->v[d->s[i].key[k]], row->n[d->s[i].key[k]]);
	*key = payroll_keyhash_end(h);
	h = PAYROLL_KEYHASH_INIT;
	for (k = 0; k < d->ncols; k++) {
		int c = i ? d->cols[k].nc : d->cols[k].oc;

		if (!d->cols[k].is_amount)
			h = payroll_keyhash_add(h, row->v[c], row->n[c]);
	}
	*val = payroll_keyhash_end(h);
}

static int
nomem(struct diff *d)
{
	return payroll_error_set(d->err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
}

static int
is_key(const struct diff *d, const char *h)
{
	int k;

	for (k = 0; k < d->nkey; k++)
		if (!strcasecmp(d->keyname[k], h))
			return 1;
	return 0;
}

/* Record a column of file i only, in the output's format. */
static int
only_column(struct diff *d, int i, const char *h)
{
	struct payroll_buf *b = &d->only;
	int k;

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		return payroll_buf_addf(b, "column only in %s: %s\n", i ? "new" : "old", h);
	case PAYROLL_DIFF_CSV:
		if (payroll_buf_addf(b, "only-in-%s,,,", i ? "new" : "old"))
			return -1;
		for (k = 0; k < d->nkey; k++)
			if (payroll_buf_addch(b, ','))
				return -1;
		return payroll_buf_addcsv(b, h, strlen(h)) || payroll_buf_addstr(b, ",,\n");
	case PAYROLL_DIFF_JSON:
		if (b->len && payroll_buf_addstr(b, ",\n  "))
			return -1;
		return payroll_buf_addf(b, "{\"side\": \"%s\", \"column\": \"", i ? "new" : "old") ||
		       payroll_buf_addjson(b, h, strlen(h)) || payroll_buf_addstr(b, "\"}");
	}
	return 0;
}

/* Open both files and match their columns. */
static int
setup(struct diff *d)
{
	const struct payroll_diff_opts *o = d->o;
	const char *paths[2] = { o->old_path, o->new_path };
	char *p;
	size_t c, nc;
	int i, k, rc;

	if (!paths[0] || !paths[1])
		return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "two files are needed");
	if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-"))
		return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "only one of the files can be standard input");
	for (i = 0; i < 2; i++) {
		d->s[i].path = paths[i];
		d->s[i].amount = -1;
		if ((rc = payroll_table_open_path(&d->s[i].t, paths[i], PAYROLL_ENC_AUTO, NULL, 0,
						  d->err)) != 0)
			return rc;
		nc = payroll_table_ncolumns(d->s[i].t);
		for (c = 1; c <= nc; c++) {
			const char *h = payroll_table_header(d->s[i].t, (int)c);

			if (find_col(d->s[i].t, h, strlen(h)) != (int)c - 1)
				return payroll_error_set(d->err, PAYROLL_EFORMAT, paths[i], 1, (int)c,
							 "duplicate-column", "column '%s' appears twice", h);
		}
	}
	/* two bank csv files (no case_id, a seq) are keyed by seq (SPEC 6.1) */
	d->key = o->key ? o->key : "case_id,item,month";
	if (!o->key && find_col(d->s[0].t, "case_id", 7) < 0 && find_col(d->s[1].t, "case_id", 7) < 0 &&
	    find_col(d->s[0].t, "seq", 3) >= 0 && find_col(d->s[1].t, "seq", 3) >= 0)
		d->key = "seq";
	d->keybuf = strdup(d->key);
	if (!d->keybuf)
		return payroll_error_set(d->err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
	for (p = d->keybuf; ; p++) {
		size_t n = strcspn(p, ",");

		if (n == 0)
			return payroll_error_option(d->err, PAYROLL_EUSAGE, "key", "usage",
						 "'%s': an empty column name", o->key);
		if (d->nkey == MAXKEY)
			return payroll_error_option(d->err, PAYROLL_EUSAGE, "key", "usage",
						 "takes at most %d columns", MAXKEY);
		d->keyname[d->nkey++] = p;
		if (p[n] == '\0')
			break;
		p[n] = '\0';
		p += n;
	}
	for (k = 0; k < d->nkey; k++)
		d->keymask[k] = masked_column(d->keyname[k]);
	for (k = 0; k < d->nkey; k++)
		for (i = 0; i < 2; i++) {
			d->s[i].key[k] = find_col(d->s[i].t, d->keyname[k], strlen(d->keyname[k]));
			if (d->s[i].key[k] < 0)
				return payroll_error_set(d->err, PAYROLL_EUSAGE, paths[i], 1, 0,
							 "missing-column", "no key column '%s'",
							 d->keyname[k]);
			if (in_list(o->ignore, d->keyname[k]))
				return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
							 "'%s' is a key column: it cannot be ignored",
							 d->keyname[k]);
		}
	for (p = (char *)o->ignore; p && *p; ) {
		size_t n = strcspn(p, ",");

		if (n == 0 || (find_col(d->s[0].t, p, n) < 0 && find_col(d->s[1].t, p, n) < 0))
			return payroll_error_option(d->err, PAYROLL_EUSAGE, "ignore", "usage",
						    "names no column '%.*s' of either file", (int)n, p);
		p += n + (p[n] == ',');
	}
	nc = payroll_table_ncolumns(d->s[0].t) + payroll_table_ncolumns(d->s[1].t);
	d->cols = calloc(nc ? nc : 1, sizeof *d->cols);
	if (!d->cols)
		return payroll_error_set(d->err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
	/* OLD's order; the columns of one file only are reported, not compared */
	for (i = 0; i < 2; i++) {
		nc = payroll_table_ncolumns(d->s[i].t);
		for (c = 1; c <= nc; c++) {
			const char *h = payroll_table_header(d->s[i].t, (int)c);
			int other = find_col(d->s[!i].t, h, strlen(h));

			if (is_key(d, h) || in_list(o->ignore, h))
				continue;
			if (other < 0) {
				d->res->only_columns++;
				if (only_column(d, i, h))
					return payroll_error_set(d->err, PAYROLL_ENOMEM, NULL, 0, 0,
								 "no-memory", "out of memory");
				continue;
			}
			if (i == 1)
				continue;
			d->cols[d->ncols].name_at = d->names.len;
			if (payroll_buf_add(&d->names, h, strlen(h) + 1))
				return nomem(d);
			d->cols[d->ncols].oc = (int)c - 1;
			d->cols[d->ncols].nc = other;
			d->cols[d->ncols].is_amount = !strcasecmp(h, "amount");
			d->cols[d->ncols].mask = masked_column(h);
			if (d->cols[d->ncols].is_amount) {
				d->s[0].amount = (int)c - 1;
				d->s[1].amount = other;
				d->res->has_amount = 1;
			}
			if ((int)strlen(h) > d->namew)
				d->namew = (int)strlen(h);
			d->ncols++;
		}
	}
	for (k = 0; k < d->ncols; k++)
		d->cols[k].name = d->names.p + d->cols[k].name_at;
	return 0;
}

static int
dup_key(struct diff *d, int i, uint32_t first, uint32_t second)
{
	return payroll_error_set(d->err, PAYROLL_EFORMAT, d->s[i].path, (long)second, 0,
				 "duplicate-key", "the key (%s) of this line is also on line %u",
				 d->key, first);
}

/* The index over d->ent, built once the indexed file is read; the first
 * duplicate key in file order is an error. */
static int
index_build(struct diff *d, int a)
{
	size_t first, second;
	int rc = payroll_keyindex_build(&d->ix, d->ent, d->nent, sizeof *d->ent, &first, &second);

	if (rc == 1)
		return dup_key(d, a, d->ent[first].line, d->ent[second].line);
	return rc ? nomem(d) : 0;
}

static struct ent *
index_find(const struct diff *d, uint64_t key)
{
	size_t i = payroll_keyindex_find(&d->ix, key);

	return i == SIZE_MAX ? NULL : &d->ent[i];
}

/*
 * A row as kept for the report, appended to b: its line, then every file
 * column as a 32-bit length and the bytes, NUL-terminated.
 */
static int
capture(struct payroll_buf *b, const struct payroll_row *row, size_t nc)
{
	uint32_t u[2] = { (uint32_t)row->line, (uint32_t)nc }, n;
	size_t c, need = sizeof u;
	char *p;

	for (c = 0; c < nc; c++) {
		if (row->n[c] > UINT32_MAX)
			return -1;
		need += sizeof n + row->n[c] + 1;
	}
	if (payroll_buf_reserve(b, need + 1))
		return -1;
	p = b->p + b->len;
	memcpy(p, u, sizeof u);
	p += sizeof u;
	for (c = 0; c < nc; c++) {
		n = (uint32_t)row->n[c];
		memcpy(p, &n, sizeof n);
		p += sizeof n;
		if (n)
			memcpy(p, row->v[c], n);
		p += n;
		*p++ = '\0';
	}
	b->len += need;
	b->p[b->len] = '\0';
	return 0;
}

/* A captured row back as a payroll_row (valid until the next call). */
static void
uncapture(struct diff *d, size_t at, struct payroll_row *row)
{
	const char *p = d->arena.p + at;
	uint32_t u[2], n;
	size_t c;

	memcpy(u, p, sizeof u);
	p += sizeof u;
	for (c = 0; c < u[1]; c++) {
		memcpy(&n, p, sizeof n);
		p += sizeof n;
		d->capv[c] = p;
		d->capn[c] = n;
		p += n + 1;
	}
	memset(row, 0, sizeof *row);
	row->line = u[0];
	row->nfields = u[1];
	row->v = d->capv;
	row->n = d->capn;
}

static int
cmp_lone_key(const void *a, const void *b)
{
	const struct lone *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_lone_line(const void *a, const void *b)
{
	const struct lone *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static int
sum_add(struct diff *d, int i, int64_t *sum, int64_t fen)
{
	if (payroll_add(*sum, fen, sum))
		return payroll_error_set(d->err, PAYROLL_EOVERFLOW, d->s[i].path, 0, 0,
					 "overflow", "the sum of amount does not fit");
	return 0;
}

/*
 * A row of the streamed file on its way through the index. Rows are looked
 * up PIPE rows after they were read: the slot is prefetched when the row
 * comes, its entry two rows later, so the lookup finds both in cache. The
 * row's values are kept (report only) until the lookup says whether they
 * are needed.
 */
#define PIPE 4
struct pending {
	uint64_t key, val;
	int64_t amount;
	uint32_t line;
	int live;
	struct payroll_buf cap;
};

struct stream {
	int b;			/* the streamed side */
	unsigned keep;		/* kinds reported: capture rows for them */
	unsigned want_b;	/* the kind of b's rows without a match */
	size_t lcap;
	int64_t bonly_sum;
	struct pending p[PIPE];
};

/* Look a pending row up and account for it. */
static int
resolve(struct diff *d, struct stream *st, struct pending *pr)
{
	struct ent *hit;
	int64_t delta;
	size_t at;

	pr->live = 0;
	hit = index_find(d, pr->key);
	if (hit) {
		delta = hit->amount - pr->amount;
		if (hit->mate)
			return dup_key(d, st->b, hit->mate & MATE_LINE, pr->line);
		hit->mate = pr->line;
		if (hit->val != pr->val || delta > d->tolerance || -delta > d->tolerance) {
			hit->mate |= MATE_CHANGED;
			/* the value hash is done with: where b's values are */
			hit->val = d->arena.len;
			if ((st->keep & PAYROLL_DIFF_CHANGED) &&
			    payroll_buf_add(&d->arena, pr->cap.p, pr->cap.len))
				return nomem(d);
		}
		return 0;
	}
	if (payroll_grow((void **)&d->lone, d->nlone, &st->lcap, sizeof *d->lone))
		return nomem(d);
	at = SIZE_MAX;
	if (st->keep & st->want_b) {
		at = d->arena.len;
		if (payroll_buf_add(&d->arena, pr->cap.p, pr->cap.len))
			return nomem(d);
	}
	d->lone[d->nlone].key = pr->key;
	d->lone[d->nlone].line = pr->line;
	d->lone[d->nlone].at = at;
	d->nlone++;
	return sum_add(d, st->b, &st->bonly_sum, pr->amount);
}

/* Resolve every pending row, oldest first (r: rows read so far). */
static int
drain(struct diff *d, struct stream *st, size_t r)
{
	size_t i;
	int rc;

	for (i = r < PIPE ? 0 : r - PIPE; i < r; i++)
		if (st->p[i % PIPE].live && (rc = resolve(d, st, &st->p[i % PIPE])) != 0)
			return rc;
	return 0;
}

/* An error at row r: an earlier row's problem is reported first. */
static int
fail_after_drain(struct diff *d, struct stream *st, size_t r, int rc)
{
	struct payroll_error saved = *d->err;
	int rc2 = drain(d, st, r);

	if (rc2)
		return rc2;
	*d->err = saved;
	return rc;
}

static int
stream(struct diff *d, struct stream *st)
{
	struct payroll_row row;
	size_t r = 0;
	int rc;

	while ((rc = next_row(d, st->b, &row)) == 1) {
		struct pending *pr = &st->p[r % PIPE], *mid;

		/* the oldest row leaves the pipe; this one takes its place */
		if (pr->live && (rc = resolve(d, st, pr)) != 0)
			return rc;
		d->s[st->b].rows++;
		if ((rc = row_amount(d, st->b, &row, &pr->amount)) != 0)
			return fail_after_drain(d, st, r, rc);
		hash_row(d, st->b, &row, &pr->key, &pr->val);
		pr->line = (uint32_t)row.line;
		payroll_keyindex_prefetch(&d->ix, pr->key);
		if (st->keep) {
			payroll_buf_reset(&pr->cap);
			if (capture(&pr->cap, &row, d->ncap))
				return nomem(d);
		}
		pr->live = 1;
		r++;
		mid = &st->p[(r + PIPE / 2) % PIPE];
		if (mid->live)
			payroll_keyindex_prefetch_entry(&d->ix, mid->key);
	}
	if (rc < 0)
		return fail_after_drain(d, st, r, rc);
	return drain(d, st, r);
}

/*
 * Pass 1: index side a (the smaller) in file order; stream the other side
 * b through it. Rows of b that differ (no match, or changed) are captured
 * for the report, so that only side a is read again.
 */
static int
pass1(struct diff *d, int a, int keep)
{
	struct payroll_row row;
	struct stream st;
	size_t cap = 0, k;
	int b = !a, rc, i;
	int64_t aonly_sum = 0;

	while ((rc = next_row(d, a, &row)) == 1) {
		struct ent *e;

		if (d->nent == cap) {
			size_t old = cap;

			if (payroll_grow((void **)&d->ent, d->nent, &cap, sizeof *d->ent))
				return nomem(d);
			payroll_huge_pages(d->ent + old, (cap - old) * sizeof *d->ent);
		}
		e = &d->ent[d->nent];
		if ((rc = row_amount(d, a, &row, &e->amount)) != 0)
			return rc;
		hash_row(d, a, &row, &e->key, &e->val);
		e->line = (uint32_t)row.line;
		e->mate = 0;
		d->nent++;
	}
	if (rc < 0)
		return rc;
	d->s[a].rows = (long)d->nent;
	if ((rc = index_build(d, a)) != 0)
		return rc;

	memset(&st, 0, sizeof st);
	st.b = b;
	st.keep = (unsigned)keep;
	st.want_b = b == 1 ? PAYROLL_DIFF_ADDED : PAYROLL_DIFF_REMOVED;
	d->ncap = payroll_table_ncolumns(d->s[b].t);
	rc = stream(d, &st);
	for (i = 0; i < PIPE; i++)
		payroll_buf_release(&st.p[i].cap);
	if (rc)
		return rc;
	/* the index is done with; duplicates among b's rows without a match */
	payroll_keyindex_release(&d->ix);
	if (d->nlone > 1) {
		qsort(d->lone, d->nlone, sizeof *d->lone, cmp_lone_key);
		for (k = 1; k < d->nlone; k++)
			if (d->lone[k].key == d->lone[k - 1].key)
				return dup_key(d, b, d->lone[k - 1].line, d->lone[k].line);
		qsort(d->lone, d->nlone, sizeof *d->lone, cmp_lone_line);
	}
	for (k = 0; k < d->nent; k++) {
		if (d->ent[k].mate == 0) {
			d->naonly++;
			if ((rc = sum_add(d, a, &aonly_sum, d->ent[k].amount)) != 0)
				return rc;
		} else if (d->ent[k].mate & MATE_CHANGED) {
			d->res->changed++;
		} else {
			d->res->unchanged++;
		}
	}
	d->res->removed = (long)(a == 0 ? d->naonly : d->nlone);
	d->res->added = (long)(a == 0 ? d->nlone : d->naonly);
	d->res->removed_sum = a == 0 ? aonly_sum : st.bonly_sum;
	d->res->added_sum = a == 0 ? st.bonly_sum : aonly_sum;
	return 0;
}

/*
 * With --mask and mask set, replace *v,*n by its masked form, kept in
 * d->shown[slot] until that slot is used again. 0 or PAYROLL_ENOMEM.
 */
static int
shown(struct diff *d, int slot, int mask, const char **v, size_t *n)
{
	if (!mask || !d->o->mask)
		return 0;
	payroll_buf_reset(&d->shown[slot]);
	if (payroll_mask_number(&d->shown[slot], *v, *n))
		return PAYROLL_ENOMEM;
	*v = payroll_buf_str(&d->shown[slot]);
	*n = d->shown[slot].len;
	return 0;
}

/* Value of compared column k in a row of side i. */
static const char *
val(const struct diff *d, int i, const struct payroll_row *row, int k, size_t *n)
{
	int c = i ? d->cols[k].nc : d->cols[k].oc;

	*n = row->n[c];
	return row->v[c];
}

static int
add_key(struct diff *d, struct payroll_buf *b, int i, const struct payroll_row *row)
{
	int k, rc = 0;

	for (k = 0; k < d->nkey && rc == 0; k++) {
		const char *v = row->v[d->s[i].key[k]];
		size_t n = row->n[d->s[i].key[k]];

		if ((rc = shown(d, 2, d->keymask[k], &v, &n)) != 0)
			break;
		switch (d->o->format) {
		case PAYROLL_DIFF_TEXT:
			rc = (k && payroll_buf_addch(b, ',')) || payroll_buf_add(b, v, n);
			break;
		case PAYROLL_DIFF_CSV:
			rc = payroll_buf_addch(b, ',') || payroll_buf_addcsv(b, v, n);
			break;
		case PAYROLL_DIFF_JSON:
			rc = payroll_buf_addstr(b, k ? ", \"" : "[\"") || payroll_buf_addjson(b, v, n) ||
			     payroll_buf_addch(b, '"');
			break;
		}
	}
	if (rc == 0 && d->o->format == PAYROLL_DIFF_JSON)
		rc = payroll_buf_addch(b, ']');
	return rc;
}

/* Start a record of kind (0 removed, 1 changed, 2 added) in its section. */
static int
record_head(struct diff *d, int kind, uint32_t old_line, uint32_t new_line,
	    int i, const struct payroll_row *row)
{
	static const char *const kinds[] = { "removed", "changed", "added" };
	struct payroll_buf *b = d->target[kind];
	char o[24] = "", n[24] = "";

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		if (old_line)
			snprintf(o, sizeof o, "old:%u", old_line);
		if (new_line)
			snprintf(n, sizeof n, "new:%u", new_line);
		return payroll_buf_addf(b, "%-8s %-12s %-12s ", kinds[kind], o, n) ||
		       add_key(d, b, i, row) || payroll_buf_addch(b, '\n');
	case PAYROLL_DIFF_JSON:
		if (b->len && payroll_buf_addstr(b, ",\n"))
			return -1;
		if (payroll_buf_addstr(b, "    {"))
			return -1;
		if (old_line && payroll_buf_addf(b, "\"old_line\": %u, ", old_line))
			return -1;
		if (new_line && payroll_buf_addf(b, "\"new_line\": %u, ", new_line))
			return -1;
		return payroll_buf_addstr(b, "\"key\": ") || add_key(d, b, i, row) ||
		       payroll_buf_addstr(b, kind == 1 ? ", \"columns\": {" : ", \"values\": {");
	case PAYROLL_DIFF_CSV:
		break;
	}
	return 0;
}

/* A CSV record line: kind, lines, key, column, old, new. */
static int
csv_line(struct diff *d, int kind, uint32_t old_line, uint32_t new_line, int i,
	 const struct payroll_row *row, const char *col, const char *ov, size_t on,
	 const char *nv, size_t nn)
{
	static const char *const kinds[] = { "removed", "changed", "added" };
	struct payroll_buf *b = d->target[kind];
	int rc = payroll_buf_addstr(b, kinds[kind]) || payroll_buf_addch(b, ',');

	if (rc == 0 && old_line)
		rc = payroll_buf_addf(b, "%u", old_line);
	rc = rc || payroll_buf_addch(b, ',');
	if (rc == 0 && new_line)
		rc = payroll_buf_addf(b, "%u", new_line);
	return rc || add_key(d, b, i, row) || payroll_buf_addch(b, ',') ||
	       payroll_buf_addcsv(b, col, strlen(col)) || payroll_buf_addch(b, ',') ||
	       payroll_buf_addcsv(b, ov, on) || payroll_buf_addch(b, ',') ||
	       payroll_buf_addcsv(b, nv, nn) || payroll_buf_addch(b, '\n');
}

/* A removed (kind 0, side OLD) or added (kind 2, side NEW) row, all its values. */
static int
render_lone(struct diff *d, int kind, const struct payroll_row *row)
{
	int i = kind == 2, k, rc = 0;
	uint32_t line = (uint32_t)row->line;
	struct payroll_buf *b = d->target[kind];

	if (d->o->format == PAYROLL_DIFF_CSV) {
		for (k = 0; k < d->ncols && rc == 0; k++) {
			size_t n;
			const char *v = val(d, i, row, k, &n);

			rc = shown(d, i, d->cols[k].mask, &v, &n) ||
			     csv_line(d, kind, i ? 0 : line, i ? line : 0, i, row, d->cols[k].name,
				      i ? "" : v, i ? 0 : n, i ? v : "", i ? n : 0);
		}
		return rc;
	}
	rc = record_head(d, kind, i ? 0 : line, i ? line : 0, i, row);
	if (rc == 0 && d->o->format == PAYROLL_DIFF_TEXT)
		rc = payroll_buf_addstr(b, "        ");
	for (k = 0; k < d->ncols && rc == 0; k++) {
		size_t n;
		const char *v = val(d, i, row, k, &n);

		if ((rc = shown(d, i, d->cols[k].mask, &v, &n)) != 0)
			break;
		if (d->o->format == PAYROLL_DIFF_TEXT)
			rc = payroll_buf_addf(b, " %s=", d->cols[k].name) || payroll_buf_add(b, v, n);
		else
			rc = payroll_buf_addstr(b, k ? ", \"" : "\"") ||
			     payroll_buf_addjson(b, d->cols[k].name, strlen(d->cols[k].name)) ||
			     payroll_buf_addstr(b, "\": \"") || payroll_buf_addjson(b, v, n) ||
			     payroll_buf_addch(b, '"');
	}
	if (rc == 0)
		rc = payroll_buf_addstr(b, d->o->format == PAYROLL_DIFF_TEXT ? "\n" : "}}");
	return rc;
}

/* Do two values of compared column k differ (amount: by more than the tolerance)? */
static int
differs(const struct diff *d, int k, const char *a, size_t an, const char *b, size_t bn)
{
	int64_t x = 0, y = 0;
	const char *why;
	int na, nb;

	if (!d->cols[k].is_amount)
		return an != bn || memcmp(a, b, an);
	na = an > 0 && a[0] == '-';
	nb = bn > 0 && b[0] == '-';
	/* both parsed in pass 1 */
	if (payroll_money_parse(a + na, an - (size_t)na, &x, &why) ||
	    payroll_money_parse(b + nb, bn - (size_t)nb, &y, &why))
		return 1;
	x = na ? -x : x;
	y = nb ? -y : y;
	return x - y > d->tolerance || y - x > d->tolerance;
}

static int
reopen(struct diff *d, int i)
{
	payroll_table_close(d->s[i].t);
	d->s[i].t = NULL;
	return payroll_table_open_path(&d->s[i].t, d->s[i].path, PAYROLL_ENC_AUTO, NULL, 0, d->err);
}

/* A changed row: OLD's row and NEW's. */
static int
render_changed(struct diff *d, const struct payroll_row *orow, const struct payroll_row *nrow)
{
	struct payroll_buf *b = d->target[1];
	uint32_t ol = (uint32_t)orow->line, nl = (uint32_t)nrow->line;
	int k, rc = 0, first = 1;

	if (d->o->format != PAYROLL_DIFF_CSV)
		rc = record_head(d, 1, ol, nl, 0, orow);
	for (k = 0; k < d->ncols && rc == 0; k++) {
		size_t on, nn;
		const char *ov = val(d, 0, orow, k, &on), *nv = val(d, 1, nrow, k, &nn);

		if (!differs(d, k, ov, on, nv, nn))
			continue;
		if ((rc = shown(d, 0, d->cols[k].mask, &ov, &on) ||
			  shown(d, 1, d->cols[k].mask, &nv, &nn)) != 0)
			break;
		switch (d->o->format) {
		case PAYROLL_DIFF_TEXT:
			rc = payroll_buf_addf(b, "         %-*s  ", d->namew, d->cols[k].name) ||
			     payroll_buf_add(b, ov, on) || payroll_buf_addstr(b, " -> ") ||
			     payroll_buf_add(b, nv, nn) || payroll_buf_addch(b, '\n');
			break;
		case PAYROLL_DIFF_CSV:
			rc = csv_line(d, 1, ol, nl, 0, orow, d->cols[k].name, ov, on, nv, nn);
			break;
		case PAYROLL_DIFF_JSON:
			rc = payroll_buf_addstr(b, first ? "\"" : ", \"") ||
			     payroll_buf_addjson(b, d->cols[k].name, strlen(d->cols[k].name)) ||
			     payroll_buf_addstr(b, "\": {\"old\": \"") ||
			     payroll_buf_addjson(b, ov, on) ||
			     payroll_buf_addstr(b, "\", \"new\": \"") ||
			     payroll_buf_addjson(b, nv, nn) || payroll_buf_addstr(b, "\"}");
			break;
		}
		first = 0;
	}
	if (rc == 0 && d->o->format == PAYROLL_DIFF_JSON)
		rc = payroll_buf_addstr(b, "}}");
	return rc;
}

/* A rendered changed record waiting to be put in OLD's order. */
struct held {
	uint32_t old_line;
	size_t at, len;
};

static int
cmp_held(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	return (x->old_line > y->old_line) - (x->old_line < y->old_line);
}

/* Does pass 2 render this entry of side a? */
static int
renders(const struct diff *d, const struct ent *e, unsigned want_a)
{
	if (e->mate == 0)
		return (d->only_kinds & want_a) != 0;
	return (e->mate & MATE_CHANGED) && (d->only_kinds & PAYROLL_DIFF_CHANGED);
}

/*
 * Pass 2: read the indexed side a again (its rows are the entries, in
 * order) and render its rows that differ, with the streamed side's values
 * from the arena; then the streamed side's rows without a match. Records
 * come out removed and changed in OLD's line order, added in NEW's.
 */
static int
pass2(struct diff *d, int a)
{
	struct payroll_row row, other;
	struct payroll_buf held_text = { 0 }, one = { 0 };
	struct held *held = NULL;
	size_t k = 0, nheld = 0, hcap = 0, left, i;
	int kind_a = a == 0 ? 0 : 2, kind_b = 2 - kind_a, rc = 0;
	unsigned want = d->only_kinds;
	unsigned want_a = a == 0 ? PAYROLL_DIFF_REMOVED : PAYROLL_DIFF_ADDED;

	left = (want & want_a ? d->naonly : 0) +
	       (want & PAYROLL_DIFF_CHANGED ? (size_t)d->res->changed : 0);
	d->capv = calloc(d->ncap + 1, sizeof *d->capv);
	d->capn = calloc(d->ncap + 1, sizeof *d->capn);
	if (!d->capv || !d->capn)
		return nomem(d);
	if (left && (rc = reopen(d, a)) != 0)
		return rc;
	/* Reading NEW again gives its changed rows in NEW's order: hold them. */
	if (a == 1)
		d->target[1] = &one;
	for (;;) {
		const struct ent *e;

		/* the next row to render, straight to its line */
		while (left && k < d->nent && !renders(d, &d->ent[k], want_a))
			k++;
		if (!left || k == d->nent)
			break;
		e = &d->ent[k++];
		if ((rc = payroll_table_skip_to(d->s[a].t, (long)e->line, d->err)) != 0 ||
		    (rc = next_row(d, a, &row)) != 1)
			break;
		if (e->line != (uint32_t)row.line) {
			rc = payroll_error_set(d->err, PAYROLL_EIO, d->s[a].path, row.line, 0,
					       "changed-file", "the file changed while it was read");
			goto out;
		}
		if (e->mate == 0 && (want & want_a)) {
			left--;
			if (render_lone(d, kind_a, &row))
				goto nomem;
		} else if ((e->mate & MATE_CHANGED) && (want & PAYROLL_DIFF_CHANGED)) {
			left--;
			uncapture(d, e->val, &other);
			if (a == 0) {
				if (render_changed(d, &row, &other))
					goto nomem;
				continue;
			}
			payroll_buf_reset(&one);
			if (render_changed(d, &other, &row) ||
			    payroll_grow((void **)&held, nheld, &hcap, sizeof *held))
				goto nomem;
			held[nheld].old_line = (uint32_t)other.line;
			held[nheld].at = held_text.len;
			held[nheld].len = one.len;
			nheld++;
			if (payroll_buf_add(&held_text, one.p, one.len))
				goto nomem;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (left) {
		rc = payroll_error_set(d->err, PAYROLL_EIO, d->s[a].path, 0, 0, "changed-file",
				       "the file changed while it was read");
		goto out;
	}
	d->target[1] = &d->sect[1];
	if (nheld > 1)
		qsort(held, nheld, sizeof *held, cmp_held);
	for (i = 0; i < nheld; i++)
		if ((d->o->format == PAYROLL_DIFF_JSON && d->sect[1].len &&
		     payroll_buf_addstr(&d->sect[1], ",\n")) ||
		    payroll_buf_add(&d->sect[1], held_text.p + held[i].at, held[i].len))
			goto nomem;
	if (want & (a == 0 ? PAYROLL_DIFF_ADDED : PAYROLL_DIFF_REMOVED))
		for (i = 0; i < d->nlone; i++) {
			uncapture(d, d->lone[i].at, &other);
			if (render_lone(d, kind_b, &other))
				goto nomem;
		}
	goto out;
nomem:
	rc = nomem(d);
out:
	d->target[1] = &d->sect[1];
	free(held);
	payroll_buf_release(&held_text);
	payroll_buf_release(&one);
	return rc;
}

static int
write_out(struct diff *d)
{
	static const char *const names[] = { "removed", "changed", "added" };
	static const unsigned bits[] = { PAYROLL_DIFF_REMOVED, PAYROLL_DIFF_CHANGED, PAYROLL_DIFF_ADDED };
	const char *path = d->o->output ? d->o->output : "-";
	struct payroll_outfile *out = NULL;
	struct payroll_buf head = { 0 }, tail = { 0 };
	const struct payroll_diff_fmt f = {
		.o = d->o, .res = d->res, .path = { d->s[0].path, d->s[1].path },
		.keyname = d->keyname, .nkey = d->nkey, .only = payroll_buf_str(&d->only),
	};
	int rc, i;

	rc = payroll_diff_fmt_preamble(&f, &head) ? nomem(d) : 0;
	if (rc == 0 && payroll_diff_fmt_summary(&f, &tail))
		rc = nomem(d);
	if (rc == 0)
		rc = payroll_outfile_open(&out, path, 0, d->err);
	if (rc == 0 && payroll_outfile_puts(out, payroll_buf_str(&head)))
		rc = PAYROLL_EIO;
	for (i = 0; i < 3 && rc == 0 && !d->o->summary; i++) {
		if (!(d->only_kinds & bits[i]))
			continue;
		if (d->o->format == PAYROLL_DIFF_JSON) {
			if (payroll_outfile_puts(out, "  \"") || payroll_outfile_puts(out, names[i]) ||
			    payroll_outfile_puts(out, d->sect[i].len ? "\": [\n" : "\": [") ||
			    payroll_outfile_puts(out, payroll_buf_str(&d->sect[i])) ||
			    payroll_outfile_puts(out, d->sect[i].len ? "\n  ],\n" : "],\n"))
				rc = PAYROLL_EIO;
		} else if (d->sect[i].len && payroll_outfile_write(out, d->sect[i].p, d->sect[i].len)) {
			rc = PAYROLL_EIO;
		}
	}
	if (rc == 0 && (payroll_outfile_puts(out, payroll_buf_str(&tail)) ||
			(d->o->format == PAYROLL_DIFF_JSON && payroll_outfile_puts(out, "}\n"))))
		rc = PAYROLL_EIO;
	if (rc == PAYROLL_EIO)
		payroll_error_errno(d->err, rc, path, "cannot write");
	if (rc == 0) {
		rc = payroll_outfile_commit(out, d->err);
		out = NULL;
	}
	payroll_outfile_abort(out);
	payroll_buf_release(&head);
	payroll_buf_release(&tail);
	return rc;
}

int
payroll_diff(const struct payroll_diff_opts *o, struct payroll_diff_result *res,
	     struct payroll_error *err)
{
	struct diff d;
	struct stat st[2];
	const char *why = "";
	int rc, a = 0, i;

	memset(res, 0, sizeof *res);
	memset(&d, 0, sizeof d);
	payroll_error_clear(err);
	d.o = o;
	d.res = res;
	d.err = err;
	for (i = 0; i < 3; i++)
		d.target[i] = &d.sect[i];
	d.only_kinds = o->only ? o->only : PAYROLL_DIFF_ADDED | PAYROLL_DIFF_REMOVED | PAYROLL_DIFF_CHANGED;
	if (o->tolerance &&
	    payroll_money_parse(o->tolerance, strlen(o->tolerance), &d.tolerance, &why) != 0)
		return payroll_error_option(err, PAYROLL_EUSAGE, "tolerance", "usage",
					 "'%s': %s", o->tolerance, why);
	{
		const char *in[] = { o->old_path, o->new_path };
		const char *out = o->output ? o->output : "-";

		if ((rc = payroll_outfile_check_paths(in, 2, &out, 1, err)) != 0)
			return rc;
	}
	rc = setup(&d);
	if (rc == 0 && o->tolerance && !res->has_amount)
		rc = payroll_error_option(err, PAYROLL_EUSAGE, "tolerance", "usage",
				       "needs an amount column in both files");
	if (rc == 0) {
		/* index the smaller file; streamed are the rest */
		if (!strcmp(o->old_path, "-") || !strcmp(o->new_path, "-"))
			a = !strcmp(o->old_path, "-");	/* standard input is streamed */
		else
			a = stat(o->old_path, &st[0]) == 0 && stat(o->new_path, &st[1]) == 0 &&
			    st[1].st_size < st[0].st_size;
		rc = pass1(&d, a, o->summary ? 0 : d.only_kinds);
	}
	if (rc == 0) {
		res->old_rows = d.s[0].rows;
		res->new_rows = d.s[1].rows;
		res->old_sum = d.s[0].sum;
		res->new_sum = d.s[1].sum;
		res->different = res->only_columns > 0 ||
				 ((d.only_kinds & PAYROLL_DIFF_ADDED) && res->added) ||
				 ((d.only_kinds & PAYROLL_DIFF_REMOVED) && res->removed) ||
				 ((d.only_kinds & PAYROLL_DIFF_CHANGED) && res->changed);
		if (!o->summary)
			rc = pass2(&d, a);
	}
	if (rc == 0)
		rc = write_out(&d);
	for (i = 0; i < 2; i++)
		payroll_table_close(d.s[i].t);
	for (i = 0; i < 3; i++) {
		payroll_buf_release(&d.sect[i]);
		payroll_buf_release(&d.shown[i]);
	}
	payroll_buf_release(&d.only);
	payroll_buf_release(&d.arena);
	payroll_buf_release(&d.names);
	free(d.keybuf);
	free(d.cols);
	free(d.ent);
	payroll_keyindex_release(&d.ix);
	free(d.lone);
	free(d.capv);
	free(d.capn);
	return rc;
}
