/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx.h"
#include "xlsx_value.h"
#include "xlsx_part.h"

#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "buf.h"
#include "ident.h"
#include "banned.h"

/* Standard input or gzip is read whole; beyond this it is not a roster. */
#define MEM_LIMIT ((size_t)512 * 1024 * 1024)
/* A cell value larger than this makes the sheet unusable (as for CSV). */
#define CELL_LIMIT ((size_t)16 * 1024 * 1024)
#define MAX_COL 16384		/* XFD */
#define MAX_ROW 1048576L

/* What a t attribute says a cell holds. */
enum cell_type { T_NUMBER, T_SHARED, T_DATE_TEXT, T_BOOL, T_ERROR, T_STRING };

/* A complete row waiting to be handed out: cells[first .. first + n). */
struct queued_row {
	long row;
	size_t first, n;
};

/* Complete rows (values in text, a cell's v an offset in it until the row
 * is handed out, or a shared string's own pointer when n has SHARED_BIT)
 * and, while parsing, the row being parsed after them. */
struct rowset {
	struct payroll_buf text;
	struct payroll_xlsx_cell *cells;
	size_t ncells, cells_cap;
	struct queued_row *rows;
	size_t nrows, rows_cap, rows_next;
};

#define SHARED_BIT (~(SIZE_MAX >> 1))

/* The sheet's thread hands rows over in batches of this many rows (or
 * fewer when their values pass BATCH_TEXT bytes). */
#define BATCH_ROWS 2048
#define BATCH_TEXT ((size_t)256 * 1024)

struct payroll_xlsx {
	char path[PAYROLL_PATH_MAX];
	zip_t *zip;
	char *mem;		/* the whole zip when read from a stream */
	int date1904;
	char sheet[256];
	char sheet_part[512];

	/* shared strings: one arena of NUL-terminated strings; string k is
	 * sst.p + sst_off[k], of length sst_off[k + 1] - sst_off[k] - 1 */
	struct payroll_buf sst;
	uint32_t *sst_off;
	size_t nsst, sst_cap;

	/* styles: cellXfs index -> is a date format */
	unsigned char *xf_date;
	size_t nxf;

	/* the part being parsed (the shared strings, then the sheet) */
	struct payroll_xlsx_part *zp;
	xmlParserCtxtPtr ctx;
	const char *part;	/* its name */
	char *chunk;
	int done;		/* the sheet was parsed to its end */
	int prc;		/* an error found while parsing: handed out after */
	struct payroll_error perr;	/* the rows parsed before it */

	/* where the parser is */
	int depth;		/* of the element being parsed */
	int text_depth;		/* <v>, <is> or <si> whose text is kept; 0: none */
	int rph_depth;		/* an <rPh> in it, whose text is not; 0: none */
	int skip_depth;		/* another child of <c> (<f>...); 0: none */
	int row_depth, c_depth;
	long next_row;		/* a row without r= is the one after the last */
	long row;
	int lastcol;
	size_t row_first, row_text;	/* where the row's cells and values start */
	int col;		/* the cell being parsed */
	enum cell_type type;
	long style;
	int have_v;
	struct payroll_buf raw;	/* its stored text */

	/* the rows being parsed (w); with the sheet's thread, the batch the
	 * caller is being handed (o), swapped under mu */
	struct rowset w, o;
	struct rowset *out;	/* the one payroll_xlsx_next hands out: w or o */

	/* the sheet's thread: it parses into w and swaps it with o when o
	 * has been handed out (o_ready 0); the last batch says o_end and
	 * carries the outcome in o_rc, o_err */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	int o_ready, o_end, o_rc, stop;
	struct payroll_error o_err;
	/* the caller's side only: it holds o (taken under mu, o_ready 1);
	 * until then o, o_end, o_rc and o_err are the thread's */
	int o_held;
};

void
payroll_xlsx_colname(int col, char *buf)
{
	char tmp[8];
	int n = 0, i;

	if (col < 1)
		col = 1;
	while (col > 0 && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

static int
has_prefix(const unsigned char *p, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(p, magic, m);
}

int
payroll_xlsx_sniff(const unsigned char *p, size_t n, const char *path,
		   struct payroll_error *err)
{
	static const struct { const char *magic; size_t len; const char *what; } kinds[] = {
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
		  "a legacy Excel .xls or WPS .et workbook (or a password-protected workbook): payroll reads .xlsx and CSV; open it and save it as .xlsx (Excel Workbook) or CSV UTF-8" },
		{ "%PDF", 4, "a PDF document, not a table: export the table from the system that made it as .xlsx or CSV UTF-8" },
		{ "\x89PNG", 4, "a PNG image, not a table: save the table as .xlsx or CSV UTF-8" },
		{ "\xff\xd8\xff", 3, "a JPEG image, not a table: save the table as .xlsx or CSV UTF-8" },
		{ "GIF8", 4, "a GIF image, not a table: save the table as .xlsx or CSV UTF-8" },
		{ "Rar!", 4, "a RAR archive: unpack it and give the .xlsx or CSV file inside" },
		{ "7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive: unpack it and give the .xlsx or CSV file inside" },
		{ "\x7f" "ELF", 4, "a program, not a table" },
		{ "{\\rtf", 5, "an RTF document, not a table: save the table as .xlsx or CSV UTF-8" },
	};
	size_t i, ctl = 0, look = n < 4096 ? n : 4096;

	if (has_prefix(p, n, "PK\x03\x04", 4) || has_prefix(p, n, "PK\x05\x06", 4))
		return 1;
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (has_prefix(p, n, kinds[i].magic, kinds[i].len))
			return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "unsupported-file",
						 "the file is %s", kinds[i].what);
	/* Text has no NUL and few control bytes; a binary file has many. A
	 * stray NUL in a CSV row is that row's problem, not the file's. */
	for (i = 0; i < look; i++)
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f')
			ctl++;
	if (look >= 16 && ctl * 10 > look)
		return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "unsupported-file",
					 "the file is binary (%zu of its first %zu bytes are control bytes), not a CSV or .xlsx table: save the table as .xlsx or CSV UTF-8",
					 ctl, look);
	return 0;
}

/* ---- zip parts through libxml2 ---- */

static int
zip_read_cb(void *ctx, char *buf, int len)
{
	zip_int64_t r = zip_fread(ctx, buf, (zip_uint64_t)len);

	return r < 0 ? -1 : (int)r;
}

static int
zip_close_cb(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
missing_part(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				 "%s is missing: not an Excel workbook", part);
}

/* Open part name for streaming: 1 and *zf, *r; 0 when the zip has no
 * such part; or an error. */
static int
part_open(struct payroll_xlsx *x, const char *name, zip_file_t **zf,
	  xmlTextReaderPtr *r, struct payroll_error *err)
{
	zip_int64_t idx = zip_name_locate(x->zip, name, 0);

	if (idx < 0)
		return 0;
	*zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!*zf)
		return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					 "cannot read %s from the workbook: %s", name,
					 zip_strerror(x->zip));
	*r = xmlReaderForIO(zip_read_cb, zip_close_cb, *zf, name, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!*r) {
		zip_fclose(*zf);
		*zf = NULL;
		return payroll_error_set(err, PAYROLL_ENOMEM, x->path, 0, 0, "no-memory",
					 "cannot start reading %s", name);
	}
	return 1;
}

static void
part_close(zip_file_t **zf, xmlTextReaderPtr *r)
{
	if (*r)
		xmlFreeTextReader(*r);
	if (*zf)
		zip_fclose(*zf);
	*r = NULL;
	*zf = NULL;
}

static int
is_elem(xmlTextReaderPtr r, const char *local)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r);

	return n && !strcmp((const char *)n, local);
}

/* An attribute by local name, any namespace prefix wanted or not. */
static const char *
attr(xmlTextReaderPtr r, const char *local, int prefixed, char *buf, size_t n)
{
	const char *found = NULL;

	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return NULL;
	do {
		const xmlChar *ln = xmlTextReaderConstLocalName(r);
		const xmlChar *pf = xmlTextReaderConstPrefix(r);

		if (ln && !strcmp((const char *)ln, local) && (!prefixed || pf)) {
			const xmlChar *v = xmlTextReaderConstValue(r);

			snprintf(buf, n, "%s", v ? (const char *)v : "");
			found = buf;
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
	return found;
}

static int
xml_failed(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				 "%s in the workbook is not well-formed XML (a damaged file? open it in Excel and save it again)",
				 part);
}

/* ---- workbook.xml and its relationships ---- */

struct sheetref {
	char name[256];
	char rid[64];
};

static int
read_workbook(struct payroll_xlsx *x, const char *want, char *rid, size_t ridn,
	      struct payroll_error *err)
{
	zip_file_t *zf = NULL;
	xmlTextReaderPtr r = NULL;
	struct payroll_buf names = { 0 };
	char name[256], id[64], v[16];
	int rc, found = 0, nsheets = 0;

	if ((rc = part_open(x, "xl/workbook.xml", &zf, &r, err)) <= 0)
		return rc < 0 ? rc : missing_part(x, "xl/workbook.xml", err);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_elem(r, "workbookPr") && attr(r, "date1904", 0, v, sizeof v))
			x->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
		if (!is_elem(r, "sheet") || !attr(r, "name", 0, name, sizeof name) ||
		    !attr(r, "id", 1, id, sizeof id))
			continue;
		if (!found && (want ? !strcmp(name, want) : nsheets == 0)) {
			found = 1;
			snprintf(x->sheet, sizeof x->sheet, "%s", name);
			snprintf(rid, ridn, "%s", id);
		}
		if (payroll_buf_addstr(&names, nsheets ? ", " : "") ||
		    payroll_buf_addstr(&names, name)) {
			rc = -2;
			break;
		}
		nsheets++;
	}
	part_close(&zf, &r);
	if (rc == -2)
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	else if (rc < 0)
		rc = xml_failed(x, "xl/workbook.xml", err);
	else if (!found && want)
		rc = payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "missing-sheet",
				       "the workbook has no sheet '%s'; its sheets: %s", want,
				       nsheets ? payroll_buf_str(&names) : "none");
	else if (!found)
		rc = payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "missing-sheet",
				       "the workbook has no sheet");
	payroll_buf_release(&names);
	return rc;
}

/* A relationship target relative to xl/ (or absolute) as a part name. */
static void
target_part(const char *target, char *out, size_t n)
{
	if (target[0] == '/')
		snprintf(out, n, "%s", target + 1);
	else
		snprintf(out, n, "xl/%s", target);
}

static int
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static int
read_rels(struct payroll_xlsx *x, const char *rid, char *sst, char *styles, size_t n,
	  struct payroll_error *err)
{
	zip_file_t *zf = NULL;
	xmlTextReaderPtr r = NULL;
	char id[64], type[256], target[400];
	int rc;

	snprintf(sst, n, "xl/sharedStrings.xml");
	snprintf(styles, n, "xl/styles.xml");
	if ((rc = part_open(x, "xl/_rels/workbook.xml.rels", &zf, &r, err)) <= 0)
		return rc < 0 ? rc : missing_part(x, "xl/_rels/workbook.xml.rels", err);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !is_elem(r, "Relationship") ||
		    !attr(r, "Id", 0, id, sizeof id) || !attr(r, "Target", 0, target, sizeof target) ||
		    !attr(r, "Type", 0, type, sizeof type))
			continue;
		if (!strcmp(id, rid))
			target_part(target, x->sheet_part, sizeof x->sheet_part);
		else if (ends_with(type, "/sharedStrings"))
			target_part(target, sst, n);
		else if (ends_with(type, "/styles"))
			target_part(target, styles, n);
	}
	part_close(&zf, &r);
	if (rc < 0)
		return xml_failed(x, "xl/_rels/workbook.xml.rels", err);
	if (!x->sheet_part[0])
		return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					 "sheet '%s' has no part in the workbook", x->sheet);
	return 0;
}

/* ---- the shared strings and the sheet: libxml2's SAX2 push parser ---- */

/* The inflated part is fed to the parser in pieces of this size; its
 * handlers see each element and run of text as it is parsed, so that no
 * node is built and no text copied that is not kept. */
#define CHUNK ((size_t)64 * 1024)

static int
name_is(const xmlChar *name, const char *want)
{
	return !strcmp((const char *)name, want);
}

/* A handler found an error (in x->prc and x->perr): parse no further. */
static void
parse_stop(struct payroll_xlsx *x)
{
	xmlStopParser(x->ctx);
}

static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* Text of the element whose text is kept, phonetic runs (<rPh>, the
 * furigana or pinyin Excel keeps beside East Asian text) left out. */
static void
keep_text(struct payroll_xlsx *x, struct payroll_buf *b, size_t from, const xmlChar *ch,
	  int len, long row, int col)
{
	if (b->len - from + (size_t)len > CELL_LIMIT) {
		char where[24] = "a shared string";

		if (col) {
			payroll_xlsx_colname(col, where);
			snprintf(where + strlen(where), sizeof where - strlen(where), "%ld", row);
		}
		x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					   "%s: %s: a value over 16 MiB", x->part, where);
	} else if (payroll_buf_add(b, ch, (size_t)len))
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
	if (x->prc)
		parse_stop(x);
}

static int
threads_disabled(void)
{
	const char *e = getenv("PAYROLL_THREADS");

	return e && !strcmp(e, "1");
}

/* Open part name for handlers sax: 1, 0 when the workbook has no such
 * part, or an error. It is inflated on a thread of its own unless
 * PAYROLL_THREADS=1. */
static int
part_start(struct payroll_xlsx *x, const char *name, xmlSAXHandler *sax,
	   struct payroll_error *err)
{
	zip_int64_t idx = zip_name_locate(x->zip, name, 0);
	zip_file_t *zf;

	if (idx < 0)
		return 0;
	zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!zf)
		return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					 "cannot read %s from the workbook: %s", name,
					 zip_strerror(x->zip));
	if (!(x->zp = payroll_xlsx_part_open(zf, !threads_disabled())))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	sax->initialized = XML_SAX2_MAGIC;
	sax->serror = quiet;
	sax->ignorableWhitespace = sax->characters;
	sax->cdataBlock = sax->characters;
	if (!x->chunk && !(x->chunk = malloc(CHUNK)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	x->part = name;
	x->depth = x->text_depth = x->rph_depth = x->skip_depth = 0;
	x->row_depth = x->c_depth = 0;
	return 1;
}

/* A push parser over the part part_start opened: 0 or an error. */
static int
push_start(struct payroll_xlsx *x, xmlSAXHandler *sax, struct payroll_error *err)
{
	if (!(x->ctx = xmlCreatePushParserCtxt(sax, x, NULL, 0, x->part)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	xmlCtxtUseOptions(x->ctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return 0;
}

/* Open part name and a push parser over it with handlers sax: 1, 0 when
 * the workbook has no such part, or an error. */
static int
sax_open(struct payroll_xlsx *x, const char *name, xmlSAXHandler *sax,
	 struct payroll_error *err)
{
	int rc = part_start(x, name, sax, err);

	if (rc <= 0)
		return rc;
	return (rc = push_start(x, sax, err)) < 0 ? rc : 1;
}

static void
sax_close(struct payroll_xlsx *x)
{
	if (x->ctx)
		xmlFreeParserCtxt(x->ctx);
	payroll_xlsx_part_close(x->zp);
	x->ctx = NULL;
	x->zp = NULL;
}

/* The part being parsed cannot be inflated: the error for x->prc. */
static void
read_failed(struct payroll_xlsx *x)
{
	x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				   "cannot read %s from the workbook: %s (a damaged file?)",
				   x->part, payroll_xlsx_part_strerror(x->zp));
}

/* Feed the next piece of the part to the parser: 1, 0 when the part has
 * been parsed to its end; an error (a handler's, kept in x->prc and
 * x->perr, or the part's) is left in x->prc. */
static int
sax_feed(struct payroll_xlsx *x)
{
	long n = payroll_xlsx_part_read(x->zp, x->chunk, CHUNK);
	int rc;

	if (n < 0) {
		read_failed(x);
		return 0;
	}
	rc = xmlParseChunk(x->ctx, x->chunk, (int)n, n == 0);
	if (!x->prc && (rc != 0 || !x->ctx->wellFormed))
		x->prc = xml_failed(x, x->part, &x->perr);
	return n > 0 && !x->prc;
}

static void
sst_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
	  int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct payroll_xlsx *x = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndef, (void)attrs;
	x->depth++;
	if (x->text_depth) {
		if (!x->rph_depth && name_is(name, "rPh"))
			x->rph_depth = x->depth;
		return;
	}
	if (!name_is(name, "si"))
		return;
	if (payroll_grow((void **)&x->sst_off, x->nsst + 1, &x->sst_cap, sizeof *x->sst_off)) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	x->sst_off[x->nsst] = (uint32_t)x->sst.len;
	x->text_depth = x->depth;
}

static void
sst_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct payroll_xlsx *x = ctx;

	(void)name, (void)prefix, (void)uri;
	if (x->depth == x->rph_depth) {
		x->rph_depth = 0;
	} else if (x->depth == x->text_depth) {
		x->text_depth = 0;
		if (payroll_buf_addch(&x->sst, '\0')) {
			x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
			parse_stop(x);
		} else if (x->sst.len > UINT32_MAX) {
			x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
						   "the shared strings are over 4 GiB");
			parse_stop(x);
		} else {
			x->sst_off[++x->nsst] = (uint32_t)x->sst.len;
		}
	}
	x->depth--;
}

static void
sst_text(void *ctx, const xmlChar *ch, int len)
{
	struct payroll_xlsx *x = ctx;

	if (x->text_depth && !x->rph_depth)
		keep_text(x, &x->sst, x->sst_off[x->nsst], ch, len, 0, 0);
}

static int
read_shared_strings(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	xmlSAXHandler sax = { 0 };
	int rc;

	sax.startElementNs = sst_start;
	sax.endElementNs = sst_end;
	sax.characters = sst_text;
	if ((rc = sax_open(x, part, &sax, err)) <= 0) {
		sax_close(x);
		return rc;	/* no shared strings: fine */
	}
	while (sax_feed(x))
		;
	sax_close(x);
	if (x->prc) {
		*err = x->perr;
		return x->prc;
	}
	return 0;
}

struct numfmt {
	long id;
	int date;
};

static int
read_styles(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	zip_file_t *zf = NULL;
	xmlTextReaderPtr r = NULL;
	struct numfmt *fmts = NULL;
	size_t nfmts = 0, i;
	int rc, in_xfs = 0;
	char v[32], code[256];

	if ((rc = part_open(x, part, &zf, &r, err)) <= 0)
		return rc;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);

		if (type == XML_READER_TYPE_END_ELEMENT && is_elem(r, "cellXfs"))
			in_xfs = 0;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_elem(r, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(r);
		} else if (is_elem(r, "numFmt") && attr(r, "numFmtId", 0, v, sizeof v) &&
			   attr(r, "formatCode", 0, code, sizeof code)) {
			struct numfmt *p = realloc(fmts, (nfmts + 1) * sizeof *p);

			if (!p) {
				rc = -2;
				break;
			}
			fmts = p;
			fmts[nfmts].id = strtol(v, NULL, 10);
			fmts[nfmts++].date = payroll_xlsx_format_is_date(code);
		} else if (in_xfs && is_elem(r, "xf")) {
			unsigned char *p = realloc(x->xf_date, x->nxf + 1);
			long id = attr(r, "numFmtId", 0, v, sizeof v) ? strtol(v, NULL, 10) : 0;
			int date = payroll_xlsx_builtin_is_date(id);

			if (!p) {
				rc = -2;
				break;
			}
			x->xf_date = p;
			for (i = 0; i < nfmts; i++)
				if (fmts[i].id == id)
					date = fmts[i].date;
			x->xf_date[x->nxf++] = (unsigned char)date;
		}
	}
	part_close(&zf, &r);
	free(fmts);
	if (rc == -2)
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	return rc < 0 ? xml_failed(x, part, err) : 0;
}

/* Open the sheet's part for sheet_start and the rest: 1, 0 when the
 * workbook has no such part, or an error. */
static int sheet_open(struct payroll_xlsx *x, struct payroll_error *err);

/* ---- open ---- */

static int
read_all(struct payroll_xlsx *x, struct payroll_source *src, size_t *len,
	 struct payroll_error *err)
{
	size_t cap = 1 << 20;
	ssize_t r;

	*len = 0;
	if (!(x->mem = malloc(cap)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	for (;;) {
		if (*len == cap) {
			char *p;

			if (cap >= MEM_LIMIT)
				return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
							 "a workbook read from a stream is limited to 512 MiB");
			if (!(p = realloc(x->mem, cap * 2)))
				return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
			x->mem = p;
			cap *= 2;
		}
		r = payroll_source_read_bytes(src, x->mem + *len, cap - *len, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return 0;
		*len += (size_t)r;
	}
}

static int
open_zip(struct payroll_xlsx *x, struct payroll_source *src, struct payroll_error *err)
{
	zip_error_t ze;
	int code = 0;

	if (payroll_source_is_plain_file(src)) {
		x->zip = zip_open(x->path, ZIP_RDONLY, &code);
		zip_error_init_with_code(&ze, code);
	} else {
		zip_source_t *zs;
		size_t len;
		int rc = read_all(x, src, &len, err);

		if (rc)
			return rc;
		zip_error_init(&ze);
		zs = zip_source_buffer_create(x->mem, len, 0, &ze);
		if (zs) {
			x->zip = zip_open_from_source(zs, ZIP_RDONLY, &ze);
			if (!x->zip)
				zip_source_free(zs);
		}
	}
	if (!x->zip) {
		payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				  "the file starts like a zip archive (.xlsx) but cannot be opened as one: %s (a damaged or truncated file?)",
				  zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return PAYROLL_EFORMAT;
	}
	zip_error_fini(&ze);
	return 0;
}

/* A zip that is not an .xlsx: say what it is. */
static int
other_zip(struct payroll_xlsx *x, struct payroll_error *err)
{
	const char *what = "a zip archive, not an Excel workbook: unpack it and give the .xlsx or CSV file inside";
	zip_int64_t idx = zip_name_locate(x->zip, "mimetype", 0);

	if (idx >= 0) {
		zip_file_t *f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
		char mt[128] = "";
		zip_int64_t r = f ? zip_fread(f, mt, sizeof mt - 1) : -1;

		if (f)
			zip_fclose(f);
		mt[r > 0 ? r : 0] = '\0';
		if (strstr(mt, "opendocument.spreadsheet"))
			what = "an OpenDocument spreadsheet (.ods, from LibreOffice or WPS): save it as .xlsx (Excel 2007-365) or CSV UTF-8";
		else if (strstr(mt, "opendocument"))
			what = "an OpenDocument document, not a spreadsheet: save the table as .xlsx or CSV UTF-8";
	} else if (zip_name_locate(x->zip, "xl/workbook.bin", 0) >= 0) {
		what = "an Excel binary workbook (.xlsb): save it as .xlsx (Excel Workbook) or CSV UTF-8";
	} else if (zip_name_locate(x->zip, "word/document.xml", 0) >= 0) {
		what = "a Word document, not a spreadsheet: put the table in a workbook and save it as .xlsx or CSV UTF-8";
	}
	return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "unsupported-file",
				 "the file is %s", what);
}

int
payroll_xlsx_open(struct payroll_xlsx **out, struct payroll_source *src,
		  const char *sheet, struct payroll_error *err)
{
	struct payroll_xlsx *x;
	char rid[64] = "", sst[512], styles[512];
	int rc;

	*out = NULL;
	x = calloc(1, sizeof *x);
	if (!x)
		return payroll_error_errno(err, PAYROLL_ENOMEM, payroll_source_path(src),
					   "out of memory");
	snprintf(x->path, sizeof x->path, "%s", payroll_source_path(src));
	x->next_row = 1;
	rc = open_zip(x, src, err);
	if (rc == 0 && zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
		rc = other_zip(x, err);
	if (rc == 0)
		rc = read_workbook(x, sheet, rid, sizeof rid, err);
	if (rc == 0)
		rc = read_rels(x, rid, sst, styles, sizeof sst, err);
	if (rc == 0)
		rc = read_shared_strings(x, sst, err);
	if (rc == 0)
		rc = read_styles(x, styles, err);
	if (rc == 0 && (rc = sheet_open(x, err)) == 0)
		rc = payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				       "sheet '%s' is missing from the workbook (%s)", x->sheet,
				       x->sheet_part);
	if (rc < 0) {
		payroll_xlsx_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* ---- rows ---- */

int
payroll_xlsx_month(const struct payroll_xlsx *x, const char *v, size_t n, char *out)
{
	return payroll_xlsx_serial_month(x->date1904, v, n, out);
}

const char *
payroll_xlsx_sheet(const struct payroll_xlsx *x)
{
	return x->sheet;
}

static int
cell_failed(struct payroll_xlsx *x, long row, int col, struct payroll_error *err,
	    const char *why)
{
	char name[8];

	payroll_xlsx_colname(col, name);
	return payroll_error_set(err, PAYROLL_EFORMAT, x->path, row, col, "bad-xlsx",
				 "%s%ld: %s", name, row, why);
}

/* [p, end) as a number when it is all digits (leading zeros allowed);
 * -1 when it is not, or over 2^31. */
static long
digits(const xmlChar *p, const xmlChar *end)
{
	long v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++)
		if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 2147483647L)
			return -1;
	return v;
}

static void
sheet_failed(struct payroll_xlsx *x, int col, const char *why)
{
	x->prc = cell_failed(x, x->row, col, &x->perr, why);
	parse_stop(x);
}

/* <row r="17">: start a row. */
static void
row_start(struct payroll_xlsx *x, int nattr, const xmlChar **a)
{
	long r = x->next_row;
	int i;

	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *v = a[3], *end = a[4];

		if (a[0][0] != 'r' || a[0][1])
			continue;
		r = digits(v, end);
		if (r < x->next_row || r > MAX_ROW) {
			char shown[32];

			snprintf(shown, sizeof shown, "%.*s", (int)(end - v), (const char *)v);
			x->prc = payroll_error_set(&x->perr, PAYROLL_EFORMAT, x->path, x->next_row, 0,
						   "bad-xlsx", "row number '%s' out of order", shown);
			parse_stop(x);
			return;
		}
	}
	x->row = r;
	x->next_row = r + 1;
	x->lastcol = 0;
	x->row_first = x->w.ncells;
	x->row_text = x->w.text.len;
	x->row_depth = x->depth;
}

/* "C17" in [p, end) -> column 3, row 17. 0, or -1 when it is not a cell
 * reference. */
static int
parse_ref(const xmlChar *p, const xmlChar *end, int *col, long *row)
{
	long c = 0, r = 0;

	for (; p < end && *p >= 'A' && *p <= 'Z'; p++)
		if ((c = c * 26 + (*p - 'A' + 1)) > MAX_COL)
			return -1;
	if (!c || p == end || *p < '1' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if ((r = r * 10 + (*p - '0')) > MAX_ROW)
			return -1;
	if (p != end)
		return -1;
	*col = (int)c;
	*row = r;
	return 0;
}

static enum cell_type
cell_type(const xmlChar *v, const xmlChar *end)
{
	static const struct { const char *t; enum cell_type type; } types[] = {
		{ "s", T_SHARED }, { "n", T_NUMBER }, { "d", T_DATE_TEXT }, { "b", T_BOOL },
		{ "e", T_ERROR },
	};
	size_t i, n = (size_t)(end - v);

	for (i = 0; i < sizeof types / sizeof *types; i++)
		if (n == 1 && v[0] == (xmlChar)types[i].t[0])
			return types[i].type;
	return T_STRING;	/* str (a formula's text), inlineStr */
}

/* <c r="C17" t="s" s="3">: start a cell. */
static void
cell_start(struct payroll_xlsx *x, int nattr, const xmlChar **a)
{
	int i, col = x->lastcol + 1;

	x->type = T_NUMBER;
	x->style = -1;
	for (i = 0; i < nattr; i++, a += 5) {
		const xmlChar *ln = a[0], *v = a[3], *end = a[4];
		long rrow;

		if (ln[0] == 0 || ln[1])
			continue;
		if (ln[0] == 'r') {
			if (parse_ref(v, end, &col, &rrow) || rrow != x->row) {
				sheet_failed(x, x->lastcol + 1,
					     "a cell reference out of place or not a cell reference");
				return;
			}
		} else if (ln[0] == 't') {
			x->type = cell_type(v, end);
		} else if (ln[0] == 's') {
			x->style = v == end ? 0 : digits(v, end);
		}
	}
	if (col <= x->lastcol || col > MAX_COL) {
		sheet_failed(x, col > MAX_COL ? MAX_COL : col, "cells out of order");
		return;
	}
	x->lastcol = x->col = col;
	x->have_v = 0;
	x->c_depth = x->depth;
}

static struct payroll_xlsx_cell *
new_cell(struct payroll_xlsx *x)
{
	struct rowset *w = &x->w;

	if (payroll_grow((void **)&w->cells, w->ncells, &w->cells_cap, sizeof *w->cells))
		return NULL;
	return &w->cells[w->ncells++];
}

/* </c>: the cell's value appended to the rows' text, or a shared string
 * pointed at where the shared strings hold it (they stay put from open to
 * close). */
static void
cell_end(struct payroll_xlsx *x)
{
	struct rowset *w = &x->w;
	const char *raw = x->raw.p;
	struct payroll_xlsx_cell *c;
	size_t start = w->text.len;
	int rc = 0;

	x->c_depth = 0;
	if (!x->have_v || x->raw.len == 0)
		return;
	if (payroll_buf_addch(&x->raw, '\0') || !(c = new_cell(x))) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	raw = x->raw.p;
	c->col = x->col;
	c->kind = PAYROLL_CELL_TEXT;
	switch (x->type) {
	case T_SHARED: {
		long k = digits((const xmlChar *)raw, (const xmlChar *)raw + x->raw.len - 1);

		if (k < 0 || (size_t)k >= x->nsst) {
			w->ncells--;
			sheet_failed(x, x->col, "refers to a shared string the workbook does not have");
			return;
		}
		c->v = x->sst.p + x->sst_off[k];
		c->n = (x->sst_off[k + 1] - x->sst_off[k] - 1) | SHARED_BIT;
		return;
	}
	case T_NUMBER:
		rc = payroll_xlsx_number(raw, &w->text);
		if (rc == -1) {
			w->ncells--;
			w->text.len = start;
			sheet_failed(x, x->col, "a number cell that holds no number");
			return;
		}
		c->kind = x->style >= 0 && (size_t)x->style < x->nxf && x->xf_date[x->style] ?
			PAYROLL_CELL_DATE : PAYROLL_CELL_NUMBER;
		break;
	case T_BOOL:
		c->kind = PAYROLL_CELL_BOOL;
		rc = payroll_buf_addstr(&w->text, !strcmp(raw, "0") ? "FALSE" : "TRUE");
		break;
	case T_ERROR:
		c->kind = PAYROLL_CELL_ERROR;
		/* fall through */
	case T_DATE_TEXT:	/* an ISO 8601 date cell: its text */
	case T_STRING:
		rc = payroll_buf_add(&w->text, raw, x->raw.len - 1);
		break;
	}
	if (rc || payroll_buf_addch(&w->text, '\0')) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	/* an offset now, a pointer when the row is handed out (text moves) */
	c->v = (const char *)(uintptr_t)start;
	c->n = w->text.len - 1 - start;
}

static void handoff(struct payroll_xlsx *x, int end);

/* </row>: queue it when it has a cell with a value; with the sheet's
 * thread, hand a full batch over. */
static void
row_end(struct payroll_xlsx *x)
{
	struct rowset *w = &x->w;

	x->row_depth = 0;
	if (w->ncells == x->row_first)
		return;
	if (payroll_grow((void **)&w->rows, w->nrows, &w->rows_cap, sizeof *w->rows)) {
		x->prc = payroll_error_errno(&x->perr, PAYROLL_ENOMEM, x->path, "out of memory");
		parse_stop(x);
		return;
	}
	w->rows[w->nrows].row = x->row;
	w->rows[w->nrows].first = x->row_first;
	w->rows[w->nrows++].n = w->ncells - x->row_first;
	if (x->threaded && (w->nrows >= BATCH_ROWS || w->text.len >= BATCH_TEXT))
		handoff(x, 0);
}

/* Rows anywhere, cells in rows, and of a cell's children the text of <v>
 * or <is>; the rest (<f>, <extLst>...) is passed over. */
static void
sheet_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
	    int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct payroll_xlsx *x = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	x->depth++;
	if (x->text_depth) {
		if (!x->rph_depth && name_is(name, "rPh"))
			x->rph_depth = x->depth;
	} else if (x->skip_depth) {
		return;
	} else if (x->c_depth) {
		if ((name[0] == 'v' && !name[1]) || name_is(name, "is")) {
			payroll_buf_reset(&x->raw);
			x->have_v = 1;
			x->text_depth = x->depth;
		} else {
			x->skip_depth = x->depth;
		}
	} else if (x->row_depth) {
		if (name[0] == 'c' && !name[1])
			cell_start(x, nattr, attrs);
	} else if (name_is(name, "row")) {
		row_start(x, nattr, attrs);
	}
}

static void
sheet_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct payroll_xlsx *x = ctx;

	(void)name, (void)prefix, (void)uri;
	if (x->depth == x->rph_depth)
		x->rph_depth = 0;
	else if (x->depth == x->text_depth)
		x->text_depth = 0;
	else if (x->depth == x->skip_depth)
		x->skip_depth = 0;
	else if (x->depth == x->c_depth)
		cell_end(x);
	else if (x->depth == x->row_depth)
		row_end(x);
	x->depth--;
}

static void
sheet_text(void *ctx, const xmlChar *ch, int len)
{
	struct payroll_xlsx *x = ctx;

	if (x->text_depth && !x->rph_depth)
		keep_text(x, &x->raw, 0, ch, len, x->row, x->col);
}

/* The rows handed out are dropped; the row being parsed moves to the
 * front (one thread: the rows of the piece just parsed). */
static void
drop_rows(struct payroll_xlsx *x)
{
	struct rowset *w = &x->w;
	size_t i, ncells = w->ncells - x->row_first, ntext = w->text.len - x->row_text;

	if (!x->row_depth)
		ncells = ntext = 0;
	if (ncells)
		memmove(w->cells, w->cells + x->row_first, ncells * sizeof *w->cells);
	for (i = 0; i < ncells; i++)
		if (!(w->cells[i].n & SHARED_BIT))
			w->cells[i].v = (const char *)((uintptr_t)w->cells[i].v - x->row_text);
	if (ntext)
		memmove(w->text.p, w->text.p + x->row_text, ntext);
	w->ncells = ncells;
	w->text.len = ntext;
	x->row_first = x->row_text = 0;
	w->nrows = w->rows_next = 0;
}

/*
 * The sheet's thread. Unless PAYROLL_THREADS=1 is in the environment, the
 * sheet is inflated and parsed (libxml2's pull parser, xmlParseDocument,
 * over zip_fread) by a second thread, which hands the rows over in
 * batches: the caller's side hands out the rows of one batch while the
 * thread parses the next, so that the parsing overlaps with whatever the
 * caller does with the rows. The last batch carries the outcome (the end
 * or the error, after the rows before it, as with one thread). The thread
 * is the only one to touch the zip, the parser and w while it runs; o and
 * the flags are shared under mu.
 */
static void
rowset_swap(struct rowset *a, struct rowset *b)
{
	struct rowset t = *a;

	*a = *b;
	*b = t;
}

/* The thread's side: w becomes o once the caller is done with o; w is
 * then empty. end: the last batch, with x->prc, x->perr. */
static void
handoff(struct payroll_xlsx *x, int end)
{
	pthread_mutex_lock(&x->mu);
	while (x->o_ready && !x->stop)
		pthread_cond_wait(&x->freed, &x->mu);
	if (x->stop) {
		pthread_mutex_unlock(&x->mu);
		xmlStopParser(x->ctx);
		return;
	}
	rowset_swap(&x->w, &x->o);
	x->o_ready = 1;
	x->o_end = end;
	if (end) {
		x->o_rc = x->prc;
		if (x->prc)
			x->o_err = x->perr;
	}
	pthread_cond_signal(&x->filled);
	pthread_mutex_unlock(&x->mu);
	payroll_buf_reset(&x->w.text);
	x->w.ncells = x->w.nrows = x->w.rows_next = 0;
	x->row_first = x->row_text = 0;
}

/* libxml2's read callback: the sheet's inflated bytes. */
static int
sheet_read(void *ctx, char *buf, int len)
{
	struct payroll_xlsx *x = ctx;
	long n = payroll_xlsx_part_read(x->zp, buf, (size_t)len);

	if (n < 0 && !x->prc)
		read_failed(x);
	return (int)n;
}

static void *
sheet_thread(void *arg)
{
	struct payroll_xlsx *x = arg;
	int rc = xmlParseDocument(x->ctx);

	if (!x->prc && (rc != 0 || !x->ctx->wellFormed))
		x->prc = xml_failed(x, x->part, &x->perr);
	handoff(x, 1);
	return NULL;
}

/* Start the thread over the open part x->zp: 1, 0 when it could not be
 * started (the caller goes on with one thread), or an error. */
static int
thread_start(struct payroll_xlsx *x, xmlSAXHandler *sax, struct payroll_error *err)
{
	if (!(x->ctx = xmlCreateIOParserCtxt(sax, x, sheet_read, NULL, x, XML_CHAR_ENCODING_NONE)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	xmlCtxtUseOptions(x->ctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (pthread_mutex_init(&x->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&x->filled, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&x->freed, NULL) != 0)
		goto fail_filled;
	x->threaded = 1;
	if (pthread_create(&x->thread, NULL, sheet_thread, x) == 0) {
		x->out = &x->o;
		return 1;
	}
	x->threaded = 0;
	pthread_cond_destroy(&x->freed);
fail_filled:
	pthread_cond_destroy(&x->filled);
fail_mu:
	pthread_mutex_destroy(&x->mu);
fail:
	xmlFreeParserCtxt(x->ctx);
	x->ctx = NULL;
	return 0;
}

static void
thread_stop(struct payroll_xlsx *x)
{
	pthread_mutex_lock(&x->mu);
	x->stop = 1;
	pthread_cond_signal(&x->freed);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->thread, NULL);
	pthread_cond_destroy(&x->freed);
	pthread_cond_destroy(&x->filled);
	pthread_mutex_destroy(&x->mu);
	x->threaded = 0;
}

/* The next batch from the thread into x->o: 1, or 0 when o was the last
 * (its outcome in x->o_end, o_rc, o_err). */
static int
next_batch(struct payroll_xlsx *x)
{
	if (x->o_held && x->o_end)
		return 0;
	pthread_mutex_lock(&x->mu);
	if (x->o_held) {	/* give the batch handed out back */
		x->o_ready = 0;
		pthread_cond_signal(&x->freed);
	}
	while (!x->o_ready)
		pthread_cond_wait(&x->filled, &x->mu);
	pthread_mutex_unlock(&x->mu);
	x->o_held = 1;
	return 1;
}

int
payroll_xlsx_next(struct payroll_xlsx *x, long *row,
		  const struct payroll_xlsx_cell **cells, size_t *ncells,
		  struct payroll_error *err)
{
	for (;;) {
		struct rowset *o = x->out;

		/* with the thread, o is read only once it is held */
		if ((!x->threaded || x->o_held) && o->rows_next < o->nrows) {
			struct queued_row *q = &o->rows[o->rows_next++];
			size_t i;

			for (i = q->first; i < q->first + q->n; i++) {
				struct payroll_xlsx_cell *c = &o->cells[i];

				if (c->n & SHARED_BIT)
					c->n &= ~SHARED_BIT;
				else
					c->v = o->text.p + (uintptr_t)c->v;
			}
			*row = q->row;
			*cells = o->cells + q->first;
			*ncells = q->n;
			return 1;
		}
		if (x->threaded) {
			if (next_batch(x))
				continue;
			if (x->o_rc)
				*err = x->o_err;
			return x->o_rc;
		}
		if (x->prc) {
			*err = x->perr;
			return x->prc;
		}
		if (x->done)
			return 0;
		drop_rows(x);
		if (!sax_feed(x))
			x->done = 1;
	}
}

static int
sheet_open(struct payroll_xlsx *x, struct payroll_error *err)
{
	xmlSAXHandler sax = { 0 };
	int rc;

	sax.startElementNs = sheet_start;
	sax.endElementNs = sheet_end;
	sax.characters = sheet_text;
	x->out = &x->w;
	if ((rc = part_start(x, x->sheet_part, &sax, err)) <= 0)
		return rc;
	if (!threads_disabled() && (rc = thread_start(x, &sax, err)) != 0)
		return rc;
	return (rc = push_start(x, &sax, err)) < 0 ? rc : 1;
}

static void
rowset_release(struct rowset *r)
{
	payroll_buf_release(&r->text);
	free(r->cells);
	free(r->rows);
}

void
payroll_xlsx_close(struct payroll_xlsx *x)
{
	if (!x)
		return;
	if (x->threaded)
		thread_stop(x);
	sax_close(x);
	if (x->zip)
		zip_discard(x->zip);
	free(x->mem);
	payroll_buf_release(&x->sst);
	free(x->sst_off);
	free(x->xf_date);
	rowset_release(&x->w);
	rowset_release(&x->o);
	payroll_buf_release(&x->raw);
	free(x->chunk);
	free(x);
}
