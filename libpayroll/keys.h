/* SPDX-License-Identifier: Apache-2.0 */
/*
 * keys.h: signing keys (SPEC 7): the algorithms, passphrases, loading a
 * key and making a key pair.
 *
 * Three algorithms, chosen at keygen time and read back from the key itself
 * afterwards: ed25519, sm2 (SM2 with SM3 and the distinguishing ID
 * PAYROLL_SM2_ID) and ecdsa-p256 (sign.h says how each signs). Keys are
 * PEM: PKCS#8 private (optionally encrypted with AES-256-CBC under a
 * passphrase), SubjectPublicKeyInfo public.
 *
 * Passphrases are named, never given: "env:VAR" reads the environment
 * variable VAR, "file:PATH" the first line of PATH (one trailing newline
 * is stripped). Every copy of a passphrase or of private key bytes made
 * here is wiped with OPENSSL_cleanse before it is freed.
 *
 * Every function returns 0 on success and a negative PAYROLL_E* on
 * failure, with the detail in err. Nothing here prints or exits.
 */
#ifndef PAYROLL_KEYS_H
#define PAYROLL_KEYS_H

#include "error.h"

enum payroll_sig_alg {
	PAYROLL_SIG_ED25519 = 1,
	PAYROLL_SIG_SM2 = 2,
	PAYROLL_SIG_ECDSA_P256 = 3,
};

/* The default algorithm of keygen. */
#define PAYROLL_SIG_DEFAULT PAYROLL_SIG_ED25519

/* The SM2 distinguishing ID (GM/T 0009 default). */
#define PAYROLL_SM2_ID "1234567812345678"

struct payroll_key;

/*
 * Parse an algorithm name ("ed25519", "sm2", "ecdsa-p256") into *alg.
 * Returns 0, or PAYROLL_EUSAGE (err names the bad value).
 */
int payroll_sig_alg_parse(const char *name, enum payroll_sig_alg *alg,
			  struct payroll_error *err);

/* The name of alg as parse accepts it; "unknown" for anything else. */
const char *payroll_sig_alg_name(enum payroll_sig_alg alg);

/*
 * Make a key pair of algorithm alg and write BASE.key (PKCS#8 PEM, mode
 * 0600, encrypted with AES-256-CBC when pass_spec is not NULL) and
 * BASE.pub (SubjectPublicKeyInfo PEM). Neither file is ever overwritten:
 * both are written through outfile.h in its no-overwrite mode
 * (PAYROLL_OUT_EXCL) and committed together, so they appear whole, both
 * or neither.
 *
 * Returns 0; PAYROLL_EEXIST when BASE.key or BASE.pub exists (nothing
 * written); PAYROLL_EUSAGE for a bad alg, base or pass_spec;
 * PAYROLL_EIO; PAYROLL_ENOMEM; PAYROLL_ECRYPTO.
 */
int payroll_keygen(const char *base, enum payroll_sig_alg alg,
		   const char *pass_spec, struct payroll_error *err);

/* Flags for payroll_key_load. */
#define PAYROLL_KEY_PRIVATE 0x1	/* a PKCS#8 private key (for signing) */
#define PAYROLL_KEY_PUBLIC 0x2	/* a SubjectPublicKeyInfo key (verifying) */

/*
 * Load the PEM key in path. Exactly one of PAYROLL_KEY_PRIVATE and
 * PAYROLL_KEY_PUBLIC must be set. A private key file must be a regular
 * file that group and others cannot access at all (mode & 077 == 0),
 * else the load is refused with code "key-permissions". pass_spec
 * ("env:VAR" or "file:PATH", or NULL) decrypts an encrypted private key;
 * it is ignored for an unencrypted one.
 *
 * On success *out is a handle the caller frees with payroll_key_free.
 * Returns 0; PAYROLL_EUSAGE (bad flags or pass_spec, "encrypted-key" when
 * the key needs a passphrase and none was named, "bad-passphrase" when it
 * does not decrypt the key, "key-permissions", "usage" for a file that is not a regular file); PAYROLL_EIO;
 * PAYROLL_ENOMEM; PAYROLL_EFORMAT ("bad-key": not a PEM key of the wanted
 * kind, "unsupported-key": a key of another algorithm or curve, "too-big":
 * a file over 64 KiB).
 */
int payroll_key_load(struct payroll_key **out, const char *path,
		     unsigned flags, const char *pass_spec,
		     struct payroll_error *err);

/* Free a key, wiping private material. NULL is allowed. */
void payroll_key_free(struct payroll_key *k);

/* The key's algorithm. */
enum payroll_sig_alg payroll_key_alg(const struct payroll_key *k);

/* 1 for a private key (it can sign), 0 for a public one. */
int payroll_key_is_private(const struct payroll_key *k);

/* The OpenSSL key inside k (an EVP_PKEY, still owned by k), for sign.c. */
struct evp_pkey_st *payroll_key_pkey(const struct payroll_key *k);

/*
 * Fill err with PAYROLL_ECRYPTO, code "crypto", "WHAT failed" and the
 * reason OpenSSL queued, naming file; then empty OpenSSL's error queue
 * so a later failure does not report a stale reason. Returns
 * PAYROLL_ECRYPTO.
 */
int payroll_crypto_error(struct payroll_error *err, const char *file, const char *what);

#endif
