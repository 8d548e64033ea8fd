/* SPDX-License-Identifier: Apache-2.0 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "buf.h"
#include "outfile.h"
#include "source.h"
#include "banned.h"

#define KEYFILE_MAX (64 * 1024)		/* no PEM key of ours is near this */
#define PASS_MAX 1024

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

int
payroll_crypto_error(struct payroll_error *err, const char *file, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	payroll_error_set(err, PAYROLL_ECRYPTO, file, 0, 0, "crypto", "%s failed%s%s",
			  what, reason ? ": " : "", reason ? reason : "");
	ERR_clear_error();
	return PAYROLL_ECRYPTO;
}

/* The passphrase of file:PATH is its first line, however long the file
 * (payroll-sign(1)), read into s and no further: not payroll_source_slurp,
 * which reads a whole file up to a limit and would refuse a long one. */
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
			return payroll_error_option(err, PAYROLL_EUSAGE, "pass", "pass",
						    "env: needs a variable name");
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
		return payroll_error_option(err, PAYROLL_EUSAGE, "pass", "pass",
					    "takes env:VAR or file:PATH, never the passphrase itself");
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

/* Read a key file (at most KEYFILE_MAX bytes) into *data, checking modes.
 * data has room for alloc bytes, all of which the caller wipes. */
static int
read_keyfile(const char *path, int private, struct payroll_buf *data,
	     struct payroll_error *err)
{
	struct stat st;
	int rc;

	rc = payroll_source_slurp(path, KEYFILE_MAX, PAYROLL_SLURP_REGULAR | PAYROLL_SLURP_SECRET,
				  data, &st, err);
	if (rc == 0 && private && (st.st_mode & 077))
		rc = payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "key-permissions",
				       "private key is accessible by group or others (mode %04o); run chmod 600 %s",
				       (unsigned)(st.st_mode & 07777), path);
	return rc;
}

int
payroll_key_load(struct payroll_key **out, const char *path, unsigned flags,
		 const char *pass_spec, struct payroll_error *err)
{
	struct payroll_key *k = NULL;
	struct secret pass;
	struct pass_ctx pc = { NULL, 0 };
	struct payroll_buf data = { 0 };
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
	rc = read_keyfile(path, private, &data, err);
	if (rc)
		goto done;
	if (private && pass_spec) {
		rc = read_pass(pass_spec, &pass, err);
		if (rc)
			goto done;
		pc.s = &pass;
	}
	bio = BIO_new_mem_buf(data.p, (int)data.len);
	if (!bio) {
		rc = payroll_crypto_error(err, path, "reading key");
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
					       "private key is encrypted; its passphrase is needed (env:VAR or file:PATH)");
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
	if (data.p)
		OPENSSL_cleanse(data.p, data.cap);
	payroll_buf_release(&data);
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


int
payroll_key_is_private(const struct payroll_key *k)
{
	return k->private;
}

struct evp_pkey_st *
payroll_key_pkey(const struct payroll_key *k)
{
	return k->pkey;
}

/* --- keygen --------------------------------------------------------------- */

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
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct secret pass;
	EVP_PKEY *pkey = NULL;
	BIO *kb = NULL, *pb = NULL;
	char *kdata, *pdata;
	long klen, plen;
	int rc;

	memset(&pass, 0, sizeof pass);
	if (!base || !*base)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "no output base name");
	if (!strcmp(payroll_sig_alg_name(alg), "unknown"))
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "unknown algorithm");
	if ((rc = payroll_path_join(keypath, sizeof keypath, base, ".key", err)) ||
	    (rc = payroll_path_join(pubpath, sizeof pubpath, base, ".pub", err)))
		return rc;
	if ((rc = refuse_existing(keypath, err)) || (rc = refuse_existing(pubpath, err)))
		return rc;
	{
		const char *in = pass_spec && !strncmp(pass_spec, "file:", 5) ? pass_spec + 5 : NULL;
		const char *paths[] = { keypath, pubpath };

		if ((rc = payroll_outfile_check_paths(&in, 1, paths, 2, err)))
			return rc;
	}
	if (pass_spec && (rc = read_pass(pass_spec, &pass, err)))
		return rc;

	pkey = generate(alg);
	if (!pkey) {
		rc = payroll_crypto_error(err, keypath, "key generation");
		goto done;
	}
	/* Secure-heap memory BIO: cleared when freed. */
	kb = BIO_new(BIO_s_secmem());
	pb = BIO_new(BIO_s_mem());
	if (!kb || !pb) {
		rc = payroll_crypto_error(err, keypath, "allocating pem buffers");
		goto done;
	}
	if (PEM_write_bio_PKCS8PrivateKey(kb, pkey, pass.set ? EVP_aes_256_cbc() : NULL,
					  pass.set ? pass.p : NULL, pass.set ? (int)pass.len : 0,
					  NULL, NULL) != 1) {
		rc = payroll_crypto_error(err, keypath, "writing the private key");
		goto done;
	}
	if (PEM_write_bio_PUBKEY(pb, pkey) != 1) {
		rc = payroll_crypto_error(err, pubpath, "writing the public key");
		goto done;
	}
	klen = BIO_get_mem_data(kb, &kdata);
	plen = BIO_get_mem_data(pb, &pdata);
	if (klen <= 0 || plen <= 0) {
		rc = payroll_error_set(err, PAYROLL_EINTERNAL, keypath, 0, 0, "internal",
				       "empty pem output");
		goto done;
	}
	rc = payroll_outfile_open(&out[0], keypath,
				  PAYROLL_OUT_NOGZIP | PAYROLL_OUT_PRIVATE | PAYROLL_OUT_EXCL, err);
	if (rc == 0)
		rc = payroll_outfile_open(&out[1], pubpath, PAYROLL_OUT_NOGZIP | PAYROLL_OUT_EXCL,
					  err);
	if (rc)
		goto done;
	/* a failed write is reported by the commit */
	payroll_outfile_write(out[0], kdata, (size_t)klen);
	payroll_outfile_write(out[1], pdata, (size_t)plen);
	rc = payroll_outfile_commit_all(out, 2, err);
done:
	payroll_outfile_abort(out[0]);
	payroll_outfile_abort(out[1]);
	BIO_free(kb);
	BIO_free(pb);
	EVP_PKEY_free(pkey);
	secret_wipe(&pass);
	return rc;
}

