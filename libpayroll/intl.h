/* SPDX-License-Identifier: Apache-2.0 */
/*
 * intl.h: marking text for translation (gettext, SPEC 15).
 *
 * Every message of libpayroll and the tools lives in one text domain,
 * "payroll". _() translates a string now; N_() only marks a string for
 * xgettext (tables of help texts), to be translated with _() when used.
 * The library never calls setlocale or bindtextdomain: the tools do.
 */
#ifndef PAYROLL_INTL_H
#define PAYROLL_INTL_H

#include <libintl.h>

#define PAYROLL_TEXTDOMAIN "payroll"

#define _(s) dgettext(PAYROLL_TEXTDOMAIN, s)
#define N_(s) (s)

#endif
