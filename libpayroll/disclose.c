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

const char *
payroll_program_zh(int program)
{
	return program_zh[program];
}

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

int
payroll_program_index(const char *p)
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

	if (payroll_grow((void **)&l->e, l->n, &l->cap, sizeof *l->e))
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
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
	e->program = payroll_program_index(x->program);
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
		if (!l->n || strcmp(x.case_id, l->case_id) || payroll_program_index(x.program) != prev_program)
			if ((rc = new_case(l, &x, payroll_ledger_path(r), err)) != 0)
				break;
		prev_program = payroll_program_index(x.program);
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

/* A text cell of the CSV: safe from spreadsheets (mask.h), then quoted. */
static int
csv_text(struct payroll_buf *b, struct payroll_buf *tmp, const char *s)
{
	payroll_buf_reset(tmp);
	return payroll_csv_text_safe(tmp, s, strlen(s)) || payroll_buf_addcsv(b, tmp->p ? tmp->p : "", tmp->len);
}

static int
write_csv(const struct list *l, int bom, struct payroll_buf *b, struct payroll_outfile *out)
{
	struct payroll_buf tmp = { 0 };
	size_t i;
	int rc = payroll_buf_addstr(b, bom ? PAYROLL_UTF8_BOM : "") ||
		 payroll_buf_addstr(b, "locality,program,name,members,monthly_amount,other_amount,total\n");

	for (i = 0; rc == 0 && i < l->n; i++) {
		const struct entry *e = &l->e[i];

		rc = csv_text(b, &tmp, at(l, e->locality)) ||
		     payroll_buf_addf(b, ",%s,", program_zh[e->program]) ||
		     csv_text(b, &tmp, at(l, e->name)) ||
		     payroll_buf_addf(b, ",%d,", e->members) || payroll_buf_addmoney(b, e->monthly) ||
		     payroll_buf_addch(b, ',') || payroll_buf_addmoney(b, e->other) ||
		     payroll_buf_addch(b, ',') || payroll_buf_addmoney(b, e->monthly + e->other) ||
		     payroll_buf_addch(b, '\n');
		if (rc == 0 && drain(b, out, 0)) {
			payroll_buf_release(&tmp);
			return PAYROLL_EIO;
		}
	}
	payroll_buf_release(&tmp);
	if (rc)
		return PAYROLL_ENOMEM;
	return drain(b, out, 1);
}

int
payroll_html_text(struct payroll_buf *b, const char *s)
{
	size_t left = strlen(s);
	unsigned long cp;
	int rc = 0, len;

	for (; *s && rc == 0; s += len, left -= (size_t)len) {
		len = payroll_utf8_char(s, left, &cp);
		if (len > 1 && payroll_is_bidi_control(cp))
			continue;
		len = len ? len : 1;
		switch (*s) {
		case '&': rc = payroll_buf_addstr(b, "&amp;"); break;
		case '<': rc = payroll_buf_addstr(b, "&lt;"); break;
		case '>': rc = payroll_buf_addstr(b, "&gt;"); break;
		case '"': rc = payroll_buf_addstr(b, "&quot;"); break;
		case '\'': rc = payroll_buf_addstr(b, "&#39;"); break;
		default: rc = payroll_buf_add(b, s, (size_t)len);
		}
	}
	return rc;
}

int
payroll_html_title_size(const char *title)
{
	size_t width = 0, left = strlen(title);	/* width in hundredths of an em */
	unsigned long cp;
	int len, size;

	for (; *title; title += len, left -= (size_t)len) {
		len = payroll_utf8_char(title, left, &cp);
		len = len ? len : 1;
		width += cp < 0x80 ? 60 : 100;
	}
	/* 180 mm of A4 less the margins is 510 pt; keep 8 % for the font's
	 * own spacing and bold letters */
	size = width ? (int)(4690 * 100 / width) : 180;
	return size > 180 ? 180 : size;
}

int
payroll_date_zh(const char *ymd, int add_days, char *out, size_t n)
{
	struct tm tm = { 0 };
	int y, m, d;
	time_t t;

	if (strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-' ||
	    strspn(ymd, "0123456789-") != 10 ||
	    sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || tm.tm_mday != d)
		return -1;
	tm.tm_mday += add_days;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &tm))
		return -1;
	return strftime(out, n, "%Y年%-m月%-d日", &tm) ? 0 : -1;
}

/*
 * The page: A4 portrait, 15 mm margins, every size fixed in pt or mm so
 * that ROWS rows always fit one sheet (tests/e2e/pages.sh prints it with
 * Chromium and counts the sheets). Nothing wraps; the pages are laid out
 * here, each locality starting a new one.
 */
#define ROWS 22		/* table rows a page holds, subtotal and total included */

static const char style[] =
	"@page{size:A4 portrait;margin:15mm}\n"
	"body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",\"WenQuanYi Zen Hei\",serif;"
	"margin:0;color:#000;font-size:10.5pt}\n"
	"div.page{width:180mm}\n"
	"div.next{break-before:page;page-break-before:always}\n"
	"h1{text-align:center;white-space:nowrap;margin:0 0 3mm;line-height:1.3}\n"
	"p{margin:0;line-height:1.5;white-space:nowrap}\n"
	"p.where{margin-bottom:1.5mm}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"thead{display:table-header-group}\n"
	"tr{height:7mm;break-inside:avoid;page-break-inside:avoid}\n"
	"th,td{border:.75pt solid #000;padding:0 1.5mm;white-space:nowrap}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".s{font-size:8.5pt}\n"
	"tr.sub td,tr.all td{font-weight:bold;background:#eee;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"p.legend{font-size:9pt;margin-top:1.5mm}\n"
	"div.foot{margin-top:3mm}\n"
	"div.seal{margin:2mm 0 0 auto;width:75mm;height:38mm;position:relative}\n"
	"div.seal p{position:absolute;right:0}\n"
	"div.seal p.office{bottom:7mm}\n"
	"div.seal p.date{bottom:0}\n"
	"span.blank{display:inline-block;min-width:30mm;border-bottom:.75pt solid #000}\n"
	"p.pageno{text-align:center;margin-top:3mm}\n";

static const char header_row[] =
	"<thead><tr><th>序号</th><th>类别</th><th>姓名</th><th>保障人数</th>"
	"<th>本月金额（元）</th><th>其他金额（元）</th><th>合计（元）</th></tr></thead>\n";

/* Text longer than this many characters is set in the smaller font. */
#define LONG_NAME 8
#define LONG_LOCALITY 14

static size_t
nchars(const char *s)
{
	size_t k = 0;

	for (; *s; s++)
		k += ((unsigned char)*s & 0xc0) != 0x80;
	return k;
}

struct doc {
	const struct payroll_disclose_opts *o;
	const struct list *l;
	char title[200];
	int title_size;		/* tenths of a pt */
	char from[40], until[40], date[40];
	int days;
	int pages, page;	/* Y and X */
	int with_total;		/* the grand total on the last page */
	const struct payroll_disclose_result *all;
	int64_t all_monthly, all_other;
	struct payroll_buf *b;
	struct payroll_outfile *out;
};

static int
money_cell(struct payroll_buf *b, int64_t fen)
{
	return payroll_buf_addstr(b, "<td class=\"n\">") || payroll_buf_addmoney(b, fen) ||
	       payroll_buf_addstr(b, "</td>");
}

static int
total_row(struct payroll_buf *b, const char *cls, const char *label, const char *locality,
	  long cases, long persons, int64_t monthly, int64_t other)
{
	int small = locality && nchars(locality) > LONG_LOCALITY;

	return payroll_buf_addf(b, "<tr class=\"%s\"><td colspan=\"3\"%s>%s", cls,
				small ? " class=\"s\"" : "", label) ||
	       (locality && (payroll_buf_addstr(b, "（") || payroll_html_text(b, locality) ||
			     payroll_buf_addstr(b, "）"))) ||
	       payroll_buf_addf(b, " %ld 户</td><td class=\"n\">%ld</td>", cases, persons) ||
	       money_cell(b, monthly) || money_cell(b, other) || money_cell(b, monthly + other) ||
	       payroll_buf_addstr(b, "</tr>\n");
}

/* Where the group (one locality of one region) that starts at i ends. */
static size_t
group_end(const struct list *l, size_t i)
{
	size_t j = i + 1;

	while (j < l->n && !strcmp(at(l, l->e[j].locality), at(l, l->e[i].locality)) &&
	       !strcmp(at(l, l->e[j].region), at(l, l->e[i].region)))
		j++;
	return j;
}

/*
 * How many of left case rows the next page of a group takes, when extra
 * total rows (1 or 2) close the group: all when they fit with the
 * totals; else a full page, but one row is always kept back for the last
 * page so that totals never stand alone. *last: this is the last page.
 */
static size_t
page_take(size_t left, int extra, int *last)
{
	size_t take;

	*last = left + (size_t)extra <= ROWS;
	if (*last)
		return left;
	take = left < ROWS ? left : ROWS;
	return take == left ? take - 1 : take;
}

/* The pages a group of rows cases takes. */
static int
group_pages(size_t rows, int extra)
{
	int pages = 0, last = 0;

	while (!last) {
		rows -= page_take(rows, extra, &last);
		pages++;
	}
	return pages;
}

static int
blank_or(struct payroll_buf *b, const char *s)
{
	return s && *s ? payroll_html_text(b, s) : payroll_buf_addstr(b, "<span class=\"blank\"></span>");
}

static int
page_top(struct doc *d, const char *locality, int more)
{
	struct payroll_buf *b = d->b;

	return payroll_buf_addf(b, "<div class=\"page%s\">\n<h1 style=\"font-size:%d.%dpt\">",
				d->page > 1 ? " next" : "", d->title_size / 10, d->title_size % 10) ||
	       payroll_html_text(b, d->title) ||
	       payroll_buf_addstr(b, "</h1>\n<p class=\"where\">村（社区）：") ||
	       (locality ? payroll_html_text(b, locality) : payroll_buf_addstr(b, "—")) ||
	       payroll_buf_addstr(b, more ? "（续）</p>\n<table>\n" : "</p>\n<table>\n") ||
	       payroll_buf_addstr(b, header_row) || payroll_buf_addstr(b, "<tbody>\n");
}

static int
page_bottom(struct doc *d, int last)
{
	const struct payroll_disclose_opts *o = d->o;
	struct payroll_buf *b = d->b;

	if (payroll_buf_addstr(b, "</tbody>\n</table>\n<p class=\"legend\">其他金额：补发往月金额、"
			       "一次性补贴和临时救助金；本月金额：本月应发的保障金。</p>\n"))
		return PAYROLL_ENOMEM;
	if (last && d->with_total &&
	    (payroll_buf_addf(b, "<p>共 %ld 户 %ld 人，发放金额合计 ", d->all->cases, d->all->persons) ||
	     payroll_buf_addmoney(b, d->all->total) || payroll_buf_addstr(b, " 元。</p>\n")))
		return PAYROLL_ENOMEM;
	if (payroll_buf_addstr(b, "<div class=\"foot\">\n<p>公示期：") ||
	    (d->from[0] ? payroll_buf_addf(b, "%s至%s", d->from, d->until)
			: payroll_buf_addstr(b, "　　　　年　　月　　日至　　　　年　　月　　日")) ||
	    payroll_buf_addf(b, "（%d天）。如有异议，请在公示期内向公示单位反映。</p>\n<p>监督电话：",
			     d->days) ||
	    blank_or(b, o->phone) ||
	    payroll_buf_addstr(b, "</p>\n<div class=\"seal\"><p class=\"office\">公示单位（公章）：") ||
	    blank_or(b, o->office) ||
	    payroll_buf_addf(b, "</p><p class=\"date\">%s</p></div>\n</div>\n",
			     d->date[0] ? d->date : "　　　　年　　月　　日") ||
	    payroll_buf_addf(b, "<p class=\"pageno\">第 %d 页 共 %d 页</p>\n</div>\n", d->page, d->pages))
		return PAYROLL_ENOMEM;
	return 0;
}

static int
case_row(struct payroll_buf *b, const struct list *l, const struct entry *e, size_t k)
{
	return payroll_buf_addf(b, "<tr><td class=\"n\">%zu</td><td>%s</td><td%s>", k,
				program_zh[e->program],
				nchars(at(l, e->name)) > LONG_NAME ? " class=\"s\"" : "") ||
	       payroll_html_text(b, at(l, e->name)) ||
	       payroll_buf_addf(b, "</td><td class=\"n\">%d</td>", e->members) ||
	       money_cell(b, e->monthly) || money_cell(b, e->other) ||
	       money_cell(b, e->monthly + e->other) || payroll_buf_addstr(b, "</tr>\n");
}

/*
 * One page of a group: the rows [*i, *i + take), then the subtotal (and
 * the grand total) on its last page.
 */
static int
group_page(struct doc *d, size_t g, size_t ge, size_t *i, int extra, int *last)
{
	const struct list *l = d->l;
	const char *locality = at(l, l->e[g].locality);
	size_t take = page_take(ge - *i, extra, last), end = *i + take;
	long cases = 0, persons = 0;
	int64_t monthly = 0, other = 0;
	size_t k;

	if (page_top(d, locality, *i > g))
		return PAYROLL_ENOMEM;
	for (; *i < end; (*i)++)
		if (case_row(d->b, l, &l->e[*i], *i - g + 1))
			return PAYROLL_ENOMEM;
	if (*last) {
		for (k = g; k < ge; k++)
			cases++, persons += l->e[k].members, monthly += l->e[k].monthly,
				other += l->e[k].other;
		if (total_row(d->b, "sub", "小计", locality, cases, persons, monthly, other))
			return PAYROLL_ENOMEM;
	}
	if (*last && extra == 2 &&
	    total_row(d->b, "all", "合计", NULL, d->all->cases, d->all->persons,
		      d->all_monthly, d->all_other))
		return PAYROLL_ENOMEM;
	return page_bottom(d, *last && extra == 2) ? PAYROLL_ENOMEM : drain(d->b, d->out, 0);
}

/* One file: the groups of cases [from, to), page by page. */
static int
write_doc(struct doc *d, size_t from, size_t to)
{
	struct payroll_buf *b = d->b;
	size_t g, ge, i;
	int rc = 0, last;

	d->pages = 0;
	d->page = 1;
	for (g = from; g < to; g = ge) {
		ge = group_end(d->l, g);
		d->pages += group_pages(ge - g, 1 + (d->with_total && ge == to));
	}
	if (payroll_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>") ||
	    payroll_html_text(b, d->title) ||
	    payroll_buf_addf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style))
		return PAYROLL_ENOMEM;
	if (from == to) {	/* no case: one page with the total only */
		d->pages = 1;
		if (page_top(d, NULL, 0) ||
		    (d->with_total && total_row(b, "all", "合计", NULL, 0, 0, 0, 0)) ||
		    page_bottom(d, 1))
			return PAYROLL_ENOMEM;
	}
	for (g = from; rc == 0 && g < to; g = ge) {
		ge = group_end(d->l, g);
		for (i = g, last = 0; rc == 0 && !last; d->page++)
			rc = group_page(d, g, ge, &i, 1 + (d->with_total && ge == to), &last);
	}
	if (rc == 0 && payroll_buf_addstr(b, "</body>\n</html>\n"))
		rc = PAYROLL_ENOMEM;
	return rc ? rc : drain(b, d->out, 1);
}

/*
 * The file name for a locality's page with --split-by locality: the HTML
 * path less ".html" or ".htm", "-", the locality with every byte that is
 * unsafe in a file name ('/', '\\', control characters, space and
 * :*?"<>|) made "_", bidi controls dropped, a leading '.' made "_", cut
 * to 120 bytes at a character; "-2", "-3"... when names meet.
 */
static int
split_name(struct payroll_buf *name, const char *html, const char *locality,
	   const struct payroll_buf *taken)
{
	size_t base = strlen(html), i, len0, k;
	unsigned long cp;
	int len, n;

	if (base > 5 && !strcmp(html + base - 5, ".html"))
		base -= 5;
	else if (base > 4 && !strcmp(html + base - 4, ".htm"))
		base -= 4;
	payroll_buf_reset(name);
	if (payroll_buf_add(name, html, base) || payroll_buf_addch(name, '-'))
		return PAYROLL_ENOMEM;
	len0 = name->len;
	for (i = 0; locality[i] && name->len - len0 < 120; i += (size_t)len) {
		len = payroll_utf8_char(locality + i, strlen(locality + i), &cp);
		len = len ? len : 1;
		if (len > 1 && payroll_is_bidi_control(cp))
			continue;
		if ((unsigned char)locality[i] < 0x20 || locality[i] == 0x7f ||
		    strchr("/\\ :*?\"<>|", locality[i]) || (name->len == len0 && locality[i] == '.')) {
			if (payroll_buf_addch(name, '_'))
				return PAYROLL_ENOMEM;
		} else if (payroll_buf_add(name, locality + i, (size_t)len)) {
			return PAYROLL_ENOMEM;
		}
	}
	if (name->len == len0 && payroll_buf_addch(name, '_'))
		return PAYROLL_ENOMEM;
	len0 = name->len;
	for (n = 1;; n++) {
		int seen = 0;

		name->len = len0;
		name->p[len0] = '\0';
		if (n > 1 && payroll_buf_addf(name, "-%d", n))
			return PAYROLL_ENOMEM;
		if (payroll_buf_addstr(name, ".html"))
			return PAYROLL_ENOMEM;
		for (k = 0; k < taken->len && !seen; k += strlen(taken->p + k) + 1)
			seen = !strcmp(taken->p + k, name->p);
		if (!seen)
			return 0;
	}
}

/* Turn a write failure into err. */
static int
write_failed(int rc, const char *path, struct payroll_error *err)
{
	if (rc == PAYROLL_EIO)
		return payroll_error_errno(err, rc, path, "cannot write");
	return payroll_error_set(err, rc, path, 0, 0, "no-memory", "out of memory");
}

static void
doc_init(struct doc *d, const struct payroll_disclose_opts *o, const struct list *l,
	 const struct payroll_disclose_result *res)
{
	size_t i;

	memset(d, 0, sizeof *d);
	d->o = o;
	d->l = l;
	d->all = res;
	d->days = o->notice_days ? o->notice_days : 7;
	d->with_total = !o->split_by_locality;
	for (i = 0; i < l->n; i++)
		d->all_monthly += l->e[i].monthly, d->all_other += l->e[i].other;
	if (l->period[0])
		snprintf(d->title, sizeof d->title, "%.4s年%d月 城乡最低生活保障金%s发放公示", l->period,
			 (l->period[5] - '0') * 10 + (l->period[6] - '0'), l->has_temporary ?
			 "、特困人员救助供养金及临时救助金" : "及特困人员救助供养金");
	else
		snprintf(d->title, sizeof d->title, "城乡最低生活保障金及特困人员救助供养金发放公示");
	d->title_size = payroll_html_title_size(d->title);
	if (o->notice_from && payroll_date_zh(o->notice_from, 0, d->from, sizeof d->from) == 0)
		payroll_date_zh(o->notice_from, d->days - 1, d->until, sizeof d->until);
	if (o->date)
		payroll_date_zh(o->date, 0, d->date, sizeof d->date);
	else
		snprintf(d->date, sizeof d->date, "%s", d->from);
}

/*
 * The pages: one file, or with split_by_locality one file per group,
 * opened into *outs (grown as needed; *nouts of them, the CSV's first).
 */
static int
write_pages(const struct payroll_disclose_opts *o, const struct list *l,
	    const struct payroll_disclose_result *res, struct payroll_outfile ***outs,
	    size_t *nouts, struct payroll_error *err)
{
	struct payroll_buf html = { 0 }, name = { 0 }, taken = { 0 };
	struct doc d;
	size_t g, ge;
	int rc = 0;

	doc_init(&d, o, l, res);
	d.b = &html;
	if (!o->split_by_locality) {
		if (o->html)
			rc = payroll_outfile_open(&(*outs)[(*nouts)++], o->html, 0, err);
		d.out = o->html ? (*outs)[1] : NULL;
		if (rc == 0 && (rc = write_doc(&d, 0, l->n)) != 0)
			rc = write_failed(rc, o->html ? o->html : o->output, err);
	}
	for (g = 0; o->split_by_locality && rc == 0 && g < l->n; g = ge) {
		struct payroll_outfile **grown = realloc(*outs, (*nouts + 1) * sizeof *grown);

		ge = group_end(l, g);
		if (!grown || split_name(&name, o->html, at(l, l->e[g].locality), &taken) ||
		    payroll_buf_add(&taken, name.p, name.len + 1)) {
			if (grown)
				*outs = grown;
			rc = write_failed(PAYROLL_ENOMEM, o->html, err);
			break;
		}
		*outs = grown;
		(*outs)[*nouts] = NULL;
		if ((rc = payroll_outfile_open(&(*outs)[*nouts], name.p, 0, err)) != 0)
			break;
		d.out = (*outs)[(*nouts)++];
		if ((rc = write_doc(&d, g, ge)) != 0)
			rc = write_failed(rc, name.p, err);
	}
	payroll_buf_release(&html);
	payroll_buf_release(&name);
	payroll_buf_release(&taken);
	return rc;
}

int
payroll_disclose(const struct payroll_disclose_opts *o,
		 struct payroll_disclose_result *res, struct payroll_error *err)
{
	struct payroll_outfile **out = calloc(2, sizeof *out);
	struct payroll_buf csv = { 0 };
	size_t nout = 1, i;
	char probe[40];
	struct list l;
	int rc = 0;

	memset(res, 0, sizeof *res);
	memset(&l, 0, sizeof l);
	payroll_error_clear(err);
	if (!out)
		return payroll_error_set(err, PAYROLL_ENOMEM, NULL, 0, 0, "no-memory", "out of memory");
	if (!o->ledger || !o->output)
		rc = payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "a ledger and an output are needed");
	else if (o->split_by_locality && (!o->html || !strcmp(o->html, "-")))
		rc = payroll_error_option(err, PAYROLL_EUSAGE, "html", "usage",
					  "is needed, a file name, to split the pages by locality");
	else if (o->notice_days < 0 || o->notice_days > 365)
		rc = payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "usage", "notice days: 1 to 365");
	else if (o->notice_from && payroll_date_zh(o->notice_from, 0, probe, sizeof probe) != 0)
		rc = payroll_error_option(err, PAYROLL_EUSAGE, "notice-from", "usage",
					  "'%s' is not a date YYYY-MM-DD", o->notice_from);
	else if (o->date && payroll_date_zh(o->date, 0, probe, sizeof probe) != 0)
		rc = payroll_error_option(err, PAYROLL_EUSAGE, "date", "usage",
					  "'%s' is not a date YYYY-MM-DD", o->date);
	else {
		const char *outs[] = { o->output, o->split_by_locality ? NULL : o->html };

		rc = payroll_outfile_check_paths(&o->ledger, 1, outs, 2, err);
	}
	if (rc == 0)
		rc = read_ledger(&l, o->ledger, err);
	if (rc == 0 && l.n) {
		sorting = &l;
		qsort(l.e, l.n, sizeof *l.e, cmp_entry);
	}
	for (i = 0; rc == 0 && i < l.n; i++) {
		res->cases++;
		res->persons += l.e[i].members;
		if (payroll_add(res->total, l.e[i].monthly + l.e[i].other, &res->total))
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, o->ledger, 0, 0, "overflow", "total too large");
	}
	if (rc == 0)
		rc = payroll_outfile_open(&out[0], o->output, 0, err);
	if (rc == 0 && (rc = write_csv(&l, o->bom, &csv, out[0])) != 0)
		rc = write_failed(rc, o->output, err);
	if (rc == 0)
		rc = write_pages(o, &l, res, &out, &nout, err);
	if (rc == 0)
		rc = payroll_outfile_commit_all(out, nout, err);
	for (i = 0; i < nout; i++)
		payroll_outfile_abort(out[i]);
	if (rc)
		memset(res, 0, sizeof *res);
	free(out);
	payroll_buf_release(&csv);
	payroll_buf_release(&l.arena);
	free(l.e);
	return rc;
}
