/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_source: the bounded whole-file reader (payroll_source_slurp: the
 * limit and its one error, missing files, FIFOs, gzip, secrets) and the
 * byte stream's encodings (GB18030 converted, a UTF-8 BOM dropped, gzip
 * undone, names of encodings), and lines skipped without decoding.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <zlib.h>

#define TMP_NAME "test_source"
#include "tmpfiles.h"

#include "buf.h"
#include "source.h"

static const char *
path_of(const char *name)
{
	static char p[128];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* Write n bytes of c to DIR/name. */
static const char *
put_n(const char *name, size_t n, char c)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < n; i++)
		fputc(c, f);
	assert_int_equal(fclose(f), 0);
	return p;
}

static const char *
put_gz(const char *name, const char *text, size_t n)
{
	const char *p = path_of(name);
	gzFile g = gzopen(p, "wb");

	assert_non_null(g);
	assert_int_equal(gzwrite(g, text, (unsigned)n), (int)n);
	assert_int_equal(gzclose(g), Z_OK);
	return p;
}

static void
slurp_reads_up_to_the_limit(void **state)
{
	struct payroll_buf b = { 0 };
	struct payroll_error err;
	struct stat st;

	(void)state;
	assert_int_equal(payroll_source_slurp(put_n("k1", 1024, 'a'), 1024, 0, &b, &st, &err), 0);
	assert_int_equal(b.len, 1024);
	assert_int_equal(st.st_size, 1024);
	assert_int_equal(b.p[1024], '\0');
	/* appends to what b holds */
	assert_int_equal(payroll_source_slurp(put_n("k2", 3, 'b'), 1024, 0, &b, NULL, &err), 0);
	assert_int_equal(b.len, 1027);
	assert_string_equal(b.p + 1024, "bbb");
	payroll_buf_release(&b);
	/* empty is fine */
	assert_int_equal(payroll_source_slurp(put_n("k0", 0, 'a'), 1024, 0, &b, NULL, &err), 0);
	assert_int_equal(b.len, 0);
	payroll_buf_release(&b);
}

static void
slurp_one_error_for_too_big(void **state)
{
	struct payroll_buf b = { 0 };
	struct payroll_error err;

	(void)state;
	assert_int_equal(payroll_buf_addstr(&b, "kept"), 0);
	assert_int_equal(payroll_source_slurp(put_n("big", 1025, 'a'), 1024, 0, &b, NULL, &err),
			 PAYROLL_EFORMAT);
	assert_string_equal(err.code, "too-big");
	assert_string_equal(err.file, path_of("big"));
	assert_non_null(strstr(err.message, "1 KiB"));
	assert_int_equal(b.len, 4);
	assert_string_equal(b.p, "kept");
	/* limits people write are named so; others in bytes */
	assert_int_equal(payroll_source_slurp(put_n("big2", 2 * 1024 * 1024 + 1, 'a'),
					      2 * 1024 * 1024, 0, &b, NULL, &err), PAYROLL_EFORMAT);
	assert_non_null(strstr(err.message, "2 MiB"));
	assert_int_equal(payroll_source_slurp(path_of("big"), 1000, 0, &b, NULL, &err),
			 PAYROLL_EFORMAT);
	assert_non_null(strstr(err.message, "1000 bytes"));
	payroll_buf_release(&b);
}

static void
slurp_missing_and_not_regular(void **state)
{
	struct payroll_buf b = { 0 };
	struct payroll_error err;

	(void)state;
	assert_int_equal(payroll_source_slurp(path_of("none"), 10, 0, &b, NULL, &err), PAYROLL_EIO);
	assert_string_equal(err.code, "io");
	assert_int_equal(payroll_source_slurp(path_of("none"), 10, PAYROLL_SLURP_MISSING_OK, &b,
					      NULL, &err), 1);
	assert_int_equal(b.len, 0);
	/* a FIFO with no writer would block a reader: refused at once */
	assert_int_equal(mkfifo(path_of("fifo"), 0600), 0);
	assert_int_equal(payroll_source_slurp(path_of("fifo"), 10, PAYROLL_SLURP_REGULAR, &b,
					      NULL, &err), PAYROLL_EUSAGE);
	assert_non_null(strstr(err.message, "fifo"));
	assert_int_equal(payroll_source_slurp(dir, 10, PAYROLL_SLURP_REGULAR, &b, NULL, &err),
			 PAYROLL_EUSAGE);
	assert_non_null(strstr(err.message, "directory"));
	payroll_buf_release(&b);
}

static void
slurp_gunzips_and_limits_after(void **state)
{
	static const char text[] = "seq,account\n1,6217000000011000001\n";
	struct payroll_buf b = { 0 };
	struct payroll_error err;
	const char *gz = put_gz("r.csv.gz", text, sizeof text - 1);

	(void)state;
	assert_int_equal(payroll_source_slurp(gz, 1024, PAYROLL_SLURP_GUNZIP, &b, NULL, &err), 0);
	assert_string_equal(b.p, text);
	payroll_buf_reset(&b);
	/* without the flag the bytes are as they are */
	assert_int_equal(payroll_source_slurp(gz, 1024, 0, &b, NULL, &err), 0);
	assert_int_equal((unsigned char)b.p[0], 0x1f);
	assert_int_equal((unsigned char)b.p[1], 0x8b);
	payroll_buf_reset(&b);
	/* a plain file through the gzip reader is read as it is */
	assert_int_equal(payroll_source_slurp(put("plain.csv", text), 1024, PAYROLL_SLURP_GUNZIP,
					      &b, NULL, &err), 0);
	assert_string_equal(b.p, text);
	payroll_buf_reset(&b);
	/* the limit counts the bytes after gunzip */
	assert_int_equal(payroll_source_slurp(gz, sizeof text - 2, PAYROLL_SLURP_GUNZIP, &b, NULL,
					      &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "too-big");
	payroll_buf_release(&b);
}

static void
slurp_secret_is_one_allocation(void **state)
{
	struct payroll_buf b = { 0 };
	struct payroll_error err;
	size_t cap;

	(void)state;
	assert_int_equal(payroll_source_slurp(put_n("key", 300, 'k'), 4096,
					      PAYROLL_SLURP_SECRET | PAYROLL_SLURP_REGULAR, &b,
					      NULL, &err), 0);
	assert_int_equal(b.len, 300);
	assert_true(b.cap >= 4097);
	cap = b.cap;
	payroll_buf_release(&b);
	/* room for the limit from the start: a file of the limit never moves it */
	assert_int_equal(payroll_source_slurp(put_n("key1", 4096, 'k'), 4096, PAYROLL_SLURP_SECRET,
					      &b, NULL, &err), 0);
	assert_int_equal(b.cap, cap);
	payroll_buf_release(&b);
	assert_int_equal(payroll_source_slurp(put_n("key2", 4097, 'k'), 4096, PAYROLL_SLURP_SECRET,
					      &b, NULL, &err), PAYROLL_EFORMAT);
	assert_int_equal(b.len, 0);
	payroll_buf_release(&b);
}

/* Read all of a source as UTF-8 into out. */
static size_t
read_source(const char *path, enum payroll_encoding enc, char *out, size_t n,
	    enum payroll_encoding *used)
{
	struct payroll_source *s;
	struct payroll_error err;
	size_t len = 0;
	ssize_t r;

	assert_int_equal(payroll_source_open(&s, path, enc, &err), 0);
	while ((r = payroll_source_read(s, out + len, n - 1 - len, &err)) > 0)
		len += (size_t)r;
	assert_int_equal(r, 0);
	out[len] = '\0';
	*used = payroll_source_encoding(s);
	payroll_source_close(s);
	return len;
}

static void
encodings(void **state)
{
	static const char utf8[] = "姓名,低保,开户行\n张三,特困,中国银行\n";
	static const char gb[] = "\xd0\xd5\xc3\xfb\x2c\xb5\xcd\xb1\xa3\x2c\xbf\xaa\xbb\xa7\xd0\xd0\x0a"
				 "\xd5\xc5\xc8\xfd\x2c\xcc\xd8\xc0\xa7\x2c\xd6\xd0\xb9\xfa\xd2\xf8\xd0\xd0\x0a";
	enum payroll_encoding used;
	char out[256], bom[128];

	(void)state;
	read_source(put("gb.csv", gb), PAYROLL_ENC_AUTO, out, sizeof out, &used);
	assert_int_equal(used, PAYROLL_ENC_GB18030);
	assert_string_equal(out, utf8);
	read_source(put("u.csv", utf8), PAYROLL_ENC_AUTO, out, sizeof out, &used);
	assert_int_equal(used, PAYROLL_ENC_UTF8);
	assert_string_equal(out, utf8);
	snprintf(bom, sizeof bom, "\xef\xbb\xbf%s", utf8);
	read_source(put("bom.csv", bom), PAYROLL_ENC_AUTO, out, sizeof out, &used);
	assert_string_equal(out, utf8);
	read_source(put_gz("gb.csv.gz", gb, sizeof gb - 1), PAYROLL_ENC_AUTO, out, sizeof out, &used);
	assert_int_equal(used, PAYROLL_ENC_GB18030);
	assert_string_equal(out, utf8);
	/* named, not detected */
	read_source(path_of("gb.csv"), PAYROLL_ENC_GB18030, out, sizeof out, &used);
	assert_string_equal(out, utf8);
	assert_int_equal(payroll_encoding_parse("gbk"), PAYROLL_ENC_GB18030);
	assert_int_equal(payroll_encoding_parse("utf-8"), PAYROLL_ENC_UTF8);
	assert_int_equal(payroll_encoding_parse("auto"), PAYROLL_ENC_AUTO);
	assert_int_equal(payroll_encoding_parse("latin1"), -1);
}

/* Every invalid UTF-8 byte becomes U+FFFD and valid text passes whole,
 * at every read size and every place in an ASCII run (eight bytes are
 * taken at a time); payroll_source_clean says no once a read holds a
 * replacement, a control byte but LF and CR, U+FFFD or U+FEFF. */
static void
utf8_replacement_and_clean(void **state)
{
	static const struct {
		const char *in, *out;
		int clean;
	} cases[] = {
		{ "中文\xef\xbc\x8c\xf0\x9f\x98\x80\xc3\xa9\n", "中文\xef\xbc\x8c\xf0\x9f\x98\x80\xc3\xa9\n", 1 },
		{ "\r\n\r", "\r\n\r", 1 },
		{ "\xff\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },
		{ "\xf5\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },
		{ "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },	/* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },	/* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", 0 },
		{ "\xe4\xb8x", "\xef\xbf\xbd\xef\xbf\xbdx", 0 },
		{ "\xef\xbf\xbd", "\xef\xbf\xbd", 0 },	/* U+FFFD in the file */
		{ "\xef\xbb\xbf", "\xef\xbb\xbf", 0 },	/* U+FEFF not at the start */
		{ "\t", "\t", 0 },
		{ "\x7f", "\x7f", 0 },
		{ "\x01", "\x01", 0 },
	};
	struct payroll_buf in = { 0 }, want = { 0 }, got = { 0 };
	struct payroll_source *s;
	struct payroll_error err;
	char buf[64];
	size_t c, pre, n;
	ssize_t r;
	int clean;

	(void)state;
	for (c = 0; c < sizeof cases / sizeof *cases; c++) {
		for (pre = 1; pre < 10; pre++) {	/* a BOM at 0 is dropped */
			payroll_buf_reset(&in);
			payroll_buf_reset(&want);
			payroll_buf_addf(&in, "%.*s%s%.*s", (int)pre, "abcdefghij", cases[c].in,
					 (int)(9 - pre), "klmnopqrs");
			payroll_buf_addf(&want, "%.*s%s%.*s", (int)pre, "abcdefghij", cases[c].out,
					 (int)(9 - pre), "klmnopqrs");
			for (n = 4; n <= 20; n += 16) {
				assert_int_equal(payroll_source_open(&s, put("d.csv", in.p), PAYROLL_ENC_UTF8,
									 &err), 0);
				payroll_buf_reset(&got);
				clean = 1;
				while ((r = payroll_source_read(s, buf, n, &err)) > 0) {
					payroll_buf_add(&got, buf, (size_t)r);
					clean &= payroll_source_clean(s);
				}
				assert_int_equal(r, 0);
				payroll_source_close(s);
				assert_string_equal(payroll_buf_str(&got), payroll_buf_str(&want));
				assert_int_equal(clean, cases[c].clean);
			}
		}
	}
	payroll_buf_release(&in);
	payroll_buf_release(&want);
	payroll_buf_release(&got);
}

/* Skipping lines without decoding them leaves the source where the
 * decoded text after the same line ends begins: LF, CRLF (also cut in two
 * by the skip), lone CR and blank lines, in UTF-8 and GB18030, gzip or
 * not, one skip or one line at a time; bad bytes skipped are not counted,
 * and an input in neither encoding fails as a read does. */
static void
skip_lines_without_decoding(void **state)
{
	static const char utf8[] = "姓名\r\n张三\r低保\n\n开户行\r\rend";
	static const char gb[] = "\xd0\xd5\xc3\xfb\r\n\xd5\xc5\xc8\xfd\r\xb5\xcd\xb1\xa3\n\n"
				 "\xbf\xaa\xbb\xa7\xd0\xd0\r\rend";
	/* what is left after k lines, and whether a CR was the last byte */
	static const struct {
		const char *rest;
		int cr;
	} after[] = {
		{ utf8, 0 },
		{ "\n张三\r低保\n\n开户行\r\rend", 1 },
		{ "低保\n\n开户行\r\rend", 1 },
		{ "\n开户行\r\rend", 0 },
		{ "开户行\r\rend", 0 },
		{ "\rend", 1 },
		{ "end", 1 },
		{ "", 0 },
	};
	const char *paths[4];
	struct payroll_source *s;
	struct payroll_error err;
	char out[256];
	size_t len, f;
	long k, i;
	ssize_t r;
	int cr;

	(void)state;
	paths[0] = strdup(put("skip-u.csv", utf8));
	paths[1] = strdup(put("skip-gb.csv", gb));
	paths[2] = strdup(put_gz("skip-u.csv.gz", utf8, sizeof utf8 - 1));
	paths[3] = strdup(put_gz("skip-gb.csv.gz", gb, sizeof gb - 1));
	for (f = 0; f < 4; f++) {
		for (k = 0; k < 8; k++) {
			for (i = 0; i < 2; i++) {	/* k lines at once, or one by one */
				long got = 0, n;

				assert_int_equal(payroll_source_open(&s, paths[f], PAYROLL_ENC_AUTO, &err), 0);
				assert_int_equal(payroll_source_encoding(s),
						 f % 2 ? PAYROLL_ENC_GB18030 : PAYROLL_ENC_UTF8);
				cr = 0;
				if (i == 0) {
					got = payroll_source_skip_lines(s, k, &cr, &err);
				} else {
					while (got < k && (n = payroll_source_skip_lines(s, 1, &cr, &err)) == 1)
						got++;
				}
				assert_int_equal(got, k < 7 ? k : 6);
				assert_int_equal(cr, after[k].cr);
				len = 0;
				while ((r = payroll_source_read(s, out + len, sizeof out - 1 - len, &err)) > 0)
					len += (size_t)r;
				assert_int_equal(r, 0);
				out[len] = '\0';
				assert_string_equal(out, after[k].rest);
				payroll_source_close(s);
			}
		}
		free((void *)paths[f]);
	}
	/* bad bytes in a line skipped: dropped, not counted */
	assert_int_equal(payroll_source_open(&s, put("skip-bad.csv", "\x80\xff\nok\xff\n"),
					     PAYROLL_ENC_UTF8, &err), 0);
	cr = 0;
	assert_int_equal(payroll_source_skip_lines(s, 1, &cr, &err), 1);
	assert_int_equal(payroll_source_bad_sequences(s), 0);
	assert_int_equal(payroll_source_read(s, out, sizeof out, &err), 6);
	assert_memory_equal(out, "ok\xef\xbf\xbd\n", 6);
	assert_int_equal(payroll_source_bad_sequences(s), 1);
	payroll_source_close(s);
	/* neither encoding */
	assert_int_equal(payroll_source_open(&s, put("skip-bin.csv", "\xff\xff\xff\xff\n"),
					     PAYROLL_ENC_AUTO, &err), 0);
	assert_int_equal(payroll_source_skip_lines(s, 1, &cr, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-encoding");
	payroll_source_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slurp_reads_up_to_the_limit),
		cmocka_unit_test(slurp_one_error_for_too_big),
		cmocka_unit_test(slurp_missing_and_not_regular),
		cmocka_unit_test(slurp_gunzips_and_limits_after),
		cmocka_unit_test(slurp_secret_is_one_allocation),
		cmocka_unit_test(encodings),
		cmocka_unit_test(utf8_replacement_and_clean),
		cmocka_unit_test(skip_lines_without_decoding),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
