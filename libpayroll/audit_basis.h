/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit_basis.h: the arithmetic of a ledger line's basis, read back and
 * checked (payroll-audit(1)'s basis-mismatch rule). Exact: values are
 * kept in 1/10000 yuan in 128 bits, rounded to the fen at the end.
 */
#ifndef PAYROLL_AUDIT_BASIS_H
#define PAYROLL_AUDIT_BASIS_H

#include <stdint.h>

/*
 * Evaluate a ledger basis (the arithmetic calc writes: + - * max( , ),
 * NN% , parentheses, "=N.NN" steps, " round(RULE)=N.NN" and words in
 * parentheses as labels). Returns 0 and *fen the value after its last
 * step, when every "=" step follows from what precedes it; 1 with why
 * (static text) when a step does not follow or the text cannot be read.
 */
int payroll_audit_basis(const char *basis, int64_t *fen, const char **why);

#endif
