/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.h: the run journal, ROOT/journal.csv, a tamper-evident history.
 *
 * Each successful run appends one line:
 *
 *   period,run_time,version,inputs,sums_sha256,rows_paid,total,prev_sha256
 *
 * inputs lists "name=sha256hex" of every input file, ';'-separated;
 * sums_sha256 is the SHA-256 of the period's SHA256SUMS; prev_sha256 the
 * SHA-256 of the previous line's bytes (the header's for the first
 * entry), so editing or deleting a line breaks the next one. The whole
 * file is signed into journal.csv.sig after each append.
 */
#ifndef PAYROLL_JOURNAL_H
#define PAYROLL_JOURNAL_H

#include <stdint.h>

#include "error.h"
#include "sign.h"

#define PAYROLL_JOURNAL "journal.csv"
#define PAYROLL_JOURNAL_HEADER \
	"period,run_time,version,inputs,sums_sha256,rows_paid,total,prev_sha256\n"

struct payroll_journal_entry {
	const char *period;	/* YYYY-MM */
	const char *run_time;	/* UTC, e.g. 2026-12-01T02:00:00Z */
	const char *version;
	const char *inputs;	/* "roster=HEX;standards=HEX;..." */
	const char *sums_sha256;	/* hex */
	long rows_paid;
	int64_t total;		/* fen */
};

/*
 * Append e to ROOT/journal.csv (created with its header when absent) and
 * re-sign it with key, both atomically. Returns 0 or a negative
 * PAYROLL_E* with err filled (the journal then is as it was).
 */
int payroll_journal_append(const char *root, const struct payroll_journal_entry *e,
			   struct payroll_key *key, struct payroll_error *err);

/*
 * Walk ROOT's journal: its signature, the chain of prev_sha256, and for
 * each entry the period directory's SHA256SUMS (hash, signature, every
 * listed file); a replaced period is looked for in YYYY-MM.replaced-N.
 * Period directories with no entry are reported too. Each break goes to
 * diag as "ROOT/journal.csv:LINE: CODE: message". Returns
 * PAYROLL_SIG_GOOD, PAYROLL_SIG_BAD, or a negative error.
 */
int payroll_journal_verify(const char *root, struct payroll_key *key,
			   payroll_diag_fn diag, void *ctx,
			   struct payroll_error *err);

/* Hex SHA-256 of n bytes into out (65 bytes). */
void payroll_sha256_hex(const void *data, size_t n, char out[65]);

#endif
