/* SPDX-License-Identifier: Apache-2.0 */
#include "readback.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

/* Next line (with its LF) or 0 at the end; -1 on a read error. */
int
payroll_readback_next(struct payroll_readback *in, const char **line, size_t *n, off_t *at)
{
	char *nl;

	for (;;) {
		nl = memchr(in->buf + in->pos, '\n', in->len - in->pos);
		if (nl || (in->eof && in->pos < in->len)) {
			size_t end = nl ? (size_t)(nl - in->buf) + 1 : in->len;

			*line = in->buf + in->pos;
			*n = end - in->pos;
			*at = in->off + (off_t)in->pos;
			in->pos = end;
			return 1;
		}
		if (in->eof)
			return 0;
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->off += (off_t)in->pos;
		in->len -= in->pos;
		in->pos = 0;
		if (in->len == in->cap)
			return -1;	/* a line longer than the buffer: not ours */
		{
			ssize_t r = read(in->fd, in->buf + in->len, in->cap - in->len);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				in->eof = 1;
			in->len += (size_t)r;
		}
	}
}

/* Field idx of one of our own CSV lines, unquoted, into out. */
void
payroll_readback_field(const char *s, size_t n, int idx, char *out, size_t outn)
{
	size_t i = 0, o = 0;
	int f = 0;

	while (i < n && f < idx) {
		if (s[i] == '"') {
			for (i++; i < n && !(s[i] == '"' && (i + 1 >= n || s[i + 1] != '"')); i++)
				if (s[i] == '"')
					i++;
			i++;
		}
		while (i < n && s[i] != ',' && s[i] != '\n')
			i++;
		if (i < n && s[i] == ',')
			f++;
		i++;
	}
	if (i < n && s[i] == '"') {
		for (i++; i < n && o + 1 < outn; i++) {
			if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
				i++;
			else if (s[i] == '"')
				break;
			out[o++] = s[i];
		}
	} else {
		for (; i < n && s[i] != ',' && s[i] != '\n' && o + 1 < outn; i++)
			out[o++] = s[i];
	}
	out[o] = '\0';
}
