/* SPDX-License-Identifier: Apache-2.0 */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "buf.h"
#include "outfile.h"
#include "source.h"
#include "intl.h"
#include "banned.h"

#define CHUNK (1024 * 1024)		/* streaming read size */
#define ED25519_SIGLEN 64

/* An input file: open descriptor and its stat. */
struct infile {
	int fd;
	struct stat st;
};


int
payroll_sig_path(char out[PAYROLL_PATH_MAX], const char *path, struct payroll_error *err)
{
	return payroll_path_join(out, PAYROLL_PATH_MAX, path, ".sig", err);
}

/*
 * Open a regular file for reading. A FIFO, device or directory is refused (PAYROLL_EUSAGE) without blocking:
 * the open is non-blocking until fstat has shown a regular file.
 */
static int
infile_open(struct infile *f, const char *path, struct payroll_error *err)
{
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	if (fstat(f->fd, &f->st) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, path, "cannot stat");
		close(f->fd);
		return PAYROLL_EIO;
	}
	if (!S_ISREG(f->st.st_mode)) {
		close(f->fd);
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "not a regular file (a %s)", S_ISFIFO(f->st.st_mode) ? "fifo" :
					 S_ISDIR(f->st.st_mode) ? "directory" : "device or socket");
	}
	if (fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
		close(f->fd);
		return PAYROLL_EIO;
	}
	if ((uintmax_t)f->st.st_size > SIZE_MAX) {
		close(f->fd);
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "file too large for this system");
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return 0;
}

/*
 * Map a file read-only. An empty file maps to a static empty buffer
 * (mmap refuses length 0); *len 0 then means "nothing to unmap".
 */
static int
infile_map(struct infile *f, const char *path, const unsigned char **p,
	   size_t *len, struct payroll_error *err)
{
	static const unsigned char empty[1];
	void *m;

	*len = (size_t)f->st.st_size;
	if (*len == 0) {
		*p = empty;
		return 0;
	}
	m = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (m == MAP_FAILED) {
		*len = 0;
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot map");
	}
	madvise(m, *len, MADV_SEQUENTIAL);
	*p = m;
	return 0;
}

static void
infile_unmap(const unsigned char *p, size_t len)
{
	if (len)
		munmap((void *)p, len);
}


/* --- signing and verifying one stream ---------------------------------- */

static const char *
alg_md(enum payroll_sig_alg alg)
{
	switch (alg) {
	case PAYROLL_SIG_SM2:
		return "SM3";
	case PAYROLL_SIG_ECDSA_P256:
		return "SHA256";
	case PAYROLL_SIG_ED25519:
		break;
	}
	return NULL;	/* Ed25519 hashes internally; no digest to name */
}

static int
md_start(struct payroll_key *k, int verify, EVP_MD_CTX **out,
	 const char *label, struct payroll_error *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	*out = NULL;
	if (!md)
		return payroll_crypto_error(err, label, "allocating a digest");
	if (verify)
		ok = EVP_DigestVerifyInit_ex(md, &pctx, alg_md(payroll_key_alg(k)), NULL, NULL,
					     payroll_key_pkey(k), NULL) == 1;
	else
		ok = EVP_DigestSignInit_ex(md, &pctx, alg_md(payroll_key_alg(k)), NULL, NULL,
					   payroll_key_pkey(k), NULL) == 1;
	/* The ID enters the Z value hashed ahead of the data, so set it
	 * before the first update. */
	if (ok && payroll_key_alg(k) == PAYROLL_SIG_SM2)
		ok = EVP_PKEY_CTX_set1_id(pctx, PAYROLL_SM2_ID,
					  sizeof PAYROLL_SM2_ID - 1) > 0;
	if (!ok) {
		EVP_MD_CTX_free(md);
		return payroll_crypto_error(err, label, verify ? "starting verification" : "starting to sign");
	}
	*out = md;
	return 0;
}

/*
 * Feed fd to md (sign or verify update) and, when sha is not NULL, to
 * sha too, in CHUNK pieces from one heap buffer.
 */
static int
stream_fd(int fd, EVP_MD_CTX *md, int verify, EVP_MD_CTX *sha,
	  const char *path, struct payroll_error *err)
{
	unsigned char *buf = malloc(CHUNK);
	ssize_t r;
	int rc = 0, ok;

	if (!buf)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate read buffer");
	for (;;) {
		r = read(fd, buf, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot read");
			break;
		}
		if (r == 0)
			break;
		ok = 1;
		if (md)
			ok = verify ? EVP_DigestVerifyUpdate(md, buf, (size_t)r) :
				      EVP_DigestSignUpdate(md, buf, (size_t)r);
		if (ok == 1 && sha)
			ok = EVP_DigestUpdate(sha, buf, (size_t)r);
		if (ok != 1) {
			rc = payroll_crypto_error(err, path, "hashing");
			break;
		}
	}
	free(buf);
	return rc;
}

static EVP_MD_CTX *
sha256_start(void)
{
	EVP_MD_CTX *sha = EVP_MD_CTX_new();

	if (sha && EVP_DigestInit_ex2(sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(sha);
		sha = NULL;
	}
	return sha;
}

static int
sha256_finish(EVP_MD_CTX *sha, unsigned char out[32], const char *path,
	      struct payroll_error *err)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(sha, out, &n) != 1 || n != 32)
		return payroll_crypto_error(err, path, "sha-256");
	return 0;
}

int
payroll_sign_mem(struct payroll_key *k, const void *data, size_t n,
		 const char *label, unsigned char *sig, size_t *siglen,
		 struct payroll_error *err)
{
	EVP_MD_CTX *md;
	int rc;

	if (!payroll_key_is_private(k))
		return payroll_error_set(err, PAYROLL_EUSAGE, label, 0, 0, "usage",
					 "signing needs a private key");
	rc = md_start(k, 0, &md, label, err);
	if (rc)
		return rc;
	*siglen = PAYROLL_SIG_MAX;
	if (EVP_DigestSign(md, sig, siglen, data, n) != 1)
		rc = payroll_crypto_error(err, label, "signing");
	EVP_MD_CTX_free(md);
	return rc;
}

int
payroll_sign_file(struct payroll_key *k, const char *path, unsigned char *sig,
		  size_t *siglen, unsigned char sha256[32],
		  struct payroll_error *err)
{
	struct infile f;
	EVP_MD_CTX *md = NULL, *sha = NULL;
	const unsigned char *map = NULL;
	size_t len;
	int rc;

	if (!payroll_key_is_private(k))
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "signing needs a private key");
	rc = infile_open(&f, path, err);
	if (rc)
		return rc;
	if (payroll_key_alg(k) == PAYROLL_SIG_ED25519) {
		/* Ed25519 reads the message twice and has no streaming
		 * interface: map the file instead of copying it. */
		rc = infile_map(&f, path, &map, &len, err);
		if (rc)
			goto done;
		if (sha256 && EVP_Digest(map, len, sha256, NULL, EVP_sha256(), NULL) != 1)
			rc = payroll_crypto_error(err, path, "sha-256");
		if (!rc)
			rc = payroll_sign_mem(k, map, len, path, sig, siglen, err);
		infile_unmap(map, len);
		goto done;
	}
	rc = md_start(k, 0, &md, path, err);
	if (rc)
		goto done;
	if (sha256 && !(sha = sha256_start())) {
		rc = payroll_crypto_error(err, path, "sha-256");
		goto done;
	}
	rc = stream_fd(f.fd, md, 0, sha, path, err);
	if (rc)
		goto done;
	*siglen = PAYROLL_SIG_MAX;
	if (EVP_DigestSignFinal(md, sig, siglen) != 1) {
		rc = payroll_crypto_error(err, path, "signing");
		goto done;
	}
	if (sha)
		rc = sha256_finish(sha, sha256, path, err);
done:
	EVP_MD_CTX_free(md);
	EVP_MD_CTX_free(sha);
	close(f.fd);
	return rc;
}

int
payroll_sha256_file(const char *path, unsigned char out[32],
		    struct payroll_error *err)
{
	struct infile f;
	EVP_MD_CTX *sha;
	int rc;

	rc = infile_open(&f, path, err);
	if (rc)
		return rc;
	sha = sha256_start();
	if (!sha)
		rc = payroll_crypto_error(err, path, "sha-256");
	else
		rc = stream_fd(f.fd, NULL, 0, sha, path, err);
	if (!rc)
		rc = sha256_finish(sha, out, path, err);
	EVP_MD_CTX_free(sha);
	close(f.fd);
	return rc;
}

/*
 * Read a signature file. Returns 0 with the bytes, PAYROLL_SIG_BAD
 * (missing, not a regular file, empty or oversized; err filled naming
 * file), or a negative error.
 */
static int
read_sig(const char *file, const char *sigpath, unsigned char *sig,
	 size_t *siglen, struct payroll_error *err)
{
	struct payroll_buf b = { 0 };
	const char *why = NULL;
	struct payroll_error e;
	int rc;

	rc = payroll_source_slurp(sigpath, PAYROLL_SIG_MAX,
				  PAYROLL_SLURP_REGULAR | PAYROLL_SLURP_MISSING_OK, &b, NULL, &e);
	if (rc == 1) {
		payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "missing-signature",
				  "no signature file %s", sigpath);
		return PAYROLL_SIG_BAD;
	}
	if (rc == PAYROLL_EUSAGE)
		why = _("is not a regular file");
	else if (rc == PAYROLL_EFORMAT)
		why = _("is too large to be a signature");
	else if (rc == 0 && b.len == 0)
		why = _("is empty");
	if (why) {
		payroll_buf_release(&b);
		payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "bad-signature",
				  "signature file %s %s", sigpath, why);
		return PAYROLL_SIG_BAD;
	}
	if (rc) {
		*err = e;
		return rc;
	}
	memcpy(sig, b.p, b.len);
	*siglen = b.len;
	payroll_buf_release(&b);
	return 0;
}

int
payroll_verify_file(struct payroll_key *k, const char *path,
		    const char *sigpath, struct payroll_error *err)
{
	char defsig[PAYROLL_PATH_MAX];
	unsigned char sig[PAYROLL_SIG_MAX];
	size_t siglen = 0, len;
	const unsigned char *map = NULL;
	EVP_MD_CTX *md = NULL;
	struct infile f;
	int rc, ok;

	if (!sigpath) {
		rc = payroll_sig_path(defsig, path, err);
		if (rc)
			return rc;
		sigpath = defsig;
	}
	rc = infile_open(&f, path, err);
	if (rc)
		return rc;
	rc = read_sig(path, sigpath, sig, &siglen, err);
	if (rc)
		goto done;
	if (payroll_key_alg(k) == PAYROLL_SIG_ED25519 && siglen != ED25519_SIGLEN) {
		rc = payroll_error_set(err, PAYROLL_SIG_BAD, path, 0, 0, "bad-signature",
				       "signature is %zu bytes, an ed25519 signature is %d",
				       siglen, ED25519_SIGLEN);
		goto done;
	}
	rc = md_start(k, 1, &md, path, err);
	if (rc)
		goto done;
	if (payroll_key_alg(k) == PAYROLL_SIG_ED25519) {
		rc = infile_map(&f, path, &map, &len, err);
		if (rc)
			goto done;
		ok = EVP_DigestVerify(md, sig, siglen, map, len);
		infile_unmap(map, len);
	} else {
		rc = stream_fd(f.fd, md, 1, NULL, path, err);
		if (rc)
			goto done;
		ok = EVP_DigestVerifyFinal(md, sig, siglen);
	}
	/* 0 and the negative "malformed signature" results both mean the
	 * signature does not check; the queue holds nothing we need. */
	ERR_clear_error();
	if (ok != 1)
		rc = payroll_error_set(err, PAYROLL_SIG_BAD, path, 0, 0, "bad-signature",
				       "signature does not verify");
done:
	EVP_MD_CTX_free(md);
	close(f.fd);
	return rc;
}

