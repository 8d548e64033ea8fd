/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx.h"

#include <libxml/xmlreader.h>
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

struct payroll_xlsx {
	char path[PAYROLL_PATH_MAX];
	zip_t *zip;
	char *mem;		/* the whole zip when read from a stream */
	int date1904;
	char sheet[256];
	char sheet_part[512];

	/* shared strings: NUL-terminated, one after another */
	struct payroll_buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;

	/* styles: cellXfs index -> is a date format */
	unsigned char *xf_date;
	size_t nxf;

	/* the sheet */
	zip_file_t *zf;
	xmlTextReaderPtr r;
	long next_row;		/* a row without r= is the one after the last */
	int done;

	/* the current row */
	struct payroll_buf raw, skip;	/* a cell's stored text; skipped text */
	struct payroll_buf text;
	struct payroll_xlsx_cell *cells;
	size_t ncells, cells_cap;
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

/* ---- text of an element: <t>, <v>, <is> ---- */

/* Append the text inside the current element (which must be a start tag)
 * to b, leaving the reader on its end tag. With skip_rph, phonetic runs
 * (<rPh>, the furigana/pinyin Excel keeps beside East Asian text) are not
 * text of the cell. Returns 0, -1 (XML), -2 (memory), -3 (too large). */
static int
element_text(xmlTextReaderPtr r, struct payroll_buf *b, int skip_rph)
{
	int depth = xmlTextReaderDepth(r), rph = -1, rc;

	if (xmlTextReaderIsEmptyElement(r))
		return 0;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), d = xmlTextReaderDepth(r);

		if (type == XML_READER_TYPE_END_ELEMENT && d == depth)
			return 0;
		if (type == XML_READER_TYPE_ELEMENT && skip_rph && rph < 0 && is_elem(r, "rPh") &&
		    !xmlTextReaderIsEmptyElement(r))
			rph = d;
		else if (type == XML_READER_TYPE_END_ELEMENT && d == rph)
			rph = -1;
		else if (rph < 0 && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
				     type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			const xmlChar *v = xmlTextReaderConstValue(r);
			size_t k = v ? strlen((const char *)v) : 0;

			if (b->len + k > CELL_LIMIT)
				return -3;
			if (payroll_buf_add(b, v, k))
				return -2;
		}
	}
	return -1;
}

static int
text_failed(struct payroll_xlsx *x, int rc, const char *part, const char *where,
	    struct payroll_error *err)
{
	if (rc == -2)
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	if (rc == -3)
		return payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
					 "%s: %s: a value over 16 MiB", part, where);
	return xml_failed(x, part, err);
}

static int
read_shared_strings(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	zip_file_t *zf = NULL;
	xmlTextReaderPtr r = NULL;
	int rc;

	if ((rc = part_open(x, part, &zf, &r, err)) <= 0)
		return rc;	/* no shared strings: fine */
	while ((rc = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !is_elem(r, "si"))
			continue;
		if (x->nsst == x->sst_cap) {
			size_t cap = x->sst_cap ? 2 * x->sst_cap : 1024;
			size_t *p = realloc(x->sst_off, cap * sizeof *p);

			if (!p) {
				rc = -2;
				break;
			}
			x->sst_off = p;
			x->sst_cap = cap;
		}
		x->sst_off[x->nsst] = x->sst.len;
		if ((rc = element_text(r, &x->sst, 1)) != 0 || payroll_buf_addch(&x->sst, '\0')) {
			rc = rc ? rc : -2;
			break;
		}
		x->nsst++;
	}
	part_close(&zf, &r);
	return rc < 0 ? text_failed(x, rc, part, "a shared string", err) : 0;
}

/* A number format shows a date when its code has a day or year in it,
 * outside quoted text, [colour] and [$-locale] sections and escapes. */
static int
format_is_date(const char *code)
{
	int quoted = 0, bracket = 0;

	for (; *code; code++) {
		char c = *code;

		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '[')
			bracket = 1;
		else if (c == ']')
			bracket = 0;
		else if (bracket)
			continue;
		else if (c == '\\' || c == '_' || c == '*') {
			if (code[1])
				code++;
		} else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D' || c == 'e')
			return 1;
	}
	return 0;
}

/* Built-in number formats that are dates (ECMA-376 18.8.30, and the East
 * Asian ones Excel writes for zh-CN). */
static int
builtin_is_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
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
			fmts[nfmts++].date = format_is_date(code);
		} else if (in_xfs && is_elem(r, "xf")) {
			unsigned char *p = realloc(x->xf_date, x->nxf + 1);
			long id = attr(r, "numFmtId", 0, v, sizeof v) ? strtol(v, NULL, 10) : 0;
			int date = builtin_is_date(id);

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
	if (rc == 0 && (rc = part_open(x, x->sheet_part, &x->zf, &x->r, err)) == 0)
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

/* "C17" -> column 3, row 17. 0, or -1 when it is not a cell reference. */
static int
parse_ref(const char *s, int *col, long *row)
{
	long c = 0, r = 0;

	for (; *s >= 'A' && *s <= 'Z'; s++)
		if ((c = c * 26 + (*s - 'A' + 1)) > MAX_COL)
			return -1;
	if (!c || *s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((r = r * 10 + (*s - '0')) > MAX_ROW)
			return -1;
	if (*s)
		return -1;
	*col = (int)c;
	*row = r;
	return 0;
}

int
payroll_xlsx_number(const char *s, struct payroll_buf *out)
{
	char d[80];
	int nd = 0, neg = 0, seen_point = 0, any = 0, i;
	long exp10 = 0, e = 0, esign = 1;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; (*s >= '0' && *s <= '9') || (*s == '.' && !seen_point); s++) {
		if (*s == '.') {
			seen_point = 1;
			continue;
		}
		any = 1;
		if (nd == 0 && *s == '0') {
			if (seen_point)
				exp10--;
			continue;
		}
		if (nd < 64) {
			d[nd++] = *s;
			if (seen_point)
				exp10--;
		} else if (!seen_point) {
			exp10++;
		}
	}
	if (!any)
		return -1;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			esign = *s++ == '-' ? -1 : 1;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((e = e * 10 + (*s - '0')) > 400)
				return -1;
	}
	if (*s)
		return -1;
	exp10 += esign * e;
	if (nd > 15) {
		int carry = d[15] >= '5';

		exp10 += nd - 15;
		nd = 15;
		for (i = nd - 1; carry && i >= 0; i--) {
			if (d[i] == '9') {
				d[i] = '0';
			} else {
				d[i]++;
				carry = 0;
			}
		}
		if (carry) {	/* 999... rounded up to 1000... */
			d[0] = '1';
			for (i = 1; i < nd; i++)
				d[i] = '0';
			exp10++;
		}
	}
	while (nd > 0 && d[nd - 1] == '0') {
		nd--;
		exp10++;
	}
	if (nd == 0)
		return payroll_buf_addch(out, '0') ? -2 : 0;
	if (exp10 > 300 || exp10 < -300)
		return -1;
	if (neg && payroll_buf_addch(out, '-'))
		return -2;
	if (exp10 >= 0) {
		if (payroll_buf_add(out, d, (size_t)nd))
			return -2;
		for (i = 0; i < exp10; i++)
			if (payroll_buf_addch(out, '0'))
				return -2;
	} else if (nd > -exp10) {
		if (payroll_buf_add(out, d, (size_t)(nd + exp10)) || payroll_buf_addch(out, '.') ||
		    payroll_buf_add(out, d + nd + exp10, (size_t)-exp10))
			return -2;
	} else {
		if (payroll_buf_add(out, "0.", 2))
			return -2;
		for (i = 0; i < -exp10 - nd; i++)
			if (payroll_buf_addch(out, '0'))
				return -2;
		if (payroll_buf_add(out, d, (size_t)nd))
			return -2;
	}
	return 0;
}

/* Days from 1970-01-01 to a civil date (H. Hinnant's algorithm), inverse. */
static void
civil_from_days(long z, long *y, int *m)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
payroll_xlsx_month(const struct payroll_xlsx *x, const char *v, size_t n, char *out)
{
	long serial = 0, days, y;
	size_t i;
	int m;

	for (i = 0; i < n && v[i] != '.'; i++) {
		if (v[i] < '0' || v[i] > '9' || serial > 3000000)
			return -1;
		serial = serial * 10 + (v[i] - '0');
	}
	if (i == 0)
		return -1;
	/* days since 1970-01-01: 1900 system day 1 is 1900-01-01, and day 60
	 * is the 29 February 1900 that never was (Lotus 1-2-3's leap year);
	 * 1904 system day 0 is 1904-01-01 */
	if (x->date1904)
		days = serial - 24107;
	else if (serial >= 61)
		days = serial - 25569;
	else if (serial == 60)
		days = -25509;	/* shown as 1900-02-29: February */
	else if (serial >= 1)
		days = serial - 25568;
	else
		return -1;
	civil_from_days(days, &y, &m);
	if (y < 1900 || y > 9999)
		return -1;
	payroll_month_format(y * 12 + m - 1, out);
	return 0;
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

static struct payroll_xlsx_cell *
new_cell(struct payroll_xlsx *x)
{
	if (x->ncells == x->cells_cap) {
		size_t cap = x->cells_cap ? 2 * x->cells_cap : 32;
		struct payroll_xlsx_cell *p = realloc(x->cells, cap * sizeof *p);

		if (!p)
			return NULL;
		x->cells = p;
		x->cells_cap = cap;
	}
	return &x->cells[x->ncells++];
}

/* A cell's r, t and s attributes in one pass over its attributes. */
static void
cell_attrs(xmlTextReaderPtr r, char *ref, size_t nref, char *t, size_t nt, char *s, size_t ns)
{
	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return;
	do {
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		const char *v = (const char *)xmlTextReaderConstValue(r);

		if (!ln || !v || ln[1])
			continue;
		if (ln[0] == 'r')
			snprintf(ref, nref, "%s", v);
		else if (ln[0] == 't')
			snprintf(t, nt, "%s", v);
		else if (ln[0] == 's')
			snprintf(s, ns, "%s", v);
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
}

/* One <c> element: its value appended to x->text as a cell. */
static int
read_cell(struct payroll_xlsx *x, long row, int *lastcol, struct payroll_error *err)
{
	char ref[32], t[32], sv[16];
	struct payroll_buf *raw = &x->raw, *skip = &x->skip;
	struct payroll_xlsx_cell *c;
	int col, rc = 0, have_v = 0, depth;
	long rrow;
	size_t start;

	ref[0] = t[0] = sv[0] = '\0';
	cell_attrs(x->r, ref, sizeof ref, t, sizeof t, sv, sizeof sv);
	if (ref[0]) {
		if (parse_ref(ref, &col, &rrow) || rrow != row)
			return cell_failed(x, row, *lastcol + 1, err,
					   "a cell reference out of place or not a cell reference");
	} else {
		col = *lastcol + 1;
	}
	if (col <= *lastcol || col > MAX_COL)
		return cell_failed(x, row, col > MAX_COL ? MAX_COL : col, err,
				   "cells out of order");
	*lastcol = col;
	if (!t[0])
		snprintf(t, sizeof t, "n");
	if (xmlTextReaderIsEmptyElement(x->r))
		return 0;
	depth = xmlTextReaderDepth(x->r);
	while ((rc = xmlTextReaderRead(x->r)) == 1) {
		int type = xmlTextReaderNodeType(x->r);

		if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == depth)
			break;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_elem(x->r, "v") || is_elem(x->r, "is")) {
			payroll_buf_reset(raw);
			if ((rc = element_text(x->r, raw, 1)) != 0)
				break;
			have_v = 1;
		} else if (!xmlTextReaderIsEmptyElement(x->r)) {
			/* <f> (the formula; its value is in <v>) and the rest */
			rc = element_text(x->r, skip, 0);
			payroll_buf_reset(skip);
			if (rc != 0)
				break;
		}
	}
	if (rc != 1)
		return text_failed(x, rc < 0 ? rc : -1, x->sheet_part, ref, err);
	if (!have_v || raw->len == 0)
		return 0;
	if (!(c = new_cell(x)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	c->col = col;
	c->kind = PAYROLL_CELL_TEXT;
	start = x->text.len;
	if (!strcmp(t, "s")) {
		char *end;
		unsigned long long k = strtoull(raw->p, &end, 10);

		if (*end || raw->p[0] < '0' || raw->p[0] > '9' || k >= x->nsst) {
			x->ncells--;
			return cell_failed(x, row, col, err,
					   "refers to a shared string the workbook does not have");
		}
		rc = payroll_buf_addstr(&x->text, x->sst.p + x->sst_off[k]);
	} else if (!strcmp(t, "n") || !strcmp(t, "d")) {
		long s = sv[0] ? strtol(sv, NULL, 10) : 0;

		if (!strcmp(t, "d")) {	/* ISO 8601 date cell: keep its text */
			rc = payroll_buf_addstr(&x->text, raw->p);
		} else {
			rc = payroll_xlsx_number(raw->p, &x->text);
			if (rc == -1) {
				x->ncells--;
				return cell_failed(x, row, col, err, "a number cell that holds no number");
			}
			c->kind = s >= 0 && (size_t)s < x->nxf && x->xf_date[s] ?
				PAYROLL_CELL_DATE : PAYROLL_CELL_NUMBER;
		}
	} else if (!strcmp(t, "b")) {
		c->kind = PAYROLL_CELL_BOOL;
		rc = payroll_buf_addstr(&x->text, !strcmp(raw->p, "0") ? "FALSE" : "TRUE");
	} else if (!strcmp(t, "e")) {
		c->kind = PAYROLL_CELL_ERROR;
		rc = payroll_buf_addstr(&x->text, raw->p);
	} else {	/* str (a formula's text), inlineStr */
		rc = payroll_buf_addstr(&x->text, raw->p);
	}
	if (rc || payroll_buf_addch(&x->text, '\0'))
		return payroll_error_errno(err, PAYROLL_ENOMEM, x->path, "out of memory");
	/* offsets now, pointers when the row is complete (the buffer moves) */
	c->v = NULL;
	c->n = x->text.len - 1 - start;
	c->col = col;
	x->cells[x->ncells - 1].v = (const char *)(uintptr_t)start;
	return 0;
}

int
payroll_xlsx_next(struct payroll_xlsx *x, long *row,
		  const struct payroll_xlsx_cell **cells, size_t *ncells,
		  struct payroll_error *err)
{
	char rv[32];
	int rc;

	while (!x->done) {
		long r;
		int lastcol = 0, depth;
		size_t i;

		rc = xmlTextReaderRead(x->r);
		if (rc == 0) {
			x->done = 1;
			break;
		}
		if (rc < 0)
			return xml_failed(x, x->sheet_part, err);
		if (xmlTextReaderNodeType(x->r) != XML_READER_TYPE_ELEMENT || !is_elem(x->r, "row"))
			continue;
		r = x->next_row;
		if (attr(x->r, "r", 0, rv, sizeof rv)) {
			char *end;

			r = strtol(rv, &end, 10);
			if (*end || r < x->next_row || r > MAX_ROW)
				return payroll_error_set(err, PAYROLL_EFORMAT, x->path, x->next_row, 0,
							 "bad-xlsx", "row number '%s' out of order", rv);
		}
		x->next_row = r + 1;
		payroll_buf_reset(&x->text);
		x->ncells = 0;
		if (xmlTextReaderIsEmptyElement(x->r))
			continue;
		depth = xmlTextReaderDepth(x->r);
		while ((rc = xmlTextReaderRead(x->r)) == 1) {
			int type = xmlTextReaderNodeType(x->r);

			if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == depth)
				break;
			if (type == XML_READER_TYPE_ELEMENT && is_elem(x->r, "c") &&
			    (rc = read_cell(x, r, &lastcol, err)) < 0)
				return rc;
		}
		if (rc != 1)
			return xml_failed(x, x->sheet_part, err);
		if (!x->ncells)
			continue;
		for (i = 0; i < x->ncells; i++)
			x->cells[i].v = x->text.p + (uintptr_t)x->cells[i].v;
		*row = r;
		*cells = x->cells;
		*ncells = x->ncells;
		return 1;
	}
	return 0;
}

void
payroll_xlsx_close(struct payroll_xlsx *x)
{
	if (!x)
		return;
	part_close(&x->zf, &x->r);
	if (x->zip)
		zip_discard(x->zip);
	free(x->mem);
	payroll_buf_release(&x->sst);
	free(x->sst_off);
	free(x->xf_date);
	payroll_buf_release(&x->text);
	payroll_buf_release(&x->raw);
	payroll_buf_release(&x->skip);
	free(x->cells);
	free(x);
}
