/* SPDX-License-Identifier: Apache-2.0 */
/*
 * changes.h: what changed for each household from one month's ledger to
 * the next (SPEC 12, man payroll-changes(1)).
 *
 * Cases are the consecutive ledger lines of one case_id (a temporary
 * grant, program temporary, is a case of its own even when its grant_id
 * equals a case_id: bankfile's rule). Each case of OLD or NEW is in
 * exactly one class: new (NEW only), stopped (OLD only), changed (in both,
 * at least one reason) or unchanged (in both, no reason). Reasons, for a
 * case in both:
 *   amount   the period's own lines other than subsidies (allowance,
 *            supplement, basic-living, care; a grant's temporary line)
 *            sum differently;
 *   members  members differ;
 *   program  program differs;
 *   account  bank, account or account_name differ;
 *   arrears  NEW has lines for months before its period;
 *   subsidy  the period's subsidy:* lines (item and amount) differ.
 *
 * Memory: the smaller ledger (by size on disk) is indexed at 88 bytes a
 * case (the case key's 64-bit hash, the payee's and the subsidies'
 * hashes, both sides' regular, subsidy and total amounts, first lines,
 * members, programs, reasons) plus 8 to 16 bytes of slots (keyindex.h);
 * the larger is streamed, keeping 16 bytes for each of its cases the
 * smaller lacks, and the payee strings of OLD for each case whose account
 * changed. The report is then written from the files read again (both
 * must be files, not standard input): NEW once for each of new, changed
 * and (csv, json) unchanged, OLD once for stopped.
 */
#ifndef PAYROLL_CHANGES_H
#define PAYROLL_CHANGES_H

#include <stdint.h>

#include "error.h"

enum payroll_changes_format {
	PAYROLL_CHANGES_TEXT = 0,
	PAYROLL_CHANGES_CSV,
	PAYROLL_CHANGES_JSON,
	PAYROLL_CHANGES_HTML,
};

/* Classes, in the order reports give them. */
enum payroll_change_class {
	PAYROLL_CHANGE_NEW = 0,
	PAYROLL_CHANGE_STOPPED,
	PAYROLL_CHANGE_CHANGED,
	PAYROLL_CHANGE_UNCHANGED,
	PAYROLL_CHANGE_NCLASS
};

/* Reasons of a changed case: bit (1 << r). */
enum payroll_change_reason {
	PAYROLL_CHANGE_AMOUNT = 0,
	PAYROLL_CHANGE_MEMBERS,
	PAYROLL_CHANGE_PROGRAM,
	PAYROLL_CHANGE_ACCOUNT,
	PAYROLL_CHANGE_ARREARS,
	PAYROLL_CHANGE_SUBSIDY,
	PAYROLL_CHANGE_NREASON
};

struct payroll_changes_opts {
	const char *old_path;	/* ledger files (read twice: no "-") */
	const char *new_path;
	enum payroll_changes_format format;
	int public;		/* names masked (SPEC 8), no id numbers, banks or accounts */
	const char *output;	/* path, or NULL / "-" for standard output */
	int bom;		/* PAYROLL_CHANGES_CSV begins with PAYROLL_UTF8_BOM
				 * (the other formats never do) */
};

/* The defaults: the text report to standard output, names not masked. */
#define PAYROLL_CHANGES_OPTS_INIT { .format = PAYROLL_CHANGES_TEXT, .output = "-" }

/* Households, persons and amounts of a class; [0] OLD, [1] NEW. */
struct payroll_changes_total {
	long households;
	long persons[2];
	int64_t amount[2];	/* fen: every ledger line of its cases */
};

struct payroll_changes_result {
	char period[2][8];	/* "" for a ledger without lines */
	long lines[2];		/* ledger lines read */
	long cases[2];		/* cases in each ledger */
	int64_t sum[2];		/* fen: the sum of every line, counted line by line */
	struct payroll_changes_total cls[PAYROLL_CHANGE_NCLASS];
	struct payroll_changes_total all;	/* equals sum[] and cases[] */
	long by_reason[PAYROLL_CHANGE_NREASON];	/* changed cases with each reason */
};

/*
 * Compare the ledgers o->old_path and o->new_path and write the report
 * to o->output (atomically; nothing is written on error). Fills *res.
 * Returns 0, or with err filled: PAYROLL_EUSAGE (a path missing or "-"),
 * PAYROLL_EFORMAT (the ledger reader's codes; "bad-period", "bad-month"
 * (not YYYY-MM, or after the period), "mixed-period", "period-order"
 * (OLD's period after NEW's), "bad-program", "case-not-contiguous",
 * "payee-mismatch" (bank, account or account_name differ within a case),
 * "case-mismatch" (members or program differ within a case)), PAYROLL_EOVERFLOW (a sum, or a ledger of 2^31 lines),
 * PAYROLL_EIO ("changed-file": a ledger changed between its readings),
 * PAYROLL_ENOMEM, PAYROLL_EINTERNAL (totals that do not reconcile: a bug).
 */
int payroll_changes(const struct payroll_changes_opts *o,
		    struct payroll_changes_result *res, struct payroll_error *err);

/* Format by name ("text", "csv", "json", "html"); -1 when unknown. */
int payroll_changes_format_parse(const char *s);

/* Stable names: "new", "stopped"...; "amount", "members"... */
const char *payroll_changes_class_name(enum payroll_change_class c);
const char *payroll_changes_reason_name(enum payroll_change_reason r);

#endif
