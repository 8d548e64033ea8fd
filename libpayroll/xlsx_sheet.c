/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE 1	/* memmem */
#include "xlsx_sheet.h"
#include "xlsx_part.h"
#include "xlsx_value.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "handover.h"
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
#define LOOKED (NUMBER >> 1)	/* a shared string looked up ahead: v is it */
#define NO_STRING "refers to a shared string the workbook does not have"

/*
 * Threaded, the sheet is cut into segments of about SEGMENT bytes, each
 * cut where a <row start tag begins, and two sheet threads parse them
 * (even segments one, odd ones the other), a ring of NSEG segments each.
 * A segment after the first is parsed as the bytes of the sheet up to and
 * with <sheetData> (the header), then its own bytes, then TRAILER, laid
 * one after the other in its buffer, which libxml2 reads. That
 * parse is well-formed only if the cut after it is where the sheet's
 * parser would stand between two children of <sheetData>, not inside a
 * comment, a CDATA section or a tag: a segment well-formed with the
 * trailer confirms the next one's start, and the first one starts at the
 * start. A segment that is not, or whose parse found anything it cannot
 * judge alone (an error, a row without r=, a first row numbered before
 * the rows handed out), is parsed again from its start, with the rest of
 * the sheet, by the push parser on the caller's thread, which gives what
 * one parser would have given (the rows, the error and its message).
 */
#ifndef SEGMENT
#define SEGMENT ((size_t)512 * 1024)
#endif
#define NSEG 2
#define TRAILER "</sheetData></worksheet>"
#define HEADER_MAX ((size_t)64 * 1024)
#define RESTART 1		/* a segment's prc: parse it again in order */

/* A parser's place in the sheet and the rows it parsed (into w). */
struct parse {
	const struct payroll_xlsx_sheet *x;
	xmlParserCtxtPtr ctx;
	struct rowset *w;
	int prc;		/* an error found while parsing: handed out after */
	struct payroll_error perr;	/* the rows parsed before it */
	int depth;		/* of the element being parsed */
	int text_depth;		/* <v> or <is> whose text is kept; 0: none */
	int rph_depth;		/* an <rPh> in it, whose text is not; 0: none */
	int skip_depth;		/* another child of <c> (<f>...); 0: none */
	int row_depth, c_depth;
	long next_row;		/* a row without r= is the one after the last; 0: unknown */
	long first_r;		/* the first row's number; 0: none yet */
	long row;
	char rdig[8];		/* its number's digits */
	int rdig_n;
	int lastcol;
	size_t row_first, row_text;	/* where the row's cells and values start */
	int col;		/* the cell being parsed */
	enum cell_type type;
	long style;
	int have_v;
	size_t v_start;		/* its stored text: w->text from here */
	const char *in;		/* a segment's input (header, bytes, trailer) */
	size_t in_len, in_pos;
};

/* A slot of a sheet thread's ring: the caller fills bytes, the thread
 * parses them into rows. */
struct segment {
	struct payroll_buf bytes;	/* the header, its own bytes, the trailer */
	size_t start, end;	/* its own bytes in them */
	long index;		/* in the sheet; -1: none (the sheet has ended) */
	int last;		/* ends where the part ends */
	int failed;		/* ends where the part could not be read */
	int rc;			/* 0, or RESTART */
	long first_r, end_row;	/* the parse's first_r and next_row */
	struct rowset rows;
};

struct worker {
	const struct payroll_xlsx_sheet *x;
	struct payroll_handover *h;	/* NULL: not running */
	struct segment seg[NSEG];
	struct parse p;
};

/* Bytes read already that the push parser is fed before the part's. */
struct pending {
	const char *p;
	size_t n;
};

struct payroll_xlsx_sheet {
	char path[PAYROLL_PATH_MAX];
	char part[512];
	struct payroll_xlsx_sst *sst;
	const unsigned char *xf_date;	/* cell style -> is a date format */
	size_t nxf;
	struct payroll_xlsx_part *zp;

	/* one thread, or from a segment parsed again on: the push parser */
	struct parse seq;
	struct rowset w;
	char *chunk;		/* the piece fed to the parser */
	int done;		/* the sheet was parsed to its end */
	struct pending pend[2 * NSEG + 2];
	int npend, ipend;
	size_t pend_pos;

	/* the sheet threads: segment k is wk[k % 2]'s */
	int split;
	struct worker *wk[2];
	struct payroll_buf header;	/* the sheet up to and with <sheetData> */
	struct payroll_buf carry;	/* read past the last cut: the next segment's */
	int eof;		/* the part has been read to its end (or failed) */
	long nfilled;		/* segments filled */
	long nused;		/* segments taken back */
	struct segment *cur;	/* the one being handed out */
	long next_row;		/* after the rows of the segments handed out */

	struct rowset *out;	/* the rows payroll_xlsx_sheet_next hands out */
	struct payroll_buf conv;	/* the caller's: numbers of the row handed out */
	int crc;		/* an error the caller's side handed out */
	struct payroll_error cerr;
};

static int
name_is(const xmlChar *name, const char *want)
{
	return !strcmp((const char *)name, want);
}

/* A handler found an error (in p->prc and p->perr): parse no further. */
static void
parse_stop(struct parse *p)
{
	xmlStopParser(p->ctx);
}

/* Start parsing into w, the next row next_row (0: not known). */
static void
parse_reset(struct parse *p, const struct payroll_xlsx_sheet *x, struct rowset *w, long next_row)
{
	memset(p, 0, sizeof *p);
	p->x = x;
	p->w = w;
	p->next_row = next_row;
	payroll_buf_reset(&w->text);
	w->ncells = w->nrows = w->rows_next = 0;
}

/* Text of <v> or <is> appended to the rows' text, phonetic runs (<rPh>,
 * the furigana or pinyin Excel keeps beside East Asian text) left out. */
static void
keep_text(struct parse *p, const xmlChar *ch, int len)
{
	if (p->w->text.len - p->v_start + (size_t)len > CELL_LIMIT) {
		char where[24];

		payroll_xlsx_colname(p->col, where);
		snprintf(where + strlen(where), sizeof where - strlen(where), "%ld", p->row);
		p->prc = payroll_error_set(&p->perr, PAYROLL_EFORMAT, p->x->path, 0, 0, "bad-xlsx",
					   "%s: %s: a value over 16 MiB", p->x->part, where);
	} else if (payroll_buf_add(&p->w->text, ch, (size_t)len)) {
		p->prc = payroll_error_errno(&p->perr, PAYROLL_ENOMEM, p->x->path, "out of memory");
	}
	if (p->prc)
		parse_stop(p);
}

static int
cell_failed(const struct payroll_xlsx_sheet *x, long row, int col, struct payroll_error *err,
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
sheet_failed(struct parse *p, int col, const char *why)
{
	p->prc = cell_failed(p->x, p->row, col, &p->perr, why);
	parse_stop(p);
}

/* <row r="17">: start a row. Without r= and the row before unknown (a
 * segment's first), the segment is parsed again in order. */
static void
row_start(struct parse *p, int nattr, const xmlChar **a)
{
	long r = p->next_row, least = p->next_row ? p->next_row : 1;
	char tmp[8];
	int i;

	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *v = a[3], *end = a[4];

		if (a[0][0] != 'r' || a[0][1])
			continue;
		r = digits(v, end);
		if (r < least || r > MAX_ROW) {
			char shown[32];

			snprintf(shown, sizeof shown, "%.*s", (int)(end - v), (const char *)v);
			p->prc = payroll_error_set(&p->perr, PAYROLL_EFORMAT, p->x->path, p->next_row,
						   0, "bad-xlsx", "row number '%s' out of order", shown);
			parse_stop(p);
			return;
		}
	}
	if (r == 0) {
		p->prc = RESTART;
		parse_stop(p);
		return;
	}
	if (!p->first_r)
		p->first_r = r;
	p->row = r;
	p->next_row = r + 1;
	p->lastcol = 0;
	for (p->rdig_n = 0; r; r /= 10)
		tmp[p->rdig_n++] = (char)('0' + r % 10);
	for (i = 0; i < p->rdig_n; i++)
		p->rdig[i] = tmp[p->rdig_n - 1 - i];
	p->row_first = p->w->ncells;
	p->row_text = p->w->text.len;
	p->row_depth = p->depth;
}

/* "C17" in [s, end), in row 17 -> column 3. 0, or -1 when it is not a
 * reference to a cell of the row (its digits compared with the row's:
 * cheaper than reading them). */
static int
parse_ref(const struct parse *p, const xmlChar *s, const xmlChar *end, int *col)
{
	long c = 0;
	int i;

	for (; s < end && *s >= 'A' && *s <= 'Z'; s++)
		if ((c = c * 26 + (*s - 'A' + 1)) > MAX_COL)
			return -1;
	if (!c || end - s != p->rdig_n)
		return -1;
	for (i = 0; i < p->rdig_n; i++)	/* a few digits: no call to memcmp */
		if (s[i] != (xmlChar)p->rdig[i])
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
cell_start(struct parse *p, int nattr, const xmlChar **a)
{
	int i, col = p->lastcol + 1;

	p->type = T_NUMBER;
	p->style = -1;
	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *ln = a[0], *v = a[3], *end = a[4];

		if (ln[0] == 0 || ln[1])
			continue;
		if (ln[0] == 'r') {
			if (parse_ref(p, v, end, &col)) {
				sheet_failed(p, p->lastcol + 1,
					     "a cell reference out of place or not a cell reference");
				return;
			}
		} else if (ln[0] == 't') {
			p->type = cell_type(v, end);
		} else if (ln[0] == 's') {
			p->style = v == end ? 0 : digits(v, end);
		}
	}
	if (col <= p->lastcol || col > MAX_COL) {
		sheet_failed(p, col > MAX_COL ? MAX_COL : col, "cells out of order");
		return;
	}
	p->lastcol = p->col = col;
	p->have_v = 0;
	p->v_start = p->w->text.len;
	p->c_depth = p->depth;
}

static struct payroll_xlsx_cell *
new_cell(struct rowset *w)
{
	if (payroll_grow((void **)&w->cells, w->ncells, &w->cells_cap, sizeof *w->cells))
		return NULL;
	return &w->cells[w->ncells++];
}

static void
out_of_memory(struct parse *p)
{
	p->prc = payroll_error_errno(&p->perr, PAYROLL_ENOMEM, p->x->path, "out of memory");
	parse_stop(p);
}

/* </c>: the cell's value, its stored text already in the rows' text, is
 * kept as it is; a shared string's index and a number are made values by
 * the caller's side when the row is handed out (hand_out), so that the
 * sheet's threads, the busiest, only parse. */
static void
cell_end(struct parse *p)
{
	struct rowset *w = p->w;
	struct payroll_xlsx_cell *c;
	size_t start = p->v_start, n = w->text.len - start;

	p->c_depth = 0;
	if (!p->have_v || n == 0) {
		w->text.len = start;
		return;
	}
	if (w->text.len + 1 < w->text.cap && w->ncells < w->cells_cap) {
		w->text.p[w->text.len++] = '\0';	/* as payroll_buf_addch, inline */
		w->text.p[w->text.len] = '\0';
		c = &w->cells[w->ncells++];
	} else if (payroll_buf_addch(&w->text, '\0') || !(c = new_cell(w))) {
		out_of_memory(p);
		return;
	}
	c->col = p->col;
	c->kind = PAYROLL_CELL_TEXT;
	/* an offset now, a pointer when the row is handed out (text moves) */
	c->v = (const char *)(uintptr_t)start;
	c->n = n;
	switch (p->type) {
	case T_SHARED:
		c->n |= SHARED;
		break;
	case T_NUMBER:
		c->n |= NUMBER;
		c->kind = p->style >= 0 && (size_t)p->style < p->x->nxf && p->x->xf_date[p->style] ?
			PAYROLL_CELL_DATE : PAYROLL_CELL_NUMBER;
		break;
	case T_BOOL:
		c->kind = PAYROLL_CELL_BOOL;
		c->n = n == 1 && w->text.p[start] == '0' ? 5 : 4;
		w->text.len = start;
		if (payroll_buf_add(&w->text, c->n == 5 ? "FALSE" : "TRUE", c->n + 1))
			out_of_memory(p);
		break;
	case T_ERROR:
		c->kind = PAYROLL_CELL_ERROR;
		break;
	case T_DATE_TEXT:	/* an ISO 8601 date cell: its text */
	case T_STRING:
		break;
	}
}

/* </row>: queue it when it has a cell with a value. */
static void
row_end(struct parse *p)
{
	struct rowset *w = p->w;

	p->row_depth = 0;
	if (w->ncells == p->row_first)
		return;
	if (payroll_grow((void **)&w->rows, w->nrows, &w->rows_cap, sizeof *w->rows)) {
		out_of_memory(p);
		return;
	}
	w->rows[w->nrows].row = p->row;
	w->rows[w->nrows].first = p->row_first;
	w->rows[w->nrows++].n = w->ncells - p->row_first;
}

/* Rows anywhere, cells in rows, and of a cell's children the text of <v>
 * or <is>; the rest (<f>, <extLst>...) is passed over. */
static void
sheet_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
	    int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct parse *p = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	p->depth++;
	if (p->text_depth) {
		if (!p->rph_depth && name_is(name, "rPh"))
			p->rph_depth = p->depth;
	} else if (p->skip_depth) {
		return;
	} else if (p->c_depth) {
		if ((name[0] == 'v' && !name[1]) || name_is(name, "is")) {
			p->w->text.len = p->v_start;	/* a second <v>: the last */
			p->have_v = 1;
			p->text_depth = p->depth;
		} else {
			p->skip_depth = p->depth;
		}
	} else if (p->row_depth) {
		if (name[0] == 'c' && !name[1])
			cell_start(p, nattr, attrs);
	} else if (name_is(name, "row")) {
		row_start(p, nattr, attrs);
	}
}

static void
sheet_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct parse *p = ctx;

	(void)name, (void)prefix, (void)uri;
	if (p->depth == p->rph_depth)
		p->rph_depth = 0;
	else if (p->depth == p->text_depth)
		p->text_depth = 0;
	else if (p->depth == p->skip_depth)
		p->skip_depth = 0;
	else if (p->depth == p->c_depth)
		cell_end(p);
	else if (p->depth == p->row_depth)
		row_end(p);
	p->depth--;
}

static void
sheet_text(void *ctx, const xmlChar *ch, int len)
{
	struct parse *p = ctx;
	struct payroll_buf *t = &p->w->text;

	if (!p->text_depth || p->rph_depth)
		return;
	/* a value's few bytes where there is room (the buffer's '\0' after
	 * them); else keep_text, which grows it and checks the limit */
	if ((size_t)len < t->cap - t->len && (size_t)len <= CELL_LIMIT - (t->len - p->v_start)) {
		memcpy(t->p + t->len, ch, (size_t)len);
		t->len += (size_t)len;
		t->p[t->len] = '\0';
	} else {
		keep_text(p, ch, len);
	}
}

/* The push parser's rows handed out are dropped; the row being parsed
 * moves to the front. */
static void
drop_rows(struct payroll_xlsx_sheet *x)
{
	struct parse *p = &x->seq;
	struct rowset *w = &x->w;
	size_t i, ncells = w->ncells - p->row_first, ntext = w->text.len - p->row_text;

	if (!p->row_depth)
		ncells = ntext = 0;
	if (ncells)
		memmove(w->cells, w->cells + p->row_first, ncells * sizeof *w->cells);
	for (i = 0; i < ncells; i++)
		w->cells[i].v = (const char *)((uintptr_t)w->cells[i].v - p->row_text);
	if (ntext)
		memmove(w->text.p, w->text.p + p->row_text, ntext);
	w->ncells = ncells;
	w->text.len = ntext;
	if (p->row_depth)
		p->v_start -= p->row_text;
	p->row_first = p->row_text = 0;
	w->nrows = w->rows_next = 0;
}

/* The part cannot be inflated: the push parser's error. */
static void
read_failed(struct payroll_xlsx_sheet *x)
{
	x->seq.prc = payroll_xlsx_part_unreadable(&x->seq.perr, x->path, x->part,
						  payroll_xlsx_part_strerror(x->zp));
}

/* The push parser's next bytes: those read already, then the part's
 * (into x->chunk). Their length, 0 at the end of the part, -1 when it
 * cannot be read. */
static long
next_bytes(struct payroll_xlsx_sheet *x, const char **b)
{
	struct pending *q = &x->pend[x->ipend];
	size_t n;

	if (x->ipend == x->npend) {
		*b = x->chunk;
		return payroll_xlsx_part_read(x->zp, x->chunk, CHUNK);
	}
	n = q->n - x->pend_pos < CHUNK ? q->n - x->pend_pos : CHUNK;
	*b = q->p + x->pend_pos;
	if ((x->pend_pos += n) == q->n) {
		x->ipend++;
		x->pend_pos = 0;
	}
	return (long)n;
}

/* Feed the next piece of the sheet to the push parser: 1, 0 when the
 * part has been parsed to its end; an error (a handler's, or the part's)
 * is left in x->seq.prc. */
static int
sax_feed(struct payroll_xlsx_sheet *x)
{
	const char *b;
	long n = next_bytes(x, &b);
	int rc;

	if (n < 0) {
		read_failed(x);
		return 0;
	}
	rc = xmlParseChunk(x->seq.ctx, b, (int)n, n == 0);
	if (!x->seq.prc && (rc != 0 || !x->seq.ctx->wellFormed))
		x->seq.prc = payroll_xlsx_part_bad_xml(&x->seq.perr, x->path, x->part);
	return n > 0 && !x->seq.prc;
}

static void
pend_add(struct payroll_xlsx_sheet *x, const char *p, size_t n)
{
	if (n) {
		x->pend[x->npend].p = p;
		x->pend[x->npend++].n = n;
	}
}

/* Parse on this thread with the push parser from the next row next_row
 * on, after the bytes read already (those of x->pend, then x->carry):
 * 0, or PAYROLL_ENOMEM, which is also the sheet's outcome. */
static int
seq_start(struct payroll_xlsx_sheet *x, long next_row)
{
	pend_add(x, x->carry.p, x->carry.len);
	parse_reset(&x->seq, x, &x->w, next_row);
	x->out = &x->w;
	if (!(x->chunk = malloc(CHUNK)) ||
	    !(x->seq.ctx = payroll_xlsx_part_parser(x->part, sheet_start, sheet_end, sheet_text,
						    &x->seq, NULL))) {
		x->seq.prc = payroll_error_errno(&x->seq.perr, PAYROLL_ENOMEM, x->path,
						 "out of memory");
		x->done = 1;
	}
	return x->seq.prc;
}

/* libxml2's read callback on a sheet thread: a segment's input. (Read
 * 4 KB at a time into libxml2's small buffer, the bytes are parsed while
 * in the cache; parsed from memory, libxml2 first copies the whole
 * segment into a buffer of its own, larger than L2: no faster that could
 * be measured, and 0.8 MiB more memory; bench/README.md, session 6.) */
static int
segment_read(void *ctx, char *buf, int len)
{
	struct parse *p = ctx;
	size_t n = p->in_len - p->in_pos;

	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, p->in + p->in_pos, n);
	p->in_pos += n;
	return (int)n;
}

/* A sheet thread: parse segment g into its rows (pull parser); g->rc 0
 * when the rows are those one parser would have given. */
static void
parse_segment(const struct payroll_xlsx_sheet *x, struct parse *p, struct segment *g)
{
	int rc;

	parse_reset(p, x, &g->rows, g->index == 0);
	p->in = g->bytes.p;
	p->in_len = g->bytes.len;
	if (!(p->ctx = payroll_xlsx_part_parser(x->part, sheet_start, sheet_end, sheet_text, p,
						segment_read))) {
		g->rc = RESTART;
		return;
	}
	rc = xmlParseDocument(p->ctx);
	g->rc = p->prc || rc != 0 || !p->ctx->wellFormed || g->failed ? RESTART : 0;
	g->first_r = p->first_r;
	g->end_row = p->next_row;
	xmlFreeParserCtxt(p->ctx);
	p->ctx = NULL;
}

static int
sheet_worker(struct payroll_handover *h, void *arg)
{
	struct worker *wk = arg;
	unsigned slot;

	while (payroll_handover_take(h, &slot) == 0) {
		if (wk->seg[slot].index >= 0)
			parse_segment(wk->x, &wk->p, &wk->seg[slot]);
		payroll_handover_release(h);
	}
	return 0;
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

/* The shared string whose index is the stored text v (n bytes), into *s
 * and *sn (untouched unless found): 1, 0 when v is no index or no string
 * has it, or an error (in *e). */
static int
shared_string(struct payroll_xlsx_sheet *x, const char *v, size_t n, const char **s,
	      size_t *sn, struct payroll_error *e)
{
	long k = digits((const xmlChar *)v, (const xmlChar *)v + n);

	return k < 0 ? 0 : payroll_xlsx_sst_get(x->sst, (size_t)k, s, sn, e);
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
		const char *v;
		size_t n;

		if (c->n & LOOKED) {	/* v is the string already */
			c->n &= ~LOOKED;
			continue;
		}
		v = o->text.p + (uintptr_t)c->v;
		n = c->n & ~(SHARED | NUMBER);
		if (c->n & SHARED) {
			if ((rc = shared_string(x, v, n, &c->v, &c->n, &x->cerr)) < 0) {
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

/* The shared strings of the rows of o looked up ahead, in one pass on
 * calc's thread: lookups that do not wait for each other overlap their
 * cache misses (the strings were written on their own thread), where one
 * at a time, among a row's other work, they do not. A cell whose lookup
 * fails, and those after it, are left to hand_out, which gives the error
 * in its row. */
static void
look_up_ahead(struct payroll_xlsx_sheet *x, struct rowset *o)
{
	struct payroll_xlsx_cell *c = o->cells, *end;
	struct payroll_error e;
	size_t n;

	if (!o->ncells)	/* cells may be NULL then */
		return;
	for (end = c + o->ncells; c < end; c++) {
		if (!(c->n & SHARED))
			continue;
		/* c->v, the text's offset, is left as it is when this fails */
		if (shared_string(x, o->text.p + (uintptr_t)c->v, c->n & ~SHARED, &c->v, &n,
				  &e) != 1)
			return;
		c->n = n | LOOKED;
	}
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

/* The offset of the first "<row" start tag in [from, n) of b, or 0. */
static size_t
find_row(const char *b, size_t from, size_t n)
{
	const char *s = b + from, *end = b + n;

	while (end - s > 4 && (s = memchr(s, '<', (size_t)(end - s - 4)))) {
		if (!memcmp(s + 1, "row", 3) && strchr(" \t\r\n>/", s[4]) && s[4])
			return (size_t)(s - b);
		s++;
	}
	return 0;
}

/* g's own bytes: what was read past the last cut, then the part's bytes
 * to SEGMENT and on to the next "<row" (which goes back to x->carry with
 * what was read after it), or to the part's end. 0, or PAYROLL_ENOMEM. */
static int
fill_bytes(struct payroll_xlsx_sheet *x, struct segment *g)
{
	struct payroll_buf *b = &g->bytes;
	size_t full = g->start + SEGMENT, from = full, cut;
	long n;

	if (x->carry.len && payroll_buf_add(b, x->carry.p, x->carry.len))
		return PAYROLL_ENOMEM;
	x->carry.len = 0;
	for (;;) {
		if (b->len >= full && (cut = find_row(b->p, from, b->len))) {
			if (payroll_buf_add(&x->carry, b->p + cut, b->len - cut))
				return PAYROLL_ENOMEM;
			b->len = cut;
			return 0;
		}
		if (b->len >= full)
			from = b->len - 4;
		if (payroll_buf_reserve(b, b->len < full ? full - b->len : 4096))
			return PAYROLL_ENOMEM;
		n = payroll_xlsx_part_read(x->zp, b->p + b->len,
					   b->len < full ? full - b->len : 4096);
		if (n <= 0) {
			x->eof = g->last = 1;
			g->failed = n < 0;
			return 0;
		}
		b->len += (size_t)n;
	}
}

/* Fill g with the next segment: after the first, the header; its own
 * bytes (fill_bytes); the trailer unless it ends the part. 0, or
 * PAYROLL_ENOMEM. */
static int
fill_segment(struct payroll_xlsx_sheet *x, struct segment *g)
{
	struct payroll_buf *b = &g->bytes;

	g->index = x->nfilled++;
	g->last = g->failed = 0;
	b->len = 0;
	if (g->index && payroll_buf_add(b, x->header.p, x->header.len))
		return PAYROLL_ENOMEM;
	g->start = b->len;
	if (fill_bytes(x, g))
		return PAYROLL_ENOMEM;
	g->end = b->len;
	if (!g->last && payroll_buf_add(b, TRAILER, strlen(TRAILER)))
		return PAYROLL_ENOMEM;
	return 0;
}

/* Whether the sheet's start (the first segment, s, n bytes) makes a
 * header for the segments after it: its bytes up to and with <sheetData>,
 * no row, no DOCTYPE, comment or CDATA in them, in UTF-8. */
static int
take_header(struct payroll_xlsx_sheet *x, const char *s, size_t n)
{
	const char *d = memmem(s, n < HEADER_MAX ? n : HEADER_MAX, "<sheetData>", 11);
	const char *enc;
	size_t len;

	if (!d || (s[0] != '<' && memcmp(s, "\xEF\xBB\xBF<", 4)))
		return 0;
	len = (size_t)(d - s) + 11;
	if (memmem(s, len, "<!", 2) || find_row(s, 0, len))
		return 0;
	enc = memmem(s, len, "encoding=", 9);
	if (enc && strncasecmp(enc + 10, "utf-8", 5))
		return 0;
	return payroll_buf_add(&x->header, s, len) == 0;
}

/* Hand segment g to its sheet thread: filled with the next one, or none
 * once the part has ended. 0 or PAYROLL_ENOMEM. */
static int
give(struct payroll_xlsx_sheet *x, struct worker *wk, struct segment *g)
{
	int rc = 0;

	if (x->eof)
		g->index = -1;
	else
		rc = fill_segment(x, g);
	payroll_handover_put(wk->h);
	return rc;
}

static void
workers_stop(struct payroll_xlsx_sheet *x)
{
	int i;

	for (i = 0; i < 2; i++)
		if (x->wk[i]) {
			payroll_handover_stop(x->wk[i]->h);
			x->wk[i]->h = NULL;
		}
	x->split = 0;
}

/* Segment k and those after it, filled already, are parsed again on this
 * thread, in order, and the rest of the part after them. */
static void
restart(struct payroll_xlsx_sheet *x, long k)
{
	long j;
	int i;

	workers_stop(x);
	if (k > 0)
		pend_add(x, x->header.p, x->header.len);
	for (j = k; j < x->nfilled; j++)
		for (i = 0; i < NSEG; i++)
			if (x->wk[j % 2]->seg[i].index == j)
				pend_add(x, x->wk[j % 2]->seg[i].bytes.p + x->wk[j % 2]->seg[i].start,
					 x->wk[j % 2]->seg[i].end - x->wk[j % 2]->seg[i].start);
	seq_start(x, x->next_row);
}

/* The next segment's rows in x->out: 1, 0 after the last one, or an
 * error (PAYROLL_ENOMEM) in x->cerr. 1 too when the segment is to be
 * parsed again: the push parser is then set to do it (restart). */
static int
next_segment(struct payroll_xlsx_sheet *x)
{
	struct segment *g = x->cur;
	struct worker *wk;
	unsigned slot;
	int rc;

	if (g && g->last)
		return 0;
	if (g && (rc = give(x, x->wk[(x->nused - 1) % 2], g)) != 0)
		return payroll_error_errno(&x->cerr, rc, x->path, "out of memory");
	wk = x->wk[x->nused % 2];
	if (payroll_handover_put_wait(wk->h, &slot) != 0 ||
	    (g = &wk->seg[slot])->rc || (g->first_r && g->first_r < x->next_row)) {
		restart(x, x->nused);
		return 1;
	}
	x->cur = g;
	x->nused++;
	if (g->first_r)
		x->next_row = g->end_row;
	x->out = &g->rows;
	look_up_ahead(x, x->out);
	return 1;
}

int
payroll_xlsx_sheet_next(struct payroll_xlsx_sheet *x, long *row,
			const struct payroll_xlsx_cell **cells, size_t *ncells,
			struct payroll_error *err)
{
	int rc;

	if (x->crc) {
		*err = x->cerr;
		return x->crc;
	}
	for (;;) {
		struct rowset *o = x->out;

		if (o && o->rows_next < o->nrows)
			return hand_out(x, o, row, cells, ncells, err);
		if (x->split) {
			if ((rc = next_segment(x)) <= 0)
				return outcome(x, rc, &x->cerr, err);
		} else if (x->seq.prc || x->done) {
			return outcome(x, x->seq.prc, &x->seq.perr, err);
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

static void
worker_free(struct worker *wk)
{
	int i;

	if (!wk)
		return;
	for (i = 0; i < NSEG; i++) {
		payroll_buf_release(&wk->seg[i].bytes);
		rowset_release(&wk->seg[i].rows);
	}
	free(wk);
}

/* Start the sheet threads over the first segment: 0 when they run, 1
 * when the sheet is not cut (the caller parses it on its thread), or
 * PAYROLL_ENOMEM. */
static int
split_start(struct payroll_xlsx_sheet *x)
{
	struct segment *g;
	unsigned slot;
	long j;
	int i, rc;

	for (i = 0; i < 2; i++) {
		if (!(x->wk[i] = calloc(1, sizeof *x->wk[i])))
			return PAYROLL_ENOMEM;
		x->wk[i]->x = x;
	}
	g = &x->wk[0]->seg[0];
	if ((rc = fill_segment(x, g)) != 0)
		return rc;
	if (g->failed || !take_header(x, g->bytes.p, g->end)) {
		pend_add(x, g->bytes.p, g->end);
		return 1;
	}
	for (i = 0; i < 2; i++)
		if (payroll_handover_start(&x->wk[i]->h, NSEG, sheet_worker, x->wk[i]) != 0) {
			workers_stop(x);
			pend_add(x, g->bytes.p, g->end);
			return 1;
		}
	x->split = 1;
	for (j = 0; j < 2 * NSEG; j++) {
		struct worker *wk = x->wk[j % 2];

		payroll_handover_put_wait(wk->h, &slot);
		if (j == 0)
			payroll_handover_put(wk->h);
		else if ((rc = give(x, wk, &wk->seg[slot])) != 0)
			return rc;
	}
	return 0;
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
	if (!(zf = zip_fopen_index(zip, (zip_uint64_t)idx, 0))) {
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-xlsx",
				       "cannot read %s from the workbook: %s", partname,
				       zip_strerror(zip));
		goto fail;
	}
	if (!(x->zp = payroll_xlsx_part_open(zf, threaded)))
		goto no_memory;
	rc = threaded ? split_start(x) : 1;
	if (rc < 0 || (rc == 1 && seq_start(x, 1) != 0))
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
	workers_stop(x);
	worker_free(x->wk[0]);
	worker_free(x->wk[1]);
	if (x->seq.ctx)
		xmlFreeParserCtxt(x->seq.ctx);
	payroll_xlsx_part_close(x->zp);
	rowset_release(&x->w);
	payroll_buf_release(&x->header);
	payroll_buf_release(&x->carry);
	payroll_buf_release(&x->conv);
	free(x->chunk);
	free(x);
}
