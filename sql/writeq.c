/* writeq.c — see writeq.h. */
#include "writeq.h"
#include "../rest/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void azdo_write_free(azdo_write *w)
{
    if (!w)
        return;
    free(w->project);
    free(w->type);
    free(w->patch);
    free(w);
}

static const char *write_what(const azdo_write *w)
{
    switch (w->kind) {
    case AZDO_WRITE_CREATE: return "creating a work item";
    case AZDO_WRITE_UPDATE: return "updating a work item";
    case AZDO_WRITE_DELETE: return "deleting a work item";
    }
    return "writing a work item";
}

/* A 412 on a patch that tests /rev: say which revision was expected. */
static void explain_conflict(azdo_write *w)
{
    char service[AZDO_ERRMSG_MAX / 2]; /* a copy: the message is rewritten from it */
    size_t n = strlen(w->err.message);
    if (n >= sizeof service)
        n = sizeof service - 1;
    memcpy(service, w->err.message, n);
    service[n] = '\0';
    azdo_error_set(&w->err, w->rc,
                   "Work item %lld is no longer at revision %lld: it changed since it was read; nothing was "
                   "changed (%s)",
                   (long long)w->id, (long long)w->want_rev, service);
}

void azdo_write_run(azdo_client *c, azdo_write *w)
{
    cJSON *answer = NULL;
    azdo_error_clear(&w->err);
    w->rc = azdo_client_check_go(c, write_what(w), &w->err);
    if (w->rc != AZDO_OK)
        return;
    switch (w->kind) {
    case AZDO_WRITE_DELETE:
        w->rc = azdo_client_delete(c, w->id, w->destroy, &w->err);
        return;
    case AZDO_WRITE_UPDATE:
        w->rc = azdo_client_update(c, w->id, w->patch, &w->flags, &answer, &w->err);
        if (w->rc == AZDO_ERR_CONFLICT && w->has_rev)
            explain_conflict(w);
        break;
    case AZDO_WRITE_CREATE:
        w->rc = azdo_client_create(c, w->project, w->type, w->patch, &w->flags, &answer, &w->err);
        if (w->rc == AZDO_OK) {
            const cJSON *nid = cJSON_GetObjectItemCaseSensitive(answer, "id");
            if (cJSON_IsNumber(nid)) {
                w->new_id = (int64_t)nid->valuedouble;
            } else {
                w->rc = azdo_error_set(&w->err, AZDO_ERR_PROTOCOL,
                                       "The create answer has no id: the work item may have been created; "
                                       "check before loading this row again");
            }
        }
        break;
    }
    cJSON_Delete(answer);
}

/* ---- the queue --------------------------------------------------------------- */

struct azdo_writeq {
    azdo_pool *pool;
    azdo_write **items; /* in submission order; the pool's jobs point at them */
    size_t n, cap;
    size_t flushed;     /* items[0 .. flushed) are known to be finished */
};

azdo_writeq *azdo_writeq_new(azdo_client *c, int max)
{
    azdo_writeq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->pool = azdo_pool_new(c, max);
    if (!q->pool) {
        free(q);
        return NULL;
    }
    return q;
}

static void run_job(azdo_client *c, void *arg)
{
    azdo_write_run(c, arg);
}

int azdo_writeq_submit(azdo_writeq *q, azdo_write *w)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        azdo_write **v = realloc(q->items, cap * sizeof *v);
        if (!v)
            return -1;
        q->items = v;
        q->cap = cap;
    }
    q->items[q->n++] = w;
    azdo_pool_submit(q->pool, run_job, w);
    return 0;
}

static void flush(azdo_writeq *q)
{
    azdo_pool_wait(q->pool);
    q->flushed = q->n;
}

void azdo_writeq_flush_for(azdo_writeq *q, const int64_t *ids, size_t n)
{
    if (q->flushed == q->n)
        return;
    if (!ids) {
        flush(q);
        return;
    }
    for (size_t i = q->flushed; i < q->n; i++) {
        const azdo_write *w = q->items[i];
        if (w->kind == AZDO_WRITE_CREATE)
            continue; /* a new item's id is unknown to the reader until it exists */
        for (size_t k = 0; k < n; k++)
            if (ids[k] == w->id) {
                flush(q);
                return;
            }
    }
}

void azdo_writeq_finish(azdo_writeq *q, void (*fn)(void *ctx, const azdo_write *w), void *ctx)
{
    if (!q)
        return;
    azdo_pool_free(q->pool); /* waits for every write */
    for (size_t i = 0; i < q->n; i++) {
        if (fn)
            fn(ctx, q->items[i]);
        azdo_write_free(q->items[i]);
    }
    free(q->items);
    free(q);
}

int azdo_writeq_peak(azdo_writeq *q)
{
    return q ? azdo_pool_peak(q->pool) : 0;
}
