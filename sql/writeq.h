/*
 * writeq.h — one work item write (create, update, delete) as a value, and a
 * queue that sends many of them concurrently.
 *
 * WorkItems' xUpdate builds an azdo_write for every row.  Alone, it runs the
 * write at once (azdo_write_run).  While the driver executes a parameter
 * array, it hands the write to the connection's queue instead: the queue
 * sends up to MaxConcurrency writes at a time (pool.h) while SQLite goes on
 * with the next rows, and the outcome of each is collected at the end,
 * tagged with the parameter set it came from.
 *
 * Reads must still see every write before them: wherever a read could
 * observe a queued write (a WorkItems scan that is not bound to ids, or one
 * naming an id the queue updates or deletes) the reader flushes the queue
 * first (azdo_writeq_flush_for).
 */
#ifndef AZDO_WRITEQ_H
#define AZDO_WRITEQ_H

#include <stddef.h>
#include <stdint.h>

#include "../rest/client.h"
#include "../rest/pool.h"

typedef enum { AZDO_WRITE_CREATE, AZDO_WRITE_UPDATE, AZDO_WRITE_DELETE } azdo_write_kind;

typedef struct azdo_write {
    azdo_write_kind kind;
    long tag;              /* the parameter set (the driver's), -1 outside arrays */
    int64_t id;            /* update/delete: the item */
    char *project;         /* create: NULL = the connection's */
    char *type;            /* create: the work item type */
    char *patch;           /* create/update: the JSON Patch text */
    int has_rev;           /* update: the patch tests /rev = want_rev */
    int64_t want_rev;
    int destroy;           /* delete: for good (DeleteMode=Destroy) */
    int links;             /* the patch adds or removes a relation: the other end changes too */
    azdo_write_flags flags;
    /* outcome, set by azdo_write_run */
    azdo_errkind rc;
    azdo_error err;
    int64_t new_id;        /* create: the id Azure DevOps assigned */
    /* queue bookkeeping */
    int done;              /* set by the pool once the write ran */
    unsigned long seq;     /* submission order */
} azdo_write;

/* Frees the write and what it owns; NULL is a no-op. */
void azdo_write_free(azdo_write *w);

/* Sends the write with c (any thread) and records its outcome in w->rc,
 * w->err and w->new_id; a stale revision reads as AZDO_ERR_CONFLICT with
 * the revision named.  A write not yet sent when the statement was
 * cancelled (or timed out) is not sent at all. */
void azdo_write_run(azdo_client *c, azdo_write *w);

typedef struct azdo_writeq azdo_writeq;

/* Called on the queue's owner thread once a write has run (in no
 * particular order); w is freed right after. */
typedef void (*azdo_write_done_fn)(void *ctx, const azdo_write *w);

/* A queue sending its writes on pool (the connection's, shared with reads;
 * NULL: each write runs at once on c).  fn receives every outcome, from
 * azdo_writeq_submit, _flush_for or _finish; the queue keeps only the
 * writes not reported yet, so memory follows the requests in flight, not
 * the size of the array.  NULL on allocation failure. */
azdo_writeq *azdo_writeq_new(azdo_client *c, azdo_pool *pool, azdo_write_done_fn fn, void *ctx);

/* Takes w over and starts it (perhaps at once on this thread when no worker
 * can run).  Returns 0, or -1 when out of memory: w is not taken, and the
 * caller runs it itself. */
int azdo_writeq_submit(azdo_writeq *q, azdo_write *w);

/* Waits for the writes in flight if a read could see one of them: ids NULL
 * (the read is not bound to ids), or one of the n ids has a pending update
 * or delete, or a pending write changes a link (whose other end is unknown
 * here). */
void azdo_writeq_flush_for(azdo_writeq *q, const int64_t *ids, size_t n);

/* Writes submitted and not reported yet (tests: memory stays bounded). */
size_t azdo_writeq_pending(const azdo_writeq *q);

/* Waits for every write, reports the ones not reported yet, frees the
 * queue.  Returns the id of the last (in submission order) created item,
 * 0 when none was created. */
int64_t azdo_writeq_finish(azdo_writeq *q);

#endif
