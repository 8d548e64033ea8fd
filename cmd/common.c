/* SPDX-License-Identifier: Apache-2.0 */
#include "common.h"

#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ident.h"
#include "intl.h"
#include "source.h"
#include "banned.h"

#ifndef PAYROLL_LOCALEDIR
#define PAYROLL_LOCALEDIR "/usr/share/locale"
#endif

void
tool_locale_init(void)
{
	const char *dir = getenv("PAYROLL_LOCALEDIR");

	/* Not LC_ALL: LC_NUMERIC, LC_COLLATE and LC_TIME stay "C". A UTF-8
	 * LC_CTYPE lets strerror's text reach us in UTF-8 like ours, instead
	 * of as "???" (LC_CTYPE=C) or in GB18030. */
	setlocale(LC_MESSAGES, "");
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	bindtextdomain(PAYROLL_TEXTDOMAIN, dir && dir[0] ? dir : PAYROLL_LOCALEDIR);
	bind_textdomain_codeset(PAYROLL_TEXTDOMAIN, "UTF-8");
}

int
tool_usage(const struct tool *t, FILE *f)
{
	fprintf(f, _("usage: %s"), t->synopsis);
	return EXIT_FATAL;
}

int
tool_std_options(const struct tool *t, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			tool_usage(t, stdout);
			if (t->options)
				fprintf(stdout, _("\noptions:\n%s"), _(t->options));
			fprintf(stdout, _("\nsee man %s\n"), t->name);
			return 1;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("%s %s\n", t->name, PAYROLL_VERSION);
			return 1;
		}
	}
	return 0;
}

int
tool_usage_error(const struct tool *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", t->name);
	va_start(ap, fmt);
	vfprintf(stderr, payroll_tr(fmt), ap);
	va_end(ap);
	fprintf(stderr, "\n");
	tool_usage(t, stderr);
	fprintf(stderr, _("try '%s --help'\n"), t->name);
	return EXIT_FATAL;
}

void
tool_diag(void *ctx, const struct payroll_error *d)
{
	char line[PAYROLL_PATH_MAX + 700];

	(void)ctx;
	payroll_error_format(d, line, sizeof line);
	fprintf(stderr, "%s\n", line);
}

int
tool_fail(const struct tool *t, int rc, const struct payroll_error *e)
{
	char line[PAYROLL_PATH_MAX + 700];

	if (e && (e->message[0] || e->code[0])) {
		payroll_error_format(e, line, sizeof line);
		if (e->file[0])
			fprintf(stderr, "%s\n", line);
		else
			fprintf(stderr, "%s: %s\n", t->name, line);
	} else {
		fprintf(stderr, "%s: %s\n", t->name, payroll_strerror(rc));
	}
	return EXIT_FATAL;
}

int
tool_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

int
tool_opt_period(const struct tool *t, const char *opt, const char *arg, long *month)
{
	*month = payroll_month_parse(arg, strlen(arg));
	if (*month < 0)
		return tool_usage_error(t, "%s '%s' is not a month YYYY-MM", opt, arg);
	return 0;
}

int
tool_opt_encoding(const struct tool *t, const char *opt, const char *arg, int *enc)
{
	*enc = payroll_encoding_parse(arg);
	if (*enc < 0)
		return tool_usage_error(t, "%s '%s': auto, utf-8 or gb18030", opt, arg);
	return 0;
}
