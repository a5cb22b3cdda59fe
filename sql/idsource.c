/* idsource.c — see idsource.h for how the paging works. */
#include "idsource.h"

#include <stdlib.h>
#include <string.h>

struct azdo_idsource {
    azdo_client *client;
    azdo_wiql_where where; /* own copy */
    azdo_wiql_where fallback; /* own copy; text NULL = none */
    int desc;
    int64_t remaining;     /* ids still wanted, < 0 = unlimited */
    int64_t cursor;        /* last id handed out: next page is beyond it */
    int windowed;          /* VS402337 seen: use Id windows */
    int done;              /* no more pages */
    int64_t *page;         /* current page */
    size_t page_len, page_pos;
    int requests;
};

int azdo_is_size_limit_error(const azdo_error *err)
{
    return err->kind == AZDO_ERR_QUERY &&
           (strcmp(err->type_key, "WorkItemTrackingQueryResultSizeLimitExceededException") == 0 ||
            strstr(err->message, "VS402337") != NULL);
}

static int copy_where(azdo_wiql_where *dst, const azdo_wiql_where *src)
{
    dst->text = strdup(src->text ? src->text : "");
    dst->time_precision = src->time_precision;
    return dst->text ? 0 : -1;
}

azdo_idsource *azdo_idsource_new(azdo_client *c, const azdo_wiql_where *where, const azdo_wiql_where *fallback,
                                 int desc, int64_t limit)
{
    azdo_idsource *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->client = c;
    s->desc = desc;
    s->remaining = limit;
    if (copy_where(&s->where, where) != 0 ||
        (fallback && strcmp(fallback->text, where->text) != 0 && copy_where(&s->fallback, fallback) != 0)) {
        azdo_idsource_free(s);
        return NULL;
    }
    if (limit == 0)
        s->done = 1;
    return s;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

azdo_idsource *azdo_idsource_new_ids(const int64_t *ids, size_t n, int desc)
{
    azdo_idsource *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->page = malloc((n ? n : 1) * sizeof *s->page);
    if (!s->page) {
        free(s);
        return NULL;
    }
    memcpy(s->page, ids, n * sizeof *ids);
    qsort(s->page, n, sizeof *s->page, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || s->page[k - 1] != s->page[i])
            s->page[k++] = s->page[i];
    if (desc)
        for (size_t i = 0; i < k / 2; i++) {
            int64_t t = s->page[i];
            s->page[i] = s->page[k - 1 - i];
            s->page[k - 1 - i] = t;
        }
    s->page_len = k;
    s->desc = desc;
    s->remaining = -1;
    s->done = 1; /* no WIQL pages: this list is all */
    return s;
}

void azdo_idsource_free(azdo_idsource *s)
{
    if (!s)
        return;
    azdo_wiql_where_clear(&s->where);
    azdo_wiql_where_clear(&s->fallback);
    free(s->page);
    free(s);
}

int azdo_idsource_requests(const azdo_idsource *s) { return s->requests; }

/* Replaces the conditions with the exact-only fallback; 0 when there is none. */
static int use_fallback(azdo_idsource *s)
{
    if (!s->fallback.text)
        return 0;
    azdo_wiql_where_clear(&s->where);
    s->where = s->fallback;
    memset(&s->fallback, 0, sizeof s->fallback);
    return 1;
}

static int is_unknown_tree_path(const azdo_error *err)
{
    return err->kind == AZDO_ERR_QUERY && strstr(err->message, "TF51011") != NULL;
}

static azdo_errkind run(azdo_idsource *s, int64_t after, int64_t before, int desc, long top, int64_t **ids,
                        size_t *n, azdo_error *err)
{
    for (;;) {
        char *q = azdo_wiql_query_text(&s->where, after, before, desc);
        if (!q)
            return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory");
        size_t len = azdo_wiql_chars(q);
        if (len > AZDO_WIQL_MAX_CHARS) {
            free(q);
            if (use_fallback(s))
                continue;
            return azdo_error_set(err, AZDO_ERR_QUERY,
                                  "The WIQL for this query would be %zu characters, over Azure DevOps' limit of "
                                  "%d: use fewer values in the Id IN list",
                                  len, AZDO_WIQL_MAX_CHARS);
        }
        s->requests++;
        azdo_errkind rc = azdo_client_wiql(s->client, q, top, s->where.time_precision, ids, n, err);
        free(q);
        if (rc != AZDO_OK && is_unknown_tree_path(err) && use_fallback(s)) {
            azdo_error_clear(err);
            continue; /* SQL matches nothing for such a path; SQLite's re-check does the same */
        }
        return rc;
    }
}

static void set_page(azdo_idsource *s, int64_t *ids, size_t n)
{
    free(s->page);
    s->page = ids;
    s->page_len = n;
    s->page_pos = 0;
}

/* Windowed mode, ascending: all remaining ids above s->cursor, page by page. */
static azdo_errkind next_window_asc(azdo_idsource *s, azdo_error *err)
{
    int64_t *ids;
    size_t n;
    /* the open-ended rest first: it ends the scan in one request when it fits */
    azdo_errkind rc = run(s, s->cursor, 0, 0, 0, &ids, &n, err);
    if (rc == AZDO_OK) {
        set_page(s, ids, n);
        s->done = 1;
        return AZDO_OK;
    }
    if (!azdo_is_size_limit_error(err))
        return rc;
    /* (cursor, cursor + 20000] cannot hold more than 20,000 ids */
    int64_t hi = s->cursor + AZDO_WIQL_MAX + 1;
    rc = run(s, s->cursor, hi, 0, 0, &ids, &n, err);
    if (rc != AZDO_OK)
        return rc;
    set_page(s, ids, n);
    if (n == 0)
        s->cursor = hi - 1; /* an empty window: move on */
    return AZDO_OK;
}

/* Collects every id (windowed, ascending) and keeps them reversed. */
static azdo_errkind collect_all_desc(azdo_idsource *s, azdo_error *err)
{
    int64_t *all = NULL;
    size_t len = 0, cap = 0;
    int64_t served_below = s->cursor; /* ids already served are all above this */
    s->cursor = 0;
    s->done = 0;
    while (!s->done) {
        azdo_errkind rc = next_window_asc(s, err);
        if (rc != AZDO_OK) {
            free(all);
            return rc;
        }
        if (len + s->page_len > cap) {
            size_t nc = (len + s->page_len) * 2 + 16;
            int64_t *p = realloc(all, nc * sizeof *p);
            if (!p) {
                free(all);
                return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory collecting work item ids");
            }
            all = p;
            cap = nc;
        }
        for (size_t i = 0; i < s->page_len; i++)
            if (served_below <= 0 || s->page[i] < served_below)
                all[len++] = s->page[i];
        if (s->page_len)
            s->cursor = s->page[s->page_len - 1];
    }
    for (size_t i = 0; i < len / 2; i++) {
        int64_t t = all[i];
        all[i] = all[len - 1 - i];
        all[len - 1 - i] = t;
    }
    set_page(s, all, len);
    s->done = 1;
    return AZDO_OK;
}

static azdo_errkind fill_page(azdo_idsource *s, azdo_error *err)
{
    if (s->windowed)
        return s->desc ? collect_all_desc(s, err) : next_window_asc(s, err);
    long top = AZDO_WIQL_MAX;
    if (s->remaining >= 0 && s->remaining < top)
        top = (long)s->remaining;
    int64_t *ids;
    size_t n;
    azdo_errkind rc = s->desc ? run(s, 0, s->cursor, 1, top, &ids, &n, err)
                              : run(s, s->cursor, 0, 0, top, &ids, &n, err);
    if (rc != AZDO_OK) {
        if (!azdo_is_size_limit_error(err))
            return rc;
        /* this service applies the cap before $top: switch to Id windows */
        s->windowed = 1;
        azdo_error_clear(err);
        return fill_page(s, err);
    }
    set_page(s, ids, n);
    if (n < (size_t)top)
        s->done = 1;
    return AZDO_OK;
}

azdo_errkind azdo_idsource_next(azdo_idsource *s, int64_t *out, size_t max, size_t *got, azdo_error *err)
{
    *got = 0;
    while (*got < max && s->remaining != 0) {
        if (s->page_pos == s->page_len) {
            if (s->done)
                break;
            azdo_errkind rc = fill_page(s, err);
            if (rc != AZDO_OK)
                return rc;
            if (s->page_len == 0 && !s->done)
                continue; /* an empty window; the next one may hold ids */
            if (s->page_len == 0)
                break;
        }
        int64_t id = s->page[s->page_pos++];
        /* a page must continue the order; anything else would repeat or skip rows */
        if (s->cursor > 0 && (s->desc ? id >= s->cursor : id <= s->cursor) && !(s->windowed && s->desc)) {
            return azdo_error_set(err, AZDO_ERR_PROTOCOL,
                                  "The WIQL answer is not in Id order (id %lld after %lld); refusing to "
                                  "return a result that could repeat or miss rows",
                                  (long long)id, (long long)s->cursor);
        }
        s->cursor = id;
        out[(*got)++] = id;
        if (s->remaining > 0)
            s->remaining--;
    }
    return AZDO_OK;
}
