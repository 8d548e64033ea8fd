/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash.h: the one 64-bit hash of keys (case ids, id numbers, key columns)
 * for matching inside one process: tables of cases seen, indexes of rows.
 *
 * It takes eight bytes at a time (the wyhash/mum mixer) and finishes with
 * splitmix64, so every input bit reaches every output bit. It reads words
 * in native byte order, so a hash is never stored or shown. Two different
 * keys share a 64-bit hash with a probability of about n*n / 2^65
 * (10^-8 for a million keys).
 *
 * A key of several fields: h = PAYROLL_KEYHASH_INIT, then
 * payroll_keyhash_add for each field, then payroll_keyhash_end.
 */
#ifndef PAYROLL_HASH_H
#define PAYROLL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The start value of a hash, before the first payroll_keyhash_add. */
#define PAYROLL_KEYHASH_INIT 0xcbf29ce484222325ull

/* 128-bit product folded to 64 bits (the wyhash/mum mixer). */
static inline uint64_t
payroll_keyhash_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/*
 * Hash the field s[0..n) into h eight bytes at a time; the last step
 * mixes the field's length with its tail, so that ("a,b","c") and
 * ("a","b,c") differ and a short field costs one multiplication.
 */
static inline uint64_t
payroll_keyhash_add(uint64_t h, const char *s, size_t n)
{
	uint64_t w = 0;
	size_t len = n;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = payroll_keyhash_mum(h ^ 0x8ebc6af09c88c6e3ull, w ^ 0x589965cc75374cc3ull);
	}
	w = 0;
	if (n)
		memcpy(&w, s, n);
	return payroll_keyhash_mum(h ^ w ^ 0xa0761d6478bd642full, (uint64_t)len ^ 0xe7037ed1a0b428dbull);
}

/* Finish a hash (splitmix64): every input bit reaches every output bit. */
static inline uint64_t
payroll_keyhash_end(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* The hash of one field s[0..n): payroll_keyhash_end of one add. */
uint64_t payroll_hash_bytes(const void *s, size_t n);

/* The hash of the string s, as payroll_hash_bytes(s, strlen(s)). */
uint64_t payroll_hash_str(const char *s);

#endif
