/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-bankfile: bank transfer file(s) from a ledger (SPEC 6). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "approval.h"
#include "bank.h"
#include "common.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-bankfile",
	"payroll-bankfile --layout NAME|FILE [--payer F] [--split-by bank] [--max-count N]\n"
	"                        [--max-amount YUAN] -o OUT LEDGER\n"
	"       payroll-bankfile --layout NAME|FILE --approval SHEET [--office TEXT] -o OUT LEDGER\n",
	"  -l, --layout NAME|FILE  csv, fixed-gbk, pain001, or a layout file\n"
	"                          (man payroll-layout(5); a FILE has '/' or '.')\n"
	"  -p, --payer F           payer file, required by pain001\n"
	"  -s, --split-by bank     one file per bank code: OUT-BANK.EXT\n"
	"      --max-count N       at most N transfers a file: OUT-001.EXT, OUT-002.EXT...\n"
	"      --max-amount YUAN   at most this total a file (a case is never split)\n"
	"  -o, --output OUT        the bank file; OUT.gz is written gzip-compressed\n"
	"      --approval SHEET    also the payment approval sheet (发放审批表, HTML)\n"
	"      --office TEXT       the office named on the sheet\n"
	"  -h, --help              this help\n"
	"      --version           version\n"
	"exit: 0 written; 1 written, but a value was cut to fit (see stderr);\n"
	"      2 error, nothing written\n",
};

static const char *approval, *office;

static int
parse_args(int argc, char **argv, struct payroll_bankfile_opts *o)
{
	static const struct option longopts[] = {
		{ "layout", required_argument, NULL, 'l' },
		{ "payer", required_argument, NULL, 'p' },
		{ "split-by", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "approval", required_argument, NULL, 'A' },
		{ "office", required_argument, NULL, 'O' },
		{ "max-count", required_argument, NULL, 'C' },
		{ "max-amount", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "l:p:s:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->layout = optarg;
			break;
		case 'p':
			o->payer = optarg;
			break;
		case 's':
			if (strcmp(optarg, "bank"))
				return tool_usage_error(&tool, "--split-by takes 'bank', not '%s'",
							optarg);
			o->split_by_bank = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'A':
			approval = optarg;
			break;
		case 'C': {
			char *end;

			errno = 0;
			o->max_count = strtol(optarg, &end, 10);
			if (*end || errno || optarg[0] < '1' || optarg[0] > '9' ||
			    o->max_count > 100000000)
				return tool_usage_error(&tool, "--max-count takes a number of transfers, "
							"1 or more, not '%s'", optarg);
			break;
		}
		case 'M': {
			const char *why;

			if (payroll_money_parse(optarg, strlen(optarg), &o->max_amount, &why) ||
			    o->max_amount <= 0)
				return tool_usage_error(&tool, "--max-amount takes an amount in yuan "
							"above 0, not '%s'", optarg);
			break;
		}
		case 'O':
			office = optarg;
			break;
		case ':':
			return tool_usage_error(&tool, "%s needs a value", argv[optind - 1]);
		default:
			return tool_usage_error(&tool, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!o->layout)
		return tool_usage_error(&tool, "--layout is required");
	if (!o->output)
		return tool_usage_error(&tool, "-o OUT is required");
	if (optind != argc - 1)
		return tool_usage_error(&tool, "expected one LEDGER");
	o->ledger = argv[optind];
	if (office && !approval)
		return tool_usage_error(&tool, "--office is for --approval");
	if (approval && (o->split_by_bank || o->max_count || o->max_amount || !strcmp(o->output, "-") || !strcmp(o->ledger, "-") ||
			 !strcmp(approval, "-")))
		return tool_usage_error(&tool, "--approval needs one bank file and a ledger that are "
					"files (not -, not --split-by bank, no --max-count or --max-amount)");
	return 0;
}

int
main(int argc, char **argv)
{
	struct payroll_bankfile_opts o = PAYROLL_BANKFILE_OPTS_INIT;
	struct payroll_bankfile_result res;
	struct payroll_error err;
	char total[PAYROLL_MONEY_MAX];
	int rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	if (parse_args(argc, argv, &o))
		return EXIT_FATAL;
	o.diag = tool_diag;
	if (approval) {
		const char *outs[] = { o.output, approval };

		if ((rc = payroll_outfile_check_paths(&o.ledger, 1, outs, 2, &err)) != 0)
			return tool_fail(&tool, rc, &err);
	}
	rc = payroll_bankfile(&o, &res, &err);
	if (rc < 0)
		return tool_fail(&tool, rc, &err);
	payroll_money_format(res.total, total);
	fprintf(stderr, "%s: %ld transfers, total %s, from %ld ledger lines, %d file%s written\n",
		tool.name, res.transfers, total, res.lines, res.files, res.files == 1 ? "" : "s");
	if (approval) {
		const char *base = strrchr(o.output, '/');
		struct payroll_approval_file f = { base ? base + 1 : o.output, o.output, res.transfers,
						   res.total };
		struct payroll_approval_opts a = { o.ledger, approval, office, &f, 1 };
		struct payroll_approval_result ar;

		if ((rc = payroll_approval(&a, &ar, &err)) != 0)
			return tool_fail(&tool, rc, &err);
		fprintf(stderr, "%s: %s: the approval sheet for %ld households\n", tool.name, approval,
			ar.households);
	}
	return res.warnings ? EXIT_ATTENTION : EXIT_OK;
}
