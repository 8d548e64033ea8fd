/* SPDX-License-Identifier: Apache-2.0 */
#include "audit_basis.h"

#include <stddef.h>
#include <string.h>

#include "money.h"
#include "banned.h"

/* Values are in units of 1/10000 yuan (1/100 fen), so that a percentage of
 * a money amount is exact before it is rounded to the fen. */
#define UNIT 10000

struct ev {
	const char *p;
	const char *why;
};

static int expr(struct ev *e, __int128 *v);

static int
fail(struct ev *e, const char *why)
{
	if (!e->why)
		e->why = why;
	return -1;
}

static int
number_long(struct ev *e, __int128 *v, int *decimals)
{
	__int128 x = 0;
	int d = -1, any = 0;

	for (; (*e->p >= '0' && *e->p <= '9') || (*e->p == '.' && d < 0); e->p++) {
		if (*e->p == '.') {
			d = 0;
			continue;
		}
		if (x > ((__int128)1 << 100) || d >= 4)
			return fail(e, "a number too long");
		x = x * 10 + (*e->p - '0');
		any = 1;
		if (d >= 0)
			d++;
	}
	if (!any)
		return fail(e, "a number expected");
	*decimals = d < 0 ? 0 : d;
	for (d = *decimals; d < 4; d++)
		x *= 10;
	*v = x;
	return 0;
}

/* A number ("410.00", "5", "20"): in UNIT, and its count of decimals.
 * Up to 18 digits in 64 bits, which is every amount a ledger has; longer
 * ones in number_long. */
static int
number(struct ev *e, __int128 *v, int *decimals)
{
	static const uint64_t scale[5] = { 10000, 1000, 100, 10, 1 };
	const char *p = e->p;
	uint64_t x = 0;
	int d = -1, digits = 0;

	for (;; p++) {
		if (*p >= '0' && *p <= '9') {
			if (digits == 18 || d >= 4)
				return number_long(e, v, decimals);
			x = x * 10 + (uint64_t)(*p - '0');
			digits++;
			if (d >= 0)
				d++;
		} else if (*p == '.' && d < 0) {
			d = 0;
		} else {
			break;
		}
	}
	if (!digits)
		return number_long(e, v, decimals);
	e->p = p;
	*decimals = d < 0 ? 0 : d;
	*v = (__int128)x * scale[*decimals];
	return 0;
}

/* Half-up to the fen (UNIT/100), for values of either sign. */
static __int128
to_fen(__int128 v)
{
	return v >= 0 ? (v + 50) / 100 : -((-v + 50) / 100);
}

/* A money amount after "=": two decimals exactly. */
static int
stated(struct ev *e, __int128 *fen)
{
	__int128 v;
	int d;

	if (number(e, &v, &d))
		return -1;
	if (d != 2)
		return fail(e, "a stated amount without two decimals");
	*fen = v / 100;
	return 0;
}

/* Words in parentheses after a value label it: (severe-disability). */
static void
labels(struct ev *e)
{
	while (e->p[0] == '(' && ((e->p[1] >= 'a' && e->p[1] <= 'z') || (e->p[1] >= 'A' && e->p[1] <= 'Z'))) {
		const char *q = strchr(e->p, ')');

		if (!q)
			return;
		e->p = q + 1;
	}
}

/* expr, then any "=N.NN" and " round(RULE)=N.NN" steps: the value after the
 * last step (in UNIT), each step checked against what precedes it. */
static int
steps(struct ev *e, __int128 *v, int *stepped)
{
	__int128 fen;

	*stepped = 0;
	if (expr(e, v))
		return -1;
	for (;;) {
		if (*e->p == '=') {
			e->p++;
			if (stated(e, &fen))
				return -1;
			if (to_fen(*v) != fen)
				return fail(e, "a step does not follow from what precedes it");
			*v = fen * 100;
			*stepped = 1;
		} else if (e->p[0] == ' ' && !strncmp(e->p, " round(", 7)) {
			const char *q = strchr(e->p + 7, ')');
			int rule;
			int64_t r;

			if (!q || (rule = payroll_rounding_parse(e->p + 7, (size_t)(q - e->p - 7))) < 0)
				return fail(e, "an unknown rounding");
			e->p = q + 1;
			if (*e->p++ != '=' || stated(e, &fen))
				return fail(e, "round() without its result");
			if (*v % 100 ||
			    payroll_round((int64_t)(*v / 100), (enum payroll_rounding)rule, &r) || r != fen)
				return fail(e, "a rounding does not follow from what precedes it");
			*v = fen * 100;
		} else {
			return 0;
		}
	}
}

static int
primary(struct ev *e, __int128 *v)
{
	int d, stepped;

	if (e->p[0] == 'm' && (!strncmp(e->p, "max(", 4) || !strncmp(e->p, "min(", 4))) {
		int is_max = e->p[1] == 'a';
		__int128 a, b;

		e->p += 4;
		if (expr(e, &a) || *e->p++ != ',' || expr(e, &b) || *e->p++ != ')')
			return fail(e, "a max( , ) not closed");
		*v = is_max ? (a > b ? a : b) : (a < b ? a : b);
	} else if (*e->p == '(') {
		e->p++;
		if (steps(e, v, &stepped) || *e->p++ != ')')
			return fail(e, "a parenthesis not closed");
	} else {
		if (number(e, v, &d))
			return -1;
		if (*e->p == '%') {
			e->p++;
			*v /= 100;	/* 130% = 1.30 */
		}
	}
	labels(e);
	return 0;
}

static int
term(struct ev *e, __int128 *v)
{
	__int128 b;

	if (primary(e, v))
		return -1;
	while (*e->p == '*') {
		e->p++;
		if (primary(e, &b))
			return -1;
		if ((*v > ((__int128)1 << 60) || *v < -((__int128)1 << 60)) ||
		    (b > ((__int128)1 << 60) || b < -((__int128)1 << 60)))
			return fail(e, "a product too large");
		*v = *v * b;
		*v = *v >= 0 ? (*v + UNIT / 2) / UNIT : -((-*v + UNIT / 2) / UNIT);
	}
	return 0;
}

static int
expr(struct ev *e, __int128 *v)
{
	__int128 b;
	char op;

	if (term(e, v))
		return -1;
	while (*e->p == '+' || *e->p == '-') {
		op = *e->p++;
		if (term(e, &b))
			return -1;
		*v = op == '+' ? *v + b : *v - b;
	}
	return 0;
}

int
payroll_audit_basis(const char *basis, int64_t *fen, const char **why)
{
	struct ev e = { basis, NULL };
	__int128 v;
	int stepped;

	*why = NULL;
	if (!basis || !*basis) {
		*why = "no basis";
		return 1;
	}
	if (steps(&e, &v, &stepped) || *e.p) {
		*why = e.why ? e.why : "text after the arithmetic";
		return 1;
	}
	v = to_fen(v);
	if (v > INT64_MAX || v < INT64_MIN) {
		*why = "a value too large";
		return 1;
	}
	*fen = (int64_t)v;
	return 0;
}
