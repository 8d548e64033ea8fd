/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write a roster CSV (as gen_roster.py makes it: no quoted fields) as an
 * Excel workbook with libxlsxwriter, the way a civil-affairs system's export
 * or Excel itself stores it: text in the shared strings table, members and
 * income as number cells, start/end/paid_through as date cells (the 1900
 * date system, a yyyy-mm-dd style), empty fields left out.
 *
 *   gen_xlsx [--inline] IN.csv OUT.xlsx
 *
 * --inline writes in libxlsxwriter's constant_memory mode: rows are flushed
 * as they are written and text becomes inline strings. Without it the
 * library keeps every cell until the end (about 1.5 GB at 1M rows).
 *
 * cc -O2 -o gen_xlsx gen_xlsx.c -lxlsxwriter (bench/xlsx.sh builds it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAXF 64

static int
find(char **names, int n, const char *want)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], want))
			return i;
	return -1;
}

static int
split(char *line, char **f)
{
	int n = 0;
	char *p = line, *c;

	line[strcspn(line, "\r\n")] = '\0';
	for (;;) {
		if (n == MAXF)
			return -1;
		f[n++] = p;
		if (!(c = strchr(p, ',')))
			return n;
		*c = '\0';
		p = c + 1;
	}
}

int
main(int argc, char **argv)
{
	lxw_workbook_options opt = { 0 };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *datef;
	char *line = NULL, *head[MAXF], *f[MAXF];
	unsigned char kind[MAXF] = { 0 };	/* 0 text, 1 number, 2 month */
	size_t cap = 0;
	FILE *in;
	int argi = 1, nh, n, i;
	lxw_row_t row = 0;

	if (argc > 1 && !strcmp(argv[1], "--inline")) {
		opt.constant_memory = LXW_TRUE;
		argi++;
	}
	if (argc - argi != 2 || !(in = fopen(argv[argi], "r"))) {
		fprintf(stderr, "usage: gen_xlsx [--inline] IN.csv OUT.xlsx\n");
		return 2;
	}
	opt.use_zip64 = LXW_TRUE;
	opt.tmpdir = getenv("TMPDIR");
	if (!(wb = workbook_new_opt(argv[argi + 1], &opt)) || !(ws = workbook_add_worksheet(wb, NULL)))
		return 1;
	datef = workbook_add_format(wb);
	format_set_num_format(datef, "yyyy-mm-dd");
	if (getline(&line, &cap, in) < 0 || (nh = split(line, head)) < 0)
		return 1;
	for (i = 0; i < nh; i++) {
		head[i] = strdup(head[i]);
		worksheet_write_string(ws, row, (lxw_col_t)i, head[i], NULL);
	}
	kind[find(head, nh, "members") >= 0 ? find(head, nh, "members") : MAXF - 1] = 1;
	kind[find(head, nh, "income") >= 0 ? find(head, nh, "income") : MAXF - 1] = 1;
	kind[find(head, nh, "start") >= 0 ? find(head, nh, "start") : MAXF - 1] = 2;
	kind[find(head, nh, "end") >= 0 ? find(head, nh, "end") : MAXF - 1] = 2;
	kind[find(head, nh, "paid_through") >= 0 ? find(head, nh, "paid_through") : MAXF - 1] = 2;
	while (getline(&line, &cap, in) > 0) {
		if ((n = split(line, f)) < 0)
			return 1;
		row++;
		for (i = 0; i < n; i++) {
			lxw_datetime dt = { 0 };

			if (!f[i][0])
				continue;
			if (kind[i] == 1) {
				worksheet_write_number(ws, row, (lxw_col_t)i, strtod(f[i], NULL), NULL);
			} else if (kind[i] == 2 && sscanf(f[i], "%4d-%2d", &dt.year, &dt.month) == 2) {
				dt.day = 1;
				worksheet_write_datetime(ws, row, (lxw_col_t)i, &dt, datef);
			} else {
				worksheet_write_string(ws, row, (lxw_col_t)i, f[i], NULL);
			}
		}
	}
	free(line);
	fclose(in);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
