/* SPDX-License-Identifier: Apache-2.0 */
/* The run journal: append chains each line to the one before and signs
 * the file; verify names every break (edited, deleted or inserted lines,
 * a changed period, a missing signature) and the errors it cannot go on
 * from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "journal.h"
#include "manifest.h"

static char root[256];
static struct payroll_key *priv, *pub;

struct seen {
	int n;
	char codes[16][40];
	long lines[16];
};

static void
collect(void *ctx, const struct payroll_error *e)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->codes[s->n], sizeof s->codes[0], "%s", e->code);
		s->lines[s->n++] = e->line;
	}
}

static int
has(const struct seen *s, const char *code, long line)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->codes[i], code) && s->lines[i] == line)
			return 1;
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *
read_all(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A period directory as run leaves it: files, run.json, signed SHA256SUMS. */
static void
make_period(const char *period, long rows, const char *total_fen, char sums_hex[65])
{
	char dir[512], p1[600], p2[600], sums[600], json[256];
	char *files[2] = { p1, p2 };
	unsigned char md[32];
	struct payroll_error err;
	int i;

	snprintf(dir, sizeof dir, "%s/%s", root, period);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(p1, sizeof p1, "%s/ledger.csv", dir);
	snprintf(p2, sizeof p2, "%s/run.json", dir);
	write_file(p1, period);
	snprintf(json, sizeof json, "{\n  \"rows_paid\": %ld,\n  \"total_fen\": %s\n}\n", rows, total_fen);
	write_file(p2, json);
	assert_int_equal(payroll_sign_files(priv, files, 2, PAYROLL_SIGN_MANIFEST, &err), 0);
	snprintf(sums, sizeof sums, "%s/SHA256SUMS", dir);
	assert_int_equal(payroll_sha256_file(sums, md, &err), 0);
	for (i = 0; i < 32; i++)
		snprintf(sums_hex + 2 * i, 3, "%02x", md[i]);
}

static void
append(const char *period, long rows, int64_t total, const char *sums_hex)
{
	struct payroll_journal_entry e = { period, "2026-12-01T02:00:00Z", "0.1.0",
					   "roster=00;standards=11", sums_hex, rows, total };
	struct payroll_error err;

	assert_int_equal(payroll_journal_append(root, &e, NULL, priv, &err), 0);
}

static int
setup(void **state)
{
	char base[300], hex[65];
	struct payroll_error err;
	int rc;

	(void)state;
	snprintf(root, sizeof root, "%s/payroll-journal-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(base, sizeof base, "%s/key", root);
	rc = payroll_keygen(base, PAYROLL_SIG_ED25519, NULL, &err);
	snprintf(base, sizeof base, "%s/key.key", root);
	rc = rc ? rc : payroll_key_load(&priv, base, PAYROLL_KEY_PRIVATE, NULL, &err);
	snprintf(base, sizeof base, "%s/key.pub", root);
	rc = rc ? rc : payroll_key_load(&pub, base, PAYROLL_KEY_PUBLIC, NULL, &err);
	if (rc)
		return -1;
	make_period("2026-09", 3, "12345", hex);
	append("2026-09", 3, 12345, hex);
	make_period("2026-10", 4, "100", hex);
	append("2026-10", 4, 100, hex);
	make_period("2026-11", 5, "99999", hex);
	append("2026-11", 5, 99999, hex);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	payroll_key_free(priv);
	payroll_key_free(pub);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Copy the root to a scratch one, run edit on its journal, verify. */
static int
verify_edited(const char *sed, struct seen *s)
{
	static int k;
	char copy[300], cmd[2048];
	struct payroll_error err;
	int rc;

	snprintf(copy, sizeof copy, "%s-%d", root, ++k);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s' && %s '%s/journal/journal.csv'",
		 copy, root, copy, sed, copy);
	assert_int_equal(system(cmd), 0);
	memset(s, 0, sizeof *s);
	rc = payroll_journal_verify(copy, pub, collect, s, &err);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", copy);
	assert_int_equal(system(cmd), 0);
	return rc;
}

static void
chained_and_signed(void **state)
{
	char path[400], hex[65], *text, *line2, *nl;
	struct payroll_error err;
	struct seen s = { 0 };

	(void)state;
	snprintf(path, sizeof path, "%s/journal/journal.csv", root);
	text = read_all(path);
	assert_memory_equal(text, PAYROLL_JOURNAL_HEADER, strlen(PAYROLL_JOURNAL_HEADER));
	/* the first entry chains to the header, and ends the line */
	payroll_sha256_hex(PAYROLL_JOURNAL_HEADER, strlen(PAYROLL_JOURNAL_HEADER), hex);
	line2 = text + strlen(PAYROLL_JOURNAL_HEADER);
	nl = strchr(line2, '\n');
	assert_non_null(nl);
	assert_memory_equal(nl - 64, hex, 64);
	assert_memory_equal(line2, "2026-09,2026-12-01T02:00:00Z,0.1.0,roster=00;standards=11,",
			    strlen("2026-09,2026-12-01T02:00:00Z,0.1.0,roster=00;standards=11,"));
	assert_non_null(strstr(line2, ",3,123.45,"));
	assert_int_equal(payroll_verify_file(pub, path, NULL, &err), PAYROLL_SIG_GOOD);
	assert_int_equal(payroll_journal_verify(root, pub, collect, &s, &err), PAYROLL_SIG_GOOD);
	assert_int_equal(s.n, 0);
}

static void
edited_line(void **state)
{
	struct seen s;

	(void)state;
	/* the first entry's run time: the next line names it */
	assert_int_equal(verify_edited("sed -i '2s/T02/T03/'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "broken-chain", 3));
	assert_true(has(&s, "bad-signature", 0));
	assert_false(has(&s, "broken-chain", 4));
	/* a total: run.json names the line itself */
	assert_int_equal(verify_edited("sed -i '3s/,1.00,/,2.00,/'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "totals-changed", 3));
	assert_true(has(&s, "broken-chain", 4));
	/* the last line: no next line, but its totals */
	assert_int_equal(verify_edited("sed -i '4s/,5,/,6,/'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "totals-changed", 4));
	/* a manifest hash */
	assert_int_equal(verify_edited("sed -i '3s/,\\([0-9a-f]\\{63\\}\\)[0-9a-f],4,/,\\1x,4,/'", &s),
			 PAYROLL_SIG_BAD);
	assert_true(has(&s, "manifest-changed", 3));
}

static void
deleted_or_inserted_line(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(verify_edited("sed -i '3d'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "broken-chain", 3));
	assert_true(has(&s, "unjournaled", 0));
	assert_int_equal(verify_edited("sed -i '2{p}'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "broken-chain", 3));
	assert_int_equal(verify_edited("sed -i '$d'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "unjournaled", 0));
	assert_true(has(&s, "bad-signature", 0));
	assert_int_equal(verify_edited("sed -i '1s/period/Period/'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "bad-journal", 1));
	assert_true(has(&s, "broken-chain", 2));
	assert_int_equal(verify_edited("sed -i '2s/,/;/g'", &s), PAYROLL_SIG_BAD);
	assert_true(has(&s, "bad-journal", 2));
}

static void
append_refuses_a_torn_journal(void **state)
{
	char dir[400], path[450], before[65536];
	struct payroll_journal_entry e = { "2026-12", "t", "v", "", "00", 0, 0 };
	struct payroll_error err;

	(void)state;
	snprintf(dir, sizeof dir, "%s-torn", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof path, "%s/journal.csv", dir);
	write_file(path, PAYROLL_JOURNAL_HEADER "2026-11,half a line");
	snprintf(before, sizeof before, "%s", read_all(path));
	assert_int_equal(payroll_journal_append(dir, &e, NULL, priv, &err), PAYROLL_EFORMAT);
	assert_string_equal(err.code, "bad-journal");
	assert_string_equal(read_all(path), before);
	snprintf(path, sizeof path, "%s/journal.csv.sig", dir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void
errors(void **state)
{
	char dir[400], path[450];
	struct payroll_error err;
	struct seen s = { 0 };

	(void)state;
	snprintf(dir, sizeof dir, "%s-none", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(payroll_journal_verify(dir, pub, collect, &s, &err), PAYROLL_EIO);
	assert_string_equal(err.code, "missing-journal");
	/* a journal without its signature is bad, not an error */
	snprintf(path, sizeof path, "%s/journal.csv", dir);
	write_file(path, PAYROLL_JOURNAL_HEADER);
	assert_int_equal(payroll_journal_verify(dir, pub, collect, &s, &err), PAYROLL_SIG_BAD);
	assert_true(has(&s, "missing-signature", 0));
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chained_and_signed),
		cmocka_unit_test(edited_line),
		cmocka_unit_test(deleted_or_inserted_line),
		cmocka_unit_test(append_refuses_a_torn_journal),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
