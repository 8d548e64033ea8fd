/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xlsx_sheet.c cut into segments of 64 bytes (this test compiles it with
 * -DSEGMENT=64), so that nearly every row start is a cut: the rows, the
 * end and any error that the two sheet threads give are exactly those of
 * the one parser on the caller's thread, whatever stands at a cut: a
 * comment, a processing instruction or a CDATA section holding "<row",
 * a row without r=, rows out of order, broken XML, a cell of another
 * row, a long value, attributes in other namespaces, parts after the
 * sheet data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <zip.h>
#include <cmocka.h>

#include "buf.h"
#include "xlsx_sheet.h"

#define NROWS 200

static char dir[] = "/tmp/test_xlsx_cuts.XXXXXX";

/* s with every '@' replaced by the row number r, appended to b. */
static void
add_row(struct payroll_buf *b, const char *s, int r)
{
	char num[16];

	snprintf(num, sizeof num, "%d", r);
	for (; *s; s++)
		assert_int_equal(*s == '@' ? payroll_buf_add(b, num, strlen(num)) :
				 payroll_buf_add(b, s, 1), 0);
}

/* A sheet of NROWS rows, row `at` (or each row from `at` on, when every)
 * written as special instead, then tail after the sheet data. */
static void
make_sheet(struct payroll_buf *b, int at, int every, const char *special, const char *tail)
{
	const char *plain = "<row r=\"@\" spans=\"1:2\" x14ac:dyDescent=\"0.25\">"
		"<c r=\"A@\" t=\"inlineStr\"><is><t>name @</t></is></c><c r=\"B@\"><v>@.5</v></c></row>";
	int r;

	b->len = 0;
	add_row(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:x14ac=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac\">"
		"<dimension ref=\"A1:B200\"/><sheetData>", 0);
	for (r = 1; r <= NROWS; r++)
		add_row(b, r == at || (every && r > at) ? special : plain, r);
	add_row(b, "</sheetData>", 0);
	add_row(b, tail, 0);
	add_row(b, "</worksheet>", 0);
}

/* The sheet's rows as text, read threaded or not, to the end or the
 * error (its code and message). */
static char *
read_all(const struct payroll_buf *xml, int threaded)
{
	char path[64];
	struct payroll_buf out = { 0 };
	struct payroll_xlsx_sheet *s = NULL;
	struct payroll_error err = { 0 };
	const struct payroll_xlsx_cell *cells;
	size_t ncells, i;
	zip_t *z;
	long row;
	int rc, e;
	char line[128];

	snprintf(path, sizeof path, "%s/w.zip", dir);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
	assert_non_null(z);
	assert_true(zip_file_add(z, "xl/worksheets/sheet1.xml",
				 zip_source_buffer(z, xml->p, xml->len, 0), 0) >= 0);
	assert_int_equal(zip_close(z), 0);
	z = zip_open(path, ZIP_RDONLY, &e);
	assert_non_null(z);
	assert_int_equal(payroll_xlsx_sheet_open(&s, z, "xl/worksheets/sheet1.xml", "w.xlsx",
						 NULL, NULL, 0, threaded, &err), 1);
	while ((rc = payroll_xlsx_sheet_next(s, &row, &cells, &ncells, &err)) == 1) {
		snprintf(line, sizeof line, "%ld:", row);
		assert_int_equal(payroll_buf_add(&out, line, strlen(line)), 0);
		for (i = 0; i < ncells; i++) {
			snprintf(line, sizeof line, " %d/%d/", cells[i].col, (int)cells[i].kind);
			assert_int_equal(payroll_buf_add(&out, line, strlen(line)), 0);
			assert_int_equal(payroll_buf_add(&out, cells[i].v, cells[i].n), 0);
		}
		assert_int_equal(payroll_buf_add(&out, "\n", 1), 0);
	}
	snprintf(line, sizeof line, "end %d %ld %s: ", rc, err.line, err.code);
	assert_int_equal(payroll_buf_add(&out, line, strlen(line)), 0);
	assert_int_equal(payroll_buf_add(&out, err.message, strlen(err.message) + 1), 0);
	payroll_xlsx_sheet_close(s);
	zip_discard(z);
	unlink(path);
	return out.p;
}

/* Threaded and not alike, for the special row at several places; the
 * last result returned (the caller frees it) for checks of its own. */
static char *
same(int every, const char *special, const char *tail)
{
	static const int places[] = { 1, 2, 57, 150, NROWS };
	struct payroll_buf xml = { 0 };
	char *one = NULL, *two;
	size_t i;

	for (i = 0; i < sizeof places / sizeof places[0]; i++) {
		free(one);
		make_sheet(&xml, places[i], every, special, tail);
		one = read_all(&xml, 0);
		two = read_all(&xml, 1);
		assert_string_equal(two, one);
		free(two);
	}
	payroll_buf_release(&xml);
	return one;
}

static void
plain_rows(void **state)
{
	char *got = same(0, "<row r=\"@\"><c r=\"B@\"><v>7</v></c></row>", "");

	(void)state;
	assert_non_null(strstr(got, "1: 1/0/name 1 2/1/1.5\n"));
	assert_non_null(strstr(got, "200: 2/1/7\nend 0 0 : "));
	free(got);
}

static void
markup_holding_rows(void **state)
{
	char *got;

	(void)state;
	free(same(0, "<!-- <row r=\"@\"><c r=\"A@\"><v>0</v></c></row> -->"
		  "<row r=\"@\"><c r=\"A@\"><v>7</v></c></row>", ""));
	free(same(0, "<!-- <row r=\"1\"> <row r=\"2\"> <row r=\"3\"> <row r=\"4\"> <row r=\"5\"> "
		  "<row r=\"6\"> <row r=\"7\"> <row r=\"8\"> <row r=\"9\"> <row r=\"10\"> -->"
		  "<row r=\"@\"><c r=\"A@\"><v>7</v></c></row>", ""));
	free(same(0, "<?pi <row r=\"@\"?><row r=\"@\"><c r=\"A@\"><v>7</v></c></row>", ""));
	got = same(0, "<row r=\"@\"><c r=\"A@\" t=\"inlineStr\"><is><t><![CDATA[</t></is></c></row>"
		   "<row r=\"9999\"><c>]]></t></is></c></row>", "");
	assert_non_null(strstr(got, "/</t></is></c></row><row r=\"9999\"><c>\n"));
	free(got);
}

static void
rows_without_numbers(void **state)
{
	char *got;

	(void)state;
	free(same(0, "<row><c t=\"inlineStr\"><is><t>no r</t></is></c></row>", ""));
	got = same(1, "\n  <row><c t=\"inlineStr\"><is><t>no r @</t></is></c></row>", "");
	assert_non_null(strstr(got, "\n200: 1/0/no r 200\nend 0 "));
	free(got);
}

static void
errors(void **state)
{
	char *got;

	(void)state;
	got = same(0, "<row r=\"2\"><c r=\"A2\"><v>9</v></c></row>", "");
	assert_non_null(strstr(got, "bad-xlsx: row number '2' out of order"));
	free(got);
	got = same(0, "<row r=\"@\"><c r=\"A@\"><v>1</c></row>", "");
	assert_non_null(strstr(got, "end -"));
	assert_non_null(strstr(got, "not well-formed"));
	free(got);
	got = same(0, "<row r=\"@\"><c r=\"A1\"><v>1</v></c></row>", "");
	assert_non_null(strstr(got, "bad-xlsx"));
	free(got);
}

static void
long_values_and_tails(void **state)
{
	struct payroll_buf big = { 0 };
	int i;

	(void)state;
	assert_int_equal(payroll_buf_addstr(&big, "<row r=\"@\"><c r=\"A@\" t=\"inlineStr\"><is><t>"), 0);
	for (i = 0; i < 500; i++)
		assert_int_equal(payroll_buf_addstr(&big, "长值 &lt;row&gt; "), 0);
	assert_int_equal(payroll_buf_add(&big, "</t></is></c></row>", 20), 0);
	free(same(0, big.p, "<rowBreaks count=\"1\"><brk id=\"5\"/></rowBreaks>"));
	payroll_buf_release(&big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_rows),
		cmocka_unit_test(markup_holding_rows),
		cmocka_unit_test(rows_without_numbers),
		cmocka_unit_test(errors),
		cmocka_unit_test(long_values_and_tails),
	};
	int rc;

	/* as payroll_xlsx_open does before any thread of ours parses */
	xmlInitParser();
	assert_non_null(mkdtemp(dir));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
