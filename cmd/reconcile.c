/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-reconcile: match the bank's result file to the transfers. */
#include <stdio.h>

#include "common.h"
#include "reconcile.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_reconcile_opts o = PAYROLL_RECONCILE_OPTS_INIT;
	struct tool_strv paid = { 0 };
	const struct tool_opt opts[] = {
		OPT(0, "ledger", OPT_PATH, &o.ledger, "F", N_("the ledger the bank file was made from"),
		    OPT_REQUIRED),
		OPT(0, "result", OPT_PATH, &o.result, "F",
		    N_("the bank's result file: seq,account,account_name,amount,status,reason"),
		    OPT_REQUIRED),
		OPT(0, "layout", OPT_PATH, &o.layout, "FILE",
		    N_("read the result file in this bank layout (man 5 payroll-layout)\n"
		       "whose [detail] adds the fields status and reason"), 0),
		OPT('o', "output", OPT_PATH, &o.failed, "FAILED",
		    N_("the failed transfers as a ledger, to pay again"), 0),
		OPT(0, "report", OPT_PATH, &o.report, "F",
		    N_("every transfer or result that is not plainly paid, as CSV"), 0),
		OPT_NUM(0, "paid-ledger", OPT_PATHS, &paid, "F",
			N_("a ledger paid since (repeatable): its cases' months are not paid again"),
			0, 0, PAYROLL_RECONCILE_MAX_PAID),
		OPT(0, "roster", OPT_PATH, &o.roster, "F",
		    N_("the corrected roster: failures are repaid to each case's current\n"
		       "account; an account failure not corrected is held back"), 0),
		OPT(0, "grants", OPT_PATH, &o.grants, "F",
		    N_("the corrected grants file, the same for temporary grants"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-reconcile", .opts = opts,
		.exits = N_("0 all paid and matched, 1 otherwise, 2 error (nothing written)\n") };
	struct payroll_reconcile_result res;
	struct payroll_buf text = { 0 };
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	for (o.npaid = 0; (size_t)o.npaid < paid.n; o.npaid++)
		o.paid[o.npaid] = paid.v[o.npaid];
	rc = payroll_reconcile(&o, &res, &err);
	if (rc)
		return tool_fail(&t, rc, &err);
	if (payroll_reconcile_summary(&res, &text) == 0)
		fputs(payroll_buf_str(&text), stdout);
	payroll_buf_release(&text);
	return res.attention ? EXIT_ATTENTION : EXIT_OK;
}
