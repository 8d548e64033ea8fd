/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_part.h: one part of a workbook's zip, inflated (libzip, zlib and
 * its CRC check) by a thread of its own a few 64 KiB pieces ahead of its
 * reader, so that inflating overlaps with parsing (xlsx_sheet.c reads
 * the sheet through it), and the errors of a part that cannot be parsed.
 */
#ifndef PAYROLL_XLSX_PART_H
#define PAYROLL_XLSX_PART_H

#include <stddef.h>
#include <libxml/parser.h>
#include <zip.h>

#include "error.h"

struct payroll_xlsx_part;

/*
 * Read zf (which the part owns from now on) ahead on a
 * thread when threaded, else on the caller's when read. Returns the part,
 * or NULL out of memory (zf closed). A thread that cannot be started
 * leaves the part on the caller's thread.
 */
struct payroll_xlsx_part *payroll_xlsx_part_open(zip_file_t *zf, int threaded);

/*
 * Up to n inflated bytes into buf, as zip_fread: their number, 0 at the
 * end of the part, -1 when it cannot be read (payroll_xlsx_part_strerror
 * says why).
 */
long payroll_xlsx_part_read(struct payroll_xlsx_part *p, char *buf, size_t n);

/* Why the part could not be read (libzip's words). */
const char *payroll_xlsx_part_strerror(struct payroll_xlsx_part *p);

/*
 * A libxml2 SAX2 parser for part name: handlers start, end and text (text
 * also for whitespace and CDATA), their context data; with read, the
 * pull parser (xmlCreateIOParserCtxt: xmlParseDocument calls read(data,
 * ...) for the part's bytes), without it the push parser (xmlParseChunk).
 * No network, no error output. The parser, or NULL out of memory.
 */
xmlParserCtxtPtr payroll_xlsx_part_parser(const char *name, startElementNsSAX2Func start,
					  endElementNsSAX2Func end, charactersSAXFunc text,
					  void *data, xmlInputReadCallback read);

/*
 * The error for part (of workbook path) when it is not well-formed XML,
 * into err: PAYROLL_EFORMAT "bad-xlsx". The parsers of the parts share it.
 */
int payroll_xlsx_part_bad_xml(struct payroll_error *err, const char *path, const char *part);

/*
 * The error for part (of workbook path) when it cannot be inflated (why:
 * libzip's words), into err: PAYROLL_EFORMAT "bad-xlsx".
 */
int payroll_xlsx_part_unreadable(struct payroll_error *err, const char *path, const char *part,
				 const char *why);

/* Stop the thread, close the zip file, free; NULL is allowed. */
void payroll_xlsx_part_close(struct payroll_xlsx_part *p);

#endif
