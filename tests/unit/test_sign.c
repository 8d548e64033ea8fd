/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of sign.c: every documented return code of its public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "banned.h"

static char dir[] = "/tmp/payroll-test-sign.XXXXXX";

static void
path(char *out, size_t n, const char *name)
{
	assert_true(snprintf(out, n, "%s/%s", dir, name) < (int)n);
}

static void
put(const char *name, const char *data)
{
	char p[256];
	FILE *f;

	path(p, sizeof p, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(data, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void
test_alg_names(void **state)
{
	enum payroll_sig_alg a;
	struct payroll_error e;

	(void)state;
	assert_int_equal(payroll_sig_alg_parse("sm2", &a, &e), 0);
	assert_int_equal(a, PAYROLL_SIG_SM2);
	assert_int_equal(payroll_sig_alg_parse("ecdsa-p256", &a, &e), 0);
	assert_string_equal(payroll_sig_alg_name(a), "ecdsa-p256");
	assert_int_equal(payroll_sig_alg_parse("ED25519", &a, &e), PAYROLL_EUSAGE);
	assert_non_null(strstr(e.message, "ED25519"));
	assert_string_equal(payroll_sig_alg_name((enum payroll_sig_alg)99), "unknown");
}

static void
test_sha256(void **state)
{
	unsigned char md[32];
	struct payroll_error e;
	char p[256];
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};

	(void)state;
	put("abc", "abc");
	path(p, sizeof p, "abc");
	assert_int_equal(payroll_sha256_file(p, md, &e), 0);
	assert_memory_equal(md, abc, 32);
	path(p, sizeof p, "none");
	assert_int_equal(payroll_sha256_file(p, md, &e), PAYROLL_EIO);
	assert_string_equal(e.file, p);
	assert_int_equal(payroll_sha256_file(dir, md, &e), PAYROLL_EUSAGE);
}

/* keygen, load both halves, sign, verify, and every way to fail each. */
static void
roundtrip(enum payroll_sig_alg alg)
{
	char base[256], key[256], pub[256], file[256], sig[256];
	unsigned char s[PAYROLL_SIG_MAX], md[32], want[32];
	struct payroll_key *priv = NULL, *pk = NULL;
	struct payroll_error e;
	struct stat st;
	size_t n = 0;
	char *files[1];

	path(base, sizeof base, payroll_sig_alg_name(alg));
	assert_true(snprintf(key, sizeof key, "%s.key", base) < (int)sizeof key);
	assert_true(snprintf(pub, sizeof pub, "%s.pub", base) < (int)sizeof pub);
	assert_int_equal(payroll_keygen(base, alg, NULL, &e), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(payroll_keygen(base, alg, NULL, &e), PAYROLL_EEXIST);
	assert_string_equal(e.code, "exists");

	assert_int_equal(payroll_key_load(&priv, key, PAYROLL_KEY_PRIVATE, NULL, &e), 0);
	assert_int_equal(payroll_key_alg(priv), alg);
	assert_int_equal(payroll_key_load(&pk, pub, PAYROLL_KEY_PUBLIC, NULL, &e), 0);
	assert_int_equal(payroll_key_alg(pk), alg);

	put("data", "period,amount\n2026-11,1.00\n");
	path(file, sizeof file, "data");
	assert_true(snprintf(sig, sizeof sig, "%s.sig", file) < (int)sizeof sig);
	assert_int_equal(payroll_sign_file(priv, file, s, &n, md, &e), 0);
	assert_true(n > 0 && n <= PAYROLL_SIG_MAX);
	if (alg == PAYROLL_SIG_ED25519)
		assert_int_equal(n, 64);
	assert_int_equal(payroll_sha256_file(file, want, &e), 0);
	assert_memory_equal(md, want, 32);
	assert_int_equal(payroll_sign_file(pk, file, s, &n, NULL, &e), PAYROLL_EUSAGE);

	files[0] = file;
	unlink(sig);
	assert_int_equal(payroll_verify_file(pk, file, NULL, &e), PAYROLL_SIG_BAD);
	assert_string_equal(e.code, "missing-signature");
	assert_string_equal(e.file, file);
	assert_int_equal(payroll_sign_files(priv, files, 1, 0, &e), 0);
	assert_int_equal(payroll_verify_file(pk, file, NULL, &e), PAYROLL_SIG_GOOD);
	assert_int_equal(payroll_verify_file(priv, file, NULL, &e), PAYROLL_SIG_GOOD);
	assert_int_equal(payroll_verify_files(pk, files, 1, 0, NULL, NULL, &e), PAYROLL_SIG_GOOD);
	put("data", "period,amount\n2026-11,2.00\n");
	assert_int_equal(payroll_verify_file(pk, file, NULL, &e), PAYROLL_SIG_BAD);
	assert_string_equal(e.code, "bad-signature");
	assert_int_equal(payroll_verify_files(pk, files, 1, 0, NULL, NULL, &e), PAYROLL_SIG_BAD);
	assert_int_equal(payroll_sign_files(priv, files, 0, 0, &e), PAYROLL_EUSAGE);

	payroll_key_free(priv);
	payroll_key_free(pk);
}

static void test_ed25519(void **state) { (void)state; roundtrip(PAYROLL_SIG_ED25519); }
static void test_sm2(void **state) { (void)state; roundtrip(PAYROLL_SIG_SM2); }
static void test_ecdsa(void **state) { (void)state; roundtrip(PAYROLL_SIG_ECDSA_P256); }

static void
test_key_load_errors(void **state)
{
	struct payroll_key *k = (struct payroll_key *)1;
	struct payroll_error e;
	char base[256], key[256], p[256];

	(void)state;
	path(base, sizeof base, "enc");
	assert_true(snprintf(key, sizeof key, "%s.key", base) < (int)sizeof key);
	setenv("PAYROLL_UNIT_PASS", "unit test", 1);
	assert_int_equal(payroll_keygen(base, PAYROLL_SIG_ED25519, "env:PAYROLL_UNIT_PASS", &e), 0);
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, NULL, &e), PAYROLL_EUSAGE);
	assert_null(k);
	assert_string_equal(e.code, "encrypted-key");
	setenv("PAYROLL_UNIT_PASS", "unit tesT", 1);
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, "env:PAYROLL_UNIT_PASS", &e), PAYROLL_EUSAGE);
	assert_string_equal(e.code, "bad-passphrase");
	put("pass", "unit test\r\n");
	path(p, sizeof p, "pass");
	{
		char spec[300];

		assert_true(snprintf(spec, sizeof spec, "file:%s", p) < (int)sizeof spec);
		assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, spec, &e), 0);
		payroll_key_free(k);
	}
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, "unit test", &e), PAYROLL_EUSAGE);
	assert_string_equal(e.code, "pass");
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE | PAYROLL_KEY_PUBLIC, NULL, &e), PAYROLL_EUSAGE);
	assert_int_equal(payroll_key_load(&k, key, 0, NULL, &e), PAYROLL_EUSAGE);
	assert_int_equal(chmod(key, 0644), 0);
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, NULL, &e), PAYROLL_EUSAGE);
	assert_string_equal(e.code, "key-permissions");
	put("junk.key", "-----BEGIN NOTHING-----\n");
	path(p, sizeof p, "junk.key");
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(payroll_key_load(&k, p, PAYROLL_KEY_PRIVATE, NULL, &e), PAYROLL_EFORMAT);
	assert_string_equal(e.code, "bad-key");
	assert_int_equal(payroll_key_load(&k, p, PAYROLL_KEY_PUBLIC, NULL, &e), PAYROLL_EFORMAT);
	path(p, sizeof p, "no-such.key");
	assert_int_equal(payroll_key_load(&k, p, PAYROLL_KEY_PUBLIC, NULL, &e), PAYROLL_EIO);
	payroll_key_free(NULL);
}

static void
diag_count(void *ctx, const struct payroll_error *d)
{
	(void)d;
	++*(int *)ctx;
}

static void
test_manifest(void **state)
{
	struct payroll_key *k;
	struct payroll_error e;
	char base[256], key[256], a[256], b[256], sums[256];
	char *files[2] = { a, b };
	int n = 0;

	(void)state;
	path(base, sizeof base, "m");
	assert_true(snprintf(key, sizeof key, "%s.key", base) < (int)sizeof key);
	assert_int_equal(payroll_keygen(base, PAYROLL_SIG_SM2, NULL, &e), 0);
	assert_int_equal(payroll_key_load(&k, key, PAYROLL_KEY_PRIVATE, NULL, &e), 0);
	put("a.csv", "a\n");
	put("b.csv", "b\n");
	path(a, sizeof a, "a.csv");
	path(b, sizeof b, "b.csv");
	path(sums, sizeof sums, "SHA256SUMS");
	assert_int_equal(payroll_sign_files(k, files, 2, PAYROLL_SIGN_MANIFEST, &e), 0);
	assert_int_equal(payroll_verify_manifest(sums, diag_count, &n, &e), PAYROLL_SIG_GOOD);
	assert_int_equal(n, 0);
	assert_int_equal(payroll_verify_files(k, files, 2, PAYROLL_VERIFY_MANIFEST, diag_count, &n, &e),
			 PAYROLL_SIG_GOOD);
	put("b.csv", "B\n");
	assert_int_equal(payroll_verify_manifest(sums, diag_count, &n, &e), PAYROLL_SIG_BAD);
	assert_int_equal(n, 1);
	n = 0;
	/* b.csv's own signature and its manifest hash: two reports */
	assert_int_equal(payroll_verify_files(k, files, 2, PAYROLL_VERIFY_MANIFEST, diag_count, &n, &e),
			 PAYROLL_SIG_BAD);
	assert_int_equal(n, 2);
	files[1] = sums;
	assert_int_equal(payroll_sign_files(k, files, 2, PAYROLL_SIGN_MANIFEST, &e), PAYROLL_EUSAGE);
	payroll_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_names),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test(test_sm2),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_key_load_errors),
		cmocka_unit_test(test_manifest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
