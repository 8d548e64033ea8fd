/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-sign: detached signatures FILE.sig, optionally a SHA256SUMS. */
#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "sign.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-sign",
	"payroll-sign --key F [--pass env:VAR|file:PATH] [--manifest] FILE...\n",
	"  --key F           the private key (PKCS#8 PEM); refused unless mode 0600/0400\n"
	"  --pass SPEC       passphrase of an encrypted key: env:VAR or file:PATH\n"
	"  --manifest        also write SHA256SUMS and SHA256SUMS.sig beside the files\n"
	"                    (all files in one directory)\n"
	"exit: 0 signed, 2 error (no new file left)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "pass", required_argument, NULL, 'p' },
		{ "manifest", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keypath = NULL, *pass = NULL;
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
		case 'p': pass = optarg; break;
		case 'm': flags |= PAYROLL_SIGN_MANIFEST; break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!keypath || optind == argc)
		return tool_usage_error(&tool, "--key and at least one FILE are needed");
	rc = payroll_key_load(&key, keypath, PAYROLL_KEY_PRIVATE, pass, &err);
	if (rc == 0)
		rc = payroll_sign_files(key, argv + optind, (size_t)(argc - optind), flags, &err);
	payroll_key_free(key);
	return rc ? tool_fail(&tool, rc, &err) : EXIT_OK;
}
