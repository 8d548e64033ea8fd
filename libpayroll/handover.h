/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handover.h: one worker thread and a ring of slots between it and the
 * thread that started it (the owner), the one producer/consumer hand-over
 * behind the read-ahead of tables, the sheet and inflate threads of
 * workbooks and the writer thread of big outputs.
 *
 * The slots are the caller's (an array of batches, blocks, pieces...);
 * this module only says whose each one is, by its index 0..nslots-1. One
 * side produces, the other consumes, either way round: the worker may fill
 * slots for the owner (reading ahead) or empty those the owner fills
 * (writing behind). Slots go round in order:
 *
 *   producer: put_wait -> slot i is free: fill it -> put (i is filled)
 *   consumer: take -> slot i is filled: use it -> release (i is free)
 *
 * A slot belongs to the producer from put_wait to put, to the consumer
 * from take to release, and everything written to it before put is seen
 * after take (the hand-over goes through a mutex), and likewise from
 * release to put_wait. Nothing else is shared by this module: what the
 * worker touches outside the slots is its own until stop returns.
 *
 * Ends and failures travel both ways. The worker ends by returning from
 * its function, with 0 or a negative PAYROLL_E* (its failure); the owner
 * ends the hand-over with stop. Once a side has ended, the other side's
 * waits return instead of blocking: the producer's at once (nobody will
 * use what it would fill), the consumer's once it has taken every slot
 * put before (nothing put is lost). A failure found while filling a slot
 * may also travel inside the slot, in order with the data (the tables'
 * read-ahead does that).
 */
#ifndef PAYROLL_HANDOVER_H
#define PAYROLL_HANDOVER_H

#include "error.h"

/* Returned by the waits: the other side has ended without a failure. */
#define PAYROLL_HANDOVER_END 1
/* The most slots a ring has. */
#define PAYROLL_HANDOVER_MAX 16

struct payroll_handover;

/* The worker's function, run on its own thread with h and the arg given
 * to start: 0 when it ends normally, or a negative PAYROLL_E* that the
 * owner's waits and stop return. */
typedef int (*payroll_handover_fn)(struct payroll_handover *h, void *arg);

/*
 * Start a worker thread running fn(h, arg) over a ring of nslots slots
 * (1 to PAYROLL_HANDOVER_MAX), every slot free. Returns 0 and *out; or
 * PAYROLL_EUSAGE (nslots out of range), PAYROLL_ENOMEM, PAYROLL_EIO (no
 * thread, mutex or condition could be made), and then nothing runs and
 * *out is NULL: the callers go on with one thread.
 */
int payroll_handover_start(struct payroll_handover **out, unsigned nslots,
			   payroll_handover_fn fn, void *arg);

/*
 * The producer: wait until the next slot in the ring is free. Returns 0
 * with its index in *slot (the same one again until put); or, when the
 * other side has ended (at once, free slots or not), PAYROLL_HANDOVER_END,
 * or the worker's negative code when it failed.
 */
int payroll_handover_put_wait(struct payroll_handover *h, unsigned *slot);

/* The producer: the slot from put_wait is filled, the consumer's now. */
void payroll_handover_put(struct payroll_handover *h);

/*
 * The consumer: wait for the next filled slot, in the order they were put.
 * Returns 0 with its index in *slot; or, once the other side has ended and
 * every slot it put was taken, PAYROLL_HANDOVER_END, or the worker's
 * negative code when it failed. Several slots may be held at once.
 */
int payroll_handover_take(struct payroll_handover *h, unsigned *slot);

/* The consumer: the oldest slot taken and not released is free again. */
void payroll_handover_release(struct payroll_handover *h);

/*
 * The owner as producer: wait until the worker has released every slot
 * put so far. Returns 0; or the worker's negative code once it failed
 * (even with every slot released); or PAYROLL_HANDOVER_END when it ended
 * normally leaving slots unreleased.
 */
int payroll_handover_drain(struct payroll_handover *h);

/*
 * The owner: end the hand-over, wait for the worker to return and free h
 * (NULL allowed: 0). A worker that produces sees its put_wait return
 * PAYROLL_HANDOVER_END; one that consumes gets the slots already put, then
 * PAYROLL_HANDOVER_END from take. Returns what the worker's function
 * returned. The slots are the caller's again, whoever held them.
 */
int payroll_handover_stop(struct payroll_handover *h);

#endif
