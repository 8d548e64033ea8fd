/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff.h: the auditors' keyed diff of two CSV files (SPEC 9).
 *
 * Rows of OLD and NEW are matched by the values of the key columns
 * (default case_id,item,month, the ledger's key); columns are matched by
 * header name, case-insensitively, so the two files may order them
 * differently. Any CSV the table reader takes will do (UTF-8 or GB18030,
 * plain or .gz): ledgers, bank csv files (--key seq or --key account).
 *
 * Memory: the smaller file (by size on disk) is indexed at 32 bytes a row
 * (64-bit hash of the key, 64-bit hash of the compared values, the amount
 * in fen, its line and the matching line of the other file) in file order,
 * plus a half-full open-addressing table of 4-byte slots: 40-48 bytes a
 * row. The larger is streamed; of its rows only those that differ are kept
 * (24 bytes for a row without a match, and the values of each row that has
 * no match or changed, for the report). The report reads the indexed file
 * a second time for the values of its rows that differ.
 *
 * With mask, the values (key values too) of the columns account, 账号,
 * id_number and 身份证号 are shown masked in every format of the report.
 */
#ifndef PAYROLL_DIFF_H
#define PAYROLL_DIFF_H

#include <stdint.h>

#include "error.h"

enum payroll_diff_format {
	PAYROLL_DIFF_TEXT = 0,
	PAYROLL_DIFF_CSV,
	PAYROLL_DIFF_JSON,
};

/* Kinds of row difference, for payroll_diff_opts.only. */
#define PAYROLL_DIFF_ADDED 0x1
#define PAYROLL_DIFF_REMOVED 0x2
#define PAYROLL_DIFF_CHANGED 0x4

struct payroll_diff_opts {
	const char *old_path;	/* files; one of them may be "-" (then streamed) */
	const char *new_path;
	const char *key;	/* comma list; NULL: "case_id,item,month" */
	const char *ignore;	/* comma list of columns not compared, or NULL */
	const char *tolerance;	/* yuan: amounts this close are equal; NULL: exact */
	enum payroll_diff_format format;
	unsigned only;		/* PAYROLL_DIFF_* kinds reported; 0 = all */
	int summary;		/* totals only, no rows */
	const char *output;	/* path, or NULL / "-" for standard output */
	const char *old_label;	/* the files' names in the report; NULL: the paths */
	const char *new_label;
	int mask;		/* account and id number values masked in the
				 * report (mask.h payroll_mask_number); the
				 * comparison is of the values as they are */
};

/* The defaults: key case_id,item,month, exact amounts, every kind of
 * difference, the text report to standard output. */
#define PAYROLL_DIFF_OPTS_INIT { .format = PAYROLL_DIFF_TEXT, .output = "-" }

struct payroll_diff_result {
	long old_rows, new_rows;
	long added, removed, changed, unchanged;
	int has_amount;		/* both files have an amount column (not ignored) */
	int64_t old_sum, new_sum, added_sum, removed_sum;	/* fen */
	int only_columns;	/* columns in one file only (not ignored) */
	int different;		/* 1: a difference of a kind asked for, or only_columns */
};

/*
 * Compare o->old_path with o->new_path and write the report to o->output
 * (atomically; nothing is written on error). Fills *res. Returns 0 (look at
 * res->different), or with err filled: PAYROLL_EUSAGE (bad option, a key or
 * ignored column missing, "-" for both files), PAYROLL_EFORMAT (code
 * "duplicate-key" naming both lines, "bad-money" for an amount that is not
 * money, "duplicate-column", a bad CSV row), PAYROLL_EOVERFLOW (an amount
 * sum, or a file of 2^31 lines or more), PAYROLL_EIO, PAYROLL_ENOMEM.
 */
int payroll_diff(const struct payroll_diff_opts *o,
		 struct payroll_diff_result *res, struct payroll_error *err);

/* Format by name ("text", "csv", "json"); -1 when unknown. */
int payroll_diff_format_parse(const char *s);

/* --only list ("added,changed") to PAYROLL_DIFF_* bits; -1 when bad. */
int payroll_diff_only_parse(const char *s);

#endif
