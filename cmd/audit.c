/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-audit: anomaly rules over what was paid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "common.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct payroll_audit_opts o = PAYROLL_AUDIT_OPTS_INIT;
	struct tool_strv prev = { 0 }, list = { 0 };
	const struct tool_opt opts[] = {
		OPT(0, "previous", OPT_PATHS, &prev, "LEDGER",
		    N_("an earlier month's ledger (account-changed, amount-jump)"), 0),
		OPT(0, "roster", OPT_PATH, &o.roster, "F",
		    N_("the roster, for its column reviewed (review-overdue)"), 0),
		OPT(0, "list", OPT_STRINGS, &list, "NAME=FILE",
		    N_("an external list (CSV with an id_number column): listed"), 0),
		OPT_NUM(0, "jump", OPT_INT, &o.jump, "PCT",
			N_("amount-jump threshold in percent, 1 to 1000 (default 30)"), 0, 1, 1000),
		OPT('o', "output", OPT_PATH, &o.output, "FILE",
		    N_("the findings CSV (default: standard output)"), 0),
		OPT(0, "bom", OPT_FLAG, &o.bom, NULL, N_("begin the CSV with a UTF-8 BOM (for Excel)"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-audit", .opts = opts, .operands = "LEDGER...",
		.min_operands = 1, .max_operands = -1,
		.exits = N_("0 no findings, 1 findings, 2 error (no findings file)\n") };
	struct payroll_audit_result res;
	struct payroll_error err;
	struct payroll_audit_list *lists;
	char *eq;
	size_t i;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	if (!(lists = calloc(list.n + 1, sizeof *lists)))
		return tool_fail(&t, PAYROLL_ENOMEM, NULL);
	for (i = 0; i < list.n; i++) {
		eq = strchr(list.v[i], '=');
		if (!eq || eq == list.v[i] || !eq[1]) {
			free(lists);
			return tool_opt_invalid(&t, "list", list.v[i], _("expected NAME=FILE"));
		}
		*eq = 0;
		lists[i].name = list.v[i];
		lists[i].path = eq + 1;
	}
	o.previous = prev.v;
	o.nprevious = prev.n;
	o.lists = lists;
	o.nlists = list.n;
	o.ledgers = (const char *const *)t.args;
	o.nledgers = (size_t)t.nargs;
	o.diag = tool_diag;
	rc = payroll_audit(&o, &res, &err);
	free(lists);
	if (rc)
		return tool_fail(&t, rc, &err);
	fprintf(stderr, _("audit: %ld cases, %ld lines, %ld findings\n"), res.cases, res.lines,
		res.findings);
	for (rc = 0; rc < PAYROLL_AUDIT_NRULES; rc++)
		fprintf(stderr, "  %-18s %ld\n", payroll_audit_rule_name((enum payroll_audit_rule)rc),
			res.by_rule[rc]);
	if (res.unread)
		fprintf(stderr, _("  list rows not read: %ld (above; their id numbers were not checked)\n"),
			res.unread);
	return res.findings ? EXIT_ATTENTION : EXIT_OK;
}
