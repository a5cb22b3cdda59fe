/* fake_ado.c — see fake_ado.h. */
#include "fake_ado.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *FIELDS =
    "{\"count\":9,\"value\":["
    "{\"name\":\"ID\",\"referenceName\":\"System.Id\",\"type\":\"integer\"},"
    "{\"name\":\"Title\",\"referenceName\":\"System.Title\",\"type\":\"string\"},"
    "{\"name\":\"State\",\"referenceName\":\"System.State\",\"type\":\"string\"},"
    "{\"name\":\"Assigned To\",\"referenceName\":\"System.AssignedTo\",\"type\":\"string\",\"isIdentity\":true},"
    "{\"name\":\"Changed Date\",\"referenceName\":\"System.ChangedDate\",\"type\":\"dateTime\"},"
    "{\"name\":\"Remaining Work\",\"referenceName\":\"Microsoft.VSTS.Scheduling.RemainingWork\",\"type\":\"double\"},"
    "{\"name\":\"Priority\",\"referenceName\":\"Microsoft.VSTS.Common.Priority\",\"type\":\"integer\"},"
    "{\"name\":\"Priority\",\"referenceName\":\"Custom.Priority\",\"type\":\"string\"},"
    "{\"name\":\"WEF_1_Features Column\",\"referenceName\":\"WEF_1_Kanban.Column\",\"type\":\"string\"},"
    "{\"name\":\"Link Type\",\"referenceName\":\"System.Links.LinkType\",\"type\":\"integer\"},"
    "{\"name\":\"Area Path\",\"referenceName\":\"System.AreaPath\",\"type\":\"treePath\"}"
    "]}";

static int active(int id) { return id % 3 == 0; }

static int64_t find_bound(const char *q, const char *pat)
{
    const char *p = strstr(q, pat);
    return p ? atoll(p + strlen(pat)) : 0;
}

/* The Id conditions the driver generates, evaluated for one id. */
static int id_matches(const char *q, int id)
{
    const char *p = q;
    while ((p = strstr(p, "[System.Id] ")) != NULL) {
        p += 12;
        if (!strncmp(p, "IN (", 4)) {
            int hit = 0;
            const char *e = strchr(p, ')');
            for (const char *v = p + 4; v && v < e; v = strchr(v, ',') ? strchr(v, ',') + 1 : NULL)
                hit |= atoi(v) == id;
            if (!hit)
                return 0;
        } else if (!strncmp(p, ">= ", 3)) {
            if (!(id >= atoll(p + 3)))
                return 0;
        } else if (!strncmp(p, "<= ", 3)) {
            if (!(id <= atoll(p + 3)))
                return 0;
        } else if (!strncmp(p, "= ", 2)) {
            if (id != atoll(p + 2))
                return 0;
        }
    }
    return 1;
}

static void add_header_line(azdo_http_response *resp, double retry_after)
{
    resp->retry_after_s = retry_after;
}

/* Token endpoint: client credentials and refresh grants with rotation. */
static azdo_errkind token_endpoint(fake_ado *s, const azdo_http_request *req, azdo_http_response *resp)
{
    s->token_requests++;
    if (s->token_fail) {
        fake_respond(resp, 401, "application/json",
                     "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                     "secret provided.\\r\\nTrace ID: x\"}");
        return AZDO_OK;
    }
    if (!req->content_type || strcmp(req->content_type, "application/x-www-form-urlencoded") != 0) {
        fake_respond(resp, 400, "application/json", "{\"error\":\"invalid_request\"}");
        return AZDO_OK;
    }
    char refresh[128] = "";
    if (strstr(req->body, "grant_type=refresh_token")) {
        const char *rt = strstr(req->body, "refresh_token=");
        if (!rt)
            rt = strstr(req->body, "&assertion="); /* not client_assertion= */
        if (!rt || !*s->refresh_token || strncmp(strchr(rt, '=') + 1, s->refresh_token, strlen(s->refresh_token)) != 0) {
            fake_respond(resp, 400, "application/json",
                         "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: expired\"}");
            return AZDO_OK;
        }
        s->rotations++;
        snprintf(s->refresh_token, sizeof s->refresh_token, "rt-rotated-%d", s->rotations);
        snprintf(refresh, sizeof refresh, ",\"refresh_token\":\"%s\"", s->refresh_token);
    } else if (!strstr(req->body, "grant_type=client_credentials") ||
               !strstr(req->body, "scope=499b84ac-1321-427f-aa17-267ca6975798%2F.default")) {
        fake_respond(resp, 400, "application/json", "{\"error\":\"invalid_scope\"}");
        return AZDO_OK;
    }
    s->token_gen++;
    char body[384];
    snprintf(body, sizeof body, "{\"token_type\":\"Bearer\",\"expires_in\":%g,\"access_token\":\"tok-%d\"%s}",
             s->token_expires_in > 0 ? s->token_expires_in : 3599, s->token_gen, refresh);
    fake_respond(resp, 200, "application/json; charset=utf-8", body);
    return AZDO_OK;
}

/* The faults configured for this API request; 1 when one was applied. */
static int api_fault(fake_ado *s, azdo_http_response *resp, azdo_errkind *rc, azdo_error *err)
{
    int n = ++s->api_requests;
    if (s->refused_first && n <= s->refused_first) {
        *rc = azdo_error_set(err, AZDO_ERR_CONNECT, "Connection refused (fake)");
        err->unsent = 1;
        return 1;
    }
    if (s->every_link_fault && n % s->every_link_fault == 0) {
        *rc = azdo_error_set(err, AZDO_ERR_LINK, "Connection reset by peer (fake)");
        return 1;
    }
    if (s->every_429 && n % s->every_429 == 0) {
        fake_respond(resp, 429, "application/json; charset=utf-8",
                     "{\"$id\":\"1\",\"message\":\"TF400733: The request has been canceled: Request was blocked "
                     "due to exceeding usage of resource 'WorkItemTracking' in namespace 'User'.\","
                     "\"typeKey\":\"RequestBlockedException\",\"errorCode\":0,\"eventId\":3000}");
        add_header_line(resp, s->retry_after_429);
        resp->ratelimit_remaining = 0;
        resp->ratelimit_limit = 200;
        *rc = AZDO_OK;
        return 1;
    }
    if (s->first_503 && n > s->fault_start && n <= s->fault_start + s->first_503) {
        fake_respond(resp, 503, "text/html", "<html>Service Unavailable</html>");
        *rc = AZDO_OK;
        return 1;
    }
    if (s->every_host_offline && n % s->every_host_offline == 0) {
        fake_respond(resp, 503, "application/json", "{\"message\":\"The host is offline for maintenance\"}");
        resp->host_offline = 1;
        *rc = AZDO_OK;
        return 1;
    }
    return 0;
}

/* Marks a successful answer with the pacing headers the knobs ask for. */
static void pace_headers(fake_ado *s, azdo_http_response *resp)
{
    if (resp->status != 200)
        return;
    if (s->ok_retry_after > 0)
        resp->retry_after_s = s->ok_retry_after;
    if (s->ok_ratelimit_low) {
        resp->ratelimit_remaining = 0;
        resp->ratelimit_limit = 200;
    }
}

/* One work item as the service returns it, all fields. */
static cJSON *make_item(int v)
{
    cJSON *it = cJSON_CreateObject();
    cJSON_AddNumberToObject(it, "id", v);
    cJSON_AddNumberToObject(it, "rev", 1);
    cJSON *fl = cJSON_AddObjectToObject(it, "fields");
    char title[64];
    snprintf(title, sizeof title, "Item %d", v);
    cJSON_AddStringToObject(fl, "System.TeamProject", "Proj");
    cJSON_AddStringToObject(fl, "System.Title", title);
    cJSON_AddStringToObject(fl, "System.State", active(v) ? "Active" : "New");
    if (v % 2 == 0) {
        cJSON *ident = cJSON_AddObjectToObject(fl, "System.AssignedTo");
        cJSON_AddStringToObject(ident, "displayName", "Jamal Hartnett");
        cJSON_AddStringToObject(ident, "uniqueName", "fabrikamfiber4@hotmail.com");
    }
    cJSON_AddStringToObject(fl, "System.ChangedDate", "2014-12-29T20:49:28.74Z");
    if (v % 5 == 0)
        cJSON_AddNumberToObject(fl, "Microsoft.VSTS.Scheduling.RemainingWork", 4);
    return it;
}

static azdo_errkind handle(fake_http *f, const azdo_http_request *req, azdo_http_response *resp,
                           azdo_error *err);

azdo_errkind fake_ado_handle(fake_http *f, const azdo_http_request *req, azdo_http_response *resp,
                             azdo_error *err)
{
    fake_ado *s = f->ud;
    if (strstr(req->url, "/oauth2/"))
        return token_endpoint(s, req, resp);
    if (req->authorization && strncmp(req->authorization, "Bearer ", 7) == 0) {
        char want[32];
        snprintf(want, sizeof want, "Bearer tok-%d", s->token_gen);
        int revoked = s->revoke_at && s->api_requests + 1 >= s->revoke_at;
        if (revoked)
            s->revoke_at = 0, s->token_gen += 1000; /* the current token stops being valid */
        if (revoked || strcmp(req->authorization, want) != 0) {
            s->api_requests++;
            fake_respond(resp, 401, "application/json",
                         "{\"message\":\"TF400813: The user '' is not authorized to access this resource.\","
                         "\"typeKey\":\"UnauthorizedRequestException\"}");
            return AZDO_OK;
        }
    }
    azdo_errkind rc;
    if (api_fault(s, resp, &rc, err))
        return rc;
    rc = handle(f, req, resp, err);
    if (rc == AZDO_OK)
        pace_headers(s, resp);
    return rc;
}

static azdo_errkind handle(fake_http *f, const azdo_http_request *req, azdo_http_response *resp, azdo_error *err)
{
    fake_ado *s = f->ud;
    if (s->auth == 401) {
        fake_respond(resp, 401, "application/json; charset=utf-8",
                     "{\"$id\":\"1\",\"innerException\":null,\"message\":\"TF400813: The user '' is not authorized "
                     "to access this resource.\",\"typeKey\":\"UnauthorizedRequestException\",\"errorCode\":0,"
                     "\"eventId\":3000}");
        return AZDO_OK;
    }
    if (s->auth == 203) {
        fake_respond(resp, 203, "text/html; charset=utf-8", "<html><body>Sign in</body></html>");
        return AZDO_OK;
    }
    if (strstr(req->url, "/_apis/projects")) {
        fake_respond(resp, 200, "application/json", "{\"id\":\"p1\",\"name\":\"Proj\"}");
        return AZDO_OK;
    }
    if (strstr(req->url, "/_apis/wit/fields")) {
        fake_respond(resp, 200, "application/json; charset=utf-8", FIELDS);
        return AZDO_OK;
    }
    if (strstr(req->url, "/_apis/wit/wiql")) {
        cJSON *b = cJSON_Parse(req->body);
        const char *q = cJSON_GetObjectItem(b, "query")->valuestring;
        int64_t after = find_bound(q, "[System.Id] > ");
        int64_t before = find_bound(q, "[System.Id] < ");
        int only_active = strstr(q, "[System.State] = 'Active'") != NULL;
        int desc = strstr(q, "DESC") != NULL;
        const char *t = strstr(req->url, "$top=");
        long top = t ? atol(t + 5) : 0;
        int count = 0;
        for (int id = 1; id <= s->n_items; id++)
            if (id > after && (!before || id < before) && (!only_active || active(id)) && id_matches(q, id))
                count++;
        if (count > 20000 && (s->strict || !top || top > 20000)) {
            fake_respond(resp, 400, "application/json; charset=utf-8",
                         "{\"$id\":\"1\",\"message\":\"VS402337: The number of work items returned exceeds the size "
                         "limit of 20000. Change the query to return fewer items.\",\"typeKey\":"
                         "\"WorkItemTrackingQueryResultSizeLimitExceededException\",\"errorCode\":0,\"eventId\":3000}");
            cJSON_Delete(b);
            return AZDO_OK;
        }
        cJSON *out = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(out, "workItems");
        int emitted = 0;
        for (int k = 1; k <= s->n_items && (!top || emitted < top); k++) {
            int id = desc ? s->n_items + 1 - k : k;
            if (id > after && (!before || id < before) && (!only_active || active(id)) && id_matches(q, id)) {
                cJSON *it = cJSON_CreateObject();
                cJSON_AddNumberToObject(it, "id", id);
                cJSON_AddItemToArray(arr, it);
                emitted++;
            }
        }
        char *txt = cJSON_PrintUnformatted(out);
        fake_respond(resp, 200, "application/json; charset=utf-8", txt);
        free(txt);
        cJSON_Delete(out);
        cJSON_Delete(b);
        return AZDO_OK;
    }
    if (strstr(req->url, "/_apis/wit/workitemsbatch")) {
        int n = s->batches++;
        if (s->batch_fault && n >= s->fault_after) {
            if (s->batch_fault == 1) {
                fake_respond(resp, 200, "application/json", "{\"count\":2,\"value\":[{\"id\":1,\"fields\":{");
                return AZDO_OK;
            }
            if (s->batch_fault == 2)
                return azdo_error_set(err, AZDO_ERR_LINK, "Connection reset by peer (fake)");
        }
        cJSON *b = cJSON_Parse(req->body);
        cJSON *ids = cJSON_GetObjectItem(b, "ids");
        cJSON *out = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(out, "value");
        cJSON *id;
        cJSON_ArrayForEach(id, ids)
        {
            int v = id->valueint;
            if (v == s->deleted_id || v < 1 || v > s->n_items)
                continue; /* as the single GET: no such item */
            cJSON_AddItemToArray(arr, make_item(v));
        }
        if (s->batch_drop_last && cJSON_GetArraySize(arr) > 0)
            cJSON_DeleteItemFromArray(arr, cJSON_GetArraySize(arr) - 1);

        if (s->batch_fault == 3) {
            cJSON *it = cJSON_CreateObject();
            cJSON_AddNumberToObject(it, "id", 999999);
            cJSON_AddObjectToObject(it, "fields");
            cJSON_AddItemToArray(arr, it);
        }
        char *txt = cJSON_PrintUnformatted(out);
        fake_respond(resp, 200, "application/json; charset=utf-8", txt);
        free(txt);
        cJSON_Delete(out);
        cJSON_Delete(b);
        return AZDO_OK;
    }
    const char *one = strstr(req->url, "/_apis/wit/workitems/");
    if (one) {
        s->single_gets++;
        int v = atoi(one + strlen("/_apis/wit/workitems/"));
        if (v == s->deleted_id || v < 1 || v > s->n_items) {
            fake_respond(resp, 404, "application/json",
                         "{\"message\":\"TF401232: Work item does not exist, or you do not have permissions to "
                         "read it.\",\"typeKey\":\"WorkItemUnauthorizedAccessException\"}");
            return AZDO_OK;
        }
        cJSON *it = make_item(v);
        char *txt = cJSON_PrintUnformatted(it);
        fake_respond(resp, 200, "application/json; charset=utf-8", txt);
        free(txt);
        cJSON_Delete(it);
        return AZDO_OK;
    }
    fake_respond(resp, 404, "application/json", "{\"message\":\"no such route\"}");
    return AZDO_OK;
}

