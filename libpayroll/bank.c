/* SPDX-License-Identifier: Apache-2.0 */
#include "bank.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>
#include <openssl/evp.h>

#include "buf.h"
#include "ident.h"
#include "layout.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "xlsxout.h"
#include "intl.h"
#include "banned.h"

#define MAX_GROUPS 512
#define PAYER_FILE_MAX (64 * 1024)

/* ---- cases seen: open addressing over 64-bit hashes ---- */

struct caseset {
	uint64_t *h;		/* 0 = empty slot */
	uint32_t *line;		/* first ledger line of the case */
	size_t cap, n;
};

static uint64_t
fnv(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

static uint64_t
mix(uint64_t h)
{
	/* splitmix64 finalizer: FNV's low bits index the table poorly */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

static uint64_t
case_hash(const char *id, int temporary)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, id);

	return mix((h ^ (uint64_t)(temporary ? 0xff : 0xfe)) * 0x100000001b3ULL);
}

/* (item, month) of a line; '\n' cannot occur in either (bad-char). */
static uint64_t
line_hash(const char *item, const char *month)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, item);

	return mix(fnv((h ^ '\n') * 0x100000001b3ULL, month));
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

/* ---- transfers and their spool ---- */

enum {
	T_CASE, T_PROGRAM, T_REGION, T_LOCALITY, T_NAME, T_ID, T_BANK,
	T_ACCOUNT, T_ACCOUNT_NAME, T_NSTR
};

struct spool_head {
	int64_t amount;
	int64_t seq;
	int64_t line;
	int32_t nlines;
	int32_t members;
	uint32_t slen;
	uint32_t temporary;
};

struct transfer {
	struct spool_head h;
	struct payroll_buf s;		/* T_NSTR strings, each NUL-ended */
	const char *str[T_NSTR];	/* into s (set after reading a spool) */
};

struct group {
	char *bank;		/* NULL when not split by bank; with limits, the
				 * file's name part "BANK-001" or "001" once read */
	int part;		/* 0, 1... within its bank when files are limited */
	FILE *spool;
	long count;
	int64_t total;
	char path[PAYROLL_PATH_MAX];
	char ctlpath[PAYROLL_PATH_MAX];
	struct payroll_outfile *out, *ctl;
};

struct run {
	const struct payroll_bankfile_opts *o;
	struct payroll_bankfile_result *res;
	struct payroll_error *err;
	const char *ledger_path;
	char ledger_name[PAYROLL_PATH_MAX];
	struct payroll_layout *layout;	/* NULL for pain001 */
	struct payer *payer;
	char period[8];
	char period_compact[8], period_first[12], period_last[12];
	struct group *g;
	size_t ng;
	size_t last;
	struct transfer t;
	int64_t line_total;		/* sum of every ledger line */
	long nt;
	struct payroll_buf rec, ref;
};

static int
line_error(struct run *r, long line, int rc, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
line_error(struct run *r, long line, int rc, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = payroll_error_vset(r->err, rc, r->ledger_path, line, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

/* A file that cannot take a transfer of amount fen more. */
static int
group_full(const struct run *r, const struct group *g, int64_t amount)
{
	return (r->o->max_count > 0 && g->count >= r->o->max_count) ||
	       (r->o->max_amount > 0 && g->total > r->o->max_amount - amount);
}

/* The file a transfer of amount goes to: its bank's (or the one), the
 * latest part of it, or a new part when that one is full. */
static struct group *
find_group(struct run *r, const char *bank, int64_t amount)
{
	struct group *g = NULL;
	size_t i;
	int part = 0;

	if (!r->o->split_by_bank)
		bank = NULL;
	if (r->ng && (!bank || !strcmp(r->g[r->last].bank, bank)))
		g = &r->g[r->last];
	for (i = r->ng; !g && i-- > 0;)
		if (!strcmp(r->g[i].bank, bank)) {
			r->last = i;
			g = &r->g[i];
		}
	if (g && !group_full(r, g, amount))
		return g;
	if (g)
		part = g->part + 1;
	if (r->ng == MAX_GROUPS)
		return NULL;
	g = &r->g[r->ng];
	memset(g, 0, sizeof *g);
	g->part = part;
	if (bank && !(g->bank = strdup(bank)))
		return NULL;
	g->spool = tmpfile();
	if (!g->spool) {
		free(g->bank);
		return NULL;
	}
	r->last = r->ng++;
	return g;
}

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

static int
check_line(struct payroll_transfers *tr, const struct payroll_ledger_line *l,
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
	if (payroll_account_check(l->account, strlen(l->account), &why))
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-account",
				"case %s: account '%s': %s", l->case_id, l->account, why);
	if (l->amount <= 0)
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-amount",
				"case %s: amount must be greater than 0", l->case_id);
	if (payroll_bank_check(l->bank, strlen(l->bank), &why))
		return tr_error(tr, err, l->line, PAYROLL_EFORMAT, "bad-bank",
				"case %s: bank code '%s': %s", l->case_id, l->bank, why);
	if (!l->account_name[0])
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
		b = &tr->b[tr->cur];
		tr->lines++;
		if ((rc = check_line(tr, &l, err)) != 0)
			break;
		if (payroll_add(tr->line_total, l.amount, &tr->line_total)) {
			rc = tr_error(tr, err, l.line, PAYROLL_EOVERFLOW, "overflow",
				      "the sum of the ledger does not fit");
			break;
		}
		temporary = !strcmp(l.program, "temporary");
		if (b->active && b->temporary == temporary && !strcmp(bstr(b, T_CASE), l.case_id)) {
			if (strcmp(bstr(b, T_BANK), l.bank) || strcmp(bstr(b, T_ACCOUNT), l.account) ||
			    strcmp(bstr(b, T_ACCOUNT_NAME), l.account_name)) {
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

/* Back to the start of a group's spool for reading: its buffered writes
 * flushed first, so a disk that filled while spooling is an error here
 * (named, with errno) and not a short read that looks like no transfers. */
static int
spool_rewind(struct run *r, struct group *g)
{
	if (fflush(g->spool) != 0 || ferror(g->spool))
		return payroll_error_errno(r->err, PAYROLL_EIO, r->o->output,
					   "cannot write the temporary spool file (tmpfile(3)) of this bank file");
	rewind(g->spool);
	return 0;
}

/* Spool one transfer to its bank's group: header, then its strings. */
static int
spool_transfer(struct run *r, const struct payroll_transfer *x)
{
	struct transfer *t = &r->t;
	const char *v[T_NSTR] = {
		x->case_id, x->program, x->region, x->locality, x->name,
		x->id_number, x->bank, x->account, x->account_name,
	};
	struct group *g;
	int i;

	payroll_buf_reset(&t->s);
	for (i = 0; i < T_NSTR; i++)
		if (payroll_buf_add(&t->s, v[i], strlen(v[i]) + 1))
			return payroll_error_errno(r->err, PAYROLL_ENOMEM, r->ledger_path,
						   "out of memory");
	memset(&t->h, 0, sizeof t->h);
	t->h.amount = x->amount;
	t->h.seq = x->seq;
	t->h.line = x->line;
	t->h.nlines = x->nlines;
	t->h.members = x->members;
	t->h.slen = (uint32_t)t->s.len;
	t->h.temporary = (uint32_t)x->temporary;
	if (r->o->max_amount > 0 && x->amount > r->o->max_amount) {
		char a[PAYROLL_MONEY_MAX], m[PAYROLL_MONEY_MAX];

		payroll_money_format(x->amount, a);
		payroll_money_format(r->o->max_amount, m);
		return line_error(r, x->line, PAYROLL_EFORMAT, "over-max-amount",
				  "case %s: one transfer of %s is above --max-amount %s, and a case is never split",
				  x->case_id, a, m);
	}
	g = find_group(r, x->bank, x->amount);
	if (!g)
		return line_error(r, x->line, errno == ENOMEM ? PAYROLL_ENOMEM : PAYROLL_EIO,
				  "io", "cannot open a spool file for bank %s (at most %d files)",
				  x->bank, MAX_GROUPS);
	if (fwrite(&t->h, sizeof t->h, 1, g->spool) != 1 ||
	    fwrite(t->s.p, t->s.len, 1, g->spool) != 1)
		return payroll_error_errno(r->err, PAYROLL_EIO, r->o->output,
					   "cannot write the temporary spool file (tmpfile(3)) of this bank file");
	if (payroll_add(g->total, x->amount, &g->total))
		return line_error(r, x->line, PAYROLL_EOVERFLOW, "overflow",
				  "the total of the bank file does not fit");
	g->count++;
	return 0;
}

static void
set_period(struct run *r, const char *p)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	int m = (p[5] - '0') * 10 + (p[6] - '0');
	int d = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));

	memcpy(r->period, p, 8);
	memcpy(r->period_compact, p, 4);
	memcpy(r->period_compact + 4, p + 5, 2);
	r->period_compact[6] = '\0';
	memcpy(r->period_first, r->period_compact, 6);
	memcpy(r->period_first + 6, "01", 3);
	memcpy(r->period_last, r->period_compact, 6);
	r->period_last[6] = (char)('0' + d / 10);
	r->period_last[7] = (char)('0' + d % 10);
	r->period_last[8] = '\0';
}

/* Pass one: the ledger's transfers -> the group spools. */
static int
read_ledger(struct run *r)
{
	struct payroll_transfers *tr;
	struct payroll_transfer x;
	int rc;

	rc = payroll_transfers_open(&tr, r->o->ledger, r->err);
	if (rc)
		return rc;
	/* the path outlives the reader in messages */
	snprintf(r->ledger_name, sizeof r->ledger_name, "%s", payroll_transfers_path(tr));
	r->ledger_path = r->ledger_name;
	while ((rc = payroll_transfers_next(tr, &x, r->err)) == 1) {
		if (!r->period[0])
			set_period(r, x.period);
		r->nt++;
		if ((rc = spool_transfer(r, &x)) != 0)
			break;
	}
	payroll_transfers_counts(tr, &r->res->lines, &r->line_total);
	payroll_transfers_close(tr);
	return rc;
}

static int
read_spool(struct run *r, struct group *g, struct transfer *t)
{
	const char *p;
	int i;

	if (fread(&t->h, sizeof t->h, 1, g->spool) != 1)
		return ferror(g->spool) ? payroll_error_errno(r->err, PAYROLL_EIO, NULL,
							      "cannot read spool file") : 0;
	payroll_buf_reset(&t->s);
	if (payroll_buf_reserve(&t->s, t->h.slen))
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	if (fread(t->s.p, t->h.slen, 1, g->spool) != 1)
		return payroll_error_set(r->err, PAYROLL_EIO, NULL, 0, 0, "io",
					 "spool file cut short");
	t->s.len = t->h.slen;
	for (p = t->s.p, i = 0; i < T_NSTR; i++) {
		t->str[i] = p;
		p += strlen(p) + 1;
	}
	return 1;
}

/* The stable reference: PERIOD-CASE_ID, PERIOD-T-GRANT_ID for grants. */
static const char *
make_ref(struct run *r, const struct transfer *t)
{
	payroll_buf_reset(&r->ref);
	if (payroll_buf_add(&r->ref, r->period, 7) ||
	    payroll_buf_add(&r->ref, t->h.temporary ? "-T-" : "-", t->h.temporary ? 3 : 1) ||
	    payroll_buf_addstr(&r->ref, t->str[T_CASE]))
		return NULL;
	return r->ref.p;
}

/* ---- output paths ---- */

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* OUT with "-BANK" before the extension of its last component and
 * suffix after it, ".gz" kept last: pay.txt.gz -> pay-ICBC.txt.ctl.gz. */
static int
derive_path(char *dst, size_t n, const char *out, const char *bank,
	    const char *suffix)
{
	size_t len = strlen(out), stem, ext;
	const char *slash, *dot, *base;
	int gz = ends_with(out, ".gz") && len > 3, w;

	stem = gz ? len - 3 : len;
	slash = strrchr(out, '/');
	base = slash ? slash + 1 : out;
	ext = stem;
	/* a leading dot (".hidden") starts no extension */
	for (dot = out + stem - 1; dot > base; dot--)
		if (*dot == '.') {
			ext = (size_t)(dot - out);
			break;
		}
	if (bank)
		w = snprintf(dst, n, "%.*s-%s%.*s%s%s", (int)ext, out, bank,
			     (int)(stem - ext), out + ext, suffix, gz ? ".gz" : "");
	else
		w = snprintf(dst, n, "%.*s%s%s", (int)stem, out, suffix, gz ? ".gz" : "");
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* ---- writing through a layout ---- */

static void
period_values(struct run *r, struct payroll_layout_values *v)
{
	memset(v, 0, sizeof *v);
	v->text[PAYROLL_SRC_PERIOD] = r->period;
	v->text[PAYROLL_SRC_PERIOD_COMPACT] = r->period_compact;
	v->text[PAYROLL_SRC_PERIOD_FIRST] = r->period_first;
	v->text[PAYROLL_SRC_PERIOD_LAST] = r->period_last;
}

/* A formatting error: name where it happened (file, line, case). */
static int
place_error(struct run *r, int rc, const char *file, long line, const char *case_id)
{
	struct payroll_error *e = r->err;
	char msg[sizeof e->message];
	size_t n, k;

	if (rc == PAYROLL_ENOMEM)
		return payroll_error_errno(e, rc, file, "out of memory");
	n = 0;
	if (case_id)
		n = (size_t)snprintf(msg, sizeof msg, "case %.200s: ", case_id);
	/* a message cut at 511 bytes still names the problem */
	k = strlen(e->message);
	if (k > sizeof msg - 1 - n)
		k = sizeof msg - 1 - n;
	memcpy(msg + n, e->message, k);
	msg[n + k] = '\0';
	snprintf(e->file, sizeof e->file, "%s", file);
	e->line = line;
	memcpy(e->message, msg, sizeof e->message);
	return rc;
}

static int
write_records(struct run *r, struct payroll_outfile *out, enum payroll_layout_kind k,
	      const struct payroll_layout_values *v)
{
	size_t i, n = payroll_layout_nrecords(r->layout, k);
	uint64_t cut;
	int rc;

	for (i = 0; i < n; i++) {
		payroll_buf_reset(&r->rec);
		rc = payroll_layout_format(r->layout, payroll_layout_record(r->layout, k, i), v,
					   &r->rec, &cut, r->err);
		if (rc)
			return place_error(r, rc, payroll_outfile_path(out), 0, NULL);
		if (payroll_outfile_write(out, r->rec.p, r->rec.len))
			return payroll_error_errno(r->err, PAYROLL_EIO, payroll_outfile_path(out),
						   "cannot write");
	}
	return 0;
}

static void
report_cuts(struct run *r, const struct transfer *t, const struct payroll_layout_record *rec,
	    uint64_t cut, const struct payroll_layout_values *v)
{
	struct payroll_error d;
	size_t i;

	for (i = 0; i < rec->nfields; i++) {
		const struct payroll_layout_field *f = &rec->fields[i];

		if (!(cut & ((uint64_t)1 << i)))
			continue;
		r->res->warnings++;
		if (!r->o->diag)
			continue;
		payroll_error_set(&d, 0, r->ledger_path, (long)t->h.line, 0, "truncated",
				  "case %s: %s '%s' cut to fit %zu bytes; check the bank accepts it",
				  t->str[T_CASE], f->source, v->text[f->src], f->width);
		r->o->diag(r->o->diag_ctx, &d);
	}
}

static int
verify_totals(struct run *r, const struct group *g, long count, int64_t total)
{
	if (count != g->count || total != g->total)
		return payroll_error_set(r->err, PAYROLL_EINTERNAL, g->path, 0, 0,
					 "control-mismatch",
					 "records written (%ld, %lld fen) disagree with the ledger "
					 "(%ld, %lld fen); nothing written", count, (long long)total,
					 g->count, (long long)g->total);
	return 0;
}

/* v's transfer sources from t. Returns 0 or PAYROLL_ENOMEM (err set). */
static int
transfer_values(struct run *r, const struct transfer *t, struct payroll_layout_values *v)
{
	v->num[PAYROLL_SRC_SEQ] = t->h.seq;
	v->num[PAYROLL_SRC_AMOUNT] = t->h.amount;
	v->num[PAYROLL_SRC_LINES] = t->h.nlines;
	v->num[PAYROLL_SRC_MEMBERS] = t->h.members;
	v->text[PAYROLL_SRC_CASE_ID] = t->str[T_CASE];
	v->text[PAYROLL_SRC_PROGRAM] = t->str[T_PROGRAM];
	v->text[PAYROLL_SRC_REGION] = t->str[T_REGION];
	v->text[PAYROLL_SRC_LOCALITY] = t->str[T_LOCALITY];
	v->text[PAYROLL_SRC_NAME] = t->str[T_NAME];
	v->text[PAYROLL_SRC_ID_NUMBER] = t->str[T_ID];
	v->text[PAYROLL_SRC_BANK] = t->str[T_BANK];
	v->text[PAYROLL_SRC_ACCOUNT] = t->str[T_ACCOUNT];
	v->text[PAYROLL_SRC_ACCOUNT_NAME] = t->str[T_ACCOUNT_NAME];
	if (!(v->text[PAYROLL_SRC_REF] = make_ref(r, t)))
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	return 0;
}

/* Rows of kind k of an xlsx layout. */
static int
xlsx_rows(struct run *r, struct payroll_xlsxout *x, enum payroll_layout_kind k,
	  const struct payroll_layout_values *v, const char *path)
{
	size_t i, n = payroll_layout_nrecords(r->layout, k);
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = payroll_xlsxout_row(x, payroll_layout_record(r->layout, k, i), v, r->err)))
			return place_error(r, rc, path, 0, NULL);
	return 0;
}

/* An xlsx layout: header rows, a row per transfer, trailer rows. */
static int
write_xlsx_group(struct run *r, struct group *g)
{
	const struct payroll_layout_record *detail =
		payroll_layout_record(r->layout, PAYROLL_REC_DETAIL, 0);
	struct payroll_layout_values v;
	struct payroll_xlsxout *x;
	struct transfer *t = &r->t;
	long count = 0;
	int64_t total = 0;
	int rc;

	period_values(r, &v);
	v.num[PAYROLL_SRC_COUNT] = g->count;
	v.num[PAYROLL_SRC_TOTAL] = g->total;
	if ((rc = payroll_xlsxout_open(&x, g->path, r->period, r->err)) != 0)
		return rc;
	if ((rc = xlsx_rows(r, x, PAYROLL_REC_HEADER, &v, g->path)) == 0)
		rc = spool_rewind(r, g);
	while (rc == 0 && (rc = read_spool(r, g, t)) == 1) {
		if ((rc = transfer_values(r, t, &v)) != 0)
			break;
		if ((rc = payroll_xlsxout_row(x, detail, &v, r->err)) != 0) {
			rc = place_error(r, rc, r->ledger_path, (long)t->h.line, t->str[T_CASE]);
			break;
		}
		count++;
		if (payroll_add(total, t->h.amount, &total))
			rc = payroll_error_set(r->err, PAYROLL_EOVERFLOW, g->path, 0, 0,
					       "overflow", "the total does not fit");
	}
	if (rc == 0)
		rc = verify_totals(r, g, count, total);
	v.num[PAYROLL_SRC_COUNT] = count;
	v.num[PAYROLL_SRC_TOTAL] = total;
	if (rc == 0)
		rc = xlsx_rows(r, x, PAYROLL_REC_TRAILER, &v, g->path);
	if (rc) {
		payroll_xlsxout_abort(x);
		return rc;
	}
	return payroll_xlsxout_finish(x, g->out, r->err);
}

static int
write_layout_group(struct run *r, struct group *g)
{
	const struct payroll_layout_record *detail =
		payroll_layout_record(r->layout, PAYROLL_REC_DETAIL, 0);
	struct payroll_layout_values v;
	struct transfer *t = &r->t;
	long count = 0;
	int64_t total = 0;
	uint64_t cut;
	int rc;

	period_values(r, &v);
	v.num[PAYROLL_SRC_COUNT] = g->count;
	v.num[PAYROLL_SRC_TOTAL] = g->total;
	if ((rc = write_records(r, g->out, PAYROLL_REC_HEADER, &v)) != 0 ||
	    (rc = spool_rewind(r, g)) != 0)
		return rc;
	while ((rc = read_spool(r, g, t)) == 1) {
		if ((rc = transfer_values(r, t, &v)) != 0)
			return rc;
		payroll_buf_reset(&r->rec);
		rc = payroll_layout_format(r->layout, detail, &v, &r->rec, &cut, r->err);
		if (rc)
			return place_error(r, rc, r->ledger_path, (long)t->h.line, t->str[T_CASE]);
		if (cut)
			report_cuts(r, t, detail, cut, &v);
		if (payroll_outfile_write(g->out, r->rec.p, r->rec.len))
			return payroll_error_errno(r->err, PAYROLL_EIO, g->path, "cannot write");
		count++;
		if (payroll_add(total, t->h.amount, &total))
			return payroll_error_set(r->err, PAYROLL_EOVERFLOW, g->path, 0, 0,
						 "overflow", "the total does not fit");
	}
	if (rc < 0)
		return rc;
	if ((rc = verify_totals(r, g, count, total)) != 0)
		return rc;
	/* trailer and control carry the totals just recounted (equal by now) */
	v.num[PAYROLL_SRC_COUNT] = count;
	v.num[PAYROLL_SRC_TOTAL] = total;
	if ((rc = write_records(r, g->out, PAYROLL_REC_TRAILER, &v)) != 0)
		return rc;
	if (g->ctl)
		rc = write_records(r, g->ctl, PAYROLL_REC_CONTROL, &v);
	return rc;
}

/* ---- pain.001.001.09 ---- */

struct payer {
	char name[280];
	char account[40];
	char bic[16];
	char cnaps[16];
	char bank_name[280];
	char date[16];		/* YYYY-MM-DD */
	char created[32];	/* YYYY-MM-DDThh:mm:ss */
	char msgid[40];
	char pmtid[40];
	char prefix[16];	/* message-id-prefix */
	char day[4];		/* execution-day, 1..31 */
	unsigned seen;
	long line[11];		/* where each key was set, by payer_keys index */
};

/* payer_keys indexes the checks refer to */
enum {
	PK_NAME, PK_ACCOUNT, PK_BIC, PK_CNAPS, PK_BANK_NAME, PK_DATE, PK_CREATED,
	PK_MSGID, PK_PMTID, PK_PREFIX, PK_DAY
};
#define PREFIX_MAX 13	/* PREFIX-YYYYMM-HHHHHHHHHHHH-1 fits Max35Text */
#define ID_HASH_HEX 12

static const struct {
	const char *key;
	size_t off, size;
} payer_keys[] = {
	{ "name", offsetof(struct payer, name), sizeof ((struct payer *)0)->name },
	{ "account", offsetof(struct payer, account), sizeof ((struct payer *)0)->account },
	{ "bic", offsetof(struct payer, bic), sizeof ((struct payer *)0)->bic },
	{ "cnaps", offsetof(struct payer, cnaps), sizeof ((struct payer *)0)->cnaps },
	{ "bank-name", offsetof(struct payer, bank_name), sizeof ((struct payer *)0)->bank_name },
	{ "execution-date", offsetof(struct payer, date), sizeof ((struct payer *)0)->date },
	{ "created", offsetof(struct payer, created), sizeof ((struct payer *)0)->created },
	{ "message-id", offsetof(struct payer, msgid), sizeof ((struct payer *)0)->msgid },
	{ "payment-id", offsetof(struct payer, pmtid), sizeof ((struct payer *)0)->pmtid },
	{ "message-id-prefix", offsetof(struct payer, prefix), sizeof ((struct payer *)0)->prefix },
	{ "execution-day", offsetof(struct payer, day), sizeof ((struct payer *)0)->day },
};

static int
all_in(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int
valid_date(const char *d)
{
	int y, m, day;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + d[3] - '0';
	m = (d[5] - '0') * 10 + d[6] - '0';
	day = (d[8] - '0') * 10 + d[9] - '0';
	return y >= 1900 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static int
valid_datetime(const char *s)
{
	char d[11];

	if (strlen(s) != 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return 0;
	memcpy(d, s, 10);
	d[10] = '\0';
	for (int i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return valid_date(d) && (s[11] - '0') * 10 + s[12] - '0' < 24 &&
	       (s[14] - '0') * 10 + s[15] - '0' < 60 && (s[17] - '0') * 10 + s[18] - '0' < 60;
}

static int
payer_error(struct payroll_error *err, const char *path, long line, const char *code,
	    const char *msg)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, path, line, 0, code, "%s", msg);
}

/* Two digits at most, checked by the caller. */
static int
atoi_day(const char *v)
{
	return v[1] ? (v[0] - '0') * 10 + v[1] - '0' : v[0] - '0';
}

static int
parse_payer_line(struct payer *p, const char *path, long ln, char *s,
		 struct payroll_error *err)
{
	char *eq = strchr(s, '='), *k, *v, *e;
	size_t i;

	if (!eq)
		return payer_error(err, path, ln, "bad-line", "expected KEY = VALUE");
	for (e = eq; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	k = s;
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	for (i = 0; i < sizeof payer_keys / sizeof *payer_keys; i++)
		if (!strcmp(k, payer_keys[i].key))
			break;
	if (i == sizeof payer_keys / sizeof *payer_keys)
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "unknown-key",
					 "'%s' is not a payer key", k);
	if (p->seen & (1u << i))
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "duplicate-key",
					 "'%s' is set twice", k);
	p->seen |= 1u << i;
	p->line[i] = ln;
	if (!*v || strlen(v) >= payer_keys[i].size)
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
					 "%s: 1 to %zu bytes", k, payer_keys[i].size - 1);
	memcpy((char *)p + payer_keys[i].off, v, strlen(v) + 1);
	switch (i) {
	case PK_ACCOUNT:
		if (!all_in(v, DIGITS UPPER) || strlen(v) > 34)
			return payer_error(err, path, ln, "bad-value",
					   "account: 1 to 34 digits or capital letters");
		break;
	case PK_BIC:
		if ((strlen(v) != 8 && strlen(v) != 11) || !all_in(v, DIGITS UPPER) ||
		    !all_in((char[]){ v[4], v[5], 0 }, UPPER))
			return payer_error(err, path, ln, "bad-value", "bic: 8 or 11 characters, e.g. ICBKCNBJXXX");
		break;
	case PK_CNAPS:
		if (strlen(v) != 12 || !all_in(v, DIGITS))
			return payer_error(err, path, ln, "bad-value", "cnaps: 12 digits");
		break;
	case PK_DATE:
		if (!valid_date(v))
			return payer_error(err, path, ln, "bad-value", "execution-date: YYYY-MM-DD");
		break;
	case PK_CREATED:
		if (!valid_datetime(v))
			return payer_error(err, path, ln, "bad-value", "created: YYYY-MM-DDThh:mm:ss");
		break;
	case PK_PREFIX:
		if (strlen(v) > PREFIX_MAX || !all_in(v, DIGITS UPPER "abcdefghijklmnopqrstuvwxyz-"))
			return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
						 "message-id-prefix: 1 to %d letters, digits or -",
						 PREFIX_MAX);
		break;
	case PK_DAY:
		if (!all_in(v, DIGITS) || strlen(v) > 2 || atoi_day(v) < 1 || atoi_day(v) > 31)
			return payer_error(err, path, ln, "bad-value",
					   "execution-day: a day of the month, 1 to 31");
		break;
	case PK_MSGID:
	case PK_PMTID:
		if (strlen(v) > 35 || !all_in(v, DIGITS UPPER "abcdefghijklmnopqrstuvwxyz-_./"))
			return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
						 "%s: 1 to 35 letters, digits or -_./", k);
		break;
	}
	return 0;
}

static int
load_payer(struct payer *p, const char *path, struct payroll_error *err)
{
	char buf[PAYER_FILE_MAX + 1], *s, *nl, *end;
	size_t n = 0;
	ssize_t got;
	long ln = 0;
	int fd, rc;

	memset(p, 0, sizeof *p);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open payer file");
	while ((got = read(fd, buf + n, sizeof buf - 1 - n)) > 0 || (got < 0 && errno == EINTR))
		if (got > 0 && (n += (size_t)got) == sizeof buf - 1)
			break;
	close(fd);
	if (got < 0)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot read payer file");
	if (n == sizeof buf - 1)
		return payer_error(err, path, 0, "bad-payer", "a payer file is at most 64 KiB");
	buf[n] = '\0';
	if (memchr(buf, '\0', n))
		return payer_error(err, path, 0, "bad-payer", "a payer file is text");
	for (s = buf, end = buf + n; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		*nl = '\0';
		ln++;
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if ((rc = parse_payer_line(p, path, ln, s, err)) != 0)
			return rc;
	}
	if (!p->name[0] || !p->account[0])
		return payer_error(err, path, 0, "missing-key", "a payer file needs name and account");
	if (!p->bic[0] && !p->cnaps[0])
		return payer_error(err, path, 0, "missing-key", "a payer file needs bic or cnaps");
	if (p->prefix[0] && (p->msgid[0] || p->pmtid[0]))
		return payer_error(err, path, p->line[p->msgid[0] ? PK_MSGID : PK_PMTID],
				   "conflicting-keys",
				   "message-id or payment-id fixes what message-id-prefix derives: keep "
				   "message-id-prefix only");
	if (p->day[0] && p->date[0])
		return payer_error(err, path, p->line[PK_DATE], "conflicting-keys",
				   "execution-date fixes what execution-day derives: keep execution-day only");
	if (!p->prefix[0] && !p->msgid[0])
		return payer_error(err, path, 0, "missing-key",
				   "a payer file needs message-id-prefix (MsgId and PmtInfId are "
				   "derived from it, the period and the transfers)");
	if (!p->day[0] && !p->date[0])
		return payer_error(err, path, 0, "missing-key",
				   "a payer file needs execution-day (the day of the period's month "
				   "the bank pays)");
	if (!p->created[0] && p->date[0])
		snprintf(p->created, sizeof p->created, "%sT00:00:00", p->date);
	if (p->msgid[0] && !p->pmtid[0])
		memcpy(p->pmtid, p->msgid, sizeof p->pmtid);
	return 0;
}

int
payroll_payer_check_derived(const char *path, struct payroll_error *err)
{
	struct payer *p = malloc(sizeof *p);
	int rc;

	if (!p)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	rc = load_payer(p, path, err);
	if (rc == 0 && p->msgid[0] && p->seen & (1u << PK_MSGID))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_MSGID], 0, "fixed-id",
				       "message-id = %s fixes the bank message id, and a bank refuses "
				       "an id used before: write message-id-prefix = PREFIX instead "
				       "(1 to %d letters, digits or -; MsgId is PREFIX-YYYYMM-HASH, "
				       "from the period and the transfers)", p->msgid, PREFIX_MAX);
	else if (rc == 0 && p->seen & (1u << PK_PMTID))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_PMTID], 0, "fixed-id",
				       "payment-id = %s fixes PmtInfId: remove it (PmtInfId is derived "
				       "with MsgId from message-id-prefix)", p->pmtid);
	else if (rc == 0 && p->date[0])
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_DATE], 0, "fixed-date",
				       "execution-date = %s is stale next month: write execution-day "
				       "= %d instead (that day of each period's month)",
				       p->date, atoi_day(p->date + 8));
	else if (rc == 0 && p->seen & (1u << PK_CREATED))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_CREATED], 0,
				       "fixed-date",
				       "created = %s is stale next month: remove it (CreDtTm is the "
				       "period's first day at 00:00:00)", p->created);
	free(p);
	return rc;
}

struct xmlsink {
	struct payroll_outfile *out;
	int failed_errno;	/* the write(2) error that stopped the writer */
};

static int
xml_write(void *ctx, const char *buf, int len)
{
	struct xmlsink *s = ctx;

	if (payroll_outfile_write(s->out, buf, (size_t)len)) {
		if (!s->failed_errno)
			s->failed_errno = errno ? errno : EIO;
		return -1;
	}
	return len;
}

static int
xml_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* libxml2 reports a failed write on stderr itself; the library never
 * prints (the error is returned with the file and errno instead). */
static void
xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

#define X(call) do { if ((call) < 0) goto xml_fail; } while (0)
#define EL(name, text) X(xmlTextWriterWriteElement(w, BAD_CAST (name), BAD_CAST (text)))
#define START(name) X(xmlTextWriterStartElement(w, BAD_CAST (name)))
#define END() X(xmlTextWriterEndElement(w))

static int
write_agent(xmlTextWriterPtr w, const char *bic, const char *cnaps, const char *other,
	    const char *name)
{
	START("FinInstnId");
	if (bic && *bic)
		EL("BICFI", bic);
	if (cnaps && *cnaps) {
		START("ClrSysMmbId");
		START("ClrSysId");
		EL("Cd", "CNAPS");
		END();
		EL("MmbId", cnaps);
		END();
	}
	if (name && *name)
		EL("Nm", name);
	if (other && *other) {
		START("Othr");
		EL("Id", other);
		END();
	}
	END();
	return 0;
xml_fail:
	return -1;
}

static int
write_account(xmlTextWriterPtr w, const char *id, int ccy)
{
	START("Id");
	START("Othr");
	EL("Id", id);
	END();
	END();
	if (ccy)
		EL("Ccy", "CNY");
	return 0;
xml_fail:
	return -1;
}

struct pain_ids {
	char msgid[80], pmtid[80];
	char date[16];		/* YYYY-MM-DD */
	char created[32];	/* YYYY-MM-DDThh:mm:ss */
};

/* SHA-256 of the group's transfers as lines SEQ,BANK,ACCOUNT,ACCOUNT_NAME,
 * AMOUNT,REFERENCE (LF), in file order: what the message pays. */
static int
transfers_digest(struct run *r, struct group *g, unsigned char md[32])
{
	EVP_MD_CTX *ctx;
	struct transfer *t = &r->t;
	char money[PAYROLL_MONEY_MAX], seq[24];
	unsigned int mdlen = 0;
	int rc, ok;

	if ((rc = spool_rewind(r, g)) != 0)
		return rc;
	if (!(ctx = EVP_MD_CTX_new()))
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	while (ok && (rc = read_spool(r, g, t)) == 1) {
		const char *ref = make_ref(r, t);
		const char *f[6] = { seq, t->str[T_BANK], t->str[T_ACCOUNT],
				     t->str[T_ACCOUNT_NAME], money, ref };
		int i;

		if (!ref) {
			EVP_MD_CTX_free(ctx);
			return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
		}
		snprintf(seq, sizeof seq, "%lld", (long long)t->h.seq);
		payroll_money_format(t->h.amount, money);
		for (i = 0; i < 6 && ok; i++)
			ok = EVP_DigestUpdate(ctx, f[i], strlen(f[i])) == 1 &&
			     EVP_DigestUpdate(ctx, i < 5 ? "," : "\n", 1) == 1;
	}
	if (ok && rc < 0) {
		EVP_MD_CTX_free(ctx);
		return rc;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	rewind(g->spool);
	return ok ? 0 : payroll_error_set(r->err, PAYROLL_EINTERNAL, NULL, 0, 0, "crypto",
					  "sha-256 failed");
}

/*
 * The group's message ids and dates (payroll-bankfile(1)): derived from
 * message-id-prefix, the period and the transfers, and from
 * execution-day; or, where the payer file fixes them, as it says.
 */
static int
pain_ids(struct run *r, struct group *g, struct pain_ids *ids)
{
	const struct payer *p = r->payer;
	unsigned char md[32];
	int rc, last, day, i;

	memset(ids, 0, sizeof *ids);
	if (p->prefix[0]) {
		char hex[ID_HASH_HEX + 1];

		if ((rc = transfers_digest(r, g, md)) != 0)
			return rc;
		for (i = 0; i < ID_HASH_HEX / 2; i++)
			snprintf(hex + 2 * i, 3, "%02X", md[i]);
		snprintf(ids->msgid, sizeof ids->msgid, "%s-%s-%s", p->prefix,
			 r->period_compact, hex);
		snprintf(ids->pmtid, sizeof ids->pmtid, "%s-%s-%s-1", p->prefix,
			 r->period_compact, hex);
	} else if (snprintf(ids->msgid, sizeof ids->msgid, "%s%s%s", p->msgid,
			    g->bank ? "-" : "", g->bank ? g->bank : "") > 35 ||
		   snprintf(ids->pmtid, sizeof ids->pmtid, "%s%s%s", p->pmtid,
			    g->bank ? "-" : "", g->bank ? g->bank : "") > 35) {
		return payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->payer, 0, 0, "field-overflow",
					 "message-id or payment-id with -%s is longer than 35",
					 g->bank ? g->bank : "");
	}
	if (p->date[0]) {
		memcpy(ids->date, p->date, sizeof p->date);
	} else {
		last = atoi_day(r->period_last + 6);
		day = atoi_day(p->day);
		snprintf(ids->date, sizeof ids->date, "%s-%02d", r->period,
			 day < last ? day : last);
	}
	if (p->created[0])
		memcpy(ids->created, p->created, sizeof p->created);
	else
		snprintf(ids->created, sizeof ids->created, "%s-01T00:00:00", r->period);
	return 0;
}

static int
write_pain_group(struct run *r, struct group *g)
{
	const struct payer *p = r->payer;
	struct xmlsink sink = { g->out, 0 };
	xmlOutputBufferPtr ob;
	xmlTextWriterPtr w;
	struct transfer *t = &r->t;
	char money[PAYROLL_MONEY_MAX];
	struct pain_ids ids;
	long count = 0;
	int64_t total = 0;
	xmlGenericErrorFunc old_handler;
	void *old_ctx;
	int rc = 0, is_cnaps;

	if ((rc = pain_ids(r, g, &ids)) != 0)
		return rc;
	ob = xmlOutputBufferCreateIO(xml_write, xml_close, &sink, NULL);
	if (!ob)
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, g->path, "cannot start xml");
	w = xmlNewTextWriter(ob);
	if (!w) {
		xmlOutputBufferClose(ob);
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, g->path, "cannot start xml");
	}
	old_handler = xmlGenericError;
	old_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, xml_quiet);
	X(xmlTextWriterSetIndent(w, 1));
	X(xmlTextWriterSetIndentString(w, BAD_CAST "  "));
	X(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	START("Document");
	X(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
				      BAD_CAST "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"));
	START("CstmrCdtTrfInitn");
	START("GrpHdr");
	EL("MsgId", ids.msgid);
	EL("CreDtTm", ids.created);
	X(xmlTextWriterWriteFormatElement(w, BAD_CAST "NbOfTxs", "%ld", g->count));
	payroll_money_format(g->total, money);
	EL("CtrlSum", money);
	START("InitgPty");
	EL("Nm", p->name);
	END();
	END();
	START("PmtInf");
	EL("PmtInfId", ids.pmtid);
	EL("PmtMtd", "TRF");
	X(xmlTextWriterWriteFormatElement(w, BAD_CAST "NbOfTxs", "%ld", g->count));
	EL("CtrlSum", money);
	START("ReqdExctnDt");
	EL("Dt", ids.date);
	END();
	START("Dbtr");
	EL("Nm", p->name);
	END();
	START("DbtrAcct");
	X(write_account(w, p->account, 1));
	END();
	START("DbtrAgt");
	X(write_agent(w, p->bic, p->cnaps, NULL, p->bank_name));
	END();
	if ((rc = spool_rewind(r, g)) != 0) {
		xmlFreeTextWriter(w);
		xmlSetGenericErrorFunc(old_ctx, old_handler);
		return rc;
	}
	while ((rc = read_spool(r, g, t)) == 1) {
		const char *ref = make_ref(r, t);

		if (!ref) {
			rc = payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
			break;
		}
		if (strlen(ref) > 35 || utf8_chars(t->str[T_ACCOUNT_NAME]) > 140) {
			rc = line_error(r, (long)t->h.line, PAYROLL_EFORMAT, "field-overflow",
					"case %s: reference '%s' over 35 or account_name over 140 "
					"characters", t->str[T_CASE], ref);
			break;
		}
		START("CdtTrfTxInf");
		START("PmtId");
		X(xmlTextWriterWriteFormatElement(w, BAD_CAST "InstrId", "%lld",
						  (long long)t->h.seq));
		EL("EndToEndId", ref);
		END();
		START("Amt");
		START("InstdAmt");
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "Ccy", BAD_CAST "CNY"));
		payroll_money_format(t->h.amount, money);
		X(xmlTextWriterWriteString(w, BAD_CAST money));
		END();
		END();
		is_cnaps = strlen(t->str[T_BANK]) == 12 && all_in(t->str[T_BANK], DIGITS);
		START("CdtrAgt");
		X(write_agent(w, NULL, is_cnaps ? t->str[T_BANK] : NULL,
			      is_cnaps ? NULL : t->str[T_BANK], NULL));
		END();
		START("Cdtr");
		EL("Nm", t->str[T_ACCOUNT_NAME]);
		END();
		START("CdtrAcct");
		X(write_account(w, t->str[T_ACCOUNT], 0));
		END();
		START("RmtInf");
		EL("Ustrd", ref);
		END();
		END();
		count++;
		if (payroll_add(total, t->h.amount, &total)) {
			rc = payroll_error_set(r->err, PAYROLL_EOVERFLOW, g->path, 0, 0,
					       "overflow", "the total does not fit");
			break;
		}
	}
	if (rc == 0)
		rc = verify_totals(r, g, count, total);
	if (rc == 0) {
		X(xmlTextWriterEndDocument(w));
		X(xmlTextWriterFlush(w));
	}
	xmlFreeTextWriter(w);
	xmlSetGenericErrorFunc(old_ctx, old_handler);
	return rc;
xml_fail:
	/* rc is 0, or 1 inside the transfer loop: no error is set yet */
	xmlFreeTextWriter(w);
	xmlSetGenericErrorFunc(old_ctx, old_handler);
	errno = sink.failed_errno ? sink.failed_errno : EIO;
	return payroll_error_errno(r->err, PAYROLL_EIO, g->path, "cannot write");
}

/* ---- the whole run ---- */

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->bank ? x->bank : "", y->bank ? y->bank : "");

	return c ? c : (x->part > y->part) - (x->part < y->part);
}

/* With limits, every file is numbered, even one alone: BANK-001 or 001
 * becomes the group's name part in its paths and message ids. */
static int
name_parts(struct run *r)
{
	size_t i;

	if (r->o->max_count <= 0 && r->o->max_amount <= 0)
		return 0;
	for (i = 0; i < r->ng; i++) {
		struct group *g = &r->g[i];
		char name[160];

		snprintf(name, sizeof name, "%s%s%03d", g->bank ? g->bank : "", g->bank ? "-" : "",
			 g->part + 1);
		free(g->bank);
		if (!(g->bank = strdup(name)))
			return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

static int
open_outputs(struct run *r, struct group *g)
{
	const char *suffix = r->layout ? payroll_layout_control_suffix(r->layout) : "";
	int rc;

	if (!strcmp(r->o->output, "-")) {
		if (r->o->split_by_bank || *suffix || r->ng > 1)
			return payroll_error_set(r->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
						 "-o - writes one file; this layout or --split-by "
						 "writes several");
		snprintf(g->path, sizeof g->path, "-");
	} else if (derive_path(g->path, sizeof g->path, r->o->output, g->bank, "")) {
		return payroll_error_set(r->err, PAYROLL_EUSAGE, r->o->output, 0, 0, "io",
					 "output path too long");
	}
	if (*suffix && derive_path(g->ctlpath, sizeof g->ctlpath, r->o->output, g->bank, suffix))
		return payroll_error_set(r->err, PAYROLL_EUSAGE, r->o->output, 0, 0, "io",
					 "output path too long");
	{
		const char *layout = strpbrk(r->o->layout, "/.") ? r->o->layout : NULL;
		const char *in[] = { r->o->ledger, r->o->payer, layout };
		const char *out[] = { g->path, *suffix ? g->ctlpath : NULL };

		if ((rc = payroll_outfile_check_paths(in, 3, out, 2, r->err)) != 0)
			return rc;
	}
	if ((rc = payroll_outfile_open(&g->out, g->path, 0, r->err)) != 0)
		return rc;
	if (*suffix && (rc = payroll_outfile_open(&g->ctl, g->ctlpath, 0, r->err)) != 0)
		return rc;
	return 0;
}

/* Commit every file, or none: a rename that fails after others succeeded
 * removes those again. */
static int
commit_all(struct run *r)
{
	struct payroll_outfile **all = calloc(2 * r->ng + 1, sizeof *all);
	size_t i, n = 0;
	int rc;

	if (!all)
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	for (i = 0; i < r->ng; i++) {
		struct group *g = &r->g[i];

		r->res->files += (g->out != NULL) + (g->ctl != NULL);
		all[n++] = g->out;
		all[n++] = g->ctl;
		g->out = g->ctl = NULL;
	}
	rc = payroll_outfile_commit_all(all, n, r->err);
	if (rc)
		r->res->files = 0;
	free(all);
	return rc;
}

static int
load_layout(struct run *r)
{
	const char *name = r->o->layout;

	if (!strcmp(name, "pain001")) {
		if (!r->o->payer)
			return payroll_error_set(r->err, PAYROLL_EUSAGE, NULL, 0, 0, "missing-payer",
						 "layout pain001 needs --payer FILE");
		r->payer = malloc(sizeof *r->payer);
		if (!r->payer)
			return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
		return load_payer(r->payer, r->o->payer, r->err);
	}
	if (r->o->payer)
		return payroll_error_set(r->err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "--payer applies to layout pain001 only");
	if (strchr(name, '/') || strchr(name, '.'))
		return payroll_layout_load(&r->layout, name, r->err);
	return payroll_layout_builtin(&r->layout, name, r->err);
}

int
payroll_bankfile(const struct payroll_bankfile_opts *o,
		 struct payroll_bankfile_result *res, struct payroll_error *err)
{
	struct run r;
	size_t i;
	int rc;

	memset(res, 0, sizeof *res);
	payroll_error_clear(err);
	if (!o->ledger || !o->layout || !o->output)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "ledger, layout and output are required");
	memset(&r, 0, sizeof r);
	r.o = o;
	r.res = res;
	r.err = err;
	r.ledger_path = o->ledger;
	r.g = calloc(MAX_GROUPS, sizeof *r.g);
	if (!r.g)
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	rc = load_layout(&r);
	if (rc == 0)
		rc = read_ledger(&r);
	if (rc == 0) {
		long n = 0;
		int64_t sum = 0;

		for (i = 0; i < r.ng && rc == 0; i++) {
			n += r.g[i].count;
			rc = payroll_add(sum, r.g[i].total, &sum);
		}
		if (rc == 0 && (n != r.nt || sum != r.line_total))
			rc = payroll_error_set(err, PAYROLL_EINTERNAL, r.ledger_path, 0, 0,
					       "control-mismatch",
					       "transfers (%ld, %lld fen) disagree with the ledger lines "
					       "(%ld, %lld fen)", n, (long long)sum, r.nt,
					       (long long)r.line_total);
		else if (rc)
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, r.ledger_path, 0, 0,
					       "overflow", "the total does not fit");
	}
	if (rc == 0)
		qsort(r.g, r.ng, sizeof *r.g, cmp_group);
	if (rc == 0)
		rc = name_parts(&r);
	for (i = 0; rc == 0 && i < r.ng; i++) {
		rc = open_outputs(&r, &r.g[i]);
		if (rc == 0)
			rc = !r.layout ? write_pain_group(&r, &r.g[i]) :
			     payroll_layout_format_of(r.layout) == PAYROLL_LAYOUT_XLSX ?
			     write_xlsx_group(&r, &r.g[i]) : write_layout_group(&r, &r.g[i]);
	}
	if (rc == 0)
		rc = commit_all(&r);
	if (rc == 0) {
		res->transfers = r.nt;
		res->total = r.line_total;
		for (i = 0; o->on_file && i < r.ng; i++)
			o->on_file(o->file_ctx, r.g[i].path, r.g[i].count, r.g[i].total);
	}
	for (i = 0; i < r.ng; i++) {
		payroll_outfile_abort(r.g[i].out);
		payroll_outfile_abort(r.g[i].ctl);
		if (r.g[i].spool)
			fclose(r.g[i].spool);
		free(r.g[i].bank);
	}
	free(r.g);
	payroll_buf_release(&r.t.s);
	payroll_buf_release(&r.rec);
	payroll_buf_release(&r.ref);
	payroll_layout_free(r.layout);
	free(r.payer);
	return rc;
}
