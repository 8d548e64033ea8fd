/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_calc: the whole of payroll_calc on fuzzed roster bytes (and, after
 * a line "#grants", fuzzed grants), with the demo standards, period
 * 2026-11, ledger, rejects and summary written to files.
 * Properties: on failure no output file exists; on success rows read =
 * rows paid + rows rejected, per source too; the ledger read back with
 * payroll_ledger_open/next has as many lines as reported and its amounts
 * sum to the reported total and to the per-item totals; the rejects file
 * has one row per rejected row.
 * Every 5th input also checks the same-file refusal: the ledger aimed at
 * the roster itself or at a hard link of it must fail with PAYROLL_EUSAGE
 * ("same-file") and leave the roster as it was. Every 7th runs under a
 * file size limit from the input's first byte (a disk filling up): calc
 * either finishes with whole outputs or fails with PAYROLL_EIO leaving
 * none (issue 10 items 2 and 4).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "calc.h"
#include "error.h"
#include "ledger.h"
#include "table.h"
#include "fuzz_util.h"

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void
check_ledger(const char *path, const struct payroll_calc_report *rep)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	struct payroll_error err;
	long lines = 0;
	int64_t sum = 0, totals = 0;
	size_t i;
	int rc;

	rc = payroll_ledger_open(&r, path, &err);
	FUZZ_ASSERT(rc == 0, "ledger does not open: %s: %s", err.code, err.message);
	while ((rc = payroll_ledger_next(r, &l, &err)) == 1) {
		lines++;
		FUZZ_ASSERT(!strcmp(l.period, "2026-11"), "period '%s'", l.period);
		FUZZ_ASSERT(l.amount > 0, "line %ld pays %lld", l.line, (long long)l.amount);
		FUZZ_ASSERT(!__builtin_add_overflow(sum, l.amount, &sum), "sum overflows");
	}
	FUZZ_ASSERT(rc == 0, "ledger line unreadable: %s:%ld: %s: %s", err.file, err.line,
		    err.code, err.message);
	payroll_ledger_close(r);
	FUZZ_ASSERT(lines == rep->lines, "ledger has %ld lines, report says %ld", lines, rep->lines);
	FUZZ_ASSERT(sum == rep->total, "ledger sums to %lld, report says %lld",
		    (long long)sum, (long long)rep->total);
	for (i = 0; i < rep->ntotals; i++)
		totals += rep->totals[i].fen;
	FUZZ_ASSERT(totals == rep->total, "totals by item sum to %lld, not %lld",
		    (long long)totals, (long long)rep->total);
}

static void
check_rejects(const char *path, const struct payroll_calc_report *rep)
{
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	long rows = 0;
	int rc;

	rc = payroll_table_open_path(&t, path, PAYROLL_ENC_UTF8, NULL, 0, &err);
	FUZZ_ASSERT(rc == 0, "rejects file does not open: %s: %s", err.code, err.message);
	FUZZ_ASSERT(payroll_table_ncolumns(t) == 5, "rejects has %zu columns",
		    payroll_table_ncolumns(t));
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		FUZZ_ASSERT(row.problem == PAYROLL_ROW_OK || row.problem == PAYROLL_ROW_ENCODING,
			    "rejects line %ld is broken (%d)", row.line, row.problem);
		rows++;
	}
	FUZZ_ASSERT(rc == 0, "rejects unreadable: %s", err.message);
	payroll_table_close(t);
	FUZZ_ASSERT(rows == rep->rows_rejected, "rejects file has %ld rows, report says %ld",
		    rows, rep->rows_rejected);
}

/* The ledger over the roster, by its name and by a hard link: refused,
 * nothing written, the roster unchanged. */
static void
check_same_file(const struct payroll_calc_opts *base, const unsigned char *roster,
		size_t n)
{
	const char *hard = fuzz_path(5, "hard.csv");
	struct payroll_calc_opts o = *base;
	struct payroll_calc_report rep;
	struct payroll_error err;
	unsigned char *back;
	size_t got;
	FILE *f;
	int i, rc;

	unlink(hard);
	FUZZ_ASSERT(link(o.roster, hard) == 0, "cannot link the roster");
	for (i = 0; i < 2; i++) {
		o.ledger = i ? hard : o.roster;
		memset(&rep, 0, sizeof rep);
		rc = payroll_calc(&o, &rep, &err);
		payroll_calc_report_free(&rep);
		FUZZ_ASSERT(rc == PAYROLL_EUSAGE && !strcmp(err.code, "same-file"),
			    "ledger over the roster: rc %d (%s)", rc, err.code);
		FUZZ_ASSERT(!exists(base->rejects) && !exists(base->summary),
			    "an output written beside a refused one");
	}
	back = malloc(n + 1);
	FUZZ_ASSERT(back != NULL, "out of memory");
	f = fopen(o.roster, "rb");
	FUZZ_ASSERT(f != NULL, "roster gone");
	got = fread(back, 1, n + 1, f);
	fclose(f);
	FUZZ_ASSERT(got == n && !memcmp(back, roster, n), "the roster was changed");
	free(back);
	unlink(hard);
}

static const unsigned char *
find(const unsigned char *data, size_t size, const char *what)
{
	size_t i, n = strlen(what);

	for (i = 0; i + n <= size; i++)
		if (!memcmp(data + i, what, n))
			return data + i;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *roster = fuzz_path(0, "roster.csv");
	const char *grants = fuzz_path(1, "grants.csv");
	const char *ledger = fuzz_path(2, "ledger.csv");
	const char *rejects = fuzz_path(3, "rejects.csv");
	const char *summary = fuzz_path(4, "summary.json");
	const unsigned char *sep = find(data, size, "\n#grants\n");
	struct payroll_calc_opts o = {
		.roster = roster,
		.standards = PAYROLL_FIXTURES "/every-code/standards.csv",
		.ledger = ledger,
		.rejects = rejects,
		.summary = summary,
		.period = 2026 * 12 + 10,
		.chunk = size % 2 ? 4 + size % 37 : 0,
	};
	struct payroll_calc_report rep;
	struct payroll_error err;
	int rc, s;

	if (sep) {
		size_t head = (size_t)(sep - data) + 1;

		fuzz_write(roster, data, head);
		fuzz_write(grants, sep + 9, size - head - 8);
		o.grants = grants;
	} else {
		fuzz_write(roster, data, size);
	}
	unlink(ledger);
	unlink(rejects);
	unlink(summary);
	if (size % 5 == 0)
		check_same_file(&o, data, sep ? (size_t)(sep - data) + 1 : size);
	memset(&rep, 0, sizeof rep);
	if (size % 7 == 3 && size > 0) {
		struct rlimit old, lim;

		getrlimit(RLIMIT_FSIZE, &old);
		lim = old;
		lim.rlim_cur = 1 + (rlim_t)data[0] * 64;
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		rc = payroll_calc(&o, &rep, &err);
		setrlimit(RLIMIT_FSIZE, &old);
		FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EIO || rc == PAYROLL_EFORMAT ||
			    rc == PAYROLL_ENOMEM || rc == PAYROLL_EOVERFLOW,
			    "under a size limit: rc %d (%s: %s)", rc, err.code, err.message);
	} else {
		rc = payroll_calc(&o, &rep, &err);
	}
	if (rc < 0) {
		FUZZ_ASSERT(err.code[0] || err.message[0], "failure %d without a message", rc);
		FUZZ_ASSERT(!exists(ledger) && !exists(rejects) && !exists(summary),
			    "output left behind after failure %d (%s)", rc, err.code);
		payroll_calc_report_free(&rep);
		return 0;
	}
	FUZZ_ASSERT(rc == 0, "calc rc %d", rc);
	FUZZ_ASSERT(rep.rows_read == rep.rows_paid + rep.rows_rejected,
		    "read %ld != paid %ld + rejected %ld", rep.rows_read, rep.rows_paid,
		    rep.rows_rejected);
	for (s = 0; s < 2; s++)
		FUZZ_ASSERT(rep.read[s] == rep.paid[s] + rep.rejected[s], "source %d does not add up", s);
	FUZZ_ASSERT(rep.read[0] + rep.read[1] == rep.rows_read, "sources do not add up");
	FUZZ_ASSERT(exists(ledger) && exists(rejects) && exists(summary), "an output is missing");
	check_ledger(ledger, &rep);
	check_rejects(rejects, &rep);
	payroll_calc_report_free(&rep);
	return 0;
}
