/* SPDX-License-Identifier: Apache-2.0 */
/* payroll-inspect: read a bank file back, describe it and check it (SPEC 6.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bankread.h"
#include "buf.h"
#include "common.h"
#include "mask.h"
#include "money.h"
#include "pain001.h"
#include "banned.h"

struct bank {
	char *code;
	long count;
	int64_t total;
};

struct state {
	int format;			/* 0 text, 1 json, 2 csv */
	long show;
	struct payroll_buf shown;	/* text or json of the first transfers */
	struct payroll_buf problems;
	struct payroll_buf csv;
	struct bank *banks;
	size_t nbanks, capbanks;
	int nomem;
};

/* A JSON string with its quotes. */
static void
addjstr(struct payroll_buf *b, const char *v, size_t n)
{
	payroll_buf_addch(b, '"');
	payroll_buf_addjson(b, v, n);
	payroll_buf_addch(b, '"');
}

static int
on_transfer(void *ctx, const struct payroll_bank_transfer *t)
{
	struct state *s = ctx;
	struct payroll_buf acct = { 0 };
	size_t i;

	for (i = 0; i < s->nbanks && strcmp(s->banks[i].code, t->bank) != 0; i++)
		;
	if (i == s->nbanks) {
		if (payroll_grow((void **)&s->banks, s->nbanks + 1, &s->capbanks,
				 sizeof *s->banks) != 0 ||
		    !(s->banks[i].code = strdup(t->bank)))
			return PAYROLL_ENOMEM;
		s->banks[i].count = 0;
		s->banks[i].total = 0;
		s->nbanks++;
	}
	s->banks[i].count++;
	payroll_add(s->banks[i].total, t->amount, &s->banks[i].total);
	if (s->format == 2) {	/* streamed: memory does not grow with the file */
		s->csv.len = 0;
		if (payroll_bank_transfer_csv(&s->csv, t) != 0)
			return PAYROLL_ENOMEM;
		return fwrite(s->csv.p, 1, s->csv.len, stdout) == s->csv.len ? 0 : PAYROLL_EIO;
	}
	if (s->show-- <= 0)
		return 0;
	if (payroll_mask_number(&acct, t->account, strlen(t->account)))
		return PAYROLL_ENOMEM;
	if (s->format == 1) {
		payroll_buf_addf(&s->shown, "%s{\"seq\":%lld,\"bank\":", s->shown.len ? "," : "",
				 (long long)t->seq);
		addjstr(&s->shown, t->bank, strlen(t->bank));
		payroll_buf_addstr(&s->shown, ",\"account\":");
		addjstr(&s->shown, acct.p ? acct.p : "", acct.len);
		payroll_buf_addstr(&s->shown, ",\"amount\":\"");
		payroll_buf_addmoney(&s->shown, t->amount);
		payroll_buf_addstr(&s->shown, "\",\"memo\":");
		addjstr(&s->shown, t->memo, strlen(t->memo));
		payroll_buf_addstr(&s->shown, "}");
	} else {
		payroll_buf_addf(&s->shown, "  %lld %s %s ", (long long)t->seq, t->bank,
				 acct.p ? acct.p : "");
		payroll_buf_addmoney(&s->shown, t->amount);
		payroll_buf_addf(&s->shown, " %s\n", t->memo);
	}
	free(acct.p);
	return 0;
}

static void
on_problem(void *ctx, const struct payroll_error *e)
{
	struct state *s = ctx;

	if (s->format == 1) {
		payroll_buf_addf(&s->problems, "%s{\"file\":", s->problems.len ? "," : "");
		addjstr(&s->problems, e->file, strlen(e->file));
		payroll_buf_addf(&s->problems, ",\"record\":%ld,\"code\":", e->line);
		addjstr(&s->problems, e->code, strlen(e->code));
		payroll_buf_addstr(&s->problems, ",\"message\":");
		addjstr(&s->problems, e->message, strlen(e->message));
		payroll_buf_addstr(&s->problems, "}");
	} else {
		char line[PAYROLL_PATH_MAX + 700];

		/* FILE:RECORD: CODE: message, or FILE: CODE: ... for the file as a whole */
		payroll_error_format(e, line, sizeof line);
		payroll_buf_addf(&s->problems, "  %s\n", line);
	}
}

static int
cmp_bank(const void *a, const void *b)
{
	return strcmp(((const struct bank *)a)->code, ((const struct bank *)b)->code);
}

static void
print_text(const char *path, const struct payroll_bankread_info *in, struct state *s,
	   int nproblems)
{
	char m[PAYROLL_MONEY_MAX];
	size_t i;

	payroll_money_format(in->total, m);
	printf("file: %s\nformat: %s\nperiod: %s\ntransfers: %ld\ntotal: %s\n", path,
	       in->format, in->period[0] ? in->period : "-", in->count, m);
	for (i = 0; i < s->nbanks; i++) {
		payroll_money_format(s->banks[i].total, m);
		printf("bank %s: %ld transfers, %s\n", s->banks[i].code[0] ? s->banks[i].code : "-",
		       s->banks[i].count, m);
	}
	printf("problems: %d\n%s", nproblems, s->problems.p ? s->problems.p : "");
	printf("first transfers (accounts masked):\n%s", s->shown.p ? s->shown.p : "");
	printf("%s\n", nproblems ? "INVALID" : "valid");
}

static void
print_json(const char *path, const struct payroll_bankread_info *in, struct state *s,
	   int nproblems)
{
	struct payroll_buf b = { 0 };
	char m[PAYROLL_MONEY_MAX];
	size_t i;

	payroll_money_format(in->total, m);
	payroll_buf_addstr(&b, "{\"file\":");
	addjstr(&b, path, strlen(path));
	payroll_buf_addstr(&b, ",\"format\":");
	addjstr(&b, in->format, strlen(in->format));
	payroll_buf_addstr(&b, ",\"period\":");
	addjstr(&b, in->period, strlen(in->period));
	payroll_buf_addf(&b, ",\"count\":%ld,\"total\":\"%s\",\"banks\":[", in->count, m);
	for (i = 0; i < s->nbanks; i++) {
		payroll_money_format(s->banks[i].total, m);
		payroll_buf_addf(&b, "%s{\"bank\":", i ? "," : "");
		addjstr(&b, s->banks[i].code, strlen(s->banks[i].code));
		payroll_buf_addf(&b, ",\"count\":%ld,\"total\":\"%s\"}", s->banks[i].count, m);
	}
	payroll_buf_addf(&b, "],\"valid\":%s,\"problems\":[%s],\"transfers\":[%s]}\n",
			 nproblems ? "false" : "true", s->problems.p ? s->problems.p : "",
			 s->shown.p ? s->shown.p : "");
	fputs(b.p ? b.p : "", stdout);
	free(b.p);
}

int
main(int argc, char **argv)
{
	const char *layout = NULL, *payer = NULL;
	struct state s;
	const struct tool_opt opts[] = {
		OPT(0, "layout", OPT_STRING, &layout, "NAME|FILE",
		    N_("csv, fixed-gbk, pain001 or a layout file (default:\n"
		       "detected from the csv header, the XML namespace or\n"
		       "the fixed-gbk header record)"), 0),
		OPT(0, "payer", OPT_PATH, &payer, "F", N_("pain001: the payer file bankfile wrote it with;\n"
		       "its debtor is checked (payer-mismatch)"), 0),
		OPT_NUM(0, "format", OPT_CHOICE, &s.format, "text|json|csv",
			N_("text (default), json, or csv: every transfer,\n"
			   "unmasked, in the form of bankfile's csv"), 0, 0, 0),
		OPT_NUM(0, "show", OPT_LONG, &s.show, "N", N_("transfers shown masked (default 10)"),
			0, 0, 1000000000),
		OPT_END,
	};
	struct tool t = { .name = "payroll-inspect", .opts = opts, .operands = "FILE",
		.min_operands = 1, .max_operands = 1,
		.exits = N_("0 valid, 1 problems (each listed), 2 cannot read\n") };
	struct payroll_problems p;
	struct payroll_bankread_info info;
	struct payroll_bankread_opts o = { NULL, 0, NULL };
	struct payroll_payer *pf = NULL;
	struct payroll_payer_debtor debtor;
	struct payroll_error err;
	const char *path;
	size_t i;
	int rc;

	memset(&s, 0, sizeof s);
	s.show = 10;
	if ((rc = tool_parse(&t, argc, argv)) >= 0)
		return rc;
	path = t.args[0];
	memset(&p, 0, sizeof p);
	memset(&err, 0, sizeof err);
	p.path = path;
	p.all = 1;
	p.diag = s.format == 2 ? tool_diag : on_problem;
	p.ctx = s.format == 2 ? NULL : &s;
	if (s.format == 2)
		fputs(PAYROLL_BANK_CSV_HEADER, stdout);
	if (payer) {
		if ((rc = payroll_payer_load(&pf, payer, &err)) != 0)
			return tool_fail(&t, rc, &err);
		payroll_payer_debtor(pf, &debtor);
		o.payer = &debtor;
	}
	o.layout = layout;
	rc = payroll_bankread_opts(path, &o, on_transfer, &s, &p, &info, &err);
	payroll_payer_free(pf);
	if (rc < 0)
		return tool_fail(&t, rc, &err);
	if (s.nbanks > 1)
		qsort(s.banks, s.nbanks, sizeof *s.banks, cmp_bank);
	if (s.format == 1) {
		print_json(path, &info, &s, p.count);
	} else if (s.format == 0) {
		print_text(path, &info, &s, p.count);
	}
	for (i = 0; i < s.nbanks; i++)
		free(s.banks[i].code);
	free(s.banks);
	free(s.shown.p);
	free(s.problems.p);
	free(s.csv.p);
	if (fflush(stdout) != 0)
		return tool_fail(&t, PAYROLL_EIO, NULL);
	return p.count ? EXIT_ATTENTION : EXIT_OK;
}
