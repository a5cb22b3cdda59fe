/*
 * test_odbc_info.c — SQLGetInfo, SQLGetFunctions and the ODBC escape
 * sequences, through the REAL unixODBC driver manager (linked with -lodbc
 * only; the connection setup is tests/odbc/odbc_harness.c's).
 *
 *   - every SQLGetInfo info type of the ODBC 3.8 headers answers, with the
 *     right size (2 or 4 bytes written, strings NUL-terminated with their
 *     length, 01004 and the full length when cut), unknown ones HY096;
 *   - what the bitmasks claim runs: every {fn} in SQL_STRING/NUMERIC/
 *     TIMEDATE/SYSTEM_FUNCTIONS, every TIMESTAMPADD/DIFF interval, every
 *     CONVERT pair of SQL_CONVERT_*, every join, predicate, aggregate…;
 *   - SQLGetFunctions matches the SQL* symbols `nm -D` lists in the
 *     driver, both the driver's own answer and the DM's;
 *   - escapes: SQLNativeSql, SQL_ATTR_NOSCAN, {ts} against DateTime
 *     columns, errors.
 * Where it connects: see odbc_harness.h (AZDO_TEST_DSN under make check,
 * else a sandbox DSN for $AZDO_TEST_URL / $AZDO_TEST_PAT, else skipped).
 * The driver library it inspects (nm -D, dlopen) is driver_so().
 */
#include <ctype.h>
#include <dlfcn.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "odbc_harness.h"

/* Runs sql on a fresh statement; the first column of the first row as text
 * into out ("NULL" for NULL).  Returns the SQLExecDirect/SQLFetch result;
 * on an error, out holds "STATE message". */
static SQLRETURN query1(SQLHDBC dbc, const char *sql, char *out, size_t cap)
{
    SQLHSTMT st = SQL_NULL_HSTMT;
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    if (SQL_SUCCEEDED(rc))
        rc = SQLFetch(st);
    if (SQL_SUCCEEDED(rc)) {
        SQLLEN ind = 0;
        rc = SQLGetData(st, 1, SQL_C_CHAR, out, (SQLLEN)cap, &ind);
        if (SQL_SUCCEEDED(rc) && ind == SQL_NULL_DATA)
            snprintf(out, cap, "NULL");
        else if (!SQL_SUCCEEDED(rc))
            snprintf(out, cap, "%s", why(SQL_HANDLE_STMT, st));
    } else {
        snprintf(out, cap, "%s", rc == SQL_NO_DATA ? "no row" : why(SQL_HANDLE_STMT, st));
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return rc;
}

/* Checks that sql returns `want` as its first value. */
static void expect_value(SQLHDBC dbc, const char *sql, const char *want, const char *what)
{
    char got[1024];
    SQLRETURN rc = query1(dbc, sql, got, sizeof got);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(got, want) == 0, "%s: %s -> %s (want %s)", what, sql, got, want);
}

/* Checks that sql fails with `state`. */
static void expect_error(SQLHDBC dbc, const char *sql, const char *state)
{
    char got[1024];
    SQLRETURN rc = query1(dbc, sql, got, sizeof got);
    CHECK(rc == SQL_ERROR && strncmp(got, state, 5) == 0, "%s: rc=%d %s (want %s)", sql, (int)rc, got, state);
}

/* ---- every info type ------------------------------------------------------------- */

/* K_DMSTR: a string unixODBC answers itself (without 01004 when it cuts it) */
enum { K_STR, K_YN, K_DMSTR, K_U16, K_U32, K_HANDLE, K_DM };

static const struct info_type {
    SQLUSMALLINT id;
    const char *name;
    int kind;
} info_types[] = {
#define T(id, kind) {id, #id, kind}
    T(SQL_MAX_DRIVER_CONNECTIONS, K_U16), T(SQL_MAX_CONCURRENT_ACTIVITIES, K_U16),
    T(SQL_DATA_SOURCE_NAME, K_DMSTR), T(SQL_DRIVER_HDBC, K_HANDLE), T(SQL_DRIVER_HENV, K_HANDLE),
    T(SQL_DRIVER_HSTMT, K_HANDLE), T(SQL_DRIVER_NAME, K_STR), T(SQL_DRIVER_VER, K_STR),
    T(SQL_FETCH_DIRECTION, K_U32), T(SQL_ODBC_API_CONFORMANCE, K_U16), T(SQL_ODBC_VER, K_DM),
    T(SQL_ROW_UPDATES, K_YN), T(SQL_ODBC_SAG_CLI_CONFORMANCE, K_U16), T(SQL_SERVER_NAME, K_STR),
    T(SQL_SEARCH_PATTERN_ESCAPE, K_STR), T(SQL_ODBC_SQL_CONFORMANCE, K_U16), T(SQL_DATABASE_NAME, K_STR),
    T(SQL_DBMS_NAME, K_STR), T(SQL_DBMS_VER, K_STR), T(SQL_ACCESSIBLE_TABLES, K_YN),
    T(SQL_ACCESSIBLE_PROCEDURES, K_YN), T(SQL_PROCEDURES, K_YN), T(SQL_CONCAT_NULL_BEHAVIOR, K_U16),
    T(SQL_CURSOR_COMMIT_BEHAVIOR, K_U16), T(SQL_CURSOR_ROLLBACK_BEHAVIOR, K_U16),
    T(SQL_DATA_SOURCE_READ_ONLY, K_YN), T(SQL_DEFAULT_TXN_ISOLATION, K_U32), T(SQL_EXPRESSIONS_IN_ORDERBY, K_YN),
    T(SQL_IDENTIFIER_CASE, K_U16), T(SQL_IDENTIFIER_QUOTE_CHAR, K_STR), T(SQL_MAX_COLUMN_NAME_LEN, K_U16),
    T(SQL_MAX_CURSOR_NAME_LEN, K_U16), T(SQL_MAX_SCHEMA_NAME_LEN, K_U16), T(SQL_MAX_PROCEDURE_NAME_LEN, K_U16),
    T(SQL_MAX_CATALOG_NAME_LEN, K_U16), T(SQL_MAX_TABLE_NAME_LEN, K_U16), T(SQL_MULT_RESULT_SETS, K_YN),
    T(SQL_MULTIPLE_ACTIVE_TXN, K_YN), T(SQL_OUTER_JOINS, K_YN), T(SQL_SCHEMA_TERM, K_STR),
    T(SQL_PROCEDURE_TERM, K_STR), T(SQL_CATALOG_NAME_SEPARATOR, K_STR), T(SQL_CATALOG_TERM, K_STR),
    T(SQL_SCROLL_CONCURRENCY, K_U32), T(SQL_SCROLL_OPTIONS, K_U32), T(SQL_TABLE_TERM, K_STR),
    T(SQL_TXN_CAPABLE, K_U16), T(SQL_USER_NAME, K_STR), T(SQL_CONVERT_FUNCTIONS, K_U32),
    T(SQL_NUMERIC_FUNCTIONS, K_U32), T(SQL_STRING_FUNCTIONS, K_U32), T(SQL_SYSTEM_FUNCTIONS, K_U32),
    T(SQL_TIMEDATE_FUNCTIONS, K_U32), T(SQL_CONVERT_BIGINT, K_U32), T(SQL_CONVERT_BINARY, K_U32),
    T(SQL_CONVERT_BIT, K_U32), T(SQL_CONVERT_CHAR, K_U32), T(SQL_CONVERT_DATE, K_U32),
    T(SQL_CONVERT_DECIMAL, K_U32), T(SQL_CONVERT_DOUBLE, K_U32), T(SQL_CONVERT_FLOAT, K_U32),
    T(SQL_CONVERT_INTEGER, K_U32), T(SQL_CONVERT_LONGVARCHAR, K_U32), T(SQL_CONVERT_NUMERIC, K_U32),
    T(SQL_CONVERT_REAL, K_U32), T(SQL_CONVERT_SMALLINT, K_U32), T(SQL_CONVERT_TIME, K_U32),
    T(SQL_CONVERT_TIMESTAMP, K_U32), T(SQL_CONVERT_TINYINT, K_U32), T(SQL_CONVERT_VARBINARY, K_U32),
    T(SQL_CONVERT_VARCHAR, K_U32), T(SQL_CONVERT_LONGVARBINARY, K_U32), T(SQL_TXN_ISOLATION_OPTION, K_U32),
    T(SQL_INTEGRITY, K_YN), T(SQL_CORRELATION_NAME, K_U16), T(SQL_NON_NULLABLE_COLUMNS, K_U16),
    T(SQL_DRIVER_HLIB, K_DM), T(SQL_DRIVER_ODBC_VER, K_STR), T(SQL_LOCK_TYPES, K_U32),
    T(SQL_POS_OPERATIONS, K_U32), T(SQL_POSITIONED_STATEMENTS, K_U32), T(SQL_GETDATA_EXTENSIONS, K_U32),
    T(SQL_BOOKMARK_PERSISTENCE, K_U32), T(SQL_STATIC_SENSITIVITY, K_U32), T(SQL_FILE_USAGE, K_U16),
    T(SQL_NULL_COLLATION, K_U16), T(SQL_ALTER_TABLE, K_U32), T(SQL_COLUMN_ALIAS, K_YN), T(SQL_GROUP_BY, K_U16),
    T(SQL_KEYWORDS, K_STR), T(SQL_ORDER_BY_COLUMNS_IN_SELECT, K_YN), T(SQL_SCHEMA_USAGE, K_U32),
    T(SQL_CATALOG_USAGE, K_U32), T(SQL_QUOTED_IDENTIFIER_CASE, K_U16), T(SQL_SPECIAL_CHARACTERS, K_STR),
    T(SQL_SUBQUERIES, K_U32), T(SQL_UNION, K_U32), T(SQL_MAX_COLUMNS_IN_GROUP_BY, K_U16),
    T(SQL_MAX_COLUMNS_IN_INDEX, K_U16), T(SQL_MAX_COLUMNS_IN_ORDER_BY, K_U16),
    T(SQL_MAX_COLUMNS_IN_SELECT, K_U16), T(SQL_MAX_COLUMNS_IN_TABLE, K_U16), T(SQL_MAX_INDEX_SIZE, K_U32),
    T(SQL_MAX_ROW_SIZE_INCLUDES_LONG, K_YN), T(SQL_MAX_ROW_SIZE, K_U32), T(SQL_MAX_STATEMENT_LEN, K_U32),
    T(SQL_MAX_TABLES_IN_SELECT, K_U16), T(SQL_MAX_USER_NAME_LEN, K_U16), T(SQL_MAX_CHAR_LITERAL_LEN, K_U32),
    T(SQL_TIMEDATE_ADD_INTERVALS, K_U32), T(SQL_TIMEDATE_DIFF_INTERVALS, K_U32), T(SQL_NEED_LONG_DATA_LEN, K_YN),
    T(SQL_MAX_BINARY_LITERAL_LEN, K_U32), T(SQL_LIKE_ESCAPE_CLAUSE, K_YN), T(SQL_CATALOG_LOCATION, K_U16),
    T(SQL_OJ_CAPABILITIES, K_U32), T(SQL_ACTIVE_ENVIRONMENTS, K_U16), T(SQL_ALTER_DOMAIN, K_U32),
    T(SQL_SQL_CONFORMANCE, K_U32), T(SQL_DATETIME_LITERALS, K_U32), T(SQL_BATCH_ROW_COUNT, K_U32),
    T(SQL_BATCH_SUPPORT, K_U32), T(SQL_CONVERT_WCHAR, K_U32), T(SQL_CONVERT_INTERVAL_DAY_TIME, K_U32),
    T(SQL_CONVERT_INTERVAL_YEAR_MONTH, K_U32), T(SQL_CONVERT_WLONGVARCHAR, K_U32), T(SQL_CONVERT_WVARCHAR, K_U32),
    T(SQL_CREATE_ASSERTION, K_U32), T(SQL_CREATE_CHARACTER_SET, K_U32), T(SQL_CREATE_COLLATION, K_U32),
    T(SQL_CREATE_DOMAIN, K_U32), T(SQL_CREATE_SCHEMA, K_U32), T(SQL_CREATE_TABLE, K_U32),
    T(SQL_CREATE_TRANSLATION, K_U32), T(SQL_CREATE_VIEW, K_U32), T(SQL_DRIVER_HDESC, K_HANDLE),
    T(SQL_DROP_ASSERTION, K_U32), T(SQL_DROP_CHARACTER_SET, K_U32), T(SQL_DROP_COLLATION, K_U32),
    T(SQL_DROP_DOMAIN, K_U32), T(SQL_DROP_SCHEMA, K_U32), T(SQL_DROP_TABLE, K_U32), T(SQL_DROP_TRANSLATION, K_U32),
    T(SQL_DROP_VIEW, K_U32), T(SQL_DYNAMIC_CURSOR_ATTRIBUTES1, K_U32), T(SQL_DYNAMIC_CURSOR_ATTRIBUTES2, K_U32),
    T(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1, K_U32), T(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2, K_U32),
    T(SQL_INDEX_KEYWORDS, K_U32), T(SQL_INFO_SCHEMA_VIEWS, K_U32), T(SQL_KEYSET_CURSOR_ATTRIBUTES1, K_U32),
    T(SQL_KEYSET_CURSOR_ATTRIBUTES2, K_U32), T(SQL_ODBC_INTERFACE_CONFORMANCE, K_U32),
    T(SQL_PARAM_ARRAY_ROW_COUNTS, K_U32), T(SQL_PARAM_ARRAY_SELECTS, K_U32),
    T(SQL_SQL92_DATETIME_FUNCTIONS, K_U32), T(SQL_SQL92_FOREIGN_KEY_DELETE_RULE, K_U32),
    T(SQL_SQL92_FOREIGN_KEY_UPDATE_RULE, K_U32), T(SQL_SQL92_GRANT, K_U32),
    T(SQL_SQL92_NUMERIC_VALUE_FUNCTIONS, K_U32), T(SQL_SQL92_PREDICATES, K_U32),
    T(SQL_SQL92_RELATIONAL_JOIN_OPERATORS, K_U32), T(SQL_SQL92_REVOKE, K_U32),
    T(SQL_SQL92_ROW_VALUE_CONSTRUCTOR, K_U32), T(SQL_SQL92_STRING_FUNCTIONS, K_U32),
    T(SQL_SQL92_VALUE_EXPRESSIONS, K_U32), T(SQL_STANDARD_CLI_CONFORMANCE, K_U32),
    T(SQL_STATIC_CURSOR_ATTRIBUTES1, K_U32), T(SQL_STATIC_CURSOR_ATTRIBUTES2, K_U32),
    T(SQL_AGGREGATE_FUNCTIONS, K_U32), T(SQL_DDL_INDEX, K_U32), T(SQL_DM_VER, K_DM),
    T(SQL_INSERT_STATEMENT, K_U32), T(SQL_CONVERT_GUID, K_U32), {180, "SQL_RETURN_ESCAPE_CLAUSE", K_U32},
    {1750, "SQL_DTC_TRANSITION_COST", K_U32}, T(SQL_XOPEN_CLI_YEAR, K_DMSTR), T(SQL_CURSOR_SENSITIVITY, K_U32),
    T(SQL_DESCRIBE_PARAMETER, K_YN), T(SQL_CATALOG_NAME, K_YN), T(SQL_COLLATION_SEQ, K_STR),
    T(SQL_MAX_IDENTIFIER_LEN, K_U16), T(SQL_ASYNC_MODE, K_U32), T(SQL_MAX_ASYNC_CONCURRENT_STATEMENTS, K_U32),
    {10023, "SQL_ASYNC_DBC_FUNCTIONS", K_U32}, {10024, "SQL_DRIVER_AWARE_POOLING_SUPPORTED", K_U32},
    {10025, "SQL_ASYNC_NOTIFICATION", K_U32},
#undef T
};

#define NINFO (sizeof info_types / sizeof info_types[0])

static SQLUINTEGER info32(SQLHDBC dbc, SQLUSMALLINT id)
{
    SQLUINTEGER v = 0;
    SQLRETURN rc = SQLGetInfo(dbc, id, &v, sizeof v, NULL);
    CHECK(rc == SQL_SUCCESS, "info %u: rc=%d %s", (unsigned)id, (int)rc, why(SQL_HANDLE_DBC, dbc));
    return v;
}

static void check_string_info(SQLHDBC dbc, const struct info_type *t)
{
    char buf[4096];
    SQLSMALLINT len = -1;
    memset(buf, 'x', sizeof buf);
    SQLRETURN rc = SQLGetInfo(dbc, t->id, buf, sizeof buf, &len);
    CHECK(rc == SQL_SUCCESS, "%s: rc=%d %s", t->name, (int)rc, why(SQL_HANDLE_DBC, dbc));
    if (rc != SQL_SUCCESS)
        return;
    CHECK(memchr(buf, '\0', sizeof buf) != NULL && (SQLSMALLINT)strlen(buf) == len,
          "%s: length %d for '%.60s'", t->name, len, buf);
    if (t->kind == K_YN)
        CHECK(strcmp(buf, "Y") == 0 || strcmp(buf, "N") == 0, "%s: '%s' is not Y or N", t->name, buf);
    CHECK(!strcasestr(buf, "sqlite"), "%s mentions SQLite: '%s'", t->name, buf);

    /* the W form counts bytes */
    SQLWCHAR wbuf[4096];
    SQLSMALLINT wlen = -1;
    rc = SQLGetInfoW(dbc, t->id, wbuf, sizeof wbuf, &wlen);
    CHECK(rc == SQL_SUCCESS && wlen == 2 * len, "%s W: rc=%d length %d bytes, A %d", t->name, (int)rc, wlen, len);

    /* cut: 01004, the full length, as much as fits */
    if (len < 2)
        return;
    char small[4096];
    SQLSMALLINT full = -1;
    rc = SQLGetInfo(dbc, t->id, small, len, &full);
    char st[6], msg[256];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    if (t->kind == K_DMSTR)
        strcpy(st, "01004");
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strcmp(st, "01004") == 0 && full == len &&
              strlen(small) == (size_t)len - 1 && strncmp(small, buf, (size_t)len - 1) == 0,
          "%s cut to %d: rc=%d state %s length %d '%s'", t->name, len, (int)rc, st, full, small);
}

/* A number info type writes exactly `size` bytes and says so. */
static void check_number_info(SQLHDBC dbc, const struct info_type *t, size_t size)
{
    unsigned char buf[16];
    SQLSMALLINT len = -1;
    memset(buf, 0xA5, sizeof buf);
    SQLRETURN rc = SQLGetInfo(dbc, t->id, buf, sizeof buf, &len);
    CHECK(rc == SQL_SUCCESS, "%s: rc=%d %s", t->name, (int)rc, why(SQL_HANDLE_DBC, dbc));
    int untouched = 1;
    for (size_t i = size; i < sizeof buf; i++)
        untouched &= buf[i] == 0xA5;
    CHECK(len == (SQLSMALLINT)size && untouched, "%s: length %d, want %zu bytes written", t->name, len, size);
}

static void test_every_info_type(SQLHDBC dbc)
{
    start("SQLGetInfo: every info type");
    for (size_t i = 0; i < NINFO; i++) {
        const struct info_type *t = &info_types[i];
        switch (t->kind) {
        case K_STR:
        case K_YN:
        case K_DMSTR:
            check_string_info(dbc, t);
            break;
        case K_U16:
            check_number_info(dbc, t, sizeof(SQLUSMALLINT));
            break;
        case K_U32:
            check_number_info(dbc, t, sizeof(SQLUINTEGER));
            break;
        default: {
            /* answered by the DM: SQL_DRIVER_HSTMT/HDESC take a handle in */
            SQLHSTMT st = SQL_NULL_HSTMT;
            SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
            SQLHDESC d = SQL_NULL_HDESC;
            SQLGetStmtAttr(st, SQL_ATTR_APP_ROW_DESC, &d, 0, NULL);
            union {
                SQLHANDLE h;
                char s[64];
            } v;
            memset(&v, 0, sizeof v);
            v.h = t->id == SQL_DRIVER_HSTMT ? (SQLHANDLE)st : t->id == SQL_DRIVER_HDESC ? (SQLHANDLE)d : NULL;
            SQLSMALLINT len = 0;
            SQLRETURN rc = SQLGetInfo(dbc, t->id, &v, sizeof v, &len);
            CHECK(SQL_SUCCEEDED(rc), "%s: rc=%d %s", t->name, (int)rc, why(SQL_HANDLE_DBC, dbc));
            SQLFreeHandle(SQL_HANDLE_STMT, st);
            break;
        }
        }
    }

    /* unknown ones */
    const SQLUSMALLINT unknown[] = {16 + 1000, 174, 181, 999, 1749, 9999, 10026, 65003, 65535};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        char buf[64], st[6], msg[256];
        SQLRETURN rc = SQLGetInfo(dbc, unknown[i], buf, sizeof buf, NULL);
        diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st, "HY096") == 0, "info type %u: rc=%d %s", (unsigned)unknown[i], (int)rc,
              st);
    }

    /* values a BI tool acts on */
    char buf[256];
    SQLGetInfo(dbc, SQL_DBMS_NAME, buf, sizeof buf, NULL);
    CHECK(strcmp(buf, "Azure DevOps") == 0, "DBMS_NAME '%s'", buf);
    SQLUSMALLINT u16 = 0;
    SQLGetInfo(dbc, SQL_TXN_CAPABLE, &u16, sizeof u16, NULL);
    CHECK(u16 == SQL_TC_NONE, "TXN_CAPABLE %u", u16);
    CHECK(info32(dbc, SQL_TXN_ISOLATION_OPTION) == 0 && info32(dbc, SQL_DEFAULT_TXN_ISOLATION) == 0,
          "no isolation levels without transactions");
    CHECK(SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT)), "SQLEndTran still succeeds");
    CHECK(info32(dbc, SQL_STATIC_CURSOR_ATTRIBUTES1) == 0 && info32(dbc, SQL_KEYSET_CURSOR_ATTRIBUTES1) == 0 &&
              info32(dbc, SQL_DYNAMIC_CURSOR_ATTRIBUTES1) == 0,
          "only forward-only cursors are described");
    CHECK(info32(dbc, SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1) & SQL_CA1_NEXT, "forward-only NEXT");
    CHECK(info32(dbc, SQL_CONVERT_FUNCTIONS) == (SQL_FN_CVT_CAST | SQL_FN_CVT_CONVERT), "CONVERT_FUNCTIONS");
    CHECK(info32(dbc, SQL_PARAM_ARRAY_SELECTS) == SQL_PAS_NO_SELECT, "PARAM_ARRAY_SELECTS");
    CHECK(info32(dbc, SQL_CONVERT_VARCHAR) != 0 && info32(dbc, SQL_CONVERT_WVARCHAR) != 0,
          "text conversions claimed (Power BI needs them)");
    CHECK(info32(dbc, SQL_MAX_STATEMENT_LEN) > 0, "MAX_STATEMENT_LEN is the SQLite limit");
}

/* ---- what the bitmasks claim runs ------------------------------------------------ */

typedef struct claim {
    unsigned long bit;
    const char *sql; /* returns 1 when the feature works */
} claim;

/* Every bit of `mask` must have a claim, and each claim whose bit is set must return 1. */
static void check_claims(SQLHDBC dbc, const char *what, SQLUINTEGER mask, const claim *c, size_t n)
{
    SQLUINTEGER covered = 0;
    for (size_t i = 0; i < n; i++) {
        covered |= (SQLUINTEGER)c[i].bit;
        if (mask & c[i].bit)
            expect_value(dbc, c[i].sql, "1", what);
    }
    CHECK((mask & ~covered) == 0, "%s: bits 0x%lx are claimed but this test has no SQL for them", what,
          (unsigned long)(mask & ~covered));
}

static const claim string_claims[] = {
    {SQL_FN_STR_ASCII, "SELECT {fn ASCII('A')} = 65"},
    {SQL_FN_STR_BIT_LENGTH, "SELECT {fn BIT_LENGTH('ab')} = 16"},
    {SQL_FN_STR_CHAR, "SELECT {fn CHAR(65)} = 'A'"},
    {SQL_FN_STR_CHAR_LENGTH, "SELECT {fn CHAR_LENGTH('ab ')} = 3"},
    {SQL_FN_STR_CHARACTER_LENGTH, "SELECT {fn CHARACTER_LENGTH('ab ')} = 3"},
    {SQL_FN_STR_CONCAT, "SELECT {fn CONCAT('a', 'b')} = 'ab'"},
    {SQL_FN_STR_DIFFERENCE, "SELECT {fn DIFFERENCE('Robert', 'Rupert')} = 4"},
    {SQL_FN_STR_INSERT, "SELECT {fn INSERT('abcdef', 2, 3, 'XY')} = 'aXYef'"},
    {SQL_FN_STR_LCASE, "SELECT {fn LCASE('AB')} = 'ab'"},
    {SQL_FN_STR_LEFT, "SELECT {fn LEFT('abc', 2)} = 'ab'"},
    {SQL_FN_STR_LENGTH, "SELECT {fn LENGTH('ab  ')} = 2"},
    {SQL_FN_STR_LOCATE, "SELECT {fn LOCATE('c', 'abcabc')} = 3"},
    {SQL_FN_STR_LOCATE_2, "SELECT {fn LOCATE('c', 'abcabc', 4)} = 6"},
    {SQL_FN_STR_LTRIM, "SELECT {fn LTRIM('  a')} = 'a'"},
    {SQL_FN_STR_OCTET_LENGTH, "SELECT {fn OCTET_LENGTH('ab')} = 2"},
    {SQL_FN_STR_POSITION, "SELECT {fn POSITION('b' IN 'abc')} = 2"},
    {SQL_FN_STR_REPEAT, "SELECT {fn REPEAT('ab', 2)} = 'abab'"},
    {SQL_FN_STR_REPLACE, "SELECT {fn REPLACE('a-b', '-', '+')} = 'a+b'"},
    {SQL_FN_STR_RIGHT, "SELECT {fn RIGHT('abc', 2)} = 'bc'"},
    {SQL_FN_STR_RTRIM, "SELECT {fn RTRIM('a  ')} = 'a'"},
    {SQL_FN_STR_SOUNDEX, "SELECT {fn SOUNDEX('Robert')} = 'R163'"},
    {SQL_FN_STR_SPACE, "SELECT {fn SPACE(2)} = '  '"},
    {SQL_FN_STR_SUBSTRING, "SELECT {fn SUBSTRING('abcdef', 2, 3)} = 'bcd'"},
    {SQL_FN_STR_UCASE, "SELECT {fn UCASE('ab')} = 'AB'"},
};

static const claim numeric_claims[] = {
    {SQL_FN_NUM_ABS, "SELECT {fn ABS(-2)} = 2"},
    {SQL_FN_NUM_ACOS, "SELECT {fn ACOS(1)} = 0"},
    {SQL_FN_NUM_ASIN, "SELECT {fn ASIN(0)} = 0"},
    {SQL_FN_NUM_ATAN, "SELECT {fn ATAN(0)} = 0"},
    {SQL_FN_NUM_ATAN2, "SELECT abs({fn ATAN2(1, 1)} - 0.785398) < 0.0001"},
    {SQL_FN_NUM_CEILING, "SELECT {fn CEILING(2.1)} = 3"},
    {SQL_FN_NUM_COS, "SELECT {fn COS(0)} = 1"},
    {SQL_FN_NUM_COT, "SELECT abs({fn COT(1)} - 0.642093) < 0.0001"},
    {SQL_FN_NUM_DEGREES, "SELECT abs({fn DEGREES(3.14159265358979)} - 180) < 0.0001"},
    {SQL_FN_NUM_EXP, "SELECT {fn EXP(0)} = 1"},
    {SQL_FN_NUM_FLOOR, "SELECT {fn FLOOR(-2.5)} = -3"},
    {SQL_FN_NUM_LOG, "SELECT abs({fn LOG(2.718281828459045)} - 1) < 0.0001"},
    {SQL_FN_NUM_LOG10, "SELECT {fn LOG10(100)} = 2"},
    {SQL_FN_NUM_MOD, "SELECT {fn MOD(17, 5)} = 2"},
    {SQL_FN_NUM_PI, "SELECT abs({fn PI()} - 3.14159) < 0.0001"},
    {SQL_FN_NUM_POWER, "SELECT {fn POWER(2, 10)} = 1024"},
    {SQL_FN_NUM_RADIANS, "SELECT abs({fn RADIANS(180)} - 3.14159) < 0.0001"},
    {SQL_FN_NUM_RAND, "SELECT {fn RAND()} BETWEEN 0 AND 1"},
    {SQL_FN_NUM_ROUND, "SELECT {fn ROUND(2.567, 2)} = 2.57 AND {fn ROUND(1250, -2)} = 1300"},
    {SQL_FN_NUM_SIGN, "SELECT {fn SIGN(-4)} = -1"},
    {SQL_FN_NUM_SIN, "SELECT {fn SIN(0)} = 0"},
    {SQL_FN_NUM_SQRT, "SELECT {fn SQRT(16)} = 4"},
    {SQL_FN_NUM_TAN, "SELECT {fn TAN(0)} = 0"},
    {SQL_FN_NUM_TRUNCATE, "SELECT {fn TRUNCATE(2.679, 2)} = 2.67"},
};

static const claim timedate_claims[] = {
    {SQL_FN_TD_CURRENT_DATE, "SELECT {fn CURRENT_DATE()} = date('now')"},
    {SQL_FN_TD_CURRENT_TIME, "SELECT length({fn CURRENT_TIME()}) = 8"},
    {SQL_FN_TD_CURRENT_TIMESTAMP, "SELECT abs(julianday({fn CURRENT_TIMESTAMP()}) - julianday('now')) < 0.001"},
    {SQL_FN_TD_CURDATE, "SELECT {fn CURDATE()} = date('now')"},
    {SQL_FN_TD_CURTIME, "SELECT length({fn CURTIME()}) = 8"},
    {SQL_FN_TD_DAYNAME, "SELECT {fn DAYNAME({d '2024-03-05'})} = 'Tuesday'"},
    {SQL_FN_TD_DAYOFMONTH, "SELECT {fn DAYOFMONTH({d '2024-03-05'})} = 5"},
    {SQL_FN_TD_DAYOFWEEK, "SELECT {fn DAYOFWEEK({d '2024-03-03'})} = 1"},
    {SQL_FN_TD_DAYOFYEAR, "SELECT {fn DAYOFYEAR({d '2024-02-01'})} = 32"},
    {SQL_FN_TD_EXTRACT, "SELECT {fn EXTRACT(MONTH FROM {d '2024-03-05'})} = 3"},
    {SQL_FN_TD_HOUR, "SELECT {fn HOUR({ts '2024-03-05 10:20:30'})} = 10"},
    {SQL_FN_TD_MINUTE, "SELECT {fn MINUTE({ts '2024-03-05 10:20:30'})} = 20"},
    {SQL_FN_TD_MONTH, "SELECT {fn MONTH({d '2024-03-05'})} = 3"},
    {SQL_FN_TD_MONTHNAME, "SELECT {fn MONTHNAME({d '2024-03-05'})} = 'March'"},
    {SQL_FN_TD_NOW, "SELECT abs(julianday({fn NOW()}) - julianday('now')) < 0.001"},
    {SQL_FN_TD_QUARTER, "SELECT {fn QUARTER({d '2024-04-01'})} = 2"},
    {SQL_FN_TD_SECOND, "SELECT {fn SECOND({ts '2024-03-05 10:20:30'})} = 30"},
    {SQL_FN_TD_TIMESTAMPADD,
     "SELECT {fn TIMESTAMPADD(SQL_TSI_MONTH, 1, {ts '2024-01-31 10:00:00'})} = '2024-02-29 10:00:00.000'"},
    {SQL_FN_TD_TIMESTAMPDIFF, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_DAY, {d '2024-03-01'}, {d '2024-03-05'})} = 4"},
    {SQL_FN_TD_WEEK, "SELECT {fn WEEK({d '2022-01-02'})} = 2"},
    {SQL_FN_TD_YEAR, "SELECT {fn YEAR({d '2024-03-05'})} = 2024"},
};

static const claim tsi_add_claims[] = {
    {SQL_FN_TSI_FRAC_SECOND, "SELECT {fn TIMESTAMPADD(SQL_TSI_FRAC_SECOND, 1000000, {ts '2024-03-05 10:00:00'})} "
                             "= '2024-03-05 10:00:00.001'"},
    {SQL_FN_TSI_SECOND, "SELECT {fn TIMESTAMPADD(SQL_TSI_SECOND, 90, {ts '2024-03-05 10:00:00'})} = "
                        "'2024-03-05 10:01:30.000'"},
    {SQL_FN_TSI_MINUTE, "SELECT {fn TIMESTAMPADD(SQL_TSI_MINUTE, -1, {ts '2024-03-05 00:00:00'})} = "
                        "'2024-03-04 23:59:00.000'"},
    {SQL_FN_TSI_HOUR, "SELECT {fn TIMESTAMPADD(SQL_TSI_HOUR, 24, {ts '2024-03-05 10:00:00'})} = "
                      "'2024-03-06 10:00:00.000'"},
    {SQL_FN_TSI_DAY, "SELECT {fn TIMESTAMPADD(SQL_TSI_DAY, 1, {ts '2024-02-28 10:00:00'})} = "
                     "'2024-02-29 10:00:00.000'"},
    {SQL_FN_TSI_WEEK, "SELECT {fn TIMESTAMPADD(SQL_TSI_WEEK, 2, {ts '2024-03-05 10:00:00'})} = "
                      "'2024-03-19 10:00:00.000'"},
    {SQL_FN_TSI_MONTH, "SELECT {fn TIMESTAMPADD(SQL_TSI_MONTH, 1, {ts '2023-01-31 10:00:00'})} = "
                       "'2023-02-28 10:00:00.000'"},
    {SQL_FN_TSI_QUARTER, "SELECT {fn TIMESTAMPADD(SQL_TSI_QUARTER, 1, {ts '2024-11-30 10:00:00'})} = "
                         "'2025-02-28 10:00:00.000'"},
    {SQL_FN_TSI_YEAR, "SELECT {fn TIMESTAMPADD(SQL_TSI_YEAR, 1, {ts '2024-02-29 10:00:00'})} = "
                      "'2025-02-28 10:00:00.000'"},
};

static const claim tsi_diff_claims[] = {
    {SQL_FN_TSI_FRAC_SECOND, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_FRAC_SECOND, {ts '2024-03-05 10:00:00'}, "
                             "{ts '2024-03-05 10:00:00.001'})} = 1000000"},
    {SQL_FN_TSI_SECOND, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_SECOND, {ts '2024-03-05 10:00:00'}, "
                        "{ts '2024-03-05 10:01:30.999'})} = 90"},
    {SQL_FN_TSI_MINUTE, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_MINUTE, {ts '2024-03-05 10:00:00'}, "
                        "{ts '2024-03-05 09:58:30'})} = -1"},
    {SQL_FN_TSI_HOUR, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_HOUR, {ts '2024-03-05 10:00:00'}, "
                      "{ts '2024-03-06 09:59:59'})} = 23"},
    {SQL_FN_TSI_DAY, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_DAY, {d '2024-02-28'}, {d '2024-03-01'})} = 2"},
    {SQL_FN_TSI_WEEK, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_WEEK, {d '2024-03-01'}, {d '2024-03-14'})} = 1"},
    {SQL_FN_TSI_MONTH, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_MONTH, {d '2024-01-15'}, {d '2024-03-14'})} = 1"},
    {SQL_FN_TSI_QUARTER, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_QUARTER, {d '2024-01-01'}, {d '2024-07-01'})} = 2"},
    {SQL_FN_TSI_YEAR, "SELECT {fn TIMESTAMPDIFF(SQL_TSI_YEAR, {d '2020-02-29'}, {d '2021-02-28'})} = 0"},
};

static const claim system_claims[] = {
    {SQL_FN_SYS_DBNAME, "SELECT length({fn DATABASE()}) > 0"},
    {SQL_FN_SYS_IFNULL, "SELECT {fn IFNULL(NULL, 1)} = 1"},
    {SQL_FN_SYS_USERNAME, "SELECT {fn USER()} IS NOT NULL"},
};

static const claim join_claims[] = {
    {SQL_SRJO_CROSS_JOIN, "SELECT count(*) = 4 FROM (SELECT 1 UNION SELECT 2) CROSS JOIN (SELECT 1 UNION SELECT 2)"},
    {SQL_SRJO_INNER_JOIN, "SELECT count(*) = 1 FROM (SELECT 1 AS x UNION SELECT 2) a INNER JOIN (SELECT 2 AS x) b "
                          "ON a.x = b.x"},
    {SQL_SRJO_LEFT_OUTER_JOIN, "SELECT count(*) = 2 FROM (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                               "(SELECT 2 AS x) b ON a.x = b.x"},
    {SQL_SRJO_RIGHT_OUTER_JOIN, "SELECT count(*) = 2 FROM (SELECT 2 AS x) a RIGHT OUTER JOIN "
                                "(SELECT 1 AS x UNION SELECT 2) b ON a.x = b.x"},
    {SQL_SRJO_FULL_OUTER_JOIN, "SELECT count(*) = 3 FROM (SELECT 1 AS x UNION SELECT 3) a FULL OUTER JOIN "
                               "(SELECT 1 AS x UNION SELECT 2) b ON a.x = b.x"},
    {SQL_SRJO_NATURAL_JOIN, "SELECT count(*) = 1 FROM (SELECT 1 AS x UNION SELECT 2) NATURAL JOIN (SELECT 2 AS x)"},
};

static const claim oj_claims[] = {
    {SQL_OJ_LEFT, "SELECT count(*) = 2 FROM {oj (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                  "(SELECT 2 AS x) b ON a.x = b.x}"},
    {SQL_OJ_RIGHT, "SELECT count(*) = 2 FROM {oj (SELECT 2 AS x) a RIGHT OUTER JOIN "
                   "(SELECT 1 AS x UNION SELECT 2) b ON a.x = b.x}"},
    {SQL_OJ_FULL, "SELECT count(*) = 3 FROM {oj (SELECT 1 AS x UNION SELECT 3) a FULL OUTER JOIN "
                  "(SELECT 1 AS x UNION SELECT 2) b ON a.x = b.x}"},
    {SQL_OJ_NESTED, "SELECT count(*) = 2 FROM {oj (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                    "((SELECT 2 AS x) b LEFT OUTER JOIN (SELECT 3 AS x) c ON b.x = c.x) ON a.x = b.x}"},
    {SQL_OJ_NOT_ORDERED, "SELECT count(*) = 2 FROM {oj (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                         "(SELECT 2 AS x) b ON b.x = a.x}"},
    {SQL_OJ_INNER, "SELECT count(*) = 1 FROM {oj (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                   "(SELECT 2 AS x) b ON a.x = b.x INNER JOIN (SELECT 1 AS x) c ON c.x = a.x}"},
    {SQL_OJ_ALL_COMPARISON_OPS, "SELECT count(*) = 3 FROM {oj (SELECT 1 AS x UNION SELECT 2) a LEFT OUTER JOIN "
                                "(SELECT 1 AS x UNION SELECT 2) b ON a.x <= b.x}"},
};

static const claim predicate_claims[] = {
    {SQL_SP_BETWEEN, "SELECT 2 BETWEEN 1 AND 3"},
    {SQL_SP_COMPARISON, "SELECT 1 < 2 AND 2 <> 3 AND 3 >= 3"},
    {SQL_SP_EXISTS, "SELECT EXISTS (SELECT 1)"},
    {SQL_SP_IN, "SELECT 2 IN (1, 2)"},
    {SQL_SP_ISNOTNULL, "SELECT 1 IS NOT NULL"},
    {SQL_SP_ISNULL, "SELECT NULL IS NULL"},
    {SQL_SP_LIKE, "SELECT 'abc' LIKE 'a%'"},
};

static const claim value_claims[] = {
    {SQL_SVE_CASE, "SELECT CASE WHEN 1 = 1 THEN 1 ELSE 0 END"},
    {SQL_SVE_CAST, "SELECT CAST('1' AS INTEGER) = 1"},
    {SQL_SVE_COALESCE, "SELECT COALESCE(NULL, 1)"},
    {SQL_SVE_NULLIF, "SELECT NULLIF(1, 2)"},
};

static const claim aggregate_claims[] = {
    {SQL_AF_ALL, "SELECT sum(ALL x) = 3 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
    {SQL_AF_AVG, "SELECT avg(x) = 1.5 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
    {SQL_AF_COUNT, "SELECT count(x) = 2 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
    {SQL_AF_DISTINCT, "SELECT count(DISTINCT x) = 1 FROM (SELECT 1 AS x UNION ALL SELECT 1)"},
    {SQL_AF_MAX, "SELECT max(x) = 2 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
    {SQL_AF_MIN, "SELECT min(x) = 1 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
    {SQL_AF_SUM, "SELECT sum(x) = 3 FROM (SELECT 1 AS x UNION ALL SELECT 2)"},
};

static const claim sql92_datetime_claims[] = {
    {SQL_SDF_CURRENT_DATE, "SELECT CURRENT_DATE = date('now')"},
    {SQL_SDF_CURRENT_TIME, "SELECT length(CURRENT_TIME) = 8"},
    {SQL_SDF_CURRENT_TIMESTAMP, "SELECT length(CURRENT_TIMESTAMP) = 19"},
};

static const claim sql92_string_claims[] = {
    {SQL_SSF_LOWER, "SELECT LOWER('A') = 'a'"},
    {SQL_SSF_UPPER, "SELECT UPPER('a') = 'A'"},
};

static const claim subquery_claims[] = {
    {SQL_SQ_CORRELATED_SUBQUERIES, "SELECT count(*) = 1 FROM (SELECT 1 AS x UNION SELECT 2) a WHERE a.x = "
                                   "(SELECT max(b.x) FROM (SELECT 1 AS x UNION SELECT 2) b WHERE b.x >= a.x AND a.x > 1)"},
    {SQL_SQ_COMPARISON, "SELECT 2 = (SELECT 2)"},
    {SQL_SQ_EXISTS, "SELECT EXISTS (SELECT 1)"},
    {SQL_SQ_IN, "SELECT 2 IN (SELECT 2)"},
};

static const claim union_claims[] = {
    {SQL_U_UNION, "SELECT count(*) = 1 FROM (SELECT 1 UNION SELECT 1)"},
    {SQL_U_UNION_ALL, "SELECT count(*) = 2 FROM (SELECT 1 UNION ALL SELECT 1)"},
};

static const claim row_value_claims[] = {
    {SQL_SRVC_VALUE_EXPRESSION, "SELECT (1, 2) = (1, 2)"},
    {SQL_SRVC_NULL, "SELECT (1, NULL) IS (1, NULL)"},
};

#define CLAIMS(dbc, id, list) check_claims(dbc, #id, info32(dbc, id), list, sizeof list / sizeof list[0])

static void test_claims_run(SQLHDBC dbc)
{
    start("SQLGetInfo: what the bitmasks claim runs");
    CLAIMS(dbc, SQL_STRING_FUNCTIONS, string_claims);
    CLAIMS(dbc, SQL_NUMERIC_FUNCTIONS, numeric_claims);
    CLAIMS(dbc, SQL_TIMEDATE_FUNCTIONS, timedate_claims);
    CLAIMS(dbc, SQL_SYSTEM_FUNCTIONS, system_claims);
    CLAIMS(dbc, SQL_TIMEDATE_ADD_INTERVALS, tsi_add_claims);
    CLAIMS(dbc, SQL_TIMEDATE_DIFF_INTERVALS, tsi_diff_claims);
    CLAIMS(dbc, SQL_SQL92_RELATIONAL_JOIN_OPERATORS, join_claims);
    CLAIMS(dbc, SQL_OJ_CAPABILITIES, oj_claims);
    CLAIMS(dbc, SQL_SQL92_PREDICATES, predicate_claims);
    CLAIMS(dbc, SQL_SQL92_VALUE_EXPRESSIONS, value_claims);
    CLAIMS(dbc, SQL_AGGREGATE_FUNCTIONS, aggregate_claims);
    CLAIMS(dbc, SQL_SQL92_DATETIME_FUNCTIONS, sql92_datetime_claims);
    CLAIMS(dbc, SQL_SQL92_STRING_FUNCTIONS, sql92_string_claims);
    CLAIMS(dbc, SQL_SUBQUERIES, subquery_claims);
    CLAIMS(dbc, SQL_UNION, union_claims);
    CLAIMS(dbc, SQL_SQL92_ROW_VALUE_CONSTRUCTOR, row_value_claims);

    /* a claimed {fn} is really refused when it is not claimed (no silent pass-through) */
    if (!(info32(dbc, SQL_STRING_FUNCTIONS) & SQL_FN_STR_DIFFERENCE))
        expect_error(dbc, string_claims[6].sql, "42000");
    char yn[4];
    SQLGetInfo(dbc, SQL_LIKE_ESCAPE_CLAUSE, yn, sizeof yn, NULL);
    if (yn[0] == 'Y') {
        expect_value(dbc, "SELECT 'a_c' LIKE 'a!_c' ESCAPE '!' AND NOT 'abc' LIKE 'a!_c' ESCAPE '!'", "1", "LIKE ESCAPE");
        expect_value(dbc, "SELECT 'a_c' LIKE 'a!_c' {escape '!'}", "1", "{escape}");
    }
    SQLGetInfo(dbc, SQL_COLUMN_ALIAS, yn, sizeof yn, NULL);
    if (yn[0] == 'Y')
        expect_value(dbc, "SELECT v FROM (SELECT 1 AS v)", "1", "column alias");
    SQLGetInfo(dbc, SQL_EXPRESSIONS_IN_ORDERBY, yn, sizeof yn, NULL);
    if (yn[0] == 'Y')
        expect_value(dbc, "SELECT x FROM (SELECT 1 AS x UNION SELECT 2) ORDER BY -x", "2", "expressions in ORDER BY");
}

/* Every (from, to) pair a SQL_CONVERT_<from> mask claims runs through {fn CONVERT}. */
static void test_convert_claims(SQLHDBC dbc)
{
    start("SQLGetInfo: SQL_CONVERT_* pairs run");
    static const struct {
        SQLUSMALLINT info;
        const char *value; /* a value of that type */
    } from[] = {
        {SQL_CONVERT_BIGINT, "CAST(42 AS BIGINT)"},   {SQL_CONVERT_BIT, "1"},
        {SQL_CONVERT_DECIMAL, "4.5"},                 {SQL_CONVERT_DOUBLE, "4.5e0"},
        {SQL_CONVERT_FLOAT, "4.5"},                   {SQL_CONVERT_INTEGER, "42"},
        {SQL_CONVERT_NUMERIC, "4.5"},                 {SQL_CONVERT_REAL, "4.5"},
        {SQL_CONVERT_SMALLINT, "42"},                 {SQL_CONVERT_TINYINT, "4"},
        {SQL_CONVERT_CHAR, NULL},                     {SQL_CONVERT_VARCHAR, NULL},
        {SQL_CONVERT_LONGVARCHAR, NULL},              {SQL_CONVERT_WCHAR, NULL},
        {SQL_CONVERT_WVARCHAR, NULL},                 {SQL_CONVERT_WLONGVARCHAR, NULL},
        {SQL_CONVERT_BINARY, "x'4142'"},              {SQL_CONVERT_VARBINARY, "x'4142'"},
        {SQL_CONVERT_LONGVARBINARY, "x'4142'"},       {SQL_CONVERT_DATE, "{d '2024-03-05'}"},
        {SQL_CONVERT_TIME, "{t '10:20:30'}"},         {SQL_CONVERT_TIMESTAMP, "{ts '2024-03-05 10:20:30'}"},
        {SQL_CONVERT_GUID, "{guid '6f9619ff-8b86-d011-b42d-00c04fc964ff'}"},
        {SQL_CONVERT_INTERVAL_YEAR_MONTH, NULL},      {SQL_CONVERT_INTERVAL_DAY_TIME, NULL},
    };
    static const struct {
        SQLUINTEGER bit;
        const char *type;
        const char *text; /* a text value that converts to it */
    } to[] = {
        {SQL_CVT_CHAR, "SQL_CHAR", "abc"},          {SQL_CVT_VARCHAR, "SQL_VARCHAR", "abc"},
        {SQL_CVT_LONGVARCHAR, "SQL_LONGVARCHAR", "abc"}, {SQL_CVT_WCHAR, "SQL_WCHAR", "abc"},
        {SQL_CVT_WVARCHAR, "SQL_WVARCHAR", "abc"},  {SQL_CVT_WLONGVARCHAR, "SQL_WLONGVARCHAR", "abc"},
        {SQL_CVT_BIGINT, "SQL_BIGINT", "42"},       {SQL_CVT_INTEGER, "SQL_INTEGER", "42"},
        {SQL_CVT_SMALLINT, "SQL_SMALLINT", "42"},   {SQL_CVT_TINYINT, "SQL_TINYINT", "4"},
        {SQL_CVT_BIT, "SQL_BIT", "1"},              {SQL_CVT_DOUBLE, "SQL_DOUBLE", "4.5"},
        {SQL_CVT_FLOAT, "SQL_FLOAT", "4.5"},        {SQL_CVT_REAL, "SQL_REAL", "4.5"},
        {SQL_CVT_NUMERIC, "SQL_NUMERIC", "4.5"},    {SQL_CVT_DECIMAL, "SQL_DECIMAL", "4.5"},
        {SQL_CVT_BINARY, "SQL_BINARY", "AB"},       {SQL_CVT_VARBINARY, "SQL_VARBINARY", "AB"},
        {SQL_CVT_LONGVARBINARY, "SQL_LONGVARBINARY", "AB"},
        {SQL_CVT_DATE, "SQL_DATE", "2024-03-05 10:20:30"},
        {SQL_CVT_TIME, "SQL_TIME", "2024-03-05 10:20:30"},
        {SQL_CVT_TIMESTAMP, "SQL_TIMESTAMP", "2024-03-05 10:20:30"},
        {SQL_CVT_GUID, "SQL_GUID", "6f9619ff-8b86-d011-b42d-00c04fc964ff"},
        {SQL_CVT_INTERVAL_YEAR_MONTH, "SQL_INTERVAL_YEAR_TO_MONTH", NULL},
        {SQL_CVT_INTERVAL_DAY_TIME, "SQL_INTERVAL_DAY_TO_SECOND", NULL},
    };
    int pairs = 0;
    for (size_t f = 0; f < sizeof from / sizeof from[0]; f++) {
        SQLUINTEGER mask = info32(dbc, from[f].info);
        for (size_t t = 0; t < sizeof to / sizeof to[0]; t++) {
            if (!(mask & to[t].bit))
                continue;
            char value[128], sql[512], got[256];
            if (from[f].value)
                snprintf(value, sizeof value, "%s", from[f].value);
            else
                snprintf(value, sizeof value, "'%s'", to[t].text ? to[t].text : "");
            snprintf(sql, sizeof sql, "SELECT {fn CONVERT(%s, %s)}", value, to[t].type);
            SQLRETURN rc = query1(dbc, sql, got, sizeof got);
            CHECK(SQL_SUCCEEDED(rc) && strcmp(got, "NULL") != 0, "info %u claims %s: %s -> %s",
                  (unsigned)from[f].info, to[t].type, sql, got);
            pairs++;
        }
    }
    CHECK(pairs > 100, "only %d conversions claimed", pairs);
    /* and a few results */
    expect_value(dbc, "SELECT {fn CONVERT('42', SQL_INTEGER)} + 1", "43", "CONVERT to INTEGER");
    expect_value(dbc, "SELECT {fn CONVERT({ts '2024-03-05 10:20:30'}, SQL_DATE)}", "2024-03-05", "CONVERT to DATE");
    expect_value(dbc, "SELECT {fn CONVERT('2024-03-05 10:20:30', SQL_TYPE_TIMESTAMP)}", "2024-03-05 10:20:30.000",
                 "CONVERT to TIMESTAMP");
}

/* ---- escapes through the driver -------------------------------------------------- */

static void test_escapes(SQLHDBC dbc)
{
    start("escape sequences");
    expect_value(dbc, "SELECT {fn UCASE({fn LEFT('abcdef', 3)})}", "ABC", "nested {fn}");
    expect_value(dbc, "select {FN ucase('x')}", "X", "lower-case keywords");
    expect_value(dbc, "SELECT '{fn UCASE(x)}' -- {oj\n", "{fn UCASE(x)}", "escapes in literals stay");
    expect_value(dbc, "SELECT --(*vendor(Microsoft),product(ODBC) fn UCASE('v') *)--", "V", "long form");
    expect_error(dbc, "SELECT {foo 1}", "42000");
    expect_error(dbc, "{call GetWorkItems(1)}", "42000");
    expect_error(dbc, "{?= call GetWorkItems(1)}", "42000");
    expect_error(dbc, "SELECT {d '2024-02-30'}", "22007");
    expect_error(dbc, "SELECT {fn NOSUCH(1)}", "42000");

    /* the message says what is wrong */
    char got[512];
    query1(dbc, "{call GetWorkItems(1)}", got, sizeof got);
    CHECK(strstr(got, "procedure") != NULL, "{call} message: %s", got);

    /* a translation that repeats a parameter keeps the parameter count */
    SQLHSTMT st = SQL_NULL_HSTMT;
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    SQLRETURN rc = SQLPrepare(st, (SQLCHAR *)"SELECT {fn RIGHT('abcdef', ?)} || ?", SQL_NTS);
    CHECK(SQL_SUCCEEDED(rc), "prepare with markers: %s", why(SQL_HANDLE_STMT, st));
    SQLSMALLINT np = 0;
    SQLNumParams(st, &np);
    CHECK(np == 2, "SQLNumParams %d, want 2", np);
    SQLINTEGER n = 2;
    char tail[] = "!";
    SQLLEN tail_len = SQL_NTS;
    SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &n, 0, NULL);
    SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 10, 0, tail, 0, &tail_len);
    rc = SQLExecute(st);
    char out[32] = "";
    if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(SQLFetch(st)))
        SQLGetData(st, 1, SQL_C_CHAR, out, sizeof out, NULL);
    CHECK(strcmp(out, "ef!") == 0, "RIGHT(?, …) with ? bound: '%s' %s", out, why(SQL_HANDLE_STMT, st));
    SQLFreeHandle(SQL_HANDLE_STMT, st);

    /* SQL_ATTR_NOSCAN: the text goes to SQLite as it is */
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    rc = SQLSetStmtAttr(st, SQL_ATTR_NOSCAN, (SQLPOINTER)SQL_NOSCAN_ON, 0);
    CHECK(SQL_SUCCEEDED(rc), "NOSCAN on");
    rc = SQLExecDirect(st, (SQLCHAR *)"SELECT {fn UCASE('a')}", SQL_NTS);
    CHECK(rc == SQL_ERROR, "with NOSCAN on, {fn} reaches SQLite and fails: rc=%d", (int)rc);
    SQLFreeStmt(st, SQL_CLOSE);
    rc = SQLSetStmtAttr(st, SQL_ATTR_NOSCAN, (SQLPOINTER)SQL_NOSCAN_OFF, 0);
    rc = SQLExecDirect(st, (SQLCHAR *)"SELECT {fn UCASE('a')}", SQL_NTS);
    out[0] = '\0';
    if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(SQLFetch(st)))
        SQLGetData(st, 1, SQL_C_CHAR, out, sizeof out, NULL);
    CHECK(strcmp(out, "A") == 0, "with NOSCAN off, {fn UCASE('a')} = '%s'", out);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_native_sql(SQLHDBC dbc)
{
    start("SQLNativeSql");
    const char *in = "SELECT {fn UCASE(Title)} FROM WorkItems WHERE ChangedDate >= {ts '2024-03-05 10:00:00'}";
    const char *want = "SELECT upper((Title)) FROM WorkItems WHERE ChangedDate >= '2024-03-05 10:00:00.000'";
    char out[512];
    SQLINTEGER len = -1;
    SQLRETURN rc = SQLNativeSql(dbc, (SQLCHAR *)in, SQL_NTS, (SQLCHAR *)out, sizeof out, &len);
    CHECK(rc == SQL_SUCCESS && strcmp(out, want) == 0 && len == (SQLINTEGER)strlen(want),
          "SQLNativeSql rc=%d len=%d '%s'", (int)rc, (int)len, out);
    /* cut */
    char small[10];
    len = -1;
    rc = SQLNativeSql(dbc, (SQLCHAR *)in, SQL_NTS, (SQLCHAR *)small, sizeof small, &len);
    char st[6], msg[256];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strcmp(st, "01004") == 0 && len == (SQLINTEGER)strlen(want) &&
              strcmp(small, "SELECT up") == 0,
          "cut SQLNativeSql rc=%d %s len=%d '%s'", (int)rc, st, (int)len, small);
    /* W */
    SQLWCHAR win[256], wout[512];
    size_t k;
    for (k = 0; in[k]; k++)
        win[k] = (SQLWCHAR)in[k];
    win[k] = 0;
    len = -1;
    rc = SQLNativeSqlW(dbc, win, SQL_NTS, wout, sizeof wout / sizeof wout[0], &len);
    int same = SQL_SUCCEEDED(rc) && len == (SQLINTEGER)strlen(want);
    for (k = 0; same && want[k]; k++)
        same = wout[k] == (SQLWCHAR)want[k];
    CHECK(same, "SQLNativeSqlW rc=%d len=%d", (int)rc, (int)len);
    /* errors */
    rc = SQLNativeSql(dbc, (SQLCHAR *)"{call p}", SQL_NTS, (SQLCHAR *)out, sizeof out, &len);
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(rc == SQL_ERROR && strcmp(st, "42000") == 0, "SQLNativeSql {call}: rc=%d %s", (int)rc, st);
    /* plain SQL comes back as it is */
    rc = SQLNativeSql(dbc, (SQLCHAR *)"SELECT 1", SQL_NTS, (SQLCHAR *)out, sizeof out, &len);
    CHECK(rc == SQL_SUCCESS && strcmp(out, "SELECT 1") == 0 && len == 8, "SQLNativeSql plain '%s'", out);
}

/* {ts}/{d} literals compare with the DateTime columns as times (and push down). */
static void test_datetime_columns(SQLHDBC dbc)
{
    start("{ts} and {d} against DateTime columns");
    char id[32], changed[64], sql[512];
    if (!SQL_SUCCEEDED(query1(dbc, "SELECT Id FROM WorkItems WHERE ChangedDate IS NOT NULL ORDER BY Id LIMIT 1",
                              id, sizeof id))) {
        CHECK(0, "no work item with a ChangedDate: %s", id);
        return;
    }
    snprintf(sql, sizeof sql, "SELECT ChangedDate FROM WorkItems WHERE Id = %s", id);
    query1(dbc, sql, changed, sizeof changed);
    /* the column's text is yyyy-mm-dd hh:mm:ss[.f…]: the {ts} literal of it matches it exactly */
    CHECK(strlen(changed) >= 19 && changed[10] == ' ', "ChangedDate text '%s'", changed);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM WorkItems WHERE Id = %s AND ChangedDate = {ts '%s'}", id, changed);
    expect_value(dbc, sql, "1", "ChangedDate = {ts its own value}");
    char day[11];
    snprintf(day, sizeof day, "%.10s", changed);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM WorkItems WHERE Id = %s AND ChangedDate >= {d '%s'} AND "
             "ChangedDate < {fn TIMESTAMPADD(SQL_TSI_DAY, 1, {d '%s'})}",
             id, day, day);
    expect_value(dbc, sql, "1", "ChangedDate within its day");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM WorkItems WHERE Id = %s AND ChangedDate > {ts '%.19s'}", id,
             changed);
    /* the stored value has a fraction (.000 at least), so it is after its whole second */
    expect_value(dbc, sql, strlen(changed) > 19 && strspn(changed + 20, "0") < strlen(changed + 20) ? "1" : "0",
                 "ChangedDate > its whole second");
    snprintf(sql, sizeof sql, "SELECT {fn YEAR(ChangedDate)} = %.4s FROM WorkItems WHERE Id = %s", changed, id);
    expect_value(dbc, sql, "1", "{fn YEAR(ChangedDate)}");
}

/* ---- SQLGetFunctions against the exports ---------------------------------------- */

#ifndef SQL_API_SQLCOMPLETEASYNC
#define SQL_API_SQLCOMPLETEASYNC 1023
#endif

static const struct api {
    const char *upper; /* the name in upper case */
    SQLUSMALLINT id;
} apis[] = {
#define F(x) {#x, SQL_API_##x}
    F(SQLALLOCCONNECT), F(SQLALLOCENV), F(SQLALLOCHANDLE), F(SQLALLOCHANDLESTD), F(SQLALLOCSTMT),
    F(SQLBINDCOL), F(SQLBINDPARAM), F(SQLBINDPARAMETER), F(SQLBROWSECONNECT), F(SQLBULKOPERATIONS),
    F(SQLCANCEL), F(SQLCANCELHANDLE), F(SQLCLOSECURSOR), F(SQLCOLATTRIBUTE), F(SQLCOLATTRIBUTES),
    F(SQLCOLUMNPRIVILEGES), F(SQLCOLUMNS), F(SQLCOMPLETEASYNC), F(SQLCONNECT), F(SQLCOPYDESC),
    F(SQLDATASOURCES), F(SQLDESCRIBECOL), F(SQLDESCRIBEPARAM), F(SQLDISCONNECT), F(SQLDRIVERCONNECT),
    F(SQLDRIVERS), F(SQLENDTRAN), F(SQLERROR), F(SQLEXECDIRECT), F(SQLEXECUTE), F(SQLEXTENDEDFETCH),
    F(SQLFETCH), F(SQLFETCHSCROLL), F(SQLFOREIGNKEYS), F(SQLFREECONNECT), F(SQLFREEENV), F(SQLFREEHANDLE),
    F(SQLFREESTMT), F(SQLGETCONNECTATTR), F(SQLGETCONNECTOPTION), F(SQLGETCURSORNAME), F(SQLGETDATA),
    F(SQLGETDESCFIELD), F(SQLGETDESCREC), F(SQLGETDIAGFIELD), F(SQLGETDIAGREC), F(SQLGETENVATTR),
    F(SQLGETFUNCTIONS), F(SQLGETINFO), F(SQLGETSTMTATTR), F(SQLGETSTMTOPTION), F(SQLGETTYPEINFO),
    F(SQLMORERESULTS), F(SQLNATIVESQL), F(SQLNUMPARAMS), F(SQLNUMRESULTCOLS), F(SQLPARAMDATA),
    F(SQLPARAMOPTIONS), F(SQLPREPARE), F(SQLPRIMARYKEYS), F(SQLPROCEDURECOLUMNS), F(SQLPROCEDURES),
    F(SQLPUTDATA), F(SQLROWCOUNT), F(SQLSETCONNECTATTR), F(SQLSETCONNECTOPTION), F(SQLSETCURSORNAME),
    F(SQLSETDESCFIELD), F(SQLSETDESCREC), F(SQLSETENVATTR), F(SQLSETPARAM), F(SQLSETPOS),
    F(SQLSETSCROLLOPTIONS), F(SQLSETSTMTATTR), F(SQLSETSTMTOPTION), F(SQLSPECIALCOLUMNS), F(SQLSTATISTICS),
    F(SQLTABLEPRIVILEGES), F(SQLTABLES), F(SQLTRANSACT),
#undef F
};

#define NAPIS (sizeof apis / sizeof apis[0])

static int api_id(const char *name)
{
    char up[64];
    size_t n = strlen(name);
    if (n >= sizeof up)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        size_t m = pass ? n - 1 : n; /* then without a trailing W */
        if (pass && name[n - 1] != 'W')
            break;
        for (size_t i = 0; i < m; i++)
            up[i] = (char)toupper((unsigned char)name[i]);
        up[m] = '\0';
        for (size_t k = 0; k < NAPIS; k++)
            if (strcmp(apis[k].upper, up) == 0)
                return apis[k].id;
    }
    return -1;
}

#define SET(bits, id) ((bits)[(id) >> 4] |= (SQLUSMALLINT)(1u << ((id) & 15)))
#define HAS(bits, id) (((bits)[(id) >> 4] >> ((id) & 15)) & 1)

/* The ODBC functions among the driver's dynamic symbols (nm -D). */
static int exported_functions(SQLUSMALLINT bits[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE])
{
    char cmd[1200], line[512];
    memset(bits, 0, SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * sizeof bits[0]);
    snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s' 2>/dev/null", driver_so());
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int n = 0;
    while (fgets(line, sizeof line, p)) {
        char addr[64], type[8], name[256];
        if (sscanf(line, "%63s %7s %255s", addr, type, name) != 3 || strncmp(name, "SQL", 3) != 0)
            continue;
        int id = api_id(name);
        CHECK(id >= 0, "the driver exports %s, which is not an ODBC function", name);
        if (id >= 0) {
            SET(bits, id);
            n++;
        }
    }
    pclose(p);
    return n;
}

/* What unixODBC 2.3.11 adds on top of a driver's functions (SQLConnect.c,
 * __connect_part_two): the functions it implements or maps. */
static void dm_view(const SQLUSMALLINT drv[], SQLUSMALLINT dm[])
{
    memcpy(dm, drv, SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * sizeof dm[0]);
    static const SQLUSMALLINT always[] = {SQL_API_SQLDATASOURCES, SQL_API_SQLDRIVERS, SQL_API_SQLALLOCHANDLESTD,
                                          SQL_API_SQLGETFUNCTIONS};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        SET(dm, always[i]);
    static const struct {
        SQLUSMALLINT mapped, from;
    } maps[] = {
        {SQL_API_SQLALLOCENV, SQL_API_SQLALLOCHANDLE},         {SQL_API_SQLALLOCCONNECT, SQL_API_SQLALLOCHANDLE},
        {SQL_API_SQLALLOCSTMT, SQL_API_SQLALLOCHANDLE},        {SQL_API_SQLFREEENV, SQL_API_SQLFREEHANDLE},
        {SQL_API_SQLFREECONNECT, SQL_API_SQLFREEHANDLE},       {SQL_API_SQLERROR, SQL_API_SQLGETDIAGREC},
        {SQL_API_SQLBINDPARAM, SQL_API_SQLBINDPARAMETER},      {SQL_API_SQLSETPARAM, SQL_API_SQLBINDPARAMETER},
        {SQL_API_SQLGETCONNECTOPTION, SQL_API_SQLGETCONNECTATTR},
        {SQL_API_SQLSETCONNECTOPTION, SQL_API_SQLSETCONNECTATTR},
        {SQL_API_SQLGETSTMTOPTION, SQL_API_SQLGETSTMTATTR},    {SQL_API_SQLSETSTMTOPTION, SQL_API_SQLSETSTMTATTR},
        {SQL_API_SQLPARAMOPTIONS, SQL_API_SQLSETSTMTATTR},     {SQL_API_SQLSETSCROLLOPTIONS, SQL_API_SQLSETSTMTATTR},
        {SQL_API_SQLTRANSACT, SQL_API_SQLENDTRAN},
    };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        if (HAS(drv, maps[i].from))
            SET(dm, maps[i].mapped);
}

static void compare_bits(const char *what, const SQLUSMALLINT got[], const SQLUSMALLINT want[])
{
    for (unsigned id = 0; id < SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16; id++)
        CHECK(HAS(got, id) == HAS(want, id), "%s: function %u is %s, the exports say %s", what, id,
              HAS(got, id) ? "supported" : "not supported", HAS(want, id) ? "supported" : "not supported");
}

static void test_get_functions(SQLHDBC dbc)
{
    start("SQLGetFunctions = the exported functions");
    SQLUSMALLINT exp[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE], dm[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    int n = exported_functions(exp);
    CHECK(n > 40, "nm -D %s found %d ODBC functions", driver_so(), n);
    if (n <= 0)
        return;

    /* the driver's own answer, asked directly with the driver's connection handle */
    SQLHANDLE drv_dbc = NULL;
    SQLGetInfo(dbc, SQL_DRIVER_HDBC, &drv_dbc, sizeof drv_dbc, NULL);
    void *lib = dlopen(driver_so(), RTLD_NOW | RTLD_NOLOAD);
    SQLRETURN(SQL_API * drv_get_functions)(SQLHDBC, SQLUSMALLINT, SQLUSMALLINT *) = NULL;
    if (lib)
        *(void **)&drv_get_functions = dlsym(lib, "SQLGetFunctions");
    CHECK(drv_dbc && drv_get_functions, "the driver's SQLGetFunctions and connection handle");
    if (drv_dbc && drv_get_functions) {
        SQLUSMALLINT bits[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
        memset(bits, 0xFF, sizeof bits);
        CHECK(drv_get_functions(drv_dbc, SQL_API_ODBC3_ALL_FUNCTIONS, bits) == SQL_SUCCESS, "driver ODBC3_ALL");
        compare_bits("driver ODBC3_ALL_FUNCTIONS", bits, exp);
        SQLUSMALLINT all[100];
        CHECK(drv_get_functions(drv_dbc, SQL_API_ALL_FUNCTIONS, all) == SQL_SUCCESS, "driver ALL_FUNCTIONS");
        for (unsigned id = 0; id < 100; id++)
            CHECK(all[id] == HAS(exp, id), "driver ALL_FUNCTIONS[%u] = %u", id, all[id]);
        for (size_t k = 0; k < NAPIS; k++) {
            SQLUSMALLINT one = 99;
            drv_get_functions(drv_dbc, apis[k].id, &one);
            CHECK(one == HAS(exp, apis[k].id), "driver %s = %u", apis[k].upper, one);
        }
    }
    if (lib)
        dlclose(lib);

    /* what applications see through the DM */
    dm_view(exp, dm);
    SQLUSMALLINT bits[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    CHECK(SQL_SUCCEEDED(SQLGetFunctions(dbc, SQL_API_ODBC3_ALL_FUNCTIONS, bits)), "DM ODBC3_ALL");
    compare_bits("DM ODBC3_ALL_FUNCTIONS", bits, dm);
    SQLUSMALLINT all[100];
    CHECK(SQL_SUCCEEDED(SQLGetFunctions(dbc, SQL_API_ALL_FUNCTIONS, all)), "DM ALL_FUNCTIONS");
    for (unsigned id = 1; id < 100; id++)
        CHECK(all[id] == HAS(dm, id), "DM ALL_FUNCTIONS[%u] = %u", id, all[id]);
    for (size_t k = 0; k < NAPIS; k++) {
        SQLUSMALLINT one = 99;
        SQLRETURN rc = SQLGetFunctions(dbc, apis[k].id, &one);
        if (apis[k].id > SQL_API_SQLFETCHSCROLL) /* unixODBC 2.3.11 knows no ids past 1021: HY095 */
            CHECK(rc == SQL_ERROR || one == HAS(dm, apis[k].id), "DM %s = %u", apis[k].upper, one);
        else
            CHECK(one == HAS(dm, apis[k].id), "DM %s = %u", apis[k].upper, one);
    }
    /* the ones clients ask about */
    CHECK(HAS(dm, SQL_API_SQLMORERESULTS) && HAS(dm, SQL_API_SQLDESCRIBEPARAM) && HAS(dm, SQL_API_SQLGETDATA),
          "MORERESULTS, DESCRIBEPARAM, GETDATA");
}

int main(void)
{
    SQLHDBC dbc;
    int rc = harness_begin(&dbc);
    if (rc != 0)
        return rc;
    printf("# driver library %s\n", driver_so());
    test_every_info_type(dbc);
    test_claims_run(dbc);
    test_convert_claims(dbc);
    test_escapes(dbc);
    test_native_sql(dbc);
    test_datetime_columns(dbc);
    test_get_functions(dbc);
    return harness_end(dbc);
}
