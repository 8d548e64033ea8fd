/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_sst.h: a workbook's shared strings (xl/sharedStrings.xml), parsed
 * by libxml2's pull parser (xmlParseDocument over the inflated part) on a
 * thread of their own while the sheet is read, or completely when opened
 * for one thread. The strings live in an arena of blocks that never move
 * (each string its length as a varint, its bytes and a NUL), found by a
 * 32-bit offset a string in pages that never move either: a string handed
 * out stays put until close while the thread appends more. Writers
 * (libxlsxwriter, Excel) store the strings in the order the sheet first
 * uses them, so that the reader of a row seldom waits. xlsx.c opens it;
 * xlsx_sheet.c looks strings up.
 */
#ifndef PAYROLL_XLSX_SST_H
#define PAYROLL_XLSX_SST_H

#include <stddef.h>
#include <zip.h>

#include "error.h"

struct payroll_xlsx_sst;

/*
 * Parse part partname of zip (which the table owns from now on, also on
 * failure; the part must exist; path names the workbook in messages): on
 * a thread of its own when threaded (a thread that cannot be started
 * leaves it to be parsed here), else here, completely. Returns 0 and
 * *out; PAYROLL_ENOMEM; when parsed here, the part's error as
 * payroll_xlsx_sst_get would give it.
 */
int payroll_xlsx_sst_open(struct payroll_xlsx_sst **out, zip_t *zip, const char *partname,
			  const char *path, int threaded, struct payroll_error *err);

/*
 * String k: waits until the thread has parsed it (or the part's end).
 * Returns 1 with *v (NUL-terminated, valid until close) and *n; 0 when the
 * part has been parsed to its end without a string k; or the part's error
 * with err filled: PAYROLL_EFORMAT "bad-xlsx" (not well-formed XML, a
 * string over 16 MiB, strings over 4 GiB, the part unreadable),
 * PAYROLL_ENOMEM. One thread at a time; s may be NULL (a workbook without
 * shared strings: 0).
 */
int payroll_xlsx_sst_get(struct payroll_xlsx_sst *s, size_t k, const char **v, size_t *n,
			 struct payroll_error *err);

/*
 * Wait until the part has been parsed to its end: 0, or its error as
 * payroll_xlsx_sst_get gives it. NULL is allowed (0).
 */
int payroll_xlsx_sst_finish(struct payroll_xlsx_sst *s, struct payroll_error *err);

/* Stop the thread (it parses no further), free everything with the
 * strings handed out; NULL is allowed. */
void payroll_xlsx_sst_close(struct payroll_xlsx_sst *s);

#endif
