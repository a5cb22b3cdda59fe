/* test_value.c — JSON → SQL value conversion: dates with 0–7 fraction digits,
 * zones, bad dates, identities in both shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sql/value.h"

static void norm(const char *in, const char *want)
{
    char out[AZDO_DATETIME_MAX];
    if (!want) {
        assert_int_equal(azdo_datetime_normalize(in, out), -1);
        return;
    }
    assert_int_equal(azdo_datetime_normalize(in, out), 0);
    assert_string_equal(out, want);
}

static void test_dates_with_every_fraction_length(void **state)
{
    norm("2014-12-29T20:49:56Z", "2014-12-29 20:49:56.000");
    norm("2014-12-29T20:49:20.7Z", "2014-12-29 20:49:20.700");
    norm("2014-12-29T20:49:20.77Z", "2014-12-29 20:49:20.770");
    norm("2014-12-29T20:49:21.617Z", "2014-12-29 20:49:21.617");
    norm("2014-12-29T20:49:21.6170Z", "2014-12-29 20:49:21.617");
    norm("2014-12-29T20:49:21.61751Z", "2014-12-29 20:49:21.61751");
    norm("2014-12-29T20:49:21.617512Z", "2014-12-29 20:49:21.617512");
    norm("2019-01-18T00:00:00.0000000", "2019-01-18 00:00:00.000");
    norm("2019-01-18T00:00:00.1234567Z", "2019-01-18 00:00:00.1234567");
    norm("9999-01-01T00:00:00Z", "9999-01-01 00:00:00.000");
    norm("2024-02-29", "2024-02-29 00:00:00.000");
}

static void test_zones_become_utc(void **state)
{
    norm("2024-01-01T01:30:00+02:00", "2023-12-31 23:30:00.000");
    norm("2024-02-28T23:00:00-01:30", "2024-02-29 00:30:00.000");
}

static void test_bad_dates_are_rejected(void **state)
{
    norm("2014-12-29T20:49:21.12345678Z", NULL); /* 8 digits */
    norm("2023-02-29T00:00:00Z", NULL);
    norm("2014-13-01T00:00:00Z", NULL);
    norm("2014-12-29T24:00:00Z", NULL);
    norm("2014-12-29T20:49Z", NULL);
    norm("2014-12-29T20:49:21.Z", NULL);
    norm("not a date", NULL);
    norm("", NULL);
    norm("2014-12-29T20:49:21Zjunk", NULL);
}

static void test_next_day(void **state)
{
    int y = 2024, m = 2, d = 28;
    azdo_date_next_day(&y, &m, &d);
    assert_true(y == 2024 && m == 2 && d == 29);
    y = 2023, m = 12, d = 31;
    azdo_date_next_day(&y, &m, &d);
    assert_true(y == 2024 && m == 1 && d == 1);
}

static void ident(const char *json, azdo_identity_part part, const char *want)
{
    cJSON *v = cJSON_Parse(json);
    int oom = 0;
    char *s = azdo_identity_text(v, part, &oom);
    assert_int_equal(oom, 0);
    if (want) {
        assert_non_null(s);
        assert_string_equal(s, want);
    } else {
        assert_null(s);
    }
    free(s);
    cJSON_Delete(v);
}

static void test_identities(void **state)
{
    const char *ref = "{\"displayName\":\"Jamal Hartnett\",\"uniqueName\":\"fabrikamfiber4@hotmail.com\","
                      "\"id\":\"d291b0c4-a05c-4ea6-8df1-4b41d5f39eff\"}";
    ident(ref, AZDO_ID_FULL, "Jamal Hartnett <fabrikamfiber4@hotmail.com>");
    ident(ref, AZDO_ID_DISPLAY, "Jamal Hartnett");
    ident(ref, AZDO_ID_UNIQUE, "fabrikamfiber4@hotmail.com");
    ident("{\"displayName\":\"Project Collection Build Service\"}", AZDO_ID_FULL, "Project Collection Build Service");
    ident("{\"displayName\":\"Build\"}", AZDO_ID_UNIQUE, NULL);
    ident("\"Normal Paulk <fabrikamfiber16@hotmail.com>\"", AZDO_ID_FULL, "Normal Paulk <fabrikamfiber16@hotmail.com>");
    ident("\"Normal Paulk <fabrikamfiber16@hotmail.com>\"", AZDO_ID_DISPLAY, "Normal Paulk");
    ident("\"Normal Paulk <fabrikamfiber16@hotmail.com>\"", AZDO_ID_UNIQUE, "fabrikamfiber16@hotmail.com");
    ident("\"Just A Name\"", AZDO_ID_UNIQUE, NULL);
    ident("42", AZDO_ID_FULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates_with_every_fraction_length),
        cmocka_unit_test(test_zones_become_utc),
        cmocka_unit_test(test_bad_dates_are_rejected),
        cmocka_unit_test(test_next_day),
        cmocka_unit_test(test_identities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
