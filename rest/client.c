/* client.c — see client.h. */
#include "client.h"
#include "auth.h"
#include "retry.h"
#include "secret.h"
#include "trace.h"
#include "strbuf.h"
#include "vss_error.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a connection's client and its pool workers (pool.h) share.  `lock`
 * guards what several threads change: the credentials (a token fetch or
 * refresh), the pacing, the deadline and the throttle count. */
typedef struct client_core {
    pthread_mutex_t lock;
    /* held while the credentials are read, fetched or renewed (network and
     * retry waits included): never under `lock`, so a token fetch on one
     * thread cannot block setting the deadline or cancelling on another */
    pthread_mutex_t auth_lock;
    char *base_url;
    char *project;
    char *api_version;
    azdo_auth *auth;
    azdo_retry_policy retry;
    azdo_clock *clock;
    azdo_trace *trace;
    int cancel;        /* written by another thread: use azdo_cancel_* */
    double deadline;   /* monotonic; 0 = none */
    const char *deadline_name; /* static text: "query timeout", "login timeout" */
    double not_before; /* monotonic: pacing asked for by Retry-After / rate-limit headers */
    unsigned long throttles; /* answers that asked us to slow down (429, Retry-After) */
} client_core;

/* A client is a transport (one thread's) plus the shared core; a worker
 * (azdo_client_worker_new) has its own transport and the owner's core. */
struct azdo_client {
    azdo_transport *t;
    client_core *k;
    int is_worker;
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

azdo_errkind azdo_client_new(const azdo_config *cfg, azdo_transport *transport, azdo_client **out,
                             azdo_error *err)
{
    *out = NULL;
    azdo_client *c = calloc(1, sizeof *c);
    client_core *k = calloc(1, sizeof *k);
    if (!c || !k) {
        free(c);
        free(k);
        if (transport)
            transport->destroy(transport);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    pthread_mutex_init(&k->lock, NULL);
    pthread_mutex_init(&k->auth_lock, NULL);
    c->k = k;
    c->t = transport;
    k->clock = azdo_system_clock();
    k->deadline_name = "timeout";
    k->base_url = dup_or_empty(cfg->base_url);
    k->project = dup_or_empty(cfg->project);
    k->api_version = dup_or_empty(cfg->api_version && *cfg->api_version ? cfg->api_version : "7.1");
    azdo_retry_policy_from_config(cfg, &k->retry);
    if (!c->t || !k->base_url || !k->project || !k->api_version) {
        azdo_client_free(c);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    azdo_errkind rc = azdo_auth_new(cfg, &k->auth, err);
    if (rc == AZDO_OK)
        rc = azdo_trace_open(cfg->trace_file, cfg->trace_level, &k->trace, err);
    if (rc != AZDO_OK) {
        azdo_client_free(c);
        return rc;
    }
    *out = c;
    return AZDO_OK;
}

int azdo_client_can_fork(const azdo_client *c)
{
    return c->t && c->t->clone != NULL;
}

azdo_client *azdo_client_worker_new(azdo_client *c)
{
    if (!c->t->clone)
        return NULL;
    azdo_client *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->t = c->t->clone(c->t);
    if (!w->t) {
        free(w);
        return NULL;
    }
    w->k = c->k;
    w->is_worker = 1;
    return w;
}

void azdo_client_free(azdo_client *c)
{
    if (!c)
        return;
    if (c->t)
        c->t->destroy(c->t);
    if (!c->is_worker) {
        client_core *k = c->k;
        free(k->base_url);
        free(k->project);
        free(k->api_version);
        azdo_auth_free(k->auth);
        azdo_trace_close(k->trace);
        pthread_mutex_destroy(&k->lock);
        pthread_mutex_destroy(&k->auth_lock);
        free(k);
    }
    free(c);
}

const char *azdo_client_project(const azdo_client *c) { return c->k->project; }
const char *azdo_client_base_url(const azdo_client *c) { return c->k->base_url; }
void azdo_client_set_clock(azdo_client *c, azdo_clock *clock) { c->k->clock = clock ? clock : azdo_system_clock(); }
azdo_clock *azdo_client_clock(const azdo_client *c) { return c->k->clock; }
void azdo_client_set_deadline(azdo_client *c, double deadline, const char *name)
{
    pthread_mutex_lock(&c->k->lock);
    c->k->deadline = deadline;
    c->k->deadline_name = name ? name : "timeout";
    pthread_mutex_unlock(&c->k->lock);
}
void azdo_client_cancel(azdo_client *c) { azdo_cancel_set(&c->k->cancel, 1); }
void azdo_client_clear_cancel(azdo_client *c) { azdo_cancel_set(&c->k->cancel, 0); }

static double current_deadline(azdo_client *c, const char **name);

azdo_errkind azdo_client_check_go(azdo_client *c, const char *what, azdo_error *err)
{
    if (azdo_cancel_requested(&c->k->cancel))
        return azdo_error_set(err, AZDO_ERR_CANCELLED, "The statement was cancelled before %s: not sent", what);
    const char *name;
    double deadline = current_deadline(c, &name);
    if (deadline > 0 && c->k->clock->monotonic(c->k->clock) >= deadline)
        return azdo_error_set(err, AZDO_ERR_TIMEOUT, "The %s expired before %s: not sent", name, what);
    return AZDO_OK;
}

unsigned long azdo_client_throttles(azdo_client *c)
{
    pthread_mutex_lock(&c->k->lock);
    unsigned long n = c->k->throttles;
    pthread_mutex_unlock(&c->k->lock);
    return n;
}

/* The deadline and its name, read together (another thread may set them). */
static double current_deadline(azdo_client *c, const char **name)
{
    pthread_mutex_lock(&c->k->lock);
    double d = c->k->deadline;
    if (name)
        *name = c->k->deadline_name;
    pthread_mutex_unlock(&c->k->lock);
    return d;
}

static double current_not_before(azdo_client *c)
{
    pthread_mutex_lock(&c->k->lock);
    double d = c->k->not_before;
    pthread_mutex_unlock(&c->k->lock);
    return d;
}

static char *build_url(const azdo_client *c, const char *project, const char *path, const char *extra_query)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, c->k->base_url);
    if (project && *project) {
        strbuf_append_char(&b, '/');
        strbuf_append_urlenc(&b, project);
    }
    strbuf_append(&b, "/_apis/");
    strbuf_append(&b, path);
    strbuf_append_char(&b, strchr(path, '?') ? '&' : '?');
    if (extra_query && *extra_query) {
        strbuf_append(&b, extra_query);
        /* an api-version in extra_query (a preview API's) overrides the connection's */
        if (strncmp(extra_query, "api-version=", 12) == 0 || strstr(extra_query, "&api-version="))
            return strbuf_steal(&b);
        strbuf_append_char(&b, '&');
    }
    strbuf_append(&b, "api-version=");
    strbuf_append_urlenc(&b, c->k->api_version);
    return strbuf_steal(&b);
}

/* Waits (interruptibly) until `until`; fills err on cancel/deadline. */
static azdo_errkind wait_until(azdo_client *c, double until, const char *what, azdo_error *err)
{
    double now = c->k->clock->monotonic(c->k->clock);
    if (until <= now)
        return AZDO_OK;
    const char *dl_name;
    double deadline = current_deadline(c, &dl_name);
    azdo_errkind rc = c->k->clock->sleep(c->k->clock, until - now, &c->k->cancel, deadline);
    if (rc == AZDO_ERR_CANCELLED)
        azdo_error_set(err, rc, "The statement was cancelled while waiting before %s", what);
    else if (rc == AZDO_ERR_TIMEOUT)
        azdo_error_set(err, rc, "The %s expired while waiting before %s", dl_name, what);
    /* nothing is sent while waiting: a write that has to wait was either
     * never sent or provably not processed (only those are retried) */
    if (rc != AZDO_OK)
        err->unsent = 1;
    return rc;
}

/* Remembers the pacing the service asked for in a successful answer. */
static void note_pacing(azdo_client *c, const azdo_http_response *r)
{
    double now = c->k->clock->monotonic(c->k->clock);
    double pause = 0;
    if (r->retry_after_s > 0)
        pause = r->retry_after_s; /* Retry-After on a 2xx: delay the next request */
    double pace = azdo_rate_pace(r->ratelimit_remaining, r->ratelimit_limit);
    if (pace > pause)
        pause = pace;
    pthread_mutex_lock(&c->k->lock);
    int later = pause > 0 && now + pause > c->k->not_before;
    if (later) {
        c->k->not_before = now + pause;
        c->k->throttles++;
    }
    pthread_mutex_unlock(&c->k->lock);
    if (later) {
        azdo_trace_note(c->k->trace, "pausing %.3f s before the next request (%s)", pause,
                        r->retry_after_s > 0 ? "Retry-After on a successful answer"
                                             : "X-RateLimit-Remaining is low");
    }
}

/* Adds the scheme's advice to a credentials error (vss_error.c states only
 * what the service said). */
static void auth_advice(azdo_client *c, azdo_error *err)
{
    const char *hint = azdo_auth_hint(c->k->auth);
    if (strcmp(err->type_key, "AadUserStateException") == 0)
        hint = "The identity has not been materialized in the organization: a user must sign in once to the "
               "organization in a browser; a service principal must be added to the organization "
               "(Organization settings > Users)";
    size_t len = strlen(err->message);
    while (len && (err->message[len - 1] == '.' || err->message[len - 1] == ' '))
        err->message[--len] = '\0';
    if (len + 3 < sizeof err->message)
        snprintf(err->message + len, sizeof err->message - len, ". %s", hint);
}

/* Sends one request with authentication, pacing and retries, and parses a
 * JSON answer (NULL tree for an empty 2xx body).  idempotent: safe to send
 * again when the outcome is unknown (every read). */
static azdo_errkind call_ct(azdo_client *c, const char *method, const char *project, const char *path,
                            const char *extra_query, const char *body, const char *content_type, int idempotent,
                            const char *what, cJSON **out, azdo_error *err);

static azdo_errkind call(azdo_client *c, const char *method, int project_scoped, const char *path,
                         const char *extra_query, const char *body, int idempotent, const char *what,
                         cJSON **out, azdo_error *err)
{
    return call_ct(c, method, project_scoped ? c->k->project : NULL, path, extra_query, body,
                   body ? "application/json" : NULL, idempotent, what, out, err);
}

/* The Authorization header for the next request, as a private copy: the
 * token may be fetched (once, under the lock) or renewed by another thread
 * while this request is on the wire. */
static azdo_errkind auth_header_copy(azdo_client *c, double deadline, char **out, azdo_error *err)
{
    azdo_secret_free(*out);
    *out = NULL;
    azdo_auth_io io = {c->t, c->k->clock, c->k->trace, &c->k->cancel, deadline};
    const char *h = NULL;
    pthread_mutex_lock(&c->k->auth_lock);
    azdo_errkind rc = azdo_auth_header(c->k->auth, &io, &h, err);
    if (rc == AZDO_OK && !(*out = strdup(h)))
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    pthread_mutex_unlock(&c->k->auth_lock);
    if (rc != AZDO_OK)
        err->unsent = 1; /* the request itself never left */
    return rc;
}

static int auth_invalidate(azdo_client *c)
{
    pthread_mutex_lock(&c->k->auth_lock);
    int r = azdo_auth_invalidate(c->k->auth);
    pthread_mutex_unlock(&c->k->auth_lock);
    return r;
}

/* The service asked us to slow down (429 or Retry-After): every request of
 * this connection waits until `until`, not only the one that was told, and
 * pools (pool.h) lower their concurrency. */
static void note_throttled(azdo_client *c, double until)
{
    pthread_mutex_lock(&c->k->lock);
    if (until > c->k->not_before)
        c->k->not_before = until;
    c->k->throttles++;
    pthread_mutex_unlock(&c->k->lock);
}

/* project: the project segment of the URL (NULL or "" = none). */
static azdo_errkind call_ct(azdo_client *c, const char *method, const char *project, const char *path,
                            const char *extra_query, const char *body, const char *content_type, int idempotent,
                            const char *what, cJSON **out, azdo_error *err)
{
    *out = NULL;
    char *url = build_url(c, project, path, extra_query);
    if (!url)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory building a request URL");
    azdo_http_response resp = {0};
    azdo_http_response_clear(&resp);
    azdo_errkind rc;
    int retries = 0, attempt = 0, token_renewed = 0;
    double waited = 0;
    const char *gave_up = NULL; /* why retrying stopped early */
    char *authorization = NULL; /* this request's copy: another thread may renew the token meanwhile */
    const char *dl_name;
    double deadline = current_deadline(c, &dl_name);

    for (;;) {
        attempt++;
        azdo_error_clear(err);
        if ((rc = wait_until(c, current_not_before(c), what, err)) != AZDO_OK)
            goto done;
        if ((rc = auth_header_copy(c, deadline, &authorization, err)) != AZDO_OK)
            goto done;
        azdo_http_request req = {
            .method = method,
            .url = url,
            .content_type = content_type,
            .body = body,
            .authorization = authorization,
            .cancel = &c->k->cancel,
            .deadline = deadline,
            .not_idempotent = !idempotent,
        };
        double t0 = c->k->clock->monotonic(c->k->clock);
        azdo_http_response_clear(&resp);
        rc = c->t->send(c->t, &req, &resp, err);
        double now = c->k->clock->monotonic(c->k->clock);
        double ms = (now - t0) * 1000;

        azdo_try_outcome o = {rc, err->unsent, rc == AZDO_OK ? resp.status : 0, rc == AZDO_OK && resp.host_offline,
                              rc == AZDO_OK ? resp.retry_after_s : -1};
        if (rc == AZDO_OK && resp.status == 401 && !token_renewed && auth_invalidate(c)) {
            /* a fetched token may have been revoked or expired early: fetch one more, once */
            token_renewed = 1;
            azdo_trace_request(c->k->trace, method, url, &resp, NULL, ms, attempt, "renew the access token");
            continue;
        }
        const char *reason = azdo_retry_reason(&c->k->retry, idempotent, &o, retries);
        double wait = 0;
        if (reason) {
            wait = azdo_retry_wait(&c->k->retry, retries + 1, o.retry_after_s, c->k->clock->random01(c->k->clock));
            if (waited + wait > c->k->retry.max_wait_s) {
                reason = NULL;
                gave_up = "RetryMaxWaitSeconds";
            } else if (deadline > 0 && now + wait >= deadline) {
                /* no time left to retry: report what actually went wrong */
                reason = NULL;
                gave_up = dl_name;
            }
        } else if (!gave_up && retries >= c->k->retry.count_max) {
            /* retryable but for the count: say so in the error */
            azdo_retry_policy unlimited = c->k->retry;
            unlimited.count_max = INT_MAX;
            if (azdo_retry_reason(&unlimited, idempotent, &o, retries))
                gave_up = "RetryCountMax";
        }
        char next[160] = "";
        if (reason)
            snprintf(next, sizeof next, "wait %.3f s then retry: %s", wait, reason);
        azdo_trace_request(c->k->trace, method, url, rc == AZDO_OK ? &resp : NULL, rc == AZDO_OK ? NULL : err->message,
                           ms, attempt, reason ? next : NULL);
        if (!reason)
            break;
        if (o.retry_after_s > 0 || o.status == 429)
            note_throttled(c, now + wait);
        if ((rc = wait_until(c, c->k->clock->monotonic(c->k->clock) + wait, what, err)) != AZDO_OK)
            goto done;
        waited += wait;
        retries++;
    }

    if (rc == AZDO_OK) {
        rc = azdo_vss_check_response(&resp, what, err);
        if (rc == AZDO_OK)
            note_pacing(c, &resp);
        else if (rc == AZDO_ERR_AUTH)
            auth_advice(c, err);
        else if (resp.host_offline)
            azdo_error_set(err, rc, "%s (the service reported its host offline: not retried)", err->message);
    }
    if (rc == AZDO_ERR_TIMEOUT && deadline > 0 && c->k->clock->monotonic(c->k->clock) >= deadline)
        azdo_error_set(err, rc, "The %s expired while %s", dl_name, what);
    if (rc != AZDO_OK && retries + (gave_up != NULL) > 0) {
        int st = err->http_status;
        char tail[200];
        snprintf(tail, sizeof tail, "; gave up after %d retr%s and %.1f s of waiting%s%s%s", retries,
                 retries == 1 ? "y" : "ies", waited, gave_up ? " (" : "", gave_up ? gave_up : "",
                 gave_up ? " left no room for another try)" : "");
        size_t len = strlen(err->message);
        if (len + strlen(tail) < sizeof err->message)
            memcpy(err->message + len, tail, strlen(tail) + 1);
        err->http_status = st;
    }
    if (rc == AZDO_OK && resp.body_len > 0) {
        const char *end = NULL;
        *out = cJSON_ParseWithLengthOpts(resp.body, resp.body_len, &end, 0);
        if (!*out)
            rc = azdo_error_set(err, AZDO_ERR_PROTOCOL,
                                "Malformed JSON from Azure DevOps while %s (at byte %zu of %zu); "
                                "the response is incomplete or corrupt, so no result is returned",
                                what, end ? (size_t)(end - resp.body) : (size_t)0, resp.body_len);
    }
done:
    azdo_secret_free(authorization);
    azdo_http_response_clear(&resp);
    free(url);
    return rc;
}

azdo_errkind azdo_client_get(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                             const char *what, cJSON **out, azdo_error *err)
{
    return call(c, "GET", project_scoped, path, extra_query, NULL, 1, what, out, err);
}

azdo_errkind azdo_client_post(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                              const char *body, const char *what, cJSON **out, azdo_error *err)
{
    /* the POSTs the driver sends so far (WIQL, workitemsbatch) only read */
    return call(c, "POST", project_scoped, path, extra_query, body, 1, what, out, err);
}

azdo_errkind azdo_client_validate(azdo_client *c, azdo_error *err)
{
    cJSON *j = NULL;
    azdo_errkind rc;
    if (*c->k->project) {
        strbuf p;
        strbuf_init(&p);
        strbuf_append(&p, "projects/");
        strbuf_append_urlenc(&p, c->k->project);
        char *path = strbuf_steal(&p);
        if (!path)
            return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
        rc = azdo_client_get(c, 0, path, NULL, "connecting", &j, err);
        free(path);
        if (rc == AZDO_ERR_NOT_FOUND && strcmp(err->type_key, "ProjectDoesNotExistWithNameException") == 0) {
            int st = err->http_status;
            azdo_error_set(err, AZDO_ERR_CONNECT,
                           "Project '%s' does not exist in %s, or you cannot see it: check Project "
                           "(leave it empty for the whole organization)",
                           c->k->project, c->k->base_url);
            err->http_status = st;
            rc = AZDO_ERR_CONNECT;
        }
    } else {
        rc = azdo_client_get(c, 0, "projects", "$top=1", "connecting", &j, err);
    }
    if (rc == AZDO_ERR_NOT_FOUND) {
        int st = err->http_status;
        azdo_error_set(err, AZDO_ERR_CONNECT,
                       "No Azure DevOps organization or collection at %s (HTTP 404): check Organization or Url",
                       c->k->base_url);
        err->http_status = st;
        rc = AZDO_ERR_CONNECT;
    } else if (rc == AZDO_OK && !cJSON_IsObject(j)) {
        rc = azdo_error_set(err, AZDO_ERR_CONNECT,
                            "%s did not answer like Azure DevOps (no JSON object from _apis/projects): check Url",
                            c->k->base_url);
    }
    cJSON_Delete(j);
    return rc;
}

azdo_errkind azdo_client_wiql(azdo_client *c, const char *wiql, long top, int time_precision, int64_t **ids,
                              size_t *n, azdo_error *err)
{
    *ids = NULL;
    *n = 0;
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "query", wiql)) {
        cJSON_Delete(body);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    char query[96];
    query[0] = '\0';
    if (top > 0)
        snprintf(query, sizeof query, "$top=%ld", top);
    if (time_precision)
        snprintf(query + strlen(query), sizeof query - strlen(query), "%stimePrecision=true", top > 0 ? "&" : "");
    cJSON *j = NULL;
    azdo_errkind rc = azdo_client_post(c, 1, "wit/wiql", query, text, "running a WIQL query", &j, err);
    free(text);
    if (rc != AZDO_OK)
        return rc;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "workItems");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL,
                              "The WIQL answer has no workItems list (a link query or a malformed response)");
    }
    size_t cnt = (size_t)cJSON_GetArraySize(items);
    int64_t *out = malloc((cnt ? cnt : 1) * sizeof *out);
    if (!out) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    size_t k = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 9e15) {
            free(out);
            cJSON_Delete(j);
            return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The WIQL answer holds a work item without a valid id");
        }
        out[k++] = (int64_t)id->valuedouble;
    }
    cJSON_Delete(j);
    *ids = out;
    *n = k;
    return AZDO_OK;
}

azdo_errkind azdo_client_batch(azdo_client *c, const int64_t *ids, size_t n, const char *const *fields, size_t nf,
                               cJSON **out, azdo_error *err)
{
    *out = NULL;
    if (n > AZDO_BATCH_MAX)
        return azdo_error_set(err, AZDO_ERR_INTERNAL, "batch of %zu ids exceeds %d", n, AZDO_BATCH_MAX);
    strbuf b;
    strbuf_init(&b);
    strbuf_reserve(&b, 64 + n * 12);
    strbuf_append(&b, "{\"ids\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_append_char(&b, ',');
        strbuf_append_int(&b, (long long)ids[i]);
    }
    strbuf_append(&b, "]");
    if (nf) {
        strbuf_append(&b, ",\"fields\":[");
        for (size_t i = 0; i < nf; i++) {
            /* reference names are [A-Za-z0-9._-]; escape anyway so JSON stays valid */
            strbuf_append(&b, i ? ",\"" : "\"");
            for (const char *p = fields[i]; *p; p++) {
                if (*p == '"' || *p == '\\')
                    strbuf_append_char(&b, '\\');
                strbuf_append_char(&b, *p);
            }
            strbuf_append_char(&b, '"');
        }
        strbuf_append(&b, "]");
    }
    /* omit: an item deleted since the WIQL ran comes back as null instead of failing the batch */
    strbuf_append(&b, ",\"errorPolicy\":\"omit\"}");
    char *body = strbuf_steal(&b);
    if (!body)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    cJSON *j = NULL;
    azdo_errkind rc = azdo_client_post(c, 1, "wit/workitemsbatch", NULL, body, "reading work items", &j, err);
    free(body);
    if (rc != AZDO_OK)
        return rc;
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "value"))) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The work item batch answer has no value list");
    }
    *out = j;
    return AZDO_OK;
}

/* ---- writes ---------------------------------------------------------------- */

static void write_query(const azdo_write_flags *f, char *q, size_t n)
{
    snprintf(q, n, "%s%s%s", f && f->validate_only ? "validateOnly=true&" : "",
             f && f->bypass_rules ? "bypassRules=true&" : "", f && f->suppress_notifications ? "suppressNotifications=true&" : "");
    size_t len = strlen(q);
    if (len && q[len - 1] == '&')
        q[len - 1] = '\0';
}

/* A write whose answer was lost, garbled, or that failed inside the service
 * (5xx) may have happened: say so rather than guess, and never resend it. */
static void note_unknown_outcome(azdo_errkind rc, azdo_error *err, const char *tail)
{
    if (err->unsent)
        return; /* it never reached the service */
    if (rc != AZDO_ERR_LINK && rc != AZDO_ERR_TIMEOUT && rc != AZDO_ERR_SERVER && rc != AZDO_ERR_PROTOCOL &&
        rc != AZDO_ERR_CANCELLED)
        return;
    size_t len = strlen(err->message);
    if (len + strlen(tail) < sizeof err->message)
        memcpy(err->message + len, tail, strlen(tail) + 1);
}

azdo_errkind azdo_client_create(azdo_client *c, const char *project, const char *type, const char *patch,
                                const azdo_write_flags *flags, cJSON **out, azdo_error *err)
{
    strbuf p;
    strbuf_init(&p);
    strbuf_append(&p, "wit/workitems/$");
    strbuf_append_urlenc(&p, type);
    char *path = strbuf_steal(&p);
    if (!path)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    char q[128];
    write_query(flags, q, sizeof q);
    /* not idempotent: retried only when the service provably did not process it */
    azdo_errkind rc = call_ct(c, "POST", project && *project ? project : c->k->project, path, q, patch,
                              "application/json-patch+json", 0, "creating a work item", out, err);
    free(path);
    note_unknown_outcome(rc, err,
                         "; the create was sent but did not complete cleanly, so the work item MAY HAVE BEEN "
                         "CREATED: check before loading this row again");
    return rc;
}

azdo_errkind azdo_client_update(azdo_client *c, int64_t id, const char *patch, const azdo_write_flags *flags,
                                cJSON **out, azdo_error *err)
{
    char path[64], q[160];
    snprintf(path, sizeof path, "wit/workitems/%lld", (long long)id);
    write_query(flags, q, sizeof q);
    /* a PATCH carrying "test /rev" is safe to repeat; one without could apply
     * twice (History would append twice), so treat updates as not idempotent */
    azdo_errkind rc = call_ct(c, "PATCH", c->k->project, path, q, patch, "application/json-patch+json", 0,
                              "updating a work item", out, err);
    note_unknown_outcome(rc, err,
                         "; the update was sent but did not complete cleanly, so it MAY HAVE BEEN APPLIED: check "
                         "the work item before sending it again");
    return rc;
}

azdo_errkind azdo_client_delete(azdo_client *c, int64_t id, int destroy, azdo_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "wit/workitems/%lld", (long long)id);
    cJSON *j = NULL;
    /* deleting twice is harmless (the second finds nothing), so a lost answer may be retried */
    azdo_errkind rc = call_ct(c, "DELETE", c->k->project, path, destroy ? "destroy=true" : NULL, NULL, NULL, 1,
                              "deleting a work item", &j, err);
    cJSON_Delete(j);
    if (rc == AZDO_ERR_NOT_FOUND) {
        /* gone already: deleted by the try whose answer was lost, or by someone else */
        azdo_error_clear(err);
        rc = AZDO_OK;
    }
    return rc;
}

/* ---- comments (api-version AZDO_COMMENTS_API_VERSION) ----------------------- */

azdo_errkind azdo_client_comments(azdo_client *c, int64_t id, int top, const char *continuation, cJSON **out,
                                  azdo_error *err)
{
    *out = NULL;
    char path[80], what[80];
    snprintf(path, sizeof path, "wit/workItems/%lld/comments", (long long)id);
    snprintf(what, sizeof what, "reading the comments of work item %lld", (long long)id);
    strbuf q;
    strbuf_init(&q);
    if (continuation && *continuation) {
        strbuf_append(&q, "continuationToken=");
        strbuf_append_urlenc(&q, continuation);
    } else {
        strbuf_printf(&q, "$top=%d&order=asc", top > 0 ? top : AZDO_COMMENTS_PAGE);
    }
    strbuf_append(&q, "&api-version=" AZDO_COMMENTS_API_VERSION);
    char *query = strbuf_steal(&q);
    if (!query)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    cJSON *j = NULL;
    azdo_errkind rc = call(c, "GET", 1, path, query, NULL, 1, what, &j, err);
    free(query);
    if (rc != AZDO_OK)
        return rc;
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "comments"))) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The answer for the comments of work item %lld has no "
                              "comments list", (long long)id);
    }
    *out = j;
    return AZDO_OK;
}

azdo_errkind azdo_client_add_comment(azdo_client *c, int64_t id, const char *text, cJSON **out, azdo_error *err)
{
    *out = NULL;
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "text", text)) {
        cJSON_Delete(body);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    char *json = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!json)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    char path[80], what[80];
    snprintf(path, sizeof path, "wit/workItems/%lld/comments", (long long)id);
    snprintf(what, sizeof what, "adding a comment to work item %lld", (long long)id);
    /* not idempotent (a resend adds a second comment): retried only when the
     * service provably did not process it */
    azdo_errkind rc = call(c, "POST", 1, path, "api-version=" AZDO_COMMENTS_API_VERSION, json, 0, what, out, err);
    free(json);
    if (!err->unsent && (rc == AZDO_ERR_LINK || rc == AZDO_ERR_TIMEOUT || rc == AZDO_ERR_SERVER)) {
        size_t len = strlen(err->message);
        const char *tail = "; the comment was sent but did not complete cleanly, so it MAY HAVE BEEN ADDED: "
                           "check before adding it again";
        if (len + strlen(tail) < sizeof err->message)
            memcpy(err->message + len, tail, strlen(tail) + 1);
    }
    return rc;
}
