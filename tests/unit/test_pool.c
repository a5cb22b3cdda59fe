/*
 * test_pool.c — bounded concurrency (rest/pool.c) and queued writes
 * (sql/writeq.c) over a thread-safe fake transport that counts the requests
 * in flight.  No sockets: the fake's clones share one counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../rest/client.h"
#include "../../rest/pool.h"
#include "../../sql/writeq.h"

/* ---- the fake --------------------------------------------------------------- */

typedef struct shared {
    pthread_mutex_t lock;
    int in_flight, peak, sent;
    int throttle_nth;   /* answer the nth request (1-based) with 429 + Retry-After; 0 = never */
    int fail_nth;       /* answer the nth request with 400 TF401320; 0 = never */
    long next_id;
    int clones;
    int cloneable;
} shared;

typedef struct fake {
    azdo_transport base;
    shared *sh;
} fake;

static void sleep_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static azdo_errkind fake_send(azdo_transport *t, const azdo_http_request *req, azdo_http_response *resp,
                              azdo_error *err)
{
    shared *sh = ((fake *)t)->sh;
    (void)err;
    pthread_mutex_lock(&sh->lock);
    int n = ++sh->sent;
    if (++sh->in_flight > sh->peak)
        sh->peak = sh->in_flight;
    long id = ++sh->next_id;
    pthread_mutex_unlock(&sh->lock);
    sleep_ms(15); /* long enough for the others to pile up */
    pthread_mutex_lock(&sh->lock);
    sh->in_flight--;
    pthread_mutex_unlock(&sh->lock);

    azdo_http_response_clear(resp);
    resp->content_type = strdup("application/json; charset=utf-8");
    char body[256];
    if (n == sh->throttle_nth) {
        resp->status = 429;
        resp->retry_after_s = 0.05;
        snprintf(body, sizeof body, "{\"message\":\"TF400733: throttled\",\"typeKey\":\"RequestBlockedException\"}");
    } else if (n == sh->fail_nth) {
        resp->status = 400;
        snprintf(body, sizeof body,
                 "{\"message\":\"TF401320: Rule Error for field Title. Error code: Required.\","
                 "\"typeKey\":\"RuleValidationException\"}");
    } else {
        resp->status = 200;
        if (strcmp(req->method, "POST") == 0 && strstr(req->url, "workitems/$"))
            snprintf(body, sizeof body, "{\"id\":%ld,\"rev\":1}", id);
        else
            snprintf(body, sizeof body, "{\"id\":1,\"rev\":2}");
    }
    resp->body = strdup(body);
    resp->body_len = strlen(body);
    return AZDO_OK;
}

static void fake_destroy(azdo_transport *t) { free(t); }

static azdo_transport *fake_new(shared *sh);

static azdo_transport *fake_clone(azdo_transport *t)
{
    shared *sh = ((fake *)t)->sh;
    pthread_mutex_lock(&sh->lock);
    sh->clones++;
    pthread_mutex_unlock(&sh->lock);
    return fake_new(sh);
}

static azdo_transport *fake_new(shared *sh)
{
    fake *f = calloc(1, sizeof *f);
    f->sh = sh;
    f->base.send = fake_send;
    f->base.destroy = fake_destroy;
    f->base.clone = sh->cloneable ? fake_clone : NULL;
    return &f->base;
}

static azdo_client *client_for(shared *sh)
{
    azdo_config cfg;
    azdo_config_defaults(&cfg);
    cfg.base_url = "http://127.0.0.1:1/fabrikam";
    cfg.project = "Proj";
    cfg.pat = "not-a-real-pat";
    cfg.api_version = "7.1";
    azdo_client *c = NULL;
    azdo_error err;
    azdo_error_clear(&err);
    assert_int_equal(azdo_client_new(&cfg, fake_new(sh), &c, &err), AZDO_OK);
    return c;
}

static void shared_init(shared *sh, int cloneable)
{
    memset(sh, 0, sizeof *sh);
    pthread_mutex_init(&sh->lock, NULL);
    sh->cloneable = cloneable;
    sh->next_id = 1000;
}

/* ---- jobs -------------------------------------------------------------------- */

typedef struct get_job {
    azdo_errkind rc;
    pthread_t ran_on;
} get_job;

static void do_get(azdo_client *c, void *arg)
{
    get_job *j = arg;
    cJSON *out = NULL;
    azdo_error err;
    azdo_error_clear(&err);
    j->rc = azdo_client_get(c, 0, "wit/fields", NULL, "reading", &out, &err);
    j->ran_on = pthread_self();
    cJSON_Delete(out);
}

static void pool_bounds_concurrency(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 4);
    get_job jobs[24];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 24; i++) {
        jobs[i].rc = -1;
        azdo_pool_submit(p, do_get, &jobs[i]);
    }
    azdo_pool_wait(p);
    assert_int_equal(azdo_pool_pending(p), 0);
    for (int i = 0; i < 24; i++)
        assert_int_equal(jobs[i].rc, AZDO_OK);
    assert_int_equal(sh.sent, 24);
    assert_true(sh.peak >= 2);      /* they did overlap */
    assert_true(sh.peak <= 4);      /* and never more than max */
    assert_true(azdo_pool_peak(p) <= 4);
    assert_true(sh.clones <= 4);    /* one transport per worker */
    azdo_pool_free(p);
    azdo_client_free(c);
}

static void pool_runs_inline_without_clones(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 0);
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 8);
    get_job jobs[5];
    for (int i = 0; i < 5; i++)
        azdo_pool_submit(p, do_get, &jobs[i]);
    azdo_pool_wait(p);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(jobs[i].rc, AZDO_OK);
        assert_true(pthread_equal(jobs[i].ran_on, pthread_self()));
    }
    assert_int_equal(sh.peak, 1);
    azdo_pool_free(p);
    azdo_client_free(c);
}

static void pool_max_one_is_sequential(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 1);
    get_job jobs[6];
    for (int i = 0; i < 6; i++)
        azdo_pool_submit(p, do_get, &jobs[i]);
    azdo_pool_wait(p);
    assert_int_equal(sh.peak, 1);
    assert_int_equal(sh.clones, 0);
    azdo_pool_free(p);
    azdo_client_free(c);
}

static void pool_throttle_halves_limit(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    sh.throttle_nth = 3;
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 8);
    get_job jobs[10];
    for (int i = 0; i < 10; i++)
        azdo_pool_submit(p, do_get, &jobs[i]);
    azdo_pool_wait(p);
    for (int i = 0; i < 10; i++)
        assert_int_equal(jobs[i].rc, AZDO_OK); /* the refused one was retried */
    assert_int_equal(sh.sent, 11);
    assert_true(azdo_client_throttles(c) >= 1);
    assert_true(azdo_pool_limit(p) < 8); /* lowered, and not yet fully recovered */
    azdo_pool_free(p);
    azdo_client_free(c);
}

/* ---- queued writes ----------------------------------------------------------- */

static azdo_write *new_create(long tag)
{
    azdo_write *w = calloc(1, sizeof *w);
    w->kind = AZDO_WRITE_CREATE;
    w->tag = tag;
    w->type = strdup("Task");
    w->patch = strdup("[{\"op\":\"add\",\"path\":\"/fields/System.Title\",\"value\":\"x\"}]");
    return w;
}

typedef struct seen {
    int count[64]; /* reports per tag */
    int ok[64];
    int64_t ids[64];
    int n;
} seen;

static void collect(void *ctx, const azdo_write *w)
{
    seen *s = ctx;
    s->count[w->tag]++;
    s->ok[w->tag] = w->rc == AZDO_OK;
    s->ids[w->tag] = w->new_id;
    s->n++;
}

static void writeq_reports_every_write_once(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    sh.fail_nth = 4;
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 4);
    seen s;
    memset(&s, 0, sizeof s);
    azdo_writeq *q = azdo_writeq_new(c, p, collect, &s);
    for (long i = 0; i < 40; i++) {
        assert_int_equal(azdo_writeq_submit(q, new_create(i)), 0);
        /* reported writes are freed as the array goes: memory follows the requests in flight */
        assert_true(azdo_writeq_pending(q) <= 3 * 4 + 1);
    }
    int64_t last = azdo_writeq_finish(q);
    assert_int_equal(s.n, 40);
    int failures = 0, last_ok = -1;
    for (int i = 0; i < 40; i++) {
        assert_int_equal(s.count[i], 1); /* each write reported exactly once */
        if (!s.ok[i])
            failures++;
        else {
            assert_true(s.ids[i] > 1000);
            last_ok = i;
        }
    }
    assert_int_equal(failures, 1);
    assert_int_equal(last, s.ids[last_ok]); /* the last row's new item, not the last to finish */
    assert_int_equal(sh.sent, 40);           /* a rule error is not retried */
    assert_true(sh.peak >= 2 && sh.peak <= 4);
    azdo_pool_free(p);
    azdo_client_free(c);
}

static void write_not_sent_after_cancel(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    azdo_client *c = client_for(&sh);
    azdo_client_cancel(c);
    azdo_write *w = new_create(0);
    azdo_write_run(c, w);
    assert_int_equal(w->rc, AZDO_ERR_CANCELLED);
    assert_non_null(strstr(w->err.message, "not sent"));
    assert_int_equal(sh.sent, 0);
    azdo_write_free(w);
    azdo_client_free(c);
}

static azdo_write *new_update(int64_t id, int links)
{
    azdo_write *u = calloc(1, sizeof *u);
    u->kind = AZDO_WRITE_UPDATE;
    u->id = id;
    u->links = links;
    u->patch = strdup("[]");
    return u;
}

static int in_flight(shared *sh)
{
    pthread_mutex_lock(&sh->lock);
    int n = sh->in_flight;
    pthread_mutex_unlock(&sh->lock);
    return n;
}

static void flush_for_waits_for_what_a_read_can_see(void **state)
{
    (void)state;
    shared sh;
    shared_init(&sh, 1);
    azdo_client *c = client_for(&sh);
    azdo_pool *p = azdo_pool_new(c, 2);
    seen s;
    memset(&s, 0, sizeof s);
    azdo_writeq *q = azdo_writeq_new(c, p, collect, &s);
    int64_t other = 7, same = 42;

    assert_int_equal(azdo_writeq_submit(q, new_update(42, 0)), 0);
    azdo_writeq_flush_for(q, &same, 1); /* must wait for the update of 42 */
    assert_int_equal(in_flight(&sh), 0);
    assert_int_equal(azdo_writeq_pending(q), 0);

    /* a write that changes a link changes its other end too: any read waits */
    assert_int_equal(azdo_writeq_submit(q, new_update(42, 1)), 0);
    azdo_writeq_flush_for(q, &other, 1);
    assert_int_equal(in_flight(&sh), 0);
    assert_int_equal(azdo_writeq_pending(q), 0);

    /* an unrelated id does not wait (the write may still be running) */
    assert_int_equal(azdo_writeq_submit(q, new_update(42, 0)), 0);
    azdo_writeq_flush_for(q, &other, 1);
    azdo_writeq_finish(q);
    assert_int_equal(s.n, 3);
    assert_int_equal(sh.sent, 3);
    azdo_pool_free(p);
    azdo_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_bounds_concurrency),
        cmocka_unit_test(pool_runs_inline_without_clones),
        cmocka_unit_test(pool_max_one_is_sequential),
        cmocka_unit_test(pool_throttle_halves_limit),
        cmocka_unit_test(writeq_reports_every_write_once),
        cmocka_unit_test(write_not_sent_after_cancel),
        cmocka_unit_test(flush_for_waits_for_what_a_read_can_see),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
