/* SPDX-License-Identifier: Apache-2.0 */
/* reconcile and the transfers it shares with bankfile: the iterator gives
 * bankfile's seq and sums and stops at the same errors; reasons are
 * classed in English and Chinese; every result kind is counted once;
 * an error leaves no output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "transfers.h"
#include "buf.h"
#include "error.h"
#include "reconcile.h"

#define TMP_NAME "test_reconcile"
#include "tmpfiles.h"

static const char *
fixture(const char *rel)
{
	static char path[512];
	const char *f = getenv("FIXTURES");

	snprintf(path, sizeof path, "%s/%s", f ? f : "fixtures", rel);
	return path;
}

static void
transfers_of_the_demo_ledger(void **state)
{
	struct payroll_transfers *tr;
	struct payroll_transfer t;
	struct payroll_error err;
	int64_t sum = 0, line_total;
	long lines, nlines = 0;
	int rc, n = 0;

	(void)state;
	assert_int_equal(payroll_transfers_open(&tr, fixture("every-code/expected/ledger.csv"), &err), 0);
	while ((rc = payroll_transfers_next(tr, &t, &err)) == 1) {
		assert_int_equal(t.seq, ++n);
		assert_string_equal(t.period, "2026-11");
		assert_true(t.amount > 0);
		sum += t.amount;
		nlines += t.nlines;
		if (t.seq == 11) {
			assert_string_equal(t.case_id, "TK-0004");
			assert_string_equal(t.account, "6217000000011000001");
			assert_string_equal(t.account_name, "吴德明");
			assert_string_equal(t.bank, "ABC");
			assert_int_equal(t.amount, 192600);
			assert_int_equal(t.temporary, 0);
		}
	}
	assert_int_equal(rc, 0);
	/* at the end it stays at the end */
	assert_int_equal(payroll_transfers_next(tr, &t, &err), 0);
	assert_int_equal(n, 13);
	assert_int_equal(sum, 1816400);
	payroll_transfers_counts(tr, &lines, &line_total);
	assert_int_equal(lines, nlines);
	assert_int_equal(line_total, sum);
	payroll_transfers_close(tr);
	payroll_transfers_close(NULL);
}

/* The error a ledger stops at, after how many transfers. */
static void
stops_at(const char *path, const char *code, long line, int before)
{
	struct payroll_transfers *tr;
	struct payroll_transfer t;
	struct payroll_error err;
	int rc, n = 0;

	assert_int_equal(payroll_transfers_open(&tr, path, &err), 0);
	while ((rc = payroll_transfers_next(tr, &t, &err)) == 1)
		n++;
	assert_int_equal(rc, PAYROLL_EFORMAT);
	assert_string_equal(err.code, code);
	assert_int_equal(err.line, line);
	assert_int_equal(n, before);
	/* an error is sticky */
	assert_int_equal(payroll_transfers_next(tr, &t, &err), PAYROLL_EFORMAT);
	payroll_transfers_close(tr);
}

static void
transfers_errors(void **state)
{
	struct payroll_transfers *tr;
	struct payroll_error err;

	(void)state;
	/* C001 is handed out; C002 is complete only when line 6 comes, too late */
	stops_at(fixture("bank/noncontig.csv"), "case-not-contiguous", 6, 1);
	stops_at(fixture("bank/mismatch.csv"), "payee-mismatch", 3, 0);
	stops_at(fixture("bank/mixed-period.csv"), "mixed-period", 3, 0);
	stops_at(fixture("bank/zero.csv"), "bad-amount", 4, 0);
	stops_at(fixture("bank/bad-account.csv"), "bad-account", 3, 0);
	stops_at(fixture("bank/empty.csv"), "empty-ledger", 0, 0);
	assert_int_equal(payroll_transfers_open(&tr, tmp("no-such.csv"), &err), PAYROLL_EIO);
	assert_null(tr);
}

static void
reasons(void **state)
{
	(void)state;
	assert_int_equal(payroll_reason_classify("account-closed 销户"), PAYROLL_REASON_CLOSED);
	assert_int_equal(payroll_reason_classify("账户已注销"), PAYROLL_REASON_CLOSED);
	assert_int_equal(payroll_reason_classify("Account Frozen"), PAYROLL_REASON_FROZEN);
	assert_int_equal(payroll_reason_classify("冻结"), PAYROLL_REASON_FROZEN);
	assert_int_equal(payroll_reason_classify("户名不符"), PAYROLL_REASON_NAME);
	assert_int_equal(payroll_reason_classify("name-mismatch"), PAYROLL_REASON_NAME);
	assert_int_equal(payroll_reason_classify("账户不存在"), PAYROLL_REASON_NOT_FOUND);
	assert_int_equal(payroll_reason_classify("not-found"), PAYROLL_REASON_NOT_FOUND);
	assert_int_equal(payroll_reason_classify("Bank system busy"), PAYROLL_REASON_OTHER);
	assert_int_equal(payroll_reason_classify(""), PAYROLL_REASON_OTHER);
	assert_string_equal(payroll_reason_name(PAYROLL_REASON_CLOSED), "account-closed");
	assert_string_equal(payroll_reason_name(PAYROLL_REASON_NOT_FOUND), "account-not-found");
	assert_string_equal(payroll_reason_name(PAYROLL_REASON_N), "other");
}

#define HEAD "seq,account,account_name,amount,status,reason\n"
#define ACCT "6222024300001234566"

static void
every_kind_counted_once(void **state)
{
	struct payroll_reconcile_opts o = { 0 };
	struct payroll_reconcile_result res;
	struct payroll_error err;
	struct payroll_buf b = { 0 };

	(void)state;
	/* seq 1 500.00 and seq 2 (grant) 500.00 and seq 3 300.00, one account */
	put_file(tmp("r.csv"), HEAD
		   "2," ACCT ",x,500.00,failed,冻结\n"
		   "3," ACCT ",x,301.00,paid,\n"
		   "7,6222024300001234574,x,1.00,paid,\n");
	o.ledger = fixture("reconcile/same-account.csv");
	o.result = tmp("r.csv");
	o.failed = tmp("failed.csv");
	assert_int_equal(payroll_reconcile(&o, &res, &err), 0);
	assert_int_equal(res.transfers, 3);
	assert_int_equal(res.total, 130000);
	assert_int_equal(res.paid, 0);
	assert_int_equal(res.failed, 1);
	assert_int_equal(res.failed_total, 50000);
	assert_int_equal(res.by_reason[PAYROLL_REASON_FROZEN], 1);
	assert_int_equal(res.mismatched, 1);
	assert_int_equal(res.mismatched_total, 30000);
	assert_int_equal(res.no_result, 1);
	assert_int_equal(res.no_result_total, 50000);
	assert_int_equal(res.unmatched, 1);
	assert_int_equal(res.unmatched_total, 100);
	assert_int_equal(res.bank_total, 80200);
	assert_int_equal(res.attention, 4);
	assert_int_equal(access(tmp("failed.csv"), F_OK), 0);
	assert_int_equal(payroll_reconcile_summary(&res, &b), 0);
	assert_non_null(strstr(payroll_buf_str(&b), "account-frozen 1, 500.00\n"));
	assert_non_null(strstr(payroll_buf_str(&b), "no result 1, 500.00\n"));
	payroll_buf_release(&b);
}

static void
errors_leave_nothing(void **state)
{
	struct payroll_reconcile_opts o = { 0 };
	struct payroll_reconcile_result res;
	struct payroll_error err;

	(void)state;
	assert_int_equal(payroll_reconcile(&o, &res, &err), PAYROLL_EUSAGE);
	o.ledger = fixture("reconcile/same-account.csv");
	o.result = tmp("bad.csv");
	o.failed = tmp("f.csv");
	o.report = tmp("rep.csv");
	put_file(tmp("bad.csv"), HEAD "1," ACCT ",x,500.00,pending,\n");
	assert_int_equal(payroll_reconcile(&o, &res, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-status");
	assert_int_equal(err.line, 2);
	put_file(tmp("bad.csv"), HEAD "1," ACCT ",x,5.001,paid,\n");
	assert_int_equal(payroll_reconcile(&o, &res, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-money");
	put_file(tmp("bad.csv"), HEAD "0," ACCT ",x,500.00,paid,\n");
	assert_int_equal(payroll_reconcile(&o, &res, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-seq");
	assert_int_equal(access(tmp("f.csv"), F_OK), -1);
	assert_int_equal(access(tmp("rep.csv"), F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transfers_of_the_demo_ledger),
		cmocka_unit_test(transfers_errors),
		cmocka_unit_test(reasons),
		cmocka_unit_test(every_kind_counted_once),
		cmocka_unit_test(errors_leave_nothing),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
