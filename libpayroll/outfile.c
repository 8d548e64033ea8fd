/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE 1	/* O_TMPFILE (Linux) */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "handover.h"
#include "banned.h"

#define OUT_BUFSIZE (256 * 1024)
/* Blocks a writer thread may hold, written or waiting: room for the
 * caller to fill several while the thread waits for a core (with three
 * busy threads on two cores it often does, a few milliseconds at a time). */
#define WRITER_BLOCKS 8
/* A file that grows past this many bytes gets a writer thread. */
#define THREAD_AFTER (1024 * 1024)
/* A temporary file of a dead process is removed once untouched this long
 * (seconds): it may belong to a writer on another host sharing the
 * directory, whose process ids mean nothing here. */
#define STALE_AGE (10 * 60)

struct payroll_outfile {
	char path[PAYROLL_PATH_MAX];
	char tmp[PAYROLL_PATH_MAX];
	int fd;
	int is_stdout;		/* 1 stdout, 2 another non-regular file */
	int anon;		/* O_TMPFILE: no name until commit links one */
	int named;		/* tmp names a file of ours (unlink it on failure) */
	int failed_errno;	/* first write error, reported at commit */
	int excl;		/* PAYROLL_OUT_EXCL: link(2) into place, never replace */
	int secret;		/* PAYROLL_OUT_PRIVATE: wipe the buffers when freed */
	int rewritten;		/* rewrite_from: truncate to size at commit */
	off_t size;
	z_stream z;
	int gzip;
	struct writer *w;	/* NULL until the file is big (THREAD_AFTER) */
	size_t len;
	unsigned char *buf;	/* being filled: space, or the writer's block */
	unsigned char space[OUT_BUFSIZE];
	unsigned char zbuf[OUT_BUFSIZE];
};

/*
 * The writer thread of a big output: while the caller fills o->buf, the
 * thread writes (and compresses) the blocks handed over before, in order,
 * through a hand-over of WRITER_BLOCKS slots (handover.h): slot i's
 * block[i] and n[i] are the thread's from take to release, the caller's
 * otherwise. The thread alone touches fd, z and zbuf while it holds a
 * block. A failed write ends the thread with its errno in err, which the
 * caller reads once a wait has said so.
 */
struct writer {
	struct payroll_handover *h;
	unsigned char *block[WRITER_BLOCKS];	/* handed over, or free for a swap */
	size_t n[WRITER_BLOCKS];
	int err;		/* the failed write's errno */
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int
payroll_path_split(const char *path, char *dir, size_t dirn, const char **base)
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

int
payroll_path_join(char *out, size_t n, const char *a, const char *b,
		  struct payroll_error *err)
{
	int r = snprintf(out, n, "%s%s", a, b);

	if (r < 0 || (size_t)r >= n)
		return payroll_error_set(err, PAYROLL_EUSAGE, a, 0, 0, "usage",
					 "path too long");
	return 0;
}

/* 1 when name is ".BASE.tmp-PID-XXXXXX" with digits for PID; *pid then. */
static int
temp_name_of(const char *name, const char *base, long *pid)
{
	size_t n = strlen(base);
	char *end;

	if (name[0] != '.' || strncmp(name + 1, base, n) || strncmp(name + 1 + n, ".tmp-", 5))
		return 0;
	name += 1 + n + 5;
	if (*name < '0' || *name > '9')
		return 0;
	*pid = strtol(name, &end, 10);
	return *pid > 0 && *end == '-' && strlen(end + 1) == 6;
}

/* 1 when process pid is no more, or a zombie (it writes nothing again). */
static int
process_gone(long pid)
{
	char path[40], buf[256], *p;
	ssize_t n;
	int fd;

	if (pid > INT_MAX || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
		return pid <= INT_MAX;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* "PID (COMM) STATE ...", COMM may hold ')' */
	return p && p[1] == ' ' && p[2] == 'Z';
}

/*
 * Remove what killed writers of BASE left in dir: files named by our
 * pattern ".BASE.tmp-PID-XXXXXX", regular, ours (same user), whose PID is
 * no process here (or a zombie), untouched for STALE_AGE. Anything else is kept:
 * a live process's file, another user's, a name of another pattern.
 * Best effort: a failure here only leaves a file behind.
 */
static void
sweep_stale(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	long pid;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!temp_name_of(e->d_name, base, &pid) || pid == (long)getpid())
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    now - st.st_mtime < STALE_AGE)
			continue;
		if (process_gone(pid))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* Our temporary name beside the target, "DIR/.BASE.tmp-PID-XXXXXX"; with
 * random, the X replaced (for linkat, which has no mkstemp). */
static int
temp_name(struct payroll_outfile *o, const char *dir, const char *base, int random)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	unsigned char r[6];
	size_t len;
	int n, i;

	n = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp-%ld-XXXXXX", dir, base, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof o->tmp)
		return -1;
	if (random) {
		if (getentropy(r, sizeof r) != 0)
			return -1;
		len = (size_t)n;
		for (i = 0; i < 6; i++)
			o->tmp[len - 6 + (size_t)i] = digits[r[i] % (sizeof digits - 1)];
	}
	return 0;
}

/*
 * The file being written. Where the filesystem has O_TMPFILE it has no
 * name at all until commit (a killed process leaves nothing); elsewhere a
 * named temporary file, which sweep_stale removes after its writer died.
 */
static int
open_temp(struct payroll_outfile *o, const char *dir, const char *base,
	  struct payroll_error *err)
{
	if (temp_name(o, dir, base, 0))
		return payroll_error_set(err, PAYROLL_EIO, o->path, 0, 0, "io", "path too long");
#ifdef O_TMPFILE
	if (!getenv("PAYROLL_TEST_NO_TMPFILE") && access("/proc/self/fd", X_OK) == 0) {
		o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (o->fd >= 0) {
			o->anon = 1;
			return 0;
		}
	}
#endif
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, o->path, "cannot create output file");
	o->named = 1;
	return 0;
}

/* Give an O_TMPFILE file its temporary name, at commit. */
static int
link_anon(struct payroll_outfile *o)
{
	char proc[40], dir[PAYROLL_PATH_MAX];
	const char *base;
	int tries;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
	if (payroll_path_split(o->path, dir, sizeof dir, &base)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (tries = 0; tries < 100; tries++) {
		if (temp_name(o, dir, base, 1))
			return -1;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0) {
			o->named = 1;
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

int
payroll_outfile_open(struct payroll_outfile **out, const char *path,
		     unsigned flags, struct payroll_error *err)
{
	struct payroll_outfile *o;
	char dir[PAYROLL_PATH_MAX];
	const char *base;
	struct stat st;
	int rc;

	*out = NULL;
	o = calloc(1, sizeof *o);
	if (!o)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate output buffer");
	o->buf = o->space;
	if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path) {
		free(o);
		return payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io", "path too long");
	}
	o->fd = -1;
	o->excl = !!(flags & PAYROLL_OUT_EXCL);
	o->secret = !!(flags & PAYROLL_OUT_PRIVATE);
	if (o->excl && !strcmp(path, "-")) {
		free(o);
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
					 "a new file is needed, not standard output");
	}
	if (o->excl && lstat(path, &st) == 0) {
		free(o);
		return payroll_error_set(err, PAYROLL_EEXIST, path, 0, 0, "exists",
					 "already exists; not overwriting it");
	}
	if (!strcmp(path, "-")) {
		o->is_stdout = 1;
		o->fd = STDOUT_FILENO;
	} else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		/* /dev/null, a FIFO, a terminal: written directly, never replaced */
		if (S_ISDIR(st.st_mode)) {
			free(o);
			return payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io",
						 "is a directory, not a file");
		}
		o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
		if (o->fd < 0) {
			payroll_error_errno(err, PAYROLL_EIO, path, "cannot open output");
			free(o);
			return PAYROLL_EIO;
		}
		o->is_stdout = 2;
	} else {
		if ((rc = payroll_outfile_refuse_symlink(path, err)) != 0) {
			free(o);
			return rc;
		}
		if (payroll_path_split(path, dir, sizeof dir, &base) || !*base) {
			free(o);
			return payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io", "not a file path");
		}
		sweep_stale(dir, base);
		if ((rc = open_temp(o, dir, base, err)) != 0) {
			free(o);
			return rc;
		}
		if (!(flags & PAYROLL_OUT_PRIVATE)) {
			mode_t mask = umask(0);

			umask(mask);
			if (fchmod(o->fd, 0666 & ~mask) != 0) {
				payroll_error_errno(err, PAYROLL_EIO, path, "cannot set mode of output file");
				payroll_outfile_abort(o);
				return PAYROLL_EIO;
			}
		}
	}
	if (!(flags & PAYROLL_OUT_NOGZIP) && ends_with(path, ".gz")) {
		o->gzip = 1;
		/* windowBits 15 + 16: gzip wrapper; no name or time in the
		 * header, so equal inputs give equal bytes. */
		if (deflateInit2(&o->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16,
				 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			o->gzip = 0;
			payroll_outfile_abort(o);
			return payroll_error_set(err, PAYROLL_ENOMEM, path, 0, 0, "no-memory",
						 "cannot start gzip compression");
		}
	}
	*out = o;
	return 0;
}

/* Write n bytes of p to o's file: 0 or an errno value. */
static int
write_all(struct payroll_outfile *o, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write n bytes of p, compressed when o is gzip (final ends the stream):
 * 0 or an errno value. The writer thread's work, or the caller's. */
static int
put_block(struct payroll_outfile *o, const unsigned char *p, size_t n, int final)
{
	int zr, e;

	if (!o->gzip)
		return write_all(o, p, n);
	o->z.next_in = (unsigned char *)p;
	o->z.avail_in = (uInt)n;
	do {
		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof o->zbuf;
		zr = deflate(&o->z, final ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR)
			return EIO;
		if ((e = write_all(o, o->zbuf, sizeof o->zbuf - o->z.avail_out)) != 0)
			return e;
	} while (o->z.avail_out == 0 || (final && zr != Z_STREAM_END));
	return 0;
}

/* The thread: write each block handed over until the output is done
 * with it or a write fails. */
static int
writer_main(struct payroll_handover *h, void *arg)
{
	struct payroll_outfile *o = arg;
	struct writer *w = o->w;
	unsigned slot;

	while (payroll_handover_take(h, &slot) == 0) {
		if ((w->err = put_block(o, w->block[slot], w->n[slot], 0)) != 0)
			return PAYROLL_EIO;
		payroll_handover_release(h);
	}
	return 0;
}

/* Free w and its blocks (wiped first when o is secret). */
static void
free_writer(const struct payroll_outfile *o, struct writer *w)
{
	int i;

	for (i = 0; i < WRITER_BLOCKS; i++) {
		if (o->secret && w->block[i])
			explicit_bzero(w->block[i], OUT_BUFSIZE);
		free(w->block[i]);
	}
	free(w);
}

/* Start o's writer thread; on any failure o just goes on writing itself. */
static void
start_writer(struct payroll_outfile *o)
{
	struct writer *w = calloc(1, sizeof *w);
	int i;

	if (!w)
		return;
	for (i = 0; i < WRITER_BLOCKS; i++)
		if (!(w->block[i] = malloc(OUT_BUFSIZE))) {
			free_writer(o, w);
			return;
		}
	o->w = w;
	if (payroll_handover_start(&w->h, WRITER_BLOCKS, writer_main, o) != 0) {
		o->w = NULL;
		free_writer(o, w);
	}
}

/* rc, from a wait on the writer, is its failure: it becomes o's.
 * 0 or PAYROLL_EIO. */
static int
writer_failed(struct payroll_outfile *o, int rc)
{
	if (rc == 0)
		return 0;
	if (!o->failed_errno)
		o->failed_errno = o->w->err ? o->w->err : EIO;
	return PAYROLL_EIO;
}

/* Wait until the writer has written every block handed over; its error
 * becomes o's. 0 or PAYROLL_EIO. */
static int
drain(struct payroll_outfile *o)
{
	if (!o->w)
		return 0;
	return writer_failed(o, payroll_handover_drain(o->w->h));
}

/* Let the writer write what was handed over and end it; o->buf is
 * o->space again (its bytes kept). NULL writer allowed. */
static void
stop_writer(struct payroll_outfile *o)
{
	struct writer *w = o->w;

	if (!w)
		return;
	writer_failed(o, payroll_handover_stop(w->h));
	if (o->buf != o->space) {	/* o->space is one of the blocks now */
		int i;

		memcpy(o->space, o->buf, o->len);
		for (i = 0; i < WRITER_BLOCKS; i++)
			if (w->block[i] == o->space)
				w->block[i] = o->buf;
		o->buf = o->space;
	}
	free_writer(o, w);
	o->w = NULL;
}

/* Hand the full o->buf to the writer and take the free block of the next
 * slot to fill (waiting only when every slot is the writer's). */
static int
hand_over(struct payroll_outfile *o)
{
	struct writer *w = o->w;
	unsigned char *b;
	unsigned slot;
	int rc = payroll_handover_put_wait(w->h, &slot);

	if (rc == 0) {	/* the slot's block was written: free again */
		b = w->block[slot];
		w->block[slot] = o->buf;
		w->n[slot] = o->len;
		o->buf = b;
		payroll_handover_put(w->h);
	}
	o->len = 0;
	return writer_failed(o, rc);
}

/* Write out o->buf: by the writer thread (started once the file is big)
 * or, final (the gzip end) or not, here. */
static int
flush_buf(struct payroll_outfile *o, int final)
{
	int e;

	if (o->failed_errno)
		return PAYROLL_EIO;
	if (!final && !o->w && o->size >= THREAD_AFTER)
		start_writer(o);
	if (!final && o->w)
		return hand_over(o);
	if ((e = drain(o)) != 0)
		return e;
	e = put_block(o, o->buf, o->len, final);
	o->len = 0;
	if (e) {
		o->failed_errno = e;
		return PAYROLL_EIO;
	}
	return 0;
}

/* Everything written so far is in the file (no block pending). */
static int
flush_all(struct payroll_outfile *o)
{
	return flush_buf(o, 0) || drain(o) ? PAYROLL_EIO : 0;
}

int
payroll_outfile_write(struct payroll_outfile *o, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (o->failed_errno)
		return PAYROLL_EIO;
	o->size += (off_t)n;
	while (n) {
		size_t room = OUT_BUFSIZE - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
		if (o->len == OUT_BUFSIZE && flush_buf(o, 0))
			return PAYROLL_EIO;
	}
	return 0;
}

int
payroll_outfile_puts(struct payroll_outfile *o, const char *s)
{
	return payroll_outfile_write(o, s, strlen(s));
}

off_t
payroll_outfile_size(const struct payroll_outfile *o)
{
	return o->size;
}

const char *
payroll_outfile_path(const struct payroll_outfile *o)
{
	return o->path;
}

int
payroll_outfile_can_readback(const struct payroll_outfile *o)
{
	return !o->is_stdout && !o->gzip;
}

int
payroll_outfile_rewrite_from(struct payroll_outfile *o, off_t at)
{
	if (!payroll_outfile_can_readback(o) && !o->failed_errno)
		o->failed_errno = EINVAL;
	if (flush_all(o))
		return PAYROLL_EIO;
	if (lseek(o->fd, at, SEEK_SET) < 0) {
		o->failed_errno = errno;
		return PAYROLL_EIO;
	}
	o->size = at;
	o->rewritten = 1;
	return 0;
}

int
payroll_outfile_readback(struct payroll_outfile *o, struct payroll_error *err)
{
	int fd;

	if (!payroll_outfile_can_readback(o))
		return payroll_error_set(err, PAYROLL_EUSAGE, o->path, 0, 0, "usage",
					 "cannot read back standard output or gzip");
	if (flush_all(o)) {
		errno = o->failed_errno;
		return payroll_error_errno(err, PAYROLL_EIO, o->path, "cannot write output file");
	}
	if (o->anon) {
		char proc[40];

		snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
		fd = open(proc, O_RDONLY | O_CLOEXEC);
	} else {
		fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, o->path, "cannot reopen output file");
	return fd;
}

int
payroll_fsync_dir_of(const char *path, struct payroll_error *err)
{
	char dir[PAYROLL_PATH_MAX];
	const char *base;
	int fd, rc = 0;

	if (payroll_path_split(path, dir, sizeof dir, &base))
		return payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io", "path too long");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return payroll_error_errno(err, PAYROLL_EIO, dir, "cannot open directory");
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = payroll_error_errno(err, PAYROLL_EIO, dir, "cannot sync directory");
	close(fd);
	return rc;
}

/* Flush, sync and close: every step of a commit that can fail for want
 * of space or a device error. 0, or PAYROLL_EIO with o aborted. */
static int
finish(struct payroll_outfile *o, struct payroll_error *err)
{
	if (flush_buf(o, 1) == 0)
		stop_writer(o);
	if (!o->failed_errno && !o->is_stdout) {
		if (o->rewritten && ftruncate(o->fd, o->size) != 0)
			o->failed_errno = errno;
		if (fsync(o->fd) != 0 && !o->failed_errno)
			o->failed_errno = errno;
		if (o->anon && !o->failed_errno && link_anon(o) != 0)
			o->failed_errno = errno;
		if (close(o->fd) != 0 && !o->failed_errno)
			o->failed_errno = errno;
		o->fd = -1;
	}
	if (o->failed_errno) {
		errno = o->failed_errno;
		payroll_error_errno(err, PAYROLL_EIO, o->path, "cannot write output file");
		payroll_outfile_abort(o);
		return PAYROLL_EIO;
	}
	return 0;
}

/* Free o (its file already dealt with), wiping what a secret left. */
static void
release(struct payroll_outfile *o)
{
	stop_writer(o);
	if (o->gzip)
		deflateEnd(&o->z);
	if (o->secret)
		explicit_bzero(o, sizeof *o);
	free(o);
}

/* Put o's finished temporary file in place: rename over the target, or
 * with excl link beside it (failing when the target exists). */
static int
place(struct payroll_outfile *o, struct payroll_error *err)
{
	if (!o->excl) {
		if (rename(o->tmp, o->path) == 0)
			return 0;
	} else if (link(o->tmp, o->path) == 0) {
		return 0;
	} else if (errno == EEXIST) {
		return payroll_error_set(err, PAYROLL_EEXIST, o->path, 0, 0, "exists",
					 "already exists; not overwriting it");
	}
	return payroll_error_errno(err, PAYROLL_EIO, o->path, "cannot rename output into place");
}

int
payroll_outfile_commit_all(struct payroll_outfile **o, size_t n,
			   struct payroll_error *err)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (o[i] && rc == 0 && (rc = finish(o[i], err)) != 0)
			o[i] = NULL;	/* finish aborted it */
	for (i = 0; i < n && rc == 0; i++) {
		if (!o[i] || o[i]->is_stdout)
			continue;
		if ((rc = place(o[i], err)) != 0) {
			for (j = 0; j < i; j++)
				if (o[j] && !o[j]->is_stdout)
					unlink(o[j]->path);
			break;
		}
	}
	for (i = 0; i < n && rc == 0; i++)
		if (o[i] && !o[i]->is_stdout)
			rc = payroll_fsync_dir_of(o[i]->path, err);
	for (i = 0; i < n; i++) {
		if (!o[i])
			continue;
		if ((rc || o[i]->excl) && o[i]->named)
			unlink(o[i]->tmp);	/* those not renamed, and linked ones' */
		if (o[i]->is_stdout == 2)
			close(o[i]->fd);
		release(o[i]);
		o[i] = NULL;
	}
	return rc;
}

int
payroll_outfile_commit(struct payroll_outfile *o, struct payroll_error *err)
{
	return payroll_outfile_commit_all(&o, 1, err);
}

void
payroll_outfile_abort(struct payroll_outfile *o)
{
	if (!o)
		return;
	stop_writer(o);	/* before its descriptor is closed */
	if (o->is_stdout == 2)
		close(o->fd);
	if (!o->is_stdout) {
		if (o->fd >= 0)
			close(o->fd);
		if (o->named)
			unlink(o->tmp);
	}
	release(o);
}

int
payroll_outfile_refuse_symlink(const char *path, struct payroll_error *err)
{
	struct stat st;

	if (strcmp(path, "-") && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "symlink",
					 "output is a symbolic link; refusing to write through it "
					 "(remove it or name the file it points to)");
	return 0;
}

/* What names an output or input: the file when it exists, else the
 * directory it would be created in plus its last component. */
struct ident {
	const char *path;
	int exists, regular;
	dev_t dev;
	ino_t ino;
	const char *base;
};

static void
identify(struct ident *id, const char *path)
{
	char dir[PAYROLL_PATH_MAX];
	struct stat st;

	memset(id, 0, sizeof *id);
	id->path = path;
	if (stat(path, &st) == 0) {
		id->exists = 1;
		id->regular = S_ISREG(st.st_mode);
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	} else if (errno == ENOENT && !payroll_path_split(path, dir, sizeof dir, &id->base) &&
		   stat(dir, &st) == 0) {
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	} else {
		id->base = NULL;	/* unknown: compared by name only */
	}
}

/* 1 when a and b are one file that writing one would destroy the other
 * through: the same path, or the same regular file (a hard link, another
 * spelling), or the same new name in the same directory. Devices, FIFOs
 * and the like (/dev/null for two outputs) may be shared. */
static int
same_file(const struct ident *a, const struct ident *b)
{
	if (a->exists && b->exists)
		return (a->regular || b->regular) && a->dev == b->dev && a->ino == b->ino;
	if (a->exists || b->exists)
		return 0;
	if (a->base && b->base)
		return a->dev == b->dev && a->ino == b->ino && !strcmp(a->base, b->base);
	return !strcmp(a->path, b->path);
}

int
payroll_outfile_check_paths(const char *const *in, size_t nin,
			    const char *const *out, size_t nout,
			    struct payroll_error *err)
{
	struct ident a, b;
	size_t i, j;
	int rc;

	for (i = 0; i < nout; i++) {
		if (!out[i])
			continue;
		if (!strcmp(out[i], "-")) {
			for (j = i + 1; j < nout; j++)
				if (out[j] && !strcmp(out[j], "-"))
					return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0,
								 "same-file",
								 "standard output ('-') given for two outputs");
			continue;
		}
		if ((rc = payroll_outfile_refuse_symlink(out[i], err)) != 0)
			return rc;
		identify(&a, out[i]);
		for (j = 0; j < nin; j++) {
			if (!in[j] || !strcmp(in[j], "-"))
				continue;
			identify(&b, in[j]);
			if (b.exists && a.exists && same_file(&a, &b))
				return payroll_error_set(err, PAYROLL_EUSAGE, out[i], 0, 0, "same-file",
							 "output is the same file as input %s; "
							 "refusing to overwrite an input", in[j]);
		}
		for (j = i + 1; j < nout; j++) {
			if (!out[j] || !strcmp(out[j], "-"))
				continue;
			identify(&b, out[j]);
			if (same_file(&a, &b))
				return payroll_error_set(err, PAYROLL_EUSAGE, out[i], 0, 0, "same-file",
							 "given for two outputs (also as %s); "
							 "one would replace the other", out[j]);
		}
	}
	return 0;
}
