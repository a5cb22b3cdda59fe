/* plan.c — see plan.h for the rules and the idxStr grammar. */
#include "plan.h"
#include "../rest/strbuf.h"

#include <stdlib.h>
#include <string.h>

unsigned azdo_plan_cap_for(azdo_op op)
{
    switch (op) {
    case AZDO_OP_EQ: return AZDO_CAP_EQ;
    case AZDO_OP_NE: return AZDO_CAP_NE;
    case AZDO_OP_LT:
    case AZDO_OP_LE:
    case AZDO_OP_GT:
    case AZDO_OP_GE: return AZDO_CAP_RANGE;
    case AZDO_OP_IN: return AZDO_CAP_IN;
    case AZDO_OP_LIKE: return AZDO_CAP_LIKE;
    case AZDO_OP_ISNULL:
    case AZDO_OP_ISNOTNULL: return AZDO_CAP_NULL;
    default: return 0;
    }
}

/* IS NULL / IS NOT NULL carry no value worth passing */
static int needs_value(azdo_op op) { return op != AZDO_OP_ISNULL && op != AZDO_OP_ISNOTNULL; }

int azdo_plan_best(const azdo_plan_request *req, azdo_plan_result *res)
{
    const azdo_schema *s = req->schema;
    strbuf b;
    strbuf_init(&b);
    int argv = 0;
    int all_exact = 1;
    int limit_i = -1, offset_i = -1;
    double cost = 1e6; /* full scan: one WIQL per 20,000 ids, one batch per 200 */
    int64_t rows = 100000;
    int id_eq = 0;

    memset(res->use, 0, (size_t)req->ncons * sizeof *res->use);
    /* Rev = n is the expected revision only next to Id = m: then it names one
     * item's revision.  Anywhere else (a subquery, State = 'x' AND Rev = 4) it
     * stays an ordinary filter, or the statement would touch rows its WHERE
     * does not select. */
    int id_eq_usable = 0;
    for (int i = 0; i < req->ncons; i++) {
        const azdo_plan_cons *c = &req->cons[i];
        if (c->usable && c->op == AZDO_OP_EQ && c->col >= 0 && (size_t)c->col < s->ncols && s->cols[c->col].is_id)
            id_eq_usable = 1;
    }
    res->order_consumed = 0;
    res->idx_str = NULL;

    for (int i = 0; i < req->ncons; i++) {
        const azdo_plan_cons *c = &req->cons[i];
        if (c->op == AZDO_OP_LIMIT) {
            if (c->usable)
                limit_i = i;
            continue;
        }
        if (c->op == AZDO_OP_OFFSET) {
            if (c->usable)
                offset_i = i;
            continue;
        }
        unsigned need = azdo_plan_cap_for(c->op);
        const azdo_column *col = c->col >= 0 && (size_t)c->col < s->ncols ? &s->cols[c->col] : NULL;
        if (req->write_intent && col && col->is_rev && c->op == AZDO_OP_EQ && c->usable && id_eq_usable) {
            /* not a filter: the revision the change expects (test /rev) */
            res->use[i].argv_index = ++argv;
            res->use[i].omit = 1;
            strbuf_printf(&b, "r%d;", argv);
            continue;
        }
        if (!c->usable || !need || !col || !(col->caps & need)) {
            all_exact = 0;
            continue;
        }
        int exact = (col->caps & AZDO_CAP_EXACT) && c->op != AZDO_OP_NE;
        int a = 0;
        if (needs_value(c->op))
            a = ++argv;
        res->use[i].argv_index = a;
        /* A term SQLite gives no argv slot to is still in idxStr, but SQLite
         * will not trust it as omitted. */
        res->use[i].omit = exact && a > 0;
        if (!res->use[i].omit)
            all_exact = 0;
        strbuf_printf(&b, "c%d,%d,%d;", c->col, (int)c->op, a);
        if (col->is_id && c->op == AZDO_OP_EQ) {
            id_eq = 1;
        } else if (col->is_id && c->op == AZDO_OP_IN) {
            cost /= 1000;
            rows = rows > 50 ? 50 : rows;
        } else if (col->is_id) {
            cost /= 4;
            rows /= 4;
        } else {
            cost /= 10;
            rows /= 10;
        }
    }
    if (id_eq) {
        cost = 2;
        rows = 1;
    }

    if (req->norder == 1) {
        int oc = req->order_col[0];
        if (oc >= 0 && (size_t)oc < s->ncols && (s->cols[oc].caps & AZDO_CAP_ORDER)) {
            res->order_consumed = 1;
            strbuf_printf(&b, "o%d,%d;", oc, req->order_desc[0] ? 1 : 0);
        }
    }

    if (all_exact && (req->norder == 0 || res->order_consumed)) {
        if (limit_i >= 0) {
            res->use[limit_i].argv_index = ++argv;
            res->use[limit_i].omit = 1;
            strbuf_printf(&b, "l%d;", argv);
            cost /= 10;
            if (rows > 1000)
                rows = 1000;
        }
        if (limit_i >= 0 && offset_i >= 0) {
            res->use[offset_i].argv_index = ++argv;
            res->use[offset_i].omit = 1;
            strbuf_printf(&b, "f%d;", argv);
        }
    }
    strbuf_printf(&b, "u%llx;", (unsigned long long)req->col_used);
    res->cost = cost < 1 ? 1 : cost;
    res->rows = rows < 1 ? 1 : rows;
    res->idx_str = strbuf_steal(&b);
    return res->idx_str ? 0 : -1;
}

static int read_int(const char **p, long long *out)
{
    char *end;
    long long v = strtoll(*p, &end, 10);
    if (end == *p)
        return -1;
    *out = v;
    *p = end;
    return 0;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

void azdo_plan_clear(azdo_plan *p)
{
    free(p->terms);
    memset(p, 0, sizeof *p);
    p->order_col = -1;
}

int azdo_plan_decode(const char *idx_str, int ncols, azdo_plan *out)
{
    memset(out, 0, sizeof *out);
    out->order_col = -1;
    out->col_used = ~(uint64_t)0;
    if (!idx_str)
        return 0;
    size_t cap = 0;
    for (const char *q = idx_str; *q; q++)
        cap += *q == 'c';
    if (cap) {
        out->terms = calloc(cap, sizeof *out->terms);
        if (!out->terms)
            return -1;
    }
    const char *p = idx_str;
    while (*p) {
        char tag = *p++;
        long long a, b, c;
        switch (tag) {
        case 'c':
            if (read_int(&p, &a) || expect(&p, ',') || read_int(&p, &b) || expect(&p, ',') || read_int(&p, &c))
                goto bad;
            if (a < 0 || a >= ncols || b < 0 || b >= AZDO_OP_OTHER || c < 0)
                goto bad;
            out->terms[out->nterms++] = (azdo_plan_term){(int)a, (azdo_op)b, (int)c};
            break;
        case 'o':
            if (read_int(&p, &a) || expect(&p, ',') || read_int(&p, &b) || a < 0 || a >= ncols)
                goto bad;
            out->order_col = (int)a;
            out->order_desc = b != 0;
            break;
        case 'l':
            if (read_int(&p, &a) || a < 1)
                goto bad;
            out->limit_argv = (int)a;
            break;
        case 'f':
            if (read_int(&p, &a) || a < 1)
                goto bad;
            out->offset_argv = (int)a;
            break;
        case 'r':
            if (read_int(&p, &a) || a < 1)
                goto bad;
            out->rev_argv = (int)a;
            break;
        case 'u': {
            char *end;
            out->col_used = strtoull(p, &end, 16);
            if (end == p)
                goto bad;
            p = end;
            break;
        }
        default:
            goto bad;
        }
        if (expect(&p, ';'))
            goto bad;
    }
    return 0;
bad:
    azdo_plan_clear(out);
    return -1;
}
