/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-verify: check detached signatures (and SHA256SUMS manifests). */
#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "journal.h"
#include "sign.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-verify",
	"payroll-verify --pubkey F [--manifest] FILE...\n"
	"       payroll-verify --pubkey F --journal ROOT\n",
	"  --pubkey F        the public key (SubjectPublicKeyInfo PEM)\n"
	"  --manifest        also check SHA256SUMS in the files' directory: its\n"
	"                    signature and every hash it lists\n"
	"  --journal ROOT    walk the run journal of an output root: its signature,\n"
	"                    the hash chain, every period's manifest and files\n"
	"exit: 0 all verify, 1 some do not (each named), 2 error\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pubkey", required_argument, NULL, 'k' },
		{ "manifest", no_argument, NULL, 'm' },
		{ "journal", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keypath = NULL, *journal = NULL;
	struct payroll_key *key = NULL;
	struct payroll_error err;
	unsigned flags = 0;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keypath = optarg; break;
		case 'm': flags |= PAYROLL_VERIFY_MANIFEST; break;
		case 'j': journal = optarg; break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!keypath || (journal ? optind != argc : optind == argc))
		return tool_usage_error(&tool, "--pubkey and FILE... or --journal ROOT are needed");
	rc = payroll_key_load(&key, keypath, PAYROLL_KEY_PUBLIC, NULL, &err);
	if (rc == 0 && journal)
		rc = payroll_journal_verify(journal, key, tool_diag, NULL, &err);
	else if (rc == 0)
		rc = payroll_verify_files(key, argv + optind, (size_t)(argc - optind), flags,
					  tool_diag, NULL, &err);
	payroll_key_free(key);
	if (rc < 0)
		return tool_fail(&tool, rc, &err);
	return rc == PAYROLL_SIG_GOOD ? EXIT_OK : EXIT_ATTENTION;
}
