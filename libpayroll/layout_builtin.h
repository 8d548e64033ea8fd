/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout_builtin.h: the bank layouts built in (csv, fixed-gbk), as the
 * text of a layout file (payroll-layout(5)) parsed by layout.h like any
 * other.
 */
#ifndef PAYROLL_LAYOUT_BUILTIN_H
#define PAYROLL_LAYOUT_BUILTIN_H

#include "error.h"
#include "layout.h"

/*
 * A built-in layout by name: "csv" or "fixed-gbk". Returns 0 and *out,
 * PAYROLL_EUSAGE ("unknown-layout") for another name, PAYROLL_ENOMEM.
 */
int payroll_layout_builtin(struct payroll_layout **out, const char *name,
			   struct payroll_error *err);

/* The text of built-in layout name, or NULL (for man pages and tests). */
const char *payroll_layout_builtin_text(const char *name);

#endif
