/*
 * diag.c — diagnostic records, the SQLSTATE table, SQLGetDiagRec/Field.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

void diag_init(drv_diag *d)
{
    memset(d, 0, sizeof *d);
}

void diag_clear(drv_diag *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->recs[i].msg);
    free(d->recs);
    d->recs = NULL;
    d->n = d->cap = 0;
    d->lost = 0;
    d->retcode = SQL_SUCCESS;
}

void diag_vpost(drv_diag *d, const char *state, SQLINTEGER native, SQLLEN row, SQLINTEGER col,
                const char *fmt, va_list ap)
{
    char text[AZDO_ERRMSG_MAX + 256];
    int n = snprintf(text, sizeof text, "%s", DIAG_PREFIX);
    if (n < 0)
        n = 0;
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);

    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 4;
        drv_diag_rec *r = realloc(d->recs, (size_t)cap * sizeof *r);
        if (!r) {
            d->lost = 1;
            return;
        }
        d->recs = r;
        d->cap = cap;
    }
    char *msg = strdup(text);
    if (!msg) {
        d->lost = 1;
        return;
    }
    drv_diag_rec *r = &d->recs[d->n++];
    snprintf(r->state, sizeof r->state, "%s", state);
    r->native = native;
    r->msg = msg;
    r->row = row;
    r->col = col;
}

void diag_post(drv_diag *d, const char *state, SQLINTEGER native, SQLLEN row, SQLINTEGER col,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vpost(d, state, native, row, col, fmt, ap);
    va_end(ap);
}

SQLRETURN diag_err(drv_diag *d, const char *state, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vpost(d, state, 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER, fmt, ap);
    va_end(ap);
    return SQL_ERROR;
}

SQLRETURN diag_warn(drv_diag *d, const char *state, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vpost(d, state, 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER, fmt, ap);
    va_end(ap);
    return SQL_SUCCESS_WITH_INFO;
}

SQLRETURN diag_nomem(drv_diag *d)
{
    /* Posting may itself fail; `lost` then makes the record read back as HY001. */
    d->lost = 1;
    diag_post(d, "HY001", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER, "Memory allocation error");
    if (d->n > 0)
        d->lost = 0;
    return SQL_ERROR;
}

/*
 * THE table.  One row per azdo_errkind: the SQLSTATE for a statement and for
 * a connect.  At connect, every failure that means "no connection could be
 * established with these settings" is 08001, so that clients treat it as a
 * connection failure (Tableau's "Unable to connect", pyodbc's
 * OperationalError), and every credential problem is 28000 (Tableau prompts
 * for credentials again only on 28000).  Where the columns differ:
 *   LINK, PROTOCOL  mid-statement the link was lost or the answer was
 *              garbage: 08S01.  At connect nothing was established yet:
 *              08001 (a proxy's or captive portal's page, a truncated
 *              answer, a reset during the first request).
 *   NOT_FOUND  during a statement: something the query needs is gone (a project
 *              deleted meanwhile) — HY000, not 42S02, which means a table the
 *              SQL named does not exist
 *              (42S02); at connect it is the organization, collection or
 *              project (08001; rest/ usually says so itself).
 *   QUERY      a 400 at connect is a setting the service refuses, typically
 *              an ApiVersion out of range: 08001, not a syntax error.
 *   PERMISSION 403 at connect: the credentials are valid but lack a scope
 *              or access to the project: 28000.  During a statement: 42000.
 *   THROTTLED, SERVER  429 or 5xx that retries could not ride out: at
 *              connect the service cannot be reached now (08001, as
 *              odbc-clients.md 7 has it); in a statement HY000.
 *   CONFIG     a bad connection setting stops the connection: 08001.
 * Token endpoint refusals (AADSTS…, invalid_grant) and missing AuthScheme
 * keys arrive as AUTH: 28000.
 */
static const struct {
    azdo_errkind kind;
    const char *stmt;
    const char *connect;
} kind_states[] = {
    {AZDO_OK, "HY000", "HY000"},
    {AZDO_ERR_AUTH, "28000", "28000"},
    {AZDO_ERR_CONNECT, "08001", "08001"},
    {AZDO_ERR_LINK, "08S01", "08001"},
    {AZDO_ERR_TIMEOUT, "HYT00", "HYT00"},
    {AZDO_ERR_NOT_FOUND, "HY000", "08001"},
    {AZDO_ERR_QUERY, "42000", "08001"},
    {AZDO_ERR_PROTOCOL, "08S01", "08001"},
    {AZDO_ERR_PERMISSION, "42000", "28000"},
    {AZDO_ERR_CONFLICT, "40001", "HY000"},
    {AZDO_ERR_RULE, "23000", "HY000"},
    {AZDO_ERR_THROTTLED, "HY000", "08001"},
    {AZDO_ERR_CANCELLED, "HY008", "HY008"},
    {AZDO_ERR_CONFIG, "HY000", "08001"},
    {AZDO_ERR_NOMEM, "HY001", "HY001"},
    {AZDO_ERR_SERVER, "HY000", "08001"},
    {AZDO_ERR_INTERNAL, "HY000", "HY000"},
};

const char *diag_state_for_kind(azdo_errkind kind, diag_ctx ctx)
{
    for (size_t i = 0; i < sizeof kind_states / sizeof kind_states[0]; i++)
        if (kind_states[i].kind == kind)
            return ctx == DIAG_CTX_CONNECT ? kind_states[i].connect : kind_states[i].stmt;
    return "HY000";
}

SQLRETURN diag_azdo(drv_diag *d, const azdo_error *e, diag_ctx ctx)
{
    const char *msg = e->message[0] ? e->message : azdo_errkind_name(e->kind);
    diag_post(d, diag_state_for_kind(e->kind, ctx), e->http_status, SQL_NO_ROW_NUMBER,
              SQL_NO_COLUMN_NUMBER, "%s", msg);
    return SQL_ERROR;
}

static int starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

const char *diag_sqlite_state(int errcode, const char *msg)
{
    int primary = errcode & 0xff;
    if (!msg)
        msg = "";
    if (primary == SQLITE_CONSTRAINT)
        return "23000";
    if (primary == SQLITE_INTERRUPT)
        return "HY008";
    if (primary == SQLITE_NOMEM)
        return "HY001";
    if (starts_with(msg, "no such table") || starts_with(msg, "no such view"))
        return "42S02";
    if (starts_with(msg, "no such column"))
        return "42S22";
    if (starts_with(msg, "near \"") || strstr(msg, "syntax error") ||
        starts_with(msg, "incomplete input") || starts_with(msg, "unrecognized token"))
        return "42000";
    /* other errors in the statement text itself are "syntax error or access rule violation" */
    if (starts_with(msg, "no such function") || starts_with(msg, "wrong number of arguments") ||
        starts_with(msg, "ambiguous column name") || starts_with(msg, "misuse of aggregate"))
        return "42000";
    /* "table WorkItems may not be modified": an access rule violation */
    if (primary == SQLITE_READONLY)
        return "25000"; /* a read-only connection (diag_sqlite words the message) */
    if (strstr(msg, "may not be modified") || primary == SQLITE_AUTH)
        return "42000";
    if (strstr(msg, "already exists"))
        return starts_with(msg, "index") ? "42S11" : "42S01";
    return "HY000";
}

SQLRETURN diag_sqlite(drv_diag *d, int errcode, const char *msg, const azdo_error *last, SQLLEN row)
{
    if (last && last->kind != AZDO_OK) {
        const char *m = last->message[0] ? last->message : azdo_errkind_name(last->kind);
        diag_post(d, diag_state_for_kind(last->kind, DIAG_CTX_STMT), last->http_status, row,
                  SQL_NO_COLUMN_NUMBER, "%s", m);
        return SQL_ERROR;
    }
    if ((errcode & 0xff) == SQLITE_READONLY) {
        /* the session database is in memory: only SQL_MODE_READ_ONLY (attrs.c,
         * PRAGMA query_only) makes it refuse a write */
        diag_post(d, "25000", errcode, row, SQL_NO_COLUMN_NUMBER,
                  "Read-only connection (SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY): INSERT, UPDATE, DELETE "
                  "and CREATE are refused; set SQL_MODE_READ_WRITE to write");
        return SQL_ERROR;
    }
    diag_post(d, diag_sqlite_state(errcode, msg), errcode, row, SQL_NO_COLUMN_NUMBER, "%s",
              msg && *msg ? msg : "SQLite error");
    return SQL_ERROR;
}

/* ---- SQLGetDiagRec / SQLGetDiagField ----------------------------------- */

/* The record to report: recs[i], or the synthetic HY001 when one was lost. */
static int rec_count(const drv_diag *d)
{
    return d->n + (d->lost ? 1 : 0);
}

static drv_diag_rec lost_rec(void)
{
    drv_diag_rec r = {"HY001", 0, (char *)DIAG_PREFIX "Memory allocation error (a diagnostic was lost)",
                      SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER};
    return r;
}

SQLRETURN drv_get_diag_rec(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT recno, char state[6],
                           SQLINTEGER *native, const drv_strout *msg, SQLLEN *msglen)
{
    pthread_mutex_t *lock = NULL;
    drv_hdr *hdr = hdr_enter(type, h, &lock);
    SQLRETURN rc = SQL_SUCCESS;
    if (!hdr)
        return SQL_INVALID_HANDLE;
    if (recno <= 0) {
        rc = SQL_ERROR;
        goto done;
    }
    if (recno > rec_count(&hdr->diag)) {
        rc = SQL_NO_DATA;
        goto done;
    }
    drv_diag_rec r = recno <= hdr->diag.n ? hdr->diag.recs[recno - 1] : lost_rec();
    if (state)
        memcpy(state, r.state, 6);
    if (native)
        *native = r.native;
    int t = drv_strout_put(msg, r.msg, strlen(r.msg), msglen);
    if (t < 0)
        rc = SQL_ERROR;
    else if (t > 0)
        rc = SQL_SUCCESS_WITH_INFO; /* the DM itself reads with 513 characters */
done:
    if (lock)
        pthread_mutex_unlock(lock);
    return rc;
}

static const char *class_origin(const char *state)
{
    /* ODBC-specific classes are "ODBC 3.0"; the ISO ones "ISO 9075" */
    if (strncmp(state, "IM", 2) == 0 || strncmp(state, "HY", 2) == 0)
        return "ODBC 3.0";
    return "ISO 9075";
}

static const char *subclass_origin(const char *state)
{
    static const char *const odbc[] = {
        "01S00", "01S01", "01S02", "01S06", "01S07", "07S01", "08S01", "21S01", "21S02",
        "25S01", "25S02", "25S03", "42S01", "42S02", "42S11", "42S12", "42S21", "42S22",
        "HY095", "HY097", "HY098", "HY099", "HY100", "HY101", "HY105", "HY107", "HY109",
        "HY110", "HY111", "HYT00", "HYT01", "IM001", "IM002", "IM003", "IM004", "IM005",
        "IM006", "IM007", "IM008", "IM010", "IM011", "IM012", NULL,
    };
    for (int i = 0; odbc[i]; i++)
        if (strcmp(state, odbc[i]) == 0)
            return "ODBC 3.0";
    return class_origin(state);
}

static SQLRETURN put_diag_string(const char *s, SQLPOINTER info, SQLSMALLINT buflen,
                                 SQLSMALLINT *outlen, int wide)
{
    drv_strout o = wide ? drv_strout_w_bytes(info, buflen) : drv_strout_a(info, buflen);
    SQLLEN len = 0;
    int t = drv_strout_put(&o, s, strlen(s), &len);
    if (outlen)
        *outlen = (SQLSMALLINT)(len > 32767 ? 32767 : len);
    return t < 0 ? SQL_ERROR : t > 0 ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
}

SQLRETURN drv_get_diag_field(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT recno, SQLSMALLINT field,
                             SQLPOINTER info, SQLSMALLINT buflen, SQLSMALLINT *outlen, int wide)
{
    pthread_mutex_t *lock = NULL;
    drv_hdr *hdr = hdr_enter(type, h, &lock);
    SQLRETURN rc = SQL_SUCCESS;
    if (!hdr)
        return SQL_INVALID_HANDLE;
    drv_diag *d = &hdr->diag;

    /* header fields (RecNumber ignored) */
    switch (field) {
    case SQL_DIAG_NUMBER:
        if (info)
            *(SQLINTEGER *)info = rec_count(d);
        goto done;
    case SQL_DIAG_RETURNCODE:
        if (info)
            *(SQLRETURN *)info = d->retcode;
        goto done;
    case SQL_DIAG_ROW_COUNT:
    case SQL_DIAG_CURSOR_ROW_COUNT:
        if (type != SQL_HANDLE_STMT) {
            rc = SQL_ERROR;
            goto done;
        }
        if (info)
            *(SQLLEN *)info = field == SQL_DIAG_ROW_COUNT ? ((drv_stmt *)hdr)->row_count : -1;
        goto done;
    case SQL_DIAG_DYNAMIC_FUNCTION:
        if (type != SQL_HANDLE_STMT) {
            rc = SQL_ERROR;
            goto done;
        }
        rc = put_diag_string("", info, buflen, outlen, wide);
        goto done;
    case SQL_DIAG_DYNAMIC_FUNCTION_CODE:
        if (type != SQL_HANDLE_STMT) {
            rc = SQL_ERROR;
            goto done;
        }
        if (info)
            *(SQLINTEGER *)info = SQL_DIAG_UNKNOWN_STATEMENT;
        goto done;
    default:
        break;
    }

    /* record fields */
    if (recno <= 0) {
        rc = SQL_ERROR;
        goto done;
    }
    if (recno > rec_count(d)) {
        rc = SQL_NO_DATA;
        goto done;
    }
    drv_diag_rec r = recno <= d->n ? d->recs[recno - 1] : lost_rec();
    switch (field) {
    case SQL_DIAG_SQLSTATE:
        rc = put_diag_string(r.state, info, buflen, outlen, wide);
        break;
    case SQL_DIAG_NATIVE:
        if (info)
            *(SQLINTEGER *)info = r.native;
        break;
    case SQL_DIAG_MESSAGE_TEXT:
        rc = put_diag_string(r.msg, info, buflen, outlen, wide);
        break;
    case SQL_DIAG_CLASS_ORIGIN:
        rc = put_diag_string(class_origin(r.state), info, buflen, outlen, wide);
        break;
    case SQL_DIAG_SUBCLASS_ORIGIN:
        rc = put_diag_string(subclass_origin(r.state), info, buflen, outlen, wide);
        break;
    case SQL_DIAG_CONNECTION_NAME:
        rc = put_diag_string("", info, buflen, outlen, wide);
        break;
    case SQL_DIAG_SERVER_NAME: {
        const char *server = "";
        if (type == SQL_HANDLE_DBC && ((drv_dbc *)hdr)->dsn)
            server = ((drv_dbc *)hdr)->dsn;
        else if (type == SQL_HANDLE_STMT && ((drv_stmt *)hdr)->dbc->dsn)
            server = ((drv_stmt *)hdr)->dbc->dsn;
        rc = put_diag_string(server, info, buflen, outlen, wide);
        break;
    }
    case SQL_DIAG_ROW_NUMBER:
        if (type != SQL_HANDLE_STMT) {
            rc = SQL_ERROR;
            break;
        }
        if (info)
            *(SQLLEN *)info = r.row;
        break;
    case SQL_DIAG_COLUMN_NUMBER:
        if (type != SQL_HANDLE_STMT) {
            rc = SQL_ERROR;
            break;
        }
        if (info)
            *(SQLINTEGER *)info = r.col;
        break;
    default:
        rc = SQL_ERROR; /* unknown diagnostic field: no record may be posted here */
        break;
    }
done:
    if (lock)
        pthread_mutex_unlock(lock);
    return rc;
}
