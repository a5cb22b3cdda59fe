/*
 * driver.h — the internal functions behind the exported entry points.
 *
 * odbcapi.c (A) and odbcapiw.c (W) validate and lock the handle
 * (handles.h *_enter), convert strings, call exactly one of these, and
 * unlock.  These functions never call an exported SQL* function: inside a
 * driver loaded by the DM, a call to "SQLFoo" could bind to the DM's SQLFoo.
 *
 * String conventions: inputs are UTF-8 with a length (SQL_NTS allowed; NULL
 * pointers mean "not given"); outputs go through drv_strout (strout.h) so the
 * A/W unit rules live in one place.  Handle arguments arrive locked.
 */
#ifndef AZDO_DRIVER_H
#define AZDO_DRIVER_H

#include "handles.h"
#include "strout.h"

/* Driver identity */
#define DRV_NAME "libazdoodbc.so"
#define DRV_ODBC_VER "03.80"
#define DRV_DBMS_NAME "Azure DevOps"

/* Byte length of an input string given as (s, len) with SQL_NTS. */
size_t drv_inlen(const char *s, SQLLEN len);
/* malloc'd NUL-terminated copy of (s, len); NULL for s == NULL or out of memory (*oom set). */
char *drv_indup(const char *s, SQLLEN len, int *oom);

/* attrs.c */
SQLRETURN drv_set_env_attr(drv_env *e, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len);
SQLRETURN drv_get_env_attr(drv_env *e, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                           SQLINTEGER *outlen);
/* String attributes arrive as UTF-8 (the W wrapper converts). */
SQLRETURN drv_set_connect_attr(drv_dbc *c, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len);
SQLRETURN drv_get_connect_attr(drv_dbc *c, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                               SQLINTEGER *outlen, int wide);
SQLRETURN drv_set_stmt_attr(drv_stmt *s, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER len);
SQLRETURN drv_get_stmt_attr(drv_stmt *s, SQLINTEGER attr, SQLPOINTER val, SQLINTEGER buflen,
                            SQLINTEGER *outlen);
/* Is attr a connection attribute whose value is a string (W wrapper converts it)? */
int drv_connect_attr_is_string(SQLINTEGER attr);
/* Puts the session database in or out of read-only mode (SQL_ATTR_ACCESS_MODE);
 * 0, or -1 when SQLite refused.  No-op while not connected. */
int dbc_apply_access_mode(drv_dbc *c);

/* connect.c */
SQLRETURN drv_connect(drv_dbc *c, const char *dsn, SQLLEN dsnlen, const char *uid, SQLLEN uidlen,
                      const char *pwd, SQLLEN pwdlen);
SQLRETURN drv_driver_connect(drv_dbc *c, const char *in, SQLLEN inlen, const drv_strout *out,
                             SQLLEN *outlen, SQLUSMALLINT completion);
SQLRETURN drv_disconnect(drv_dbc *c);

/* stmt.c */
SQLRETURN drv_prepare(drv_stmt *s, const char *sql, SQLLEN len);
SQLRETURN drv_execute(drv_stmt *s);
SQLRETURN drv_exec_direct(drv_stmt *s, const char *sql, SQLLEN len);
SQLRETURN drv_row_count(drv_stmt *s, SQLLEN *n);
SQLRETURN drv_more_results(drv_stmt *s);
SQLRETURN drv_free_stmt(drv_stmt *s, SQLUSMALLINT option);
SQLRETURN drv_close_cursor(drv_stmt *s);
SQLRETURN drv_cancel(SQLHSTMT h);   /* takes no connection lock: see handles.h */
SQLRETURN drv_end_tran(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT completion);
SQLRETURN drv_native_sql(drv_dbc *c, const char *in, SQLLEN inlen, const drv_strout *out,
                         SQLLEN *outlen);
SQLRETURN drv_get_cursor_name(drv_stmt *s, const drv_strout *out, SQLLEN *outlen);
SQLRETURN drv_set_cursor_name(drv_stmt *s, const char *name, SQLLEN len);
/* Runs a statement on behalf of the driver (catalog functions): prepares sql,
 * binds the text arguments (NULL = SQL NULL), executes through the normal
 * path, and types the result columns from catcols. */
SQLRETURN stmt_exec_internal(drv_stmt *s, const char *sql, const char *const *args, int nargs,
                             const drv_catcol *catcols);
/* One sqlite3_step with cancel/timeout bookkeeping and the statement's
 * write intent; posts nothing.  stmt_step uses SQL_ATTR_QUERY_TIMEOUT,
 * stmt_step_timeout the given seconds (0 = none). */
int stmt_step(drv_stmt *s);
int stmt_step_timeout(drv_stmt *s, long timeout_s);
/* Posts the diagnostic for a failed prepare/step rc (to the statement, or to
 * d); returns SQL_ERROR. */
SQLRETURN stmt_sqlite_error(drv_stmt *s, int rc, SQLLEN row);
SQLRETURN stmt_sqlite_error_to(drv_stmt *s, drv_diag *d, int rc, SQLLEN row);
/* The first step of one execution whose parameters are bound (cursor, row
 * count, SQL_NO_DATA, status[0]). */
SQLRETURN stmt_first_step(drv_stmt *s);
/* INSERT/REPLACE/UPDATE/DELETE (after WITH) that writes: SQLRowCount counts it. */
int stmt_is_dml(drv_stmt *s);

/* params.c: parameters, parameter arrays, data-at-execution */
SQLRETURN drv_num_params(drv_stmt *s, SQLSMALLINT *n);
SQLRETURN drv_bind_parameter(drv_stmt *s, SQLUSMALLINT num, SQLSMALLINT io, SQLSMALLINT ctype,
                             SQLSMALLINT sql_type, SQLULEN col_size, SQLSMALLINT digits,
                             SQLPOINTER ptr, SQLLEN buflen, SQLLEN *ind);
SQLRETURN drv_describe_param(drv_stmt *s, SQLUSMALLINT num, SQLSMALLINT *type, SQLULEN *size,
                             SQLSMALLINT *digits, SQLSMALLINT *nullable);
/* Executes the prepared VM with the application's parameters: one set, or
 * SQL_ATTR_PARAMSET_SIZE sets; SQL_NEED_DATA when values come by SQLPutData. */
SQLRETURN stmt_execute_params(drv_stmt *s);
SQLRETURN drv_param_data(drv_stmt *s, SQLPOINTER *value);
SQLRETURN drv_put_data(drv_stmt *s, SQLPOINTER data, SQLLEN len);
/* Parameter record i (1-based), grown on demand; NULL when out of memory (nothing posted). */
drv_param *stmt_param(drv_stmt *s, int i);

/* desc.c: descriptor fields and records, explicit descriptors, SQLCopyDesc.
 * String fields arrive and leave as UTF-8 (wide: the W form's units). */
SQLRETURN drv_get_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER buflen, SQLINTEGER *outlen, int wide);
SQLRETURN drv_set_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER len);
SQLRETURN drv_get_desc_rec(drv_desc *d, SQLSMALLINT rec, const drv_strout *name, SQLLEN *namelen,
                           SQLSMALLINT *type, SQLSMALLINT *subtype, SQLLEN *length,
                           SQLSMALLINT *precision, SQLSMALLINT *scale, SQLSMALLINT *nullable);
SQLRETURN drv_set_desc_rec(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT type, SQLSMALLINT subtype,
                           SQLLEN length, SQLSMALLINT precision, SQLSMALLINT scale, SQLPOINTER data,
                           SQLLEN *octet_length_ptr, SQLLEN *ind_ptr);
/* SQLSetStmtAttr(SQL_ATTR_APP_ROW_DESC / SQL_ATTR_APP_PARAM_DESC): handle
 * NULL or the implicit descriptor = back to the implicit one. */
SQLRETURN drv_use_app_desc(drv_stmt *s, SQLINTEGER attr, SQLHDESC handle);

/* results.c */
SQLRETURN drv_fetch(drv_stmt *s);
SQLRETURN drv_fetch_scroll(drv_stmt *s, SQLSMALLINT orientation, SQLLEN offset);
SQLRETURN drv_bind_col(drv_stmt *s, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                       SQLLEN buflen, SQLLEN *ind);
SQLRETURN drv_get_data(drv_stmt *s, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                       SQLLEN buflen, SQLLEN *ind);

/* describe.c */
int stmt_load_cols(drv_stmt *s);   /* fills s->cols; -1 out of memory */
SQLRETURN drv_num_result_cols(drv_stmt *s, SQLSMALLINT *n);
SQLRETURN drv_describe_col(drv_stmt *s, SQLUSMALLINT col, const drv_strout *name, SQLLEN *namelen,
                           SQLSMALLINT *type, SQLULEN *size, SQLSMALLINT *digits,
                           SQLSMALLINT *nullable);
SQLRETURN drv_col_attribute(drv_stmt *s, SQLUSMALLINT col, SQLUSMALLINT field,
                            const drv_strout *str, SQLLEN *strlen_out, SQLLEN *num);
/* One SQLColAttribute field of a described column; -1 for an unknown field. */
int drv_col_field(const drv_col *c, SQLUSMALLINT field, const char **sv, SQLLEN *nv);
/* Registers the SQL functions SQLColumns uses on a new session's database. */
int drv_register_sql_functions(sqlite3 *db);

/* catalog.c */
SQLRETURN drv_tables(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                     SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *type,
                     SQLLEN typelen);
SQLRETURN drv_columns(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                      SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *column,
                      SQLLEN columnlen);
SQLRETURN drv_get_type_info(drv_stmt *s, SQLSMALLINT type);
SQLRETURN drv_primary_keys(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                           SQLLEN schemlen, const char *table, SQLLEN tablelen);
SQLRETURN drv_foreign_keys(drv_stmt *s, const char *pkcat, SQLLEN pkcatlen, const char *pkschem,
                           SQLLEN pkschemlen, const char *pktable, SQLLEN pktablelen, const char *fkcat,
                           SQLLEN fkcatlen, const char *fkschem, SQLLEN fkschemlen, const char *fktable,
                           SQLLEN fktablelen);
SQLRETURN drv_statistics(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                         SQLLEN schemlen, const char *table, SQLLEN tablelen, SQLUSMALLINT unique,
                         SQLUSMALLINT reserved);
SQLRETURN drv_special_columns(drv_stmt *s, SQLUSMALLINT idtype, const char *cat, SQLLEN catlen,
                              const char *schem, SQLLEN schemlen, const char *table, SQLLEN tablelen,
                              SQLUSMALLINT scope, SQLUSMALLINT nullable);
SQLRETURN drv_procedures(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                         SQLLEN schemlen, const char *proc, SQLLEN proclen);
SQLRETURN drv_procedure_columns(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                                SQLLEN schemlen, const char *proc, SQLLEN proclen, const char *column,
                                SQLLEN columnlen);
SQLRETURN drv_table_privileges(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                               SQLLEN schemlen, const char *table, SQLLEN tablelen);
SQLRETURN drv_column_privileges(drv_stmt *s, const char *cat, SQLLEN catlen, const char *schem,
                                SQLLEN schemlen, const char *table, SQLLEN tablelen, const char *column,
                                SQLLEN columnlen);

/* info.c */
SQLRETURN drv_get_info(drv_dbc *c, SQLUSMALLINT type, SQLPOINTER val, SQLSMALLINT buflen,
                       SQLSMALLINT *outlen, int wide);
SQLRETURN drv_get_functions(drv_dbc *c, SQLUSMALLINT id, SQLUSMALLINT *supported);

/* diag.c */
SQLRETURN drv_get_diag_rec(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, char state[6],
                           SQLINTEGER *native, const drv_strout *msg, SQLLEN *msglen);
SQLRETURN drv_get_diag_field(SQLSMALLINT type, SQLHANDLE h, SQLSMALLINT rec, SQLSMALLINT field,
                             SQLPOINTER info, SQLSMALLINT buflen, SQLSMALLINT *outlen, int wide);

#endif
