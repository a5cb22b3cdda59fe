/*
 * sqlesc.h — ODBC escape sequences rewritten to SQLite SQL (PURE: no
 * handles, no I/O, no sqlite3 calls; tests/unit/test_escapes.c pins every
 * rule, docs/sql.md documents them for users).
 *
 * SQLPrepare / SQLExecDirect (unless SQL_ATTR_NOSCAN is SQL_NOSCAN_ON) and
 * SQLNativeSql pass the application's text through sqlesc_rewrite before
 * SQLite sees it.  Recognized, case-insensitively, outside string literals,
 * quoted identifiers and comments (the same lexical rules as sqlscan.h):
 *
 *   {fn NAME(args)}          scalar functions, mapped to SQLite built-ins
 *                            (the table in sqlesc.c); arguments may hold
 *                            nested escapes
 *   {d 'yyyy-mm-dd'}         -> 'yyyy-mm-dd'
 *   {t 'hh:mm:ss[.f]'}       -> 'hh:mm:ss[.fff]'
 *   {ts 'yyyy-mm-dd hh:mm:ss[.f]'}
 *                            -> 'yyyy-mm-dd hh:mm:ss.fff', the text form of
 *                            the driver's DateTime columns (docs/tables.md),
 *                            so =, <, BETWEEN compare as times
 *   {guid '…'}               -> '…'
 *   {oj …}                   -> … (outer joins are plain SQLite syntax)
 *   {escape 'c'}             -> ESCAPE 'c'
 *   --(*vendor(Microsoft),product(ODBC) … *)--   the long form of any of them
 *   {call …} / {?= call …}   -> 42000: there are no stored procedures
 *   anything else in braces  -> 42000
 *
 * When a translation repeats (or drops) an argument that holds a plain `?`
 * marker, every plain `?` of the statement is written as `?N` with the
 * number SQLite would have given it, so the statement keeps its parameter
 * count and order (sqlscan treats `?N` in order like `?`).
 */
#ifndef AZDO_SQLESC_H
#define AZDO_SQLESC_H

#include <stddef.h>

/* What the linked SQLite offers beyond its core functions. */
enum {
    SQLESC_CAP_MATH = 1,   /* SQLITE_ENABLE_MATH_FUNCTIONS: sqrt, pow, floor, ln, … */
    SQLESC_CAP_SOUNDEX = 2 /* SQLITE_SOUNDEX */
};

typedef struct sqlesc_env {
    const char *database; /* {fn DATABASE()}; NULL reads as '' */
    const char *user;     /* {fn USER()}; NULL reads as '' */
    unsigned caps;        /* SQLESC_CAP_* */
} sqlesc_env;

typedef struct sqlesc_result {
    char *sql;       /* malloc'd, NUL-terminated rewritten text; NULL after an error */
    size_t len;      /* strlen(sql) */
    char state[6];   /* after an error: "42000" (syntax), "22007" (bad date/time), "HY001" */
    char message[320];
} sqlesc_result;

/* 1 when sql[0..n) may hold an escape ('{' or "--(*"): the rewrite can be
 * skipped (and the text used as it is) otherwise. */
int sqlesc_maybe(const char *sql, size_t n);

/* Rewrites sql[0..n).  0: out->sql holds the text (free with
 * sqlesc_result_free).  -1: out->state / out->message say why. */
int sqlesc_rewrite(const char *sql, size_t n, const sqlesc_env *env, sqlesc_result *out);
void sqlesc_result_free(sqlesc_result *r);

/* The SQLGetInfo bitmasks the rewriter makes true, for SQL_STRING_FUNCTIONS,
 * SQL_NUMERIC_FUNCTIONS, SQL_TIMEDATE_FUNCTIONS, SQL_SYSTEM_FUNCTIONS,
 * SQL_TIMEDATE_ADD_INTERVALS / SQL_TIMEDATE_DIFF_INTERVALS (the same set)
 * and SQL_CONVERT_FUNCTIONS, given the SQLite capabilities. */
typedef enum sqlesc_mask {
    SQLESC_MASK_STRING,
    SQLESC_MASK_NUMERIC,
    SQLESC_MASK_TIMEDATE,
    SQLESC_MASK_SYSTEM,
    SQLESC_MASK_TSI,
    SQLESC_MASK_CONVERT
} sqlesc_mask;
unsigned long sqlesc_function_mask(sqlesc_mask which, unsigned caps);

/* The {fn} names the rewriter knows, for tests and docs: name i, or NULL
 * past the end; *cat gets its sqlesc_mask, *bit its SQL_FN_* bit, *caps the
 * SQLESC_CAP_* it needs. */
const char *sqlesc_function_at(size_t i, sqlesc_mask *cat, unsigned long *bit, unsigned *caps);

/* Not pure, so not in sqlesc.c: the SQLESC_CAP_* of the SQLite library the
 * driver runs with (driver/info.c asks sqlite3_compileoption_used). */
unsigned drv_sqlesc_caps(void);

#endif
