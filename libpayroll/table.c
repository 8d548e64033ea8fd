/* SPDX-License-Identifier: Apache-2.0 */
#include "table.h"

#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "handover.h"
#include "xlsx.h"
#include "intl.h"
#include "banned.h"

#define DEFAULT_CHUNK (64 * 1024)
/* The first read after payroll_table_skip_to dropped lines in the source:
 * a row or a few, not the chunk's worth of lines the next skip would
 * drop again after decoding them. */
#define SKIP_READ 4096
/* A field larger than this makes the file unusable (no CSV needs it). */
#define FIELD_LIMIT ((size_t)16 * 1024 * 1024)
/* Read-ahead (see "The read-ahead thread" below): rows handed out before
 * the thread starts, rows and field bytes a batch holds, batches. */
#define RA_AFTER 4096
#define RA_ROWS 2048
#define RA_TEXT ((size_t)256 * 1024)
#define RA_BATCHES 3

struct readahead;

struct payroll_table {
	struct payroll_source *src;
	struct csv_parser p;
	int parser_live;
	const struct payroll_column *cols;
	size_t ncols;

	/* header */
	int header_done;
	size_t nheader;
	int *map;		/* file column (0-based) -> caller column, -1 */
	struct payroll_buf header_text;
	size_t *header_off;

	/* the row being built */
	struct payroll_buf text;	/* field bytes, each NUL-terminated */
	size_t *off;		/* per caller column: offset in text, SIZE_MAX absent */
	size_t *len;
	/* where the callbacks put the row's offsets and lengths: off and
	 * len, or the row's place in a read-ahead batch */
	size_t *row_off, *row_len;
	int *col;
	const char **v;
	size_t nf;		/* fields seen in this row */
	int row_done;
	int returned;		/* the last row was handed out */
	enum payroll_row_problem problem;
	int problem_col;
	int csv_broken;		/* libcsv rejected this row */

	/* lines */
	long line;		/* physical line of the next byte */
	long row_line;		/* where the current row started */
	int last_cr;
	int at_line_start;
	int skip_line;		/* dropping the rest of a line libcsv rejected */
	int finished;		/* csv_fini done */

	/* a workbook instead of CSV */
	struct payroll_xlsx *x;
	unsigned char *num;	/* per caller column: a number cell */

	/* input */
	char *in;
	size_t in_len, in_pos, chunk;
	size_t feed_max;	/* bytes handed to libcsv at once */
	/* offset in `in` of the next CR at or after in_pos (in_len: none),
	 * SIZE_MAX when not looked for since the read: most files have
	 * none, so one search serves a whole read */
	size_t cr_next;
	size_t quote_next;	/* the same for the next quote */
	int eof;
	int short_read;		/* the next read is SKIP_READ bytes at most */
	int in_clean;		/* in holds nothing a value may not (source.h) */
	/* the next value is scanned for what a value may not hold: its read
	 * was not clean, or it began in an earlier parse call (a line end
	 * inside quotes, a value cut by the chunk size) */
	int check;

	/* read-ahead: once it runs, everything above belongs to its thread
	 * except the header, map, col and v, which the caller's side uses */
	struct readahead *ra;
	struct batch *fill;	/* the batch a run's rows go to (run_batch) */
	long ra_after;		/* start after this many rows; -1 never */
	size_t ra_rows;		/* rows a batch holds */
	long handed;		/* rows handed out so far */
};

static void *
limited_realloc(void *p, size_t n)
{
	if (n > FIELD_LIMIT + 64)
		return NULL;
	return realloc(p, n);
}

static int
parser_init(struct payroll_table *t)
{
	if (csv_init(&t->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return PAYROLL_ENOMEM;
	csv_set_realloc_func(&t->p, limited_realloc);
	/* libcsv grows a field's buffer by this much at a time: its default
	 * of 128 bytes makes a 10 MB field cost 80,000 reallocs */
	csv_set_blk_size(&t->p, 1 << 20);
	t->parser_live = 1;
	return 0;
}

/* libcsv's parser state (csv.h does not name them): 0 no row begun,
 * 1 no field begun, 2 and 3 inside a field. */
#define CSV_IN_FIELD 2

enum { VALUE_CONTROL = 1, VALUE_REPLACEMENT = 2 };

/* Any byte of w below 0x20 (the classic has-less test), or equal to
 * 0x7f or 0xef. */
static int
word_suspect(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;

	return (((w - 0x20 * ones) & ~w & (0x80 * ones)) |
		payroll_word_has(w, 0x7f) | payroll_word_has(w, 0xef)) != 0;
}

/*
 * One pass over a value for what the reader refuses: VALUE_CONTROL for
 * a byte below 0x20 or DEL, VALUE_REPLACEMENT for U+FFFD (what the source
 * put for an invalid sequence) or U+FEFF (a byte order mark inside the
 * file: two exports pasted together). Eight bytes a step until a word
 * holds one of those bytes or 0xEF, then byte by byte.
 */
static unsigned
scan_value(const unsigned char *s, size_t n)
{
	size_t i = 0;
	unsigned found = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (word_suspect(w))
			break;
	}
	for (; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			found |= VALUE_CONTROL;
		else if (s[i] == 0xef && n - i >= 3 &&
			 ((s[i + 1] == 0xbf && s[i + 2] == 0xbd) || (s[i + 1] == 0xbb && s[i + 2] == 0xbf)))
			found |= VALUE_REPLACEMENT;
	}
	return found;
}

static void
note_problem(struct payroll_table *t, enum payroll_row_problem pr, size_t fieldno)
{
	if (t->problem == PAYROLL_ROW_OK) {
		t->problem = pr;
		t->problem_col = (int)fieldno + 1;
	}
}

/* Note what the value of file column fieldno (0-based) holds that a
 * value may not. */
static void
check_value(struct payroll_table *t, size_t fieldno, const char *s, size_t n)
{
	unsigned found = scan_value((const unsigned char *)s, n);

	if (found & VALUE_CONTROL)
		note_problem(t, PAYROLL_ROW_CONTROL, fieldno);
	if (found & VALUE_REPLACEMENT)
		note_problem(t, PAYROLL_ROW_ENCODING, fieldno);
}

/* Keep the value of the caller's column c. Inline: it runs for every
 * value, and the call was a tenth of the reader's instructions. */
static inline void
add_value(struct payroll_table *t, int c, const char *s, size_t n)
{
	/* the value and its NUL, and the NUL the buffer keeps after them:
	 * payroll_buf_reserve's own test, made here without a call */
	if (t->text.cap - t->text.len < n + 2 && payroll_buf_reserve(&t->text, n + 1)) {
		t->csv_broken = 2;
		return;
	}
	t->row_off[c] = t->text.len;
	t->row_len[c] = n;
	payroll_copy(t->text.p + t->text.len, s, n);
	t->text.len += n;
	t->text.p[t->text.len++] = '\0';
}

/* A header cell: kept whole, whatever the caller's columns. */
static void
add_header_cell(struct payroll_table *t, size_t fieldno, const char *s, size_t n)
{
	size_t *off = realloc(t->header_off, (fieldno + 1) * sizeof *off);

	if (!off) {
		t->csv_broken = 2;
		return;
	}
	t->header_off = off;
	off[fieldno] = t->header_text.len;
	if (payroll_buf_add(&t->header_text, s, n) || payroll_buf_addch(&t->header_text, '\0'))
		t->csv_broken = 2;
}

/* on_field's rarer cases, out of line so that the common one needs no
 * stack frame: a header cell, or a value to scan (its read was not
 * clean, or it began in an earlier parse call). */
static __attribute__((noinline)) void
on_field_slow(struct payroll_table *t, size_t fieldno, const char *s, size_t n)
{
	int c;

	/* the values after the first in this parse call began in it */
	t->check = !t->in_clean;
	if (!t->header_done) {
		add_header_cell(t, fieldno, s, n);
	} else if (fieldno < t->nheader && (c = t->map[fieldno]) >= 0) {
		check_value(t, fieldno, s, n);
		add_value(t, c, s, n);
	}
}

/* add_value for a long value or a full buffer: out of line, a tail call
 * of on_field. */
static __attribute__((noinline)) void
add_value_slow(struct payroll_table *t, int c, const char *s, size_t n)
{
	add_value(t, c, s, n);
}

/*
 * libcsv's field callback. libcsv hands over its own copy of the field
 * (CSV_APPEND_NULL: with a NUL after it), so the value and its NUL are
 * copied in one go; a value under 32 bytes by a few word moves, without
 * a call, so that the common case is a leaf function. Before the header is mapped nheader is 0, so every
 * field of the header row goes the slow way.
 */
static void
on_field(void *s, size_t n, void *data)
{
	struct payroll_table *t = data;
	size_t fieldno = t->nf++, len;
	int c;

	if (t->check || fieldno >= t->nheader) {
		on_field_slow(t, fieldno, s, n);
		return;
	}
	if ((c = t->map[fieldno]) < 0)
		return;
	len = t->text.len;
	if (n >= 32 || t->text.cap - len < n + 2) {
		add_value_slow(t, c, s, n);
		return;
	}
	t->row_off[c] = len;
	t->row_len[c] = n;
	payroll_copy(t->text.p + len, s, n + 1);
	t->text.len = len + n + 1;
}

static void
on_row(int c, void *data)
{
	struct payroll_table *t = data;

	(void)c;
	t->row_done = 1;
}

/* Start a row whose field bytes go after those already in t->text. */
static void
reset_fields(struct payroll_table *t)
{
	t->nf = 0;
	t->row_done = 0;
	t->problem = PAYROLL_ROW_OK;
	t->problem_col = 0;
	t->csv_broken = 0;
	/* a workbook's cells come in any order and may skip columns: every
	 * column absent to begin with, offset SIZE_MAX (all bits set),
	 * length 0; a CSV row's columns are set in order, and those its
	 * row lacks are marked when it ends (row_end) */
	if (t->x) {
		memset(t->row_off, 0xff, t->ncols * sizeof *t->row_off);
		memset(t->row_len, 0, t->ncols * sizeof *t->row_len);
		memset(t->num, 0, t->ncols);
	}
}

static void
reset_row(struct payroll_table *t)
{
	payroll_buf_reset(&t->text);
	t->row_off = t->off;
	t->row_len = t->len;
	reset_fields(t);
}

/* The caller's columns past a row's nf fields, and those the header
 * lacks (column 0), marked absent, offset SIZE_MAX and length 0, in the
 * row of ncols offsets and lengths off and len. */
static void
mark_absent(const struct payroll_table *t, size_t *off, size_t *len, size_t nf)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		if (t->col[i] == 0 || (size_t)t->col[i] > nf) {
			off[i] = SIZE_MAX;
			len[i] = 0;
		}
	}
}

/* Mark the caller's columns the header lacks absent in nrows rows of
 * ncols offsets and lengths each. */
static void
absent_init(const struct payroll_table *t, size_t *off, size_t *len, size_t nrows)
{
	for (; nrows > 0; nrows--, off += t->ncols, len += t->ncols)
		mark_absent(t, off, len, SIZE_MAX);
}

/* A complete row: one field more or fewer than the header is a problem
 * (unless libcsv already rejected the row). A CSV row's values were set
 * in file order for the nf fields it had (on_field): the caller's
 * columns past them are marked absent now (those the header lacks were
 * marked once, by absent_init, and nothing writes them). */
static void
row_end(struct payroll_table *t)
{
	if (t->nf != t->nheader && t->problem != PAYROLL_ROW_CSV) {
		t->problem = PAYROLL_ROW_FIELD_COUNT;
		t->problem_col = (int)(t->nf < t->nheader ? t->nf : t->nheader + 1);
	}
	if (t->nf < t->nheader && !t->x)
		mark_absent(t, t->row_off, t->row_len, t->nf);
}

static int
read_more(struct payroll_table *t, struct payroll_error *err)
{
	size_t n = t->short_read && t->chunk > SKIP_READ ? SKIP_READ : t->chunk;
	ssize_t r = payroll_source_read(t->src, t->in, n, err);

	t->short_read = 0;
	if (r < 0)
		return (int)r;
	t->in_pos = 0;
	t->in_len = (size_t)r;
	t->cr_next = SIZE_MAX;
	t->quote_next = SIZE_MAX;
	t->in_clean = payroll_source_clean(t->src);
	if (r == 0)
		t->eof = 1;
	return 0;
}

/* The end of the next physical line in the buffer: after its LF, CRLF's
 * CR or a lone CR; the buffer's end when there is none. */
static size_t
segment_end(struct payroll_table *t, int *terminated)
{
	const char *p = t->in + t->in_pos, *end = t->in + t->in_len;
	const char *nl;
	const char *lim, *cr;

	if (t->cr_next == SIZE_MAX || t->cr_next < t->in_pos) {
		cr = memchr(p, '\r', t->in_len - t->in_pos);
		t->cr_next = cr ? (size_t)(cr - t->in) : t->in_len;
	}
	if ((size_t)(end - p) > t->feed_max)
		end = p + t->feed_max;
	nl = memchr(p, '\n', (size_t)(end - p));
	lim = nl ? nl : end;
	cr = t->in + t->cr_next < lim ? t->in + t->cr_next : NULL;

	*terminated = 1;
	if (cr && cr + 1 != nl)
		return (size_t)(cr + 1 - t->in);
	if (nl)
		return (size_t)(nl + 1 - t->in);
	if (cr)	/* CR at the very end: the LF, if any, comes next read */
		return (size_t)(cr + 1 - t->in);
	*terminated = 0;
	return (size_t)(end - t->in);
}

/* Count the line end that closes a segment of seglen bytes; the LF of
 * a CRLF split across two reads arrives as a segment of its own. */
static void
count_line(struct payroll_table *t, char last, size_t seglen)
{
	if (!(last == '\n' && seglen == 1 && t->last_cr))
		t->line++;
	t->last_cr = last == '\r';
}

static int
csv_failure(struct payroll_table *t, struct payroll_error *err)
{
	int e = csv_error(&t->p);

	if (t->csv_broken == 2 || e == CSV_ENOMEM || e == CSV_ETOOBIG)
		return payroll_error_set(err, PAYROLL_EFORMAT, payroll_source_path(t->src),
					 t->row_line, 0, "bad-csv",
					 "field too large (over 16 MiB) or out of memory");
	return payroll_error_set(err, PAYROLL_EFORMAT, payroll_source_path(t->src),
				 t->row_line, 0, "bad-csv", "%s", csv_strerror(e));
}

/* Feed one line segment. On a strict-mode parse error (a stray quote),
 * drop the rest of the physical line and hand the row out as broken, so
 * that the caller rejects it and the rows after it still count. */
static int
feed(struct payroll_table *t, size_t end, int terminated,
     struct payroll_error *err)
{
	size_t n = end - t->in_pos;
	size_t used;

	t->check = !t->in_clean || t->p.pstate >= CSV_IN_FIELD;
	used = csv_parse(&t->p, t->in + t->in_pos, n, on_field, on_row, t);
	if (t->csv_broken == 2)
		return csv_failure(t, err);
	if (used < n) {
		if (csv_error(&t->p) != CSV_EPARSE || !t->header_done)
			return csv_failure(t, err);
		csv_free(&t->p);
		t->parser_live = 0;
		if (parser_init(t))
			return payroll_error_errno(err, PAYROLL_ENOMEM, payroll_source_path(t->src),
						   "cannot restart csv parser");
		t->problem = PAYROLL_ROW_CSV;
		t->problem_col = (int)t->nf + 1;
		t->row_done = 1;
		t->skip_line = !terminated;
	}
	if (terminated)
		count_line(t, t->in[end - 1], n);
	else if (n > 0)
		t->last_cr = 0;	/* so a lone LF ending these bytes is a line end */
	t->in_pos = end;
	return 0;
}

static int
finish(struct payroll_table *t, struct payroll_error *err)
{
	t->finished = 1;
	t->check = 1;
	if (csv_fini(&t->p, on_field, on_row, t) != 0) {
		if (csv_error(&t->p) == CSV_EPARSE)
			return payroll_error_set(err, PAYROLL_EFORMAT, payroll_source_path(t->src),
						 t->row_line, 0, "bad-csv",
						 "a quote opened in the row starting here is never closed");
		return csv_failure(t, err);
	}
	if (t->csv_broken == 2)
		return csv_failure(t, err);
	return 0;
}

/* A workbook cell's value without surrounding spaces and tabs, as libcsv
 * trims an unquoted field. */
static void
trim(const char **v, size_t *n)
{
	while (*n && (**v == ' ' || **v == '\t'))
		(*v)++, (*n)--;
	while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
		(*n)--;
}

/* The next row of a workbook, as the CSV callbacks would build it. */
static int
xlsx_row(struct payroll_table *t, struct payroll_error *err)
{
	const struct payroll_xlsx_cell *cells;
	size_t ncells, i;
	long row;
	int rc = payroll_xlsx_next(t->x, &row, &cells, &ncells, err);

	if (rc <= 0)
		return rc;
	t->row_line = row;
	t->row_done = 1;
	if (!t->header_done) {
		int col = 1;

		for (i = 0; i < ncells; i++, col++) {
			const char *v = cells[i].v;
			size_t n = cells[i].n;

			for (; col < cells[i].col; col++)
				on_field((void *)"", 0, t);
			trim(&v, &n);
			on_field((void *)v, n, t);
		}
		return t->csv_broken == 2 ? csv_failure(t, err) : 1;
	}
	for (i = 0; i < ncells; i++) {
		size_t fieldno = (size_t)cells[i].col - 1, n = cells[i].n;
		const char *v = cells[i].v;
		char month[8];
		int c;

		if (fieldno >= t->nheader) {
			note_problem(t, PAYROLL_ROW_FIELD_COUNT, fieldno);
			continue;
		}
		if ((c = t->map[fieldno]) < 0)
			continue;
		trim(&v, &n);
		if (cells[i].kind == PAYROLL_CELL_NUMBER || cells[i].kind == PAYROLL_CELL_DATE)
			t->num[c] = 1;
		if (cells[i].kind == PAYROLL_CELL_DATE && t->cols && (t->cols[c].flags & PAYROLL_COL_MONTH) &&
		    payroll_xlsx_month(t->x, v, n, month) == 0) {
			v = month;
			n = 7;
		}
		check_value(t, fieldno, v, n);
		add_value(t, c, v, n);
	}
	t->nf = t->nheader;
	return t->csv_broken == 2 ? csv_failure(t, err) : 1;
}

/* Advance until a row is complete: 1, 0 at the end, or an error. */
static int
next_row(struct payroll_table *t, struct payroll_error *err)
{
	int rc, terminated;
	size_t end;

	if (t->x)
		return t->row_done ? 1 : xlsx_row(t, err);

	for (;;) {
		if (t->row_done)
			return 1;
		if (t->in_pos == t->in_len) {
			if (t->finished)
				return 0;
			if (t->eof) {
				if ((rc = finish(t, err)) != 0)
					return rc;
				continue;
			}
			if ((rc = read_more(t, err)) != 0)
				return rc;
			continue;
		}
		end = segment_end(t, &terminated);
		if (t->skip_line) {
			if (terminated) {
				count_line(t, t->in[end - 1], end - t->in_pos);
				t->skip_line = 0;
			} else if (end > t->in_pos) {
				t->last_cr = 0;
			}
			t->in_pos = end;
			t->at_line_start = terminated;
			continue;
		}
		if (t->at_line_start && t->p.pstate == 0 && t->nf == 0)
			t->row_line = t->line;
		if ((rc = feed(t, end, terminated, err)) != 0)
			return rc;
		t->at_line_start = terminated;
	}
}


/*
 * The read-ahead thread. After RA_AFTER rows of a regular file, a second
 * thread takes over everything above (the source's reading and decoding,
 * libcsv, the value checks) and fills batches of up to RA_ROWS rows, each
 * with its own field bytes, RA_BATCHES of them in a ring; the caller's
 * side hands the rows out of one batch while the thread fills the next,
 * so that reading overlaps with whatever the caller does with the rows.
 * A batch ends with the rows' outcome: 1 (more follow), 0 (the end) or
 * the error, which is handed out where it occurred, after the rows
 * before it, exactly as without the thread. PAYROLL_THREADS=1 in the
 * environment keeps every table on one thread (payroll(7)).
 */
struct rowhead {
	long line;
	size_t nfields;
	enum payroll_row_problem problem;
	int problem_col;
};

struct batch {
	struct payroll_buf text;	/* the rows' field bytes */
	size_t *off;		/* nrows x ncols: offset in text, SIZE_MAX absent */
	size_t *len;		/* nrows x ncols: length, 0 absent */
	struct rowhead *row;
	size_t nrows;
	int rc;			/* after the rows: 1 more, 0 end, < 0 error */
	struct payroll_error err;	/* with rc < 0 */
};

struct readahead {
	struct payroll_handover *h;	/* the thread fills b[], the caller takes them */
	struct batch b[RA_BATCHES];
	struct batch *cur;	/* NULL until the first batch is taken */
	size_t pos;		/* next row of cur */
};

/* The row arrays of the next row of b. */
static void
batch_row_begin(struct payroll_table *t, struct batch *b)
{
	t->row_off = b->off + b->nrows * t->ncols;
	t->row_len = b->len + b->nrows * t->ncols;
	reset_fields(t);
}

/* Put the row just parsed into b. */
static void
batch_row_end(struct payroll_table *t, struct batch *b)
{
	struct rowhead *h = &b->row[b->nrows++];

	row_end(t);
	h->line = t->row_line;
	h->nfields = t->nf;
	h->problem = t->problem;
	h->problem_col = t->problem_col;
}

/* Offset of the next c at or after in_pos (in_len: none), remembered in
 * *next until passed: one search serves a read with none. */
static size_t
next_byte(struct payroll_table *t, size_t *next, int c)
{
	if (*next == SIZE_MAX || *next < t->in_pos) {
		const char *p = memchr(t->in + t->in_pos, c, t->in_len - t->in_pos);

		*next = p ? (size_t)(p - t->in) : t->in_len;
	}
	return *next;
}

/*
 * A run: whole lines from in_pos, up to max of them, that libcsv makes
 * one row each, so that they can go to libcsv in one call and each row's
 * line is the one after the row before. That holds for the lines before
 * the next quote or CR (no quoted field, no line end but LF, no stray
 * quote) that do not begin with LF, a space or a tab (a blank line, or
 * one of spaces, which libcsv skips). The run's length in lines; its end
 * in *end.
 */
static size_t
run_lines(struct payroll_table *t, size_t max, size_t *end)
{
	size_t lim = next_byte(t, &t->cr_next, '\r'), qn = next_byte(t, &t->quote_next, '"');
	const char *q = t->in + t->in_pos, *stop, *nl;
	size_t k = 0;

	stop = t->in + (qn < lim ? qn : lim);
	for (; k < max && q < stop && *q != '\n' && *q != ' ' && *q != '\t'; k++) {
		if (!(nl = memchr(q, '\n', (size_t)(stop - q))))
			break;
		q = nl + 1;
	}
	*end = (size_t)(q - t->in);
	return k;
}

/* libcsv's row callback in a run: the row goes into the batch, and the
 * next one starts (unless the batch is full, which ends the run too). */
static void
on_run_row(int c, void *data)
{
	struct payroll_table *t = data;
	struct batch *b = t->fill;

	(void)c;
	if (t->csv_broken == 2)	/* the row failed: the run ends with it */
		return;
	batch_row_end(t, b);
	t->row_line++;
	if (b->nrows < t->ra_rows)
		batch_row_begin(t, b);
}

/*
 * At a line's start with no row begun, parse the run there (run_lines)
 * into b in one libcsv call instead of a call per line. Returns 1 (rows
 * added), 0 (no run here: the next row goes the usual way) or an error,
 * at the row where it occurred, as next_row would give it.
 */
static int
run_batch(struct payroll_table *t, struct batch *b, struct payroll_error *err)
{
	size_t end, n, used, k;

	if (t->in_pos == t->in_len || t->skip_line || !t->at_line_start || t->p.pstate != 0)
		return 0;
	k = run_lines(t, t->ra_rows - b->nrows, &end);
	if (k == 0)
		return 0;
	n = end - t->in_pos;
	t->fill = b;
	t->row_line = t->line;
	t->check = !t->in_clean;
	used = csv_parse(&t->p, t->in + t->in_pos, n, on_field, on_run_row, t);
	if (t->csv_broken == 2 || used < n)	/* no quote: never a parse error */
		return csv_failure(t, err);
	t->line += (long)k;
	t->last_cr = 0;
	t->in_pos = end;
	return 1;
}

/* Fill b with the next rows (the thread's side). */
static void
fill_batch(struct payroll_table *t, struct batch *b)
{
	int rc = 1;

	b->nrows = 0;
	payroll_buf_reset(&b->text);
	/* the field bytes go straight into the batch's buffer */
	t->text = b->text;
	while (b->nrows < t->ra_rows && t->text.len < RA_TEXT) {
		/* the callbacks write the row's place in the batch */
		batch_row_begin(t, b);
		rc = run_batch(t, b, &b->err);
		if (rc < 0)
			break;
		if (rc == 1)	/* a run's rows: the batch has them */
			continue;
		rc = next_row(t, &b->err);
		if (rc <= 0)
			break;
		batch_row_end(t, b);
	}
	b->rc = rc;
	b->text = t->text;
	memset(&t->text, 0, sizeof t->text);
}

/* The thread: batches until the one that ends the rows, or until the
 * table closes (put_wait then says so). */
static int
readahead_main(struct payroll_handover *h, void *arg)
{
	struct payroll_table *t = arg;
	struct batch *b;
	unsigned i;

	do {
		if (payroll_handover_put_wait(h, &i) != 0)
			return 0;
		b = &t->ra->b[i];
		fill_batch(t, b);
		payroll_handover_put(h);
	} while (b->rc == 1);
	return 0;
}

static void
readahead_free(struct readahead *ra)
{
	size_t i;

	for (i = 0; i < RA_BATCHES; i++) {
		payroll_buf_release(&ra->b[i].text);
		free(ra->b[i].off);
		free(ra->b[i].len);
		free(ra->b[i].row);
	}
	free(ra);
}

/* Start the thread; on any failure the table just stays on one thread. */
static void
readahead_start(struct payroll_table *t)
{
	struct readahead *ra = calloc(1, sizeof *ra);
	size_t i, cells = t->ra_rows * (t->ncols ? t->ncols : 1);

	t->ra_after = -1;
	if (!ra)
		return;
	for (i = 0; i < RA_BATCHES; i++) {
		ra->b[i].off = malloc(cells * sizeof *ra->b[i].off);
		ra->b[i].len = malloc(cells * sizeof *ra->b[i].len);
		ra->b[i].row = malloc(t->ra_rows * sizeof *ra->b[i].row);
		if (!ra->b[i].off || !ra->b[i].len || !ra->b[i].row) {
			readahead_free(ra);
			return;
		}
		absent_init(t, ra->b[i].off, ra->b[i].len, t->ra_rows);
	}
	/* the caller's last row is gone with this call, as the contract
	 * says; from now on the field bytes go into the batches' buffers */
	payroll_buf_release(&t->text);
	t->ra = ra;
	if (payroll_handover_start(&ra->h, RA_BATCHES, readahead_main, t) != 0) {
		t->ra = NULL;
		readahead_free(ra);
	}
}

static void
readahead_stop(struct payroll_table *t)
{
	payroll_handover_stop(t->ra->h);
	readahead_free(t->ra);
	t->ra = NULL;
}

/* payroll_table_next with the thread running (the caller's side). */
static int
readahead_next(struct payroll_table *t, struct payroll_row *row,
	       struct payroll_error *err)
{
	struct readahead *ra = t->ra;
	const struct rowhead *h;
	const size_t *off;
	size_t i;
	unsigned slot;

	while (!ra->cur || ra->pos == ra->cur->nrows) {
		if (ra->cur) {
			if (ra->cur->rc != 1) {
				if (ra->cur->rc < 0)
					*err = ra->cur->err;
				return ra->cur->rc;
			}
			/* done with it: the thread may refill it */
			payroll_handover_release(ra->h);
		}
		/* the thread ends only after the batch that ends the rows */
		if (payroll_handover_take(ra->h, &slot) != 0)
			return payroll_error_set(err, PAYROLL_EINTERNAL, payroll_source_path(t->src),
						 0, 0, "internal", "the read-ahead thread ended early");
		ra->cur = &ra->b[slot];
		ra->pos = 0;
	}
	h = &ra->cur->row[ra->pos];
	off = ra->cur->off + ra->pos * t->ncols;
	for (i = 0; i < t->ncols; i++)
		t->v[i] = off[i] == SIZE_MAX ? "" : ra->cur->text.p + off[i];
	row->line = h->line;
	row->nfields = h->nfields;
	row->v = t->v;
	row->n = ra->cur->len + ra->pos * t->ncols;
	row->col = t->col;
	row->problem = h->problem;
	row->problem_col = h->problem_col;
	row->sheet = 0;
	row->num = NULL;
	ra->pos++;
	return 1;
}

/* PAYROLL_THREADS=1: no read-ahead thread (payroll(7)). */
static int
readahead_disabled(void)
{
	const char *e = getenv("PAYROLL_THREADS");

	return e && !strcmp(e, "1");
}

static int
header_matches(const char *cell, const struct payroll_column *c)
{
	return !strcasecmp(cell, c->name) || (c->alias && !strcmp(cell, c->alias));
}

/* No columns named by the caller: every file column, in file order. */
static int
map_all(struct payroll_table *t, struct payroll_error *err)
{
	size_t j, n = t->nheader + 1;

	free(t->off);
	free(t->len);
	free(t->col);
	free((void *)t->v);
	t->off = malloc(n * sizeof *t->off);
	t->len = calloc(n, sizeof *t->len);
	t->col = calloc(n, sizeof *t->col);
	t->v = calloc(n, sizeof *t->v);
	if (t->num) {
		free(t->num);
		t->num = calloc(n, 1);
	}
	if (!t->off || !t->len || !t->col || !t->v || (t->x && !t->num))
		return payroll_error_errno(err, PAYROLL_ENOMEM, payroll_source_path(t->src),
					   "cannot allocate header");
	t->ncols = t->nheader;
	for (j = 0; j < t->nheader; j++) {
		t->map[j] = (int)j;
		t->col[j] = (int)j + 1;
	}
	return 0;
}

static int
map_header(struct payroll_table *t, struct payroll_error *err)
{
	const char *path = payroll_source_path(t->src);
	size_t i, j;

	t->nheader = t->nf;
	t->map = malloc((t->nheader ? t->nheader : 1) * sizeof *t->map);
	if (!t->map)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate header");
	if (!t->cols)
		return map_all(t, err);
	for (i = 0; i < t->ncols; i++)
		t->col[i] = 0;
	for (j = 0; j < t->nheader; j++) {
		const char *cell = t->header_text.p + t->header_off[j];

		t->map[j] = -1;
		for (i = 0; i < t->ncols; i++) {
			if (!header_matches(cell, &t->cols[i]))
				continue;
			if (t->col[i])
				return payroll_error_set(err, PAYROLL_EFORMAT, path, t->row_line,
							 (int)j + 1, "duplicate-column",
							 "columns %d and %zu both name '%s'",
							 t->col[i], j + 1, t->cols[i].name);
			t->col[i] = (int)j + 1;
			t->map[j] = (int)i;
			break;
		}
	}
	absent_init(t, t->off, t->len, 1);
	for (i = 0; i < t->ncols; i++)
		if ((t->cols[i].flags & PAYROLL_COL_REQUIRED) && !t->col[i])
			return payroll_error_set(err, PAYROLL_EFORMAT, path, t->row_line, 0,
						 "missing-column", "required column '%s'%s%s%s is missing",
						 t->cols[i].name, t->cols[i].alias ? " (" : "",
						 t->cols[i].alias ? t->cols[i].alias : "",
						 t->cols[i].alias ? ")" : "");
	return 0;
}

int
payroll_table_open(struct payroll_table **out, struct payroll_source *src,
		   const struct payroll_column *cols, size_t ncols,
		   struct payroll_error *err)
{
	return payroll_table_open_chunked(out, src, cols, ncols, 0, err);
}

int
payroll_table_open_chunked(struct payroll_table **out,
			   struct payroll_source *src,
			   const struct payroll_column *cols, size_t ncols,
			   size_t chunk, struct payroll_error *err)
{
	return payroll_table_open_sheet(out, src, cols, ncols, chunk, NULL, err);
}

int
payroll_table_open_sheet(struct payroll_table **out,
			 struct payroll_source *src,
			 const struct payroll_column *cols, size_t ncols,
			 size_t chunk, const char *sheet, struct payroll_error *err)
{
	struct payroll_table *t;
	const char *path = payroll_source_path(src);
	const unsigned char *head;
	size_t headn;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t) {
		payroll_source_close(src);
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate table");
	}
	t->src = src;
	t->cols = cols;
	t->ncols = ncols;
	t->line = 1;
	t->row_line = 1;
	t->at_line_start = 1;
	t->chunk = chunk ? (chunk < 4 ? 4 : chunk) : DEFAULT_CHUNK;
	t->feed_max = chunk ? chunk : SIZE_MAX;
	t->in = malloc(t->chunk);
	t->off = malloc((ncols + 1) * sizeof *t->off);
	t->len = calloc(ncols + 1, sizeof *t->len);
	t->col = calloc(ncols + 1, sizeof *t->col);
	t->v = calloc(ncols + 1, sizeof *t->v);
	if (!t->in || !t->off || !t->len || !t->col || !t->v || parser_init(t)) {
		payroll_table_close(t);
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate table");
	}
	head = payroll_source_head(src, &headn);
	rc = payroll_xlsx_sniff(head, headn, path, err);
	if (rc == 1) {
		t->num = calloc(ncols + 1, 1);
		rc = t->num ? payroll_xlsx_open(&t->x, src, sheet, err) :
			payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate table");
	}
	if (rc < 0) {
		payroll_table_close(t);
		return rc;
	}
	reset_row(t);
	rc = next_row(t, err);
	if (rc == 0)
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 1, 0, "empty-file",
				       "file is empty: no header row");
	if (rc < 0) {
		payroll_table_close(t);
		return rc;
	}
	rc = map_header(t, err);
	if (rc < 0) {
		payroll_table_close(t);
		return rc;
	}
	t->header_done = 1;
	t->returned = 1;
	t->ra_rows = RA_ROWS;
	t->ra_after = -1;
	if (!t->x && payroll_source_is_regular(src) && !readahead_disabled())
		t->ra_after = RA_AFTER;
	*out = t;
	return 0;
}

int
payroll_table_open_path(struct payroll_table **out, const char *path,
			enum payroll_encoding enc,
			const struct payroll_column *cols, size_t ncols,
			struct payroll_error *err)
{
	struct payroll_source *src;
	int rc;

	*out = NULL;
	rc = payroll_source_open(&src, path, enc, err);
	if (rc)
		return rc;
	return payroll_table_open(out, src, cols, ncols, err);
}

int
payroll_table_next(struct payroll_table *t, struct payroll_row *row,
		   struct payroll_error *err)
{
	size_t i;
	int rc;

	if (!t->ra && t->ra_after >= 0 && t->handed >= t->ra_after)
		readahead_start(t);
	if (t->ra)
		return readahead_next(t, row, err);
	if (t->returned) {
		reset_row(t);
		t->returned = 0;
	}
	rc = next_row(t, err);
	if (rc <= 0)
		return rc;
	t->returned = 1;
	t->handed++;
	row_end(t);
	for (i = 0; i < t->ncols; i++)
		t->v[i] = t->off[i] == SIZE_MAX ? "" : t->text.p + t->off[i];
	row->line = t->row_line;
	row->nfields = t->nf;
	row->v = t->v;
	row->n = t->len;
	row->col = t->col;
	row->problem = t->problem;
	row->problem_col = t->problem_col;
	row->sheet = t->x != NULL;
	row->num = t->x ? t->num : NULL;
	return 1;
}

void
payroll_table_readahead(struct payroll_table *t, long after, size_t rows)
{
	if (t->ra || t->x)
		return;
	t->ra_after = after;
	t->ra_rows = rows ? rows : RA_ROWS;
}

int
payroll_table_skip_to(struct payroll_table *t, long line, struct payroll_error *err)
{
	size_t end;
	int terminated;

	if (t->x || t->ra || t->p.pstate != 0 || (!t->returned && t->nf))
		return payroll_error_set(err, PAYROLL_EINTERNAL, payroll_source_path(t->src), line, 0,
					 "internal", "cannot skip lines here");
	t->ra_after = -1;	/* rows read ahead would be read for nothing */
	while (t->line < line) {
		if (t->in_pos == t->in_len) {
			long want = line - t->line, got;

			if (t->eof)
				return 0;
			/* past what was decoded: the source drops whole lines
			 * without decoding them */
			got = payroll_source_skip_lines(t->src, want, &t->last_cr, err);
			if (got < 0)
				return (int)got;
			t->line += got;
			t->short_read = 1;
			t->at_line_start = 1;
			t->skip_line = 0;
			if (got < want)	/* the end: the next read says so */
				return 0;
			continue;
		}
		/* as next_row drops the rest of a line libcsv rejected */
		end = segment_end(t, &terminated);
		if (terminated)
			count_line(t, t->in[end - 1], end - t->in_pos);
		else if (end > t->in_pos)
			t->last_cr = 0;
		t->in_pos = end;
		t->at_line_start = terminated;
		t->skip_line = 0;
	}
	return 0;
}

const char *
payroll_row_where(const struct payroll_row *r, int col, char *buf, size_t n)
{
	char name[8];

	if (!r->sheet) {
		snprintf(buf, n, _("column %d"), col);
		return buf;
	}
	payroll_xlsx_colname(col, name);
	snprintf(buf, n, "%s%ld", name, r->line);
	return buf;
}

const char *
payroll_table_path(const struct payroll_table *t)
{
	return payroll_source_path(t->src);
}

const char *
payroll_table_header(const struct payroll_table *t, int c)
{
	if (c < 1 || (size_t)c > t->nheader)
		return "";
	return t->header_text.p + t->header_off[c - 1];
}

enum payroll_row_problem
payroll_table_header_problem(const struct payroll_table *t, int c)
{
	const char *h = payroll_table_header(t, c);
	unsigned found = scan_value((const unsigned char *)h, strlen(h));

	return found & VALUE_CONTROL ? PAYROLL_ROW_CONTROL :
	       found & VALUE_REPLACEMENT ? PAYROLL_ROW_ENCODING : PAYROLL_ROW_OK;
}

const struct payroll_column *
payroll_table_column(const struct payroll_table *t, size_t i)
{
	return t->cols ? &t->cols[i] : NULL;
}

int
payroll_table_column_at(const struct payroll_table *t, size_t i)
{
	return i < t->ncols ? t->col[i] : 0;
}

size_t
payroll_table_ncolumns(const struct payroll_table *t)
{
	return t->ncols;
}

enum payroll_encoding
payroll_table_encoding(const struct payroll_table *t)
{
	return payroll_source_encoding(t->src);
}

void
payroll_table_close(struct payroll_table *t)
{
	if (!t)
		return;
	if (t->ra)
		readahead_stop(t);
	if (t->parser_live)
		csv_free(&t->p);
	payroll_xlsx_close(t->x);
	free(t->num);
	payroll_source_close(t->src);
	payroll_buf_release(&t->text);
	payroll_buf_release(&t->header_text);
	free(t->header_off);
	free(t->map);
	free(t->in);
	free(t->off);
	free(t->len);
	free(t->col);
	free((void *)t->v);
	free(t);
}
