/* auth.c — see auth.h for the schemes. */
#include "auth.h"
#include "cnum.h"
#include "secret.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define AZDO_RESOURCE_SCOPE "499b84ac-1321-427f-aa17-267ca6975798/.default"
#define LEGACY_TOKEN_URL "https://app.vssps.visualstudio.com/oauth2/token"

struct azdo_auth {
    azdo_auth_scheme scheme;
    char *header;        /* SECRET: the current Authorization value */
    double expires_at;   /* wall seconds; 0 = no expiry known (PAT, Bearer) */
    char *token_url;
    int entra_form;      /* refresh grant in Entra's form (else legacy Azure DevOps) */
    char *client_id;
    char *client_secret; /* SECRET */
    char *refresh_token; /* SECRET */
    char *redirect_uri;
    char *token_file;
};

static char *dup_opt(const char *s) { return s && *s ? strdup(s) : NULL; }

char *azdo_auth_basic_header(const char *pat)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t plen = strlen(pat) + 1; /* ":" + PAT: the user name is empty */
    char *raw = malloc(plen + 1);
    size_t outlen = 6 + 4 * ((plen + 2) / 3) + 1;
    char *out = malloc(outlen);
    if (!raw || !out) {
        free(raw);
        free(out);
        return NULL;
    }
    raw[0] = ':';
    memcpy(raw + 1, pat, plen);
    char *o = out;
    memcpy(o, "Basic ", 6);
    o += 6;
    const unsigned char *in = (const unsigned char *)raw;
    size_t i = 0;
    for (; i + 2 < plen; i += 3) {
        *o++ = tbl[in[i] >> 2];
        *o++ = tbl[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = tbl[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *o++ = tbl[in[i + 2] & 63];
    }
    if (i < plen) {
        *o++ = tbl[in[i] >> 2];
        if (i + 1 < plen) {
            *o++ = tbl[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
            *o++ = tbl[(in[i + 1] & 15) << 2];
        } else {
            *o++ = tbl[(in[i] & 3) << 4];
            *o++ = '=';
        }
        *o++ = '=';
    }
    *o = '\0';
    azdo_secret_free(raw);
    return out;
}

static char *bearer(const char *token)
{
    size_t n = strlen(token) + 8;
    char *h = malloc(n);
    if (h)
        snprintf(h, n, "Bearer %s", token);
    return h;
}

/* Reads the first line of the TokenFile; *out NULL when the file does not exist. */
static azdo_errkind read_token_file(const char *path, char **out, azdo_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return AZDO_OK;
        return azdo_error_set(err, AZDO_ERR_CONFIG, "Cannot read TokenFile '%s': %s", path, strerror(errno));
    }
    strbuf b;
    strbuf_init(&b);
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n' && c != '\r')
        strbuf_append_char(&b, (char)c);
    fclose(f);
    char *s = strbuf_steal(&b);
    if (!s)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    if (!*s) {
        free(s);
        return AZDO_OK;
    }
    *out = s;
    return AZDO_OK;
}

/* Replaces the TokenFile atomically (a temporary file in the same folder,
 * created 0600, then renamed over it). */
static azdo_errkind write_token_file(const char *path, const char *token, azdo_error *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    azdo_errkind rc = AZDO_OK;
    if (fd < 0) {
        rc = azdo_error_set(err, AZDO_ERR_CONFIG, "Cannot write TokenFile '%s': %s", path, strerror(errno));
        goto done;
    }
    size_t len = strlen(token);
    ssize_t w = write(fd, token, len);
    int ok = w == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        rc = azdo_error_set(err, AZDO_ERR_CONFIG, "Cannot write TokenFile '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    return rc;
}

static int writable_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return 0;
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash == copy)
        dir = "/";
    else if (slash) {
        *slash = '\0';
        dir = copy;
    }
    int ok = access(dir, W_OK) == 0;
    free(copy);
    return ok;
}

void azdo_auth_free(azdo_auth *a)
{
    if (!a)
        return;
    azdo_secret_free(a->header);
    free(a->token_url);
    free(a->client_id);
    azdo_secret_free(a->client_secret);
    azdo_secret_free(a->refresh_token);
    free(a->redirect_uri);
    free(a->token_file);
    free(a);
}

azdo_errkind azdo_auth_new(const azdo_config *cfg, azdo_auth **out, azdo_error *err)
{
    *out = NULL;
    azdo_auth *a = calloc(1, sizeof *a);
    if (!a)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    a->scheme = cfg->auth_scheme;
    azdo_errkind rc = AZDO_OK;
    switch (a->scheme) {
    case AZDO_AUTH_PAT:
        if (!cfg->pat || !*cfg->pat) {
            rc = azdo_error_set(err, AZDO_ERR_AUTH, "No personal access token: set PWD (AuthScheme=PAT)");
            goto fail;
        }
        a->header = azdo_auth_basic_header(cfg->pat);
        break;
    case AZDO_AUTH_BEARER:
        if (!cfg->access_token || !*cfg->access_token) {
            rc = azdo_error_set(err, AZDO_ERR_AUTH, "No access token: set AccessToken (AuthScheme=Bearer)");
            goto fail;
        }
        a->header = bearer(cfg->access_token);
        break;
    case AZDO_AUTH_ENTRA_CLIENT:
    case AZDO_AUTH_OAUTH_REFRESH: {
        int entra_cc = a->scheme == AZDO_AUTH_ENTRA_CLIENT;
        const char *scheme = azdo_auth_scheme_name(a->scheme);
        if (!cfg->client_id || !*cfg->client_id) {
            rc = azdo_error_set(err, AZDO_ERR_AUTH, "ClientId is required with AuthScheme=%s", scheme);
            goto fail;
        }
        if (entra_cc && (!cfg->client_secret || !*cfg->client_secret)) {
            rc = azdo_error_set(err, AZDO_ERR_AUTH, "ClientSecret is required with AuthScheme=%s", scheme);
            goto fail;
        }
        if (cfg->token_url && *cfg->token_url) {
            a->token_url = strdup(cfg->token_url);
        } else if (cfg->tenant_id && *cfg->tenant_id) {
            size_t n = strlen(cfg->tenant_id) + 64;
            a->token_url = malloc(n);
            if (a->token_url)
                snprintf(a->token_url, n, "https://login.microsoftonline.com/%s/oauth2/v2.0/token", cfg->tenant_id);
        } else if (entra_cc) {
            rc = azdo_error_set(err, AZDO_ERR_AUTH, "TenantId (or TokenUrl) is required with AuthScheme=%s",
                                scheme);
            goto fail;
        } else {
            a->token_url = strdup(LEGACY_TOKEN_URL);
        }
        if (!a->token_url) {
            rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
            goto fail;
        }
        a->entra_form = strstr(a->token_url, "/oauth2/v2.0/token") != NULL;
        a->client_id = strdup(cfg->client_id);
        a->client_secret = dup_opt(cfg->client_secret);
        a->redirect_uri = dup_opt(cfg->redirect_uri);
        a->token_file = dup_opt(cfg->token_file);
        if (!entra_cc) {
            if (a->token_file) {
                if ((rc = read_token_file(a->token_file, &a->refresh_token, err)) != AZDO_OK)
                    goto fail;
                if (!writable_dir_of(a->token_file)) {
                    rc = azdo_error_set(err, AZDO_ERR_CONFIG,
                                        "The folder of TokenFile '%s' is not writable: a rotated refresh token "
                                        "could not be saved",
                                        a->token_file);
                    goto fail;
                }
            }
            if (!a->refresh_token)
                a->refresh_token = dup_opt(cfg->refresh_token); /* the TokenFile's is newer */
            if (!a->refresh_token) {
                rc = azdo_error_set(err, AZDO_ERR_AUTH,
                                    "No refresh token: set RefreshToken, or TokenFile to a file holding one "
                                    "(AuthScheme=%s)",
                                    scheme);
                goto fail;
            }
            if (!a->entra_form && !a->client_secret) {
                rc = azdo_error_set(err, AZDO_ERR_AUTH,
                                    "ClientSecret (the app secret) is required for the Azure DevOps OAuth refresh "
                                    "at %s",
                                    a->token_url);
                goto fail;
            }
        }
        if (!a->client_id) {
            rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
            goto fail;
        }
        break;
    }
    }
    if ((a->scheme == AZDO_AUTH_PAT || a->scheme == AZDO_AUTH_BEARER) && !a->header) {
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
        goto fail;
    }
    *out = a;
    return AZDO_OK;
fail:
    azdo_auth_free(a);
    return rc;
}

static void form_pair(strbuf *b, const char *k, const char *v)
{
    if (b->len)
        strbuf_append_char(b, '&');
    strbuf_append(b, k);
    strbuf_append_char(b, '=');
    strbuf_append_urlenc(b, v);
}

azdo_errkind azdo_auth_parse_token(const char *body, size_t len, char **access, double *expires_in,
                                   char **refresh, azdo_error *err)
{
    *access = NULL;
    *refresh = NULL;
    *expires_in = 3600;
    cJSON *j = cJSON_ParseWithLength(body, len);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    if (!cJSON_IsString(at) || !*at->valuestring) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The token endpoint's answer holds no access_token");
    }
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
    if (cJSON_IsNumber(ex) && ex->valuedouble > 0)
        *expires_in = ex->valuedouble;
    else if (cJSON_IsString(ex) && azdo_strtod_c(ex->valuestring, NULL) > 0)
        *expires_in = azdo_strtod_c(ex->valuestring, NULL); /* the legacy service sends a string */
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(j, "refresh_token");
    int has_refresh = cJSON_IsString(rt) && *rt->valuestring;
    *access = strdup(at->valuestring);
    if (has_refresh)
        *refresh = strdup(rt->valuestring);
    /* wipe the parsed copies of the secrets before freeing the tree */
    memset(at->valuestring, 0, strlen(at->valuestring));
    if (cJSON_IsString(rt))
        memset(rt->valuestring, 0, strlen(rt->valuestring));
    cJSON_Delete(j);
    if (!*access || (has_refresh && !*refresh)) {
        azdo_secret_free(*access);
        *access = NULL;
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    return AZDO_OK;
}

/* "error: error_description" from a failed token answer, first line only. */
static void token_error_text(const azdo_http_response *r, char *out, size_t n)
{
    snprintf(out, n, "HTTP %d", r->status);
    cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "error_description");
    if (!cJSON_IsString(d))
        d = cJSON_GetObjectItemCaseSensitive(j, "ErrorDescription");
    if (cJSON_IsString(e) || cJSON_IsString(d)) {
        snprintf(out, n, "HTTP %d: %s%s%s", r->status, cJSON_IsString(e) ? e->valuestring : "",
                 cJSON_IsString(e) && cJSON_IsString(d) ? ": " : "", cJSON_IsString(d) ? d->valuestring : "");
        char *nl = strpbrk(out, "\r\n");
        if (nl)
            *nl = '\0';
    }
    cJSON_Delete(j);
}

static azdo_errkind fetch_token(azdo_auth *a, const azdo_auth_io *io, azdo_error *err)
{
    strbuf form;
    strbuf_init(&form);
    if (a->scheme == AZDO_AUTH_ENTRA_CLIENT) {
        form_pair(&form, "client_id", a->client_id);
        form_pair(&form, "client_secret", a->client_secret);
        form_pair(&form, "scope", AZDO_RESOURCE_SCOPE);
        form_pair(&form, "grant_type", "client_credentials");
    } else if (a->entra_form) {
        form_pair(&form, "client_id", a->client_id);
        if (a->client_secret)
            form_pair(&form, "client_secret", a->client_secret);
        form_pair(&form, "grant_type", "refresh_token");
        form_pair(&form, "refresh_token", a->refresh_token);
        form_pair(&form, "scope", AZDO_RESOURCE_SCOPE " offline_access");
        if (a->redirect_uri)
            form_pair(&form, "redirect_uri", a->redirect_uri);
    } else {
        form_pair(&form, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form_pair(&form, "client_assertion", a->client_secret);
        form_pair(&form, "grant_type", "refresh_token");
        form_pair(&form, "assertion", a->refresh_token);
        form_pair(&form, "redirect_uri", a->redirect_uri ? a->redirect_uri : "");
    }
    char *body = strbuf_steal(&form);
    if (!body)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    azdo_http_request req = {
        .method = "POST",
        .url = a->token_url,
        .content_type = "application/x-www-form-urlencoded",
        .body = body,
        .cancel = io->cancel,
        .deadline = io->deadline,
    };
    azdo_http_response resp = {0};
    double t0 = io->clock->monotonic(io->clock);
    azdo_errkind rc = io->transport->send(io->transport, &req, &resp, err);
    double ms = (io->clock->monotonic(io->clock) - t0) * 1000;
    azdo_secret_free(body);
    if (rc != AZDO_OK) {
        azdo_trace_request(io->trace, "POST", a->token_url, NULL, err->message, ms, 1, NULL);
        return rc;
    }
    azdo_trace_request(io->trace, "POST", a->token_url, &resp, NULL, ms, 1, NULL);
    if (resp.status < 200 || resp.status >= 300) {
        char why[600];
        token_error_text(&resp, why, sizeof why);
        rc = azdo_error_set(err, AZDO_ERR_AUTH,
                            "The token request to %s was refused (%s): check ClientId, ClientSecret, %s",
                            a->token_url, why,
                            a->scheme == AZDO_AUTH_ENTRA_CLIENT ? "TenantId and that the secret has not expired"
                                                                : "and that the refresh token is still valid "
                                                                  "(a rotated one is kept in TokenFile)");
        err->http_status = resp.status;
        azdo_http_response_clear(&resp);
        return rc;
    }
    char *access, *refresh;
    double expires_in;
    rc = azdo_auth_parse_token(resp.body, resp.body_len, &access, &expires_in, &refresh, err);
    if (resp.body)
        memset(resp.body, 0, resp.body_len);
    azdo_http_response_clear(&resp);
    if (rc != AZDO_OK)
        return rc;
    azdo_secret_free(a->header);
    a->header = bearer(access);
    azdo_secret_free(access);
    if (!a->header) {
        azdo_secret_free(refresh);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    /* renew shortly before expiry: a quarter of the lifetime, at most 5 minutes early */
    double skew = expires_in / 4 < 300 ? expires_in / 4 : 300;
    a->expires_at = io->clock->wall(io->clock) + expires_in - skew;
    if (refresh && a->refresh_token && strcmp(refresh, a->refresh_token) != 0) {
        azdo_secret_free(a->refresh_token);
        a->refresh_token = refresh;
        refresh = NULL;
        if (a->token_file) {
            rc = write_token_file(a->token_file, a->refresh_token, err);
            azdo_trace_note(io->trace, "refresh token rotated; %s TokenFile", rc == AZDO_OK ? "saved to" : "FAILED to save to");
        } else {
            azdo_trace_note(io->trace, "refresh token rotated; no TokenFile set, the new one lives only in this connection");
        }
    }
    azdo_secret_free(refresh);
    azdo_trace_note(io->trace, "access token obtained from %s, valid for %.0f s", a->token_url, expires_in);
    return rc;
}

azdo_errkind azdo_auth_header(azdo_auth *a, const azdo_auth_io *io, const char **out, azdo_error *err)
{
    *out = NULL;
    if (a->scheme == AZDO_AUTH_ENTRA_CLIENT || a->scheme == AZDO_AUTH_OAUTH_REFRESH) {
        if (!a->header || io->clock->wall(io->clock) >= a->expires_at) {
            azdo_errkind rc = fetch_token(a, io, err);
            if (rc != AZDO_OK)
                return rc;
        }
    }
    *out = a->header;
    return AZDO_OK;
}

int azdo_auth_invalidate(azdo_auth *a)
{
    if (a->scheme != AZDO_AUTH_ENTRA_CLIENT && a->scheme != AZDO_AUTH_OAUTH_REFRESH)
        return 0;
    azdo_secret_free(a->header);
    a->header = NULL;
    a->expires_at = 0;
    return 1;
}

const char *azdo_auth_hint(const azdo_auth *a)
{
    switch (a->scheme) {
    case AZDO_AUTH_PAT:
        return "Check that the personal access token in PWD is valid, not expired, and has the Work Items (Read) "
               "scope";
    case AZDO_AUTH_BEARER:
        return "Check that the access token in AccessToken has not expired and was issued for Azure DevOps; if it "
               "is valid, the organization may block OAuth: enable 'Third-party application access via OAuth' in "
               "Organization settings > Policies";
    case AZDO_AUTH_ENTRA_CLIENT:
        return "Check that the service principal has been added to the organization (Organization settings > "
               "Users) with access to the project";
    case AZDO_AUTH_OAUTH_REFRESH:
        return "Check that the app still has consent and that the organization allows 'Third-party application "
               "access via OAuth' (Organization settings > Policies)";
    }
    return "";
}
