/* SPDX-License-Identifier: Apache-2.0 */
#include "changes_fmt.h"

#include <stdio.h>
#include <string.h>

#include "disclose.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

static const char *const program_name[] = { "subsistence", "extreme-poverty", "temporary" };
static const char *const program_zh[] = { "低保", "特困", "临时救助" };

static const char *const class_name[PAYROLL_CHANGE_NCLASS] = {
	"new", "stopped", "changed", "unchanged",
};
static const char *const class_zh[PAYROLL_CHANGE_NCLASS] = { "新增", "停发", "变更", "未变" };
static const char *const reason_name[PAYROLL_CHANGE_NREASON] = {
	"amount", "members", "program", "account", "arrears", "subsidy",
};
static const char *const reason_zh[PAYROLL_CHANGE_NREASON] = {
	"调标", "人数变更", "类别变更", "账户变更", "补发", "补贴变更",
};

const char *
payroll_changes_program_name(int program)
{
	return program >= 0 && (size_t)program < sizeof program_name / sizeof *program_name ?
	       program_name[program] : NULL;
}

const char *
payroll_changes_class_name(enum payroll_change_class c)
{
	return (unsigned)c < PAYROLL_CHANGE_NCLASS ? class_name[c] : "?";
}

const char *
payroll_changes_reason_name(enum payroll_change_reason r)
{
	return (unsigned)r < PAYROLL_CHANGE_NREASON ? reason_name[r] : "?";
}

static int
add_signed(struct payroll_buf *b, int64_t fen)
{
	return (fen > 0 && payroll_buf_addch(b, '+')) || payroll_buf_addmoney(b, fen);
}

/* "OLD<arrow>NEW" in yuan, then " (+DIFF)" when diff is set. */
static int
money_change(struct payroll_buf *b, const int64_t v[2], const char *arrow, int diff)
{
	return payroll_buf_addmoney(b, v[0]) || payroll_buf_addstr(b, arrow) ||
	       payroll_buf_addmoney(b, v[1]) ||
	       (diff && (payroll_buf_addstr(b, " (") || add_signed(b, v[1] - v[0]) ||
			 payroll_buf_addch(b, ')')));
}

/* The totals of class i, or of all cases for i == PAYROLL_CHANGE_NCLASS. */
static const struct payroll_changes_total *
total_of(const struct payroll_changes_result *r, int i)
{
	return i < PAYROLL_CHANGE_NCLASS ? &r->cls[i] : &r->all;
}

static int
json_str(struct payroll_buf *b, const char *s)
{
	return payroll_buf_addch(b, '"') || payroll_buf_addjson(b, s, strlen(s)) ||
	       payroll_buf_addch(b, '"');
}

static int
json_money(struct payroll_buf *b, int64_t fen, int sign)
{
	return payroll_buf_addch(b, '"') || (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen)) ||
	       payroll_buf_addch(b, '"');
}

/* The reasons joined by sep, in words (zh) or names. */
static int
reasons_list(struct payroll_buf *b, unsigned reasons, const char *sep, int zh, int json)
{
	int i, n = 0, rc = 0;

	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		if (reasons & (1u << i)) {
			rc = (n++ && payroll_buf_addstr(b, sep)) ||
			     (json ? json_str(b, reason_name[i]) :
				     payroll_buf_addstr(b, zh ? reason_zh[i] : reason_name[i]));
		}
	return rc;
}

/* ---- text ---- */

static int
text_case(struct payroll_changes_fmt *x, const struct payroll_changes_view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int s = v->has[1], rc;

	rc = payroll_buf_addstr(b, "  ") || payroll_buf_addstr(b, v->case_id) ||
	     payroll_buf_addf(b, "  %s  ", program_name[v->program[s]]) ||
	     payroll_buf_addstr(b, name) || payroll_buf_addstr(b, "  ") ||
	     payroll_buf_addstr(b, v->locality);
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, "  ") || payroll_buf_addstr(b, v->id_number);
	if (rc == 0 && v->cls != PAYROLL_CHANGE_CHANGED) {
		rc = payroll_buf_addf(b, "\n      persons %d  regular ", v->members[s]) ||
		     payroll_buf_addmoney(b, v->regular[s]) || payroll_buf_addstr(b, "  amount ") ||
		     payroll_buf_addmoney(b, v->total[s]);
		if (rc == 0 && s == 1 && v->arrears)
			rc = payroll_buf_addstr(b, "  arrears ") || payroll_buf_addmoney(b, v->arrears);
		return rc || payroll_buf_addch(b, '\n');
	}
	rc = rc || payroll_buf_addstr(b, "\n      reasons ") ||
	     reasons_list(b, v->reasons, ", ", 0, 0) || payroll_buf_addstr(b, "  amount ") ||
	     money_change(b, v->total, " -> ", 1) || payroll_buf_addch(b, '\n');
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_AMOUNT)))
		rc = payroll_buf_addstr(b, "      regular ") || money_change(b, v->regular, " -> ", 1) ||
		     payroll_buf_addch(b, '\n');
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_MEMBERS)))
		rc = payroll_buf_addf(b, "      members %d -> %d\n", v->members[0], v->members[1]);
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_PROGRAM)))
		rc = payroll_buf_addf(b, "      program %s -> %s\n", program_name[v->program[0]],
				      program_name[v->program[1]]);
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_ACCOUNT))) {
		if (x->o->public)
			rc = payroll_buf_addstr(b, "      account changed\n");
		else
			rc = payroll_buf_addf(b, "      account %s %s %s -> %s %s %s\n",
					      v->payee[0][0], v->payee[0][1], v->payee[0][2],
					      v->payee[1][0], v->payee[1][1], v->payee[1][2]);
	}
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_ARREARS)))
		rc = payroll_buf_addstr(b, "      arrears ") || payroll_buf_addmoney(b, v->arrears) ||
		     payroll_buf_addch(b, '\n');
	if (rc == 0 && (v->reasons & (1u << PAYROLL_CHANGE_SUBSIDY)))
		rc = payroll_buf_addstr(b, "      subsidy ") || money_change(b, v->subsidy, " -> ", 0) ||
		     payroll_buf_addch(b, '\n');
	return rc;
}

static int
text_head(struct payroll_changes_fmt *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	int i, rc;

	rc = payroll_buf_addf(b, "changes %s -> %s\n--- old %s\n+++ new %s\n\n",
			      r->period[0][0] ? r->period[0] : "(empty)",
			      r->period[1][0] ? r->period[1] : "(empty)", x->path[0], x->path[1]) ||
	     payroll_buf_addf(b, "%-10s %10s %8s %8s %14s %14s %14s\n", "class", "households",
			      "old pers", "new pers", "old amount", "new amount", "difference");
	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = total_of(r, i);
		char m[3][32];

		payroll_money_format(t->amount[0], m[0]);
		payroll_money_format(t->amount[1], m[1]);
		payroll_buf_reset(&x->tmp);
		rc = add_signed(&x->tmp, t->amount[1] - t->amount[0]);
		snprintf(m[2], sizeof m[2], "%s", payroll_buf_str(&x->tmp));
		rc = rc || payroll_buf_addf(b, "%-10s %10ld %8ld %8ld %14s %14s %14s\n",
					    i < PAYROLL_CHANGE_NCLASS ? class_name[i] : "all",
					    t->households, t->persons[0], t->persons[1], m[0], m[1], m[2]);
	}
	rc = rc || payroll_buf_addstr(b, "\nreasons");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, " %s %ld%s", reason_name[i], r->by_reason[i],
				      i + 1 < PAYROLL_CHANGE_NREASON ? "," : "\n");
	return rc;
}

/* ---- csv ---- */

static int
csv_field(struct payroll_buf *b, const char *s)
{
	return payroll_buf_addch(b, ',') || payroll_buf_addcsv(b, s, strlen(s));
}

static int
csv_head(struct payroll_changes_fmt *x)
{
	return payroll_buf_addstr(&x->b, x->o->bom ? PAYROLL_UTF8_BOM : "") ||
	       payroll_buf_addstr(&x->b, "record,class,case_id,reasons,old_program,new_program,"
					 "locality,name,") ||
	       (!x->o->public && payroll_buf_addstr(&x->b, "id_number,")) ||
	       payroll_buf_addstr(&x->b, "households,old_persons,new_persons,old_regular,"
					 "new_regular,regular_difference,old_subsidy,new_subsidy,"
					 "arrears,old_amount,new_amount,amount_difference") ||
	       (!x->o->public &&
		payroll_buf_addstr(&x->b, ",old_bank,old_account,old_account_name,new_bank,"
					  "new_account,new_account_name")) ||
	       payroll_buf_addch(&x->b, '\n');
}

/* ",money" or "," when the side is absent. */
static int
csv_money(struct payroll_buf *b, int has, int64_t fen, int sign)
{
	return payroll_buf_addch(b, ',') ||
	       (has && (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen)));
}

static int
csv_case(struct payroll_changes_fmt *x, const struct payroll_changes_view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int both = v->has[0] && v->has[1], s, rc;

	rc = payroll_buf_addf(b, "case,%s", class_name[v->cls]) || csv_field(b, v->case_id) ||
	     payroll_buf_addch(b, ',') || reasons_list(b, v->reasons, ";", 0, 0);
	for (s = 0; s < 2 && rc == 0; s++)
		rc = payroll_buf_addch(b, ',') ||
		     (v->has[s] && payroll_buf_addstr(b, program_name[v->program[s]]));
	rc = rc || csv_field(b, v->locality) || csv_field(b, name) ||
	     (!x->o->public && csv_field(b, v->id_number)) || payroll_buf_addstr(b, ",1");
	for (s = 0; s < 2 && rc == 0; s++)
		rc = payroll_buf_addch(b, ',') || (v->has[s] && payroll_buf_addf(b, "%d", v->members[s]));
	rc = rc || csv_money(b, v->has[0], v->regular[0], 0) ||
	     csv_money(b, v->has[1], v->regular[1], 0) ||
	     csv_money(b, both, v->regular[1] - v->regular[0], 1) ||
	     csv_money(b, v->has[0], v->subsidy[0], 0) || csv_money(b, v->has[1], v->subsidy[1], 0) ||
	     csv_money(b, v->has[1], v->arrears, 0) || csv_money(b, v->has[0], v->total[0], 0) ||
	     csv_money(b, v->has[1], v->total[1], 0) ||
	     csv_money(b, 1, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1);
	for (s = 0; s < 2 && rc == 0 && !x->o->public; s++) {
		int k;

		for (k = 0; k < 3 && rc == 0; k++)
			rc = v->has[s] ? csv_field(b, v->payee[s][k]) : payroll_buf_addch(b, ',');
	}
	return rc || payroll_buf_addch(b, '\n');
}

static int
csv_totals(struct payroll_changes_fmt *x)
{
	struct payroll_buf *b = &x->b;
	int i, rc = 0;

	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = total_of(x->res, i);

		rc = payroll_buf_addf(b, "total,%s,,,,,,,%s%ld,%ld,%ld,,,,,,,", i < PAYROLL_CHANGE_NCLASS ?
				      class_name[i] : "all", x->o->public ? "" : ",", t->households,
				      t->persons[0], t->persons[1]) ||
		     payroll_buf_addmoney(b, t->amount[0]) || payroll_buf_addch(b, ',') ||
		     payroll_buf_addmoney(b, t->amount[1]) || payroll_buf_addch(b, ',') ||
		     add_signed(b, t->amount[1] - t->amount[0]) ||
		     payroll_buf_addstr(b, x->o->public ? "\n" : ",,,,,,\n");
	}
	return rc;
}

/* ---- json ---- */

static int
json_total(struct payroll_buf *b, const char *name, const struct payroll_changes_total *t, int last)
{
	return payroll_buf_addf(b, "    \"%s\": {\"households\": %ld, \"persons\": {\"old\": %ld, "
				"\"new\": %ld}, \"amounts\": {\"old\": ", name, t->households,
				t->persons[0], t->persons[1]) ||
	       json_money(b, t->amount[0], 0) || payroll_buf_addstr(b, ", \"new\": ") ||
	       json_money(b, t->amount[1], 0) || payroll_buf_addstr(b, ", \"difference\": ") ||
	       json_money(b, t->amount[1] - t->amount[0], 1) ||
	       payroll_buf_addstr(b, last ? "}}\n" : "}},\n");
}

static int
json_head(struct payroll_changes_fmt *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	int i, rc = payroll_buf_addstr(b, "{\n");

	for (i = 0; i < 2 && rc == 0; i++)
		rc = payroll_buf_addf(b, "  \"%s\": {\"path\": ", i ? "new" : "old") ||
		     json_str(b, x->path[i]) || payroll_buf_addstr(b, ", \"period\": ") ||
		     (r->period[i][0] ? json_str(b, r->period[i]) : payroll_buf_addstr(b, "null")) ||
		     payroll_buf_addf(b, ", \"lines\": %ld, \"households\": %ld, \"amount\": ",
				      r->lines[i], r->cases[i]) ||
		     json_money(b, r->sum[i], 0) || payroll_buf_addstr(b, "},\n");
	rc = rc || payroll_buf_addf(b, "  \"public\": %s,\n  \"totals\": {\n",
				    x->o->public ? "true" : "false");
	for (i = 0; i < PAYROLL_CHANGE_NCLASS && rc == 0; i++)
		rc = json_total(b, class_name[i], &r->cls[i], 0);
	rc = rc || json_total(b, "all", &r->all, 1) || payroll_buf_addstr(b, "  },\n  \"reasons\": {");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, "%s\"%s\": %ld", i ? ", " : "", reason_name[i], r->by_reason[i]);
	return rc || payroll_buf_addstr(b, "},\n  \"cases\": [");
}

static int
json_side(struct payroll_changes_fmt *x, const struct payroll_changes_view *v, int s)
{
	struct payroll_buf *b = &x->b;
	int rc;

	if (!v->has[s])
		return payroll_buf_addstr(b, "null");
	rc = payroll_buf_addf(b, "{\"line\": %ld, \"program\": \"%s\", \"members\": %d, \"regular\": ",
			      v->line[s], program_name[v->program[s]], v->members[s]) ||
	     json_money(b, v->regular[s], 0) || payroll_buf_addstr(b, ", \"subsidy\": ") ||
	     json_money(b, v->subsidy[s], 0);
	if (rc == 0 && s == 1)
		rc = payroll_buf_addstr(b, ", \"arrears\": ") || json_money(b, v->arrears, 0);
	rc = rc || payroll_buf_addstr(b, ", \"amount\": ") || json_money(b, v->total[s], 0);
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, ", \"bank\": ") || json_str(b, v->payee[s][0]) ||
		     payroll_buf_addstr(b, ", \"account\": ") || json_str(b, v->payee[s][1]) ||
		     payroll_buf_addstr(b, ", \"account_name\": ") || json_str(b, v->payee[s][2]);
	return rc || payroll_buf_addch(b, '}');
}

static int
json_case(struct payroll_changes_fmt *x, const struct payroll_changes_view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int rc;

	rc = payroll_buf_addstr(b, x->first ? "\n    {\"case_id\": " : ",\n    {\"case_id\": ") ||
	     json_str(b, v->case_id) || payroll_buf_addf(b, ", \"class\": \"%s\", \"reasons\": [",
							 class_name[v->cls]) ||
	     reasons_list(b, v->reasons, ", ", 0, 1) || payroll_buf_addstr(b, "], \"locality\": ") ||
	     json_str(b, v->locality) || payroll_buf_addstr(b, ", \"name\": ") || json_str(b, name);
	x->first = 0;
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, ", \"id_number\": ") || json_str(b, v->id_number);
	rc = rc || payroll_buf_addstr(b, ", \"old\": ") || json_side(x, v, 0) ||
	     payroll_buf_addstr(b, ", \"new\": ") || json_side(x, v, 1) ||
	     payroll_buf_addstr(b, ", \"regular_difference\": ") ||
	     json_money(b, v->regular[1] * v->has[1] - v->regular[0] * v->has[0], 1) ||
	     payroll_buf_addstr(b, ", \"amount_difference\": ") ||
	     json_money(b, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1) ||
	     payroll_buf_addch(b, '}');
	return rc;
}

/* ---- html ---- */

static const char style[] =
	"body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",serif;margin:2em;color:#000}\n"
	"h1{text-align:center;font-size:1.4em}\n"
	"h2{font-size:1.1em;margin-top:1.2em}\n"
	"p.sub{text-align:center}\n"
	"table{border-collapse:collapse;width:100%;font-size:.8em}\n"
	"th,td{border:1px solid #000;padding:2px 4px}\n"
	"td{white-space:nowrap}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.w{white-space:normal;word-break:break-all;min-width:8em}\n"
	"tr.all td{font-weight:bold;background:#ddd}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0}tr{page-break-inside:avoid}thead{display:table-header-group}"
	"tr.all td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* "2026年11月" for a period; "（无）" for none. */
static void
period_zh(const char *p, char *out, size_t n)
{
	if (!p[0])
		snprintf(out, n, "（无）");
	else
		snprintf(out, n, "%.4s年%d月", p, (p[5] - '0') * 10 + (p[6] - '0'));
}

static int
html_money(struct payroll_buf *b, int has, int64_t fen, int sign)
{
	return payroll_buf_addstr(b, "<td class=\"n\">") ||
	       (has && (sign ? add_signed(b, fen) : payroll_buf_addmoney(b, fen))) ||
	       payroll_buf_addstr(b, "</td>");
}

static int
html_head(struct payroll_changes_fmt *x)
{
	const struct payroll_changes_result *r = x->res;
	struct payroll_buf *b = &x->b;
	char p0[40], p1[40], title[200];
	int i, rc;

	period_zh(r->period[0], p0, sizeof p0);
	period_zh(r->period[1], p1, sizeof p1);
	snprintf(title, sizeof title, "%s 城乡低保和特困人员变动情况", p1);
	rc = payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>") ||
	     payroll_html_text(b, title) ||
	     payroll_buf_addf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style) ||
	     payroll_html_text(b, title) ||
	     payroll_buf_addf(b, "</h1>\n<p class=\"sub\">与%s比较（上月：%s，本月：%s）</p>\n", p0, p0, p1) ||
	     payroll_buf_addstr(b, "<table>\n<thead><tr><th>类别</th><th>户数</th><th>上月人数</th>"
				   "<th>本月人数</th><th>上月金额（元）</th><th>本月金额（元）</th>"
				   "<th>增减（元）</th></tr></thead>\n<tbody>\n");
	for (i = 0; i <= PAYROLL_CHANGE_NCLASS && rc == 0; i++) {
		const struct payroll_changes_total *t = total_of(r, i);

		rc = payroll_buf_addf(b, "<tr%s><td>%s</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
				      "<td class=\"n\">%ld</td>", i < PAYROLL_CHANGE_NCLASS ? "" : " class=\"all\"",
				      i < PAYROLL_CHANGE_NCLASS ? class_zh[i] : "合计", t->households,
				      t->persons[0], t->persons[1]) ||
		     html_money(b, 1, t->amount[0], 0) || html_money(b, 1, t->amount[1], 0) ||
		     html_money(b, 1, t->amount[1] - t->amount[0], 1) || payroll_buf_addstr(b, "</tr>\n");
	}
	rc = rc || payroll_buf_addstr(b, "</tbody>\n</table>\n<p>变更原因：");
	for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++)
		rc = payroll_buf_addf(b, "%s %ld 户%s", reason_zh[i], r->by_reason[i],
				      i + 1 < PAYROLL_CHANGE_NREASON ? "，" : "。</p>\n");
	return rc;
}

static int
html_section(struct payroll_changes_fmt *x, int cls)
{
	struct payroll_buf *b = &x->b;

	return payroll_buf_addf(b, "<h2>%s（%ld 户）</h2>\n<table>\n<thead><tr><th>编号</th>"
			       "<th>村（社区）</th><th>类别</th><th>姓名</th>", class_zh[cls],
			       x->res->cls[cls].households) ||
	       (!x->o->public && payroll_buf_addstr(b, "<th>身份证号</th>")) ||
	       payroll_buf_addstr(b, "<th>人数</th><th>上月金额（元）</th><th>本月金额（元）</th>"
				     "<th>增减（元）</th><th>说明</th></tr></thead>\n<tbody>\n");
}

static int
html_case(struct payroll_changes_fmt *x, const struct payroll_changes_view *v, const char *name)
{
	struct payroll_buf *b = &x->b;
	int s = v->has[1], rc;

	rc = payroll_buf_addstr(b, "<tr><td>") || payroll_html_text(b, v->case_id) ||
	     payroll_buf_addstr(b, "</td><td>") || payroll_html_text(b, v->locality) ||
	     payroll_buf_addf(b, "</td><td>%s</td><td>", program_zh[v->program[s]]) ||
	     payroll_html_text(b, name) || payroll_buf_addstr(b, "</td>");
	if (rc == 0 && !x->o->public)
		rc = payroll_buf_addstr(b, "<td>") || payroll_html_text(b, v->id_number) ||
		     payroll_buf_addstr(b, "</td>");
	if (rc == 0 && v->has[0] && v->has[1] && v->members[0] != v->members[1])
		rc = payroll_buf_addf(b, "<td class=\"n\">%d→%d</td>", v->members[0], v->members[1]);
	else
		rc = rc || payroll_buf_addf(b, "<td class=\"n\">%d</td>", v->members[s]);
	rc = rc || html_money(b, v->has[0], v->total[0], 0) || html_money(b, v->has[1], v->total[1], 0) ||
	     html_money(b, 1, v->total[1] * v->has[1] - v->total[0] * v->has[0], 1) ||
	     payroll_buf_addstr(b, "<td class=\"w\">");
	if (rc == 0 && v->cls == PAYROLL_CHANGE_CHANGED) {
		int i, n = 0;

		for (i = 0; i < PAYROLL_CHANGE_NREASON && rc == 0; i++) {
			if (!(v->reasons & (1u << i)))
				continue;
			rc = (n++ && payroll_buf_addstr(b, "；")) || payroll_buf_addstr(b, reason_zh[i]);
			if (rc == 0 && i == PAYROLL_CHANGE_AMOUNT)
				rc = payroll_buf_addch(b, ' ') || money_change(b, v->regular, "→", 0);
			else if (rc == 0 && i == PAYROLL_CHANGE_PROGRAM)
				rc = payroll_buf_addf(b, " %s→%s", program_zh[v->program[0]],
						      program_zh[v->program[1]]);
			else if (rc == 0 && i == PAYROLL_CHANGE_ARREARS)
				rc = payroll_buf_addch(b, ' ') || payroll_buf_addmoney(b, v->arrears);
			else if (rc == 0 && i == PAYROLL_CHANGE_SUBSIDY)
				rc = payroll_buf_addch(b, ' ') || money_change(b, v->subsidy, "→", 0);
			else if (rc == 0 && i == PAYROLL_CHANGE_ACCOUNT && !x->o->public)
				rc = payroll_buf_addch(b, ' ') || payroll_html_text(b, v->payee[0][1]) ||
				     payroll_buf_addstr(b, "→") || payroll_html_text(b, v->payee[1][1]);
		}
	} else if (rc == 0 && s == 1 && v->arrears) {
		rc = payroll_buf_addstr(b, "含补发 ") || payroll_buf_addmoney(b, v->arrears);
	}
	return rc || payroll_buf_addstr(b, "</td></tr>\n");
}

int
payroll_changes_fmt_head(struct payroll_changes_fmt *x)
{
	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT: return text_head(x) ? -1 : 0;
	case PAYROLL_CHANGES_CSV: return csv_head(x) ? -1 : 0;
	case PAYROLL_CHANGES_JSON: return json_head(x) ? -1 : 0;
	default: return html_head(x) ? -1 : 0;
	}
}

int
payroll_changes_fmt_section(struct payroll_changes_fmt *x, int cls)
{
	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT:
		return payroll_buf_addf(&x->b, "\n%s %ld\n", class_name[cls],
					x->res->cls[cls].households) ? -1 : 0;
	case PAYROLL_CHANGES_HTML:
		return html_section(x, cls) ? -1 : 0;
	default:
		return 0;
	}
}

int
payroll_changes_fmt_section_end(struct payroll_changes_fmt *x, int cls)
{
	(void)cls;
	return x->o->format == PAYROLL_CHANGES_HTML &&
	       payroll_buf_addstr(&x->b, "</tbody>\n</table>\n") ? -1 : 0;
}

int
payroll_changes_fmt_case(struct payroll_changes_fmt *x, const struct payroll_changes_view *v,
			 const char *name)
{
	int rc;

	switch (x->o->format) {
	case PAYROLL_CHANGES_TEXT: rc = text_case(x, v, name); break;
	case PAYROLL_CHANGES_CSV: rc = csv_case(x, v, name); break;
	case PAYROLL_CHANGES_JSON: rc = json_case(x, v, name); break;
	default: rc = html_case(x, v, name); break;
	}
	return rc ? -1 : 0;
}

int
payroll_changes_fmt_tail(struct payroll_changes_fmt *x)
{
	int rc;

	switch (x->o->format) {
	case PAYROLL_CHANGES_CSV: rc = csv_totals(x); break;
	case PAYROLL_CHANGES_JSON: rc = payroll_buf_addstr(&x->b, x->first ? "]\n}\n" : "\n  ]\n}\n"); break;
	case PAYROLL_CHANGES_HTML: rc = payroll_buf_addstr(&x->b, "</body>\n</html>\n"); break;
	default: rc = 0; break;
	}
	return rc ? -1 : 0;
}
