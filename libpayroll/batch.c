/* SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "approval.h"
#include "bank.h"
#include "pain001.h"
#include "buf.h"
#include "calc.h"
#include "config.h"
#include "disclose.h"
#include "ident.h"
#include "journal.h"
#include "money.h"
#include "outfile.h"
#include "manifest.h"
#include "intl.h"
#include "banned.h"

#define MAX_FILES 64

struct batch {
	const struct payroll_run_opts *o;
	struct payroll_run_result *res;
	struct payroll_error *err;
	struct payroll_config *cfg;
	struct payroll_key *key;
	char period[8];
	char tmp[PAYROLL_PATH_MAX];	/* the period being built */
	char dest[PAYROLL_PATH_MAX];
	int lock;
	struct bankfile {	/* the bank files written, for the approval sheet */
		char path[PAYROLL_PATH_MAX], name[256];
		long transfers;
		int64_t total;
	} *bf;
	size_t nbf;
	int bf_failed;
	int adopt;	/* dest has no journal entry: journal it as it is moved aside */
};

/* bankfile's on_file: remember each file of the period. */
static void
bank_file_written(void *ctx, const char *path, long transfers, int64_t total)
{
	struct batch *b = ctx;
	struct bankfile *p = realloc(b->bf, (b->nbf + 1) * sizeof *p);
	const char *base = strrchr(path, '/');

	if (!p) {
		b->bf_failed = 1;
		return;
	}
	b->bf = p;
	p += b->nbf++;
	snprintf(p->path, sizeof p->path, "%s", path);
	snprintf(p->name, sizeof p->name, "%s", base ? base + 1 : path);
	p->transfers = transfers;
	p->total = total;
}

static void __attribute__((format(printf, 3, 4)))
say(struct batch *b, const char *step, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	if (!b->o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, payroll_tr(fmt), ap);
	va_end(ap);
	b->o->log(b->o->log_ctx, step, line);
}

static int
path_in(char *out, size_t n, const char *dir, const char *name)
{
	int k = snprintf(out, n, "%s/%s", dir, name);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* A test hook: stop here for a while ("STEP", 30 s, or "STEP:SECONDS"),
 * so a test can kill the run, or race another one against it. */
static void
maybe_pause(struct batch *b, const char *step)
{
	const char *p = b->o->pause_after;
	size_t n = strlen(step);

	unsigned secs;

	if (p && !strncmp(p, step, n) && (!p[n] || p[n] == ':')) {
		secs = p[n] ? (unsigned)strtoul(p + n + 1, NULL, 10) : 30;
		say(b, step, "paused for %u s (PAYROLL_TEST_PAUSE_AFTER)", secs);
		sleep(secs);
	}
}

/* ---- the output root: directory, lock, leftovers ------------------------ */

static int
make_root(const char *root, struct payroll_error *err)
{
	char p[PAYROLL_PATH_MAX];
	size_t i;

	if (snprintf(p, sizeof p, "%s", root) >= (int)sizeof p)
		return payroll_error_set(err, PAYROLL_EIO, root, 0, 0, "io", "path too long");
	for (i = 1; p[i]; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				return payroll_error_errno(err, PAYROLL_EIO, p, "cannot create directory");
			p[i] = '/';
		}
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		return payroll_error_errno(err, PAYROLL_EIO, p, "cannot create directory");
	return 0;
}

/* The lock is an exclusive flock(2) on the output root directory itself:
 * a lock file could be deleted (or replaced) under a running run, letting
 * a second one start and remove the first one's work directory; the
 * directory cannot be swapped out while it holds a period or a run's
 * work directory. */
static int
take_lock(struct batch *b)
{
	const char *root = b->cfg->output;
	long waited = 0;

	b->lock = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->lock < 0)
		return payroll_error_errno(b->err, PAYROLL_EIO, root, "cannot open the output root to lock it");
	while (flock(b->lock, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return payroll_error_errno(b->err, PAYROLL_EIO, root, "cannot lock");
		if (waited >= (long)b->o->wait_seconds * 10)
			return payroll_error_set(b->err, PAYROLL_EBUSY, root, 0, 0, "locked",
						 "another payroll run holds the lock on %s%s",
						 root, b->o->wait_seconds ? _(" (waited)") : "");
		usleep(100000);
		waited++;
	}
	return 0;
}

/* Temporary directories of runs that were killed: we hold the lock, so
 * no live run owns one. */
static void
remove_leftovers(const char *root)
{
	char path[PAYROLL_PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(root);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp-") &&
		    path_in(path, sizeof path, root, de->d_name) == 0)
			payroll_remove_tree(path);
	closedir(d);
}

/* ---- the steps ---------------------------------------------------------- */

static void
calc_opts(struct batch *b, struct payroll_calc_opts *c)
{
	memset(c, 0, sizeof *c);
	c->roster = b->cfg->roster;
	c->standards = b->cfg->standards;
	c->grants = b->cfg->grants;
	c->period = b->o->period;
	c->encoding = (enum payroll_encoding)b->cfg->encoding;
	c->sheet = b->cfg->sheet;
	c->bom = b->cfg->bom;
}

static int
step_check(struct batch *b)
{
	struct payroll_calc_opts c;
	struct payroll_calc_report rep;
	int rc;

	calc_opts(b, &c);
	c.check_only = 1;
	rc = payroll_calc(&c, &rep, b->err);
	if (rc == 0) {
		b->res->problems = rep.attention;
		say(b, "check", "%ld rows, %ld problems (rejected by calc, listed in rejects.csv)",
		    rep.rows_read, rep.attention);
	}
	payroll_calc_report_free(&rep);
	return rc;
}

static void
free_list(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A period directory of the root: YYYY-MM, or YYYY-MM.replaced-N that
 * --force kept. Its month, or -1. */
static long
period_dir(const char *name)
{
	const char *n = name + 7;
	long m;

	if (strnlen(name, 7) < 7 || (m = payroll_month_parse(name, 7)) < 0 || (*n && (strncmp(n, ".replaced-", 10) || !n[10] ||
			     strspn(n + 10, "0123456789") != strlen(n + 10))))
		return -1;
	return m;
}

/*
 * The ledgers of every period of the root earlier than the one being run,
 * --force's kept directories included, sorted by name: calc --paid, so a
 * temporary grant is never paid twice (SPEC 11). A period directory
 * without its ledger is an error: what it paid could not be known.
 */
static int
earlier_ledgers(struct batch *b, char ***out, size_t *nout)
{
	DIR *d = opendir(b->cfg->output);
	struct dirent *de;
	struct stat st;
	char **v = NULL, path[PAYROLL_PATH_MAX], dir[PAYROLL_PATH_MAX];
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (!d)
		return payroll_error_errno(b->err, PAYROLL_EIO, b->cfg->output, "cannot read the output root");
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		long m = period_dir(de->d_name);

		if (m < 0 || m >= b->o->period)
			continue;
		if (path_in(dir, sizeof dir, b->cfg->output, de->d_name) ||
		    path_in(path, sizeof path, dir, "ledger.csv")) {
			rc = payroll_error_set(b->err, PAYROLL_EIO, b->cfg->output, 0, 0, "io",
					       "path too long");
			break;
		}
		if (stat(path, &st) != 0) {
			rc = payroll_error_errno(b->err, PAYROLL_EIO, path,
						 "an earlier period's ledger is needed to know the grants it "
						 "paid");
			break;
		}
		if (payroll_grow((void **)&v, n, &cap, sizeof *v)) {
			rc = payroll_error_errno(b->err, PAYROLL_ENOMEM, NULL, "out of memory");
			break;
		}
		if (!(v[n] = strdup(path))) {
			rc = payroll_error_errno(b->err, PAYROLL_ENOMEM, NULL, "out of memory");
			break;
		}
		n++;
	}
	if (rc == 0 && errno)
		rc = payroll_error_errno(b->err, PAYROLL_EIO, b->cfg->output, "cannot read the output root");
	closedir(d);
	if (rc) {
		free_list(v, n);
		return rc;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*nout = n;
	return 0;
}

static int
step_calc(struct batch *b)
{
	char ledger[PAYROLL_PATH_MAX], rejects[PAYROLL_PATH_MAX], summary[PAYROLL_PATH_MAX];
	char total[PAYROLL_MONEY_MAX];
	struct payroll_calc_opts c;
	struct payroll_calc_report rep;
	char **paid = NULL;
	size_t npaid = 0;
	int rc;

	if (path_in(ledger, sizeof ledger, b->tmp, "ledger.csv") ||
	    path_in(rejects, sizeof rejects, b->tmp, "rejects.csv") ||
	    path_in(summary, sizeof summary, b->tmp, "summary.json"))
		return payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
	if ((rc = earlier_ledgers(b, &paid, &npaid)) != 0)
		return rc;
	calc_opts(b, &c);
	c.ledger = ledger;
	c.rejects = rejects;
	c.summary = summary;
	c.paid = (const char *const *)paid;
	c.npaid = npaid;
	rc = payroll_calc(&c, &rep, b->err);
	if (rc == 0) {
		b->res->rows_read = rep.rows_read;
		b->res->rows_paid = rep.rows_paid;
		b->res->rows_rejected = rep.rows_rejected;
		b->res->attention = rep.attention;
		b->res->total = rep.total;
		payroll_money_format(rep.total, total);
		say(b, "calc", "%ld rows read, %ld paid, %ld rejected (%ld need a person), %ld lines, "
		    "total %s; grants paid before looked up in %zu earlier ledger%s",
		    rep.rows_read, rep.rows_paid, rep.rows_rejected, rep.attention, rep.lines, total,
		    npaid, npaid == 1 ? "" : "s");
	}
	payroll_calc_report_free(&rep);
	free_list(paid, npaid);
	return rc;
}

/* The bank file's name in the period directory, by layout. */
static void
bank_name(const char *layout, char *out, size_t n)
{
	const char *base = strrchr(layout, '/'), *dot;

	if (!strcmp(layout, "csv"))
		snprintf(out, n, "bank.csv");
	else if (!strcmp(layout, "fixed-gbk"))
		snprintf(out, n, "bank-fixed-gbk.txt");
	else if (!strcmp(layout, "pain001"))
		snprintf(out, n, "bank-pain001.xml");
	else {
		base = base ? base + 1 : layout;
		dot = strrchr(base, '.');
		snprintf(out, n, "bank-%.*s.txt", (int)(dot && dot != base ? dot - base : (long)strlen(base)), base);
	}
}

static int
step_bankfiles(struct batch *b)
{
	char ledger[PAYROLL_PATH_MAX], out[PAYROLL_PATH_MAX], name[256], total[PAYROLL_MONEY_MAX];
	size_t i;
	int rc = 0;

	if (b->res->rows_paid == 0) {
		say(b, "bankfile", "nothing to pay: no bank file");
		return 0;
	}
	if (path_in(ledger, sizeof ledger, b->tmp, "ledger.csv"))
		return payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
	for (i = 0; i < b->cfg->nlayouts && rc == 0; i++) {
		struct payroll_bankfile_opts bo = PAYROLL_BANKFILE_OPTS_INIT;
		struct payroll_bankfile_result br;

		memset(&br, 0, sizeof br);
		bank_name(b->cfg->layouts[i], name, sizeof name);
		if (path_in(out, sizeof out, b->tmp, name))
			return payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
		bo.ledger = ledger;
		bo.layout = b->cfg->layouts[i];
		bo.payer = !strcmp(b->cfg->layouts[i], "pain001") ? b->cfg->payer : NULL;
		bo.output = out;
		bo.max_count = b->cfg->max_count;
		bo.max_amount = b->cfg->max_amount;
		bo.on_file = bank_file_written;
		bo.file_ctx = b;
		rc = payroll_bankfile(&bo, &br, b->err);
		if (rc == 0 && b->bf_failed)
			rc = payroll_error_set(b->err, PAYROLL_ENOMEM, b->tmp, 0, 0, "no-memory",
					       "out of memory");
		if (rc == 0) {
			b->res->transfers = br.transfers;
			payroll_money_format(br.total, total);
			say(b, "bankfile", "%s: %ld transfers, total %s%s", name, br.transfers, total,
			    br.warnings ? _(" (names cut to fit: see the log)") : "");
		}
	}
	return rc;
}

/* The notice's first day for the period (config notice_start: a date, or
 * a day of the period's month, the last day of a shorter month), or NULL. */
static const char *
notice_from(struct batch *b, char from[16])
{
	int last = payroll_month_days(b->o->period);

	if (b->cfg->notice_date[0])
		return b->cfg->notice_date;
	if (!b->cfg->notice_day)
		return NULL;
	snprintf(from, 16, "%s-%02d", b->period,
		 b->cfg->notice_day < last ? b->cfg->notice_day : last);
	return from;
}

static int
step_disclose(struct batch *b)
{
	char ledger[PAYROLL_PATH_MAX], list[PAYROLL_PATH_MAX], page[PAYROLL_PATH_MAX];
	char total[PAYROLL_MONEY_MAX];
	struct payroll_disclose_opts d = { 0 };
	struct payroll_disclose_result r;
	char from[16];
	int rc;

	if (path_in(ledger, sizeof ledger, b->tmp, "ledger.csv") ||
	    path_in(list, sizeof list, b->tmp, "disclosure.csv") ||
	    path_in(page, sizeof page, b->tmp, "disclosure.html"))
		return payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
	d.ledger = ledger;
	d.output = list;
	d.html = page;
	d.office = b->cfg->office;
	d.phone = b->cfg->phone;
	d.notice_days = b->cfg->notice_days;
	d.notice_from = notice_from(b, from);
	d.bom = b->cfg->bom;
	rc = payroll_disclose(&d, &r, b->err);
	if (rc == 0) {
		payroll_money_format(r.total, total);
		say(b, "disclose", "disclosure.csv and .html: %ld households, %ld persons, total %s",
		    r.cases, r.persons, total);
	}
	return rc;
}

/* approval.html: the sheet to sign before the bank files go out; every
 * bank file of the month carries the same transfers and total. */
static int
step_approval(struct batch *b)
{
	struct payroll_approval_file *f = calloc(b->nbf + 1, sizeof *f);
	char ledger[PAYROLL_PATH_MAX], out[PAYROLL_PATH_MAX], total[PAYROLL_MONEY_MAX];
	struct payroll_approval_opts a = { 0 };
	struct payroll_approval_result r;
	size_t i;
	int rc = 0;

	if (!f)
		rc = payroll_error_set(b->err, PAYROLL_ENOMEM, b->tmp, 0, 0, "no-memory", "out of memory");
	else if (path_in(ledger, sizeof ledger, b->tmp, "ledger.csv") ||
		 path_in(out, sizeof out, b->tmp, "approval.html"))
		rc = payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
	/* every bank file bankfile wrote: one a layout, or its numbered parts */
	for (i = 0; rc == 0 && b->res->rows_paid && i < b->nbf; i++) {
		f[i] = (struct payroll_approval_file){ b->bf[i].name, b->bf[i].path,
						       b->bf[i].transfers, b->bf[i].total };
		a.nfiles++;
	}
	a.ledger = ledger;
	a.output = out;
	a.office = b->cfg->office;
	a.files = f;
	if (rc == 0)
		rc = payroll_approval(&a, &r, b->err);
	free(f);
	if (rc == 0) {
		payroll_money_format(r.total, total);
		say(b, "approval", "approval.html: %ld households, %ld persons, total %s, %zu bank files",
		    r.households, r.persons, total, a.nfiles);
	}
	return rc;
}

static int
step_summary(struct batch *b)
{
	struct payroll_outfile *o = NULL;
	struct payroll_buf j = { 0 };
	char path[PAYROLL_PATH_MAX];
	int rc;

	if (path_in(path, sizeof path, b->tmp, "run.json"))
		return payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "path too long");
	rc = payroll_buf_addf(&j, "{\n  \"period\": \"%s\",\n  \"rows_read\": %ld,\n  \"rows_paid\": %ld,\n"
			      "  \"rows_rejected\": %ld,\n  \"need_a_person\": %ld,\n  \"transfers\": %ld,\n"
			      "  \"total\": \"", b->period, b->res->rows_read, b->res->rows_paid,
			      b->res->rows_rejected, b->res->attention, b->res->transfers) ||
	     payroll_buf_addmoney(&j, b->res->total) ||
	     payroll_buf_addf(&j, "\",\n  \"total_fen\": %lld\n}\n", (long long)b->res->total) ?
		PAYROLL_ENOMEM : 0;
	if (rc == 0 && (rc = payroll_outfile_open(&o, path, 0, b->err)) == 0) {
		if (payroll_outfile_write(o, j.p, j.len)) {
			payroll_outfile_abort(o);
			rc = payroll_error_errno(b->err, PAYROLL_EIO, path, "cannot write");
		} else {
			rc = payroll_outfile_commit(o, b->err);
		}
	}
	if (rc == 0) {
		char total[PAYROLL_MONEY_MAX];

		payroll_money_format(b->res->total, total);
		say(b, "summary", "run.json: %ld rows paid, %ld transfers, total %s",
		    b->res->rows_paid, b->res->transfers, total);
	}
	payroll_buf_release(&j);
	return rc;
}

/* Sign every file of the period, with SHA256SUMS. */
static int
step_sign(struct batch *b)
{
	char *files[MAX_FILES];
	struct dirent *de;
	size_t n = 0, i;
	DIR *d = opendir(b->tmp);
	int rc = 0;

	if (!d)
		return payroll_error_errno(b->err, PAYROLL_EIO, b->tmp, "cannot read directory");
	while ((de = readdir(d)) != NULL && rc == 0) {
		char path[PAYROLL_PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (n == MAX_FILES || path_in(path, sizeof path, b->tmp, de->d_name) ||
		    !(files[n] = strdup(path)))
			rc = payroll_error_set(b->err, PAYROLL_EIO, b->tmp, 0, 0, "io", "too many files");
		else
			n++;
	}
	closedir(d);
	if (rc == 0) {
		qsort(files, n, sizeof *files, cmp_str);
		rc = payroll_sign_files(b->key, files, n, PAYROLL_SIGN_MANIFEST, b->err);
	}
	if (rc == 0)
		say(b, "sign", "%zu files signed (%s), SHA256SUMS written",
		    n, payroll_sig_alg_name(payroll_key_alg(b->key)));
	for (i = 0; i < n; i++)
		free(files[i]);
	return rc;
}

/* ---- putting the period in place --------------------------------------- */

static int
publish(struct batch *b)
{
	struct stat st;
	int k;

	if (stat(b->dest, &st) == 0) {
		for (k = 1; k < 10000; k++) {
			int n = snprintf(b->res->replaced, sizeof b->res->replaced, "%s.replaced-%d",
					 b->dest, k);

			if (n < 0 || (size_t)n >= sizeof b->res->replaced)
				return payroll_error_set(b->err, PAYROLL_EIO, b->dest, 0, 0, "io",
							 "path too long");
			if (stat(b->res->replaced, &st) != 0)
				break;
		}
		if (rename(b->dest, b->res->replaced) != 0)
			return payroll_error_errno(b->err, PAYROLL_EIO, b->dest, "cannot move the old period aside");
		say(b, "publish", "the old %s is kept as %s", b->period, b->res->replaced);
	}
	if (rename(b->tmp, b->dest) != 0)
		return payroll_error_errno(b->err, PAYROLL_EIO, b->dest, "cannot rename the period into place");
	b->tmp[0] = '\0';
	snprintf(b->res->dir, sizeof b->res->dir, "%s", b->dest);
	return payroll_fsync_dir_of(b->dest, b->err);
}

/* The journal could not be written: take the period back out, so that
 * a failed run leaves things as they were. */
static void
unpublish(struct batch *b)
{
	payroll_remove_tree(b->dest);
	if (b->res->replaced[0] && rename(b->res->replaced, b->dest) == 0)
		b->res->replaced[0] = '\0';
	b->res->dir[0] = '\0';
}

static int
add_input(struct payroll_buf *s, const char *name, const char *path, struct payroll_error *err)
{
	unsigned char md[32];
	int i, rc;

	if (!path)
		return 0;
	if ((rc = payroll_sha256_file(path, md, err)) != 0)
		return rc;
	if (payroll_buf_addf(s, "%s%s=", s->len ? ";" : "", name))
		return PAYROLL_ENOMEM;
	for (i = 0; i < 32; i++)
		if (payroll_buf_addf(s, "%02x", md[i]))
			return PAYROLL_ENOMEM;
	return 0;
}

static int
step_journal(struct batch *b)
{
	struct payroll_journal_entry e = { 0 };
	struct payroll_buf in = { 0 };
	char sums[PAYROLL_PATH_MAX], sumhex[65], when[32], name[32];
	unsigned char md[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int rc;

	rc = add_input(&in, "config", b->o->config, b->err);
	if (rc == 0)
		rc = add_input(&in, "roster", b->cfg->roster, b->err);
	if (rc == 0)
		rc = add_input(&in, "standards", b->cfg->standards, b->err);
	if (rc == 0)
		rc = add_input(&in, "grants", b->cfg->grants, b->err);
	if (rc == 0)
		rc = add_input(&in, "payer", b->cfg->payer, b->err);
	for (i = 0; rc == 0 && i < b->cfg->nlayouts; i++)
		if (strchr(b->cfg->layouts[i], '/')) {
			snprintf(name, sizeof name, "layout%zu", i + 1);
			rc = add_input(&in, name, b->cfg->layouts[i], b->err);
		}
	if (rc == 0 && (path_in(sums, sizeof sums, b->dest, "SHA256SUMS") ||
			(rc = payroll_sha256_file(sums, md, b->err)) != 0))
		rc = rc ? rc : PAYROLL_EUSAGE;
	if (rc == 0) {
		for (i = 0; i < 32; i++)
			snprintf(sumhex + 2 * i, 3, "%02x", md[i]);
		gmtime_r(&now, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		e = (struct payroll_journal_entry){ b->period, when, PAYROLL_VERSION,
			payroll_buf_str(&in), sumhex, b->res->rows_paid, b->res->total };
		rc = payroll_journal_append(b->cfg->output, &e, b->adopt ? b->res->replaced : NULL,
					    b->key, b->err);
	}
	if (rc == 0 && b->adopt)
		say(b, "journal", "%s/journal/journal.csv: entry for %s, which had none, appended",
		    b->cfg->output, b->res->replaced);
	if (rc == 0)
		say(b, "journal", "%s/journal/journal.csv: entry for %s appended and signed",
		    b->cfg->output, b->period);
	payroll_buf_release(&in);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

/* A notice_start date belongs to the period's month or the one before
 * (a notice may precede the payment); any other is last month's config. */
static int
check_notice(struct batch *b)
{
	int day;
	long m;

	if (!b->cfg->notice_date[0])
		return 0;
	m = payroll_date_parse(b->cfg->notice_date, 10, &day);
	if (m == b->o->period || m == b->o->period - 1)
		return 0;
	return payroll_error_set(b->err, PAYROLL_EUSAGE, b->o->config, 0, 0, "stale-notice",
				 "notice_start = %s is not in %s or the month before: write "
				 "notice_start = %d instead (that day of each period's month)",
				 b->cfg->notice_date, b->period, day);
}

/* A payer file that fixes a bank message id or date would pay next month
 * with this month's: refused before anything is done. */
static int
check_payer(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->cfg->nlayouts; i++)
		if (!strcmp(b->cfg->layouts[i], "pain001") && b->cfg->payer)
			return payroll_payer_check_derived(b->cfg->payer, b->err);
	return 0;
}

static int
prepare(struct batch *b)
{
	struct stat st;
	char tmpl[PAYROLL_PATH_MAX];
	int rc;

	if ((rc = payroll_config_load(&b->cfg, b->o->config, b->err)) != 0)
		return rc;
	if ((rc = check_payer(b)) != 0 || (rc = check_notice(b)) != 0)
		return rc;
	if ((rc = payroll_key_load(&b->key, b->cfg->key, PAYROLL_KEY_PRIVATE, b->cfg->pass, b->err)) != 0)
		return rc;
	if ((rc = make_root(b->cfg->output, b->err)) != 0 || (rc = take_lock(b)) != 0)
		return rc;
	if (path_in(b->dest, sizeof b->dest, b->cfg->output, b->period))
		return payroll_error_set(b->err, PAYROLL_EIO, b->cfg->output, 0, 0, "io", "path too long");
	/* the journal this run will append to must verify as it is */
	if ((rc = payroll_journal_check(b->cfg->output, b->key, b->o->force ? b->period : NULL,
					&b->adopt, b->err)) != 0)
		return rc;
	if (b->adopt)
		say(b, "journal", "%s has no journal entry (a run killed before its journal): "
		    "it is moved aside and journaled with this run", b->dest);
	if (stat(b->dest, &st) == 0 && !b->o->force)
		return payroll_error_set(b->err, PAYROLL_EEXIST, b->dest, 0, 0, "period-done",
					 "period %s was already run",
					 b->period);
	remove_leftovers(b->cfg->output);
	if (snprintf(tmpl, sizeof tmpl, "%s/.%s.tmp-XXXXXX", b->cfg->output, b->period) >= (int)sizeof tmpl)
		return payroll_error_set(b->err, PAYROLL_EIO, b->cfg->output, 0, 0, "io", "path too long");
	if (!mkdtemp(tmpl))
		return payroll_error_errno(b->err, PAYROLL_EIO, tmpl, "cannot create the work directory");
	memcpy(b->tmp, tmpl, sizeof b->tmp);
	return 0;
}

int
payroll_run(const struct payroll_run_opts *o, struct payroll_run_result *res,
	    struct payroll_error *err)
{
	static const struct {
		const char *name;
		int (*fn)(struct batch *);
	} steps[] = {
		{ "check", step_check }, { "calc", step_calc }, { "bankfile", step_bankfiles },
		{ "disclose", step_disclose }, { "approval", step_approval },
		{ "summary", step_summary }, { "sign", step_sign },
	};
	struct batch b = { o, res, err, NULL, NULL, "", "", "", -1, NULL, 0, 0, 0 };
	size_t i;
	int rc;

	memset(res, 0, sizeof *res);
	payroll_error_clear(err);
	payroll_month_format(o->period, b.period);
	rc = prepare(&b);
	for (i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++) {
		if (o->progress)
			o->progress(o->log_ctx, steps[i].name, (int)i + 1, (int)(sizeof steps / sizeof *steps) + 1);
		rc = steps[i].fn(&b);
		if (rc == 0)
			maybe_pause(&b, steps[i].name);
	}
	if (rc == 0)
		rc = payroll_fsync_dir_of(b.tmp, err);
	if (rc == 0 && o->progress)
		o->progress(o->log_ctx, "journal", (int)(sizeof steps / sizeof *steps) + 1,
			    (int)(sizeof steps / sizeof *steps) + 1);
	if (rc == 0 && (rc = publish(&b)) == 0) {
		maybe_pause(&b, "publish");
		if ((rc = step_journal(&b)) != 0)
			unpublish(&b);
	}
	if (b.tmp[0])
		payroll_remove_tree(b.tmp);
	if (b.lock >= 0)
		close(b.lock);	/* releases the flock */
	payroll_key_free(b.key);
	payroll_config_free(b.cfg);
	free(b.bf);
	return rc;
}
