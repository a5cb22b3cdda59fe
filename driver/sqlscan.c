/*
 * sqlscan.c — statement kind and parameter targets from SQL text (see sqlscan.h).
 *
 * A tokenizer that knows SQLite's lexical rules well enough to never
 * mistake the inside of a string, a quoted identifier or a comment for
 * SQL, and two small scanners over its tokens.
 */
#include "sqlscan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { T_WORD, T_QIDENT, T_STRING, T_NUMBER, T_PARAM, T_NAMED_PARAM, T_PUNCT } ttype;

typedef struct tok {
    ttype t;
    size_t start, len;
} tok;

typedef struct toks {
    const char *s;
    tok *v;
    size_t n, cap;
    int oom;
} toks;

static int is_word_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Skips white space and comments (not ';'). */
size_t sqlscan_skip_blanks(const char *s, size_t n, size_t i, int semicolons)
{
    while (i < n) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || (semicolons && c == ';')) {
            i++;
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            i += 2;
            while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            i = i + 1 < n ? i + 2 : n;
        } else {
            break;
        }
    }
    return i;
}

/* End of a quoted run starting at s[i] == q (closing quote doubled = literal); n when unclosed. */
static size_t skip_quoted(const char *s, size_t n, size_t i, char close)
{
    i++;
    while (i < n) {
        if (s[i] == close) {
            if (close != ']' && i + 1 < n && s[i + 1] == close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return n;
}

static void push(toks *ts, ttype t, size_t start, size_t end)
{
    if (ts->oom)
        return;
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 32;
        tok *v = realloc(ts->v, cap * sizeof *v);
        if (!v) {
            ts->oom = 1;
            return;
        }
        ts->v = v;
        ts->cap = cap;
    }
    ts->v[ts->n].t = t;
    ts->v[ts->n].start = start;
    ts->v[ts->n].len = end - start;
    ts->n++;
}

/* Tokens of the first statement (up to a ';' outside quotes). */
static void tokenize(const char *s, size_t n, toks *ts)
{
    memset(ts, 0, sizeof *ts);
    ts->s = s;
    size_t i = 0;
    long plain = 0; /* '?' markers so far */
    /* leading ';' are empty statements */
    for (;;) {
        i = sqlscan_skip_blanks(s, n, i, 0);
        if (i < n && s[i] == ';')
            i++;
        else
            break;
    }
    while ((i = sqlscan_skip_blanks(s, n, i, 0)) < n) {
        unsigned char c = (unsigned char)s[i];
        size_t st = i;
        if (c == ';')
            break;
        if ((c == 'x' || c == 'X') && i + 1 < n && s[i + 1] == '\'') {
            i = skip_quoted(s, n, i + 1, '\'');
            push(ts, T_STRING, st, i);
        } else if (is_word_start(c)) {
            while (i < n && is_word_char((unsigned char)s[i]))
                i++;
            push(ts, T_WORD, st, i);
        } else if (c == '\'') {
            i = skip_quoted(s, n, i, '\'');
            push(ts, T_STRING, st, i);
        } else if (c == '"' || c == '`' || c == '[') {
            i = skip_quoted(s, n, i, c == '[' ? ']' : (char)c);
            push(ts, T_QIDENT, st, i);
        } else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1]))) {
            while (i < n) {
                unsigned char d = (unsigned char)s[i];
                if ((d == 'e' || d == 'E') && i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-'))
                    i += 2;
                else if (is_word_char(d) || d == '.')
                    i++;
                else
                    break;
            }
            push(ts, T_NUMBER, st, i);
        } else if (c == '?') {
            /* ?N numbered in order (the escape rewriter writes them, sqlesc.h) is a plain '?' */
            long num = 0;
            for (i++; i < n && is_digit((unsigned char)s[i]); i++)
                if (num < 1000000)
                    num = num * 10 + (s[i] - '0');
            plain++;
            push(ts, i - st == 1 || num == plain ? T_PARAM : T_NAMED_PARAM, st, i);
        } else if ((c == ':' || c == '@' || c == '$') && i + 1 < n && is_word_char((unsigned char)s[i + 1])) {
            i++;
            while (i < n && (is_word_char((unsigned char)s[i]) || s[i] == ':'))
                i++;
            push(ts, T_NAMED_PARAM, st, i);
        } else {
            i++;
            push(ts, T_PUNCT, st, i);
        }
    }
}

static int is_kw(const toks *ts, size_t k, const char *kw)
{
    if (k >= ts->n || ts->v[k].t != T_WORD)
        return 0;
    size_t l = strlen(kw);
    return ts->v[k].len == l && strncasecmp(ts->s + ts->v[k].start, kw, l) == 0;
}

static int is_punct(const toks *ts, size_t k, char c)
{
    return k < ts->n && ts->v[k].t == T_PUNCT && ts->s[ts->v[k].start] == c;
}

static int is_name(const toks *ts, size_t k)
{
    return k < ts->n && (ts->v[k].t == T_WORD || ts->v[k].t == T_QIDENT);
}

/* Index after the parenthesized group opening at k (k is '('); ts->n when unbalanced. */
static size_t skip_parens(const toks *ts, size_t k)
{
    int depth = 0;
    for (; k < ts->n; k++) {
        if (is_punct(ts, k, '('))
            depth++;
        else if (is_punct(ts, k, ')') && --depth == 0)
            return k + 1;
    }
    return ts->n;
}

/* Index of the main keyword: after WITH … when the statement starts with WITH. */
static size_t main_keyword(const toks *ts)
{
    size_t k = 0;
    if (!is_kw(ts, 0, "WITH"))
        return 0;
    k = 1;
    if (is_kw(ts, k, "RECURSIVE"))
        k++;
    for (;;) {
        if (!is_name(ts, k))
            return ts->n;
        k++;
        if (is_punct(ts, k, '('))
            k = skip_parens(ts, k);
        if (!is_kw(ts, k, "AS"))
            return ts->n;
        k++;
        if (is_kw(ts, k, "NOT"))
            k++;
        if (is_kw(ts, k, "MATERIALIZED"))
            k++;
        if (!is_punct(ts, k, '('))
            return ts->n;
        k = skip_parens(ts, k);
        if (!is_punct(ts, k, ','))
            return k;
        k++;
    }
}

static sqlscan_kind kind_at(const toks *ts, size_t k)
{
    if (ts->n == 0)
        return SQLK_EMPTY;
    if (is_kw(ts, k, "SELECT"))
        return SQLK_SELECT;
    if (is_kw(ts, k, "VALUES"))
        return SQLK_VALUES;
    if (is_kw(ts, k, "INSERT"))
        return SQLK_INSERT;
    if (is_kw(ts, k, "REPLACE"))
        return SQLK_REPLACE;
    if (is_kw(ts, k, "UPDATE"))
        return SQLK_UPDATE;
    if (is_kw(ts, k, "DELETE"))
        return SQLK_DELETE;
    return SQLK_OTHER;
}

sqlscan_kind sqlscan_kind_of(const char *sql, size_t n)
{
    toks ts;
    if (!sql)
        return SQLK_EMPTY;
    tokenize(sql, n, &ts);
    sqlscan_kind k;
    if (ts.oom)
        k = SQLK_OTHER;
    else
        k = kind_at(&ts, main_keyword(&ts));
    free(ts.v);
    return k;
}

int sqlscan_is_update_or_delete(const char *sql, size_t n)
{
    sqlscan_kind k = sqlscan_kind_of(sql, n);
    return k == SQLK_UPDATE || k == SQLK_DELETE;
}

/* ---- parameter targets -------------------------------------------------------- */

/* malloc'd unquoted name of token k. */
static char *name_of(const toks *ts, size_t k)
{
    const char *p = ts->s + ts->v[k].start;
    size_t len = ts->v[k].len;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    if (ts->v[k].t == T_WORD) {
        memcpy(out, p, len);
        out[len] = '\0';
        return out;
    }
    char open = p[0], close = open == '[' ? ']' : open;
    size_t j = 0;
    for (size_t i = 1; i < len; i++) {
        if (p[i] == close) {
            if (close != ']' && i + 1 < len && p[i + 1] == close) {
                out[j++] = close;
                i++;
                continue;
            }
            break;
        }
        out[j++] = p[i];
    }
    out[j] = '\0';
    return out;
}

/* Reads [schema.]table at *k into out; advances *k.  0 ok, -1 no name, -2 oom. */
static int read_table(const toks *ts, size_t *k, sqlscan_targets *out)
{
    if (!is_name(ts, *k))
        return -1;
    if (is_punct(ts, *k + 1, '.') && is_name(ts, *k + 2)) {
        out->schema = name_of(ts, *k);
        out->table = name_of(ts, *k + 2);
        *k += 3;
        return out->schema && out->table ? 0 : -2;
    }
    out->table = name_of(ts, *k);
    *k += 1;
    return out->table ? 0 : -2;
}

/* Is the token sequence ending just before k a comparison/assignment operator?
 * Returns the index of its first token, or (size_t)-1. */
static size_t op_before(const toks *ts, size_t k)
{
    if (k == 0)
        return (size_t)-1;
    size_t p = k - 1;
    if (ts->v[p].t == T_PUNCT) {
        char c = ts->s[ts->v[p].start];
        if (c == '=') {
            /* '=', '==', '<=', '>=', '!=' */
            if (p > 0 && ts->v[p - 1].t == T_PUNCT && ts->v[p - 1].start + 1 == ts->v[p].start) {
                char b = ts->s[ts->v[p - 1].start];
                if (b == '=' || b == '<' || b == '>' || b == '!')
                    return p - 1;
            }
            return p;
        }
        if (c == '>') {
            /* '>' or '<>' */
            if (p > 0 && ts->v[p - 1].t == T_PUNCT && ts->v[p - 1].start + 1 == ts->v[p].start &&
                ts->s[ts->v[p - 1].start] == '<')
                return p - 1;
            return p;
        }
        if (c == '<')
            return p;
        return (size_t)-1;
    }
    if (is_kw(ts, p, "LIKE") || is_kw(ts, p, "GLOB"))
        return p;
    if (is_kw(ts, p, "IS"))
        return p;
    if (is_kw(ts, p, "NOT") && p > 0 && is_kw(ts, p - 1, "IS"))
        return p - 1;
    return (size_t)-1;
}

static const char *const not_columns[] = {
    "AND", "OR", "NOT", "WHERE", "SET", "ON", "WHEN", "THEN", "ELSE", "CASE", "END", "SELECT", "BY",
    "HAVING", "LIMIT", "OFFSET", "VALUES", "NULL", "DISTINCT", "ALL", "IN", "EXISTS", NULL,
};

/* A column reference (word or quoted, possibly qualified) ending just before k: its last token, or -1. */
static size_t column_before(const toks *ts, size_t k)
{
    if (k == 0 || !is_name(ts, k - 1))
        return (size_t)-1;
    size_t c = k - 1;
    for (int i = 0; not_columns[i]; i++)
        if (ts->v[c].t == T_WORD && is_kw(ts, c, not_columns[i]))
            return (size_t)-1;
    return c;
}

void sqlscan_targets_free(sqlscan_targets *t)
{
    if (!t)
        return;
    for (int i = 0; t->targets && i < t->nparams; i++)
        free(t->targets[i].column);
    free(t->targets);
    free(t->schema);
    free(t->table);
    memset(t, 0, sizeof *t);
}

int sqlscan_param_targets(const char *sql, size_t n, sqlscan_targets *out)
{
    memset(out, 0, sizeof *out);
    if (!sql)
        return 0;
    toks ts;
    tokenize(sql, n, &ts);
    if (ts.oom)
        goto nomem;

    /* markers: plain '?' only */
    int np = 0;
    for (size_t k = 0; k < ts.n; k++) {
        if (ts.v[k].t == T_NAMED_PARAM) {
            out->kind = kind_at(&ts, main_keyword(&ts));
            free(ts.v);
            return 0;
        }
        if (ts.v[k].t == T_PARAM)
            np++;
    }
    size_t mk = main_keyword(&ts);
    out->kind = kind_at(&ts, mk);
    out->nparams = np;
    if (np == 0) {
        free(ts.v);
        return 0;
    }
    out->targets = calloc((size_t)np, sizeof *out->targets);
    if (!out->targets)
        goto nomem;

    /* the statement's table */
    size_t k = mk + 1;
    int rt = -1;
    size_t cols_open = 0, values_at = 0;
    switch (out->kind) {
    case SQLK_INSERT:
    case SQLK_REPLACE:
        if (is_kw(&ts, k, "OR"))
            k += 2;
        if (!is_kw(&ts, k, "INTO"))
            break;
        k++;
        rt = read_table(&ts, &k, out);
        if (rt != 0)
            break;
        if (is_kw(&ts, k, "AS") && is_name(&ts, k + 1))
            k += 2;
        if (is_punct(&ts, k, '(')) {
            cols_open = k;
            k = skip_parens(&ts, k);
        }
        if (is_kw(&ts, k, "VALUES"))
            values_at = k;
        break;
    case SQLK_UPDATE:
        if (is_kw(&ts, k, "OR"))
            k += 2;
        rt = read_table(&ts, &k, out);
        break;
    case SQLK_DELETE:
        if (is_kw(&ts, k, "FROM")) {
            k++;
            rt = read_table(&ts, &k, out);
        }
        break;
    case SQLK_SELECT:
        for (; k < ts.n; k++) {
            if (is_punct(&ts, k, '(')) {
                k = skip_parens(&ts, k) - 1;
                continue;
            }
            if (is_kw(&ts, k, "FROM")) {
                k++;
                if (!is_punct(&ts, k, '('))
                    rt = read_table(&ts, &k, out);
                break;
            }
        }
        break;
    default:
        break;
    }
    if (rt == -2)
        goto nomem;

    /* parameter ordinal of each '?' token */
    int pi = 0;
    for (size_t t = 0; t < ts.n; t++) {
        if (ts.v[t].t != T_PARAM)
            continue;
        sqlscan_target *tg = &out->targets[pi++];

        /* INSERT … VALUES (…): an element that is exactly '?' */
        if (values_at && t > values_at) {
            /* find the element position: walk back to the tuple's '(' at depth 0 */
            int depth = 0;
            int elem = 0;
            size_t j = t;
            int alone = (is_punct(&ts, t - 1, '(') || is_punct(&ts, t - 1, ',')) &&
                        (is_punct(&ts, t + 1, ')') || is_punct(&ts, t + 1, ','));
            int found = 0;
            while (j-- > values_at) {
                if (is_punct(&ts, j, ')'))
                    depth++;
                else if (is_punct(&ts, j, '(')) {
                    if (depth == 0) {
                        /* the tuple must follow VALUES or a ',' between tuples */
                        found = is_kw(&ts, j - 1, "VALUES") || is_punct(&ts, j - 1, ',');
                        break;
                    }
                    depth--;
                } else if (is_punct(&ts, j, ',') && depth == 0) {
                    elem++;
                }
            }
            if (found && alone) {
                if (cols_open) {
                    /* the elem-th name in the column list */
                    int ci = 0;
                    size_t end = skip_parens(&ts, cols_open) - 1;
                    for (size_t c = cols_open + 1; c < end; c++) {
                        if (is_punct(&ts, c, ',')) {
                            ci++;
                            continue;
                        }
                        if (ci == elem && is_name(&ts, c) &&
                            (is_punct(&ts, c + 1, ',') || c + 1 == end)) {
                            tg->column = name_of(&ts, c);
                            if (!tg->column)
                                goto nomem;
                            break;
                        }
                    }
                } else {
                    tg->ordinal = elem + 1;
                }
                continue;
            }
        }

        /* column <op> ? */
        size_t op = op_before(&ts, t);
        if (op == (size_t)-1 || !out->table)
            continue;
        size_t c = column_before(&ts, op);
        if (c == (size_t)-1)
            continue;
        tg->column = name_of(&ts, c);
        if (!tg->column)
            goto nomem;
    }
    free(ts.v);
    return 0;

nomem:
    free(ts.v);
    sqlscan_targets_free(out);
    return -1;
}
