/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gbk_decode FILE: the baseline of bench/inspect.sh for fixed-gbk files.
 * A bare read of the file's bytes through iconv GBK -> UTF-8, 64 KiB at a
 * time (a character cut by a chunk carried over), each line's length
 * looked at once; prints the lines and UTF-8 bytes. What any reader of a
 * GBK bank file must do at the least.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	static char in[65536 + 8], out[65536 * 2 + 64];
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	iconv_t cd = iconv_open("UTF-8", "GBK");
	size_t have = 0, got, lines = 0, bytes = 0;

	if (!f || cd == (iconv_t)-1) {
		fprintf(stderr, "usage: gbk_decode FILE\n");
		return 2;
	}
	while ((got = fread(in + have, 1, 65536, f)) > 0 || have > 0) {
		char *ip = in, *op = out, *p;
		size_t il = have + got, ol = sizeof out;

		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL) {
			fprintf(stderr, "gbk_decode: not GBK at byte %zu\n", bytes);
			return 1;
		}
		for (p = out; (p = memchr(p, '\n', (size_t)(op - p))) != NULL; p++)
			lines++;
		bytes += (size_t)(op - out);
		if (got == 0 && il > 0)
			break;
		memmove(in, ip, il);
		have = il;
	}
	printf("%zu lines, %zu bytes of UTF-8\n", lines, bytes);
	iconv_close(cd);
	fclose(f);
	return 0;
}
