/* SPDX-License-Identifier: Apache-2.0 */
/* banned.h: functions this project never calls (unbounded or ambiguous). */
#ifndef PAYROLL_BANNED_H
#define PAYROLL_BANNED_H

#define BANNED(f) sorry_##f##_is_banned_in_payroll
#undef strcpy
#define strcpy(a, b) BANNED(strcpy)
#undef strcat
#define strcat(a, b) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(a, b) BANNED(strtok)
#undef atoi
#define atoi(a) BANNED(atoi)
#undef atol
#define atol(a) BANNED(atol)
#undef gets
#define gets(a) BANNED(gets)

#endif
