/*
 * odbc_harness.h — what the tests under tests/odbc/ share: the CHECK
 * counters, diagnostics helpers, and the connection setup through the REAL
 * unixODBC driver manager (the tests link -lodbc only, never the driver).
 *
 * Where a test connects:
 *   - AZDO_TEST_DSN set (make check: tests/run-test.sh starts the emulator
 *     and writes a sandbox ODBCSYSINI with DSN AzDOEmu): that DSN; the driver
 *     name, Url, PWD and Project are read from $ODBCSYSINI/odbc.ini.
 *   - otherwise: a sandbox written here (odbcinst.ini + odbc.ini in a temp
 *     dir, ODBCSYSINI pointing at it) for the driver at $AZDO_DRIVER_SO (or
 *     the build tree's), Url=$AZDO_TEST_URL, PWD=$AZDO_TEST_PAT.  When that
 *     backend cannot be reached the test is skipped (exit 77).
 * Tests that also talk to the emulator itself (harness_begin_emu) run only
 * under make check.
 */
#ifndef AZDO_ODBC_HARNESS_H
#define AZDO_ODBC_HARNESS_H

#include <sql.h>
#include <sqlext.h>
#include <stddef.h>
#include <stdio.h>

extern int checks, failures;
extern const char *group;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "FAIL [%s] %s:%d: ", group, __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

extern char dsn[128];
extern char drv_name[256];
extern char url[512];
extern char pat[512];
extern char project[256];
extern SQLHENV env;

/* First diagnostic of a handle: state into st (6 bytes), message into msg. */
void diag(SQLSMALLINT type, SQLHANDLE h, char *st, char *msg, size_t msglen);
/* "STATE message" of a handle's first diagnostic (a static buffer). */
const char *why(SQLSMALLINT type, SQLHANDLE h);
#define OK(rc, type, h) CHECK(SQL_SUCCEEDED(rc), "rc=%d %s", (int)(rc), why(type, h))
/* rc is SQL_ERROR with SQLSTATE want, and the message does not carry the PAT. */
void expect_state(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h, const char *want, const char *what);
/* rc is SQL_SUCCESS_WITH_INFO with SQLSTATE want. */
void expect_info(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE h, const char *want, const char *what);
void start(const char *group_name);

/* Reads `key` of section [sect] from an ini file; "" when absent. */
void ini_get(const char *path, const char *sect, const char *key, char *out, size_t n);
/* 0: AZDO_TEST_DSN is used; 1: an own sandbox was written; -1: failure. */
int setup_sandbox(void);
/* The driver library: $AZDO_DRIVER_SO, else the build tree's (what an own sandbox registers). */
const char *driver_so(void);

SQLHDBC new_dbc(void);
SQLHDBC connect_dsn(void);        /* SQL_NULL_HDBC when the connect fails (reason on stderr) */
void drop(SQLHDBC dbc);           /* disconnect and free */
SQLHSTMT new_stmt(SQLHDBC dbc);
SQLRETURN exec(SQLHSTMT st, const char *sql);
/* SQLDriverConnect of dbc to "DSN=<dsn>[;attrs]" (attrs may be NULL), no
 * prompt.  Prints nothing and touches no shared state: any thread may call it. */
SQLRETURN dsn_connect(SQLHDBC dbc, const char *attrs);

/* UTF-16 helpers for the W tests */
size_t w_from(const char *utf8, SQLWCHAR *out, size_t cap);
int w_eq_ascii(const SQLWCHAR *w, const char *a);

/*
 * The common main: sandbox, ODBC 3.80 environment, one connection.  Returns
 * 0 with *dbc set, or the exit code to return (77 skip, 99 setup failure).
 */
int harness_begin(SQLHDBC *dbc);
/* Disconnects dbc (if any), frees the environment, prints the summary; the exit code. */
int harness_end(SQLHDBC dbc);

/*
 * The main of a test that needs make check's emulator (AZDO_TEST_DSN,
 * ODBCSYSINI and AZDO_EMU_PORT, set by tests/run-test.sh): takes that DSN
 * and allocates env for odbc_version (SQL_OV_ODBC3…); connects nothing.
 * Returns 0, or 99 (the reason on stderr) when not run that way.
 */
int harness_begin_emu(SQLULEN odbc_version);
/* METHOD http://127.0.0.1:$AZDO_EMU_PORT<path> with an optional JSON body:
 * the body of a 200 answer (malloc'd), else NULL.  Thread-safe. */
char *emu_http(const char *method, const char *path, const char *body);

#endif
