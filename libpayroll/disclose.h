/* SPDX-License-Identifier: Apache-2.0 */
/*
 * disclose.h: the public disclosure list (公示, SPEC 8).
 *
 * One row per case of the ledger, sorted by region, locality, then ledger
 * order: locality, program in Chinese, the masked name (mask.h), members,
 * the month's regular amount, the other amounts (arrears, subsidies,
 * temporary assistance) and the total. Nothing else of the ledger (id
 * number, account, bank, basis) is ever written. Optionally one printable
 * HTML page in Chinese, self-contained.
 *
 * Memory: per case 56 bytes and its region, locality and masked name
 * (NUL-terminated, in one arena); the ledger and both outputs are streamed.
 */
#ifndef PAYROLL_DISCLOSE_H
#define PAYROLL_DISCLOSE_H

#include <stdint.h>

#include "error.h"

struct payroll_disclose_opts {
	const char *ledger;	/* path or "-" */
	const char *output;	/* the CSV list; "-" for standard output */
	const char *html;	/* the HTML page, or NULL */
	const char *office;	/* issuing office, or NULL */
	const char *phone;	/* complaint phone, or NULL */
	int notice_days;	/* disclosure period in days; 0 means 7 */
	const char *notice_from;	/* first day YYYY-MM-DD, or NULL */
};

struct payroll_disclose_result {
	long cases;
	long persons;
	int64_t total;		/* fen */
};

/*
 * Write the list (and page). Returns 0, or with err filled and no output
 * left: PAYROLL_EUSAGE (bad options), PAYROLL_EFORMAT (a bad ledger line,
 * "bad-name" for a name that is empty or not valid UTF-8, "mixed-period"),
 * PAYROLL_EIO, PAYROLL_ENOMEM, PAYROLL_EOVERFLOW.
 */
int payroll_disclose(const struct payroll_disclose_opts *o,
		     struct payroll_disclose_result *res,
		     struct payroll_error *err);

#endif
