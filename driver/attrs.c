/*
 * attrs.c — environment, connection and statement attributes.
 *
 * Policy (odbc-clients.md §2.4, §8 #8-#10): accept every value clients set at
 * connect even where it has no effect (AUTOCOMMIT off on a source without
 * transactions, CONNECTION_TIMEOUT), because pyodbc and DBD::ODBC abort the
 * connection when a set fails; substitute unsupported cursor settings with
 * 01S02; HY092 for attributes we do not know, HY024 for bad values.
 * LOGIN_TIMEOUT (seconds, 0 = none) bounds the whole connect (connect.c hands
 * it to the session as login_timeout_s); QUERY_TIMEOUT bounds each execute
 * and fetch call (stmt.c).  CONNECTION_TIMEOUT is kept and read back: no
 * request other than a query's or the login's goes to the service, and those
 * two have their own timeouts.
 *
 * ACCESS_MODE = SQL_MODE_READ_ONLY makes the connection write nothing: the
 * session database runs with SQLite's `PRAGMA query_only`, so INSERT, UPDATE
 * and DELETE on WorkItems, WorkItemComments and Tasks — and on local tables,
 * and CREATE — fail when executed (25000, diag.c).  The pragma is applied
 * when the attribute is set and again when a statement is allocated, which
 * covers a mode chosen before connecting.
 *
 * Cursors are forward-only, read-only, not scrollable and insensitive; asking
 * for anything else substitutes that with 01S02, and reading the attribute
 * back gives the value in force.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define ULEN(v) ((SQLULEN)(uintptr_t)(v))

/* ---- environment ---------------------------------------------------------- */

SQLRETURN drv_set_env_attr(drv_env *e, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    switch (attr) {
    case SQL_ATTR_ODBC_VERSION: {
        SQLINTEGER v = (SQLINTEGER)(intptr_t)val;
        /* 3.80 must be accepted, or the DM demotes the driver to ODBC 2 */
        if (v != SQL_OV_ODBC2 && v != SQL_OV_ODBC3 && v != SQL_OV_ODBC3_80)
            return diag_err(&e->h.diag, "HY024", "Invalid attribute value for SQL_ATTR_ODBC_VERSION");
        e->odbc_version = v;
        return SQL_SUCCESS;
    }
    case SQL_ATTR_OUTPUT_NTS:
        if ((SQLINTEGER)(intptr_t)val != SQL_TRUE)
            return diag_err(&e->h.diag, "HYC00", "Strings are always NUL-terminated");
        return SQL_SUCCESS;
    case SQL_ATTR_CONNECTION_POOLING:
    case SQL_ATTR_CP_MATCH:
        return SQL_SUCCESS; /* pooling is the DM's business */
    default:
        return diag_err(&e->h.diag, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
}

SQLRETURN drv_get_env_attr(drv_env *e, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                           SQLINTEGER *outlen)
{
    SQLINTEGER v;
    switch (attr) {
    case SQL_ATTR_ODBC_VERSION:
        v = e->odbc_version;
        break;
    case SQL_ATTR_OUTPUT_NTS:
        v = SQL_TRUE;
        break;
    case SQL_ATTR_CONNECTION_POOLING:
        v = SQL_CP_OFF;
        break;
    case SQL_ATTR_CP_MATCH:
        v = SQL_CP_STRICT_MATCH;
        break;
    default:
        return diag_err(&e->h.diag, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
    if (val)
        *(SQLINTEGER *)val = v;
    if (outlen)
        *outlen = sizeof v;
    return SQL_SUCCESS;
}

/* ---- connection ------------------------------------------------------------- */

int dbc_apply_access_mode(drv_dbc *c)
{
    if (!c->session)
        return 0;
    return azdo_session_set_read_only(c->session, c->access_mode == SQL_MODE_READ_ONLY);
}

int drv_connect_attr_is_string(SQLINTEGER attr)
{
    return attr == SQL_ATTR_CURRENT_CATALOG || attr == SQL_ATTR_TRACEFILE ||
           attr == SQL_ATTR_TRANSLATE_LIB;
}

SQLRETURN drv_set_connect_attr(drv_dbc *c, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    SQLULEN v = ULEN(val);
    switch (attr) {
    case SQL_ATTR_AUTOCOMMIT:
        /* Both accepted: writes are immediate, there is nothing to commit (docs/ says so). */
        if (v != SQL_AUTOCOMMIT_ON && v != SQL_AUTOCOMMIT_OFF)
            return diag_err(&c->h.diag, "HY024", "Invalid value for SQL_ATTR_AUTOCOMMIT");
        c->autocommit = (SQLUINTEGER)v;
        return SQL_SUCCESS;
    case SQL_ATTR_LOGIN_TIMEOUT:
        c->login_timeout = (SQLUINTEGER)v;
        return SQL_SUCCESS;
    case SQL_ATTR_CONNECTION_TIMEOUT:
        c->connection_timeout = (SQLUINTEGER)v;
        return SQL_SUCCESS;
    case SQL_ATTR_ACCESS_MODE:
        if (v != SQL_MODE_READ_WRITE && v != SQL_MODE_READ_ONLY)
            return diag_err(&c->h.diag, "HY024", "Invalid value for SQL_ATTR_ACCESS_MODE");
        c->access_mode = (SQLUINTEGER)v;
        if (dbc_apply_access_mode(c) != 0)
            return diag_err(&c->h.diag, "HY000", "Cannot change the access mode of the session database");
        return SQL_SUCCESS;
    case SQL_ATTR_TXN_ISOLATION:
        if (v != SQL_TXN_READ_UNCOMMITTED && v != SQL_TXN_READ_COMMITTED &&
            v != SQL_TXN_REPEATABLE_READ && v != SQL_TXN_SERIALIZABLE)
            return diag_err(&c->h.diag, "HY024", "Invalid value for SQL_ATTR_TXN_ISOLATION");
        c->txn_isolation = (SQLUINTEGER)v;
        return SQL_SUCCESS;
    case SQL_ATTR_CURRENT_CATALOG: {
        /* There are no catalogs; remember the name so a get returns what was set. */
        const char *s = val ? (const char *)val : "";
        size_t n = len == SQL_NTS || len < 0 ? strlen(s) : (size_t)len;
        char *copy = malloc(n + 1);
        if (!copy)
            return diag_nomem(&c->h.diag);
        memcpy(copy, s, n);
        copy[n] = '\0';
        free(c->current_catalog);
        c->current_catalog = copy;
        return SQL_SUCCESS;
    }
    case SQL_ATTR_ASYNC_ENABLE:
        if (v != SQL_ASYNC_ENABLE_OFF) {
            c->async_enable = SQL_ASYNC_ENABLE_OFF;
            return diag_warn(&c->h.diag, "01S02",
                             "Option value changed: asynchronous execution is not supported, "
                             "SQL_ATTR_ASYNC_ENABLE stays off");
        }
        c->async_enable = SQL_ASYNC_ENABLE_OFF;
        return SQL_SUCCESS;
    case SQL_ATTR_METADATA_ID:
        c->metadata_id = v ? SQL_TRUE : SQL_FALSE;
        return SQL_SUCCESS;
    case SQL_ATTR_QUIET_MODE:
        c->quiet_mode = val;
        c->quiet_mode_set = 1;
        return SQL_SUCCESS;
    case 115: /* SQL_ATTR_ANSI_APP: the DM sets it on every connect and ignores the answer */
        return SQL_SUCCESS;
    case SQL_ATTR_PACKET_SIZE:
        return diag_warn(&c->h.diag, "01S02", "Option value changed: SQL_ATTR_PACKET_SIZE is not used");
    case SQL_ATTR_TRACE:
    case SQL_ATTR_TRACEFILE:
    case SQL_ATTR_TRANSLATE_LIB:
    case SQL_ATTR_TRANSLATE_OPTION:
    case SQL_ATTR_ODBC_CURSORS:
        return SQL_SUCCESS; /* the DM's attributes; nothing for the driver to do */
    case SQL_ATTR_AUTO_IPD:
    case SQL_ATTR_CONNECTION_DEAD:
        return diag_err(&c->h.diag, "HY092", "Attribute %d is read-only", (int)attr);
    default:
        return diag_err(&c->h.diag, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
}

SQLRETURN drv_get_connect_attr(drv_dbc *c, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                               SQLINTEGER *outlen, int wide)
{
    SQLUINTEGER v;
    switch (attr) {
    case SQL_ATTR_AUTOCOMMIT: v = c->autocommit; break;
    case SQL_ATTR_LOGIN_TIMEOUT: v = c->login_timeout; break;
    case SQL_ATTR_CONNECTION_TIMEOUT: v = c->connection_timeout; break;
    case SQL_ATTR_ACCESS_MODE: v = c->access_mode; break;
    case SQL_ATTR_TXN_ISOLATION: v = c->txn_isolation; break;
    case SQL_ATTR_ASYNC_ENABLE: v = c->async_enable; break;
    case SQL_ATTR_METADATA_ID: v = c->metadata_id; break;
    case SQL_ATTR_AUTO_IPD: v = SQL_FALSE; break;
    case SQL_ATTR_CONNECTION_DEAD: v = c->session ? SQL_CD_FALSE : SQL_CD_TRUE; break;
    case SQL_ATTR_PACKET_SIZE: v = 0; break;
    case SQL_ATTR_QUIET_MODE:
        if (val)
            *(SQLPOINTER *)val = c->quiet_mode;
        if (outlen)
            *outlen = sizeof(SQLPOINTER);
        return SQL_SUCCESS;
    case SQL_ATTR_CURRENT_CATALOG: {
        const char *s = c->current_catalog ? c->current_catalog : "";
        drv_strout o = wide ? drv_strout_w_bytes(val, buflen) : drv_strout_a(val, buflen);
        SQLLEN len = 0;
        int t = drv_strout_put(&o, s, strlen(s), &len);
        if (outlen)
            *outlen = (SQLINTEGER)len;
        if (t < 0)
            return diag_nomem(&c->h.diag);
        if (t > 0)
            return diag_warn(&c->h.diag, "01004", "String data, right truncated");
        return SQL_SUCCESS;
    }
    default:
        return diag_err(&c->h.diag, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
    if (val)
        *(SQLUINTEGER *)val = v;
    if (outlen)
        *outlen = sizeof v;
    return SQL_SUCCESS;
}

/* ---- statement ----------------------------------------------------------------- */

SQLRETURN drv_set_stmt_attr(drv_stmt *s, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    SQLULEN v = ULEN(val);
    drv_diag *d = &s->h.diag;
    switch (attr) {
    case SQL_ATTR_QUERY_TIMEOUT:
        s->query_timeout = v;
        return SQL_SUCCESS;
    case SQL_ATTR_ROW_ARRAY_SIZE:
        if (v < 1)
            return diag_err(d, "HY024", "SQL_ATTR_ROW_ARRAY_SIZE must be at least 1");
        s->row_array_size = v;
        return SQL_SUCCESS;
    case SQL_ROWSET_SIZE: /* ODBC 2's rowset size: only SQLExtendedFetch reads it */
        if (v < 1)
            return diag_err(d, "HY024", "SQL_ROWSET_SIZE must be at least 1");
        s->rowset_size = v;
        return SQL_SUCCESS;
    case SQL_ATTR_ROW_BIND_TYPE:
        s->row_bind_type = v;
        return SQL_SUCCESS;
    case SQL_ATTR_ROW_BIND_OFFSET_PTR:
        s->bind_offset_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_ROW_STATUS_PTR:
        s->row_status_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_ROWS_FETCHED_PTR:
        s->rows_fetched_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_MAX_ROWS:
        s->max_rows = v;
        return SQL_SUCCESS;
    case SQL_ATTR_NOSCAN:
        if (v != SQL_NOSCAN_OFF && v != SQL_NOSCAN_ON)
            return diag_err(d, "HY024", "Invalid value for SQL_ATTR_NOSCAN");
        s->noscan = v;
        return SQL_SUCCESS;
    case SQL_ATTR_MAX_LENGTH:
        if (v != 0) {
            s->max_length = 0;
            return diag_warn(d, "01S02", "Option value changed: SQL_ATTR_MAX_LENGTH is not supported, "
                                         "values are returned whole");
        }
        return SQL_SUCCESS;
    case SQL_ATTR_CURSOR_TYPE:
        if (v != SQL_CURSOR_FORWARD_ONLY && v != SQL_CURSOR_STATIC && v != SQL_CURSOR_KEYSET_DRIVEN &&
            v != SQL_CURSOR_DYNAMIC)
            return diag_err(d, "HY024", "Invalid value for SQL_ATTR_CURSOR_TYPE");
        if (v != SQL_CURSOR_FORWARD_ONLY)
            return diag_warn(d, "01S02", "Option value changed: only forward-only cursors are supported, "
                                         "SQL_ATTR_CURSOR_TYPE is SQL_CURSOR_FORWARD_ONLY");
        return SQL_SUCCESS;
    case SQL_ATTR_CONCURRENCY:
        if (v != SQL_CONCUR_READ_ONLY && v != SQL_CONCUR_LOCK && v != SQL_CONCUR_ROWVER &&
            v != SQL_CONCUR_VALUES)
            return diag_err(d, "HY024", "Invalid value for SQL_ATTR_CONCURRENCY");
        if (v != SQL_CONCUR_READ_ONLY)
            return diag_warn(d, "01S02", "Option value changed: cursors are read-only, SQL_ATTR_CONCURRENCY "
                                         "is SQL_CONCUR_READ_ONLY");
        return SQL_SUCCESS;
    case SQL_ATTR_CURSOR_SCROLLABLE:
        if (v != SQL_NONSCROLLABLE && v != SQL_SCROLLABLE)
            return diag_err(d, "HY024", "Invalid value for SQL_ATTR_CURSOR_SCROLLABLE");
        if (v != SQL_NONSCROLLABLE)
            return diag_warn(d, "01S02", "Option value changed: cursors are forward-only, "
                                         "SQL_ATTR_CURSOR_SCROLLABLE is SQL_NONSCROLLABLE");
        return SQL_SUCCESS;
    case SQL_ATTR_CURSOR_SENSITIVITY:
        if (v != SQL_UNSPECIFIED && v != SQL_INSENSITIVE && v != SQL_SENSITIVE)
            return diag_err(d, "HY024", "Invalid value for SQL_ATTR_CURSOR_SENSITIVITY");
        /* a forward-only cursor over rows read once: changes made meanwhile are not seen */
        if (v == SQL_SENSITIVE)
            return diag_warn(d, "01S02", "Option value changed: cursors do not see changes made after "
                                         "they were opened, SQL_ATTR_CURSOR_SENSITIVITY is SQL_INSENSITIVE");
        return SQL_SUCCESS;
    case SQL_ATTR_RETRIEVE_DATA:
        if (v != SQL_RD_ON)
            return diag_warn(d, "01S02", "Option value changed: SQL_ATTR_RETRIEVE_DATA stays on");
        return SQL_SUCCESS;
    case SQL_ATTR_USE_BOOKMARKS:
        if (v != SQL_UB_OFF)
            return diag_err(d, "HYC00", "Bookmarks are not supported");
        return SQL_SUCCESS;
    case SQL_ATTR_SIMULATE_CURSOR:
        return SQL_SUCCESS;
    case SQL_ATTR_KEYSET_SIZE:
        if (v != 0)
            return diag_warn(d, "01S02", "Option value changed: keyset cursors are not supported");
        return SQL_SUCCESS;
    case SQL_ATTR_ASYNC_ENABLE:
        if (v != SQL_ASYNC_ENABLE_OFF)
            return diag_warn(d, "01S02", "Option value changed: asynchronous execution is not supported");
        return SQL_SUCCESS;
    case SQL_ATTR_METADATA_ID:
        s->metadata_id = v ? SQL_TRUE : SQL_FALSE;
        return SQL_SUCCESS;
    case SQL_ATTR_ENABLE_AUTO_IPD:
        if (v != SQL_FALSE)
            return diag_err(d, "HYC00", "Automatic IPD population is not supported");
        return SQL_SUCCESS;
    case SQL_ATTR_PARAMSET_SIZE:
        if (v < 1)
            return diag_err(d, "HY024", "SQL_ATTR_PARAMSET_SIZE must be at least 1");
        s->paramset_size = v; /* arrays: params.c */
        return SQL_SUCCESS;
    case SQL_ATTR_PARAM_BIND_TYPE:
        s->param_bind_type = v;
        return SQL_SUCCESS;
    case SQL_ATTR_PARAM_BIND_OFFSET_PTR:
        s->param_bind_offset_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_PARAM_STATUS_PTR:
        s->param_status_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_PARAMS_PROCESSED_PTR:
        s->params_processed_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_PARAM_OPERATION_PTR:
        s->param_operation_ptr = val;
        return SQL_SUCCESS;
    case SQL_ATTR_APP_ROW_DESC:
    case SQL_ATTR_APP_PARAM_DESC:
        return drv_use_app_desc(s, attr, val);
    case SQL_ATTR_IMP_ROW_DESC:
    case SQL_ATTR_IMP_PARAM_DESC:
        return diag_err(d, "HY017", "Invalid use of an automatically allocated descriptor handle");
    case SQL_ATTR_ROW_NUMBER:
    case SQL_ATTR_ROW_OPERATION_PTR:
    case SQL_ATTR_FETCH_BOOKMARK_PTR:
        return diag_err(d, "HYC00", "Attribute %d is not supported", (int)attr);
    default:
        return diag_err(d, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
}

SQLRETURN drv_get_stmt_attr(drv_stmt *s, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                            SQLINTEGER *outlen)
{
    SQLULEN v;
    void *p;
    switch (attr) {
    case SQL_ATTR_APP_ROW_DESC: p = s->ard_ext ? s->ard_ext : &s->ard; goto pointer;
    case SQL_ATTR_APP_PARAM_DESC: p = s->apd_ext ? s->apd_ext : &s->apd; goto pointer;
    case SQL_ATTR_IMP_ROW_DESC: p = &s->ird; goto pointer;
    case SQL_ATTR_IMP_PARAM_DESC: p = &s->ipd; goto pointer;
    case SQL_ATTR_ROW_BIND_OFFSET_PTR: p = s->bind_offset_ptr; goto pointer;
    case SQL_ATTR_ROW_STATUS_PTR: p = s->row_status_ptr; goto pointer;
    case SQL_ATTR_ROWS_FETCHED_PTR: p = s->rows_fetched_ptr; goto pointer;
    case SQL_ATTR_PARAM_BIND_OFFSET_PTR: p = s->param_bind_offset_ptr; goto pointer;
    case SQL_ATTR_PARAM_STATUS_PTR: p = s->param_status_ptr; goto pointer;
    case SQL_ATTR_PARAMS_PROCESSED_PTR: p = s->params_processed_ptr; goto pointer;
    case SQL_ATTR_PARAM_OPERATION_PTR: p = s->param_operation_ptr; goto pointer;
    case SQL_ATTR_ROW_OPERATION_PTR: p = NULL; goto pointer;
    case SQL_ATTR_FETCH_BOOKMARK_PTR: p = NULL; goto pointer;
    case SQL_ATTR_QUERY_TIMEOUT: v = s->query_timeout; break;
    case SQL_ATTR_ROW_ARRAY_SIZE: v = s->row_array_size; break;
    case SQL_ROWSET_SIZE: v = s->rowset_size; break;
    case SQL_ATTR_ROW_BIND_TYPE: v = s->row_bind_type; break;
    case SQL_ATTR_MAX_ROWS: v = s->max_rows; break;
    case SQL_ATTR_NOSCAN: v = s->noscan; break;
    case SQL_ATTR_MAX_LENGTH: v = 0; break;
    case SQL_ATTR_CURSOR_TYPE: v = SQL_CURSOR_FORWARD_ONLY; break;
    case SQL_ATTR_CONCURRENCY: v = SQL_CONCUR_READ_ONLY; break;
    case SQL_ATTR_CURSOR_SCROLLABLE: v = SQL_NONSCROLLABLE; break;
    case SQL_ATTR_CURSOR_SENSITIVITY: v = SQL_INSENSITIVE; break;
    case SQL_ATTR_RETRIEVE_DATA: v = SQL_RD_ON; break;
    case SQL_ATTR_USE_BOOKMARKS: v = SQL_UB_OFF; break;
    case SQL_ATTR_SIMULATE_CURSOR: v = SQL_SC_UNIQUE; break;
    case SQL_ATTR_KEYSET_SIZE: v = 0; break;
    case SQL_ATTR_ASYNC_ENABLE: v = SQL_ASYNC_ENABLE_OFF; break;
    case SQL_ATTR_METADATA_ID: v = s->metadata_id; break;
    case SQL_ATTR_ENABLE_AUTO_IPD: v = SQL_FALSE; break;
    case SQL_ATTR_PARAMSET_SIZE: v = s->paramset_size; break;
    case SQL_ATTR_PARAM_BIND_TYPE: v = s->param_bind_type; break;
    case SQL_ATTR_ROW_NUMBER:
        if (!s->has_cursor || s->row_state != ROW_CURRENT)
            return diag_err(&s->h.diag, "24000", "Invalid cursor state: no current row");
        v = s->row_number;
        break;
    default:
        return diag_err(&s->h.diag, "HY092", "Invalid attribute identifier %d", (int)attr);
    }
    if (val)
        *(SQLULEN *)val = v;
    if (outlen)
        *outlen = sizeof v;
    return SQL_SUCCESS;
pointer:
    if (val)
        *(SQLPOINTER *)val = p;
    if (outlen)
        *outlen = sizeof p;
    return SQL_SUCCESS;
}
