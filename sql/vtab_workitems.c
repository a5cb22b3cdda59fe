/*
 * vtab_workitems.c — WorkItems as an SQLite virtual table.
 *
 * HOW IT WORKS
 *   xBestIndex  hands sqlite3_index_info to the pure planner (plan.c), which
 *               decides what goes to WIQL and encodes the plan in idxStr.
 *   xFilter     decodes idxStr, turns the argv values into WIQL conditions
 *               (wiql.c) and opens an id stream (idsource.c).
 *   xNext       walks the current batch; when it is used up, takes the next
 *               ≤200 ids and reads only the fields in colUsed with one
 *               workitemsbatch request.  A query that uses no column but Id
 *               (COUNT(*), Id lists) makes no batch request at all.
 *   xColumn     converts the item's JSON value (value.c).
 * Memory holds one batch and one WIQL page at a time, however large the result.
 *
 * xFilter argv order is the order the planner assigned argvIndex: the WHERE
 * terms in the order SQLite listed them, then LIMIT, then OFFSET (see plan.h
 * for the idxStr grammar).
 */
#include "vtab_workitems.h"
#include "idsource.h"
#include "vtab_common.h"
#include "writeq.h"
#include "fetchq.h"
#include "itemcache.h"
#include "../rest/strbuf.h"
#include "patch.h"
#include "plan.h"
#include "value.h"
#include "wiql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct wi_vtab {
    sqlite3_vtab base;
    azdo_vtab_env *env;
} wi_vtab;

/* Records that the statement expects item `id` at revision `rev`. */
static void expect_rev(azdo_vtab_env *env, int64_t id, int64_t rev)
{
    for (int i = 0; i < env->nexpected; i++)
        if (env->expected[i].id == id) {
            if (env->expected[i].rev != rev)
                env->expected[i].conflicting = 1;
            return;
        }
    if (env->nexpected < (int)(sizeof env->expected / sizeof env->expected[0])) {
        env->expected[env->nexpected].id = id;
        env->expected[env->nexpected].rev = rev;
        env->expected[env->nexpected].conflicting = 0;
        env->nexpected++;
    }
}

/* 1 and *rev when the statement expects item `id` at a revision; -1 when it
 * named two different revisions for it; 0 when it named none. */
static int expected_rev_of(const azdo_vtab_env *env, int64_t id, int64_t *rev)
{
    for (int i = 0; i < env->nexpected; i++)
        if (env->expected[i].id == id) {
            *rev = env->expected[i].rev;
            return env->expected[i].conflicting ? -1 : 1;
        }
    return 0;
}

typedef struct wi_cursor {
    sqlite3_vtab_cursor base;
    azdo_idsource *src;
    azdo_fetchq *fq;            /* batches of src's ids, several in flight (fetch mode) */
    int64_t ids[AZDO_BATCH_MAX];
    size_t nids;
    cJSON *batch;               /* the current batch answer */
    cJSON *extras;              /* items read one by one for the current batch (verify_missing) */
    const cJSON *items[AZDO_BATCH_MAX]; /* item per row (NULL when not fetched) */
    int64_t row_ids[AZDO_BATCH_MAX];
    size_t nrows, pos;
    int fetch;                  /* read fields with a batch request */
    int direct;                 /* ids straight from Id = / Id IN (no WIQL): rows must be checked to
                                   exist (a null in the batch) and, project-scoped, to be in the project */
    azdo_itemcache *cache;      /* direct lookups' items, kept across xFilter calls (a join's inner side) */
    char *cache_sig;            /* the fields the cached items hold */
    unsigned long cache_gen;    /* env->write_gen when the cache was started */
    char **fields;              /* requested reference names (not owned strings) */
    size_t nfields;
    int all_fields;
    uint64_t col_used;
    int eof;
} wi_cursor;

static void record_error(wi_vtab *vt, const azdo_error *err)
{
    azdo_vtab_fail(vt->env, &vt->base, err);
}

static int wi_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **errmsg)
{
    azdo_vtab_env *env = aux;
    char *sql = azdo_schema_create_sql(env->schema, "x");
    if (!sql)
        return SQLITE_NOMEM;
    int rc = sqlite3_declare_vtab(db, sql);
    free(sql);
    if (rc != SQLITE_OK)
        return rc;
    wi_vtab *vt = sqlite3_malloc(sizeof *vt);
    if (!vt)
        return SQLITE_NOMEM;
    memset(vt, 0, sizeof *vt);
    vt->env = env;
    *out = &vt->base;
    return SQLITE_OK;
}

static int wi_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static azdo_op map_op(sqlite3_index_info *info, int i)
{
    switch (info->aConstraint[i].op) {
    case SQLITE_INDEX_CONSTRAINT_EQ:
        return sqlite3_vtab_in(info, i, -1) ? AZDO_OP_IN : AZDO_OP_EQ;
    case SQLITE_INDEX_CONSTRAINT_NE: return AZDO_OP_NE;
    case SQLITE_INDEX_CONSTRAINT_LT: return AZDO_OP_LT;
    case SQLITE_INDEX_CONSTRAINT_LE: return AZDO_OP_LE;
    case SQLITE_INDEX_CONSTRAINT_GT: return AZDO_OP_GT;
    case SQLITE_INDEX_CONSTRAINT_GE: return AZDO_OP_GE;
    case SQLITE_INDEX_CONSTRAINT_LIKE: return AZDO_OP_LIKE;
    case SQLITE_INDEX_CONSTRAINT_ISNULL: return AZDO_OP_ISNULL;
    case SQLITE_INDEX_CONSTRAINT_ISNOTNULL: return AZDO_OP_ISNOTNULL;
    case SQLITE_INDEX_CONSTRAINT_LIMIT: return AZDO_OP_LIMIT;
    case SQLITE_INDEX_CONSTRAINT_OFFSET: return AZDO_OP_OFFSET;
    default: return AZDO_OP_OTHER;
    }
}

static int wi_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    wi_vtab *vt = (wi_vtab *)v;
    int n = info->nConstraint;
    azdo_plan_cons *cons = sqlite3_malloc64(sizeof *cons * (size_t)(n ? n : 1));
    azdo_plan_use *use = sqlite3_malloc64(sizeof *use * (size_t)(n ? n : 1));
    int *oc = sqlite3_malloc64(sizeof *oc * (size_t)(info->nOrderBy ? info->nOrderBy : 1));
    int *od = sqlite3_malloc64(sizeof *od * (size_t)(info->nOrderBy ? info->nOrderBy : 1));
    int rc = SQLITE_NOMEM;
    if (!cons || !use || !oc || !od)
        goto done;
    for (int i = 0; i < n; i++) {
        cons[i].col = info->aConstraint[i].iColumn;
        cons[i].op = map_op(info, i);
        cons[i].usable = info->aConstraint[i].usable;
    }
    for (int i = 0; i < info->nOrderBy; i++) {
        oc[i] = info->aOrderBy[i].iColumn;
        od[i] = info->aOrderBy[i].desc;
    }
    azdo_plan_request req = {vt->env->schema, n,  cons, info->nOrderBy, oc, od, (uint64_t)info->colUsed,
                             vt->env->write_intent};
    azdo_plan_result res = {.use = use};
    if (azdo_plan_best(&req, &res) != 0)
        goto done;
    for (int i = 0; i < n; i++) {
        info->aConstraintUsage[i].argvIndex = use[i].argv_index;
        info->aConstraintUsage[i].omit = (unsigned char)use[i].omit;
        if (use[i].argv_index > 0 && cons[i].op == AZDO_OP_IN)
            sqlite3_vtab_in(info, i, 1); /* the whole list in one xFilter call */
    }
    info->orderByConsumed = res.order_consumed;
    info->estimatedCost = res.cost;
    info->estimatedRows = res.rows;
    if (res.rows == 1)
        info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
    info->idxNum = 1;
    info->idxStr = sqlite3_mprintf("%s", res.idx_str);
    info->needToFreeIdxStr = 1;
    free(res.idx_str);
    rc = info->idxStr ? SQLITE_OK : SQLITE_NOMEM;
done:
    sqlite3_free(cons);
    sqlite3_free(use);
    sqlite3_free(oc);
    sqlite3_free(od);
    return rc;
}

static int wi_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    wi_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    *out = &c->base;
    return SQLITE_OK;
}

static void reset_cursor(wi_cursor *c)
{
    azdo_fetchq_free(c->fq); /* first: its requests in flight use src's ids and the field names */
    c->fq = NULL;
    azdo_idsource_free(c->src);
    c->src = NULL;
    cJSON_Delete(c->batch);
    cJSON_Delete(c->extras);
    c->batch = c->extras = NULL;
    free(c->fields);
    c->fields = NULL;
    c->nfields = 0;
    c->nrows = c->pos = c->nids = 0;
    c->eof = 1;
}

static int wi_close(sqlite3_vtab_cursor *cur)
{
    wi_cursor *c = (wi_cursor *)cur;
    reset_cursor(c);
    azdo_itemcache_free(c->cache);
    free(c->cache_sig);
    free(c);
    return SQLITE_OK;
}

static int column_used(uint64_t used, size_t i)
{
    return i >= 63 ? (used >> 63) & 1 : (used >> i) & 1;
}

/* Which fields the scan must read, from colUsed. */
static int choose_fields(wi_cursor *c, const azdo_schema *s)
{
    c->fields = calloc(s->ncols + 1, sizeof *c->fields); /* + 1: see use_direct_ids */
    if (!c->fields)
        return -1;
    c->fetch = 0;
    for (size_t i = 0; i < s->ncols; i++) {
        const azdo_column *col = &s->cols[i];
        if (!column_used(c->col_used, i) || col->is_id)
            continue; /* the id comes with the WIQL answer */
        c->fetch = 1;
        int dup = 0;
        for (size_t k = 0; k < c->nfields && !dup; k++)
            dup = strcmp(c->fields[k], col->refname) == 0;
        if (!dup)
            c->fields[c->nfields++] = col->refname;
    }
    /* a long list costs more to send than the fields it saves */
    c->all_fields = c->nfields > 100;
    return 0;
}

/* Checks one item of a batch answer: an object with a valid id and fields. */
static int valid_item(const cJSON *item)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
    return cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble <= 9e15 &&
           cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(item, "fields"));
}

/* Reads item id alone (with the cursor's fields), for an id a batch answer
 * left out.  *out: the item, kept in c->extras, or NULL when the service
 * says 404 (it does not exist). */
static azdo_errkind read_one(wi_cursor *c, wi_vtab *vt, int64_t id, const cJSON **out, azdo_error *err)
{
    *out = NULL;
    char path[64], query[2048] = "";
    snprintf(path, sizeof path, "wit/workitems/%lld", (long long)id);
    if (!c->all_fields) {
        size_t len = 0;
        for (size_t f = 0; f < c->nfields && len + 2 < sizeof query; f++)
            len += (size_t)snprintf(query + len, sizeof query - len, "%s%s", f ? "," : "fields=", c->fields[f]);
    }
    cJSON *item = NULL;
    azdo_errkind rc = azdo_client_get(vt->env->client, 1, path, c->all_fields ? NULL : query,
                                      "reading a work item missing from a batch answer", &item, err);
    if (rc == AZDO_ERR_NOT_FOUND) {
        azdo_error_clear(err);
        return AZDO_OK;
    }
    if (rc != AZDO_OK)
        return rc;
    if (!valid_item(item) || (int64_t)cJSON_GetObjectItemCaseSensitive(item, "id")->valuedouble != id) {
        cJSON_Delete(item);
        return azdo_error_set(err, AZDO_ERR_PROTOCOL, "Work item %lld came back malformed", (long long)id);
    }
    if (!c->extras && !(c->extras = cJSON_CreateArray())) {
        cJSON_Delete(item);
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
    }
    cJSON_AddItemToArray(c->extras, item);
    *out = item;
    return AZDO_OK;
}

/*
 * The batch answer left entries out (rather than holding null in their
 * place): deleted since the WIQL ran, or lost.  Whether the service drops
 * omitted items or marks them null is not documented, so each missing id is
 * read on its own: 404 confirms it is gone, anything else is used — a row is
 * never lost silently.  Rows stay in the order of the ids.
 */
static azdo_errkind verify_missing(wi_cursor *c, wi_vtab *vt, azdo_error *err)
{
    const cJSON *items[AZDO_BATCH_MAX];
    int64_t row_ids[AZDO_BATCH_MAX];
    size_t n = 0, p = 0;
    for (size_t i = 0; i < c->nids; i++) {
        if (p < c->nrows && c->row_ids[p] == c->ids[i]) {
            items[n] = c->items[p++];
            row_ids[n++] = c->ids[i];
            continue;
        }
        const cJSON *item;
        azdo_errkind rc = read_one(c, vt, c->ids[i], &item, err);
        if (rc != AZDO_OK)
            return rc;
        if (!item)
            continue; /* deleted meanwhile */
        items[n] = item;
        row_ids[n++] = c->ids[i];
    }
    memcpy(c->items, items, n * sizeof *items);
    memcpy(c->row_ids, row_ids, n * sizeof *row_ids);
    c->nrows = n;
    return AZDO_OK;
}

/*
 * A lookup by id alone (WHERE Id = ?, Id IN (…), a join on Id) needs no
 * WIQL: the ids are known, and the batch request answers null for an id
 * that does not exist (errorPolicy omit).  Only when nothing else is
 * pushed: no other condition, no LIMIT/OFFSET (ids that turn out not to
 * exist would be counted), no order but Id.  On success *ids (malloc'd) may
 * be empty: no value can be an id (Id = 'abc').  1 = use them, 0 = no,
 * -1 = out of memory.
 */
static int direct_ids(const azdo_schema *s, const azdo_plan *plan, const azdo_wterm *terms, size_t nterms,
                      int64_t limit, int64_t offset, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    if (nterms != 1 || limit >= 0 || offset > 0 || (plan->order_col >= 0 && !s->cols[plan->order_col].is_id))
        return 0;
    const azdo_wterm *w = &terms[0];
    if (!s->cols[w->col].is_id || (w->op != AZDO_OP_EQ && w->op != AZDO_OP_IN))
        return 0;
    *ids = malloc((w->nvals ? w->nvals : 1) * sizeof **ids);
    if (!*ids)
        return -1;
    for (size_t k = 0; k < w->nvals; k++) {
        const azdo_val *v = &w->vals[k];
        if (v->type == AZDO_V_INT && v->i > 0)
            (*ids)[(*n)++] = v->i;
        else if (v->type == AZDO_V_REAL && v->r == floor(v->r) && v->r > 0 && v->r < 9e15)
            (*ids)[(*n)++] = (int64_t)v->r;
        /* anything else (text that is no number, NULL, a blob, 0 or less) is no work item id */
    }
    return 1;
}

/* Direct ids: the batch must say whether each item exists and, when the
 * connection has a Project, which project it is in. */
static void direct_fields(wi_cursor *c, int project_scoped)
{
    const char *need = project_scoped ? "System.TeamProject" : c->nfields ? NULL : "System.Id";
    c->fetch = 1;
    if (!need || c->all_fields)
        return;
    for (size_t k = 0; k < c->nfields; k++)
        if (strcmp(c->fields[k], need) == 0)
            return;
    c->fields[c->nfields++] = (char *)need;
}

/* Drops the rows of a direct lookup that belong to another project (a WIQL
 * query would have been scoped to the connection's). */
static void keep_project_rows(wi_cursor *c, const char *project)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(c->items[i], "fields");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(f, "System.TeamProject");
        if (!cJSON_IsString(p) || strcasecmp(p->valuestring, project) != 0)
            continue;
        c->items[k] = c->items[i];
        c->row_ids[k] = c->row_ids[i];
        k++;
    }
    c->nrows = k;
}

/* The cache of direct lookups holds items with the fields of the first
 * lookup; a lookup that needs other fields starts it afresh.  -1 on OOM. */
static int prepare_cache(wi_cursor *c, const azdo_vtab_env *env)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, c->all_fields ? "*" : "");
    for (size_t i = 0; i < c->nfields; i++) {
        strbuf_append(&b, c->fields[i]);
        strbuf_append_char(&b, ',');
    }
    char *sig = strbuf_steal(&b);
    if (!sig)
        return -1;
    /* kept only while nothing was written: an item this statement changed
     * must be read again (an UPDATE whose subquery looks up items by id) */
    if (c->cache && c->cache_sig && strcmp(sig, c->cache_sig) == 0 && c->cache_gen == env->write_gen) {
        free(sig);
        return 0;
    }
    c->cache_gen = env->write_gen;
    azdo_itemcache_free(c->cache);
    free(c->cache_sig);
    c->cache_sig = sig;
    c->cache = azdo_itemcache_new();
    return c->cache ? 0 : -1;
}

/* Where id stands in a batch answer for the ids `need`: *found, or *absent
 * (null in its place, when the answer is positional); neither when the
 * answer left it out.  -1 when an entry is malformed. */
static int find_in_answer(const cJSON *value, const int64_t *need, int positional, int64_t id,
                          const cJSON **found, int *absent)
{
    size_t pos = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, value)
    {
        if (cJSON_IsNull(e)) {
            if (positional && need[pos] == id) {
                *absent = 1;
                return 0;
            }
        } else if (!valid_item(e)) {
            return -1;
        } else if ((int64_t)cJSON_GetObjectItemCaseSensitive(e, "id")->valuedouble == id) {
            *found = e;
            return 0;
        }
        pos++;
    }
    return 0;
}

/*
 * Rows for the next window of a direct lookup: ids the cursor has seen
 * come from its cache, the others from one batch request.  The answer is
 * positional when it has one entry per id asked (null: no such item);
 * entries it leaves out are read one by one (verify_missing's rule: only a
 * 404 means gone).
 */
static int load_direct(wi_cursor *c, wi_vtab *vt)
{
    azdo_error err;
    azdo_error_clear(&err);
    if (!c->cache && prepare_cache(c, vt->env) != 0)
        return SQLITE_NOMEM;
    for (;;) {
        cJSON_Delete(c->batch);
        cJSON_Delete(c->extras);
        c->batch = c->extras = NULL;
        c->nrows = c->pos = 0;
        if (azdo_idsource_next(c->src, c->ids, AZDO_BATCH_MAX, &c->nids, &err) != AZDO_OK) {
            record_error(vt, &err);
            return SQLITE_ERROR;
        }
        if (c->nids == 0) {
            c->eof = 1;
            return SQLITE_OK;
        }
        int64_t need[AZDO_BATCH_MAX];
        size_t nneed = 0;
        for (size_t i = 0; i < c->nids; i++) {
            int known;
            azdo_itemcache_get(c->cache, c->ids[i], &known);
            if (!known)
                need[nneed++] = c->ids[i];
        }
        const cJSON *value = NULL;
        if (nneed > 0) {
            if (azdo_client_batch(vt->env->client, need, nneed, (const char *const *)c->fields,
                                  c->all_fields ? 0 : c->nfields, &c->batch, &err) != AZDO_OK) {
                record_error(vt, &err);
                return SQLITE_ERROR;
            }
            value = cJSON_GetObjectItemCaseSensitive(c->batch, "value");
        }
        int positional = value && (size_t)cJSON_GetArraySize(value) == nneed;
        for (size_t i = 0; i < c->nids; i++) {
            int64_t id = c->ids[i];
            int known;
            const cJSON *item = azdo_itemcache_get(c->cache, id, &known);
            if (!known) {
                const cJSON *found = NULL;
                int absent = 0;
                if (find_in_answer(value, need, positional, id, &found, &absent) != 0) {
                    azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                                   "A work item in the batch answer has no id or no fields object");
                    record_error(vt, &err);
                    return SQLITE_ERROR;
                }
                if (!found && !absent && read_one(c, vt, id, &found, &err) != AZDO_OK) {
                    record_error(vt, &err); /* left out of the answer, and reading it alone failed */
                    return SQLITE_ERROR;
                }
                const cJSON *kept = azdo_itemcache_put(c->cache, id, found);
                item = kept ? kept : found;
            }
            if (!item)
                continue; /* no such work item */
            c->items[c->nrows] = item;
            c->row_ids[c->nrows++] = id;
        }
        if (vt->env->project_scoped)
            keep_project_rows(c, vt->env->project);
        if (c->nrows > 0)
            return SQLITE_OK;
    }
}

/* Loads rows for the next ids; sets eof when there are none. */
static int load_batch(wi_cursor *c, wi_vtab *vt)
{
    if (c->direct)
        return load_direct(c, vt);
    azdo_error err;
    azdo_error_clear(&err);
    for (;;) {
        cJSON_Delete(c->batch);
        cJSON_Delete(c->extras);
        c->batch = c->extras = NULL;
        c->nrows = c->pos = 0;
        if (!c->fetch) {
            if (azdo_idsource_next(c->src, c->ids, AZDO_BATCH_MAX, &c->nids, &err) != AZDO_OK) {
                record_error(vt, &err);
                return SQLITE_ERROR;
            }
            if (c->nids == 0)
                c->eof = 1;
            for (size_t i = 0; i < c->nids; i++) {
                c->row_ids[i] = c->ids[i];
                c->items[i] = NULL;
            }
            c->nrows = c->nids;
            return SQLITE_OK;
        }
        if (!c->fq) {
            azdo_vtab_env *env = vt->env;
            c->fq = azdo_fetchq_new(env->client, azdo_vtab_pool(env), c->src, (const char *const *)c->fields,
                                    c->all_fields ? 0 : c->nfields);
            if (!c->fq)
                return SQLITE_NOMEM;
        }
        if (azdo_fetchq_next(c->fq, c->ids, &c->nids, &c->batch, &err) != AZDO_OK) {
            record_error(vt, &err);
            return SQLITE_ERROR;
        }
        if (c->nids == 0) {
            c->eof = 1;
            return SQLITE_OK;
        }
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(c->batch, "value");
        size_t k = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, value)
        {
            if (cJSON_IsNull(item))
                continue; /* deleted since the WIQL ran (errorPolicy omit) */
            if (!valid_item(item)) {
                azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                               "A work item in the batch answer has no id or no fields object");
                record_error(vt, &err);
                return SQLITE_ERROR;
            }
            if (k == c->nids) {
                azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                               "The batch answer holds more work items than were asked for (%zu)", c->nids);
                record_error(vt, &err);
                return SQLITE_ERROR;
            }
            c->items[k] = item;
            c->row_ids[k] = (int64_t)cJSON_GetObjectItemCaseSensitive(item, "id")->valuedouble;
            k++;
        }
        /* The service answers in the order asked; rows keep the WIQL order
         * (and so the pushed ORDER BY), so check rather than trust it. */
        size_t j = 0;
        for (size_t i = 0; i < k; i++) {
            while (j < c->nids && c->ids[j] != c->row_ids[i])
                j++;
            if (j == c->nids) {
                azdo_error_set(&err, AZDO_ERR_PROTOCOL,
                               "The batch answer holds work item %lld out of order or not asked for",
                               (long long)c->row_ids[i]);
                record_error(vt, &err);
                return SQLITE_ERROR;
            }
            j++;
        }
        c->nrows = k;
        if ((size_t)cJSON_GetArraySize(value) < c->nids && verify_missing(c, vt, &err) != AZDO_OK) {
            record_error(vt, &err);
            return SQLITE_ERROR;
        }
        if (c->nrows > 0)
            return SQLITE_OK;
        /* every item of this batch was deleted meanwhile: try the next ids */
    }
}

static int value_as_int(const azdo_val *v, int64_t *out)
{
    if (v->type == AZDO_V_INT) {
        *out = v->i;
        return 1;
    }
    return 0;
}

static void to_val(sqlite3_value *sv, azdo_val *out);

/* Converts one xFilter value for a term on col.  For a numeric column the
 * value first gets SQLite's own numeric affinity (what SQLite applies when
 * it compares `Id = '42'`), so the WIQL term means what SQLite means — hex,
 * overflow, locale and all.  Text is copied (*owned = 1, free() it) when
 * `copy` is set or when it came from the converted duplicate.  -1 on OOM. */
static int take_value(sqlite3_value *sv, const azdo_column *col, int copy, azdo_val *out, unsigned char *owned)
{
    sqlite3_value *dup = NULL;
    *owned = 0;
    if ((col->type == AZDO_FT_INTEGER || col->type == AZDO_FT_DOUBLE) && sqlite3_value_type(sv) == SQLITE_TEXT) {
        dup = sqlite3_value_dup(sv);
        if (!dup)
            return -1;
        sqlite3_value_numeric_type(dup);
        sv = dup;
        copy = 1; /* the duplicate is freed below */
    }
    to_val(sv, out);
    int rc = 0;
    if (out->type == AZDO_V_TEXT && copy) {
        char *c = strdup(out->s);
        if (c) {
            out->s = c;
            *owned = 1;
        } else {
            rc = -1;
        }
    }
    sqlite3_value_free(dup);
    return rc;
}

static void to_val(sqlite3_value *sv, azdo_val *out)
{
    memset(out, 0, sizeof *out);
    switch (sqlite3_value_type(sv)) {
    case SQLITE_INTEGER:
        out->type = AZDO_V_INT;
        out->i = sqlite3_value_int64(sv);
        break;
    case SQLITE_FLOAT:
        out->type = AZDO_V_REAL;
        out->r = sqlite3_value_double(sv);
        break;
    case SQLITE_TEXT:
        out->type = AZDO_V_TEXT;
        out->s = (const char *)sqlite3_value_text(sv);
        break;
    case SQLITE_BLOB:
        out->type = AZDO_V_BLOB;
        break;
    default:
        out->type = AZDO_V_NULL;
    }
}

/* During a parameter array, writes may still be in flight: a read bound to
 * ids (Id = ?, Id IN (…)) waits only for queued writes of those ids; any
 * other read waits for them all, so it sees what the earlier rows wrote. */
static void flush_for_read(struct azdo_writeq *q, const azdo_schema *s, const azdo_wterm *terms, size_t nterms)
{
    for (size_t i = 0; i < nterms; i++) {
        const azdo_wterm *w = &terms[i];
        if (!s->cols[w->col].is_id || (w->op != AZDO_OP_EQ && w->op != AZDO_OP_IN) || w->nvals == 0)
            continue;
        int64_t small[16], *ids = w->nvals <= 16 ? small : malloc(w->nvals * sizeof *ids);
        size_t n = 0;
        int exact = ids != NULL;
        for (size_t k = 0; exact && k < w->nvals; k++) {
            const azdo_val *v = &w->vals[k];
            if (v->type == AZDO_V_INT)
                ids[n++] = v->i;
            else if (v->type == AZDO_V_REAL && v->r == floor(v->r) && fabs(v->r) < 9e15)
                ids[n++] = (int64_t)v->r;
            else if (v->type != AZDO_V_NULL && v->type != AZDO_V_TEXT)
                exact = 0; /* text and NULL match no id; anything else: be safe */
        }
        if (exact)
            azdo_writeq_flush_for(q, ids, n);
        if (ids != small)
            free(ids);
        if (exact)
            return;
    }
    azdo_writeq_flush_for(q, NULL, 0);
}

static int wi_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv)
{
    wi_cursor *c = (wi_cursor *)cur;
    wi_vtab *vt = (wi_vtab *)cur->pVtab;
    const azdo_schema *s = vt->env->schema;
    azdo_plan plan;
    azdo_wterm *terms = NULL;
    azdo_val *vals = NULL;
    unsigned char *owned = NULL;
    azdo_wiql_where where = {0}, fallback = {0};
    int rc = SQLITE_NOMEM;
    size_t nvals = 0, cap = 0;

    reset_cursor(c);
    if (azdo_plan_decode(idx_str, (int)s->ncols, &plan) != 0) {
        vt->base.zErrMsg = sqlite3_mprintf("internal error: bad WorkItems plan '%s'", idx_str ? idx_str : "");
        return SQLITE_ERROR;
    }
    c->col_used = plan.col_used;
    int has_rev = 0;
    int64_t want_rev = 0;
    if (plan.rev_argv >= 1 && plan.rev_argv <= argc) {
        sqlite3_value *d = sqlite3_value_dup(argv[plan.rev_argv - 1]);
        if (d) {
            int t = sqlite3_value_numeric_type(d);
            double r = sqlite3_value_double(d);
            if (t == SQLITE_INTEGER) {
                want_rev = sqlite3_value_int64(d);
                has_rev = 1;
            } else if (t == SQLITE_FLOAT && r == floor(r) && fabs(r) < 9e15) {
                want_rev = (int64_t)r; /* Rev = 7.0 means 7, as SQLite compares */
                has_rev = 1;
            }
        }
        sqlite3_value_free(d);
        if (!has_rev) {
            /* Rev = 'x' or NULL: no revision can match */
            c->eof = 1;
            azdo_plan_clear(&plan);
            return SQLITE_OK;
        }
    }
    /* values: one per term, or the whole IN list */
    for (int i = 0; i < plan.nterms; i++) {
        const azdo_plan_term *t = &plan.terms[i];
        if (t->argv < 1 || t->argv > argc)
            continue;
        if (t->op == AZDO_OP_IN) {
            sqlite3_value *v;
            for (int r = sqlite3_vtab_in_first(argv[t->argv - 1], &v); r == SQLITE_OK && v;
                 r = sqlite3_vtab_in_next(argv[t->argv - 1], &v))
                cap++;
        } else {
            cap++;
        }
    }
    vals = calloc(cap + 1, sizeof *vals);
    owned = calloc(cap + 1, 1);
    terms = calloc((size_t)plan.nterms + 1, sizeof *terms);
    if (!vals || !owned || !terms)
        goto done;
    size_t nterms = 0;
    for (int i = 0; i < plan.nterms; i++) {
        const azdo_plan_term *t = &plan.terms[i];
        azdo_wterm *w = &terms[nterms++];
        w->col = t->col;
        w->op = t->op;
        w->exact = (s->cols[t->col].caps & AZDO_CAP_EXACT) && t->op != AZDO_OP_NE;
        w->vals = vals + nvals;
        if (t->argv < 1 || t->argv > argc)
            continue;
        if (t->op == AZDO_OP_IN) {
            sqlite3_value *v;
            for (int r = sqlite3_vtab_in_first(argv[t->argv - 1], &v); r == SQLITE_OK && v && nvals < cap;
                 r = sqlite3_vtab_in_next(argv[t->argv - 1], &v)) {
                /* an IN value may not outlive the next sqlite3_vtab_in_next: copy text */
                if (take_value(v, &s->cols[t->col], 1, &vals[nvals], &owned[nvals]) != 0)
                    goto done;
                nvals++;
                w->nvals++;
            }
        } else if (nvals < cap) {
            if (take_value(argv[t->argv - 1], &s->cols[t->col], 0, &vals[nvals], &owned[nvals]) != 0)
                goto done;
            nvals++;
            w->nvals = 1;
        }
    }
    if (has_rev) {
        /* the planner pairs Rev = n with a usable Id = m: record it for that item */
        for (size_t i = 0; i < nterms; i++) {
            const azdo_wterm *w = &terms[i];
            if (s->cols[w->col].is_id && w->op == AZDO_OP_EQ && w->nvals == 1) {
                if (w->vals[0].type == AZDO_V_INT)
                    expect_rev(vt->env, w->vals[0].i, want_rev);
                else if (w->vals[0].type == AZDO_V_REAL && w->vals[0].r == floor(w->vals[0].r))
                    expect_rev(vt->env, (int64_t)w->vals[0].r, want_rev);
            }
        }
    }
    if (vt->env->writeq)
        flush_for_read(vt->env->writeq, s, terms, nterms);
    int64_t limit = -1, offset = 0;
    if (plan.limit_argv >= 1 && plan.limit_argv <= argc) {
        azdo_val lv;
        to_val(argv[plan.limit_argv - 1], &lv);
        if (!value_as_int(&lv, &limit) || limit < 0)
            limit = -1;
    }
    if (plan.offset_argv >= 1 && plan.offset_argv <= argc) {
        azdo_val ov;
        to_val(argv[plan.offset_argv - 1], &ov);
        if (!value_as_int(&ov, &offset) || offset < 0)
            offset = 0;
    }
    int wrc = azdo_wiql_build_where(s, vt->env->project_scoped, terms, nterms, 0, &where);
    if (wrc == 0)
        wrc = azdo_wiql_build_where(s, vt->env->project_scoped, terms, nterms, 1, &fallback);
    if (wrc == -2) {
        vt->base.zErrMsg = sqlite3_mprintf("internal error: the WorkItems plan cannot be expressed in WIQL");
        rc = SQLITE_ERROR;
        goto done;
    }
    if (wrc != 0)
        goto done;
    if (where.never) {
        rc = SQLITE_OK; /* e.g. Id = 'abc': nothing can match, ask nobody */
        goto done;
    }
    if (choose_fields(c, s) != 0)
        goto done;
    /* LIMIT + OFFSET without overflow: past INT64_MAX it is no limit at all */
    int64_t want = limit < 0 ? -1 : (offset > INT64_MAX - limit ? -1 : limit + offset);
    int desc = plan.order_col >= 0 && plan.order_desc;
    int64_t *list = NULL;
    size_t nlist = 0;
    c->direct = direct_ids(s, &plan, terms, nterms, limit, offset, &list, &nlist);
    if (c->direct < 0)
        goto done;
    if (c->direct) {
        direct_fields(c, vt->env->project_scoped);
        if (prepare_cache(c, vt->env) != 0) {
            free(list);
            goto done;
        }
        c->src = azdo_idsource_new_ids(list, nlist, desc);
        free(list);
    } else {
        c->src = azdo_idsource_new(vt->env->client, &where, &fallback, desc, want);
    }
    if (!c->src)
        goto done;
    c->eof = 0;
    /* OFFSET: skip ids without reading their fields */
    while (offset > 0) {
        size_t got;
        azdo_error err;
        azdo_error_clear(&err);
        size_t want = offset > AZDO_BATCH_MAX ? AZDO_BATCH_MAX : (size_t)offset;
        if (azdo_idsource_next(c->src, c->ids, want, &got, &err) != AZDO_OK) {
            record_error(vt, &err);
            rc = SQLITE_ERROR;
            goto done;
        }
        if (got == 0)
            break;
        offset -= (int64_t)got;
    }
    rc = load_batch(c, vt);
done:
    if (rc != SQLITE_OK || where.never)
        c->eof = 1;
    azdo_wiql_where_clear(&where);
    azdo_wiql_where_clear(&fallback);
    azdo_plan_clear(&plan);
    free(terms);
    for (size_t i = 0; owned && i < nvals; i++)
        if (owned[i])
            free((char *)vals[i].s);
    free(owned);
    free(vals);
    (void)idx_num;
    return rc;
}

static int wi_next(sqlite3_vtab_cursor *cur)
{
    wi_cursor *c = (wi_cursor *)cur;
    if (c->eof)
        return SQLITE_OK;
    if (++c->pos < c->nrows)
        return SQLITE_OK;
    return load_batch(c, (wi_vtab *)cur->pVtab);
}

static int wi_eof(sqlite3_vtab_cursor *cur) { return ((wi_cursor *)cur)->eof; }

static int column_error(sqlite3_context *ctx, wi_vtab *vt, azdo_errkind kind, const char *fmt, const char *a,
                        long long id)
{
    azdo_error err;
    azdo_error_clear(&err);
    azdo_error_set(&err, kind, fmt, a, id);
    vt->env->last_error = err;
    vt->env->has_error = 1;
    sqlite3_result_error(ctx, err.message, -1);
    return SQLITE_ERROR;
}

static int wi_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    wi_cursor *c = (wi_cursor *)cur;
    wi_vtab *vt = (wi_vtab *)cur->pVtab;
    const azdo_schema *s = vt->env->schema;
    if (i < 0 || (size_t)i >= s->ncols || c->pos >= c->nrows)
        return SQLITE_OK;
    const azdo_column *col = &s->cols[i];
    int64_t id = c->row_ids[c->pos];
    if (sqlite3_vtab_nochange(ctx))
        return SQLITE_OK; /* an UPDATE leaves this column alone: xUpdate sees "no change" */
    if (col->is_id) {
        sqlite3_result_int64(ctx, id);
        return SQLITE_OK;
    }
    const cJSON *item = c->items[c->pos];
    if (!item)
        return column_error(ctx, vt, AZDO_ERR_INTERNAL,
                            "internal error: column %s of work item %lld was not fetched", col->name, id);
    if (col->is_rev) {
        const cJSON *rev = cJSON_GetObjectItemCaseSensitive(item, "rev");
        if (cJSON_IsNumber(rev) && rev->valuedouble >= 0 && rev->valuedouble < 9e15) {
            sqlite3_result_int64(ctx, (sqlite3_int64)rev->valuedouble);
            return SQLITE_OK;
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "fields"), col->refname);
    if (!v || cJSON_IsNull(v))
        return SQLITE_OK; /* empty fields are absent from the JSON */

    if (col->type == AZDO_FT_IDENTITY || (cJSON_IsObject(v) && cJSON_GetObjectItemCaseSensitive(v, "displayName"))) {
        int oom = 0;
        azdo_identity_part part = col->src == AZDO_SRC_IDENTITY_DISPLAY  ? AZDO_ID_DISPLAY
                                  : col->src == AZDO_SRC_IDENTITY_UNIQUE ? AZDO_ID_UNIQUE
                                                                         : AZDO_ID_FULL;
        char *t = azdo_identity_text(v, part, &oom);
        if (oom)
            return SQLITE_NOMEM;
        if (t)
            sqlite3_result_text(ctx, t, -1, free);
        return SQLITE_OK;
    }
    switch (v->type & 0xff) {
    case cJSON_Number: {
        double d = v->valuedouble;
        /* an integral value in range is an integer; check before casting (UB otherwise) */
        if (col->type != AZDO_FT_DOUBLE && isfinite(d) && fabs(d) < 9.2e18 && d == floor(d))
            sqlite3_result_int64(ctx, (sqlite3_int64)d);
        else
            sqlite3_result_double(ctx, d);
        return SQLITE_OK;
    }
    case cJSON_True:
        sqlite3_result_int(ctx, 1);
        return SQLITE_OK;
    case cJSON_False:
        sqlite3_result_int(ctx, 0);
        return SQLITE_OK;
    case cJSON_String:
        if (col->type == AZDO_FT_DATETIME) {
            char buf[AZDO_DATETIME_MAX];
            if (azdo_datetime_normalize(v->valuestring, buf) != 0)
                return column_error(ctx, vt, AZDO_ERR_PROTOCOL,
                                    "Malformed date in field %s of work item %lld", col->refname, id);
            sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
            return SQLITE_OK;
        }
        sqlite3_result_text(ctx, v->valuestring, -1, SQLITE_TRANSIENT);
        return SQLITE_OK;
    default: {
        /* an unexpected shape: keep the data as JSON text rather than lose it */
        char *t = cJSON_PrintUnformatted(v);
        if (!t)
            return SQLITE_NOMEM;
        sqlite3_result_text(ctx, t, -1, free);
        return SQLITE_OK;
    }
    }
}

static int wi_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    wi_cursor *c = (wi_cursor *)cur;
    *rowid = c->pos < c->nrows ? c->row_ids[c->pos] : 0;
    return SQLITE_OK;
}

/* ---- writes ------------------------------------------------------------------ */

static int write_error(wi_vtab *vt, azdo_error *err)
{
    return azdo_vtab_write_fail(vt->env, &vt->base, err, "work item");
}

static int write_fail(wi_vtab *vt, azdo_errkind kind, const char *msg)
{
    return azdo_vtab_write_fail_msg(vt->env, &vt->base, kind, msg, "work item");
}

static void note_written(azdo_vtab_env *env, int64_t id)
{
    if (env->written < 8)
        env->written_ids[env->written] = id;
    env->written++;
}

/* The value of column i in xUpdate's argv, with SQLite's numeric affinity for
 * numeric columns (as in xFilter); text points into argv or *dup. */
static void update_value(sqlite3_value *sv, const azdo_column *col, azdo_val *out, sqlite3_value **dup)
{
    *dup = NULL;
    if ((col->type == AZDO_FT_INTEGER || col->type == AZDO_FT_DOUBLE) && sqlite3_value_type(sv) == SQLITE_TEXT) {
        *dup = sqlite3_value_dup(sv);
        if (*dup) {
            sqlite3_value_numeric_type(*dup);
            sv = *dup;
        }
    }
    to_val(sv, out);
}

/* The index of the parent link in the item's relations (-1 when it has
 * none) and the revision it was read at, so the patch can test that the
 * relations have not moved in between. */
static azdo_errkind parent_relation_index(azdo_client *c, int64_t id, int *index, int64_t *rev, azdo_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "wit/workitems/%lld", (long long)id);
    cJSON *item = NULL;
    azdo_errkind rc = azdo_client_get(c, 1, path, "$expand=relations", "reading a work item's links", &item, err);
    *index = -1;
    if (rc != AZDO_OK)
        return rc;
    const cJSON *r_rev = cJSON_GetObjectItemCaseSensitive(item, "rev");
    *rev = cJSON_IsNumber(r_rev) ? (int64_t)r_rev->valuedouble : -1;
    const cJSON *rels = cJSON_GetObjectItemCaseSensitive(item, "relations");
    int i = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, rels)
    {
        const cJSON *rel = cJSON_GetObjectItemCaseSensitive(r, "rel");
        if (cJSON_IsString(rel) && strcmp(rel->valuestring, "System.LinkTypes.Hierarchy-Reverse") == 0) {
            *index = i;
            break;
        }
        i++;
    }
    cJSON_Delete(item);
    return AZDO_OK;
}

/* Checks that item `id` is still at revision `rev` (for a DELETE, which has
 * no "test" operation, and an UPDATE that changes nothing else). */
static int check_rev(wi_vtab *vt, int64_t id, int64_t rev, const char *what)
{
    azdo_error err;
    azdo_error_clear(&err);
    const char *rev_field = "System.Rev";
    cJSON *b = NULL;
    if (azdo_client_batch(vt->env->client, &id, 1, &rev_field, 1, &b, &err) != AZDO_OK)
        return write_error(vt, &err);
    const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b, "value"), 0);
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(it, "rev");
    int stale = !cJSON_IsNumber(cur) || (int64_t)cur->valuedouble != rev;
    cJSON_Delete(b);
    if (!stale)
        return SQLITE_OK;
    azdo_error_set(&err, AZDO_ERR_CONFLICT,
                   "Work item %lld is no longer at revision %lld: it changed since it was read; nothing was %s",
                   (long long)id, (long long)rev, what);
    return write_error(vt, &err);
}

/* A read of item id is about to happen: let a queued write of it land first. */
static void flush_if_queued(azdo_vtab_env *env, int64_t id)
{
    if (env->writeq)
        azdo_writeq_flush_for(env->writeq, &id, 1);
}

azdo_pool *azdo_vtab_pool(azdo_vtab_env *env)
{
    if (!env->pool && env->max_concurrency > 1)
        env->pool = azdo_pool_new(env->client, env->max_concurrency);
    return env->pool;
}

/* Sends w now, or queues it during a parameter array (writeq.h); takes w. */
static int dispatch_write(wi_vtab *vt, azdo_write *w, sqlite_int64 *rowid)
{
    azdo_vtab_env *env = vt->env;
    w->tag = env->write_tag;
    env->write_gen++; /* cursors' item caches are stale from now on */
    if (env->writeq && azdo_writeq_submit(env->writeq, w) == 0)
        return SQLITE_OK; /* its outcome reaches the driver when the array ends */
    azdo_write_run(env->client, w);
    int rc = SQLITE_OK;
    if (w->rc != AZDO_OK) {
        rc = write_error(vt, &w->err);
    } else {
        if (w->kind == AZDO_WRITE_CREATE)
            *rowid = w->new_id; /* sqlite3_last_insert_rowid() */
        note_written(env, w->kind == AZDO_WRITE_CREATE ? w->new_id : w->id);
    }
    azdo_write_free(w);
    return rc;
}

/*
 * xUpdate (argc == 1: DELETE argv[0]; argv[0] NULL: INSERT; else UPDATE of
 * row argv[0]).  Each row is one REST call, made now: Azure DevOps has no
 * transactions.  Columns an UPDATE does not set arrive as "no change"
 * (sqlite3_value_nochange) and are left out of the patch.
 *   INSERT  POST …/{TeamProject | Project}/_apis/wit/workitems/${WorkItemType | DefaultWorkItemType}
 *   UPDATE  PATCH …/workitems/{Id}, "test /rev" first under WHERE … Rev = n
 *   DELETE  DELETE …/workitems/{Id} (recycle bin; destroy with DeleteMode=Destroy)
 * ParentId becomes a parent link (replacing an existing one); History adds a
 * comment.
 */
static int wi_update(sqlite3_vtab *v, int argc, sqlite3_value **argv, sqlite_int64 *rowid)
{
    wi_vtab *vt = (wi_vtab *)v;
    azdo_vtab_env *env = vt->env;
    const azdo_schema *s = env->schema;
    azdo_error err;
    azdo_error_clear(&err);

    if (argc == 1) { /* DELETE */
        int64_t id = sqlite3_value_int64(argv[0]), want;
        int has = expected_rev_of(env, id, &want);
        if (has < 0)
            return write_fail(vt, AZDO_ERR_CONFLICT, "The statement names two different revisions for one work "
                                                     "item: nothing was deleted");
        /* DELETE has no "test" operation: check the revision first */
        if (has > 0) {
            flush_if_queued(env, id);
            if (check_rev(vt, id, want, "deleted") != SQLITE_OK)
                return SQLITE_ERROR;
        }
        azdo_write *w = calloc(1, sizeof *w);
        if (!w)
            return SQLITE_NOMEM;
        w->kind = AZDO_WRITE_DELETE;
        w->id = id;
        w->destroy = env->delete_destroy;
        return dispatch_write(vt, w, rowid);
    }

    int is_update = sqlite3_value_type(argv[0]) != SQLITE_NULL;
    int64_t id = is_update ? sqlite3_value_int64(argv[0]) : 0;
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL && (!is_update || sqlite3_value_int64(argv[1]) != id))
        return write_fail(vt, AZDO_ERR_RULE, "Id is assigned by Azure DevOps and cannot be written");
    if (argc - 2 != (int)s->ncols)
        return write_fail(vt, AZDO_ERR_INTERNAL, "internal error: xUpdate column count");

    int c_type = azdo_schema_find_ref(s, "System.WorkItemType");
    int c_project = azdo_schema_find_ref(s, "System.TeamProject");
    int c_parent = azdo_schema_find_ref(s, "System.Parent");
    const char *type = NULL, *project = NULL;
    int parent_set = 0;
    int64_t parent = 0;
    int rc = SQLITE_OK;
    char msg[AZDO_ERRMSG_MAX];
    char *patch_text = NULL;
    azdo_patch *patch = azdo_patch_new();
    if (!patch)
        return SQLITE_NOMEM;
    int64_t want_rev = 0;
    int has_rev = is_update ? expected_rev_of(env, id, &want_rev) : 0;
    if (has_rev < 0) {
        rc = write_fail(vt, AZDO_ERR_CONFLICT,
                        "The statement names two different revisions for one work item: nothing was changed");
        goto done;
    }
    if (has_rev > 0 && azdo_patch_test_rev(patch, want_rev) != 0) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < s->ncols; i++) {
        sqlite3_value *sv = argv[2 + i];
        if (is_update && sqlite3_value_nochange(sv))
            continue; /* not part of this UPDATE */
        const azdo_column *col = &s->cols[i];
        if (col->is_id) {
            /* SET Id = … on an update; an INSERT gives it through argv[1] */
            if (is_update && (sqlite3_value_type(sv) != SQLITE_INTEGER || sqlite3_value_int64(sv) != id)) {
                rc = write_fail(vt, AZDO_ERR_RULE, "Id is assigned by Azure DevOps and cannot be written");
                goto done;
            }
            if (!is_update && sqlite3_value_type(sv) != SQLITE_NULL) {
                rc = write_fail(vt, AZDO_ERR_RULE, "Id is assigned by Azure DevOps and cannot be written");
                goto done;
            }
            continue;
        }
        if (is_update && col->is_rev) {
            /* only UPDATE … FROM hands over columns the SET does not name */
            rc = write_fail(vt, AZDO_ERR_RULE,
                            "Rev cannot be set, and UPDATE … FROM is not supported on WorkItems: write the new "
                            "values as subqueries (SET Title = (SELECT …)), and WHERE Id = ? AND Rev = ? to "
                            "change an item only at a given revision");
            goto done;
        }
        azdo_val val;
        sqlite3_value *dup;
        update_value(sv, col, &val, &dup);
        int r = 0;
        if ((int)i == c_type && !is_update) {
            type = val.type == AZDO_V_TEXT ? (const char *)sqlite3_value_text(sv) : NULL;
        } else if ((int)i == c_project && !is_update) {
            project = val.type == AZDO_V_TEXT ? (const char *)sqlite3_value_text(sv) : NULL;
        } else if ((int)i == c_parent) {
            if (val.type == AZDO_V_INT && val.i > 0) {
                parent_set = 1;
                parent = val.i;
            } else if (val.type == AZDO_V_NULL) {
                parent_set = is_update; /* clear an existing link */
                parent = 0;
            } else {
                snprintf(msg, sizeof msg, "%s takes the id of the parent work item", col->name);
                r = 1;
            }
        } else if (col->is_rev && !is_update) {
            if (val.type != AZDO_V_NULL) {
                snprintf(msg, sizeof msg, "%s is assigned by Azure DevOps and cannot be written", col->name);
                r = 1;
            }
        } else if (col->src != AZDO_SRC_FIELD && !is_update) {
            if (val.type != AZDO_V_NULL)
                r = azdo_patch_field(patch, col, &val, 0, msg, sizeof msg);
        } else {
            r = azdo_patch_field(patch, col, &val, is_update, msg, sizeof msg);
        }
        sqlite3_value_free(dup);
        if (r < 0) {
            rc = SQLITE_NOMEM;
            goto done;
        }
        if (r > 0) {
            rc = write_fail(vt, AZDO_ERR_RULE, msg);
            goto done;
        }
    }
    if (parent_set) {
        if (is_update) {
            int idx;
            int64_t read_rev;
            flush_if_queued(env, id);
            if (parent_relation_index(env->client, id, &idx, &read_rev, &err) != AZDO_OK) {
                rc = write_error(vt, &err);
                goto done;
            }
            /* the link is removed by position: make sure nothing moved since it was read */
            if (idx >= 0 && has_rev == 0 && read_rev >= 0) {
                if (azdo_patch_test_rev(patch, read_rev) != 0) {
                    rc = SQLITE_NOMEM;
                    goto done;
                }
                has_rev = 1;
                want_rev = read_rev;
            }
            if (idx >= 0 && azdo_patch_remove_relation(patch, idx) != 0) {
                rc = SQLITE_NOMEM;
                goto done;
            }
        }
        if (parent > 0 && azdo_patch_add_parent(patch, env->base_url, parent) != 0) {
            rc = SQLITE_NOMEM;
            goto done;
        }
    }
    if (!is_update) {
        if (!type || !*type)
            type = env->default_type;
        if (!type || !*type) {
            rc = write_fail(vt, AZDO_ERR_RULE,
                            "WorkItemType is required for a new work item: give it in the row or set "
                            "DefaultWorkItemType");
            goto done;
        }
        if ((!project || !*project) && !*env->project) {
            rc = write_fail(vt, AZDO_ERR_RULE,
                            "TeamProject is required for a new work item when the connection has no Project");
            goto done;
        }
    } else if (azdo_patch_count(patch) == (has_rev > 0 ? 1 : 0)) {
        /* nothing changes; the revision condition still has to hold */
        if (has_rev > 0) {
            flush_if_queued(env, id);
            rc = check_rev(vt, id, want_rev, "changed");
        }
        goto done;
    }
    patch_text = azdo_patch_text(patch);
    if (!patch_text) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    azdo_write *w = calloc(1, sizeof *w);
    if (!w || (!is_update && ((project && *project && !(w->project = strdup(project))) ||
                              !(w->type = strdup(type))))) {
        azdo_write_free(w);
        rc = SQLITE_NOMEM;
        goto done;
    }
    w->kind = is_update ? AZDO_WRITE_UPDATE : AZDO_WRITE_CREATE;
    w->id = id;
    w->patch = patch_text;
    patch_text = NULL;
    w->has_rev = has_rev > 0;
    w->want_rev = want_rev;
    w->flags = env->flags;
    w->links = parent_set;
    rc = dispatch_write(vt, w, rowid);
done:
    free(patch_text);
    azdo_patch_free(patch);
    return rc;
}

static sqlite3_module wi_module = {
    .iVersion = 0,
    .xCreate = wi_connect,
    .xConnect = wi_connect,
    .xBestIndex = wi_best_index,
    .xDisconnect = wi_disconnect,
    .xDestroy = wi_disconnect,
    .xOpen = wi_open,
    .xClose = wi_close,
    .xFilter = wi_filter,
    .xNext = wi_next,
    .xEof = wi_eof,
    .xColumn = wi_column,
    .xRowid = wi_rowid,
    .xUpdate = wi_update,
};

int azdo_vtab_register(sqlite3 *db, azdo_vtab_env *env)
{
    return sqlite3_create_module(db, "azdo", &wi_module, env);
}
