/*
 * odbcapi.c — the exported ANSI ("A") entry points.
 *
 * Each is a thin wrapper: validate and lock the handle, call ONE internal
 * function (driver.h), record the return code, unlock.  SQL_C_CHAR text and
 * the A forms' strings are UTF-8.  No entry point calls another exported
 * SQL* function (inside the DM's process that name may bind to the DM).
 *
 * ODBC 2 functions (SQLAllocEnv, SQLError, SQLTransact, SQLColAttributes …)
 * are deliberately not exported: the unixODBC DM maps them onto these.
 */
#include <string.h>

#include "driver.h"

#define STMT_CALL(h, expr)                       \
    do {                                         \
        drv_stmt *s = stmt_enter(h);             \
        if (!s)                                  \
            return SQL_INVALID_HANDLE;           \
        return stmt_leave(s, (expr));            \
    } while (0)

#define DBC_CALL(h, expr)                        \
    do {                                         \
        drv_dbc *c = dbc_enter(h);               \
        if (!c)                                  \
            return SQL_INVALID_HANDLE;           \
        return dbc_leave(c, (expr));             \
    } while (0)

static void put_small(SQLSMALLINT *p, SQLLEN v)
{
    if (p)
        *p = (SQLSMALLINT)(v > 32767 ? 32767 : v);
}

/* ---- handles ---------------------------------------------------------------- */

SQLRETURN SQL_API SQLAllocHandle(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out)
{
    return drv_alloc_handle(type, in, out);
}

SQLRETURN SQL_API SQLFreeHandle(SQLSMALLINT type, SQLHANDLE h)
{
    return drv_free_handle(type, h);
}

SQLRETURN SQL_API SQLFreeStmt(SQLHSTMT h, SQLUSMALLINT option)
{
    if (option == SQL_DROP)
        return drv_free_handle(SQL_HANDLE_STMT, h);
    STMT_CALL(h, drv_free_stmt(s, option));
}

SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    drv_env *e = env_enter(h);
    if (!e)
        return SQL_INVALID_HANDLE;
    return env_leave(e, drv_set_env_attr(e, attr, val, len));
}

SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                                SQLINTEGER *outlen)
{
    drv_env *e = env_enter(h);
    if (!e)
        return SQL_INVALID_HANDLE;
    return env_leave(e, drv_get_env_attr(e, attr, val, buflen, outlen));
}

/* ---- connections -------------------------------------------------------------- */

SQLRETURN SQL_API SQLConnect(SQLHDBC h, SQLCHAR *dsn, SQLSMALLINT dsnlen, SQLCHAR *uid,
                             SQLSMALLINT uidlen, SQLCHAR *pwd, SQLSMALLINT pwdlen)
{
    DBC_CALL(h, drv_connect(c, (const char *)dsn, dsnlen, (const char *)uid, uidlen,
                            (const char *)pwd, pwdlen));
}

SQLRETURN SQL_API SQLDriverConnect(SQLHDBC h, SQLHWND hwnd, SQLCHAR *in, SQLSMALLINT inlen,
                                   SQLCHAR *out, SQLSMALLINT outmax, SQLSMALLINT *outlen,
                                   SQLUSMALLINT completion)
{
    (void)hwnd;
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(out, outmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_driver_connect(c, (const char *)in, inlen, &o, &len, completion);
    if (SQL_SUCCEEDED(rc))
        put_small(outlen, len);
    return dbc_leave(c, rc);
}

SQLRETURN SQL_API SQLDisconnect(SQLHDBC h)
{
    DBC_CALL(h, drv_disconnect(c));
}

SQLRETURN SQL_API SQLGetInfo(SQLHDBC h, SQLUSMALLINT type, SQLPOINTER val, SQLSMALLINT buflen,
                             SQLSMALLINT *outlen)
{
    DBC_CALL(h, drv_get_info(c, type, val, buflen, outlen, 0));
}

SQLRETURN SQL_API SQLGetFunctions(SQLHDBC h, SQLUSMALLINT id, SQLUSMALLINT *supported)
{
    DBC_CALL(h, drv_get_functions(c, id, supported));
}

SQLRETURN SQL_API SQLSetConnectAttr(SQLHDBC h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    DBC_CALL(h, drv_set_connect_attr(c, attr, val, len));
}

SQLRETURN SQL_API SQLGetConnectAttr(SQLHDBC h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                                    SQLINTEGER *outlen)
{
    DBC_CALL(h, drv_get_connect_attr(c, attr, val, buflen, outlen, 0));
}

SQLRETURN SQL_API SQLNativeSql(SQLHDBC h, SQLCHAR *in, SQLINTEGER inlen, SQLCHAR *out,
                               SQLINTEGER outmax, SQLINTEGER *outlen)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(out, outmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_native_sql(c, (const char *)in, inlen, &o, &len);
    if (outlen && SQL_SUCCEEDED(rc))
        *outlen = (SQLINTEGER)len;
    return dbc_leave(c, rc);
}

SQLRETURN SQL_API SQLEndTran(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT completion)
{
    return drv_end_tran(type, h, completion);
}

/* ---- statements ------------------------------------------------------------------ */

SQLRETURN SQL_API SQLSetStmtAttr(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    STMT_CALL(h, drv_set_stmt_attr(s, attr, val, len));
}

SQLRETURN SQL_API SQLGetStmtAttr(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                                 SQLINTEGER *outlen)
{
    STMT_CALL(h, drv_get_stmt_attr(s, attr, val, buflen, outlen));
}

SQLRETURN SQL_API SQLPrepare(SQLHSTMT h, SQLCHAR *sql, SQLINTEGER len)
{
    STMT_CALL(h, drv_prepare(s, (const char *)sql, len));
}

SQLRETURN SQL_API SQLExecute(SQLHSTMT h)
{
    STMT_CALL(h, drv_execute(s));
}

SQLRETURN SQL_API SQLExecDirect(SQLHSTMT h, SQLCHAR *sql, SQLINTEGER len)
{
    STMT_CALL(h, drv_exec_direct(s, (const char *)sql, len));
}

SQLRETURN SQL_API SQLNumParams(SQLHSTMT h, SQLSMALLINT *n)
{
    STMT_CALL(h, drv_num_params(s, n));
}

SQLRETURN SQL_API SQLBindParameter(SQLHSTMT h, SQLUSMALLINT num, SQLSMALLINT io, SQLSMALLINT ctype,
                                   SQLSMALLINT sql_type, SQLULEN col_size, SQLSMALLINT digits,
                                   SQLPOINTER ptr, SQLLEN buflen, SQLLEN *ind)
{
    STMT_CALL(h, drv_bind_parameter(s, num, io, ctype, sql_type, col_size, digits, ptr, buflen, ind));
}

SQLRETURN SQL_API SQLDescribeParam(SQLHSTMT h, SQLUSMALLINT num, SQLSMALLINT *type, SQLULEN *size,
                                   SQLSMALLINT *digits, SQLSMALLINT *nullable)
{
    STMT_CALL(h, drv_describe_param(s, num, type, size, digits, nullable));
}

SQLRETURN SQL_API SQLParamData(SQLHSTMT h, SQLPOINTER *value)
{
    STMT_CALL(h, drv_param_data(s, value));
}

SQLRETURN SQL_API SQLPutData(SQLHSTMT h, SQLPOINTER data, SQLLEN len)
{
    STMT_CALL(h, drv_put_data(s, data, len));
}

SQLRETURN SQL_API SQLGetDescField(SQLHDESC h, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                                  SQLINTEGER buflen, SQLINTEGER *outlen)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    return desc_leave(d, drv_get_desc_field(d, rec, field, val, buflen, outlen, 0));
}

SQLRETURN SQL_API SQLSetDescField(SQLHDESC h, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                                  SQLINTEGER len)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    return desc_leave(d, drv_set_desc_field(d, rec, field, val, len));
}

SQLRETURN SQL_API SQLGetDescRec(SQLHDESC h, SQLSMALLINT rec, SQLCHAR *name, SQLSMALLINT bufmax,
                                SQLSMALLINT *namelen, SQLSMALLINT *type, SQLSMALLINT *subtype,
                                SQLLEN *length, SQLSMALLINT *precision, SQLSMALLINT *scale,
                                SQLSMALLINT *nullable)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_desc_rec(d, rec, &o, &len, type, subtype, length, precision, scale, nullable);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return desc_leave(d, rc);
}

/* No string argument: there is no SQLSetDescRecW. */
SQLRETURN SQL_API SQLSetDescRec(SQLHDESC h, SQLSMALLINT rec, SQLSMALLINT type, SQLSMALLINT subtype,
                                SQLLEN length, SQLSMALLINT precision, SQLSMALLINT scale, SQLPOINTER data,
                                SQLLEN *octet_length_ptr, SQLLEN *ind_ptr)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    return desc_leave(d, drv_set_desc_rec(d, rec, type, subtype, length, precision, scale, data,
                                          octet_length_ptr, ind_ptr));
}

/*
 * SQLCopyDesc is deliberately not exported: unixODBC 2.3.11 keeps the
 * connection's mutex locked after calling a driver's SQLCopyDesc, so with
 * Threading >= 1 (odbcinst.ini.sample) the next call on the connection hangs.
 * Without it the DM copies field by field through SQLGetDescField /
 * SQLSetDescField, which desc.c supports (docs/conformance.md).
 */

SQLRETURN SQL_API SQLNumResultCols(SQLHSTMT h, SQLSMALLINT *n)
{
    STMT_CALL(h, drv_num_result_cols(s, n));
}

SQLRETURN SQL_API SQLDescribeCol(SQLHSTMT h, SQLUSMALLINT col, SQLCHAR *name, SQLSMALLINT bufmax,
                                 SQLSMALLINT *namelen, SQLSMALLINT *type, SQLULEN *size,
                                 SQLSMALLINT *digits, SQLSMALLINT *nullable)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_describe_col(s, col, &o, &len, type, size, digits, nullable);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLColAttribute(SQLHSTMT h, SQLUSMALLINT col, SQLUSMALLINT field, SQLPOINTER str,
                                  SQLSMALLINT buflen, SQLSMALLINT *strlen_out, SQLLEN *num)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(str, buflen);
    SQLLEN len = 0;
    SQLRETURN rc = drv_col_attribute(s, col, field, &o, &len, num);
    if (SQL_SUCCEEDED(rc))
        put_small(strlen_out, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLBindCol(SQLHSTMT h, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                             SQLLEN buflen, SQLLEN *ind)
{
    STMT_CALL(h, drv_bind_col(s, col, ctype, ptr, buflen, ind));
}

SQLRETURN SQL_API SQLFetch(SQLHSTMT h)
{
    STMT_CALL(h, drv_fetch(s));
}

SQLRETURN SQL_API SQLFetchScroll(SQLHSTMT h, SQLSMALLINT orientation, SQLLEN offset)
{
    STMT_CALL(h, drv_fetch_scroll(s, orientation, offset));
}

SQLRETURN SQL_API SQLGetData(SQLHSTMT h, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                             SQLLEN buflen, SQLLEN *ind)
{
    STMT_CALL(h, drv_get_data(s, col, ctype, ptr, buflen, ind));
}

SQLRETURN SQL_API SQLRowCount(SQLHSTMT h, SQLLEN *n)
{
    STMT_CALL(h, drv_row_count(s, n));
}

SQLRETURN SQL_API SQLMoreResults(SQLHSTMT h)
{
    STMT_CALL(h, drv_more_results(s));
}

SQLRETURN SQL_API SQLCloseCursor(SQLHSTMT h)
{
    STMT_CALL(h, drv_close_cursor(s));
}

SQLRETURN SQL_API SQLCancel(SQLHSTMT h)
{
    return drv_cancel(h); /* no connection lock: the call it cancels holds it */
}

SQLRETURN SQL_API SQLGetCursorName(SQLHSTMT h, SQLCHAR *name, SQLSMALLINT bufmax, SQLSMALLINT *namelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_a(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_cursor_name(s, &o, &len);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLSetCursorName(SQLHSTMT h, SQLCHAR *name, SQLSMALLINT len)
{
    STMT_CALL(h, drv_set_cursor_name(s, (const char *)name, len));
}

/* ---- catalog --------------------------------------------------------------------- */

SQLRETURN SQL_API SQLGetTypeInfo(SQLHSTMT h, SQLSMALLINT type)
{
    STMT_CALL(h, drv_get_type_info(s, type));
}

SQLRETURN SQL_API SQLTables(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                            SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen, SQLCHAR *type,
                            SQLSMALLINT typelen)
{
    STMT_CALL(h, drv_tables(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                            (const char *)table, tablelen, (const char *)type, typelen));
}

SQLRETURN SQL_API SQLColumns(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                             SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen,
                             SQLCHAR *column, SQLSMALLINT columnlen)
{
    STMT_CALL(h, drv_columns(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                             (const char *)table, tablelen, (const char *)column, columnlen));
}

SQLRETURN SQL_API SQLPrimaryKeys(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                 SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen)
{
    STMT_CALL(h, drv_primary_keys(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                  (const char *)table, tablelen));
}

SQLRETURN SQL_API SQLForeignKeys(SQLHSTMT h, SQLCHAR *pkcat, SQLSMALLINT pkcatlen, SQLCHAR *pkschem,
                                 SQLSMALLINT pkschemlen, SQLCHAR *pktable, SQLSMALLINT pktablelen,
                                 SQLCHAR *fkcat, SQLSMALLINT fkcatlen, SQLCHAR *fkschem,
                                 SQLSMALLINT fkschemlen, SQLCHAR *fktable, SQLSMALLINT fktablelen)
{
    STMT_CALL(h, drv_foreign_keys(s, (const char *)pkcat, pkcatlen, (const char *)pkschem, pkschemlen,
                                  (const char *)pktable, pktablelen, (const char *)fkcat, fkcatlen,
                                  (const char *)fkschem, fkschemlen, (const char *)fktable, fktablelen));
}

SQLRETURN SQL_API SQLStatistics(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen,
                                SQLUSMALLINT unique, SQLUSMALLINT reserved)
{
    STMT_CALL(h, drv_statistics(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                (const char *)table, tablelen, unique, reserved));
}

SQLRETURN SQL_API SQLSpecialColumns(SQLHSTMT h, SQLUSMALLINT idtype, SQLCHAR *cat, SQLSMALLINT catlen,
                                    SQLCHAR *schem, SQLSMALLINT schemlen, SQLCHAR *table,
                                    SQLSMALLINT tablelen, SQLUSMALLINT scope, SQLUSMALLINT nullable)
{
    STMT_CALL(h, drv_special_columns(s, idtype, (const char *)cat, catlen, (const char *)schem, schemlen,
                                     (const char *)table, tablelen, scope, nullable));
}

SQLRETURN SQL_API SQLProcedures(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                SQLSMALLINT schemlen, SQLCHAR *proc, SQLSMALLINT proclen)
{
    STMT_CALL(h, drv_procedures(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                (const char *)proc, proclen));
}

SQLRETURN SQL_API SQLProcedureColumns(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                      SQLSMALLINT schemlen, SQLCHAR *proc, SQLSMALLINT proclen,
                                      SQLCHAR *column, SQLSMALLINT columnlen)
{
    STMT_CALL(h, drv_procedure_columns(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                       (const char *)proc, proclen, (const char *)column, columnlen));
}

SQLRETURN SQL_API SQLTablePrivileges(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                     SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen)
{
    STMT_CALL(h, drv_table_privileges(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                      (const char *)table, tablelen));
}

SQLRETURN SQL_API SQLColumnPrivileges(SQLHSTMT h, SQLCHAR *cat, SQLSMALLINT catlen, SQLCHAR *schem,
                                      SQLSMALLINT schemlen, SQLCHAR *table, SQLSMALLINT tablelen,
                                      SQLCHAR *column, SQLSMALLINT columnlen)
{
    STMT_CALL(h, drv_column_privileges(s, (const char *)cat, catlen, (const char *)schem, schemlen,
                                       (const char *)table, tablelen, (const char *)column, columnlen));
}

/* ---- diagnostics --------------------------------------------------------------- */

SQLRETURN SQL_API SQLGetDiagRec(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLCHAR *state,
                                SQLINTEGER *native, SQLCHAR *msg, SQLSMALLINT bufmax,
                                SQLSMALLINT *msglen)
{
    char st[6];
    drv_strout o = drv_strout_a(msg, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_diag_rec(type, h, rec, st, native, &o, &len);
    if (SQL_SUCCEEDED(rc)) {
        if (state)
            memcpy(state, st, 6);
        put_small(msglen, len);
    }
    return rc;
}

SQLRETURN SQL_API SQLGetDiagField(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field,
                                  SQLPOINTER info, SQLSMALLINT buflen, SQLSMALLINT *outlen)
{
    return drv_get_diag_field(type, h, rec, field, info, buflen, outlen, 0);
}
