/*
 * desc.c — SQLGetDescField / SQLSetDescField on the four implicit
 * descriptors of a statement.
 *
 * There are no descriptor objects of their own: each field is a view of the
 * statement attribute or the binding record it stands for, so the two ways
 * of setting it cannot disagree.
 *   APD header  ARRAY_SIZE = PARAMSET_SIZE, ARRAY_STATUS_PTR =
 *               PARAM_OPERATION_PTR, BIND_OFFSET_PTR = PARAM_BIND_OFFSET_PTR,
 *               BIND_TYPE = PARAM_BIND_TYPE, COUNT
 *   IPD header  ARRAY_STATUS_PTR = PARAM_STATUS_PTR, ROWS_PROCESSED_PTR =
 *               PARAMS_PROCESSED_PTR, COUNT
 *   ARD header  ARRAY_SIZE = ROW_ARRAY_SIZE, BIND_OFFSET_PTR, BIND_TYPE
 *   IRD header  ARRAY_STATUS_PTR = ROW_STATUS_PTR, ROWS_PROCESSED_PTR =
 *               ROWS_FETCHED_PTR, COUNT (read-only)
 *   APD records TYPE/CONCISE_TYPE (the C type), DATA_PTR, INDICATOR_PTR,
 *               OCTET_LENGTH_PTR, OCTET_LENGTH, PRECISION, SCALE (what
 *               pyodbc sets for SQL_C_NUMERIC in fast_executemany)
 *   IPD records TYPE/CONCISE_TYPE (the SQL type), LENGTH/PRECISION (column
 *               size), SCALE, PARAMETER_TYPE, NULLABLE (read)
 * As the specification says, setting an APD record field other than
 * DATA_PTR, INDICATOR_PTR and OCTET_LENGTH_PTR unbinds the record's data
 * (set DATA_PTR again afterwards).  Anything else: HY091 for a field the
 * descriptor does not have, HYC00 for one not implemented.
 */
#include <stdint.h>
#include <string.h>

#include "driver.h"

#define IVAL(v) ((SQLLEN)(intptr_t)(v))

static int is_app(const drv_desc *d)
{
    return d->kind == SQL_ATTR_APP_ROW_DESC || d->kind == SQL_ATTR_APP_PARAM_DESC;
}

static int is_param(const drv_desc *d)
{
    return d->kind == SQL_ATTR_APP_PARAM_DESC || d->kind == SQL_ATTR_IMP_PARAM_DESC;
}

static int param_count(const drv_stmt *s)
{
    int n = 0;
    for (int i = 0; i < s->nparams; i++)
        if (s->params[i].bound)
            n = i + 1;
    return n;
}

/* ---- get ------------------------------------------------------------------------ */

#define PUT(T, v)                      \
    do {                               \
        if (val)                       \
            *(T *)val = (T)(v);        \
        if (outlen)                    \
            *outlen = (SQLINTEGER)sizeof(T); \
        return SQL_SUCCESS;            \
    } while (0)

SQLRETURN drv_get_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER buflen, SQLINTEGER *outlen)
{
    drv_stmt *s = d->stmt;
    drv_diag *dg = &d->h.diag;
    (void)buflen;
    switch (field) {
    case SQL_DESC_ALLOC_TYPE:
        PUT(SQLSMALLINT, SQL_DESC_ALLOC_AUTO);
    case SQL_DESC_COUNT:
        if (d->kind == SQL_ATTR_IMP_ROW_DESC)
            PUT(SQLSMALLINT, s->ncols);
        if (d->kind == SQL_ATTR_APP_ROW_DESC) {
            int n = 0;
            for (int i = 0; i < s->nbinds; i++)
                if (s->binds[i].ctype)
                    n = i + 1;
            PUT(SQLSMALLINT, n);
        }
        PUT(SQLSMALLINT, param_count(s));
    case SQL_DESC_ARRAY_SIZE:
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            PUT(SQLULEN, s->paramset_size);
        if (d->kind == SQL_ATTR_APP_ROW_DESC)
            PUT(SQLULEN, s->row_array_size);
        break;
    case SQL_DESC_ARRAY_STATUS_PTR:
        switch (d->kind) {
        case SQL_ATTR_APP_PARAM_DESC: PUT(SQLPOINTER, s->param_operation_ptr);
        case SQL_ATTR_IMP_PARAM_DESC: PUT(SQLPOINTER, s->param_status_ptr);
        case SQL_ATTR_IMP_ROW_DESC: PUT(SQLPOINTER, s->row_status_ptr);
        default: PUT(SQLPOINTER, NULL);
        }
    case SQL_DESC_BIND_OFFSET_PTR:
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            PUT(SQLPOINTER, s->param_bind_offset_ptr);
        if (d->kind == SQL_ATTR_APP_ROW_DESC)
            PUT(SQLPOINTER, s->bind_offset_ptr);
        break;
    case SQL_DESC_BIND_TYPE:
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            PUT(SQLINTEGER, s->param_bind_type);
        if (d->kind == SQL_ATTR_APP_ROW_DESC)
            PUT(SQLINTEGER, s->row_bind_type);
        break;
    case SQL_DESC_ROWS_PROCESSED_PTR:
        if (d->kind == SQL_ATTR_IMP_PARAM_DESC)
            PUT(SQLPOINTER, s->params_processed_ptr);
        if (d->kind == SQL_ATTR_IMP_ROW_DESC)
            PUT(SQLPOINTER, s->rows_fetched_ptr);
        break;
    default:
        goto record;
    }
    return diag_err(dg, "HY091", "Invalid descriptor field identifier %d for this descriptor", (int)field);

record:
    if (!is_param(d))
        return diag_err(dg, "HYC00",
                        "Record fields of the row descriptors are not available here; use SQLColAttribute "
                        "and SQLBindCol");
    if (rec < 1)
        return diag_err(dg, "07009", "Invalid descriptor index %d", (int)rec);
    if (rec > s->nparams)
        return SQL_NO_DATA;
    const drv_param *p = &s->params[rec - 1];
    if (d->kind == SQL_ATTR_APP_PARAM_DESC) {
        switch (field) {
        case SQL_DESC_TYPE:
        case SQL_DESC_CONCISE_TYPE: PUT(SQLSMALLINT, p->ctype);
        case SQL_DESC_DATA_PTR: PUT(SQLPOINTER, p->ptr);
        case SQL_DESC_INDICATOR_PTR: PUT(SQLPOINTER, p->ind);
        case SQL_DESC_OCTET_LENGTH_PTR: PUT(SQLPOINTER, p->len_ptr);
        case SQL_DESC_OCTET_LENGTH: PUT(SQLLEN, p->buflen);
        case SQL_DESC_PRECISION: PUT(SQLSMALLINT, p->num_precision);
        case SQL_DESC_SCALE: PUT(SQLSMALLINT, p->num_scale);
        default: break;
        }
    } else {
        switch (field) {
        case SQL_DESC_TYPE:
        case SQL_DESC_CONCISE_TYPE: PUT(SQLSMALLINT, p->sql_type);
        case SQL_DESC_LENGTH: PUT(SQLULEN, p->col_size);
        case SQL_DESC_PRECISION: PUT(SQLSMALLINT, p->col_size > 32767 ? 32767 : p->col_size);
        case SQL_DESC_SCALE: PUT(SQLSMALLINT, p->digits);
        case SQL_DESC_PARAMETER_TYPE: PUT(SQLSMALLINT, p->io);
        case SQL_DESC_NULLABLE: PUT(SQLSMALLINT, SQL_NULLABLE_UNKNOWN);
        default: break;
        }
    }
    return diag_err(dg, "HYC00", "Descriptor field %d is not supported", (int)field);
}

/* ---- set ------------------------------------------------------------------------- */

SQLRETURN drv_set_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER len)
{
    drv_stmt *s = d->stmt;
    drv_diag *dg = &d->h.diag;
    (void)len;
    if (d->kind == SQL_ATTR_IMP_ROW_DESC)
        return diag_err(dg, "HY016", "Cannot modify an implementation row descriptor");
    if (s->dae_state != DAE_NONE)
        return diag_err(dg, "HY010", "Function sequence error: data-at-execution parameters are pending");

    switch (field) {
    case SQL_DESC_ARRAY_SIZE:
        if (!is_app(d))
            break;
        if ((SQLULEN)(uintptr_t)val < 1)
            return diag_err(dg, "HY024", "SQL_DESC_ARRAY_SIZE must be at least 1");
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            s->paramset_size = (SQLULEN)(uintptr_t)val;
        else
            s->row_array_size = (SQLULEN)(uintptr_t)val;
        return SQL_SUCCESS;
    case SQL_DESC_ARRAY_STATUS_PTR:
        switch (d->kind) {
        case SQL_ATTR_APP_PARAM_DESC: s->param_operation_ptr = val; return SQL_SUCCESS;
        case SQL_ATTR_IMP_PARAM_DESC: s->param_status_ptr = val; return SQL_SUCCESS;
        default:
            if (!val)
                return SQL_SUCCESS;
            return diag_err(dg, "HYC00", "Row operation arrays (SQL_ATTR_ROW_OPERATION_PTR) are not supported");
        }
    case SQL_DESC_BIND_OFFSET_PTR:
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            s->param_bind_offset_ptr = val;
        else if (d->kind == SQL_ATTR_APP_ROW_DESC)
            s->bind_offset_ptr = val;
        else
            break;
        return SQL_SUCCESS;
    case SQL_DESC_BIND_TYPE:
        if (d->kind == SQL_ATTR_APP_PARAM_DESC)
            s->param_bind_type = (SQLULEN)(uintptr_t)val;
        else if (d->kind == SQL_ATTR_APP_ROW_DESC)
            s->row_bind_type = (SQLULEN)(uintptr_t)val;
        else
            break;
        return SQL_SUCCESS;
    case SQL_DESC_ROWS_PROCESSED_PTR:
        if (d->kind != SQL_ATTR_IMP_PARAM_DESC)
            break;
        s->params_processed_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_ALLOC_TYPE:
        return diag_err(dg, "HY091", "SQL_DESC_ALLOC_TYPE is read-only");
    case SQL_DESC_COUNT: {
        if (!is_param(d))
            return diag_err(dg, "HYC00", "SQL_DESC_COUNT of a row descriptor: use SQLBindCol / SQLFreeStmt");
        SQLLEN n = IVAL(val);
        if (n < 0 || n > 32767)
            return diag_err(dg, "07009", "Invalid descriptor index %ld", (long)n);
        for (int i = (int)n; i < s->nparams; i++)
            memset(&s->params[i], 0, sizeof s->params[i]); /* records past the count are unbound */
        if (n > 0 && !stmt_param(s, (int)n))
            return diag_nomem(dg);
        return SQL_SUCCESS;
    }
    default:
        goto record;
    }
    return diag_err(dg, "HY091", "Invalid descriptor field identifier %d for this descriptor", (int)field);

record:
    if (!is_param(d))
        return diag_err(dg, "HYC00", "Record fields of the row descriptors cannot be set here; use SQLBindCol");
    if (rec < 1)
        return diag_err(dg, "07009", "Invalid descriptor index %d", (int)rec);
    drv_param *p = stmt_param(s, rec);
    if (!p)
        return diag_nomem(dg);
    if (d->kind == SQL_ATTR_APP_PARAM_DESC) {
        switch (field) {
        case SQL_DESC_TYPE:
        case SQL_DESC_CONCISE_TYPE: {
            SQLSMALLINT t = (SQLSMALLINT)IVAL(val);
            int chk = t == SQL_C_NUMERIC || t == SQL_C_GUID ? 1 : cv_ctype_check(t);
            if (chk == 0)
                return diag_err(dg, "HY021", "Inconsistent descriptor information: C type %d", (int)t);
            if (chk < 0)
                return diag_err(dg, "HYC00", "C type %d is not supported for parameters yet", (int)t);
            p->ctype = t;
            p->ptr = NULL; /* the record is unbound until DATA_PTR is set again */
            return SQL_SUCCESS;
        }
        case SQL_DESC_DATA_PTR:
            p->ptr = val;
            p->bound = 1;
            if (!p->io)
                p->io = SQL_PARAM_INPUT;
            return SQL_SUCCESS;
        case SQL_DESC_INDICATOR_PTR:
            p->ind = val;
            return SQL_SUCCESS;
        case SQL_DESC_OCTET_LENGTH_PTR:
            p->len_ptr = val;
            return SQL_SUCCESS;
        case SQL_DESC_OCTET_LENGTH:
            p->buflen = IVAL(val);
            p->ptr = NULL;
            return SQL_SUCCESS;
        case SQL_DESC_PRECISION:
            p->num_precision = (SQLSMALLINT)IVAL(val);
            p->ptr = NULL;
            return SQL_SUCCESS;
        case SQL_DESC_SCALE:
            p->num_scale = (SQLSMALLINT)IVAL(val);
            p->num_scale_set = 1;
            p->ptr = NULL;
            return SQL_SUCCESS;
        default:
            break;
        }
    } else {
        switch (field) {
        case SQL_DESC_TYPE:
        case SQL_DESC_CONCISE_TYPE:
            p->sql_type = (SQLSMALLINT)IVAL(val);
            return SQL_SUCCESS;
        case SQL_DESC_LENGTH:
        case SQL_DESC_PRECISION:
            p->col_size = (SQLULEN)(uintptr_t)val;
            return SQL_SUCCESS;
        case SQL_DESC_SCALE:
            p->digits = (SQLSMALLINT)IVAL(val);
            return SQL_SUCCESS;
        case SQL_DESC_PARAMETER_TYPE:
            if ((SQLSMALLINT)IVAL(val) != SQL_PARAM_INPUT)
                return diag_err(dg, "HYC00", "Only input parameters (SQL_PARAM_INPUT) are supported");
            p->io = SQL_PARAM_INPUT;
            return SQL_SUCCESS;
        default:
            break;
        }
    }
    return diag_err(dg, "HYC00", "Descriptor field %d cannot be set (not supported)", (int)field);
}
