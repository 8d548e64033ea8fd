/* SPDX-License-Identifier: Apache-2.0 */
#include "roster.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "money.h"
#include "intl.h"
#include "banned.h"

/* Longest values accepted: beyond these a value is garbage, not a name. */
#define MAX_ID_LEN 64
#define MAX_NAME_LEN 120
#define MAX_TEXT_LEN 400

enum {
	R_CASE, R_PROGRAM, R_AREA, R_REGION, R_LOCALITY, R_NAME, R_ID, R_MEMBERS,
	R_INCOME, R_CATEGORIES, R_CARE, R_SUPPORT, R_BANK, R_ACCOUNT,
	R_ACCOUNT_NAME, R_START, R_END, R_STATUS, R_PAID_THROUGH, R_REVIEWED,
	R_NCOLS
};

const struct payroll_column payroll_roster_columns[] = {
	{ "case_id", "编号", PAYROLL_COL_REQUIRED },
	{ "program", "类别", PAYROLL_COL_REQUIRED },
	{ "area", "城乡", PAYROLL_COL_REQUIRED },
	{ "region", "区划代码", PAYROLL_COL_REQUIRED },
	{ "locality", "村社区", PAYROLL_COL_REQUIRED },
	{ "name", "姓名", PAYROLL_COL_REQUIRED },
	{ "id_number", "身份证号", PAYROLL_COL_REQUIRED },
	{ "members", "保障人数", PAYROLL_COL_REQUIRED },
	{ "income", "家庭月收入", 0 },
	{ "categories", "分类施保", 0 },
	{ "care_level", "自理能力", 0 },
	{ "support_mode", "供养方式", 0 },
	{ "bank", "开户行", PAYROLL_COL_REQUIRED },
	{ "account", "账号", PAYROLL_COL_REQUIRED },
	{ "account_name", "户名", 0 },
	{ "start", "起始月份", PAYROLL_COL_REQUIRED | PAYROLL_COL_MONTH },
	{ "end", "终止月份", PAYROLL_COL_MONTH },
	{ "status", "状态", 0 },
	{ "paid_through", "已发放至", PAYROLL_COL_MONTH },
	{ "reviewed", "复核月份", PAYROLL_COL_MONTH },
};
const size_t payroll_roster_ncolumns = R_NCOLS;

enum {
	G_ID, G_NAME, G_IDNUM, G_REGION, G_LOCALITY, G_AREA, G_MEMBERS, G_BANK,
	G_ACCOUNT, G_AMOUNT, G_REASON, G_ACCOUNT_NAME, G_MONTH, G_NCOLS
};

const struct payroll_column payroll_grant_columns[] = {
	{ "grant_id", "编号", PAYROLL_COL_REQUIRED },
	{ "name", "姓名", PAYROLL_COL_REQUIRED },
	{ "id_number", "身份证号", PAYROLL_COL_REQUIRED },
	{ "region", "区划代码", PAYROLL_COL_REQUIRED },
	{ "locality", "村社区", PAYROLL_COL_REQUIRED },
	{ "area", "城乡", PAYROLL_COL_REQUIRED },
	{ "members", "保障人数", PAYROLL_COL_REQUIRED },
	{ "bank", "开户行", PAYROLL_COL_REQUIRED },
	{ "account", "账号", PAYROLL_COL_REQUIRED },
	{ "amount", "救助金额", PAYROLL_COL_REQUIRED },
	{ "reason", "救助事由", 0 },
	{ "account_name", "户名", 0 },
	{ "month", "发放月份", PAYROLL_COL_REQUIRED | PAYROLL_COL_MONTH },
};
const size_t payroll_grant_ncolumns = G_NCOLS;

/* A checker sees the row, the column index in the caller's table and the
 * problems sink; it reports with the column's number and name. */
struct vctx {
	const struct payroll_row *row;
	const struct payroll_column *cols;
	struct payroll_problems *p;
};

static void __attribute__((format(printf, 4, 5)))
bad(struct vctx *v, int c, const char *code, const char *fmt, ...)
{
	char msg[400], where[24];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, payroll_tr(fmt), ap);
	va_end(ap);
	payroll_problem(v->p, v->row->line, v->row->col[c], code, "%s (%s): %s",
			payroll_row_where(v->row, v->row->col[c], where, sizeof where),
			v->cols[c].name, msg);
}

static int
present(struct vctx *v, int c)
{
	return v->row->n[c] > 0;
}

static int
required(struct vctx *v, int c, size_t max)
{
	if (!present(v, c)) {
		bad(v, c, "missing-field", "a value is required");
		return 0;
	}
	if (v->row->n[c] > max) {
		bad(v, c, "too-long", "value is %zu bytes, at most %zu allowed", v->row->n[c], max);
		return 0;
	}
	return 1;
}

/* An id number or account typed into a workbook as a number: Excel keeps
 * 15 significant digits, so the digits may already be wrong. */
static int
excel_number(struct vctx *v, int c, const char *what)
{
	if (!v->row->num || !v->row->num[c] || !present(v, c))
		return 0;
	bad(v, c, "excel-number",
	    "%s '%s' is stored as a number, and Excel keeps only 15 significant digits: format the column as text and type the %ss again",
	    what, v->row->v[c], what);
	return 1;
}

static void
check_region(struct vctx *v, int c, struct payroll_case *k)
{
	const char *why;

	k->region = v->row->v[c];
	k->region_len = v->row->n[c];
	if (required(v, c, 12) && payroll_region_check(k->region, k->region_len, &why))
		bad(v, c, "bad-region", "%s: '%s'", why, k->region);
}

static void
check_id(struct vctx *v, int c, struct payroll_case *k)
{
	const char *code, *why;

	k->id[0] = '\0';
	if (!required(v, c, MAX_ID_LEN) || excel_number(v, c, "id number"))
		return;
	if (payroll_id_check(v->row->v[c], v->row->n[c], k->id, &code, &why)) {
		k->id[0] = '\0';
		bad(v, c, code, "id number %s: %s", v->row->v[c], why);
	}
}

static void
check_members(struct vctx *v, int c, struct payroll_case *k)
{
	const char *s = v->row->v[c];
	size_t n = v->row->n[c], i;
	int m = 0;

	k->members = 0;
	if (!required(v, c, 8))
		return;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			bad(v, c, "bad-members", "'%s' is not a whole number of persons", s);
			return;
		}
		m = m * 10 + (s[i] - '0');
	}
	if (m < 1 || m > 20) {
		bad(v, c, "bad-members", "%d persons: a household has 1 to 20", m);
		return;
	}
	k->members = m;
}

static void
check_bank(struct vctx *v, int cb, int ca, struct payroll_case *k)
{
	const char *why, *code, *near, *near_code;

	k->bank = v->row->v[cb];
	k->bank_len = v->row->n[cb];
	k->account = v->row->v[ca];
	k->account_len = v->row->n[ca];
	if (!required(v, cb, MAX_NAME_LEN))
		;
	else if (payroll_bank_resolve(k->bank, v->row->n[cb], &code, &why, &near, &near_code) == 0) {
		if (code) {	/* a bank's name: its code instead */
			k->bank = code;
			k->bank_len = strlen(code);
		}
	} else if (near)
		bad(v, cb, "bad-bank", "%s: '%s'; did you mean %s (%s)?", why, k->bank,
		    near, near_code);
	else
		bad(v, cb, "bad-bank", "%s: '%s'", why, k->bank);
	if (required(v, ca, 64) && !excel_number(v, ca, "account") && payroll_account_check(k->account, k->account_len, &why))
		bad(v, ca, "bad-account", "%s: '%s'", why, k->account);
}

static int
check_money(struct vctx *v, int c, int64_t *fen, const char *what)
{
	const char *why;
	int rc;

	if (!present(v, c)) {
		bad(v, c, "bad-money", "%s is required", what);
		return -1;
	}
	rc = payroll_money_parse(v->row->v[c], v->row->n[c], fen, &why);
	if (rc == PAYROLL_EOVERFLOW || (rc == 0 && *fen > (int64_t)1000000000000)) {
		bad(v, c, "bad-money", "'%s' is implausibly large", v->row->v[c]);
		return -1;
	}
	if (rc) {
		bad(v, c, "bad-money", "'%s': %s", v->row->v[c], why);
		return -1;
	}
	return 0;
}

/* The month in column c, -1 when it is not one, -2 when empty and not needed. */
static long
month_of(const struct payroll_row *row, int c, int needed)
{
	if (!row->n[c])
		return needed ? -1 : -2;
	return payroll_month_parse(row->v[c], row->n[c]);
}

static long
check_month(struct vctx *v, int c, int needed)
{
	long m = month_of(v->row, c, needed);

	if (!present(v, c)) {
		if (needed)
			bad(v, c, "missing-field", "a month YYYY-MM is required");
	} else if (m < 0) {
		bad(v, c, "bad-month", "'%s' is not a month YYYY-MM", v->row->v[c]);
	}
	return m;
}

int
payroll_row_report(const struct payroll_row *r, struct payroll_problems *p)
{
	char where[24];

	switch (r->problem) {
	case PAYROLL_ROW_OK:
		return 0;
	case PAYROLL_ROW_FIELD_COUNT:
		if (r->sheet) {
			payroll_problem(p, r->line, r->problem_col, "bad-row",
					"%s: a value beyond the header's last column",
					payroll_row_where(r, r->problem_col, where, sizeof where));
			return 1;
		}
		payroll_problem(p, r->line, r->problem_col, "bad-row",
				"row has %zu fields, the header has a different number", r->nfields);
		return 1;
	case PAYROLL_ROW_CSV:
		payroll_problem(p, r->line, r->problem_col, "bad-csv",
				"column %d: stray quote; a quoted field must be quoted whole",
				r->problem_col);
		return 1;
	case PAYROLL_ROW_ENCODING:
		payroll_problem(p, r->line, r->problem_col, "bad-encoding",
				"%s: invalid byte sequence for the file's encoding, or a byte order mark inside the file (mixed encodings or files pasted together?)",
				payroll_row_where(r, r->problem_col, where, sizeof where));
		return 1;
	case PAYROLL_ROW_CONTROL:
		payroll_problem(p, r->line, r->problem_col, "bad-char",
				"%s: control character (NUL, tab, line break) in a value",
				payroll_row_where(r, r->problem_col, where, sizeof where));
		return 1;
	}
	return 1;
}

static int
table_problem(struct vctx *v)
{
	return payroll_row_report(v->row, v->p);
}

/* s (n bytes) is the literal w. */
#define word(s, n, w) ((n) == sizeof w - 1 && !memcmp((s), w, sizeof w - 1))

static int
parse_status(const char *s, size_t n)
{
	if (n == 0 || word(s, n, "active") || word(s, n, "正常"))
		return PAYROLL_ACTIVE;
	if (word(s, n, "suspended") || word(s, n, "暂停"))
		return PAYROLL_SUSPENDED;
	if (word(s, n, "stopped") || word(s, n, "停发") || word(s, n, "停保"))
		return PAYROLL_STOPPED;
	return -1;
}

int
payroll_categories_each(const char *s, size_t n,
			void (*fn)(void *ctx, const char *cat, size_t len, int person),
			void *ctx)
{
	size_t i = 0;
	int persons = 0;

	while (i < n) {
		size_t j = i, a, b;

		while (j < n && s[j] != ';')
			j++;
		for (a = i; a < j && s[a] == ' '; a++)
			;
		for (b = j; b > a && s[b - 1] == ' '; b--)
			;
		if (b > a) {
			if (fn)
				fn(ctx, s + a, b - a, persons);
			persons++;
		}
		i = j + 1;
	}
	return persons;
}

struct catcheck {
	struct vctx *v;
	const struct payroll_standards *std;
	int reported;
};

static void
check_person(void *ctx, const char *s, size_t n, int person)
{
	struct catcheck *cc = ctx;
	size_t i = 0;

	(void)person;
	while (i <= n && !cc->reported) {
		size_t j = i, a, b;

		while (j < n && s[j] != ',')
			j++;
		for (a = i; a < j && s[a] == ' '; a++)
			;
		for (b = j; b > a && s[b - 1] == ' '; b--)
			;
		if (b > a && cc->std && !payroll_standards_knows_category(cc->std, s + a, b - a)) {
			bad(cc->v, R_CATEGORIES, "unknown-category",
			    "category '%.*s' has no supplement:%.*s in the standards",
			    (int)(b - a), s + a, (int)(b - a), s + a);
			cc->reported = 1;
		}
		i = j + 1;
	}
}

static void
check_categories(struct vctx *v, const struct payroll_standards *std,
		 struct payroll_case *k)
{
	struct catcheck cc = { v, std, 0 };
	int persons;

	k->categories = v->row->v[R_CATEGORIES];
	k->categories_len = v->row->n[R_CATEGORIES];
	persons = payroll_categories_each(k->categories, k->categories_len, check_person, &cc);
	if (k->members && persons > k->members)
		bad(v, R_CATEGORIES, "too-many-persons",
		    "%d persons listed, the household has %d members", persons, k->members);
}

static int
centralized(const char *s, size_t n)
{
	return word(s, n, "centralized") || word(s, n, "集中");
}

static void
check_extreme(struct vctx *v, struct payroll_case *k)
{
	const struct payroll_row *r = v->row;

	k->care = -1;
	k->centralized = 0;
	if (present(v, R_SUPPORT)) {
		if (centralized(r->v[R_SUPPORT], r->n[R_SUPPORT]))
			k->centralized = 1;
		else if (!word(r->v[R_SUPPORT], r->n[R_SUPPORT], "dispersed") &&
			 !word(r->v[R_SUPPORT], r->n[R_SUPPORT], "分散"))
			bad(v, R_SUPPORT, "bad-support-mode", "'%s': dispersed (分散) or centralized (集中)",
			    r->v[R_SUPPORT]);
	}
	if (k->program != PAYROLL_EXTREME_POVERTY)
		return;
	if (!present(v, R_SUPPORT))
		bad(v, R_SUPPORT, "missing-field", "extreme-poverty support needs a support mode");
	if (!present(v, R_CARE)) {
		bad(v, R_CARE, "missing-field", "extreme-poverty support needs a care level");
		return;
	}
	k->care = payroll_care_parse(r->v[R_CARE], r->n[R_CARE]);
	if (k->care < 0)
		bad(v, R_CARE, "bad-care-level", "'%s': self-care (全自理), partial (半失能) or full (全失能)",
		    r->v[R_CARE]);
}

static void
check_names(struct vctx *v, int cname, int caccount_name, struct payroll_case *k)
{
	const struct payroll_row *r = v->row;

	k->name = r->v[cname];
	k->name_len = r->n[cname];
	k->account_name = r->n[caccount_name] ? r->v[caccount_name] : k->name;
	k->account_name_len = r->n[caccount_name] ? r->n[caccount_name] : k->name_len;
	if (!required(v, cname, MAX_NAME_LEN))
		return;
	if (r->n[caccount_name] > MAX_NAME_LEN)
		bad(v, caccount_name, "too-long", "account name is longer than %d bytes", MAX_NAME_LEN);
	else if (k->account_name != k->name && !k->centralized &&
		 (k->account_name_len != k->name_len ||
		  memcmp(k->account_name, k->name, k->name_len)))
		bad(v, caccount_name, "name-mismatch",
		    "account name '%s' differs from payee '%s' (allowed only for centralized support)",
		    k->account_name, k->name);
}

/* A roster row's case before its checks: nothing known but its case_id. */
static void
roster_case(const struct payroll_row *row, struct payroll_case *k)
{
	memset(k, 0, sizeof *k);
	k->line = row->line;
	k->program = k->area = k->status = -1;
	k->start = k->end = k->paid_through = k->reviewed = -1;
	k->case_id = row->v[R_CASE];
	k->case_id_len = row->n[R_CASE];
}

void
payroll_roster_keys(const struct payroll_row *row, struct payroll_case *k)
{
	const char *code, *why;

	roster_case(row, k);
	if (row->problem != PAYROLL_ROW_OK)
		return;
	k->centralized = centralized(row->v[R_SUPPORT], row->n[R_SUPPORT]);
	/* as check_id: present, not too long, not a number from Excel */
	if (row->n[R_ID] > 0 && row->n[R_ID] <= MAX_ID_LEN && !(row->num && row->num[R_ID]))
		(void)payroll_id_check(row->v[R_ID], row->n[R_ID], k->id, &code, &why);
	k->account = row->v[R_ACCOUNT];
	k->account_len = row->n[R_ACCOUNT];
	k->start = month_of(row, R_START, 1);
	k->end = month_of(row, R_END, 0);
	if (k->end == -2)
		k->end = LONG_MAX;
	k->status = parse_status(row->v[R_STATUS], row->n[R_STATUS]);
}

int
payroll_roster_validate(const struct payroll_row *row,
			const struct payroll_standards *std,
			struct payroll_case *k, struct payroll_problems *p)
{
	struct vctx v = { row, payroll_roster_columns, p };
	int before = p->count;

	roster_case(row, k);
	if (table_problem(&v))
		return p->count - before;
	required(&v, R_CASE, MAX_ID_LEN);
	if (required(&v, R_PROGRAM, 64)) {
		k->program = payroll_program_parse(row->v[R_PROGRAM], row->n[R_PROGRAM], 0);
		if (k->program < 0)
			bad(&v, R_PROGRAM, "bad-program", "'%s': subsistence (低保) or extreme-poverty (特困)",
			    row->v[R_PROGRAM]);
	}
	if (required(&v, R_AREA, 64)) {
		k->area = payroll_area_parse(row->v[R_AREA], row->n[R_AREA], 0);
		if (k->area < 0)
			bad(&v, R_AREA, "bad-area", "'%s': urban (城市) or rural (农村)", row->v[R_AREA]);
	}
	check_region(&v, R_REGION, k);
	k->locality = row->v[R_LOCALITY];
	k->locality_len = row->n[R_LOCALITY];
	required(&v, R_LOCALITY, MAX_TEXT_LEN);
	check_extreme(&v, k);
	check_names(&v, R_NAME, R_ACCOUNT_NAME, k);
	check_id(&v, R_ID, k);
	check_members(&v, R_MEMBERS, k);
	if (k->program == PAYROLL_SUBSISTENCE || present(&v, R_INCOME))
		check_money(&v, R_INCOME, &k->income, "household income");
	check_categories(&v, std, k);
	check_bank(&v, R_BANK, R_ACCOUNT, k);
	k->start = check_month(&v, R_START, 1);
	k->end = check_month(&v, R_END, 0);
	if (k->end == -2)
		k->end = LONG_MAX;
	if (k->start >= 0 && k->end >= 0 && k->end < k->start)
		bad(&v, R_END, "bad-month", "end %s is before start %s", row->v[R_END], row->v[R_START]);
	k->status = parse_status(row->v[R_STATUS], row->n[R_STATUS]);
	if (k->status < 0)
		bad(&v, R_STATUS, "bad-status", "'%s': active, suspended or stopped", row->v[R_STATUS]);
	k->paid_through = check_month(&v, R_PAID_THROUGH, 0);
	if (k->paid_through == -2)
		k->paid_through = -1;
	k->reviewed = check_month(&v, R_REVIEWED, 0);
	if (k->reviewed == -2)
		k->reviewed = -1;
	return p->count - before;
}

int
payroll_grant_validate(const struct payroll_row *row, struct payroll_case *k,
		       struct payroll_problems *p)
{
	struct vctx v = { row, payroll_grant_columns, p };
	int before = p->count;

	memset(k, 0, sizeof *k);
	k->line = row->line;
	k->program = PAYROLL_TEMPORARY;
	k->area = k->care = -1;
	k->status = PAYROLL_ACTIVE;
	k->start = k->end = k->paid_through = k->reviewed = -1;
	k->case_id = row->v[G_ID];
	k->case_id_len = row->n[G_ID];
	if (table_problem(&v))
		return p->count - before;
	required(&v, G_ID, MAX_ID_LEN);
	check_names(&v, G_NAME, G_ACCOUNT_NAME, k);
	check_id(&v, G_IDNUM, k);
	check_region(&v, G_REGION, k);
	k->locality = row->v[G_LOCALITY];
	k->locality_len = row->n[G_LOCALITY];
	required(&v, G_LOCALITY, MAX_TEXT_LEN);
	if (required(&v, G_AREA, 64)) {
		k->area = payroll_area_parse(row->v[G_AREA], row->n[G_AREA], 0);
		if (k->area < 0)
			bad(&v, G_AREA, "bad-area", "'%s': urban (城市) or rural (农村)", row->v[G_AREA]);
	}
	check_members(&v, G_MEMBERS, k);
	check_bank(&v, G_BANK, G_ACCOUNT, k);
	if (check_money(&v, G_AMOUNT, &k->amount, "the approved amount") == 0 && k->amount == 0)
		bad(&v, G_AMOUNT, "bad-money", "an approved amount of 0.00 pays nothing");
	k->reason = row->v[G_REASON];
	/* a grant is due in its month only: start = end = month */
	k->start = k->end = check_month(&v, G_MONTH, 1);
	return p->count - before;
}
