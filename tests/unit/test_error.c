/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_error: every return code has its own name through payroll_strerror,
 * and a filled error formats as FILE:LINE: CODE: message, parts that are
 * empty left out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"

static void
every_code_has_a_name(void **state)
{
	static const int codes[] = {
		PAYROLL_OK, PAYROLL_EUSAGE, PAYROLL_EIO, PAYROLL_ENOMEM, PAYROLL_EFORMAT,
		PAYROLL_EOVERFLOW, PAYROLL_ECRYPTO, PAYROLL_EBUSY, PAYROLL_EEXIST,
		PAYROLL_EINTERNAL,
	};
	const char *unknown = payroll_strerror(-1000);
	size_t i, j, n = sizeof codes / sizeof *codes;

	(void)state;
	assert_non_null(unknown);
	assert_string_equal(payroll_strerror(1), unknown);
	for (i = 0; i < n; i++) {
		const char *name = payroll_strerror(codes[i]);

		assert_non_null(name);
		assert_true(name[0] != '\0');
		assert_string_not_equal(name, unknown);
		for (j = 0; j < i; j++)
			assert_string_not_equal(name, payroll_strerror(codes[j]));
	}
	/* the codes are the consecutive negatives: none was skipped above */
	assert_int_equal(PAYROLL_EINTERNAL, -(int)(n - 1));
	assert_string_equal(payroll_strerror(PAYROLL_EINTERNAL - 1), unknown);
}

static void
format_names_file_line_code(void **state)
{
	struct payroll_error e;
	char buf[1200];

	(void)state;
	assert_int_equal(payroll_error_set(&e, PAYROLL_EFORMAT, "roster.csv", 17, 3, "bad-id-checksum",
					   "id number %s fails its check digit", "220402199001011234"),
			 PAYROLL_EFORMAT);
	payroll_error_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "roster.csv:17: bad-id-checksum: id number 220402199001011234 "
			    "fails its check digit");

	payroll_error_set(&e, PAYROLL_EIO, "ledger.csv", 0, 0, "io", "cannot open");
	payroll_error_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "ledger.csv: io: cannot open");

	payroll_error_set(&e, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "no files to sign");
	payroll_error_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "usage: no files to sign");

	payroll_error_clear(&e);
	assert_int_equal(payroll_error_format(&e, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void
format_reports_the_length_it_needed(void **state)
{
	struct payroll_error e;
	char small[8];
	int n;

	(void)state;
	payroll_error_set(&e, PAYROLL_EIO, "a.csv", 2, 0, "io", "x");
	n = payroll_error_format(&e, small, sizeof small);
	assert_int_equal(n, (int)strlen("a.csv:2: io: x"));
	assert_string_equal(small, "a.csv:2");
}

static void
errno_text_is_appended(void **state)
{
	struct payroll_error e;

	(void)state;
	errno = ENOENT;
	assert_int_equal(payroll_error_errno(&e, PAYROLL_EIO, "x.csv", "cannot open"), PAYROLL_EIO);
	assert_string_equal(e.code, "io");
	assert_string_equal(e.file, "x.csv");
	assert_int_equal(strncmp(e.message, "cannot open: ", 13), 0);
	assert_string_equal(e.message + 13, strerror(ENOENT));
	errno = ENOMEM;
	payroll_error_errno(&e, PAYROLL_ENOMEM, NULL, "out of memory");
	assert_string_equal(e.code, "no-memory");
}

static void
long_parts_are_cut_not_overflowed(void **state)
{
	struct payroll_error e;
	char path[3000], code[100];

	(void)state;
	memset(path, 'p', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	memset(code, 'c', sizeof code - 1);
	code[sizeof code - 1] = '\0';
	payroll_error_set(&e, PAYROLL_EFORMAT, path, 1, 0, code, "%s", path);
	assert_int_equal(strlen(e.file), sizeof e.file - 1);
	assert_int_equal(strlen(e.code), sizeof e.code - 1);
	assert_int_equal(strlen(e.message), sizeof e.message - 1);
	/* a NULL error is allowed and returns the code */
	assert_int_equal(payroll_error_set(NULL, PAYROLL_EIO, "f", 0, 0, "io", "m"), PAYROLL_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_has_a_name),
		cmocka_unit_test(format_names_file_line_code),
		cmocka_unit_test(format_reports_the_length_it_needed),
		cmocka_unit_test(errno_text_is_appended),
		cmocka_unit_test(long_parts_are_cut_not_overflowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
