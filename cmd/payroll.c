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
	{ "check", "validate a roster, standards and grants; write nothing" },
	{ "calc", "compute the month's payments into a ledger" },
	{ "bankfile", "write the bank's transfer file(s) from a ledger" },
	{ "keygen", "make a signing key pair" },
	{ "sign", "sign files, optionally with a SHA256SUMS manifest" },
	{ "verify", "check signatures (and the run journal)" },
	{ "disclose", "write the public disclosure list, names masked" },
	{ "diff", "compare two ledgers or bank files" },
	{ "inspect", "read a bank file back: describe it and check it" },
	{ "reconcile", "match the bank's result file to the ledger" },
	{ "changes", "what changed for each household since last month" },
	{ "report", "the monthly statistics (统计月报), CSV and a page with charts" },
	{ "audit", "anomaly rules over ledgers: the same person twice, shared accounts..." },
	{ "run", "the whole monthly batch, for cron" },
};

static const struct tool tool = {
	"payroll",
	"payroll VERB [ARGS...]\n       payroll --help | --version\n",
	NULL,
};

static void
list_verbs(FILE *f)
{
	size_t i;

	fprintf(f, "\nverbs:\n");
	for (i = 0; i < sizeof verbs / sizeof *verbs; i++)
		fprintf(f, "  %-10s %s\n", verbs[i].verb, verbs[i].what);
	fprintf(f, "\n'payroll VERB --help' for each; see man payroll(7)\n");
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
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	tool_locale_init();
	if (argc < 2) {
		tool_usage(&tool, stderr);
		list_verbs(stderr);
		return EXIT_FATAL;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		tool_usage(&tool, stdout);
		list_verbs(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("payroll %s\n", PAYROLL_VERSION);
		return EXIT_OK;
	}
	if (!known(argv[1]))
		return tool_usage_error(&tool, "unknown verb '%s'", argv[1]);

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
		return tool_usage_error(&tool, "verb too long");
	argv[1] = path;
	execvp(path, argv + 1);
	fprintf(stderr, "payroll: cannot run %s: %s\n", path, strerror(errno));
	return EXIT_FATAL;
}
