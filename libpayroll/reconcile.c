/* SPDX-License-Identifier: Apache-2.0 */
#include "reconcile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transfers.h"
#include "buf.h"
#include "hash.h"
#include "layout.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "roster.h"
#include "source.h"
#include "table.h"
#include "intl.h"
#include "banned.h"

enum { S_NONE, S_PAID, S_FAILED };
enum {
	F_AMOUNT = 1, F_ACCOUNT = 2, F_DUP = 4, F_SINCE = 8, F_PAID_ONCE = 16,
	F_HELD = 32,		/* an account failure whose account was not corrected */
	F_REPOINT = 64,		/* repaid to the corrected bank, account, account_name */
};

struct tr {
	int64_t seq, amount, bank_amount;
	size_t account, case_id, reason;	/* arena offsets */
	size_t bank, account_name;
	size_t now[3];		/* --roster/--grants: the case's current bank,
				 * account, account_name (arena offsets) */
	int found;		/* 0 not in the file, 1 found, -1 twice or invalid */
	long line;
	int nlines, temporary, results, state, flags;
};

struct rec {
	const struct payroll_reconcile_opts *o;
	struct payroll_reconcile_result *res;
	struct payroll_error *err;
	struct payroll_buf arena, unmatched;
	struct tr *t;
	size_t n, cap;
	uint64_t *since;	/* sorted case hashes of --paid-ledger */
	size_t nsince, since_cap;
	struct later *later;	/* results without a known seq, matched last */
	size_t nlater, later_cap;
	struct um *um;		/* unmatched results: their lines in unmatched */
	size_t num, um_cap;
};

/* A result matched by account and amount once every seq is taken. */
struct later {
	long line;
	int64_t amount;
	int status;
	size_t seq, account, reason;	/* arena offsets */
};

/* One report line of an unmatched result, in r->unmatched. */
struct um {
	long line;
	size_t off, len;
};

/* Copy s into the arena; s may itself lie in the arena, which the copy
 * can move (found by fuzz_reconcile: a seq-less failure's reason). */
static size_t
keep(struct rec *r, const char *s)
{
	size_t at = r->arena.len, n = strlen(s) + 1;
	uintptr_t p = (uintptr_t)s, base = (uintptr_t)r->arena.p;

	if (r->arena.p && p >= base && p < base + r->arena.len) {
		size_t off = (size_t)(p - base);

		if (payroll_buf_reserve(&r->arena, n))
			return (size_t)-1;
		s = r->arena.p + off;
	}
	return payroll_buf_add(&r->arena, s, n) ? (size_t)-1 : at;
}

static const char *
str(const struct rec *r, size_t off)
{
	return r->arena.p + off;
}

static uint64_t
case_key(const char *case_id, int temporary)
{
	return payroll_hash_bytes(case_id, strlen(case_id)) ^ (temporary ? 0x9e3779b97f4a7c15ULL : 0);
}

static int
add_transfer(struct rec *r, const struct payroll_transfer *x)
{
	struct tr *t;

	if (payroll_grow((void **)&r->t, r->n, &r->cap, sizeof *r->t))
		return PAYROLL_ENOMEM;
	t = &r->t[r->n];
	memset(t, 0, sizeof *t);
	t->seq = x->seq;
	t->amount = x->amount;
	t->line = x->line;
	t->nlines = x->nlines;
	t->temporary = x->temporary;
	t->account = keep(r, x->account);
	t->case_id = keep(r, x->case_id);
	t->bank = keep(r, x->bank);
	t->account_name = keep(r, x->account_name);
	if (t->account == (size_t)-1 || t->case_id == (size_t)-1 || t->bank == (size_t)-1 ||
	    t->account_name == (size_t)-1)
		return PAYROLL_ENOMEM;
	r->n++;
	r->res->transfers++;
	if (payroll_add(r->res->total, x->amount, &r->res->total))
		return payroll_error_set(r->err, PAYROLL_EOVERFLOW, r->o->ledger, x->line, 0,
					 "overflow", "the total of the transfers does not fit");
	return 0;
}

/* A line paid: its case (a temporary grant or not) and its month. */
static uint64_t
paid_key(const char *case_id, int temporary, const char *month)
{
	return case_key(case_id, temporary) ^
	       (payroll_hash_bytes(month, strlen(month)) * 0xff51afd7ed558ccdULL + 1);
}

/* Every line of a ledger paid since (--paid-ledger), by case and month. */
static int
read_paid(struct rec *r, const char *path)
{
	struct payroll_ledger_reader *lr;
	struct payroll_ledger_line l;
	int rc = payroll_ledger_open(&lr, path, r->err);

	while (rc == 0 && (rc = payroll_ledger_next(lr, &l, r->err)) == 1) {
		rc = 0;
		if (payroll_grow((void **)&r->since, r->nsince, &r->since_cap, sizeof *r->since)) {
			rc = PAYROLL_ENOMEM;
			break;
		}
		r->since[r->nsince++] = paid_key(l.case_id, !strcmp(l.program, "temporary"), l.month);
	}
	payroll_ledger_close(lr);
	return rc;
}

/* Each transfer of the ledger at path, exactly as bankfile numbers it. */
static int
read_transfers(struct rec *r, const char *path,
	       int (*add)(struct rec *, const struct payroll_transfer *))
{
	struct payroll_transfers *tr;
	struct payroll_transfer x;
	int rc = payroll_transfers_open(&tr, path, r->err);

	while (rc == 0 && (rc = payroll_transfers_next(tr, &x, r->err)) == 1)
		rc = add(r, &x);
	payroll_transfers_close(tr);
	return rc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

enum { C_SEQ, C_ACCOUNT, C_NAME, C_AMOUNT, C_STATUS, C_REASON, C_NCOLS };

static const struct payroll_column result_cols[C_NCOLS] = {
	{ "seq", "序号", 0 },
	{ "account", "账号", PAYROLL_COL_REQUIRED },
	{ "account_name", "户名", 0 },
	{ "amount", "金额", PAYROLL_COL_REQUIRED },
	{ "status", "状态", PAYROLL_COL_REQUIRED },
	{ "reason", "原因", 0 },
};

static int
parse_status(const char *s)
{
	static const char *const paid[] = { "paid", "success", "ok", "成功", "已入账", NULL };
	static const char *const failed[] = { "failed", "fail", "失败", "退回", "error", NULL };
	char low[32];
	int i;

	/* ASCII words in any case ("PAID", "Success"); Chinese as it is */
	for (i = 0; s[i] && i < (int)sizeof low - 1; i++)
		low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	if (s[i])
		return -1;
	low[i] = '\0';
	for (i = 0; paid[i]; i++)
		if (!strcmp(low, paid[i]))
			return S_PAID;
	for (i = 0; failed[i]; i++)
		if (!strcmp(low, failed[i]))
			return S_FAILED;
	return -1;
}

/* One result of the bank's file, whichever its format. */
struct result {
	long line;
	const char *v[C_NCOLS];	/* NUL-terminated; "" when absent */
	int col[C_NCOLS];	/* 1-based column or field, 0 when absent */
	int fen;		/* the amount is in fen, not yuan */
};

static int
line_error(struct rec *r, const struct result *x, int c, const char *code,
	   const char *what)
{
	return payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->result, x->line, x->col[c],
				 code, "%s %d (%s): %s", r->o->layout ? _("field") : _("column"),
				 x->col[c], result_cols[c].name, payroll_tr(what));
}

/* The seq a result names: 0 when none or none of ours, -1 when it is no
 * serial number at all. */
static int64_t
result_seq(const struct rec *r, const char *v)
{
	char *end;
	long long seq;

	if (!v[0])
		return 0;
	errno = 0;
	seq = strtoll(v, &end, 10);
	if (*end || seq < 1 || errno || !strchr("0123456789", v[0]))
		return -1;
	return (unsigned long long)seq <= r->n ? (int64_t)seq : 0;
}

/* A result for no transfer: a report line in the report's columns. */
static int
add_unmatched(struct rec *r, long line, const char *seq, const char *account, int64_t amount,
	      int status, const char *reason)
{
	struct payroll_buf *b = &r->unmatched;
	size_t at = b->len;
	int rc;

	if (payroll_grow((void **)&r->um, r->num, &r->um_cap, sizeof *r->um))
		return PAYROLL_ENOMEM;
	rc = payroll_buf_addstr(b, "unmatched,") || payroll_buf_addcsv(b, seq, strlen(seq)) ||
	     payroll_buf_addstr(b, ",,") || payroll_buf_addcsv(b, account, strlen(account)) ||
	     payroll_buf_addstr(b, ",,") || payroll_buf_addmoney(b, amount) ||
	     payroll_buf_addstr(b, status == S_PAID ? ",paid,," : ",failed,") ||
	     (status == S_FAILED &&
	      (payroll_buf_addstr(b, payroll_reason_name(payroll_reason_classify(reason))) ||
	       payroll_buf_addch(b, ','))) ||
	     payroll_buf_addcsv(b, reason, strlen(reason)) || payroll_buf_addstr(b, ",\n");
	if (rc)
		return PAYROLL_ENOMEM;
	r->um[r->num].line = line;
	r->um[r->num].off = at;
	r->um[r->num++].len = b->len - at;
	r->res->unmatched++;
	r->res->unmatched_total += amount;	/* within bank_total, checked */
	return 0;
}

/* Record a result against its transfer t. */
static int
apply(struct rec *r, struct tr *t, const char *account, int64_t amount, int status,
      const char *reason)
{
	if (t->results++)
		t->flags |= F_DUP;
	if (t->amount != amount)
		t->flags |= F_AMOUNT;
	t->bank_amount = amount;
	if (strcmp(str(r, t->account), account))
		t->flags |= F_ACCOUNT;
	if (status == S_PAID)
		t->flags |= F_PAID_ONCE;
	t->state = status;
	if (status == S_FAILED && (t->reason = keep(r, reason)) == (size_t)-1)
		return PAYROLL_ENOMEM;
	return 0;
}

/* The results without a seq of ours, in file order: each to the first
 * transfer of the same account and amount that has no result yet. */
static int
match_later(struct rec *r)
{
	size_t k, i;
	int rc = 0;

	for (k = 0; rc == 0 && k < r->nlater; k++) {
		const struct later *x = &r->later[k];
		const char *account = str(r, x->account);

		for (i = 0; i < r->n; i++)
			if (!r->t[i].results && r->t[i].amount == x->amount &&
			    !strcmp(str(r, r->t[i].account), account))
				break;
		if (i < r->n)
			rc = apply(r, &r->t[i], account, x->amount, x->status, str(r, x->reason));
		else
			rc = add_unmatched(r, x->line, str(r, x->seq), account, x->amount, x->status,
					   str(r, x->reason));
	}
	return rc;
}

/* An amount in fen as the layout writes it: digits only. */
static int
parse_fen(const char *s, int64_t *fen)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++)
		if (*s < '0' || *s > '9' || payroll_mul(v, 10, &v) || payroll_add(v, *s - '0', &v))
			return -1;
	*fen = v;
	return 0;
}

/* Check one result and record it against its transfer. */
static int
take_result(struct rec *r, const struct result *x)
{
	const char *why = NULL;
	int64_t amount = 0, seq;
	struct later *l;
	int status;

	if (x->fen ? parse_fen(x->v[C_AMOUNT], &amount) != 0 :
		     payroll_money_parse(x->v[C_AMOUNT], strlen(x->v[C_AMOUNT]), &amount, &why) != 0)
		return line_error(r, x, C_AMOUNT, "bad-money",
				  why ? why : x->fen ? "not a whole number of fen" : "too large");
	if ((status = parse_status(x->v[C_STATUS])) < 0)
		return line_error(r, x, C_STATUS, "bad-status",
				  "status is paid/success/成功 or failed/失败/退回");
	if (payroll_add(r->res->bank_total, amount, &r->res->bank_total))
		return line_error(r, x, C_AMOUNT, "bad-money", "the results' total overflows");
	seq = result_seq(r, x->v[C_SEQ]);
	if (seq < 0)
		return line_error(r, x, C_SEQ, "bad-seq", "not a serial number");
	if (seq > 0)
		return apply(r, &r->t[seq - 1], x->v[C_ACCOUNT], amount, status, x->v[C_REASON]);
	/* matched by account and amount only when every seq is known */
	if (payroll_grow((void **)&r->later, r->nlater, &r->later_cap, sizeof *r->later))
		return PAYROLL_ENOMEM;
	l = &r->later[r->nlater];
	l->line = x->line;
	l->amount = amount;
	l->status = status;
	if ((l->seq = keep(r, x->v[C_SEQ])) == (size_t)-1 ||
	    (l->account = keep(r, x->v[C_ACCOUNT])) == (size_t)-1 ||
	    (l->reason = keep(r, x->v[C_REASON])) == (size_t)-1)
		return PAYROLL_ENOMEM;
	r->nlater++;
	return 0;
}

static int
read_results_csv(struct rec *r)
{
	struct payroll_table *t;
	struct payroll_row row;
	int rc = payroll_table_open_path(&t, r->o->result, PAYROLL_ENC_AUTO, result_cols,
					 C_NCOLS, r->err);

	while (rc == 0 && (rc = payroll_table_next(t, &row, r->err)) == 1) {
		struct result x = { .line = row.line };
		int c;

		for (c = 0; c < C_NCOLS; c++) {
			x.v[c] = row.v[c];
			x.col[c] = row.col[c];
		}
		if (row.problem != PAYROLL_ROW_OK)
			rc = payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->result, row.line, 0,
					       "bad-row", "not a result line (field count, quotes or encoding)");
		else
			rc = take_result(r, &x);
	}
	payroll_table_close(t);
	return rc < 0 ? rc : 0;
}

/* ---- result files in a bank's layout ------------------------------------ */

#define RESULT_MAX_BYTES ((size_t)1 << 30)

/*
 * layout.c knows only the sources of transfer files; the result-only
 * sources "status" and "reason" are read here: their field lines are
 * handed to the layout parser as fillers (width 1 unless given; only read
 * back, never written), and found again in [detail] by their line number.
 */
static const char *
skip_blanks(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* In line [p, e): "field = status..." gives 0, "field = reason..." 1, and
 * *word where the word starts; anything else -1. */
static int
result_source(const char *p, const char *e, const char **word)
{
	static const char *const words[2] = { "status", "reason" };
	size_t k;
	int w;

	p = skip_blanks(p, e);
	if ((size_t)(e - p) < 5 || memcmp(p, "field", 5))
		return -1;
	p = skip_blanks(p + 5, e);
	if (p == e || *p != '=')
		return -1;
	p = skip_blanks(p + 1, e);
	for (w = 0; w < 2; w++) {
		k = strlen(words[w]);
		if ((size_t)(e - p) >= k && !memcmp(p, words[w], k) &&
		    (p + k == e || strchr(" \t\r\n", p[k]))) {
			*word = p;
			return w;
		}
	}
	return -1;
}

static int
has_width(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 6 <= n; i++)
		if (!memcmp(s + i, "width=", 6))
			return 1;
	return 0;
}

static int
rewrite_layout(struct rec *r, const char *text, size_t n, struct payroll_buf *out,
	       long lines[2])
{
	const char *s = text, *end = text + n;
	long ln = 0;

	lines[0] = lines[1] = 0;
	for (; s < end; ln++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end, *word, *rest;
		int w = result_source(s, e, &word);
		int rc;

		if (w < 0) {
			rc = payroll_buf_add(out, s, (size_t)(e - s)) || payroll_buf_addch(out, '\n');
		} else if (lines[w]) {
			return payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->layout, ln + 1, 0,
						 "duplicate-field", "a second '%s' field",
						 w ? "reason" : "status");
		} else {
			lines[w] = ln + 1;
			rest = word + 6;	/* "status" and "reason" are 6 bytes */
			while (e > rest && e[-1] == '\r')
				e--;
			rc = payroll_buf_add(out, s, (size_t)(word - s)) ||
			     payroll_buf_addstr(out, "filler") ||
			     payroll_buf_add(out, rest, (size_t)(e - rest)) ||
			     (!has_width(rest, (size_t)(e - rest)) && payroll_buf_addstr(out, " width=1")) ||
			     payroll_buf_addch(out, '\n');
		}
		if (rc)
			return PAYROLL_ENOMEM;
		s = nl ? nl + 1 : end;
	}
	return 0;
}

static int
load_layout(struct rec *r, struct payroll_layout **l, long lines[2])
{
	struct payroll_buf text = { 0 }, fixed = { 0 };
	int rc;

	*l = NULL;
	rc = payroll_source_slurp(r->o->layout, PAYROLL_LAYOUT_FILE_MAX, 0, &text, NULL, r->err);
	if (rc == 0)
		rc = rewrite_layout(r, payroll_buf_str(&text), text.len, &fixed, lines);
	if (rc == 0)
		rc = payroll_layout_parse(l, r->o->layout, payroll_buf_str(&fixed), fixed.len, r->err);
	payroll_buf_release(&text);
	payroll_buf_release(&fixed);
	return rc;
}

/* The whole result file, gunzipped when it is gzip (zlib reads plain
 * files as they are): the trailer records are only known at the end. */
static int
slurp_results(struct rec *r, struct payroll_buf *b)
{
	return payroll_source_slurp(r->o->result, RESULT_MAX_BYTES, PAYROLL_SLURP_GUNZIP, b, NULL,
				    r->err);
}

/* Length of the line at pos without its line end. */
static size_t
line_len(const struct payroll_buf *b, size_t pos)
{
	const char *s = b->p + pos, *nl = memchr(s, '\n', b->len - pos);
	size_t n = nl ? (size_t)(nl - s) : b->len - pos;

	return n && s[n - 1] == '\r' ? n - 1 : n;
}

/* Start of the line after the one at pos; counts it in *ln. */
static size_t
next_line(const struct payroll_buf *b, size_t pos, long *ln)
{
	const char *nl = memchr(b->p + pos, '\n', b->len - pos);

	if (ln)
		++*ln;
	return nl ? (size_t)(nl - b->p) + 1 : b->len;
}

static int
read_results_layout(struct rec *r)
{
	const struct payroll_layout_record *rec = NULL;
	struct payroll_layout *l = NULL;
	struct payroll_buf text = { 0 }, vals = { 0 };
	size_t off[PAYROLL_LAYOUT_MAX_FIELDS], i, pos, nhead, ntrail, nrec = 0, k;
	long lines[2], ln;
	int idx[C_NCOLS] = { 0 }, fen = 0, rc;

	rc = load_layout(r, &l, lines);
	if (rc == 0) {
		rec = payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
		for (k = 0; k < C_NCOLS; k++)
			idx[k] = -1;
		for (i = 0; i < rec->nfields; i++) {
			const struct payroll_layout_field *f = &rec->fields[i];

			if (f->line == lines[0])
				idx[C_STATUS] = (int)i;
			else if (f->line == lines[1])
				idx[C_REASON] = (int)i;
			else if (f->src == PAYROLL_SRC_SEQ)
				idx[C_SEQ] = (int)i;
			else if (f->src == PAYROLL_SRC_ACCOUNT)
				idx[C_ACCOUNT] = (int)i;
			else if (f->src == PAYROLL_SRC_ACCOUNT_NAME)
				idx[C_NAME] = (int)i;
			else if (f->src == PAYROLL_SRC_AMOUNT) {
				idx[C_AMOUNT] = (int)i;
				fen = !f->yuan;
			}
		}
		if (idx[C_AMOUNT] < 0 || idx[C_STATUS] < 0 || (idx[C_SEQ] < 0 && idx[C_ACCOUNT] < 0))
			rc = payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->layout, rec->line, 0,
					       "missing-field",
					       "a result layout's [detail] needs amount, status, and seq or account");
	}
	if (rc == 0)
		rc = slurp_results(r, &text);
	nhead = l ? payroll_layout_nrecords(l, PAYROLL_REC_HEADER) : 0;
	ntrail = l ? payroll_layout_nrecords(l, PAYROLL_REC_TRAILER) : 0;
	/* records are the non-blank lines: header ones first, trailer ones last */
	for (pos = 0; rc == 0 && pos < text.len; pos = next_line(&text, pos, NULL))
		if (line_len(&text, pos) > 0)
			nrec++;
	for (pos = 0, ln = 1, k = 0; rc == 0 && pos < text.len; pos = next_line(&text, pos, &ln)) {
		size_t n = line_len(&text, pos);
		struct result x = { 0 };
		int c;

		if (n == 0 || k++ < nhead || k > nrec - ntrail)
			continue;
		x.line = ln;
		x.fen = fen;
		rc = payroll_layout_split(l, rec, text.p + pos, n, &vals, off, r->err);
		if (rc) {
			if (rc == PAYROLL_EFORMAT) {
				r->err->line = ln;
				snprintf(r->err->file, sizeof r->err->file, "%s", r->o->result);
			}
			break;
		}
		for (c = 0; c < C_NCOLS; c++) {
			x.v[c] = idx[c] < 0 ? "" : vals.p + off[idx[c]];
			x.col[c] = idx[c] + 1;
		}
		rc = take_result(r, &x);
	}
	if (rc == 0 && nrec < nhead + ntrail)
		rc = payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->result, 0, 0, "bad-record",
				       "fewer lines than the layout's %zu header and %zu trailer records",
				       nhead, ntrail);
	payroll_layout_free(l);
	payroll_buf_release(&text);
	payroll_buf_release(&vals);
	return rc;
}

static int
read_results(struct rec *r)
{
	int rc = r->o->layout ? read_results_layout(r) : read_results_csv(r);

	return rc ? rc : match_later(r);
}

/* ---- reasons ------------------------------------------------------------ */

enum payroll_reason
payroll_reason_classify(const char *reason)
{
	static const struct {
		enum payroll_reason r;
		const char *word;
	} words[] = {
		{ PAYROLL_REASON_NAME, "name" }, { PAYROLL_REASON_NAME, "户名" },
		{ PAYROLL_REASON_NAME, "姓名" }, { PAYROLL_REASON_NAME, "名称不符" },
		{ PAYROLL_REASON_CLOSED, "closed" }, { PAYROLL_REASON_CLOSED, "销户" },
		{ PAYROLL_REASON_CLOSED, "注销" }, { PAYROLL_REASON_CLOSED, "已销" },
		{ PAYROLL_REASON_FROZEN, "frozen" }, { PAYROLL_REASON_FROZEN, "冻结" },
		{ PAYROLL_REASON_FROZEN, "止付" },
		{ PAYROLL_REASON_NOT_FOUND, "not found" }, { PAYROLL_REASON_NOT_FOUND, "not-found" },
		{ PAYROLL_REASON_NOT_FOUND, "no such" }, { PAYROLL_REASON_NOT_FOUND, "不存在" },
		{ PAYROLL_REASON_NOT_FOUND, "无此" }, { PAYROLL_REASON_NOT_FOUND, "账号错误" },
	};
	char low[256];
	size_t i;

	/* ASCII lowered, so "Account Closed" counts; Chinese is left as it is */
	for (i = 0; reason[i] && i < sizeof low - 1; i++)
		low[i] = (reason[i] >= 'A' && reason[i] <= 'Z') ? (char)(reason[i] - 'A' + 'a') : reason[i];
	low[i] = '\0';
	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strstr(low, words[i].word))
			return words[i].r;
	return PAYROLL_REASON_OTHER;
}

const char *
payroll_reason_name(enum payroll_reason r)
{
	static const char *const names[PAYROLL_REASON_N] = {
		"account-closed", "account-frozen", "name-mismatch", "account-not-found", "other",
	};

	return (unsigned)r < PAYROLL_REASON_N ? names[r] : "other";
}

/* What a transfer comes to, for the report: NULL when plainly paid. */
static const char *
kind(const struct tr *t)
{
	if (t->flags & F_DUP)
		return "duplicate-result";
	if (t->flags & F_AMOUNT)
		return "amount-mismatch";
	if (t->flags & F_ACCOUNT)
		return "account-mismatch";
	if (!t->results)
		return "no-result";
	if (t->state == S_FAILED)
		return t->flags & F_SINCE ? "since-paid" :
		       t->flags & F_HELD ? "account-not-corrected" : "failed";
	return NULL;
}

/* Failed, once, matching, not paid since: pay it again next month. */
static int
repay(const struct tr *t)
{
	return t->state == S_FAILED && t->results == 1 &&
	       !(t->flags & (F_AMOUNT | F_ACCOUNT | F_SINCE | F_HELD));
}

/*
 * Flag the failures paid since: a line of the failed transfer whose case
 * and month a --paid-ledger line has (the failed ledger paid by hand, or
 * a later month's arrears for it). A later month's own lines do not
 * count: they pay that month, not this one.
 */
static int
mark_since(struct rec *r)
{
	struct payroll_ledger_reader *lr;
	struct payroll_ledger_line l;
	size_t cur = 0;
	int rc;

	if (!r->nsince)
		return 0;
	qsort(r->since, r->nsince, sizeof *r->since, cmp_u64);
	if ((rc = payroll_ledger_open(&lr, r->o->ledger, r->err)) != 0)
		return rc;
	while ((rc = payroll_ledger_next(lr, &l, r->err)) == 1) {
		struct tr *t;
		uint64_t key;

		while (cur < r->n && l.line >= r->t[cur].line + r->t[cur].nlines)
			cur++;
		if (cur == r->n || l.line < r->t[cur].line)
			continue;
		t = &r->t[cur];
		key = paid_key(str(r, t->case_id), t->temporary, l.month);
		if (t->state == S_FAILED && bsearch(&key, r->since, r->nsince, sizeof key, cmp_u64))
			t->flags |= F_SINCE;
	}
	payroll_ledger_close(lr);
	return rc;
}

/* A failure to pay again, by its case key, for the roster's lookups. */
struct want {
	uint64_t key;
	size_t i;
};

static int
cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/*
 * Read the corrected roster (grants 0) or grants file (1) at path through
 * the roster reader: the current bank, account and account_name of each
 * failed case it has. A row that does not validate, or a case on two
 * rows, gives its case none (found -1).
 */
static int
read_current(struct rec *r, const char *path, int grants, const struct want *w, size_t nw)
{
	struct payroll_table *tb;
	struct payroll_row row;
	int rc = payroll_table_open_path(&tb, path, PAYROLL_ENC_AUTO,
					 grants ? payroll_grant_columns : payroll_roster_columns,
					 grants ? payroll_grant_ncolumns : payroll_roster_ncolumns, r->err);

	while (rc == 0 && (rc = payroll_table_next(tb, &row, r->err)) == 1) {
		struct payroll_problems p = { .path = path };
		struct payroll_case c;
		struct want key;
		const struct want *hit;
		struct tr *t;
		int bad;

		rc = 0;
		if (row.problem != PAYROLL_ROW_OK)
			continue;
		memset(&c, 0, sizeof c);
		bad = grants ? payroll_grant_validate(&row, &c, &p) :
			       payroll_roster_validate(&row, NULL, &c, &p);
		if (!c.case_id)
			continue;
		key.key = case_key(c.case_id, grants);
		hit = bsearch(&key, w, nw, sizeof *w, cmp_want);
		if (!hit)
			continue;
		t = &r->t[hit->i];
		if (t->temporary != grants || strcmp(str(r, t->case_id), c.case_id))
			continue;
		if (t->found || bad) {
			t->found = -1;
			continue;
		}
		t->found = 1;
		if ((t->now[0] = keep(r, c.bank)) == (size_t)-1 ||
		    (t->now[1] = keep(r, c.account)) == (size_t)-1 ||
		    (t->now[2] = keep(r, c.account_name)) == (size_t)-1)
			rc = PAYROLL_ENOMEM;
	}
	payroll_table_close(tb);
	return rc < 0 ? rc : 0;
}

/* The reason classes that mean the account itself refused the money. */
static int
account_kind(enum payroll_reason why)
{
	return why == PAYROLL_REASON_CLOSED || why == PAYROLL_REASON_NOT_FOUND ||
	       why == PAYROLL_REASON_NAME;
}

/*
 * --roster, --grants: re-point each failure to pay again to its case's
 * current payee; hold back an account failure whose account was not
 * corrected (closed, not found: bank and account the same; name
 * mismatch: bank, account and account_name the same), or whose case the
 * file does not give.
 */
static int
correct(struct rec *r)
{
	struct want *w;
	size_t i, nw = 0;
	int rc = 0;

	w = malloc((r->n ? r->n : 1) * sizeof *w);
	if (!w)
		return PAYROLL_ENOMEM;
	for (i = 0; i < r->n; i++)
		if (repay(&r->t[i])) {
			w[nw].key = case_key(str(r, r->t[i].case_id), r->t[i].temporary);
			w[nw++].i = i;
		}
	qsort(w, nw, sizeof *w, cmp_want);
	if (nw && r->o->roster)
		rc = read_current(r, r->o->roster, 0, w, nw);
	if (rc == 0 && nw && r->o->grants)
		rc = read_current(r, r->o->grants, 1, w, nw);
	for (i = 0; rc == 0 && i < nw; i++) {
		struct tr *t = &r->t[w[i].i];
		enum payroll_reason why = payroll_reason_classify(str(r, t->reason));
		int bank = 0, account = 0, name = 0;

		if (t->found == 1) {
			bank = strcmp(str(r, t->now[0]), str(r, t->bank)) != 0;
			account = strcmp(str(r, t->now[1]), str(r, t->account)) != 0;
			name = strcmp(str(r, t->now[2]), str(r, t->account_name)) != 0;
		}
		if (account_kind(why) &&
		    !(bank || account || (why == PAYROLL_REASON_NAME && name)))
			t->flags |= F_HELD;
		else if (bank || account || name)
			t->flags |= F_REPOINT;
	}
	free(w);
	return rc;
}

static void
classify(struct rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct tr *t = &r->t[i];
		const char *k = kind(t);

		if (!k) {
			r->res->paid++;
			r->res->paid_total += t->amount;
		} else if (!strcmp(k, "failed")) {
			enum payroll_reason why = payroll_reason_classify(str(r, t->reason));

			r->res->failed++;
			r->res->failed_total += t->amount;
			r->res->by_reason[why]++;
			r->res->by_reason_fen[why] += t->amount;
			if (t->flags & F_REPOINT) {
				r->res->repointed++;
				r->res->repointed_total += t->amount;
			}
		} else if (!strcmp(k, "account-not-corrected")) {
			r->res->not_corrected++;
			r->res->not_corrected_total += t->amount;
		} else if (!strcmp(k, "no-result")) {
			r->res->no_result++;
			r->res->no_result_total += t->amount;
		} else if (!strcmp(k, "since-paid")) {
			r->res->since_paid++;
			r->res->since_paid_total += t->amount;
		} else if (!strcmp(k, "duplicate-result")) {
			r->res->duplicate++;
			r->res->duplicate_total += t->amount;
		} else {
			r->res->mismatched++;
			r->res->mismatched_total += t->amount;
		}
	}
	r->res->attention = r->res->transfers - r->res->paid + r->res->unmatched;
}

/* Result-file order: by line (each result has its own). */
static int
cmp_um(const void *a, const void *b)
{
	const struct um *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static int
write_report(struct rec *r, struct payroll_outfile *o)
{
	struct payroll_buf b = { 0 };
	size_t i;
	int rc = payroll_buf_addstr(&b, "kind,seq,case_id,account,amount,bank_amount,status,reason_class,reason,repay_account\n");

	for (i = 0; rc == 0 && i < r->n; i++) {
		const struct tr *t = &r->t[i];
		const char *k = kind(t), *cid = str(r, t->case_id);

		if (!k)
			continue;
		rc = payroll_buf_addf(&b, "%s,%lld,", k, (long long)t->seq) ||
		     payroll_buf_addcsv(&b, cid, strlen(cid)) || payroll_buf_addch(&b, ',') ||
		     payroll_buf_addstr(&b, str(r, t->account)) || payroll_buf_addch(&b, ',') ||
		     payroll_buf_addmoney(&b, t->amount) || payroll_buf_addch(&b, ',') ||
		     (t->results ? payroll_buf_addmoney(&b, t->bank_amount) : 0) ||
		     payroll_buf_addstr(&b, t->state == S_PAID ? ",paid," : t->state == S_FAILED ? ",failed," : ",,") ||
		     (t->state == S_FAILED ?
			payroll_buf_addstr(&b, payroll_reason_name(payroll_reason_classify(str(r, t->reason)))) : 0) ||
		     payroll_buf_addch(&b, ',') ||
		     (t->reason ? payroll_buf_addcsv(&b, str(r, t->reason), strlen(str(r, t->reason))) : 0) ||
		     payroll_buf_addch(&b, ',') ||
		     (repay(t) ? payroll_buf_addstr(&b, str(r, t->flags & F_REPOINT ? t->now[1] : t->account)) : 0) ||
		     payroll_buf_addch(&b, '\n');
	}
	if (r->num)
		qsort(r->um, r->num, sizeof *r->um, cmp_um);
	for (i = 0; rc == 0 && i < r->num; i++)
		rc = payroll_buf_add(&b, r->unmatched.p + r->um[i].off, r->um[i].len);
	if (rc == 0 && payroll_outfile_write(o, b.p, b.len))
		rc = payroll_error_errno(r->err, PAYROLL_EIO, r->o->report, "cannot write");
	payroll_buf_release(&b);
	return rc ? (rc == 1 ? PAYROLL_ENOMEM : rc) : 0;
}

/* The lines of transfers to pay again, as a ledger. */
static int
write_failed(struct rec *r, struct payroll_outfile *o)
{
	struct payroll_ledger_reader *lr;
	struct payroll_ledger_line l;
	struct payroll_buf b = { 0 };
	size_t cur = 0;
	int rc = payroll_ledger_open(&lr, r->o->ledger, r->err);

	if (rc == 0 && payroll_outfile_puts(o, PAYROLL_LEDGER_HEADER))
		rc = payroll_error_errno(r->err, PAYROLL_EIO, r->o->failed, "cannot write");
	while (rc == 0 && (rc = payroll_ledger_next(lr, &l, r->err)) == 1) {
		rc = 0;
		while (cur < r->n && l.line >= r->t[cur].line + r->t[cur].nlines)
			cur++;
		if (cur == r->n || l.line < r->t[cur].line || !repay(&r->t[cur]))
			continue;
		if (r->t[cur].flags & F_REPOINT) {
			l.bank = str(r, r->t[cur].now[0]);
			l.account = str(r, r->t[cur].now[1]);
			l.account_name = str(r, r->t[cur].now[2]);
		}
		payroll_buf_reset(&b);
		if (payroll_ledger_format(&b, &l))
			rc = PAYROLL_ENOMEM;
		else if (payroll_outfile_write(o, b.p, b.len))
			rc = payroll_error_errno(r->err, PAYROLL_EIO, r->o->failed, "cannot write");
	}
	payroll_ledger_close(lr);
	payroll_buf_release(&b);
	return rc;
}

int
payroll_reconcile(const struct payroll_reconcile_opts *o,
		  struct payroll_reconcile_result *res, struct payroll_error *err)
{
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct rec r;
	int i, rc;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	payroll_error_clear(err);
	r.o = o;
	r.res = res;
	r.err = err;
	res->corrected = o->roster || o->grants;
	if (!o->ledger || !o->result)
		return payroll_error_option(err, PAYROLL_EUSAGE, o->ledger ? "result" : "ledger",
					    "usage", "is required");
	{
		const char *in[5 + PAYROLL_RECONCILE_MAX_PAID] = {
			o->ledger, o->result, o->layout, o->roster, o->grants,
		};
		const char *outs[] = { o->failed, o->report };

		for (i = 0; i < o->npaid; i++)
			in[5 + i] = o->paid[i];
		if ((rc = payroll_outfile_check_paths(in, 5 + (size_t)o->npaid, outs, 2, err)) != 0)
			return rc;
	}
	keep(&r, "");	/* offset 0: no reason */
	rc = read_transfers(&r, o->ledger, add_transfer);
	for (i = 0; rc == 0 && i < o->npaid; i++)
		rc = read_paid(&r, o->paid[i]);
	if (rc == 0)
		rc = read_results(&r);
	if (rc == 0) {
		rc = mark_since(&r);
		if (rc == 0 && (o->roster || o->grants))
			rc = correct(&r);
	}
	if (rc == 0)
		classify(&r);
	if (rc == 0 && o->failed && (rc = payroll_outfile_open(&out[0], o->failed, 0, err)) == 0)
		rc = write_failed(&r, out[0]);
	if (rc == 0 && o->report && (rc = payroll_outfile_open(&out[1], o->report, 0, err)) == 0)
		rc = write_report(&r, out[1]);
	if (rc == 0)
		rc = payroll_outfile_commit_all(out, 2, err);
	if (rc == PAYROLL_ENOMEM && !err->message[0])
		payroll_error_set(err, rc, o->result, 0, 0, "no-memory", "out of memory");
	payroll_outfile_abort(out[0]);
	payroll_outfile_abort(out[1]);
	payroll_buf_release(&r.arena);
	payroll_buf_release(&r.unmatched);
	free(r.t);
	free(r.since);
	free(r.later);
	free(r.um);
	return rc;
}

/* "what N, TOTAL" and a line end; nonzero when out of memory. what is
 * translated, as the whole summary is: it is for the person at the
 * terminal (SPEC 15); the reason classes are codes and stay as they are. */
static int
count_line(struct payroll_buf *b, const char *what, long n, int64_t fen)
{
	return payroll_buf_addf(b, _("%s %ld, "), what, n) || payroll_buf_addmoney(b, fen) ||
	       payroll_buf_addch(b, '\n');
}

int
payroll_reconcile_summary(const struct payroll_reconcile_result *s, struct payroll_buf *b)
{
	int i, rc = payroll_buf_addf(b, _("transfers %ld, total "), s->transfers) ||
		    payroll_buf_addmoney(b, s->total) ||
		    payroll_buf_addstr(b, _("; the bank's results total ")) ||
		    payroll_buf_addmoney(b, s->bank_total) || payroll_buf_addch(b, '\n') ||
		    count_line(b, _("paid"), s->paid, s->paid_total) ||
		    payroll_buf_addf(b, _("failed %ld, "), s->failed) ||
		    payroll_buf_addmoney(b, s->failed_total) ||
		    payroll_buf_addstr(b, _(" (to pay again)")) || payroll_buf_addch(b, '\n');

	for (i = 0; rc == 0 && i < PAYROLL_REASON_N; i++)
		if (s->by_reason[i])
			rc = payroll_buf_addf(b, "  %s %ld, ", payroll_reason_name((enum payroll_reason)i),
					      s->by_reason[i]) ||
			     payroll_buf_addmoney(b, s->by_reason_fen[i]) || payroll_buf_addch(b, '\n');
	if (rc == 0)
		rc = count_line(b, _("no result"), s->no_result, s->no_result_total) ||
		     count_line(b, _("unmatched results"), s->unmatched, s->unmatched_total) ||
		     count_line(b, _("amount or account mismatches"), s->mismatched,
				s->mismatched_total) ||
		     count_line(b, _("duplicate results"), s->duplicate, s->duplicate_total) ||
		     count_line(b, _("failed but paid since"), s->since_paid, s->since_paid_total);
	if (rc == 0 && s->corrected)
		rc = count_line(b, _("failed, repaid to a corrected account"), s->repointed,
				s->repointed_total) ||
		     count_line(b, _("account not corrected (held back)"), s->not_corrected,
				s->not_corrected_total);
	return rc ? PAYROLL_ENOMEM : 0;
}
