/* SPDX-License-Identifier: Apache-2.0 */
/*
 * money.h: amounts in integer fen (0.01 yuan), never floating point.
 *
 * Input money is yuan: digits, optionally '.' and one or two decimals.
 * Every operation that could overflow int64_t is checked.
 */
#ifndef PAYROLL_MONEY_H
#define PAYROLL_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Room for the longest formatted amount, with sign and NUL. */
#define PAYROLL_MONEY_MAX 32

/* Rounding rules of the standards file (SPEC 3.2). */
enum payroll_rounding {
	PAYROLL_ROUND_FEN = 0,
	PAYROLL_ROUND_YUAN_HALF_UP,
	PAYROLL_ROUND_YUAN_UP,
	PAYROLL_ROUND_YUAN_DOWN,
};

/*
 * Parse s[0..n) as yuan into *fen. Returns 0, PAYROLL_EFORMAT (not of the
 * form digits[.d[d]]; *why then says what is wrong) or PAYROLL_EOVERFLOW.
 */
int payroll_money_parse(const char *s, size_t n, int64_t *fen,
			const char **why);

/*
 * Parse a percentage "130%" or "107.4%" (up to two decimals) into
 * hundredths of a percent (13000, 10740). Same returns as money_parse.
 */
int payroll_percent_parse(const char *s, size_t n, int64_t *hundredths,
			  const char **why);

/* Format fen as yuan "1234.05" / "-0.50" into buf (PAYROLL_MONEY_MAX);
 * returns the length. */
size_t payroll_money_format(int64_t fen, char *buf);

/* Format x as a decimal integer ("-12") into buf (PAYROLL_INT_MAX), without
 * printf (per-record paths); returns the length. */
#define PAYROLL_INT_MAX 24
size_t payroll_int_format(int64_t x, char *buf);

/* Format a percentage in hundredths as "130%" or "107.4%". */
size_t payroll_percent_format(int64_t hundredths, char *buf);

/* Checked arithmetic: 0 or PAYROLL_EOVERFLOW (then *r is unchanged). */
int payroll_add(int64_t a, int64_t b, int64_t *r);
int payroll_sub(int64_t a, int64_t b, int64_t *r);
int payroll_mul(int64_t a, int64_t b, int64_t *r);

/* base * pct/100 rounded half up to the fen; base >= 0. */
int payroll_percent_of(int64_t base, int64_t hundredths, int64_t *r);

/* Round a non-negative fen amount by rule. */
int payroll_round(int64_t fen, enum payroll_rounding rule, int64_t *r);

/* Rounding rule by its standards-file word; -1 when unknown. */
int payroll_rounding_parse(const char *s, size_t n);
const char *payroll_rounding_name(enum payroll_rounding rule);

#endif
