/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_roster: the roster reader, from bytes to validated cases: source
 * (gzip, UTF-8 with or without BOM, GB18030), table with the roster
 * columns at a chunk size taken from the input's length, and
 * payroll_roster_validate against the demo standards. The same bytes are
 * read as a grants file too.
 * Properties: rows come with increasing line numbers; every field is
 * NUL-terminated at its length; a row the reader marked as broken is
 * never valid; a valid case carries a normalised id that passes again.
 */
#include <string.h>

#include "error.h"
#include "ident.h"
#include "roster.h"
#include "source.h"
#include "standards.h"
#include "table.h"
#include "fuzz_util.h"

static struct payroll_standards *std;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct payroll_error err;

	(void)argc;
	(void)argv;
	if (payroll_standards_load(&std, PAYROLL_FIXTURES "/every-code/standards.csv",
				   PAYROLL_ENC_AUTO, NULL, NULL, &err)) {
		fprintf(stderr, "cannot load the demo standards: %s\n", err.message);
		abort();
	}
	return 0;
}

static void
read_all(const char *path, enum payroll_encoding enc, size_t chunk, int grants)
{
	const struct payroll_column *cols = grants ? payroll_grant_columns : payroll_roster_columns;
	size_t ncols = grants ? payroll_grant_ncolumns : payroll_roster_ncolumns;
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	long last = 0;
	int rc;

	if (payroll_source_open(&src, path, enc, &err))
		return;
	if (payroll_table_open_chunked(&t, src, cols, ncols, chunk, &err)) {
		FUZZ_ASSERT(err.code[0] != '\0', "fatal table error without a code");
		return;
	}
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		struct payroll_problems p = { .path = path };
		struct payroll_case c;
		size_t i;
		int n;

		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "row line %ld, %zu fields, problem %d at %d, case_id '%s'\n",
				row.line, row.nfields, (int)row.problem, row.problem_col, row.v[0]);
		FUZZ_ASSERT(row.line > last, "line %ld after %ld", row.line, last);
		last = row.line;
		for (i = 0; i < ncols; i++) {
			FUZZ_ASSERT(row.v[i][row.n[i]] == '\0', "field %zu not terminated", i);
			if (row.col[i] == 0)
				FUZZ_ASSERT(row.n[i] == 0, "absent column %zu has a value", i);
		}
		memset(&c, 0, sizeof c);
		n = grants ? payroll_grant_validate(&row, &c, &p) :
			payroll_roster_validate(&row, std, &c, &p);
		FUZZ_ASSERT(n == p.count, "validate returned %d for %d problems", n, p.count);
		if (row.problem != PAYROLL_ROW_OK)
			FUZZ_ASSERT(n > 0, "a broken row (problem %d) validated", row.problem);
		if (n == 0) {
			const char *code, *why;
			char again[19];

			FUZZ_ASSERT(payroll_id_check(c.id, strlen(c.id), again, &code, &why) == 0 &&
				    !strcmp(again, c.id), "normalised id '%s' fails", c.id);
			FUZZ_ASSERT(c.members >= 1 && c.members <= 20, "members %d", c.members);
		} else {
			FUZZ_ASSERT(p.first.code[0] != '\0', "a problem without a code");
		}
	}
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO, "next rc %d", rc);
	if (rc < 0)
		FUZZ_ASSERT(err.code[0] != '\0', "table error without a code");
	payroll_table_close(t);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *path = fuzz_path(0, "roster.csv");
	/* every encoding mode, and chunk sizes from 4 bytes up */
	enum payroll_encoding enc = (enum payroll_encoding)(size % 3);
	size_t chunk = (size / 3) % 2 ? 4 + size % 61 : 0;

	fuzz_write(path, data, size);
	read_all(path, enc, chunk, 0);
	read_all(path, PAYROLL_ENC_AUTO, 0, 1);
	return 0;
}
