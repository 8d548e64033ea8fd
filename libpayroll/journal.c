/* SPDX-License-Identifier: Apache-2.0 */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

#define JOURNAL_MAX ((size_t)64 * 1024 * 1024)

void
payroll_sha256_hex(const void *data, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0;
	int i;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int
file_hex(const char *path, char out[65], struct payroll_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	int i, rc = payroll_sha256_file(path, md, err);

	if (rc)
		return rc;
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* Read a whole small file; *missing set when it does not exist. */
static int
slurp(const char *path, struct payroll_buf *b, int *missing, struct payroll_error *err)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	*missing = 0;
	if (!f) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (b->len + n > JOURNAL_MAX || payroll_buf_add(b, chunk, n)) {
			fclose(f);
			return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-journal",
						 "journal too large or out of memory");
		}
	n = ferror(f);
	fclose(f);
	return n ? payroll_error_errno(err, PAYROLL_EIO, path, "cannot read") : 0;
}

static int
join(char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s", a, b);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* Start of the last line of text (which ends in LF). */
static size_t
last_line(const char *text, size_t len)
{
	size_t i = len - 1;

	while (i > 0 && text[i - 1] != '\n')
		i--;
	return i;
}

int
payroll_journal_append(const char *root, const struct payroll_journal_entry *e,
		       struct payroll_key *key, struct payroll_error *err)
{
	char path[PAYROLL_PATH_MAX], sigpath[PAYROLL_PATH_MAX + 8], prev[65];
	unsigned char sig[PAYROLL_SIG_MAX];
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct payroll_buf b = { 0 };
	size_t start, siglen = 0;
	int missing, rc;

	if (join(path, sizeof path, root, PAYROLL_JOURNAL) ||
	    snprintf(sigpath, sizeof sigpath, "%s.sig", path) >= (int)sizeof sigpath)
		return payroll_error_set(err, PAYROLL_EUSAGE, root, 0, 0, "io", "path too long");
	rc = slurp(path, &b, &missing, err);
	if (rc == 0 && missing)
		rc = payroll_buf_addstr(&b, PAYROLL_JOURNAL_HEADER) ? PAYROLL_ENOMEM : 0;
	if (rc == 0 && (b.len == 0 || b.p[b.len - 1] != '\n'))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-journal",
				       "the journal does not end with a whole line");
	if (rc == 0) {
		start = last_line(b.p, b.len);
		payroll_sha256_hex(b.p + start, b.len - start, prev);
		rc = payroll_buf_addf(&b, "%s,%s,%s,%s,%s,%ld,", e->period, e->run_time, e->version,
				      e->inputs, e->sums_sha256, e->rows_paid) ||
		     payroll_buf_addmoney(&b, e->total) || payroll_buf_addf(&b, ",%s\n", prev) ?
			PAYROLL_ENOMEM : 0;
	}
	if (rc == 0)
		rc = payroll_sign_mem(key, b.p, b.len, path, sig, &siglen, err);
	if (rc == 0 && (rc = payroll_outfile_open(&out[0], path, 0, err)) == 0 &&
	    (rc = payroll_outfile_open(&out[1], sigpath, 0, err)) == 0) {
		if (payroll_outfile_write(out[0], b.p, b.len) || payroll_outfile_write(out[1], sig, siglen))
			rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot write");
		else
			rc = payroll_outfile_commit_all(out, 2, err);
	}
	payroll_outfile_abort(out[0]);	/* NULL once committed */
	payroll_outfile_abort(out[1]);
	payroll_buf_release(&b);
	return rc;
}

struct walker {
	const char *root;
	char path[PAYROLL_PATH_MAX];
	struct payroll_key *key;
	payroll_diag_fn diag;
	void *ctx;
	int bad;
};

static void __attribute__((format(printf, 4, 5)))
report(struct walker *w, long line, const char *code, const char *fmt, ...)
{
	struct payroll_error e;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	payroll_error_set(&e, 0, w->path, line, 0, code, "%s", msg);
	if (w->diag)
		w->diag(w->ctx, &e);
	w->bad = 1;
}

/* Split an entry line into its 8 fields (no field holds a comma). */
static int
fields(char *s, char *f[8])
{
	int n = 0;

	f[n++] = s;
	for (; *s && *s != '\n'; s++)
		if (*s == ',') {
			*s = '\0';
			if (n == 8)
				return -1;
			f[n++] = s + 1;
		}
	*s = '\0';
	return n == 8 ? 0 : -1;
}

/* The directory an entry's period lives in now: the latest entry for a
 * period is ROOT/PERIOD, an earlier one a ROOT/PERIOD.replaced-N whose
 * SHA256SUMS has the recorded hash. */
static int
entry_dir(struct walker *w, const char *period, const char *sums, int latest,
	  char *dir, size_t n, struct payroll_error *err)
{
	char p[PAYROLL_PATH_MAX + 32], hex[65];
	int k;

	if (latest)
		return join(dir, n, w->root, period);
	for (k = 1; k < 1000; k++) {
		struct stat st;

		snprintf(dir, n, "%s/%s.replaced-%d", w->root, period, k);
		if (stat(dir, &st) != 0)
			return -1;
		snprintf(p, sizeof p, "%s/SHA256SUMS", dir);
		if (file_hex(p, hex, err) == 0 && !strcmp(hex, sums))
			return 0;
	}
	return -1;
}

/* The number after "KEY": in a small JSON file we wrote; -1 if absent. */
static long long
json_number(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	long long v = 0;

	if (!p)
		return -1;
	for (p += strlen(key); *p == ' '; p++)
		;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9' && v < 100000000000000000LL; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* The entry's totals against the period's run.json (covered by its
 * signed manifest), so an edited total is named even in the last line. */
static void
check_totals(struct walker *w, long ln, const char *dir, char *f[8])
{
	char path[PAYROLL_PATH_MAX + 16], total[PAYROLL_MONEY_MAX];
	struct payroll_buf b = { 0 };
	struct payroll_error e;
	long long paid, fen;
	int missing;

	snprintf(path, sizeof path, "%s/run.json", dir);
	if (slurp(path, &b, &missing, &e) == 0 && !missing) {
		paid = json_number(payroll_buf_str(&b), "\"rows_paid\":");
		fen = json_number(payroll_buf_str(&b), "\"total_fen\":");
		if (fen >= 0)
			payroll_money_format(fen, total);
		if (paid < 0 || fen < 0 || strtoll(f[5], NULL, 10) != paid || strcmp(f[6], total))
			report(w, ln, "totals-changed",
			       "rows paid %s and total %s are not those of %s/run.json", f[5], f[6], dir);
	}
	payroll_buf_release(&b);
}

/* 1 when SHA256SUMS (text) lists name: a line "HEX  name" or "HEX *name". */
static int
listed(const char *text, size_t len, const char *name, size_t nlen)
{
	const char *p = text, *end = text + len, *nl;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl - p == 66 + (long)nlen && p[64] == ' ' && (p[65] == ' ' || p[65] == '*') &&
		    !memcmp(p + 66, name, nlen))
			return 1;
	}
	return 0;
}

/* Every file of a period directory is one its SHA256SUMS lists, the
 * signature of one, or SHA256SUMS and its signature: a file dropped in
 * (another month's bank file with its valid .sig) is named. */
static void
check_extra(struct walker *w, long ln, const char *dir, const char *sums)
{
	struct payroll_buf b = { 0 };
	struct payroll_error e;
	struct dirent *de;
	DIR *d;
	int missing;

	if (slurp(sums, &b, &missing, &e) != 0 || missing || !(d = opendir(dir))) {
		payroll_buf_release(&b);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		size_t len = strlen(n);

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "SHA256SUMS") ||
		    !strcmp(n, "SHA256SUMS.sig") || listed(b.p, b.len, n, len) ||
		    (len > 4 && !strcmp(n + len - 4, ".sig") && listed(b.p, b.len, n, len - 4)))
			continue;
		report(w, ln, "extra-file", "%s/%s is not listed in %s", dir, n, sums);
	}
	closedir(d);
	payroll_buf_release(&b);
}

static void
check_entry(struct walker *w, long ln, char *f[8], int latest, struct payroll_error *err)
{
	char dir[PAYROLL_PATH_MAX], sums[PAYROLL_PATH_MAX + 16], hex[65];
	char *files[1];
	int rc;

	if (entry_dir(w, f[0], f[4], latest, dir, sizeof dir, err)) {
		report(w, ln, "missing-period", "no directory holds period %s as recorded", f[0]);
		return;
	}
	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	if (file_hex(sums, hex, err)) {
		report(w, ln, "missing-period", "%s cannot be read", sums);
		return;
	}
	if (strcmp(hex, f[4])) {
		report(w, ln, "manifest-changed", "%s is not the one recorded for %s", sums, f[0]);
		return;
	}
	files[0] = sums;
	rc = payroll_verify_files(w->key, files, 1, 0, w->diag, w->ctx, err);
	if (rc != PAYROLL_SIG_GOOD) {
		report(w, ln, "period-broken", "the files of %s do not verify", f[0]);
		return;
	}
	check_extra(w, ln, dir, sums);
	check_totals(w, ln, dir, f);
}

static int
is_period_name(const char *s)
{
	return strlen(s) == 7 && s[4] == '-' && strspn(s, "0123456789-") == 7;
}

/* Directories of period p in root: p itself and p.replaced-N. */
static long
count_dirs(const char *root, const char *p)
{
	DIR *d = opendir(root);
	struct dirent *de;
	long n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, p, 7) &&
		    (!de->d_name[7] || !strncmp(de->d_name + 7, ".replaced-", 10)))
			n++;
	closedir(d);
	return n;
}

/* Entries of period p: lines that start with "p,". */
static long
count_entries(const char *text, const char *p)
{
	char needle[16];
	long n = 0;

	needle[0] = '\n';
	memcpy(needle + 1, p, 7);
	memcpy(needle + 8, ",", 2);
	for (; (text = strstr(text, needle)) != NULL; text++)
		n++;
	return n;
}

/* Every period directory (the one in place and those --force kept) must
 * have its entry: a deleted last line shows here even if re-signed. */
static void
find_unjournaled(struct walker *w, const char *text)
{
	DIR *d = opendir(w->root);
	struct dirent *de;
	long dirs, entries;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!is_period_name(de->d_name))
			continue;
		dirs = count_dirs(w->root, de->d_name);
		entries = count_entries(text, de->d_name);
		if (entries == 0)
			report(w, 0, "unjournaled", "period directory %s has no journal entry",
			       de->d_name);
		else if (dirs > entries)
			report(w, 0, "unjournaled", "period %s has %ld directories (with those --force kept) "
			       "but %ld journal entries", de->d_name, dirs, entries);
	}
	closedir(d);
}

int
payroll_journal_verify(const char *root, struct payroll_key *key,
		       payroll_diag_fn diag, void *ctx, struct payroll_error *err)
{
	struct walker w = { root, "", key, diag, ctx, 0 };
	struct payroll_buf b = { 0 }, copy = { 0 };
	char hex[65], *f[8];
	size_t pos, next, prevpos = 0;
	long ln = 1;
	int missing, rc;

	if (join(w.path, sizeof w.path, root, PAYROLL_JOURNAL))
		return payroll_error_set(err, PAYROLL_EUSAGE, root, 0, 0, "io", "path too long");
	rc = slurp(w.path, &b, &missing, err);
	if (rc == 0 && missing)
		rc = payroll_error_set(err, PAYROLL_EIO, w.path, 0, 0, "missing-journal",
				       "there is no journal in %s", root);
	if (rc) {
		payroll_buf_release(&b);
		return rc;
	}
	rc = payroll_verify_file(key, w.path, NULL, err);
	if (rc < 0) {
		payroll_buf_release(&b);
		return rc;
	}
	if (rc == PAYROLL_SIG_BAD)
		report(&w, 0, err->code, "%s", err->message);
	if (b.len < strlen(PAYROLL_JOURNAL_HEADER) ||
	    memcmp(b.p, PAYROLL_JOURNAL_HEADER, strlen(PAYROLL_JOURNAL_HEADER)))
		report(&w, 1, "bad-journal", "the first line is not the journal's header");
	for (pos = strlen(PAYROLL_JOURNAL_HEADER); pos < b.len; pos = next) {
		const char *nl = memchr(b.p + pos, '\n', b.len - pos);
		char later[16];

		next = nl ? (size_t)(nl - b.p) + 1 : b.len;
		ln++;
		payroll_sha256_hex(b.p + prevpos, pos - prevpos, hex);
		prevpos = pos;
		payroll_buf_reset(&copy);
		if (payroll_buf_add(&copy, b.p + pos, next - pos) || fields(copy.p, f)) {
			report(&w, ln, "bad-journal", "not a journal entry");
			continue;
		}
		if (strcmp(f[7], hex))
			report(&w, ln, "broken-chain",
			       "this entry did not follow line %ld as it is now: line %ld was edited, "
			       "or a line before this one was removed or inserted", ln - 1, ln - 1);
		if (!is_period_name(f[0])) {
			report(&w, ln, "bad-journal", "'%.20s' is not a period", f[0]);
			continue;
		}
		later[0] = '\n';
		memcpy(later + 1, f[0], 7);
		memcpy(later + 8, ",", 2);
		check_entry(&w, ln, f, !strstr(b.p + next - 1, later), err);
	}
	find_unjournaled(&w, b.p);
	payroll_buf_release(&b);
	payroll_buf_release(&copy);
	payroll_error_clear(err);
	return w.bad ? PAYROLL_SIG_BAD : PAYROLL_SIG_GOOD;
}
