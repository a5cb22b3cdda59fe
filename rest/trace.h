/*
 * trace.h — TraceFile: one line per HTTP request, for people running the
 * driver unattended.  Lines carry the method, the URL (which never holds a
 * secret: credentials travel in headers and form bodies, which are never
 * traced), the status, milliseconds, bytes, the try number, why a retry or
 * a wait happened, and the throttling headers seen.
 *
 *   2026-11-22T01:02:03.456Z POST https://dev.azure.com/fabrikam/P/_apis/wit/wiql?api-version=7.1 status=429 ms=12 bytes=310 try=1 retry-after=1 ratelimit-remaining=0 next="wait 1.000 s: HTTP 429 (throttled)"
 */
#ifndef AZDO_TRACE_H
#define AZDO_TRACE_H

#include <stddef.h>

#include "azdo_error.h"
#include "azdo_http.h"

typedef struct azdo_trace azdo_trace;

/* Opens (appends to) path; NULL path or level 0 gives NULL, which every
 * function below accepts as "tracing off".  Fails with AZDO_ERR_CONFIG when
 * the file cannot be opened. */
azdo_errkind azdo_trace_open(const char *path, int level, azdo_trace **out, azdo_error *err);
void azdo_trace_close(azdo_trace *t);

/* One request.  resp is NULL when the transport failed (error_text then says
 * why); next says what happens after it ("wait 1.000 s: HTTP 429", …) or NULL. */
void azdo_trace_request(azdo_trace *t, const char *method, const char *url, const azdo_http_response *resp,
                        const char *error_text, double ms, int attempt, const char *next);
/* A free-form line (token refreshed, pacing…). */
void azdo_trace_note(azdo_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
