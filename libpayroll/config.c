/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "money.h"
#include "source.h"
#include "banned.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

enum kind {
	K_PATH, K_TEXT, K_LAYOUT, K_PASS, K_DAYS, K_ENCODING, K_COUNT, K_YUAN, K_NOTICE, K_BOM
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;		/* of the char * in struct payroll_config */
	int required;
};

#define AT(field) offsetof(struct payroll_config, field)
static const struct key keys[] = {
	{ "roster", K_PATH, AT(roster), 1 },
	{ "standards", K_PATH, AT(standards), 1 },
	{ "grants", K_PATH, AT(grants), 0 },
	{ "layout", K_LAYOUT, 0, 1 },
	{ "payer", K_PATH, AT(payer), 0 },
	{ "key", K_PATH, AT(key), 1 },
	{ "pass", K_PASS, AT(pass), 0 },
	{ "output", K_PATH, AT(output), 1 },
	{ "office", K_TEXT, AT(office), 0 },
	{ "phone", K_TEXT, AT(phone), 0 },
	{ "notice_days", K_DAYS, 0, 0 },
	{ "notice_start", K_NOTICE, 0, 0 },
	{ "encoding", K_ENCODING, 0, 0 },
	{ "sheet", K_TEXT, AT(sheet), 0 },
	{ "max_count", K_COUNT, 0, 0 },
	{ "max_amount", K_YUAN, 0, 0 },
	{ "bom", K_BOM, 0, 0 },
};
#define NKEYS (sizeof keys / sizeof *keys)

struct parser {
	struct payroll_config *c;
	const char *path;
	char dir[PAYROLL_PATH_MAX];
	long line;
	int seen[NKEYS];
	struct payroll_error *err;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, const char *code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = payroll_error_vset(p->err, PAYROLL_EFORMAT, p->path, p->line, 0, code, fmt, ap);
	va_end(ap);
	return rc;
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* A relative path is relative to the configuration file's directory. */
static char *
resolve(struct parser *p, const char *v, size_t n)
{
	size_t dl = strlen(p->dir);
	char *d;

	if (v[0] == '/' || !dl)
		return dup_n(v, n);
	d = malloc(dl + 1 + n + 1);
	if (d) {
		memcpy(d, p->dir, dl);
		d[dl] = '/';
		memcpy(d + dl + 1, v, n);
		d[dl + 1 + n] = '\0';
	}
	return d;
}

static int
is_builtin_layout(const char *v, size_t n)
{
	return (n == 3 && !memcmp(v, "csv", 3)) || (n == 9 && !memcmp(v, "fixed-gbk", 9)) ||
	       (n == 7 && !memcmp(v, "pain001", 7));
}

static int
set(struct parser *p, const struct key *k, const char *v, size_t n)
{
	struct payroll_config *c = p->c;
	char **slot = (char **)((char *)c + k->off);
	char *s = NULL;
	long days;
	char *end;

	switch (k->kind) {
	case K_PATH:
		s = resolve(p, v, n);
		break;
	case K_TEXT:
		s = dup_n(v, n);
		break;
	case K_LAYOUT:
		if (c->nlayouts == PAYROLL_CONFIG_MAX_LAYOUTS)
			return fail(p, "bad-value", "more than %s layouts", "16");
		s = is_builtin_layout(v, n) ? dup_n(v, n) : resolve(p, v, n);
		slot = &c->layouts[c->nlayouts++];
		break;
	case K_PASS:
		if (n > 4 && !memcmp(v, "env:", 4))
			s = dup_n(v, n);
		else if (n > 5 && !memcmp(v, "file:", 5)) {
			char *path = resolve(p, v + 5, n - 5);

			if (path && (s = malloc(strlen(path) + 6)) != NULL) {
				memcpy(s, "file:", 5);
				memcpy(s + 5, path, strlen(path) + 1);
			}
			free(path);
		} else
			return fail(p, "bad-value", "%s: pass is env:VAR or file:PATH, never the passphrase itself",
				    "pass");
		break;
	case K_DAYS: {
		char num[8];

		/* v is not NUL-terminated: strtol on a copy */
		if (n >= sizeof num)
			return fail(p, "bad-value", "%s: notice_days is a number of days, 1 to 365",
				    "notice_days");
		memcpy(num, v, n);
		num[n] = '\0';
		errno = 0;
		days = strtol(num, &end, 10);
		if (end != num + n || errno || days < 1 || days > 365)
			return fail(p, "bad-value", "%s: notice_days is a number of days, 1 to 365",
				    "notice_days");
		c->notice_days = (int)days;
		return 0;
	}
	case K_NOTICE: {
		int day;

		/* v is not NUL-terminated: no str* function on it */
		if (n <= 2 && v[0] >= '0' && v[0] <= '9' && (n == 1 || (v[1] >= '0' && v[1] <= '9'))) {
			day = n == 1 ? v[0] - '0' : (v[0] - '0') * 10 + v[1] - '0';
			if (day >= 1 && day <= 31) {
				c->notice_day = day;
				return 0;
			}
		} else if (payroll_date_parse(v, n, &day) >= 0) {
			memcpy(c->notice_date, v, 10);
			c->notice_date[10] = '\0';
			return 0;
		}
		return fail(p, "bad-value", "%s: notice_start is a day of the period's month (1 to 31) "
			    "or a date YYYY-MM-DD", "notice_start");
	}
	case K_COUNT: {
		char num[16];

		if (n == 0 || n >= sizeof num || (memcpy(num, v, n), num[n] = '\0',
		    errno = 0, days = strtol(num, &end, 10), end != num + n) || errno ||
		    num[0] < '1' || num[0] > '9' || days > 100000000)
			return fail(p, "bad-value", "%s: max_count is a number of transfers, 1 or more",
				    "max_count");
		c->max_count = days;
		return 0;
	}
	case K_YUAN: {
		const char *why;

		if (payroll_money_parse(v, n, &c->max_amount, &why) || c->max_amount <= 0)
			return fail(p, "bad-value", "%s: max_amount is an amount in yuan above 0 (2000000 or 2000000.00)",
				    "max_amount");
		return 0;
	}
	case K_ENCODING: {
		char tmp[16];

		if (n >= sizeof tmp || (memcpy(tmp, v, n), tmp[n] = '\0',
		    (c->encoding = payroll_encoding_parse(tmp)) < 0))
			return fail(p, "bad-value", "%s: encoding is auto, utf-8 or gb18030", "encoding");
		return 0;
	}
	case K_BOM:
		if ((n == 3 && !memcmp(v, "yes", 3)) || (n == 2 && !memcmp(v, "no", 2))) {
			c->bom = n == 3;
			return 0;
		}
		return fail(p, "bad-value", "%s: bom is yes or no", "bom");
	}
	if (!s)
		return payroll_error_errno(p->err, PAYROLL_ENOMEM, p->path, "out of memory");
	*slot = s;
	return 0;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static int
parse_line(struct parser *p, const char *s, const char *e)
{
	const char *eq, *ks, *ke, *vs, *ve;
	size_t i;

	trim(&s, &e);
	if (s == e || *s == '#')
		return 0;
	eq = memchr(s, '=', (size_t)(e - s));
	if (!eq)
		return fail(p, "bad-line", "%s", "expected 'key = value'");
	ks = s, ke = eq, vs = eq + 1, ve = e;
	trim(&ks, &ke);
	trim(&vs, &ve);
	if (memchr(s, '\0', (size_t)(e - s)))
		return fail(p, "bad-line", "%s", "NUL byte in the line");
	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == (size_t)(ke - ks) && !memcmp(keys[i].name, ks, (size_t)(ke - ks)))
			break;
	if (i == NKEYS) {
		char name[64];

		snprintf(name, sizeof name, "%.*s", (int)(ke - ks > 40 ? 40 : ke - ks), ks);
		return fail(p, "unknown-key", "unknown key '%s'", name);
	}
	if (p->seen[i] && keys[i].kind != K_LAYOUT)
		return fail(p, "duplicate-key", "'%s' is given twice", keys[i].name);
	if (vs == ve)
		return fail(p, "bad-value", "'%s' has no value", keys[i].name);
	p->seen[i] = 1;
	return set(p, &keys[i], vs, (size_t)(ve - vs));
}

int
payroll_config_parse(struct payroll_config **out, const char *path,
		     const char *text, size_t n, struct payroll_error *err)
{
	struct parser p = { 0 };
	const char *s = text, *end = text + n, *slash;
	size_t i;
	int rc = 0;

	*out = NULL;
	p.c = calloc(1, sizeof *p.c);
	if (!p.c)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	p.c->notice_days = 7;
	p.c->bom = 1;
	p.path = path;
	p.err = err;
	slash = strrchr(path, '/');
	if (slash)
		snprintf(p.dir, sizeof p.dir, "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
	while (rc == 0 && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		p.line++;
		rc = parse_line(&p, s, nl ? nl : end);
		s = nl ? nl + 1 : end;
	}
	for (i = 0; rc == 0 && i < NKEYS; i++)
		if (keys[i].required && !p.seen[i]) {
			p.line = 0;
			rc = fail(&p, "missing-key", "required key '%s' is missing", keys[i].name);
		}
	if (rc) {
		payroll_config_free(p.c);
		return rc;
	}
	*out = p.c;
	return 0;
}

int
payroll_config_load(struct payroll_config **out, const char *path,
		    struct payroll_error *err)
{
	struct payroll_buf text = { 0 };
	int rc;

	*out = NULL;
	rc = payroll_source_slurp(path, CONFIG_MAX_BYTES, 0, &text, NULL, err);
	if (rc == 0)
		rc = payroll_config_parse(out, path, payroll_buf_str(&text), text.len, err);
	payroll_buf_release(&text);
	return rc;
}

void
payroll_config_free(struct payroll_config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nlayouts; i++)
		free(c->layouts[i]);
	free(c->roster);
	free(c->standards);
	free(c->grants);
	free(c->payer);
	free(c->key);
	free(c->pass);
	free(c->output);
	free(c->office);
	free(c->phone);
	free(c->sheet);
	free(c);
}
