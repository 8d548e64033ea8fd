/* SPDX-License-Identifier: Apache-2.0 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "banned.h"

#define RAW_SIZE (128 * 1024)
#define PLAIN_SIZE (256 * 1024)
#define DETECT_SIZE (64 * 1024)

static const char replacement[] = "\xef\xbf\xbd";

struct payroll_source {
	char path[PAYROLL_PATH_MAX];
	int fd;
	int raw_eof;
	int gzip;
	int gz_done;		/* inflate saw the end of a member */
	z_stream z;
	size_t raw_len, raw_pos;
	unsigned char raw[RAW_SIZE];
	size_t plain_len, plain_pos;	/* decompressed bytes not yet decoded */
	int plain_eof;
	unsigned char plain[PLAIN_SIZE];
	enum payroll_encoding enc;
	iconv_t cd;
	unsigned long bad;
	int suspect;		/* the last read's bytes may hold what the table refuses */
	int detected;		/* enc was detected, not given */
	char neither[320];	/* not text in either encoding: why */
};

int
payroll_encoding_parse(const char *name)
{
	if (!strcasecmp(name, "auto"))
		return PAYROLL_ENC_AUTO;
	if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
		return PAYROLL_ENC_UTF8;
	if (!strcasecmp(name, "gb18030") || !strcasecmp(name, "gbk") ||
	    !strcasecmp(name, "gb2312") || !strcasecmp(name, "cp936"))
		return PAYROLL_ENC_GB18030;
	return -1;
}

const char *
payroll_encoding_name(enum payroll_encoding enc)
{
	switch (enc) {
	case PAYROLL_ENC_UTF8: return "utf-8";
	case PAYROLL_ENC_GB18030: return "gb18030";
	default: return "auto";
	}
}

static int
read_raw(struct payroll_source *s, struct payroll_error *err)
{
	ssize_t r;

	if (s->raw_pos < s->raw_len || s->raw_eof)
		return 0;
	do
		r = read(s->fd, s->raw, sizeof s->raw);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return payroll_error_errno(err, PAYROLL_EIO, s->path, "cannot read");
	s->raw_pos = 0;
	s->raw_len = (size_t)r;
	if (r == 0)
		s->raw_eof = 1;
	return 0;
}

/* Append decompressed (or plain) bytes to s->plain until it is full or the
 * input ends. */
static int
fill_plain(struct payroll_source *s, struct payroll_error *err)
{
	if (s->plain_pos > 0) {
		memmove(s->plain, s->plain + s->plain_pos, s->plain_len - s->plain_pos);
		s->plain_len -= s->plain_pos;
		s->plain_pos = 0;
	}
	while (s->plain_len < sizeof s->plain && !s->plain_eof) {
		int rc;

		if (!s->gzip && s->raw_pos == s->raw_len) {
			/* a plain file is read straight into plain */
			ssize_t r;

			if (s->raw_eof) {
				s->plain_eof = 1;
				break;
			}
			do
				r = read(s->fd, s->plain + s->plain_len, sizeof s->plain - s->plain_len);
			while (r < 0 && errno == EINTR);
			if (r < 0)
				return payroll_error_errno(err, PAYROLL_EIO, s->path, "cannot read");
			if (r == 0)
				s->raw_eof = s->plain_eof = 1;
			s->plain_len += (size_t)r;
			continue;
		}
		if ((rc = read_raw(s, err)) != 0)
			return rc;
		if (!s->gzip) {	/* what open read to look for gzip */
			size_t k = s->raw_len - s->raw_pos;

			if (k > sizeof s->plain - s->plain_len)
				k = sizeof s->plain - s->plain_len;
			memcpy(s->plain + s->plain_len, s->raw + s->raw_pos, k);
			s->plain_len += k;
			s->raw_pos += k;
			continue;
		}
		if (s->raw_eof) {
			if (!s->gz_done)
				return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 0, 0,
							 "bad-gzip", "gzip stream is truncated");
			s->plain_eof = 1;
			break;
		}
		if (s->gz_done) {
			/* Another member follows (concatenated gzip files). */
			if (inflateReset(&s->z) != Z_OK)
				return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 0, 0,
							 "bad-gzip", "cannot restart gzip stream");
			s->gz_done = 0;
		}
		s->z.next_in = s->raw + s->raw_pos;
		s->z.avail_in = (uInt)(s->raw_len - s->raw_pos);
		s->z.next_out = s->plain + s->plain_len;
		s->z.avail_out = (uInt)(sizeof s->plain - s->plain_len);
		{
			int zr = inflate(&s->z, Z_NO_FLUSH);

			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
				return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 0, 0,
							 "bad-gzip", "corrupt gzip stream: %s",
							 s->z.msg ? s->z.msg : "inflate failed");
			if (zr == Z_STREAM_END)
				s->gz_done = 1;
		}
		s->raw_pos = s->raw_len - s->z.avail_in;
		s->plain_len = sizeof s->plain - s->z.avail_out;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at p (1..4), 0 when invalid, -1 when
 * it may be valid but is cut off at p + n. */
static int
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	int len, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/* Evidence of a sample for each encoding: whole multi-byte characters
 * that are valid, and sequences that are not. A sequence cut off by the
 * end of the sample counts only when the file ends there. */
struct evidence {
	size_t valid, bad;
};

static void
count_utf8(const unsigned char *p, size_t n, int at_eof, struct evidence *e)
{
	size_t i = 0;

	while (i < n) {
		int k = utf8_seq(p + i, n - i);

		if (k < 0) {
			e->bad += at_eof;
			break;
		}
		if (k == 0) {
			e->bad++;
			i++;
			continue;
		}
		e->valid += k > 1;
		i += (size_t)k;
	}
}

/* GB18030 by its structure: 0x81-0xFE then 0x40-0x7E or 0x80-0xFE, or
 * four bytes 0x81-0xFE 0x30-0x39 0x81-0xFE 0x30-0x39. */
static void
count_gb18030(const unsigned char *p, size_t n, int at_eof, struct evidence *e)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], d;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c == 0x80 || c == 0xff) {
			e->bad++;
			i++;
			continue;
		}
		if (i + 1 >= n) {
			e->bad += at_eof;
			break;
		}
		d = p[i + 1];
		if ((d >= 0x40 && d <= 0x7e) || (d >= 0x80 && d <= 0xfe)) {
			e->valid++;
			i += 2;
			continue;
		}
		if (d >= 0x30 && d <= 0x39) {
			if (i + 3 >= n) {
				e->bad += at_eof;
				break;
			}
			if (p[i + 2] >= 0x81 && p[i + 2] <= 0xfe && p[i + 3] >= 0x30 && p[i + 3] <= 0x39) {
				e->valid++;
				i += 4;
				continue;
			}
		}
		e->bad++;
		i++;
	}
}

/*
 * The encoding of a sample, decided on all of it (man payroll-roster(5)):
 *   UTF-8    when it has no invalid UTF-8, or valid multi-byte characters
 *            outnumber invalid sequences at least 4 to 1 (a damaged byte
 *            or a character cut at the end does not flip a file);
 *   GB18030  otherwise, when it has GB18030 characters and at most one
 *            invalid sequence in 20 of them;
 *   UTF-8    otherwise, when invalid sequences are rare: at most one per
 *            256 bytes (an ASCII file with a stray byte);
 *   neither  otherwise: PAYROLL_ENC_AUTO, and the file fails as a whole.
 */
static enum payroll_encoding
decide(const unsigned char *p, size_t n, int at_eof, struct evidence *u,
       struct evidence *g)
{
	memset(u, 0, sizeof *u);
	memset(g, 0, sizeof *g);
	count_utf8(p, n, at_eof, u);
	if (u->bad == 0 || u->valid >= 4 * u->bad)
		return PAYROLL_ENC_UTF8;
	count_gb18030(p, n, at_eof, g);
	if (g->valid > 0 && g->bad * 20 <= g->valid)
		return PAYROLL_ENC_GB18030;
	if (u->bad * 256 <= n)
		return PAYROLL_ENC_UTF8;
	return PAYROLL_ENC_AUTO;
}

static int
detect(struct payroll_source *s, enum payroll_encoding enc,
       struct payroll_error *err)
{
	const unsigned char *p;
	int rc;

	while (s->plain_len < DETECT_SIZE && !s->plain_eof)
		if ((rc = fill_plain(s, err)) != 0)
			return rc;
	p = s->plain;
	if (s->plain_len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 1, 1, "bad-encoding",
					 "file is UTF-16; save it as CSV UTF-8 or CSV (GB18030)");
	if (s->plain_len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		s->plain_pos = 3;
		if (enc == PAYROLL_ENC_AUTO) {
			enc = PAYROLL_ENC_UTF8;
			s->detected = 1;
		}
	}
	if (enc == PAYROLL_ENC_AUTO) {
		size_t n = s->plain_len < DETECT_SIZE ? s->plain_len : DETECT_SIZE;
		struct evidence u, g;

		s->detected = 1;
		enc = decide(p + s->plain_pos, n - s->plain_pos, s->plain_eof && n == s->plain_len,
			     &u, &g);
		if (enc == PAYROLL_ENC_AUTO) {
			/* Reported by the first payroll_source_read: a binary
			 * reader (a workbook) reads the bytes regardless. */
			snprintf(s->neither, sizeof s->neither,
				 "neither UTF-8 nor GB18030: the first %zu bytes hold "
				 "%zu invalid UTF-8 sequences (%zu valid characters) and "
				 "%zu invalid GB18030 (%zu valid); save it as CSV UTF-8",
				 n, u.bad, u.valid, g.bad, g.valid);
			enc = PAYROLL_ENC_UTF8;
		}
	}
	s->enc = enc;
	if (enc == PAYROLL_ENC_GB18030) {
		s->cd = iconv_open("UTF-8", "GB18030");
		if (s->cd == (iconv_t)-1)
			return payroll_error_errno(err, PAYROLL_EIO, s->path,
						   "cannot convert from GB18030");
	}
	return 0;
}

int
payroll_source_open(struct payroll_source **out, const char *path,
		    enum payroll_encoding enc, struct payroll_error *err)
{
	struct payroll_source *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "cannot allocate reader");
	s->cd = (iconv_t)-1;
	snprintf(s->path, sizeof s->path, "%s", path);
	if (!strcmp(path, "-")) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
			free(s);
			return PAYROLL_EIO;
		}
	}
	rc = read_raw(s, err);
	if (rc == 0 && s->raw_len >= 2 && s->raw[0] == 0x1f && s->raw[1] == 0x8b) {
		s->gzip = 1;
		if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
			s->gzip = 0;
			rc = payroll_error_set(err, PAYROLL_ENOMEM, path, 0, 0, "no-memory",
					       "cannot start gzip decompression");
		}
	}
	if (rc == 0)
		rc = detect(s, enc, err);
	if (rc) {
		payroll_source_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* A byte of w below 0x20 or equal to 0x7f (the classic has-less test). */
static uint64_t
word_control(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;

	return ((w - 0x20 * ones) & ~w & (0x80 * ones)) | payroll_word_has(w, 0x7f);
}

/* How many bytes of w, in memory order, come before the first that is
 * not ASCII: 8 when all are. */
static unsigned
ascii_prefix(uint64_t w)
{
	uint64_t high = w & 0x8080808080808080ULL;

	if (!high)
		return 8;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned)__builtin_clzll(high) / 8;
#else
	return (unsigned)__builtin_ctzll(high) / 8;
#endif
}

/* A control byte the table refuses in a value: not LF or CR, which end
 * lines (one inside a value spans two of the table's parse calls). */
static int
refused_control(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\r') || c == 0x7f;
}

/* The high bit of each byte of w (all ASCII) that equals b, exactly
 * (no borrow from a lower byte, unlike payroll_word_has). */
static uint64_t
word_eq(uint64_t w, unsigned char b)
{
	const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f * ones;
	uint64_t x = w ^ (b * ones);

	return ~(((x & low7) + low7) | x) & (0x80 * ones);
}

/* Nonzero when a byte of w (eight ASCII bytes) is one refused_control
 * refuses: refused_control on a whole word, exactly. */
static uint64_t
word_refused(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	/* the high bit set in the bytes below 0x20: adding 0x60 to one of
	 * 0x20 or more sets it, and never carries into the next byte */
	uint64_t low = ~(((w & (0x7f * ones)) + 0x60 * ones) | w) & (0x80 * ones);

	return (low & ~word_eq(w, '\n') & ~word_eq(w, '\r')) | word_eq(w, 0x7f);
}

/*
 * Copy valid UTF-8 from plain to out, replacing invalid sequences, and
 * note in s->suspect what the table would refuse in a value (a control
 * byte but LF and CR, U+FFFD, U+FEFF), so that it need not look again.
 * Each valid run is found first (ASCII eight bytes at a time, and the
 * ASCII bytes before a multi-byte character in one step) and then copied
 * whole.
 */
static size_t
decode_utf8(struct payroll_source *s, unsigned char *out, size_t n)
{
	size_t o = 0;
	unsigned i;

	for (;;) {
		const unsigned char *start = s->plain + s->plain_pos, *p = start;
		const unsigned char *in_end = s->plain + s->plain_len;
		const unsigned char *end = (size_t)(in_end - start) < n - o ? in_end : start + (n - o);
		int k = 1;

		while (p < end) {
			if (end - p >= 16) {
				/* sixteen ASCII bytes at a step, a line end among
				 * them tested without a loop */
				uint64_t w, w2;

				memcpy(&w, p, 8);
				memcpy(&w2, p + 8, 8);
				if (!((w | w2) & 0x8080808080808080ULL)) {
					if ((word_control(w) | word_control(w2)) &&
					    (word_refused(w) | word_refused(w2)))
						s->suspect = 1;
					p += 16;
					continue;
				}
			}
			if (end - p >= 8) {
				uint64_t w;
				unsigned ascii;

				memcpy(&w, p, 8);
				ascii = ascii_prefix(w);
				if (ascii > 0) {
					if (word_control(w))	/* a line end, mostly */
						for (i = 0; i < ascii; i++)
							s->suspect |= refused_control(p[i]);
					p += ascii;
					continue;
				}
			} else if (*p < 0x80) {
				s->suspect |= refused_control(*p);
				p++;
				continue;
			}
			/* most CJK: E1-EC, EE, EF and two continuation bytes */
			if (*p >= 0xe1 && *p <= 0xef && *p != 0xed && in_end - p >= 3 &&
			    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
				k = 3;
			else
				k = utf8_seq(p, (size_t)(in_end - p));
			if (k <= 0 || p + k > end)
				break;
			if (p[0] == 0xef && ((p[1] == 0xbf && p[2] == 0xbd) || (p[1] == 0xbb && p[2] == 0xbf)))
				s->suspect = 1;	/* U+FFFD, U+FEFF */
			p += k;
		}
		memcpy(out + o, start, (size_t)(p - start));
		o += (size_t)(p - start);
		s->plain_pos += (size_t)(p - start);
		if (p == in_end || k > 0)	/* all read, or out is full */
			break;
		if (k < 0 && !s->plain_eof)
			break;		/* need more bytes */
		if (n - o < 3)
			break;
		memcpy(out + o, replacement, 3);
		o += 3;
		s->plain_pos += 1;
		s->bad++;
		s->suspect = 1;
	}
	return o;
}

static size_t
decode_gb18030(struct payroll_source *s, unsigned char *out, size_t n)
{
	char *in = (char *)s->plain + s->plain_pos, *o = (char *)out;
	size_t inleft = s->plain_len - s->plain_pos, outleft = n;

	while (inleft && outleft >= 4) {
		size_t r = iconv(s->cd, &in, &inleft, &o, &outleft);

		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			break;
		if (errno == EINVAL && !s->plain_eof)
			break;		/* incomplete sequence: need more bytes */
		/* EILSEQ, or a sequence cut off by the end of the file; iconv
		 * may have filled the buffer up to it: then the next read
		 * replaces it */
		if (outleft < 3)
			break;
		memcpy(o, replacement, 3);
		o += 3;
		outleft -= 3;
		in++;
		inleft--;
		s->bad++;
	}
	s->plain_pos = s->plain_len - inleft;
	return (size_t)(o - (char *)out);
}

ssize_t
payroll_source_read(struct payroll_source *s, char *buf, size_t n,
		    struct payroll_error *err)
{
	size_t got = 0;

	if (n < 4)	/* room for one whole character at least */
		return payroll_error_set(err, PAYROLL_EINTERNAL, s->path, 0, 0, "internal",
					 "read buffer smaller than a character");
	if (s->neither[0])
		return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 0, 0, "bad-encoding",
					 "%s", s->neither);
	/* iconv's output is not looked at: the table checks every value */
	s->suspect = s->enc == PAYROLL_ENC_GB18030;
	while (got == 0) {
		int rc;

		if (s->plain_len - s->plain_pos < 8 && !s->plain_eof)
			if ((rc = fill_plain(s, err)) != 0)
				return rc;
		if (s->plain_pos == s->plain_len && s->plain_eof)
			return 0;
		if (s->enc == PAYROLL_ENC_GB18030)
			got = decode_gb18030(s, (unsigned char *)buf, n);
		else
			got = decode_utf8(s, (unsigned char *)buf, n);
		if (got == 0 && !s->plain_eof && (rc = fill_plain(s, err)) != 0)
			return rc;
	}
	return (ssize_t)got;
}

int
payroll_source_clean(const struct payroll_source *s)
{
	return !s->suspect;
}

const char *
payroll_source_path(const struct payroll_source *s)
{
	return s->path;
}

enum payroll_encoding
payroll_source_encoding(const struct payroll_source *s)
{
	return s->enc;
}

int
payroll_source_detected(const struct payroll_source *s)
{
	return s->detected;
}

unsigned long
payroll_source_bad_sequences(const struct payroll_source *s)
{
	return s->bad;
}

const unsigned char *
payroll_source_head(const struct payroll_source *s, size_t *n)
{
	*n = s->plain_len;
	return s->plain;
}

int
payroll_source_is_plain_file(const struct payroll_source *s)
{
	return s->fd != STDIN_FILENO && !s->gzip;
}

int
payroll_source_is_regular(const struct payroll_source *s)
{
	struct stat st;

	return fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
}

ssize_t
payroll_source_read_bytes(struct payroll_source *s, char *buf, size_t n,
			  struct payroll_error *err)
{
	size_t k;
	int rc;

	if (s->plain_pos == s->plain_len && !s->plain_eof)
		if ((rc = fill_plain(s, err)) != 0)
			return rc;
	k = s->plain_len - s->plain_pos;
	if (k > n)
		k = n;
	memcpy(buf, s->plain + s->plain_pos, k);
	s->plain_pos += k;
	return (ssize_t)k;
}

long
payroll_source_skip_lines(struct payroll_source *s, long n, int *cr,
			  struct payroll_error *err)
{
	long done = 0;
	int rc;

	if (s->neither[0])
		return payroll_error_set(err, PAYROLL_EFORMAT, s->path, 0, 0, "bad-encoding",
					 "%s", s->neither);
	while (done < n) {
		const unsigned char *p = s->plain + s->plain_pos, *end = s->plain + s->plain_len;
		const unsigned char *lf, *lim, *q;

		if (p == end) {
			if (s->plain_eof)
				break;
			if ((rc = fill_plain(s, err)) != 0)
				return rc;
			continue;
		}
		/* the next line end: a CR before the next LF, or that LF */
		lf = memchr(p, '\n', (size_t)(end - p));
		lim = lf ? lf : end;
		q = memchr(p, '\r', (size_t)(lim - p));
		if (!q)
			q = lf;
		if (!q) {	/* none in the buffer */
			*cr = 0;
			s->plain_pos = s->plain_len;
			continue;
		}
		if (!(*q == '\n' && q == p && *cr))
			done++;
		*cr = *q == '\r';
		s->plain_pos = (size_t)(q + 1 - s->plain);
	}
	return done;
}

void
payroll_source_close(struct payroll_source *s)
{
	if (!s)
		return;
	if (s->fd > STDIN_FILENO)
		close(s->fd);
	if (s->gzip)
		inflateEnd(&s->z);
	if (s->cd != (iconv_t)-1)
		iconv_close(s->cd);
	free(s);
}

/* "1 MiB", "64 KiB", or the bytes: the limit as people write it. */
static void
size_words(size_t n, char *out, size_t len)
{
	if (n >= 1024 * 1024 * 1024 && n % (1024 * 1024 * 1024) == 0)
		snprintf(out, len, "%zu GiB", n / (1024 * 1024 * 1024));
	else if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, len, "%zu MiB", n / (1024 * 1024));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, len, "%zu KiB", n / 1024);
	else
		snprintf(out, len, "%zu bytes", n);
}

/* Read into b until end, limit + 1 bytes, or an error (-1, errno set). */
static int
slurp_fd(int fd, gzFile g, size_t limit, int secret, struct payroll_buf *b, size_t start)
{
	size_t room;
	ssize_t r;

	for (;;) {
		if (b->len - start > limit)
			return 0;
		room = limit + 1 - (b->len - start);
		if (!secret) {
			if (room > 65536)
				room = 65536;
			if (payroll_buf_reserve(b, room)) {
				errno = ENOMEM;
				return -1;
			}
		}
		if (g) {
			int got = gzread(g, b->p + b->len, room > INT32_MAX ? INT32_MAX : (unsigned)room);

			r = got;
			if (got < 0)
				errno = EILSEQ;
		} else {
			r = read(fd, b->p + b->len, room);
			if (r < 0 && errno == EINTR)
				continue;
		}
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		b->len += (size_t)r;
	}
}

int
payroll_source_slurp(const char *path, size_t limit, unsigned flags,
		     struct payroll_buf *b, struct stat *st, struct payroll_error *err)
{
	size_t start = b->len;
	struct stat sb;
	gzFile g = NULL;
	char words[32];
	int fd, rc = 0, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && (flags & PAYROLL_SLURP_MISSING_OK))
			return 1;
		return payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
	}
	if (fstat(fd, &sb) != 0) {
		rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot stat");
		goto done;
	}
	if ((flags & PAYROLL_SLURP_REGULAR) && !S_ISREG(sb.st_mode)) {
		rc = payroll_error_set(err, PAYROLL_EUSAGE, path, 0, 0, "usage",
				       "not a regular file (a %s)", S_ISFIFO(sb.st_mode) ? "fifo" :
				       S_ISDIR(sb.st_mode) ? "directory" : "device or socket");
		goto done;
	}
	/* blocking reads from here: a FIFO (when allowed) is waited for */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot open");
		goto done;
	}
	if (st)
		*st = sb;
	if (limit >= SIZE_MAX - 1 - b->len) {
		rc = payroll_error_set(err, PAYROLL_EINTERNAL, path, 0, 0, "internal",
				       "read limit too large");
		goto done;
	}
	if ((flags & PAYROLL_SLURP_SECRET) && (b->len || payroll_buf_reserve(b, limit + 1))) {
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
		goto done;
	}
	if (flags & PAYROLL_SLURP_GUNZIP) {
		g = gzdopen(fd, "rb");
		if (!g) {
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
			goto done;
		}
		fd = -1;
	}
	if (slurp_fd(fd, g, limit, !!(flags & PAYROLL_SLURP_SECRET), b, start) != 0) {
		e = errno;
		if (e == ENOMEM)
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
		else if (e == EILSEQ)
			rc = payroll_error_set(err, PAYROLL_EIO, path, 0, 0, "io",
					       "cannot read: corrupt or truncated gzip");
		else
			rc = payroll_error_errno(err, PAYROLL_EIO, path, "cannot read");
	} else if (b->len - start > limit) {
		size_words(limit, words, sizeof words);
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "too-big",
				       "the file is larger than %s, the most read for it", words);
	}
done:
	if (g)
		gzclose(g);
	if (fd >= 0)
		close(fd);
	if (rc) {
		if ((flags & PAYROLL_SLURP_SECRET) && b->p)
			explicit_bzero(b->p, b->cap);
		b->len = start;
	}
	if (b->p)
		b->p[b->len] = '\0';
	return rc;
}
