/* SPDX-License-Identifier: Apache-2.0 */
/* The floor of `payroll calc`: what its own input and output cost with no
 * work in between. A bare libcsv parse of the roster (as csvparse.c) and,
 * as the parse goes, writing BYTES bytes (the ledger's size) to OUT in
 * 256 KiB blocks, then fsync, as outfile.c does.
 *   cc -O2 floor.c -lcsv; floor ROSTER OUT BYTES */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (256 * 1024)

static void field(void *s, size_t n, void *d) { (void)s; (void)n; ++*(size_t *)d; }
static void row(int c, void *d) { (void)c; ++((size_t *)d)[1]; }

/* Write blocks until `done` bytes of the output are out. */
static int
write_upto(int fd, const char *block, long long *written, long long done)
{
	while (*written < done) {
		long long n = done - *written < BLOCK ? done - *written : BLOCK;

		if (write(fd, block, (size_t)n) != n)
			return -1;
		*written += n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char buf[64 * 1024], block[BLOCK];
	struct csv_parser p;
	size_t counts[2] = { 0, 0 }, n;
	long long total, in_size, in_done = 0, written = 0;
	struct stat st;
	FILE *f;
	int fd;

	if (argc != 4 || !(f = fopen(argv[1], "rb")) || fstat(fileno(f), &st))
		return 2;
	total = atoll(argv[3]);
	in_size = st.st_size > 0 ? st.st_size : 1;
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	memset(block, 'x', sizeof block);
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (csv_parse(&p, buf, n, field, row, counts) != n)
			return 1;
		in_done += (long long)n;
		/* the output keeps pace with the input, as calc's does */
		if (write_upto(fd, block, &written, total / in_size * in_done +
			       total % in_size * in_done / in_size))
			return 1;
	}
	csv_fini(&p, field, row, counts);
	csv_free(&p);
	if (write_upto(fd, block, &written, total) || fsync(fd) || close(fd))
		return 1;
	printf("%zu rows %zu fields, %lld bytes written\n", counts[1], counts[0], written);
	return 0;
}
