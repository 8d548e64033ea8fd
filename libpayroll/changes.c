/* SPDX-License-Identifier: Apache-2.0 */
#include "changes.h"
#include "changes_fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "ident.h"
#include "keyindex.h"
#include "ledger.h"
#include "mask.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

#define MAXLINE 0x7fffffffL

enum { P_SUBSISTENCE, P_EXTREME, P_TEMPORARY, P_N };

/* The strings of a case, from its first line. */
enum { S_CASE, S_NAME, S_ID, S_LOCALITY, S_BANK, S_ACCOUNT, S_ACCOUNT_NAME, S_NSTR };

/* One case of a ledger as it is read: its lines summed. */
struct csum {
	uint64_t key;		/* case_id, and whether a temporary grant */
	uint64_t payee;		/* bank, account, account_name */
	uint64_t subs;		/* the period's subsidy lines, in any order */
	int64_t regular, subsidy, arrears, total;	/* fen */
	long line;
	int members, program, narrears, active;
	struct payroll_buf s;
	size_t off[S_NSTR];
};

/* A ledger read case by case. */
struct rd {
	struct payroll_ledger_reader *lr;
	char period[8];
	long month;		/* the period as a month number */
	struct csum c[2];	/* c[cur] is being summed, c[!cur] was handed out */
	int cur, done;
	long lines;
	int64_t sum;
};

/* A case of the indexed (smaller) ledger: 88 bytes. [0] OLD, [1] NEW. */
struct ent {
	uint64_t key;
	uint64_t payee;		/* pass 1: the indexed side's payee hash; pass 2,
				 * account changed: OLD's payee strings in arena */
	uint64_t subs;		/* the indexed side's subsidy hash */
	int64_t regular[2], subsidy[2], total[2];
	uint32_t line[2];	/* first line on each side, 0 when absent */
	uint16_t members[2];
	uint8_t program[2];
	uint8_t reasons;	/* 1 << enum payroll_change_reason */
	uint8_t arrears;	/* the indexed side has lines of earlier months */
};

/* A case of the streamed ledger that the indexed one lacks: 16 bytes. */
struct lone {
	uint64_t key;
	uint32_t line;
};

struct chg {
	const struct payroll_changes_opts *o;
	struct payroll_changes_result *res;
	struct payroll_error *err;
	const char *path[2];
	int a;			/* the indexed side */
	struct ent *ent;
	size_t nent, ecap;
	struct payroll_keyindex ix;
	struct lone *lone;
	size_t nlone, lcap;
	struct payroll_buf arena;	/* OLD's payee strings of account changes */
	struct payroll_outfile *out;
	struct payroll_changes_fmt f;	/* f.b rendered, drained to out */
	long shown[PAYROLL_CHANGE_NCLASS];
};

int
payroll_changes_format_parse(const char *s)
{
	static const char *const names[] = { "text", "csv", "json", "html" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

static int
nomem(struct chg *x)
{
	return payroll_error_set(x->err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
}

/* ---- reading a ledger case by case -------------------------------------- */

static int
rd_error(struct rd *r, struct payroll_error *err, long line, int rc, const char *code,
	 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
rd_error(struct rd *r, struct payroll_error *err, long line, int rc, const char *code,
	 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = payroll_error_vset(err, rc, payroll_ledger_path(r->lr), line, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *
cstr(const struct csum *c, int i)
{
	return c->s.p + c->off[i];
}

static uint64_t
case_key(const char *case_id, int program)
{
	uint64_t h = payroll_keyhash_add(PAYROLL_KEYHASH_INIT, case_id, strlen(case_id));

	return payroll_keyhash_end(payroll_keyhash_add(h, "t", program == P_TEMPORARY));
}

static uint64_t
payee_hash(const struct payroll_ledger_line *l)
{
	uint64_t h = PAYROLL_KEYHASH_INIT;

	h = payroll_keyhash_add(h, l->bank, strlen(l->bank));
	h = payroll_keyhash_add(h, l->account, strlen(l->account));
	h = payroll_keyhash_add(h, l->account_name, strlen(l->account_name));
	return payroll_keyhash_end(h);
}

static int
program_of(const char *p)
{
	int i;

	for (i = 0; i < P_N; i++)
		if (!strcmp(p, payroll_changes_program_name(i)))
			return i;
	return -1;
}

static int
rd_open(struct rd *r, const char *path, struct payroll_error *err)
{
	memset(r, 0, sizeof *r);
	return payroll_ledger_open(&r->lr, path, err);
}

static void
rd_close(struct rd *r)
{
	payroll_ledger_close(r->lr);
	payroll_buf_release(&r->c[0].s);
	payroll_buf_release(&r->c[1].s);
	r->lr = NULL;
}

static int
start_case(struct rd *r, struct csum *c, const struct payroll_ledger_line *l, int program,
	   uint64_t key, struct payroll_error *err)
{
	const char *v[S_NSTR] = {
		l->case_id, l->name, l->id_number, l->locality, l->bank, l->account,
		l->account_name,
	};
	int i;

	payroll_buf_reset(&c->s);
	for (i = 0; i < S_NSTR; i++) {
		c->off[i] = c->s.len;
		if (payroll_buf_add(&c->s, v[i], strlen(v[i]) + 1))
			return payroll_error_errno(err, PAYROLL_ENOMEM, payroll_ledger_path(r->lr),
						   "out of memory");
	}
	c->key = key;
	c->payee = payee_hash(l);
	c->subs = 0;
	c->regular = c->subsidy = c->arrears = c->total = 0;
	c->line = l->line;
	c->members = l->members;
	c->program = program;
	c->narrears = 0;
	c->active = 1;
	return 0;
}

/* Add line l's amount where it belongs in case c. */
static int
add_line(struct rd *r, struct csum *c, const struct payroll_ledger_line *l, long month,
	 struct payroll_error *err)
{
	int64_t *to;

	if (month < r->month) {
		to = &c->arrears;
		c->narrears++;
	} else if (!strncmp(l->item, "subsidy:", 8)) {
		uint64_t h = payroll_keyhash_add(PAYROLL_KEYHASH_INIT, l->item, strlen(l->item));

		h = payroll_keyhash_add(h, (const char *)&l->amount, sizeof l->amount);
		c->subs += payroll_keyhash_end(h);	/* a sum: the lines' order does not count */
		to = &c->subsidy;
	} else {
		to = &c->regular;
	}
	if (payroll_add(*to, l->amount, to) || payroll_add(c->total, l->amount, &c->total) ||
	    payroll_add(r->sum, l->amount, &r->sum))
		return rd_error(r, err, l->line, PAYROLL_EOVERFLOW, "overflow",
				"case %s: the sum of the amounts does not fit", l->case_id);
	return 0;
}

/* Check line l against the ledger's period; its month into *month. */
static int
check_line(struct rd *r, const struct payroll_ledger_line *l, long *month, int *program,
	   struct payroll_error *err)
{
	if (l->line > MAXLINE)
		return rd_error(r, err, l->line, PAYROLL_EOVERFLOW, "too-many-lines",
				"more than %ld lines", MAXLINE);
	if (!r->period[0]) {
		if ((r->month = payroll_month_parse(l->period, strlen(l->period))) < 0)
			return rd_error(r, err, l->line, PAYROLL_EFORMAT, "bad-period",
					"period '%s' is not YYYY-MM", l->period);
		memcpy(r->period, l->period, 8);
	} else if (strcmp(l->period, r->period)) {
		return rd_error(r, err, l->line, PAYROLL_EFORMAT, "mixed-period",
				"period %s differs from %s of the first line; a ledger is one month",
				l->period, r->period);
	}
	if ((*month = payroll_month_parse(l->month, strlen(l->month))) < 0)
		return rd_error(r, err, l->line, PAYROLL_EFORMAT, "bad-month",
				"case %s: month '%s' is not YYYY-MM", l->case_id, l->month);
	if (*month > r->month)
		return rd_error(r, err, l->line, PAYROLL_EFORMAT, "bad-month",
				"case %s: month %s is after the period %s", l->case_id, l->month,
				r->period);
	if ((*program = program_of(l->program)) < 0)
		return rd_error(r, err, l->line, PAYROLL_EFORMAT, "bad-program",
				"case %s: program '%s' is not subsistence, extreme-poverty or temporary",
				l->case_id, l->program);
	return 0;
}

/*
 * The next whole case into *out (valid until the next call): 1, 0 at the
 * end, or a negative code with err filled.
 */
static int
rd_next(struct rd *r, struct csum **out, struct payroll_error *err)
{
	struct payroll_ledger_line l;
	struct csum *c;
	long month = 0;
	int rc, program = 0;

	if (r->done)
		return 0;
	while ((rc = payroll_ledger_next(r->lr, &l, err)) == 1) {
		uint64_t key;

		c = &r->c[r->cur];
		r->lines++;
		if ((rc = check_line(r, &l, &month, &program, err)) != 0)
			return rc;
		key = case_key(l.case_id, program);
		if (c->active && c->key == key && !strcmp(cstr(c, S_CASE), l.case_id)) {
			if (payee_hash(&l) != c->payee)
				return rd_error(r, err, l.line, PAYROLL_EFORMAT, "payee-mismatch",
						"case %s: bank, account or account_name differs from "
						"line %ld of the same case", l.case_id, c->line);
			if (l.members != c->members || program != c->program)
				return rd_error(r, err, l.line, PAYROLL_EFORMAT, "case-mismatch",
						"case %s: members or program differs from line %ld of "
						"the same case", l.case_id, c->line);
			if ((rc = add_line(r, c, &l, month, err)) != 0)
				return rc;
			continue;
		}
		/* a new case: the one summed so far is complete */
		r->cur = !r->cur;
		if ((rc = start_case(r, &r->c[r->cur], &l, program, key, err)) != 0 ||
		    (rc = add_line(r, &r->c[r->cur], &l, month, err)) != 0)
			return rc;
		if (c->active) {
			c->active = 0;
			*out = c;
			return 1;
		}
	}
	if (rc < 0)
		return rc;
	r->done = 1;
	c = &r->c[r->cur];
	if (!c->active)
		return 0;
	c->active = 0;
	*out = c;
	return 1;
}

/* ---- pass 1: index the smaller ledger, stream the other ----------------- */

static int
not_contiguous(struct chg *x, int side, long first, long second)
{
	return payroll_error_set(x->err, PAYROLL_EFORMAT, x->path[side], second, 0,
				 "case-not-contiguous",
				 "this case appears again after other cases (first at line %ld); "
				 "a case's lines must be consecutive", first);
}

/* Side s's values of case c into entry e. */
static void
fill(struct ent *e, int s, const struct csum *c)
{
	e->regular[s] = c->regular;
	e->subsidy[s] = c->subsidy;
	e->total[s] = c->total;
	e->line[s] = (uint32_t)c->line;
	e->members[s] = (uint16_t)c->members;
	e->program[s] = (uint8_t)c->program;
}

static int
count(struct chg *x, int cls, int has0, int has1, long m0, long m1, int64_t t0, int64_t t1)
{
	struct payroll_changes_total *k[2] = { &x->res->cls[cls], &x->res->all };
	int i;

	for (i = 0; i < 2; i++) {
		k[i]->households++;
		k[i]->persons[0] += has0 ? m0 : 0;
		k[i]->persons[1] += has1 ? m1 : 0;
		if ((has0 && payroll_add(k[i]->amount[0], t0, &k[i]->amount[0])) ||
		    (has1 && payroll_add(k[i]->amount[1], t1, &k[i]->amount[1])))
			return payroll_error_set(x->err, PAYROLL_EOVERFLOW, NULL, 0, 0, "overflow",
						 "a total does not fit");
	}
	return 0;
}

/* The class of entry e (NULL: a case of side s only). */
static int
class_of(const struct ent *e, int s)
{
	if (e && e->line[0] && e->line[1])
		return e->reasons ? PAYROLL_CHANGE_CHANGED : PAYROLL_CHANGE_UNCHANGED;
	return (e ? !e->line[0] : s == 1) ? PAYROLL_CHANGE_NEW : PAYROLL_CHANGE_STOPPED;
}

/* Case c of the streamed side b meets its entry e: the reasons. */
static void
compare(struct chg *x, struct ent *e, const struct csum *c)
{
	int b = !x->a;
	unsigned r = 0;

	fill(e, b, c);
	if (e->regular[0] != e->regular[1])
		r |= 1u << PAYROLL_CHANGE_AMOUNT;
	if (e->members[0] != e->members[1])
		r |= 1u << PAYROLL_CHANGE_MEMBERS;
	if (e->program[0] != e->program[1])
		r |= 1u << PAYROLL_CHANGE_PROGRAM;
	if (e->payee != c->payee)
		r |= 1u << PAYROLL_CHANGE_ACCOUNT;
	if (b == 1 ? c->narrears > 0 : e->arrears)
		r |= 1u << PAYROLL_CHANGE_ARREARS;
	if (e->subs != c->subs)
		r |= 1u << PAYROLL_CHANGE_SUBSIDY;
	e->reasons = (uint8_t)r;
}

static int
cmp_lone(const void *p, const void *q)
{
	const struct lone *u = p, *v = q;

	if (u->key != v->key)
		return u->key < v->key ? -1 : 1;
	return (u->line > v->line) - (u->line < v->line);
}

static int
pass1(struct chg *x)
{
	struct rd r;
	struct csum *c;
	size_t first, second, k;
	int a = x->a, b = !a, rc, i;

	if ((rc = rd_open(&r, x->path[a], x->err)) != 0)
		return rc;
	while ((rc = rd_next(&r, &c, x->err)) == 1) {
		struct ent *e;

		if (x->nent == x->ecap) {
			size_t old = x->ecap;

			if (payroll_grow((void **)&x->ent, x->nent, &x->ecap, sizeof *x->ent)) {
				rc = nomem(x);
				break;
			}
			payroll_huge_pages(x->ent + old, (x->ecap - old) * sizeof *x->ent);
		}
		e = &x->ent[x->nent++];
		memset(e, 0, sizeof *e);
		e->key = c->key;
		e->payee = c->payee;
		e->subs = c->subs;
		e->arrears = c->narrears > 0;
		fill(e, a, c);
	}
	x->res->lines[a] = r.lines;
	x->res->sum[a] = r.sum;
	memcpy(x->res->period[a], r.period, 8);
	rd_close(&r);
	if (rc < 0)
		return rc;
	x->res->cases[a] = (long)x->nent;
	rc = payroll_keyindex_build(&x->ix, x->ent, x->nent, sizeof *x->ent, &first, &second);
	if (rc == 1)
		return not_contiguous(x, a, x->ent[first].line[a], x->ent[second].line[a]);
	if (rc)
		return nomem(x);

	if ((rc = rd_open(&r, x->path[b], x->err)) != 0)
		return rc;
	while ((rc = rd_next(&r, &c, x->err)) == 1) {
		size_t i2 = payroll_keyindex_find(&x->ix, c->key);

		x->res->cases[b]++;
		if (i2 != SIZE_MAX) {
			struct ent *e = &x->ent[i2];

			if (e->line[b]) {
				rc = not_contiguous(x, b, e->line[b], c->line);
				break;
			}
			compare(x, e, c);
			continue;
		}
		if (payroll_grow((void **)&x->lone, x->nlone, &x->lcap, sizeof *x->lone)) {
			rc = nomem(x);
			break;
		}
		x->lone[x->nlone].key = c->key;
		x->lone[x->nlone++].line = (uint32_t)c->line;
		if ((rc = count(x, b ? PAYROLL_CHANGE_NEW : PAYROLL_CHANGE_STOPPED, !b, b,
				c->members, c->members, c->total, c->total)) != 0)
			break;
	}
	x->res->lines[b] = r.lines;
	x->res->sum[b] = r.sum;
	memcpy(x->res->period[b], r.period, 8);
	rd_close(&r);
	if (rc < 0)
		return rc;
	if (x->nlone > 1) {
		qsort(x->lone, x->nlone, sizeof *x->lone, cmp_lone);
		for (k = 1; k < x->nlone; k++)
			if (x->lone[k].key == x->lone[k - 1].key)
				return not_contiguous(x, b, x->lone[k - 1].line, x->lone[k].line);
	}
	for (k = 0; k < x->nent; k++) {
		const struct ent *e = &x->ent[k];
		int cls = class_of(e, a);

		if (cls == PAYROLL_CHANGE_CHANGED)
			for (i = 0; i < PAYROLL_CHANGE_NREASON; i++)
				x->res->by_reason[i] += (e->reasons >> i) & 1;
		if ((rc = count(x, cls, e->line[0] != 0, e->line[1] != 0, e->members[0],
				e->members[1], e->total[0], e->total[1])) != 0)
			return rc;
	}
	if (x->res->period[0][0] && x->res->period[1][0] &&
	    strcmp(x->res->period[0], x->res->period[1]) > 0)
		return payroll_error_set(x->err, PAYROLL_EFORMAT, x->path[0], 0, 0, "period-order",
					 "OLD's period %s is after NEW's %s: give the earlier ledger first",
					 x->res->period[0], x->res->period[1]);
	for (i = 0; i < 2; i++)
		if (x->res->all.amount[i] != x->res->sum[i] ||
		    x->res->all.households != x->res->cases[0] + x->res->cases[1] -
						  x->res->cls[PAYROLL_CHANGE_CHANGED].households -
						  x->res->cls[PAYROLL_CHANGE_UNCHANGED].households)
			return payroll_error_set(x->err, PAYROLL_EINTERNAL, x->path[i], 0, 0,
						 "internal", "the classes do not add up to the ledger");
	return 0;
}

/* ---- pass 2: the report --------------------------------------------------- */

static int
drain(struct chg *x, int force)
{
	if (x->f.b.len < 65536 && !force)
		return 0;
	if (x->f.b.len && payroll_outfile_write(x->out, x->f.b.p, x->f.b.len))
		return payroll_error_errno(x->err, PAYROLL_EIO, payroll_outfile_path(x->out),
					   "cannot write");
	payroll_buf_reset(&x->f.b);
	return 0;
}

/* ---- walking a ledger again --------------------------------------------- */

static int
render(struct chg *x, const struct payroll_changes_view *v)
{
	const char *name = v->name;
	size_t bad = 0;
	int rc;

	if (x->o->public) {
		payroll_buf_reset(&x->f.tmp);
		rc = payroll_mask_name(&x->f.tmp, v->name, strlen(v->name), &bad);
		/* the ledger reader lets only valid UTF-8 through */
		if (rc == PAYROLL_EFORMAT)
			return payroll_error_set(x->err, PAYROLL_EINTERNAL, x->path[v->has[1]],
						 v->line[v->has[1]], 0, "internal",
						 "case %s: the name is not valid UTF-8 (byte %zu)",
						 v->case_id, bad + 1);
		if (rc)
			return nomem(x);
		name = payroll_buf_str(&x->f.tmp);
	}
	return payroll_changes_fmt_case(&x->f, v, name) ? nomem(x) : drain(x, 0);
}

static int
changed_file(struct chg *x, int s, long line)
{
	return payroll_error_set(x->err, PAYROLL_EIO, x->path[s], line, 0, "changed-file",
				 "the file changed while it was read");
}

/* The view of case c of side s whose entry is e (or NULL). */
static void
make_view(struct chg *x, struct payroll_changes_view *v, int s, const struct csum *c, const struct ent *e, int cls)
{
	int k, o = !s;

	memset(v, 0, sizeof *v);
	v->cls = cls;
	v->reasons = e ? e->reasons : 0;
	v->has[s] = 1;
	v->has[o] = cls == PAYROLL_CHANGE_CHANGED || cls == PAYROLL_CHANGE_UNCHANGED;
	v->line[s] = c->line;
	v->program[s] = c->program;
	v->members[s] = c->members;
	v->regular[s] = c->regular;
	v->subsidy[s] = c->subsidy;
	v->total[s] = c->total;
	v->arrears = s == 1 ? c->arrears : 0;
	for (k = 0; k < 3; k++)
		v->payee[s][k] = v->payee[o][k] = cstr(c, S_BANK + k);
	if (v->has[o]) {
		v->line[o] = e->line[o];
		v->program[o] = e->program[o];
		v->members[o] = e->members[o];
		v->regular[o] = e->regular[o];
		v->subsidy[o] = e->subsidy[o];
		v->total[o] = e->total[o];
		if (s == 1 && !x->o->public && (e->reasons & (1u << PAYROLL_CHANGE_ACCOUNT))) {
			const char *p = x->arena.p + e->payee;

			for (k = 0; k < 3; k++, p += strlen(p) + 1)
				v->payee[0][k] = p;
		}
	}
	v->case_id = cstr(c, S_CASE);
	v->name = cstr(c, S_NAME);
	v->id_number = cstr(c, S_ID);
	v->locality = cstr(c, S_LOCALITY);
}

/*
 * Read side s again and render its cases of class cls; reading OLD, keep
 * the payee strings of each case whose account changed (stash).
 */
static int
walk(struct chg *x, int s, int cls, int stash)
{
	struct rd r;
	struct csum *c;
	size_t k = 0;
	long n = 0;
	int rc;

	if ((rc = rd_open(&r, x->path[s], x->err)) != 0)
		return rc;
	while ((rc = rd_next(&r, &c, x->err)) == 1) {
		struct ent *e = NULL;
		struct payroll_changes_view v;
		int cl;

		if (s == x->a) {
			e = k < x->nent ? &x->ent[k++] : NULL;
			if (!e || e->line[s] != (uint32_t)c->line || e->key != c->key) {
				rc = changed_file(x, s, c->line);
				break;
			}
		} else {
			size_t i = payroll_keyindex_find(&x->ix, c->key);

			e = i == SIZE_MAX ? NULL : &x->ent[i];
			if (e && e->line[s] != (uint32_t)c->line) {
				rc = changed_file(x, s, c->line);
				break;
			}
		}
		cl = class_of(e, s);
		if (stash && cl == PAYROLL_CHANGE_CHANGED && (e->reasons & (1u << PAYROLL_CHANGE_ACCOUNT))) {
			e->payee = x->arena.len;
			if (payroll_buf_add(&x->arena, cstr(c, S_BANK),
					    c->off[S_ACCOUNT_NAME] + strlen(cstr(c, S_ACCOUNT_NAME)) + 1 -
					    c->off[S_BANK])) {
				rc = nomem(x);
				break;
			}
		}
		if (cl != cls)
			continue;
		n++;
		make_view(x, &v, s, c, e, cl);
		if ((rc = render(x, &v)) != 0)
			break;
	}
	rd_close(&r);
	if (rc == 0 && n != x->res->cls[cls].households)
		rc = changed_file(x, s, 0);
	return rc;
}

/* Render the cases of class cls, in their ledger's order. */
static int
section(struct chg *x, int cls)
{
	int rc = 0, s = cls == PAYROLL_CHANGE_STOPPED ? 0 : 1;

	/* text and html show no unchanged cases */
	if (cls == PAYROLL_CHANGE_UNCHANGED &&
	    (x->o->format == PAYROLL_CHANGES_TEXT || x->o->format == PAYROLL_CHANGES_HTML))
		return 0;
	if (payroll_changes_fmt_section(&x->f, cls))
		return nomem(x);
	/* OLD is read for stopped cases, and for OLD's accounts that changed */
	if (cls == PAYROLL_CHANGE_STOPPED) {
		int stash = x->res->by_reason[PAYROLL_CHANGE_ACCOUNT] > 0 && !x->o->public;

		if (x->res->cls[cls].households || stash)
			rc = walk(x, 0, cls, stash);
	} else if (x->res->cls[cls].households)
		rc = walk(x, s, cls, 0);
	if (rc == 0 && payroll_changes_fmt_section_end(&x->f, cls))
		rc = nomem(x);
	return rc;
}

static int
report(struct chg *x)
{
	const char *path = x->o->output ? x->o->output : "-";
	int rc, cls;

	if (payroll_changes_fmt_head(&x->f))
		return nomem(x);
	if ((rc = payroll_outfile_open(&x->out, path, 0, x->err)) != 0)
		return rc;
	x->f.first = 1;
	for (cls = 0; cls < PAYROLL_CHANGE_NCLASS && rc == 0; cls++)
		rc = section(x, cls);
	if (rc)
		return rc;
	if (payroll_changes_fmt_tail(&x->f))
		return nomem(x);
	if ((rc = drain(x, 1)) != 0)
		return rc;
	rc = payroll_outfile_commit(x->out, x->err);
	x->out = NULL;
	return rc;
}

int
payroll_changes(const struct payroll_changes_opts *o, struct payroll_changes_result *res,
		struct payroll_error *err)
{
	struct chg x;
	struct stat st[2];
	int rc, i;

	memset(res, 0, sizeof *res);
	memset(&x, 0, sizeof x);
	payroll_error_clear(err);
	x.o = o;
	x.res = res;
	x.err = err;
	x.path[0] = o->old_path;
	x.path[1] = o->new_path;
	x.f.o = o;
	x.f.res = res;
	x.f.path[0] = x.path[0];
	x.f.path[1] = x.path[1];
	for (i = 0; i < 2; i++)
		if (!x.path[i] || !strcmp(x.path[i], "-"))
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "two ledger files, OLD and NEW, are needed "
						 "(each is read twice: not standard input)");
	if ((unsigned)o->format > PAYROLL_CHANGES_HTML)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "unknown format");
	{
		const char *out = o->output ? o->output : "-";

		if ((rc = payroll_outfile_check_paths(x.path, 2, &out, 1, err)) != 0)
			return rc;
	}
	/* index the smaller ledger; stream the larger */
	x.a = stat(x.path[0], &st[0]) == 0 && stat(x.path[1], &st[1]) == 0 &&
	      st[1].st_size < st[0].st_size;
	rc = pass1(&x);
	if (rc == 0)
		rc = report(&x);
	payroll_outfile_abort(x.out);
	payroll_keyindex_release(&x.ix);
	payroll_buf_release(&x.arena);
	payroll_buf_release(&x.f.b);
	payroll_buf_release(&x.f.tmp);
	free(x.ent);
	free(x.lone);
	return rc;
}
