/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-check: validate a roster (and standards, grants); write nothing. */
#include <stdio.h>

#include "calc.h"
#include "common.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_calc_opts o = PAYROLL_CALC_OPTS_INIT;
	const struct tool_opt opts[] = {
		OPT(0, "standards", OPT_PATH, &o.standards, "F",
		    N_("also validate the standards, and categories against them"), 0),
		OPT(0, "grants", OPT_PATH, &o.grants, "F", N_("also validate temporary grants"), 0),
		OPT(0, "period", OPT_MONTH, &o.period, "YYYY-MM",
		    N_("also run the month's calculation checks on due rows"), 0),
		OPT(0, "encoding", OPT_ENCODING, &o.encoding, "E",
		    N_("of the roster: auto (default), utf-8 or gb18030"), 0),
		OPT(0, "sheet", OPT_STRING, &o.sheet, "NAME",
		    N_("a workbook roster's sheet (default: the first)"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-check", .opts = opts, .operands = "ROSTER",
		.min_operands = 1, .max_operands = 1,
		.exits = N_("0 no problem, 1 problems (each printed), 2 cannot run\n") };
	struct payroll_calc_report rep;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.check_only = 1;
	o.diag = tool_diag;
	o.roster = t.args[0];
	rc = payroll_calc(&o, &rep, &err);
	if (rc < 0) {
		payroll_calc_report_free(&rep);
		return tool_fail(&t, rc, &err);
	}
	if (rep.attention)
		fprintf(stderr, _("%s: %ld rows checked, %ld problems\n"), t.name, rep.rows_read,
			rep.attention);
	rc = rep.attention > 0 ? EXIT_ATTENTION : EXIT_OK;
	payroll_calc_report_free(&rep);
	return rc;
}
