/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx_part.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handover.h"
#include "banned.h"

#define PIECE ((size_t)64 * 1024)
#define NPIECES 8		/* inflated ahead at most */

/*
 * The worker (handover.h) fills pieces[slot] while the reader reads the
 * one it took; len[] is a piece's size, 0 at the end, -1 on an error
 * (then why says what libzip said), written before the piece is put. zf
 * is the worker's alone while it runs.
 */
struct payroll_xlsx_part {
	zip_file_t *zf;
	struct payroll_handover *h;	/* NULL: read on the caller's thread */
	char *pieces[NPIECES];
	long len[NPIECES];
	char why[256];
	unsigned slot;		/* the reader's piece, when held */
	int held;
	size_t pos;		/* the reader's place in it */
};

/* A piece from the zip: as payroll_xlsx_part_read. */
static long
fill(struct payroll_xlsx_part *p, char *buf, size_t n)
{
	zip_int64_t r = zip_fread(p->zf, buf, n);

	if (r < 0)
		snprintf(p->why, sizeof p->why, "%s", zip_file_strerror(p->zf));
	return r < 0 ? -1 : (long)r;
}

static int
part_worker(struct payroll_handover *h, void *arg)
{
	struct payroll_xlsx_part *p = arg;
	unsigned slot;
	long r;

	do {
		if (payroll_handover_put_wait(h, &slot) != 0)
			return 0;	/* stopped */
		r = p->len[slot] = fill(p, p->pieces[slot], PIECE);
		payroll_handover_put(h);
	} while (r > 0);
	return 0;
}

static void
free_part(struct payroll_xlsx_part *p)
{
	size_t i;

	for (i = 0; i < NPIECES; i++)
		free(p->pieces[i]);
	zip_fclose(p->zf);
	free(p);
}

struct payroll_xlsx_part *
payroll_xlsx_part_open(zip_file_t *zf, int threaded)
{
	struct payroll_xlsx_part *p = calloc(1, sizeof *p);
	size_t i;

	if (!p) {
		zip_fclose(zf);
		return NULL;
	}
	p->zf = zf;
	if (!threaded)
		return p;
	for (i = 0; i < NPIECES; i++)
		if (!(p->pieces[i] = malloc(PIECE))) {
			free_part(p);
			return NULL;
		}
	if (payroll_handover_start(&p->h, NPIECES, part_worker, p) != 0)
		p->h = NULL;	/* read on the caller's thread */
	return p;
}

long
payroll_xlsx_part_read(struct payroll_xlsx_part *p, char *buf, size_t n)
{
	long len;

	if (!p->h)
		return fill(p, buf, n);
	if (!p->held) {
		if (payroll_handover_take(p->h, &p->slot) != 0)
			return 0;	/* cannot happen: the last piece stays held */
		p->held = 1;
	}
	len = p->len[p->slot];
	if (len <= 0)
		return len;	/* the end or the error stays: the worker is done */
	if (n > (size_t)len - p->pos)
		n = (size_t)len - p->pos;
	memcpy(buf, p->pieces[p->slot] + p->pos, n);
	p->pos += n;
	if (p->pos == (size_t)len) {
		p->pos = 0;
		p->held = 0;
		payroll_handover_release(p->h);
	}
	return (long)n;
}

const char *
payroll_xlsx_part_strerror(struct payroll_xlsx_part *p)
{
	return p->why;
}

void
payroll_xlsx_part_close(struct payroll_xlsx_part *p)
{
	if (!p)
		return;
	payroll_handover_stop(p->h);
	free_part(p);
}

int
payroll_xlsx_part_bad_xml(struct payroll_error *err, const char *path, const char *part)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-xlsx",
				 "%s in the workbook is not well-formed XML (a damaged file? open it in Excel and save it again)",
				 part);
}

int
payroll_xlsx_part_unreadable(struct payroll_error *err, const char *path, const char *part,
			     const char *why)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, path, 0, 0, "bad-xlsx",
				 "cannot read %s from the workbook: %s (a damaged file?)", part, why);
}

static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

xmlParserCtxtPtr
payroll_xlsx_part_parser(const char *name, startElementNsSAX2Func start,
			 endElementNsSAX2Func end, charactersSAXFunc text, void *data,
			 xmlInputReadCallback read)
{
	xmlSAXHandler sax = { 0 };
	xmlParserCtxtPtr ctx;

	sax.initialized = XML_SAX2_MAGIC;
	sax.serror = quiet;
	sax.startElementNs = start;
	sax.endElementNs = end;
	sax.characters = text;
	sax.ignorableWhitespace = text;
	sax.cdataBlock = text;
	ctx = read ? xmlCreateIOParserCtxt(&sax, data, read, NULL, data, XML_CHAR_ENCODING_NONE) :
		xmlCreatePushParserCtxt(&sax, data, NULL, 0, name);
	if (ctx)
		xmlCtxtUseOptions(ctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return ctx;
}
