/* http.c — transport-independent pieces of azdo_http.h. */
#include "azdo_http.h"

#include <stdlib.h>
#include <string.h>

void azdo_http_response_clear(azdo_http_response *r)
{
    if (!r)
        return;
    free(r->content_type);
    free(r->continuation_token);
    free(r->service_error);
    free(r->location);
    free(r->ratelimit_resource);
    free(r->body);
    memset(r, 0, sizeof *r);
    r->retry_after_s = -1;
    r->ratelimit_remaining = -1;
    r->ratelimit_limit = -1;
    r->ratelimit_delay = -1;
}
