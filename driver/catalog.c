/*
 * catalog.c — SQLTables, SQLColumns, SQLGetTypeInfo and the catalog calls
 * that return empty results, all written as SQL on the session database so
 * the rows flow through the ordinary fetch/GetData path.
 *
 * Shapes follow ODBC 3 exactly (names, order, types; odbc-clients.md §2.3):
 * absent values are NULL, never ''; a NULL argument means "all".  Each
 * result's column types come from a drv_catcol table (SQLite cannot carry
 * "SMALLINT" through an expression), so SQLDescribeCol reports DATA_TYPE as
 * SMALLINT and COLUMN_SIZE as INTEGER, as the specification lists them.
 *
 * There are no catalogs or schemas: TABLE_CAT and TABLE_SCHEM are NULL, and
 * a catalog or schema argument other than NULL, "" or "%" matches nothing.
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

/* An argument as a NUL-terminated copy; NULL stays NULL. */
typedef struct arg {
    char *v;
} arg;

static int take_arg(arg *a, const char *s, SQLLEN len)
{
    int oom;
    a->v = drv_indup(s, len, &oom);
    return oom ? -1 : 0;
}

/* NULL, "" and "%" select everything. */
static int match_all(const char *v)
{
    return !v || !*v || strcmp(v, "%") == 0;
}

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
        if (n == strlen(want) && strncasecmp(start, want, n) == 0)
            return 1;
        while (*p == '\'')
            p++;
    }
    return 0;
}

SQLRETURN drv_tables(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                     SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *type,
                     SQLLEN typelen)
{
    SQLRETURN rc;
    arg a_cat = {0}, a_schem = {0}, a_table = {0}, a_type = {0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (take_arg(&a_cat, cat, catlen) || take_arg(&a_schem, schem, schemlen) ||
        take_arg(&a_table, table, tablelen) || take_arg(&a_type, type, typelen)) {
        rc = diag_nomem(&s->h.diag);
        goto done;
    }
    const char *c = a_cat.v, *sc = a_schem.v, *t = a_table.v, *ty = a_type.v;
    int empty_cat = c && !*c, empty_schem = sc && !*sc, empty_table = t && !*t;

    /* enumeration modes (ODBC SQLTables "Comments") */
    if (c && strcmp(c, SQL_ALL_CATALOGS) == 0 && empty_schem && empty_table) {
        rc = empty_result(s, tables_cols, NCOLS(tables_cols)); /* no catalogs */
        goto done;
    }
    if (sc && strcmp(sc, SQL_ALL_SCHEMAS) == 0 && empty_cat && empty_table) {
        rc = empty_result(s, tables_cols, NCOLS(tables_cols)); /* no schemas */
        goto done;
    }
    if (ty && strcmp(ty, SQL_ALL_TABLE_TYPES) == 0 && empty_cat && empty_schem && empty_table) {
        rc = stmt_exec_internal(s,
                                "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, NULL AS TABLE_NAME, "
                                "'TABLE' AS TABLE_TYPE, NULL AS REMARKS UNION ALL "
                                "SELECT NULL, NULL, NULL, 'VIEW', NULL ORDER BY 4",
                                NULL, 0, tables_cols);
        goto done;
    }

    const char *scope_ok = match_all(c) && match_all(sc) ? "1" : "0";
    const char *want_tables = type_listed(ty, "TABLE") ? "1" : "0";
    const char *want_views = type_listed(ty, "VIEW") ? "1" : "0";
    const char *name = match_all(t) ? NULL : t;
    const char *args[] = {name, want_tables, want_views, scope_ok};
    /* SQL_ATTR_METADATA_ID: arguments are identifiers, not patterns */
    const char *name_test = s->metadata_id ? "name = ?1 COLLATE NOCASE" : "name LIKE ?1 ESCAPE '\\'";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, name AS TABLE_NAME, "
             "CASE type WHEN 'view' THEN 'VIEW' ELSE 'TABLE' END AS TABLE_TYPE, NULL AS REMARKS "
             "FROM sqlite_schema "
             "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%%' ESCAPE '\\' "
             "AND (?1 IS NULL OR %s) "
             "AND ((?2 = '1' AND type = 'table') OR (?3 = '1' AND type = 'view')) AND ?4 = '1' "
             "ORDER BY TABLE_TYPE, TABLE_NAME",
             name_test);
    rc = stmt_exec_internal(s, sql, args, 4, tables_cols);
done:
    free(a_cat.v);
    free(a_schem.v);
    free(a_table.v);
    free(a_type.v);
    return rc;
}

SQLRETURN drv_columns(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                      SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *column,
                      SQLLEN columnlen)
{
    SQLRETURN rc;
    arg a_cat = {0}, a_schem = {0}, a_table = {0}, a_col = {0};
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (take_arg(&a_cat, cat, catlen) || take_arg(&a_schem, schem, schemlen) ||
        take_arg(&a_table, table, tablelen) || take_arg(&a_col, column, columnlen)) {
        rc = diag_nomem(&s->h.diag);
        goto done;
    }
    const char *args[] = {
        match_all(a_table.v) ? NULL : a_table.v,
        match_all(a_col.v) ? NULL : a_col.v,
        match_all(a_cat.v) && match_all(a_schem.v) ? "1" : "0",
    };
    const char *tcmp = s->metadata_id ? "m.name = ?1 COLLATE NOCASE" : "m.name LIKE ?1 ESCAPE '\\'";
    const char *ccmp = s->metadata_id ? "cname = ?2 COLLATE NOCASE" : "cname LIKE ?2 ESCAPE '\\'";
    char sql[2048];
    /* ORDINAL_POSITION counts visible columns only, before the column filter applies */
    snprintf(sql, sizeof sql,
             "SELECT NULL AS TABLE_CAT, NULL AS TABLE_SCHEM, tname AS TABLE_NAME, "
             "cname AS COLUMN_NAME, "
             "azdo_odbc_coltype(ctype, 0) AS DATA_TYPE, azdo_odbc_coltype(ctype, 1) AS TYPE_NAME, "
             "azdo_odbc_coltype(ctype, 2) AS COLUMN_SIZE, azdo_odbc_coltype(ctype, 3) AS BUFFER_LENGTH, "
             "azdo_odbc_coltype(ctype, 4) AS DECIMAL_DIGITS, azdo_odbc_coltype(ctype, 5) AS NUM_PREC_RADIX, "
             "CASE WHEN cnotnull THEN 0 ELSE 1 END AS NULLABLE, NULL AS REMARKS, cdef AS COLUMN_DEF, "
             "azdo_odbc_coltype(ctype, 6) AS SQL_DATA_TYPE, azdo_odbc_coltype(ctype, 7) AS SQL_DATETIME_SUB, "
             "azdo_odbc_coltype(ctype, 8) AS CHAR_OCTET_LENGTH, ord AS ORDINAL_POSITION, "
             "CASE WHEN cnotnull THEN 'NO' ELSE 'YES' END AS IS_NULLABLE "
             "FROM (SELECT m.name AS tname, p.name AS cname, p.type AS ctype, p.\"notnull\" AS cnotnull, "
             "      p.dflt_value AS cdef, "
             "      row_number() OVER (PARTITION BY m.name ORDER BY p.cid) AS ord "
             "      FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS p "
             "      WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%%' ESCAPE '\\' "
             "      AND p.hidden <> 1 AND (?1 IS NULL OR %s)) "
             "WHERE (?2 IS NULL OR %s) AND ?3 = '1' "
             "ORDER BY TABLE_NAME, ORDINAL_POSITION",
             tcmp, ccmp);
    rc = stmt_exec_internal(s, sql, args, 3, columns_cols);
done:
    free(a_cat.v);
    free(a_schem.v);
    free(a_table.v);
    free(a_col.v);
    return rc;
}

/* A SQL string literal ('' for a quote: LITERAL_PREFIX is itself a quote). */
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
    strbuf_append(&b, ") AS (VALUES ");
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
        strbuf_append(&b, ", NULL)");
    }
    strbuf_printf(&b, ") SELECT * FROM t WHERE %d = %d OR DATA_TYPE = %d ORDER BY DATA_TYPE",
              (int)type, SQL_ALL_TYPES, (int)type);
    char *sql = strbuf_steal(&b);
    if (!sql)
        return diag_nomem(&s->h.diag);
    SQLRETURN rc = stmt_exec_internal(s, sql, NULL, 0, typeinfo_cols);
    free(sql);
    return rc;
}

/* Catalog calls with nothing to report yet: correctly shaped, empty. */
SQLRETURN drv_primary_keys(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, pk_cols, NCOLS(pk_cols)) : SQL_ERROR;
}

SQLRETURN drv_foreign_keys(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, fk_cols, NCOLS(fk_cols)) : SQL_ERROR;
}

SQLRETURN drv_statistics(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, stats_cols, NCOLS(stats_cols)) : SQL_ERROR;
}

SQLRETURN drv_special_columns(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, special_cols, NCOLS(special_cols)) : SQL_ERROR;
}

SQLRETURN drv_procedures(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, proc_cols, NCOLS(proc_cols)) : SQL_ERROR;
}

SQLRETURN drv_procedure_columns(drv_stmt *s)
{
    return stmt_check_connected(s) ? empty_result(s, proccol_cols, NCOLS(proccol_cols)) : SQL_ERROR;
}
