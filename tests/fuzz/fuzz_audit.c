/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_audit: payroll_audit (audit.h) over arbitrary inputs. The input
 * is the period's ledger, optionally followed by sections each starting
 * with a line "#previous" (an earlier ledger), "#list" (a list, read as
 * deceased=FILE) or "#roster" (a roster with case_id and reviewed); the
 * findings go to a file, the jump percentage is picked by the length.
 * Properties: a failure names a code and leaves no findings file; on
 * success the findings file reads back as the header and res.findings
 * rows, each of a known rule, in the order of the rules; the counts by
 * rule add up to res.findings; res.lines is the number of ledger lines
 * the reader gives; basis-mismatch is counted exactly for the lines whose
 * basis does not give the amount (payroll_audit_basis on its own); a
 * second run on the same files writes the same bytes. payroll_audit_basis
 * also gets every line's basis, and its stated amount alone.
 */
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "audit_basis.h"
#include "error.h"
#include "ledger.h"
#include "money.h"
#include "table.h"
#include "fuzz_util.h"

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The next section marker "\n#WORD\n" at or after data, or NULL. */
static const unsigned char *
next_marker(const unsigned char *data, size_t size, size_t *skip, int *kind)
{
	static const char *const words[] = { "\n#previous\n", "\n#list\n", "\n#roster\n" };
	size_t i, k;

	for (i = 0; i < size; i++) {
		if (data[i] != '\n' || i + 1 >= size || data[i + 1] != '#')
			continue;
		for (k = 0; k < 3; k++) {
			size_t n = strlen(words[k]);

			if (i + n <= size && !memcmp(data + i, words[k], n)) {
				*skip = n;
				*kind = (int)k;
				return data + i;
			}
		}
	}
	return NULL;
}

/* Lines and basis mismatches of a ledger as the reader gives them; -1
 * when the reader stops on an error (audit must then fail too). */
static long
count_lines(const char *path, long *mismatches)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line l;
	struct payroll_error err;
	long n = 0;
	int rc;

	*mismatches = 0;
	if (payroll_ledger_open(&r, path, &err))
		return -1;
	while ((rc = payroll_ledger_next(r, &l, &err)) == 1) {
		const char *why;
		int64_t v;
		char amount[PAYROLL_MONEY_MAX];

		n++;
		if (payroll_audit_basis(l.basis, &v, &why) || v != l.amount)
			++*mismatches;
		/* an amount on its own is its own basis */
		payroll_money_format(l.amount, amount);
		FUZZ_ASSERT(payroll_audit_basis(amount, &v, &why) == 0 && v == l.amount,
			    "basis '%s' gives %lld (%s)", amount, (long long)v, why ? why : "");
	}
	payroll_ledger_close(r);
	return rc == 0 ? n : -1;
}

/* Read the findings back: rows, each rule known and in rule order. */
static long
check_findings(const char *path, long by_rule[PAYROLL_AUDIT_NRULES])
{
	struct payroll_table *t;
	struct payroll_row row;
	struct payroll_error err;
	long n = 0;
	int rc, last = 0, k;

	memset(by_rule, 0, sizeof(long) * PAYROLL_AUDIT_NRULES);
	rc = payroll_table_open_path(&t, path, PAYROLL_ENC_UTF8, NULL, 0, &err);
	FUZZ_ASSERT(rc == 0, "findings do not open: %s: %s", err.code, err.message);
	FUZZ_ASSERT(payroll_table_ncolumns(t) == 5 && !strcmp(payroll_table_header(t, 1), "rule"),
		    "findings header");
	while ((rc = payroll_table_next(t, &row, &err)) == 1) {
		FUZZ_ASSERT(row.problem == PAYROLL_ROW_OK, "findings line %ld: problem %d", row.line,
			    (int)row.problem);
		for (k = 0; k < PAYROLL_AUDIT_NRULES; k++)
			if (!strcmp(row.v[0], payroll_audit_rule_name((enum payroll_audit_rule)k)))
				break;
		FUZZ_ASSERT(k < PAYROLL_AUDIT_NRULES, "unknown rule '%s'", row.v[0]);
		FUZZ_ASSERT(k >= last, "rule '%s' out of order", row.v[0]);
		last = k;
		by_rule[k]++;
		n++;
	}
	FUZZ_ASSERT(rc == 0, "findings do not read: %s: %s", err.code, err.message);
	payroll_table_close(t);
	return n;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long len;

	FUZZ_ASSERT(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	FUZZ_ASSERT(p && fread(p, 1, (size_t)len, f) == (size_t)len, "cannot read %s", path);
	fclose(f);
	*n = (size_t)len;
	return p;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const names[] = { "previous.csv", "list.csv", "roster.csv" };
	const char *ledger = fuzz_path(0, "ledger.csv");
	const char *ledgers[1] = { ledger }, *previous[1];
	const char *paths[3] = { NULL, NULL, NULL };
	struct payroll_audit_list list = { "deceased", NULL };
	struct payroll_audit_opts o;
	struct payroll_audit_result res, res2;
	struct payroll_error err;
	const unsigned char *p = data, *end = data + size, *m;
	long lines, mismatches, by_rule[PAYROLL_AUDIT_NRULES], total = 0;
	size_t skip, n1, n2;
	int kind = -1, next_kind, rc, k;
	char *first, *second;

	/* the ledger, then each section up to the next marker */
	m = next_marker(p, size, &skip, &next_kind);
	fuzz_write(ledger, p, m ? (size_t)(m - p + 1) : size);
	while (m) {
		kind = next_kind;
		p = m + skip;
		m = next_marker(p, (size_t)(end - p), &skip, &next_kind);
		if (!paths[kind]) {
			paths[kind] = fuzz_path(1 + kind, names[kind]);
			fuzz_write(paths[kind], p, m ? (size_t)(m - p + 1) : (size_t)(end - p));
		}
	}

	memset(&o, 0, sizeof o);
	o.ledgers = ledgers;
	o.nledgers = 1;
	if (paths[0]) {
		previous[0] = paths[0];
		o.previous = previous;
		o.nprevious = 1;
	}
	if (paths[1]) {
		list.path = paths[1];
		o.lists = &list;
		o.nlists = 1;
	}
	o.roster = paths[2];
	o.jump = (int)(size % 7) * 20;	/* 0 (the default, 30) to 120 */
	o.output = fuzz_path(4, "findings.csv");
	unlink(o.output);
	memset(&res, 0, sizeof res);
	rc = payroll_audit(&o, &res, &err);
	lines = count_lines(ledger, &mismatches);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM ||
			    rc == PAYROLL_EOVERFLOW, "audit rc %d (%s)", rc, err.message);
		FUZZ_ASSERT(err.code[0] != '\0', "an error without a code: %s", err.message);
		FUZZ_ASSERT(!exists(o.output), "findings left on failure");
		return 0;
	}
	FUZZ_ASSERT(lines >= 0, "audit accepted a ledger the reader refuses");
	FUZZ_ASSERT(res.lines == lines, "audit read %ld lines, the reader %ld", res.lines, lines);
	FUZZ_ASSERT(res.by_rule[PAYROLL_AUDIT_BASIS_MISMATCH] == mismatches,
		    "%ld basis-mismatch findings for %ld lines whose basis does not give the amount",
		    res.by_rule[PAYROLL_AUDIT_BASIS_MISMATCH], mismatches);
	FUZZ_ASSERT(res.cases <= res.lines, "%ld cases in %ld lines", res.cases, res.lines);
	for (k = 0; k < PAYROLL_AUDIT_NRULES; k++)
		total += res.by_rule[k];
	FUZZ_ASSERT(total == res.findings, "by rule %ld, findings %ld", total, res.findings);
	FUZZ_ASSERT(check_findings(o.output, by_rule) == res.findings, "findings file rows");
	for (k = 0; k < PAYROLL_AUDIT_NRULES; k++)
		FUZZ_ASSERT(by_rule[k] == res.by_rule[k], "rule %s: %ld in the file, %ld counted",
			    payroll_audit_rule_name((enum payroll_audit_rule)k), by_rule[k],
			    res.by_rule[k]);
	/* the same inputs give the same bytes */
	first = slurp(o.output, &n1);
	rc = payroll_audit(&o, &res2, &err);
	FUZZ_ASSERT(rc == 0, "second run failed: %s", err.message);
	second = slurp(o.output, &n2);
	FUZZ_ASSERT(n1 == n2 && !memcmp(first, second, n1), "a second run wrote other bytes");
	free(first);
	free(second);
	return 0;
}
