/* SPDX-License-Identifier: Apache-2.0 */
/*
 * manifest.h: signing and verifying sets of files, and the SHA256SUMS
 * manifest that lists them (SPEC 7, payroll-sign(1), payroll-verify(1)).
 * Each file is signed or checked through sign.h.
 */
#ifndef PAYROLL_MANIFEST_H
#define PAYROLL_MANIFEST_H

#include <stddef.h>

#include "error.h"
#include "keys.h"
#include "sign.h"

/* The manifest's file name, written beside the signed files. */
#define PAYROLL_MANIFEST "SHA256SUMS"

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

#endif
