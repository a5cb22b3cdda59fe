/*
 * odbcapiw.c — the exported Unicode ("W") entry points.
 *
 * Once an application connects through a W function, the unixODBC DM routes
 * EVERY call to the W form and answers IM001 when one is missing
 * (odbc-clients.md §3.1), so each function with a W form has one here.
 * They convert UTF-16 arguments to UTF-8, call the same internal function as
 * the A form, and write string results as UTF-16 through drv_strout.
 *
 * Units: name and text lengths of W functions count characters (SQLWCHARs);
 * buffers typed SQLPOINTER (SQLGetInfoW, SQLColAttributeW, SQLGetConnectAttrW,
 * SQLGetDiagFieldW) count bytes; SQLGetDiagRecW counts characters (the DM
 * passes 513).  SQLWCHAR is 2 bytes under unixODBC — never wchar_t.
 */
#include <stdlib.h>
#include <string.h>

#include "connstr.h"
#include "../rest/secret.h"
#include "driver.h"
#include "utf16.h"

/* UTF-8 copy of a W argument (len in characters or SQL_NTS); NULL stays NULL. */
static char *w2u_len(const SQLWCHAR *s, SQLLEN len, int *oom, size_t *outlen)
{
    *oom = 0;
    if (!s)
        return NULL;
    size_t n = (len == SQL_NTS || len < 0) ? u16_strlen(s) : (size_t)len;
    char *u = u16_to_u8_dup(s, n, outlen);
    if (!u)
        *oom = 1;
    return u;
}

static char *w2u(const SQLWCHAR *s, SQLLEN len, int *oom)
{
    return w2u_len(s, len, oom, NULL);
}

static void put_small(SQLSMALLINT *p, SQLLEN v)
{
    if (p)
        *p = (SQLSMALLINT)(v > 32767 ? 32767 : v);
}

/* ---- connections ------------------------------------------------------------------ */

SQLRETURN SQL_API SQLConnectW(SQLHDBC h, SQLWCHAR *dsn, SQLSMALLINT dsnlen, SQLWCHAR *uid,
                              SQLSMALLINT uidlen, SQLWCHAR *pwd, SQLSMALLINT pwdlen)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    int o1, o2, o3;
    char *d = w2u(dsn, dsnlen, &o1), *u = w2u(uid, uidlen, &o2), *p = w2u(pwd, pwdlen, &o3);
    SQLRETURN rc = (o1 || o2 || o3) ? diag_nomem(&c->h.diag)
                                    : drv_connect(c, d, SQL_NTS, u, SQL_NTS, p, SQL_NTS);
    free(d);
    free(u);
    azdo_secret_free(p);
    return dbc_leave(c, rc);
}

SQLRETURN SQL_API SQLDriverConnectW(SQLHDBC h, SQLHWND hwnd, SQLWCHAR *in, SQLSMALLINT inlen,
                                    SQLWCHAR *out, SQLSMALLINT outmax, SQLSMALLINT *outlen,
                                    SQLUSMALLINT completion)
{
    (void)hwnd;
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    int oom;
    char *u = w2u(in, inlen, &oom);
    drv_strout o = drv_strout_w_chars(out, outmax);
    SQLLEN len = 0;
    SQLRETURN rc = oom ? diag_nomem(&c->h.diag) : drv_driver_connect(c, u, SQL_NTS, &o, &len, completion);
    if (SQL_SUCCEEDED(rc))
        put_small(outlen, len);
    azdo_secret_free(u); /* the connection string may hold the PAT */
    return dbc_leave(c, rc);
}

SQLRETURN SQL_API SQLGetInfoW(SQLHDBC h, SQLUSMALLINT type, SQLPOINTER val, SQLSMALLINT buflen,
                              SQLSMALLINT *outlen)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    return dbc_leave(c, drv_get_info(c, type, val, buflen, outlen, 1));
}

SQLRETURN SQL_API SQLSetConnectAttrW(SQLHDBC h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    SQLRETURN rc;
    if (drv_connect_attr_is_string(attr) && val) {
        /* string attribute: length in bytes (or SQL_NTS) */
        int oom;
        char *u = w2u(val, len == SQL_NTS || len < 0 ? SQL_NTS : len / 2, &oom);
        rc = oom ? diag_nomem(&c->h.diag) : drv_set_connect_attr(c, attr, u, SQL_NTS);
        free(u);
    } else {
        rc = drv_set_connect_attr(c, attr, val, len);
    }
    return dbc_leave(c, rc);
}

SQLRETURN SQL_API SQLGetConnectAttrW(SQLHDBC h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                                     SQLINTEGER *outlen)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    return dbc_leave(c, drv_get_connect_attr(c, attr, val, buflen, outlen, 1));
}

SQLRETURN SQL_API SQLNativeSqlW(SQLHDBC h, SQLWCHAR *in, SQLINTEGER inlen, SQLWCHAR *out,
                                SQLINTEGER outmax, SQLINTEGER *outlen)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    int oom;
    char *u = w2u(in, inlen, &oom);
    drv_strout o = drv_strout_w_chars(out, outmax);
    SQLLEN len = 0;
    SQLRETURN rc = oom ? diag_nomem(&c->h.diag) : drv_native_sql(c, u, SQL_NTS, &o, &len);
    if (outlen && SQL_SUCCEEDED(rc))
        *outlen = (SQLINTEGER)len;
    free(u);
    return dbc_leave(c, rc);
}

/* ---- statements ------------------------------------------------------------------- */

SQLRETURN SQL_API SQLSetStmtAttrW(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    return stmt_leave(s, drv_set_stmt_attr(s, attr, val, len)); /* no string attributes */
}

SQLRETURN SQL_API SQLGetStmtAttrW(SQLHSTMT h, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                                  SQLINTEGER *outlen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    return stmt_leave(s, drv_get_stmt_attr(s, attr, val, buflen, outlen));
}

SQLRETURN SQL_API SQLPrepareW(SQLHSTMT h, SQLWCHAR *sql, SQLINTEGER len)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    int oom;
    size_t ulen = 0;
    /* the converted length, not SQL_NTS: SQL text with a NUL must reach the
     * same check as on the A path instead of being cut short silently */
    char *u = w2u_len(sql, len, &oom, &ulen);
    SQLRETURN rc = oom ? diag_nomem(&s->h.diag) : drv_prepare(s, u, u ? (SQLINTEGER)ulen : SQL_NTS);
    free(u);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLExecDirectW(SQLHSTMT h, SQLWCHAR *sql, SQLINTEGER len)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    int oom;
    size_t ulen = 0;
    /* the converted length, not SQL_NTS: SQL text with a NUL must reach the
     * same check as on the A path instead of being cut short silently */
    char *u = w2u_len(sql, len, &oom, &ulen);
    SQLRETURN rc = oom ? diag_nomem(&s->h.diag) : drv_exec_direct(s, u, u ? (SQLINTEGER)ulen : SQL_NTS);
    free(u);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLDescribeColW(SQLHSTMT h, SQLUSMALLINT col, SQLWCHAR *name, SQLSMALLINT bufmax,
                                  SQLSMALLINT *namelen, SQLSMALLINT *type, SQLULEN *size,
                                  SQLSMALLINT *digits, SQLSMALLINT *nullable)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_w_chars(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_describe_col(s, col, &o, &len, type, size, digits, nullable);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLColAttributeW(SQLHSTMT h, SQLUSMALLINT col, SQLUSMALLINT field, SQLPOINTER str,
                                   SQLSMALLINT buflen, SQLSMALLINT *strlen_out, SQLLEN *num)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_w_bytes(str, buflen);
    SQLLEN len = 0;
    SQLRETURN rc = drv_col_attribute(s, col, field, &o, &len, num);
    if (SQL_SUCCEEDED(rc))
        put_small(strlen_out, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLGetCursorNameW(SQLHSTMT h, SQLWCHAR *name, SQLSMALLINT bufmax, SQLSMALLINT *namelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_w_chars(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_cursor_name(s, &o, &len);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLSetCursorNameW(SQLHSTMT h, SQLWCHAR *name, SQLSMALLINT len)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    int oom;
    char *u = w2u(name, len, &oom);
    SQLRETURN rc = oom ? diag_nomem(&s->h.diag) : drv_set_cursor_name(s, u, SQL_NTS);
    free(u);
    return stmt_leave(s, rc);
}

/* ---- catalog -------------------------------------------------------------------- */

SQLRETURN SQL_API SQLGetTypeInfoW(SQLHSTMT h, SQLSMALLINT type)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    return stmt_leave(s, drv_get_type_info(s, type));
}

/* Converts up to six catalog arguments; returns 0, or -1 when memory ran out. */
typedef struct wargs {
    char *v[6];
} wargs;

static int conv_args(wargs *a, int n, const SQLWCHAR *const *w, const SQLSMALLINT *lens)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int oom;
        a->v[i] = w2u(w[i], lens[i], &oom);
        bad |= oom;
    }
    return bad ? -1 : 0;
}

static void free_args(wargs *a, int n)
{
    for (int i = 0; i < n; i++)
        free(a->v[i]);
}

SQLRETURN SQL_API SQLTablesW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                             SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen,
                             SQLWCHAR *type, SQLSMALLINT typelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table, type};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen, typelen};
    SQLRETURN rc = conv_args(&a, 4, w, l) ? diag_nomem(&s->h.diag)
                   : drv_tables(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, a.v[3], SQL_NTS);
    free_args(&a, 4);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLColumnsW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                              SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen,
                              SQLWCHAR *column, SQLSMALLINT columnlen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table, column};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen, columnlen};
    SQLRETURN rc = conv_args(&a, 4, w, l) ? diag_nomem(&s->h.diag)
                   : drv_columns(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, a.v[3], SQL_NTS);
    free_args(&a, 4);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLPrimaryKeysW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                  SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen};
    SQLRETURN rc = conv_args(&a, 3, w, l) ? diag_nomem(&s->h.diag)
                   : drv_primary_keys(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS);
    free_args(&a, 3);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLForeignKeysW(SQLHSTMT h, SQLWCHAR *pkcat, SQLSMALLINT pkcatlen, SQLWCHAR *pkschem,
                                  SQLSMALLINT pkschemlen, SQLWCHAR *pktable, SQLSMALLINT pktablelen,
                                  SQLWCHAR *fkcat, SQLSMALLINT fkcatlen, SQLWCHAR *fkschem,
                                  SQLSMALLINT fkschemlen, SQLWCHAR *fktable, SQLSMALLINT fktablelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {pkcat, pkschem, pktable, fkcat, fkschem, fktable};
    const SQLSMALLINT l[] = {pkcatlen, pkschemlen, pktablelen, fkcatlen, fkschemlen, fktablelen};
    SQLRETURN rc = conv_args(&a, 6, w, l) ? diag_nomem(&s->h.diag)
                   : drv_foreign_keys(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, a.v[3],
                                      SQL_NTS, a.v[4], SQL_NTS, a.v[5], SQL_NTS);
    free_args(&a, 6);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLStatisticsW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                 SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen,
                                 SQLUSMALLINT unique, SQLUSMALLINT reserved)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen};
    SQLRETURN rc = conv_args(&a, 3, w, l) ? diag_nomem(&s->h.diag)
                   : drv_statistics(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, unique, reserved);
    free_args(&a, 3);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLSpecialColumnsW(SQLHSTMT h, SQLUSMALLINT idtype, SQLWCHAR *cat, SQLSMALLINT catlen,
                                     SQLWCHAR *schem, SQLSMALLINT schemlen, SQLWCHAR *table,
                                     SQLSMALLINT tablelen, SQLUSMALLINT scope, SQLUSMALLINT nullable)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen};
    SQLRETURN rc = conv_args(&a, 3, w, l) ? diag_nomem(&s->h.diag)
                   : drv_special_columns(s, idtype, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, scope,
                                         nullable);
    free_args(&a, 3);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLProceduresW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                 SQLSMALLINT schemlen, SQLWCHAR *proc, SQLSMALLINT proclen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, proc};
    const SQLSMALLINT l[] = {catlen, schemlen, proclen};
    SQLRETURN rc = conv_args(&a, 3, w, l) ? diag_nomem(&s->h.diag)
                   : drv_procedures(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS);
    free_args(&a, 3);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLProcedureColumnsW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                       SQLSMALLINT schemlen, SQLWCHAR *proc, SQLSMALLINT proclen,
                                       SQLWCHAR *column, SQLSMALLINT columnlen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, proc, column};
    const SQLSMALLINT l[] = {catlen, schemlen, proclen, columnlen};
    SQLRETURN rc = conv_args(&a, 4, w, l) ? diag_nomem(&s->h.diag)
                   : drv_procedure_columns(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, a.v[3],
                                           SQL_NTS);
    free_args(&a, 4);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLTablePrivilegesW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                      SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen};
    SQLRETURN rc = conv_args(&a, 3, w, l) ? diag_nomem(&s->h.diag)
                   : drv_table_privileges(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS);
    free_args(&a, 3);
    return stmt_leave(s, rc);
}

SQLRETURN SQL_API SQLColumnPrivilegesW(SQLHSTMT h, SQLWCHAR *cat, SQLSMALLINT catlen, SQLWCHAR *schem,
                                       SQLSMALLINT schemlen, SQLWCHAR *table, SQLSMALLINT tablelen,
                                       SQLWCHAR *column, SQLSMALLINT columnlen)
{
    drv_stmt *s = stmt_enter(h);
    if (!s)
        return SQL_INVALID_HANDLE;
    wargs a = {{0}};
    const SQLWCHAR *w[] = {cat, schem, table, column};
    const SQLSMALLINT l[] = {catlen, schemlen, tablelen, columnlen};
    SQLRETURN rc = conv_args(&a, 4, w, l) ? diag_nomem(&s->h.diag)
                   : drv_column_privileges(s, a.v[0], SQL_NTS, a.v[1], SQL_NTS, a.v[2], SQL_NTS, a.v[3],
                                           SQL_NTS);
    free_args(&a, 4);
    return stmt_leave(s, rc);
}

/* ---- diagnostics ---------------------------------------------------------------- */

SQLRETURN SQL_API SQLGetDiagRecW(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLWCHAR *state,
                                 SQLINTEGER *native, SQLWCHAR *msg, SQLSMALLINT bufmax,
                                 SQLSMALLINT *msglen)
{
    char st[6];
    drv_strout o = drv_strout_w_chars(msg, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_diag_rec(type, h, rec, st, native, &o, &len);
    if (SQL_SUCCEEDED(rc)) {
        if (state)
            for (int i = 0; i < 6; i++)
                state[i] = (SQLWCHAR)(unsigned char)st[i];
        put_small(msglen, len);
    }
    return rc;
}

SQLRETURN SQL_API SQLGetDiagFieldW(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field,
                                   SQLPOINTER info, SQLSMALLINT buflen, SQLSMALLINT *outlen)
{
    return drv_get_diag_field(type, h, rec, field, info, buflen, outlen, 1);
}

/* ---- descriptors (string fields, e.g. SQL_DESC_NAME, in UTF-16; buffer in bytes) -- */

SQLRETURN SQL_API SQLGetDescFieldW(SQLHDESC h, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                                   SQLINTEGER buflen, SQLINTEGER *outlen)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    return desc_leave(d, drv_get_desc_field(d, rec, field, val, buflen, outlen, 1));
}

/* The name buffer counts characters, as in SQLDescribeColW. */
SQLRETURN SQL_API SQLGetDescRecW(SQLHDESC h, SQLSMALLINT rec, SQLWCHAR *name, SQLSMALLINT bufmax,
                                 SQLSMALLINT *namelen, SQLSMALLINT *type, SQLSMALLINT *subtype,
                                 SQLLEN *length, SQLSMALLINT *precision, SQLSMALLINT *scale,
                                 SQLSMALLINT *nullable)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    drv_strout o = drv_strout_w_chars(name, bufmax);
    SQLLEN len = 0;
    SQLRETURN rc = drv_get_desc_rec(d, rec, &o, &len, type, subtype, length, precision, scale, nullable);
    if (SQL_SUCCEEDED(rc))
        put_small(namelen, len);
    return desc_leave(d, rc);
}

SQLRETURN SQL_API SQLSetDescFieldW(SQLHDESC h, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                                   SQLINTEGER len)
{
    drv_desc *d = desc_enter(h);
    if (!d)
        return SQL_INVALID_HANDLE;
    return desc_leave(d, drv_set_desc_field(d, rec, field, val, len));
}
