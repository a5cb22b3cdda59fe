/*
 * test_transport.c — retries, throttling, pacing, token handling, cancel and
 * deadlines, through a session with a fake transport and a fake clock: every
 * wait is recorded instead of slept, so timing is asserted exactly and the
 * suite takes no real time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_ado.h"
#include "sql/azdo_session.h"

/* ---- a clock that records sleeps ---------------------------------------- */

typedef struct fake_clock {
    azdo_clock base;
    double mono, wall;
    double slept;
    int sleeps;
    double log[256];
    double jitter;            /* what random01 returns */
    azdo_session *cancel_on_sleep; /* SQLCancel "from another thread" during the first wait */
} fake_clock;

static double fc_mono(azdo_clock *c) { return ((fake_clock *)c)->mono; }
static double fc_wall(azdo_clock *c) { return ((fake_clock *)c)->wall; }
static double fc_rand(azdo_clock *c) { return ((fake_clock *)c)->jitter; }

static azdo_errkind fc_sleep(azdo_clock *c, double s, const int *cancel, double deadline)
{
    fake_clock *f = (fake_clock *)c;
    if (f->cancel_on_sleep) {
        azdo_session_cancel(f->cancel_on_sleep);
        f->cancel_on_sleep = NULL;
    }
    if (azdo_cancel_requested(cancel))
        return AZDO_ERR_CANCELLED;
    if (deadline > 0 && f->mono + s >= deadline) {
        f->mono = deadline;
        return AZDO_ERR_TIMEOUT;
    }
    if (f->sleeps < 256)
        f->log[f->sleeps] = s;
    f->sleeps++;
    f->slept += s;
    f->mono += s;
    f->wall += s;
    return AZDO_OK;
}

static void fake_clock_init(fake_clock *c)
{
    memset(c, 0, sizeof *c);
    c->base = (azdo_clock){fc_mono, fc_wall, fc_sleep, fc_rand};
    c->mono = 1000;
    c->wall = 1.7e9;
}

/* ---- fixture -------------------------------------------------------------- */

typedef struct fixture {
    fake_ado s;
    fake_clock clock;
    fake_http *f;
    azdo_session *sess;
    azdo_config cfg;
    char trace_path[64];
} fixture;

static void setup_cfg(fixture *fx)
{
    azdo_config_defaults(&fx->cfg);
    fx->cfg.base_url = "http://127.0.0.1:1/fabrikam";
    fx->cfg.project = "Proj";
    fx->cfg.pat = "secret-pat-value";
    fx->cfg.api_version = "7.1";
    snprintf(fx->trace_path, sizeof fx->trace_path, "/tmp/azdo-trace-%d.log", (int)getpid());
    unlink(fx->trace_path);
    fx->cfg.trace_file = fx->trace_path;
    fx->cfg.trace_level = 2;
}

static azdo_errkind open_fx(fixture *fx, azdo_error *err)
{
    fake_clock_init(&fx->clock);
    fx->f = fake_http_new(fake_ado_handle, &fx->s);
    return azdo_session_open_ex(&fx->cfg, &fx->f->base, &fx->clock.base, &fx->sess, err);
}

static void close_fx(fixture *fx)
{
    azdo_session_close(fx->sess);
    fake_http_free(fx->f);
    unlink(fx->trace_path);
}

/* rows of `sql`, or -1 with the session's error in *kind */
static int count_rows(fixture *fx, const char *sql, azdo_errkind *kind, char *msg, size_t msglen)
{
    sqlite3 *db = azdo_session_db(fx->sess);
    sqlite3_stmt *st;
    azdo_session_clear_error(fx->sess);
    azdo_session_begin_statement(fx->sess, 0);
    *kind = AZDO_OK;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        n++;
    if (rc != SQLITE_DONE) {
        const azdo_error *e = azdo_session_last_error(fx->sess);
        *kind = e ? e->kind : AZDO_ERR_INTERNAL;
        snprintf(msg, msglen, "%s", e ? e->message : sqlite3_errmsg(db));
        n = -1;
    }
    sqlite3_finalize(st);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_429_storm_gives_every_row_and_waits_retry_after(void **state)
{
    fixture fx = {.s = {.n_items = 1000, .every_429 = 3, .retry_after_429 = 1}};
    setup_cfg(&fx);
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    azdo_errkind k;
    char msg[1024];
    int n = count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg);
    assert_int_equal(n, 1000);
    int throttled = fx.s.api_requests / 3;
    assert_true(throttled >= 2);
    assert_int_equal(fx.clock.sleeps, throttled);
    assert_true(fx.clock.slept == throttled * 1.0); /* exactly Retry-After, no jitter */
    char *trace = slurp(fx.trace_path);
    assert_int_equal(occurrences(trace, "status=429"), throttled);
    assert_int_equal(occurrences(trace, "next=\"wait 1.000 s then retry: HTTP 429 (throttled)\""), throttled);
    assert_non_null(strstr(trace, "retry-after=1 ratelimit-remaining=0 ratelimit-limit=200"));
    assert_null(strstr(trace, "secret-pat-value"));
    free(trace);
    close_fx(&fx);
}

static void test_no_retries_fails_clearly(void **state)
{
    fixture fx = {.s = {.n_items = 1000, .every_429 = 3, .retry_after_429 = 1}};
    setup_cfg(&fx);
    fx.cfg.retry_count_max = 0;
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), -1);
    assert_int_equal(k, AZDO_ERR_THROTTLED);
    assert_non_null(strstr(msg, "TF400733"));
    assert_non_null(strstr(msg, "RetryCountMax"));
    assert_int_equal(fx.clock.sleeps, 0);
    close_fx(&fx);
}

static void test_backoff_doubles_without_retry_after(void **state)
{
    fixture fx = {.s = {.n_items = 100, .first_503 = 3, .fault_start = 3}};
    setup_cfg(&fx);
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    fx.clock.jitter = 0; /* the lower end of each jittered wait: w/2 */
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 100);
    assert_int_equal(fx.clock.sleeps, 3);
    assert_true(fx.clock.log[0] == 0.5 && fx.clock.log[1] == 1.0 && fx.clock.log[2] == 2.0);
    close_fx(&fx);

    fixture fy = {.s = {.n_items = 100, .first_503 = 3, .fault_start = 3}};
    setup_cfg(&fy);
    fy.cfg.retry_multiply_wait = 0;
    assert_int_equal(open_fx(&fy, &err), AZDO_OK);
    fy.clock.jitter = 0.999;
    assert_int_equal(count_rows(&fy, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 100);
    assert_int_equal(fy.clock.sleeps, 3);
    for (int i = 0; i < 3; i++)
        assert_true(fy.clock.log[i] > 0.99 && fy.clock.log[i] <= 1.0); /* no doubling */
    close_fx(&fy);
}

static void test_budget_and_host_offline_stop_retries(void **state)
{
    fixture fx = {.s = {.n_items = 100, .every_429 = 3, .retry_after_429 = 5}};
    setup_cfg(&fx);
    fx.cfg.retry_max_wait_s = 2;
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), -1);
    assert_int_equal(k, AZDO_ERR_THROTTLED);
    assert_non_null(strstr(msg, "RetryMaxWaitSeconds"));
    assert_int_equal(fx.clock.sleeps, 0);
    close_fx(&fx);

    fixture fy = {.s = {.n_items = 100, .every_host_offline = 3}};
    setup_cfg(&fy);
    assert_int_equal(open_fx(&fy, &err), AZDO_OK);
    assert_int_equal(count_rows(&fy, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), -1);
    assert_int_equal(k, AZDO_ERR_SERVER);
    assert_non_null(strstr(msg, "offline"));
    assert_int_equal(fy.clock.sleeps, 0);
    close_fx(&fy);
}

static void test_resets_and_refusals_are_retried_for_reads(void **state)
{
    fixture fx = {.s = {.n_items = 1000, .every_link_fault = 4, .refused_first = 1}};
    setup_cfg(&fx);
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 1000);
    assert_true(fx.clock.sleeps >= 2);
    char *trace = slurp(fx.trace_path);
    assert_non_null(strstr(trace, "connection lost or answer truncated"));
    assert_non_null(strstr(trace, "connection refused"));
    free(trace);
    close_fx(&fx);
}

static void test_pacing_from_successful_answers(void **state)
{
    fixture fx = {.s = {.n_items = 500, .ok_retry_after = 2}};
    setup_cfg(&fx);
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    int before = fx.clock.sleeps;
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 500);
    /* every request after a Retry-After-carrying 200 waited 2 s: WIQL + 3 batches */
    assert_int_equal(fx.clock.sleeps - before, 4);
    assert_true(fx.clock.log[fx.clock.sleeps - 1] == 2.0);
    close_fx(&fx);

    fixture fy = {.s = {.n_items = 500, .ok_ratelimit_low = 1}};
    setup_cfg(&fy);
    assert_int_equal(open_fx(&fy, &err), AZDO_OK);
    assert_int_equal(count_rows(&fy, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 500);
    assert_true(fy.clock.sleeps >= 4);
    assert_true(fy.clock.log[fy.clock.sleeps - 1] == 1.0); /* remaining 0: the full pause */
    char *trace = slurp(fy.trace_path);
    assert_non_null(strstr(trace, "X-RateLimit-Remaining is low"));
    free(trace);
    close_fx(&fy);
}

static void test_cancel_and_deadline_stop_a_wait(void **state)
{
    fixture fx = {.s = {.n_items = 100, .every_429 = 2, .retry_after_429 = 30}};
    setup_cfg(&fx);
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    fx.clock.cancel_on_sleep = fx.sess;
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), -1);
    assert_int_equal(k, AZDO_ERR_CANCELLED);
    /* the next statement starts afresh */
    fx.s.every_429 = 0;
    assert_int_equal(count_rows(&fx, "SELECT Id FROM WorkItems", &k, msg, sizeof msg), 100);

    /* a wait the query timeout cannot fit: stop now and say what happened */
    fx.s.every_429 = 1;
    sqlite3_stmt *st;
    azdo_session_clear_error(fx.sess);
    azdo_session_begin_statement(fx.sess, 5); /* 5 s, less than the 30 s Retry-After */
    assert_int_equal(sqlite3_prepare_v2(azdo_session_db(fx.sess), "SELECT Id, Title FROM WorkItems", -1, &st, NULL),
                     SQLITE_OK);
    double t0 = fx.clock.mono;
    assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
    const azdo_error *e = azdo_session_last_error(fx.sess);
    assert_int_equal(e->kind, AZDO_ERR_THROTTLED);
    assert_non_null(strstr(e->message, "query timeout"));
    assert_true(fx.clock.mono == t0); /* no pointless wait first */
    sqlite3_finalize(st);

    /* a wait that fits but is cut by the deadline: a timeout */
    fx.s.every_429 = 2;
    fx.s.retry_after_429 = 3;
    azdo_session_clear_error(fx.sess);
    azdo_session_begin_statement(fx.sess, 5);
    fx.clock.mono += 4; /* most of the time already used */
    assert_int_equal(sqlite3_prepare_v2(azdo_session_db(fx.sess), "SELECT Id, Title FROM WorkItems", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
    e = azdo_session_last_error(fx.sess);
    assert_true(e->kind == AZDO_ERR_THROTTLED || e->kind == AZDO_ERR_TIMEOUT);
    assert_non_null(strstr(e->message, "timeout"));
    sqlite3_finalize(st);
    close_fx(&fx);
}

static void test_entra_token_is_cached_renewed_and_refetched_on_401(void **state)
{
    fixture fx = {.s = {.n_items = 1000, .token_expires_in = 3600}};
    setup_cfg(&fx);
    fx.cfg.auth_scheme = AZDO_AUTH_ENTRA_CLIENT;
    fx.cfg.pat = NULL;
    fx.cfg.client_id = "client-1";
    fx.cfg.client_secret = "very-secret-client-secret";
    fx.cfg.tenant_id = "contoso.onmicrosoft.com";
    fx.cfg.token_url = "http://127.0.0.1:1/tenant/oauth2/v2.0/token";
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    azdo_errkind k;
    char msg[1024];
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 1000);
    assert_int_equal(fx.s.token_requests, 1); /* one token for connect and every request */
    fx.clock.wall += 3500;                     /* within the renewal window before expiry */
    assert_int_equal(count_rows(&fx, "SELECT Id FROM WorkItems", &k, msg, sizeof msg), 1000);
    assert_int_equal(fx.s.token_requests, 2);
    fx.s.revoke_at = fx.s.api_requests + 2; /* the token dies mid-query: one 401, one new token */
    assert_int_equal(count_rows(&fx, "SELECT Id, Title FROM WorkItems", &k, msg, sizeof msg), 1000);
    assert_int_equal(fx.s.token_requests, 3);
    char *trace = slurp(fx.trace_path);
    assert_non_null(strstr(trace, "renew the access token"));
    assert_null(strstr(trace, "very-secret-client-secret"));
    assert_null(strstr(trace, "tok-"));
    free(trace);
    close_fx(&fx);

    fixture fy = {.s = {.n_items = 10, .token_fail = 1}};
    setup_cfg(&fy);
    fy.cfg = fx.cfg;
    fy.cfg.trace_file = NULL;
    assert_int_equal(open_fx(&fy, &err), AZDO_ERR_AUTH);
    assert_non_null(strstr(err.message, "AADSTS7000215"));
    assert_null(strstr(err.message, "very-secret-client-secret"));
    assert_null(strstr(err.message, "Trace ID")); /* first line of the description only */
    fake_http_free(fy.f);
}

static void test_rotated_refresh_token_is_saved_and_reused(void **state)
{
    char dir[] = "/tmp/azdo-tokens-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/refresh", dir);

    fixture fx = {.s = {.n_items = 10}};
    strcpy(fx.s.refresh_token, "rt-initial");
    setup_cfg(&fx);
    fx.cfg.auth_scheme = AZDO_AUTH_OAUTH_REFRESH;
    fx.cfg.pat = NULL;
    fx.cfg.client_id = "app-1";
    fx.cfg.client_secret = "app-secret";
    fx.cfg.refresh_token = "rt-initial";
    fx.cfg.redirect_uri = "https://localhost/cb";
    fx.cfg.token_url = "http://127.0.0.1:1/oauth2/token"; /* the legacy Azure DevOps form */
    fx.cfg.token_file = path;
    azdo_error err;
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    assert_int_equal(fx.s.rotations, 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *saved = slurp(path);
    assert_string_equal(saved, "rt-rotated-1\n");
    free(saved);
    azdo_session_close(fx.sess);
    fx.sess = NULL;

    /* the next connection uses the saved token even though RefreshToken still holds the old one */
    fake_http_free(fx.f);
    assert_int_equal(open_fx(&fx, &err), AZDO_OK);
    assert_int_equal(fx.s.rotations, 2);
    saved = slurp(path);
    assert_string_equal(saved, "rt-rotated-2\n");
    free(saved);
    close_fx(&fx);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_429_storm_gives_every_row_and_waits_retry_after),
        cmocka_unit_test(test_no_retries_fails_clearly),
        cmocka_unit_test(test_backoff_doubles_without_retry_after),
        cmocka_unit_test(test_budget_and_host_offline_stop_retries),
        cmocka_unit_test(test_resets_and_refusals_are_retried_for_reads),
        cmocka_unit_test(test_pacing_from_successful_answers),
        cmocka_unit_test(test_cancel_and_deadline_stop_a_wait),
        cmocka_unit_test(test_entra_token_is_cached_renewed_and_refetched_on_401),
        cmocka_unit_test(test_rotated_refresh_token_is_saved_and_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
