/* writeq.c — see writeq.h. */
#include "writeq.h"

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
    if (w->rc != AZDO_OK) {
        w->err.unsent = 1;
        return;
    }
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
    azdo_client *c;
    azdo_pool *pool;        /* NULL: run each write at once */
    azdo_write_done_fn fn;
    void *ctx;
    azdo_write **pending;   /* submitted, not reported yet (any order) */
    size_t n, cap;
    unsigned long seq;
    unsigned long last_created_seq;
    int64_t last_created;
};

azdo_writeq *azdo_writeq_new(azdo_client *c, azdo_pool *pool, azdo_write_done_fn fn, void *ctx)
{
    azdo_writeq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->c = c;
    q->pool = pool;
    q->fn = fn;
    q->ctx = ctx;
    return q;
}

static void run_job(azdo_client *c, void *arg)
{
    azdo_write_run(c, arg);
}

/* Reports and frees pending[i] (which has run), keeping the rest. */
static void retire(azdo_writeq *q, size_t i)
{
    azdo_write *w = q->pending[i];
    if (w->rc == AZDO_OK && w->kind == AZDO_WRITE_CREATE && w->seq >= q->last_created_seq) {
        q->last_created_seq = w->seq;
        q->last_created = w->new_id;
    }
    if (q->fn)
        q->fn(q->ctx, w);
    azdo_write_free(w);
    q->pending[i] = q->pending[--q->n];
}

/* Reports every write that has finished; the rest stay pending. */
static void retire_finished(azdo_writeq *q)
{
    for (size_t i = 0; i < q->n;) {
        if (!q->pool || azdo_pool_is_done(q->pool, &q->pending[i]->done))
            retire(q, i); /* pending[i] now holds another write: look at it again */
        else
            i++;
    }
}

int azdo_writeq_submit(azdo_writeq *q, azdo_write *w)
{
    retire_finished(q);
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        azdo_write **v = realloc(q->pending, cap * sizeof *v);
        if (!v)
            return -1;
        q->pending = v;
        q->cap = cap;
    }
    w->seq = ++q->seq;
    q->pending[q->n++] = w;
    if (q->pool) {
        azdo_pool_submit_tracked(q->pool, run_job, w, &w->done);
    } else {
        azdo_write_run(q->c, w);
        w->done = 1;
    }
    return 0;
}

static void flush(azdo_writeq *q)
{
    while (q->n > 0) {
        if (q->pool)
            azdo_pool_wait_done(q->pool, &q->pending[q->n - 1]->done);
        retire(q, q->n - 1);
    }
}

void azdo_writeq_flush_for(azdo_writeq *q, const int64_t *ids, size_t n)
{
    retire_finished(q);
    if (q->n == 0)
        return;
    if (!ids) {
        flush(q);
        return;
    }
    for (size_t i = 0; i < q->n; i++) {
        const azdo_write *w = q->pending[i];
        if (w->links) {
            flush(q); /* a link's other end got a new revision too */
            return;
        }
        if (w->kind == AZDO_WRITE_CREATE)
            continue; /* a new item's id is unknown to the reader until it exists */
        for (size_t k = 0; k < n; k++)
            if (ids[k] == w->id) {
                flush(q);
                return;
            }
    }
}

size_t azdo_writeq_pending(const azdo_writeq *q)
{
    return q ? q->n : 0;
}

int64_t azdo_writeq_finish(azdo_writeq *q)
{
    if (!q)
        return 0;
    flush(q);
    int64_t last = q->last_created;
    free(q->pending);
    free(q);
    return last;
}
