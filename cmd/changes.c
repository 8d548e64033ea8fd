/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-changes: what changed for each household from one ledger to the next. */
#include <stdio.h>

#include "changes.h"
#include "common.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_changes_opts o = PAYROLL_CHANGES_OPTS_INIT;
	const struct tool_opt opts[] = {
		OPT_FN(0, "format", &o.format, "text|csv|json|html",
		       N_("text (default), csv, json or html (a printable page in Chinese)"), 0,
		       payroll_changes_format_parse),
		OPT(0, "public", OPT_FLAG, &o.public, NULL,
		    N_("names masked, no id numbers, banks or accounts: for posting"), 0),
		OPT('o', "output", OPT_PATH, &o.output, "F", N_("the report (default: standard output)"), 0),
		OPT(0, "bom", OPT_FLAG, &o.bom, NULL, N_("begin a csv report with a UTF-8 BOM (for Excel)"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-changes", .opts = opts, .operands = "OLD NEW",
		.min_operands = 2, .max_operands = 2, .exits = N_("0 done, 2 error (no report)\n") };
	struct payroll_changes_result res;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.old_path = t.args[0];
	o.new_path = t.args[1];
	rc = payroll_changes(&o, &res, &err);
	if (rc < 0)
		return tool_fail(&t, rc, &err);
	return EXIT_OK;
}
