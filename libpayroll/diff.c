#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "money.h"
#include "outfile.h"
#include "table.h"
#include "banned.h"

#define MAXKEY 16
#define MATE_CHANGED 0x80000000u
#define MATE_LINE 0x7fffffffu

/* A row of the indexed (smaller) file: 32 bytes. */
struct ent {
	uint64_t key, val;	/* hashes of the key, of the compared values */
	int64_t amount;		/* fen; 0 without an amount column */
	uint32_t line;		/* its line */
	uint32_t mate;		/* line of the same key in the streamed file | MATE_CHANGED; 0 none */
};

/* A row of the streamed file with no match in the index: 16 bytes. */
struct lone {
	uint64_t key;
	uint32_t line;
	uint32_t pad;
};

/* A changed row: its line in OLD and in NEW. */
struct pair {
	uint32_t old_line, new_line;
	size_t at;		/* NEW's values in the arena (pass 2) */
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
};

struct diff {
	const struct payroll_diff_opts *o;
	struct payroll_diff_result *res;
	struct payroll_error *err;
	struct side s[2];	/* 0 OLD, 1 NEW */
	char *keybuf;		/* the --key list, split in place */
	const char *keyname[MAXKEY];
	int nkey;
	struct col *cols;
	int ncols, namew;
	struct payroll_buf only;	/* rendered "column only in" records */
	struct payroll_buf sect[3];	/* removed, changed, added */
	int64_t tolerance;
	unsigned only_kinds;
	uint32_t *removed, *added;
	size_t nremoved, nadded;
	struct pair *changed;
	size_t nchanged;
	struct payroll_buf arena;	/* NEW's values of changed rows */
	struct payroll_buf names;	/* compared columns' names (tables are reopened) */
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

/* FNV-1a over the bytes, each field prefixed by its length so that
 * ("a,b","c") and ("a","b,c") differ; finished by the splitmix64 mixer. */
static uint64_t
hash_add(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof n; i++)
		h = (h ^ ((n >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t
hash_end(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
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
	const char *s, *why = "not money";
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
					 rc == PAYROLL_EOVERFLOW ? "too large" : why);
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
	uint64_t h = 0xcbf29ce484222325ull;
	int k;

	for (k = 0; k < d->nkey; k++)
		h = hash_add(h, row->v[d->s[i].key[k]], row->n[d->s[i].key[k]]);
	*key = hash_end(h);
	h = 0xcbf29ce484222325ull;
	for (k = 0; k < d->ncols; k++) {
		int c = i ? d->cols[k].nc : d->cols[k].oc;

		if (!d->cols[k].is_amount)
			h = hash_add(h, row->v[c], row->n[c]);
	}
	*val = hash_end(h);
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
	const char *what[2] = { "old", "new" };
	char *p;
	size_t c, nc;
	int i, k, rc;

	for (i = 0; i < 2; i++) {
		if (!paths[i] || !strcmp(paths[i], "-"))
			return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "the %s file must be a file: it is read twice", what[i]);
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
	d->keybuf = strdup(o->key ? o->key : "case_id,item,month");
	if (!d->keybuf)
		return payroll_error_set(d->err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
	for (p = d->keybuf; ; p++) {
		size_t n = strcspn(p, ",");

		if (n == 0)
			return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "--key '%s': an empty column name", o->key);
		if (d->nkey == MAXKEY)
			return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "--key: at most %d columns", MAXKEY);
		d->keyname[d->nkey++] = p;
		if (p[n] == '\0')
			break;
		p[n] = '\0';
		p += n;
	}
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
			return payroll_error_set(d->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "--ignore: no column '%.*s' in either file", (int)n, p);
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
cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_lone(const void *a, const void *b)
{
	const struct lone *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_pair_old(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return (x->old_line > y->old_line) - (x->old_line < y->old_line);
}

static int
cmp_pair_new(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return (x->new_line > y->new_line) - (x->new_line < y->new_line);
}

static int
dup_key(struct diff *d, int i, uint32_t first, uint32_t second)
{
	return payroll_error_set(d->err, PAYROLL_EFORMAT, d->s[i].path, (long)second, 0,
				 "duplicate-key", "the key (%s) of this line is also on line %u",
				 d->o->key ? d->o->key : "case_id,item,month", first);
}

/* Grow *v (n used, *cap) to hold one more of size sz. */
static int
grow(void **v, size_t n, size_t *cap, size_t sz)
{
	void *g;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 1024;
	g = realloc(*v, c * sz);
	if (!g)
		return -1;
	*v = g;
	*cap = c;
	return 0;
}

/*
 * Pass 1: index side a (the smaller), stream the other through it. Leaves
 * the line lists removed, added, changed and the counts in res.
 */
static int
pass1(struct diff *d, int a)
{
	struct ent *e = NULL, *hit;
	struct lone *lone = NULL;
	size_t n = 0, cap = 0, nl = 0, lcap = 0, k;
	struct payroll_row row;
	int b = !a, rc;
	uint32_t **aonly, **bonly;
	size_t *naonly, *nbonly;
	int64_t amount, bonly_sum = 0, aonly_sum = 0;

	while ((rc = next_row(d, a, &row)) == 1) {
		if (grow((void **)&e, n, &cap, sizeof *e)) {
			rc = nomem(d);
			goto out;
		}
		if ((rc = row_amount(d, a, &row, &e[n].amount)) != 0)
			goto out;
		hash_row(d, a, &row, &e[n].key, &e[n].val);
		e[n].line = (uint32_t)row.line;
		e[n].mate = 0;
		n++;
	}
	if (rc < 0)
		goto out;
	d->s[a].rows = (long)n;
	if (n > 1)
		qsort(e, n, sizeof *e, cmp_ent);
	for (k = 1; k < n; k++)
		if (e[k].key == e[k - 1].key) {
			uint32_t x = e[k - 1].line, y = e[k].line;

			rc = dup_key(d, a, x < y ? x : y, x < y ? y : x);
			goto out;
		}
	while ((rc = next_row(d, b, &row)) == 1) {
		struct ent probe;

		d->s[b].rows++;
		if ((rc = row_amount(d, b, &row, &amount)) != 0)
			goto out;
		hash_row(d, b, &row, &probe.key, &probe.val);
		probe.line = 0;
		hit = NULL;
		if (n) {
			size_t lo = 0, hi = n;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (e[mid].key < probe.key)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && e[lo].key == probe.key)
				hit = &e[lo];
		}
		if (hit) {
			int64_t delta = hit->amount - amount;

			if (hit->mate) {
				rc = dup_key(d, b, hit->mate & MATE_LINE, (uint32_t)row.line);
				goto out;
			}
			hit->mate = (uint32_t)row.line;
			if (hit->val != probe.val || delta > d->tolerance || -delta > d->tolerance)
				hit->mate |= MATE_CHANGED;
			continue;
		}
		if (grow((void **)&lone, nl, &lcap, sizeof *lone)) {
			rc = nomem(d);
			goto out;
		}
		lone[nl].key = probe.key;
		lone[nl].line = (uint32_t)row.line;
		lone[nl].pad = 0;
		nl++;
		if (payroll_add(bonly_sum, amount, &bonly_sum)) {
			rc = payroll_error_set(d->err, PAYROLL_EOVERFLOW, d->s[b].path, row.line, 0,
					       "overflow", "the sum of amount does not fit");
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (nl > 1)
		qsort(lone, nl, sizeof *lone, cmp_lone);
	for (k = 1; k < nl; k++)
		if (lone[k].key == lone[k - 1].key) {
			rc = dup_key(d, b, lone[k - 1].line, lone[k].line);
			goto out;
		}
	/* the index is done with: keep only the line lists */
	aonly = a == 0 ? &d->removed : &d->added;
	naonly = a == 0 ? &d->nremoved : &d->nadded;
	bonly = b == 0 ? &d->removed : &d->added;
	nbonly = b == 0 ? &d->nremoved : &d->nadded;
	*bonly = malloc((nl ? nl : 1) * sizeof **bonly);
	if (!*bonly) {
		rc = nomem(d);
		goto out;
	}
	for (k = 0; k < nl; k++)
		(*bonly)[k] = lone[k].line;
	*nbonly = nl;
	qsort(*bonly, nl, sizeof **bonly, cmp_u32);
	free(lone);
	lone = NULL;
	{
		size_t na = 0, nc = 0;

		for (k = 0; k < n; k++) {
			na += e[k].mate == 0;
			nc += (e[k].mate & MATE_CHANGED) != 0;
		}
		*aonly = malloc((na ? na : 1) * sizeof **aonly);
		d->changed = malloc((nc ? nc : 1) * sizeof *d->changed);
		if (!*aonly || !d->changed) {
			rc = nomem(d);
			goto out;
		}
		for (k = 0; k < n; k++) {
			if (e[k].mate == 0) {
				(*aonly)[(*naonly)++] = e[k].line;
				if (payroll_add(aonly_sum, e[k].amount, &aonly_sum)) {
					rc = payroll_error_set(d->err, PAYROLL_EOVERFLOW, d->s[a].path, 0, 0,
							       "overflow", "the sum of amount does not fit");
					goto out;
				}
			} else if (e[k].mate & MATE_CHANGED) {
				struct pair *q = &d->changed[d->nchanged++];

				q->old_line = a == 0 ? e[k].line : e[k].mate & MATE_LINE;
				q->new_line = a == 0 ? e[k].mate & MATE_LINE : e[k].line;
				q->at = 0;
			} else {
				d->res->unchanged++;
			}
		}
		qsort(*aonly, *naonly, sizeof **aonly, cmp_u32);
		qsort(d->changed, d->nchanged, sizeof *d->changed, cmp_pair_old);
	}
	d->res->removed = (long)d->nremoved;
	d->res->added = (long)d->nadded;
	d->res->changed = (long)d->nchanged;
	d->res->removed_sum = a == 0 ? aonly_sum : bonly_sum;
	d->res->added_sum = a == 0 ? bonly_sum : aonly_sum;
out:
	free(e);
	free(lone);
	return rc;
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
	struct payroll_buf *b = &d->sect[kind];
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
	struct payroll_buf *b = &d->sect[kind];
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
	struct payroll_buf *b = &d->sect[kind];

	if (d->o->format == PAYROLL_DIFF_CSV) {
		for (k = 0; k < d->ncols && rc == 0; k++) {
			size_t n;
			const char *v = val(d, i, row, k, &n);

			rc = csv_line(d, kind, i ? 0 : line, i ? line : 0, i, row, d->cols[k].name,
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

/* A changed row: OLD's row, NEW's values from the arena. */
static int
render_changed(struct diff *d, const struct pair *q, const struct payroll_row *row)
{
	struct payroll_buf *b = &d->sect[1];
	const char *nv = d->arena.p + q->at;
	int k, rc = 0, first = 1;

	if (d->o->format != PAYROLL_DIFF_CSV)
		rc = record_head(d, 1, q->old_line, q->new_line, 0, row);
	for (k = 0; k < d->ncols && rc == 0; k++) {
		size_t on, nn = strlen(nv);
		const char *ov = val(d, 0, row, k, &on);

		if (differs(d, k, ov, on, nv, nn)) {
			switch (d->o->format) {
			case PAYROLL_DIFF_TEXT:
				rc = payroll_buf_addf(b, "         %-*s  ", d->namew, d->cols[k].name) ||
				     payroll_buf_add(b, ov, on) || payroll_buf_addstr(b, " -> ") ||
				     payroll_buf_add(b, nv, nn) || payroll_buf_addch(b, '\n');
				break;
			case PAYROLL_DIFF_CSV:
				rc = csv_line(d, 1, q->old_line, q->new_line, 0, row, d->cols[k].name,
					      ov, on, nv, nn);
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
		nv += nn + 1;
	}
	if (rc == 0 && d->o->format == PAYROLL_DIFF_JSON)
		rc = payroll_buf_addstr(b, "}}");
	return rc;
}

static int
reopen(struct diff *d, int i)
{
	payroll_table_close(d->s[i].t);
	d->s[i].t = NULL;
	return payroll_table_open_path(&d->s[i].t, d->s[i].path, PAYROLL_ENC_AUTO, NULL, 0, d->err);
}

/* Pass 2: fetch the values of the rows that differ and render them. */
static int
pass2(struct diff *d)
{
	struct payroll_row row;
	unsigned want = d->only_kinds;
	size_t ai = 0, ci = 0, ri = 0, k;
	int rc;

	if ((rc = reopen(d, 1)) != 0)
		return rc;
	qsort(d->changed, d->nchanged, sizeof *d->changed, cmp_pair_new);
	if (!(want & PAYROLL_DIFF_ADDED))
		ai = d->nadded;
	if (!(want & PAYROLL_DIFF_CHANGED))
		ci = d->nchanged;
	while ((ai < d->nadded || ci < d->nchanged) && (rc = next_row(d, 1, &row)) == 1) {
		uint32_t line = (uint32_t)row.line;

		if (ai < d->nadded && d->added[ai] == line) {
			ai++;
			if (render_lone(d, 2, &row))
				return nomem(d);
		} else if (ci < d->nchanged && d->changed[ci].new_line == line) {
			d->changed[ci++].at = d->arena.len;
			for (k = 0; k < (size_t)d->ncols; k++) {
				size_t n;
				const char *v = val(d, 1, &row, (int)k, &n);

				if (payroll_buf_add(&d->arena, v, n) || payroll_buf_add(&d->arena, "", 1))
					return nomem(d);
			}
		}
	}
	if (rc < 0)
		return rc;
	if (ai < d->nadded || ci < d->nchanged)
		return payroll_error_set(d->err, PAYROLL_EIO, d->s[1].path, 0, 0, "changed-file",
					 "the file changed while it was read");
	if ((rc = reopen(d, 0)) != 0)
		return rc;
	qsort(d->changed, d->nchanged, sizeof *d->changed, cmp_pair_old);
	ci = want & PAYROLL_DIFF_CHANGED ? 0 : d->nchanged;
	ri = want & PAYROLL_DIFF_REMOVED ? 0 : d->nremoved;
	while ((ri < d->nremoved || ci < d->nchanged) && (rc = next_row(d, 0, &row)) == 1) {
		uint32_t line = (uint32_t)row.line;

		if (ri < d->nremoved && d->removed[ri] == line) {
			ri++;
			if (render_lone(d, 0, &row))
				return nomem(d);
		} else if (ci < d->nchanged && d->changed[ci].old_line == line) {
			if (render_changed(d, &d->changed[ci++], &row))
				return nomem(d);
		}
	}
	if (rc < 0)
		return rc;
	if (ri < d->nremoved || ci < d->nchanged)
		return payroll_error_set(d->err, PAYROLL_EIO, d->s[0].path, 0, 0, "changed-file",
					 "the file changed while it was read");
	return 0;
}

static int
add_money(struct payroll_buf *b, int64_t fen, int sign)
{
	return (sign && fen > 0 && payroll_buf_addch(b, '+')) || payroll_buf_addmoney(b, fen);
}

/* The summary, last, in the output's format. */
static int
summary(struct diff *d, struct payroll_buf *b)
{
	const struct payroll_diff_result *r = d->res;
	int64_t net = r->new_sum - r->old_sum;
	int64_t chg = net - r->added_sum + r->removed_sum;
	const struct {
		const char *name;
		long rows;
		int64_t amount;
		int sign;
	} m[] = {
		{ "old", r->old_rows, r->old_sum, 0 },
		{ "new", r->new_rows, r->new_sum, 0 },
		{ "added", r->added, r->added_sum, 0 },
		{ "removed", r->removed, r->removed_sum, 0 },
		{ "changed", r->changed, chg, 1 },
		{ "unchanged", r->unchanged, 0, -1 },
	};
	size_t i, nm = sizeof m / sizeof *m;
	int rc = 0, k;

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		rc = payroll_buf_addstr(b, "summary\n");
		for (i = 0; i < nm && rc == 0; i++) {
			rc = payroll_buf_addf(b, "  %-11s %10ld rows", m[i].name, m[i].rows);
			if (rc == 0 && r->has_amount && m[i].sign >= 0)
				rc = payroll_buf_addstr(b, "  amount ") || add_money(b, m[i].amount, m[i].sign);
			rc = rc || payroll_buf_addch(b, '\n');
		}
		if (rc == 0 && r->has_amount)
			rc = payroll_buf_addf(b, "  %-11s %10s       amount ", "net change", "") ||
			     add_money(b, net, 1) || payroll_buf_addch(b, '\n');
		return rc || payroll_buf_addf(b, "  %-11s %s\n", "result",
					      r->different ? "different" : "identical");
	case PAYROLL_DIFF_CSV:
		for (i = 0; i < nm && rc == 0; i++) {
			for (k = 0; k < 2 && rc == 0; k++) {
				if (k == 1 && !(r->has_amount && m[i].sign >= 0))
					continue;
				rc = payroll_buf_addstr(b, "summary,,");
				for (int j = 0; j < d->nkey && rc == 0; j++)
					rc = payroll_buf_addch(b, ',');
				rc = rc || payroll_buf_addf(b, ",%s_%s,,", m[i].name, k ? "amount" : "rows");
				if (rc == 0)
					rc = k ? add_money(b, m[i].amount, 0) : payroll_buf_addf(b, "%ld", m[i].rows);
				rc = rc || payroll_buf_addch(b, '\n');
			}
		}
		if (rc == 0 && r->has_amount) {
			rc = payroll_buf_addstr(b, "summary,,");
			for (k = 0; k < d->nkey && rc == 0; k++)
				rc = payroll_buf_addch(b, ',');
			rc = rc || payroll_buf_addstr(b, ",net_amount,,") || add_money(b, net, 0) ||
			     payroll_buf_addch(b, '\n');
		}
		rc = rc || payroll_buf_addstr(b, "summary,,");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addch(b, ',');
		return rc || payroll_buf_addf(b, ",different,,%d\n", r->different);
	case PAYROLL_DIFF_JSON:
		rc = payroll_buf_addstr(b, "  \"summary\": {");
		for (i = 0; i < nm && rc == 0; i++) {
			rc = payroll_buf_addf(b, "%s\"%s_rows\": %ld", i ? ", " : "", m[i].name, m[i].rows);
			if (rc == 0 && r->has_amount && m[i].sign >= 0)
				rc = payroll_buf_addf(b, ", \"%s_amount\": \"", m[i].name) ||
				     add_money(b, m[i].amount, 0) || payroll_buf_addch(b, '"');
		}
		if (rc == 0 && r->has_amount)
			rc = payroll_buf_addstr(b, ", \"net_amount\": \"") || add_money(b, net, 0) ||
			     payroll_buf_addch(b, '"');
		return rc || payroll_buf_addf(b, ", \"different\": %s}\n",
					      r->different ? "true" : "false");
	}
	return 0;
}

/* Everything before the rows: names of the files, columns of one only. */
static int
preamble(struct diff *d, struct payroll_buf *b)
{
	int k, rc = 0;

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		return payroll_buf_addf(b, "--- old %s\n+++ new %s\n", d->s[0].path, d->s[1].path) ||
		       payroll_buf_addstr(b, payroll_buf_str(&d->only));
	case PAYROLL_DIFF_CSV:
		rc = payroll_buf_addstr(b, "record,old_line,new_line");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addch(b, ',') ||
			     payroll_buf_addcsv(b, d->keyname[k], strlen(d->keyname[k]));
		return rc || payroll_buf_addstr(b, ",column,old,new\n") ||
		       payroll_buf_addstr(b, payroll_buf_str(&d->only));
	case PAYROLL_DIFF_JSON:
		rc = payroll_buf_addstr(b, "{\n  \"old\": \"") ||
		     payroll_buf_addjson(b, d->s[0].path, strlen(d->s[0].path)) ||
		     payroll_buf_addstr(b, "\",\n  \"new\": \"") ||
		     payroll_buf_addjson(b, d->s[1].path, strlen(d->s[1].path)) ||
		     payroll_buf_addstr(b, "\",\n  \"key\": [");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addstr(b, k ? ", \"" : "\"") ||
			     payroll_buf_addjson(b, d->keyname[k], strlen(d->keyname[k])) ||
			     payroll_buf_addch(b, '"');
		return rc || payroll_buf_addstr(b, "],\n  \"only_columns\": [") ||
		       payroll_buf_addstr(b, payroll_buf_str(&d->only)) || payroll_buf_addstr(b, "],\n");
	}
	return 0;
}

static int
write_out(struct diff *d)
{
	static const char *const names[] = { "removed", "changed", "added" };
	static const unsigned bits[] = { PAYROLL_DIFF_REMOVED, PAYROLL_DIFF_CHANGED, PAYROLL_DIFF_ADDED };
	const char *path = d->o->output ? d->o->output : "-";
	struct payroll_outfile *out = NULL;
	struct payroll_buf head = { 0 }, tail = { 0 };
	int rc, i;

	rc = preamble(d, &head) ? nomem(d) : 0;
	if (rc == 0 && summary(d, &tail))
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
	int rc, a, i;

	memset(res, 0, sizeof *res);
	memset(&d, 0, sizeof d);
	payroll_error_clear(err);
	d.o = o;
	d.res = res;
	d.err = err;
	d.only_kinds = o->only ? o->only : PAYROLL_DIFF_ADDED | PAYROLL_DIFF_REMOVED | PAYROLL_DIFF_CHANGED;
	if (o->tolerance &&
	    payroll_money_parse(o->tolerance, strlen(o->tolerance), &d.tolerance, &why) != 0)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "--tolerance '%s': %s", o->tolerance, why);
	rc = setup(&d);
	if (rc == 0 && o->tolerance && !res->has_amount)
		rc = payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
				       "--tolerance needs an amount column in both files");
	if (rc == 0) {
		/* index the smaller file; streamed are the rest */
		a = stat(o->old_path, &st[0]) == 0 && stat(o->new_path, &st[1]) == 0 &&
		    st[1].st_size < st[0].st_size;
		rc = pass1(&d, a);
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
			rc = pass2(&d);
	}
	if (rc == 0)
		rc = write_out(&d);
	for (i = 0; i < 2; i++)
		payroll_table_close(d.s[i].t);
	for (i = 0; i < 3; i++)
		payroll_buf_release(&d.sect[i]);
	payroll_buf_release(&d.only);
	payroll_buf_release(&d.arena);
	payroll_buf_release(&d.names);
	free(d.keybuf);
	free(d.cols);
	free(d.removed);
	free(d.added);
	free(d.changed);
	return rc;
}
