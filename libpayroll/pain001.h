/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pain001.h: ISO 20022 pain.001.001.09 credit transfer messages (SPEC 6,
 * man payroll-bankfile(1)), and the payer file that names the debtor and
 * how message ids and dates are made.
 *
 * The message is written by hand, byte for byte as libxml2's text writer
 * wrote it, into an outfile; the transfers come from the caller
 * (payroll-bankfile's spool), read once: ids derived from them use a
 * digest the caller keeps while it spools them (payroll_pain001_digest).
 */
#ifndef PAYROLL_PAIN001_H
#define PAYROLL_PAIN001_H

#include <stdint.h>

#include "error.h"
#include "outfile.h"
#include "transfers.h"

/* A payer file, loaded and checked. */
struct payroll_payer;

/*
 * Load and check the payer file at path (KEY = VALUE lines, at most
 * 64 KiB). Returns 0 (*p set; free it with payroll_payer_free) or, with
 * err filled and *p NULL: PAYROLL_EFORMAT ("bad-line", "unknown-key",
 * "duplicate-key", "bad-value", "missing-key", "conflicting-keys",
 * "bad-payer" for a file that is not text, "too-big" over 64 KiB), PAYROLL_EIO,
 * PAYROLL_ENOMEM.
 */
int payroll_payer_load(struct payroll_payer **p, const char *path,
		       struct payroll_error *err);

/* Free p; NULL is allowed. */
void payroll_payer_free(struct payroll_payer *p);

/* The debtor a payer file names, as pain001 files carry it ("" when not
 * set), for checking a file read back (payroll-inspect --payer). */
struct payroll_payer_debtor {
	const char *name, *account, *bic, *cnaps, *bank_name;
};
void payroll_payer_debtor(const struct payroll_payer *p, struct payroll_payer_debtor *d);

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
 * The digest that message ids derived from message-id-prefix carry: the
 * SHA-256 of a message's transfers as lines SEQ,BANK,ACCOUNT,ACCOUNT_NAME,
 * AMOUNT,REFERENCE (LF), in file order. The caller feeds it each transfer
 * as it spools it, so the transfers are read once.
 */
struct payroll_pain001_digest;

/*
 * A digest for one message paid by p into *d, or *d NULL when p fixes the
 * ids (nothing to digest; payroll_pain001_digest_add takes NULL). Returns
 * 0, or PAYROLL_ENOMEM with err filled and *d NULL.
 */
int payroll_pain001_digest_new(struct payroll_pain001_digest **d,
			       const struct payroll_payer *p, struct payroll_error *err);

/*
 * Add t, the message's next transfer, to d (NULL: nothing to do).
 * Returns 0, or with err filled: PAYROLL_ENOMEM, PAYROLL_EINTERNAL
 * ("crypto").
 */
int payroll_pain001_digest_add(struct payroll_pain001_digest *d,
			       const struct payroll_transfer *t, struct payroll_error *err);

/* Free d; NULL is allowed. */
void payroll_pain001_digest_free(struct payroll_pain001_digest *d);

/*
 * The transfers of one message, in file order, and what the message says
 * of them. rewind and next are the caller's: next returns 1 (t filled,
 * its strings valid until the next call), 0 at the end, or a negative
 * code with err filled; rewind returns 0 or a negative code. digest holds
 * every transfer next gives when the payer derives the ids (else NULL).
 */
struct payroll_pain001_source {
	const char *ledger;	/* the ledger's name, for messages on a transfer */
	const char *path;	/* the file written, for messages */
	const char *name;	/* its name part (BANK, BANK-001, 001) or NULL */
	const char *period;	/* YYYY-MM, of every transfer */
	long count;		/* how many transfers next gives */
	int64_t total;		/* and their sum (fen) */
	int (*rewind)(void *ctx, struct payroll_error *err);
	int (*next)(void *ctx, struct payroll_transfer *t, struct payroll_error *err);
	void *ctx;
	struct payroll_pain001_digest *digest;
};

/*
 * Write the pain.001 message of src's transfers, paid by p, to out (not
 * committed: the caller commits or aborts it). The ids and dates are
 * derived or fixed as the payer file says (payroll-bankfile(1)).
 * Returns 0, or with err filled: PAYROLL_EFORMAT "field-overflow" (a
 * reference over 35 or an account_name over 140 characters; a fixed id
 * with its name part over 35), PAYROLL_EOVERFLOW, PAYROLL_EINTERNAL
 * ("control-mismatch" when the transfers disagree with src's count and
 * total; "crypto", also for derived ids without src->digest), PAYROLL_EIO,
 * PAYROLL_ENOMEM, or any code of src's rewind and next.
 */
int payroll_pain001_write(const struct payroll_payer *p,
			  const struct payroll_pain001_source *src,
			  struct payroll_outfile *out, struct payroll_error *err);

#endif
