/* SPDX-License-Identifier: Apache-2.0 */
#include "standards.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "ident.h"
#include "table.h"
#include "intl.h"
#include "banned.h"

/* Standards are small; an amount above this is a typo, not a standard. */
#define MAX_STANDARD_FEN ((int64_t)1000000000)	/* 10,000,000.00 yuan */
#define MAX_PERCENT ((int64_t)10000000)		/* 100000% */

enum kind { K_BASE, K_FLOOR, K_SUPPLEMENT, K_CARE, K_SUBSIDY, K_CAP, K_ROUNDING };

struct std_row {
	long line;
	char prefix[13];
	size_t plen;
	int program;		/* enum payroll_program, ANY for '*' */
	int area;		/* enum payroll_area, ANY for '*' */
	enum kind kind;
	int sub;		/* care level, or index into the names */
	int is_percent;
	int64_t value;		/* fen, hundredths of a percent, or rounding */
	long from, to;
};

struct cache_entry {
	uint64_t key;
	struct payroll_rates rates;
	struct payroll_named_rate *supp, *subs;
};

struct payroll_standards {
	char path[PAYROLL_PATH_MAX];
	struct std_row *rows;
	size_t nrows;
	char **supp_names;	/* supplement categories, sorted */
	size_t *supp_lens;	/* and their lengths */
	size_t nsupp;
	char **sub_names;	/* subsidies, sorted */
	char **sub_items;	/* "subsidy:NAME", in the same order */
	size_t nsub;
	char (*prefixes)[13];	/* distinct prefixes, longest first */
	size_t nprefixes;
	struct cache_entry **cache;
	size_t cache_cap, cache_len;
	char memo_region[13];	/* last region resolved, and its prefix */
	size_t memo_len;
	size_t memo_prefix;
};

/* A name and its length, for comparing with values of known length. */
struct name {
	const char *s;
	size_t n;
};

#define NAME(lit) { lit, sizeof lit - 1 }

static const struct name program_names[] = {
	NAME("subsistence"), NAME("extreme-poverty"), NAME("temporary"), NAME("*")
};
static const struct name program_zh[] = { NAME("低保"), NAME("特困"), NAME("临时救助"), NAME("*") };
static const struct name area_names[] = { NAME("urban"), NAME("rural"), NAME("*") };
static const struct name area_zh[] = { NAME("城市"), NAME("农村"), NAME("*") };
static const struct name care_names[] = { NAME("self-care"), NAME("partial"), NAME("full") };
static const struct name care_zh[] = { NAME("全自理"), NAME("半失能"), NAME("全失能") };

const char *payroll_program_name(enum payroll_program p) { return program_names[p].s; }
const char *payroll_area_name(enum payroll_area a) { return area_names[a].s; }
const char *payroll_care_name(enum payroll_care c) { return care_names[c].s; }

/* s (n bytes) is w (wn bytes). */
static int
same(const char *s, size_t n, const char *w, size_t wn)
{
	return wn == n && !memcmp(s, w, n);
}

static int
eq(const char *s, size_t n, const char *word)
{
	return same(s, n, word, strlen(word));
}

/* s equals the lowercase word w, ignoring the case of ASCII letters. */
static int
eq_ci(const char *s, size_t n, const struct name *w)
{
	size_t i;

	if (w->n != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w->s[i])
			return 0;
	}
	return 1;
}

static int
pick(const char *s, size_t n, const struct name *en, const struct name *zh, int count)
{
	int i;

	/* as written first (the usual case: one memcmp), then in any case */
	for (i = 0; i < count; i++)
		if (same(s, n, en[i].s, en[i].n) || same(s, n, zh[i].s, zh[i].n))
			return i;
	for (i = 0; i < count; i++)
		if (eq_ci(s, n, &en[i]))
			return i;
	return -1;
}

int
payroll_program_parse(const char *s, size_t n, int any)
{
	int p = pick(s, n, program_names, program_zh, 4);

	if (p == PAYROLL_TEMPORARY || (p == PAYROLL_PROGRAM_ANY && !any))
		return -1;
	return p;
}

int
payroll_area_parse(const char *s, size_t n, int any)
{
	int a = pick(s, n, area_names, area_zh, 3);

	return a == PAYROLL_AREA_ANY && !any ? -1 : a;
}

int
payroll_care_parse(const char *s, size_t n)
{
	return pick(s, n, care_names, care_zh, 3);
}

enum { S_REGION, S_PROGRAM, S_AREA, S_ITEM, S_AMOUNT, S_FROM, S_TO, S_NCOLS };

static const struct payroll_column std_cols[S_NCOLS] = {
	{ "region", "区划代码", PAYROLL_COL_REQUIRED },
	{ "program", "类别", PAYROLL_COL_REQUIRED },
	{ "area", "城乡", PAYROLL_COL_REQUIRED },
	{ "item", "项目", PAYROLL_COL_REQUIRED },
	{ "amount", "标准", PAYROLL_COL_REQUIRED },
	{ "from", "起始月份", PAYROLL_COL_REQUIRED | PAYROLL_COL_MONTH },
	{ "to", "终止月份", PAYROLL_COL_MONTH },
};

struct loader {
	struct payroll_standards *s;
	struct payroll_problems p;	/* every problem goes to diag */
};

#define problem(ld, ...) payroll_problem(&(ld)->p, __VA_ARGS__)

static int
intern(char ***names, size_t *n, const char *s, size_t len)
{
	size_t i;
	char **grown, *copy;

	for (i = 0; i < *n; i++)
		if (strlen((*names)[i]) == len && !memcmp((*names)[i], s, len))
			return (int)i;
	copy = malloc(len + 1);
	grown = realloc(*names, (*n + 1) * sizeof **names);
	if (!copy || !grown) {
		free(copy);
		if (grown)
			*names = grown;
		return -1;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	*names = grown;
	grown[*n] = copy;
	return (int)(*n)++;
}

/* Parse the item column into kind and sub. 0, -1 unknown, -2 no memory. */
static int
parse_item(struct payroll_standards *s, const char *v, size_t n, struct std_row *r)
{
	int k;

	if (eq(v, n, "base")) {
		r->kind = K_BASE;
	} else if (eq(v, n, "floor")) {
		r->kind = K_FLOOR;
	} else if (eq(v, n, "temporary-cap")) {
		r->kind = K_CAP;
	} else if (eq(v, n, "rounding")) {
		r->kind = K_ROUNDING;
	} else if (n > 5 && !memcmp(v, "care:", 5)) {
		r->kind = K_CARE;
		r->sub = payroll_care_parse(v + 5, n - 5);
		if (r->sub < 0)
			return -1;
	} else if (n > 11 && !memcmp(v, "supplement:", 11)) {
		r->kind = K_SUPPLEMENT;
		if ((k = intern(&s->supp_names, &s->nsupp, v + 11, n - 11)) < 0)
			return -2;
		r->sub = k;
	} else if (n > 8 && !memcmp(v, "subsidy:", 8)) {
		r->kind = K_SUBSIDY;
		if ((k = intern(&s->sub_names, &s->nsub, v + 8, n - 8)) < 0)
			return -2;
		r->sub = k;
	} else {
		return -1;
	}
	return 0;
}

static int
parse_amount(struct loader *ld, const struct payroll_row *row, struct std_row *r)
{
	const char *v = row->v[S_AMOUNT], *why = NULL;
	size_t n = row->n[S_AMOUNT];
	int col = row->col[S_AMOUNT], rc;

	if (r->kind == K_ROUNDING) {
		rc = payroll_rounding_parse(v, n);
		if (rc < 0) {
			problem(ld, row->line, col, "bad-rounding",
				"column %d (amount): rounding is fen, yuan-half-up, yuan-up or yuan-down",
				col);
			return -1;
		}
		r->value = rc;
		return 0;
	}
	if (n && v[n - 1] == '%') {
		r->is_percent = 1;
		rc = payroll_percent_parse(v, n, &r->value, &why);
		if (rc == 0 && r->value > MAX_PERCENT)
			rc = PAYROLL_EOVERFLOW;
	} else {
		rc = payroll_money_parse(v, n, &r->value, &why);
		if (rc == 0 && r->value > MAX_STANDARD_FEN)
			rc = PAYROLL_EOVERFLOW;
	}
	if (rc == PAYROLL_EOVERFLOW)
		why = _("implausibly large");
	if (rc) {
		problem(ld, row->line, col, "bad-money", "column %d (amount): %s", col, why);
		return -1;
	}
	return 0;
}

static int
parse_row(struct loader *ld, const struct payroll_row *row, struct std_row *r)
{
	const char *why;
	int bad = 0, rc;

	memset(r, 0, sizeof *r);
	r->line = row->line;
	if (row->problem != PAYROLL_ROW_OK) {
		problem(ld, row->line, row->problem_col, row->problem == PAYROLL_ROW_ENCODING ?
			"bad-encoding" : "bad-row", "%s", "malformed row (field count, encoding or quotes)");
		return -1;
	}
	if (eq(row->v[S_REGION], row->n[S_REGION], "*")) {
		r->plen = 0;
	} else if (payroll_region_check(row->v[S_REGION], row->n[S_REGION], &why)) {
		problem(ld, row->line, row->col[S_REGION], "bad-region", "column region: %s", why);
		bad = 1;
	} else {
		r->plen = payroll_region_prefix(row->v[S_REGION], row->n[S_REGION]);
		memcpy(r->prefix, row->v[S_REGION], r->plen);
	}
	r->program = payroll_program_parse(row->v[S_PROGRAM], row->n[S_PROGRAM], 1);
	if (r->program < 0) {
		problem(ld, row->line, row->col[S_PROGRAM], "bad-program", "%s",
			"column program: subsistence, extreme-poverty or *");
		bad = 1;
	}
	r->area = payroll_area_parse(row->v[S_AREA], row->n[S_AREA], 1);
	if (r->area < 0) {
		problem(ld, row->line, row->col[S_AREA], "bad-area", "%s",
			"column area: urban, rural or *");
		bad = 1;
	}
	rc = parse_item(ld->s, row->v[S_ITEM], row->n[S_ITEM], r);
	if (rc == -2)
		return -2;
	if (rc) {
		problem(ld, row->line, row->col[S_ITEM], "unknown-item", "unknown item '%s'",
			row->v[S_ITEM]);
		return -1;
	}
	if (parse_amount(ld, row, r))
		bad = 1;
	r->from = payroll_month_parse(row->v[S_FROM], row->n[S_FROM]);
	r->to = row->n[S_TO] ? payroll_month_parse(row->v[S_TO], row->n[S_TO]) : LONG_MAX;
	if (r->from < 0 || r->to < 0) {
		problem(ld, row->line, row->col[r->from < 0 ? S_FROM : S_TO], "bad-month",
			"%s", "months are YYYY-MM");
		bad = 1;
	} else if (r->to < r->from) {
		problem(ld, row->line, row->col[S_TO], "bad-month", "%s",
			"'to' is before 'from'");
		bad = 1;
	}
	if (!bad && r->is_percent && r->kind == K_BASE &&
	    (r->program == PAYROLL_SUBSISTENCE || r->program == PAYROLL_PROGRAM_ANY)) {
		problem(ld, row->line, row->col[S_AMOUNT], "percent-of-percent", "%s",
			"a subsistence base cannot be a percentage: percentages are of the subsistence base itself");
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int
same_key(const struct std_row *a, const struct std_row *b)
{
	return a->kind == b->kind && a->sub == b->sub && a->program == b->program &&
	       a->area == b->area && a->plen == b->plen && !memcmp(a->prefix, b->prefix, a->plen);
}

static void
check_overlaps(struct loader *ld)
{
	struct payroll_standards *s = ld->s;
	size_t i, j;

	/* Standards files hold tens to hundreds of rows: pairs are cheap. */
	for (i = 0; i < s->nrows; i++)
		for (j = i + 1; j < s->nrows; j++) {
			const struct std_row *a = &s->rows[i], *b = &s->rows[j];
			if (!same_key(a, b) || a->to < b->from || b->to < a->from)
				continue;
			problem(ld, b->line, 0, "overlap",
				"overlaps line %ld: same region, program, area and item in the same months",
				a->line);
		}
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort subsidy names and renumber the rows that point at them. */
static int
sort_names(char **names, size_t n, struct std_row *rows, size_t nrows, enum kind kind)
{
	char **old = malloc((n ? n : 1) * sizeof *old);
	int *map = malloc((n ? n : 1) * sizeof *map);
	size_t i, j;

	if (!old || !map) {
		free(old);
		free(map);
		return -1;
	}
	if (n == 0) {
		free(old);
		free(map);
		return 0;
	}
	memcpy(old, names, n * sizeof *names);
	qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (old[i] == names[j])
				map[i] = (int)j;
	for (i = 0; i < nrows; i++)
		if (rows[i].kind == kind)
			rows[i].sub = map[rows[i].sub];
	free(old);
	free(map);
	return 0;
}

static int
item_names(struct payroll_standards *s)
{
	size_t i, n;

	s->sub_items = calloc(s->nsub + 1, sizeof *s->sub_items);
	s->supp_lens = calloc(s->nsupp + 1, sizeof *s->supp_lens);
	if (!s->sub_items || !s->supp_lens)
		return -1;
	for (i = 0; i < s->nsupp; i++)
		s->supp_lens[i] = strlen(s->supp_names[i]);
	for (i = 0; i < s->nsub; i++) {
		n = strlen(s->sub_names[i]) + 9;
		if (!(s->sub_items[i] = malloc(n)))
			return -1;
		memcpy(s->sub_items[i], "subsidy:", 8);
		memcpy(s->sub_items[i] + 8, s->sub_names[i], n - 8);
	}
	return 0;
}

static int
collect_prefixes(struct payroll_standards *s)
{
	size_t i, j;

	s->prefixes = calloc(s->nrows + 1, sizeof *s->prefixes);
	if (!s->prefixes)
		return -1;
	for (i = 0; i < s->nrows; i++) {
		for (j = 0; j < s->nprefixes; j++)
			if (!strcmp(s->prefixes[j], s->rows[i].prefix))
				break;
		if (j == s->nprefixes)
			memcpy(s->prefixes[s->nprefixes++], s->rows[i].prefix, 13);
	}
	/* longest first, so the first match is the most specific */
	for (i = 1; i < s->nprefixes; i++)
		for (j = i; j > 0 && strlen(s->prefixes[j]) > strlen(s->prefixes[j - 1]); j--) {
			char t[13];

			memcpy(t, s->prefixes[j], 13);
			memcpy(s->prefixes[j], s->prefixes[j - 1], 13);
			memcpy(s->prefixes[j - 1], t, 13);
		}
	return 0;
}

int
payroll_standards_load(struct payroll_standards **out, const char *path,
		       enum payroll_encoding enc, payroll_diag_fn diag,
		       void *ctx, struct payroll_error *err)
{
	struct payroll_standards *s;
	struct payroll_table *t = NULL;
	struct payroll_row row;
	struct loader ld;
	size_t cap = 0;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate standards");
	snprintf(s->path, sizeof s->path, "%s", path);
	ld.s = s;
	ld.p = (struct payroll_problems){ .path = s->path, .diag = diag, .ctx = ctx, .all = 1 };
	rc = payroll_table_open_path(&t, path, enc, std_cols, S_NCOLS, err);
	while (rc == 0 && (rc = payroll_table_next(t, &row, err)) == 1) {
		struct std_row r;
		int pr;

		rc = 0;
		pr = parse_row(&ld, &row, &r);
		if (pr == -2)
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate standards");
		if (pr)
			continue;
		if (payroll_grow((void **)&s->rows, s->nrows, &cap, sizeof *s->rows)) {
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate standards");
			break;
		}
		s->rows[s->nrows++] = r;
	}
	payroll_table_close(t);
	if (rc == 0) {
		check_overlaps(&ld);
		if (sort_names(s->sub_names, s->nsub, s->rows, s->nrows, K_SUBSIDY) ||
		    sort_names(s->supp_names, s->nsupp, s->rows, s->nrows, K_SUPPLEMENT) ||
		    collect_prefixes(s) || item_names(s))
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate standards");
	}
	if (rc == 0 && ld.p.count)
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-standards",
				       "%d problem%s in the standards file; nothing was computed",
				       ld.p.count, ld.p.count > 1 ? "s" : "");
	if (rc) {
		payroll_standards_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
payroll_standards_free(struct payroll_standards *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nsupp; i++)
		free(s->supp_names[i]);
	for (i = 0; i < s->nsub; i++) {
		free(s->sub_names[i]);
		free(s->sub_items ? s->sub_items[i] : NULL);
	}
	free(s->sub_items);
	for (i = 0; i < s->cache_cap; i++)
		if (s->cache && s->cache[i]) {
			free(s->cache[i]->supp);
			free(s->cache[i]->subs);
			free(s->cache[i]);
		}
	free(s->cache);
	free(s->supp_names);
	free(s->supp_lens);
	free(s->sub_names);
	free(s->prefixes);
	free(s->rows);
	free(s);
}

int
payroll_standards_knows_category(const struct payroll_standards *s,
				 const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < s->nsupp; i++)
		if (same(name, n, s->supp_names[i], s->supp_lens[i]))
			return 1;
	return 0;
}

/* The best row for (kind, sub) under prefix P, program, area, month. */
static const struct std_row *
best(const struct payroll_standards *s, const char *p, size_t plen,
     enum kind kind, int sub, int program, int area, long month)
{
	const struct std_row *win = NULL;
	long wscore = -1;
	size_t i;

	for (i = 0; i < s->nrows; i++) {
		const struct std_row *r = &s->rows[i];
		long score;

		if (r->kind != kind || r->sub != sub || month < r->from || month > r->to)
			continue;
		if (r->program != PAYROLL_PROGRAM_ANY && r->program != program)
			continue;
		if (r->area != PAYROLL_AREA_ANY && r->area != area)
			continue;
		if (r->plen > plen || memcmp(r->prefix, p, r->plen))
			continue;
		score = (long)r->plen * 4 + (r->program != PAYROLL_PROGRAM_ANY) * 2 +
			(r->area != PAYROLL_AREA_ANY);
		if (score > wscore) {
			wscore = score;
			win = r;
		}
	}
	return win;
}

static void
set_rate(struct payroll_rate *out, const struct std_row *r,
	 const struct payroll_rate *sbase)
{
	char a[PAYROLL_MONEY_MAX], b[PAYROLL_MONEY_MAX], c[PAYROLL_MONEY_MAX];

	memset(out, 0, sizeof *out);
	if (!r)
		return;
	if (!r->is_percent) {
		out->present = 1;
		out->fen = r->value;
		out->frag_len = payroll_money_format(r->value, out->frag);
		return;
	}
	if (!sbase->present || payroll_percent_of(sbase->fen, r->value, &out->fen)) {
		out->unresolved = 1;	/* no base to take a percentage of: missing */
		return;
	}
	out->present = 1;
	payroll_money_format(sbase->fen, a);
	payroll_percent_format(r->value, b);
	payroll_money_format(out->fen, c);
	snprintf(out->frag, sizeof out->frag, "(%s*%s=%s)", a, b, c);
	out->frag_len = strlen(out->frag);
}

static int
compute(struct payroll_standards *s, struct cache_entry *e, const char *p,
	size_t plen, int program, int area, long month)
{
	struct payroll_rates *rt = &e->rates;
	struct payroll_rate sbase;
	const struct std_row *r;
	size_t i;
	int c;

	set_rate(&sbase, best(s, p, plen, K_BASE, 0, PAYROLL_SUBSISTENCE, area, month), &sbase);
	set_rate(&rt->base, best(s, p, plen, K_BASE, 0, program, area, month), &sbase);
	set_rate(&rt->floor, best(s, p, plen, K_FLOOR, 0, program, area, month), &sbase);
	set_rate(&rt->temporary_cap, best(s, p, plen, K_CAP, 0, program, area, month), &sbase);
	for (c = 0; c < 3; c++)
		set_rate(&rt->care[c], best(s, p, plen, K_CARE, c, program, area, month), &sbase);
	r = best(s, p, plen, K_ROUNDING, 0, program, area, month);
	rt->rounding = r ? (enum payroll_rounding)r->value : PAYROLL_ROUND_FEN;
	e->supp = calloc(s->nsupp + 1, sizeof *e->supp);
	e->subs = calloc(s->nsub + 1, sizeof *e->subs);
	if (!e->supp || !e->subs)
		return -1;
	for (i = 0; i < s->nsupp; i++) {
		struct payroll_named_rate *nr = &e->supp[rt->nsupplements];

		set_rate(&nr->rate, best(s, p, plen, K_SUPPLEMENT, (int)i, program, area, month), &sbase);
		if (nr->rate.present) {
			nr->name = s->supp_names[i];
			nr->name_len = s->supp_lens[i];
			nr->name_quote = payroll_csv_needs_quote(nr->name, nr->name_len);
			rt->nsupplements++;
		}
	}
	for (i = 0; i < s->nsub; i++) {
		struct payroll_named_rate *nr = &e->subs[rt->nsubsidies];

		set_rate(&nr->rate, best(s, p, plen, K_SUBSIDY, (int)i, program, area, month), &sbase);
		if (nr->rate.present) {
			nr->name = s->sub_names[i];
			nr->item = s->sub_items[i];
			nr->name_len = strlen(nr->name);
			nr->item_len = strlen(nr->item);
			nr->name_quote = payroll_csv_needs_quote(nr->name, nr->name_len);
			rt->nsubsidies++;
		} else if (nr->rate.unresolved && !rt->unresolved_subsidy) {
			rt->unresolved_subsidy = s->sub_items[i];
		}
	}
	rt->supplements = e->supp;
	rt->subsidies = e->subs;
	return 0;
}

static size_t
prefix_of(struct payroll_standards *s, const char *region, size_t n)
{
	size_t i;

	if (n == s->memo_len && !memcmp(region, s->memo_region, n))
		return s->memo_prefix;
	for (i = 0; i < s->nprefixes; i++) {
		size_t pl = strlen(s->prefixes[i]);

		if (pl <= n && !memcmp(s->prefixes[i], region, pl))
			break;
	}
	if (n < sizeof s->memo_region) {
		memcpy(s->memo_region, region, n);
		s->memo_len = n;
		s->memo_prefix = i;
	}
	return i;	/* == nprefixes: no row's region matches */
}

static int
cache_grow(struct payroll_standards *s)
{
	size_t cap = s->cache_cap ? s->cache_cap * 2 : 256, i;
	struct cache_entry **t = calloc(cap, sizeof *t);

	if (!t)
		return -1;
	for (i = 0; i < s->cache_cap; i++) {
		struct cache_entry *e = s->cache[i];
		size_t j;

		if (!e)
			continue;
		for (j = payroll_keyhash_end(e->key) & (cap - 1); t[j]; j = (j + 1) & (cap - 1))
			;
		t[j] = e;
	}
	free(s->cache);
	s->cache = t;
	s->cache_cap = cap;
	return 0;
}

const struct payroll_rates *
payroll_standards_resolve(struct payroll_standards *s, const char *region,
			  size_t n, enum payroll_program program,
			  enum payroll_area area, long month)
{
	size_t pi = prefix_of(s, region, n), j;
	const char *p = pi < s->nprefixes ? s->prefixes[pi] : "";
	uint64_t key = ((uint64_t)pi << 40) | ((uint64_t)program << 36) |
		       ((uint64_t)area << 32) | (uint64_t)month;
	struct cache_entry *e;

	if (s->cache_len * 2 >= s->cache_cap && cache_grow(s))
		return NULL;
	for (j = payroll_keyhash_end(key) & (s->cache_cap - 1); s->cache[j]; j = (j + 1) & (s->cache_cap - 1))
		if (s->cache[j]->key == key)
			return &s->cache[j]->rates;
	e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->key = key;
	if (compute(s, e, p, pi < s->nprefixes ? strlen(p) : 0, program, area, month)) {
		free(e->supp);
		free(e->subs);
		free(e);
		return NULL;
	}
	s->cache[j] = e;
	s->cache_len++;
	return &e->rates;
}
