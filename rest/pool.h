/*
 * pool.h — bounded concurrency for one connection (MaxConcurrency).
 *
 * A pool runs jobs (each typically one REST call) on up to `max` worker
 * threads.  Each worker has its own client (azdo_client_worker_new: its own
 * libcurl handle and connections) sharing the connection's credentials,
 * pacing, cancel flag and deadline, so SQLCancel and the query timeout stop
 * every request in flight at once.
 *
 * Throttling lowers concurrency: when the service asks the connection to
 * slow down (azdo_client_throttles grows: 429, Retry-After, low
 * X-RateLimit-Remaining) the number of jobs allowed to run at once halves
 * (never below 1); each run of that many jobs without a new throttle
 * signal lets one more run again, up to `max`.
 *
 * Jobs must not touch SQLite or anything else owned by the submitting
 * thread; they write their outcome into their own argument.
 */
#ifndef AZDO_POOL_H
#define AZDO_POOL_H

#include "client.h"

typedef struct azdo_pool azdo_pool;
typedef void (*azdo_job_fn)(azdo_client *worker, void *arg);

/* max: jobs in flight at most (1..64).  Workers start as jobs arrive.
 * NULL on allocation failure. */
azdo_pool *azdo_pool_new(azdo_client *c, int max);

/* Queues fn(worker, arg).  While 2 × max jobs wait, blocks until one starts
 * (so memory stays bounded however many rows an array has).  When no worker
 * can run — max is 1, the transport cannot be cloned, a thread could not be
 * started — runs fn(c, arg) here before returning. */
void azdo_pool_submit(azdo_pool *p, azdo_job_fn fn, void *arg);

/* The same, and *done becomes 1 (under the pool's lock) once fn returned:
 * wait for that one job with azdo_pool_wait_done. */
void azdo_pool_submit_tracked(azdo_pool *p, azdo_job_fn fn, void *arg, int *done);
void azdo_pool_wait_done(azdo_pool *p, const int *done);
/* Has that job finished?  (Reads the flag under the pool's lock.) */
int azdo_pool_is_done(azdo_pool *p, const int *done);

/* 1 when jobs can really run side by side (max > 1 and the transport can be
 * cloned); 0 when submit runs every job inline. */
int azdo_pool_parallel(azdo_pool *p);

/* Returns once every job submitted so far has finished. */
void azdo_pool_wait(azdo_pool *p);

/* Jobs submitted and not finished yet. */
int azdo_pool_pending(azdo_pool *p);

/* The most jobs that ran at the same time, and the current limit. */
int azdo_pool_peak(azdo_pool *p);
int azdo_pool_limit(azdo_pool *p);

/* Waits for the jobs, stops the workers, frees everything.  NULL: no-op. */
void azdo_pool_free(azdo_pool *p);

#endif
