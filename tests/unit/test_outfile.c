/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_outfile: an aborted output leaves nothing in its directory (with
 * and without O_TMPFILE), several outputs are committed all or none, a
 * ".gz" output is gzip that zlib reads back, and the no-overwrite mode
 * (PAYROLL_OUT_EXCL) never replaces anything.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <zlib.h>

#define TMP_NAME "test_outfile"
#include "tmpfiles.h"

#include "outfile.h"

static char sub[128];

/* A new empty directory for one test. */
static const char *
fresh(const char *name)
{
	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	assert_int_equal(mkdir(sub, 0755), 0);
	return sub;
}

static const char *
in(const char *d, const char *name)
{
	static char p[4][200];
	static int k;
	char *s = p[k++ % 4];

	snprintf(s, 200, "%s/%s", d, name);
	return s;
}

/* Names in d, sorted by nothing, joined by spaces ("" when empty). */
static const char *
listing(const char *d)
{
	static char out[1024];
	DIR *dp = opendir(d);
	struct dirent *e;

	assert_non_null(dp);
	out[0] = '\0';
	while ((e = readdir(dp)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		strncat(out, out[0] ? " " : "", sizeof out - strlen(out) - 1);
		strncat(out, e->d_name, sizeof out - strlen(out) - 1);
	}
	closedir(dp);
	return out;
}

static const char *
contents(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
abort_one(const char *d)
{
	struct payroll_outfile *o;
	struct payroll_error err;

	assert_int_equal(payroll_outfile_open(&o, in(d, "bank.csv"), 0, &err), 0);
	assert_int_equal(payroll_outfile_puts(o, "seq,amount\n1,2.00\n"), 0);
	payroll_outfile_abort(o);
	assert_string_equal(listing(d), "");
	/* after a readback (the data reached the file) too */
	assert_int_equal(payroll_outfile_open(&o, in(d, "bank.csv"), 0, &err), 0);
	assert_int_equal(payroll_outfile_puts(o, "x\n"), 0);
	close(payroll_outfile_readback(o, &err));
	payroll_outfile_abort(o);
	assert_string_equal(listing(d), "");
	payroll_outfile_abort(NULL);
}

static void
abort_leaves_nothing(void **state)
{
	(void)state;
	unsetenv("PAYROLL_TEST_NO_TMPFILE");
	abort_one(fresh("abort-tmpfile"));
	setenv("PAYROLL_TEST_NO_TMPFILE", "1", 1);
	abort_one(fresh("abort-named"));
	unsetenv("PAYROLL_TEST_NO_TMPFILE");
}

static void
commit_places_the_file_alone(void **state)
{
	const char *d = fresh("commit");
	struct payroll_outfile *o;
	struct payroll_error err;
	struct stat st;

	(void)state;
	assert_int_equal(payroll_outfile_open(&o, in(d, "a.csv"), 0, &err), 0);
	assert_int_equal(payroll_outfile_puts(o, "new\n"), 0);
	assert_string_equal(listing(d), "");
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_string_equal(listing(d), "a.csv");
	assert_string_equal(contents(in(d, "a.csv")), "new\n");
	/* replaces by default, mode 0644 under umask 022 */
	assert_int_equal(payroll_outfile_open(&o, in(d, "a.csv"), 0, &err), 0);
	assert_int_equal(payroll_outfile_puts(o, "newer\n"), 0);
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_string_equal(contents(in(d, "a.csv")), "newer\n");
	assert_int_equal(stat(in(d, "a.csv"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_string_equal(listing(d), "a.csv");
}

static void
commit_all_or_nothing(void **state)
{
	const char *d = fresh("all");
	struct payroll_outfile *o[3];
	struct payroll_error err;

	(void)state;
	/* the third cannot be written (/dev/full): neither other appears */
	assert_int_equal(payroll_outfile_open(&o[0], in(d, "a.txt"), 0, &err), 0);
	assert_int_equal(payroll_outfile_open(&o[1], in(d, "b.txt"), 0, &err), 0);
	assert_int_equal(payroll_outfile_open(&o[2], "/dev/full", 0, &err), 0);
	payroll_outfile_puts(o[0], "a\n");
	payroll_outfile_puts(o[1], "b\n");
	payroll_outfile_puts(o[2], "c\n");
	assert_int_equal(payroll_outfile_commit_all(o, 3, &err), PAYROLL_EIO);
	assert_null(o[0]);
	assert_null(o[1]);
	assert_null(o[2]);
	assert_string_equal(err.file, "/dev/full");
	assert_string_equal(listing(d), "");

	/* the second's name is taken after it was opened without overwrite:
	 * the first, already renamed, is taken back, the taken name untouched */
	assert_int_equal(payroll_outfile_open(&o[0], in(d, "a.txt"), 0, &err), 0);
	assert_int_equal(payroll_outfile_open(&o[1], in(d, "b.txt"), PAYROLL_OUT_EXCL, &err), 0);
	payroll_outfile_puts(o[0], "a\n");
	payroll_outfile_puts(o[1], "b\n");
	put("all/b.txt", "someone else's\n");
	assert_int_equal(payroll_outfile_commit_all(o, 2, &err), PAYROLL_EEXIST);
	assert_string_equal(err.code, "exists");
	assert_string_equal(listing(d), "b.txt");
	assert_string_equal(contents(in(d, "b.txt")), "someone else's\n");

	/* and when all can be written, all are */
	assert_int_equal(payroll_outfile_open(&o[0], in(d, "a.txt"), 0, &err), 0);
	assert_int_equal(payroll_outfile_open(&o[1], in(d, "b.txt"), 0, &err), 0);
	o[2] = NULL;
	payroll_outfile_puts(o[0], "a\n");
	payroll_outfile_puts(o[1], "b\n");
	assert_int_equal(payroll_outfile_commit_all(o, 3, &err), 0);
	assert_string_equal(contents(in(d, "a.txt")), "a\n");
	assert_string_equal(contents(in(d, "b.txt")), "b\n");
}

static void
gzip_is_readable_by_zlib(void **state)
{
	const char *d = fresh("gz");
	struct payroll_outfile *o;
	struct payroll_error err;
	char line[64], buf[200000];
	gzFile g;
	int i, n, total = 0;

	(void)state;
	assert_int_equal(payroll_outfile_open(&o, in(d, "ledger.csv.gz"), 0, &err), 0);
	/* more than one buffer of 256 KiB before compression */
	for (i = 0; i < 20000; i++) {
		snprintf(line, sizeof line, "%06d,2026-11,600.00\n", i);
		assert_int_equal(payroll_outfile_puts(o, line), 0);
	}
	assert_int_equal(payroll_outfile_size(o), 20000 * 22);
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_int_equal((unsigned char)contents(in(d, "ledger.csv.gz"))[0], 0x1f);
	assert_int_equal((unsigned char)contents(in(d, "ledger.csv.gz"))[1], 0x8b);
	g = gzopen(in(d, "ledger.csv.gz"), "rb");
	assert_non_null(g);
	assert_int_equal(gzdirect(g), 0);
	while ((n = gzread(g, buf, sizeof buf)) > 0) {
		if (total == 0)
			assert_int_equal(memcmp(buf, "000000,2026-11,600.00\n000001,", 29), 0);
		total += n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(gzclose(g), Z_OK);
	assert_int_equal(total, 20000 * 22);
	/* PAYROLL_OUT_NOGZIP writes the bytes as given, whatever the name */
	assert_int_equal(payroll_outfile_open(&o, in(d, "raw.gz"), PAYROLL_OUT_NOGZIP, &err), 0);
	payroll_outfile_puts(o, "plain");
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_string_equal(contents(in(d, "raw.gz")), "plain");
}

static void
no_overwrite_mode(void **state)
{
	const char *d = fresh("excl");
	struct payroll_outfile *o;
	struct payroll_error err;
	struct stat st;

	(void)state;
	/* a new name: written whole, private mode kept */
	assert_int_equal(payroll_outfile_open(&o, in(d, "k.key"),
					      PAYROLL_OUT_EXCL | PAYROLL_OUT_PRIVATE, &err), 0);
	assert_int_equal(payroll_outfile_puts(o, "secret\n"), 0);
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_string_equal(listing(d), "k.key");
	assert_string_equal(contents(in(d, "k.key")), "secret\n");
	assert_int_equal(stat(in(d, "k.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* an existing file is refused at open */
	assert_int_equal(payroll_outfile_open(&o, in(d, "k.key"), PAYROLL_OUT_EXCL, &err),
			 PAYROLL_EEXIST);
	assert_string_equal(err.code, "exists");
	assert_string_equal(err.file, in(d, "k.key"));
	assert_string_equal(contents(in(d, "k.key")), "secret\n");
	/* so is a dangling symbolic link */
	assert_int_equal(symlink("nowhere", in(d, "dangling")), 0);
	assert_int_equal(payroll_outfile_open(&o, in(d, "dangling"), PAYROLL_OUT_EXCL, &err),
			 PAYROLL_EEXIST);
	/* a file that appears while writing wins: the commit fails, nothing left */
	assert_int_equal(payroll_outfile_open(&o, in(d, "late"), PAYROLL_OUT_EXCL, &err), 0);
	payroll_outfile_puts(o, "ours\n");
	put("excl/late", "theirs\n");
	assert_int_equal(payroll_outfile_commit(o, &err), PAYROLL_EEXIST);
	assert_string_equal(contents(in(d, "late")), "theirs\n");
	assert_int_equal(unlink(in(d, "dangling")), 0);
	assert_int_equal(unlink(in(d, "late")), 0);
	assert_string_equal(listing(d), "k.key");
	/* standard output is never a new file */
	assert_int_equal(payroll_outfile_open(&o, "-", PAYROLL_OUT_EXCL, &err), PAYROLL_EUSAGE);
}

/* Line i of the big files: 32 bytes, its number in it. */
static void
big_line(char *line, int i, char tag)
{
	snprintf(line, 33, "%c%08u,2026-11,1234.56,abcde\n", tag, (unsigned)i % 100000000u);
}

/* The file at path holds lines from..to-1 of tag (after skip bytes). */
static void
assert_big_lines(FILE *f, int from, int to, char tag)
{
	char want[40], got[40];
	int i;

	for (i = from; i < to; i++) {
		big_line(want, i, tag);
		assert_non_null(fgets(got, sizeof got, f));
		assert_string_equal(got, want);
	}
}

/* path opened and n big lines of tag written to it. */
static struct payroll_outfile *
open_big(const char *path, int n, char tag)
{
	struct payroll_outfile *o;
	struct payroll_error err;
	char line[40];
	int i;

	assert_int_equal(payroll_outfile_open(&o, path, 0, &err), 0);
	for (i = 0; i < n; i++) {
		big_line(line, i, tag);
		assert_int_equal(payroll_outfile_write(o, line, 32), 0);
	}
	return o;
}

/* Files past 1 MiB are written by a second thread: the same bytes, gzip
 * too; readback and rewrite_from wait for it; abort stops it. */
static void
big_files_through_the_writer_thread(void **state)
{
	const char *d = fresh("big");
	struct payroll_outfile *o;
	struct payroll_error err;
	char line[40], buf[64];
	gzFile g;
	FILE *f;
	int i, fd;

	(void)state;
	/* 8 MiB plain and gzip */
	o = open_big(in(d, "plain.csv"), 262144, 'a');
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_non_null(f = fopen(in(d, "plain.csv"), "rb"));
	assert_big_lines(f, 0, 262144, 'a');
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	o = open_big(in(d, "z.csv.gz"), 262144, 'z');
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_non_null(g = gzopen(in(d, "z.csv.gz"), "rb"));
	for (i = 0; i < 262144; i++) {
		big_line(line, i, 'z');
		assert_non_null(gzgets(g, buf, sizeof buf));
		assert_string_equal(buf, line);
	}
	assert_int_equal(gzread(g, buf, 1), 0);
	gzclose(g);
	/* 4 MiB, read back, then 2 MiB written again from 1 MiB on: 3 MiB */
	o = open_big(in(d, "cut.csv"), 131072, 'a');
	fd = payroll_outfile_readback(o, &err);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 0, SEEK_END), 131072 * 32);
	close(fd);
	assert_int_equal(payroll_outfile_rewrite_from(o, 32768 * 32), 0);
	assert_int_equal(payroll_outfile_size(o), 32768 * 32);
	for (i = 0; i < 65536; i++) {
		big_line(line, i, 'b');
		assert_int_equal(payroll_outfile_write(o, line, 32), 0);
	}
	assert_int_equal(payroll_outfile_commit(o, &err), 0);
	assert_non_null(f = fopen(in(d, "cut.csv"), "rb"));
	assert_big_lines(f, 0, 32768, 'a');
	assert_big_lines(f, 0, 65536, 'b');
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	/* abort while the thread writes: nothing left */
	o = open_big(in(d, "gone.csv"), 131072, 'a');
	payroll_outfile_abort(o);
	assert_null(strstr(listing(d), "gone"));
	assert_int_equal(strlen(listing(d)), strlen("cut.csv plain.csv z.csv.gz"));	/* no temporary */
}

/* A write the thread fails is reported by a later write or the commit,
 * and no write succeeds after a failed one. */
static void
writer_thread_failure_is_reported(void **state)
{
	struct payroll_outfile *o;
	struct payroll_error err;
	char line[40];
	int i, failed = 0;

	(void)state;
	assert_int_equal(payroll_outfile_open(&o, "/dev/full", 0, &err), 0);
	for (i = 0; i < 131072; i++) {
		big_line(line, i, 'a');
		if (payroll_outfile_write(o, line, 32) != 0)
			failed = 1;
		else
			assert_int_equal(failed, 0);
	}
	assert_int_equal(failed, 1);
	assert_int_equal(payroll_outfile_commit(o, &err), PAYROLL_EIO);
	assert_string_equal(err.file, "/dev/full");
	/* failing only at the end: the commit says so */
	assert_int_equal(payroll_outfile_open(&o, "/dev/full", 0, &err), 0);
	for (i = 0; i < 40000; i++) {
		big_line(line, i, 'a');
		if (payroll_outfile_write(o, line, 32) != 0)
			break;
	}
	assert_int_equal(payroll_outfile_commit(o, &err), PAYROLL_EIO);
}

static void
path_helpers(void **state)
{
	char d[16], out[8];
	const char *base;
	struct payroll_error err;

	(void)state;
	assert_int_equal(payroll_path_split("a/b/c.csv", d, sizeof d, &base), 0);
	assert_string_equal(d, "a/b");
	assert_string_equal(base, "c.csv");
	assert_int_equal(payroll_path_split("c.csv", d, sizeof d, &base), 0);
	assert_string_equal(d, ".");
	assert_int_equal(payroll_path_split("/c", d, sizeof d, &base), 0);
	assert_string_equal(d, "/");
	assert_int_equal(payroll_path_split("a-long-directory/c", d, 4, &base), -1);
	assert_int_equal(payroll_path_join(out, sizeof out, "ab", ".sig", &err), 0);
	assert_string_equal(out, "ab.sig");
	assert_int_equal(payroll_path_join(out, sizeof out, "abcd", ".sig", &err), PAYROLL_EUSAGE);
	assert_string_equal(err.code, "usage");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abort_leaves_nothing),
		cmocka_unit_test(commit_places_the_file_alone),
		cmocka_unit_test(commit_all_or_nothing),
		cmocka_unit_test(gzip_is_readable_by_zlib),
		cmocka_unit_test(no_overwrite_mode),
		cmocka_unit_test(path_helpers),
		cmocka_unit_test(big_files_through_the_writer_thread),
		cmocka_unit_test(writer_thread_failure_is_reported),
	};

	umask(022);
	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
