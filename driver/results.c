/*
 * results.c — SQLBindCol, SQLFetch, SQLFetchScroll, SQLGetData.
 *
 * Rows come from the statement's SQLite VM.  Execution already stepped once,
 * so the first SQLFetch takes the buffered row (ROW_PENDING) and later ones
 * step.  Block cursors (SQL_ATTR_ROW_ARRAY_SIZE > 1) fill bound buffers for
 * up to that many rows, column-wise or row-wise, honouring
 * SQL_ATTR_ROW_BIND_OFFSET_PTR, and report per-row status and the row count
 * through ROW_STATUS_PTR / ROWS_FETCHED_PTR.
 *
 * SQLGetData follows convert.h's chunking protocol.  It works on the row
 * the VM holds, so it is refused (HYC00) after a fetch that delivered more
 * than one row: SQL_GD_BLOCK is not claimed.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* The current VM row's value of column i (0-based).  Borrowed pointers. */
static void col_value(drv_stmt *s, int i, cv_value *v)
{
    memset(v, 0, sizeof *v);
    switch (sqlite3_column_type(s->vm, i)) {
    case SQLITE_INTEGER:
        v->kind = CV_INT;
        v->i = sqlite3_column_int64(s->vm, i);
        break;
    case SQLITE_FLOAT:
        v->kind = CV_FLOAT;
        v->d = sqlite3_column_double(s->vm, i);
        break;
    case SQLITE_TEXT:
        v->kind = CV_TEXT;
        v->p = (const char *)sqlite3_column_text(s->vm, i);
        v->n = (size_t)sqlite3_column_bytes(s->vm, i);
        if (!v->p) {
            v->p = "";
            v->n = 0;
        }
        break;
    case SQLITE_BLOB:
        v->kind = CV_BLOB;
        v->p = sqlite3_column_blob(s->vm, i);
        v->n = (size_t)sqlite3_column_bytes(s->vm, i);
        if (!v->p) {
            v->p = "";
            v->n = 0;
        }
        break;
    default:
        v->kind = CV_NULL;
        break;
    }
}

/* Resolves SQL_C_DEFAULT from the column's described type. */
static SQLSMALLINT effective_ctype(drv_stmt *s, int col, SQLSMALLINT ctype)
{
    if (ctype != SQL_C_DEFAULT)
        return ctype;
    return s->cols ? s->cols[col - 1].ty.c_default : SQL_C_CHAR;
}

/* Posts the diagnostic for a conversion result; returns the row-level outcome. */
static SQLRETURN conv_result(drv_stmt *s, cv_rc rc, SQLLEN row, int col)
{
    if (rc == CV_OK)
        return SQL_SUCCESS;
    diag_post(&s->h.diag, cv_rc_state(rc), 0, row, col, "Column %d: %s", col, cv_rc_message(rc));
    return cv_rc_is_error(rc) ? SQL_ERROR : SQL_SUCCESS_WITH_INFO;
}

/* Writes one value into one bound buffer (a whole value: no chunking). */
static SQLRETURN deliver(drv_stmt *s, const cv_value *v, SQLSMALLINT ctype, void *data,
                         SQLLEN buflen, SQLLEN *ind, SQLLEN row, int col)
{
    if (v->kind == CV_NULL) {
        if (!ind) {
            diag_post(&s->h.diag, "22002", 0, row, col,
                      "Indicator variable required but not supplied: column %d is NULL", col);
            return SQL_ERROR;
        }
        *ind = SQL_NULL_DATA;
        return SQL_SUCCESS;
    }
    SQLLEN size = cv_ctype_size(ctype);
    if (size > 0) {
        cv_rc rc = CV_OK;
        if (data)
            rc = cv_to_fixed(v, ctype, data);
        if (ind && !cv_rc_is_error(rc))
            *ind = size;
        return conv_result(s, rc, row, col);
    }
    cv_var var;
    cv_rc rc = cv_to_var(v, ctype, &var);
    if (rc == CV_OK && !data) {
        /* a column bound with only a length/indicator buffer: report the length */
        if (ind)
            *ind = (SQLLEN)var.n;
    } else if (rc == CV_OK) {
        size_t off = 0;
        rc = cv_chunk(ctype, &var, &off, data, buflen, ind);
    }
    cv_var_free(&var);
    return conv_result(s, rc, row, col);
}

SQLRETURN drv_bind_col(drv_stmt *s, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                       SQLLEN buflen, SQLLEN *ind)
{
    if (col == 0)
        return diag_err(&s->h.diag, "07009", "Invalid descriptor index 0: bookmarks are not supported");
    if (s->vm && s->ncols > 0 && col > s->ncols)
        return diag_err(&s->h.diag, "07009", "Invalid descriptor index %u: the result has %d column(s)",
                        (unsigned)col, s->ncols);
    if (buflen < 0)
        return diag_err(&s->h.diag, "HY090", "Invalid string or buffer length %ld", (long)buflen);
    if (ptr || ind) {
        int chk = cv_ctype_check(ctype);
        if (chk == 0)
            return diag_err(&s->h.diag, "HY003", "Invalid application buffer type %d", (int)ctype);
        if (chk < 0)
            return diag_err(&s->h.diag, "HYC00", "C type %d is not supported yet", (int)ctype);
    }
    if (col > s->nbinds) {
        if (!ptr && !ind)
            return SQL_SUCCESS; /* unbinding a column that was never bound */
        drv_bind *b = realloc(s->binds, (size_t)col * sizeof *b);
        if (!b)
            return diag_nomem(&s->h.diag);
        memset(b + s->nbinds, 0, (size_t)(col - s->nbinds) * sizeof *b);
        s->binds = b;
        s->nbinds = col;
    }
    drv_bind *b = &s->binds[col - 1];
    b->ctype = (ptr || ind) ? ctype : 0;
    b->ptr = ptr;
    b->buflen = buflen;
    b->ind = ind;
    return SQL_SUCCESS;
}

/* Fills the bound buffers of rowset row r (0-based) from the current VM row. */
static SQLRETURN put_row(drv_stmt *s, SQLULEN r)
{
    SQLRETURN ret = SQL_SUCCESS;
    SQLULEN off = s->bind_offset_ptr ? *s->bind_offset_ptr : 0;
    int n = s->nbinds < s->ncols ? s->nbinds : s->ncols;

    for (int i = 1; i <= n; i++) {
        const drv_bind *b = &s->binds[i - 1];
        if (!b->ctype)
            continue;
        SQLSMALLINT ctype = effective_ctype(s, i, b->ctype);
        char *data = NULL;
        SQLLEN *ind = NULL;
        if (s->row_bind_type == SQL_BIND_BY_COLUMN) {
            SQLLEN elem = cv_ctype_size(ctype);
            if (elem == 0)
                elem = b->buflen;
            if (b->ptr)
                data = (char *)b->ptr + off + r * (SQLULEN)elem;
            if (b->ind)
                ind = (SQLLEN *)((char *)b->ind + off) + r;
        } else {
            if (b->ptr)
                data = (char *)b->ptr + off + r * s->row_bind_type;
            if (b->ind)
                ind = (SQLLEN *)((char *)b->ind + off + r * s->row_bind_type);
        }
        cv_value v;
        col_value(s, i - 1, &v);
        SQLRETURN rc = deliver(s, &v, ctype, data, b->buflen, ind, (SQLLEN)r + 1, i);
        if (rc == SQL_ERROR)
            ret = SQL_ERROR;
        else if (rc == SQL_SUCCESS_WITH_INFO && ret == SQL_SUCCESS)
            ret = SQL_SUCCESS_WITH_INFO;
    }
    return ret;
}

static SQLRETURN fetch_rowset(drv_stmt *s)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!s->has_cursor)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state: there is no result set to fetch from");
    if (stmt_load_cols(s) != 0)
        return diag_nomem(&s->h.diag);
    stmt_gd_reset(s);

    SQLULEN want = s->row_array_size ? s->row_array_size : 1;
    SQLULEN got = 0, errors = 0;
    int warn = 0, step_failed = 0;

    while (got < want) {
        if (s->max_rows && s->rows_seen >= s->max_rows)
            s->row_state = ROW_END;
        if (s->row_state == ROW_PENDING) {
            s->row_state = ROW_CURRENT;
        } else if (s->row_state == ROW_CURRENT) {
            int rc = stmt_step(s);
            if (rc == SQLITE_ROW) {
                s->row_state = ROW_CURRENT;
            } else if (rc == SQLITE_DONE) {
                s->row_state = ROW_END;
                break;
            } else {
                stmt_sqlite_error(s, rc, (SQLLEN)got + 1);
                s->row_state = ROW_END;
                sqlite3_reset(s->vm);
                step_failed = 1;
                break;
            }
        } else {
            break;
        }
        s->rows_seen++;
        s->row_number++;
        SQLRETURN rc = put_row(s, got);
        if (s->row_status_ptr)
            s->row_status_ptr[got] = rc == SQL_SUCCESS ? SQL_ROW_SUCCESS
                                   : rc == SQL_SUCCESS_WITH_INFO ? SQL_ROW_SUCCESS_WITH_INFO
                                                                 : SQL_ROW_ERROR;
        if (rc == SQL_ERROR)
            errors++;
        else if (rc == SQL_SUCCESS_WITH_INFO)
            warn = 1;
        got++;
    }

    s->rowset_rows = got;
    if (s->row_status_ptr)
        for (SQLULEN r = got; r < want; r++)
            s->row_status_ptr[r] = SQL_ROW_NOROW;
    if (s->rows_fetched_ptr)
        *s->rows_fetched_ptr = got;
    if (got == 0)
        return step_failed ? SQL_ERROR : SQL_NO_DATA;
    if (errors == got && !warn && !step_failed)
        return SQL_ERROR; /* every row failed */
    return (errors || warn || step_failed) ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
}

SQLRETURN drv_fetch(drv_stmt *s)
{
    return fetch_rowset(s);
}

SQLRETURN drv_fetch_scroll(drv_stmt *s, SQLSMALLINT orientation, SQLLEN offset)
{
    (void)offset;
    if (orientation != SQL_FETCH_NEXT)
        return diag_err(&s->h.diag, "HY106",
                        "Fetch type out of range: the cursor is forward-only, use SQL_FETCH_NEXT");
    return fetch_rowset(s);
}

SQLRETURN drv_get_data(drv_stmt *s, SQLUSMALLINT col, SQLSMALLINT ctype, SQLPOINTER ptr,
                       SQLLEN buflen, SQLLEN *ind)
{
    if (!stmt_check_connected(s))
        return SQL_ERROR;
    if (!s->has_cursor || s->row_state != ROW_CURRENT)
        return diag_err(&s->h.diag, "24000", "Invalid cursor state: no current row (call SQLFetch first)");
    if (s->rowset_rows > 1)
        return diag_err(&s->h.diag, "HYC00",
                        "SQLGetData on a block cursor (SQL_ATTR_ROW_ARRAY_SIZE > 1) is not supported; "
                        "bind the columns or fetch one row at a time");
    if (col == 0 || col > s->ncols)
        return diag_err(&s->h.diag, "07009", "Invalid descriptor index %u: columns are numbered 1 to %d",
                        (unsigned)col, s->ncols);
    if (buflen < 0)
        return diag_err(&s->h.diag, "HY090", "Invalid string or buffer length %ld", (long)buflen);
    int chk = cv_ctype_check(ctype);
    if (chk == 0)
        return diag_err(&s->h.diag, "HY003", "Invalid application buffer type %d", (int)ctype);
    if (chk < 0)
        return diag_err(&s->h.diag, "HYC00", "C type %d is not supported yet", (int)ctype);
    if (stmt_load_cols(s) != 0)
        return diag_nomem(&s->h.diag);
    ctype = effective_ctype(s, col, ctype);

    /* Another column starts from the beginning of its value (SQL_GD_ANY_ORDER
     * lets the application come back to an earlier one).  The same column
     * after its last part answers SQL_NO_DATA, whatever the C type; a new C
     * type in the middle of a value restarts it in that type. */
    if (s->gd_col != col) {
        stmt_gd_reset(s);
        s->gd_col = col;
        s->gd_ctype = ctype;
    } else if (s->gd_done) {
        return SQL_NO_DATA;
    } else if (s->gd_ctype != ctype) {
        stmt_gd_reset(s);
        s->gd_col = col;
        s->gd_ctype = ctype;
    }

    cv_value v;
    col_value(s, col - 1, &v);
    if (v.kind == CV_NULL || cv_ctype_size(ctype) > 0) {
        SQLRETURN rc = deliver(s, &v, ctype, ptr, buflen, ind, SQL_NO_ROW_NUMBER, col);
        s->gd_done = 1;
        return rc;
    }
    if (!s->gd_var.p) {
        cv_rc crc = cv_to_var(&v, ctype, &s->gd_var);
        if (crc == CV_OK)
            crc = cv_var_own(&s->gd_var); /* stable across calls, whatever SQLite does */
        if (crc != CV_OK) {
            stmt_gd_reset(s);
            return conv_result(s, crc, SQL_NO_ROW_NUMBER, col);
        }
        s->gd_off = 0;
    }
    cv_rc crc = cv_chunk(ctype, &s->gd_var, &s->gd_off, ptr, buflen, ind);
    if (crc == CV_OK)
        s->gd_done = 1;
    return conv_result(s, crc, SQL_NO_ROW_NUMBER, col);
}
