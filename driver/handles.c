/*
 * handles.c — handle registry, allocation and freeing, the entry/exit
 * discipline, and the statement state helpers.  See handles.h for the rules
 * (validate first, one mutex per connection, detach on disconnect).
 */
#include "handles.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* ---- registry: an open-addressing pointer set -------------------------- */

typedef struct reg_slot {
    const void *h;      /* NULL = empty, TOMBSTONE = deleted */
    SQLSMALLINT type;
} reg_slot;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static reg_slot *reg_slots;
static size_t reg_cap, reg_used; /* used counts live entries and tombstones */
static char tombstone_mark;
#define TOMBSTONE ((const void *)&tombstone_mark)

static size_t reg_hash(const void *h)
{
    uintptr_t x = (uintptr_t)h;
    x ^= x >> 17;
    x *= 0xed5ad4bbu;
    x ^= x >> 11;
    return (size_t)x;
}

static SQLSMALLINT type_of(const void *h)
{
    return ((const drv_hdr *)h)->type;
}

/* Rehash into a table sized for the live entries (dropping tombstones, so
 * endless alloc/free cycles do not grow the table without bound). */
static int reg_grow(void)
{
    size_t live = 0;
    for (size_t i = 0; i < reg_cap; i++)
        live += reg_slots[i].h && reg_slots[i].h != TOMBSTONE;
    size_t cap = 64;
    while (cap < (live + 1) * 4)
        cap *= 2;
    reg_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < reg_cap; i++) {
        const void *h = reg_slots[i].h;
        if (!h || h == TOMBSTONE)
            continue;
        size_t j = reg_hash(h) & (cap - 1);
        while (slots[j].h)
            j = (j + 1) & (cap - 1);
        slots[j] = reg_slots[i];
    }
    free(reg_slots);
    reg_slots = slots;
    reg_cap = cap;
    reg_used = live;
    return 0;
}

int handle_register(void *h)
{
    int rc = 0;
    pthread_mutex_lock(&reg_lock);
    if ((reg_used + 1) * 2 > reg_cap && reg_grow() != 0) {
        rc = -1;
        goto done;
    }
    size_t j = reg_hash(h) & (reg_cap - 1);
    while (reg_slots[j].h && reg_slots[j].h != TOMBSTONE)
        j = (j + 1) & (reg_cap - 1);
    if (!reg_slots[j].h)
        reg_used++;
    reg_slots[j].h = h;
    reg_slots[j].type = type_of(h);
done:
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

static reg_slot *reg_find(const void *h)
{
    if (!reg_cap || !h)
        return NULL;
    size_t j = reg_hash(h) & (reg_cap - 1);
    while (reg_slots[j].h) {
        if (reg_slots[j].h == h)
            return &reg_slots[j];
        j = (j + 1) & (reg_cap - 1);
    }
    return NULL;
}

void handle_unregister(void *h)
{
    pthread_mutex_lock(&reg_lock);
    reg_slot *s = reg_find(h);
    if (s)
        s->h = TOMBSTONE;
    pthread_mutex_unlock(&reg_lock);
}

int handle_is(const void *h, SQLSMALLINT type)
{
    pthread_mutex_lock(&reg_lock);
    reg_slot *s = reg_find(h);
    int ok = s && s->type == type;
    pthread_mutex_unlock(&reg_lock);
    return ok;
}

/* ---- entry / exit ----------------------------------------------------------- */

drv_env *env_enter(SQLHENV h)
{
    if (!handle_is(h, SQL_HANDLE_ENV))
        return NULL;
    drv_env *e = h;
    pthread_mutex_lock(&e->lock);
    diag_clear(&e->h.diag);
    return e;
}

SQLRETURN env_leave(drv_env *e, SQLRETURN rc)
{
    e->h.diag.retcode = rc;
    pthread_mutex_unlock(&e->lock);
    return rc;
}

drv_dbc *dbc_enter(SQLHDBC h)
{
    if (!handle_is(h, SQL_HANDLE_DBC))
        return NULL;
    drv_dbc *c = h;
    pthread_mutex_lock(&c->lock);
    diag_clear(&c->h.diag);
    return c;
}

SQLRETURN dbc_leave(drv_dbc *c, SQLRETURN rc)
{
    c->h.diag.retcode = rc;
    pthread_mutex_unlock(&c->lock);
    return rc;
}

drv_stmt *stmt_enter(SQLHSTMT h)
{
    if (!handle_is(h, SQL_HANDLE_STMT))
        return NULL;
    drv_stmt *s = h;
    pthread_mutex_lock(&s->dbc->lock);
    diag_clear(&s->h.diag);
    return s;
}

SQLRETURN stmt_leave(drv_stmt *s, SQLRETURN rc)
{
    s->h.diag.retcode = rc;
    pthread_mutex_unlock(&s->dbc->lock);
    return rc;
}

drv_desc *desc_enter(SQLHDESC h)
{
    if (!handle_is(h, SQL_HANDLE_DESC))
        return NULL;
    drv_desc *d = h;
    pthread_mutex_lock(&d->dbc->lock);
    diag_clear(&d->h.diag);
    return d;
}

SQLRETURN desc_leave(drv_desc *d, SQLRETURN rc)
{
    d->h.diag.retcode = rc;
    pthread_mutex_unlock(&d->dbc->lock);
    return rc;
}

drv_hdr *hdr_enter(SQLSMALLINT type, SQLHANDLE h, pthread_mutex_t **unlock)
{
    *unlock = NULL;
    if (!handle_is(h, type))
        return NULL;
    switch (type) {
    case SQL_HANDLE_ENV:
        *unlock = &((drv_env *)h)->lock;
        break;
    case SQL_HANDLE_DBC:
        *unlock = &((drv_dbc *)h)->lock;
        break;
    case SQL_HANDLE_STMT:
        *unlock = &((drv_stmt *)h)->dbc->lock;
        break;
    case SQL_HANDLE_DESC:
        *unlock = &((drv_desc *)h)->dbc->lock;
        break;
    default:
        return NULL;
    }
    pthread_mutex_lock(*unlock);
    return h;
}

/* ---- allocation ----------------------------------------------------------- */

static void desc_init(drv_desc *d, drv_stmt *s, SQLINTEGER kind)
{
    d->h.type = SQL_HANDLE_DESC;
    diag_init(&d->h.diag);
    d->dbc = s->dbc;
    d->stmt = s;
    d->kind = kind;
}

static void stmt_defaults(drv_stmt *s)
{
    /* SQL_ATTR_METADATA_ID set on the connection is the default of its new statements */
    s->metadata_id = s->dbc->metadata_id;
    s->row_count = -1;
    s->row_array_size = 1;
    s->rowset_size = 1;
    s->row_bind_type = SQL_BIND_BY_COLUMN;
    s->noscan = SQL_NOSCAN_OFF;
    s->retrieve_data = SQL_RD_ON;
    s->paramset_size = 1;
    s->param_bind_type = SQL_PARAM_BIND_BY_COLUMN;
}

static SQLRETURN alloc_env(SQLHANDLE *out)
{
    drv_env *e = calloc(1, sizeof *e);
    if (!e)
        return SQL_ERROR;
    e->h.type = SQL_HANDLE_ENV;
    diag_init(&e->h.diag);
    e->odbc_version = SQL_OV_ODBC3;
    if (pthread_mutex_init(&e->lock, NULL) != 0) {
        free(e);
        return SQL_ERROR;
    }
    if (handle_register(e) != 0) {
        pthread_mutex_destroy(&e->lock);
        free(e);
        return SQL_ERROR;
    }
    *out = e;
    return SQL_SUCCESS;
}

static SQLRETURN alloc_dbc(SQLHANDLE in, SQLHANDLE *out)
{
    drv_env *e = env_enter(in);
    if (!e)
        return SQL_INVALID_HANDLE;
    SQLRETURN rc = SQL_SUCCESS;
    drv_dbc *c = calloc(1, sizeof *c);
    if (!c) {
        rc = diag_nomem(&e->h.diag);
        goto done;
    }
    c->h.type = SQL_HANDLE_DBC;
    diag_init(&c->h.diag);
    c->env = e;
    c->odbc_version = e->odbc_version;
    c->autocommit = SQL_AUTOCOMMIT_ON;
    c->access_mode = SQL_MODE_READ_WRITE;
    c->txn_isolation = SQL_TXN_SERIALIZABLE;
    c->async_enable = SQL_ASYNC_ENABLE_OFF;
    c->metadata_id = SQL_FALSE;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        rc = diag_err(&e->h.diag, "HY000", "Cannot create a connection mutex");
        goto done;
    }
    if (pthread_mutex_init(&c->cancel_lock, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        free(c);
        rc = diag_err(&e->h.diag, "HY000", "Cannot create a connection mutex");
        goto done;
    }
    if (handle_register(c) != 0) {
        pthread_mutex_destroy(&c->cancel_lock);
        pthread_mutex_destroy(&c->lock);
        free(c);
        rc = diag_nomem(&e->h.diag);
        goto done;
    }
    c->next_in_env = e->dbcs;
    e->dbcs = c;
    *out = c;
done:
    return env_leave(e, rc);
}

static SQLRETURN alloc_stmt(SQLHANDLE in, SQLHANDLE *out)
{
    drv_dbc *c = dbc_enter(in);
    if (!c)
        return SQL_INVALID_HANDLE;
    SQLRETURN rc = SQL_SUCCESS;
    if (!c->session) {
        rc = diag_err(&c->h.diag, "08003", "Connection not open");
        goto done;
    }
    drv_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    s->h.type = SQL_HANDLE_STMT;
    diag_init(&s->h.diag);
    s->dbc = c;
    stmt_defaults(s);
    desc_init(&s->ard, s, SQL_ATTR_APP_ROW_DESC);
    desc_init(&s->apd, s, SQL_ATTR_APP_PARAM_DESC);
    desc_init(&s->ird, s, SQL_ATTR_IMP_ROW_DESC);
    desc_init(&s->ipd, s, SQL_ATTR_IMP_PARAM_DESC);
    if (handle_register(s) != 0 || handle_register(&s->ard) != 0 || handle_register(&s->apd) != 0 ||
        handle_register(&s->ird) != 0 || handle_register(&s->ipd) != 0) {
        handle_unregister(&s->ard);
        handle_unregister(&s->apd);
        handle_unregister(&s->ird);
        handle_unregister(&s->ipd);
        handle_unregister(s);
        free(s);
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    s->next = c->stmts;
    if (c->stmts)
        c->stmts->prev = s;
    c->stmts = s;
    /* SQL_ATTR_ACCESS_MODE may have been set before the connect opened the session */
    dbc_apply_access_mode(c);
    *out = s;
done:
    return dbc_leave(c, rc);
}

/* An explicit descriptor: usable as the ARD or APD of the connection's statements. */
static SQLRETURN alloc_desc(SQLHANDLE in, SQLHANDLE *out)
{
    drv_dbc *c = dbc_enter(in);
    if (!c)
        return SQL_INVALID_HANDLE;
    SQLRETURN rc = SQL_SUCCESS;
    if (!c->session) {
        rc = diag_err(&c->h.diag, "08003", "Connection not open");
        goto done;
    }
    drv_desc *d = calloc(1, sizeof *d);
    if (!d) {
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    d->h.type = SQL_HANDLE_DESC;
    diag_init(&d->h.diag);
    d->dbc = c;
    desc_state_init(&d->own);
    if (handle_register(d) != 0) {
        free(d);
        rc = diag_nomem(&c->h.diag);
        goto done;
    }
    d->next_in_dbc = c->descs;
    c->descs = d;
    *out = d;
done:
    return dbc_leave(c, rc);
}

/* Frees an explicit descriptor (connection locked): its statements go back to their implicit ones. */
static void desc_destroy(drv_desc *d)
{
    drv_dbc *c = d->dbc;
    desc_forget_users(d);
    for (drv_desc **pp = &c->descs; *pp; pp = &(*pp)->next_in_dbc)
        if (*pp == d) {
            *pp = d->next_in_dbc;
            break;
        }
    handle_unregister(d);
    diag_clear(&d->h.diag);
    desc_state_free(&d->own);
    free(d);
}

SQLRETURN drv_alloc_handle(SQLSMALLINT type, SQLHANDLE in, SQLHANDLE *out)
{
    if (!out)
        return SQL_ERROR;
    *out = SQL_NULL_HANDLE;
    switch (type) {
    case SQL_HANDLE_ENV:
        return alloc_env(out);
    case SQL_HANDLE_DBC:
        return alloc_dbc(in, out);
    case SQL_HANDLE_STMT:
        return alloc_stmt(in, out);
    case SQL_HANDLE_DESC:
        return alloc_desc(in, out);
    default:
        return SQL_ERROR;
    }
}

/* ---- freeing ---------------------------------------------------------------- */

void stmt_gd_reset(drv_stmt *s)
{
    cv_var_free(&s->gd_var);
    s->gd_col = 0;
    s->gd_done = 0;
    s->gd_off = 0;
    s->gd_ctype = 0;
}

void stmt_forget_cols(drv_stmt *s)
{
    for (int i = 0; s->cols && i < s->ncols; i++) {
        free(s->cols[i].name);
        free(s->cols[i].base_name);
        free(s->cols[i].table);
    }
    free(s->cols);
    s->cols = NULL;
    s->cols_after_exec = 0;
}

void stmt_reset_cursor(drv_stmt *s)
{
    if (s->vm)
        sqlite3_reset(s->vm);
    s->has_cursor = 0;
    s->row_state = ROW_NONE;
    s->rows_seen = 0;
    s->row_number = 0;
    s->rowset_rows = 0;
    stmt_gd_reset(s);
}

void stmt_drop_vm(drv_stmt *s)
{
    stmt_dae_reset(s);
    stmt_reset_cursor(s);
    stmt_forget_cols(s);
    if (s->vm)
        sqlite3_finalize(s->vm);
    s->vm = NULL;
    s->ncols = 0;
    s->executed = 0;
    s->catcols = NULL;
    s->internal_params = 0;
    s->kind = SQLK_EMPTY;
    s->write_intent = 0;
    s->row_count = -1;
}

int stmt_check_connected(drv_stmt *s)
{
    if (s->dbc->session)
        return 1;
    diag_post(&s->h.diag, "08003", 0, SQL_NO_ROW_NUMBER, SQL_NO_COLUMN_NUMBER,
              "Connection not open (the statement was detached by SQLDisconnect)");
    return 0;
}

sqlite3 *stmt_db(drv_stmt *s)
{
    return azdo_session_db(s->dbc->session);
}

void dbc_detach_stmts(drv_dbc *c)
{
    for (drv_stmt *s = c->stmts; s; s = s->next)
        stmt_drop_vm(s);
}

/* Frees a statement's memory; the caller holds the connection lock and has unlinked it. */
static void stmt_destroy(drv_stmt *s)
{
    stmt_release_descs(s);
    stmt_drop_vm(s);
    handle_unregister(&s->ard);
    handle_unregister(&s->apd);
    handle_unregister(&s->ird);
    handle_unregister(&s->ipd);
    handle_unregister(s);
    diag_clear(&s->h.diag);
    diag_clear(&s->ard.h.diag);
    diag_clear(&s->apd.h.diag);
    diag_clear(&s->ird.h.diag);
    diag_clear(&s->ipd.h.diag);
    free(s->binds);
    free(s->params);
    free(s->cursor_name);
    desc_state_free(&s->ard_saved);
    desc_state_free(&s->apd_saved);
    free(s);
}

static void stmt_unlink(drv_stmt *s)
{
    drv_dbc *c = s->dbc;
    if (s->prev)
        s->prev->next = s->next;
    else
        c->stmts = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static SQLRETURN free_stmt_handle(SQLHANDLE h)
{
    if (!handle_is(h, SQL_HANDLE_STMT))
        return SQL_INVALID_HANDLE;
    drv_stmt *s = h;
    drv_dbc *c = s->dbc;
    pthread_mutex_lock(&c->lock);
    /* SQLCancel reads `executing` under cancel_lock: make sure no cancel is mid-flight */
    pthread_mutex_lock(&c->cancel_lock);
    stmt_unlink(s);
    handle_unregister(s);
    pthread_mutex_unlock(&c->cancel_lock);
    stmt_destroy(s);
    pthread_mutex_unlock(&c->lock);
    return SQL_SUCCESS;
}

static SQLRETURN free_dbc_handle(SQLHANDLE h)
{
    drv_dbc *c = dbc_enter(h);
    if (!c)
        return SQL_INVALID_HANDLE;
    if (c->session) {
        /* The DM refuses this too (HY010); stay safe if it is called directly. */
        return dbc_leave(c, diag_err(&c->h.diag, "HY010",
                                     "Function sequence error: disconnect before freeing the connection"));
    }
    handle_unregister(c);
    while (c->stmts) {
        drv_stmt *s = c->stmts;
        stmt_unlink(s);
        stmt_destroy(s);
    }
    while (c->descs) /* freeing a connection frees its explicit descriptors */
        desc_destroy(c->descs);
    drv_env *e = c->env;
    pthread_mutex_unlock(&c->lock);

    if (e && handle_is(e, SQL_HANDLE_ENV)) {
        pthread_mutex_lock(&e->lock);
        for (drv_dbc **pp = &e->dbcs; *pp; pp = &(*pp)->next_in_env)
            if (*pp == c) {
                *pp = c->next_in_env;
                break;
            }
        pthread_mutex_unlock(&e->lock);
    }
    diag_clear(&c->h.diag);
    pthread_mutex_destroy(&c->cancel_lock);
    pthread_mutex_destroy(&c->lock);
    free(c->current_catalog);
    free(c->dsn);
    free(c->base_url);
    free(c->server);
    free(c->database);
    free(c->api_version);
    free(c);
    return SQL_SUCCESS;
}

static SQLRETURN free_env_handle(SQLHANDLE h)
{
    drv_env *e = env_enter(h);
    if (!e)
        return SQL_INVALID_HANDLE;
    if (e->dbcs)
        return env_leave(e, diag_err(&e->h.diag, "HY010",
                                     "Function sequence error: free the connections first"));
    handle_unregister(e);
    pthread_mutex_unlock(&e->lock);
    diag_clear(&e->h.diag);
    pthread_mutex_destroy(&e->lock);
    free(e);
    return SQL_SUCCESS;
}

SQLRETURN drv_free_handle(SQLSMALLINT type, SQLHANDLE h)
{
    switch (type) {
    case SQL_HANDLE_ENV:
        return free_env_handle(h);
    case SQL_HANDLE_DBC:
        return free_dbc_handle(h);
    case SQL_HANDLE_STMT:
        return free_stmt_handle(h);
    case SQL_HANDLE_DESC: {
        drv_desc *d = desc_enter(h);
        if (!d)
            return SQL_INVALID_HANDLE;
        if (d->stmt)
            return desc_leave(d, diag_err(&d->h.diag, "HY017",
                                          "Invalid use of an automatically allocated descriptor handle"));
        pthread_mutex_t *lock = &d->dbc->lock;
        desc_destroy(d);
        pthread_mutex_unlock(lock);
        return SQL_SUCCESS;
    }
    default:
        return SQL_ERROR;
    }
}

/* ---- input strings ------------------------------------------------------------ */

size_t drv_inlen(const char *s, SQLLEN len)
{
    if (!s)
        return 0;
    if (len == SQL_NTS || len < 0)
        return strlen(s);
    return (size_t)len;
}

char *drv_indup(const char *s, SQLLEN len, int *oom)
{
    *oom = 0;
    if (!s)
        return NULL;
    size_t n = drv_inlen(s, len);
    char *d = malloc(n + 1);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
