/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.h: the monthly statistics (民政统计月报, SPEC 13).
 *
 * From one or more ledgers (read through ledger.h, which must have the
 * columns area, support_mode and care_level), for each period:
 *
 *   level total        region *, program *, area *: the period as a whole
 *   level all          region *, one row per program and area
 *   level county       the first 6 digits of every region
 *   level township     the first 9 digits of a 12-digit region
 *   level support-mode region *, program extreme-poverty:dispersed|centralized
 *   level care-level   region *, program extreme-poverty:self-care|partial|full
 *
 * each with households (distinct case_ids of the period and program),
 * persons (their members), regular_amount (lines of the period's own
 * month whose item is allowance, supplement, basic-living or care),
 * other_amount (every other line: arrears, subsidies, temporary grants),
 * total, and per_person = regular_amount / persons rounded half-up to the
 * fen. Temporary grants are the program temporary: households is their
 * count, other_amount and total their amount.
 *
 * A household is counted once, in the groups of its first line; the
 * lines of a (period, program, case_id) found anywhere later add money
 * only.
 *
 * Memory: the groups (a few hundred bytes each; their number grows with
 * regions, not lines) and 16 bytes a household for the set of (period,
 * program, case_id) hashes already counted. The ledgers are streamed once.
 */
#ifndef PAYROLL_REPORT_H
#define PAYROLL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PAYROLL_REPORT_HEADER \
	"period,level,region,program,area,households,persons,regular_amount," \
	"other_amount,total,per_person\n"

struct payroll_report_opts {
	const char *const *ledgers;	/* paths or "-" (at most one) */
	size_t nledgers;
	const char *output;	/* the CSV; NULL or "-" for standard output */
	const char *html;	/* the printable page, or NULL */
	int bom;		/* the CSV begins with PAYROLL_UTF8_BOM */
};

/* The defaults: the CSV to standard output, no page. */
#define PAYROLL_REPORT_OPTS_INIT { .output = NULL }

struct payroll_report_result {
	long lines;		/* ledger lines read */
	long periods;
	long rows;		/* CSV rows written (without the header) */
	int64_t total;		/* fen, every line of every ledger */
};

/*
 * Read the ledgers and write the CSV (and the page). Returns 0, or with
 * err filled and no output left behind: PAYROLL_EUSAGE (no ledger),
 * PAYROLL_EFORMAT (a ledger the reader rejects; "missing-column" for a
 * ledger without area, support_mode or care_level; "bad-program",
 * "bad-area", "bad-region", "bad-support-mode", "bad-care-level" for a
 * line whose value the report cannot place), PAYROLL_EIO, PAYROLL_ENOMEM,
 * PAYROLL_EOVERFLOW (a sum beyond int64 fen).
 */
int payroll_report(const struct payroll_report_opts *o,
		   struct payroll_report_result *res, struct payroll_error *err);

#endif
