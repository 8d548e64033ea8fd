/* SPDX-License-Identifier: Apache-2.0 */
/*
 * intl.h: marking text for translation (gettext, SPEC 15).
 *
 * Every message of libpayroll and the tools lives in one text domain,
 * "payroll". _() translates a string now; N_() only marks a string for
 * xgettext (tables of help texts), to be translated with _() when used.
 * The library never calls setlocale or bindtextdomain: the tools do
 * (tool_start in cmd/common/common.c). Codes and file formats are never
 * translated, only the words meant for a person.
 */
#ifndef PAYROLL_INTL_H
#define PAYROLL_INTL_H

#include <libintl.h>

#define PAYROLL_TEXTDOMAIN "payroll"

#define _(s) dgettext(PAYROLL_TEXTDOMAIN, s)
#define N_(s) (s)

/*
 * Translate a message or printf format of the library at the moment it is
 * used (payroll_error_set and the like call it, so their callers pass
 * plain literals, found by xgettext's keywords: po/xgettext.sh). NULL and
 * "" are returned as they are: gettext("") is the catalogue's header.
 */
static inline const char *__attribute__((format_arg(1)))
payroll_tr(const char *s)
{
	return s && s[0] ? dgettext(PAYROLL_TEXTDOMAIN, s) : s;
}

#endif
