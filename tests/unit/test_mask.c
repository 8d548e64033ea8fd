/* Masking names by character for the disclosure list (SPEC 8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "error.h"
#include "mask.h"

static void
masks(void **state)
{
	static const char *const t[][2] = {
		{ "周", "周" }, { "张伟", "张*" }, { "张三丰", "张*丰" }, { "欧阳娜娜", "欧**娜" },
		{ "买买提·吐尔逊", "买*****逊" }, { "Li", "L*" }, { "Lei", "L*i" }, { "A", "A" },
		{ "𠀀𠀁𠀂", "𠀀*𠀂" },
	};
	struct payroll_buf b = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		payroll_buf_reset(&b);
		assert_int_equal(payroll_mask_name(t[i][0], strlen(t[i][0]), &b), 0);
		assert_string_equal(payroll_buf_str(&b), t[i][1]);
	}
	payroll_buf_release(&b);
}

static void
refuses_bad_utf8(void **state)
{
	static const char *const bad[] = { "", "\xd5\xc5", "张\xff", "\xe5\xbc", "\xc0\x80", "\xed\xa0\x80" };
	struct payroll_buf b = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		payroll_buf_reset(&b);
		assert_int_equal(payroll_mask_name(bad[i], strlen(bad[i]), &b), PAYROLL_EFORMAT);
		assert_int_equal(b.len, 0);
	}
	payroll_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masks),
		cmocka_unit_test(refuses_bad_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
