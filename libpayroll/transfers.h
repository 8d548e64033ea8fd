/* SPDX-License-Identifier: Apache-2.0 */
/*
 * transfers.h: the ledger as transfers, one per case (SPEC 6), for
 * payroll-bankfile, payroll-reconcile and anything else that must agree
 * with the bank files.
 */
#ifndef PAYROLL_TRANSFERS_H
#define PAYROLL_TRANSFERS_H

#include <stdint.h>

#include "buf.h"
#include "error.h"

/*
 * Transfers: the one place where the ledger becomes transfers, for
 * bankfile, reconcile and anything else that must agree with them.
 *
 * The consecutive ledger lines of a case (same case_id, temporary or not)
 * are summed into one transfer, numbered seq = 1..N in ledger order. Each
 * line is checked as bankfile checks it: one period (YYYY-MM), a valid
 * account and bank code, amount > 0, an account_name, the same payee on
 * every line of a case, and no case seen again after other cases.
 * Memory does not grow with the ledger, except for the case-hash set.
 */
struct payroll_transfer {
	int64_t seq;		/* 1..N in ledger order */
	const char *case_id;	/* the grant_id for a temporary grant */
	const char *program;
	const char *bank;
	const char *account;
	const char *account_name;
	const char *name;
	const char *id_number;
	const char *region;
	const char *locality;
	const char *period;	/* YYYY-MM, the same for every transfer */
	int temporary;		/* a temporary grant */
	int members;		/* of the case's first line */
	int64_t amount;		/* fen, the sum of its lines */
	long line;		/* first ledger line */
	int nlines;
};

struct payroll_transfers;

/*
 * Open the ledger at path ("-" for standard input) for payroll_transfers_next.
 * Returns 0 (*r set; free it with payroll_transfers_close) or, with err
 * filled and *r NULL: PAYROLL_EIO, PAYROLL_EFORMAT (a bad header),
 * PAYROLL_ENOMEM.
 */
int payroll_transfers_open(struct payroll_transfers **r, const char *path,
			   struct payroll_error *err);

/*
 * The next transfer into *t. Its strings belong to r and stay valid until
 * the next call of payroll_transfers_next or payroll_transfers_close.
 * Returns 1 (a transfer), 0 (no more), or a negative code with err filled,
 * after which only payroll_transfers_close may be called:
 * PAYROLL_EFORMAT (err->code "bad-period", "mixed-period", "bad-account",
 * "bad-amount", "bad-bank", "missing-field", "payee-mismatch",
 * "case-not-contiguous", "empty-ledger" when the ledger has no lines, or a
 * line the ledger reader rejects), PAYROLL_EOVERFLOW, PAYROLL_EIO,
 * PAYROLL_ENOMEM.
 */
int payroll_transfers_next(struct payroll_transfers *r, struct payroll_transfer *t,
			   struct payroll_error *err);

/* The ledger's name as messages give it ("-" becomes the reader's name). */
const char *payroll_transfers_path(const struct payroll_transfers *r);

/* Ledger lines read so far and the sum of their amounts (fen), counted
 * line by line: a cross-check on the sum of the transfers. */
void payroll_transfers_counts(const struct payroll_transfers *r, long *lines,
			      int64_t *line_total);

/* Close the ledger and free r; NULL is allowed. */
void payroll_transfers_close(struct payroll_transfers *r);

/*
 * The stable reference of t into b (reset first): PERIOD-CASE_ID, or
 * PERIOD-T-GRANT_ID for a temporary grant. Returns 0 or PAYROLL_ENOMEM.
 */
int payroll_transfer_ref(const struct payroll_transfer *t, struct payroll_buf *b);

#endif
