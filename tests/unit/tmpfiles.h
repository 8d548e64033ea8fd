/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tmpfiles.h: a unit test's scratch directory and small files in it.
 * Include after cmocka.h; define TMP_NAME (the directory's prefix) first.
 * tmp_setup/tmp_teardown are cmocka group fixtures.
 */
#ifndef PAYROLL_TEST_TMPFILES_H
#define PAYROLL_TEST_TMPFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

/* Write text to DIR/name; the path stays valid for the next 7 calls. */
static const char *
put(const char *name, const char *text)
{
	static char path[8][128];
	static int k;
	char *p = path[k++ % 8];
	FILE *f;

	snprintf(p, 128, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
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
