/* SPDX-License-Identifier: Apache-2.0 */
#include "layout_builtin.h"

#include <string.h>

#include "banned.h"

static const char builtin_csv[] =
	"# csv: UTF-8 CSV, LF; totals in the control file OUT.ctl\n"
	"[layout]\n"
	"format = delimited\n"
	"delimiter = ,\n"
	"quote = csv\n"
	"encoding = utf-8\n"
	"line-ending = lf\n"
	"amount-unit = yuan\n"
	"control-suffix = .ctl\n"
	"[header]\n"
	"field = \"seq\"\n"
	"field = \"bank\"\n"
	"field = \"account\"\n"
	"field = \"account_name\"\n"
	"field = \"amount\"\n"
	"field = \"memo\"\n"
	"[detail]\n"
	"field = seq\n"
	"field = bank\n"
	"field = account\n"
	"field = account_name\n"
	"field = amount\n"
	"field = ref\n"
	"[control]\n"
	"field = \"period\"\n"
	"field = \"count\"\n"
	"field = \"total\"\n"
	"[control]\n"
	"field = period\n"
	"field = count\n"
	"field = total\n";

static const char builtin_fixed_gbk[] =
	"# fixed-gbk: fixed-width GB18030 records of 158 bytes, CRLF\n"
	"[layout]\n"
	"format = fixed\n"
	"encoding = gb18030\n"
	"line-ending = crlf\n"
	"amount-unit = fen\n"
	"[header]\n"
	"field = \"H\" width=1\n"
	"field = period-compact width=6\n"
	"field = count width=8 align=right pad=zero\n"
	"field = total width=18 align=right pad=zero\n"
	"field = filler width=125\n"
	"[detail]\n"
	"field = \"D\" width=1\n"
	"field = seq width=8 align=right pad=zero\n"
	"field = bank width=12\n"
	"field = account width=32\n"
	"field = account_name width=60\n"
	"field = amount width=15 align=right pad=zero\n"
	"field = ref width=30\n"
	"[trailer]\n"
	"field = \"T\" width=1\n"
	"field = count width=8 align=right pad=zero\n"
	"field = total width=18 align=right pad=zero\n"
	"field = filler width=131\n";

const char *
payroll_layout_builtin_text(const char *name)
{
	if (!strcmp(name, "csv"))
		return builtin_csv;
	if (!strcmp(name, "fixed-gbk"))
		return builtin_fixed_gbk;
	return NULL;
}

int
payroll_layout_builtin(struct payroll_layout **out, const char *name,
		       struct payroll_error *err)
{
	const char *text = payroll_layout_builtin_text(name);

	*out = NULL;
	if (!text)
		return payroll_error_set(err, PAYROLL_EUSAGE, NULL, 0, 0, "unknown-layout",
					 "no built-in layout '%s' (csv, fixed-gbk, pain001; "
					 "a layout file needs a '/' or '.' in its name)", name);
	return payroll_layout_parse(out, name, text, strlen(text), err);
}
