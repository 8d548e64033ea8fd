/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout.h: the layout language of bank files (man payroll-layout(5)).
 *
 * A layout describes one bank's file: fixed-width or delimited records in
 * UTF-8, GB18030 or GBK, made of header, detail, trailer and (in a
 * separate control file) control records, each a list of fields with a
 * source, a width, alignment, padding and an amount unit. The built-in
 * layouts "csv" and "fixed-gbk" are written in the same language.
 *
 * payroll_layout_format() renders one record from values (writing bank
 * files); payroll_layout_split() does the reverse for one record read
 * from a file (reading the bank's result files with the same layout).
 *
 * A struct payroll_layout keeps iconv state and scratch buffers: one
 * handle is used by one thread at a time.
 */
#ifndef PAYROLL_LAYOUT_H
#define PAYROLL_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

enum payroll_layout_format {
	PAYROLL_LAYOUT_FIXED = 0,	/* every field has a width in bytes */
	PAYROLL_LAYOUT_DELIMITED,	/* fields joined by one delimiter byte */
	PAYROLL_LAYOUT_XLSX,		/* an Excel workbook: one row a record,
					 * one cell a field (xlsxout.h) */
};

enum payroll_layout_encoding {
	PAYROLL_LAYOUT_UTF8 = 0,
	PAYROLL_LAYOUT_GB18030,		/* every Unicode character */
	PAYROLL_LAYOUT_GBK,		/* GBK only: others are errors */
};

/* Record kinds, in the order their records are written. */
enum payroll_layout_kind {
	PAYROLL_REC_HEADER = 0,
	PAYROLL_REC_DETAIL,		/* exactly one; once per transfer */
	PAYROLL_REC_TRAILER,
	PAYROLL_REC_CONTROL,		/* written to the control file */
	PAYROLL_REC_NKINDS
};

/* Where a field's value comes from. */
enum payroll_layout_src {
	PAYROLL_SRC_CONST = 0,		/* "text" (or filler: "") */
	/* one transfer: detail records only */
	PAYROLL_SRC_SEQ,		/* number, 1..N in ledger order */
	PAYROLL_SRC_AMOUNT,		/* number (fen) */
	PAYROLL_SRC_REF,		/* stable reference, PERIOD-CASE_ID */
	PAYROLL_SRC_LINES,		/* number of ledger lines summed */
	PAYROLL_SRC_MEMBERS,		/* number */
	PAYROLL_SRC_CASE_ID,
	PAYROLL_SRC_PROGRAM,
	PAYROLL_SRC_REGION,
	PAYROLL_SRC_LOCALITY,
	PAYROLL_SRC_NAME,
	PAYROLL_SRC_ID_NUMBER,
	PAYROLL_SRC_BANK,
	PAYROLL_SRC_ACCOUNT,
	PAYROLL_SRC_ACCOUNT_NAME,
	/* the whole file: any record */
	PAYROLL_SRC_COUNT,		/* number of transfers */
	PAYROLL_SRC_TOTAL,		/* number (fen): their sum */
	PAYROLL_SRC_PERIOD,		/* 2024-03 */
	PAYROLL_SRC_PERIOD_COMPACT,	/* 202403 */
	PAYROLL_SRC_PERIOD_FIRST,	/* 20240301 */
	PAYROLL_SRC_PERIOD_LAST,	/* 20240331 */
	PAYROLL_SRC_NSOURCES
};

/* Most fields one record may have (cut reports are a 64-bit mask). */
#define PAYROLL_LAYOUT_MAX_FIELDS 64

enum payroll_layout_align { PAYROLL_ALIGN_LEFT = 0, PAYROLL_ALIGN_RIGHT };

struct payroll_layout_field {
	enum payroll_layout_src src;
	const char *source;	/* the source word as written ("account") */
	const char *text;	/* PAYROLL_SRC_CONST: the UTF-8 text */
	size_t width;		/* bytes in the file's encoding; 0 = as long as needed */
	size_t offset;		/* fixed format: byte offset in the record */
	enum payroll_layout_align align;
	char pad;		/* pad byte, ' ' or '0' or another ASCII */
	int yuan;		/* amounts: 1 = yuan "12.50", 0 = fen "1250" */
	int cut;		/* 1 = too long text is cut (and reported), 0 = error */
	int textcell;		/* xlsx, number sources: 1 = a text cell, 0 = a number */
	long line;		/* line in the layout file */
};

struct payroll_layout_record {
	enum payroll_layout_kind kind;
	size_t nfields;
	const struct payroll_layout_field *fields;
	size_t width;		/* fixed format: record length without line end */
	long line;		/* line of its [section] in the layout file */
};

/* Values for one record: text[s] for text sources (NULL means ""),
 * num[s] for number sources (seq, amount, lines, members, count, total). */
struct payroll_layout_values {
	const char *text[PAYROLL_SRC_NSOURCES];
	int64_t num[PAYROLL_SRC_NSOURCES];
};

struct payroll_layout;

/* 1 when source s is a number (seq, amount, lines, members, count,
 * total), else 0. */
int payroll_layout_is_number(enum payroll_layout_src s);
/* 1 when source s is an amount of money in fen (amount, total), else 0. */
int payroll_layout_is_money(enum payroll_layout_src s);

/*
 * Parse a layout from text[0..n) (UTF-8); name is used in messages as the
 * FILE part. Returns 0 and *out (free with payroll_layout_free), or
 * PAYROLL_EFORMAT with err naming name, line and code ("unknown-section",
 * "unknown-key", "duplicate-key", "bad-value", "unknown-source",
 * "bad-source", "bad-option", "bad-const", "missing-width",
 * "missing-detail", "too-many-fields", "missing-key", "bad-line"), or
 * PAYROLL_ENOMEM.
 */
int payroll_layout_parse(struct payroll_layout **out, const char *name,
			 const char *text, size_t n, struct payroll_error *err);

/* The most a layout file holds. */
#define PAYROLL_LAYOUT_FILE_MAX (1024 * 1024)

/* Read path (at most PAYROLL_LAYOUT_FILE_MAX bytes) and parse it. As
 * payroll_layout_parse, and as payroll_source_slurp when the file cannot
 * be read (PAYROLL_EIO) or is too big (PAYROLL_EFORMAT "too-big"). */
int payroll_layout_load(struct payroll_layout **out, const char *path,
			struct payroll_error *err);

/* Free l; NULL is allowed. */
void payroll_layout_free(struct payroll_layout *l);

enum payroll_layout_format payroll_layout_format_of(const struct payroll_layout *l);
enum payroll_layout_encoding payroll_layout_encoding_of(const struct payroll_layout *l);
/* Line end ("\n" or "\r\n"). */
const char *payroll_layout_eol(const struct payroll_layout *l);
/* Suffix of the control file ("" when the layout has none). */
const char *payroll_layout_control_suffix(const struct payroll_layout *l);

/* Records of kind k, in layout-file order. */
size_t payroll_layout_nrecords(const struct payroll_layout *l,
			       enum payroll_layout_kind k);
const struct payroll_layout_record *
payroll_layout_record(const struct payroll_layout *l,
		      enum payroll_layout_kind k, size_t i);

/* True when a record of kind k has a field from source s. */
int payroll_layout_uses(const struct payroll_layout *l,
			enum payroll_layout_kind k, enum payroll_layout_src s);

/*
 * Append record r rendered from v to out, in the layout's encoding, with
 * its line end. A text field too long for its width is cut at a character
 * boundary and its index set in *cut (a field that must not be cut is an
 * error instead). Returns 0, PAYROLL_ENOMEM, or PAYROLL_EFORMAT with err
 * holding a code and message but no file or line (the caller knows them):
 * "field-overflow" (a number or identifier longer than its width),
 * "bad-char" (a character the encoding cannot hold, or bad UTF-8),
 * "delimiter-in-value" (quote none: the value holds the delimiter or a
 * line end). On error out may hold part of the record.
 */
int payroll_layout_format(struct payroll_layout *l,
			  const struct payroll_layout_record *r,
			  const struct payroll_layout_values *v,
			  struct payroll_buf *out, uint64_t *cut,
			  struct payroll_error *err);

/*
 * Split one record rec[0..n) (without its line end) read from a file of
 * this layout into r's fields: vals receives each value converted to UTF-8
 * with its padding removed, NUL-terminated, and off[i] (r->nfields
 * entries) its offset in vals. Returns 0, PAYROLL_ENOMEM, or
 * PAYROLL_EFORMAT ("bad-record": wrong length or number of fields, a
 * quote left open; "bad-char": bytes invalid in the encoding), no file
 * or line set.
 */
int payroll_layout_split(struct payroll_layout *l,
			 const struct payroll_layout_record *r,
			 const char *rec, size_t n, struct payroll_buf *vals,
			 size_t *off, struct payroll_error *err);

#endif
