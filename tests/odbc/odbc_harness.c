/*
 * odbc_harness.c — see odbc_harness.h.
 */
#include "odbc_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AZDO_BUILD_DRIVER_SO
#define AZDO_BUILD_DRIVER_SO ".libs/libazdoodbc.so"
#endif

int checks, failures;
const char *group = "";
char dsn[128];
char drv_name[256];
char url[512];
char pat[512];
char project[256];

/* First diagnostic of a handle: state into st (6 bytes), message into msg. */
void diag(SQLSMALLINT type, SQLHANDLE h, char *st, char *msg, size_t msglen)
{
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    st[0] = msg[0] = '\0';
    SQLGetDiagRec(type, h, 1, (SQLCHAR *)st, &native, (SQLCHAR *)msg, (SQLSMALLINT)msglen, &len);
}

const char *why(SQLSMALLINT type, SQLHANDLE h)
{
    static char buf[1200];
    char st[6], msg[1024];
    diag(type, h, st, msg, sizeof msg);
    snprintf(buf, sizeof buf, "%s %s", st, msg);
    return buf;
}

void expect_state(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h, const char *want, const char *what)
{
    char st[6], msg[1024];
    diag(type, h, st, msg, sizeof msg);
    CHECK(rc == SQL_ERROR, "%s: rc=%d, want SQL_ERROR", what, (int)rc);
    CHECK(strcmp(st, want) == 0, "%s: state %s, want %s (%s)", what, st, want, msg);
    CHECK(!pat[0] || !strstr(msg, pat), "%s: the PAT appears in a message", what);
}

void expect_info(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h, const char *want, const char *what)
{
    char st[6], msg[1024];
    diag(type, h, st, msg, sizeof msg);
    CHECK(rc == SQL_SUCCESS_WITH_INFO, "%s: rc=%d, want SQL_SUCCESS_WITH_INFO (%s %s)", what, (int)rc, st, msg);
    CHECK(strcmp(st, want) == 0, "%s: state %s, want %s (%s)", what, st, want, msg);
}

void start(const char *g)
{
    group = g;
    printf("# %s\n", g);
}

/* Reads `key` of section [sect] from an ini file; "" when absent. */
void ini_get(const char *path, const char *sect, const char *key, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int in = 0;
    out[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        p[strcspn(p, "\r\n")] = '\0';
        if (*p == '[') {
            char *e = strchr(p, ']');
            in = e && (size_t)(e - p - 1) == strlen(sect) && strncasecmp(p + 1, sect, strlen(sect)) == 0;
            continue;
        }
        char *eq = strchr(p, '=');
        if (!in || !eq)
            continue;
        char *k = p, *ke = eq;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        if ((size_t)(ke - k) != strlen(key) || strncasecmp(k, key, strlen(key)) != 0)
            continue;
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = '\0';
        snprintf(out, n, "%s", v);
        break;
    }
    fclose(f);
}

static char sandbox_dir[64];

static void remove_sandbox(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/odbcinst.ini", sandbox_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/odbc.ini", sandbox_dir);
    unlink(path);
    rmdir(sandbox_dir);
}

const char *driver_so(void)
{
    const char *so = getenv("AZDO_DRIVER_SO");
    return so && *so ? so : AZDO_BUILD_DRIVER_SO;
}

int setup_sandbox(void)
{
    const char *env_dsn = getenv("AZDO_TEST_DSN");
    const char *sysini = getenv("ODBCSYSINI");
    char path[1024];
    if (env_dsn && *env_dsn && sysini && *sysini) {
        snprintf(dsn, sizeof dsn, "%s", env_dsn);
        snprintf(path, sizeof path, "%s/odbc.ini", sysini);
        ini_get(path, dsn, "Driver", drv_name, sizeof drv_name);
        ini_get(path, dsn, "Url", url, sizeof url);
        ini_get(path, dsn, "PWD", pat, sizeof pat);
        ini_get(path, dsn, "Project", project, sizeof project);
        return 0;
    }
    /* our own sandbox */
    char *dir = sandbox_dir;
    snprintf(sandbox_dir, sizeof sandbox_dir, "%s", "/tmp/azdo-odbc-test.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    atexit(remove_sandbox);
    const char *u = getenv("AZDO_TEST_URL");
    const char *p = getenv("AZDO_TEST_PAT");
    snprintf(dsn, sizeof dsn, "AzDOTest");
    snprintf(drv_name, sizeof drv_name, "AzDOTestDriver");
    snprintf(url, sizeof url, "%s", u && *u ? u : "http://127.0.0.1:9/fabrikam");
    snprintf(pat, sizeof pat, "%s", p && *p ? p : "test-pat-not-a-secret");
    snprintf(path, sizeof path, "%s/odbcinst.ini", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[%s]\nDriver=%s\nThreading=1\n", drv_name, driver_so());
    fclose(f);
    snprintf(path, sizeof path, "%s/odbc.ini", dir);
    f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[%s]\nDriver=%s\nUrl=%s\nPWD=%s\n", dsn, drv_name, url, pat);
    fclose(f);
    setenv("ODBCSYSINI", dir, 1);
    unsetenv("ODBCINI");
    return 1;
}

SQLHENV env;

SQLHDBC new_dbc(void)
{
    SQLHDBC dbc = SQL_NULL_HDBC;
    SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
    return dbc;
}

SQLHDBC connect_dsn(void)
{
    SQLHDBC dbc = new_dbc();
    SQLRETURN rc = SQLConnect(dbc, (SQLCHAR *)dsn, SQL_NTS, NULL, 0, NULL, 0);
    if (!SQL_SUCCEEDED(rc)) {
        fprintf(stderr, "connect to %s failed: %s\n", dsn, why(SQL_HANDLE_DBC, dbc));
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return SQL_NULL_HDBC;
    }
    return dbc;
}

SQLRETURN dsn_connect(SQLHDBC dbc, const char *attrs)
{
    char cs[512];
    snprintf(cs, sizeof cs, "DSN=%s%s%s", dsn, attrs ? ";" : "", attrs ? attrs : "");
    return SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL, SQL_DRIVER_NOPROMPT);
}

void drop(SQLHDBC dbc)
{
    SQLDisconnect(dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
}

SQLHSTMT new_stmt(SQLHDBC dbc)
{
    SQLHSTMT st = SQL_NULL_HSTMT;
    SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
    OK(rc, SQL_HANDLE_DBC, dbc);
    return st;
}

SQLRETURN exec(SQLHSTMT st, const char *sql)
{
    return SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
}

/* UTF-16 helpers for the W tests */
size_t w_from(const char *ascii_or_u8, SQLWCHAR *out, size_t cap)
{
    /* enough UTF-8 decoding for the test strings (BMP + one astral plane) */
    const unsigned char *s = (const unsigned char *)ascii_or_u8;
    size_t n = 0;
    while (*s && n + 2 < cap) {
        unsigned cp;
        if (*s < 0x80) {
            cp = *s++;
        } else if ((*s & 0xE0) == 0xC0) {
            cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
            s += 2;
        } else if ((*s & 0xF0) == 0xE0) {
            cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
            s += 3;
        } else {
            cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
            s += 4;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[n++] = (SQLWCHAR)(0xD800 + (cp >> 10));
            out[n++] = (SQLWCHAR)(0xDC00 + (cp & 0x3FF));
        } else {
            out[n++] = (SQLWCHAR)cp;
        }
    }
    out[n] = 0;
    return n;
}

int w_eq_ascii(const SQLWCHAR *w, const char *a)
{
    for (; *a; a++, w++)
        if (*w != (unsigned char)*a)
            return 0;
    return *w == 0;
}

int harness_begin(SQLHDBC *dbc)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    *dbc = SQL_NULL_HDBC;
    int own = setup_sandbox();
    if (own < 0) {
        fprintf(stderr, "cannot write the sandbox\n");
        return 99;
    }
    printf("# DSN %s (%s sandbox), driver %s\n", dsn, own ? "own" : "given", drv_name);
    if (SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env) != SQL_SUCCESS)
        return 99;
    if (!SQL_SUCCEEDED(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3_80, 0))) {
        fprintf(stderr, "ODBC 3.80 refused\n");
        return 1;
    }
    *dbc = connect_dsn();
    if (!*dbc) {
        if (own) {
            printf("# SKIP: no backend behind %s (set AZDO_TEST_DSN or run via make check)\n", url);
            return 77;
        }
        return 1;
    }
    return 0;
}

int harness_end(SQLHDBC dbc)
{
    if (dbc)
        drop(dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    printf("# %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

int harness_begin_emu(SQLULEN odbc_version)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *d = getenv("AZDO_TEST_DSN"), *sysini = getenv("ODBCSYSINI");
    if (!d || !*d || !sysini || !*sysini || !getenv("AZDO_EMU_PORT")) {
        fprintf(stderr, "run this through make check (tests/run-test.sh starts the emulator and the DSN)\n");
        return 99;
    }
    if (setup_sandbox() != 0 || SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env) != SQL_SUCCESS)
        return 99;
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)odbc_version, 0);
    return 0;
}

char *emu_http(const char *method, const char *path, const char *body)
{
    const char *port = getenv("AZDO_EMU_PORT");
    if (!port)
        return NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     method, path, port, body ? strlen(body) : 0, body ? body : "");
    if (n < 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n) {
        close(fd);
        return NULL;
    }
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd, buf + got, cap - got - 1)) > 0) {
        got += (size_t)r;
        if (got + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    close(fd);
    buf[got] = '\0';
    char *b = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0 || !b) {
        free(buf);
        return NULL;
    }
    memmove(buf, b + 4, strlen(b + 4) + 1);
    return buf;
}
