/*
 * azdo_config.h — everything rest/ and sql/ need to know about one connection.
 * driver/connstr.c fills it from the connection string and the DSN; nothing in
 * rest/ or sql/ parses connection strings.
 */
#ifndef AZDO_CONFIG_H
#define AZDO_CONFIG_H

typedef struct azdo_config {
    char *base_url;     /* organization or collection URL, no trailing '/', e.g.
                           "https://dev.azure.com/fabrikam" or "http://127.0.0.1:8080/fabrikam" */
    char *project;      /* default project; NULL or "" = the whole organization */
    char *pat;          /* personal access token: a secret, zeroed before free */
    char *api_version;  /* "7.1" unless ApiVersion says otherwise */
    long timeout_s;     /* per-request timeout in seconds; 0 = none */
} azdo_config;

/* Frees the strings (zeroing the PAT first) and resets the struct; NULL is a no-op. */
void azdo_config_clear(azdo_config *cfg);

#endif
