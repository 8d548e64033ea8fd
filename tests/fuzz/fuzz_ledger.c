/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_ledger: the ledger reader every output tool goes through.
 * Properties: lines come in increasing order; the lines formatted back
 * with payroll_ledger_format read back as the same count and total.
 */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "ledger.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *path = fuzz_path(0, "ledger.csv");
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	struct payroll_error err;
	struct payroll_buf b = { 0 };
	long last = 0, count = 0, count2 = 0;
	int64_t sum = 0, sum2 = 0;
	int rc;

	fuzz_write(path, data, size);
	if (payroll_ledger_open(&r, path, &err)) {
		FUZZ_ASSERT(err.code[0] || err.message[0], "open failed without a message");
		return 0;
	}
	payroll_buf_addstr(&b, PAYROLL_LEDGER_HEADER);
	while ((rc = payroll_ledger_next(r, &l, &err)) == 1) {
		FUZZ_ASSERT(l.line > last, "line %ld after %ld", l.line, last);
		last = l.line;
		count++;
		sum += l.amount;
		FUZZ_ASSERT(payroll_ledger_format(&b, &l) == 0, "format");
	}
	FUZZ_ASSERT(rc == 0 || err.code[0], "ledger error without a code");
	payroll_ledger_close(r);
	if (rc == 0) {
		const char *again = fuzz_path(1, "again.csv");

		fuzz_write(again, (const unsigned char *)b.p, b.len);
		rc = payroll_ledger_open(&r, again, &err);
		FUZZ_ASSERT(rc == 0, "formatted ledger does not open: %s", err.message);
		while ((rc = payroll_ledger_next(r, &l, &err)) == 1) {
			count2++;
			sum2 += l.amount;
		}
		FUZZ_ASSERT(rc == 0, "formatted ledger line %ld unreadable: %s: %s", err.line,
			    err.code, err.message);
		FUZZ_ASSERT(count == count2 && sum == sum2, "%ld lines %lld fen read back as %ld, %lld",
			    count, (long long)sum, count2, (long long)sum2);
		payroll_ledger_close(r);
	}
	payroll_buf_release(&b);
	return 0;
}
