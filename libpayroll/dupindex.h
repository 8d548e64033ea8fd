/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dupindex.h: find values that occur on more than one row, in 12 bytes a
 * value, without keeping the values.
 *
 * Each added value is kept as its 64-bit hash (hash.h) and a row number,
 * in one of 256 buckets by the hash's top byte: a chain of blocks that
 * grow from 8 to 256 entries, allocated as the bucket fills. Sorting then
 * takes one bucket at a time, in cache (about 4,000 entries a bucket at a
 * million values); find hands out every group of rows whose hashes are
 * equal.
 * Two different values share a 64-bit hash with a probability of about
 * n^2 / 2^65 (10^-8 for a million rows): such a pair would be reported,
 * never missed.
 */
#ifndef PAYROLL_DUPINDEX_H
#define PAYROLL_DUPINDEX_H

#include <stddef.h>
#include <stdint.h>

/* The row number's top bit is free for the caller's flag. */
#define PAYROLL_DUP_FLAG 0x80000000u
#define PAYROLL_DUP_MAXROW 0x7fffffffu

struct payroll_dup_entry {
	uint32_t hi, lo;	/* the hash, split to keep entries 12 bytes */
	uint32_t row;		/* row number | optional PAYROLL_DUP_FLAG */
};

#define PAYROLL_DUP_BUCKETS 256

struct payroll_dup_bucket;

/* All zero is an empty index. */
struct payroll_dupindex {
	struct payroll_dup_bucket *b;	/* PAYROLL_DUP_BUCKETS, from the first add */
	size_t n;			/* entries */
};

/* Add (hash of s, row). 0 or PAYROLL_ENOMEM. An empty s is not added. */
int payroll_dupindex_add(struct payroll_dupindex *d, const char *s, size_t n,
			 uint32_t row);

/*
 * Sort the entries by hash, then row. payroll_dupindex_find sorts them
 * when this has not: calling it first lets the sort run elsewhere (on
 * another thread: it touches d alone). A bucket it could not sort for
 * want of memory is left for find, which then says so.
 */
void payroll_dupindex_sort(struct payroll_dupindex *d);

/*
 * The same for part of the buckets, the part-th of nparts (0 <= part <
 * nparts <= PAYROLL_DUP_BUCKETS): threads that sort different parts of
 * one index at once touch different memory.
 */
void payroll_dupindex_sort_part(struct payroll_dupindex *d, unsigned part, unsigned nparts);

/*
 * Sort what is not sorted, then call fn for each group of two or more
 * entries with equal hashes, in increasing order of hash, with the rows
 * in increasing order. fn returns 0 to go on, or a negative code that
 * stops the walk and is returned. 0, fn's code or PAYROLL_ENOMEM.
 */
int payroll_dupindex_find(struct payroll_dupindex *d,
			  int (*fn)(void *ctx, const uint32_t *rows, size_t n),
			  void *ctx);

/* Free the entries; d is empty and reusable. */
void payroll_dupindex_release(struct payroll_dupindex *d);

#endif
