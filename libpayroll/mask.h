/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mask.h: names masked for public disclosure (SPEC 8), by character.
 *
 * A character is one Unicode code point of valid UTF-8. 1 character stays;
 * 2 -> first + "*"; 3 or more -> first, one "*" for each middle character,
 * last: 张* / 张*丰 / 欧**娜. Latin names follow the same rule (spaces are
 * characters and are masked too: "Li Ming" -> "L*****g").
 *
 * One deliberate exception to the literal rule: a name-part separator dot
 * (U+00B7 MIDDLE DOT, U+2027, U+30FB, U+FF65, U+2022, as in 买买提·吐尔逊)
 * in the middle of a name stays visible, so readers still see a
 * transliterated name: 买买提·吐尔逊 -> 买**·**逊. The dot is counted as a
 * character, and no letter is revealed that the literal rule would hide.
 */
#ifndef PAYROLL_MASK_H
#define PAYROLL_MASK_H

#include <stddef.h>

#include "buf.h"

/*
 * Append the masked form of the name s[0..n) to b. Returns 0;
 * PAYROLL_EFORMAT when s is not valid UTF-8 (overlong forms, surrogates
 * and code points above U+10FFFF included), with *bad (if not NULL) set to
 * the byte offset of the first invalid sequence and b unchanged;
 * PAYROLL_ENOMEM. An empty name gives an empty result.
 */
int payroll_mask_name(struct payroll_buf *b, const char *s, size_t n,
		      size_t *bad);

/*
 * Decode one UTF-8 character at s[0..n): returns its length (1..4) and
 * sets *cp, or 0 when the bytes there are not a valid character.
 */
int payroll_utf8_char(const char *s, size_t n, unsigned long *cp);

/*
 * Append text s[0..n) (valid UTF-8, e.g. a masked name) to b as a value a
 * spreadsheet opens as text, before CSV quoting: every bidirectional
 * control (U+200E, U+200F, U+061C, U+202A..U+202E, U+2066..U+2069) is
 * dropped, and a value that then starts with '=', '+', '-', '@', TAB or CR
 * gets a "'" in front (the OWASP advice against CSV injection). Bytes that
 * are not valid UTF-8 are copied as they are. 0 or PAYROLL_ENOMEM.
 */
int payroll_csv_text_safe(struct payroll_buf *b, const char *s, size_t n);

/*
 * Append the masked form of an account or id number s[0..n) to b (SPEC
 * 6.1, the form inspect shows and diff --mask writes): more than 8 bytes
 * of ASCII keep their first and last four, with "****" between
 * (6217****0003, 1101****123X); 8 bytes or fewer of ASCII become as many
 * "*"; a value with any other byte becomes one "*" a byte that starts a
 * UTF-8 character (nothing of it shown). Returns 0 or PAYROLL_ENOMEM.
 */
int payroll_mask_number(struct payroll_buf *b, const char *s, size_t n);

/* 1 when cp is one of the bidirectional controls listed above. */
int payroll_is_bidi_control(unsigned long cp);

#endif
