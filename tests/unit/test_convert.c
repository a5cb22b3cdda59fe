/* test_convert.c — SQLite values -> every supported C type and back
 * (driver/convert.h): truncation with 01004 lengths, the SQLGetData chunking
 * protocol, overflow 22003, bad numbers 22018, timestamps with 0-7 fraction
 * digits and bad dates 22007, parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver/convert.h"

static cv_value vint(long long i)
{
    cv_value v = {CV_INT, i, 0, NULL, 0};
    return v;
}

static cv_value vdbl(double d)
{
    cv_value v = {CV_FLOAT, 0, d, NULL, 0};
    return v;
}

static cv_value vtext(const char *s)
{
    cv_value v = {CV_TEXT, 0, 0, s, strlen(s)};
    return v;
}

static cv_value vblob(const void *p, size_t n)
{
    cv_value v = {CV_BLOB, 0, 0, p, n};
    return v;
}

#define FIXED(val, ctype, type, expect_rc, expect_val)                \
    do {                                                              \
        type out_ = 0;                                                \
        cv_value v_ = (val);                                          \
        assert_int_equal(cv_to_fixed(&v_, (ctype), &out_), (expect_rc)); \
        if (!cv_rc_is_error(expect_rc))                               \
            assert_true(out_ == (type)(expect_val));                  \
    } while (0)

static void test_integers(void **state)
{
    FIXED(vint(42), SQL_C_SLONG, SQLINTEGER, CV_OK, 42);
    FIXED(vint(-2147483648LL), SQL_C_SLONG, SQLINTEGER, CV_OK, -2147483648LL);
    FIXED(vint(2147483648LL), SQL_C_SLONG, SQLINTEGER, CV_ERR_RANGE, 0);
    FIXED(vint(-1), SQL_C_LONG, SQLINTEGER, CV_OK, -1);
    FIXED(vint(4294967295LL), SQL_C_ULONG, SQLUINTEGER, CV_OK, 4294967295ULL);
    FIXED(vint(-1), SQL_C_ULONG, SQLUINTEGER, CV_ERR_RANGE, 0);
    FIXED(vint(32767), SQL_C_SSHORT, SQLSMALLINT, CV_OK, 32767);
    FIXED(vint(32768), SQL_C_SHORT, SQLSMALLINT, CV_ERR_RANGE, 0);
    FIXED(vint(-32768), SQL_C_SHORT, SQLSMALLINT, CV_OK, -32768);
    FIXED(vint(65535), SQL_C_USHORT, SQLUSMALLINT, CV_OK, 65535);
    FIXED(vint(65536), SQL_C_USHORT, SQLUSMALLINT, CV_ERR_RANGE, 0);
    FIXED(vint(-128), SQL_C_STINYINT, SQLSCHAR, CV_OK, -128);
    FIXED(vint(128), SQL_C_TINYINT, SQLSCHAR, CV_ERR_RANGE, 0);
    FIXED(vint(255), SQL_C_UTINYINT, SQLCHAR, CV_OK, 255);
    FIXED(vint(256), SQL_C_UTINYINT, SQLCHAR, CV_ERR_RANGE, 0);
    FIXED(vint(INT64_MIN), SQL_C_SBIGINT, SQLBIGINT, CV_OK, INT64_MIN);
    FIXED(vint(INT64_MAX), SQL_C_SBIGINT, SQLBIGINT, CV_OK, INT64_MAX);
    FIXED(vint(INT64_MAX), SQL_C_UBIGINT, SQLUBIGINT, CV_OK, INT64_MAX);
    FIXED(vint(-5), SQL_C_UBIGINT, SQLUBIGINT, CV_ERR_RANGE, 0);
}

static void test_integers_from_text_and_float(void **state)
{
    FIXED(vtext(" 123 "), SQL_C_SLONG, SQLINTEGER, CV_OK, 123);
    FIXED(vtext("-0"), SQL_C_ULONG, SQLUINTEGER, CV_OK, 0);
    FIXED(vtext("+7"), SQL_C_SLONG, SQLINTEGER, CV_OK, 7);
    FIXED(vtext("1.75"), SQL_C_SLONG, SQLINTEGER, CV_FRAC, 1);
    FIXED(vtext("-1.75"), SQL_C_SLONG, SQLINTEGER, CV_FRAC, -1);
    FIXED(vtext("1e3"), SQL_C_SLONG, SQLINTEGER, CV_OK, 1000);
    FIXED(vtext("18446744073709551615"), SQL_C_UBIGINT, SQLUBIGINT, CV_OK, UINT64_MAX);
    FIXED(vtext("18446744073709551616"), SQL_C_UBIGINT, SQLUBIGINT, CV_ERR_RANGE, 0);
    FIXED(vtext("9223372036854775808"), SQL_C_SBIGINT, SQLBIGINT, CV_ERR_RANGE, 0);
    FIXED(vtext("-9223372036854775808"), SQL_C_SBIGINT, SQLBIGINT, CV_OK, INT64_MIN);
    FIXED(vtext("abc"), SQL_C_SLONG, SQLINTEGER, CV_ERR_CAST, 0);
    FIXED(vtext("12abc"), SQL_C_SLONG, SQLINTEGER, CV_ERR_CAST, 0);
    FIXED(vtext(""), SQL_C_SLONG, SQLINTEGER, CV_ERR_CAST, 0);
    FIXED(vtext("1e"), SQL_C_SLONG, SQLINTEGER, CV_ERR_CAST, 0);
    FIXED(vtext("0x10"), SQL_C_SLONG, SQLINTEGER, CV_ERR_CAST, 0);
    FIXED(vtext("inf"), SQL_C_DOUBLE, SQLDOUBLE, CV_ERR_CAST, 0);
    FIXED(vdbl(2.5), SQL_C_SLONG, SQLINTEGER, CV_FRAC, 2);
    FIXED(vdbl(3.0), SQL_C_SLONG, SQLINTEGER, CV_OK, 3);
    FIXED(vdbl(3e10), SQL_C_SLONG, SQLINTEGER, CV_ERR_RANGE, 0);
    FIXED(vdbl(1e300), SQL_C_SBIGINT, SQLBIGINT, CV_ERR_RANGE, 0);
    FIXED(vdbl(NAN), SQL_C_SBIGINT, SQLBIGINT, CV_ERR_RANGE, 0);
    unsigned char b[] = {1, 2};
    FIXED(vblob(b, 2), SQL_C_SLONG, SQLINTEGER, CV_ERR_RESTRICTED, 0);
}

static void test_floats_and_bits(void **state)
{
    FIXED(vint(3), SQL_C_DOUBLE, SQLDOUBLE, CV_OK, 3.0);
    FIXED(vdbl(4.5), SQL_C_DOUBLE, SQLDOUBLE, CV_OK, 4.5);
    FIXED(vtext("  -2.5e-3"), SQL_C_DOUBLE, SQLDOUBLE, CV_OK, -2.5e-3);
    FIXED(vtext("x"), SQL_C_DOUBLE, SQLDOUBLE, CV_ERR_CAST, 0);
    FIXED(vtext("1e999"), SQL_C_DOUBLE, SQLDOUBLE, CV_ERR_RANGE, 0);
    FIXED(vdbl(1.5), SQL_C_FLOAT, SQLREAL, CV_OK, 1.5f);
    FIXED(vdbl(1e300), SQL_C_FLOAT, SQLREAL, CV_ERR_RANGE, 0);
    FIXED(vint(1), SQL_C_BIT, SQLCHAR, CV_OK, 1);
    FIXED(vint(0), SQL_C_BIT, SQLCHAR, CV_OK, 0);
    FIXED(vint(2), SQL_C_BIT, SQLCHAR, CV_ERR_RANGE, 0);
    FIXED(vint(-1), SQL_C_BIT, SQLCHAR, CV_ERR_RANGE, 0);
    FIXED(vdbl(0.5), SQL_C_BIT, SQLCHAR, CV_FRAC, 0);
    FIXED(vdbl(1.5), SQL_C_BIT, SQLCHAR, CV_FRAC, 1);
    FIXED(vtext("true"), SQL_C_BIT, SQLCHAR, CV_OK, 1);
    FIXED(vtext("False"), SQL_C_BIT, SQLCHAR, CV_OK, 0);
    FIXED(vtext("1"), SQL_C_BIT, SQLCHAR, CV_OK, 1);
    FIXED(vtext("yes"), SQL_C_BIT, SQLCHAR, CV_ERR_CAST, 0);
}

static void ts_ok(const char *text, int y, int mo, int d, int h, int mi, int s, unsigned long frac)
{
    SQL_TIMESTAMP_STRUCT ts;
    cv_value v = vtext(text);
    cv_rc rc = cv_to_fixed(&v, SQL_C_TYPE_TIMESTAMP, &ts);
    if (rc != CV_OK)
        fail_msg("'%s' -> %s", text, cv_rc_state(rc));
    assert_int_equal(ts.year, y);
    assert_int_equal(ts.month, mo);
    assert_int_equal(ts.day, d);
    assert_int_equal(ts.hour, h);
    assert_int_equal(ts.minute, mi);
    assert_int_equal(ts.second, s);
    assert_int_equal(ts.fraction, frac);
}

static void ts_bad(const char *text, cv_rc want)
{
    SQL_TIMESTAMP_STRUCT ts;
    cv_value v = vtext(text);
    cv_rc rc = cv_to_fixed(&v, SQL_C_TYPE_TIMESTAMP, &ts);
    if (rc != want)
        fail_msg("'%s' -> %s, want %s", text, cv_rc_state(rc), cv_rc_state(want));
}

static void test_timestamps(void **state)
{
    /* 0-7 fraction digits; the fraction is in nanoseconds */
    ts_ok("2024-01-02 03:04:05", 2024, 1, 2, 3, 4, 5, 0);
    ts_ok("2024-01-02 03:04:05.1", 2024, 1, 2, 3, 4, 5, 100000000);
    ts_ok("2024-01-02 03:04:05.67", 2024, 1, 2, 3, 4, 5, 670000000);
    ts_ok("2024-01-02 03:04:05.678", 2024, 1, 2, 3, 4, 5, 678000000);
    ts_ok("2024-01-02 03:04:05.6789", 2024, 1, 2, 3, 4, 5, 678900000);
    ts_ok("2024-01-02 03:04:05.67891", 2024, 1, 2, 3, 4, 5, 678910000);
    ts_ok("2024-01-02 03:04:05.678912", 2024, 1, 2, 3, 4, 5, 678912000);
    ts_ok("2024-01-02 03:04:05.1234567", 2024, 1, 2, 3, 4, 5, 123456700);
    ts_ok("2024-01-02T03:04:05.5Z", 2024, 1, 2, 3, 4, 5, 500000000);
    ts_ok("2024-02-29", 2024, 2, 29, 0, 0, 0, 0);
    ts_ok("2000-02-29 23:59:59", 2000, 2, 29, 23, 59, 59, 0);
    ts_ok("2024-01-02 03:04", 2024, 1, 2, 3, 4, 0, 0);
    ts_bad("2023-02-29", CV_ERR_DATETIME);
    ts_bad("1900-02-29", CV_ERR_DATETIME);
    ts_bad("2024-13-01", CV_ERR_DATETIME);
    ts_bad("2024-04-31", CV_ERR_DATETIME);
    ts_bad("2024-01-02 24:00:00", CV_ERR_DATETIME);
    ts_bad("2024-01-02 03:60:00", CV_ERR_DATETIME);
    ts_bad("2024-01-02 03:04:05.", CV_ERR_DATETIME);
    ts_bad("2024-01-02 03:04:05.1234567890", CV_ERR_DATETIME);
    ts_bad("24-01-02", CV_ERR_DATETIME);
    ts_bad("yesterday", CV_ERR_DATETIME);
    ts_bad("2024-01-02x", CV_ERR_DATETIME);
    ts_bad("03:04:05", CV_ERR_DATETIME); /* no date to complete it */

    cv_value n = vint(5);
    SQL_TIMESTAMP_STRUCT ts;
    assert_int_equal(cv_to_fixed(&n, SQL_C_TIMESTAMP, &ts), CV_ERR_CAST);

    /* dates and times */
    SQL_DATE_STRUCT d;
    cv_value v = vtext("2024-05-06");
    assert_int_equal(cv_to_fixed(&v, SQL_C_TYPE_DATE, &d), CV_OK);
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.day, 6);
    v = vtext("2024-05-06 07:08:09");
    assert_int_equal(cv_to_fixed(&v, SQL_C_DATE, &d), CV_FRAC); /* the time is dropped */
    SQL_TIME_STRUCT t;
    assert_int_equal(cv_to_fixed(&v, SQL_C_TYPE_TIME, &t), CV_OK);
    assert_int_equal(t.hour, 7);
    assert_int_equal(t.second, 9);
    v = vtext("2024-05-06 07:08:09.5");
    assert_int_equal(cv_to_fixed(&v, SQL_C_TIME, &t), CV_FRAC);
    v = vtext("07:08:09");
    assert_int_equal(cv_to_fixed(&v, SQL_C_TYPE_TIME, &t), CV_OK);
    v = vtext("2024-05-06");
    assert_int_equal(cv_to_fixed(&v, SQL_C_TYPE_TIME, &t), CV_ERR_DATETIME);
}

/* Reads a whole var value with a fixed chunk buffer, checking the protocol. */
static void chunked(const cv_value *v, SQLSMALLINT ctype, SQLLEN buflen, const void *want, size_t wantlen)
{
    cv_var var;
    assert_int_equal(cv_to_var(v, ctype, &var), CV_OK);
    size_t term = ctype == SQL_C_CHAR ? 1 : ctype == SQL_C_WCHAR ? 2 : 0;
    char *buf = malloc((size_t)buflen + 4);
    char *got = malloc(wantlen + 1);
    size_t have = 0, off = 0;
    for (int calls = 0;; calls++) {
        assert_true(calls < 100000);
        SQLLEN ind = -12345;
        cv_rc rc = cv_chunk(ctype, &var, &off, buf, buflen, &ind);
        assert_int_equal(ind, (SQLLEN)(wantlen - have)); /* remaining before this call */
        if (rc == CV_OK) {
            memcpy(got + have, buf, (size_t)ind);
            have += (size_t)ind;
            if (term == 1)
                assert_int_equal(buf[ind], 0);
            break;
        }
        assert_int_equal(rc, CV_TRUNC);
        size_t k = (size_t)buflen - term;
        if (ctype == SQL_C_WCHAR)
            k &= ~(size_t)1;
        memcpy(got + have, buf, k); /* a truncated chunk fills the buffer */
        have += k;
        if (term == 1)
            assert_int_equal(buf[k], 0);
        if (term == 2)
            assert_true(buf[k] == 0 && buf[k + 1] == 0);
    }
    assert_int_equal(have, wantlen);
    assert_memory_equal(got, want, wantlen);
    free(buf);
    free(got);
    cv_var_free(&var);
}

static void test_char_and_wchar(void **state)
{
    cv_value t = vtext("Zo\xc3\xab \xf0\x9f\x98\x80");
    chunked(&t, SQL_C_CHAR, 100, "Zo\xc3\xab \xf0\x9f\x98\x80", 9);
    chunked(&t, SQL_C_CHAR, 4, "Zo\xc3\xab \xf0\x9f\x98\x80", 9); /* chunks of 3 bytes */
    chunked(&t, SQL_C_CHAR, 2, "Zo\xc3\xab \xf0\x9f\x98\x80", 9);
    const SQLWCHAR w[] = {'Z', 'o', 0xEB, ' ', 0xD83D, 0xDE00};
    chunked(&t, SQL_C_WCHAR, 100, w, 12);
    chunked(&t, SQL_C_WCHAR, 6, w, 12);  /* 2 units a chunk: the pair is split, bytes still add up */
    chunked(&t, SQL_C_WCHAR, 7, w, 12);  /* odd buffer: 2 units a chunk */
    chunked(&t, SQL_C_BINARY, 4, "Zo\xc3\xab \xf0\x9f\x98\x80", 9);

    /* a long value, as SQLGetData on a 1 MB description */
    size_t n = 100000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = 0;
    cv_value b = vtext(big);
    chunked(&b, SQL_C_CHAR, 4096, big, n);
    free(big);

    /* empty string: one call, length 0, SQL_SUCCESS */
    cv_value e = vtext("");
    chunked(&e, SQL_C_CHAR, 10, "", 0);

    /* length-only calls report the total and do not consume */
    cv_var var;
    size_t off = 0;
    SQLLEN ind;
    assert_int_equal(cv_to_var(&t, SQL_C_WCHAR, &var), CV_OK);
    assert_int_equal(cv_chunk(SQL_C_WCHAR, &var, &off, NULL, 0, &ind), CV_TRUNC);
    assert_int_equal(ind, 12);
    assert_int_equal(off, 0);
    cv_var_free(&var);
}

static void test_numbers_as_text(void **state)
{
    cv_value i = vint(-1234567);
    chunked(&i, SQL_C_CHAR, 20, "-1234567", 8);
    cv_value d = vdbl(4.5);
    chunked(&d, SQL_C_CHAR, 20, "4.5", 3);
    cv_value p = vdbl(0.1);
    chunked(&p, SQL_C_CHAR, 30, "0.1", 3); /* shortest round-trip form */
    cv_value big = vdbl(1e300);
    chunked(&big, SQL_C_CHAR, 30, "1e+300", 6);
    const SQLWCHAR w[] = {'4', '2'};
    cv_value f = vint(42);
    chunked(&f, SQL_C_WCHAR, 20, w, 4);

    /* numbers keep '.' whatever LC_NUMERIC says */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        chunked(&d, SQL_C_CHAR, 20, "4.5", 3);
        SQLDOUBLE x;
        cv_value t = vtext("2.25");
        assert_int_equal(cv_to_fixed(&t, SQL_C_DOUBLE, &x), CV_OK);
        assert_true(x == 2.25);
        setlocale(LC_NUMERIC, "C");
    }

    /* fractional digits may be cut (01004); whole digits may not (22003) */
    cv_var var;
    size_t off = 0;
    SQLLEN ind;
    char buf[8];
    cv_value pi = vdbl(3.14159);
    assert_int_equal(cv_to_var(&pi, SQL_C_CHAR, &var), CV_OK);
    assert_int_equal(cv_chunk(SQL_C_CHAR, &var, &off, buf, 4, &ind), CV_TRUNC);
    assert_string_equal(buf, "3.1");
    cv_var_free(&var);
    off = 0;
    assert_int_equal(cv_to_var(&i, SQL_C_CHAR, &var), CV_OK);
    assert_int_equal(cv_chunk(SQL_C_CHAR, &var, &off, buf, 5, &ind), CV_ERR_RANGE);
    cv_var_free(&var);
}

static void test_blob_as_text(void **state)
{
    unsigned char b[] = {0x00, 0xAB, 0xff};
    cv_value v = vblob(b, 3);
    chunked(&v, SQL_C_CHAR, 10, "00ABFF", 6);
    chunked(&v, SQL_C_BINARY, 2, b, 3);
}

static void test_ctype_table(void **state)
{
    assert_int_equal(cv_ctype_check(SQL_C_CHAR), 1);
    assert_int_equal(cv_ctype_check(SQL_C_WCHAR), 1);
    assert_int_equal(cv_ctype_check(SQL_C_DEFAULT), 1);
    assert_int_equal(cv_ctype_check(SQL_C_NUMERIC), -1);
    assert_int_equal(cv_ctype_check(SQL_C_GUID), -1);
    assert_int_equal(cv_ctype_check(12345), 0);
    assert_int_equal(cv_ctype_size(SQL_C_SBIGINT), 8);
    assert_int_equal(cv_ctype_size(SQL_C_TYPE_TIMESTAMP), sizeof(SQL_TIMESTAMP_STRUCT));
    assert_int_equal(cv_ctype_size(SQL_C_CHAR), 0);
    assert_int_equal(cv_default_ctype(SQL_WVARCHAR), SQL_C_WCHAR);
    assert_int_equal(cv_default_ctype(SQL_INTEGER), SQL_C_SLONG);
    assert_int_equal(cv_default_ctype(SQL_TYPE_TIMESTAMP), SQL_C_TYPE_TIMESTAMP);
    cv_value v = vint(1);
    SQLINTEGER x;
    assert_int_equal(cv_to_fixed(&v, SQL_C_NUMERIC, &x), CV_ERR_UNSUPPORTED);
    assert_int_equal(cv_to_fixed(&v, 999, &x), CV_ERR_BADTYPE);
    assert_string_equal(cv_rc_state(CV_ERR_RANGE), "22003");
    assert_string_equal(cv_rc_state(CV_ERR_CAST), "22018");
    assert_string_equal(cv_rc_state(CV_ERR_DATETIME), "22007");
    assert_string_equal(cv_rc_state(CV_TRUNC), "01004");
}

static void test_parameters(void **state)
{
    cv_param p;
    assert_int_equal(cv_from_c(SQL_C_CHAR, SQL_VARCHAR, "abc", SQL_NTS, &p), CV_OK);
    assert_int_equal(p.kind, CV_TEXT);
    assert_int_equal(p.n, 3);
    cv_param_free(&p);
    assert_int_equal(cv_from_c(SQL_C_CHAR, SQL_INTEGER, " 42 ", SQL_NTS, &p), CV_OK);
    assert_int_equal(p.kind, CV_INT);
    assert_int_equal(p.i, 42);
    assert_int_equal(cv_from_c(SQL_C_CHAR, SQL_INTEGER, "4x", 2, &p), CV_OK);
    assert_int_equal(p.kind, CV_TEXT); /* not a number: left as text for SQLite to judge */
    assert_int_equal(cv_from_c(SQL_C_CHAR, SQL_DOUBLE, "2.5", SQL_NTS, &p), CV_OK);
    assert_int_equal(p.kind, CV_FLOAT);
    assert_true(p.d == 2.5);

    const SQLWCHAR w[] = {'Z', 'o', 0xEB, ' ', 0xD83D, 0xDE00, 0};
    assert_int_equal(cv_from_c(SQL_C_WCHAR, SQL_WVARCHAR, w, SQL_NTS, &p), CV_OK);
    assert_int_equal(p.kind, CV_TEXT);
    assert_int_equal(p.n, 9);
    assert_memory_equal(p.p, "Zo\xc3\xab \xf0\x9f\x98\x80", 9);
    cv_param_free(&p);
    assert_int_equal(cv_from_c(SQL_C_WCHAR, SQL_WVARCHAR, w, 4, &p), CV_OK); /* bytes: 2 units */
    assert_int_equal(p.n, 2);
    cv_param_free(&p);

    SQLINTEGER i = -7;
    assert_int_equal(cv_from_c(SQL_C_SLONG, SQL_INTEGER, &i, 0, &p), CV_OK);
    assert_int_equal(p.i, -7);
    SQLBIGINT bi = INT64_MAX;
    assert_int_equal(cv_from_c(SQL_C_SBIGINT, SQL_BIGINT, &bi, 0, &p), CV_OK);
    assert_int_equal(p.i, INT64_MAX);
    SQLUBIGINT ub = UINT64_MAX;
    assert_int_equal(cv_from_c(SQL_C_UBIGINT, SQL_BIGINT, &ub, 0, &p), CV_ERR_RANGE);
    SQLDOUBLE d = 1.25;
    assert_int_equal(cv_from_c(SQL_C_DOUBLE, SQL_DOUBLE, &d, 0, &p), CV_OK);
    assert_true(p.d == 1.25);

    SQL_TIMESTAMP_STRUCT ts = {2024, 1, 2, 3, 4, 5, 678000000};
    assert_int_equal(cv_from_c(SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, &ts, 0, &p), CV_OK);
    assert_int_equal(p.kind, CV_TEXT);
    assert_memory_equal(p.p, "2024-01-02 03:04:05.678", p.n);
    assert_int_equal(p.n, 23);
    ts.fraction = 0;
    assert_int_equal(cv_from_c(SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, &ts, 0, &p), CV_OK);
    assert_int_equal(p.n, 19);
    ts.fraction = 123456700;
    assert_int_equal(cv_from_c(SQL_C_TIMESTAMP, SQL_TYPE_TIMESTAMP, &ts, 0, &p), CV_OK);
    assert_memory_equal(p.p, "2024-01-02 03:04:05.1234567", p.n);
    ts.month = 13;
    assert_int_equal(cv_from_c(SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, &ts, 0, &p), CV_ERR_DTFIELD);
    SQL_DATE_STRUCT dt = {2024, 2, 29};
    assert_int_equal(cv_from_c(SQL_C_TYPE_DATE, SQL_TYPE_DATE, &dt, 0, &p), CV_OK);
    assert_memory_equal(p.p, "2024-02-29", 10);
    dt.day = 30;
    assert_int_equal(cv_from_c(SQL_C_TYPE_DATE, SQL_TYPE_DATE, &dt, 0, &p), CV_ERR_DTFIELD);
    SQLCHAR bit = 1;
    assert_int_equal(cv_from_c(SQL_C_BIT, SQL_BIT, &bit, 0, &p), CV_OK);
    assert_int_equal(p.i, 1);
    assert_int_equal(cv_from_c(SQL_C_NUMERIC, SQL_NUMERIC, &bit, 0, &p), CV_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_integers_from_text_and_float),
        cmocka_unit_test(test_floats_and_bits),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_char_and_wchar),
        cmocka_unit_test(test_numbers_as_text),
        cmocka_unit_test(test_blob_as_text),
        cmocka_unit_test(test_ctype_table),
        cmocka_unit_test(test_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
