/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calc_dups.h: the rows payroll-calc rejects as duplicates (a case_id, id
 * number or account on two rows: SPEC 4), and the outputs taken back or
 * copied again for them.
 *
 * The duplicate indexes of each input (calc_rows.h) are walked once all
 * rows were read. Then either
 *   - the duplicates were found by a first, key-only pass over the inputs
 *     before the ledger was written (known): each one's reject is written
 *     in its row's place as the second pass reaches it
 *     (payroll_calc_dups_at, payroll_calc_dups_take); or
 *   - they are found at the end: their rows' lines are cut out of the
 *     ledger file in place (payroll_calc_dups_cut_ledger), and the
 *     rejects file is copied with their rejects merged in line order
 *     (payroll_calc_dups_copy, which also copies a spooled ledger).
 * Either way their count and messages come after every other message
 * (payroll_calc_dups_count).
 */
#ifndef PAYROLL_CALC_DUPS_H
#define PAYROLL_CALC_DUPS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "calc_report.h"
#include "calc_rows.h"
#include "error.h"
#include "outfile.h"

/* A row rejected for a duplicate. */
struct payroll_calc_dup {
	int src;		/* 0 roster, 1 grants */
	uint32_t row;
	long line;
	const char *code;	/* "duplicate-case", "duplicate-id", "duplicate-account" */
	int taken;		/* known: found due to be paid, and rejected instead */
	char *message;		/* allocated, as is case_id... */
	char *case_id;		/* ...set when the row's lines are taken out */
};

struct payroll_calc_dups {
	/* set by the caller before payroll_calc_dups_find */
	struct payroll_calc_source *src;	/* the two inputs: roster, grants */
	struct payroll_calc_report *rep;
	struct payroll_error *err;
	int check_only;		/* check: each duplicate is a problem, nothing more */
	/* kept here */
	struct payroll_calc_dup *d;	/* by (src, row) once found */
	size_t n, cap;
	int known;		/* found by a first pass, before the ledger */
	size_t next;		/* known: the first not yet reached */
	size_t hint;		/* payroll_calc_report_add's */
	struct payroll_buf buf;
};

/*
 * Walk the duplicate indexes of both inputs (and free them): every row
 * sharing a key with another row is a duplicate, unless it was rejected
 * for another reason before or (accounts) every row sharing it is
 * centralized (PAYROLL_DUP_FLAG: an institution's account). Check
 * (check_only): each goes to probs as a problem and counts for attention.
 * Calc: each is marked rejected in its source and kept, in (src, row)
 * order. Returns 0 or PAYROLL_ENOMEM.
 */
int payroll_calc_dups_find(struct payroll_calc_dups *d, struct payroll_problems *probs);

/*
 * Count the duplicates in the report (rows rejected, codes, attention;
 * found at the end: no longer paid) and hand each message to diag, in
 * row order. Known ones rejected for another reason are left out.
 * Returns 0 or PAYROLL_ENOMEM.
 */
int payroll_calc_dups_count(struct payroll_calc_dups *d, payroll_diag_fn diag, void *ctx);

/*
 * Known duplicates: the duplicate at row of source src (the row being
 * paid now), or NULL. Rows are asked for in increasing order.
 */
struct payroll_calc_dup *payroll_calc_dups_at(struct payroll_calc_dups *d, int src, uint32_t row);

/*
 * Reject the row of dup (from payroll_calc_dups_at), whose case_id is
 * case_id (n bytes), instead of paying it: marked taken and rejected, its
 * reject written to rejects (NULL: none). Returns 0, PAYROLL_ENOMEM or
 * PAYROLL_EIO (err filled, naming rejects_path).
 */
int payroll_calc_dups_take(struct payroll_calc_dups *d, struct payroll_calc_dup *dup,
			   const char *case_id, size_t n, struct payroll_outfile *rejects,
			   const char *rejects_path);

/*
 * Found at the end: take the lines of the duplicate rows out of the
 * ledger file in place (each kept line after the first taken out is
 * written again behind where it is read), their amounts out of the
 * report's totals, and note each row's case_id for its reject.
 * Returns 0, or a negative PAYROLL_E* with err filled (naming path).
 */
int payroll_calc_dups_cut_ledger(struct payroll_calc_dups *d, struct payroll_outfile *ledger,
				 const char *path);

/*
 * Copy *from (a spool, or the rejects file) to a new output at target,
 * which replaces *from (aborted). The ledger (is_ledger) without the
 * lines of duplicate rows (as payroll_calc_dups_cut_ledger); the rejects
 * with the duplicates' rejects merged in by source and line (grants: the
 * grants' rejects start at src[1].rejects_from). Returns 0, or a negative
 * PAYROLL_E* with err filled.
 */
int payroll_calc_dups_copy(struct payroll_calc_dups *d, struct payroll_outfile **from,
			   const char *target, int is_ledger, int grants);

/* Free what d holds (not what it borrows); d is zeroed. */
void payroll_calc_dups_release(struct payroll_calc_dups *d);

/*
 * One line of the rejects file (source, line, case_id, code, message),
 * appended to b: control bytes become '?', so it stays one line, and each
 * field is CSV-quoted when it needs it. 0 or PAYROLL_ENOMEM.
 */
int payroll_calc_reject_line(struct payroll_buf *b, const char *source, long line,
			     const char *case_id, size_t case_len, const char *code,
			     const char *message);

#endif
