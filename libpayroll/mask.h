/*
 * mask.h: names for the public disclosure list (SPEC 8), masked by
 * character, not byte: one character stays; two become the first and
 * '*'; three or more keep the first and the last and put one '*' for each
 * character between (张*, 张*丰, 欧**娜). Every character counts, a
 * Latin letter or the middle dot of 买买提·吐尔逊 (买*****逊) alike.
 */
#ifndef PAYROLL_MASK_H
#define PAYROLL_MASK_H

#include <stddef.h>

#include "buf.h"

/*
 * Append the masked form of the UTF-8 name s[0..n) to out. Returns 0,
 * PAYROLL_EFORMAT when s is empty or not valid UTF-8 (nothing appended),
 * or PAYROLL_ENOMEM.
 */
int payroll_mask_name(const char *s, size_t n, struct payroll_buf *out);

/* Length of the valid UTF-8 character at s (1..4), 0 when invalid. */
size_t payroll_utf8_char(const char *s, size_t n);

#endif
