/*
 * convert.c — SQLite values <-> ODBC C types.  See convert.h.
 *
 * Numbers are formatted and parsed in the "C" locale whatever the
 * application set (a German LC_NUMERIC must not turn 1.5 into "1,5" or make
 * "1.5" unparsable): a private C locale object is made once and selected
 * with uselocale() around printf/strtod.
 */
#include "convert.h"

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Application buffers need not be aligned for their C type: pyodbc's
 * fast_executemany packs a parameter row without padding, and a row-wise
 * bound row may be packed too.  Every fixed-size value is read from or
 * written to them through memcpy (what a plain load or store compiles to
 * where that is allowed, and no undefined behaviour where it is not). */
#define LOAD(type, ptr) load_##type(ptr)
#define DEF_LOAD(type)                                  \
    static inline type load_##type(const void *p)      \
    {                                                   \
        type v;                                         \
        memcpy(&v, p, sizeof v);                        \
        return v;                                       \
    }
DEF_LOAD(SQLINTEGER)
DEF_LOAD(SQLUINTEGER)
DEF_LOAD(SQLSMALLINT)
DEF_LOAD(SQLUSMALLINT)
DEF_LOAD(SQLBIGINT)
DEF_LOAD(SQLUBIGINT)
DEF_LOAD(SQLDOUBLE)
DEF_LOAD(SQLREAL)
DEF_LOAD(SQL_TIMESTAMP_STRUCT)
DEF_LOAD(SQL_DATE_STRUCT)
DEF_LOAD(SQL_TIME_STRUCT)
#define STORE(type, target, value)          \
    do {                                    \
        type v_ = (value);                  \
        memcpy((target), &v_, sizeof v_);   \
    } while (0)
#include <strings.h>

#include "utf16.h"

/* ---- status codes ------------------------------------------------------- */

const char *cv_rc_state(cv_rc rc)
{
    switch (rc) {
    case CV_OK: return "";
    case CV_TRUNC: return "01004";
    case CV_FRAC: return "01S07";
    case CV_ERR_RANGE: return "22003";
    case CV_ERR_CAST: return "22018";
    case CV_ERR_DATETIME: return "22007";
    case CV_ERR_DTFIELD: return "22008";
    case CV_ERR_RESTRICTED: return "07006";
    case CV_ERR_UNSUPPORTED: return "HYC00";
    case CV_ERR_BADTYPE: return "HY003";
    case CV_ERR_NOMEM: return "HY001";
    }
    return "HY000";
}

const char *cv_rc_message(cv_rc rc)
{
    switch (rc) {
    case CV_OK: return "";
    case CV_TRUNC: return "String data, right truncated";
    case CV_FRAC: return "Fractional truncation";
    case CV_ERR_RANGE: return "Numeric value out of range for the requested C type";
    case CV_ERR_CAST: return "Invalid character value for cast: the value is not a number or not convertible to the requested C type";
    case CV_ERR_DATETIME: return "Invalid datetime format: expected 'YYYY-MM-DD HH:MM:SS[.fffffff]'";
    case CV_ERR_DTFIELD: return "Datetime field overflow: a field of the date/time structure is out of range";
    case CV_ERR_RESTRICTED: return "Restricted data type attribute violation: this value cannot be converted to the requested C type";
    case CV_ERR_UNSUPPORTED: return "Optional feature not implemented: this C type is not supported yet";
    case CV_ERR_BADTYPE: return "Invalid application buffer type";
    case CV_ERR_NOMEM: return "Memory allocation error";
    }
    return "Conversion error";
}

int cv_rc_is_error(cv_rc rc)
{
    return rc >= CV_ERR_RANGE;
}

/* ---- locale-independent number text ------------------------------------ */

static pthread_once_t c_loc_once = PTHREAD_ONCE_INIT;
static locale_t c_loc = (locale_t)0;

static void make_c_loc(void)
{
    c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t use_c_locale(void)
{
    pthread_once(&c_loc_once, make_c_loc);
    return c_loc ? uselocale(c_loc) : (locale_t)0;
}

static void restore_locale(locale_t old)
{
    if (old)
        uselocale(old);
}

/* Shortest "%.Ng" (N = 15..17) that reads back as the same double. */
static size_t fmt_double(double d, char *buf, size_t cap)
{
    if (isnan(d))
        return (size_t)snprintf(buf, cap, "NaN");
    if (isinf(d))
        return (size_t)snprintf(buf, cap, d > 0 ? "Inf" : "-Inf");
    locale_t old = use_c_locale();
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    restore_locale(old);
    return n < 0 ? 0 : (size_t)n;
}

typedef struct num {
    int is_int;               /* no '.' and no exponent */
    int neg;
    unsigned long long mag;   /* is_int: magnitude */
    int overflow;             /* is_int: magnitude exceeds 64 bits */
    double d;                 /* the value as a double */
} num;

/* Parses [spaces][+-]digits[.digits][(e|E)[+-]digits][spaces]; 0 ok, -1 otherwise. */
static int parse_number(const char *s, size_t n, num *out)
{
    size_t i = 0, end = n;
    while (i < end && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    size_t start = i;
    num r = {1, 0, 0, 0, 0.0};
    if (i < end && (s[i] == '+' || s[i] == '-')) {
        r.neg = s[i] == '-';
        i++;
    }
    int digits = 0;
    while (i < end && s[i] >= '0' && s[i] <= '9') {
        unsigned d = (unsigned)(s[i] - '0');
        if (r.mag > (ULLONG_MAX - d) / 10)
            r.overflow = 1;
        else
            r.mag = r.mag * 10 + d;
        i++;
        digits++;
    }
    if (i < end && s[i] == '.') {
        r.is_int = 0;
        i++;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (!digits)
        return -1;
    if (i < end && (s[i] == 'e' || s[i] == 'E')) {
        r.is_int = 0;
        i++;
        if (i < end && (s[i] == '+' || s[i] == '-'))
            i++;
        int ed = 0;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (!ed)
            return -1;
    }
    if (i != end)
        return -1;
    /* strtod needs a NUL-terminated copy */
    char small[64];
    size_t len = end - start;
    char *copy = len < sizeof small ? small : malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s + start, len);
    copy[len] = '\0';
    locale_t old = use_c_locale();
    r.d = strtod(copy, NULL);
    restore_locale(old);
    if (copy != small)
        free(copy);
    *out = r;
    return 0;
}

/* ---- C type table -------------------------------------------------------- */

int cv_ctype_check(SQLSMALLINT ctype)
{
    switch (ctype) {
    case SQL_C_CHAR: case SQL_C_WCHAR: case SQL_C_BINARY:
    case SQL_C_SLONG: case SQL_C_ULONG: case SQL_C_LONG:
    case SQL_C_SSHORT: case SQL_C_USHORT: case SQL_C_SHORT:
    case SQL_C_STINYINT: case SQL_C_UTINYINT: case SQL_C_TINYINT:
    case SQL_C_SBIGINT: case SQL_C_UBIGINT:
    case SQL_C_DOUBLE: case SQL_C_FLOAT: case SQL_C_BIT:
    case SQL_C_TYPE_TIMESTAMP: case SQL_C_TYPE_DATE: case SQL_C_TYPE_TIME:
    case SQL_C_TIMESTAMP: case SQL_C_DATE: case SQL_C_TIME:
    case SQL_C_DEFAULT:
        return 1;
    case SQL_C_NUMERIC: case SQL_C_GUID:
    case SQL_C_INTERVAL_YEAR: case SQL_C_INTERVAL_MONTH: case SQL_C_INTERVAL_DAY:
    case SQL_C_INTERVAL_HOUR: case SQL_C_INTERVAL_MINUTE: case SQL_C_INTERVAL_SECOND:
    case SQL_C_INTERVAL_YEAR_TO_MONTH: case SQL_C_INTERVAL_DAY_TO_HOUR:
    case SQL_C_INTERVAL_DAY_TO_MINUTE: case SQL_C_INTERVAL_DAY_TO_SECOND:
    case SQL_C_INTERVAL_HOUR_TO_MINUTE: case SQL_C_INTERVAL_HOUR_TO_SECOND:
    case SQL_C_INTERVAL_MINUTE_TO_SECOND:
        return -1;
    default:
        return 0;
    }
}

SQLLEN cv_ctype_size(SQLSMALLINT ctype)
{
    switch (ctype) {
    case SQL_C_SLONG: case SQL_C_ULONG: case SQL_C_LONG: return sizeof(SQLINTEGER);
    case SQL_C_SSHORT: case SQL_C_USHORT: case SQL_C_SHORT: return sizeof(SQLSMALLINT);
    case SQL_C_STINYINT: case SQL_C_UTINYINT: case SQL_C_TINYINT: case SQL_C_BIT: return 1;
    case SQL_C_SBIGINT: case SQL_C_UBIGINT: return sizeof(SQLBIGINT);
    case SQL_C_DOUBLE: return sizeof(SQLDOUBLE);
    case SQL_C_FLOAT: return sizeof(SQLREAL);
    case SQL_C_TYPE_TIMESTAMP: case SQL_C_TIMESTAMP: return sizeof(SQL_TIMESTAMP_STRUCT);
    case SQL_C_TYPE_DATE: case SQL_C_DATE: return sizeof(SQL_DATE_STRUCT);
    case SQL_C_TYPE_TIME: case SQL_C_TIME: return sizeof(SQL_TIME_STRUCT);
    default: return 0;
    }
}

SQLSMALLINT cv_default_ctype(SQLSMALLINT sql_type)
{
    switch (sql_type) {
    case SQL_CHAR: case SQL_VARCHAR: case SQL_LONGVARCHAR:
    case SQL_DECIMAL: case SQL_NUMERIC: return SQL_C_CHAR;
    case SQL_WCHAR: case SQL_WVARCHAR: case SQL_WLONGVARCHAR: return SQL_C_WCHAR;
    case SQL_BIT: return SQL_C_BIT;
    case SQL_TINYINT: return SQL_C_STINYINT;
    case SQL_SMALLINT: return SQL_C_SSHORT;
    case SQL_INTEGER: return SQL_C_SLONG;
    case SQL_BIGINT: return SQL_C_SBIGINT;
    case SQL_REAL: return SQL_C_FLOAT;
    case SQL_FLOAT: case SQL_DOUBLE: return SQL_C_DOUBLE;
    case SQL_TYPE_DATE: case SQL_DATE: return SQL_C_TYPE_DATE;
    case SQL_TYPE_TIME: case SQL_TIME: return SQL_C_TYPE_TIME;
    case SQL_TYPE_TIMESTAMP: case SQL_TIMESTAMP: return SQL_C_TYPE_TIMESTAMP;
    case SQL_BINARY: case SQL_VARBINARY: case SQL_LONGVARBINARY: return SQL_C_BINARY;
    default: return SQL_C_CHAR;
    }
}

/* ---- datetime ------------------------------------------------------------ */

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* Reads exactly `width` digits at s[*i]. */
static int read_digits(const char *s, size_t n, size_t *i, int width, int *out)
{
    int v = 0;
    for (int k = 0; k < width; k++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return 0;
}

static int parse_time_part(const char *s, size_t n, size_t *i, SQL_TIMESTAMP_STRUCT *ts)
{
    int h, mi, se = 0;
    if (read_digits(s, n, i, 2, &h) || *i >= n || s[*i] != ':')
        return -1;
    (*i)++;
    if (read_digits(s, n, i, 2, &mi))
        return -1;
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (read_digits(s, n, i, 2, &se))
            return -1;
        if (*i < n && s[*i] == '.') {
            (*i)++;
            unsigned long frac = 0;
            int digits = 0;
            while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
                if (digits == 9)
                    return -1; /* finer than a nanosecond */
                frac = frac * 10 + (unsigned long)(s[(*i)++] - '0');
                digits++;
            }
            if (digits == 0)
                return -1;
            for (; digits < 9; digits++)
                frac *= 10;
            ts->fraction = (SQLUINTEGER)frac;
        }
    }
    if (h > 23 || mi > 59 || se > 59)
        return -1;
    ts->hour = (SQLUSMALLINT)h;
    ts->minute = (SQLUSMALLINT)mi;
    ts->second = (SQLUSMALLINT)se;
    return 0;
}

cv_rc cv_parse_datetime(const char *s, size_t n, SQL_TIMESTAMP_STRUCT *ts, int *has_date,
                        int *has_time)
{
    SQL_TIMESTAMP_STRUCT t;
    memset(&t, 0, sizeof t);
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    while (n > i && s[n - 1] == ' ')
        n--;
    *has_date = *has_time = 0;
    if (n - i >= 5 && s[i + 2] == ':') {
        if (parse_time_part(s, n, &i, &t))
            return CV_ERR_DATETIME;
        *has_time = 1;
    } else {
        int y, m, d;
        if (read_digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' ||
            read_digits(s, n, &i, 2, &m) || i >= n || s[i++] != '-' ||
            read_digits(s, n, &i, 2, &d))
            return CV_ERR_DATETIME;
        if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
            return CV_ERR_DATETIME;
        t.year = (SQLSMALLINT)y;
        t.month = (SQLUSMALLINT)m;
        t.day = (SQLUSMALLINT)d;
        *has_date = 1;
        if (i < n && (s[i] == ' ' || s[i] == 'T')) {
            i++;
            if (parse_time_part(s, n, &i, &t))
                return CV_ERR_DATETIME;
            *has_time = 1;
        }
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z') && *has_time)
        i++; /* values are UTC; an explicit Z changes nothing */
    if (i != n)
        return CV_ERR_DATETIME;
    *ts = t;
    return CV_OK;
}

cv_rc cv_format_timestamp(const SQL_TIMESTAMP_STRUCT *ts, char *buf, size_t cap)
{
    if (ts->year < 1 || ts->year > 9999 || ts->month < 1 || ts->month > 12 || ts->day < 1 ||
        ts->day > days_in_month(ts->year, ts->month) || ts->hour > 23 || ts->minute > 59 ||
        ts->second > 59 || ts->fraction > 999999999u)
        return CV_ERR_DTFIELD;
    int n = snprintf(buf, cap, "%04d-%02u-%02u %02u:%02u:%02u", ts->year, ts->month, ts->day,
                     ts->hour, ts->minute, ts->second);
    if (ts->fraction && n > 0 && (size_t)n + 11 <= cap) {
        char f[16];
        snprintf(f, sizeof f, ".%09lu", (unsigned long)ts->fraction);
        size_t fl = strlen(f);
        while (fl > 2 && f[fl - 1] == '0')
            f[--fl] = '\0';
        memcpy(buf + n, f, fl + 1);
    }
    return CV_OK;
}

/* ---- SQL -> C fixed-size --------------------------------------------------- */

/* An integer candidate: sign, magnitude and whether a fraction was dropped. */
typedef struct icand {
    int neg;
    unsigned long long mag;
    int frac;
} icand;

static cv_rc from_double(double d, icand *c)
{
    if (isnan(d))
        return CV_ERR_RANGE;
    double t = trunc(d);
    if (fabs(t) >= 18446744073709551616.0)
        return CV_ERR_RANGE;
    c->neg = t < 0;
    c->mag = (unsigned long long)fabs(t);
    c->frac = t != d;
    return CV_OK;
}

static cv_rc integer_candidate(const cv_value *v, icand *c)
{
    memset(c, 0, sizeof *c);
    switch (v->kind) {
    case CV_INT:
        c->neg = v->i < 0;
        c->mag = v->i < 0 ? (unsigned long long)(-(v->i + 1)) + 1u : (unsigned long long)v->i;
        return CV_OK;
    case CV_FLOAT:
        return from_double(v->d, c);
    case CV_TEXT: {
        num nm;
        if (parse_number(v->p, v->n, &nm))
            return CV_ERR_CAST;
        if (nm.is_int) {
            if (nm.overflow)
                return CV_ERR_RANGE;
            c->neg = nm.neg && nm.mag != 0;
            c->mag = nm.mag;
            return CV_OK;
        }
        return from_double(nm.d, c);
    }
    case CV_BLOB:
        return CV_ERR_RESTRICTED;
    default:
        return CV_ERR_CAST;
    }
}

/* Range-checks c for a signed (bits) or unsigned target; writes the value to *out. */
static cv_rc check_signed(const icand *c, int bits, long long *out)
{
    unsigned long long lim = 1ull << (bits - 1); /* |min| */
    if (c->neg ? c->mag > lim : c->mag > lim - 1)
        return CV_ERR_RANGE;
    if (!c->neg)
        *out = (long long)c->mag;
    else if (c->mag == lim)
        *out = -(long long)(lim - 1) - 1; /* the most negative value, without overflow */
    else
        *out = -(long long)c->mag;
    return c->frac ? CV_FRAC : CV_OK;
}

static cv_rc check_unsigned(const icand *c, unsigned long long max, unsigned long long *out)
{
    if ((c->neg && c->mag != 0) || c->mag > max)
        return CV_ERR_RANGE;
    *out = c->mag;
    return c->frac ? CV_FRAC : CV_OK;
}

static cv_rc to_double(const cv_value *v, double *out)
{
    switch (v->kind) {
    case CV_INT:
        *out = (double)v->i;
        return CV_OK;
    case CV_FLOAT:
        *out = v->d;
        return CV_OK;
    case CV_TEXT: {
        num nm;
        if (parse_number(v->p, v->n, &nm))
            return CV_ERR_CAST;
        if (isinf(nm.d))
            return CV_ERR_RANGE;
        *out = nm.d;
        return CV_OK;
    }
    case CV_BLOB:
        return CV_ERR_RESTRICTED;
    default:
        return CV_ERR_CAST;
    }
}

static cv_rc to_datetime(const cv_value *v, SQL_TIMESTAMP_STRUCT *ts, int *has_date, int *has_time)
{
    if (v->kind == CV_BLOB)
        return CV_ERR_RESTRICTED;
    if (v->kind != CV_TEXT)
        return CV_ERR_CAST; /* numbers are not dates; the tables store datetimes as text */
    return cv_parse_datetime(v->p, v->n, ts, has_date, has_time);
}

cv_rc cv_to_fixed(const cv_value *v, SQLSMALLINT ctype, void *target)
{
    cv_rc rc;
    icand c;
    long long s = 0;
    unsigned long long u = 0;

    switch (ctype) {
    case SQL_C_SLONG: case SQL_C_LONG:
        if ((rc = integer_candidate(v, &c)) || (rc = check_signed(&c, 32, &s), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLINTEGER, target, (SQLINTEGER)s);
        return rc;
    case SQL_C_ULONG:
        if ((rc = integer_candidate(v, &c)) || (rc = check_unsigned(&c, UINT32_MAX, &u), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLUINTEGER, target, (SQLUINTEGER)u);
        return rc;
    case SQL_C_SSHORT: case SQL_C_SHORT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_signed(&c, 16, &s), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLSMALLINT, target, (SQLSMALLINT)s);
        return rc;
    case SQL_C_USHORT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_unsigned(&c, UINT16_MAX, &u), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLUSMALLINT, target, (SQLUSMALLINT)u);
        return rc;
    case SQL_C_STINYINT: case SQL_C_TINYINT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_signed(&c, 8, &s), cv_rc_is_error(rc)))
            return rc;
        *(SQLSCHAR *)target = (SQLSCHAR)s;
        return rc;
    case SQL_C_UTINYINT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_unsigned(&c, UINT8_MAX, &u), cv_rc_is_error(rc)))
            return rc;
        *(SQLCHAR *)target = (SQLCHAR)u;
        return rc;
    case SQL_C_SBIGINT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_signed(&c, 64, &s), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLBIGINT, target, (SQLBIGINT)s);
        return rc;
    case SQL_C_UBIGINT:
        if ((rc = integer_candidate(v, &c)) || (rc = check_unsigned(&c, UINT64_MAX, &u), cv_rc_is_error(rc)))
            return rc;
        STORE(SQLUBIGINT, target, (SQLUBIGINT)u);
        return rc;
    case SQL_C_BIT: {
        double d;
        if (v->kind == CV_TEXT && (v->n == 4 || v->n == 5) &&
            (strncasecmp(v->p, "true", v->n) == 0 || strncasecmp(v->p, "false", v->n) == 0)) {
            *(SQLCHAR *)target = (v->p[0] == 't' || v->p[0] == 'T');
            return CV_OK;
        }
        if (v->kind == CV_INT) {
            if (v->i < 0 || v->i > 1)
                return CV_ERR_RANGE;
            *(SQLCHAR *)target = (SQLCHAR)v->i;
            return CV_OK;
        }
        if ((rc = to_double(v, &d)))
            return rc;
        /* ODBC: 0 or 1 exact; (0,2) truncates with 01S07; otherwise 22003 */
        if (isnan(d) || d < 0 || d >= 2)
            return CV_ERR_RANGE;
        *(SQLCHAR *)target = (SQLCHAR)(d >= 1);
        return (d == 0 || d == 1) ? CV_OK : CV_FRAC;
    }
    case SQL_C_DOUBLE: {
        double d;
        if ((rc = to_double(v, &d)))
            return rc;
        STORE(SQLDOUBLE, target, d);
        return CV_OK;
    }
    case SQL_C_FLOAT: {
        double d;
        if ((rc = to_double(v, &d)))
            return rc;
        if (isfinite(d) && fabs(d) > FLT_MAX)
            return CV_ERR_RANGE;
        STORE(SQLREAL, target, (SQLREAL)d);
        return CV_OK;
    }
    case SQL_C_TYPE_TIMESTAMP: case SQL_C_TIMESTAMP: {
        SQL_TIMESTAMP_STRUCT ts;
        int hd, ht;
        if ((rc = to_datetime(v, &ts, &hd, &ht)))
            return rc;
        if (!hd)
            return CV_ERR_DATETIME; /* a bare time has no date to complete it with */
        STORE(SQL_TIMESTAMP_STRUCT, target, ts);
        return CV_OK;
    }
    case SQL_C_TYPE_DATE: case SQL_C_DATE: {
        SQL_TIMESTAMP_STRUCT ts;
        int hd, ht;
        if ((rc = to_datetime(v, &ts, &hd, &ht)))
            return rc;
        if (!hd)
            return CV_ERR_DATETIME;
        SQL_DATE_STRUCT d = {ts.year, ts.month, ts.day};
        STORE(SQL_DATE_STRUCT, target, d);
        return (ts.hour || ts.minute || ts.second || ts.fraction) ? CV_FRAC : CV_OK;
    }
    case SQL_C_TYPE_TIME: case SQL_C_TIME: {
        SQL_TIMESTAMP_STRUCT ts;
        int hd, ht;
        if ((rc = to_datetime(v, &ts, &hd, &ht)))
            return rc;
        if (!ht && hd)
            return CV_ERR_DATETIME; /* a date alone has no time of day */
        SQL_TIME_STRUCT t = {ts.hour, ts.minute, ts.second};
        STORE(SQL_TIME_STRUCT, target, t);
        return ts.fraction ? CV_FRAC : CV_OK;
    }
    case SQL_C_NUMERIC:
        return CV_ERR_UNSUPPORTED;
    default:
        return cv_ctype_check(ctype) < 0 ? CV_ERR_UNSUPPORTED : CV_ERR_BADTYPE;
    }
}

/* ---- SQL -> C variable-length ------------------------------------------------ */

void cv_var_free(cv_var *var)
{
    if (!var)
        return;
    free(var->owned);
    var->owned = NULL;
    var->p = NULL;
    var->n = 0;
}

cv_rc cv_var_own(cv_var *var)
{
    if (var->owned)
        return CV_OK;
    void *o = malloc(var->n ? var->n : 1);
    if (!o)
        return CV_ERR_NOMEM;
    if (var->n)
        memcpy(o, var->p, var->n);
    var->owned = o;
    var->p = o;
    return CV_OK;
}

/* The UTF-8 text form of v (CHAR representation). */
static cv_rc char_repr(const cv_value *v, cv_var *var)
{
    static const char hex[] = "0123456789ABCDEF";
    switch (v->kind) {
    case CV_TEXT:
        var->p = v->p;
        var->n = v->n;
        return CV_OK;
    case CV_INT:
        var->n = (size_t)snprintf(var->scratch, sizeof var->scratch, "%lld", v->i);
        var->p = var->scratch;
        var->numeric = 1;
        var->whole = var->n;
        return CV_OK;
    case CV_FLOAT: {
        var->n = fmt_double(v->d, var->scratch, sizeof var->scratch);
        var->p = var->scratch;
        var->numeric = 1;
        var->whole = strcspn(var->scratch, ".eE");
        return CV_OK;
    }
    case CV_BLOB: {
        /* binary -> character data is hexadecimal, two digits per byte */
        char *h = malloc(v->n * 2 + 1);
        if (!h)
            return CV_ERR_NOMEM;
        const unsigned char *b = (const unsigned char *)v->p;
        for (size_t i = 0; i < v->n; i++) {
            h[2 * i] = hex[b[i] >> 4];
            h[2 * i + 1] = hex[b[i] & 15];
        }
        var->owned = h;
        var->p = h;
        var->n = v->n * 2;
        return CV_OK;
    }
    default:
        var->p = "";
        var->n = 0;
        return CV_OK;
    }
}

cv_rc cv_to_var(const cv_value *v, SQLSMALLINT ctype, cv_var *var)
{
    memset(var, 0, sizeof *var);
    switch (ctype) {
    case SQL_C_CHAR:
        return char_repr(v, var);
    case SQL_C_WCHAR: {
        cv_rc rc = char_repr(v, var);
        if (rc)
            return rc;
        size_t units;
        uint16_t *w = u8_to_u16_dup(var->p, var->n, &units);
        free(var->owned);
        var->owned = NULL;
        if (!w)
            return CV_ERR_NOMEM;
        var->owned = w;
        var->p = w;
        var->n = units * 2;
        var->whole *= 2; /* numbers are ASCII: one unit per byte */
        return CV_OK;
    }
    case SQL_C_BINARY:
        switch (v->kind) {
        case CV_TEXT: case CV_BLOB:
            var->p = v->p;
            var->n = v->n;
            return CV_OK;
        case CV_INT:
            memcpy(var->scratch, &v->i, sizeof v->i);
            var->p = var->scratch;
            var->n = sizeof v->i;
            return CV_OK;
        case CV_FLOAT:
            memcpy(var->scratch, &v->d, sizeof v->d);
            var->p = var->scratch;
            var->n = sizeof v->d;
            return CV_OK;
        default:
            var->p = "";
            var->n = 0;
            return CV_OK;
        }
    default:
        return CV_ERR_BADTYPE;
    }
}

cv_rc cv_chunk(SQLSMALLINT ctype, const cv_var *var, size_t *off, void *buf, SQLLEN buflen,
               SQLLEN *ind)
{
    size_t remaining = var->n > *off ? var->n - *off : 0;
    size_t term = ctype == SQL_C_CHAR ? 1 : ctype == SQL_C_WCHAR ? 2 : 0;

    if (ind)
        *ind = (SQLLEN)remaining;
    if (!buf || buflen <= 0)
        return remaining > 0 ? CV_TRUNC : CV_OK;
    if (var->numeric && *off == 0 && term && var->whole + term > (size_t)buflen)
        return CV_ERR_RANGE; /* not even the digits before the point fit */

    size_t room = (size_t)buflen >= term ? (size_t)buflen - term : 0;
    if (ctype == SQL_C_WCHAR)
        room &= ~(size_t)1;
    /* Fill the buffer completely: clients (pyodbc's ReadVarColumn) assume a
     * truncated chunk holds exactly BufferLength minus the terminator. */
    size_t k = remaining <= room ? remaining : room;
    memcpy(buf, (const char *)var->p + *off, k);
    if (term == 1)
        ((char *)buf)[k] = '\0';
    else if (term == 2 && k + 2 <= (size_t)buflen)
        memset((char *)buf + k, 0, 2);
    *off += k;
    return k < remaining ? CV_TRUNC : CV_OK;
}

/* ---- C -> SQL (parameters) ------------------------------------------------ */

void cv_param_free(cv_param *p)
{
    if (!p)
        return;
    free(p->owned);
    p->owned = NULL;
}

static int sql_type_integer(SQLSMALLINT t)
{
    return t == SQL_INTEGER || t == SQL_SMALLINT || t == SQL_TINYINT || t == SQL_BIGINT || t == SQL_BIT;
}

static int sql_type_float(SQLSMALLINT t)
{
    return t == SQL_DOUBLE || t == SQL_FLOAT || t == SQL_REAL || t == SQL_NUMERIC || t == SQL_DECIMAL;
}

/* Text bound for a numeric SQL type becomes a number when it reads as one. */
static void steer_text(SQLSMALLINT sql_type, cv_param *out)
{
    num nm;
    if (!(sql_type_integer(sql_type) || sql_type_float(sql_type)))
        return;
    if (parse_number(out->p, out->n, &nm))
        return;
    if (nm.is_int && !nm.overflow &&
        (nm.neg ? nm.mag <= 9223372036854775808ull : nm.mag <= 9223372036854775807ull)) {
        out->kind = CV_INT;
        out->i = nm.neg ? (nm.mag == 9223372036854775808ull ? LLONG_MIN : -(long long)nm.mag)
                        : (long long)nm.mag;
    } else if (sql_type_float(sql_type) || !nm.is_int) {
        out->kind = CV_FLOAT;
        out->d = nm.d;
    }
}

cv_rc cv_from_c(SQLSMALLINT ctype, SQLSMALLINT sql_type, const void *ptr, SQLLEN len, cv_param *out)
{
    memset(out, 0, sizeof *out);
    switch (ctype) {
    case SQL_C_CHAR:
        out->kind = CV_TEXT;
        out->p = ptr;
        out->n = len == SQL_NTS ? strlen(ptr) : (size_t)len;
        steer_text(sql_type, out);
        return CV_OK;
    case SQL_C_WCHAR: {
        size_t units = len == SQL_NTS ? u16_strlen(ptr) : (size_t)len / 2;
        size_t n;
        char *u8 = u16_to_u8_dup(ptr, units, &n);
        if (!u8)
            return CV_ERR_NOMEM;
        out->kind = CV_TEXT;
        out->owned = u8;
        out->p = u8;
        out->n = n;
        steer_text(sql_type, out);
        return CV_OK;
    }
    case SQL_C_BINARY:
        out->kind = CV_BLOB;
        out->p = ptr;
        out->n = len < 0 ? 0 : (size_t)len;
        return CV_OK;
    case SQL_C_SLONG: case SQL_C_LONG:
        out->kind = CV_INT;
        out->i = LOAD(SQLINTEGER, ptr);
        return CV_OK;
    case SQL_C_ULONG:
        out->kind = CV_INT;
        out->i = LOAD(SQLUINTEGER, ptr);
        return CV_OK;
    case SQL_C_SSHORT: case SQL_C_SHORT:
        out->kind = CV_INT;
        out->i = LOAD(SQLSMALLINT, ptr);
        return CV_OK;
    case SQL_C_USHORT:
        out->kind = CV_INT;
        out->i = LOAD(SQLUSMALLINT, ptr);
        return CV_OK;
    case SQL_C_STINYINT: case SQL_C_TINYINT:
        out->kind = CV_INT;
        out->i = *(const SQLSCHAR *)ptr;
        return CV_OK;
    case SQL_C_UTINYINT:
        out->kind = CV_INT;
        out->i = *(const SQLCHAR *)ptr;
        return CV_OK;
    case SQL_C_SBIGINT:
        out->kind = CV_INT;
        out->i = LOAD(SQLBIGINT, ptr);
        return CV_OK;
    case SQL_C_UBIGINT: {
        SQLUBIGINT u = LOAD(SQLUBIGINT, ptr);
        if (u > (SQLUBIGINT)LLONG_MAX)
            return CV_ERR_RANGE; /* SQLite integers are signed 64-bit */
        out->kind = CV_INT;
        out->i = (long long)u;
        return CV_OK;
    }
    case SQL_C_BIT: {
        SQLCHAR b = *(const SQLCHAR *)ptr;
        if (b > 1)
            return CV_ERR_RANGE;
        out->kind = CV_INT;
        out->i = b;
        return CV_OK;
    }
    case SQL_C_DOUBLE:
        out->kind = CV_FLOAT;
        out->d = LOAD(SQLDOUBLE, ptr);
        return CV_OK;
    case SQL_C_FLOAT:
        out->kind = CV_FLOAT;
        out->d = LOAD(SQLREAL, ptr);
        return CV_OK;
    case SQL_C_TYPE_TIMESTAMP: case SQL_C_TIMESTAMP: {
        SQL_TIMESTAMP_STRUCT ts = LOAD(SQL_TIMESTAMP_STRUCT, ptr);
        cv_rc rc = cv_format_timestamp(&ts, out->scratch, sizeof out->scratch);
        if (rc)
            return rc;
        out->kind = CV_TEXT;
        out->p = out->scratch;
        out->n = strlen(out->scratch);
        return CV_OK;
    }
    case SQL_C_TYPE_DATE: case SQL_C_DATE: {
        SQL_DATE_STRUCT d = LOAD(SQL_DATE_STRUCT, ptr);
        SQL_TIMESTAMP_STRUCT ts = {d.year, d.month, d.day, 0, 0, 0, 0};
        cv_rc rc = cv_format_timestamp(&ts, out->scratch, sizeof out->scratch);
        if (rc)
            return rc;
        out->scratch[10] = '\0'; /* the date part only */
        out->kind = CV_TEXT;
        out->p = out->scratch;
        out->n = 10;
        return CV_OK;
    }
    case SQL_C_TYPE_TIME: case SQL_C_TIME: {
        SQL_TIME_STRUCT t = LOAD(SQL_TIME_STRUCT, ptr);
        if (t.hour > 23 || t.minute > 59 || t.second > 59)
            return CV_ERR_DTFIELD;
        snprintf(out->scratch, sizeof out->scratch, "%02u:%02u:%02u", t.hour, t.minute, t.second);
        out->kind = CV_TEXT;
        out->p = out->scratch;
        out->n = 8;
        return CV_OK;
    }
    case SQL_C_NUMERIC:
        return CV_ERR_UNSUPPORTED;
    default:
        return cv_ctype_check(ctype) < 0 ? CV_ERR_UNSUPPORTED : CV_ERR_BADTYPE;
    }
}

cv_rc cv_numeric_to_text(const SQL_NUMERIC_STRUCT *n, int scale, char *buf, size_t cap)
{
    unsigned char v[SQL_MAX_NUMERIC_LEN];
    char digits[48];
    size_t nd = 0;
    if (scale > 38 || scale < -38 || cap < CV_NUMERIC_TEXT_MAX)
        return CV_ERR_RANGE;
    memcpy(v, n->val, sizeof v);
    /* repeated division of the little-endian 128-bit magnitude by 10 */
    for (;;) {
        int zero = 1;
        unsigned rem = 0;
        for (int i = SQL_MAX_NUMERIC_LEN - 1; i >= 0; i--) {
            unsigned cur = (rem << 8) | v[i];
            v[i] = (unsigned char)(cur / 10);
            rem = cur % 10;
            if (v[i])
                zero = 0;
        }
        digits[nd++] = (char)('0' + rem);
        if (zero)
            break;
    }
    /* digits[] holds the magnitude least significant first; drop leading zeros */
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int is_zero = nd == 1 && digits[0] == '0';
    size_t o = 0;
    if (!n->sign && !is_zero)
        buf[o++] = '-';
    if (scale <= 0) {
        for (size_t i = nd; i-- > 0;)
            buf[o++] = digits[i];
        if (!is_zero)
            for (int i = 0; i < -scale; i++)
                buf[o++] = '0';
    } else {
        size_t sc = (size_t)scale;
        if (nd <= sc) {
            buf[o++] = '0';
            buf[o++] = '.';
            for (size_t i = nd; i < sc; i++)
                buf[o++] = '0';
            for (size_t i = nd; i-- > 0;)
                buf[o++] = digits[i];
        } else {
            for (size_t i = nd; i-- > sc;)
                buf[o++] = digits[i];
            buf[o++] = '.';
            for (size_t i = sc; i-- > 0;)
                buf[o++] = digits[i];
        }
    }
    buf[o] = '\0';
    return CV_OK;
}

void cv_guid_to_text(const SQLGUID *gp, char *buf)
{
    SQLGUID g_;
    memcpy(&g_, gp, sizeof g_); /* an application buffer: maybe unaligned */
    const SQLGUID *g = &g_;
    snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned)g->Data1,
             (unsigned)g->Data2, (unsigned)g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
             g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}
