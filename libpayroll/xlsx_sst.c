/* SPDX-License-Identifier: Apache-2.0 */
#include "xlsx_sst.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xlsx_part.h"
#include "banned.h"

/* A string longer than this makes the workbook unusable (as a cell). */
#define STRING_LIMIT ((size_t)16 * 1024 * 1024)

/* The arena: offset o is slot[o >> BLOCK_SHIFT] + (o & (BLOCK - 1)); a
 * block covers one slot or, for a string over BLOCK, several. */
#define BLOCK_SHIFT 20
#define BLOCK ((size_t)1 << BLOCK_SHIFT)
#define NSLOTS ((size_t)1 << (32 - BLOCK_SHIFT))	/* 4 GiB of offsets */
/* String k's offset is page[k >> PAGE_SHIFT][k & (PAGE - 1)]; a string
 * takes 2 bytes at least (its length and its NUL). */
#define PAGE_SHIFT 16
#define PAGE ((size_t)1 << PAGE_SHIFT)
#define NPAGES (((size_t)1 << 31) / PAGE)

/*
 * The parsing thread (or open, on one thread) is the only one to touch
 * zip, zf, ctx, cur, the depths and top, end, nblocks, count; it writes
 * slot[], page[] and the strings' bytes before it publishes their number
 * in n (release), and rc, err before it sets done under mu. The caller
 * reads a string only below the n it loaded (acquire), rc and err only
 * once it has seen done under mu. want (a waiter's wish, seq_cst against
 * n: one of them sees the other) and stop are atomic.
 */
struct payroll_xlsx_sst {
	char path[PAYROLL_PATH_MAX];
	char part[512];
	zip_t *zip;
	zip_file_t *zf;
	xmlParserCtxtPtr ctx;

	char *slot[NSLOTS];
	char *blocks[NSLOTS];
	size_t nblocks;
	uint64_t top, end;	/* next free offset, end of the last block */
	uint32_t *page[NPAGES];
	size_t count;		/* strings complete */

	struct payroll_buf cur;	/* the string being parsed */
	int depth, text_depth, rph_depth;
	int rc;			/* the part's outcome, final once done */
	struct payroll_error err;

	_Atomic size_t n;	/* strings published */
	_Atomic size_t want;	/* a waiter waits for this many; 0: none */
	_Atomic int stop;
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;
	int done;		/* under mu */
	size_t seen;		/* the caller's: strings known published */
};

static void
failed(struct payroll_xlsx_sst *s, int rc)
{
	s->rc = rc;
	xmlStopParser(s->ctx);
}

static void
no_memory(struct payroll_xlsx_sst *s)
{
	failed(s, payroll_error_errno(&s->err, PAYROLL_ENOMEM, s->path, "out of memory"));
}

/* Room for need bytes at s->top: 0, or -1 (over 4 GiB, or no memory:
 * s->rc set). */
static int
arena_room(struct payroll_xlsx_sst *s, size_t need)
{
	size_t size = (need + BLOCK - 1) & ~(BLOCK - 1), i;
	char *b;

	if (s->top + need <= s->end)
		return 0;
	if (s->end + size > UINT32_MAX) {
		failed(s, payroll_error_set(&s->err, PAYROLL_EFORMAT, s->path, 0, 0, "bad-xlsx",
					    "the shared strings are over 4 GiB"));
		return -1;
	}
	if (!(b = malloc(size))) {
		no_memory(s);
		return -1;
	}
	s->blocks[s->nblocks++] = b;
	for (i = 0; i < size / BLOCK; i++)
		s->slot[(s->end >> BLOCK_SHIFT) + i] = b + i * BLOCK;
	s->top = s->end;
	s->end += size;
	return 0;
}

/* The string parsed (s->cur) appended and published. */
static void
add_string(struct payroll_xlsx_sst *s)
{
	size_t len = s->cur.len, k = s->count, want, nlen;
	uint32_t off;
	char *p;

	if (k >= NPAGES * PAGE) {
		failed(s, payroll_error_set(&s->err, PAYROLL_EFORMAT, s->path, 0, 0, "bad-xlsx",
					    "the shared strings are over 4 GiB"));
		return;
	}
	if (!s->page[k >> PAGE_SHIFT] &&
	    !(s->page[k >> PAGE_SHIFT] = malloc(PAGE * sizeof **s->page))) {
		no_memory(s);
		return;
	}
	for (nlen = 1; len >> (7 * nlen); nlen++)
		;
	if (arena_room(s, nlen + len + 1))
		return;
	off = (uint32_t)s->top;
	p = s->slot[off >> BLOCK_SHIFT] + (off & (BLOCK - 1));
	for (; len >= 0x80; len >>= 7)
		*p++ = (char)(len | 0x80);
	*p++ = (char)len;
	if (s->cur.len)
		memcpy(p, s->cur.p, s->cur.len);
	p[s->cur.len] = '\0';
	s->top += nlen + s->cur.len + 1;
	s->page[k >> PAGE_SHIFT][k & (PAGE - 1)] = off;
	s->count = k + 1;
	atomic_store(&s->n, k + 1);
	if ((want = atomic_load(&s->want)) != 0 && k + 1 >= want) {
		pthread_mutex_lock(&s->mu);
		pthread_cond_broadcast(&s->more);
		pthread_mutex_unlock(&s->mu);
	}
}

/* <si> holds a string: the text in it, phonetic runs (<rPh>, the furigana
 * or pinyin Excel keeps beside East Asian text) left out. */
static void
sst_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
	  int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct payroll_xlsx_sst *s = ctx;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndef, (void)attrs;
	s->depth++;
	if (s->text_depth) {
		if (!s->rph_depth && !strcmp((const char *)name, "rPh"))
			s->rph_depth = s->depth;
	} else if (!strcmp((const char *)name, "si")) {
		payroll_buf_reset(&s->cur);
		s->text_depth = s->depth;
	}
}

static void
sst_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct payroll_xlsx_sst *s = ctx;

	(void)name, (void)prefix, (void)uri;
	if (s->depth == s->rph_depth) {
		s->rph_depth = 0;
	} else if (s->depth == s->text_depth) {
		s->text_depth = 0;
		add_string(s);
	}
	s->depth--;
}

static void
sst_text(void *ctx, const xmlChar *ch, int len)
{
	struct payroll_xlsx_sst *s = ctx;

	if (!s->text_depth || s->rph_depth || s->rc)
		return;
	if (s->cur.len + (size_t)len > STRING_LIMIT)
		failed(s, payroll_error_set(&s->err, PAYROLL_EFORMAT, s->path, 0, 0, "bad-xlsx",
					    "%s: %s: a value over 16 MiB", s->part,
					    "a shared string"));
	else if (payroll_buf_add(&s->cur, ch, (size_t)len))
		no_memory(s);
}

/* libxml2's read callback: the part's inflated bytes, none once stopped. */
static int
sst_read(void *ctx, char *buf, int len)
{
	struct payroll_xlsx_sst *s = ctx;
	zip_int64_t r;

	if (atomic_load_explicit(&s->stop, memory_order_relaxed))
		return -1;
	if ((r = zip_fread(s->zf, buf, (zip_uint64_t)len)) < 0 && !s->rc)
		s->rc = payroll_xlsx_part_unreadable(&s->err, s->path, s->part,
						     zip_file_strerror(s->zf));
	return r < 0 ? -1 : (int)r;
}

/* The whole part: its outcome in s->rc, s->err. */
static void
parse(struct payroll_xlsx_sst *s)
{
	int rc = xmlParseDocument(s->ctx);

	if (!s->rc && (rc != 0 || !s->ctx->wellFormed))
		s->rc = payroll_xlsx_part_bad_xml(&s->err, s->path, s->part);
	payroll_buf_release(&s->cur);
	xmlFreeParserCtxt(s->ctx);
	s->ctx = NULL;
	zip_fclose(s->zf);
	s->zf = NULL;
	zip_discard(s->zip);
	s->zip = NULL;
}

static void *
sst_thread(void *arg)
{
	struct payroll_xlsx_sst *s = arg;

	parse(s);
	pthread_mutex_lock(&s->mu);
	s->done = 1;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Start the thread: 1, or 0 when it cannot be started. */
static int
thread_start(struct payroll_xlsx_sst *s)
{
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&s->more, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		return 0;
	}
	s->threaded = 1;
	if (pthread_create(&s->thread, NULL, sst_thread, s) == 0)
		return 1;
	s->threaded = 0;
	pthread_cond_destroy(&s->more);
	pthread_mutex_destroy(&s->mu);
	return 0;
}

int
payroll_xlsx_sst_open(struct payroll_xlsx_sst **out, zip_t *zip, const char *partname,
		      const char *path, int threaded, struct payroll_error *err)
{
	struct payroll_xlsx_sst *s = calloc(1, sizeof *s);
	zip_int64_t idx;
	int rc;

	*out = NULL;
	if (!s) {
		zip_discard(zip);
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	}
	s->zip = zip;
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(s->part, sizeof s->part, "%s", partname);
	idx = zip_name_locate(zip, partname, 0);
	if (idx < 0 || !(s->zf = zip_fopen_index(zip, (zip_uint64_t)idx, 0))) {
		rc = payroll_xlsx_part_unreadable(err, path, partname, zip_strerror(zip));
		goto fail;
	}
	if (!(s->ctx = payroll_xlsx_part_parser(partname, sst_start, sst_end, sst_text, s, sst_read))) {
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
		goto fail;
	}
	if (threaded && thread_start(s)) {
		*out = s;
		return 0;
	}
	parse(s);
	s->done = 1;
	if (s->rc) {
		*err = s->err;
		rc = s->rc;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	payroll_xlsx_sst_close(s);
	return rc;
}

/* Wait (with the thread) until string k is published or the part ends:
 * the strings published. */
static size_t
wait_for(struct payroll_xlsx_sst *s, size_t k)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		atomic_store(&s->want, k + 1);
		n = atomic_load(&s->n);
		if (k < n || s->done)
			break;
		pthread_cond_wait(&s->more, &s->mu);
	}
	atomic_store(&s->want, 0);
	pthread_mutex_unlock(&s->mu);
	return n;
}

int
payroll_xlsx_sst_get(struct payroll_xlsx_sst *s, size_t k, const char **v, size_t *n,
		     struct payroll_error *err)
{
	const unsigned char *p;
	size_t len = 0;
	uint32_t off;
	int shift = 0;

	if (!s)
		return 0;
	if (k >= s->seen) {
		s->seen = atomic_load_explicit(&s->n, memory_order_acquire);
		if (k >= s->seen && s->threaded)
			s->seen = wait_for(s, k);
		if (k >= s->seen) {
			if (s->rc)
				*err = s->err;
			return s->rc ? s->rc : 0;
		}
	}
	off = s->page[k >> PAGE_SHIFT][k & (PAGE - 1)];
	p = (const unsigned char *)s->slot[off >> BLOCK_SHIFT] + (off & (BLOCK - 1));
	do {
		len |= (size_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	*v = (const char *)p;
	*n = len;
	return 1;
}

int
payroll_xlsx_sst_finish(struct payroll_xlsx_sst *s, struct payroll_error *err)
{
	if (!s)
		return 0;
	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		while (!s->done)
			pthread_cond_wait(&s->more, &s->mu);
		pthread_mutex_unlock(&s->mu);
	}
	if (s->rc)
		*err = s->err;
	return s->rc;
}

void
payroll_xlsx_sst_close(struct payroll_xlsx_sst *s)
{
	size_t i;

	if (!s)
		return;
	if (s->threaded) {
		atomic_store(&s->stop, 1);
		pthread_join(s->thread, NULL);
		pthread_cond_destroy(&s->more);
		pthread_mutex_destroy(&s->mu);
	}
	if (s->ctx)
		xmlFreeParserCtxt(s->ctx);
	if (s->zf)
		zip_fclose(s->zf);
	if (s->zip)
		zip_discard(s->zip);
	payroll_buf_release(&s->cur);
	for (i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	for (i = 0; i < NPAGES && s->page[i]; i++)
		free(s->page[i]);
	free(s);
}
