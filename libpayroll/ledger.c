/* SPDX-License-Identifier: Apache-2.0 */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "table.h"
#include "banned.h"

enum {
	L_PERIOD, L_CASE, L_PROGRAM, L_ITEM, L_MONTH, L_REGION, L_AREA,
	L_LOCALITY, L_NAME, L_ID, L_BANK, L_ACCOUNT, L_ACCOUNT_NAME, L_MEMBERS,
	L_SUPPORT_MODE, L_CARE_LEVEL, L_AMOUNT, L_BASIS, L_NCOLS
};

static const struct payroll_column ledger_cols[L_NCOLS] = {
	{ "period", NULL, PAYROLL_COL_REQUIRED },
	{ "case_id", NULL, PAYROLL_COL_REQUIRED },
	{ "program", NULL, PAYROLL_COL_REQUIRED },
	{ "item", NULL, PAYROLL_COL_REQUIRED },
	{ "month", NULL, PAYROLL_COL_REQUIRED },
	{ "region", NULL, PAYROLL_COL_REQUIRED },
	{ "area", NULL, 0 },		/* optional: not in ledgers before SPEC 5.6 had it */
	{ "locality", NULL, PAYROLL_COL_REQUIRED },
	{ "name", NULL, PAYROLL_COL_REQUIRED },
	{ "id_number", NULL, PAYROLL_COL_REQUIRED },
	{ "bank", NULL, PAYROLL_COL_REQUIRED },
	{ "account", NULL, PAYROLL_COL_REQUIRED },
	{ "account_name", NULL, PAYROLL_COL_REQUIRED },
	{ "members", NULL, PAYROLL_COL_REQUIRED },
	{ "support_mode", NULL, 0 },	/* optional, as area */
	{ "care_level", NULL, 0 },	/* optional, as area */
	{ "amount", NULL, PAYROLL_COL_REQUIRED },
	{ "basis", NULL, 0 },
};

int
payroll_ledger_is_regular(const struct payroll_ledger_line *l)
{
	return !strcmp(l->month, l->period) &&
	       (!strcmp(l->item, "allowance") || !strcmp(l->item, "supplement") ||
		!strcmp(l->item, "basic-living") || !strcmp(l->item, "care"));
}

/* Append the columns [from, to) of cols to b, each CSV-quoted when it
 * needs it and followed by a comma, after one capacity check. */
static int
add_cols(struct payroll_buf *b, const struct payroll_ledger_cols *cols, int from, int to)
{
	size_t need = 0;
	char *o;
	int i;

	for (i = from; i < to; i++)
		need += 2 * cols->n[i] + 3;
	if (payroll_buf_reserve(b, need))
		return PAYROLL_ENOMEM;
	o = b->p + b->len;
	for (i = from; i < to; i++) {
		int plain = (cols->plain >> i) & 1;

		o = payroll_csv_put(o, cols->v[i], cols->n[i],
				    !plain && payroll_csv_needs_quote(cols->v[i], cols->n[i]));
		*o++ = ',';
	}
	*o = '\0';
	b->len = (size_t)(o - b->p);
	return 0;
}

int
payroll_ledger_case_cols(struct payroll_ledger_case *c, const struct payroll_ledger_cols *cols)
{
	char num[12];
	int k = sizeof num, m = cols->members;

	payroll_buf_reset(&c->head);
	payroll_buf_reset(&c->mid);
	num[--k] = ',';
	do
		num[--k] = (char)('0' + m % 10);
	while ((m /= 10) > 0 && k > 0);
	if (add_cols(&c->head, cols, PAYROLL_LC_PERIOD, PAYROLL_LC_REGION) ||
	    add_cols(&c->mid, cols, PAYROLL_LC_REGION, PAYROLL_LC_SUPPORT_MODE) ||
	    payroll_buf_add(&c->mid, num + k, sizeof num - (size_t)k) ||
	    add_cols(&c->mid, cols, PAYROLL_LC_SUPPORT_MODE, PAYROLL_LC_N))
		return PAYROLL_ENOMEM;
	return 0;
}

int
payroll_ledger_case_set(struct payroll_ledger_case *c,
			const struct payroll_ledger_line *l)
{
	const char *v[PAYROLL_LC_N] = {
		l->period, l->case_id, l->program, l->region, l->area, l->locality,
		l->name, l->id_number, l->bank, l->account, l->account_name,
		l->support_mode, l->care_level,
	};
	struct payroll_ledger_cols cols = { .members = l->members };
	int i;

	for (i = 0; i < PAYROLL_LC_N; i++) {
		cols.v[i] = v[i] ? v[i] : "";
		cols.n[i] = strlen(cols.v[i]);
	}
	return payroll_ledger_case_cols(c, &cols);
}

/* A line of the case c: its item, month, amount and basis between the
 * case's columns, after one capacity check. */
static int
case_line(struct payroll_buf *b, const struct payroll_ledger_case *c,
	  const char *item, size_t item_len, int item_quote, const char *month,
	  size_t month_len, int month_quote, int64_t amount, size_t amount_tail, const char *basis,
	  size_t basis_len, int basis_quote)
{
	char *o;

	if (payroll_buf_reserve(b, c->head.len + c->mid.len + 2 * (item_len + month_len + basis_len) +
				PAYROLL_MONEY_MAX + 16))
		return PAYROLL_ENOMEM;
	o = b->p + b->len;
	memcpy(o, c->head.p, c->head.len);
	o = payroll_csv_put(o + c->head.len, item, item_len, item_quote);
	*o++ = ',';
	o = payroll_csv_put(o, month, month_len, month_quote);
	*o++ = ',';
	memcpy(o, c->mid.p, c->mid.len);
	o += c->mid.len;
	if (amount_tail) {
		payroll_copy(o, basis + basis_len - amount_tail, amount_tail);
		o += amount_tail;
	} else {
		o += payroll_money_format(amount, o);
	}
	*o++ = ',';
	o = payroll_csv_put(o, basis, basis_len, basis_quote);
	*o++ = '\n';
	*o = '\0';
	b->len = (size_t)(o - b->p);
	return 0;
}

int
payroll_ledger_case_line(struct payroll_buf *b, const struct payroll_ledger_case *c,
			 const char *item, size_t item_len, int item_quote, const char *month,
			 int64_t amount, size_t amount_tail, const char *basis, size_t basis_len,
			 int basis_quote)
{
	return case_line(b, c, item, item_len, item_quote, month, 7, 0, amount, amount_tail, basis,
			 basis_len, basis_quote);
}

void
payroll_ledger_case_release(struct payroll_ledger_case *c)
{
	payroll_buf_release(&c->head);
	payroll_buf_release(&c->mid);
}

int
payroll_ledger_format(struct payroll_buf *b,
		      const struct payroll_ledger_line *l)
{
	struct payroll_ledger_case c = { { 0 }, { 0 } };
	int rc = payroll_ledger_case_set(&c, l);

	if (rc == 0) {
		const char *item = l->item ? l->item : "", *month = l->month ? l->month : "";
		const char *basis = l->basis ? l->basis : "";
		size_t n = strlen(basis), mn = strlen(month), itn = strlen(item);

		rc = case_line(b, &c, item, itn, payroll_csv_needs_quote(item, itn), month, mn,
			       payroll_csv_needs_quote(month, mn),
			       l->amount, 0, basis, n, payroll_csv_needs_quote(basis, n));
	}
	payroll_ledger_case_release(&c);
	return rc;
}

struct payroll_ledger_reader {
	struct payroll_table *t;
	unsigned columns;	/* PAYROLL_LEDGER_* present in the header */
};

/* The optional columns and their bits, in header order. */
static const struct {
	int col;
	unsigned bit;
} later_cols[] = {
	{ L_AREA, PAYROLL_LEDGER_AREA },
	{ L_SUPPORT_MODE, PAYROLL_LEDGER_SUPPORT_MODE },
	{ L_CARE_LEVEL, PAYROLL_LEDGER_CARE_LEVEL },
};

int
payroll_ledger_open(struct payroll_ledger_reader **out, const char *path,
		    struct payroll_error *err)
{
	struct payroll_ledger_reader *r;
	size_t i;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate ledger reader");
	rc = payroll_table_open_path(&r->t, path, PAYROLL_ENC_AUTO, ledger_cols,
				     L_NCOLS, err);
	if (rc) {
		free(r);
		return rc;
	}
	for (i = 0; i < sizeof later_cols / sizeof *later_cols; i++)
		if (payroll_table_column_at(r->t, (size_t)later_cols[i].col))
			r->columns |= later_cols[i].bit;
	*out = r;
	return 0;
}

unsigned
payroll_ledger_columns(const struct payroll_ledger_reader *r)
{
	return r->columns;
}

int
payroll_ledger_require(const struct payroll_ledger_reader *r, unsigned want,
		       const char *why, struct payroll_error *err)
{
	char names[64] = "";
	size_t i, n = 0;
	int k = 0;

	for (i = 0; i < sizeof later_cols / sizeof *later_cols; i++) {
		if (!(want & later_cols[i].bit) || (r->columns & later_cols[i].bit))
			continue;
		n += (size_t)snprintf(names + n, sizeof names - n, "%s'%s'", k++ ? ", " : "",
				      ledger_cols[later_cols[i].col].name);
	}
	if (!k)
		return 0;
	return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t), 1, 0,
				 "missing-column",
				 "column%s %s missing: the ledger was written before SPEC 5.6 added "
				 "them, and %s", k > 1 ? "s" : "", names, why);
}

static int
bad_line(struct payroll_ledger_reader *r, const struct payroll_row *row,
	 int c, const char *code, const char *what, struct payroll_error *err)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t),
				 row->line, row->col[c], code,
				 "column %d (%s): %s", row->col[c],
				 ledger_cols[c].name, what);
}

int
payroll_ledger_next(struct payroll_ledger_reader *r,
		    struct payroll_ledger_line *l, struct payroll_error *err)
{
	struct payroll_row row;
	const char *why;
	int rc, i, members = 0;

	rc = payroll_table_next(r->t, &row, err);
	if (rc <= 0)
		return rc;
	switch (row.problem) {
	case PAYROLL_ROW_OK:
		break;
	case PAYROLL_ROW_ENCODING:
		return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t), row.line,
					 row.problem_col, "bad-encoding",
					 "column %d: invalid byte sequence", row.problem_col);
	case PAYROLL_ROW_CONTROL:
		return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t), row.line,
					 row.problem_col, "bad-char",
					 "column %d: control character in value", row.problem_col);
	case PAYROLL_ROW_CSV:
		return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t), row.line,
					 row.problem_col, "bad-csv",
					 "column %d: a stray quote; a quoted field must be quoted whole",
					 row.problem_col);
	case PAYROLL_ROW_FIELD_COUNT:
		return payroll_error_set(err, PAYROLL_EFORMAT, payroll_table_path(r->t), row.line,
					 0, "bad-row", "line has %zu fields, the header has more or fewer",
					 row.nfields);
	}
	rc = payroll_money_parse(row.v[L_AMOUNT], row.n[L_AMOUNT], &l->amount, &why);
	if (rc == PAYROLL_EOVERFLOW)
		return bad_line(r, &row, L_AMOUNT, "bad-money", "amount too large", err);
	if (rc)
		return bad_line(r, &row, L_AMOUNT, "bad-money", why, err);
	if (row.n[L_MEMBERS] == 0 || row.n[L_MEMBERS] > 3)
		return bad_line(r, &row, L_MEMBERS, "bad-members", "not a count of members", err);
	for (i = 0; i < (int)row.n[L_MEMBERS]; i++) {
		char c = row.v[L_MEMBERS][i];

		if (c < '0' || c > '9')
			return bad_line(r, &row, L_MEMBERS, "bad-members",
					"not a count of members", err);
		members = members * 10 + (c - '0');
	}
	if (members < PAYROLL_MEMBERS_MIN || members > PAYROLL_MEMBERS_MAX)
		return bad_line(r, &row, L_MEMBERS, "bad-members",
				"a household has 1 to 20 persons", err);
	l->line = row.line;
	l->period = row.v[L_PERIOD];
	l->case_id = row.v[L_CASE];
	l->program = row.v[L_PROGRAM];
	l->item = row.v[L_ITEM];
	l->month = row.v[L_MONTH];
	l->region = row.v[L_REGION];
	l->area = row.v[L_AREA];
	l->locality = row.v[L_LOCALITY];
	l->name = row.v[L_NAME];
	l->id_number = row.v[L_ID];
	l->bank = row.v[L_BANK];
	l->account = row.v[L_ACCOUNT];
	l->account_name = row.v[L_ACCOUNT_NAME];
	l->members = members;
	l->support_mode = row.v[L_SUPPORT_MODE];
	l->care_level = row.v[L_CARE_LEVEL];
	l->basis = row.v[L_BASIS];
	if (!l->case_id[0])
		return bad_line(r, &row, L_CASE, "missing-field", "case_id is empty", err);
	return 1;
}

const char *
payroll_ledger_path(const struct payroll_ledger_reader *r)
{
	return payroll_table_path(r->t);
}

void
payroll_ledger_close(struct payroll_ledger_reader *r)
{
	if (!r)
		return;
	payroll_table_close(r->t);
	free(r);
}
