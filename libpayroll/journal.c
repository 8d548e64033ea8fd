/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE	/* renameat2 */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "money.h"
#include "manifest.h"
#include "outfile.h"
#include "source.h"
#include "intl.h"
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
	int rc = payroll_source_slurp(path, JOURNAL_MAX, PAYROLL_SLURP_MISSING_OK, b, NULL, err);

	*missing = rc == 1;
	return rc == 1 ? 0 : rc;
}

static int
join(char *out, size_t n, const char *a, const char *b)
{
	int k = snprintf(out, n, "%s/%s", a, b);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* Where ROOT's journal is: ROOT/journal/journal.csv (and .sig beside it),
 * or the journal.csv of an earlier version directly in ROOT when only that
 * exists (*legacy set). Fails only when a path is too long. */
static int
journal_path(const char *root, char *path, size_t n, int *legacy)
{
	struct stat st;
	char dir[PAYROLL_PATH_MAX];

	*legacy = 0;
	if (join(dir, sizeof dir, root, PAYROLL_JOURNAL_DIR) ||
	    join(path, n, dir, PAYROLL_JOURNAL))
		return -1;
	if (lstat(dir, &st) != 0 && errno == ENOENT && join(dir, sizeof dir, root, PAYROLL_JOURNAL) == 0 &&
	    lstat(dir, &st) == 0) {
		*legacy = 1;
		return join(path, n, root, PAYROLL_JOURNAL);
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT;
}

void
payroll_remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ROOT/journal (and an earlier version's ROOT/journal.csv) must not be
 * symbolic links: a run would read and replace what they point to. */
static int
refuse_links(const char *root, struct payroll_error *err)
{
	char p[PAYROLL_PATH_MAX];
	int rc = 0;

	if (join(p, sizeof p, root, PAYROLL_JOURNAL_DIR) == 0)
		rc = payroll_outfile_refuse_symlink(p, err);
	if (rc == 0 && join(p, sizeof p, root, PAYROLL_JOURNAL) == 0)
		rc = payroll_outfile_refuse_symlink(p, err);
	return rc;
}

/* Put the directory tmp (journal.csv and its .sig, both synced) in place
 * as ROOT/journal in one rename: exchanged with the one there, which is
 * then removed (a run killed before that leaves ROOT/.journal.tmp-*, which
 * the next run removes as it does its own leftovers). */
static int
install_dir(const char *root, const char *tmp, int legacy, struct payroll_error *err)
{
	char dir[PAYROLL_PATH_MAX], old[PAYROLL_PATH_MAX + 8];
	int rc = 0;

	if (join(dir, sizeof dir, root, PAYROLL_JOURNAL_DIR))
		return payroll_error_set(err, PAYROLL_EIO, root, 0, 0, "io", "path too long");
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		payroll_remove_tree(tmp);
	} else if (errno != ENOENT) {
		return payroll_error_errno(err, PAYROLL_EIO, dir,
					   "cannot exchange the journal directory (renameat2 RENAME_EXCHANGE)");
	} else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) != 0 &&
		   (errno != EINVAL || rename(tmp, dir) != 0)) {
		/* (EINVAL: no RENAME_NOREPLACE here; the run's lock keeps others out) */
		return payroll_error_errno(err, PAYROLL_EIO, dir, "cannot rename the journal into place");
	}
	rc = payroll_fsync_dir_of(dir, err);
	if (rc == 0 && legacy) {
		/* the journal of an earlier version, now carried over */
		snprintf(old, sizeof old, "%s/%s", root, PAYROLL_JOURNAL);
		unlink(old);
		snprintf(old, sizeof old, "%s/%s.sig", root, PAYROLL_JOURNAL);
		unlink(old);
		rc = payroll_fsync_dir_of(dir, err);
	}
	return rc;
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

/* rows_paid and total_fen of DIR/run.json; -1 each when unreadable. */
static void
run_totals(const char *dir, long long *paid, long long *fen)
{
	char path[PAYROLL_PATH_MAX + 16];
	struct payroll_buf b = { 0 };
	struct payroll_error e;
	int missing;

	*paid = *fen = -1;
	snprintf(path, sizeof path, "%s/run.json", dir);
	if (slurp(path, &b, &missing, &e) == 0 && !missing) {
		*paid = json_number(payroll_buf_str(&b), "\"rows_paid\":");
		*fen = json_number(payroll_buf_str(&b), "\"total_fen\":");
	}
	payroll_buf_release(&b);
}

/* One entry line onto b, chained to the last line of b. */
static int
add_line(struct payroll_buf *b, const struct payroll_journal_entry *e)
{
	char prev[65];
	size_t start = last_line(b->p, b->len);

	payroll_sha256_hex(b->p + start, b->len - start, prev);
	return payroll_buf_addf(b, "%s,%s,%s,%s,%s,%ld,", e->period, e->run_time, e->version,
				e->inputs, e->sums_sha256, e->rows_paid) ||
	       payroll_buf_addmoney(b, e->total) || payroll_buf_addf(b, ",%s\n", prev) ?
		PAYROLL_ENOMEM : 0;
}

/* The entry of a period directory that has none: its SHA256SUMS and its
 * run.json's totals, inputs "unjournaled". */
static int
adopted_line(struct payroll_buf *b, const struct payroll_journal_entry *e, const char *dir,
	     struct payroll_error *err)
{
	struct payroll_journal_entry a = *e;
	char sums[PAYROLL_PATH_MAX + 16], hex[65];
	long long paid, fen;
	int rc;

	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	if ((rc = file_hex(sums, hex, err)) != 0)
		return rc;
	run_totals(dir, &paid, &fen);
	a.inputs = "unjournaled";
	a.sums_sha256 = hex;
	a.rows_paid = paid < 0 ? 0 : (long)paid;
	a.total = fen < 0 ? 0 : (int64_t)fen;
	return add_line(b, &a);
}

int
payroll_journal_append(const char *root, const struct payroll_journal_entry *e,
		       const char *adopted, struct payroll_key *key, struct payroll_error *err)
{
	char path[PAYROLL_PATH_MAX], tmp[PAYROLL_PATH_MAX], tpath[PAYROLL_PATH_MAX + 16];
	char sigpath[PAYROLL_PATH_MAX + 24];
	unsigned char sig[PAYROLL_SIG_MAX];
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct payroll_buf b = { 0 };
	size_t siglen = 0;
	int missing, legacy, rc;

	if (journal_path(root, path, sizeof path, &legacy) ||
	    snprintf(tmp, sizeof tmp, "%s/.journal.tmp-XXXXXX", root) >= (int)sizeof tmp)
		return payroll_error_set(err, PAYROLL_EIO, root, 0, 0, "io", "path too long");
	if ((rc = refuse_links(root, err)) != 0)
		return rc;
	rc = slurp(path, &b, &missing, err);
	if (rc == 0 && missing)
		rc = payroll_buf_addstr(&b, PAYROLL_JOURNAL_HEADER) ? PAYROLL_ENOMEM : 0;
	if (rc == 0 && (b.len == 0 || b.p[b.len - 1] != '\n'))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-journal",
				       "the journal does not end with a whole line");
	if (rc == 0 && adopted)
		rc = adopted_line(&b, e, adopted, err);
	if (rc == 0)
		rc = add_line(&b, e);
	if (rc == 0)
		rc = payroll_sign_mem(key, b.p, b.len, path, sig, &siglen, err);
	if (rc == 0 && !mkdtemp(tmp))
		rc = payroll_error_errno(err, PAYROLL_EIO, tmp, "cannot create a directory");
	else if (rc != 0)
		tmp[0] = '\0';
	if (rc == 0) {
		snprintf(tpath, sizeof tpath, "%s/%s", tmp, PAYROLL_JOURNAL);
		snprintf(sigpath, sizeof sigpath, "%s/%s.sig", tmp, PAYROLL_JOURNAL);
	}
	if (rc == 0 && (rc = payroll_outfile_open(&out[0], tpath, 0, err)) == 0 &&
	    (rc = payroll_outfile_open(&out[1], sigpath, 0, err)) == 0) {
		if (payroll_outfile_write(out[0], b.p, b.len) || payroll_outfile_write(out[1], sig, siglen))
			rc = payroll_error_errno(err, PAYROLL_EIO, tpath, "cannot write");
		else
			rc = payroll_outfile_commit_all(out, 2, err);
	}
	payroll_outfile_abort(out[0]);	/* NULL once committed */
	payroll_outfile_abort(out[1]);
	if (rc == 0)
		rc = install_dir(root, tmp, legacy, err);
	if (rc != 0 && tmp[0])
		payroll_remove_tree(tmp);
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
	int run;			/* checked by a run: no journal yet is one */
	const char *adopt_period;	/* the run may take over this one's directory */
	int adopt;			/* and it is one to take over */
};

static void __attribute__((format(printf, 4, 5)))
report(struct walker *w, long line, const char *code, const char *fmt, ...)
{
	struct payroll_error e;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, payroll_tr(fmt), ap);
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
 * SHA256SUMS has the recorded hash. The latest is looked for among the
 * replaced ones too when ROOT/PERIOD is not it (a --force run killed
 * after moving it aside): the directory in its place is then unjournaled. */
static int
entry_dir(struct walker *w, const char *period, const char *sums, int latest,
	  char *dir, size_t n, struct payroll_error *err)
{
	char p[PAYROLL_PATH_MAX + 32], hex[65];
	int k;

	if (latest) {
		if (join(dir, n, w->root, period))
			return -1;
		snprintf(p, sizeof p, "%s/SHA256SUMS", dir);
		if (file_hex(p, hex, err) == 0 && !strcmp(hex, sums))
			return 0;
	}
	for (k = 1; k < 1000; k++) {
		struct stat st;

		snprintf(dir, n, "%s/%s.replaced-%d", w->root, period, k);
		if (stat(dir, &st) != 0)
			break;
		snprintf(p, sizeof p, "%s/SHA256SUMS", dir);
		if (file_hex(p, hex, err) == 0 && !strcmp(hex, sums))
			return 0;
	}
	return latest ? join(dir, n, w->root, period) : -1;
}

/* The entry's totals against the period's run.json (covered by its
 * signed manifest), so an edited total is named even in the last line. */
static void
check_totals(struct walker *w, long ln, const char *dir, char *f[8])
{
	char total[PAYROLL_MONEY_MAX];
	long long paid, fen;

	run_totals(dir, &paid, &fen);
	if (paid < 0 && fen < 0)
		return;
	if (fen >= 0)
		payroll_money_format(fen, total);
	if (paid < 0 || fen < 0 || strtoll(f[5], NULL, 10) != paid || strcmp(f[6], total))
		report(w, ln, "totals-changed",
		       "rows paid %s and total %s are not those of %s/run.json", f[5], f[6], dir);
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
is_period_name_prefix(const char *s)
{
	return s[4] == '-' && strspn(s, "0123456789-") >= 7 && (!s[7] || s[7] == '.');
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

/* ROOT/PERIOD's files verify (SHA256SUMS, its signature, every file it
 * lists, nothing else in it): a directory a run may take over. */
static int
whole_period(struct walker *w, const char *period)
{
	char dir[PAYROLL_PATH_MAX], sums[PAYROLL_PATH_MAX + 16];
	char *files[1] = { sums };
	struct payroll_error e;
	payroll_diag_fn diag = w->diag;
	int bad = w->bad, whole;

	if (join(dir, sizeof dir, w->root, period))
		return 0;
	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	if (payroll_verify_files(w->key, files, 1, 0, NULL, NULL, &e) != PAYROLL_SIG_GOOD)
		return 0;
	w->bad = 0;
	w->diag = NULL;
	check_extra(w, 0, dir, sums);
	whole = !w->bad;
	w->bad = bad;
	w->diag = diag;
	return whole;
}

/* Every period directory (the one in place and those --force kept) must
 * have its entry: a deleted last line shows here even if re-signed. One
 * directory more than entries for the period a --force run is redoing,
 * whose files verify, is one it may take over (w->adopt). */
static void
find_unjournaled(struct walker *w, const char *text)
{
	DIR *d = opendir(w->root);
	struct dirent *de;
	long dirs, entries;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char p[PAYROLL_PATH_MAX];

		if (!is_period_name(de->d_name))
			continue;
		dirs = count_dirs(w->root, de->d_name);
		entries = count_entries(text, de->d_name);
		if (w->adopt_period && !strcmp(de->d_name, w->adopt_period) && dirs == entries + 1 &&
		    join(p, sizeof p, w->root, de->d_name) == 0 && lstat(p, &st) == 0 &&
		    S_ISDIR(st.st_mode) && whole_period(w, de->d_name)) {
			w->adopt = 1;
			continue;
		}
		if (entries == 0)
			report(w, 0, "unjournaled", "period directory %s has no journal entry "
			       "(a forced run of period %s takes it over)", de->d_name, de->d_name);
		else if (dirs > entries)
			report(w, 0, "unjournaled", "period %s has %ld directories (with those a forced run kept) "
			       "but %ld journal entries (a forced run of period %s takes the one in "
			       "place over)", de->d_name, dirs, entries, de->d_name);
	}
	closedir(d);
}

/* 1 when root holds a period directory (in place or kept by --force). */
static int
has_periods(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d)) != NULL)
		found = strlen(de->d_name) >= 7 && is_period_name_prefix(de->d_name);
	closedir(d);
	return found;
}

/* The walk of payroll_journal_verify; for a run (w->run), a missing
 * journal is an empty one unless its signature is there. */
static int
walk(struct walker *w, struct payroll_error *err)
{
	struct payroll_buf b = { 0 }, copy = { 0 };
	char hex[65], *f[8];
	size_t pos, next, prevpos = 0;
	long ln = 1;
	int missing, legacy, rc;

	if (journal_path(w->root, w->path, sizeof w->path, &legacy))
		return payroll_error_set(err, PAYROLL_EIO, w->root, 0, 0, "io", "path too long");
	rc = slurp(w->path, &b, &missing, err);
	if (rc == 0 && missing) {
		char sig[PAYROLL_PATH_MAX + 8];
		struct stat st;

		snprintf(sig, sizeof sig, "%s.sig", w->path);
		if (lstat(sig, &st) == 0 || (!w->run && !has_periods(w->root)))
			rc = payroll_error_set(err, PAYROLL_EIO, w->path, 0, 0, "missing-journal",
					       "there is no journal in %s", w->root);
		else if (payroll_buf_addstr(&b, PAYROLL_JOURNAL_HEADER))
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, w->path, "out of memory");
		else if (!w->run)	/* periods, so there was one: each is named below */
			report(w, 0, "missing-journal", "there is no journal in %s", w->root);
	}
	if (rc == 0 && !missing) {
		rc = payroll_verify_file(w->key, w->path, NULL, err);
		if (rc == PAYROLL_SIG_BAD)
			report(w, 0, err->code, "%s", err->message);
		rc = rc < 0 ? rc : 0;
	}
	if (rc) {
		payroll_buf_release(&b);
		return rc;
	}
	if (b.len < strlen(PAYROLL_JOURNAL_HEADER) ||
	    memcmp(b.p, PAYROLL_JOURNAL_HEADER, strlen(PAYROLL_JOURNAL_HEADER)))
		report(w, 1, "bad-journal", "the first line is not the journal's header");
	for (pos = strlen(PAYROLL_JOURNAL_HEADER); pos < b.len; pos = next) {
		const char *nl = memchr(b.p + pos, '\n', b.len - pos);
		char later[16];

		next = nl ? (size_t)(nl - b.p) + 1 : b.len;
		ln++;
		payroll_sha256_hex(b.p + prevpos, pos - prevpos, hex);
		prevpos = pos;
		payroll_buf_reset(&copy);
		if (payroll_buf_add(&copy, b.p + pos, next - pos) || fields(copy.p, f)) {
			report(w, ln, "bad-journal", "not a journal entry");
			continue;
		}
		if (strcmp(f[7], hex))
			report(w, ln, "broken-chain",
			       "this entry did not follow line %ld as it is now: line %ld was edited, "
			       "or a line before this one was removed or inserted", ln - 1, ln - 1);
		if (!is_period_name(f[0])) {
			report(w, ln, "bad-journal", "'%.20s' is not a period", f[0]);
			continue;
		}
		later[0] = '\n';
		memcpy(later + 1, f[0], 7);
		memcpy(later + 8, ",", 2);
		check_entry(w, ln, f, !strstr(b.p + next - 1, later), err);
	}
	find_unjournaled(w, b.p);
	payroll_buf_release(&b);
	payroll_buf_release(&copy);
	payroll_error_clear(err);
	return w->bad ? PAYROLL_SIG_BAD : PAYROLL_SIG_GOOD;
}

int
payroll_journal_verify(const char *root, struct payroll_key *key,
		       payroll_diag_fn diag, void *ctx, struct payroll_error *err)
{
	struct walker w = { root, "", key, diag, ctx, 0, 0, NULL, 0 };

	return walk(&w, err);
}

struct first_break {
	struct payroll_error first;
	long n;
};

static void
keep_first(void *ctx, const struct payroll_error *e)
{
	struct first_break *fb = ctx;

	if (fb->n++ == 0)
		fb->first = *e;
}

int
payroll_journal_check(const char *root, struct payroll_key *key, const char *period,
		      int *adopt, struct payroll_error *err)
{
	struct first_break fb;
	struct walker w = { root, "", key, keep_first, &fb, 0, 1, period, 0 };
	int rc;

	memset(&fb, 0, sizeof fb);
	*adopt = 0;
	if ((rc = refuse_links(root, err)) != 0)
		return rc;
	rc = walk(&w, err);
	if (rc < 0)
		return rc;
	if (rc == PAYROLL_SIG_BAD) {
		payroll_error_set(err, PAYROLL_EFORMAT, fb.first.file, fb.first.line, 0, fb.first.code,
				  "%s%s; a run appends only to a journal that verifies "
				  "(verifying the journal of %s names %s)", fb.first.message,
				  fb.n > 1 ? _(" (and more)") : "", root,
				  fb.n > 1 ? _("them all") : _("it"));
		return PAYROLL_EFORMAT;
	}
	*adopt = w.adopt;
	return 0;
}
