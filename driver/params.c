/*
 * params.c — parameters: SQLBindParameter, SQLNumParams, SQLDescribeParam,
 * parameter arrays (SQL_ATTR_PARAMSET_SIZE) and data-at-execution
 * (SQLParamData / SQLPutData).  docs/writing.md "Bulk loads" states the
 * rules for applications; this comment states them for the code.
 *
 * Deferred binding: the application's buffers are read at execute time.
 * The address of parameter i in parameter set r (0-based) is
 *     ptr + *PARAM_BIND_OFFSET_PTR + r * PARAM_BIND_TYPE      (row-wise)
 *     ptr + *PARAM_BIND_OFFSET_PTR + r * element size         (column-wise)
 * where the element size is BufferLength for CHAR/WCHAR/BINARY and the C
 * type's size otherwise; indicators likewise (column-wise: SQLLEN arrays).
 * pyodbc's fast_executemany binds row-wise from a fake base address of 16
 * with the offset making it real, and its indicators inline: the
 * arithmetic is done on uintptr_t, never on the fake pointer.
 *
 * Parameter arrays (PARAMSET_SIZE > 1) run the prepared statement once per
 * parameter set, which the ODBC specification allows.  Three phases:
 *   1. prepare: every status entry is set (SQL_PARAM_UNUSED for sets the
 *      PARAM_OPERATION_PTR marks SQL_PARAM_IGNORE, "pending" for the rest);
 *   2. run_sets: executes the pending sets, in order, one sqlite3_step each,
 *      recording an outcome per set (status, rows changed, its own
 *      diagnostics) — never posting to the statement directly;
 *   3. report: statuses, PARAMS_PROCESSED, SQLRowCount, the return code
 *      (some sets failed: SQL_SUCCESS_WITH_INFO, or SQL_ERROR with
 *      ArrayPartialFailure=Error), then, when a set failed, a summary record
 *      first (post_summary) and one diagnostic per record of a failed set
 *      (SQL_DIAG_ROW_NUMBER = set number, message "Row n: …"), in set order.
 * Only run_sets knows that sets run one after the other: a later version
 * can hand all pending sets to the session at once (MaxConcurrency) and fill
 * the same outcomes in any order; report sorts them.
 *
 * The session error is cleared before each set's step (stmt_step does it)
 * and read right after it, so a set's error is never lost to the next set.
 * A cancel, a timeout (QUERY_TIMEOUT bounds the whole SQLExecute) or
 * running out of memory stops the array: the sets not reached stay
 * SQL_PARAM_UNUSED and a last record says where it stopped.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "utf16.h"

#define PARAM_PENDING 0xFFFFu /* internal status: to be executed */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- binding records -------------------------------------------------------- */

drv_param *stmt_param(drv_stmt *s, int num)
{
    if (num > s->nparams) {
        drv_param *p = realloc(s->params, (size_t)num * sizeof *p);
        if (!p)
            return NULL;
        memset(p + s->nparams, 0, (size_t)(num - s->nparams) * sizeof *p);
        for (int i = s->nparams; i < num; i++) {
            p[i].io = SQL_PARAM_INPUT;
            p[i].ctype = SQL_C_DEFAULT;
        }
        s->params = p;
        s->nparams = num;
    }
    return &s->params[num - 1];
}

/* C types a parameter may have: the result-side ones plus NUMERIC and GUID (pyodbc binds both). */
static int param_ctype_check(SQLSMALLINT ctype)
{
    if (ctype == SQL_C_NUMERIC || ctype == SQL_C_GUID)
        return 1;
    return cv_ctype_check(ctype);
}

static SQLLEN param_ctype_size(SQLSMALLINT ctype)
{
    if (ctype == SQL_C_NUMERIC)
        return sizeof(SQL_NUMERIC_STRUCT);
    if (ctype == SQL_C_GUID)
        return sizeof(SQLGUID);
    return cv_ctype_size(ctype);
}

static int is_var_ctype(SQLSMALLINT ctype)
{
    return ctype == SQL_C_CHAR || ctype == SQL_C_WCHAR || ctype == SQL_C_BINARY;
}

static SQLSMALLINT eff_ctype(const drv_param *p)
{
    return p->ctype == SQL_C_DEFAULT ? cv_default_ctype(p->sql_type) : p->ctype;
}

SQLRETURN drv_bind_parameter(drv_stmt *s, SQLUSMALLINT num, SQLSMALLINT io, SQLSMALLINT ctype,
                             SQLSMALLINT sql_type, SQLULEN col_size, SQLSMALLINT digits,
                             SQLPOINTER ptr, SQLLEN buflen, SQLLEN *ind)
{
    if (num < 1)
        return diag_err(&s->h.diag, "07009", "Invalid descriptor index: parameters are numbered from 1");
    if (io != SQL_PARAM_INPUT)
        return diag_err(&s->h.diag, "HYC00", "Only input parameters (SQL_PARAM_INPUT) are supported");
    int chk = param_ctype_check(ctype);
    if (chk == 0)
        return diag_err(&s->h.diag, "HY003", "Invalid application buffer type %d", (int)ctype);
    if (chk < 0)
        return diag_err(&s->h.diag, "HYC00", "C type %d is not supported for parameters yet", (int)ctype);
    drv_param *p = stmt_param(s, num);
    if (!p)
        return diag_nomem(&s->h.diag);
    p->bound = 1;
    p->io = io;
    p->ctype = ctype;
    p->sql_type = sql_type;
    p->col_size = col_size;
    p->digits = digits;
    p->ptr = ptr;
    p->buflen = buflen;
    p->ind = ind;
    p->len_ptr = ind;
    /* SQLBindParameter sets the APD precision/scale of a NUMERIC from its arguments */
    p->num_precision = (SQLSMALLINT)(col_size > 38 ? 38 : col_size);
    p->num_scale = digits;
    p->num_scale_set = 0;
    return SQL_SUCCESS;
}

SQLRETURN drv_num_params(drv_stmt *s, SQLSMALLINT *n)
{
    if (!s->vm)
        return diag_err(&s->h.diag, "HY010", "Function sequence error: no statement is prepared");
    if (n)
        *n = (SQLSMALLINT)sqlite3_bind_parameter_count(s->vm);
    return SQL_SUCCESS;
}

/* ---- addresses ------------------------------------------------------------------ */

/* Address of the element for parameter set `row` of a buffer bound at base. */
static void *row_addr(const drv_stmt *s, const void *base, SQLULEN row, SQLULEN elem)
{
    if (!base)
        return NULL;
    uintptr_t a = (uintptr_t)base;
    if (s->param_bind_offset_ptr)
        a += (uintptr_t)*s->param_bind_offset_ptr;
    if (s->param_bind_type != SQL_PARAM_BIND_BY_COLUMN)
        a += (uintptr_t)(row * s->param_bind_type);
    else
        a += (uintptr_t)(row * elem);
    return (void *)a;
}

static char *data_addr(const drv_stmt *s, const drv_param *p, SQLULEN row)
{
    SQLSMALLINT ct = eff_ctype(p);
    SQLULEN elem = is_var_ctype(ct) ? (SQLULEN)(p->buflen > 0 ? p->buflen : 0) : (SQLULEN)param_ctype_size(ct);
    return row_addr(s, p->ptr, row, elem);
}

static SQLLEN *ind_addr(const drv_stmt *s, SQLLEN *base, SQLULEN row)
{
    return row_addr(s, base, row, sizeof(SQLLEN));
}

static int is_dae_len(SQLLEN v)
{
    return v == SQL_DATA_AT_EXEC || v <= SQL_LEN_DATA_AT_EXEC_OFFSET;
}

/* An indicator or length the application bound: read through memcpy,
 * because row-wise arrays pack them at any alignment (pyodbc's
 * fast_executemany rows are not padded). */
static SQLLEN len_at(const SQLLEN *p)
{
    SQLLEN v;
    memcpy(&v, p, sizeof v);
    return v;
}

/*
 * Does parameter p of set row ask for its value by SQLPutData?  Not a
 * character or binary value announced as SQL_LEN_DATA_AT_EXEC(0): it is
 * empty, and asking for it would deadlock the exchange, because the DM
 * refuses SQLParamData right after SQLParamData and pyodbc sends no
 * SQLPutData for an empty string (pyodbc#371; SQL_NEED_LONG_DATA_LEN is "Y"
 * so that pyodbc announces lengths).
 */
static int param_is_dae(const drv_stmt *s, const drv_param *p, SQLULEN row)
{
    SQLLEN *ind = ind_addr(s, p->ind, row);
    SQLLEN *lp = ind_addr(s, p->len_ptr, row);
    if (ind && len_at(ind) == SQL_NULL_DATA)
        return 0;
    if (!lp || !is_dae_len(len_at(lp)))
        return 0;
    return !(len_at(lp) == SQL_LEN_DATA_AT_EXEC(0) && is_var_ctype(eff_ctype(p)));
}

/* ---- data-at-execution -------------------------------------------------------- */

void stmt_dae_reset(drv_stmt *s)
{
    for (size_t i = 0; i < s->ndae; i++)
        free(s->dae[i].buf);
    free(s->dae);
    s->dae = NULL;
    s->ndae = 0;
    s->dae_cur = 0;
    s->dae_state = DAE_NONE;
}

static const drv_dae *dae_find(const drv_stmt *s, SQLULEN row, int param)
{
    size_t lo = 0, hi = s->ndae;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const drv_dae *d = &s->dae[mid];
        if (d->row < row || (d->row == row && d->param < param))
            lo = mid + 1;
        else if (d->row == row && d->param == param)
            return d;
        else
            hi = mid;
    }
    return NULL;
}

static int set_ignored(const drv_stmt *s, SQLULEN row)
{
    return s->param_operation_ptr && s->param_operation_ptr[row] == SQL_PARAM_IGNORE;
}

/* Lists the data-at-execution values of the sets to run; -1 out of memory. */
static int dae_collect(drv_stmt *s, SQLULEN nsets, int nvm)
{
    for (SQLULEN r = 0; r < nsets; r++) {
        if (nsets > 1 && set_ignored(s, r))
            continue;
        for (int i = 1; i <= nvm; i++) {
            const drv_param *p = &s->params[i - 1];
            if (!param_is_dae(s, p, r))
                continue;
            if (s->ndae % 16 == 0) {
                drv_dae *v = realloc(s->dae, (s->ndae + 16) * sizeof *v);
                if (!v)
                    return -1;
                s->dae = v;
            }
            drv_dae *d = &s->dae[s->ndae++];
            memset(d, 0, sizeof *d);
            d->row = r;
            d->param = i;
        }
    }
    return 0;
}

/* ---- one parameter value ------------------------------------------------------ */

/*
 * Binds parameter i of set `row` to the VM.  Errors go to d with row number
 * drow (SQL_NO_ROW_NUMBER for a single set) and column number i.
 */
static SQLRETURN bind_value(drv_stmt *s, int i, const drv_param *p, SQLULEN row, drv_diag *d, SQLLEN drow)
{
    sqlite3_stmt *vm = s->vm;
    SQLSMALLINT ctype = eff_ctype(p);
    const char *data;
    SQLLEN len;
    const drv_dae *dv = s->ndae ? dae_find(s, row, i) : NULL;

    if (dv) {
        if (dv->is_null)
            goto null;
        data = dv->buf ? dv->buf : "";
        if (is_var_ctype(ctype)) {
            len = (SQLLEN)dv->len;
        } else {
            len = param_ctype_size(ctype);
            if (dv->len < (size_t)len) {
                diag_post(d, "22026", 0, drow, i,
                          "Parameter %d: SQLPutData sent %zu bytes, a value of this C type needs %ld", i,
                          dv->len, (long)len);
                return SQL_ERROR;
            }
        }
    } else {
        data = data_addr(s, p, row);
        SQLLEN *ind = ind_addr(s, p->ind, row);
        SQLLEN *lp = ind_addr(s, p->len_ptr, row);
        if (ind && len_at(ind) == SQL_NULL_DATA)
            goto null;
        if (!data) {
            /* no buffer (or a descriptor record whose DATA_PTR was refused as
             * inconsistent, HY021, which some clients ignore): never NULL by stealth */
            diag_post(d, "HY009", 0, drow, i,
                      "Parameter %d has no data buffer (SQLBindParameter ParameterValuePtr / SQL_DESC_DATA_PTR "
                      "is null) and its indicator is not SQL_NULL_DATA: nothing to send", i);
            return SQL_ERROR;
        }
        if (lp && len_at(lp) == SQL_LEN_DATA_AT_EXEC(0) && is_var_ctype(ctype)) {
            data = ""; /* an empty data-at-execution value (param_is_dae) */
            len = 0;
        } else if (lp && len_at(lp) == SQL_DEFAULT_PARAM) {
            diag_post(d, "HYC00", 0, drow, i, "Parameter %d: default parameter values (SQL_DEFAULT_PARAM) are "
                      "not supported", i);
            return SQL_ERROR;
        } else if (ctype == SQL_C_CHAR || ctype == SQL_C_WCHAR) {
            len = lp ? len_at(lp) : SQL_NTS;
            if (len < 0 && len != SQL_NTS) {
                diag_post(d, "HY090", 0, drow, i, "Parameter %d: invalid string length %ld", i, (long)len);
                return SQL_ERROR;
            }
        } else if (ctype == SQL_C_BINARY) {
            len = lp ? len_at(lp) : p->buflen;
            if (len < 0) {
                diag_post(d, "HY090", 0, drow, i, "Parameter %d: invalid binary length %ld", i, (long)len);
                return SQL_ERROR;
            }
        } else {
            len = param_ctype_size(ctype);
        }
    }

    cv_param v;
    cv_rc crc;
    char text[CV_NUMERIC_TEXT_MAX];
    if (ctype == SQL_C_NUMERIC) {
        SQL_NUMERIC_STRUCT num;
        memcpy(&num, data, sizeof num);
        crc = cv_numeric_to_text(&num, p->num_scale_set ? p->num_scale : num.scale, text, sizeof text);
        if (crc == CV_OK)
            crc = cv_from_c(SQL_C_CHAR, p->sql_type, text, SQL_NTS, &v);
        else
            memset(&v, 0, sizeof v);
    } else if (ctype == SQL_C_GUID) {
        SQLGUID g;
        memcpy(&g, data, sizeof g);
        cv_guid_to_text(&g, text);
        crc = cv_from_c(SQL_C_CHAR, SQL_WVARCHAR, text, SQL_NTS, &v);
    } else {
        crc = cv_from_c(ctype, p->sql_type, data, len, &v);
    }
    if (cv_rc_is_error(crc)) {
        diag_post(d, cv_rc_state(crc), 0, drow, i, "Parameter %d: %s", i, cv_rc_message(crc));
        cv_param_free(&v);
        return SQL_ERROR;
    }
    int rc;
    switch (v.kind) {
    case CV_INT: rc = sqlite3_bind_int64(vm, i, v.i); break;
    case CV_FLOAT: rc = sqlite3_bind_double(vm, i, v.d); break;
    case CV_TEXT: rc = sqlite3_bind_text64(vm, i, v.p, v.n, SQLITE_TRANSIENT, SQLITE_UTF8); break;
    case CV_BLOB: rc = sqlite3_bind_blob64(vm, i, v.p, v.n, SQLITE_TRANSIENT); break;
    default: rc = sqlite3_bind_null(vm, i); break;
    }
    cv_param_free(&v);
    if (rc == SQLITE_OK)
        return SQL_SUCCESS;
    if (rc == SQLITE_TOOBIG)
        diag_post(d, "22001", 0, drow, i, "Parameter %d: the value is too long", i);
    else if (rc == SQLITE_NOMEM)
        diag_post(d, "HY001", 0, drow, i, "Memory allocation error");
    else
        diag_post(d, "HY000", 0, drow, i, "Parameter %d: %s", i, sqlite3_errstr(rc));
    return SQL_ERROR;
null:
    if (sqlite3_bind_null(vm, i) == SQLITE_OK)
        return SQL_SUCCESS;
    diag_post(d, "HY001", 0, drow, i, "Memory allocation error");
    return SQL_ERROR;
}

/* Binds every parameter of set `row`; stops at the first error. */
static SQLRETURN bind_set(drv_stmt *s, SQLULEN row, drv_diag *d, SQLLEN drow)
{
    int n = sqlite3_bind_parameter_count(s->vm);
    sqlite3_clear_bindings(s->vm);
    for (int i = 1; i <= n; i++) {
        SQLRETURN rc = bind_value(s, i, &s->params[i - 1], row, d, drow);
        if (rc != SQL_SUCCESS)
            return rc;
    }
    return SQL_SUCCESS;
}

/* ---- parameter arrays ------------------------------------------------------------ */

/* The diagnostics of one parameter set (kept apart until report()). */
typedef struct set_diag {
    SQLULEN row;
    size_t seq;  /* arrival order: a row's records stay in the order they were made */
    drv_diag diag;
} set_diag;

typedef struct set_outcomes {
    SQLUSMALLINT *status;   /* per set: SQL_PARAM_* or PARAM_PENDING (not run) */
    set_diag *diags;        /* sets that posted records */
    size_t ndiags, capdiags;
    SQLLEN changes;         /* rows changed: by the sets that succeeded, and what failed sets wrote
                               to Azure DevOps before they failed (no transactions undo it) */
    SQLLEN partial;         /* of these, written by sets that then failed */
    int stopped;            /* run_sets stopped early (cancel, timeout, memory) */
    SQLULEN next_row;       /* stopped: the first set not gone through */
    char stop_state[6];     /* stopped: HY008, HYT00 or HY001 */
    int lost;               /* an outcome could not be recorded for lack of memory */
} set_outcomes;

static void outcomes_free(set_outcomes *o)
{
    for (size_t i = 0; i < o->ndiags; i++)
        diag_clear(&o->diags[i].diag);
    free(o->diags);
    free(o->status);
}

/* Keeps d (moved) as the diagnostics of set row. */
static void outcome_keep_diag(set_outcomes *o, SQLULEN row, drv_diag *d)
{
    if (d->n == 0 && !d->lost) {
        diag_clear(d);
        return;
    }
    if (o->ndiags == o->capdiags) {
        size_t cap = o->capdiags ? o->capdiags * 2 : 8;
        set_diag *v = realloc(o->diags, cap * sizeof *v);
        if (!v) {
            o->lost = 1;
            diag_clear(d);
            return;
        }
        o->diags = v;
        o->capdiags = cap;
    }
    o->diags[o->ndiags].row = row;
    o->diags[o->ndiags].seq = o->ndiags;
    o->diags[o->ndiags].diag = *d;
    o->ndiags++;
    diag_init(d);
}

/* Does this failure end the whole array (the application's or the driver's limit)?  Its SQLSTATE, or NULL. */
static const char *stops_array(drv_stmt *s, const drv_diag *d)
{
    static const char *const stop_states[] = {"HY008", "HYT00", "HY001", NULL};
    for (int i = 0; i < d->n; i++)
        for (int k = 0; stop_states[k]; k++)
            if (strcmp(d->recs[i].state, stop_states[k]) == 0)
                return stop_states[k];
    if (d->lost)
        return "HY001";
    if (s->cancel_requested)
        return "HY008";
    if (s->timed_out)
        return "HYT00";
    return NULL;
}

static void stop_at(set_outcomes *o, SQLULEN next_row, const char *state)
{
    o->stopped = 1;
    o->next_row = next_row;
    snprintf(o->stop_state, sizeof o->stop_state, "%s", state);
}

/*
 * Phase 2: executes the pending sets one after the other.  Each set: bind
 * its values, one sqlite3_step (which clears the session error first), read
 * its outcome at once.  QUERY_TIMEOUT bounds the whole call: each step gets
 * what is left of it.  SQLCancel is honoured between sets too
 * (batch_executing keeps it from being ignored there).
 */
static void run_sets_in_order(drv_stmt *s, SQLULEN nsets, set_outcomes *o, int deferred)
{
    drv_dbc *c = s->dbc;
    sqlite3 *db = stmt_db(s);
    int dml = stmt_is_dml(s);
    long timeout = s->query_timeout > (SQLULEN)LONG_MAX ? LONG_MAX : (long)s->query_timeout;
    double deadline = timeout > 0 ? now_s() + (double)timeout : 0;

    for (SQLULEN r = 0; r < nsets; r++) {
        if (o->status[r] != PARAM_PENDING)
            continue;
        pthread_mutex_lock(&c->cancel_lock);
        int canceled = s->cancel_requested;
        pthread_mutex_unlock(&c->cancel_lock);
        if (canceled) {
            stop_at(o, r, "HY008");
            return;
        }
        long left = 0;
        if (deadline > 0) {
            double rem = deadline - now_s();
            if (rem <= 0) {
                s->timed_out = 1;
                stop_at(o, r, "HYT00");
                return;
            }
            left = rem >= (double)LONG_MAX ? LONG_MAX : (long)rem + 1; /* whole seconds, rounded up */
        }

        SQLLEN drow = (SQLLEN)(r + 1);
        drv_diag d;
        diag_init(&d);
        int failed = 0;
        sqlite3_reset(s->vm);
        if (deferred)
            azdo_session_defer_tag(c->session, (long)r);
        if (bind_set(s, r, &d, drow) != SQL_SUCCESS) {
            failed = 1;
        } else {
            int x = stmt_step_timeout(s, left);
            if (x == SQLITE_DONE || x == SQLITE_ROW) {
                if (dml)
                    o->changes += sqlite3_changes(db);
            } else {
                stmt_sqlite_error_to(s, &d, x, drow);
                failed = 1;
                /* a multi-row set (INSERT … VALUES (…), (…)) may have written
                 * work items before its failing row: they stay written */
                long w = azdo_session_statement_writes(s->dbc->session);
                if (dml && w > 0) {
                    o->changes += (SQLLEN)w;
                    o->partial += (SQLLEN)w;
                }
            }
            sqlite3_reset(s->vm);
        }
        o->status[r] = failed ? SQL_PARAM_ERROR : d.n ? SQL_PARAM_SUCCESS_WITH_INFO : SQL_PARAM_SUCCESS;
        const char *stop = failed ? stops_array(s, &d) : NULL;
        outcome_keep_diag(o, r, &d);
        if (stop) {
            stop_at(o, r + 1, stop);
            return;
        }
    }
}

/* What the queued writes of each set did (deferred arrays). */
typedef struct deferred_tally {
    set_outcomes *o;
    SQLULEN nsets;
    SQLLEN *ok, *failed;   /* per set */
    SQLULEN first_stop;    /* the first set with a write cancelled or timed out (nsets: none) */
    const char *stop_state;
} deferred_tally;

/* One write's outcome (on this thread, during later steps or at the end). */
static void tally_write(void *ctx, long tag, const azdo_error *err)
{
    deferred_tally *t = ctx;
    if (tag < 0 || (SQLULEN)tag >= t->nsets)
        return;
    if (!err) {
        t->ok[tag]++;
        return;
    }
    t->failed[tag]++;
    if ((err->kind == AZDO_ERR_CANCELLED || err->kind == AZDO_ERR_TIMEOUT) && (SQLULEN)tag < t->first_stop) {
        t->first_stop = (SQLULEN)tag;
        t->stop_state = err->kind == AZDO_ERR_CANCELLED ? "HY008" : "HYT00";
    }
    drv_diag d;
    diag_init(&d);
    diag_sqlite(&d, 0, NULL, err, (SQLLEN)tag + 1);
    outcome_keep_diag(t->o, (SQLULEN)tag, &d);
}

/* Folds the writes' outcomes into the sets' statuses and counts.  A set's
 * step counted its queued rows as changed (sqlite3_changes); a failed write
 * takes its row back and fails the set, while its other rows stay written
 * (no transactions) and count as partial. */
static void settle_deferred(deferred_tally *t)
{
    set_outcomes *o = t->o;
    for (SQLULEN r = 0; r < t->nsets; r++) {
        if (t->failed[r] == 0 && t->ok[r] == 0)
            continue;
        if (o->status[r] == SQL_PARAM_ERROR) { /* the step itself failed: nothing was counted */
            o->changes += t->ok[r];
            o->partial += t->ok[r];
        } else if (t->failed[r] > 0) {
            o->status[r] = SQL_PARAM_ERROR;
            o->changes -= t->failed[r];
            o->partial += t->ok[r];
        }
    }
    /* a cancel or timeout that only the queued writes saw still stops the array */
    if (!o->stopped && t->stop_state)
        stop_at(o, t->nsets, t->stop_state);
}

/*
 * Phase 2.  With MaxConcurrency > 1 and a statement that only writes
 * WorkItems, the session queues each set's REST calls and sends several at
 * once while the next sets are bound and stepped (azdo_session_defer_*);
 * each outcome comes back tagged with its set.  Otherwise the sets run
 * strictly one after the other.
 */
static void run_sets(drv_stmt *s, SQLULEN nsets, set_outcomes *o)
{
    azdo_session *session = s->dbc->session;
    deferred_tally t = {o, nsets, NULL, NULL, nsets, NULL};
    int deferred = 0;
    if (nsets > 1 && stmt_is_dml(s)) {
        t.ok = calloc(nsets, sizeof(SQLLEN));
        t.failed = calloc(nsets, sizeof(SQLLEN));
        deferred = t.ok && t.failed && azdo_session_defer_begin(session, s->vm, tally_write, &t);
    }
    run_sets_in_order(s, nsets, o, deferred);
    if (deferred) {
        pthread_mutex_lock(&s->dbc->cancel_lock);
        int canceled = s->cancel_requested;
        pthread_mutex_unlock(&s->dbc->cancel_lock);
        if (canceled)
            azdo_session_cancel(session); /* queued rows not sent yet stay unsent */
        azdo_session_defer_end(session);
        settle_deferred(&t);
        if (t.stop_state && strcmp(t.stop_state, "HYT00") == 0)
            s->timed_out = 1;
    }
    free(t.ok);
    free(t.failed);
}

/* ---- the summary record ---------------------------------------------------------- */

/*
 * When rows of an array failed, the FIRST record sums them up, for clients
 * that read one record only (pyodbc on unixODBC reads record 1 alone, and
 * ignores SQL_SUCCESS_WITH_INFO):
 *   "3 of 1000 rows failed and were not written (rows 8, 108-109); the other
 *    997 rows were written. Row 8: <its message>; Rows 108, 109: <theirs>"
 * Rows are grouped by identical message (Azure DevOps says the same thing
 * for every row that breaks the same rule), groups in order of first row,
 * each naming up to GROUP_ROWS rows ("and 3 more"); when every failed row
 * has the same message: "All 10 rows: <message>" ("Both rows: …").
 * SQLSTATE: the stop state (HY008, HYT00, HY001) when the array was stopped;
 * else the first failed row's when the call returns SQL_ERROR (every row
 * failed, or ArrayPartialFailure=Error), else 01S01 "Error in row" (with
 * SQL_SUCCESS_WITH_INFO).  Native error: the first failed row's with its
 * state, else 0.  No row or column number.
 * Length: at most SUMMARY_MAX bytes after the prefix, 1,000 in all: pyodbc
 * 4.0 reads 1,023 UTF-16 units of a message, and UTF-16 never takes more
 * units than UTF-8 takes bytes.  The row list keeps room for the first
 * message; whatever does not fit ends in "…".
 */
#define SUMMARY_MAX (1000 - (sizeof DIAG_PREFIX - 1))
#define SUMMARY_GROUPS 16 /* distinct messages collected */
#define GROUP_ROWS 8      /* rows named before a group's message */
#define ELLIPSIS "\xe2\x80\xa6"

typedef struct sum_group {
    const char *msg;
    SQLULEN rows[GROUP_ROWS]; /* 1-based */
    SQLULEN nrows;
} sum_group;

typedef struct sum_text {
    char b[SUMMARY_MAX + 1];
    size_t n;
} sum_text;

/* Appends s[0..n) if it fits within limit bytes; 1 if it did. */
static int sum_put(sum_text *t, const char *s, size_t n, size_t limit)
{
    if (t->n + n > limit)
        return 0;
    memcpy(t->b + t->n, s, n);
    t->n += n;
    t->b[t->n] = '\0';
    return 1;
}

static int sum_puts(sum_text *t, const char *s, size_t limit)
{
    return sum_put(t, s, strlen(s), limit);
}

/* Appends as much of s as fits within limit (whole UTF-8 characters). */
static void sum_put_cut(sum_text *t, const char *s, size_t limit)
{
    size_t n = strlen(s);
    if (t->n >= limit)
        return;
    if (n > limit - t->n) {
        n = limit - t->n;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    sum_put(t, s, n, limit);
}

/* The record that tells why failed set r failed: its first non-warning record.
 * *k walks the sorted diags along with r. */
static const drv_diag_rec *failure_rec(const set_outcomes *o, size_t *k, SQLULEN r)
{
    while (*k < o->ndiags && o->diags[*k].row < r)
        (*k)++;
    /* a row may have several entries (a step's warning, then its queued
     * write's failure): the first error among them, else the first record */
    const drv_diag_rec *first = NULL;
    for (size_t e = *k; e < o->ndiags && o->diags[e].row == r; e++) {
        const drv_diag *d = &o->diags[e].diag;
        for (int j = 0; j < d->n; j++) {
            if (strncmp(d->recs[j].state, "01", 2) != 0)
                return &d->recs[j];
            if (!first)
                first = &d->recs[j];
        }
    }
    return first;
}

static const char *strip_prefix(const char *msg)
{
    size_t n = strlen(DIAG_PREFIX);
    return strncmp(msg, DIAG_PREFIX, n) == 0 ? msg + n : msg;
}

static void post_summary(drv_stmt *s, SQLULEN nsets, const set_outcomes *o, SQLULEN written,
                         SQLULEN failed, SQLULEN unused, SQLRETURN rc)
{
    static const char lost_msg[] = "Memory allocation error (the diagnostic was lost)";
    sum_group g[SUMMARY_GROUPS];
    size_t ng = 0, k = 0;
    int more_groups = 0;
    const char *first_state = NULL;
    SQLINTEGER first_native = 0;

    for (SQLULEN r = 0; r < nsets; r++) {
        if (o->status[r] != SQL_PARAM_ERROR)
            continue;
        const drv_diag_rec *rec = failure_rec(o, &k, r);
        const char *msg = rec ? strip_prefix(rec->msg) : lost_msg;
        if (!first_state) {
            first_state = rec ? rec->state : "HY001";
            first_native = rec ? rec->native : 0;
        }
        size_t i = 0;
        while (i < ng && strcmp(g[i].msg, msg) != 0)
            i++;
        if (i == ng) {
            if (ng == SUMMARY_GROUPS) {
                more_groups = 1;
                continue;
            }
            g[ng].msg = msg;
            g[ng].nrows = 0;
            ng++;
        }
        if (g[i].nrows < GROUP_ROWS)
            g[i].rows[g[i].nrows] = r + 1;
        g[i].nrows++;
    }
    if (!first_state)
        return;

    const char *state;
    SQLINTEGER native = 0;
    if (o->stopped) {
        state = o->stop_state;
    } else if (rc == SQL_ERROR) {
        state = first_state;
        native = first_native;
    } else {
        state = "01S01";
    }

    /* the parts around the row list */
    char head[256], tail[448], lab[SUMMARY_GROUPS][GROUP_ROWS * 24 + 48];
    size_t hn = 0;
    head[0] = '\0';
    if (o->stopped)
        hn = (size_t)snprintf(head, sizeof head, "%s: the array stopped after %lu of %lu rows. ",
                              strcmp(o->stop_state, "HY008") == 0   ? "Operation canceled"
                              : strcmp(o->stop_state, "HYT00") == 0 ? "Query timeout expired"
                                                                    : "Out of memory",
                              (unsigned long)o->next_row, (unsigned long)nsets);
    if (hn >= sizeof head)
        hn = sizeof head - 1;
    if (o->partial > 0)
        snprintf(head + hn, sizeof head - hn,
                 "%lu of %lu rows failed (%s ", (unsigned long)failed, (unsigned long)nsets,
                 failed == 1 ? "row" : "rows");
    else
        snprintf(head + hn, sizeof head - hn, "%lu of %lu rows failed and %s not written (%s ",
                 (unsigned long)failed, (unsigned long)nsets, failed == 1 ? "was" : "were",
                 failed == 1 ? "row" : "rows");
    if (written == 0 && unused == 0)
        snprintf(tail, sizeof tail, "); no row was written.");
    else if (unused == 0)
        snprintf(tail, sizeof tail, "); the other %lu %s %s written%s.", (unsigned long)written,
                 written == 1 ? "row" : "rows", written == 1 ? "was" : "were",
                 rc == SQL_ERROR && !o->stopped ? " and stay written (ArrayPartialFailure=Error)" : "");
    else
        snprintf(tail, sizeof tail, "); %lu %s written, %lu %s not executed%s.", (unsigned long)written,
                 written == 1 ? "row was" : "rows were", (unsigned long)unused,
                 unused == 1 ? "was" : "were",
                 rc == SQL_ERROR && !o->stopped && written > 0 ? " (ArrayPartialFailure=Error)" : "");
    if (o->partial > 0) {
        /* multi-row sets: what they wrote before failing stays written */
        size_t tl = strlen(tail);
        snprintf(tail + tl, sizeof tail - tl,
                 " Before failing, the failed rows had already written %ld work item%s (no transactions undo "
                 "them; each row's record lists them).",
                 (long)o->partial, o->partial == 1 ? "" : "s");
    }

    sum_text t;
    t.n = 0;
    t.b[0] = '\0';
    const size_t limit = SUMMARY_MAX - 5; /* room left for a closing "; …" */
    sum_puts(&t, head, limit);

    /* the label of each group: "; Rows 8, 108 and 3 more: " */
    size_t groups_len = 0;
    for (size_t i = 0; i < ng; i++) {
        if (ng == 1 && !more_groups && g[i].nrows > 1) { /* one message for all: no second list */
            if (g[i].nrows == 2)
                groups_len += (size_t)snprintf(lab[i], sizeof lab[i], " Both rows: ");
            else
                groups_len += (size_t)snprintf(lab[i], sizeof lab[i], " All %lu rows: ", (unsigned long)g[i].nrows);
            groups_len += strlen(g[i].msg);
            break;
        }
        size_t ln = (size_t)snprintf(lab[i], sizeof lab[i], "%s%s %lu", i ? "; " : " ",
                                     g[i].nrows == 1 ? "Row" : "Rows", (unsigned long)g[i].rows[0]);
        SQLULEN shown = g[i].nrows < GROUP_ROWS ? g[i].nrows : GROUP_ROWS;
        for (SQLULEN j = 1; j < shown; j++)
            ln += (size_t)snprintf(lab[i] + ln, sizeof lab[i] - ln, ", %lu", (unsigned long)g[i].rows[j]);
        if (g[i].nrows > shown)
            ln += (size_t)snprintf(lab[i] + ln, sizeof lab[i] - ln, " and %lu more",
                                   (unsigned long)(g[i].nrows - shown));
        ln += (size_t)snprintf(lab[i] + ln, sizeof lab[i] - ln, ": ");
        groups_len += ln + strlen(g[i].msg);
    }

    /* every failed row, runs of three or more as a range, while it fits: it leaves the
     * messages up to half of the room */
    size_t reserve = strlen(tail) + (groups_len < SUMMARY_MAX / 2 ? groups_len : SUMMARY_MAX / 2);
    size_t list_limit = limit > t.n + reserve ? limit - reserve : t.n;
    int nitems = 0;
    for (SQLULEN r = 0; r < nsets; r++) {
        if (o->status[r] != SQL_PARAM_ERROR)
            continue;
        SQLULEN e = r;
        while (e + 1 < nsets && o->status[e + 1] == SQL_PARAM_ERROR)
            e++;
        char item[64];
        int in;
        if (e == r)
            in = snprintf(item, sizeof item, "%s%lu", nitems ? ", " : "", (unsigned long)r + 1);
        else if (e == r + 1)
            in = snprintf(item, sizeof item, "%s%lu, %lu", nitems ? ", " : "", (unsigned long)r + 1,
                          (unsigned long)e + 1);
        else
            in = snprintf(item, sizeof item, "%s%lu-%lu", nitems ? ", " : "", (unsigned long)r + 1,
                          (unsigned long)e + 1);
        int last = 1;
        for (SQLULEN x = e + 1; x < nsets && last; x++)
            last = o->status[x] != SQL_PARAM_ERROR;
        /* keep room for ", …" unless this is the last item */
        if (!sum_put(&t, item, (size_t)in, last ? list_limit : list_limit - 5)) {
            sum_puts(&t, nitems ? ", " ELLIPSIS : ELLIPSIS, list_limit);
            break;
        }
        nitems++;
        r = e;
    }
    sum_puts(&t, tail, limit);

    /* the messages, as many as fit */
    int cut = more_groups;
    for (size_t i = 0; i < ng; i++) {
        size_t before = t.n;
        if (!sum_puts(&t, lab[i], limit)) {
            cut = 1;
            break;
        }
        if (sum_puts(&t, g[i].msg, limit))
            continue;
        if (i == 0 || limit - t.n >= 40) {
            /* the first message always shows, cut if need be; a later one only if a useful piece fits */
            sum_put_cut(&t, g[i].msg, limit);
            sum_puts(&t, ELLIPSIS, SUMMARY_MAX);
            cut = 0; /* the ellipsis says the rest is missing */
            break;
        }
        t.n = before; /* not even a useful piece: leave the group out */
        t.b[t.n] = '\0';
        cut = 1;
        break;
    }
    if (cut)
        sum_puts(&t, "; " ELLIPSIS, SUMMARY_MAX);
    diag_post(&s->h.diag, state, native, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER, "%s", t.b);
}

static int cmp_set_diag(const void *a, const void *b)
{
    const set_diag *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Phase 3: statuses, counts, diagnostics in set order, the return code. */
static SQLRETURN report(drv_stmt *s, SQLULEN nsets, set_outcomes *o)
{
    SQLULEN ok = 0, info = 0, failed = 0, unused = 0;
    for (SQLULEN r = 0; r < nsets; r++) {
        if (o->status[r] == PARAM_PENDING)
            o->status[r] = SQL_PARAM_UNUSED;
        switch (o->status[r]) {
        case SQL_PARAM_SUCCESS: ok++; break;
        case SQL_PARAM_SUCCESS_WITH_INFO: info++; break;
        case SQL_PARAM_ERROR: failed++; break;
        default: unused++; break;
        }
        if (s->param_status_ptr)
            s->param_status_ptr[r] = o->status[r];
    }
    if (s->params_processed_ptr)
        *s->params_processed_ptr = o->stopped ? o->next_row : nsets;

    s->row_count = stmt_is_dml(s) ? o->changes : -1;
    s->executed = 1;

    /* the return code first: the summary's SQLSTATE follows it */
    SQLRETURN rc;
    if (o->stopped)
        rc = SQL_ERROR;
    else if (failed > 0 && (ok + info == 0 || s->dbc->array_partial_error))
        rc = SQL_ERROR; /* every executed row failed, or ArrayPartialFailure=Error */
    else if (failed > 0 || info > 0 || o->lost)
        rc = SQL_SUCCESS_WITH_INFO;
    else if (ok > 0 && s->row_count == 0 && (long)s->dbc->odbc_version >= (long)SQL_OV_ODBC3 &&
             (s->kind == SQLK_UPDATE || s->kind == SQLK_DELETE))
        rc = SQL_NO_DATA;
    else
        rc = SQL_SUCCESS;

    if (o->ndiags > 1)
        qsort(o->diags, o->ndiags, sizeof *o->diags, cmp_set_diag);
    if (failed > 0)
        post_summary(s, nsets, o, ok + info, failed, unused, rc);
    for (size_t k = 0; k < o->ndiags; k++) {
        const set_diag *sd = &o->diags[k];
        SQLLEN row = (SQLLEN)(sd->row + 1);
        for (int j = 0; j < sd->diag.n; j++) {
            const drv_diag_rec *r = &sd->diag.recs[j];
            const char *msg = r->msg;
            if (strncmp(msg, DIAG_PREFIX, strlen(DIAG_PREFIX)) == 0)
                msg += strlen(DIAG_PREFIX);
            diag_post(&s->h.diag, r->state, r->native, row, r->col, "Row %ld: %s", (long)row, msg);
        }
        if (sd->diag.lost)
            diag_post(&s->h.diag, "HY001", 0, row, SQL_NO_COLUMN_NUMBER,
                      "Row %ld: Memory allocation error (a diagnostic was lost)", (long)row);
    }
    if (o->lost)
        diag_post(&s->h.diag, "HY001", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
                  "Memory allocation error: the diagnostics of some failed rows were lost; "
                  "SQL_ATTR_PARAM_STATUS_PTR still tells which rows failed");

    if (o->stopped) {
        char rest[96] = "";
        if (o->next_row < nsets)
            snprintf(rest, sizeof rest, "; rows %lu to %lu were not executed (SQL_PARAM_UNUSED)",
                     (unsigned long)(o->next_row + 1), (unsigned long)nsets);
        diag_post(&s->h.diag, o->stop_state, 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
                  "%s: the array stopped after %lu of %lu row(s): %lu succeeded, %lu failed%s",
                  strcmp(o->stop_state, "HY008") == 0   ? "Operation canceled"
                  : strcmp(o->stop_state, "HYT00") == 0 ? "Query timeout expired"
                                                        : "Out of memory",
                  (unsigned long)o->next_row, (unsigned long)nsets, (unsigned long)(ok + info),
                  (unsigned long)failed, rest);
    }
    return rc;
}

static SQLRETURN execute_array(drv_stmt *s, SQLULEN nsets)
{
    set_outcomes o;
    memset(&o, 0, sizeof o);
    o.status = malloc(nsets * sizeof *o.status);
    if (!o.status)
        return diag_nomem(&s->h.diag);
    /* phase 1: every entry gets a status, whatever happens next */
    for (SQLULEN r = 0; r < nsets; r++) {
        o.status[r] = set_ignored(s, r) ? SQL_PARAM_UNUSED : PARAM_PENDING;
        if (s->param_status_ptr)
            s->param_status_ptr[r] = SQL_PARAM_UNUSED;
    }
    pthread_mutex_lock(&s->dbc->cancel_lock);
    s->batch_executing = 1;
    s->cancel_requested = 0;
    s->timed_out = 0;
    pthread_mutex_unlock(&s->dbc->cancel_lock);
    run_sets(s, nsets, &o);
    pthread_mutex_lock(&s->dbc->cancel_lock);
    s->batch_executing = 0;
    pthread_mutex_unlock(&s->dbc->cancel_lock);
    SQLRETURN rc = report(s, nsets, &o);
    outcomes_free(&o);
    return rc;
}

/* ---- execution ---------------------------------------------------------------- */

static SQLRETURN execute_bound(drv_stmt *s)
{
    SQLULEN nsets = s->paramset_size;
    if (nsets > 1 || (s->ncols == 0 && set_ignored(s, 0)))
        return execute_array(s, nsets);
    if (s->params_processed_ptr)
        *s->params_processed_ptr = 0;
    if (bind_set(s, 0, &s->h.diag, SQL_NO_ROW_NUMBER) != SQL_SUCCESS) {
        if (s->param_status_ptr)
            s->param_status_ptr[0] = SQL_PARAM_ERROR;
        if (s->params_processed_ptr)
            *s->params_processed_ptr = 1;
        return SQL_ERROR;
    }
    return stmt_first_step(s);
}

SQLRETURN stmt_execute_params(drv_stmt *s)
{
    SQLULEN nsets = s->paramset_size;
    int n = sqlite3_bind_parameter_count(s->vm);
    if (s->params_processed_ptr)
        *s->params_processed_ptr = 0;
    for (int i = 1; i <= n; i++) {
        if (i > s->nparams || !s->params[i - 1].bound)
            return diag_err(&s->h.diag, "07002",
                            "COUNT field incorrect: the statement has %d parameter marker(s) but "
                            "parameter %d is not bound (SQLBindParameter)", n, i);
    }
    if (nsets > 1 && s->ncols > 0)
        return diag_err(&s->h.diag, "HYC00",
                        "Arrays of parameters (SQL_ATTR_PARAMSET_SIZE %lu) are supported for INSERT, UPDATE "
                        "and DELETE, not for statements that return rows; execute it once per parameter set",
                        (unsigned long)nsets);
    if (dae_collect(s, nsets, n) != 0) {
        stmt_dae_reset(s);
        return diag_nomem(&s->h.diag);
    }
    if (s->ndae > 0) {
        s->dae_state = DAE_NEED;
        return SQL_NEED_DATA;
    }
    return execute_bound(s);
}

SQLRETURN drv_param_data(drv_stmt *s, SQLPOINTER *value)
{
    if (s->dae_state == DAE_NONE)
        return diag_err(&s->h.diag, "HY010",
                        "Function sequence error: no data-at-execution parameter is expected "
                        "(SQLExecute did not return SQL_NEED_DATA)");
    if (!stmt_check_connected(s)) {
        stmt_dae_reset(s);
        return SQL_ERROR;
    }
    size_t next = s->dae_state == DAE_NEED ? 0 : s->dae_cur + 1;
    if (next < s->ndae) {
        const drv_dae *d = &s->dae[next];
        const drv_param *p = &s->params[d->param - 1];
        s->dae_cur = next;
        s->dae_state = DAE_PUT;
        if (value)
            *value = data_addr(s, p, d->row);
        /* the set whose data is asked for (ODBC: data-at-execution in arrays) */
        if (s->params_processed_ptr)
            *s->params_processed_ptr = d->row + 1;
        return SQL_NEED_DATA;
    }
    /* every value is in: execute */
    s->dae_state = DAE_NONE;
    SQLRETURN rc = execute_bound(s);
    stmt_dae_reset(s);
    return rc;
}

static SQLRETURN put_data(drv_stmt *s, SQLPOINTER data, SQLLEN len);

/* An error in SQLPutData cancels the statement's data-at-execution sequence
 * (the ODBC state tables return it to the prepared state, as the DM does). */
SQLRETURN drv_put_data(drv_stmt *s, SQLPOINTER data, SQLLEN len)
{
    if (s->dae_state != DAE_PUT)
        return diag_err(&s->h.diag, "HY010",
                        "Function sequence error: SQLPutData is valid only after SQLParamData returned "
                        "SQL_NEED_DATA");
    SQLRETURN rc = put_data(s, data, len);
    if (rc == SQL_ERROR)
        stmt_dae_reset(s);
    return rc;
}

static SQLRETURN put_data(drv_stmt *s, SQLPOINTER data, SQLLEN len)
{
    drv_dae *d = &s->dae[s->dae_cur];
    const drv_param *p = &s->params[d->param - 1];
    SQLSMALLINT ctype = eff_ctype(p);
    if (len == SQL_NULL_DATA) {
        if (d->put && !d->is_null)
            return diag_err(&s->h.diag, "HY020", "Attempt to concatenate a null value");
        d->put = 1;
        d->is_null = 1;
        return SQL_SUCCESS;
    }
    if (d->is_null)
        return diag_err(&s->h.diag, "HY020", "Attempt to concatenate a null value");
    size_t n;
    if (is_var_ctype(ctype)) {
        if (len == SQL_NTS && ctype == SQL_C_CHAR)
            n = data ? strlen(data) : 0;
        else if (len == SQL_NTS && ctype == SQL_C_WCHAR)
            n = data ? u16_strlen(data) * 2 : 0;
        else if (len == SQL_DEFAULT_PARAM)
            return diag_err(&s->h.diag, "HYC00", "Default parameter values are not supported");
        else if (len < 0)
            return diag_err(&s->h.diag, "HY090", "Invalid string or buffer length %ld", (long)len);
        else
            n = (size_t)len;
    } else {
        if (d->put)
            return diag_err(&s->h.diag, "HY019",
                            "Non-character and non-binary data sent in pieces: parameter %d has a fixed-size "
                            "C type, send it with one SQLPutData call",
                            d->param);
        n = (size_t)param_ctype_size(ctype);
    }
    if (n > 0 && !data)
        return diag_err(&s->h.diag, "HY009", "Invalid use of null pointer");
    if (d->len + n + 2 > d->cap) {
        size_t cap = d->cap ? d->cap : 64;
        while (cap < d->len + n + 2)
            cap *= 2;
        char *b = realloc(d->buf, cap);
        if (!b)
            return diag_nomem(&s->h.diag);
        d->buf = b;
        d->cap = cap;
    }
    if (n)
        memcpy(d->buf + d->len, data, n);
    d->len += n;
    d->buf[d->len] = d->buf[d->len + 1] = '\0';
    d->put = 1;
    return SQL_SUCCESS;
}

/* ---- SQLDescribeParam --------------------------------------------------------- */

/*
 * SQLite has no parameter types.  When the marker feeds a column
 * (sqlscan.h: INSERT … (cols) VALUES (?…), col = ?) the column's declared
 * type describes it, read with pragma_table_xinfo on a statement of its own
 * (the prepared one is not touched).  Otherwise, and for long text, the
 * answer is SQL_WLONGVARCHAR with size 0 — "no fixed limit", as SQL Server
 * says for nvarchar(max): pyodbc's fast_executemany then sends such values
 * by SQLPutData instead of reserving the declared size in every row of its
 * parameter array (1 MB of TEXT x 1,000 rows would be 2 GB).
 */
#define DESCRIBE_VARCHAR_MAX 4000 /* longer VARCHARs are described as long text */

static int declared_type(drv_stmt *s, const sqlscan_targets *t, const sqlscan_target *tg, char *decl,
                         size_t cap, int *notnull)
{
    sqlite3 *db = stmt_db(s);
    sqlite3_stmt *q = NULL;
    const char *sql = tg->column
                          ? "SELECT type, \"notnull\" FROM pragma_table_xinfo(?1, ?2) WHERE name = ?3 "
                            "COLLATE NOCASE"
                          : "SELECT type, \"notnull\" FROM pragma_table_xinfo(?1, ?2) WHERE hidden = 0 "
                            "LIMIT 1 OFFSET ?4 - 1";
    int found = 0;
    /* not a WorkItems write: plan it without write intent (the statement's own intent returns at its step) */
    azdo_session_set_write_intent(s->dbc->session, 0);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(q, 1, t->table, -1, SQLITE_STATIC);
    if (t->schema)
        sqlite3_bind_text(q, 2, t->schema, -1, SQLITE_STATIC);
    if (tg->column)
        sqlite3_bind_text(q, 3, tg->column, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int(q, 4, tg->ordinal);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *ty = sqlite3_column_text(q, 0);
        snprintf(decl, cap, "%s", ty ? (const char *)ty : "");
        *notnull = sqlite3_column_int(q, 1) != 0;
        found = 1;
    }
done:
    sqlite3_finalize(q);
    azdo_session_set_write_intent(s->dbc->session, s->write_intent);
    return found;
}

SQLRETURN drv_describe_param(drv_stmt *s, SQLUSMALLINT num, SQLSMALLINT *type, SQLULEN *size,
                             SQLSMALLINT *digits, SQLSMALLINT *nullable)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!s->vm)
        return diag_err(&s->h.diag, "HY010", "Function sequence error: no statement is prepared");
    int n = sqlite3_bind_parameter_count(s->vm);
    if (num < 1 || num > n)
        return diag_err(&s->h.diag, "07009",
                        "Invalid descriptor index: parameter %u (the statement has %d parameter marker(s))",
                        (unsigned)num, n);

    SQLSMALLINT t = SQL_WLONGVARCHAR, dg = 0, nl = SQL_NULLABLE_UNKNOWN;
    SQLULEN sz = 0;
    const char *sql = sqlite3_sql(s->vm);
    sqlscan_targets tg;
    if (sql && sqlscan_param_targets(sql, strlen(sql), &tg) == 0) {
        if (tg.nparams == n && tg.table && (tg.targets[num - 1].column || tg.targets[num - 1].ordinal)) {
            char decl[128];
            int notnull = 0;
            if (declared_type(s, &tg, &tg.targets[num - 1], decl, sizeof decl, &notnull)) {
                nl = notnull ? SQL_NO_NULLS : SQL_NULLABLE;
                if (decl[0] && (strcasestr(decl, "NUMERIC") || strcasestr(decl, "DECIMAL"))) {
                    /* NUMERIC affinity keeps numbers as INTEGER or REAL: a double
                     * carries them (a long-text description made pyodbc bind
                     * decimals with precision 0) */
                    t = SQL_DOUBLE;
                    sz = 15;
                } else if (decl[0]) {
                    ty_info ti;
                    ty_from_decl(decl, TY_VAL_UNKNOWN, 0, &ti);
                    if (ti.sql_type == SQL_WVARCHAR && ti.column_size <= DESCRIBE_VARCHAR_MAX) {
                        t = SQL_WVARCHAR;
                        sz = ti.column_size;
                    } else if (ti.sql_type != SQL_WVARCHAR && ti.sql_type != SQL_WLONGVARCHAR &&
                               ti.sql_type != SQL_VARBINARY) {
                        t = ti.sql_type;
                        sz = ti.column_size;
                        dg = ti.decimal_digits;
                    } else if (ti.sql_type == SQL_VARBINARY) {
                        t = SQL_VARBINARY;
                        sz = 0;
                    }
                }
            }
        }
        sqlscan_targets_free(&tg);
    }
    if (type)
        *type = t;
    if (size)
        *size = sz;
    if (digits)
        *digits = dg;
    if (nullable)
        *nullable = nl;
    return SQL_SUCCESS;
}
