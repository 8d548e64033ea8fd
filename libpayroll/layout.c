/* SPDX-License-Identifier: Apache-2.0 */
#include "layout.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "money.h"
#include "source.h"
#include "banned.h"


struct layout_record {
	struct payroll_layout_record pub;
	struct payroll_layout_field *f;
	size_t cap;
};

struct payroll_layout {
	char name[PAYROLL_PATH_MAX];
	enum payroll_layout_format format;
	enum payroll_layout_encoding enc;
	char delim;
	int quote_csv;
	int crlf;
	int yuan;
	char *ctl_suffix;
	struct layout_record *rec;
	size_t nrec, caprec;
	iconv_t to;		/* UTF-8 -> file encoding */
	iconv_t from;		/* file encoding -> UTF-8 */
	struct payroll_buf conv;
	struct payroll_buf scratch;
	uint16_t *cjk;		/* writing: see convert_cjk (NULL until used) */
	/* which keys of [layout] were set, for duplicate-key */
	unsigned seen;
};

static const struct {
	const char *word;
	enum payroll_layout_src src;
} sources[] = {
	{ "seq", PAYROLL_SRC_SEQ },
	{ "amount", PAYROLL_SRC_AMOUNT },
	{ "ref", PAYROLL_SRC_REF },
	{ "lines", PAYROLL_SRC_LINES },
	{ "members", PAYROLL_SRC_MEMBERS },
	{ "case_id", PAYROLL_SRC_CASE_ID },
	{ "program", PAYROLL_SRC_PROGRAM },
	{ "region", PAYROLL_SRC_REGION },
	{ "locality", PAYROLL_SRC_LOCALITY },
	{ "name", PAYROLL_SRC_NAME },
	{ "id_number", PAYROLL_SRC_ID_NUMBER },
	{ "bank", PAYROLL_SRC_BANK },
	{ "account", PAYROLL_SRC_ACCOUNT },
	{ "account_name", PAYROLL_SRC_ACCOUNT_NAME },
	{ "count", PAYROLL_SRC_COUNT },
	{ "total", PAYROLL_SRC_TOTAL },
	{ "period", PAYROLL_SRC_PERIOD },
	{ "period-compact", PAYROLL_SRC_PERIOD_COMPACT },
	{ "period-first", PAYROLL_SRC_PERIOD_FIRST },
	{ "period-last", PAYROLL_SRC_PERIOD_LAST },
	{ "filler", PAYROLL_SRC_CONST },
};

int
payroll_layout_is_number(enum payroll_layout_src s)
{
	return s == PAYROLL_SRC_SEQ || s == PAYROLL_SRC_AMOUNT ||
	       s == PAYROLL_SRC_LINES || s == PAYROLL_SRC_MEMBERS ||
	       s == PAYROLL_SRC_COUNT || s == PAYROLL_SRC_TOTAL;
}

int
payroll_layout_is_money(enum payroll_layout_src s)
{
	return s == PAYROLL_SRC_AMOUNT || s == PAYROLL_SRC_TOTAL;
}

static int
is_transfer(enum payroll_layout_src s)
{
	return s >= PAYROLL_SRC_SEQ && s <= PAYROLL_SRC_ACCOUNT_NAME;
}

/* Free text a bank only shows to people: may be cut to fit. */
static int
cut_by_default(enum payroll_layout_src s)
{
	return s == PAYROLL_SRC_NAME || s == PAYROLL_SRC_ACCOUNT_NAME ||
	       s == PAYROLL_SRC_LOCALITY;
}

static const char *const kind_names[PAYROLL_REC_NKINDS] = {
	"header", "detail", "trailer", "control",
};

/* ---- parsing ---- */

#define SEEN_FORMAT 0x01
#define SEEN_ENCODING 0x02
#define SEEN_DELIM 0x04
#define SEEN_QUOTE 0x08
#define SEEN_EOL 0x10
#define SEEN_UNIT 0x20
#define SEEN_CTL 0x40
#define SEEN_DESC 0x80

struct parser {
	struct payroll_layout *l;
	struct payroll_error *err;
	long line;
	int section;		/* -1 none, -2 [layout], else a kind */
};

static int
perr(struct parser *p, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
perr(struct parser *p, const char *code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = payroll_error_vset(p->err, PAYROLL_EFORMAT, p->l->name, p->line, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

static char *
trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	return s;
}

static int
set_key(struct parser *p, unsigned bit, const char *key)
{
	if (p->l->seen & bit)
		return perr(p, "duplicate-key", "'%s' is set twice", key);
	p->l->seen |= bit;
	return 0;
}

static int
layout_key(struct parser *p, const char *key, const char *val)
{
	struct payroll_layout *l = p->l;
	int rc;

	if (!strcmp(key, "format")) {
		if ((rc = set_key(p, SEEN_FORMAT, key)))
			return rc;
		if (!strcmp(val, "fixed"))
			l->format = PAYROLL_LAYOUT_FIXED;
		else if (!strcmp(val, "delimited"))
			l->format = PAYROLL_LAYOUT_DELIMITED;
		else if (!strcmp(val, "xlsx"))
			l->format = PAYROLL_LAYOUT_XLSX;
		else
			return perr(p, "bad-value", "format '%s': fixed, delimited or xlsx", val);
	} else if (!strcmp(key, "encoding")) {
		if ((rc = set_key(p, SEEN_ENCODING, key)))
			return rc;
		if (!strcmp(val, "utf-8"))
			l->enc = PAYROLL_LAYOUT_UTF8;
		else if (!strcmp(val, "gb18030"))
			l->enc = PAYROLL_LAYOUT_GB18030;
		else if (!strcmp(val, "gbk"))
			l->enc = PAYROLL_LAYOUT_GBK;
		else
			return perr(p, "bad-value", "encoding '%s': utf-8, gb18030 or gbk", val);
	} else if (!strcmp(key, "delimiter")) {
		if ((rc = set_key(p, SEEN_DELIM, key)))
			return rc;
		if (!strcmp(val, "tab"))
			l->delim = '\t';
		else if (strlen(val) == 1 && val[0] > 0x20 && val[0] < 0x7f &&
			 val[0] != '"')
			l->delim = val[0];
		else
			return perr(p, "bad-value",
				    "delimiter '%s': one printable ASCII character other than '\"', or tab", val);
	} else if (!strcmp(key, "quote")) {
		if ((rc = set_key(p, SEEN_QUOTE, key)))
			return rc;
		if (!strcmp(val, "csv"))
			l->quote_csv = 1;
		else if (strcmp(val, "none"))
			return perr(p, "bad-value", "quote '%s': none or csv", val);
	} else if (!strcmp(key, "line-ending")) {
		if ((rc = set_key(p, SEEN_EOL, key)))
			return rc;
		if (!strcmp(val, "crlf"))
			l->crlf = 1;
		else if (strcmp(val, "lf"))
			return perr(p, "bad-value", "line-ending '%s': lf or crlf", val);
	} else if (!strcmp(key, "amount-unit")) {
		if ((rc = set_key(p, SEEN_UNIT, key)))
			return rc;
		if (!strcmp(val, "yuan") || !strcmp(val, "fen"))
			l->yuan = !strcmp(val, "yuan");
		else
			return perr(p, "bad-value", "amount-unit '%s': fen or yuan", val);
	} else if (!strcmp(key, "control-suffix")) {
		size_t i;

		if ((rc = set_key(p, SEEN_CTL, key)))
			return rc;
		if (!val[0] || strlen(val) > 32)
			return perr(p, "bad-value", "control-suffix: 1 to 32 characters");
		for (i = 0; val[i]; i++)
			if (val[i] == '/' || (unsigned char)val[i] < 0x21 ||
			    (unsigned char)val[i] > 0x7e)
				return perr(p, "bad-value",
					    "control-suffix '%s': printable ASCII without '/'", val);
		free(l->ctl_suffix);
		l->ctl_suffix = strdup(val);
		if (!l->ctl_suffix)
			return payroll_error_errno(p->err, PAYROLL_ENOMEM, l->name, "out of memory");
	} else if (!strcmp(key, "description")) {
		if ((rc = set_key(p, SEEN_DESC, key)))
			return rc;
	} else {
		return perr(p, "unknown-key", "'%s' is not a [layout] key", key);
	}
	return 0;
}

/* One token of a field line: a word up to white space, or "quoted" with
 * \" and \\ escapes (the quotes stay, escapes are resolved in place). */
static int
next_token(struct parser *p, char **s, char **tok)
{
	char *q = *s, *w;

	while (*q == ' ' || *q == '\t')
		q++;
	if (!*q) {
		*tok = NULL;
		return 0;
	}
	*tok = q;
	if (*q != '"') {
		while (*q && *q != ' ' && *q != '\t')
			q++;
		if (*q)
			*q++ = '\0';
		*s = q;
		return 0;
	}
	w = ++q;
	for (;;) {
		if (!*q)
			return perr(p, "bad-const", "a quoted text is not closed");
		if (*q == '\\' && (q[1] == '"' || q[1] == '\\')) {
			*w++ = q[1];
			q += 2;
			continue;
		}
		if (*q == '"')
			break;
		*w++ = *q++;
	}
	*w = '\0';
	q++;
	if (*q && *q != ' ' && *q != '\t')
		return perr(p, "bad-const", "text after a closing quote");
	*s = q;
	return 0;
}

static int
parse_width(const char *v, size_t *w)
{
	size_t n = 0;

	if (!*v || *v == '0')
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > 9999)
			return -1;
		n = n * 10 + (size_t)(*v - '0');
	}
	if (n > 9999)
		return -1;
	*w = n;
	return 0;
}

static int
field_option(struct parser *p, struct payroll_layout_field *f, char *opt)
{
	char *eq = strchr(opt, '=');
	const char *v;

	if (!eq)
		return perr(p, "bad-option", "'%s': options are NAME=VALUE", opt);
	*eq = '\0';
	v = eq + 1;
	if (!strcmp(opt, "width")) {
		if (parse_width(v, &f->width))
			return perr(p, "bad-option", "width '%s': 1 to 9999", v);
	} else if (!strcmp(opt, "align")) {
		if (!strcmp(v, "left"))
			f->align = PAYROLL_ALIGN_LEFT;
		else if (!strcmp(v, "right"))
			f->align = PAYROLL_ALIGN_RIGHT;
		else
			return perr(p, "bad-option", "align '%s': left or right", v);
	} else if (!strcmp(opt, "pad")) {
		if (!strcmp(v, "space"))
			f->pad = ' ';
		else if (!strcmp(v, "zero"))
			f->pad = '0';
		else if (strlen(v) == 1 && v[0] > 0x20 && v[0] < 0x7f)
			f->pad = v[0];
		else
			return perr(p, "bad-option",
				    "pad '%s': space, zero or one printable ASCII character", v);
	} else if (!strcmp(opt, "unit")) {
		if (!payroll_layout_is_money(f->src))
			return perr(p, "bad-option", "unit applies to amount and total only");
		if (!strcmp(v, "yuan"))
			f->yuan = 1;
		else if (!strcmp(v, "fen"))
			f->yuan = 0;
		else
			return perr(p, "bad-option", "unit '%s': fen or yuan", v);
		f->yuan |= 2;	/* set explicitly; resolved after the file */
	} else if (!strcmp(opt, "overflow")) {
		if (!strcmp(v, "cut")) {
			if (payroll_layout_is_number(f->src) || f->src == PAYROLL_SRC_CONST)
				return perr(p, "bad-option",
					    "a number or constant is never cut");
			f->cut = 1;
		} else if (!strcmp(v, "error")) {
			f->cut = 0;
		} else {
			return perr(p, "bad-option", "overflow '%s': cut or error", v);
		}
	} else if (!strcmp(opt, "cell")) {
		if (!payroll_layout_is_number(f->src))
			return perr(p, "bad-option", "cell applies to number sources only");
		if (!strcmp(v, "text"))
			f->textcell = 1;
		else if (!strcmp(v, "number"))
			f->textcell = 0;
		else
			return perr(p, "bad-option", "cell '%s': number or text", v);
	} else {
		return perr(p, "bad-option",
			    "unknown option '%s' (width, align, pad, unit, overflow, cell)",
			    opt);
	}
	return 0;
}

static int
add_record(struct parser *p, int kind)
{
	struct payroll_layout *l = p->l;
	struct layout_record *r;

	if (kind == PAYROLL_REC_DETAIL)
		for (size_t i = 0; i < l->nrec; i++)
			if (l->rec[i].pub.kind == PAYROLL_REC_DETAIL)
				return perr(p, "duplicate-key",
					    "a second [detail] section (the first at line %ld)",
					    l->rec[i].pub.line);
	if (l->nrec == l->caprec) {
		size_t cap = l->caprec ? l->caprec * 2 : 8;
		struct layout_record *nr = realloc(l->rec, cap * sizeof *nr);

		if (!nr)
			return payroll_error_errno(p->err, PAYROLL_ENOMEM, l->name, "out of memory");
		l->rec = nr;
		l->caprec = cap;
	}
	r = &l->rec[l->nrec++];
	memset(r, 0, sizeof *r);
	r->pub.kind = (enum payroll_layout_kind)kind;
	r->pub.line = p->line;
	return 0;
}

static int
field_line(struct parser *p, char *spec)
{
	struct payroll_layout *l = p->l;
	struct layout_record *r = &l->rec[l->nrec - 1];
	struct payroll_layout_field *f;
	char *tok;
	size_t i;
	int rc;

	if (r->pub.nfields == PAYROLL_LAYOUT_MAX_FIELDS)
		return perr(p, "too-many-fields", "a record has at most %d fields",
			    PAYROLL_LAYOUT_MAX_FIELDS);
	if (r->pub.nfields == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct payroll_layout_field *nf = realloc(r->f, cap * sizeof *nf);

		if (!nf)
			return payroll_error_errno(p->err, PAYROLL_ENOMEM, l->name, "out of memory");
		r->f = nf;
		r->cap = cap;
		r->pub.fields = nf;
	}
	f = &r->f[r->pub.nfields];
	memset(f, 0, sizeof *f);
	f->line = p->line;
	f->pad = ' ';
	if ((rc = next_token(p, &spec, &tok)))
		return rc;
	if (!tok)
		return perr(p, "bad-line", "a field needs a source");
	if (*tok == '"') {
		f->src = PAYROLL_SRC_CONST;
		f->text = strdup(tok + 1);
		f->source = "const";
	} else {
		for (i = 0; i < sizeof sources / sizeof *sources; i++)
			if (!strcmp(tok, sources[i].word))
				break;
		if (i == sizeof sources / sizeof *sources)
			return perr(p, "unknown-source", "'%s' is not a field source", tok);
		f->src = sources[i].src;
		f->source = sources[i].word;
		if (is_transfer(f->src) && r->pub.kind != PAYROLL_REC_DETAIL)
			return perr(p, "bad-source", "'%s' describes one transfer: [detail] only",
				    tok);
		f->text = strdup("");
	}
	if (!f->text)
		return payroll_error_errno(p->err, PAYROLL_ENOMEM, l->name, "out of memory");
	r->pub.nfields++;	/* owns f->text from here on */
	f->align = payroll_layout_is_number(f->src) ? PAYROLL_ALIGN_RIGHT : PAYROLL_ALIGN_LEFT;
	f->cut = cut_by_default(f->src);
	for (;;) {
		if ((rc = next_token(p, &spec, &tok)))
			return rc;
		if (!tok)
			break;
		if (*tok == '"')
			return perr(p, "bad-option", "a field has one source");
		if ((rc = field_option(p, f, tok)))
			return rc;
	}
	if (!strcmp(f->source, "filler") && !f->width)
		return perr(p, "missing-width", "filler needs a width");
	return 0;
}

static int
parse_line(struct parser *p, char *s)
{
	char *eq, *key, *val;
	size_t n = strlen(s);
	int k;

	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return perr(p, "bad-line", "a section is written [name]");
		s[n - 1] = '\0';
		s = trim(s + 1, s + n - 1);
		if (!strcmp(s, "layout")) {
			if (p->section != -1)
				return perr(p, "bad-line", "[layout] comes first, once");
			p->section = -2;
			return 0;
		}
		for (k = 0; k < PAYROLL_REC_NKINDS; k++)
			if (!strcmp(s, kind_names[k]))
				break;
		if (k == PAYROLL_REC_NKINDS)
			return perr(p, "unknown-section",
				    "[%s]: sections are layout, header, detail, trailer, control", s);
		if (p->section == -1)
			return perr(p, "bad-line", "[layout] comes first");
		p->section = k;
		return add_record(p, k);
	}
	eq = strchr(s, '=');
	if (!eq)
		return perr(p, "bad-line", "expected KEY = VALUE or [section]");
	key = trim(s, eq);
	val = trim(eq + 1, s + n);
	if (p->section == -1)
		return perr(p, "bad-line", "'%s' before the [layout] section", key);
	if (p->section == -2)
		return layout_key(p, key, val);
	if (strcmp(key, "field"))
		return perr(p, "unknown-key", "'%s': a record section holds field = lines", key);
	return field_line(p, val);
}

static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;

		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
		if (!k || (c >= 0xf0 && k != 4) || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

static int convert(iconv_t cd, const char *s, size_t n, struct payroll_buf *b);
static int is_ascii(const char *s, size_t n);

/* A constant must be representable and fit its width once encoded. */
static int
check_const(struct parser *p, const struct payroll_layout_field *f)
{
	struct payroll_layout *l = p->l;
	size_t n = strlen(f->text);
	int rc;

	if (l->enc != PAYROLL_LAYOUT_UTF8 && !is_ascii(f->text, n)) {
		rc = convert(l->to, f->text, n, &l->conv);
		if (rc == PAYROLL_ENOMEM)
			return payroll_error_errno(p->err, rc, l->name, "out of memory");
		if (rc)
			return perr(p, "bad-const", "\"%s\" has a character the encoding cannot hold",
				    f->text);
		n = l->conv.len;
	}
	if (f->width && n > f->width)
		return perr(p, "bad-const", "\"%s\" is %zu bytes, longer than width %zu",
			    f->text, n, f->width);
	return 0;
}

static int
finish_layout(struct parser *p)
{
	struct payroll_layout *l = p->l;
	size_t i, j, ndetail = 0, nctl = 0;
	const char *code;
	int rc;

	p->line = 0;
	if (!(l->seen & SEEN_FORMAT))
		return perr(p, "missing-key", "[layout] needs format = fixed, delimited or xlsx");
	if (l->format == PAYROLL_LAYOUT_XLSX &&
	    (l->seen & (SEEN_DELIM | SEEN_QUOTE | SEEN_ENCODING | SEEN_EOL | SEEN_CTL)))
		return perr(p, "bad-value", "an xlsx layout takes no delimiter, quote, encoding, "
			    "line-ending or control-suffix");
	if (l->format == PAYROLL_LAYOUT_DELIMITED && !(l->seen & SEEN_DELIM))
		return perr(p, "missing-key", "a delimited layout needs a delimiter");
	if (l->format == PAYROLL_LAYOUT_FIXED && (l->seen & (SEEN_DELIM | SEEN_QUOTE)))
		return perr(p, "bad-value", "delimiter and quote apply to delimited layouts");
	if (l->enc != PAYROLL_LAYOUT_UTF8) {
		code = l->enc == PAYROLL_LAYOUT_GBK ? "GBK" : "GB18030";
		l->to = iconv_open(code, "UTF-8");
		l->from = iconv_open("UTF-8", code);
		if (l->to == (iconv_t)-1 || l->from == (iconv_t)-1)
			return payroll_error_errno(p->err, PAYROLL_EFORMAT, l->name,
						   "iconv cannot convert to %s", code);
	}
	for (i = 0; i < l->nrec; i++) {
		struct layout_record *r = &l->rec[i];
		size_t off = 0;

		p->line = r->pub.line;
		if (r->pub.nfields == 0)
			return perr(p, "bad-line", "[%s] has no fields", kind_names[r->pub.kind]);
		ndetail += r->pub.kind == PAYROLL_REC_DETAIL;
		nctl += r->pub.kind == PAYROLL_REC_CONTROL;
		for (j = 0; j < r->pub.nfields; j++) {
			struct payroll_layout_field *f = &r->f[j];

			p->line = f->line;
			if (l->format == PAYROLL_LAYOUT_FIXED && !f->width)
				return perr(p, "missing-width", "a fixed layout needs width= on every field");
			if (l->format == PAYROLL_LAYOUT_XLSX && f->width)
				return perr(p, "bad-option", "an xlsx cell has no width");
			if (l->format != PAYROLL_LAYOUT_XLSX && f->textcell)
				return perr(p, "bad-option", "cell= applies to xlsx layouts only");
			if (f->src == PAYROLL_SRC_CONST && (rc = check_const(p, f)) != 0)
				return rc;
			if (f->yuan & 2)
				f->yuan &= 1;
			else
				f->yuan = l->yuan;
			f->offset = off;
			off += f->width;
		}
		r->pub.width = l->format == PAYROLL_LAYOUT_FIXED ? off : 0;
	}
	p->line = 0;
	if (ndetail != 1)
		return perr(p, "missing-detail", "a layout needs one [detail] section");
	if (nctl && !l->ctl_suffix)
		return perr(p, "missing-key", "[control] records need control-suffix in [layout]");
	if (!nctl && l->ctl_suffix)
		return perr(p, "missing-key", "control-suffix is set but there is no [control] record");
	return 0;
}

int
payroll_layout_parse(struct payroll_layout **out, const char *name,
		     const char *text, size_t n, struct payroll_error *err)
{
	struct payroll_layout *l;
	struct parser p;
	char *copy, *s, *end, *nl;
	int rc = 0;

	*out = NULL;
	l = calloc(1, sizeof *l);
	if (!l)
		return payroll_error_errno(err, PAYROLL_ENOMEM, name, "out of memory");
	l->to = l->from = (iconv_t)-1;
	l->yuan = 1;
	if (snprintf(l->name, sizeof l->name, "%s", name) >= (int)sizeof l->name) {
		free(l);
		return payroll_error_set(err, PAYROLL_EIO, NULL, 0, 0, "io", "layout path too long");
	}
	p.l = l;
	p.err = err;
	p.line = 0;
	p.section = -1;
	copy = malloc(n + 1);
	if (!copy) {
		payroll_layout_free(l);
		return payroll_error_errno(err, PAYROLL_ENOMEM, name, "out of memory");
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	if (!valid_utf8((unsigned char *)copy, n) || memchr(copy, '\0', n))
		rc = perr(&p, "bad-encoding", "a layout file is UTF-8 text");
	if (n >= 3 && !memcmp(copy, "\xef\xbb\xbf", 3))
		copy[0] = copy[1] = copy[2] = ' ';
	for (s = copy, end = copy + n; rc == 0 && s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		*nl = '\0';
		p.line++;
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		s = trim(s, s + strlen(s));
		if (!*s || *s == '#')
			continue;
		rc = parse_line(&p, s);
	}
	free(copy);
	if (rc == 0)
		rc = finish_layout(&p);
	if (rc) {
		payroll_layout_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int
payroll_layout_load(struct payroll_layout **out, const char *path,
		    struct payroll_error *err)
{
	struct payroll_buf text = { 0 };
	int rc;

	*out = NULL;
	rc = payroll_source_slurp(path, PAYROLL_LAYOUT_FILE_MAX, 0, &text, NULL, err);
	if (rc == 0)
		rc = payroll_layout_parse(out, path, payroll_buf_str(&text), text.len, err);
	payroll_buf_release(&text);
	return rc;
}

void
payroll_layout_free(struct payroll_layout *l)
{
	size_t i, j;

	if (!l)
		return;
	for (i = 0; i < l->nrec; i++) {
		for (j = 0; j < l->rec[i].pub.nfields; j++)
			free((char *)l->rec[i].f[j].text);
		free(l->rec[i].f);
	}
	free(l->rec);
	free(l->ctl_suffix);
	if (l->to != (iconv_t)-1)
		iconv_close(l->to);
	if (l->from != (iconv_t)-1)
		iconv_close(l->from);
	payroll_buf_release(&l->conv);
	payroll_buf_release(&l->scratch);
	free(l->cjk);
	free(l);
}

enum payroll_layout_format
payroll_layout_format_of(const struct payroll_layout *l)
{
	return l->format;
}

enum payroll_layout_encoding
payroll_layout_encoding_of(const struct payroll_layout *l)
{
	return l->enc;
}

const char *
payroll_layout_eol(const struct payroll_layout *l)
{
	return l->crlf ? "\r\n" : "\n";
}

const char *
payroll_layout_control_suffix(const struct payroll_layout *l)
{
	return l->ctl_suffix ? l->ctl_suffix : "";
}

size_t
payroll_layout_nrecords(const struct payroll_layout *l, enum payroll_layout_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < l->nrec; i++)
		n += l->rec[i].pub.kind == k;
	return n;
}

const struct payroll_layout_record *
payroll_layout_record(const struct payroll_layout *l, enum payroll_layout_kind k,
		      size_t idx)
{
	size_t i;

	for (i = 0; i < l->nrec; i++)
		if (l->rec[i].pub.kind == k && idx-- == 0)
			return &l->rec[i].pub;
	return NULL;
}

int
payroll_layout_uses(const struct payroll_layout *l, enum payroll_layout_kind k,
		    enum payroll_layout_src s)
{
	size_t i, j;

	for (i = 0; i < l->nrec; i++)
		if (l->rec[i].pub.kind == k)
			for (j = 0; j < l->rec[i].pub.nfields; j++)
				if (l->rec[i].f[j].src == s)
					return 1;
	return 0;
}

/* ---- writing ---- */

static int
is_ascii(const char *s, size_t n)
{
	size_t i;
	uint64_t w, any = 0;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		any |= w;
	}
	if (any & 0x8080808080808080ULL)
		return 0;
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* convert's work, from cd in its initial state. */
static int
convert_run(iconv_t cd, const char *s, size_t n, struct payroll_buf *b)
{
	char *in = (char *)s, *o;
	size_t inleft = n, outleft, room;

	payroll_buf_reset(b);
	room = 2 * n + 16;
	for (;;) {
		if (payroll_buf_reserve(b, room))
			return PAYROLL_ENOMEM;
		o = b->p + b->len;
		outleft = room;
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 ||
		    errno != E2BIG) {
			b->len = (size_t)(o - b->p);
			b->p[b->len] = '\0';
			if (inleft)
				return -1;
			break;
		}
		b->len = (size_t)(o - b->p);
		room *= 2;
	}
	o = b->p + b->len;
	outleft = b->cap - b->len - 1;
	if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
		return -1;
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* Convert s[0..n) with cd into b (reset first). 0, or -1 on a sequence
 * the target cannot hold (errno EILSEQ/EINVAL), PAYROLL_ENOMEM. A
 * conversion that ends leaves cd in its initial state; one that fails
 * resets it (rather than every call beginning with a reset). */
static int
convert(iconv_t cd, const char *s, size_t n, struct payroll_buf *b)
{
	int rc = convert_run(cd, s, n, b), e = errno;

	if (rc) {
		iconv(cd, NULL, NULL, NULL, NULL);
		errno = e;
	}
	return rc;
}

/*
 * The CJK ideographs U+4E00..U+9FFF (a name's characters, nearly always)
 * are two bytes each in GBK and GB18030 where they are encoded at all, and
 * both are stateless: a string converts as its characters do one by one.
 * So each ideograph is converted by iconv once, when first met, and kept
 * in l->cjk (CJK_NONE: not two bytes, or not encodable); a string of
 * ASCII and known ideographs is then converted without iconv, which cost
 * about 1,000 instructions a name. Returns 0 (s[0..n) in b), 1 when s holds
 * another character (the caller converts it with iconv, which also words
 * any error), or PAYROLL_ENOMEM.
 */
#define CJK_FIRST 0x4e00
#define CJK_COUNT (0x9fff - CJK_FIRST + 1)
#define CJK_NONE 0xffff		/* never a GBK code: no trail byte 0xff */

static unsigned
cjk_code(struct payroll_layout *l, const unsigned char *utf8)
{
	char in[3], out[8], *ip = in, *op = out;
	size_t il = 3, ol = sizeof out;

	memcpy(in, utf8, 3);
	if (iconv(l->to, &ip, &il, &op, &ol) == (size_t)-1 || ol != sizeof out - 2) {
		iconv(l->to, NULL, NULL, NULL, NULL);
		return CJK_NONE;
	}
	return (unsigned)(unsigned char)out[0] << 8 | (unsigned char)out[1];
}

static int
convert_cjk(struct payroll_layout *l, const char *s, size_t n, struct payroll_buf *b)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned cp, code;
	char *o;

	if (!l->cjk && !(l->cjk = calloc(CJK_COUNT, sizeof *l->cjk)))
		return PAYROLL_ENOMEM;
	payroll_buf_reset(b);
	if (payroll_buf_reserve(b, n))	/* 1 byte for 1, 2 for 3 */
		return PAYROLL_ENOMEM;
	o = b->p;
	while (p < end) {
		if (*p < 0x80) {
			*o++ = (char)*p++;
			continue;
		}
		if (end - p < 3 || (p[0] & 0xf0) != 0xe0 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return 1;
		cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
		if (cp < CJK_FIRST || cp - CJK_FIRST >= CJK_COUNT)
			return 1;
		code = l->cjk[cp - CJK_FIRST];
		if (!code)
			l->cjk[cp - CJK_FIRST] = (uint16_t)(code = cjk_code(l, p));
		if (code == CJK_NONE)
			return 1;
		*o++ = (char)(code >> 8);
		*o++ = (char)(code & 0xff);
		p += 3;
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* Length of the character starting at s (n bytes left) in enc. */
static size_t
char_len(enum payroll_layout_encoding enc, const unsigned char *s, size_t n)
{
	size_t k;

	if (s[0] < 0x80)
		k = 1;
	else if (enc == PAYROLL_LAYOUT_UTF8)
		k = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	else
		k = n >= 2 && s[1] >= 0x30 && s[1] <= 0x39 ? 4 : 2;
	return k > n ? n : k;
}

static const char *
field_label(const struct payroll_layout_field *f)
{
	return f->src == PAYROLL_SRC_CONST ? "constant" : f->source;
}

static int
fmt_error(struct payroll_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fmt_error(struct payroll_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = payroll_error_vset(err, PAYROLL_EFORMAT, NULL, 0, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

static int
add_quoted(struct payroll_buf *out, const char *s, size_t n, char delim)
{
	size_t i;

	if (delim == ',')	/* the csv layout's: eight bytes a test */
		return payroll_buf_addcsv(out, s, n);
	for (i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == n)
		return payroll_buf_add(out, s, n);
	if (payroll_buf_addch(out, '"'))
		return PAYROLL_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '"' && payroll_buf_addch(out, '"'))
			return PAYROLL_ENOMEM;
		if (payroll_buf_addch(out, s[i]))
			return PAYROLL_ENOMEM;
	}
	return payroll_buf_addch(out, '"');
}

static int
format_field(struct payroll_layout *l, const struct payroll_layout_field *f,
	     const struct payroll_layout_values *v, struct payroll_buf *out,
	     int *was_cut, struct payroll_error *err)
{
	char num[PAYROLL_MONEY_MAX + 8];
	const char *s;
	size_t n, k, fit;

	if (f->src == PAYROLL_SRC_CONST) {
		s = f->text;
		n = strlen(s);
	} else if (payroll_layout_is_number(f->src)) {
		int64_t x = v->num[f->src];

		if (payroll_layout_is_money(f->src) && f->yuan)
			n = payroll_money_format(x, num);
		else
			n = payroll_int_format(x, num);
		s = num;
	} else {
		s = v->text[f->src] ? v->text[f->src] : "";
		n = strlen(s);
	}
	if (l->format == PAYROLL_LAYOUT_DELIMITED && !l->quote_csv &&
	    (memchr(s, l->delim, n) || memchr(s, '\n', n) || memchr(s, '\r', n)))
		return fmt_error(err, "delimiter-in-value",
				 "%s '%s' holds the delimiter or a line end", field_label(f), s);
	if (l->enc != PAYROLL_LAYOUT_UTF8 && !is_ascii(s, n)) {
		int rc = convert_cjk(l, s, n, &l->conv);

		if (rc == 1)
			rc = convert(l->to, s, n, &l->conv);
		if (rc == PAYROLL_ENOMEM)
			return rc;
		if (rc)
			return fmt_error(err, "bad-char", "%s '%s' has a character %s cannot encode",
					 field_label(f), s,
					 l->enc == PAYROLL_LAYOUT_GBK ? "gbk" : "gb18030");
		s = l->conv.p;
		n = l->conv.len;
	}
	if (!f->width) {
		if (l->quote_csv)
			return add_quoted(out, s, n, l->delim);
		return payroll_buf_add(out, s, n);
	}
	fit = n;
	if (n > f->width) {
		if (!f->cut)
			return fmt_error(err, "field-overflow",
					 "%s '%s' is %zu bytes, longer than its width %zu",
					 field_label(f), v->text[f->src] && !payroll_layout_is_number(f->src) ?
					 v->text[f->src] : s, n, f->width);
		for (fit = 0; fit < n; fit += k) {
			k = char_len(l->enc, (const unsigned char *)s + fit, n - fit);
			if (fit + k > f->width)
				break;
		}
		*was_cut = 1;
	}
	if (payroll_buf_reserve(out, f->width))
		return PAYROLL_ENOMEM;
	if (f->align == PAYROLL_ALIGN_RIGHT) {
		memset(out->p + out->len, f->pad, f->width - fit);
		memcpy(out->p + out->len + f->width - fit, s, fit);
	} else {
		memcpy(out->p + out->len, s, fit);
		memset(out->p + out->len + fit, f->pad, f->width - fit);
	}
	out->len += f->width;
	out->p[out->len] = '\0';
	return 0;
}

int
payroll_layout_format(struct payroll_layout *l,
		      const struct payroll_layout_record *r,
		      const struct payroll_layout_values *v,
		      struct payroll_buf *out, uint64_t *cut,
		      struct payroll_error *err)
{
	size_t i;
	int rc, was_cut;

	*cut = 0;
	for (i = 0; i < r->nfields; i++) {
		if (i && l->format == PAYROLL_LAYOUT_DELIMITED &&
		    payroll_buf_addch(out, l->delim))
			return PAYROLL_ENOMEM;
		was_cut = 0;
		rc = format_field(l, &r->fields[i], v, out, &was_cut, err);
		if (rc)
			return rc;
		if (was_cut)
			*cut |= (uint64_t)1 << i;
	}
	return payroll_buf_add(out, l->crlf ? "\r\n" : "\n", l->crlf ? 2 : 1);
}

/* ---- reading ---- */

static int
add_value(struct payroll_layout *l, const struct payroll_layout_field *f,
	  const char *s, size_t n, struct payroll_buf *vals, size_t *off,
	  int unpad, struct payroll_error *err)
{
	if (unpad) {
		if (f->align == PAYROLL_ALIGN_LEFT)
			while (n > 0 && s[n - 1] == f->pad)
				n--;
		else
			while (n > 1 && *s == f->pad) {
				s++;
				n--;
			}
		while (n > 0 && s[n - 1] == ' ')
			n--;
		while (n > 0 && *s == ' ') {
			s++;
			n--;
		}
	}
	if (l->enc != PAYROLL_LAYOUT_UTF8 && !is_ascii(s, n)) {
		int rc = convert(l->from, s, n, &l->conv);

		if (rc == PAYROLL_ENOMEM)
			return rc;
		if (rc)
			return fmt_error(err, "bad-char", "field %s: bytes invalid in %s",
					 field_label(f), l->enc == PAYROLL_LAYOUT_GBK ? "gbk" : "gb18030");
		s = l->conv.p;
		n = l->conv.len;
	} else if (l->enc == PAYROLL_LAYOUT_UTF8 && !valid_utf8((const unsigned char *)s, n)) {
		return fmt_error(err, "bad-char", "field %s: invalid utf-8", field_label(f));
	}
	*off = vals->len;
	if (payroll_buf_add(vals, s, n) || payroll_buf_addch(vals, '\0'))
		return PAYROLL_ENOMEM;
	return 0;
}

int
payroll_layout_split(struct payroll_layout *l,
		     const struct payroll_layout_record *r, const char *rec,
		     size_t n, struct payroll_buf *vals, size_t *off,
		     struct payroll_error *err)
{
	size_t i, pos = 0;
	int rc;

	payroll_buf_reset(vals);
	if (l->format == PAYROLL_LAYOUT_XLSX)
		return fmt_error(err, "bad-record", "an xlsx layout has no text records");
	if (l->format == PAYROLL_LAYOUT_FIXED) {
		if (n != r->width)
			return fmt_error(err, "bad-record", "record is %zu bytes, the layout says %zu",
					 n, r->width);
		for (i = 0; i < r->nfields; i++) {
			const struct payroll_layout_field *f = &r->fields[i];

			rc = add_value(l, f, rec + f->offset, f->width, vals, &off[i], 1, err);
			if (rc)
				return rc;
		}
		return 0;
	}
	for (i = 0; i < r->nfields; i++) {
		const struct payroll_layout_field *f = &r->fields[i];
		struct payroll_buf *tmp = &l->scratch;
		int quoted = 0;

		payroll_buf_reset(tmp);
		if (pos > n)
			return fmt_error(err, "bad-record", "record has fewer than %zu fields",
					 r->nfields);
		if (l->quote_csv && pos < n && rec[pos] == '"') {
			quoted = 1;
			for (pos++;; pos++) {
				if (pos >= n)
					return fmt_error(err, "bad-record", "a quote is not closed");
				if (rec[pos] == '"') {
					if (pos + 1 < n && rec[pos + 1] == '"') {
						pos++;
					} else {
						pos++;
						break;
					}
				}
				if (payroll_buf_addch(tmp, rec[pos]))
					return PAYROLL_ENOMEM;
			}
			if (pos < n && rec[pos] != l->delim)
				return fmt_error(err, "bad-record", "text after a closing quote");
		} else {
			while (pos < n && rec[pos] != l->delim) {
				size_t k = char_len(l->enc, (const unsigned char *)rec + pos, n - pos);

				if (payroll_buf_add(tmp, rec + pos, k))
					return PAYROLL_ENOMEM;
				pos += k;
			}
		}
		rc = add_value(l, f, payroll_buf_str(tmp), tmp->len, vals, &off[i],
			       !quoted && f->width, err);
		if (rc)
			return rc;
		pos++;	/* the delimiter */
	}
	if (pos <= n)
		return fmt_error(err, "bad-record", "record has more than %zu fields", r->nfields);
	return 0;
}
