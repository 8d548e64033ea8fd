/*
 * reconcile.h: the bank's answer matched to the transfers (SPEC 10).
 *
 * Transfers are derived from the ledger exactly as bankfile numbers them
 * (payroll_bank_transfers). Each result of the bank's file is matched by
 * seq, and when its seq is empty or unknown by account and amount among
 * the transfers without a result. Nothing is ever paid twice: a transfer
 * with two results, or one whose case was paid since (--paid-ledger), is
 * flagged and left out of the failed ledger.
 */
#ifndef PAYROLL_RECONCILE_H
#define PAYROLL_RECONCILE_H

#include <stdint.h>

#include "buf.h"
#include "error.h"

#define PAYROLL_RECONCILE_MAX_PAID 16

struct payroll_reconcile_opts {
	const char *ledger;	/* the ledger the bank file was made from */
	const char *result;	/* the bank's result file (generic CSV) */
	const char *failed;	/* output: the failed transfers as a ledger, or NULL */
	const char *report;	/* output: the detail CSV, or NULL */
	const char *paid[PAYROLL_RECONCILE_MAX_PAID];	/* ledgers paid since */
	int npaid;
};

struct payroll_reconcile_result {
	long transfers, paid, failed, no_result, unmatched, mismatched, duplicate, since_paid;
	int64_t total, paid_total, failed_total, bank_total;	/* fen */
	long attention;		/* anything but "all paid and matched" */
};

/*
 * Reconcile. Returns 0 (res->attention > 0: a person must look), or with
 * err filled and no output written: PAYROLL_EFORMAT (a bad ledger or
 * result line: "bad-status", "bad-money", "bad-seq"...), PAYROLL_EIO,
 * PAYROLL_ENOMEM, PAYROLL_EUSAGE.
 */
int payroll_reconcile(const struct payroll_reconcile_opts *o,
		      struct payroll_reconcile_result *res,
		      struct payroll_error *err);

/* A short text summary of res for people. */
int payroll_reconcile_summary(const struct payroll_reconcile_result *res,
			      struct payroll_buf *b);

#endif
