#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "dupindex.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "table.h"
#include "banned.h"

enum { S_NONE, S_PAID, S_FAILED };
enum { F_AMOUNT = 1, F_ACCOUNT = 2, F_DUP = 4, F_SINCE = 8, F_PAID_ONCE = 16 };

struct tr {
	int64_t seq, amount;
	size_t account, case_id, reason;	/* arena offsets */
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
};

static size_t
keep(struct rec *r, const char *s)
{
	size_t at = r->arena.len;

	return payroll_buf_add(&r->arena, s, strlen(s) + 1) ? (size_t)-1 : at;
}

static const char *
str(const struct rec *r, size_t off)
{
	return r->arena.p + off;
}

static uint64_t
case_key(const char *case_id, int temporary)
{
	return payroll_hash(case_id, strlen(case_id)) ^ (temporary ? 0x9e3779b97f4a7c15ULL : 0);
}

static int
on_transfer(void *ctx, const struct payroll_transfer *x)
{
	struct rec *r = ctx;
	struct tr *t;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct tr *g = realloc(r->t, cap * sizeof *g);

		if (!g)
			return PAYROLL_ENOMEM;
		r->t = g;
		r->cap = cap;
	}
	t = &r->t[r->n];
	memset(t, 0, sizeof *t);
	t->seq = x->seq;
	t->amount = x->amount;
	t->line = x->line;
	t->nlines = x->nlines;
	t->temporary = x->temporary;
	t->account = keep(r, x->account);
	t->case_id = keep(r, x->case_id);
	if (t->account == (size_t)-1 || t->case_id == (size_t)-1)
		return PAYROLL_ENOMEM;
	r->n++;
	r->res->transfers++;
	return payroll_add(r->res->total, x->amount, &r->res->total);
}

static int
on_paid(void *ctx, const struct payroll_transfer *x)
{
	struct rec *r = ctx;

	if (r->nsince == r->since_cap) {
		size_t cap = r->since_cap ? r->since_cap * 2 : 256;
		uint64_t *g = realloc(r->since, cap * sizeof *g);

		if (!g)
			return PAYROLL_ENOMEM;
		r->since = g;
		r->since_cap = cap;
	}
	r->since[r->nsince++] = case_key(x->case_id, x->temporary);
	return 0;
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
	int i;

	for (i = 0; paid[i]; i++)
		if (!strcmp(s, paid[i]))
			return S_PAID;
	for (i = 0; failed[i]; i++)
		if (!strcmp(s, failed[i]))
			return S_FAILED;
	return -1;
}

static int
line_error(struct rec *r, const struct payroll_row *row, int c, const char *code,
	   const char *what)
{
	return payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->result, row->line, row->col[c],
				 code, "column %d (%s): %s", row->col[c], result_cols[c].name, what);
}

/* The transfer a result is for: by seq, else by account and amount. */
static struct tr *
match(struct rec *r, const struct payroll_row *row, int64_t amount, int *bad)
{
	size_t i;

	*bad = 0;
	if (row->n[C_SEQ]) {
		char *end;
		long long seq = strtoll(row->v[C_SEQ], &end, 10);

		if (*end || seq < 1) {
			*bad = 1;
			return NULL;
		}
		if ((size_t)seq <= r->n)
			return &r->t[seq - 1];
	}
	for (i = 0; i < r->n; i++)
		if (!r->t[i].results && r->t[i].amount == amount &&
		    !strcmp(str(r, r->t[i].account), row->v[C_ACCOUNT]))
			return &r->t[i];
	return NULL;
}

/* A result for no transfer: a report line in the report's columns. */
static int
add_unmatched(struct rec *r, const struct payroll_row *row)
{
	struct payroll_buf *b = &r->unmatched;
	const struct { int col; const char *after; } f[] = {
		{ C_SEQ, ",," }, { C_ACCOUNT, "," }, { C_AMOUNT, "," }, { C_STATUS, "," },
		{ C_REASON, "\n" },
	};
	size_t i;
	int rc = payroll_buf_addstr(b, "unmatched,");

	for (i = 0; rc == 0 && i < sizeof f / sizeof *f; i++)
		rc = payroll_buf_addcsv(b, row->v[f[i].col], row->n[f[i].col]) ||
		     payroll_buf_addstr(b, f[i].after);
	r->res->unmatched++;
	return rc ? PAYROLL_ENOMEM : 0;
}

static int
read_results(struct rec *r)
{
	struct payroll_table *t;
	struct payroll_row row;
	int rc = payroll_table_open_path(&t, r->o->result, PAYROLL_ENC_AUTO, result_cols,
					 C_NCOLS, r->err);

	while (rc == 0 && (rc = payroll_table_next(t, &row, r->err)) == 1) {
		const char *why;
		int64_t amount = 0;
		int status = -1, bad;
		struct tr *x;

		rc = 0;
		if (row.problem != PAYROLL_ROW_OK)
			rc = payroll_error_set(r->err, PAYROLL_EFORMAT, r->o->result, row.line, 0,
					       "bad-row", "not a result line (field count, quotes or encoding)");
		else if (payroll_money_parse(row.v[C_AMOUNT], row.n[C_AMOUNT], &amount, &why))
			rc = line_error(r, &row, C_AMOUNT, "bad-money", why ? why : "too large");
		else if ((status = parse_status(row.v[C_STATUS])) < 0)
			rc = line_error(r, &row, C_STATUS, "bad-status",
					"status is paid/success/成功 or failed/失败/退回");
		if (rc)
			break;
		payroll_add(r->res->bank_total, amount, &r->res->bank_total);
		x = match(r, &row, amount, &bad);
		if (bad) {
			rc = line_error(r, &row, C_SEQ, "bad-seq", "not a serial number");
			break;
		}
		if (!x) {
			rc = add_unmatched(r, &row);
			continue;
		}
		if (x->results++)
			x->flags |= F_DUP;
		if (x->amount != amount)
			x->flags |= F_AMOUNT;
		if (strcmp(str(r, x->account), row.v[C_ACCOUNT]))
			x->flags |= F_ACCOUNT;
		if (status == S_PAID)
			x->flags |= F_PAID_ONCE;
		x->state = status;
		if (status == S_FAILED && (x->reason = keep(r, row.v[C_REASON])) == (size_t)-1)
			rc = PAYROLL_ENOMEM;
	}
	payroll_table_close(t);
	return rc < 0 ? rc : 0;
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
		return t->flags & F_SINCE ? "since-paid" : "failed";
	return NULL;
}

/* Failed, once, matching, not paid since: pay it again next month. */
static int
repay(const struct tr *t)
{
	return t->state == S_FAILED && t->results == 1 && !(t->flags & (F_AMOUNT | F_ACCOUNT | F_SINCE));
}

static void
classify(struct rec *r)
{
	size_t i;

	if (r->nsince)
		qsort(r->since, r->nsince, sizeof *r->since, cmp_u64);
	for (i = 0; i < r->n; i++) {
		struct tr *t = &r->t[i];
		uint64_t key = case_key(str(r, t->case_id), t->temporary);
		const char *k;

		if (t->state == S_FAILED && r->nsince &&
		    bsearch(&key, r->since, r->nsince, sizeof key, cmp_u64))
			t->flags |= F_SINCE;
		k = kind(t);
		if (!k) {
			r->res->paid++;
			r->res->paid_total += t->amount;
		} else if (!strcmp(k, "failed")) {
			r->res->failed++;
			r->res->failed_total += t->amount;
		} else if (!strcmp(k, "no-result")) {
			r->res->no_result++;
		} else if (!strcmp(k, "since-paid")) {
			r->res->since_paid++;
		} else if (!strcmp(k, "duplicate-result")) {
			r->res->duplicate++;
		} else {
			r->res->mismatched++;
		}
	}
	r->res->attention = r->res->transfers - r->res->paid + r->res->unmatched;
}

static int
write_report(struct rec *r, struct payroll_outfile *o)
{
	struct payroll_buf b = { 0 };
	size_t i;
	int rc = payroll_buf_addstr(&b, "kind,seq,case_id,account,amount,status,reason\n");

	for (i = 0; rc == 0 && i < r->n; i++) {
		const struct tr *t = &r->t[i];
		const char *k = kind(t), *cid = str(r, t->case_id);

		if (!k)
			continue;
		rc = payroll_buf_addf(&b, "%s,%lld,", k, (long long)t->seq) ||
		     payroll_buf_addcsv(&b, cid, strlen(cid)) || payroll_buf_addch(&b, ',') ||
		     payroll_buf_addstr(&b, str(r, t->account)) || payroll_buf_addch(&b, ',') ||
		     payroll_buf_addmoney(&b, t->amount) ||
		     payroll_buf_addstr(&b, t->state == S_PAID ? ",paid," : t->state == S_FAILED ? ",failed," : ",,") ||
		     (t->reason ? payroll_buf_addcsv(&b, str(r, t->reason), strlen(str(r, t->reason))) : 0) ||
		     payroll_buf_addch(&b, '\n');
	}
	if (rc == 0)
		rc = payroll_buf_add(&b, r->unmatched.p ? r->unmatched.p : "", r->unmatched.len);
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
	if (!o->ledger || !o->result)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "--ledger and --result are needed");
	keep(&r, "");	/* offset 0: no reason */
	rc = payroll_bank_transfers(o->ledger, on_transfer, &r, err);
	for (i = 0; rc == 0 && i < o->npaid; i++)
		rc = payroll_bank_transfers(o->paid[i], on_paid, &r, err);
	if (rc == 0)
		rc = read_results(&r);
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
	return rc;
}

int
payroll_reconcile_summary(const struct payroll_reconcile_result *s, struct payroll_buf *b)
{
	int rc = payroll_buf_addf(b, "transfers %ld, total ", s->transfers) ||
		 payroll_buf_addmoney(b, s->total) ||
		 payroll_buf_addf(b, "; the bank's results total ") || payroll_buf_addmoney(b, s->bank_total) ||
		 payroll_buf_addf(b, "\npaid %ld, ", s->paid) || payroll_buf_addmoney(b, s->paid_total) ||
		 payroll_buf_addf(b, "\nfailed %ld, ", s->failed) || payroll_buf_addmoney(b, s->failed_total) ||
		 payroll_buf_addf(b, " (to pay again)\nno result %ld\nunmatched results %ld\n"
				  "amount or account mismatches %ld\nduplicate results %ld\n"
				  "failed but paid since %ld\n", s->no_result, s->unmatched,
				  s->mismatched, s->duplicate, s->since_paid);

	return rc ? PAYROLL_ENOMEM : 0;
}
