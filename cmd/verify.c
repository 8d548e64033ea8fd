/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-verify: check detached signatures (and SHA256SUMS manifests). */
#include <stdio.h>

#include "common.h"
#include "journal.h"
#include "manifest.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	const char *keypath = NULL, *journal = NULL;
	int manifest = 0;
	const struct tool_opt opts[] = {
		OPT(0, "pubkey", OPT_PATH, &keypath, "F",
		    N_("the public key (SubjectPublicKeyInfo PEM)"), OPT_REQUIRED),
		OPT(0, "manifest", OPT_FLAG, &manifest, NULL,
		    N_("also check SHA256SUMS in the files' directory: its\n"
		       "signature and every hash it lists"), 0),
		OPT(0, "journal", OPT_PATH, &journal, "ROOT",
		    N_("walk the run journal of an output root: its signature,\n"
		       "the hash chain, every period's manifest and files"), OPT_OTHER_FORM),
		OPT_END,
	};
	struct tool t = { .name = "payroll-verify", .opts = opts, .operands = "FILE...",
		.min_operands = 0, .max_operands = -1,
		.forms = "payroll-verify --pubkey F --journal ROOT\n",
		.exits = N_("0 all verify, 1 some do not (each named), 2 error\n") };
	struct payroll_key *key = NULL;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	if (journal && t.nargs)
		return tool_usage_error(&t, _("'--journal' takes no FILE"));
	if (!journal && !t.nargs)
		return tool_usage_error(&t, _("expected %s"), t.operands);
	rc = payroll_key_load(&key, keypath, PAYROLL_KEY_PUBLIC, NULL, &err);
	if (rc == 0 && journal)
		rc = payroll_journal_verify(journal, key, tool_diag, NULL, &err);
	else if (rc == 0)
		rc = payroll_verify_files(key, t.args, (size_t)t.nargs,
					  manifest ? PAYROLL_VERIFY_MANIFEST : 0, tool_diag, NULL, &err);
	payroll_key_free(key);
	if (rc < 0)
		return tool_fail(&t, rc, &err);
	return rc == PAYROLL_SIG_GOOD ? EXIT_OK : EXIT_ATTENTION;
}
