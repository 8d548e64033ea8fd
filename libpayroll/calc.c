/* SPDX-License-Identifier: Apache-2.0 */
#include "calc.h"
#include "calc_rows.h"
#include "calc_dups.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dupindex.h"
#include "ident.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "paidset.h"
#include "roster.h"
#include "standards.h"
#include "table.h"
#include "intl.h"
#include "banned.h"

#define REJECTS_HEADER "source,line,case_id,code,message\n"
#define MAX_ARREARS 12

/* One computed ledger line before it is written. */
struct out_line {
	const char *item;	/* a literal or the standards' own string */
	size_t item_len;
	int item_quote;		/* the item needs CSV quoting (a standards' name) */
	long month;
	int64_t amount;
	size_t len;		/* of basis (not NUL-terminated) */
	int quote;		/* basis holds a comma: CSV-quote it */
	size_t amount_len;	/* the basis ends with the amount's text, this long
				 * (0: it does not) */
	char basis[480];
};

/* Where a (program, item) total is in the report, by the item's address:
 * the items of lines are a few literals and standards strings. */
struct total_slot {
	const char *item;
	int program;
	int index;
};

/*
 * A per-person line (rate * members) depends only on its rate, the members
 * and the rounding: made once, then copied. A rate's address names it: the
 * standards keep their resolved rates, unchanged, until they are freed.
 */
#define PERSON_MEMOS 256

struct person_memo {
	const struct payroll_rate *rate;
	int members;
	enum payroll_rounding rule;
	int64_t amount;
	size_t len, amount_len;
	char basis[PAYROLL_FRAG_MAX + 64];
};

/*
 * Likewise a supplement line depends only on the rates and the categories
 * as written (up to SUPP_CATS_MAX bytes; longer ones are not kept).
 */
#define SUPP_MEMOS 128
#define SUPP_CATS_MAX 120

struct supp_memo {
	const struct payroll_rates *rt;
	size_t cats_len;
	char cats[SUPP_CATS_MAX];
	struct out_line line;	/* line.len == 0: the categories pay nothing */
};

/* A word of the ledger's own vocabulary and its length. */
struct word {
	const char *s;
	size_t n;
};

#define WORD(lit) ((struct word){ lit, sizeof lit - 1 })

struct engine {
	const struct payroll_calc_opts *o;
	struct payroll_calc_report *rep;
	struct payroll_error *err;
	struct payroll_standards *std;
	struct payroll_paidset *paid;	/* grants paid in the --paid ledgers */
	struct payroll_calc_source src[2];
	int cur;			/* source being read */
	struct payroll_outfile *ledger, *rejects;
	int ledger_spooled, rejects_spooled;
	struct payroll_buf buf;
	struct payroll_ledger_case lcase;
	size_t total_hint;		/* where payroll_calc_report_add looks first */
	struct total_slot totals[32];
	size_t ntotals;
	struct out_line *lines;
	size_t nlines, lines_cap;
	struct person_memo *memos;	/* PERSON_MEMOS of them, made on first use */
	struct supp_memo *supp_memos;	/* SUPP_MEMOS, likewise */
	struct payroll_problems probs;
	struct payroll_calc_dups dups;
	int keys_only;			/* the first pass: index the keys, nothing else */
	char period[8];
	struct word program[3], area[2], care[3];	/* their names, measured once */
	const char *reject_code;	/* calc-stage reject of the current row */
	char reject_msg[300];
};

/* ---- rejects ----------------------------------------------------------- */

static int
reject(struct engine *g, const struct payroll_case *k, const char *code,
       const char *message)
{
	struct payroll_calc_source *s = &g->src[g->cur];
	size_t row = s->nrows - 1;
	int rc;

	s->rejected[row >> 3] |= (unsigned char)(1u << (row & 7));
	g->rep->rejected[g->cur]++;
	if ((rc = payroll_calc_report_count(g->rep, code, 1)) != 0)
		return rc;
	if (strcmp(code, "not-due") != 0) {
		g->rep->attention++;
		if (g->o->diag && !g->o->check_only) {
			struct payroll_error e;

			payroll_error_set(&e, 0, s->path, k->line, 0, code, "%s", message);
			g->o->diag(g->o->diag_ctx, &e);
		}
	}
	if (!g->rejects)
		return 0;
	payroll_buf_reset(&g->buf);
	if (payroll_calc_reject_line(&g->buf, s->name, k->line, k->case_id, k->case_id_len, code,
				     message))
		return PAYROLL_ENOMEM;
	return payroll_outfile_write(g->rejects, g->buf.p, g->buf.len) ?
		payroll_error_errno(g->err, PAYROLL_EIO, g->o->rejects, "cannot write") : 0;
}

/* ---- arithmetic into ledger lines -------------------------------------- */

static struct out_line *
new_line(struct engine *g, const char *item, size_t item_len, long month)
{
	struct out_line *l;

	if (g->nlines == g->lines_cap) {
		size_t cap = g->lines_cap ? g->lines_cap * 2 : 32;
		struct out_line *nl = realloc(g->lines, cap * sizeof *nl);

		if (!nl)
			return NULL;
		g->lines = nl;
		g->lines_cap = cap;
	}
	l = &g->lines[g->nlines++];
	l->item = item;
	l->item_len = item_len;
	l->item_quote = 0;
	l->month = month;
	l->amount = 0;
	l->len = 0;
	l->amount_len = 0;
	l->quote = 0;
	return l;
}

/* Lines of a fixed item: its length known at compile time. */
#define NEW_LINE(g, lit, month) new_line((g), lit, sizeof lit - 1, (month))

/*
 * The basis column is built by these, on the hot path: no printf, and no
 * strlen of a literal (PUT). What goes in is numbers, literals, the
 * standards' rate fragments (numbers, "%*()=") and supplement names; only
 * a name or max()'s comma can need CSV quoting, and they set l->quote.
 */
/* (never inlined: GCC then takes put_money's short buffer for a long one) */
static void __attribute__((noinline))
put_n(struct out_line *l, const char *s, size_t n)
{
	if (n > sizeof l->basis - 1 - l->len)
		n = sizeof l->basis - 1 - l->len;
	payroll_copy(l->basis + l->len, s, n);
	l->len += n;
}

/* A literal: with room (always, but for a runaway basis) a copy of a
 * length known at compile time, which the compiler makes a store or two. */
static inline void
put_lit(struct out_line *l, const char *s, size_t n)
{
	if (n <= sizeof l->basis - 1 - l->len) {
		memcpy(l->basis + l->len, s, n);
		l->len += n;
	} else {
		put_n(l, s, n);
	}
}

#define PUT(l, lit) put_lit((l), lit, sizeof lit - 1)

static void
put(struct out_line *l, const char *s)
{
	put_n(l, s, strlen(s));
}

/* Put fen as money; its length, or 0 when the basis had no room for all
 * of it. */
static size_t
put_money(struct out_line *l, int64_t fen)
{
	char m[PAYROLL_MONEY_MAX];
	size_t n;

	if (sizeof l->basis - 1 - l->len >= PAYROLL_MONEY_MAX) {
		n = payroll_money_format(fen, l->basis + l->len);
		l->len += n;
		return n;
	}
	put_n(l, m, n = payroll_money_format(fen, m));
	return l->len < sizeof l->basis - 1 ? n : 0;
}

static void
put_int(struct out_line *l, int v)
{
	char d[12];
	int i = sizeof d;

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && i > 0);
	put_n(l, d + i, sizeof d - (size_t)i);
}

static int __attribute__((format(printf, 3, 4)))
calc_reject(struct engine *g, const char *code, const char *fmt, ...)
{
	va_list ap;

	g->reject_code = code;
	va_start(ap, fmt);
	vsnprintf(g->reject_msg, sizeof g->reject_msg, payroll_tr(fmt), ap);
	va_end(ap);
	return 1;
}

/* Round the exact amount of l by rule, noting it in the basis. */
static int
finish_line(struct engine *g, struct out_line *l, int64_t exact,
	    enum payroll_rounding rule)
{
	if (payroll_round(exact, rule, &l->amount))
		return calc_reject(g, "overflow", "amount too large");
	PUT(l, "=");
	l->amount_len = put_money(l, exact);
	if (l->amount != exact) {
		PUT(l, " round(");
		put(l, payroll_rounding_name(rule));
		PUT(l, ")=");
		l->amount_len = put_money(l, l->amount);
	}
	return 0;
}

static struct person_memo *
person_memo(struct engine *g, const struct payroll_rate *rate, int members)
{
	size_t h = ((uintptr_t)rate >> 4) * 31 + (size_t)members;

	if (!g->memos && !(g->memos = calloc(PERSON_MEMOS, sizeof *g->memos)))
		return NULL;
	return &g->memos[h % PERSON_MEMOS];
}

/* rate * members as an item line; omitted when zero and omit_zero. */
static int
per_person_line(struct engine *g, const char *item, size_t item_len, int item_quote, long month,
		const struct payroll_rate *rate, int members,
		enum payroll_rounding rule, int omit_zero)
{
	struct person_memo *m;
	struct out_line *l;
	int64_t exact;
	int rc;

	if (payroll_mul(rate->fen, members, &exact))
		return calc_reject(g, "overflow", "%s too large", item);
	if (exact == 0 && omit_zero)
		return 0;
	if (!(l = new_line(g, item, item_len, month)) || !(m = person_memo(g, rate, members)))
		return PAYROLL_ENOMEM;
	l->item_quote = item_quote;
	if (m->rate == rate && m->members == members && m->rule == rule) {
		l->amount = m->amount;
		l->amount_len = m->amount_len;
		payroll_copy(l->basis, m->basis, l->len = m->len);
		return 0;
	}
	put_n(l, rate->frag, rate->frag_len);
	PUT(l, "*");
	put_int(l, members);
	if ((rc = finish_line(g, l, exact, rule)) != 0 || l->len > sizeof m->basis)
		return rc;
	*m = (struct person_memo){ rate, members, rule, l->amount, l->len, l->amount_len, "" };
	memcpy(m->basis, l->basis, l->len);
	return 0;
}

struct supp_ctx {
	const struct payroll_rates *rt;
	int64_t sum;
	struct out_line *l;
	int overflow;
};

static void
supp_person(void *ctx, const char *s, size_t n, int person)
{
	struct supp_ctx *sc = ctx;
	const struct payroll_named_rate *win = NULL;
	size_t i = 0, j;

	/* 就高不重复: the highest of the person's categories, once. */
	while (i <= n) {
		size_t a, b;

		for (j = i; j < n && s[j] != ','; j++)
			;
		for (a = i; a < j && s[a] == ' '; a++)
			;
		for (b = j; b > a && s[b - 1] == ' '; b--)
			;
		for (size_t k = 0; b > a && k < sc->rt->nsupplements; k++) {
			const struct payroll_named_rate *r = &sc->rt->supplements[k];

			if (r->name_len == b - a && !memcmp(r->name, s + a, b - a) &&
			    (!win || r->rate.fen > win->rate.fen))
				win = r;
		}
		i = j + 1;
	}
	if (!win || win->rate.fen == 0)
		return;
	if (payroll_add(sc->sum, win->rate.fen, &sc->sum))
		sc->overflow = 1;
	if (sc->l->len)
		PUT(sc->l, "+");
	put_n(sc->l, win->rate.frag, win->rate.frag_len);
	PUT(sc->l, "(");
	put_n(sc->l, win->name, win->name_len);
	sc->l->quote |= win->name_quote;
	PUT(sc->l, ")");
	(void)person;
}

static struct supp_memo *
supp_memo(struct engine *g, const struct payroll_rates *rt, const char *cats, size_t n)
{
	size_t h = ((uintptr_t)rt >> 4) * 31 + n;

	if (n)
		h = h * 31 + (unsigned char)cats[0] * 7 + (unsigned char)cats[n / 2] * 3 +
		    (unsigned char)cats[n - 1];
	if (!g->supp_memos && !(g->supp_memos = calloc(SUPP_MEMOS, sizeof *g->supp_memos)))
		return NULL;
	return &g->supp_memos[h % SUPP_MEMOS];
}

/* The supplement line of k's categories for month m, or none when they
 * pay nothing: 0, 1 (g->reject_code set), -1 no memory. */
static int
supplement_line(struct engine *g, const struct payroll_case *k, long m,
		const struct payroll_rates *rt)
{
	struct supp_ctx sc = { rt, 0, NULL, 0 };
	struct supp_memo *memo;
	size_t n = k->categories_len;
	int rc;

	if (!(sc.l = NEW_LINE(g, "supplement", m)) ||
	    !(memo = supp_memo(g, rt, k->categories, n)))
		return PAYROLL_ENOMEM;
	if (memo->rt == rt && memo->cats_len == n && !memcmp(memo->cats, k->categories, n)) {
		if (!memo->line.len) {
			g->nlines--;
			return 0;
		}
		sc.l->amount = memo->line.amount;
		sc.l->amount_len = memo->line.amount_len;
		sc.l->quote = memo->line.quote;
		payroll_copy(sc.l->basis, memo->line.basis, sc.l->len = memo->line.len);
		return 0;
	}
	payroll_categories_each(k->categories, n, supp_person, &sc);
	if (sc.overflow)
		return calc_reject(g, "overflow", "supplement too large");
	if (sc.sum == 0)
		g->nlines--;
	else if ((rc = finish_line(g, sc.l, sc.sum, rt->rounding)) != 0)
		return rc;
	if (n > SUPP_CATS_MAX)
		return 0;
	memo->rt = rt;
	memo->cats_len = n;
	memcpy(memo->cats, k->categories, n);
	memo->line = *sc.l;
	memo->line.len = sc.sum ? sc.l->len : 0;
	return 0;
}

static int
subsistence_month(struct engine *g, const struct payroll_case *k, long m,
		  int current, const struct payroll_rates *rt)
{
	char inc[PAYROLL_MONEY_MAX], month[8];
	int64_t bm, gap, fm = 0, core;
	struct out_line *l;
	size_t inc_len;

	if (payroll_mul(rt->base.fen, k->members, &bm) || payroll_sub(bm, k->income, &gap))
		return calc_reject(g, "overflow", "amount too large");
	if (gap <= 0) {
		if (!current)
			return 0;	/* not owed for that month under its standard */
		payroll_month_format(m, month);
		payroll_money_format(k->income, inc);
		return calc_reject(g, "income-above-standard",
				   "income %s is not below the standard %s*%d for %s", inc,
				   rt->base.frag, k->members, month);
	}
	core = gap;
	inc_len = payroll_money_format(k->income, inc);
	if (rt->floor.present && payroll_mul(rt->floor.fen, k->members, &fm))
		return calc_reject(g, "overflow", "amount too large");
	if (!(l = NEW_LINE(g, "allowance", m)))
		return PAYROLL_ENOMEM;
	if (rt->floor.present && fm > gap) {
		core = fm;
		PUT(l, "max(");
	}
	put_n(l, rt->base.frag, rt->base.frag_len);
	PUT(l, "*");
	put_int(l, k->members);
	PUT(l, "-");
	put_n(l, inc, inc_len);
	if (core == fm && rt->floor.present && fm > gap) {
		PUT(l, ",");
		l->quote = 1;
		put_n(l, rt->floor.frag, rt->floor.frag_len);
		PUT(l, "*");
		put_int(l, k->members);
		PUT(l, ")");
	}
	if (finish_line(g, l, core, rt->rounding))
		return 1;
	return supplement_line(g, k, m, rt);
}

static int
extreme_month(struct engine *g, const struct payroll_case *k, long m,
	      const struct payroll_rates *rt)
{
	int rc;

	if ((rc = per_person_line(g, "basic-living", sizeof "basic-living" - 1, 0, m, &rt->base,
				  k->members, rt->rounding, 0)))
		return rc;
	return per_person_line(g, "care", sizeof "care" - 1, 0, m, &rt->care[k->care], k->members,
			       rt->rounding, 1);
}

/* Reject k as missing-standard: no base of program for its region and
 * area in month m (the row's own, or the subsistence base a percentage
 * refers to). */
static int
no_base(struct engine *g, const struct payroll_case *k, enum payroll_program program, long m)
{
	char month[8];

	payroll_month_format(m, month);
	return calc_reject(g, "missing-standard", "no %s base for region %.*s (%s) in %s",
			   payroll_program_name(program), (int)k->region_len, k->region,
			   payroll_area_name(k->area), month);
}

static int
month_lines(struct engine *g, const struct payroll_case *k, long m, int current)
{
	const struct payroll_rates *rt;
	char month[8];
	size_t i, before = g->nlines;
	int rc;

	rt = payroll_standards_resolve(g->std, k->region, k->region_len, k->program, k->area, m);
	if (!rt)
		return PAYROLL_ENOMEM;
	if (!rt->base.present)
		return no_base(g, k, k->program, m);
	if (k->program == PAYROLL_EXTREME_POVERTY && !rt->care[k->care].present) {
		payroll_month_format(m, month);
		return calc_reject(g, "missing-standard", "no care:%s standard for region %.*s (%s) in %s",
				   payroll_care_name(k->care), (int)k->region_len, k->region,
				   payroll_area_name(k->area), month);
	}
	if (rt->unresolved_subsidy)	/* a percentage that applies, of no base */
		return no_base(g, k, PAYROLL_SUBSISTENCE, m);
	if (k->program == PAYROLL_SUBSISTENCE)
		rc = subsistence_month(g, k, m, current, rt);
	else
		rc = extreme_month(g, k, m, rt);
	if (rc)
		return rc;
	if (k->program == PAYROLL_SUBSISTENCE && g->nlines == before)
		return 0;	/* an arrears month owing nothing owes no subsidy */
	/* a subsidy's item is "subsidy:NAME": quoted when its name is */
	for (i = 0; i < rt->nsubsidies; i++)
		if ((rc = per_person_line(g, rt->subsidies[i].item, rt->subsidies[i].item_len,
					  rt->subsidies[i].name_quote, m,
					  &rt->subsidies[i].rate,
					  k->members, rt->rounding, 1)))
			return rc;
	return 0;
}

/* Lines for a due, valid roster row: 0, 1 (g->reject_code set), -1 no memory. */
static int
case_lines(struct engine *g, const struct payroll_case *k)
{
	long p = g->o->period, first = p, m;
	int rc;

	g->nlines = 0;
	if (k->paid_through >= 0) {
		char pt[8];

		payroll_month_format(k->paid_through, pt);
		if (k->paid_through >= p)
			return calc_reject(g, "already-paid", "paid through %s, not before the period %s",
					   pt, g->period);
		first = k->paid_through + 1 > k->start ? k->paid_through + 1 : k->start;
		if (p - first > MAX_ARREARS)
			return calc_reject(g, "arrears-too-old",
					   "%ld months owed since %s: more than %d need a decision",
					   p - first, pt, MAX_ARREARS);
	}
	for (m = first; m <= p; m++)
		if ((rc = month_lines(g, k, m, m == p)) != 0)
			return rc;
	return 0;
}

/* Add a line to its (program, item) total: by address when seen before. */
static int
add_line_total(struct engine *g, int program, const struct out_line *l)
{
	const char *name = payroll_program_name(program);
	size_t i;
	int rc;

	for (i = 0; i < g->ntotals; i++)
		if (g->totals[i].item == l->item && g->totals[i].program == program)
			return payroll_calc_report_add_at(g->rep, g->totals[i].index, l->amount, 1);
	rc = payroll_calc_report_add(g->rep, &g->total_hint, name, l->item, l->amount, 1);
	if (rc >= 0 && g->ntotals < sizeof g->totals / sizeof *g->totals)
		g->totals[g->ntotals++] = (struct total_slot){ l->item, program, rc };
	return rc < 0 ? rc : 0;
}

/*
 * The ledger columns of a valid row. Only case_id, locality, name and
 * account_name are free text: the period, program, area, support mode and
 * care level are our own words, and validation left the region, id number
 * and account digits and the bank a code, none of which needs CSV quoting.
 */
static void
case_columns(const struct engine *g, const struct payroll_case *k, struct payroll_ledger_cols *c)
{
	struct word program = g->program[k->program], area = g->area[k->area];
	struct word mode = WORD(""), care = WORD("");

	if (k->program == PAYROLL_EXTREME_POVERTY) {
		mode = k->centralized ? WORD("centralized") : WORD("dispersed");
		care = g->care[k->care];
	}
	*c = (struct payroll_ledger_cols){
		.v = { g->period, k->case_id, program.s, k->region, area.s, k->locality, k->name,
		       k->id, k->bank, k->account, k->account_name, mode.s, care.s },
		.n = { 7, k->case_id_len < 80 ? k->case_id_len : 79, program.n, k->region_len,
		       area.n, k->locality_len, k->name_len, k->id[0] ? 18 : 0, k->bank_len,
		       k->account_len, k->account_name_len, mode.n, care.n },
		.members = k->members,
		.plain = ~(1u << PAYROLL_LC_CASE_ID | 1u << PAYROLL_LC_LOCALITY | 1u << PAYROLL_LC_NAME |
			   1u << PAYROLL_LC_ACCOUNT_NAME),
	};
}

static int
write_lines(struct engine *g, const struct payroll_case *k)
{
	struct payroll_ledger_cols cols;
	char month[8];
	int64_t sum = 0;
	size_t i;
	int rc;

	for (i = 0; i < g->nlines; i++)
		if (payroll_add(sum, g->lines[i].amount, &sum))
			return calc_reject(g, "overflow", "amount too large");
	if (sum == 0)
		return calc_reject(g, "zero-amount", "nothing to pay for %s after rounding", g->period);
	if (g->dups.known) {	/* found by the first pass: rejected in its place instead */
		struct payroll_calc_dup *d = payroll_calc_dups_at(&g->dups, g->cur,
								  (uint32_t)(g->src[g->cur].nrows - 1));

		if (d)
			return (rc = payroll_calc_dups_take(&g->dups, d, k->case_id, k->case_id_len,
							    g->rejects, g->o->rejects)) ? rc : 2;
	}
	case_columns(g, k, &cols);
	if (payroll_ledger_case_cols(&g->lcase, &cols))
		return PAYROLL_ENOMEM;
	payroll_buf_reset(&g->buf);
	for (i = 0; i < g->nlines; i++) {
		const struct out_line *l = &g->lines[i];

		if (l->month != g->o->period)
			payroll_month_format(l->month, month);
		if (payroll_ledger_case_line(&g->buf, &g->lcase, l->item, l->item_len, l->item_quote,
					     l->month == g->o->period ? g->period : month,
					     l->amount, l->amount_len, l->basis, l->len, l->quote))
			return PAYROLL_ENOMEM;
		if ((rc = add_line_total(g, k->program, l)) != 0)
			return rc == PAYROLL_ENOMEM ? rc : calc_reject(g, "overflow", "total too large");
	}
	if (g->ledger && payroll_outfile_write(g->ledger, g->buf.p, g->buf.len))
		return payroll_error_errno(g->err, PAYROLL_EIO, g->o->ledger, "cannot write");
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

static int
is_due(const struct payroll_case *k, long p)
{
	if (k->status != PAYROLL_ACTIVE)
		return 0;
	if (p < 0)
		return 1;	/* check without a period: every active row */
	return k->start >= 0 && k->start <= p && k->end >= p;
}

/* Known not due: the fields deciding it parsed, and say no. */
static int
not_due_reason(const struct payroll_case *k, long p, char *msg, size_t n)
{
	char m[8];

	if (k->status < 0 || k->start < 0 || k->end < 0 || p < 0)
		return 0;
	if (k->status != PAYROLL_ACTIVE) {
		snprintf(msg, n, "%s", k->status == PAYROLL_SUSPENDED ? _("status is suspended") :
			 _("status is stopped"));
		return 1;
	}
	if (k->start > p) {
		payroll_month_format(k->start, m);
		snprintf(msg, n, _("entitlement starts %s"), m);
		return 1;
	}
	if (k->end < p) {
		payroll_month_format(k->end, m);
		long first = k->paid_through + 1 > k->start ? k->paid_through + 1 : k->start;

		if (k->paid_through >= 0 && first <= k->end) {
			/* not due now, but months of its entitlement were never paid */
			char f[8];

			payroll_month_format(first, f);
			snprintf(msg, n, _("entitlement ended %s; %s to %s are owed but not paid "
					   "by this period: pay them by hand"), m, f, m);
			return 1;
		}
		snprintf(msg, n, _("entitlement ended %s"), m);
		return 1;
	}
	return 0;
}

static int
register_keys(struct engine *g, const struct payroll_case *k, int due)
{
	struct payroll_calc_source *s = &g->src[g->cur];
	uint32_t row = (uint32_t)(s->nrows - 1);
	int rc;

	if (g->dups.known)
		return 0;
	if ((rc = payroll_dupindex_add(&s->keys[PAYROLL_CALC_KEY_CASE], k->case_id, k->case_id_len, row)))
		return rc;
	if (!due)
		return 0;
	if (k->id[0] && (rc = payroll_dupindex_add(&s->keys[PAYROLL_CALC_KEY_ID], k->id, 18, row)))
		return rc;
	return payroll_dupindex_add(&s->keys[PAYROLL_CALC_KEY_ACCOUNT], k->account, k->account_len,
				    row | (k->centralized ? PAYROLL_DUP_FLAG : 0));
}

static int
paid(struct engine *g)
{
	struct payroll_calc_source *s = &g->src[g->cur];

	g->rep->paid[g->cur]++;
	return payroll_calc_set_row_lines(s, (uint32_t)(s->nrows - 1), g->nlines);
}

/* After the row's own checks: compute (calc) or test (check with a period). */
static int
settle(struct engine *g, const struct payroll_case *k, int rc)
{
	if (rc < 0)
		return rc;
	if (rc == 1) {
		if (g->o->check_only) {
			payroll_problem(&g->probs, k->line, 0, g->reject_code, "%s", g->reject_msg);
			return 0;
		}
		return reject(g, k, g->reject_code, g->reject_msg);
	}
	if (g->o->check_only)
		return 0;
	rc = write_lines(g, k);
	if (rc == 1)
		return reject(g, k, g->reject_code, g->reject_msg);
	if (rc)
		return rc < 0 ? rc : 0;	/* 2: taken as a duplicate */
	return paid(g);
}

static int
roster_row(struct engine *g, const struct payroll_row *row)
{
	struct payroll_case k;
	char msg[120];
	int problems = 0, due, rc;

	g->probs.count = 0;
	if (g->keys_only)	/* the first pass: only what decides the keys */
		payroll_roster_keys(row, &k);
	else
		problems = payroll_roster_validate(row, g->std, &k, &g->probs);
	due = is_due(&k, g->o->period);
	if ((rc = register_keys(g, &k, due && k.status >= 0)) != 0 || g->keys_only)
		return rc;
	if (g->o->check_only) {
		g->rep->attention += problems;
		if (!problems && due && g->o->period >= 0 && g->std) {
			g->probs.count = 0;
			rc = settle(g, &k, case_lines(g, &k));
			g->rep->attention += g->probs.count;
		}
		return rc;
	}
	if (not_due_reason(&k, g->o->period, msg, sizeof msg))
		return reject(g, &k, "not-due", msg);
	if (problems)
		return reject(g, &k, g->probs.first.code, g->probs.first.message);
	return settle(g, &k, case_lines(g, &k));
}

/* A grant whose month parsed and is not the period: why, in msg. */
static int
grant_not_due(const struct payroll_case *k, long p, char *msg, size_t n)
{
	char m[8], pm[8];

	if (k->start < 0 || p < 0 || k->start == p)
		return 0;
	payroll_month_format(k->start, m);
	payroll_month_format(p, pm);
	snprintf(msg, n, _("grant month %s is not the period %s"), m, pm);
	return 1;
}

static int
grant_row(struct engine *g, const struct payroll_row *row)
{
	const struct payroll_rates *rt;
	struct payroll_case k;
	struct out_line *l;
	const char *when;
	char msg[120];
	int problems, due, rc;

	g->probs.count = 0;
	problems = payroll_grant_validate(row, &k, &g->probs);
	due = is_due(&k, g->o->period);
	/* a grant paid before is not paid now: its person and account may have
	 * a new grant of the period without being a duplicate */
	when = due ? payroll_paidset_find(g->paid, k.case_id, k.case_id_len) : NULL;
	if ((rc = register_keys(g, &k, due && !when)) != 0 || g->keys_only)
		return rc;
	if (g->o->check_only) {
		g->rep->attention += problems;
		if (!due)
			return 0;
	} else {
		if (grant_not_due(&k, g->o->period, msg, sizeof msg))
			return reject(g, &k, "not-due", msg);
		if (when) {
			snprintf(msg, sizeof msg, _("grant %.*s was already paid in %s (an earlier ledger)"),
				 (int)k.case_id_len, k.case_id, when);
			return reject(g, &k, "already-paid", msg);
		}
		if (problems)
			return reject(g, &k, g->probs.first.code, g->probs.first.message);
	}
	if (problems || !g->std)
		return 0;
	g->nlines = 0;
	rt = payroll_standards_resolve(g->std, k.region, k.region_len, PAYROLL_SUBSISTENCE,
				       k.area, k.start);
	if (!rt)
		return PAYROLL_ENOMEM;
	if (rt->temporary_cap.unresolved) {
		/* a cap applies but cannot be known: never pay above it unchecked */
		rc = no_base(g, &k, PAYROLL_SUBSISTENCE, k.start);
		g->rep->attention += g->o->check_only;
		return settle(g, &k, rc);
	}
	if (rt->temporary_cap.present) {
		int64_t cap;
		char a[PAYROLL_MONEY_MAX];

		if (payroll_mul(rt->temporary_cap.fen, k.members, &cap))
			return settle(g, &k, calc_reject(g, "overflow", "cap too large"));
		if (k.amount > cap) {
			payroll_money_format(k.amount, a);
			rc = calc_reject(g, "over-cap", "amount %s is above the cap %s*%d", a,
					 rt->temporary_cap.frag, k.members);
			g->rep->attention += g->o->check_only;
			return settle(g, &k, rc);
		}
	}
	if (g->o->check_only || g->o->period < 0)
		return 0;
	if (!(l = NEW_LINE(g, "temporary", g->o->period)))
		return PAYROLL_ENOMEM;
	l->amount = k.amount;
	l->amount_len = put_money(l, k.amount);
	return settle(g, &k, 0);
}

static int
read_source(struct engine *g, int which, const char *path)
{
	const struct payroll_column *cols = which ? payroll_grant_columns : payroll_roster_columns;
	size_t ncols = which ? payroll_grant_ncolumns : payroll_roster_ncolumns;
	struct payroll_calc_source *s = &g->src[which];
	struct payroll_source *in;
	struct payroll_table *t;
	struct payroll_row row;
	int rc;

	g->cur = which;
	s->path = path;
	s->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(g->rep->source[which], sizeof g->rep->source[which], "%s", s->name);
	s->ledger_from = g->ledger ? payroll_outfile_size(g->ledger) : 0;
	s->rejects_from = g->rejects ? payroll_outfile_size(g->rejects) : 0;
	g->probs.path = path;
	if ((rc = payroll_source_open(&in, path, which ? PAYROLL_ENC_AUTO : g->o->encoding,
				      g->err)) != 0)
		return rc;
	g->rep->encoding[which] = payroll_source_encoding(in);
	g->rep->detected[which] = payroll_source_detected(in);
	if ((rc = payroll_table_open_sheet(&t, in, cols, ncols, g->o->chunk,
					   which ? NULL : g->o->sheet, g->err)) != 0)
		return rc;
	while ((rc = payroll_table_next(t, &row, g->err)) == 1) {
		g->rep->read[which] += !g->keys_only;
		if ((rc = payroll_calc_source_add_row(s, row.line)) != 0)
			break;
		rc = which ? grant_row(g, &row) : roster_row(g, &row);
		if (rc < 0)
			break;
	}
	if (rc == PAYROLL_ENOMEM && !g->err->message[0])
		payroll_error_errno(g->err, rc, path, "out of memory");
	else if (rc == PAYROLL_EOVERFLOW && !g->err->message[0])
		payroll_error_set(g->err, rc, path, 0, 0, "overflow", "too many rows");
	payroll_table_close(t);
	return rc < 0 ? rc : 0;
}

/* ---- duplicates -------------------------------------------------------- */

/*
 * Find the duplicates before computing anything, by a first pass over the
 * inputs that only validates the rows and indexes their keys: then the
 * ledger can go straight to standard output or gzip, each duplicate's
 * reject written in its row's place, with no spool to copy again.
 */
static int
find_duplicates_first(struct engine *g)
{
	int rc;

	g->keys_only = 1;
	rc = read_source(g, 0, g->o->roster);
	if (rc == 0 && g->o->grants)
		rc = read_source(g, 1, g->o->grants);
	if (rc == 0)
		rc = payroll_calc_dups_find(&g->dups, &g->probs);
	g->keys_only = 0;
	g->dups.known = 1;
	payroll_calc_source_rewind(&g->src[0]);
	payroll_calc_source_rewind(&g->src[1]);
	return rc;
}

/* 1 when path is a regular file (read twice by find_duplicates_first). */
static int
regular_file(const char *path, struct stat *st)
{
	return path && strcmp(path, "-") && stat(path, st) == 0 && S_ISREG(st->st_mode);
}

/* 1 when the file at path is not the one st described (changed in place). */
static int
changed(const char *path, const struct stat *st)
{
	struct stat now;

	return stat(path, &now) != 0 || now.st_ino != st->st_ino || now.st_size != st->st_size ||
	       now.st_mtim.tv_sec != st->st_mtim.tv_sec || now.st_mtim.tv_nsec != st->st_mtim.tv_nsec;
}

/* ---- the run ----------------------------------------------------------- */

/* Open target and write its header; standard output and gzip are spooled
 * unless streamed (duplicates found first). */
static int
open_output(struct engine *g, const char *target, struct payroll_outfile **o,
	    int *spooled, const char *header, int stream)
{
	char spool[PAYROLL_PATH_MAX];
	int rc, n;

	if (!target)
		return 0;
	*spooled = 0;
	rc = payroll_outfile_open(o, target, 0, g->err);
	if (rc)
		return rc;
	if (!payroll_outfile_can_readback(*o) && !stream) {
		/* stdout or gzip: written once more at the end, from a spool */
		payroll_outfile_abort(*o);
		*o = NULL;
		size_t len = strlen(target);

		if (len > 3 && !strcmp(target + len - 3, ".gz")) {
			n = snprintf(spool, sizeof spool, "%s.spool", target);
		} else {	/* stdout, /dev/null, a pipe */
			const char *tmp = getenv("TMPDIR");

			n = snprintf(spool, sizeof spool, "%s/payroll-calc.spool", tmp && *tmp ? tmp : "/tmp");
		}
		if (n < 0 || (size_t)n >= sizeof spool)
			return payroll_error_set(g->err, PAYROLL_EIO, target, 0, 0, "io", "path too long");
		if ((rc = payroll_outfile_open(o, spool, PAYROLL_OUT_NOGZIP | PAYROLL_OUT_PRIVATE, g->err)))
			return rc;
		*spooled = 1;
	}
	return payroll_outfile_puts(*o, header) ?
		payroll_error_errno(g->err, PAYROLL_EIO, target, "cannot write") : 0;
}

static int
finish_report(struct engine *g)
{
	struct payroll_calc_report *r = g->rep;
	int s;

	for (s = 0; s < 2; s++) {
		r->rows_read += r->read[s];
		r->rows_paid += r->paid[s];
		r->rows_rejected += r->rejected[s];
		if (!g->o->check_only && r->read[s] != r->paid[s] + r->rejected[s])
			return payroll_error_set(g->err, PAYROLL_EINTERNAL, g->src[s].path, 0, 0,
						 "internal", "rows read %ld != paid %ld + rejected %ld",
						 r->read[s], r->paid[s], r->rejected[s]);
	}
	payroll_calc_report_finish(r);
	return 0;
}

static int
write_summary(struct engine *g, struct payroll_outfile **out)
{
	int rc;

	if (!g->o->summary)
		return 0;
	payroll_buf_reset(&g->buf);
	if (payroll_calc_summary_json(g->rep, &g->buf))
		return payroll_error_errno(g->err, PAYROLL_ENOMEM, g->o->summary, "out of memory");
	if ((rc = payroll_outfile_open(out, g->o->summary, 0, g->err)))
		return rc;
	return payroll_outfile_write(*out, g->buf.p, g->buf.len) ?
		payroll_error_errno(g->err, PAYROLL_EIO, g->o->summary, "cannot write") : 0;
}

static int
finish_outputs(struct engine *g)
{
	struct payroll_outfile *summary = NULL;
	int rc = 0;

	if (g->ledger && g->ledger_spooled)
		rc = payroll_calc_dups_copy(&g->dups, &g->ledger, g->o->ledger, 1, g->o->grants != NULL);
	else if (g->ledger && g->dups.n && !g->dups.known)
		rc = payroll_calc_dups_cut_ledger(&g->dups, g->ledger, g->o->ledger);
	if (rc == 0 && g->rejects && (g->rejects_spooled || (g->dups.n && !g->dups.known)))
		rc = payroll_calc_dups_copy(&g->dups, &g->rejects, g->o->rejects, 0, g->o->grants != NULL);
	if (rc == 0)
		rc = finish_report(g);
	if (rc == 0)
		rc = write_summary(g, &summary);
	if (rc == 0) {	/* everything is written: put it in place, all or nothing */
		struct payroll_outfile *all[3] = { g->ledger, g->rejects, summary };

		g->ledger = g->rejects = summary = NULL;
		rc = payroll_outfile_commit_all(all, 3, g->err);
	}
	payroll_outfile_abort(summary);
	return rc;
}

static int
check_options(const struct payroll_calc_opts *o, struct payroll_error *err)
{
	if (!o->roster)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "no roster given");
	if (o->check_only)
		return 0;
	if (!o->standards)
		return payroll_error_option(err, PAYROLL_EUSAGE, "standards", "usage", "is required");
	if (o->period < 0)
		return payroll_error_option(err, PAYROLL_EUSAGE, "period", "usage", "YYYY-MM is required");
	{
		const char *in[] = { o->roster, o->standards, o->grants };
		const char *out[] = { o->ledger, o->rejects, o->summary };

		int rc = payroll_outfile_check_paths(in, 3, out, 3, err);

		/* the --paid ledgers are inputs too */
		return rc ? rc : payroll_outfile_check_paths(o->paid, o->npaid, out, 3, err);
	}
}

int
payroll_calc(const struct payroll_calc_opts *o, struct payroll_calc_report *rep,
	     struct payroll_error *err)
{
	struct engine g;
	struct stat st[2];
	int rc, regular, first;

	memset(rep, 0, sizeof *rep);
	memset(&g, 0, sizeof g);
	payroll_error_clear(err);
	if ((rc = check_options(o, err)))
		return rc;
	g.o = o;
	g.rep = rep;
	g.err = err;
	g.probs.diag = o->diag;
	g.probs.ctx = o->diag_ctx;
	g.probs.all = o->check_only;
	g.dups.src = g.src;
	g.dups.rep = rep;
	g.dups.err = err;
	g.dups.check_only = o->check_only;
	if (o->period >= 0)
		payroll_month_format(o->period, g.period);
	for (int i = 0; i < 3; i++) {
		g.program[i] = (struct word){ payroll_program_name(i), strlen(payroll_program_name(i)) };
		g.care[i] = (struct word){ payroll_care_name(i), strlen(payroll_care_name(i)) };
	}
	for (int i = 0; i < 2; i++)
		g.area[i] = (struct word){ payroll_area_name(i), strlen(payroll_area_name(i)) };
	memcpy(rep->period, g.period, sizeof rep->period);
	if (o->standards)
		rc = payroll_standards_load(&g.std, o->standards, PAYROLL_ENC_AUTO, o->diag,
					    o->diag_ctx, err);
	if (rc == 0 && !o->check_only && o->npaid)
		rc = payroll_paidset_load(&g.paid, o->paid, o->npaid, err);
	/* a ledger that cannot be cut in place afterwards (standard output,
	 * gzip) streams when the inputs can be read twice */
	regular = regular_file(o->roster, &st[0]) && (!o->grants || regular_file(o->grants, &st[1]));
	if (rc == 0 && !o->check_only)
		rc = open_output(&g, o->ledger, &g.ledger, &g.ledger_spooled, PAYROLL_LEDGER_HEADER,
				 regular);
	first = g.ledger && !payroll_outfile_can_readback(g.ledger);
	if (rc == 0 && !o->check_only)
		rc = open_output(&g, o->rejects, &g.rejects, &g.rejects_spooled,
				 o->bom ? PAYROLL_UTF8_BOM REJECTS_HEADER : REJECTS_HEADER, first);
	if (rc == 0 && first)
		rc = find_duplicates_first(&g);
	if (rc == 0)
		rc = read_source(&g, 0, o->roster);
	if (rc == 0 && o->grants)
		rc = read_source(&g, 1, o->grants);
	if (rc == 0 && first && changed(o->roster, &st[0]))
		rc = payroll_error_set(err, PAYROLL_EIO, o->roster, 0, 0, "io", "changed while it was read");
	if (rc == 0 && first && o->grants && changed(o->grants, &st[1]))
		rc = payroll_error_set(err, PAYROLL_EIO, o->grants, 0, 0, "io", "changed while it was read");
	if (rc == 0 && !g.dups.known)
		rc = payroll_calc_dups_find(&g.dups, &g.probs);
	if (rc == 0)
		rc = payroll_calc_dups_count(&g.dups, o->diag, o->diag_ctx);
	if (rc == 0 && !o->check_only)
		rc = finish_outputs(&g);
	else if (rc == 0)
		rc = finish_report(&g);
	if (rc == PAYROLL_ENOMEM && !err->message[0])
		payroll_error_set(err, rc, o->roster, 0, 0, "no-memory", "out of memory");
	payroll_outfile_abort(g.ledger);
	payroll_outfile_abort(g.rejects);
	payroll_standards_free(g.std);
	payroll_paidset_free(g.paid);
	payroll_calc_source_release(&g.src[0]);
	payroll_calc_source_release(&g.src[1]);
	payroll_buf_release(&g.buf);
	payroll_ledger_case_release(&g.lcase);
	free(g.lines);
	free(g.memos);
	free(g.supp_memos);
	payroll_calc_dups_release(&g.dups);
	return rc;
}
