/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.h: the batch configuration file (man payroll-run(5)).
 *
 * Lines of "key = value"; '#' starts a comment line; blank lines are
 * ignored; surrounding spaces are trimmed. Relative paths are taken
 * relative to the directory of the configuration file. An unknown key, a
 * key given twice (except "layout"), or a missing required key is an
 * error naming the file and line.
 */
#ifndef PAYROLL_CONFIG_H
#define PAYROLL_CONFIG_H

#include <stddef.h>

#include <stdint.h>

#include "error.h"

#define PAYROLL_CONFIG_MAX_LAYOUTS 16

struct payroll_config {
	char *roster;		/* required */
	char *standards;	/* required */
	char *grants;		/* NULL: none */
	char *layouts[PAYROLL_CONFIG_MAX_LAYOUTS];	/* built-in names or paths */
	size_t nlayouts;	/* at least one */
	char *payer;		/* pain001 payer file */
	char *key;		/* signing key, required */
	char *pass;		/* "env:VAR" / "file:PATH" (paths resolved), or NULL */
	char *output;		/* output root, required */
	char *office;		/* disclosure: issuing office */
	char *phone;		/* disclosure: complaint phone */
	char *sheet;		/* a workbook roster's sheet; NULL: the first */
	long max_count;		/* bank files: transfers a file, 0 no limit */
	int64_t max_amount;	/* bank files: fen a file, 0 no limit */
	int notice_days;	/* disclosure period, default 7 */
	int notice_day;		/* notice_start as a day of the period's month, or 0 */
	char notice_date[11];	/* notice_start as a date YYYY-MM-DD, or "" */
	int encoding;		/* enum payroll_encoding of the roster */
	int bom;		/* rejects.csv and disclosure.csv begin with a UTF-8
				 * BOM: yes (1, the default) or no */
};

/*
 * Read path into *out (free with payroll_config_free). Returns 0, or
 * PAYROLL_EFORMAT with err naming file, line and code ("unknown-key",
 * "duplicate-key", "missing-key", "bad-value", "bad-line"; "too-big" for
 * a file over 1 MiB), PAYROLL_EIO, PAYROLL_ENOMEM.
 */
int payroll_config_load(struct payroll_config **out, const char *path,
			struct payroll_error *err);

/* Parse config text of n bytes as if read from path (tests, fuzzing). */
int payroll_config_parse(struct payroll_config **out, const char *path,
			 const char *text, size_t n, struct payroll_error *err);

void payroll_config_free(struct payroll_config *c);

#endif
