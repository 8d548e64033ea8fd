/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-over between a worker thread and its owner: every slot comes
 * out in order and whole, either way round, with every ring size; the
 * owner stopping in the middle, the producer failing, the consumer ending
 * early. The worker never calls cmocka: it records, the owner checks. */
#include <setjmp.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "handover.h"

#define N 1000
#define WORDS 64

struct ring {
	unsigned nslots;
	long fail_at;		/* the worker fails at this item, -1 never */
	long stop_at;		/* a consuming worker ends normally here, -1 never */
	long count;		/* items the worker produced or consumed */
	long sum;		/* a consuming worker: the items' sum */
	int bad;		/* a consuming worker: an item not whole */
	int last;		/* the worker's last wait's return */
	long slot_item[PAYROLL_HANDOVER_MAX];
	long words[PAYROLL_HANDOVER_MAX][WORDS];
};

/* An item is WORDS copies of its number: a slot filled or read while
 * the other side writes it would show up as a mixed one. */
static void
fill(struct ring *r, unsigned slot, long item)
{
	size_t i;

	r->slot_item[slot] = item;
	for (i = 0; i < WORDS; i++)
		r->words[slot][i] = item;
}

static int
whole(const struct ring *r, unsigned slot, long item)
{
	size_t i;

	if (r->slot_item[slot] != item)
		return 0;
	for (i = 0; i < WORDS; i++)
		if (r->words[slot][i] != item)
			return 0;
	return 1;
}

/* A worker producing items 0..N-1 (or without end when fail_at < -1),
 * failing with PAYROLL_EIO at fail_at. */
static int
producer(struct payroll_handover *h, void *arg)
{
	struct ring *r = arg;
	unsigned slot;
	long item;

	for (item = 0; r->fail_at < -1 || item < N; item++) {
		if (item == r->fail_at)
			return PAYROLL_EIO;
		if ((r->last = payroll_handover_put_wait(h, &slot)) != 0)
			return 0;
		fill(r, slot, item);
		r->count++;
		payroll_handover_put(h);
	}
	return 0;
}

/* A worker consuming items, in order, until the end: failing with
 * PAYROLL_EIO at fail_at, ending normally at stop_at. */
static int
consumer(struct payroll_handover *h, void *arg)
{
	struct ring *r = arg;
	unsigned slot;

	for (;;) {
		if ((r->last = payroll_handover_take(h, &slot)) != 0)
			return 0;
		if (!whole(r, slot, r->count))
			r->bad = 1;
		if (r->count == r->fail_at)
			return PAYROLL_EIO;
		if (r->count == r->stop_at)
			return 0;
		r->sum += r->slot_item[slot];
		r->count++;
		payroll_handover_release(h);
	}
}

static void
ring_init(struct ring *r, unsigned nslots)
{
	memset(r, 0, sizeof *r);
	r->nslots = nslots;
	r->fail_at = -1;
	r->stop_at = -1;
}

static void
worker_produces(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned n, slot;
	long item;

	(void)state;
	for (n = 1; n <= PAYROLL_HANDOVER_MAX; n++) {
		ring_init(&r, n);
		assert_int_equal(payroll_handover_start(&h, n, producer, &r), 0);
		for (item = 0; item < N; item++) {
			assert_int_equal(payroll_handover_take(h, &slot), 0);
			assert_true(slot < n);
			assert_true(whole(&r, slot, item));
			payroll_handover_release(h);
		}
		/* the end, and again */
		assert_int_equal(payroll_handover_take(h, &slot), PAYROLL_HANDOVER_END);
		assert_int_equal(payroll_handover_take(h, &slot), PAYROLL_HANDOVER_END);
		assert_int_equal(payroll_handover_stop(h), 0);
		assert_int_equal(r.count, N);
		assert_int_equal(r.last, 0);
	}
}

/* The consumer may hold several slots: they come in order, and the
 * producer waits while every slot is held. */
static void
several_held(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned slot[3];
	long item = 0;
	int k;

	(void)state;
	ring_init(&r, 3);
	assert_int_equal(payroll_handover_start(&h, 3, producer, &r), 0);
	while (item < N - N % 3) {
		for (k = 0; k < 3; k++)
			assert_int_equal(payroll_handover_take(h, &slot[k]), 0);
		for (k = 0; k < 3; k++) {
			assert_true(whole(&r, slot[k], item++));
			payroll_handover_release(h);
		}
	}
	while (payroll_handover_take(h, &slot[0]) == 0) {
		assert_true(whole(&r, slot[0], item++));
		payroll_handover_release(h);
	}
	assert_int_equal(item, N);
	assert_int_equal(payroll_handover_stop(h), 0);
}

static void
worker_consumes(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned n, slot;
	long item;

	(void)state;
	for (n = 1; n <= PAYROLL_HANDOVER_MAX; n++) {
		ring_init(&r, n);
		assert_int_equal(payroll_handover_start(&h, n, consumer, &r), 0);
		for (item = 0; item < N; item++) {
			assert_int_equal(payroll_handover_put_wait(h, &slot), 0);
			assert_true(slot < n);
			fill(&r, slot, item);
			payroll_handover_put(h);
			if (item == N / 2) {	/* all of it written so far */
				assert_int_equal(payroll_handover_drain(h), 0);
				assert_int_equal(r.count, item + 1);
			}
		}
		/* stop hands the worker what was put, then the end */
		assert_int_equal(payroll_handover_stop(h), 0);
		assert_int_equal(r.count, N);
		assert_int_equal(r.sum, (long)N * (N - 1) / 2);
		assert_false(r.bad);
		assert_int_equal(r.last, PAYROLL_HANDOVER_END);
	}
}

/* The owner stops in the middle: the producing worker, waiting for a
 * free slot or filling one, ends; the slots held are simply dropped. */
static void
stop_in_the_middle(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned n, slot;
	long k, item;

	(void)state;
	for (n = 1; n <= 4; n++) {
		for (k = 0; k < 5; k++) {
			ring_init(&r, n);
			r.fail_at = -2;	/* no end of its own */
			assert_int_equal(payroll_handover_start(&h, n, producer, &r), 0);
			for (item = 0; item < k; item++) {
				assert_int_equal(payroll_handover_take(h, &slot), 0);
				assert_true(whole(&r, slot, item));
				/* the last one held or given back */
				if (item < k - 1 || k % 2)
					payroll_handover_release(h);
			}
			assert_int_equal(payroll_handover_stop(h), 0);
			assert_int_equal(r.last, PAYROLL_HANDOVER_END);
			/* it never got past the ring */
			assert_true(r.count <= k + (long)n);
		}
	}
	/* stopped before the worker ever ran, and a consumer stopped at once */
	ring_init(&r, 2);
	assert_int_equal(payroll_handover_start(&h, 2, consumer, &r), 0);
	assert_int_equal(payroll_handover_stop(h), 0);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.last, PAYROLL_HANDOVER_END);
	assert_int_equal(payroll_handover_stop(NULL), 0);
}

/* The producing worker fails: its items before the failure come out,
 * then its code, for every take after. */
static void
producer_fails(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned n, slot;
	long item, at;

	(void)state;
	for (n = 1; n <= 4; n++) {
		for (at = 0; at < 7; at += 3) {
			ring_init(&r, n);
			r.fail_at = at;
			assert_int_equal(payroll_handover_start(&h, n, producer, &r), 0);
			for (item = 0; item < at; item++) {
				assert_int_equal(payroll_handover_take(h, &slot), 0);
				assert_true(whole(&r, slot, item));
				payroll_handover_release(h);
			}
			assert_int_equal(payroll_handover_take(h, &slot), PAYROLL_EIO);
			assert_int_equal(payroll_handover_take(h, &slot), PAYROLL_EIO);
			assert_int_equal(payroll_handover_stop(h), PAYROLL_EIO);
		}
	}
}

/* The consuming worker fails, or ends early: the owner's put_wait and
 * drain say so instead of waiting for ever; what it had taken was whole. */
static void
consumer_ends_early(void **state)
{
	struct payroll_handover *h;
	struct ring r;
	unsigned n, slot;
	long item;
	int rc, failing;

	(void)state;
	for (failing = 0; failing < 2; failing++) {
		for (n = 1; n <= 4; n++) {
			ring_init(&r, n);
			if (failing)
				r.fail_at = 10;
			else
				r.stop_at = 10;
			assert_int_equal(payroll_handover_start(&h, n, consumer, &r), 0);
			for (item = 0; item < N; item++) {
				if ((rc = payroll_handover_put_wait(h, &slot)) != 0)
					break;
				fill(&r, slot, item);
				payroll_handover_put(h);
			}
			assert_int_equal(rc, failing ? PAYROLL_EIO : PAYROLL_HANDOVER_END);
			/* it held one slot past the last it finished */
			assert_true(item >= 11 && item <= 11 + (long)n);
			assert_int_equal(payroll_handover_drain(h), rc);
			assert_int_equal(payroll_handover_put_wait(h, &slot), rc);
			assert_int_equal(payroll_handover_stop(h), failing ? PAYROLL_EIO : 0);
			assert_int_equal(r.count, 10);
			assert_false(r.bad);
		}
	}
}

/* drain after a failure reports it even with every slot given back. */
static int
consume_one_then_fail(struct payroll_handover *h, void *arg)
{
	unsigned slot;

	(void)arg;
	if (payroll_handover_take(h, &slot) != 0)
		return 0;
	payroll_handover_release(h);
	return PAYROLL_EIO;
}

static void
drain_after_failure(void **state)
{
	struct payroll_handover *h;
	unsigned slot;
	int rc;

	(void)state;
	assert_int_equal(payroll_handover_start(&h, 2, consume_one_then_fail, NULL), 0);
	assert_int_equal(payroll_handover_put_wait(h, &slot), 0);
	payroll_handover_put(h);
	/* 0 while it has not yet returned, then its failure for good */
	while ((rc = payroll_handover_drain(h)) == 0)
		sched_yield();
	assert_int_equal(rc, PAYROLL_EIO);
	assert_int_equal(payroll_handover_drain(h), PAYROLL_EIO);
	assert_int_equal(payroll_handover_stop(h), PAYROLL_EIO);
}

static void
ring_sizes(void **state)
{
	struct payroll_handover *h = (void *)1;
	struct ring r;

	(void)state;
	ring_init(&r, 0);
	assert_int_equal(payroll_handover_start(&h, 0, producer, &r), PAYROLL_EUSAGE);
	assert_null(h);
	assert_int_equal(payroll_handover_start(&h, PAYROLL_HANDOVER_MAX + 1, producer, &r),
			 PAYROLL_EUSAGE);
	assert_null(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worker_produces),
		cmocka_unit_test(several_held),
		cmocka_unit_test(worker_consumes),
		cmocka_unit_test(stop_in_the_middle),
		cmocka_unit_test(producer_fails),
		cmocka_unit_test(consumer_ends_early),
		cmocka_unit_test(drain_after_failure),
		cmocka_unit_test(ring_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
