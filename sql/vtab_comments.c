/*
 * vtab_comments.c — WorkItemComments: the discussion of a work item as an
 * SQLite virtual table.
 *
 *   WorkItemComments(WorkItemId INTEGER, CommentId INTEGER, Version INTEGER, Text TEXT,
 *                    CreatedBy VARCHAR(512), CreatedDate TIMESTAMP,
 *                    ModifiedBy VARCHAR(512), ModifiedDate TIMESTAMP)
 *
 * HOW IT WORKS
 *   Azure DevOps lists comments per work item only
 *   (GET …/wit/workItems/{id}/comments, api-version 7.1-preview.4), so a scan
 *   needs the work item: `WorkItemId = x` (or IN, which SQLite feeds to
 *   xFilter one value at a time).
 *   xBestIndex  plans with a usable WorkItemId equality; when the only one is
 *               not usable yet (a join whose other side comes first) it answers
 *               SQLITE_CONSTRAINT, so SQLite puts this table on the inner side
 *               (`… FROM WorkItems w JOIN WorkItemComments c ON c.WorkItemId =
 *               w.Id`).  Without any, it returns a plan that fails in xFilter
 *               with an error naming what to add (so `WHERE 1=0` and `LIMIT 0`
 *               metadata probes still prepare and run).
 *   xFilter     reads the first page, oldest comment first ($top=200).
 *   xNext       walks the page; when it is used up, reads the next one with the
 *               continuationToken — lazily, one page in memory at a time.
 *   xColumn     converts the comment's JSON (identities "Display <unique>",
 *               dates normalised as in WorkItems: value.c).
 *   xUpdate     INSERT (WorkItemId, Text) posts a comment as the connected
 *               identity (never sent twice); last_insert_rowid() is the new
 *               CommentId.  UPDATE and DELETE are refused.
 *
 * idxNum   meaning                                  argv
 *   0      no usable WorkItemId = …: xFilter fails   —
 *   1      WorkItemId = argv[0]                      argv[0] the work item id
 * idxStr is unused.  The rowid is the CommentId.
 */
#include "vtab_comments.h"
#include "vtab_common.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_WORKITEMID, COL_COMMENTID, COL_VERSION, COL_TEXT, COL_CREATEDBY, COL_CREATEDDATE, COL_MODIFIEDBY,
       COL_MODIFIEDDATE, NCOLS };

#define PLAN_NONE 0
#define PLAN_ID 1

typedef struct cm_vtab {
    sqlite3_vtab base;
    azdo_vtab_env *env;
} cm_vtab;

typedef struct cm_cursor {
    sqlite3_vtab_cursor base;
    int64_t work_item;
    cJSON *page;          /* the current CommentList answer */
    const cJSON *comment; /* the current row's comment */
    char *token;          /* continuationToken of the current page (NULL: last page) */
    int eof;
} cm_cursor;

static int record_error(cm_vtab *vt, const azdo_error *err)
{
    return azdo_vtab_fail(vt->env, &vt->base, err);
}

static int fail(cm_vtab *vt, azdo_errkind kind, const char *msg)
{
    return azdo_vtab_fail_msg(vt->env, &vt->base, kind, msg);
}

static int cm_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **errmsg)
{
    (void)argc;
    (void)argv;
    (void)errmsg;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(WorkItemId INTEGER, CommentId INTEGER, Version INTEGER, "
                                      "Text TEXT, CreatedBy VARCHAR(512), CreatedDate TIMESTAMP, "
                                      "ModifiedBy VARCHAR(512), ModifiedDate TIMESTAMP)");
    if (rc != SQLITE_OK)
        return rc;
    cm_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt)
        return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->env = aux;
    *out = &vt->base;
    return SQLITE_OK;
}

static int cm_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

/* See the idxNum table at the top of the file. */
static int cm_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    (void)v;
    int use = -1, unusable = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn != COL_WORKITEMID || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable)
            unusable = 1;
        else if (use < 0)
            use = i;
    }
    if (use < 0 && unusable)
        return SQLITE_CONSTRAINT; /* put this table where the work item id is known */
    if (use < 0) {
        info->idxNum = PLAN_NONE;
        info->estimatedCost = 1e12; /* any plan that gives a WorkItemId wins */
        info->estimatedRows = 1000000;
        return SQLITE_OK;
    }
    info->idxNum = PLAN_ID;
    info->aConstraintUsage[use].argvIndex = 1;
    info->aConstraintUsage[use].omit = 1; /* every row has WorkItemId = the id asked for */
    info->estimatedCost = 10;            /* one request per 200 comments */
    info->estimatedRows = 20;
    return SQLITE_OK;
}

static int cm_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    cm_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    c->eof = 1;
    *out = &c->base;
    return SQLITE_OK;
}

static void reset_cursor(cm_cursor *c)
{
    cJSON_Delete(c->page);
    c->page = NULL;
    c->comment = NULL;
    free(c->token);
    c->token = NULL;
    c->eof = 1;
}

static int cm_close(sqlite3_vtab_cursor *cur)
{
    cm_cursor *c = (cm_cursor *)cur;
    reset_cursor(c);
    free(c);
    return SQLITE_OK;
}

/* Reads pages (the first when c->token is NULL and first is set) until one
 * holds a comment or there are no more; sets eof at the end. */
static int load_page(cm_cursor *c, cm_vtab *vt, int first)
{
    azdo_error err;
    azdo_error_clear(&err);
    for (;;) {
        if (!first && !c->token) {
            c->eof = 1;
            return SQLITE_OK;
        }
        cJSON *page = NULL;
        if (azdo_client_comments(vt->env->client, c->work_item, AZDO_COMMENTS_PAGE, first ? NULL : c->token,
                                 &page, &err) != AZDO_OK)
            return record_error(vt, &err);
        first = 0;
        const cJSON *tok = cJSON_GetObjectItemCaseSensitive(page, "continuationToken");
        char *next = NULL;
        if (cJSON_IsString(tok) && *tok->valuestring) {
            if (c->token && strcmp(c->token, tok->valuestring) == 0) {
                cJSON_Delete(page);
                azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                               "Azure DevOps answered the same continuation token twice while reading the "
                               "comments of work item %lld",
                               (long long)c->work_item);
                return record_error(vt, &err);
            }
            if (!(next = strdup(tok->valuestring))) {
                cJSON_Delete(page);
                return SQLITE_NOMEM;
            }
        }
        cJSON_Delete(c->page);
        free(c->token);
        c->page = page;
        c->token = next;
        c->comment = cJSON_GetObjectItemCaseSensitive(page, "comments")->child;
        if (c->comment) {
            c->eof = 0;
            return SQLITE_OK;
        }
    }
}

/* The integer an xFilter/xUpdate value means under INTEGER affinity; 0 when
 * it is not an integer (NULL, text that is no number, 1.5 …). */
static int as_integer(sqlite3_value *v, int64_t *out)
{
    sqlite3_value *d = sqlite3_value_dup(v);
    if (!d)
        return -1;
    int ok = 0;
    switch (sqlite3_value_numeric_type(d)) {
    case SQLITE_INTEGER:
        *out = sqlite3_value_int64(d);
        ok = 1;
        break;
    case SQLITE_FLOAT: {
        double r = sqlite3_value_double(d);
        if (isfinite(r) && r == floor(r) && fabs(r) < 9e15) {
            *out = (int64_t)r;
            ok = 1;
        }
        break;
    }
    default:
        break;
    }
    sqlite3_value_free(d);
    return ok;
}

static int cm_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv)
{
    cm_cursor *c = (cm_cursor *)cur;
    cm_vtab *vt = (cm_vtab *)cur->pVtab;
    (void)idx_str;
    reset_cursor(c);
    if (idx_num != PLAN_ID || argc < 1)
        return fail(vt, AZDO_ERR_QUERY,
                    "WorkItemComments lists the comments of given work items: add WHERE WorkItemId = <id> "
                    "(or WorkItemId IN (…)), or join it on WorkItemId, e.g. SELECT … FROM WorkItems w JOIN "
                    "WorkItemComments c ON c.WorkItemId = w.Id WHERE w.Id = 5");
    int64_t id;
    int r = as_integer(argv[0], &id);
    if (r < 0)
        return SQLITE_NOMEM;
    if (r == 0 || id < 1)
        return SQLITE_OK; /* WorkItemId = 'abc', NULL, 0: no work item has it */
    c->work_item = id;
    return load_page(c, vt, 1);
}

static int cm_next(sqlite3_vtab_cursor *cur)
{
    cm_cursor *c = (cm_cursor *)cur;
    if (c->eof)
        return SQLITE_OK;
    c->comment = c->comment->next;
    if (c->comment)
        return SQLITE_OK;
    return load_page(c, (cm_vtab *)cur->pVtab, 0);
}

static int cm_eof(sqlite3_vtab_cursor *cur) { return ((cm_cursor *)cur)->eof; }

static int column_error(sqlite3_context *ctx, cm_vtab *vt, const char *key, long long work_item)
{
    azdo_error err;
    azdo_error_clear(&err);
    azdo_error_set(&err, AZDO_ERR_PROTOCOL, "Malformed %s in a comment of work item %lld", key, work_item);
    vt->env->last_error = err;
    vt->env->has_error = 1;
    sqlite3_result_error(ctx, err.message, -1);
    return SQLITE_ERROR;
}

static int cm_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    cm_cursor *c = (cm_cursor *)cur;
    cm_vtab *vt = (cm_vtab *)cur->pVtab;
    if (c->eof || !c->comment)
        return SQLITE_OK;
    static const char *const keys[NCOLS] = {"workItemId", "id",        "version",    "text",
                                            "createdBy",  "createdDate", "modifiedBy", "modifiedDate"};
    if (i == COL_WORKITEMID) {
        sqlite3_result_int64(ctx, c->work_item); /* the URL's: xFilter omitted the check */
        return SQLITE_OK;
    }
    if (i < 0 || i >= NCOLS)
        return SQLITE_OK;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->comment, keys[i]);
    if (!v || cJSON_IsNull(v))
        return SQLITE_OK;
    switch (i) {
    case COL_COMMENTID:
    case COL_VERSION:
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15)
            return column_error(ctx, vt, keys[i], (long long)c->work_item);
        sqlite3_result_int64(ctx, (sqlite3_int64)v->valuedouble);
        return SQLITE_OK;
    case COL_TEXT:
        if (!cJSON_IsString(v))
            return column_error(ctx, vt, keys[i], (long long)c->work_item);
        sqlite3_result_text(ctx, v->valuestring, -1, SQLITE_TRANSIENT);
        return SQLITE_OK;
    case COL_CREATEDBY:
    case COL_MODIFIEDBY: {
        int oom = 0;
        char *t = azdo_identity_text(v, AZDO_ID_FULL, &oom);
        if (oom)
            return SQLITE_NOMEM;
        if (t)
            sqlite3_result_text(ctx, t, -1, free);
        return SQLITE_OK;
    }
    default: { /* dates */
        char buf[AZDO_DATETIME_MAX];
        if (!cJSON_IsString(v) || azdo_datetime_normalize(v->valuestring, buf) != 0)
            return column_error(ctx, vt, keys[i], (long long)c->work_item);
        sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
        return SQLITE_OK;
    }
    }
}

static int cm_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    cm_cursor *c = (cm_cursor *)cur;
    const cJSON *id = c->comment ? cJSON_GetObjectItemCaseSensitive(c->comment, "id") : NULL;
    *rowid = cJSON_IsNumber(id) ? (sqlite3_int64)id->valuedouble : 0;
    return SQLITE_OK;
}

/* ---- writes ------------------------------------------------------------------ */

/* A failed INSERT: say which rows of the statement were already added
 * (Azure DevOps has no transaction to roll back). */
static int write_error(cm_vtab *vt, azdo_error *err)
{
    return azdo_vtab_write_fail(vt->env, &vt->base, err, "comment");
}

static int write_fail(cm_vtab *vt, azdo_errkind kind, const char *msg)
{
    return azdo_vtab_write_fail_msg(vt->env, &vt->base, kind, msg, "comment");
}

/*
 * xUpdate: argc == 1 DELETE, argv[0] NULL INSERT, else UPDATE.  argv[1] is
 * the rowid, argv[2 + col] the columns.  Only INSERT is supported:
 *   POST …/workItems/{WorkItemId}/comments {"text": Text}
 */
static int cm_update(sqlite3_vtab *v, int argc, sqlite3_value **argv, sqlite_int64 *rowid)
{
    cm_vtab *vt = (cm_vtab *)v;
    azdo_vtab_env *env = vt->env;
    if (argc == 1)
        return write_fail(vt, AZDO_ERR_QUERY,
                          "DELETE is not supported on WorkItemComments: comments can only be added (INSERT)");
    if (sqlite3_value_type(argv[0]) != SQLITE_NULL)
        return write_fail(vt, AZDO_ERR_QUERY,
                          "UPDATE is not supported on WorkItemComments: comments can only be added (INSERT)");
    if (argc != 2 + NCOLS)
        return write_fail(vt, AZDO_ERR_INTERNAL, "internal error: xUpdate column count");
    static const char *const assigned[NCOLS] = {NULL, "CommentId", "Version", NULL,
                                                "CreatedBy", "CreatedDate", "ModifiedBy", "ModifiedDate"};
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL)
        return write_fail(vt, AZDO_ERR_RULE, "CommentId is assigned by Azure DevOps and cannot be written");
    for (int i = 0; i < NCOLS; i++) {
        if (assigned[i] && sqlite3_value_type(argv[2 + i]) != SQLITE_NULL) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "%s is assigned by Azure DevOps and cannot be written: give only WorkItemId and Text",
                     assigned[i]);
            return write_fail(vt, AZDO_ERR_RULE, msg);
        }
    }
    int64_t wid = 0;
    int r = as_integer(argv[2 + COL_WORKITEMID], &wid);
    if (r < 0)
        return SQLITE_NOMEM;
    if (r == 0 || wid < 1)
        return write_fail(vt, AZDO_ERR_RULE, "WorkItemId is required for a new comment: the id of the work item "
                                             "to comment on");
    sqlite3_value *tv = argv[2 + COL_TEXT];
    if (sqlite3_value_type(tv) == SQLITE_NULL || sqlite3_value_type(tv) == SQLITE_BLOB)
        return write_fail(vt, AZDO_ERR_RULE, "Text is required for a new comment");
    const char *text = (const char *)sqlite3_value_text(tv);
    if (!text)
        return SQLITE_NOMEM;

    azdo_error err;
    azdo_error_clear(&err);
    cJSON *answer = NULL;
    if (azdo_client_add_comment(env->client, wid, text, &answer, &err) != AZDO_OK)
        return write_error(vt, &err);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(answer, "id");
    if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 9e15) {
        cJSON_Delete(answer);
        azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                       "The answer to adding a comment to work item %lld has no comment id: the comment was "
                       "probably added; check before adding it again",
                       (long long)wid);
        return write_error(vt, &err);
    }
    int64_t cid = (int64_t)id->valuedouble;
    cJSON_Delete(answer);
    *rowid = cid; /* sqlite3_last_insert_rowid() */
    if (env->written < 8)
        env->written_ids[env->written] = cid;
    env->written++;
    return SQLITE_OK;
}

static sqlite3_module cm_module = {
    .iVersion = 0,
    .xCreate = cm_connect,
    .xConnect = cm_connect,
    .xBestIndex = cm_best_index,
    .xDisconnect = cm_disconnect,
    .xDestroy = cm_disconnect,
    .xOpen = cm_open,
    .xClose = cm_close,
    .xFilter = cm_filter,
    .xNext = cm_next,
    .xEof = cm_eof,
    .xColumn = cm_column,
    .xRowid = cm_rowid,
    .xUpdate = cm_update,
};

int azdo_vtab_comments_register(sqlite3 *db, azdo_vtab_env *env)
{
    return sqlite3_create_module(db, "azdo_comments", &cm_module, env);
}
