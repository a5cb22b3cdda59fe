/*
 * fake_transport.h — an azdo_transport for tests: a handler function answers
 * each request, and every request is recorded so tests can check the exact
 * URL and body and count round trips.
 */
#ifndef AZDO_FAKE_TRANSPORT_H
#define AZDO_FAKE_TRANSPORT_H

#include "rest/azdo_http.h"

#define FAKE_MAX_LOG 4096

typedef struct fake_http fake_http;
/* Return AZDO_OK after filling resp (fake_respond), or an error kind to
 * simulate a transport failure. */
typedef azdo_errkind (*fake_handler)(fake_http *f, const azdo_http_request *req, azdo_http_response *resp,
                                     azdo_error *err);

struct fake_http {
    azdo_transport base;
    fake_handler handler;
    void *ud;
    char *urls[FAKE_MAX_LOG];
    char *bodies[FAKE_MAX_LOG];
    int nlog;
};

/* The session destroys its transport; fake_http's destroy does nothing so the
 * test can still read the log.  Free it with fake_http_free. */
fake_http *fake_http_new(fake_handler h, void *ud);
void fake_http_free(fake_http *f);
void fake_respond(azdo_http_response *resp, int status, const char *content_type, const char *body);
/* Number of logged requests whose URL contains needle. */
int fake_count(const fake_http *f, const char *needle);
/* The body of the n-th (0-based) request whose URL contains needle, or NULL. */
const char *fake_body(const fake_http *f, const char *needle, int n);
const char *fake_url(const fake_http *f, const char *needle, int n);

#endif
