/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-diff: the auditors' keyed diff of two ledgers or CSV files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bankread.h"

#include "common.h"
#include "diff.h"
#include "banned.h"


/*
 * Read the bank file *path in layout through the readers into a temporary
 * csv of its transfers (name in tmp, unlinked by the caller) and point
 * *path at it. The reader's problems are warnings on standard error.
 */
static int
bank_side(const char **path, const char *layout, char tmp[64], struct payroll_error *err)
{
	const char *dir = getenv("TMPDIR");
	struct payroll_problems p = { .path = *path, .diag = tool_diag, .all = 1 };
	struct payroll_bankread_info info;
	FILE *f;
	int fd, rc;

	if (!dir || !*dir || strlen(dir) > 40)
		dir = "/tmp";
	snprintf(tmp, 64, "%s/payroll-diff.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w+"))) {
		if (fd >= 0)
			close(fd);
		tmp[0] = '\0';
		return payroll_error_errno(err, PAYROLL_EIO, NULL, "cannot make a temporary file");
	}
	rc = payroll_bankread_csv(*path, strcmp(layout, "detect") == 0 ? NULL : layout, f,
				  &p, &info, err);
	if (fclose(f) != 0 && rc == 0)
		rc = payroll_error_errno(err, PAYROLL_EIO, tmp, "cannot write");
	*path = tmp;
	return rc;
}

int
main(int argc, char **argv)
{
	struct payroll_diff_opts o = PAYROLL_DIFF_OPTS_INIT;
	const char *layout[3] = { NULL, NULL, NULL };
	const struct tool_opt opts[] = {
		OPT(0, "key", OPT_STRING, &o.key, "COLS",
		    N_("key columns (default case_id,item,month; seq for two bank csv files)"), 0),
		OPT(0, "ignore", OPT_STRING, &o.ignore, "COLS", N_("columns not compared"), 0),
		OPT(0, "tolerance", OPT_STRING, &o.tolerance, "AMOUNT",
		    N_("amounts (yuan) this close count as equal"), 0),
		OPT_FN(0, "only", &o.only, "added,removed,changed",
		       N_("report only these kinds of difference"), 0, payroll_diff_only_parse),
		OPT(0, "summary", OPT_FLAG, &o.summary, NULL, N_("the totals only, no rows"), 0),
		OPT_FN(0, "format", &o.format, "text|csv|json", N_("text (default), csv or json"), 0,
		       payroll_diff_format_parse),
		OPT(0, "mask", OPT_FLAG, &o.mask, NULL,
		    N_("accounts and id numbers masked in the report\n"
		       "(6217****0003), for reports that leave the office"), 0),
		OPT('o', "output", OPT_PATH, &o.output, "F", N_("the report (default: standard output)"), 0),
		OPT(0, "layout", OPT_STRING, &layout[2], "NAME|FILE",
		    N_("OLD and NEW are bank files of this layout (csv, fixed-gbk,\n"
		       "pain001, a layout FILE; \"detect\" to detect it),\n"
		       "read back into transfers (key seq by default)"), OPT_OTHER_FORM),
		OPT(0, "old-layout", OPT_STRING, &layout[0], "L",
		    N_("the layout of OLD only (NEW is then a csv as is,"), OPT_OTHER_FORM),
		OPT(0, "new-layout", OPT_STRING, &layout[1], "L",
		    N_("unless --new-layout names its layout); both override --layout"), OPT_OTHER_FORM),
		OPT_END,
	};
	struct tool t = { .name = "payroll-diff", .opts = opts, .operands = "OLD NEW",
		.min_operands = 2, .max_operands = 2,
		.forms = "payroll-diff --layout NAME|FILE | [--old-layout L] [--new-layout L] "
			 "[--key seq|account] [OPTIONS] OLD NEW\n",
		.exits = N_("0 identical, 1 different, 2 error (no report)\n") };
	struct payroll_diff_result res;
	struct payroll_error err;
	char tmp[2][64] = { "", "" };
	int rc, i;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	for (i = 0; i < 2; i++)
		if (!layout[i])
			layout[i] = layout[2];
	o.old_path = t.args[0];
	o.new_path = t.args[1];
	rc = 0;
	o.old_label = o.old_path;
	o.new_label = o.new_path;
	for (i = 0; i < 2 && rc == 0; i++)
		if (layout[i])
			rc = bank_side(i ? &o.new_path : &o.old_path, layout[i], tmp[i], &err);
	if (rc == 0 && (layout[0] || layout[1]) && !o.key)
		o.key = "seq";
	if (rc == 0)
		rc = payroll_diff(&o, &res, &err);
	for (i = 0; i < 2; i++)
		if (tmp[i][0])
			unlink(tmp[i]);
	if (rc < 0)
		return tool_fail(&t, rc, &err);
	return res.different ? EXIT_ATTENTION : EXIT_OK;
}
