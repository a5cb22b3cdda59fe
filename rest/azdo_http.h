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
    const char *url;           /* absolute URL, query string included */
    const char *content_type;  /* NULL when there is no body */
    const char *body;          /* NULL or NUL-terminated */
    const char *authorization; /* full header value ("Basic …"); a secret, never logged */
} azdo_http_request;

typedef struct azdo_http_response {
    int status;                /* HTTP status */
    char *content_type;        /* malloc'd or NULL */
    char *continuation_token;  /* x-ms-continuationtoken header, malloc'd or NULL */
    char *service_error;       /* X-TFS-ServiceError header (URL-decoded), malloc'd or NULL */
    char *location;            /* Location header (redirects), malloc'd or NULL */
    double retry_after_s;      /* Retry-After in seconds, -1 when absent */
    char *body;                /* malloc'd, NUL-terminated (may contain no JSON) */
    size_t body_len;
} azdo_http_response;

typedef struct azdo_transport azdo_transport;
struct azdo_transport {
    /* Sends one request.  Returns AZDO_OK with *resp filled for any HTTP status
     * (the caller judges the status), or an error kind with err set when no
     * complete response arrived (refused, DNS, timeout, reset, truncated body). */
    azdo_errkind (*send)(azdo_transport *t, const azdo_http_request *req,
                         azdo_http_response *resp, azdo_error *err);
    void (*destroy)(azdo_transport *t);
    long timeout_s;
};

void azdo_http_response_clear(azdo_http_response *r);

/* libcurl transport; NULL on allocation failure. */
azdo_transport *azdo_curl_transport_new(long timeout_s);

#endif
