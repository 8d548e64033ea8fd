/* SPDX-License-Identifier: Apache-2.0 */
#include "hash.h"

#include "banned.h"

uint64_t
payroll_hash_bytes(const void *s, size_t n)
{
	return payroll_keyhash_end(payroll_keyhash_add(PAYROLL_KEYHASH_INIT, s, n));
}

uint64_t
payroll_hash_str(const char *s)
{
	return payroll_hash_bytes(s, strlen(s));
}
