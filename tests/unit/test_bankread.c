/* SPDX-License-Identifier: Apache-2.0 */
/* bankread: the streamed readers give the same transfers, problems and
 * totals whatever the chunk the file is read in (1 byte up: records, GBK
 * characters and XML cut at every place), for every reader and for
 * corrupted copies; a record too long is refused, not held. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bankread.h"
#include "buf.h"
#include "error.h"

static char dir[256];

static const char *
fixture(const char *rel)
{
	static char path[4][512];
	static int i;
	const char *f = getenv("FIXTURES");

	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s/%s", f ? f : "fixtures", rel);
	return path[i];
}

static void
on_problem(void *ctx, const struct payroll_error *e)
{
	struct payroll_buf *b = ctx;

	payroll_buf_addf(b, "%ld: %s: %s\n", e->line, e->code, e->message);
}

static int
on_transfer(void *ctx, const struct payroll_bank_transfer *t)
{
	struct payroll_buf *b = ctx;

	payroll_buf_addf(b, "%ld ", t->record);
	return payroll_bank_transfer_csv(b, t);
}

/* Everything a read gives, as text: the transfers, the problems, the info. */
static int
read_all(const char *path, const char *layout, size_t chunk, struct payroll_buf *out)
{
	struct payroll_buf probs = { 0 };
	struct payroll_problems p = { .path = path, .diag = on_problem, .ctx = &probs, .all = 1 };
	struct payroll_bankread_opts o = { layout, chunk, NULL };
	struct payroll_bankread_info info;
	struct payroll_error err;
	int rc;

	memset(&err, 0, sizeof err);
	out->len = 0;
	rc = payroll_bankread_opts(path, &o, on_transfer, out, &p, &info, &err);
	if (rc == 0)
		payroll_buf_addf(out, "%s %s %ld %lld %d\n%s", info.format, info.period, info.count,
				 (long long)info.total, p.count, payroll_buf_str(&probs));
	else
		payroll_buf_addf(out, "error %d %s\n", rc, err.code);
	payroll_buf_release(&probs);
	return rc;
}

static void
same_at_every_chunk(const char *path, const char *layout, int want_problems)
{
	static const size_t chunks[] = { 1, 2, 3, 4, 5, 7, 11, 64, 157, 158, 159, 160, 4096 };
	struct payroll_buf want = { 0 }, got = { 0 };
	size_t i;

	assert_int_equal(read_all(path, layout, 0, &want), 0);
	assert_true(want.len > 0);
	if (want_problems)
		assert_non_null(strstr(want.p, want_problems > 1 ? ": duplicate-seq" : ": "));
	for (i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		assert_int_equal(read_all(path, layout, chunks[i], &got), 0);
		if (strcmp(want.p, got.p) != 0)
			fail_msg("%s at chunk %zu:\n%s\nwant:\n%s", path, chunks[i], got.p, want.p);
	}
	payroll_buf_release(&want);
	payroll_buf_release(&got);
}

/* XML not well formed: bad-xml whatever the chunk, and no count checked
 * (the transfers read before the error depend on libxml2's look-ahead). */
static void
broken_at_every_chunk(const char *path)
{
	struct payroll_buf got = { 0 };
	size_t chunk;

	for (chunk = 0; chunk <= 4096; chunk = chunk ? chunk * 2 : 1) {
		assert_int_equal(read_all(path, NULL, chunk, &got), 0);
		assert_non_null(strstr(got.p, ": bad-xml: the XML is not well formed\n"));
		assert_null(strstr(got.p, "control-"));
	}
	payroll_buf_release(&got);
}

static const char *
copy_changed(const char *from, const char *name, const char *find, const char *put)
{
	static char path[512];
	struct payroll_buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f = fopen(from, "rb");
	char *at;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		payroll_buf_add(&b, chunk, n);
	fclose(f);
	at = strstr(b.p, find);
	assert_non_null(at);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(b.p, 1, (size_t)(at - b.p), f);
	fputs(put, f);
	fputs(at + strlen(find), f);
	assert_int_equal(fclose(f), 0);
	payroll_buf_release(&b);
	return path;
}

static void
every_reader(void **state)
{
	(void)state;
	same_at_every_chunk(fixture("bank/golden/transfers.csv"), NULL, 0);
	same_at_every_chunk(fixture("bank/golden/transfers-fixed-gbk.txt"), NULL, 0);
	same_at_every_chunk(fixture("bank/golden/transfers-pain001.xml"), NULL, 0);
	same_at_every_chunk(fixture("bank/golden/transfers-gbk-fixed.txt"),
			    fixture("layouts/gbk-fixed-ctl.layout"), 0);
	same_at_every_chunk(fixture("bank/golden/transfers-pipe.txt"),
			    fixture("layouts/pipe-summary.layout"), 0);
	same_at_every_chunk(fixture("bank/golden/split-ABC.txt"), "fixed-gbk", 0);
}

static void
corrupted(void **state)
{
	const char *g = fixture("bank/golden/transfers-fixed-gbk.txt");

	(void)state;
	/* a record cut short: every later record is still read the same */
	same_at_every_chunk(copy_changed(g, "short.txt", "2024-03-C002", "2024-03-C02"), NULL, 1);
	/* the trailer and a serial changed */
	same_at_every_chunk(copy_changed(g, "seq.txt", "\r\nD00000002", "\r\nD00000001"),
			    NULL, 2);
	same_at_every_chunk(copy_changed(fixture("bank/golden/transfers-pain001.xml"), "sum.xml",
					 "<CtrlSum>6243.00</CtrlSum>", "<CtrlSum>1.00</CtrlSum>"),
			    NULL, 1);
	broken_at_every_chunk(copy_changed(fixture("bank/golden/transfers-pain001.xml"), "cut.xml",
					   "</Document>", ""));
	/* the header and the first record run together */
	same_at_every_chunk(copy_changed(fixture("bank/golden/transfers-pipe.txt"), "one.txt",
					 "\n", ""), fixture("layouts/pipe-summary.layout"), 1);
}

static void
too_long(void **state)
{
	struct payroll_buf out = { 0 };
	char path[512];
	FILE *f;
	size_t i;

	(void)state;
	snprintf(path, sizeof path, "%s/long.csv", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("seq,bank,account,account_name,amount,memo\n1,", f);
	for (i = 0; i < (17u << 20) / 64; i++)
		fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_all(path, NULL, 0, &out), PAYROLL_ENOMEM);
	assert_non_null(strstr(out.p, "too-big"));
	unlink(path);
	payroll_buf_release(&out);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s/test_bankread.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "short.txt", "seq.txt", "sum.xml", "cut.xml", "one.txt" };
	char path[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_reader),
		cmocka_unit_test(corrupted),
		cmocka_unit_test(too_long),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
