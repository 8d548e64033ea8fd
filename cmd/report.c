/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-report: the monthly statistics (统计月报) from ledgers. */
#include <stdio.h>

#include "common.h"
#include "report.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_report_opts o = PAYROLL_REPORT_OPTS_INIT;
	const struct tool_opt opts[] = {
		OPT('o', "output", OPT_PATH, &o.output, "CSV",
		    N_("the figures as CSV (default: standard output)"), 0),
		OPT(0, "bom", OPT_FLAG, &o.bom, NULL, N_("begin the CSV with a UTF-8 BOM (for Excel)"), 0),
		OPT(0, "html", OPT_PATH, &o.html, "F", N_("also a printable page in Chinese with charts"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-report", .opts = opts, .operands = "LEDGER...",
		.min_operands = 1, .max_operands = -1,
		.exits = N_("0 written, 2 error (nothing written)\n") };
	struct payroll_report_result res;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.ledgers = (const char *const *)t.args;
	o.nledgers = (size_t)t.nargs;
	rc = payroll_report(&o, &res, &err);
	return rc ? tool_fail(&t, rc, &err) : EXIT_OK;
}
