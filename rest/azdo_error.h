/*
 * azdo_error.h — one error value shared by rest/, sql/ and driver/.
 *
 * rest/ and sql/ classify what went wrong (kind); driver/diag.c owns the one
 * table that turns a kind into an SQLSTATE.  The message keeps Azure DevOps'
 * own text (e.g. "TF401320: Rule Error for field …") so users see what the
 * service said, plus what to do about it.  Never put a secret in a message.
 */
#ifndef AZDO_ERROR_H
#define AZDO_ERROR_H

#include <stdarg.h>

typedef enum azdo_errkind {
    AZDO_OK = 0,
    AZDO_ERR_AUTH,         /* 401, 203 HTML sign-in page, 302 to sign-in  -> 28000 */
    AZDO_ERR_CONNECT,      /* DNS, refused, TLS, unknown organization       -> 08001 */
    AZDO_ERR_LINK,         /* connection lost mid-request                   -> 08S01 */
    AZDO_ERR_TIMEOUT,      /* request or login timeout                      -> HYT00 */
    AZDO_ERR_NOT_FOUND,    /* 404 on a resource (project, work item)        -> 42S02/HY000 by context */
    AZDO_ERR_QUERY,        /* service rejected the WIQL/request (400)       -> 42000 */
    AZDO_ERR_PROTOCOL,     /* malformed, truncated or unexpected response   -> 08S01 */
    AZDO_ERR_PERMISSION,   /* 403                                           -> 42000 */
    AZDO_ERR_CONFLICT,     /* revision conflict (412/409)                   -> 40001 */
    AZDO_ERR_RULE,         /* rule violation on write                       -> 23000 */
    AZDO_ERR_THROTTLED,    /* 429 that could not be ridden out              -> HY000 */
    AZDO_ERR_CANCELLED,    /* SQLCancel                                     -> HY008 */
    AZDO_ERR_CONFIG,       /* bad connection string / DSN value             -> HY000 (connect: 08001) */
    AZDO_ERR_NOMEM,        /* out of memory                                 -> HY001 */
    AZDO_ERR_SERVER,       /* other 5xx                                     -> HY000 */
    AZDO_ERR_INTERNAL      /* a bug                                         -> HY000 */
} azdo_errkind;

#define AZDO_ERRMSG_MAX 1024

typedef struct azdo_error {
    azdo_errkind kind;
    int http_status;          /* 0 when no HTTP response was involved */
    int unsent;               /* transport errors: the request provably never reached the service */
    char type_key[96];        /* Azure DevOps typeKey, e.g. "WorkItemTrackingQueryResultSizeLimitExceededException" */
    char message[AZDO_ERRMSG_MAX];
} azdo_error;

void azdo_error_clear(azdo_error *e);
/* Sets kind and a printf-formatted message; returns kind so callers can `return azdo_error_set(...)`. */
azdo_errkind azdo_error_set(azdo_error *e, azdo_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
azdo_errkind azdo_error_vset(azdo_error *e, azdo_errkind kind, const char *fmt, va_list ap);
/* Short English name of a kind, for tests and traces. */
const char *azdo_errkind_name(azdo_errkind kind);

#endif
