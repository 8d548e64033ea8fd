/* SPDX-License-Identifier: Apache-2.0 */
/* The basis arithmetic of audit's basis-mismatch: every form calc writes
 * evaluates to its amount; a step that does not follow, an unknown
 * rounding and text that is not arithmetic are caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit.h"
#include "audit_basis.h"

static int64_t
eval(const char *basis)
{
	const char *why;
	int64_t fen = -1;

	assert_int_equal(payroll_audit_basis(basis, &fen, &why), 0);
	assert_null(why);
	return fen;
}

static void
calc_forms(void **state)
{
	(void)state;
	assert_int_equal(eval("720.00*3-600.00=1560.00"), 156000);
	assert_int_equal(eval("440.34*2-300.00=580.68 round(yuan-half-up)=581.00"), 58100);
	assert_int_equal(eval("450.00*4-1000.50=799.50 round(yuan-half-up)=800.00"), 80000);
	assert_int_equal(eval("max(440.34*1-420.00,40.00*1)=40.00"), 4000);
	assert_int_equal(eval("(720.00*20%=144.00)(severe-disability)+60.00(minor)=204.00"), 20400);
	assert_int_equal(eval("(450.00*20%=90.00)(severe-disability)+50.00(elderly-70)+60.00(minor)=200.00"), 20000);
	assert_int_equal(eval("(440.34*130%=572.44)*1=572.44 round(yuan-half-up)=572.00"), 57200);
	assert_int_equal(eval("(720.00*130%=936.00)*1=936.00"), 93600);
	assert_int_equal(eval("80.00(serious-illness)=80.00"), 8000);
	assert_int_equal(eval("2000.00"), 200000);
	assert_int_equal(eval("130%*410.00*1=533.00"), 53300);
	assert_int_equal(eval("min(3.00,2.50)=2.50"), 250);
	assert_int_equal(eval("10.01 round(yuan-up)=11.00"), 1100);
	assert_int_equal(eval("10.99 round(yuan-down)=10.00"), 1000);
	assert_int_equal(eval("10.99 round(fen)=10.99"), 1099);
}

static void
mismatches(void **state)
{
	static const char *const bad[] = {
		"", "720.00*3-600.00=1561.00", "440.34*2-300.00=580.68 round(yuan-half-up)=580.00",
		"(720.00*20%=145.00)+60.00=205.00", "10.00 round(sideways)=10.00",
		"approved 2000.00", "720.00*3-600.00=1560.00 extra", "max(1.00,2.00=2.00",
		"(1.00+2.00", "1.00=1.0", "1.23456", "10.00 round(yuan-up)", "1.00**2.00",
	};
	const char *why;
	int64_t fen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		assert_int_equal(payroll_audit_basis(bad[i], &fen, &why), 1);
		assert_non_null(why);
	}
	assert_int_equal(payroll_audit_basis(NULL, &fen, &why), 1);
}

static void
rule_names(void **state)
{
	(void)state;
	assert_string_equal(payroll_audit_rule_name(PAYROLL_AUDIT_SAME_PERSON), "same-person-twice");
	assert_string_equal(payroll_audit_rule_name(PAYROLL_AUDIT_BASIS_MISMATCH), "basis-mismatch");
	assert_string_equal(payroll_audit_rule_name(PAYROLL_AUDIT_NRULES), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calc_forms),
		cmocka_unit_test(mismatches),
		cmocka_unit_test(rule_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
