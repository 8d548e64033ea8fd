/* SPDX-License-Identifier: Apache-2.0 */
#include "approval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "disclose.h"
#include "ledger.h"
#include "money.h"
#include "outfile.h"
#include "sign.h"
#include "banned.h"

static size_t
put(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf + len, s, n + 1);
	return len + n;
}

size_t
payroll_money_capital(int64_t fen, char *buf)
{
	static const char *const digit[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
	static const char *const unit[] = { "", "拾", "佰", "仟" };
	static const char *const group[] = { "", "万", "亿", "万亿", "亿亿" };
	uint64_t v = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen, yuan = v / 100;
	int jiao = (int)(v / 10 % 10), f = (int)(v % 10), d[24], n = 0, p;
	int zero = 0, any = 0, in_group = 0;
	size_t len = 0;

	buf[0] = '\0';
	if (fen < 0)
		len = put(buf, len, "负");
	for (; yuan; yuan /= 10)
		d[n++] = (int)(yuan % 10);
	for (p = n - 1; p >= 0; p--) {
		if (d[p] == 0) {
			zero = any;
		} else {
			if (zero)
				len = put(buf, len, "零");
			len = put(buf, len, digit[d[p]]);
			len = put(buf, len, unit[p % 4]);
			zero = 0;
			any = in_group = 1;
		}
		if (p % 4 == 0 && p > 0) {
			if (in_group)
				len = put(buf, len, group[p / 4]);
			in_group = 0;
		}
	}
	if (n)
		len = put(buf, len, "元");
	if (!jiao && !f)
		return put(buf, len, n ? "整" : "零元整");
	if (jiao) {
		len = put(buf, len, digit[jiao]);
		len = put(buf, len, "角");
	} else if (n) {
		len = put(buf, len, "零");
	}
	if (f) {
		len = put(buf, len, digit[f]);
		len = put(buf, len, "分");
	}
	return len;
}

/* ---- the ledger's totals ------------------------------------------------ */

enum { P_SUBSISTENCE, P_EXTREME, P_TEMPORARY, P_N };

struct row {
	int program;
	char item[96];		/* the ledger's item, or "" for arrears */
	long households, persons, last_case;
	int64_t amount;
};

struct sheet {
	struct row *r;
	size_t n, cap;
	long households[P_N], persons[P_N], cases;
	int64_t amount[P_N], total;
	char period[8];
};

static struct row *
row_of(struct sheet *s, int program, const char *item)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].program == program && !strcmp(s->r[i].item, item))
			return &s->r[i];
	if (payroll_grow((void **)&s->r, s->n, &s->cap, sizeof *s->r))
		return NULL;
	memset(&s->r[s->n], 0, sizeof s->r[s->n]);
	s->r[s->n].program = program;
	s->r[s->n].last_case = -1;
	snprintf(s->r[s->n].item, sizeof s->r[s->n].item, "%s", item);
	return &s->r[s->n++];
}

static int
read_ledger(struct sheet *s, const char *path, struct payroll_error *err)
{
	struct payroll_ledger_reader *r;
	struct payroll_ledger_line x;
	char case_id[96] = "";
	int rc, program = -1;

	if ((rc = payroll_ledger_open(&r, path, err)) != 0)
		return rc;
	while ((rc = payroll_ledger_next(r, &x, err)) == 1) {
		int p = payroll_program_index(x.program);
		struct row *w;

		rc = 0;
		if (!s->period[0]) {
			snprintf(s->period, sizeof s->period, "%.7s", x.period);
		} else if (strcmp(x.period, s->period)) {
			rc = payroll_error_set(err, PAYROLL_EFORMAT, payroll_ledger_path(r), x.line, 0,
					       "mixed-period", "period %s differs from %s: one sheet is one month",
					       x.period, s->period);
			break;
		}
		if (p != program || strcmp(x.case_id, case_id)) {
			program = p;
			snprintf(case_id, sizeof case_id, "%s", x.case_id);
			s->cases++;
			s->households[p]++;
			s->persons[p] += x.members;
		}
		if (!(w = row_of(s, p, strcmp(x.month, s->period) ? "" : x.item))) {
			rc = payroll_error_set(err, PAYROLL_ENOMEM, path, 0, 0, "no-memory", "out of memory");
			break;
		}
		if (w->last_case != s->cases) {
			w->last_case = s->cases;
			w->households++;
			w->persons += x.members;
		}
		if (payroll_add(w->amount, x.amount, &w->amount) ||
		    payroll_add(s->amount[p], x.amount, &s->amount[p]) ||
		    payroll_add(s->total, x.amount, &s->total)) {
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, payroll_ledger_path(r), x.line, 0,
					       "overflow", "amount too large");
			break;
		}
	}
	payroll_ledger_close(r);
	return rc;
}

/* ---- the page ----------------------------------------------------------- */

static const char style[] =
	"@page{size:A4 portrait;margin:15mm}\n"
	"body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",\"WenQuanYi Zen Hei\",serif;"
	"margin:0;color:#000;font-size:10.5pt;width:180mm}\n"
	"h1{text-align:center;white-space:nowrap;margin:0 0 3mm;line-height:1.3}\n"
	"h2{font-size:11pt;margin:4mm 0 1.5mm}\n"
	"p{margin:0;line-height:1.6;white-space:nowrap}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"tr{height:6.5mm;break-inside:avoid;page-break-inside:avoid}\n"
	"th,td{border:.75pt solid #000;padding:0 1.5mm;white-space:nowrap}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.h{font-family:\"DejaVu Sans Mono\",monospace;font-size:7pt}\n"
	"tr.sub td,tr.all td{font-weight:bold;background:#eee;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"p.capital{margin-top:2mm;font-size:11pt}\n"
	"table.sign{margin-top:10mm}\n"
	"table.sign td{border:0;height:12mm;vertical-align:bottom}\n"
	"span.blank{display:inline-block;min-width:35mm;border-bottom:.75pt solid #000}\n";

static const char *
item_zh(const char *item, char *buf, size_t n)
{
	static const char *const known[][2] = {
		{ "", "补发（往月）" }, { "allowance", "低保金" }, { "supplement", "分类施保金" },
		{ "basic-living", "基本生活费" }, { "care", "照料护理费" },
		{ "subsidy:living", "一次性生活补贴" }, { "subsidy:price", "价格临时补贴" },
		{ "temporary", "临时救助金" },
	};
	size_t i;

	for (i = 0; i < sizeof known / sizeof *known; i++)
		if (!strcmp(item, known[i][0]))
			return known[i][1];
	if (!strncmp(item, "subsidy:", 8))
		snprintf(buf, n, "一次性补贴（%s）", item + 8);
	else
		snprintf(buf, n, "%s", item);
	return buf;
}

static int
totals_row(struct payroll_buf *b, const char *cls, const char *label, long households,
	   long persons, int64_t amount)
{
	return payroll_buf_addf(b, "<tr class=\"%s\"><td colspan=\"2\">%s</td><td class=\"n\">%ld</td>"
				"<td class=\"n\">%ld</td><td class=\"n\">", cls, label, households, persons) ||
	       payroll_buf_addmoney(b, amount) || payroll_buf_addstr(b, "</td></tr>\n");
}

static int
write_items(struct payroll_buf *b, const struct sheet *s)
{
	char name[160], label[40];
	int p, rc = 0;
	size_t i;

	rc |= payroll_buf_addstr(b, "<table class=\"items\">\n<thead><tr><th>类别</th><th>项目</th>"
				    "<th>户数</th><th>人数</th><th>金额（元）</th></tr></thead>\n<tbody>\n");
	for (p = 0; p < P_N; p++) {
		if (!s->households[p])
			continue;
		for (i = 0; i < s->n; i++) {
			const struct row *w = &s->r[i];

			if (w->program != p)
				continue;
			rc |= payroll_buf_addf(b, "<tr><td>%s</td><td>", payroll_program_zh(p));
			rc |= payroll_html_text(b, item_zh(w->item, name, sizeof name));
			rc |= payroll_buf_addf(b, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
					       "<td class=\"n\">", w->households, w->persons);
			rc |= payroll_buf_addmoney(b, w->amount);
			rc |= payroll_buf_addstr(b, "</td></tr>\n");
		}
		snprintf(label, sizeof label, "%s小计", payroll_program_zh(p));
		rc |= totals_row(b, "sub", label, s->households[p], s->persons[p], s->amount[p]);
	}
	rc |= totals_row(b, "all", "合计", s->cases,
			 s->persons[0] + s->persons[1] + s->persons[2], s->total);
	rc |= payroll_buf_addstr(b, "</tbody>\n</table>\n");
	return rc ? PAYROLL_ENOMEM : 0;
}

static int
write_files(struct payroll_buf *b, const struct payroll_approval_opts *o,
	    struct payroll_error *err)
{
	unsigned char md[32];
	size_t i;
	int k, rc;

	if (!o->nfiles)
		return payroll_buf_addstr(b, "<h2>银行文件</h2>\n<p>本期无转账，未生成银行文件。</p>\n") ?
			PAYROLL_ENOMEM : 0;
	if (payroll_buf_addstr(b, "<h2>银行文件</h2>\n<table class=\"files\">\n<thead><tr><th>文件</th>"
			       "<th>笔数</th><th>金额（元）</th><th>SHA-256</th></tr></thead>\n<tbody>\n"))
		return PAYROLL_ENOMEM;
	for (i = 0; i < o->nfiles; i++) {
		const struct payroll_approval_file *f = &o->files[i];

		if ((rc = payroll_sha256_file(f->path, md, err)) != 0)
			return rc;
		rc = payroll_buf_addstr(b, "<tr><td>") || payroll_html_text(b, f->name) ||
		     payroll_buf_addf(b, "</td><td class=\"n\">%ld</td><td class=\"n\">", f->transfers) ||
		     payroll_buf_addmoney(b, f->total) || payroll_buf_addstr(b, "</td><td class=\"h\">");
		for (k = 0; rc == 0 && k < 32; k++)
			rc = payroll_buf_addf(b, "%02x", md[k]);
		if (rc || payroll_buf_addstr(b, "</td></tr>\n"))
			return PAYROLL_ENOMEM;
	}
	return payroll_buf_addstr(b, "</tbody>\n</table>\n") ? PAYROLL_ENOMEM : 0;
}

static int
write_sheet(struct payroll_buf *b, const struct payroll_approval_opts *o,
	    const struct sheet *s, struct payroll_error *err)
{
	static const char *const signer[] = { "经办人", "审核人", "负责人" };
	char title[200], capital[PAYROLL_CAPITAL_MAX];
	int size, rc, i;

	if (s->period[0])
		snprintf(title, sizeof title, "%.4s年%d月 城乡低保、特困人员救助供养金及临时救助金发放审批表",
			 s->period, (s->period[5] - '0') * 10 + (s->period[6] - '0'));
	else
		snprintf(title, sizeof title, "城乡低保、特困人员救助供养金及临时救助金发放审批表");
	size = payroll_html_title_size(title);
	payroll_money_capital(s->total, capital);
	rc = payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>") ||
	     payroll_html_text(b, title) ||
	     payroll_buf_addf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1 style=\"font-size:%d.%dpt\">",
			      style, size / 10, size % 10) ||
	     payroll_html_text(b, title) || payroll_buf_addstr(b, "</h1>\n<p>单位：") ||
	     (o->office && *o->office ? payroll_html_text(b, o->office)
				      : payroll_buf_addstr(b, "<span class=\"blank\"></span>")) ||
	     (s->period[0] ? payroll_buf_addf(b, "　　　　所属期：%.4s年%d月", s->period,
					     (s->period[5] - '0') * 10 + (s->period[6] - '0')) : 0) ||
	     payroll_buf_addstr(b, "</p>\n");
	if (rc || (rc = write_items(b, s)) != 0)
		return PAYROLL_ENOMEM;
	rc = payroll_buf_addf(b, "<p class=\"capital\">合计金额（大写）：人民币%s</p>\n<p>合计金额（小写）：¥", capital) ||
	     payroll_buf_addmoney(b, s->total) ||
	     payroll_buf_addf(b, "　　共 %ld 户 %ld 人</p>\n", s->cases,
			      s->persons[0] + s->persons[1] + s->persons[2]);
	if (rc)
		return PAYROLL_ENOMEM;
	if ((rc = write_files(b, o, err)) != 0)
		return rc;
	rc = payroll_buf_addstr(b, "<table class=\"sign\">\n");
	for (i = 0; rc == 0 && i < 3; i++)
		rc = payroll_buf_addf(b, "<tr><td>%s（签字）：<span class=\"blank\"></span></td>"
				      "<td>日期：　　　　年　　月　　日</td></tr>\n", signer[i]);
	if (rc || payroll_buf_addstr(b, "</table>\n</body>\n</html>\n"))
		return PAYROLL_ENOMEM;
	return 0;
}

int
payroll_approval(const struct payroll_approval_opts *o,
		 struct payroll_approval_result *res, struct payroll_error *err)
{
	struct payroll_outfile *out = NULL;
	struct payroll_buf b = { 0 };
	struct sheet s;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&s, 0, sizeof s);
	payroll_error_clear(err);
	if (!o->ledger || !o->output || (o->nfiles && !o->files))
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage",
					 "a ledger and an output are needed");
	rc = read_ledger(&s, o->ledger, err);
	if (rc == 0 && (rc = write_sheet(&b, o, &s, err)) == PAYROLL_ENOMEM)
		rc = payroll_error_set(err, rc, o->output, 0, 0, "no-memory", "out of memory");
	if (rc == 0)
		rc = payroll_outfile_open(&out, o->output, 0, err);
	if (rc == 0 && payroll_outfile_write(out, b.p, b.len)) {
		payroll_outfile_abort(out);
		rc = payroll_error_errno(err, PAYROLL_EIO, o->output, "cannot write");
	} else if (rc == 0) {
		rc = payroll_outfile_commit(out, err);
	}
	if (rc == 0) {
		res->households = s.cases;
		res->persons = s.persons[0] + s.persons[1] + s.persons[2];
		res->total = s.total;
	}
	payroll_buf_release(&b);
	free(s.r);
	return rc;
}
