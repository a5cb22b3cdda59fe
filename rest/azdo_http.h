/*
 * azdo_http.h — the transport interface.  rest/ code talks HTTP only through
 * this, so tests pass a fake (tests/vtab/fake_transport.c) and the libcurl
 * implementation lives in rest/http_curl.c alone.
 */
#ifndef AZDO_HTTP_H
#define AZDO_HTTP_H

#include <stddef.h>
#include "azdo_error.h"

typedef struct azdo_http_request {
    const char *method;        /* "GET", "POST", "PATCH", "DELETE" */
    const char *url;           /* absolute URL, query string included; never holds a secret */
    const char *content_type;  /* NULL when there is no body */
    const char *body;          /* NULL or NUL-terminated; may hold secrets (token requests): never logged */
    const char *authorization; /* full header value ("Basic …", "Bearer …"); a secret, never logged */
    const int *cancel;         /* non-zero (set from another thread) aborts the transfer: AZDO_ERR_CANCELLED */
    double deadline;           /* monotonic seconds (clock.h); past it the transfer aborts with
                                  AZDO_ERR_TIMEOUT; 0 = none */
    int not_idempotent;        /* must never be sent twice (a create): the transport may not resend
                                  it on its own (libcurl silently re-sends a request whose reused
                                  keep-alive connection closed without an answer) */
} azdo_http_request;

typedef struct azdo_http_response {
    int status;                /* HTTP status */
    char *content_type;        /* malloc'd or NULL */
    char *continuation_token;  /* x-ms-continuationtoken header, malloc'd or NULL */
    char *service_error;       /* X-TFS-ServiceError header (URL-decoded), malloc'd or NULL */
    char *location;            /* Location header (redirects), malloc'd or NULL */
    double retry_after_s;      /* Retry-After in seconds, -1 when absent */
    int host_offline;          /* X-VSS-HostOfflineError present */
    double ratelimit_remaining; /* X-RateLimit-Remaining, -1 when absent */
    double ratelimit_limit;     /* X-RateLimit-Limit, -1 when absent */
    double ratelimit_delay;     /* X-RateLimit-Delay (seconds the service delayed us), -1 when absent */
    char *ratelimit_resource;   /* X-RateLimit-Resource, malloc'd or NULL */
    char *body;                /* malloc'd, NUL-terminated (may contain no JSON) */
    size_t body_len;
} azdo_http_response;

typedef struct azdo_transport azdo_transport;
struct azdo_transport {
    /* Sends one request.  Returns AZDO_OK with *resp filled for any HTTP status
     * (the caller judges the status), or an error kind with err set when no
     * complete response arrived (refused — err->unsent = 1 —, DNS, timeout,
     * reset, truncated body, cancelled). */
    azdo_errkind (*send)(azdo_transport *t, const azdo_http_request *req,
                         azdo_http_response *resp, azdo_error *err);
    void (*destroy)(azdo_transport *t);
    /* Optional (NULL: not supported): a new, independent transport with the
     * same options and its own connections, for another thread (pool.h).
     * NULL on failure. */
    azdo_transport *(*clone)(azdo_transport *t);
};

/* Clears the response and sets the "absent" markers (-1); safe on a zeroed one. */
void azdo_http_response_clear(azdo_http_response *r);

typedef struct azdo_transport_opts {
    long timeout_s;      /* per-request timeout (connect included); 0 = none */
    const char *ca_file; /* PEM bundle replacing the system CA store; NULL = system store */
    const char *proxy;   /* proxy URL; NULL = libcurl's default (the *_proxy environment variables) */
} azdo_transport_opts;

/* libcurl transport; NULL on allocation failure.  TLS peer and host
 * verification are always on. */
azdo_transport *azdo_curl_transport_new(const azdo_transport_opts *opts);

#endif
