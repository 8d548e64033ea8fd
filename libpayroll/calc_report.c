/* SPDX-License-Identifier: Apache-2.0 */
#include "calc_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "money.h"
#include "intl.h"
#include "banned.h"

int
payroll_calc_report_count(struct payroll_calc_report *rep, const char *code,
			  long delta)
{
	size_t i;
	struct payroll_code_count *g;

	for (i = 0; i < rep->ncodes; i++)
		if (!strcmp(rep->codes[i].code, code)) {
			rep->codes[i].count += delta;
			return 0;
		}
	g = realloc(rep->codes, (rep->ncodes + 1) * sizeof *g);
	if (!g)
		return PAYROLL_ENOMEM;
	rep->codes = g;
	snprintf(g[rep->ncodes].code, sizeof g->code, "%s", code);
	g[rep->ncodes].count = delta;
	rep->ncodes++;
	return 0;
}

int
payroll_calc_report_add(struct payroll_calc_report *rep, size_t *hintp,
			const char *program, const char *item, int64_t fen, long lines)
{
	size_t i, hint = *hintp;	/* lines come in runs of the same items */
	struct payroll_total *g;

	if (payroll_add(rep->total, fen, &rep->total))
		return PAYROLL_EOVERFLOW;
	rep->lines += lines;
	for (i = 0; i < rep->ntotals; i++) {
		struct payroll_total *t = &rep->totals[(hint + i) % rep->ntotals];

		if (!strcmp(t->item, item) && !strcmp(t->program, program)) {
			*hintp = (hint + i + 1) % rep->ntotals;
			t->lines += lines;
			if (payroll_add(t->fen, fen, &t->fen))
				return PAYROLL_EOVERFLOW;
			return (int)(t - rep->totals);
		}
	}
	g = realloc(rep->totals, (rep->ntotals + 1) * sizeof *g);
	if (!g)
		return PAYROLL_ENOMEM;
	rep->totals = g;
	snprintf(g[rep->ntotals].program, sizeof g->program, "%s", program);
	snprintf(g[rep->ntotals].item, sizeof g->item, "%s", item);
	g[rep->ntotals].lines = lines;
	g[rep->ntotals].fen = fen;
	return (int)rep->ntotals++;
}

int
payroll_calc_report_add_at(struct payroll_calc_report *rep, int index, int64_t fen,
			   long lines)
{
	struct payroll_total *t = &rep->totals[index];

	if (payroll_add(rep->total, fen, &rep->total) || payroll_add(t->fen, fen, &t->fen))
		return PAYROLL_EOVERFLOW;
	rep->lines += lines;
	t->lines += lines;
	return 0;
}

void
payroll_calc_report_free(struct payroll_calc_report *rep)
{
	free(rep->totals);
	free(rep->codes);
	rep->totals = NULL;
	rep->codes = NULL;
	rep->ntotals = rep->ncodes = 0;
}

static int
program_rank(const char *p)
{
	if (!strcmp(p, "subsistence"))
		return 0;
	if (!strcmp(p, "extreme-poverty"))
		return 1;
	return 2;
}

static int
item_rank(const char *i)
{
	static const char *const order[] = { "allowance", "supplement", "basic-living", "care" };
	size_t k;

	for (k = 0; k < 4; k++)
		if (!strcmp(i, order[k]))
			return (int)k;
	return strncmp(i, "subsidy:", 8) ? 6 : 5;
}

static int
cmp_total(const void *a, const void *b)
{
	const struct payroll_total *x = a, *y = b;
	int d = program_rank(x->program) - program_rank(y->program);

	if (!d)
		d = item_rank(x->item) - item_rank(y->item);
	return d ? d : strcmp(x->item, y->item);
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct payroll_code_count *)a)->code,
		      ((const struct payroll_code_count *)b)->code);
}

void
payroll_calc_report_finish(struct payroll_calc_report *r)
{
	size_t i, k;

	for (i = k = 0; i < r->ntotals; i++)	/* drop what the duplicates emptied */
		if (r->totals[i].lines > 0)
			r->totals[k++] = r->totals[i];
	r->ntotals = k;
	if (r->ntotals)
		qsort(r->totals, r->ntotals, sizeof *r->totals, cmp_total);
	if (r->ncodes)
		qsort(r->codes, r->ncodes, sizeof *r->codes, cmp_code);
}

int
payroll_calc_summary_json(const struct payroll_calc_report *r, struct payroll_buf *b)
{
	size_t i;
	int s, rc = 0;

	rc |= payroll_buf_addf(b, "{\n  \"period\": \"%s\",\n", r->period);
	rc |= payroll_buf_addf(b, "  \"rows_read\": %ld,\n  \"rows_paid\": %ld,\n  \"rows_rejected\": %ld,\n",
			       r->rows_read, r->rows_paid, r->rows_rejected);
	rc |= payroll_buf_addstr(b, "  \"sources\": [");
	for (s = 0; s < 2; s++) {
		if (!r->source[s][0])
			continue;
		rc |= payroll_buf_addstr(b, s ? ",\n    {\"file\": \"" : "\n    {\"file\": \"");
		rc |= payroll_buf_addjson(b, r->source[s], strlen(r->source[s]));
		rc |= payroll_buf_addf(b, "\", \"kind\": \"%s\", \"encoding\": \"%s\", \"rows_read\": %ld, \"rows_paid\": %ld, \"rows_rejected\": %ld}",
				       s ? "grants" : "roster", payroll_encoding_name(r->encoding[s]),
				       r->read[s], r->paid[s], r->rejected[s]);
	}
	rc |= payroll_buf_addstr(b, "\n  ],\n  \"rejected_by_code\": {");
	for (i = 0; i < r->ncodes; i++)
		rc |= payroll_buf_addf(b, "%s\n    \"%s\": %ld", i ? "," : "", r->codes[i].code,
				       r->codes[i].count);
	rc |= payroll_buf_addf(b, "%s},\n  \"lines\": %ld,\n  \"total\": \"", r->ncodes ? "\n  " : "",
			       r->lines);
	rc |= payroll_buf_addmoney(b, r->total);
	rc |= payroll_buf_addf(b, "\",\n  \"total_fen\": %lld,\n  \"totals\": [", (long long)r->total);
	for (i = 0; i < r->ntotals; i++) {
		rc |= payroll_buf_addf(b, "%s\n    {\"program\": \"%s\", \"item\": \"", i ? "," : "",
				       r->totals[i].program);
		rc |= payroll_buf_addjson(b, r->totals[i].item, strlen(r->totals[i].item));
		rc |= payroll_buf_addf(b, "\", \"lines\": %ld, \"amount\": \"", r->totals[i].lines);
		rc |= payroll_buf_addmoney(b, r->totals[i].fen);
		rc |= payroll_buf_addf(b, "\", \"amount_fen\": %lld}", (long long)r->totals[i].fen);
	}
	rc |= payroll_buf_addf(b, "%s]\n}\n", r->ntotals ? "\n  " : "");
	return rc ? PAYROLL_ENOMEM : 0;
}

int
payroll_calc_summary_text(const struct payroll_calc_report *r, struct payroll_buf *b)
{
	size_t i;
	int rc = 0;

	rc |= payroll_buf_addf(b, _("period %s: %ld rows read, %ld paid, %ld rejected\n"),
			       r->period, r->rows_read, r->rows_paid, r->rows_rejected);
	for (i = 0; i < 2; i++)
		if (r->source[i][0] && r->encoding[i] != PAYROLL_ENC_AUTO)
			rc |= payroll_buf_addf(b, _("  %s %s read as %s%s\n"), i ? "grants" : "roster",
					       r->source[i], payroll_encoding_name(r->encoding[i]),
					       r->detected[i] ? _(" (detected)") : "");
	for (i = 0; i < r->ncodes; i++)
		rc |= payroll_buf_addf(b, _("  rejected %-24s %ld\n"), r->codes[i].code, r->codes[i].count);
	for (i = 0; i < r->ntotals; i++) {
		char m[PAYROLL_MONEY_MAX];

		payroll_money_format(r->totals[i].fen, m);
		rc |= payroll_buf_addf(b, _("  %-16s %-24s %6ld lines %14s\n"), r->totals[i].program,
				       r->totals[i].item, r->totals[i].lines, m);
	}
	rc |= payroll_buf_addf(b, _("  %ld ledger lines, total "), r->lines);
	rc |= payroll_buf_addmoney(b, r->total);
	rc |= payroll_buf_addch(b, '\n');
	return rc ? PAYROLL_ENOMEM : 0;
}
