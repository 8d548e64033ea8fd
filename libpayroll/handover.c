/* SPDX-License-Identifier: Apache-2.0 */
#include "handover.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "banned.h"

/*
 * Counters only grow: slot k of the ring is k % nslots. put counts the
 * slots filled, taken those handed to the consumer, released those it gave
 * back; released <= taken <= put <= released + nslots. Everything here is
 * under mu, except fn, arg, nslots and thread, set before the worker runs.
 */
struct payroll_handover {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled;	/* put moved: a slot to take, or an end */
	pthread_cond_t freed;	/* released moved: a slot to fill, or an end */
	unsigned nslots;
	size_t put, taken, released;
	int stopping;		/* the owner has called stop */
	int done;		/* the worker's function has returned */
	int rc;			/* what it returned */
	payroll_handover_fn fn;
	void *arg;
};

/* Both sides wake up: one of them has ended. */
static void
wake_all(struct payroll_handover *h)
{
	pthread_cond_broadcast(&h->filled);
	pthread_cond_broadcast(&h->freed);
}

/* What a wait returns once the other side has ended. The owner never
 * waits after stop and the worker never after returning, so "ended" is
 * whichever of the two happened. */
static int
ended(const struct payroll_handover *h)
{
	return h->done && h->rc < 0 ? h->rc : PAYROLL_HANDOVER_END;
}

static void *
worker(void *arg)
{
	struct payroll_handover *h = arg;
	int rc = h->fn(h, h->arg);

	pthread_mutex_lock(&h->mu);
	h->done = 1;
	h->rc = rc;
	wake_all(h);
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int
payroll_handover_start(struct payroll_handover **out, unsigned nslots,
		       payroll_handover_fn fn, void *arg)
{
	struct payroll_handover *h;

	*out = NULL;
	if (nslots < 1 || nslots > PAYROLL_HANDOVER_MAX)
		return PAYROLL_EUSAGE;
	if (!(h = calloc(1, sizeof *h)))
		return PAYROLL_ENOMEM;
	h->nslots = nslots;
	h->fn = fn;
	h->arg = arg;
	if (pthread_mutex_init(&h->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&h->filled, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&h->freed, NULL) != 0)
		goto fail_filled;
	if (pthread_create(&h->thread, NULL, worker, h) == 0) {
		*out = h;
		return 0;
	}
	pthread_cond_destroy(&h->freed);
fail_filled:
	pthread_cond_destroy(&h->filled);
fail_mu:
	pthread_mutex_destroy(&h->mu);
fail:
	free(h);
	return PAYROLL_EIO;
}

int
payroll_handover_put_wait(struct payroll_handover *h, unsigned *slot)
{
	int rc = 0;

	pthread_mutex_lock(&h->mu);
	while (h->put - h->released == h->nslots && !h->stopping && !h->done)
		pthread_cond_wait(&h->freed, &h->mu);
	if (h->stopping || h->done)
		rc = ended(h);
	else
		*slot = (unsigned)(h->put % h->nslots);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

void
payroll_handover_put(struct payroll_handover *h)
{
	pthread_mutex_lock(&h->mu);
	h->put++;
	pthread_cond_signal(&h->filled);
	pthread_mutex_unlock(&h->mu);
}

int
payroll_handover_take(struct payroll_handover *h, unsigned *slot)
{
	int rc = 0;

	pthread_mutex_lock(&h->mu);
	while (h->taken == h->put && !h->stopping && !h->done)
		pthread_cond_wait(&h->filled, &h->mu);
	if (h->taken < h->put)
		*slot = (unsigned)(h->taken++ % h->nslots);
	else
		rc = ended(h);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

void
payroll_handover_release(struct payroll_handover *h)
{
	pthread_mutex_lock(&h->mu);
	if (h->released < h->taken)
		h->released++;
	/* the owner may be in put_wait or drain: both wait on freed */
	pthread_cond_broadcast(&h->freed);
	pthread_mutex_unlock(&h->mu);
}

int
payroll_handover_drain(struct payroll_handover *h)
{
	int rc = 0;

	pthread_mutex_lock(&h->mu);
	while (h->released != h->put && !h->done)
		pthread_cond_wait(&h->freed, &h->mu);
	if (h->done && (h->rc < 0 || h->released != h->put))
		rc = ended(h);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

int
payroll_handover_stop(struct payroll_handover *h)
{
	int rc;

	if (!h)
		return 0;
	pthread_mutex_lock(&h->mu);
	h->stopping = 1;
	wake_all(h);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	rc = h->rc;
	pthread_cond_destroy(&h->freed);
	pthread_cond_destroy(&h->filled);
	pthread_mutex_destroy(&h->mu);
	free(h);
	return rc;
}
