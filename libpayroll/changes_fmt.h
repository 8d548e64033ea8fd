/* SPDX-License-Identifier: Apache-2.0 */
/*
 * changes_fmt.h: the four renderings of payroll-changes(1) (text, csv,
 * json, html): the head with the totals, each class's section head, one
 * line (or row, or object) per case, and the tail. changes.c finds and
 * classifies the cases; this module only writes them into a buffer,
 * which the caller drains to the output file. Every function returns 0,
 * or -1 when memory ran out (the caller reports PAYROLL_ENOMEM).
 */
#ifndef PAYROLL_CHANGES_FMT_H
#define PAYROLL_CHANGES_FMT_H

#include <stdint.h>

#include "buf.h"
#include "changes.h"

/* A case as reports show it; [0] OLD, [1] NEW. */
struct payroll_changes_view {
	int cls;
	unsigned reasons;
	int has[2];
	long line[2];
	int program[2], members[2];
	int64_t regular[2], subsidy[2], total[2], arrears;
	const char *payee[2][3];	/* bank, account, account_name */
	const char *case_id, *name, *id_number, *locality;
};

/* One report being rendered. */
struct payroll_changes_fmt {
	const struct payroll_changes_opts *o;		/* format, public */
	const struct payroll_changes_result *res;	/* the totals, filled */
	const char *path[2];				/* OLD, NEW as shown */
	struct payroll_buf b;		/* rendered, drained by the caller */
	struct payroll_buf tmp;		/* scratch (the caller's too) */
	int first;			/* json: no case written yet */
};

/* The program's name by number (subsistence, extreme-poverty, temporary); NULL past the last. */
const char *payroll_changes_program_name(int program);

/* Append the head of the report (totals, reasons) to f->b. */
int payroll_changes_fmt_head(struct payroll_changes_fmt *f);

/*
 * Append the head of class cls's section (text and html; nothing for csv
 * and json). Text and html show no unchanged cases: the caller skips them.
 */
int payroll_changes_fmt_section(struct payroll_changes_fmt *f, int cls);

/* Append the end of class cls's section (html's table end; else nothing). */
int payroll_changes_fmt_section_end(struct payroll_changes_fmt *f, int cls);

/* Append case v, named name (masked already when f->o->public). */
int payroll_changes_fmt_case(struct payroll_changes_fmt *f, const struct payroll_changes_view *v,
			     const char *name);

/* Append the end of the report (csv totals, json's closing, html's end). */
int payroll_changes_fmt_tail(struct payroll_changes_fmt *f);

#endif
