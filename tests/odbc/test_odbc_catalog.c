/*
 * test_odbc_catalog.c — the catalog functions through the real unixODBC
 * driver manager: result shapes (ODBC 3 names, order, types, NULL not ''),
 * SQLTables' enumerations and type lists, SQLColumns agreeing with
 * SQLDescribeCol and SQLGetTypeInfo, keys (SQLPrimaryKeys, SQLForeignKeys,
 * SQLStatistics, SQLSpecialColumns), the empty but shaped results, pattern
 * escapes and SQL_ATTR_METADATA_ID.
 *
 * Expected names come from the session itself where they depend on the
 * organization (a `PRAGMA table_xinfo` query), so the checks hold for any
 * field set; the Azure DevOps tables themselves are fixed.
 */
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odbc_harness.h"

/* ---- helpers ---------------------------------------------------------------------------- */

#define MAXROWS 400
#define MAXCOLS 20
#define CELL 160

/* A fetched result: every cell as text (SQL_C_CHAR), NULL kept apart from ''. */
typedef struct result {
    int nrows, ncols;
    char names[MAXCOLS][64];
    SQLSMALLINT types[MAXCOLS];
    char cell[MAXROWS][MAXCOLS][CELL];
    int null[MAXROWS][MAXCOLS];
} result;

static result R; /* large: one at a time */

/* Reads the whole open result of st into R; returns the row count (or -1). */
static int slurp(SQLHSTMT st)
{
    memset(&R, 0, sizeof R);
    SQLSMALLINT n = 0;
    if (!SQL_SUCCEEDED(SQLNumResultCols(st, &n)) || n > MAXCOLS)
        return -1;
    R.ncols = n;
    for (SQLUSMALLINT c = 1; c <= n; c++) {
        SQLULEN size;
        SQLSMALLINT digits, nullable, namelen;
        SQLDescribeCol(st, c, (SQLCHAR *)R.names[c - 1], sizeof R.names[0], &namelen, &R.types[c - 1], &size,
                       &digits, &nullable);
    }
    SQLRETURN rc;
    while ((rc = SQLFetch(st)) == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
        if (R.nrows == MAXROWS)
            break;
        for (SQLUSMALLINT c = 1; c <= n; c++) {
            SQLLEN ind = 0;
            SQLGetData(st, c, SQL_C_CHAR, R.cell[R.nrows][c - 1], CELL, &ind);
            R.null[R.nrows][c - 1] = ind == SQL_NULL_DATA;
        }
        R.nrows++;
    }
    SQLCloseCursor(st);
    return R.nrows;
}

static int col_of(const char *name)
{
    for (int c = 0; c < R.ncols; c++)
        if (strcmp(R.names[c], name) == 0)
            return c;
    return -1;
}

static const char *cell(int row, const char *name)
{
    int c = col_of(name);
    return c < 0 || R.null[row][c] ? NULL : R.cell[row][c];
}

static int is_null(int row, const char *name)
{
    int c = col_of(name);
    return c >= 0 && R.null[row][c];
}

/* The row whose column `key` equals v (case-insensitive); -1 when none. */
static int find_row(const char *key, const char *v)
{
    int c = col_of(key);
    for (int r = 0; c >= 0 && r < R.nrows; r++)
        if (!R.null[r][c] && strcasecmp(R.cell[r][c], v) == 0)
            return r;
    return -1;
}

/* The result's column names and SQL types are exactly `names` / `types`. */
static void check_shape(const char *what, const char *const *names, const SQLSMALLINT *types, int n)
{
    CHECK(R.ncols == n, "%s: %d columns, want %d", what, R.ncols, n);
    for (int i = 0; i < n && i < R.ncols; i++) {
        CHECK(strcmp(R.names[i], names[i]) == 0, "%s: column %d is %s, want %s", what, i + 1, R.names[i], names[i]);
        if (types[i] == SQL_WVARCHAR)
            CHECK(R.types[i] == SQL_WVARCHAR || R.types[i] == SQL_VARCHAR, "%s: %s type %d", what, names[i],
                  R.types[i]);
        else
            CHECK(R.types[i] == types[i], "%s: %s type %d, want %d", what, names[i], R.types[i], types[i]);
    }
}

static long scalar_long(SQLHDBC dbc, const char *sql)
{
    SQLHSTMT st = new_stmt(dbc);
    SQLINTEGER v = -1;
    SQLLEN ind;
    if (SQL_SUCCEEDED(exec(st, sql)) && SQL_SUCCEEDED(SQLFetch(st)))
        SQLGetData(st, 1, SQL_C_SLONG, &v, 0, &ind);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    return v;
}

#define V SQL_WVARCHAR
#define S SQL_SMALLINT
#define I SQL_INTEGER

/* ---- SQLTables ------------------------------------------------------------------------------ */

static void test_tables(SQLHDBC dbc)
{
    start("SQLTables");
    static const char *const names[] = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"};
    static const SQLSMALLINT types[] = {V, V, V, V, V};
    SQLHSTMT st = new_stmt(dbc);
    OK(exec(st, "CREATE TEMP TABLE zlocal(k INTEGER PRIMARY KEY, v TEXT)"), SQL_HANDLE_STMT, st);

    /* all NULL: everything (isql `help`) */
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    check_shape("SQLTables", names, types, 5);
    long main_objs = scalar_long(dbc, "SELECT count(*) FROM sqlite_schema WHERE type IN ('table','view') "
                                      "AND name NOT LIKE 'sqlite%'");
    CHECK(R.nrows == main_objs + 1, "all tables: %d rows, want %ld + 1 temp", R.nrows, main_objs);
    int w = find_row("TABLE_NAME", "WorkItems");
    CHECK(w >= 0 && strcmp(cell(w, "TABLE_TYPE"), "TABLE") == 0, "WorkItems is a TABLE");
    CHECK(w >= 0 && is_null(w, "TABLE_CAT") && is_null(w, "TABLE_SCHEM") && is_null(w, "REMARKS"),
          "absent values are NULL, not ''");
    int c = find_row("TABLE_NAME", "WorkItemComments");
    CHECK(c >= 0 && strcmp(cell(c, "TABLE_TYPE"), "TABLE") == 0, "WorkItemComments is a TABLE");
    if (scalar_long(dbc, "SELECT count(*) FROM sqlite_schema WHERE name = 'Tasks' AND type = 'view'") == 1) {
        int t = find_row("TABLE_NAME", "Tasks");
        CHECK(t >= 0 && strcmp(cell(t, "TABLE_TYPE"), "VIEW") == 0, "Tasks is a VIEW");
    }
    int z = find_row("TABLE_NAME", "zlocal");
    CHECK(z >= 0 && strcmp(cell(z, "TABLE_TYPE"), "LOCAL TEMPORARY") == 0, "a TEMP table is LOCAL TEMPORARY");
    /* ordered by TABLE_TYPE, then TABLE_NAME */
    int sorted = 1;
    for (int r = 1; r < R.nrows; r++) {
        int t = strcmp(cell(r - 1, "TABLE_TYPE"), cell(r, "TABLE_TYPE"));
        if (t > 0 || (t == 0 && strcmp(cell(r - 1, "TABLE_NAME"), cell(r, "TABLE_NAME")) > 0))
            sorted = 0;
    }
    CHECK(sorted, "rows ordered by TABLE_TYPE, TABLE_NAME");

    /* type lists, quoted or not */
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)"'VIEW'", SQL_NTS), SQL_HANDLE_STMT, st);
    slurp(st);
    int views_only = 1;
    for (int r = 0; r < R.nrows; r++)
        views_only &= strcmp(cell(r, "TABLE_TYPE"), "VIEW") == 0;
    CHECK(views_only && R.nrows == scalar_long(dbc, "SELECT count(*) FROM sqlite_schema WHERE type = 'view'"),
          "'VIEW' lists the views (%d)", R.nrows);
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)"TABLE, VIEW", SQL_NTS), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == main_objs && find_row("TABLE_NAME", "zlocal") < 0, "TABLE, VIEW: %d rows", R.nrows);
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)"'TABLE','LOCAL TEMPORARY'", SQL_NTS), SQL_HANDLE_STMT,
       st);
    slurp(st);
    CHECK(find_row("TABLE_NAME", "WorkItems") >= 0 && find_row("TABLE_NAME", "zlocal") >= 0 &&
              find_row("TABLE_TYPE", "VIEW") < 0,
          "'TABLE','LOCAL TEMPORARY'");
    OK(SQLTables(st, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)"SYNONYM", SQL_NTS), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "an unknown type matches nothing");

    /* patterns, the escape character */
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"Work%", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 2 && find_row("TABLE_NAME", "WorkItems") >= 0 && find_row("TABLE_NAME", "WorkItemComments") >= 0,
          "Work%% matches the two work-item tables (%d)", R.nrows);
    OK(exec(st, "CREATE TEMP TABLE \"z_x\"(a)"), SQL_HANDLE_STMT, st);
    OK(exec(st, "CREATE TEMP TABLE \"zax\"(a)"), SQL_HANDLE_STMT, st);
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"z\\_x", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && find_row("TABLE_NAME", "z_x") >= 0, "escaped _ matches only z_x (%d)", R.nrows);
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"z_x", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 2, "unescaped _ is a wildcard");
    OK(SQLTables(st, NULL, 0, (SQLCHAR *)"someschema", SQL_NTS, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "a schema that does not exist matches nothing");

    /* the enumerations */
    OK(SQLTables(st, (SQLCHAR *)SQL_ALL_CATALOGS, SQL_NTS, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, NULL, 0),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 0 && R.ncols == 5, "catalog list: none (SQL_CATALOG_NAME is N)");
    OK(SQLTables(st, (SQLCHAR *)"", 0, (SQLCHAR *)SQL_ALL_SCHEMAS, SQL_NTS, (SQLCHAR *)"", 0, NULL, 0),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 0 && R.ncols == 5, "schema list: none");
    OK(SQLTables(st, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, (SQLCHAR *)"", 0, (SQLCHAR *)SQL_ALL_TABLE_TYPES, SQL_NTS),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 3 && find_row("TABLE_TYPE", "TABLE") >= 0 && find_row("TABLE_TYPE", "VIEW") >= 0 &&
              find_row("TABLE_TYPE", "LOCAL TEMPORARY") >= 0 && is_null(0, "TABLE_NAME"),
          "table type list (%d rows)", R.nrows);

    /* W form */
    SQLWCHAR wt[32];
    w_from("WorkItems", wt, 32);
    OK(SQLTablesW(st, NULL, 0, NULL, 0, wt, SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 1, "SQLTablesW finds WorkItems");
    OK(exec(st, "DROP TABLE z_x"), SQL_HANDLE_STMT, st);
    OK(exec(st, "DROP TABLE zax"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- SQLColumns, SQLGetTypeInfo --------------------------------------------------------- */

static void test_columns(SQLHDBC dbc)
{
    start("SQLColumns agrees with SQLDescribeCol and SQLGetTypeInfo");
    static const char *const names[] = {
        "TABLE_CAT",      "TABLE_SCHEM",   "TABLE_NAME",       "COLUMN_NAME",       "DATA_TYPE",   "TYPE_NAME",
        "COLUMN_SIZE",    "BUFFER_LENGTH", "DECIMAL_DIGITS",   "NUM_PREC_RADIX",    "NULLABLE",    "REMARKS",
        "COLUMN_DEF",     "SQL_DATA_TYPE", "SQL_DATETIME_SUB", "CHAR_OCTET_LENGTH", "ORDINAL_POSITION",
        "IS_NULLABLE"};
    static const SQLSMALLINT types[] = {V, V, V, V, S, V, I, I, S, S, S, V, V, S, S, I, I, V};
    SQLHSTMT st = new_stmt(dbc);
    OK(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    check_shape("SQLColumns", names, types, 18);
    long ncols = scalar_long(dbc, "SELECT count(*) FROM pragma_table_xinfo('WorkItems') WHERE hidden <> 1");
    CHECK(R.nrows == ncols && ncols > 5, "one row per WorkItems column (%d / %ld)", R.nrows, ncols);
    for (int r = 0; r < R.nrows; r++)
        CHECK(atoi(cell(r, "ORDINAL_POSITION")) == r + 1, "ORDINAL_POSITION %d", r + 1);

    /* copy what SQLColumns said, then compare with SQLDescribeCol of SELECT * */
    int n = R.nrows;
    static char cname[MAXROWS][64], tname[MAXROWS][64];
    static int dtype[MAXROWS], csize[MAXROWS];
    for (int r = 0; r < n; r++) {
        snprintf(cname[r], sizeof cname[r], "%s", cell(r, "COLUMN_NAME"));
        snprintf(tname[r], sizeof tname[r], "%s", cell(r, "TYPE_NAME"));
        dtype[r] = atoi(cell(r, "DATA_TYPE"));
        csize[r] = cell(r, "COLUMN_SIZE") ? atoi(cell(r, "COLUMN_SIZE")) : -1;
    }
    OK(SQLPrepare(st, (SQLCHAR *)"SELECT * FROM WorkItems WHERE 1 = 0", SQL_NTS), SQL_HANDLE_STMT, st);
    SQLSMALLINT dn = 0;
    OK(SQLNumResultCols(st, &dn), SQL_HANDLE_STMT, st);
    CHECK(dn == n, "SELECT * has %d columns, SQLColumns %d", dn, n);
    for (int i = 0; i < n && i < dn; i++) {
        SQLCHAR name[128];
        SQLSMALLINT nl, t, dg, nu;
        SQLULEN sz;
        SQLDescribeCol(st, (SQLUSMALLINT)(i + 1), name, sizeof name, &nl, &t, &sz, &dg, &nu);
        CHECK(strcmp((char *)name, cname[i]) == 0 && t == dtype[i] && (int)sz == csize[i],
              "column %d: SQLColumns %s %d(%d), SQLDescribeCol %s %d(%lu)", i + 1, cname[i], dtype[i], csize[i],
              (char *)name, t, (unsigned long)sz);
        char tn[64];
        SQLSMALLINT tnl;
        SQLColAttribute(st, (SQLUSMALLINT)(i + 1), SQL_DESC_TYPE_NAME, tn, sizeof tn, &tnl, NULL);
        CHECK(strcmp(tn, tname[i]) == 0, "column %d TYPE_NAME %s / %s", i + 1, tn, tname[i]);
    }
    SQLFreeStmt(st, SQL_CLOSE);

    /* every DATA_TYPE/TYPE_NAME SQLColumns used has a SQLGetTypeInfo row with that name */
    OK(SQLGetTypeInfo(st, SQL_ALL_TYPES), SQL_HANDLE_STMT, st);
    slurp(st);
    static const char *const ti_names[] = {
        "TYPE_NAME",        "DATA_TYPE",        "COLUMN_SIZE",    "LITERAL_PREFIX",     "LITERAL_SUFFIX",
        "CREATE_PARAMS",    "NULLABLE",         "CASE_SENSITIVE", "SEARCHABLE",         "UNSIGNED_ATTRIBUTE",
        "FIXED_PREC_SCALE", "AUTO_UNIQUE_VALUE", "LOCAL_TYPE_NAME", "MINIMUM_SCALE",     "MAXIMUM_SCALE",
        "SQL_DATA_TYPE",    "SQL_DATETIME_SUB", "NUM_PREC_RADIX", "INTERVAL_PRECISION"};
    static const SQLSMALLINT ti_types[] = {V, S, I, V, V, V, S, S, S, S, S, S, V, S, S, S, S, I, S};
    check_shape("SQLGetTypeInfo", ti_names, ti_types, 19);
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int r = 0; r < R.nrows; r++)
            found |= atoi(cell(r, "DATA_TYPE")) == dtype[i] && strcmp(cell(r, "TYPE_NAME"), tname[i]) == 0;
        CHECK(found, "type %s/%d of %s has a SQLGetTypeInfo row", tname[i], dtype[i], cname[i]);
    }
    int sorted = 1, wide = 0, wlong = 0, big255 = 0;
    for (int r = 0; r < R.nrows; r++) {
        int t = atoi(cell(r, "DATA_TYPE"));
        if (r && atoi(cell(r - 1, "DATA_TYPE")) > t)
            sorted = 0;
        wide |= t == SQL_WVARCHAR;
        wlong |= t == SQL_WLONGVARCHAR;
        big255 |= (t == SQL_WVARCHAR || t == SQL_WLONGVARCHAR) && cell(r, "COLUMN_SIZE") &&
                  atoi(cell(r, "COLUMN_SIZE")) == 255;
    }
    CHECK(sorted && wide && wlong && !big255, "type rows sorted, wide types present, no default 255");
    int all_rows = R.nrows;
    OK(SQLGetTypeInfo(st, SQL_WLONGVARCHAR), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && atoi(cell(0, "COLUMN_SIZE")) > 65535 && strcmp(cell(0, "TYPE_NAME"), "TEXT") == 0,
          "WLONGVARCHAR: one row, a long size (%d)", R.nrows);
    OK(SQLGetTypeInfo(st, SQL_TYPE_TIMESTAMP), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && atoi(cell(0, "DATA_TYPE")) == SQL_TYPE_TIMESTAMP, "TYPE_TIMESTAMP filter");
    OK(SQLGetTypeInfo(st, SQL_CHAR), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0 && all_rows > 5, "a type the driver does not report: no rows");

    /* a column pattern, and a TEMP table's columns in order */
    OK(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, (SQLCHAR *)"I_", SQL_NTS),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && strcmp(cell(0, "COLUMN_NAME"), "Id") == 0 && atoi(cell(0, "ORDINAL_POSITION")) == 1,
          "column pattern I_ finds Id at position 1");
    OK(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"zlocal", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 2 && strcmp(cell(1, "COLUMN_NAME"), "v") == 0 &&
              atoi(cell(1, "DATA_TYPE")) == SQL_WLONGVARCHAR && strcmp(cell(1, "IS_NULLABLE"), "YES") == 0,
          "TEMP table columns");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- keys --------------------------------------------------------------------------------- */

static void test_keys(SQLHDBC dbc)
{
    start("SQLPrimaryKeys, SQLForeignKeys, SQLStatistics, SQLSpecialColumns");
    SQLHSTMT st = new_stmt(dbc);
    static const char *const pk_names[] = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ",
                                           "PK_NAME"};
    static const SQLSMALLINT pk_types[] = {V, V, V, V, S, V};
    OK(SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS), SQL_HANDLE_STMT, st);
    slurp(st);
    check_shape("SQLPrimaryKeys", pk_names, pk_types, 6);
    CHECK(R.nrows == 1 && strcmp(cell(0, "COLUMN_NAME"), "Id") == 0 && strcmp(cell(0, "KEY_SEQ"), "1") == 0 &&
              is_null(0, "TABLE_CAT"),
          "WorkItems key is Id (%d rows)", R.nrows);
    OK(SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItemComments", SQL_NTS), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && strcmp(cell(0, "COLUMN_NAME"), "CommentId") == 0, "WorkItemComments key is CommentId");
    OK(exec(st, "CREATE TEMP TABLE zpk(a INTEGER, b TEXT, c INTEGER, PRIMARY KEY (b, a))"), SQL_HANDLE_STMT, st);
    OK(SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"zpk", SQL_NTS), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 2 && strcmp(cell(0, "COLUMN_NAME"), "b") == 0 && strcmp(cell(1, "COLUMN_NAME"), "a") == 0 &&
              strcmp(cell(1, "KEY_SEQ"), "2") == 0,
          "a local table's composite key in key order");
    OK(SQLPrimaryKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"NoSuchTable", SQL_NTS), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "no table, no key");
    expect_state(SQLPrimaryKeys(st, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st, "HY009", "table required");

    /* foreign keys */
    static const char *const fk_names[] = {"PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME",
                                           "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME",
                                           "KEY_SEQ",     "UPDATE_RULE",   "DELETE_RULE",  "FK_NAME",
                                           "PK_NAME",     "DEFERRABILITY"};
    static const SQLSMALLINT fk_types[] = {V, V, V, V, V, V, V, V, S, S, S, V, V, S};
    int has_parent = scalar_long(dbc, "SELECT count(*) FROM pragma_table_xinfo('WorkItems') WHERE name = 'ParentId'") == 1;
    int has_tasks = scalar_long(dbc, "SELECT count(*) FROM sqlite_schema WHERE name = 'Tasks'") == 1;
    OK(SQLForeignKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0, NULL, 0, NULL, 0),
       SQL_HANDLE_STMT, st);
    slurp(st);
    check_shape("SQLForeignKeys", fk_names, fk_types, 14);
    CHECK(R.nrows == 1 + has_parent + has_tasks, "references to WorkItems: %d", R.nrows);
    int r = find_row("FKTABLE_NAME", "WorkItemComments");
    CHECK(r >= 0 && strcmp(cell(r, "FKCOLUMN_NAME"), "WorkItemId") == 0 && strcmp(cell(r, "PKCOLUMN_NAME"), "Id") == 0 &&
              atoi(cell(r, "DELETE_RULE")) == SQL_CASCADE && strcmp(cell(r, "PK_NAME"), "PK_WorkItems") == 0,
          "WorkItemComments.WorkItemId -> WorkItems.Id");
    if (has_parent) {
        int p = -1;
        for (int i = 0; i < R.nrows; i++)
            if (strcmp(cell(i, "FKCOLUMN_NAME"), "ParentId") == 0)
                p = i;
        CHECK(p >= 0 && strcmp(cell(p, "FKTABLE_NAME"), "WorkItems") == 0 && atoi(cell(p, "DELETE_RULE")) == SQL_SET_NULL,
              "WorkItems.ParentId -> WorkItems.Id");
    }
    /* ordered by FKTABLE_NAME when the primary-key table is given */
    for (int i = 1; i < R.nrows; i++)
        CHECK(strcmp(cell(i - 1, "FKTABLE_NAME"), cell(i, "FKTABLE_NAME")) <= 0, "FK rows ordered");
    OK(SQLForeignKeys(st, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItemComments", SQL_NTS),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && strcmp(cell(0, "PKTABLE_NAME"), "WorkItems") == 0, "keys WorkItemComments refers to");
    OK(exec(st, "CREATE TEMP TABLE zchild(id INTEGER, p_b TEXT, p_a INTEGER, "
                "FOREIGN KEY (p_b, p_a) REFERENCES zpk ON DELETE CASCADE)"),
       SQL_HANDLE_STMT, st);
    OK(SQLForeignKeys(st, NULL, 0, NULL, 0, (SQLCHAR *)"zpk", SQL_NTS, NULL, 0, NULL, 0, (SQLCHAR *)"zchild", SQL_NTS),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 2 && strcmp(cell(0, "FKCOLUMN_NAME"), "p_b") == 0 && strcmp(cell(0, "PKCOLUMN_NAME"), "b") == 0 &&
              strcmp(cell(1, "PKCOLUMN_NAME"), "a") == 0 && atoi(cell(1, "KEY_SEQ")) == 2 &&
              atoi(cell(0, "DELETE_RULE")) == SQL_CASCADE && atoi(cell(0, "UPDATE_RULE")) == SQL_NO_ACTION,
          "a local FOREIGN KEY to an implicit parent key (%d rows)", R.nrows);
    expect_state(SQLForeignKeys(st, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st,
                 "HY009", "both tables NULL");

    /* statistics */
    static const char *const st_names[] = {"TABLE_CAT",        "TABLE_SCHEM", "TABLE_NAME",  "NON_UNIQUE",
                                           "INDEX_QUALIFIER",  "INDEX_NAME",  "TYPE",        "ORDINAL_POSITION",
                                           "COLUMN_NAME",      "ASC_OR_DESC", "CARDINALITY", "PAGES",
                                           "FILTER_CONDITION"};
    static const SQLSMALLINT st_types[] = {V, V, V, S, V, V, S, S, V, V, I, I, V};
    OK(SQLStatistics(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, SQL_INDEX_ALL, SQL_QUICK), SQL_HANDLE_STMT,
       st);
    slurp(st);
    check_shape("SQLStatistics", st_names, st_types, 13);
    CHECK(R.nrows == 2 && atoi(cell(0, "TYPE")) == SQL_TABLE_STAT && is_null(0, "NON_UNIQUE") &&
              is_null(0, "INDEX_NAME") && strcmp(cell(1, "COLUMN_NAME"), "Id") == 0 &&
              strcmp(cell(1, "NON_UNIQUE"), "0") == 0 && atoi(cell(1, "ORDINAL_POSITION")) == 1,
          "WorkItems: the table row, then the unique index on Id (%d rows)", R.nrows);
    OK(exec(st, "CREATE INDEX zpk_c ON zpk(c DESC)"), SQL_HANDLE_STMT, st);
    OK(SQLStatistics(st, NULL, 0, NULL, 0, (SQLCHAR *)"zpk", SQL_NTS, SQL_INDEX_ALL, SQL_QUICK), SQL_HANDLE_STMT, st);
    slurp(st);
    int ix = find_row("INDEX_NAME", "zpk_c");
    CHECK(R.nrows == 4 && ix >= 0 && strcmp(cell(ix, "NON_UNIQUE"), "1") == 0 && strcmp(cell(ix, "ASC_OR_DESC"), "D") == 0,
          "local indexes: table row, the 2-column key, zpk_c (%d rows)", R.nrows);
    OK(SQLStatistics(st, NULL, 0, NULL, 0, (SQLCHAR *)"zpk", SQL_NTS, SQL_INDEX_UNIQUE, SQL_QUICK), SQL_HANDLE_STMT,
       st);
    slurp(st);
    CHECK(R.nrows == 3 && find_row("INDEX_NAME", "zpk_c") < 0, "SQL_INDEX_UNIQUE leaves out zpk_c");

    /* special columns */
    static const char *const sc_names[] = {"SCOPE",         "COLUMN_NAME",    "DATA_TYPE",    "TYPE_NAME",
                                           "COLUMN_SIZE",   "BUFFER_LENGTH",  "DECIMAL_DIGITS", "PSEUDO_COLUMN"};
    static const SQLSMALLINT sc_types[] = {S, V, S, V, I, I, S, S};
    OK(SQLSpecialColumns(st, SQL_BEST_ROWID, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, SQL_SCOPE_CURROW,
                         SQL_NULLABLE),
       SQL_HANDLE_STMT, st);
    slurp(st);
    check_shape("SQLSpecialColumns", sc_names, sc_types, 8);
    CHECK(R.nrows == 1 && strcmp(cell(0, "COLUMN_NAME"), "Id") == 0 && atoi(cell(0, "SCOPE")) == SQL_SCOPE_SESSION &&
              atoi(cell(0, "DATA_TYPE")) == SQL_INTEGER && atoi(cell(0, "PSEUDO_COLUMN")) == SQL_PC_NOT_PSEUDO,
          "BEST_ROWID of WorkItems is Id");
    OK(SQLSpecialColumns(st, SQL_ROWVER, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, SQL_SCOPE_CURROW,
                         SQL_NULLABLE),
       SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && strcmp(cell(0, "COLUMN_NAME"), "Rev") == 0 && is_null(0, "SCOPE"), "ROWVER is Rev");
    OK(SQLSpecialColumns(st, SQL_ROWVER, NULL, 0, NULL, 0, (SQLCHAR *)"zpk", SQL_NTS, SQL_SCOPE_CURROW, SQL_NULLABLE),
       SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "a local table has no ROWVER column");
    OK(exec(st, "DROP TABLE zchild"), SQL_HANDLE_STMT, st);
    OK(exec(st, "DROP TABLE zpk"), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* ---- empty results, METADATA_ID -------------------------------------------------------- */

static void test_empty_and_metadata_id(SQLHDBC dbc)
{
    start("procedures, privileges; SQL_ATTR_METADATA_ID");
    SQLHSTMT st = new_stmt(dbc);
    static const char *const pr_names[] = {"PROCEDURE_CAT",     "PROCEDURE_SCHEM",   "PROCEDURE_NAME",
                                           "NUM_INPUT_PARAMS",  "NUM_OUTPUT_PARAMS", "NUM_RESULT_SETS",
                                           "REMARKS",           "PROCEDURE_TYPE"};
    static const SQLSMALLINT pr_types[] = {V, V, V, I, I, I, V, S};
    OK(SQLProcedures(st, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "no procedures");
    check_shape("SQLProcedures", pr_names, pr_types, 8);
    OK(SQLProcedureColumns(st, NULL, 0, NULL, 0, NULL, 0, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0 && R.ncols == 19 && strcmp(R.names[18], "IS_NULLABLE") == 0, "SQLProcedureColumns shape");
    static const char *const tp_names[] = {"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR", "GRANTEE",
                                           "PRIVILEGE", "IS_GRANTABLE"};
    static const SQLSMALLINT tp_types[] = {V, V, V, V, V, V, V};
    OK(SQLTablePrivileges(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "no table privileges listed");
    check_shape("SQLTablePrivileges", tp_names, tp_types, 7);
    OK(SQLColumnPrivileges(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0 && R.ncols == 8 && strcmp(R.names[3], "COLUMN_NAME") == 0, "SQLColumnPrivileges shape");
    SQLWCHAR wt[16];
    w_from("WorkItems", wt, 16);
    OK(SQLColumnPrivilegesW(st, NULL, 0, NULL, 0, wt, SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "SQLColumnPrivilegesW");

    /* identifiers: % and _ are plain characters, quotes are stripped, case does not matter */
    OK(SQLSetStmtAttr(st, SQL_ATTR_METADATA_ID, (SQLPOINTER)SQL_TRUE, 0), SQL_HANDLE_STMT, st);
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"Work%", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    CHECK(slurp(st) == 0, "METADATA_ID: Work%% is a name, not a pattern");
    OK(SQLTables(st, NULL, 0, NULL, 0, (SQLCHAR *)"\"workitems\"", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st);
    slurp(st);
    CHECK(R.nrows == 1 && strcmp(cell(0, "TABLE_NAME"), "WorkItems") == 0, "METADATA_ID: quoted name");
    OK(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WORKITEMS  ", SQL_NTS, (SQLCHAR *)"id", SQL_NTS), SQL_HANDLE_STMT,
       st);
    CHECK(slurp(st) == 1, "METADATA_ID: unquoted name, trailing blanks, other case");
    expect_state(SQLColumns(st, NULL, 0, NULL, 0, (SQLCHAR *)"WorkItems", SQL_NTS, NULL, 0), SQL_HANDLE_STMT, st,
                 "HY009", "METADATA_ID: a NULL column name");
    OK(SQLSetStmtAttr(st, SQL_ATTR_METADATA_ID, (SQLPOINTER)SQL_FALSE, 0), SQL_HANDLE_STMT, st);
    SQLFreeHandle(SQL_HANDLE_STMT, st);

    /* the connection attribute is the default of new statements */
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_METADATA_ID, (SQLPOINTER)SQL_TRUE, 0), SQL_HANDLE_DBC, dbc);
    st = new_stmt(dbc);
    SQLULEN v = 0;
    OK(SQLGetStmtAttr(st, SQL_ATTR_METADATA_ID, &v, 0, NULL), SQL_HANDLE_STMT, st);
    CHECK(v == SQL_TRUE, "new statement inherits METADATA_ID");
    SQLFreeHandle(SQL_HANDLE_STMT, st);
    OK(SQLSetConnectAttr(dbc, SQL_ATTR_METADATA_ID, (SQLPOINTER)SQL_FALSE, 0), SQL_HANDLE_DBC, dbc);
}

int main(void)
{
    SQLHDBC dbc;
    int rc = harness_begin(&dbc);
    if (rc != 0)
        return rc;
    test_tables(dbc);
    test_columns(dbc);
    test_keys(dbc);
    test_empty_and_metadata_id(dbc);
    return harness_end(dbc);
}
