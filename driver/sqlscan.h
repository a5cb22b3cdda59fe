/*
 * sqlscan.h — a light lexical look at SQL text (PURE: no handles, no sqlite3
 * calls; tests/unit/test_driver_sqlscan.c pins the rules).
 *
 * The driver never parses SQL for real (SQLite does); it only needs two
 * answers before SQLite sees the text:
 *
 *  - What kind of statement it is: the first keyword after white space, ';'
 *    and comments (-- … and / * … * /), case-insensitive — or, when that is
 *    WITH, the first keyword after the common table expressions
 *    (WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (…) [, …]).
 *    stmt.c calls azdo_session_set_write_intent with "UPDATE or DELETE"
 *    before every prepare, and uses the kind for SQLRowCount / SQL_NO_DATA.
 *
 *  - Which column each parameter marker feeds, for SQLDescribeParam:
 *      INSERT|REPLACE [OR x] INTO [schema.]t [AS a] (c1, c2, …) VALUES (?, ?, …)[, (…)]
 *          a VALUES element that is exactly `?` maps to its column;
 *      INSERT INTO t VALUES (?, …)  (no column list)
 *          maps to the table's k-th column (ordinal; the caller resolves it);
 *      any `?` right after `column <op>` where <op> is =, ==, <>, !=, <, <=,
 *          >, >=, LIKE, GLOB, IS, IS NOT: UPDATE … SET c = ?, WHERE c = ? AND
 *          t.c >= ?, ON CONFLICT … SET c = ?; the column belongs to the
 *          statement's table (INSERT/UPDATE/DELETE target, or the first
 *          table after FROM in a SELECT).
 *    Markers are `?` numbered left to right as SQLite numbers them; `?N`
 *    where N is the marker's own position counts as `?` (sqlesc.h writes
 *    them so).  With any other numbered or named marker (?NNN, :x, @x, $x)
 *    the numbering is SQLite's business and nothing is mapped.  Strings, quoted identifiers ("…",
 *    `…`, […]) and comments are skipped correctly; anything else unmapped
 *    is simply unknown (the caller describes it generically).
 */
#ifndef AZDO_SQLSCAN_H
#define AZDO_SQLSCAN_H

#include <stddef.h>

typedef enum sqlscan_kind {
    SQLK_EMPTY = 0, /* nothing but blanks, ';' and comments */
    SQLK_OTHER,     /* CREATE, PRAGMA, EXPLAIN, … */
    SQLK_SELECT,
    SQLK_VALUES,
    SQLK_INSERT,
    SQLK_REPLACE,
    SQLK_UPDATE,
    SQLK_DELETE
} sqlscan_kind;

/* The kind of the (first) statement in sql[0..n). */
sqlscan_kind sqlscan_kind_of(const char *sql, size_t n);

/* UPDATE or DELETE (after a leading WITH clause): the write-intent flag. */
int sqlscan_is_update_or_delete(const char *sql, size_t n);

/* The index of the first character at or after i that is not white space or
 * an SQL comment (-- … and / * … * /), nor a ';' when `semicolons` is set. */
size_t sqlscan_skip_blanks(const char *s, size_t n, size_t i, int semicolons);

typedef struct sqlscan_target {
    char *column; /* target column name (unquoted), or NULL */
    int ordinal;  /* 1-based column position (INSERT without a column list), or 0 */
} sqlscan_target;

typedef struct sqlscan_targets {
    sqlscan_kind kind;
    char *schema;            /* "temp", "main" … when the table was qualified, else NULL */
    char *table;             /* the statement's table, or NULL */
    int nparams;             /* `?` markers counted (0 when markers are numbered/named) */
    sqlscan_target *targets; /* nparams entries */
} sqlscan_targets;

/* Fills *out (free with sqlscan_targets_free).  Returns 0, or -1 when out of memory. */
int sqlscan_param_targets(const char *sql, size_t n, sqlscan_targets *out);
void sqlscan_targets_free(sqlscan_targets *t);

#endif
