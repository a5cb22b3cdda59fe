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
    azdo_write_flags flags;
    /* outcome, set by azdo_write_run */
    azdo_errkind rc;
    azdo_error err;
    int64_t new_id;        /* create: the id Azure DevOps assigned */
} azdo_write;

/* Frees the write and what it owns; NULL is a no-op. */
void azdo_write_free(azdo_write *w);

/* Sends the write with c (any thread) and records its outcome in w->rc,
 * w->err and w->new_id; a stale revision reads as AZDO_ERR_CONFLICT with
 * the revision named.  A write not yet sent when the statement was
 * cancelled (or timed out) is not sent at all. */
void azdo_write_run(azdo_client *c, azdo_write *w);

typedef struct azdo_writeq azdo_writeq;

/* A queue sending up to max writes at once; NULL on allocation failure. */
azdo_writeq *azdo_writeq_new(azdo_client *c, int max);

/* Takes w over and starts it (perhaps at once on this thread when no worker
 * can run).  Returns 0, or -1 when out of memory: w is not taken, and the
 * caller runs it itself. */
int azdo_writeq_submit(azdo_writeq *q, azdo_write *w);

/* Waits for the writes in flight if a read could see one of them: ids NULL
 * (the read is not bound to ids) and any write is unflushed, or one of the
 * n ids has an unflushed update or delete. */
void azdo_writeq_flush_for(azdo_writeq *q, const int64_t *ids, size_t n);

/* Waits for every write, calls fn(ctx, w) for each in submission order,
 * then frees the queue and the writes. */
void azdo_writeq_finish(azdo_writeq *q, void (*fn)(void *ctx, const azdo_write *w), void *ctx);

/* The most writes that were in flight at once. */
int azdo_writeq_peak(azdo_writeq *q);

#endif
