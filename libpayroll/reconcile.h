/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reconcile.h: the bank's answer matched to the transfers (SPEC 10).
 *
 * Transfers are derived from the ledger exactly as bankfile numbers them
 * (payroll_transfers_next). The bank's result file is the generic CSV
 * (seq,account,account_name,amount,status,reason) or a file in a bank's
 * own layout (layout.h, with the reconcile-only sources status and
 * reason in its [detail] record). Each result is matched by seq, and when
 * its seq is empty or unknown by account and amount among the transfers
 * without a result. A failure's reason is sorted into the classes below.
 * Nothing is ever paid twice: a transfer with two results, or one with a
 * line whose case and month a ledger paid since has (--paid-ledger), is
 * flagged and left out of the failed ledger. Nor is money sent again to an account that refused it:
 * with the corrected roster (and grants file), each failure is re-pointed
 * to its case's current bank, account and account_name, and an account
 * failure (closed, not found, name mismatch) whose account was not
 * corrected is held back as account-not-corrected. The roster is read
 * through the roster reader; memory grows with the failures only.
 */
#ifndef PAYROLL_RECONCILE_H
#define PAYROLL_RECONCILE_H

#include <stdint.h>

#include "buf.h"
#include "error.h"

#define PAYROLL_RECONCILE_MAX_PAID 16

/* Why the bank returned a payment, from its reason text (English or Chinese). */
enum payroll_reason {
	PAYROLL_REASON_CLOSED = 0,	/* account-closed: 销户, 注销 */
	PAYROLL_REASON_FROZEN,		/* account-frozen: 冻结, 止付 */
	PAYROLL_REASON_NAME,		/* name-mismatch: 户名不符 */
	PAYROLL_REASON_NOT_FOUND,	/* account-not-found: 账户不存在, 无此账户 */
	PAYROLL_REASON_OTHER,		/* other, or no reason given */
	PAYROLL_REASON_N
};

struct payroll_reconcile_opts {
	const char *ledger;	/* the ledger the bank file was made from */
	const char *result;	/* the bank's result file */
	const char *layout;	/* its layout FILE, or NULL: the generic CSV */
	const char *failed;	/* output: the failed transfers as a ledger, or NULL */
	const char *report;	/* output: the detail CSV, or NULL */
	const char *paid[PAYROLL_RECONCILE_MAX_PAID];	/* ledgers paid since */
	int npaid;
	const char *roster;	/* the corrected roster, or NULL */
	const char *grants;	/* the corrected grants file (temporary lines), or NULL */
};

/* The defaults: the generic result CSV, no output but the summary. */
#define PAYROLL_RECONCILE_OPTS_INIT { .layout = NULL }

struct payroll_reconcile_result {
	long transfers, paid, failed, no_result, unmatched, mismatched, duplicate, since_paid;
	int64_t total, paid_total, failed_total, bank_total;	/* fen */
	/* fen: the transfers' amounts (the bank's for unmatched results) */
	int64_t no_result_total, unmatched_total, mismatched_total, duplicate_total,
		since_paid_total;
	/* with a roster or grants file: failures re-pointed to a corrected
	 * account (within failed), and account failures held back */
	int corrected;
	long repointed, not_corrected;
	int64_t repointed_total, not_corrected_total;
	long attention;		/* anything but "all paid and matched" */
	long by_reason[PAYROLL_REASON_N];	/* the failed, by reason class */
	int64_t by_reason_fen[PAYROLL_REASON_N];
};

/*
 * Reconcile. Returns 0 (res->attention > 0: a person must look), or with
 * err filled and no output written: PAYROLL_EFORMAT (a ledger bankfile
 * would refuse, with payroll_transfers_next's codes; a bad result line:
 * "bad-status", "bad-money", "bad-seq", "bad-row", "bad-record"; a bad
 * layout file, or one whose [detail] lacks amount, status, or both seq
 * and account: "missing-field"; a roster or grants file without one of
 * its required columns: "missing-column"), PAYROLL_EOVERFLOW, PAYROLL_EIO,
 * PAYROLL_ENOMEM, PAYROLL_EUSAGE (no ledger or result).
 */
int payroll_reconcile(const struct payroll_reconcile_opts *o,
		      struct payroll_reconcile_result *res,
		      struct payroll_error *err);

/* The class of a bank's reason text; PAYROLL_REASON_OTHER when unknown. */
enum payroll_reason payroll_reason_classify(const char *reason);

/* The class's stable name ("account-closed" ...). */
const char *payroll_reason_name(enum payroll_reason r);

/* A short text summary of res for people. */
int payroll_reconcile_summary(const struct payroll_reconcile_result *res,
			      struct payroll_buf *b);

#endif
