/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-audit: anomaly rules over what was paid. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "common.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-audit",
	"payroll-audit [--previous LEDGER]... [--roster F] [--list NAME=FILE]...\n"
	"                     [--jump PCT] [-o FILE] LEDGER...\n",
	"  --previous LEDGER  an earlier month's ledger (account-changed, amount-jump)\n"
	"  --roster F         the roster, for its column reviewed (review-overdue)\n"
	"  --list NAME=FILE   an external list (CSV with an id_number column): listed\n"
	"  --jump PCT         amount-jump threshold in percent, 1 to 1000 (default 30)\n"
	"  -o, --output FILE  the findings CSV (default: standard output)\n"
	"exit: 0 no findings, 1 findings, 2 error (no findings file)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "previous", required_argument, NULL, 'p' },
		{ "roster", required_argument, NULL, 'r' },
		{ "list", required_argument, NULL, 'l' },
		{ "jump", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_audit_opts o = { 0 };
	struct payroll_audit_result res;
	struct payroll_error err;
	const char **prev;
	struct payroll_audit_list *lists;
	char *end, *eq;
	long v;
	int c, rc, i;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	prev = calloc((size_t)argc, sizeof *prev);
	lists = calloc((size_t)argc, sizeof *lists);
	if (!prev || !lists) {
		free(prev);
		free(lists);
		return tool_fail(&tool, PAYROLL_ENOMEM, NULL);
	}
	o.previous = prev;
	o.lists = lists;
	rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': prev[o.nprevious++] = optarg; break;
		case 'r': o.roster = optarg; break;
		case 'o': o.output = optarg; break;
		case 'l':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1]) {
				rc = tool_usage_error(&tool, "--list '%s': NAME=FILE", optarg);
				break;
			}
			*eq = 0;
			lists[o.nlists].name = optarg;
			lists[o.nlists++].path = eq + 1;
			break;
		case 'j':
			v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 1000)
				rc = tool_usage_error(&tool, "--jump '%s': a percentage from 1 to 1000", optarg);
			o.jump = (int)v;
			break;
		default: rc = tool_usage(&tool, stderr); break;
		}
	}
	if (rc < 0 && argc - optind < 1)
		rc = tool_usage_error(&tool, "at least one LEDGER is needed");
	if (rc >= 0) {
		free(prev);
		free(lists);
		return rc;
	}
	o.ledgers = (const char *const *)argv + optind;
	o.nledgers = (size_t)(argc - optind);
	rc = payroll_audit(&o, &res, &err);
	free(prev);
	free(lists);
	if (rc)
		return tool_fail(&tool, rc, &err);
	fprintf(stderr, "audit: %ld cases, %ld lines, %ld findings\n", res.cases, res.lines,
		res.findings);
	for (i = 0; i < PAYROLL_AUDIT_NRULES; i++)
		fprintf(stderr, "  %-18s %ld\n", payroll_audit_rule_name((enum payroll_audit_rule)i),
			res.by_rule[i]);
	return res.findings ? EXIT_ATTENTION : EXIT_OK;
}
