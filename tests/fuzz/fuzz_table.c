/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_table: the CSV reader in all-columns mode (cols NULL) over
 * arbitrary bytes, read through the source (gzip, BOM, GB18030 detection)
 * at a chunk size chosen by the first input byte, so that the same text
 * is split at every place a read can end.
 * Properties: a fatal error names a code; rows come with increasing line
 * numbers; a row has as many values as the header has columns, each
 * NUL-terminated at its length, and the column map is the identity; a row
 * without a problem has exactly the header's field count; a clean read
 * gives the same rows (lines, values) at the default chunk size; the
 * read-ahead thread from the first row, in batches of 1 to 4 rows (the
 * second input byte), gives the same rows, problems, values and end as
 * reading without it.
 */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "source.h"
#include "table.h"
#include "fuzz_util.h"

/* What one read saw, to compare two chunk sizes: a hash of every row. */
struct digest {
	long rows;
	long last_line;
	uint64_t h;
	uint64_t all;	/* every row whole: line, fields, problem, values */
	int rc;
	struct payroll_error err;
};

static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

static void
read_all(const char *path, size_t chunk, size_t ra_rows, struct digest *d)
{
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	size_t ncols, i;
	int rc;

	memset(d, 0, sizeof *d);
	d->h = d->all = 0xcbf29ce484222325ULL;
	if ((d->rc = payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err)) != 0)
		return;
	rc = payroll_table_open_chunked(&t, src, NULL, 0, chunk, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM,
			    "open rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0', "fatal table error without a code");
		d->rc = rc;
		return;
	}
	if (ra_rows)
		payroll_table_readahead(t, 0, ra_rows);
	ncols = payroll_table_ncolumns(t);
	FUZZ_ASSERT(ncols >= 1, "a header without columns");
	FUZZ_ASSERT(payroll_table_column(t, 0) == NULL, "all-columns mode has caller columns");
	FUZZ_ASSERT(payroll_table_header(t, 0)[0] == '\0' &&
		    payroll_table_header(t, (int)ncols + 1)[0] == '\0', "header out of range");
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		FUZZ_ASSERT(row.line > d->last_line, "line %ld after %ld", row.line, d->last_line);
		d->last_line = row.line;
		d->rows++;
		if (row.problem == PAYROLL_ROW_OK)
			FUZZ_ASSERT(row.nfields == ncols, "a clean row of %zu fields, header %zu",
				    row.nfields, ncols);
		else
			FUZZ_ASSERT(row.problem_col >= 0, "problem column %d", row.problem_col);
		d->h = mix(d->h, &row.line, sizeof row.line);
		d->h = mix(d->h, &row.problem, sizeof row.problem);
		d->all = mix(d->all, &row.line, sizeof row.line);
		d->all = mix(d->all, &row.nfields, sizeof row.nfields);
		d->all = mix(d->all, &row.problem, sizeof row.problem);
		d->all = mix(d->all, &row.problem_col, sizeof row.problem_col);
		for (i = 0; i < ncols; i++) {
			FUZZ_ASSERT(row.v[i][row.n[i]] == '\0', "field %zu not terminated", i);
			FUZZ_ASSERT(row.col[i] == 0 || row.col[i] == (int)i + 1,
				    "column %zu maps to %d", i, row.col[i]);
			if (row.problem == PAYROLL_ROW_OK)
				d->h = mix(d->h, row.v[i], row.n[i] + 1);
			d->all = mix(d->all, row.v[i], row.n[i] + 1);
		}
	}
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM,
		    "next rc %d", rc);
	if (rc < 0) {
		FUZZ_ASSERT(err.code[0] != '\0', "table error without a code");
		d->err = err;
	}
	d->rc = rc;
	payroll_table_close(t);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *path = fuzz_path(0, "table.csv");
	struct digest a, b, c;
	size_t chunk;

	if (size < 1)
		return 0;
	chunk = 4 + data[0] % 64;
	fuzz_write(path, data + 1, size - 1);
	read_all(path, chunk, 0, &a);
	read_all(path, 0, 0, &b);
	/* gzip and detection see the same bytes whatever the chunk size */
	FUZZ_ASSERT(a.rc == b.rc, "rc %d at chunk %zu, %d at 64 KiB", a.rc, chunk, b.rc);
	if (a.rc == 0)
		FUZZ_ASSERT(a.rows == b.rows && a.last_line == b.last_line && a.h == b.h,
			    "chunk %zu: %ld rows to line %ld, 64 KiB: %ld rows to line %ld",
			    chunk, a.rows, a.last_line, b.rows, b.last_line);
	read_all(path, 0, size > 1 ? 1 + data[1] % 4 : 1, &c);
	FUZZ_ASSERT(c.rc == b.rc && c.rows == b.rows && c.all == b.all,
		    "read-ahead: rc %d, %ld rows to line %ld; without: rc %d, %ld rows to line %ld",
		    c.rc, c.rows, c.last_line, b.rc, b.rows, b.last_line);
	if (b.rc < 0)
		FUZZ_ASSERT(c.err.line == b.err.line && !strcmp(c.err.code, b.err.code) &&
			    !strcmp(c.err.message, b.err.message),
			    "read-ahead error %s:%ld, without %s:%ld", c.err.code, c.err.line,
			    b.err.code, b.err.line);
	return 0;
}
