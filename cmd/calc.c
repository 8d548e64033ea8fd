/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-calc: compute the month's payments into a ledger (SPEC 5). */
#include <stdio.h>
#include <string.h>

#include "calc.h"
#include "common.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_calc_opts o = PAYROLL_CALC_OPTS_INIT;
	struct tool_strv paid = { 0 };
	int quiet = 0;
	const struct tool_opt opts[] = {
		OPT(0, "standards", OPT_PATH, &o.standards, "F", N_("local monthly standards"), OPT_REQUIRED),
		OPT(0, "period", OPT_MONTH, &o.period, "YYYY-MM", N_("the month to pay"), OPT_REQUIRED),
		OPT(0, "grants", OPT_PATH, &o.grants, "F", N_("temporary grants (each paid in its month only)"), 0),
		OPT(0, "paid", OPT_PATHS, &paid, "LEDGER", N_("an earlier ledger: its temporary grants are not paid\n"
			"again (already-paid); repeat for several ledgers"), 0),
		OPT('o', "output", OPT_PATH, &o.ledger, "LEDGER", N_("the ledger (default: standard output)"), 0),
		OPT(0, "rejects", OPT_PATH, &o.rejects, "F", N_("one line per rejected row, with its code"), 0),
		OPT(0, "bom", OPT_FLAG, &o.bom, NULL, N_("begin the rejects with a UTF-8 BOM (for Excel)"), 0),
		OPT(0, "summary", OPT_PATH, &o.summary, "F", N_("the summary as JSON"), 0),
		OPT(0, "encoding", OPT_ENCODING, &o.encoding, "E", N_("of the roster: auto (default), utf-8 or gb18030"), 0),
		OPT(0, "sheet", OPT_STRING, &o.sheet, "NAME", N_("a workbook roster's sheet (default: the first)"), 0),
		OPT('q', "quiet", OPT_FLAG, &quiet, NULL, N_("no summary on standard error"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-calc", .opts = opts, .operands = "ROSTER",
		.min_operands = 1, .max_operands = 1, .exits = N_("0 all paid (not-due rows aside), 1 rows rejected, 2 error (no output)\n") };
	struct payroll_calc_report rep;
	struct payroll_error err;
	struct payroll_buf text = { 0 };
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.diag = tool_diag;
	o.paid = paid.v;
	o.npaid = paid.n;
	o.roster = t.args[0];
	rc = payroll_calc(&o, &rep, &err);
	if (rc < 0) {
		payroll_calc_report_free(&rep);
		return tool_fail(&t, rc, &err);
	}
	if (!quiet && payroll_calc_summary_text(&rep, &text) == 0) {
		if (strcmp(o.ledger, "-"))
			fprintf(stderr, _("%s: ledger written to %s\n"), t.name, o.ledger);
		fputs(payroll_buf_str(&text), stderr);
	}
	payroll_buf_release(&text);
	rc = rep.attention > 0 ? EXIT_ATTENTION : EXIT_OK;
	payroll_calc_report_free(&rep);
	return rc;
}
