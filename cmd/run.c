/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-run: the whole month, for cron (SPEC 11). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "common.h"
#include "banned.h"

enum { EXIT_PERIOD_DONE = 3 };

static const struct tool tool = {
	"payroll-run",
	"payroll-run --config F --period YYYY-MM [--force] [--wait SECONDS]\n",
	"  --config F        the batch configuration (man 5 payroll-run)\n"
	"  --period YYYY-MM  the month to pay\n"
	"  --force           redo a period already done; the old one is kept as\n"
	"                    ROOT/YYYY-MM.replaced-N (and journals an unjournaled\n"
	"                    one first: a run killed before its journal)\n"
	"  --wait SECONDS    wait this long for another run's lock (default: refuse)\n"
	"exit: 0 done, 1 done with rejected rows, 2 error (nothing changed),\n"
	"      3 the period was already done\n",
};

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
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_run_opts o = { .period = -1, .log = log_line };
	struct payroll_run_result res;
	struct payroll_error err;
	char *end;
	long wait;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config = optarg; break;
		case 'f': o.force = 1; break;
		case 'p':
			if (tool_opt_period(&tool, "--period", optarg, &o.period))
				return EXIT_FATAL;
			break;
		case 'w':
			wait = strtol(optarg, &end, 10);
			if (*end || wait < 0 || wait > 86400)
				return tool_usage_error(&tool, "--wait '%s' is not a number of seconds", optarg);
			o.wait_seconds = (int)wait;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!o.config || o.period < 0 || optind != argc)
		return tool_usage_error(&tool, "--config and --period are needed, and nothing else");
	o.pause_after = getenv("PAYROLL_TEST_PAUSE_AFTER");
	if (tool_stderr_is_tty())
		o.progress = progress;
	rc = payroll_run(&o, &res, &err);
	if (progress_shown)
		fputs("\r\033[K", stderr);
	if (rc == PAYROLL_EEXIST) {
		tool_fail(&tool, rc, &err);
		return EXIT_PERIOD_DONE;
	}
	if (rc)
		return tool_fail(&tool, rc, &err);
	log_line(NULL, "done", res.dir);
	return res.attention ? EXIT_ATTENTION : EXIT_OK;
}
