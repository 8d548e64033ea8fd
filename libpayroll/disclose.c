/* SPDX-License-Identifier: Apache-2.0 */
#include "disclose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ledger.h"
#include "mask.h"
#include "money.h"
#include "outfile.h"
#include "banned.h"

enum { P_SUBSISTENCE, P_EXTREME, P_TEMPORARY };
static const char *const program_zh[] = { "低保", "特困", "临时救助" };

struct entry {
	size_t region, locality, name;	/* offsets in the arena */
	long ordinal;
	int program, members;
	int64_t monthly, other;
};

struct list {
	struct payroll_buf arena;
	struct entry *e;
	size_t n, cap;
	char period[8];
	char case_id[80];	/* of the case being read */
	int has_temporary;
};

static int
program_of(const char *p)
{
	if (!strcmp(p, "subsistence"))
		return P_SUBSISTENCE;
	if (!strcmp(p, "extreme-poverty"))
		return P_EXTREME;
	return P_TEMPORARY;
}

static size_t
keep(struct list *l, const char *s)
{
	size_t at = l->arena.len;

	if (payroll_buf_add(&l->arena, s, strlen(s) + 1))
		return (size_t)-1;
	return at;
}

static int
new_case(struct list *l, const struct payroll_ledger_line *x, const char *path,
	 struct payroll_error *err)
{
	struct payroll_buf masked = { 0 };
	struct entry *e;
	size_t bad = 0;
	int rc;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct entry *g = realloc(l->e, cap * sizeof *g);

		if (!g)
			return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
		l->e = g;
		l->cap = cap;
	}
	if (!x->name[0])
		return payroll_error_set(err, PAYROLL_EFORMAT, path, x->line, 0, "bad-name",
					 "case %s: the name is empty", x->case_id);
	rc = payroll_mask_name(&masked, x->name, strlen(x->name), &bad);
	if (rc == PAYROLL_EFORMAT)
		return payroll_error_set(err, rc, path, x->line, 0, "bad-name",
					 "case %s: the name is not valid UTF-8 (byte %zu)",
					 x->case_id, bad + 1);
	e = &l->e[l->n];
	memset(e, 0, sizeof *e);
	e->ordinal = (long)l->n;
	e->program = program_of(x->program);
	e->members = x->members;
	e->region = keep(l, x->region);
	e->locality = keep(l, x->locality);
	e->name = keep(l, payroll_buf_str(&masked));
	payroll_buf_release(&masked);
	if (rc || e->region == (size_t)-1 || e->locality == (size_t)-1 || e->name == (size_t)-1)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	l->has_temporary |= e->program == P_TEMPORARY;
	snprintf(l->case_id, sizeof l->case_id, "%s", x->case_id);
	l->n++;
	return 0;
}

static int
read_ledger(struct list *l, const char *path, struct payroll_error *err)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line x;
	int rc, prev_program = -1;

	if ((rc = payroll_ledger_open(&r, path, err)) != 0)
		return rc;
	while ((rc = payroll_ledger_next(r, &x, err)) == 1) {
		struct entry *e;
		int64_t *to;

		rc = 0;
		if (!l->period[0])
			snprintf(l->period, sizeof l->period, "%.7s", x.period);
		else if (strcmp(x.period, l->period)) {
			rc = payroll_error_set(err, PAYROLL_EFORMAT, payroll_ledger_path(r), x.line, 0,
					       "mixed-period", "period %s differs from %s: one list is one month",
					       x.period, l->period);
			break;
		}
		if (!l->n || strcmp(x.case_id, l->case_id) || program_of(x.program) != prev_program)
			if ((rc = new_case(l, &x, payroll_ledger_path(r), err)) != 0)
				break;
		prev_program = program_of(x.program);
		e = &l->e[l->n - 1];
		to = !strcmp(x.month, l->period) && strncmp(x.item, "subsidy:", 8) &&
		     strcmp(x.item, "temporary") ? &e->monthly : &e->other;
		if (payroll_add(*to, x.amount, to)) {
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, payroll_ledger_path(r), x.line, 0,
					       "overflow", "amount too large");
			break;
		}
	}
	payroll_ledger_close(r);
	return rc;
}

static const struct list *sorting;

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	const char *s = sorting->arena.p;
	int d = strcmp(s + x->region, s + y->region);

	if (!d)
		d = strcmp(s + x->locality, s + y->locality);
	return d ? d : (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

static const char *
at(const struct list *l, size_t off)
{
	return l->arena.p + off;
}

/*
 * Hand what b holds to out (NULL: nobody wants it) once it passes 64 KiB,
 * or always with force: the outputs are streamed, never held whole.
 * 0, or PAYROLL_EIO.
 */
static int
drain(struct payroll_buf *b, struct payroll_outfile *out, int force)
{
	int rc = 0;

	if (b->len < 65536 && !force)
		return 0;
	if (out && b->len && payroll_outfile_write(out, b->p, b->len))
		rc = PAYROLL_EIO;
	payroll_buf_reset(b);
	return rc;
}

static int
write_csv(const struct list *l, struct payroll_buf *b, struct payroll_outfile *out)
{
	size_t i;
	int rc = payroll_buf_addstr(b, "locality,program,name,members,monthly_amount,other_amount,total\n");

	for (i = 0; rc == 0 && i < l->n; i++) {
		const struct entry *e = &l->e[i];

		rc = payroll_buf_addcsv(b, at(l, e->locality), strlen(at(l, e->locality))) ||
		     payroll_buf_addf(b, ",%s,", program_zh[e->program]) ||
		     payroll_buf_addcsv(b, at(l, e->name), strlen(at(l, e->name))) ||
		     payroll_buf_addf(b, ",%d,", e->members) || payroll_buf_addmoney(b, e->monthly) ||
		     payroll_buf_addch(b, ',') || payroll_buf_addmoney(b, e->other) ||
		     payroll_buf_addch(b, ',') || payroll_buf_addmoney(b, e->monthly + e->other) ||
		     payroll_buf_addch(b, '\n');
		if (rc == 0 && drain(b, out, 0))
			return PAYROLL_EIO;
	}
	if (rc)
		return PAYROLL_ENOMEM;
	return drain(b, out, 1);
}

static int
html_text(struct payroll_buf *b, const char *s)
{
	int rc = 0;

	for (; *s && rc == 0; s++)
		switch (*s) {
		case '&': rc = payroll_buf_addstr(b, "&amp;"); break;
		case '<': rc = payroll_buf_addstr(b, "&lt;"); break;
		case '>': rc = payroll_buf_addstr(b, "&gt;"); break;
		case '"': rc = payroll_buf_addstr(b, "&quot;"); break;
		case '\'': rc = payroll_buf_addstr(b, "&#39;"); break;
		default: rc = payroll_buf_addch(b, *s);
		}
	return rc;
}

static const char style[] =
	"body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",serif;margin:2em;color:#000}\n"
	"h1{text-align:center;font-size:1.4em}\n"
	"p.office{text-align:center}\n"
	"table{border-collapse:collapse;width:100%;font-size:.95em}\n"
	"th,td{border:1px solid #000;padding:2px 6px}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tr.sub td{font-weight:bold;background:#eee}\n"
	"tr.all td{font-weight:bold;background:#ddd}\n"
	"@page{size:A4;margin:15mm}\n"
	"@media print{body{margin:0}tr{page-break-inside:avoid}thead{display:table-header-group}"
	"tr.sub td,tr.all td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static int
money_cell(struct payroll_buf *b, int64_t fen)
{
	return payroll_buf_addstr(b, "<td class=\"n\">") || payroll_buf_addmoney(b, fen) ||
	       payroll_buf_addstr(b, "</td>");
}

static int
total_row(struct payroll_buf *b, const char *cls, const char *label, long cases,
	  long persons, int64_t monthly, int64_t other)
{
	return payroll_buf_addf(b, "<tr class=\"%s\"><td colspan=\"3\">%s %ld 户</td><td class=\"n\">%ld</td>",
				cls, label, cases, persons) ||
	       money_cell(b, monthly) || money_cell(b, other) || money_cell(b, monthly + other) ||
	       payroll_buf_addstr(b, "</tr>\n");
}

/*
 * The last day of a notice period of days starting at from (YYYY-MM-DD),
 * in Chinese. -1 when from is not a real date (2026-02-30 is refused).
 */
static int
notice_end(const char *from, int days, char *out, size_t n)
{
	struct tm tm = { 0 };
	int y, m, d;
	time_t t;

	if (strlen(from) != 10 || from[4] != '-' || from[7] != '-' ||
	    strspn(from, "0123456789-") != 10 ||
	    sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || tm.tm_mday != d)
		return -1;
	tm.tm_mday += days - 1;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &tm))
		return -1;
	return strftime(out, n, "%Y年%-m月%-d日", &tm) ? 0 : -1;
}

static int
write_html(const struct payroll_disclose_opts *o, const struct list *l,
	   struct payroll_buf *b, struct payroll_outfile *out,
	   struct payroll_disclose_result *res)
{
	char title[200], from[40] = "", until[40] = "";
	long cases = 0, persons = 0;
	int64_t monthly = 0, other = 0, gm = 0, go = 0;
	int days = o->notice_days ? o->notice_days : 7, rc = 0;
	size_t i;

	if (l->period[0])
		snprintf(title, sizeof title, "%.4s年%d月 城乡最低生活保障金%s发放公示", l->period,
			 (l->period[5] - '0') * 10 + (l->period[6] - '0'), l->has_temporary ?
			 "、特困人员救助供养金及临时救助金" : "及特困人员救助供养金");
	else
		snprintf(title, sizeof title, "城乡最低生活保障金及特困人员救助供养金发放公示");
	rc |= payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	rc |= html_text(b, title);
	rc |= payroll_buf_addf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
	rc |= html_text(b, title);
	rc |= payroll_buf_addstr(b, "</h1>\n");
	if (o->office) {
		rc |= payroll_buf_addstr(b, "<p class=\"office\">公示单位：");
		rc |= html_text(b, o->office);
		rc |= payroll_buf_addstr(b, "</p>\n");
	}
	rc |= payroll_buf_addstr(b, "<table>\n<thead><tr><th>村（社区）</th><th>类别</th><th>姓名</th>"
				    "<th>保障人数</th><th>本月金额（元）</th><th>其他金额（元）</th>"
				    "<th>合计（元）</th></tr></thead>\n<tbody>\n");
	for (i = 0; rc == 0 && i < l->n; i++) {
		const struct entry *e = &l->e[i];

		rc |= payroll_buf_addstr(b, "<tr><td>");
		rc |= html_text(b, at(l, e->locality));
		rc |= payroll_buf_addf(b, "</td><td>%s</td><td>", program_zh[e->program]);
		rc |= html_text(b, at(l, e->name));
		rc |= payroll_buf_addf(b, "</td><td class=\"n\">%d</td>", e->members);
		rc |= money_cell(b, e->monthly) | money_cell(b, e->other) |
		      money_cell(b, e->monthly + e->other);
		rc |= payroll_buf_addstr(b, "</tr>\n");
		cases++, persons += e->members, monthly += e->monthly, other += e->other;
		if (i + 1 == l->n || strcmp(at(l, e->locality), at(l, l->e[i + 1].locality)) ||
		    strcmp(at(l, e->region), at(l, l->e[i + 1].region))) {
			rc |= total_row(b, "sub", "小计", cases, persons, monthly, other);
			res->cases += cases, res->persons += persons, gm += monthly, go += other;
			cases = persons = 0, monthly = other = 0;
		}
		if (rc == 0 && drain(b, out, 0))
			return PAYROLL_EIO;
	}
	rc |= total_row(b, "all", "合计", res->cases, res->persons, gm, go);
	rc |= payroll_buf_addstr(b, "</tbody>\n</table>\n<p>共 ");
	rc |= payroll_buf_addf(b, "%ld 户 %ld 人，发放金额合计 ", res->cases, res->persons);
	rc |= payroll_buf_addmoney(b, gm + go);
	rc |= payroll_buf_addstr(b, " 元。</p>\n");
	if (o->notice_from && notice_end(o->notice_from, days, until, sizeof until) == 0 &&
	    notice_end(o->notice_from, 1, from, sizeof from) == 0)
		rc |= payroll_buf_addf(b, "<p>公示期：%s至%s（%d天）。</p>\n", from, until, days);
	else
		rc |= payroll_buf_addf(b, "<p>公示期：%d天。</p>\n", days);
	if (o->phone) {
		rc |= payroll_buf_addstr(b, "<p>如有异议，请在公示期内反映。监督电话：");
		rc |= html_text(b, o->phone);
		rc |= payroll_buf_addstr(b, "</p>\n");
	}
	rc |= payroll_buf_addstr(b, "</body>\n</html>\n");
	if (rc)
		return PAYROLL_ENOMEM;
	return drain(b, out, 1);
}

/* Turn a write_csv/write_html failure into err. */
static int
write_failed(int rc, const char *path, struct payroll_error *err)
{
	if (rc == PAYROLL_EIO)
		return payroll_error_errno(err, rc, path, "cannot write");
	return payroll_error_set(err, rc, path, 0, 0, "no-memory", "out of memory");
}

int
payroll_disclose(const struct payroll_disclose_opts *o,
		 struct payroll_disclose_result *res, struct payroll_error *err)
{
	struct payroll_outfile *out[2] = { NULL, NULL };
	struct payroll_buf csv = { 0 }, html = { 0 };
	char probe[40];
	struct list l;
	size_t i;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&l, 0, sizeof l);
	payroll_error_clear(err);
	if (!o->ledger || !o->output)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "a ledger and -o are needed");
	if (o->notice_days < 0 || o->notice_days > 365)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "notice days: 1 to 365");
	if (o->notice_from && notice_end(o->notice_from, 1, probe, sizeof probe) != 0)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "--notice-from '%s' is not a date YYYY-MM-DD", o->notice_from);
	{
		const char *outs[] = { o->output, o->html };

		if ((rc = payroll_outfile_check_paths(&o->ledger, 1, outs, 2, err)) != 0)
			return rc;
	}
	rc = read_ledger(&l, o->ledger, err);
	if (rc == 0 && l.n) {
		sorting = &l;
		qsort(l.e, l.n, sizeof *l.e, cmp_entry);
	}
	for (i = 0; rc == 0 && i < l.n; i++)
		if (payroll_add(res->total, l.e[i].monthly + l.e[i].other, &res->total))
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, o->ledger, 0, 0, "overflow", "total too large");
	if (rc == 0)
		rc = payroll_outfile_open(&out[0], o->output, 0, err);
	if (rc == 0 && o->html)
		rc = payroll_outfile_open(&out[1], o->html, 0, err);
	if (rc == 0 && (rc = write_csv(&l, &csv, out[0])) != 0)
		rc = write_failed(rc, o->output, err);
	if (rc == 0 && (rc = write_html(o, &l, &html, out[1], res)) != 0)
		rc = write_failed(rc, o->html ? o->html : o->output, err);
	if (rc == 0)
		rc = payroll_outfile_commit_all(out, 2, err);
	payroll_outfile_abort(out[0]);
	payroll_outfile_abort(out[1]);
	payroll_buf_release(&csv);
	payroll_buf_release(&html);
	payroll_buf_release(&l.arena);
	free(l.e);
	return rc;
}
