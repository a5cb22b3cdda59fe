/* client.c — see client.h. */
#include "client.h"
#include "secret.h"
#include "strbuf.h"
#include "vss_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct azdo_client {
    azdo_transport *t;
    char *base_url;
    char *project;
    char *api_version;
    char *authorization; /* "Basic base64(:PAT)" — a secret */
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static char *basic_auth(const char *pat)
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

azdo_client *azdo_client_new(const azdo_config *cfg, azdo_transport *transport)
{
    azdo_client *c = calloc(1, sizeof *c);
    if (!c) {
        if (transport)
            transport->destroy(transport);
        return NULL;
    }
    c->t = transport;
    c->base_url = dup_or_empty(cfg->base_url);
    c->project = dup_or_empty(cfg->project);
    c->api_version = dup_or_empty(cfg->api_version && *cfg->api_version ? cfg->api_version : "7.1");
    c->authorization = basic_auth(cfg->pat ? cfg->pat : "");
    if (!c->t || !c->base_url || !c->project || !c->api_version || !c->authorization) {
        azdo_client_free(c);
        return NULL;
    }
    return c;
}

void azdo_client_free(azdo_client *c)
{
    if (!c)
        return;
    if (c->t)
        c->t->destroy(c->t);
    free(c->base_url);
    free(c->project);
    free(c->api_version);
    azdo_secret_free(c->authorization);
    free(c);
}

const char *azdo_client_project(const azdo_client *c) { return c->project; }
const char *azdo_client_base_url(const azdo_client *c) { return c->base_url; }

static char *build_url(const azdo_client *c, int project_scoped, const char *path, const char *extra_query)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, c->base_url);
    if (project_scoped && *c->project) {
        strbuf_append_char(&b, '/');
        strbuf_append_urlenc(&b, c->project);
    }
    strbuf_append(&b, "/_apis/");
    strbuf_append(&b, path);
    strbuf_append_char(&b, strchr(path, '?') ? '&' : '?');
    if (extra_query && *extra_query) {
        strbuf_append(&b, extra_query);
        strbuf_append_char(&b, '&');
    }
    strbuf_append(&b, "api-version=");
    strbuf_append_urlenc(&b, c->api_version);
    return strbuf_steal(&b);
}

/* Sends one request and parses a JSON answer (NULL tree for an empty 2xx body). */
static azdo_errkind call(azdo_client *c, const char *method, int project_scoped, const char *path,
                         const char *extra_query, const char *body, const char *what, cJSON **out, azdo_error *err)
{
    *out = NULL;
    char *url = build_url(c, project_scoped, path, extra_query);
    if (!url)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory building a request URL");
    azdo_http_request req = {
        .method = method,
        .url = url,
        .content_type = body ? "application/json" : NULL,
        .body = body,
        .authorization = c->authorization,
    };
    azdo_http_response resp;
    azdo_errkind rc = c->t->send(c->t, &req, &resp, err);
    if (rc != AZDO_OK)
        goto done;
    rc = azdo_vss_check_response(&resp, what, err);
    if (rc != AZDO_OK)
        goto done;
    if (resp.body_len > 0) {
        const char *end = NULL;
        *out = cJSON_ParseWithLengthOpts(resp.body, resp.body_len, &end, 0);
        if (!*out)
            rc = azdo_error_set(err, AZDO_ERR_PROTOCOL,
                                "Malformed JSON from Azure DevOps while %s (at byte %zu of %zu); "
                                "the response is incomplete or corrupt, so no result is returned",
                                what, end ? (size_t)(end - resp.body) : (size_t)0, resp.body_len);
    }
done:
    azdo_http_response_clear(&resp);
    free(url);
    return rc;
}

azdo_errkind azdo_client_get(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                             const char *what, cJSON **out, azdo_error *err)
{
    return call(c, "GET", project_scoped, path, extra_query, NULL, what, out, err);
}

azdo_errkind azdo_client_post(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                              const char *body, const char *what, cJSON **out, azdo_error *err)
{
    return call(c, "POST", project_scoped, path, extra_query, body, what, out, err);
}

azdo_errkind azdo_client_validate(azdo_client *c, azdo_error *err)
{
    cJSON *j = NULL;
    azdo_errkind rc;
    if (*c->project) {
        strbuf p;
        strbuf_init(&p);
        strbuf_append(&p, "projects/");
        strbuf_append_urlenc(&p, c->project);
        char *path = strbuf_steal(&p);
        if (!path)
            return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
        rc = azdo_client_get(c, 0, path, NULL, "connecting", &j, err);
        free(path);
        if (rc == AZDO_ERR_NOT_FOUND && strcmp(err->type_key, "ProjectDoesNotExistWithNameException") == 0) {
            int st = err->http_status;
            azdo_error_set(err, AZDO_ERR_CONNECT,
                           "Project '%s' does not exist in %s, or you cannot see it: check Project "
                           "(leave it empty for the whole organization)",
                           c->project, c->base_url);
            err->http_status = st;
            rc = AZDO_ERR_CONNECT;
        }
    } else {
        rc = azdo_client_get(c, 0, "projects", "$top=1", "connecting", &j, err);
    }
    if (rc == AZDO_ERR_NOT_FOUND) {
        int st = err->http_status;
        azdo_error_set(err, AZDO_ERR_CONNECT,
                       "No Azure DevOps organization or collection at %s (HTTP 404): check Organization or Url",
                       c->base_url);
        err->http_status = st;
        rc = AZDO_ERR_CONNECT;
    } else if (rc == AZDO_OK && !cJSON_IsObject(j)) {
        rc = azdo_error_set(err, AZDO_ERR_CONNECT,
                            "%s did not answer like Azure DevOps (no JSON object from _apis/projects): check Url",
                            c->base_url);
    }
    cJSON_Delete(j);
    return rc;
}

azdo_errkind azdo_client_wiql(azdo_client *c, const char *wiql, long top, int time_precision, int64_t **ids,
                              size_t *n, azdo_error *err)
{
    *ids = NULL;
    *n = 0;
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "query", wiql)) {
        cJSON_Delete(body);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    char query[96];
    query[0] = '\0';
    if (top > 0)
        snprintf(query, sizeof query, "$top=%ld", top);
    if (time_precision)
        snprintf(query + strlen(query), sizeof query - strlen(query), "%stimePrecision=true", top > 0 ? "&" : "");
    cJSON *j = NULL;
    azdo_errkind rc = azdo_client_post(c, 1, "wit/wiql", query, text, "running a WIQL query", &j, err);
    free(text);
    if (rc != AZDO_OK)
        return rc;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "workItems");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL,
                              "The WIQL answer has no workItems list (a link query or a malformed response)");
    }
    size_t cnt = (size_t)cJSON_GetArraySize(items);
    int64_t *out = malloc((cnt ? cnt : 1) * sizeof *out);
    if (!out) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    size_t k = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (!cJSON_IsNumber(id) || id->valuedouble < 1) {
            free(out);
            cJSON_Delete(j);
            return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The WIQL answer holds a work item without a valid id");
        }
        out[k++] = (int64_t)id->valuedouble;
    }
    cJSON_Delete(j);
    *ids = out;
    *n = k;
    return AZDO_OK;
}

azdo_errkind azdo_client_batch(azdo_client *c, const int64_t *ids, size_t n, const char *const *fields, size_t nf,
                               cJSON **out, azdo_error *err)
{
    *out = NULL;
    if (n > AZDO_BATCH_MAX)
        return azdo_error_set(err, AZDO_ERR_INTERNAL, "batch of %zu ids exceeds %d", n, AZDO_BATCH_MAX);
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, "{\"ids\":[");
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    strbuf_append(&b, "]");
    if (nf) {
        strbuf_append(&b, ",\"fields\":[");
        for (size_t i = 0; i < nf; i++) {
            /* reference names are [A-Za-z0-9._-]; escape anyway so JSON stays valid */
            strbuf_printf(&b, "%s\"", i ? "," : "");
            for (const char *p = fields[i]; *p; p++) {
                if (*p == '"' || *p == '\\')
                    strbuf_append_char(&b, '\\');
                strbuf_append_char(&b, *p);
            }
            strbuf_append_char(&b, '"');
        }
        strbuf_append(&b, "]");
    }
    /* omit: an item deleted since the WIQL ran comes back as null instead of failing the batch */
    strbuf_append(&b, ",\"errorPolicy\":\"omit\"}");
    char *body = strbuf_steal(&b);
    if (!body)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    cJSON *j = NULL;
    azdo_errkind rc = azdo_client_post(c, 1, "wit/workitemsbatch", NULL, body, "reading work items", &j, err);
    free(body);
    if (rc != AZDO_OK)
        return rc;
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "value"))) {
        cJSON_Delete(j);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "The work item batch answer has no value list");
    }
    *out = j;
    return AZDO_OK;
}
