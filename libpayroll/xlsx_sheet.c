/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx_sheet.h"
#include "xlsx_part.h"
#include "xlsx_value.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "banned.h"

/* A cell value larger than this makes the sheet unusable (as for CSV). */
#define CELL_LIMIT ((size_t)16 * 1024 * 1024)
#define MAX_COL 16384		/* XFD */
#define MAX_ROW 1048576L

/* On one thread the inflated part is fed to the push parser in pieces of
 * this size; its handlers see each element and run of text as it is
 * parsed, so that no node is built and no text copied that is not kept. */
#define CHUNK ((size_t)64 * 1024)

/* What a t attribute says a cell holds. */
enum cell_type { T_NUMBER, T_SHARED, T_DATE_TEXT, T_BOOL, T_ERROR, T_STRING };

/* A complete row waiting to be handed out: cells[first .. first + n). */
struct queued_row {
	long row;
	size_t first, n;
};

/* Complete rows and, while parsing, the row being parsed after them. Until
 * a row is handed out, a cell's v is an offset in text and its n may
 * carry SHARED (the text is a shared string's index) or NUMBER (a stored
 * number, to be shown as Excel shows it). */
struct rowset {
	struct payroll_buf text;
	struct payroll_xlsx_cell *cells;
	size_t ncells, cells_cap;
	struct queued_row *rows;
	size_t nrows, rows_cap, rows_next;
};

#define SHARED (~(SIZE_MAX >> 1))
#define NUMBER (SHARED >> 1)	/* a number cell's stored text: to be shown */
#define NO_STRING "refers to a shared string the workbook does not have"

/* The sheet's thread hands rows over in batches of this many rows (or
 * fewer when their values pass BATCH_TEXT bytes). */
#define BATCH_ROWS 2048
#define BATCH_TEXT ((size_t)256 * 1024)

struct payroll_xlsx_sheet {
	char path[PAYROLL_PATH_MAX];
	char part[512];
	struct payroll_xlsx_sst *sst;
	const unsigned char *xf_date;	/* cell style -> is a date format */
	size_t nxf;

	struct payroll_xlsx_part *zp;
	xmlParserCtxtPtr ctx;
	char *chunk;		/* one thread: the piece fed to the parser */
	int done;		/* one thread: the sheet was parsed to its end */
	int prc;		/* an error found while parsing: handed out after */
	struct payroll_error perr;	/* the rows parsed before it */

	/* where the parser is */
	int depth;		/* of the element being parsed */
	int text_depth;		/* <v> or <is> whose text is kept; 0: none */
	int rph_depth;		/* an <rPh> in it, whose text is not; 0: none */
	int skip_depth;		/* another child of <c> (<f>...); 0: none */
	int row_depth, c_depth;
	long next_row;		/* a row without r= is the one after the last */
	long row;
	char rdig[8];		/* its number's digits */
	int rdig_n;
	int lastcol;
	size_t row_first, row_text;	/* where the row's cells and values start */
	int col;		/* the cell being parsed */
	enum cell_type type;
	long style;
	int have_v;
	size_t v_start;		/* its stored text: w.text from here */

	/* the rows being parsed (w); with the sheet's thread, the batch the
	 * caller is being handed (o), swapped under mu */
	struct rowset w, o;
	struct rowset *out;	/* the one payroll_xlsx_sheet_next hands out: w or o */

	/* the sheet's thread: it parses into w and swaps it with o when o
	 * has been handed out (o_ready 0); the last batch says o_end and
	 * carries the outcome in o_rc, o_err */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	int o_ready, o_end, o_rc, stop;
	struct payroll_error o_err;
	/* the caller's side only: it holds o (taken under mu, o_ready 1);
	 * until then o, o_end, o_rc and o_err are the thread's */
	int o_held;
	struct payroll_buf conv;	/* the caller's: numbers of the row handed out */
	int crc;		/* an error the caller's side handed out */
	struct payroll_error cerr;
};

static int
name_is(const xmlChar *name, const char *want)
{
	return !strcmp((const char *)name, want);
}

/* A handler found an error (in x->prc and x->perr): parse no further. */
static void
parse_stop(struct payroll_xlsx_sheet *x)
{
	xmlStopParser(x->ctx);
}

/* Text of <v> or <is> appended to the rows' text, phonetic runs (<rPh>,
 * the furigana or pinyin Excel keeps beside East Asian text) left out. */
static void
keep_text(struct payroll_xlsx_sheet *x, const xmlChar *ch, int len)
{
	if (x->w.text.len - x->v_start + (size_t)len > CELL_LIMIT) {
		char where[24];

		payroll_xlsx_colname(x->col, where);
		snprintf(where + strlen(where), sizeof where - strlen(where), "%ld", x->row);
		x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					   "%s: %s: a value over 16 MiB", x->part, where);
	} else if (payroll_buf_add(&x->w.text, ch, (size_t)len)) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
	}
	if (x->prc)
		parse_stop(x);
}

/* The part cannot be inflated: the error for x->prc. */
static void
read_failed(struct payroll_xlsx_sheet *x)
{
	x->prc = payroll_xlsx_part_unreadable(&x->perr, x->path, x->part,
					      payroll_xlsx_part_strerror(x->zp));
}

/* Feed the next piece of the part to the parser: 1, 0 when the part has
 * been parsed to its end; an error (a handler's, kept in x->prc and
 * x->perr, or the part's) is left in x->prc. */
static int
sax_feed(struct payroll_xlsx_sheet *x)
{
	long n = payroll_xlsx_part_read(x->zp, x->chunk, CHUNK);
	int rc;

	if (n < 0) {
		read_failed(x);
		return 0;
	}
	rc = xmlParseChunk(x->ctx, x->chunk, (int)n, n == 0);
	if (!x->prc && (rc != 0 || !x->ctx->wellFormed))
		x->prc = payroll_xlsx_part_bad_xml(&x->perr, x->path, x->part);
	return n > 0 && !x->prc;
}

static int
cell_failed(struct payroll_xlsx_sheet *x, long row, int col, struct payroll_error *err,
	    const char *why)
{
	char name[8];

	payroll_xlsx_colname(col, name);
	return payroll_error_set(err, PAYROLL_EFORMAT, x->path, row, col, "bad-xlsx",
				 "%s%ld: %s", name, row, why);
}

/* [p, end) as a number when it is all digits (leading zeros allowed);
 * -1 when it is not, or over 2^31. */
static long
digits(const xmlChar *p, const xmlChar *end)
{
	long v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++)
		if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 2147483647L)
			return -1;
	return v;
}

static void
sheet_failed(struct payroll_xlsx_sheet *x, int col, const char *why)
{
	x->prc = cell_failed(x, x->row, col, &x->perr, why);
	parse_stop(x);
}

/* <row r="17">: start a row. */
static void
row_start(struct payroll_xlsx_sheet *x, int nattr, const xmlChar **a)
{
	long r = x->next_row;
	char tmp[8];
	int i;

	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *v = a[3], *end = a[4];

		if (a[0][0] != 'r' || a[0][1])
			continue;
		r = digits(v, end);
		if (r < x->next_row || r > MAX_ROW) {
			char shown[32];

			snprintf(shown, sizeof shown, "%.*s", (int)(end - v), (const char *)v);
			x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, x->next_row, 0,
						   "bad-xlsx", "row number '%s' out of order", shown);
			parse_stop(x);
			return;
		}
	}
	x->row = r;
	x->next_row = r + 1;
	x->lastcol = 0;
	for (x->rdig_n = 0; r; r /= 10)
		tmp[x->rdig_n++] = (char)('0' + r % 10);
	for (i = 0; i < x->rdig_n; i++)
		x->rdig[i] = tmp[x->rdig_n - 1 - i];
	x->row_first = x->w.ncells;
	x->row_text = x->w.text.len;
	x->row_depth = x->depth;
}

/* "C17" in [p, end), in row 17 -> column 3. 0, or -1 when it is not a
 * reference to a cell of the row (its digits compared with the row's:
 * cheaper than reading them). */
static int
parse_ref(const struct payroll_xlsx_sheet *x, const xmlChar *p, const xmlChar *end, int *col)
{
	long c = 0;

	for (; p < end && *p >= 'A' && *p <= 'Z'; p++)
		if ((c = c * 26 + (*p - 'A' + 1)) > MAX_COL)
			return -1;
	if (!c || end - p != x->rdig_n || memcmp(p, x->rdig, (size_t)x->rdig_n))
		return -1;
	*col = (int)c;
	return 0;
}

static enum cell_type
cell_type(const xmlChar *v, const xmlChar *end)
{
	if (end - v != 1)
		return T_STRING;	/* str (a formula's text), inlineStr */
	switch (v[0]) {
	case 's':
		return T_SHARED;
	case 'n':
		return T_NUMBER;
	case 'd':
		return T_DATE_TEXT;
	case 'b':
		return T_BOOL;
	case 'e':
		return T_ERROR;
	default:
		return T_STRING;
	}
}

/* <c r="C17" t="s" s="3">: start a cell. */
static void
cell_start(struct payroll_xlsx_sheet *x, int nattr, const xmlChar **a)
{
	int i, col = x->lastcol + 1;

	x->type = T_NUMBER;
	x->style = -1;
	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *ln = a[0], *v = a[3], *end = a[4];

		if (ln[0] == 0 || ln[1])
			continue;
		if (ln[0] == 'r') {
			if (parse_ref(x, v, end, &col)) {
				sheet_failed(x, x->lastcol + 1,
					     "a cell reference out of place or not a cell reference");
				return;
			}
		} else if (ln[0] == 't') {
			x->type = cell_type(v, end);
		} else if (ln[0] == 's') {
			x->style = v == end ? 0 : digits(v, end);
		}
	}
	if (col <= x->lastcol || col > MAX_COL) {
		sheet_failed(x, col > MAX_COL ? MAX_COL : col, "cells out of order");
		return;
	}
	x->lastcol = x->col = col;
	x->have_v = 0;
	x->v_start = x->w.text.len;
	x->c_depth = x->depth;
}

static struct payroll_xlsx_cell *
new_cell(struct payroll_xlsx_sheet *x)
{
	struct rowset *w = &x->w;

	if (payroll_grow((void **)&w->cells, w->ncells, &w->cells_cap, sizeof *w->cells))
		return NULL;
	return &w->cells[w->ncells++];
}

/* </c>: the cell's value, its stored text already in the rows' text, is
 * kept as it is; a shared string's index and a number are made values by
 * the caller's side when the row is handed out (hand_out), so that the
 * sheet's thread, the busiest, only parses. */
static void
cell_end(struct payroll_xlsx_sheet *x)
{
	struct rowset *w = &x->w;
	struct payroll_xlsx_cell *c;
	size_t start = x->v_start, n = w->text.len - start;

	x->c_depth = 0;
	if (!x->have_v || n == 0) {
		w->text.len = start;
		return;
	}
	if (payroll_buf_addch(&w->text, '\0') || !(c = new_cell(x))) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	c->col = x->col;
	c->kind = PAYROLL_CELL_TEXT;
	/* an offset now, a pointer when the row is handed out (text moves) */
	c->v = (const char *)(uintptr_t)start;
	c->n = n;
	switch (x->type) {
	case T_SHARED:
		c->n |= SHARED;
		break;
	case T_NUMBER:
		c->n |= NUMBER;
		c->kind = x->style >= 0 && (size_t)x->style < x->nxf && x->xf_date[x->style] ?
			PAYROLL_CELL_DATE : PAYROLL_CELL_NUMBER;
		break;
	case T_BOOL:
		c->kind = PAYROLL_CELL_BOOL;
		c->n = n == 1 && w->text.p[start] == '0' ? 5 : 4;
		w->text.len = start;
		if (payroll_buf_add(&w->text, c->n == 5 ? "FALSE" : "TRUE", c->n + 1)) {
			x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
			parse_stop(x);
		}
		break;
	case T_ERROR:
		c->kind = PAYROLL_CELL_ERROR;
		break;
	case T_DATE_TEXT:	/* an ISO 8601 date cell: its text */
	case T_STRING:
		break;
	}
}

static void handoff(struct payroll_xlsx_sheet *x, int end);

/* </row>: queue it when it has a cell with a value; with the sheet's
 * thread, hand a full batch over. */
static void
row_end(struct payroll_xlsx_sheet *x)
{
	struct rowset *w = &x->w;

	x->row_depth = 0;
	if (w->ncells == x->row_first)
		return;
	if (payroll_grow((void **)&w->rows, w->nrows, &w->rows_cap, sizeof *w->rows)) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	w->rows[w->nrows].row = x->row;
	w->rows[w->nrows].first = x->row_first;
	w->rows[w->nrows++].n = w->ncells - x->row_first;
	if (x->threaded && (w->nrows >= BATCH_ROWS || w->text.len >= BATCH_TEXT))
		handoff(x, 0);
}

/* Rows anywhere, cells in rows, and of a cell's children the text of <v>
 * or <is>; the rest (<f>, <extLst>...) is passed over. */
static void
sheet_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
	    int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct payroll_xlsx_sheet *x = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	x->depth++;
	if (x->text_depth) {
		if (!x->rph_depth && name_is(name, "rPh"))
			x->rph_depth = x->depth;
	} else if (x->skip_depth) {
		return;
	} else if (x->c_depth) {
		if ((name[0] == 'v' && !name[1]) || name_is(name, "is")) {
			x->w.text.len = x->v_start;	/* a second <v>: the last */
			x->have_v = 1;
			x->text_depth = x->depth;
		} else {
			x->skip_depth = x->depth;
		}
	} else if (x->row_depth) {
		if (name[0] == 'c' && !name[1])
			cell_start(x, nattr, attrs);
	} else if (name_is(name, "row")) {
		row_start(x, nattr, attrs);
	}
}

static void
sheet_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct payroll_xlsx_sheet *x = ctx;

	(void)name, (void)prefix, (void)uri;
	if (x->depth == x->rph_depth)
		x->rph_depth = 0;
	else if (x->depth == x->text_depth)
		x->text_depth = 0;
	else if (x->depth == x->skip_depth)
		x->skip_depth = 0;
	else if (x->depth == x->c_depth)
		cell_end(x);
	else if (x->depth == x->row_depth)
		row_end(x);
	x->depth--;
}

static void
sheet_text(void *ctx, const xmlChar *ch, int len)
{
	struct payroll_xlsx_sheet *x = ctx;

	if (x->text_depth && !x->rph_depth)
		keep_text(x, ch, len);
}

/* The rows handed out are dropped; the row being parsed moves to the
 * front (one thread: the rows of the piece just parsed). */
static void
drop_rows(struct payroll_xlsx_sheet *x)
{
	struct rowset *w = &x->w;
	size_t i, ncells = w->ncells - x->row_first, ntext = w->text.len - x->row_text;

	if (!x->row_depth)
		ncells = ntext = 0;
	if (ncells)
		memmove(w->cells, w->cells + x->row_first, ncells * sizeof *w->cells);
	for (i = 0; i < ncells; i++)
		w->cells[i].v = (const char *)((uintptr_t)w->cells[i].v - x->row_text);
	if (ntext)
		memmove(w->text.p, w->text.p + x->row_text, ntext);
	w->ncells = ncells;
	w->text.len = ntext;
	if (x->row_depth)
		x->v_start -= x->row_text;
	x->row_first = x->row_text = 0;
	w->nrows = w->rows_next = 0;
}

/*
 * The sheet's thread. Unless PAYROLL_THREADS=1 is in the environment, the
 * sheet is inflated and parsed (libxml2's pull parser, xmlParseDocument,
 * over zip_fread) by a second thread, which hands the rows over in
 * batches: the caller's side hands out the rows of one batch while the
 * thread parses the next, so that the parsing overlaps with whatever the
 * caller does with the rows. The last batch carries the outcome (the end
 * or the error, after the rows before it, as with one thread). The thread
 * is the only one to touch the zip, the parser and w while it runs; o and
 * the flags are shared under mu.
 */
static void
rowset_swap(struct rowset *a, struct rowset *b)
{
	struct rowset t = *a;

	*a = *b;
	*b = t;
}

/* The thread's side: w becomes o once the caller is done with o; w is
 * then empty. end: the last batch, with x->prc, x->perr. */
static void
handoff(struct payroll_xlsx_sheet *x, int end)
{
	pthread_mutex_lock(&x->mu);
	while (x->o_ready && !x->stop)
		pthread_cond_wait(&x->freed, &x->mu);
	if (x->stop) {
		pthread_mutex_unlock(&x->mu);
		xmlStopParser(x->ctx);
		return;
	}
	rowset_swap(&x->w, &x->o);
	x->o_ready = 1;
	x->o_end = end;
	if (end) {
		x->o_rc = x->prc;
		if (x->prc)
			x->o_err = x->perr;
	}
	pthread_cond_signal(&x->filled);
	pthread_mutex_unlock(&x->mu);
	payroll_buf_reset(&x->w.text);
	x->w.ncells = x->w.nrows = x->w.rows_next = 0;
	x->row_first = x->row_text = 0;
}

/* libxml2's read callback: the sheet's inflated bytes. */
static int
sheet_read(void *ctx, char *buf, int len)
{
	struct payroll_xlsx_sheet *x = ctx;
	long n = payroll_xlsx_part_read(x->zp, buf, (size_t)len);

	if (n < 0 && !x->prc)
		read_failed(x);
	return (int)n;
}

static void *
sheet_thread(void *arg)
{
	struct payroll_xlsx_sheet *x = arg;
	int rc = xmlParseDocument(x->ctx);

	if (!x->prc && (rc != 0 || !x->ctx->wellFormed))
		x->prc = payroll_xlsx_part_bad_xml(&x->perr, x->path, x->part);
	handoff(x, 1);
	return NULL;
}

/* Start the thread over the open part x->zp: 1, 0 when it could not be
 * started (the caller goes on with one thread), or an error. */
static int
thread_start(struct payroll_xlsx_sheet *x, struct payroll_error *err)
{
	if (!(x->ctx = payroll_xlsx_part_parser(x->part, sheet_start, sheet_end, sheet_text, x,
						sheet_read)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	if (pthread_mutex_init(&x->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&x->filled, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&x->freed, NULL) != 0)
		goto fail_filled;
	x->threaded = 1;
	if (pthread_create(&x->thread, NULL, sheet_thread, x) == 0) {
		x->out = &x->o;
		return 1;
	}
	x->threaded = 0;
	pthread_cond_destroy(&x->freed);
fail_filled:
	pthread_cond_destroy(&x->filled);
fail_mu:
	pthread_mutex_destroy(&x->mu);
fail:
	xmlFreeParserCtxt(x->ctx);
	x->ctx = NULL;
	return 0;
}

static void
thread_stop(struct payroll_xlsx_sheet *x)
{
	pthread_mutex_lock(&x->mu);
	x->stop = 1;
	pthread_cond_signal(&x->freed);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->thread, NULL);
	pthread_cond_destroy(&x->freed);
	pthread_cond_destroy(&x->filled);
	pthread_mutex_destroy(&x->mu);
	x->threaded = 0;
}

/* The next batch from the thread into x->o: 1, or 0 when o was the last
 * (its outcome in x->o_end, o_rc, o_err). */
static int
next_batch(struct payroll_xlsx_sheet *x)
{
	if (x->o_held && x->o_end)
		return 0;
	pthread_mutex_lock(&x->mu);
	if (x->o_held) {	/* give the batch handed out back */
		x->o_ready = 0;
		pthread_cond_signal(&x->freed);
	}
	while (!x->o_ready)
		pthread_cond_wait(&x->filled, &x->mu);
	pthread_mutex_unlock(&x->mu);
	x->o_held = 1;
	return 1;
}

/* Cell c of row row handed out fails: why. */
static int
hand_out_failed(struct payroll_xlsx_sheet *x, long row, const struct payroll_xlsx_cell *c,
		const char *why, struct payroll_error *err)
{
	x->crc = cell_failed(x, row, c->col, &x->cerr, why);
	*err = x->cerr;
	return x->crc;
}

/* A number cell c's stored text (s, n bytes) as Excel shows it: s itself
 * when it is so already, else in x->conv, c->v an offset in it and c->n
 * with NUMBER until the row's cells are all done. 0 or an error. */
static int
show_number(struct payroll_xlsx_sheet *x, long row, struct payroll_xlsx_cell *c, const char *s,
	    size_t n, struct payroll_error *err)
{
	size_t start = x->conv.len;
	int rc;

	if (payroll_xlsx_number_plain(s, n)) {
		c->v = s;
		c->n = n;
		return 0;
	}
	if ((rc = payroll_xlsx_number(s, &x->conv)) == -1)
		return hand_out_failed(x, row, c, "a number cell that holds no number", err);
	if (rc || payroll_buf_addch(&x->conv, '\0')) {
		x->crc = payroll_error_errno(&x->cerr, PAYROLL_ENOMEM, x->path, "out of memory");
		*err = x->cerr;
		return x->crc;
	}
	c->v = (const char *)(uintptr_t)start;
	c->n = (x->conv.len - 1 - start) | NUMBER;
	return 0;
}

/* The next row of o handed out: its values made pointers, its shared
 * strings looked up (waiting for their thread if need be), its numbers
 * shown. 1, or an error. */
static int
hand_out(struct payroll_xlsx_sheet *x, struct rowset *o, long *row,
	 const struct payroll_xlsx_cell **cells, size_t *ncells, struct payroll_error *err)
{
	struct queued_row *q = &o->rows[o->rows_next++];
	struct payroll_xlsx_cell *c = o->cells + q->first, *end = c + q->n;
	int rc, converted = 0;

	for (; c < end; c++) {
		const char *v = o->text.p + (uintptr_t)c->v;
		size_t n = c->n & ~(SHARED | NUMBER);
		long k;

		if (c->n & SHARED) {
			k = digits((const xmlChar *)v, (const xmlChar *)v + n);
			if (k < 0)
				return hand_out_failed(x, q->row, c, NO_STRING, err);
			if ((rc = payroll_xlsx_sst_get(x->sst, (size_t)k, &c->v, &c->n, &x->cerr)) < 0) {
				*err = x->cerr;
				return x->crc = rc;
			}
			if (rc == 0)
				return hand_out_failed(x, q->row, c, NO_STRING, err);
		} else if (c->n & NUMBER) {
			if (!converted)
				payroll_buf_reset(&x->conv);
			converted = 1;
			if ((rc = show_number(x, q->row, c, v, n, err)) != 0)
				return rc;
		} else {
			c->v = v;
		}
	}
	c = o->cells + q->first;
	for (; converted && c < end; c++)
		if (c->n & NUMBER) {
			c->v = x->conv.p + (uintptr_t)c->v;
			c->n &= ~NUMBER;
		}
	*row = q->row;
	*cells = o->cells + q->first;
	*ncells = q->n;
	return 1;
}

/* The sheet's outcome rc (with perr): at the end, the shared strings'. */
static int
outcome(struct payroll_xlsx_sheet *x, int rc, const struct payroll_error *perr,
	struct payroll_error *err)
{
	if (rc == 0)
		rc = payroll_xlsx_sst_finish(x->sst, &x->cerr);
	else
		x->cerr = *perr;
	if ((x->crc = rc) != 0)
		*err = x->cerr;
	return rc;
}

int
payroll_xlsx_sheet_next(struct payroll_xlsx_sheet *x, long *row,
			const struct payroll_xlsx_cell **cells, size_t *ncells,
			struct payroll_error *err)
{
	if (x->crc) {
		*err = x->cerr;
		return x->crc;
	}
	for (;;) {
		struct rowset *o = x->out;

		/* with the thread, o is read only once it is held */
		if ((!x->threaded || x->o_held) && o->rows_next < o->nrows)
			return hand_out(x, o, row, cells, ncells, err);
		if (x->threaded) {
			if (!next_batch(x))
				return outcome(x, x->o_rc, &x->o_err, err);
		} else if (x->prc || x->done) {
			return outcome(x, x->prc, &x->perr, err);
		} else {
			drop_rows(x);
			if (!sax_feed(x))
				x->done = 1;
		}
	}
}

static void
rowset_release(struct rowset *r)
{
	payroll_buf_release(&r->text);
	free(r->cells);
	free(r->rows);
}


int
payroll_xlsx_sheet_open(struct payroll_xlsx_sheet **out, zip_t *zip, const char *partname,
			const char *path, struct payroll_xlsx_sst *sst,
			const unsigned char *xf_date, size_t nxf, int threaded,
			struct payroll_error *err)
{
	zip_int64_t idx = zip_name_locate(zip, partname, 0);
	struct payroll_xlsx_sheet *x;
	zip_file_t *zf;
	int rc;

	*out = NULL;
	if (idx < 0)
		return 0;
	if (!(x = calloc(1, sizeof *x)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	snprintf(x->path, sizeof x->path, "%s", path);
	snprintf(x->part, sizeof x->part, "%s", partname);
	x->sst = sst;
	x->xf_date = xf_date;
	x->nxf = nxf;
	x->next_row = 1;
	x->out = &x->w;
	if (!(zf = zip_fopen_index(zip, (zip_uint64_t)idx, 0))) {
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-xlsx",
				       "cannot read %s from the workbook: %s", partname,
				       zip_strerror(zip));
		goto fail;
	}
	if (!(x->zp = payroll_xlsx_part_open(zf, threaded)))
		goto no_memory;
	if (threaded && (rc = thread_start(x, err)) != 0) {
		if (rc < 0)
			goto fail;
		*out = x;
		return 1;
	}
	if (!(x->chunk = malloc(CHUNK)) ||
	    !(x->ctx = payroll_xlsx_part_parser(x->part, sheet_start, sheet_end, sheet_text, x, NULL)))
		goto no_memory;
	*out = x;
	return 1;
no_memory:
	rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
fail:
	payroll_xlsx_sheet_close(x);
	return rc;
}

void
payroll_xlsx_sheet_close(struct payroll_xlsx_sheet *x)
{
	if (!x)
		return;
	if (x->threaded)
		thread_stop(x);
	if (x->ctx)
		xmlFreeParserCtxt(x->ctx);
	payroll_xlsx_part_close(x->zp);
	rowset_release(&x->w);
	rowset_release(&x->o);
	payroll_buf_release(&x->conv);
	free(x->chunk);
	free(x);
}
