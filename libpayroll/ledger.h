/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ledger.h: the ledger schema (SPEC 5.6), written and read back.
 *
 * Every tool that reads a ledger goes through payroll_ledger_open/next,
 * so amounts, columns and errors are treated the same everywhere.
 * Lines of one case are contiguous and in ledger order.
 */
#ifndef PAYROLL_LEDGER_H
#define PAYROLL_LEDGER_H

#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "source.h"

#define PAYROLL_LEDGER_HEADER \
	"period,case_id,program,item,month,region,area,locality,name," \
	"id_number,bank,account,account_name,members,support_mode,care_level," \
	"amount,basis\n"

/* 0-based positions of some columns in a ledger line as written here
 * (PAYROLL_LEDGER_HEADER), for code that rereads its own output. */
enum {
	PAYROLL_LEDGER_POS_CASE_ID = 1,
	PAYROLL_LEDGER_POS_PROGRAM = 2,
	PAYROLL_LEDGER_POS_ITEM = 3,
	PAYROLL_LEDGER_POS_AMOUNT = 16,
};

/* A household's members (SPEC 3): a ledger line outside is "bad-members". */
#define PAYROLL_MEMBERS_MIN 1
#define PAYROLL_MEMBERS_MAX 20

/* One ledger line. Strings are NUL-terminated UTF-8. */
struct payroll_ledger_line {
	long line;		/* line in the ledger file (reader only) */
	const char *period;	/* YYYY-MM */
	const char *case_id;
	const char *program;	/* subsistence, extreme-poverty, temporary */
	const char *item;	/* allowance, supplement, ... */
	const char *month;	/* YYYY-MM */
	const char *region;
	const char *area;	/* urban, rural; "" in a ledger without the column */
	const char *locality;
	const char *name;
	const char *id_number;
	const char *bank;
	const char *account;
	const char *account_name;
	int members;
	const char *support_mode;	/* dispersed, centralized; "" unless extreme-poverty */
	const char *care_level;	/* self-care, partial, full; "" unless extreme-poverty */
	int64_t amount;		/* fen */
	const char *basis;
};

/*
 * 1 when l is a line of the period's own regular benefit: its month is the
 * period and its item allowance, supplement, basic-living or care (not
 * arrears, subsidies or temporary grants). SPEC 8, 12, 13, 14 all split
 * amounts this way.
 */
int payroll_ledger_is_regular(const struct payroll_ledger_line *l);

/* Append one ledger line (CSV, LF) to b. 0 or PAYROLL_ENOMEM. */
int payroll_ledger_format(struct payroll_buf *b,
			  const struct payroll_ledger_line *l);

/*
 * The same, for the many lines of one case: the columns that do not vary
 * within a case are quoted once by payroll_ledger_case_set (from l's
 * period, case_id, program, region ... members), then each line adds its
 * item, month, amount and basis. Zero the struct before first use and
 * release it with payroll_ledger_case_release.
 * payroll_ledger_case_line is the hot path of calc: lengths are given,
 * the buffer is grown once per line, and the basis is quoted only when
 * basis_quote says it holds a comma, quote or line end (the caller built
 * it and knows; payroll_csv_needs_quote tells otherwise), the item only
 * when item_quote says so (likewise); month is a month "YYYY-MM" (7 bytes, never
 * quoted). When the basis ends with the amount as payroll_money_format
 * writes it (calc's "...=120.00"), amount_tail is that text's length and
 * the amount column copies it; 0 formats amount. 0 or PAYROLL_ENOMEM.
 */
struct payroll_ledger_case {
	struct payroll_buf head;	/* "period,case_id,program," */
	struct payroll_buf mid;		/* "region,...,members,support_mode,care_level," */
};
int payroll_ledger_case_set(struct payroll_ledger_case *c,
			    const struct payroll_ledger_line *l);

/* The columns of one case in ledger order (PAYROLL_LEDGER_HEADER without
 * item, month, members, amount and basis), for payroll_ledger_case_cols. */
enum {
	PAYROLL_LC_PERIOD, PAYROLL_LC_CASE_ID, PAYROLL_LC_PROGRAM,
	PAYROLL_LC_REGION, PAYROLL_LC_AREA, PAYROLL_LC_LOCALITY, PAYROLL_LC_NAME,
	PAYROLL_LC_ID_NUMBER, PAYROLL_LC_BANK, PAYROLL_LC_ACCOUNT,
	PAYROLL_LC_ACCOUNT_NAME, PAYROLL_LC_SUPPORT_MODE, PAYROLL_LC_CARE_LEVEL,
	PAYROLL_LC_N
};
struct payroll_ledger_cols {
	const char *v[PAYROLL_LC_N];	/* not NUL-terminated; "" when empty */
	size_t n[PAYROLL_LC_N];
	int members;
	unsigned plain;			/* bit 1 << PAYROLL_LC_x: the caller knows
					 * v[x] needs no CSV quoting (a month,
					 * a name of the fixed vocabulary, a
					 * validated code or number) */
};

/*
 * payroll_ledger_case_set from lengths the caller knows: no strlen, and
 * the columns in cols->plain are copied without scanning them for the
 * bytes that need quoting (calc: every column but case_id, locality,
 * name and account_name). 0 or PAYROLL_ENOMEM.
 */
int payroll_ledger_case_cols(struct payroll_ledger_case *c,
			     const struct payroll_ledger_cols *cols);
int payroll_ledger_case_line(struct payroll_buf *b,
			     const struct payroll_ledger_case *c,
			     const char *item, size_t item_len, int item_quote,
			     const char *month, int64_t amount, size_t amount_tail,
			     const char *basis, size_t basis_len, int basis_quote);
void payroll_ledger_case_release(struct payroll_ledger_case *c);

struct payroll_ledger_reader;

/*
 * Open a ledger (path or "-"; gzip and GB18030 are accepted as for any
 * input). Returns 0, or PAYROLL_EFORMAT ("missing-column" ...),
 * PAYROLL_EIO, PAYROLL_ENOMEM with err filled.
 */
int payroll_ledger_open(struct payroll_ledger_reader **out, const char *path,
			struct payroll_error *err);

/*
 * Next line into *l (strings valid until the next call). Returns 1, 0 at
 * end, or PAYROLL_EFORMAT naming file, line and code for a line that is
 * not a valid ledger line ("bad-money", "bad-members" for members not a
 * number in 1..20, "bad-csv"...): a
 * ledger is machine-written, so a bad line makes the file unusable.
 */
int payroll_ledger_next(struct payroll_ledger_reader *r,
			struct payroll_ledger_line *l,
			struct payroll_error *err);

/*
 * Columns added to the ledger after its first version (SPEC 5.6): area,
 * support_mode, care_level. A ledger written before them is still read
 * (its lines have "" there); a command that needs them says so with
 * payroll_ledger_require.
 */
#define PAYROLL_LEDGER_AREA		0x1
#define PAYROLL_LEDGER_SUPPORT_MODE	0x2
#define PAYROLL_LEDGER_CARE_LEVEL	0x4

/* Which of the PAYROLL_LEDGER_* columns the open ledger has. */
unsigned payroll_ledger_columns(const struct payroll_ledger_reader *r);

/*
 * 0 when the ledger has every column in want (PAYROLL_LEDGER_* bits);
 * otherwise PAYROLL_EFORMAT "missing-column" naming the missing ones and
 * saying why (why: e.g. "the report counts by area").
 */
int payroll_ledger_require(const struct payroll_ledger_reader *r, unsigned want,
			   const char *why, struct payroll_error *err);

const char *payroll_ledger_path(const struct payroll_ledger_reader *r);

/* Close and free; NULL is allowed. */
void payroll_ledger_close(struct payroll_ledger_reader *r);

#endif
