/* SPDX-License-Identifier: Apache-2.0 */
/* opt.c: the option table of a tool to getopt, --help and usage errors. */
#include "opt.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ident.h"
#include "intl.h"
#include "money.h"
#include "source.h"
#include "banned.h"

/* Every tool's last two rows. */
static const struct tool_opt std_opts[] = {
	{ 'h', "help", OPT_FLAG, NULL, NULL, N_("this help"), 0, 0, 0, NULL },
	{ 0, "version", OPT_FLAG, NULL, NULL, N_("the version"), 0, 0, 0, NULL },
};
enum { NSTD = 2, MAXROWS = 64, VAL_LONG = 256 };

static size_t
nrows(const struct tool *t)
{
	size_t n = 0;

	while (t->opts && t->opts[n].long_name)
		n++;
	return n + NSTD;
}

static const struct tool_opt *
row(const struct tool *t, size_t i)
{
	size_t n = nrows(t) - NSTD;

	return i < n ? &t->opts[i] : &std_opts[i - n];
}

/* getopt's val of row i: its short name, else VAL_LONG + i. */
static int
row_val(const struct tool *t, size_t i)
{
	return row(t, i)->short_name ? row(t, i)->short_name : VAL_LONG + (int)i;
}

static int
row_of_val(const struct tool *t, int val)
{
	size_t i, n = nrows(t);

	for (i = 0; i < n; i++)
		if (row_val(t, i) == val)
			return (int)i;
	return -1;
}

const struct tool_opt *
tool_opt_find(const struct tool *t, const char *long_name)
{
	size_t i, n = nrows(t);

	for (i = 0; i < n; i++)
		if (!strcmp(row(t, i)->long_name, long_name))
			return row(t, i);
	return NULL;
}

static int
takes_value(const struct tool_opt *o)
{
	return o->kind != OPT_FLAG;
}

static int
repeated(const struct tool_opt *o)
{
	return o->kind == OPT_STRINGS || o->kind == OPT_PATHS;
}

static void __attribute__((format(printf, 2, 0)))
vusage_error(const struct tool *t, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", t->name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, _("; try '%s --help'\n"), t->name);
}

int
tool_usage_error(const struct tool *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage_error(t, fmt, ap);
	va_end(ap);
	return EXIT_FATAL;
}

int
tool_opt_invalid(const struct tool *t, const char *long_name, const char *value,
		 const char *why)
{
	return tool_usage_error(t, _("invalid value '%s' for '--%s': %s"), value, long_name, why);
}

/* "a|b|c" as "a, b or c" into buf. */
static void
list_words(const char *arg, char *buf, size_t n)
{
	size_t len = 0;
	const char *p = arg, *bar;

	buf[0] = '\0';
	while (len < n) {
		bar = strchr(p, '|');
		if (p != arg)
			len += (size_t)snprintf(buf + len, n - len, "%s",
						bar ? ", " : _(" or "));
		if (len >= n)
			break;
		len += (size_t)snprintf(buf + len, n - len, "%.*s",
					(int)(bar ? (size_t)(bar - p) : strlen(p)), p);
		if (!bar)
			break;
		p = bar + 1;
	}
}

/* Index of value among "a|b|c", or -1. */
static int
choice_index(const char *arg, const char *value)
{
	const char *p = arg, *bar;
	size_t len = strlen(value);
	int i;

	for (i = 0;; i++) {
		bar = strchr(p, '|');
		if ((size_t)(bar ? bar - p : (long)strlen(p)) == len && !strncmp(p, value, len))
			return i;
		if (!bar)
			return -1;
		p = bar + 1;
	}
}

/*
 * A decimal number from min to max: digits with an optional '-', nothing
 * else ("", " 5", "+5", "5s" and "0x10" are refused). 0 or -1.
 */
static int
parse_number(const char *s, long min, long max, long *v)
{
	char *end;
	long x;
	const char *d = s[0] == '-' ? s + 1 : s;

	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

/* Repeated values live until exit, which frees them. */
static const char **strv_mem[MAXROWS];
static size_t nstrv_mem;

static void
free_strv_mem(void)
{
	while (nstrv_mem > 0)
		free(strv_mem[--nstrv_mem]);
}

static int
add_value(const struct tool *t, const struct tool_opt *o, const char *arg, int argc)
{
	struct tool_strv *v = o->dest;

	if (!v->v) {
		if (nstrv_mem == 0 && atexit(free_strv_mem) != 0) {
			fprintf(stderr, "%s: %s\n", t->name, payroll_strerror(PAYROLL_ENOMEM));
			return EXIT_FATAL;
		}
		if (nstrv_mem == MAXROWS || !(v->v = calloc((size_t)argc, sizeof *v->v))) {
			fprintf(stderr, "%s: %s\n", t->name, payroll_strerror(PAYROLL_ENOMEM));
			return EXIT_FATAL;
		}
		strv_mem[nstrv_mem++] = v->v;
	}
	if (o->max > 0 && v->n >= (size_t)o->max)
		return tool_usage_error(t, _("'--%s' given more than %ld times"), o->long_name,
					o->max);
	v->v[v->n++] = arg;
	return 0;
}

/* Store arg for row o; 0, or EXIT_FATAL after the usage error. */
static int
set_value(const struct tool *t, const struct tool_opt *o, const char *arg, int argc)
{
	char why[200], list[160], m[PAYROLL_MONEY_MAX];
	const char *mwhy;
	long v;
	int64_t fen;
	int i;

	switch (o->kind) {
	case OPT_FLAG:
		*(int *)o->dest = 1;
		return 0;
	case OPT_PATH:
	case OPT_PATHS:
		if (!arg[0])
			return tool_opt_invalid(t, o->long_name, arg, _("expected a file name"));
		/* fall through */
	case OPT_STRING:
	case OPT_STRINGS:
		if (repeated(o))
			return add_value(t, o, arg, argc);
		*(const char **)o->dest = arg;
		return 0;
	case OPT_MONTH:
		if ((v = payroll_month_parse(arg, strlen(arg))) < 0)
			return tool_opt_invalid(t, o->long_name, arg, _("expected a month YYYY-MM"));
		*(long *)o->dest = v;
		return 0;
	case OPT_INT:
	case OPT_LONG:
		if (parse_number(arg, o->min, o->max, &v)) {
			snprintf(why, sizeof why, _("expected a whole number from %ld to %ld"),
				 o->min, o->max);
			return tool_opt_invalid(t, o->long_name, arg, why);
		}
		if (o->kind == OPT_INT)
			*(int *)o->dest = (int)v;
		else
			*(long *)o->dest = v;
		return 0;
	case OPT_MONEY:
		if (payroll_money_parse(arg, strlen(arg), &fen, &mwhy) || fen < o->min ||
		    fen > o->max) {
			payroll_money_format(o->min, m);
			snprintf(why, sizeof why, _("expected an amount in yuan, at least %s"), m);
			return tool_opt_invalid(t, o->long_name, arg, why);
		}
		*(int64_t *)o->dest = fen;
		return 0;
	case OPT_ENCODING:
		if ((i = payroll_encoding_parse(arg)) < 0)
			return tool_opt_invalid(t, o->long_name, arg,
						_("expected auto, utf-8 or gb18030"));
		*(int *)o->dest = i;
		return 0;
	case OPT_CHOICE:
	case OPT_PARSE:
		i = o->kind == OPT_CHOICE ? choice_index(o->arg, arg) : o->parse(arg);
		if (i < 0) {
			list_words(o->arg, list, sizeof list);
			snprintf(why, sizeof why, _("expected %s"), list);
			return tool_opt_invalid(t, o->long_name, arg, why);
		}
		*(int *)o->dest = o->kind == OPT_CHOICE ? (int)o->min + i : i;
		return 0;
	case OPT_NONE:
		break;
	}
	return tool_usage_error(t, "internal: option '--%s' of no kind", o->long_name);
}

/* The option word at argv[i] as typed, without "=value". */
static void
typed_long(const char *word, char *buf, size_t n)
{
	size_t len = strcspn(word, "=");

	snprintf(buf, n, "%.*s", (int)len, word);
}

/* getopt said '?': unknown, ambiguous, or a flag given a value. */
static int
bad_option(const struct tool *t, char **argv)
{
	char typed[128];
	size_t i, n = nrows(t), len, hits = 0;
	const char *word = argv[optind - 1];

	if (optopt && optopt < VAL_LONG && row_of_val(t, optopt) < 0)
		return tool_usage_error(t, _("unknown option '-%c'"), optopt);
	if (strncmp(word, "--", 2) != 0)
		return tool_usage_error(t, _("unknown option '%s'"), word);
	typed_long(word, typed, sizeof typed);
	if (optopt)
		return tool_usage_error(t, _("'%s' takes no value"), typed);
	len = strlen(typed + 2);
	for (i = 0; i < n; i++)
		if (len && !strncmp(row(t, i)->long_name, typed + 2, len))
			hits++;
	if (hits > 1)
		return tool_usage_error(t, _("ambiguous option '%s'"), typed);
	return tool_usage_error(t, _("unknown option '%s'"), typed);
}

int
tool_parse(struct tool *t, int argc, char **argv)
{
	struct option longopts[MAXROWS + 1];
	char shorts[2 * MAXROWS + 4], seen[MAXROWS];
	size_t i, n = nrows(t), ns = 0;
	int c, r, rc, nargs;
	const struct tool_opt *o;

	tool_start();
	if (n > MAXROWS)
		return tool_usage_error(t, "internal: more than %d options", MAXROWS);
	memset(seen, 0, sizeof seen);
	if (t->stop_at_operand)
		shorts[ns++] = '+';
	shorts[ns++] = ':';
	for (i = 0; i < n; i++) {
		o = row(t, i);
		longopts[i].name = o->long_name;
		longopts[i].has_arg = takes_value(o) ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = row_val(t, i);
		if (o->short_name) {
			shorts[ns++] = (char)o->short_name;
			if (takes_value(o))
				shorts[ns++] = ':';
		}
	}
	memset(&longopts[n], 0, sizeof longopts[n]);
	shorts[ns] = '\0';
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		if (c == '?')
			return bad_option(t, argv);
		if (c == ':') {
			r = row_of_val(t, optopt);
			if (r >= 0 && !strncmp(argv[optind - 1], "--", 2))
				return tool_usage_error(t, _("missing argument to '--%s'"),
							row(t, (size_t)r)->long_name);
			return tool_usage_error(t, _("missing argument to '-%c'"), optopt);
		}
		r = row_of_val(t, c);
		if (r < 0)
			return tool_usage_error(t, "internal: getopt gave %d", c);
		o = row(t, (size_t)r);
		if (o == &std_opts[0]) {
			tool_help(t, stdout);
			return fflush(stdout) ? EXIT_FATAL : EXIT_OK;
		}
		if (o == &std_opts[1]) {
			printf("%s %s\n", t->name, PAYROLL_VERSION);
			return fflush(stdout) ? EXIT_FATAL : EXIT_OK;
		}
		seen[r] = 1;
		if ((rc = set_value(t, o, o->kind == OPT_FLAG ? NULL : optarg, argc)) != 0)
			return rc;
	}
	for (i = 0; i < n; i++)
		if ((row(t, i)->flags & OPT_REQUIRED) && !seen[i])
			return tool_usage_error(t, _("'--%s' is required"), row(t, i)->long_name);
	nargs = argc - optind;
	if (t->max_operands >= 0 && nargs > t->max_operands)
		return tool_usage_error(t, _("unexpected argument '%s'"),
					argv[optind + t->max_operands]);
	if (nargs < t->min_operands)
		return tool_usage_error(t, _("expected %s"), t->operands ? t->operands : "");
	t->args = argv + optind;
	t->nargs = nargs;
	return -1;
}

/* One synopsis word of row o: "--period YYYY-MM", "[-o LEDGER]", "[--paid LEDGER]...". */
static void
synopsis_word(const struct tool_opt *o, char *buf, size_t n)
{
	char name[64];
	int req = (o->flags & OPT_REQUIRED) != 0;

	if (o->short_name && !(o->flags & OPT_LONG_SYN))
		snprintf(name, sizeof name, "-%c", o->short_name);
	else
		snprintf(name, sizeof name, "--%s", o->long_name);
	snprintf(buf, n, "%s%s%s%s%s%s", req ? "" : "[", name, o->arg ? " " : "",
		 o->arg ? o->arg : "", req ? "" : "]", repeated(o) ? "..." : "");
}

/* Add " word" to the line at *col, wrapping at 80 columns to indent. */
static void
put_word(FILE *f, const char *word, size_t *col, size_t indent)
{
	size_t len = strlen(word);

	if (*col + 1 + len > 80) {
		fprintf(f, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		fputc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += len;
}

/*
 * A further synopsis form (n bytes at p, "payroll-x ...") at column
 * start, wrapped like the first: at spaces outside brackets.
 */
static void
put_form(FILE *f, const char *p, size_t n, size_t start, size_t indent)
{
	char word[256];
	size_t i = 0, len, col = start, first = 1;
	int depth;

	fprintf(f, "%*s", (int)start, "");
	while (i < n) {
		for (len = 0, depth = 0; i + len < n && (depth > 0 || p[i + len] != ' '); len++) {
			depth += p[i + len] == '[' ? 1 : p[i + len] == ']' ? -1 : 0;
			/* "-o OUT" is one word */
			if (p[i] == '-' && p[i + len] != ' ' && i + len + 2 < n &&
			    p[i + len + 1] == ' ' && !strchr("-[|", p[i + len + 2]) &&
			    !memchr(p + i, ' ', len))
				len++;
		}
		snprintf(word, sizeof word, "%.*s", (int)len, p + i);
		if (first) {
			fputs(word, f);
			col += strlen(word);
			first = 0;
		} else {
			put_word(f, word, &col, indent);
		}
		for (i += len; i < n && p[i] == ' '; i++)
			;
	}
	fputc('\n', f);
}

/* "  -o, --output F" for row o. */
static void
option_left(const struct tool_opt *o, char *buf, size_t n)
{
	char shortpart[8] = "    ";

	if (o->short_name)
		snprintf(shortpart, sizeof shortpart, "-%c, ", o->short_name);
	snprintf(buf, n, "  %s--%s%s%s", shortpart, o->long_name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
}

/* Columns s takes on a terminal: a translated "usage: " (用法：) is 9
 * bytes but 6 columns. A 3-byte UTF-8 character (CJK, full-width
 * punctuation) is taken as 2 columns, any other character as 1. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) == 0x80)
			continue;
		w += (c & 0xf0) == 0xe0 ? 2 : 1;
	}
	return w;
}

/* Whether p begins with full-width punctuation that may not start a line
 * (，。、：；）！？」), which stays with what is before it. */
static int
is_closing(const char *p)
{
	static const char *const closing[] = { "，", "。", "、", "：", "；", "）", "！", "？", "」" };
	size_t i;

	for (i = 0; i < sizeof closing / sizeof *closing; i++)
		if (!strncmp(p, closing[i], 3))
			return 1;
	return 0;
}

static int
is_wide(const char *p)
{
	return ((unsigned char)*p & 0xf0) == 0xe0 && p[1] && p[2];
}

/*
 * The next piece of help text at p that is placed whole, its bytes (and
 * its columns in *w): one CJK character, which a line may end after, or a
 * run of other characters up to a space, a line end or a CJK character;
 * closing punctuation after either goes with it.
 */
static size_t
help_piece(const char *p, size_t *w)
{
	size_t n = 0;

	*w = 0;
	if (is_wide(p)) {
		n = 3;
		*w = 2;
	} else {
		for (; p[n] && p[n] != ' ' && p[n] != '\n' && !is_wide(p + n); n++)
			*w += ((unsigned char)p[n] & 0xc0) != 0x80;
	}
	for (; is_wide(p + n) && is_closing(p + n); n += 3)
		*w += 2;
	return n;
}

/*
 * Help text h from column indent on, filled and wrapped to 80 columns at
 * spaces and, in Chinese, between characters (text_width). A "\n" in h
 * only marks where the source string was cut: it is a space between two
 * words, nothing beside a Chinese character, and never a line end of its
 * own, which would leave a one-word line under a wrapped one.
 */
static void
put_help(FILE *f, const char *h, size_t indent)
{
	size_t col = indent, n, w;
	const char *p = h;
	int space = 0, wide = 0;

	while (*p) {
		if (*p == ' ' || *p == '\n') {
			if (*p == ' ' || (!wide && !is_wide(p + 1)))
				space = 1;
			p++;
			continue;
		}
		n = help_piece(p, &w);
		if (col > indent && col + (size_t)space + w > 80) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (space && col > indent) {
			fputc(' ', f);
			col++;
		}
		space = 0;
		fwrite(p, 1, n, f);
		col += w;
		wide = n >= 3 && is_wide(p + n - 3);
		p += n;
	}
	fputc('\n', f);
}

void
tool_help(const struct tool *t, FILE *f)
{
	const char *usage = _("usage: ");
	char word[256];
	size_t i, n = nrows(t), col, indent, width = 0, len;
	const char *nl, *p;

	fprintf(f, "%s%s", usage, t->name);
	col = text_width(usage) + strlen(t->name);
	indent = col + 1;
	for (i = 0; i < n - NSTD; i++) {
		if (row(t, i)->flags & OPT_OTHER_FORM)
			continue;
		synopsis_word(row(t, i), word, sizeof word);
		put_word(f, word, &col, indent);
	}
	if (t->operands)
		put_word(f, t->operands, &col, indent);
	fputc('\n', f);
	for (p = t->forms; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		put_form(f, p, (size_t)(nl - p), text_width(usage), indent);
	}
	for (i = 0; i < n; i++) {
		option_left(row(t, i), word, sizeof word);
		if (strlen(word) > width)
			width = strlen(word);
	}
	width += 2;
	if (width > 28)
		width = 28;
	fprintf(f, "\n%s\n", _("options:"));
	for (i = 0; i < n; i++) {
		option_left(row(t, i), word, sizeof word);
		len = strlen(word);
		if (len + 2 > width)
			fprintf(f, "%s\n%*s", word, (int)width, "");
		else
			fprintf(f, "%-*s", (int)width, word);
		put_help(f, _(row(t, i)->help), width);
	}
	if (t->exits)
		fprintf(f, "%s%s", _("exit: "), _(t->exits));
	if (t->more_help)
		t->more_help(f);
	fprintf(f, "\n%s %s\n", _("see man"), t->name);
}
