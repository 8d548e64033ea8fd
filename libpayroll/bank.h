/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bank.h: bank transfer files from a ledger (SPEC 6, man payroll-bankfile(1)).
 *
 * One transfer per case: the consecutive ledger lines with the same
 * case_id and program kind (temporary or not) are summed into one amount
 * paid to their bank, account and account_name. Transfers are numbered
 * seq = 1..N in ledger order and carry the reference PERIOD-CASE_ID
 * (PERIOD-T-GRANT_ID for temporary grants): the same ledger always gives
 * the same numbers, the clock is never read.
 *
 * The ledger is read once, through ledger.h; transfers are spooled to an
 * unlinked temporary file so that headers can carry the count and total;
 * the count and total are computed from the ledger lines and again from
 * the records written, and a file is only committed when both agree.
 * Memory does not grow with the ledger, except for a set of 64-bit case
 * hashes (12 bytes a slot) that detects a case seen twice.
 */
#ifndef PAYROLL_BANK_H
#define PAYROLL_BANK_H

#include <stdint.h>

#include "error.h"

struct payroll_bankfile_opts {
	const char *ledger;	/* path or "-" */
	const char *layout;	/* "csv", "fixed-gbk", "pain001", or a layout file
				 * (a value holding '/' or '.') */
	const char *payer;	/* payer file (pain001 only), or NULL */
	const char *output;	/* OUT; "-" for standard output (one file only) */
	int split_by_bank;	/* one file per bank code: OUT-BANK.EXT */
	payroll_diag_fn diag;	/* warnings ("truncated"), or NULL */
	void *diag_ctx;
	long max_count;		/* at most this many transfers a file; 0: no limit */
	int64_t max_amount;	/* at most this total (fen) a file; 0: no limit */
	/* after success, called for each bank file written (not control
	 * files), in name order, with its transfers and total; or NULL */
	void (*on_file)(void *ctx, const char *path, long transfers, int64_t total);
	void *file_ctx;
};

#define PAYROLL_BANKFILE_OPTS_INIT { NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL }

struct payroll_bankfile_result {
	long lines;		/* ledger lines read */
	long transfers;		/* transfers written */
	int64_t total;		/* their sum, fen */
	int files;		/* files committed (control files included) */
	long warnings;		/* diagnostics handed to diag */
};

/*
 * Write the bank file(s) for o->ledger in layout o->layout to o->output.
 * With a limit (max_count, max_amount) the transfers of each file (each
 * bank's, with split_by_bank) are cut into numbered files in ledger order,
 * a file taking transfers while both limits hold: OUT-001.EXT, OUT-002.EXT
 * (OUT-BANK-001.EXT), each with its own count and total; a transfer above
 * max_amount alone is PAYROLL_EFORMAT "over-max-amount".
 * All files are written to temporary names first and renamed into place
 * only when every one is complete; on any error none is left behind.
 * Returns 0 (res filled; res->warnings > 0 means a person should look,
 * e.g. a name was cut to fit), or with err filled:
 * PAYROLL_EUSAGE (unknown layout, pain001 without payer, a payer for
 * another layout, "-" with several files), PAYROLL_EFORMAT (a bad ledger
 * line: "bad-account", "bad-amount", "payee-mismatch",
 * "case-not-contiguous", "mixed-period", "bad-bank", a value a layout
 * cannot hold; a bad layout or payer file), PAYROLL_EOVERFLOW (a sum does
 * not fit), PAYROLL_EIO, PAYROLL_ENOMEM, PAYROLL_EINTERNAL (control
 * totals disagree).
 */
int payroll_bankfile(const struct payroll_bankfile_opts *o,
		     struct payroll_bankfile_result *res,
		     struct payroll_error *err);

/*
 * Whether the pain001 payer file at path derives every id and date from
 * the period, as payroll run requires: message-id-prefix and
 * execution-day, and none of message-id, payment-id, execution-date or
 * created (each of which payroll-bankfile honours as a fixed value).
 * Returns 0, or with err filled: PAYROLL_EFORMAT "fixed-id" or
 * "fixed-date" (naming the key's line and saying what to write instead),
 * or any error of reading the payer file (PAYROLL_EFORMAT "missing-key",
 * "bad-value", "conflicting-keys"...; PAYROLL_EIO, PAYROLL_ENOMEM).
 */
int payroll_payer_check_derived(const char *path, struct payroll_error *err);

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

#endif
