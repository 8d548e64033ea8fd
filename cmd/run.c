/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-run: the whole month, for cron (SPEC 11). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "common.h"
#include "banned.h"

enum { EXIT_PERIOD_DONE = 3 };


static int progress_shown;

/* On a terminal only: "[2/8] calc..." on one line, overwritten. */
static void
progress(void *ctx, const char *step, int i, int n)
{
	(void)ctx;
	fprintf(stderr, "\r\033[K[%d/%d] %s...", i, n, step);
	progress_shown = 1;
}

/* One line per step on stderr: when, what, counts. */
static void
log_line(void *ctx, const char *step, const char *line)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	(void)ctx;
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s payroll-run: %s: %s\n", when, step, line);
}

int
main(int argc, char **argv)
{
	struct payroll_run_opts o = PAYROLL_RUN_OPTS_INIT;
	const struct tool_opt opts[] = {
		OPT(0, "config", OPT_PATH, &o.config, "F", N_("the batch configuration (man 5 payroll-run)"), OPT_REQUIRED),
		OPT(0, "period", OPT_MONTH, &o.period, "YYYY-MM", N_("the month to pay"), OPT_REQUIRED),
		OPT(0, "force", OPT_FLAG, &o.force, NULL, N_("redo a period already done; the old one is kept as\n"
			"ROOT/YYYY-MM.replaced-N (and journals an unjournaled\n"
			"one first: a run killed before its journal)"), 0),
		OPT_NUM(0, "wait", OPT_INT, &o.wait_seconds, "SECONDS",
			N_("wait this long for another run's lock (default: refuse)"), 0, 0, 86400),
		OPT_END,
	};
	struct tool t = { .name = "payroll-run", .opts = opts,
		.exits = N_("0 done, 1 done with rejected rows, 2 error (nothing changed),\n"
			    "      3 the period was already done\n") };
	struct payroll_run_result res;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.log = log_line;
	o.pause_after = getenv("PAYROLL_TEST_PAUSE_AFTER");
	if (tool_stderr_is_tty())
		o.progress = progress;
	rc = payroll_run(&o, &res, &err);
	if (progress_shown)
		fputs("\r\033[K", stderr);
	if (rc == PAYROLL_EEXIST && !strcmp(err.code, "period-done")) {
		fprintf(stderr, "%s: %s: %s; %s\n", err.file, err.code, err.message,
			_("--force redoes it and keeps this one"));
		return EXIT_PERIOD_DONE;
	}
	if (rc)
		return tool_fail(&t, rc, &err);
	log_line(NULL, "done", res.dir);
	return res.attention ? EXIT_ATTENTION : EXIT_OK;
}
