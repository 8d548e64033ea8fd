/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sign.h: signing keys, detached signatures and SHA256SUMS manifests (SPEC 7).
 *
 * Three algorithms, chosen at keygen time and read back from the key itself
 * afterwards:
 *
 *   ed25519     Ed25519, 64 raw bytes over the file's bytes (the file is
 *               mapped, not read into the heap)
 *   sm2         SM2 with SM3, distinguishing ID "1234567812345678", DER
 *   ecdsa-p256  ECDSA on P-256 with SHA-256, DER
 *
 * SM2 and ECDSA stream the file in 1 MiB chunks. Signatures are exactly
 * what the stock openssl command line makes and checks (see
 * man/payroll-verify.1). Keys are PEM: PKCS#8 private (optionally
 * encrypted with AES-256-CBC under a passphrase), SubjectPublicKeyInfo
 * public.
 *
 * Passphrases are named, never given: "env:VAR" reads the environment
 * variable VAR, "file:PATH" the first line of PATH (one trailing newline
 * is stripped). Every copy of a passphrase or of private key bytes made
 * here is wiped with OPENSSL_cleanse before it is freed.
 *
 * Every function returns 0 (or a documented positive event) on success and
 * a negative PAYROLL_E* on failure, with the detail in err. Nothing here
 * prints or exits.
 */
#ifndef PAYROLL_SIGN_H
#define PAYROLL_SIGN_H

#include <stddef.h>

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

/* No signature of ours is longer than this (DER ECDSA/SM2 is <= 72). */
#define PAYROLL_SIG_MAX 160

/* The manifest's file name, written beside the signed files. */
#define PAYROLL_MANIFEST "SHA256SUMS"

/* Positive results of verification: normal events, not errors. */
enum {
	PAYROLL_SIG_GOOD = 0,	/* every signature (and hash) checks */
	PAYROLL_SIG_BAD = 1,	/* at least one does not; named in err/diag */
};

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
 * BASE.key gets its final name by link(2) from a fsynced temporary file,
 * so it appears whole or not at all; if BASE.pub cannot be written,
 * BASE.key is removed again.
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
 * does not decrypt the key, "key-permissions"); PAYROLL_EIO; PAYROLL_ENOMEM;
 * PAYROLL_EFORMAT ("bad-key": not a PEM key of the wanted kind,
 * "unsupported-key": a key of another algorithm or curve).
 */
int payroll_key_load(struct payroll_key **out, const char *path,
		     unsigned flags, const char *pass_spec,
		     struct payroll_error *err);

/* Free a key, wiping private material. NULL is allowed. */
void payroll_key_free(struct payroll_key *k);

/* The key's algorithm. */
enum payroll_sig_alg payroll_key_alg(const struct payroll_key *k);

/*
 * Sign the whole regular file path with private key k into sig (room for
 * PAYROLL_SIG_MAX bytes); *siglen gets the length. When sha256 is not
 * NULL it receives the file's SHA-256, computed in the same pass.
 * Returns 0; PAYROLL_EUSAGE (k is a public key, path not a regular file);
 * PAYROLL_EIO; PAYROLL_ENOMEM; PAYROLL_ECRYPTO.
 */
int payroll_sign_file(struct payroll_key *k, const char *path,
		      unsigned char *sig, size_t *siglen,
		      unsigned char sha256[32], struct payroll_error *err);

/* Like payroll_sign_file over n bytes in memory; err names label. */
int payroll_sign_mem(struct payroll_key *k, const void *data, size_t n,
		     const char *label, unsigned char *sig, size_t *siglen,
		     struct payroll_error *err);

/* Flags for payroll_sign_files and payroll_verify_files. */
#define PAYROLL_SIGN_MANIFEST 0x1	/* also SHA256SUMS and SHA256SUMS.sig */
#define PAYROLL_VERIFY_MANIFEST PAYROLL_SIGN_MANIFEST

/*
 * Sign each of the n files with k and write FILE.sig beside each, through
 * outfile.h. With PAYROLL_SIGN_MANIFEST also write SHA256SUMS (sha256sum
 * format: 64 lowercase hex digits, two spaces, the file's base name) in
 * the files' directory, and SHA256SUMS.sig; then all files must be in one
 * directory, have distinct names without newline or backslash, and none
 * may be called SHA256SUMS.
 *
 * Every signature is computed before anything is written, and if a write
 * fails the outputs already written by this call are removed, so an error
 * leaves no new output behind.
 *
 * Returns 0; PAYROLL_EUSAGE (no files, a rule above broken); PAYROLL_EIO;
 * PAYROLL_ENOMEM; PAYROLL_ECRYPTO.
 */
int payroll_sign_files(struct payroll_key *k, char *const *files, size_t n,
		       unsigned flags, struct payroll_error *err);

/*
 * Check path against the signature in sigpath (NULL: path + ".sig")
 * with key k (public or private).
 *
 * Returns PAYROLL_SIG_GOOD; PAYROLL_SIG_BAD with err naming path and the
 * code "bad-signature" (does not verify, wrong length) or
 * "missing-signature" (sigpath does not exist); or a negative error:
 * PAYROLL_EIO (path or sigpath unreadable), PAYROLL_EUSAGE (not a regular
 * file), PAYROLL_ENOMEM, PAYROLL_ECRYPTO.
 */
int payroll_verify_file(struct payroll_key *k, const char *path,
			const char *sigpath, struct payroll_error *err);

/*
 * Check every file listed in the manifest sums (sha256sum format; names
 * relative to the manifest's directory, never absolute nor with a ".."
 * component). Each mismatching, missing or malformed entry is reported
 * through diag (ctx is passed on; codes "hash-mismatch", "missing-file",
 * "bad-manifest"). This checks hashes only; verify the manifest's own
 * signature with payroll_verify_file.
 *
 * Returns PAYROLL_SIG_GOOD, PAYROLL_SIG_BAD (something reported), or a
 * negative error: PAYROLL_EIO (sums or a listed file unreadable other
 * than missing), PAYROLL_ENOMEM.
 */
int payroll_verify_manifest(const char *sums, payroll_diag_fn diag,
			    void *ctx, struct payroll_error *err);

/*
 * Verify each of the n files against FILE.sig with k. A file whose base
 * name is SHA256SUMS has its listed hashes checked too; with
 * PAYROLL_VERIFY_MANIFEST, the SHA256SUMS in the files' directory (all
 * must share one) is added to the list when absent. Each failure that is
 * not an error is reported through diag and the checks go on.
 *
 * Returns PAYROLL_SIG_GOOD, PAYROLL_SIG_BAD, or the first negative error
 * (with err filled; checks stop there).
 */
int payroll_verify_files(struct payroll_key *k, char *const *files, size_t n,
			 unsigned flags, payroll_diag_fn diag, void *ctx,
			 struct payroll_error *err);

/*
 * SHA-256 of the regular file path, read in 1 MiB chunks.
 * Returns 0; PAYROLL_EIO; PAYROLL_EUSAGE (not a regular file);
 * PAYROLL_ENOMEM; PAYROLL_ECRYPTO.
 */
int payroll_sha256_file(const char *path, unsigned char out[32],
			struct payroll_error *err);

#endif
