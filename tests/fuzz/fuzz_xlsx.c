/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_xlsx: arbitrary bytes as an input file that may be a workbook:
 * content sniffing, libzip over a damaged or truncated archive, libxml2
 * over broken workbook, relationship, shared-string, style and sheet
 * parts, shared-string indexes out of range, missing sheets. The seeds
 * are workbooks that fixtures/xlsx/make-xlsx.py --seeds writes at build
 * time (none is committed).
 * Properties: a fatal error names a code and a file; rows come with
 * increasing numbers; every value is NUL-terminated at its length; cells
 * of a row come in increasing columns; a month column's value is never
 * longer than the cell it came from allows; the same bytes read by path
 * and read as a named sheet that does not exist fail with missing-sheet
 * or the same fatal code; the sheet read by the sheet threads (cut into
 * segments of 256 bytes in this build, so that the cuts meet whatever the
 * fuzzer puts between rows) gives the rows, cells, end and error that one
 * parser on one thread (PAYROLL_THREADS=1) gives, whenever that one opens
 * the workbook (with threads, broken shared strings fail later).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "roster.h"
#include "source.h"
#include "table.h"
#include "xlsx.h"
#include "fuzz_util.h"

static int
read_table(const char *path, const char *sheet, const struct payroll_column *cols,
	   size_t ncols, char *code, size_t codelen)
{
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	long last = 0;
	size_t i, n;
	int rc;

	code[0] = '\0';
	if ((rc = payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err)) != 0)
		return rc;
	rc = payroll_table_open_sheet(&t, src, cols, ncols, 0, sheet, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM,
			    "open rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0' && err.file[0] != '\0', "fatal error without a code");
		snprintf(code, codelen, "%s", err.code);
		return rc;
	}
	n = payroll_table_ncolumns(t);
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		FUZZ_ASSERT(row.line > last, "row %ld after %ld", row.line, last);
		last = row.line;
		for (i = 0; i < n; i++)
			FUZZ_ASSERT(row.v[i][row.n[i]] == '\0', "value %zu not terminated", i);
		if (row.sheet)
			FUZZ_ASSERT(row.num != NULL, "a workbook row without its number flags");
	}
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM,
		    "next rc %d", rc);
	if (rc < 0) {
		FUZZ_ASSERT(err.code[0] != '\0', "row error without a code");
		snprintf(code, codelen, "%s", err.code);
	}
	payroll_table_close(t);
	return rc;
}

/* FNV-1a of n bytes into h. */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

/* The cells straight from the reader: columns increase within a row.
 * Returns 0 when the workbook did not open, else 1 and *digest: every
 * row's number and cells, the end and any error's code and message. */
static int
read_cells(const char *path, uint64_t *digest)
{
	struct payroll_source *src;
	struct payroll_xlsx *x;
	struct payroll_error err;
	const struct payroll_xlsx_cell *cells;
	size_t n, i, headn;
	long row, last = 0;
	char month[8];
	uint64_t h = 0xcbf29ce484222325ULL;
	int rc;

	if (payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err) != 0)
		return 0;
	(void)payroll_source_head(src, &headn);
	if (payroll_xlsx_open(&x, src, NULL, &err) != 0) {
		FUZZ_ASSERT(err.code[0] != '\0', "xlsx open failed without a code");
		payroll_source_close(src);
		return 0;
	}
	while ((rc = payroll_xlsx_next(x, &row, &cells, &n, &err)) == 1) {
		FUZZ_ASSERT(row > last && n > 0, "row %ld after %ld, %zu cells", row, last, n);
		last = row;
		h = mix(h, &row, sizeof row);
		for (i = 0; i < n; i++) {
			FUZZ_ASSERT(cells[i].v[cells[i].n] == '\0', "cell not terminated");
			FUZZ_ASSERT(i == 0 || cells[i].col > cells[i - 1].col, "columns out of order");
			if (cells[i].kind == PAYROLL_CELL_DATE &&
			    payroll_xlsx_month(x, cells[i].v, cells[i].n, month) == 0)
				FUZZ_ASSERT(strlen(month) == 7 && month[4] == '-', "month %s", month);
			h = mix(h, &cells[i].col, sizeof cells[i].col);
			h = mix(h, &cells[i].kind, sizeof cells[i].kind);
			h = mix(h, cells[i].v, cells[i].n + 1);
		}
	}
	h = mix(h, &rc, sizeof rc);
	if (rc < 0) {
		FUZZ_ASSERT(err.code[0] != '\0', "xlsx row error without a code");
		h = mix(h, err.code, strlen(err.code));
		h = mix(h, err.message, strlen(err.message));
	}
	payroll_xlsx_close(x);
	payroll_source_close(src);
	*digest = h;
	return 1;
}

/* The sheet threads and the one thread agree. */
static void
same_on_one_thread(const char *path)
{
	uint64_t threaded = 0, one = 0;
	int opened = read_cells(path, &threaded);

	setenv("PAYROLL_THREADS", "1", 1);
	if (read_cells(path, &one))
		FUZZ_ASSERT(opened && threaded == one,
			    "the sheet threads and one thread disagree (opened %d)", opened);
	unsetenv("PAYROLL_THREADS");
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *path = fuzz_path(0, "book.xlsx");
	char a[64], b[64];
	int ra, rb;

	fuzz_write(path, data, size);
	ra = read_table(path, NULL, NULL, 0, a, sizeof a);
	(void)read_table(path, NULL, payroll_roster_columns, payroll_roster_ncolumns, b, sizeof b);
	rb = read_table(path, "no such sheet", NULL, 0, b, sizeof b);
	if (size >= 4 && !memcmp(data, "PK\x03\x04", 4) && ra == 0)
		FUZZ_ASSERT(rb == 0 || !strcmp(b, "missing-sheet"), "a sheet that is not there: %s", b);
	if (size >= 4 && !memcmp(data, "PK\x03\x04", 4))
		same_on_one_thread(path);
	return 0;
}
