/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-keygen: make a signing key pair, BASE.key (0600) and BASE.pub. */
#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "sign.h"
#include "banned.h"

static const struct tool tool = {
	"payroll-keygen",
	"payroll-keygen [--algorithm ed25519|sm2|ecdsa-p256] [--pass env:VAR|file:PATH] -o BASE\n",
	"  --algorithm A     ed25519 (default), sm2 (with SM3) or ecdsa-p256\n"
	"  --pass SPEC       encrypt the private key; the passphrase comes from the\n"
	"                    environment (env:VAR) or a file's first line (file:PATH)\n"
	"  -o, --output BASE writes BASE.key (mode 0600) and BASE.pub; never overwrites\n"
	"exit: 0 written, 2 error (nothing written)\n",
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "algorithm", required_argument, NULL, 'a' },
		{ "pass", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum payroll_sig_alg alg = PAYROLL_SIG_DEFAULT;
	const char *base = NULL, *pass = NULL;
	struct payroll_error err;
	int c, rc;

	tool_locale_init();
	if (tool_std_options(&tool, argc, argv))
		return EXIT_OK;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (payroll_sig_alg_parse(optarg, &alg, &err))
				return tool_usage_error(&tool, "%s", err.message);
			break;
		case 'p': pass = optarg; break;
		case 'o': base = optarg; break;
		default: return tool_usage(&tool, stderr);
		}
	}
	if (!base || optind != argc)
		return tool_usage_error(&tool, "-o BASE is needed, and nothing else");
	rc = payroll_keygen(base, alg, pass, &err);
	return rc ? tool_fail(&tool, rc, &err) : EXIT_OK;
}
