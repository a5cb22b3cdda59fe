/*
 * handles.h — the environment, connection, statement and descriptor structs,
 * and the entry/exit discipline every exported function follows.
 *
 * Validation first: a handle is valid only while it is in a process-wide
 * registry (a pointer set), so a stale or foreign handle is answered with
 * SQL_INVALID_HANDLE instead of being dereferenced.
 *
 * Locking: one mutex per connection, taken on entry by every call on the
 * connection or one of its statements (the DM's default Threading level is 0,
 * so it serialises nothing; odbc-clients.md §3.5).  SQLCancel is the exception:
 * it arrives from another thread while a call holds the lock, so it only takes
 * the small `cancel_lock`, which guards `executing` and the database pointer.
 *
 * Disconnect: statements are DETACHED (their SQLite statement finalized,
 * their memory kept) rather than freed, because the DM may call
 * SQLFreeHandle(STMT) after SQLDisconnect (odbc-clients.md §8 #16).  They are
 * freed by SQLFreeHandle(STMT) or, at the latest, with their connection.
 */
#ifndef AZDO_HANDLES_H
#define AZDO_HANDLES_H

#include <pthread.h>
#include <sql.h>
#include <sqlext.h>
#include <sqlite3.h>

#include "../sql/azdo_session.h"
#include "convert.h"
#include "diag.h"
#include "sqlscan.h"
#include "types.h"

typedef struct drv_env drv_env;
typedef struct drv_dbc drv_dbc;
typedef struct drv_stmt drv_stmt;
typedef struct drv_desc drv_desc;

typedef struct drv_hdr {
    SQLSMALLINT type; /* SQL_HANDLE_ENV/DBC/STMT/DESC */
    drv_diag diag;
} drv_hdr;

struct drv_env {
    drv_hdr h;
    pthread_mutex_t lock;
    SQLINTEGER odbc_version;  /* SQL_OV_ODBC2 / 3 / 3_80 */
    drv_dbc *dbcs;            /* connections allocated on this environment */
};

struct drv_dbc {
    drv_hdr h;
    drv_env *env;             /* NULL once the environment is gone */
    drv_dbc *next_in_env;
    pthread_mutex_t lock;
    pthread_mutex_t cancel_lock;
    azdo_session *session;    /* NULL when not connected */
    drv_stmt *stmts;          /* all statements, attached or detached */
    drv_desc *descs;          /* explicitly allocated descriptors */
    SQLINTEGER odbc_version;

    /* connection attributes */
    SQLUINTEGER autocommit, access_mode, login_timeout, connection_timeout, txn_isolation,
        metadata_id, async_enable, quiet_mode_set;
    SQLPOINTER quiet_mode;
    char *current_catalog;

    /* driver-side connection keys (connstr.h), set at each connect */
    int array_partial_error;  /* ArrayPartialFailure=Error: an array in which some rows failed returns
                                 SQL_ERROR, not SQL_SUCCESS_WITH_INFO (params.c report()) */

    /* identity for SQLGetInfo (no secrets here) */
    char *dsn;                /* "" when DSN-less */
    char *base_url;
    char *server;             /* host[:port] */
    char *database;           /* project, else organization / collection name */
    char *api_version;
};

/* Declared shape of one catalog result column (SQLTables, SQLGetTypeInfo …). */
typedef struct drv_catcol {
    const char *name;       /* ODBC 3 column name */
    SQLSMALLINT sql_type;
    SQLULEN size;
    SQLSMALLINT nullable;
} drv_catcol;

typedef struct drv_col {
    char *name;        /* label: alias or column name */
    char *base_name;   /* origin column, "" for expressions */
    char *table;       /* origin table, "" for expressions */
    ty_info ty;
    SQLSMALLINT nullable;
} drv_col;

typedef struct drv_bind {   /* one bound column (an ARD record) */
    SQLSMALLINT ctype;      /* 0 = not bound */
    SQLPOINTER ptr;
    SQLLEN buflen;
    SQLLEN *ind;
    /* ARD fields only descriptors set and read back (desc.c); SQLBindCol leaves them alone */
    SQLSMALLINT desc_type;  /* SQL_DESC_CONCISE_TYPE of a record with no buffer yet, 0 = none */
    SQLLEN *octet_len_ptr;  /* SQL_DESC_OCTET_LENGTH_PTR when it differs from ind, else NULL */
    SQLULEN desc_length;    /* SQL_DESC_LENGTH; 0 = the buffer length */
    SQLSMALLINT precision, scale;
} drv_bind;

typedef struct drv_param {  /* one bound parameter (APD + IPD record) */
    int bound;
    SQLSMALLINT io, ctype, sql_type, digits;
    SQLULEN col_size;
    SQLPOINTER ptr;         /* SQL_DESC_DATA_PTR */
    SQLLEN buflen;          /* SQL_DESC_OCTET_LENGTH: element size of char/binary column-wise arrays */
    SQLLEN *ind;            /* SQL_DESC_INDICATOR_PTR */
    SQLLEN *len_ptr;        /* SQL_DESC_OCTET_LENGTH_PTR (SQLBindParameter sets both to the same) */
    SQLSMALLINT num_precision; /* APD SQL_DESC_PRECISION / SCALE: SQL_C_NUMERIC values */
    SQLSMALLINT num_scale;
    int num_scale_set;      /* scale set through SQLSetDescField (else the struct's own) */
    SQLULEN desc_length;    /* APD SQL_DESC_LENGTH as a descriptor set it; 0 = the buffer length */
} drv_param;

/*
 * One descriptor record and header as descriptors exchange them (desc.c):
 * the storage of an explicitly allocated descriptor, the snapshot of a
 * statement's implicit ARD/APD while an explicit one replaces it, and the
 * go-between of SQLCopyDesc.  concise_type is a C type in application
 * descriptors and an SQL type in implementation descriptors.
 */
typedef struct drv_desc_rec {
    SQLSMALLINT concise_type;   /* 0 = record not in use */
    SQLPOINTER data_ptr;
    SQLLEN *ind_ptr, *octet_length_ptr;
    SQLLEN octet_length;
    SQLULEN length;
    SQLSMALLINT precision, scale;
    SQLSMALLINT param_type;     /* IPD */
    SQLSMALLINT nullable;       /* IRD/IPD */
    int num_scale_set;          /* APD: SQL_DESC_SCALE was set explicitly */
} drv_desc_rec;

typedef struct drv_desc_state {
    SQLULEN array_size;
    SQLUSMALLINT *array_status_ptr;
    SQLULEN *bind_offset_ptr;
    SQLULEN bind_type;
    SQLULEN *rows_processed_ptr;
    int count;                  /* records 1..count */
    drv_desc_rec *recs;         /* count entries (malloc'd) */
} drv_desc_state;

/* One data-at-execution value (SQLParamData / SQLPutData). */
typedef struct drv_dae {
    SQLULEN row;            /* 0-based parameter set */
    int param;              /* 1-based parameter */
    int put;                /* SQLPutData was called for it */
    int is_null;            /* SQLPutData(SQL_NULL_DATA) */
    char *buf;
    size_t len, cap;
} drv_dae;

/*
 * A descriptor.  The four implicit ones of a statement are views of the
 * statement's bindings and attributes (desc.c says which field is which).
 * An explicit one (SQLAllocHandle(SQL_HANDLE_DESC)) keeps its own state
 * while no statement uses it; once one or more statements use it as their
 * ARD or APD, the first of them holds the live values and a change through
 * the descriptor is applied to all of them.
 */
struct drv_desc {
    drv_hdr h;
    drv_dbc *dbc;           /* whose lock guards the descriptor */
    drv_stmt *stmt;         /* implicit: its statement; explicit: NULL */
    SQLINTEGER kind;        /* implicit: SQL_ATTR_APP_ROW_DESC, …; explicit: 0 */
    drv_desc *next_in_dbc;  /* explicit descriptors of the connection */
    drv_desc_state own;     /* explicit: the values while no statement uses it */
    drv_stmt *primary;      /* explicit: the statement it reads from (the first to use it), or NULL */
};

enum drv_dae_state {
    DAE_NONE = 0,
    DAE_NEED,       /* SQLExecute/SQLExecDirect returned SQL_NEED_DATA: SQLParamData next */
    DAE_PUT         /* SQLParamData returned SQL_NEED_DATA: SQLPutData for dae[dae_cur] */
};

enum drv_row_state {
    ROW_NONE = 0,   /* no result set */
    ROW_PENDING,    /* the VM holds a row the application has not fetched yet */
    ROW_CURRENT,    /* the VM holds the row the application fetched last */
    ROW_END         /* no more rows */
};

struct drv_stmt {
    drv_hdr h;
    drv_dbc *dbc;
    drv_stmt *next, *prev;
    drv_desc ard, apd, ird, ipd;

    sqlite3_stmt *vm;       /* NULL when nothing is prepared (or detached) */
    int executed;           /* executed since the last prepare */
    int has_cursor;         /* a result set is open */
    int row_state;
    SQLLEN row_count;       /* SQLRowCount */
    SQLULEN rows_seen;      /* rows delivered so far (SQL_ATTR_MAX_ROWS) */
    SQLULEN row_number;     /* SQL_ATTR_ROW_NUMBER of the current row */
    SQLULEN rowset_rows;    /* rows the last SQLFetch delivered */

    int ncols;
    drv_col *cols;          /* describe cache; NULL until needed */
    int cols_after_exec;    /* the cache saw a row (expression types are final) */
    const drv_catcol *catcols; /* catalog result: declared column shapes, else NULL */

    drv_bind *binds;
    int nbinds;
    drv_param *params;
    int nparams;
    int internal_params;    /* the driver bound the parameters itself (catalog SQL) */
    sqlscan_kind kind;      /* of the prepared text (sqlscan.h) */
    int write_intent;       /* UPDATE or DELETE: azdo_session_set_write_intent before prepare and step */

    /* data-at-execution: DAE_NONE, or SQLExecute/SQLParamData returned SQL_NEED_DATA */
    int dae_state;
    drv_dae *dae;           /* the values asked for, in row-major order */
    size_t ndae;
    size_t dae_cur;         /* the value SQLPutData adds to (dae_state == DAE_PUT) */

    /* SQLGetData progress on the current row */
    int gd_col;             /* column being read in parts, 0 = none */
    int gd_done;            /* that column was returned completely */
    size_t gd_off;
    cv_var gd_var;
    SQLSMALLINT gd_ctype;

    /* statement attributes */
    SQLULEN query_timeout, max_rows, row_array_size, rowset_size, row_bind_type, noscan,
        max_length, metadata_id, retrieve_data, paramset_size, param_bind_type;
    SQLULEN *bind_offset_ptr;
    SQLUSMALLINT *row_status_ptr;
    SQLULEN *rows_fetched_ptr;
    SQLULEN *param_bind_offset_ptr;
    SQLUSMALLINT *param_status_ptr;
    SQLULEN *params_processed_ptr;
    SQLUSMALLINT *param_operation_ptr;
    char *cursor_name;

    /* explicit descriptors in use as the ARD / APD (NULL = the implicit
     * ones), and the implicit values saved meanwhile (restored afterwards) */
    drv_desc *ard_ext, *apd_ext;
    drv_desc_state ard_saved, apd_saved;

    /* cancel and timeout; executing and batch_executing are guarded by dbc->cancel_lock */
    int executing;
    int batch_executing;    /* a parameter array runs (between its steps too) */
    int cancel_requested;
    int timed_out;
    double deadline;        /* monotonic seconds; 0 = none */
};

/* ---- registry ---- */
int handle_register(void *h);          /* 0 ok, -1 out of memory */
void handle_unregister(void *h);
int handle_is(const void *h, SQLSMALLINT type);

/* ---- entry and exit ----
 * *_enter validates, locks, clears the handle's diagnostics; NULL = invalid.
 * *_leave records the return code for SQL_DIAG_RETURNCODE, unlocks, returns rc. */
drv_env *env_enter(SQLHENV h);
SQLRETURN env_leave(drv_env *e, SQLRETURN rc);
drv_dbc *dbc_enter(SQLHDBC h);
SQLRETURN dbc_leave(drv_dbc *c, SQLRETURN rc);
drv_stmt *stmt_enter(SQLHSTMT h);
SQLRETURN stmt_leave(drv_stmt *s, SQLRETURN rc);

/* For the diagnostic functions: validates and locks without clearing.
 * *unlock receives the mutex to release (may be NULL for descriptors of freed statements). */
drv_hdr *hdr_enter(SQLSMALLINT type, SQLHANDLE h, pthread_mutex_t **unlock);
/* Descriptors lock their statement's connection. */
drv_desc *desc_enter(SQLHDESC h);
SQLRETURN desc_leave(drv_desc *d, SQLRETURN rc);

/* ---- lifetime (handles.c) ---- */
SQLRETURN drv_alloc_handle(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out);
SQLRETURN drv_free_handle(SQLSMALLINT type, SQLHANDLE h);
/* Descriptor state and explicit-descriptor bookkeeping (desc.c; connection locked). */
void desc_state_init(drv_desc_state *st);
void desc_state_free(drv_desc_state *st);
void desc_forget_users(drv_desc *d);   /* statements using explicit d go back to their implicit ones */
void stmt_release_descs(drv_stmt *s);  /* s stops using explicit descriptors (it is being freed) */
/* Finalizes every statement's VM and marks it detached (dbc locked). */
void dbc_detach_stmts(drv_dbc *c);

/* ---- statement helpers shared by stmt.c, results.c, describe.c, catalog.c ---- */
void stmt_reset_cursor(drv_stmt *s);   /* close the result set, keep the prepared VM */
void stmt_drop_vm(drv_stmt *s);        /* finalize the VM and forget columns */
void stmt_forget_cols(drv_stmt *s);
void stmt_gd_reset(drv_stmt *s);
void stmt_dae_reset(drv_stmt *s);      /* forget a data-at-execution sequence (params.c) */
/* Is the statement usable (connection open)?  Posts 08003 when not. */
int stmt_check_connected(drv_stmt *s);
sqlite3 *stmt_db(drv_stmt *s);

#endif
