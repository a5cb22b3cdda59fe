/* vss_error.c — see vss_error.h. */
#include "vss_error.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_json(const char *ct)
{
    return ct && strncasecmp(ct, "application/json", 16) == 0;
}

static int is_html(const char *ct)
{
    return ct && strncasecmp(ct, "text/html", 9) == 0;
}

/* Work item rules: required fields, allowed values and transitions
 * (TF401320), tree paths (TF401347), identities, field types. */
static int is_rule_violation(const char *type_key, const char *msg)
{
    return strcmp(type_key, "RuleValidationException") == 0 || strstr(type_key, "WorkItemFieldInvalid") ||
           strstr(msg, "TF401320") || strstr(msg, "TF401347") || strstr(msg, "is an unknown identity");
}

/* The reference name of the first field a rule error names, or NULL. */
static const char *rule_field(const cJSON *root)
{
    const cJSON *cp = cJSON_GetObjectItemCaseSensitive(root, "customProperties");
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(cp, "RuleValidationErrors");
    const cJSON *first = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(first, "fieldReferenceName");
    return cJSON_IsString(ref) ? ref->valuestring : NULL;
}

azdo_errkind azdo_vss_check_response(const azdo_http_response *resp, const char *what, azdo_error *err)
{
    int st = resp->status;
    azdo_error_clear(err);
    err->http_status = st;

    if (st >= 200 && st < 300) {
        /* Azure DevOps answers rejected credentials with "203 Non-Authoritative
         * Information" and an HTML sign-in page: that is not data. */
        if (is_html(resp->content_type) || st == 203)
            return azdo_error_set(err, AZDO_ERR_AUTH,
                                  "Azure DevOps rejected the credentials (HTTP %d with a sign-in page) while %s",
                                  st, what);
        if (resp->body_len > 0 && !is_json(resp->content_type))
            return azdo_error_set(err, AZDO_ERR_PROTOCOL,
                                  "Unexpected response while %s: content type '%s' instead of JSON", what,
                                  resp->content_type ? resp->content_type : "(none)");
        err->http_status = 0;
        return AZDO_OK;
    }

    /* Pull message and typeKey from a VSS error body when there is one. */
    const char *msg = NULL;
    cJSON *root = NULL;
    if (resp->body && is_json(resp->content_type)) {
        root = cJSON_ParseWithLength(resp->body, resp->body_len);
        if (root) {
            cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
            cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "typeKey");
            if (cJSON_IsString(m))
                msg = m->valuestring;
            if (cJSON_IsString(k))
                snprintf(err->type_key, sizeof err->type_key, "%s", k->valuestring);
        }
    }
    if (resp->service_error && *resp->service_error)
        msg = resp->service_error; /* e.g. "Access Denied: The Personal Access Token used has expired." */
    char detail[700];
    if (msg)
        snprintf(detail, sizeof detail, "%s", msg);
    else
        snprintf(detail, sizeof detail, "HTTP %d", st);

    azdo_errkind kind;
    if (st >= 300 && st < 400) {
        kind = azdo_error_set(err, AZDO_ERR_AUTH,
                              "Azure DevOps redirected to a sign-in page (HTTP %d) while %s: the credentials "
                              "were rejected",
                              st, what);
    } else if (st == 401) {
        kind = azdo_error_set(err, AZDO_ERR_AUTH, "Azure DevOps rejected the credentials (HTTP 401) while %s: %s",
                              what, detail);
    } else if (st == 403) {
        kind = azdo_error_set(err, AZDO_ERR_PERMISSION, "Permission denied (HTTP 403) while %s: %s", what, detail);
    } else if (st == 404 && strstr(err->type_key, "WorkItemTypeNotFound")) {
        /* an INSERT naming a type the project does not have: a bad value, not a missing table */
        kind = azdo_error_set(err, AZDO_ERR_RULE, "Azure DevOps refused the change (HTTP 404) while %s: %s", what,
                              detail);
    } else if (st == 404) {
        kind = azdo_error_set(err, AZDO_ERR_NOT_FOUND, "Not found (HTTP 404) while %s: %s", what, detail);
    } else if (st == 409 || st == 412 ||
               (st == 400 && strcmp(err->type_key, "TestPatchOperationFailedException") == 0)) {
        kind = azdo_error_set(err, AZDO_ERR_CONFLICT, "Conflict (HTTP %d) while %s: %s", st, what, detail);
    } else if (st == 429) {
        kind = azdo_error_set(err, AZDO_ERR_THROTTLED, "Azure DevOps throttled the request (HTTP 429) while %s: %s",
                              what, detail);
    } else if (st == 408) {
        kind = azdo_error_set(err, AZDO_ERR_TIMEOUT, "Azure DevOps timed out (HTTP 408) while %s: %s", what, detail);
    } else if (st == 400 && is_rule_violation(err->type_key, detail)) {
        const char *f = rule_field(root);
        kind = azdo_error_set(err, AZDO_ERR_RULE, "Azure DevOps refused the change (HTTP 400) while %s: %s%s%s%s",
                              what, detail, f ? " (field " : "", f ? f : "", f ? ")" : "");
    } else if (st >= 400 && st < 500) {
        kind = azdo_error_set(err, AZDO_ERR_QUERY, "Azure DevOps rejected the request (HTTP %d) while %s: %s", st,
                              what, detail);
    } else {
        kind = azdo_error_set(err, AZDO_ERR_SERVER, "Azure DevOps failed (HTTP %d) while %s: %s", st, what, detail);
    }
    cJSON_Delete(root);
    return kind;
}
