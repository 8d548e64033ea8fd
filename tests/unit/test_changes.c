/* SPDX-License-Identifier: Apache-2.0 */
/* payroll changes (SPEC 12): each class and each reason on its own, the
 * totals, and the names of formats, classes and reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "changes.h"
#include "error.h"

#define TMP_NAME "test_changes"
#include "tmpfiles.h"

#define HEAD "period,case_id,program,item,month,region,locality,name,id_number,bank,account,account_name,members,amount,basis\n"
/* a line of case C1 in period P; the rest as given */
#define L(p, prog, item, month, acct, m, amt) \
	p ",C1," prog "," item "," month ",220402,x,张三,220402195101010012,ICBC," acct ",张三," m "," amt ",x\n"
#define BASE L("2026-10", "subsistence", "allowance", "2026-10", "6222020200000000011", "3", "630.00")

/* Compare OLD with NEW; the result in *r (report to a file). */
static int
run(const char *old, const char *new_, struct payroll_changes_result *r)
{
	struct payroll_changes_opts o = { 0 };
	struct payroll_error err;
	char out[300];
	int rc;

	snprintf(out, sizeof out, "%s/report", dir);
	o.old_path = put("old.csv", old);
	o.new_path = put("new.csv", new_);
	o.format = PAYROLL_CHANGES_JSON;
	o.output = out;
	rc = payroll_changes(&o, r, &err);
	if (rc)
		fprintf(stderr, "%s:%ld: %s: %s\n", err.file, err.line, err.code, err.message);
	return rc;
}

/* NEW, a changed version of BASE one month later, must give exactly reason. */
static void
one_reason(const char *new_, int reason)
{
	struct payroll_changes_result r;
	int i;

	assert_int_equal(run(HEAD BASE, new_, &r), 0);
	assert_int_equal(r.cls[PAYROLL_CHANGE_CHANGED].households, 1);
	assert_int_equal(r.cls[PAYROLL_CHANGE_UNCHANGED].households, 0);
	for (i = 0; i < PAYROLL_CHANGE_NREASON; i++)
		assert_int_equal(r.by_reason[i], i == reason);
	assert_int_equal(r.all.amount[0], r.sum[0]);
	assert_int_equal(r.all.amount[1], r.sum[1]);
}

static void
reason_amount(void **state)
{
	(void)state;
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "640.00"),
		   PAYROLL_CHANGE_AMOUNT);
	/* a supplement added is an amount change too */
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00")
			L("2026-11", "subsistence", "supplement", "2026-11", "6222020200000000011", "3", "10.00"),
		   PAYROLL_CHANGE_AMOUNT);
}

static void
reason_members(void **state)
{
	(void)state;
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "4", "630.00"),
		   PAYROLL_CHANGE_MEMBERS);
}

static void
reason_program(void **state)
{
	(void)state;
	one_reason(HEAD L("2026-11", "extreme-poverty", "basic-living", "2026-11", "6222020200000000011", "3", "630.00"),
		   PAYROLL_CHANGE_PROGRAM);
}

static void
reason_account(void **state)
{
	(void)state;
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000012", "3", "630.00"),
		   PAYROLL_CHANGE_ACCOUNT);
	/* the bank alone, or the account name alone, counts */
	one_reason(HEAD "2026-11,C1,subsistence,allowance,2026-11,220402,x,张三,220402195101010012,ABC,"
			"6222020200000000011,张三,3,630.00,x\n", PAYROLL_CHANGE_ACCOUNT);
	one_reason(HEAD "2026-11,C1,subsistence,allowance,2026-11,220402,x,张三,220402195101010012,ICBC,"
			"6222020200000000011,张三丰,3,630.00,x\n", PAYROLL_CHANGE_ACCOUNT);
}

static void
reason_arrears(void **state)
{
	(void)state;
	/* arrears alone make a case changed; the regular amount is the period's own */
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-09", "6222020200000000011", "3", "600.00")
			L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00"),
		   PAYROLL_CHANGE_ARREARS);
}

static void
reason_subsidy(void **state)
{
	(void)state;
	one_reason(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00")
			L("2026-11", "subsistence", "subsidy:price", "2026-11", "6222020200000000011", "3", "90.00"),
		   PAYROLL_CHANGE_SUBSIDY);
}

static void
subsidies_in_any_order(void **state)
{
	struct payroll_changes_result r;

	(void)state;
	assert_int_equal(run(HEAD BASE L("2026-10", "subsistence", "subsidy:a", "2026-10", "6222020200000000011", "3", "1.00")
				  L("2026-10", "subsistence", "subsidy:b", "2026-10", "6222020200000000011", "3", "2.00"),
			     HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00")
				  L("2026-11", "subsistence", "subsidy:b", "2026-11", "6222020200000000011", "3", "2.00")
				  L("2026-11", "subsistence", "subsidy:a", "2026-11", "6222020200000000011", "3", "1.00"),
			     &r), 0);
	assert_int_equal(r.cls[PAYROLL_CHANGE_UNCHANGED].households, 1);
	/* the same amounts under each other's names differ */
	assert_int_equal(run(HEAD BASE L("2026-10", "subsistence", "subsidy:a", "2026-10", "6222020200000000011", "3", "1.00")
				  L("2026-10", "subsistence", "subsidy:b", "2026-10", "6222020200000000011", "3", "2.00"),
			     HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00")
				  L("2026-11", "subsistence", "subsidy:a", "2026-11", "6222020200000000011", "3", "2.00")
				  L("2026-11", "subsistence", "subsidy:b", "2026-11", "6222020200000000011", "3", "1.00"),
			     &r), 0);
	assert_int_equal(r.by_reason[PAYROLL_CHANGE_SUBSIDY], 1);
}

static void
classes_and_totals(void **state)
{
	struct payroll_changes_result r;

	(void)state;
	assert_int_equal(run(HEAD BASE "2026-10,C2,subsistence,allowance,2026-10,220402,x,李四,1,ICBC,1,李四,2,100.00,x\n",
			     HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "630.00")
			     "2026-11,C3,subsistence,allowance,2026-11,220402,x,王五,1,ICBC,2,王五,4,50.00,x\n"
			     "2026-11,C1,temporary,temporary,2026-11,220402,x,张三,1,ICBC,2,张三,1,7.00,x\n",
			     &r), 0);
	assert_int_equal(r.cls[PAYROLL_CHANGE_UNCHANGED].households, 1);
	assert_int_equal(r.cls[PAYROLL_CHANGE_STOPPED].households, 1);
	assert_int_equal(r.cls[PAYROLL_CHANGE_STOPPED].persons[0], 2);
	assert_int_equal(r.cls[PAYROLL_CHANGE_STOPPED].amount[0], 10000);
	/* C3 and the grant C1 (a case of its own) are new */
	assert_int_equal(r.cls[PAYROLL_CHANGE_NEW].households, 2);
	assert_int_equal(r.cls[PAYROLL_CHANGE_NEW].persons[1], 5);
	assert_int_equal(r.cls[PAYROLL_CHANGE_NEW].amount[1], 5700);
	assert_int_equal(r.all.households, 4);
	assert_int_equal(r.all.amount[0], 73000);
	assert_int_equal(r.all.amount[1], 63000 + 5700);
	assert_int_equal(r.lines[1], 3);
	assert_int_equal(r.cases[0], 2);
	assert_int_equal(r.cases[1], 3);
	assert_string_equal(r.period[0], "2026-10");
	assert_string_equal(r.period[1], "2026-11");
}

static void
errors_leave_no_report(void **state)
{
	struct payroll_changes_result r;
	char out[300];

	(void)state;
	snprintf(out, sizeof out, "%s/report", dir);
	unlink(out);
	assert_int_equal(run(HEAD L("2026-11", "subsistence", "allowance", "2026-11", "6222020200000000011", "3", "1.00"),
			     HEAD BASE, &r), PAYROLL_EFORMAT);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(run(HEAD BASE BASE "2026-10,C2,subsistence,allowance,2026-10,220402,x,李四,1,ICBC,1,李四,2,100.00,x\n" BASE,
			     HEAD BASE, &r), PAYROLL_EFORMAT);
	assert_int_equal(access(out, F_OK), -1);
}

static void
names(void **state)
{
	(void)state;
	assert_int_equal(payroll_changes_format_parse("text"), PAYROLL_CHANGES_TEXT);
	assert_int_equal(payroll_changes_format_parse("csv"), PAYROLL_CHANGES_CSV);
	assert_int_equal(payroll_changes_format_parse("json"), PAYROLL_CHANGES_JSON);
	assert_int_equal(payroll_changes_format_parse("html"), PAYROLL_CHANGES_HTML);
	assert_int_equal(payroll_changes_format_parse("pdf"), -1);
	assert_string_equal(payroll_changes_class_name(PAYROLL_CHANGE_STOPPED), "stopped");
	assert_string_equal(payroll_changes_reason_name(PAYROLL_CHANGE_ARREARS), "arrears");
	assert_string_equal(payroll_changes_reason_name(PAYROLL_CHANGE_NREASON), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reason_amount),
		cmocka_unit_test(reason_members),
		cmocka_unit_test(reason_program),
		cmocka_unit_test(reason_account),
		cmocka_unit_test(reason_arrears),
		cmocka_unit_test(reason_subsidy),
		cmocka_unit_test(subsidies_in_any_order),
		cmocka_unit_test(classes_and_totals),
		cmocka_unit_test(errors_leave_no_report),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
