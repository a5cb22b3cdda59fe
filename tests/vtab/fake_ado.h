/*
 * fake_ado.h — a tiny scripted Azure DevOps behind fake_transport, for the
 * vtab and transport tests: projects, a fixed field list, WIQL over ids
 * 1..n_items (the Id conditions the driver emits, State = 'Active', $top,
 * the 20,000 cap in both $top modes), workitemsbatch, an Entra-style token
 * endpoint, and knobs for every fault the transport must ride out.
 */
#ifndef AZDO_FAKE_ADO_H
#define AZDO_FAKE_ADO_H

#include "fake_transport.h"

typedef struct fake_ado {
    int n_items;        /* ids 1..n_items; id % 3 == 0 is Active */
    int strict;         /* VS402337 whenever more than 20,000 match, even with $top */
    int batch_fault;    /* 0 none, 1 malformed JSON, 2 link drop, 3 an extra item */
    int fault_after;    /* batch requests answered before the fault */
    int auth;           /* 0 ok, 401, 203 */
    int batches;        /* batch requests seen */
    int batch_drop_last; /* leave the last item out of every batch answer (no null in its place) */
    int deleted_id;      /* this id matches WIQL but is gone: left out of batches, 404 on GET */
    int single_gets;     /* GET workitems/{id} requests seen */

    /* transport faults on API requests (1-based count over API requests) */
    int api_requests;
    int every_429;            /* every Nth API request → 429 */
    double retry_after_429;   /* its Retry-After; < 0 = no header */
    int first_503;            /* the first N API requests after fault_start → 503 without Retry-After */
    int fault_start;          /* API requests answered normally before first_503 applies */
    int every_host_offline;   /* every Nth API request → 503 + X-VSS-HostOfflineError */
    int every_link_fault;     /* every Nth API request → connection reset (AZDO_ERR_LINK) */
    int refused_first;        /* the first N API requests → connection refused (unsent) */
    double ok_retry_after;    /* > 0: every 200 carries Retry-After */
    int ok_ratelimit_low;     /* every 200 carries X-RateLimit-Remaining: 0 / Limit: 200 */

    /* token endpoint (URL containing /oauth2/) */
    int token_requests;
    int token_fail;           /* answer token requests with 401 invalid_client */
    double token_expires_in;  /* default 3599 */
    int token_gen;            /* the valid token is "tok-<token_gen>" */
    int revoke_at;            /* at this API request, the current token stops being valid */
    char refresh_token[64];   /* the valid refresh token ("" = none yet; set by the test) */
    int rotations;
} fake_ado;

/* The fake_handler; ud = fake_ado*. */
azdo_errkind fake_ado_handle(fake_http *f, const azdo_http_request *req, azdo_http_response *resp,
                             azdo_error *err);

#endif
