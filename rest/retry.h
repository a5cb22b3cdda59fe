/*
 * retry.h — the retry policy, pure (no I/O, no clock): "is this outcome
 * worth another try?" and "how long to wait first?" are separate questions,
 * as in libcurl's own retry.
 *
 * Rules (docs/retry.md):
 *   - An idempotent request (every read, WIQL and workitemsbatch included)
 *     is retried after a status in the retry list (default 429, 502, 503,
 *     504), a lost or reset connection, a truncated answer, a timeout, or a
 *     refused connection.
 *   - A request that is not idempotent (creating a work item) is retried
 *     only when the service provably did not process it: 429, or a
 *     connection that was refused before anything was sent.
 *   - A response carrying X-VSS-HostOfflineError is never retried, and
 *     neither is anything once RetryCountMax retries were made.
 *   - The wait is Retry-After when the service sent one; otherwise 1 s,
 *     doubled per retry when RetryMultiplyWaitTime is on, capped at 60 s,
 *     with jitter (a uniform draw in [w/2, w]).  A wait that would take the
 *     total past RetryMaxWaitSeconds ends the retries instead.
 */
#ifndef AZDO_RETRY_H
#define AZDO_RETRY_H

#include "azdo_config.h"
#include "azdo_error.h"

typedef struct azdo_retry_policy {
    int count_max;
    int statuses[AZDO_MAX_RETRY_STATUSES];
    int n_statuses;
    int multiply;
    double max_wait_s; /* total budget */
    double base_s;     /* first backoff (1 s) */
    double cap_s;      /* backoff cap (60 s) */
} azdo_retry_policy;

/* The outcome of one try. */
typedef struct azdo_try_outcome {
    azdo_errkind transport; /* AZDO_OK when an HTTP response arrived */
    int unsent;             /* transport error before anything was sent (refused) */
    int status;             /* HTTP status when transport == AZDO_OK */
    int host_offline;       /* X-VSS-HostOfflineError present */
    double retry_after_s;   /* Retry-After, -1 when absent */
} azdo_try_outcome;

void azdo_retry_policy_from_config(const azdo_config *cfg, azdo_retry_policy *p);

/* Why the outcome is worth a retry ("HTTP 429", "connection reset", …), or
 * NULL when it is not.  retries_done: retries already made. */
const char *azdo_retry_reason(const azdo_retry_policy *p, int idempotent, const azdo_try_outcome *o,
                              int retries_done);

/* Seconds to wait before retry number `retry` (1-based); jitter01 in [0,1). */
double azdo_retry_wait(const azdo_retry_policy *p, int retry, double retry_after_s, double jitter01);

/* Seconds to pause before the next request, given the rate-limit headers of
 * the last answer (negative = absent): when X-RateLimit-Remaining falls to
 * 10% of X-RateLimit-Limit or below, pause up to 1 s — more the closer it
 * gets to 0 — so the service does not need to block us. */
double azdo_rate_pace(double remaining, double limit);

#endif
