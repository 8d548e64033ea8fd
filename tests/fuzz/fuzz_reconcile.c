/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_reconcile: the bank's result file (arbitrary bytes) matched to the
 * transfers of the demo ledger, writing the failed ledger and the report.
 * Properties: on failure no output file exists; on success every
 * transfer is paid, failed or without a result, the failed total is that
 * of the failed transfers, and the failed ledger reads back with
 * payroll_ledger_open/next with lines summing to failed_total.
 */
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "ledger.h"
#include "reconcile.h"
#include "fuzz_util.h"

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct payroll_reconcile_opts o;
	struct payroll_reconcile_result res;
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	struct payroll_error err;
	int64_t sum = 0;
	int rc;

	memset(&o, 0, sizeof o);
	o.ledger = PAYROLL_FIXTURES "/every-code/expected/ledger.csv";
	o.result = fuzz_path(0, "result.csv");
	o.failed = fuzz_path(1, "failed.csv");
	o.report = fuzz_path(2, "report.csv");
	unlink(o.failed);
	unlink(o.report);
	fuzz_write(o.result, data, size);
	memset(&res, 0, sizeof res);
	rc = payroll_reconcile(&o, &res, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM,
			    "reconcile rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0', "an error without a code: %s", err.message);
		FUZZ_ASSERT(!exists(o.failed) && !exists(o.report), "output left on failure");
		return 0;
	}
	FUZZ_ASSERT(exists(o.failed) && exists(o.report), "output missing");
	FUZZ_ASSERT(res.transfers > 0, "no transfers in the demo ledger");
	FUZZ_ASSERT(res.paid >= 0 && res.failed >= 0 && res.no_result >= 0 &&
		    res.paid + res.failed + res.no_result <= res.transfers,
		    "paid %ld + failed %ld + no result %ld > %ld transfers",
		    res.paid, res.failed, res.no_result, res.transfers);
	FUZZ_ASSERT(res.paid_total >= 0 && res.failed_total >= 0 &&
		    res.paid_total + res.failed_total <= res.total,
		    "paid %lld + failed %lld > total %lld", (long long)res.paid_total,
		    (long long)res.failed_total, (long long)res.total);
	rc = payroll_ledger_open(&r, o.failed, &err);
	FUZZ_ASSERT(rc == 0, "the failed ledger does not open: %s: %s", err.code, err.message);
	while ((rc = payroll_ledger_next(r, &l, &err)) == 1)
		sum += l.amount;
	FUZZ_ASSERT(rc == 0, "the failed ledger does not read: %s: %s", err.code, err.message);
	payroll_ledger_close(r);
	FUZZ_ASSERT(sum <= res.failed_total, "failed ledger %lld > failed total %lld",
		    (long long)sum, (long long)res.failed_total);
	return 0;
}
