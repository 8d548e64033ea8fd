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
#include <openssl/pem.h>

#include "buf.h"
#include "outfile.h"
#include "intl.h"
#include "banned.h"

#define CHUNK (1024 * 1024)		/* streaming read size */
#define KEYFILE_MAX (64 * 1024)		/* no PEM key of ours is near this */
#define PASS_MAX 1024
#define SIGFILE_MAX 4096
#define MANIFEST_MAX (64L * 1024 * 1024)
#define ED25519_SIGLEN 64

struct payroll_key {
	EVP_PKEY *pkey;
	enum payroll_sig_alg alg;
	int private;
};

/* A passphrase: a fixed buffer, so wiping it covers every copy we made. */
struct secret {
	char p[PASS_MAX];
	size_t len;
	int set;
};

static void
secret_wipe(struct secret *s)
{
	OPENSSL_cleanse(s, sizeof *s);
}

/* An input file: open descriptor and its stat. */
struct infile {
	int fd;
	struct stat st;
};

static const struct {
	enum payroll_sig_alg alg;
	const char *name;
} alg_names[] = {
	{ PAYROLL_SIG_ED25519, "ed25519" },
	{ PAYROLL_SIG_SM2, "sm2" },
	{ PAYROLL_SIG_ECDSA_P256, "ecdsa-p256" },
};

int
payroll_sig_alg_parse(const char *name, enum payroll_sig_alg *alg,
		      struct payroll_error *err)
{
	size_t i;

	for (i = 0; i < sizeof alg_names / sizeof *alg_names; i++) {
		if (!strcmp(name, alg_names[i].name)) {
			*alg = alg_names[i].alg;
			return 0;
		}
	}
	return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
				 "unknown algorithm '%s' (ed25519, sm2, ecdsa-p256)",
				 name);
}

const char *
payroll_sig_alg_name(enum payroll_sig_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof alg_names / sizeof *alg_names; i++)
		if (alg_names[i].alg == alg)
			return alg_names[i].name;
	return "unknown";
}

/*
 * Fill err from the OpenSSL error queue (then empty it, so a later
 * failure does not report a stale reason).
 */
static int
crypto_error(struct payroll_error *err, const char *file, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	payroll_error_set(err, PAYROLL_ECRYPTO, file, 0, 0, "crypto", "%s failed%s%s",
			  what, reason ? ": " : "", reason ? reason : "");
	ERR_clear_error();
	return PAYROLL_ECRYPTO;
}

static int
read_pass(const char *spec, struct secret *s, struct payroll_error *err)
{
	const char *v;
	size_t len;
	int fd;
	ssize_t r;
	char *nl;

	memset(s, 0, sizeof *s);
	if (!strncmp(spec, "env:", 4)) {
		v = getenv(spec + 4);
		if (!spec[4])
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "pass",
						 "--pass env: needs a variable name");
		if (!v)
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "pass",
						 "environment variable %s is not set", spec + 4);
		len = strlen(v);
		if (len >= sizeof s->p)
			return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "pass",
						 "passphrase in %s is too long (at most %d bytes)",
						 spec + 4, PASS_MAX - 1);
		memcpy(s->p, v, len);
	} else if (!strncmp(spec, "file:", 5)) {
		fd = open(spec + 5, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return payroll_error_errno(err, PAYROLL_EIO, spec + 5,
						   "cannot open passphrase file");
		len = 0;
		do {
			r = read(fd, s->p + len, sizeof s->p - 1 - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				payroll_error_errno(err, PAYROLL_EIO, spec + 5,
						    "cannot read passphrase file");
				close(fd);
				secret_wipe(s);
				return PAYROLL_EIO;
			}
			len += (size_t)r;
		} while (r > 0 && len < sizeof s->p - 1);
		close(fd);
		s->p[len] = '\0';
		/* The first line is the passphrase; its newline is not. */
		nl = memchr(s->p, '\n', len);
		if (!nl && len == sizeof s->p - 1) {
			secret_wipe(s);
			return payroll_error_set(err, PAYROLL_EUSAGE, spec + 5, 0, 0, "pass",
						 "passphrase is too long (at most %d bytes)",
						 PASS_MAX - 2);
		}
		if (nl)
			len = (size_t)(nl - s->p);
		if (len && s->p[len - 1] == '\r')
			len--;
		OPENSSL_cleanse(s->p + len, sizeof s->p - len);
	} else {
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "pass",
					 "--pass takes env:VAR or file:PATH, never the passphrase itself");
	}
	if (len == 0) {
		secret_wipe(s);
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "pass",
					 "the passphrase named by %s is empty",
					 spec);
	}
	s->len = len;
	s->set = 1;
	return 0;
}

static int
split_path(const char *path, char *dir, size_t dirn, const char **base)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (!slash) {
		*base = path;
		n = snprintf(dir, dirn, ".");
	} else {
		*base = slash + 1;
		n = snprintf(dir, dirn, "%.*s", (int)(slash == path ? 1 : slash - path), path);
	}
	return n < 0 || (size_t)n >= dirn ? -1 : 0;
}

/* The directory part of path with its slash ("a/b/x" -> "a/b/", "x" -> ""). */
static int
dir_prefix(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');
	int r = snprintf(out, n, "%.*s", slash ? (int)(slash - path + 1) : 0, path);

	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int
path_join(char *out, size_t n, const char *a, const char *b,
	  struct payroll_error *err)
{
	int r = snprintf(out, n, "%s%s", a, b);

	if (r < 0 || (size_t)r >= n)
		return payroll_error_set(err, PAYROLL_EUSAGE, a, 0, 0, "usage",
					 "path too long");
	return 0;
}

static int
read_all(int fd, unsigned char *p, size_t n, size_t *got)
{
	ssize_t r;

	*got = 0;
	while (*got < n) {
		r = read(fd, p + *got, n - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Open a regular file for reading. *missing (when not NULL) is set when
 * it does not exist, so callers can tell that from other failures. A
 * FIFO, device or directory is refused (PAYROLL_EUSAGE) without blocking:
 * the open is non-blocking until fstat has shown a regular file.
 */
static int
infile_open(struct infile *f, const char *path, int *missing,
	    struct payroll_error *err)
{
	if (missing)
		*missing = 0;
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0) {
		if (missing && errno == ENOENT)
			*missing = 1;
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	}
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

/* --- keys --------------------------------------------------------------- */

static int
pkey_alg(EVP_PKEY *p, enum payroll_sig_alg *alg, const char *path,
	 struct payroll_error *err)
{
	char group[64] = "";
	size_t glen;

	if (EVP_PKEY_is_a(p, "ED25519")) {
		*alg = PAYROLL_SIG_ED25519;
		return 0;
	}
	if (EVP_PKEY_is_a(p, "SM2")) {
		*alg = PAYROLL_SIG_SM2;
		return 0;
	}
	if (EVP_PKEY_is_a(p, "EC")) {
		if (EVP_PKEY_get_group_name(p, group, sizeof group, &glen) == 1 &&
		    (!strcmp(group, "prime256v1") || !strcmp(group, "P-256"))) {
			*alg = PAYROLL_SIG_ECDSA_P256;
			return 0;
		}
		ERR_clear_error();
		return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "unsupported-key",
					 "ec key on curve %s: only p-256 is supported",
					 group[0] ? group : "(unknown)");
	}
	return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "unsupported-key",
				 "%s key: only ed25519, sm2 and ecdsa-p256 are supported",
				 EVP_PKEY_get0_type_name(p) ? EVP_PKEY_get0_type_name(p) : "unknown");
}

struct pass_ctx {
	const struct secret *s;
	int called;
};

/* Never prompt: hand over the named passphrase, or refuse. */
static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *pc = u;

	(void)rwflag;
	pc->called = 1;
	if (!pc->s || !pc->s->set || pc->s->len > (size_t)size)
		return -1;
	memcpy(buf, pc->s->p, pc->s->len);
	return (int)pc->s->len;
}

/* Read a key file (at most KEYFILE_MAX bytes) into *data, checking modes. */
static int
read_keyfile(const char *path, int private, unsigned char **data,
	     size_t *len, struct payroll_error *err)
{
	struct infile f;
	size_t got;
	int rc;

	*data = NULL;
	rc = infile_open(&f, path, NULL, err);
	if (rc)
		return rc;
	if (private && (f.st.st_mode & 077)) {
		close(f.fd);
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "key-permissions",
					 "private key is accessible by group or others (mode %04o); run chmod 600 %s",
					 (unsigned)(f.st.st_mode & 07777), path);
	}
	if (f.st.st_size > KEYFILE_MAX) {
		close(f.fd);
		return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-key",
					 "too large to be a pem key");
	}
	*data = malloc((size_t)f.st.st_size + 1);
	if (!*data) {
		close(f.fd);
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot load key");
	}
	if (read_all(f.fd, *data, (size_t)f.st.st_size + 1, &got) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, path, "cannot read key");
		close(f.fd);
		OPENSSL_clear_free(*data, (size_t)f.st.st_size + 1);
		*data = NULL;
		return PAYROLL_EIO;
	}
	close(f.fd);
	*len = got;
	if (got > (size_t)f.st.st_size) {
		/* It grew while we read it: not a key file at rest. */
		OPENSSL_clear_free(*data, (size_t)f.st.st_size + 1);
		*data = NULL;
		return payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io",
					 "key file changed while being read");
	}
	return 0;
}

int
payroll_key_load(struct payroll_key **out, const char *path, unsigned flags,
		 const char *pass_spec, struct payroll_error *err)
{
	struct payroll_key *k = NULL;
	struct secret pass;
	struct pass_ctx pc = { NULL, 0 };
	unsigned char *data = NULL;
	size_t len = 0, alloc = 0;
	int private = !!(flags & PAYROLL_KEY_PRIVATE);
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	int rc;

	*out = NULL;
	memset(&pass, 0, sizeof pass);
	if (!!(flags & PAYROLL_KEY_PRIVATE) == !!(flags & PAYROLL_KEY_PUBLIC) ||
	    (flags & ~(unsigned)(PAYROLL_KEY_PRIVATE | PAYROLL_KEY_PUBLIC)))
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "bad key flags");
	rc = read_keyfile(path, private, &data, &len, err);
	if (rc)
		return rc;
	alloc = len + 1;
	if (private && pass_spec) {
		rc = read_pass(pass_spec, &pass, err);
		if (rc)
			goto done;
		pc.s = &pass;
	}
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio) {
		rc = crypto_error(err, path, "reading key");
		goto done;
	}
	if (private)
		pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, pass_cb, &pc, NULL, NULL);
	else
		pkey = PEM_read_bio_PUBKEY_ex(bio, NULL, pass_cb, &pc, NULL, NULL);
	ERR_clear_error();
	if (!pkey) {
		if (pc.called && !pass.set)
			rc = payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "encrypted-key",
					       "private key is encrypted; name its passphrase with --pass env:VAR or --pass file:PATH");
		else if (pc.called)
			rc = payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "bad-passphrase",
					       "wrong passphrase (or a damaged key)");
		else
			rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-key",
					       "not a pem %s key",
					       private ? "pkcs#8 private" : "subjectpublickeyinfo public");
		goto done;
	}
	k = calloc(1, sizeof *k);
	if (!k) {
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot load key");
		goto done;
	}
	rc = pkey_alg(pkey, &k->alg, path, err);
	if (rc)
		goto done;
	k->pkey = pkey;
	k->private = private;
	pkey = NULL;
	*out = k;
	k = NULL;
done:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	free(k);
	if (data)
		OPENSSL_clear_free(data, alloc);
	secret_wipe(&pass);
	return rc;
}

void
payroll_key_free(struct payroll_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);	/* clears the private scalar as it frees */
	free(k);
}

enum payroll_sig_alg
payroll_key_alg(const struct payroll_key *k)
{
	return k->alg;
}

/* --- keygen --------------------------------------------------------------- */

/*
 * Write a new file that must not exist: a 0600 temporary file beside it,
 * fsynced, then link(2) to the final name, which fails if anything (even
 * a dangling symlink) is there. Readers see the whole file or none.
 */
static int
write_new_file(const char *path, const void *data, size_t len,
	       struct payroll_error *err)
{
	char dir[PAYROLL_PATH_MAX], tmp[PAYROLL_PATH_MAX];
	const char *base;
	int fd, n, e, rc;

	if (split_path(path, dir, sizeof dir, &base) || !*base)
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "not a file path");
	n = snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, base);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "path too long");
	fd = mkstemp(tmp);	/* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot create");
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, path, "cannot write");
		close(fd);
		unlink(tmp);
		return PAYROLL_EIO;
	}
	if (close(fd) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, path, "cannot write");
		unlink(tmp);
		return PAYROLL_EIO;
	}
	if (link(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		if (e == EEXIST)
			return payroll_error_set(err, PAYROLL_EEXIST, path, 0, 0, "exists",
						 "already exists; not overwriting a key");
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot link into place");
	}
	unlink(tmp);
	rc = payroll_fsync_dir_of(path, err);
	if (rc)
		unlink(path);
	return rc;
}

static int
refuse_existing(const char *path, struct payroll_error *err)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return payroll_error_set(err, PAYROLL_EEXIST, path, 0, 0, "exists",
					 "already exists; not overwriting a key");
	if (errno != ENOENT)
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot stat");
	return 0;
}

static EVP_PKEY *
generate(enum payroll_sig_alg alg)
{
	switch (alg) {
	case PAYROLL_SIG_ED25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	case PAYROLL_SIG_SM2:
		return EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	case PAYROLL_SIG_ECDSA_P256:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", (char *)"P-256");
	}
	return NULL;
}

int
payroll_keygen(const char *base, enum payroll_sig_alg alg,
	       const char *pass_spec, struct payroll_error *err)
{
	char keypath[PAYROLL_PATH_MAX], pubpath[PAYROLL_PATH_MAX];
	struct payroll_outfile *pub = NULL;
	struct secret pass;
	EVP_PKEY *pkey = NULL;
	BIO *kb = NULL, *pb = NULL;
	char *kdata, *pdata;
	long klen, plen;
	int rc, have_key = 0;

	memset(&pass, 0, sizeof pass);
	if (!base || !*base)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "no output base name");
	if (!strcmp(payroll_sig_alg_name(alg), "unknown"))
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "unknown algorithm");
	if ((rc = path_join(keypath, sizeof keypath, base, ".key", err)) ||
	    (rc = path_join(pubpath, sizeof pubpath, base, ".pub", err)))
		return rc;
	if ((rc = refuse_existing(keypath, err)) || (rc = refuse_existing(pubpath, err)))
		return rc;
	{
		const char *in = pass_spec && !strncmp(pass_spec, "file:", 5) ? pass_spec + 5 : NULL;
		const char *out[] = { keypath, pubpath };

		if ((rc = payroll_outfile_check_paths(&in, 1, out, 2, err)))
			return rc;
	}
	if (pass_spec && (rc = read_pass(pass_spec, &pass, err)))
		return rc;

	pkey = generate(alg);
	if (!pkey) {
		rc = crypto_error(err, keypath, "key generation");
		goto done;
	}
	/* Secure-heap memory BIO: cleared when freed. */
	kb = BIO_new(BIO_s_secmem());
	pb = BIO_new(BIO_s_mem());
	if (!kb || !pb) {
		rc = crypto_error(err, keypath, "allocating pem buffers");
		goto done;
	}
	if (PEM_write_bio_PKCS8PrivateKey(kb, pkey, pass.set ? EVP_aes_256_cbc() : NULL,
					  pass.set ? pass.p : NULL, pass.set ? (int)pass.len : 0,
					  NULL, NULL) != 1) {
		rc = crypto_error(err, keypath, "writing the private key");
		goto done;
	}
	if (PEM_write_bio_PUBKEY(pb, pkey) != 1) {
		rc = crypto_error(err, pubpath, "writing the public key");
		goto done;
	}
	klen = BIO_get_mem_data(kb, &kdata);
	plen = BIO_get_mem_data(pb, &pdata);
	if (klen <= 0 || plen <= 0) {
		rc = payroll_error_set(err, PAYROLL_EINTERNAL, keypath, 0, 0, "internal",
				       "empty pem output");
		goto done;
	}
	rc = write_new_file(keypath, kdata, (size_t)klen, err);
	if (rc)
		goto done;
	have_key = 1;
	rc = payroll_outfile_open(&pub, pubpath, PAYROLL_OUT_NOGZIP, err);
	if (rc)
		goto done;
	if (payroll_outfile_write(pub, pdata, (size_t)plen) != 0) {
		rc = payroll_outfile_commit(pub, err);	/* reports the write error */
		pub = NULL;
		if (!rc)
			rc = PAYROLL_EIO;
		goto done;
	}
	rc = payroll_outfile_commit(pub, err);
	pub = NULL;
done:
	if (rc && have_key) {
		unlink(keypath);
		payroll_fsync_dir_of(keypath, NULL);
	}
	payroll_outfile_abort(pub);
	BIO_free(kb);
	BIO_free(pb);
	EVP_PKEY_free(pkey);
	secret_wipe(&pass);
	return rc;
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
		return crypto_error(err, label, "allocating a digest");
	if (verify)
		ok = EVP_DigestVerifyInit_ex(md, &pctx, alg_md(k->alg), NULL, NULL,
					     k->pkey, NULL) == 1;
	else
		ok = EVP_DigestSignInit_ex(md, &pctx, alg_md(k->alg), NULL, NULL,
					   k->pkey, NULL) == 1;
	/* The ID enters the Z value hashed ahead of the data, so set it
	 * before the first update. */
	if (ok && k->alg == PAYROLL_SIG_SM2)
		ok = EVP_PKEY_CTX_set1_id(pctx, PAYROLL_SM2_ID,
					  sizeof PAYROLL_SM2_ID - 1) > 0;
	if (!ok) {
		EVP_MD_CTX_free(md);
		return crypto_error(err, label, verify ? "starting verification" : "starting to sign");
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
			rc = crypto_error(err, path, "hashing");
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
		return crypto_error(err, path, "sha-256");
	return 0;
}

int
payroll_sign_mem(struct payroll_key *k, const void *data, size_t n,
		 const char *label, unsigned char *sig, size_t *siglen,
		 struct payroll_error *err)
{
	EVP_MD_CTX *md;
	int rc;

	if (!k->private)
		return payroll_error_set(err, PAYROLL_EUSAGE, label, 0, 0, "usage",
					 "signing needs a private key");
	rc = md_start(k, 0, &md, label, err);
	if (rc)
		return rc;
	*siglen = PAYROLL_SIG_MAX;
	if (EVP_DigestSign(md, sig, siglen, data, n) != 1)
		rc = crypto_error(err, label, "signing");
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

	if (!k->private)
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "signing needs a private key");
	rc = infile_open(&f, path, NULL, err);
	if (rc)
		return rc;
	if (k->alg == PAYROLL_SIG_ED25519) {
		/* Ed25519 reads the message twice and has no streaming
		 * interface: map the file instead of copying it. */
		rc = infile_map(&f, path, &map, &len, err);
		if (rc)
			goto done;
		if (sha256 && EVP_Digest(map, len, sha256, NULL, EVP_sha256(), NULL) != 1)
			rc = crypto_error(err, path, "sha-256");
		if (!rc)
			rc = payroll_sign_mem(k, map, len, path, sig, siglen, err);
		infile_unmap(map, len);
		goto done;
	}
	rc = md_start(k, 0, &md, path, err);
	if (rc)
		goto done;
	if (sha256 && !(sha = sha256_start())) {
		rc = crypto_error(err, path, "sha-256");
		goto done;
	}
	rc = stream_fd(f.fd, md, 0, sha, path, err);
	if (rc)
		goto done;
	*siglen = PAYROLL_SIG_MAX;
	if (EVP_DigestSignFinal(md, sig, siglen) != 1) {
		rc = crypto_error(err, path, "signing");
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

static int
sha256_path(const char *path, unsigned char out[32], int *missing,
	    struct payroll_error *err)
{
	struct infile f;
	EVP_MD_CTX *sha;
	int rc;

	rc = infile_open(&f, path, missing, err);
	if (rc)
		return rc;
	sha = sha256_start();
	if (!sha)
		rc = crypto_error(err, path, "sha-256");
	else
		rc = stream_fd(f.fd, NULL, 0, sha, path, err);
	if (!rc)
		rc = sha256_finish(sha, out, path, err);
	EVP_MD_CTX_free(sha);
	close(f.fd);
	return rc;
}

int
payroll_sha256_file(const char *path, unsigned char out[32],
		    struct payroll_error *err)
{
	return sha256_path(path, out, NULL, err);
}

/*
 * Read a signature file. Returns 0 with the bytes, PAYROLL_SIG_BAD
 * (missing or oversized, err filled naming file), or a negative error.
 */
static int
read_sig(const char *file, const char *sigpath, unsigned char *sig,
	 size_t *siglen, struct payroll_error *err)
{
	unsigned char buf[SIGFILE_MAX + 1];
	int fd = open(sigpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t got;

	if (fd < 0) {
		if (errno == ENOENT) {
			payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "missing-signature",
					  "no signature file %s", sigpath);
			return PAYROLL_SIG_BAD;
		}
		return payroll_error_errno(err, PAYROLL_EIO, sigpath, "cannot open signature");
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {	/* a FIFO would block */
		close(fd);
		payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "bad-signature",
				  "signature file %s is not a regular file", sigpath);
		return PAYROLL_SIG_BAD;
	}
	if (read_all(fd, buf, sizeof buf, &got) != 0) {
		payroll_error_errno(err, PAYROLL_EIO, sigpath, "cannot read signature");
		close(fd);
		return PAYROLL_EIO;
	}
	close(fd);
	if (got > PAYROLL_SIG_MAX) {
		payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "bad-signature",
				  "signature file %s is too large to be a signature", sigpath);
		return PAYROLL_SIG_BAD;
	}
	if (got == 0) {
		payroll_error_set(err, PAYROLL_SIG_BAD, file, 0, 0, "bad-signature",
				  "signature file %s is empty", sigpath);
		return PAYROLL_SIG_BAD;
	}
	memcpy(sig, buf, got);
	*siglen = got;
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
		rc = path_join(defsig, sizeof defsig, path, ".sig", err);
		if (rc)
			return rc;
		sigpath = defsig;
	}
	rc = infile_open(&f, path, NULL, err);
	if (rc)
		return rc;
	rc = read_sig(path, sigpath, sig, &siglen, err);
	if (rc)
		goto done;
	if (k->alg == PAYROLL_SIG_ED25519 && siglen != ED25519_SIGLEN) {
		rc = payroll_error_set(err, PAYROLL_SIG_BAD, path, 0, 0, "bad-signature",
				       "signature is %zu bytes, an ed25519 signature is %d",
				       siglen, ED25519_SIGLEN);
		goto done;
	}
	rc = md_start(k, 1, &md, path, err);
	if (rc)
		goto done;
	if (k->alg == PAYROLL_SIG_ED25519) {
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

	if (split_path(jobs[0].path, dir0, sizeof dir0, &base))
		return payroll_error_set(err, PAYROLL_EUSAGE, jobs[0].path, 0, 0,
					 "usage", "path too long");
	for (i = 0; i < n; i++) {
		if (split_path(jobs[i].path, dir, sizeof dir, &base))
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
						 "SHA256SUMS is written by --manifest, not signed as a file");
		if (i > 0) {
			rc = same_dir(dir0, dir, &same, err);
			if (rc)
				return rc;
			if (!same)
				return payroll_error_set(err, PAYROLL_EUSAGE, jobs[i].path, 0, 0, "usage",
							 "--manifest needs all files in one directory (the first is in %s)",
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
	return path_join(sums, sumsn, dir, PAYROLL_MANIFEST, err);
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
	if (!k->private)
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
		rc = path_join(jobs[i].sigpath, sizeof jobs[i].sigpath, files[i], ".sig", err);
		if (rc)
			goto out;
	}
	if (manifest_on) {
		rc = check_manifest_files(jobs, n, sums, sizeof sums, err);
		if (!rc)
			rc = path_join(sumssig, sizeof sumssig, sums, ".sig", err);
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
	rc = sha256_path(path, got, &missing, &e);
	if (rc && missing) {
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
	struct infile f;
	char *data = NULL, *line, *nl;
	size_t got, len;
	long lineno = 0, entries = 0;
	int rc, bad = 0;

	/* Listed names are relative to the manifest: keep its directory
	 * part as given, slash included ("" beside us). */
	if (dir_prefix(sums, dir, sizeof dir))
		return payroll_error_set(err, PAYROLL_EUSAGE, sums, 0, 0, "usage", "path too long");
	rc = infile_open(&f, sums, NULL, err);
	if (rc)
		return rc;
	if (f.st.st_size > MANIFEST_MAX) {
		close(f.fd);
		return payroll_error_set(err, PAYROLL_EFORMAT, sums, 0, 0, "bad-manifest",
					 "too large to be a manifest");
	}
	len = (size_t)f.st.st_size;
	data = malloc(len + 1);
	if (!data) {
		close(f.fd);
		return payroll_error_errno(err, PAYROLL_ENOMEM, sums, "cannot allocate");
	}
	if (read_all(f.fd, (unsigned char *)data, len, &got) != 0) {
		rc = payroll_error_errno(err, PAYROLL_EIO, sums, "cannot read");
		goto done;
	}
	data[got] = '\0';
	if (memchr(data, '\0', got)) {
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
	free(data);
	close(f.fd);
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
		if (split_path(files[0], dir0, sizeof dir0, &base))
			return payroll_error_set(err, PAYROLL_EUSAGE, files[0], 0, 0, "usage",
						 "path too long");
		for (i = 1; i < n; i++) {
			if (split_path(files[i], dir, sizeof dir, &base))
				return payroll_error_set(err, PAYROLL_EUSAGE, files[i], 0, 0,
							 "usage", "path too long");
			rc = same_dir(dir0, dir, &same, err);
			if (rc)
				return rc;
			if (!same)
				return payroll_error_set(err, PAYROLL_EUSAGE, files[i], 0, 0, "usage",
							 "--manifest needs all files in one directory (the first is in %s)",
							 dir0);
		}
		if (dir_prefix(files[0], dir, sizeof dir) ||
		    path_join(sums, sizeof sums, dir, PAYROLL_MANIFEST, err))
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
