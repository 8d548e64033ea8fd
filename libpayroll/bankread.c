/* SPDX-License-Identifier: Apache-2.0 */
/* bankread.c: bank files read back into transfers (see bankread.h). */
#include "bankread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "buf.h"
#include "ident.h"
#include "layout.h"
#include "layout_builtin.h"
#include "source.h"
#include "xlsx.h"
#include "xlsx_value.h"
#include "money.h"
#include "pain001.h"
#include "banned.h"

#define PAIN_NS "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
#define CHUNK ((size_t)65536)		/* bytes read at a time by default */
#define RECORD_MAX ((size_t)1 << 24)	/* longest record read */

struct seqrec {
	int64_t seq;
	long record;
};

/* What every reader shares: the sums, the serials seen, the callback. */
struct reader {
	struct payroll_problems *p;
	struct payroll_bankread_info *info;
	payroll_bank_transfer_fn each;
	void *ctx;
	struct seqrec *seqs;
	size_t nseqs, capseqs;
	int unordered;		/* a serial not above the one before: sort to check */
	int overflow;
};

/* A file read chunk bytes at a time and cut into records at '\n' (and a
 * '\r' before it with crlf): only the record being read is held. */
struct lines {
	FILE *f;
	const char *path;
	char *buf;
	size_t len, pos, cap, chunk;
	int crlf, eof;
};

static int
lines_open(struct lines *ls, const char *path, size_t chunk, int crlf,
	   struct payroll_error *err)
{
	memset(ls, 0, sizeof *ls);
	ls->path = path;
	ls->chunk = chunk ? chunk : CHUNK;
	ls->crlf = crlf;
	if (!(ls->f = fopen(path, "rb")))
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	return 0;
}

static void
lines_close(struct lines *ls)
{
	if (ls->f)
		fclose(ls->f);
	free(ls->buf);
	ls->f = NULL;
	ls->buf = NULL;
}

/*
 * The next record in *s, *n (valid until the next call; a last record
 * without '\n' too). Returns 1, 0 at the end, or with err filled
 * PAYROLL_EIO, PAYROLL_ENOMEM ("too-big": a record of 16 MiB or more).
 */
static int
next_line(struct lines *ls, const char **s, size_t *n, struct payroll_error *err)
{
	char *e = NULL;
	size_t scan = ls->pos, got;

	for (;;) {
		if (ls->len > scan && (e = memchr(ls->buf + scan, '\n', ls->len - scan)))
			break;
		if (ls->eof)
			break;
		if (ls->pos > 0) {
			memmove(ls->buf, ls->buf + ls->pos, ls->len - ls->pos);
			ls->len -= ls->pos;
			ls->pos = 0;
		}
		scan = ls->len;
		if (ls->len >= RECORD_MAX)
			return payroll_error_set(err, PAYROLL_ENOMEM, ls->path, 0, 0, "too-big",
						 "a record too long to read");
		if (ls->len + ls->chunk > ls->cap) {
			size_t cap = ls->cap ? ls->cap * 2 : ls->chunk;
			char *nb;

			if (cap < ls->len + ls->chunk)
				cap = ls->len + ls->chunk;
			if (!(nb = realloc(ls->buf, cap)))
				return payroll_error_set(err, PAYROLL_ENOMEM, ls->path, 0, 0,
							 "out-of-memory", "out of memory");
			ls->buf = nb;
			ls->cap = cap;
		}
		got = fread(ls->buf + ls->len, 1, ls->chunk, ls->f);
		if (got == 0) {
			if (ferror(ls->f))
				return payroll_error_errno(err, PAYROLL_EIO, ls->path, "cannot read");
			ls->eof = 1;
		}
		ls->len += got;
	}
	if (ls->pos >= ls->len)
		return 0;
	*s = ls->buf + ls->pos;
	if (e) {
		*n = (size_t)(e - *s);
		ls->pos += *n + 1;
	} else {
		*n = ls->len - ls->pos;
		ls->pos = ls->len;
	}
	if (ls->crlf && *n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* Parse a non-negative decimal number; -1 when s is not one. */
static int64_t
parse_count(const char *s)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* An amount in yuan ("12.50") or fen ("1250"); -1 when invalid. A value
 * padded with zeros to the left may lose all its digits: "" is zero. */
static int64_t
parse_amount(const char *s, int yuan)
{
	int64_t fen;
	const char *why;

	if (!yuan)
		return *s ? parse_count(s) : 0;
	if (payroll_money_parse(s, strlen(s), &fen, &why) != 0 || fen < 0)
		return -1;
	return fen;
}

static void
set_period(struct reader *r, const char *s, size_t n)
{
	if (r->info->period[0] || n != 7)
		return;
	memcpy(r->info->period, s, 7);
	r->info->period[7] = '\0';
}

/* One transfer read: check it, count it, hand it on. */
static int
got_transfer(struct reader *r, struct payroll_bank_transfer *t)
{
	const char *why;

	if (t->amount <= 0)
		payroll_problem(r->p, t->record, 0, "bad-amount",
				"transfer %lld: the amount is not positive", (long long)t->seq);
	if (payroll_account_check(t->account, strlen(t->account), &why) != 0)
		payroll_problem(r->p, t->record, 0, "bad-account",
				"transfer %lld: account '%s': %s", (long long)t->seq,
				t->account, why ? why : "invalid");
	if (r->nseqs == r->capseqs &&
	    payroll_grow((void **)&r->seqs, r->nseqs + 1, &r->capseqs, sizeof *r->seqs) != 0)
		return PAYROLL_ENOMEM;
	if (r->nseqs > 0 && t->seq <= r->seqs[r->nseqs - 1].seq)
		r->unordered = 1;
	r->seqs[r->nseqs].seq = t->seq;
	r->seqs[r->nseqs++].record = t->record;
	r->info->count++;
	if (payroll_add(r->info->total, t->amount > 0 ? t->amount : 0, &r->info->total))
		r->overflow = 1;
	if (strlen(t->memo) >= 8 && t->memo[7] == '-')
		set_period(r, t->memo, 7);
	return r->each ? r->each(r->ctx, t) : 0;
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct seqrec *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->record < y->record ? -1 : x->record > y->record;
}

static void
check_duplicates(struct reader *r)
{
	size_t i;

	if (r->nseqs < 2 || !r->unordered)	/* strictly increasing: no duplicate */
		return;
	qsort(r->seqs, r->nseqs, sizeof *r->seqs, cmp_seq);
	for (i = 1; i < r->nseqs; i++)
		if (r->seqs[i].seq == r->seqs[i - 1].seq)
			payroll_problem(r->p, r->seqs[i].record, 0, "duplicate-seq",
					"serial %lld seen before in record %ld",
					(long long)r->seqs[i].seq, r->seqs[i - 1].record);
}

static void
check_count(struct reader *r, long record, const char *where, int64_t count)
{
	if (count != r->info->count)
		payroll_problem(r->p, record, 0, "control-count",
				"%s says %lld transfers, the file has %ld", where,
				(long long)count, r->info->count);
}

static void
check_total(struct reader *r, long record, const char *where, int64_t total)
{
	char a[PAYROLL_MONEY_MAX], b[PAYROLL_MONEY_MAX];

	if (total != r->info->total || r->overflow) {
		payroll_money_format(total, a);
		payroll_money_format(r->info->total, b);
		payroll_problem(r->p, record, 0, "control-total",
				"%s says a total of %s, the transfers sum to %s", where, a, b);
	}
}

/* ---- layouts ---- */

struct summary {		/* counts and totals a header/trailer/control gives */
	long record;
	int has_count, has_total;
	int64_t count, total;
	const char *where;	/* "the header", "the trailer" */
};

/*
 * A record read but not yet known to be a header, a detail or a trailer
 * (the trailers are the last records, known at the end of the file).
 */
struct pend {
	long record;		/* its record number (xlsx: its row) */
	long ordinal;		/* 1 for the first record of the file */
	struct payroll_buf text;	/* its bytes; xlsx: its cells' values, each NUL-ended */
	size_t off[PAYROLL_LAYOUT_MAX_FIELDS];	/* xlsx: where each cell's value starts */
	size_t ncells;		/* xlsx: the last column with a value */
};

/*
 * Check one record's width and split it into vals/off. Returns 1 (split),
 * 0 (a problem reported: skip the record) or PAYROLL_ENOMEM.
 */
static int
split_record(struct reader *r, struct payroll_layout *l,
	     const struct payroll_layout_record *rec, const struct pend *pr,
	     struct payroll_buf *vals, size_t *off, struct payroll_error *err)
{
	const char *line = pr->text.p ? pr->text.p : "";
	size_t n = pr->text.len;
	long record = pr->record;
	int rc;

	if (payroll_layout_format_of(l) == PAYROLL_LAYOUT_XLSX) {
		if (pr->ncells > rec->nfields) {
			payroll_problem(r->p, record, 0, "bad-record",
					"the row has %zu cells, the layout says %zu", pr->ncells,
					rec->nfields);
			return 0;
		}
		vals->len = 0;
		if (payroll_buf_add(vals, line, n) != 0)
			return PAYROLL_ENOMEM;
		memcpy(off, pr->off, sizeof pr->off);
		return 1;
	}
	if (payroll_layout_format_of(l) == PAYROLL_LAYOUT_FIXED && n != rec->width) {
		payroll_problem(r->p, record, 0, "bad-width",
				"the record is %zu bytes, the layout says %zu", n, rec->width);
		return 0;
	}
	vals->len = 0;
	rc = payroll_layout_split(l, rec, line, n, vals, off, err);
	if (rc == PAYROLL_ENOMEM)
		return rc;
	if (rc != 0) {
		payroll_problem(r->p, record, 0,
				strcmp(err->code, "bad-char") == 0 ? "bad-encoding" : "bad-record",
				"%s", err->message);
		return 0;
	}
	return 1;
}

/*
 * Split one non-detail record and check its constants; remember its count
 * and total in s for checking once the details are read.
 */
static int
read_summary(struct reader *r, struct payroll_layout *l,
	     const struct payroll_layout_record *rec, const struct pend *pr,
	     struct summary *s, struct payroll_buf *vals, size_t *off,
	     struct payroll_error *err)
{
	long record = pr->record;
	size_t i;
	int rc;

	s->record = record;
	if ((rc = split_record(r, l, rec, pr, vals, off, err)) <= 0)
		return rc;
	for (i = 0; i < rec->nfields; i++) {
		const struct payroll_layout_field *f = &rec->fields[i];
		const char *v = vals->p + off[i];
		int64_t x;

		switch (f->src) {
		case PAYROLL_SRC_CONST:
			if (f->text && *f->text && strcmp(v, f->text) != 0)
				payroll_problem(r->p, record, 0, "bad-record",
						"field %zu is '%s', the layout says '%s'", i + 1, v,
						f->text);
			break;
		case PAYROLL_SRC_COUNT:
			if ((x = parse_count(*v ? v : "0")) < 0)
				payroll_problem(r->p, record, 0, "control-count",
						"the count '%s' is not a number", v);
			else {
				s->has_count = 1;
				s->count = x;
			}
			break;
		case PAYROLL_SRC_TOTAL:
			if ((x = parse_amount(v, f->yuan)) < 0)
				payroll_problem(r->p, record, 0, "control-total",
						"the total '%s' is not an amount", v);
			else {
				s->has_total = 1;
				s->total = x;
			}
			break;
		case PAYROLL_SRC_PERIOD:
			set_period(r, v, strlen(v));
			break;
		case PAYROLL_SRC_PERIOD_COMPACT:
		case PAYROLL_SRC_PERIOD_FIRST:
		case PAYROLL_SRC_PERIOD_LAST:
			if (strlen(v) >= 6 && !r->info->period[0]) {
				snprintf(r->info->period, sizeof r->info->period, "%.4s-%.2s",
					 v, v + 4);
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static int
read_detail(struct reader *r, struct payroll_layout *l,
	    const struct payroll_layout_record *rec, const struct pend *pr,
	    long index, struct payroll_buf *vals, size_t *off,
	    struct payroll_error *err)
{
	struct payroll_bank_transfer t;
	long record = pr->record;
	size_t i;
	int rc;

	if ((rc = split_record(r, l, rec, pr, vals, off, err)) <= 0)
		return rc;
	memset(&t, 0, sizeof t);
	t.seq = index;
	t.bank = t.account = t.account_name = t.memo = "";
	t.record = record;
	for (i = 0; i < rec->nfields; i++) {
		const struct payroll_layout_field *f = &rec->fields[i];
		const char *v = vals->p + off[i];

		switch (f->src) {
		case PAYROLL_SRC_SEQ:
			if ((t.seq = parse_count(v)) <= 0) {
				payroll_problem(r->p, record, 0, "bad-seq",
						"the serial '%s' is not a positive number", v);
				t.seq = index;
			}
			break;
		case PAYROLL_SRC_AMOUNT:
			if ((t.amount = parse_amount(v, f->yuan)) < 0)
				t.amount = 0;
			break;
		case PAYROLL_SRC_BANK: t.bank = v; break;
		case PAYROLL_SRC_ACCOUNT: t.account = v; break;
		case PAYROLL_SRC_ACCOUNT_NAME: t.account_name = v; break;
		case PAYROLL_SRC_REF: t.memo = v; break;
		case PAYROLL_SRC_CONST:
			if (f->text && *f->text && strcmp(v, f->text) != 0)
				payroll_problem(r->p, record, 0, "bad-record",
						"field %zu is '%s', the layout says '%s'", i + 1, v,
						f->text);
			break;
		default:
			break;
		}
	}
	return got_transfer(r, &t);
}

static void
check_summary(struct reader *r, const struct summary *s, const char *where)
{
	if (s->has_count)
		check_count(r, s->record, where, s->count);
	if (s->has_total)
		check_total(r, s->record, where, s->total);
}

/* Where a layout file's records come from: text lines or xlsx rows. */
struct records {
	struct lines ls;
	struct payroll_source *src;
	struct payroll_xlsx *x;
	struct payroll_buf num;
	long ordinal;
};

/* The next record into pr. 1, 0 at the end, or an error with err filled. */
static int
next_record(struct records *rs, struct pend *pr, struct payroll_error *err)
{
	const struct payroll_xlsx_cell *cells;
	const char *s;
	size_t n, i, c;
	int rc;

	pr->text.len = 0;
	if (!rs->x) {
		if ((rc = next_line(&rs->ls, &s, &n, err)) <= 0)
			return rc;
		pr->ordinal = pr->record = ++rs->ordinal;
		return payroll_buf_add(&pr->text, s, n) ? PAYROLL_ENOMEM : 1;
	}
	if ((rc = payroll_xlsx_next(rs->x, &pr->record, &cells, &n, err)) <= 0)
		return rc;
	pr->ordinal = ++rs->ordinal;
	pr->ncells = n ? (size_t)cells[n - 1].col : 0;
	for (c = 1, i = 0; c <= PAYROLL_LAYOUT_MAX_FIELDS; c++) {
		const char *v = "";

		pr->off[c - 1] = pr->text.len;
		if (i < n && (size_t)cells[i].col == c) {
			v = cells[i].v;
			if (cells[i].kind == PAYROLL_CELL_NUMBER || cells[i].kind == PAYROLL_CELL_DATE) {
				rs->num.len = 0;
				if (payroll_xlsx_number(v, &rs->num) == 0)
					v = payroll_buf_str(&rs->num);
			}
			i++;
		}
		if (payroll_buf_add(&pr->text, v, strlen(v) + 1) != 0)
			return PAYROLL_ENOMEM;
	}
	return 1;
}

static int
records_open(struct records *rs, struct payroll_layout *l, const char *path, size_t chunk,
	     struct payroll_error *err)
{
	int rc;

	memset(rs, 0, sizeof *rs);
	if (payroll_layout_format_of(l) != PAYROLL_LAYOUT_XLSX)
		return lines_open(&rs->ls, path, chunk,
				  strcmp(payroll_layout_eol(l), "\r\n") == 0, err);
	if ((rc = payroll_source_open(&rs->src, path, PAYROLL_ENC_AUTO, err)) != 0)
		return rc;
	return payroll_xlsx_open(&rs->x, rs->src, NULL, err);
}

static void
records_close(struct records *rs)
{
	lines_close(&rs->ls);
	payroll_xlsx_close(rs->x);
	payroll_source_close(rs->src);
	free(rs->num.p);
}

/* The layout's control file (path + its suffix): its records checked. */
static int
read_control(struct reader *r, struct payroll_layout *l, const char *path, size_t chunk,
	     struct pend *pr, struct payroll_buf *vals, size_t *off, struct payroll_error *err)
{
	size_t nc = payroll_layout_nrecords(l, PAYROLL_REC_CONTROL);
	struct payroll_buf ctlpath = { 0 };
	struct payroll_problems cp = *r->p;
	struct payroll_problems *saved = r->p;
	struct lines cl;
	struct summary cs;
	const char *s;
	size_t n;
	long record = 0;
	int rc;

	if (payroll_buf_addf(&ctlpath, "%s%s", path, payroll_layout_control_suffix(l)) != 0)
		return PAYROLL_ENOMEM;
	if (lines_open(&cl, ctlpath.p, chunk, strcmp(payroll_layout_eol(l), "\r\n") == 0,
		       err) != 0) {
		payroll_problem(r->p, 0, 0, "missing-control", "cannot read the control file %s",
				ctlpath.p);
		free(ctlpath.p);
		return 0;
	}
	cp.path = ctlpath.p;
	r->p = &cp;
	while ((rc = next_line(&cl, &s, &n, err)) == 1) {
		if ((size_t)record >= nc) {
			payroll_problem(r->p, record + 1, 0, "bad-record",
					"the control file has more records than the layout");
			break;
		}
		memset(&cs, 0, sizeof cs);
		pr->text.len = 0;
		pr->record = record + 1;
		if (payroll_buf_add(&pr->text, s, n) != 0) {
			rc = PAYROLL_ENOMEM;
			break;
		}
		rc = read_summary(r, l, payroll_layout_record(l, PAYROLL_REC_CONTROL, (size_t)record),
				  pr, &cs, vals, off, err);
		record++;
		if (rc != 0)
			break;
		check_summary(r, &cs, "the control file");
	}
	if (rc == 0 && (size_t)record < nc)
		payroll_problem(r->p, record, 0, "bad-record",
				"the control file has %ld records, the layout %zu", record, nc);
	r->p = saved;
	if (saved->count == 0 && cp.count > 0)
		saved->first = cp.first;
	saved->count = cp.count;
	lines_close(&cl);
	free(ctlpath.p);
	return rc < 0 ? rc : 0;
}

static int
read_layout(struct reader *r, struct payroll_layout *l, const char *path, size_t chunk,
	    struct payroll_error *err)
{
	size_t nh = payroll_layout_nrecords(l, PAYROLL_REC_HEADER);
	size_t nt = payroll_layout_nrecords(l, PAYROLL_REC_TRAILER);
	size_t nc = payroll_layout_nrecords(l, PAYROLL_REC_CONTROL);
	const struct payroll_layout_record *detail =
		payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
	struct summary sums[2 * PAYROLL_REC_NKINDS + 8];
	size_t nsums = 0, off[PAYROLL_LAYOUT_MAX_FIELDS], i, cap = nh + nt + 1, head = 0, nq = 0;
	struct payroll_buf vals = { 0 };
	struct records rs;
	struct pend *q;
	long index = 0, nread = 0;
	int rc, end = 0;

	memset(sums, 0, sizeof sums);
	if (!(q = calloc(cap, sizeof *q)))
		return PAYROLL_ENOMEM;
	rc = records_open(&rs, l, path, chunk, err);
	/* a record is classified once the records after it say what it is */
	while (rc == 0) {
		if (!end) {
			rc = next_record(&rs, &q[(head + nq) % cap], err);
			if (rc < 0)
				break;
			if (rc == 1) {
				nq++;
				nread++;
			} else {
				end = 1;
				if ((size_t)nread < nh + nt)
					payroll_problem(r->p, nread, 0, "bad-record",
							"%ld records, the layout needs %zu header and "
							"%zu trailer records", nread, nh, nt);
			}
			rc = 0;
		}
		while (rc == 0 && nq > 0) {
			struct pend *pr = &q[head];
			size_t k = (size_t)pr->ordinal, total = (size_t)nread;
			int whole = total >= nh + nt;

			if (!end && (total < k + nt || !whole))
				break;
			if (whole && k <= nh) {
				sums[nsums].where = "the header";
				if (nsums < sizeof sums / sizeof sums[0] - 1)
					rc = read_summary(r, l, payroll_layout_record(l, PAYROLL_REC_HEADER,
										k - 1),
							  pr, &sums[nsums++], &vals, off, err);
			} else if (whole && k > total - nt) {
				sums[nsums].where = "the trailer";
				if (nsums < sizeof sums / sizeof sums[0] - 1)
					rc = read_summary(r, l, payroll_layout_record(l, PAYROLL_REC_TRAILER,
										k - 1 - (total - nt)),
							  pr, &sums[nsums++], &vals, off, err);
			} else {
				rc = read_detail(r, l, detail, pr, ++index, &vals, off, err);
			}
			head = (head + 1) % cap;
			nq--;
		}
		if (end)
			break;
	}
	if (rc == 0) {
		for (i = 0; i < nsums; i++)
			check_summary(r, &sums[i], sums[i].where);
	}
	if (rc == 0 && nc > 0)
		rc = read_control(r, l, path, chunk, &q[0], &vals, off, err);
	records_close(&rs);
	for (i = 0; i < cap; i++)
		free(q[i].text.p);
	free(q);
	free(vals.p);
	return rc;
}

/* ---- pain.001 ---- */

enum { P_NONE, P_INSTR, P_E2E, P_AMT, P_MMBID, P_OTHRID, P_NM, P_ACCT, P_NB, P_SUM };

/* The debtor of a PmtInf: name, account, bic, cnaps, bank name. */
enum { D_NAME, D_ACCOUNT, D_BIC, D_CNAPS, D_BANK, D_N };

struct pain {
	struct payroll_buf seq, memo, amount, bank, account, name;
	int in_tx, in_agt, in_cdtr, in_acct, in_grp;
	long record;
	int in_dbtr, in_dacct, in_dagt;
	struct payroll_buf debtor[D_N];
	long pmt_line;
};

/* The debtor's element for el in the PmtInf (outside transfers), or NULL. */
static struct payroll_buf *
debtor_target(struct pain *x, const char *el)
{
	if (x->in_dbtr && strcmp(el, "Nm") == 0) return &x->debtor[D_NAME];
	if (x->in_dacct && strcmp(el, "Id") == 0) return &x->debtor[D_ACCOUNT];
	if (x->in_dagt && strcmp(el, "BICFI") == 0) return &x->debtor[D_BIC];
	if (x->in_dagt && strcmp(el, "MmbId") == 0) return &x->debtor[D_CNAPS];
	if (x->in_dagt && strcmp(el, "Nm") == 0) return &x->debtor[D_BANK];
	return NULL;
}

/* Compare a PmtInf's debtor with the payer file's (payer-mismatch). */
static void
check_debtor(struct reader *r, struct pain *x, const struct payroll_payer_debtor *d)
{
	static const char *const what[D_N] = { "Dbtr Nm", "DbtrAcct Id", "DbtrAgt BICFI",
					       "DbtrAgt MmbId", "DbtrAgt Nm" };
	static const char *const key[D_N] = { "name", "account", "bic", "cnaps", "bank-name" };
	const char *want[D_N] = { d->name, d->account, d->bic, d->cnaps, d->bank_name };
	int i;

	for (i = 0; i < D_N; i++) {
		const char *got = payroll_buf_add(&x->debtor[i], "", 0) ? "" :
				  payroll_buf_str(&x->debtor[i]);

		if (strcmp(got, want[i]) != 0)
			payroll_problem(r->p, x->pmt_line, 0, "payer-mismatch",
					"%s is '%s', the payer file's %s is '%s'", what[i], got,
					key[i], want[i]);
		x->debtor[i].len = 0;
	}
}

static struct payroll_buf *
pain_target(struct pain *x, const char *el)
{
	if (strcmp(el, "InstrId") == 0) return &x->seq;
	if (strcmp(el, "EndToEndId") == 0) return &x->memo;
	if (strcmp(el, "InstdAmt") == 0) return &x->amount;
	if (x->in_agt && (strcmp(el, "MmbId") == 0 || strcmp(el, "Id") == 0)) return &x->bank;
	if (x->in_cdtr && strcmp(el, "Nm") == 0) return &x->name;
	if (x->in_acct && strcmp(el, "Id") == 0) return &x->account;
	return NULL;
}

/* The XML read chunk bytes at a time (xmlReaderForIO). */
struct xmlin {
	FILE *f;
	size_t chunk;
};

static int
xml_read(void *ctx, char *buf, int len)
{
	struct xmlin *in = ctx;
	size_t n = (size_t)len < in->chunk ? (size_t)len : in->chunk, got;

	got = fread(buf, 1, n, in->f);
	if (got == 0 && ferror(in->f))
		return -1;
	return (int)got;
}

static int
xml_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
read_pain(struct reader *r, const char *path, size_t chunk,
	  const struct payroll_payer_debtor *payer, struct payroll_error *err)
{
	struct xmlin in = { NULL, chunk ? chunk : CHUNK };
	xmlTextReaderPtr xr;
	struct pain x;
	struct summary sums[4];
	struct payroll_buf cur = { 0 };
	struct payroll_buf *target = NULL;
	const char *want = NULL;
	size_t nsums = 0, i;
	int rc = 0, ret, depth_doc = 0, in_pmt = 0;

	memset(&x, 0, sizeof x);
	memset(sums, 0, sizeof sums);
	if (!(in.f = fopen(path, "rb")))
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	xr = xmlReaderForIO(xml_read, xml_close, &in, path, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			    XML_PARSE_BIG_LINES);
	if (!xr) {
		fclose(in.f);
		return payroll_error_set(err, PAYROLL_ENOMEM, path, 0, 0, "out-of-memory",
					 "cannot start the xml reader");
	}
	while (rc == 0 && (ret = xmlTextReaderRead(xr)) == 1) {
		int type = xmlTextReaderNodeType(xr);
		const char *el = (const char *)xmlTextReaderConstLocalName(xr);
		long line = xmlGetLineNo(xmlTextReaderCurrentNode(xr));

		if (type == XML_READER_TYPE_ELEMENT) {
			if (!depth_doc) {
				const char *ns = (const char *)xmlTextReaderConstNamespaceUri(xr);

				depth_doc = 1;
				if (strcmp(el, "Document") != 0 || !ns || strcmp(ns, PAIN_NS) != 0) {
					payroll_problem(r->p, line, 0, "bad-namespace",
							"the root is not a %s Document", PAIN_NS);
					break;
				}
			}
			if (strcmp(el, "GrpHdr") == 0)
				x.in_grp = 1;
			else if (strcmp(el, "PmtInf") == 0) {
				in_pmt = 1;
				x.pmt_line = line;
			} else if (in_pmt && !x.in_tx && strcmp(el, "Dbtr") == 0)
				x.in_dbtr = 1;
			else if (in_pmt && !x.in_tx && strcmp(el, "DbtrAcct") == 0)
				x.in_dacct = 1;
			else if (in_pmt && !x.in_tx && strcmp(el, "DbtrAgt") == 0)
				x.in_dagt = 1;
			else if (strcmp(el, "CdtTrfTxInf") == 0) {
				x.in_tx = 1;
				x.record = line;
				x.seq.len = x.memo.len = x.amount.len = 0;
				x.bank.len = x.account.len = x.name.len = 0;
			} else if (x.in_tx && strcmp(el, "CdtrAgt") == 0)
				x.in_agt = 1;
			else if (x.in_tx && strcmp(el, "Cdtr") == 0)
				x.in_cdtr = 1;
			else if (x.in_tx && strcmp(el, "CdtrAcct") == 0)
				x.in_acct = 1;
			target = NULL;
			want = NULL;
			if (x.in_tx)
				target = pain_target(&x, el);
			else if (in_pmt && payer && (x.in_dbtr || x.in_dacct || x.in_dagt))
				target = debtor_target(&x, el);
			else if ((x.in_grp || in_pmt) &&
				 (strcmp(el, "NbOfTxs") == 0 || strcmp(el, "CtrlSum") == 0)) {
				want = el;
				cur.len = 0;
				target = &cur;
				if (nsums < 4) {
					sums[nsums].record = line;
				}
			}
			if (target)
				target->len = 0;
			if (xmlTextReaderIsEmptyElement(xr))
				target = NULL;
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
			if (target) {
				const char *v = (const char *)xmlTextReaderConstValue(xr);

				if (payroll_buf_addstr(target, v ? v : "") != 0)
					rc = PAYROLL_ENOMEM;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (want && target == &cur && nsums < 4) {
				int64_t v;

				if (strcmp(want, "NbOfTxs") == 0) {
					if ((v = parse_count(cur.p ? cur.p : "")) < 0)
						payroll_problem(r->p, sums[nsums].record, 0, "control-count",
								"NbOfTxs '%s' is not a number", cur.p ? cur.p : "");
					else {
						sums[nsums].has_count = 1;
						sums[nsums].count = v;
					}
				} else if ((v = parse_amount(cur.p ? cur.p : "", 1)) < 0) {
					payroll_problem(r->p, sums[nsums].record, 0, "control-total",
							"CtrlSum '%s' is not an amount", cur.p ? cur.p : "");
				} else {
					sums[nsums].has_total = 1;
					sums[nsums].total = v;
				}
				/* NbOfTxs and CtrlSum of one block share one summary */
				if (strcmp(want, "CtrlSum") == 0)
					nsums++;
			}
			target = NULL;
			want = NULL;
			if (strcmp(el, "GrpHdr") == 0)
				x.in_grp = 0;
			else if (strcmp(el, "PmtInf") == 0) {
				in_pmt = 0;
				if (payer)
					check_debtor(r, &x, payer);
			} else if (strcmp(el, "Dbtr") == 0)
				x.in_dbtr = 0;
			else if (strcmp(el, "DbtrAcct") == 0)
				x.in_dacct = 0;
			else if (strcmp(el, "DbtrAgt") == 0)
				x.in_dagt = 0;
			else if (strcmp(el, "CdtrAgt") == 0)
				x.in_agt = 0;
			else if (strcmp(el, "Cdtr") == 0)
				x.in_cdtr = 0;
			else if (strcmp(el, "CdtrAcct") == 0)
				x.in_acct = 0;
			else if (strcmp(el, "CdtTrfTxInf") == 0) {
				struct payroll_bank_transfer t;
				struct payroll_buf *all[] = { &x.seq, &x.memo, &x.amount,
							      &x.bank, &x.account, &x.name };

				for (i = 0; i < 6; i++)
					if (payroll_buf_add(all[i], "", 0) != 0)
						rc = PAYROLL_ENOMEM;
				if (rc)
					break;
				x.in_tx = 0;
				t.record = x.record;
				t.seq = parse_count(x.seq.p);
				if (t.seq <= 0) {
					payroll_problem(r->p, x.record, 0, "bad-seq",
							"InstrId '%s' is not a positive number", x.seq.p);
					t.seq = r->info->count + 1;
				}
				if ((t.amount = parse_amount(x.amount.p, 1)) < 0)
					t.amount = 0;
				t.memo = x.memo.p;
				t.bank = x.bank.p;
				t.account = x.account.p;
				t.account_name = x.name.p;
				rc = got_transfer(r, &t);
			}
		}
	}
	if (rc == 0 && ret < 0)
		payroll_problem(r->p, xmlTextReaderGetParserLineNumber(xr), 0, "bad-xml",
				"the XML is not well formed");
	if (rc == 0 && !depth_doc)
		payroll_problem(r->p, 0, 0, "bad-xml", "no XML document");
	/* a broken file's counts are not checked: how many transfers were
	 * read before the error depends on how far libxml2 parsed ahead */
	for (i = 0; rc == 0 && ret == 0 && i < nsums; i++)
		check_summary(r, &sums[i], i == 0 ? "GrpHdr" : "PmtInf");
	xmlFreeTextReader(xr);
	if (rc == 0 && ferror(in.f))
		rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot read");
	fclose(in.f);
	free(cur.p);
	free(x.seq.p);
	free(x.memo.p);
	free(x.amount.p);
	free(x.bank.p);
	free(x.account.p);
	free(x.name.p);
	for (i = 0; i < D_N; i++)
		free(x.debtor[i].p);
	return rc;
}

/* ---- detection ---- */

static const char *
detect(const char *p, size_t n)
{
	static const char csvhead[] = "seq,bank,account,account_name,amount,memo\n";

	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		n--;
	}
	if (n >= sizeof csvhead - 1 && memcmp(p, csvhead, sizeof csvhead - 1) == 0)
		return "csv";
	if (n > 0 && *p == '<')
		return "pain001";
	if (n >= 160 && p[0] == 'H' && p[158] == '\r' && p[159] == '\n')
		return "fixed-gbk";
	return NULL;
}

/* The first bytes of the file at path, for detect(). */
static int
read_head(const char *path, char *buf, size_t cap, size_t *n, struct payroll_error *err)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	*n = fread(buf, 1, cap, f);
	if (ferror(f)) {
		fclose(f);
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot read");
	}
	fclose(f);
	return 0;
}

int
payroll_bankread_opts(const char *path, const struct payroll_bankread_opts *o,
		      payroll_bank_transfer_fn each, void *ctx,
		      struct payroll_problems *p, struct payroll_bankread_info *info,
		      struct payroll_error *err)
{
	const char *layout = o->layout;
	struct reader r;
	struct payroll_layout *l = NULL;
	char head[4096];
	size_t n = 0;
	int rc;

	memset(info, 0, sizeof *info);
	memset(&r, 0, sizeof r);
	r.p = p;
	r.info = info;
	r.each = each;
	r.ctx = ctx;
	if ((rc = read_head(path, head, sizeof head, &n, err)) != 0)
		return rc;
	if (!layout && !(layout = detect(head, n)))
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "unknown-format",
					 "not a csv, fixed-gbk or pain001 bank file: "
					 "name its layout");
	snprintf(info->format, sizeof info->format, "%s", layout);
	if (o->payer && strcmp(layout, "pain001") != 0)
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "the file is %s: a payer is checked in pain001 "
					 "files only", layout);
	if (strcmp(layout, "pain001") == 0) {
		rc = read_pain(&r, path, o->chunk, o->payer, err);
	} else {
		if (strchr(layout, '/') || strchr(layout, '.'))
			rc = payroll_layout_load(&l, layout, err);
		else
			rc = payroll_layout_builtin(&l, layout, err);
		if (rc == 0)
			rc = read_layout(&r, l, path, o->chunk, err);
	}
	if (rc == 0)
		check_duplicates(&r);
	payroll_layout_free(l);
	free(r.seqs);
	if (rc == PAYROLL_ENOMEM && !err->code[0])
		payroll_error_set(err, rc, path, 0, 0, "out-of-memory", "out of memory");
	return rc;
}

int
payroll_bankread(const char *path, const char *layout,
		 payroll_bank_transfer_fn each, void *ctx,
		 struct payroll_problems *p, struct payroll_bankread_info *info,
		 struct payroll_error *err)
{
	struct payroll_bankread_opts o = { layout, 0, NULL };

	return payroll_bankread_opts(path, &o, each, ctx, p, info, err);
}

int
payroll_bank_transfer_csv(struct payroll_buf *b, const struct payroll_bank_transfer *t)
{
	char num[24], *d = num + sizeof num;
	uint64_t v = t->seq < 0 ? 0 - (uint64_t)t->seq : (uint64_t)t->seq;

	/* the serial without printf: this is once a transfer */
	*--d = ',';
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	if (t->seq < 0)
		*--d = '-';
	if (payroll_buf_add(b, d, (size_t)(num + sizeof num - d)) ||
	    payroll_buf_addcsv(b, t->bank, strlen(t->bank)) || payroll_buf_addch(b, ',') ||
	    payroll_buf_addcsv(b, t->account, strlen(t->account)) || payroll_buf_addch(b, ',') ||
	    payroll_buf_addcsv(b, t->account_name, strlen(t->account_name)) ||
	    payroll_buf_addch(b, ',') || payroll_buf_addmoney(b, t->amount) ||
	    payroll_buf_addch(b, ',') || payroll_buf_addcsv(b, t->memo, strlen(t->memo)) ||
	    payroll_buf_addch(b, '\n'))
		return PAYROLL_ENOMEM;
	return 0;
}

struct csvout {
	FILE *f;
	struct payroll_buf row;
	int failed;
};

static int
csv_row(void *ctx, const struct payroll_bank_transfer *t)
{
	struct csvout *c = ctx;

	c->row.len = 0;
	if (payroll_bank_transfer_csv(&c->row, t) != 0)
		return PAYROLL_ENOMEM;
	if (fwrite(c->row.p, 1, c->row.len, c->f) != c->row.len) {
		c->failed = 1;
		return PAYROLL_EIO;
	}
	return 0;
}

int
payroll_bankread_csv(const char *path, const char *layout, FILE *out,
		     struct payroll_problems *p, struct payroll_bankread_info *info,
		     struct payroll_error *err)
{
	struct csvout c = { out, { 0 }, 0 };
	int rc;

	if (fputs(PAYROLL_BANK_CSV_HEADER, out) == EOF)
		c.failed = 1;
	rc = c.failed ? PAYROLL_EIO : payroll_bankread(path, layout, csv_row, &c, p, info, err);
	free(c.row.p);
	if (rc == 0 && fflush(out) != 0)
		c.failed = 1;
	if (c.failed)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot write its transfers");
	return rc;
}
