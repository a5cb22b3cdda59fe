/* error.c — azdo_error helpers. */
#include "azdo_error.h"

#include <stdio.h>
#include <string.h>

void azdo_error_clear(azdo_error *e)
{
    if (!e)
        return;
    e->kind = AZDO_OK;
    e->http_status = 0;
    e->unsent = 0;
    e->type_key[0] = '\0';
    e->message[0] = '\0';
}

azdo_errkind azdo_error_vset(azdo_error *e, azdo_errkind kind, const char *fmt, va_list ap)
{
    if (!e)
        return kind;
    e->kind = kind;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    return kind;
}

azdo_errkind azdo_error_set(azdo_error *e, azdo_errkind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    azdo_error_vset(e, kind, fmt, ap);
    va_end(ap);
    return kind;
}

const char *azdo_errkind_name(azdo_errkind kind)
{
    static const char *const names[] = {
        "ok", "auth", "connect", "link", "timeout", "not_found", "query", "protocol",
        "permission", "conflict", "rule", "throttled", "cancelled", "config", "nomem",
        "server", "internal",
    };
    if ((unsigned)kind < sizeof names / sizeof names[0])
        return names[kind];
    return "unknown";
}
