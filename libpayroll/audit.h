/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.h: anomaly rules over what was paid (SPEC 14).
 *
 * The period's ledgers (several, e.g. every county of a city, checked
 * together) are read line by line; a case is the consecutive lines of one
 * case_id and program. Rules, each with a stable id (payroll-audit(1)
 * gives the exact definitions):
 *
 *   same-person-twice  one id_number in two or more cases of a period
 *                      (temporary grants aside); every case is flagged
 *   shared-account     one account (bank and number) paid for two or more
 *                      id_numbers in a period; centralized cases aside
 *   account-changed    bank or account differs from the case's latest
 *                      earlier ledger (--previous)
 *   amount-jump        the period's own regular amount moved by more than
 *                      jump percent of the previous one, members unchanged
 *   payee-age          the payee is under 16 or over 100 on the first day
 *                      of the period (centralized cases aside)
 *   listed             the id_number is in an external list
 *   review-overdue     the roster's reviewed month is more than 12 months
 *                      before the period
 *   basis-mismatch     a line's basis arithmetic does not give its amount
 *
 * Memory, per case of the audited ledgers: 12 bytes in the id_number
 * index, 12 in the account index, 8 for the id number's hash (32 bytes);
 * per case of the previous ledgers 24 bytes and its "BANK ACCOUNT" text,
 * and 8 to 16 of index; per roster row 16 and 8 to 16; per list entry 16, 8 to 16 and
 * its other columns' text. The ledgers are streamed, each audited ledger
 * twice when same-person-twice or shared-account found anything (to name
 * the cases), so they must be files, not standard input.
 */
#ifndef PAYROLL_AUDIT_H
#define PAYROLL_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PAYROLL_AUDIT_HEADER "rule,case_id,id_number,name,detail\n"

/* The rules, in the order of payroll-audit(1) and of the summary. */
enum payroll_audit_rule {
	PAYROLL_AUDIT_SAME_PERSON,
	PAYROLL_AUDIT_SHARED_ACCOUNT,
	PAYROLL_AUDIT_ACCOUNT_CHANGED,
	PAYROLL_AUDIT_AMOUNT_JUMP,
	PAYROLL_AUDIT_PAYEE_AGE,
	PAYROLL_AUDIT_LISTED,
	PAYROLL_AUDIT_REVIEW_OVERDUE,
	PAYROLL_AUDIT_BASIS_MISMATCH,
	PAYROLL_AUDIT_NRULES
};

/* The rule's stable id ("same-person-twice" ...). */
const char *payroll_audit_rule_name(enum payroll_audit_rule r);

struct payroll_audit_list {
	const char *name;	/* as given: deceased, vehicles ... */
	const char *path;	/* CSV with an id_number (身份证号) column */
};

struct payroll_audit_opts {
	const char *const *ledgers;	/* the period's ledgers (files) */
	size_t nledgers;
	const char *const *previous;	/* earlier ledgers, may be 0 */
	size_t nprevious;
	const char *roster;		/* for review-overdue, or NULL */
	const struct payroll_audit_list *lists;
	size_t nlists;
	int jump;			/* percent; 0 means 30 */
	const char *output;		/* findings CSV; NULL or "-" stdout */
	int bom;			/* the CSV begins with PAYROLL_UTF8_BOM */
	payroll_diag_fn diag;		/* each list row not read, or NULL */
	void *diag_ctx;
};

/* The defaults: amount-jump at 30 percent, findings to standard output. */
#define PAYROLL_AUDIT_OPTS_INIT { .jump = 30 }

struct payroll_audit_result {
	long cases;			/* cases of the audited ledgers */
	long lines;
	long findings;
	long by_rule[PAYROLL_AUDIT_NRULES];
	long unread;			/* list rows the reader could not read */
};

/*
 * Run the rules and write the findings, sorted by rule (in the order
 * above), case_id, id_number and detail. A list row the reader cannot
 * read (a field count, a stray quote, invalid text: its id number cannot
 * be trusted) is matched against nothing; each is handed to diag with its
 * code, file and line, and counted in res->unread. Returns 0 (res->findings may
 * be 0 or more), or with err filled and no output left: PAYROLL_EUSAGE
 * (no ledger, standard input as a ledger, a jump outside 1..1000, a list
 * without a name), PAYROLL_EFORMAT (a ledger the reader rejects,
 * "missing-column" for an audited ledger without support_mode, a list
 * without id_number or a roster without case_id or reviewed,
 * "bad-encoding" for a list whose header names a column in invalid text,
 * "bad-month" for a roster's reviewed that is not YYYY-MM), PAYROLL_EIO,
 * PAYROLL_ENOMEM, PAYROLL_EOVERFLOW (more than 2^31 cases).
 */
int payroll_audit(const struct payroll_audit_opts *o, struct payroll_audit_result *res,
		  struct payroll_error *err);

#endif
