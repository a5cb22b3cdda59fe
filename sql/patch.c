/* patch.c — see patch.h. */
#include "patch.h"
#include "value.h"
#include "../rest/cnum.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct azdo_patch {
    cJSON *ops;
};

azdo_patch *azdo_patch_new(void)
{
    azdo_patch *p = calloc(1, sizeof *p);
    if (p && !(p->ops = cJSON_CreateArray())) {
        free(p);
        p = NULL;
    }
    return p;
}

void azdo_patch_free(azdo_patch *p)
{
    if (!p)
        return;
    cJSON_Delete(p->ops);
    free(p);
}

int azdo_patch_count(const azdo_patch *p) { return cJSON_GetArraySize(p->ops); }

char *azdo_patch_text(const azdo_patch *p) { return cJSON_PrintUnformatted(p->ops); }

/* Appends {"op":op,"path":path[,"value":value]}; takes value. */
static int add_op(azdo_patch *p, const char *op, const char *path, cJSON *value)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "op", op) || !cJSON_AddStringToObject(o, "path", path)) {
        cJSON_Delete(o);
        cJSON_Delete(value);
        return -1;
    }
    if (value)
        cJSON_AddItemToObject(o, "value", value);
    cJSON_AddItemToArray(p->ops, o);
    return 0;
}

int azdo_patch_test_rev(azdo_patch *p, int64_t rev)
{
    cJSON *v = cJSON_CreateNumber((double)rev);
    if (!v)
        return -1;
    /* the test goes first: nothing is applied when it fails */
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "op", "test") || !cJSON_AddStringToObject(o, "path", "/rev")) {
        cJSON_Delete(o);
        cJSON_Delete(v);
        return -1;
    }
    cJSON_AddItemToObject(o, "value", v);
    return cJSON_InsertItemInArray(p->ops, 0, o) ? 0 : -1;
}

static int fail(char *msg, size_t n, const char *fmt, const char *col, const char *extra)
{
    snprintf(msg, n, fmt, col, extra);
    return 1;
}

/* The value as JSON for the column's field type; NULL with *bad set when the
 * value cannot be that type; NULL with *bad clear on OOM. */
static cJSON *json_value(const azdo_column *col, const azdo_val *v, int *bad)
{
    *bad = 0;
    switch (col->type) {
    case AZDO_FT_INTEGER:
        if (v->type == AZDO_V_INT)
            return cJSON_CreateNumber((double)v->i);
        if (v->type == AZDO_V_REAL && isfinite(v->r) && v->r == floor(v->r) && fabs(v->r) < 9e15)
            return cJSON_CreateNumber(v->r);
        *bad = 1;
        return NULL;
    case AZDO_FT_DOUBLE:
        if (v->type == AZDO_V_INT)
            return cJSON_CreateNumber((double)v->i);
        if (v->type == AZDO_V_REAL && isfinite(v->r))
            return cJSON_CreateNumber(v->r);
        *bad = 1;
        return NULL;
    case AZDO_FT_BOOLEAN:
        if (v->type == AZDO_V_INT && (v->i == 0 || v->i == 1))
            return cJSON_CreateBool(v->i == 1);
        if (v->type == AZDO_V_TEXT && (!strcasecmp(v->s, "true") || !strcasecmp(v->s, "false")))
            return cJSON_CreateBool(!strcasecmp(v->s, "true"));
        *bad = 1;
        return NULL;
    case AZDO_FT_DATETIME: {
        char norm[AZDO_DATETIME_MAX];
        if (v->type != AZDO_V_TEXT || azdo_datetime_normalize(v->s, norm) != 0) {
            *bad = 1;
            return NULL;
        }
        norm[10] = 'T'; /* "YYYY-MM-DD HH:MM:SS.fff" → ISO 8601 UTC */
        strcat(norm, "Z");
        return cJSON_CreateString(norm);
    }
    default:
        break;
    }
    /* text-like: strings, paths, identities, html */
    if (v->type == AZDO_V_TEXT)
        return cJSON_CreateString(v->s);
    if (v->type == AZDO_V_INT || v->type == AZDO_V_REAL) {
        char buf[64];
        if (v->type == AZDO_V_INT)
            snprintf(buf, sizeof buf, "%lld", (long long)v->i);
        else if (azdo_format_number_c(v->r, buf, sizeof buf) != 0) {
            *bad = 1;
            return NULL;
        }
        return cJSON_CreateString(buf);
    }
    *bad = 1; /* blobs */
    return NULL;
}

static const char *type_word(azdo_ftype t)
{
    switch (t) {
    case AZDO_FT_INTEGER: return "a whole number";
    case AZDO_FT_DOUBLE: return "a number";
    case AZDO_FT_BOOLEAN: return "true/false or 1/0";
    case AZDO_FT_DATETIME: return "a date-time such as '2026-03-05 14:30:00' (UTC)";
    default: return "text";
    }
}

int azdo_patch_field(azdo_patch *p, const azdo_column *col, const azdo_val *v, int is_update, char *msg,
                     size_t msglen)
{
    if (col->is_id)
        return fail(msg, msglen, "%s is assigned by Azure DevOps and cannot be written%s", col->name, "");
    if (col->is_rev)
        return fail(msg, msglen,
                    "%s cannot be set; to make a change only if the item is still at a revision, write "
                    "WHERE Id = ? AND Rev = ?%s",
                    col->name, "");
    if (col->src != AZDO_SRC_FIELD)
        return fail(msg, msglen, "%s is derived from the identity field %s and cannot be written; set that field",
                    col->name, col->refname);
    char path[300];
    snprintf(path, sizeof path, "/fields/%s", col->refname);
    if (v->type == AZDO_V_NULL) {
        if (!is_update)
            return 0; /* nothing to set on a new item */
        int text_like = col->type == AZDO_FT_STRING || col->type == AZDO_FT_IDENTITY ||
                        col->type == AZDO_FT_TREEPATH || col->type == AZDO_FT_LONGTEXT;
        if (text_like) {
            cJSON *e = cJSON_CreateString("");
            return e ? add_op(p, "add", path, e) : -1;
        }
        return add_op(p, "remove", path, NULL);
    }
    int bad;
    cJSON *j = json_value(col, v, &bad);
    if (!j && bad)
        return fail(msg, msglen, "%s takes %s", col->name, type_word(col->type));
    if (!j)
        return -1;
    return add_op(p, "add", path, j);
}

int azdo_patch_add_parent(azdo_patch *p, const char *base_url, int64_t parent_id)
{
    cJSON *v = cJSON_CreateObject();
    char url[1024];
    snprintf(url, sizeof url, "%s/_apis/wit/workItems/%lld", base_url, (long long)parent_id);
    if (!v || !cJSON_AddStringToObject(v, "rel", "System.LinkTypes.Hierarchy-Reverse") ||
        !cJSON_AddStringToObject(v, "url", url)) {
        cJSON_Delete(v);
        return -1;
    }
    return add_op(p, "add", "/relations/-", v);
}

int azdo_patch_remove_relation(azdo_patch *p, int index)
{
    char path[48];
    snprintf(path, sizeof path, "/relations/%d", index);
    return add_op(p, "remove", path, NULL);
}
