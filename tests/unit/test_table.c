/* SPDX-License-Identifier: Apache-2.0 */
/* The CSV reader: every chunk size gives the same rows and line numbers,
 * in UTF-8 with BOM and in GB18030, with LF, CRLF and CR-only line ends,
 * quoted fields across lines, and the problems it reports itself. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "error.h"
#include "table.h"

static const struct payroll_column cols[] = {
	{ "id", "编号", PAYROLL_COL_REQUIRED },
	{ "name", "姓名", PAYROLL_COL_REQUIRED },
	{ "note", NULL, 0 },
	{ "absent", NULL, 0 },
};

static const char sample[] =
	"\xef\xbb\xbf" "编号, Extra ,姓名,NOTE\r\n"
	"1,x,张伟,plain\r\n"
	"2,x,\"李,秀英\",\"say \"\"hi\"\"\"\r\n"
	"\r\n"
	"3,x,王芳,\"two\r\nlines\"\r\n"
	"4,x, 赵 ,cr-only\r"
	"5,x,欧阳娜娜,last";

static char path[64];
/* The read-ahead thread for dump: start after this many rows (-1: the
 * table's own choice), batches of ra_rows rows. */
static long ra_after = -1;
static size_t ra_rows;

static void
write_file(const char *data, size_t n)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/payroll-table-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Read every row as "line|id|name|note|absent\n" into out. */
static int
dump(size_t chunk, enum payroll_encoding enc, struct payroll_buf *out)
{
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_row row;
	struct payroll_error err;
	int rc, i;

	payroll_buf_reset(out);
	rc = payroll_source_open(&src, path, enc, &err);
	if (rc)
		return rc;
	rc = payroll_table_open_chunked(&t, src, cols, 4, chunk, &err);
	if (rc)
		return rc;
	if (ra_after >= 0)
		payroll_table_readahead(t, ra_after, ra_rows);
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		payroll_buf_addf(out, "%ld", row.line);
		for (i = 0; i < 4; i++)
			payroll_buf_addf(out, "|%s", row.v[i]);
		if (ra_after >= 0 || ra_rows)	/* comparing the two paths: all of it */
			payroll_buf_addf(out, "|%zu|%d|%d", row.nfields, row.problem_col,
					 row.col[0]);
		payroll_buf_addf(out, "|p%d\n", (int)row.problem);
	}
	if (rc < 0)
		payroll_buf_addf(out, "error %d %s:%ld:%d: %s: %s\n", rc, err.file, err.line,
				 err.column, err.code, err.message);
	payroll_table_close(t);
	return rc;
}

static const char expected[] =
	"2|1|张伟|plain||p0\n"
	"3|2|李,秀英|say \"hi\"||p0\n"
	"5|3|王芳|two\r\nlines||p3\n"	/* a line break in a value is flagged */
	"7|4|赵|cr-only||p0\n"
	"8|5|欧阳娜娜|last||p0\n";

static void
every_chunk_size_utf8(void **state)
{
	struct payroll_buf b = { 0 };
	size_t chunk;

	(void)state;
	write_file(sample, sizeof sample - 1);
	for (chunk = 0; chunk <= 64; chunk++) {
		assert_int_equal(dump(chunk, PAYROLL_ENC_AUTO, &b), 0);
		assert_string_equal(payroll_buf_str(&b), expected);
	}
	unlink(path);
	payroll_buf_release(&b);
}

static void
every_chunk_size_gb18030(void **state)
{
	struct payroll_buf b = { 0 };
	char gb[sizeof sample * 2], *in = (char *)sample + 3, *o = gb;
	size_t inleft = sizeof sample - 4, outleft = sizeof gb, chunk;
	iconv_t cd = iconv_open("GB18030", "UTF-8");

	(void)state;
	assert_true(cd != (iconv_t)-1);
	assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
	iconv_close(cd);
	write_file(gb, (size_t)(o - gb));
	for (chunk = 0; chunk <= 64; chunk++) {
		assert_int_equal(dump(chunk, PAYROLL_ENC_AUTO, &b), 0);
		assert_string_equal(payroll_buf_str(&b), expected);
	}
	unlink(path);
	payroll_buf_release(&b);
}

static void
gzip_input(void **state)
{
	struct payroll_buf b = { 0 };
	char cmd[160];

	(void)state;
	write_file(sample, sizeof sample - 1);
	snprintf(cmd, sizeof cmd, "gzip -n -f %s", path);
	assert_int_equal(system(cmd), 0);
	strncat(path, ".gz", sizeof path - strlen(path) - 1);
	assert_int_equal(dump(7, PAYROLL_ENC_AUTO, &b), 0);
	assert_string_equal(payroll_buf_str(&b), expected);
	/* truncated gzip is an error, not a short file */
	assert_int_equal(truncate(path, 30), 0);
	assert_int_equal(dump(0, PAYROLL_ENC_AUTO, &b), PAYROLL_EFORMAT);
	unlink(path);
	payroll_buf_release(&b);
}

/* Each problem the reader finds itself, one a row. */
static const char problems[] =
	"id,name,note\n"
	"1,short\n"
	"2,a\"b,stray\n"
	"3,bad\xff" "byte,x\n"
	"4,nul\x01" "ctl,x\n"
	"5,ok,x,extra\n"
	"6,fine,x\n"
	"\xef\xbb\xbf" "7,bom,x\n";

static void
row_problems(void **state)
{
	struct payroll_buf b = { 0 };
	size_t chunk;

	(void)state;
	write_file(problems, sizeof problems - 1);
	for (chunk = 0; chunk <= 16; chunk++) {
		assert_int_equal(dump(chunk, PAYROLL_ENC_UTF8, &b), 0);
		assert_string_equal(payroll_buf_str(&b),
				    "2|1|short|||p1\n"
				    "3|2||||p4\n"
				    "4|3|bad\xef\xbf\xbd" "byte|x||p2\n"
				    "5|4|nul\x01" "ctl|x||p3\n"
				    "6|5|ok|x||p1\n"
				    "7|6|fine|x||p0\n"
				    "8|\xef\xbb\xbf" "7|bom|x||p2\n");
	}
	unlink(path);
	payroll_buf_release(&b);
}

/* A refused byte anywhere in a long value is found, whichever of the
 * eight bytes of a word it falls on (the scan goes a word at a time),
 * and a value near them (0xEF of CJK punctuation, 0x80-0xFF) is not. */
static void
refused_byte_at_every_offset(void **state)
{
	static const char *const bad[] = { "\x01", "\x1f", "\x7f", "\xef\xbf\xbd", "\xef\xbb\xbf" };
	static const int problem[] = { 3, 3, 3, 2, 2 };
	struct payroll_buf text = { 0 }, b = { 0 };
	size_t k, at;

	(void)state;
	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		for (at = 0; at < 24; at++) {
			payroll_buf_reset(&text);
			payroll_buf_addf(&text, "id,name\n1,%.*s%s%.*s\n2,\xef\xbc\x8c\xe4\xb8\xad%.*s\n",
					 (int)at, "abcdefghijklmnopqrstuvwx", bad[k],
					 (int)(23 - at), "abcdefghijklmnopqrstuvwx",
					 (int)at, "abcdefghijklmnopqrstuvwx");
			write_file(text.p, text.len);
			assert_int_equal(dump(0, PAYROLL_ENC_UTF8, &b), 0);
			unlink(path);
			/* row 1 has the problem, row 2 (on line 3) none */
			assert_non_null(strstr(payroll_buf_str(&b), problem[k] == 3 ? "|p3\n3|" : "|p2\n3|"));
			assert_string_equal(payroll_buf_str(&b) + b.len - 4, "|p0\n");
		}
	}
	payroll_buf_release(&text);
	payroll_buf_release(&b);
}

static int
open_error(const char *text, const char *code)
{
	struct payroll_source *src;
	struct payroll_table *t = NULL;
	struct payroll_error err;
	struct payroll_row row;
	int rc;

	write_file(text, strlen(text));
	rc = payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err);
	if (rc == 0)
		rc = payroll_table_open(&t, src, cols, 4, &err);
	while (rc == 0 && (rc = payroll_table_next(t, &row, &err)) == 1)
		rc = 0;
	payroll_table_close(t);
	unlink(path);
	assert_string_equal(err.code, code);
	return rc;
}

static void
unusable_files(void **state)
{
	(void)state;
	assert_int_equal(open_error("", "empty-file"), PAYROLL_EFORMAT);
	assert_int_equal(open_error("\n\n", "empty-file"), PAYROLL_EFORMAT);
	assert_int_equal(open_error("id,note\n1,x\n", "missing-column"), PAYROLL_EFORMAT);
	assert_int_equal(open_error("id,name,编号\n", "duplicate-column"), PAYROLL_EFORMAT);
	assert_int_equal(open_error("id,name\n1,\"open\n2,x\n", "bad-csv"), PAYROLL_EFORMAT);
	assert_int_equal(open_error("\xff\xfei\0d\0", "bad-encoding"), PAYROLL_EFORMAT);
}

/* Read path (written by the caller) with and without the read-ahead
 * thread, every start and batch size below, and compare. */
static void
same_with_readahead(size_t chunk, enum payroll_encoding enc)
{
	static const long afters[] = { 0, 1, 3 };
	static const size_t rows[] = { 1, 2, 5, 0 };
	struct payroll_buf plain = { 0 }, b = { 0 };
	size_t i, j;
	int rc;

	ra_after = -1;
	ra_rows = 1;	/* the plain path, with the full detail */
	rc = dump(chunk, enc, &plain);
	for (i = 0; i < sizeof afters / sizeof *afters; i++) {
		for (j = 0; j < sizeof rows / sizeof *rows; j++) {
			ra_after = afters[i];
			ra_rows = rows[j];
			assert_int_equal(dump(chunk, enc, &b), rc);
			assert_string_equal(payroll_buf_str(&b), payroll_buf_str(&plain));
		}
	}
	ra_after = -1;
	ra_rows = 0;
	payroll_buf_release(&plain);
	payroll_buf_release(&b);
}

static void
readahead_thread(void **state)
{
	static const char *const broken[] = {
		"id,name\n1,a\n2,b\n3,\"open\n4,x\n",	/* error at the end */
		"id,name\n1,a\n2,b\n3,c\n4,d\n5,e",	/* no final line end */
	};
	static const size_t chunks[] = { 0, 4, 7, 13 };
	struct payroll_buf big = { 0 };
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	char cmd[160];
	size_t c, k;
	int i;

	(void)state;
	for (c = 0; c < sizeof chunks / sizeof *chunks; c++) {
		write_file(sample, sizeof sample - 1);
		same_with_readahead(chunks[c], PAYROLL_ENC_AUTO);
		unlink(path);
		write_file(problems, sizeof problems - 1);
		same_with_readahead(chunks[c], PAYROLL_ENC_UTF8);
		unlink(path);
		for (k = 0; k < sizeof broken / sizeof *broken; k++) {
			write_file(broken[k], strlen(broken[k]));
			same_with_readahead(chunks[c], PAYROLL_ENC_AUTO);
			unlink(path);
		}
	}
	/* many batches through the ring, a problem now and then */
	payroll_buf_addf(&big, "id,name,note\r\n");
	for (i = 0; i < 3000; i++)
		payroll_buf_addf(&big, i % 97 ? "%d,\"n %d\",x\r\n" : "%d,n\x01%d\r\n", i, i);
	write_file(big.p, big.len);
	same_with_readahead(0, PAYROLL_ENC_AUTO);
	same_with_readahead(1000, PAYROLL_ENC_AUTO);
	unlink(path);
	/* runs of plain lines, parsed in one libcsv call each, broken by
	 * what ends a run: blank lines, lines of spaces, a line starting
	 * with a space or a tab, quotes (a stray one too), CR and CRLF;
	 * short and long rows, a long value, control bytes */
	payroll_buf_reset(&big);
	payroll_buf_addf(&big, "id,name,note\n");
	for (i = 0; i < 3000; i++) {
		switch (i % 23) {
		case 3: payroll_buf_addf(&big, "\n%d,blank,x\n", i); break;
		case 5: payroll_buf_addf(&big, " \t \n%d,spaces,x\n", i); break;
		case 7: payroll_buf_addf(&big, " %d,\tlead, x \n", i); break;
		case 9: payroll_buf_addf(&big, "%d,st\"ray,x\n", i); break;
		case 11: payroll_buf_addf(&big, "%d,\"q,\nq\",x\n", i); break;
		case 13: payroll_buf_addf(&big, "%d,cr,x\r", i); break;
		case 14: payroll_buf_addf(&big, "%d,crlf,x\r\n", i); break;
		case 15: payroll_buf_addf(&big, "%d,short\n", i); break;
		case 16: payroll_buf_addf(&big, "%d,long,x,y,z\n", i); break;
		case 17: payroll_buf_addf(&big, "%d,a value of more than thirty-two bytes %d,x\n", i, i); break;
		case 18: payroll_buf_addf(&big, "%d,c\x01tl,x\n", i); break;
		case 19: payroll_buf_addf(&big, "%d\n", i); break;
		case 20: payroll_buf_addf(&big, ",,\n"); break;
		default: payroll_buf_addf(&big, "%d,n%d,x%d\n", i, i, i); break;
		}
	}
	write_file(big.p, big.len);
	same_with_readahead(0, PAYROLL_ENC_AUTO);
	same_with_readahead(0, PAYROLL_ENC_UTF8);
	same_with_readahead(1000, PAYROLL_ENC_AUTO);
	same_with_readahead(97, PAYROLL_ENC_AUTO);
	unlink(path);
	/* the same with an invalid byte now and then: no clean read */
	for (k = 0; k + 1 < big.len; k += 4099)
		if (big.p[k] != '\n')
			big.p[k] = (char)0xff;
	write_file(big.p, big.len);
	same_with_readahead(0, PAYROLL_ENC_UTF8);
	unlink(path);
	payroll_buf_reset(&big);
	payroll_buf_addf(&big, "id,name,note\r\n");
	for (i = 0; i < 3000; i++)
		payroll_buf_addf(&big, i % 97 ? "%d,\"n %d\",x\r\n" : "%d,n\x01%d\r\n", i, i);
	write_file(big.p, big.len);
	/* a gzip stream cut short: the error where it occurs */
	snprintf(cmd, sizeof cmd, "gzip -n -f %s", path);
	assert_int_equal(system(cmd), 0);
	strncat(path, ".gz", sizeof path - strlen(path) - 1);
	assert_int_equal(truncate(path, 9000), 0);
	same_with_readahead(0, PAYROLL_ENC_AUTO);
	unlink(path);
	/* closed early, with the thread waiting for a free batch */
	write_file(big.p, big.len);
	assert_int_equal(payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err), 0);
	assert_int_equal(payroll_table_open(&t, src, cols, 4, &err), 0);
	payroll_table_readahead(t, 2, 3);
	for (i = 0; i < 10; i++)
		assert_int_equal(payroll_table_next(t, &row, &err), 1);
	assert_string_equal(row.v[0], "9");
	payroll_table_close(t);
	unlink(path);
	payroll_buf_release(&big);
}

/* Skipping to a row's line gives that row, whatever the line ends (the
 * sample's CRLF, CR only, a line end inside quotes, a blank line) and the
 * chunk size, for every subset of the sample's rows (expected: lines 2,
 * 3, 5, 7, 8 hold ids 1 to 5). */
static void
skip_to_rows(void **state)
{
	static const long lines[] = { 2, 3, 5, 7, 8 };
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;
	struct payroll_buf want = { 0 }, got = { 0 };
	size_t chunk, i;
	unsigned mask;

	(void)state;
	write_file(sample, sizeof sample - 1);
	for (chunk = 0; chunk <= 24; chunk++) {
		for (mask = 1; mask < 32; mask++) {
			payroll_buf_reset(&want);
			payroll_buf_reset(&got);
			for (i = 0; i < 5; i++)
				if (mask & (1u << i))
					payroll_buf_addf(&want, "%ld|%d.", lines[i], (int)i + 1);
			assert_int_equal(payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err), 0);
			assert_int_equal(payroll_table_open_chunked(&t, src, cols, 4, chunk, &err), 0);
			for (i = 0; i < 5; i++) {
				if (!(mask & (1u << i)))
					continue;
				assert_int_equal(payroll_table_skip_to(t, lines[i], &err), 0);
				assert_int_equal(payroll_table_next(t, &row, &err), 1);
				payroll_buf_addf(&got, "%ld|%s.", row.line, row.v[0]);
			}
			assert_int_equal(payroll_table_skip_to(t, 99, &err), 0);
			assert_int_equal(payroll_table_next(t, &row, &err), 0);
			payroll_table_close(t);
			assert_string_equal(payroll_buf_str(&got), payroll_buf_str(&want));
		}
	}
	unlink(path);
	payroll_buf_release(&want);
	payroll_buf_release(&got);
}

static void
all_columns_mode(void **state)
{
	struct payroll_source *src;
	struct payroll_table *t;
	struct payroll_error err;
	struct payroll_row row;

	(void)state;
	write_file("b,a,c\n1,2,3\n", 12);
	assert_int_equal(payroll_source_open(&src, path, PAYROLL_ENC_AUTO, &err), 0);
	assert_int_equal(payroll_table_open(&t, src, NULL, 0, &err), 0);
	assert_int_equal(payroll_table_ncolumns(t), 3);
	assert_string_equal(payroll_table_header(t, 2), "a");
	assert_int_equal(payroll_table_next(t, &row, &err), 1);
	assert_string_equal(row.v[0], "1");
	assert_string_equal(row.v[2], "3");
	assert_int_equal(payroll_table_next(t, &row, &err), 0);
	payroll_table_close(t);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_chunk_size_utf8),
		cmocka_unit_test(every_chunk_size_gb18030),
		cmocka_unit_test(gzip_input),
		cmocka_unit_test(row_problems),
		cmocka_unit_test(refused_byte_at_every_offset),
		cmocka_unit_test(unusable_files),
		cmocka_unit_test(all_columns_mode),
		cmocka_unit_test(readahead_thread),
		cmocka_unit_test(skip_to_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
