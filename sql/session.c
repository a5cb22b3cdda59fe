/*
 * session.c — one ODBC connection's SQLite database over Azure DevOps.
 *
 * Opening a session costs two requests: one cheap call that proves the URL,
 * the credentials and the project (azdo_client_validate), and the field
 * definitions that become the WorkItems columns.  Tables:
 *   WorkItems  virtual table (vtab_workitems.c)
 *   WorkItems  also writable: INSERT/UPDATE/DELETE become REST calls (xUpdate)
 *   WorkItemComments  virtual table (vtab_comments.c): read by WorkItemId, INSERT adds
 *   Fields     a plain table: each WorkItems column with the field behind it,
 *              so users can see the naming rule applied to their organization.
 */
#include "azdo_session.h"
#include "../rest/client.h"
#include "schema.h"
#include "tasks.h"
#include "vtab_workitems.h"
#include "vtab_comments.h"
#include "writeq.h"
#include "../rest/pool.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct azdo_session {
    sqlite3 *db;
    azdo_client *client;
    azdo_schema *schema;
    azdo_vtab_env env;
    char *base_url;     /* the env points at these copies */
    char *project;
    char *default_type;
    int max_concurrency;  /* MaxConcurrency */
    /* azdo_session_defer_begin's look at a statement's writes (authorize) */
    int tracking;
    int writes_workitems; /* writes WorkItems itself */
    int writes_other;     /* writes something else, or through a trigger */
    struct defer_report_ctx { azdo_defer_outcome_fn fn; void *ctx; } report; /* the array's outcome callback */
    sqlite3_int64 rowid_before; /* last_insert_rowid when the array began */
    int own_pragma;       /* azdo_session_set_read_only is setting query_only */
};

static const char *ftype_name(azdo_ftype t)
{
    switch (t) {
    case AZDO_FT_INTEGER: return "integer";
    case AZDO_FT_DOUBLE: return "double";
    case AZDO_FT_STRING: return "string";
    case AZDO_FT_LONGTEXT: return "longText";
    case AZDO_FT_DATETIME: return "dateTime";
    case AZDO_FT_BOOLEAN: return "boolean";
    case AZDO_FT_TREEPATH: return "treePath";
    case AZDO_FT_IDENTITY: return "identity";
    }
    return "string";
}

static int create_fields_table(sqlite3 *db, const azdo_schema *s)
{
    int rc = sqlite3_exec(db,
                          "CREATE TABLE main.Fields(ColumnName VARCHAR(128) PRIMARY KEY, ReferenceName VARCHAR(256),"
                          " FieldName VARCHAR(256), FieldType VARCHAR(32), Part VARCHAR(16), SqlType VARCHAR(32))",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO main.Fields VALUES(?,?,?,?,?,?)", -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < s->ncols; i++) {
        const azdo_column *c = &s->cols[i];
        sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->refname, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->friendly, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ftype_name(c->type), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5,
                          c->src == AZDO_SRC_IDENTITY_DISPLAY  ? "displayName"
                          : c->src == AZDO_SRC_IDENTITY_UNIQUE ? "uniqueName"
                                                               : "value",
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->decltype, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int is_builtin_table(const char *t)
{
    return t && (strcasecmp(t, "WorkItems") == 0 || strcasecmp(t, "WorkItemComments") == 0 ||
                 strcasecmp(t, "Fields") == 0 || strcasecmp(t, "Tasks") == 0 ||
                 strcasecmp(t, "TasksTypeMap") == 0 || strcasecmp(t, "TasksStateMap") == 0);
}

/* tables that describe the connection and are not the user's to write */
static int is_read_only_table(const char *t)
{
    return t && (strcasecmp(t, "Fields") == 0 || strcasecmp(t, "TasksTypeMap") == 0 ||
                 strcasecmp(t, "TasksStateMap") == 0);
}

static int deny(azdo_session *s, const char *fmt, const char *table)
{
    azdo_error_set(&s->env.last_error, AZDO_ERR_QUERY, fmt, table);
    s->env.has_error = 1;
    return SQLITE_DENY;
}

/* SQLite authorizer: the connection's own tables are not the user's to drop,
 * alter or (for now) write; local tables are. */
static int authorize(void *ud, int action, const char *a, const char *b, const char *db, const char *trigger)
{
    azdo_session *s = ud;
    if (s->tracking && (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE)) {
        if (!trigger && a && strcasecmp(a, "WorkItems") == 0 && (!db || strcmp(db, "main") == 0))
            s->writes_workitems = 1;
        else
            s->writes_other = 1;
    }
    if (action != SQLITE_ATTACH && db && strcmp(db, "main") != 0)
        return SQLITE_OK; /* temp tables of the same name are the user's */
    switch (action) {
    case SQLITE_ATTACH:
        /* another database file would let SQL users create or read files
         * wherever the application can; an in-memory one is harmless */
        if (a && *a && strcmp(a, ":memory:") != 0)
            return deny(s, "ATTACH of a database file ('%s') is not allowed: use local TEMP tables or an "
                           "in-memory database instead",
                        a);
        break;
    case SQLITE_PRAGMA:
        /* read-only mode is the connection's (SQL_ATTR_ACCESS_MODE): SQL may read it, not undo it */
        if (a && strcasecmp(a, "query_only") == 0 && b && !s->own_pragma)
            return deny(s, "PRAGMA %s cannot be set in SQL: use the connection attribute SQL_ATTR_ACCESS_MODE",
                        a);
        break;
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_VTABLE:
    case SQLITE_DROP_VIEW:
        if (is_builtin_table(a))
            return deny(s, "%s is a table of the Azure DevOps connection: it cannot be dropped", a);
        break;
    case SQLITE_DROP_TRIGGER:
        if (is_builtin_table(b))
            return deny(s, "%s is a table of the Azure DevOps connection: its triggers cannot be dropped", b);
        break;
    case SQLITE_ALTER_TABLE:
        if (is_builtin_table(b))
            return deny(s, "%s is a table of the Azure DevOps connection: it cannot be altered", b);
        break;
    case SQLITE_CREATE_INDEX:
        if (is_builtin_table(b))
            return deny(s, "%s is a table of the Azure DevOps connection: it cannot be indexed", b);
        break;
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
        if (is_read_only_table(a))
            return deny(s, "%s describes the connection (the WorkItems columns, TypeMap, StateMap) and is "
                           "read-only",
                        a);
        if (action != SQLITE_INSERT && a && strcasecmp(a, "WorkItemComments") == 0)
            return deny(s, "%s does not support UPDATE or DELETE: comments can only be added (INSERT)", a);
        break;
    default:
        break;
    }
    return SQLITE_OK;
}

azdo_errkind azdo_session_open(const azdo_config *cfg, azdo_transport *transport, azdo_session **out,
                               azdo_error *err)
{
    return azdo_session_open_ex(cfg, transport, NULL, out, err);
}

azdo_errkind azdo_session_open_ex(const azdo_config *cfg, azdo_transport *transport, azdo_clock *clock,
                                  azdo_session **out, azdo_error *err)
{
    *out = NULL;
    azdo_error_clear(err);
    if (!transport) {
        azdo_transport_opts opts = {cfg->timeout_s, cfg->ca_file, cfg->proxy};
        transport = azdo_curl_transport_new(&opts);
    }
    if (!transport)
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory creating the HTTP transport");
    azdo_session *s = calloc(1, sizeof *s);
    if (!s) {
        transport->destroy(transport);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    azdo_errkind rc;
    cJSON *fields = NULL;
    rc = azdo_client_new(cfg, transport, &s->client, err);
    if (rc != AZDO_OK)
        goto fail;
    azdo_client_set_clock(s->client, clock);
    if (cfg->login_timeout_s > 0) {
        azdo_clock *clk = azdo_client_clock(s->client);
        azdo_client_set_deadline(s->client, clk->monotonic(clk) + (double)cfg->login_timeout_s, "login timeout");
    }
    rc = azdo_client_validate(s->client, err);
    if (rc != AZDO_OK)
        goto fail;
    rc = azdo_client_get(s->client, 0, "wit/fields", NULL, "reading the field definitions", &fields, err);
    if (rc != AZDO_OK)
        goto fail;
    rc = azdo_schema_from_fields(fields, &s->schema, err);
    if (rc != AZDO_OK)
        goto fail;
    if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Cannot open the in-memory SQLite database");
        goto fail;
    }
    s->env.client = s->client;
    s->env.schema = s->schema;
    s->env.project_scoped = cfg->project && *cfg->project;
    s->base_url = strdup(cfg->base_url ? cfg->base_url : "");
    s->project = strdup(cfg->project ? cfg->project : "");
    s->default_type = cfg->default_work_item_type ? strdup(cfg->default_work_item_type) : NULL;
    if (!s->base_url || !s->project || (cfg->default_work_item_type && !s->default_type)) {
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
        goto fail;
    }
    s->env.base_url = s->base_url;
    s->env.project = s->project;
    s->env.default_type = s->default_type;
    s->max_concurrency = cfg->max_concurrency;
    s->env.max_concurrency = cfg->max_concurrency;
    s->env.flags = (azdo_write_flags){cfg->validate_only, cfg->bypass_rules, cfg->suppress_notifications};
    s->env.delete_destroy = cfg->delete_destroy;
    if (azdo_vtab_register(s->db, &s->env) != SQLITE_OK ||
        sqlite3_exec(s->db, "CREATE VIRTUAL TABLE main.WorkItems USING azdo(WorkItems)", NULL, NULL, NULL) !=
            SQLITE_OK ||
        azdo_vtab_comments_register(s->db, &s->env) != SQLITE_OK ||
        sqlite3_exec(s->db, "CREATE VIRTUAL TABLE main.WorkItemComments USING azdo_comments", NULL, NULL, NULL) !=
            SQLITE_OK ||
        create_fields_table(s->db, s->schema) != SQLITE_OK) {
        rc = azdo_error_set(err, AZDO_ERR_INTERNAL, "Cannot create the tables: %s", sqlite3_errmsg(s->db));
        goto fail;
    }
    if ((rc = azdo_tasks_create(s->db, s->schema, cfg, err)) != AZDO_OK)
        goto fail;
    /* no writable_schema, no shadow-table writes, no file-backed surprises */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_set_authorizer(s->db, authorize, s);
    azdo_client_set_deadline(s->client, 0, NULL); /* the login timeout covered the connect only */
    cJSON_Delete(fields);
    *out = s;
    return AZDO_OK;
fail:
    cJSON_Delete(fields);
    azdo_session_close(s);
    return rc;
}

sqlite3 *azdo_session_db(azdo_session *s) { return s->db; }

const azdo_error *azdo_session_last_error(const azdo_session *s)
{
    return s->env.has_error ? &s->env.last_error : NULL;
}

void azdo_session_clear_error(azdo_session *s)
{
    s->env.has_error = 0;
    azdo_error_clear(&s->env.last_error);
}

void azdo_session_begin_statement(azdo_session *s, long timeout_s)
{
    s->env.written = 0; /* what this statement writes, for its error if it fails part-way */
    s->env.nexpected = 0;
    azdo_client_clear_cancel(s->client);
    azdo_clock *clk = azdo_client_clock(s->client);
    azdo_client_set_deadline(s->client, timeout_s > 0 ? clk->monotonic(clk) + (double)timeout_s : 0,
                             "query timeout (SQL_ATTR_QUERY_TIMEOUT)");
}

int azdo_session_set_read_only(azdo_session *s, int on)
{
    s->own_pragma = 1;
    int rc = sqlite3_exec(s->db, on ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0", NULL, NULL, NULL);
    s->own_pragma = 0;
    return rc == SQLITE_OK ? 0 : -1;
}

void azdo_session_set_write_intent(azdo_session *s, int on)
{
    s->env.write_intent = on != 0;
}

long azdo_session_statement_writes(const azdo_session *s)
{
    return s->env.written;
}

void azdo_session_cancel(azdo_session *s)
{
    azdo_client_cancel(s->client);
}

const char *azdo_session_user(const azdo_session *s) { return ""; }

/* ---- parameter arrays: concurrent writes ------------------------------------- */

/* Does vm write WorkItems and nothing else, directly (no view trigger)?
 * Then its rows are independent REST calls that may run concurrently.  The
 * authorizer sees every table a statement writes only while it is being
 * prepared, so prepare the same text once more to look (no HTTP). */
static int writes_only_workitems(azdo_session *s, sqlite3_stmt *vm)
{
    const char *sql = sqlite3_sql(vm);
    if (!sql)
        return 0;
    sqlite3_stmt *probe = NULL;
    s->tracking = 1;
    s->writes_workitems = s->writes_other = 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &probe, NULL);
    s->tracking = 0;
    sqlite3_finalize(probe);
    return rc == SQLITE_OK && s->writes_workitems && !s->writes_other;
}

static void report_write(void *ctx, const azdo_write *w)
{
    struct defer_report_ctx *r = ctx;
    r->fn(r->ctx, w->tag, w->rc == AZDO_OK ? NULL : &w->err);
}

int azdo_session_defer_begin(azdo_session *s, sqlite3_stmt *vm, azdo_defer_outcome_fn fn, void *ctx)
{
    if (s->env.writeq || s->max_concurrency <= 1 || !writes_only_workitems(s, vm))
        return 0;
    azdo_pool *pool = azdo_vtab_pool(&s->env);
    if (!pool || !azdo_pool_parallel(pool))
        return 0;
    s->report.fn = fn;
    s->report.ctx = ctx;
    s->env.writeq = azdo_writeq_new(s->client, pool, report_write, &s->report);
    s->env.write_tag = -1;
    s->rowid_before = sqlite3_last_insert_rowid(s->db);
    return s->env.writeq != NULL;
}

void azdo_session_defer_tag(azdo_session *s, long tag)
{
    s->env.write_tag = tag;
}

void azdo_session_defer_end(azdo_session *s)
{
    if (!s->env.writeq)
        return;
    int64_t last = azdo_writeq_finish(s->env.writeq);
    s->env.writeq = NULL;
    s->env.write_tag = -1;
    /* the steps inserted nothing SQLite saw: the last created item, or what was there before */
    sqlite3_set_last_insert_rowid(s->db, last > 0 ? last : s->rowid_before);
}

void azdo_session_close(azdo_session *s)
{
    if (!s)
        return;
    if (s->env.writeq) /* an array interrupted by a disconnect: let its writes land */
        azdo_writeq_finish(s->env.writeq);
    if (s->db)
        sqlite3_close_v2(s->db); /* closes the cursors, whose reads use the pool */
    azdo_pool_free(s->env.pool);
    azdo_schema_free(s->schema);
    azdo_client_free(s->client);
    free(s->base_url);
    free(s->project);
    free(s->default_type);
    free(s);
}
