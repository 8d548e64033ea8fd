/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "intl.h"
#include "banned.h"

const char *
payroll_strerror(int rc)
{
	switch (rc) {
	case PAYROLL_OK: return _("success");
	case PAYROLL_EUSAGE: return _("usage error");
	case PAYROLL_EIO: return _("i/o error");
	case PAYROLL_ENOMEM: return _("out of memory");
	case PAYROLL_EFORMAT: return _("unusable input");
	case PAYROLL_EOVERFLOW: return _("amount overflow");
	case PAYROLL_ECRYPTO: return _("cryptographic failure");
	case PAYROLL_EBUSY: return _("locked by another process");
	case PAYROLL_EEXIST: return _("already exists");
	case PAYROLL_EINTERNAL: return _("internal error");
	}
	return _("unknown error");
}

static void
copy_trunc(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

int
payroll_error_vset(struct payroll_error *e, int rc, const char *file, long line,
	   int column, const char *code, const char *fmt, va_list ap)
{
	if (!e)
		return rc;
	copy_trunc(e->file, sizeof e->file, file);
	e->line = line;
	e->column = column;
	copy_trunc(e->code, sizeof e->code, code);
	e->option[0] = '\0';
	if (fmt) {
		/* A message cut at 511 bytes is still useful; never overflow. */
		if (vsnprintf(e->message, sizeof e->message, payroll_tr(fmt), ap) < 0)
			e->message[0] = '\0';
	} else {
		e->message[0] = '\0';
	}
	return rc;
}

int
payroll_error_set(struct payroll_error *e, int rc, const char *file,
		  long line, int column, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	payroll_error_vset(e, rc, file, line, column, code, fmt, ap);
	va_end(ap);
	return rc;
}

int
payroll_error_option(struct payroll_error *e, int rc, const char *option, const char *code,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	payroll_error_vset(e, rc, NULL, 0, 0, code, fmt, ap);
	va_end(ap);
	if (e)
		copy_trunc(e->option, sizeof e->option, option);
	return rc;
}

int
payroll_error_errno(struct payroll_error *e, int rc, const char *file,
		    const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	payroll_error_vset(e, rc, file, 0, 0, rc == PAYROLL_ENOMEM ? "no-memory" : "io",
		   fmt, ap);
	va_end(ap);
	if (e && saved) {
		len = strlen(e->message);
		snprintf(e->message + len, sizeof e->message - len, ": %s",
			 strerror(saved));
	}
	return rc;
}

void
payroll_error_clear(struct payroll_error *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

int
payroll_error_format(const struct payroll_error *e, char *buf, size_t n)
{
	char where[PAYROLL_PATH_MAX + 32] = "";

	if (e->file[0] && e->line > 0)
		snprintf(where, sizeof where, "%s:%ld: ", e->file, e->line);
	else if (e->file[0])
		snprintf(where, sizeof where, "%s: ", e->file);
	return snprintf(buf, n, "%s%s%s%s%s%s", where, e->code, e->code[0] ? ": " : "",
			e->option, e->option[0] ? " " : "", e->message);
}

void
payroll_problem(struct payroll_problems *p, long line, int column,
		const char *code, const char *fmt, ...)
{
	struct payroll_error e;
	char msg[sizeof e.message];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, payroll_tr(fmt), ap);
	va_end(ap);
	payroll_error_set(&e, PAYROLL_EFORMAT, p->path, line, column, code, "%s", msg);
	if (p->count++ == 0)
		p->first = e;
	if (p->all && p->diag)
		p->diag(p->ctx, &e);
}
