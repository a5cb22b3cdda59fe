/*
 * sqlesc.c — ODBC escape sequences to SQLite SQL (see sqlesc.h).
 *
 * HOW IT WORKS.  copy_sql() copies SQL text to the output, skipping over
 * comments, string literals and quoted identifiers whole (so a brace inside
 * them is never an escape), counting parentheses, and numbering `?` markers
 * as SQLite will.  At a '{' (or "--(*vendor(…),product(…)") it calls
 * parse_escape(), which reads the keyword and writes the translation;
 * {fn} and {oj} call copy_sql() again for their contents, so escapes nest.
 *
 * A {fn} translation is a template over the arguments ($1 … $4, each
 * written in parentheses).  Some templates use an argument twice (RIGHT,
 * LOCATE with a start, TIMESTAMPADD by months…) or not at all (RAND's
 * seed).  That is harmless for columns and literals, but a plain `?` in
 * such an argument would add or lose a parameter.  The first pass notices
 * it and the rewrite runs again with every plain `?` written as `?N`.
 */
#include "sqlesc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlext.h>

#include "sqlscan.h"

#define MAX_ARGS 4
#define MAX_DEPTH 64 /* nested escapes and parentheses in an argument */

/* ---- output buffer -------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
    int oom;
} buf;

static void b_put(buf *b, const char *s, size_t n)
{
    if (b->oom || (n == 0 && b->p))
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void b_puts(buf *b, const char *s)
{
    b_put(b, s, strlen(s));
}

/* s as an SQL string literal ('' doubles a quote). */
static void b_put_literal(buf *b, const char *s)
{
    b_put(b, "'", 1);
    for (const char *p = s ? s : ""; *p; p++) {
        b_put(b, p, 1);
        if (*p == '\'')
            b_put(b, "'", 1);
    }
    b_put(b, "'", 1);
}

static void b_free(buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- the rewriter's state ----------------------------------------------------- */

typedef struct esc {
    const char *s;
    size_t n, i;
    const sqlesc_env *env;
    int number_markers; /* second pass: write plain '?' as ?N */
    int renumber;       /* first pass found a repeated or dropped marker */
    int next_param;     /* the number SQLite gives the next plain '?' */
    int plain_markers;  /* plain '?' seen so far */
    int named_markers;  /* :x @x $x seen */
    int depth;
    int failed;
    char state[6];
    char msg[320];
} esc;

static int fail(esc *e, const char *state, const char *fmt, ...)
{
    if (!e->failed) {
        e->failed = 1;
        snprintf(e->state, sizeof e->state, "%s", state);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int is_word_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int at(const esc *e, size_t i, char c)
{
    return i < e->n && e->s[i] == c;
}

/* Case-insensitive: does the text at i start with lit? */
static int starts(const esc *e, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    return i + l <= e->n && strncasecmp(e->s + i, lit, l) == 0;
}

/* End of the quoted run opening at s[i] (a doubled closing quote is literal); n when unclosed. */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
    char close = s[i] == '[' ? ']' : s[i];
    for (i++; i < n; i++) {
        if (s[i] != close)
            continue;
        if (close != ']' && i + 1 < n && s[i + 1] == close) {
            i++;
            continue;
        }
        return i + 1;
    }
    return n;
}


/* Reads a word at e->i into w (truncated to cap-1); its length, 0 when there is none. */
static size_t read_word(esc *e, char *w, size_t cap)
{
    size_t st = e->i;
    if (st >= e->n || !is_word_start((unsigned char)e->s[st]))
        return 0;
    while (e->i < e->n && is_word_char((unsigned char)e->s[e->i]))
        e->i++;
    size_t len = e->i - st;
    size_t k = len < cap - 1 ? len : cap - 1;
    memcpy(w, e->s + st, k);
    w[k] = '\0';
    return len;
}

/* "--(*vendor(Microsoft),product(ODBC)" at i: the index after it, else 0. */
static size_t vendor_open(const esc *e, size_t i)
{
    if (!starts(e, i, "--(*vendor("))
        return 0;
    const char *p = memchr(e->s + i, ')', e->n - i);
    if (!p)
        return 0;
    size_t j = (size_t)(p - e->s) + 1;
    if (!starts(e, j, ",product("))
        return 0;
    p = memchr(e->s + j, ')', e->n - j);
    return p ? (size_t)(p - e->s) + 1 : 0;
}

/* The end of the white space run or the comment at i. */
static size_t comment_end(const esc *e, size_t i)
{
    if (e->s[i] == '-') {
        const char *nl = memchr(e->s + i, '\n', e->n - i);
        return nl ? (size_t)(nl - e->s) + 1 : e->n;
    }
    if (e->s[i] == '/') {
        for (i += 2; i + 1 < e->n; i++)
            if (e->s[i] == '*' && e->s[i + 1] == '/')
                return i + 2;
        return e->n;
    }
    while (i < e->n && isspace((unsigned char)e->s[i]))
        i++;
    return i;
}

/* Skips white space and comments, but not the long escape form that looks like one. */
static void skip_blanks(esc *e)
{
    while (e->i < e->n && !vendor_open(e, e->i)) {
        unsigned char c = (unsigned char)e->s[e->i];
        if (!isspace(c) && !(c == '-' && at(e, e->i + 1, '-')) && !(c == '/' && at(e, e->i + 1, '*')))
            break;
        e->i = comment_end(e, e->i);
    }
}

/* ---- copying SQL ---------------------------------------------------------------- */

enum {
    STOP_EOF = 0,
    STOP_BRACE = 1,  /* at '}' */
    STOP_VENDOR = 2, /* at "*)--" */
    STOP_ARG = 4,    /* at ',' or ')' outside parentheses */
    STOP_IN = 8      /* at the word IN outside parentheses (POSITION) */
};

static int parse_escape(esc *e, buf *out, int vendor);

/* A `?`, `?NNN`, `:name`, `@name` or `$name` marker at e->i. */
static void copy_marker(esc *e, buf *out)
{
    size_t st = e->i++;
    if (e->s[st] != '?') {
        while (e->i < e->n && (is_word_char((unsigned char)e->s[e->i]) || e->s[e->i] == ':'))
            e->i++;
        e->named_markers++;
        b_put(out, e->s + st, e->i - st);
        return;
    }
    long num = 0;
    for (; e->i < e->n && isdigit((unsigned char)e->s[e->i]); e->i++)
        if (num < 100000000)
            num = num * 10 + (e->s[e->i] - '0');
    if (e->i > st + 1) { /* ?NNN: SQLite's next plain '?' comes after it */
        if (num >= e->next_param)
            e->next_param = (int)num + 1;
        b_put(out, e->s + st, e->i - st);
        return;
    }
    e->plain_markers++;
    if (e->number_markers) {
        char tmp[24];
        snprintf(tmp, sizeof tmp, "?%d", e->next_param);
        b_puts(out, tmp);
    } else {
        b_put(out, "?", 1);
    }
    e->next_param++;
}

/* Copies SQL from e->i to out until a stop (see STOP_*) or the end. */
static int copy_sql(esc *e, buf *out, int stop)
{
    int depth = 0;
    if (++e->depth > MAX_DEPTH)
        return fail(e, "42000", "Syntax error: escape sequences nested too deeply");
    while (e->i < e->n && !e->failed) {
        const char *s = e->s;
        size_t i = e->i;
        unsigned char c = (unsigned char)s[i];
        size_t v = vendor_open(e, i);
        if (v) {
            e->i = v;
            if (parse_escape(e, out, 1) < 0)
                break;
            continue;
        }
        if ((stop & STOP_VENDOR) && starts(e, i, "*)--"))
            break;
        if (isspace(c) || (c == '-' && at(e, i + 1, '-')) || (c == '/' && at(e, i + 1, '*'))) {
            /* one blank or comment at a time: the long escape form looks like a comment */
            e->i = comment_end(e, i);
            b_put(out, s + i, e->i - i);
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            e->i = skip_quoted(s, e->n, i);
            b_put(out, s + i, e->i - i);
        } else if (is_word_start(c)) {
            while (e->i < e->n && is_word_char((unsigned char)s[e->i]))
                e->i++;
            if ((stop & STOP_IN) && depth == 0 && e->i - i == 2 && strncasecmp(s + i, "IN", 2) == 0) {
                e->i = i;
                break;
            }
            b_put(out, s + i, e->i - i);
        } else if (isdigit(c)) {
            while (e->i < e->n && (is_word_char((unsigned char)s[e->i]) || s[e->i] == '.'))
                e->i++;
            b_put(out, s + i, e->i - i);
        } else if (c == '?' || ((c == ':' || c == '@' || c == '$') && e->i + 1 < e->n &&
                                is_word_char((unsigned char)s[i + 1]))) {
            copy_marker(e, out);
        } else if (c == '{') {
            e->i++;
            if (parse_escape(e, out, 0) < 0)
                break;
        } else if (c == '}' && (stop & STOP_BRACE)) {
            break;
        } else if ((c == ',' || c == ')') && depth == 0 && (stop & STOP_ARG)) {
            break;
        } else {
            if (c == '(')
                depth++;
            else if (c == ')' && depth > 0)
                depth--;
            e->i++;
            b_put(out, s + i, 1);
        }
    }
    e->depth--;
    return e->failed ? -1 : 0;
}

/* ---- date, time and timestamp literals -------------------------------------- */

static int digits(const char *p, int n, int *v)
{
    *v = 0;
    for (int k = 0; k < n; k++) {
        if (!isdigit((unsigned char)p[k]))
            return -1;
        *v = *v * 10 + (p[k] - '0');
    }
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* "yyyy-mm-dd" at p (exactly 10 characters used): 0 when valid. */
static int parse_date(const char *p, size_t len, char out[11])
{
    int y, m, d;
    if (len < 10 || p[4] != '-' || p[7] != '-' || digits(p, 4, &y) || digits(p + 5, 2, &m) ||
        digits(p + 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    memcpy(out, p, 10);
    out[10] = '\0';
    return 0;
}

/* "hh:mm:ss[.f…]" filling all of p[0..len): 0 when valid; out gets "hh:mm:ss" and,
 * when there is a fraction (or always3), ".fff" with at least three digits and no
 * trailing zeros beyond them — the form sql/value.c gives DateTime values. */
static int parse_time(const char *p, size_t len, int always3, char out[32])
{
    int h, mi, s;
    if (len < 8 || p[2] != ':' || p[5] != ':' || digits(p, 2, &h) || digits(p + 3, 2, &mi) ||
        digits(p + 6, 2, &s) || h > 23 || mi > 59 || s > 59)
        return -1;
    memcpy(out, p, 8);
    out[8] = '\0';
    if (len == 8 && !always3)
        return 0;
    char frac[10] = "000";
    size_t nf = 0;
    if (len > 8) {
        if (p[8] != '.' || len == 9 || len - 9 > 9)
            return -1;
        for (size_t k = 9; k < len; k++) {
            if (!isdigit((unsigned char)p[k]))
                return -1;
            frac[nf++] = p[k];
        }
    }
    size_t keep = nf > 3 ? nf : 3;
    while (keep > 3 && frac[keep - 1] == '0')
        keep--;
    frac[keep] = '\0';
    snprintf(out + 8, 24, ".%s", frac);
    return 0;
}

/* The body of a '…' literal at e->i (no doubled quotes allowed: dates never have them). */
static int read_literal(esc *e, const char *what, const char **body, size_t *len)
{
    skip_blanks(e);
    if (!at(e, e->i, '\''))
        return fail(e, "42000", "Syntax error: {%s …} needs a quoted literal, e.g. %s", what,
                    strcmp(what, "d") == 0    ? "{d '2024-03-05'}"
                    : strcmp(what, "t") == 0  ? "{t '13:45:00'}"
                    : strcmp(what, "ts") == 0 ? "{ts '2024-03-05 13:45:00'}"
                    : strcmp(what, "guid") == 0 ? "{guid '6f9619ff-8b86-d011-b42d-00c04fc964ff'}"
                                                 : "{escape '\\'}");
    size_t end = skip_quoted(e->s, e->n, e->i);
    if (end == e->n && (end - e->i < 2 || e->s[e->n - 1] != '\''))
        return fail(e, "42000", "Syntax error: unterminated string literal in {%s …}", what);
    *body = e->s + e->i + 1;
    *len = end - e->i - 2;
    e->i = end;
    return 0;
}

static int datetime_literal(esc *e, buf *out, const char *kw)
{
    const char *p;
    size_t len;
    if (read_literal(e, kw, &p, &len) < 0)
        return -1;
    char d[11], t[32], lit[48];
    int bad;
    if (strcmp(kw, "d") == 0) {
        bad = len != 10 || parse_date(p, len, d);
        if (!bad)
            snprintf(lit, sizeof lit, "%s", d);
    } else if (strcmp(kw, "t") == 0) {
        bad = parse_time(p, len, 0, t);
        if (!bad)
            snprintf(lit, sizeof lit, "%s", t);
    } else {
        /* the driver's DateTime text: "yyyy-mm-dd hh:mm:ss.fff" */
        bad = len < 19 || (p[10] != ' ' && p[10] != 'T') || parse_date(p, 10, d) ||
              parse_time(p + 11, len - 11, 1, t);
        if (!bad)
            snprintf(lit, sizeof lit, "%s %s", d, t);
    }
    if (bad)
        return fail(e, "22007", "Invalid datetime format: {%s '%.*s'} must be %s", kw, (int)(len > 40 ? 40 : len),
                    p,
                    strcmp(kw, "d") == 0   ? "{d 'yyyy-mm-dd'}"
                    : strcmp(kw, "t") == 0 ? "{t 'hh:mm:ss'}"
                                           : "{ts 'yyyy-mm-dd hh:mm:ss[.fff]'}");
    b_put_literal(out, lit);
    return 0;
}

static int guid_literal(esc *e, buf *out)
{
    const char *p;
    size_t len;
    if (read_literal(e, "guid", &p, &len) < 0)
        return -1;
    int ok = len == 36;
    for (size_t k = 0; ok && k < len; k++)
        ok = (k == 8 || k == 13 || k == 18 || k == 23) ? p[k] == '-' : isxdigit((unsigned char)p[k]) != 0;
    if (!ok)
        return fail(e, "42000", "Syntax error: invalid GUID literal: {guid '%.*s'} must be "
                                "{guid 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'}",
                    (int)(len > 40 ? 40 : len), p);
    b_put(out, "'", 1);
    b_put(out, p, len);
    b_put(out, "'", 1);
    return 0;
}

/* ---- scalar functions --------------------------------------------------------- */

typedef enum { A_LIST, A_EXTRACT, A_POSITION, A_INTERVAL, A_CONVERT } argform;

typedef struct fnargs {
    int n;
    buf v[MAX_ARGS];
    int markers[MAX_ARGS]; /* plain '?' in each */
    char word[32];         /* EXTRACT's field, TIMESTAMPADD's interval, CONVERT's type */
    char tmp[1024];        /* a template built for this call */
} fnargs;

typedef const char *(*chooser)(esc *e, fnargs *a);

typedef struct fndef {
    const char *name;
    sqlesc_mask cat;
    unsigned long bit;
    signed char min, max;
    unsigned caps;
    argform form;
    const char *tmpl; /* $1…$4 the arguments, $D the database, $U the user */
    chooser choose;   /* instead of tmpl */
} fndef;

#define CAST_INT(fmt, x) "CAST(strftime('" fmt "', " x ") AS INTEGER)"

/* TIMESTAMPDIFF by months: whole months from $2 to $3, counted like MySQL
 * (a month is complete when the day and time of day are reached). */
#define TSD_MDIFF "((" CAST_INT("%Y", "$3") " - " CAST_INT("%Y", "$2") ") * 12 + " CAST_INT("%m", "$3") \
                  " - " CAST_INT("%m", "$2") ")"
#define TSD_REST(x) "strftime('%d %H:%M:%f', " x ")"
#define TSD_MONTHS "(" TSD_MDIFF " - CASE WHEN " TSD_MDIFF " > 0 AND " TSD_REST("$3") " < " TSD_REST("$2") \
                   " THEN 1 WHEN " TSD_MDIFF " < 0 AND " TSD_REST("$3") " > " TSD_REST("$2")             \
                   " THEN -1 ELSE 0 END)"
#define TSD_MS "CAST(round((julianday($3) - julianday($2)) * 86400000.0) AS INTEGER)"

/* TIMESTAMPADD by M months (M a template over $2): the same day of the target
 * month, or its last day when that is shorter (Jan 31 + 1 month = Feb 28/29). */
#define TSA_MONTHS(M)                                                                                    \
    "strftime('%Y-%m-%d %H:%M:%f', $3, 'start of month', " M " || ' months', (min(" CAST_INT("%d", "$3")  \
    ", CAST(strftime('%d', $3, 'start of month', " M " || ' months', '+1 month', '-1 day') AS INTEGER)) " \
    "- 1) || ' days', '+' || strftime('%H:%M:%f', $3))"
#define TSA_UNIT(unit) "strftime('%Y-%m-%d %H:%M:%f', $3, CAST($2 AS INTEGER) || ' " unit "')"

#define TS_FORMAT "'%Y-%m-%d %H:%M:%f'"

/* The SQL_TSI_* intervals TIMESTAMPADD / TIMESTAMPDIFF accept (not FRAC_SECOND:
 * SQLite keeps milliseconds, the interval counts billionths). */
static const struct tsi {
    const char *name;
    unsigned long bit;
    const char *add, *diff;
} tsis[] = {
    {"SECOND", SQL_FN_TSI_SECOND, TSA_UNIT("seconds"), "(" TSD_MS " / 1000)"},
    {"MINUTE", SQL_FN_TSI_MINUTE, TSA_UNIT("minutes"), "(" TSD_MS " / 60000)"},
    {"HOUR", SQL_FN_TSI_HOUR, TSA_UNIT("hours"), "(" TSD_MS " / 3600000)"},
    {"DAY", SQL_FN_TSI_DAY, TSA_UNIT("days"), "(" TSD_MS " / 86400000)"},
    {"WEEK", SQL_FN_TSI_WEEK, "strftime('%Y-%m-%d %H:%M:%f', $3, (CAST($2 AS INTEGER) * 7) || ' days')",
     "(" TSD_MS " / 604800000)"},
    {"MONTH", SQL_FN_TSI_MONTH, TSA_MONTHS("CAST($2 AS INTEGER)"), TSD_MONTHS},
    {"QUARTER", SQL_FN_TSI_QUARTER, TSA_MONTHS("(CAST($2 AS INTEGER) * 3)"), "(" TSD_MONTHS " / 3)"},
    {"YEAR", SQL_FN_TSI_YEAR, TSA_MONTHS("(CAST($2 AS INTEGER) * 12)"), "(" TSD_MONTHS " / 12)"},
};

static const struct tsi *find_tsi(const char *w)
{
    if (strncasecmp(w, "SQL_TSI_", 8) == 0)
        w += 8;
    for (size_t k = 0; k < sizeof tsis / sizeof tsis[0]; k++)
        if (strcasecmp(w, tsis[k].name) == 0)
            return &tsis[k];
    return NULL;
}

static const char *choose_tsadd(esc *e, fnargs *a)
{
    const struct tsi *t = find_tsi(a->word);
    if (!t)
        fail(e, "42000", "Syntax error: {fn TIMESTAMPADD(%s, …)}: the interval must be SQL_TSI_SECOND, "
                         "_MINUTE, _HOUR, _DAY, _WEEK, _MONTH, _QUARTER or _YEAR", a->word);
    return t ? t->add : NULL;
}

static const char *choose_tsdiff(esc *e, fnargs *a)
{
    const struct tsi *t = find_tsi(a->word);
    if (!t)
        fail(e, "42000", "Syntax error: {fn TIMESTAMPDIFF(%s, …)}: the interval must be SQL_TSI_SECOND, "
                         "_MINUTE, _HOUR, _DAY, _WEEK, _MONTH, _QUARTER or _YEAR", a->word);
    return t ? t->diff : NULL;
}

static const char *choose_extract(esc *e, fnargs *a)
{
    static const struct {
        const char *field, *tmpl;
    } f[] = {
        {"YEAR", CAST_INT("%Y", "$1")},   {"MONTH", CAST_INT("%m", "$1")},  {"DAY", CAST_INT("%d", "$1")},
        {"HOUR", CAST_INT("%H", "$1")},   {"MINUTE", CAST_INT("%M", "$1")}, {"SECOND", CAST_INT("%S", "$1")},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        if (strcasecmp(a->word, f[k].field) == 0)
            return f[k].tmpl;
    fail(e, "42000", "Syntax error: {fn EXTRACT(%s FROM …)}: the field must be YEAR, MONTH, DAY, HOUR, "
                     "MINUTE or SECOND", a->word);
    return NULL;
}

static const char *choose_convert(esc *e, fnargs *a)
{
    static const struct {
        const char *type, *tmpl;
    } t[] = {
        {"BIGINT", "CAST($1 AS INTEGER)"},     {"INTEGER", "CAST($1 AS INTEGER)"},
        {"SMALLINT", "CAST($1 AS INTEGER)"},   {"TINYINT", "CAST($1 AS INTEGER)"},
        {"BIT", "(CAST($1 AS INTEGER) <> 0)"}, {"CHAR", "CAST($1 AS TEXT)"},
        {"VARCHAR", "CAST($1 AS TEXT)"},       {"LONGVARCHAR", "CAST($1 AS TEXT)"},
        {"WCHAR", "CAST($1 AS TEXT)"},         {"WVARCHAR", "CAST($1 AS TEXT)"},
        {"WLONGVARCHAR", "CAST($1 AS TEXT)"},  {"GUID", "CAST($1 AS TEXT)"},
        {"DOUBLE", "CAST($1 AS REAL)"},        {"FLOAT", "CAST($1 AS REAL)"},
        {"REAL", "CAST($1 AS REAL)"},          {"DECIMAL", "CAST($1 AS NUMERIC)"},
        {"NUMERIC", "CAST($1 AS NUMERIC)"},    {"BINARY", "CAST($1 AS BLOB)"},
        {"VARBINARY", "CAST($1 AS BLOB)"},     {"LONGVARBINARY", "CAST($1 AS BLOB)"},
        {"DATE", "date($1)"},                  {"TYPE_DATE", "date($1)"},
        {"TIME", "time($1)"},                  {"TYPE_TIME", "time($1)"},
        {"TIMESTAMP", "strftime(" TS_FORMAT ", $1)"},
        {"TYPE_TIMESTAMP", "strftime(" TS_FORMAT ", $1)"},
    };
    const char *w = a->word;
    if (strncasecmp(w, "SQL_", 4) == 0)
        w += 4;
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (strcasecmp(w, t[k].type) == 0)
            return t[k].tmpl;
    fail(e, "42000", "Syntax error: {fn CONVERT(…, %s)}: not a type CONVERT knows (SQL_INTEGER, SQL_VARCHAR, "
                     "SQL_DOUBLE, SQL_TYPE_TIMESTAMP, … — docs/sql.md lists them)", a->word);
    return NULL;
}

/* "-12" / "3": 1 and *v when the argument is an integer literal. */
static int int_literal(const buf *b, long *v)
{
    const char *p = b->p;
    while (*p == ' ')
        p++;
    int neg = *p == '-';
    if (neg || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return 0;
    long x = 0;
    for (; isdigit((unsigned char)*p); p++) {
        if (x > 100000)
            return 0;
        x = x * 10 + (*p - '0');
    }
    while (*p == ' ')
        p++;
    if (*p)
        return 0;
    *v = neg ? -x : x;
    return 1;
}

/* ROUND(x, n): SQLite's round() ignores a negative n, ODBC rounds left of the point. */
static const char *choose_round(esc *e, fnargs *a)
{
    long n;
    if (int_literal(&a->v[1], &n)) {
        if (n >= 0)
            return "round($1, $2)";
        if (n < -18)
            return "(0 * $1)";
        char p10[24] = "1";
        for (long k = 0; k < -n; k++)
            strcat(p10, "0");
        snprintf(a->tmp, sizeof a->tmp, "(round($1 / %s.0) * %s)", p10, p10);
        return a->tmp;
    }
    if (e->env->caps & SQLESC_CAP_MATH)
        return "CASE WHEN $2 >= 0 THEN round($1, $2) ELSE round($1 / pow(10, -$2)) * pow(10, -$2) END";
    return "round($1, $2)";
}

static const fndef fns[] = {
    /* string */
    {"ASCII", SQLESC_MASK_STRING, SQL_FN_STR_ASCII, 1, 1, 0, A_LIST, "unicode($1)", NULL},
    {"BIT_LENGTH", SQLESC_MASK_STRING, SQL_FN_STR_BIT_LENGTH, 1, 1, 0, A_LIST, "(8 * length(CAST($1 AS BLOB)))", NULL},
    {"CHAR", SQLESC_MASK_STRING, SQL_FN_STR_CHAR, 1, 1, 0, A_LIST, "char($1)", NULL},
    {"CHAR_LENGTH", SQLESC_MASK_STRING, SQL_FN_STR_CHAR_LENGTH, 1, 1, 0, A_LIST, "length($1)", NULL},
    {"CHARACTER_LENGTH", SQLESC_MASK_STRING, SQL_FN_STR_CHARACTER_LENGTH, 1, 1, 0, A_LIST, "length($1)", NULL},
    {"CONCAT", SQLESC_MASK_STRING, SQL_FN_STR_CONCAT, 2, 2, 0, A_LIST, "($1 || $2)", NULL},
    {"INSERT", SQLESC_MASK_STRING, SQL_FN_STR_INSERT, 4, 4, 0, A_LIST,
     "(substr($1, 1, $2 - 1) || $4 || substr($1, $2 + $3))", NULL},
    {"LCASE", SQLESC_MASK_STRING, SQL_FN_STR_LCASE, 1, 1, 0, A_LIST, "lower($1)", NULL},
    {"LEFT", SQLESC_MASK_STRING, SQL_FN_STR_LEFT, 2, 2, 0, A_LIST, "substr($1, 1, $2)", NULL},
    /* ODBC's LENGTH leaves out trailing blanks; CHAR_LENGTH counts them */
    {"LENGTH", SQLESC_MASK_STRING, SQL_FN_STR_LENGTH, 1, 1, 0, A_LIST, "length(rtrim($1))", NULL},
    {"LOCATE", SQLESC_MASK_STRING, SQL_FN_STR_LOCATE, 2, 2, 0, A_LIST, "instr($2, $1)", NULL},
    {"LOCATE", SQLESC_MASK_STRING, SQL_FN_STR_LOCATE_2, 3, 3, 0, A_LIST,
     "CASE WHEN instr(substr($2, $3), $1) > 0 THEN instr(substr($2, $3), $1) + $3 - 1 "
     "ELSE instr(substr($2, $3), $1) END", NULL},
    {"LTRIM", SQLESC_MASK_STRING, SQL_FN_STR_LTRIM, 1, 1, 0, A_LIST, "ltrim($1)", NULL},
    {"OCTET_LENGTH", SQLESC_MASK_STRING, SQL_FN_STR_OCTET_LENGTH, 1, 1, 0, A_LIST, "length(CAST($1 AS BLOB))", NULL},
    {"POSITION", SQLESC_MASK_STRING, SQL_FN_STR_POSITION, 2, 2, 0, A_POSITION, "instr($2, $1)", NULL},
    {"REPEAT", SQLESC_MASK_STRING, SQL_FN_STR_REPEAT, 2, 2, 0, A_LIST,
     "replace(hex(zeroblob(max($2, 0))), '00', $1)", NULL},
    {"REPLACE", SQLESC_MASK_STRING, SQL_FN_STR_REPLACE, 3, 3, 0, A_LIST, "replace($1, $2, $3)", NULL},
    {"RIGHT", SQLESC_MASK_STRING, SQL_FN_STR_RIGHT, 2, 2, 0, A_LIST, "substr($1, -$2, $2)", NULL},
    {"RTRIM", SQLESC_MASK_STRING, SQL_FN_STR_RTRIM, 1, 1, 0, A_LIST, "rtrim($1)", NULL},
    {"SOUNDEX", SQLESC_MASK_STRING, SQL_FN_STR_SOUNDEX, 1, 1, SQLESC_CAP_SOUNDEX, A_LIST, "soundex($1)", NULL},
    {"SPACE", SQLESC_MASK_STRING, SQL_FN_STR_SPACE, 1, 1, 0, A_LIST, "printf('%*s', max($1, 0), '')", NULL},
    {"SUBSTRING", SQLESC_MASK_STRING, SQL_FN_STR_SUBSTRING, 2, 3, 0, A_LIST, NULL, NULL},
    {"UCASE", SQLESC_MASK_STRING, SQL_FN_STR_UCASE, 1, 1, 0, A_LIST, "upper($1)", NULL},
    /* not ODBC {fn} names, but common and harmless */
    {"LOWER", SQLESC_MASK_STRING, 0, 1, 1, 0, A_LIST, "lower($1)", NULL},
    {"UPPER", SQLESC_MASK_STRING, 0, 1, 1, 0, A_LIST, "upper($1)", NULL},

    /* numeric */
    {"ABS", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ABS, 1, 1, 0, A_LIST, "abs($1)", NULL},
    {"ACOS", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ACOS, 1, 1, SQLESC_CAP_MATH, A_LIST, "acos($1)", NULL},
    {"ASIN", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ASIN, 1, 1, SQLESC_CAP_MATH, A_LIST, "asin($1)", NULL},
    {"ATAN", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ATAN, 1, 1, SQLESC_CAP_MATH, A_LIST, "atan($1)", NULL},
    {"ATAN2", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ATAN2, 2, 2, SQLESC_CAP_MATH, A_LIST, "atan2($1, $2)", NULL},
    {"CEILING", SQLESC_MASK_NUMERIC, SQL_FN_NUM_CEILING, 1, 1, SQLESC_CAP_MATH, A_LIST, "ceiling($1)", NULL},
    {"COS", SQLESC_MASK_NUMERIC, SQL_FN_NUM_COS, 1, 1, SQLESC_CAP_MATH, A_LIST, "cos($1)", NULL},
    {"COT", SQLESC_MASK_NUMERIC, SQL_FN_NUM_COT, 1, 1, SQLESC_CAP_MATH, A_LIST, "(1.0 / tan($1))", NULL},
    {"DEGREES", SQLESC_MASK_NUMERIC, SQL_FN_NUM_DEGREES, 1, 1, SQLESC_CAP_MATH, A_LIST, "degrees($1)", NULL},
    {"EXP", SQLESC_MASK_NUMERIC, SQL_FN_NUM_EXP, 1, 1, SQLESC_CAP_MATH, A_LIST, "exp($1)", NULL},
    {"FLOOR", SQLESC_MASK_NUMERIC, SQL_FN_NUM_FLOOR, 1, 1, SQLESC_CAP_MATH, A_LIST, "floor($1)", NULL},
    /* ODBC's LOG is the natural logarithm; SQLite's log() is base 10 */
    {"LOG", SQLESC_MASK_NUMERIC, SQL_FN_NUM_LOG, 1, 1, SQLESC_CAP_MATH, A_LIST, "ln($1)", NULL},
    {"LOG10", SQLESC_MASK_NUMERIC, SQL_FN_NUM_LOG10, 1, 1, SQLESC_CAP_MATH, A_LIST, "log10($1)", NULL},
    {"MOD", SQLESC_MASK_NUMERIC, SQL_FN_NUM_MOD, 2, 2, 0, A_LIST, "($1 % $2)", NULL},
    {"PI", SQLESC_MASK_NUMERIC, SQL_FN_NUM_PI, 0, 0, SQLESC_CAP_MATH, A_LIST, "pi()", NULL},
    {"POWER", SQLESC_MASK_NUMERIC, SQL_FN_NUM_POWER, 2, 2, SQLESC_CAP_MATH, A_LIST, "pow($1, $2)", NULL},
    {"RADIANS", SQLESC_MASK_NUMERIC, SQL_FN_NUM_RADIANS, 1, 1, SQLESC_CAP_MATH, A_LIST, "radians($1)", NULL},
    /* in [0, 1); SQLite's generator cannot be seeded, so a seed is ignored */
    {"RAND", SQLESC_MASK_NUMERIC, SQL_FN_NUM_RAND, 0, 1, 0, A_LIST,
     "((random() & 9223372036854775807) / 9223372036854775808.0)", NULL},
    {"ROUND", SQLESC_MASK_NUMERIC, SQL_FN_NUM_ROUND, 2, 2, 0, A_LIST, NULL, choose_round},
    {"SIGN", SQLESC_MASK_NUMERIC, SQL_FN_NUM_SIGN, 1, 1, 0, A_LIST, "sign($1)", NULL},
    {"SIN", SQLESC_MASK_NUMERIC, SQL_FN_NUM_SIN, 1, 1, SQLESC_CAP_MATH, A_LIST, "sin($1)", NULL},
    {"SQRT", SQLESC_MASK_NUMERIC, SQL_FN_NUM_SQRT, 1, 1, SQLESC_CAP_MATH, A_LIST, "sqrt($1)", NULL},
    {"TAN", SQLESC_MASK_NUMERIC, SQL_FN_NUM_TAN, 1, 1, SQLESC_CAP_MATH, A_LIST, "tan($1)", NULL},
    /* scaled, rounded to 8 places first so 0.29 * 100 = 28.999… still truncates to 29 */
    {"TRUNCATE", SQLESC_MASK_NUMERIC, SQL_FN_NUM_TRUNCATE, 2, 2, SQLESC_CAP_MATH, A_LIST,
     "(trunc(round($1 * pow(10, $2), 8)) / pow(10, $2))", NULL},

    /* time and date: UTC, like the DateTime columns */
    {"CURDATE", SQLESC_MASK_TIMEDATE, SQL_FN_TD_CURDATE, 0, 0, 0, A_LIST, "date('now')", NULL},
    {"CURRENT_DATE", SQLESC_MASK_TIMEDATE, SQL_FN_TD_CURRENT_DATE, 0, 0, 0, A_LIST, "date('now')", NULL},
    {"CURRENT_TIME", SQLESC_MASK_TIMEDATE, SQL_FN_TD_CURRENT_TIME, 0, 1, 0, A_LIST, "time('now')", NULL},
    {"CURRENT_TIMESTAMP", SQLESC_MASK_TIMEDATE, SQL_FN_TD_CURRENT_TIMESTAMP, 0, 1, 0, A_LIST,
     "strftime(" TS_FORMAT ", 'now')", NULL},
    {"CURTIME", SQLESC_MASK_TIMEDATE, SQL_FN_TD_CURTIME, 0, 0, 0, A_LIST, "time('now')", NULL},
    {"DAYNAME", SQLESC_MASK_TIMEDATE, SQL_FN_TD_DAYNAME, 1, 1, 0, A_LIST,
     "CASE " CAST_INT("%w", "$1") " WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' "
     "WHEN 3 THEN 'Wednesday' WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' WHEN 6 THEN 'Saturday' END", NULL},
    {"DAYOFMONTH", SQLESC_MASK_TIMEDATE, SQL_FN_TD_DAYOFMONTH, 1, 1, 0, A_LIST, CAST_INT("%d", "$1"), NULL},
    {"DAYOFWEEK", SQLESC_MASK_TIMEDATE, SQL_FN_TD_DAYOFWEEK, 1, 1, 0, A_LIST, "(" CAST_INT("%w", "$1") " + 1)", NULL},
    {"DAYOFYEAR", SQLESC_MASK_TIMEDATE, SQL_FN_TD_DAYOFYEAR, 1, 1, 0, A_LIST, CAST_INT("%j", "$1"), NULL},
    {"EXTRACT", SQLESC_MASK_TIMEDATE, SQL_FN_TD_EXTRACT, 1, 1, 0, A_EXTRACT, NULL, choose_extract},
    {"HOUR", SQLESC_MASK_TIMEDATE, SQL_FN_TD_HOUR, 1, 1, 0, A_LIST, CAST_INT("%H", "$1"), NULL},
    {"MINUTE", SQLESC_MASK_TIMEDATE, SQL_FN_TD_MINUTE, 1, 1, 0, A_LIST, CAST_INT("%M", "$1"), NULL},
    {"MONTH", SQLESC_MASK_TIMEDATE, SQL_FN_TD_MONTH, 1, 1, 0, A_LIST, CAST_INT("%m", "$1"), NULL},
    {"MONTHNAME", SQLESC_MASK_TIMEDATE, SQL_FN_TD_MONTHNAME, 1, 1, 0, A_LIST,
     "CASE " CAST_INT("%m", "$1") " WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March' "
     "WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July' WHEN 8 THEN 'August' "
     "WHEN 9 THEN 'September' WHEN 10 THEN 'October' WHEN 11 THEN 'November' WHEN 12 THEN 'December' END", NULL},
    {"NOW", SQLESC_MASK_TIMEDATE, SQL_FN_TD_NOW, 0, 0, 0, A_LIST, "strftime(" TS_FORMAT ", 'now')", NULL},
    {"QUARTER", SQLESC_MASK_TIMEDATE, SQL_FN_TD_QUARTER, 1, 1, 0, A_LIST, "((" CAST_INT("%m", "$1") " + 2) / 3)", NULL},
    {"SECOND", SQLESC_MASK_TIMEDATE, SQL_FN_TD_SECOND, 1, 1, 0, A_LIST, CAST_INT("%S", "$1"), NULL},
    {"TIMESTAMPADD", SQLESC_MASK_TIMEDATE, SQL_FN_TD_TIMESTAMPADD, 3, 3, 0, A_INTERVAL, NULL, choose_tsadd},
    {"TIMESTAMPDIFF", SQLESC_MASK_TIMEDATE, SQL_FN_TD_TIMESTAMPDIFF, 3, 3, 0, A_INTERVAL, NULL, choose_tsdiff},
    /* week of the year, 1-53: week 1 holds January 1st, weeks start on Sunday */
    {"WEEK", SQLESC_MASK_TIMEDATE, SQL_FN_TD_WEEK, 1, 1, 0, A_LIST,
     "((" CAST_INT("%j", "$1") " + CAST(strftime('%w', $1, 'start of year') AS INTEGER) - 1) / 7 + 1)", NULL},
    {"YEAR", SQLESC_MASK_TIMEDATE, SQL_FN_TD_YEAR, 1, 1, 0, A_LIST, CAST_INT("%Y", "$1"), NULL},

    /* system */
    {"DATABASE", SQLESC_MASK_SYSTEM, SQL_FN_SYS_DBNAME, 0, 0, 0, A_LIST, "$D", NULL},
    {"IFNULL", SQLESC_MASK_SYSTEM, SQL_FN_SYS_IFNULL, 2, 2, 0, A_LIST, "ifnull($1, $2)", NULL},
    {"USER", SQLESC_MASK_SYSTEM, SQL_FN_SYS_USERNAME, 0, 0, 0, A_LIST, "$U", NULL},

    /* conversion */
    {"CONVERT", SQLESC_MASK_CONVERT, SQL_FN_CVT_CONVERT, 1, 1, 0, A_CONVERT, NULL, choose_convert},
};

#define NFNS (sizeof fns / sizeof fns[0])

static const char *substring_tmpl(int nargs)
{
    return nargs == 2 ? "substr($1, $2)" : "substr($1, $2, $3)";
}

/* Writes the template with the arguments; notes markers that would be repeated or dropped. */
static void expand(esc *e, buf *out, const char *t, fnargs *a)
{
    int uses[MAX_ARGS] = {0};
    for (const char *p = t; *p; p++)
        if (p[0] == '$' && p[1] >= '1' && p[1] <= '0' + MAX_ARGS)
            uses[p[1] - '1']++;
    for (int k = 0; k < a->n; k++)
        if (a->markers[k] > 0 && uses[k] != 1 && !e->number_markers)
            e->renumber = 1;
    /* plain ? are numbered in the order they appear in the output: a
     * template that uses its marked arguments in another order than they
     * were written (LOCATE, TIMESTAMPADD, …) would bind them swapped */
    int last = -1;
    for (const char *p = t; *p && !e->number_markers; p++) {
        if (p[0] != '$' || p[1] < '1' || p[1] > '0' + MAX_ARGS || p[1] - '1' >= a->n)
            continue;
        int k = p[1] - '1';
        if (a->markers[k] > 0) {
            if (k < last)
                e->renumber = 1;
            last = k;
        }
    }
    for (const char *p = t; *p; p++) {
        if (p[0] == '$' && p[1] >= '1' && p[1] <= '0' + MAX_ARGS && p[1] - '1' < a->n) {
            b_put(out, "(", 1);
            b_put(out, a->v[p[1] - '1'].p, a->v[p[1] - '1'].n);
            b_put(out, ")", 1);
            p++;
        } else if (p[0] == '$' && p[1] == 'D') {
            b_put_literal(out, e->env->database);
            p++;
        } else if (p[0] == '$' && p[1] == 'U') {
            b_put_literal(out, e->env->user);
            p++;
        } else {
            b_put(out, p, 1);
        }
    }
}

/* One argument up to ',' or ')' (or IN): into a->v[a->n]. */
static int read_arg(esc *e, fnargs *a, const char *fn, int stop)
{
    if (a->n == MAX_ARGS)
        return fail(e, "42000", "Syntax error: too many arguments to {fn %s}", fn);
    buf *b = &a->v[a->n];
    int before = e->plain_markers;
    skip_blanks(e); /* leading blanks and comments go; trailing ones stay (a -- comment needs its newline) */
    if (copy_sql(e, b, stop) < 0)
        return -1;
    if (b->oom)
        return fail(e, "HY001", "Memory allocation error");
    a->markers[a->n] = e->plain_markers - before;
    /* trim, and refuse an empty argument */
    size_t st = sqlscan_skip_blanks(b->p ? b->p : "", b->n, 0, 0);
    if (st == b->n)
        return fail(e, "42000", "Syntax error: an argument of {fn %s(…)} is empty", fn);
    a->n++;
    return 0;
}

/* "FROM" / "IN" style keyword expected at e->i. */
static int expect_word(esc *e, const char *kw, const char *fn)
{
    char w[16];
    skip_blanks(e);
    size_t st = e->i;
    if (!read_word(e, w, sizeof w) || strcasecmp(w, kw) != 0) {
        e->i = st;
        return fail(e, "42000", "Syntax error: {fn %s(…)} expects %s here", fn, kw);
    }
    return 0;
}

/* A keyword argument (interval, field, type) into a->word. */
static int read_keyword_arg(esc *e, fnargs *a, const char *fn)
{
    skip_blanks(e);
    if (!read_word(e, a->word, sizeof a->word))
        return fail(e, "42000", "Syntax error: {fn %s(…)} expects a keyword here", fn);
    skip_blanks(e);
    return 0;
}

/* After an argument: ',' (more follow, returns 1) or ')' (the end, returns 0). */
static int arg_sep(esc *e, const char *fn)
{
    if (at(e, e->i, ',')) {
        e->i++;
        return 1;
    }
    if (at(e, e->i, ')')) {
        e->i++;
        return 0;
    }
    return fail(e, "42000", "Syntax error: {fn %s(…)} is not closed with ')'", fn);
}

static int read_args(esc *e, fnargs *a, argform form, const char *fn)
{
    int r;
    switch (form) {
    case A_EXTRACT: /* EXTRACT(field FROM x) */
        if (read_keyword_arg(e, a, fn) < 0 || expect_word(e, "FROM", fn) < 0 || read_arg(e, a, fn, STOP_ARG) < 0)
            return -1;
        return arg_sep(e, fn) == 0 ? 0 : fail(e, "42000", "Syntax error: {fn EXTRACT(field FROM value)}");
    case A_POSITION: /* POSITION(a IN b) */
        if (read_arg(e, a, fn, STOP_ARG | STOP_IN) < 0)
            return -1;
        if (expect_word(e, "IN", fn) < 0 || read_arg(e, a, fn, STOP_ARG) < 0)
            return -1;
        return arg_sep(e, fn) == 0 ? 0 : fail(e, "42000", "Syntax error: {fn POSITION(string IN string)}");
    case A_INTERVAL: /* TIMESTAMPADD(SQL_TSI_x, …) */
        if (read_keyword_arg(e, a, fn) < 0)
            return -1;
        a->v[a->n++].oom = 0; /* $1 is the keyword: an empty slot */
        if ((r = arg_sep(e, fn)) <= 0)
            return r < 0 ? -1 : 0;
        break;
    default:
        break;
    }
    skip_blanks(e);
    if (form == A_LIST && a->n == 0 && at(e, e->i, ')')) { /* NOW() */
        e->i++;
        return 0;
    }
    for (;;) {
        if (read_arg(e, a, fn, STOP_ARG) < 0)
            return -1;
        if (form == A_CONVERT) { /* CONVERT(x, SQL_type) */
            if (arg_sep(e, fn) != 1 || read_keyword_arg(e, a, fn) < 0)
                return e->failed ? -1 : fail(e, "42000", "Syntax error: {fn CONVERT(value, SQL_type)}");
            return arg_sep(e, fn) == 0 ? 0 : fail(e, "42000", "Syntax error: {fn CONVERT(value, SQL_type)}");
        }
        if ((r = arg_sep(e, fn)) <= 0)
            return r;
    }
}

static void free_args(fnargs *a)
{
    for (int k = 0; k < MAX_ARGS; k++)
        b_free(&a->v[k]);
}

/* {fn NAME(args)} after "fn": writes the translation. */
static int parse_fn(esc *e, buf *out)
{
    char name[40];
    skip_blanks(e);
    if (!read_word(e, name, sizeof name))
        return fail(e, "42000", "Syntax error: {fn …} needs a function name");
    size_t first = NFNS;
    for (size_t k = 0; k < NFNS && first == NFNS; k++)
        if (strcasecmp(fns[k].name, name) == 0)
            first = k;
    if (first == NFNS)
        return fail(e, "42000", "Syntax error: {fn %s} is not a scalar function this driver knows "
                                "(docs/sql.md lists them)", name);
    if ((fns[first].caps & e->env->caps) != fns[first].caps)
        return fail(e, "42000", "{fn %s} needs SQLite's %s functions, which this SQLite library lacks",
                    fns[first].name, fns[first].caps & SQLESC_CAP_MATH ? "math" : "soundex");

    fnargs *a = calloc(1, sizeof *a);
    if (!a)
        return fail(e, "HY001", "Memory allocation error");
    int rc = 0;
    skip_blanks(e);
    if (at(e, e->i, '(')) {
        e->i++;
        rc = read_args(e, a, fns[first].form, fns[first].name);
    } else if (strncasecmp(name, "CURRENT_", 8) != 0) { /* CURRENT_DATE may go without () */
        rc = fail(e, "42000", "Syntax error: {fn %s} needs its argument list in parentheses", name);
    }
    const fndef *f = NULL;
    for (size_t k = first; rc == 0 && k < NFNS && !f; k++)
        if (strcasecmp(fns[k].name, name) == 0 && a->n >= fns[k].min && a->n <= fns[k].max)
            f = &fns[k];
    if (rc == 0 && !f)
        rc = fail(e, "42000", "Syntax error: {fn %s} does not take %d argument%s", fns[first].name, a->n,
                  a->n == 1 ? "" : "s");
    if (rc == 0) {
        const char *t = f->tmpl;
        if (!t && f->choose)
            t = f->choose(e, a);
        else if (!t)
            t = substring_tmpl(a->n);
        if (t)
            expand(e, out, t, a);
        else
            rc = -1;
    }
    free_args(a);
    free(a);
    return rc;
}

/* The end of an escape: '}' or, for the long form, "*)--". */
static int close_escape(esc *e, int vendor, const char *kw)
{
    skip_blanks(e);
    if (vendor ? starts(e, e->i, "*)--") : at(e, e->i, '}')) {
        e->i += vendor ? 4 : 1;
        return 0;
    }
    return fail(e, "42000", "Syntax error: the {%s …} escape is not closed with %s", kw, vendor ? "*)--" : "}");
}

/* At e->i: just after '{' (or the long form's opening); writes the translation. */
static int parse_escape(esc *e, buf *out, int vendor)
{
    char kw[16];
    skip_blanks(e);
    int call = starts(e, e->i, "call") && !(e->i + 4 < e->n && is_word_char((unsigned char)e->s[e->i + 4]));
    if (at(e, e->i, '?') || call)
        return fail(e, "42000", "Syntax error: {call …} is not supported: Azure DevOps has no stored procedures "
                                "(SQL_PROCEDURES is \"N\")");
    size_t st = e->i;
    if (!read_word(e, kw, sizeof kw)) {
        e->i = st;
        return fail(e, "42000", "Syntax error: '{' starts no ODBC escape sequence here (expected fn, d, t, ts, "
                                "oj, escape or guid)");
    }
    if (strcasecmp(kw, "fn") == 0) {
        if (parse_fn(e, out) < 0)
            return -1;
    } else if (strcasecmp(kw, "d") == 0 || strcasecmp(kw, "t") == 0 || strcasecmp(kw, "ts") == 0) {
        char lower[3] = {(char)tolower((unsigned char)kw[0]), kw[1] ? (char)tolower((unsigned char)kw[1]) : 0, 0};
        if (datetime_literal(e, out, lower) < 0)
            return -1;
    } else if (strcasecmp(kw, "guid") == 0) {
        if (guid_literal(e, out) < 0)
            return -1;
    } else if (strcasecmp(kw, "oj") == 0) {
        skip_blanks(e);
        if (copy_sql(e, out, vendor ? STOP_VENDOR : STOP_BRACE) < 0)
            return -1;
    } else if (strcasecmp(kw, "escape") == 0) {
        const char *p;
        size_t len;
        if (read_literal(e, "escape", &p, &len) < 0)
            return -1;
        b_puts(out, "ESCAPE '");
        b_put(out, p, len);
        b_puts(out, "'");
    } else if (strcasecmp(kw, "interval") == 0) {
        return fail(e, "42000", "Syntax error: {INTERVAL …} literals are not supported (use {fn TIMESTAMPADD})");
    } else {
        return fail(e, "42000", "Syntax error: {%s …} is not an ODBC escape sequence this driver knows "
                                "(fn, d, t, ts, oj, escape, guid)", kw);
    }
    return close_escape(e, vendor, kw);
}

/* ---- entry points ------------------------------------------------------------- */

int sqlesc_maybe(const char *sql, size_t n)
{
    if (!sql)
        return 0;
    if (memchr(sql, '{', n))
        return 1;
    for (const char *p = sql; (p = memchr(p, '-', n - (size_t)(p - sql))) != NULL; p++)
        if ((size_t)(p - sql) + 4 <= n && p[1] == '-' && p[2] == '(' && p[3] == '*')
            return 1;
    return 0;
}

static int run(const char *sql, size_t n, const sqlesc_env *env, int number, esc *e, buf *out)
{
    memset(e, 0, sizeof *e);
    e->s = sql;
    e->n = n;
    e->env = env;
    e->number_markers = number;
    e->next_param = 1;
    copy_sql(e, out, STOP_EOF);
    if (!e->failed && out->oom)
        fail(e, "HY001", "Memory allocation error");
    if (!e->failed && number && e->named_markers)
        fail(e, "42000", "Parameter markers: a {fn} argument that holds '?' cannot be combined with named "
                         "parameters (:name, @name, $name) in one statement");
    return e->failed ? -1 : 0;
}

int sqlesc_rewrite(const char *sql, size_t n, const sqlesc_env *env, sqlesc_result *out)
{
    static const sqlesc_env none = {NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    esc e;
    buf b = {0};
    if (!env)
        env = &none;
    if (!sql)
        sql = "", n = 0;
    int rc = run(sql, n, env, 0, &e, &b);
    if (rc == 0 && e.renumber) {
        b_free(&b);
        rc = run(sql, n, env, 1, &e, &b);
    }
    if (rc != 0) {
        snprintf(out->state, sizeof out->state, "%s", e.state);
        snprintf(out->message, sizeof out->message, "%s", e.msg);
        b_free(&b);
        return -1;
    }
    if (!b.p) { /* empty text */
        b_put(&b, "", 0);
        if (b.oom || !b.p) {
            snprintf(out->state, sizeof out->state, "HY001");
            snprintf(out->message, sizeof out->message, "Memory allocation error");
            return -1;
        }
    }
    out->sql = b.p;
    out->len = b.n;
    return 0;
}

void sqlesc_result_free(sqlesc_result *r)
{
    if (!r)
        return;
    free(r->sql);
    r->sql = NULL;
    r->len = 0;
}

unsigned long sqlesc_function_mask(sqlesc_mask which, unsigned caps)
{
    unsigned long m = 0;
    if (which == SQLESC_MASK_TSI) {
        for (size_t k = 0; k < sizeof tsis / sizeof tsis[0]; k++)
            m |= tsis[k].bit;
        return m;
    }
    for (size_t k = 0; k < NFNS; k++)
        if (fns[k].cat == which && (fns[k].caps & caps) == fns[k].caps)
            m |= fns[k].bit;
    if (which == SQLESC_MASK_CONVERT)
        m |= SQL_FN_CVT_CAST; /* CAST(x AS type) is SQLite's own */
    return m;
}

const char *sqlesc_function_at(size_t i, sqlesc_mask *cat, unsigned long *bit, unsigned *caps)
{
    if (i >= NFNS)
        return NULL;
    if (cat)
        *cat = fns[i].cat;
    if (bit)
        *bit = fns[i].bit;
    if (caps)
        *caps = fns[i].caps;
    return fns[i].name;
}
