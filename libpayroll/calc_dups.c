/* SPDX-License-Identifier: Apache-2.0 */
#include "calc_dups.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"
#include "money.h"
#include "readback.h"
#include "intl.h"
#include "banned.h"

static const char *const dup_codes[PAYROLL_CALC_NKEYS] = {
	"duplicate-case", "duplicate-id", "duplicate-account",
};
static const char *const dup_what[PAYROLL_CALC_NKEYS] = {
	N_("case_id"), N_("id number"), N_("account"),
};

/* A duplicate's case_id: at most this many bytes of it. */
#define DUP_CASE_ID_MAX 71

/* ---- the rejects file's lines ------------------------------------------ */

/* Copy s without control bytes, so a rejects line stays one line. */
static int
add_clean(struct payroll_buf *b, const char *s, size_t n)
{
	char tmp[512];
	size_t i, k = n < sizeof tmp ? n : sizeof tmp;

	for (i = 0; i < k; i++)
		tmp[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	return payroll_buf_addcsv(b, tmp, k);
}

int
payroll_calc_reject_line(struct payroll_buf *b, const char *source, long line,
			 const char *case_id, size_t case_len, const char *code,
			 const char *message)
{
	if (add_clean(b, source, strlen(source)) ||
	    payroll_buf_addf(b, ",%ld,", line) ||
	    add_clean(b, case_id, case_len) || payroll_buf_addch(b, ',') ||
	    payroll_buf_addstr(b, code) || payroll_buf_addch(b, ',') ||
	    add_clean(b, message, strlen(message)) || payroll_buf_addch(b, '\n'))
		return PAYROLL_ENOMEM;
	return 0;
}

static int
emit(struct payroll_calc_dups *d, struct payroll_outfile *to, const struct payroll_calc_dup *x)
{
	payroll_buf_reset(&d->buf);
	if (payroll_calc_reject_line(&d->buf, d->src[x->src].name, x->line,
				     x->case_id ? x->case_id : "",
				     x->case_id ? strlen(x->case_id) : 0, x->code, x->message))
		return PAYROLL_ENOMEM;
	return payroll_outfile_write(to, d->buf.p, d->buf.len);
}

/* ---- finding them ------------------------------------------------------ */

struct walk {
	struct payroll_calc_dups *d;
	struct payroll_problems *probs;
	int src, key;
};

static int
add(struct payroll_calc_dups *d, int src, uint32_t row, const char *code, const char *msg)
{
	struct payroll_calc_dup *x;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct payroll_calc_dup *n = realloc(d->d, cap * sizeof *n);

		if (!n)
			return PAYROLL_ENOMEM;
		d->d = n;
		d->cap = cap;
	}
	x = &d->d[d->n++];
	memset(x, 0, sizeof *x);
	x->src = src;
	x->row = row;
	x->line = payroll_calc_row_line(&d->src[src], row);
	x->code = code;
	return (x->message = strdup(msg)) ? 0 : PAYROLL_ENOMEM;
}

static int
on_group(void *ctx, const uint32_t *rows, size_t n)
{
	struct walk *w = ctx;
	struct payroll_calc_dups *d = w->d;
	struct payroll_calc_source *s = &d->src[w->src];
	size_t i, j;
	int rc;

	if (w->key == PAYROLL_CALC_KEY_ACCOUNT) {
		for (i = 0; i < n && (rows[i] & PAYROLL_DUP_FLAG); i++)
			;
		if (i == n)
			return 0;	/* centralized rows sharing their institution's account */
	}
	for (i = 0; i < n; i++) {
		uint32_t r = rows[i] & PAYROLL_DUP_MAXROW;
		char msg[200];
		size_t len;
		int listed = 0;

		len = (size_t)snprintf(msg, sizeof msg, _("%s also on line"), _(dup_what[w->key]));
		for (j = 0; j < n && len < sizeof msg - 24; j++)
			if (j != i)
				len += (size_t)snprintf(msg + len, sizeof msg - len, "%s %ld",
							listed++ ? "," : "",
							payroll_calc_row_line(s, rows[j] & PAYROLL_DUP_MAXROW));
		if (d->check_only) {
			payroll_problem(w->probs, payroll_calc_row_line(s, r), 0, dup_codes[w->key], "%s", msg);
			d->rep->attention++;
			continue;
		}
		if ((s->rejected[r >> 3] >> (r & 7)) & 1)
			continue;	/* already rejected for another reason */
		s->rejected[r >> 3] |= (unsigned char)(1u << (r & 7));
		if ((rc = add(d, w->src, r, dup_codes[w->key], msg)) != 0)
			return rc;
	}
	return 0;
}

static int
cmp_dup(const void *a, const void *b)
{
	const struct payroll_calc_dup *x = a, *y = b;

	if (x->src != y->src)
		return x->src - y->src;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Sort the part-th half (or all, with nparts 1) of every index's buckets. */
static void
sort_part(struct payroll_calc_dups *d, unsigned part, unsigned nparts)
{
	int src, key;

	for (src = 0; src < 2; src++)
		for (key = 0; key < PAYROLL_CALC_NKEYS; key++)
			payroll_dupindex_sort_part(&d->src[src].keys[key], part, nparts);
}

static void *
sort_second(void *d)
{
	sort_part(d, 1, 2);
	return NULL;
}

/*
 * Sort every index before the walk. The sort runs after the last row,
 * when the reader's thread is done: for a big roster a second thread
 * sorts the second half of every index's buckets while this one sorts
 * the first, unless PAYROLL_THREADS=1 (payroll(7)).
 */
static void
sort_indexes(struct payroll_calc_dups *d)
{
	const char *e = getenv("PAYROLL_THREADS");
	pthread_t t;
	size_t n = 0;
	int src, key, threaded = 0;

	for (src = 0; src < 2; src++)
		for (key = 0; key < PAYROLL_CALC_NKEYS; key++)
			n += d->src[src].keys[key].n;
	if (n >= 65536 && !(e && !strcmp(e, "1")))
		threaded = pthread_create(&t, NULL, sort_second, d) == 0;
	sort_part(d, 0, threaded ? 2 : 1);
	if (threaded)
		pthread_join(t, NULL);
}

int
payroll_calc_dups_find(struct payroll_calc_dups *d, struct payroll_problems *probs)
{
	int src, key, rc;

	sort_indexes(d);
	probs->all = d->check_only;
	for (src = 0; src < 2; src++) {
		probs->path = d->src[src].path;
		for (key = 0; key < PAYROLL_CALC_NKEYS; key++) {
			struct walk w = { d, probs, src, key };

			if ((rc = payroll_dupindex_find(&d->src[src].keys[key], on_group, &w)))
				return rc;
			payroll_dupindex_release(&d->src[src].keys[key]);
		}
	}
	if (d->n)	/* qsort(NULL, 0) is undefined */
		qsort(d->d, d->n, sizeof *d->d, cmp_dup);
	return 0;
}

int
payroll_calc_dups_count(struct payroll_calc_dups *d, payroll_diag_fn diag, void *ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < d->n; i++) {
		struct payroll_calc_dup *x = &d->d[i];

		if (d->known && !x->taken)
			continue;	/* rejected for another reason */
		if (!d->known)
			d->rep->paid[x->src]--;
		d->rep->rejected[x->src]++;
		d->rep->attention++;
		if ((rc = payroll_calc_report_count(d->rep, x->code, 1)))
			return rc;
		if (diag) {
			struct payroll_error e;

			payroll_error_set(&e, 0, d->src[x->src].path, x->line, 0, x->code, "%s", x->message);
			diag(ctx, &e);
		}
	}
	return 0;
}

/* ---- known before the ledger is written -------------------------------- */

struct payroll_calc_dup *
payroll_calc_dups_at(struct payroll_calc_dups *d, int src, uint32_t row)
{
	for (; d->next < d->n; d->next++) {
		struct payroll_calc_dup *x = &d->d[d->next];

		if (x->src > src || (x->src == src && x->row > row))
			break;
		if (x->src == src && x->row == row)
			return x;
	}
	return NULL;
}

int
payroll_calc_dups_take(struct payroll_calc_dups *d, struct payroll_calc_dup *x,
		       const char *case_id, size_t n, struct payroll_outfile *rejects,
		       const char *rejects_path)
{
	struct payroll_calc_source *s = &d->src[x->src];

	x->taken = 1;
	x->case_id = strndup(case_id, n < DUP_CASE_ID_MAX ? n : DUP_CASE_ID_MAX);
	if (!x->case_id)
		return PAYROLL_ENOMEM;
	s->rejected[x->row >> 3] |= (unsigned char)(1u << (x->row & 7));
	if (rejects && emit(d, rejects, x))
		return payroll_error_errno(d->err, PAYROLL_EIO, rejects_path, "cannot write");
	return 0;
}

/* ---- found at the end: outputs taken back or copied again -------------- */

struct filter {
	struct payroll_calc_dups *d;
	int src;
	uint32_t row;		/* next row to take lines from */
	uint32_t cur;		/* row the current line belongs to */
	size_t remaining, dup;
	int first_of_row;
	struct payroll_calc_dup *x;	/* cur's duplicate, or NULL: its lines are kept */
};

/* Move f on to the row of the next line: 0, or -1 when the ledger has
 * more lines than the rows gave. */
static int
next_row(struct filter *f)
{
	struct payroll_calc_dups *d = f->d;

	while (f->remaining == 0) {
		if (f->src > 1)
			return -1;
		if (f->row >= d->src[f->src].nrows) {
			f->src++;
			f->row = 0;
			continue;
		}
		f->cur = f->row++;
		f->remaining = payroll_calc_row_lines(&d->src[f->src], f->cur);
		f->first_of_row = 1;
	}
	while (f->dup < d->n && (d->d[f->dup].src < f->src ||
	       (d->d[f->dup].src == f->src && d->d[f->dup].row < f->cur)))
		f->dup++;
	f->x = NULL;
	if (f->dup < d->n && d->d[f->dup].src == f->src && d->d[f->dup].row == f->cur)
		f->x = &d->d[f->dup];
	return 0;
}

/* A line of a duplicate row, dropped: its amount comes off the totals,
 * and the row's first line gives the case_id of its reject. 0, -1 (not a
 * line of ours) or PAYROLL_ENOMEM. */
static int
drop_line(struct filter *f, const char *line, size_t n)
{
	struct payroll_calc_dup *x = f->x;
	char program[24], item[88], amount[40];
	int64_t fen;
	const char *why;

	if (f->first_of_row) {
		char case_id[DUP_CASE_ID_MAX + 1];

		payroll_readback_field(line, n, PAYROLL_LEDGER_POS_CASE_ID, case_id, sizeof case_id);
		if (!(x->case_id = strdup(case_id)))
			return PAYROLL_ENOMEM;
	}
	f->first_of_row = 0;
	payroll_readback_field(line, n, PAYROLL_LEDGER_POS_PROGRAM, program, sizeof program);
	payroll_readback_field(line, n, PAYROLL_LEDGER_POS_ITEM, item, sizeof item);
	payroll_readback_field(line, n, PAYROLL_LEDGER_POS_AMOUNT, amount, sizeof amount);
	if (payroll_money_parse(amount, strlen(amount), &fen, &why) ||
	    payroll_calc_report_add(f->d->rep, &f->d->hint, program, item, -fen, -1) < 0)
		return -1;
	return 0;
}

/* The ledger without the lines of rows rejected as duplicates: 1 keep the
 * line, 0 drop it, -1 the lines do not match the rows, or PAYROLL_ENOMEM. */
static int
ledger_keep(struct filter *f, const char *line, size_t n)
{
	if (f->remaining == 0 && next_row(f))
		return -1;
	f->remaining--;
	return f->x ? drop_line(f, line, n) : 1;
}

int
payroll_calc_dups_copy(struct payroll_calc_dups *d, struct payroll_outfile **from,
		       const char *target, int is_ledger, int grants)
{
	struct payroll_outfile *to = NULL;
	struct payroll_readback in = { 0 };
	struct filter f = { d, 0, 0, 0, 0, 0, 0, NULL };
	const char *line;
	size_t n, di = 0;
	off_t at;
	int rc, first = 1, keep;

	in.fd = payroll_outfile_readback(*from, d->err);
	if (in.fd < 0)
		return in.fd;
	in.cap = 1 << 20;
	in.buf = malloc(in.cap);
	rc = in.buf ? payroll_outfile_open(&to, target, 0, d->err) : PAYROLL_ENOMEM;
	while (rc == 0 && (rc = payroll_readback_next(&in, &line, &n, &at)) == 1) {
		rc = 0;
		keep = 1;
		if (first) {
			first = 0;
		} else if (is_ledger) {
			keep = ledger_keep(&f, line, n);
		} else {
			char num[24];
			int src = grants && at >= d->src[1].rejects_from ? 1 : 0;
			long ln;

			payroll_readback_field(line, n, 1, num, sizeof num);
			ln = strtol(num, NULL, 10);
			while (rc == 0 && di < d->n && (d->d[di].src < src ||
			       (d->d[di].src == src && d->d[di].line < ln)))
				rc = emit(d, to, &d->d[di++]);
		}
		if (keep == PAYROLL_ENOMEM)
			rc = keep;
		else if (keep < 0)
			rc = payroll_error_set(d->err, PAYROLL_EINTERNAL, target, 0, 0, "internal",
					       "ledger lines do not match the rows read");
		else if (rc == 0 && keep && payroll_outfile_write(to, line, n))
			rc = PAYROLL_EIO;
	}
	while (rc == 0 && !is_ledger && di < d->n)
		rc = emit(d, to, &d->d[di++]);
	if (rc < 0 && !d->err->message[0])
		payroll_error_errno(d->err, rc, target, "cannot copy output");
	close(in.fd);
	free(in.buf);
	payroll_outfile_abort(*from);
	*from = to;
	return rc < 0 ? rc : 0;
}

/*
 * The next line of in, found here while in's buffer holds it; only when it
 * does not is what was kept since *from written (cutting: the buffer is
 * about to move) and the line read through payroll_readback_next. As
 * payroll_readback_next, and PAYROLL_EIO (a write failed).
 */
static int
cut_next(struct payroll_readback *in, struct payroll_outfile *ledger, int cutting,
	 size_t *from, const char **line, size_t *n, off_t *at)
{
	char *nl = memchr(in->buf + in->pos, '\n', in->len - in->pos);
	int rc;

	if (nl) {
		*line = in->buf + in->pos;
		*n = (size_t)(nl - *line) + 1;
		*at = in->off + (off_t)in->pos;
		in->pos += *n;
		return 1;
	}
	if (cutting && in->pos > *from &&
	    payroll_outfile_write(ledger, in->buf + *from, in->pos - *from))
		return PAYROLL_EIO;
	rc = payroll_readback_next(in, line, n, at);
	*from = rc == 1 ? (size_t)(*line - in->buf) : in->pos;	/* the buffer moved */
	return rc;
}

int
payroll_calc_dups_cut_ledger(struct payroll_calc_dups *d, struct payroll_outfile *ledger,
			     const char *path)
{
	struct payroll_readback in = { 0 };
	struct filter f = { d, 0, 0, 0, 0, 0, 0, NULL };
	const char *line;
	size_t n, from = 0;	/* in.buf[from, in.pos): kept lines not written again yet */
	off_t at;
	int rc, keep, header = 1, cutting = 0;

	in.fd = payroll_outfile_readback(ledger, d->err);
	if (in.fd < 0)
		return in.fd;
	in.cap = 1 << 20;
	in.buf = malloc(in.cap);
	rc = in.buf ? 0 : PAYROLL_ENOMEM;
	while (rc == 0 && (rc = cut_next(&in, ledger, cutting, &from, &line, &n, &at)) == 1) {
		rc = 0;
		keep = header ? 1 : ledger_keep(&f, line, n);
		header = 0;
		if (keep == PAYROLL_ENOMEM) {
			rc = keep;
		} else if (keep < 0) {
			rc = payroll_error_set(d->err, PAYROLL_EINTERNAL, path, 0, 0, "internal",
					       "ledger lines do not match the rows read");
		} else if (!keep) {
			/* the kept lines before this one move back in one write */
			if (!cutting)
				rc = payroll_outfile_rewrite_from(ledger, at), cutting = 1;
			else if (line > in.buf + from)
				rc = payroll_outfile_write(ledger, in.buf + from,
							   (size_t)(line - (in.buf + from)));
			from = in.pos;
		}
	}
	if (rc == 0 && cutting && in.pos > from)
		rc = payroll_outfile_write(ledger, in.buf + from, in.pos - from);
	if (rc < 0 && !d->err->message[0])
		payroll_error_errno(d->err, rc, path, "cannot copy output");
	close(in.fd);
	free(in.buf);
	return rc < 0 ? rc : 0;
}

void
payroll_calc_dups_release(struct payroll_calc_dups *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->d[i].message);
		free(d->d[i].case_id);
	}
	free(d->d);
	payroll_buf_release(&d->buf);
	memset(d, 0, sizeof *d);
}
