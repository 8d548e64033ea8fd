/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calc_rows.h: what payroll-calc remembers of each row of an input file
 * (roster or grants) while the ledger is written, so that rows found
 * duplicate at the end can be taken out again: each row's first line
 * number (kept as runs of consecutive lines), how many ledger lines it
 * gave, whether it was rejected, and the duplicate indexes.
 */
#ifndef PAYROLL_CALC_ROWS_H
#define PAYROLL_CALC_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dupindex.h"

/* The duplicate keys: case_id, id number, account. */
enum {
	PAYROLL_CALC_KEY_CASE, PAYROLL_CALC_KEY_ID, PAYROLL_CALC_KEY_ACCOUNT,
	PAYROLL_CALC_NKEYS
};

/* What the engine remembers of each input file, per row: 1 byte of line
 * count, 1 bit of "rejected", and the duplicate index entries. */
struct payroll_calc_source {
	const char *path;
	const char *name;		/* basename, for the rejects file */
	struct payroll_dupindex keys[PAYROLL_CALC_NKEYS];
	unsigned char *nlines;		/* ledger lines of each row; 255: see over */
	unsigned char *rejected;	/* bitmap */
	size_t nrows, cap;
	struct { uint32_t row; uint32_t n; } *over;
	size_t nover;
	struct { uint32_t row; long line; } *anchors;	/* line = anchor + (row - arow) */
	size_t nanchors;
	off_t ledger_from, rejects_from;	/* where this source's lines start */
};

/*
 * Add row number s->nrows, read at file line line. Returns 0,
 * PAYROLL_EOVERFLOW (PAYROLL_DUP_MAXROW rows), PAYROLL_ENOMEM.
 */
int payroll_calc_source_add_row(struct payroll_calc_source *s, long line);

/* The file line of row (which was added). */
long payroll_calc_row_line(const struct payroll_calc_source *s, uint32_t row);

/*
 * Record that row gave n ledger lines; rows are set in increasing order.
 * Returns 0 or PAYROLL_ENOMEM.
 */
int payroll_calc_set_row_lines(struct payroll_calc_source *s, uint32_t row, size_t n);

/* The ledger lines that row gave (as set). */
size_t payroll_calc_row_lines(const struct payroll_calc_source *s, uint32_t row);

/* Forget the rows (keeping the memory and the duplicate indexes), to read
 * the file again from its first row. */
void payroll_calc_source_rewind(struct payroll_calc_source *s);
/* Free what s holds (its duplicate indexes too); s itself is the caller's. */
void payroll_calc_source_release(struct payroll_calc_source *s);

#endif
