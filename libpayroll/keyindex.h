/* SPDX-License-Identifier: Apache-2.0 */
/*
 * keyindex.h: an open-addressing index over an array of entries whose
 * first member is a 64-bit key hash (hash.h). Shared by diff.c (rows
 * keyed by their key columns) and changes.c (cases keyed by case_id):
 * one hash, one index.
 *
 * The index is a table of 4-byte slots (entry + 1, 0 empty), a power of
 * two at least twice the number of entries: 8 to 16 bytes an entry.
 */
#ifndef PAYROLL_KEYINDEX_H
#define PAYROLL_KEYINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hash.h"

/*
 * The index over an array of entries of stride bytes each, whose first
 * 8 bytes are the entry's uint64_t key hash. The array must not move
 * while the index is used. Zero the struct before building.
 */
struct payroll_keyindex {
	const unsigned char *ents;
	size_t stride;
	uint32_t *slot;		/* entry + 1; 0 empty */
	size_t nslot;		/* a power of two */
};

/*
 * Index n entries (at most 2^31) in array order. Returns 0; 1 when two
 * entries have the same key, with *first and *second their positions
 * (the earliest such pair in array order) and no index kept;
 * PAYROLL_ENOMEM.
 */
int payroll_keyindex_build(struct payroll_keyindex *ix, const void *ents, size_t n,
			   size_t stride, size_t *first, size_t *second);

static inline uint64_t
payroll_keyindex_key(const struct payroll_keyindex *ix, size_t i)
{
	uint64_t k;

	memcpy(&k, ix->ents + i * ix->stride, sizeof k);
	return k;
}

/* The position of the entry with this key, or SIZE_MAX when none. */
static inline size_t
payroll_keyindex_find(const struct payroll_keyindex *ix, uint64_t key)
{
	size_t j, mask = ix->nslot - 1;

	for (j = key & mask; ix->slot[j]; j = (j + 1) & mask)
		if (payroll_keyindex_key(ix, ix->slot[j] - 1) == key)
			return ix->slot[j] - 1;
	return SIZE_MAX;
}

/* Prefetch the slot where a lookup of key starts. */
static inline void
payroll_keyindex_prefetch(const struct payroll_keyindex *ix, uint64_t key)
{
	__builtin_prefetch(&ix->slot[key & (ix->nslot - 1)]);
}

/* Prefetch the entry the first slot of key points at, if any. */
static inline void
payroll_keyindex_prefetch_entry(const struct payroll_keyindex *ix, uint64_t key)
{
	uint32_t s = ix->slot[key & (ix->nslot - 1)];

	if (s)
		__builtin_prefetch(ix->ents + (size_t)(s - 1) * ix->stride);
}

/* Free the slots; ix is empty and can be built again. */
void payroll_keyindex_release(struct payroll_keyindex *ix);

/*
 * Ask for transparent huge pages on a big array not yet touched: an
 * index is read at random, and 4 KiB pages would cost a TLB miss a
 * lookup. Only advice; nothing happens where it is not supported.
 */
void payroll_huge_pages(void *p, size_t n);

#endif
