/* SPDX-License-Identifier: Apache-2.0 */
#include "common.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

#ifndef PAYROLL_LOCALEDIR
#define PAYROLL_LOCALEDIR "/usr/share/locale"
#endif

void
tool_start(void)
{
	const char *dir = getenv("PAYROLL_LOCALEDIR");

	/* Not LC_ALL: LC_NUMERIC, LC_COLLATE and LC_TIME stay "C", so every
	 * output is the same bytes in every locale. A UTF-8 LC_CTYPE lets
	 * strerror's text reach us in UTF-8 like ours, instead of as "???"
	 * (LC_CTYPE=C) or in GB18030. */
	setlocale(LC_MESSAGES, "");
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	bindtextdomain(PAYROLL_TEXTDOMAIN, dir && dir[0] ? dir : PAYROLL_LOCALEDIR);
	bind_textdomain_codeset(PAYROLL_TEXTDOMAIN, "UTF-8");
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

	if (e && e->option[0] && !e->file[0] && tool_opt_find(t, e->option)) {
		/* the library names the option; the tool words it as its flag */
		fprintf(stderr, "%s: %s: --%s %s\n", t->name, e->code, e->option, e->message);
	} else if (e && (e->message[0] || e->code[0])) {
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
