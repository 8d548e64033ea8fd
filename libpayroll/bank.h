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
 * unlinked temporary file so that headers can carry the count and total
 * (pain001's derived ids the digest of the transfers, taken while
 * spooling), and each spool is read back once to write its file;
 * the count and total are computed from the ledger lines and again from
 * the records written, and a file is only committed when both agree.
 * Memory does not grow with the ledger, except for a set of 64-bit case
 * hashes (12 bytes a slot) that detects a case seen twice.
 *
 * The transfers themselves come from transfers.h (shared with
 * reconcile); a layout (layout.h) formats csv, fixed-width and xlsx
 * files; pain001.h writes the pain.001 XML message.
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

#endif
