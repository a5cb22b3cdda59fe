/*
 * types.c — declared type -> ODBC type metadata, and the SQLGetTypeInfo rows.
 *
 * ty_make() is the single definition of each type's numbers; ty_rows[] lists
 * the same types for SQLGetTypeInfo and test_driver_types.c checks that
 * every type ty_from_decl() can produce has a row with the same name, size
 * and searchability.
 */
#include "types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void ty_make(SQLSMALLINT t, SQLULEN size, ty_info *o)
{
    memset(o, 0, sizeof *o);
    o->sql_type = t;
    o->verbose_type = t;
    o->literal_prefix = "";
    o->literal_suffix = "";
    switch (t) {
    case SQL_SMALLINT:
        o->column_size = 5;
        o->display_size = 6;
        o->octet_length = 2;
        o->radix = 10;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_SSHORT;
        o->type_name = "SMALLINT";
        break;
    case SQL_INTEGER:
        o->column_size = 10;
        o->display_size = 11;
        o->octet_length = 4;
        o->radix = 10;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_SLONG;
        o->type_name = "INTEGER";
        break;
    case SQL_BIGINT:
        o->column_size = 19;
        o->display_size = 20;
        o->octet_length = 8;
        o->radix = 10;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_SBIGINT;
        o->type_name = "BIGINT";
        break;
    case SQL_DOUBLE:
        o->column_size = 15;
        o->display_size = 24;
        o->octet_length = 8;
        o->radix = 10;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_DOUBLE;
        o->type_name = "DOUBLE";
        break;
    case SQL_BIT:
        o->column_size = 1;
        o->display_size = 1;
        o->octet_length = 1;
        o->is_unsigned = 1;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_BIT;
        o->type_name = "BOOLEAN";
        break;
    case SQL_TYPE_TIMESTAMP:
        o->verbose_type = SQL_DATETIME;
        o->datetime_sub = SQL_CODE_TIMESTAMP;
        o->column_size = TY_TIMESTAMP_SIZE;
        o->decimal_digits = TY_TIMESTAMP_DIGITS;
        o->display_size = TY_TIMESTAMP_SIZE;
        o->octet_length = sizeof(SQL_TIMESTAMP_STRUCT);
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_TYPE_TIMESTAMP;
        o->type_name = "TIMESTAMP";
        o->literal_prefix = "'";
        o->literal_suffix = "'";
        break;
    case SQL_WLONGVARCHAR:
        o->column_size = size ? size : TY_LONG_TEXT_SIZE;
        o->display_size = (SQLLEN)o->column_size;
        o->octet_length = (SQLLEN)o->column_size * 2;
        o->case_sensitive = 1;
        o->searchable = SQL_SEARCHABLE;
        o->c_default = SQL_C_WCHAR;
        o->type_name = "TEXT";
        o->literal_prefix = "'";
        o->literal_suffix = "'";
        break;
    case SQL_VARBINARY:
        o->column_size = size ? size : TY_EXPR_TEXT_SIZE;
        o->display_size = (SQLLEN)o->column_size * 2; /* hex digits */
        o->octet_length = (SQLLEN)o->column_size;
        o->searchable = SQL_PRED_BASIC;
        o->c_default = SQL_C_BINARY;
        o->type_name = "BLOB";
        o->literal_prefix = "X'";
        o->literal_suffix = "'";
        break;
    case SQL_WVARCHAR:
    default:
        o->sql_type = o->verbose_type = SQL_WVARCHAR;
        o->column_size = size ? size : TY_EXPR_TEXT_SIZE;
        /* column_size counts UTF-16 units; clients that read text as UTF-8
         * (DBD::ODBC, PHP) size their SQL_C_CHAR buffers from these, and a
         * unit takes up to 3 bytes of UTF-8 (a surrogate pair: 4 for 2) */
        o->display_size = (SQLLEN)o->column_size * 3;
        o->octet_length = (SQLLEN)o->column_size * 3;
        o->case_sensitive = 1;
        o->searchable = SQL_SEARCHABLE;
        o->c_default = SQL_C_WCHAR;
        o->type_name = "VARCHAR";
        o->literal_prefix = "'";
        o->literal_suffix = "'";
        break;
    }
}

void ty_from_sql_type(SQLSMALLINT sql_type, SQLULEN size, ty_info *out)
{
    ty_make(sql_type, size, out);
}

/* Text of a declared length "(n)" or "(n,m)" after the type word; 0 when absent. */
static SQLULEN decl_length(const char *p)
{
    while (*p && *p != '(')
        p++;
    if (*p != '(')
        return 0;
    p++;
    while (*p == ' ')
        p++;
    SQLULEN n = 0;
    int any = 0;
    while (isdigit((unsigned char)*p)) {
        if (n < 1000000000UL)
            n = n * 10 + (SQLULEN)(*p - '0');
        p++;
        any = 1;
    }
    return any ? n : 0;
}

/* Does the leading word of decl equal w (case-insensitive), followed by end, ' ' or '('? */
static int word_is(const char *decl, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(decl, w, n) != 0)
        return 0;
    return decl[n] == '\0' || decl[n] == ' ' || decl[n] == '(';
}

static int contains_ci(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (strncasecmp(s, w, n) == 0)
            return 1;
    return 0;
}

static void text_type(SQLULEN n, ty_info *out)
{
    if (n == 0)
        ty_make(SQL_WVARCHAR, TY_EXPR_TEXT_SIZE, out);
    else if (n > TY_EXPR_TEXT_SIZE)
        ty_make(SQL_WLONGVARCHAR, n, out); /* longer than the VARCHAR row promises */
    else
        ty_make(SQL_WVARCHAR, n, out);
}

static void from_value(ty_valkind first, size_t len, ty_info *out)
{
    switch (first) {
    case TY_VAL_INT:
        ty_make(SQL_BIGINT, 0, out);
        break;
    case TY_VAL_FLOAT:
        ty_make(SQL_DOUBLE, 0, out);
        break;
    case TY_VAL_BLOB:
        ty_make(SQL_VARBINARY, len > TY_EXPR_TEXT_SIZE ? len : TY_EXPR_TEXT_SIZE, out);
        break;
    default:
        /* text, NULL or not known yet: a large honest size */
        text_type(len > TY_EXPR_TEXT_SIZE ? len : TY_EXPR_TEXT_SIZE, out);
        break;
    }
}

void ty_from_decl(const char *decl, ty_valkind first, size_t first_len, ty_info *out)
{
    if (!decl)
        decl = "";
    while (*decl == ' ')
        decl++;
    if (!*decl) {
        from_value(first, first_len, out);
        return;
    }
    /* the names the virtual tables use, then common synonyms */
    if (word_is(decl, "INTEGER") || word_is(decl, "INT") || word_is(decl, "MEDIUMINT"))
        ty_make(SQL_INTEGER, 0, out);
    else if (word_is(decl, "BIGINT") || word_is(decl, "INT8"))
        ty_make(SQL_BIGINT, 0, out);
    else if (word_is(decl, "SMALLINT") || word_is(decl, "TINYINT") || word_is(decl, "INT2"))
        ty_make(SQL_SMALLINT, 0, out);
    else if (word_is(decl, "DOUBLE") || word_is(decl, "REAL") || word_is(decl, "FLOAT"))
        ty_make(SQL_DOUBLE, 0, out);
    else if (word_is(decl, "BOOLEAN") || word_is(decl, "BOOL") || word_is(decl, "BIT"))
        ty_make(SQL_BIT, 0, out);
    else if (word_is(decl, "TIMESTAMP") || word_is(decl, "DATETIME") || word_is(decl, "DATE"))
        ty_make(SQL_TYPE_TIMESTAMP, 0, out);
    else if (word_is(decl, "TEXT") || word_is(decl, "CLOB") || word_is(decl, "LONGVARCHAR") ||
             word_is(decl, "NTEXT"))
        ty_make(SQL_WLONGVARCHAR, TY_LONG_TEXT_SIZE, out);
    else if (word_is(decl, "VARCHAR") || word_is(decl, "NVARCHAR") || word_is(decl, "CHAR") ||
             word_is(decl, "NCHAR") || word_is(decl, "CHARACTER") || word_is(decl, "VARYING"))
        text_type(decl_length(decl), out);
    else if (word_is(decl, "BLOB") || word_is(decl, "VARBINARY") || word_is(decl, "BINARY"))
        ty_make(SQL_VARBINARY, decl_length(decl) ? decl_length(decl) : TY_EXPR_TEXT_SIZE, out);
    /* otherwise SQLite's affinity rules (datatype3.html §3.1), in their order */
    else if (contains_ci(decl, "INT"))
        ty_make(SQL_BIGINT, 0, out);
    else if (contains_ci(decl, "CHAR") || contains_ci(decl, "CLOB") || contains_ci(decl, "TEXT"))
        text_type(decl_length(decl), out);
    else if (contains_ci(decl, "BLOB"))
        ty_make(SQL_VARBINARY, TY_EXPR_TEXT_SIZE, out);
    else if (contains_ci(decl, "REAL") || contains_ci(decl, "FLOA") || contains_ci(decl, "DOUB"))
        ty_make(SQL_DOUBLE, 0, out);
    else
        from_value(first, first_len, out); /* NUMERIC affinity: the value decides */
}

/*
 * SQLGetTypeInfo rows, sorted by DATA_TYPE.  COLUMN_SIZE of VARCHAR is the
 * size promised for expressions and VARCHAR without a length; a declared
 * VARCHAR(n) longer than that is described as TEXT.
 */
const ty_row ty_rows[] = {
    /* name       type                size                prefix suffix create_params
       null case search               unsig fixed auto  minS maxS  sqltype       sub                 radix */
    {"TEXT", SQL_WLONGVARCHAR, TY_LONG_TEXT_SIZE, "'", "'", NULL,
     SQL_NULLABLE, 1, SQL_SEARCHABLE, -1, 0, -1, -1, -1, SQL_WLONGVARCHAR, -1, -1},
    {"VARCHAR", SQL_WVARCHAR, TY_EXPR_TEXT_SIZE, "'", "'", "max length",
     SQL_NULLABLE, 1, SQL_SEARCHABLE, -1, 0, -1, -1, -1, SQL_WVARCHAR, -1, -1},
    {"BOOLEAN", SQL_BIT, 1, NULL, NULL, NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, 1, 0, -1, -1, -1, SQL_BIT, -1, -1},
    {"BIGINT", SQL_BIGINT, 19, NULL, NULL, NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, 0, 0, 0, 0, 0, SQL_BIGINT, -1, 10},
    {"BLOB", SQL_VARBINARY, TY_EXPR_TEXT_SIZE, "X'", "'", "max length",
     SQL_NULLABLE, 0, SQL_PRED_BASIC, -1, 0, -1, -1, -1, SQL_VARBINARY, -1, -1},
    {"INTEGER", SQL_INTEGER, 10, NULL, NULL, NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, 0, 0, 0, 0, 0, SQL_INTEGER, -1, 10},
    {"SMALLINT", SQL_SMALLINT, 5, NULL, NULL, NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, 0, 0, 0, 0, 0, SQL_SMALLINT, -1, 10},
    {"DOUBLE", SQL_DOUBLE, 15, NULL, NULL, NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, 0, 0, 0, -1, -1, SQL_DOUBLE, -1, 10},
    {"TIMESTAMP", SQL_TYPE_TIMESTAMP, TY_TIMESTAMP_SIZE, "'", "'", NULL,
     SQL_NULLABLE, 0, SQL_PRED_BASIC, -1, 0, -1, 0, TY_TIMESTAMP_DIGITS, SQL_DATETIME,
     SQL_CODE_TIMESTAMP, -1},
};
const size_t ty_nrows = sizeof ty_rows / sizeof ty_rows[0];
