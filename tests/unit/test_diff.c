/* The keyed diff (SPEC 9): option parsing and the result counts and sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diff.h"
#include "error.h"

static char dir[] = "/tmp/test_diff.XXXXXX";

static const char *
put(const char *name, const char *text)
{
	static char path[4][256];
	static int i;
	FILE *f;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s/%s", dir, name);
	f = fopen(path[i], "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path[i];
}

static void
parses(void **state)
{
	(void)state;
	assert_int_equal(payroll_diff_format_parse("text"), PAYROLL_DIFF_TEXT);
	assert_int_equal(payroll_diff_format_parse("csv"), PAYROLL_DIFF_CSV);
	assert_int_equal(payroll_diff_format_parse("json"), PAYROLL_DIFF_JSON);
	assert_int_equal(payroll_diff_format_parse("xml"), -1);
	assert_int_equal(payroll_diff_only_parse("added"), PAYROLL_DIFF_ADDED);
	assert_int_equal(payroll_diff_only_parse("removed,changed"),
			 PAYROLL_DIFF_REMOVED | PAYROLL_DIFF_CHANGED);
	assert_int_equal(payroll_diff_only_parse(""), -1);
	assert_int_equal(payroll_diff_only_parse("added,"), -1);
	assert_int_equal(payroll_diff_only_parse("moved"), -1);
}

static void
counts_and_sums(void **state)
{
	struct payroll_diff_opts o = { 0 };
	struct payroll_diff_result r;
	struct payroll_error err;
	char out[300];

	(void)state;
	snprintf(out, sizeof out, "%s/report", dir);
	o.old_path = put("old.csv", "id,name,amount\n1,a,10.00\n2,b,20.00\n3,c,30.00\n4,d,-1.50\n");
	o.new_path = put("new.csv", "amount,id,name\n20.00,2,b\n31.00,3,c\n-1.50,4,d\n5.00,5,e\n");
	o.key = "id";
	o.output = out;
	assert_int_equal(payroll_diff(&o, &r, &err), 0);
	assert_int_equal(r.old_rows, 4);
	assert_int_equal(r.new_rows, 4);
	assert_int_equal(r.added, 1);
	assert_int_equal(r.removed, 1);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.unchanged, 2);
	assert_int_equal(r.has_amount, 1);
	assert_int_equal(r.old_sum, 5850);
	assert_int_equal(r.new_sum, 5450);
	assert_int_equal(r.added_sum, 500);
	assert_int_equal(r.removed_sum, 1000);
	assert_int_equal(r.different, 1);
	/* the same with the sides swapped (the other file indexed) */
	o.old_path = put("new2.csv", "amount,id,name\n20.00,2,b\n31.00,3,c\n-1.50,4,d\n5.00,5,e\n");
	o.new_path = put("old2.csv", "id,name,amount\n1,a,10.00\n2,b,20.00\n3,c,30.00\n4,d,-1.50\n");
	assert_int_equal(payroll_diff(&o, &r, &err), 0);
	assert_int_equal(r.added, 1);
	assert_int_equal(r.removed, 1);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.added_sum, 1000);
	/* tolerance */
	o.tolerance = "1";
	o.only = PAYROLL_DIFF_CHANGED;
	assert_int_equal(payroll_diff(&o, &r, &err), 0);
	assert_int_equal(r.changed, 0);
	assert_int_equal(r.different, 0);
}

static void
errors(void **state)
{
	struct payroll_diff_opts o = { 0 };
	struct payroll_diff_result r;
	struct payroll_error err;
	char out[300];

	(void)state;
	snprintf(out, sizeof out, "%s/report-err", dir);
	o.output = out;
	o.key = "id";
	o.old_path = put("d1.csv", "id,amount\n1,1.00\n2,2.00\n1,3.00\n");
	o.new_path = put("d2.csv", "id,amount\n1,1.00\n");
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "duplicate-key");
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.message, "line 2"));
	assert_int_equal(access(out, F_OK), -1);
	o.key = "nope";
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EUSAGE);
	assert_string_equal(err.code, "missing-column");
	o.key = "id";
	o.new_path = put("d3.csv", "id,amount\n1,1.000\n");
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EFORMAT);
	o.old_path = "-";
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses),
		cmocka_unit_test(counts_and_sums),
		cmocka_unit_test(errors),
	};
	char cmd[100];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
