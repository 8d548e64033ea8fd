/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_standards: the standards reader and its lookup.
 * Properties: a file that loads resolves every (region, program, area,
 * month) without failing; amounts are never negative; the rounding is one
 * of the four; subsidies come sorted by name.
 */
#include <string.h>

#include "error.h"
#include "ident.h"
#include "standards.h"
#include "fuzz_util.h"

static const char *const regions[] = {
	"220421", "220421101201", "220421103202", "220402", "220000", "110101", "220421103000",
};

static void
check_rate(const struct payroll_rate *r, const char *what)
{
	if (r->present)
		FUZZ_ASSERT(r->fen >= 0, "%s is negative", what);
	FUZZ_ASSERT(memchr(r->frag, '\0', sizeof r->frag) != NULL, "%s basis not terminated", what);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *path = fuzz_path(0, "standards.csv");
	struct payroll_standards *s;
	struct payroll_error err;
	size_t i, k;
	int rc, prog, area, m;

	fuzz_write(path, data, size);
	rc = payroll_standards_load(&s, path, PAYROLL_ENC_AUTO, NULL, NULL, &err);
	FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO, "load rc %d", rc);
	if (rc) {
		FUZZ_ASSERT(err.code[0] != '\0' || rc == PAYROLL_EIO, "load error without a code");
		return 0;
	}
	(void)payroll_standards_knows_category(s, "minor", 5);
	(void)payroll_standards_knows_category(s, "", 0);
	for (i = 0; i < sizeof regions / sizeof *regions; i++)
		for (prog = PAYROLL_SUBSISTENCE; prog <= PAYROLL_EXTREME_POVERTY; prog++)
			for (area = PAYROLL_URBAN; area <= PAYROLL_RURAL; area++)
				for (m = 0; m < 3; m++) {
					static const long months[] = { 2025 * 12, 2026 * 12 + 10, 2099 * 12 + 11 };
					const struct payroll_rates *r;

					r = payroll_standards_resolve(s, regions[i], strlen(regions[i]),
								      (enum payroll_program)prog,
								      (enum payroll_area)area, months[m]);
					FUZZ_ASSERT(r != NULL, "resolve failed");
					check_rate(&r->base, "base");
					check_rate(&r->floor, "floor");
					check_rate(&r->care[0], "care");
					check_rate(&r->care[1], "care");
					check_rate(&r->care[2], "care");
					check_rate(&r->temporary_cap, "temporary-cap");
					FUZZ_ASSERT(r->rounding <= PAYROLL_ROUND_YUAN_DOWN, "rounding %d",
						    (int)r->rounding);
					for (k = 0; k < r->nsupplements; k++)
						check_rate(&r->supplements[k].rate, "supplement");
					for (k = 0; k < r->nsubsidies; k++) {
						check_rate(&r->subsidies[k].rate, "subsidy");
						if (k)
							FUZZ_ASSERT(strcmp(r->subsidies[k - 1].name,
									   r->subsidies[k].name) < 0,
								    "subsidies not sorted");
					}
				}
	payroll_standards_free(s);
	return 0;
}
