/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_ident: id numbers, accounts, bank codes, regions and months.
 * Properties: a normalised id passes again and normalises to itself; an
 * accepted account stays accepted; months survive format and parse; a
 * region prefix is never longer than the code.
 */
#include <string.h>

#include "error.h"
#include "ident.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data, *code, *why;
	char id[19], id2[19], month[8];
	long m;
	int rc;

	memset(id, 'Z', sizeof id);
	rc = payroll_id_check(s, size, id, &code, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT, "id rc %d", rc);
	if (rc == 0) {
		FUZZ_ASSERT(size == 18 && strlen(id) == 18 && id[17] != 'x', "normalised id '%s'", id);
		FUZZ_ASSERT(payroll_id_check_digit(id) == id[17], "check digit of '%s'", id);
		rc = payroll_id_check(id, 18, id2, &code, &why);
		FUZZ_ASSERT(rc == 0 && !memcmp(id, id2, 19), "'%s' does not pass again", id);
	} else {
		FUZZ_ASSERT(!strcmp(code, "bad-id") || !strcmp(code, "bad-id-checksum"),
			    "id code %s", code);
	}

	rc = payroll_account_check(s, size, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT, "account rc %d", rc);
	if (rc == 0) {
		FUZZ_ASSERT(size >= 8 && size <= 32, "account length %zu", size);
		if (size >= 16 && size <= 19 && s[0] == '6' && s[1] == '2')
			FUZZ_ASSERT(payroll_luhn_ok(s, size), "card without Luhn");
	}
	(void)payroll_luhn_ok(s, size);

	rc = payroll_bank_check(s, size, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT, "bank rc %d", rc);
	{
		const char *bcode, *near, *near_code;
		int brc = payroll_bank_resolve(s, size, &bcode, &why, &near, &near_code);

		FUZZ_ASSERT(brc == 0 || brc == PAYROLL_EFORMAT, "bank resolve rc %d", brc);
		FUZZ_ASSERT(brc != 0 || rc == 0 || bcode, "a name resolved without a code");
		FUZZ_ASSERT(brc == 0 || !near || near_code, "a suggestion without a code");
	}

	rc = payroll_region_check(s, size, &why);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT, "region rc %d", rc);
	if (rc == 0) {
		size_t p = payroll_region_prefix(s, size);

		FUZZ_ASSERT(p <= size, "prefix %zu of %zu", p, size);
	}
	if (size == 6 || size == 12)
		(void)payroll_region_prefix(s, size);

	m = payroll_month_parse(s, size);
	if (m >= 0) {
		payroll_month_format(m, month);
		FUZZ_ASSERT(size == 7 && !memcmp(month, s, 7), "month '%.*s' -> '%s'",
			    (int)size, s, month);
		FUZZ_ASSERT(payroll_month_parse(month, 7) == m, "month round trip");
	}
	return 0;
}
