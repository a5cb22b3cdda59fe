/*
 * azdo_config.h — everything rest/ and sql/ need to know about one connection.
 * driver/connstr.c fills it from the connection string and the DSN; nothing in
 * rest/ or sql/ parses connection strings.  Fields marked SECRET are zeroed
 * before they are freed and never written to a message or a trace.
 */
#ifndef AZDO_CONFIG_H
#define AZDO_CONFIG_H

typedef enum azdo_auth_scheme {
    AZDO_AUTH_PAT = 0,          /* HTTP Basic, empty user name, the PAT as password */
    AZDO_AUTH_BEARER,           /* a ready access token (AccessToken) */
    AZDO_AUTH_ENTRA_CLIENT,     /* Entra service principal: client credentials grant */
    AZDO_AUTH_OAUTH_REFRESH     /* refresh-token grant (Entra v2 or legacy Azure DevOps OAuth) */
} azdo_auth_scheme;

#define AZDO_MAX_RETRY_STATUSES 16

typedef struct azdo_config {
    char *base_url;     /* organization or collection URL, no trailing '/', e.g.
                           "https://dev.azure.com/fabrikam" or "http://127.0.0.1:8080/fabrikam" */
    char *project;      /* default project; NULL or "" = the whole organization */
    char *api_version;  /* "7.1" unless ApiVersion says otherwise */
    long timeout_s;     /* per-request timeout in seconds; 0 = none (Timeout) */
    long login_timeout_s; /* whole connect, all requests included; 0 = none (SQL_ATTR_LOGIN_TIMEOUT) */

    /* authentication (AuthScheme and its keys) */
    azdo_auth_scheme auth_scheme;
    char *pat;           /* SECRET: PWD / PAT */
    char *access_token;  /* SECRET: AccessToken (Bearer) */
    char *tenant_id;     /* TenantId (Entra) */
    char *client_id;     /* ClientId */
    char *client_secret; /* SECRET: ClientSecret (Entra secret, or the legacy OAuth app secret) */
    char *refresh_token; /* SECRET: RefreshToken */
    char *redirect_uri;  /* RedirectUri (legacy OAuth refresh) */
    char *token_url;     /* TokenUrl: overrides the token endpoint */
    char *token_file;    /* TokenFile: where a rotated refresh token is kept (mode 0600) */

    /* retry (Retry* keys) */
    int retry_count_max;       /* RetryCountMax, default 5; 0 = never retry */
    int retry_statuses[AZDO_MAX_RETRY_STATUSES]; /* RetryStatusCodeList, default 429,502,503,504 */
    int n_retry_statuses;
    int retry_multiply_wait;   /* RetryMultiplyWaitTime, default 1: waits double between tries */
    long retry_max_wait_s;     /* RetryMaxWaitSeconds: total waiting budget per request, default 300 */

    /* network */
    char *ca_file;      /* CAFile: PEM bundle for a private CA (added to nothing: replaces the system store) */
    char *proxy;        /* Proxy: proxy URL; the standard *_proxy environment variables apply otherwise */

    /* writing work items */
    char *default_work_item_type; /* DefaultWorkItemType: for an INSERT row without WorkItemType */
    int delete_destroy;           /* DeleteMode=Destroy: delete permanently instead of the recycle bin */
    int validate_only;            /* ValidateOnly: the service checks writes but saves nothing */
    int bypass_rules;             /* BypassRules: writes skip work item rules (needs the permission) */
    int suppress_notifications;   /* SuppressNotifications: no e-mails for writes */
    int max_concurrency;          /* MaxConcurrency: requests in flight for bulk work, default 8 (1..64) */

    /* the Tasks view (sql/tasks.c checks these at connect) */
    char *type_map;      /* TypeMap: "TaskType=Work Item Type;…" */
    char *state_map;     /* StateMap: "TaskState=State;…" */
    char *link_id_field; /* LinkIdField: the field (column or reference name) holding another system's id */

    /* tracing */
    char *trace_file;   /* TraceFile: one line per HTTP request is appended here */
    int trace_level;    /* TraceLevel: 0 off (default when no file), 1 requests, 2 + response headers of interest */
} azdo_config;

/* Fills the defaults above (strings NULL).  Call before setting fields. */
void azdo_config_defaults(azdo_config *cfg);

/* Frees the strings (zeroing the secrets first) and resets the struct; NULL is a no-op. */
void azdo_config_clear(azdo_config *cfg);

/* "PAT", "Bearer", "EntraClientCredentials", "OAuthRefresh" */
const char *azdo_auth_scheme_name(azdo_auth_scheme s);

#endif
