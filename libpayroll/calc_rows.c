/* SPDX-License-Identifier: Apache-2.0 */
#include "calc_rows.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "banned.h"

int
payroll_calc_source_add_row(struct payroll_calc_source *s, long line)
{
	size_t r = s->nrows;

	if (r >= PAYROLL_DUP_MAXROW)
		return PAYROLL_EOVERFLOW;
	if (r == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		unsigned char *nl = realloc(s->nlines, cap);
		unsigned char *rj;

		if (!nl)
			return PAYROLL_ENOMEM;
		s->nlines = nl;
		rj = realloc(s->rejected, cap / 8);
		if (!rj)
			return PAYROLL_ENOMEM;
		memset(rj + s->cap / 8, 0, (cap - s->cap) / 8);
		s->rejected = rj;
		s->cap = cap;
	}
	s->nlines[r] = 0;
	if (!s->nanchors || s->anchors[s->nanchors - 1].line +
	    (long)(r - s->anchors[s->nanchors - 1].row) != line) {
		void *g = realloc(s->anchors, (s->nanchors + 1) * sizeof *s->anchors);

		if (!g)
			return PAYROLL_ENOMEM;
		s->anchors = g;
		s->anchors[s->nanchors].row = (uint32_t)r;
		s->anchors[s->nanchors].line = line;
		s->nanchors++;
	}
	s->nrows++;
	return 0;
}

long
payroll_calc_row_line(const struct payroll_calc_source *s, uint32_t row)
{
	size_t lo = 0, hi = s->nanchors;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (s->anchors[mid].row <= row)
			lo = mid;
		else
			hi = mid;
	}
	return s->anchors[lo].line + (long)(row - s->anchors[lo].row);
}

int
payroll_calc_set_row_lines(struct payroll_calc_source *s, uint32_t row, size_t n)
{
	if (n < 255) {
		s->nlines[row] = (unsigned char)n;
		return 0;
	}
	s->nlines[row] = 255;
	{
		void *g = realloc(s->over, (s->nover + 1) * sizeof *s->over);

		if (!g)
			return PAYROLL_ENOMEM;
		s->over = g;
	}
	s->over[s->nover].row = row;
	s->over[s->nover].n = (uint32_t)n;
	s->nover++;
	return 0;
}

size_t
payroll_calc_row_lines(const struct payroll_calc_source *s, uint32_t row)
{
	size_t lo = 0, hi = s->nover;

	if (s->nlines[row] < 255)
		return s->nlines[row];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->over[mid].row < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->over[lo].n;
}

void
payroll_calc_source_rewind(struct payroll_calc_source *s)
{
	if (s->rejected)
		memset(s->rejected, 0, s->cap / 8);
	s->nrows = s->nover = s->nanchors = 0;
}

void
payroll_calc_source_release(struct payroll_calc_source *s)
{
	int k;

	for (k = 0; k < PAYROLL_CALC_NKEYS; k++)
		payroll_dupindex_release(&s->keys[k]);
	free(s->nlines);
	free(s->rejected);
	free(s->over);
	free(s->anchors);
}
