/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-disclose: the public disclosure list (公示), names masked. */
#include <stdio.h>

#include "common.h"
#include "disclose.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_disclose_opts o = PAYROLL_DISCLOSE_OPTS_INIT;
	const struct tool_opt opts[] = {
		OPT('o', "output", OPT_PATH, &o.output, "LIST", N_("the list as CSV (- for standard output)"), OPT_REQUIRED),
		OPT(0, "bom", OPT_FLAG, &o.bom, NULL, N_("begin the list with a UTF-8 BOM (for Excel)"), 0),
		OPT(0, "html", OPT_PATH, &o.html, "F", N_("also the printable A4 pages in Chinese"), 0),
		OPT_NUM(0, "split-by", OPT_CHOICE, &o.split_by_locality, "locality",
			N_("one page file per locality: F less .html, -LOCALITY.html"), 0, 1, 1),
		OPT(0, "office", OPT_STRING, &o.office, "TEXT", N_("the issuing office, on the page"), 0),
		OPT(0, "phone", OPT_STRING, &o.phone, "TEXT", N_("the complaint phone, on the page"), 0),
		OPT_NUM(0, "notice-days", OPT_INT, &o.notice_days, "N",
			N_("the disclosure period in days (default 7)"), 0, 1, 365),
		OPT(0, "notice-from", OPT_STRING, &o.notice_from, "YYYY-MM-DD",
		    N_("its first day (never taken from the clock)"), 0),
		OPT(0, "date", OPT_STRING, &o.date, "YYYY-MM-DD", N_("the issue date in the foot (default: the notice's first\n"
			"day, else a blank to fill in by hand)"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-disclose", .opts = opts, .operands = "LEDGER",
		.min_operands = 1, .max_operands = 1,
		.exits = N_("0 written, 2 error (nothing written)\n") };
	struct payroll_disclose_result res;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.ledger = t.args[0];
	rc = payroll_disclose(&o, &res, &err);
	return rc ? tool_fail(&t, rc, &err) : EXIT_OK;
}
