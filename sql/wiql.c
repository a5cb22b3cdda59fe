/* wiql.c — see wiql.h. */
#include "wiql.h"
#include "../rest/cnum.h"
#include "value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void azdo_wiql_literal(strbuf *b, const char *s)
{
    strbuf_append_char(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_append_char(b, '\'');
        strbuf_append_char(b, *s);
    }
    strbuf_append_char(b, '\'');
}

void azdo_wiql_where_clear(azdo_wiql_where *w)
{
    free(w->text);
    memset(w, 0, sizeof *w);
}

/* ---- Id: exact translation under SQLite's INTEGER affinity ------------- */

typedef enum { ID_FALSE, ID_TRUE, ID_VALUE } id_outcome;

/* Values arrive with SQLite's numeric affinity already applied by the
 * caller (vtab_workitems.c runs sqlite3_value_numeric_type on terms of
 * numeric columns), so text here is text that is not a number: it sorts
 * after every integer.  A REAL with an integral value is that integer. */
static azdo_val affinity_int(const azdo_val *v)
{
    azdo_val r = *v;
    if (v->type == AZDO_V_REAL && isfinite(v->r) && v->r == floor(v->r) && fabs(v->r) < 9.2e18) {
        r.type = AZDO_V_INT;
        r.i = (int64_t)v->r;
    }
    return r;
}

/* Decides `Id op v` for one value: always false, always true, or
 * `Id op2 *bound` with an integer bound. */
static id_outcome id_bound(azdo_op op, const azdo_val *raw, azdo_op *op2, int64_t *bound)
{
    azdo_val v = affinity_int(raw);
    *op2 = op == AZDO_OP_IN ? AZDO_OP_EQ : op;
    switch (v.type) {
    case AZDO_V_NULL:
        return ID_FALSE;
    case AZDO_V_TEXT:
    case AZDO_V_BLOB:
        /* integers sort before text and blobs */
        return (*op2 == AZDO_OP_LT || *op2 == AZDO_OP_LE || *op2 == AZDO_OP_NE) ? ID_TRUE : ID_FALSE;
    case AZDO_V_INT:
        *bound = v.i;
        return ID_VALUE;
    case AZDO_V_REAL:
        break;
    }
    double d = v.r;
    if (isnan(d))
        return ID_FALSE;
    if (d >= 9.2e18)
        return (*op2 == AZDO_OP_LT || *op2 == AZDO_OP_LE || *op2 == AZDO_OP_NE) ? ID_TRUE : ID_FALSE;
    if (d <= -9.2e18)
        return (*op2 == AZDO_OP_GT || *op2 == AZDO_OP_GE || *op2 == AZDO_OP_NE) ? ID_TRUE : ID_FALSE;
    double fl = floor(d), ce = ceil(d);
    int integral = fl == d;
    switch (*op2) {
    case AZDO_OP_EQ:
        if (!integral)
            return ID_FALSE;
        *bound = (int64_t)d;
        return ID_VALUE;
    case AZDO_OP_NE:
        if (!integral)
            return ID_TRUE;
        *bound = (int64_t)d;
        return ID_VALUE;
    case AZDO_OP_GT: /* id > 2.5  ⇔ id >= 3 */
        *op2 = integral ? AZDO_OP_GT : AZDO_OP_GE;
        *bound = (int64_t)(integral ? d : ce);
        return ID_VALUE;
    case AZDO_OP_GE:
        *bound = (int64_t)ce;
        return ID_VALUE;
    case AZDO_OP_LT: /* id < 2.5 ⇔ id <= 2 */
        *op2 = integral ? AZDO_OP_LT : AZDO_OP_LE;
        *bound = (int64_t)(integral ? d : fl);
        return ID_VALUE;
    case AZDO_OP_LE:
        *bound = (int64_t)fl;
        return ID_VALUE;
    default:
        return ID_FALSE;
    }
}

static const char *op_text(azdo_op op)
{
    switch (op) {
    case AZDO_OP_EQ: return "=";
    case AZDO_OP_NE: return "<>";
    case AZDO_OP_LT: return "<";
    case AZDO_OP_LE: return "<=";
    case AZDO_OP_GT: return ">";
    case AZDO_OP_GE: return ">=";
    default: return "=";
    }
}

static void field(strbuf *b, const azdo_column *c)
{
    strbuf_printf(b, "[%s]", c->refname);
}

/* Appends the condition for an Id term; returns ID_FALSE/ID_TRUE when the
 * term is constant (nothing appended). */
static id_outcome id_term(strbuf *b, const azdo_column *c, const azdo_wterm *t)
{
    if (t->op != AZDO_OP_IN) {
        if (t->nvals != 1)
            return ID_TRUE;
        azdo_op op2;
        int64_t bound;
        id_outcome o = id_bound(t->op, &t->vals[0], &op2, &bound);
        if (o == ID_VALUE) {
            field(b, c);
            strbuf_printf(b, " %s %lld", op_text(op2), (long long)bound);
        }
        return o;
    }
    /* IN: keep the values that can match */
    int any = 0;
    for (size_t i = 0; i < t->nvals; i++) {
        azdo_op op2;
        int64_t bound;
        if (id_bound(AZDO_OP_IN, &t->vals[i], &op2, &bound) != ID_VALUE)
            continue;
        if (!any) {
            field(b, c);
            strbuf_append(b, " IN (");
        }
        strbuf_printf(b, "%s%lld", any ? ", " : "", (long long)bound);
        any = 1;
    }
    if (!any)
        return ID_FALSE;
    strbuf_append_char(b, ')');
    return ID_VALUE;
}

/* ---- other columns: widened (superset) translations -------------------- */

/* Text usable as a WIQL string literal for a superset match: WIQL may trim
 * or fold white space at the ends, so such values are not pushed. */
static int pushable_text(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && !isspace((unsigned char)s[0]) && !isspace((unsigned char)s[n - 1]);
}

/* The value as text the way SQLite compares a number with a TEXT column. */
static int text_of(const azdo_val *v, char *buf, size_t n, const char **out)
{
    if (v->type == AZDO_V_TEXT) {
        *out = v->s;
        return pushable_text(v->s);
    }
    if (v->type == AZDO_V_INT) {
        snprintf(buf, n, "%lld", (long long)v->i);
        *out = buf;
        return 1;
    }
    return 0; /* REAL formatting differs subtly; NULL/BLOB never match */
}

/* A number WIQL can read: plain decimals only (no exponent), C locale. */
static int num_text(const azdo_val *v, char *buf, size_t n)
{
    if (v->type == AZDO_V_INT) {
        snprintf(buf, n, "%lld", (long long)v->i);
        return 1;
    }
    return azdo_format_number_c(v->r, buf, n) == 0;
}

/* The value as a WIQL number for this column, or 0 when it cannot be one
 * (text, NULL, a fraction on an integer field, too large to write plainly). */
static int num_of(const azdo_column *c, const azdo_val *raw, char *buf, size_t n)
{
    azdo_val v = affinity_int(raw);
    if (v.type == AZDO_V_INT)
        return num_text(&v, buf, n);
    if (v.type == AZDO_V_REAL && c->type == AZDO_FT_DOUBLE)
        return num_text(&v, buf, n);
    return 0;
}


/* The longest run of LIKE pattern text without wildcards. */
static char *longest_literal_run(const char *pat)
{
    const char *best = NULL;
    size_t best_len = 0;
    const char *p = pat;
    while (*p) {
        while (*p == '%' || *p == '_')
            p++;
        const char *start = p;
        while (*p && *p != '%' && *p != '_')
            p++;
        if ((size_t)(p - start) > best_len) {
            best = start;
            best_len = (size_t)(p - start);
        }
    }
    if (!best)
        return NULL;
    /* trim white space: CONTAINS of the trimmed run still matches */
    while (best_len && isspace((unsigned char)*best)) {
        best++;
        best_len--;
    }
    while (best_len && isspace((unsigned char)best[best_len - 1]))
        best_len--;
    if (!best_len)
        return NULL;
    char *o = malloc(best_len + 1);
    if (o) {
        memcpy(o, best, best_len);
        o[best_len] = '\0';
    }
    return o;
}

/* Returns 1 when something was appended, 0 when the term is dropped, -1 OOM. */
static int superset_term(strbuf *b, const azdo_column *c, const azdo_wterm *t, int *time_precision)
{
    char nbuf[40];
    const char *txt = NULL;
    int numeric = c->type == AZDO_FT_INTEGER || c->type == AZDO_FT_DOUBLE;

    switch (t->op) {
    case AZDO_OP_ISNULL:
    case AZDO_OP_ISNOTNULL:
        field(b, c);
        strbuf_append(b, t->op == AZDO_OP_ISNULL ? " = ''" : " <> ''");
        return 1;
    case AZDO_OP_LIKE: {
        if (t->nvals != 1 || t->vals[0].type != AZDO_V_TEXT)
            return 0;
        if (c->type == AZDO_FT_TREEPATH && c->src == AZDO_SRC_FIELD) {
            /* 'Proj\Area\Sub%' → UNDER 'Proj\Area': every match lies below that node */
            const char *pat = t->vals[0].s;
            size_t pre = strcspn(pat, "%_");
            const char *bs = NULL;
            for (size_t i = 0; i < pre; i++)
                if (pat[i] == '\\')
                    bs = pat + i;
            if (!bs || bs == pat)
                return 0;
            size_t n = (size_t)(bs - pat);
            char *node = malloc(n + 1);
            if (!node)
                return -1;
            memcpy(node, pat, n);
            node[n] = '\0';
            int ok = pushable_text(node);
            if (ok) {
                field(b, c);
                strbuf_append(b, " UNDER ");
                azdo_wiql_literal(b, node);
            }
            free(node);
            return ok;
        }
        char *run = longest_literal_run(t->vals[0].s);
        if (!run)
            return 0;
        if (c->type == AZDO_FT_IDENTITY && strpbrk(run, "<>@")) {
            /* Whether WIQL's CONTAINS on an identity sees the unique name is
             * not documented: push only text that can be part of a display
             * name, so the answer stays a superset either way. */
            free(run);
            return 0;
        }
        field(b, c);
        strbuf_append(b, " CONTAINS ");
        azdo_wiql_literal(b, run);
        free(run);
        return 1;
    }
    case AZDO_OP_IN:
        if (t->nvals == 0)
            return 0;
        for (size_t i = 0; i < t->nvals; i++)
            if (numeric ? !num_of(c, &t->vals[i], nbuf, sizeof nbuf)
                        : !text_of(&t->vals[i], nbuf, sizeof nbuf, &txt))
                return 0; /* one value WIQL cannot carry: drop the whole term */
        field(b, c);
        strbuf_append(b, " IN (");
        for (size_t i = 0; i < t->nvals; i++) {
            if (i)
                strbuf_append(b, ", ");
            if (numeric) {
                num_of(c, &t->vals[i], nbuf, sizeof nbuf);
                strbuf_append(b, nbuf);
            } else {
                text_of(&t->vals[i], nbuf, sizeof nbuf, &txt);
                azdo_wiql_literal(b, txt);
            }
        }
        strbuf_append_char(b, ')');
        return 1;
    default:
        break;
    }
    if (t->nvals != 1)
        return 0;
    const azdo_val *v = &t->vals[0];

    if (numeric) {
        if (!num_of(c, v, nbuf, sizeof nbuf))
            return 0;
        field(b, c);
        strbuf_printf(b, " %s %s", op_text(t->op), nbuf);
        return 1;
    }
    if (c->type == AZDO_FT_DATETIME) {
        /* Stored values are "YYYY-MM-DD HH:MM:SS.fff" compared as text, so a
         * match for any literal starting with a date D lies on day D, before
         * it, or after it: push whole-day UTC bounds, which only widen. */
        int y, m, d;
        if (v->type != AZDO_V_TEXT || azdo_date_prefix(v->s, &y, &m, &d))
            return 0;
        int y2 = y, m2 = m, d2 = d;
        azdo_date_next_day(&y2, &m2, &d2);
        char lo[40], hi[40];
        snprintf(lo, sizeof lo, "%04d-%02d-%02dT00:00:00Z", y, m, d);
        snprintf(hi, sizeof hi, "%04d-%02d-%02dT00:00:00Z", y2, m2, d2);
        int lower = t->op == AZDO_OP_EQ || t->op == AZDO_OP_GT || t->op == AZDO_OP_GE;
        int upper = t->op == AZDO_OP_EQ || t->op == AZDO_OP_LT || t->op == AZDO_OP_LE;
        if (!lower && !upper)
            return 0;
        if (lower) {
            field(b, c);
            strbuf_append(b, " >= ");
            azdo_wiql_literal(b, lo);
        }
        if (upper) {
            if (lower)
                strbuf_append(b, " AND ");
            field(b, c);
            strbuf_append(b, " < ");
            azdo_wiql_literal(b, hi);
        }
        *time_precision = 1;
        return 1;
    }
    /* text-like columns: only equality widens safely (WIQL ignores case) */
    if (t->op != AZDO_OP_EQ || !text_of(v, nbuf, sizeof nbuf, &txt))
        return 0;
    field(b, c);
    strbuf_append(b, " = ");
    azdo_wiql_literal(b, txt);
    return 1;
}

size_t azdo_wiql_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0) != 0x80; /* count every byte that starts a UTF-8 character */
    return n;
}

int azdo_wiql_build_where(const azdo_schema *s, int project_scoped, const azdo_wterm *terms, size_t n,
                          int exact_only, azdo_wiql_where *out)
{
    memset(out, 0, sizeof *out);
    strbuf b;
    strbuf_init(&b);
    int count = 0;
    if (project_scoped) {
        strbuf_append(&b, "[System.TeamProject] = @project");
        count++;
    }
    for (size_t i = 0; i < n && !out->never; i++) {
        const azdo_wterm *t = &terms[i];
        if (t->col < 0 || (size_t)t->col >= s->ncols)
            continue;
        const azdo_column *c = &s->cols[t->col];
        if (exact_only && !t->exact)
            continue;
        unsigned need = azdo_plan_cap_for(t->op);
        if (!need || !(c->caps & need)) {
            if (t->exact) {
                strbuf_free(&b);
                return -2; /* an exact term the column cannot carry: a planner bug */
            }
            continue;
        }
        size_t mark = b.len;
        if (count)
            strbuf_append(&b, " AND ");
        size_t before = b.len;
        int appended;
        if (c->is_id) {
            id_outcome o = id_term(&b, c, t);
            if (o == ID_FALSE && t->exact)
                out->never = 1;
            appended = o == ID_VALUE;
        } else {
            /* identity companion columns match against the identity itself */
            appended = superset_term(&b, c, t, &out->time_precision);
            if (appended < 0) {
                strbuf_free(&b);
                return -1;
            }
        }
        if (appended && b.len > before) {
            count++;
        } else {
            b.len = mark; /* drop the " AND " */
            if (b.data)
                b.data[mark] = '\0';
        }
    }
    if (!b.data)
        strbuf_append(&b, "");
    out->text = strbuf_steal(&b);
    return out->text ? 0 : -1;
}

char *azdo_wiql_query_text(const azdo_wiql_where *w, int64_t after, int64_t before, int desc)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_append(&b, "SELECT [System.Id] FROM WorkItems");
    int count = 0;
    if (w->text && *w->text) {
        strbuf_append(&b, " WHERE (");
        strbuf_append(&b, w->text);
        strbuf_append(&b, ")");
        count++;
    }
    if (after > 0) {
        strbuf_printf(&b, "%s[System.Id] > %lld", count++ ? " AND " : " WHERE ", (long long)after);
    }
    if (before > 0) {
        strbuf_printf(&b, "%s[System.Id] < %lld", count++ ? " AND " : " WHERE ", (long long)before);
    }
    strbuf_append(&b, desc ? " ORDER BY [System.Id] DESC" : " ORDER BY [System.Id] ASC");
    return strbuf_steal(&b);
}
