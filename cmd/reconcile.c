/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-reconcile: match the bank's result file to the transfers. */
#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "reconcile.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-reconcile",
	"payroll-reconcile --ledger F --result F [--layout FILE] [-o FAILED]\n"
	"                         [--report F] [--paid-ledger F]... [--roster F] [--grants F]\n",
	"  --ledger F        the ledger the bank file was made from\n"
	"  --result F        the bank's result file: seq,account,account_name,amount,status,reason\n"
	"  --layout FILE     read the result file in this bank layout (man 5 payroll-layout)\n"
	"                    whose [detail] adds the fields status and reason\n"
	"  -o, --output F    the failed transfers as a ledger, to pay again\n"
	"  --report F        every transfer or result that is not plainly paid, as CSV\n"
	"  --paid-ledger F   a ledger paid since (repeatable): its cases' months are not paid again\n"
	"  --roster F        the corrected roster: failures are repaid to each case's current\n"
	"                    account; an account failure not corrected is held back\n"
	"  --grants F        the corrected grants file, the same for temporary grants\n"
	"exit: 0 all paid and matched, 1 otherwise, 2 error (nothing written)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "result", required_argument, NULL, 'r' },
		{ "layout", required_argument, NULL, 'L' },
		{ "output", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'R' },
		{ "paid-ledger", required_argument, NULL, 'p' },
		{ "roster", required_argument, NULL, 'S' },
		{ "grants", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_reconcile_opts o = { 0 };
	struct payroll_reconcile_result res;
	struct payroll_buf text = { 0 };
	struct payroll_error err;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.ledger = optarg; break;
		case 'r': o.result = optarg; break;
		case 'L': o.layout = optarg; break;
		case 'o': o.failed = optarg; break;
		case 'R': o.report = optarg; break;
		case 'S': o.roster = optarg; break;
		case 'G': o.grants = optarg; break;
		case 'p':
			if (o.npaid == PAYROLL_RECONCILE_MAX_PAID)
				return tool_usage_error(&tool, "at most %d --paid-ledger", PAYROLL_RECONCILE_MAX_PAID);
			o.paid[o.npaid++] = optarg;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!o.ledger || !o.result || optind != argc)
		return tool_usage_error(&tool, "--ledger and --result are needed, and nothing else");
	rc = payroll_reconcile(&o, &res, &err);
	if (rc)
		return tool_fail(&tool, rc, &err);
	if (payroll_reconcile_summary(&res, &text) == 0)
		fputs(payroll_buf_str(&text), stdout);
	payroll_buf_release(&text);
	return res.attention ? EXIT_ATTENTION : EXIT_OK;
}
