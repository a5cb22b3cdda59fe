/*
 * fetchq.h — the work items of a query, fetched several batches at a time.
 *
 * Ids come from an idsource on the calling thread (WIQL pages, in query
 * order); each window of up to 200 ids becomes one workitemsbatch request
 * run on the connection's read pool (pool.h), so up to MaxConcurrency
 * batches are in flight while the cursor reads the oldest one.  Windows are
 * delivered strictly in the order their ids came, so rows keep the order
 * the query asks for.
 *
 * Read-ahead is the pool's limit (MaxConcurrency) from the first window on:
 * ramping up (2, 4, 8 …) cost two round trips on every query, more than a
 * small query takes in all, to save a few batch requests on the rare query
 * the application abandons early.  Memory stays bounded by (depth + 1) ×
 * 200 items however many rows the query returns.  Without a parallel pool
 * (one request at a time, or a transport that cannot be cloned) there is
 * no read-ahead at all: each window is fetched when it is needed.
 */
#ifndef AZDO_FETCHQ_H
#define AZDO_FETCHQ_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "../rest/client.h"
#include "../rest/pool.h"
#include "idsource.h"

typedef struct azdo_fetchq azdo_fetchq;

/* fields/nf: the reference names to read (nf == 0: all); the strings must
 * outlive the queue.  pool may be NULL (fetch on c, here).  NULL on OOM. */
azdo_fetchq *azdo_fetchq_new(azdo_client *c, azdo_pool *pool, azdo_idsource *src, const char *const *fields,
                             size_t nf);

/* The next window: its ids (*n of them; 0 at the end) into ids[AZDO_BATCH_MAX]
 * and the batch answer (*batch, the caller deletes it).  An error of a
 * window is returned when that window's turn comes. */
azdo_errkind azdo_fetchq_next(azdo_fetchq *q, int64_t *ids, size_t *n, cJSON **batch, azdo_error *err);

/* Batch requests made so far. */
int azdo_fetchq_requests(const azdo_fetchq *q);

/* Waits for the requests still in flight and frees them.  NULL: no-op. */
void azdo_fetchq_free(azdo_fetchq *q);

#endif
