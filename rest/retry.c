/* retry.c — see retry.h for the rules. */
#include "retry.h"

#include <stddef.h>

void azdo_retry_policy_from_config(const azdo_config *cfg, azdo_retry_policy *p)
{
    p->count_max = cfg->retry_count_max < 0 ? 0 : cfg->retry_count_max;
    p->n_statuses = 0;
    for (int i = 0; i < cfg->n_retry_statuses && i < AZDO_MAX_RETRY_STATUSES; i++)
        p->statuses[p->n_statuses++] = cfg->retry_statuses[i];
    p->multiply = cfg->retry_multiply_wait != 0;
    p->max_wait_s = cfg->retry_max_wait_s < 0 ? 0 : (double)cfg->retry_max_wait_s;
    p->base_s = 1.0;
    p->cap_s = 60.0;
}

static int in_list(const azdo_retry_policy *p, int status)
{
    for (int i = 0; i < p->n_statuses; i++)
        if (p->statuses[i] == status)
            return 1;
    return 0;
}

const char *azdo_retry_reason(const azdo_retry_policy *p, int idempotent, const azdo_try_outcome *o,
                              int retries_done)
{
    if (retries_done >= p->count_max)
        return NULL;
    if (o->transport != AZDO_OK) {
        if (o->transport == AZDO_ERR_CONNECT && o->unsent)
            return "connection refused"; /* nothing reached the service: safe even for a create */
        if (!idempotent)
            return NULL; /* the service may have processed it: never resend blindly */
        switch (o->transport) {
        case AZDO_ERR_LINK: return "connection lost or answer truncated";
        case AZDO_ERR_TIMEOUT: return "request timed out";
        default: return NULL; /* DNS, TLS, cancel, out of memory: another try will not help */
        }
    }
    if (o->host_offline)
        return NULL;
    if (!in_list(p, o->status))
        return NULL;
    if (!idempotent && o->status != 429)
        return NULL; /* only a 429 proves the service refused the create */
    switch (o->status) {
    case 429: return "HTTP 429 (throttled)";
    case 502: return "HTTP 502";
    case 503: return "HTTP 503";
    case 504: return "HTTP 504";
    default: return "HTTP status in RetryStatusCodeList";
    }
}

double azdo_retry_wait(const azdo_retry_policy *p, int retry, double retry_after_s, double jitter01)
{
    if (retry_after_s >= 0)
        return retry_after_s; /* the service said how long: honour it exactly */
    double w = p->base_s;
    if (p->multiply)
        for (int i = 1; i < retry && w < p->cap_s; i++)
            w *= 2;
    if (w > p->cap_s)
        w = p->cap_s;
    if (jitter01 < 0)
        jitter01 = 0;
    if (jitter01 >= 1)
        jitter01 = 0.999999;
    return w / 2 + w / 2 * jitter01;
}

double azdo_rate_pace(double remaining, double limit)
{
    if (remaining < 0 || limit <= 0)
        return 0;
    double threshold = limit * 0.1;
    if (remaining > threshold)
        return 0;
    return 1.0 - remaining / threshold;
}
