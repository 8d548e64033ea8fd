/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff_fmt.h: what payroll-diff(1) writes before its records and after
 * them, in text, csv or json: the preamble (the files' names, the key
 * columns, the columns of one file only) and the summary (rows and
 * amounts of each kind, the net change, the result). diff.c compares the
 * files and renders the records; these two only append to a buffer.
 */
#ifndef PAYROLL_DIFF_FMT_H
#define PAYROLL_DIFF_FMT_H

#include "buf.h"
#include "diff.h"

/* What the preamble and the summary show. */
struct payroll_diff_fmt {
	const struct payroll_diff_opts *o;	/* format, labels */
	const struct payroll_diff_result *res;	/* filled: counts and sums */
	const char *path[2];			/* OLD, NEW */
	const char *const *keyname;		/* the key columns' names */
	int nkey;
	const char *only;	/* the "column only in" records, rendered already */
};

/*
 * Append to b everything before the records: the files' names (text: the
 * labels when given), csv's header line, json's opening with the key and
 * the only-column records. 0, or -1 when memory ran out.
 */
int payroll_diff_fmt_preamble(const struct payroll_diff_fmt *f, struct payroll_buf *b);

/*
 * Append to b the summary, last in the output: rows (and amounts, when
 * the files have an amount column) of old, new, added, removed, changed
 * and unchanged, the net change and the result. 0, or -1 when memory ran
 * out.
 */
int payroll_diff_fmt_summary(const struct payroll_diff_fmt *f, struct payroll_buf *b);

#endif
