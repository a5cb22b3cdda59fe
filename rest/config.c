/* config.c — azdo_config defaults and lifetime.  Secrets are zeroed before free. */
#include "azdo_config.h"
#include "secret.h"

#include <stdlib.h>
#include <string.h>

void azdo_config_defaults(azdo_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->timeout_s = 100;
    cfg->auth_scheme = AZDO_AUTH_PAT;
    cfg->retry_count_max = 5;
    static const int statuses[] = {429, 502, 503, 504};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        cfg->retry_statuses[cfg->n_retry_statuses++] = statuses[i];
    cfg->retry_multiply_wait = 1;
    cfg->retry_max_wait_s = 300;
    cfg->max_concurrency = 8;
}

void azdo_config_clear(azdo_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->base_url);
    free(cfg->project);
    free(cfg->api_version);
    azdo_secret_free(cfg->pat);
    azdo_secret_free(cfg->access_token);
    free(cfg->tenant_id);
    free(cfg->client_id);
    azdo_secret_free(cfg->client_secret);
    azdo_secret_free(cfg->refresh_token);
    free(cfg->redirect_uri);
    free(cfg->token_url);
    free(cfg->token_file);
    free(cfg->ca_file);
    free(cfg->proxy);
    free(cfg->trace_file);
    free(cfg->default_work_item_type);
    free(cfg->type_map);
    free(cfg->state_map);
    free(cfg->link_id_field);
    memset(cfg, 0, sizeof *cfg);
}

const char *azdo_auth_scheme_name(azdo_auth_scheme s)
{
    switch (s) {
    case AZDO_AUTH_PAT: return "PAT";
    case AZDO_AUTH_BEARER: return "Bearer";
    case AZDO_AUTH_ENTRA_CLIENT: return "EntraClientCredentials";
    case AZDO_AUTH_OAUTH_REFRESH: return "OAuthRefresh";
    }
    return "PAT";
}
