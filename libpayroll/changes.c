/* SPDX-License-Identifier: Apache-2.0 */
#include "changes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "disclose.h"
#include "ident.h"
#include "keyindex.h"
#include "ledger.h"
#include "mask.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

#define MAXLINE 0x7fffffffL

enum { P_SUBSISTENCE, P_EXTREME, P_TEMPORARY, P_N };
static const char *const program_name[P_N] = { "subsistence", "extreme-poverty", "temporary" };
static const char *const program_zh[P_N] = { "低保", "特困", "临时救助" };

static const char *const class_name[PAYROLL_CHANGE_NCLASS] = {
	"new", "stopped", "changed", "unchanged",
};
static const char *const class_zh[PAYROLL_CHANGE_NCLASS] = { "新增", "停发", "变更", "未变" };
static const char *const reason_name[PAYROLL_CHANGE_NREASON] = {
	"amount", "members", "program", "account", "arrears", "subsidy",
};
static const char *const reason_zh[PAYROLL_CHANGE_NREASON] = {
	"调标", "人数变更", "类别变更", "账户变更", "补发", "补贴变更",
};

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
	struct payroll_buf b;		/* rendered, drained to out */
	struct payroll_buf tmp;
	long shown[PAYROLL_CHANGE_NCLASS];
	int first;			/* json: no case written yet */
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

const char *
payroll_changes_class_name(enum payroll_change_class c)
{
	return (unsigned)c < PAYROLL_CHANGE_NCLASS ? class_name[c] : "?";
}

const char *
payroll_changes_reason_name(enum payroll_change_reason r)
{
	return (unsigned)r < PAYROLL_CHANGE_NREASON ? reason_name[r] : "?";
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
		if (!strcmp(p, program_name[i]))
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

/* A case as reports show it; [0] OLD, [1] NEW. */
struct view {
	int cls;
	unsigned reasons;
	int has[2];
	long line[2];
	int program[2], members[2];
	int64_t regular[2], subsidy[2], total[2], arrears;
	const char *payee[2][3];	/* bank, account, account_name */
	const char *case_id, *name, *id_number, *locality;
};

static int
drain(struct chg *x, int force)
{
	if (x->b.len < 65536 && !force)
		return 0;
	if (x->b.len && payroll_outfile_write(x->out, x->b.p, x->b.len))
		return payroll_error_errno(x->err, PAYROLL_EIO, payroll_outfile_path(x->out),
					   "cannot write");
	payroll_buf_reset(&x->b);
	return 0;
}

static int
add_signed(struct payroll_buf *b, int64_t fen)
{
	return (fen > 0 && payroll_buf_addch(b, '+')) || payroll_buf_addmoney(b, fen);
}

static int
json_str(struct payroll_buf *b, const char *s)
{
	return payroll_buf_addch(b, '"') || payroll_buf_addjson(b, s, strlen(s)) ||
	       payroll_buf_addch(b, '"');
}

static int
json_money(struct payroll_buf *b, int64_t fen, int sign)
{
	return payroll_buf_addch(b, '"') || (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen)) ||
	       payroll_buf_addch(b, '"');
}

/* The reasons joined by sep, in words (zh) or names. */
static int
reasons_list(struct payroll_buf *b, unsigned reasons, const char *sep, int zh, int json)
{
	int i, n = 0, rc = 0;

	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		if (reasons & (1u << i)) {
			rc = (n++ && payroll_buf_addstr(b, sep)) ||
			     (json ? json_str(b, reason_name[i]) :
				     payroll_buf_addstr(b, zh ? reason_zh[i] : reason_name[i]));
		}
	return rc;
}

/* ---- text ---- */

static int
text_case(struct chg *x, const struct view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int s = v->has[1], rc;

	rc = payroll_buf_addstr(b, "  ") || payroll_buf_addstr(b, v->case_id) ||
	     payroll_buf_addf(b, "  %s  ", program_name[v->program[s]]) ||
	     payroll_buf_addstr(b, name) || payroll_buf_addstr(b, "  ") ||
	     payroll_buf_addstr(b, v->locality);
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, "  ") || payroll_buf_addstr(b, v->id_number);
	if (rc == 0 && v->cls != PAYROLL_CHANGE_CHANGED) {
		rc = payroll_buf_addf(b, "\n      persons %d  regular ", v->members[s]) ||
		     payroll_buf_addmoney(b, v->regular[s]) || payroll_buf_addstr(b, "  amount ") ||
		     payroll_buf_addmoney(b, v->total[s]);
		if (rc == 0 && s == 1 && v->arrears)
			rc = payroll_buf_addstr(b, "  arrears ") || payroll_buf_addmoney(b, v->arrears);
		return rc || payroll_buf_addch(b, '\n');
	}
	rc = rc || payroll_buf_addstr(b, "\n      reasons ") ||
	     reasons_list(b, v->reasons, ", ", 0, 0) || payroll_buf_addstr(b, "  amount ") ||
	     payroll_buf_addmoney(b, v->total[0]) || payroll_buf_addstr(b, " -> ") ||
	     payroll_buf_addmoney(b, v->total[1]) || payroll_buf_addstr(b, " (") ||
	     add_signed(b, v->total[1] - v->total[0]) || payroll_buf_addstr(b, ")\n");
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_AMOUNT)))
		rc = payroll_buf_addstr(b, "      regular ") || payroll_buf_addmoney(b, v->regular[0]) ||
		     payroll_buf_addstr(b, " -> ") || payroll_buf_addmoney(b, v->regular[1]) ||
		     payroll_buf_addstr(b, " (") || add_signed(b, v->regular[1] - v->regular[0]) ||
		     payroll_buf_addstr(b, ")\n");
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_MEMBERS)))
		rc = payroll_buf_addf(b, "      members %d -> %d\n", v->members[0], v->members[1]);
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_PROGRAM)))
		rc = payroll_buf_addf(b, "      program %s -> %s\n", program_name[v->program[0]],
				      program_name[v->program[1]]);
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_ACCOUNT))) {
		if (x->o->public)
			rc = payroll_buf_addstr(b, "      account changed\n");
		else
			rc = payroll_buf_addf(b, "      account %s %s %s -> %s %s %s\n",
					      v->payee[0][0], v->payee[0][1], v->payee[0][2],
					      v->payee[1][0], v->payee[1][1], v->payee[1][2]);
	}
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_ARREARS)))
		rc = payroll_buf_addstr(b, "      arrears ") || payroll_buf_addmoney(b, v->arrears) ||
		     payroll_buf_addch(b, '\n');
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_SUBSIDY)))
		rc = payroll_buf_addstr(b, "      subsidy ") || payroll_buf_addmoney(b, v->subsidy[0]) ||
		     payroll_buf_addstr(b, " -> ") || payroll_buf_addmoney(b, v->subsidy[1]) ||
		     payroll_buf_addch(b, '\n');
	return rc;
}

static int
text_head(struct chg *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	int i, rc;

	rc = payroll_buf_addf(b, "changes %s -> %s\n--- old %s\n+++ new %s\n\n",
			      r->period[0][0] ? r->period[0] : "(empty)",
			      r->period[1][0] ? r->period[1] : "(empty)", x->path[0], x->path[1]) ||
	     payroll_buf_addf(b, "%-10s %10s %8s %8s %14s %14s %14s\n", "class", "households",
			      "old pers", "new pers", "old amount", "new amount", "difference");
	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = i < PAYROLL_CHANGE_NCLASS ? &r->cls[i] : &r->all;
		char m[3][32];

		payroll_money_format(t->amount[0], m[0]);
		payroll_money_format(t->amount[1], m[1]);
		payroll_buf_reset(&x->tmp);
		rc = add_signed(&x->tmp, t->amount[1] - t->amount[0]);
		snprintf(m[2], sizeof m[2], "%s", payroll_buf_str(&x->tmp));
		rc = rc || payroll_buf_addf(b, "%-10s %10ld %8ld %8ld %14s %14s %14s\n",
					    i < PAYROLL_CHANGE_NCLASS ? class_name[i] : "all",
					    t->households, t->persons[0], t->persons[1], m[0], m[1], m[2]);
	}
	rc = rc || payroll_buf_addstr(b, "\nreasons");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, " %s %ld%s", reason_name[i], r->by_reason[i],
				      i + 1 < PAYROLL_CHANGE_NREASON ? "," : "\n");
	return rc;
}

/* ---- csv ---- */

static int
csv_field(struct payroll_buf *b, const char *s)
{
	return payroll_buf_addch(b, ',') || payroll_buf_addcsv(b, s, strlen(s));
}

static int
csv_head(struct chg *x)
{
	return payroll_buf_addstr(&x->b, x->o->bom ? PAYROLL_UTF8_BOM : "") ||
	       payroll_buf_addstr(&x->b, "record,class,case_id,reasons,old_program,new_program,"
					 "locality,name,") ||
	       (!x->o->public && payroll_buf_addstr(&x->b, "id_number,")) ||
	       payroll_buf_addstr(&x->b, "households,old_persons,new_persons,old_regular,"
					 "new_regular,regular_difference,old_subsidy,new_subsidy,"
					 "arrears,old_amount,new_amount,amount_difference") ||
	       (!x->o->public &&
		payroll_buf_addstr(&x->b, ",old_bank,old_account,old_account_name,new_bank,"
					  "new_account,new_account_name")) ||
	       payroll_buf_addch(&x->b, '\n');
}

/* ",money" or "," when the side is absent. */
static int
csv_money(struct payroll_buf *b, int has, int64_t fen, int sign)
{
	return payroll_buf_addch(b, ',') ||
	       (has && (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen)));
}

static int
csv_case(struct chg *x, const struct view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int both = v->has[0] && v->has[1], s, rc;

	rc = payroll_buf_addf(b, "case,%s", class_name[v->cls]) || csv_field(b, v->case_id) ||
	     payroll_buf_addch(b, ',') || reasons_list(b, v->reasons, ";", 0, 0);
	for (s = 0; s < 2 && rc == 0; s++)
		rc = payroll_buf_addch(b, ',') ||
		     (v->has[s] && payroll_buf_addstr(b, program_name[v->program[s]]));
	rc = rc || csv_field(b, v->locality) || csv_field(b, name) ||
	     (!x->o->public && csv_field(b, v->id_number)) || payroll_buf_addstr(b, ",1");
	for (s = 0; s < 2 && rc == 0; s++)
		rc = payroll_buf_addch(b, ',') || (v->has[s] && payroll_buf_addf(b, "%d", v->members[s]));
	rc = rc || csv_money(b, v->has[0], v->regular[0], 0) ||
	     csv_money(b, v->has[1], v->regular[1], 0) ||
	     csv_money(b, both, v->regular[1] - v->regular[0], 1) ||
	     csv_money(b, v->has[0], v->subsidy[0], 0) || csv_money(b, v->has[1], v->subsidy[1], 0) ||
	     csv_money(b, v->has[1], v->arrears, 0) || csv_money(b, v->has[0], v->total[0], 0) ||
	     csv_money(b, v->has[1], v->total[1], 0) ||
	     csv_money(b, 1, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1);
	for (s = 0; s < 2 && rc == 0 && !x->o->public; s++) {
		int k;

		for (k = 0; k < 3 && rc == 0; k++)
			rc = v->has[s] ? csv_field(b, v->payee[s][k]) : payroll_buf_addch(b, ',');
	}
	return rc || payroll_buf_addch(b, '\n');
}

static int
csv_totals(struct chg *x)
{
	struct payroll_buf *b = &x->b;
	int i, rc = 0;

	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = i < PAYROLL_CHANGE_NCLASS ? &x->res->cls[i] : &x->res->all;

		rc = payroll_buf_addf(b, "total,%s,,,,,,,%s%ld,%ld,%ld,,,,,,,", i < PAYROLL_CHANGE_NCLASS ?
				      class_name[i] : "all", x->o->public ? "" : ",", t->households,
				      t->persons[0], t->persons[1]) ||
		     payroll_buf_addmoney(b, t->amount[0]) || payroll_buf_addch(b, ',') ||
		     payroll_buf_addmoney(b, t->amount[1]) || payroll_buf_addch(b, ',') ||
		     add_signed(b, t->amount[1] - t->amount[0]) ||
		     payroll_buf_addstr(b, x->o->public ? "\n" : ",,,,,,\n");
	}
	return rc;
}

/* ---- json ---- */

static int
json_total(struct payroll_buf *b, const char *name, const struct payroll_changes_total *t, int last)
{
	return payroll_buf_addf(b, "    \"%s\": {\"households\": %ld, \"persons\": {\"old\": %ld, "
				"\"new\": %ld}, \"amounts\": {\"old\": ", name, t->households,
				t->persons[0], t->persons[1]) ||
	       json_money(b, t->amount[0], 0) || payroll_buf_addstr(b, ", \"new\": ") ||
	       json_money(b, t->amount[1], 0) || payroll_buf_addstr(b, ", \"difference\": ") ||
	       json_money(b, t->amount[1] - t->amount[0], 1) ||
	       payroll_buf_addstr(b, last ? "}}\n" : "}},\n");
}

static int
json_head(struct chg *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	int i, rc = payroll_buf_addstr(b, "{\n");

	for (i = 0; i < 2 && rc == 0; i++)
		rc = payroll_buf_addf(b, "  \"%s\": {\"path\": ", i ? "new" : "old") ||
		     json_str(b, x->path[i]) || payroll_buf_addstr(b, ", \"period\": ") ||
		     (r->period[i][0] ? json_str(b, r->period[i]) : payroll_buf_addstr(b, "null")) ||
		     payroll_buf_addf(b, ", \"lines\": %ld, \"households\": %ld, \"amount\": ",
				      r->lines[i], r->cases[i]) ||
		     json_money(b, r->sum[i], 0) || payroll_buf_addstr(b, "},\n");
	rc = rc || payroll_buf_addf(b, "  \"public\": %s,\n  \"totals\": {\n",
				    x->o->public ? "true" : "false");
	for (i = 0; i < PAYROLL_CHANGE_NCLASS && rc == 0; i++)
		rc = json_total(b, class_name[i], &r->cls[i], 0);
	rc = rc || json_total(b, "all", &r->all, 1) || payroll_buf_addstr(b, "  },\n  \"reasons\": {");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, "%s\"%s\": %ld", i ? ", " : "", reason_name[i], r->by_reason[i]);
	return rc || payroll_buf_addstr(b, "},\n  \"cases\": [");
}

static int
json_side(struct chg *x, const struct view *v, int s)
{
	struct payroll_buf *b = &x->b;
	int rc;

	if (!v->has[s])
		return payroll_buf_addstr(b, "null");
	rc = payroll_buf_addf(b, "{\"line\": %ld, \"program\": \"%s\", \"members\": %d, \"regular\": ",
			      v->line[s], program_name[v->program[s]], v->members[s]) ||
	     json_money(b, v->regular[s], 0) || payroll_buf_addstr(b, ", \"subsidy\": ") ||
	     json_money(b, v->subsidy[s], 0);
	if (rc == 0 && s == 1)
		rc = payroll_buf_addstr(b, ", \"arrears\": ") || json_money(b, v->arrears, 0);
	rc = rc || payroll_buf_addstr(b, ", \"amount\": ") || json_money(b, v->total[s], 0);
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, ", \"bank\": ") || json_str(b, v->payee[s][0]) ||
		     payroll_buf_addstr(b, ", \"account\": ") || json_str(b, v->payee[s][1]) ||
		     payroll_buf_addstr(b, ", \"account_name\": ") || json_str(b, v->payee[s][2]);
	return rc || payroll_buf_addch(b, '}');
}

static int
json_case(struct chg *x, const struct view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int rc;

	rc = payroll_buf_addstr(b, x->first ? "\n    {\"case_id\": " : ",\n    {\"case_id\": ") ||
	     json_str(b, v->case_id) || payroll_buf_addf(b, ", \"class\": \"%s\", \"reasons\": [",
							 class_name[v->cls]) ||
	     reasons_list(b, v->reasons, ", ", 0, 1) || payroll_buf_addstr(b, "], \"locality\": ") ||
	     json_str(b, v->locality) || payroll_buf_addstr(b, ", \"name\": ") || json_str(b, name);
	x->first = 0;
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, ", \"id_number\": ") || json_str(b, v->id_number);
	rc = rc || payroll_buf_addstr(b, ", \"old\": ") || json_side(x, v, 0) ||
	     payroll_buf_addstr(b, ", \"new\": ") || json_side(x, v, 1) ||
	     payroll_buf_addstr(b, ", \"regular_difference\": ") ||
	     json_money(b, v->regular[1] * v->has[1] - v->regular[0] * v->has[0], 1) ||
	     payroll_buf_addstr(b, ", \"amount_difference\": ") ||
	     json_money(b, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1) ||
	     payroll_buf_addch(b, '}');
	return rc;
}

/* ---- html ---- */

static const char style[] =
	"body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",serif;margin:2em;color:#000}\n"
	"h1{text-align:center;font-size:1.4em}\n"
	"h2{font-size:1.1em;margin-top:1.2em}\n"
	"p.sub{text-align:center}\n"
	"table{border-collapse:collapse;width:100%;font-size:.8em}\n"
	"th,td{border:1px solid #000;padding:2px 4px}\n"
	"td{white-space:nowrap}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.w{white-space:normal;word-break:break-all;min-width:8em}\n"
	"tr.all td{font-weight:bold;background:#ddd}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0}tr{page-break-inside:avoid}thead{display:table-header-group}"
	"tr.all td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* "2026年11月" for a period; "（无）" for none. */
static void
period_zh(const char *p, char *out, size_t n)
{
	if (!p[0])
		snprintf(out, n, "（无）");
	else
		snprintf(out, n, "%.4s年%d月", p, (p[5] - '0') * 10 + (p[6] - '0'));
}

static int
html_money(struct payroll_buf *b, int has, int64_t fen, int sign)
{
	return payroll_buf_addstr(b, "<td class=\"n\">") ||
	       (has && (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen))) ||
	       payroll_buf_addstr(b, "</td>");
}

static int
html_head(struct chg *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	char p0[40], p1[40], title[200];
	int i, rc;

	period_zh(r->period[0], p0, sizeof p0);
	period_zh(r->period[1], p1, sizeof p1);
	snprintf(title, sizeof title, "%s 城乡低保和特困人员变动情况", p1);
	rc = payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>") ||
	     payroll_html_text(b, title) ||
	     payroll_buf_addf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style) ||
	     payroll_html_text(b, title) ||
	     payroll_buf_addf(b, "</h1>\n<p class=\"sub\">与%s比较（上月：%s，本月：%s）</p>\n", p0, p0, p1) ||
	     payroll_buf_addstr(b, "<table>\n<thead><tr><th>类别</th><th>户数</th><th>上月人数</th>"
				   "<th>本月人数</th><th>上月金额（元）</th><th>本月金额（元）</th>"
				   "<th>增减（元）</th></tr></thead>\n<tbody>\n");
	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = i < PAYROLL_CHANGE_NCLASS ? &r->cls[i] : &r->all;

		rc = payroll_buf_addf(b, "<tr%s><td>%s</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
				      "<td class=\"n\">%ld</td>", i < PAYROLL_CHANGE_NCLASS ? "" : " class=\"all\"",
				      i < PAYROLL_CHANGE_NCLASS ? class_zh[i] : "合计", t->households,
				      t->persons[0], t->persons[1]) ||
		     html_money(b, 1, t->amount[0], 0) || html_money(b, 1, t->amount[1], 0) ||
		     html_money(b, 1, t->amount[1] - t->amount[0], 1) || payroll_buf_addstr(b, "</tr>\n");
	}
	rc = rc || payroll_buf_addstr(b, "</tbody>\n</table>\n<p>变更原因：");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, "%s %ld 户%s", reason_zh[i], r->by_reason[i],
				      i + 1 < PAYROLL_CHANGE_NREASON ? "，" : "。</p>\n");
	return rc;
}

static int
html_section(struct chg *x, int cls)
{
	struct payroll_buf *b = &x->b;

	return payroll_buf_addf(b, "<h2>%s（%ld 户）</h2>\n<table>\n<thead><tr><th>编号</th>"
			       "<th>村（社区）</th><th>类别</th><th>姓名</th>", class_zh[cls],
			       x->res->cls[cls].households) ||
	       (!x->o->public && payroll_buf_addstr(b, "<th>身份证号</th>")) ||
	       payroll_buf_addstr(b, "<th>人数</th><th>上月金额（元）</th><th>本月金额（元）</th>"
				     "<th>增减（元）</th><th>说明</th></tr></thead>\n<tbody>\n");
}

static int
html_case(struct chg *x, const struct view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int s = v->has[1], rc;

	rc = payroll_buf_addstr(b, "<tr><td>") || payroll_html_text(b, v->case_id) ||
	     payroll_buf_addstr(b, "</td><td>") || payroll_html_text(b, v->locality) ||
	     payroll_buf_addf(b, "</td><td>%s</td><td>", program_zh[v->program[s]]) ||
	     payroll_html_text(b, name) || payroll_buf_addstr(b, "</td>");
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, "<td>") || payroll_html_text(b, v->id_number) ||
		     payroll_buf_addstr(b, "</td>");
	if (rc == 0 && v->has[0] && v->has[1] && v->members[0] != v->members[1])
		rc = payroll_buf_addf(b, "<td class=\"n\">%d→%d</td>", v->members[0], v->members[1]);
	else
		rc = rc || payroll_buf_addf(b, "<td class=\"n\">%d</td>", v->members[s]);
	rc = rc || html_money(b, v->has[0], v->total[0], 0) || html_money(b, v->has[1], v->total[1], 0) ||
	     html_money(b, 1, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1) ||
	     payroll_buf_addstr(b, "<td class=\"w\">");
	if (rc == 0 && v->cls == PAYROLL_CHANGE_CHANGED) {
		int i, n = 0;

		for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++) {
			if (!(v->reasons & (1u << i)))
				continue;
			rc = (n++ && payroll_buf_addstr(b, "；")) || payroll_buf_addstr(b, reason_zh[i]);
			if (rc == 0 && i == PAYROLL_CHANGE_AMOUNT)
				rc = payroll_buf_addch(b, ' ') || payroll_buf_addmoney(b, v->regular[0]) ||
				     payroll_buf_addstr(b, "→") || payroll_buf_addmoney(b, v->regular[1]);
			else if (rc == 0 && i == PAYROLL_CHANGE_PROGRAM)
				rc = payroll_buf_addf(b, " %s→%s", program_zh[v->program[0]],
						      program_zh[v->program[1]]);
			else if (rc == 0 && i == PAYROLL_CHANGE_ARREARS)
				rc = payroll_buf_addch(b, ' ') || payroll_buf_addmoney(b, v->arrears);
			else if (rc == 0 && i == PAYROLL_CHANGE_SUBSIDY)
				rc = payroll_buf_addch(b, ' ') || payroll_buf_addmoney(b, v->subsidy[0]) ||
				     payroll_buf_addstr(b, "→") || payroll_buf_addmoney(b, v->subsidy[1]);
			else if (rc == 0 && i == PAYROLL_CHANGE_ACCOUNT && !x->o->public)
				rc = payroll_buf_addch(b, ' ') || payroll_html_text(b, v->payee[0][1]) ||
				     payroll_buf_addstr(b, "→") || payroll_html_text(b, v->payee[1][1]);
		}
	} else if (rc == 0 && s == 1 && v->arrears) {
		rc = payroll_buf_addstr(b, "含补发 ") || payroll_buf_addmoney(b, v->arrears);
	}
	return rc || payroll_buf_addstr(b, "</td></tr>\n");
}

/* ---- walking a ledger again --------------------------------------------- */

static int
render(struct chg *x, const struct view *v)
{
	const char *name = v->name;
	size_t bad = 0;
	int rc;

	if (x->o->public) {
		payroll_buf_reset(&x->tmp);
		rc = payroll_mask_name(&x->tmp, v->name, strlen(v->name), &bad);
		/* the ledger reader lets only valid UTF-8 through */
		if (rc == PAYROLL_EFORMAT)
			return payroll_error_set(x->err, PAYROLL_EINTERNAL, x->path[v->has[1]],
						 v->line[v->has[1]], 0, "internal",
						 "case %s: the name is not valid UTF-8 (byte %zu)",
						 v->case_id, bad + 1);
		if (rc)
			return nomem(x);
		name = payroll_buf_str(&x->tmp);
	}
	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT: rc = text_case(x, v, name); break;
	case PAYROLL_CHANGES_CSV: rc = csv_case(x, v, name); break;
	case PAYROLL_CHANGES_JSON: rc = json_case(x, v, name); break;
	default: rc = html_case(x, v, name); break;
	}
	return rc ? nomem(x) : drain(x, 0);
}

static int
changed_file(struct chg *x, int s, long line)
{
	return payroll_error_set(x->err, PAYROLL_EIO, x->path[s], line, 0, "changed-file",
				 "the file changed while it was read");
}

/* The view of case c of side s whose entry is e (or NULL). */
static void
make_view(struct chg *x, struct view *v, int s, const struct csum *c, const struct ent *e, int cls)
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
		struct view v;
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

	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT:
		if (cls == PAYROLL_CHANGE_UNCHANGED)
			return 0;
		rc = payroll_buf_addf(&x->b, "\n%s %ld\n", class_name[cls],
				      x->res->cls[cls].households);
		break;
	case PAYROLL_CHANGES_HTML:
		if (cls == PAYROLL_CHANGE_UNCHANGED)
			return 0;
		rc = html_section(x, cls);
		break;
	default:
		break;
	}
	if (rc)
		return nomem(x);
	/* OLD is read for stopped cases, and for OLD's accounts that changed */
	if (cls == PAYROLL_CHANGE_STOPPED) {
		int stash = x->res->by_reason[PAYROLL_CHANGE_ACCOUNT] > 0 && !x->o->public;

		if (x->res->cls[cls].households || stash)
			rc = walk(x, 0, cls, stash);
	} else if (x->res->cls[cls].households)
		rc = walk(x, s, cls, 0);
	if (rc == 0 && x->o->format == PAYROLL_CHANGES_HTML &&
	    payroll_buf_addstr(&x->b, "</tbody>\n</table>\n"))
		rc = nomem(x);
	return rc;
}

static int
report(struct chg *x)
{
	const char *path = x->o->output ? x->o->output : "-";
	int rc, cls;

	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT: rc = text_head(x); break;
	case PAYROLL_CHANGES_CSV: rc = csv_head(x); break;
	case PAYROLL_CHANGES_JSON: rc = json_head(x); break;
	default: rc = html_head(x); break;
	}
	if (rc)
		return nomem(x);
	if ((rc = payroll_outfile_open(&x->out, path, 0, x->err)) != 0)
		return rc;
	x->first = 1;
	for (cls = 0; cls < PAYROLL_CHANGE_NCLASS && rc == 0; cls++)
		rc = section(x, cls);
	if (rc)
		return rc;
	switch (x->o->format) {
	case PAYROLL_CHANGES_CSV: rc = csv_totals(x); break;
	case PAYROLL_CHANGES_JSON: rc = payroll_buf_addstr(&x->b, x->first ? "]\n}\n" : "\n  ]\n}\n"); break;
	case PAYROLL_CHANGES_HTML: rc = payroll_buf_addstr(&x->b, "</body>\n</html>\n"); break;
	default: break;
	}
	if (rc)
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
	payroll_buf_release(&x.b);
	payroll_buf_release(&x.tmp);
	free(x.ent);
	free(x.lone);
	return rc;
}
