/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-diff: the auditors' keyed diff of two ledgers or CSV files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bankread.h"

#include "common.h"
#include "diff.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-diff",
	"payroll-diff [--key COLS] [--ignore COLS] [--tolerance AMOUNT]\n"
	"                    [--only added,removed,changed] [--summary]\n"
	"                    [--format text|csv|json] [--mask] [-o F] OLD NEW\n"
	"       payroll-diff --layout NAME|FILE | --old-layout L --new-layout L\n"
	"                    [--key seq|account] [OPTIONS] OLD NEW\n",
	"  --key COLS          key columns (default case_id,item,month)\n"
	"  --ignore COLS       columns not compared\n"
	"  --tolerance AMOUNT  amounts (yuan) this close count as equal\n"
	"  --only KINDS        report only these kinds of difference\n"
	"  --summary           the totals only, no rows\n"
	"  --format F          text (default), csv or json\n"
	"  --mask              accounts and id numbers masked in the report\n"
	"                      (6217****0003), for reports that leave the office\n"
	"  -o, --output F      the report (default: standard output)\n"
	"  --layout L          OLD and NEW are bank files of layout L (csv, fixed-gbk,\n"
	"                      pain001, a layout FILE; \"detect\" to detect it),\n"
	"                      read back into transfers (key seq by default)\n"
	"  --old-layout L      the layout of OLD only (NEW is then a csv as is,\n"
	"  --new-layout L      unless --new-layout names its layout)\n"
	"exit: 0 identical, 1 different, 2 error (no report)\n",
};

/*
 * Read the bank file *path in layout through the readers into a temporary
 * csv of its transfers (name in tmp, unlinked by the caller) and point
 * *path at it. The reader's problems are warnings on standard error.
 */
static int
bank_side(const char **path, const char *layout, char tmp[64], struct payroll_error *err)
{
	const char *dir = getenv("TMPDIR");
	struct payroll_problems p = { *path, tool_diag, NULL, 1, 0, { "", 0, 0, "", "" } };
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
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "only", required_argument, NULL, 'n' },
		{ "summary", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "layout", required_argument, NULL, 'L' },
		{ "old-layout", required_argument, NULL, 'O' },
		{ "new-layout", required_argument, NULL, 'N' },
		{ "mask", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_diff_opts o = { .output = "-" };
	struct payroll_diff_result res;
	struct payroll_error err;
	const char *layout[2] = { NULL, NULL };
	char tmp[2][64] = { "", "" };
	int c, rc, i;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o.key = optarg; break;
		case 'i': o.ignore = optarg; break;
		case 't': o.tolerance = optarg; break;
		case 's': o.summary = 1; break;
		case 'm': o.mask = 1; break;
		case 'o': o.output = optarg; break;
		case 'L': layout[0] = layout[1] = optarg; break;
		case 'O': layout[0] = optarg; break;
		case 'N': layout[1] = optarg; break;
		case 'n':
			if ((rc = payroll_diff_only_parse(optarg)) < 0)
				return tool_usage_error(&tool, "--only '%s': a list of added, removed, changed", optarg);
			o.only = (unsigned)rc;
			break;
		case 'f':
			if ((rc = payroll_diff_format_parse(optarg)) < 0)
				return tool_usage_error(&tool, "--format '%s': text, csv or json", optarg);
			o.format = (enum payroll_diff_format)rc;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (argc - optind != 2)
		return tool_usage_error(&tool, "two files, OLD and NEW, are needed");
	o.old_path = argv[optind];
	o.new_path = argv[optind + 1];
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
		return tool_fail(&tool, rc, &err);
	return res.different ? EXIT_ATTENTION : EXIT_OK;
}
