/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-report: the monthly statistics (统计月报) from ledgers. */
#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "report.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-report",
	"payroll-report [-o CSV] [--html F] LEDGER...\n",
	"  -o, --output CSV  the figures as CSV (default: standard output)\n"
	"  --html F          also a printable page in Chinese with charts\n"
	"exit: 0 written, 2 error (nothing written)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_report_opts o = { 0 };
	struct payroll_report_result res;
	struct payroll_error err;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'h': o.html = optarg; break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (argc - optind < 1)
		return tool_usage_error(&tool, "at least one LEDGER is needed");
	o.ledgers = (const char *const *)argv + optind;
	o.nledgers = (size_t)(argc - optind);
	rc = payroll_report(&o, &res, &err);
	return rc ? tool_fail(&tool, rc, &err) : EXIT_OK;
}
