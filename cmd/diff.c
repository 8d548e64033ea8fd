/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-diff: the auditors' keyed diff of two ledgers or CSV files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "diff.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-diff",
	"payroll-diff [--key COLS] [--ignore COLS] [--tolerance AMOUNT]\n"
	"                    [--only added,removed,changed] [--summary]\n"
	"                    [--format text|csv|json] [-o F] OLD NEW\n",
	"  --key COLS          key columns (default case_id,item,month)\n"
	"  --ignore COLS       columns not compared\n"
	"  --tolerance AMOUNT  amounts (yuan) this close count as equal\n"
	"  --only KINDS        report only these kinds of difference\n"
	"  --summary           the totals only, no rows\n"
	"  --format F          text (default), csv or json\n"
	"  -o, --output F      the report (default: standard output)\n"
	"exit: 0 identical, 1 different, 2 error (no report)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "only", required_argument, NULL, 'n' },
		{ "summary", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_diff_opts o = { .output = "-" };
	struct payroll_diff_result res;
	struct payroll_error err;
	int c, rc;

	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o.key = optarg; break;
		case 'i': o.ignore = optarg; break;
		case 't': o.tolerance = optarg; break;
		case 's': o.summary = 1; break;
		case 'o': o.output = optarg; break;
		case 'n':
			if ((rc = payroll_diff_only_parse(optarg)) < 0)
				return tool_usage_error(&tool, "--only '%s': a list of added, removed, changed", optarg);
			o.only = (unsigned)rc;
			break;
		case 'f':
			if ((rc = payroll_diff_format_parse(optarg)) < 0)
				return tool_usage_error(&tool, "--format '%s': text, csv or json", optarg);
			o.format = (enum payroll_diff_format)rc;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (argc - optind != 2)
		return tool_usage_error(&tool, "two files, OLD and NEW, are needed");
	o.old_path = argv[optind];
	o.new_path = argv[optind + 1];
	rc = payroll_diff(&o, &res, &err);
	if (rc < 0)
		return tool_fail(&tool, rc, &err);
	return res.different ? EXIT_ATTENTION : EXIT_OK;
}
