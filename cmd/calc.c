/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-calc: compute the month's payments into a ledger (SPEC 5). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "common.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-calc",
	"payroll-calc --standards F --period YYYY-MM [--grants F] [--paid LEDGER]...\n"
	"                    [-o LEDGER] [--rejects F] [--summary F] [--encoding E]\n"
	"                    [--sheet NAME] [-q] ROSTER\n",
	"  --standards F     local monthly standards (required)\n"
	"  --period YYYY-MM  the month to pay (required)\n"
	"  --grants F        temporary grants (each paid in its month only)\n"
	"  --paid LEDGER     an earlier ledger: its temporary grants are not paid\n"
	"                    again (already-paid); repeat for several ledgers\n"
	"  -o, --output F    the ledger (default: standard output)\n"
	"  --rejects F       one line per rejected row, with its code\n"
	"  --summary F       the summary as JSON\n"
	"  --encoding E      of the roster: auto (default), utf-8 or gb18030\n"
	"  --sheet NAME      a workbook roster's sheet (default: the first)\n"
	"  -q, --quiet       no summary on standard error\n"
	"exit: 0 all paid (not-due rows aside), 1 rows rejected, 2 error (no output)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "standards", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "grants", required_argument, NULL, 'g' },
		{ "paid", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "summary", required_argument, NULL, 'S' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "sheet", required_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_calc_opts o = { .period = -1, .ledger = "-", .diag = tool_diag };
	struct payroll_calc_report rep;
	struct payroll_error err;
	struct payroll_buf text = { 0 };
	const char **paid;
	int c, rc, quiet = 0, enc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	/* at most one --paid LEDGER per argument */
	if (!(paid = calloc((size_t)argc, sizeof *paid))) {
		perror(tool.name);
		return EXIT_FATAL;
	}
	o.paid = paid;
	while ((c = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.standards = optarg; break;
		case 'g': o.grants = optarg; break;
		case 'W': o.sheet = optarg; break;
		case 'P': paid[o.npaid++] = optarg; break;
		case 'o': o.ledger = optarg; break;
		case 'r': o.rejects = optarg; break;
		case 'S': o.summary = optarg; break;
		case 'q': quiet = 1; break;
		case 'p':
			if (tool_opt_period(&tool, "--period", optarg, &o.period))
				goto usage;
			break;
		case 'e':
			if (tool_opt_encoding(&tool, "--encoding", optarg, &enc))
				goto usage;
			o.encoding = (enum payroll_encoding)enc;
			break;
		default:
			rc = tool_usage(&tool, stderr);
			goto out;
		}
	}
	if (argc - optind != 1) {
		rc = tool_usage_error(&tool, "one ROSTER file is needed");
		goto out;
	}
	if (!o.standards || o.period < 0) {
		rc = tool_usage_error(&tool, "--standards and --period are required");
		goto out;
	}
	o.roster = argv[optind];
	rc = payroll_calc(&o, &rep, &err);
	if (rc < 0) {
		payroll_calc_report_free(&rep);
		rc = tool_fail(&tool, rc, &err);
		goto out;
	}
	if (!quiet && payroll_calc_summary_text(&rep, &text) == 0) {
		if (strcmp(o.ledger, "-"))
			fprintf(stderr, "%s: ledger written to %s\n", tool.name, o.ledger);
		fputs(payroll_buf_str(&text), stderr);
	}
	payroll_buf_release(&text);
	rc = rep.attention > 0 ? EXIT_ATTENTION : EXIT_OK;
	payroll_calc_report_free(&rep);
	goto out;
usage:
	rc = EXIT_FATAL;
out:
	free(paid);
	return rc;
}
