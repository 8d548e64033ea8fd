/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsxout.h: bank files as Excel workbooks (layout format = xlsx, man
 * payroll-layout(5)), written through libxlsxwriter.
 *
 * One worksheet; each record of the layout is one row, each field one
 * cell. Text sources (account, id_number, ...) and constants are text
 * cells (number format "@"), so Excel never turns an account into a
 * number; number sources are number cells (amounts and totals in yuan
 * with format "0.00", or in fen with "0"), or text cells rendered as in
 * a text layout when the field says cell=text.
 *
 * libxlsxwriter writes to a file name: the workbook is built in a
 * temporary file beside the target, then copied into an outfile handle
 * (which itself is committed atomically by the caller) and removed. The
 * workbook's creation date is fixed from the period, so the same inputs
 * give the same bytes.
 */
#ifndef PAYROLL_XLSXOUT_H
#define PAYROLL_XLSXOUT_H

#include "error.h"
#include "layout.h"
#include "outfile.h"

struct payroll_xlsxout;

/*
 * Start a workbook for target (the final path, "-" for standard output:
 * the temporary file then goes to the current directory); period is
 * YYYY-MM. Returns 0 and *out, or PAYROLL_EIO / PAYROLL_ENOMEM with err
 * naming target.
 */
int payroll_xlsxout_open(struct payroll_xlsxout **out, const char *target,
		      const char *period, struct payroll_error *err);

/*
 * Append record r with values v as the next row. Returns 0, or with err
 * filled (no file or line): PAYROLL_EFORMAT "field-overflow" (an amount
 * too large to be a number cell exactly), PAYROLL_EIO, PAYROLL_ENOMEM.
 */
int payroll_xlsxout_row(struct payroll_xlsxout *x, const struct payroll_layout_record *r,
		     const struct payroll_layout_values *v, struct payroll_error *err);

/*
 * Close the workbook, copy its bytes into out and remove the temporary
 * file; frees x. Returns 0, or PAYROLL_EIO with err naming the target
 * (a failing workbook_close: disk full, file size limit).
 */
int payroll_xlsxout_finish(struct payroll_xlsxout *x, struct payroll_outfile *out,
			struct payroll_error *err);

/* Give up: remove the temporary file, free x. NULL is allowed. */
void payroll_xlsxout_abort(struct payroll_xlsxout *x);

#endif
