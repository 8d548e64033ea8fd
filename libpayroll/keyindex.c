/* SPDX-License-Identifier: Apache-2.0 */
#include "keyindex.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "error.h"
#include "banned.h"

void
payroll_huge_pages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t lo = ((uintptr_t)p + 0x1fffff) & ~(uintptr_t)0x1fffff;
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)0x1fffff;

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

int
payroll_keyindex_build(struct payroll_keyindex *ix, const void *ents, size_t n,
		       size_t stride, size_t *first, size_t *second)
{
	size_t nslot = 1024, k, j, mask;
	uint32_t *slot;

	ix->ents = ents;
	ix->stride = stride;
	while (nslot < 2 * n)
		nslot *= 2;
	slot = malloc(nslot * sizeof *slot);
	if (!slot)
		return PAYROLL_ENOMEM;
	payroll_huge_pages(slot, nslot * sizeof *slot);
	memset(slot, 0, nslot * sizeof *slot);
	ix->slot = slot;
	ix->nslot = nslot;
	mask = nslot - 1;
	for (k = 0; k < n; k++) {
		uint64_t key = payroll_keyindex_key(ix, k);

		if (k + 16 < n)
			__builtin_prefetch(&slot[payroll_keyindex_key(ix, k + 16) & mask], 1);
		for (j = key & mask; slot[j]; j = (j + 1) & mask)
			if (payroll_keyindex_key(ix, slot[j] - 1) == key) {
				*first = slot[j] - 1;
				*second = k;
				payroll_keyindex_release(ix);
				return 1;
			}
		slot[j] = (uint32_t)k + 1;
	}
	return 0;
}

void
payroll_keyindex_release(struct payroll_keyindex *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->nslot = 0;
}
