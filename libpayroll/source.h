/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source.h: an input file as a stream of UTF-8 bytes.
 *
 * Opens a path or "-" (standard input), gunzips when the bytes start with
 * the gzip magic, and detects the encoding from the first 64 KiB: a UTF-8
 * BOM (dropped) means UTF-8; otherwise the whole sample is weighed, valid
 * multi-byte characters against invalid sequences in each encoding, so a
 * few damaged bytes do not flip a UTF-8 file to GB18030 (the rule is at
 * decide() in source.c and in payroll-roster(5)). GB18030 (which includes
 * GBK) is converted with iconv. An invalid byte sequence in either
 * encoding is passed on as U+FFFD so that the table reader can reject that
 * row as "bad-encoding" instead of guessing; a sample that is neither
 * fails the whole file. Knows nothing of CSV.
 */
#ifndef PAYROLL_SOURCE_H
#define PAYROLL_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "error.h"

struct stat;

enum payroll_encoding {
	PAYROLL_ENC_AUTO = 0,
	PAYROLL_ENC_UTF8,
	PAYROLL_ENC_GB18030,
};

struct payroll_source;

/* Encoding by name: "auto", "utf-8"/"utf8", "gb18030"/"gbk"; -1 unknown. */
int payroll_encoding_parse(const char *name);
const char *payroll_encoding_name(enum payroll_encoding enc);

/*
 * Open path ("-" = stdin) with enc (AUTO to detect). Returns 0 and *out,
 * or PAYROLL_EIO (cannot open or read), PAYROLL_EFORMAT (UTF-16, a broken
 * gzip header), PAYROLL_ENOMEM; err names the file. With AUTO, a sample
 * that is neither UTF-8 nor GB18030 opens (a binary reader may still use
 * payroll_source_read_bytes), but payroll_source_read then fails with
 * PAYROLL_EFORMAT, code "bad-encoding", giving the counts.
 */
int payroll_source_open(struct payroll_source **out, const char *path,
			enum payroll_encoding enc, struct payroll_error *err);

/*
 * Read up to n bytes of UTF-8 into buf. Returns the count, 0 at end of
 * input, or a negative PAYROLL_E* (PAYROLL_EIO, PAYROLL_EFORMAT for a
 * corrupt or truncated gzip stream, or "bad-encoding" for an input that is
 * neither UTF-8 nor GB18030) with err filled.
 */
ssize_t payroll_source_read(struct payroll_source *s, char *buf, size_t n,
			    struct payroll_error *err);

/* 1 when the bytes of the last payroll_source_read hold no byte below
 * 0x20 but LF and CR, no DEL, no U+FFFD (so no invalid sequence) and no
 * U+FEFF; 0 when they may. */
int payroll_source_clean(const struct payroll_source *s);

/* The path as opened, and the encoding in use after detection. */
const char *payroll_source_path(const struct payroll_source *s);
enum payroll_encoding payroll_source_encoding(const struct payroll_source *s);
/* 1 when the encoding was detected (opened with AUTO), 0 when given. */
int payroll_source_detected(const struct payroll_source *s);
/* Count of invalid sequences replaced by U+FFFD so far. */
unsigned long payroll_source_bad_sequences(const struct payroll_source *s);

/*
 * The first bytes of the input as they are in the file (after gunzip),
 * before any decoding, for telling a workbook or another binary file from
 * text. Valid only until the first read.
 */
const unsigned char *payroll_source_head(const struct payroll_source *s, size_t *n);
/* 1 when the input is a file read as it is (not standard input, not
 * gzip), so that another reader may open it again by its path. */
int payroll_source_is_plain_file(const struct payroll_source *s);
/* 1 when the input is a regular file (gzip or not): reading it never
 * waits for a writer, so that a reader may read ahead of its caller. */
int payroll_source_is_regular(const struct payroll_source *s);
/* Read the input's bytes as they are (after gunzip), not decoded; for a
 * binary input instead of payroll_source_read, never mixed with it.
 * Returns as payroll_source_read. */
ssize_t payroll_source_read_bytes(struct payroll_source *s, char *buf, size_t n,
				  struct payroll_error *err);

/*
 * Drop the input up to the start of its nth line from here, without
 * decoding it: a line ends at LF, CRLF or a lone CR, whose bytes are
 * never part of another character in UTF-8 or GB18030, so the lines are
 * the ones payroll_source_read would give (what they hold is not looked
 * at, nor counted in payroll_source_bad_sequences). *cr says whether the
 * byte before was a CR, in (as the caller last read) and out: an LF right
 * after a CR ends no second line. Returns the lines dropped, fewer than n
 * only at the end of the input, or a negative PAYROLL_E* as
 * payroll_source_read.
 */
long payroll_source_skip_lines(struct payroll_source *s, long n, int *cr,
			       struct payroll_error *err);

/* Close and free; NULL is allowed. */
void payroll_source_close(struct payroll_source *s);

/* Flags for payroll_source_slurp. */
#define PAYROLL_SLURP_GUNZIP 0x1	/* gunzip gzip bytes (others are read as they are) */
#define PAYROLL_SLURP_REGULAR 0x2	/* a regular file only: a FIFO, device or
					 * directory is refused, without blocking */
#define PAYROLL_SLURP_MISSING_OK 0x4	/* a file that does not exist is no error */
#define PAYROLL_SLURP_SECRET 0x8	/* one allocation of limit + 1 bytes, never
					 * moved, and wiped on failure: the caller
					 * wipes b->cap bytes when done */

/*
 * The one bounded whole-file reader: append the bytes of the file at path
 * (not "-") to b, at most limit bytes (after gunzip with
 * PAYROLL_SLURP_GUNZIP), for small inputs read whole: configuration,
 * layouts, payer files, keys, manifests, journals, bank result files.
 * b stays NUL-terminated; the bytes are not decoded. When st is not NULL
 * it gets the fstat(2) of the file read.
 * Returns 0; 1 when the file does not exist and PAYROLL_SLURP_MISSING_OK
 * is set (nothing read); or, with err filled and b as it was:
 * PAYROLL_EFORMAT code "too-big" (the file holds more than limit bytes;
 * the message names the limit), PAYROLL_EUSAGE code "usage", not a regular file (with
 * PAYROLL_SLURP_REGULAR), PAYROLL_EIO (cannot open or read; a corrupt
 * gzip stream), PAYROLL_ENOMEM.
 */
int payroll_source_slurp(const char *path, size_t limit, unsigned flags,
			 struct payroll_buf *b, struct stat *st,
			 struct payroll_error *err);

#endif
