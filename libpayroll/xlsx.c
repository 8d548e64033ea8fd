/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx.h"
#include "xlsx_part.h"
#include "xlsx_sheet.h"
#include "xlsx_sst.h"
#include "xlsx_value.h"

#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "buf.h"
#include "ident.h"
#include "banned.h"

/* Standard input or gzip is read whole; beyond this it is not a roster. */
#define MEM_LIMIT ((size_t)512 * 1024 * 1024)

struct payroll_xlsx {
	char path[PAYROLL_PATH_MAX];
	zip_t *zip;
	char *mem;		/* the whole zip when read from a stream */
	size_t memlen;
	int date1904;
	char sheet[256];
	char sheet_part[512];
	/* styles: cellXfs index -> is a date format */
	unsigned char *xf_date;
	size_t nxf;
	struct payroll_xlsx_sst *sst;	/* NULL: the workbook has none */
	struct payroll_xlsx_sheet *rows;
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
	return payroll_xlsx_part_bad_xml(err, x->path, part);
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

static int
threads_disabled(void)
{
	const char *e = getenv("PAYROLL_THREADS");

	return e && !strcmp(e, "1");
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

/* The workbook's zip into *z, from its path or from x->mem: 0 or an
 * error. It can be opened more than once: each opening is read on one
 * thread at a time (libzip's reads of one archive share its file). */
static int
zip_at(struct payroll_xlsx *x, zip_t **z, struct payroll_error *err)
{
	zip_error_t ze;
	int code = 0;

	if (!x->mem) {
		*z = zip_open(x->path, ZIP_RDONLY, &code);
		zip_error_init_with_code(&ze, code);
	} else {
		zip_source_t *zs;

		zip_error_init(&ze);
		*z = NULL;
		if ((zs = zip_source_buffer_create(x->mem, x->memlen, 0, &ze)) &&
		    !(*z = zip_open_from_source(zs, ZIP_RDONLY, &ze)))
			zip_source_free(zs);
	}
	if (!*z) {
		payroll_error_set(err, PAYROLL_EFORMAT, x->path, 0, 0, "bad-xlsx",
				  "the file starts like a zip archive (.xlsx) but cannot be opened as one: %s (a damaged or truncated file?)",
				  zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return PAYROLL_EFORMAT;
	}
	zip_error_fini(&ze);
	return 0;
}

static int
open_zip(struct payroll_xlsx *x, struct payroll_source *src, struct payroll_error *err)
{
	int rc;

	if (!payroll_source_is_plain_file(src) && (rc = read_all(x, src, &x->memlen, err)) != 0)
		return rc;
	return zip_at(x, &x->zip, err);
}

/* The shared strings (part), parsed on a thread of their own unless
 * PAYROLL_THREADS=1, from an opening of the zip of their own: 0 or an
 * error. */
static int
open_sst(struct payroll_xlsx *x, const char *part, struct payroll_error *err)
{
	zip_t *z;
	int rc;

	if (zip_name_locate(x->zip, part, 0) < 0)
		return 0;	/* no shared strings: fine */
	if ((rc = zip_at(x, &z, err)) != 0)
		return rc;
	return payroll_xlsx_sst_open(&x->sst, z, part, x->path, !threads_disabled(), err);
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

/*
 * libxml2 sets up its globals on first use, unguarded; two of our
 * threads starting their parsers at once race there. Set them up here,
 * once, before any thread of ours parses.
 */
static void
xml_init(void)
{
	xmlInitParser();
}

int
payroll_xlsx_open(struct payroll_xlsx **out, struct payroll_source *src,
		  const char *sheet, struct payroll_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct payroll_xlsx *x;
	char rid[64] = "", sst[512], styles[512];
	int rc;

	*out = NULL;
	pthread_once(&once, xml_init);
	x = calloc(1, sizeof *x);
	if (!x)
		return payroll_error_errno(err, PAYROLL_ENOMEM, payroll_source_path(src),
					   "out of memory");
	snprintf(x->path, sizeof x->path, "%s", payroll_source_path(src));
	rc = open_zip(x, src, err);
	if (rc == 0 && zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
		rc = other_zip(x, err);
	if (rc == 0)
		rc = read_workbook(x, sheet, rid, sizeof rid, err);
	if (rc == 0)
		rc = read_rels(x, rid, sst, styles, sizeof sst, err);
	if (rc == 0)
		rc = open_sst(x, sst, err);
	if (rc == 0)
		rc = read_styles(x, styles, err);
	if (rc == 0 && (rc = payroll_xlsx_sheet_open(&x->rows, x->zip, x->sheet_part, x->path, x->sst,
						       x->xf_date, x->nxf, !threads_disabled(),
						       err)) == 0)
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

int
payroll_xlsx_next(struct payroll_xlsx *x, long *row,
		  const struct payroll_xlsx_cell **cells, size_t *ncells,
		  struct payroll_error *err)
{
	return payroll_xlsx_sheet_next(x->rows, row, cells, ncells, err);
}

void
payroll_xlsx_close(struct payroll_xlsx *x)
{
	if (!x)
		return;
	payroll_xlsx_sheet_close(x->rows);
	payroll_xlsx_sst_close(x->sst);
	if (x->zip)
		zip_discard(x->zip);
	free(x->mem);
	free(x->xf_date);
	free(x);
}
