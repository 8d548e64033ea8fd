/* SPDX-License-Identifier: Apache-2.0 */
/* ledger_parse: the baseline of bench/bankfile.sh, a bare read of a ledger
 * through libpayroll's reader (payroll_ledger_next), nothing else. */
#include <stdio.h>

#include "ledger.h"

int
main(int argc, char **argv)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	struct payroll_error err;
	long n = 0;
	int rc;

	if (argc != 2 || payroll_ledger_open(&r, argv[1], &err))
		return 2;
	while ((rc = payroll_ledger_next(r, &l, &err)) == 1)
		n++;
	payroll_ledger_close(r);
	printf("%ld lines\n", n);
	return rc < 0 ? 2 : 0;
}
