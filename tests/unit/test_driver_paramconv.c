/* test_driver_paramconv.c — the parameter-only conversions of driver/convert.h:
 * SQL_C_NUMERIC (pyodbc binds Decimal values so in fast_executemany) and
 * SQL_C_GUID to text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "driver/convert.h"

static SQL_NUMERIC_STRUCT num(unsigned long long lo, unsigned long long hi, int sign, int scale)
{
    SQL_NUMERIC_STRUCT n;
    memset(&n, 0, sizeof n);
    n.precision = 38;
    n.scale = (SQLSCHAR)scale;
    n.sign = (SQLCHAR)sign;
    for (int i = 0; i < 8; i++) {
        n.val[i] = (SQLCHAR)(lo >> (8 * i));
        n.val[8 + i] = (SQLCHAR)(hi >> (8 * i));
    }
    return n;
}

static void expect_text(SQL_NUMERIC_STRUCT n, int scale, const char *want)
{
    char buf[CV_NUMERIC_TEXT_MAX];
    assert_int_equal(cv_numeric_to_text(&n, scale, buf, sizeof buf), CV_OK);
    assert_string_equal(buf, want);
}

static void test_numeric(void **state)
{
    expect_text(num(12345, 0, 1, 2), 2, "123.45");
    expect_text(num(12345, 0, 0, 2), 2, "-123.45");
    expect_text(num(50, 0, 1, 2), 2, "0.50");
    expect_text(num(7, 0, 0, 2), 2, "-0.07");
    expect_text(num(7, 0, 1, 5), 5, "0.00007");
    expect_text(num(12345, 0, 1, 0), 0, "12345");
    expect_text(num(12345, 0, 1, 0), -3, "12345000");
    expect_text(num(0, 0, 1, 0), 0, "0");
    expect_text(num(0, 0, 0, 0), 0, "0");  /* no "-0" */
    expect_text(num(0, 0, 1, 2), 2, "0.00");
    expect_text(num(0, 0, 1, 0), -2, "0");
    /* the whole 128 bits: 2^128 - 1 */
    expect_text(num(~0ull, ~0ull, 1, 0), 0, "340282366920938463463374607431768211455");
    expect_text(num(~0ull, ~0ull, 0, 38), 38, "-3.40282366920938463463374607431768211455");
    expect_text(num(0, 1, 1, 0), 0, "18446744073709551616"); /* 2^64 */
    /* the scale argument wins over the structure's (the APD's SQL_DESC_SCALE) */
    expect_text(num(12345, 0, 1, 0), 3, "12.345");
    char buf[CV_NUMERIC_TEXT_MAX];
    SQL_NUMERIC_STRUCT n = num(1, 0, 1, 0);
    assert_int_equal(cv_numeric_to_text(&n, 39, buf, sizeof buf), CV_ERR_RANGE);
    assert_int_equal(cv_numeric_to_text(&n, -39, buf, sizeof buf), CV_ERR_RANGE);
    assert_int_equal(cv_numeric_to_text(&n, 0, buf, 10), CV_ERR_RANGE); /* buffer too small */
    /* the longest text fits */
    n = num(1, 0, 0, 38);
    assert_int_equal(cv_numeric_to_text(&n, 38, buf, sizeof buf), CV_OK);
    assert_string_equal(buf, "-0.00000000000000000000000000000000000001");
    n = num(~0ull, ~0ull, 0, 0);
    assert_int_equal(cv_numeric_to_text(&n, -38, buf, sizeof buf), CV_OK);
    assert_int_equal(strlen(buf), 1 + 39 + 38);
}

static void test_guid(void **state)
{
    SQLGUID g = {0x12345678, 0x9abc, 0xdef0, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
    char buf[37];
    cv_guid_to_text(&g, buf);
    assert_string_equal(buf, "12345678-9abc-def0-0123-456789abcdef");
    SQLGUID z;
    memset(&z, 0, sizeof z);
    cv_guid_to_text(&z, buf);
    assert_string_equal(buf, "00000000-0000-0000-0000-000000000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_guid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
