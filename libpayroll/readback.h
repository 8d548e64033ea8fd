/* SPDX-License-Identifier: Apache-2.0 */
/*
 * readback.h: one of our own output files read back line by line (calc
 * takes rows found duplicate at the end out of its ledger and puts them
 * into its rejects), and a field of one of our own CSV lines.
 */
#ifndef PAYROLL_READBACK_H
#define PAYROLL_READBACK_H

#include <stddef.h>
#include <sys/types.h>

/* A file descriptor read through buf; the caller sets fd, buf and cap. */
struct payroll_readback {
	int fd;
	char *buf;
	size_t len, pos, cap;
	off_t off;		/* file offset of buf[0] */
	int eof;
};

/*
 * The next line, with its LF (the last one may lack it): returns 1 with
 * *line, *n and *at (its file offset), 0 at the end, -1 on a read error
 * or a line longer than the buffer.
 */
int payroll_readback_next(struct payroll_readback *in, const char **line, size_t *n, off_t *at);

/*
 * Field idx (0-based) of the CSV line s of n bytes, written by us,
 * unquoted into out of outn bytes (cut to fit, NUL-terminated); "" when
 * the line has fewer fields.
 */
void payroll_readback_field(const char *s, size_t n, int idx, char *out, size_t outn);

#endif
