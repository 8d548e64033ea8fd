/* SPDX-License-Identifier: Apache-2.0 */
/*
 * roster.h: the roster (SPEC 3.1) and temporary grants (3.3) schemas, and
 * the validation of one row into a case.
 *
 * Validation reports every problem of the row through a payroll_problems
 * sink (file, line, column, stable code) and fills what it could parse.
 */
#ifndef PAYROLL_ROSTER_H
#define PAYROLL_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "standards.h"
#include "table.h"

enum payroll_status { PAYROLL_ACTIVE = 0, PAYROLL_SUSPENDED, PAYROLL_STOPPED };

/* A validated roster row or grant. Strings point into the table's row
 * and are valid until the next payroll_table_next. */
struct payroll_case {
	long line;
	const char *case_id;	/* grant_id for grants */
	size_t case_id_len;
	int program;		/* enum payroll_program; -1 when bad */
	int area;		/* enum payroll_area; -1 when bad */
	const char *region;
	size_t region_len;
	const char *locality;
	size_t locality_len;
	const char *name;
	size_t name_len;
	const char *bank;	/* its code */
	size_t bank_len;
	const char *account;
	size_t account_len;
	const char *account_name;	/* name when the column is empty */
	size_t account_name_len;
	char id[19];		/* normalised (X upper case); "" when bad */
	int members;		/* 0 when bad */
	int64_t income;		/* fen; subsistence */
	const char *categories;
	size_t categories_len;
	int care;		/* enum payroll_care; -1 when absent or bad */
	int centralized;	/* support_mode centralized */
	long start, end;	/* month numbers; end LONG_MAX when open; -1 bad;
				 * grants: both the grant's month */
	int status;		/* enum payroll_status; -1 when bad */
	long paid_through;	/* month number, -1 when absent or bad */
	long reviewed;		/* month of the last review, -1 when absent or bad */
	int64_t amount;		/* grants: approved amount, fen */
	const char *reason;	/* grants */
};

/* Column tables for payroll_table_open. */
extern const struct payroll_column payroll_roster_columns[];
extern const size_t payroll_roster_ncolumns;
extern const struct payroll_column payroll_grant_columns[];
extern const size_t payroll_grant_ncolumns;

/*
 * Validate a roster row into *c. std (may be NULL) is used for the
 * category names. Returns the number of problems found (0 = valid).
 */
int payroll_roster_validate(const struct payroll_row *row,
			    const struct payroll_standards *std,
			    struct payroll_case *c, struct payroll_problems *p);

/*
 * The problem the reader found in row (any table's: a field count, a
 * stray quote, invalid text, a control character), recorded in p with
 * its code (bad-row, bad-csv, bad-encoding, bad-char), line and column.
 * Returns 1 when the row has one, else 0 and nothing is recorded.
 */
int payroll_row_report(const struct payroll_row *row, struct payroll_problems *p);

/*
 * The fields of a roster row that decide calc's duplicate keys, as
 * payroll_roster_validate leaves them: case_id, status, start, end, the id
 * number ("" unless valid), the account and centralized support. The
 * others stay unset; nothing is reported. For the keys-only first pass.
 */
void payroll_roster_keys(const struct payroll_row *row, struct payroll_case *c);

/* Validate a temporary grant row into *c (program PAYROLL_TEMPORARY). */
int payroll_grant_validate(const struct payroll_row *row,
			   struct payroll_case *c, struct payroll_problems *p);

/*
 * Walk the categories of c: for each listed person, call fn with the
 * person's categories (a comma-separated span). Returns the number of
 * persons listed (empty entries are skipped).
 */
int payroll_categories_each(const char *s, size_t n,
			    void (*fn)(void *ctx, const char *cat, size_t len,
				       int person),
			    void *ctx);

#endif
