/* SPDX-License-Identifier: Apache-2.0 */
/*
 * paidset.h: the temporary grants already paid (SPEC 3.3, calc --paid).
 *
 * Earlier ledgers are read through ledger.h; of each line whose item is
 * `temporary` only its case_id (the grant_id) and its period are kept, in
 * a hash set. Memory grows with the number of grants paid, never with the
 * ledgers' size.
 */
#ifndef PAYROLL_PAIDSET_H
#define PAYROLL_PAIDSET_H

#include <stddef.h>

#include "error.h"

struct payroll_paidset;

/*
 * Read the n ledgers at paths (each as payroll_ledger_open reads it) into
 * a new set at *out (free it with payroll_paidset_free). n may be 0: an
 * empty set. Returns 0, or with *out NULL and err filled: PAYROLL_EFORMAT
 * (a ledger the reader rejects, naming file, line and code), PAYROLL_EIO,
 * PAYROLL_ENOMEM.
 */
int payroll_paidset_load(struct payroll_paidset **out, const char *const *paths,
			 size_t n, struct payroll_error *err);

/*
 * Whether grant id (n bytes) has a temporary line in the set's ledgers.
 * Returns NULL when not, else the period (YYYY-MM) of the first ledger
 * line found that paid it; the string belongs to the set. s may be NULL.
 */
const char *payroll_paidset_find(const struct payroll_paidset *s, const char *id,
				 size_t n);

/* Number of distinct grant ids in the set (0 for NULL). */
size_t payroll_paidset_count(const struct payroll_paidset *s);

/* Free the set; NULL is allowed. */
void payroll_paidset_free(struct payroll_paidset *s);

#endif
