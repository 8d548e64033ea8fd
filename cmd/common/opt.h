/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opt.h: one option table per tool, in the spirit of git's parse-options.
 *
 * Each row names an option once (long and short name, kind, argument name,
 * help text, destination); from the table come the getopt_long array, the
 * --help text (synopsis and options) and every usage error, all in one
 * format:
 *
 *	payroll-calc: unknown option '--bogus'; try 'payroll-calc --help'
 *
 * A tool fills a struct tool with its table and calls tool_parse() first
 * thing in main. --help (-h) and --version are added to every table; they
 * are recognised as options only, never as an option's value
 * ("--office -h" gives --office the value "-h", as getopt does).
 */
#ifndef PAYROLL_CMD_OPT_H
#define PAYROLL_CMD_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tool_opt_kind {
	OPT_NONE = 0,
	OPT_FLAG,	/* int: set to 1; takes no value */
	OPT_STRING,	/* const char *: any text, even "" */
	OPT_PATH,	/* const char *: a file name or "-"; "" is refused */
	OPT_MONTH,	/* long: YYYY-MM as a month number (ident.h) */
	OPT_INT,	/* int: a decimal number from min to max */
	OPT_LONG,	/* long: a decimal number from min to max */
	OPT_MONEY,	/* int64_t: yuan (money.h), in fen from min to max */
	OPT_ENCODING,	/* enum payroll_encoding: auto, utf-8 or gb18030 */
	OPT_CHOICE,	/* int: min + the index of the value among arg's "a|b|c" */
	OPT_PARSE,	/* int: parse(value), refused when < 0; arg lists the values */
	OPT_STRINGS,	/* struct tool_strv: repeated text; at most max (0: any) */
	OPT_PATHS,	/* struct tool_strv: repeated file names; "" refused */
};

/* Row flags. */
enum {
	OPT_REQUIRED = 1,	/* a usage error when absent; unbracketed in the synopsis */
	OPT_OTHER_FORM = 2,	/* left out of the first synopsis line (see tool.forms) */
	OPT_LONG_SYN = 4,	/* the synopsis spells it --long even with a short name */
};

/* The values of a repeated option, in command-line order. */
struct tool_strv {
	const char **v;
	size_t n;
};

struct tool_opt {
	int short_name;		/* 'o', or 0 */
	const char *long_name;	/* "output"; NULL ends the table */
	enum tool_opt_kind kind;
	void *dest;		/* of the type the kind names */
	const char *arg;	/* the value's name in help and synopsis: "F", "YYYY-MM",
				 * "text|csv" (the values of OPT_CHOICE); NULL for a flag */
	const char *help;	/* N_() marked; "\n" starts a continuation line */
	unsigned flags;		/* OPT_REQUIRED, OPT_OTHER_FORM, OPT_LONG_SYN */
	long min, max;		/* bounds of a number (OPT_MONEY: fen); OPT_CHOICE: min is
				 * the first value; OPT_STRINGS, OPT_PATHS: max count */
	int (*parse)(const char *);	/* OPT_PARSE */
};

/*
 * Rows: OPT(short, long, kind, &dest, arg, help, flags); numbers and
 * counts with bounds: OPT_NUM(..., flags, min, max); OPT_PARSE rows:
 * OPT_FN(..., flags, parse); the table ends with OPT_END.
 */
#define OPT(s, l, kind, dest, arg, help, flags) \
	{ s, l, kind, dest, arg, help, flags, 0, 0, NULL }
#define OPT_NUM(s, l, kind, dest, arg, help, flags, min, max) \
	{ s, l, kind, dest, arg, help, flags, min, max, NULL }
#define OPT_FN(s, l, dest, arg, help, flags, parse) \
	{ s, l, OPT_PARSE, dest, arg, help, flags, 0, 0, parse }
#define OPT_END { 0, NULL, OPT_NONE, NULL, NULL, NULL, 0, 0, 0, NULL }

struct tool {
	const char *name;	/* "payroll-calc" */
	const struct tool_opt *opts;	/* ended by a row with long_name NULL */
	const char *operands;	/* synopsis of the operands: "ROSTER", "OLD NEW", or NULL */
	int min_operands, max_operands;	/* max -1: any number */
	const char *forms;	/* further synopsis lines, "payroll-x ...\n" each, or NULL */
	const char *exits;	/* N_() marked: "0 done, 2 error\n" (help's "exit:" line) */
	int stop_at_operand;	/* options end at the first operand (the dispatcher) */
	void (*more_help)(FILE *f);	/* prints more --help after the options, or NULL */
	/* set by tool_parse: the operands */
	char **args;
	int nargs;
};

/*
 * Parse argv by t->opts into the destinations (after tool_start()).
 * Returns -1 to go on (operands in t->args), or the exit status to return
 * at once: EXIT_OK after printing --help or --version on standard output,
 * EXIT_FATAL after a usage error on standard error. Values of repeated
 * options stay allocated until exit.
 */
int tool_parse(struct tool *t, int argc, char **argv);

/* Print the --help text of t to f (usage, options, exit codes). */
void tool_help(const struct tool *t, FILE *f);

/*
 * A usage error: "NAME: message; try 'NAME --help'" on standard error.
 * Returns EXIT_FATAL.
 */
int tool_usage_error(const struct tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A bad value of option long_name (a check the table cannot make):
 * "NAME: invalid value 'VALUE' for '--LONG': why; try ...". Returns
 * EXIT_FATAL.
 */
int tool_opt_invalid(const struct tool *t, const char *long_name, const char *value,
		     const char *why);

/* The row of t named long_name (no dashes), or NULL. */
const struct tool_opt *tool_opt_find(const struct tool *t, const char *long_name);

#endif
