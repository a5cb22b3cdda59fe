/*
 * info.c — SQLGetInfo and SQLGetFunctions (docs/getinfo.md explains the
 * answers a BI tool cares about).
 *
 * SQLGetInfo answers from one table with a row for every info type of the
 * ODBC 3.8 headers (plus the 3.8 ones unixODBC 2.3.11's headers lack), so
 * an unknown type really is unknown (HY096); tests/odbc/test_odbc_info.c
 * walks them all.  A row's value is either fixed or, for what depends on
 * the SQLite library the driver runs with, computed (row_value):
 *   - the {fn} masks are what sqlesc.c translates with that library's
 *     functions (math functions and soundex are compile-time options);
 *   - RIGHT and FULL OUTER JOIN exist from SQLite 3.39;
 *   - the column and statement limits are the connection's sqlite3_limit.
 * Identity strings never mention SQLite (odbc-clients.md §8 #14).
 *
 * SQLGetFunctions says TRUE for exactly the ODBC functions this module
 * exports (looked up in the loaded library with dlsym, once), so adding an
 * entry point to odbcapi.c is enough: there is no second list to update.
 * unixODBC relies on this answer — it disables every exported function the
 * driver says it does not support — and answers applications itself.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "sqlesc.h"

/* ODBC 3.8 additions missing from unixODBC 2.3.11's headers */
#ifndef SQL_RETURN_ESCAPE_CLAUSE
#define SQL_RETURN_ESCAPE_CLAUSE 180
#endif
#ifndef SQL_RC_NONE
#define SQL_RC_NONE 0x00000000L
#endif
#ifndef SQL_ASYNC_DBC_FUNCTIONS
#define SQL_ASYNC_DBC_FUNCTIONS 10023
#endif
#ifndef SQL_ASYNC_DBC_NOT_CAPABLE
#define SQL_ASYNC_DBC_NOT_CAPABLE 0x00000000L
#endif
#ifndef SQL_ASYNC_NOTIFICATION
#define SQL_ASYNC_NOTIFICATION 10025
#endif
#ifndef SQL_ASYNC_NOTIFICATION_NOT_CAPABLE
#define SQL_ASYNC_NOTIFICATION_NOT_CAPABLE 0x00000000L
#endif
#ifndef SQL_API_SQLCOMPLETEASYNC
#define SQL_API_SQLCOMPLETEASYNC 1023
#endif
#ifndef SQL_FUNC_SET
#define SQL_FUNC_SET(bits, id) ((bits)[(id) >> 4] |= (SQLUSMALLINT)(1u << ((id) & 0x000F)))
#endif

#ifndef AZDO_DRIVER_VERSION
#define AZDO_DRIVER_VERSION "0.0.0"
#endif

unsigned drv_sqlesc_caps(void)
{
    unsigned caps = 0;
    if (sqlite3_compileoption_used("ENABLE_MATH_FUNCTIONS"))
        caps |= SQLESC_CAP_MATH;
    if (sqlite3_compileoption_used("SOUNDEX"))
        caps |= SQLESC_CAP_SOUNDEX;
    return caps;
}

enum { I_STR, I_U16, I_U32, I_ULEN };

typedef struct info_row {
    SQLUSMALLINT id;
    int kind;
    int computed; /* the value comes from row_value() */
    SQLUINTEGER num;
    const char *str;
} info_row;

#define S(id, v) {id, I_STR, 0, 0, v}
#define U16(id, v) {id, I_U16, 0, (SQLUINTEGER)(v), NULL}
#define U32(id, v) {id, I_U32, 0, (SQLUINTEGER)(v), NULL}
#define U16C(id) {id, I_U16, 1, 0, NULL}
#define U32C(id) {id, I_U32, 1, 0, NULL}
#define HANDLE(id) {id, I_ULEN, 1, 0, NULL}

/* What {fn CONVERT(x, SQL_type)} (sqlesc.c) turns a value of each type into. */
#define CVT_CHARS (SQL_CVT_CHAR | SQL_CVT_VARCHAR | SQL_CVT_LONGVARCHAR | SQL_CVT_WCHAR | \
                   SQL_CVT_WVARCHAR | SQL_CVT_WLONGVARCHAR)
#define CVT_NUMS (SQL_CVT_BIGINT | SQL_CVT_INTEGER | SQL_CVT_SMALLINT | SQL_CVT_TINYINT | SQL_CVT_BIT | \
                  SQL_CVT_DOUBLE | SQL_CVT_FLOAT | SQL_CVT_REAL | SQL_CVT_NUMERIC | SQL_CVT_DECIMAL)
#define CVT_BINS (SQL_CVT_BINARY | SQL_CVT_VARBINARY | SQL_CVT_LONGVARBINARY)
#define CVT_TIMES (SQL_CVT_DATE | SQL_CVT_TIME | SQL_CVT_TIMESTAMP)
#define CVT_FROM_NUM (CVT_CHARS | CVT_NUMS)
#define CVT_FROM_CHAR (CVT_CHARS | CVT_NUMS | CVT_BINS | CVT_TIMES | SQL_CVT_GUID)
/* binary to text would be the bytes, not ODBC's hexadecimal: not claimed */
#define CVT_FROM_BIN CVT_BINS

static const info_row info_rows[] = {
    /* identity (DRIVER_VER, DBMS_VER, DSN, server, database, user: drv_get_info) */
    S(SQL_DRIVER_NAME, DRV_NAME),
    S(SQL_DRIVER_ODBC_VER, DRV_ODBC_VER),
    S(SQL_ODBC_VER, "03.80.0000"), /* the DM answers this one itself */
    S(SQL_DBMS_NAME, DRV_DBMS_NAME),
    S(SQL_DRIVER_VER, NULL),
    S(SQL_DBMS_VER, NULL),
    S(SQL_DATA_SOURCE_NAME, NULL),
    S(SQL_SERVER_NAME, NULL),
    S(SQL_DATABASE_NAME, NULL),
    S(SQL_USER_NAME, NULL),
    /* the driver's own handles; the DM answers these itself (and SQL_DRIVER_HLIB, SQL_DM_VER) */
    HANDLE(SQL_DRIVER_HENV),
    HANDLE(SQL_DRIVER_HDBC),
    HANDLE(SQL_DRIVER_HSTMT),
    HANDLE(SQL_DRIVER_HDESC),
    S(SQL_DATA_SOURCE_READ_ONLY, NULL), /* "Y" in SQL_MODE_READ_ONLY: dynamic */
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
    S(SQL_LIKE_ESCAPE_CLAUSE, "Y"), /* LIKE … ESCAPE and {escape '\'} */
    S(SQL_MAX_ROW_SIZE_INCLUDES_LONG, "Y"),
    S(SQL_ROW_UPDATES, "N"),
    S(SQL_INTEGRITY, "N"),
    /* SQLite's keywords that are not ODBC reserved words (a client quotes them) */
    S(SQL_KEYWORDS, "ABORT,ANALYZE,ATTACH,AUTOINCREMENT,CONFLICT,DATABASE,DETACH,EXCLUSIVE,EXPLAIN,"
                    "FAIL,GLOB,IF,IGNORE,INDEXED,INSTEAD,ISNULL,LIMIT,NOTNULL,OFFSET,PLAN,PRAGMA,"
                    "QUERY,RAISE,RECURSIVE,REGEXP,REINDEX,RENAME,REPLACE,ROW,TEMP,VACUUM,VIRTUAL,WITHOUT"),
    /* besides letters, digits and '_', an unquoted SQLite name may hold '$' (not first) */
    S(SQL_SPECIAL_CHARACTERS, "$"),
    S(SQL_XOPEN_CLI_YEAR, "1995"),

    /* conformance */
    U16(SQL_ODBC_API_CONFORMANCE, SQL_OAC_LEVEL1),
    U16(SQL_ODBC_SAG_CLI_CONFORMANCE, SQL_OSCC_COMPLIANT),
    U16(SQL_ODBC_SQL_CONFORMANCE, SQL_OSC_CORE),
    U32(SQL_ODBC_INTERFACE_CONFORMANCE, SQL_OIC_CORE),
    U32(SQL_SQL_CONFORMANCE, SQL_SC_SQL92_ENTRY),
    U32(SQL_STANDARD_CLI_CONFORMANCE, SQL_SCC_ISO92_CLI),

    /* limits: 0 = no fixed limit; the C rows are the connection's sqlite3_limit */
    U16(SQL_MAX_DRIVER_CONNECTIONS, 0),
    U16(SQL_MAX_CONCURRENT_ACTIVITIES, 0),
    U16(SQL_ACTIVE_ENVIRONMENTS, 0),
    U16(SQL_MAX_COLUMN_NAME_LEN, 256),
    U16(SQL_MAX_CURSOR_NAME_LEN, 128), /* drv_set_cursor_name */
    U16(SQL_MAX_SCHEMA_NAME_LEN, 0),
    U16(SQL_MAX_CATALOG_NAME_LEN, 0),
    U16(SQL_MAX_PROCEDURE_NAME_LEN, 0),
    U16(SQL_MAX_TABLE_NAME_LEN, 256),
    U16(SQL_MAX_IDENTIFIER_LEN, 256),
    U16(SQL_MAX_USER_NAME_LEN, 0),
    U16C(SQL_MAX_COLUMNS_IN_GROUP_BY),
    U16C(SQL_MAX_COLUMNS_IN_INDEX),
    U16C(SQL_MAX_COLUMNS_IN_ORDER_BY),
    U16C(SQL_MAX_COLUMNS_IN_SELECT),
    U16C(SQL_MAX_COLUMNS_IN_TABLE),
    U16(SQL_MAX_TABLES_IN_SELECT, 64), /* SQLite's join limit (BMS in sqliteInt.h) */
    U32(SQL_MAX_INDEX_SIZE, 0),
    U32(SQL_MAX_ROW_SIZE, 0),
    U32C(SQL_MAX_STATEMENT_LEN),
    U32C(SQL_MAX_CHAR_LITERAL_LEN),
    U32C(SQL_MAX_BINARY_LITERAL_LEN),
    U32(SQL_MAX_ASYNC_CONCURRENT_STATEMENTS, 0),

    /* transactions: none, writes are immediate; AUTOCOMMIT and SQLEndTran still succeed */
    U16(SQL_TXN_CAPABLE, SQL_TC_NONE),
    U32(SQL_TXN_ISOLATION_OPTION, 0),
    U32(SQL_DEFAULT_TXN_ISOLATION, 0),
    U16(SQL_CURSOR_COMMIT_BEHAVIOR, SQL_CB_PRESERVE),
    U16(SQL_CURSOR_ROLLBACK_BEHAVIOR, SQL_CB_PRESERVE),
    U32(SQL_DTC_TRANSITION_COST, 0),

    /* cursors and fetching: forward-only, read-only (attrs.c substitutes anything else) */
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
    U32(SQL_ASYNC_DBC_FUNCTIONS, SQL_ASYNC_DBC_NOT_CAPABLE),
    U32(SQL_ASYNC_NOTIFICATION, SQL_ASYNC_NOTIFICATION_NOT_CAPABLE),
    U32(SQL_DRIVER_AWARE_POOLING_SUPPORTED, SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE),
    /* params.c: arrays run INSERT/UPDATE/DELETE once per set and count rows in total;
     * arrays of SELECT are refused (HYC00) */
    U32(SQL_PARAM_ARRAY_ROW_COUNTS, SQL_PARC_NO_BATCH),
    U32(SQL_PARAM_ARRAY_SELECTS, SQL_PAS_NO_SELECT),
    /* one statement per call (stmt.c) */
    U32(SQL_BATCH_ROW_COUNT, 0),
    U32(SQL_BATCH_SUPPORT, 0),

    /* SQL dialect: SQLite's */
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
    U32C(SQL_OJ_CAPABILITIES),
    U32C(SQL_SQL92_RELATIONAL_JOIN_OPERATORS),
    U32(SQL_SQL92_PREDICATES, SQL_SP_BETWEEN | SQL_SP_COMPARISON | SQL_SP_EXISTS | SQL_SP_IN |
                              SQL_SP_ISNOTNULL | SQL_SP_ISNULL | SQL_SP_LIKE),
    U32(SQL_SQL92_VALUE_EXPRESSIONS, SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF),
    /* SQL-92 syntax without escapes: SUBSTRING(x FROM …), TRIM(BOTH …), POSITION(… IN …)
     * and EXTRACT(… FROM …) are not SQLite's; {fn} has them */
    U32(SQL_SQL92_STRING_FUNCTIONS, SQL_SSF_LOWER | SQL_SSF_UPPER),
    U32(SQL_SQL92_NUMERIC_VALUE_FUNCTIONS, 0),
    U32(SQL_SQL92_DATETIME_FUNCTIONS, SQL_SDF_CURRENT_DATE | SQL_SDF_CURRENT_TIME | SQL_SDF_CURRENT_TIMESTAMP),
    U32(SQL_SQL92_ROW_VALUE_CONSTRUCTOR, SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL),
    U32(SQL_SQL92_FOREIGN_KEY_DELETE_RULE, 0),
    U32(SQL_SQL92_FOREIGN_KEY_UPDATE_RULE, 0),
    U32(SQL_SQL92_GRANT, 0),
    U32(SQL_SQL92_REVOKE, 0),
    /* SQL-92's DATE '…' literals are not SQLite's; the {d}/{t}/{ts} escapes are */
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

    /* ODBC escapes: what sqlesc.c translates with this SQLite library */
    U32C(SQL_NUMERIC_FUNCTIONS),
    U32C(SQL_STRING_FUNCTIONS),
    U32C(SQL_SYSTEM_FUNCTIONS),
    U32C(SQL_TIMEDATE_FUNCTIONS),
    U32C(SQL_TIMEDATE_ADD_INTERVALS),
    U32C(SQL_TIMEDATE_DIFF_INTERVALS),
    U32C(SQL_CONVERT_FUNCTIONS),
    U32(SQL_RETURN_ESCAPE_CLAUSE, SQL_RC_NONE), /* no procedures, so no {?= call} */

    /* {fn CONVERT(x, SQL_type)} from each type */
    U32(SQL_CONVERT_BIGINT, CVT_FROM_NUM),
    U32(SQL_CONVERT_BIT, CVT_FROM_NUM),
    U32(SQL_CONVERT_DECIMAL, CVT_FROM_NUM),
    U32(SQL_CONVERT_DOUBLE, CVT_FROM_NUM),
    U32(SQL_CONVERT_FLOAT, CVT_FROM_NUM),
    U32(SQL_CONVERT_INTEGER, CVT_FROM_NUM),
    U32(SQL_CONVERT_NUMERIC, CVT_FROM_NUM),
    U32(SQL_CONVERT_REAL, CVT_FROM_NUM),
    U32(SQL_CONVERT_SMALLINT, CVT_FROM_NUM),
    U32(SQL_CONVERT_TINYINT, CVT_FROM_NUM),
    U32(SQL_CONVERT_CHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_VARCHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_LONGVARCHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_WCHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_WVARCHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_WLONGVARCHAR, CVT_FROM_CHAR),
    U32(SQL_CONVERT_BINARY, CVT_FROM_BIN),
    U32(SQL_CONVERT_VARBINARY, CVT_FROM_BIN),
    U32(SQL_CONVERT_LONGVARBINARY, CVT_FROM_BIN),
    U32(SQL_CONVERT_DATE, CVT_CHARS | SQL_CVT_DATE | SQL_CVT_TIMESTAMP),
    U32(SQL_CONVERT_TIME, CVT_CHARS | SQL_CVT_TIME),
    U32(SQL_CONVERT_TIMESTAMP, CVT_CHARS | CVT_TIMES),
    U32(SQL_CONVERT_GUID, CVT_CHARS | SQL_CVT_GUID),
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

/* A string row whose text depends on the connection. */
static const char *row_string(drv_dbc *c, SQLUSMALLINT type, char *tmp, size_t cap)
{
    const char *s;
    switch (type) {
    case SQL_DRIVER_VER:
        odbc_version_string(AZDO_DRIVER_VERSION, tmp, cap);
        return tmp;
    case SQL_DBMS_VER:
        /* the REST API version the connection speaks, e.g. 7.1 -> "07.01.0000" */
        odbc_version_string(c->api_version ? c->api_version : "7.1", tmp, cap);
        return tmp;
    case SQL_DATA_SOURCE_NAME: return c->dsn ? c->dsn : "";
    case SQL_DATA_SOURCE_READ_ONLY: return c->access_mode == SQL_MODE_READ_ONLY ? "Y" : "N";
    case SQL_SERVER_NAME: return c->server ? c->server : "";
    case SQL_DATABASE_NAME: return c->database ? c->database : "";
    case SQL_USER_NAME:
        s = c->session ? azdo_session_user(c->session) : NULL;
        return s ? s : "";
    default: return "";
    }
}

/* A SQLite limit of the connection (its compile-time default before connecting). */
static SQLUINTEGER sqlite_limit(drv_dbc *c, int which, SQLUINTEGER fallback, SQLUINTEGER cap)
{
    sqlite3 *db = c->session ? azdo_session_db(c->session) : NULL;
    int v = db ? sqlite3_limit(db, which, -1) : -1;
    if (v < 0)
        return fallback;
    return (SQLUINTEGER)v > cap ? cap : (SQLUINTEGER)v;
}

static SQLUINTEGER join_operators(void)
{
    SQLUINTEGER v = SQL_SRJO_CROSS_JOIN | SQL_SRJO_INNER_JOIN | SQL_SRJO_LEFT_OUTER_JOIN | SQL_SRJO_NATURAL_JOIN;
    if (sqlite3_libversion_number() >= 3039000) /* RIGHT and FULL OUTER JOIN arrived in 3.39.0 */
        v |= SQL_SRJO_RIGHT_OUTER_JOIN | SQL_SRJO_FULL_OUTER_JOIN;
    return v;
}

static SQLUINTEGER oj_capabilities(void)
{
    SQLUINTEGER v = SQL_OJ_LEFT | SQL_OJ_NESTED | SQL_OJ_NOT_ORDERED | SQL_OJ_INNER | SQL_OJ_ALL_COMPARISON_OPS;
    if (sqlite3_libversion_number() >= 3039000)
        v |= SQL_OJ_RIGHT | SQL_OJ_FULL;
    return v;
}

/* The value of a computed numeric row. */
static SQLUINTEGER row_value(drv_dbc *c, SQLUSMALLINT type)
{
    unsigned caps = drv_sqlesc_caps();
    switch (type) {
    case SQL_MAX_COLUMNS_IN_GROUP_BY:
    case SQL_MAX_COLUMNS_IN_INDEX:
    case SQL_MAX_COLUMNS_IN_ORDER_BY:
    case SQL_MAX_COLUMNS_IN_SELECT:
    case SQL_MAX_COLUMNS_IN_TABLE: return sqlite_limit(c, SQLITE_LIMIT_COLUMN, 2000, 65535);
    case SQL_MAX_STATEMENT_LEN: return sqlite_limit(c, SQLITE_LIMIT_SQL_LENGTH, 0, 0xFFFFFFFFu);
    case SQL_MAX_CHAR_LITERAL_LEN: return sqlite_limit(c, SQLITE_LIMIT_LENGTH, 0, 0xFFFFFFFFu);
    /* hexadecimal digits of X'…': two per byte, within the statement length */
    case SQL_MAX_BINARY_LITERAL_LEN: return sqlite_limit(c, SQLITE_LIMIT_SQL_LENGTH, 0, 0xFFFFFFFFu);
    case SQL_OJ_CAPABILITIES: return oj_capabilities();
    case SQL_SQL92_RELATIONAL_JOIN_OPERATORS: return join_operators();
    case SQL_NUMERIC_FUNCTIONS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_NUMERIC, caps);
    case SQL_STRING_FUNCTIONS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_STRING, caps);
    case SQL_SYSTEM_FUNCTIONS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_SYSTEM, caps);
    case SQL_TIMEDATE_FUNCTIONS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_TIMEDATE, caps);
    case SQL_TIMEDATE_ADD_INTERVALS:
    case SQL_TIMEDATE_DIFF_INTERVALS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_TSI, caps);
    case SQL_CONVERT_FUNCTIONS: return (SQLUINTEGER)sqlesc_function_mask(SQLESC_MASK_CONVERT, caps);
    default: return 0;
    }
}

/* SQL_DRIVER_HENV / HDBC: the driver's own handle; HSTMT / HDESC: the handle
 * passed in *val, when it is one of ours (the DM passes the driver's). */
static SQLRETURN put_handle(drv_dbc *c, SQLUSMALLINT type, SQLPOINTER val, SQLSMALLINT *outlen)
{
    void *h = NULL;
    if (type == SQL_DRIVER_HENV)
        h = c->env;
    else if (type == SQL_DRIVER_HDBC)
        h = c;
    else if (val)
        h = *(SQLHANDLE *)val;
    if ((type == SQL_DRIVER_HSTMT && !handle_is(h, SQL_HANDLE_STMT)) ||
        (type == SQL_DRIVER_HDESC && !handle_is(h, SQL_HANDLE_DESC)))
        return diag_err(&c->h.diag, "HY024", "Invalid attribute value: *InfoValuePtr must hold a %s handle",
                        type == SQL_DRIVER_HSTMT ? "statement" : "descriptor");
    if (val)
        *(SQLULEN *)val = (SQLULEN)(uintptr_t)h;
    if (outlen)
        *outlen = sizeof(SQLULEN);
    return SQL_SUCCESS;
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
    for (size_t i = 0; i < sizeof info_rows / sizeof info_rows[0]; i++) {
        const info_row *r = &info_rows[i];
        if (r->id != type)
            continue;
        SQLUINTEGER num = r->computed ? row_value(c, type) : r->num;
        char tmp[64];
        switch (r->kind) {
        case I_STR:
            return put_string(c, r->str ? r->str : row_string(c, type, tmp, sizeof tmp), val, buflen, outlen,
                              wide);
        case I_ULEN:
            return put_handle(c, type, val, outlen);
        case I_U16:
            if (val)
                *(SQLUSMALLINT *)val = (SQLUSMALLINT)num;
            if (outlen)
                *outlen = sizeof(SQLUSMALLINT);
            return SQL_SUCCESS;
        default:
            if (val)
                *(SQLUINTEGER *)val = num;
            if (outlen)
                *outlen = sizeof(SQLUINTEGER);
            return SQL_SUCCESS;
        }
    }
    return diag_err(&c->h.diag, "HY096", "Information type %u is out of range (not known to this driver)",
                    (unsigned)type);
}

/* ---- SQLGetFunctions ------------------------------------------------------- */

/* Every ODBC 3.8 function, by the name an A entry point has (a W one adds 'W'). */
static const struct api_function {
    SQLUSMALLINT id;
    const char *name;
} api_functions[] = {
    {SQL_API_SQLALLOCCONNECT, "SQLAllocConnect"},
    {SQL_API_SQLALLOCENV, "SQLAllocEnv"},
    {SQL_API_SQLALLOCHANDLE, "SQLAllocHandle"},
    {SQL_API_SQLALLOCHANDLESTD, "SQLAllocHandleStd"},
    {SQL_API_SQLALLOCSTMT, "SQLAllocStmt"},
    {SQL_API_SQLBINDCOL, "SQLBindCol"},
    {SQL_API_SQLBINDPARAM, "SQLBindParam"},
    {SQL_API_SQLBINDPARAMETER, "SQLBindParameter"},
    {SQL_API_SQLBROWSECONNECT, "SQLBrowseConnect"},
    {SQL_API_SQLBULKOPERATIONS, "SQLBulkOperations"},
    {SQL_API_SQLCANCEL, "SQLCancel"},
    {SQL_API_SQLCANCELHANDLE, "SQLCancelHandle"},
    {SQL_API_SQLCLOSECURSOR, "SQLCloseCursor"},
    {SQL_API_SQLCOLATTRIBUTE, "SQLColAttribute"},
    {SQL_API_SQLCOLATTRIBUTES, "SQLColAttributes"},
    {SQL_API_SQLCOLUMNPRIVILEGES, "SQLColumnPrivileges"},
    {SQL_API_SQLCOLUMNS, "SQLColumns"},
    {SQL_API_SQLCOMPLETEASYNC, "SQLCompleteAsync"},
    {SQL_API_SQLCONNECT, "SQLConnect"},
    {SQL_API_SQLCOPYDESC, "SQLCopyDesc"},
    {SQL_API_SQLDATASOURCES, "SQLDataSources"},
    {SQL_API_SQLDESCRIBECOL, "SQLDescribeCol"},
    {SQL_API_SQLDESCRIBEPARAM, "SQLDescribeParam"},
    {SQL_API_SQLDISCONNECT, "SQLDisconnect"},
    {SQL_API_SQLDRIVERCONNECT, "SQLDriverConnect"},
    {SQL_API_SQLDRIVERS, "SQLDrivers"},
    {SQL_API_SQLENDTRAN, "SQLEndTran"},
    {SQL_API_SQLERROR, "SQLError"},
    {SQL_API_SQLEXECDIRECT, "SQLExecDirect"},
    {SQL_API_SQLEXECUTE, "SQLExecute"},
    {SQL_API_SQLEXTENDEDFETCH, "SQLExtendedFetch"},
    {SQL_API_SQLFETCH, "SQLFetch"},
    {SQL_API_SQLFETCHSCROLL, "SQLFetchScroll"},
    {SQL_API_SQLFOREIGNKEYS, "SQLForeignKeys"},
    {SQL_API_SQLFREECONNECT, "SQLFreeConnect"},
    {SQL_API_SQLFREEENV, "SQLFreeEnv"},
    {SQL_API_SQLFREEHANDLE, "SQLFreeHandle"},
    {SQL_API_SQLFREESTMT, "SQLFreeStmt"},
    {SQL_API_SQLGETCONNECTATTR, "SQLGetConnectAttr"},
    {SQL_API_SQLGETCONNECTOPTION, "SQLGetConnectOption"},
    {SQL_API_SQLGETCURSORNAME, "SQLGetCursorName"},
    {SQL_API_SQLGETDATA, "SQLGetData"},
    {SQL_API_SQLGETDESCFIELD, "SQLGetDescField"},
    {SQL_API_SQLGETDESCREC, "SQLGetDescRec"},
    {SQL_API_SQLGETDIAGFIELD, "SQLGetDiagField"},
    {SQL_API_SQLGETDIAGREC, "SQLGetDiagRec"},
    {SQL_API_SQLGETENVATTR, "SQLGetEnvAttr"},
    {SQL_API_SQLGETFUNCTIONS, "SQLGetFunctions"},
    {SQL_API_SQLGETINFO, "SQLGetInfo"},
    {SQL_API_SQLGETSTMTATTR, "SQLGetStmtAttr"},
    {SQL_API_SQLGETSTMTOPTION, "SQLGetStmtOption"},
    {SQL_API_SQLGETTYPEINFO, "SQLGetTypeInfo"},
    {SQL_API_SQLMORERESULTS, "SQLMoreResults"},
    {SQL_API_SQLNATIVESQL, "SQLNativeSql"},
    {SQL_API_SQLNUMPARAMS, "SQLNumParams"},
    {SQL_API_SQLNUMRESULTCOLS, "SQLNumResultCols"},
    {SQL_API_SQLPARAMDATA, "SQLParamData"},
    {SQL_API_SQLPARAMOPTIONS, "SQLParamOptions"},
    {SQL_API_SQLPREPARE, "SQLPrepare"},
    {SQL_API_SQLPRIMARYKEYS, "SQLPrimaryKeys"},
    {SQL_API_SQLPROCEDURECOLUMNS, "SQLProcedureColumns"},
    {SQL_API_SQLPROCEDURES, "SQLProcedures"},
    {SQL_API_SQLPUTDATA, "SQLPutData"},
    {SQL_API_SQLROWCOUNT, "SQLRowCount"},
    {SQL_API_SQLSETCONNECTATTR, "SQLSetConnectAttr"},
    {SQL_API_SQLSETCONNECTOPTION, "SQLSetConnectOption"},
    {SQL_API_SQLSETCURSORNAME, "SQLSetCursorName"},
    {SQL_API_SQLSETDESCFIELD, "SQLSetDescField"},
    {SQL_API_SQLSETDESCREC, "SQLSetDescRec"},
    {SQL_API_SQLSETENVATTR, "SQLSetEnvAttr"},
    {SQL_API_SQLSETPARAM, "SQLSetParam"},
    {SQL_API_SQLSETPOS, "SQLSetPos"},
    {SQL_API_SQLSETSCROLLOPTIONS, "SQLSetScrollOptions"},
    {SQL_API_SQLSETSTMTATTR, "SQLSetStmtAttr"},
    {SQL_API_SQLSETSTMTOPTION, "SQLSetStmtOption"},
    {SQL_API_SQLSPECIALCOLUMNS, "SQLSpecialColumns"},
    {SQL_API_SQLSTATISTICS, "SQLStatistics"},
    {SQL_API_SQLTABLEPRIVILEGES, "SQLTablePrivileges"},
    {SQL_API_SQLTABLES, "SQLTables"},
    {SQL_API_SQLTRANSACT, "SQLTransact"},
};

static SQLUSMALLINT exported[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
static pthread_once_t exported_once = PTHREAD_ONCE_INIT;

/* Is `name` a symbol of the module at `base` (not of a library it depends on)? */
static int exports(void *module, const void *base, const char *name)
{
    void *sym = dlsym(module, name);
    Dl_info where;
    return sym && dladdr(sym, &where) && where.dli_fbase == base;
}

static void find_exports(void)
{
    Dl_info self;
    void *module = NULL;
    if (dladdr((void *)exported, &self) && self.dli_fname)
        module = dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    for (size_t i = 0; i < sizeof api_functions / sizeof api_functions[0]; i++) {
        char wide[64];
        snprintf(wide, sizeof wide, "%sW", api_functions[i].name);
        /* without a way to look (never seen on glibc), claim everything: the
         * DM only ever uses the answer to disable functions it found */
        if (!module || exports(module, self.dli_fbase, api_functions[i].name) ||
            exports(module, self.dli_fbase, wide))
            SQL_FUNC_SET(exported, api_functions[i].id);
    }
    if (module)
        dlclose(module);
}

SQLRETURN drv_get_functions(drv_dbc *c, SQLUSMALLINT id, SQLUSMALLINT *supported)
{
    if (!supported)
        return diag_err(&c->h.diag, "HY009", "Invalid use of null pointer");
    pthread_once(&exported_once, find_exports);
    if (id == SQL_API_ODBC3_ALL_FUNCTIONS) {
        memcpy(supported, exported, sizeof exported);
        return SQL_SUCCESS;
    }
    if (id == SQL_API_ALL_FUNCTIONS) {
        for (SQLUSMALLINT i = 0; i < 100; i++)
            supported[i] = SQL_FUNC_EXISTS(exported, i);
        return SQL_SUCCESS;
    }
    *supported = id < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16 ? SQL_FUNC_EXISTS(exported, id) : SQL_FALSE;
    return SQL_SUCCESS;
}
