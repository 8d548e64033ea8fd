/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.h: CSV (RFC 4180) rows with a header, read through libcsv.
 *
 * The caller names the columns it wants (name, Chinese alias, required);
 * the header row is matched case-insensitively against them, unknown
 * columns are ignored. Rows are pulled one at a time with their physical
 * line number (LF, CRLF and CR-only line ends all count). Field bytes are
 * trimmed of surrounding spaces and tabs (unquoted fields, as libcsv does)
 * and belong to the table until the next call.
 *
 * With cols NULL the caller's columns are all the file's columns, in file
 * order, named by the header (payroll_table_header, ncolumns).
 *
 * An Excel workbook (.xlsx, told by its content) is read through xlsx.h
 * and looks the same: its first row with a value is the header, each row
 * with a value a row (line = the row's number in Excel), numbers as their
 * digits, a date cell in a PAYROLL_COL_MONTH column as YYYY-MM, values
 * trimmed of surrounding spaces. Another binary file (a legacy .xls, an
 * .ods, a PDF...) is refused as a whole ("unsupported-file").
 */
#ifndef PAYROLL_TABLE_H
#define PAYROLL_TABLE_H

#include <stddef.h>

#include "error.h"
#include "source.h"

#define PAYROLL_COL_REQUIRED 0x1
/* A month column: a date cell of a workbook is read as "YYYY-MM". */
#define PAYROLL_COL_MONTH 0x2

struct payroll_column {
	const char *name;	/* "case_id" */
	const char *alias;	/* "编号", or NULL */
	unsigned flags;		/* PAYROLL_COL_REQUIRED */
};

/* Row problems found by the reader itself (see payroll_row.problem). */
enum payroll_row_problem {
	PAYROLL_ROW_OK = 0,
	PAYROLL_ROW_FIELD_COUNT,	/* more or fewer fields than the header */
	PAYROLL_ROW_ENCODING,		/* a field holds an invalid sequence */
	PAYROLL_ROW_CONTROL,		/* a field holds NUL or another control byte */
	PAYROLL_ROW_CSV,		/* a stray quote: libcsv could not parse the line */
};

struct payroll_row {
	long line;		/* physical line where the row starts */
	size_t nfields;		/* fields in the file's row */
	const char **v;		/* v[i]: value of the caller's column i, "" if absent */
	const size_t *n;	/* n[i]: its length in bytes */
	const int *col;		/* col[i]: 1-based column in the file, 0 if absent */
	enum payroll_row_problem problem;
	int problem_col;	/* 1-based file column of the problem, 0 if none */
	int sheet;		/* 1: a workbook's row; line is its row number */
	const unsigned char *num;	/* workbooks: num[i] 1 when the caller's
					 * column i was a number cell; NULL for CSV */
};

/* Where file column col (1-based) of row r is, for messages: "column 13"
 * in a CSV, the cell "M17" in a workbook. buf holds at least 24 bytes. */
const char *payroll_row_where(const struct payroll_row *r, int col, char *buf, size_t n);

struct payroll_table;

/*
 * Take src (owned from now on, even on failure) and read its header.
 * Returns 0 and *out, or PAYROLL_EFORMAT with err naming file, line and
 * code: "empty-file", "missing-column" (a required column is absent),
 * "duplicate-column" (two header cells name the same column), "bad-csv";
 * or PAYROLL_EIO / PAYROLL_ENOMEM.
 */
int payroll_table_open(struct payroll_table **out, struct payroll_source *src,
		       const struct payroll_column *cols, size_t ncols,
		       struct payroll_error *err);

/* Open path with payroll_source_open and then payroll_table_open. */
int payroll_table_open_path(struct payroll_table **out, const char *path,
			    enum payroll_encoding enc,
			    const struct payroll_column *cols, size_t ncols,
			    struct payroll_error *err);

/*
 * Next row into *row. Returns 1 (a row), 0 (end of file), or a negative
 * PAYROLL_E* with err filled: PAYROLL_EFORMAT "bad-csv" (a quote left open
 * at the end of the file, a stray quote), PAYROLL_EIO, PAYROLL_ENOMEM.
 * Blank lines are skipped.
 */
int payroll_table_next(struct payroll_table *t, struct payroll_row *row,
		       struct payroll_error *err);

/* The path of the underlying source, for messages. */
const char *payroll_table_path(const struct payroll_table *t);
/* Header cell of file column c (1-based), "" when out of range. */
const char *payroll_table_header(const struct payroll_table *t, int c);
/* What header cell c (1-based) holds that a value may not, as a row's
 * values are judged: PAYROLL_ROW_CONTROL, PAYROLL_ROW_ENCODING (U+FFFD for
 * bytes that did not decode, or a byte order mark), else PAYROLL_ROW_OK. */
enum payroll_row_problem payroll_table_header_problem(const struct payroll_table *t, int c);
/* The caller's column i (as passed to open); NULL in all-columns mode. */
const struct payroll_column *payroll_table_column(const struct payroll_table *t, size_t i);
/* 1-based file column of the caller's column i, 0 when the header lacks it. */
int payroll_table_column_at(const struct payroll_table *t, size_t i);
/* How many caller columns a row has (the header's width with cols NULL). */
size_t payroll_table_ncolumns(const struct payroll_table *t);
/* Encoding of the underlying source after detection. */
enum payroll_encoding payroll_table_encoding(const struct payroll_table *t);

/*
 * The read-ahead thread (payroll(7)): a table on a regular file starts a
 * second thread after 4096 rows, which reads, decodes and parses ahead in
 * batches of up to 2048 rows; rows, problems and errors come out exactly
 * as without it. This sets when it starts instead (after that many rows
 * handed out, -1 never, whatever the input) and the rows in a batch (0:
 * the default), for tests and benchmarks; before the first row, and not
 * for a workbook (which never uses it).
 */
void payroll_table_readahead(struct payroll_table *t, long after, size_t rows);

/*
 * Drop the input up to physical line `line`, which the caller knows to
 * begin a row (it read the same file before, e.g. the row's
 * payroll_row.line): the next payroll_table_next reads the row there,
 * without parsing the lines before it, nor decoding those the table has
 * not read yet (payroll_source_skip_lines). Nothing happens when the reading
 * is already there or past it. Returns 0; PAYROLL_EIO, PAYROLL_EFORMAT
 * from reading; PAYROLL_EINTERNAL in the middle of a row, on a workbook,
 * or once the read-ahead thread runs (this call keeps it from starting).
 */
int payroll_table_skip_to(struct payroll_table *t, long line, struct payroll_error *err);

/* Close and free (and the source); NULL is allowed. */
void payroll_table_close(struct payroll_table *t);

/*
 * payroll_table_open_chunked reading sheet NAME of a workbook (NULL: the
 * first sheet; ignored for CSV). Adds the workbook's codes: "bad-xlsx",
 * "missing-sheet", "unsupported-file" (payroll_xlsx_open).
 */
int payroll_table_open_sheet(struct payroll_table **out,
			     struct payroll_source *src,
			     const struct payroll_column *cols, size_t ncols,
			     size_t chunk, const char *sheet,
			     struct payroll_error *err);

/* payroll_table_open reading the source chunk bytes at a time (at least
 * 4; 0 = the default 64 KiB). Tests feed every chunk size through this. */
int payroll_table_open_chunked(struct payroll_table **out,
			       struct payroll_source *src,
			       const struct payroll_column *cols, size_t ncols,
			       size_t chunk, struct payroll_error *err);

#endif
