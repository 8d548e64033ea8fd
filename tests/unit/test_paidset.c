/* SPDX-License-Identifier: Apache-2.0 */
/* The set of temporary grants already paid (calc --paid): read from
 * several ledgers, only temporary lines count, the first payment found is
 * named, unreadable ledgers are errors; and calc rejecting such a grant
 * as already-paid, with the other grants still paid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define TMP_NAME "test_paidset"
#include "tmpfiles.h"

#include "calc.h"
#include "error.h"
#include "ident.h"
#include "ledger.h"
#include "paidset.h"


#define L(period, id, program, item, amount) \
	period "," id "," program "," item "," period ",220421,urban,x,n,220421196503040015,ICBC," \
	"6217000000001000003,n,1,,," amount ",b\n"

static void
set_from_ledgers(void **state)
{
	struct payroll_paidset *s;
	struct payroll_error err;
	const char *paths[2];

	(void)state;
	paths[0] = put("a.csv", PAYROLL_LEDGER_HEADER
		       L("2026-10", "LS-1", "temporary", "temporary", "100.00")
		       L("2026-10", "DF-1", "subsistence", "allowance", "50.00"));
	paths[1] = put("b.csv", PAYROLL_LEDGER_HEADER
		       L("2026-11", "LS-2", "temporary", "temporary", "200.00")
		       L("2026-11", "LS-1", "temporary", "temporary", "100.00"));
	assert_int_equal(payroll_paidset_load(&s, paths, 2, &err), 0);
	assert_int_equal(payroll_paidset_count(s), 2);
	assert_string_equal(payroll_paidset_find(s, "LS-1", 4), "2026-10");
	assert_string_equal(payroll_paidset_find(s, "LS-2", 4), "2026-11");
	assert_null(payroll_paidset_find(s, "DF-1", 4));	/* not a grant */
	assert_null(payroll_paidset_find(s, "LS-", 3));
	assert_null(payroll_paidset_find(s, "LS-12", 5));
	assert_null(payroll_paidset_find(s, "", 0));
	payroll_paidset_free(s);

	assert_int_equal(payroll_paidset_load(&s, NULL, 0, &err), 0);
	assert_int_equal(payroll_paidset_count(s), 0);
	assert_null(payroll_paidset_find(s, "LS-1", 4));
	payroll_paidset_free(s);
	assert_null(payroll_paidset_find(NULL, "LS-1", 4));
	payroll_paidset_free(NULL);
}

static void
many_grants(void **state)
{
	struct payroll_paidset *s;
	struct payroll_error err;
	char path[128], id[32];
	const char *p = path;
	FILE *f;
	int i;

	(void)state;
	snprintf(path, sizeof path, "%s/many.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(PAYROLL_LEDGER_HEADER, f);
	for (i = 0; i < 5000; i++)
		fprintf(f, "2026-09,G%d,temporary,temporary,2026-09,220421,urban,x,n,220421196503040015,"
			"ICBC,6217000000001000003,n,1,,,1.00,b\n", i);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(payroll_paidset_load(&s, &p, 1, &err), 0);
	assert_int_equal(payroll_paidset_count(s), 5000);
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "G%d", i);
		assert_non_null(payroll_paidset_find(s, id, strlen(id)));
		snprintf(id, sizeof id, "H%d", i);
		assert_null(payroll_paidset_find(s, id, strlen(id)));
	}
	payroll_paidset_free(s);
}

static void
bad_ledgers(void **state)
{
	struct payroll_paidset *s = (void *)1;
	struct payroll_error err;
	const char *paths[2];

	(void)state;
	paths[0] = put("ok.csv", PAYROLL_LEDGER_HEADER L("2026-10", "LS-1", "temporary", "temporary", "1.00"));
	paths[1] = put("bad.csv", PAYROLL_LEDGER_HEADER L("2026-10", "LS-2", "temporary", "temporary", "1.0x"));
	assert_int_equal(payroll_paidset_load(&s, paths, 2, &err), PAYROLL_EFORMAT);
	assert_null(s);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.code, "bad-money");
	paths[1] = "/nonexistent/ledger.csv";
	assert_int_equal(payroll_paidset_load(&s, paths, 2, &err), PAYROLL_EIO);
	assert_null(s);
	paths[1] = put("cols.csv", "period,case_id\n2026-10,LS-2\n");
	assert_int_equal(payroll_paidset_load(&s, paths, 2, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "missing-column");
}

static void
calc_already_paid(void **state)
{
	struct payroll_calc_opts o = { 0 };
	struct payroll_calc_report rep;
	struct payroll_error err;
	const char *paid[1];
	char ledger[128];
	size_t i;
	long ap = 0;

	(void)state;
	paid[0] = put("nov.csv", PAYROLL_LEDGER_HEADER
		      L("2026-11", "LS-1", "temporary", "temporary", "100.00"));
	o.roster = put("roster.csv", "case_id,program,area,region,locality,name,id_number,members,"
		       "income,bank,account,start\n"
		       "DF-1,subsistence,urban,220421,x,张伟,220421196503040015,1,0,ICBC,"
		       "6217000000001000003,2026-01\n");
	o.standards = put("std.csv", "region,program,area,item,amount,from,to\n"
			  "*,*,*,base,700.00,2026-01,\n");
	o.grants = put("grants.csv", "grant_id,month,name,id_number,region,locality,area,members,"
		       "bank,account,amount\n"
		       "LS-1,2026-12,李秀英,220421196503040023,220421,x,urban,1,ICBC,6217000000002000002,100\n"
		       "LS-2,2026-12,王芳,220421196503040031,220421,x,urban,1,ICBC,6217000000003000001,200\n");
	snprintf(ledger, sizeof ledger, "%s/dec.csv", dir);
	o.ledger = ledger;
	o.period = payroll_month_parse("2026-12", 7);
	o.paid = paid;
	o.npaid = 1;
	assert_int_equal(payroll_calc(&o, &rep, &err), 0);
	assert_int_equal(rep.rows_read, 3);
	assert_int_equal(rep.rows_paid, 2);
	assert_int_equal(rep.rejected[1], 1);
	assert_int_equal(rep.attention, 1);
	for (i = 0; i < rep.ncodes; i++)
		if (!strcmp(rep.codes[i].code, "already-paid"))
			ap = rep.codes[i].count;
	assert_int_equal(ap, 1);
	assert_int_equal(rep.total, 70000 + 20000);
	payroll_calc_report_free(&rep);

	o.npaid = 0;	/* without --paid both grants are paid */
	assert_int_equal(payroll_calc(&o, &rep, &err), 0);
	assert_int_equal(rep.rows_paid, 3);
	assert_int_equal(rep.attention, 0);
	payroll_calc_report_free(&rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_from_ledgers),
		cmocka_unit_test(many_grants),
		cmocka_unit_test(bad_ledgers),
		cmocka_unit_test(calc_already_paid),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
