/* SPDX-License-Identifier: Apache-2.0 */
/* test_layout: the layout language, record formatting and splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>

#include "layout.h"
#include "layout_builtin.h"
#include "banned.h"

static struct payroll_layout *
parse_ok(const char *text)
{
	struct payroll_layout *l = NULL;
	struct payroll_error err;

	payroll_error_clear(&err);
	if (payroll_layout_parse(&l, "t.layout", text, strlen(text), &err))
		fail_msg("parse failed: %ld %s %s", err.line, err.code, err.message);
	return l;
}

static void
parse_fails(const char *text, long line, const char *code)
{
	struct payroll_layout *l = NULL;
	struct payroll_error err;

	payroll_error_clear(&err);
	assert_int_equal(payroll_layout_parse(&l, "t.layout", text, strlen(text), &err),
			 PAYROLL_EFORMAT);
	assert_null(l);
	assert_string_equal(err.file, "t.layout");
	assert_string_equal(err.code, code);
	assert_int_equal(err.line, line);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	parse_fails("[layout]\nformat = fixed\nformat = fixed\n[detail]\nfield = seq width=1\n",
		    3, "duplicate-key");
	parse_fails("[layout]\nformat = round\n", 2, "bad-value");
	parse_fails("format = fixed\n", 1, "bad-line");
	parse_fails("[layout]\nformat = delimited\n[detail]\nfield = seq\n", 0, "missing-key");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = seq width=0\n", 4, "bad-option");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = seq width=8 unit=yuan\n", 4,
		    "bad-option");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = amount width=8 overflow=cut\n", 4,
		    "bad-option");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = \"ABC\" width=2\n", 4, "bad-const");
	parse_fails("[layout]\nformat = fixed\nencoding = gbk\n[detail]\nfield = \"\xe4\xb8\xad\" width=1\n",
		    5, "bad-const");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = seq width=8\n[detail]\nfield = seq width=8\n",
		    5, "duplicate-key");
	parse_fails("[layout]\nformat = fixed\ncontrol-suffix = .ctl\n[detail]\nfield = seq width=8\n",
		    0, "missing-key");
	parse_fails("[layout]\nformat = fixed\n[detail]\n", 3, "bad-line");
	parse_fails("[layout]\nformat = fixed\n[trailer]\nfield = ref width=8\n", 4, "bad-source");
	parse_fails("[layout]\nformat = fixed\n[detail]\nfield = seq width=8 \"x\"\n", 4, "bad-option");
	parse_fails("[layout]\nformat = fixed\n\xff\n", 0, "bad-encoding");
}

static void
test_builtins_parse(void **state)
{
	struct payroll_layout *l;
	struct payroll_error err;

	(void)state;
	assert_int_equal(payroll_layout_builtin(&l, "fixed-gbk", &err), 0);
	assert_int_equal(payroll_layout_record(l, PAYROLL_REC_DETAIL, 0)->width, 158);
	assert_int_equal(payroll_layout_record(l, PAYROLL_REC_HEADER, 0)->width, 158);
	assert_int_equal(payroll_layout_record(l, PAYROLL_REC_TRAILER, 0)->width, 158);
	assert_string_equal(payroll_layout_eol(l), "\r\n");
	assert_true(payroll_layout_uses(l, PAYROLL_REC_HEADER, PAYROLL_SRC_COUNT));
	assert_false(payroll_layout_uses(l, PAYROLL_REC_DETAIL, PAYROLL_SRC_COUNT));
	payroll_layout_free(l);
	assert_int_equal(payroll_layout_builtin(&l, "csv", &err), 0);
	assert_string_equal(payroll_layout_control_suffix(l), ".ctl");
	assert_int_equal(payroll_layout_nrecords(l, PAYROLL_REC_CONTROL), 2);
	payroll_layout_free(l);
	assert_int_equal(payroll_layout_builtin(&l, "pain002", &err), PAYROLL_EUSAGE);
	assert_string_equal(err.code, "unknown-layout");
}

/* A GB18030 name cut at 5 bytes: "张三" is 4 bytes, "A" 1, "丰" would cross. */
static void
test_cut_at_character(void **state)
{
	struct payroll_layout *l = parse_ok(
		"[layout]\nformat = fixed\nencoding = gb18030\n[detail]\n"
		"field = account_name width=6 pad=*\nfield = amount width=6 pad=zero unit=fen\n");
	const struct payroll_layout_record *r = payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
	struct payroll_layout_values v;
	struct payroll_buf out = { 0 };
	struct payroll_error err;
	uint64_t cut;

	(void)state;
	memset(&v, 0, sizeof v);
	v.text[PAYROLL_SRC_ACCOUNT_NAME] = "张三A丰丰";
	v.num[PAYROLL_SRC_AMOUNT] = 1234;
	assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err), 0);
	assert_int_equal(cut, 1);
	assert_int_equal(out.len, 13);
	assert_memory_equal(out.p, "\xd5\xc5\xc8\xfd" "A*001234\n", 13);

	/* an amount too wide is an error, never cut */
	payroll_buf_reset(&out);
	v.text[PAYROLL_SRC_ACCOUNT_NAME] = "x";
	v.num[PAYROLL_SRC_AMOUNT] = 12345678;
	assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "field-overflow");
	payroll_buf_release(&out);
	payroll_layout_free(l);
}

static void
test_split_fixed_roundtrip(void **state)
{
	struct payroll_layout *l;
	const struct payroll_layout_record *r;
	struct payroll_layout_values v;
	struct payroll_buf out = { 0 }, vals = { 0 };
	struct payroll_error err;
	size_t off[8];
	uint64_t cut;

	(void)state;
	assert_int_equal(payroll_layout_builtin(&l, "fixed-gbk", &err), 0);
	r = payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
	memset(&v, 0, sizeof v);
	v.num[PAYROLL_SRC_SEQ] = 7;
	v.text[PAYROLL_SRC_BANK] = "ICBC";
	v.text[PAYROLL_SRC_ACCOUNT] = "6222024300001234566";
	v.text[PAYROLL_SRC_ACCOUNT_NAME] = "欧阳娜娜";
	v.num[PAYROLL_SRC_AMOUNT] = 128000;
	v.text[PAYROLL_SRC_REF] = "2024-03-C003";
	assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err), 0);
	assert_int_equal(cut, 0);
	assert_int_equal(out.len, 160);
	assert_int_equal(payroll_layout_split(l, r, out.p, out.len - 2, &vals, off, &err), 0);
	assert_string_equal(vals.p + off[0], "D");
	assert_string_equal(vals.p + off[1], "7");
	assert_string_equal(vals.p + off[2], "ICBC");
	assert_string_equal(vals.p + off[4], "欧阳娜娜");
	assert_string_equal(vals.p + off[5], "128000");
	assert_string_equal(vals.p + off[6], "2024-03-C003");
	assert_int_equal(payroll_layout_split(l, r, out.p, out.len - 3, &vals, off, &err),
			 PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-record");
	payroll_buf_release(&out);
	payroll_buf_release(&vals);
	payroll_layout_free(l);
}

static void
test_split_delimited(void **state)
{
	struct payroll_layout *l = parse_ok(
		"[layout]\nformat = delimited\ndelimiter = ,\nquote = csv\n[detail]\n"
		"field = seq\nfield = account_name\nfield = amount\n");
	struct payroll_layout *g = parse_ok(
		"[layout]\nformat = delimited\ndelimiter = |\nencoding = gbk\n[detail]\n"
		"field = account_name\nfield = ref\n");
	const struct payroll_layout_record *r = payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
	struct payroll_layout_values v;
	struct payroll_buf out = { 0 }, vals = { 0 };
	struct payroll_error err;
	size_t off[4];
	uint64_t cut;
	/* "珅" is 0xab 0x7c in GBK: its trail byte is '|' */
	const char gbk[] = "\xab\x7c|R1";

	(void)state;
	memset(&v, 0, sizeof v);
	v.num[PAYROLL_SRC_SEQ] = 1;
	v.text[PAYROLL_SRC_ACCOUNT_NAME] = "a,\"b\"";
	v.num[PAYROLL_SRC_AMOUNT] = 5;
	assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err), 0);
	assert_string_equal(out.p, "1,\"a,\"\"b\"\"\",0.05\n");
	assert_int_equal(payroll_layout_split(l, r, out.p, out.len - 1, &vals, off, &err), 0);
	assert_string_equal(vals.p + off[1], "a,\"b\"");
	assert_string_equal(vals.p + off[2], "0.05");
	assert_int_equal(payroll_layout_split(l, r, "1,2", 3, &vals, off, &err), PAYROLL_EFORMAT);
	assert_int_equal(payroll_layout_split(l, r, "1,2,3,4", 7, &vals, off, &err), PAYROLL_EFORMAT);
	assert_int_equal(payroll_layout_split(l, r, "1,,", 3, &vals, off, &err), 0);

	r = payroll_layout_record(g, PAYROLL_REC_DETAIL, 0);
	assert_int_equal(payroll_layout_split(g, r, gbk, strlen(gbk), &vals, off, &err), 0);
	assert_string_equal(vals.p + off[0], "珅");
	assert_string_equal(vals.p + off[1], "R1");
	/* quote none: a delimiter in a value is refused */
	v.text[PAYROLL_SRC_ACCOUNT_NAME] = "a|b";
	payroll_buf_reset(&out);
	assert_int_equal(payroll_layout_format(g, r, &v, &out, &cut, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "delimiter-in-value");
	payroll_buf_release(&out);
	payroll_buf_release(&vals);
	payroll_layout_free(l);
	payroll_layout_free(g);
}

/* Each CJK ideograph (U+4E00..U+9FFF) as iconv converts it, alone and
 * between ASCII, the first time (the table filled) and again (read from
 * it); a character the encoding cannot hold is bad-char both times. */
static void
test_cjk_as_iconv(void **state)
{
	static const char *const enc[] = { "gbk", "gb18030" }, *const code[] = { "GBK", "GB18030" };
	struct payroll_layout_values v;
	struct payroll_buf out = { 0 };
	struct payroll_error err;
	char layout[160], text[8], want[16], *ip, *op;
	size_t il, ol, e;
	unsigned cp;
	uint64_t cut;
	int round, rc;

	(void)state;
	memset(&v, 0, sizeof v);
	for (e = 0; e < 2; e++) {
		struct payroll_layout *l;
		const struct payroll_layout_record *r;
		iconv_t cd = iconv_open(code[e], "UTF-8");

		assert_true(cd != (iconv_t)-1);
		snprintf(layout, sizeof layout, "[layout]\nformat = delimited\ndelimiter = |\n"
			 "encoding = %s\n[detail]\nfield = account_name\n", enc[e]);
		l = parse_ok(layout);
		r = payroll_layout_record(l, PAYROLL_REC_DETAIL, 0);
		for (round = 0; round < 2; round++)
			for (cp = 0x4e00; cp <= 0x9fff; cp++) {
				text[0] = 'a';
				text[1] = (char)(0xe0 | cp >> 12);
				text[2] = (char)(0x80 | (cp >> 6 & 0x3f));
				text[3] = (char)(0x80 | (cp & 0x3f));
				text[4] = 'b';
				text[5] = '\0';
				ip = text;
				il = 5;
				op = want;
				ol = sizeof want;
				iconv(cd, NULL, NULL, NULL, NULL);
				rc = iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ? -1 : 0;
				v.text[PAYROLL_SRC_ACCOUNT_NAME] = text;
				payroll_buf_reset(&out);
				if (rc) {
					assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err),
							 PAYROLL_EFORMAT);
					assert_string_equal(err.code, "bad-char");
					continue;
				}
				*op++ = '\n';
				assert_int_equal(payroll_layout_format(l, r, &v, &out, &cut, &err), 0);
				assert_int_equal(out.len, (size_t)(op - want));
				assert_memory_equal(out.p, want, out.len);
			}
		iconv_close(cd);
		payroll_layout_free(l);
	}
	payroll_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_builtins_parse),
		cmocka_unit_test(test_cut_at_character),
		cmocka_unit_test(test_split_fixed_roundtrip),
		cmocka_unit_test(test_split_delimited),
		cmocka_unit_test(test_cjk_as_iconv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
