/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sign.h: detached signatures of one file (SPEC 7), with a key of keys.h.
 *
 *   ed25519     Ed25519, 64 raw bytes over the file's bytes (the file is
 *               mapped, not read into the heap)
 *   sm2         SM2 with SM3, distinguishing ID PAYROLL_SM2_ID, DER
 *   ecdsa-p256  ECDSA on P-256 with SHA-256, DER
 *
 * SM2 and ECDSA stream the file in 1 MiB chunks. Signatures are exactly
 * what the stock openssl command line makes and checks (see
 * man/payroll-verify.1). Sets of files and SHA256SUMS are manifest.h's.
 *
 * Every function returns 0 (or a documented positive event) on success and
 * a negative PAYROLL_E* on failure, with the detail in err. Nothing here
 * prints or exits.
 */
#ifndef PAYROLL_SIGN_H
#define PAYROLL_SIGN_H

#include <stddef.h>

#include "error.h"
#include "keys.h"

/* No signature of ours is longer than this (DER ECDSA/SM2 is <= 72). */
#define PAYROLL_SIG_MAX 160

/* Positive results of verification: normal events, not errors. */
enum {
	PAYROLL_SIG_GOOD = 0,	/* every signature (and hash) checks */
	PAYROLL_SIG_BAD = 1,	/* at least one does not; named in err/diag */
};

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

/* The signature file of path, path + ".sig", into out. Returns 0, or
 * PAYROLL_EUSAGE ("usage": path too long). */
int payroll_sig_path(char out[PAYROLL_PATH_MAX], const char *path,
		     struct payroll_error *err);

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
 * SHA-256 of the regular file path, read in 1 MiB chunks.
 * Returns 0; PAYROLL_EIO; PAYROLL_EUSAGE (not a regular file);
 * PAYROLL_ENOMEM; PAYROLL_ECRYPTO.
 */
int payroll_sha256_file(const char *path, unsigned char out[32],
			struct payroll_error *err);

#endif
