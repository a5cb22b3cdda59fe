/*
 * describe.c — result-set metadata: SQLNumResultCols, SQLDescribeCol,
 * SQLColAttribute, and the SQL function SQLColumns uses.
 *
 * Every type number comes from types.c (ty_from_decl / ty_from_sql_type),
 * so the three views of a column agree.  A column's type is decided when it
 * is first described: from the declared type when there is one, else from
 * the buffered first row (which exists right after SQLExecute, because
 * execution performs the first step).  Described before execution, an
 * expression column reads as WVARCHAR(65535); after execution it may read as
 * BIGINT or DOUBLE once its first value is known.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "utf16.h"

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

int stmt_load_cols(drv_stmt *s)
{
    if (s->cols)
        return 0;
    if (!s->vm || s->ncols <= 0)
        return 0;
    drv_col *cols = calloc((size_t)s->ncols, sizeof *cols);
    if (!cols)
        return -1;
    sqlite3 *db = stmt_db(s);
    int have_row = s->row_state == ROW_PENDING || s->row_state == ROW_CURRENT;

    for (int i = 0; i < s->ncols; i++) {
        drv_col *c = &cols[i];
        const char *table = sqlite3_column_table_name(s->vm, i);
        const char *origin = sqlite3_column_origin_name(s->vm, i);
        c->name = dup_or_empty(sqlite3_column_name(s->vm, i));
        c->table = dup_or_empty(table);
        c->base_name = dup_or_empty(origin);
        if (!c->name || !c->table || !c->base_name) {
            s->cols = cols; /* let stmt_forget_cols free what was built */
            stmt_forget_cols(s);
            return -1;
        }
        if (s->catcols) {
            ty_from_sql_type(s->catcols[i].sql_type, s->catcols[i].size, &c->ty);
            c->nullable = s->catcols[i].nullable;
            continue;
        }
        ty_valkind first = TY_VAL_UNKNOWN;
        size_t first_len = 0;
        if (have_row) {
            switch (sqlite3_column_type(s->vm, i)) {
            case SQLITE_INTEGER: first = TY_VAL_INT; break;
            case SQLITE_FLOAT: first = TY_VAL_FLOAT; break;
            case SQLITE_BLOB:
                first = TY_VAL_BLOB;
                first_len = (size_t)sqlite3_column_bytes(s->vm, i);
                break;
            case SQLITE_TEXT: {
                first = TY_VAL_TEXT;
                const unsigned char *t = sqlite3_column_text(s->vm, i);
                first_len = t ? u8_to_u16((const char *)t, (size_t)sqlite3_column_bytes(s->vm, i),
                                          NULL, 0, NULL)
                              : 0;
                break;
            }
            default: first = TY_VAL_NULL; break;
            }
        }
        ty_from_decl(sqlite3_column_decltype(s->vm, i), first, first_len, &c->ty);
        c->nullable = SQL_NULLABLE_UNKNOWN;
        if (table && origin) {
            int notnull = 0;
            if (sqlite3_table_column_metadata(db, sqlite3_column_database_name(s->vm, i), table,
                                              origin, NULL, NULL, &notnull, NULL, NULL) == SQLITE_OK)
                c->nullable = notnull ? SQL_NO_NULLS : SQL_NULLABLE;
        }
    }
    s->cols = cols;
    s->cols_after_exec = have_row || s->executed;
    return 0;
}

/* Common checks; returns the column or NULL with a diagnostic posted. */
static drv_col *get_col(drv_stmt *s, SQLUSMALLINT col, SQLRETURN *rc)
{
    *rc = SQL_ERROR;
    if (!stmt_check_connected(s))
        return NULL;
    if (!s->vm) {
        diag_post(&s->h.diag, "HY010", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
                  "Function sequence error: no statement is prepared");
        return NULL;
    }
    if (s->ncols == 0) {
        diag_post(&s->h.diag, "07005", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
                  "Prepared statement not a cursor-specification: it returns no columns");
        return NULL;
    }
    if (col < 1 || col > s->ncols) {
        diag_post(&s->h.diag, "07009", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
                  "Invalid descriptor index %u: columns are numbered 1 to %d (no bookmarks)",
                  (unsigned)col, s->ncols);
        return NULL;
    }
    if (stmt_load_cols(s) != 0) {
        diag_nomem(&s->h.diag);
        return NULL;
    }
    *rc = SQL_SUCCESS;
    return &s->cols[col - 1];
}

SQLRETURN drv_num_result_cols(drv_stmt *s, SQLSMALLINT *n)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!s->vm)
        return diag_err(&s->h.diag, "HY010", "Function sequence error: no statement is prepared");
    if (n)
        *n = (SQLSMALLINT)s->ncols;
    return SQL_SUCCESS;
}

SQLRETURN drv_describe_col(drv_stmt *s, SQLUSMALLINT col, const drv_strout *name, SQLLEN *namelen,
                           SQLSMALLINT *type, SQLULEN *size, SQLSMALLINT *digits,
                           SQLSMALLINT *nullable)
{
    SQLRETURN rc;
    drv_col *c = get_col(s, col, &rc);
    if (!c)
        return rc;
    int t = drv_strout_put(name, c->name, strlen(c->name), namelen);
    if (t < 0)
        return diag_nomem(&s->h.diag);
    if (type)
        *type = c->ty.sql_type;
    if (size)
        *size = c->ty.column_size;
    if (digits)
        *digits = c->ty.decimal_digits;
    if (nullable)
        *nullable = c->nullable;
    return t ? diag_warn(&s->h.diag, "01004", "String data, right truncated: column name") : SQL_SUCCESS;
}

/*
 * One field of a described column, as SQLColAttribute and the IRD record
 * (SQLGetDescField / SQLGetDescRec) report it: a string in *sv or a number
 * in *nv.  Returns 0, or -1 for a field a result column does not have.
 */
int drv_col_field(const drv_col *c, SQLUSMALLINT field, const char **sv, SQLLEN *nv)
{
    const ty_info *ty = &c->ty;
    *sv = NULL;
    *nv = 0;
    switch (field) {
    /* strings */
    case SQL_DESC_NAME:
    case SQL_COLUMN_NAME:
    case SQL_DESC_LABEL:
        *sv = c->name;
        break;
    case SQL_DESC_BASE_COLUMN_NAME:
        *sv = c->base_name;
        break;
    case SQL_DESC_BASE_TABLE_NAME:
    case SQL_DESC_TABLE_NAME:
        *sv = c->table;
        break;
    case SQL_DESC_TYPE_NAME:
    case SQL_DESC_LOCAL_TYPE_NAME:
        *sv = ty->type_name;
        break;
    case SQL_DESC_LITERAL_PREFIX:
        *sv = ty->literal_prefix;
        break;
    case SQL_DESC_LITERAL_SUFFIX:
        *sv = ty->literal_suffix;
        break;
    case SQL_DESC_CATALOG_NAME:
    case SQL_DESC_SCHEMA_NAME:
        *sv = ""; /* no catalogs or schemas */
        break;
    /* numbers */
    case SQL_DESC_AUTO_UNIQUE_VALUE: *nv = SQL_FALSE; break;
    case SQL_DESC_CASE_SENSITIVE: *nv = ty->case_sensitive ? SQL_TRUE : SQL_FALSE; break;
    case SQL_DESC_CONCISE_TYPE: /* == SQL_COLUMN_TYPE */ *nv = ty->sql_type; break;
    case SQL_DESC_TYPE: *nv = ty->verbose_type; break;
    case SQL_DESC_DATETIME_INTERVAL_CODE: *nv = ty->datetime_sub; break;
    case SQL_DESC_DATETIME_INTERVAL_PRECISION: *nv = 0; break;
    case SQL_DESC_DISPLAY_SIZE: *nv = ty->display_size; break;
    case SQL_DESC_FIXED_PREC_SCALE: *nv = SQL_FALSE; break;
    case SQL_DESC_LENGTH: *nv = (SQLLEN)ty->column_size; break;
    case SQL_COLUMN_LENGTH: /* ODBC 2: bytes transferred in the default C type */
    case SQL_DESC_OCTET_LENGTH: *nv = ty->octet_length; break;
    case SQL_DESC_NUM_PREC_RADIX: *nv = ty->radix; break;
    case SQL_DESC_NULLABLE:
    case SQL_COLUMN_NULLABLE: *nv = c->nullable; break;
    case SQL_DESC_PRECISION:
        *nv = ty->sql_type == SQL_TYPE_TIMESTAMP ? ty->decimal_digits : (SQLLEN)ty->column_size;
        break;
    case SQL_COLUMN_PRECISION: *nv = (SQLLEN)ty->column_size; break;
    case SQL_DESC_SCALE:
    case SQL_COLUMN_SCALE: *nv = ty->decimal_digits; break;
    case SQL_DESC_SEARCHABLE: *nv = ty->searchable; break;
    case SQL_DESC_UNNAMED: *nv = c->name[0] ? SQL_NAMED : SQL_UNNAMED; break;
    case SQL_DESC_UNSIGNED: *nv = ty->radix == 0 || ty->is_unsigned ? SQL_TRUE : SQL_FALSE; break;
    case SQL_DESC_UPDATABLE: *nv = SQL_ATTR_READWRITE_UNKNOWN; break;
    default:
        return -1;
    }
    return 0;
}

SQLRETURN drv_col_attribute(drv_stmt *s, SQLUSMALLINT col, SQLUSMALLINT field,
                            const drv_strout *str, SQLLEN *strlen_out, SQLLEN *num)
{
    SQLRETURN rc;
    const char *sv = NULL;
    SQLLEN nv = 0;

    if (field == SQL_DESC_COUNT || field == SQL_COLUMN_COUNT) {
        if (!stmt_check_connected(s))
            return SQL_ERROR;
        if (!s->vm)
            return diag_err(&s->h.diag, "HY010", "Function sequence error: no statement is prepared");
        if (num)
            *num = s->ncols;
        return SQL_SUCCESS;
    }
    drv_col *c = get_col(s, col, &rc);
    if (!c)
        return rc;
    if (drv_col_field(c, field, &sv, &nv) != 0)
        return diag_err(&s->h.diag, "HY091", "Invalid descriptor field identifier %u", (unsigned)field);

    if (sv) {
        int t = drv_strout_put(str, sv, strlen(sv), strlen_out);
        if (t < 0)
            return diag_nomem(&s->h.diag);
        if (t)
            return diag_warn(&s->h.diag, "01004", "String data, right truncated");
        return SQL_SUCCESS;
    }
    if (num)
        *num = nv;
    return SQL_SUCCESS;
}

/* ---- SQL function for SQLColumns ----------------------------------------------- */

/*
 * azdo_odbc_coltype(decltype, field) -> the field of the column's ODBC type
 * as SQLColumns reports it; field: 0 DATA_TYPE, 1 TYPE_NAME, 2 COLUMN_SIZE,
 * 3 BUFFER_LENGTH, 4 DECIMAL_DIGITS, 5 NUM_PREC_RADIX, 6 SQL_DATA_TYPE,
 * 7 SQL_DATETIME_SUB, 8 CHAR_OCTET_LENGTH.  NULL where ODBC says "not
 * applicable".  Table columns have no first row, so only the declared type
 * decides, exactly as ty_from_decl does for SQLDescribeCol.
 */
static void coltype_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    ty_info ty;
    const char *decl = (const char *)sqlite3_value_text(argv[0]);
    ty_from_decl(decl, TY_VAL_UNKNOWN, 0, &ty);
    int is_char = ty.sql_type == SQL_WVARCHAR || ty.sql_type == SQL_WLONGVARCHAR ||
                  ty.sql_type == SQL_VARBINARY;
    int is_num = ty.radix != 0;
    switch (sqlite3_value_int(argv[1])) {
    case 0: sqlite3_result_int(ctx, ty.sql_type); break;
    case 1: sqlite3_result_text(ctx, ty.type_name, -1, SQLITE_STATIC); break;
    case 2: sqlite3_result_int64(ctx, (sqlite3_int64)ty.column_size); break;
    case 3: sqlite3_result_int64(ctx, ty.octet_length); break;
    case 4:
        /* exact numbers and timestamps have a scale; DOUBLE and text do not */
        if ((is_num && ty.sql_type != SQL_DOUBLE) || ty.sql_type == SQL_TYPE_TIMESTAMP)
            sqlite3_result_int(ctx, ty.decimal_digits);
        else
            sqlite3_result_null(ctx);
        break;
    case 5:
        if (is_num)
            sqlite3_result_int(ctx, ty.radix);
        else
            sqlite3_result_null(ctx);
        break;
    case 6: sqlite3_result_int(ctx, ty.verbose_type); break;
    case 7:
        if (ty.datetime_sub)
            sqlite3_result_int(ctx, ty.datetime_sub);
        else
            sqlite3_result_null(ctx);
        break;
    case 8:
        if (is_char)
            sqlite3_result_int64(ctx, ty.octet_length);
        else
            sqlite3_result_null(ctx);
        break;
    default: sqlite3_result_null(ctx); break;
    }
}

int drv_register_sql_functions(sqlite3 *db)
{
    int rc = sqlite3_create_function_v2(db, "azdo_odbc_coltype", 2,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                        coltype_func, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : -1;
}
