/*
 * auth.h — the Authorization header for each AuthScheme.
 *
 *   PAT                     Basic base64(":" PAT)
 *   Bearer                  Bearer <AccessToken>, as given (it cannot be renewed)
 *   EntraClientCredentials  Bearer <token> from {TokenUrl | https://login.microsoftonline.com/
 *                           {TenantId}/oauth2/v2.0/token}, grant client_credentials, scope
 *                           499b84ac-1321-427f-aa17-267ca6975798/.default
 *   OAuthRefresh            Bearer <token> from a refresh-token grant: Entra's v2 form when the
 *                           token URL ends in /oauth2/v2.0/token (the default when TenantId is
 *                           set), else the legacy Azure DevOps form (jwt-bearer assertion,
 *                           default https://app.vssps.visualstudio.com/oauth2/token).  A rotated
 *                           refresh token is written to TokenFile (mode 0600), and a TokenFile
 *                           that exists is read first, so the next connection uses the newest.
 *
 * A fetched token is reused until shortly before it expires and fetched
 * again once after a 401.  Every secret is copied, zeroed before free, and
 * never placed in a message or a trace.
 */
#ifndef AZDO_AUTH_H
#define AZDO_AUTH_H

#include "azdo_config.h"
#include "azdo_error.h"
#include "azdo_http.h"
#include "clock.h"
#include "trace.h"

typedef struct azdo_auth azdo_auth;

/* What a token request needs from the connection. */
typedef struct azdo_auth_io {
    azdo_transport *transport;
    azdo_clock *clock;
    azdo_trace *trace;
    const int *cancel;
    double deadline;
} azdo_auth_io;

/* Checks the scheme's keys and TokenFile; AZDO_ERR_AUTH or AZDO_ERR_CONFIG
 * with a message naming the key when something is missing or unusable. */
azdo_errkind azdo_auth_new(const azdo_config *cfg, azdo_auth **out, azdo_error *err);
void azdo_auth_free(azdo_auth *a);

/* The header value to send now (valid until the next call), fetching a token
 * first when the scheme needs one and there is none or it is about to expire. */
azdo_errkind azdo_auth_header(azdo_auth *a, const azdo_auth_io *io, const char **out, azdo_error *err);

/* After a 401: drops the token; 1 when the scheme can fetch a new one (so the
 * request is worth one more try), 0 otherwise. */
int azdo_auth_invalidate(azdo_auth *a);

/* What the user should check when the service rejects these credentials. */
const char *azdo_auth_hint(const azdo_auth *a);

/* Pure helpers, exposed for tests. */
/* "Basic " + base64(":" + pat); malloc'd (a secret), NULL on OOM. */
char *azdo_auth_basic_header(const char *pat);
/* Parses a token endpoint answer: access token (malloc'd, secret), lifetime
 * in seconds (number or numeric string; 3600 when absent) and an optional new
 * refresh token (malloc'd or NULL).  AZDO_ERR_PROTOCOL when there is no
 * access token. */
azdo_errkind azdo_auth_parse_token(const char *body, size_t len, char **access, double *expires_in,
                                   char **refresh, azdo_error *err);

#endif
