/*
 * stmt.c — preparing and executing statements, cancel, transactions, and
 * the small statement-level calls (parameters and parameter arrays:
 * params.c).
 *
 * How execution works: SQLPrepare compiles the text with sqlite3_prepare_v2
 * on the session database, after telling the session whether the statement
 * is an UPDATE or DELETE (azdo_session_set_write_intent; sqlscan.h says what
 * the statement is).  SQLExecute binds the parameters (read from the
 * application's buffers now, as ODBC's deferred binding requires), then
 * performs the FIRST sqlite3_step, so that errors — including REST errors
 * raised inside the virtual tables — surface at execute time, and a SELECT's
 * first row is buffered in the VM (row_state ROW_PENDING) for SQLFetch.  A
 * parameter array executes the statement once per parameter set (params.c).
 *
 * Before SQLite sees the text, ODBC escape sequences are rewritten to SQLite
 * SQL (sqlesc.h; not with SQL_ATTR_NOSCAN = SQL_NOSCAN_ON), and
 * SQLNativeSql returns that rewritten text.
 *
 * One statement per call: text after the first statement (other than
 * spaces, ';' and comments) is rejected with 42000 rather than silently
 * ignored or run.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "driver.h"
#include "sqlesc.h"
#include "sqlscan.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- stepping, errors ----------------------------------------------------------- */

/*
 * Statement control: SQL_ATTR_QUERY_TIMEOUT and SQLCancel.
 *
 * Every sqlite3_step (the one in SQLExecute and every later one in SQLFetch)
 * is one ODBC call, and each gets the whole QUERY_TIMEOUT: long result sets
 * are fetched page by page, and an ETL job streaming for an hour must not
 * fail because the first page came an hour ago.  Two mechanisms share the
 * same deadline, taken at the same instant:
 *   - azdo_session_begin_statement: covers everything done over HTTP
 *     (requests in flight and retry waits).  The vtab call fails with
 *     AZDO_ERR_TIMEOUT, and the session keeps that error.
 *   - the SQLite progress handler: covers local work between requests
 *     (sorting, a recursive CTE), which the session cannot see.  It runs only
 *     while SQLite executes VM instructions, never during an HTTP request, so
 *     the two do not race for the same moment.
 * SQLCancel does both as well: azdo_session_cancel aborts the request or wait
 * in flight, sqlite3_interrupt stops local work.
 * stmt_sqlite_error prefers the session's own TIMEOUT/CANCELLED error (its
 * message says which request), then the cancel flag (a cancel always reads
 * HY008, whatever the aborted request reported), then the progress
 * handler's timeout.
 */

/* SQLite calls this every 1000 VM instructions of a step: the place where
 * SQLCancel and the query timeout stop local work.  Not sqlite3_interrupt,
 * which would stop every statement of the connection, and keep stopping
 * them while any of them has a cursor open. */
static int step_progress(void *arg)
{
    drv_stmt *s = arg;
    if (__atomic_load_n(&s->cancel_requested, __ATOMIC_RELAXED))
        return 1; /* makes the step return SQLITE_INTERRUPT */
    if (s->deadline > 0 && now_s() > s->deadline) {
        s->timed_out = 1;
        return 1;
    }
    return 0;
}

int stmt_step(drv_stmt *s)
{
    return stmt_step_timeout(s, s->query_timeout > (SQLULEN)LONG_MAX ? LONG_MAX : (long)s->query_timeout);
}

int stmt_step_timeout(drv_stmt *s, long timeout)
{
    drv_dbc *c = s->dbc;
    sqlite3 *db = stmt_db(s);

    azdo_session_clear_error(c->session);
    /* SQLite re-prepares a statement whose schema changed inside sqlite3_step:
     * the intent must be this statement's then too */
    azdo_session_set_write_intent(c->session, s->write_intent);
    /* under cancel_lock, so that a SQLCancel arriving now is not cleared by
     * begin_statement: it either sees executing == 0 or comes after */
    pthread_mutex_lock(&c->cancel_lock);
    s->executing = 1;
    if (!s->batch_executing) { /* an array clears them once, for all its sets */
        s->cancel_requested = 0;
        s->timed_out = 0;
    }
    azdo_session_begin_statement(c->session, timeout);
    /* begin_statement cleared the client's cancel flag; in an array whose
     * writes are still in flight (params.c) a SQLCancel must keep stopping them */
    if (s->batch_executing && s->cancel_requested)
        azdo_session_cancel(c->session);
    pthread_mutex_unlock(&c->cancel_lock);

    if (timeout > 0)
        s->deadline = now_s() + (double)timeout;
    sqlite3_progress_handler(db, 1000, step_progress, s);
    int rc = sqlite3_step(s->vm);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    s->deadline = 0;

    pthread_mutex_lock(&c->cancel_lock);
    s->executing = 0;
    pthread_mutex_unlock(&c->cancel_lock);
    return rc;
}

SQLRETURN stmt_sqlite_error(drv_stmt *s, int rc, SQLLEN row)
{
    return stmt_sqlite_error_to(s, &s->h.diag, rc, row);
}

SQLRETURN stmt_sqlite_error_to(drv_stmt *s, drv_diag *d, int rc, SQLLEN row)
{
    sqlite3 *db = stmt_db(s);
    const azdo_error *last = azdo_session_last_error(s->dbc->session);
    if (last && (last->kind == AZDO_ERR_TIMEOUT || last->kind == AZDO_ERR_CANCELLED))
        return diag_sqlite(d, rc, sqlite3_errmsg(db), last, row);
    if (s->cancel_requested) {
        diag_post(d, "HY008", rc, row, SQL_NO_COLUMN_NUMBER, "Operation canceled");
        return SQL_ERROR;
    }
    if ((rc & 0xff) == SQLITE_INTERRUPT && s->timed_out) {
        diag_post(d, "HYT00", rc, row, SQL_NO_COLUMN_NUMBER,
                  "Query timeout expired (SQL_ATTR_QUERY_TIMEOUT = %lu s)",
                  (unsigned long)s->query_timeout);
        return SQL_ERROR;
    }
    return diag_sqlite(d, sqlite3_extended_errcode(db), sqlite3_errmsg(db), last, row);
}

/* ---- prepare ------------------------------------------------------------------ */

static SQLRETURN prepare_vm(drv_stmt *s, const char *sql, size_t n)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (s->has_cursor)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state: close the open result set first");
    if (n > INT_MAX)
        return diag_err(&s->h.diag, "HY090", "The statement text is too long");
    stmt_drop_vm(s);

    sqlite3 *db = stmt_db(s);
    sqlite3_stmt *vm = NULL;
    const char *tail = NULL;
    azdo_session_clear_error(s->dbc->session);
    /* a cancel or timeout of the previous execution says nothing about this one */
    pthread_mutex_lock(&s->dbc->cancel_lock);
    s->cancel_requested = 0;
    s->timed_out = 0;
    pthread_mutex_unlock(&s->dbc->cancel_lock);
    /* the session plans WorkItems writes differently (Rev as a test /rev):
     * say what this statement is before SQLite plans it */
    s->kind = sqlscan_kind_of(sql, n);
    s->write_intent = s->kind == SQLK_UPDATE || s->kind == SQLK_DELETE;
    azdo_session_set_write_intent(s->dbc->session, s->write_intent);
    int rc = sqlite3_prepare_v2(db, sql, (int)n, &vm, &tail);
    if (rc != SQLITE_OK)
        return stmt_sqlite_error(s, rc, SQL_NO_ROW_NUMBER);
    if (!vm)
        return diag_err(&s->h.diag, "42000", "Syntax error: the SQL statement is empty");
    size_t used = tail ? (size_t)(tail - sql) : n;
    if (sqlscan_skip_blanks(sql, n, used, 1) < n) {
        sqlite3_finalize(vm);
        return diag_err(&s->h.diag, "42000",
                        "Only one SQL statement per call is supported: there is more text after the "
                        "first statement; send each statement separately");
    }
    s->vm = vm;
    s->ncols = sqlite3_column_count(vm);
    return SQL_SUCCESS;
}

/* What {fn DATABASE()}, {fn USER()} and the SQLite-dependent {fn}s read. */
static void escape_env(drv_dbc *c, sqlesc_env *env)
{
    env->database = c->database;
    env->user = c->session ? azdo_session_user(c->session) : NULL;
    env->caps = drv_sqlesc_caps();
}

/* Posts the rewriter's error on d. */
static SQLRETURN escape_error(drv_diag *d, const sqlesc_result *r)
{
    if (strcmp(r->state, "HY001") == 0)
        return diag_nomem(d);
    return diag_err(d, r->state, "%s", r->message);
}

SQLRETURN drv_prepare(drv_stmt *s, const char *sql, SQLLEN len)
{
    if (!sql)
        return diag_err(&s->h.diag, "HY009", "Invalid use of null pointer: no statement text");
    size_t n = drv_inlen(sql, len);
    /* ODBC escapes ({fn …}, {ts …}, …) become SQLite SQL first, unless the
     * application asked for the text as it is (SQL_ATTR_NOSCAN) */
    if (s->noscan == SQL_NOSCAN_ON || !sqlesc_maybe(sql, n))
        return prepare_vm(s, sql, n);
    sqlesc_env env;
    sqlesc_result r;
    escape_env(s->dbc, &env);
    if (sqlesc_rewrite(sql, n, &env, &r) != 0)
        return escape_error(&s->h.diag, &r);
    SQLRETURN rc = prepare_vm(s, r.sql, r.len);
    sqlesc_result_free(&r);
    return rc;
}

/* ---- execute ------------------------------------------------------------------ */

/*
 * The first sqlite3_step of an execution whose parameters are bound: a
 * result set keeps its first row buffered; DML records its row count.
 * Used for a single parameter set (params.c) and for catalog SQL.
 */
SQLRETURN stmt_first_step(drv_stmt *s)
{
    SQLRETURN rc = SQL_SUCCESS;
    int r = stmt_step(s);
    if (s->params_processed_ptr)
        *s->params_processed_ptr = 1;
    if (r == SQLITE_ROW) {
        s->has_cursor = 1;
        s->row_state = ROW_PENDING;
    } else if (r == SQLITE_DONE) {
        if (s->ncols > 0) {
            s->has_cursor = 1; /* an empty result set is still a result set */
            s->row_state = ROW_END;
        } else {
            s->row_count = stmt_is_dml(s) ? sqlite3_changes(stmt_db(s)) : -1;
            sqlite3_reset(s->vm);
            /* ODBC 3: a searched UPDATE/DELETE that touched no row returns SQL_NO_DATA */
            if (s->row_count == 0 && (long)s->dbc->odbc_version >= (long)SQL_OV_ODBC3 &&
                (s->kind == SQLK_UPDATE || s->kind == SQLK_DELETE))
                rc = SQL_NO_DATA;
        }
    } else {
        if (s->param_status_ptr)
            s->param_status_ptr[0] = SQL_PARAM_ERROR;
        rc = stmt_sqlite_error(s, r, SQL_NO_ROW_NUMBER);
        sqlite3_reset(s->vm);
        return rc;
    }
    s->executed = 1;
    if (s->param_status_ptr)
        s->param_status_ptr[0] = SQL_PARAM_SUCCESS;
    return rc;
}

int stmt_is_dml(drv_stmt *s)
{
    return s->vm && !sqlite3_stmt_readonly(s->vm) &&
           (s->kind == SQLK_INSERT || s->kind == SQLK_REPLACE || s->kind == SQLK_UPDATE ||
            s->kind == SQLK_DELETE);
}

static SQLRETURN execute_vm(drv_stmt *s)
{
    stmt_reset_cursor(s);
    stmt_forget_cols(s); /* expression types follow the new first row */
    stmt_dae_reset(s);
    s->row_count = -1;
    s->executed = 0;
    if (s->internal_params) {
        if (s->params_processed_ptr)
            *s->params_processed_ptr = 0;
        return stmt_first_step(s);
    }
    return stmt_execute_params(s);
}

SQLRETURN drv_execute(drv_stmt *s)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!s->vm)
        return diag_err(&s->h.diag, "HY010", "Function sequence error: no statement is prepared");
    if (s->has_cursor)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state: close the open result set first");
    return execute_vm(s);
}

SQLRETURN drv_exec_direct(drv_stmt *s, const char *sql, SQLLEN len)
{
    SQLRETURN rc = drv_prepare(s, sql, len);
    if (rc != SQL_SUCCESS)
        return rc;
    return execute_vm(s);
}

SQLRETURN stmt_exec_internal(drv_stmt *s, const char *sql, const char *const *args, int nargs,
                             const drv_catcol *catcols)
{
    SQLRETURN rc = prepare_vm(s, sql, strlen(sql));
    if (rc != SQL_SUCCESS)
        return rc;
    s->catcols = catcols;
    s->internal_params = 1;
    for (int i = 0; i < nargs; i++) {
        int r = args[i] ? sqlite3_bind_text(s->vm, i + 1, args[i], -1, SQLITE_TRANSIENT)
                        : sqlite3_bind_null(s->vm, i + 1);
        if (r != SQLITE_OK)
            return diag_nomem(&s->h.diag);
    }
    return execute_vm(s);
}

/* ---- results bookkeeping --------------------------------------------------------- */

SQLRETURN drv_row_count(drv_stmt *s, SQLLEN *n)
{
    /* -1 after a SELECT, never an error: pyodbc calls this after every execute */
    if (n)
        *n = s->row_count;
    return SQL_SUCCESS;
}

SQLRETURN drv_more_results(drv_stmt *s)
{
    /* one result set per statement: discard it and say there is no other */
    if (s->has_cursor)
        stmt_reset_cursor(s);
    return SQL_NO_DATA;
}

SQLRETURN drv_free_stmt(drv_stmt *s, SQLUSMALLINT option)
{
    switch (option) {
    case SQL_CLOSE:
        stmt_reset_cursor(s);
        return SQL_SUCCESS;
    case SQL_UNBIND:
        free(s->binds);
        s->binds = NULL;
        s->nbinds = 0;
        return SQL_SUCCESS;
    case SQL_RESET_PARAMS:
        /* Only forget the application's buffers.  The values bound in SQLite
         * stay: a row of "SELECT ?" still points at them (pyodbc resets the
         * parameters right after SQLExecute, before fetching), and the next
         * execute rebinds everything anyway. */
        stmt_dae_reset(s);
        free(s->params);
        s->params = NULL;
        s->nparams = 0;
        return SQL_SUCCESS;
    default:
        return diag_err(&s->h.diag, "HY092", "Invalid SQLFreeStmt option %u", (unsigned)option);
    }
}

SQLRETURN drv_close_cursor(drv_stmt *s)
{
    if (!s->has_cursor)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state: no cursor is open");
    stmt_reset_cursor(s);
    return SQL_SUCCESS;
}

SQLRETURN drv_cancel(SQLHSTMT h)
{
    /* Runs beside a call that holds the connection lock: touch only what
     * cancel_lock guards.  With nothing executing, SQLCancel has no effect
     * (ODBC 3.5 semantics). */
    if (!handle_is(h, SQL_HANDLE_STMT))
        return SQL_INVALID_HANDLE;
    drv_stmt *s = h;
    drv_dbc *c = s->dbc;
    pthread_mutex_lock(&c->cancel_lock);
    int executing = s->executing || s->batch_executing;
    if (executing && c->session) {
        __atomic_store_n(&s->cancel_requested, 1, __ATOMIC_RELAXED); /* local work: step_progress */
        azdo_session_cancel(c->session);                          /* the HTTP request or retry wait */
    }
    pthread_mutex_unlock(&c->cancel_lock);
    /* In the need-data state (SQLExecute returned SQL_NEED_DATA) no call is
     * running and SQLCancel ends the data-at-execution sequence.  trylock:
     * never wait for a call another thread is making. */
    if (!executing && pthread_mutex_trylock(&c->lock) == 0) {
        if (s->dae_state != DAE_NONE)
            stmt_dae_reset(s);
        pthread_mutex_unlock(&c->lock);
    }
    return SQL_SUCCESS;
}

SQLRETURN drv_end_tran(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT completion)
{
    /* Writes are applied immediately (there is nothing to commit or roll
     * back), so both succeed; pyodbc rolls back on every close. */
    if (type == SQL_HANDLE_ENV) {
        drv_env *e = env_enter(h);
        if (!e)
            return SQL_INVALID_HANDLE;
        if (completion != SQL_COMMIT && completion != SQL_ROLLBACK)
            return env_leave(e, diag_err(&e->h.diag, "HY012", "Invalid transaction operation code"));
        return env_leave(e, SQL_SUCCESS);
    }
    if (type == SQL_HANDLE_DBC) {
        drv_dbc *c = dbc_enter(h);
        if (!c)
            return SQL_INVALID_HANDLE;
        if (completion != SQL_COMMIT && completion != SQL_ROLLBACK)
            return dbc_leave(c, diag_err(&c->h.diag, "HY012", "Invalid transaction operation code"));
        if (!c->session)
            return dbc_leave(c, diag_err(&c->h.diag, "08003", "Connection not open"));
        return dbc_leave(c, SQL_SUCCESS);
    }
    return SQL_INVALID_HANDLE;
}

SQLRETURN drv_native_sql(drv_dbc *c, const char *in, SQLLEN inlen, const drv_strout *out,
                         SQLLEN *outlen)
{
    if (!in)
        return diag_err(&c->h.diag, "HY009", "Invalid use of null pointer");
    /* the text SQLPrepare would give SQLite (with SQL_NOSCAN_OFF) */
    sqlesc_env env;
    sqlesc_result r;
    escape_env(c, &env);
    if (sqlesc_rewrite(in, drv_inlen(in, inlen), &env, &r) != 0)
        return escape_error(&c->h.diag, &r);
    int t = drv_strout_put(out, r.sql, r.len, outlen);
    sqlesc_result_free(&r);
    if (t < 0)
        return diag_nomem(&c->h.diag);
    return t ? diag_warn(&c->h.diag, "01004", "String data, right truncated") : SQL_SUCCESS;
}

SQLRETURN drv_get_cursor_name(drv_stmt *s, const drv_strout *out, SQLLEN *outlen)
{
    if (!s->cursor_name) {
        char name[40];
        snprintf(name, sizeof name, "SQL_CUR%lx", (unsigned long)(uintptr_t)s);
        s->cursor_name = strdup(name);
        if (!s->cursor_name)
            return diag_nomem(&s->h.diag);
    }
    int t = drv_strout_put(out, s->cursor_name, strlen(s->cursor_name), outlen);
    if (t < 0)
        return diag_nomem(&s->h.diag);
    return t ? diag_warn(&s->h.diag, "01004", "String data, right truncated") : SQL_SUCCESS;
}

SQLRETURN drv_set_cursor_name(drv_stmt *s, const char *name, SQLLEN len)
{
    if (!name)
        return diag_err(&s->h.diag, "HY009", "Invalid use of null pointer");
    size_t n = drv_inlen(name, len);
    if (n == 0 || n > 128 || (n >= 6 && strncasecmp(name, "SQLCUR", 6) == 0) ||
        (n >= 7 && strncasecmp(name, "SQL_CUR", 7) == 0))
        return diag_err(&s->h.diag, "34000", "Invalid cursor name");
    if (s->has_cursor)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state");
    char *d = strndup(name, n);
    if (!d)
        return diag_nomem(&s->h.diag);
    free(s->cursor_name);
    s->cursor_name = d;
    return SQL_SUCCESS;
}
