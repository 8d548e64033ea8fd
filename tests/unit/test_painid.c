/* SPDX-License-Identifier: Apache-2.0 */
/* pain.001 ids through the library: MsgId and PmtInfId derived from the
 * payer's prefix, the period and the transfers are stable for the same
 * inputs and distinct across periods and ledgers; the dates come from
 * execution-day, clamped to the month; payroll_payer_check_derived
 * refuses every fixed id or date, naming its line; derived ids need the
 * digest the caller keeps while spooling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define TMP_NAME "test_painid"
#include "tmpfiles.h"

#include "bank.h"
#include "pain001.h"
#include "error.h"
#include "ledger.h"

/* The text of element el in the file at path ("" when absent). */
static void
element(const char *path, const char *el, char *out, size_t n)
{
	char buf[8192], open[64];
	FILE *f = fopen(path, "r");
	size_t len;
	const char *a, *b;

	assert_non_null(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	snprintf(open, sizeof open, "<%s>", el);
	out[0] = '\0';
	if (!(a = strstr(buf, open)) || !(b = strchr(a + strlen(open), '<')))
		return;
	a += strlen(open);
	snprintf(out, n, "%.*s", (int)(b - a), a);
}

struct msg { char msgid[64], pmtid[64], date[16], created[32]; };

static void
pain(const char *ledger, const char *payer, struct msg *m)
{
	struct payroll_bankfile_opts o = PAYROLL_BANKFILE_OPTS_INIT;
	struct payroll_bankfile_result res;
	struct payroll_error err;
	char out[128];

	memset(m, 0, sizeof *m);
	snprintf(out, sizeof out, "%s/out.xml", dir);
	o.ledger = ledger;
	o.layout = "pain001";
	o.payer = payer;
	o.output = out;
	assert_int_equal(payroll_bankfile(&o, &res, &err), 0);
	element(out, "MsgId", m->msgid, sizeof m->msgid);
	element(out, "PmtInfId", m->pmtid, sizeof m->pmtid);
	element(out, "Dt", m->date, sizeof m->date);
	element(out, "CreDtTm", m->created, sizeof m->created);
}

#define PAYER "name = 东丰县民政局\naccount = 0710002129200054321\nbic = ICBKCNBJJLN\n"
#define LINE(period, id, amount) \
	period "," id ",subsistence,allowance," period ",220421,urban,x,张伟,220421196503040015,ICBC," \
	"6217000000001000003,张伟,1,,," amount ",b\n"

static void
ids_from_period_and_ledger(void **state)
{
	const char *payer = put("payer.conf", PAYER "execution-day = 20\nmessage-id-prefix = DF-220421\n");
	const char *nov = put("nov.csv", PAYROLL_LEDGER_HEADER LINE("2026-11", "DF-1", "100.00"));
	const char *dec = put("dec.csv", PAYROLL_LEDGER_HEADER LINE("2026-12", "DF-1", "100.00"));
	const char *nov2 = put("nov2.csv", PAYROLL_LEDGER_HEADER LINE("2026-11", "DF-1", "100.01"));
	const char *nov3 = put("nov3.csv", PAYROLL_LEDGER_HEADER LINE("2026-11", "DF-2", "100.00"));
	struct msg a, b, c, d, e;
	size_t i;

	(void)state;
	pain(nov, payer, &a);
	pain(nov, payer, &b);
	assert_memory_equal(&a, &b, sizeof a);	/* stable */
	assert_int_equal(strlen(a.msgid), strlen("DF-220421-202611-") + 12);
	assert_true(!strncmp(a.msgid, "DF-220421-202611-", 17));
	for (i = 17; i < strlen(a.msgid); i++)
		assert_non_null(strchr("0123456789ABCDEF", a.msgid[i]));
	assert_true(strlen(a.pmtid) <= 35 && !strncmp(a.pmtid, a.msgid, strlen(a.msgid)));
	assert_string_equal(a.pmtid + strlen(a.msgid), "-1");
	assert_string_equal(a.date, "2026-11-20");
	assert_string_equal(a.created, "2026-11-01T00:00:00");
	pain(dec, payer, &c);	/* another period */
	assert_true(!strncmp(c.msgid, "DF-220421-202612-", 17));
	assert_string_not_equal(c.msgid + 17, a.msgid + 17);
	assert_string_equal(c.date, "2026-12-20");
	assert_string_equal(c.created, "2026-12-01T00:00:00");
	pain(nov2, payer, &d);	/* another amount */
	assert_string_not_equal(d.msgid, a.msgid);
	pain(nov3, payer, &e);	/* another case */
	assert_string_not_equal(e.msgid, a.msgid);
	assert_string_not_equal(e.msgid, d.msgid);
	/* another prefix */
	pain(nov, put("payer2.conf", PAYER "execution-day = 20\nmessage-id-prefix = DF-2\n"), &b);
	assert_string_equal(b.msgid + 5, a.msgid + 10);
}

static void
execution_day_clamped(void **state)
{
	const char *payer = put("p31.conf", PAYER "execution-day = 31\nmessage-id-prefix = X\n");
	static const char *const cases[][2] = {
		{ "2027-02", "2027-02-28" }, { "2028-02", "2028-02-29" }, { "2100-02", "2100-02-28" },
		{ "2000-02", "2000-02-29" }, { "2026-11", "2026-11-30" }, { "2026-12", "2026-12-31" },
	};
	char text[1024];
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(text, sizeof text, "%s%s,DF-1,subsistence,allowance,%s,220421,urban,x,n,"
			 "220421196503040015,ICBC,6217000000001000003,n,1,,,1.00,b\n",
			 PAYROLL_LEDGER_HEADER, cases[i][0], cases[i][0]);
		pain(put("m.csv", text), payer, &m);
		assert_string_equal(m.date, cases[i][1]);
	}
}

static void
check_derived(void **state)
{
	static const struct { const char *extra, *code; long line; } cases[] = {
		{ "execution-day = 20\nmessage-id-prefix = DF\n", "", 0 },
		{ "execution-day = 20\nmessage-id = DF-202611-01\n", "fixed-id", 5 },
		{ "execution-date = 2026-11-20\nmessage-id-prefix = DF\n", "fixed-date", 4 },
		{ "execution-day = 20\nmessage-id = A\npayment-id = B\n", "fixed-id", 5 },
		{ "execution-day = 20\nmessage-id-prefix = DF\ncreated = 2026-11-19T09:00:00\n",
		  "fixed-date", 6 },
		{ "execution-day = 20\n", "missing-key", 0 },
		{ "execution-day = 20\nexecution-date = 2026-11-20\nmessage-id-prefix = DF\n",
		  "conflicting-keys", 5 },
	};
	struct payroll_error err;
	char text[512];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(text, sizeof text, "%s%s", PAYER, cases[i].extra);
		rc = payroll_payer_check_derived(put("c.conf", text), &err);
		if (!cases[i].code[0]) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, PAYROLL_EFORMAT);
		assert_string_equal(err.code, cases[i].code);
		assert_int_equal(err.line, cases[i].line);
	}
	snprintf(text, sizeof text, "%sexecution-date = 2026-11-05\nmessage-id-prefix = DF\n", PAYER);
	assert_int_equal(payroll_payer_check_derived(put("c.conf", text), &err), PAYROLL_EFORMAT);
	assert_non_null(strstr(err.message, "execution-day = 5 instead"));
	assert_int_equal(payroll_payer_check_derived("/nonexistent/payer.conf", &err), PAYROLL_EIO);
}

static int
no_rewind(void *ctx, struct payroll_error *err)
{
	(void)ctx;
	(void)err;
	return 0;
}

static int
no_next(void *ctx, struct payroll_transfer *t, struct payroll_error *err)
{
	(void)ctx;
	(void)t;
	(void)err;
	return 0;
}

/* A caller that derives ids but kept no digest gets an internal error,
 * not a message id of nothing; a payer with fixed ids needs no digest. */
static void
digest_required(void **state)
{
	struct payroll_pain001_source src = {
		"l.csv", "out.xml", NULL, "2026-11", 0, 0, no_rewind, no_next, NULL, NULL,
	};
	struct payroll_pain001_digest *d = (void *)1;
	struct payroll_payer *p;
	struct payroll_outfile *out;
	struct payroll_error err;
	char path[128];

	(void)state;
	assert_int_equal(payroll_payer_load(&p, put("pd.conf", PAYER "execution-day = 20\n"
						      "message-id-prefix = DF\n"), &err), 0);
	snprintf(path, sizeof path, "%s/nodigest.xml", dir);
	assert_int_equal(payroll_outfile_open(&out, path, 0, &err), 0);
	assert_int_equal(payroll_pain001_write(p, &src, out, &err), PAYROLL_EINTERNAL);
	assert_string_equal(err.code, "crypto");
	payroll_outfile_abort(out);
	payroll_payer_free(p);
	assert_int_equal(payroll_payer_load(&p, put("pf.conf", PAYER "execution-day = 20\n"
						      "message-id = DF-1\n"), &err), 0);
	assert_int_equal(payroll_pain001_digest_new(&d, p, &err), 0);
	assert_null(d);
	assert_int_equal(payroll_pain001_digest_add(d, NULL, &err), 0);
	payroll_payer_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_from_period_and_ledger),
		cmocka_unit_test(execution_day_clamped),
		cmocka_unit_test(check_derived),
		cmocka_unit_test(digest_required),
	};

	return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
}
