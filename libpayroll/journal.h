/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.h: the run journal, ROOT/journal/journal.csv, a tamper-evident
 * history.
 *
 * Each successful run appends one line:
 *
 *   period,run_time,version,inputs,sums_sha256,rows_paid,total,prev_sha256
 *
 * inputs lists "name=sha256hex" of every input file, ';'-separated;
 * sums_sha256 is the SHA-256 of the period's SHA256SUMS; prev_sha256 the
 * SHA-256 of the previous line's bytes (the header's for the first
 * entry), so editing or deleting a line breaks the next one. The whole
 * file is signed into journal.csv.sig beside it after each append. The
 * two live in the directory ROOT/journal, which an append replaces as a
 * whole with one rename (renameat2 RENAME_EXCHANGE), so the journal and
 * its signature always change together. A ROOT/journal.csv of an earlier
 * version is read when ROOT/journal does not exist, and removed by the
 * next append.
 */
#ifndef PAYROLL_JOURNAL_H
#define PAYROLL_JOURNAL_H

#include <stdint.h>

#include "error.h"
#include "sign.h"

#define PAYROLL_JOURNAL_DIR "journal"
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
 * Append e to ROOT's journal (created with its header when absent) and
 * re-sign it with key, both in one rename. When adopted is not NULL, an
 * entry for that directory (a period directory that had none, moved aside
 * by the caller) goes first: e's period, run time and version, inputs
 * "unjournaled", the hash of its SHA256SUMS and the totals of its
 * run.json. Returns 0 or a negative PAYROLL_E* with err filled (the
 * journal then is as it was).
 */
int payroll_journal_append(const char *root, const struct payroll_journal_entry *e,
			   const char *adopted, struct payroll_key *key,
			   struct payroll_error *err);

/*
 * Before a run appends: ROOT's journal walked as payroll_journal_verify
 * does (key private or public); no journal at all is an empty one. When
 * period is not NULL (a --force run of it), ROOT/PERIOD being the one
 * directory of that period without an entry while its files verify (a
 * run killed between putting it in place and journaling it) is not a
 * break: *adopt is set, and the run moves it aside and passes it to
 * payroll_journal_append. Returns 0, or PAYROLL_EFORMAT with err naming
 * the first break (file, line, code), PAYROLL_EUSAGE (code "symlink":
 * ROOT/journal or ROOT/journal.csv is a symbolic link; append refuses
 * that too), or another negative PAYROLL_E*.
 */
int payroll_journal_check(const char *root, struct payroll_key *key,
			  const char *period, int *adopt, struct payroll_error *err);

/*
 * Walk ROOT's journal: its signature, the chain of prev_sha256, and for
 * each entry the period directory's SHA256SUMS (hash, signature, every
 * listed file, no file it does not list); a replaced period is looked
 * for in YYYY-MM.replaced-N.
 * Period directories with no entry are reported too. Each break goes to
 * diag as "ROOT/journal/journal.csv:LINE: CODE: message". Returns
 * PAYROLL_SIG_GOOD, PAYROLL_SIG_BAD, or a negative error.
 */
int payroll_journal_verify(const char *root, struct payroll_key *key,
			   payroll_diag_fn diag, void *ctx,
			   struct payroll_error *err);

/* Remove dir and everything under it, symlinks not followed; best effort
 * (for a run's own temporary directories). */
void payroll_remove_tree(const char *dir);

/* Hex SHA-256 of n bytes into out (65 bytes). */
void payroll_sha256_hex(const void *data, size_t n, char out[65]);

#endif
