/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bankread.h: bank files read back into their transfers (SPEC 6.1, man
 * payroll-inspect(1)).
 *
 * Every format bankfile writes is read through the description it was
 * written with: csv and fixed-gbk and any layout FILE through layout.h
 * (payroll_layout_split, the inverse of the writers' payroll_layout_format),
 * pain001 through libxml2's xmlTextReader. Each transfer read is handed to
 * a callback as seq,bank,account,account_name,amount,memo; what the bank
 * would check is checked on the way and each problem reported with its
 * record number (line number for XML) and a stable code:
 *   bad-width      a fixed-width record of the wrong length in bytes
 *   bad-encoding   bytes invalid in the layout's encoding
 *   bad-record     a record that does not split into the layout's fields,
 *                  a constant field with other text, a missing record
 *   bad-amount     an amount that is not a positive amount of money
 *   bad-seq        a serial number that is not a positive number
 *   bad-account    an account that fails the ledger's account check
 *   duplicate-seq  a serial number seen before
 *   control-count  a count (header, trailer, control file, NbOfTxs) that
 *                  is not the number of transfers
 *   control-total  a total (CtrlSum) that is not their sum
 *   bad-namespace  XML that is not pain.001.001.09
 *   bad-xml        XML that is not well formed
 *   payer-mismatch a pain001 debtor (Dbtr Nm, DbtrAcct Id, DbtrAgt BICFI,
 *                  MmbId, Nm) that is not the payer file's (opts.payer)
 * A layout without a field leaves it "" (a layout without seq numbers its
 * records 1..N, as bankfile does). A layout of format xlsx is read through
 * xlsx.h, one row a record, one cell a field (number cells as Excel shows
 * them); its problems name the row.
 *
 * Memory: the file is streamed (64 KiB at a time; text records cut at
 * '\n', XML through xmlReaderForIO): held are the current record, the
 * header and trailer records not yet known to be such (the trailers are
 * the last records), and 16 bytes a transfer for the duplicate-seq check.
 * A record of 16 MiB or more is refused ("too-big"). XML that is not well
 * formed is bad-xml, and its counts are not checked.
 */
#ifndef PAYROLL_BANKREAD_H
#define PAYROLL_BANKREAD_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#include "error.h"

struct payroll_bank_transfer {
	int64_t seq;
	const char *bank;
	const char *account;
	const char *account_name;
	int64_t amount;		/* fen */
	const char *memo;	/* the reference, PERIOD-CASE_ID */
	long record;		/* record number (XML: line of CdtTrfTxInf) */
};

struct payroll_bankread_info {
	char format[64];	/* "csv", "fixed-gbk", "pain001", or the layout FILE */
	char period[8];		/* YYYY-MM, "" when unknown */
	long count;		/* transfers read */
	int64_t total;		/* their sum, fen */
};

/* Called for each transfer read, in file order; strings valid during the call. */
typedef int (*payroll_bank_transfer_fn)(void *ctx, const struct payroll_bank_transfer *t);

/*
 * Read the bank file at path in layout ("csv", "fixed-gbk", "pain001", a
 * layout FILE, or NULL to detect csv, fixed-gbk and pain001 from the
 * content). Each transfer goes to each (may be NULL; a nonzero return
 * stops reading and is returned); each problem to p (payroll_problem,
 * counted in p->count). Returns 0 (info filled; the file was read, valid
 * when p->count is 0), or with err filled: PAYROLL_EIO (cannot read),
 * PAYROLL_EUSAGE ("unknown-format": not detected, or an unknown layout),
 * PAYROLL_EFORMAT (a bad layout file; an xlsx layout's file that is not a
 * workbook, "bad-xlsx"), PAYROLL_ENOMEM ("too-big": a record of 16 MiB or
 * more). Transfers handed on before an error stay handed on.
 */
int payroll_bankread(const char *path, const char *layout,
		     payroll_bank_transfer_fn each, void *ctx,
		     struct payroll_problems *p, struct payroll_bankread_info *info,
		     struct payroll_error *err);

struct payroll_payer_debtor;

struct payroll_bankread_opts {
	const char *layout;	/* as payroll_bankread's layout */
	size_t chunk;		/* bytes read at a time; 0: 64 KiB (tests cut
				 * records and XML at every place with 1, 2...) */
	const struct payroll_payer_debtor *payer;	/* pain001: the debtor
				 * expected in every PmtInf (pain001.h), or NULL */
};

/*
 * As payroll_bankread with o's options; also PAYROLL_EUSAGE ("usage") for
 * a payer given for a file that is not pain001.
 */
int payroll_bankread_opts(const char *path, const struct payroll_bankread_opts *o,
			  payroll_bank_transfer_fn each, void *ctx,
			  struct payroll_problems *p, struct payroll_bankread_info *info,
			  struct payroll_error *err);

/* The header of bankfile's csv form of transfers. */
#define PAYROLL_BANK_CSV_HEADER "seq,bank,account,account_name,amount,memo\n"

/* Append t as one row (with its \n) of bankfile's csv form to b.
 * Returns 0 or PAYROLL_ENOMEM. */
int payroll_bank_transfer_csv(struct payroll_buf *b, const struct payroll_bank_transfer *t);

/*
 * Read the bank file at path as payroll_bankread does and write its
 * transfers to out in bankfile's csv form, header first (what diff
 * compares). Returns as payroll_bankread, and PAYROLL_EIO ("write-failed")
 * when out cannot be written.
 */
int payroll_bankread_csv(const char *path, const char *layout, FILE *out,
			 struct payroll_problems *p, struct payroll_bankread_info *info,
			 struct payroll_error *err);

#endif
