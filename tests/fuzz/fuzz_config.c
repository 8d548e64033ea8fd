/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_config: the batch configuration (config.h) parsed from arbitrary
 * text, as if read from a file in a directory, so that relative paths are
 * resolved.
 * Properties: a failure names a code and leaves *out NULL; a success has
 * every required key, at least one and at most the maximum of layouts,
 * and paths that are absolute or resolved against the file's directory.
 * The text is passed as exactly the input's bytes, with nothing after
 * them, so that a read past n is an overflow ASan sees (config.c read
 * notice_days past the end once: corpus/.../crash-notice-days-unterminated).
 */
#include <string.h>

#include "config.h"
#include "error.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct payroll_config *c = (struct payroll_config *)&c;
	struct payroll_error err;
	size_t i;
	int rc;

	memset(&err, 0, sizeof err);
	rc = payroll_config_parse(&c, "/etc/payroll/fuzz.conf", (const char *)data, size, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_ENOMEM || rc == PAYROLL_EIO,
			    "parse rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0', "an error without a code: %s", err.message);
		FUZZ_ASSERT(c == NULL, "*out set on failure");
		return 0;
	}
	FUZZ_ASSERT(c && c->roster && c->standards && c->key && c->output,
		    "a required key is missing");
	FUZZ_ASSERT(c->nlayouts >= 1 && c->nlayouts <= PAYROLL_CONFIG_MAX_LAYOUTS,
		    "%zu layouts", c->nlayouts);
	FUZZ_ASSERT(c->roster[0] == '/' && c->standards[0] == '/' && c->output[0] == '/',
		    "a relative path left: '%s' '%s' '%s'", c->roster, c->standards, c->output);
	for (i = 0; i < c->nlayouts; i++)
		FUZZ_ASSERT(c->layouts[i] != NULL, "layout %zu is NULL", i);
	payroll_config_free(c);
	return 0;
}
