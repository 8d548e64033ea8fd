/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-check: validate a roster (and standards, grants); write nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "calc.h"
#include "common.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-check",
	"payroll-check [--standards F] [--grants F] [--period YYYY-MM] [--encoding E] [--sheet NAME] ROSTER\n",
	"  --standards F     also validate the standards, and categories against them\n"
	"  --grants F        also validate temporary grants\n"
	"  --period YYYY-MM  also run the month's calculation checks on due rows\n"
	"  --encoding E      of the roster: auto (default), utf-8 or gb18030\n"
	"  --sheet NAME      a workbook roster's sheet (default: the first)\n"
	"exit: 0 no problem, 1 problems (each printed), 2 cannot run\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "standards", required_argument, NULL, 's' },
		{ "grants", required_argument, NULL, 'g' },
		{ "period", required_argument, NULL, 'p' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "sheet", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_calc_opts o = { .period = -1, .check_only = 1, .diag = tool_diag };
	struct payroll_calc_report rep;
	struct payroll_error err;
	int c, rc, enc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.standards = optarg; break;
		case 'g': o.grants = optarg; break;
		case 'W': o.sheet = optarg; break;
		case 'p':
			if (tool_opt_period(&tool, "--period", optarg, &o.period))
				return EXIT_FATAL;
			break;
		case 'e':
			if (tool_opt_encoding(&tool, "--encoding", optarg, &enc))
				return EXIT_FATAL;
			o.encoding = (enum payroll_encoding)enc;
			break;
		default:
			return tool_usage(&tool, stderr);
		}
	}
	if (argc - optind != 1)
		return tool_usage_error(&tool, "one ROSTER file is needed");
	o.roster = argv[optind];
	rc = payroll_calc(&o, &rep, &err);
	if (rc < 0) {
		payroll_calc_report_free(&rep);
		return tool_fail(&tool, rc, &err);
	}
	if (rep.attention)
		fprintf(stderr, "%s: %ld rows checked, %ld problems\n", tool.name, rep.rows_read,
			rep.attention);
	rc = rep.attention > 0 ? EXIT_ATTENTION : EXIT_OK;
	payroll_calc_report_free(&rep);
	return rc;
}
