/*
 * odbc_fetch.c — the benchmark's C ODBC client (bench/run.sh builds it with
 * the system cc against -lodbc).
 *
 *   odbc_fetch read   CONNSTR SQL [ROWSET]   block fetch (SQL_ATTR_ROW_ARRAY_SIZE)
 *   odbc_fetch insert CONNSTR COUNT          COUNT INSERTs as one parameter array
 *                                            (SQL_ATTR_PARAMSET_SIZE)
 *
 * CONNSTR goes to SQLDriverConnect; keep secrets in the DSN (the command line
 * shows in `ps`).  read binds every result column as text (SQL_C_CHAR, 512
 * bytes) except integer columns (SQL_C_SBIGINT) — what an application that
 * just moves rows does.  insert runs
 *   INSERT INTO WorkItems (WorkItemType, Title) VALUES (?, ?)
 * with 'Task' and "bench item N".
 *
 * Prints one JSON object on stdout:
 *   rows, t_connect_s, t_first_s (execute start → first block back; insert:
 *   none), t_last_s (execute start → last row / array done), cpu_query_s
 *   (user+sys of this process over the same span), cpu_total_s (whole
 *   process), maxrss_kb (peak RSS, getrusage), failed (insert: rows whose
 *   status is SQL_PARAM_ERROR).
 */
#define _POSIX_C_SOURCE 200809L
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAXCOLS 64
#define TEXTLEN 512

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void diag(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
    SQLCHAR state[6], msg[1024];
    SQLINTEGER native;
    SQLSMALLINT len;
    fprintf(stderr, "odbc_fetch: %s failed\n", what);
    for (SQLSMALLINT i = 1; SQLGetDiagRec(type, h, i, state, &native, msg, sizeof msg, &len) == SQL_SUCCESS; i++)
        fprintf(stderr, "  [%s] %s\n", state, msg);
}

#define CHECK(rc, type, h, what)               \
    do {                                       \
        if (!SQL_SUCCEEDED(rc)) {              \
            diag(type, h, what);               \
            return 1;                          \
        }                                      \
    } while (0)

static int do_read(SQLHSTMT st, const char *sql, SQLULEN rowset, double t_conn)
{
    SQLRETURN rc;
    SQLSMALLINT ncols = 0;
    SQLULEN fetched = 0;
    long long rows = 0;
    void *buf[MAXCOLS] = {0};
    SQLLEN *ind[MAXCOLS] = {0};

    double c0 = cpu_s(), t0 = now_s(), t_first = -1;
    rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLExecDirect");
    rc = SQLNumResultCols(st, &ncols);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLNumResultCols");
    if (ncols > MAXCOLS)
        ncols = MAXCOLS;
    SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
    rc = SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)rowset, 0);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQL_ATTR_ROW_ARRAY_SIZE");
    SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
    for (SQLSMALLINT c = 0; c < ncols; c++) {
        SQLSMALLINT type = 0, dec, nul, nlen;
        SQLULEN size;
        SQLCHAR name[128];
        SQLDescribeCol(st, c + 1, name, sizeof name, &nlen, &type, &size, &dec, &nul);
        int as_int = type == SQL_INTEGER || type == SQL_BIGINT || type == SQL_SMALLINT;
        size_t w = as_int ? sizeof(long long) : TEXTLEN;
        buf[c] = malloc(w * rowset);
        ind[c] = malloc(sizeof(SQLLEN) * rowset);
        if (!buf[c] || !ind[c])
            return 1;
        rc = SQLBindCol(st, c + 1, as_int ? SQL_C_SBIGINT : SQL_C_CHAR, buf[c], as_int ? 0 : TEXTLEN, ind[c]);
        CHECK(rc, SQL_HANDLE_STMT, st, "SQLBindCol");
    }
    while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
        CHECK(rc, SQL_HANDLE_STMT, st, "SQLFetch");
        if (t_first < 0)
            t_first = now_s() - t0;
        rows += (long long)fetched;
    }
    double t_last = now_s() - t0, cq = cpu_s() - c0;
    SQLCloseCursor(st);
    printf("{\"rows\": %lld, \"t_connect_s\": %.6f, \"t_first_s\": %.6f, \"t_last_s\": %.6f, "
           "\"cpu_query_s\": %.6f, \"cpu_total_s\": %.6f, \"maxrss_kb\": %ld, \"rowset\": %lu}\n",
           rows, t_conn, t_first < 0 ? t_last : t_first, t_last, cq, cpu_s(), maxrss_kb(),
           (unsigned long)rowset);
    for (int c = 0; c < ncols; c++) {
        free(buf[c]);
        free(ind[c]);
    }
    return 0;
}

static int do_insert(SQLHSTMT st, SQLULEN n, double t_conn)
{
    SQLRETURN rc;
    enum { TYPELEN = 16, TITLELEN = 64 };
    char *types = calloc(n, TYPELEN), *titles = calloc(n, TITLELEN);
    SQLLEN *tind = calloc(n, sizeof(SQLLEN)), *iind = calloc(n, sizeof(SQLLEN));
    SQLUSMALLINT *status = calloc(n, sizeof(SQLUSMALLINT));
    SQLULEN done = 0;
    if (!types || !titles || !tind || !iind || !status)
        return 1;
    for (SQLULEN i = 0; i < n; i++) {
        strcpy(types + i * TYPELEN, "Task");
        tind[i] = SQL_NTS;
        snprintf(titles + i * TITLELEN, TITLELEN, "bench item %lu", (unsigned long)i + 1);
        iind[i] = SQL_NTS;
    }
    rc = SQLPrepare(st, (SQLCHAR *)"INSERT INTO WorkItems (WorkItemType, Title) VALUES (?, ?)", SQL_NTS);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLPrepare");
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);
    rc = SQLSetStmtAttr(st, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)n, 0);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQL_ATTR_PARAMSET_SIZE");
    SQLSetStmtAttr(st, SQL_ATTR_PARAM_STATUS_PTR, status, 0);
    SQLSetStmtAttr(st, SQL_ATTR_PARAMS_PROCESSED_PTR, &done, 0);
    rc = SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, TYPELEN, 0, types, TYPELEN, tind);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLBindParameter 1");
    rc = SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, TITLELEN, 0, titles, TITLELEN, iind);
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLBindParameter 2");

    double c0 = cpu_s(), t0 = now_s();
    rc = SQLExecute(st);
    double t_last = now_s() - t0, cq = cpu_s() - c0;
    if (rc == SQL_SUCCESS_WITH_INFO)
        diag(SQL_HANDLE_STMT, st, "SQLExecute (info)");
    CHECK(rc, SQL_HANDLE_STMT, st, "SQLExecute");
    long failed = 0;
    for (SQLULEN i = 0; i < n; i++)
        failed += status[i] == SQL_PARAM_ERROR;
    printf("{\"rows\": %lu, \"failed\": %ld, \"t_connect_s\": %.6f, \"t_first_s\": null, \"t_last_s\": %.6f, "
           "\"cpu_query_s\": %.6f, \"cpu_total_s\": %.6f, \"maxrss_kb\": %ld}\n",
           (unsigned long)done, failed, t_conn, t_last, cq, cpu_s(), maxrss_kb());
    free(types);
    free(titles);
    free(tind);
    free(iind);
    free(status);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "read") && strcmp(argv[1], "insert"))) {
        fprintf(stderr, "usage: %s read CONNSTR SQL [ROWSET] | insert CONNSTR COUNT\n", argv[0]);
        return 2;
    }
    SQLHENV env;
    SQLHDBC dbc;
    SQLHSTMT st;
    SQLRETURN rc;
    SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
    SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
    double t0 = now_s();
    rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)argv[2], SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
    CHECK(rc, SQL_HANDLE_DBC, dbc, "SQLDriverConnect");
    double t_conn = now_s() - t0;
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    int ret;
    if (!strcmp(argv[1], "read"))
        ret = do_read(st, argv[3], argc > 4 ? strtoul(argv[4], NULL, 10) : 100, t_conn);
    else
        ret = do_insert(st, strtoul(argv[3], NULL, 10), t_conn);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    return ret;
}
