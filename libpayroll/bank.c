/* SPDX-License-Identifier: Apache-2.0 */
#include "bank.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ident.h"
#include "layout.h"
#include "layout_builtin.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "pain001.h"
#include "transfers.h"
#include "xlsxout.h"
#include "banned.h"

#define MAX_GROUPS 512

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
	struct payroll_transfer x;	/* the same, as a transfer */
};

struct group {
	char *bank;		/* NULL when not split by bank; with limits, the
				 * file's name part "BANK-001" or "001" once read */
	int part;		/* 0, 1... within its bank when files are limited */
	FILE *spool;		/* its transfers, or with formatted records
				 * (run.formatted) those records' bytes */
	FILE *events;		/* formatted: the cuts and the first layout
				 * error, each with its place in the spool */
	uint64_t spooled;	/* formatted: bytes in the spool */
	int failed;		/* formatted: a layout error is held */
	struct payroll_pain001_digest *digest;	/* pain001 with derived ids */
	long count, fcount;	/* transfers; records formatted into the spool */
	int64_t total, ftotal;
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
	struct payroll_payer *payer;
	char period[8];
	char period_compact[8], period_first[12], period_last[12];
	struct group *g;
	size_t ng;
	size_t last;
	struct transfer t;
	int formatted;			/* detail records formatted in pass one */
	int64_t line_total;		/* sum of every ledger line */
	long nt;
	struct payroll_buf rec, ref;
	struct payroll_layout_values v;	/* formatted: pass one's values */
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

/* Back to the start of a group's spool for reading: its buffered writes
 * flushed first, so a disk that filled while spooling is an error here
 * (named, with errno) and not a short read that looks like no transfers. */
static int
spool_error(struct run *r)
{
	return payroll_error_errno(r->err, PAYROLL_EIO, r->o->output,
				   "cannot write the temporary spool file (tmpfile(3)) of this bank file");
}

static int
spool_rewind(struct run *r, struct group *g)
{
	if (fflush(g->spool) != 0 || ferror(g->spool) ||
	    (g->events && (fflush(g->events) != 0 || ferror(g->events))))
		return spool_error(r);
	rewind(g->spool);
	if (g->events)
		rewind(g->events);
	return 0;
}

static int format_detail(struct run *r, struct group *g, const struct payroll_transfer *x);
static void period_values(struct run *r, struct payroll_layout_values *v);

/* Spool one transfer: header, then its strings. */
static int
write_transfer(struct run *r, struct group *g, const struct payroll_transfer *x)
{
	struct transfer *t = &r->t;
	const char *v[T_NSTR] = {
		x->case_id, x->program, x->region, x->locality, x->name,
		x->id_number, x->bank, x->account, x->account_name,
	};
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
	if (fwrite(&t->h, sizeof t->h, 1, g->spool) != 1 ||
	    fwrite(t->s.p, t->s.len, 1, g->spool) != 1)
		return spool_error(r);
	return 0;
}

/* One transfer to its bank's group: spooled, or its record formatted. */
static int
spool_transfer(struct run *r, const struct payroll_transfer *x)
{
	struct group *g;
	int rc;

	if (r->o->max_amount > 0 && x->amount > r->o->max_amount) {
		char a[PAYROLL_MONEY_MAX], m[PAYROLL_MONEY_MAX];

		payroll_money_format(x->amount, a);
		payroll_money_format(r->o->max_amount, m);
		return line_error(r, x->line, PAYROLL_EFORMAT, "over-max-amount",
				  "case %s: one transfer of %s is above the most a file holds, %s, and a case is never split",
				  x->case_id, a, m);
	}
	g = find_group(r, x->bank, x->amount);
	if (!g)
		return line_error(r, x->line, errno == ENOMEM ? PAYROLL_ENOMEM : PAYROLL_EIO,
				  errno == ENOMEM ? "no-memory" : "io", "cannot open a spool file for bank %s (at most %d files)",
				  x->bank, MAX_GROUPS);
	/* derived message ids hash the transfers now, not in a second read */
	if (r->payer && g->count == 0 &&
	    (rc = payroll_pain001_digest_new(&g->digest, r->payer, r->err)) != 0)
		return rc;
	if ((rc = payroll_pain001_digest_add(g->digest, x, r->err)) != 0)
		return rc;
	rc = r->formatted ? format_detail(r, g, x) : write_transfer(r, g, x);
	if (rc)
		return rc;
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
		if (!r->period[0]) {
			set_period(r, x.period);
			period_values(r, &r->v);
		}
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
	t->x.seq = t->h.seq;
	t->x.case_id = t->str[T_CASE];
	t->x.program = t->str[T_PROGRAM];
	t->x.bank = t->str[T_BANK];
	t->x.account = t->str[T_ACCOUNT];
	t->x.account_name = t->str[T_ACCOUNT_NAME];
	t->x.name = t->str[T_NAME];
	t->x.id_number = t->str[T_ID];
	t->x.region = t->str[T_REGION];
	t->x.locality = t->str[T_LOCALITY];
	t->x.period = r->period;
	t->x.temporary = (int)t->h.temporary;
	t->x.members = t->h.members;
	t->x.amount = t->h.amount;
	t->x.line = (long)t->h.line;
	t->x.nlines = t->h.nlines;
	return 1;
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

/* The warning for field i of rec, cut in t's record rendered from v. */
static void
cut_warning(struct run *r, const struct payroll_transfer *t,
	    const struct payroll_layout_field *f, const struct payroll_layout_values *v,
	    struct payroll_error *d)
{
	payroll_error_set(d, 0, r->ledger_path, t->line, 0, "truncated",
			  "case %s: %s '%s' cut to fit %zu bytes; check the bank accepts it",
			  t->case_id, f->source, v->text[f->src], f->width);
}

static void
report_cuts(struct run *r, const struct payroll_transfer *t,
	    const struct payroll_layout_record *rec, uint64_t cut,
	    const struct payroll_layout_values *v)
{
	struct payroll_error d;
	size_t i;

	for (i = 0; i < rec->nfields; i++) {
		if (!(cut & ((uint64_t)1 << i)))
			continue;
		r->res->warnings++;
		if (!r->o->diag)
			continue;
		cut_warning(r, t, &rec->fields[i], v, &d);
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
transfer_values(struct run *r, const struct payroll_transfer *t,
		struct payroll_layout_values *v)
{
	v->num[PAYROLL_SRC_SEQ] = t->seq;
	v->num[PAYROLL_SRC_AMOUNT] = t->amount;
	v->num[PAYROLL_SRC_LINES] = t->nlines;
	v->num[PAYROLL_SRC_MEMBERS] = t->members;
	v->text[PAYROLL_SRC_CASE_ID] = t->case_id;
	v->text[PAYROLL_SRC_PROGRAM] = t->program;
	v->text[PAYROLL_SRC_REGION] = t->region;
	v->text[PAYROLL_SRC_LOCALITY] = t->locality;
	v->text[PAYROLL_SRC_NAME] = t->name;
	v->text[PAYROLL_SRC_ID_NUMBER] = t->id_number;
	v->text[PAYROLL_SRC_BANK] = t->bank;
	v->text[PAYROLL_SRC_ACCOUNT] = t->account;
	v->text[PAYROLL_SRC_ACCOUNT_NAME] = t->account_name;
	if (payroll_transfer_ref(t, &r->ref))
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	v->text[PAYROLL_SRC_REF] = r->ref.p;
	return 0;
}

/* ---- detail records formatted in pass one ---- */

/*
 * When no detail record needs its file's totals (count, total), each
 * transfer's record is formatted as the ledger is read, into its group's
 * spool, and pass two copies those bytes between header and trailer: the
 * formatting overlaps the reading of the ledger (table.c's read-ahead
 * thread) instead of following it. What pass one cannot say yet, since
 * every ledger line is checked before a layout error or a cut is reported
 * and they come in the order of the files written, is held as an event
 * at its place in the spool (a tmpfile: memory does not grow with them)
 * and replayed there in pass two. A group's first layout error ends its
 * formatting: pass two stops at it.
 */
struct event {
	uint64_t at;		/* spool offset it comes before */
	int rc;			/* 0: a cut (warning), else the error's code */
	struct payroll_error e;
};

#define COPY_BLOCK (64 * 1024)

static int
hold_event(struct run *r, struct group *g, int rc, const struct payroll_error *e)
{
	struct event ev;

	/* field by field into zeroed memory: the bytes after each string's
	 * NUL in *e were never written, and the file gets every byte */
	memset(&ev, 0, sizeof ev);
	ev.at = g->spooled;
	ev.rc = rc;
	snprintf(ev.e.file, sizeof ev.e.file, "%s", e->file);
	ev.e.line = e->line;
	ev.e.column = e->column;
	snprintf(ev.e.code, sizeof ev.e.code, "%s", e->code);
	snprintf(ev.e.message, sizeof ev.e.message, "%s", e->message);
	snprintf(ev.e.option, sizeof ev.e.option, "%s", e->option);
	if (!g->events && !(g->events = tmpfile()))
		return spool_error(r);
	if (fwrite(&ev, sizeof ev, 1, g->events) != 1)
		return spool_error(r);
	return 0;
}

static int
format_detail(struct run *r, struct group *g, const struct payroll_transfer *x)
{
	const struct payroll_layout_record *detail =
		payroll_layout_record(r->layout, PAYROLL_REC_DETAIL, 0);
	struct payroll_error d;
	uint64_t cut;
	size_t i;
	int rc;

	if (g->failed)
		return 0;
	if ((rc = transfer_values(r, x, &r->v)) != 0)
		return rc;
	payroll_buf_reset(&r->rec);
	rc = payroll_layout_format(r->layout, detail, &r->v, &r->rec, &cut, r->err);
	if (rc == PAYROLL_ENOMEM)
		return place_error(r, rc, r->ledger_path, x->line, x->case_id);
	if (rc) {
		place_error(r, rc, r->ledger_path, x->line, x->case_id);
		g->failed = 1;
		rc = hold_event(r, g, rc, r->err);
		if (rc == 0)
			payroll_error_clear(r->err);
		return rc;
	}
	for (i = 0; cut && i < detail->nfields; i++)
		if (cut & ((uint64_t)1 << i)) {
			cut_warning(r, x, &detail->fields[i], &r->v, &d);
			if ((rc = hold_event(r, g, 0, &d)) != 0)
				return rc;
		}
	if (fwrite(r->rec.p, r->rec.len, 1, g->spool) != 1)
		return spool_error(r);
	g->spooled += r->rec.len;
	g->fcount++;
	if (payroll_add(g->ftotal, x->amount, &g->ftotal))
		return line_error(r, x->line, PAYROLL_EOVERFLOW, "overflow",
				  "the total of the bank file does not fit");
	return 0;
}

/* Pass two of a formatted group: its records copied to its file, each cut
 * held reported and a layout error held returned where they occurred. */
static int
copy_records(struct run *r, struct group *g)
{
	struct event ev;
	uint64_t at = 0, stop;
	size_t n;
	int more;

	if (payroll_buf_reserve(&r->rec, COPY_BLOCK))
		return payroll_error_errno(r->err, PAYROLL_ENOMEM, NULL, "out of memory");
	for (;;) {
		more = g->events && fread(&ev, sizeof ev, 1, g->events) == 1;
		if (g->events && !more && ferror(g->events))
			return payroll_error_errno(r->err, PAYROLL_EIO, NULL,
						   "cannot read spool file");
		stop = more ? ev.at : g->spooled;
		for (; at < stop; at += n) {
			n = stop - at < COPY_BLOCK ? (size_t)(stop - at) : COPY_BLOCK;
			if (fread(r->rec.p, 1, n, g->spool) != n)
				return payroll_error_set(r->err, PAYROLL_EIO, NULL, 0, 0, "io",
							 "spool file cut short");
			if (payroll_outfile_write(g->out, r->rec.p, n))
				return payroll_error_errno(r->err, PAYROLL_EIO, g->path,
							   "cannot write");
		}
		if (!more)
			return 0;
		if (ev.rc) {
			*r->err = ev.e;
			return ev.rc;
		}
		r->res->warnings++;
		if (r->o->diag)
			r->o->diag(r->o->diag_ctx, &ev.e);
	}
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
		if ((rc = transfer_values(r, &t->x, &v)) != 0)
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
	if (r->formatted) {
		if ((rc = copy_records(r, g)) != 0)
			return rc;
		count = g->fcount;
		total = g->ftotal;
	}
	while (!r->formatted && (rc = read_spool(r, g, t)) == 1) {
		if ((rc = transfer_values(r, &t->x, &v)) != 0)
			return rc;
		payroll_buf_reset(&r->rec);
		rc = payroll_layout_format(r->layout, detail, &v, &r->rec, &cut, r->err);
		if (rc)
			return place_error(r, rc, r->ledger_path, (long)t->h.line, t->str[T_CASE]);
		if (cut)
			report_cuts(r, &t->x, detail, cut, &v);
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

/* ---- pain.001: the group's spool as its transfers ---- */

struct pain_ctx {
	struct run *r;
	struct group *g;
};

static int
pain_rewind(void *ctx, struct payroll_error *err)
{
	struct pain_ctx *c = ctx;

	(void)err;	/* the run's, filled by spool_rewind */
	return spool_rewind(c->r, c->g);
}

static int
pain_next(void *ctx, struct payroll_transfer *t, struct payroll_error *err)
{
	struct pain_ctx *c = ctx;
	int rc;

	(void)err;
	rc = read_spool(c->r, c->g, &c->r->t);
	if (rc == 1)
		*t = c->r->t.x;
	return rc;
}

static int
write_pain_group(struct run *r, struct group *g)
{
	struct pain_ctx c = { r, g };
	struct payroll_pain001_source src = {
		r->ledger_path, g->path, g->bank, r->period, g->count, g->total,
		pain_rewind, pain_next, &c, g->digest,
	};

	return payroll_pain001_write(r->payer, &src, g->out, r->err);
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
			return payroll_error_option(r->err, PAYROLL_EUSAGE, "output", "usage",
						    "- writes one file; this layout or a split by bank "
						    "writes several");
		snprintf(g->path, sizeof g->path, "-");
	} else if (derive_path(g->path, sizeof g->path, r->o->output, g->bank, "")) {
		return payroll_error_set(r->err, PAYROLL_EIO, r->o->output, 0, 0, "io",
					 "output path too long");
	}
	if (*suffix && derive_path(g->ctlpath, sizeof g->ctlpath, r->o->output, g->bank, suffix))
		return payroll_error_set(r->err, PAYROLL_EIO, r->o->output, 0, 0, "io",
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
			return payroll_error_option(r->err, PAYROLL_EUSAGE, "payer", "missing-payer",
						    "FILE is needed by layout pain001");
		return payroll_payer_load(&r->payer, r->o->payer, r->err);
	}
	if (r->o->payer) {
		/* Read and checked, as a script passing it every month expects,
		 * but only pain001 writes the payer: no other layout uses it. */
		struct payroll_payer *unused = NULL;
		int rc = payroll_payer_load(&unused, r->o->payer, r->err);

		payroll_payer_free(unused);
		if (rc)
			return rc;
	}
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
	r.formatted = rc == 0 && r.layout &&
		      payroll_layout_format_of(r.layout) != PAYROLL_LAYOUT_XLSX &&
		      !payroll_layout_uses(r.layout, PAYROLL_REC_DETAIL, PAYROLL_SRC_COUNT) &&
		      !payroll_layout_uses(r.layout, PAYROLL_REC_DETAIL, PAYROLL_SRC_TOTAL);
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
		if (r.g[i].events)
			fclose(r.g[i].events);
		payroll_pain001_digest_free(r.g[i].digest);
		free(r.g[i].bank);
	}
	free(r.g);
	payroll_buf_release(&r.t.s);
	payroll_buf_release(&r.rec);
	payroll_buf_release(&r.ref);
	payroll_layout_free(r.layout);
	payroll_payer_free(r.payer);
	return rc;
}
