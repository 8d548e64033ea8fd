/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calc.h: the month's payments (SPEC 4-5), and the validation behind
 * `payroll check`.
 *
 * One streaming pass over the roster and then the grants: each row is
 * validated, tested for being due, computed into ledger lines, and
 * written, or written to the rejects file with its first problem. Values
 * that must be unique (case_id, id_number, account) are indexed compactly
 * (dupindex.h); rows found duplicate are taken out of the ledger again
 * or found by a first pass before it is written (calc_dups.h). Every
 * output goes through outfile.h, so on any failure no output exists at
 * all.
 */
#ifndef PAYROLL_CALC_H
#define PAYROLL_CALC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "calc_report.h"
#include "error.h"
#include "source.h"

struct payroll_calc_opts {
	const char *roster;		/* path or "-" */
	const char *standards;		/* required for calc; optional for check */
	const char *grants;		/* NULL: none */
	const char *const *paid;	/* earlier ledgers: a grant with a temporary
					 * line there is already-paid (calc only) */
	size_t npaid;
	const char *ledger;		/* output; NULL: none; "-": stdout */
	const char *rejects;		/* output; NULL: none */
	int bom;			/* rejects begin with PAYROLL_UTF8_BOM */
	const char *summary;		/* JSON output; NULL: none */
	long period;			/* month number (ident.h); -1: none (check) */
	enum payroll_encoding encoding;	/* of the roster; AUTO detects (others always) */
	const char *sheet;		/* a workbook roster's sheet; NULL: the first */
	int check_only;			/* report every problem, write nothing */
	payroll_diag_fn diag;		/* problems: check: all; calc: each reject */
	void *diag_ctx;
	size_t chunk;			/* read size for tests; 0 = default */
};

/* The defaults: no period yet (-1), the ledger to standard output, the
 * roster's encoding detected, no other output. */
#define PAYROLL_CALC_OPTS_INIT { .period = -1, .ledger = "-" }

/*
 * Run calc (or check, with check_only). Fills *rep (free it with
 * payroll_calc_report_free, also after a failure). Returns 0 when the
 * run finished (rep->attention says whether a person is needed), or a
 * negative PAYROLL_E* with err filled, and then no output file exists:
 * PAYROLL_EUSAGE (bad options), PAYROLL_EFORMAT (an input file unusable
 * as a whole, such as a grants file without its month column, a --paid
 * ledger the ledger reader rejects, or a standards file with errors: each
 * also went to diag),
 * PAYROLL_EIO, PAYROLL_ENOMEM, PAYROLL_EOVERFLOW (totals), PAYROLL_EINTERNAL.
 */
int payroll_calc(const struct payroll_calc_opts *o,
		 struct payroll_calc_report *rep, struct payroll_error *err);

#endif
