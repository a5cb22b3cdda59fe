/*
 * info.c — SQLGetInfo and SQLGetFunctions.
 *
 * SQLGetInfo answers from one table: every info type a client is known to
 * ask (odbc-clients.md §1, §2.1 — including Power Query's 1750 and 180) has a
 * row, so an unknown type really is unknown (HY096).  Bitmasks describe what
 * the SQLite layer executes as written: the driver does not translate ODBC
 * escape sequences yet, so the {fn} function masks are 0 and CAST is the
 * conversion function.  Identity strings never mention SQLite (§8 #14).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* ODBC 3.8 additions missing from unixODBC 2.3.11's headers */
#ifndef SQL_RETURN_ESCAPE_CLAUSE
#define SQL_RETURN_ESCAPE_CLAUSE 180
#endif
#ifndef SQL_RC_NONE
#define SQL_RC_NONE 0x00000000L
#endif
#ifndef SQL_FUNC_SET
#define SQL_FUNC_SET(bits, id) ((bits)[(id) >> 4] |= (SQLUSMALLINT)(1u << ((id) & 0x000F)))
#endif

#ifndef AZDO_DRIVER_VERSION
#define AZDO_DRIVER_VERSION "0.0.0"
#endif

enum { I_STR, I_U16, I_U32 };

typedef struct info_row {
    SQLUSMALLINT id;
    int kind;
    SQLUINTEGER num;
    const char *str;
} info_row;

#define S(id, v) {id, I_STR, 0, v}
#define U16(id, v) {id, I_U16, (SQLUINTEGER)(v), NULL}
#define U32(id, v) {id, I_U32, (SQLUINTEGER)(v), NULL}

/* Conversions CAST performs between the types the driver describes. */
#define CVT_TEXT (SQL_CVT_CHAR | SQL_CVT_VARCHAR | SQL_CVT_LONGVARCHAR | SQL_CVT_WCHAR | \
                  SQL_CVT_WVARCHAR | SQL_CVT_WLONGVARCHAR)
#define CVT_NUM (SQL_CVT_INTEGER | SQL_CVT_SMALLINT | SQL_CVT_BIGINT | SQL_CVT_DOUBLE | \
                 SQL_CVT_FLOAT | SQL_CVT_REAL | SQL_CVT_BIT | SQL_CVT_NUMERIC | SQL_CVT_DECIMAL)
#define CVT_ALL (CVT_TEXT | CVT_NUM | SQL_CVT_VARBINARY)

static const info_row info_rows[] = {
    /* identity (dynamic ones are answered in drv_get_info) */
    S(SQL_DRIVER_NAME, DRV_NAME),
    S(SQL_DRIVER_ODBC_VER, DRV_ODBC_VER),
    S(SQL_ODBC_VER, "03.80.0000"),
    S(SQL_DBMS_NAME, DRV_DBMS_NAME),
    S(SQL_DATA_SOURCE_READ_ONLY, "N"),
    S(SQL_ACCESSIBLE_TABLES, "Y"),
    S(SQL_ACCESSIBLE_PROCEDURES, "N"),
    S(SQL_PROCEDURES, "N"),
    S(SQL_SEARCH_PATTERN_ESCAPE, "\\"),
    S(SQL_IDENTIFIER_QUOTE_CHAR, "\""),
    S(SQL_CATALOG_NAME, "N"),
    S(SQL_CATALOG_NAME_SEPARATOR, ""),
    S(SQL_CATALOG_TERM, ""),
    S(SQL_SCHEMA_TERM, ""),
    S(SQL_TABLE_TERM, "table"),
    S(SQL_PROCEDURE_TERM, ""),
    S(SQL_COLLATION_SEQ, ""),
    S(SQL_DESCRIBE_PARAMETER, "Y"),
    S(SQL_NEED_LONG_DATA_LEN, "Y"), /* params.c: an empty text is then never asked for */
    S(SQL_MULT_RESULT_SETS, "N"),
    S(SQL_MULTIPLE_ACTIVE_TXN, "Y"),
    S(SQL_OUTER_JOINS, "Y"),
    S(SQL_EXPRESSIONS_IN_ORDERBY, "Y"),
    S(SQL_ORDER_BY_COLUMNS_IN_SELECT, "N"),
    S(SQL_COLUMN_ALIAS, "Y"),
    S(SQL_LIKE_ESCAPE_CLAUSE, "Y"),
    S(SQL_MAX_ROW_SIZE_INCLUDES_LONG, "Y"),
    S(SQL_ROW_UPDATES, "N"),
    S(SQL_INTEGRITY, "N"),
    S(SQL_KEYWORDS, "ABORT,ANALYZE,ATTACH,AUTOINCREMENT,CONFLICT,DATABASE,DETACH,EXCLUSIVE,EXPLAIN,"
                    "FAIL,GLOB,IF,IGNORE,INDEXED,INSTEAD,ISNULL,LIMIT,NOTNULL,OFFSET,PLAN,PRAGMA,"
                    "QUERY,RAISE,RECURSIVE,REGEXP,REINDEX,RENAME,REPLACE,ROW,TEMP,VACUUM,VIRTUAL,WITHOUT"),
    S(SQL_SPECIAL_CHARACTERS, ""),
    S(SQL_XOPEN_CLI_YEAR, "1995"),

    /* conformance */
    U16(SQL_ODBC_API_CONFORMANCE, SQL_OAC_LEVEL1),
    U16(SQL_ODBC_SAG_CLI_CONFORMANCE, SQL_OSCC_COMPLIANT),
    U16(SQL_ODBC_SQL_CONFORMANCE, SQL_OSC_CORE),
    U32(SQL_ODBC_INTERFACE_CONFORMANCE, SQL_OIC_CORE),
    U32(SQL_SQL_CONFORMANCE, SQL_SC_SQL92_ENTRY),
    U32(SQL_STANDARD_CLI_CONFORMANCE, SQL_SCC_ISO92_CLI),

    /* limits: 0 = no fixed limit */
    U16(SQL_MAX_DRIVER_CONNECTIONS, 0),
    U16(SQL_MAX_CONCURRENT_ACTIVITIES, 0),
    U16(SQL_ACTIVE_ENVIRONMENTS, 0),
    U16(SQL_MAX_COLUMN_NAME_LEN, 256),
    U16(SQL_MAX_CURSOR_NAME_LEN, 128),
    U16(SQL_MAX_SCHEMA_NAME_LEN, 0),
    U16(SQL_MAX_CATALOG_NAME_LEN, 0),
    U16(SQL_MAX_PROCEDURE_NAME_LEN, 0),
    U16(SQL_MAX_TABLE_NAME_LEN, 256),
    U16(SQL_MAX_IDENTIFIER_LEN, 256),
    U16(SQL_MAX_USER_NAME_LEN, 0),
    U16(SQL_MAX_COLUMNS_IN_GROUP_BY, 0),
    U16(SQL_MAX_COLUMNS_IN_INDEX, 0),
    U16(SQL_MAX_COLUMNS_IN_ORDER_BY, 0),
    U16(SQL_MAX_COLUMNS_IN_SELECT, 0),
    U16(SQL_MAX_COLUMNS_IN_TABLE, 0),
    U16(SQL_MAX_TABLES_IN_SELECT, 64), /* SQLite's join limit */
    U32(SQL_MAX_INDEX_SIZE, 0),
    U32(SQL_MAX_ROW_SIZE, 0),
    U32(SQL_MAX_STATEMENT_LEN, 0),
    U32(SQL_MAX_CHAR_LITERAL_LEN, 0),
    U32(SQL_MAX_BINARY_LITERAL_LEN, 0),
    U32(SQL_MAX_ASYNC_CONCURRENT_STATEMENTS, 0),

    /* transactions: none; AUTOCOMMIT and SQLEndTran still succeed */
    U16(SQL_TXN_CAPABLE, SQL_TC_NONE),
    U32(SQL_TXN_ISOLATION_OPTION, 0),
    U32(SQL_DEFAULT_TXN_ISOLATION, 0),
    U16(SQL_CURSOR_COMMIT_BEHAVIOR, SQL_CB_PRESERVE),
    U16(SQL_CURSOR_ROLLBACK_BEHAVIOR, SQL_CB_PRESERVE),
    U32(SQL_DTC_TRANSITION_COST, 0),

    /* cursors and fetching */
    U32(SQL_GETDATA_EXTENSIONS, SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND),
    U32(SQL_SCROLL_OPTIONS, SQL_SO_FORWARD_ONLY),
    U32(SQL_SCROLL_CONCURRENCY, SQL_SCCO_READ_ONLY),
    U32(SQL_FETCH_DIRECTION, SQL_FD_FETCH_NEXT),
    U32(SQL_CURSOR_SENSITIVITY, SQL_INSENSITIVE),
    U32(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1, SQL_CA1_NEXT),
    U32(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2, SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT),
    U32(SQL_STATIC_CURSOR_ATTRIBUTES1, 0),
    U32(SQL_STATIC_CURSOR_ATTRIBUTES2, 0),
    U32(SQL_KEYSET_CURSOR_ATTRIBUTES1, 0),
    U32(SQL_KEYSET_CURSOR_ATTRIBUTES2, 0),
    U32(SQL_DYNAMIC_CURSOR_ATTRIBUTES1, 0),
    U32(SQL_DYNAMIC_CURSOR_ATTRIBUTES2, 0),
    U32(SQL_POS_OPERATIONS, 0),
    U32(SQL_POSITIONED_STATEMENTS, 0),
    U32(SQL_LOCK_TYPES, 0),
    U32(SQL_STATIC_SENSITIVITY, 0),
    U32(SQL_BOOKMARK_PERSISTENCE, 0),
    U32(SQL_ASYNC_MODE, SQL_AM_NONE),
    U32(SQL_PARAM_ARRAY_ROW_COUNTS, SQL_PARC_NO_BATCH),
    U32(SQL_PARAM_ARRAY_SELECTS, SQL_PAS_NO_SELECT),
    U32(SQL_BATCH_ROW_COUNT, 0),
    U32(SQL_BATCH_SUPPORT, 0),

    /* SQL dialect (SQLite as the driver passes it through) */
    U16(SQL_IDENTIFIER_CASE, SQL_IC_MIXED),
    U16(SQL_QUOTED_IDENTIFIER_CASE, SQL_IC_MIXED),
    U16(SQL_CONCAT_NULL_BEHAVIOR, SQL_CB_NULL),
    U16(SQL_NULL_COLLATION, SQL_NC_LOW),
    U16(SQL_GROUP_BY, SQL_GB_GROUP_BY_CONTAINS_SELECT),
    U16(SQL_CORRELATION_NAME, SQL_CN_ANY),
    U16(SQL_NON_NULLABLE_COLUMNS, SQL_NNC_NON_NULL),
    U16(SQL_FILE_USAGE, SQL_FILE_NOT_SUPPORTED),
    U16(SQL_CATALOG_LOCATION, 0),
    U32(SQL_CATALOG_USAGE, 0),
    U32(SQL_SCHEMA_USAGE, 0),
    U32(SQL_AGGREGATE_FUNCTIONS, SQL_AF_ALL | SQL_AF_AVG | SQL_AF_COUNT | SQL_AF_DISTINCT |
                                 SQL_AF_MAX | SQL_AF_MIN | SQL_AF_SUM),
    U32(SQL_SUBQUERIES, SQL_SQ_CORRELATED_SUBQUERIES | SQL_SQ_COMPARISON | SQL_SQ_EXISTS | SQL_SQ_IN),
    U32(SQL_UNION, SQL_U_UNION | SQL_U_UNION_ALL),
    U32(SQL_OJ_CAPABILITIES, SQL_OJ_LEFT | SQL_OJ_RIGHT | SQL_OJ_FULL | SQL_OJ_NESTED |
                             SQL_OJ_NOT_ORDERED | SQL_OJ_INNER | SQL_OJ_ALL_COMPARISON_OPS),
    U32(SQL_SQL92_RELATIONAL_JOIN_OPERATORS, SQL_SRJO_CROSS_JOIN | SQL_SRJO_INNER_JOIN |
                                                 SQL_SRJO_LEFT_OUTER_JOIN | SQL_SRJO_RIGHT_OUTER_JOIN |
                                                 SQL_SRJO_FULL_OUTER_JOIN | SQL_SRJO_NATURAL_JOIN),
    U32(SQL_SQL92_PREDICATES, SQL_SP_BETWEEN | SQL_SP_COMPARISON | SQL_SP_EXISTS | SQL_SP_IN |
                              SQL_SP_ISNOTNULL | SQL_SP_ISNULL | SQL_SP_LIKE),
    U32(SQL_SQL92_VALUE_EXPRESSIONS, SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF),
    U32(SQL_SQL92_STRING_FUNCTIONS, SQL_SSF_LOWER | SQL_SSF_UPPER),
    U32(SQL_SQL92_NUMERIC_VALUE_FUNCTIONS, 0),
    U32(SQL_SQL92_DATETIME_FUNCTIONS, 0),
    U32(SQL_SQL92_ROW_VALUE_CONSTRUCTOR, SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL),
    U32(SQL_SQL92_FOREIGN_KEY_DELETE_RULE, 0),
    U32(SQL_SQL92_FOREIGN_KEY_UPDATE_RULE, 0),
    U32(SQL_SQL92_GRANT, 0),
    U32(SQL_SQL92_REVOKE, 0),
    U32(SQL_DATETIME_LITERALS, 0),
    U32(SQL_INSERT_STATEMENT, SQL_IS_INSERT_LITERALS | SQL_IS_INSERT_SEARCHED),
    U32(SQL_INDEX_KEYWORDS, SQL_IK_NONE),
    U32(SQL_INFO_SCHEMA_VIEWS, 0),
    U32(SQL_DDL_INDEX, 0),
    U32(SQL_ALTER_TABLE, 0),
    U32(SQL_ALTER_DOMAIN, 0),
    U32(SQL_CREATE_ASSERTION, 0),
    U32(SQL_CREATE_CHARACTER_SET, 0),
    U32(SQL_CREATE_COLLATION, 0),
    U32(SQL_CREATE_DOMAIN, 0),
    U32(SQL_CREATE_SCHEMA, 0),
    U32(SQL_CREATE_TABLE, 0),
    U32(SQL_CREATE_TRANSLATION, 0),
    U32(SQL_CREATE_VIEW, 0),
    U32(SQL_DROP_ASSERTION, 0),
    U32(SQL_DROP_CHARACTER_SET, 0),
    U32(SQL_DROP_COLLATION, 0),
    U32(SQL_DROP_DOMAIN, 0),
    U32(SQL_DROP_SCHEMA, 0),
    U32(SQL_DROP_TABLE, 0),
    U32(SQL_DROP_TRANSLATION, 0),
    U32(SQL_DROP_VIEW, 0),

    /* ODBC escape functions: not translated yet, so none is claimed */
    U32(SQL_NUMERIC_FUNCTIONS, 0),
    U32(SQL_STRING_FUNCTIONS, 0),
    U32(SQL_SYSTEM_FUNCTIONS, 0),
    U32(SQL_TIMEDATE_FUNCTIONS, 0),
    U32(SQL_TIMEDATE_ADD_INTERVALS, 0),
    U32(SQL_TIMEDATE_DIFF_INTERVALS, 0),
    U32(SQL_RETURN_ESCAPE_CLAUSE, SQL_RC_NONE),
    U32(SQL_CONVERT_FUNCTIONS, SQL_FN_CVT_CAST),

    /* CAST conversions; non-zero masks keep Power Query folding */
    U32(SQL_CONVERT_BIGINT, CVT_ALL),
    U32(SQL_CONVERT_BINARY, 0),
    U32(SQL_CONVERT_BIT, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_CHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_DATE, 0),
    U32(SQL_CONVERT_DECIMAL, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_DOUBLE, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_FLOAT, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_INTEGER, CVT_ALL),
    U32(SQL_CONVERT_LONGVARBINARY, 0),
    U32(SQL_CONVERT_LONGVARCHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_NUMERIC, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_REAL, CVT_TEXT | CVT_NUM),
    U32(SQL_CONVERT_SMALLINT, CVT_ALL),
    U32(SQL_CONVERT_TIME, 0),
    U32(SQL_CONVERT_TIMESTAMP, CVT_TEXT | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_TINYINT, CVT_ALL),
    U32(SQL_CONVERT_VARBINARY, CVT_TEXT | SQL_CVT_VARBINARY),
    U32(SQL_CONVERT_VARCHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_WCHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_WLONGVARCHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_WVARCHAR, CVT_ALL | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_GUID, 0),
    U32(SQL_CONVERT_INTERVAL_YEAR_MONTH, 0),
    U32(SQL_CONVERT_INTERVAL_DAY_TIME, 0),
};

/* "MM.mm.rrrr" from a dotted version such as "0.1.0" or "7.1". */
static void odbc_version_string(const char *v, char *out, size_t cap)
{
    unsigned a = 0, b = 0, c = 0;
    if (v)
        sscanf(v, "%u.%u.%u", &a, &b, &c);
    snprintf(out, cap, "%02u.%02u.%04u", a % 100, b % 100, c % 10000);
}

static SQLRETURN put_string(drv_dbc *c, const char *s, SQLPOINTER val, SQLSMALLINT buflen,
                            SQLSMALLINT *outlen, int wide)
{
    /* SQLGetInfo counts bytes in both forms */
    drv_strout o = wide ? drv_strout_w_bytes(val, buflen) : drv_strout_a(val, buflen);
    SQLLEN len = 0;
    int t = drv_strout_put(&o, s, strlen(s), &len);
    if (outlen)
        *outlen = (SQLSMALLINT)(len > 32767 ? 32767 : len);
    if (t < 0)
        return diag_nomem(&c->h.diag);
    if (t > 0)
        return diag_warn(&c->h.diag, "01004", "String data, right truncated");
    return SQL_SUCCESS;
}

SQLRETURN drv_get_info(drv_dbc *c, SQLUSMALLINT type, SQLPOINTER val, SQLSMALLINT buflen,
                       SQLSMALLINT *outlen, int wide)
{
    char tmp[64];
    const char *dyn = NULL;
    switch (type) {
    case SQL_DRIVER_VER:
        odbc_version_string(AZDO_DRIVER_VERSION, tmp, sizeof tmp);
        dyn = tmp;
        break;
    case SQL_DBMS_VER:
        /* the REST API version the connection speaks, e.g. 7.1 -> "07.01.0000" */
        odbc_version_string(c->api_version ? c->api_version : "7.1", tmp, sizeof tmp);
        dyn = tmp;
        break;
    case SQL_DATA_SOURCE_NAME:
        dyn = c->dsn ? c->dsn : "";
        break;
    case SQL_SERVER_NAME:
        dyn = c->server ? c->server : "";
        break;
    case SQL_DATABASE_NAME:
        dyn = c->database ? c->database : "";
        break;
    case SQL_USER_NAME:
        dyn = c->session ? azdo_session_user(c->session) : "";
        if (!dyn)
            dyn = "";
        break;
    default:
        break;
    }
    if (dyn)
        return put_string(c, dyn, val, buflen, outlen, wide);

    for (size_t i = 0; i < sizeof info_rows / sizeof info_rows[0]; i++) {
        const info_row *r = &info_rows[i];
        if (r->id != type)
            continue;
        switch (r->kind) {
        case I_STR:
            return put_string(c, r->str, val, buflen, outlen, wide);
        case I_U16:
            if (val)
                *(SQLUSMALLINT *)val = (SQLUSMALLINT)r->num;
            if (outlen)
                *outlen = sizeof(SQLUSMALLINT);
            return SQL_SUCCESS;
        default:
            if (val)
                *(SQLUINTEGER *)val = r->num;
            if (outlen)
                *outlen = sizeof(SQLUINTEGER);
            return SQL_SUCCESS;
        }
    }
    return diag_err(&c->h.diag, "HY096", "Information type %u is out of range (not known to this driver)",
                    (unsigned)type);
}

/* ---- SQLGetFunctions ------------------------------------------------------- */

/*
 * Functions an application can call.  Besides the driver's exports this lists
 * the ODBC 2 calls the unixODBC DM maps onto them (SQLError -> SQLGetDiagRec,
 * SQLTransact -> SQLEndTran, …) and SQLDataSources/SQLDrivers, which the DM
 * implements itself.
 */
static const SQLUSMALLINT supported_functions[] = {
    SQL_API_SQLALLOCHANDLE, SQL_API_SQLFREEHANDLE, SQL_API_SQLFREESTMT,
    SQL_API_SQLSETENVATTR, SQL_API_SQLGETENVATTR,
    SQL_API_SQLCONNECT, SQL_API_SQLDRIVERCONNECT, SQL_API_SQLDISCONNECT,
    SQL_API_SQLGETINFO, SQL_API_SQLGETFUNCTIONS, SQL_API_SQLGETTYPEINFO,
    SQL_API_SQLSETCONNECTATTR, SQL_API_SQLGETCONNECTATTR,
    SQL_API_SQLSETSTMTATTR, SQL_API_SQLGETSTMTATTR,
    SQL_API_SQLPREPARE, SQL_API_SQLEXECUTE, SQL_API_SQLEXECDIRECT,
    SQL_API_SQLNUMPARAMS, SQL_API_SQLBINDPARAMETER,
    SQL_API_SQLNUMRESULTCOLS, SQL_API_SQLDESCRIBECOL, SQL_API_SQLCOLATTRIBUTE,
    SQL_API_SQLBINDCOL, SQL_API_SQLFETCH, SQL_API_SQLFETCHSCROLL, SQL_API_SQLGETDATA,
    SQL_API_SQLROWCOUNT, SQL_API_SQLMORERESULTS, SQL_API_SQLCLOSECURSOR, SQL_API_SQLCANCEL,
    SQL_API_SQLENDTRAN, SQL_API_SQLGETDIAGREC, SQL_API_SQLGETDIAGFIELD,
    SQL_API_SQLTABLES, SQL_API_SQLCOLUMNS, SQL_API_SQLNATIVESQL,
    SQL_API_SQLPRIMARYKEYS, SQL_API_SQLFOREIGNKEYS, SQL_API_SQLSTATISTICS,
    SQL_API_SQLSPECIALCOLUMNS, SQL_API_SQLPROCEDURES, SQL_API_SQLPROCEDURECOLUMNS,
    SQL_API_SQLGETCURSORNAME, SQL_API_SQLSETCURSORNAME,
    SQL_API_SQLDESCRIBEPARAM, SQL_API_SQLPARAMDATA, SQL_API_SQLPUTDATA,
    SQL_API_SQLGETDESCFIELD, SQL_API_SQLSETDESCFIELD,
    /* mapped or implemented by the driver manager */
    SQL_API_SQLALLOCCONNECT, SQL_API_SQLALLOCENV, SQL_API_SQLALLOCSTMT, SQL_API_SQLFREECONNECT,
    SQL_API_SQLFREEENV, SQL_API_SQLERROR, SQL_API_SQLTRANSACT, SQL_API_SQLGETCONNECTOPTION,
    SQL_API_SQLSETCONNECTOPTION, SQL_API_SQLGETSTMTOPTION, SQL_API_SQLSETSTMTOPTION,
    SQL_API_SQLSETPARAM, SQL_API_SQLBINDPARAM, SQL_API_SQLDATASOURCES, SQL_API_SQLDRIVERS,
    SQL_API_SQLPARAMOPTIONS,
};

SQLRETURN drv_get_functions(drv_dbc *c, SQLUSMALLINT id, SQLUSMALLINT *supported)
{
    size_t n = sizeof supported_functions / sizeof supported_functions[0];
    if (!supported)
        return diag_err(&c->h.diag, "HY009", "Invalid use of null pointer");
    if (id == SQL_API_ODBC3_ALL_FUNCTIONS) {
        memset(supported, 0, SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * sizeof *supported);
        for (size_t i = 0; i < n; i++)
            SQL_FUNC_SET(supported, supported_functions[i]);
        return SQL_SUCCESS;
    }
    if (id == SQL_API_ALL_FUNCTIONS) {
        memset(supported, 0, 100 * sizeof *supported);
        for (size_t i = 0; i < n; i++)
            if (supported_functions[i] < 100)
                supported[supported_functions[i]] = SQL_TRUE;
        return SQL_SUCCESS;
    }
    *supported = SQL_FALSE;
    for (size_t i = 0; i < n; i++)
        if (supported_functions[i] == id)
            *supported = SQL_TRUE;
    return SQL_SUCCESS;
}
