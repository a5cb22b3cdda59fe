/* fetchq.c — see fetchq.h. */
#include "fetchq.h"

#include <stdlib.h>
#include <string.h>

#define FETCHQ_MAX 64 /* windows in flight at most (MaxConcurrency's range) */

typedef struct window {
    int64_t ids[AZDO_BATCH_MAX];
    size_t n;
    const char *const *fields;
    size_t nf;
    cJSON *batch;
    azdo_errkind rc;
    azdo_error err;
    int done;
} window;

struct azdo_fetchq {
    azdo_client *c;
    azdo_pool *pool;       /* NULL or not parallel: fetch in place, no read-ahead */
    azdo_idsource *src;
    const char *const *fields;
    size_t nf;
    window *ring[FETCHQ_MAX];
    size_t head, count;    /* windows submitted and not delivered, oldest at head */
    size_t depth;          /* windows kept in flight: the pool's limit (1 without read-ahead) */
    int ids_done;          /* the idsource said: no more ids */
    azdo_errkind ids_rc;   /* the idsource failed: reported after the windows before it */
    azdo_error ids_err;
    int requests;
};

azdo_fetchq *azdo_fetchq_new(azdo_client *c, azdo_pool *pool, azdo_idsource *src, const char *const *fields,
                             size_t nf)
{
    azdo_fetchq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->c = c;
    q->src = src;
    q->fields = fields;
    q->nf = nf;
    if (pool && azdo_pool_parallel(pool)) {
        q->pool = pool;
        q->depth = (size_t)azdo_pool_limit(pool);
        if (q->depth > FETCHQ_MAX)
            q->depth = FETCHQ_MAX;
    } else {
        q->depth = 1;
    }
    return q;
}

static void fetch_window(azdo_client *c, void *arg)
{
    window *w = arg;
    azdo_error_clear(&w->err);
    w->rc = azdo_client_batch(c, w->ids, w->n, w->fields, w->nf, &w->batch, &w->err);
}

/* Reads the next ids and starts their window; 0 when none was started. */
static int start_window(azdo_fetchq *q)
{
    if (q->ids_done || q->ids_rc != AZDO_OK)
        return 0;
    window *w = calloc(1, sizeof *w);
    if (!w) {
        q->ids_rc = azdo_error_set(&q->ids_err, AZDO_ERR_NOMEM, "Out of memory reading work items");
        return 0;
    }
    azdo_error_clear(&q->ids_err);
    q->ids_rc = azdo_idsource_next(q->src, w->ids, AZDO_BATCH_MAX, &w->n, &q->ids_err);
    if (q->ids_rc != AZDO_OK || w->n == 0) {
        q->ids_done = w->n == 0;
        free(w);
        return 0;
    }
    w->fields = q->fields;
    w->nf = q->nf;
    q->ring[(q->head + q->count) % FETCHQ_MAX] = w;
    q->count++;
    q->requests++;
    if (q->pool)
        azdo_pool_submit_tracked(q->pool, fetch_window, w, &w->done);
    else
        fetch_window(q->c, w), w->done = 1;
    return 1;
}

azdo_errkind azdo_fetchq_next(azdo_fetchq *q, int64_t *ids, size_t *n, cJSON **batch, azdo_error *err)
{
    *n = 0;
    *batch = NULL;
    while (q->count < q->depth && start_window(q))
        ;
    if (q->count == 0) {
        if (q->ids_rc != AZDO_OK) {
            *err = q->ids_err;
            return q->ids_rc;
        }
        return AZDO_OK; /* the end */
    }
    window *w = q->ring[q->head];
    q->ring[q->head] = NULL;
    q->head = (q->head + 1) % FETCHQ_MAX;
    q->count--;
    if (q->pool)
        azdo_pool_wait_done(q->pool, &w->done);
    azdo_errkind rc = w->rc;
    if (rc == AZDO_OK) {
        memcpy(ids, w->ids, w->n * sizeof *ids);
        *n = w->n;
        *batch = w->batch;
    } else {
        *err = w->err;
        cJSON_Delete(w->batch);
    }
    free(w);
    return rc;
}

int azdo_fetchq_requests(const azdo_fetchq *q)
{
    return q ? q->requests : 0;
}

void azdo_fetchq_free(azdo_fetchq *q)
{
    if (!q)
        return;
    while (q->count > 0) {
        window *w = q->ring[q->head];
        q->head = (q->head + 1) % FETCHQ_MAX;
        q->count--;
        if (q->pool)
            azdo_pool_wait_done(q->pool, &w->done);
        cJSON_Delete(w->batch);
        free(w);
    }
    free(q);
}
