/* SPDX-License-Identifier: Apache-2.0 */
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

#define TMP_NAME "test_diff"
#include "tmpfiles.h"

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
	o.new_path = "-";
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EUSAGE);
	assert_string_equal(err.message, "only one of the files can be standard input");
}

/* Rows of the streamed file are looked up a few rows after they are read:
 * an earlier problem must still be the one reported. */
static void
first_error_first(void **state)
{
	struct payroll_diff_opts o = { 0 };
	struct payroll_diff_result r;
	struct payroll_error err;

	(void)state;
	o.output = "/dev/null";
	o.key = "id";
	/* OLD is the smaller (indexed); NEW streamed: duplicate of key 1 on
	 * line 3, a bad amount on line 4, inside the lookahead */
	o.old_path = put("f1.csv", "id,amount\n1,1.00\n");
	o.new_path = put("f2.csv", "id,amount\n1,1.00\n1,2.00\nx,1.000\n5,5.00\n6,6.00\n");
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "duplicate-key");
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "also on line 2"));
	/* the bad amount alone is reported as such */
	o.new_path = put("f3.csv", "id,amount\n1,1.00\n2,2.00\nx,1.000\n5,5.00\n6,6.00\n");
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-money");
	assert_int_equal(err.line, 4);
	/* a duplicate in the indexed file names its first pair in file order */
	o.old_path = put("f4.csv", "id,amount\n7,1.00\n8,1.00\n8,1.00\n7,1.00\n");
	assert_int_equal(payroll_diff(&o, &r, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "duplicate-key");
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.message, "also on line 3"));
}

/* Many rows, either file indexed: the same counts and sums. */
static void
both_sides_indexed(void **state)
{
	struct payroll_diff_opts o = { 0 };
	struct payroll_diff_result r1, r2;
	struct payroll_error err;
	FILE *f, *g;
	char p1[300], p2[300];
	int i;

	(void)state;
	snprintf(p1, sizeof p1, "%s/big1.csv", dir);
	snprintf(p2, sizeof p2, "%s/big2.csv", dir);
	f = fopen(p1, "w");
	g = fopen(p2, "w");
	assert_non_null(f);
	assert_non_null(g);
	fputs("k,v,amount\n", f);
	fputs("amount,k,v\n", g);
	for (i = 0; i < 20000; i++) {
		int j = (i * 7919) % 20000;	/* another order */

		fprintf(f, "k%d,v%d,%d.%02d\n", i, i, i, i % 100);
		if (j % 50 == 1)
			continue;			/* removed */
		fprintf(g, "%d.%02d,k%d,v%d%s\n", j + (j % 40 == 3), j % 100, j, j,
			j % 60 == 7 ? "x" : "");	/* amount or value changed */
		if (j % 90 == 5)
			fprintf(g, "1.00,n%d,new\n", j);	/* added */
	}
	assert_int_equal(fclose(f), 0);
	assert_int_equal(fclose(g), 0);
	o.output = "/dev/null";
	o.key = "k";
	o.old_path = p1;
	o.new_path = p2;
	assert_int_equal(payroll_diff(&o, &r1, &err), 0);
	o.old_path = "-";	/* streamed: NEW is indexed this time */
	assert_non_null(freopen(p1, "r", stdin));
	assert_int_equal(payroll_diff(&o, &r2, &err), 0);
	assert_int_equal(r1.removed, 400);
	assert_int_equal(r1.added, 223);
	assert_int_equal(r1.changed, r2.changed);
	assert_true(r1.changed > 500);
	assert_int_equal(r1.removed, r2.removed);
	assert_int_equal(r1.added, r2.added);
	assert_int_equal(r1.unchanged, r2.unchanged);
	assert_int_equal(r1.removed_sum, r2.removed_sum);
	assert_int_equal(r1.added_sum, r2.added_sum);
	assert_int_equal(r1.old_sum, r2.old_sum);
	assert_int_equal(r1.new_sum, r2.new_sum);
	assert_int_equal(r1.new_rows, 20000 - 400 + 223);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses),
		cmocka_unit_test(counts_and_sums),
		cmocka_unit_test(errors),
		cmocka_unit_test(first_error_first),
		cmocka_unit_test(both_sides_indexed),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
