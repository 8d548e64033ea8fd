/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_sheet.h: the rows of one worksheet part, parsed by libxml2's SAX2
 * handlers. Threaded, the part is inflated on a thread of its own
 * (xlsx_part.c), cut into segments at row start tags, and the segments
 * are parsed by two sheet threads (the pull parser, xmlParseDocument),
 * while the caller works on the rows of the segments before; a segment
 * whose start the one before it does not confirm, or that found an error,
 * is parsed again in order on the caller's thread (see xlsx_sheet.c). On
 * one thread (PAYROLL_THREADS=1) the push parser is fed 64 KiB at a time
 * as rows are asked for. Either way only the rows of a few segments are
 * held; a shared string cell keeps its index until the row is handed out,
 * when the caller looks it up in the shared strings (xlsx_sst.c: parsed
 * meanwhile on their own thread) and its value becomes the shared
 * strings' own bytes. xlsx.c opens it.
 */
#ifndef PAYROLL_XLSX_SHEET_H
#define PAYROLL_XLSX_SHEET_H

#include <stddef.h>
#include <zip.h>

#include "error.h"
#include "xlsx.h"
#include "xlsx_sst.h"

struct payroll_xlsx_sheet;

/*
 * Read part partname of zip as a sheet (path names the workbook in
 * messages): on threads of its own when threaded. zip, sst (NULL: the
 * workbook has none) and xf_date[0 .. nxf) (whether a cell style is a
 * date format) stay the caller's and must outlive the sheet; nobody else
 * reads zip meanwhile. Returns 1 and *out; 0 when zip has no such part;
 * PAYROLL_EFORMAT "bad-xlsx" (the part cannot be opened), PAYROLL_ENOMEM.
 */
int payroll_xlsx_sheet_open(struct payroll_xlsx_sheet **out, zip_t *zip, const char *partname,
			    const char *path, struct payroll_xlsx_sst *sst,
			    const unsigned char *xf_date, size_t nxf, int threaded,
			    struct payroll_error *err);

/*
 * Next row as payroll_xlsx_next: 1, 0 at the end of the sheet (once the
 * shared strings too have been parsed to their end), or an error, which
 * every later call returns again.
 */
int payroll_xlsx_sheet_next(struct payroll_xlsx_sheet *s, long *row,
			    const struct payroll_xlsx_cell **cells, size_t *ncells,
			    struct payroll_error *err);

/* Stop the threads, free; NULL is allowed. */
void payroll_xlsx_sheet_close(struct payroll_xlsx_sheet *s);

#endif
