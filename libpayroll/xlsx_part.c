/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx_part.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define PIECE ((size_t)64 * 1024)
#define NPIECES 4		/* inflated ahead at most */

/*
 * The thread fills pieces[tail % NPIECES] while the reader reads
 * pieces[head % NPIECES]; len[] is a piece's size, 0 at the end, -1 on an
 * error (then why says what libzip said). head, tail, len, stop and why
 * are shared under mu; zf is the thread's alone while it runs.
 */
struct payroll_xlsx_part {
	zip_file_t *zf;
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	char *pieces[NPIECES];
	long len[NPIECES];
	unsigned head, tail;
	int stop;
	char why[256];
	size_t pos;		/* the reader's place in pieces[head] */
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

static void *
part_thread(void *arg)
{
	struct payroll_xlsx_part *p = arg;
	long r;

	for (;;) {
		unsigned slot;

		pthread_mutex_lock(&p->mu);
		while (p->tail - p->head == NPIECES && !p->stop)
			pthread_cond_wait(&p->freed, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		slot = p->tail % NPIECES;
		pthread_mutex_unlock(&p->mu);
		r = fill(p, p->pieces[slot], PIECE);	/* why before it is published */
		pthread_mutex_lock(&p->mu);
		p->len[slot] = r;
		p->tail++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->mu);
		if (r <= 0)
			return NULL;
	}
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
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return p;
	if (pthread_cond_init(&p->filled, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		return p;
	}
	if (pthread_cond_init(&p->freed, NULL) != 0) {
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
		return p;
	}
	if (pthread_create(&p->thread, NULL, part_thread, p) != 0) {
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
		return p;
	}
	p->threaded = 1;
	return p;
}

long
payroll_xlsx_part_read(struct payroll_xlsx_part *p, char *buf, size_t n)
{
	unsigned slot;
	long len;

	if (!p->threaded)
		return fill(p, buf, n);
	pthread_mutex_lock(&p->mu);
	while (p->tail == p->head)
		pthread_cond_wait(&p->filled, &p->mu);
	slot = p->head % NPIECES;
	len = p->len[slot];
	pthread_mutex_unlock(&p->mu);
	if (len <= 0)
		return len;	/* the end or the error stays: the thread is done */
	if (n > (size_t)len - p->pos)
		n = (size_t)len - p->pos;
	memcpy(buf, p->pieces[slot] + p->pos, n);
	p->pos += n;
	if (p->pos == (size_t)len) {
		p->pos = 0;
		pthread_mutex_lock(&p->mu);
		p->head++;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
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
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
	}
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
