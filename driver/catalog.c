/*
 * catalog.c — the catalog functions, all written as SQL on the session
 * database (sqlite_schema and the table-valued pragmas) so the rows flow
 * through the ordinary fetch/GetData path.
 *
 * Shapes follow ODBC 3 exactly (names, order, types; odbc-clients.md §2.3):
 * absent values are NULL, never ''; a NULL argument means "all".  Each
 * result's column types come from a drv_catcol table (SQLite cannot carry
 * "SMALLINT" through an expression), so SQLDescribeCol reports DATA_TYPE as
 * SMALLINT and COLUMN_SIZE as INTEGER, as the specification lists them.
 *
 * There are no catalogs or schemas: TABLE_CAT and TABLE_SCHEM are NULL, and
 * a catalog or schema argument other than NULL, "" or "%" matches nothing.
 * The connection's own tables are in `main`; the application's TEMP tables
 * are listed too, as LOCAL TEMPORARY.
 *
 * Arguments: pattern arguments (SQLTables, SQLColumns names) use LIKE with
 * `\` as the escape character (SQL_SEARCH_PATTERN_ESCAPE); NULL, "" and "%"
 * select everything.  Under SQL_ATTR_METADATA_ID = SQL_TRUE every name
 * argument is an identifier instead: compared whole, case-insensitively as
 * SQLite compares names, quotes stripped; a NULL table name is then HY009.
 *
 * Keys.  SQLite knows the keys of ordinary tables (the connection's Fields
 * and map tables, and local tables) through its pragmas; the Azure DevOps
 * tables are virtual tables and a view, so their keys are listed here
 * (builtin_keys, builtin_fks, builtin_rowver) and reported only when the
 * column exists in this organization (ParentId needs System.Parent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driver.h"
#include "../rest/strbuf.h"

#define W(n) SQL_WVARCHAR, n
#define NN SQL_NO_NULLS
#define NL SQL_NULLABLE

static const drv_catcol tables_cols[] = {
    {"TABLE_CAT", W(128), NL}, {"TABLE_SCHEM", W(128), NL}, {"TABLE_NAME", W(128), NN},
    {"TABLE_TYPE", W(128), NN}, {"REMARKS", W(254), NL},
};

static const drv_catcol columns_cols[] = {
    {"TABLE_CAT", W(128), NL},          {"TABLE_SCHEM", W(128), NL},
    {"TABLE_NAME", W(128), NN},         {"COLUMN_NAME", W(128), NN},
    {"DATA_TYPE", SQL_SMALLINT, 0, NN}, {"TYPE_NAME", W(128), NN},
    {"COLUMN_SIZE", SQL_INTEGER, 0, NL}, {"BUFFER_LENGTH", SQL_INTEGER, 0, NL},
    {"DECIMAL_DIGITS", SQL_SMALLINT, 0, NL}, {"NUM_PREC_RADIX", SQL_SMALLINT, 0, NL},
    {"NULLABLE", SQL_SMALLINT, 0, NN},  {"REMARKS", W(254), NL},
    {"COLUMN_DEF", W(254), NL},         {"SQL_DATA_TYPE", SQL_SMALLINT, 0, NN},
    {"SQL_DATETIME_SUB", SQL_SMALLINT, 0, NL}, {"CHAR_OCTET_LENGTH", SQL_INTEGER, 0, NL},
    {"ORDINAL_POSITION", SQL_INTEGER, 0, NN}, {"IS_NULLABLE", W(254), NL},
};

static const drv_catcol typeinfo_cols[] = {
    {"TYPE_NAME", W(128), NN},          {"DATA_TYPE", SQL_SMALLINT, 0, NN},
    {"COLUMN_SIZE", SQL_INTEGER, 0, NL}, {"LITERAL_PREFIX", W(128), NL},
    {"LITERAL_SUFFIX", W(128), NL},     {"CREATE_PARAMS", W(128), NL},
    {"NULLABLE", SQL_SMALLINT, 0, NN},  {"CASE_SENSITIVE", SQL_SMALLINT, 0, NN},
    {"SEARCHABLE", SQL_SMALLINT, 0, NN}, {"UNSIGNED_ATTRIBUTE", SQL_SMALLINT, 0, NL},
    {"FIXED_PREC_SCALE", SQL_SMALLINT, 0, NN}, {"AUTO_UNIQUE_VALUE", SQL_SMALLINT, 0, NL},
    {"LOCAL_TYPE_NAME", W(128), NL},    {"MINIMUM_SCALE", SQL_SMALLINT, 0, NL},
    {"MAXIMUM_SCALE", SQL_SMALLINT, 0, NL}, {"SQL_DATA_TYPE", SQL_SMALLINT, 0, NN},
    {"SQL_DATETIME_SUB", SQL_SMALLINT, 0, NL}, {"NUM_PREC_RADIX", SQL_INTEGER, 0, NL},
    {"INTERVAL_PRECISION", SQL_SMALLINT, 0, NL},
};

static const drv_catcol pk_cols[] = {
    {"TABLE_CAT", W(128), NL}, {"TABLE_SCHEM", W(128), NL}, {"TABLE_NAME", W(128), NN},
    {"COLUMN_NAME", W(128), NN}, {"KEY_SEQ", SQL_SMALLINT, 0, NN}, {"PK_NAME", W(128), NL},
};

static const drv_catcol fk_cols[] = {
    {"PKTABLE_CAT", W(128), NL}, {"PKTABLE_SCHEM", W(128), NL}, {"PKTABLE_NAME", W(128), NN},
    {"PKCOLUMN_NAME", W(128), NN}, {"FKTABLE_CAT", W(128), NL}, {"FKTABLE_SCHEM", W(128), NL},
    {"FKTABLE_NAME", W(128), NN}, {"FKCOLUMN_NAME", W(128), NN}, {"KEY_SEQ", SQL_SMALLINT, 0, NN},
    {"UPDATE_RULE", SQL_SMALLINT, 0, NL}, {"DELETE_RULE", SQL_SMALLINT, 0, NL},
    {"FK_NAME", W(128), NL}, {"PK_NAME", W(128), NL}, {"DEFERRABILITY", SQL_SMALLINT, 0, NL},
};

static const drv_catcol stats_cols[] = {
    {"TABLE_CAT", W(128), NL}, {"TABLE_SCHEM", W(128), NL}, {"TABLE_NAME", W(128), NN},
    {"NON_UNIQUE", SQL_SMALLINT, 0, NL}, {"INDEX_QUALIFIER", W(128), NL},
    {"INDEX_NAME", W(128), NL}, {"TYPE", SQL_SMALLINT, 0, NN},
    {"ORDINAL_POSITION", SQL_SMALLINT, 0, NL}, {"COLUMN_NAME", W(128), NL},
    {"ASC_OR_DESC", W(1), NL}, {"CARDINALITY", SQL_INTEGER, 0, NL},
    {"PAGES", SQL_INTEGER, 0, NL}, {"FILTER_CONDITION", W(128), NL},
};

static const drv_catcol special_cols[] = {
    {"SCOPE", SQL_SMALLINT, 0, NL}, {"COLUMN_NAME", W(128), NN},
    {"DATA_TYPE", SQL_SMALLINT, 0, NN}, {"TYPE_NAME", W(128), NN},
    {"COLUMN_SIZE", SQL_INTEGER, 0, NL}, {"BUFFER_LENGTH", SQL_INTEGER, 0, NL},
    {"DECIMAL_DIGITS", SQL_SMALLINT, 0, NL}, {"PSEUDO_COLUMN", SQL_SMALLINT, 0, NL},
};

static const drv_catcol proc_cols[] = {
    {"PROCEDURE_CAT", W(128), NL}, {"PROCEDURE_SCHEM", W(128), NL},
    {"PROCEDURE_NAME", W(128), NN}, {"NUM_INPUT_PARAMS", SQL_INTEGER, 0, NL},
    {"NUM_OUTPUT_PARAMS", SQL_INTEGER, 0, NL}, {"NUM_RESULT_SETS", SQL_INTEGER, 0, NL},
    {"REMARKS", W(254), NL}, {"PROCEDURE_TYPE", SQL_SMALLINT, 0, NL},
};

static const drv_catcol tabpriv_cols[] = {
    {"TABLE_CAT", W(128), NL}, {"TABLE_SCHEM", W(128), NL}, {"TABLE_NAME", W(128), NN},
    {"GRANTOR", W(128), NL},   {"GRANTEE", W(128), NN},     {"PRIVILEGE", W(128), NN},
    {"IS_GRANTABLE", W(3), NL},
};

static const drv_catcol colpriv_cols[] = {
    {"TABLE_CAT", W(128), NL}, {"TABLE_SCHEM", W(128), NL}, {"TABLE_NAME", W(128), NN},
    {"COLUMN_NAME", W(128), NN}, {"GRANTOR", W(128), NL},   {"GRANTEE", W(128), NN},
    {"PRIVILEGE", W(128), NN}, {"IS_GRANTABLE", W(3), NL},
};

static const drv_catcol proccol_cols[] = {
    {"PROCEDURE_CAT", W(128), NL},      {"PROCEDURE_SCHEM", W(128), NL},
    {"PROCEDURE_NAME", W(128), NN},     {"COLUMN_NAME", W(128), NN},
    {"COLUMN_TYPE", SQL_SMALLINT, 0, NN}, {"DATA_TYPE", SQL_SMALLINT, 0, NN},
    {"TYPE_NAME", W(128), NN},          {"COLUMN_SIZE", SQL_INTEGER, 0, NL},
    {"BUFFER_LENGTH", SQL_INTEGER, 0, NL}, {"DECIMAL_DIGITS", SQL_SMALLINT, 0, NL},
    {"NUM_PREC_RADIX", SQL_SMALLINT, 0, NL}, {"NULLABLE", SQL_SMALLINT, 0, NN},
    {"REMARKS", W(254), NL},            {"COLUMN_DEF", W(254), NL},
    {"SQL_DATA_TYPE", SQL_SMALLINT, 0, NN}, {"SQL_DATETIME_SUB", SQL_SMALLINT, 0, NL},
    {"CHAR_OCTET_LENGTH", SQL_INTEGER, 0, NL}, {"ORDINAL_POSITION", SQL_INTEGER, 0, NN},
    {"IS_NULLABLE", W(254), NL},
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the keys SQLite does not know ---------------------------------------------------- */

/* Primary keys (and unique indexes) of the Azure DevOps tables.  Tasks is a
 * view with one row per work item. */
static const struct builtin_key {
    const char *table, *column, *name;
} builtin_keys[] = {
    {"WorkItems", "Id", "PK_WorkItems"},
    {"WorkItemComments", "CommentId", "PK_WorkItemComments"},
    {"Tasks", "Id", "PK_Tasks"},
};

/* References between them.  Rules: ids never change (NO ACTION on update);
 * deleting a work item removes its comments and its Tasks row and clears its
 * children's ParentId. */
static const struct builtin_fk {
    const char *pk_table, *pk_column, *fk_table, *fk_column, *name;
    int update_rule, delete_rule;
} builtin_fks[] = {
    {"WorkItems", "Id", "WorkItems", "ParentId", "FK_WorkItems_Parent", SQL_NO_ACTION, SQL_SET_NULL},
    {"WorkItems", "Id", "WorkItemComments", "WorkItemId", "FK_WorkItemComments_WorkItems", SQL_NO_ACTION,
     SQL_CASCADE},
    {"WorkItems", "Id", "Tasks", "Id", "FK_Tasks_WorkItems", SQL_NO_ACTION, SQL_CASCADE},
};

/* Columns Azure DevOps changes on every change of the row (SQL_ROWVER). */
static const struct builtin_rowver {
    const char *table, *column;
} builtin_rowver[] = {
    {"WorkItems", "Rev"},
    {"WorkItemComments", "Version"},
};

/* A SQL string literal, or NULL. */
static void add_text_or_null(strbuf *b, const char *v)
{
    if (!v) {
        strbuf_append(b, "NULL");
        return;
    }
    strbuf_append(b, "'");
    for (; *v; v++)
        strbuf_append_n(b, *v == '\'' ? "''" : v, *v == '\'' ? 2 : 1);
    strbuf_append(b, "'");
}

static void add_int_or_null(strbuf *b, long v)
{
    if (v < 0)
        strbuf_append(b, "NULL");
    else
        strbuf_printf(b, "%ld", v);
}

/*
 * Common table expressions every key query starts from:
 *   objs(name, type, db)            tables and views, main then temp
 *   keys(tbl, col, seq, pk_name)    primary keys: the built-in ones whose
 *                                   column exists, and those SQLite declares
 */
static void add_objs_and_keys(strbuf *b)
{
    strbuf_append(b,
                  "WITH objs(name, type, db) AS ("
                  " SELECT name, CASE type WHEN 'view' THEN 'VIEW' ELSE 'TABLE' END, 'main'"
                  " FROM main.sqlite_schema WHERE type IN ('table', 'view')"
                  " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                  " UNION ALL"
                  " SELECT name, CASE type WHEN 'view' THEN 'VIEW' ELSE 'LOCAL TEMPORARY' END, 'temp'"
                  " FROM temp.sqlite_schema WHERE type IN ('table', 'view')"
                  " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'),"
                  " bk(tbl, col, pk_name) AS (VALUES ");
    for (size_t i = 0; i < sizeof builtin_keys / sizeof builtin_keys[0]; i++) {
        strbuf_append(b, i ? ", (" : "(");
        add_text_or_null(b, builtin_keys[i].table);
        strbuf_append(b, ", ");
        add_text_or_null(b, builtin_keys[i].column);
        strbuf_append(b, ", ");
        add_text_or_null(b, builtin_keys[i].name);
        strbuf_append(b, ")");
    }
    strbuf_append(b,
                  "), keys(tbl, col, seq, pk_name) AS ("
                  " SELECT bk.tbl, p.name, 1, bk.pk_name FROM bk"
                  " JOIN pragma_table_xinfo(bk.tbl, 'main') AS p ON p.name = bk.col COLLATE NOCASE"
                  " UNION ALL"
                  " SELECT o.name, p.name, p.pk, NULL FROM objs AS o JOIN pragma_table_info(o.name, o.db) AS p"
                  " WHERE o.type <> 'VIEW' AND p.pk > 0) ");
}

/* ---- arguments ----------------------------------------------------------------------- */

/* A correctly shaped result with no rows. */
static SQLRETURN empty_result(drv_stmt *s, const drv_catcol *cols, int n)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, "SELECT ");
    for (int i = 0; i < n; i++)
        strbuf_printf(&b, "%sNULL AS \"%s\"", i ? ", " : "", cols[i].name);
    strbuf_append(&b, " WHERE 0");
    char *sql = strbuf_steal(&b);
    if (!sql)
        return diag_nomem(&s->h.diag);
    SQLRETURN rc = stmt_exec_internal(s, sql, NULL, 0, cols);
    free(sql);
    return rc;
}

static SQLRETURN exec_built(drv_stmt *s, strbuf *b, const char *const *args, int nargs, const drv_catcol *cols)
{
    char *sql = strbuf_steal(b);
    if (!sql)
        return diag_nomem(&s->h.diag);
    SQLRETURN rc = stmt_exec_internal(s, sql, args, nargs, cols);
    free(sql);
    return rc;
}

/* The catalog arguments of one call, as NUL-terminated copies (NULL stays NULL). */
typedef struct cat_args {
    char *v[6];
    int n;
} cat_args;

static int take_arg(cat_args *a, const char *s, SQLLEN len)
{
    int oom;
    a->v[a->n++] = drv_indup(s, len, &oom);
    return oom ? -1 : 0;
}

static void free_args(cat_args *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
}

/* NULL, "" and "%" select everything. */
static int match_all(const char *v)
{
    return !v || !*v || strcmp(v, "%") == 0;
}

/*
 * Under SQL_ATTR_METADATA_ID an argument is an identifier: a quoted one loses
 * its quotes ("" inside stands for "), an unquoted one its trailing blanks.
 * Rewrites v in place.
 */
static void to_identifier(char *v)
{
    if (!v)
        return;
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        size_t o = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            v[o++] = v[i];
            if (v[i] == '"' && v[i + 1] == '"')
                i++;
        }
        v[o] = '\0';
        return;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = '\0';
}

/* Do the catalog and schema arguments leave anything to match?  (There are none.) */
static int scope_matches(const char *cat, const char *schem)
{
    return match_all(cat) && match_all(schem);
}

/*
 * The test of a name column `col` against argument ?n: a LIKE pattern, or
 * under METADATA_ID an identifier compared whole.  A NULL argument passes.
 */
static void add_name_test(strbuf *b, const drv_stmt *s, const char *col, int n)
{
    if (s->metadata_id)
        strbuf_printf(b, "(?%d IS NULL OR %s = ?%d COLLATE NOCASE)", n, col, n);
    else
        strbuf_printf(b, "(?%d IS NULL OR %s LIKE ?%d ESCAPE '\\')", n, col, n);
}

/* A pattern argument as bound: NULL for "select everything". */
static const char *pattern_value(const drv_stmt *s, const char *v)
{
    if (s->metadata_id)
        return v;
    return match_all(v) ? NULL : v;
}

/* ---- SQLTables ------------------------------------------------------------------------- */

/* Does a TableType list ("TABLE", "'TABLE','VIEW'", "%") mention `want`? */
static int type_listed(const char *list, const char *want)
{
    if (match_all(list))
        return 1;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\'')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != '\'')
            p++;
        size_t n = (size_t)(p - start);
        while (n && start[n - 1] == ' ')
            n--;
        if (n && n == strlen(want) && strncasecmp(start, want, n) == 0)
            return 1;
        while (*p == '\'')
            p++;
    }
    return 0;
}

/* The enumerations of SQLTables' Comments section; -1 when the call is an ordinary one. */
static int tables_enumeration(drv_stmt *s, const char *c, const char *sc, const char *t, const char *ty,
                              SQLRETURN *rc)
{
    int empty_cat = c && !*c, empty_schem = sc && !*sc, empty_table = t && !*t;
    if (c && strcmp(c, SQL_ALL_CATALOGS) == 0 && empty_schem && empty_table) {
        *rc = empty_result(s, tables_cols, NCOLS(tables_cols)); /* no catalogs */
        return 0;
    }
    if (sc && strcmp(sc, SQL_ALL_SCHEMAS) == 0 && empty_cat && empty_table) {
        *rc = empty_result(s, tables_cols, NCOLS(tables_cols)); /* no schemas */
        return 0;
    }
    if (ty && strcmp(ty, SQL_ALL_TABLE_TYPES) == 0 && empty_cat && empty_schem && empty_table) {
        *rc = stmt_exec_internal(s,
                                 "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, NULL AS TABLE_NAME, "
                                 "column1 AS TABLE_TYPE, NULL AS REMARKS "
                                 "FROM (VALUES ('LOCAL TEMPORARY'), ('TABLE'), ('VIEW')) ORDER BY 4",
                                 NULL, 0, tables_cols);
        return 0;
    }
    return -1;
}

SQLRETURN drv_tables(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                     SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *type,
                     SQLLEN typelen)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (take_arg(&a, cat, catlen) || take_arg(&a, schem, schemlen) || take_arg(&a, table, tablelen) ||
        take_arg(&a, type, typelen)) {
        rc = diag_nomem(&s->h.diag);
        goto done;
    }
    const char *ty = a.v[3];
    if (tables_enumeration(s, a.v[0], a.v[1], a.v[2], ty, &rc) == 0)
        goto done;
    if (s->metadata_id) {
        to_identifier(a.v[0]);
        to_identifier(a.v[1]);
        to_identifier(a.v[2]);
    }
    if (!scope_matches(a.v[0], a.v[1])) {
        rc = empty_result(s, tables_cols, NCOLS(tables_cols));
        goto done;
    }
    const char *args[] = {
        pattern_value(s, a.v[2]),
        type_listed(ty, "TABLE") ? "1" : "0",
        type_listed(ty, "VIEW") ? "1" : "0",
        type_listed(ty, "LOCAL TEMPORARY") ? "1" : "0",
    };
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    strbuf_append(&b, "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, name AS TABLE_NAME, type AS TABLE_TYPE, "
                      "NULL AS REMARKS FROM objs WHERE ");
    add_name_test(&b, s, "name", 1);
    strbuf_append(&b, " AND ((type = 'TABLE' AND ?2 = '1') OR (type = 'VIEW' AND ?3 = '1') OR "
                      "(type = 'LOCAL TEMPORARY' AND ?4 = '1')) ORDER BY TABLE_TYPE, TABLE_NAME");
    rc = exec_built(s, &b, args, 4, tables_cols);
done:
    free_args(&a);
    return rc;
}

/* ---- SQLColumns ------------------------------------------------------------------------ */

SQLRETURN drv_columns(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                      SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *column,
                      SQLLEN columnlen)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (take_arg(&a, cat, catlen) || take_arg(&a, schem, schemlen) || take_arg(&a, table, tablelen) ||
        take_arg(&a, column, columnlen)) {
        rc = diag_nomem(&s->h.diag);
        goto done;
    }
    if (s->metadata_id) {
        if (!a.v[2] || !a.v[3]) {
            rc = diag_err(&s->h.diag, "HY009", "Invalid use of null pointer: SQL_ATTR_METADATA_ID is "
                          "SQL_TRUE, so the table and column names are required identifiers");
            goto done;
        }
        for (int i = 0; i < 4; i++)
            to_identifier(a.v[i]);
    }
    if (!scope_matches(a.v[0], a.v[1])) {
        rc = empty_result(s, columns_cols, NCOLS(columns_cols));
        goto done;
    }
    const char *args[] = {pattern_value(s, a.v[2]), pattern_value(s, a.v[3])};
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    /* ORDINAL_POSITION counts visible columns only, before the column filter applies */
    strbuf_append(&b,
                  "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, tname AS TABLE_NAME, "
                  "cname AS COLUMN_NAME, "
                  "azdo_odbc_coltype(ctype, 0) AS DATA_TYPE, azdo_odbc_coltype(ctype, 1) AS TYPE_NAME, "
                  "azdo_odbc_coltype(ctype, 2) AS COLUMN_SIZE, azdo_odbc_coltype(ctype, 3) AS BUFFER_LENGTH, "
                  "azdo_odbc_coltype(ctype, 4) AS DECIMAL_DIGITS, azdo_odbc_coltype(ctype, 5) AS NUM_PREC_RADIX, "
                  "CASE WHEN cnotnull THEN 0 ELSE 1 END AS NULLABLE, NULL AS REMARKS, cdef AS COLUMN_DEF, "
                  "azdo_odbc_coltype(ctype, 6) AS SQL_DATA_TYPE, azdo_odbc_coltype(ctype, 7) AS SQL_DATETIME_SUB, "
                  "azdo_odbc_coltype(ctype, 8) AS CHAR_OCTET_LENGTH, ord AS ORDINAL_POSITION, "
                  "CASE WHEN cnotnull THEN 'NO' ELSE 'YES' END AS IS_NULLABLE "
                  "FROM (SELECT o.name AS tname, p.name AS cname, p.type AS ctype, p.\"notnull\" AS cnotnull, "
                  "      p.dflt_value AS cdef, "
                  "      row_number() OVER (PARTITION BY o.db, o.name ORDER BY p.cid) AS ord "
                  "      FROM objs AS o JOIN pragma_table_xinfo(o.name, o.db) AS p "
                  "      WHERE p.hidden <> 1 AND ");
    add_name_test(&b, s, "o.name", 1);
    strbuf_append(&b, ") WHERE ");
    add_name_test(&b, s, "cname", 2);
    strbuf_append(&b, " ORDER BY TABLE_NAME, ORDINAL_POSITION");
    rc = exec_built(s, &b, args, 2, columns_cols);
done:
    free_args(&a);
    return rc;
}

/* ---- keys -------------------------------------------------------------------------------- */

/*
 * Prepares the arguments of a call whose table name is required and not a
 * pattern (SQLPrimaryKeys, SQLStatistics, SQLSpecialColumns): 0 to go on,
 * 1 when the result is empty, -1 with a diagnostic posted (*rc set).
 */
static int keyed_args(drv_stmt *s, cat_args *a, const char *cat, SQLLEN catlen, const char *schem,
                      SQLLEN schemlen, const char *table, SQLLEN tablelen, SQLRETURN *rc)
{
    if (take_arg(a, cat, catlen) || take_arg(a, schem, schemlen) || take_arg(a, table, tablelen)) {
        *rc = diag_nomem(&s->h.diag);
        return -1;
    }
    if (!a->v[2]) {
        *rc = diag_err(&s->h.diag, "HY009", "Invalid use of null pointer: the table name is required");
        return -1;
    }
    if (s->metadata_id)
        for (int i = 0; i < 3; i++)
            to_identifier(a->v[i]);
    return scope_matches(a->v[0], a->v[1]) ? 0 : 1;
}

SQLRETURN drv_primary_keys(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                           SQLLEN schemlen, const char *table, SQLLEN tablelen)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    int k = keyed_args(s, &a, cat, catlen, schem, schemlen, table, tablelen, &rc);
    if (k != 0) {
        if (k > 0)
            rc = empty_result(s, pk_cols, NCOLS(pk_cols));
        goto done;
    }
    const char *args[] = {a.v[2]};
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    strbuf_append(&b, "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, tbl AS TABLE_NAME, col AS COLUMN_NAME, "
                      "seq AS KEY_SEQ, pk_name AS PK_NAME FROM keys WHERE tbl = ?1 COLLATE NOCASE "
                      "ORDER BY TABLE_NAME, KEY_SEQ");
    rc = exec_built(s, &b, args, 1, pk_cols);
done:
    free_args(&a);
    return rc;
}

/* SQLite's ON UPDATE / ON DELETE words as SQL_CASCADE … */
#define RULE_SQL(col)                                                                            \
    "CASE " col " WHEN 'CASCADE' THEN 0 WHEN 'RESTRICT' THEN 1 WHEN 'SET NULL' THEN 2 "          \
    "WHEN 'SET DEFAULT' THEN 4 ELSE 3 END"

SQLRETURN drv_foreign_keys(drv_stmt *s, const char *pkcat, SQLLEN pkcatlen, const char *pkschem,
                           SQLLEN pkschemlen, const char *pktable, SQLLEN pktablelen, const char *fkcat,
                           SQLLEN fkcatlen, const char *fkschem, SQLLEN fkschemlen, const char *fktable,
                           SQLLEN fktablelen)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (take_arg(&a, pkcat, pkcatlen) || take_arg(&a, pkschem, pkschemlen) || take_arg(&a, pktable, pktablelen) ||
        take_arg(&a, fkcat, fkcatlen) || take_arg(&a, fkschem, fkschemlen) || take_arg(&a, fktable, fktablelen)) {
        rc = diag_nomem(&s->h.diag);
        goto done;
    }
    if (!a.v[2] && !a.v[5]) {
        rc = diag_err(&s->h.diag, "HY009", "Invalid use of null pointer: give the primary-key table, the "
                      "foreign-key table, or both");
        goto done;
    }
    if (s->metadata_id)
        for (int i = 0; i < 6; i++)
            to_identifier(a.v[i]);
    if (!scope_matches(a.v[0], a.v[1]) || !scope_matches(a.v[3], a.v[4])) {
        rc = empty_result(s, fk_cols, NCOLS(fk_cols));
        goto done;
    }
    const char *args[] = {a.v[2], a.v[5]};
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    strbuf_append(&b, ", bf(pkt, pkc, fkt, fkc, fk_name, upd, del) AS (VALUES ");
    for (size_t i = 0; i < sizeof builtin_fks / sizeof builtin_fks[0]; i++) {
        const struct builtin_fk *f = &builtin_fks[i];
        strbuf_append(&b, i ? ", (" : "(");
        add_text_or_null(&b, f->pk_table);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, f->pk_column);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, f->fk_table);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, f->fk_column);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, f->name);
        strbuf_printf(&b, ", %d, %d)", f->update_rule, f->delete_rule);
    }
    strbuf_append(&b,
                  "), rel(pkt, pkc, fkt, fkc, seq, upd, del, fk_name, pk_name) AS ("
                  /* built-in: both columns exist in this organization's tables */
                  " SELECT bf.pkt, pc.name, bf.fkt, fc.name, 1, bf.upd, bf.del, bf.fk_name,"
                  "  (SELECT pk_name FROM keys WHERE tbl = bf.pkt AND col = pc.name)"
                  " FROM bf JOIN pragma_table_xinfo(bf.pkt, 'main') AS pc ON pc.name = bf.pkc COLLATE NOCASE"
                  " JOIN pragma_table_xinfo(bf.fkt, 'main') AS fc ON fc.name = bf.fkc COLLATE NOCASE"
                  " UNION ALL"
                  /* local tables: SQLite's own FOREIGN KEY clauses (`to` NULL = the parent's key) */
                  " SELECT f.\"table\", COALESCE(f.\"to\", (SELECT k.col FROM keys AS k WHERE k.tbl = f.\"table\""
                  "  COLLATE NOCASE AND k.seq = f.seq + 1)), o.name, f.\"from\", f.seq + 1, "
                  RULE_SQL("f.on_update") ", " RULE_SQL("f.on_delete") ", NULL,"
                  "  (SELECT k.pk_name FROM keys AS k WHERE k.tbl = f.\"table\" COLLATE NOCASE AND k.seq = 1)"
                  " FROM objs AS o JOIN pragma_foreign_key_list(o.name, o.db) AS f WHERE o.type <> 'VIEW') "
                  "SELECT NULL AS PKTABLE_CAT, NULL AS PKTABLE_SCHEM, pkt AS PKTABLE_NAME, pkc AS PKCOLUMN_NAME, "
                  "NULL AS FKTABLE_CAT, NULL AS FKTABLE_SCHEM, fkt AS FKTABLE_NAME, fkc AS FKCOLUMN_NAME, "
                  "seq AS KEY_SEQ, upd AS UPDATE_RULE, del AS DELETE_RULE, fk_name AS FK_NAME, pk_name AS PK_NAME, ");
    strbuf_printf(&b, "%d AS DEFERRABILITY FROM rel "
                      "WHERE (?1 IS NULL OR pkt = ?1 COLLATE NOCASE) AND (?2 IS NULL OR fkt = ?2 COLLATE NOCASE) ",
                  SQL_NOT_DEFERRABLE);
    /* the order the specification gives for each form of the call */
    strbuf_append(&b, a.v[5] && !a.v[2] ? "ORDER BY PKTABLE_NAME, KEY_SEQ" : "ORDER BY FKTABLE_NAME, KEY_SEQ");
    rc = exec_built(s, &b, args, 2, fk_cols);
done:
    free_args(&a);
    return rc;
}

SQLRETURN drv_statistics(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                         SQLLEN schemlen, const char *table, SQLLEN tablelen, SQLUSMALLINT unique,
                         SQLUSMALLINT reserved)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (unique != SQL_INDEX_UNIQUE && unique != SQL_INDEX_ALL)
        return diag_err(&s->h.diag, "HY100", "Uniqueness option type out of range: %u", (unsigned)unique);
    if (reserved != SQL_ENSURE && reserved != SQL_QUICK)
        return diag_err(&s->h.diag, "HY101", "Accuracy option type out of range: %u", (unsigned)reserved);
    int k = keyed_args(s, &a, cat, catlen, schem, schemlen, table, tablelen, &rc);
    if (k != 0) {
        if (k > 0)
            rc = empty_result(s, stats_cols, NCOLS(stats_cols));
        goto done;
    }
    const char *args[] = {a.v[2], unique == SQL_INDEX_UNIQUE ? "1" : "0"};
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    /* CARDINALITY and PAGES stay NULL: counting work items costs requests, and
     * nothing here has pages */
    strbuf_printf(&b,
                  "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, tbl AS TABLE_NAME, nonu AS NON_UNIQUE, "
                  "NULL AS INDEX_QUALIFIER, iname AS INDEX_NAME, itype AS TYPE, ord AS ORDINAL_POSITION, "
                  "col AS COLUMN_NAME, ascd AS ASC_OR_DESC, NULL AS CARDINALITY, NULL AS PAGES, "
                  "NULL AS FILTER_CONDITION FROM ("
                  /* the SQL_TABLE_STAT row */
                  " SELECT name AS tbl, NULL AS nonu, NULL AS iname, %d AS itype, NULL AS ord, NULL AS col,"
                  "  NULL AS ascd FROM objs WHERE name = ?1 COLLATE NOCASE"
                  " UNION ALL"
                  /* the built-in keys: unique lookups by id */
                  " SELECT bk.tbl, 0, bk.pk_name, %d, 1, p.name, NULL FROM bk"
                  " JOIN pragma_table_xinfo(bk.tbl, 'main') AS p ON p.name = bk.col COLLATE NOCASE"
                  " WHERE bk.tbl = ?1 COLLATE NOCASE"
                  " UNION ALL"
                  /* SQLite's indexes of ordinary tables; the schema is a literal in each
                   * branch (SQLite 3.40 finds no rows when pragma_index_xinfo's schema
                   * argument comes from another table of the join) */
                  " SELECT o.name, CASE WHEN il.\"unique\" THEN 0 ELSE 1 END, il.name, %d, xi.seqno + 1, xi.name,"
                  "  CASE WHEN xi.\"desc\" THEN 'D' ELSE 'A' END"
                  " FROM objs AS o JOIN pragma_index_list(o.name, 'main') AS il"
                  " JOIN pragma_index_xinfo(il.name, 'main') AS xi"
                  " WHERE o.db = 'main' AND o.name = ?1 COLLATE NOCASE AND o.type <> 'VIEW' AND xi.key = 1"
                  " UNION ALL"
                  " SELECT o.name, CASE WHEN il.\"unique\" THEN 0 ELSE 1 END, il.name, %d, xi.seqno + 1, xi.name,"
                  "  CASE WHEN xi.\"desc\" THEN 'D' ELSE 'A' END"
                  " FROM objs AS o JOIN pragma_index_list(o.name, 'temp') AS il"
                  " JOIN pragma_index_xinfo(il.name, 'temp') AS xi"
                  " WHERE o.db = 'temp' AND o.name = ?1 COLLATE NOCASE AND o.type <> 'VIEW' AND xi.key = 1)"
                  "WHERE nonu IS NULL OR ?2 = '0' OR nonu = 0 "
                  "ORDER BY NON_UNIQUE, TYPE, INDEX_QUALIFIER, INDEX_NAME, ORDINAL_POSITION",
                  SQL_TABLE_STAT, SQL_INDEX_OTHER, SQL_INDEX_OTHER, SQL_INDEX_OTHER);
    rc = exec_built(s, &b, args, 2, stats_cols);
done:
    free_args(&a);
    return rc;
}

/*
 * SQL_BEST_ROWID: the primary key (Id of the Azure DevOps tables), valid for
 * the whole session.  SQL_ROWVER: the revision column Azure DevOps bumps on
 * every change (WorkItems.Rev, WorkItemComments.Version).  Key columns are
 * never NULL, so the Nullable argument removes nothing.
 */
SQLRETURN drv_special_columns(drv_stmt *s, SQLUSMALLINT idtype, const char *cat, SQLLEN catlen,
                              const char *schem, SQLLEN schemlen, const char *table, SQLLEN tablelen,
                              SQLUSMALLINT scope, SQLUSMALLINT nullable)
{
    SQLRETURN rc;
    cat_args a = {{0}, 0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (idtype != SQL_BEST_ROWID && idtype != SQL_ROWVER)
        return diag_err(&s->h.diag, "HY097", "Column type out of range: %u", (unsigned)idtype);
    if (scope != SQL_SCOPE_CURROW && scope != SQL_SCOPE_TRANSACTION && scope != SQL_SCOPE_SESSION)
        return diag_err(&s->h.diag, "HY098", "Scope type out of range: %u", (unsigned)scope);
    if (nullable != SQL_NO_NULLS && nullable != SQL_NULLABLE)
        return diag_err(&s->h.diag, "HY099", "Nullable type out of range: %u", (unsigned)nullable);
    int k = keyed_args(s, &a, cat, catlen, schem, schemlen, table, tablelen, &rc);
    if (k != 0) {
        if (k > 0)
            rc = empty_result(s, special_cols, NCOLS(special_cols));
        goto done;
    }
    const char *args[] = {a.v[2]};
    strbuf b;
    strbuf_init(&b);
    add_objs_and_keys(&b);
    if (idtype == SQL_ROWVER) {
        strbuf_append(&b, ", rv(tbl, col) AS (VALUES ");
        for (size_t i = 0; i < sizeof builtin_rowver / sizeof builtin_rowver[0]; i++) {
            strbuf_append(&b, i ? ", (" : "(");
            add_text_or_null(&b, builtin_rowver[i].table);
            strbuf_append(&b, ", ");
            add_text_or_null(&b, builtin_rowver[i].column);
            strbuf_append(&b, ")");
        }
        strbuf_append(&b, "), cols(tbl, col, scope) AS (SELECT rv.tbl, rv.col, NULL FROM rv "
                          "WHERE rv.tbl = ?1 COLLATE NOCASE) ");
    } else {
        strbuf_printf(&b, ", cols(tbl, col, scope) AS (SELECT tbl, col, %d FROM keys "
                          "WHERE tbl = ?1 COLLATE NOCASE) ",
                      SQL_SCOPE_SESSION);
    }
    strbuf_printf(&b,
                  "SELECT c.scope AS SCOPE, p.name AS COLUMN_NAME, azdo_odbc_coltype(p.type, 0) AS DATA_TYPE, "
                  "azdo_odbc_coltype(p.type, 1) AS TYPE_NAME, azdo_odbc_coltype(p.type, 2) AS COLUMN_SIZE, "
                  "azdo_odbc_coltype(p.type, 3) AS BUFFER_LENGTH, azdo_odbc_coltype(p.type, 4) AS DECIMAL_DIGITS, "
                  "%d AS PSEUDO_COLUMN FROM cols AS c "
                  "JOIN objs AS o ON o.name = c.tbl COLLATE NOCASE "
                  "JOIN pragma_table_xinfo(o.name, o.db) AS p ON p.name = c.col COLLATE NOCASE "
                  "ORDER BY SCOPE",
                  SQL_PC_NOT_PSEUDO);
    rc = exec_built(s, &b, args, 1, special_cols);
done:
    free_args(&a);
    return rc;
}

/* ---- SQLGetTypeInfo ------------------------------------------------------------------------ */

SQLRETURN drv_get_type_info(drv_stmt *s, SQLSMALLINT type)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    /* ODBC 2 applications ask with the old datetime codes */
    if (type == SQL_TIMESTAMP)
        type = SQL_TYPE_TIMESTAMP;
    else if (type == SQL_DATE)
        type = SQL_TYPE_DATE;
    else if (type == SQL_TIME)
        type = SQL_TYPE_TIME;

    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, "WITH t(");
    for (int i = 0; i < NCOLS(typeinfo_cols); i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", typeinfo_cols[i].name);
    strbuf_append(&b, ", closeness) AS (VALUES ");
    for (size_t r = 0; r < ty_nrows; r++) {
        const ty_row *t = &ty_rows[r];
        strbuf_append(&b, r ? ", (" : "(");
        add_text_or_null(&b, t->type_name);
        strbuf_printf(&b, ", %d, %ld, ", t->data_type, t->column_size);
        add_text_or_null(&b, t->literal_prefix);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, t->literal_suffix);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, t->create_params);
        strbuf_printf(&b, ", %d, %d, %d, ", t->nullable, t->case_sensitive, t->searchable);
        add_int_or_null(&b, t->unsigned_attribute);
        strbuf_printf(&b, ", %d, ", t->fixed_prec_scale);
        add_int_or_null(&b, t->auto_unique_value);
        strbuf_append(&b, ", ");
        add_text_or_null(&b, t->type_name); /* LOCAL_TYPE_NAME */
        strbuf_append(&b, ", ");
        add_int_or_null(&b, t->minimum_scale);
        strbuf_append(&b, ", ");
        add_int_or_null(&b, t->maximum_scale);
        strbuf_printf(&b, ", %d, ", t->sql_data_type);
        add_int_or_null(&b, t->sql_datetime_sub);
        strbuf_append(&b, ", ");
        add_int_or_null(&b, t->num_prec_radix);
        /* rows of one DATA_TYPE: the closest mapping first (ty_rows order) */
        strbuf_printf(&b, ", NULL, %zu)", r);
    }
    strbuf_printf(&b, ") SELECT ");
    for (int i = 0; i < NCOLS(typeinfo_cols); i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", typeinfo_cols[i].name);
    strbuf_printf(&b, " FROM t WHERE %d = %d OR DATA_TYPE = %d ORDER BY DATA_TYPE, closeness",
                  (int)type, SQL_ALL_TYPES, (int)type);
    return exec_built(s, &b, NULL, 0, typeinfo_cols);
}

/* ---- no rows to report ---------------------------------------------------------------------- */

/* There are no procedures (SQL_PROCEDURES is "N"). */
SQLRETURN drv_procedures(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                         SQLLEN schemlen, const char *proc, SQLLEN proclen)
{
    (void)cat, (void)catlen, (void)schem, (void)schemlen, (void)proc, (void)proclen;
    return stmt_check_connected(s) ? empty_result(s, proc_cols, NCOLS(proc_cols)) : SQL_ERROR;
}

SQLRETURN drv_procedure_columns(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                                SQLLEN schemlen, const char *proc, SQLLEN proclen, const char *column,
                                SQLLEN columnlen)
{
    (void)cat, (void)catlen, (void)schem, (void)schemlen, (void)proc, (void)proclen, (void)column,
        (void)columnlen;
    return stmt_check_connected(s) ? empty_result(s, proccol_cols, NCOLS(proccol_cols)) : SQL_ERROR;
}

/*
 * Privileges are those of the personal access token and the user's Azure
 * DevOps permissions, which the service does not list for a token: the
 * driver reports none rather than guess.
 */
SQLRETURN drv_table_privileges(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                               SQLLEN schemlen, const char *table, SQLLEN tablelen)
{
    (void)cat, (void)catlen, (void)schem, (void)schemlen, (void)table, (void)tablelen;
    return stmt_check_connected(s) ? empty_result(s, tabpriv_cols, NCOLS(tabpriv_cols)) : SQL_ERROR;
}

SQLRETURN drv_column_privileges(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                                SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *column,
                                SQLLEN columnlen)
{
    (void)cat, (void)catlen, (void)schem, (void)schemlen, (void)column, (void)columnlen;
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!table)
        return diag_err(&s->h.diag, "HY009", "Invalid use of null pointer: the table name is required");
    (void)tablelen;
    return empty_result(s, colpriv_cols, NCOLS(colpriv_cols));
}
