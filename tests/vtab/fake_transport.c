/* fake_transport.c — see fake_transport.h. */
#include "fake_transport.h"

#include <stdlib.h>
#include <string.h>

static azdo_errkind fake_send(azdo_transport *t, const azdo_http_request *req, azdo_http_response *resp,
                              azdo_error *err)
{
    fake_http *f = (fake_http *)t;
    memset(resp, 0, sizeof *resp);
    azdo_http_response_clear(resp); /* the "absent" markers */
    if (f->nlog < FAKE_MAX_LOG) {
        f->urls[f->nlog] = strdup(req->url);
        f->bodies[f->nlog] = req->body ? strdup(req->body) : NULL;
        f->nlog++;
    }
    return f->handler(f, req, resp, err);
}

static void fake_destroy(azdo_transport *t) { (void)t; }

fake_http *fake_http_new(fake_handler h, void *ud)
{
    fake_http *f = calloc(1, sizeof *f);
    f->base.send = fake_send;
    f->base.destroy = fake_destroy;
    f->handler = h;
    f->ud = ud;
    return f;
}

void fake_http_free(fake_http *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->nlog; i++) {
        free(f->urls[i]);
        free(f->bodies[i]);
    }
    free(f);
}

void fake_respond(azdo_http_response *resp, int status, const char *content_type, const char *body)
{
    resp->status = status;
    resp->content_type = content_type ? strdup(content_type) : NULL;
    resp->body = strdup(body ? body : "");
    resp->body_len = strlen(resp->body);
}

int fake_count(const fake_http *f, const char *needle)
{
    int n = 0;
    for (int i = 0; i < f->nlog; i++)
        n += strstr(f->urls[i], needle) != NULL;
    return n;
}

static int nth(const fake_http *f, const char *needle, int n)
{
    for (int i = 0; i < f->nlog; i++)
        if (strstr(f->urls[i], needle) && n-- == 0)
            return i;
    return -1;
}

const char *fake_body(const fake_http *f, const char *needle, int n)
{
    int i = nth(f, needle, n);
    return i < 0 ? NULL : f->bodies[i];
}

const char *fake_url(const fake_http *f, const char *needle, int n)
{
    int i = nth(f, needle, n);
    return i < 0 ? NULL : f->urls[i];
}
