/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-keygen: make a signing key pair, BASE.key (0600) and BASE.pub. */
#include <stdio.h>

#include "common.h"
#include "sign.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	int alg = PAYROLL_SIG_DEFAULT;
	const char *base = NULL, *pass = NULL;
	const struct tool_opt opts[] = {
		OPT_NUM(0, "algorithm", OPT_CHOICE, &alg, "ed25519|sm2|ecdsa-p256",
			N_("ed25519 (default), sm2 (with SM3) or ecdsa-p256"), 0, PAYROLL_SIG_ED25519, 0),
		OPT(0, "pass", OPT_STRING, &pass, "env:VAR|file:PATH",
		    N_("encrypt the private key; the passphrase comes from the\n"
		       "environment (env:VAR) or a file's first line (file:PATH)"), 0),
		OPT('o', "output", OPT_PATH, &base, "BASE",
		    N_("writes BASE.key (mode 0600) and BASE.pub; never overwrites"), OPT_REQUIRED),
		OPT_END,
	};
	struct tool t = { .name = "payroll-keygen", .opts = opts,
		.exits = N_("0 written, 2 error (nothing written)\n") };
	struct payroll_error err;
	int rc;

	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	rc = payroll_keygen(base, (enum payroll_sig_alg)alg, pass, &err);
	return rc ? tool_fail(&t, rc, &err) : EXIT_OK;
}
