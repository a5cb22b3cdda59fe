/*
 * test_odbc_threads.c — the driver under concurrent use, through the real
 * unixODBC driver manager (linked with -lodbc, never with the driver).
 *
 * Running at the same time:
 *   - WORKERS threads, each with its own connection, running ITERATIONS
 *     rounds of mixed work: WorkItems queries pushed down into WIQL (with
 *     parameters), local TEMP tables, catalog functions and SQLGetInfo;
 *   - SHARED threads sharing ONE connection, each with its own statement
 *     (ODBC lets several statements of a connection be used from different
 *     threads; SQL_MAX_CONCURRENT_ACTIVITIES 0 says there is no limit), one
 *     of them keeping a cursor open row by row while the others run;
 *   - cancel pairs: a target running slow statements (local recursive CTEs,
 *     and WorkItems queries while the emulator answers slowly) and another
 *     thread calling SQLCancel on it at random moments.  Every such call
 *     ends in HY008 or completes normally with the right answer; never
 *     another error, a crash or a hang.  One pair cancels a statement of
 *     the shared connection: the other statements there must not notice.
 * Expected values come from the emulator's data (GET /_emulator/dump).
 * A watchdog ends the test (as a failure) if it hangs.  The DSN, the
 * environment and the emulator's control API are odbc_harness.c's
 * (harness_begin_emu, dsn_connect, emu_http).
 *
 * odbcinst.ini.sample ships `Threading = 1`; this test checks that the
 * sandbox odbcinst.ini it runs under (tests/emulator/emu_env.sh) uses the
 * same value, so it tests what users install.
 */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "odbc_harness.h"

#define WORKERS 8
#define ITERATIONS 10
#define SHARED 3
#define SHARED_ITERATIONS 12
#define CANCEL_ROUNDS 12
#define WATCHDOG_S 420

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *file, int line, const char *who, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&print_lock);
    fprintf(stderr, "FAIL %s:%d [%s] ", file, line, who);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&print_lock);
}

/* CHECK of odbc_harness.h for threads: it counts in the harness's checks and
 * failures atomically and says which thread failed. */
#define TCHECK(who, cond, ...)                                  \
    do {                                                        \
        __atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);       \
        if (!(cond)) {                                          \
            __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED); \
            fail(__FILE__, __LINE__, (who), __VA_ARGS__);       \
        }                                                       \
    } while (0)

/* the first diagnostic of a handle: "STATE message" into out */
static void diag_r(SQLSMALLINT type, SQLHANDLE h, char *state, char *out, size_t n)
{
    SQLCHAR st[6] = "", msg[700] = "";
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    SQLGetDiagRec(type, h, 1, st, &native, msg, sizeof msg, &len);
    if (state)
        memcpy(state, st, 6);
    if (out)
        snprintf(out, n, "%s %s", st, msg);
}

/* "STATE message" of a handle.  A statement that was not cancelled must never
 * get "interrupted": when it does, a SQLCancel of ANOTHER statement of its
 * connection reached it (see test_cancel_isolation), and the text says so. */
static const char *why_r(SQLSMALLINT type, SQLHANDLE h, char *buf, size_t n)
{
    diag_r(type, h, NULL, buf, n);
    if (strstr(buf, "interrupted")) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, " [a SQLCancel of another statement of this connection reached this one: "
                                 "driver/stmt.c drv_cancel, sqlite3_interrupt is connection-wide]");
    }
    return buf;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* a small per-thread random generator */
static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* ---- expected data ----------------------------------------------------------------- */

#define PROJECT "Fabrikam-Fiber-Git"
static const char *const STATES[] = {"New", "Active", "Resolved", "Closed"};
#define NSTATES 4
static int state_count[NSTATES];
static int nitems;
static long *item_ids;     /* sorted */
static char **item_titles; /* UTF-8, by index */
static SQLLEN ncolumns;    /* SQLColumns rows of WorkItems, from the main thread */
static char dbms_name[128];

static int load_expected(void)
{
    char *body = emu_http("GET", "/_emulator/dump", NULL);
    cJSON *root = body ? cJSON_Parse(body) : NULL;
    free(body);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items))
        return -1;
    int n = cJSON_GetArraySize(items);
    item_ids = calloc((size_t)n, sizeof *item_ids);
    item_titles = calloc((size_t)n, sizeof *item_titles);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(it, "fields");
        const cJSON *proj = cJSON_GetObjectItemCaseSensitive(f, "System.TeamProject");
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(f, "System.State");
        const cJSON *title = cJSON_GetObjectItemCaseSensitive(f, "System.Title");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (!cJSON_IsString(proj) || strcmp(proj->valuestring, PROJECT) != 0 || !cJSON_IsNumber(id))
            continue;
        for (int s = 0; s < NSTATES; s++)
            if (cJSON_IsString(state) && strcmp(state->valuestring, STATES[s]) == 0)
                state_count[s]++;
        /* insertion into the sorted arrays */
        int k = nitems++;
        while (k > 0 && item_ids[k - 1] > (long)id->valuedouble) {
            item_ids[k] = item_ids[k - 1];
            item_titles[k] = item_titles[k - 1];
            k--;
        }
        item_ids[k] = (long)id->valuedouble;
        item_titles[k] = strdup(cJSON_IsString(title) ? title->valuestring : "");
    }
    cJSON_Delete(root);
    return nitems > 50 ? 0 : -1;
}

/* ---- connections ------------------------------------------------------------------- */

static SQLHDBC open_dbc(const char *who)
{
    SQLHDBC dbc = SQL_NULL_HDBC;
    char buf[800];
    SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
    TCHECK(who, SQL_SUCCEEDED(rc), "SQLAllocHandle(DBC) rc=%d", (int)rc);
    if (!SQL_SUCCEEDED(rc))
        return SQL_NULL_HDBC;
    rc = dsn_connect(dbc, NULL);
    TCHECK(who, SQL_SUCCEEDED(rc), "connect: %s", why_r(SQL_HANDLE_DBC, dbc, buf, sizeof buf));
    if (!SQL_SUCCEEDED(rc)) {
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return SQL_NULL_HDBC;
    }
    return dbc;
}

static SQLHSTMT stmt_for(const char *who, SQLHDBC dbc)
{
    SQLHSTMT st = SQL_NULL_HSTMT;
    char buf[800];
    SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    TCHECK(who, SQL_SUCCEEDED(rc), "SQLAllocHandle(STMT): %s", why_r(SQL_HANDLE_DBC, dbc, buf, sizeof buf));
    return st;
}

/* ---- the units of work -------------------------------------------------------------- */

#define OKS(who, st, rc, what)                                                                 \
    do {                                                                                       \
        char b_[800];                                                                          \
        TCHECK(who, SQL_SUCCEEDED(rc), "%s: rc=%d %s", what, (int)(rc),        \
              why_r(SQL_HANDLE_STMT, st, b_, sizeof b_));                                        \
    } while (0)

/* SELECT count(*) FROM WorkItems WHERE State = ? */
static void work_count(const char *who, SQLHSTMT st, unsigned *seed)
{
    int s = (int)(next_rand(seed) % NSTATES);
    SQLLEN len = SQL_NTS;
    SQLBIGINT n = -1;
    SQLRETURN rc = SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_WVARCHAR, 255, 0, (SQLPOINTER)STATES[s],
                                    0, &len);
    OKS(who, st, rc, "bind the state");
    rc = SQLExecDirect(st, (SQLCHAR *)"SELECT count(*) FROM WorkItems WHERE State = ?", SQL_NTS);
    OKS(who, st, rc, "count by state");
    if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(rc = SQLFetch(st)))
        rc = SQLGetData(st, 1, SQL_C_SBIGINT, &n, 0, NULL);
    TCHECK(who, n == state_count[s], "count(State = %s) = %lld, the emulator has %d", STATES[s], (long long)n,
          state_count[s]);
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
}

/* SELECT Id, Title FROM WorkItems WHERE Id IN (?, ?, ?) ORDER BY Id */
static void work_titles(const char *who, SQLHSTMT st, unsigned *seed)
{
    int k[3];
    SQLINTEGER ids[3];
    for (int i = 0; i < 3; i++) {
        k[i] = (int)(next_rand(seed) % (unsigned)nitems);
        ids[i] = (SQLINTEGER)item_ids[k[i]];
        SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &ids[i], 0,
                         NULL);
    }
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)"SELECT Id, Title FROM WorkItems WHERE Id IN (?, ?, ?) ORDER BY Id",
                                 SQL_NTS);
    OKS(who, st, rc, "titles by id");
    int rows = 0, distinct = 1 + (k[1] != k[0]) + (k[2] != k[0] && k[2] != k[1]);
    while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
        SQLINTEGER id = 0;
        char title[1200];
        SQLLEN ind = 0;
        OKS(who, st, rc, "fetch a title");
        if (!SQL_SUCCEEDED(rc))
            break;
        SQLGetData(st, 1, SQL_C_SLONG, &id, 0, NULL);
        rc = SQLGetData(st, 2, SQL_C_CHAR, title, sizeof title, &ind);
        OKS(who, st, rc, "read a title");
        int found = 0;
        for (int i = 0; i < 3; i++)
            if (item_ids[k[i]] == id)
                found = strcmp(item_titles[k[i]], ind == SQL_NULL_DATA ? "" : title) == 0;
        TCHECK(who, found, "item %d: title '%s' is not the emulator's", (int)id, title);
        rows++;
    }
    TCHECK(who, rows == distinct, "%d rows for %d ids", rows, distinct);
    SQLFreeStmt(st, SQL_CLOSE);
    SQLFreeStmt(st, SQL_RESET_PARAMS);
}

/* the first 40 ids in order, row by row (a pushed-down ORDER BY … LIMIT) */
static void work_scan(const char *who, SQLHSTMT st, int pause_ms)
{
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)"SELECT Id FROM WorkItems ORDER BY Id LIMIT 40", SQL_NTS);
    OKS(who, st, rc, "scan");
    int i = 0, ok = 1;
    while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
        SQLINTEGER id = 0;
        OKS(who, st, rc, "scan fetch");
        if (!SQL_SUCCEEDED(rc))
            break;
        SQLGetData(st, 1, SQL_C_SLONG, &id, 0, NULL);
        if (i >= nitems || item_ids[i] != id)
            ok = 0;
        i++;
        if (pause_ms)
            sleep_ms(pause_ms); /* keep the cursor open while other statements run */
    }
    TCHECK(who, ok && i == (nitems < 40 ? nitems : 40), "scan: %d ids in order: %d", i, ok);
    SQLFreeStmt(st, SQL_CLOSE);
}

/* a local TEMP table of the connection: fill, sum, empty */
static void work_local(const char *who, SQLHSTMT st, const char *table, int round)
{
    char sql[200];
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE IF NOT EXISTS %s(k INTEGER, v TEXT)", table);
    SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    OKS(who, st, rc, "create temp");
    SQLFreeStmt(st, SQL_CLOSE);
    if (!SQL_SUCCEEDED(rc))
        return;
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?, ?)", table);
    rc = SQLPrepare(st, (SQLCHAR *)sql, SQL_NTS);
    OKS(who, st, rc, "prepare insert");
    if (!SQL_SUCCEEDED(rc))
        return;
    SQLINTEGER k = 0;
    char v[64];
    SQLLEN vlen = SQL_NTS;
    SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &k, 0, NULL);
    SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_WVARCHAR, 60, 0, v, sizeof v, &vlen);
    for (k = 1; k <= 30; k++) {
        snprintf(v, sizeof v, "%s r%d k%d \xf0\x9f\x98\x80", who, round, (int)k);
        rc = SQLExecute(st);
        if (!SQL_SUCCEEDED(rc)) {
            OKS(who, st, rc, "insert");
            break;
        }
    }
    SQLFreeStmt(st, SQL_RESET_PARAMS);
    snprintf(sql, sizeof sql, "SELECT sum(k), count(*), sum(length(v)) FROM %s", table);
    rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    OKS(who, st, rc, "sum");
    SQLBIGINT sum = -1, cnt = -1, chars = -1;
    if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(SQLFetch(st))) {
        SQLGetData(st, 1, SQL_C_SBIGINT, &sum, 0, NULL);
        SQLGetData(st, 2, SQL_C_SBIGINT, &cnt, 0, NULL);
        SQLGetData(st, 3, SQL_C_SBIGINT, &chars, 0, NULL);
    }
    long want_chars = 0;
    for (int i = 1; i <= 30; i++)
        want_chars += snprintf(v, sizeof v, "%s r%d k%d ", who, round, i) + 1;
    TCHECK(who, sum == 465 && cnt == 30 && chars == want_chars, "local table: sum %lld count %lld chars %lld (%ld)",
          (long long)sum, (long long)cnt, (long long)chars, want_chars);
    SQLFreeStmt(st, SQL_CLOSE);
    snprintf(sql, sizeof sql, "DELETE FROM %s", table);
    rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
    OKS(who, st, rc, "delete");
    SQLFreeStmt(st, SQL_CLOSE);
}

/* fetches every row; the count, or -1 when the result did not end in SQL_NO_DATA */
static SQLLEN count_rows(const char *who, SQLHSTMT st)
{
    SQLLEN n = 0;
    SQLRETURN rc;
    char buf[800];
    while ((rc = SQLFetch(st)) == SQL_SUCCESS)
        n++;
    TCHECK(who, rc == SQL_NO_DATA, "a catalog result ended after %ld rows with rc=%d %s", (long)n,
          (int)rc, why_r(SQL_HANDLE_STMT, st, buf, sizeof buf));
    SQLFreeStmt(st, SQL_CLOSE);
    return rc == SQL_NO_DATA ? n : -1;
}

/* catalog functions and SQLGetInfo */
static void work_catalog(const char *who, SQLHDBC dbc, SQLHSTMT st)
{
    SQLRETURN rc = SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0);
    OKS(who, st, rc, "SQLTables");
    if (SQL_SUCCEEDED(rc))
        TCHECK(who, count_rows(who, st) == 1, "SQLTables(WorkItems): one row");
    rc = SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0);
    OKS(who, st, rc, "SQLColumns");
    SQLLEN n = SQL_SUCCEEDED(rc) ? count_rows(who, st) : -1;
    TCHECK(who, n == ncolumns, "SQLColumns(WorkItems): %ld rows, %ld before the threads", (long)n, (long)ncolumns);
    rc = SQLGetTypeInfo(st, SQL_ALL_TYPES);
    OKS(who, st, rc, "SQLGetTypeInfo");
    if (SQL_SUCCEEDED(rc))
        TCHECK(who, count_rows(who, st) > 3, "SQLGetTypeInfo: rows");
    rc = SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS);
    OKS(who, st, rc, "SQLPrimaryKeys");
    if (SQL_SUCCEEDED(rc))
        count_rows(who, st);
    SQLFreeStmt(st, SQL_CLOSE);
    char name[128] = "";
    SQLSMALLINT len = 0;
    rc = SQLGetInfo(dbc, SQL_DBMS_NAME, name, sizeof name, &len);
    TCHECK(who, SQL_SUCCEEDED(rc) && strcmp(name, dbms_name) == 0, "SQLGetInfo(DBMS_NAME) '%s'", name);
}

/* ---- threads ----------------------------------------------------------------------- */

typedef struct {
    int index;
    char name[32];
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    unsigned seed = 7919u * (unsigned)(a->index + 1);
    SQLHDBC dbc = open_dbc(a->name);
    if (!dbc)
        return NULL;
    SQLHSTMT st = stmt_for(a->name, dbc);
    char table[32];
    snprintf(table, sizeof table, "w%d", a->index);
    for (int i = 0; i < ITERATIONS; i++) {
        switch ((i + a->index) % 5) {
        case 0: work_count(a->name, st, &seed); break;
        case 1: work_titles(a->name, st, &seed); break;
        case 2: work_local(a->name, st, table, i); break;
        case 3: work_catalog(a->name, dbc, st); break;
        default: work_scan(a->name, st, 0); break;
        }
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    drop(dbc);
    return NULL;
}

static SQLHDBC shared_dbc;

static void *shared_worker(void *p)
{
    worker_arg *a = p;
    unsigned seed = 104729u * (unsigned)(a->index + 1);
    SQLHSTMT st = stmt_for(a->name, shared_dbc);
    char table[32];
    snprintf(table, sizeof table, "s%d", a->index);
    for (int i = 0; i < SHARED_ITERATIONS; i++) {
        if (a->index == 0) { /* the one that keeps a cursor open */
            work_scan(a->name, st, 3);
            continue;
        }
        switch ((i + a->index) % 4) {
        case 0: work_count(a->name, st, &seed); break;
        case 1: work_titles(a->name, st, &seed); break;
        case 2: work_local(a->name, st, table, i); break;
        default: work_catalog(a->name, shared_dbc, st); break;
        }
    }
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return NULL;
}

/* ---- cancel pairs ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    SQLHDBC dbc;         /* the target's connection (maybe the shared one) */
    SQLHSTMT st;         /* the statement cancelled; allocated before both threads start */
    atomic_int done;     /* the target's rounds are over: the canceller stops */
    atomic_int stopped;  /* the canceller has stopped */
    atomic_int cancels;  /* SQLCancel calls started so far */
    int cancelled, completed;
    unsigned seed;
} cancel_pair;

#define SLOW_N 400000
static const char *const SLOW_LOCAL =
    "WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) FROM c";

/* one slow statement; 1 when cancelled (HY008), 0 when it completed correctly */
static int run_slow(cancel_pair *p, int round)
{
    char state[6] = "", buf[800];
    SQLHSTMT st = p->st;
    SQLRETURN rc;
    int remote = round % 3 == 2;
    int cancels_before = atomic_load(&p->cancels);
    if (remote) {
        /* pushed down; the emulator answers WIQL slowly (a fault rule set by main) */
        rc = SQLExecDirect(st, (SQLCHAR *)"SELECT count(*) FROM WorkItems WHERE State = 'Active'", SQL_NTS);
    } else {
        rc = SQLExecDirect(st, (SQLCHAR *)SLOW_LOCAL, SQL_NTS);
    }
    SQLBIGINT n = -1;
    const char *stage = "SQLExecDirect";
    if (SQL_SUCCEEDED(rc)) {
        stage = "SQLFetch";
        rc = SQLFetch(st);
    }
    if (SQL_SUCCEEDED(rc)) {
        stage = "SQLGetData";
        rc = SQLGetData(st, 1, SQL_C_SBIGINT, &n, 0, NULL);
    }
    int result;
    if (SQL_SUCCEEDED(rc)) {
        long want = remote ? state_count[1] : SLOW_N;
        TCHECK(p->name, n == want, "round %d completed with %lld, want %ld", round, (long long)n, want);
        result = 0;
    } else {
        diag_r(SQL_HANDLE_STMT, st, state, buf, sizeof buf);
        /* Every ODBC call clears its handle's diagnostics on entry, SQLCancel
         * too: a second SQLCancel that lands after the statement failed with
         * HY008, before we read it, leaves SQL_ERROR with no record.  Only
         * then is an empty record accepted (a cancel was made meanwhile). */
        int no_record = state[0] == '\0' || strcmp(state, "00000") == 0;
        int cleared_by_late_cancel = rc == SQL_ERROR && no_record &&
                                     atomic_load(&p->cancels) > cancels_before;
        TCHECK(p->name, rc == SQL_ERROR && (strcmp(state, "HY008") == 0 || cleared_by_late_cancel),
              "round %d: a cancelled statement ends in HY008, not %s rc=%d %s (cancels %d -> %d)", round, stage,
              (int)rc, buf, cancels_before, atomic_load(&p->cancels));
        result = 1;
    }
    SQLFreeStmt(st, SQL_CLOSE);
    return result;
}

static void *cancel_target(void *v)
{
    cancel_pair *p = v;
    for (int r = 0; r < CANCEL_ROUNDS; r++) {
        if (run_slow(p, r))
            p->cancelled++;
        else
            p->completed++;
    }
    atomic_store(&p->done, 1);
    while (!atomic_load(&p->stopped))
        sleep_ms(5);
    /* the statement works again after all that */
    SQLRETURN rc = SQLExecDirect(p->st, (SQLCHAR *)"SELECT 1", SQL_NTS);
    OKS(p->name, p->st, rc, "a statement after the cancels");
    SQLFreeStmt(p->st, SQL_CLOSE);
    return NULL;
}

static void *canceller(void *v)
{
    cancel_pair *p = v;
    int k = 0;
    while (!atomic_load(&p->done)) {
        /* mostly soon (mid-statement), sometimes late (after it completed, or between statements) */
        int ms = k++ % 4 == 3 ? (int)(next_rand(&p->seed) % 900) : 20 + (int)(next_rand(&p->seed) % 150);
        sleep_ms(ms);
        atomic_fetch_add(&p->cancels, 1);
        SQLRETURN rc = SQLCancel(p->st);
        TCHECK(p->name, rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO, "SQLCancel rc=%d", (int)rc);
    }
    atomic_store(&p->stopped, 1);
    return NULL;
}

/*
 * SQLCancel cancels the function running on ONE statement.  Two statements
 * of one connection: B has a cursor open after its first row, A runs a slow
 * statement that another thread cancels.  A ends in HY008; B, never
 * cancelled, must go on fetching its rows, and a new statement must run.
 */
static SQLHSTMT isolation_target;

static void *cancel_soon(void *v)
{
    (void)v;
    sleep_ms(300);
    SQLCancel(isolation_target);
    return NULL;
}

static void test_cancel_isolation(void)
{
    const char *who = "cancel-isolation";
    char buf[800], state[6];
    SQLHDBC dbc = open_dbc(who);
    if (!dbc)
        return;
    SQLHSTMT a = stmt_for(who, dbc), b = stmt_for(who, dbc);
    SQLRETURN rc = SQLExecDirect(b, (SQLCHAR *)"WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c "
                                               "WHERE x < 10) SELECT x FROM c", SQL_NTS);
    OKS(who, b, rc, "B: execute");
    rc = SQLFetch(b);
    OKS(who, b, rc, "B: the first row");
    isolation_target = a;
    pthread_t t;
    pthread_create(&t, NULL, cancel_soon, NULL);
    rc = SQLExecDirect(a, (SQLCHAR *)"WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM c "
                                     "WHERE x < 2000000000) SELECT count(*) FROM c", SQL_NTS);
    pthread_join(t, NULL);
    diag_r(SQL_HANDLE_STMT, a, state, buf, sizeof buf);
    TCHECK(who, rc == SQL_ERROR && strcmp(state, "HY008") == 0, "A is cancelled: rc=%d %s", (int)rc, buf);
    SQLFreeStmt(a, SQL_CLOSE);
    int rows = 1;
    while ((rc = SQLFetch(b)) == SQL_SUCCESS)
        rows++;
    TCHECK(who, rc == SQL_NO_DATA && rows == 10, "B, not cancelled, fetches its 10 rows: %d, then rc=%d %s", rows,
          (int)rc, rc == SQL_NO_DATA ? "" : why_r(SQL_HANDLE_STMT, b, buf, sizeof buf));
    SQLFreeStmt(b, SQL_CLOSE);
    rc = SQLExecDirect(a, (SQLCHAR *)"SELECT 1", SQL_NTS);
    OKS(who, a, rc, "A: a new statement");
    SQLFreeHandle(SQL_HANDLE_STMT, a);
    SQLFreeHandle(SQL_HANDLE_STMT, b);
    drop(dbc);
}

/* ---- watchdog ---------------------------------------------------------------------- */

static atomic_int finished;

static void *watchdog(void *v)
{
    (void)v;
    for (int s = 0; s < WATCHDOG_S * 10; s++) {
        if (atomic_load(&finished))
            return NULL;
        sleep_ms(100);
    }
    fprintf(stderr, "FAIL: the threads did not finish within %d s (a hang)\n", WATCHDOG_S);
    fflush(stderr);
    _exit(1);
}

/* ---- main -------------------------------------------------------------------------- */

/* Threading = value of section [sect] in file; -1 when absent */
static int threading_of(const char *file, const char *sect)
{
    FILE *f = fopen(file, "r");
    char line[512];
    int in = 0, val = -1;
    if (!f)
        return -2;
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        if (*s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            in = strncasecmp(s + 1, sect, strlen(sect)) == 0 && s[1 + strlen(sect)] == ']';
            continue;
        }
        if (in && strncasecmp(s, "Threading", 9) == 0) {
            char *eq = strchr(s, '=');
            if (eq)
                val = atoi(eq + 1);
        }
    }
    fclose(f);
    return val;
}

int main(void)
{
    const char *srcdir = getenv("top_srcdir");
    if (!srcdir) {
        fprintf(stderr, "run this through make check (tests/run-test.sh starts the emulator and the DSN)\n");
        return 99;
    }
    if (harness_begin_emu(SQL_OV_ODBC3) != 0)
        return 99;
    const char *sysini = getenv("ODBCSYSINI");

    /* the Threading level: the sample's, in the sandbox this runs under */
    char path[1024];
    snprintf(path, sizeof path, "%s/odbcinst.ini.sample", srcdir);
    int shipped = threading_of(path, "AzureDevOps");
    snprintf(path, sizeof path, "%s/odbcinst.ini", sysini);
    int here = threading_of(path, "AzureDevOps");
    printf("# Threading: odbcinst.ini.sample %d, this run's odbcinst.ini %d\n", shipped, here);
    TCHECK("main", shipped >= 0 && here == shipped, "the test runs with the shipped Threading value (%d vs %d)", here,
          shipped);

    /* modest data, and a little latency so that requests of different threads overlap */
    char *r = emu_http("POST", "/_emulator/reset", "{\"items\": 300, \"seed\": 17, \"latency_ms\": 5}");
    free(r);
    if (!r || load_expected() != 0) {
        fprintf(stderr, "cannot read the emulator's data\n");
        return 99;
    }
    printf("# %d items in the project; New %d, Active %d, Resolved %d, Closed %d\n", nitems, state_count[0],
           state_count[1], state_count[2], state_count[3]);
    /* every third cancel round is a WorkItems query the emulator answers slowly */
    r = emu_http("POST", "/_emulator/faults",
                 "{\"rules\": [{\"path\": \"/wit/wiql\", \"every\": 4, \"action\": \"slow\", \"delay_ms\": 700}]}");
    TCHECK("main", r != NULL, "the emulator took the slow-WIQL rule");
    free(r);

    /* baselines from one connection, before any thread runs */
    SQLHDBC base = open_dbc("main");
    if (!base)
        return 1;
    SQLHSTMT bst = stmt_for("main", base);
    SQLColumns(bst, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0);
    ncolumns = count_rows("main", bst);
    SQLSMALLINT len = 0;
    SQLGetInfo(base, SQL_DBMS_NAME, dbms_name, sizeof dbms_name, &len);
    SQLUSMALLINT maxact = 99;
    SQLGetInfo(base, SQL_MAX_CONCURRENT_ACTIVITIES, &maxact, sizeof maxact, NULL);
    printf("# %ld WorkItems columns; DBMS_NAME %s; MAX_CONCURRENT_ACTIVITIES %u\n", (long)ncolumns, dbms_name,
           (unsigned)maxact);
    TCHECK("main", ncolumns > 20 && dbms_name[0], "baselines");
    SQLFreeHandle(SQL_HANDLE_STMT, bst);

    shared_dbc = open_dbc("shared");
    if (!shared_dbc)
        return 1;
    /* several active statements on one connection are what the shared threads do */
    TCHECK("main", maxact == 0 || maxact > SHARED + 1, "MAX_CONCURRENT_ACTIVITIES %u allows the shared connection's use",
          (unsigned)maxact);

    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    test_cancel_isolation();
    double t0 = mono_s();

    cancel_pair pairs[2] = {{.name = "cancel-own"}, {.name = "cancel-shared"}};
    pairs[0].dbc = open_dbc(pairs[0].name);
    pairs[1].dbc = shared_dbc;
    pthread_t pt[4];
    for (int i = 0; i < 2; i++) {
        pairs[i].seed = 31337u + (unsigned)i;
        pairs[i].st = pairs[i].dbc ? stmt_for(pairs[i].name, pairs[i].dbc) : SQL_NULL_HSTMT;
    }

    pthread_t wt[WORKERS], stt[SHARED];
    worker_arg wa[WORKERS], sa[SHARED];
    for (int i = 0; i < WORKERS; i++) {
        wa[i].index = i;
        snprintf(wa[i].name, sizeof wa[i].name, "worker-%d", i);
        pthread_create(&wt[i], NULL, worker, &wa[i]);
    }
    for (int i = 0; i < SHARED; i++) {
        sa[i].index = i;
        snprintf(sa[i].name, sizeof sa[i].name, "shared-%d", i);
        pthread_create(&stt[i], NULL, shared_worker, &sa[i]);
    }
    int npairs = 0;
    for (int i = 0; i < 2; i++) {
        if (!pairs[i].st)
            continue;
        pthread_create(&pt[2 * i], NULL, cancel_target, &pairs[i]);
        pthread_create(&pt[2 * i + 1], NULL, canceller, &pairs[i]);
        npairs++;
    }

    for (int i = 0; i < WORKERS; i++)
        pthread_join(wt[i], NULL);
    for (int i = 0; i < SHARED; i++)
        pthread_join(stt[i], NULL);
    for (int i = 0; i < 2; i++) {
        if (!pairs[i].st)
            continue;
        pthread_join(pt[2 * i], NULL);
        pthread_join(pt[2 * i + 1], NULL);
    }
    atomic_store(&finished, 1);
    pthread_join(wd, NULL);
    printf("# threads done in %.1f s\n", mono_s() - t0);
    TCHECK("main", npairs == 2, "both cancel pairs ran");

    int cancelled = 0;
    for (int i = 0; i < 2; i++) {
        printf("# %s: %d cancelled (HY008), %d completed\n", pairs[i].name, pairs[i].cancelled, pairs[i].completed);
        cancelled += pairs[i].cancelled;
        TCHECK("main", pairs[i].cancelled + pairs[i].completed == CANCEL_ROUNDS, "%s: every round ended",
              pairs[i].name);
    }
    /* the cancels were real: most land while a statement runs */
    TCHECK("main", cancelled >= 2, "at least two statements were cancelled (%d)", cancelled);

    /* every connection is usable afterwards */
    SQLHDBC all[] = {base, shared_dbc, pairs[0].dbc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!all[i])
            continue;
        SQLHSTMT st = stmt_for("main", all[i]);
        SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)"SELECT count(*) FROM WorkItems", SQL_NTS);
        SQLBIGINT n = -1;
        if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(SQLFetch(st)))
            SQLGetData(st, 1, SQL_C_SBIGINT, &n, 0, NULL);
        TCHECK("main", n == nitems, "connection %zu after the threads: count %lld", i, (long long)n);
        SQLFreeHandle(SQL_HANDLE_STMT, st);
    }
    for (int i = 0; i < 2; i++)
        if (pairs[i].st)
            SQLFreeHandle(SQL_HANDLE_STMT, pairs[i].st);
    if (pairs[0].dbc)
        drop(pairs[0].dbc);
    drop(shared_dbc);
    free(emu_http("DELETE", "/_emulator/faults", NULL));
    for (int i = 0; i < nitems; i++)
        free(item_titles[i]);
    free(item_titles);
    free(item_ids);
    return harness_end(base);
}
