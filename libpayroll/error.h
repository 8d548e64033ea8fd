/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.h: return codes and the error detail every libpayroll call fills.
 *
 * Functions return 0 (or a count) on success and a negative PAYROLL_E* on
 * failure; the detail (file, line, column, stable code, message) goes into a
 * caller-owned struct payroll_error. Problems found in input rows that do not
 * stop the work are handed to a payroll_diag_fn instead.
 */
#ifndef PAYROLL_ERROR_H
#define PAYROLL_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	PAYROLL_OK = 0,
	PAYROLL_EUSAGE = -1,	/* bad argument or option */
	PAYROLL_EIO = -2,	/* reading or writing a file failed */
	PAYROLL_ENOMEM = -3,	/* out of memory */
	PAYROLL_EFORMAT = -4,	/* an input file is unusable as a whole */
	PAYROLL_EOVERFLOW = -5,	/* an amount or count does not fit */
	PAYROLL_ECRYPTO = -6,	/* a key or signature operation failed */
	PAYROLL_EBUSY = -7,	/* a lock is held by another process */
	PAYROLL_EEXIST = -8,	/* the output already exists */
	PAYROLL_EINTERNAL = -9,	/* an invariant failed: a bug */
};

#define PAYROLL_PATH_MAX 1024

struct payroll_error {
	char file[PAYROLL_PATH_MAX];	/* "" when no file is concerned */
	long line;			/* 0 when no line is concerned */
	int column;			/* 1-based, 0 when none */
	char code[40];			/* stable code, e.g. "bad-money" */
	char message[512];		/* lowercase, no final period */
	/* the option the problem is about, by the name of a tool's long
	 * option without dashes ("standards"), or "": then the message reads
	 * after that name ("is required"), and a tool words it with its flag
	 * ("--standards is required"); the library never names a flag */
	char option[32];
};

/* Called for each problem in an input row; ctx is the caller's. */
typedef void (*payroll_diag_fn)(void *ctx, const struct payroll_error *d);

/*
 * Where the problems found in an input go: each is counted, the first is
 * kept, and with all set each is handed to diag as well.
 */
struct payroll_problems {
	const char *path;
	payroll_diag_fn diag;
	void *ctx;
	int all;
	int count;
	struct payroll_error first;
};

/* Record one problem (rc PAYROLL_EFORMAT) at path:line, column. */
void payroll_problem(struct payroll_problems *p, long line, int column,
		     const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Name a return code ("i/o error"...). Never NULL. */
const char *payroll_strerror(int rc);

/* Fill e (any field may be NULL/0); message printf-style. Returns rc. */
int payroll_error_set(struct payroll_error *e, int rc, const char *file,
		      long line, int column, const char *code,
		      const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* payroll_error_set with a va_list, for callers' own printf-like wrappers. */
int payroll_error_vset(struct payroll_error *e, int rc, const char *file,
		       long line, int column, const char *code,
		       const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

/*
 * payroll_error_set for a problem with one option (no file or line): the
 * message (printf-style) follows the option's name, "is required" for
 * option "standards". Returns rc.
 */
int payroll_error_option(struct payroll_error *e, int rc, const char *option,
			 const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Like payroll_error_set, with the errno text appended to the message. */
int payroll_error_errno(struct payroll_error *e, int rc, const char *file,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reset e to "no error". */
void payroll_error_clear(struct payroll_error *e);

/*
 * Format e as "FILE:LINE: CODE: message" (parts that are empty are left
 * out; "CODE: OPTION message" for a problem with an option) into buf. Returns the length it needed, as snprintf does.
 */
int payroll_error_format(const struct payroll_error *e, char *buf, size_t n);

#endif
