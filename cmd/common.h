/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.h: what every payroll-<verb> shares: --help/--version, the form
 * of diagnostics on stderr, exit codes. Tools include only this and the
 * libpayroll headers they call.
 */
#ifndef PAYROLL_CMD_COMMON_H
#define PAYROLL_CMD_COMMON_H

#include <stdio.h>

#include "error.h"

/* Exit codes shared by all tools (SPEC 2). */
enum { EXIT_OK = 0, EXIT_ATTENTION = 1, EXIT_FATAL = 2 };

struct tool {
	const char *name;	/* "payroll-calc" */
	const char *synopsis;	/* usage lines, each ending in \n */
	const char *options;	/* option help, each line ending in \n */
};

/*
 * Set up the language of messages (SPEC 15), first thing in every main:
 * LC_MESSAGES (and LC_CTYPE, for the C library's own messages) from the
 * environment, never LC_NUMERIC, LC_COLLATE or LC_TIME, so outputs are
 * the same bytes in every locale; the catalogue of the text domain
 * "payroll" from $PAYROLL_LOCALEDIR if set (the build tree's
 * build/locale), else the installed LOCALEDIR; messages in UTF-8.
 */
void tool_locale_init(void);

/*
 * Handle --help and --version if they appear before "--" in argv: print
 * and return 1 (the caller exits 0). Otherwise 0.
 */
int tool_std_options(const struct tool *t, int argc, char **argv);

/* Print "usage: ..." to f; returns EXIT_FATAL for "return tool_usage()". */
int tool_usage(const struct tool *t, FILE *f);

/* A usage error: "NAME: message" and a hint to --help; returns EXIT_FATAL. */
int tool_usage_error(const struct tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print a diagnostic as "FILE:LINE: CODE: message" on stderr. Usable as a
 * payroll_diag_fn with ctx NULL. */
void tool_diag(void *ctx, const struct payroll_error *d);

/* Report a fatal library failure rc with its detail; returns EXIT_FATAL. */
int tool_fail(const struct tool *t, int rc, const struct payroll_error *e);

/*
 * Option values every tool reads the same way. Each returns 0, or prints
 * a usage error naming opt and returns EXIT_FATAL.
 */
int tool_opt_period(const struct tool *t, const char *opt, const char *arg, long *month);
int tool_opt_encoding(const struct tool *t, const char *opt, const char *arg, int *enc);

/* True when stderr is a terminal (progress lines only then). */
int tool_stderr_is_tty(void);

#endif
