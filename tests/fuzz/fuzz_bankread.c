/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_bankread: bytes as a bank file read back (bankread.h), through
 * every reader. An input starting "PK" is a workbook read with the xlsx
 * layout fixtures/layouts/icbc-daifa.layout; otherwise the first byte
 * picks the reader (0 detected, 1 csv with its control file, 2 fixed-gbk,
 * 3 pain001 checked against fixtures/bank/payer.conf, 4 a layout FILE),
 * the second a chunk size (0: the default; else 1..255 bytes), and the
 * rest is the file (csv: FILE NUL CONTROL; layout: LAYOUT NUL FILE NUL
 * CONTROL). Seeds: the golden bank files so framed, and at build time a
 * workbook bankfile writes.
 * Properties: a failure names a code; every transfer has its strings and
 * a record number, count and total are the transfers'; the same
 * transfers and problems read at the chunk picked as at 64 KiB, unless
 * the XML is not well formed (libxml2's look-ahead then decides how many
 * transfers come before the error).
 */
#include <stdint.h>
#include <string.h>

#include "bankread.h"
#include "buf.h"
#include "error.h"
#include "money.h"
#include "pain001.h"
#include "fuzz_util.h"

struct seen {
	struct payroll_buf text;	/* transfers and problems, as text */
	long count;
	int64_t total;
	int overflow, badxml;
};

static int
on_transfer(void *ctx, const struct payroll_bank_transfer *t)
{
	struct seen *s = ctx;

	FUZZ_ASSERT(t->bank && t->account && t->account_name && t->memo, "a NULL string");
	FUZZ_ASSERT(t->record >= 0, "record %ld", t->record);
	s->count++;
	if (t->amount > 0 && payroll_add(s->total, t->amount, &s->total))
		s->overflow = 1;
	payroll_buf_addf(&s->text, "%ld ", t->record);
	FUZZ_ASSERT(payroll_bank_transfer_csv(&s->text, t) == 0, "csv of a transfer");
	return 0;
}

static void
on_problem(void *ctx, const struct payroll_error *e)
{
	struct seen *s = ctx;

	FUZZ_ASSERT(e->code[0] != '\0', "a problem without a code");
	if (strcmp(e->code, "bad-xml") == 0)
		s->badxml = 1;
	payroll_buf_addf(&s->text, "%ld: %s: %s\n", e->line, e->code, e->message);
}

static int
read_once(const char *path, const struct payroll_bankread_opts *o, struct seen *s)
{
	struct payroll_problems p = { .path = path, .diag = on_problem, .ctx = s, .all = 1 };
	struct payroll_bankread_info info;
	struct payroll_error err;
	int rc;

	memset(s, 0, sizeof *s);
	memset(&err, 0, sizeof err);
	rc = payroll_bankread_opts(path, o, on_transfer, s, &p, &info, &err);
	if (rc != 0) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM ||
			    rc == PAYROLL_EUSAGE, "rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0', "a failure without a code");
		payroll_buf_addf(&s->text, "error %d %s\n", rc, err.code);
		return rc;
	}
	FUZZ_ASSERT(info.count == s->count, "count %ld, transfers %ld", info.count, s->count);
	FUZZ_ASSERT(s->overflow || info.total == s->total, "total %lld, transfers %lld",
		    (long long)info.total, (long long)s->total);
	FUZZ_ASSERT(p.count == 0 || strstr(payroll_buf_str(&s->text), ": "), "problems unseen");
	payroll_buf_addf(&s->text, "%s %s %ld %lld %d\n", info.format, info.period, info.count,
			 (long long)info.total, p.count);
	return 0;
}

/* The next NUL-separated part of data[*at..n). */
static void
part(const uint8_t *data, size_t n, size_t *at, const uint8_t **p, size_t *len)
{
	const uint8_t *e = *at < n ? memchr(data + *at, 0, n - *at) : NULL;

	*p = data + *at;
	*len = e ? (size_t)(e - *p) : n - *at;
	*at += *len + (e != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct payroll_payer *payer;
	static struct payroll_payer_debtor debtor;
	struct payroll_bankread_opts o = { NULL, 0, NULL };
	struct seen a, b;
	const char *path = fuzz_path(0, "bank.dat");
	const uint8_t *p;
	size_t at = 2, n;
	int ra, rb;

	if (!payer) {
		struct payroll_error err;

		FUZZ_ASSERT(payroll_payer_load(&payer, PAYROLL_FIXTURES "/bank/payer.conf", &err) == 0,
			    "the fixture payer");
		payroll_payer_debtor(payer, &debtor);
	}
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		fuzz_write(path, data, size);
		o.layout = PAYROLL_FIXTURES "/layouts/icbc-daifa.layout";
	} else {
		if (size < 2)
			return 0;
		o.chunk = data[1];
		p = data + 2;
		n = size - 2;
		switch (data[0] % 5) {
		case 1:
			o.layout = "csv";
			part(data, size, &at, &p, &n);
			fuzz_write(fuzz_path(1, "bank.dat.ctl"), data + at, size - at);
			break;
		case 2:
			o.layout = "fixed-gbk";
			break;
		case 3:
			o.layout = "pain001";
			o.payer = &debtor;
			break;
		case 4:
			part(data, size, &at, &p, &n);
			fuzz_write(fuzz_path(2, "bank.layout"), p, n);
			o.layout = fuzz_path(2, "bank.layout");
			part(data, size, &at, &p, &n);
			/* the rest is the control file, whichever suffix the layout names */
			fuzz_write(fuzz_path(1, "bank.dat.ctl"), data + at, size - at);
			fuzz_write(fuzz_path(3, "bank.dat.sum"), data + at, size - at);
			break;
		default:
			break;
		}
		fuzz_write(path, p, n);
	}
	ra = read_once(path, &o, &a);
	if (o.chunk) {
		size_t chunk = o.chunk;

		o.chunk = 0;
		rb = read_once(path, &o, &b);
		o.chunk = chunk;
		FUZZ_ASSERT(ra == rb, "rc %d at chunk %zu, %d at 64 KiB", ra, chunk, rb);
		if (!a.badxml && !b.badxml && strcmp(payroll_buf_str(&a.text),
						     payroll_buf_str(&b.text)) != 0) {
			fprintf(stderr, "at chunk %zu:\n%s\nat 64 KiB:\n%s\n", chunk,
				payroll_buf_str(&a.text), payroll_buf_str(&b.text));
			FUZZ_ASSERT(0, "the chunk changed what was read");
		}
		payroll_buf_release(&b.text);
	}
	payroll_buf_release(&a.text);
	return 0;
}
