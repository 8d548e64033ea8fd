/* SPDX-License-Identifier: Apache-2.0 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ident.h"
#include "keyindex.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "intl.h"
#include "banned.h"

/* Levels in output order within a period. */
enum { LV_TOTAL, LV_ALL, LV_COUNTY, LV_TOWNSHIP, LV_SUPPORT, LV_CARE, LV_N };
static const char *const level_names[LV_N] = {
	"total", "all", "county", "township", "support-mode", "care-level",
};

/* Programs, and the extreme-poverty breakdowns, in output order. */
enum {
	PG_SUBSISTENCE, PG_EXTREME, PG_TEMPORARY,
	PG_DISPERSED, PG_CENTRALIZED, PG_SELF_CARE, PG_PARTIAL, PG_FULL,
	PG_ANY, PG_N
};
static const char *const prog_names[PG_N] = {
	"subsistence", "extreme-poverty", "temporary",
	"extreme-poverty:dispersed", "extreme-poverty:centralized",
	"extreme-poverty:self-care", "extreme-poverty:partial", "extreme-poverty:full",
	"*",
};
static const char *const prog_zh[PG_N] = {
	"低保", "特困", "临时救助", "特困·分散供养", "特困·集中供养",
	"特困·全自理", "特困·半失能", "特困·全失能", "合计",
};

enum { AR_URBAN, AR_RURAL, AR_ANY, AR_N };
static const char *const area_names[AR_N] = { "urban", "rural", "*" };
static const char *const area_zh[AR_N] = { "城市", "农村", "合计" };

/* A group's identity: compared and hashed as bytes, so zero it first. */
struct gkey {
	int32_t month;
	uint8_t level, prog, area, pad;
	char region[16];	/* "*", 6 or 9 digits, NUL-padded */
};

struct group {
	uint64_t hash;		/* first: the keyindex reads it */
	struct gkey k;
	int64_t households, persons, regular, other;
};

/* An open-addressing set of 64-bit hashes (0 stands for "empty"). */
struct hset {
	uint64_t *v;
	size_t n, cap;		/* cap a power of two, or 0 */
};

/* 1 when h was new, 0 when present, PAYROLL_ENOMEM. */
static int
hset_add(struct hset *s, uint64_t h)
{
	size_t j, mask;

	h |= !h;	/* 0 marks an empty slot */
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024, i;
		uint64_t *v = calloc(cap, sizeof *v);

		if (!v)
			return PAYROLL_ENOMEM;
		for (i = 0; i < s->cap; i++) {
			if (!s->v[i])
				continue;
			for (j = s->v[i] & (cap - 1); v[j]; j = (j + 1) & (cap - 1))
				;
			v[j] = s->v[i];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	mask = s->cap - 1;
	for (j = h & mask; s->v[j]; j = (j + 1) & mask)
		if (s->v[j] == h)
			return 0;
	s->v[j] = h;
	s->n++;
	return 1;
}

struct rep {
	const struct payroll_report_opts *o;
	struct payroll_error *err;
	struct group *g;
	size_t ng, capg;
	size_t *slot;		/* group + 1 by hash; 0 empty */
	size_t nslot;
	struct hset households;
	/* the case being read: its placing columns (NUL-separated, in
	 * place_cols order), its groups and its sums so far, added to the
	 * groups when the next case starts (the lines of a case are
	 * contiguous, so most lines only compare and add) */
	struct payroll_buf ckey;
	int open;
	size_t cgroups[6], ncgroups;
	int64_t chouseholds, cpersons, cregular, cother;
	long cline;
	int64_t total;
	long lines;
};

static int
grow_slots(struct rep *r)
{
	size_t n = r->nslot ? 2 * r->nslot : 256, i, j;
	size_t *s = calloc(n, sizeof *s);

	if (!s)
		return PAYROLL_ENOMEM;
	for (i = 0; i < r->ng; i++) {
		for (j = r->g[i].hash & (n - 1); s[j]; j = (j + 1) & (n - 1))
			;
		s[j] = i + 1;
	}
	free(r->slot);
	r->slot = s;
	r->nslot = n;
	return 0;
}

/* The group of key k (created empty when new): its index, or -1 no memory. */
static long
group_of(struct rep *r, const struct gkey *k)
{
	uint64_t h = payroll_keyhash_end(payroll_keyhash_add(PAYROLL_KEYHASH_INIT,
							     (const char *)k, sizeof *k));
	size_t j;

	if (2 * (r->ng + 1) > r->nslot && grow_slots(r))
		return -1;
	for (j = h & (r->nslot - 1); r->slot[j]; j = (j + 1) & (r->nslot - 1)) {
		struct group *g = &r->g[r->slot[j] - 1];

		if (g->hash == h && !memcmp(&g->k, k, sizeof *k))
			return (long)(r->slot[j] - 1);
	}
	if (payroll_grow((void **)&r->g, r->ng, &r->capg, sizeof *r->g))
		return -1;
	memset(&r->g[r->ng], 0, sizeof *r->g);
	r->g[r->ng].hash = h;
	r->g[r->ng].k = *k;
	r->slot[j] = r->ng + 1;
	return (long)r->ng++;
}

static int
word(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int
bad(struct rep *r, const char *path, long line, const char *code, const char *col,
    const char *v, const char *hint)
{
	return payroll_error_set(r->err, PAYROLL_EFORMAT, path, line, 0, code, "%s '%s': %s",
				 col, v, payroll_tr(hint));
}

/* The groups of line l into r->cgroups. */
static int
line_groups(struct rep *r, const struct payroll_ledger_line *l, const char *path)
{
	static const char *const modes[] = { "dispersed", "centralized" };
	static const char *const cares[] = { "self-care", "partial", "full" };
	size_t rl = strlen(l->region), i;
	struct gkey k[6];
	int prog, area, n = 0, mode = -1, care = -1;
	long month = payroll_month_parse(l->period, strlen(l->period));

	if (month < 0)
		return bad(r, path, l->line, "bad-month", "period", l->period, "not a month YYYY-MM");
	if ((prog = word(l->program, prog_names, 3)) < 0)
		return bad(r, path, l->line, "bad-program", "program", l->program,
			   "subsistence, extreme-poverty or temporary");
	if ((area = word(l->area, area_names, 2)) < 0)
		return bad(r, path, l->line, "bad-area", "area", l->area, "urban or rural");
	if ((rl != 6 && rl != 12) || strspn(l->region, "0123456789") != rl)
		return bad(r, path, l->line, "bad-region", "region", l->region,
			   "not a 6-digit or 12-digit code");
	if (prog == PG_EXTREME) {
		if ((mode = word(l->support_mode, modes, 2)) < 0)
			return bad(r, path, l->line, "bad-support-mode", "support_mode",
				   l->support_mode, "an extreme-poverty line has dispersed or centralized");
		if ((care = word(l->care_level, cares, 3)) < 0)
			return bad(r, path, l->line, "bad-care-level", "care_level",
				   l->care_level, "an extreme-poverty line has self-care, partial or full");
	}
	memset(k, 0, sizeof k);
	for (i = 0; i < 6; i++) {
		k[i].month = (int32_t)month;
		k[i].prog = (uint8_t)prog;
		k[i].area = (uint8_t)area;
		k[i].region[0] = '*';
	}
	k[n].level = LV_TOTAL;
	k[n].prog = PG_ANY;
	k[n++].area = AR_ANY;
	k[n++].level = LV_ALL;
	k[n].level = LV_COUNTY;
	memcpy(k[n++].region, l->region, 6);
	if (rl == 12) {
		k[n].level = LV_TOWNSHIP;
		memcpy(k[n++].region, l->region, 9);
	}
	if (prog == PG_EXTREME) {
		k[n].level = LV_SUPPORT;
		k[n++].prog = (uint8_t)(PG_DISPERSED + mode);
		k[n].level = LV_CARE;
		k[n++].prog = (uint8_t)(PG_SELF_CARE + care);
	}
	r->ncgroups = 0;
	for (i = 0; i < (size_t)n; i++) {
		long g = group_of(r, &k[i]);

		if (g < 0)
			return PAYROLL_ENOMEM;
		r->cgroups[r->ncgroups++] = (size_t)g;
	}
	return 0;
}

/* The columns that place a line in its groups, case_id first since it
 * is the one that changes from case to case. */
static void
place_cols(const struct payroll_ledger_line *l, const char *f[7])
{
	f[0] = l->case_id;
	f[1] = l->period;
	f[2] = l->program;
	f[3] = l->region;
	f[4] = l->area;
	f[5] = l->support_mode;
	f[6] = l->care_level;
}

/* How much of l's placing columns equals the previous case's: 2 all
 * (the same case), 1 all but case_id (another case in the same groups),
 * 0 less. */
static int
same_case(const struct rep *r, const struct payroll_ledger_line *l)
{
	const char *f[7], *p = r->ckey.p;
	size_t i, n;
	int same_id = 1;

	if (!r->ckey.len)
		return 0;
	place_cols(l, f);
	for (i = 0; i < 7; i++, p += n + 1) {
		n = strlen(p);
		if (memcmp(p, f[i], n + 1)) {
			if (i)
				return 0;
			same_id = 0;
		}
	}
	return same_id ? 2 : 1;
}

/* Add the open case's sums to its groups. */
static int
flush_case(struct rep *r, const char *path)
{
	size_t i;

	if (!r->open)
		return 0;
	r->open = 0;
	for (i = 0; i < r->ncgroups; i++) {
		struct group *g = &r->g[r->cgroups[i]];

		g->households += r->chouseholds;
		g->persons += r->cpersons;
		if (payroll_add(g->regular, r->cregular, &g->regular) ||
		    payroll_add(g->other, r->cother, &g->other))
			return payroll_error_set(r->err, PAYROLL_EOVERFLOW, path, r->cline, 0,
						 "overflow", "a sum does not fit");
	}
	return 0;
}

static int
add_line(struct rep *r, const struct payroll_ledger_line *l, const char *path)
{
	int64_t *to;
	int fresh, rc, same;
	uint64_t h;

	if ((same = same_case(r, l)) < 2 || !r->open) {
		const char *f[7];
		size_t i;

		if ((rc = flush_case(r, path)) != 0 || (!same && (rc = line_groups(r, l, path)) != 0))
			return rc;
		place_cols(l, f);
		payroll_buf_reset(&r->ckey);
		for (i = 0; i < 7; i++)
			if (payroll_buf_add(&r->ckey, f[i], strlen(f[i]) + 1))
				return PAYROLL_ENOMEM;
		/* a household is a case_id in a period's program: counted
		 * once however many lines or ledgers it has */
		h = payroll_keyhash_add(PAYROLL_KEYHASH_INIT, l->period, strlen(l->period));
		h = payroll_keyhash_add(h, l->program, strlen(l->program));
		h = payroll_keyhash_end(payroll_keyhash_add(h, l->case_id, strlen(l->case_id)));
		if ((fresh = hset_add(&r->households, h)) < 0)
			return fresh;
		r->open = 1;
		r->chouseholds = fresh;
		r->cpersons = fresh ? l->members : 0;
		r->cregular = r->cother = 0;
		r->cline = l->line;
	}
	to = payroll_ledger_is_regular(l) ? &r->cregular : &r->cother;
	if (payroll_add(*to, l->amount, to))
		return payroll_error_set(r->err, PAYROLL_EOVERFLOW, path, l->line, 0,
					 "overflow", "a sum does not fit");
	if (payroll_add(r->total, l->amount, &r->total))
		return payroll_error_set(r->err, PAYROLL_EOVERFLOW, path, l->line, 0,
					 "overflow", "the total does not fit");
	r->lines++;
	return 0;
}

static int
read_ledger(struct rep *r, const char *path)
{
	struct payroll_ledger_reader *lr;
	struct payroll_ledger_line l;
	int rc;

	if ((rc = payroll_ledger_open(&lr, path, r->err)) != 0)
		return rc;
	rc = payroll_ledger_require(lr, PAYROLL_LEDGER_AREA | PAYROLL_LEDGER_SUPPORT_MODE |
				    PAYROLL_LEDGER_CARE_LEVEL,
				    "the report counts by area, support mode and care level", r->err);
	payroll_buf_reset(&r->ckey);
	while (rc == 0 && (rc = payroll_ledger_next(lr, &l, r->err)) == 1)
		rc = add_line(r, &l, path);
	if (rc == 0)
		rc = flush_case(r, path);
	if (rc == PAYROLL_ENOMEM && !r->err->message[0])
		payroll_error_errno(r->err, rc, path, "out of memory");
	payroll_ledger_close(lr);
	return rc;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct gkey *x = &((const struct group *)a)->k, *y = &((const struct group *)b)->k;
	int c;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if ((c = strcmp(x->region, y->region)) != 0)
		return c;
	if (x->prog != y->prog)
		return x->prog < y->prog ? -1 : 1;
	return (x->area > y->area) - (x->area < y->area);
}

/* regular / persons, half-up to the fen (amounts are never negative). */
static int64_t
per_person(const struct group *g)
{
	if (g->persons <= 0)
		return 0;
	return (g->regular + g->persons / 2) / g->persons;
}

static int
csv_rows(struct rep *r, struct payroll_buf *b)
{
	size_t i;
	char m[8];

	if (payroll_buf_addstr(b, r->o->bom ? PAYROLL_UTF8_BOM : "") ||
	    payroll_buf_addstr(b, PAYROLL_REPORT_HEADER))
		return PAYROLL_ENOMEM;
	for (i = 0; i < r->ng; i++) {
		const struct group *g = &r->g[i];

		payroll_month_format(g->k.month, m);
		if (payroll_buf_addf(b, "%s,%s,%s,%s,%s,%lld,%lld,", m, level_names[g->k.level],
				     g->k.region, prog_names[g->k.prog], area_names[g->k.area],
				     (long long)g->households, (long long)g->persons) ||
		    payroll_buf_addmoney(b, g->regular) || payroll_buf_addch(b, ',') ||
		    payroll_buf_addmoney(b, g->other) || payroll_buf_addch(b, ',') ||
		    payroll_buf_addmoney(b, g->regular + g->other) || payroll_buf_addch(b, ',') ||
		    payroll_buf_addmoney(b, per_person(g)) || payroll_buf_addch(b, '\n'))
			return PAYROLL_ENOMEM;
	}
	return 0;
}

/* ---- the printable page ------------------------------------------------ */

static const char *const prog_color[3] = { "#1f77b4", "#d62728", "#2ca02c" };

static int
zh_month(struct payroll_buf *b, int32_t month)
{
	char m[8];

	payroll_month_format(month, m);
	return payroll_buf_addf(b, "%.4s年%d月", m, (m[5] - '0') * 10 + (m[6] - '0'));
}

/* Amount in yuan with two decimals and thousands separators, for people. */
static int
money_zh(struct payroll_buf *b, int64_t fen)
{
	char raw[32], out[48];
	int n = snprintf(raw, sizeof raw, "%lld", (long long)(fen / 100)), i, k = 0;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = raw[i];
	}
	out[k] = 0;
	return payroll_buf_addf(b, "%s.%02d", out, (int)(fen % 100));
}

static int
table_rows(struct payroll_buf *b, const struct rep *r, size_t from, size_t to, int level,
	   const char *caption, int with_region)
{
	size_t i;
	int any = 0;

	for (i = from; i < to; i++)
		any |= r->g[i].k.level == level;
	if (!any)
		return 0;
	if (payroll_buf_addf(b, "<h3>%s</h3>\n<table>\n<thead><tr>%s<th>类别</th><th>城乡</th>"
			     "<th>户数</th><th>人数</th><th>当月保障金（元）</th>"
			     "<th>其他（补发、补贴、临时救助）</th><th>合计（元）</th>"
			     "<th>人均（元）</th></tr></thead>\n<tbody>\n",
			     caption, with_region ? "<th>区划代码</th>" : ""))
		return PAYROLL_ENOMEM;
	for (i = from; i < to; i++) {
		const struct group *g = &r->g[i];

		if (g->k.level != level)
			continue;
		if (payroll_buf_addstr(b, "<tr>") ||
		    (with_region && payroll_buf_addf(b, "<td>%s</td>", g->k.region)) ||
		    payroll_buf_addf(b, "<td>%s</td><td>%s</td><td class=\"n\">%lld</td>"
				     "<td class=\"n\">%lld</td><td class=\"n\">",
				     prog_zh[g->k.prog], area_zh[g->k.area],
				     (long long)g->households, (long long)g->persons) ||
		    money_zh(b, g->regular) || payroll_buf_addstr(b, "</td><td class=\"n\">") ||
		    money_zh(b, g->other) || payroll_buf_addstr(b, "</td><td class=\"n\">") ||
		    money_zh(b, g->regular + g->other) ||
		    payroll_buf_addstr(b, "</td><td class=\"n\">") ||
		    money_zh(b, per_person(g)) || payroll_buf_addstr(b, "</td></tr>\n"))
			return PAYROLL_ENOMEM;
	}
	return payroll_buf_addstr(b, "</tbody>\n</table>\n");
}

static int
legend(struct payroll_buf *b, int x, int y)
{
	int p;

	for (p = 0; p < 3; p++)
		if (payroll_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
				     "<text x=\"%d\" y=\"%d\">%s</text>\n", x + p * 110, y,
				     prog_color[p], x + p * 110 + 16, y + 11, prog_zh[p]))
			return PAYROLL_ENOMEM;
	return 0;
}

/* Horizontal bars: for each county of the period, one bar per program
 * (both areas), length proportional to the total. Integer geometry. */
static int
bar_chart(struct payroll_buf *b, const struct rep *r, size_t from, size_t to)
{
	enum { LEFT = 90, WIDTH = 420, BAR = 14 };
	int64_t sum[64][3], max = 0;
	char region[64][16];
	int nreg = 0, i, p, y, h;
	size_t j;

	memset(sum, 0, sizeof sum);
	for (j = from; j < to; j++) {
		const struct group *g = &r->g[j];

		if (g->k.level != LV_COUNTY || g->k.prog > PG_TEMPORARY)
			continue;
		for (i = 0; i < nreg && strcmp(region[i], g->k.region); i++)
			;
		if (i == nreg) {
			if (nreg == 64)
				continue;	/* more counties than a page holds: the table has them */
			memcpy(region[nreg++], g->k.region, sizeof region[0]);
		}
		sum[i][g->k.prog] += g->regular + g->other;
	}
	for (i = 0; i < nreg; i++)
		for (p = 0; p < 3; p++)
			max = sum[i][p] > max ? sum[i][p] : max;
	if (!nreg || max <= 0)
		return 0;
	h = 40 + nreg * (3 * BAR + 10);
	if (payroll_buf_addf(b, "<h3>各县（市、区）各类别发放金额</h3>\n"
			     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" "
			     "viewBox=\"0 0 640 %d\" role=\"img\" aria-label=\"各县各类别发放金额\">\n",
			     h, h) || legend(b, LEFT, 4))
		return PAYROLL_ENOMEM;
	for (i = 0, y = 28; i < nreg; i++, y += 3 * BAR + 10) {
		if (payroll_buf_addf(b, "<text x=\"4\" y=\"%d\">%s</text>\n", y + BAR + 10, region[i]))
			return PAYROLL_ENOMEM;
		for (p = 0; p < 3; p++) {
			int w = (int)(sum[i][p] * WIDTH / max);

			if (payroll_buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
					     "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"v\">",
					     LEFT, y + p * BAR, w, BAR - 2, prog_color[p],
					     LEFT + w + 4, y + p * BAR + BAR - 4) ||
			    money_zh(b, sum[i][p]) || payroll_buf_addstr(b, "</text>\n"))
				return PAYROLL_ENOMEM;
		}
	}
	return payroll_buf_addstr(b, "</svg>\n");
}

/* With several periods: a line per program through each period's total. */
static int
trend_chart(struct payroll_buf *b, const struct rep *r)
{
	enum { LEFT = 100, WIDTH = 500, TOP = 30, HEIGHT = 200 };
	int32_t months[64];
	int64_t v[64][3], max = 0;
	int nm = 0, i, p;
	size_t j;

	memset(v, 0, sizeof v);
	for (j = 0; j < r->ng; j++) {
		const struct group *g = &r->g[j];

		if (g->k.level != LV_ALL)
			continue;
		for (i = 0; i < nm && months[i] != g->k.month; i++)
			;
		if (i == nm) {
			if (nm == 64)
				continue;
			months[nm++] = g->k.month;
		}
		v[i][g->k.prog] += g->regular + g->other;
	}
	if (nm < 2)
		return 0;
	for (i = 0; i < nm; i++)
		for (p = 0; p < 3; p++)
			max = v[i][p] > max ? v[i][p] : max;
	if (max <= 0)
		return 0;
	if (payroll_buf_addf(b, "<h2>各类别发放金额走势</h2>\n"
			     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" "
			     "viewBox=\"0 0 640 %d\" role=\"img\" aria-label=\"各类别发放金额走势\">\n"
			     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n"
			     "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n"
			     "<text x=\"4\" y=\"%d\" class=\"v\">",
			     TOP + HEIGHT + 40, TOP + HEIGHT + 40, LEFT, TOP, LEFT, TOP + HEIGHT,
			     LEFT, TOP + HEIGHT, LEFT + WIDTH, TOP + HEIGHT, TOP + 4) ||
	    money_zh(b, max) || payroll_buf_addstr(b, "</text>\n") || legend(b, LEFT, 4))
		return PAYROLL_ENOMEM;
	for (i = 0; i < nm; i++) {
		int x = LEFT + i * WIDTH / (nm - 1);

		if (payroll_buf_addf(b, "<text x=\"%d\" y=\"%d\" class=\"m\">", x - 30,
				     TOP + HEIGHT + 18) ||
		    zh_month(b, months[i]) || payroll_buf_addstr(b, "</text>\n"))
			return PAYROLL_ENOMEM;
	}
	for (p = 0; p < 3; p++) {
		if (payroll_buf_addf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
				     prog_color[p]))
			return PAYROLL_ENOMEM;
		for (i = 0; i < nm; i++)
			if (payroll_buf_addf(b, "%s%d,%d", i ? " " : "", LEFT + i * WIDTH / (nm - 1),
					     TOP + HEIGHT - (int)(v[i][p] * HEIGHT / max)))
				return PAYROLL_ENOMEM;
		if (payroll_buf_addstr(b, "\"/>\n"))
			return PAYROLL_ENOMEM;
	}
	return payroll_buf_addstr(b, "</svg>\n");
}

static const char page_style[] =
	"@page { size: A4 portrait; margin: 15mm; }\n"
	"body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"SimSun\", sans-serif;"
	" font-size: 10pt; color: #000; }\n"
	"h1 { font-size: 16pt; text-align: center; }\n"
	"h2 { font-size: 13pt; break-before: page; }\n"
	"h2.first { break-before: auto; }\n"
	"h3 { font-size: 11pt; }\n"
	"table { border-collapse: collapse; width: 100%; margin-bottom: 6mm; }\n"
	"thead { display: table-header-group; }\n"
	"tr { break-inside: avoid; }\n"
	"th, td { border: 1px solid #000; padding: 1mm 1.5mm; white-space: nowrap; }\n"
	"td.n { text-align: right; }\n"
	"svg { display: block; margin-bottom: 6mm; break-inside: avoid; }\n"
	"svg text { font-size: 11px; }\n"
	"svg text.v, svg text.m { font-size: 9px; }\n"
	"p.note { font-size: 9pt; }\n";

static int
page(struct payroll_buf *b, const struct rep *r)
{
	size_t i, j;
	int first = 1;

	if (payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
			       "<meta charset=\"utf-8\">\n<title>社会救助统计月报</title>\n<style>\n") ||
	    payroll_buf_addstr(b, page_style) ||
	    payroll_buf_addstr(b, "</style>\n</head>\n<body>\n<h1>社会救助统计月报（"))
		return PAYROLL_ENOMEM;
	if (r->ng && (zh_month(b, r->g[0].k.month) ||
		      (r->g[r->ng - 1].k.month != r->g[0].k.month &&
		       (payroll_buf_addstr(b, "至") || zh_month(b, r->g[r->ng - 1].k.month)))))
		return PAYROLL_ENOMEM;
	if (payroll_buf_addstr(b, "）</h1>\n<p class=\"note\">户数为不同编号的户（人）数，人数为其保障人数；"
			       "当月保障金为发放月份的低保金、分类施保金、基本生活费和照料护理费；"
			       "其他为补发、一次性补贴和临时救助。人均为当月保障金除以人数，四舍五入到分。"
			       "临时救助的户数即救助人次。</p>\n") ||
	    trend_chart(b, r))
		return PAYROLL_ENOMEM;
	for (i = 0; i < r->ng; i = j) {
		for (j = i; j < r->ng && r->g[j].k.month == r->g[i].k.month; j++)
			;
		if (payroll_buf_addf(b, "<h2%s>", first ? " class=\"first\"" : "") ||
		    zh_month(b, r->g[i].k.month) || payroll_buf_addstr(b, "</h2>\n") ||
		    table_rows(b, r, i, j, LV_TOTAL, "总计", 0) ||
		    table_rows(b, r, i, j, LV_ALL, "分类别、城乡", 0) ||
		    bar_chart(b, r, i, j) ||
		    table_rows(b, r, i, j, LV_COUNTY, "分县（市、区）", 1) ||
		    table_rows(b, r, i, j, LV_TOWNSHIP, "分乡镇（街道）", 1) ||
		    table_rows(b, r, i, j, LV_SUPPORT, "特困人员：分供养方式", 0) ||
		    table_rows(b, r, i, j, LV_CARE, "特困人员：分自理能力", 0))
			return PAYROLL_ENOMEM;
		first = 0;
	}
	return payroll_buf_addstr(b, "</body>\n</html>\n");
}

int
payroll_report(const struct payroll_report_opts *o, struct payroll_report_result *res,
	       struct payroll_error *err)
{
	struct rep r = { 0 };
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct payroll_buf b = { 0 };
	const char *csv = o->output ? o->output : "-";
	const char *outs[2] = { csv, o->html };
	size_t i;
	int rc = 0, stdin_seen = 0;

	memset(res, 0, sizeof *res);
	payroll_error_clear(err);
	r.o = o;
	r.err = err;
	if (!o->nledgers)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "no ledger to report on");
	for (i = 0; i < o->nledgers; i++)
		if (!strcmp(o->ledgers[i], "-") && stdin_seen++)
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "standard input given twice");
	rc = payroll_outfile_check_paths(o->ledgers, o->nledgers, outs, 2, err);
	for (i = 0; rc == 0 && i < o->nledgers; i++)
		rc = read_ledger(&r, o->ledgers[i]);
	if (rc == 0 && r.ng)
		qsort(r.g, r.ng, sizeof *r.g, cmp_group);
	if (rc == 0 && (rc = payroll_outfile_open(&out[0], csv, 0, err)) == 0) {
		if ((rc = csv_rows(&r, &b)) == 0 && payroll_outfile_write(out[0], b.p, b.len))
			rc = PAYROLL_EIO;
	}
	if (rc == 0 && o->html && (rc = payroll_outfile_open(&out[1], o->html, 0, err)) == 0) {
		payroll_buf_reset(&b);
		if ((rc = page(&b, &r)) == 0 && payroll_outfile_write(out[1], b.p, b.len))
			rc = PAYROLL_EIO;
	}
	if (rc == PAYROLL_ENOMEM && !err->message[0])
		payroll_error_errno(err, rc, NULL, "out of memory");
	if (rc == 0)
		rc = payroll_outfile_commit_all(out, 2, err);
	else if (rc == PAYROLL_EIO && !err->message[0])
		payroll_error_errno(err, rc, NULL, "cannot write the report");
	payroll_outfile_abort(out[0]);
	payroll_outfile_abort(out[1]);
	if (rc == 0) {
		for (i = 0; i < r.ng; i++)
			res->periods += r.g[i].k.level == LV_TOTAL;
		res->lines = r.lines;
		res->rows = (long)r.ng;
		res->total = r.total;
	}
	payroll_buf_release(&b);
	free(r.g);
	free(r.slot);
	free(r.households.v);
	payroll_buf_release(&r.ckey);
	return rc;
}
