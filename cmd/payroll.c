/* SPDX-License-Identifier: Apache-2.0 */
/*
 * payroll: run "payroll VERB ARGS" as the tool payroll-VERB, found beside
 * this binary (the build tree; bin/ when installed, the default), else in
 * ../libexec/payroll/ from it (git's layout, relocatable), else in the
 * verb directory compiled in at configure time (PAYROLL_VERBDIR, see
 * cmake/install.cmake), else on PATH. payroll(7), FILES.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "banned.h"

#ifndef PAYROLL_VERBDIR
#define PAYROLL_VERBDIR ""
#endif

static const struct {
	const char *verb;
	const char *what;
} verbs[] = {
	{ "check", N_("validate a roster, standards and grants; write nothing") },
	{ "calc", N_("compute the month's payments into a ledger") },
	{ "bankfile", N_("write the bank's transfer file(s) from a ledger") },
	{ "keygen", N_("make a signing key pair") },
	{ "sign", N_("sign files, optionally with a SHA256SUMS manifest") },
	{ "verify", N_("check signatures (and the run journal)") },
	{ "disclose", N_("write the public disclosure list, names masked") },
	{ "diff", N_("compare two ledgers or bank files") },
	{ "inspect", N_("read a bank file back: describe it and check it") },
	{ "reconcile", N_("match the bank's result file to the ledger") },
	{ "changes", N_("what changed for each household since last month") },
	{ "report", N_("the monthly statistics (统计月报), CSV and a page with charts") },
	{ "audit", N_("anomaly rules over ledgers: the same person twice, shared accounts...") },
	{ "run", N_("the whole monthly batch, for cron") },
};


static void
list_verbs(FILE *f)
{
	size_t i;

	fprintf(f, "\n%s\n", _("verbs:"));
	for (i = 0; i < sizeof verbs / sizeof *verbs; i++)
		fprintf(f, "  %-10s %s\n", verbs[i].verb, _(verbs[i].what));
	fprintf(f, "\n%s\n", _("'payroll VERB --help' for each; see man payroll(7)"));
}

static int
known(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof verbs / sizeof *verbs; i++)
		if (!strcmp(verbs[i].verb, verb))
			return 1;
	return 0;
}

/*
 * Exec DIR SUB/payroll-VERB (VERB is argv[1]) with argv[1..] if that file
 * is executable; returns only when it is not (or exec failed).
 */
static void
try_exec(const char *dir, const char *sub, char **argv)
{
	char path[PATH_MAX + 64];
	const char *verb = argv[1];

	if (snprintf(path, sizeof path, "%s%s/payroll-%s", dir, sub, verb) >= (int)sizeof path ||
	    access(path, X_OK) != 0)
		return;
	argv[1] = path;
	execv(path, argv + 1);
	argv[1] = (char *)verb;
}

int
main(int argc, char **argv)
{
	const struct tool_opt opts[] = { OPT_END };
	struct tool t = { .name = "payroll", .opts = opts, .operands = "VERB [ARGS...]",
		.min_operands = 1, .max_operands = -1, .stop_at_operand = 1, .more_help = list_verbs,
		.exits = N_("the verb's; 2 usage error, or the verb cannot be run\n") };
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;
	char *slash;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	/* the verb is argv[1] from here: options end at the first operand */
	argv += t.args - argv - 1;
	if (!known(argv[1]))
		return tool_usage_error(&t, _("unknown verb '%s'"), argv[1]);

	/* The tools live beside this binary or in libexec; fall back to PATH. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			try_exec(self, "", argv);
			try_exec(self, "/../libexec/payroll", argv);
		}
	}
	if (PAYROLL_VERBDIR[0] == '/')
		try_exec(PAYROLL_VERBDIR, "", argv);
	if (snprintf(path, sizeof path, "payroll-%s", argv[1]) >= (int)sizeof path)
		return tool_usage_error(&t, _("verb too long"));
	argv[1] = path;
	execvp(path, argv + 1);
	fprintf(stderr, _("payroll: cannot run %s: %s\n"), path, strerror(errno));
	return EXIT_FATAL;
}
