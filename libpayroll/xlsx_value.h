/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_value.h: the values of workbook cells as text, without floating
 * point: stored numbers as Excel shows them, date serials as months, and
 * which number formats are dates. xlsx.c reads the sheet; these only
 * convert.
 */
#ifndef PAYROLL_XLSX_VALUE_H
#define PAYROLL_XLSX_VALUE_H

#include <stddef.h>

#include "buf.h"

/*
 * A stored number (the text of a cell's <v>) as Excel shows it: at most 15
 * significant digits, rounded half-up on the decimal digits themselves (no
 * floating point), in plain notation without trailing zeros: "410.5" stays
 * "410.5", "410.49999999999994" is "410.5", "6.2170000000010003E+18" is
 * "6217000000001000000". Appends to out; 0, -1 when s is not a number,
 * -2 out of memory.
 */
int payroll_xlsx_number(const char *s, struct payroll_buf *out);

/*
 * Whether the n bytes at s are a stored number already as Excel shows it
 * (payroll_xlsx_number would give the same bytes: plain digits without
 * a sign, leading zeros, trailing decimal zeros or exponent, at most 15 of
 * them): 1 or 0. A cheap test before the conversion.
 */
int payroll_xlsx_number_plain(const char *s, size_t n);

/*
 * A date serial v of n bytes (its digits, a fraction ignored) as a month
 * "YYYY-MM" in out (8 bytes), in the 1904 date system when date1904, else
 * the 1900 one (with Excel's fictitious 29 February 1900). 0, or -1 when
 * v is not a serial of a day from 1900 to 9999.
 */
int payroll_xlsx_serial_month(int date1904, const char *v, size_t n, char *out);

/*
 * Whether a custom number format code shows a date: 1 when it has a day
 * or year in it outside quoted text, [colour] and [$-locale] sections and
 * escapes; else 0.
 */
int payroll_xlsx_format_is_date(const char *code);

/* Whether built-in number format id is a date (ECMA-376 18.8.30 and the
 * East Asian ones Excel writes for zh-CN): 1 or 0. */
int payroll_xlsx_builtin_is_date(long id);

#endif
