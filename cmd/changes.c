/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-changes: what changed for each household from one ledger to the next. */
#include <getopt.h>
#include <stdio.h>

#include "changes.h"
#include "common.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-changes",
	"payroll-changes [--format text|csv|json|html] [--public] [-o F] OLD NEW\n",
	"  --format F      text (default), csv, json or html (a printable page in Chinese)\n"
	"  --public        names masked, no id numbers, banks or accounts: for posting\n"
	"  -o, --output F  the report (default: standard output)\n"
	"exit: 0 done, 2 error (no report)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "public", no_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_changes_opts o = { .output = "-" };
	struct payroll_changes_result res;
	struct payroll_error err;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o.public = 1; break;
		case 'o': o.output = optarg; break;
		case 'f':
			if ((rc = payroll_changes_format_parse(optarg)) < 0)
				return tool_usage_error(&tool, "--format '%s': text, csv, json or html", optarg);
			o.format = (enum payroll_changes_format)rc;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (argc - optind != 2)
		return tool_usage_error(&tool, "two ledgers, OLD and NEW, are needed");
	o.old_path = argv[optind];
	o.new_path = argv[optind + 1];
	rc = payroll_changes(&o, &res, &err);
	if (rc < 0)
		return tool_fail(&tool, rc, &err);
	return EXIT_OK;
}
