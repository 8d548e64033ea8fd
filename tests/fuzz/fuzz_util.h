/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_util.h: shared by the fuzz targets. Inputs that the library reads
 * by path are written to files in one private temporary directory per
 * process, removed at exit. A property that does not hold aborts, which
 * libFuzzer reports as a crash with the input saved.
 */
#ifndef PAYROLL_FUZZ_UTIL_H
#define PAYROLL_FUZZ_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_ASSERT(cond, ...)                                              \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "property failed: %s: ", #cond);    \
			fprintf(stderr, __VA_ARGS__);                       \
			fprintf(stderr, "\n");                              \
			abort();                                            \
		}                                                           \
	} while (0)

static char fuzz_dir[256];

static inline void
fuzz_cleanup(void)
{
	DIR *d;
	struct dirent *e;
	char p[512];

	if (!fuzz_dir[0] || !(d = opendir(fuzz_dir)))
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", fuzz_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(fuzz_dir);
}

/* The process's temporary directory, made on first use. */
static inline const char *
fuzz_tmpdir(void)
{
	const char *base;

	if (fuzz_dir[0])
		return fuzz_dir;
	base = getenv("TMPDIR");
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/payroll-fuzz-XXXXXX", base);
	if (!mkdtemp(fuzz_dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* Path of name in the temporary directory (a static buffer per slot). */
static inline const char *
fuzz_path(int slot, const char *name)
{
	static char paths[8][512];

	snprintf(paths[slot], sizeof paths[slot], "%s/%s", fuzz_tmpdir(), name);
	return paths[slot];
}

/* Write data to the file; aborts when it cannot (not the input's fault). */
static inline void
fuzz_write(const char *path, const unsigned char *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t off = 0;

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0) {
			perror(path);
			abort();
		}
		off += (size_t)w;
	}
	close(fd);
}

#endif
