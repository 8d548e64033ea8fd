/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-disclose: the public disclosure list (公示), names masked. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "disclose.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-disclose",
	"payroll-disclose [--html F [--split-by locality]] [--office TEXT] [--phone TEXT]\n"
	"                        [--notice-days N] [--notice-from YYYY-MM-DD]\n"
	"                        [--date YYYY-MM-DD] -o LIST LEDGER\n",
	"  -o, --output LIST     the list as CSV (- for standard output)\n"
	"  --html F              also the printable A4 pages in Chinese\n"
	"  --split-by locality   one page file per locality: F less .html, -LOCALITY.html\n"
	"  --office TEXT         the issuing office, on the page\n"
	"  --phone TEXT          the complaint phone, on the page\n"
	"  --notice-days N       the disclosure period in days (default 7)\n"
	"  --notice-from DATE    its first day, YYYY-MM-DD (never taken from the clock)\n"
	"  --date DATE           the issue date in the foot (default: the notice's first\n"
	"                        day, else a blank to fill in by hand)\n"
	"exit: 0 written, 2 error (nothing written)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "html", required_argument, NULL, 'h' },
		{ "office", required_argument, NULL, 'f' },
		{ "phone", required_argument, NULL, 'p' },
		{ "notice-days", required_argument, NULL, 'd' },
		{ "notice-from", required_argument, NULL, 'F' },
		{ "date", required_argument, NULL, 'D' },
		{ "split-by", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct payroll_disclose_opts o = { 0 };
	struct payroll_disclose_result res;
	struct payroll_error err;
	char *end;
	long days;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'h': o.html = optarg; break;
		case 'f': o.office = optarg; break;
		case 'p': o.phone = optarg; break;
		case 'F': o.notice_from = optarg; break;
		case 'D': o.date = optarg; break;
		case 's':
			if (strcmp(optarg, "locality"))
				return tool_usage_error(&tool, "--split-by takes 'locality', not '%s'", optarg);
			o.split_by_locality = 1;
			break;
		case 'd':
			days = strtol(optarg, &end, 10);
			if (*end || days < 1 || days > 365)
				return tool_usage_error(&tool, "--notice-days '%s': 1 to 365", optarg);
			o.notice_days = (int)days;
			break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!o.output || argc - optind != 1)
		return tool_usage_error(&tool, "-o LIST and one LEDGER are needed");
	o.ledger = argv[optind];
	rc = payroll_disclose(&o, &res, &err);
	return rc ? tool_fail(&tool, rc, &err) : EXIT_OK;
}
