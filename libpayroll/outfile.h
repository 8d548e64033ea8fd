/* SPDX-License-Identifier: Apache-2.0 */
/*
 * outfile.h: every output file is written here, atomically.
 *
 * payroll_outfile_open() creates a temporary file beside the target (same
 * directory, so rename is atomic); writes are buffered; commit flushes,
 * fsyncs, renames over the target and fsyncs the directory. abort (or any
 * failure) unlinks the temporary file, so no partial output survives. A
 * path ending in ".gz" is written gzip-compressed through zlib. The path
 * "-" writes to standard output (not atomic; nothing to rename).
 *
 * The temporary file is an O_TMPFILE file where the filesystem has them
 * (Linux): it has no name until commit links it as ".NAME.tmp-PID-XXXXXX"
 * just before the rename, so a process killed while writing leaves
 * nothing. Elsewhere it is created under that name, and a killed process
 * leaves it behind until the next open of NAME removes it: a file of that
 * pattern, regular, ours, whose PID is no process (or a zombie) and that
 * has not changed for 10 minutes (it might be a writer's on another host
 * sharing the directory). PAYROLL_TEST_NO_TMPFILE in the environment
 * forces the named file (for tests). Never NAME half written.
 *
 * An output path that is a symbolic link is refused (PAYROLL_EUSAGE, code
 * "symlink"): writing through it would replace the file it points to.
 */
#ifndef PAYROLL_OUTFILE_H
#define PAYROLL_OUTFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct payroll_outfile;

/* The UTF-8 byte order mark: the CSV files meant for people (rejects,
 * disclosure list, changes, report) begin with it when asked (--bom), so
 * that Excel on Chinese Windows reads them as UTF-8, not as GBK. */
#define PAYROLL_UTF8_BOM "\xEF\xBB\xBF"

/* Flags for payroll_outfile_open. */
#define PAYROLL_OUT_NOGZIP 0x1	/* never compress, even for ".gz" */
#define PAYROLL_OUT_PRIVATE 0x2	/* mode 0600 instead of 0644 (umask applies);
				 * the buffers are wiped when o is freed */
#define PAYROLL_OUT_EXCL 0x4	/* never replace: the file must not exist (not
				 * even as a dangling symlink); commit links
				 * the complete file into place with link(2) */

/*
 * Start writing path. Returns 0 and *out, or with err filled: PAYROLL_EIO,
 * PAYROLL_ENOMEM, PAYROLL_EUSAGE (a directory, a symbolic link, a path
 * too long; "-" with PAYROLL_OUT_EXCL), PAYROLL_EEXIST (code "exists":
 * PAYROLL_OUT_EXCL and path exists). The handle must be ended by commit
 * or abort.
 */
int payroll_outfile_open(struct payroll_outfile **out, const char *path,
			 unsigned flags, struct payroll_error *err);

/* Append n bytes. 0, or PAYROLL_EIO with the error kept for commit. */
int payroll_outfile_write(struct payroll_outfile *o, const void *buf,
			  size_t n);
int payroll_outfile_puts(struct payroll_outfile *o, const char *s);

/* Bytes handed to write so far (before compression). */
off_t payroll_outfile_size(const struct payroll_outfile *o);

/* The target path as given to open. */
const char *payroll_outfile_path(const struct payroll_outfile *o);

/*
 * Finish: flush, fsync, rename into place, fsync the directory; frees o.
 * Returns 0, or PAYROLL_EIO with err filled (the temporary file removed
 * and the target untouched), or PAYROLL_EEXIST (code "exists") when an
 * output opened with PAYROLL_OUT_EXCL has appeared since it was opened
 * (it is left as it is).
 */
int payroll_outfile_commit(struct payroll_outfile *o,
			   struct payroll_error *err);

/*
 * Commit several outputs as one: every one is flushed, synced and closed
 * first, and only when all of that succeeded are they renamed into place
 * (renames within a directory do not fail once the files exist; if one
 * does, those already renamed are removed). NULL entries are skipped.
 * Frees every handle and sets the entries to NULL, on success or not.
 * Returns 0 or, with err filled, PAYROLL_EIO or PAYROLL_EEXIST (as
 * payroll_outfile_commit), and then no target changed except as said.
 */
int payroll_outfile_commit_all(struct payroll_outfile **o, size_t n,
			       struct payroll_error *err);

/* Give up: remove the temporary file, free o. NULL is allowed. */
void payroll_outfile_abort(struct payroll_outfile *o);

/*
 * Flush and open what was written so far for reading (a new descriptor
 * the caller closes). Only for plain files: PAYROLL_EUSAGE for standard
 * output or gzip. Returns the descriptor, or a negative PAYROLL_E*.
 */
int payroll_outfile_readback(struct payroll_outfile *o,
			     struct payroll_error *err);

/*
 * Write again from offset at of a plain file (one that readback can
 * reopen): what was written from at on is overwritten by later writes,
 * and the file ends where they end. The caller reads back (readback)
 * what it keeps ahead of where it writes it. 0, or PAYROLL_EIO with the
 * error kept for commit.
 */
int payroll_outfile_rewrite_from(struct payroll_outfile *o, off_t at);
/* 1 when o writes a plain file that readback can reopen. */
int payroll_outfile_can_readback(const struct payroll_outfile *o);

/*
 * Refuse, before anything is written, outputs that would destroy an input
 * or each other. in and out are lists of paths (NULL entries skipped; "-"
 * is standard input or output). Returns 0, or PAYROLL_EUSAGE with err
 * naming both files (code "same-file") when:
 *   - an output is the same regular file as an input (device and inode:
 *     a hard link or another spelling is caught, not only an equal name);
 *   - two outputs are the same file: equal paths, one existing regular
 *     file, or one new name in one directory (devices such as /dev/null
 *     may be shared);
 *   - "-" is given for two outputs;
 * or (code "symlink") when an output is a symbolic link.
 */
int payroll_outfile_check_paths(const char *const *in, size_t nin,
				const char *const *out, size_t nout,
				struct payroll_error *err);

/*
 * PAYROLL_EUSAGE (code "symlink", err filled) when path is a symbolic
 * link, else 0. Outputs are never written through a link: open refuses
 * one, and commit's rename replaces a link planted later instead of
 * following it. For writers that do not use payroll_outfile_open.
 */
int payroll_outfile_refuse_symlink(const char *path, struct payroll_error *err);

/*
 * Split path into its directory ("." when it has none, "/" for the root)
 * and *base, the part after the last slash (inside path). Returns 0, or
 * -1 when the directory does not fit in dirn bytes.
 */
int payroll_path_split(const char *path, char *dir, size_t dirn, const char **base);

/*
 * a followed by b (no separator added) into out, n bytes. Returns 0, or
 * PAYROLL_EUSAGE (code "usage", "path too long", naming a).
 */
int payroll_path_join(char *out, size_t n, const char *a, const char *b,
		      struct payroll_error *err);

/* fsync the directory holding path (after a rename into it). */
int payroll_fsync_dir_of(const char *path, struct payroll_error *err);

#endif
