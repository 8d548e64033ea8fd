/* SPDX-License-Identifier: Apache-2.0 */
/*
 * approval.h: the payment approval sheet (发放审批表, man payroll-run(1)
 * and payroll-bankfile(1)), the page finance staff print and sign before
 * the bank files go out.
 *
 * One self-contained A4 HTML page in Chinese: the period and office, the
 * totals by program and item (households, persons, amount), the grand
 * total in figures and in Chinese capital numerals (大写), each bank file
 * with its transfers, total and SHA-256, and lines for 经办人, 审核人 and
 * 负责人 to sign and date. The clock is never read.
 */
#ifndef PAYROLL_APPROVAL_H
#define PAYROLL_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Room for any amount in capital numerals, NUL included. */
#define PAYROLL_CAPITAL_MAX 256

/*
 * Write fen in Chinese capital numerals as on a cheque into buf (at least
 * PAYROLL_CAPITAL_MAX bytes), exact for every int64_t, and return its
 * length: 壹万捌仟壹佰陆拾肆元整, 壹佰元壹角, 壹万元零伍分, 伍分, 零元整.
 * Units 拾佰仟 within a group of four digits, groups 万, 亿, 万亿, 亿亿;
 * a run of zeros between two digits that are not zero gives one 零 (also
 * across a group: 壹拾万零伍佰元整), zeros at the end of the yuan none;
 * 整 after 元 only; 零 between 元 and the 分 when the 角 is zero; no 元
 * part when the yuan are 0; 负 in front of a negative amount.
 */
size_t payroll_money_capital(int64_t fen, char *buf);

/* A bank file listed on the sheet. */
struct payroll_approval_file {
	const char *name;	/* as shown */
	const char *path;	/* read for its SHA-256 */
	long transfers;
	int64_t total;		/* fen */
};

struct payroll_approval_opts {
	const char *ledger;	/* path (read once) */
	const char *output;	/* the HTML page */
	const char *office;	/* issuing office, or NULL: a blank */
	const struct payroll_approval_file *files;
	size_t nfiles;
};

/* The defaults: no office (a blank on the sheet). */
#define PAYROLL_APPROVAL_OPTS_INIT { .office = NULL }

struct payroll_approval_result {
	long households;	/* cases (a case paid in two programs counts twice) */
	long persons;
	int64_t total;		/* fen */
};

/*
 * Write the sheet for the ledger. Returns 0, or with err filled and no
 * output: PAYROLL_EUSAGE, PAYROLL_EFORMAT (a bad ledger line,
 * "mixed-period"), PAYROLL_EOVERFLOW, PAYROLL_EIO (a bank file that
 * cannot be read, or the output), PAYROLL_ENOMEM.
 */
int payroll_approval(const struct payroll_approval_opts *o,
		     struct payroll_approval_result *res,
		     struct payroll_error *err);

#endif
