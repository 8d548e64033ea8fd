/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_layout: the bank layout language (layout.h). Every layout that
 * parses is used: each record is formatted from sample values, and the
 * formatted detail record is split back with the same layout.
 * Properties: a parse failure names a code; a record formatted without a
 * field cut splits back into as many fields as the record has.
 */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "layout.h"
#include "fuzz_util.h"

static void
sample(struct payroll_layout_values *v)
{
	memset(v, 0, sizeof *v);
	v->text[PAYROLL_SRC_REF] = "2026-11-DF-0001";
	v->text[PAYROLL_SRC_CASE_ID] = "DF-0001";
	v->text[PAYROLL_SRC_PROGRAM] = "subsistence";
	v->text[PAYROLL_SRC_REGION] = "220421";
	v->text[PAYROLL_SRC_LOCALITY] = "东丰镇向阳社区";
	v->text[PAYROLL_SRC_NAME] = "欧阳娜娜";
	v->text[PAYROLL_SRC_ID_NUMBER] = "22042119650304004X";
	v->text[PAYROLL_SRC_BANK] = "ICBC";
	v->text[PAYROLL_SRC_ACCOUNT] = "6217000000001000003";
	v->text[PAYROLL_SRC_ACCOUNT_NAME] = "𠀀张三";
	v->text[PAYROLL_SRC_PERIOD] = "2026-11";
	v->text[PAYROLL_SRC_PERIOD_COMPACT] = "202611";
	v->text[PAYROLL_SRC_PERIOD_FIRST] = "20261101";
	v->text[PAYROLL_SRC_PERIOD_LAST] = "20261130";
	v->num[PAYROLL_SRC_SEQ] = 1;
	v->num[PAYROLL_SRC_AMOUNT] = 123456;
	v->num[PAYROLL_SRC_LINES] = 3;
	v->num[PAYROLL_SRC_MEMBERS] = 4;
	v->num[PAYROLL_SRC_COUNT] = 1;
	v->num[PAYROLL_SRC_TOTAL] = 123456;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct payroll_layout *l;
	struct payroll_layout_values v;
	struct payroll_error err;
	struct payroll_buf out = { 0 }, vals = { 0 };
	size_t off[PAYROLL_LAYOUT_MAX_FIELDS + 1];
	int k, rc;

	rc = payroll_layout_parse(&l, "fuzz.layout", (const char *)data, size, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EFORMAT || rc == PAYROLL_ENOMEM, "parse rc %d", rc);
		FUZZ_ASSERT(err.code[0], "parse error without a code: %s", err.message);
		return 0;
	}
	sample(&v);
	for (k = 0; k < PAYROLL_REC_NKINDS; k++) {
		size_t i, n = payroll_layout_nrecords(l, (enum payroll_layout_kind)k);

		for (i = 0; i < n; i++) {
			const struct payroll_layout_record *r =
				payroll_layout_record(l, (enum payroll_layout_kind)k, i);
			uint64_t cut = 0;
			size_t eol = strlen(payroll_layout_eol(l));

			FUZZ_ASSERT(r->nfields <= PAYROLL_LAYOUT_MAX_FIELDS, "%zu fields", r->nfields);
			payroll_buf_reset(&out);
			rc = payroll_layout_format(l, r, &v, &out, &cut, &err);
			if (rc)
				continue;
			FUZZ_ASSERT(out.len >= eol, "record shorter than its line end");
			/* split it back; the record must at least not crash it */
			payroll_buf_reset(&vals);
			rc = payroll_layout_split(l, r, out.p, out.len - eol, &vals, off, &err);
			FUZZ_ASSERT(rc == 0 || rc == PAYROLL_EFORMAT || rc == PAYROLL_ENOMEM,
				    "split rc %d", rc);
			/* and the fuzz input as a record of this layout */
			payroll_buf_reset(&vals);
			(void)payroll_layout_split(l, r, (const char *)data, size, &vals, off, &err);
		}
	}
	payroll_buf_release(&out);
	payroll_buf_release(&vals);
	payroll_layout_free(l);
	return 0;
}
