/* SPDX-License-Identifier: Apache-2.0 */
/*
 * standards.h: the local monthly standards (SPEC 3.2), loaded once and
 * looked up per (region, program, area, month).
 *
 * Lookup: candidates are the rows for the item whose program and area
 * equal the row's or are '*', whose region prefix begins the row's region
 * and whose from..to covers the month. The most specific wins: longest
 * prefix, then exact program, then exact area. Percentages are of the same
 * region, area and month's subsistence base, rounded half up to the fen.
 */
#ifndef PAYROLL_STANDARDS_H
#define PAYROLL_STANDARDS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "money.h"
#include "source.h"

enum payroll_program {
	PAYROLL_SUBSISTENCE = 0,
	PAYROLL_EXTREME_POVERTY,
	PAYROLL_TEMPORARY,
	PAYROLL_PROGRAM_ANY,
};

enum payroll_area { PAYROLL_URBAN = 0, PAYROLL_RURAL, PAYROLL_AREA_ANY };

enum payroll_care { PAYROLL_CARE_SELF = 0, PAYROLL_CARE_PARTIAL, PAYROLL_CARE_FULL };

/* Names as written in files ("subsistence", "urban", "self-care"). */
const char *payroll_program_name(enum payroll_program p);
const char *payroll_area_name(enum payroll_area a);
const char *payroll_care_name(enum payroll_care c);
/* Parse an English or Chinese value; -1 when unknown. '*' is accepted
 * only when any is set (standards files). */
int payroll_program_parse(const char *s, size_t n, int any);
int payroll_area_parse(const char *s, size_t n, int any);
int payroll_care_parse(const char *s, size_t n);

#define PAYROLL_FRAG_MAX 112

/* One resolved amount: fen, and how it was derived for the basis column
 * ("410.00", or "(410.00*130%=533.00)" for a percentage). */
struct payroll_rate {
	int present;
	int unresolved;	/* a percentage applies, but no subsistence base to take it of */
	int64_t fen;
	size_t frag_len;
	char frag[PAYROLL_FRAG_MAX];
};

struct payroll_named_rate {
	const char *name;	/* owned by the standards */
	const char *item;	/* "subsidy:NAME" / "supplement:NAME", likewise */
	size_t name_len, item_len;
	int name_quote;		/* the name needs CSV quoting (a comma, a quote) */
	struct payroll_rate rate;
};

/* Everything that applies to one (region, program, area, month). */
struct payroll_rates {
	struct payroll_rate base;
	struct payroll_rate floor;
	struct payroll_rate care[3];
	struct payroll_rate temporary_cap;
	enum payroll_rounding rounding;
	size_t nsupplements;
	const struct payroll_named_rate *supplements;	/* those that apply */
	size_t nsubsidies;
	const struct payroll_named_rate *subsidies;	/* sorted by name */
	const char *unresolved_subsidy;	/* item of a percentage subsidy with no base, or NULL */
};

struct payroll_standards;

/*
 * Load and validate a standards file. Every problem is handed to diag
 * (may be NULL) with file, line, column and code ("bad-region",
 * "bad-program", "bad-area", "unknown-item", "bad-money", "bad-rounding",
 * "bad-month", "overlap", "percent-of-percent", "bad-row"...). Returns 0,
 * or PAYROLL_EFORMAT when there was any problem (err holds the first),
 * PAYROLL_EIO, PAYROLL_ENOMEM.
 */
int payroll_standards_load(struct payroll_standards **out, const char *path,
			   enum payroll_encoding enc, payroll_diag_fn diag,
			   void *ctx, struct payroll_error *err);

/* Free; NULL is allowed. */
void payroll_standards_free(struct payroll_standards *s);

/* 1 when some row defines supplement:NAME (a known category), else 0. */
int payroll_standards_knows_category(const struct payroll_standards *s,
				     const char *name, size_t n);

/*
 * What applies to region (6 or 12 digits), program (subsistence or
 * extreme-poverty), area and month. The result is owned and cached by s,
 * valid until payroll_standards_free. Returns NULL only when out of
 * memory.
 */
const struct payroll_rates *
payroll_standards_resolve(struct payroll_standards *s, const char *region,
			  size_t n, enum payroll_program program,
			  enum payroll_area area, long month);

#endif
