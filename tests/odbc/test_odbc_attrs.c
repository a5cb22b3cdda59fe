/*
 * test_odbc_attrs.c — connection and statement attributes through the real
 * unixODBC driver manager: AUTOCOMMIT both ways with SQLEndTran, the
 * timeouts, SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY refusing writes (25000)
 * and allowing them again, CURRENT_CATALOG, cursor attributes substituted
 * with 01S02 and read back, MAX_ROWS, NOSCAN, unknown attributes (HY092),
 * and ODBC 3.80.
 */
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odbc_harness.h"

static SQLUINTEGER conn_uint(SQLHDBC dbc, SQLINTEGER attr)
{
    SQLUINTEGER v = 0xdeadbeef;
    OK(SQLGetConnectAttr(dbc, attr, &v, sizeof v, NULL), SQL_HANDLE_DBC, dbc);
    return v;
}

static SQLULEN stmt_ulen(SQLHSTMT st, SQLINTEGER attr)
{
    SQLULEN v = 0xdeadbeef;
    OK(SQLGetStmtAttr(st, attr, &v, 0, NULL), SQL_HANDLE_STMT, st);
    return v;
}

static long count_rows(SQLHSTMT st, const char *sql)
{
    long n = 0;
    SQLRETURN rc = exec(st, sql);
    OK(rc, SQL_HANDLE_STMT, st);
    while (SQL_SUCCEEDED(SQLFetch(st)))
        n++;
    SQLCloseCursor(st);
    return n;
}

static void test_environment(void)
{
    start("environment: ODBC 3.80");
    SQLINTEGER v = 0;
    OK(SQLGetEnvAttr(env, SQL_ATTR_ODBC_VERSION, &v, 0, NULL), SQL_HANDLE_ENV, env);
    CHECK(v == SQL_OV_ODBC3_80, "ODBC_VERSION reads 3.80 (%d)", (int)v);
}

static void test_transactions(SQLHDBC dbc)
{
    start("AUTOCOMMIT and SQLEndTran");
    SQLHSTMT st = new_stmt(dbc);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_OFF, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_AUTOCOMMIT) == SQL_AUTOCOMMIT_OFF, "AUTOCOMMIT reads back off");
    /* writes are immediate: a rollback does not undo a local write either */
    OK(exec(st, "CREATE TEMP TABLE ztx(v)"), SQL_HANDLE_STMT, st);
    OK(exec(st, "INSERT INTO ztx VALUES (1)"), SQL_HANDLE_STMT, st);
    OK(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_ROLLBACK), SQL_HANDLE_DBC, dbc);
    CHECK(count_rows(st, "SELECT v FROM ztx") == 1, "the row is there after SQL_ROLLBACK");
    OK(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc);
    OK(SQLEndTran(SQL_HANDLE_ENV, env, SQL_COMMIT), SQL_HANDLE_ENV, env);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_ON, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_AUTOCOMMIT) == SQL_AUTOCOMMIT_ON, "AUTOCOMMIT reads back on");
    expect_state(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)7, 0), SQL_HANDLE_DBC, dbc, "HY024",
                 "AUTOCOMMIT 7");
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_TXN_ISOLATION, (SQLPOINTER)SQL_TXN_READ_COMMITTED, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_TXN_ISOLATION) == SQL_TXN_READ_COMMITTED, "TXN_ISOLATION reads back");
    OK(exec(st, "DROP TABLE ztx"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_timeouts(SQLHDBC dbc)
{
    start("LOGIN_TIMEOUT, CONNECTION_TIMEOUT, QUERY_TIMEOUT");
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)17, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_LOGIN_TIMEOUT) == 17, "LOGIN_TIMEOUT reads back");
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_CONNECTION_TIMEOUT, (SQLPOINTER)23, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_CONNECTION_TIMEOUT) == 23, "CONNECTION_TIMEOUT reads back");
    SQLHSTMT st = new_stmt(dbc);
    OK(SQLSetStmtAttr(st, SQL_ATTR_QUERY_TIMEOUT, (SQLPOINTER)1, 0), SQL_HANDLE_STMT, st);
    CHECK(stmt_ulen(st, SQL_ATTR_QUERY_TIMEOUT) == 1, "QUERY_TIMEOUT reads back");
    /* local work longer than a second is stopped with HYT00 */
    SQLRETURN rc = exec(st, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                            "SELECT count(*) FROM n");
    if (SQL_SUCCEEDED(rc))
        rc = SQLFetch(st);
    expect_state(rc, SQL_HANDLE_STMT, st, "HYT00", "QUERY_TIMEOUT stops an endless query");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void test_read_only(SQLHDBC dbc)
{
    start("ACCESS_MODE = SQL_MODE_READ_ONLY");
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, "CREATE TEMP TABLE zro(v)"), SQL_HANDLE_STMT, st);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0), SQL_HANDLE_DBC, dbc);
    CHECK(conn_uint(dbc, SQL_ATTR_ACCESS_MODE) == SQL_MODE_READ_ONLY, "ACCESS_MODE reads back read-only");
    long before = -1;
    {
        SQLINTEGER n = -1;
        SQLLEN ind;
        OK(exec(st, "SELECT count(*) FROM WorkItems"), SQL_HANDLE_STMT, st);
        OK(SQLFetch(st), SQL_HANDLE_STMT, st);
        SQLGetData(st, 1, SQL_C_SLONG, &n, 0, &ind);
        SQLCloseCursor(st);
        before = n;
    }
    CHECK(before > 0, "reads work on a read-only connection (%ld work items)", before);
    const char *writes[] = {
        "INSERT INTO WorkItems (WorkItemType, Title) VALUES ('Task', 'read-only must refuse this')",
        "UPDATE WorkItems SET Title = 'read-only must refuse this' WHERE Id = (SELECT min(Id) FROM WorkItems)",
        "DELETE FROM WorkItems WHERE Id = (SELECT max(Id) FROM WorkItems)",
        "INSERT INTO WorkItemComments (WorkItemId, Text) VALUES ((SELECT min(Id) FROM WorkItems), 'no')",
        "INSERT INTO zro VALUES (1)",
        "CREATE TEMP TABLE zro2(v)",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        char st_[6], msg[1024];
        SQLRETURN rc = exec(st, writes[i]);
        diag(SQL_HANDLE_STMT, st, st_, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st_, "25000") == 0 && strstr(msg, "Read-only connection"),
              "refused: %s -> rc=%d %s %s", writes[i], (int)rc, st_, msg);
    }
    /* SQL cannot switch read-only off behind the connection's back */
    {
        char st_[6], msg[1024];
        SQLRETURN rc = exec(st, "PRAGMA query_only = 0");
        diag(SQL_HANDLE_STMT, st, st_, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strstr(msg, "SQL_ATTR_ACCESS_MODE"), "PRAGMA query_only = 0 is refused: rc=%d %s %s",
              (int)rc, st_, msg);
        rc = exec(st, "INSERT INTO zro VALUES (3)");
        diag(SQL_HANDLE_STMT, st, st_, msg, sizeof msg);
        CHECK(rc == SQL_ERROR && strcmp(st_, "25000") == 0, "and writes stay refused after it: %s", st_);
    }
    /* a statement prepared while read-write is refused when executed read-only */
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_WRITE, 0), SQL_HANDLE_DBC, dbc);
    SQLHSTMT pre = new_stmt(dbc);
    OK(SQLPrepare(pre, (SQLCHAR *)"INSERT INTO zro VALUES (2)", SQL_NTS), SQL_HANDLE_STMT, pre);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0), SQL_HANDLE_DBC, dbc);
    expect_state(SQLExecute(pre), SQL_HANDLE_STMT, pre, "25000", "prepared before, executed read-only");
    SQLHSTMT after = new_stmt(dbc); /* allocating a statement keeps the mode */
    expect_state(exec(after, "INSERT INTO zro VALUES (3)"), SQL_HANDLE_STMT, after, "25000", "a new statement");
    SQLFreeHandle(SQL_HANDLE_STMT, after);
    {
        SQLINTEGER n = -1;
        SQLLEN ind;
        OK(exec(st, "SELECT count(*) FROM WorkItems"), SQL_HANDLE_STMT, st);
        OK(SQLFetch(st), SQL_HANDLE_STMT, st);
        SQLGetData(st, 1, SQL_C_SLONG, &n, 0, &ind);
        SQLCloseCursor(st);
        CHECK(n == before, "no work item was created or deleted (%d, was %ld)", (int)n, before);
    }
    CHECK(count_rows(st, "SELECT v FROM zro") == 0, "the local table is unchanged");

    /* back to read-write: the same statements work */
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_WRITE, 0), SQL_HANDLE_DBC, dbc);
    OK(SQLExecute(pre), SQL_HANDLE_STMT, pre);
    OK(exec(st, "INSERT INTO zro VALUES (1)"), SQL_HANDLE_STMT, st);
    CHECK(count_rows(st, "SELECT v FROM zro") == 2, "writes work again");
    expect_state(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)5, 0), SQL_HANDLE_DBC, dbc, "HY024",
                 "ACCESS_MODE 5");
    OK(exec(st, "DROP TABLE zro"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, pre);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* The mode chosen before connecting holds once connected. */
static void test_read_only_before_connect(void)
{
    start("ACCESS_MODE set before SQLConnect");
    SQLHDBC dbc = new_dbc();
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0), SQL_HANDLE_DBC, dbc);
    SQLRETURN rc = SQLConnect(dbc, (SQLCHAR *)dsn, SQL_NTS, NULL, 0, NULL, 0);
    OK(rc, SQL_HANDLE_DBC, dbc);
    if (!SQL_SUCCEEDED(rc)) {
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return;
    }
    SQLHSTMT st = new_stmt(dbc);
    expect_state(exec(st, "CREATE TEMP TABLE zro3(v)"), SQL_HANDLE_STMT, st, "25000", "read-only from the start");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    drop(dbc);
}

static void test_catalog_attr(SQLHDBC dbc)
{
    start("CURRENT_CATALOG");
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_CURRENT_CATALOG, (SQLPOINTER) "Fabrikam", SQL_NTS), SQL_HANDLE_DBC, dbc);
    char buf[64] = "";
    SQLINTEGER len = 0;
    OK(SQLGetConnectAttr(dbc, SQL_ATTR_CURRENT_CATALOG, buf, sizeof buf, &len), SQL_HANDLE_DBC, dbc);
    CHECK(strcmp(buf, "Fabrikam") == 0 && len == 8, "CURRENT_CATALOG reads back '%s' (%d)", buf, (int)len);
    SQLWCHAR wbuf[32];
    OK(SQLGetConnectAttrW(dbc, SQL_ATTR_CURRENT_CATALOG, wbuf, sizeof wbuf, &len), SQL_HANDLE_DBC, dbc);
    CHECK(w_eq_ascii(wbuf, "Fabrikam") && len == 16, "CURRENT_CATALOG through the W form (%d bytes)", (int)len);
}

static void test_cursor_attrs(SQLHDBC dbc)
{
    start("cursor attributes: substituted with 01S02, read back");
    SQLHSTMT st = new_stmt(dbc);
    struct {
        SQLINTEGER attr;
        SQLULEN ask, get;
        const char *name;
    } cases[] = {
        {SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_STATIC, SQL_CURSOR_FORWARD_ONLY, "CURSOR_TYPE static"},
        {SQL_ATTR_CURSOR_TYPE, SQL_CURSOR_KEYSET_DRIVEN, SQL_CURSOR_FORWARD_ONLY, "CURSOR_TYPE keyset"},
        {SQL_ATTR_CONCURRENCY, SQL_CONCUR_LOCK, SQL_CONCUR_READ_ONLY, "CONCURRENCY lock"},
        {SQL_ATTR_CURSOR_SCROLLABLE, SQL_SCROLLABLE, SQL_NONSCROLLABLE, "CURSOR_SCROLLABLE"},
        {SQL_ATTR_CURSOR_SENSITIVITY, SQL_SENSITIVE, SQL_INSENSITIVE, "CURSOR_SENSITIVITY"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SQLRETURN rc = SQLSetStmtAttr(st, cases[i].attr, (SQLPOINTER)cases[i].ask, 0);
        expect_info(rc, SQL_HANDLE_STMT, st, "01S02", cases[i].name);
        CHECK(stmt_ulen(st, cases[i].attr) == cases[i].get, "%s reads back the substitute", cases[i].name);
    }
    OK(SQLSetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_FORWARD_ONLY, 0), SQL_HANDLE_STMT, st);
    CHECK(SQLSetStmtAttr(st, SQL_ATTR_CONCURRENCY, (SQLPOINTER)SQL_CONCUR_READ_ONLY, 0) == SQL_SUCCESS,
          "the supported values are plain SQL_SUCCESS");
    expect_state(SQLSetStmtAttr(st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)77, 0), SQL_HANDLE_STMT, st, "HY024",
                 "CURSOR_TYPE 77");

    /* MAX_ROWS limits the rows a result delivers */
    OK(SQLSetStmtAttr(st, SQL_ATTR_MAX_ROWS, (SQLPOINTER)3, 0), SQL_HANDLE_STMT, st);
    CHECK(stmt_ulen(st, SQL_ATTR_MAX_ROWS) == 3, "MAX_ROWS reads back");
    CHECK(count_rows(st, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) "
                         "SELECT x FROM n") == 3,
          "MAX_ROWS = 3 delivers 3 of 10 rows");
    OK(SQLSetStmtAttr(st, SQL_ATTR_MAX_ROWS, (SQLPOINTER)0, 0), SQL_HANDLE_STMT, st);
    CHECK(count_rows(st, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) "
                         "SELECT x FROM n") == 10,
          "MAX_ROWS = 0: all rows");

    /* NOSCAN is kept; unknown attributes are HY092 */
    OK(SQLSetStmtAttr(st, SQL_ATTR_NOSCAN, (SQLPOINTER)SQL_NOSCAN_ON, 0), SQL_HANDLE_STMT, st);
    CHECK(stmt_ulen(st, SQL_ATTR_NOSCAN) == SQL_NOSCAN_ON, "NOSCAN reads back on");
    OK(SQLSetStmtAttr(st, SQL_ATTR_NOSCAN, (SQLPOINTER)SQL_NOSCAN_OFF, 0), SQL_HANDLE_STMT, st);
    CHECK(stmt_ulen(st, SQL_ATTR_NOSCAN) == SQL_NOSCAN_OFF, "NOSCAN reads back off");
    expect_state(SQLSetStmtAttr(st, 987654, (SQLPOINTER)1, 0), SQL_HANDLE_STMT, st, "HY092", "unknown statement attribute");
    SQLULEN v;
    expect_state(SQLGetStmtAttr(st, 987654, &v, 0, NULL), SQL_HANDLE_STMT, st, "HY092", "get unknown statement attribute");
    expect_state(SQLSetConnectAttr(dbc, 987654, (SQLPOINTER)1, 0), SQL_HANDLE_DBC, dbc, "HY092",
                 "unknown connection attribute");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

int main(void)
{
    SQLHDBC dbc;
    int rc = harness_begin(&dbc);
    if (rc != 0)
        return rc;
    test_environment();
    test_transactions(dbc);
    test_timeouts(dbc);
    test_read_only(dbc);
    test_read_only_before_connect();
    test_catalog_attr(dbc);
    test_cursor_attrs(dbc);
    return harness_end(dbc);
}
