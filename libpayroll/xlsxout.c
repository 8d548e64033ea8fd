/* SPDX-License-Identifier: Apache-2.0 */
/* xlsxout.c: bank files as Excel workbooks (see xlsxout.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "money.h"
#include "xlsxout.h"
#include "banned.h"

/* The largest magnitude a number cell holds exactly as Excel shows it: a
 * double keeps every decimal of 15 significant digits, and Excel shows 15
 * (2^53, exact as an integer, would show as 9.00719925474099E+15). */
#define XLSX_EXACT_MAX INT64_C(999999999999999)

struct payroll_xlsxout {
	char target[PAYROLL_PATH_MAX];
	char tmp[PAYROLL_PATH_MAX];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *yuan, *integer;
	lxw_row_t row;
};

/* Days from 1970-01-01 to y-m-01 (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
payroll_xlsxout_open(struct payroll_xlsxout **out, const char *target, const char *period,
		  struct payroll_error *err)
{
	struct payroll_xlsxout *x;
	lxw_doc_properties props;
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	int fd, n, y = 1970, m = 1;

	*out = NULL;
	if (!(x = calloc(1, sizeof *x)))
		return payroll_error_errno(err, PAYROLL_ENOMEM, target, "out of memory");
	snprintf(x->target, sizeof x->target, "%s", target);
	if (!strcmp(target, "-"))
		n = snprintf(x->tmp, sizeof x->tmp, ".payroll.xlsx-%ld-XXXXXX", (long)getpid());
	else
		n = snprintf(x->tmp, sizeof x->tmp, "%.*s.%s.xlsx-%ld-XXXXXX",
			     (int)(base - target), target, base, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof x->tmp) {
		free(x);
		return payroll_error_set(err, PAYROLL_EIO, target, 0, 0, "io", "output path too long");
	}
	if ((fd = mkstemp(x->tmp)) < 0) {
		payroll_error_errno(err, PAYROLL_EIO, target, "cannot create a temporary workbook");
		free(x);
		return PAYROLL_EIO;
	}
	close(fd);
	if (sscanf(period, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) {
		y = 1970;
		m = 1;
	}
	/* the same inputs give the same bytes: the creation date is the
	 * first day of the period, never the clock */
	memset(&props, 0, sizeof props);
	props.created = (time_t)(days_from_civil(y, m) * 86400);
	x->wb = workbook_new(x->tmp);
	if (x->wb)
		x->ws = workbook_add_worksheet(x->wb, NULL);
	if (x->ws) {
		x->text = workbook_add_format(x->wb);
		x->yuan = workbook_add_format(x->wb);
		x->integer = workbook_add_format(x->wb);
	}
	if (!x->ws || !x->text || !x->yuan || !x->integer ||
	    workbook_set_properties(x->wb, &props) != LXW_NO_ERROR) {
		payroll_xlsxout_abort(x);
		return payroll_error_errno(err, PAYROLL_ENOMEM, target, "cannot start the workbook");
	}
	format_set_num_format(x->text, "@");
	format_set_num_format(x->yuan, "0.00");
	format_set_num_format(x->integer, "0");
	*out = x;
	return 0;
}

static int
cell_error(struct payroll_error *err, lxw_error e)
{
	return payroll_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? PAYROLL_ENOMEM :
				 PAYROLL_EIO, NULL, 0, 0, "io", "cannot write a cell: %s",
				 lxw_strerror(e));
}

int
payroll_xlsxout_row(struct payroll_xlsxout *x, const struct payroll_layout_record *r,
		 const struct payroll_layout_values *v, struct payroll_error *err)
{
	char num[PAYROLL_MONEY_MAX];
	lxw_error e;
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		const struct payroll_layout_field *f = &r->fields[i];
		lxw_col_t col = (lxw_col_t)i;
		int64_t n = v->num[f->src];

		if (f->src == PAYROLL_SRC_CONST) {
			e = worksheet_write_string(x->ws, x->row, col, f->text, x->text);
		} else if (!payroll_layout_is_number(f->src)) {
			e = worksheet_write_string(x->ws, x->row, col,
						   v->text[f->src] ? v->text[f->src] : "", x->text);
		} else if (f->textcell) {
			if (payroll_layout_is_money(f->src) && f->yuan)
				payroll_money_format(n, num);
			else
				snprintf(num, sizeof num, "%" PRId64, n);
			e = worksheet_write_string(x->ws, x->row, col, num, x->text);
		} else if (n > XLSX_EXACT_MAX || n < -XLSX_EXACT_MAX) {
			return payroll_error_set(err, PAYROLL_EFORMAT, NULL, 0, 0, "field-overflow",
						 "%s %" PRId64 " is too large for an exact number cell;"
						 " use cell=text", f->source, n);
		} else if (payroll_layout_is_money(f->src) && f->yuan) {
			/* The project's only double, at the library's edge: a
			 * number cell is an IEEE double in the file format and
			 * libxlsxwriter takes nothing else. n has at most 15
			 * digits, so n/100 (correctly rounded) is the double
			 * nearest the decimal, and every reader that rounds to
			 * 15 digits, as Excel and xlsx_value.c do, gets the
			 * decimal back exactly. */
			e = worksheet_write_number(x->ws, x->row, col, (double)n / 100.0, x->yuan);
		} else {
			e = worksheet_write_number(x->ws, x->row, col, (double)n, x->integer);
		}
		if (e != LXW_NO_ERROR)
			return cell_error(err, e);
	}
	x->row++;
	return 0;
}

int
payroll_xlsxout_finish(struct payroll_xlsxout *x, struct payroll_outfile *out,
		    struct payroll_error *err)
{
	char buf[65536];
	lxw_error e = workbook_close(x->wb);
	ssize_t n;
	int fd, rc = 0;

	x->wb = NULL;
	if (e != LXW_NO_ERROR) {
		rc = payroll_error_set(err, PAYROLL_EIO, x->target, 0, 0, "io",
				       "cannot write the workbook: %s", lxw_strerror(e));
		payroll_xlsxout_abort(x);
		return rc;
	}
	if ((fd = open(x->tmp, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = payroll_error_errno(err, PAYROLL_EIO, x->target, "cannot read the workbook back");
		payroll_xlsxout_abort(x);
		return rc;
	}
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = payroll_error_errno(err, PAYROLL_EIO, x->target,
						 "cannot read the workbook back");
			break;
		}
		if (payroll_outfile_write(out, buf, (size_t)n)) {
			rc = payroll_error_errno(err, PAYROLL_EIO, x->target, "cannot write");
			break;
		}
	}
	close(fd);
	payroll_xlsxout_abort(x);
	return rc;
}

void
payroll_xlsxout_abort(struct payroll_xlsxout *x)
{
	if (!x)
		return;
	if (x->wb)
		lxw_workbook_free(x->wb);
	unlink(x->tmp);
	free(x);
}
