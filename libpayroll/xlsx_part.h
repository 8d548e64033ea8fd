/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_part.h: one part of a workbook's zip, inflated (libzip, zlib and
 * its CRC check) by a thread of its own a few 64 KiB pieces ahead of its
 * reader, so that inflating overlaps with parsing. xlsx.c reads the
 * shared strings and the sheet through it.
 */
#ifndef PAYROLL_XLSX_PART_H
#define PAYROLL_XLSX_PART_H

#include <stddef.h>
#include <zip.h>

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

/* Stop the thread, close the zip file, free; NULL is allowed. */
void payroll_xlsx_part_close(struct payroll_xlsx_part *p);

#endif
