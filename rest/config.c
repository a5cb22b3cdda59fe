/* config.c — azdo_config lifetime.  The PAT is a secret: zero it before free. */
#include "azdo_config.h"
#include "secret.h"

#include <stdlib.h>
#include <string.h>

void azdo_config_clear(azdo_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->base_url);
    free(cfg->project);
    azdo_secret_free(cfg->pat);
    free(cfg->api_version);
    memset(cfg, 0, sizeof *cfg);
}
