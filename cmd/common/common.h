/* SPDX-License-Identifier: Apache-2.0 */
/*
 * common.h: what every payroll-<verb> shares: the option table (opt.h),
 * the form of diagnostics on stderr, exit codes. Tools include only this
 * and the libpayroll headers they call.
 */
#ifndef PAYROLL_CMD_COMMON_H
#define PAYROLL_CMD_COMMON_H

#include <stdio.h>

#include "error.h"
#include "intl.h"
#include "opt.h"

/* Exit codes shared by all tools (SPEC 2). */
enum { EXIT_OK = 0, EXIT_ATTENTION = 1, EXIT_FATAL = 2 };

/*
 * The one place where a tool sets itself up before anything else (locale
 * and message catalogue: SPEC 15). tool_parse() calls it first thing, so
 * every tool runs it before it prints a word; the dispatcher calls it
 * itself. LC_MESSAGES (and a UTF-8 LC_CTYPE, for the C library's own
 * texts) from the environment, never LC_NUMERIC, LC_COLLATE or LC_TIME;
 * the catalogue of the text domain "payroll" from $PAYROLL_LOCALEDIR if
 * set (the build tree's build/locale), else the installed LOCALEDIR;
 * messages in UTF-8.
 */
void tool_start(void);

/* Print a diagnostic as "FILE:LINE: CODE: message" on stderr. Usable as a
 * payroll_diag_fn with ctx NULL. */
void tool_diag(void *ctx, const struct payroll_error *d);

/*
 * Report a fatal library failure rc with its detail; a problem with one of
 * t's options is worded with its flag ("--standards is required").
 * Returns EXIT_FATAL.
 */
int tool_fail(const struct tool *t, int rc, const struct payroll_error *e);

/* True when stderr is a terminal (progress lines only then). */
int tool_stderr_is_tty(void);

#endif
