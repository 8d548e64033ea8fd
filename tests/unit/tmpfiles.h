/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tmpfiles.h: a unit test's scratch directory and small files in it.
 * Include after cmocka.h; define TMP_NAME (the directory's prefix) first.
 * tmp_setup/tmp_teardown are cmocka group fixtures (the directory is made
 * under /tmp and removed with all in it).
 */
#ifndef PAYROLL_TEST_TMPFILES_H
#define PAYROLL_TEST_TMPFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

/* DIR/name; the path stays valid for the next 7 calls of tmp or put. */
static __attribute__((unused)) const char *
tmp(const char *name)
{
	static char path[8][128];
	static int k;
	char *p = path[k++ % 8];

	assert_true(snprintf(p, 128, "%s/%s", dir, name) < 128);
	return p;
}

/* Write text to path. */
static __attribute__((unused)) void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Write text to DIR/name; returns its path (as tmp). */
static __attribute__((unused)) const char *
put(const char *name, const char *text)
{
	const char *p = tmp(name);

	put_file(p, text);
	return p;
}

static int
tmp_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/%s.XXXXXX", TMP_NAME);
	return mkdtemp(dir) ? 0 : -1;
}

static int
tmp_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
