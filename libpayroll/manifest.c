/* SPDX-License-Identifier: Apache-2.0 */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "outfile.h"
#include "source.h"
#include "intl.h"
#include "banned.h"

#define MANIFEST_MAX (64L * 1024 * 1024)

/* The directory part of path with its slash ("a/b/x" -> "a/b/", "x" -> ""). */
static int
dir_prefix(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');
	int r = snprintf(out, n, "%.*s", slash ? (int)(slash - path + 1) : 0, path);

	return r < 0 || (size_t)r >= n ? -1 : 0;
}

/* --- sign many files, with an optional manifest ------------------------- */

struct job {
	const char *path;
	const char *base;
	char sigpath[PAYROLL_PATH_MAX];
	unsigned char sig[PAYROLL_SIG_MAX];
	size_t siglen;
	unsigned char sha[32];
};

static void
hex32(const unsigned char *d, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

static int
write_small(const char *path, const void *data, size_t n,
	    struct payroll_error *err)
{
	struct payroll_outfile *o;
	int rc;

	rc = payroll_outfile_open(&o, path, PAYROLL_OUT_NOGZIP, err);
	if (rc)
		return rc;
	payroll_outfile_write(o, data, n);	/* a failure surfaces at commit */
	return payroll_outfile_commit(o, err);
}

/* Same directory by identity, not by spelling ("a/x" and "./a/x"). */
static int
same_dir(const char *d1, const char *d2, int *same, struct payroll_error *err)
{
	struct stat s1, s2;

	if (stat(d1, &s1) != 0)
		return payroll_error_errno(err, PAYROLL_EIO, d1, "cannot stat directory");
	if (stat(d2, &s2) != 0)
		return payroll_error_errno(err, PAYROLL_EIO, d2, "cannot stat directory");
	*same = s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino;
	return 0;
}

/*
 * The manifest rules: one directory, plain distinct names. On success
 * sums gets DIR/SHA256SUMS.
 */
static int
check_manifest_files(struct job *jobs, size_t n, char *sums, size_t sumsn,
		     struct payroll_error *err)
{
	char dir0[PAYROLL_PATH_MAX], dir[PAYROLL_PATH_MAX];
	const char *base;
	size_t i, j;
	int rc, same;

	if (payroll_path_split(jobs[0].path, dir0, sizeof dir0, &base))
		return payroll_error_set(err, PAYROLL_EUSAGE, jobs[0].path, 0, 0,
					 "usage", "path too long");
	for (i = 0; i < n; i++) {
		if (payroll_path_split(jobs[i].path, dir, sizeof dir, &base))
			return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0,
						 "usage", "path too long");
		jobs[i].base = base;
		if (!*base)
			return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0,
						 "usage", "not a file name");
		if (strpbrk(base, "\n\r\\"))
			return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0, "usage",
						 "a file name in SHA256SUMS cannot hold a newline or backslash");
		if (!strcmp(base, PAYROLL_MANIFEST))
			return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0, "usage",
						 "SHA256SUMS is written with the manifest, not signed as a file");
		if (i > 0) {
			rc = same_dir(dir0, dir, &same, err);
			if (rc)
				return rc;
			if (!same)
				return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0, "usage",
							 "a manifest needs all files in one directory (the first is in %s)",
							 dir0);
		}
		for (j = 0; j < i; j++)
			if (!strcmp(jobs[j].base, base))
				return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0,
							 "usage", "file given twice");
	}
	if (dir_prefix(jobs[0].path, dir, sizeof dir))
		return payroll_error_set(err, PAYROLL_EUSAGE, jobs[0].path, 0, 0,
					 "usage", "path too long");
	return payroll_path_join(sums, sumsn, dir, PAYROLL_MANIFEST, err);
}

int
payroll_sign_files(struct payroll_key *k, char *const *files, size_t n,
		   unsigned flags, struct payroll_error *err)
{
	char sums[PAYROLL_PATH_MAX], sumssig[PAYROLL_PATH_MAX], hex[65];
	unsigned char msig[PAYROLL_SIG_MAX];
	size_t msiglen = 0, i, written = 0;
	const char **done_paths = NULL;
	struct payroll_buf manifest = { 0 };
	int manifest_on = !!(flags & PAYROLL_SIGN_MANIFEST);
	struct job *jobs;
	int rc = 0;

	if (n == 0)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "no files to sign");
	if (!payroll_key_is_private(k))
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "signing needs a private key");
	jobs = calloc(n, sizeof *jobs);
	done_paths = calloc(n + 2, sizeof *done_paths);
	if (!jobs || !done_paths) {
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "cannot allocate");
		goto out;
	}
	for (i = 0; i < n; i++) {
		jobs[i].path = files[i];
		rc = payroll_sig_path(jobs[i].sigpath, files[i], err);
		if (rc)
			goto out;
	}
	if (manifest_on) {
		rc = check_manifest_files(jobs, n, sums, sizeof sums, err);
		if (!rc)
			rc = payroll_sig_path(sumssig, sums, err);
		if (rc)
			goto out;
	}
	/* No .sig or manifest may replace a file being signed, or another. */
	for (i = 0; i < n; i++)
		done_paths[i] = jobs[i].sigpath;
	done_paths[n] = manifest_on ? sums : NULL;
	done_paths[n + 1] = manifest_on ? sumssig : NULL;
	rc = payroll_outfile_check_paths((const char *const *)files, n, done_paths, n + 2, err);
	memset(done_paths, 0, (n + 2) * sizeof *done_paths);
	if (rc)
		goto out;

	/* Everything is computed before anything is written. */
	for (i = 0; i < n; i++) {
		rc = payroll_sign_file(k, jobs[i].path, jobs[i].sig, &jobs[i].siglen,
				       manifest_on ? jobs[i].sha : NULL, err);
		if (rc)
			goto out;
	}
	if (manifest_on) {
		for (i = 0; i < n; i++) {
			hex32(jobs[i].sha, hex);
			if (payroll_buf_addf(&manifest, "%s  %s\n", hex, jobs[i].base)) {
				rc = payroll_error_errno(err, PAYROLL_ENOMEM, sums, "cannot allocate");
				goto out;
			}
		}
		rc = payroll_sign_mem(k, manifest.p, manifest.len, sums, msig, &msiglen, err);
		if (rc)
			goto out;
	}

	for (i = 0; i < n; i++) {
		rc = write_small(jobs[i].sigpath, jobs[i].sig, jobs[i].siglen, err);
		if (rc)
			goto out;
		done_paths[written++] = jobs[i].sigpath;
	}
	if (manifest_on) {
		rc = write_small(sums, manifest.p, manifest.len, err);
		if (rc)
			goto out;
		done_paths[written++] = sums;
		rc = write_small(sumssig, msig, msiglen, err);
		if (rc)
			goto out;
		done_paths[written++] = sumssig;
	}
out:
	if (rc) {
		/* No half-signed set: take back what this call wrote. */
		for (i = 0; i < written; i++)
			unlink(done_paths[i]);
	}
	free(done_paths);
	free(jobs);
	payroll_buf_release(&manifest);
	return rc;
}

/* --- manifests and verifying many files ---------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
report(payroll_diag_fn diag, void *ctx, const char *file, long line,
       const char *code, const char *msg)
{
	struct payroll_error d;

	payroll_error_set(&d, PAYROLL_SIG_BAD, file, line, 0, code, "%s", payroll_tr(msg));
	if (diag)
		diag(ctx, &d);
}

/* A listed name: relative, no "." or ".." games that leave the directory. */
static int
safe_name(const char *name)
{
	const char *p = name;
	size_t n;

	if (!*name || *name == '/')
		return 0;
	while (*p) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

/* Undo sha256sum's escaping of a name (leading backslash on the line). */
static int
unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		if (*r == '\\')
			*w++ = '\\';
		else if (*r == 'n')
			*w++ = '\n';
		else if (*r == 'r')
			*w++ = '\r';
		else
			return -1;
		r++;
	}
	*w = '\0';
	return 0;
}

static int
check_entry(const char *dir, char *line, long lineno, const char *sums,
	    payroll_diag_fn diag, void *ctx, struct payroll_error *err)
{
	char path[PAYROLL_PATH_MAX], msg[128];
	unsigned char want[32], got[32];
	struct payroll_error e;
	int escaped = 0, missing, i, hi, lo, rc;
	char *name;

	if (*line == '\\') {
		escaped = 1;
		line++;
	}
	for (i = 0; i < 32; i++) {
		hi = hexval((unsigned char)line[2 * i]);
		lo = hi < 0 ? -1 : hexval((unsigned char)line[2 * i + 1]);
		if (hi < 0 || lo < 0)
			break;
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	if (i < 32 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') ||
	    (escaped && unescape(line + 66) != 0)) {
		report(diag, ctx, sums, lineno, "bad-manifest",
		       "not a sha256sum line (64 hex digits, two spaces, a name)");
		return PAYROLL_SIG_BAD;
	}
	name = line + 66;
	if (!safe_name(name)) {
		report(diag, ctx, sums, lineno, "bad-manifest",
		       "file name is absolute, empty or leaves the directory");
		return PAYROLL_SIG_BAD;
	}
	if (snprintf(path, sizeof path, "%s%s", dir, name) >= (int)sizeof path)
		return payroll_error_set(err, PAYROLL_EUSAGE, sums, lineno, 0, "usage",
					 "path too long");
	payroll_error_clear(&e);
	rc = payroll_sha256_file(path, got, &e);
	missing = rc == PAYROLL_EIO && access(path, F_OK) != 0 && errno == ENOENT;
	if (missing) {
		report(diag, ctx, path, 0, "missing-file", "listed in SHA256SUMS but does not exist");
		return PAYROLL_SIG_BAD;
	}
	if (rc) {
		*err = e;
		return rc;
	}
	if (CRYPTO_memcmp(want, got, 32) != 0) {
		snprintf(msg, sizeof msg, _("sha-256 differs from %s line %ld"), PAYROLL_MANIFEST, lineno);
		report(diag, ctx, path, 0, "hash-mismatch", msg);
		return PAYROLL_SIG_BAD;
	}
	return PAYROLL_SIG_GOOD;
}

int
payroll_verify_manifest(const char *sums, payroll_diag_fn diag, void *ctx,
			struct payroll_error *err)
{
	char dir[PAYROLL_PATH_MAX];
	struct payroll_buf b = { 0 };
	char *data, *line, *nl;
	long lineno = 0, entries = 0;
	int rc, bad = 0;

	/* Listed names are relative to the manifest: keep its directory
	 * part as given, slash included ("" beside us). */
	if (dir_prefix(sums, dir, sizeof dir))
		return payroll_error_set(err, PAYROLL_EUSAGE, sums, 0, 0, "usage", "path too long");
	rc = payroll_source_slurp(sums, MANIFEST_MAX, PAYROLL_SLURP_REGULAR, &b, NULL, err);
	if (rc)
		return rc;
	data = b.p;
	if (memchr(data, '\0', b.len)) {
		rc = PAYROLL_SIG_BAD;
		report(diag, ctx, sums, 0, "bad-manifest", "holds a nul byte");
		goto done;
	}
	for (line = data; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		lineno++;
		if (!nl) {
			report(diag, ctx, sums, lineno, "bad-manifest", "last line has no newline");
			bad = 1;
			break;
		}
		*nl = '\0';
		entries++;
		rc = check_entry(dir, line, lineno, sums, diag, ctx, err);
		if (rc < 0)
			goto done;
		bad |= rc == PAYROLL_SIG_BAD;
	}
	if (!entries && !bad) {
		report(diag, ctx, sums, 0, "bad-manifest", "lists no files");
		bad = 1;
	}
	rc = bad ? PAYROLL_SIG_BAD : PAYROLL_SIG_GOOD;
done:
	payroll_buf_release(&b);
	return rc;
}

static int
is_manifest(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, PAYROLL_MANIFEST);
}

/* Verify one file (and its listed hashes when it is a manifest). */
static int
verify_one(struct payroll_key *k, const char *path, payroll_diag_fn diag,
	   void *ctx, struct payroll_error *err)
{
	struct payroll_error e;
	int rc, bad = 0;

	payroll_error_clear(&e);
	rc = payroll_verify_file(k, path, NULL, &e);
	if (rc < 0) {
		*err = e;
		return rc;
	}
	if (rc == PAYROLL_SIG_BAD) {
		if (diag)
			diag(ctx, &e);
		bad = 1;
	}
	if (is_manifest(path)) {
		rc = payroll_verify_manifest(path, diag, ctx, err);
		if (rc < 0)
			return rc;
		bad |= rc == PAYROLL_SIG_BAD;
	}
	return bad ? PAYROLL_SIG_BAD : PAYROLL_SIG_GOOD;
}

int
payroll_verify_files(struct payroll_key *k, char *const *files, size_t n,
		     unsigned flags, payroll_diag_fn diag, void *ctx,
		     struct payroll_error *err)
{
	char dir0[PAYROLL_PATH_MAX], dir[PAYROLL_PATH_MAX], sums[PAYROLL_PATH_MAX];
	const char *base;
	size_t i;
	int rc, bad = 0, listed = 0, same;

	if (n == 0)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "no files to verify");
	if (flags & PAYROLL_VERIFY_MANIFEST) {
		if (payroll_path_split(files[0], dir0, sizeof dir0, &base))
			return payroll_error_set(err, PAYROLL_EUSAGE, files[0], 0, 0, "usage",
						 "path too long");
		for (i = 1; i < n; i++) {
			if (payroll_path_split(files[i], dir, sizeof dir, &base))
				return payroll_error_set(err, PAYROLL_EUSAGE, files[i], 0, 0,
							 "usage", "path too long");
			rc = same_dir(dir0, dir, &same, err);
			if (rc)
				return rc;
			if (!same)
				return payroll_error_set(err, PAYROLL_EUSAGE, files[i], 0, 0, "usage",
							 "a manifest needs all files in one directory (the first is in %s)",
							 dir0);
		}
		if (dir_prefix(files[0], dir, sizeof dir) ||
		    payroll_path_join(sums, sizeof sums, dir, PAYROLL_MANIFEST, err))
			return payroll_error_set(err, PAYROLL_EUSAGE, files[0], 0, 0, "usage",
						 "path too long");
	}
	for (i = 0; i < n; i++) {
		listed |= is_manifest(files[i]);
		rc = verify_one(k, files[i], diag, ctx, err);
		if (rc < 0)
			return rc;
		bad |= rc == PAYROLL_SIG_BAD;
	}
	if ((flags & PAYROLL_VERIFY_MANIFEST) && !listed) {
		rc = verify_one(k, sums, diag, ctx, err);
		if (rc < 0)
			return rc;
		bad |= rc == PAYROLL_SIG_BAD;
	}
	return bad ? PAYROLL_SIG_BAD : PAYROLL_SIG_GOOD;
}

