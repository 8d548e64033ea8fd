/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calc_report.h: what a calc or check run counted (rows, rejects by code,
 * totals by program and item), and its summary as JSON (SPEC 5.6) and as
 * lines for people. calc.c fills it; batch.c and the tools print it.
 */
#ifndef PAYROLL_CALC_REPORT_H
#define PAYROLL_CALC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "source.h"

struct payroll_total {
	char program[24];
	char item[88];
	long lines;
	int64_t fen;
};

struct payroll_code_count {
	char code[40];
	long count;
};

struct payroll_calc_report {
	char period[8];			/* "" without a period */
	char source[2][256];		/* file names: roster, grants */
	enum payroll_encoding encoding[2];	/* each was read in (AUTO: not read) */
	int detected[2];		/* 1: detected, 0: given by --encoding */
	long read[2], paid[2], rejected[2];	/* per source */
	long rows_read, rows_paid, rows_rejected;
	long lines;
	int64_t total;			/* fen */
	long attention;			/* rejects other than not-due; check: problems */
	size_t ntotals;
	struct payroll_total *totals;	/* by program, then item order */
	size_t ncodes;
	struct payroll_code_count *codes;	/* sorted by code */
};

/* Free what rep holds (also after a failed run); rep stays usable. */
void payroll_calc_report_free(struct payroll_calc_report *rep);

/* Add delta rejects of code. 0 or PAYROLL_ENOMEM. */
int payroll_calc_report_count(struct payroll_calc_report *rep, const char *code,
			      long delta);

/*
 * Add fen (and lines, negative to take back) to the grand total and to the
 * (program, item) total, creating it. *hint: where to look first (start
 * at 0; lines come in runs of the same items). Returns the total's index
 * (>= 0), PAYROLL_ENOMEM, or PAYROLL_EOVERFLOW (the total would overflow).
 */
int payroll_calc_report_add(struct payroll_calc_report *rep, size_t *hint,
			    const char *program, const char *item, int64_t fen,
			    long lines);

/* The same for the total at index (as payroll_calc_report_add returned):
 * 0 or PAYROLL_EOVERFLOW. */
int payroll_calc_report_add_at(struct payroll_calc_report *rep, int index,
			       int64_t fen, long lines);

/* After the run: drop totals left with no lines (duplicates taken back),
 * order totals by program then item (SPEC 5.6) and codes by name. */
void payroll_calc_report_finish(struct payroll_calc_report *rep);

/* The summary as JSON (SPEC 5.6), and as lines for people. 0 or
 * PAYROLL_ENOMEM. */
int payroll_calc_summary_json(const struct payroll_calc_report *rep,
			      struct payroll_buf *b);
int payroll_calc_summary_text(const struct payroll_calc_report *rep,
			      struct payroll_buf *b);

#endif
