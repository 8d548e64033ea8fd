/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ident.h: identifiers of people, accounts, places and months.
 *
 * Pure functions over byte strings; no allocation. Each check returns 0
 * when the value is good, or a negative PAYROLL_EFORMAT and sets *why to a
 * short reason (for messages) when one is given.
 */
#ifndef PAYROLL_IDENT_H
#define PAYROLL_IDENT_H

#include <stddef.h>

/*
 * Resident id number (GB 11643): 17 digits and a check digit 0-9 or X.
 * A lowercase x is accepted; normalised to X in out (19 bytes) when out
 * is not NULL. Returns 0, or PAYROLL_EFORMAT with *code "bad-id" (shape)
 * or "bad-id-checksum" (check digit).
 */
int payroll_id_check(const char *s, size_t n, char *out, const char **code,
		     const char **why);

/* The GB 11643 check character for 17 digits. */
char payroll_id_check_digit(const char *digits17);

/* Luhn (mod 10) over a string of digits. 1 when it passes. */
int payroll_luhn_ok(const char *digits, size_t n);

/*
 * Bank account: 8..32 digits; a 16..19-digit card number starting with
 * 62 (UnionPay) must pass Luhn. Returns 0 or PAYROLL_EFORMAT ("bad-account").
 */
int payroll_account_check(const char *s, size_t n, const char **why);

/* Bank code: 2..11 letters/digits starting with a letter (ICBC, ABC, CCB,
 * PSBC...) or a 12-digit CNAPS code. 0 or PAYROLL_EFORMAT ("bad-bank"). */
int payroll_bank_check(const char *s, size_t n, const char **why);

/*
 * Bank as written in a roster: a code (payroll_bank_check) is kept as it
 * is (*code = NULL); a Chinese name of a bank in the table of bank names
 * (documented in payroll-roster(5)) sets *code to its code. A name is
 * taken when it equals a table name, or when it contains a table name of
 * four or more characters ("吉林东丰农村商业银行", "中国工商银行东丰支行"),
 * the longest such name deciding; two of the same length naming different
 * banks are ambiguous. Returns 0, or PAYROLL_EFORMAT ("bad-bank") with
 * *why; then *suggest is the nearest table name (or NULL when none is
 * near) and *suggest_code its code.
 */
int payroll_bank_resolve(const char *s, size_t n, const char **code,
			 const char **why, const char **suggest,
			 const char **suggest_code);

/* Region: 6-digit GB/T 2260 code or 12-digit village code. */
int payroll_region_check(const char *s, size_t n, const char **why);

/*
 * Length of the significant prefix of a region code: a 12-digit code
 * loses trailing "000" groups down to 6 digits, then trailing "00" pairs
 * ("220402" -> 6, "220400" -> 4, "220000" -> 2, "220402101000" -> 9).
 */
size_t payroll_region_prefix(const char *s, size_t n);

/* Month "YYYY-MM" to a month number (year*12 + month-1); -1 when bad. */
long payroll_month_parse(const char *s, size_t n);
/* Month number to "YYYY-MM" (8 bytes with NUL). */
void payroll_month_format(long m, char *buf);

/* Days in month number m (28 to 31, Gregorian leap years). */
int payroll_month_days(long m);

/* Date "YYYY-MM-DD" (n bytes): its month number, and its day in *day;
 * -1 when not a date of the calendar. */
long payroll_date_parse(const char *s, size_t n, int *day);

#endif
