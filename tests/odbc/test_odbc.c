/*
 * test_odbc.c — the driver through the REAL unixODBC driver manager.
 *
 * Linked with -lodbc only: every call goes DM -> libazdoodbc.so, exactly as
 * for isql, pyodbc or a BI tool.  Where it connects: odbc_harness.h.
 * The checks use expressions and catalog metadata, so they hold for any data
 * behind WorkItems.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sql.h>
#include <sqlext.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "odbc_harness.h"

/* ---- helpers ------------------------------------------------------------------- */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * One request to the emulator's control API (http://127.0.0.1:$AZDO_EMU_PORT
 * /_emulator/...), e.g. emu_control("POST", "/_emulator/faults", json).
 * Returns the HTTP status, 0 when the emulator cannot be reached, -1 when
 * AZDO_EMU_PORT is not set (not running under make check).
 */
static int emu_control(const char *method, const char *path, const char *body)
{
    const char *port = getenv("AZDO_EMU_PORT");
    if (!port || !*port)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return 0;
    }
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     method, path, port, body ? strlen(body) : 0, body ? body : "");
    if (n < 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n) {
        close(fd);
        return 0;
    }
    char resp[512];
    size_t got = 0;
    ssize_t r;
    while (got < sizeof resp - 1 && (r = read(fd, resp + got, sizeof resp - 1 - got)) > 0)
        got += (size_t)r;
    resp[got] = '\0';
    close(fd);
    int status = 0;
    if (sscanf(resp, "HTTP/%*s %d", &status) != 1)
        return 0;
    return status;
}

/* Installs one fault rule; 1 when the emulator took it. */
static int emu_fault(const char *rule_json)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"rules\":[%s]}", rule_json);
    return emu_control("POST", "/_emulator/faults", body) == 200;
}

static void emu_clear_faults(void)
{
    emu_control("DELETE", "/_emulator/faults", NULL);
}

/* Appends a DSN section to $ODBCSYSINI/odbc.ini (the sandbox). */
static int add_dsn_section(const char *text)
{
    const char *sysini = getenv("ODBCSYSINI");
    char path[1024];
    if (!sysini || !*sysini)
        return 0;
    snprintf(path, sizeof path, "%s/odbc.ini", sysini);
    FILE *f = fopen(path, "a");
    if (!f)
        return 0;
    fprintf(f, "\n%s\n", text);
    fclose(f);
    return 1;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_info(SQLHDBC dbc)
{
    start("SQLGetInfo / SQLGetFunctions");
    char buf[256];
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetInfo(dbc, SQL_DBMS_NAME, buf, sizeof buf, &len);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(strcmp(buf, "Azure DevOps") == 0 && len == 12, "DBMS_NAME '%s' (%d)", buf, len);
    rc = SQLGetInfo(dbc, SQL_DRIVER_ODBC_VER, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, "03.80") == 0, "DRIVER_ODBC_VER '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_DRIVER_NAME, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, "libazdoodbc.so") == 0, "DRIVER_NAME '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_DRIVER_VER, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strlen(buf) == 10 && buf[2] == '.', "DRIVER_VER '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_DBMS_VER, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strlen(buf) == 10, "DBMS_VER '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_DATA_SOURCE_NAME, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, dsn) == 0, "DATA_SOURCE_NAME '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_DATABASE_NAME, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && len > 0, "DATABASE_NAME '%s'", buf);
    if (project[0])
        CHECK(strcmp(buf, project) == 0, "DATABASE_NAME '%s' is the project '%s'", buf, project);
    rc = SQLGetInfo(dbc, SQL_SERVER_NAME, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && len > 0 && !strstr(buf, "/"), "SERVER_NAME '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_USER_NAME, buf, sizeof buf, &len);
    OK(rc, SQL_HANDLE_DBC, dbc);
    rc = SQLGetInfo(dbc, SQL_IDENTIFIER_QUOTE_CHAR, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, "\"") == 0, "IDENTIFIER_QUOTE_CHAR '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_CATALOG_NAME, buf, sizeof buf, &len);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, "N") == 0, "CATALOG_NAME '%s'", buf);
    rc = SQLGetInfo(dbc, SQL_NEED_LONG_DATA_LEN, buf, sizeof buf, &len);
    /* "Y": pyodbc then announces data-at-execution lengths, and an empty text is never asked for */
    CHECK(SQL_SUCCEEDED(rc) && strcmp(buf, "Y") == 0, "NEED_LONG_DATA_LEN '%s'", buf);

    /* truncation: 01004 with the full length */
    rc = SQLGetInfo(dbc, SQL_DBMS_NAME, buf, 6, &len);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && len == 12 && strcmp(buf, "Azure") == 0,
          "truncated DBMS_NAME rc=%d len=%d '%s'", (int)rc, len, buf);
    char st[6], msg[512];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(strcmp(st, "01004") == 0, "truncation state %s", st);

    SQLUSMALLINT u16 = 99;
    SQLUINTEGER u32 = 99;
    rc = SQLGetInfo(dbc, SQL_TXN_CAPABLE, &u16, sizeof u16, NULL);
    CHECK(SQL_SUCCEEDED(rc) && u16 == SQL_TC_NONE, "TXN_CAPABLE %u", u16);
    rc = SQLGetInfo(dbc, SQL_CURSOR_COMMIT_BEHAVIOR, &u16, sizeof u16, NULL);
    CHECK(SQL_SUCCEEDED(rc) && u16 == SQL_CB_PRESERVE, "CURSOR_COMMIT_BEHAVIOR %u", u16);
    rc = SQLGetInfo(dbc, SQL_GETDATA_EXTENSIONS, &u32, sizeof u32, NULL);
    CHECK(SQL_SUCCEEDED(rc) && u32 == (SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND),
          "GETDATA_EXTENSIONS %u", (unsigned)u32);
    rc = SQLGetInfo(dbc, SQL_SCHEMA_USAGE, &u32, sizeof u32, NULL);
    CHECK(SQL_SUCCEEDED(rc) && u32 == 0, "SCHEMA_USAGE");
    rc = SQLGetInfo(dbc, SQL_MAX_COLUMN_NAME_LEN, &u16, sizeof u16, NULL);
    CHECK(SQL_SUCCEEDED(rc) && u16 > 0, "MAX_COLUMN_NAME_LEN");
    rc = SQLGetInfo(dbc, 1750 /* SQL_DTC_TRANSITION_COST */, &u32, sizeof u32, NULL);
    CHECK(SQL_SUCCEEDED(rc), "DTC_TRANSITION_COST answered");
    rc = SQLGetInfo(dbc, 180 /* SQL_RETURN_ESCAPE_CLAUSE */, &u32, sizeof u32, NULL);
    CHECK(SQL_SUCCEEDED(rc), "RETURN_ESCAPE_CLAUSE answered");
    rc = SQLGetInfo(dbc, 9999, buf, sizeof buf, &len);
    expect_state(rc, SQL_HANDLE_DBC, dbc, "HY096", "unknown info type");

    SQLUSMALLINT yes = 0;
    rc = SQLGetFunctions(dbc, SQL_API_SQLMORERESULTS, &yes);
    CHECK(SQL_SUCCEEDED(rc) && yes == SQL_TRUE, "MORERESULTS supported");
    rc = SQLGetFunctions(dbc, SQL_API_SQLBROWSECONNECT, &yes);
    CHECK(SQL_SUCCEEDED(rc) && yes == SQL_FALSE, "BROWSECONNECT not supported");
    SQLUSMALLINT bits[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE];
    rc = SQLGetFunctions(dbc, SQL_API_ODBC3_ALL_FUNCTIONS, bits);
    CHECK(SQL_SUCCEEDED(rc) && SQL_FUNC_EXISTS(bits, SQL_API_SQLGETDATA) &&
              SQL_FUNC_EXISTS(bits, SQL_API_SQLFETCHSCROLL) && !SQL_FUNC_EXISTS(bits, SQL_API_SQLSETPOS),
          "ODBC3_ALL_FUNCTIONS bitmap");
    SQLUSMALLINT all[100];
    rc = SQLGetFunctions(dbc, SQL_API_ALL_FUNCTIONS, all);
    CHECK(SQL_SUCCEEDED(rc) && all[SQL_API_SQLTABLES] && all[SQL_API_SQLCOLUMNS] && !all[SQL_API_SQLSETPOS],
          "ALL_FUNCTIONS array");
}

static void test_connect_attrs(SQLHDBC dbc)
{
    start("connection attributes and transactions");
    SQLRETURN rc = SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_OFF, 0);
    OK(rc, SQL_HANDLE_DBC, dbc);
    SQLUINTEGER v = 99;
    rc = SQLGetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, &v, sizeof v, NULL);
    CHECK(SQL_SUCCEEDED(rc) && v == SQL_AUTOCOMMIT_OFF, "AUTOCOMMIT reads back off");
    OK(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc);
    OK(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_ROLLBACK), SQL_HANDLE_DBC, dbc);
    rc = SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_ON, 0);
    OK(rc, SQL_HANDLE_DBC, dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)30, 0), SQL_HANDLE_DBC, dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_CONNECTION_TIMEOUT, (SQLPOINTER)30, 0), SQL_HANDLE_DBC, dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0), SQL_HANDLE_DBC, dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_WRITE, 0), SQL_HANDLE_DBC, dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_TXN_ISOLATION, (SQLPOINTER)SQL_TXN_READ_COMMITTED, 0), SQL_HANDLE_DBC, dbc);
    rc = SQLSetConnectAttr(dbc, 987654, (SQLPOINTER)1, 0);
    expect_state(rc, SQL_HANDLE_DBC, dbc, "HY092", "unknown connection attribute");
}

static void test_connect_errors(void)
{
    start("connect errors");
    char cs[2048];
    SQLCHAR out[1024];
    SQLSMALLINT outlen;
    struct {
        const char *fmt;
        const char *state, *fragment;
    } cases[] = {
        {"DRIVER={%s};Url=http://dev.example.com/fabrikam;PWD=%s", "08001", "local test server"},
        {"DRIVER={%s};Url=ftp://x/y;PWD=%s", "08001", "https://"},
        {"DRIVER={%s};PWD=%s", "08001", "Organization"},
        {"DRIVER={%s};Organization=fab/rikam;PWD=%s", "08001", "Organization"},
        {"DRIVER={%s};Organization=fabrikam;Timeout=soon;PWD=%s", "08001", "Timeout"},
        {"DRIVER={%s};Organization=fabrikam;ApiVersion=latest;PWD=%s", "08001", "ApiVersion"},
        {"DRIVER={%s};Organization=fabrikam;PWD={%s", "08001", "closing"},
        {"DRIVER={%s};Organization=fabrikam;ArrayPartialFailure=Warn;PWD=%s", "08001",
         "ArrayPartialFailure: 'Warn' is not valid; use Info"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SQLHDBC dbc = new_dbc();
        snprintf(cs, sizeof cs, cases[i].fmt, drv_name, pat);
        SQLRETURN rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, out, sizeof out, &outlen,
                                        SQL_DRIVER_NOPROMPT);
        char st[6], msg[1024];
        diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st, cases[i].state) == 0 && strstr(msg, cases[i].fragment),
              "case %zu: rc=%d %s %s", i, (int)rc, st, msg);
        CHECK(!strstr(msg, pat), "case %zu: PAT in the message", i);
        CHECK(strstr(msg, "[azdo-odbc][Azure DevOps]") != NULL, "case %zu: message prefix: %s", i, msg);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
    /* no PAT at all */
    SQLHDBC dbc = new_dbc();
    snprintf(cs, sizeof cs, "DRIVER={%s};Url=%s", drv_name, url);
    SQLRETURN rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
    char st[6], msg[1024];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(rc == SQL_ERROR && strcmp(st, "28000") == 0 &&
              strstr(msg, "No personal access token: set PWD in the connection string or the DSN"),
          "missing PAT: %s %s", st, msg);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    /* the connection string beats the DSN */
    dbc = new_dbc();
    snprintf(cs, sizeof cs, "DSN=%s;Url=http://dev.example.com/x", dsn);
    rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
    expect_state(rc, SQL_HANDLE_DBC, dbc, "08001", "Url in the connection string overrides the DSN");
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
}

static void test_driver_connect(void)
{
    start("SQLDriverConnect and the out connection string");
    char cs[2048];
    SQLCHAR out[2048];
    SQLSMALLINT outlen = 0;

    /* DSN-less, the application supplies the PAT: it is repeated */
    SQLHDBC dbc = new_dbc();
    snprintf(cs, sizeof cs, "DRIVER={%s};Url=%s;PWD=%s;%s%s%sExtraKey=kept", drv_name, url, pat,
             project[0] ? "Project={" : "", project, project[0] ? "};" : "");
    SQLRETURN rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, out, sizeof out, &outlen,
                                    SQL_DRIVER_NOPROMPT);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(outlen == (SQLSMALLINT)strlen((char *)out), "out length %d", outlen);
    CHECK(strstr((char *)out, "DRIVER=") && strstr((char *)out, "PWD=") && strstr((char *)out, "ExtraKey=kept") &&
              strstr((char *)out, "ApiVersion=7.1") && strstr((char *)out, "Timeout=100"),
          "out string '%s'", (char *)out);
    drop(dbc);

    /* reuse the out string as it is */
    dbc = new_dbc();
    char again[2048];
    snprintf(again, sizeof again, "%s", (char *)out);
    rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)again, SQL_NTS, out, sizeof out, &outlen, SQL_DRIVER_COMPLETE);
    OK(rc, SQL_HANDLE_DBC, dbc);
    drop(dbc);

    /* through the DSN: the DSN's PAT never appears */
    dbc = new_dbc();
    snprintf(cs, sizeof cs, "DSN=%s", dsn);
    rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, out, sizeof out, &outlen, SQL_DRIVER_NOPROMPT);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(strncmp((char *)out, "DSN=", 4) == 0 && !strstr((char *)out, "PWD") && !strstr((char *)out, pat),
          "DSN out string '%s'", (char *)out);
    drop(dbc);

    /* a small buffer: 01004 and the full length */
    dbc = new_dbc();
    rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, out, 10, &outlen, SQL_DRIVER_NOPROMPT);
    char st[6], msg[512];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strcmp(st, "01004") == 0 && outlen > 10 && strlen((char *)out) == 9,
          "truncated out string rc=%d %s len=%d", (int)rc, st, outlen);
    drop(dbc);
}

static void test_types_and_getdata(SQLHDBC dbc)
{
    start("execute, describe, SQLGetData");
    SQLHSTMT st = new_stmt(dbc);
    SQLRETURN rc = exec(st, "SELECT 'Zo\xc3\xab \xf0\x9f\x98\x80' AS s, 42 AS i, 4.5 AS d, "
                            "'2024-01-02 03:04:05.1234567' AS ts, NULL AS n, -7 AS neg");
    OK(rc, SQL_HANDLE_STMT, st);
    SQLSMALLINT ncols = 0;
    OK(SQLNumResultCols(st, &ncols), SQL_HANDLE_STMT, st);
    CHECK(ncols == 6, "ncols %d", ncols);
    SQLLEN rows = 0;
    OK(SQLRowCount(st, &rows), SQL_HANDLE_STMT, st);
    CHECK(rows == -1, "SQLRowCount after SELECT is %ld", (long)rows);

    struct {
        SQLSMALLINT type;
        SQLULEN size;
        const char *name;
    } want[] = {{SQL_WVARCHAR, 65535, "s"}, {SQL_BIGINT, 19, "i"}, {SQL_DOUBLE, 15, "d"},
                {SQL_WVARCHAR, 65535, "ts"}, {SQL_WVARCHAR, 65535, "n"}, {SQL_BIGINT, 19, "neg"}};
    for (SQLUSMALLINT c = 1; c <= 6; c++) {
        char name[64];
        SQLSMALLINT nl, type, digits, nullable;
        SQLULEN size;
        rc = SQLDescribeCol(st, c, (SQLCHAR *)name, sizeof name, &nl, &type, &size, &digits, &nullable);
        OK(rc, SQL_HANDLE_STMT, st);
        CHECK(strcmp(name, want[c - 1].name) == 0 && type == want[c - 1].type && size == want[c - 1].size,
              "column %u: %s type %d size %lu", c, name, type, (unsigned long)size);
        SQLLEN disp = 0;
        OK(SQLColAttribute(st, c, SQL_DESC_DISPLAY_SIZE, NULL, 0, NULL, &disp), SQL_HANDLE_STMT, st);
        CHECK(disp >= 11 && disp != 255, "column %u display size %ld", c, (long)disp);
    }
    char tn[64];
    SQLSMALLINT tnl;
    OK(SQLColAttribute(st, 1, SQL_DESC_TYPE_NAME, tn, sizeof tn, &tnl, NULL), SQL_HANDLE_STMT, st);
    CHECK(strcmp(tn, "VARCHAR") == 0, "TYPE_NAME %s", tn);
    OK(SQLColAttribute(st, 2, SQL_DESC_LABEL, tn, sizeof tn, &tnl, NULL), SQL_HANDLE_STMT, st);
    CHECK(strcmp(tn, "i") == 0, "LABEL %s", tn);

    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    char buf[128];
    SQLLEN ind = 0;
    rc = SQLGetData(st, 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(rc == SQL_SUCCESS && ind == 9 && strcmp(buf, "Zo\xc3\xab \xf0\x9f\x98\x80") == 0,
          "s as CHAR rc=%d ind=%ld", (int)rc, (long)ind);
    rc = SQLGetData(st, 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(rc == SQL_NO_DATA, "second SQLGetData on a finished column: rc=%d", (int)rc);
    SQLINTEGER i32 = 0;
    rc = SQLGetData(st, 2, SQL_C_SLONG, &i32, 0, &ind);
    CHECK(rc == SQL_SUCCESS && i32 == 42 && ind == 4, "i as SLONG %d", (int)i32);
    SQLWCHAR w[32];
    rc = SQLGetData(st, 1, SQL_C_WCHAR, w, sizeof w, &ind); /* back to column 1: from its start */
    CHECK(rc == SQL_SUCCESS && ind == 12 && w[2] == 0xEB && w[4] == 0xD83D && w[5] == 0xDE00 && w[6] == 0,
          "s as WCHAR rc=%d ind=%ld", (int)rc, (long)ind);
    SQLBIGINT i64 = 0;
    rc = SQLGetData(st, 6, SQL_C_SBIGINT, &i64, 0, NULL);
    CHECK(rc == SQL_SUCCESS && i64 == -7, "neg as SBIGINT");
    SQLUINTEGER u32;
    rc = SQLGetData(st, 6, SQL_C_ULONG, &u32, 0, NULL);
    CHECK(rc == SQL_NO_DATA, "fixed-size column read twice: SQL_NO_DATA (rc=%d)", (int)rc);
    SQLDOUBLE d = 0;
    rc = SQLGetData(st, 3, SQL_C_DOUBLE, &d, 0, &ind);
    CHECK(rc == SQL_SUCCESS && d == 4.5, "d as DOUBLE");
    SQL_TIMESTAMP_STRUCT ts;
    rc = SQLGetData(st, 4, SQL_C_TYPE_TIMESTAMP, &ts, sizeof ts, &ind);
    CHECK(rc == SQL_SUCCESS && ts.year == 2024 && ts.month == 1 && ts.day == 2 && ts.hour == 3 &&
              ts.second == 5 && ts.fraction == 123456700,
          "ts as TIMESTAMP rc=%d fraction=%u", (int)rc, (unsigned)ts.fraction);
    rc = SQLGetData(st, 3, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(rc == SQL_SUCCESS && strcmp(buf, "4.5") == 0, "d as CHAR '%s'", buf);
    rc = SQLGetData(st, 5, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(rc == SQL_SUCCESS && ind == SQL_NULL_DATA, "NULL -> SQL_NULL_DATA");
    rc = SQLGetData(st, 5, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(rc == SQL_NO_DATA, "NULL read twice: SQL_NO_DATA (rc=%d)", (int)rc);
    SQLGetData(st, 4, SQL_C_CHAR, buf, sizeof buf, &ind);
    rc = SQLGetData(st, 5, SQL_C_SLONG, &i32, 0, NULL);
    expect_state(rc, SQL_HANDLE_STMT, st, "22002", "NULL without an indicator");
    rc = SQLGetData(st, 1, SQL_C_SLONG, &i32, 0, &ind);
    expect_state(rc, SQL_HANDLE_STMT, st, "22018", "text as SLONG");
    rc = SQLGetData(st, 9, SQL_C_CHAR, buf, sizeof buf, &ind);
    expect_state(rc, SQL_HANDLE_STMT, st, "07009", "column out of range");
    rc = SQLFetch(st);
    CHECK(rc == SQL_NO_DATA, "one row only: rc=%d", (int)rc);
    OK(SQLMoreResults(st) == SQL_NO_DATA ? SQL_SUCCESS : SQL_ERROR, SQL_HANDLE_STMT, st);
    rc = SQLCloseCursor(st);
    expect_state(rc, SQL_HANDLE_STMT, st, "24000", "SQLCloseCursor without a cursor");

    /* overflow and truncation */
    rc = exec(st, "SELECT 3000000000 AS big, 'abcdef' AS t");
    OK(rc, SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    rc = SQLGetData(st, 1, SQL_C_SLONG, &i32, 0, &ind);
    expect_state(rc, SQL_HANDLE_STMT, st, "22003", "3e9 as SLONG");
    char small[4];
    rc = SQLGetData(st, 2, SQL_C_CHAR, small, sizeof small, &ind);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && ind == 6 && strcmp(small, "abc") == 0, "01004 chunk rc=%d", (int)rc);
    rc = SQLGetData(st, 2, SQL_C_CHAR, small, sizeof small, &ind);
    CHECK(rc == SQL_SUCCESS && ind == 3 && strcmp(small, "def") == 0, "last chunk rc=%d ind=%ld", (int)rc, (long)ind);
    rc = SQLGetData(st, 2, SQL_C_CHAR, small, sizeof small, &ind);
    CHECK(rc == SQL_NO_DATA, "after the last chunk rc=%d", (int)rc);
    SQLFreeStmt(st, SQL_CLOSE);

    /* a DML-less statement and SQLRowCount */
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_row_counts(SQLHDBC dbc)
{
    start("SQLRowCount and DML (on a TEMP table of the session)");
    SQLHSTMT st = new_stmt(dbc);
    SQLLEN n = 0;
    OK(exec(st, "CREATE TEMP TABLE ztmp(x INTEGER NOT NULL, s TEXT)"), SQL_HANDLE_STMT, st);
    OK(SQLRowCount(st, &n), SQL_HANDLE_STMT, st);
    CHECK(n == -1, "DDL row count %ld", (long)n);
    OK(exec(st, "INSERT INTO ztmp VALUES (1, 'a'), (2, 'b'), (3, 'c')"), SQL_HANDLE_STMT, st);
    SQLRowCount(st, &n);
    CHECK(n == 3, "INSERT row count %ld", (long)n);
    SQLRETURN rc = exec(st, "UPDATE ztmp SET s = 'z' WHERE x > 100");
    SQLRowCount(st, &n);
    CHECK(rc == SQL_NO_DATA && n == 0, "UPDATE of no row: rc=%d count %ld", (int)rc, (long)n);
    OK(exec(st, "DELETE FROM ztmp WHERE x = 1"), SQL_HANDLE_STMT, st);
    SQLRowCount(st, &n);
    CHECK(n == 1, "DELETE row count %ld", (long)n);
    rc = SQLFetch(st);
    expect_state(rc, SQL_HANDLE_STMT, st, "24000", "SQLFetch after DELETE");
    expect_state(exec(st, "INSERT INTO ztmp VALUES (NULL, 'x')"), SQL_HANDLE_STMT, st, "23000", "NOT NULL");
    OK(exec(st, "SELECT * FROM ztmp WHERE x < 0"), SQL_HANDLE_STMT, st);
    SQLRowCount(st, &n);
    CHECK(n == -1, "SELECT row count %ld", (long)n);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "empty SELECT is SQL_SUCCESS then SQL_NO_DATA");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(exec(st, "DROP TABLE ztmp"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void read_long(SQLHSTMT st, SQLSMALLINT ctype, SQLLEN chunk, size_t expect_bytes, const char *what)
{
    char *buf = malloc((size_t)chunk);
    size_t total = 0;
    int calls = 0, ok = 1;
    for (;;) {
        SQLLEN ind = 0;
        SQLRETURN rc = SQLGetData(st, 1, ctype, buf, chunk, &ind);
        calls++;
        if (rc == SQL_NO_DATA)
            break;
        if (rc == SQL_SUCCESS_WITH_INFO) {
            size_t term = ctype == SQL_C_WCHAR ? 2 : 1;
            if (ind != (SQLLEN)(expect_bytes - total))
                ok = 0;
            if ((ctype == SQL_C_CHAR && buf[chunk - 1] != 0) ||
                (ctype == SQL_C_WCHAR && (buf[chunk - 1] || buf[chunk - 2])))
                ok = 0; /* every chunk is NUL-terminated */
            total += (size_t)chunk - term;
        } else if (rc == SQL_SUCCESS) {
            if (ind != (SQLLEN)(expect_bytes - total))
                ok = 0;
            total += (size_t)ind;
        } else {
            ok = 0;
            break;
        }
        if (calls > 100000)
            break;
    }
    CHECK(ok && total == expect_bytes, "%s: %zu bytes in %d calls, want %zu", what, total, calls, expect_bytes);
    free(buf);
}

static void test_long_text(SQLHDBC dbc)
{
    start("chunked long text");
    SQLHSTMT st = new_stmt(dbc);
    const char *sql = "SELECT replace(hex(zeroblob(50000)), '00', 'ab') || 'END'";
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    read_long(st, SQL_C_CHAR, 1000, 100003, "CHAR in 1000-byte chunks");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    read_long(st, SQL_C_WCHAR, 4096, 200006, "WCHAR in 4096-byte chunks");
    SQLFreeStmt(st, SQL_CLOSE);
    /* the same through the describe size: honest, never 255 */
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    SQLULEN size = 0;
    SQLSMALLINT type = 0;
    OK(SQLDescribeCol(st, 1, NULL, 0, NULL, &type, &size, NULL, NULL), SQL_HANDLE_STMT, st);
    CHECK(size >= 100003, "a 100003-character expression is described with size %lu", (unsigned long)size);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_block_cursor(SQLHDBC dbc)
{
    start("SQLBindCol with a block cursor");
    SQLHSTMT st = new_stmt(dbc);
    const char *sql = "WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c WHERE x < 25) "
                      "SELECT x, 'row' || x FROM c";
    SQLINTEGER ids[10];
    SQLLEN id_ind[10], name_ind[10];
    char names[10][8];
    SQLUSMALLINT status[10];
    SQLULEN fetched = 0;
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)10, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_STATUS_PTR, status, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0), SQL_HANDLE_STMT, st);
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    OK(SQLBindCol(st, 1, SQL_C_SLONG, ids, 0, id_ind), SQL_HANDLE_STMT, st);
    OK(SQLBindCol(st, 2, SQL_C_CHAR, names, sizeof names[0], name_ind), SQL_HANDLE_STMT, st);
    int seen = 0, good = 1;
    SQLRETURN rc;
    int blocks = 0;
    while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
        blocks++;
        if (!SQL_SUCCEEDED(rc) || blocks > 5) {
            good = 0;
            break;
        }
        for (SQLULEN r = 0; r < fetched; r++) {
            char want[16];
            snprintf(want, sizeof want, "row%d", seen + 1);
            if (ids[r] != seen + 1 || strcmp(names[r], want) != 0 || status[r] != SQL_ROW_SUCCESS ||
                name_ind[r] != (SQLLEN)strlen(want))
                good = 0;
            seen++;
        }
        for (SQLULEN r = fetched; r < 10; r++)
            if (status[r] != SQL_ROW_NOROW)
                good = 0;
    }
    CHECK(good && seen == 25 && blocks == 3, "column-wise: %d rows in %d blocks", seen, blocks);
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);

    /* row-wise binding with a bind offset */
    struct row {
        SQLBIGINT id;
        SQLLEN id_ind;
        char name[8];
        SQLLEN name_ind;
    } rows[2][10];
    SQLULEN offset = 0;
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)sizeof(struct row), 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_OFFSET_PTR, &offset, 0), SQL_HANDLE_STMT, st);
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    OK(SQLBindCol(st, 1, SQL_C_SBIGINT, &rows[0][0].id, 0, &rows[0][0].id_ind), SQL_HANDLE_STMT, st);
    OK(SQLBindCol(st, 2, SQL_C_CHAR, rows[0][0].name, sizeof rows[0][0].name, &rows[0][0].name_ind),
       SQL_HANDLE_STMT, st);
    rc = SQLFetch(st);
    OK(rc, SQL_HANDLE_STMT, st);
    offset = sizeof rows[0]; /* the next block lands in rows[1] */
    rc = SQLFetch(st);
    OK(rc, SQL_HANDLE_STMT, st);
    CHECK(rows[0][0].id == 1 && rows[0][9].id == 10 && strcmp(rows[0][9].name, "row10") == 0 &&
              rows[1][0].id == 11 && rows[1][9].id == 20 && rows[1][9].name_ind == 5 && fetched == 10,
          "row-wise with offset: %lld %lld %lld", (long long)rows[0][9].id, (long long)rows[1][0].id,
          (long long)rows[1][9].id);

    /* truncation inside a block: 01004, the full length in the indicator */
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);
    SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
    SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_OFFSET_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)3, 0);
    OK(exec(st, "SELECT 'short' UNION ALL SELECT 'much longer text' UNION ALL SELECT 'x'"), SQL_HANDLE_STMT, st);
    char cells[3][6];
    SQLLEN inds[3];
    OK(SQLBindCol(st, 1, SQL_C_CHAR, cells, sizeof cells[0], inds), SQL_HANDLE_STMT, st);
    rc = SQLFetch(st);
    char s6[6], msg[256];
    diag(SQL_HANDLE_STMT, st, s6, msg, sizeof msg);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strcmp(s6, "01004") == 0 && fetched == 3 &&
              status[1] == SQL_ROW_SUCCESS_WITH_INFO && inds[1] == 16 && strcmp(cells[1], "much ") == 0 &&
              status[0] == SQL_ROW_SUCCESS,
          "block truncation rc=%d %s", (int)rc, s6);
    SQLINTEGER x;
    rc = SQLGetData(st, 1, SQL_C_SLONG, &x, 0, NULL);
    CHECK(rc == SQL_ERROR, "SQLGetData after a 3-row fetch is refused");
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_UNBIND);

    /* SQL_ATTR_MAX_ROWS, and a column bound with an indicator only */
    SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)10, 0);
    OK(SQLSetStmtAttr(st, SQL_ATTR_MAX_ROWS, (SQLPOINTER)7, 0), SQL_HANDLE_STMT, st);
    OK(exec(st, sql), SQL_HANDLE_STMT, st);
    OK(SQLBindCol(st, 2, SQL_C_CHAR, NULL, 0, name_ind), SQL_HANDLE_STMT, st);
    rc = SQLFetch(st);
    CHECK(rc == SQL_SUCCESS && fetched == 7 && name_ind[0] == 4 && name_ind[6] == 4 && status[7] == SQL_ROW_NOROW,
          "MAX_ROWS 7: rc=%d fetched %lu, length-only binding %ld", (int)rc, (unsigned long)fetched,
          (long)name_ind[0]);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "nothing after MAX_ROWS");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_errors(SQLHDBC dbc)
{
    start("diagnostics");
    SQLHSTMT st = new_stmt(dbc);
    expect_state(exec(st, "SELECT * FROM NoSuchTable"), SQL_HANDLE_STMT, st, "42S02", "unknown table");
    expect_state(exec(st, "SELECT NoSuchColumn FROM WorkItems"), SQL_HANDLE_STMT, st, "42S22", "unknown column");
    expect_state(exec(st, "SELEC 1"), SQL_HANDLE_STMT, st, "42000", "syntax error");
    expect_state(exec(st, "SELECT 'unterminated"), SQL_HANDLE_STMT, st, "42000", "unrecognized token");
    expect_state(exec(st, "SELECT 1; SELECT 2"), SQL_HANDLE_STMT, st, "42000", "two statements");
    OK(exec(st, "SELECT 1; -- a comment\n ;"), SQL_HANDLE_STMT, st);
    SQLFreeStmt(st, SQL_CLOSE);
    char s6[6], msg[1024];
    exec(st, "SELECT * FROM NoSuchTable");
    diag(SQL_HANDLE_STMT, st, s6, msg, sizeof msg);
    CHECK(strstr(msg, "[azdo-odbc][Azure DevOps]") && strstr(msg, "NoSuchTable"), "message '%s'", msg);
    SQLINTEGER n = 0;
    SQLRETURN rc = SQLGetDiagField(SQL_HANDLE_STMT, st, 0, SQL_DIAG_NUMBER, &n, 0, NULL);
    CHECK(SQL_SUCCEEDED(rc) && n == 1, "SQL_DIAG_NUMBER %d", (int)n);
    char sub[32];
    SQLSMALLINT sl;
    rc = SQLGetDiagField(SQL_HANDLE_STMT, st, 1, SQL_DIAG_SUBCLASS_ORIGIN, sub, sizeof sub, &sl);
    CHECK(SQL_SUCCEEDED(rc) && strcmp(sub, "ODBC 3.0") == 0, "42S02 subclass origin '%s'", sub);
    /* a small message buffer: truncated, never overrun */
    char tiny[8];
    SQLSMALLINT tl = 0;
    rc = SQLGetDiagRec(SQL_HANDLE_STMT, st, 1, (SQLCHAR *)s6, NULL, (SQLCHAR *)tiny, sizeof tiny, &tl);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strlen(tiny) == 7 && tl > 7, "short message buffer rc=%d", (int)rc);
    rc = SQLGetDiagRec(SQL_HANDLE_STMT, st, 2, (SQLCHAR *)s6, NULL, (SQLCHAR *)msg, sizeof msg, &tl);
    CHECK(rc == SQL_NO_DATA, "one record only");

    /* statement attributes */
    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)30, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_MAX_ROWS, (SQLPOINTER)0, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_NOSCAN, (SQLPOINTER)SQL_NOSCAN_ON, 0), SQL_HANDLE_STMT, st);
    rc = SQLSetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_STATIC, 0);
    diag(SQL_HANDLE_STMT, st, s6, msg, sizeof msg);
    CHECK(rc == SQL_SUCCESS_WITH_INFO && strcmp(s6, "01S02") == 0, "CURSOR_TYPE substituted rc=%d %s", (int)rc, s6);
    SQLULEN ct = 99;
    SQLGetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, &ct, 0, NULL);
    CHECK(ct == SQL_CURSOR_FORWARD_ONLY, "cursor stays forward-only");
    rc = SQLSetStmtAttr(st, 876543, (SQLPOINTER)1, 0);
    expect_state(rc, SQL_HANDLE_STMT, st, "HY092", "unknown statement attribute");
    SQLHDESC ard = NULL;
    rc = SQLGetStmtAttr(st, SQL_ATTR_APP_ROW_DESC, &ard, 0, NULL);
    CHECK(SQL_SUCCEEDED(rc) && ard != NULL, "ARD handle");

    /* forward-only */
    OK(exec(st, "SELECT 1"), SQL_HANDLE_STMT, st);
    rc = SQLFetchScroll(st, SQL_FETCH_FIRST, 0);
    expect_state(rc, SQL_HANDLE_STMT, st, "HY106", "SQL_FETCH_FIRST");
    OK(SQLFetchScroll(st, SQL_FETCH_NEXT, 0), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_params(SQLHDBC dbc)
{
    start("parameters");
    SQLHSTMT st = new_stmt(dbc);
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT ? || '!', ? + 1, ? * 2, ?, ? = 'Zo\xc3\xab \xf0\x9f\x98\x80'", SQL_NTS),
       SQL_HANDLE_STMT, st);
    SQLSMALLINT np = 0;
    OK(SQLNumParams(st, &np), SQL_HANDLE_STMT, st);
    CHECK(np == 5, "SQLNumParams %d", np);
    char text[] = "Zo\xc3\xab";
    SQLLEN text_ind = SQL_NTS;
    SQLINTEGER n = 41;
    SQLDOUBLE d = 1.25;
    SQL_TIMESTAMP_STRUCT ts = {2024, 2, 29, 23, 59, 58, 500000000};
    SQLWCHAR w[16];
    SQLLEN w_ind = (SQLLEN)(w_from("Zo\xc3\xab \xf0\x9f\x98\x80", w, 16) * 2);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 10, 0, text, 0, &text_ind), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &n, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 3, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, &d, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 4, SQL_PARAM_INPUT, SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, 27, 7, &ts, 0, NULL),
       SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 5, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 10, 0, w, sizeof w, &w_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    char buf[64];
    SQLLEN ind;
    SQLGetData(st, 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(strcmp(buf, "Zo\xc3\xab!") == 0, "CHAR param '%s'", buf);
    SQLBIGINT v = 0;
    SQLGetData(st, 2, SQL_C_SBIGINT, &v, 0, NULL);
    CHECK(v == 42, "SLONG param + 1 = %lld", (long long)v);
    SQLDOUBLE dd = 0;
    SQLGetData(st, 3, SQL_C_DOUBLE, &dd, 0, NULL);
    CHECK(dd == 2.5, "DOUBLE param * 2 = %g", dd);
    SQLGetData(st, 4, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(strcmp(buf, "2024-02-29 23:59:58.5") == 0, "TIMESTAMP param '%s'", buf);
    SQLGetData(st, 5, SQL_C_SBIGINT, &v, 0, NULL);
    CHECK(v == 1, "WCHAR param round-trips 'Zoë 😀'");
    SQLFreeStmt(st, SQL_CLOSE);

    /* re-execute with new values, read from the buffers at execute time */
    n = 99;
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLGetData(st, 2, SQL_C_SBIGINT, &v, 0, NULL);
    CHECK(v == 100, "deferred binding: %lld", (long long)v);
    SQLFreeStmt(st, SQL_CLOSE);
    text_ind = SQL_NULL_DATA;
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLGetData(st, 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(ind == SQL_NULL_DATA, "NULL parameter");
    SQLFreeStmt(st, SQL_CLOSE);

    /* pyodbc resets the parameters between SQLExecute and SQLFetch */
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT ?", SQL_NTS), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 10, 0, w, sizeof w, &w_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFreeStmt(st, SQL_RESET_PARAMS), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLGetData(st, 1, SQL_C_CHAR, buf, sizeof buf, &ind);
    CHECK(strcmp(buf, "Zo\xc3\xab \xf0\x9f\x98\x80") == 0, "value of SELECT ? after RESET_PARAMS '%s'", buf);
    SQLFreeStmt(st, SQL_CLOSE);

    /* missing parameter */
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    SQLRETURN rc = SQLExecute(st);
    expect_state(rc, SQL_HANDLE_STMT, st, "07002", "unbound parameter");

    /* a parameter filtering the table */
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT count(*) FROM WorkItems WHERE Id = ?", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLINTEGER id = -12345;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &id, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    v = -1;
    SQLGetData(st, 1, SQL_C_SBIGINT, &v, 0, NULL);
    CHECK(v == 0, "no work item has Id -12345 (%lld)", (long long)v);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- parameter arrays, data-at-execution, SQLDescribeParam ----------------------- */

static SQLHSTMT cancel_target; /* the statement SQLCancel is sent to from another thread */

/* Record rec of a statement: state, message, SQL_DIAG_ROW_NUMBER, SQL_DIAG_COLUMN_NUMBER. */
static SQLRETURN diag_rec(SQLHSTMT st, SQLSMALLINT rec, char *state, char *msg, size_t msglen, SQLLEN *row,
                          SQLINTEGER *col)
{
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    state[0] = msg[0] = '\0';
    SQLRETURN rc = SQLGetDiagRec(SQL_HANDLE_STMT, st, rec, (SQLCHAR *)state, &native, (SQLCHAR *)msg,
                                 (SQLSMALLINT)msglen, &len);
    if (row) {
        *row = -99;
        SQLGetDiagField(SQL_HANDLE_STMT, st, rec, SQL_DIAG_ROW_NUMBER, row, 0, NULL);
    }
    if (col) {
        *col = -99;
        SQLGetDiagField(SQL_HANDLE_STMT, st, rec, SQL_DIAG_COLUMN_NUMBER, col, 0, NULL);
    }
    return rc;
}

static SQLINTEGER diag_count(SQLHSTMT st)
{
    SQLINTEGER n = -1;
    SQLGetDiagField(SQL_HANDLE_STMT, st, 0, SQL_DIAG_NUMBER, &n, 0, NULL);
    return n;
}

static long long scalar(SQLHDBC dbc, const char *sql)
{
    SQLHSTMT st = new_stmt(dbc);
    long long v = -12345;
    SQLBIGINT b = 0;
    SQLLEN ind = 0;
    if (SQL_SUCCEEDED(exec(st, sql)) && SQL_SUCCEEDED(SQLFetch(st)) &&
        SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_SBIGINT, &b, 0, &ind)))
        v = ind == SQL_NULL_DATA ? -1 : (long long)b;
    else
        fprintf(stderr, "scalar '%s': %s\n", sql, why(SQL_HANDLE_STMT, st));
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return v;
}

static void text_of(SQLHDBC dbc, const char *sql, char *out, size_t cap)
{
    SQLHSTMT st = new_stmt(dbc);
    SQLLEN ind = 0;
    out[0] = '\0';
    if (!(SQL_SUCCEEDED(exec(st, sql)) && SQL_SUCCEEDED(SQLFetch(st)) &&
          SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_CHAR, out, (SQLLEN)cap, &ind))))
        snprintf(out, cap, "<error %s>", why(SQL_HANDLE_STMT, st));
    else if (ind == SQL_NULL_DATA)
        snprintf(out, cap, "<NULL>");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static const char *const zarr_ddl =
    "CREATE TEMP TABLE zarr(id INTEGER NOT NULL, title VARCHAR(40), pts DOUBLE CHECK (pts >= 0), "
    "note TEXT, due TIMESTAMP)";

/* pyodbc fast_executemany: row-wise binding from a fake base address of 16
 * with SQL_ATTR_PARAM_BIND_OFFSET_PTR, each indicator right after its value,
 * no status array, no processed pointer. */
static void test_array_rowwise_pyodbc(SQLHDBC dbc)
{
    start("parameter arrays: row-wise, bind offset, inline indicators (pyodbc fast_executemany)");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, title, pts) VALUES (?, ?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);

    /* the layout pyodbc builds: value, SQLLEN indicator, next value … */
    enum { TITLE_CH = 40, N = 5 };
    const size_t o_id = 0, o_id_ind = 8, o_title = 16, o_title_ind = 16 + TITLE_CH * 2, o_pts = o_title_ind + 8,
                 o_pts_ind = o_pts + 8, rowlen = o_pts_ind + 8;
    unsigned char *buf = calloc(N, rowlen);
    static const char *const titles[N] = {"one", "Zo\xc3\xab \xf0\x9f\x98\x80", "three", "", "five"};
    for (int r = 0; r < N; r++) {
        unsigned char *row = buf + r * rowlen;
        SQLBIGINT id = 100 + r;
        SQLLEN ind = 8;
        memcpy(row + o_id, &id, 8);
        memcpy(row + o_id_ind, &ind, sizeof ind);
        SQLWCHAR w[TITLE_CH + 1];
        SQLLEN wl = (SQLLEN)(w_from(titles[r], w, TITLE_CH + 1) * 2);
        memcpy(row + o_title, w, (size_t)wl);
        memcpy(row + o_title_ind, &wl, sizeof wl);
        double pts = r * 1.5;
        SQLLEN pind = r == 2 ? SQL_NULL_DATA : 8; /* a NULL in the middle */
        memcpy(row + o_pts, &pts, 8);
        memcpy(row + o_pts_ind, &pind, sizeof pind);
    }
    char *base = (char *)16;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_INTEGER, 0, 0, base + o_id, 8,
                        (SQLLEN *)(base + o_id_ind)), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, TITLE_CH, 0, base + o_title,
                        TITLE_CH * 2, (SQLLEN *)(base + o_title_ind)), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 3, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 15, 0, base + o_pts, 8,
                        (SQLLEN *)(base + o_pts_ind)), SQL_HANDLE_STMT, st);
    SQLULEN bop = (SQLULEN)(uintptr_t)buf - 16;
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)(uintptr_t)rowlen, SQL_IS_UINTEGER), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)N, SQL_IS_UINTEGER), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, &bop, SQL_IS_POINTER), SQL_HANDLE_STMT, st);
    SQLULEN got = 0;
    OK(SQLGetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, &got, 0, NULL), SQL_HANDLE_STMT, st);
    CHECK(got == N, "PARAMSET_SIZE reads back %lu", (unsigned long)got);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "row-wise array: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    SQLLEN n = -1;
    SQLRowCount(st, &n);
    CHECK(n == N, "row count %ld", (long)n);
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr") == N, "rows in the table");
    CHECK(scalar(dbc, "SELECT sum(id) FROM zarr") == 100 + 101 + 102 + 103 + 104, "ids");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE pts IS NULL AND id = 102") == 1, "inline NULL indicator");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE title = 'Zo\xc3\xab \xf0\x9f\x98\x80' AND id = 101") == 1,
          "WCHAR value of row 2");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE title = '' AND id = 103") == 1, "empty string");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE pts = 6.0 AND title = 'five'") == 1, "last row");

    /* pyodbc resets the attributes afterwards; a single execution works again */
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, SQL_IS_UINTEGER);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, NULL, SQL_IS_POINTER);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, SQL_IS_UINTEGER);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    free(buf);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* DBD::ODBC execute_array: column-wise arrays, status array, processed count. */
static void test_array_columnwise(SQLHDBC dbc)
{
    start("parameter arrays: column-wise, statuses, PARAM_OPERATION_PTR (DBD::ODBC execute_array)");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    enum { N = 4 };
    SQLINTEGER ids[N] = {1, 2, 3, 4};
    SQLLEN id_ind[N] = {0, 0, 0, 0};
    char titles[N][21] = {"alpha", "beta", "gamma", "delta"};
    SQLLEN title_ind[N] = {SQL_NTS, 4, SQL_NTS, SQL_NULL_DATA}; /* "beta" by length; a NULL */
    SQLUSMALLINT status[N];
    SQLULEN processed = 99;
    memset(status, 0xAB, sizeof status);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, title) VALUES (?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)N, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status, 0), SQL_HANDLE_STMT, st);
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, ids, 0, id_ind), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 20, 0, titles, 21, title_ind),
       SQL_HANDLE_STMT, st);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "column-wise array: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(processed == N, "processed %lu", (unsigned long)processed);
    for (int i = 0; i < N; i++)
        CHECK(status[i] == SQL_PARAM_SUCCESS, "status[%d] = %u", i, status[i]);
    SQLLEN n = -1;
    SQLRowCount(st, &n);
    CHECK(n == N, "row count %ld", (long)n);
    char t[64];
    text_of(dbc, "SELECT group_concat(coalesce(title, '-'), ',') FROM (SELECT title FROM zarr ORDER BY id)", t,
            sizeof t);
    CHECK(strcmp(t, "alpha,beta,gamma,-") == 0, "titles '%s'", t);

    /* SQL_PARAM_IGNORE: that set is not executed and reads SQL_PARAM_UNUSED */
    SQLUSMALLINT ops[N] = {SQL_PARAM_PROCEED, SQL_PARAM_IGNORE, SQL_PARAM_PROCEED, SQL_PARAM_IGNORE};
    for (int i = 0; i < N; i++)
        ids[i] = 10 + i;
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, ops, 0), SQL_HANDLE_STMT, st);
    memset(status, 0xAB, sizeof status);
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "array with ignored sets: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(status[0] == SQL_PARAM_SUCCESS && status[1] == SQL_PARAM_UNUSED && status[2] == SQL_PARAM_SUCCESS &&
          status[3] == SQL_PARAM_UNUSED, "statuses %u %u %u %u", status[0], status[1], status[2], status[3]);
    CHECK(processed == N, "processed %lu (ignored sets included)", (unsigned long)processed);
    SQLRowCount(st, &n);
    CHECK(n == 2, "row count %ld", (long)n);
    text_of(dbc, "SELECT group_concat(id, ',') FROM (SELECT id FROM zarr WHERE id >= 10 ORDER BY id)", t, sizeof t);
    CHECK(strcmp(t, "10,12") == 0, "only the sets not ignored were inserted: '%s'", t);

    /* every set ignored: nothing runs, SQL_SUCCESS */
    for (int i = 0; i < N; i++)
        ops[i] = SQL_PARAM_IGNORE;
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "all ignored: rc=%d", (int)rc);
    SQLRowCount(st, &n);
    CHECK(n == 0, "all ignored: row count %ld", (long)n);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, NULL, 0);

    /* UPDATE with an array: the total row count; rows matched by no set are not errors */
    OK(SQLPrepare(st, (SQLCHAR *)"UPDATE zarr SET pts = ? WHERE id = ?", SQL_NTS), SQL_HANDLE_STMT, st);
    double pts[N] = {1, 2, 3, 4};
    SQLINTEGER uid[N] = {1, 2, 999, 10};
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, pts, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, uid, 0, NULL), SQL_HANDLE_STMT, st);
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "UPDATE array: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    SQLRowCount(st, &n);
    CHECK(n == 3, "UPDATE array row count %ld", (long)n);
    CHECK(status[2] == SQL_PARAM_SUCCESS, "a set that matched nothing is a success (%u)", status[2]);
    CHECK(scalar(dbc, "SELECT sum(pts) FROM zarr") == 1 + 2 + 4, "updated values");
    for (int i = 0; i < N; i++)
        uid[i] = 5000 + i;
    rc = SQLExecute(st);
    CHECK(rc == SQL_NO_DATA, "UPDATE array touching no row: rc=%d (want SQL_NO_DATA)", (int)rc);

    /* arrays with a statement returning rows: HYC00 */
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT id FROM zarr WHERE id = ?", SQL_NTS), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, ids, 0, NULL), SQL_HANDLE_STMT, st);
    expect_state(SQLExecute(st), SQL_HANDLE_STMT, st, "HYC00", "SELECT with a parameter array");
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st); /* one set is fine */
    SQLFreeStmt(st, SQL_CLOSE);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* The first record of an array in which rows failed: the summary (no row number). */
static void check_summary(SQLHSTMT st, const char *want_state, const char *want_text, const char *what)
{
    char stt[6], msg[2048];
    SQLLEN row;
    SQLINTEGER col;
    SQLRETURN rc = diag_rec(st, 1, stt, msg, sizeof msg, &row, &col);
    CHECK(rc == SQL_SUCCESS, "%s: summary record rc=%d", what, (int)rc);
    CHECK(strcmp(stt, want_state) == 0, "%s: summary state %s, want %s (%s)", what, stt, want_state, msg);
    CHECK(row == SQL_NO_ROW_NUMBER, "%s: summary SQL_DIAG_ROW_NUMBER %ld", what, (long)row);
    CHECK(col == SQL_NO_COLUMN_NUMBER, "%s: summary SQL_DIAG_COLUMN_NUMBER %d", what, (int)col);
    CHECK(strncmp(msg, "[azdo-odbc][Azure DevOps]", 25) == 0 && strncmp(msg + 25, want_text, strlen(want_text)) == 0,
          "%s: summary\n  got  '%s'\n  want '[azdo-odbc][Azure DevOps]%s…'", what, msg, want_text);
}

/* The 7-set array of test_array_partial_failure: sets 2 (CHECK), 4 (NOT NULL) and 6 (conversion) fail. */
enum { PF_N = 7 };
typedef struct pf_array {
    SQLINTEGER ids[PF_N];
    SQLLEN id_ind[PF_N];
    double pts[PF_N];
    SQL_TIMESTAMP_STRUCT due[PF_N];
    SQLUSMALLINT status[PF_N];
    SQLULEN processed;
} pf_array;

static void pf_bind(SQLHSTMT st, pf_array *a)
{
    static const SQLLEN id_ind[PF_N] = {0, 0, 0, SQL_NULL_DATA, 0, 0, 0}; /* set 4: NOT NULL */
    static const double pts[PF_N] = {1, -5, 3, 4, 5, 6, 7};                /* set 2: CHECK */
    memset(a, 0, sizeof *a);
    for (int i = 0; i < PF_N; i++) {
        a->ids[i] = i + 1;
        a->id_ind[i] = id_ind[i];
        a->pts[i] = pts[i];
        a->due[i].year = 2025;
        a->due[i].month = 1;
        a->due[i].day = (SQLUSMALLINT)(i + 1);
    }
    a->due[5].month = 13; /* set 6: conversion (22008) */
    memset(a->status, 0xAB, sizeof a->status);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, pts, due) VALUES (?, ?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)PF_N, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, a->status, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &a->processed, 0);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, a->ids, 0, a->id_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, a->pts, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 3, SQL_PARAM_INPUT, SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, 27, 7, a->due, 0, NULL),
       SQL_HANDLE_STMT, st);
}

/* Statuses and the per-row records 2..4 of the 7-set array (the same in both modes). */
static void pf_check_rows(SQLHSTMT st, const pf_array *a, const char *what)
{
    CHECK(a->processed == PF_N, "%s: processed %lu", what, (unsigned long)a->processed);
    static const SQLUSMALLINT want[PF_N] = {SQL_PARAM_SUCCESS, SQL_PARAM_ERROR, SQL_PARAM_SUCCESS, SQL_PARAM_ERROR,
                                            SQL_PARAM_SUCCESS, SQL_PARAM_ERROR, SQL_PARAM_SUCCESS};
    for (int i = 0; i < PF_N; i++)
        CHECK(a->status[i] == want[i], "%s: status[%d] = %u, want %u", what, i, a->status[i], want[i]);
    /* the records first: any other call (SQLRowCount too) clears them */
    CHECK(diag_count(st) == 4, "%s: the summary and one record per failed set: %d", what, (int)diag_count(st));
    static const struct {
        const char *state;
        SQLLEN row;
        SQLINTEGER col;
        const char *text;
    } recs[] = {
        {"23000", 2, SQL_NO_COLUMN_NUMBER, "Row 2: CHECK constraint failed"},
        {"23000", 4, SQL_NO_COLUMN_NUMBER, "Row 4: NOT NULL constraint failed: zarr.id"},
        {"22008", 6, 3, "Row 6: Parameter 3:"},
    };
    for (int k = 0; k < 3; k++) {
        char stt[6], msg[512];
        SQLLEN row;
        SQLINTEGER col;
        SQLSMALLINT rec = (SQLSMALLINT)(k + 2);
        OK(diag_rec(st, rec, stt, msg, sizeof msg, &row, &col), SQL_HANDLE_STMT, st);
        CHECK(strcmp(stt, recs[k].state) == 0, "%s: record %d: state %s, want %s (%s)", what, rec, stt, recs[k].state,
              msg);
        CHECK(row == recs[k].row, "%s: record %d: SQL_DIAG_ROW_NUMBER %ld, want %ld", what, rec, (long)row,
              (long)recs[k].row);
        CHECK(col == recs[k].col, "%s: record %d: SQL_DIAG_COLUMN_NUMBER %d, want %d", what, rec, (int)col,
              (int)recs[k].col);
        CHECK(strstr(msg, recs[k].text) != NULL, "%s: record %d: '%s' lacks '%s'", what, rec, msg, recs[k].text);
        CHECK(strncmp(msg, "[azdo-odbc][Azure DevOps]Row ", 29) == 0, "%s: record %d: prefix '%s'", what, rec, msg);
    }
    char stt[6], msg[64];
    CHECK(diag_rec(st, 5, stt, msg, sizeof msg, NULL, NULL) == SQL_NO_DATA, "%s: no record 5", what);
}

/* Sets that fail: a summary first, then each reported once, with its own SQLSTATE and row number;
 * the others are written.  The default ArrayPartialFailure=Info: SQL_SUCCESS_WITH_INFO, summary 01S01. */
static void test_array_partial_failure(SQLHDBC dbc)
{
    start("parameter arrays: failing rows (summary, statuses, SQL_DIAG_ROW_NUMBER, SUCCESS_WITH_INFO)");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    pf_array a;
    pf_bind(st, &a);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "partial failure: rc=%d (want SQL_SUCCESS_WITH_INFO)", (int)rc);
    check_summary(st, "01S01",
                  "3 of 7 rows failed and were not written (rows 2, 4, 6); the other 4 rows were written. "
                  "Row 2: CHECK constraint failed: pts >= 0; Row 4: NOT NULL constraint failed: zarr.id; "
                  "Row 6: Parameter 3: ",
                  "Info");
    SQLINTEGER native = -1;
    SQLGetDiagField(SQL_HANDLE_STMT, st, 1, SQL_DIAG_NATIVE, &native, 0, NULL);
    CHECK(native == 0, "01S01 summary: native %d", (int)native);
    char origin[32] = "";
    SQLGetDiagField(SQL_HANDLE_STMT, st, 1, SQL_DIAG_SUBCLASS_ORIGIN, origin, sizeof origin, NULL);
    CHECK(strcmp(origin, "ODBC 3.0") == 0, "01S01 is an ODBC 3.0 subclass: '%s'", origin);
    pf_check_rows(st, &a, "Info");
    SQLLEN n = -1;
    OK(SQLRowCount(st, &n), SQL_HANDLE_STMT, st);
    CHECK(n == 4, "row count %ld (the sets that succeeded)", (long)n);
    char t[64];
    text_of(dbc, "SELECT group_concat(id, ',') FROM (SELECT id FROM zarr ORDER BY id)", t, sizeof t);
    CHECK(strcmp(t, "1,3,5,7") == 0, "the other sets were written: '%s'", t);

    /* every attempted set fails: SQL_ERROR, every status SQL_PARAM_ERROR, the summary has the first state */
    for (int i = 0; i < PF_N; i++) {
        a.pts[i] = -1 - i;
        a.id_ind[i] = 0;
        a.due[i].month = 1;
    }
    memset(a.status, 0xAB, sizeof a.status);
    rc = SQLExecute(st);
    CHECK(rc == SQL_ERROR, "all sets fail: rc=%d (want SQL_ERROR)", (int)rc);
    for (int i = 0; i < PF_N; i++)
        CHECK(a.status[i] == SQL_PARAM_ERROR, "all fail: status[%d] = %u", i, a.status[i]);
    CHECK(a.processed == PF_N, "all fail: processed %lu", (unsigned long)a.processed);
    CHECK(diag_count(st) == PF_N + 1, "all fail: %d records (the summary and one per row)", (int)diag_count(st));
    check_summary(st, "23000",
                  "7 of 7 rows failed and were not written (rows 1-7); no row was written. "
                  "All 7 rows: CHECK constraint failed: pts >= 0",
                  "all fail");
    SQLINTEGER native2 = -1;
    SQLGetDiagField(SQL_HANDLE_STMT, st, 1, SQL_DIAG_NATIVE, &native, 0, NULL);
    SQLGetDiagField(SQL_HANDLE_STMT, st, 2, SQL_DIAG_NATIVE, &native2, 0, NULL);
    CHECK(native == native2 && native != 0, "all fail: the summary has the first row's native error (%d, %d)",
          (int)native, (int)native2);
    char stt[6], msg[512];
    SQLLEN row;
    diag_rec(st, 2, stt, msg, sizeof msg, &row, NULL);
    CHECK(row == 1 && strcmp(stt, "23000") == 0 && strstr(msg, "Row 1: CHECK"), "record 2: row %ld state %s '%s'",
          (long)row, stt, msg);
    diag_rec(st, PF_N + 1, stt, msg, sizeof msg, &row, NULL);
    CHECK(row == PF_N && strcmp(stt, "23000") == 0, "last record: row %ld state %s", (long)row, stt);
    /* (after SQL_ERROR the DM itself refuses SQLRowCount: the statement is back in the prepared state) */
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr") == 4, "nothing more was written");

    /* ignored sets are neither written nor failed */
    SQLUSMALLINT ops[PF_N] = {SQL_PARAM_PROCEED, SQL_PARAM_PROCEED, SQL_PARAM_IGNORE, SQL_PARAM_PROCEED,
                              SQL_PARAM_PROCEED, SQL_PARAM_PROCEED, SQL_PARAM_PROCEED};
    for (int i = 0; i < PF_N; i++) {
        a.ids[i] = 20 + i;
        a.pts[i] = i == 1 ? -1 : 1;
    }
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, ops, 0);
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "with an ignored set: rc=%d", (int)rc);
    check_summary(st, "01S01",
                  "1 of 7 rows failed and was not written (row 2); 5 rows were written, 1 was not executed. "
                  "Row 2: CHECK constraint failed: pts >= 0",
                  "ignored set");
    CHECK(diag_count(st) == 2, "ignored set: %d records", (int)diag_count(st));
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_OPERATION_PTR, NULL, 0);

    /* an unbound parameter is the statement's error, not a row's */
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    memset(a.status, 0xAB, sizeof a.status);
    expect_state(SQLExecute(st), SQL_HANDLE_STMT, st, "07002", "array with an unbound parameter");
    CHECK(a.processed == 0, "07002: processed %lu", (unsigned long)a.processed);
    CHECK(diag_count(st) == 1, "07002: one record, no summary (%d)", (int)diag_count(st));
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ArrayPartialFailure=Error: some rows failing makes SQLExecute return SQL_ERROR; the good rows are written. */
static void test_array_partial_error_mode(void)
{
    start("parameter arrays: ArrayPartialFailure=Error");
    char cs[512];
    snprintf(cs, sizeof cs, "DSN=%s;ArrayPartialFailure=error", dsn);
    SQLHDBC dbc = new_dbc();
    SQLCHAR out[2048];
    SQLSMALLINT outlen = 0;
    SQLRETURN rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, out, sizeof out, &outlen, SQL_DRIVER_NOPROMPT);
    OK(rc, SQL_HANDLE_DBC, dbc);
    if (!SQL_SUCCEEDED(rc)) {
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return;
    }
    CHECK(strstr((char *)out, ";ArrayPartialFailure=Error;") != NULL, "out string normalizes the key: '%s'",
          (char *)out);
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    pf_array a;
    pf_bind(st, &a);
    rc = SQLExecute(st);
    CHECK(rc == SQL_ERROR, "Error mode, some rows fail: rc=%d (want SQL_ERROR)", (int)rc);
    check_summary(st, "23000",
                  "3 of 7 rows failed and were not written (rows 2, 4, 6); the other 4 rows were written and stay "
                  "written (ArrayPartialFailure=Error). Row 2: CHECK constraint failed: pts >= 0; "
                  "Row 4: NOT NULL constraint failed: zarr.id; Row 6: Parameter 3: ",
                  "Error");
    pf_check_rows(st, &a, "Error");
    char t[64];
    text_of(dbc, "SELECT group_concat(id, ',') FROM (SELECT id FROM zarr ORDER BY id)", t, sizeof t);
    CHECK(strcmp(t, "1,3,5,7") == 0, "Error mode: the good rows were written all the same: '%s'", t);

    /* the summary's SQLSTATE is the FIRST failure's: here the conversion error of row 1 */
    for (int i = 0; i < PF_N; i++) {
        a.ids[i] = 10 + i;
        a.id_ind[i] = 0;
        a.pts[i] = i == 2 ? -3 : 1;
        a.due[i].month = i == 0 ? 13 : 1;
    }
    rc = SQLExecute(st);
    CHECK(rc == SQL_ERROR, "Error mode, rows 1 and 3 fail: rc=%d", (int)rc);
    check_summary(st, "22008",
                  "2 of 7 rows failed and were not written (rows 1, 3); the other 5 rows were written and stay "
                  "written (ArrayPartialFailure=Error). Row 1: Parameter 3: ",
                  "Error, first failure 22008");
    CHECK(a.status[0] == SQL_PARAM_ERROR && a.status[1] == SQL_PARAM_SUCCESS && a.status[2] == SQL_PARAM_ERROR,
          "Error mode: statuses %u %u %u", a.status[0], a.status[1], a.status[2]);
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id >= 10") == 5, "Error mode: 5 rows written");

    /* every row fine: SQL_SUCCESS, no record */
    for (int i = 0; i < PF_N; i++) {
        a.ids[i] = 30 + i;
        a.pts[i] = 1;
        a.due[i].month = 1;
    }
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS, "Error mode, no failure: rc=%d", (int)rc);
    CHECK(diag_count(st) == 0, "Error mode, no failure: %d records", (int)diag_count(st));
    SQLLEN n = -1;
    OK(SQLRowCount(st, &n), SQL_HANDLE_STMT, st);
    CHECK(n == PF_N, "Error mode, no failure: row count %ld", (long)n);

    /* every row fails: as in Info mode */
    for (int i = 0; i < PF_N; i++)
        a.pts[i] = -1;
    rc = SQLExecute(st);
    CHECK(rc == SQL_ERROR && diag_count(st) == PF_N + 1, "Error mode, all fail: rc=%d, %d records", (int)rc,
          (int)diag_count(st));
    check_summary(st, "23000", "7 of 7 rows failed and were not written (rows 1-7); no row was written. ", "Error, all");

    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    /* a single execution is not an array: its own error, no summary */
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, pts) VALUES (99, -1)", SQL_NTS), SQL_HANDLE_STMT, st);
    rc = SQLExecute(st);
    char stt[6], msg[512];
    SQLLEN row;
    diag_rec(st, 1, stt, msg, sizeof msg, &row, NULL);
    CHECK(rc == SQL_ERROR && strcmp(stt, "23000") == 0 && strstr(msg, "rows failed") == NULL && diag_count(st) == 1,
          "single execution: rc=%d %s '%s'", (int)rc, stt, msg);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    drop(dbc);
}

/* The summary's length limit (1,000 characters with the prefix): the row list and the messages are cut with "…". */
static void test_array_summary_limits(SQLHDBC dbc)
{
    start("parameter arrays: the summary record's limits");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    enum { N = 400 };
    static SQLINTEGER ids[N];
    static SQLLEN ind[N];
    static double pts[N];
    SQLUSMALLINT *status = calloc(N, sizeof *status);
    /* every even row fails: rows 2, 6, 10 … on the CHECK, rows 4, 8, 12 … on NOT NULL */
    for (int i = 0; i < N; i++) {
        ids[i] = i + 1;
        ind[i] = (i % 4 == 3) ? SQL_NULL_DATA : 0;
        pts[i] = (i % 4 == 1) ? -1 : 1;
    }
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, pts) VALUES (?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)N, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status, 0);
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, ids, 0, ind), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, pts, 0, NULL), SQL_HANDLE_STMT, st);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "200 of 400 fail: rc=%d", (int)rc);
    CHECK(diag_count(st) == 201, "200 of 400 fail: %d records", (int)diag_count(st));
    char stt[6], msg[4096];
    SQLLEN row;
    diag_rec(st, 1, stt, msg, sizeof msg, &row, NULL);
    size_t len = strlen(msg);
    CHECK(len <= 1000, "summary length %zu <= 1000", len);
    static const char head[] = "[azdo-odbc][Azure DevOps]200 of 400 rows failed and were not written (rows 2, 4, 6, 8, ";
    CHECK(strncmp(msg, head, sizeof head - 1) == 0, "summary head '%.120s'", msg);
    CHECK(strstr(msg, ", \xe2\x80\xa6); the other 200 rows were written. ") != NULL, "the row list is cut: '%s'", msg);
    CHECK(strstr(msg, "Rows 2, 6, 10, 14, 18, 22, 26, 30 and 92 more: CHECK constraint failed: pts >= 0; "
                      "Rows 4, 8, 12, 16, 20, 24, 28, 32 and 92 more: NOT NULL constraint failed: zarr.id") != NULL,
          "rows grouped by message: '%s'", msg);
    diag_rec(st, 201, stt, msg, sizeof msg, &row, NULL);
    CHECK(row == 400 && strstr(msg, "Row 400: NOT NULL"), "last record row %ld '%s'", (long)row, msg);

    /* 20 different long messages: the ones that fit, then "…" */
    SQLHSTMT ddl = new_stmt(dbc);
    char sql[8192];
    size_t o = (size_t)snprintf(sql, sizeof sql, "CREATE TEMP TABLE zlong(id INTEGER");
    for (int k = 1; k <= 20; k++)
        o += (size_t)snprintf(sql + o, sizeof sql - o,
                              ", CONSTRAINT row_%02d_is_refused_by_a_check_constraint_whose_name_is_long_enough_to_"
                              "fill_the_summary_quickly CHECK (id <> %d)",
                              k, k);
    snprintf(sql + o, sizeof sql - o, ")");
    OK(exec(ddl, sql), SQL_HANDLE_STMT, ddl);
    SQLFreeHandle(SQL_HANDLE_STMT, ddl);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zlong (id) VALUES (?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)40, 0);
    for (int i = 0; i < 40; i++)
        ids[i] = i + 1;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, ids, 0, NULL), SQL_HANDLE_STMT, st);
    rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "20 of 40 fail: rc=%d", (int)rc);
    diag_rec(st, 1, stt, msg, sizeof msg, &row, NULL);
    len = strlen(msg);
    CHECK(len <= 1000 && len > 900, "summary length %zu in (900, 1000]", len);
    CHECK(strstr(msg, "20 of 40 rows failed and were not written (rows 1-20); the other 20 rows were written. Row 1: "
                      "CHECK constraint failed: row_01_is_refused") != NULL,
          "20 of 40: '%s'", msg);
    CHECK(len >= 3 && strcmp(msg + len - 3, "\xe2\x80\xa6") == 0, "ends with an ellipsis: '%s'", msg + len - 40);
    CHECK(strstr(msg, "Row 20:") == NULL, "not every message fits");
    CHECK(diag_count(st) == 21, "20 of 40: %d records", (int)diag_count(st));

    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    OK(exec(st, "DROP TABLE zlong"), SQL_HANDLE_STMT, st);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    free(status);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void *array_canceller(void *arg)
{
    (void)arg;
    struct timespec t = {0, 300 * 1000 * 1000};
    nanosleep(&t, NULL);
    SQLCancel(cancel_target);
    return NULL;
}

/* A cancel or the query timeout stops the array: sets not reached stay SQL_PARAM_UNUSED. */
static void test_array_stops(SQLHDBC dbc)
{
    start("parameter arrays: cancel and query timeout stop the array");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, "CREATE TEMP TABLE zslow(x INTEGER)"), SQL_HANDLE_STMT, st);
    /* each set counts to 2e9: far longer than the test waits */
    OK(SQLPrepare(st, (SQLCHAR *)"WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c WHERE x < "
                                 "2000000000) INSERT INTO zslow SELECT ? + count(*) FROM c", SQL_NTS),
       SQL_HANDLE_STMT, st);
    enum { N = 3 };
    SQLINTEGER v[N] = {1, 2, 3};
    SQLUSMALLINT status[N];
    SQLULEN processed = 99;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, v, 0, NULL), SQL_HANDLE_STMT, st);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)N, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0);
    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)1, 0), SQL_HANDLE_STMT, st);
    double t0 = mono_s();
    SQLRETURN rc = SQLExecute(st);
    double took = mono_s() - t0;
    CHECK(rc == SQL_ERROR, "timeout: rc=%d", (int)rc);
    CHECK(took < 5, "timeout: the array stopped after %.1f s", took);
    CHECK(status[0] == SQL_PARAM_ERROR && status[1] == SQL_PARAM_UNUSED && status[2] == SQL_PARAM_UNUSED,
          "timeout: statuses %u %u %u", status[0], status[1], status[2]);
    CHECK(processed == 1, "timeout: processed %lu", (unsigned long)processed);
    char stt[6], msg[1024];
    SQLLEN row;
    /* the summary first (the stop state), then the row's record, then where it stopped */
    diag_rec(st, 1, stt, msg, sizeof msg, &row, NULL);
    CHECK(strcmp(stt, "HYT00") == 0 && row == SQL_NO_ROW_NUMBER &&
              strstr(msg, "Query timeout expired: the array stopped after 1 of 3 rows. 1 of 3 rows failed and was "
                          "not written (row 1); 0 rows were written, 2 were not executed. Row 1: "),
          "timeout: summary %s row %ld (%s)", stt, (long)row, msg);
    diag_rec(st, 2, stt, msg, sizeof msg, &row, NULL);
    CHECK(strcmp(stt, "HYT00") == 0 && row == 1, "timeout: record 2 %s row %ld (%s)", stt, (long)row, msg);
    SQLINTEGER nrec = diag_count(st);
    CHECK(nrec == 3, "timeout: 3 records (%d)", (int)nrec);
    diag_rec(st, (SQLSMALLINT)nrec, stt, msg, sizeof msg, &row, NULL);
    CHECK(strcmp(stt, "HYT00") == 0 && row == SQL_NO_ROW_NUMBER && strstr(msg, "rows 2 to 3 were not executed"),
          "timeout: last record %s row %ld '%s'", stt, (long)row, msg);

    SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)0, 0);
    cancel_target = st;
    pthread_t th;
    pthread_create(&th, NULL, array_canceller, NULL);
    t0 = mono_s();
    rc = SQLExecute(st);
    took = mono_s() - t0;
    pthread_join(th, NULL);
    CHECK(rc == SQL_ERROR, "cancel: rc=%d", (int)rc);
    CHECK(took < 5, "cancel: the array stopped after %.1f s", took);
    CHECK(status[0] == SQL_PARAM_ERROR && status[1] == SQL_PARAM_UNUSED && status[2] == SQL_PARAM_UNUSED,
          "cancel: statuses %u %u %u", status[0], status[1], status[2]);
    diag_rec(st, 1, stt, msg, sizeof msg, &row, NULL);
    CHECK(strcmp(stt, "HY008") == 0 && row == SQL_NO_ROW_NUMBER && strstr(msg, "Operation canceled: the array stopped"),
          "cancel: summary %s row %ld (%s)", stt, (long)row, msg);
    diag_rec(st, 2, stt, msg, sizeof msg, &row, NULL);
    CHECK(strcmp(stt, "HY008") == 0 && row == 1, "cancel: record 2 %s row %ld (%s)", stt, (long)row, msg);
    CHECK(scalar(dbc, "SELECT count(*) FROM zslow") == 0, "nothing written");
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    OK(exec(st, "DROP TABLE zslow"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* Data-at-execution: SQL_LEN_DATA_AT_EXEC / SQL_DATA_AT_EXEC, SQLParamData, SQLPutData. */
static void test_data_at_exec(SQLHDBC dbc)
{
    start("data-at-execution (SQLParamData / SQLPutData), single and in arrays");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, note, title) VALUES (?, ?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLINTEGER id = 1;
    SQLLEN note_ind = SQL_DATA_AT_EXEC, id_ind = SQL_DATA_AT_EXEC, title_ind = SQL_NTS;
    char title[] = "plain";
    int tok_note = 0, tok_id = 0;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &tok_id, 0, &id_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WLONGVARCHAR, 0, 0, &tok_note, 0, &note_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 3, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 40, 0, title, 0, &title_ind),
       SQL_HANDLE_STMT, st);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "SQLExecute with data-at-execution parameters: rc=%d %s", (int)rc,
          why(SQL_HANDLE_STMT, st));
    SQLPOINTER token = NULL;
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_NEED_DATA && token == &tok_id, "first SQLParamData: rc=%d token %p (want %p)", (int)rc, token,
          (void *)&tok_id);
    OK(SQLPutData(st, &id, 0), SQL_HANDLE_STMT, st);
    expect_state(SQLPutData(st, &id, 0), SQL_HANDLE_STMT, st, "HY019", "a fixed-size value in two pieces");
    /* an error in SQLPutData ends the sequence: start again */
    rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "SQLExecute after the failed sequence: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_NEED_DATA && token == &tok_id, "first SQLParamData again: rc=%d", (int)rc);
    OK(SQLPutData(st, &id, 0), SQL_HANDLE_STMT, st);
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_NEED_DATA && token == &tok_note, "second SQLParamData: rc=%d", (int)rc);
    /* a long UTF-16 text in pieces of odd byte counts: the pieces split code units */
    size_t nch = 100000;
    SQLWCHAR *w = malloc((nch + 1) * sizeof *w);
    for (size_t i = 0; i < nch; i++)
        w[i] = (SQLWCHAR)(i % 10 == 9 ? 0x00E9 : 'a' + i % 26); /* é among ASCII */
    const unsigned char *bytes = (const unsigned char *)w;
    size_t total = nch * 2, off = 0, piece = 4095;
    while (off < total) {
        size_t k = total - off < piece ? total - off : piece;
        rc = SQLPutData(st, (SQLPOINTER)(bytes + off), (SQLLEN)k);
        if (!SQL_SUCCEEDED(rc))
            break;
        off += k;
    }
    OK(rc, SQL_HANDLE_STMT, st);
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_SUCCESS, "last SQLParamData executes: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(scalar(dbc, "SELECT length(note) FROM zarr WHERE id = 1 AND title = 'plain'") == (long long)nch,
          "the text sent in pieces");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id = 1 AND substr(note, 10, 1) = '\xc3\xa9' AND "
                      "substr(note, 1, 3) = 'abc'") == 1,
          "the pieces joined at byte level");

    /* SQLPutData(SQL_NULL_DATA); a value with no SQLPutData at all is empty */
    id = 2;
    rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "again: rc=%d", (int)rc);
    SQLParamData(st, &token);
    SQLPutData(st, &id, 0);
    SQLParamData(st, &token);
    OK(SQLPutData(st, NULL, SQL_NULL_DATA), SQL_HANDLE_STMT, st);
    OK(SQLParamData(st, &token), SQL_HANDLE_STMT, st);
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id = 2 AND note IS NULL") == 1, "NULL by SQLPutData");
    id = 5;
    SQLExecute(st);
    SQLParamData(st, &token);
    SQLPutData(st, &id, 0);
    SQLParamData(st, &token);
    OK(SQLPutData(st, NULL, SQL_NULL_DATA), SQL_HANDLE_STMT, st);
    expect_state(SQLPutData(st, w, 4), SQL_HANDLE_STMT, st, "HY020", "data after SQL_NULL_DATA");
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id = 5") == 0, "the failed sequence wrote nothing");
    /* SQL_NEED_LONG_DATA_LEN is "Y": a text announced as SQL_LEN_DATA_AT_EXEC(0) is empty and not asked
     * for (the DM refuses SQLParamData without a SQLPutData in between: pyodbc#371) */
    char yn[4] = "";
    SQLSMALLINT ynlen = 0;
    OK(SQLGetInfo(dbc, SQL_NEED_LONG_DATA_LEN, yn, sizeof yn, &ynlen), SQL_HANDLE_DBC, dbc);
    CHECK(strcmp(yn, "Y") == 0, "SQL_NEED_LONG_DATA_LEN '%s'", yn);
    id = 3;
    note_ind = SQL_LEN_DATA_AT_EXEC(0);
    rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "empty DAE text: rc=%d", (int)rc);
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_NEED_DATA && token == &tok_id, "empty DAE text: only the id is asked for");
    SQLPutData(st, &id, 0);
    rc = SQLParamData(st, &token);
    CHECK(rc == SQL_SUCCESS, "empty DAE text: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id = 3 AND note = ''") == 1, "SQL_LEN_DATA_AT_EXEC(0) = ''");

    /* out of sequence */
    expect_state(SQLParamData(st, &token), SQL_HANDLE_STMT, st, "HY010", "SQLParamData without SQLExecute");

    /* SQLCancel ends the sequence; the statement is usable again */
    rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "before cancel: rc=%d", (int)rc);
    OK(SQLCancel(st), SQL_HANDLE_STMT, st);
    id_ind = 0;
    note_ind = SQL_NTS;
    SQLWCHAR small[8];
    w_from("x", small, 8);
    id = 4;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &id, 0, &id_ind), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WLONGVARCHAR, 0, 0, small, sizeof small, &note_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    CHECK(scalar(dbc, "SELECT count(*) FROM zarr WHERE id = 4 AND note = 'x'") == 1, "after SQLCancel");

    /* in a row-wise array, pyodbc style: the token is the row's element; PARAMS_PROCESSED names the row */
    OK(exec(st, "DELETE FROM zarr"), SQL_HANDLE_STMT, st);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, note) VALUES (?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    enum { N = 3 };
    struct row {
        SQLBIGINT id;
        SQLLEN id_ind;
        void *dae;   /* pyodbc keeps a DAEParam here */
        SQLLEN dae_ind;
    } rows[N] = {
        {10, 8, NULL, SQL_LEN_DATA_AT_EXEC(5)},
        {11, 8, NULL, SQL_NULL_DATA},
        {12, 8, NULL, SQL_DATA_AT_EXEC},
    };
    SQLULEN processed = 0, bop = (SQLULEN)(uintptr_t)rows - 16;
    SQLUSMALLINT status[N];
    char *base = (char *)16;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_INTEGER, 0, 0, base + offsetof(struct row, id),
                        8, (SQLLEN *)(base + offsetof(struct row, id_ind))), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WLONGVARCHAR, 0, 0,
                        base + offsetof(struct row, dae), sizeof(void *),
                        (SQLLEN *)(base + offsetof(struct row, dae_ind))), SQL_HANDLE_STMT, st);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)sizeof(struct row), 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)N, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, &bop, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status, 0);
    rc = SQLExecute(st);
    CHECK(rc == SQL_NEED_DATA, "array with DAE: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    static const char *const texts[] = {"first", NULL, "third \xc3\xa9"};
    int asked = 0;
    while ((rc = SQLParamData(st, &token)) == SQL_NEED_DATA) {
        int r = (int)processed - 1;
        CHECK(r == 0 || r == 2, "DAE asked for row %d", r + 1);
        CHECK(token == &rows[r < 0 ? 0 : r].dae, "token for row %d is the row's element (%p vs %p)", r + 1, token,
              (void *)&rows[r < 0 ? 0 : r].dae);
        if (r < 0 || r > 2 || !texts[r])
            break;
        SQLWCHAR tw[32];
        size_t u = w_from(texts[r], tw, 32);
        OK(SQLPutData(st, tw, (SQLLEN)(u * 2)), SQL_HANDLE_STMT, st);
        asked++;
    }
    CHECK(rc == SQL_SUCCESS, "array with DAE done: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(asked == 2, "asked for %d values", asked);
    CHECK(processed == N, "processed %lu", (unsigned long)processed);
    CHECK(status[0] == SQL_PARAM_SUCCESS && status[1] == SQL_PARAM_SUCCESS && status[2] == SQL_PARAM_SUCCESS,
          "statuses %u %u %u", status[0], status[1], status[2]);
    char t[128];
    text_of(dbc, "SELECT group_concat(coalesce(note, '-'), '|') FROM (SELECT note FROM zarr ORDER BY id)", t, sizeof t);
    CHECK(strcmp(t, "first|-|third \xc3\xa9") == 0, "DAE values in the array: '%s'", t);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    free(w);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void expect_param(SQLHSTMT st, SQLUSMALLINT i, SQLSMALLINT type, SQLULEN size, SQLSMALLINT digits,
                         SQLSMALLINT nullable, const char *what)
{
    SQLSMALLINT t = -1, d = -1, nl = -1;
    SQLULEN sz = 99999;
    SQLRETURN rc = SQLDescribeParam(st, i, &t, &sz, &d, &nl);
    OK(rc, SQL_HANDLE_STMT, st);
    CHECK(t == type && sz == size && d == digits && nl == nullable,
          "%s param %u: type %d size %lu digits %d nullable %d; want %d %lu %d %d", what, i, t, (unsigned long)sz, d,
          nl, type, (unsigned long)size, digits, nullable);
}

static void test_describe_param(SQLHDBC dbc)
{
    start("SQLDescribeParam");
    char yn[4] = "";
    SQLSMALLINT len;
    OK(SQLGetInfo(dbc, SQL_DESCRIBE_PARAMETER, yn, sizeof yn, &len), SQL_HANDLE_DBC, dbc);
    CHECK(strcmp(yn, "Y") == 0, "SQL_DESCRIBE_PARAMETER '%s'", yn);
    SQLUSMALLINT f = 0;
    SQLGetFunctions(dbc, SQL_API_SQLDESCRIBEPARAM, &f);
    CHECK(f == SQL_TRUE, "SQLGetFunctions(SQLDescribeParam)");
    SQLGetFunctions(dbc, SQL_API_SQLPARAMDATA, &f);
    CHECK(f == SQL_TRUE, "SQLGetFunctions(SQLParamData)");
    SQLGetFunctions(dbc, SQL_API_SQLPUTDATA, &f);
    CHECK(f == SQL_TRUE, "SQLGetFunctions(SQLPutData)");

    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, title, pts, note, due) VALUES (?, ?, ?, ?, ?)", SQL_NTS),
       SQL_HANDLE_STMT, st);
    expect_param(st, 1, SQL_INTEGER, 10, 0, SQL_NO_NULLS, "INSERT");
    expect_param(st, 2, SQL_WVARCHAR, 40, 0, SQL_NULLABLE, "INSERT");
    expect_param(st, 3, SQL_DOUBLE, 15, 0, SQL_NULLABLE, "INSERT");
    expect_param(st, 4, SQL_WLONGVARCHAR, 0, 0, SQL_NULLABLE, "INSERT");
    expect_param(st, 5, SQL_TYPE_TIMESTAMP, 27, 7, SQL_NULLABLE, "INSERT");
    expect_state(SQLDescribeParam(st, 6, NULL, NULL, NULL, NULL), SQL_HANDLE_STMT, st, "07009", "param 6 of 5");
    expect_state(SQLDescribeParam(st, 0, NULL, NULL, NULL, NULL), SQL_HANDLE_STMT, st, "07009", "param 0");
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO temp.zarr VALUES (?, upper(?), ?, NULL, NULL)", SQL_NTS),
       SQL_HANDLE_STMT, st);
    expect_param(st, 1, SQL_INTEGER, 10, 0, SQL_NO_NULLS, "INSERT without columns");
    expect_param(st, 2, SQL_WLONGVARCHAR, 0, 0, SQL_NULLABLE_UNKNOWN, "INSERT without columns");
    expect_param(st, 3, SQL_DOUBLE, 15, 0, SQL_NULLABLE, "INSERT without columns");
    OK(SQLPrepare(st, (SQLCHAR *)"UPDATE zarr SET Title = ?, due = ? WHERE id = ? AND note LIKE ?", SQL_NTS),
       SQL_HANDLE_STMT, st);
    expect_param(st, 1, SQL_WVARCHAR, 40, 0, SQL_NULLABLE, "UPDATE");
    expect_param(st, 2, SQL_TYPE_TIMESTAMP, 27, 7, SQL_NULLABLE, "UPDATE");
    expect_param(st, 3, SQL_INTEGER, 10, 0, SQL_NO_NULLS, "UPDATE");
    expect_param(st, 4, SQL_WLONGVARCHAR, 0, 0, SQL_NULLABLE, "UPDATE");
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT ? || '!', ? + 1", SQL_NTS), SQL_HANDLE_STMT, st);
    expect_param(st, 1, SQL_WLONGVARCHAR, 0, 0, SQL_NULLABLE_UNKNOWN, "expression");
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT count(*) FROM WorkItems WHERE Id = ?", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLSMALLINT t = -1;
    OK(SQLDescribeParam(st, 1, &t, NULL, NULL, NULL), SQL_HANDLE_STMT, st);
    CHECK(t == SQL_INTEGER || t == SQL_BIGINT, "WorkItems.Id parameter type %d", t);
    /* describing does not disturb the prepared statement */
    SQLINTEGER id = -1;
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &id, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    SQLHSTMT st2 = new_stmt(dbc);
    expect_state(SQLDescribeParam(st2, 1, NULL, NULL, NULL, NULL), SQL_HANDLE_STMT, st2, "HY010",
                 "nothing prepared");
    SQLFreeHandle(SQL_HANDLE_STMT, st2);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* The descriptor fields behind the array attributes, and SQL_C_NUMERIC the way pyodbc binds a Decimal. */
static void test_param_descriptors(SQLHDBC dbc)
{
    start("APD/IPD fields for parameter arrays; SQL_C_NUMERIC through the APD");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, zarr_ddl), SQL_HANDLE_STMT, st);
    SQLHDESC apd = NULL, ipd = NULL;
    OK(SQLGetStmtAttr(st, SQL_ATTR_APP_PARAM_DESC, &apd, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLGetStmtAttr(st, SQL_ATTR_IMP_PARAM_DESC, &ipd, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLSetDescField(apd, 0, SQL_DESC_ARRAY_SIZE, (SQLPOINTER)3, 0), SQL_HANDLE_DESC, apd);
    SQLULEN v = 0;
    OK(SQLGetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, &v, 0, NULL), SQL_HANDLE_STMT, st);
    CHECK(v == 3, "APD SQL_DESC_ARRAY_SIZE is PARAMSET_SIZE (%lu)", (unsigned long)v);
    SQLUSMALLINT status[3];
    SQLULEN processed = 0;
    OK(SQLSetDescField(ipd, 0, SQL_DESC_ARRAY_STATUS_PTR, status, 0), SQL_HANDLE_DESC, ipd);
    OK(SQLSetDescField(ipd, 0, SQL_DESC_ROWS_PROCESSED_PTR, &processed, 0), SQL_HANDLE_DESC, ipd);
    SQLPOINTER p = NULL;
    OK(SQLGetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, &p, 0, NULL), SQL_HANDLE_STMT, st);
    CHECK(p == status, "IPD SQL_DESC_ARRAY_STATUS_PTR is PARAM_STATUS_PTR");
    OK(SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)24, 0), SQL_HANDLE_STMT, st);
    SQLINTEGER bt = 0;
    OK(SQLGetDescField(apd, 0, SQL_DESC_BIND_TYPE, &bt, 0, NULL), SQL_HANDLE_DESC, apd);
    CHECK(bt == 24, "APD SQL_DESC_BIND_TYPE reads PARAM_BIND_TYPE (%d)", (int)bt);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);

    /* pyodbc: SQLBindParameter(SQL_C_NUMERIC), then TYPE, PRECISION, SCALE, DATA_PTR on the APD */
    OK(SQLPrepare(st, (SQLCHAR *)"INSERT INTO zarr (id, pts) VALUES (?, ?)", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLINTEGER ids[3] = {1, 2, 3};
    SQL_NUMERIC_STRUCT num[3];
    SQLLEN num_ind[3] = {sizeof num[0], sizeof num[0], sizeof num[0]};
    memset(num, 0, sizeof num);
    unsigned vals[3] = {12345, 50, 7}; /* scale 2: 123.45, 0.50, 0.07 */
    for (int i = 0; i < 3; i++) {
        num[i].precision = 10;
        num[i].scale = 2;
        num[i].sign = 1;
        num[i].val[0] = (SQLCHAR)(vals[i] & 0xff);
        num[i].val[1] = (SQLCHAR)(vals[i] >> 8);
    }
    num[2].sign = 0; /* -0.07: the CHECK fails for this one */
    OK(SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, ids, 0, NULL), SQL_HANDLE_STMT, st);
    OK(SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_NUMERIC, SQL_DOUBLE, 10, 2, num, sizeof num[0], num_ind),
       SQL_HANDLE_STMT, st);
    OK(SQLSetDescField(apd, 2, SQL_DESC_TYPE, (SQLPOINTER)SQL_C_NUMERIC, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 2, SQL_DESC_PRECISION, (SQLPOINTER)10, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 2, SQL_DESC_SCALE, (SQLPOINTER)2, 0), SQL_HANDLE_DESC, apd);
    OK(SQLSetDescField(apd, 2, SQL_DESC_DATA_PTR, num, 0), SQL_HANDLE_DESC, apd);
    SQLRETURN rc = SQLExecute(st);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "NUMERIC array: rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
    CHECK(status[0] == SQL_PARAM_SUCCESS && status[1] == SQL_PARAM_SUCCESS && status[2] == SQL_PARAM_ERROR,
          "statuses through the IPD pointer: %u %u %u", status[0], status[1], status[2]);
    CHECK(processed == 3, "processed through the IPD pointer: %lu", (unsigned long)processed);
    char t[64];
    text_of(dbc, "SELECT group_concat(pts, ',') FROM (SELECT pts FROM zarr ORDER BY id)", t, sizeof t);
    CHECK(strcmp(t, "123.45,0.5") == 0, "NUMERIC values '%s'", t);
    SQLSMALLINT ct = 0;
    OK(SQLGetDescField(apd, 2, SQL_DESC_CONCISE_TYPE, &ct, 0, NULL), SQL_HANDLE_DESC, apd);
    CHECK(ct == SQL_C_NUMERIC, "APD record type %d", ct);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)1, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, NULL, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, NULL, 0);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    OK(exec(st, "DROP TABLE zarr"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_workitems(SQLHDBC dbc)
{
    start("WorkItems and the catalog");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, "SELECT Id, Title, ChangedDate FROM WorkItems ORDER BY Id LIMIT 3"), SQL_HANDLE_STMT, st);
    SQLSMALLINT type;
    SQLULEN size;
    OK(SQLDescribeCol(st, 1, NULL, 0, NULL, &type, &size, NULL, NULL), SQL_HANDLE_STMT, st);
    CHECK(type == SQL_INTEGER || type == SQL_BIGINT, "Id type %d", type);
    OK(SQLDescribeCol(st, 2, NULL, 0, NULL, &type, &size, NULL, NULL), SQL_HANDLE_STMT, st);
    CHECK(type == SQL_WVARCHAR || type == SQL_WLONGVARCHAR, "Title type %d", type);
    OK(SQLDescribeCol(st, 3, NULL, 0, NULL, &type, &size, NULL, NULL), SQL_HANDLE_STMT, st);
    CHECK(type == SQL_TYPE_TIMESTAMP && size == 27, "ChangedDate type %d size %lu", type, (unsigned long)size);
    char tname[64];
    SQLSMALLINT tl;
    OK(SQLColAttribute(st, 2, SQL_DESC_BASE_TABLE_NAME, tname, sizeof tname, &tl, NULL), SQL_HANDLE_STMT, st);
    CHECK(strcmp(tname, "WorkItems") == 0, "BASE_TABLE_NAME '%s'", tname);
    int n = 0;
    SQLRETURN rc;
    while ((rc = SQLFetch(st)) == SQL_SUCCESS) {
        SQL_TIMESTAMP_STRUCT ts;
        SQLLEN ind;
        rc = SQLGetData(st, 3, SQL_C_DEFAULT, &ts, sizeof ts, &ind); /* DEFAULT = TYPE_TIMESTAMP */
        CHECK(rc == SQL_SUCCESS && (ind == SQL_NULL_DATA || (ts.year > 1990 && ts.month >= 1)),
              "ChangedDate as SQL_C_DEFAULT rc=%d %s", (int)rc, why(SQL_HANDLE_STMT, st));
        n++;
    }
    CHECK(rc == SQL_NO_DATA && n >= 1, "%d work items, rc=%d", n, (int)rc);
    SQLFreeStmt(st, SQL_CLOSE);

    /* SQLTables: NULL arguments mean all; NULL (not '') catalog and schema */
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st);
    SQLSMALLINT ncols = 0;
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 5, "SQLTables has 5 columns");
    const char *tcols[] = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"};
    for (SQLUSMALLINT c = 1; c <= 5; c++) {
        char name[64];
        SQLDescribeCol(st, c, (SQLCHAR *)name, sizeof name, NULL, NULL, NULL, NULL, NULL);
        CHECK(strcmp(name, tcols[c - 1]) == 0, "SQLTables column %u is %s", c, name);
    }
    int found = 0;
    while (SQLFetch(st) == SQL_SUCCESS) {
        char name[128], ttype[32];
        SQLLEN cat_ind, ind;
        SQLGetData(st, 1, SQL_C_CHAR, name, sizeof name, &cat_ind);
        CHECK(cat_ind == SQL_NULL_DATA, "TABLE_CAT is NULL");
        SQLGetData(st, 3, SQL_C_CHAR, name, sizeof name, &ind);
        SQLGetData(st, 4, SQL_C_CHAR, ttype, sizeof ttype, &ind);
        if (strcmp(name, "WorkItems") == 0 && strcmp(ttype, "TABLE") == 0)
            found = 1;
    }
    CHECK(found, "SQLTables lists WorkItems");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLTables(st, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, (SQLCHAR *)"%", SQL_NTS),
       SQL_HANDLE_STMT, st);
    int types = 0;
    while (SQLFetch(st) == SQL_SUCCESS)
        types++;
    CHECK(types == 3, "table types (TABLE, VIEW, LOCAL TEMPORARY): %d", types);
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLTables(st, (SQLCHAR *)"%", SQL_NTS, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "no catalogs");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"Work%", SQL_NTS, (SQLCHAR *)"'TABLE'", SQL_NTS),
       SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_SUCCESS, "pattern Work%% finds a table");
    SQLFreeStmt(st, SQL_CLOSE);

    /* SQLColumns agrees with SQLDescribeCol */
    OK(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 18, "SQLColumns has 18 columns");
    char c18[64];
    SQLDescribeCol(st, 18, (SQLCHAR *)c18, sizeof c18, NULL, NULL, NULL, NULL, NULL);
    CHECK(strcmp(c18, "IS_NULLABLE") == 0, "column 18 is %s", c18);
    SQLDescribeCol(st, 5, NULL, 0, NULL, &type, NULL, NULL, NULL);
    CHECK(type == SQL_SMALLINT, "DATA_TYPE is SMALLINT (%d)", type);
    struct {
        char name[128];
        SQLSMALLINT type;
        SQLINTEGER size;
    } cols[400];
    int ncol = 0;
    while (SQLFetch(st) == SQL_SUCCESS && ncol < 400) {
        SQLLEN ind;
        SQLINTEGER ord = 0;
        SQLGetData(st, 4, SQL_C_CHAR, cols[ncol].name, sizeof cols[ncol].name, &ind);
        SQLGetData(st, 5, SQL_C_SSHORT, &cols[ncol].type, 0, &ind);
        SQLGetData(st, 7, SQL_C_SLONG, &cols[ncol].size, 0, &ind);
        SQLGetData(st, 17, SQL_C_SLONG, &ord, 0, &ind);
        CHECK(ord == ncol + 1, "ORDINAL_POSITION %d for %s", (int)ord, cols[ncol].name);
        ncol++;
    }
    CHECK(ncol > 5 && strcmp(cols[0].name, "Id") == 0, "%d columns, first %s", ncol, ncol ? cols[0].name : "");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(exec(st, "SELECT * FROM WorkItems LIMIT 0"), SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == ncol, "SELECT * has %d columns, SQLColumns %d", ncols, ncol);
    int agree = 1;
    for (int c = 0; c < ncols && c < ncol; c++) {
        char name[128];
        SQLSMALLINT t;
        SQLULEN sz;
        SQLDescribeCol(st, (SQLUSMALLINT)(c + 1), (SQLCHAR *)name, sizeof name, NULL, &t, &sz, NULL, NULL);
        if (strcmp(name, cols[c].name) || t != cols[c].type || (SQLINTEGER)sz != cols[c].size) {
            agree = 0;
            fprintf(stderr, "  %s: describe %d/%lu, SQLColumns %s %d/%d\n", name, t, (unsigned long)sz,
                    cols[c].name, cols[c].type, (int)cols[c].size);
        }
    }
    CHECK(agree, "SQLDescribeCol and SQLColumns agree on every WorkItems column");
    SQLFreeStmt(st, SQL_CLOSE);

    /* SQLGetTypeInfo: 19 ODBC 3 columns, sorted, wide types present */
    OK(SQLGetTypeInfo(st, SQL_ALL_TYPES), SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 19, "SQLGetTypeInfo has %d columns", ncols);
    char n3[64];
    SQLDescribeCol(st, 3, (SQLCHAR *)n3, sizeof n3, NULL, &type, NULL, NULL, NULL);
    CHECK(strcmp(n3, "COLUMN_SIZE") == 0 && type == SQL_INTEGER, "column 3 %s type %d", n3, type);
    SQLSMALLINT last = -32768;
    int sorted = 1, wv = 0, wl = 0, tsr = 0, rowsn = 0;
    while (SQLFetch(st) == SQL_SUCCESS) {
        SQLSMALLINT dt;
        SQLLEN ind;
        SQLGetData(st, 2, SQL_C_SSHORT, &dt, 0, &ind);
        sorted &= dt >= last;
        last = dt;
        wv |= dt == SQL_WVARCHAR;
        wl |= dt == SQL_WLONGVARCHAR;
        tsr |= dt == SQL_TYPE_TIMESTAMP;
        rowsn++;
    }
    CHECK(sorted && wv && wl && tsr && rowsn >= 7, "type rows: %d sorted=%d", rowsn, sorted);
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLGetTypeInfo(st, SQL_WVARCHAR), SQL_HANDLE_STMT, st);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLINTEGER cs = 0; /* pyodbc reads COLUMN_SIZE as SQL_C_LONG */
    SQLGetData(st, 3, SQL_C_LONG, &cs, 0, NULL);
    CHECK(cs == 65535, "WVARCHAR COLUMN_SIZE %d", (int)cs);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "one WVARCHAR row");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLGetTypeInfo(st, SQL_GUID), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "no GUID type, shaped result");
    SQLFreeStmt(st, SQL_CLOSE);

    /* correctly shaped catalog results (test_odbc_catalog.c checks their rows) */
    OK(SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 6 && SQLFetch(st) == SQL_SUCCESS && SQLFetch(st) == SQL_NO_DATA, "SQLPrimaryKeys: one key column");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLStatistics(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, SQL_INDEX_ALL, SQL_QUICK),
       SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 13, "SQLStatistics shape");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLForeignKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0, NULL, 0, NULL, 0),
       SQL_HANDLE_STMT, st);
    SQLNumResultCols(st, &ncols);
    CHECK(ncols == 14, "SQLForeignKeys shape");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_wide(void)
{
    start("W functions (Unicode application)");
    SQLHDBC dbc = new_dbc();
    char cs[1024];
    SQLWCHAR wcs[1024], wout[1024];
    SQLSMALLINT outlen = 0;
    snprintf(cs, sizeof cs, "DSN=%s", dsn);
    w_from(cs, wcs, 1024);
    SQLRETURN rc = SQLDriverConnectW(dbc, NULL, wcs, SQL_NTS, wout, 1024, &outlen, SQL_DRIVER_NOPROMPT);
    OK(rc, SQL_HANDLE_DBC, dbc);
    if (!SQL_SUCCEEDED(rc)) {
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return;
    }
    CHECK(outlen > 4 && wout[0] == 'D' && wout[outlen] == 0, "W out string in characters (%d)", outlen);
    SQLWCHAR winfo[64];
    SQLSMALLINT il = 0;
    rc = SQLGetInfoW(dbc, SQL_DBMS_NAME, winfo, sizeof winfo, &il);
    CHECK(SQL_SUCCEEDED(rc) && w_eq_ascii(winfo, "Azure DevOps") && il == 24, "SQLGetInfoW bytes %d", il);

    SQLHSTMT st = new_stmt(dbc);
    SQLWCHAR sql[256];
    w_from("SELECT 'Zo\xc3\xab \xf0\x9f\x98\x80' AS \"n\xc3\xa4me\"", sql, 256);
    rc = SQLExecDirectW(st, sql, SQL_NTS);
    OK(rc, SQL_HANDLE_STMT, st);
    SQLWCHAR name[16];
    SQLSMALLINT nl = 0, type = 0;
    SQLULEN size = 0;
    rc = SQLDescribeColW(st, 1, name, 16, &nl, &type, &size, NULL, NULL);
    CHECK(SQL_SUCCEEDED(rc) && nl == 4 && name[1] == 0xE4 && type == SQL_WVARCHAR, "SQLDescribeColW nl=%d type=%d",
          nl, type);
    SQLWCHAR lbl[16];
    SQLSMALLINT ll = 0;
    rc = SQLColAttributeW(st, 1, SQL_DESC_LABEL, lbl, sizeof lbl, &ll, NULL);
    CHECK(SQL_SUCCEEDED(rc) && ll == 8 && lbl[1] == 0xE4, "SQLColAttributeW bytes %d", ll);
    OK(SQLFetch(st), SQL_HANDLE_STMT, st);
    SQLWCHAR val[16];
    SQLLEN ind = 0;
    rc = SQLGetData(st, 1, SQL_C_WCHAR, val, sizeof val, &ind);
    CHECK(SQL_SUCCEEDED(rc) && ind == 12 && val[4] == 0xD83D && val[5] == 0xDE00, "emoji round trip");
    SQLFreeStmt(st, SQL_CLOSE);

    /* errors through SQLGetDiagRecW, buffer in characters */
    w_from("SELECT * FROM NoSuchTable", sql, 256);
    rc = SQLExecDirectW(st, sql, SQL_NTS);
    SQLWCHAR wst[6], wmsg[64];
    SQLINTEGER native;
    SQLSMALLINT ml = 0;
    SQLRETURN drc = SQLGetDiagRecW(SQL_HANDLE_STMT, st, 1, wst, &native, wmsg, 64, &ml);
    CHECK(rc == SQL_ERROR && SQL_SUCCEEDED(drc) && w_eq_ascii(wst, "42S02") && ml > 20,
          "SQLGetDiagRecW rc=%d drc=%d ml=%d", (int)rc, (int)drc, ml);
    w_from("SELECT Id FROM WorkItems WHERE Id < 0", sql, 256);
    OK(SQLPrepareW(st, sql, SQL_NTS), SQL_HANDLE_STMT, st);
    OK(SQLExecute(st), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_NO_DATA, "empty result");
    SQLFreeStmt(st, SQL_CLOSE);

    /* catalog through W (the DM routes A calls to W after a W connect) */
    SQLWCHAR wt[32];
    w_from("WorkItems", wt, 32);
    OK(SQLTablesW(st, NULL, 0, NULL, 0, wt, SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_SUCCESS, "SQLTablesW finds WorkItems");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLColumnsW(st, NULL, 0, NULL, 0, wt, SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_SUCCESS, "SQLColumnsW lists columns");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(SQLFetch(st) == SQL_SUCCESS, "A SQLTables after a W connect");
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLGetTypeInfoW(st, SQL_ALL_TYPES), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    drop(dbc);
}

static SQLHSTMT cancel_target;

static void *canceller(void *arg)
{
    (void)arg;
    struct timespec t = {0, 300 * 1000 * 1000};
    nanosleep(&t, NULL);
    SQLCancel(cancel_target);
    return NULL;
}

static void test_cancel_and_timeout(SQLHDBC dbc)
{
    start("SQLCancel and the query timeout");
    const char *slow = "WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
                       "SELECT count(*) FROM c";
    SQLHSTMT st = new_stmt(dbc);
    cancel_target = st;
    pthread_t th;
    pthread_create(&th, NULL, canceller, NULL);
    SQLRETURN rc = exec(st, slow);
    pthread_join(th, NULL);
    expect_state(rc, SQL_HANDLE_STMT, st, "HY008", "cancelled from another thread");
    OK(exec(st, "SELECT 1"), SQL_HANDLE_STMT, st); /* the connection still works */
    SQLFreeStmt(st, SQL_CLOSE);
    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)1, 0), SQL_HANDLE_STMT, st);
    rc = exec(st, slow);
    expect_state(rc, SQL_HANDLE_STMT, st, "HYT00", "query timeout");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/*
 * SQLCancel and SQL_ATTR_QUERY_TIMEOUT while an HTTP request is in flight:
 * the emulator holds every WIQL answer for 5 s; the cancel (after 0.3 s) and
 * a 1-second query timeout must both end the statement long before that.
 */
static void test_cancel_and_timeout_in_flight(SQLHDBC dbc)
{
    start("SQLCancel and the query timeout during a slow HTTP request");
    if (!emu_fault("{\"path\":\"/wit/wiql\",\"every\":1,\"action\":\"slow\",\"delay_ms\":5000}")) {
        printf("# SKIP: the emulator's fault endpoint is not available\n");
        return;
    }
    const char *q = "SELECT count(*) FROM WorkItems WHERE State <> 'No such state'";
    SQLHSTMT st = new_stmt(dbc);
    cancel_target = st;
    pthread_t th;
    double t0 = mono_s();
    pthread_create(&th, NULL, canceller, NULL);
    SQLRETURN rc = exec(st, q);
    double took = mono_s() - t0;
    pthread_join(th, NULL);
    expect_state(rc, SQL_HANDLE_STMT, st, "HY008", "cancelled during the request");
    CHECK(took < 2.5, "the cancel took %.2f s (the request alone takes 5 s)", took);
    printf("#   cancel: %.2f s, %s\n", took, why(SQL_HANDLE_STMT, st));
    SQLFreeStmt(st, SQL_CLOSE);

    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)1, 0), SQL_HANDLE_STMT, st);
    t0 = mono_s();
    rc = exec(st, q);
    took = mono_s() - t0;
    expect_state(rc, SQL_HANDLE_STMT, st, "HYT00", "query timeout during the request");
    CHECK(took >= 0.9 && took < 3.0, "the timeout took %.2f s, want about 1", took);
    printf("#   query timeout: %.2f s, %s\n", took, why(SQL_HANDLE_STMT, st));
    SQLFreeStmt(st, SQL_CLOSE);

    /* without the fault the same statement and the connection work again */
    emu_clear_faults();
    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)30, 0), SQL_HANDLE_STMT, st);
    rc = exec(st, q);
    OK(rc, SQL_HANDLE_STMT, st);
    if (SQL_SUCCEEDED(rc))
        CHECK(SQLFetch(st) == SQL_SUCCESS, "count(*) row after the faults");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* Connects to the DSN with SQL_ATTR_LOGIN_TIMEOUT, or with a connection string. */
static SQLRETURN connect_cs(SQLHDBC dbc, const char *cs, char *out, SQLSMALLINT outcap)
{
    SQLSMALLINT outlen = 0;
    return SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, (SQLCHAR *)out, outcap, &outlen,
                            SQL_DRIVER_NOPROMPT);
}

static void test_connect_faults(void)
{
    start("connect: login timeout, and each failure of the first request");
    if (!emu_fault("{\"path\":\"/_apis/projects\",\"every\":1,\"action\":\"slow\",\"delay_ms\":5000}")) {
        printf("# SKIP: the emulator's fault endpoint is not available\n");
        return;
    }
    SQLHDBC dbc = new_dbc();
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)1, 0), SQL_HANDLE_DBC, dbc);
    double t0 = mono_s();
    SQLRETURN rc = SQLConnect(dbc, (SQLCHAR *)dsn, SQL_NTS, NULL, 0, NULL, 0);
    double took = mono_s() - t0;
    expect_state(rc, SQL_HANDLE_DBC, dbc, "HYT00", "login timeout");
    CHECK(took >= 0.9 && took < 3.0, "the login timeout took %.2f s, want about 1", took);
    printf("#   login timeout: %.2f s, %s\n", took, why(SQL_HANDLE_DBC, dbc));
    if (SQL_SUCCEEDED(rc))
        SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* every failure of the first request, without retries: the connect table */
    static const struct {
        const char *action, *state, *fragment;
    } faults[] = {
        {"forbidden403", "28000", "403"},          /* valid credentials lacking a permission */
        {"expired401", "28000", "expired"},
        {"html203", "28000", ""},
        {"aad_unmaterialized", "28000", "materialized"},
        {"bad_api_version", "08001", "6.0"},       /* a setting the service refuses */
        {"429", "08001", "429"},                   /* throttled beyond the retries */
        {"503", "08001", "503"},
        {"500", "08001", "500"},
        {"reset", "08001", ""},                    /* nothing was established yet */
        {"truncate", "08001", ""},
        {"malformed", "08001", ""},
    };
    char cs[1024];
    snprintf(cs, sizeof cs, "DSN=%s;RetryCountMax=0", dsn);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        char rule[256];
        snprintf(rule, sizeof rule, "{\"path\":\"/_apis/projects\",\"every\":1,\"action\":\"%s\"}",
                 faults[i].action);
        if (!emu_fault(rule)) {
            CHECK(0, "the emulator refused the fault %s", faults[i].action);
            continue;
        }
        dbc = new_dbc();
        rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
        char st[6], msg[1024];
        diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st, faults[i].state) == 0 && strstr(msg, faults[i].fragment),
              "fault %s at connect: rc=%d %s %s (want %s)", faults[i].action, (int)rc, st, msg, faults[i].state);
        CHECK(!strstr(msg, pat), "fault %s: the PAT in the message", faults[i].action);
        if (SQL_SUCCEEDED(rc))
            SQLDisconnect(dbc);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
    emu_clear_faults();

    /* the fault is gone: connecting works again */
    dbc = connect_dsn();
    CHECK(dbc != SQL_NULL_HDBC, "connect after the faults");
    if (dbc)
        drop(dbc);
}

static int has(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

/*
 * The new keys through the real driver manager: DSN secrets never in the out
 * string, the application's own secrets only; a value too long for odbc.ini;
 * CAFile checks; AuthScheme errors; no secret in any message.
 */
static void test_auth_keys(void)
{
    start("authentication, retry, network and trace keys");
    char sect[8192], cs[8192], out[8192];
    SQLRETURN rc;
    SQLHDBC dbc;
    const char *secrets[] = {"dsn-access-token-S3", "dsn-client-secret-S3", "dsn-refresh-token-S3",
                             "app-client-secret-S3"};

    snprintf(sect, sizeof sect,
             "[AzDOSecrets]\nDriver=%s\nUrl=%s\nPWD=%s\n%s%s%sAccessToken=%s\nClientSecret=%s\n"
             "RefreshToken=%s\nTenantId=fabrikam.onmicrosoft.com\nClientId=dsn-client\nRetryCountMax=3\n"
             "RetryStatusCodeList=429, 503\n",
             drv_name, url, pat, project[0] ? "Project=" : "", project, project[0] ? "\n" : "", secrets[0],
             secrets[1], secrets[2]);
    if (!add_dsn_section(sect)) {
        printf("# SKIP: cannot extend the sandbox odbc.ini\n");
        return;
    }

    /* every key from the DSN: no secret is repeated, the other keys are */
    dbc = new_dbc();
    rc = connect_cs(dbc, "DSN=AzDOSecrets", out, sizeof out);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(has(out, "TenantId=fabrikam.onmicrosoft.com;") && has(out, "ClientId=dsn-client;") &&
              has(out, "RetryCountMax=3;") && has(out, "RetryStatusCodeList=429,503;"),
          "non-secret DSN keys in '%s'", out);
    for (int i = 0; i < 3; i++)
        CHECK(!has(out, secrets[i]), "DSN secret %d in the out string '%s'", i, out);
    CHECK(!has(out, pat) && !has(out, "PWD="), "DSN PAT in the out string");
    if (SQL_SUCCEEDED(rc))
        SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* the application's own ClientSecret is repeated; an empty AccessToken means the DSN's */
    dbc = new_dbc();
    snprintf(cs, sizeof cs, "DSN=AzDOSecrets;ClientSecret={%s};AccessToken=", secrets[3]);
    rc = connect_cs(dbc, cs, out, sizeof out);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(has(out, "ClientSecret=app-client-secret-S3;") && !has(out, secrets[1]) && !has(out, secrets[0]) &&
              !has(out, "AccessToken"),
          "application secret only in '%s'", out);
    if (SQL_SUCCEEDED(rc))
        SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* empty DSN values: "not set" (the default) for most keys, "none" for the retry list */
    snprintf(sect, sizeof sect, "[AzDOEmptyValues]\nDriver=%s\nUrl=%s\nPWD=%s\nTimeout=\nAuthScheme=\n"
             "TraceLevel=\nRetryStatusCodeList=\n", drv_name, url, pat);
    add_dsn_section(sect);
    dbc = new_dbc();
    rc = connect_cs(dbc, "DSN=AzDOEmptyValues", out, sizeof out);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(has(out, "Timeout=100;") && has(out, "RetryStatusCodeList=;") && !has(out, "AuthScheme") &&
              !has(out, "TraceLevel"),
          "empty DSN values: '%s'", out);
    if (SQL_SUCCEEDED(rc))
        SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* a 3000-character token in the connection string reaches the driver whole */
    static char longtok[3001];
    for (int i = 0; i < 3000; i++)
        longtok[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i % 64];
    longtok[3000] = '\0';
    dbc = new_dbc();
    snprintf(cs, sizeof cs, "DRIVER={%s};Url=%s;PWD=%s;AccessToken=%s", drv_name, url, pat, longtok);
    rc = connect_cs(dbc, cs, out, sizeof out);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(has(out, longtok), "the 3000-character AccessToken came back whole (out string %zu bytes)", strlen(out));
    if (SQL_SUCCEEDED(rc))
        SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* ... but odbc.ini cuts it: refused with a message, never sent half */
    snprintf(sect, sizeof sect, "[AzDOLongToken]\nDriver=%s\nUrl=%s\nAuthScheme=Bearer\nAccessToken=%s\n",
             drv_name, url, longtok);
    add_dsn_section(sect);
    dbc = new_dbc();
    rc = connect_cs(dbc, "DSN=AzDOLongToken", out, sizeof out);
    char st[6], msg[1024];
    diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
    CHECK(rc == SQL_ERROR && strcmp(st, "08001") == 0 && has(msg, "AccessToken in DSN 'AzDOLongToken' is too long") &&
              has(msg, "connection string"),
          "long DSN token: rc=%d %s %s", (int)rc, st, msg);
    CHECK(!has(msg, longtok + 2900), "the token is not quoted");
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);

    /* configuration errors: 08001 for bad values, 28000 for missing credentials */
    struct {
        const char *tail;
        const char *state, *fragment;
    } cases[] = {
        {"AuthScheme=Kerberos", "08001", "AuthScheme: 'Kerberos'"},
        {"AuthScheme=Bearer;AccessToken=", "28000", "AuthScheme=Bearer needs AccessToken"},
        {"AuthScheme=EntraClientCredentials;ClientId=", "28000", "missing: ClientId, TenantId;"},
        {"AuthScheme=OAuthRefresh;ClientId=c", "28000", "missing: RefreshToken"},
        {"RetryCountMax=21", "08001", "RetryCountMax: '21' is not valid"},
        {"RetryStatusCodeList=200", "08001", "RetryStatusCodeList: '200'"},
        {"RetryMultiplyWaitTime=maybe", "08001", "RetryMultiplyWaitTime"},
        {"RetryMaxWaitSeconds=-5", "08001", "RetryMaxWaitSeconds"},
        {"TraceLevel=7", "08001", "TraceLevel"},
        {"Proxy=http://u:app-client-secret-S3@proxy:3128", "08001", "https_proxy"},
        {"TenantId=a/b", "08001", "TenantId"},
        {"TokenUrl=http://login.example.com/t", "08001", "TokenUrl: plain http://"},
        {"CAFile=/nonexistent/azdo-ca.pem", "08001", "CAFile: cannot read '/nonexistent/azdo-ca.pem'"},
        {"CAFile=/", "08001", "is not a regular file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dbc = new_dbc();
        /* DSN-less, so that no DSN fills the keys a case leaves out */
        snprintf(cs, sizeof cs, "%s;DRIVER={%s};Url=%s;PWD=%s;ClientSecret=%s", cases[i].tail, drv_name, url,
                 pat, secrets[3]);
        rc = connect_cs(dbc, cs, out, sizeof out);
        diag(SQL_HANDLE_DBC, dbc, st, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st, cases[i].state) == 0 && has(msg, cases[i].fragment),
              "%s: rc=%d %s %s", cases[i].tail, (int)rc, st, msg);
        for (int k = 0; k < 4; k++)
            CHECK(!has(msg, secrets[k]), "%s: a secret in '%s'", cases[i].tail, msg);
        CHECK(!has(msg, pat), "%s: the PAT in the message", cases[i].tail);
        if (SQL_SUCCEEDED(rc))
            SQLDisconnect(dbc);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }

    /* TraceFile: the trace is written and holds no secret */
    char trace[1024];
    const char *sysini = getenv("ODBCSYSINI");
    snprintf(trace, sizeof trace, "%s/azdo-trace.log", sysini ? sysini : "/tmp");
    unlink(trace);
    dbc = new_dbc();
    snprintf(cs, sizeof cs, "DSN=AzDOSecrets;PWD=%s;TraceFile={%s};TraceLevel=2", pat, trace);
    rc = connect_cs(dbc, cs, out, sizeof out);
    OK(rc, SQL_HANDLE_DBC, dbc);
    CHECK(has(out, "TraceLevel=2;") && has(out, "TraceFile="), "trace keys in '%s'", out);
    if (SQL_SUCCEEDED(rc)) {
        SQLHSTMT q = new_stmt(dbc);
        OK(exec(q, "SELECT count(*) FROM WorkItems"), SQL_HANDLE_STMT, q);
        SQLFreeHandle(SQL_HANDLE_STMT, q);
        SQLDisconnect(dbc);
    }
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    FILE *f = fopen(trace, "r");
    static char tbuf[1 << 16];
    size_t tn = f ? fread(tbuf, 1, sizeof tbuf - 1, f) : 0;
    tbuf[tn] = '\0';
    if (f)
        fclose(f);
    CHECK(tn > 0, "the trace file %s was written", trace);
    CHECK(!has(tbuf, pat), "the PAT in the trace");
    for (int k = 0; k < 4; k++)
        CHECK(!has(tbuf, secrets[k]), "secret %d in the trace", k);
    unlink(trace);
}

static void test_disconnect_with_statements(void)
{
    start("disconnect with statements allocated");
    SQLHDBC dbc = connect_dsn();
    if (!dbc)
        return;
    SQLHSTMT a = new_stmt(dbc), b = new_stmt(dbc);
    OK(exec(a, "SELECT 1 UNION ALL SELECT 2"), SQL_HANDLE_STMT, a);
    OK(SQLFetch(a), SQL_HANDLE_STMT, a);
    OK(SQLPrepare(b, (SQLCHAR *)"SELECT ?", SQL_NTS), SQL_HANDLE_STMT, b);
    SQLRETURN rc = SQLDisconnect(dbc);
    OK(rc, SQL_HANDLE_DBC, dbc);
    /* the DM treats the statements as freed; connecting again works */
    rc = SQLConnect(dbc, (SQLCHAR *)dsn, SQL_NTS, NULL, 0, NULL, 0);
    OK(rc, SQL_HANDLE_DBC, dbc);
    SQLHSTMT c = new_stmt(dbc);
    OK(exec(c, "SELECT 3"), SQL_HANDLE_STMT, c);
    SQLFreeHandle(SQL_HANDLE_STMT, c);
    drop(dbc);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int own = setup_sandbox();
    if (own < 0) {
        fprintf(stderr, "cannot write the sandbox\n");
        return 99;
    }
    printf("# DSN %s (%s sandbox), driver %s\n", dsn, own ? "own" : "given", drv_name);
    if (SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env) != SQL_SUCCESS)
        return 99;
    SQLRETURN rc = SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3_80, 0);
    if (!SQL_SUCCEEDED(rc)) {
        fprintf(stderr, "ODBC 3.80 refused\n");
        return 1;
    }
    SQLHDBC dbc = connect_dsn();
    if (!dbc) {
        if (own) {
            printf("# SKIP: no backend behind %s (set AZDO_TEST_DSN or run via make check)\n", url);
            return 77;
        }
        return 1;
    }
    test_info(dbc);
    test_connect_attrs(dbc);
    test_types_and_getdata(dbc);
    test_row_counts(dbc);
    test_long_text(dbc);
    test_block_cursor(dbc);
    test_errors(dbc);
    test_params(dbc);
    test_array_rowwise_pyodbc(dbc);
    test_array_columnwise(dbc);
    test_array_partial_failure(dbc);
    test_array_partial_error_mode();
    test_array_summary_limits(dbc);
    test_data_at_exec(dbc);
    test_describe_param(dbc);
    test_param_descriptors(dbc);
    test_workitems(dbc);
    test_cancel_and_timeout(dbc);
    test_array_stops(dbc);
    test_cancel_and_timeout_in_flight(dbc);
    drop(dbc);
    test_connect_faults();
    test_auth_keys();
    test_connect_errors();
    test_driver_connect();
    test_wide();
    test_disconnect_with_statements();
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    printf("# %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
