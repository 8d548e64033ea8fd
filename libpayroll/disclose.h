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

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

struct payroll_disclose_opts {
	const char *ledger;	/* path or "-" */
	const char *output;	/* the CSV list; "-" for standard output */
	const char *html;	/* the HTML page, or NULL */
	const char *office;	/* issuing office, or NULL */
	const char *phone;	/* complaint phone, or NULL */
	int notice_days;	/* disclosure period in days; 0 means 7 */
	const char *notice_from;	/* first day YYYY-MM-DD, or NULL */
	const char *date;	/* issue date YYYY-MM-DD for the foot, or NULL:
				 * then notice_from, else a blank to fill in */
	int split_by_locality;	/* one page file per locality, named from html
				 * (HTML less .html, "-", the locality, .html) */
	int bom;		/* the CSV list begins with PAYROLL_UTF8_BOM */
};

/* The defaults: a notice of 7 days, no page, no office or phone. */
#define PAYROLL_DISCLOSE_OPTS_INIT { .notice_days = 7 }

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

/*
 * Helpers for the printable pages (also approval.h). payroll_html_text:
 * append s HTML-escaped, bidi controls dropped; 0 or PAYROLL_ENOMEM.
 */
int payroll_html_text(struct payroll_buf *b, const char *s);

/* A ledger program as 0 subsistence, 1 extreme-poverty, 2 temporary (and
 * anything else), and its name in Chinese: 低保, 特困, 临时救助. */
int payroll_program_index(const char *program);
const char *payroll_program_zh(int program);

/* The font size, in tenths of a pt (at most 18 pt), at which a one-line
 * heading fits the 180 mm between A4's 15 mm margins. */
int payroll_html_title_size(const char *title);

/* The date ymd (YYYY-MM-DD) plus add_days, as 2026年11月20日 into out.
 * 0, or -1 when ymd is not a real date (2026-02-30 is refused). */
int payroll_date_zh(const char *ymd, int add_days, char *out, size_t n);

#endif
