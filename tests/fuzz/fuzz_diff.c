/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_diff: the auditors' keyed diff (diff.h). The input is the NEW
 * file, or OLD and NEW separated by a line "#new"; without one, OLD is
 * the demo ledger. The report goes to a file, in a format picked by the
 * input's length.
 * Properties: a failure names a code and leaves no report; on success
 * every row is counted once on each side (old rows = removed + changed +
 * unchanged, new rows = added + changed + unchanged); a file compared
 * with itself has no difference.
 */
#include <string.h>
#include <sys/stat.h>

#include "diff.h"
#include "error.h"
#include "fuzz_util.h"

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static const unsigned char *
find(const unsigned char *data, size_t size, const char *what)
{
	size_t i, n = strlen(what);

	for (i = 0; i + n <= size; i++)
		if (!memcmp(data + i, what, n))
			return data + i;
	return NULL;
}

static int
run(const char *old_path, const char *new_path, enum payroll_diff_format f,
    struct payroll_diff_result *res)
{
	struct payroll_diff_opts o;
	struct payroll_error err;
	int rc;

	memset(&o, 0, sizeof o);
	memset(res, 0, sizeof *res);
	o.old_path = old_path;
	o.new_path = new_path;
	o.format = f;
	o.output = fuzz_path(2, "report.out");
	unlink(o.output);
	rc = payroll_diff(&o, res, &err);
	if (rc) {
		FUZZ_ASSERT(rc == PAYROLL_EUSAGE || rc == PAYROLL_EFORMAT || rc == PAYROLL_EOVERFLOW ||
			    rc == PAYROLL_EIO || rc == PAYROLL_ENOMEM, "diff rc %d", rc);
		FUZZ_ASSERT(err.code[0] != '\0', "an error without a code: %s", err.message);
		FUZZ_ASSERT(!exists(o.output), "a report left on failure");
		return rc;
	}
	FUZZ_ASSERT(exists(o.output), "no report");
	FUZZ_ASSERT(res->old_rows == res->removed + res->changed + res->unchanged,
		    "old rows %ld != removed %ld + changed %ld + unchanged %ld",
		    res->old_rows, res->removed, res->changed, res->unchanged);
	FUZZ_ASSERT(res->new_rows == res->added + res->changed + res->unchanged,
		    "new rows %ld != added %ld + changed %ld + unchanged %ld",
		    res->new_rows, res->added, res->changed, res->unchanged);
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *oldp = PAYROLL_FIXTURES "/every-code/expected/ledger.csv";
	const char *newp = fuzz_path(1, "new.csv");
	const unsigned char *sep = find(data, size, "\n#new\n");
	enum payroll_diff_format f = (enum payroll_diff_format)(size % 3);
	struct payroll_diff_result res;

	if (sep) {
		oldp = fuzz_path(0, "old.csv");
		fuzz_write(oldp, data, (size_t)(sep - data) + 1);
		fuzz_write(newp, sep + 6, size - (size_t)(sep - data) - 6);
	} else {
		fuzz_write(newp, data, size);
	}
	(void)run(oldp, newp, f, &res);
	if (run(newp, newp, f, &res) == 0)
		FUZZ_ASSERT(!res.different && res.added == 0 && res.removed == 0 && res.changed == 0,
			    "a file differs from itself: +%ld -%ld ~%ld", res.added, res.removed,
			    res.changed);
	return 0;
}
