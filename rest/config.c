/* config.c — azdo_config lifetime.  The PAT is a secret: zero it before free. */
#include "azdo_config.h"

#include <stdlib.h>
#include <string.h>

static void free_secret(char *s)
{
    if (!s)
        return;
    /* volatile so the compiler cannot drop the wipe of memory about to be freed */
    volatile char *p = s;
    while (*p)
        *p++ = '\0';
    free(s);
}

void azdo_config_clear(azdo_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->base_url);
    free(cfg->project);
    free_secret(cfg->pat);
    free(cfg->api_version);
    memset(cfg, 0, sizeof *cfg);
}
