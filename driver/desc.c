/*
 * desc.c — descriptors: SQLGetDescField / SQLSetDescField, SQLGetDescRec /
 * SQLSetDescRec, and explicitly allocated descriptors used as a
 * statement's ARD or APD.  (SQLCopyDesc is the DM's: it copies through
 * SQLGetDescField / SQLSetDescField; odbcapi.c says why.)
 *
 * How it works.  The implicit descriptors have no storage of their own: each
 * is a view of the statement attributes and bindings it stands for, so the
 * two ways of setting a value cannot disagree.
 *   ARD header  ARRAY_SIZE = ROW_ARRAY_SIZE, BIND_OFFSET_PTR =
 *               ROW_BIND_OFFSET_PTR, BIND_TYPE = ROW_BIND_TYPE
 *   ARD records the SQLBindCol bindings (s->binds)
 *   APD header  ARRAY_SIZE = PARAMSET_SIZE, ARRAY_STATUS_PTR =
 *               PARAM_OPERATION_PTR, BIND_OFFSET_PTR = PARAM_BIND_OFFSET_PTR,
 *               BIND_TYPE = PARAM_BIND_TYPE
 *   APD records the C side of SQLBindParameter (s->params)
 *   IPD header  ARRAY_STATUS_PTR = PARAM_STATUS_PTR, ROWS_PROCESSED_PTR =
 *               PARAMS_PROCESSED_PTR
 *   IPD records the SQL side of SQLBindParameter (s->params)
 *   IRD header  ARRAY_STATUS_PTR = ROW_STATUS_PTR, ROWS_PROCESSED_PTR =
 *               ROWS_FETCHED_PTR, COUNT = result columns
 *   IRD records the described result columns (read-only; as SQLColAttribute)
 * The APD and IPD share one record per parameter, so they share COUNT.
 *
 * Every change goes the same way: load the descriptor into a drv_desc_state
 * (header + records), change one field there, check it, store the state
 * back.  An explicit descriptor stores into its own state while no statement
 * uses it, and into every statement that uses it otherwise (the first of them
 * is what it reads from); a statement that starts using one keeps its
 * implicit values aside and gets them back when it stops (SQL_ATTR_APP_*_DESC
 * set to NULL or the implicit handle, or the explicit descriptor freed).
 *
 * Rules from the specification: setting an application record field other
 * than DATA_PTR, INDICATOR_PTR and OCTET_LENGTH_PTR unbinds the record (set
 * DATA_PTR again afterwards); setting DATA_PTR runs the consistency check
 * (HY021), also on an IPD, where it stores nothing; the IRD is read-only
 * (HY016) except ARRAY_STATUS_PTR and ROWS_PROCESSED_PTR; record 0 is the
 * bookmark record, which this driver does not have (07009); a record past
 * COUNT reads SQL_NO_DATA; a field the descriptor type does not have is HY091.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define IVAL(v) ((SQLLEN)(intptr_t)(v))

typedef enum desc_class { DK_ARD, DK_APD, DK_IRD, DK_IPD, DK_APP } desc_class;

static desc_class class_of(const drv_desc *d)
{
    switch (d->kind) {
    case SQL_ATTR_APP_ROW_DESC: return DK_ARD;
    case SQL_ATTR_APP_PARAM_DESC: return DK_APD;
    case SQL_ATTR_IMP_ROW_DESC: return DK_IRD;
    case SQL_ATTR_IMP_PARAM_DESC: return DK_IPD;
    default: return DK_APP; /* explicit: an ARD or APD, whichever statements make of it */
    }
}

static int is_app_class(desc_class k)
{
    return k == DK_ARD || k == DK_APD || k == DK_APP;
}

/* ---- types ------------------------------------------------------------------------ */

/* SQL_DESC_TYPE of a concise type: datetime and interval types have a verbose code. */
static SQLSMALLINT verbose_of(SQLSMALLINT t)
{
    if ((t >= SQL_TYPE_DATE && t <= SQL_TYPE_TIMESTAMP) || t == SQL_C_DATE || t == SQL_C_TIME ||
        t == SQL_C_TIMESTAMP)
        return SQL_DATETIME;
    if (t >= SQL_C_INTERVAL_YEAR && t <= SQL_C_INTERVAL_MINUTE_TO_SECOND)
        return SQL_INTERVAL;
    return t;
}

/* SQL_DESC_DATETIME_INTERVAL_CODE of a concise type, 0 for the others. */
static SQLSMALLINT subcode_of(SQLSMALLINT t)
{
    if (t >= SQL_TYPE_DATE && t <= SQL_TYPE_TIMESTAMP)
        return (SQLSMALLINT)(t - SQL_TYPE_DATE + SQL_CODE_DATE);
    if (t == SQL_C_DATE || t == SQL_C_TIME || t == SQL_C_TIMESTAMP)
        return (SQLSMALLINT)(t - SQL_C_DATE + SQL_CODE_DATE);
    if (t >= SQL_C_INTERVAL_YEAR && t <= SQL_C_INTERVAL_MINUTE_TO_SECOND)
        return (SQLSMALLINT)(t - 100);
    return 0;
}

static int is_datetime(SQLSMALLINT t)
{
    return verbose_of(t) == SQL_DATETIME;
}

/* SQL types an IPD record may have (the ODBC 3 list; the driver converts from them). */
static int sql_type_valid(SQLSMALLINT t)
{
    switch (t) {
    case SQL_CHAR: case SQL_VARCHAR: case SQL_LONGVARCHAR:
    case SQL_WCHAR: case SQL_WVARCHAR: case SQL_WLONGVARCHAR:
    case SQL_DECIMAL: case SQL_NUMERIC: case SQL_SMALLINT: case SQL_INTEGER:
    case SQL_REAL: case SQL_FLOAT: case SQL_DOUBLE: case SQL_BIT: case SQL_TINYINT:
    case SQL_BIGINT: case SQL_BINARY: case SQL_VARBINARY: case SQL_LONGVARBINARY:
    case SQL_TYPE_DATE: case SQL_TYPE_TIME: case SQL_TYPE_TIMESTAMP: case SQL_GUID:
        return 1;
    default:
        return 0;
    }
}

static int sql_type_is_numeric(SQLSMALLINT t)
{
    switch (t) {
    case SQL_DECIMAL: case SQL_NUMERIC: case SQL_SMALLINT: case SQL_INTEGER: case SQL_REAL:
    case SQL_FLOAT: case SQL_DOUBLE: case SQL_BIT: case SQL_TINYINT: case SQL_BIGINT:
        return 1;
    default:
        return 0;
    }
}

/*
 * May an application record of class k have C type t?  1 yes, 0 not a C
 * type (HY021), -1 a C type the driver does not convert (HYC00).  APD
 * records also take SQL_C_NUMERIC and SQL_C_GUID (pyodbc binds both).
 */
static int ctype_ok(desc_class k, SQLSMALLINT t)
{
    if (k != DK_ARD && (t == SQL_C_NUMERIC || t == SQL_C_GUID))
        return 1;
    return cv_ctype_check(t);
}

/* ---- descriptor state ------------------------------------------------------------ */

void desc_state_init(drv_desc_state *st)
{
    memset(st, 0, sizeof *st);
    st->array_size = 1;
}

void desc_state_free(drv_desc_state *st)
{
    free(st->recs);
    desc_state_init(st);
}

/* Makes records 1..n exist (new ones in their default state); -1 out of memory. */
static int state_grow(drv_desc_state *st, int n, desc_class k)
{
    if (n <= st->count)
        return 0;
    drv_desc_rec *r = realloc(st->recs, (size_t)n * sizeof *r);
    if (!r)
        return -1;
    memset(r + st->count, 0, (size_t)(n - st->count) * sizeof *r);
    for (int i = st->count; i < n; i++) {
        r[i].concise_type = is_app_class(k) ? SQL_C_DEFAULT : 0;
        r[i].param_type = SQL_PARAM_INPUT;
        r[i].nullable = SQL_NULLABLE;
    }
    st->recs = r;
    st->count = n;
    return 0;
}

static int state_copy(drv_desc_state *dst, const drv_desc_state *src)
{
    drv_desc_rec *r = NULL;
    if (src->count > 0) {
        r = malloc((size_t)src->count * sizeof *r);
        if (!r)
            return -1;
        memcpy(r, src->recs, (size_t)src->count * sizeof *r);
    }
    free(dst->recs);
    *dst = *src;
    dst->recs = r;
    return 0;
}

/* ---- the statement's implicit descriptors as states -------------------------------- */

static int ard_count(const drv_stmt *s)
{
    int n = 0;
    for (int i = 0; i < s->nbinds; i++)
        if (s->binds[i].ctype || s->binds[i].desc_type)
            n = i + 1;
    return n;
}

static int param_count(const drv_stmt *s)
{
    int n = 0;
    for (int i = 0; i < s->nparams; i++)
        if (s->params[i].bound)
            n = i + 1;
    return n;
}

static int ard_load(const drv_stmt *s, drv_desc_state *st)
{
    desc_state_init(st);
    st->array_size = s->row_array_size;
    st->bind_offset_ptr = s->bind_offset_ptr;
    st->bind_type = s->row_bind_type;
    if (state_grow(st, ard_count(s), DK_ARD) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        const drv_bind *b = &s->binds[i];
        drv_desc_rec *r = &st->recs[i];
        r->concise_type = b->ctype ? b->ctype : b->desc_type ? b->desc_type : SQL_C_DEFAULT;
        r->data_ptr = b->ptr;
        r->ind_ptr = b->ind;
        r->octet_length_ptr = b->octet_len_ptr ? b->octet_len_ptr : b->ind;
        r->octet_length = b->buflen;
        r->length = b->desc_length ? b->desc_length : (SQLULEN)b->buflen;
        r->precision = b->precision;
        r->scale = b->scale;
    }
    return 0;
}

static int ard_store(drv_stmt *s, const drv_desc_state *st)
{
    if (st->count > s->nbinds) {
        drv_bind *b = realloc(s->binds, (size_t)st->count * sizeof *b);
        if (!b)
            return -1;
        memset(b + s->nbinds, 0, (size_t)(st->count - s->nbinds) * sizeof *b);
        s->binds = b;
        s->nbinds = st->count;
    }
    for (int i = 0; i < s->nbinds; i++) {
        drv_bind *b = &s->binds[i];
        if (i >= st->count) {
            memset(b, 0, sizeof *b);
            continue;
        }
        const drv_desc_rec *r = &st->recs[i];
        SQLSMALLINT t = r->concise_type ? r->concise_type : SQL_C_DEFAULT;
        /* results.c fills a column whose ctype is set: one with a data or length buffer */
        b->ctype = (r->data_ptr || r->ind_ptr || r->octet_length_ptr) ? t : 0;
        b->desc_type = t;
        b->ptr = r->data_ptr;
        b->buflen = r->octet_length;
        b->ind = r->ind_ptr ? r->ind_ptr : r->octet_length_ptr;
        b->octet_len_ptr = r->octet_length_ptr != r->ind_ptr ? r->octet_length_ptr : NULL;
        b->desc_length = r->length != (SQLULEN)r->octet_length ? r->length : 0;
        b->precision = r->precision;
        b->scale = r->scale;
    }
    s->row_array_size = st->array_size ? st->array_size : 1;
    s->bind_offset_ptr = st->bind_offset_ptr;
    s->row_bind_type = st->bind_type;
    return 0;
}

static int apd_load(const drv_stmt *s, drv_desc_state *st)
{
    desc_state_init(st);
    st->array_size = s->paramset_size;
    st->array_status_ptr = s->param_operation_ptr;
    st->bind_offset_ptr = s->param_bind_offset_ptr;
    st->bind_type = s->param_bind_type;
    if (state_grow(st, param_count(s), DK_APD) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        const drv_param *p = &s->params[i];
        drv_desc_rec *r = &st->recs[i];
        r->concise_type = p->ctype;
        r->data_ptr = p->ptr;
        r->ind_ptr = p->ind;
        r->octet_length_ptr = p->len_ptr;
        r->octet_length = p->buflen;
        r->length = p->desc_length ? p->desc_length : (SQLULEN)p->buflen;
        r->precision = p->num_precision;
        r->scale = p->num_scale;
        r->num_scale_set = p->num_scale_set;
    }
    return 0;
}

/* Records past st->count are unbound (their IPD half too: the two share a record). */
static int params_trim(drv_stmt *s, int count)
{
    for (int i = count; i < s->nparams; i++)
        memset(&s->params[i], 0, sizeof s->params[i]);
    return count > 0 && !stmt_param(s, count) ? -1 : 0;
}

static int apd_store(drv_stmt *s, const drv_desc_state *st)
{
    if (params_trim(s, st->count) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        drv_param *p = &s->params[i];
        const drv_desc_rec *r = &st->recs[i];
        p->bound = 1;
        p->ctype = r->concise_type ? r->concise_type : SQL_C_DEFAULT;
        p->ptr = r->data_ptr;
        p->ind = r->ind_ptr;
        p->len_ptr = r->octet_length_ptr;
        p->buflen = r->octet_length;
        p->desc_length = r->length != (SQLULEN)r->octet_length ? r->length : 0;
        p->num_precision = r->precision;
        p->num_scale = r->scale;
        p->num_scale_set = r->num_scale_set;
        if (!p->io)
            p->io = SQL_PARAM_INPUT;
    }
    s->paramset_size = st->array_size ? st->array_size : 1;
    s->param_operation_ptr = st->array_status_ptr;
    s->param_bind_offset_ptr = st->bind_offset_ptr;
    s->param_bind_type = st->bind_type;
    return 0;
}

/*
 * The IPD keeps SQLBindParameter's ColumnSize and DecimalDigits: LENGTH (text)
 * or PRECISION (numbers) is the column size; SCALE the decimal digits, and
 * PRECISION of a datetime its fraction digits.
 */
static int ipd_load(const drv_stmt *s, drv_desc_state *st)
{
    desc_state_init(st);
    st->array_status_ptr = s->param_status_ptr;
    st->rows_processed_ptr = s->params_processed_ptr;
    if (state_grow(st, param_count(s), DK_IPD) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        const drv_param *p = &s->params[i];
        drv_desc_rec *r = &st->recs[i];
        r->concise_type = p->sql_type;
        r->length = p->col_size;
        r->octet_length = (SQLLEN)p->col_size;
        if (is_datetime(p->sql_type)) {
            r->precision = p->digits;
            r->scale = 0;
        } else {
            r->precision = (SQLSMALLINT)(p->col_size > 32767 ? 32767 : p->col_size);
            r->scale = p->digits;
        }
        r->param_type = p->io ? p->io : SQL_PARAM_INPUT;
        r->nullable = SQL_NULLABLE; /* parameters always take NULL */
    }
    return 0;
}

static int ipd_store(drv_stmt *s, const drv_desc_state *st)
{
    if (params_trim(s, st->count) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        drv_param *p = &s->params[i];
        const drv_desc_rec *r = &st->recs[i];
        p->bound = 1;
        p->sql_type = r->concise_type;
        if (is_datetime(r->concise_type)) {
            p->col_size = r->length;
            p->digits = r->precision;
        } else {
            p->col_size = sql_type_is_numeric(r->concise_type) ? (SQLULEN)(r->precision > 0 ? r->precision : 0)
                                                               : r->length;
            p->digits = r->scale;
        }
        p->io = r->param_type ? r->param_type : SQL_PARAM_INPUT;
        if (!p->ctype)
            p->ctype = SQL_C_DEFAULT;
    }
    s->param_status_ptr = st->array_status_ptr;
    s->params_processed_ptr = st->rows_processed_ptr;
    return 0;
}

/* The described result columns (the IRD header and SQLGetDescRec). */
static int ird_load(drv_stmt *s, drv_desc_state *st)
{
    desc_state_init(st);
    st->array_status_ptr = s->row_status_ptr;
    st->rows_processed_ptr = s->rows_fetched_ptr;
    if (!s->vm || s->ncols <= 0)
        return 0;
    if (stmt_load_cols(s) != 0 || state_grow(st, s->ncols, DK_IRD) != 0)
        return -1;
    for (int i = 0; i < st->count; i++) {
        const drv_col *c = &s->cols[i];
        drv_desc_rec *r = &st->recs[i];
        const char *sv;
        SQLLEN nv;
        r->concise_type = c->ty.sql_type;
        r->length = c->ty.column_size;
        r->octet_length = c->ty.octet_length;
        drv_col_field(c, SQL_DESC_PRECISION, &sv, &nv);
        r->precision = (SQLSMALLINT)(nv > 32767 ? 32767 : nv);
        r->scale = c->ty.decimal_digits;
        r->nullable = c->nullable;
    }
    return 0;
}

/* ---- explicit descriptors: who uses them ------------------------------------------- */

/* The statement explicit d reads from, and as what; NULL when none uses it. */
static drv_stmt *first_user(const drv_desc *d, desc_class *k)
{
    drv_stmt *p = d->primary;
    if (p) {
        *k = p->ard_ext == d ? DK_ARD : DK_APD;
        return p;
    }
    for (drv_stmt *s = d->dbc->stmts; s; s = s->next) {
        if (s->ard_ext == d) {
            *k = DK_ARD;
            return s;
        }
        if (s->apd_ext == d) {
            *k = DK_APD;
            return s;
        }
    }
    return NULL;
}

static int stmt_load_app(const drv_stmt *s, desc_class k, drv_desc_state *st)
{
    return k == DK_ARD ? ard_load(s, st) : apd_load(s, st);
}

static int stmt_store_app(drv_stmt *s, desc_class k, const drv_desc_state *st)
{
    return k == DK_ARD ? ard_store(s, st) : apd_store(s, st);
}

/* Loads what descriptor d shows; -1 out of memory. */
static int desc_load(drv_desc *d, drv_desc_state *st)
{
    drv_stmt *s = d->stmt;
    switch (class_of(d)) {
    case DK_ARD: return ard_load(s, st);
    case DK_APD: return apd_load(s, st);
    case DK_IPD: return ipd_load(s, st);
    case DK_IRD: return ird_load(s, st);
    case DK_APP: break;
    }
    desc_class k;
    drv_stmt *u = first_user(d, &k);
    if (u)
        return stmt_load_app(u, k, st);
    desc_state_init(st);
    return state_copy(st, &d->own);
}

/* Stores st as d's values; -1 out of memory. */
static int desc_store(drv_desc *d, const drv_desc_state *st)
{
    drv_stmt *s = d->stmt;
    switch (class_of(d)) {
    case DK_ARD: return ard_store(s, st);
    case DK_APD: return apd_store(s, st);
    case DK_IPD: return ipd_store(s, st);
    case DK_IRD: return 0; /* read-only: callers refuse before */
    case DK_APP: break;
    }
    for (drv_stmt *u = d->dbc->stmts; u; u = u->next) {
        if (u->ard_ext == d && ard_store(u, st) != 0)
            return -1;
        if (u->apd_ext == d && apd_store(u, st) != 0)
            return -1;
    }
    return state_copy(&d->own, st);
}

/* Statement s stops using explicit d as k: d keeps the values if s was its last user. */
static void stop_using(drv_stmt *s, desc_class k)
{
    drv_desc **slot = k == DK_ARD ? &s->ard_ext : &s->apd_ext;
    drv_desc_state *saved = k == DK_ARD ? &s->ard_saved : &s->apd_saved;
    drv_desc *d = *slot;
    if (!d)
        return;
    *slot = NULL;
    desc_class other;
    if (d->primary == s && s->ard_ext != d && s->apd_ext != d)
        d->primary = NULL; /* another user, if any, takes over (first_user scans) */
    drv_stmt *next = first_user(d, &other);
    d->primary = next;
    if (!next) {
        drv_desc_state now;
        if (stmt_load_app(s, k, &now) == 0)
            state_copy(&d->own, &now);
        desc_state_free(&now);
    }
    stmt_store_app(s, k, saved); /* the implicit descriptor's own values again */
    desc_state_free(saved);
}

void desc_forget_users(drv_desc *d)
{
    for (drv_stmt *s = d->dbc->stmts; s; s = s->next) {
        if (s->ard_ext == d)
            stop_using(s, DK_ARD);
        if (s->apd_ext == d)
            stop_using(s, DK_APD);
    }
}

void stmt_release_descs(drv_stmt *s)
{
    stop_using(s, DK_ARD);
    stop_using(s, DK_APD);
}

SQLRETURN drv_use_app_desc(drv_stmt *s, SQLINTEGER attr, SQLHDESC handle)
{
    desc_class k = attr == SQL_ATTR_APP_ROW_DESC ? DK_ARD : DK_APD;
    drv_desc *implicit = k == DK_ARD ? &s->ard : &s->apd;
    drv_desc **slot = k == DK_ARD ? &s->ard_ext : &s->apd_ext;
    drv_desc_state *saved = k == DK_ARD ? &s->ard_saved : &s->apd_saved;
    drv_desc *d = handle;

    if (!d || d == implicit) {
        stop_using(s, k);
        return SQL_SUCCESS;
    }
    if (!handle_is(d, SQL_HANDLE_DESC))
        return diag_err(&s->h.diag, "HY024", "Invalid attribute value: not a descriptor handle");
    if (d->stmt)
        return diag_err(&s->h.diag, "HY017",
                        "Invalid use of an automatically allocated descriptor handle: only an explicitly "
                        "allocated descriptor can replace the %s",
                        k == DK_ARD ? "ARD" : "APD");
    if (d->dbc != s->dbc)
        return diag_err(&s->h.diag, "HY024",
                        "Invalid attribute value: the descriptor belongs to another connection");
    if (*slot == d)
        return SQL_SUCCESS;
    if (s->dae_state != DAE_NONE)
        return diag_err(&s->h.diag, "HY010", "Function sequence error: data-at-execution parameters are pending");

    drv_desc_state want, mine;
    desc_state_init(&mine);
    if (desc_load(d, &want) != 0)
        return diag_nomem(&s->h.diag);
    if (k == DK_ARD && want.array_status_ptr) {
        desc_state_free(&want);
        return diag_err(&s->h.diag, "HYC00",
                        "The descriptor has SQL_DESC_ARRAY_STATUS_PTR set: row operation arrays are not "
                        "supported in an ARD");
    }
    stop_using(s, k); /* an explicit descriptor it used before */
    if (stmt_load_app(s, k, &mine) != 0 || stmt_store_app(s, k, &want) != 0) {
        stmt_store_app(s, k, &mine);
        desc_state_free(&want);
        desc_state_free(&mine);
        return diag_nomem(&s->h.diag);
    }
    desc_state_free(saved);
    *saved = mine; /* restored when the statement stops using d */
    *slot = d;
    if (!d->primary)
        d->primary = s;
    desc_state_free(&want);
    return SQL_SUCCESS;
}

/* ---- get ------------------------------------------------------------------------------ */

/* One field's value before it is written out. */
typedef struct fval {
    enum { FV_NUM, FV_PTR, FV_STR } kind;
    SQLLEN num;
    const void *ptr;
    const char *str;
} fval;

static fval fv_num(SQLLEN v) { fval f = {FV_NUM, v, NULL, NULL}; return f; }
static fval fv_ptr(const void *p) { fval f = {FV_PTR, 0, p, NULL}; return f; }
static fval fv_str(const char *s) { fval f = {FV_STR, 0, NULL, s}; return f; }

static int is_string_field(SQLSMALLINT f)
{
    switch (f) {
    case SQL_DESC_BASE_COLUMN_NAME: case SQL_DESC_BASE_TABLE_NAME: case SQL_DESC_CATALOG_NAME:
    case SQL_DESC_LABEL: case SQL_DESC_LITERAL_PREFIX: case SQL_DESC_LITERAL_SUFFIX:
    case SQL_DESC_LOCAL_TYPE_NAME: case SQL_DESC_NAME: case SQL_DESC_SCHEMA_NAME: case SQL_DESC_TABLE_NAME:
    case SQL_DESC_TYPE_NAME:
        return 1;
    default:
        return 0;
    }
}

static int is_pointer_field(SQLSMALLINT f)
{
    switch (f) {
    case SQL_DESC_ARRAY_STATUS_PTR: case SQL_DESC_BIND_OFFSET_PTR: case SQL_DESC_ROWS_PROCESSED_PTR:
    case SQL_DESC_DATA_PTR: case SQL_DESC_INDICATOR_PTR: case SQL_DESC_OCTET_LENGTH_PTR:
        return 1;
    default:
        return 0;
    }
}

static int is_header_field(SQLSMALLINT f)
{
    switch (f) {
    case SQL_DESC_ALLOC_TYPE: case SQL_DESC_ARRAY_SIZE: case SQL_DESC_ARRAY_STATUS_PTR:
    case SQL_DESC_BIND_OFFSET_PTR: case SQL_DESC_BIND_TYPE: case SQL_DESC_COUNT:
    case SQL_DESC_ROWS_PROCESSED_PTR:
        return 1;
    default:
        return 0;
    }
}

/* Every field ODBC 3.8 defines (the rest are HY091). */
static int is_odbc_field(SQLSMALLINT f)
{
    if (is_header_field(f) || is_string_field(f) || is_pointer_field(f))
        return 1;
    switch (f) {
    case SQL_DESC_AUTO_UNIQUE_VALUE: case SQL_DESC_CASE_SENSITIVE: case SQL_DESC_CONCISE_TYPE:
    case SQL_DESC_DATETIME_INTERVAL_CODE: case SQL_DESC_DATETIME_INTERVAL_PRECISION:
    case SQL_DESC_DISPLAY_SIZE: case SQL_DESC_FIXED_PREC_SCALE: case SQL_DESC_LENGTH: case SQL_DESC_NULLABLE:
    case SQL_DESC_NUM_PREC_RADIX: case SQL_DESC_OCTET_LENGTH: case SQL_DESC_PARAMETER_TYPE:
    case SQL_DESC_PRECISION: case SQL_DESC_ROWVER: case SQL_DESC_SCALE: case SQL_DESC_SEARCHABLE:
    case SQL_DESC_TYPE: case SQL_DESC_UNNAMED: case SQL_DESC_UNSIGNED: case SQL_DESC_UPDATABLE:
        return 1;
    default:
        return 0;
    }
}

/* What a field reads where the descriptor type leaves it undefined: 0, NULL or "". */
static fval fv_undefined(SQLSMALLINT f)
{
    if (is_string_field(f))
        return fv_str("");
    return is_pointer_field(f) ? fv_ptr(NULL) : fv_num(0);
}

/*
 * Writes a field out.  Numbers get the width the specification gives the
 * field — unless BufferLength names another integer width (2, 4 or 8), which
 * is then what the buffer holds: the DM's own SQLCopyDesc reads LENGTH into
 * a 4-byte and BIND_TYPE into an 8-byte variable.
 */
static SQLRETURN put_field(drv_desc *d, SQLSMALLINT field, fval v, SQLPOINTER val, SQLINTEGER buflen,
                           SQLINTEGER *outlen, int wide)
{
    if (v.kind == FV_STR) {
        drv_strout o = wide ? drv_strout_w_bytes(val, buflen) : drv_strout_a(val, buflen);
        SQLLEN len = 0;
        int t = drv_strout_put(&o, v.str, strlen(v.str), &len);
        if (outlen)
            *outlen = (SQLINTEGER)len;
        if (t < 0)
            return diag_nomem(&d->h.diag);
        return t ? diag_warn(&d->h.diag, "01004", "String data, right truncated") : SQL_SUCCESS;
    }
    if (v.kind == FV_PTR) {
        if (val)
            *(SQLPOINTER *)val = (SQLPOINTER)(uintptr_t)v.ptr;
        if (outlen)
            *outlen = sizeof(SQLPOINTER);
        return SQL_SUCCESS;
    }
    SQLINTEGER n;
    if (buflen == 2 || buflen == 4 || buflen == 8) {
        n = buflen;
    } else {
        switch (field) {
        case SQL_DESC_BIND_TYPE: case SQL_DESC_AUTO_UNIQUE_VALUE: case SQL_DESC_CASE_SENSITIVE:
        case SQL_DESC_DATETIME_INTERVAL_PRECISION: case SQL_DESC_NUM_PREC_RADIX:
            n = sizeof(SQLINTEGER);
            break;
        case SQL_DESC_DISPLAY_SIZE: case SQL_DESC_OCTET_LENGTH: case SQL_DESC_ARRAY_SIZE: case SQL_DESC_LENGTH:
            n = sizeof(SQLLEN);
            break;
        default:
            n = sizeof(SQLSMALLINT);
            break;
        }
    }
    if (val && n == 2)
        *(SQLSMALLINT *)val = (SQLSMALLINT)v.num;
    else if (val && n == 4)
        *(SQLINTEGER *)val = (SQLINTEGER)v.num;
    else if (val)
        *(SQLLEN *)val = v.num;
    if (outlen)
        *outlen = n;
    return SQL_SUCCESS;
}

static SQLRETURN bad_field(drv_desc *d, SQLSMALLINT field)
{
    return diag_err(&d->h.diag, "HY091", "Invalid descriptor field identifier %d for this descriptor",
                    (int)field);
}

static fval get_header(const drv_desc *d, const drv_desc_state *st, SQLSMALLINT field)
{
    int app = is_app_class(class_of(d));
    switch (field) {
    case SQL_DESC_ALLOC_TYPE: return fv_num(d->stmt ? SQL_DESC_ALLOC_AUTO : SQL_DESC_ALLOC_USER);
    case SQL_DESC_COUNT: return fv_num(st->count);
    case SQL_DESC_ARRAY_STATUS_PTR: return fv_ptr(st->array_status_ptr);
    case SQL_DESC_ARRAY_SIZE: return fv_num(app ? (SQLLEN)st->array_size : 1); /* 1: a valid size to copy */
    case SQL_DESC_BIND_OFFSET_PTR: return fv_ptr(app ? st->bind_offset_ptr : NULL);
    case SQL_DESC_BIND_TYPE: return fv_num(app ? (SQLLEN)st->bind_type : 0);
    case SQL_DESC_ROWS_PROCESSED_PTR: return fv_ptr(app ? NULL : st->rows_processed_ptr);
    default: return fv_undefined(field);
    }
}

/* Record fields of an application descriptor. */
static fval get_app_rec(const drv_desc_rec *r, SQLSMALLINT field)
{
    switch (field) {
    case SQL_DESC_TYPE: return fv_num(verbose_of(r->concise_type));
    case SQL_DESC_CONCISE_TYPE: return fv_num(r->concise_type);
    case SQL_DESC_DATETIME_INTERVAL_CODE: return fv_num(subcode_of(r->concise_type));
    case SQL_DESC_DATA_PTR: return fv_ptr(r->data_ptr);
    case SQL_DESC_INDICATOR_PTR: return fv_ptr(r->ind_ptr);
    case SQL_DESC_OCTET_LENGTH_PTR: return fv_ptr(r->octet_length_ptr);
    case SQL_DESC_OCTET_LENGTH: return fv_num(r->octet_length);
    case SQL_DESC_LENGTH: return fv_num((SQLLEN)r->length);
    case SQL_DESC_PRECISION: return fv_num(r->precision);
    case SQL_DESC_SCALE: return fv_num(r->scale);
    case SQL_DESC_NUM_PREC_RADIX: return fv_num(r->concise_type == SQL_C_NUMERIC ? 10 : 0);
    default: return fv_undefined(field);
    }
}

/* Record fields of the IPD: what SQLBindParameter said, and what the type implies. */
static fval get_ipd_rec(const drv_desc_rec *r, SQLSMALLINT field)
{
    ty_info ty;
    ty_from_sql_type(r->concise_type, r->length, &ty);
    int known = ty.sql_type == r->concise_type; /* the types the driver itself describes */
    switch (field) {
    case SQL_DESC_TYPE: return fv_num(verbose_of(r->concise_type));
    case SQL_DESC_CONCISE_TYPE: return fv_num(r->concise_type);
    case SQL_DESC_DATETIME_INTERVAL_CODE: return fv_num(subcode_of(r->concise_type));
    case SQL_DESC_LENGTH: return fv_num((SQLLEN)r->length);
    case SQL_DESC_OCTET_LENGTH: return fv_num(r->octet_length);
    case SQL_DESC_PRECISION: return fv_num(r->precision);
    case SQL_DESC_SCALE: return fv_num(r->scale);
    case SQL_DESC_PARAMETER_TYPE: return fv_num(r->param_type);
    case SQL_DESC_NULLABLE: return fv_num(SQL_NULLABLE);
    case SQL_DESC_UNNAMED: return fv_num(SQL_UNNAMED);
    case SQL_DESC_CASE_SENSITIVE: return fv_num(known && ty.case_sensitive);
    case SQL_DESC_UNSIGNED:
        return fv_num(!sql_type_is_numeric(r->concise_type) || r->concise_type == SQL_BIT);
    case SQL_DESC_NUM_PREC_RADIX: return fv_num(sql_type_is_numeric(r->concise_type) ? 10 : 0);
    case SQL_DESC_TYPE_NAME:
    case SQL_DESC_LOCAL_TYPE_NAME: return fv_str(known ? ty.type_name : "");
    default: return fv_undefined(field);
    }
}

/* Where the driver lets the application touch a descriptor at all. */
static SQLRETURN check_usable(drv_desc *d)
{
    if (d->stmt && d->stmt->dae_state != DAE_NONE)
        return diag_err(&d->h.diag, "HY010", "Function sequence error: data-at-execution parameters are pending");
    return SQL_SUCCESS;
}

/*
 * A field the descriptor type does not define reads SQL_SUCCESS with an
 * undefined value (0, NULL or ""), as the specification allows; record 0 —
 * the bookmark record, never bound here — reads the same way.
 */
SQLRETURN drv_get_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER buflen, SQLINTEGER *outlen, int wide)
{
    desc_class k = class_of(d);
    drv_desc_state st;
    fval v;

    if (!is_odbc_field(field))
        return bad_field(d, field);
    if (!is_header_field(field)) {
        if (rec < 0)
            return diag_err(&d->h.diag, "07009", "Invalid descriptor index %d", (int)rec);
        if (rec == 0)
            return put_field(d, field, fv_undefined(field), val, buflen, outlen, wide);
        if (k == DK_IRD) {
            drv_stmt *s = d->stmt;
            if (!s->vm || rec > s->ncols)
                return SQL_NO_DATA;
            if (stmt_load_cols(s) != 0)
                return diag_nomem(&d->h.diag);
            const char *sv;
            SQLLEN nv;
            if (drv_col_field(&s->cols[rec - 1], (SQLUSMALLINT)field, &sv, &nv) != 0)
                v = fv_undefined(field); /* DATA_PTR, PARAMETER_TYPE, ROWVER … */
            else
                v = sv ? fv_str(sv) : fv_num(nv);
            return put_field(d, field, v, val, buflen, outlen, wide);
        }
    }
    if (desc_load(d, &st) != 0)
        return diag_nomem(&d->h.diag);
    if (is_header_field(field)) {
        v = get_header(d, &st, field);
    } else if (rec > st.count) {
        desc_state_free(&st);
        return SQL_NO_DATA;
    } else {
        v = k == DK_IPD ? get_ipd_rec(&st.recs[rec - 1], field) : get_app_rec(&st.recs[rec - 1], field);
    }
    desc_state_free(&st); /* v holds no pointer into st: strings are static, pointers the application's */
    return put_field(d, field, v, val, buflen, outlen, wide);
}

/* ---- set ------------------------------------------------------------------------------ */

/*
 * A field the descriptor type does not have: setting it to the value
 * SQLGetDescField reads for it (0 / NULL) changes nothing and succeeds — the
 * DM's own SQLCopyDesc copies every field whatever the descriptor types —
 * anything else is HY091.
 */
static SQLRETURN undefined_set(drv_desc *d, SQLSMALLINT field, SQLPOINTER val)
{
    return val ? bad_field(d, field) : SQL_SUCCESS;
}

/* One header field of an ARD, APD, IPD or explicit descriptor. */
static SQLRETURN set_header(drv_desc *d, drv_desc_state *st, SQLSMALLINT field, SQLPOINTER val)
{
    desc_class k = class_of(d);
    int app = is_app_class(k);
    switch (field) {
    case SQL_DESC_ALLOC_TYPE:
        return diag_err(&d->h.diag, "HY091", "SQL_DESC_ALLOC_TYPE is read-only");
    case SQL_DESC_ARRAY_SIZE:
        if (!app)
            return undefined_set(d, field, val);
        if ((SQLULEN)(uintptr_t)val < 1)
            return diag_err(&d->h.diag, "HY024", "SQL_DESC_ARRAY_SIZE must be at least 1");
        st->array_size = (SQLULEN)(uintptr_t)val;
        return SQL_SUCCESS;
    case SQL_DESC_ARRAY_STATUS_PTR:
        if (k == DK_ARD && val)
            return diag_err(&d->h.diag, "HYC00",
                            "Row operation arrays (SQL_DESC_ARRAY_STATUS_PTR of an ARD, "
                            "SQL_ATTR_ROW_OPERATION_PTR) are not supported");
        st->array_status_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_BIND_OFFSET_PTR:
        if (!app)
            return undefined_set(d, field, val);
        st->bind_offset_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_BIND_TYPE:
        if (!app)
            return undefined_set(d, field, val);
        st->bind_type = (SQLULEN)(uintptr_t)val;
        return SQL_SUCCESS;
    case SQL_DESC_ROWS_PROCESSED_PTR:
        if (app)
            return undefined_set(d, field, val);
        st->rows_processed_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_COUNT: {
        SQLLEN n = IVAL(val);
        if (n < 0 || n > 32767)
            return diag_err(&d->h.diag, "07009", "Invalid descriptor index %ld", (long)n);
        if (n < st->count)
            st->count = (int)n; /* records past the count are unbound */
        else if (state_grow(st, (int)n, k) != 0)
            return diag_nomem(&d->h.diag);
        return SQL_SUCCESS;
    }
    default:
        return bad_field(d, field);
    }
}

/*
 * The consistency check (SQLSetDescField "Consistency Checks"), run when
 * DATA_PTR is set: the type fields form a type the driver converts, and a
 * NUMERIC has a precision it can hold.
 */
static SQLRETURN check_consistent(drv_desc *d, desc_class k, const drv_desc_rec *r)
{
    SQLSMALLINT t = r->concise_type;
    if (is_app_class(k)) {
        int ok = ctype_ok(k, t);
        if (ok == 0)
            return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: %d is not a C type "
                            "this record can have", (int)t);
        if (ok < 0)
            return diag_err(&d->h.diag, "HYC00", "C type %d is not supported for this descriptor", (int)t);
        if (t == SQL_C_NUMERIC && (r->precision < 1 || r->precision > 38 || r->scale < -38 || r->scale > 38))
            return diag_err(&d->h.diag, "HY021",
                            "Inconsistent descriptor information: SQL_C_NUMERIC needs a precision of 1 to 38 "
                            "and a scale of -38 to 38 (precision %d, scale %d)",
                            (int)r->precision, (int)r->scale);
        return SQL_SUCCESS;
    }
    if (!sql_type_valid(t))
        return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: %d is not an SQL type", (int)t);
    if ((t == SQL_DECIMAL || t == SQL_NUMERIC) &&
        (r->precision < 1 || r->precision > 38 || r->scale < 0 || r->scale > r->precision))
        return diag_err(&d->h.diag, "HY021",
                        "Inconsistent descriptor information: DECIMAL/NUMERIC needs 1 <= precision <= 38 and "
                        "0 <= scale <= precision (precision %d, scale %d)",
                        (int)r->precision, (int)r->scale);
    return SQL_SUCCESS;
}

/* SQL_DESC_TYPE or SQL_DESC_CONCISE_TYPE of a record of class k. */
static SQLRETURN set_type(drv_desc *d, desc_class k, drv_desc_rec *r, SQLSMALLINT field, SQLSMALLINT t)
{
    if (field == SQL_DESC_TYPE && t == SQL_DATETIME) {
        /* the concise type follows from DATETIME_INTERVAL_CODE, set next */
        if (!is_datetime(r->concise_type))
            r->concise_type = is_app_class(k) ? SQL_C_TYPE_TIMESTAMP : SQL_TYPE_TIMESTAMP;
        return SQL_SUCCESS;
    }
    if (t == SQL_INTERVAL || verbose_of(t) == SQL_INTERVAL)
        return diag_err(&d->h.diag, "HYC00", "Interval types are not supported");
    if (field == SQL_DESC_TYPE && (is_datetime(t) && t != SQL_DATETIME))
        return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: SQL_DESC_TYPE takes "
                        "SQL_DATETIME and SQL_DESC_DATETIME_INTERVAL_CODE, not the concise type %d", (int)t);
    /* An application record takes any type here (SQLCopyDesc from an IRD
     * brings SQL types, to be changed next); the consistency check on
     * DATA_PTR refuses what the driver cannot convert.  The IPD's type is
     * checked now: execution reads it. */
    if (!is_app_class(k) && !sql_type_valid(t)) {
        return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: %d is not an SQL type", (int)t);
    }
    r->concise_type = t;
    return SQL_SUCCESS;
}

static SQLRETURN set_subcode(drv_desc *d, desc_class k, drv_desc_rec *r, SQLSMALLINT code)
{
    if (code == 0 && !is_datetime(r->concise_type))
        return SQL_SUCCESS; /* what a non-datetime record reads (SQLCopyDesc) */
    if (!is_datetime(r->concise_type))
        return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: "
                        "SQL_DESC_DATETIME_INTERVAL_CODE needs SQL_DESC_TYPE = SQL_DATETIME");
    if (code < SQL_CODE_DATE || code > SQL_CODE_TIMESTAMP)
        return diag_err(&d->h.diag, "HY021", "Inconsistent descriptor information: datetime code %d", (int)code);
    (void)k;
    r->concise_type = (SQLSMALLINT)(SQL_TYPE_DATE + code - SQL_CODE_DATE);
    return SQL_SUCCESS;
}

/* One record field of an application descriptor (ARD, APD, or an explicit one). */
static SQLRETURN set_app_rec(drv_desc *d, desc_class k, drv_desc_rec *r, SQLSMALLINT field, SQLPOINTER val)
{
    SQLRETURN rc = SQL_SUCCESS;
    switch (field) {
    case SQL_DESC_DATA_PTR:
        if (val) {
            rc = check_consistent(d, k, r);
            if (rc != SQL_SUCCESS)
                return rc;
        }
        r->data_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_INDICATOR_PTR:
        r->ind_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_OCTET_LENGTH_PTR:
        r->octet_length_ptr = val;
        return SQL_SUCCESS;
    case SQL_DESC_TYPE:
    case SQL_DESC_CONCISE_TYPE:
        rc = set_type(d, k, r, field, (SQLSMALLINT)IVAL(val));
        break;
    case SQL_DESC_DATETIME_INTERVAL_CODE:
        rc = set_subcode(d, k, r, (SQLSMALLINT)IVAL(val));
        break;
    case SQL_DESC_DATETIME_INTERVAL_PRECISION:
    case SQL_DESC_NUM_PREC_RADIX:
        break; /* accepted; no interval or radix choice to make */
    case SQL_DESC_OCTET_LENGTH:
        r->octet_length = IVAL(val);
        break;
    case SQL_DESC_LENGTH:
        r->length = (SQLULEN)(uintptr_t)val;
        break;
    case SQL_DESC_PRECISION:
        r->precision = (SQLSMALLINT)IVAL(val);
        break;
    case SQL_DESC_SCALE:
        r->scale = (SQLSMALLINT)IVAL(val);
        r->num_scale_set = 1;
        break;
    default:
        return undefined_set(d, field, val);
    }
    if (rc == SQL_SUCCESS)
        r->data_ptr = NULL; /* the record is unbound until DATA_PTR is set again */
    return rc;
}

/* One record field of the IPD. */
static SQLRETURN set_ipd_rec(drv_desc *d, drv_desc_rec *r, SQLSMALLINT field, SQLPOINTER val)
{
    switch (field) {
    case SQL_DESC_DATA_PTR: /* stores nothing: it asks for the consistency check */
        return check_consistent(d, DK_IPD, r);
    case SQL_DESC_TYPE:
    case SQL_DESC_CONCISE_TYPE:
        return set_type(d, DK_IPD, r, field, (SQLSMALLINT)IVAL(val));
    case SQL_DESC_DATETIME_INTERVAL_CODE:
        return set_subcode(d, DK_IPD, r, (SQLSMALLINT)IVAL(val));
    case SQL_DESC_DATETIME_INTERVAL_PRECISION:
    case SQL_DESC_NUM_PREC_RADIX:
    case SQL_DESC_OCTET_LENGTH:
        return SQL_SUCCESS; /* accepted; the column size and type decide */
    case SQL_DESC_LENGTH:
        r->length = (SQLULEN)(uintptr_t)val;
        return SQL_SUCCESS;
    case SQL_DESC_PRECISION:
        r->precision = (SQLSMALLINT)IVAL(val);
        return SQL_SUCCESS;
    case SQL_DESC_SCALE:
        r->scale = (SQLSMALLINT)IVAL(val);
        return SQL_SUCCESS;
    case SQL_DESC_PARAMETER_TYPE:
        if (!val)
            return SQL_SUCCESS; /* what an application descriptor reads for it (SQLCopyDesc) */
        if ((SQLSMALLINT)IVAL(val) != SQL_PARAM_INPUT)
            return diag_err(&d->h.diag, "HYC00", "Only input parameters (SQL_PARAM_INPUT) are supported");
        r->param_type = SQL_PARAM_INPUT;
        return SQL_SUCCESS;
    case SQL_DESC_UNNAMED:
        if ((SQLSMALLINT)IVAL(val) != SQL_UNNAMED)
            return diag_err(&d->h.diag, "HY091", "SQL_DESC_UNNAMED can only be set to SQL_UNNAMED");
        return SQL_SUCCESS;
    case SQL_DESC_NAME:
        return diag_err(&d->h.diag, "HYC00", "Named parameters are not supported");
    case SQL_DESC_INDICATOR_PTR:
    case SQL_DESC_OCTET_LENGTH_PTR:
        return undefined_set(d, field, val);
    default:
        return bad_field(d, field); /* read-only in an IPD */
    }
}

/* Checks common to the set functions; SQL_SUCCESS to go on. */
static SQLRETURN set_precheck(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, int record_field)
{
    desc_class k = class_of(d);
    SQLRETURN rc = check_usable(d);
    if (rc != SQL_SUCCESS)
        return rc;
    if (k == DK_IRD && field != SQL_DESC_ARRAY_STATUS_PTR && field != SQL_DESC_ROWS_PROCESSED_PTR)
        return diag_err(&d->h.diag, "HY016", "Cannot modify an implementation row descriptor");
    if (record_field && rec < 0)
        return diag_err(&d->h.diag, "07009", "Invalid descriptor index %d", (int)rec);
    if (record_field && rec == 0)
        return diag_err(&d->h.diag, "07009",
                        "Invalid descriptor index 0: record 0 is the bookmark record, and bookmarks are not "
                        "supported");
    return SQL_SUCCESS;
}

/* Loads d, applies one header or record change, stores d. */
static SQLRETURN set_field_in_state(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val)
{
    desc_class k = class_of(d);
    int header = is_header_field(field);
    drv_desc_state st;
    SQLRETURN rc;

    if (k == DK_IRD) { /* only the two pointers, which are statement attributes */
        if (field == SQL_DESC_ARRAY_STATUS_PTR)
            d->stmt->row_status_ptr = val;
        else
            d->stmt->rows_fetched_ptr = val;
        return SQL_SUCCESS;
    }
    if (desc_load(d, &st) != 0)
        return diag_nomem(&d->h.diag);
    if (header) {
        rc = set_header(d, &st, field, val);
    } else if (state_grow(&st, rec, k) != 0) {
        rc = diag_nomem(&d->h.diag);
    } else {
        drv_desc_rec *r = &st.recs[rec - 1];
        rc = k == DK_IPD ? set_ipd_rec(d, r, field, val) : set_app_rec(d, k, r, field, val);
    }
    if (SQL_SUCCEEDED(rc) && desc_store(d, &st) != 0)
        rc = diag_nomem(&d->h.diag);
    desc_state_free(&st);
    return rc;
}

SQLRETURN drv_set_desc_field(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT field, SQLPOINTER val,
                             SQLINTEGER len)
{
    (void)len; /* no string field can be set */
    if (!is_odbc_field(field))
        return bad_field(d, field);
    /* record 0, the bookmark record: bookmarks are not supported, so only
     * the values it reads (0 / NULL) can be set, and change nothing */
    if (!is_header_field(field) && rec == 0 && !val && class_of(d) != DK_IRD)
        return check_usable(d);
    SQLRETURN rc = set_precheck(d, rec, field, !is_header_field(field));
    if (rc != SQL_SUCCESS)
        return rc;
    return set_field_in_state(d, rec, field, val);
}

/* ---- records ------------------------------------------------------------------------- */

SQLRETURN drv_get_desc_rec(drv_desc *d, SQLSMALLINT rec, const drv_strout *name, SQLLEN *namelen,
                           SQLSMALLINT *type, SQLSMALLINT *subtype, SQLLEN *length,
                           SQLSMALLINT *precision, SQLSMALLINT *scale, SQLSMALLINT *nullable)
{
    desc_class k = class_of(d);
    drv_desc_state st;
    const char *nm = "";
    if (rec < 0)
        return diag_err(&d->h.diag, "07009", "Invalid descriptor index %d", (int)rec);
    if (rec == 0)
        return diag_err(&d->h.diag, "07009",
                        "Invalid descriptor index 0: record 0 is the bookmark record, and bookmarks are not "
                        "supported");
    if (desc_load(d, &st) != 0)
        return diag_nomem(&d->h.diag);
    if (rec > st.count) {
        desc_state_free(&st);
        return SQL_NO_DATA;
    }
    const drv_desc_rec *r = &st.recs[rec - 1];
    if (k == DK_IRD)
        nm = d->stmt->cols[rec - 1].name; /* ird_load described the columns */
    int t = drv_strout_put(name, nm, strlen(nm), namelen);
    if (type)
        *type = verbose_of(r->concise_type);
    if (subtype)
        *subtype = subcode_of(r->concise_type);
    if (length)
        *length = r->octet_length;
    if (precision)
        *precision = r->precision;
    if (scale)
        *scale = r->scale;
    if (nullable)
        *nullable = is_app_class(k) ? SQL_NULLABLE_UNKNOWN : r->nullable;
    desc_state_free(&st);
    if (t < 0)
        return diag_nomem(&d->h.diag);
    return t ? diag_warn(&d->h.diag, "01004", "String data, right truncated") : SQL_SUCCESS;
}

/*
 * SQLSetDescRec: TYPE, DATETIME_INTERVAL_CODE, OCTET_LENGTH, PRECISION,
 * SCALE, DATA_PTR, OCTET_LENGTH_PTR and INDICATOR_PTR at once, then the
 * consistency check (always on an IPD; on an application descriptor when
 * DataPtr is set).  Nothing changes when a value is refused.
 */
SQLRETURN drv_set_desc_rec(drv_desc *d, SQLSMALLINT rec, SQLSMALLINT type, SQLSMALLINT subtype,
                           SQLLEN length, SQLSMALLINT precision, SQLSMALLINT scale, SQLPOINTER data,
                           SQLLEN *octet_length_ptr, SQLLEN *ind_ptr)
{
    desc_class k = class_of(d);
    SQLRETURN rc = set_precheck(d, rec, SQL_DESC_TYPE, 1);
    if (rc != SQL_SUCCESS)
        return rc;
    drv_desc_state st;
    if (desc_load(d, &st) != 0)
        return diag_nomem(&d->h.diag);
    if (state_grow(&st, rec, k) != 0) {
        desc_state_free(&st);
        return diag_nomem(&d->h.diag);
    }
    drv_desc_rec *r = &st.recs[rec - 1];
    rc = set_type(d, k, r, SQL_DESC_TYPE, type);
    if (rc == SQL_SUCCESS && type == SQL_DATETIME)
        rc = set_subcode(d, k, r, subtype);
    if (rc == SQL_SUCCESS) {
        r->octet_length = length;
        r->length = (SQLULEN)(length > 0 ? length : 0);
        r->precision = precision;
        r->scale = scale;
        r->num_scale_set = 1;
        if (k == DK_IPD) {
            rc = check_consistent(d, k, r);
        } else {
            r->octet_length_ptr = octet_length_ptr;
            r->ind_ptr = ind_ptr;
            r->data_ptr = NULL;
            if (data)
                rc = check_consistent(d, k, r);
            if (rc == SQL_SUCCESS)
                r->data_ptr = data;
        }
    }
    if (rc == SQL_SUCCESS && desc_store(d, &st) != 0)
        rc = diag_nomem(&d->h.diag);
    desc_state_free(&st);
    return rc;
}
