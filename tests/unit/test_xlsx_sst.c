/* SPDX-License-Identifier: Apache-2.0 */
/* xlsx_sst.h: shared strings looked up while their own thread parses
 * them (and, for one thread, parsed whole at open): every string at its
 * index across the arena's 1 MiB blocks and the offsets' 65,536-string
 * pages, a string over a block, rich text and phonetic runs, an index
 * past the end, a part broken after its first strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <cmocka.h>

#include "buf.h"
#include "xlsx_sst.h"

#define NSTRINGS 150000		/* three pages of offsets */
#define BIG ((size_t)1536 * 1024)	/* a string over one 1 MiB block */
#define BIG_AT 70000

/* A zip in memory holding xl/sharedStrings.xml = xml; the caller frees
 * *data after zip_discard. */
static zip_t *
zip_with(const char *xml, size_t n)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_source_t *part;
	void *data;
	zip_int64_t len;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	part = zip_source_buffer(z, xml, n, 0);
	assert_non_null(part);
	assert_true(zip_file_add(z, "xl/sharedStrings.xml", part, 0) >= 0);
	assert_int_equal(zip_close(z), 0);
	/* read it back from the bytes written */
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
	len = zip_source_tell(src);
	assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
	data = malloc((size_t)len);
	assert_non_null(data);
	assert_int_equal(zip_source_read(src, data, (zip_uint64_t)len), len);
	zip_source_close(src);
	zip_source_free(src);
	src = zip_source_buffer_create(data, (zip_uint64_t)len, 1, &ze);
	assert_non_null(src);
	z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_error_fini(&ze);
	return z;
}

static void
expected(size_t k, char *buf, size_t n)
{
	snprintf(buf, n, "s%zu-张%zu", k, k * 7);
}

/* The strings' XML: string k is expected(k), BIG_AT a run of BIG 'x's,
 * 1 rich text with a phonetic run, 2 empty; cut after `upto` strings
 * (with broken XML) when upto < NSTRINGS. */
static char *
strings_xml(size_t upto, size_t *n)
{
	struct payroll_buf b = { 0 };
	char s[64];
	size_t k;

	payroll_buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
	for (k = 0; k < NSTRINGS && k < upto; k++) {
		if (k == 1) {
			payroll_buf_addstr(&b, "<si><r><t>张</t></r><r><t xml:space=\"preserve\"> 三</t></r>"
					   "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si>");
		} else if (k == 2) {
			payroll_buf_addstr(&b, "<si><t/></si>");
		} else if (k == BIG_AT) {
			payroll_buf_addstr(&b, "<si><t>");
			assert_int_equal(payroll_buf_reserve(&b, BIG), 0);
			memset(b.p + b.len, 'x', BIG);
			b.len += BIG;
			payroll_buf_addstr(&b, "</t></si>");
		} else {
			expected(k, s, sizeof s);
			payroll_buf_addf(&b, "<si><t>%s</t></si>", s);
		}
	}
	payroll_buf_addstr(&b, upto < NSTRINGS ? "<si><t>broken</x>" : "</sst>");
	*n = b.len;
	return b.p;
}

static void
check_string(struct payroll_xlsx_sst *s, size_t k)
{
	struct payroll_error err;
	const char *v;
	size_t n;
	char want[64];

	assert_int_equal(payroll_xlsx_sst_get(s, k, &v, &n, &err), 1);
	assert_int_equal(v[n], '\0');
	if (k == 1) {
		assert_string_equal(v, "张 三");
	} else if (k == 2) {
		assert_int_equal(n, 0);
	} else if (k == BIG_AT) {
		assert_int_equal(n, BIG);
		assert_int_equal(v[0], 'x');
		assert_int_equal(v[BIG - 1], 'x');
	} else {
		expected(k, want, sizeof want);
		assert_int_equal(n, strlen(want));
		assert_string_equal(v, want);
	}
}

static void
every_string(void **state)
{
	int threaded;

	(void)state;
	for (threaded = 0; threaded < 2; threaded++) {
		struct payroll_xlsx_sst *s;
		struct payroll_error err;
		const char *v;
		size_t n, k;
		char *xml = strings_xml(NSTRINGS, &n);

		assert_int_equal(payroll_xlsx_sst_open(&s, zip_with(xml, n), "xl/sharedStrings.xml",
						       "book.xlsx", threaded, &err), 0);
		/* the last first: the caller waits for the whole part */
		check_string(s, NSTRINGS - 1);
		for (k = 0; k < NSTRINGS; k++)
			check_string(s, k);
		assert_int_equal(payroll_xlsx_sst_get(s, NSTRINGS, &v, &n, &err), 0);
		assert_int_equal(payroll_xlsx_sst_finish(s, &err), 0);
		payroll_xlsx_sst_close(s);
		free(xml);
	}
	/* no shared strings at all */
	assert_int_equal(payroll_xlsx_sst_get(NULL, 0, NULL, NULL, NULL), 0);
	assert_int_equal(payroll_xlsx_sst_finish(NULL, NULL), 0);
}

static void
broken_part(void **state)
{
	struct payroll_xlsx_sst *s;
	struct payroll_error err;
	const char *v;
	size_t n, k;
	char *xml = strings_xml(1000, &n);

	(void)state;
	/* threaded: the strings before the break, then the error */
	assert_int_equal(payroll_xlsx_sst_open(&s, zip_with(xml, n), "xl/sharedStrings.xml",
					       "book.xlsx", 1, &err), 0);
	for (k = 0; k < 1000; k++)
		check_string(s, k);
	assert_int_equal(payroll_xlsx_sst_get(s, 1000, &v, &n, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-xlsx");
	assert_non_null(strstr(err.message, "xl/sharedStrings.xml in the workbook is not well-formed XML"));
	memset(&err, 0, sizeof err);
	assert_int_equal(payroll_xlsx_sst_finish(s, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-xlsx");
	payroll_xlsx_sst_close(s);
	/* one thread: at open */
	assert_int_equal(payroll_xlsx_sst_open(&s, zip_with(xml, n), "xl/sharedStrings.xml",
					       "book.xlsx", 0, &err), PAYROLL_EFORMAT);
	assert_null(s);
	assert_string_equal(err.code, "bad-xlsx");
	/* closed while its thread parses: it stops */
	free(xml);
	xml = strings_xml(NSTRINGS, &n);
	assert_int_equal(payroll_xlsx_sst_open(&s, zip_with(xml, n), "xl/sharedStrings.xml",
					       "book.xlsx", 1, &err), 0);
	check_string(s, 0);
	payroll_xlsx_sst_close(s);
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_string),
		cmocka_unit_test(broken_part),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
