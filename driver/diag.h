/*
 * diag.h — diagnostic records and the one SQLSTATE table.
 *
 * Every handle owns a LIST of records (not one slot): a fetch can report a
 * truncation on one column and a conversion error on another, and the DM
 * reads them all back with SQLGetDiagRecW right after the call.  Each ODBC
 * call clears the list of the handle it was given (handles.c does it on
 * entry), except the diagnostic functions themselves.
 *
 * Messages read "[azdo-odbc][Azure DevOps]<text>".  They never contain a
 * secret: the PAT is not passed to any function here, and rest/ promises
 * the same for azdo_error messages.
 */
#ifndef AZDO_DIAG_H
#define AZDO_DIAG_H

#include <stdarg.h>
#include <sql.h>
#include <sqlext.h>

#include "../rest/azdo_error.h"

#define DIAG_PREFIX "[azdo-odbc][Azure DevOps]"

typedef struct drv_diag_rec {
    char state[6];
    SQLINTEGER native;    /* HTTP status, SQLite extended result code, or 0 */
    char *msg;            /* malloc'd UTF-8, prefix included */
    SQLLEN row;           /* SQL_DIAG_ROW_NUMBER: 1-based row in the rowset, or SQL_NO_ROW_NUMBER */
    SQLINTEGER col;       /* SQL_DIAG_COLUMN_NUMBER: 1-based, or SQL_NO_COLUMN_NUMBER */
} drv_diag_rec;

typedef struct drv_diag {
    drv_diag_rec *recs;
    int n, cap;
    int lost;             /* a record could not be stored for lack of memory: reads as HY001 */
    SQLRETURN retcode;    /* SQL_DIAG_RETURNCODE of the last call */
} drv_diag;

void diag_init(drv_diag *d);
void diag_clear(drv_diag *d);   /* frees the records; the list stays usable */

/* Appends a record (row/col may be SQL_NO_ROW_NUMBER / SQL_NO_COLUMN_NUMBER). */
void diag_post(drv_diag *d, const char *state, SQLINTEGER native, SQLLEN row, SQLINTEGER col,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_vpost(drv_diag *d, const char *state, SQLINTEGER native, SQLLEN row, SQLINTEGER col,
                const char *fmt, va_list ap);

/* Post a record and return SQL_ERROR / SQL_SUCCESS_WITH_INFO: `return diag_err(...)`. */
SQLRETURN diag_err(drv_diag *d, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
SQLRETURN diag_warn(drv_diag *d, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
SQLRETURN diag_nomem(drv_diag *d);   /* HY001 */

/* Where an azdo_error surfaced: the same kind means different things there. */
typedef enum diag_ctx { DIAG_CTX_CONNECT, DIAG_CTX_STMT } diag_ctx;

/* THE table: azdo_errkind -> SQLSTATE (see the comment in diag.c). */
const char *diag_state_for_kind(azdo_errkind kind, diag_ctx ctx);

/* Posts an azdo_error (message kept verbatim, native = HTTP status); returns SQL_ERROR. */
SQLRETURN diag_azdo(drv_diag *d, const azdo_error *e, diag_ctx ctx);

/* SQLSTATE for a failed SQLite prepare/step that did not come from Azure DevOps. */
const char *diag_sqlite_state(int errcode, const char *msg);

/*
 * Posts the error of a failed sqlite3_prepare/step: the session's structured
 * REST error when `last` is non-NULL (message verbatim), else the SQLite
 * message with the state from diag_sqlite_state().  Returns SQL_ERROR.
 */
SQLRETURN diag_sqlite(drv_diag *d, int errcode, const char *msg, const azdo_error *last, SQLLEN row);

#endif
