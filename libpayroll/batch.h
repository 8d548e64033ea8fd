/* SPDX-License-Identifier: Apache-2.0 */
/*
 * batch.h: the whole month for cron (SPEC 11, man payroll-run(1)).
 *
 * check -> calc -> bankfile (each layout) -> disclose -> sign (manifest),
 * built in ROOT/.YYYY-MM.tmp-XXXXXX and renamed to ROOT/YYYY-MM only when
 * every step succeeded, under an exclusive flock on the ROOT directory; then one
 * line is appended to the signed journal (journal.h). A killed run leaves
 * only a hidden temporary directory, which the next run removes.
 */
#ifndef PAYROLL_BATCH_H
#define PAYROLL_BATCH_H

#include <stdint.h>

#include "error.h"

struct payroll_run_opts {
	const char *config;
	long period;		/* month number (ident.h) */
	int force;		/* redo an existing period, keeping the old one */
	int wait_seconds;	/* wait this long for the lock; 0: refuse at once */
	const char *pause_after;	/* test hook: sleep after step "STEP[:SECONDS]" */
	/* one line per step, for the log */
	void (*log)(void *ctx, const char *step, const char *line);
	void *log_ctx;
	/* called as step i of n (1-based) starts, or NULL; for a progress line */
	void (*progress)(void *ctx, const char *step, int i, int n);
};

/* The defaults: no period yet (-1), refuse a held lock at once, no
 * log or progress callbacks. */
#define PAYROLL_RUN_OPTS_INIT { .period = -1 }

struct payroll_run_result {
	char dir[PAYROLL_PATH_MAX];	/* ROOT/YYYY-MM, when done */
	char replaced[PAYROLL_PATH_MAX];	/* where --force moved the old one */
	long rows_read, rows_paid, rows_rejected;
	long attention;		/* rejects other than not-due */
	long problems;		/* found by the check step */
	long transfers;
	int64_t total;		/* fen */
};

/*
 * Run the month. Returns 0 (res->attention > 0: rejected rows need a
 * person), or with err filled: PAYROLL_EEXIST (the period is done and
 * force is not set; nothing touched), PAYROLL_EBUSY (another run holds
 * the lock), PAYROLL_EUSAGE, PAYROLL_EFORMAT (a bad config or input file),
 * PAYROLL_EIO, PAYROLL_ENOMEM, PAYROLL_ECRYPTO; then ROOT/YYYY-MM and the
 * journal are as they were.
 */
int payroll_run(const struct payroll_run_opts *o, struct payroll_run_result *res,
		struct payroll_error *err);

#endif
