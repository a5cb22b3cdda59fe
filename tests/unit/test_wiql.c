/*
 * test_wiql.c — the WIQL builder: quoting, injection attempts, every
 * operator, Id affinity and the superset rules (golden text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sql/wiql.h"

static azdo_schema *schema(void)
{
    const char *json =
        "{\"value\":["
        "{\"name\":\"ID\",\"referenceName\":\"System.Id\",\"type\":\"integer\"},"
        "{\"name\":\"Title\",\"referenceName\":\"System.Title\",\"type\":\"string\"},"
        "{\"name\":\"Assigned To\",\"referenceName\":\"System.AssignedTo\",\"type\":\"identity\"},"
        "{\"name\":\"Area Path\",\"referenceName\":\"System.AreaPath\",\"type\":\"treePath\"},"
        "{\"name\":\"Changed Date\",\"referenceName\":\"System.ChangedDate\",\"type\":\"dateTime\"},"
        "{\"name\":\"Priority\",\"referenceName\":\"Microsoft.VSTS.Common.Priority\",\"type\":\"integer\"},"
        "{\"name\":\"Remaining Work\",\"referenceName\":\"Microsoft.VSTS.Scheduling.RemainingWork\",\"type\":\"double\"},"
        "{\"name\":\"Description\",\"referenceName\":\"System.Description\",\"type\":\"html\"}"
        "]}";
    cJSON *j = cJSON_Parse(json);
    azdo_schema *s;
    azdo_error err;
    assert_int_equal(azdo_schema_from_fields(j, &s, &err), AZDO_OK);
    cJSON_Delete(j);
    return s;
}

static int col(const azdo_schema *s, const char *name)
{
    int c = azdo_schema_find(s, name);
    assert_true(c >= 0);
    return c;
}

static azdo_val T(const char *s) { return (azdo_val){.type = AZDO_V_TEXT, .s = s}; }
static azdo_val I(int64_t i) { return (azdo_val){.type = AZDO_V_INT, .i = i}; }
static azdo_val R(double r) { return (azdo_val){.type = AZDO_V_REAL, .r = r}; }
static azdo_val N(void) { return (azdo_val){.type = AZDO_V_NULL}; }

/* Builds the WHERE for one term and compares it with the expected text. */
static void expect1(const char *colname, azdo_op op, azdo_val v, int exact, const char *want, int want_never)
{
    azdo_schema *s = schema();
    azdo_wterm t = {col(s, colname), op, &v, op == AZDO_OP_ISNULL || op == AZDO_OP_ISNOTNULL ? 0 : 1, exact};
    azdo_wiql_where w;
    assert_int_equal(azdo_wiql_build_where(s, 0, &t, 1, 0, &w), 0);
    assert_string_equal(w.text, want);
    assert_int_equal(w.never, want_never);
    azdo_wiql_where_clear(&w);
    azdo_schema_free(s);
}

static void test_literal_quoting(void **state)
{
    strbuf b;
    strbuf_init(&b);
    azdo_wiql_literal(&b, "O'Brien");
    assert_string_equal(strbuf_str(&b), "'O''Brien'");
    strbuf_reset(&b);
    azdo_wiql_literal(&b, "x' OR 1=1 --");
    assert_string_equal(strbuf_str(&b), "'x'' OR 1=1 --'");
    strbuf_reset(&b);
    azdo_wiql_literal(&b, "''");
    assert_string_equal(strbuf_str(&b), "''''''");
    strbuf_free(&b);
}

static void test_injection_stays_inside_the_literal(void **state)
{
    expect1("Title", AZDO_OP_EQ, T("x' OR 1=1 --"), 0, "[System.Title] = 'x'' OR 1=1 --'", 0);
    expect1("Title", AZDO_OP_EQ, T("a') OR ([System.Id] > 0"), 0, "[System.Title] = 'a'') OR ([System.Id] > 0'",
            0);
    expect1("Title", AZDO_OP_LIKE, T("%'; DROP%"), 0, "[System.Title] CONTAINS '''; DROP'", 0);
}

static void test_id_operators_are_exact(void **state)
{
    expect1("Id", AZDO_OP_EQ, I(42), 1, "[System.Id] = 42", 0);
    expect1("Id", AZDO_OP_NE, I(42), 0, "[System.Id] <> 42", 0);
    expect1("Id", AZDO_OP_LT, I(42), 1, "[System.Id] < 42", 0);
    expect1("Id", AZDO_OP_LE, I(42), 1, "[System.Id] <= 42", 0);
    expect1("Id", AZDO_OP_GT, I(42), 1, "[System.Id] > 42", 0);
    expect1("Id", AZDO_OP_GE, I(42), 1, "[System.Id] >= 42", 0);
    /* values arrive with SQLite's numeric affinity applied (vtab_workitems.c):
     * text left is not a number and sorts after every integer */
    expect1("Id", AZDO_OP_EQ, T("abc"), 1, "", 1);
    expect1("Id", AZDO_OP_EQ, T("0x10"), 1, "", 1);
    expect1("Id", AZDO_OP_LT, T("abc"), 1, "", 0); /* always true: no condition */
    expect1("Id", AZDO_OP_GT, T("abc"), 1, "", 1);
    expect1("Id", AZDO_OP_EQ, R(4.5), 1, "", 1);
    expect1("Id", AZDO_OP_EQ, R(4.0), 1, "[System.Id] = 4", 0);
    expect1("Id", AZDO_OP_GT, R(4.5), 1, "[System.Id] >= 5", 0);
    expect1("Id", AZDO_OP_LT, R(4.5), 1, "[System.Id] <= 4", 0);
    expect1("Id", AZDO_OP_EQ, N(), 1, "", 1);
    expect1("Id", AZDO_OP_GT, R(-1.0 / 0.0), 1, "", 0); /* -inf: every id is greater */
    expect1("Id", AZDO_OP_LT, R(1e300), 1, "", 0);
}

static void test_id_in_list(void **state)
{
    azdo_schema *s = schema();
    azdo_val v[] = {I(1), R(2.0), R(2.5), T("zz"), N(), I(3)};
    azdo_wterm t = {col(s, "Id"), AZDO_OP_IN, v, 6, 1};
    azdo_wiql_where w;
    assert_int_equal(azdo_wiql_build_where(s, 1, &t, 1, 0, &w), 0);
    assert_string_equal(w.text, "[System.TeamProject] = @project AND [System.Id] IN (1, 2, 3)");
    azdo_wiql_where_clear(&w);
    azdo_val none[] = {T("zz"), N()};
    t.vals = none;
    t.nvals = 2;
    assert_int_equal(azdo_wiql_build_where(s, 0, &t, 1, 0, &w), 0);
    assert_int_equal(w.never, 1);
    azdo_wiql_where_clear(&w);
    azdo_schema_free(s);
}

static void test_text_is_widened_never_narrowed(void **state)
{
    expect1("Title", AZDO_OP_EQ, T("Fix login"), 0, "[System.Title] = 'Fix login'", 0);
    expect1("Title", AZDO_OP_EQ, I(7), 0, "[System.Title] = '7'", 0);
    /* white space at the ends might be trimmed by the service: not pushed */
    expect1("Title", AZDO_OP_EQ, T(" padded "), 0, "", 0);
    /* '<>' and ranges on text compare case-insensitively in WIQL: not a superset */
    expect1("Title", AZDO_OP_NE, T("x"), 0, "", 0);
    expect1("Title", AZDO_OP_LT, T("x"), 0, "", 0);
    expect1("Title", AZDO_OP_LIKE, T("%jamal%"), 0, "[System.Title] CONTAINS 'jamal'", 0);
    expect1("Title", AZDO_OP_LIKE, T("ab%cdef_g"), 0, "[System.Title] CONTAINS 'cdef'", 0);
    expect1("Title", AZDO_OP_LIKE, T("%_%"), 0, "", 0);
    expect1("AssignedTo", AZDO_OP_LIKE, T("%jamal%"), 0, "[System.AssignedTo] CONTAINS 'jamal'", 0);
    expect1("AssignedTo", AZDO_OP_LIKE, T("%@hotmail.com%"), 0, "", 0); /* unique-name text: not sent */
    expect1("AssignedToUniqueName", AZDO_OP_LIKE, T("%hotmail%"), 0, "", 0);
    expect1("AssignedToDisplayName", AZDO_OP_EQ, T("Jamal Hartnett"), 0, "[System.AssignedTo] = 'Jamal Hartnett'",
            0);
    expect1("Title", AZDO_OP_ISNULL, N(), 0, "[System.Title] = ''", 0);
    expect1("Title", AZDO_OP_ISNOTNULL, N(), 0, "[System.Title] <> ''", 0);
}

static void test_tree_paths_use_under(void **state)
{
    expect1("AreaPath", AZDO_OP_LIKE, T("Fabrikam\\Website\\Ch%"), 0, "[System.AreaPath] UNDER 'Fabrikam\\Website'",
            0);
    expect1("AreaPath", AZDO_OP_LIKE, T("Fab%"), 0, "", 0);
    expect1("AreaPath", AZDO_OP_EQ, T("Fabrikam\\Website"), 0, "[System.AreaPath] = 'Fabrikam\\Website'", 0);
}

static void test_numbers_and_dates(void **state)
{
    expect1("Priority", AZDO_OP_LE, I(2), 0, "[Microsoft.VSTS.Common.Priority] <= 2", 0);
    expect1("Priority", AZDO_OP_EQ, R(2.0), 0, "[Microsoft.VSTS.Common.Priority] = 2", 0);
    expect1("Priority", AZDO_OP_EQ, R(2.5), 0, "", 0);
    expect1("Priority", AZDO_OP_EQ, T("high"), 0, "", 0);
    expect1("Priority", AZDO_OP_GT, R(1e20), 0, "", 0); /* would need an exponent: not sent */
    expect1("RemainingWork", AZDO_OP_GT, R(2.5), 0, "[Microsoft.VSTS.Scheduling.RemainingWork] > 2.5", 0);
    expect1("RemainingWork", AZDO_OP_LT, R(1e300), 0, "", 0);
    expect1("RemainingWork", AZDO_OP_GT, R(0.000125), 0, "[Microsoft.VSTS.Scheduling.RemainingWork] > 0.000125", 0);
    expect1("ChangedDate", AZDO_OP_GE, T("2024-02-28 10:00:00"), 0,
            "[System.ChangedDate] >= '2024-02-28T00:00:00Z'", 0);
    expect1("ChangedDate", AZDO_OP_LT, T("2024-02-28T10:00:00Z"), 0,
            "[System.ChangedDate] < '2024-02-29T00:00:00Z'", 0);
    expect1("ChangedDate", AZDO_OP_EQ, T("2023-12-31"), 0,
            "[System.ChangedDate] >= '2023-12-31T00:00:00Z' AND [System.ChangedDate] < '2024-01-01T00:00:00Z'", 0);
    expect1("ChangedDate", AZDO_OP_GT, T("yesterday"), 0, "", 0);
    expect1("Description", AZDO_OP_EQ, T("x"), 0, "", 0);
}

static void test_exact_only_fallback(void **state)
{
    azdo_schema *s = schema();
    azdo_val a = T("Proj\\Nope"), b = I(5), c = T("x");
    azdo_wterm t[] = {{col(s, "AreaPath"), AZDO_OP_EQ, &a, 1, 0}, {col(s, "Id"), AZDO_OP_GT, &b, 1, 1},
                      {col(s, "Title"), AZDO_OP_EQ, &c, 1, 0}};
    azdo_wiql_where w;
    assert_int_equal(azdo_wiql_build_where(s, 1, t, 3, 1, &w), 0);
    assert_string_equal(w.text, "[System.TeamProject] = @project AND [System.Id] > 5");
    azdo_wiql_where_clear(&w);
    assert_int_equal(azdo_wiql_chars("ab\xc3\xa9\xf0\x9f\x98\x80"), 4); /* a b é 😀 */
    azdo_schema_free(s);
}

static void test_query_text_windows(void **state)
{
    azdo_wiql_where w = {.text = "[System.State] = 'Active'"};
    char *q = azdo_wiql_query_text(&w, 100, 20101, 0);
    assert_string_equal(q, "SELECT [System.Id] FROM WorkItems WHERE ([System.State] = 'Active') AND [System.Id] > 100 "
                           "AND [System.Id] < 20101 ORDER BY [System.Id] ASC");
    free(q);
    azdo_wiql_where empty = {.text = ""};
    q = azdo_wiql_query_text(&empty, 0, 0, 1);
    assert_string_equal(q, "SELECT [System.Id] FROM WorkItems ORDER BY [System.Id] DESC");
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_quoting),
        cmocka_unit_test(test_injection_stays_inside_the_literal),
        cmocka_unit_test(test_id_operators_are_exact),
        cmocka_unit_test(test_id_in_list),
        cmocka_unit_test(test_text_is_widened_never_narrowed),
        cmocka_unit_test(test_tree_paths_use_under),
        cmocka_unit_test(test_numbers_and_dates),
        cmocka_unit_test(test_exact_only_fallback),
        cmocka_unit_test(test_query_text_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
