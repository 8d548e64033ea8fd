/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-sign: detached signatures FILE.sig, optionally a SHA256SUMS. */
#include <stdio.h>

#include "common.h"
#include "manifest.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	const char *keypath = NULL, *pass = NULL;
	int manifest = 0;
	const struct tool_opt opts[] = {
		OPT(0, "key", OPT_PATH, &keypath, "F",
		    N_("the private key (PKCS#8 PEM); refused unless mode 0600/0400"), OPT_REQUIRED),
		OPT(0, "pass", OPT_STRING, &pass, "env:VAR|file:PATH",
		    N_("passphrase of an encrypted key: env:VAR or file:PATH"), 0),
		OPT(0, "manifest", OPT_FLAG, &manifest, NULL,
		    N_("also write SHA256SUMS and SHA256SUMS.sig beside the files\n"
		       "(all files in one directory)"), 0),
		OPT_END,
	};
	struct tool t = { .name = "payroll-sign", .opts = opts, .operands = "FILE...",
		.min_operands = 1, .max_operands = -1,
		.exits = N_("0 signed, 2 error (no new file left)\n") };
	struct payroll_key *key = NULL;
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	rc = payroll_key_load(&key, keypath, PAYROLL_KEY_PRIVATE, pass, &err);
	if (rc == 0)
		rc = payroll_sign_files(key, t.args, (size_t)t.nargs,
					manifest ? PAYROLL_SIGN_MANIFEST : 0, &err);
	payroll_key_free(key);
	return rc ? tool_fail(&t, rc, &err) : EXIT_OK;
}
