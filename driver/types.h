/*
 * types.h — SQL type metadata (PURE).
 *
 * The one place that says which ODBC SQL type a column has and what its
 * size, display size, type name … are.  SQLDescribeCol, SQLColAttribute,
 * SQLColumns (through a SQL function registered on the session database) and
 * SQLGetTypeInfo all read it, so they cannot disagree (odbc-clients.md §8 #6,
 * #12).
 *
 * Declared types are those the virtual tables use: INTEGER, BIGINT, DOUBLE,
 * VARCHAR(n), TEXT, TIMESTAMP, BOOLEAN.  A column without a declared type (an
 * expression) is typed from the first row's storage class, because SQLite is
 * dynamically typed; text is then described with a large honest size, never
 * 255.
 */
#ifndef AZDO_TYPES_H
#define AZDO_TYPES_H

#include <stddef.h>
#include <sql.h>
#include <sqlext.h>

/* Storage class of the first row's value (for expression columns). */
typedef enum ty_valkind {
    TY_VAL_UNKNOWN = 0, /* no row buffered (prepared, not executed; or empty result) */
    TY_VAL_NULL,
    TY_VAL_INT,
    TY_VAL_FLOAT,
    TY_VAL_TEXT,
    TY_VAL_BLOB
} ty_valkind;

/* Sizes the driver promises. */
#define TY_EXPR_TEXT_SIZE 65535     /* text expression columns and VARCHAR without (n) */
#define TY_LONG_TEXT_SIZE 1048576   /* TEXT: the Azure DevOps long-text limit */
#define TY_TIMESTAMP_SIZE 27        /* 'YYYY-MM-DD HH:MM:SS.fffffff' */
#define TY_TIMESTAMP_DIGITS 7

typedef struct ty_info {
    SQLSMALLINT sql_type;       /* concise type (SQL_DESC_CONCISE_TYPE) */
    SQLSMALLINT verbose_type;   /* SQL_DESC_TYPE: SQL_DATETIME for timestamps */
    SQLSMALLINT datetime_sub;   /* SQL_CODE_TIMESTAMP or 0 */
    SQLULEN column_size;        /* characters for text, digits for numbers */
    SQLSMALLINT decimal_digits; /* scale; fraction digits for timestamps */
    SQLLEN display_size;
    SQLLEN octet_length;        /* bytes in the default C type (UTF-16 for wide text) */
    SQLSMALLINT radix;          /* 10 for numbers, 0 otherwise */
    int is_unsigned;
    int case_sensitive;
    SQLSMALLINT searchable;     /* SQL_PRED_* */
    SQLSMALLINT c_default;      /* C type for SQL_C_DEFAULT */
    const char *type_name;      /* equals the SQLGetTypeInfo TYPE_NAME */
    const char *literal_prefix; /* "" when none */
    const char *literal_suffix;
} ty_info;

/*
 * Fills *out for a declared type (NULL or "" when none).  first/first_len
 * describe the first row's value when the declared type does not decide:
 * first_len is its length in characters (text) or bytes (blob).
 */
void ty_from_decl(const char *decl, ty_valkind first, size_t first_len, ty_info *out);

/* Fills *out for a concise SQL type the driver itself produces (catalog result columns). */
void ty_from_sql_type(SQLSMALLINT sql_type, SQLULEN size, ty_info *out);

/* One SQLGetTypeInfo row; -1 in an int field means SQL NULL. */
typedef struct ty_row {
    const char *type_name;
    SQLSMALLINT data_type;
    long column_size;
    const char *literal_prefix; /* NULL = SQL NULL */
    const char *literal_suffix;
    const char *create_params;
    int nullable, case_sensitive, searchable, unsigned_attribute, fixed_prec_scale,
        auto_unique_value;
    int minimum_scale, maximum_scale;
    int sql_data_type, sql_datetime_sub, num_prec_radix;
} ty_row;

/* Every type the driver can describe, sorted by DATA_TYPE. */
extern const ty_row ty_rows[];
extern const size_t ty_nrows;

#endif
