/* trace.c — see trace.h. */
#include "trace.h"
#include "strbuf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct azdo_trace {
    FILE *f;
    int level;
    pthread_mutex_t lock; /* one line at a time, whatever thread writes it */
};

azdo_errkind azdo_trace_open(const char *path, int level, azdo_trace **out, azdo_error *err)
{
    *out = NULL;
    if (!path || !*path || level <= 0)
        return AZDO_OK;
    azdo_trace *t = calloc(1, sizeof *t);
    if (!t)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    t->f = fopen(path, "a");
    if (!t->f) {
        free(t);
        return azdo_error_set(err, AZDO_ERR_CONFIG, "Cannot open TraceFile '%s' for appending", path);
    }
    t->level = level;
    pthread_mutex_init(&t->lock, NULL);
    *out = t;
    return AZDO_OK;
}

void azdo_trace_close(azdo_trace *t)
{
    if (!t)
        return;
    fclose(t->f);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static void stamp(strbuf *b)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strbuf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* The URL with any user:password@ part removed (the driver never puts one
 * there, but a trace must not depend on that). */
static void append_url(strbuf *b, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *slash = strchr(host, '/');
    const char *at = strchr(host, '@');
    if (at && (!slash || at < slash)) {
        strbuf_append_n(b, url, (size_t)(host - url));
        strbuf_append(b, at + 1);
    } else {
        strbuf_append(b, url);
    }
}

static void write_line(azdo_trace *t, strbuf *b)
{
    if (strbuf_failed(b))
        return;
    pthread_mutex_lock(&t->lock);
    fprintf(t->f, "%s\n", strbuf_str(b));
    fflush(t->f);
    pthread_mutex_unlock(&t->lock);
}

void azdo_trace_request(azdo_trace *t, const char *method, const char *url, const azdo_http_response *resp,
                        const char *error_text, double ms, int attempt, const char *next)
{
    if (!t)
        return;
    strbuf b;
    strbuf_init(&b);
    stamp(&b);
    strbuf_printf(&b, "%s ", method);
    append_url(&b, url);
    if (resp)
        strbuf_printf(&b, " status=%d", resp->status);
    else
        strbuf_printf(&b, " status=none error=\"%s\"", error_text ? error_text : "");
    strbuf_printf(&b, " ms=%.0f bytes=%zu try=%d", ms, resp ? resp->body_len : 0, attempt);
    if (resp) {
        if (resp->retry_after_s >= 0)
            strbuf_printf(&b, " retry-after=%g", resp->retry_after_s);
        if (resp->ratelimit_remaining >= 0)
            strbuf_printf(&b, " ratelimit-remaining=%g", resp->ratelimit_remaining);
        if (resp->ratelimit_limit >= 0)
            strbuf_printf(&b, " ratelimit-limit=%g", resp->ratelimit_limit);
        if (resp->ratelimit_delay >= 0)
            strbuf_printf(&b, " ratelimit-delay=%g", resp->ratelimit_delay);
        if (t->level >= 2 && resp->ratelimit_resource)
            strbuf_printf(&b, " ratelimit-resource=\"%s\"", resp->ratelimit_resource);
        if (resp->host_offline)
            strbuf_append(&b, " host-offline=1");
        if (t->level >= 2 && resp->content_type)
            strbuf_printf(&b, " content-type=\"%s\"", resp->content_type);
    }
    if (next)
        strbuf_printf(&b, " next=\"%s\"", next);
    write_line(t, &b);
    strbuf_free(&b);
}

void azdo_trace_note(azdo_trace *t, const char *fmt, ...)
{
    if (!t)
        return;
    strbuf b;
    strbuf_init(&b);
    stamp(&b);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    strbuf_append(&b, msg);
    write_line(t, &b);
    strbuf_free(&b);
}
