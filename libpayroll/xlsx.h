/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx.h: the cells of one worksheet of an Excel workbook (.xlsx), row by
 * row, and what an input file is when it is not text.
 *
 * The container is read with libzip, the parts with libxml2:
 * xl/workbook.xml (sheet names, the 1904 date system),
 * xl/_rels/workbook.xml.rels (where each sheet lives) and xl/styles.xml
 * (which styles are dates) here with its xmlTextReader; the shared
 * strings by xlsx_sst.c, on a thread of their own while the sheet is
 * read; the sheet by xlsx_sheet.c, on threads of its own that hand the
 * rows over in batches (with PAYROLL_THREADS=1 in the environment,
 * everything on the caller's thread). Only the rows of a batch or two
 * are held, and a shared string's value is the shared strings' own
 * bytes. Knows nothing of CSV or of payroll's columns.
 */
#ifndef PAYROLL_XLSX_H
#define PAYROLL_XLSX_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "source.h"

/*
 * What the first bytes of an input say it is. Returns 0 for text (a CSV
 * as far as the bytes go), 1 for a zip archive (a workbook perhaps: see
 * payroll_xlsx_open), or PAYROLL_EFORMAT with err "unsupported-file"
 * naming what the file is (a legacy .xls or WPS .et workbook, a PDF, an
 * image, another binary file) and what to save it as.
 */
int payroll_xlsx_sniff(const unsigned char *head, size_t n, const char *path,
		       struct payroll_error *err);

enum payroll_cell_kind {
	PAYROLL_CELL_TEXT = 0,	/* shared, inline or formula string */
	PAYROLL_CELL_NUMBER,	/* v: the stored number as plain decimal digits */
	PAYROLL_CELL_DATE,	/* a number in a date format: v as for NUMBER */
	PAYROLL_CELL_BOOL,	/* v: "TRUE" or "FALSE" */
	PAYROLL_CELL_ERROR,	/* v: Excel's error text, "#N/A" */
};

struct payroll_xlsx_cell {
	int col;		/* 1-based column (A = 1) */
	enum payroll_cell_kind kind;
	const char *v;		/* NUL-terminated, UTF-8 */
	size_t n;
};

struct payroll_xlsx;

/*
 * Open the workbook that src holds (src stays the caller's; it must not
 * have been read from) and its sheet named sheet, or the first sheet when
 * sheet is NULL. A regular file is opened again by its path; standard
 * input and gzip are read whole into memory first. Returns 0 and *out,
 * or PAYROLL_EFORMAT with err: "unsupported-file" (a zip that is no Excel
 * workbook: OpenDocument .ods, .xlsb, Word...), "bad-xlsx" (a broken zip,
 * a broken or missing part; broken shared strings only with
 * PAYROLL_THREADS=1, else payroll_xlsx_next says so), "missing-sheet" (no
 * sheet of that name; the message lists the sheets); PAYROLL_EIO,
 * PAYROLL_ENOMEM.
 */
int payroll_xlsx_open(struct payroll_xlsx **out, struct payroll_source *src,
		      const char *sheet, struct payroll_error *err);

/*
 * Next row that has at least one cell with a value: *row its number (as
 * Excel shows it), *cells its cells in column order (empty cells left out)
 * valid until the next call. Returns 1, 0 at the end of the sheet, or
 * PAYROLL_EFORMAT ("bad-xlsx": broken XML in the sheet or in the shared
 * strings, a shared string index out of range, a cell reference out of
 * order, naming the cell), PAYROLL_EIO, PAYROLL_ENOMEM with err filled;
 * an error is returned again by every later call.
 */
int payroll_xlsx_next(struct payroll_xlsx *x, long *row,
		      const struct payroll_xlsx_cell **cells, size_t *ncells,
		      struct payroll_error *err);

/*
 * A date serial (the digits of a NUMBER or DATE cell) as a month "YYYY-MM"
 * in out (8 bytes) under the workbook's date system (1900, with Excel's
 * fictitious 29 February 1900, or 1904). 0, or -1 when v is not a serial
 * of a day from 1900 to 9999.
 */
int payroll_xlsx_month(const struct payroll_xlsx *x, const char *v, size_t n,
		       char *out);

/* Column letters of a 1-based column into buf (at least 4 bytes). */
void payroll_xlsx_colname(int col, char *buf);

/* The sheet being read. */
const char *payroll_xlsx_sheet(const struct payroll_xlsx *x);

/* Close and free; NULL is allowed. */
void payroll_xlsx_close(struct payroll_xlsx *x);

#endif
