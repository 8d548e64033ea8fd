/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-bankfile: bank transfer file(s) from a ledger (SPEC 6). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "approval.h"
#include "bank.h"
#include "common.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

/* The checks between options that the table cannot make. */
static int
check_args(const struct tool *t, const struct payroll_bankfile_opts *o, const char *approval,
	   const char *office)
{
	if (office && !approval)
		return tool_usage_error(t, _("'--office' is for '--approval'"));
	if (approval && (o->split_by_bank || o->max_count || o->max_amount ||
			 !strcmp(o->output, "-") || !strcmp(o->ledger, "-") || !strcmp(approval, "-")))
		return tool_usage_error(t, _("'--approval' needs one bank file and a ledger that are "
					     "files (not -, not --split-by bank, no --max-count or "
					     "--max-amount)"));
	return 0;
}

int
main(int argc, char **argv)
{
	struct payroll_bankfile_opts o = PAYROLL_BANKFILE_OPTS_INIT;
	const char *approval = NULL, *office = NULL;
	const struct tool_opt opts[] = {
		OPT('l', "layout", OPT_STRING, &o.layout, "NAME|FILE",
		    N_("csv, fixed-gbk, pain001, or a layout file\n"
		       "(man payroll-layout(5); a FILE has '/' or '.')"), OPT_REQUIRED | OPT_LONG_SYN),
		OPT('p', "payer", OPT_PATH, &o.payer, "F", N_("payer file, required by pain001"),
		    OPT_LONG_SYN),
		OPT_NUM('s', "split-by", OPT_CHOICE, &o.split_by_bank, "bank",
			N_("one file per bank code: OUT-BANK.EXT"), OPT_LONG_SYN, 1, 1),
		OPT_NUM(0, "max-count", OPT_LONG, &o.max_count, "N",
			N_("at most N transfers a file: OUT-001.EXT, OUT-002.EXT..."), 0, 1, 100000000),
		OPT_NUM(0, "max-amount", OPT_MONEY, &o.max_amount, "YUAN",
			N_("at most this total a file (a case is never split)"), 0, 1, LONG_MAX),
		OPT('o', "output", OPT_PATH, &o.output, "OUT",
		    N_("the bank file; OUT.gz is written gzip-compressed"), OPT_REQUIRED),
		OPT(0, "approval", OPT_PATH, &approval, "SHEET",
		    N_("also the payment approval sheet (发放审批表, HTML)"), OPT_OTHER_FORM),
		OPT(0, "office", OPT_STRING, &office, "TEXT", N_("the office named on the sheet"),
		    OPT_OTHER_FORM),
		OPT_END,
	};
	struct tool t = { .name = "payroll-bankfile", .opts = opts, .operands = "LEDGER",
		.min_operands = 1, .max_operands = 1,
		.forms = "payroll-bankfile --layout NAME|FILE --approval SHEET [--office TEXT] -o OUT LEDGER\n",
		.exits = N_("0 written; 1 written, but a value was cut to fit (see stderr);\n"
			    "      2 error, nothing written\n") };
	struct payroll_bankfile_result res;
	struct payroll_error err;
	char total[PAYROLL_MONEY_MAX];
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	o.ledger = t.args[0];
	if (check_args(&t, &o, approval, office))
		return EXIT_FATAL;
	o.diag = tool_diag;
	if (approval) {
		const char *outs[] = { o.output, approval };

		if ((rc = payroll_outfile_check_paths(&o.ledger, 1, outs, 2, &err)) != 0)
			return tool_fail(&t, rc, &err);
	}
	rc = payroll_bankfile(&o, &res, &err);
	if (rc < 0)
		return tool_fail(&t, rc, &err);
	payroll_money_format(res.total, total);
	fprintf(stderr, _("%s: %ld transfers, total %s, from %ld ledger lines, %d file%s written\n"),
		t.name, res.transfers, total, res.lines, res.files, res.files == 1 ? "" : "s");
	if (approval) {
		const char *base = strrchr(o.output, '/');
		struct payroll_approval_file f = { base ? base + 1 : o.output, o.output, res.transfers,
						   res.total };
		struct payroll_approval_opts a = PAYROLL_APPROVAL_OPTS_INIT;
		struct payroll_approval_result ar;

		a.ledger = o.ledger;
		a.output = approval;
		a.office = office;
		a.files = &f;
		a.nfiles = 1;
		if ((rc = payroll_approval(&a, &ar, &err)) != 0)
			return tool_fail(&t, rc, &err);
		fprintf(stderr, _("%s: %s: the approval sheet for %ld households\n"), t.name, approval,
			ar.households);
	}
	return res.warnings ? EXIT_ATTENTION : EXIT_OK;
}
