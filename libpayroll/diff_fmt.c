/* SPDX-License-Identifier: Apache-2.0 */
#include "diff_fmt.h"

#include <string.h>

#include "money.h"
#include "banned.h"

static int
add_money(struct payroll_buf *b, int64_t fen, int sign)
{
	return (sign && fen > 0 && payroll_buf_addch(b, '+')) || payroll_buf_addmoney(b, fen);
}

int
payroll_diff_fmt_summary(const struct payroll_diff_fmt *d, struct payroll_buf *b)
{
	const struct payroll_diff_result *r = d->res;
	int64_t net = r->new_sum - r->old_sum;
	int64_t chg = net - r->added_sum + r->removed_sum;
	const struct {
		const char *name;
		long rows;
		int64_t amount;
		int sign;
	} m[] = {
		{ "old", r->old_rows, r->old_sum, 0 },
		{ "new", r->new_rows, r->new_sum, 0 },
		{ "added", r->added, r->added_sum, 0 },
		{ "removed", r->removed, r->removed_sum, 0 },
		{ "changed", r->changed, chg, 1 },
		{ "unchanged", r->unchanged, 0, -1 },
	};
	size_t i, nm = sizeof m / sizeof *m;
	int rc = 0, k;

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		rc = payroll_buf_addstr(b, "summary\n");
		for (i = 0; i < nm && rc == 0; i++) {
			rc = payroll_buf_addf(b, "  %-11s %10ld rows", m[i].name, m[i].rows);
			if (rc == 0 && r->has_amount && m[i].sign >= 0)
				rc = payroll_buf_addstr(b, "  amount ") || add_money(b, m[i].amount, m[i].sign);
			rc = rc || payroll_buf_addch(b, '\n');
		}
		if (rc == 0 && r->has_amount)
			rc = payroll_buf_addf(b, "  %-11s %10s       amount ", "net change", "") ||
			     add_money(b, net, 1) || payroll_buf_addch(b, '\n');
		return rc || payroll_buf_addf(b, "  %-11s %s\n", "result",
					      r->different ? "different" : "identical");
	case PAYROLL_DIFF_CSV:
		for (i = 0; i < nm && rc == 0; i++) {
			for (k = 0; k < 2 && rc == 0; k++) {
				if (k == 1 && !(r->has_amount && m[i].sign >= 0))
					continue;
				rc = payroll_buf_addstr(b, "summary,,");
				for (int j = 0; j < d->nkey && rc == 0; j++)
					rc = payroll_buf_addch(b, ',');
				rc = rc || payroll_buf_addf(b, ",%s_%s,,", m[i].name, k ? "amount" : "rows");
				if (rc == 0)
					rc = k ? add_money(b, m[i].amount, 0) : payroll_buf_addf(b, "%ld", m[i].rows);
				rc = rc || payroll_buf_addch(b, '\n');
			}
		}
		if (rc == 0 && r->has_amount) {
			rc = payroll_buf_addstr(b, "summary,,");
			for (k = 0; k < d->nkey && rc == 0; k++)
				rc = payroll_buf_addch(b, ',');
			rc = rc || payroll_buf_addstr(b, ",net_amount,,") || add_money(b, net, 0) ||
			     payroll_buf_addch(b, '\n');
		}
		rc = rc || payroll_buf_addstr(b, "summary,,");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addch(b, ',');
		return rc || payroll_buf_addf(b, ",different,,%d\n", r->different);
	case PAYROLL_DIFF_JSON:
		rc = payroll_buf_addstr(b, "  \"summary\": {");
		for (i = 0; i < nm && rc == 0; i++) {
			rc = payroll_buf_addf(b, "%s\"%s_rows\": %ld", i ? ", " : "", m[i].name, m[i].rows);
			if (rc == 0 && r->has_amount && m[i].sign >= 0)
				rc = payroll_buf_addf(b, ", \"%s_amount\": \"", m[i].name) ||
				     add_money(b, m[i].amount, 0) || payroll_buf_addch(b, '"');
		}
		if (rc == 0 && r->has_amount)
			rc = payroll_buf_addstr(b, ", \"net_amount\": \"") || add_money(b, net, 0) ||
			     payroll_buf_addch(b, '"');
		return rc || payroll_buf_addf(b, ", \"different\": %s}\n",
					      r->different ? "true" : "false");
	}
	return 0;
}

int
payroll_diff_fmt_preamble(const struct payroll_diff_fmt *d, struct payroll_buf *b)
{
	int k, rc = 0;

	switch (d->o->format) {
	case PAYROLL_DIFF_TEXT:
		return payroll_buf_addf(b, "--- old %s\n+++ new %s\n",
					d->o->old_label ? d->o->old_label : d->path[0],
					d->o->new_label ? d->o->new_label : d->path[1]) ||
		       payroll_buf_addstr(b, d->only);
	case PAYROLL_DIFF_CSV:
		rc = payroll_buf_addstr(b, "record,old_line,new_line");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addch(b, ',') ||
			     payroll_buf_addcsv(b, d->keyname[k], strlen(d->keyname[k]));
		return rc || payroll_buf_addstr(b, ",column,old,new\n") ||
		       payroll_buf_addstr(b, d->only);
	case PAYROLL_DIFF_JSON:
		rc = payroll_buf_addstr(b, "{\n  \"old\": \"") ||
		     payroll_buf_addjson(b, d->path[0], strlen(d->path[0])) ||
		     payroll_buf_addstr(b, "\",\n  \"new\": \"") ||
		     payroll_buf_addjson(b, d->path[1], strlen(d->path[1])) ||
		     payroll_buf_addstr(b, "\",\n  \"key\": [");
		for (k = 0; k < d->nkey && rc == 0; k++)
			rc = payroll_buf_addstr(b, k ? ", \"" : "\"") ||
			     payroll_buf_addjson(b, d->keyname[k], strlen(d->keyname[k])) ||
			     payroll_buf_addch(b, '"');
		return rc || payroll_buf_addstr(b, "],\n  \"only_columns\": [") ||
		       payroll_buf_addstr(b, d->only) || payroll_buf_addstr(b, "],\n");
	}
	return 0;
}
